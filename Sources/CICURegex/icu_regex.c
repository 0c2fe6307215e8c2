#include "icu_regex.h"

#include <string.h>
#include <unicode/uregex.h>

static void copy_name(UErrorCode code, char *error, int32_t capacity) {
    if (error == NULL || capacity <= 0) return;
    strncpy(error, u_errorName(code), (size_t)capacity - 1);
    error[capacity - 1] = '\0';
}

pw_regex *pw_regex_open(const uint16_t *pattern, int32_t length, char *error, int32_t error_capacity, int32_t *offset) {
    UErrorCode code = U_ZERO_ERROR;
    UParseError parse;
    memset(&parse, 0, sizeof parse);
    parse.offset = -1;
    URegularExpression *regex = uregex_open((const UChar *)pattern, length, 0, &parse, &code);
    if (U_FAILURE(code)) {
        if (regex != NULL) uregex_close(regex);
        copy_name(code, error, error_capacity);
        if (offset != NULL) *offset = parse.offset;
        return NULL;
    }
    return (pw_regex *)regex;
}

pw_regex *pw_regex_clone(const pw_regex *regex) {
    UErrorCode code = U_ZERO_ERROR;
    URegularExpression *copy = uregex_clone((const URegularExpression *)regex, &code);
    if (U_FAILURE(code)) {
        if (copy != NULL) uregex_close(copy);
        return NULL;
    }
    return (pw_regex *)copy;
}

void pw_regex_close(pw_regex *regex) {
    if (regex != NULL) uregex_close((URegularExpression *)regex);
}

int32_t pw_regex_group_count(pw_regex *regex) {
    UErrorCode code = U_ZERO_ERROR;
    int32_t count = uregex_groupCount((URegularExpression *)regex, &code);
    return U_FAILURE(code) ? 0 : count;
}

int32_t pw_regex_find(pw_regex *regex, const uint16_t *text, int32_t length, int32_t time_limit, int32_t group, int32_t *start, int32_t *end) {
    URegularExpression *r = (URegularExpression *)regex;
    UErrorCode code = U_ZERO_ERROR;
    static const UChar empty[1] = {0};
    uregex_setTimeLimit(r, time_limit, &code);
    uregex_setText(r, length > 0 ? (const UChar *)text : empty, length, &code);
    if (U_FAILURE(code)) return PW_REGEX_FAILED;
    UBool found = uregex_find(r, 0, &code);
    int32_t outcome = PW_REGEX_NOT_FOUND;
    if (code == U_REGEX_TIME_OUT) {
        outcome = PW_REGEX_TIMED_OUT;
    } else if (U_FAILURE(code)) {
        outcome = PW_REGEX_FAILED;
    } else if (found) {
        outcome = PW_REGEX_FOUND;
        if (group > 0 && start != NULL && end != NULL) {
            *start = uregex_start(r, group, &code);
            *end = uregex_end(r, group, &code);
            if (U_FAILURE(code)) *start = *end = -1;
        }
    }
    /* Forget the caller's buffer: it is not valid past this call. */
    code = U_ZERO_ERROR;
    uregex_setText(r, empty, 0, &code);
    return outcome;
}
