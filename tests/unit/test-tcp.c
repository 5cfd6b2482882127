/* test-tcp.c: the TCP layer (links/tcp.h) on two layers wired back to back.
 *
 * The wire: each layer's ops->output schedules delivery to the other layer's tcp_layer_input() on
 * the engine after a one-way delay, optionally with serialisation at a rate, random loss from a
 * SimRng, extra delay for some segments (reordering), corruption, or a black hole. Every segment a
 * layer emits is checked on the wire independently of the layer: the checksum over the IPv4/IPv6
 * pseudo-header must verify, the headroom must be there, and the payload size is recorded.
 * One side can instead be a hand-written "raw" peer (zero-window tests).
 */
#include "links/inet-checksum.h"
#include "links/tcp.h"
#include <string.h>

#define ONE_WAY (10 * SIM_MS)
#define MB (1024 * 1024)

/* ---- the wire ------------------------------------------------------------------------------- */

typedef struct Wire Wire;
typedef struct WireEnd WireEnd;

/* A raw peer takes SEG (ownership) instead of a TcpLayer. */
typedef void (*RawRx)(WireEnd *e, SimPacket *seg, const SimAddr *src, const SimAddr *dst);

struct WireEnd {
    Wire *wire;
    int side;
    TcpLayer *layer;
    SimRng *tcp_rng;
    SimAddr addr;
    uint32_t mtu;
    /* impairments of what this side sends */
    double loss;
    double reorder;
    SimTime reorder_delay;
    guint corrupt_nth; /* corrupt this data segment (1-based); 0: none */
    gboolean blackhole;
    uint64_t rate_bps;
    SimTime busy_until;
    /* what the wire saw from this side */
    guint segs, data_segs, bad_sums, rsts, syns, lost, corrupted, small_headroom;
    guint syn_mss;
    size_t max_payload;
    GPtrArray *capture; /* copies of the first segments, for the fuzz test */
    /* events this side's layer reported */
    guint ev_established, ev_rexmit_timeout, ev_rexmit_fast, ev_closed, ev_reset_sent, ev_drop;
    char last_drop_reason[32];
    /* raw peer */
    RawRx raw_rx;
    void *raw;
};

struct Wire {
    SimEngine *engine;
    SimRng *rng;
    SimTime delay;
    WireEnd end[2];
    GQueue inflight; /* Delivery */
};

typedef struct {
    Wire *wire;
    int to;
    SimPacket *seg;
    SimAddr src, dst;
    SimEventId id;
    GList *link;
} Delivery;

static void wire_deliver(void *arg)
{
    Delivery *d = arg;
    Wire *w = d->wire;
    g_queue_delete_link(&w->inflight, d->link);
    WireEnd *to = &w->end[d->to];
    if (to->raw_rx)
        to->raw_rx(to, d->seg, &d->src, &d->dst);
    else
        tcp_layer_input(to->layer, d->seg, &d->src, &d->dst);
    g_free(d);
}

static void wire_output(void *ctx, SimPacket *seg, const SimAddr *src, const SimAddr *dst)
{
    WireEnd *e = ctx;
    Wire *w = e->wire;
    const uint8_t *p = sim_packet_data(seg);
    size_t n = sim_packet_len(seg);
    g_assert_cmpuint(n, >=, 20);
    g_assert_true(sim_addr_equal(src, &e->addr));
    g_assert_true(sim_addr_equal(dst, &w->end[1 - e->side].addr));
    if (sim_packet_headroom(seg) < SIM_PACKET_HEADROOM)
        e->small_headroom++;
    /* The independent check: the checksum verifies to 0 under the pseudo-header. */
    if (inet_checksum_pseudo(src, dst, TCP_PROTO, p, n) != 0)
        e->bad_sums++;
    size_t hl = (size_t)(p[12] >> 4) * 4;
    g_assert_cmpuint(hl, >=, 20);
    g_assert_cmpuint(hl, <=, n);
    size_t payload = n - hl;
    e->segs++;
    if (p[13] & 0x04)
        e->rsts++;
    if (p[13] & 0x02) {
        e->syns++;
        if (hl >= 24 && p[20] == 2 && p[21] == 4)
            e->syn_mss = (guint)(p[22] << 8 | p[23]);
    }
    if (payload) {
        e->data_segs++;
        e->max_payload = MAX(e->max_payload, payload);
    }
    if (e->capture && e->capture->len < 400)
        g_ptr_array_add(e->capture, sim_packet_copy(seg));

    gboolean lose = sim_rng_bernoulli(w->rng, e->loss); /* one draw per segment, whatever the rate */
    if (e->blackhole || lose) {
        e->lost++;
        sim_packet_unref(seg);
        return;
    }
    if (payload && e->corrupt_nth && e->data_segs == e->corrupt_nth) {
        seg = sim_packet_make_writable(seg);
        sim_packet_data(seg)[hl + payload / 2] ^= 0x5a;
        e->corrupted++;
    }
    SimTime now = sim_engine_now(w->engine);
    SimTime delay = w->delay;
    if (e->rate_bps) {
        SimTime tx = (SimTime)((n + 40) * 8 * (uint64_t)SIM_S / e->rate_bps);
        SimTime start = MAX(now, e->busy_until);
        e->busy_until = start + tx;
        delay += e->busy_until - now;
    }
    if (e->reorder > 0 && sim_rng_bernoulli(w->rng, e->reorder))
        delay += e->reorder_delay;
    Delivery *d = g_new0(Delivery, 1);
    d->wire = w;
    d->to = 1 - e->side;
    d->seg = seg;
    d->src = *src;
    d->dst = *dst;
    g_queue_push_tail(&w->inflight, d);
    d->link = w->inflight.tail;
    d->id = sim_engine_schedule_in(w->engine, delay, wire_deliver, d);
}

static gboolean wire_select_source(void *ctx, const SimAddr *dst, SimAddr *src_out)
{
    WireEnd *e = ctx;
    if (dst->family != e->addr.family)
        return FALSE;
    *src_out = e->addr;
    return TRUE;
}

static uint32_t wire_mtu(void *ctx, const SimAddr *dst)
{
    (void)dst;
    return ((WireEnd *)ctx)->mtu;
}

static const char *attr_s(const SimAttr *attrs, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(attrs[i].key, key) == 0 && attrs[i].type == SIM_ATTR_STR)
            return attrs[i].s;
    return NULL;
}

static void wire_event(void *ctx, const char *name, const SimAttr *attrs, size_t n_attrs)
{
    WireEnd *e = ctx;
    if (strcmp(name, "tcp-established") == 0) {
        g_assert_nonnull(attr_s(attrs, n_attrs, "local"));
        g_assert_nonnull(attr_s(attrs, n_attrs, "remote"));
        e->ev_established++;
    } else if (strcmp(name, "tcp-retransmit") == 0) {
        const char *reason = attr_s(attrs, n_attrs, "reason");
        g_assert_nonnull(reason);
        if (g_test_verbose())
            g_printerr("  %.3fs side %d retransmit (%s)\n", (double)sim_engine_now(e->wire->engine) / SIM_S, e->side,
                       reason);
        if (strcmp(reason, "timeout") == 0)
            e->ev_rexmit_timeout++;
        else if (strcmp(reason, "fast") == 0)
            e->ev_rexmit_fast++;
        else
            g_assert_not_reached();
    } else if (strcmp(name, "tcp-closed") == 0) {
        g_assert_nonnull(attr_s(attrs, n_attrs, "reason"));
        e->ev_closed++;
    } else if (strcmp(name, "tcp-reset-sent") == 0) {
        e->ev_reset_sent++;
    } else if (strcmp(name, "tcp-drop") == 0) {
        const char *reason = attr_s(attrs, n_attrs, "reason");
        g_assert_nonnull(reason);
        g_strlcpy(e->last_drop_reason, reason, sizeof e->last_drop_reason);
        e->ev_drop++;
    }
}

