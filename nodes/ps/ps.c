/* ps.c: the Presence Server kind (TS 23.141 §4.3.1): keys, the users' documents from the scenario,
 * SIP dispatch, who may talk to it, traffic per reference point, the pres-rule action, reports.
 *
 * Who sends what (TS 23.141 §4.4): the S-CSCF forwards the UEs' PUBLISHes (Peu) and the watchers'
 * SUBSCRIBEs (Pw) and relays the NOTIFYs; the PNA publishes network presence (Pen), the PEA external
 * presence (Pex). A request is accepted only from a node of the `trusted` list (when it is not empty):
 * seed 001 §2.1's "anybody inside the network could feed false presence" is the empty list. The
 * identity of a request through an S-CSCF is its P-Asserted-Identity (RFC 3325 §9.1: the S-CSCF is in
 * the trust domain); a PUBLISH through the S-CSCF must be for the asserted user's own presentity.
 * Traffic per reference point counts the SIP bytes of each message as sent or received here
 * (retransmissions by the transaction layer are not counted).
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/ps/ps.h"
#include "nodes/ps/ps-private.h"
#include "nodes/ps/ps-xcap.h"
#include "protocols/pidf/resource-lists.h"
#include <string.h>

const char *const ps_ref_point_names[PS_RP_COUNT] = {"Peu", "Pen", "Pex", "Pw", "other"};

static const SimKeySpec ps_keys[] = {
    {"trusted", SIM_KEY_LIST, "",
     "nodes allowed to send requests (S-CSCFs, PNA, PEA); empty: anyone (seed 001's false-presence threat)", NULL,
     0, 0, "node"},
    {"priorities", SIM_KEY_LIST, "ue:3, pna:2, pea:1",
     "composition priority per source (ue, pna, pea or a node name) as SOURCE:N; higher wins a tie", NULL, 0, 0, NULL},
    {"xcap-root", SIM_KEY_STRING, "", "XCAP root URI of the users' documents (default http://<ps host>/xcap)", NULL, 0,
     0, NULL},
    {"xcap-port", SIM_KEY_PORT, "80", "TCP port of the XCAP server (RFC 4825) behind the Authentication Proxy", NULL,
     0, 0, NULL},
    {"xcap-proxies", SIM_KEY_LIST, "",
     "Authentication Proxies allowed to assert identities on Ut (X-3GPP-Asserted-Identity); empty: anyone", NULL, 0,
     0, "node"},
    SIM_KEY_END,
};

/* ---- helpers ---- */

char *ps_uri_aor_text(const char *text)
{
    if (!text)
        return NULL;
    g_autofree char *t = g_strstrip(g_strdup(text));
    char *lt = strchr(t, '<');
    if (lt) {
        char *gt = strchr(lt, '>');
        if (!gt)
            return NULL;
        *gt = '\0';
        memmove(t, lt + 1, strlen(lt + 1) + 1);
    }
    osip_uri_t *u = NULL;
    if (osip_uri_init(&u) != 0)
        return NULL;
    char *out = NULL;
    if (osip_uri_parse(u, t) == 0 && u->scheme) {
        if (g_ascii_strcasecmp(u->scheme, "tel") == 0)
            out = g_strdup_printf("tel:%s", u->string ? u->string : "");
        else if (u->host)
            out = u->username ? g_strdup_printf("%s:%s@%s", u->scheme, u->username, u->host)
                              : g_strdup_printf("%s:%s", u->scheme, u->host);
    }
    osip_uri_free(u);
    return out;
}

PsPresentity *ps_presentity_for_uri(Ps *ps, const char *uri)
{
    g_autofree char *aor = ps_uri_aor_text(uri);
    return aor ? g_hash_table_lookup(ps->presentities, aor) : NULL;
}

void ps_count_out(Ps *ps, PsRefPoint rp, guint64 bytes)
{
    ps->traffic[rp].messages_out++;
    ps->traffic[rp].bytes_out += bytes;
}

