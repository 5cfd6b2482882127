/* xcap-server.c: an XCAP server's document store and the RFC 4825 semantics of GET, PUT and DELETE
 * (§7, §8).
 *
 * Sections: store and entity tags / responses / conditional requests / GET / PUT / DELETE / entry
 * points.
 *
 * Design notes.
 *  1. Documents are stored as the bytes GET answers (libxml2's UTF-8 print with an XML declaration).
 *     Every request that reads a node parses them again, and every modification works on that fresh
 *     tree; a refused modification is simply dropped, so no request can leave a half-changed
 *     document behind (§8.2: the document is changed wholly or not at all).
 *  2. A modification is accepted only when (a) the URI selects the node it wrote again, or selects
 *     nothing after a DELETE (§8.2.3, §8.2.4, §8.4: "cannot-insert", "cannot-delete"), and (b) the
 *     resulting document passes its application usage (§8.2.5: schema, uniqueness).
 *  3. The entity tag of a document is a hash of a server-wide modification counter and the bytes,
 *     so a document deleted and created again never reuses a tag, and runs repeat (§8.5).
 *  4. An element or attribute resource has its document's entity tag (§8.5); "*" in If-Match or
 *     If-None-Match asks whether the selected resource itself exists (RFC 9110 §13.1.1, §13.1.2).
 */
#include "protocols/xcap/xcap-server.h"

#include "protocols/xcap/xcap-error.h"
#include "protocols/xcap/xcap-node.h"
#include "protocols/xcap/xcap-uri.h"
#include "protocols/xcap/xcap-usage.h"

#include <libxml/tree.h>
#include <string.h>

#define XCAP_EL_TYPE "application/xcap-el+xml"
#define XCAP_ATT_TYPE "application/xcap-att+xml"
#define XCAP_NS_TYPE "application/xcap-ns+xml"
#define ALLOW_ALL "GET, PUT, DELETE"
#define ALLOW_GET "GET"

typedef struct {
    GBytes *bytes;
    char *etag;
} XcapStored;

struct XcapServer {
    char *root;
    GHashTable *docs; /* store key -> XcapStored* */
    guint64 seq;      /* modifications so far, server-wide (design note 3) */
    XcapChangedFunc changed;
    void *changed_user;
};

/* ------------------------------------------------------------------ store and entity tags */

static void stored_free(gpointer p)
{
    XcapStored *s = p;
    g_bytes_unref(s->bytes);
    g_free(s->etag);
    g_free(s);
}

/* Unambiguous whatever the XUI and document hold: the XUI is length-prefixed, AUIDs are known names. */
static char *store_key(const char *auid, const char *xui, const char *document)
{
    return g_strdup_printf("%s|%c%zu:%s|%s", auid, xui ? 'u' : 'g', xui ? strlen(xui) : 0, xui ? xui : "", document);
}

static XcapStored *store_lookup(const XcapServer *srv, const char *auid, const char *xui, const char *document)
{
    g_autofree char *key = store_key(auid, xui, document);
    return g_hash_table_lookup(srv->docs, key);
}

static const XcapStored *store_put(XcapServer *srv, const char *auid, const char *xui, const char *document,
                                   GBytes *bytes)
{
    srv->seq++;
    guint64 v = GUINT64_TO_BE(srv->seq);
    GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(ck, (const guchar *)&v, sizeof v);
    gsize len;
    const guchar *data = g_bytes_get_data(bytes, &len);
    g_checksum_update(ck, data, len);
    XcapStored *s = g_new0(XcapStored, 1);
    s->bytes = g_bytes_ref(bytes);
    s->etag = g_strdup_printf("\"%.32s\"", g_checksum_get_string(ck)); /* 128 bits is plenty for a tag */
    g_checksum_free(ck);
    g_hash_table_replace(srv->docs, store_key(auid, xui, document), s);
    return s;
}

static void notify(XcapServer *srv, const XcapUri *uri)
{
    if (srv->changed)
        srv->changed(uri->auid, uri->xui, uri->document, srv->changed_user);
}

/* ------------------------------------------------------------------ responses */

void xcap_response_clear(XcapResponse *r)
{
    if (!r)
        return;
    g_free(r->etag);
    g_free(r->content_type);
    if (r->body)
        g_bytes_unref(r->body);
    g_free(r->allow);
    memset(r, 0, sizeof *r);
}

