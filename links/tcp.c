/* tcp.c: TCP sockets, their lifetime and the connection state machine (RFC 9293).
 *
 * The module is three files: this one (public API, socket lifetime, state transitions that are not
 * driven by one incoming segment), tcp-output.c (segments out, retransmission and persist timers,
 * RFC 6298 / 5681 / 6582) and tcp-input.c (parsing, validation and the per-state processing of
 * RFC 9293 §3.10.7). tcp-private.h holds the shared structures.
 *
 * DESIGN NOTES
 *
 * States (RFC 9293 §3.3.2) and the function that makes each transition:
 *   CLOSED -> LISTEN ................ tcp_listen()
 *   CLOSED -> SYN-SENT .............. tcp_connect() (sends SYN)
 *   LISTEN: SYN -> new child in SYN-RECEIVED .... tcp_input_listen() (sends SYN,ACK)
 *   SYN-SENT -> ESTABLISHED ......... tcp_input_syn_sent() -> tcp__established() (`connected`)
 *   SYN-SENT -> SYN-RECEIVED ........ tcp_input_syn_sent() (simultaneous open)
 *   SYN-RECEIVED -> ESTABLISHED ..... tcp_input_sync() -> tcp__established() (listener's accept)
 *   ESTABLISHED -> FIN-WAIT-1 ....... tcp_close() (the FIN follows the queued data: tcp__output())
 *   ESTABLISHED -> CLOSE-WAIT ....... tcp_input_fin() (`peer_closed`)
 *   FIN-WAIT-1 -> FIN-WAIT-2 ........ tcp_input_sync() when our FIN is acknowledged
 *   FIN-WAIT-1 -> CLOSING ........... tcp_input_fin()
 *   FIN-WAIT-2 -> TIME-WAIT ......... tcp_input_fin() -> tcp__enter_time_wait()
 *   CLOSING -> TIME-WAIT ............ tcp_input_sync() when our FIN is acknowledged
 *   CLOSE-WAIT -> LAST-ACK .......... tcp_close()
 *   LAST-ACK -> CLOSED .............. tcp_input_sync() when our FIN is acknowledged
 *   TIME-WAIT -> CLOSED ............. tcp_time_wait_fire() after 2*MSL
 *   any -> CLOSED ................... tcp__destroy(): RST (tcp_input_*), too many retransmissions
 *                                     (tcp_rto_fire), tcp_abort()
 *
 * Invariants:
 *  1. A socket is in exactly one of: layer->conns (every live connection, SYN-SENT to TIME-WAIT),
 *     layer->listeners, layer->dead. Only the reaper event and tcp_layer_free() free sockets, so a
 *     socket pointer stays valid for the whole of any call that runs an application callback; code
 *     re-checks s->dead after every callback.
 *  2. `closed` runs at most once (s->reported). It runs when a connection enters TIME-WAIT (the
 *     application is done with it; the TCB stays 2*MSL only to re-acknowledge a retransmitted FIN),
 *     after LAST-ACK, on RST, on timeout, and on tcp_abort(). Sockets the application never saw (a
 *     listener's half-open children) disappear without callbacks.
 *  3. Queued bytes are sndbuf[sndbuf_off..]: snd_buf_seq is the sequence number of the first one.
 *     SYN and FIN take sequence space but no buffer space.
 *  4. snd_una <= snd_nxt <= snd_max. After an RTO snd_nxt goes back to snd_una (go-back-N, as BSD
 *     does); retransmissions are the segments sent below snd_max. Pure ACKs carry snd_max, which the
 *     peer has seen (snd_nxt may lie below its RCV.NXT then). A zero-window probe byte lies beyond
 *     snd_max and does not raise it; an ACK covering it is still acceptable (tcp_input_ack()).
 *  5. ops->output must not call tcp_layer_input() synchronously (loopback goes through the engine).
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_TCP
#include "links/tcp-private.h"
#include <stdio.h>

G_DEFINE_QUARK(presim-tcp-error-quark, tcp_error)

const char *tcp_close_reason_name(TcpCloseReason reason)
{
    switch (reason) {
    case TCP_CLOSED_NORMAL:
        return "normal";
    case TCP_CLOSED_RESET:
        return "reset";
    case TCP_CLOSED_TIMEOUT:
        return "timeout";
    case TCP_CLOSED_ABORTED:
        return "aborted";
    }
    return "unknown";
}

const char *tcp_socket_state_name(const TcpSocket *sock)
{
    static const char *const names[] = {
        [TCP_STATE_CLOSED] = "CLOSED",           [TCP_STATE_LISTEN] = "LISTEN",
        [TCP_STATE_SYN_SENT] = "SYN-SENT",       [TCP_STATE_SYN_RECEIVED] = "SYN-RECEIVED",
        [TCP_STATE_ESTABLISHED] = "ESTABLISHED", [TCP_STATE_FIN_WAIT_1] = "FIN-WAIT-1",
        [TCP_STATE_FIN_WAIT_2] = "FIN-WAIT-2",   [TCP_STATE_CLOSE_WAIT] = "CLOSE-WAIT",
        [TCP_STATE_CLOSING] = "CLOSING",         [TCP_STATE_LAST_ACK] = "LAST-ACK",
        [TCP_STATE_TIME_WAIT] = "TIME-WAIT",
    };
    if (!sock || (size_t)sock->state >= G_N_ELEMENTS(names))
        return "CLOSED";
    return names[sock->state];
}

/* ---- helpers shared with tcp-input.c / tcp-output.c ---------------------------------------- */

