/* ap-forward.c: the identity check and the hop to the PS of the Authentication Proxy (ap.h).
 *
 * TS 33.222 §6.3 (seed 000 §8.2.1): the AP checks that the identity a request claims belongs to the
 * authenticated user (the IMPUs of the GUSS the BSF sent), and sends the PS only the asserted
 * public identity, never the IMPI or the B-TID. Every request goes over one persistent plain HTTP
 * connection (opened on first use, again after it closed); the PS answers in order, and each
 * answer finds its UE request through the ApPsPending sent with it, even when the UE connection
 * has closed meanwhile (the answer is then dropped).
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/ap/ap-private.h"
#include "nodes/ims/ims-common.h"
#include <string.h>

void ap_ps_pending_free(gpointer p)
{
    ApPsPending *q = p;
    ap_conn_unref(q->c);
    g_free(q->asserted);
    g_free(q);
}

static void identity_event(Ap *ap, const char *claimed, const char *outcome)
{
    SimAttr attrs[] = {SIM_ATTR_S("claimed", claimed ? claimed : ""), SIM_ATTR_S("outcome", outcome)};
    sim_node_event(ap->node, "ua-identity", attrs, G_N_ELEMENTS(attrs));
}

static void forward_event(Ap *ap, const HttpMessage *req, const char *asserted, guint status)
{
    SimAttr attrs[] = {SIM_ATTR_S("method", http_message_method(req)), SIM_ATTR_S("target", http_message_target(req)),
                       SIM_ATTR_S("asserted", asserted), SIM_ATTR_I("status", status)};
    sim_node_event(ap->node, "ut-forward", attrs, G_N_ELEMENTS(attrs));
}

static void answer(Ap *ap, ApSlot *s, guint status, const char *why)
{
    g_debug("%s: %u to %s %s: %s", ap->node->name, status, http_message_method(s->req), http_message_target(s->req),
            why);
    if (status == 400)
        ap->stats.bad_requests++;
    else if (status == 403)
        ap->stats.forbidden++;
    ap_ua_slot_done(s, ap_local_response(status, NULL));
}

/* Sends FWD on the PS connection, opening it first if needed; once more on a fresh connection if
 * the old one refused (it closed under us). */
static gboolean ps_send(Ap *ap, const HttpMessage *fwd, ApPsPending *p, GError **error)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        if (!ap->ps_conn) {
            SimAddr a;
            if (!ims_node_address_toward(ap->ps, ap->node, &a)) {
                g_set_error(error, HTTP_ERROR, HTTP_ERROR_INVALID, "the PS has no address");
                return FALSE;
            }
            ap->ps_conn = http_node_connect(ap->hn, &a, ap->ps_port, NULL, error);
            if (!ap->ps_conn)
                return FALSE;
        }
        g_clear_error(error);
        if (http_conn_request(ap->ps_conn, fwd, p, error))
            return TRUE;
        HttpConn *old = ap->ps_conn;
        ap->ps_conn = NULL;
        http_conn_close(old);
    }
    return FALSE;
}

void ap_forward_slot(Ap *ap, ApSlot *s, const ApKey *key)
{
    char *claimed = NULL;
    ApClaimSource src = AP_CLAIM_NONE;
    GError *err = NULL;
    if (!ap_claimed_identity(s->req, ap->xcap_root, key->guss, &claimed, &src, &err)) {
        answer(ap, s, 400, err->message);
        g_error_free(err);
        return;
    }
    if (!ap_identity_allowed(key->guss, claimed)) { /* TS 33.222 §6.3: not one of the user's IMPUs */
        identity_event(ap, claimed, "forbidden");
        answer(ap, s, 403, claimed ? "claimed identity not in the GUSS" : "no identity to assert");
        g_free(claimed);
        return;
    }
    identity_event(ap, claimed, "ok");
    ap->stats.identity_ok++;
    HttpMessage *fwd = ap_forward_request(s->req, ap->ps_host, claimed);
    if (!fwd) {
        answer(ap, s, 400, "identity cannot be asserted in a header field");
        g_free(claimed);
        return;
    }
    ApPsPending *p = g_new0(ApPsPending, 1);
    p->c = ap_conn_ref(s->c);
    p->slot = s;
    p->asserted = claimed;
    s->state = AP_SLOT_WAIT_PS;
    g_hash_table_add(ap->ps_live, p);
    if (!ps_send(ap, fwd, p, &err)) { /* no callback will come */
        g_debug("%s: not forwarded: %s", ap->node->name, err ? err->message : "?");
        g_clear_error(&err);
        g_hash_table_steal(ap->ps_live, p);
        ap->stats.ps_failures++;
        forward_event(ap, s->req, p->asserted, 0);
        s->state = AP_SLOT_NEW; /* ap_ua_slot_done moves it to DONE */
        ap_ua_slot_done(s, ap_local_response(502, NULL));
        ap_ps_pending_free(p);
    } else {
        ap->stats.forwarded++;
    }
    http_message_free(fwd);
}

void ap_forward_response_cb(HttpNode *hn, HttpConn *conn, const HttpMessage *msg, void *req_user, const char *why,
                            void *user)
{
    Ap *ap = user;
    ApPsPending *p = req_user;
    (void)hn, (void)conn;
    if (ap->freeing || !g_hash_table_steal(ap->ps_live, p))
        return;
    ApSlot *s = p->slot;
    guint status = msg ? http_message_status(msg) : 0;
    forward_event(ap, s->req, p->asserted, status);
    HttpMessage *resp;
    if (msg) {
        ap->stats.ps_responses++;
        if (status < G_N_ELEMENTS(ap->stats.ps_status))
            ap->stats.ps_status[status]++;
        resp = ap_forward_response(msg);
    } else {
        g_debug("%s: no answer from the PS: %s", ap->node->name, why ? why : "?");
        ap->stats.ps_failures++;
        resp = ap_local_response(502, NULL); /* RFC 9110 §15.6.3 */
    }
    ap_ua_slot_done(s, resp); /* may free S */
    ap_ps_pending_free(p);
}

gboolean ap_forward_conn_closed(Ap *ap, HttpConn *conn)
{
    if (!conn || conn != ap->ps_conn)
        return FALSE;
    ap->ps_conn = NULL; /* the next request opens a new one */
    return TRUE;
}