static void wire_end_init(Wire *w, int side, uint64_t seed, const char *addr, uint32_t mtu)
{
    WireEnd *e = &w->end[side];
    e->wire = w;
    e->side = side;
    e->mtu = mtu;
    g_assert_true(sim_addr_parse(addr, &e->addr));
    e->tcp_rng = sim_rng_new(seed, side ? "tcp-b" : "tcp-a");
    TcpLayerOps ops = {
        .engine = w->engine,
        .rng = e->tcp_rng,
        .ctx = e,
        .output = wire_output,
        .select_source = wire_select_source,
        .mtu = wire_mtu,
        .event = wire_event,
    };
    e->layer = tcp_layer_new(&ops);
    g_assert_nonnull(e->layer);
}

static Wire *wire_new_full(uint64_t seed, gboolean ipv6, uint32_t mtu_a, uint32_t mtu_b)
{
    Wire *w = g_new0(Wire, 1);
    w->engine = sim_engine_new(NULL);
    w->rng = sim_rng_new(seed, "test-loss");
    w->delay = ONE_WAY;
    g_queue_init(&w->inflight);
    wire_end_init(w, 0, seed, ipv6 ? "2001:db8::a" : "10.0.0.1", mtu_a);
    wire_end_init(w, 1, seed, ipv6 ? "2001:db8::b" : "10.0.0.2", mtu_b);
    return w;
}

static Wire *wire_new(uint64_t seed)
{
    return wire_new_full(seed, FALSE, 1500, 1500);
}

static void wire_free(Wire *w)
{
    Delivery *d;
    while ((d = g_queue_pop_head(&w->inflight))) {
        sim_engine_cancel(w->engine, d->id);
        sim_packet_unref(d->seg);
        g_free(d);
    }
    for (int i = 0; i < 2; i++) {
        WireEnd *e = &w->end[i];
        /* Every segment any test produced verified independently. */
        g_assert_cmpuint(e->bad_sums, ==, 0);
        g_assert_cmpuint(e->small_headroom, ==, 0);
        tcp_layer_free(e->layer);
        sim_rng_free(e->tcp_rng);
        if (e->capture)
            g_ptr_array_free(e->capture, TRUE);
    }
    sim_rng_free(w->rng);
    sim_engine_free(w->engine);
    g_free(w);
}

static void wire_run(Wire *w)
{
    /* Runs until no event is left: no timer may keep the simulation alive for ever. */
    g_assert_cmpint(sim_engine_run(w->engine), ==, SIM_RUN_EMPTY);
    g_assert_cmpuint(sim_engine_pending(w->engine), ==, 0);
    g_assert_cmpuint(w->inflight.length, ==, 0);
}

/* ---- applications --------------------------------------------------------------------------- */

static uint8_t pattern(size_t i, uint8_t salt)
{
    uint32_t x = (uint32_t)i * 2654435761u + salt * 40503u;
    return (uint8_t)((x >> 13) ^ (x >> 24) ^ (uint32_t)(i >> 16));
}

typedef struct {
    Wire *wire;
    TcpSocket *sock;
    size_t tx_total, tx_queued;
    uint8_t tx_salt, rx_salt;
    size_t rx_bytes;
    gboolean rx_bad;
    gboolean close_when_sent;     /* tcp_close() once every byte is queued */
    gboolean close_on_peer_close; /* tcp_close() after the peer's FIN (and our data) */
    gboolean abort_in_received;   /* tcp_abort() from inside the first `received` */
    gboolean close_in_received;   /* tcp_close() from inside the first `received` */
    gboolean connected, peer_closed, closed, close_called;
    TcpCloseReason reason;
    TcpStats stats; /* taken in `closed` */
    SimTime closed_at;
    guint writable_calls;
} App;

static void app_maybe_close(App *a)
{
    if (!a->sock || a->close_called || a->tx_queued < a->tx_total)
        return;
    if (a->close_when_sent || (a->close_on_peer_close && a->peer_closed)) {
        a->close_called = TRUE;
        tcp_close(a->sock);
    }
}

static void app_pump(App *a)
{
    uint8_t buf[8192];
    while (a->sock && a->tx_queued < a->tx_total) {
        size_t len = MIN(sizeof buf, a->tx_total - a->tx_queued);
        for (size_t i = 0; i < len; i++)
            buf[i] = pattern(a->tx_queued + i, a->tx_salt);
        size_t n = tcp_send(a->sock, buf, len);
        a->tx_queued += n;
        if (n < len)
            break;
    }
    app_maybe_close(a);
}

static void on_connected(TcpSocket *sock, void *user)
{
    App *a = user;
    g_assert_true(a->sock == sock);
    g_assert_false(a->connected);
    a->connected = TRUE;
    app_pump(a);
}

static void on_received(TcpSocket *sock, const uint8_t *data, size_t len, void *user)
{
    App *a = user;
    g_assert_true(a->sock == sock);
    g_assert_false(a->closed);
    g_assert_cmpuint(len, >, 0);
    for (size_t i = 0; i < len; i++)
        if (data[i] != pattern(a->rx_bytes + i, a->rx_salt))
            a->rx_bad = TRUE;
    a->rx_bytes += len;
    if (a->abort_in_received) {
        a->abort_in_received = FALSE;
        tcp_abort(sock); /* runs `closed` now; the socket must stay usable by the layer */
        g_assert_true(a->closed);
        return;
    }
    if (a->close_in_received) {
        a->close_in_received = FALSE;
        a->close_called = TRUE;
        tcp_close(sock);
        g_assert_cmpuint(tcp_send(sock, "x", 1), ==, 0); /* nothing after close */
    }
}

static void on_writable(TcpSocket *sock, void *user)
{
    App *a = user;
    g_assert_true(a->sock == sock);
    a->writable_calls++;
    app_pump(a);
}

static void on_peer_closed(TcpSocket *sock, void *user)
{
    App *a = user;
    g_assert_true(a->sock == sock);
    g_assert_false(a->peer_closed);
    a->peer_closed = TRUE;
    app_maybe_close(a);
}

static void on_closed(TcpSocket *sock, TcpCloseReason reason, void *user)
{
    App *a = user;
    g_assert_true(a->sock == sock);
    g_assert_false(a->closed);
    a->closed = TRUE;
    a->reason = reason;
    tcp_socket_stats(sock, &a->stats);
    a->closed_at = sim_engine_now(a->wire->engine);
    a->sock = NULL;
}

static const TcpCallbacks app_callbacks = {
    .connected = on_connected,
    .received = on_received,
    .writable = on_writable,
    .peer_closed = on_peer_closed,
    .closed = on_closed,
};

