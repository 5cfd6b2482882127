/* diameter-peer.c: the Diameter peer state machine. See diameter-peer.h for the contract.
 *
 * DESIGN NOTES
 *
 * States (RFC 6733 §5.6, simplified; the RFC's election states are left out):
 *
 *   Closed ──start()──────────────▶ Wait-Conn-Ack ──connected(): send CER──▶ Wait-I-CEA
 *     │                                  │ connect_failed()                     │ CEA 2001 with a common app
 *     │                                  ▼                                      ▼
 *     │                                Closed                                 I-Open
 *     │                                                                         │
 *     └──accepted()──▶ Wait-CER ──CER with a common app: send CEA 2001──▶ R-Open │
 *                        │ CER without: send CEA 5010, close                    │
 *                        ▼                                                      ▼
 *                      Closed            I-Open / R-Open ──stop(): send DPR──▶ Closing ──DPA──▶ Closed
 *                                        I-Open / R-Open ──DPR: send DPA────▶ Closing ──transport closed──▶ Closed
 *
 *   Any state ──disconnected() or a framing error──▶ Closed. Closing, Wait-CER and Wait-I-CEA
 *   also close when the timer (timeout_ns) fires first. A non-CER message in Wait-CER or a
 *   non-CEA message in Wait-I-CEA closes the connection (RFC 6733 §5.6.2 "Error").
 *
 * The watchdog (RFC 3539 §3.4.1, in the Open states only): the timer runs Tw from the last
 * message received. When it fires with no DWR outstanding, a DWR is sent. When it fires with one
 * outstanding, the peer is SUSPECT (event, counted); a second expiry closes the connection. A DWA
 * clears both. Non-DWA traffic re-arms the timer only while not SUSPECT, as in RFC 3539.
 *
 * Invariants:
 *  1. One timer per peer: its meaning is given by the state (CER/CEA/DPA wait, or Tw).
 *  2. pending holds exactly the application requests sent and not yet answered; base-protocol
 *     requests (CER, DWR, DPR) are tracked by their own hop-by-hop id fields, never in pending.
 *  3. Every request accepted by diameter_peer_send_request() gets exactly one ops->answer call
 *     (the answer, or NULL when the connection closes or the answer is malformed), unless the peer
 *     is freed first.
 *  4. In Closed the receive buffer is empty, no timer is armed and pending is empty.
 *
 * Transitions: start → diameter_peer_start; connected → send_cer; CER → handle_cer; CEA →
 * handle_cea; DPR / DPA / DWR / DWA → dispatch_base; timer → diameter_peer_timer_fired; every
 * way to Closed → close_peer.
 *
 * Malformed input: a frame that fails to parse is counted and reported; if it is a request we
 * answer with the Result-Code the error maps to (diameter_codec_error_result_code), 'E' set for
 * 3xxx; a malformed answer completes its pending request with NULL. A framing error (version,
 * absurd length) leaves no way to find the next message, so it closes the connection.
 */
#include "protocols/diameter/diameter-peer.h"
#include "protocols/diameter/diameter-dict.h"
#include <stdarg.h>
#include <string.h>

#define DEFAULT_TW_NS (30 * G_GINT64_CONSTANT(1000000000))
#define DEFAULT_TIMEOUT_NS (10 * G_GINT64_CONSTANT(1000000000))
#define DEFAULT_MAX_MESSAGE (1024 * 1024)

G_DEFINE_QUARK(diameter-peer-error-quark, diameter_peer_error)

typedef struct {
    void *user_data;
    uint32_t command;
    guint64 seq; /* send order, so that failures are reported in that order */
} Pending;

struct DiameterPeer {
    DiameterPeerOps ops;
    /* configuration */
    char *origin_host, *origin_realm, *product_name;
    DiameterAddress host_ip;
    uint32_t vendor_id, firmware_revision, origin_state_id;
    DiameterPeerApp *apps;
    guint n_apps;
    int64_t tw_ns, timeout_ns;
    size_t max_message;
    /* identifiers */
    uint32_t next_hbh, next_e2e;
    /* connection */
    DiameterPeerState state;
    char *remote_host, *remote_realm;
    GArray *common_apps; /* uint32_t application ids agreed in CER/CEA */
    GByteArray *rx;
    guint rx_generation; /* bumped by close_peer: a receive loop in progress must stop */
    gboolean receiving;
    GHashTable *pending; /* hop-by-hop id → Pending */
    guint64 pending_seq;
    uint32_t cer_hbh, dwr_hbh, dpr_hbh;
    gboolean dwa_outstanding;
    guint watchdog_misses;
    guint in_callback;
    DiameterPeerStats stats;
};

