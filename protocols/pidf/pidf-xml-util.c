/* pidf-xml-util.c: the small tree helpers shared by the PIDF and pres-rules code (pidf-private.h),
 * and pidf_xml_read(), their bounds for the shared reader protocols/xml/xml-safe.c.
 *
 * PIDF (RFC 3863 §4) and common policy (RFC 4745) are defined by XML schemas only, so the strict
 * reader (no DTD at all, hence no entity of any kind) takes nothing a valid document needs.
 */
#include "protocols/pidf/pidf-private.h"
#include "protocols/xml/xml-safe.h"

xmlDoc *pidf_xml_read(const void *data, size_t len, size_t max, GQuark domain, int code_large, int code_xml,
                      GError **error)
{
    const XmlSafeLimits limits = {
        .max_size = max,
        .max_elements = PIDF_XML_MAX_ELEMENTS,
        .domain = domain,
        .code_xml = code_xml,
        .code_large = code_large,
    };
    return xml_safe_read(data, len, &limits, error);
}

gboolean pidf_xml_is(const xmlNode *node, const char *ns, const char *name)
{
    return name && xml_safe_is(node, ns, name);
}

char *pidf_xml_text(const xmlNode *node)
{
    return xml_safe_text(node);
}

char *pidf_xml_attr(const xmlNode *node, const char *name)
{
    return xml_safe_attr(node, name);
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
