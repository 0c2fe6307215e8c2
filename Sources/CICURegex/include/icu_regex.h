#ifndef PARCELWATCH_ICU_REGEX_H
#define PARCELWATCH_ICU_REGEX_H

/* The few ICU regex calls Parcelwatch needs, behind plain C types. ICU's own headers stay out of
 * this one on purpose: Swift already sees Foundation's copy of ICU (module _FoundationICU), whose
 * UErrorCode differs from the system's and clashes with it; and ICU renames every entry point with
 * its version (uregex_open_72), which Swift cannot follow through the macros. */

#include <stdint.h>

/** A compiled ICU regular expression (a URegularExpression). */
typedef struct pw_regex pw_regex;

/** Compiles `pattern` (UTF-16) with ICU's default flags, as NSRegularExpression does. On failure
 * returns NULL, with ICU's error name in `error` and the offset of the problem in `offset`. */
pw_regex *pw_regex_open(const uint16_t *pattern, int32_t length, char *error, int32_t error_capacity, int32_t *offset);

/** A copy that can match on another thread at the same time (its own text and match state). */
pw_regex *pw_regex_clone(const pw_regex *regex);

/** Frees a compiled expression. */
void pw_regex_close(pw_regex *regex);

/** The number of capture groups. */
int32_t pw_regex_group_count(pw_regex *regex);

/* Outcomes of pw_regex_find. */
#define PW_REGEX_FOUND 1
#define PW_REGEX_NOT_FOUND 0
#define PW_REGEX_TIMED_OUT -1
#define PW_REGEX_FAILED -2

/** Finds the first match in `text` (UTF-16), giving up after `time_limit` steps of ICU's match
 * engine (uregex_setTimeLimit; about 10,000 backtracking steps each, 0: no limit). When found and
 * `group` is a capture group, its UTF-16 range is in `start`/`end` (-1 when it did not take part). */
int32_t pw_regex_find(pw_regex *regex, const uint16_t *text, int32_t length, int32_t time_limit, int32_t group, int32_t *start, int32_t *end);

#endif
