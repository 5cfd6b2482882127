/* sip-ua.c: the SipUa itself: configuration, dispatch of what the node offers it, building and
 * sending its requests (Via, Contact, Route), and the bookkeeping of its client transactions.
 *
 * Subscriptions are in sip-ua-sub.c (RFC 6665 §4.1), publications in sip-ua-pub.c (RFC 3903 §4);
 * their state machines are described there. What is shared is in sip-ua-private.h.
 *
 * Routing (RFC 3261 §8.1.2, §12.2.1.1). Every request goes to the configured next hop, from the
 * configured local port (inside the SipPeer). An initial request carries the pre-loaded Route set;
 * a request inside a dialog carries the dialog's route set instead (loose routing assumed: every
 * proxy of the route set has ;lr, so the Request-URI stays the remote target). A UE's next hop is its
 * P-CSCF, which adds the Service-Route itself (TS 24.229 §5.2.6.3), so its pre-loaded set is empty.
 *
 * Not done: strict routing (a route set whose first URI lacks ;lr), next hops taken from the Route
 * set instead of the configuration, SIP over TCP.
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/ims/sip-ua-private.h"
#include <string.h>

/* ---- small shared helpers ---------------------------------------------------------------------- */

SimEngine *sip_ua_engine(const SipUa *ua)
{
    return ua->node->world->engine;
}

SimTime sip_ua_now(const SipUa *ua)
{
    return sim_world_now(ua->node->world);
}

SimTime sip_ua_refresh_delay(guint32 seconds)
{
    SimTime whole = (SimTime)seconds * SIM_S;
    SimTime at80 = whole / 5 * 4, before = whole - 5 * SIM_S;
    SimTime d = MIN(at80, before);
    return d >= whole / 2 && d > 0 ? d : MAX(whole / 2, 1);
}

gboolean sip_ua_header_seconds(const osip_message_t *m, const char *name, guint32 *out)
{
    const char *text = sip_message_get_header(m, name, 0);
    GError *err = NULL;
    if (!text || !sip_expires_parse(text, out, &err)) {
        g_clear_error(&err);
        return FALSE;
    }
    return TRUE;
}

gboolean sip_ua_add_header(osip_message_t *m, const char *name, const char *value)
{
    GError *err = NULL;
    if (sip_message_add_header(m, name, value, &err))
        return TRUE;
    g_debug("%s not added: %s", name, err->message);
    g_error_free(err);
    return FALSE;
}

/* ---- requests ---------------------------------------------------------------------------------- */

osip_message_t *sip_ua_request_new(SipUa *ua, const UaRequest *r, GError **error)
{
    g_autofree char *branch = sip_node_branch(ua->sn);
    g_autofree char *from = g_strdup_printf("<%s>", r->from);
    g_autofree char *to = g_strdup_printf("<%s>", r->to);
    g_autofree char *contact = g_strdup_printf("<%s>", ua->contact);
    SipRequestSpec spec = {
        .method = r->method,
        .request_uri = r->request_uri,
        .via_host = ua->via_host,
        .via_port = ua->via_port,
        .branch = branch,
        .from = from,
        .from_tag = r->from_tag,
        .to = to,
        .to_tag = r->to_tag,
        .call_id = r->call_id,
        .cseq = r->cseq,
        .contact = contact,
    };
    osip_message_t *m = sip_request_new(&spec, error);
    if (!m)
        return NULL;
    gboolean ok = TRUE;
    if (r->route_set) { /* RFC 3261 §12.2.1.1: the route set, in order, as Route */
        for (guint i = 0; ok && i < r->route_set->len; i++)
            ok = sip_ua_add_header(m, "Route", r->route_set->pdata[i]);
    } else { /* RFC 3261 §8.1.2: the pre-loaded route; RFC 3325 §9.2: the identity we prefer */
        for (guint i = 0; ok && ua->route && ua->route[i]; i++) {
            g_autofree char *v = g_strdup_printf("<%s>", ua->route[i]);
            ok = sip_ua_add_header(m, "Route", v);
        }
        if (ok && ua->asserted) {
            g_autofree char *v = g_strdup_printf("<%s>", ua->asserted);
            ok = sip_ua_add_header(m, "P-Preferred-Identity", v);
        }
    }
    if (!ok) {
        sip_message_free(m);
        g_set_error(error, SIP_MESSAGE_ERROR, SIP_MESSAGE_ERROR_INVALID, "bad Route or P-Preferred-Identity");
        return NULL;
    }
    return m;
}

SipTxn *sip_ua_send(SipUa *ua, osip_message_t *m, UaTxnOwner owner, guint id, int op, GError **error)
{
    SipTxn *t = sip_node_send_request(ua->sn, m, &ua->next_hop, error);
    if (!t)
        return NULL;
    UaTxn *rec = g_new0(UaTxn, 1);
    rec->owner = owner;
    rec->id = id;
    rec->op = op;
    g_hash_table_insert(ua->txns, t, rec);
    return t;
}

