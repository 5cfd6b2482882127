/* sip-transaction.c: the RFC 3261 §17 transaction layer (see sip-transaction.h).
 *
 * DESIGN NOTES
 *
 * Four state machines (RFC 3261 figures 5-8) and the function that makes each transition. "U" is an
 * unreliable transport (UDP), "R" a reliable one; a zero timer means "terminate at once".
 *
 * Client INVITE (ICT, §17.1.1):
 *   (start) -> CALLING ........ ict_start(): send INVITE; A = T1 (U only), B = 64*T1
 *   CALLING: A fires .......... ict_timer(): resend, A doubles (no cap)
 *   CALLING: B fires .......... ict_timer(): TU timeout(B) -> TERMINATED
 *   CALLING -> PROCEEDING ..... ict_response(): 1xx to TU; A and B stop
 *   CALLING/PROCEEDING -> TERMINATED ... ict_response(): 2xx to TU (the TU/dialog sends the ACK)
 *   CALLING/PROCEEDING -> COMPLETED .... ict_response(): 300-699: send ACK (ict_build_ack()), to TU;
 *                                        D = 32 s (U) / 0 (R)
 *   COMPLETED: 300-699 again .. ict_response(): resend the ACK, absorbed
 *   COMPLETED -> TERMINATED ... ict_timer(): D fires
 *
 * Client non-INVITE (NICT, §17.1.2):
 *   (start) -> TRYING ......... nict_start(): send; E = T1 (U only), F = 64*T1
 *   TRYING: E fires ........... nict_timer(): resend, E = min(2E, T2)
 *   PROCEEDING: E fires ....... nict_timer(): resend, E = T2
 *   TRYING -> PROCEEDING ...... nict_response(): 1xx to TU
 *   TRYING/PROCEEDING -> COMPLETED ..... nict_response(): 200-699 to TU; E, F stop; K = T4 (U) / 0 (R)
 *   TRYING/PROCEEDING: F fires  nict_timer(): TU timeout(F) -> TERMINATED
 *   COMPLETED: any response ... nict_response(): absorbed
 *   COMPLETED -> TERMINATED ... nict_timer(): K fires
 *
 * Server INVITE (IST, §17.2.1):
 *   (start) -> PROCEEDING ..... layer_request(): INVITE matched nothing; TU request()
 *   PROCEEDING: INVITE again .. ist_request(): resend the last provisional (if any), absorbed
 *   PROCEEDING: TU 1xx ........ ist_respond(): send
 *   PROCEEDING -> TERMINATED .. ist_respond(): TU 2xx: send (later 2xx retransmission is the TU's job)
 *   PROCEEDING -> COMPLETED ... ist_respond(): TU 300-699: send; G = T1 (U only), H = 64*T1
 *   COMPLETED: G fires ........ ist_timer(): resend the response, G = min(2G, T2)
 *   COMPLETED: INVITE again ... ist_request(): resend the response, absorbed
 *   COMPLETED -> CONFIRMED .... ist_request(): ACK; G, H stop; I = T4 (U) / 0 (R); ACK absorbed
 *   COMPLETED: H fires ........ ist_timer(): TU timeout(H) -> TERMINATED
 *   CONFIRMED: ACK again ...... ist_request(): absorbed
 *   CONFIRMED -> TERMINATED ... ist_timer(): I fires
 *
 * Server non-INVITE (NIST, §17.2.2):
 *   (start) -> TRYING ......... layer_request(): request matched nothing; TU request()
 *   TRYING: request again ..... nist_request(): absorbed (nothing to resend yet)
 *   TRYING -> PROCEEDING ...... nist_respond(): TU 1xx: send
 *   TRYING/PROCEEDING -> COMPLETED ..... nist_respond(): TU 200-699: send; J = 64*T1 (U) / 0 (R)
 *   PROCEEDING/COMPLETED: request again  nist_request(): resend the last response, absorbed
 *   COMPLETED -> TERMINATED ... nist_timer(): J fires
 *
 * Any state -> TERMINATED ..... txn_transport_error(): transport->send failed (§17.1.4, §17.2.4)
 * TERMINATED .................. txn_terminate(): timers cancelled, removed from the match table,
 *                               TU terminated(), queued on layer->dead
 *
 * Invariants:
 *  1. A live transaction is in exactly one of layer->clients / layer->servers, under its key;
 *     a terminated one only in layer->dead. Only reap() (when layer->depth returns to 0) and
 *     sip_txn_layer_free() free transactions, so a SipTxn stays valid through every callback.
 *  2. Client key (§17.1.3): top-Via branch "|" CSeq method. Server key (§17.2.3): branch "|" sent-by
 *     "|" method, with ACK counted as INVITE; for a branch without the magic cookie (RFC 2543) the
 *     branch is replaced by Call-ID, CSeq number and From tag (a simplification of §17.2.3's rule).
 *  3. timers[t].handle != 0 exactly while timer t is started; txn_timer_start() cancels a running
 *     one first; txn_terminate() cancels them all, so no timer ever fires for a terminated one.
 *  4. `out` holds the bytes to resend: the request (client), the last response (server); `ack` the
 *     ACK of a non-2xx final (ICT).
 */
