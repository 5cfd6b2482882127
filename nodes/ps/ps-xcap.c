/* ps-xcap.c: the Presence Server's XCAP server (RFC 4825) on the Ut reference point.
 *
 * DESIGN NOTES
 *
 * The users' documents (pres-rules, resource-lists, rls-services; document "index" under the
 * user's XUI = default IMPU) live in an XcapServer, seeded from the scenario at start. Requests come
 * over plain HTTP from the Authentication Proxy (TS 33.222 §6.3: the AP terminates TLS and asserts
 * the user's identity in X-3GPP-Asserted-Identity). Two checks come first:
 *  - the sender must be one of `xcap-proxies` (empty list: anyone, the open threat model), since
 *    only an AP may assert an identity;
 *  - the XUI of the target must be the asserted identity (seed 000 §6.2.1: "one user manipulates
 *    own and only own data"); the global tree is read-only for everybody.
 * Then xcap_server_handle() does RFC 4825. When a document changes, the PS acts on it at once:
 * new pres-rules re-authorize every subscription (RFC 5025 §3.2.1, through ps_rules_changed), a new
 * resource-lists document changes the members of list subscriptions (RFC 4662 §4.5).
 * As a check on the AP (seed 000 §8.2.1: the private identity must not reach the PS), every request
 * is scanned for the IMPIs of the users; a hit is counted and traced as "xcap-private-identity".
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/ps/ps-xcap.h"
#include "protocols/pidf/resource-lists.h"
#include <string.h>

#define PS_XCAP_DOC "index"

static PsPresentity *presentity_of_xui(Ps *ps, const char *xui)
{
    return xui ? ps_presentity_for_uri(ps, xui) : NULL;
}

/* ---- documents changed ---- */

static void rules_from_store(Ps *ps, PsPresentity *pt)
{
    const char *etag = NULL;
    GBytes *doc = xcap_server_get_document(ps->xcap, "pres-rules", pt->aor, PS_XCAP_DOC, &etag);
    static const char empty[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                "<cr:ruleset xmlns:cr=\"urn:ietf:params:xml:ns:common-policy\"/>\n";
    gsize len = 0;
    const char *xml = doc ? g_bytes_get_data(doc, &len) : empty; /* deleted: no rule, no permission */
    if (!doc)
        len = strlen(empty);
    GError *err = NULL;
    PresRules *rules = pres_rules_parse(xml, len, &err);
    if (rules) {
        if (pt->rules)
            pres_rules_free(pt->rules);
        pt->rules = rules;
        g_free(pt->rules_xml);
        pt->rules_xml = g_strndup(xml, len);
        ps->stats.rule_changes++;
        SimAttr attrs[] = {SIM_ATTR_S("presentity", pt->aor), SIM_ATTR_S("source", "xcap"),
                           SIM_ATTR_I("rules", pres_rules_count(rules))};
        sim_node_event(ps->node, "pres-rules-changed", attrs, G_N_ELEMENTS(attrs));
        ps_rules_changed(pt);
    } else { /* the XCAP server validated it with the same parser: should not happen */
        g_warning("%s: stored pres-rules of %s do not parse: %s", ps->node->name, pt->aor, err->message);
        g_error_free(err);
    }
    if (doc)
        g_bytes_unref(doc);
}

/* The members of PT's list: the <list> its rls-services entry names in its resource-lists. */
static void lists_from_store(Ps *ps, PsPresentity *pt)
{
    if (!pt->list_uri)
        return;
    GBytes *rl = xcap_server_get_document(ps->xcap, "resource-lists", pt->aor, PS_XCAP_DOC, NULL);
    GBytes *rs = xcap_server_get_document(ps->xcap, "rls-services", pt->aor, PS_XCAP_DOC, NULL);
    g_autoptr(GPtrArray) members = g_ptr_array_new_with_free_func(g_free);
    if (rl && rs) {
        gsize rl_len, rs_len;
        const char *rl_xml = g_bytes_get_data(rl, &rl_len);
        const char *rs_xml = g_bytes_get_data(rs, &rs_len);
        g_autoptr(RlistDoc) lists = rlist_doc_parse(rl_xml, rl_len, NULL);
        g_autoptr(RlsServicesDoc) services = rls_services_parse(rs_xml, rs_len, NULL);
        const RlsService *svc = services ? rls_services_find(services, pt->list_uri) : NULL;
        const RlistList *l = svc && svc->list_name && lists ? rlist_doc_find(lists, svc->list_name) : NULL;
        for (guint i = 0; l && i < l->uris->len; i++)
            g_ptr_array_add(members, g_strdup(l->uris->pdata[i]));
    }
    if (rl)
        g_bytes_unref(rl);
    if (rs)
        g_bytes_unref(rs);
    SimAttr attrs[] = {SIM_ATTR_S("owner", pt->aor), SIM_ATTR_S("list", pt->list_uri), SIM_ATTR_I("members", members->len)};
    sim_node_event(ps->node, "resource-list-changed", attrs, G_N_ELEMENTS(attrs));
    ps_list_replace(pt, members);
}

static void on_changed(const char *auid, const char *xui, const char *document, void *user)
{
    Ps *ps = user;
    PsPresentity *pt = presentity_of_xui(ps, xui);
    if (!pt || ps->xcap_seeding || !g_str_equal(document, PS_XCAP_DOC))
        return;
    if (g_str_equal(auid, "pres-rules"))
        rules_from_store(ps, pt);
    else if (g_str_equal(auid, "resource-lists") || g_str_equal(auid, "rls-services"))
        lists_from_store(ps, pt);
}

void ps_xcap_rules_updated(Ps *ps, PsPresentity *pt)
{
    if (!ps->xcap || !pt->rules_xml)
        return;
    ps->xcap_seeding = TRUE; /* the pres-rule action already applied them */
    GError *err = NULL;
    if (!xcap_server_put_document(ps->xcap, "pres-rules", pt->aor, PS_XCAP_DOC, pt->rules_xml, strlen(pt->rules_xml),
                                  &err)) {
        g_warning("%s: pres-rules of %s not stored: %s", ps->node->name, pt->aor, err->message);
        g_error_free(err);
    }
    ps->xcap_seeding = FALSE;
}

/* ---- requests ---- */

/* TRUE if some user's private identity appears in the request (it must not: seed 000 §8.2.1). */
static gboolean carries_impi(Ps *ps, const HttpMessage *req)
{
    GBytes *wire = http_message_serialize(req, FALSE, 0);
    gsize len;
    const char *p = g_bytes_get_data(wire, &len);
    gboolean hit = FALSE;
    for (guint i = 0; i < ps->impis->len && !hit; i++) {
        const char *impi = ps->impis->pdata[i];
        size_t n = strlen(impi);
        /* an IMPI equal to the user part of an IMPU ("sip:alice@x" and "alice@x") is not a leak of
         * it inside that URI: only occurrences not preceded by a URI scheme's ':' count */
        for (const char *q = p; !hit && (q = g_strstr_len(q, (gssize)(len - (size_t)(q - p)), impi)); q += n)
            hit = q == p || q[-1] != ':';
    }
    g_bytes_unref(wire);
    return hit;
}

/* X-3GPP-Asserted-Identity: a quoted IMPU (TS 24.109 §6.3, like X-3GPP-Intended-Identity). */
static char *asserted_identity(const char *value)
{
    if (!value)
        return NULL;
    g_autofree char *v = g_strstrip(g_strdup(value));
    size_t n = strlen(v);
    if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
        v[n - 1] = '\0';
        return ps_uri_aor_text(v + 1);
    }
    return ps_uri_aor_text(v);
}

