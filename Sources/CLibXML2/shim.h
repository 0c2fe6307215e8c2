#ifndef PARCELWATCH_CLIBXML2_SHIM_H
#define PARCELWATCH_CLIBXML2_SHIM_H

/* Debian's libxml2 is built with ICU; its headers would pull the system ICU into Swift, where it
 * clashes with Foundation's own ICU module. Nothing here needs libxml2's ICU fields. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/xmlerror.h>

/* xmlFree is a global function-pointer variable, which Swift 6 treats as shared mutable state. */
static inline void cxml_free(void *pointer) {
    xmlFree(pointer);
}

/* Returns non-zero when the document declares entities in its internal subset: Parcelwatch
 * refuses such documents (XXE, billion laughs) instead of trying to expand them safely. */
static inline int cxml_declares_entities(xmlDocPtr doc) {
    if (doc == NULL || doc->intSubset == NULL) return 0;
    return doc->intSubset->entities != NULL || doc->intSubset->pentities != NULL;
}

#endif