/* BODY is taken over. */
static void respond(XcapResponse *out, guint status, const char *content_type, GBytes *body, const char *etag)
{
    out->status = status;
    out->content_type = g_strdup(content_type);
    out->body = body;
    out->etag = g_strdup(etag);
}

static void respond_conflict(XcapResponse *out, XcapConflict kind, const char *phrase, const char *ancestor,
                             const char *field, const char *etag)
{
    respond(out, 409, XCAP_ERROR_CONTENT_TYPE, xcap_conflict_build(kind, phrase, ancestor, field, NULL), etag);
}

static void respond_allow(XcapResponse *out, const char *allow)
{
    out->status = 405;
    out->allow = g_strdup(allow);
}

/* ------------------------------------------------------------------ conditional requests */

/* Does the entity-tag list VALUE match? "*" matches when the resource EXISTS. Strong comparison for
 * If-Match (a weak tag never matches), weak for If-None-Match (RFC 9110 §8.8.3.2). Malformed members
 * match nothing. */
static gboolean tags_match(const char *value, const char *etag, gboolean exists, gboolean weak)
{
    const char *p = value;
    while (g_ascii_isspace(*p))
        p++;
    if (*p == '*') {
        const char *q = p + 1;
        while (g_ascii_isspace(*q))
            q++;
        if (!*q)
            return exists;
    }
    while (*p) {
        while (g_ascii_isspace(*p) || *p == ',')
            p++;
        if (!*p)
            break;
        gboolean is_weak = strncmp(p, "W/", 2) == 0;
        if (is_weak)
            p += 2;
        if (*p != '"') { /* skip to the next member */
            p = strchr(p, ',');
            if (!p)
                break;
            continue;
        }
        const char *end = strchr(p + 1, '"');
        if (!end)
            break;
        size_t n = (size_t)(end - p + 1); /* with both quotes, like our tags */
        if (etag && (weak || !is_weak) && strlen(etag) == n && memcmp(etag, p, n) == 0)
            return TRUE;
        p = end + 1;
    }
    return FALSE;
}

/* RFC 9110 §13.2.2 order: If-Match, then If-None-Match. 0 when the request proceeds. */
static guint preconditions(const char *if_match, const char *if_none_match, const char *etag, gboolean exists,
                           gboolean is_get)
{
    if (if_match && !tags_match(if_match, etag, exists, FALSE))
        return 412;
    if (if_none_match && tags_match(if_none_match, etag, exists, TRUE))
        return is_get ? 304 : 412;
    return 0;
}

/* ------------------------------------------------------------------ shared request state */

typedef struct {
    XcapServer *srv;
    XcapUri *uri;
    const XcapUsage *usage;
    XcapNodeSelector *sel; /* NULL: the whole document */
    XcapStored *stored;    /* NULL: no such document */
    xmlDoc *doc;           /* the stored document parsed, or NULL */
} Req;

static guint nsteps(const Req *rq)
{
    return rq->sel->steps->len;
}

/* The document URI, or with a selector prefix of N steps. g_free. */
static char *ancestor_uri(const Req *rq, guint n)
{
    g_autofree char *prefix = n ? xcap_node_selector_prefix(rq->sel, n) : NULL;
    return xcap_uri_build(rq->srv->root, rq->uri->auid, rq->uri->xui, rq->uri->document, prefix);
}

