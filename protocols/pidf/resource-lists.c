/* resource-lists.c: resource-lists documents (RFC 4826 §3) and rls-services documents (RFC 4826 §4),
 * the two XCAP documents a resource list server (RLS, RFC 4662) reads to learn which URIs a list
 * subscription fans out to. The RLMI document of the NOTIFYs is in rlmi.c.
 *
 * Parse: protocols/xml/xml-safe.h, XML_PARSE_NONET (no entity substitution, no DTD loading); a
 * DOCTYPE is refused, so no entity is ever declared or expanded; input larger than
 * RESOURCE_LISTS_MAX_SIZE is refused before libxml2 sees it; at most RLIST_MAX_LISTS lists,
 * RLIST_MAX_ENTRIES entries and RLIST_MAX_DEPTH levels of nesting. A list is flattened: the <entry>
 * URIs of the list and of every nested <list>, in document order, each URI once. <entry-ref> and
 * <external> point into other XCAP documents; dereferencing them is the XCAP server's business, so
 * they are skipped and counted (rlist_doc_ignored()). Elements of foreign namespaces are skipped
 * (the schemas' xs:any ##other); unknown elements of the RFC 4826 namespaces are errors.
 *
 * rls-services: a <service uri> has either an inline <list> (its members are kept) or a
 * <resource-list> holding an XCAP URI of a <list> in a resource-lists document (RFC 4826 §4.2). Of
 * that URI only the node selector is interpreted (RFC 4825 §6.3): after "~~" it must be
 * "resource-lists/list[@name="NAME"]", percent-encoded ("list%5b@name=%22NAME%22%5d", as the
 * examples of RFC 4826 write it) or not, with " or ' quotes. The XCAP root and document selector are
 * not resolved here: the RLS looks the list up in the owner's document.
 *
 * Build: xmlTextWriter; the output validates against the RFC 4826 schemas (test-resource-lists.c).
 */
#include "protocols/pidf/resource-lists.h"
#include "protocols/pidf/pidf-private.h"
#include "protocols/xml/xml-safe.h"
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>
#include <string.h>

G_DEFINE_QUARK(presim - rlist - error - quark, rlist_error)

#define RL_NS "urn:ietf:params:xml:ns:resource-lists"
#define RLS_NS "urn:ietf:params:xml:ns:rls-services"
#define RLIST_MAX_LISTS 1024
#define RLIST_MAX_ENTRIES 4096
#define RLIST_MAX_DEPTH 16
#define RLS_MAX_SERVICES 1024

/* RlistDoc with the count of skipped references; rlist_doc_parse() is the only constructor. */
typedef struct {
    RlistDoc pub;
    guint ignored;
} RlistDocPrivate;

