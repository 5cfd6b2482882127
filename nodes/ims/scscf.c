/* scscf.c: the S-CSCF kind: keys, life, SIP dispatch, the Cx client, the network-deregister action.
 * REGISTER handling is in scscf-reg.c, the reg event package in scscf-regevent.c.
 *
 * Ownership. Every Cx request in flight is a ScscfOp in `ops` (its req_user): an answer for an op no
 * longer there is ignored, and ops still open at the end of the run are freed with the node. Server
 * transactions held by ops stay valid until answered (a non-INVITE server transaction has no timer
 * before its final response, RFC 3261 §17.2.2). NOTIFY client transactions carry the subscription
 * id, not a pointer, so a subscription may end while its NOTIFY is out.
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/ims/scscf-private.h"
#include <openssl/crypto.h>
#include <string.h>

static const char *const alg_choices[] = {"AKAv1-MD5", "AKAv2-MD5", NULL};

static const SimKeySpec scscf_keys[] = {
    {"hss", SIM_KEY_NAME, NULL, "the HSS node the S-CSCF asks (MAR, SAR)", NULL, 0, 0, "node"},
    {"reg-expires", SIM_KEY_TIME, "600s", "longest registration granted (shorter requests are kept)", NULL, 0, 0,
     NULL},
    {"auth-algorithm", SIM_KEY_ENUM, "AKAv1-MD5", "Digest AKA version of the challenges (RFC 3310, RFC 4169)",
     alg_choices, 0, 0, NULL},
    {"ps", SIM_KEY_LIST, "", "the Presence Server its presence requests go to (stands for the iFC of TS 23.218); empty: none",
     NULL, 0, 0, "node"},
    SIM_KEY_END,
};

/* ---- helpers for the other files --------------------------------------------------------------- */

void scscf_reply(Scscf *s, SipTxn *txn, int status, const char *reason)
{
    g_autofree char *tag = sip_node_tag(s->sn);
    sip_node_reply(s->sn, txn, status, reason, tag);
}

void scscf_bad_request(Scscf *s, SipTxn *txn, const char *method, const char *why)
{
    s->stats.bad_requests++;
    SimAttr attrs[] = {SIM_ATTR_S("method", method), SIM_ATTR_S("reason", why)};
    sim_node_event(s->node, "bad-request", attrs, G_N_ELEMENTS(attrs));
    scscf_reply(s, txn, 400, "Bad Request");
}

ScscfReg *scscf_reg_find(Scscf *s, const char *impu)
{
    return impu ? g_hash_table_lookup(s->by_impu, impu) : NULL;
}

static void binding_free(gpointer p)
{
    ScscfBinding *b = p;
    sim_engine_cancel(b->reg->s->node->world->engine, b->timer);
    g_free(b->uri);
    g_free(b);
}

static void reg_destroy(ScscfReg *reg)
{
    g_ptr_array_free(reg->bindings, TRUE);
    g_ptr_array_free(reg->set, TRUE);
    g_ptr_array_free(reg->barred, TRUE);
    g_ptr_array_free(reg->path, TRUE);
    g_ptr_array_free(reg->subs, TRUE);
    g_free(reg->impi);
    g_free(reg->impu);
    g_free(reg->integrity);
    g_free(reg->confidentiality);
    g_free(reg);
}

void scscf_reg_free(ScscfReg *reg)
{
    Scscf *s = reg->s;
    for (guint i = 0; i < reg->set->len; i++)
        if (g_hash_table_lookup(s->by_impu, reg->set->pdata[i]) == reg)
            g_hash_table_remove(s->by_impu, reg->set->pdata[i]);
    g_ptr_array_remove(s->regs, reg); /* frees it: reg_free_owned() */
}

static void reg_free_owned(gpointer p)
{
    ScscfReg *reg = p;
    for (guint i = 0; i < reg->subs->len; i++)
        ((ScscfSub *)reg->subs->pdata[i])->reg = NULL;
    reg_destroy(reg);
}

GPtrArray *scscf_bindings_new(void)
{
    return g_ptr_array_new_with_free_func(binding_free);
}

void scscf_register_free(ScscfRegister *rr)
{
    if (!rr)
        return;
    g_free(rr->impi);
    g_free(rr->impu);
    for (guint i = 0; rr->contacts && i < rr->contacts->len; i++) {
        ScscfContactReq *c = rr->contacts->pdata[i];
        g_free(c->uri);
        g_free(c);
    }
    if (rr->contacts)
        g_ptr_array_free(rr->contacts, TRUE);
    if (rr->path)
        g_ptr_array_free(rr->path, TRUE);
    g_free(rr->integrity);
    g_free(rr->confidentiality);
    g_free(rr);
}

void scscf_challenge_free(gpointer p)
{
    ScscfChallenge *c = p;
    g_free(c->impi);
    g_free(c->nonce);
    OPENSSL_cleanse(c, sizeof *c); /* XRES, CK, IK */
    g_free(c);
}

/* ---- Cx client --------------------------------------------------------------------------------- */