/* §8.2.5: the modified tree DOC must pass the usage; then it is stored and the owner told. */
static void commit(Req *rq, xmlDoc *doc, guint status, XcapResponse *out)
{
    GBytes *bytes = xcap_xml_dump_doc(doc);
    const char *old_etag = rq->stored ? rq->stored->etag : NULL;
    if (g_bytes_get_size(bytes) > XCAP_XML_MAX_SIZE) {
        g_bytes_unref(bytes);
        respond_conflict(out, XCAP_CONFLICT_CONSTRAINT_FAILURE, "the document would be too large", NULL, NULL,
                         old_etag);
        return;
    }
    /* validate what will be stored: the printed bytes read back, not the edited tree */
    gsize blen;
    const void *bdata = g_bytes_get_data(bytes, &blen);
    xmlDoc *stored = xcap_xml_read(bdata, blen, NULL);
    if (!stored) {
        g_bytes_unref(bytes);
        respond_conflict(out, XCAP_CONFLICT_CONSTRAINT_FAILURE, "the result would not read back as XML", NULL, NULL,
                         old_etag);
        return;
    }
    g_autofree char *field = NULL, *detail = NULL;
    XcapUsageVerdict v = xcap_usage_validate(rq->usage, stored, bytes, &field, &detail);
    xmlFreeDoc(stored);
    if (v != XCAP_USAGE_VALID) {
        g_bytes_unref(bytes);
        respond_conflict(out, v == XCAP_USAGE_NOT_UNIQUE ? XCAP_CONFLICT_UNIQUENESS_FAILURE
                                                         : XCAP_CONFLICT_SCHEMA_VALIDATION,
                         detail, NULL, field, old_etag);
        return;
    }
    const XcapStored *s = store_put(rq->srv, rq->uri->auid, rq->uri->xui, rq->uri->document, bytes);
    g_bytes_unref(bytes);
    rq->stored = NULL; /* replaced */
    respond(out, status, NULL, NULL, s->etag);
    notify(rq->srv, rq->uri);
}

/* The media type of a Content-Type value, without parameters, compared case-insensitively. */
static gboolean media_type_is(const char *content_type, const char *want)
{
    if (!content_type)
        return FALSE;
    const char *semi = strchr(content_type, ';');
    g_autofree char *type = g_strstrip(g_strndup(content_type, semi ? (gsize)(semi - content_type) : strlen(content_type)));
    return g_ascii_strcasecmp(type, want) == 0;
}

/* ------------------------------------------------------------------ GET (§8.3) */

static GBytes *namespace_bindings(xmlDoc *doc, xmlNode *el)
{
    /* §7.10: the element's qualified name with one declaration per binding in scope, nothing else */
    xmlDoc *out = xmlNewDoc(BAD_CAST "1.0");
    xmlNode *n = xmlNewNode(NULL, el->name);
    xmlDocSetRootElement(out, n);
    xmlNs **list = xmlGetNsList(doc, el);
    for (guint i = 0; list && list[i]; i++) {
        xmlNs *ns = xmlNewNs(n, list[i]->href, list[i]->prefix);
        if (ns && el->ns && el->ns == list[i])
            xmlSetNs(n, ns);
    }
    xmlFree(list);
    GBytes *body = xcap_xml_dump_node(out, n);
    xmlFreeDoc(out);
    return body;
}

static void handle_get(Req *rq, XcapResponse *out)
{
    const char *etag = rq->stored ? rq->stored->etag : NULL;
    if (!rq->stored) {
        out->status = 404;
        return;
    }
    if (!rq->sel) {
        respond(out, 200, rq->usage->mime_type, g_bytes_ref(rq->stored->bytes), etag);
        return;
    }
    xmlNode *el = xcap_node_select(rq->doc, rq->sel, nsteps(rq), NULL, NULL);
    if (!el) {
        respond(out, 404, NULL, NULL, etag);
        return;
    }
    switch (rq->sel->terminal) {
    case XCAP_TERMINAL_NONE:
        respond(out, 200, XCAP_EL_TYPE, xcap_xml_dump_node(rq->doc, el), etag);
        return;
    case XCAP_TERMINAL_NAMESPACE:
        respond(out, 200, XCAP_NS_TYPE, namespace_bindings(rq->doc, el), etag);
        return;
    case XCAP_TERMINAL_ATTRIBUTE: {
        xmlChar *v = rq->sel->attr_ns ? xmlGetNsProp(el, BAD_CAST rq->sel->attr_name, BAD_CAST rq->sel->attr_ns)
                                      : xmlGetNoNsProp(el, BAD_CAST rq->sel->attr_name);
        if (!v) {
            respond(out, 404, NULL, NULL, etag);
            return;
        }
        char *enc = xcap_xml_encode_att_value((const char *)v);
        xmlFree(v);
        respond(out, 200, XCAP_ATT_TYPE, g_bytes_new_take(enc, strlen(enc)), etag);
        return;
    }
    }
}

/* ------------------------------------------------------------------ PUT (§8.2) */