#define G_LOG_DOMAIN "presim-sip"
#include "protocols/sip/sip-transaction.h"
#include <string.h>

G_DEFINE_QUARK(presim - sip - txn - error - quark, sip_txn_error)

typedef struct {
    SipTxn *txn;
    SipTimer which;
    guint64 handle; /* 0: not running */
} TxnTimer;

struct SipTxn {
    SipTxnLayer *layer;
    SipTxnKind kind;
    SipTxnState state;
    gchar *key;
    osip_message_t *request;
    SipPeer peer;
    guint8 *out; /* bytes to resend (invariant 4) */
    size_t out_len;
    guint8 *ack; /* ICT only */
    size_t ack_len;
    int last_status;
    gint64 interval; /* current A / E / G interval */
    TxnTimer timers[SIP_TIMER_COUNT];
    gpointer user_data;
};

struct SipTxnLayer {
    SipTransport tp;
    SipTxnUser tu;
    SipTimerValues t;
    GHashTable *clients; /* key -> SipTxn* */
    GHashTable *servers;
    GPtrArray *dead;
    guint depth; /* layer functions on the stack (invariant 1) */
    SipTxnStats stats;
};

/* ---- names ------------------------------------------------------------------------------------ */

const char *sip_txn_kind_name(SipTxnKind kind)
{
    switch (kind) {
    case SIP_TXN_CLIENT_INVITE:
        return "client-invite";
    case SIP_TXN_CLIENT_NON_INVITE:
        return "client-non-invite";
    case SIP_TXN_SERVER_INVITE:
        return "server-invite";
    case SIP_TXN_SERVER_NON_INVITE:
        return "server-non-invite";
    }
    return "unknown";
}

const char *sip_txn_state_name(SipTxnState state)
{
    static const char *const names[] = {
        [SIP_TXN_CALLING] = "Calling",     [SIP_TXN_TRYING] = "Trying",       [SIP_TXN_PROCEEDING] = "Proceeding",
        [SIP_TXN_COMPLETED] = "Completed", [SIP_TXN_CONFIRMED] = "Confirmed", [SIP_TXN_TERMINATED] = "Terminated"};
    if ((size_t)state >= G_N_ELEMENTS(names) || !names[state])
        return "unknown";
    return names[state];
}

const char *sip_timer_name(SipTimer timer)
{
    static const char *const names[SIP_TIMER_COUNT] = {"A", "B", "D", "E", "F", "G", "H", "I", "J", "K"};
    return (unsigned)timer < SIP_TIMER_COUNT ? names[timer] : "?";
}

/* ---- layer entry / exit and reaping (invariant 1) ---------------------------------------------- */

static void txn_free(SipTxn *txn)
{
    sip_message_free(txn->request);
    g_free(txn->key);
    g_free(txn->out);
    g_free(txn->ack);
    g_free(txn);
}

static void layer_enter(SipTxnLayer *layer)
{
    layer->depth++;
}

static void layer_leave(SipTxnLayer *layer)
{
    g_assert(layer->depth > 0);
    if (--layer->depth == 0 && layer->dead->len)
        g_ptr_array_set_size(layer->dead, 0); /* frees through txn_free */
}

/* ---- timers ----------------------------------------------------------------------------------- */

static void txn_timer_fire(gpointer arg);

static void txn_timer_stop(SipTxn *txn, SipTimer which)
{
    TxnTimer *t = &txn->timers[which];
    if (t->handle) {
        txn->layer->tp.timer_cancel(txn->layer->tp.ctx, t->handle);
        t->handle = 0;
    }
}