typedef struct {
    App *apps;
    guint n_apps;
    guint accepted;
} Server;

static void on_accept(TcpSocket *listener, TcpSocket *conn, void *user)
{
    Server *srv = user;
    g_assert_nonnull(listener);
    g_assert_cmpuint(srv->accepted, <, srv->n_apps);
    App *a = &srv->apps[srv->accepted++];
    a->sock = conn;
    a->connected = TRUE;
    tcp_socket_set_callbacks(conn, &app_callbacks, a);
    app_pump(a);
}

static void app_init(App *a, Wire *w, size_t tx_total, uint8_t tx_salt, uint8_t rx_salt)
{
    memset(a, 0, sizeof *a);
    a->wire = w;
    a->tx_total = tx_total;
    a->tx_salt = tx_salt;
    a->rx_salt = rx_salt;
}

static TcpSocket *listen_on(Wire *w, uint16_t port, Server *srv)
{
    GError *err = NULL;
    TcpSocket *ls = tcp_listen(w->end[1].layer, NULL, port, on_accept, srv, &err);
    g_assert_no_error(err);
    g_assert_nonnull(ls);
    return ls;
}

static void connect_app(Wire *w, App *a, uint16_t port)
{
    GError *err = NULL;
    a->sock = tcp_connect(w->end[0].layer, &w->end[1].addr, port, &app_callbacks, a, &err);
    g_assert_no_error(err);
    g_assert_nonnull(a->sock);
}

/* Client (side A) sends CLIENT_BYTES and closes when done; the server (B) sends SERVER_BYTES and
 * closes after the client's FIN. Runs to the end. */
static void run_transfer(Wire *w, App *client, App *server, size_t client_bytes, size_t server_bytes)
{
    app_init(client, w, client_bytes, 1, 2);
    app_init(server, w, server_bytes, 2, 1);
    client->close_when_sent = TRUE;
    server->close_on_peer_close = TRUE;
    Server srv = {.apps = server, .n_apps = 1};
    listen_on(w, 80, &srv);
    connect_app(w, client, 80);
    wire_run(w);
    g_assert_cmpuint(srv.accepted, ==, 1);
}

static void assert_transfer_ok(const App *client, const App *server, size_t c2s, size_t s2c)
{
    g_assert_true(client->connected);
    g_assert_true(server->connected);
    g_assert_cmpuint(server->rx_bytes, ==, c2s);
    g_assert_false(server->rx_bad);
    g_assert_cmpuint(client->rx_bytes, ==, s2c);
    g_assert_false(client->rx_bad);
    g_assert_true(client->closed);
    g_assert_true(server->closed);
    g_assert_cmpint(client->reason, ==, TCP_CLOSED_NORMAL);
    g_assert_cmpint(server->reason, ==, TCP_CLOSED_NORMAL);
    g_assert_cmpuint(client->stats.bytes_acked, ==, c2s);
    g_assert_cmpuint(server->stats.bytes_acked, ==, s2c);
    g_assert_cmpuint(server->stats.bytes_received, ==, c2s);
}

/* ---- tests ---------------------------------------------------------------------------------- */

static void test_transfer_clean(void)
{
    Wire *w = wire_new(1);
    App c, s;
    run_transfer(w, &c, &s, MB, 0);
    assert_transfer_ok(&c, &s, MB, 0);
    g_assert_cmpuint(c.stats.retransmits, ==, 0);
    g_assert_cmpuint(c.stats.timeouts, ==, 0);
    g_assert_cmpuint(s.stats.retransmits, ==, 0);
    g_assert_cmpuint(c.stats.bytes_sent, ==, MB);
    g_assert_cmpuint(c.stats.mss, ==, 1460);
    g_assert_cmpuint(w->end[0].max_payload, ==, 1460);
    g_assert_cmpuint(w->end[0].syn_mss, ==, 1460);
    g_assert_cmpuint(w->end[1].syn_mss, ==, 1460);
    /* RTT is 2 * 10 ms: the estimator must have converged near it. */
    g_assert_cmpint(c.stats.srtt, >=, 20 * SIM_MS);
    g_assert_cmpint(c.stats.srtt, <, 40 * SIM_MS);
    g_assert_cmpuint(c.writable_calls, >, 0);
    for (int i = 0; i < 2; i++) {
        g_assert_cmpuint(w->end[i].ev_established, ==, 1);
        g_assert_cmpuint(w->end[i].ev_closed, ==, 1);
        g_assert_cmpuint(w->end[i].ev_rexmit_timeout + w->end[i].ev_rexmit_fast, ==, 0);
        g_assert_cmpuint(w->end[i].rsts, ==, 0);
        TcpLayerStats ls;
        tcp_layer_stats(w->end[i].layer, &ls);
        g_assert_cmpuint(ls.bad_checksum + ls.malformed + ls.resets_sent, ==, 0);
    }
    /* The active closer waited out TIME-WAIT (2 * MSL = 60 s) before the run could end. */
    g_assert_cmpint(sim_engine_now(w->engine), >=, 60 * SIM_S);
    wire_free(w);
}

static void test_transfer_loss(void)
{
    guint64 fast = 0, timeouts = 0;
    for (uint64_t seed = 1; seed <= 3; seed++) {
        Wire *w = wire_new(seed);
        w->end[0].loss = w->end[1].loss = 0.05;
        App c, s;
        run_transfer(w, &c, &s, MB, 0);
        assert_transfer_ok(&c, &s, MB, 0);
        g_assert_cmpuint(c.stats.retransmits, >, 0);
        g_assert_cmpuint(c.stats.bytes_sent, >, MB);
        g_assert_cmpuint(w->end[0].lost, >, 0);
        g_assert_cmpuint(w->end[1].lost, >, 0);
        g_assert_cmpuint(c.stats.fast_retransmits, ==, w->end[0].ev_rexmit_fast);
        g_assert_cmpuint(c.stats.dup_acks, >, 0);
        g_assert_cmpuint(s.stats.out_of_order, >, 0);
        fast += c.stats.fast_retransmits;
        timeouts += c.stats.timeouts;
        if (g_test_verbose())
            g_printerr("seed %" G_GUINT64_FORMAT ": rexmit %" G_GUINT64_FORMAT " fast %" G_GUINT64_FORMAT
                       " rto %" G_GUINT64_FORMAT " end %.1fs\n",
                       seed, c.stats.retransmits, c.stats.fast_retransmits, c.stats.timeouts,
                       (double)c.closed_at / SIM_S);
        wire_free(w);
    }
    g_assert_cmpuint(fast, >, 0);
    g_assert_cmpuint(timeouts, >, 0);
}

static void test_reorder(void)
{
    Wire *w = wire_new(7);
    w->end[0].reorder = 0.1;
    w->end[0].reorder_delay = 3 * SIM_MS;
    w->end[0].rate_bps = 100000000; /* 100 Mbit/s: segments of a flight arrive spread out */
    App c, s;
    run_transfer(w, &c, &s, MB, 0);
    assert_transfer_ok(&c, &s, MB, 0);
    g_assert_cmpuint(s.stats.out_of_order, >, 0);
    g_assert_cmpuint(c.stats.dup_acks, >, 0);
    wire_free(w);
}

