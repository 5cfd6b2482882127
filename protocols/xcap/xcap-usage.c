/* xcap-usage.c: the application usages of the XCAP server (RFC 4825 §5, RFC 5025 §9, RFC 4826 §3.4 and
 * §4.4, RFC 4825 §12).
 *
 * Order of the checks: the root element, then uniqueness on the tree, then the usage's parser. The
 * parsers refuse some duplicates themselves (two lists of one name, two services of one URI) as
 * plain errors; checking uniqueness first is what turns those into the <uniqueness-failure> the
 * client can act on (RFC 4825 §8.2.5 names both checks; their order is the server's).
 */
#include "protocols/xcap/xcap-usage.h"

#include "protocols/pidf/pres-rules.h"
#include "protocols/pidf/resource-lists.h"

#include <string.h>

#define NS_CP "urn:ietf:params:xml:ns:common-policy"
#define NS_PR "urn:ietf:params:xml:ns:pres-rules"
#define NS_RL "urn:ietf:params:xml:ns:resource-lists"
#define NS_RLS "urn:ietf:params:xml:ns:rls-services"
#define NS_CAPS "urn:ietf:params:xml:ns:xcap-caps"
#define NS_XCAP_ERROR "urn:ietf:params:xml:ns:xcap-error"
#define MAX_LIST_DEPTH 32

/* Default namespaces (RFC 4825 §5.2): RFC 5025 §9.3 gives pres-rules the pres-rules namespace, so
 * common-policy elements of a selector need a prefix bound by an xmlns() query
 * ("cp:ruleset/cp:rule[@id=...]?xmlns(cp=urn:ietf:params:xml:ns:common-policy)"). */
static const XcapUsage usages[] = {
    {"pres-rules", PRES_RULES_CONTENT_TYPE, NS_PR, NS_CP, "ruleset", FALSE, FALSE},
    {"resource-lists", RESOURCE_LISTS_CONTENT_TYPE, NS_RL, NS_RL, "resource-lists", FALSE, FALSE},
    {"rls-services", RLS_SERVICES_CONTENT_TYPE, NS_RLS, NS_RLS, "rls-services", FALSE, FALSE},
    {"xcap-caps", "application/xcap-caps+xml", NS_CAPS, NS_CAPS, "xcap-caps", TRUE, TRUE},
};

const XcapUsage *xcap_usage_find(const char *auid)
{
    for (guint i = 0; auid && i < G_N_ELEMENTS(usages); i++)
        if (strcmp(usages[i].auid, auid) == 0)
            return &usages[i];
    return NULL;
}

const XcapUsage *xcap_usage_all(guint *n)
{
    *n = G_N_ELEMENTS(usages);
    return usages;
}

static gboolean is(const xmlNode *n, const char *ns, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href && strcmp((const char *)n->ns->href, ns) == 0 &&
           strcmp((const char *)n->name, name) == 0;
}

/* "root/child/.../el/@attr" from the local names, the <exists field> of §11.2. */
static char *field_of(const xmlNode *el, const char *attr)
{
    GPtrArray *names = g_ptr_array_new();
    for (const xmlNode *n = el; n && n->type == XML_ELEMENT_NODE; n = n->parent)
        g_ptr_array_insert(names, 0, (gpointer)n->name);
    g_ptr_array_add(names, NULL);
    g_autofree char *path = g_strjoinv("/", (char **)names->pdata);
    g_ptr_array_free(names, TRUE);
    return g_strdup_printf("%s/@%s", path, attr);
}

/* Among the children of PARENT that are NS:NAME, is attribute ATTR unique? On a duplicate sets FIELD
 * and DETAIL and returns FALSE. Cost: O(children) with a hash set. */
static gboolean unique_among(const xmlNode *parent, const char *ns, const char *name, const char *attr, char **field,
                             char **detail)
{
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (xmlNode *c = parent->children; c; c = c->next) {
        if (!is(c, ns, name))
            continue;
        xmlChar *v = xmlGetNoNsProp(c, BAD_CAST attr);
        if (!v)
            continue;
        gboolean dup = !g_hash_table_add(seen, g_strdup((const char *)v));
        if (dup) {
            *field = field_of(c, attr);
            *detail = g_strdup_printf("%s '%s' appears twice", attr, (const char *)v);
        }
        xmlFree(v);
        if (dup)
            return FALSE;
    }
    return TRUE;
}

/* RFC 4826 §3.4.5 (and the <list> of §4.2 in rls-services): within one list, entry URIs, entry-ref
 * refs and external anchors are unique; lists among their siblings have unique names. */