static void txn_timer_start(SipTxn *txn, SipTimer which, gint64 delay)
{
    txn_timer_stop(txn, which);
    TxnTimer *t = &txn->timers[which];
    t->txn = txn;
    t->which = which;
    t->handle = txn->layer->tp.timer_start(txn->layer->tp.ctx, delay, txn_timer_fire, t);
    g_assert(t->handle != 0);
}

/* ---- common transitions ----------------------------------------------------------------------- */

static void txn_terminate(SipTxn *txn)
{
    SipTxnLayer *layer = txn->layer;
    if (txn->state == SIP_TXN_TERMINATED)
        return;
    txn->state = SIP_TXN_TERMINATED;
    for (int i = 0; i < SIP_TIMER_COUNT; i++)
        txn_timer_stop(txn, (SipTimer)i);
    GHashTable *table = (txn->kind == SIP_TXN_CLIENT_INVITE || txn->kind == SIP_TXN_CLIENT_NON_INVITE) ? layer->clients
                                                                                                       : layer->servers;
    g_hash_table_steal(table, txn->key);
    g_ptr_array_add(layer->dead, txn);
    layer->stats.terminated++;
    if (layer->tu.terminated)
        layer->tu.terminated(layer, txn, layer->tu.user);
}

static void txn_transport_error(SipTxn *txn)
{
    SipTxnLayer *layer = txn->layer;
    layer->stats.transport_errors++;
    if (layer->tu.transport_error)
        layer->tu.transport_error(layer, txn, layer->tu.user);
    txn_terminate(txn);
}

/* Sends DATA to the peer; on failure reports and terminates. FALSE when the transaction died. */
static gboolean txn_send(SipTxn *txn, const guint8 *data, size_t len)
{
    SipTxnLayer *layer = txn->layer;
    if (layer->tp.send(layer->tp.ctx, &txn->peer, data, len))
        return TRUE;
    txn_transport_error(txn);
    return FALSE;
}

/* Timers D, I, J, K: zero over reliable transports (§17.1.1.2, §17.1.2.2, §17.2.1, §17.2.2). */
static void txn_wait_or_terminate(SipTxn *txn, SipTimer which, gint64 delay)
{
    if (txn->peer.reliable)
        txn_terminate(txn);
    else
        txn_timer_start(txn, which, delay);
}

static void txn_timeout(SipTxn *txn, SipTimer which)
{
    SipTxnLayer *layer = txn->layer;
    layer->stats.timeouts++;
    if (layer->tu.timeout)
        layer->tu.timeout(layer, txn, which, layer->tu.user);
    txn_terminate(txn);
}

static void txn_to_tu(SipTxn *txn, const osip_message_t *response)
{
    SipTxnLayer *layer = txn->layer;
    if (layer->tu.response)
        layer->tu.response(layer, txn, response, layer->tu.user);
}

static gboolean txn_resend(SipTxn *txn, const guint8 *data, size_t len)
{
    return data ? txn_send(txn, data, len) : TRUE;
}

/* ---- keys (invariant 2) ----------------------------------------------------------------------- */

static gchar *client_key(const osip_message_t *msg)
{
    const char *branch = sip_message_branch(msg);
    const char *method = sip_message_cseq_method(msg);
    if (!branch || !method)
        return NULL;
    return g_strdup_printf("%s|%s", branch, method);
}

static gchar *server_key(const osip_message_t *req)
{
    const osip_via_t *via = osip_list_get(&req->vias, 0);
    const char *branch = sip_message_branch(req);
    if (!via || !via->host || !req->sip_method)
        return NULL;
    const char *method = strcmp(req->sip_method, "ACK") == 0 ? "INVITE" : req->sip_method;
    gchar *host = g_ascii_strdown(via->host, -1);
    gchar *key;
    if (branch && g_str_has_prefix(branch, SIP_MAGIC_COOKIE)) {
        key = g_strdup_printf("%s|%s:%s|%s", branch, host, via->port ? via->port : "", method);
    } else {
        osip_generic_param_t *tag = NULL;
        if (req->from)
            osip_from_get_tag(req->from, &tag);
        key =
            g_strdup_printf("2543|%s|%s|%s|%s:%s|%s", req->call_id && req->call_id->number ? req->call_id->number : "",
                            req->cseq && req->cseq->number ? req->cseq->number : "",
                            tag && tag->gvalue ? tag->gvalue : "", host, via->port ? via->port : "", method);
    }
    g_free(host);
    return key;
}