const char *diameter_peer_state_name(DiameterPeerState state)
{
    switch (state) {
    case DIAMETER_PEER_CLOSED: return "Closed";
    case DIAMETER_PEER_WAIT_CONN_ACK: return "Wait-Conn-Ack";
    case DIAMETER_PEER_WAIT_I_CEA: return "Wait-I-CEA";
    case DIAMETER_PEER_WAIT_CER: return "Wait-CER";
    case DIAMETER_PEER_I_OPEN: return "I-Open";
    case DIAMETER_PEER_R_OPEN: return "R-Open";
    case DIAMETER_PEER_CLOSING: return "Closing";
    }
    return "?";
}

const char *diameter_peer_event_name(DiameterPeerEvent ev)
{
    switch (ev) {
    case DIAMETER_PEER_EV_OPEN: return "diameter-open";
    case DIAMETER_PEER_EV_CLOSED: return "diameter-closed";
    case DIAMETER_PEER_EV_CE_FAILED: return "diameter-ce-failed";
    case DIAMETER_PEER_EV_WATCHDOG_SUSPECT: return "diameter-watchdog-suspect";
    case DIAMETER_PEER_EV_MALFORMED: return "diameter-malformed";
    case DIAMETER_PEER_EV_UNMATCHED_ANSWER: return "diameter-unmatched-answer";
    case DIAMETER_PEER_EV_REJECTED: return "diameter-rejected";
    case DIAMETER_PEER_EV_UNEXPECTED: return "diameter-unexpected";
    }
    return "?";
}

/* ---- helpers -------------------------------------------------------------------------------- */

G_GNUC_PRINTF(3, 4)
static void emit(DiameterPeer *p, DiameterPeerEvent ev, const char *fmt, ...)
{
    if (!p->ops.event)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *detail = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    p->in_callback++;
    p->ops.event(p->ops.ctx, p, ev, detail);
    p->in_callback--;
    g_free(detail);
}

static gboolean is_open(const DiameterPeer *p)
{
    return p->state == DIAMETER_PEER_I_OPEN || p->state == DIAMETER_PEER_R_OPEN;
}

static void timer_start(DiameterPeer *p, int64_t delay)
{
    if (p->ops.timer_start)
        p->ops.timer_start(p->ops.ctx, delay);
}

static void send_bytes(DiameterPeer *p, GBytes *bytes)
{
    gsize len = 0;
    const uint8_t *data = g_bytes_get_data(bytes, &len);
    p->ops.send(p->ops.ctx, data, len);
}

/* Finishes B (a message we built from our own configuration, so it cannot fail), sends it. */
static void send_built(DiameterPeer *p, DiameterBuilder *b)
{
    g_autoptr(GError) error = NULL;
    GBytes *bytes = diameter_builder_finish(b, &error);
    diameter_builder_free(b);
    g_assert_no_error(error);
    send_bytes(p, bytes);
    g_bytes_unref(bytes);
}

static gboolean local_app(const DiameterPeer *p, uint32_t app)
{
    for (guint i = 0; i < p->n_apps; i++)
        if (p->apps[i].auth_app_id == app || p->apps[i].auth_app_id == DIAMETER_APP_RELAY)
            return TRUE;
    return FALSE;
}

static gboolean common_app(const DiameterPeer *p, uint32_t app)
{
    for (guint i = 0; i < p->common_apps->len; i++)
        if (g_array_index(p->common_apps, uint32_t, i) == app)
            return TRUE;
    return FALSE;
}

static void add_common(DiameterPeer *p, uint32_t app)
{
    if (app == DIAMETER_APP_RELAY) { /* a relay supports every application (RFC 6733 §2.4) */
        for (guint i = 0; i < p->n_apps; i++)
            add_common(p, p->apps[i].auth_app_id);
        return;
    }
    if (local_app(p, app) && !common_app(p, app))
        g_array_append_val(p->common_apps, app);
}

/* The applications a CER or CEA advertises that we support too (RFC 6733 §5.3). */
static void collect_common(DiameterPeer *p, const DiameterMsg *msg)
{
    uint32_t app;
    g_array_set_size(p->common_apps, 0);
    for (const DiameterAvp *a = diameter_msg_find(msg, NULL, DIAMETER_AVP_AUTH_APPLICATION_ID, 0); a;
         a = diameter_msg_find_next(msg, a))
        if (diameter_avp_get_u32(a, &app))
            add_common(p, app);
    for (const DiameterAvp *g = diameter_msg_find(msg, NULL, DIAMETER_AVP_VENDOR_SPECIFIC_APPLICATION_ID, 0); g;
         g = diameter_msg_find_next(msg, g))
        if (diameter_avp_get_u32(diameter_msg_find(msg, g, DIAMETER_AVP_AUTH_APPLICATION_ID, 0), &app))
            add_common(p, app);
}