void ps_reply(Ps *ps, SipTxn *txn, int status, const char *reason, PsRefPoint rp)
{
    SipNodeStats before, after;
    sip_node_stats(ps->sn, &before);
    g_autofree char *tag = sip_node_tag(ps->sn);
    sip_node_reply(ps->sn, txn, status, reason, tag);
    sip_node_stats(ps->sn, &after);
    ps_count_out(ps, rp, after.bytes_sent - before.bytes_sent);
}

static gboolean trusted(Ps *ps, const SimNode *from)
{
    if (!ps->trusted->len)
        return TRUE;
    for (guint i = 0; i < ps->trusted->len; i++)
        if (ps->trusted->pdata[i] == from)
            return TRUE;
    return FALSE;
}

/* ---- dispatch ---- */

static void on_request(SipNode *sn, SipTxn *txn, const osip_message_t *req, const SipPeer *peer, void *user)
{
    Ps *ps = user;
    (void)peer;
    if (!txn || g_str_equal(req->sip_method, "ACK"))
        return;
    const NetIpInfo *ip = sip_node_arrival(sn);
    SimNode *from = ip ? ims_node_by_address(ps->node->world, &ip->src) : NULL;
    const char *kind = from ? from->kind : "";
    gboolean is_publish = g_str_equal(req->sip_method, "PUBLISH");
    PsRefPoint rp = g_str_equal(kind, "pna")  ? PS_RP_PEN
                    : g_str_equal(kind, "pea") ? PS_RP_PEX
                    : g_str_equal(kind, "scscf") ? (is_publish ? PS_RP_PEU : PS_RP_PW)
                                                 : PS_RP_OTHER;
    ps->traffic[rp].messages_in++;
    ps->traffic[rp].bytes_in += sip_node_arrival_bytes(sn);
    if (!from || !trusted(ps, from)) {
        char src[SIM_ADDR_STRLEN] = "?";
        if (ip)
            sim_addr_to_string(&ip->src, src);
        SimAttr attrs[] = {SIM_ATTR_S("method", req->sip_method), SIM_ATTR_S("source", src)};
        sim_node_event(ps->node, "ps-untrusted-rejected", attrs, G_N_ELEMENTS(attrs));
        ps_reply(ps, txn, 403, "Forbidden", rp);
        return;
    }
    /* RFC 3325 §9.1: inside the trust domain the asserted identity is the sender. */
    g_autofree char *pai = NULL;
    const char *pai_text = sip_message_get_header(req, "P-Asserted-Identity", 0);
    if (pai_text && g_str_equal(kind, "scscf"))
        pai = ps_uri_aor_text(pai_text);
    if (is_publish) {
        if (rp == PS_RP_PEU) {
            char *ruri = NULL;
            osip_uri_to_str(req->req_uri, &ruri);
            PsPresentity *pt = ps_presentity_for_uri(ps, ruri);
            osip_free(ruri);
            PsPresentity *own = pai ? g_hash_table_lookup(ps->presentities, pai) : NULL;
            if (!own || own != pt) { /* one user publishes for own and only own presentity */
                SimAttr attrs[] = {SIM_ATTR_S("asserted", pai ? pai : ""), SIM_ATTR_S("reason", "not own presentity")};
                sim_node_event(ps->node, "publish-rejected", attrs, G_N_ELEMENTS(attrs));
                ps->stats.publish_rejected++;
                ps_reply(ps, txn, 403, "Forbidden", rp);
                return;
            }
        }
        const char *source = rp == PS_RP_PEU ? "ue" : rp == PS_RP_PEN ? "pna" : rp == PS_RP_PEX ? "pea" : from->name;
        ps_publish_request(ps, txn, req, rp, source);
        return;
    }
    if (g_str_equal(req->sip_method, "SUBSCRIBE")) {
        g_autofree char *from_aor = NULL;
        if (!pai) {
            char *f = NULL;
            if (req->from && osip_uri_to_str(req->from->url, &f) == 0) {
                from_aor = ps_uri_aor_text(f);
                osip_free(f);
            }
        }
        const char *watcher = pai ? pai : from_aor;
        if (!watcher) {
            ps->stats.bad_requests++;
            ps_reply(ps, txn, 400, "Bad Request", rp);
            return;
        }
        ps_subscribe_request(ps, txn, req, watcher);
        return;
    }
    GError *err = NULL;
    g_autofree char *tag = sip_node_tag(ps->sn);
    osip_message_t *resp = sip_response_new(req, 405, "Method Not Allowed", tag, &err);
    if (resp && sip_message_add_header(resp, "Allow", "PUBLISH, SUBSCRIBE, NOTIFY", &err) &&
        sip_node_respond(ps->sn, txn, resp, &err))
        return;
    g_clear_error(&err);
}