/* ---- life -------------------------------------------------------------------------------------- */

static void config_clear(SipUa *ua)
{
    g_clear_pointer(&ua->contact, g_free);
    g_clear_pointer(&ua->via_host, g_free);
    g_clear_pointer(&ua->asserted, g_free);
    g_clear_pointer(&ua->route, g_strfreev);
}

static void config_set(SipUa *ua, const SipUaConfig *cfg)
{
    config_clear(ua);
    ua->next_hop = cfg->next_hop;
    ua->contact = g_strdup(cfg->contact);
    ua->via_host = g_strdup(cfg->via_host);
    ua->via_port = cfg->via_port;
    ua->asserted = g_strdup(cfg->asserted);
    ua->route = cfg->route && cfg->route[0] ? g_strdupv((char **)cfg->route) : NULL;
}

SipUa *sip_ua_new(SipNode *sn, const SipUaConfig *cfg)
{
    g_return_val_if_fail(sn && cfg && cfg->contact && cfg->via_host, NULL);
    SipUa *ua = g_new0(SipUa, 1);
    ua->sn = sn;
    ua->node = sip_node_sim_node(sn);
    config_set(ua, cfg);
    ua->txns = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    ua->subs = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, sip_ua_sub_free);
    ua->pubs = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, sip_ua_pub_free);
    ua->dead = g_ptr_array_new_with_free_func(sip_ua_sub_free);
    return ua;
}

static void ua_destroy(SipUa *ua)
{
    /* Transactions still in flight stay in the node's layer; their answers reach the node, which no
     * longer offers them to this UA. */
    g_hash_table_destroy(ua->txns);
    g_hash_table_destroy(ua->subs); /* cancels their timers */
    g_hash_table_destroy(ua->pubs);
    g_ptr_array_free(ua->dead, TRUE);
    config_clear(ua);
    g_free(ua);
}

void sip_ua_free(SipUa *ua)
{
    if (!ua)
        return;
    if (ua->depth > 0) { /* from inside one of our callbacks: finish when it returns */
        ua->dying = TRUE;
        return;
    }
    ua_destroy(ua);
}

void sip_ua_reconfigure(SipUa *ua, const SipUaConfig *cfg)
{
    config_set(ua, cfg);
}

void sip_ua_enter(SipUa *ua)
{
    ua->depth++;
}

void sip_ua_leave(SipUa *ua)
{
    g_assert(ua->depth > 0);
    if (--ua->depth > 0)
        return;
    g_ptr_array_set_size(ua->dead, 0);
    if (ua->dying)
        ua_destroy(ua);
}

/* ---- dispatch ---------------------------------------------------------------------------------- */

gboolean sip_ua_handle_request(SipUa *ua, SipTxn *txn, const osip_message_t *req)
{
    if (!ua || ua->dying || !txn || !req->sip_method || !g_str_equal(req->sip_method, "NOTIFY"))
        return FALSE;
    sip_ua_enter(ua);
    gboolean mine = sip_ua_sub_notify(ua, txn, req);
    sip_ua_leave(ua);
    return mine;
}

/* The final answer or the failure of TXN: TRUE when TXN was ours. */
static gboolean finish(SipUa *ua, SipTxn *txn, int status, const osip_message_t *resp)
{
    if (!ua || ua->dying)
        return FALSE;
    UaTxn *rec = g_hash_table_lookup(ua->txns, txn);
    if (!rec)
        return FALSE;
    UaTxn r = *rec;
    g_hash_table_remove(ua->txns, txn);
    sip_ua_enter(ua);
    if (r.owner == UA_TXN_SUB) {
        SipSubscription *sub = g_hash_table_lookup(ua->subs, GUINT_TO_POINTER(r.id));
        if (sub) /* else it ended while the request was in flight */
            sip_ua_sub_answer(sub, r.op, status, resp);
    } else {
        SipPublication *pub = g_hash_table_lookup(ua->pubs, GUINT_TO_POINTER(r.id));
        if (pub)
            sip_ua_pub_answer(pub, r.op, status, resp);
    }
    sip_ua_leave(ua);
    return TRUE;
}

gboolean sip_ua_handle_response(SipUa *ua, SipTxn *txn, const osip_message_t *resp)
{
    if (!ua || ua->dying || !g_hash_table_contains(ua->txns, txn))
        return FALSE;
    if (resp->status_code < 200)
        return TRUE; /* provisional: nothing to do, the final answer follows */
    return finish(ua, txn, resp->status_code, resp);
}

gboolean sip_ua_handle_failure(SipUa *ua, SipTxn *txn, const char *why)
{
    (void)why; /* Timer F or a transport error: both are "no answer" (status 0) */
    return finish(ua, txn, 0, NULL);
}