static void remember_remote(DiameterPeer *p, const DiameterMsg *msg)
{
    g_free(p->remote_host);
    g_free(p->remote_realm);
    p->remote_host = diameter_avp_dup_string(diameter_msg_find(msg, NULL, DIAMETER_AVP_ORIGIN_HOST, 0));
    p->remote_realm = diameter_avp_dup_string(diameter_msg_find(msg, NULL, DIAMETER_AVP_ORIGIN_REALM, 0));
}

static gint by_seq(gconstpointer a, gconstpointer b)
{
    const Pending *x = *(Pending *const *)a, *y = *(Pending *const *)b;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Completes every pending request with NULL, in send order (hash order would not be reproducible). */
static void fail_pending(DiameterPeer *p)
{
    GPtrArray *list = g_ptr_array_new_with_free_func(g_free);
    GHashTableIter it;
    gpointer value;
    g_hash_table_iter_init(&it, p->pending);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        g_ptr_array_add(list, value);
        g_hash_table_iter_steal(&it);
    }
    g_ptr_array_sort(list, by_seq);
    for (guint i = 0; i < list->len; i++) {
        p->in_callback++;
        p->ops.answer(p->ops.ctx, p, NULL, ((Pending *)list->pdata[i])->user_data);
        p->in_callback--;
    }
    g_ptr_array_unref(list);
}

/* Every way to Closed. WE_CLOSE: ask the transport to close (else it already has). */
static void close_peer(DiameterPeer *p, gboolean we_close, const char *reason)
{
    if (p->state == DIAMETER_PEER_CLOSED)
        return;
    p->state = DIAMETER_PEER_CLOSED;
    p->rx_generation++;
    g_byte_array_set_size(p->rx, 0);
    g_array_set_size(p->common_apps, 0);
    p->dwa_outstanding = FALSE;
    p->watchdog_misses = 0;
    if (p->ops.timer_cancel)
        p->ops.timer_cancel(p->ops.ctx);
    if (we_close && p->ops.disconnect)
        p->ops.disconnect(p->ops.ctx);
    fail_pending(p);
    emit(p, DIAMETER_PEER_EV_CLOSED, "%s", reason);
}

/* ---- base protocol messages (RFC 6733 §5) --------------------------------------------------- */

static void add_origin(DiameterPeer *p, DiameterBuilder *b)
{
    diameter_builder_add_string(b, DIAMETER_AVP_ORIGIN_HOST, 0, p->origin_host);
    diameter_builder_add_string(b, DIAMETER_AVP_ORIGIN_REALM, 0, p->origin_realm);
}

/* The part of CER and CEA after Origin-Realm (§5.3.1, §5.3.2 ABNF order). */
static void add_capabilities(DiameterPeer *p, DiameterBuilder *b)
{
    diameter_builder_add_address(b, DIAMETER_AVP_HOST_IP_ADDRESS, 0, &p->host_ip);
    diameter_builder_add_u32(b, DIAMETER_AVP_VENDOR_ID, 0, p->vendor_id);
    diameter_builder_add_string(b, DIAMETER_AVP_PRODUCT_NAME, 0, p->product_name);
    diameter_builder_add_u32(b, DIAMETER_AVP_ORIGIN_STATE_ID, 0, p->origin_state_id);
    for (guint i = 0; i < p->n_apps; i++) { /* each vendor once */
        gboolean seen = FALSE;
        for (guint j = 0; j < i; j++)
            seen |= p->apps[j].vendor_id == p->apps[i].vendor_id;
        if (p->apps[i].vendor_id && !seen)
            diameter_builder_add_u32(b, DIAMETER_AVP_SUPPORTED_VENDOR_ID, 0, p->apps[i].vendor_id);
    }
    for (guint i = 0; i < p->n_apps; i++)
        if (!p->apps[i].vendor_id)
            diameter_builder_add_u32(b, DIAMETER_AVP_AUTH_APPLICATION_ID, 0, p->apps[i].auth_app_id);
    for (guint i = 0; i < p->n_apps; i++) {
        if (!p->apps[i].vendor_id)
            continue;
        diameter_builder_group_begin(b, DIAMETER_AVP_VENDOR_SPECIFIC_APPLICATION_ID, 0);
        diameter_builder_add_u32(b, DIAMETER_AVP_VENDOR_ID, 0, p->apps[i].vendor_id);
        diameter_builder_add_u32(b, DIAMETER_AVP_AUTH_APPLICATION_ID, 0, p->apps[i].auth_app_id);
        diameter_builder_group_end(b);
    }
    diameter_builder_add_u32(b, DIAMETER_AVP_FIRMWARE_REVISION, 0, p->firmware_revision);
}