static void op_free(gpointer p)
{
    ScscfOp *op = p;
    scscf_register_free(op->rr);
    g_free(op);
}

ScscfOp *scscf_op_new(Scscf *s, ScscfOpKind kind, SipTxn *txn, ScscfRegister *rr)
{
    ScscfOp *op = g_new0(ScscfOp, 1);
    op->s = s;
    op->kind = kind;
    op->txn = txn;
    op->rr = rr;
    g_hash_table_add(s->ops, op);
    return op;
}

void scscf_op_done(ScscfOp *op)
{
    g_hash_table_remove(op->s->ops, op);
}

void scscf_cx_send(Scscf *s, ScscfOp *op, GBytes *msg, GError *err)
{
    if (msg && diameter_node_send(s->dn, msg, op, &err)) /* the answer may already have run: OP is gone */
        return;
    s->stats.cx_failures++;
    g_debug("%s: Cx request not sent: %s", s->node->name, err ? err->message : "not built");
    g_clear_error(&err);
    if (op->txn)
        scscf_reply(s, op->txn, 500, "Server Internal Error");
    scscf_op_done(op);
}

static void on_cx_answer(DiameterNode *dn, const DiameterMsg *msg, void *req_user, void *user)
{
    Scscf *s = user;
    ScscfOp *op = req_user;
    (void)dn;
    if (!g_hash_table_contains(s->ops, op))
        return;
    if (op->kind == SCSCF_OP_MAR)
        scscf_reg_mar_answer(op, msg);
    else
        scscf_reg_sar_answer(op, msg);
}

static void on_cx_request(DiameterNode *dn, DiameterPeer *peer, const DiameterMsg *msg, void *user)
{
    (void)dn, (void)peer, (void)msg, (void)user; /* RTR / PPR from the HSS: not modelled */
}

/* ---- SIP dispatch ------------------------------------------------------------------------------ */

/* A SUBSCRIBE for the reg event (RFC 3680), or one without a usable Event (answered 489 there). */
static gboolean is_reg_event(const osip_message_t *req)
{
    const char *text = sip_message_get_header(req, "Event", 0);
    GError *err = NULL;
    SipEvent *ev = text ? sip_event_parse(text, &err) : NULL;
    g_clear_error(&err);
    gboolean reg = !ev || g_str_equal(ev->type, "reg");
    if (ev)
        sip_event_free(ev);
    return reg;
}

static void on_request(SipNode *sn, SipTxn *txn, const osip_message_t *req, const SipPeer *from, void *user)
{
    Scscf *s = user;
    (void)sn, (void)from;
    if (!txn || g_str_equal(req->sip_method, "ACK"))
        return;
    if (g_str_equal(req->sip_method, "REGISTER"))
        scscf_reg_request(s, txn, req);
    else if (g_str_equal(req->sip_method, "SUBSCRIBE") && is_reg_event(req))
        scscf_regevent_subscribe(s, txn, req);
    else if (g_str_equal(req->sip_method, "CANCEL"))
        scscf_reply(s, txn, 481, "Call/Transaction Does Not Exist");
    else
        scscf_route_request(s, txn, req);
}

static void on_response(SipNode *sn, SipTxn *txn, const osip_message_t *resp, void *user)
{
    (void)sn;
    if (scscf_route_response(user, txn, resp))
        return;
    if (resp->status_code >= 200)
        scscf_regevent_notify_result(user, txn, resp->status_code);
}

static void on_failure(SipNode *sn, SipTxn *txn, const char *why, void *user)
{
    (void)sn, (void)why;
    if (scscf_route_failure(user, txn))
        return;
    scscf_regevent_notify_result(user, txn, 0);
}

/* ---- the network-deregister action ------------------------------------------------------------- */

static const SimKeySpec netdereg_keys[] = {
    {"impu", SIM_KEY_STRING, NULL, "a public identity of the registration set to de-register", NULL, 0, 0, NULL},
    SIM_KEY_END,
};

static const char *const netdereg_kinds[] = {"scscf", NULL};

static void netdereg_run(SimNode *node, const char *name, const SimConfig *args)
{
    Scscf *s = node->impl;
    const char *impu = sim_config_string(args, "impu");
    (void)name;
    g_autofree char *aor = cscf_text_aor(impu);
    if (!scscf_reg_network_deregister(s, aor ? aor : impu)) {
        SimAttr attrs[] = {SIM_ATTR_S("impu", impu), SIM_ATTR_S("reason", "not registered")};
        sim_node_event(node, "network-deregister-ignored", attrs, G_N_ELEMENTS(attrs));
    }
}

const SimActionKind sim_action_network_deregister = {
    .name = "network-deregister",
    .summary = "the S-CSCF de-registers a public identity's registration set (TS 24.229 §5.4.1.5)",
    .keys = netdereg_keys,
    .node_kinds = netdereg_kinds,
    .run = netdereg_run,
};

/* ---- the kind ---------------------------------------------------------------------------------- */