static gboolean bad(GError **error, int code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static gboolean bad(GError **error, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (error)
        *error = g_error_new_valist(RLIST_ERROR, code, fmt, ap);
    va_end(ap);
    return FALSE;
}

/* ---- XML helpers ------------------------------------------------------------------------------ */

/* The shared reader (protocols/xml/xml-safe.h), with the relaxations that keep what this reader
 * accepted before it was shared (a DTD refused from the parsed tree only, CDATA nodes kept, namespace
 * errors let through); none lets a DOCTYPE, hence an entity, in. Also used by rlmi.c. */
xmlDoc *rlist_xml_read(const void *data, size_t len, const char *what, GError **error)
{
    const XmlSafeLimits limits = {
        .max_size = RESOURCE_LISTS_MAX_SIZE,
        .flags = XML_SAFE_NO_BYTE_SCAN | XML_SAFE_ALLOW_NS_ERRORS | XML_SAFE_KEEP_CDATA,
        .domain = RLIST_ERROR,
        .code_xml = RLIST_ERROR_XML,
        .code_large = RLIST_ERROR_TOO_LARGE,
        .what = what,
    };
    return xml_safe_read(data, len, &limits, error);
}

static const char *ns_of(const xmlNode *n)
{
    return n->ns && n->ns->href ? (const char *)n->ns->href : "(none)";
}

/* ---- flattening (RFC 4826 §3.2 listType) ------------------------------------------------------- */

typedef struct {
    GPtrArray *uris;
    GHashTable *seen;
    guint *ignored;
    guint *entries;
    guint *lists;
} Flat;

static gboolean flatten(const xmlNode *list, Flat *f, int depth, GError **error)
{
    if (depth > RLIST_MAX_DEPTH)
        return bad(error, RLIST_ERROR_TOO_LARGE, "lists nested deeper than %d", RLIST_MAX_DEPTH);
    if (++*f->lists > RLIST_MAX_LISTS)
        return bad(error, RLIST_ERROR_TOO_LARGE, "more than %d lists", RLIST_MAX_LISTS);
    for (const xmlNode *c = list->children; c; c = c->next) {
        if (!xml_safe_is(c, RL_NS, NULL))
            continue; /* RFC 4826 §3.2: xs:any namespace="##other" */
        const char *name = (const char *)c->name;
        if (strcmp(name, "entry") == 0) {
            char *uri = xml_safe_attr(c, "uri");
            if (uri)
                g_strstrip(uri);
            if (!uri || !*uri) {
                g_free(uri);
                return bad(error, RLIST_ERROR_INVALID, "<entry> (line %ld) without a uri (RFC 4826 §3.2)",
                           xmlGetLineNo(c));
            }
            if (++*f->entries > RLIST_MAX_ENTRIES) {
                g_free(uri);
                return bad(error, RLIST_ERROR_TOO_LARGE, "more than %d entries", RLIST_MAX_ENTRIES);
            }
            if (g_hash_table_contains(f->seen, uri)) {
                g_free(uri);
                continue;
            }
            g_hash_table_add(f->seen, uri);
            g_ptr_array_add(f->uris, g_strdup(uri));
        } else if (strcmp(name, "list") == 0) {
            if (!flatten(c, f, depth + 1, error))
                return FALSE;
        } else if (strcmp(name, "entry-ref") == 0 || strcmp(name, "external") == 0) {
            ++*f->ignored; /* needs XCAP dereferencing: not done here */
        } else if (strcmp(name, "display-name") != 0) {
            return bad(error, RLIST_ERROR_INVALID, "unexpected <%s> in a list (line %ld)", name, xmlGetLineNo(c));
        }
    }
    return TRUE;
}

/* The flattened members of LIST (a <list> element of either namespace). */
static GPtrArray *flatten_list(const xmlNode *list, guint *ignored, guint *entries, guint *lists, GError **error)
{
    Flat f = {g_ptr_array_new_with_free_func(g_free), g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
              ignored, entries, lists};
    gboolean ok = flatten(list, &f, 1, error);
    g_hash_table_destroy(f.seen);
    if (!ok) {
        g_ptr_array_unref(f.uris);
        return NULL;
    }
    return f.uris;
}

/* ---- resource-lists ----------------------------------------------------------------------------- */

static void rlist_list_free(gpointer p)
{
    RlistList *l = p;
    g_free(l->name);
    if (l->uris)
        g_ptr_array_unref(l->uris);
    g_free(l);
}

void rlist_doc_free(RlistDoc *doc)
{
    if (!doc)
        return;
    g_ptr_array_unref(doc->lists);
    g_free((RlistDocPrivate *)doc);
}

guint rlist_doc_ignored(const RlistDoc *doc)
{
    g_return_val_if_fail(doc != NULL, 0);
    return ((const RlistDocPrivate *)doc)->ignored;
}

static gboolean parse_resource_lists(const xmlNode *root, RlistDocPrivate *priv, GError **error)
{
    if (!xml_safe_is(root, RL_NS, "resource-lists"))
        return bad(error, RLIST_ERROR_INVALID, "root element is <%s> in namespace %s, not <resource-lists> in " RL_NS,
                   (const char *)root->name, ns_of(root));
    guint entries = 0, lists = 0;
    for (const xmlNode *c = root->children; c; c = c->next) {
        if (!xml_safe_is(c, RL_NS, NULL))
            continue;
        if (strcmp((const char *)c->name, "list") != 0)
            return bad(error, RLIST_ERROR_INVALID, "unexpected <%s> in resource-lists", (const char *)c->name);
        g_autofree char *name = xml_safe_attr(c, "name");
        /* RFC 4826 §3.4.5: sibling lists have unique names */
        if (name && rlist_doc_find(&priv->pub, name))
            return bad(error, RLIST_ERROR_INVALID, "two lists named '%s'", name);
        GPtrArray *uris = flatten_list(c, &priv->ignored, &entries, &lists, error);
        if (!uris)
            return FALSE;
        RlistList *l = g_new0(RlistList, 1);
        l->name = g_steal_pointer(&name);
        l->uris = uris;
        g_ptr_array_add(priv->pub.lists, l);
    }
    return TRUE;
}

RlistDoc *rlist_doc_parse(const void *data, size_t len, GError **error)
{
    xmlDocPtr xdoc = rlist_xml_read(data, len, "resource-lists", error);
    if (!xdoc)
        return NULL;
    RlistDocPrivate *priv = g_new0(RlistDocPrivate, 1);
    priv->pub.lists = g_ptr_array_new_with_free_func(rlist_list_free);
    gboolean ok = parse_resource_lists(xmlDocGetRootElement(xdoc), priv, error);
    xmlFreeDoc(xdoc);
    if (!ok) {
        rlist_doc_free(&priv->pub);
        return NULL;
    }
    return &priv->pub;
}

const RlistList *rlist_doc_find(const RlistDoc *doc, const char *name)
{
    g_return_val_if_fail(doc != NULL && name != NULL, NULL);
    for (guint i = 0; i < doc->lists->len; i++) {
        const RlistList *l = g_ptr_array_index(doc->lists, i);
        if (g_strcmp0(l->name, name) == 0)
            return l;
    }
    return NULL;
}

/* ---- writing ---------------------------------------------------------------------------------- */

typedef struct {
    xmlBufferPtr buf;
    xmlTextWriterPtr w;
    int rc; /* non-zero once a writer call failed */
} Writer;

static gboolean writer_open(Writer *wr, const char *root, const char *ns)
{
    wr->rc = 0;
    wr->buf = xmlBufferCreate();
    wr->w = wr->buf ? xmlNewTextWriterMemory(wr->buf, 0) : NULL;
    if (!wr->w) {
        if (wr->buf)
            xmlBufferFree(wr->buf);
        return FALSE;
    }
    xmlTextWriterSetIndent(wr->w, 1);
    wr->rc |= xmlTextWriterStartDocument(wr->w, "1.0", "UTF-8", NULL) < 0;
    wr->rc |= xmlTextWriterStartElementNS(wr->w, NULL, BAD_CAST root, BAD_CAST ns) < 0;
    return TRUE;
}

static char *writer_close(Writer *wr, size_t *len)
{
    wr->rc |= xmlTextWriterEndDocument(wr->w) < 0;
    xmlFreeTextWriter(wr->w);
    char *out = NULL;
    if (!wr->rc) {
        *len = (size_t)xmlBufferLength(wr->buf);
        out = g_strndup((const char *)xmlBufferContent(wr->buf), *len);
    }
    xmlBufferFree(wr->buf);
    return out;
}

char *rlist_doc_build(const char *name, const char *const *uris, size_t *len)
{
    *len = 0;
    g_return_val_if_fail(uris != NULL, NULL);
    Writer wr;
    if (!writer_open(&wr, "resource-lists", RL_NS))
        return NULL;
    wr.rc |= xmlTextWriterStartElement(wr.w, BAD_CAST "list") < 0;
    if (name)
        wr.rc |= xmlTextWriterWriteAttribute(wr.w, BAD_CAST "name", BAD_CAST name) < 0;
    for (size_t i = 0; uris[i] && !wr.rc; i++) {
        wr.rc |= xmlTextWriterStartElement(wr.w, BAD_CAST "entry") < 0;
        wr.rc |= xmlTextWriterWriteAttribute(wr.w, BAD_CAST "uri", BAD_CAST uris[i]) < 0;
        wr.rc |= xmlTextWriterEndElement(wr.w) < 0;
    }
    return writer_close(&wr, len); /* EndDocument closes list and resource-lists */
}

/* ---- rls-services ----------------------------------------------------------------------------- */

static void rls_service_free(gpointer p)
{
    RlsService *s = p;
    g_free(s->uri);
    g_free(s->list_name);
    g_ptr_array_unref(s->inline_uris);
    g_ptr_array_unref(s->packages);
    g_free(s);
}

void rls_services_free(RlsServicesDoc *doc)
{
    if (!doc)
        return;
    g_ptr_array_unref(doc->services);
    g_free(doc);
}

const RlsService *rls_services_find(const RlsServicesDoc *doc, const char *uri)
{
    g_return_val_if_fail(doc != NULL && uri != NULL, NULL);
    for (guint i = 0; i < doc->services->len; i++) {
        const RlsService *s = g_ptr_array_index(doc->services, i);
        if (g_strcmp0(s->uri, uri) == 0)
            return s;
    }
    return NULL;
}

/* The list name of an XCAP URI of a <list> (RFC 4826 §4.2, RFC 4825 §6): the node selector after
 * "~~", percent-decoded, must be resource-lists/list[@name="NAME"] (or 'NAME'). */
static char *list_name_of_xcap_uri(const char *uri, GError **error)
{
    const char *sep = strstr(uri, "/~~/");
    if (!sep)
        return bad(error, RLIST_ERROR_INVALID, "resource-list '%s' has no node selector (\"/~~/\")", uri), NULL;
    if (!g_strstr_len(uri, sep - uri, "resource-lists/"))
        return bad(error, RLIST_ERROR_INVALID, "resource-list '%s' is not in a resource-lists document", uri), NULL;
    g_autofree char *node = g_uri_unescape_string(sep + 4, NULL);
    if (!node)
        return bad(error, RLIST_ERROR_INVALID, "resource-list '%s': bad percent-encoding", uri), NULL;
    static const char prefix[] = "resource-lists/list[@name=";
    const char *p = node;
    if (*p == '/') /* tolerate ".../~~//resource-lists/..." */
        p++;
    if (!g_str_has_prefix(p, prefix))
        goto unsupported;
    p += sizeof prefix - 1;
    char quote = *p;
    if (quote != '"' && quote != '\'')
        goto unsupported;
    const char *end = strchr(p + 1, quote);
    if (!end || end == p + 1 || strcmp(end + 1, "]") != 0)
        goto unsupported;
    return g_strndup(p + 1, (gsize)(end - p - 1));
unsupported:
    return bad(error, RLIST_ERROR_INVALID,
               "resource-list node selector '%s' is not resource-lists/list[@name=\"NAME\"]", node),
           NULL;
}

static RlsService *service_new(const char *uri)
{
    RlsService *s = g_new0(RlsService, 1);
    s->uri = g_strdup(uri);
    s->inline_uris = g_ptr_array_new_with_free_func(g_free);
    s->packages = g_ptr_array_new_with_free_func(g_free);
    return s;
}

static gboolean parse_service(const xmlNode *n, RlsServicesDoc *doc, guint *entries, guint *lists, GError **error)
{
    g_autofree char *uri = xml_safe_attr(n, "uri");
    if (uri)
        g_strstrip(uri);
    if (!uri || !*uri)
        return bad(error, RLIST_ERROR_INVALID, "<service> (line %ld) without a uri (RFC 4826 §4.2)", xmlGetLineNo(n));
    if (rls_services_find(doc, uri)) /* RFC 4826 §4.4: service URIs are unique */
        return bad(error, RLIST_ERROR_INVALID, "two services for %s", uri);
    RlsService *s = service_new(uri);
    g_ptr_array_add(doc->services, s);
    gboolean have_list = FALSE;
    guint ignored = 0;
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (!xml_safe_is(c, RLS_NS, NULL))
            continue; /* xs:any namespace="##other" */
        const char *name = (const char *)c->name;
        if (strcmp(name, "resource-list") == 0 || strcmp(name, "list") == 0) {
            if (have_list) /* RFC 4826 §4.2: a choice of one */
                return bad(error, RLIST_ERROR_INVALID, "service %s has more than one list", uri);
            have_list = TRUE;
            if (name[0] == 'r') {
                g_autofree char *ref = xml_safe_own_text(c);
                s->list_name = list_name_of_xcap_uri(ref, error);
                if (!s->list_name)
                    return FALSE;
            } else {
                GPtrArray *members = flatten_list(c, &ignored, entries, lists, error);
                if (!members)
                    return FALSE;
                g_ptr_array_unref(s->inline_uris);
                s->inline_uris = members;
            }
        } else if (strcmp(name, "packages") == 0) {
            for (const xmlNode *p = c->children; p; p = p->next) {
                if (!xml_safe_is(p, RLS_NS, NULL))
                    continue;
                if (strcmp((const char *)p->name, "package") != 0)
                    return bad(error, RLIST_ERROR_INVALID, "unexpected <%s> in packages", (const char *)p->name);
                if (s->packages->len >= 64)
                    return bad(error, RLIST_ERROR_TOO_LARGE, "service %s lists more than 64 packages", uri);
                char *pkg = xml_safe_own_text(p);
                if (!*pkg) {
                    g_free(pkg);
                    return bad(error, RLIST_ERROR_INVALID, "empty <package> in service %s", uri);
                }
                g_ptr_array_add(s->packages, pkg);
            }
        } else {
            return bad(error, RLIST_ERROR_INVALID, "unexpected <%s> in service %s", name, uri);
        }
    }
    if (!have_list)
        return bad(error, RLIST_ERROR_INVALID, "service %s has neither <resource-list> nor <list>", uri);
    return TRUE;
}