static DiameterBuilder *new_base_request(DiameterPeer *p, uint32_t command, uint32_t *hbh)
{
    *hbh = diameter_peer_next_hop_by_hop(p);
    return diameter_builder_new(DIAMETER_FLAG_REQUEST, command, DIAMETER_APP_COMMON, *hbh,
                                diameter_peer_next_end_to_end(p));
}

/* An answer to REQ starting { Result-Code } { Origin-Host } { Origin-Realm } (CEA, DWA, DPA). */
static DiameterBuilder *new_base_answer(DiameterPeer *p, const DiameterHeader *req, uint32_t result)
{
    DiameterBuilder *b = diameter_builder_new_answer(req, result >= 3000 && result < 4000);
    diameter_builder_add_u32(b, DIAMETER_AVP_RESULT_CODE, 0, result);
    add_origin(p, b);
    return b;
}

static void send_cer(DiameterPeer *p)
{
    DiameterBuilder *b = new_base_request(p, DIAMETER_CMD_CAPABILITIES_EXCHANGE, &p->cer_hbh);
    add_origin(p, b);
    add_capabilities(p, b);
    send_built(p, b);
}

static void send_cea(DiameterPeer *p, const DiameterHeader *req, uint32_t result)
{
    DiameterBuilder *b = new_base_answer(p, req, result);
    add_capabilities(p, b);
    send_built(p, b);
}

static void send_dwr(DiameterPeer *p)
{
    DiameterBuilder *b = new_base_request(p, DIAMETER_CMD_DEVICE_WATCHDOG, &p->dwr_hbh);
    add_origin(p, b);
    diameter_builder_add_u32(b, DIAMETER_AVP_ORIGIN_STATE_ID, 0, p->origin_state_id);
    send_built(p, b);
    p->stats.dwr_sent++;
}

/* The generic error answer (RFC 6733 §7.2): [Session-Id] {Origin-Host} {Origin-Realm} {Result-Code}
 * [Error-Message]. MSG is NULL when the request did not parse (then no Session-Id is echoed). */
static void reject(DiameterPeer *p, const DiameterHeader *req, const DiameterMsg *msg, uint32_t result,
                   const char *why)
{
    DiameterBuilder *b = diameter_builder_new_answer(req, result >= 3000 && result < 4000);
    const DiameterAvp *sid = msg ? diameter_msg_find(msg, NULL, DIAMETER_AVP_SESSION_ID, 0) : NULL;
    if (sid)
        diameter_builder_add_copy(b, sid);
    add_origin(p, b);
    diameter_builder_add_u32(b, DIAMETER_AVP_RESULT_CODE, 0, result);
    char *text = g_utf8_make_valid(why, -1);
    diameter_builder_add_string(b, DIAMETER_AVP_ERROR_MESSAGE, 0, text);
    g_free(text);
    send_built(p, b);
    p->stats.rejected++;
    const char *name = diameter_dict_result_name(0, result);
    emit(p, DIAMETER_PEER_EV_REJECTED, "command %u answered %u (%s): %s", req->command, result, name ? name : "?",
         why);
}

static void enter_open(DiameterPeer *p, DiameterPeerState state)
{
    p->state = state;
    p->dwa_outstanding = FALSE;
    p->watchdog_misses = 0;
    timer_start(p, p->tw_ns);
    emit(p, DIAMETER_PEER_EV_OPEN, "%s", p->remote_host ? p->remote_host : "");
}

/* Wait-CER + CER (RFC 6733 §5.3). */
static void handle_cer(DiameterPeer *p, const DiameterMsg *msg)
{
    const DiameterHeader *h = diameter_msg_header(msg);
    remember_remote(p, msg);
    if (!p->remote_host || !p->remote_realm) {
        send_cea(p, h, DIAMETER_MISSING_AVP);
        emit(p, DIAMETER_PEER_EV_CE_FAILED, "CER without Origin-Host or Origin-Realm");
        close_peer(p, TRUE, "bad CER");
        return;
    }
    collect_common(p, msg);
    if (p->common_apps->len == 0) {
        send_cea(p, h, DIAMETER_NO_COMMON_APPLICATION); /* then disconnect (§5.3) */
        emit(p, DIAMETER_PEER_EV_CE_FAILED, "no common application with %s", p->remote_host);
        close_peer(p, TRUE, "no common application");
        return;
    }
    send_cea(p, h, DIAMETER_SUCCESS);
    enter_open(p, DIAMETER_PEER_R_OPEN);
}