/* ---- client INVITE ---------------------------------------------------------------------------- */

/* §17.1.1.3: the ACK of a non-2xx final: Request-URI, Call-ID, From, CSeq number and Route of the
 * request, To of the response, one Via (the request's top one). */
static gboolean ict_build_ack(SipTxn *txn, const osip_message_t *response)
{
    const osip_message_t *req = txn->request;
    osip_message_t *ack = NULL;
    osip_via_t *via = NULL;
    gboolean ok = FALSE;
    if (osip_message_init(&ack) != OSIP_SUCCESS)
        return FALSE;
    osip_message_set_method(ack, osip_strdup("ACK"));
    osip_message_set_version(ack, osip_strdup("SIP/2.0"));
    osip_uri_t *uri = NULL;
    if (osip_uri_clone(req->req_uri, &uri) != OSIP_SUCCESS)
        goto out;
    osip_message_set_uri(ack, uri);
    if (osip_via_clone(osip_list_get(&req->vias, 0), &via) != OSIP_SUCCESS)
        goto out;
    osip_list_add(&ack->vias, via, -1);
    osip_list_iterator_t it;
    for (osip_route_t *r = osip_list_get_first((osip_list_t *)&req->routes, &it); r; r = osip_list_get_next(&it)) {
        osip_route_t *copy = NULL;
        if (osip_from_clone(r, &copy) != OSIP_SUCCESS)
            goto out;
        osip_list_add(&ack->routes, copy, -1);
    }
    if (osip_from_clone(req->from, &ack->from) != OSIP_SUCCESS ||
        osip_to_clone(response->to, &ack->to) != OSIP_SUCCESS ||
        osip_call_id_clone(req->call_id, &ack->call_id) != OSIP_SUCCESS || osip_cseq_init(&ack->cseq) != OSIP_SUCCESS)
        goto out;
    osip_cseq_set_number(ack->cseq, osip_strdup(req->cseq->number));
    osip_cseq_set_method(ack->cseq, osip_strdup("ACK"));
    osip_message_set_header(ack, "Max-Forwards", "70");
    g_free(txn->ack);
    txn->ack = sip_message_to_bytes(ack, &txn->ack_len, NULL);
    ok = txn->ack != NULL;
out:
    osip_message_free(ack);
    return ok;
}

static void ict_start(SipTxn *txn)
{
    SipTxnLayer *layer = txn->layer;
    txn->state = SIP_TXN_CALLING;
    txn->interval = layer->t.t1;
    if (!txn->peer.reliable)
        txn_timer_start(txn, SIP_TIMER_A, txn->interval);
    txn_timer_start(txn, SIP_TIMER_B, 64 * layer->t.t1);
}

static void ict_response(SipTxn *txn, const osip_message_t *rsp)
{
    int code = rsp->status_code;
    switch (txn->state) {
    case SIP_TXN_CALLING:
    case SIP_TXN_PROCEEDING:
        txn->last_status = code;
        if (code < 200) {
            txn->state = SIP_TXN_PROCEEDING;
            txn_timer_stop(txn, SIP_TIMER_A);
            txn_timer_stop(txn, SIP_TIMER_B);
            txn_to_tu(txn, rsp);
        } else if (code < 300) {
            txn_to_tu(txn, rsp);
            txn_terminate(txn);
        } else {
            txn_timer_stop(txn, SIP_TIMER_A);
            txn_timer_stop(txn, SIP_TIMER_B);
            txn->state = SIP_TXN_COMPLETED;
            if (!ict_build_ack(txn, rsp)) {
                g_warning("could not build the ACK for a %d", code);
            } else if (!txn_send(txn, txn->ack, txn->ack_len)) {
                return;
            }
            txn_to_tu(txn, rsp);
            if (txn->state == SIP_TXN_COMPLETED)
                txn_wait_or_terminate(txn, SIP_TIMER_D, txn->layer->t.d);
        }
        break;
    case SIP_TXN_COMPLETED:
        txn->layer->stats.absorbed++;
        if (code >= 300) {
            txn->layer->stats.resent++;
            txn_resend(txn, txn->ack, txn->ack_len);
        }
        break;
    default:
        break;
    }
}

