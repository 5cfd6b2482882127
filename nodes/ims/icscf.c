/* icscf.c: the I-CSCF kind: Cx queries (UAR, LIR) and stateful forwarding to the S-CSCF.
 *
 * DESIGN NOTES
 *
 * One IcPending per request received, from its arrival to its final response:
 *
 *   QUERYING (UAR or LIR sent; req_user of the Diameter request)
 *     --answer with a Server-Name--> FORWARDING (client transaction to the S-CSCF; its user data)
 *     --error answer / no answer--> final response sent here, freed
 *   FORWARDING
 *     --provisional (not 100)--> relayed, stays
 *     --final--> relayed, freed
 *     --Timer F / transport error--> 408 / 503 sent, freed
 *
 * The server transaction stays valid throughout: a non-INVITE server transaction has no timer
 * before its final response, and that response is always sent through the IcPending. Every
 * IcPending is in `pending`, so the ones still open when the run ends are freed with the node.
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/ims/icscf.h"
#include "nodes/ims/scscf-common.h"
#include "protocols/sip/sip-headers.h"
#include <string.h>

static const SimKeySpec icscf_keys[] = {
    {"hss", SIM_KEY_NAME, NULL, "the HSS node the I-CSCF queries (UAR, LIR)", NULL, 0, 0, "node"},
    SIM_KEY_END,
};

typedef struct {
    uint64_t uar, lir, forwarded, rejected, bad_requests;
} IcscfStats;

typedef struct {
    SimNode *node;
    SimNode *hss;
    char *host; /* "<node>.<domain>" */
    SipNode *sn;
    DiameterNode *dn;
    GHashTable *pending; /* IcPending*, owned */
    IcscfStats stats;
} Icscf;

typedef struct {
    Icscf *ic;
    SipTxn *server;
    gboolean is_register;
    char *method;
    char *impu; /* the identity asked about */
    SipTxn *client; /* FORWARDING: the transaction towards the S-CSCF */
} IcPending;

static void pending_free(gpointer p)
{
    IcPending *q = p;
    if (q->client)
        sip_txn_set_user_data(q->client, NULL);
    g_free(q->method);
    g_free(q->impu);
    g_free(q);
}

static void pending_done(IcPending *q)
{
    g_hash_table_remove(q->ic->pending, q); /* frees Q */
}

static void reject(Icscf *ic, SipTxn *txn, int status, const char *reason, const char *method, const char *why)
{
    ic->stats.rejected++;
    SimAttr attrs[] = {SIM_ATTR_S("method", method), SIM_ATTR_I("status", status), SIM_ATTR_S("reason", why)};
    sim_node_event(ic->node, "icscf-rejected", attrs, G_N_ELEMENTS(attrs));
    g_autofree char *tag = sip_node_tag(ic->sn);
    sip_node_reply(ic->sn, txn, status, reason, tag);
}

static void bad_request(Icscf *ic, SipTxn *txn, const char *method, const char *why)
{
    ic->stats.bad_requests++;
    SimAttr attrs[] = {SIM_ATTR_S("method", method), SIM_ATTR_S("reason", why)};
    sim_node_event(ic->node, "bad-request", attrs, G_N_ELEMENTS(attrs));
    g_autofree char *tag = sip_node_tag(ic->sn);
    sip_node_reply(ic->sn, txn, 400, "Bad Request", tag);
}

/* ---- forwarding ------------------------------------------------------------------------------ */