/* Wait-I-CEA + CEA. */
static void handle_cea(DiameterPeer *p, const DiameterMsg *msg)
{
    uint32_t result = 0;
    remember_remote(p, msg);
    if (!diameter_avp_get_u32(diameter_msg_find(msg, NULL, DIAMETER_AVP_RESULT_CODE, 0), &result) ||
        result != DIAMETER_SUCCESS) {
        emit(p, DIAMETER_PEER_EV_CE_FAILED, "CEA Result-Code %u", result);
        close_peer(p, TRUE, "capabilities exchange rejected");
        return;
    }
    collect_common(p, msg);
    if (p->common_apps->len == 0) {
        emit(p, DIAMETER_PEER_EV_CE_FAILED, "no common application in CEA");
        close_peer(p, TRUE, "no common application");
        return;
    }
    enter_open(p, DIAMETER_PEER_I_OPEN);
}

/* An answer to one of our requests: match it by hop-by-hop id (RFC 6733 §6.2). */
static void handle_answer(DiameterPeer *p, const DiameterMsg *msg)
{
    const DiameterHeader *h = diameter_msg_header(msg);
    gpointer key = GUINT_TO_POINTER(h->hop_by_hop);
    Pending *pd = g_hash_table_lookup(p->pending, key);
    if (!pd || pd->command != h->command) {
        p->stats.unmatched_answers++;
        emit(p, DIAMETER_PEER_EV_UNMATCHED_ANSWER, "command %u hop-by-hop 0x%08x", h->command, h->hop_by_hop);
        return;
    }
    g_hash_table_steal(p->pending, key);
    p->stats.answers_received++;
    p->in_callback++;
    p->ops.answer(p->ops.ctx, p, msg, pd->user_data);
    p->in_callback--;
    g_free(pd);
}

/* Base-protocol commands in the Open and Closing states. TRUE when MSG was one. */
static gboolean dispatch_base(DiameterPeer *p, const DiameterMsg *msg)
{
    const DiameterHeader *h = diameter_msg_header(msg);
    gboolean req = (h->flags & DIAMETER_FLAG_REQUEST) != 0;
    switch (h->command) {
    case DIAMETER_CMD_DEVICE_WATCHDOG:
        if (req) { /* §5.5.2 */
            p->stats.dwr_received++;
            DiameterBuilder *b = new_base_answer(p, h, DIAMETER_SUCCESS);
            diameter_builder_add_u32(b, DIAMETER_AVP_ORIGIN_STATE_ID, 0, p->origin_state_id);
            send_built(p, b);
        } else if (p->dwa_outstanding && h->hop_by_hop == p->dwr_hbh) {
            p->stats.dwa_received++; /* RFC 3539: back to OKAY, Tw from now */
            p->dwa_outstanding = FALSE;
            p->watchdog_misses = 0;
            if (is_open(p))
                timer_start(p, p->tw_ns);
        } else {
            p->stats.unmatched_answers++;
            emit(p, DIAMETER_PEER_EV_UNMATCHED_ANSWER, "DWA hop-by-hop 0x%08x", h->hop_by_hop);
        }
        return TRUE;
    case DIAMETER_CMD_DISCONNECT_PEER:
        if (req) { /* §5.4: answer, then wait for the sender to close */
            send_built(p, new_base_answer(p, h, DIAMETER_SUCCESS));
            p->state = DIAMETER_PEER_CLOSING;
            timer_start(p, p->timeout_ns);
        } else if (p->state == DIAMETER_PEER_CLOSING && h->hop_by_hop == p->dpr_hbh) {
            close_peer(p, TRUE, "DPA received");
        } else {
            p->stats.unmatched_answers++;
            emit(p, DIAMETER_PEER_EV_UNMATCHED_ANSWER, "DPA hop-by-hop 0x%08x", h->hop_by_hop);
        }
        return TRUE;
    case DIAMETER_CMD_CAPABILITIES_EXCHANGE:
        if (req)
            reject(p, h, msg, DIAMETER_UNABLE_TO_COMPLY, "CER on an open connection");
        else
            emit(p, DIAMETER_PEER_EV_UNEXPECTED, "CEA on an open connection");
        return TRUE;
    default:
        return FALSE;
    }
}

/* RFC 3539 §3.4.1: any message in OKAY re-arms Tw (the DWA that ends SUSPECT: dispatch_base). */
static void note_traffic(DiameterPeer *p)
{
    if (is_open(p) && p->watchdog_misses == 0)
        timer_start(p, p->tw_ns);
}