const char *tcp__endpoint(const SimAddr *addr, uint16_t port, char buf[64])
{
    char a[SIM_ADDR_STRLEN];
    if (addr->family == SIM_AF_INET6)
        snprintf(buf, 64, "[%s]:%u", sim_addr_to_string(addr, a), port);
    else if (addr->family == SIM_AF_INET)
        snprintf(buf, 64, "%s:%u", sim_addr_to_string(addr, a), port);
    else
        snprintf(buf, 64, "*:%u", port);
    return buf;
}

void tcp__event(TcpLayer *layer, const char *name, const SimAttr *attrs, size_t n_attrs)
{
    if (layer->ops.event)
        layer->ops.event(layer->ops.ctx, name, attrs, n_attrs);
}

void tcp__timer_cancel(TcpSocket *s, SimEventId *id)
{
    if (*id) {
        sim_engine_cancel(s->layer->ops.engine, *id);
        *id = 0;
    }
}

static void tcp_timers_cancel(TcpSocket *s)
{
    tcp__timer_cancel(s, &s->rto_timer);
    tcp__timer_cancel(s, &s->persist_timer);
    tcp__timer_cancel(s, &s->tw_timer);
}

/* ---- the layer ------------------------------------------------------------------------------ */

static guint tcp_key_hash(gconstpointer p)
{
    const TcpKey *k = p;
    return (sim_addr_hash(&k->raddr) * 31u + sim_addr_hash(&k->laddr)) ^ ((guint)k->lport << 16 | k->rport);
}

static gboolean tcp_key_equal(gconstpointer a, gconstpointer b)
{
    const TcpKey *x = a, *y = b;
    return x->lport == y->lport && x->rport == y->rport && sim_addr_equal(&x->laddr, &y->laddr) &&
           sim_addr_equal(&x->raddr, &y->raddr);
}

TcpLayer *tcp_layer_new(const TcpLayerOps *ops)
{
    g_return_val_if_fail(ops && ops->engine && ops->output, NULL);
    TcpLayer *l = g_new0(TcpLayer, 1);
    l->ops = *ops;
    if (!l->ops.rng) {
        l->own_rng = sim_rng_new(0, "tcp");
        l->ops.rng = l->own_rng;
    }
    l->conns = g_hash_table_new(tcp_key_hash, tcp_key_equal);
    l->ports = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_queue_init(&l->dead);
    return l;
}

