/* xml-safe.c: the bounded, offline XML reader of protocols/ (xml-safe.h says what it refuses and why).
 *
 * Order of the checks: cheap ones on the raw bytes first (emptiness, size, DTD marks), then libxml2
 * with options that never fetch or expand anything, then the tree (DTD again, root, counts).
 */
#include "protocols/xml/xml-safe.h"
#include <libxml/parser.h>
#include <string.h>

G_DEFINE_QUARK(presim - xml - safe - error - quark, xml_safe_error)

gboolean xml_safe_has_dtd(const void *data, size_t len)
{
    static const char *const marks[] = {"<!DOCTYPE", "<!ENTITY"};
    const char *p = data;
    if (!p)
        return FALSE;
    for (guint m = 0; m < G_N_ELEMENTS(marks); m++) {
        size_t ml = strlen(marks[m]);
        for (size_t i = 0; i + ml <= len; i++)
            if (p[i] == '<' && memcmp(p + i, marks[m], ml) == 0)
                return TRUE;
    }
    return FALSE;
}

static gboolean has_unbound_prefix(const xmlNode *node)
{
    if (!node->ns && strchr((const char *)node->name, ':'))
        return TRUE;
    for (const xmlAttr *a = node->properties; a; a = a->next)
        if (!a->ns && strchr((const char *)a->name, ':'))
            return TRUE;
    return FALSE;
}

void xml_safe_count(const xmlNode *root, guint limit, XmlSafeCount *out)
{
    memset(out, 0, sizeof *out);
    const xmlNode *node = root;
    guint depth = 1;
    while (node && out->elements <= limit) {
        if (node->type == XML_ELEMENT_NODE) {
            out->elements++;
            out->depth = MAX(out->depth, depth);
            if (!out->unbound_prefix && has_unbound_prefix(node))
                out->unbound_prefix = TRUE;
            if (node->children) {
                node = node->children;
                depth++;
                continue;
            }
        }
        while (node && !node->next && node != root) {
            node = node->parent;
            depth--;
        }
        if (!node || node == root)
            break;
        node = node->next;
    }
}

static void fail(GError **error, const XmlSafeLimits *lim, gboolean large, const char *fmt, ...) G_GNUC_PRINTF(4, 5);
static void fail(GError **error, const XmlSafeLimits *lim, gboolean large, const char *fmt, ...)
{
    if (!error)
        return;
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    GQuark domain = lim->domain ? lim->domain : XML_SAFE_ERROR;
    int code = lim->domain ? (large ? lim->code_large : lim->code_xml)
                           : (large ? XML_SAFE_ERROR_TOO_LARGE : XML_SAFE_ERROR_XML);
    if (lim->what)
        g_set_error(error, domain, code, "%s: %s", lim->what, msg);
    else
        g_set_error_literal(error, domain, code, msg);
}

#define DTD_REFUSED "document type declarations (DTD, entities) are not allowed"

xmlDoc *xml_safe_read(const void *data, size_t len, const XmlSafeLimits *lim, GError **error)
{
    g_return_val_if_fail(lim && lim->max_size <= G_MAXINT, NULL);
    if (!data || len == 0) {
        fail(error, lim, FALSE, "empty document");
        return NULL;
    }
    if (len > lim->max_size) {
        fail(error, lim, TRUE, "document of %zu bytes is larger than the %zu allowed", len, lim->max_size);
        return NULL;
    }
    if (!(lim->flags & XML_SAFE_NO_BYTE_SCAN) && xml_safe_has_dtd(data, len)) {
        fail(error, lim, FALSE, DTD_REFUSED);
        return NULL;
    }
    xmlParserCtxt *ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        fail(error, lim, FALSE, "libxml2 could not allocate a parser");
        return NULL;
    }
    /* No XML_PARSE_NOENT, DTDLOAD, DTDATTR, DTDVALID nor HUGE (keeps libxml2's depth and text
     * limits); no network. */
    int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
    if (!(lim->flags & XML_SAFE_KEEP_CDATA))
        options |= XML_PARSE_NOCDATA;
    xmlDoc *doc = xmlCtxtReadMemory(ctxt, data, (int)len, NULL, NULL, options);
    gboolean ns_ok = ctxt->nsWellFormed || (lim->flags & XML_SAFE_ALLOW_NS_ERRORS);
    if (!doc || !ctxt->wellFormed || !ns_ok) { /* namespace errors too (Namespaces in XML §5) */
        const xmlError *e = xmlCtxtGetLastError(ctxt);
        g_autofree char *msg = g_strdup(e && e->message ? e->message : "unknown error");
        g_strchomp(msg);
        fail(error, lim, FALSE, "not well-formed XML (line %d): %s", e ? e->line : 0, msg);
        if (doc)
            xmlFreeDoc(doc);
        xmlFreeParserCtxt(ctxt);
        return NULL;
    }
    xmlFreeParserCtxt(ctxt);
    xmlNode *root = xmlDocGetRootElement(doc);
    XmlSafeCount count = {0};
    if (doc->intSubset || doc->extSubset) {
        fail(error, lim, FALSE, DTD_REFUSED);
    } else if (!root) {
        fail(error, lim, FALSE, "no root element");
    } else if (lim->max_elements || lim->max_depth) {
        xml_safe_count(root, lim->max_elements ? lim->max_elements : G_MAXUINT - 1, &count);
        if (lim->max_elements && count.elements > lim->max_elements)
            fail(error, lim, TRUE, "more than %u elements", lim->max_elements);
        else if (lim->max_depth && count.depth > lim->max_depth)
            fail(error, lim, TRUE, "elements nested deeper than %u levels", lim->max_depth);
        else
            return doc;
    } else {
        return doc;
    }
    xmlFreeDoc(doc);
    return NULL;
}

gboolean xml_safe_is(const xmlNode *node, const char *ns, const char *name)
{
    return node && node->type == XML_ELEMENT_NODE && node->ns && node->ns->href &&
           strcmp((const char *)node->ns->href, ns) == 0 && (!name || strcmp((const char *)node->name, name) == 0);
}

char *xml_safe_attr(const xmlNode *node, const char *name)
{
    xmlChar *value = xmlGetNoNsProp(node, (const xmlChar *)name);
    char *copy = value ? g_strdup((const char *)value) : NULL;
    xmlFree(value);
    return copy;
}

char *xml_safe_text(const xmlNode *node)
{
    xmlChar *content = xmlNodeGetContent(node);
    char *text = g_strdup(content ? (const char *)content : "");
    xmlFree(content);
    return g_strstrip(text);
}

char *xml_safe_own_text(const xmlNode *node)
{
    GString *s = g_string_new(NULL);
    for (const xmlNode *c = node->children; c; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
            g_string_append(s, (const char *)c->content);
    return g_strstrip(g_string_free(s, FALSE));
}