static void dispatch(DiameterPeer *p, const DiameterMsg *msg)
{
    const DiameterHeader *h = diameter_msg_header(msg);
    gboolean req = (h->flags & DIAMETER_FLAG_REQUEST) != 0;
    switch (p->state) {
    case DIAMETER_PEER_WAIT_CER:
        if (req && h->command == DIAMETER_CMD_CAPABILITIES_EXCHANGE) {
            handle_cer(p, msg);
        } else {
            emit(p, DIAMETER_PEER_EV_UNEXPECTED, "command %u before CER", h->command);
            close_peer(p, TRUE, "message before CER");
        }
        return;
    case DIAMETER_PEER_WAIT_I_CEA:
        if (!req && h->command == DIAMETER_CMD_CAPABILITIES_EXCHANGE && h->hop_by_hop == p->cer_hbh) {
            handle_cea(p, msg);
        } else {
            emit(p, DIAMETER_PEER_EV_UNEXPECTED, "command %u while waiting for CEA", h->command);
            close_peer(p, TRUE, "message before CEA");
        }
        return;
    case DIAMETER_PEER_I_OPEN:
    case DIAMETER_PEER_R_OPEN:
    case DIAMETER_PEER_CLOSING:
        break;
    case DIAMETER_PEER_CLOSED:
    case DIAMETER_PEER_WAIT_CONN_ACK:
        emit(p, DIAMETER_PEER_EV_UNEXPECTED, "command %u in state %s", h->command, diameter_peer_state_name(p->state));
        return;
    }
    note_traffic(p);
    if (h->app_id == DIAMETER_APP_COMMON && dispatch_base(p, msg))
        return;
    if (!req) {
        handle_answer(p, msg);
        return;
    }
    if (p->state == DIAMETER_PEER_CLOSING)
        reject(p, h, msg, DIAMETER_UNABLE_TO_DELIVER, "connection closing");
    else if (h->app_id == DIAMETER_APP_COMMON)
        reject(p, h, msg, DIAMETER_COMMAND_UNSUPPORTED, "unknown base command");
    else if (!common_app(p, h->app_id))
        reject(p, h, msg, DIAMETER_APPLICATION_UNSUPPORTED, "application not agreed in CER/CEA");
    else {
        p->stats.requests_received++;
        p->in_callback++;
        p->ops.request(p->ops.ctx, p, msg);
        p->in_callback--;
    }
}

/* A complete frame that did not parse. */
static void handle_malformed(DiameterPeer *p, const uint8_t *data, size_t len, const GError *error)
{
    DiameterHeader h;
    p->stats.malformed++;
    emit(p, DIAMETER_PEER_EV_MALFORMED, "%s", error->message);
    if (!diameter_header_peek(data, len, &h) || p->state == DIAMETER_PEER_WAIT_CONN_ACK)
        return;
    if (h.flags & DIAMETER_FLAG_REQUEST) {
        reject(p, &h, NULL, diameter_codec_error_result_code(error), error->message);
        if (p->state == DIAMETER_PEER_WAIT_CER || p->state == DIAMETER_PEER_WAIT_I_CEA)
            close_peer(p, TRUE, "malformed message during capabilities exchange");
        return;
    }
    if (p->state == DIAMETER_PEER_WAIT_I_CEA) {
        close_peer(p, TRUE, "malformed CEA");
        return;
    }
    gpointer key = GUINT_TO_POINTER(h.hop_by_hop);
    Pending *pd = g_hash_table_lookup(p->pending, key);
    if (pd && pd->command == h.command) {
        g_hash_table_steal(p->pending, key);
        p->in_callback++;
        p->ops.answer(p->ops.ctx, p, NULL, pd->user_data);
        p->in_callback--;
        g_free(pd);
    }
}

/* ---- public API ----------------------------------------------------------------------------- */

DiameterPeer *diameter_peer_new(const DiameterPeerConfig *cfg, const DiameterPeerOps *ops)
{
    g_assert(cfg->origin_host && cfg->origin_realm && cfg->n_apps > 0 && ops->send && ops->request && ops->answer);
    DiameterPeer *p = g_new0(DiameterPeer, 1);
    p->ops = *ops;
    p->origin_host = g_strdup(cfg->origin_host);
    p->origin_realm = g_strdup(cfg->origin_realm);
    p->product_name = g_strdup(cfg->product_name ? cfg->product_name : "presim");
    p->host_ip = cfg->host_ip;
    if (p->host_ip.family != DIAMETER_ADDRESS_IPV6)
        p->host_ip.family = DIAMETER_ADDRESS_IPV4;
    p->vendor_id = cfg->vendor_id;
    p->firmware_revision = cfg->firmware_revision;
    p->origin_state_id = cfg->origin_state_id;
    p->apps = g_memdup2(cfg->apps, cfg->n_apps * sizeof cfg->apps[0]);
    p->n_apps = cfg->n_apps;
    p->tw_ns = cfg->tw_ns > 0 ? cfg->tw_ns : DEFAULT_TW_NS;
    p->timeout_ns = cfg->timeout_ns > 0 ? cfg->timeout_ns : DEFAULT_TIMEOUT_NS;
    p->max_message = cfg->max_message ? cfg->max_message : DEFAULT_MAX_MESSAGE;
    p->next_hbh = cfg->hop_by_hop_start;
    p->next_e2e = cfg->end_to_end_start;
    p->common_apps = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    p->rx = g_byte_array_new();
    p->pending = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    return p;
}