static void ict_timer(SipTxn *txn, SipTimer which)
{
    SipTxnLayer *layer = txn->layer;
    if (which == SIP_TIMER_A && txn->state == SIP_TXN_CALLING) {
        layer->stats.retransmissions++;
        if (txn_send(txn, txn->out, txn->out_len)) {
            txn->interval *= 2;
            txn_timer_start(txn, SIP_TIMER_A, txn->interval);
        }
    } else if (which == SIP_TIMER_B && txn->state == SIP_TXN_CALLING) {
        txn_timeout(txn, SIP_TIMER_B);
    } else if (which == SIP_TIMER_D && txn->state == SIP_TXN_COMPLETED) {
        txn_terminate(txn);
    }
}

/* ---- client non-INVITE ------------------------------------------------------------------------ */

static void nict_start(SipTxn *txn)
{
    SipTxnLayer *layer = txn->layer;
    txn->state = SIP_TXN_TRYING;
    txn->interval = layer->t.t1;
    if (!txn->peer.reliable)
        txn_timer_start(txn, SIP_TIMER_E, txn->interval);
    txn_timer_start(txn, SIP_TIMER_F, 64 * layer->t.t1);
}

static void nict_response(SipTxn *txn, const osip_message_t *rsp)
{
    int code = rsp->status_code;
    switch (txn->state) {
    case SIP_TXN_TRYING:
    case SIP_TXN_PROCEEDING:
        txn->last_status = code;
        if (code < 200) {
            txn->state = SIP_TXN_PROCEEDING;
            txn_to_tu(txn, rsp);
        } else {
            txn_timer_stop(txn, SIP_TIMER_E);
            txn_timer_stop(txn, SIP_TIMER_F);
            txn->state = SIP_TXN_COMPLETED;
            txn_to_tu(txn, rsp);
            if (txn->state == SIP_TXN_COMPLETED)
                txn_wait_or_terminate(txn, SIP_TIMER_K, txn->layer->t.t4);
        }
        break;
    case SIP_TXN_COMPLETED:
        txn->layer->stats.absorbed++;
        break;
    default:
        break;
    }
}

static void nict_timer(SipTxn *txn, SipTimer which)
{
    SipTxnLayer *layer = txn->layer;
    if (which == SIP_TIMER_E && (txn->state == SIP_TXN_TRYING || txn->state == SIP_TXN_PROCEEDING)) {
        layer->stats.retransmissions++;
        if (txn_send(txn, txn->out, txn->out_len)) {
            /* §17.1.2.2: doubling up to T2 in Trying, T2 in Proceeding */
            txn->interval = txn->state == SIP_TXN_TRYING ? MIN(2 * txn->interval, layer->t.t2) : layer->t.t2;
            txn_timer_start(txn, SIP_TIMER_E, txn->interval);
        }
    } else if (which == SIP_TIMER_F && (txn->state == SIP_TXN_TRYING || txn->state == SIP_TXN_PROCEEDING)) {
        txn_timeout(txn, SIP_TIMER_F);
    } else if (which == SIP_TIMER_K && txn->state == SIP_TXN_COMPLETED) {
        txn_terminate(txn);
    }
}

/* ---- server INVITE ---------------------------------------------------------------------------- */

static void ist_request(SipTxn *txn, const osip_message_t *req)
{
    SipTxnLayer *layer = txn->layer;
    gboolean is_ack = strcmp(req->sip_method, "ACK") == 0;
    layer->stats.absorbed++;
    if (is_ack) {
        if (txn->state == SIP_TXN_COMPLETED) {
            txn_timer_stop(txn, SIP_TIMER_G);
            txn_timer_stop(txn, SIP_TIMER_H);
            txn->state = SIP_TXN_CONFIRMED;
            txn_wait_or_terminate(txn, SIP_TIMER_I, layer->t.t4);
        }
        return; /* in Confirmed: absorbed */
    }
    if ((txn->state == SIP_TXN_PROCEEDING || txn->state == SIP_TXN_COMPLETED) && txn->out) {
        layer->stats.resent++;
        txn_send(txn, txn->out, txn->out_len);
    }
}

static void ist_respond(SipTxn *txn, int code)
{
    SipTxnLayer *layer = txn->layer;
    if (!txn_send(txn, txn->out, txn->out_len))
        return;
    if (code < 200)
        return;
    if (code < 300) {
        txn_terminate(txn); /* RFC 3261 §17.2.1; the TU retransmits the 2xx (§13.3.1.4) */
        return;
    }
    txn->state = SIP_TXN_COMPLETED;
    txn->interval = layer->t.t1;
    if (!txn->peer.reliable)
        txn_timer_start(txn, SIP_TIMER_G, txn->interval);
    txn_timer_start(txn, SIP_TIMER_H, 64 * layer->t.t1);
}