static void test_refused(void)
{
    Wire *w = wire_new(3);
    Server srv = {0};
    listen_on(w, 80, &srv);
    App c;
    app_init(&c, w, 1000, 1, 2);
    connect_app(w, &c, 81); /* nobody listens there */
    wire_run(w);
    g_assert_false(c.connected);
    g_assert_true(c.closed);
    g_assert_cmpint(c.reason, ==, TCP_CLOSED_RESET);
    g_assert_cmpuint(c.stats.bytes_sent, ==, 0);
    TcpLayerStats ls;
    tcp_layer_stats(w->end[1].layer, &ls);
    g_assert_cmpuint(ls.resets_sent, ==, 1);
    g_assert_cmpuint(w->end[1].ev_reset_sent, ==, 1);
    g_assert_cmpuint(w->end[1].rsts, ==, 1);
    g_assert_cmpuint(srv.accepted, ==, 0);
    g_assert_cmpuint(w->end[0].ev_established, ==, 0);
    wire_free(w);
}

/* Peer-gone scenario: B aborts (its RST lost or delivered), A learns by RST. */
typedef struct {
    Wire *w;
    App *client, *server;
    gboolean lose_rst;
} Gone;

static void gone_abort(void *arg)
{
    Gone *g = arg;
    g_assert_true(g->client->connected && g->server->connected);
    g->w->end[1].blackhole = g->lose_rst;
    tcp_abort(g->server->sock);
    g_assert_true(g->server->closed); /* `closed` ran inside tcp_abort */
    g_assert_cmpint(g->server->reason, ==, TCP_CLOSED_ABORTED);
    g->w->end[1].blackhole = FALSE;
}

static void gone_send(void *arg)
{
    Gone *g = arg;
    if (g->client->closed)
        return;
    g_assert_cmpuint(tcp_send(g->client->sock, "hello", 5), ==, 5);
}

static void run_gone(gboolean lose_rst)
{
    Wire *w = wire_new(11);
    App c, s;
    app_init(&c, w, 0, 1, 2);
    app_init(&s, w, 0, 2, 1);
    Server srv = {.apps = &s, .n_apps = 1};
    listen_on(w, 80, &srv);
    connect_app(w, &c, 80);
    Gone g = {.w = w, .client = &c, .server = &s, .lose_rst = lose_rst};
    sim_engine_schedule_at(w->engine, 1 * SIM_S, gone_abort, &g);
    sim_engine_schedule_at(w->engine, 2 * SIM_S, gone_send, &g);
    wire_run(w);
    g_assert_true(c.closed);
    g_assert_cmpint(c.reason, ==, TCP_CLOSED_RESET);
    TcpLayerStats ls;
    tcp_layer_stats(w->end[1].layer, &ls);
    if (lose_rst) {
        /* A only found out when it sent: B's layer answered the data with a RST. */
        g_assert_cmpint(c.closed_at, >=, 2 * SIM_S);
        g_assert_cmpuint(ls.resets_sent, ==, 1);
    } else {
        g_assert_cmpint(c.closed_at, <, 2 * SIM_S);
        g_assert_cmpuint(ls.resets_sent, ==, 0);
    }
    /* the abort's RST, plus the answer to the data when that one was lost */
    g_assert_cmpuint(w->end[1].ev_reset_sent, ==, lose_rst ? 2 : 1);
    wire_free(w);
}

static void test_peer_gone(void)
{
    run_gone(TRUE);
    run_gone(FALSE);
}

static void test_bidirectional(void)
{
    for (int lossy = 0; lossy <= 1; lossy++) {
        Wire *w = wire_new(5 + lossy);
        if (lossy)
            w->end[0].loss = w->end[1].loss = 0.03;
        App c, s;
        app_init(&c, w, 200 * 1024, 1, 2);
        app_init(&s, w, 200 * 1024, 2, 1);
        c.close_when_sent = TRUE;
        s.close_when_sent = TRUE; /* both close on their own: FINs may cross (CLOSING) */
        Server srv = {.apps = &s, .n_apps = 1};
        listen_on(w, 80, &srv);
        connect_app(w, &c, 80);
        wire_run(w);
        assert_transfer_ok(&c, &s, 200 * 1024, 200 * 1024);
        g_assert_cmpuint(c.stats.bytes_received, ==, 200 * 1024);
        wire_free(w);
    }
}

static void test_corrupt(void)
{
    Wire *w = wire_new(13);
    w->end[0].corrupt_nth = 10;
    App c, s;
    run_transfer(w, &c, &s, 200 * 1024, 0);
    assert_transfer_ok(&c, &s, 200 * 1024, 0);
    g_assert_cmpuint(w->end[0].corrupted, ==, 1);
    TcpLayerStats ls;
    tcp_layer_stats(w->end[1].layer, &ls);
    g_assert_cmpuint(ls.bad_checksum, ==, 1);
    g_assert_cmpuint(ls.malformed, ==, 0);
    g_assert_cmpuint(w->end[1].ev_drop, ==, 1);
    g_assert_cmpstr(w->end[1].last_drop_reason, ==, "bad-checksum");
    g_assert_cmpuint(c.stats.retransmits, >, 0);
    wire_free(w);
}

/* A valid SYN from A to B:80 with the given options, checksum filled in. */
static SimPacket *make_seg(const SimAddr *src, const SimAddr *dst, uint16_t sport, uint16_t dport, uint32_t seq,
                           uint32_t ack, uint8_t flags, const uint8_t *opt, size_t optlen, size_t payload)
{
    size_t hl = 20 + optlen;
    SimPacket *p = sim_packet_new_empty(SIM_PACKET_HEADROOM, hl + payload);
    uint8_t *h = sim_packet_put(p, hl + payload);
    memset(h, 0, hl + payload);
    h[0] = (uint8_t)(sport >> 8), h[1] = (uint8_t)sport;
    h[2] = (uint8_t)(dport >> 8), h[3] = (uint8_t)dport;
    for (int i = 0; i < 4; i++) {
        h[4 + i] = (uint8_t)(seq >> (24 - 8 * i));
        h[8 + i] = (uint8_t)(ack >> (24 - 8 * i));
    }
    h[12] = (uint8_t)((hl / 4) << 4);
    h[13] = flags;
    h[14] = 0xff, h[15] = 0xff;
    if (optlen)
        memcpy(h + 20, opt, optlen);
    for (size_t i = 0; i < payload; i++)
        h[hl + i] = (uint8_t)i;
    uint16_t c = inet_checksum_pseudo(src, dst, TCP_PROTO, h, hl + payload);
    h[16] = (uint8_t)(c >> 8), h[17] = (uint8_t)c;
    return p;
}

static void fix_checksum(SimPacket *p, const SimAddr *src, const SimAddr *dst)
{
    uint8_t *h = sim_packet_data(p);
    size_t n = sim_packet_len(p);
    if (n < 18)
        return;
    h[16] = h[17] = 0;
    uint16_t c = inet_checksum_pseudo(src, dst, TCP_PROTO, h, n);
    h[16] = (uint8_t)(c >> 8), h[17] = (uint8_t)c;
}