static void tcp_socket_free(TcpSocket *s)
{
    tcp_timers_cancel(s);
    g_byte_array_unref(s->sndbuf);
    g_queue_clear_full(&s->ooo, g_free);
    g_list_free(s->children);
    g_free(s);
}

void tcp_layer_free(TcpLayer *layer)
{
    if (!layer)
        return;
    if (layer->reap_event)
        sim_engine_cancel(layer->ops.engine, layer->reap_event);
    GList *conns = g_hash_table_get_values(layer->conns);
    g_list_free_full(conns, (GDestroyNotify)tcp_socket_free);
    g_list_free_full(layer->listeners, (GDestroyNotify)tcp_socket_free);
    g_queue_clear_full(&layer->dead, (GDestroyNotify)tcp_socket_free);
    g_hash_table_destroy(layer->conns);
    g_hash_table_destroy(layer->ports);
    sim_rng_free(layer->own_rng);
    g_free(layer);
}

void tcp_layer_stats(const TcpLayer *layer, TcpLayerStats *out)
{
    memset(out, 0, sizeof *out);
    if (layer)
        *out = layer->stats;
}

static gboolean tcp_port_in_use(TcpLayer *l, uint16_t port)
{
    return g_hash_table_contains(l->ports, GUINT_TO_POINTER(port));
}

static void tcp_port_ref(TcpLayer *l, uint16_t port)
{
    gpointer key = GUINT_TO_POINTER(port);
    guint n = GPOINTER_TO_UINT(g_hash_table_lookup(l->ports, key));
    g_hash_table_insert(l->ports, key, GUINT_TO_POINTER(n + 1));
}

static void tcp_port_unref(TcpLayer *l, uint16_t port)
{
    gpointer key = GUINT_TO_POINTER(port);
    guint n = GPOINTER_TO_UINT(g_hash_table_lookup(l->ports, key));
    if (n <= 1)
        g_hash_table_remove(l->ports, key);
    else
        g_hash_table_insert(l->ports, key, GUINT_TO_POINTER(n - 1));
}

/* A random free port of 49152..65535 (RFC 6335 §6), probing upwards from a random start. Cost:
 * O(ports in use) in the worst case, one hash lookup usually. */
static gboolean tcp_pick_port(TcpLayer *l, uint16_t *out)
{
    const uint32_t span = TCP_EPHEMERAL_HI - TCP_EPHEMERAL_LO + 1;
    uint32_t start = (uint32_t)sim_rng_range(l->ops.rng, 0, span - 1);
    for (uint32_t i = 0; i < span; i++) {
        uint16_t port = (uint16_t)(TCP_EPHEMERAL_LO + (start + i) % span);
        if (!tcp_port_in_use(l, port)) {
            *out = port;
            return TRUE;
        }
    }
    return FALSE;
}

/* ---- sockets -------------------------------------------------------------------------------- */

static TcpSocket *tcp_socket_alloc(TcpLayer *l)
{
    TcpSocket *s = g_new0(TcpSocket, 1);
    s->layer = l;
    s->sndbuf = g_byte_array_new();
    s->sndbuf_cap = TCP_SNDBUF_DEFAULT;
    g_queue_init(&s->ooo);
    s->rto = TCP_RTO_INITIAL;
    return s;
}

/* The MSS we offer: the interface MTU less the IP and TCP headers (RFC 9293 §3.7.1, RFC 879). */
static uint32_t tcp_local_mss(TcpLayer *l, const SimAddr *raddr)
{
    uint32_t overhead = raddr->family == SIM_AF_INET6 ? 60 : 40;
    uint32_t mtu = l->ops.mtu ? l->ops.mtu(l->ops.ctx, raddr) : 0;
    if (mtu < overhead + TCP_MSS_MIN)
        return raddr->family == SIM_AF_INET6 ? 1220 : 536; /* no usable MTU: the defaults */
    return MIN(mtu - overhead, 65535u);
}