static void ist_timer(SipTxn *txn, SipTimer which)
{
    SipTxnLayer *layer = txn->layer;
    if (which == SIP_TIMER_G && txn->state == SIP_TXN_COMPLETED) {
        layer->stats.retransmissions++;
        if (txn_send(txn, txn->out, txn->out_len)) {
            txn->interval = MIN(2 * txn->interval, layer->t.t2);
            txn_timer_start(txn, SIP_TIMER_G, txn->interval);
        }
    } else if (which == SIP_TIMER_H && txn->state == SIP_TXN_COMPLETED) {
        txn_timeout(txn, SIP_TIMER_H);
    } else if (which == SIP_TIMER_I && txn->state == SIP_TXN_CONFIRMED) {
        txn_terminate(txn);
    }
}

/* ---- server non-INVITE ------------------------------------------------------------------------ */

static void nist_request(SipTxn *txn)
{
    SipTxnLayer *layer = txn->layer;
    layer->stats.absorbed++;
    if ((txn->state == SIP_TXN_PROCEEDING || txn->state == SIP_TXN_COMPLETED) && txn->out) {
        layer->stats.resent++;
        txn_send(txn, txn->out, txn->out_len);
    }
}

static void nist_respond(SipTxn *txn, int code)
{
    if (!txn_send(txn, txn->out, txn->out_len))
        return;
    if (code < 200) {
        txn->state = SIP_TXN_PROCEEDING;
        return;
    }
    txn->state = SIP_TXN_COMPLETED;
    txn_wait_or_terminate(txn, SIP_TIMER_J, 64 * txn->layer->t.t1);
}

static void nist_timer(SipTxn *txn, SipTimer which)
{
    if (which == SIP_TIMER_J && txn->state == SIP_TXN_COMPLETED)
        txn_terminate(txn);
}

/* ---- dispatch --------------------------------------------------------------------------------- */

static void txn_timer_fire(gpointer arg)
{
    TxnTimer *t = arg;
    SipTxn *txn = t->txn;
    SipTxnLayer *layer = txn->layer;
    t->handle = 0; /* consumed */
    if (txn->state == SIP_TXN_TERMINATED)
        return;
    layer_enter(layer);
    switch (txn->kind) {
    case SIP_TXN_CLIENT_INVITE:
        ict_timer(txn, t->which);
        break;
    case SIP_TXN_CLIENT_NON_INVITE:
        nict_timer(txn, t->which);
        break;
    case SIP_TXN_SERVER_INVITE:
        ist_timer(txn, t->which);
        break;
    case SIP_TXN_SERVER_NON_INVITE:
        nist_timer(txn, t->which);
        break;
    }
    layer_leave(layer);
}

static SipTxn *txn_new(SipTxnLayer *layer, SipTxnKind kind, gchar *key, osip_message_t *request, const SipPeer *peer)
{
    SipTxn *txn = g_new0(SipTxn, 1);
    txn->layer = layer;
    txn->kind = kind;
    txn->key = key;
    txn->request = request;
    txn->peer = *peer;
    if (txn->peer.len > SIP_PEER_MAX)
        txn->peer.len = SIP_PEER_MAX;
    layer->stats.created++;
    return txn;
}

static void layer_request(SipTxnLayer *layer, osip_message_t *req, const SipPeer *from)
{
    gchar *key = server_key(req);
    SipTxn *txn = key ? g_hash_table_lookup(layer->servers, key) : NULL;
    gboolean is_ack = strcmp(req->sip_method, "ACK") == 0;
    if (txn) {
        g_free(key);
        if (txn->kind == SIP_TXN_SERVER_INVITE)
            ist_request(txn, req);
        else if (!is_ack)
            nist_request(txn);
        sip_message_free(req);
        return;
    }
    if (is_ack || !key) { /* the ACK of a 2xx is its own transaction-less request (§17.2.1) */
        g_free(key);
        if (layer->tu.request)
            layer->tu.request(layer, NULL, req, from, layer->tu.user);
        sip_message_free(req);
        return;
    }
    gboolean invite = strcmp(req->sip_method, "INVITE") == 0;
    txn = txn_new(layer, invite ? SIP_TXN_SERVER_INVITE : SIP_TXN_SERVER_NON_INVITE, key, req, from);
    txn->state = invite ? SIP_TXN_PROCEEDING : SIP_TXN_TRYING;
    g_hash_table_insert(layer->servers, txn->key, txn);
    if (layer->tu.request)
        layer->tu.request(layer, txn, req, from, layer->tu.user);
}