static void expect_drop(Wire *w, SimPacket *p, const char *reason, gboolean bad_sum)
{
    WireEnd *b = &w->end[1];
    TcpLayerStats before, after;
    tcp_layer_stats(b->layer, &before);
    guint drops = b->ev_drop, segs = b->segs;
    tcp_layer_input(b->layer, p, &w->end[0].addr, &b->addr);
    tcp_layer_stats(b->layer, &after);
    g_assert_cmpuint(after.bad_checksum, ==, before.bad_checksum + (bad_sum ? 1 : 0));
    g_assert_cmpuint(after.malformed, ==, before.malformed + (bad_sum ? 0 : 1));
    g_assert_cmpuint(b->ev_drop, ==, drops + 1);
    g_assert_cmpstr(b->last_drop_reason, ==, reason);
    g_assert_cmpuint(b->segs, ==, segs); /* nothing answered */
}

static void test_malformed_cases(void)
{
    Wire *w = wire_new(17);
    Server srv = {0};
    listen_on(w, 80, &srv);
    const SimAddr *a = &w->end[0].addr, *b = &w->end[1].addr;
    const uint8_t mss[] = {2, 4, 0x05, 0xb4};
    SimPacket *p;

    p = make_seg(a, b, 1234, 80, 100, 0, 0x02, mss, 4, 0);
    sim_packet_data(p)[12] = 0x40; /* data offset 4 */
    fix_checksum(p, a, b);
    expect_drop(w, p, "bad-data-offset", FALSE);

    p = make_seg(a, b, 1234, 80, 100, 0, 0x02, mss, 4, 0);
    sim_packet_data(p)[12] = 0xf0; /* 60-byte header in a 24-byte segment */
    fix_checksum(p, a, b);
    expect_drop(w, p, "header-too-long", FALSE);

    const uint8_t zero_len[] = {1, 1, 9, 0};
    expect_drop(w, make_seg(a, b, 1234, 80, 100, 0, 0x02, zero_len, 4, 0), "bad-option", FALSE);
    const uint8_t mss_len3[] = {2, 3, 5, 0};
    expect_drop(w, make_seg(a, b, 1234, 80, 100, 0, 0x02, mss_len3, 4, 0), "bad-option", FALSE);
    const uint8_t overrun[] = {1, 1, 8, 10};
    expect_drop(w, make_seg(a, b, 1234, 80, 100, 0, 0x02, overrun, 4, 0), "bad-option", FALSE);
    const uint8_t no_len[] = {1, 1, 1, 8};
    expect_drop(w, make_seg(a, b, 1234, 80, 100, 0, 0x02, no_len, 4, 0), "bad-option", FALSE);
    expect_drop(w, make_seg(a, b, 0, 80, 100, 0, 0x02, NULL, 0, 0), "zero-port", FALSE);

    p = make_seg(a, b, 1234, 80, 100, 0, 0x02, mss, 4, 0);
    sim_packet_trim(p, 12);
    expect_drop(w, p, "short-segment", FALSE);

    p = make_seg(a, b, 1234, 80, 100, 0, 0x02, mss, 4, 10);
    sim_packet_data(p)[30] ^= 1;
    expect_drop(w, p, "bad-checksum", TRUE);

    SimAddr v6;
    g_assert_true(sim_addr_parse("2001:db8::1", &v6));
    TcpLayerStats ls;
    tcp_layer_stats(w->end[1].layer, &ls);
    tcp_layer_input(w->end[1].layer, make_seg(&v6, b, 1234, 80, 1, 0, 0x02, NULL, 0, 0), &v6, b);
    TcpLayerStats ls2;
    tcp_layer_stats(w->end[1].layer, &ls2);
    g_assert_cmpuint(ls2.malformed, ==, ls.malformed + 1);

    /* Well-formed options (NOP, MSS, unknown kind with a length, EOL) are accepted: SYN,ACK. */
    const uint8_t good[] = {1, 2, 4, 0x02, 0x18, 30, 2, 0};
    guint segs = w->end[1].segs;
    tcp_layer_input(w->end[1].layer, make_seg(a, b, 1234, 80, 100, 0, 0x02, good, 8, 0), a, b);
    g_assert_cmpuint(w->end[1].segs, ==, segs + 1);
    g_assert_cmpuint(w->end[1].syns, ==, 1);
    /* A SYN,ACK to a port with no socket: RST with SEQ = SEG.ACK (RFC 9293 §3.10.7.1). */
    tcp_layer_input(w->end[1].layer, make_seg(a, b, 1235, 99, 500, 777, 0x12, NULL, 0, 0), a, b);
    g_assert_cmpuint(w->end[1].rsts, ==, 1);
    /* A RST to nobody gets no answer. */
    tcp_layer_input(w->end[1].layer, make_seg(a, b, 1235, 99, 500, 777, 0x04, NULL, 0, 0), a, b);
    g_assert_cmpuint(w->end[1].rsts, ==, 1);
    wire_run(w);
    wire_free(w);
}

/* ---- fuzz ----------------------------------------------------------------------------------- */

static void fuzz_one(Wire *w, int to, SimPacket *p, gboolean fix)
{
    WireEnd *e = &w->end[to];
    const SimAddr *src = &w->end[1 - to].addr;
    if (fix)
        fix_checksum(p, src, &e->addr);
    tcp_layer_input(e->layer, p, src, &e->addr);
}