void diameter_peer_free(DiameterPeer *p)
{
    if (!p)
        return;
    g_assert(p->in_callback == 0);
    g_free(p->origin_host);
    g_free(p->origin_realm);
    g_free(p->product_name);
    g_free(p->apps);
    g_free(p->remote_host);
    g_free(p->remote_realm);
    g_array_unref(p->common_apps);
    g_byte_array_unref(p->rx);
    g_hash_table_unref(p->pending);
    g_free(p);
}

void diameter_peer_start(DiameterPeer *p)
{
    if (p->state != DIAMETER_PEER_CLOSED)
        return;
    p->state = DIAMETER_PEER_WAIT_CONN_ACK;
    if (p->ops.connect)
        p->ops.connect(p->ops.ctx);
}

void diameter_peer_connected(DiameterPeer *p)
{
    if (p->state != DIAMETER_PEER_WAIT_CONN_ACK)
        return;
    p->state = DIAMETER_PEER_WAIT_I_CEA;
    send_cer(p);
    timer_start(p, p->timeout_ns);
}

void diameter_peer_connect_failed(DiameterPeer *p)
{
    if (p->state == DIAMETER_PEER_WAIT_CONN_ACK)
        close_peer(p, FALSE, "connection failed");
}

void diameter_peer_accepted(DiameterPeer *p)
{
    if (p->state != DIAMETER_PEER_CLOSED)
        return;
    p->state = DIAMETER_PEER_WAIT_CER;
    timer_start(p, p->timeout_ns);
}

void diameter_peer_receive(DiameterPeer *p, const uint8_t *data, size_t len)
{
    g_assert(!p->receiving); /* not from inside one of its own callbacks */
    if (p->state == DIAMETER_PEER_CLOSED || p->state == DIAMETER_PEER_WAIT_CONN_ACK || len == 0)
        return;
    g_byte_array_append(p->rx, data, (guint)len);
    p->receiving = TRUE;
    guint gen = p->rx_generation;
    size_t off = 0;
    for (;;) {
        size_t need = 0;
        g_autoptr(GError) error = NULL;
        if (!diameter_frame_check(p->rx->data + off, p->rx->len - off, p->max_message, &need, &error)) {
            p->stats.malformed++;
            emit(p, DIAMETER_PEER_EV_MALFORMED, "%s", error->message);
            if (gen == p->rx_generation)
                close_peer(p, TRUE, "framing error");
            break;
        }
        if (need == 0 || p->rx->len - off < need)
            break;
        const uint8_t *frame = p->rx->data + off;
        off += need;
        DiameterMsg *msg = diameter_msg_parse(frame, need, &error); /* copies the frame */
        if (msg) {
            dispatch(p, msg);
            diameter_msg_free(msg);
        } else {
            handle_malformed(p, frame, need, error);
        }
        if (gen != p->rx_generation) /* closed (and maybe reopened) by the dispatch */
            break;
    }
    if (gen == p->rx_generation)
        g_byte_array_remove_range(p->rx, 0, (guint)off);
    p->receiving = FALSE;
}

void diameter_peer_disconnected(DiameterPeer *p)
{
    close_peer(p, FALSE, p->state == DIAMETER_PEER_CLOSING ? "closed after DPR/DPA" : "transport closed");
}

void diameter_peer_timer_fired(DiameterPeer *p)
{
    switch (p->state) {
    case DIAMETER_PEER_WAIT_I_CEA:
        emit(p, DIAMETER_PEER_EV_CE_FAILED, "no CEA");
        close_peer(p, TRUE, "CEA timeout");
        break;
    case DIAMETER_PEER_WAIT_CER:
        close_peer(p, TRUE, "CER timeout");
        break;
    case DIAMETER_PEER_CLOSING:
        close_peer(p, TRUE, "closing timeout");
        break;
    case DIAMETER_PEER_I_OPEN:
    case DIAMETER_PEER_R_OPEN:
        if (!p->dwa_outstanding) {
            send_dwr(p);
            p->dwa_outstanding = TRUE;
            timer_start(p, p->tw_ns);
        } else if (++p->watchdog_misses == 1) {
            p->stats.watchdog_suspects++;
            emit(p, DIAMETER_PEER_EV_WATCHDOG_SUSPECT, "no DWA within %" G_GINT64_FORMAT " ns", p->tw_ns);
            timer_start(p, p->tw_ns);
        } else {
            close_peer(p, TRUE, "watchdog: no DWA");
        }
        break;
    case DIAMETER_PEER_CLOSED:
    case DIAMETER_PEER_WAIT_CONN_ACK:
        break; /* stale */
    }
}