static void layer_response(SipTxnLayer *layer, osip_message_t *rsp, const SipPeer *from)
{
    gchar *key = client_key(rsp);
    SipTxn *txn = key ? g_hash_table_lookup(layer->clients, key) : NULL;
    g_free(key);
    if (!txn) {
        layer->stats.stray_responses++;
        if (layer->tu.stray_response)
            layer->tu.stray_response(layer, rsp, from, layer->tu.user);
    } else if (txn->kind == SIP_TXN_CLIENT_INVITE) {
        ict_response(txn, rsp);
    } else {
        nict_response(txn, rsp);
    }
    sip_message_free(rsp);
}

/* ---- public API ------------------------------------------------------------------------------- */

SipTxnLayer *sip_txn_layer_new(const SipTransport *transport, const SipTxnUser *user, const SipTimerValues *timers)
{
    g_return_val_if_fail(transport && transport->send && transport->timer_start && transport->timer_cancel, NULL);
    SipTxnLayer *layer = g_new0(SipTxnLayer, 1);
    layer->tp = *transport;
    if (user)
        layer->tu = *user;
    if (timers) {
        layer->t = *timers;
    } else {
        layer->t.t1 = SIP_T1_DEFAULT;
        layer->t.t2 = SIP_T2_DEFAULT;
        layer->t.t4 = SIP_T4_DEFAULT;
        layer->t.d = SIP_TD_DEFAULT;
    }
    layer->clients = g_hash_table_new(g_str_hash, g_str_equal);
    layer->servers = g_hash_table_new(g_str_hash, g_str_equal);
    layer->dead = g_ptr_array_new_with_free_func((GDestroyNotify)txn_free);
    return layer;
}

static void free_table(GHashTable *table)
{
    GHashTableIter it;
    gpointer value;
    g_hash_table_iter_init(&it, table);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        SipTxn *txn = value;
        for (int i = 0; i < SIP_TIMER_COUNT; i++)
            txn_timer_stop(txn, (SipTimer)i);
        g_hash_table_iter_steal(&it);
        txn_free(txn);
    }
    g_hash_table_unref(table);
}

void sip_txn_layer_free(SipTxnLayer *layer)
{
    if (!layer)
        return;
    g_return_if_fail(layer->depth == 0);
    free_table(layer->clients);
    free_table(layer->servers);
    g_ptr_array_unref(layer->dead);
    g_free(layer);
}

void sip_txn_layer_receive(SipTxnLayer *layer, osip_message_t *msg, const SipPeer *from)
{
    g_return_if_fail(layer != NULL && msg != NULL && from != NULL);
    layer_enter(layer);
    if (MSG_IS_REQUEST(msg))
        layer_request(layer, msg, from);
    else
        layer_response(layer, msg, from);
    layer_leave(layer);
}

gboolean sip_txn_layer_receive_bytes(SipTxnLayer *layer, const void *data, size_t len, const SipPeer *from,
                                     GError **error)
{
    osip_message_t *msg = sip_message_parse(data, len, error);
    if (!msg) {
        layer->stats.parse_errors++;
        return FALSE;
    }
    sip_txn_layer_receive(layer, msg, from);
    return TRUE;
}

