/* xcap-node.h: XCAP node selectors (RFC 4825 §6.3, §6.4) over a libxml2 tree, and the bounded XML
 * reading the XCAP server does.
 *
 * A node selector is parsed once against the query's xmlns() bindings and the application usage's
 * default namespace (an unprefixed element name is in that namespace, §5.2 / §6.3; an unprefixed
 * attribute name is in no namespace, as in XML). Evaluation walks the steps from the document node:
 * every step must select exactly one element (none: the node does not exist; more than one: the
 * selector does not identify a node, also a 404). Creation follows §8.2.3: the new element goes
 * after the last sibling the last step names (or at the position it names); the caller re-evaluates
 * the selector afterwards, so anything the URI would not select again is refused (cannot-insert).
 * Not here: extension selectors (a step that is none of the §6.3 forms is a syntax error, 400).
 * Tests: tests/unit/test-xcap.c.
 */
#pragma once
#include <glib.h>
#include <libxml/tree.h>

/* Largest document or request body the XCAP server parses (the pidf parsers' own limit). */
#define XCAP_XML_MAX_SIZE (256 * 1024)

typedef struct {
    char *text;       /* the step as written (decoded), for the no-parent ancestor URI */
    char *ns;         /* namespace of the element name; NULL: no namespace */
    char *name;       /* local name; NULL for "*" */
    guint position;   /* 1-based; 0 when the step has none */
    char *attr_ns;    /* attr-test: namespace (NULL: none), local name, value; attr_name NULL without */
    char *attr_name;
    char *attr_value;
} XcapStep;

typedef enum {
    XCAP_TERMINAL_NONE = 0,  /* the selector ends in an element */
    XCAP_TERMINAL_ATTRIBUTE, /* "@name" */
    XCAP_TERMINAL_NAMESPACE, /* "namespace::*" */
} XcapTerminal;

typedef struct {
    GPtrArray *steps;      /* XcapStep*, owned, at least one */
    XcapTerminal terminal;
    char *attr_ns;         /* terminal attribute: namespace (NULL: none) and local name */
    char *attr_name;
    char *attr_prefix;     /* the prefix it was written with, or NULL */
} XcapNodeSelector;

/* Parses a decoded node selector. BINDINGS: prefix -> namespace from the query (may be NULL);
 * DEFAULT_NS: the application usage's default document namespace (NULL: no namespace). Errors:
 * XCAP_ERROR_SELECTOR. Free with xcap_node_selector_free(). */
XcapNodeSelector *xcap_node_selector_parse(const char *selector, GHashTable *bindings, const char *default_ns,
                                           GError **error);
void xcap_node_selector_free(XcapNodeSelector *sel);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(XcapNodeSelector, xcap_node_selector_free)

/* The first NSTEPS steps of SEL as a node selector string (the steps as written). g_free. */
char *xcap_node_selector_prefix(const XcapNodeSelector *sel, guint nsteps);

/* Evaluates the first NSTEPS element steps of SEL on DOC. Returns the element when every step selects
 * exactly one element, else NULL; RESOLVED (may be NULL) gets how many leading steps did select
 * exactly one element, AMBIGUOUS (may be NULL) whether the failing step selected several. */
xmlNode *xcap_node_select(xmlDoc *doc, const XcapNodeSelector *sel, guint nsteps, guint *resolved,
                          gboolean *ambiguous);

/* Inserts the new element EL (unlinked, of PARENT's document) as a child of PARENT (an element, or
 * the document node) where STEP, the selector's last step, would select it (RFC 4825 §8.2.3). FALSE
 * (EL left unlinked) when no position can satisfy a positional step. */
gboolean xcap_node_insert(xmlNode *parent, const XcapStep *step, xmlNode *el);

/* Parses a whole document: at most XCAP_XML_MAX_SIZE bytes, no DTD (so no entities), no network,
 * namespace-well-formed. Errors: XCAP_ERROR_XML. xmlFreeDoc the result. */
xmlDoc *xcap_xml_read(const void *data, size_t len, GError **error);

/* Parses an element body (application/xcap-el+xml) in the namespace context of CONTEXT (the parent
 * the element goes under: an element or the document node), §8.2.1: exactly one element, surrounding
 * whitespace allowed, every prefix bound. Errors: XCAP_ERROR_XML. The element belongs to CONTEXT's
 * document, unlinked; xmlFreeNode it if not inserted. */
xmlNode *xcap_xml_parse_element(xmlNode *context, const void *data, size_t len, GError **error);

/* Decodes an attribute value body (application/xcap-att+xml): the characters of an XML AttValue
 * without its quotes ('<' refused, '&' only as a character or predefined entity reference). NULL
 * when not valid. g_free. */
char *xcap_xml_decode_att_value(const char *data, size_t len);
/* The value escaped for an application/xcap-att+xml body ('&' and '<'). g_free. */
char *xcap_xml_encode_att_value(const char *value);

/* DOC printed as UTF-8 with an XML declaration, byte for byte what GET answers. */
GBytes *xcap_xml_dump_doc(xmlDoc *doc);
/* One element as it stands in its document (no namespace declarations added). */
GBytes *xcap_xml_dump_node(xmlDoc *doc, xmlNode *node);