static void put_document(Req *rq, const uint8_t *body, size_t len, XcapResponse *out)
{
    const char *etag = rq->stored ? rq->stored->etag : NULL;
    g_autoptr(GError) err = NULL;
    xmlDoc *doc = xcap_xml_read(body, len, &err);
    if (!doc) {
        respond_conflict(out, XCAP_CONFLICT_NOT_WELL_FORMED, err->message, NULL, NULL, etag);
        return;
    }
    if (doc->encoding && g_ascii_strcasecmp((const char *)doc->encoding, "UTF-8") != 0) {
        respond_conflict(out, XCAP_CONFLICT_NOT_UTF_8, "the document declares another encoding", NULL, NULL, etag);
    } else {
        commit(rq, doc, rq->stored ? 200 : 201, out);
    }
    xmlFreeDoc(doc);
}

/* The parent of the node a PUT writes, or NULL with the 409 <no-parent> answered (§8.2.1). For an
 * element, N is the number of element steps minus one (0: the document node is the parent). */
static xmlNode *locate_parent(Req *rq, guint n, XcapResponse *out)
{
    if (n == 0)
        return (xmlNode *)rq->doc;
    guint resolved = 0;
    xmlNode *parent = xcap_node_select(rq->doc, rq->sel, n, &resolved, NULL);
    if (!parent) {
        g_autofree char *ancestor = ancestor_uri(rq, resolved);
        respond_conflict(out, XCAP_CONFLICT_NO_PARENT, "the parent of the node does not exist", ancestor, NULL,
                         rq->stored->etag);
    }
    return parent;
}

static void put_element(Req *rq, const uint8_t *body, size_t len, XcapResponse *out)
{
    const char *etag = rq->stored->etag;
    guint n = nsteps(rq);
    xmlNode *parent = locate_parent(rq, n - 1, out);
    if (!parent)
        return;
    const XcapStep *last = g_ptr_array_index(rq->sel->steps, n - 1);
    gboolean ambiguous = FALSE;
    xmlNode *old = xcap_node_select(rq->doc, rq->sel, n, NULL, &ambiguous);
    if (ambiguous) {
        respond_conflict(out, XCAP_CONFLICT_CANNOT_INSERT, "the URI selects more than one element", NULL, NULL, etag);
        return;
    }
    if (!old && n == 1) { /* a document has exactly one root element */
        respond_conflict(out, XCAP_CONFLICT_CANNOT_INSERT, "the document already has a root element", NULL, NULL,
                         etag);
        return;
    }
    g_autoptr(GError) err = NULL;
    xmlNode *el = xcap_xml_parse_element(parent, body, len, &err);
    if (!el) {
        respond_conflict(out, XCAP_CONFLICT_NOT_XML_FRAG, err->message, NULL, NULL, etag);
        return;
    }
    if (old) { /* §8.2.4 */
        xmlReplaceNode(old, el);
        xmlFreeNode(old);
    } else if (!xcap_node_insert(parent, last, el)) { /* §8.2.3 */
        xmlFreeNode(el);
        respond_conflict(out, XCAP_CONFLICT_CANNOT_INSERT, "no position makes the URI select the element", NULL,
                         NULL, etag);
        return;
    }
    /* §8.2.3 / §8.2.4: the URI must now select exactly the element of the body */
    if (xcap_node_select(rq->doc, rq->sel, n, NULL, NULL) != el) {
        respond_conflict(out, XCAP_CONFLICT_CANNOT_INSERT, "the URI would not select the element of the body", NULL,
                         NULL, etag);
        return;
    }
    commit(rq, rq->doc, old ? 200 : 201, out);
}