/* A connection socket with a fresh ISS, linked into layer->conns (invariant 1). */
TcpSocket *tcp__conn_new(TcpLayer *l, const SimAddr *laddr, uint16_t lport, const SimAddr *raddr, uint16_t rport)
{
    TcpSocket *s = tcp_socket_alloc(l);
    s->key.laddr = *laddr;
    s->key.raddr = *raddr;
    s->key.lport = lport;
    s->key.rport = rport;
    s->mss_local = tcp_local_mss(l, raddr);
    s->mss = s->mss_local;
    /* RFC 9293 §3.4.1 wants a clock-driven ISS; a random one serves the same purpose here. */
    s->iss = sim_rng_uint32(l->ops.rng);
    s->snd_una = s->snd_nxt = s->snd_max = s->iss;
    s->snd_buf_seq = s->iss + 1;
    s->snd_wl2 = s->iss;
    s->recover = s->iss; /* RFC 6582 §3.2 step 1 */
    s->ssthresh = TCP_CWND_MAX; /* RFC 5681 §3.1: arbitrarily high */
    s->cwnd = s->mss;
    g_hash_table_insert(l->conns, &s->key, s);
    tcp_port_ref(l, lport);
    return s;
}

/* Uses the peer's MSS option if it sent one, else the default of RFC 9293 §3.7.1 (536) or of
 * IPv6 (1220, RFC 8200 §8.3); the effective MSS is the smaller of both sides'. */
void tcp__set_peer_mss(TcpSocket *s, const TcpSeg *seg)
{
    uint32_t peer = seg->has_mss ? seg->mss : (s->key.raddr.family == SIM_AF_INET6 ? 1220u : 536u);
    s->mss = MAX(MIN(s->mss_local, peer), TCP_MSS_MIN);
}

static void tcp_reap(void *arg)
{
    TcpLayer *l = arg;
    l->reap_event = 0;
    TcpSocket *s;
    while ((s = g_queue_pop_head(&l->dead)))
        tcp_socket_free(s);
}

static void tcp_report_closed(TcpSocket *s, TcpCloseReason reason)
{
    if (s->reported)
        return;
    s->reported = TRUE;
    TcpCallbacks cb = s->cb;
    memset(&s->cb, 0, sizeof s->cb); /* invariant 2: nothing after `closed` */
    char l[64], r[64];
    SimAttr attrs[] = {
        SIM_ATTR_S("local", tcp__endpoint(&s->key.laddr, s->key.lport, l)),
        SIM_ATTR_S("remote", tcp__endpoint(&s->key.raddr, s->key.rport, r)),
        SIM_ATTR_S("reason", tcp_close_reason_name(reason)),
    };
    tcp__event(s->layer, "tcp-closed", attrs, G_N_ELEMENTS(attrs));
    g_debug("%s -> %s closed: %s", l, r, tcp_close_reason_name(reason));
    if (cb.closed)
        cb.closed(s, reason, s->user);
}

/* Unlinks S and hands it to the reaper (invariant 1), then runs `closed` if REPORT. */
void tcp__destroy(TcpSocket *s, TcpCloseReason reason, gboolean report)
{
    if (s->dead)
        return;
    TcpLayer *l = s->layer;
    s->dead = TRUE;
    tcp_timers_cancel(s);
    if (s->is_listener) {
        l->listeners = g_list_remove(l->listeners, s);
    } else {
        g_hash_table_remove(l->conns, &s->key);
    }
    if (s->parent) {
        s->parent->children = g_list_remove(s->parent->children, s);
        s->parent->n_children--;
        s->parent = NULL;
        report = FALSE; /* never handed to the application */
    }
    tcp_port_unref(l, s->key.lport);
    s->state = TCP_STATE_CLOSED;
    g_queue_push_tail(&l->dead, s);
    if (!l->reap_event)
        l->reap_event = sim_engine_schedule_in(l->ops.engine, 0, tcp_reap, l);
    if (report)
        tcp_report_closed(s, reason);
}