static void forward(IcPending *q, const char *scscf)
{
    Icscf *ic = q->ic;
    GError *err = NULL;
    osip_message_t *fwd = sip_message_clone(sip_txn_request(q->server));
    g_autofree char *branch = sip_node_branch(ic->sn);
    SipPeer peer;
    if (fwd)
        cscf_pop_own_route(fwd, ic->node); /* loose routing: a Route to us was for us (RFC 3261 §16.4) */
    if (!fwd || !cscf_forward_prepare(fwd, ic->host, branch, q->is_register ? NULL : scscf, &err) ||
        !cscf_peer_for_uri(ic->node->world, scscf, &peer)) {
        sip_message_free(fwd);
        reject(ic, q->server, 500, "Server Internal Error", q->method, err ? err->message : "S-CSCF does not resolve");
        g_clear_error(&err);
        pending_done(q);
        return;
    }
    SipTxn *t = sip_node_send_request(ic->sn, fwd, &peer, &err);
    if (!t) {
        reject(ic, q->server, 503, "Service Unavailable", q->method, err ? err->message : "send failed");
        g_clear_error(&err);
        pending_done(q);
        return;
    }
    ic->stats.forwarded++;
    q->client = t;
    sip_txn_set_user_data(t, q);
    SimAttr attrs[] = {SIM_ATTR_S("method", q->method), SIM_ATTR_S("impu", q->impu), SIM_ATTR_S("scscf", scscf)};
    sim_node_event(ic->node, "icscf-forward", attrs, G_N_ELEMENTS(attrs));
}

static void on_response(SipNode *sn, SipTxn *txn, const osip_message_t *resp, void *user)
{
    Icscf *ic = user;
    (void)sn;
    IcPending *q = sip_txn_get_user_data(txn);
    if (!q || resp->status_code == 100) /* §16.7 step 5: 100 is not forwarded */
        return;
    osip_message_t *r = sip_message_clone(resp);
    if (!r)
        return;
    cscf_pop_via(r); /* §16.7 step 3: our own Via */
    GError *err = NULL;
    if (!sip_node_respond(ic->sn, q->server, r, &err)) {
        g_debug("%s: response not relayed: %s", ic->node->name, err ? err->message : "?");
        g_clear_error(&err);
    }
    if (resp->status_code >= 200)
        pending_done(q);
}

static void on_failure(SipNode *sn, SipTxn *txn, const char *why, void *user)
{
    Icscf *ic = user;
    (void)sn;
    IcPending *q = sip_txn_get_user_data(txn);
    if (!q || q->client != txn)
        return;
    q->client = NULL;
    gboolean timeout = !g_str_equal(why, "transport-error");
    reject(ic, q->server, timeout ? 408 : 503, timeout ? "Request Timeout" : "Service Unavailable", q->method, why);
    pending_done(q);
}

/* ---- Cx -------------------------------------------------------------------------------------- */

static gboolean send_cx(IcPending *q, GBytes *msg, GError *err)
{
    Icscf *ic = q->ic;
    if (!msg || !diameter_node_send(ic->dn, msg, q, &err)) { /* a send failure runs no callback */
        reject(ic, q->server, 500, "Server Internal Error", q->method, err ? err->message : "Cx request not built");
        g_clear_error(&err);
        pending_done(q);
        return FALSE;
    }
    return TRUE;
}

static void uar_answer(IcPending *q, const DiameterMsg *msg)
{
    Icscf *ic = q->ic;
    CxUaa a;
    GError *err = NULL;
    if (!msg || !cx_uaa_parse(msg, &a, &err)) { /* TS 24.229 §5.3.1.2: the HSS cannot be asked */
        reject(ic, q->server, 480, "Temporarily Unavailable", q->method, err ? err->message : "no UAA");
        g_clear_error(&err);
        pending_done(q);
        return;
    }
    if (cx_result_is_success(&a.result) && a.server_name) {
        forward(q, a.server_name);
    } else {
        /* §5.3.1.2: the user may not register (unknown, mismatched, barred, roaming): 403; else 480 */
        uint32_t c = a.result.code;
        gboolean exp = a.result.vendor == DIAMETER_VENDOR_3GPP;
        gboolean forbidden = (exp && (c == DIAMETER_ERROR_USER_UNKNOWN || c == DIAMETER_ERROR_IDENTITIES_DONT_MATCH ||
                                      c == DIAMETER_ERROR_ROAMING_NOT_ALLOWED ||
                                      c == DIAMETER_ERROR_IDENTITY_NOT_REGISTERED)) ||
                             (!exp && c == DIAMETER_AUTHORIZATION_REJECTED);
        g_autofree char *why = cscf_result_text(&a.result);
        if (forbidden)
            reject(ic, q->server, 403, "Forbidden", q->method, why);
        else
            reject(ic, q->server, 480, "Temporarily Unavailable", q->method, why);
        pending_done(q);
    }
    cx_uaa_clear(&a);
}