static void put_attribute(Req *rq, const uint8_t *body, size_t len, XcapResponse *out)
{
    const char *etag = rq->stored->etag;
    xmlNode *el = locate_parent(rq, nsteps(rq), out);
    if (!el)
        return;
    g_autofree char *value = xcap_xml_decode_att_value((const char *)body, len);
    if (!value) {
        respond_conflict(out, XCAP_CONFLICT_NOT_XML_ATT_VALUE, "the body is not an XML attribute value", NULL, NULL,
                         etag);
        return;
    }
    const XcapNodeSelector *sel = rq->sel;
    if (!sel->attr_ns && strcmp(sel->attr_name, "xmlns") == 0) { /* a namespace declaration, not an attribute */
        respond_conflict(out, XCAP_CONFLICT_CANNOT_INSERT, "xmlns is a namespace declaration", NULL, NULL, etag);
        return;
    }
    gboolean existed;
    if (sel->attr_ns) {
        existed = xmlHasNsProp(el, BAD_CAST sel->attr_name, BAD_CAST sel->attr_ns) != NULL;
        xmlNs *ns = xmlSearchNsByHref(rq->doc, el, BAD_CAST sel->attr_ns);
        if (!ns || !ns->prefix) /* an attribute needs a prefixed binding: declare the query's */
            ns = xmlNewNs(el, BAD_CAST sel->attr_ns, BAD_CAST(sel->attr_prefix ? sel->attr_prefix : "a"));
        if (!ns) {
            respond_conflict(out, XCAP_CONFLICT_CANNOT_INSERT, "the attribute's prefix is taken", NULL, NULL, etag);
            return;
        }
        xmlSetNsProp(el, ns, BAD_CAST sel->attr_name, BAD_CAST value);
    } else {
        existed = xmlHasNsProp(el, BAD_CAST sel->attr_name, NULL) != NULL;
        xmlSetNsProp(el, NULL, BAD_CAST sel->attr_name, BAD_CAST value);
    }
    /* §8.2.3: the URI must select the attribute written (a changed attr-test value would not) */
    if (xcap_node_select(rq->doc, rq->sel, nsteps(rq), NULL, NULL) != el) {
        respond_conflict(out, XCAP_CONFLICT_CANNOT_INSERT, "the URI would not select the attribute any more", NULL,
                         NULL, etag);
        return;
    }
    commit(rq, rq->doc, existed ? 200 : 201, out);
}

static void handle_put(Req *rq, const uint8_t *body, size_t len, XcapResponse *out)
{
    const char *etag = rq->stored ? rq->stored->etag : NULL;
    if (len > XCAP_XML_MAX_SIZE) {
        respond_conflict(out, XCAP_CONFLICT_CONSTRAINT_FAILURE, "the body is too large", NULL, NULL, etag);
        return;
    }
    if (len > 0 && (!body || !g_utf8_validate_len((const char *)body, len, NULL))) {
        respond_conflict(out, XCAP_CONFLICT_NOT_UTF_8, "the body is not UTF-8", NULL, NULL, etag);
        return;
    }
    if (!rq->sel) {
        put_document(rq, body, len, out);
        return;
    }
    if (!rq->stored) { /* §8.2.1: no document, so no parent */
        g_autofree char *ancestor = xcap_uri_build(rq->srv->root, rq->uri->auid, rq->uri->xui, NULL, NULL);
        respond_conflict(out, XCAP_CONFLICT_NO_PARENT, "the document does not exist", ancestor, NULL, NULL);
        return;
    }
    if (rq->sel->terminal == XCAP_TERMINAL_ATTRIBUTE)
        put_attribute(rq, body, len, out);
    else
        put_element(rq, body, len, out);
}

/* ------------------------------------------------------------------ DELETE (§8.4) */

static void handle_delete(Req *rq, XcapResponse *out)
{
    if (!rq->stored) {
        out->status = 404;
        return;
    }
    const char *etag = rq->stored->etag;
    if (!rq->sel) {
        g_autofree char *key = store_key(rq->uri->auid, rq->uri->xui, rq->uri->document);
        g_hash_table_remove(rq->srv->docs, key);
        rq->stored = NULL;
        out->status = 200;
        notify(rq->srv, rq->uri);
        return;
    }
    guint n = nsteps(rq);
    xmlNode *el = xcap_node_select(rq->doc, rq->sel, n, NULL, NULL);
    if (!el) {
        respond(out, 404, NULL, NULL, etag);
        return;
    }
    if (rq->sel->terminal == XCAP_TERMINAL_ATTRIBUTE) {
        xmlAttr *a = xmlHasNsProp(el, BAD_CAST rq->sel->attr_name, BAD_CAST rq->sel->attr_ns);
        if (!a) {
            respond(out, 404, NULL, NULL, etag);
            return;
        }
        xmlRemoveProp(a);
        xmlNode *again = xcap_node_select(rq->doc, rq->sel, n, NULL, NULL);
        if (again && xmlHasNsProp(again, BAD_CAST rq->sel->attr_name, BAD_CAST rq->sel->attr_ns)) {
            respond_conflict(out, XCAP_CONFLICT_CANNOT_DELETE, "the URI would still select an attribute", NULL, NULL,
                             etag);
            return;
        }
    } else {
        if (el == xmlDocGetRootElement(rq->doc)) {
            respond_conflict(out, XCAP_CONFLICT_CANNOT_DELETE, "the root element cannot be deleted", NULL, NULL,
                             etag);
            return;
        }
        xmlNode *ws = el->prev; /* its indentation goes with it */
        if (ws && ws->type == XML_TEXT_NODE && xmlIsBlankNode(ws) && el->next && el->next->type == XML_TEXT_NODE) {
            xmlUnlinkNode(ws);
            xmlFreeNode(ws);
        }
        xmlUnlinkNode(el);
        xmlFreeNode(el);
        /* §8.4: a GET of the URI afterwards must give 404 (deleting el[2] of three would not) */
        if (xcap_node_select(rq->doc, rq->sel, n, NULL, NULL)) {
            respond_conflict(out, XCAP_CONFLICT_CANNOT_DELETE, "the URI would still select an element", NULL, NULL,
                             etag);
            return;
        }
    }
    commit(rq, rq->doc, 200, out);
}