static void test_fuzz(void)
{
    Wire *w = wire_new(19);
    w->end[0].capture = g_ptr_array_new_with_free_func((GDestroyNotify)sim_packet_unref);
    w->end[1].capture = g_ptr_array_new_with_free_func((GDestroyNotify)sim_packet_unref);
    w->end[0].loss = w->end[1].loss = 0.02;
    App c, s;
    run_transfer(w, &c, &s, 100 * 1024, 20 * 1024); /* captures SYN, data, FIN, ACK segments */
    assert_transfer_ok(&c, &s, 100 * 1024, 20 * 1024);
    w->end[0].loss = w->end[1].loss = 0;

    /* A live connection in mid-transfer for the mutated segments to hit. */
    App c2, s2;
    app_init(&c2, w, 50 * MB, 3, 4);
    app_init(&s2, w, 50 * MB, 4, 3);
    Server srv = {.apps = &s2, .n_apps = 1};
    listen_on(w, 8080, &srv);
    connect_app(w, &c2, 8080);
    sim_engine_run_until(w->engine, sim_engine_now(w->engine) + 500 * SIM_MS);
    g_assert_true(c2.connected && s2.connected);
    uint16_t cport, sport;
    tcp_socket_local(c2.sock, NULL, &cport);
    tcp_socket_local(s2.sock, NULL, &sport);
    g_assert_cmpuint(sport, ==, 8080);

    SimRng *r = sim_rng_new(19, "fuzz");
    uint8_t buf[100];
    for (int i = 0; i < 10000; i++) {
        int to = (int)sim_rng_range(r, 0, 1);
        size_t len = (size_t)sim_rng_range(r, 0, 100);
        sim_rng_bytes(r, buf, len);
        SimPacket *p = sim_packet_new(buf, len, SIM_PACKET_HEADROOM);
        fuzz_one(w, to, p, sim_rng_bernoulli(r, 0.5));
        if (i % 100 == 0)
            sim_engine_run_until(w->engine, sim_engine_now(w->engine) + SIM_MS);
    }
    for (int i = 0; i < 10000; i++) {
        int from = (int)sim_rng_range(r, 0, 1);
        GPtrArray *cap = w->end[from].capture;
        SimPacket *p = sim_packet_copy(g_ptr_array_index(cap, (guint)sim_rng_range(r, 0, cap->len - 1)));
        uint8_t *h = sim_packet_data(p);
        size_t n = sim_packet_len(p);
        if (sim_rng_bernoulli(r, 0.5) && n >= 4) {
            /* aim at the live connection */
            uint16_t src_port = from == 0 ? cport : sport, dst_port = from == 0 ? sport : cport;
            h[0] = (uint8_t)(src_port >> 8), h[1] = (uint8_t)src_port;
            h[2] = (uint8_t)(dst_port >> 8), h[3] = (uint8_t)dst_port;
        }
        int muts = (int)sim_rng_range(r, 1, 4);
        for (int m = 0; m < muts; m++) {
            switch (sim_rng_range(r, 0, 4)) {
            case 0: /* any byte of the header */
                if (n)
                    h[sim_rng_range(r, 0, (int64_t)MIN(n, 60) - 1)] = (uint8_t)sim_rng_uint32(r);
                break;
            case 1: /* data offset */
                if (n > 12)
                    h[12] = (uint8_t)(sim_rng_range(r, 0, 15) << 4);
                break;
            case 2: /* truncate */
                sim_packet_trim(p, (size_t)sim_rng_range(r, 0, (int64_t)n));
                n = sim_packet_len(p);
                break;
            case 3: /* flags */
                if (n > 13)
                    h[13] = (uint8_t)sim_rng_uint32(r);
                break;
            default: /* sequence / ack numbers */
                if (n >= 12)
                    h[4 + sim_rng_range(r, 0, 7)] = (uint8_t)sim_rng_uint32(r);
                break;
            }
        }
        fuzz_one(w, 1 - from, p, sim_rng_bernoulli(r, 0.7));
        if (i % 100 == 0)
            sim_engine_run_until(w->engine, sim_engine_now(w->engine) + SIM_MS);
    }
    sim_rng_free(r);
    TcpLayerStats la, lb;
    tcp_layer_stats(w->end[0].layer, &la);
    tcp_layer_stats(w->end[1].layer, &lb);
    g_assert_cmpuint(la.malformed + lb.malformed, >, 1000);
    g_assert_cmpuint(la.bad_checksum + lb.bad_checksum, >, 1000);
    g_assert_cmpuint(la.resets_sent + lb.resets_sent, >, 0);
    if (g_test_verbose())
        g_printerr("fuzz: malformed %" G_GUINT64_FORMAT " bad checksum %" G_GUINT64_FORMAT " resets %" G_GUINT64_FORMAT
                   "\n",
                   la.malformed + lb.malformed, la.bad_checksum + lb.bad_checksum, la.resets_sent + lb.resets_sent);
    /* Let things settle for a while (the connection may have been reset by a lucky segment). */
    sim_engine_run_until(w->engine, sim_engine_now(w->engine) + 2 * SIM_S);
    wire_free(w); /* frees live sockets, queued segments and timers silently */
}

/* ---- timeouts ------------------------------------------------------------------------------- */

static void test_timeout_syn(void)
{
    Wire *w = wire_new(23);
    w->end[0].blackhole = TRUE;
    App c;
    app_init(&c, w, 1000, 1, 2);
    connect_app(w, &c, 80);
    wire_run(w);
    g_assert_false(c.connected);
    g_assert_true(c.closed);
    g_assert_cmpint(c.reason, ==, TCP_CLOSED_TIMEOUT);
    g_assert_cmpuint(w->end[0].syns, ==, 13); /* the SYN and 12 retransmissions */
    g_assert_cmpuint(w->end[0].ev_rexmit_timeout, ==, 12);
    g_assert_cmpuint(c.stats.timeouts, ==, 12);
    /* 1+2+4+...+32 then 60 s each (RFC 6298 §5.5 with a 60 s ceiling) */
    g_assert_cmpint(c.closed_at, ==, (1 + 2 + 4 + 8 + 16 + 32 + 60 * 7) * SIM_S);
    wire_free(w);
}

static void blackhole_both(void *arg)
{
    Wire *w = arg;
    w->end[0].blackhole = w->end[1].blackhole = TRUE;
}

static void test_timeout_established(void)
{
    Wire *w = wire_new(29);
    App c, s;
    app_init(&c, w, MB, 1, 2);
    app_init(&s, w, 0, 2, 1);
    c.close_when_sent = TRUE;
    Server srv = {.apps = &s, .n_apps = 1};
    listen_on(w, 80, &srv);
    connect_app(w, &c, 80);
    sim_engine_schedule_at(w->engine, 300 * SIM_MS, blackhole_both, w);
    wire_run(w);
    g_assert_true(c.connected);
    g_assert_true(c.closed);
    g_assert_cmpint(c.reason, ==, TCP_CLOSED_TIMEOUT);
    g_assert_cmpuint(c.stats.timeouts, ==, 12);
    g_assert_cmpuint(s.rx_bytes, <, MB);
    g_assert_false(s.rx_bad);
    g_assert_false(s.closed); /* the receiver has nothing outstanding: it just waits, no timer */
    wire_free(w);
}

/* ---- MSS and IPv6 --------------------------------------------------------------------------- */

static void test_mss(void)
{
    /* IPv4, A's interface MTU 576: both directions use 536. */
    Wire *w = wire_new_full(31, FALSE, 576, 1500);
    App c, s;
    run_transfer(w, &c, &s, 100 * 1024, 100 * 1024);
    assert_transfer_ok(&c, &s, 100 * 1024, 100 * 1024);
    g_assert_cmpuint(w->end[0].syn_mss, ==, 536);
    g_assert_cmpuint(w->end[1].syn_mss, ==, 1460);
    g_assert_cmpuint(w->end[0].max_payload, ==, 536);
    g_assert_cmpuint(w->end[1].max_payload, ==, 536);
    g_assert_cmpuint(c.stats.mss, ==, 536);
    g_assert_cmpuint(s.stats.mss, ==, 536);
    wire_free(w);

    /* IPv6 at the IPv6 minimum MTU 1280: 1220. */
    w = wire_new_full(32, TRUE, 1280, 1280);
    run_transfer(w, &c, &s, 100 * 1024, 100 * 1024);
    assert_transfer_ok(&c, &s, 100 * 1024, 100 * 1024);
    g_assert_cmpuint(w->end[0].syn_mss, ==, 1220);
    g_assert_cmpuint(w->end[1].syn_mss, ==, 1220);
    g_assert_cmpuint(w->end[0].max_payload, ==, 1220);
    g_assert_cmpuint(w->end[1].max_payload, ==, 1220);
    wire_free(w);
}

static void test_ipv6(void)
{
    Wire *w = wire_new_full(37, TRUE, 1500, 1500);
    w->end[0].loss = w->end[1].loss = 0.02;
    App c, s;
    run_transfer(w, &c, &s, 300 * 1024, 10 * 1024);
    assert_transfer_ok(&c, &s, 300 * 1024, 10 * 1024);
    g_assert_cmpuint(c.stats.mss, ==, 1440);
    for (int i = 0; i < 2; i++) {
        TcpLayerStats ls;
        tcp_layer_stats(w->end[i].layer, &ls);
        g_assert_cmpuint(ls.bad_checksum, ==, 0); /* the receiver verified the IPv6 pseudo-header */
        g_assert_cmpuint(w->end[i].segs, >, 0);
    }
    wire_free(w);
}