static void respond(Ps *ps, HttpConn *conn, guint status, const char *why)
{
    g_autoptr(HttpMessage) r = http_response_new(status, NULL);
    if (why)
        http_message_set_body(r, why, strlen(why), "text/plain");
    if (status == 403)
        ps->xcap_stats.forbidden++;
    http_conn_respond(conn, r, NULL);
}

static void on_request(HttpNode *hn, HttpConn *conn, const HttpMessage *req, void *user)
{
    Ps *ps = user;
    (void)hn;
    ps->xcap_stats.requests++;
    SimAddr src;
    http_conn_remote(conn, &src, NULL);
    SimNode *from = ims_node_by_address(ps->node->world, &src);
    const char *method = http_message_method(req);
    const char *target = http_message_target(req);
    if (carries_impi(ps, req)) {
        ps->xcap_stats.private_identity_seen++;
        SimAttr attrs[] = {SIM_ATTR_S("from", from ? from->name : "?"), SIM_ATTR_S("target", target)};
        sim_node_event(ps->node, "xcap-private-identity", attrs, G_N_ELEMENTS(attrs));
    }
    gboolean proxy_ok = !ps->xcap_proxies->len;
    for (guint i = 0; i < ps->xcap_proxies->len; i++)
        proxy_ok = proxy_ok || ps->xcap_proxies->pdata[i] == from;
    g_autofree char *asserted = asserted_identity(http_message_get_header(req, "X-3GPP-Asserted-Identity"));
    g_autofree char *auid = NULL, *xui_raw = NULL;
    gboolean global = FALSE;
    gboolean is_xcap = xcap_server_target_owner(ps->xcap, target, &auid, &xui_raw, &global);
    g_autofree char *xui = xui_raw ? ps_uri_aor_text(xui_raw) : NULL;
    const char *verdict = NULL;
    if (!proxy_ok)
        verdict = "not from an authentication proxy";
    else if (is_xcap && global && !g_str_equal(method, "GET"))
        verdict = "the global tree is read-only";
    else if (is_xcap && !global && !asserted)
        verdict = "no asserted identity";
    else if (is_xcap && !global && (!xui || g_strcmp0(xui, asserted) != 0))
        verdict = "not the user's own document"; /* seed 000 §6.2.1 */
    SimAttr attrs[] = {SIM_ATTR_S("method", method), SIM_ATTR_S("target", target),
                       SIM_ATTR_S("asserted", asserted ? asserted : ""),
                       SIM_ATTR_S("verdict", verdict ? verdict : "ok")};
    sim_node_event(ps->node, "xcap-request", attrs, G_N_ELEMENTS(attrs));
    if (verdict) {
        respond(ps, conn, 403, verdict);
        return;
    }
    size_t len = 0;
    const uint8_t *body = http_message_body(req, &len);
    XcapResponse out = {0};
    xcap_server_handle(ps->xcap, method, target, http_message_get_header(req, "If-Match"),
                       http_message_get_header(req, "If-None-Match"), http_message_get_header(req, "Content-Type"),
                       len ? body : NULL, len, &out);
    g_autoptr(HttpMessage) r = http_response_new(out.status, NULL);
    if (out.etag)
        http_message_set_header(r, "ETag", out.etag);
    if (out.allow)
        http_message_set_header(r, "Allow", out.allow);
    if (out.body) {
        gsize n;
        const void *p = g_bytes_get_data(out.body, &n);
        http_message_set_body(r, p, n, out.content_type);
    }
    if (out.status >= 200 && out.status < 300 && !g_str_equal(method, "GET"))
        ps->xcap_stats.changes++;
    xcap_response_clear(&out);
    http_conn_respond(conn, r, NULL);
}

