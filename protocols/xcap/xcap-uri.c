/* xcap-uri.c: splitting an XCAP request-target into AUID, document selector, node selector and
 * namespace bindings (RFC 4825 §6), and building one.
 *
 * The split happens on the encoded target (the "~~" segment, the '/' between path segments, the
 * '?'), then each piece is percent-decoded on its own (§6: a node selector is percent-encoded inside
 * the URI; an XUI may hold characters such as '/' encoded). A decoded NUL is refused everywhere, so
 * every piece can be handed out as a C string.
 */
#include "protocols/xcap/xcap-uri.h"

#include <string.h>

G_DEFINE_QUARK(presim-xcap-error-quark, xcap_error)

/* pchar of RFC 3986 §3.3 minus the unreserved characters g_uri_escape_string keeps anyway */
#define XCAP_PCHAR_EXTRA "!$&'()*+,;=:@"

void xcap_uri_free(XcapUri *uri)
{
    if (!uri)
        return;
    g_free(uri->auid);
    g_free(uri->xui);
    g_free(uri->document);
    g_free(uri->node_selector);
    if (uri->ns_bindings)
        g_hash_table_unref(uri->ns_bindings);
    g_free(uri);
}

static gboolean uri_error(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static gboolean uri_error(GError **error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (error)
        *error = g_error_new_valist(XCAP_ERROR, XCAP_ERROR_URI, fmt, ap);
    va_end(ap);
    return FALSE;
}

/* One percent-decoded piece [S, END); NULL on a bad escape, a decoded NUL or a character of ILLEGAL.
 * The result must be UTF-8 (RFC 3986 §2.5 for new URI schemes). */
static char *decode(const char *s, const char *end, const char *illegal)
{
    char *out = g_uri_unescape_segment(s, end, illegal);
    if (out && !g_utf8_validate(out, -1, NULL))
        g_clear_pointer(&out, g_free);
    return out;
}

/* query = 1*( "xmlns(" prefix "=" namespace ")" ), XPointer xmlns() scheme as RFC 4825 §6.4 uses it;
 * whitespace around the parts is allowed (XPointer xmlns() scheme §3). */
static gboolean parse_query(const char *q, GHashTable *bindings, GError **error)
{
    const char *p = q;
    while (*p) {
        while (g_ascii_isspace(*p))
            p++;
        if (!*p)
            break;
        if (strncmp(p, "xmlns(", 6) != 0)
            return uri_error(error, "query part is not an xmlns() binding");
        p += 6;
        const char *close = strchr(p, ')');
        const char *eq = strchr(p, '=');
        if (!close || !eq || eq > close)
            return uri_error(error, "malformed xmlns() binding");
        g_autofree char *prefix = g_strstrip(g_strndup(p, (gsize)(eq - p)));
        g_autofree char *ns = g_strstrip(g_strndup(eq + 1, (gsize)(close - eq - 1)));
        if (!*prefix || !*ns || strpbrk(prefix, ":()=") || strcmp(prefix, "xmlns") == 0 ||
            !g_utf8_validate(prefix, -1, NULL) || !g_utf8_validate(ns, -1, NULL))
            return uri_error(error, "malformed xmlns() binding");
        if (g_hash_table_size(bindings) >= 64)
            return uri_error(error, "too many xmlns() bindings");
        g_hash_table_replace(bindings, g_steal_pointer(&prefix), g_steal_pointer(&ns));
        p = close + 1;
    }
    return TRUE;
}

XcapUri *xcap_uri_parse(const char *target, const char *root, GError **error)
{
    if (!target || !*target) {
        uri_error(error, "empty request-target");
        return NULL;
    }
    if (strlen(target) > 8192) {
        uri_error(error, "request-target longer than 8192 bytes");
        return NULL;
    }
    /* absolute-form (RFC 9112 §3.2.2): skip scheme and authority */
    const char *path = target;
    const char *scheme_end = strstr(target, "://");
    const char *first_slash = strchr(target, '/');
    if (scheme_end && first_slash && scheme_end < first_slash) {
        path = strchr(scheme_end + 3, '/');
        if (!path) {
            uri_error(error, "absolute URI without a path");
            return NULL;
        }
    }
    if (strchr(path, '#')) {
        uri_error(error, "a request-target has no fragment");
        return NULL;
    }
    size_t rlen = root ? strlen(root) : 0;
    while (rlen > 0 && root[rlen - 1] == '/')
        rlen--;
    if (strncmp(path, root ? root : "", rlen) != 0 || path[rlen] != '/') {
        uri_error(error, "not under the XCAP root");
        return NULL;
    }
    const char *rest = path + rlen + 1;
    const char *query = strchr(rest, '?');
    const char *path_end = query ? query : rest + strlen(rest);

    /* "~~" as a whole path segment separates the node selector (§6) */
    const char *tilde = NULL;
    for (const char *p = rest; p + 1 < path_end; p++)
        if (p[0] == '~' && p[1] == '~' && (p == rest || p[-1] == '/') && (p + 2 == path_end || p[2] == '/')) {
            tilde = p;
            break;
        }
    const char *doc_end = tilde ? (tilde > rest ? tilde - 1 : tilde) : path_end;

    g_autoptr(XcapUri) uri = g_new0(XcapUri, 1);
    uri->ns_bindings = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_autoptr(GPtrArray) segs = g_ptr_array_new_with_free_func(g_free);
    for (const char *s = rest; s <= doc_end;) {
        const char *slash = memchr(s, '/', (size_t)(doc_end - s));
        const char *e = slash ? slash : doc_end;
        /* a decoded '/' is fine in the XUI (segment 2 of users), nowhere else */
        gboolean xui_seg = segs->len == 2 && strcmp(g_ptr_array_index(segs, 1), "users") == 0;
        char *seg = decode(s, e, xui_seg ? NULL : "/");
        if (!seg || !*seg || strcmp(seg, ".") == 0 || strcmp(seg, "..") == 0) {
            g_free(seg);
            uri_error(error, "empty, dot or badly escaped path segment");
            return NULL;
        }
        g_ptr_array_add(segs, seg);
        if (!slash)
            break;
        s = slash + 1;
    }
    if (segs->len < 3) {
        uri_error(error, "no document selector (AUID, tree, document)");
        return NULL;
    }
    const char *tree = g_ptr_array_index(segs, 1);
    guint doc_first;
    if (strcmp(tree, "global") == 0) {
        uri->global = TRUE;
        doc_first = 2;
    } else if (strcmp(tree, "users") == 0) {
        if (segs->len < 4) {
            uri_error(error, "users tree without a XUI and a document");
            return NULL;
        }
        uri->xui = g_strdup(g_ptr_array_index(segs, 2));
        doc_first = 3;
    } else {
        uri_error(error, "the segment after the AUID is neither \"users\" nor \"global\" (RFC 4825 §6.2)");
        return NULL;
    }
    uri->auid = g_strdup(g_ptr_array_index(segs, 0));
    GString *doc = g_string_new(NULL);
    for (guint i = doc_first; i < segs->len; i++) {
        if (i > doc_first)
            g_string_append_c(doc, '/');
        g_string_append(doc, g_ptr_array_index(segs, i));
    }
    uri->document = g_string_free(doc, FALSE);

    if (tilde) {
        const char *ns_start = tilde + 2 < path_end ? tilde + 3 : path_end;
        uri->node_selector = ns_start < path_end ? decode(ns_start, path_end, NULL) : NULL;
        if (!uri->node_selector || !*uri->node_selector) {
            uri_error(error, "empty or badly escaped node selector");
            return NULL;
        }
    }
    if (query) {
        g_autofree char *q = decode(query + 1, query + 1 + strlen(query + 1), NULL);
        if (!q) {
            uri_error(error, "badly escaped query");
            return NULL;
        }
        if (!parse_query(q, uri->ns_bindings, error))
            return NULL;
    }
    return g_steal_pointer(&uri);
}

char *xcap_uri_build(const char *root, const char *auid, const char *xui, const char *document,
                     const char *node_selector)
{
    GString *s = g_string_new(root ? root : "");
    while (s->len > 0 && s->str[s->len - 1] == '/')
        g_string_truncate(s, s->len - 1);
    g_string_append_c(s, '/');
    g_string_append_uri_escaped(s, auid, XCAP_PCHAR_EXTRA, FALSE);
    if (xui) {
        g_string_append(s, "/users/");
        g_string_append_uri_escaped(s, xui, XCAP_PCHAR_EXTRA, FALSE);
    } else {
        g_string_append(s, "/global");
    }
    if (document) {
        g_string_append_c(s, '/');
        g_string_append_uri_escaped(s, document, XCAP_PCHAR_EXTRA "/", FALSE);
    }
    if (node_selector) {
        /* '[', ']', '"' and spaces are not pchar: they go encoded (§6.3) */
        g_string_append(s, "/~~/");
        g_string_append_uri_escaped(s, node_selector, XCAP_PCHAR_EXTRA "/", FALSE);
    }
    return g_string_free(s, FALSE);
}