/* ---- closing and re-entrancy ---------------------------------------------------------------- */

static void test_abort_in_received(void)
{
    Wire *w = wire_new(41);
    App c, s;
    app_init(&c, w, 100 * 1024, 1, 2);
    app_init(&s, w, 0, 2, 1);
    c.close_when_sent = TRUE;
    s.abort_in_received = TRUE;
    Server srv = {.apps = &s, .n_apps = 1};
    listen_on(w, 80, &srv);
    connect_app(w, &c, 80);
    wire_run(w);
    g_assert_true(s.closed);
    g_assert_cmpint(s.reason, ==, TCP_CLOSED_ABORTED);
    g_assert_cmpuint(s.rx_bytes, >, 0);
    g_assert_true(c.closed);
    g_assert_cmpint(c.reason, ==, TCP_CLOSED_RESET);
    wire_free(w);
}

static void test_close_in_received(void)
{
    /* The server half-closes on the first data it sees and keeps receiving the rest. */
    Wire *w = wire_new(43);
    App c, s;
    app_init(&c, w, 300 * 1024, 1, 2);
    app_init(&s, w, 0, 2, 1);
    c.close_on_peer_close = TRUE;
    s.close_in_received = TRUE;
    Server srv = {.apps = &s, .n_apps = 1};
    listen_on(w, 80, &srv);
    connect_app(w, &c, 80);
    wire_run(w);
    g_assert_true(c.peer_closed);
    assert_transfer_ok(&c, &s, 300 * 1024, 0);
    wire_free(w);
}

static void test_close_during_handshake(void)
{
    /* send + close right after connect: the data and the FIN follow the handshake. */
    Wire *w = wire_new(47);
    App c, s;
    app_init(&c, w, 0, 1, 2);
    app_init(&s, w, 0, 2, 1);
    s.close_on_peer_close = TRUE;
    Server srv = {.apps = &s, .n_apps = 1};
    listen_on(w, 80, &srv);
    connect_app(w, &c, 80);
    uint8_t buf[3000];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = pattern(i, 1);
    g_assert_cmpuint(tcp_send(c.sock, buf, sizeof buf), ==, sizeof buf);
    c.tx_total = c.tx_queued = sizeof buf;
    c.close_called = TRUE;
    tcp_close(c.sock);
    g_assert_cmpstr(tcp_socket_state_name(c.sock), ==, "SYN-SENT");
    wire_run(w);
    assert_transfer_ok(&c, &s, sizeof buf, 0);
    wire_free(w);
}

static void simultaneous_close(void *arg)
{
    App *apps = arg;
    apps[0].close_called = apps[1].close_called = TRUE;
    tcp_close(apps[0].sock);
    tcp_close(apps[1].sock);
    g_assert_cmpstr(tcp_socket_state_name(apps[0].sock), ==, "FIN-WAIT-1");
}

static void test_simultaneous_close(void)
{
    Wire *w = wire_new(53);
    App apps[2];
    app_init(&apps[0], w, 0, 1, 2);
    app_init(&apps[1], w, 0, 2, 1);
    Server srv = {.apps = &apps[1], .n_apps = 1};
    listen_on(w, 80, &srv);
    connect_app(w, &apps[0], 80);
    sim_engine_schedule_at(w->engine, 1 * SIM_S, simultaneous_close, apps);
    wire_run(w);
    assert_transfer_ok(&apps[0], &apps[1], 0, 0);
    /* Both went FIN-WAIT-1 -> CLOSING -> TIME-WAIT: closed as soon as the FINs were acked. */
    g_assert_cmpint(apps[0].closed_at, <, 2 * SIM_S);
    g_assert_cmpint(apps[1].closed_at, <, 2 * SIM_S);
    wire_free(w);
}

/* ---- zero window: a hand-written peer ------------------------------------------------------- */

typedef struct {
    WireEnd *self;
    uint32_t iss, rcv_nxt;
    guint zero_answers; /* probes to answer with a zero window before opening it */
    gboolean silent;    /* after the SYN,ACK, answer nothing */
    gboolean take_last_probe; /* the answer that opens the window also accepts the probe byte */
    guint probes;
    SimTime last_probe_at;
    size_t received;
    gboolean rx_bad, fin_seen;
    uint16_t port_a;
} RawPeer;

static void raw_send(RawPeer *rp, const SimAddr *to, uint32_t seq, uint8_t flags, uint16_t wnd, gboolean mss)
{
    const uint8_t opt[] = {2, 4, 0x03, 0xe8}; /* MSS 1000 */
    WireEnd *e = rp->self;
    SimPacket *p = make_seg(&e->addr, to, 80, rp->port_a, seq, rp->rcv_nxt, flags, mss ? opt : NULL, mss ? 4 : 0, 0);
    uint8_t *h = sim_packet_data(p);
    h[14] = (uint8_t)(wnd >> 8), h[15] = (uint8_t)wnd;
    fix_checksum(p, &e->addr, to);
    wire_output(e, p, &e->addr, to);
}

static void raw_rx(WireEnd *e, SimPacket *seg, const SimAddr *src, const SimAddr *dst)
{
    RawPeer *rp = e->raw;
    const uint8_t *h = sim_packet_data(seg);
    size_t n = sim_packet_len(seg);
    g_assert_cmpuint(inet_checksum_pseudo(src, dst, TCP_PROTO, h, n), ==, 0);
    size_t hl = (size_t)(h[12] >> 4) * 4;
    uint32_t seq = (uint32_t)h[4] << 24 | (uint32_t)h[5] << 16 | (uint32_t)h[6] << 8 | h[7];
    uint8_t flags = h[13];
    size_t payload = n - hl;
    if (flags & 0x02) {
        rp->port_a = (uint16_t)(h[0] << 8 | h[1]);
        rp->rcv_nxt = seq + 1;
        raw_send(rp, src, rp->iss, 0x12, 0, TRUE); /* SYN,ACK with a zero window */
    } else if (rp->silent) {
        /* black hole */
    } else if (payload && rp->zero_answers > 0) {
        rp->probes++;
        rp->last_probe_at = sim_engine_now(e->wire->engine);
        rp->zero_answers--;
        g_assert_cmpuint(payload, ==, 1);
        g_assert_cmpuint(seq, ==, rp->rcv_nxt);
        if (rp->zero_answers == 0 && rp->take_last_probe) {
            if (h[hl] != pattern(rp->received, 1))
                rp->rx_bad = TRUE;
            rp->received++;
            rp->rcv_nxt++;
        }
        raw_send(rp, src, rp->iss + 1, 0x10, rp->zero_answers ? 0 : 65535, FALSE);
    } else {
        if (payload && seq == rp->rcv_nxt) {
            for (size_t i = 0; i < payload; i++)
                if (h[hl + i] != pattern(rp->received + i, 1))
                    rp->rx_bad = TRUE;
            rp->received += payload;
            rp->rcv_nxt += (uint32_t)payload;
        }
        uint8_t out = 0x10;
        if ((flags & 0x01) && seq + payload == rp->rcv_nxt && !rp->fin_seen) {
            rp->fin_seen = TRUE;
            rp->rcv_nxt++;
            out |= 0x01; /* our FIN with the ACK of theirs */
        }
        if (payload || (flags & 0x01))
            raw_send(rp, src, rp->iss + 1 + (rp->fin_seen && !(out & 0x01) ? 1 : 0), out, 65535, FALSE);
    }
    sim_packet_unref(seg);
}

