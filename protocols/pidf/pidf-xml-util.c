/* pidf-xml-util.c: the bounded, offline XML reader and the small tree helpers shared by the PIDF and
 * pres-rules code (pidf-private.h).
 *
 * Why a DTD is refused outright: PIDF (RFC 3863 §4) and common policy (RFC 4745) are defined by XML
 * schemas only, so a document type declaration has no legitimate use in them, and refusing it before
 * libxml2 parses one closes the entity family of attacks (billion laughs, external entities, parameter
 * entities) whatever the libxml2 version does with them.
 */
#include "protocols/pidf/pidf-private.h"
#include <libxml/parser.h>
#include <string.h>

/* TRUE when "<!DOCTYPE" or "<!ENTITY" appears in the raw bytes. A UTF-16 document hides them from
 * this scan; the check of the parsed tree below catches it too. */
static gboolean has_dtd_bytes(const char *data, size_t len)
{
    static const char *const marks[] = {"<!DOCTYPE", "<!ENTITY"};
    for (guint m = 0; m < G_N_ELEMENTS(marks); m++) {
        size_t ml = strlen(marks[m]);
        for (size_t i = 0; i + ml <= len; i++)
            if (data[i] == '<' && memcmp(data + i, marks[m], ml) == 0)
                return TRUE;
    }
    return FALSE;
}

/* Counts elements up to LIMIT + 1 (stops early), iteratively: no recursion on hostile depth. */
static guint count_elements(xmlNode *root, guint limit)
{
    guint n = 0;
    xmlNode *node = root;
    while (node && n <= limit) {
        if (node->type == XML_ELEMENT_NODE)
            n++;
        if (node->type == XML_ELEMENT_NODE && node->children) {
            node = node->children;
            continue;
        }
        while (node && !node->next && node != root)
            node = node->parent;
        if (!node || node == root)
            break;
        node = node->next;
    }
    return n;
}

xmlDoc *pidf_xml_read(const void *data, size_t len, size_t max, GQuark domain, int code_large, int code_xml,
                      GError **error)
{
    if (!data && len > 0) {
        g_set_error(error, domain, code_xml, "no data");
        return NULL;
    }
    if (len > max) {
        g_set_error(error, domain, code_large, "document of %zu bytes is larger than the %zu allowed", len, max);
        return NULL;
    }
    if (len == 0) {
        g_set_error(error, domain, code_xml, "empty document");
        return NULL;
    }
    if (has_dtd_bytes(data, len)) {
        g_set_error(error, domain, code_xml, "document type declarations (DTD, entities) are not allowed");
        return NULL;
    }
    xmlParserCtxt *ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        g_set_error(error, domain, code_xml, "libxml2 could not allocate a parser");
        return NULL;
    }
    /* No XML_PARSE_NOENT, no XML_PARSE_DTDLOAD / DTDATTR / DTDVALID, no XML_PARSE_HUGE (keeps libxml2's
     * depth and text limits), no network. */
    xmlDoc *doc = xmlCtxtReadMemory(ctxt, data, (int)len, NULL, NULL,
                                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
    if (!doc || !ctxt->wellFormed || !ctxt->nsWellFormed) { /* namespace errors too (Namespaces in XML §5) */
        const xmlError *e = xmlCtxtGetLastError(ctxt);
        g_autofree char *msg = g_strdup(e && e->message ? e->message : "unknown error");
        g_strchomp(msg);
        g_set_error(error, domain, code_xml, "not well-formed XML (line %d): %s", e ? e->line : 0, msg);
        if (doc)
            xmlFreeDoc(doc);
        xmlFreeParserCtxt(ctxt);
        return NULL;
    }
    xmlFreeParserCtxt(ctxt);
    if (doc->intSubset || doc->extSubset) {
        g_set_error(error, domain, code_xml, "document type declarations (DTD, entities) are not allowed");
        xmlFreeDoc(doc);
        return NULL;
    }
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!root) {
        g_set_error(error, domain, code_xml, "no root element");
        xmlFreeDoc(doc);
        return NULL;
    }
    if (count_elements(root, PIDF_XML_MAX_ELEMENTS) > PIDF_XML_MAX_ELEMENTS) {
        g_set_error(error, domain, code_large, "more than %d elements", PIDF_XML_MAX_ELEMENTS);
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

gboolean pidf_xml_is(const xmlNode *node, const char *ns, const char *name)
{
    return node && node->type == XML_ELEMENT_NODE && node->ns && node->ns->href &&
           strcmp((const char *)node->ns->href, ns) == 0 && strcmp((const char *)node->name, name) == 0;
}

char *pidf_xml_text(const xmlNode *node)
{
    xmlChar *content = xmlNodeGetContent(node);
    char *text = g_strdup(content ? (const char *)content : "");
    xmlFree(content);
    return g_strstrip(text);
}

char *pidf_xml_attr(const xmlNode *node, const char *name)
{
    xmlChar *value = xmlGetNoNsProp(node, (const xmlChar *)name);
    if (!value)
        return NULL;
    char *copy = g_strdup((const char *)value);
    xmlFree(value);
    return copy;
}

char *pidf_xml_dump(xmlDoc *doc, size_t *len, GQuark domain, int code, GError **error)
{
    xmlChar *buf = NULL;
    int size = 0;
    xmlDocDumpFormatMemoryEnc(doc, &buf, &size, "UTF-8", 1);
    if (!buf || size <= 0) {
        g_set_error(error, domain, code, "libxml2 could not print the document");
        xmlFree(buf);
        return NULL;
    }
    char *out = g_strndup((const char *)buf, (gsize)size);
    xmlFree(buf);
    if (len)
        *len = (size_t)size;
    return out;
}