/* ---- set-up ---- */

static gboolean seed_doc(Ps *ps, const char *auid, const PsPresentity *pt, const char *xml, GError **error)
{
    if (!xml)
        return TRUE;
    if (xcap_server_put_document(ps->xcap, auid, pt->aor, PS_XCAP_DOC, xml, strlen(xml), error))
        return TRUE;
    g_prefix_error(error, "%s document of %s: ", auid, pt->aor);
    return FALSE;
}

gboolean ps_xcap_start(Ps *ps, const char *root_uri, uint16_t port, char **proxies, GError **error)
{
    g_autoptr(GUri) uri = g_uri_parse(root_uri, G_URI_FLAGS_NONE, NULL);
    const char *path = uri ? g_uri_get_path(uri) : root_uri;
    g_autofree char *root = g_strdup(path && *path ? path : "/");
    size_t rl = strlen(root);
    while (rl > 1 && root[rl - 1] == '/')
        root[--rl] = '\0';
    ps->xcap = xcap_server_new(root);
    ps->xcap_proxies = g_ptr_array_new();
    ps->impis = g_ptr_array_new_with_free_func(g_free);
    for (char **p = proxies; p && *p; p++) {
        SimNode *n = sim_world_find_node(ps->node->world, *p);
        if (!n) {
            g_set_error(error, SIM_PARSE_ERROR, 0, "xcap-proxies: no node '%s'", *p);
            return FALSE;
        }
        g_ptr_array_add(ps->xcap_proxies, n);
    }
    ps->xcap_seeding = TRUE;
    gboolean ok = TRUE;
    for (guint i = 0; i < ps->order->len && ok; i++) {
        PsPresentity *pt = ps->order->pdata[i];
        ok = seed_doc(ps, "pres-rules", pt, pt->rules_xml, error) &&
             seed_doc(ps, "resource-lists", pt, pt->resource_lists_xml, error) &&
             seed_doc(ps, "rls-services", pt, pt->rls_services_xml, error);
        const SimConfig *sub = sim_world_record(ps->node->world, "subscriber", pt->subscriber);
        const char *impi = sub ? sim_config_string(sub, "impi") : NULL;
        if (impi && *impi)
            g_ptr_array_add(ps->impis, g_strdup(impi));
    }
    ps->xcap_seeding = FALSE;
    if (!ok)
        return FALSE;
    xcap_server_set_changed(ps->xcap, on_changed, ps);
    static const HttpNodeHandlers h = {.request = on_request};
    ps->http = http_node_new(ps->node, &h, ps);
    return http_node_listen(ps->http, port, NULL, error);
}

void ps_xcap_stop(Ps *ps)
{
    g_clear_pointer(&ps->http, http_node_free);
    g_clear_pointer(&ps->xcap, xcap_server_free);
    if (ps->xcap_proxies)
        g_ptr_array_free(ps->xcap_proxies, TRUE);
    if (ps->impis)
        g_ptr_array_free(ps->impis, TRUE);
    ps->xcap_proxies = ps->impis = NULL;
}

void ps_xcap_report(Ps *ps, SimReport *r)
{
    sim_report_begin(r, "xcap");
    sim_report_uint(r, "requests", ps->xcap_stats.requests);
    sim_report_uint(r, "changes", ps->xcap_stats.changes);
    sim_report_uint(r, "forbidden", ps->xcap_stats.forbidden);
    sim_report_uint(r, "private_identity_seen", ps->xcap_stats.private_identity_seen);
    sim_report_end(r);
}
