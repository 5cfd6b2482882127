/* xml-safe.h: the one door through which untrusted XML enters protocols/ (PIDF, pres-rules,
 * watcherinfo, resource-lists, rls-services, RLMI, GUSS and XCAP documents): a bounded, offline
 * libxml2 reader. Not a validator: callers still check the schema's structure themselves.
 *
 * What it refuses, and why:
 *  - Any document type declaration (internal subset or external DTD). Every format read here is
 *    defined by an XML schema only (RFC 3863 §4, RFC 4745, RFC 3858 §7, RFC 4826, RFC 4662 §5.7,
 *    TS 29.109 Annex A, RFC 4825 §8.2.1), so a DTD has no legitimate use; without one no entity can be
 *    declared, so none is expanded: no billion laughs, no external or parameter entity, whatever the
 *    libxml2 version does with them. The raw bytes are scanned for "<!DOCTYPE" / "<!ENTITY" before
 *    libxml2 sees them, and the parsed tree is checked again (a UTF-16 document hides from the scan).
 *  - Network and file access: XML_PARSE_NONET, never XML_PARSE_NOENT, DTDLOAD, DTDATTR or DTDVALID.
 *  - Size and depth: more than max_size bytes is refused before libxml2 sees a byte; more than
 *    max_elements elements, or than max_depth levels, after parsing (counted without recursion).
 *    XML_PARSE_HUGE is never passed, so libxml2's own limits stay on (256 levels, 10 MB text nodes).
 *  - Documents that are not well-formed, or not namespace-well-formed (Namespaces in XML §5).
 * Errors are set in the caller's GError domain and codes (XmlSafeLimits.domain, code_xml, code_large)
 * so each format keeps its own (PIDF_ERROR, RLIST_ERROR, GBA_ERROR, XCAP_ERROR...); with domain 0
 * they are XML_SAFE_ERROR / XmlSafeError. Also the few tree accessors every reader of a parsed
 * document needs (xml_safe_is, _attr, _text, _own_text). Tests: tests/unit/test-xml-safe.c.
 */
#pragma once
#include <glib.h>
#include <libxml/tree.h>
#include <stddef.h>

#define XML_SAFE_ERROR (xml_safe_error_quark())
GQuark xml_safe_error_quark(void);

typedef enum {
    XML_SAFE_ERROR_XML,       /* empty, not well-formed, a DTD, no root element */
    XML_SAFE_ERROR_TOO_LARGE, /* over max_size bytes, max_elements elements or max_depth levels */
} XmlSafeError;

/* Relaxations, each only to keep an older reader's exact behaviour; 0 (XML_SAFE_STRICT) is the
 * default and what new callers want. None of them lets a DTD or an entity through. */
typedef enum {
    XML_SAFE_STRICT = 0,
    XML_SAFE_NO_BYTE_SCAN = 1 << 0,    /* refuse a DTD only from the parsed tree, not the raw bytes */
    XML_SAFE_ALLOW_NS_ERRORS = 1 << 1, /* keep a document with namespace errors (unbound prefix) */
    XML_SAFE_KEEP_CDATA = 1 << 2,      /* CDATA sections stay CDATA nodes (else merged into text) */
} XmlSafeFlags;

typedef struct {
    size_t max_size;    /* most bytes accepted, at most G_MAXINT */
    guint max_elements; /* most elements, the root included; 0: not counted */
    guint max_depth;    /* most levels of elements, the root is level 1; 0: libxml2's limit only */
    XmlSafeFlags flags;
    GQuark domain;      /* error domain; 0: XML_SAFE_ERROR (and its codes, ignoring the two below) */
    int code_xml;       /* code for empty, not well-formed, DTD, no root */
    int code_large;     /* code for too many bytes, elements or levels */
    const char *what;   /* prefixes each message ("GUSS: ..."); NULL for none */
} XmlSafeLimits;

/* Parses DATA (LEN bytes) within LIMITS into a tree with a root element. NULL with ERROR set
 * otherwise. xmlFreeDoc() the result. */
xmlDoc *xml_safe_read(const void *data, size_t len, const XmlSafeLimits *limits,
                      GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* TRUE when "<!DOCTYPE" or "<!ENTITY" appears anywhere in the raw bytes (the scan xml_safe_read()
 * runs first; also for fragments parsed by other means, e.g. xmlParseInNodeContext). */
gboolean xml_safe_has_dtd(const void *data, size_t len);

/* What xml_safe_count() found. */
typedef struct {
    guint elements;          /* elements under and including the root, counted up to the limit + 1 */
    guint depth;             /* deepest level seen (the root is 1) */
    gboolean unbound_prefix; /* an element or attribute name still holding a ':' and no namespace:
                              * an unbound prefix (libxml2's chunk parser keeps it in the name) */
} XmlSafeCount;

/* Walks the elements under and including ROOT without recursion (no stack use on hostile depth),
 * stopping once more than LIMIT are seen; fills OUT. */
void xml_safe_count(const xmlNode *root, guint limit, XmlSafeCount *out);

/* ---- reading the tree ---- */

/* TRUE when NODE is an element in namespace NS named NAME (any name when NAME is NULL). FALSE for a
 * NULL NODE. */
gboolean xml_safe_is(const xmlNode *node, const char *ns, const char *name);
/* The attribute NAME (no namespace) or NULL; g_free. */
char *xml_safe_attr(const xmlNode *node, const char *name);
/* All the text under NODE (xmlNodeGetContent), surrounding white space removed; g_free, never NULL. */
char *xml_safe_text(const xmlNode *node);
/* Only NODE's own text and CDATA children, concatenated, surrounding white space removed (the text of
 * a simple-typed element, child elements ignored); g_free, never NULL. */
char *xml_safe_own_text(const xmlNode *node);