static void test_zero_window(void)
{
    Wire *w = wire_new(59);
    RawPeer rp = {.self = &w->end[1], .iss = 5000, .zero_answers = 5, .take_last_probe = TRUE};
    w->end[1].raw_rx = raw_rx;
    w->end[1].raw = &rp;
    App c;
    app_init(&c, w, 20000, 1, 2);
    c.close_when_sent = TRUE;
    connect_app(w, &c, 80);
    wire_run(w);
    g_assert_true(c.connected);
    g_assert_cmpuint(rp.probes, ==, 5);
    /* Probes back off although each is answered: the first after one RTO (200 ms, the floor),
     * then 0.4, 0.8, 1.6, 3.2 s; the handshake took 20 ms and the probe 10 ms to arrive. */
    g_assert_cmpint(rp.last_probe_at, ==, (20 + 200 + 400 + 800 + 1600 + 3200 + 10) * SIM_MS);
    g_assert_cmpuint(rp.received, ==, 20000);
    g_assert_false(rp.rx_bad);
    g_assert_true(c.closed);
    g_assert_cmpint(c.reason, ==, TCP_CLOSED_NORMAL);
    g_assert_cmpuint(c.stats.bytes_acked, ==, 20000);
    g_assert_cmpuint(c.stats.mss, ==, 1000); /* the peer's smaller MSS option */
    g_assert_cmpuint(w->end[0].max_payload, ==, 1000);
    wire_free(w);

    /* The same peer goes silent after its zero-window SYN,ACK: the probes give up. */
    w = wire_new(61);
    RawPeer rp2 = {.self = &w->end[1], .iss = 9000, .silent = TRUE};
    w->end[1].raw_rx = raw_rx;
    w->end[1].raw = &rp2;
    app_init(&c, w, 20000, 1, 2);
    connect_app(w, &c, 80);
    wire_run(w);
    g_assert_true(c.connected);
    g_assert_true(c.closed);
    g_assert_cmpint(c.reason, ==, TCP_CLOSED_TIMEOUT);
    g_assert_cmpuint(w->end[0].data_segs, ==, 12); /* one-byte probes */
    g_assert_cmpuint(w->end[0].max_payload, ==, 1);
    wire_free(w);
}

/* ---- API ------------------------------------------------------------------------------------ */

static void test_ports_and_errors(void)
{
    Wire *w = wire_new(67);
    enum { N = 50 };
    App cs[N], ss[N];
    Server srv = {.apps = ss, .n_apps = N};
    listen_on(w, 80, &srv);
    GHashTable *seen = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (int i = 0; i < N; i++) {
        app_init(&cs[i], w, 1000, 1, 2);
        app_init(&ss[i], w, 0, 2, 1);
        cs[i].close_when_sent = TRUE;
        ss[i].close_on_peer_close = TRUE;
        connect_app(w, &cs[i], 80);
        uint16_t port;
        tcp_socket_local(cs[i].sock, NULL, &port);
        g_assert_cmpuint(port, >=, 49152);
        g_assert_false(g_hash_table_contains(seen, GUINT_TO_POINTER(port)));
        g_hash_table_add(seen, GUINT_TO_POINTER(port));
        SimAddr r;
        uint16_t rport;
        tcp_socket_remote(cs[i].sock, &r, &rport);
        g_assert_true(sim_addr_equal(&r, &w->end[1].addr));
        g_assert_cmpuint(rport, ==, 80);
    }
    g_hash_table_destroy(seen);

    GError *err = NULL;
    /* The port is taken by the listener above. */
    g_assert_null(tcp_listen(w->end[1].layer, NULL, 80, on_accept, &srv, &err));
    g_assert_error(err, TCP_ERROR, TCP_ERROR_ADDR_IN_USE);
    g_clear_error(&err);
    /* No route to an IPv6 destination from this IPv4-only end; no callback runs. */
    SimAddr v6;
    g_assert_true(sim_addr_parse("2001:db8::1", &v6));
    App x;
    app_init(&x, w, 0, 1, 2);
    g_assert_null(tcp_connect(w->end[0].layer, &v6, 80, &app_callbacks, &x, &err));
    g_assert_error(err, TCP_ERROR, TCP_ERROR_NO_ROUTE);
    g_clear_error(&err);
    g_assert_null(tcp_connect(w->end[0].layer, &w->end[1].addr, 0, &app_callbacks, &x, &err));
    g_assert_error(err, TCP_ERROR, TCP_ERROR_INVALID);
    g_clear_error(&err);

    wire_run(w);
    g_assert_cmpuint(srv.accepted, ==, N);
    for (int i = 0; i < N; i++)
        assert_transfer_ok(&cs[i], &ss[i], 1000, 0);
    g_assert_false(x.closed);
    g_assert_cmpstr(tcp_close_reason_name(TCP_CLOSED_TIMEOUT), ==, "timeout");
    wire_free(w);
}

static void test_layer_free_live(void)
{
    /* Freeing the layers mid-transfer: no callbacks, no leaks, no timers left behind. */
    Wire *w = wire_new(71);
    App c, s;
    app_init(&c, w, 10 * MB, 1, 2);
    app_init(&s, w, 0, 2, 1);
    Server srv = {.apps = &s, .n_apps = 1};
    listen_on(w, 80, &srv);
    connect_app(w, &c, 80);
    sim_engine_run_until(w->engine, 200 * SIM_MS);
    g_assert_true(c.connected && s.connected);
    tcp_abort(c.sock); /* one socket waits for the reaper when the layer goes */
    g_assert_true(c.closed);
    wire_free(w);
    g_assert_false(s.closed);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/tcp/transfer-clean", test_transfer_clean);
    g_test_add_func("/tcp/transfer-loss", test_transfer_loss);
    g_test_add_func("/tcp/reorder", test_reorder);
    g_test_add_func("/tcp/refused", test_refused);
    g_test_add_func("/tcp/peer-gone", test_peer_gone);
    g_test_add_func("/tcp/bidirectional", test_bidirectional);
    g_test_add_func("/tcp/corrupt", test_corrupt);
    g_test_add_func("/tcp/malformed-cases", test_malformed_cases);
    g_test_add_func("/tcp/fuzz", test_fuzz);
    g_test_add_func("/tcp/timeout-syn", test_timeout_syn);
    g_test_add_func("/tcp/timeout-established", test_timeout_established);
    g_test_add_func("/tcp/mss", test_mss);
    g_test_add_func("/tcp/ipv6", test_ipv6);
    g_test_add_func("/tcp/abort-in-received", test_abort_in_received);
    g_test_add_func("/tcp/close-in-received", test_close_in_received);
    g_test_add_func("/tcp/close-during-handshake", test_close_during_handshake);
    g_test_add_func("/tcp/simultaneous-close", test_simultaneous_close);
    g_test_add_func("/tcp/zero-window", test_zero_window);
    g_test_add_func("/tcp/ports-and-errors", test_ports_and_errors);
    g_test_add_func("/tcp/layer-free-live", test_layer_free_live);
    return g_test_run();
}