void diameter_peer_stop(DiameterPeer *p, uint32_t cause)
{
    if (is_open(p)) {
        DiameterBuilder *b = new_base_request(p, DIAMETER_CMD_DISCONNECT_PEER, &p->dpr_hbh);
        add_origin(p, b);
        diameter_builder_add_u32(b, DIAMETER_AVP_DISCONNECT_CAUSE, 0, cause);
        send_built(p, b);
        p->state = DIAMETER_PEER_CLOSING;
        timer_start(p, p->timeout_ns);
    } else if (p->state != DIAMETER_PEER_CLOSING) {
        close_peer(p, p->state != DIAMETER_PEER_WAIT_CONN_ACK, "stopped");
    }
}

gboolean diameter_peer_send_request(DiameterPeer *p, GBytes *msg, void *user_data, GError **error)
{
    DiameterHeader h;
    gsize len = 0;
    const uint8_t *data = g_bytes_get_data(msg, &len);
    if (!is_open(p)) {
        g_set_error(error, DIAMETER_PEER_ERROR, DIAMETER_PEER_ERROR_NOT_OPEN, "peer is %s",
                    diameter_peer_state_name(p->state));
        return FALSE;
    }
    if (!diameter_header_peek(data, len, &h) || h.length != len || !(h.flags & DIAMETER_FLAG_REQUEST)) {
        g_set_error(error, DIAMETER_PEER_ERROR, DIAMETER_PEER_ERROR_INVALID, "not a whole Diameter request");
        return FALSE;
    }
    if (!common_app(p, h.app_id)) {
        g_set_error(error, DIAMETER_PEER_ERROR, DIAMETER_PEER_ERROR_APPLICATION,
                    "application %u was not agreed with %s", h.app_id, p->remote_host ? p->remote_host : "the peer");
        return FALSE;
    }
    gpointer key = GUINT_TO_POINTER(h.hop_by_hop);
    if (g_hash_table_contains(p->pending, key)) {
        g_set_error(error, DIAMETER_PEER_ERROR, DIAMETER_PEER_ERROR_DUPLICATE_ID,
                    "hop-by-hop 0x%08x already pending", h.hop_by_hop);
        return FALSE;
    }
    Pending *pd = g_new0(Pending, 1);
    pd->user_data = user_data;
    pd->command = h.command;
    pd->seq = p->pending_seq++;
    g_hash_table_insert(p->pending, key, pd);
    p->stats.requests_sent++;
    send_bytes(p, msg);
    return TRUE;
}

gboolean diameter_peer_send_answer(DiameterPeer *p, GBytes *msg, GError **error)
{
    DiameterHeader h;
    gsize len = 0;
    const uint8_t *data = g_bytes_get_data(msg, &len);
    if (!is_open(p) && p->state != DIAMETER_PEER_CLOSING) {
        g_set_error(error, DIAMETER_PEER_ERROR, DIAMETER_PEER_ERROR_NOT_OPEN, "peer is %s",
                    diameter_peer_state_name(p->state));
        return FALSE;
    }
    if (!diameter_header_peek(data, len, &h) || h.length != len || (h.flags & DIAMETER_FLAG_REQUEST)) {
        g_set_error(error, DIAMETER_PEER_ERROR, DIAMETER_PEER_ERROR_INVALID, "not a whole Diameter answer");
        return FALSE;
    }
    p->stats.answers_sent++;
    send_bytes(p, msg);
    return TRUE;
}

uint32_t diameter_peer_next_hop_by_hop(DiameterPeer *p)
{
    return p->next_hbh++;
}

uint32_t diameter_peer_next_end_to_end(DiameterPeer *p)
{
    return p->next_e2e++;
}

DiameterPeerState diameter_peer_state(const DiameterPeer *p)
{
    return p->state;
}

gboolean diameter_peer_is_open(const DiameterPeer *p)
{
    return is_open(p);
}

const char *diameter_peer_remote_host(const DiameterPeer *p)
{
    return p->remote_host;
}

const char *diameter_peer_remote_realm(const DiameterPeer *p)
{
    return p->remote_realm;
}

guint diameter_peer_pending(const DiameterPeer *p)
{
    return g_hash_table_size(p->pending);
}

const DiameterPeerStats *diameter_peer_stats(const DiameterPeer *p)
{
    return &p->stats;
}