/* RFC 9293 §3.10.7.3 / §3.10.7.4: the handshake is complete. */
void tcp__established(TcpSocket *s)
{
    s->state = TCP_STATE_ESTABLISHED;
    s->retries = 0;
    /* RFC 5681 §3.1: initial window by MSS, one segment if the SYN or SYN,ACK was lost. */
    if (s->syn_retransmitted) {
        s->cwnd = s->mss;
        if (s->rto < TCP_RTO_SYN_LOST)
            s->rto = TCP_RTO_SYN_LOST; /* RFC 6298 §5.7 */
    } else {
        s->cwnd = s->mss > 2190 ? 2 * s->mss : s->mss > 1095 ? 3 * s->mss : 4 * s->mss;
    }
    if (s->fin_queued)
        s->state = TCP_STATE_FIN_WAIT_1; /* tcp_close() came during the handshake */

    char l[64], r[64];
    SimAttr attrs[] = {
        SIM_ATTR_S("local", tcp__endpoint(&s->key.laddr, s->key.lport, l)),
        SIM_ATTR_S("remote", tcp__endpoint(&s->key.raddr, s->key.rport, r)),
        SIM_ATTR_I("mss", s->mss),
    };
    tcp__event(s->layer, "tcp-established", attrs, G_N_ELEMENTS(attrs));
    g_debug("%s -> %s established, mss %u", l, r, s->mss);

    TcpSocket *parent = s->parent;
    if (parent) {
        parent->children = g_list_remove(parent->children, s);
        parent->n_children--;
        s->parent = NULL;
        if (parent->accept)
            parent->accept(parent, s, parent->accept_user);
    } else if (s->cb.connected) {
        s->cb.connected(s, s->user);
    }
}

static void tcp_time_wait_fire(void *arg)
{
    TcpSocket *s = arg;
    s->tw_timer = 0;
    tcp__destroy(s, TCP_CLOSED_NORMAL, FALSE);
}

/* RFC 9293 §3.10.7.4: TIME-WAIT for 2*MSL; the application is told now (invariant 2). */
void tcp__enter_time_wait(TcpSocket *s)
{
    s->state = TCP_STATE_TIME_WAIT;
    tcp__timer_cancel(s, &s->rto_timer);
    tcp__timer_cancel(s, &s->persist_timer);
    tcp__timer_cancel(s, &s->tw_timer);
    tcp_ooo_clear(s);
    s->tw_timer = sim_engine_schedule_in(s->layer->ops.engine, 2 * TCP_MSL, tcp_time_wait_fire, s);
    tcp_report_closed(s, TCP_CLOSED_NORMAL);
}

static gboolean tcp_listener_overlaps(const TcpSocket *ls, const SimAddr *local)
{
    const SimAddr *a = &ls->key.laddr;
    if (a->family == SIM_AF_NONE || local->family == SIM_AF_NONE)
        return TRUE;
    if (a->family != local->family)
        return FALSE;
    return sim_addr_is_unspecified(a) || sim_addr_is_unspecified(local) || sim_addr_equal(a, local);
}

/* The listener for DST:PORT: one bound to DST itself wins over a wildcard one. */
TcpSocket *tcp__find_listener(TcpLayer *l, const SimAddr *dst, uint16_t port)
{
    TcpSocket *wild = NULL;
    for (GList *it = l->listeners; it; it = it->next) {
        TcpSocket *ls = it->data;
        if (ls->key.lport != port)
            continue;
        const SimAddr *a = &ls->key.laddr;
        if (a->family == SIM_AF_NONE || (a->family == dst->family && sim_addr_is_unspecified(a)))
            wild = ls;
        else if (sim_addr_equal(a, dst))
            return ls;
    }
    return wild;
}

/* ---- public API ----------------------------------------------------------------------------- */