static gboolean lists_unique(const xmlNode *container, int depth, char **field, char **detail)
{
    if (depth > MAX_LIST_DEPTH)
        return TRUE; /* the parser refuses such nesting */
    if (!unique_among(container, NS_RL, "list", "name", field, detail) ||
        !unique_among(container, NS_RL, "entry", "uri", field, detail) ||
        !unique_among(container, NS_RL, "entry-ref", "ref", field, detail) ||
        !unique_among(container, NS_RL, "external", "anchor", field, detail))
        return FALSE;
    /* rls-services' inline <list> is in the rls-services namespace, its nested lists and entries in
     * resource-lists' (RFC 4826 §4.2) */
    for (xmlNode *c = container->children; c; c = c->next)
        if ((is(c, NS_RL, "list") || is(c, NS_RLS, "list")) && !lists_unique(c, depth + 1, field, detail))
            return FALSE;
    return TRUE;
}

static gboolean check_unique(const XcapUsage *u, const xmlNode *root, char **field, char **detail)
{
    if (strcmp(u->auid, "pres-rules") == 0) /* RFC 4745 §5: rule ids unique within the ruleset */
        return unique_among(root, NS_CP, "rule", "id", field, detail);
    if (strcmp(u->auid, "resource-lists") == 0)
        return lists_unique(root, 0, field, detail);
    if (strcmp(u->auid, "rls-services") == 0) { /* RFC 4826 §4.4.5, within the document */
        if (!unique_among(root, NS_RLS, "service", "uri", field, detail))
            return FALSE;
        for (xmlNode *c = root->children; c; c = c->next)
            if (is(c, NS_RLS, "service"))
                for (xmlNode *l = c->children; l; l = l->next)
                    if (is(l, NS_RLS, "list") && !lists_unique(l, 1, field, detail))
                        return FALSE;
    }
    return TRUE;
}

static gboolean parse_with_usage(const XcapUsage *u, GBytes *bytes, GError **error)
{
    gsize len;
    const void *data = g_bytes_get_data(bytes, &len);
    if (strcmp(u->auid, "pres-rules") == 0) {
        g_autoptr(PresRules) r = pres_rules_parse(data, len, error);
        return r != NULL;
    }
    if (strcmp(u->auid, "resource-lists") == 0) {
        g_autoptr(RlistDoc) r = rlist_doc_parse(data, len, error);
        return r != NULL;
    }
    if (strcmp(u->auid, "rls-services") == 0) {
        g_autoptr(RlsServicesDoc) r = rls_services_parse(data, len, error);
        return r != NULL;
    }
    return TRUE; /* xcap-caps: the server's own document; the root check is all */
}

XcapUsageVerdict xcap_usage_validate(const XcapUsage *u, xmlDoc *doc, GBytes *bytes, char **field, char **detail)
{
    *field = NULL;
    *detail = NULL;
    const xmlNode *root = xmlDocGetRootElement(doc);
    if (!root || !is(root, u->root_ns, u->root_name)) {
        *detail = g_strdup_printf("the root element must be <%s> in %s", u->root_name, u->root_ns);
        return XCAP_USAGE_INVALID;
    }
    if (!check_unique(u, root, field, detail))
        return XCAP_USAGE_NOT_UNIQUE;
    g_autoptr(GError) err = NULL;
    if (!parse_with_usage(u, bytes, &err)) {
        *detail = g_strdup(err ? err->message : "invalid document");
        return XCAP_USAGE_INVALID;
    }
    return XCAP_USAGE_VALID;
}

GBytes *xcap_usage_caps_document(void)
{
    xmlDoc *doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNode *root = xmlNewNode(NULL, BAD_CAST "xcap-caps");
    xmlNs *ns = xmlNewNs(root, BAD_CAST NS_CAPS, NULL);
    xmlSetNs(root, ns);
    xmlDocSetRootElement(doc, root);
    xmlNode *auids = xmlNewChild(root, ns, BAD_CAST "auids", NULL);
    for (guint i = 0; i < G_N_ELEMENTS(usages); i++)
        xmlNewTextChild(auids, ns, BAD_CAST "auid", BAD_CAST usages[i].auid);
    /* RFC 4825 §12.2: every namespace the server understands, the error namespace included */
    static const char *const namespaces[] = {NS_CAPS, NS_XCAP_ERROR, NS_CP, NS_PR, NS_RL, NS_RLS};
    xmlNode *nss = xmlNewChild(root, ns, BAD_CAST "namespaces", NULL);
    for (guint i = 0; i < G_N_ELEMENTS(namespaces); i++)
        xmlNewTextChild(nss, ns, BAD_CAST "namespace", BAD_CAST namespaces[i]);
    xmlChar *buf = NULL;
    int size = 0;
    xmlDocDumpFormatMemoryEnc(doc, &buf, &size, "UTF-8", 1);
    GBytes *out = g_bytes_new(buf ? buf : (const xmlChar *)"", buf && size > 0 ? (gsize)size : 0);
    xmlFree(buf);
    xmlFreeDoc(doc);
    return out;
}
