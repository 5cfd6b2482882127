/* xcap-error.c: application/xcap-error+xml documents (RFC 4825 §11), built as a libxml2 tree so
 * every value is escaped the way the XML printer does it.
 */
#include "protocols/xcap/xcap-error.h"

#include <libxml/tree.h>

static const char *const names[] = {
    [XCAP_CONFLICT_NOT_WELL_FORMED] = "not-well-formed",
    [XCAP_CONFLICT_NOT_XML_FRAG] = "not-xml-frag",
    [XCAP_CONFLICT_NO_PARENT] = "no-parent",
    [XCAP_CONFLICT_SCHEMA_VALIDATION] = "schema-validation-error",
    [XCAP_CONFLICT_NOT_XML_ATT_VALUE] = "not-xml-att-value",
    [XCAP_CONFLICT_CANNOT_INSERT] = "cannot-insert",
    [XCAP_CONFLICT_CANNOT_DELETE] = "cannot-delete",
    [XCAP_CONFLICT_UNIQUENESS_FAILURE] = "uniqueness-failure",
    [XCAP_CONFLICT_CONSTRAINT_FAILURE] = "constraint-failure",
    [XCAP_CONFLICT_NOT_UTF_8] = "not-utf-8",
};

const char *xcap_conflict_name(XcapConflict kind)
{
    g_return_val_if_fail(kind >= XCAP_CONFLICT_NOT_WELL_FORMED && kind <= XCAP_CONFLICT_NOT_UTF_8, "constraint-failure");
    return names[kind];
}

/* A phrase is free text for people; keep it short and valid UTF-8 whatever the caller passes. */
static char *clean_phrase(const char *phrase)
{
    g_autofree char *valid = g_utf8_make_valid(phrase, -1);
    if (g_utf8_strlen(valid, -1) <= 200)
        return g_steal_pointer(&valid);
    return g_utf8_substring(valid, 0, 200);
}

GBytes *xcap_conflict_build(XcapConflict kind, const char *phrase, const char *ancestor, const char *field,
                            const char *const *alt_values)
{
    xmlDoc *doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNode *root = xmlNewNode(NULL, BAD_CAST "xcap-error");
    xmlNs *ns = xmlNewNs(root, BAD_CAST XCAP_ERROR_NS, NULL);
    xmlSetNs(root, ns);
    xmlDocSetRootElement(doc, root);
    xmlNode *el = xmlNewChild(root, ns, BAD_CAST xcap_conflict_name(kind), NULL);
    if (phrase) {
        g_autofree char *p = clean_phrase(phrase);
        xmlSetProp(el, BAD_CAST "phrase", BAD_CAST p);
    }
    if (kind == XCAP_CONFLICT_NO_PARENT && ancestor)
        xmlNewTextChild(el, ns, BAD_CAST "ancestor", BAD_CAST ancestor); /* §11.2: anyURI */
    if (kind == XCAP_CONFLICT_UNIQUENESS_FAILURE) {
        xmlNode *exists = xmlNewChild(el, ns, BAD_CAST "exists", NULL); /* §11.2: at least one */
        xmlSetProp(exists, BAD_CAST "field", BAD_CAST(field ? field : ""));
        for (guint i = 0; alt_values && alt_values[i]; i++)
            xmlNewTextChild(exists, ns, BAD_CAST "alt-value", BAD_CAST alt_values[i]);
    }
    xmlChar *buf = NULL;
    int size = 0;
    xmlDocDumpFormatMemoryEnc(doc, &buf, &size, "UTF-8", 1);
    GBytes *out = g_bytes_new(buf ? buf : (const xmlChar *)"", buf && size > 0 ? (gsize)size : 0);
    xmlFree(buf);
    xmlFreeDoc(doc);
    return out;
}