RlsServicesDoc *rls_services_parse(const void *data, size_t len, GError **error)
{
    xmlDocPtr xdoc = rlist_xml_read(data, len, "rls-services", error);
    if (!xdoc)
        return NULL;
    RlsServicesDoc *doc = g_new0(RlsServicesDoc, 1);
    doc->services = g_ptr_array_new_with_free_func(rls_service_free);
    const xmlNode *root = xmlDocGetRootElement(xdoc);
    gboolean ok = TRUE;
    guint entries = 0, lists = 0;
    if (!xml_safe_is(root, RLS_NS, "rls-services"))
        ok = bad(error, RLIST_ERROR_INVALID, "root element is <%s> in namespace %s, not <rls-services> in " RLS_NS,
                 (const char *)root->name, ns_of(root));
    for (const xmlNode *c = ok ? root->children : NULL; c && ok; c = c->next) {
        if (!xml_safe_is(c, RLS_NS, NULL))
            continue;
        if (strcmp((const char *)c->name, "service") != 0)
            ok = bad(error, RLIST_ERROR_INVALID, "unexpected <%s> in rls-services", (const char *)c->name);
        else if (doc->services->len >= RLS_MAX_SERVICES)
            ok = bad(error, RLIST_ERROR_TOO_LARGE, "more than %d services", RLS_MAX_SERVICES);
        else
            ok = parse_service(c, doc, &entries, &lists, error);
    }
    xmlFreeDoc(xdoc);
    if (!ok) {
        rls_services_free(doc);
        return NULL;
    }
    return doc;
}