/* ------------------------------------------------------------------ entry points */

XcapServer *xcap_server_new(const char *root)
{
    XcapServer *srv = g_new0(XcapServer, 1);
    srv->root = g_strdup(root ? root : "");
    srv->docs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, stored_free);
    GBytes *caps = xcap_usage_caps_document(); /* §12: the server's own global document */
    store_put(srv, "xcap-caps", NULL, "index", caps);
    g_bytes_unref(caps);
    return srv;
}

void xcap_server_free(XcapServer *srv)
{
    if (!srv)
        return;
    g_hash_table_unref(srv->docs);
    g_free(srv->root);
    g_free(srv);
}

const char *xcap_server_root(const XcapServer *srv)
{
    return srv->root;
}

void xcap_server_set_changed(XcapServer *srv, XcapChangedFunc fn, void *user)
{
    srv->changed = fn;
    srv->changed_user = user;
}

static gboolean under_root(const XcapServer *srv, const char *target)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(XcapUri) probe = xcap_uri_parse(target, srv->root, &err);
    if (probe)
        return TRUE;
    /* a malformed XCAP URI below the root is a 400; anything else is not ours (404) */
    const char *path = target;
    const char *scheme = strstr(target, "://"), *slash = strchr(target, '/');
    if (scheme && slash && scheme < slash && (path = strchr(scheme + 3, '/')) == NULL)
        return FALSE;
    size_t rlen = strlen(srv->root);
    while (rlen > 0 && srv->root[rlen - 1] == '/')
        rlen--;
    return strncmp(path, srv->root, rlen) == 0 && path[rlen] == '/';
}