static void lir_answer(IcPending *q, const DiameterMsg *msg)
{
    Icscf *ic = q->ic;
    CxLia a;
    GError *err = NULL;
    if (!msg || !cx_lia_parse(msg, &a, &err)) {
        reject(ic, q->server, 480, "Temporarily Unavailable", q->method, err ? err->message : "no LIA");
        g_clear_error(&err);
        pending_done(q);
        return;
    }
    if (cx_result_is_success(&a.result) && a.server_name) {
        forward(q, a.server_name);
    } else {
        g_autofree char *why = cscf_result_text(&a.result);
        if (a.result.vendor == DIAMETER_VENDOR_3GPP && a.result.code == DIAMETER_ERROR_USER_UNKNOWN)
            reject(ic, q->server, 404, "Not Found", q->method, why); /* §5.3.2.1 */
        else
            reject(ic, q->server, 480, "Temporarily Unavailable", q->method, why);
        pending_done(q);
    }
    cx_lia_clear(&a);
}

static void on_cx_answer(DiameterNode *dn, const DiameterMsg *msg, void *req_user, void *user)
{
    Icscf *ic = user;
    IcPending *q = req_user;
    (void)dn;
    if (!g_hash_table_contains(ic->pending, q))
        return;
    if (q->is_register)
        uar_answer(q, msg);
    else
        lir_answer(q, msg);
}

static void on_cx_request(DiameterNode *dn, DiameterPeer *peer, const DiameterMsg *msg, void *user)
{
    (void)dn, (void)peer, (void)msg, (void)user; /* the HSS sends nothing to an I-CSCF over Cx */
}

/* ---- requests -------------------------------------------------------------------------------- */

static void query_register(Icscf *ic, IcPending *q, const osip_message_t *req)
{
    CxUar u = {0};
    u.user_name = cscf_request_impi(req, q->impu);
    if (!u.user_name) {
        bad_request(ic, q->server, q->method, "no private identity");
        pending_done(q);
        return;
    }
    const char *pvni = sip_message_get_header(req, "P-Visited-Network-ID", 0);
    if (pvni) {
        g_autofree char *v = g_strstrip(g_strdup(pvni));
        size_t n = strlen(v);
        if (n >= 2 && v[0] == '"' && v[n - 1] == '"') /* RFC 7315 §4.3: token or quoted-string */
            u.visited_network_id = g_strndup(v + 1, n - 2);
        else
            u.visited_network_id = g_strdup(v);
    } else {
        u.visited_network_id = g_strdup(ic->node->domain && *ic->node->domain ? ic->node->domain : ic->host);
    }
    u.public_identity = g_strdup(q->impu);
    /* TS 29.228 §6.1.1: DE_REGISTRATION when the REGISTER asks for expiry 0 */
    gint64 exp = cscf_request_expires(req);
    osip_contact_t *c = osip_list_get(&req->contacts, 0);
    osip_generic_param_t *ce = NULL;
    if (c)
        osip_contact_param_get_byname(c, "expires", &ce);
    if ((ce && ce->gvalue && g_str_equal(ce->gvalue, "0")) || (!ce && exp == 0))
        u.user_authorization_type = CX_UAT_DE_REGISTRATION;
    cscf_cx_request_common(ic->dn, ic->hss, &u.common);
    ic->stats.uar++;
    GError *err = NULL;
    GBytes *b = cx_uar_build(&u, &err);
    cx_uar_clear(&u);
    send_cx(q, b, err);
}

static void query_location(Icscf *ic, IcPending *q)
{
    CxLir l = {0};
    l.public_identity = g_strdup(q->impu);
    cscf_cx_request_common(ic->dn, ic->hss, &l.common);
    ic->stats.lir++;
    GError *err = NULL;
    GBytes *b = cx_lir_build(&l, &err);
    cx_lir_clear(&l);
    send_cx(q, b, err);
}