static void on_response(SipNode *sn, SipTxn *txn, const osip_message_t *resp, void *user)
{
    Ps *ps = user;
    ps->traffic[PS_RP_PW].messages_in++;
    ps->traffic[PS_RP_PW].bytes_in += sip_node_arrival_bytes(sn);
    if (resp->status_code >= 200)
        ps_notify_result(ps, txn, resp->status_code);
}

static void on_failure(SipNode *sn, SipTxn *txn, const char *why, void *user)
{
    (void)sn, (void)why;
    ps_notify_result(user, txn, 0);
}

/* ---- the pres-rule action ---- */

static const char *const handling_choices[] = {"allow", "block", "polite-block", "confirm", NULL};

static const SimKeySpec pres_rule_keys[] = {
    {"presentity", SIM_KEY_STRING, NULL, "the presentity whose rules change (one of its IMPUs)", NULL, 0, 0, NULL},
    {"watcher", SIM_KEY_STRING, NULL, "a watcher identity, *@domain or *", NULL, 0, 0, NULL},
    {"handling", SIM_KEY_ENUM, NULL, "the new sub-handling for that watcher (RFC 5025 §3.2.1)", handling_choices, 0,
     0, NULL},
    {"location", SIM_KEY_BOOL, "false", "grant provide-location to that watcher", NULL, 0, 0, NULL},
    SIM_KEY_END,
};

static PresSubHandling handling_of(const char *name)
{
    return g_str_equal(name, "allow")          ? PRES_SUB_ALLOW
           : g_str_equal(name, "polite-block") ? PRES_SUB_POLITE_BLOCK
           : g_str_equal(name, "confirm")      ? PRES_SUB_CONFIRM
                                               : PRES_SUB_BLOCK;
}

static void pres_rule_run(SimNode *node, const char *name, const SimConfig *args)
{
    Ps *ps = node->impl;
    (void)name;
    const char *who = sim_config_string(args, "presentity");
    const char *watcher = sim_config_string(args, "watcher");
    PsPresentity *pt = ps_presentity_for_uri(ps, who);
    GError *err = NULL;
    if (!pt || !ps_rules_set(pt, watcher, handling_of(sim_config_string(args, "handling")),
                             sim_config_bool(args, "location"), &err)) {
        SimAttr attrs[] = {SIM_ATTR_S("presentity", who), SIM_ATTR_S("reason", err ? err->message : "unknown presentity")};
        sim_node_event(node, "pres-rule-ignored", attrs, G_N_ELEMENTS(attrs));
        g_clear_error(&err);
        return;
    }
    ps->stats.rule_changes++;
    SimAttr attrs[] = {SIM_ATTR_S("presentity", pt->aor), SIM_ATTR_S("watcher", watcher),
                       SIM_ATTR_S("handling", sim_config_string(args, "handling")),
                       SIM_ATTR_B("location", sim_config_bool(args, "location"))};
    sim_node_event(node, "pres-rules-changed", attrs, G_N_ELEMENTS(attrs));
    ps_xcap_rules_updated(ps, pt);
    ps_rules_changed(pt);
}

const SimActionKind sim_action_pres_rule = {
    .name = "pres-rule",
    .summary = "change a presentity's pres-rules at the PS (what an XCAP PUT would do); subscriptions are "
               "re-authorized at once",
    .keys = pres_rule_keys,
    .node_kinds = (const char *const[]){"ps", NULL},
    .run = pres_rule_run,
};

/* ---- the kind ---- */