TcpSocket *tcp_listen(TcpLayer *layer, const SimAddr *local, uint16_t port, TcpAcceptFunc accept, void *user,
                      GError **error)
{
    g_return_val_if_fail(layer, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);
    SimAddr any = {0};
    if (!local)
        local = &any;
    if (local->family != SIM_AF_NONE && local->family != SIM_AF_INET && local->family != SIM_AF_INET6) {
        g_set_error(error, TCP_ERROR, TCP_ERROR_INVALID, "listen: bad address family %u", local->family);
        return NULL;
    }
    if (port == 0 && !tcp_pick_port(layer, &port)) {
        g_set_error(error, TCP_ERROR, TCP_ERROR_NO_PORTS, "listen: no free port");
        return NULL;
    }
    for (GList *it = layer->listeners; it; it = it->next) {
        TcpSocket *ls = it->data;
        if (ls->key.lport == port && tcp_listener_overlaps(ls, local)) {
            char buf[64];
            g_set_error(error, TCP_ERROR, TCP_ERROR_ADDR_IN_USE, "listen: %s already in use",
                        tcp__endpoint(local, port, buf));
            return NULL;
        }
    }
    TcpSocket *s = tcp_socket_alloc(layer);
    s->is_listener = TRUE;
    s->state = TCP_STATE_LISTEN;
    s->key.laddr = *local;
    s->key.lport = port;
    s->accept = accept;
    s->accept_user = user;
    layer->listeners = g_list_append(layer->listeners, s);
    tcp_port_ref(layer, port);
    return s;
}

TcpSocket *tcp_connect(TcpLayer *layer, const SimAddr *dst, uint16_t dport, const TcpCallbacks *cb, void *user,
                       GError **error)
{
    g_return_val_if_fail(layer, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);
    if (!dst || (dst->family != SIM_AF_INET && dst->family != SIM_AF_INET6) || dport == 0 ||
        sim_addr_is_unspecified(dst)) {
        g_set_error(error, TCP_ERROR, TCP_ERROR_INVALID, "connect: bad destination");
        return NULL;
    }
    SimAddr src;
    memset(&src, 0, sizeof src);
    if (!layer->ops.select_source || !layer->ops.select_source(layer->ops.ctx, dst, &src) ||
        src.family != dst->family) {
        char buf[64];
        g_set_error(error, TCP_ERROR, TCP_ERROR_NO_ROUTE, "connect: no route to %s", tcp__endpoint(dst, dport, buf));
        return NULL;
    }
    uint16_t sport;
    if (!tcp_pick_port(layer, &sport)) {
        g_set_error(error, TCP_ERROR, TCP_ERROR_NO_PORTS, "connect: no free ephemeral port");
        return NULL;
    }
    TcpSocket *s = tcp__conn_new(layer, &src, sport, dst, dport);
    if (cb)
        s->cb = *cb;
    s->user = user;
    s->state = TCP_STATE_SYN_SENT;
    tcp__send_syn(s);
    return s;
}

void tcp_socket_set_callbacks(TcpSocket *sock, const TcpCallbacks *cb, void *user)
{
    g_return_if_fail(sock);
    if (sock->reported)
        return;
    if (cb)
        sock->cb = *cb;
    else
        memset(&sock->cb, 0, sizeof sock->cb);
    sock->user = user;
}

static gboolean tcp_can_send(const TcpSocket *s)
{
    if (!s || s->dead || s->reported || s->is_listener || s->fin_queued)
        return FALSE;
    return s->state == TCP_STATE_SYN_SENT || s->state == TCP_STATE_SYN_RECEIVED ||
           s->state == TCP_STATE_ESTABLISHED || s->state == TCP_STATE_CLOSE_WAIT;
}

size_t tcp_send_space(const TcpSocket *sock)
{
    if (!tcp_can_send(sock))
        return 0;
    size_t queued = sock->sndbuf->len - sock->sndbuf_off;
    return queued >= sock->sndbuf_cap ? 0 : sock->sndbuf_cap - queued;
}