void xcap_server_handle(XcapServer *srv, const char *method, const char *target, const char *if_match,
                        const char *if_none_match, const char *content_type, const uint8_t *body, size_t len,
                        XcapResponse *out)
{
    memset(out, 0, sizeof *out);
    g_autoptr(GError) err = NULL;
    g_autoptr(XcapUri) uri = target ? xcap_uri_parse(target, srv->root, &err) : NULL;
    if (!uri) {
        out->status = target && under_root(srv, target) ? 400 : 404;
        return;
    }
    Req rq = {.srv = srv, .uri = uri, .usage = xcap_usage_find(uri->auid)};
    if (!rq.usage) { /* §6.2: an AUID the server does not know */
        out->status = 404;
        return;
    }
    if (uri->node_selector) {
        rq.sel = xcap_node_selector_parse(uri->node_selector, uri->ns_bindings, rq.usage->default_ns, &err);
        if (!rq.sel) {
            out->status = 400;
            return;
        }
    }
    /* writable: documents of a writable usage in the users tree, and not a namespace binding set */
    gboolean writable = !rq.usage->read_only && !uri->global &&
                        !(rq.sel && rq.sel->terminal == XCAP_TERMINAL_NAMESPACE);
    gboolean is_get = g_strcmp0(method, "GET") == 0, is_put = g_strcmp0(method, "PUT") == 0,
             is_delete = g_strcmp0(method, "DELETE") == 0;
    if (!(is_get || ((is_put || is_delete) && writable))) {
        respond_allow(out, writable ? ALLOW_ALL : ALLOW_GET);
        goto done;
    }
    if (is_put) { /* §7: the body's type names the kind of resource */
        const char *want = !rq.sel                                              ? rq.usage->mime_type
                           : rq.sel->terminal == XCAP_TERMINAL_ATTRIBUTE ? XCAP_ATT_TYPE
                                                                         : XCAP_EL_TYPE;
        if (!media_type_is(content_type, want)) {
            out->status = 415;
            goto done;
        }
    }
    rq.stored = store_lookup(srv, uri->auid, uri->xui, uri->document);
    if (rq.stored) {
        gsize blen;
        const void *bdata = g_bytes_get_data(rq.stored->bytes, &blen);
        rq.doc = xcap_xml_read(bdata, blen, NULL);
        if (!rq.doc) { /* our own bytes always parse */
            out->status = 500;
            goto done;
        }
    }
    gboolean exists = rq.stored != NULL;
    if (exists && rq.sel) {
        xmlNode *el = xcap_node_select(rq.doc, rq.sel, nsteps(&rq), NULL, NULL);
        exists = el != NULL;
        if (el && rq.sel->terminal == XCAP_TERMINAL_ATTRIBUTE)
            exists = xmlHasNsProp(el, BAD_CAST rq.sel->attr_name, BAD_CAST rq.sel->attr_ns) != NULL;
    }
    const char *etag = rq.stored ? rq.stored->etag : NULL;
    guint pre = preconditions(if_match, if_none_match, etag, exists, is_get);
    if (pre) {
        respond(out, pre, NULL, NULL, etag);
        goto done;
    }
    if (is_get)
        handle_get(&rq, out);
    else if (is_put)
        handle_put(&rq, body, len, out);
    else
        handle_delete(&rq, out);
done:
    if (rq.doc)
        xmlFreeDoc(rq.doc);
    xcap_node_selector_free(rq.sel);
}

gboolean xcap_server_target_owner(const XcapServer *srv, const char *target, char **auid, char **xui,
                                  gboolean *global)
{
    *auid = NULL;
    *xui = NULL;
    *global = FALSE;
    g_autoptr(XcapUri) uri = target ? xcap_uri_parse(target, srv->root, NULL) : NULL;
    if (!uri)
        return FALSE;
    *auid = g_strdup(uri->auid);
    *xui = g_strdup(uri->xui);
    *global = uri->global;
    return TRUE;
}

gboolean xcap_server_put_document(XcapServer *srv, const char *auid, const char *xui, const char *document,
                                  const char *xml, size_t len, GError **error)
{
    const XcapUsage *usage = xcap_usage_find(auid);
    if (!usage || usage->read_only || !document || !*document || (usage->global_only && xui)) {
        g_set_error(error, XCAP_ERROR, XCAP_ERROR_URI, "cannot store a document of AUID %s", auid ? auid : "(null)");
        return FALSE;
    }
    if (len > 0 && (!xml || !g_utf8_validate_len(xml, len, NULL))) {
        g_set_error(error, XCAP_ERROR, XCAP_ERROR_XML, "the document is not UTF-8");
        return FALSE;
    }
    xmlDoc *doc = xcap_xml_read(xml, len, error);
    if (!doc)
        return FALSE;
    GBytes *bytes = xcap_xml_dump_doc(doc);
    g_autofree char *field = NULL, *detail = NULL;
    XcapUsageVerdict v = xcap_usage_validate(usage, doc, bytes, &field, &detail);
    xmlFreeDoc(doc);
    if (v != XCAP_USAGE_VALID) {
        g_set_error(error, XCAP_ERROR, XCAP_ERROR_XML, "%s%s%s", detail ? detail : "invalid document",
                    field ? ": " : "", field ? field : "");
        g_bytes_unref(bytes);
        return FALSE;
    }
    store_put(srv, auid, xui, document, bytes);
    g_bytes_unref(bytes);
    if (srv->changed)
        srv->changed(auid, xui, document, srv->changed_user);
    return TRUE;
}

GBytes *xcap_server_get_document(const XcapServer *srv, const char *auid, const char *xui, const char *document,
                                 const char **etag)
{
    if (etag)
        *etag = NULL;
    if (!auid || !document)
        return NULL;
    XcapStored *s = store_lookup(srv, auid, xui, document);
    if (!s)
        return NULL;
    if (etag)
        *etag = s->etag;
    return g_bytes_ref(s->bytes);
}