static void presentity_free(gpointer p)
{
    PsPresentity *pt = p;
    g_ptr_array_free(pt->pubs, TRUE);
    if (pt->composed)
        pidf_doc_free(pt->composed);
    for (guint i = 0; i < G_N_ELEMENTS(pt->rules_items); i++)
        g_ptr_array_free(pt->rules_items[i], TRUE);
    g_free(pt->rules_xml);
    if (pt->rules)
        pres_rules_free(pt->rules);
    g_ptr_array_free(pt->subs, TRUE);
    g_ptr_array_free(pt->winfo_subs, TRUE);
    g_ptr_array_free(pt->gone, TRUE);
    g_ptr_array_free(pt->list_subs, TRUE);
    g_ptr_array_free(pt->buddies, TRUE);
    g_free(pt->list_uri);
    g_free(pt->resource_lists_xml);
    g_free(pt->rls_services_xml);
    g_free(pt->aor);
    g_free(pt->subscriber);
    g_free(pt);
}

static void ps_free(void *p)
{
    Ps *ps = p;
    ps_xcap_stop(ps);
    g_hash_table_destroy(ps->subs); /* cancels timers; subscriptions unlink from presentities */
    g_ptr_array_free(ps->order, TRUE); /* publications leave `etags` as they go */
    g_hash_table_destroy(ps->etags);
    g_hash_table_destroy(ps->lists);
    g_hash_table_destroy(ps->presentities);
    g_ptr_array_free(ps->trusted, TRUE);
    g_hash_table_destroy(ps->priorities);
    sip_node_free(ps->sn);
    g_free(ps->host);
    g_free(ps->uri);
    g_free(ps);
}

static const char *const rule_keys[5] = {"pres-allow", "pres-block", "pres-polite-block", "pres-confirm",
                                         "pres-location"};

/* A user of this PS: its IMPUs' domain is the PS's (TS 23.141: the PS of the presentity's home). */
static gboolean serves(const Ps *ps, char **impus)
{
    const char *dom = ps->node->domain;
    for (char **p = impus; *p; p++) {
        const char *at = strrchr(*p, '@');
        if (at && dom && g_ascii_strcasecmp(at + 1, dom) == 0)
            return TRUE;
    }
    return FALSE;
}

/* The buddy list as documents (RFC 4826 resource-lists + rls-services), parsed back for use. */
static gboolean build_lists(Ps *ps, PsPresentity *pt, const SimConfig *sub, const char *xcap_root, GError **error)
{
    g_auto(GStrv) buddies = sim_config_list(sub, "buddies");
    g_auto(GStrv) list_uri = sim_config_list(sub, "buddy-list-uri");
    if (!list_uri[0])
        return TRUE;
    size_t len = 0;
    pt->resource_lists_xml = rlist_doc_build("buddies", (const char *const *)buddies, &len);
    pt->rls_services_xml = rls_services_build(list_uri[0], xcap_root, pt->aor, "buddies", &len);
    if (!pt->resource_lists_xml || !pt->rls_services_xml) {
        g_set_error(error, SIM_PARSE_ERROR, 0, "%s: list documents not built", pt->aor);
        return FALSE;
    }
    g_autoptr(RlistDoc) rl = rlist_doc_parse(pt->resource_lists_xml, strlen(pt->resource_lists_xml), error);
    g_autoptr(RlsServicesDoc) rs = rl ? rls_services_parse(pt->rls_services_xml, strlen(pt->rls_services_xml), error)
                                      : NULL;
    if (!rs)
        return FALSE;
    const RlsService *svc = rls_services_find(rs, list_uri[0]);
    const RlistList *l = svc && svc->list_name ? rlist_doc_find(rl, svc->list_name) : NULL;
    if (!l) {
        g_set_error(error, SIM_PARSE_ERROR, 0, "%s: the rls-services entry does not resolve", pt->aor);
        return FALSE;
    }
    for (guint i = 0; i < l->uris->len; i++)
        g_ptr_array_add(pt->buddies, g_strdup(l->uris->pdata[i]));
    g_autofree char *key = ps_uri_aor_text(list_uri[0]);
    if (!key || g_hash_table_contains(ps->lists, key) || g_hash_table_contains(ps->presentities, key)) {
        g_set_error(error, SIM_PARSE_ERROR, 0, "buddy-list-uri %s: not a URI or already in use", list_uri[0]);
        return FALSE;
    }
    pt->list_uri = g_strdup(key);
    g_hash_table_insert(ps->lists, g_strdup(key), pt);
    return TRUE;
}