static void on_request(SipNode *sn, SipTxn *txn, const osip_message_t *req, const SipPeer *from, void *user)
{
    Icscf *ic = user;
    (void)sn, (void)from;
    if (!txn) /* the ACK of a 2xx: no INVITE dialogs pass here */
        return;
    const char *method = req->sip_method;
    if (g_str_equal(method, "ACK"))
        return;
    if (g_str_equal(method, "CANCEL")) { /* RFC 3261 §9.2: nothing to cancel, no INVITE here */
        g_autofree char *tag = sip_node_tag(ic->sn);
        sip_node_reply(ic->sn, txn, 481, "Call/Transaction Does Not Exist", tag);
        return;
    }
    int mf = cscf_max_forwards_check(req);
    if (mf == 400) {
        bad_request(ic, txn, method, "malformed Max-Forwards");
        return;
    }
    if (mf) {
        reject(ic, txn, mf, "Too Many Hops", method, "Max-Forwards 0");
        return;
    }
    gboolean is_register = g_str_equal(method, "REGISTER");
    /* REGISTER: the identity registering (To, TS 24.229 §5.3.1.2); otherwise the target (§5.3.2.1) */
    char *impu = is_register ? cscf_uri_aor(req->to ? req->to->url : NULL) : cscf_uri_aor(req->req_uri);
    if (!impu) {
        bad_request(ic, txn, method, is_register ? "no public identity in To" : "Request-URI without identity");
        return;
    }
    IcPending *q = g_new0(IcPending, 1);
    q->ic = ic;
    q->server = txn;
    q->is_register = is_register;
    q->method = g_strdup(method);
    q->impu = impu;
    g_hash_table_add(ic->pending, q);
    if (is_register)
        query_register(ic, q, req);
    else
        query_location(ic, q);
}

/* ---- the kind -------------------------------------------------------------------------------- */

static void icscf_free(void *p)
{
    Icscf *ic = p;
    diameter_node_free(ic->dn); /* runs no callback */
    g_hash_table_destroy(ic->pending);
    sip_node_free(ic->sn);
    g_free(ic->host);
    g_free(ic);
}

static gboolean icscf_create(SimNode *node, const SimConfig *cfg, GError **error)
{
    SimNode *hss = cscf_node_of_kind(node->world, sim_config_string(cfg, "hss"), "hss", error);
    if (!hss)
        return FALSE;
    Icscf *ic = g_new0(Icscf, 1);
    ic->node = node;
    ic->hss = hss;
    ic->host = ims_host_name(node);
    ic->pending = g_hash_table_new_full(g_direct_hash, g_direct_equal, pending_free, NULL);
    node->impl = ic;
    node->impl_free = icscf_free;
    const SipNodeHandlers sh = {.request = on_request, .response = on_response, .failure = on_failure};
    ic->sn = sip_node_new(node, &sh, ic);
    const DiameterPeerApp app = {DIAMETER_VENDOR_3GPP, IMS_CX_APP_ID};
    const DiameterNodeHandlers dh = {.request = on_cx_request, .answer = on_cx_answer};
    ic->dn = diameter_node_new(node, ic->host, node->domain && *node->domain ? node->domain : ic->host, &app, &dh, ic);
    return sip_node_listen(ic->sn, IMS_SIP_PORT, error);
}

static void icscf_start(SimNode *node)
{
    Icscf *ic = node->impl;
    SimAddr a;
    if (ims_node_address(ic->hss, &a))
        diameter_node_connect(ic->dn, &a, DIAMETER_PORT);
}

static void icscf_report(SimNode *node, SimReport *r)
{
    Icscf *ic = node->impl;
    sim_report_begin(r, "nodes");
    sim_report_begin(r, node->name);
    sim_report_string(r, "kind", "icscf");
    sim_report_uint(r, "uar", ic->stats.uar);
    sim_report_uint(r, "lir", ic->stats.lir);
    sim_report_uint(r, "forwarded", ic->stats.forwarded);
    sim_report_uint(r, "rejected", ic->stats.rejected);
    sim_report_uint(r, "bad_requests", ic->stats.bad_requests);
    sim_report_end(r);
    sim_report_end(r);
}

const SimNodeKind sim_node_kind_icscf = {
    .name = "icscf",
    .summary = "interrogating CSCF: asks the HSS (UAR, LIR) and forwards to the serving S-CSCF",
    .keys = icscf_keys,
    .forwarding = FALSE,
    .create = icscf_create,
    .start = icscf_start,
    .report = icscf_report,
};
