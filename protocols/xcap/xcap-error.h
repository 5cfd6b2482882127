/* xcap-error.h: the application/xcap-error+xml documents of a 409 answer (RFC 4825 §11).
 *
 * One <xcap-error xmlns="urn:ietf:params:xml:ns:xcap-error"> root holding one error element, which
 * tells the client why its PUT or DELETE would leave the document broken: <no-parent> names the
 * deepest ancestor that does exist (§11.2 <ancestor>), <uniqueness-failure> the field that is not
 * unique (<exists field>, with optional <alt-value>s). Every element carries an optional phrase.
 * Tests: tests/unit/test-xcap.c.
 */
#pragma once
#include <glib.h>

#define XCAP_ERROR_CONTENT_TYPE "application/xcap-error+xml"
#define XCAP_ERROR_NS "urn:ietf:params:xml:ns:xcap-error"

/* The error elements of RFC 4825 §11.2. */
typedef enum {
    XCAP_CONFLICT_NOT_WELL_FORMED = 1, /* <not-well-formed>: a document body is not XML */
    XCAP_CONFLICT_NOT_XML_FRAG,        /* <not-xml-frag>: an element body is not one balanced element */
    XCAP_CONFLICT_NO_PARENT,           /* <no-parent>: the parent of the new node does not exist */
    XCAP_CONFLICT_SCHEMA_VALIDATION,   /* <schema-validation-error>: the result breaks the schema */
    XCAP_CONFLICT_NOT_XML_ATT_VALUE,   /* <not-xml-att-value>: an attribute body is not an AttValue */
    XCAP_CONFLICT_CANNOT_INSERT,       /* <cannot-insert>: the URI would not select the new node */
    XCAP_CONFLICT_CANNOT_DELETE,       /* <cannot-delete>: the URI would still select something */
    XCAP_CONFLICT_UNIQUENESS_FAILURE,  /* <uniqueness-failure>: a value that must be unique is not */
    XCAP_CONFLICT_CONSTRAINT_FAILURE,  /* <constraint-failure>: another application usage constraint */
    XCAP_CONFLICT_NOT_UTF_8,           /* <not-utf-8>: the body is not UTF-8 */
} XcapConflict;

/* The element name ("no-parent", ...). */
const char *xcap_conflict_name(XcapConflict kind);

/* The error document. PHRASE (may be NULL): the phrase attribute. ANCESTOR: for no-parent, the URI
 * of the deepest existing ancestor (NULL: none given). FIELD: for uniqueness-failure, the node
 * selector of the value that exists already, ALT_VALUES (NULL-terminated, may be NULL) suggestions.
 * UTF-8 with an XML declaration. */
GBytes *xcap_conflict_build(XcapConflict kind, const char *phrase, const char *ancestor, const char *field,
                            const char *const *alt_values);