static void scscf_free(void *p)
{
    Scscf *s = p;
    diameter_node_free(s->dn); /* runs no callback */
    g_hash_table_destroy(s->ops);
    g_hash_table_destroy(s->fwds);
    g_hash_table_destroy(s->subs); /* cancels their timers */
    g_hash_table_destroy(s->by_impu);
    g_ptr_array_free(s->regs, TRUE);
    g_hash_table_destroy(s->challenges);
    sip_node_free(s->sn);
    g_free(s->host);
    g_free(s->uri);
    g_free(s->realm);
    g_free(s->service_route);
    g_free(s);
}

static gboolean scscf_create(SimNode *node, const SimConfig *cfg, GError **error)
{
    SimNode *hss = cscf_node_of_kind(node->world, sim_config_string(cfg, "hss"), "hss", error);
    if (!hss)
        return FALSE;
    SimTime exp = sim_config_time(cfg, "reg-expires");
    if (exp < SIM_S) {
        g_set_error(error, SIM_PARSE_ERROR, 0, "reg-expires: at least 1s");
        return FALSE;
    }
    g_auto(GStrv) ps = sim_config_list(cfg, "ps");
    SimNode *ps_node = NULL;
    if (ps[0] && ps[1]) {
        g_set_error(error, SIM_PARSE_ERROR, 0, "ps: at most one Presence Server");
        return FALSE;
    }
    if (ps[0] && !(ps_node = cscf_node_of_kind(node->world, ps[0], "ps", error)))
        return FALSE;
    Scscf *s = g_new0(Scscf, 1);
    s->node = node;
    s->hss = hss;
    s->host = ims_host_name(node);
    s->uri = ims_sip_uri(node);
    s->realm = g_strdup(node->domain && *node->domain ? node->domain : s->host);
    s->service_route = g_strdup_printf("<sip:orig@%s:%d;lr>", s->host, IMS_SIP_PORT);
    s->reg_expires = exp / SIM_S;
    s->alg = g_str_equal(sim_config_string(cfg, "auth-algorithm"), "AKAv2-MD5") ? DIGEST_ALG_AKAV2_MD5
                                                                                 : DIGEST_ALG_AKAV1_MD5;
    s->challenges = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, scscf_challenge_free);
    s->regs = g_ptr_array_new_with_free_func(reg_free_owned);
    s->by_impu = g_hash_table_new(g_str_hash, g_str_equal);
    s->subs = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, scscf_sub_free);
    s->ops = g_hash_table_new_full(g_direct_hash, g_direct_equal, op_free, NULL);
    s->fwds = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, scscf_fwd_free);
    s->ps = ps_node;
    node->impl = s;
    node->impl_free = scscf_free;
    const SipNodeHandlers sh = {.request = on_request, .response = on_response, .failure = on_failure};
    s->sn = sip_node_new(node, &sh, s);
    const DiameterPeerApp app = {DIAMETER_VENDOR_3GPP, IMS_CX_APP_ID};
    const DiameterNodeHandlers dh = {.request = on_cx_request, .answer = on_cx_answer};
    s->dn = diameter_node_new(node, s->host, s->realm, &app, &dh, s);
    return sip_node_listen(s->sn, IMS_SIP_PORT, error);
}

static void scscf_start(SimNode *node)
{
    Scscf *s = node->impl;
    SimAddr a;
    if (ims_node_address(s->hss, &a))
        diameter_node_connect(s->dn, &a, DIAMETER_PORT);
}

static void scscf_report(SimNode *node, SimReport *r)
{
    Scscf *s = node->impl;
    const ScscfStats *st = &s->stats;
    sim_report_begin(r, "nodes");
    sim_report_begin(r, node->name);
    sim_report_string(r, "kind", "scscf");
    sim_report_uint(r, "registrations", st->registrations);
    sim_report_uint(r, "reregistrations", st->reregistrations);
    sim_report_uint(r, "deregistrations", st->deregistrations);
    sim_report_uint(r, "expirations", st->expirations);
    sim_report_uint(r, "network_deregistrations", st->network_deregistrations);
    sim_report_uint(r, "challenges", st->challenges);
    sim_report_uint(r, "resyncs", st->resyncs);
    sim_report_uint(r, "auth_failures", st->auth_failures);
    sim_report_uint(r, "cx_failures", st->cx_failures);
    sim_report_uint(r, "subscriptions", st->subscriptions);
    sim_report_uint(r, "notifies", st->notifies);
    sim_report_uint(r, "bad_requests", st->bad_requests);
    sim_report_uint(r, "originating", st->originating);
    sim_report_uint(r, "terminating", st->terminating);
    sim_report_uint(r, "forwarded", st->forwarded);
    sim_report_uint(r, "registered_sets", s->regs->len);
    sim_report_uint(r, "active_subscriptions", g_hash_table_size(s->subs));
    sim_report_end(r);
    sim_report_end(r);
}

const SimNodeKind sim_node_kind_scscf = {
    .name = "scscf",
    .summary = "serving CSCF: registrar with IMS AKA through the HSS, reg event notifier, proxy to the Presence Server",
    .keys = scscf_keys,
    .forwarding = FALSE,
    .create = scscf_create,
    .start = scscf_start,
    .report = scscf_report,
};