char *rls_services_build(const char *uri, const char *xcap_root, const char *owner, const char *list_name,
                         size_t *len)
{
    *len = 0;
    g_return_val_if_fail(uri && xcap_root && owner && list_name, NULL);
    /* RFC 4825 §6: XCAP root / document selector "resource-lists/users/<XUI>/index" / "~~" / node
     * selector; "[", "]" and '"' are percent-encoded as in RFC 4826 §4.3. */
    g_autofree char *root = g_strdup(xcap_root);
    size_t n = strlen(root);
    while (n > 0 && root[n - 1] == '/')
        root[--n] = '\0';
    /* XPath 1.0 literals have no escape: a name with " is quoted with ', one with both cannot be written */
    const char *quote = strchr(list_name, '"') ? "%27" : "%22";
    g_return_val_if_fail(!(strchr(list_name, '"') && strchr(list_name, '\'')), NULL);
    g_autofree char *xui = g_uri_escape_string(owner, "!$&'()*+,;=:@", FALSE);
    g_autofree char *name = g_uri_escape_string(list_name, NULL, FALSE);
    g_autofree char *ref = g_strdup_printf("%s/resource-lists/users/%s/index/~~/resource-lists/list%%5b@name=%s%s%s%%5d",
                                           root, xui, quote, name, quote);
    Writer wr;
    if (!writer_open(&wr, "rls-services", RLS_NS))
        return NULL;
    wr.rc |= xmlTextWriterStartElement(wr.w, BAD_CAST "service") < 0;
    wr.rc |= xmlTextWriterWriteAttribute(wr.w, BAD_CAST "uri", BAD_CAST uri) < 0;
    wr.rc |= xmlTextWriterWriteElement(wr.w, BAD_CAST "resource-list", BAD_CAST ref) < 0;
    wr.rc |= xmlTextWriterStartElement(wr.w, BAD_CAST "packages") < 0;
    wr.rc |= xmlTextWriterWriteElement(wr.w, BAD_CAST "package", BAD_CAST "presence") < 0;
    return writer_close(&wr, len);
}