size_t tcp_send(TcpSocket *sock, const void *data, size_t len)
{
    size_t n = MIN(len, tcp_send_space(sock));
    if (n == 0)
        return 0;
    g_byte_array_append(sock->sndbuf, data, (guint)n);
    tcp__output(sock); /* no Nagle: out as soon as the windows allow */
    return n;
}

void tcp_socket_set_send_buffer(TcpSocket *sock, size_t bytes)
{
    g_return_if_fail(sock);
    /* Queued bytes beyond a shrunk buffer stay; only new space is affected. Capped so sequence
     * arithmetic over the unacknowledged bytes stays far below 2^31. */
    sock->sndbuf_cap = CLAMP(bytes, 1, (size_t)1 << 30);
}

static void tcp_listener_close(TcpSocket *ls)
{
    /* Half-open children die with their listener; the peer learns by RST (RFC 9293 §3.10.4). */
    while (ls->children) {
        TcpSocket *c = ls->children->data;
        tcp__send_abort_rst(c);
        tcp__destroy(c, TCP_CLOSED_ABORTED, FALSE);
    }
    tcp__destroy(ls, TCP_CLOSED_NORMAL, FALSE);
}

/* RFC 9293 §3.10.4 CLOSE. */
void tcp_close(TcpSocket *sock)
{
    if (!sock || sock->dead || sock->reported)
        return;
    if (sock->is_listener) {
        tcp_listener_close(sock);
        return;
    }
    if (sock->fin_queued)
        return;
    switch (sock->state) {
    case TCP_STATE_SYN_SENT:
    case TCP_STATE_SYN_RECEIVED:
        /* Queue the FIN behind any data; tcp__established() moves on to FIN-WAIT-1. */
        sock->fin_queued = TRUE;
        sock->fin_seq = tcp_data_end(sock);
        break;
    case TCP_STATE_ESTABLISHED:
        sock->fin_queued = TRUE;
        sock->fin_seq = tcp_data_end(sock);
        sock->state = TCP_STATE_FIN_WAIT_1;
        tcp__output(sock);
        break;
    case TCP_STATE_CLOSE_WAIT:
        sock->fin_queued = TRUE;
        sock->fin_seq = tcp_data_end(sock);
        sock->state = TCP_STATE_LAST_ACK;
        tcp__output(sock);
        break;
    default:
        break; /* already closing */
    }
}

/* RFC 9293 §3.10.5 ABORT. */
void tcp_abort(TcpSocket *sock)
{
    if (!sock || sock->dead || sock->reported)
        return;
    if (sock->is_listener) {
        tcp_listener_close(sock);
        return;
    }
    switch (sock->state) {
    case TCP_STATE_SYN_RECEIVED:
    case TCP_STATE_ESTABLISHED:
    case TCP_STATE_FIN_WAIT_1:
    case TCP_STATE_FIN_WAIT_2:
    case TCP_STATE_CLOSE_WAIT:
        tcp__send_abort_rst(sock);
        break;
    default:
        break; /* SYN-SENT, CLOSING, LAST-ACK: just delete the TCB */
    }
    tcp__destroy(sock, TCP_CLOSED_ABORTED, TRUE);
}

void tcp_socket_local(const TcpSocket *sock, SimAddr *addr, uint16_t *port)
{
    g_return_if_fail(sock);
    if (addr)
        *addr = sock->key.laddr;
    if (port)
        *port = sock->key.lport;
}

void tcp_socket_remote(const TcpSocket *sock, SimAddr *addr, uint16_t *port)
{
    g_return_if_fail(sock);
    if (addr)
        *addr = sock->key.raddr;
    if (port)
        *port = sock->key.rport;
}

void tcp_socket_stats(const TcpSocket *sock, TcpStats *out)
{
    memset(out, 0, sizeof *out);
    if (!sock)
        return;
    *out = sock->stats;
    out->srtt = sock->rtt_measured ? sock->srtt : 0;
    out->rto = sock->rto;
    out->cwnd = sock->cwnd;
    out->mss = sock->mss;
}