static gboolean load_presentities(Ps *ps, const char *xcap_root, GError **error)
{
    SimWorld *w = ps->node->world;
    g_autoptr(GPtrArray) names = sim_world_record_names(w, "subscriber");
    gboolean ok = TRUE;
    for (guint n = 0; names && n < names->len && ok; n++) {
        const char *name = names->pdata[n];
        const SimConfig *sub = sim_world_record(w, "subscriber", name);
        g_auto(GStrv) impus = sim_config_list(sub, "impus");
        if (!serves(ps, impus))
            continue;
        PsPresentity *pt = g_new0(PsPresentity, 1);
        pt->ps = ps;
        pt->aor = ps_uri_aor_text(impus[0]);
        pt->subscriber = g_strdup(name);
        pt->pubs = g_ptr_array_new_with_free_func(ps_pub_free);
        for (guint i = 0; i < G_N_ELEMENTS(pt->rules_items); i++) {
            pt->rules_items[i] = g_ptr_array_new_with_free_func(g_free);
            g_auto(GStrv) items = sim_config_list(sub, rule_keys[i]);
            for (char **p = items; *p; p++)
                g_ptr_array_add(pt->rules_items[i], g_strdup(*p));
        }
        pt->subs = g_ptr_array_new();
        pt->winfo_subs = g_ptr_array_new();
        pt->gone = g_ptr_array_new();
        pt->list_subs = g_ptr_array_new();
        pt->buddies = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_add(ps->order, pt);
        for (char **p = impus; *p; p++) {
            g_autofree char *aor = ps_uri_aor_text(*p);
            if (aor)
                g_hash_table_insert(ps->presentities, g_steal_pointer(&aor), pt);
        }
        if (!pt->aor) {
            g_set_error(error, SIM_PARSE_ERROR, 0, "subscriber %s: %s is not a usable URI", name, impus[0]);
            ok = FALSE;
        }
        ok = ok && ps_rules_rebuild(pt, error) && build_lists(ps, pt, sub, xcap_root, error);
    }
    return ok;
}

/* "SOURCE:N": the colon (N in *V), or NULL when ITEM is not of that form. */
static const char *parse_priority(const char *item, int *v)
{
    const char *colon = strrchr(item, ':');
    char *end = NULL;
    gint64 n = colon ? g_ascii_strtoll(colon + 1, &end, 10) : 0;
    if (!colon || colon == item || !end || end == colon + 1 || *end || n < -1000 || n > 1000)
        return NULL;
    *v = (int)n;
    return colon;
}