SipTxn *sip_txn_client_new(SipTxnLayer *layer, osip_message_t *request, const SipPeer *to, GError **error)
{
    g_return_val_if_fail(layer != NULL && request != NULL && to != NULL, NULL);
    const char *branch = sip_message_branch(request);
    if (!MSG_IS_REQUEST(request) || strcmp(request->sip_method, "ACK") == 0 || !request->cseq ||
        !request->cseq->method || !branch || !g_str_has_prefix(branch, SIP_MAGIC_COOKIE)) {
        g_set_error_literal(error, SIP_TXN_ERROR, SIP_TXN_ERROR_INVALID,
                            "a client transaction needs a request other than ACK, a CSeq and an RFC 3261 branch");
        sip_message_free(request);
        return NULL;
    }
    gchar *key = client_key(request);
    if (g_hash_table_contains(layer->clients, key)) {
        g_set_error(error, SIP_TXN_ERROR, SIP_TXN_ERROR_EXISTS, "a client transaction %s exists", key);
        g_free(key);
        sip_message_free(request);
        return NULL;
    }
    size_t len = 0;
    guint8 *bytes = sip_message_to_bytes(request, &len, error);
    if (!bytes) {
        g_free(key);
        sip_message_free(request);
        return NULL;
    }
    if (!layer->tp.send(layer->tp.ctx, to, bytes, len)) {
        g_set_error_literal(error, SIP_TXN_ERROR, SIP_TXN_ERROR_TRANSPORT, "the transport refused the request");
        layer->stats.transport_errors++;
        g_free(bytes);
        g_free(key);
        sip_message_free(request);
        return NULL;
    }
    gboolean invite = strcmp(request->sip_method, "INVITE") == 0;
    SipTxn *txn = txn_new(layer, invite ? SIP_TXN_CLIENT_INVITE : SIP_TXN_CLIENT_NON_INVITE, key, request, to);
    txn->out = bytes;
    txn->out_len = len;
    g_hash_table_insert(layer->clients, txn->key, txn);
    if (invite)
        ict_start(txn);
    else
        nict_start(txn);
    return txn;
}

gboolean sip_txn_respond(SipTxn *txn, osip_message_t *response, GError **error)
{
    g_return_val_if_fail(txn != NULL && response != NULL, FALSE);
    SipTxnLayer *layer = txn->layer;
    gboolean server = txn->kind == SIP_TXN_SERVER_INVITE || txn->kind == SIP_TXN_SERVER_NON_INVITE;
    int code = response->status_code;
    const char *method = sip_message_cseq_method(response);
    const char *branch = sip_message_branch(response), *req_branch = sip_message_branch(txn->request);
    if (!server || MSG_IS_REQUEST(response) || code < 100 || code > 699 || !method ||
        strcmp(method, txn->request->sip_method) != 0 || g_strcmp0(branch, req_branch) != 0) {
        g_set_error_literal(error, SIP_TXN_ERROR, SIP_TXN_ERROR_INVALID,
                            "not a response to this server transaction's request");
        sip_message_free(response);
        return FALSE;
    }
    gboolean open = txn->kind == SIP_TXN_SERVER_INVITE
                        ? txn->state == SIP_TXN_PROCEEDING
                        : (txn->state == SIP_TXN_TRYING || txn->state == SIP_TXN_PROCEEDING);
    if (!open) {
        /* §17.2.2: final responses after the first are discarded; likewise for a terminated one */
        g_set_error(error, SIP_TXN_ERROR, SIP_TXN_ERROR_STATE, "the transaction is %s", sip_txn_state_name(txn->state));
        sip_message_free(response);
        return FALSE;
    }
    size_t len = 0;
    guint8 *bytes = sip_message_to_bytes(response, &len, error);
    sip_message_free(response);
    if (!bytes)
        return FALSE;
    g_free(txn->out);
    txn->out = bytes;
    txn->out_len = len;
    txn->last_status = code;
    layer_enter(layer);
    if (txn->kind == SIP_TXN_SERVER_INVITE)
        ist_respond(txn, code);
    else
        nist_respond(txn, code);
    layer_leave(layer);
    return TRUE;
}

SipTxnKind sip_txn_kind(const SipTxn *txn)
{
    return txn->kind;
}

SipTxnState sip_txn_state(const SipTxn *txn)
{
    return txn->state;
}

const osip_message_t *sip_txn_request(const SipTxn *txn)
{
    return txn->request;
}

const SipPeer *sip_txn_peer(const SipTxn *txn)
{
    return &txn->peer;
}

int sip_txn_last_status(const SipTxn *txn)
{
    return txn->last_status;
}

void sip_txn_set_user_data(SipTxn *txn, gpointer data)
{
    txn->user_data = data;
}

gpointer sip_txn_get_user_data(const SipTxn *txn)
{
    return txn->user_data;
}

void sip_txn_layer_stats(const SipTxnLayer *layer, SipTxnStats *out)
{
    *out = layer->stats;
}

guint sip_txn_layer_count(const SipTxnLayer *layer)
{
    return g_hash_table_size(layer->clients) + g_hash_table_size(layer->servers);
}