/* Load-time check (FILE:LINE: node.NAME.priorities: ...), before any node exists. */
static gboolean ps_check(const char *name, const SimConfig *cfg, const char **bad_key, GError **error)
{
    (void)name;
    g_auto(GStrv) prios = sim_config_list(cfg, "priorities");
    for (char **p = prios; *p; p++) {
        int v;
        if (!parse_priority(*p, &v)) {
            *bad_key = "priorities";
            g_set_error(error, SIM_PARSE_ERROR, 0, "'%s' is not SOURCE:N (N in -1000..1000)", *p);
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean ps_create(SimNode *node, const SimConfig *cfg, GError **error)
{
    Ps *ps = g_new0(Ps, 1);
    ps->node = node;
    node->impl = ps;
    node->impl_free = ps_free;
    ps->host = ims_host_name(node);
    ps->uri = ims_sip_uri(node);
    ps->presentities = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    ps->order = g_ptr_array_new_with_free_func(presentity_free);
    ps->lists = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    ps->etags = g_hash_table_new(g_str_hash, g_str_equal);
    ps->subs = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, ps_sub_free);
    ps->trusted = g_ptr_array_new();
    ps->priorities = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_auto(GStrv) trusted = sim_config_list(cfg, "trusted");
    for (char **p = trusted; *p; p++) {
        SimNode *t = sim_world_find_node(node->world, *p);
        if (!t) {
            g_set_error(error, SIM_PARSE_ERROR, 0, "trusted: no node '%s'", *p);
            return FALSE;
        }
        g_ptr_array_add(ps->trusted, t);
    }
    g_auto(GStrv) prios = sim_config_list(cfg, "priorities");
    for (char **p = prios; *p; p++) {
        int v = 0;
        const char *colon = parse_priority(*p, &v);
        g_hash_table_insert(ps->priorities, g_strndup(*p, (gsize)(colon - *p)), GINT_TO_POINTER(v));
    }
    const char *root = sim_config_string(cfg, "xcap-root");
    g_autofree char *xcap_root = *root ? g_strdup(root) : g_strdup_printf("http://%s/xcap", ps->host);
    if (!load_presentities(ps, xcap_root, error))
        return FALSE;
    static const SipNodeHandlers h = {.request = on_request, .response = on_response, .failure = on_failure};
    ps->sn = sip_node_new(node, &h, ps);
    g_auto(GStrv) proxies = sim_config_list(cfg, "xcap-proxies");
    return sip_node_listen(ps->sn, IMS_SIP_PORT, error) &&
           ps_xcap_start(ps, xcap_root, sim_config_port(cfg, "xcap-port"), proxies, error);
}

static void report_traffic(const PsTraffic *t, SimReport *r, const char *name)
{
    sim_report_begin(r, name);
    sim_report_uint(r, "messages_in", t->messages_in);
    sim_report_uint(r, "bytes_in", t->bytes_in);
    sim_report_uint(r, "messages_out", t->messages_out);
    sim_report_uint(r, "bytes_out", t->bytes_out);
    sim_report_end(r);
}

static void ps_report(SimNode *node, SimReport *r)
{
    Ps *ps = node->impl;
    const PsStats *st = &ps->stats;
    sim_report_begin(r, "nodes");
    sim_report_begin(r, node->name);
    sim_report_string(r, "kind", "ps");
    sim_report_uint(r, "presentities", ps->order->len);
    sim_report_uint(r, "publishes", st->publishes);
    sim_report_uint(r, "publish_rejected", st->publish_rejected);
    sim_report_uint(r, "subscriptions", st->subscriptions);
    sim_report_uint(r, "subscribe_rejected", st->subscribe_rejected);
    sim_report_uint(r, "notifies", st->notifies);
    sim_report_uint(r, "notify_failures", st->notify_failures);
    sim_report_uint(r, "rule_changes", st->rule_changes);
    sim_report_uint(r, "bad_requests", st->bad_requests);
    sim_report_uint(r, "active_subscriptions", g_hash_table_size(ps->subs));
    ps_xcap_report(ps, r);
    sim_report_begin(r, "reference_points");
    for (int i = 0; i < PS_RP_COUNT; i++)
        if (ps->traffic[i].messages_in || ps->traffic[i].messages_out)
            report_traffic(&ps->traffic[i], r, ps_ref_point_names[i]);
    sim_report_end(r);
    sim_report_begin(r, "presentities_state");
    for (guint i = 0; i < ps->order->len; i++) {
        const PsPresentity *pt = ps->order->pdata[i];
        sim_report_begin(r, pt->aor);
        sim_report_uint(r, "publications", pt->pubs->len);
        sim_report_uint(r, "watchers", pt->subs->len);
        sim_report_uint(r, "tuples", pt->composed ? pt->composed->tuples->len : 0);
        sim_report_end(r);
    }
    sim_report_end(r);
    sim_report_end(r);
    sim_report_end(r);
}

const SimNodeKind sim_node_kind_ps = {
    .name = "ps",
    .summary = "Presence Server: PUBLISH (RFC 3903), presence and watcher-info subscriptions (RFC 3856/3857), "
               "resource lists (RFC 4662), pres-rules (RFC 5025)",
    .keys = ps_keys,
    .forwarding = FALSE,
    .check = ps_check,
    .create = ps_create,
    .report = ps_report,
};
