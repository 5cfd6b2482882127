/* diameter-node.c: Diameter peers on the node's TCP, timers on the engine. */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/ims/diameter-node.h"
#include "links/tcp.h"
#include <string.h>

typedef struct {
    GBytes *msg;
    void *req_user;
} Queued;

typedef struct Conn Conn;
struct Conn {
    DiameterNode *dn;
    TcpSocket *sock; /* NULL once closed */
    DiameterPeer *peer;
    SimEventId timer;
    gboolean client;
};

struct DiameterNode {
    SimNode *node;
    char *origin_host, *origin_realm;
    DiameterPeerApp *apps; /* advertised in CER/CEA */
    guint n_apps;
    DiameterNodeHandlers h;
    void *user;
    SimRng *rng;
    TcpSocket *listener;
    GPtrArray *conns; /* Conn*, owned */
    Conn *client;     /* the client connection, if any */
    SimAddr server;
    uint16_t server_port;
    GQueue queue;     /* Queued*, waiting for the client peer to open */
    uint64_t sessions;
};

/* ---- peer ops ---- */

static void op_send(void *ctx, const uint8_t *data, size_t len)
{
    Conn *c = ctx;
    if (c->sock && tcp_send(c->sock, data, len) < len)
        g_debug("%s: Diameter send buffer full, message cut", c->dn->node->name);
}

static void on_timer(void *arg)
{
    Conn *c = arg;
    c->timer = 0;
    diameter_peer_timer_fired(c->peer);
}

static void op_timer_start(void *ctx, int64_t delay_ns)
{
    Conn *c = ctx;
    SimEngine *e = c->dn->node->world->engine;
    sim_engine_cancel(e, c->timer);
    c->timer = sim_engine_schedule_in(e, delay_ns, on_timer, c);
}

static void op_timer_cancel(void *ctx)
{
    Conn *c = ctx;
    sim_engine_cancel(c->dn->node->world->engine, c->timer);
    c->timer = 0;
}

static void op_request(void *ctx, DiameterPeer *peer, const DiameterMsg *msg)
{
    Conn *c = ctx;
    if (c->dn->h.request)
        c->dn->h.request(c->dn, peer, msg, c->dn->user);
}

static void op_answer(void *ctx, DiameterPeer *peer, const DiameterMsg *msg, void *user_data)
{
    Conn *c = ctx;
    (void)peer;
    if (c->dn->h.answer)
        c->dn->h.answer(c->dn, msg, user_data, c->dn->user);
}

static void flush_queue(DiameterNode *dn)
{
    while (dn->client && diameter_peer_is_open(dn->client->peer) && !g_queue_is_empty(&dn->queue)) {
        Queued *q = g_queue_pop_head(&dn->queue);
        GError *err = NULL;
        if (!diameter_peer_send_request(dn->client->peer, q->msg, q->req_user, &err)) {
            g_debug("%s: queued Diameter request not sent: %s", dn->node->name, err->message);
            g_error_free(err);
            if (dn->h.answer)
                dn->h.answer(dn, NULL, q->req_user, dn->user);
        }
        g_bytes_unref(q->msg);
        g_free(q);
    }
}

static void op_event(void *ctx, DiameterPeer *peer, DiameterPeerEvent ev, const char *detail)
{
    Conn *c = ctx;
    (void)peer;
    SimAttr attrs[] = {SIM_ATTR_S("event", diameter_peer_event_name(ev)), SIM_ATTR_S("detail", detail ? detail : "")};
    sim_node_event(c->dn->node, "diameter-peer", attrs, G_N_ELEMENTS(attrs));
    if (ev == DIAMETER_PEER_EV_OPEN && c->client)
        flush_queue(c->dn);
}

/* ---- TCP ---- */

static void tcp_connected(TcpSocket *sock, void *user)
{
    Conn *c = user;
    (void)sock;
    diameter_peer_connected(c->peer);
}

static void tcp_received(TcpSocket *sock, const uint8_t *data, size_t len, void *user)
{
    Conn *c = user;
    (void)sock;
    diameter_peer_receive(c->peer, data, len);
}

static void tcp_peer_closed(TcpSocket *sock, void *user)
{
    (void)user;
    tcp_close(sock);
}

static void tcp_closed(TcpSocket *sock, TcpCloseReason reason, void *user)
{
    Conn *c = user;
    (void)sock;
    gboolean was_connecting = diameter_peer_state(c->peer) == DIAMETER_PEER_WAIT_CONN_ACK;
    c->sock = NULL;
    if (was_connecting)
        diameter_peer_connect_failed(c->peer);
    else if (diameter_peer_state(c->peer) != DIAMETER_PEER_CLOSED)
        diameter_peer_disconnected(c->peer);
    (void)reason;
}

static const TcpCallbacks conn_callbacks = {
    .connected = tcp_connected,
    .received = tcp_received,
    .peer_closed = tcp_peer_closed,
    .closed = tcp_closed,
};

static void op_connect(void *ctx)
{
    Conn *c = ctx;
    DiameterNode *dn = c->dn;
    GError *err = NULL;
    c->sock = tcp_connect(net_stack_tcp(net_stack_of(dn->node)), &dn->server, dn->server_port, &conn_callbacks, c, &err);
    if (!c->sock) {
        g_debug("%s: Diameter connect failed: %s", dn->node->name, err->message);
        g_error_free(err);
        diameter_peer_connect_failed(c->peer);
    }
}

static void op_disconnect(void *ctx)
{
    Conn *c = ctx;
    if (c->sock) {
        TcpSocket *s = c->sock;
        c->sock = NULL;
        tcp_socket_set_callbacks(s, &(TcpCallbacks){0}, NULL);
        tcp_close(s);
    }
}

static Conn *conn_new(DiameterNode *dn, gboolean client)
{
    Conn *c = g_new0(Conn, 1);
    c->dn = dn;
    c->client = client;
    SimAddr a = {0};
    for (guint i = 0; i < dn->node->ifaces->len && a.family == SIM_AF_NONE; i++) {
        const SimPrefix *p = sim_iface_address(dn->node->ifaces->pdata[i], SIM_AF_INET);
        if (!p)
            p = sim_iface_address(dn->node->ifaces->pdata[i], SIM_AF_INET6);
        if (p)
            a = p->addr;
    }
    DiameterPeerConfig cfg = {
        .origin_host = dn->origin_host,
        .origin_realm = dn->origin_realm,
        .host_ip = {.family = a.family == SIM_AF_INET6 ? DIAMETER_ADDRESS_IPV6 : DIAMETER_ADDRESS_IPV4},
        .vendor_id = 0,
        .product_name = "presim",
        .apps = dn->apps,
        .n_apps = dn->n_apps,
        .hop_by_hop_start = sim_rng_uint32(dn->rng),
        .end_to_end_start = sim_rng_uint32(dn->rng),
    };
    memcpy(cfg.host_ip.bytes, a.bytes, 16);
    DiameterPeerOps ops = {
        .ctx = c,
        .send = op_send,
        .connect = op_connect,
        .disconnect = op_disconnect,
        .timer_start = op_timer_start,
        .timer_cancel = op_timer_cancel,
        .request = op_request,
        .answer = op_answer,
        .event = op_event,
    };
    c->peer = diameter_peer_new(&cfg, &ops);
    g_ptr_array_add(dn->conns, c);
    return c;
}

static void conn_free(gpointer p)
{
    Conn *c = p;
    sim_engine_cancel(c->dn->node->world->engine, c->timer);
    diameter_peer_free(c->peer);
    if (c->sock)
        tcp_socket_set_callbacks(c->sock, &(TcpCallbacks){0}, NULL);
    g_free(c);
}

static void on_accept(TcpSocket *listener, TcpSocket *sock, void *user)
{
    DiameterNode *dn = user;
    (void)listener;
    Conn *c = conn_new(dn, FALSE);
    c->sock = sock;
    tcp_socket_set_callbacks(sock, &conn_callbacks, c);
    diameter_peer_accepted(c->peer);
}

/* ---- public ---- */

DiameterNode *diameter_node_new(SimNode *node, const char *origin_host, const char *origin_realm,
                                const DiameterPeerApp *app, const DiameterNodeHandlers *handlers, void *user)
{
    return diameter_node_new_multi(node, origin_host, origin_realm, app, 1, handlers, user);
}

DiameterNode *diameter_node_new_multi(SimNode *node, const char *origin_host, const char *origin_realm,
                                      const DiameterPeerApp *apps, guint n_apps, const DiameterNodeHandlers *handlers,
                                      void *user)
{
    g_assert(apps && n_apps > 0);
    DiameterNode *dn = g_new0(DiameterNode, 1);
    dn->node = node;
    dn->origin_host = g_strdup(origin_host);
    dn->origin_realm = g_strdup(origin_realm);
    dn->apps = g_memdup2(apps, n_apps * sizeof apps[0]);
    dn->n_apps = n_apps;
    dn->h = *handlers;
    dn->user = user;
    dn->rng = sim_node_rng_new(node, "diameter");
    dn->conns = g_ptr_array_new_with_free_func(conn_free);
    g_queue_init(&dn->queue);
    return dn;
}

static void queued_free(gpointer p)
{
    Queued *q = p;
    g_bytes_unref(q->msg);
    g_free(q);
}

void diameter_node_free(DiameterNode *dn)
{
    if (!dn)
        return;
    g_ptr_array_free(dn->conns, TRUE);
    g_queue_clear_full(&dn->queue, queued_free);
    if (dn->listener)
        tcp_close(dn->listener);
    sim_rng_free(dn->rng);
    g_free(dn->apps);
    g_free(dn->origin_host);
    g_free(dn->origin_realm);
    g_free(dn);
}

const char *diameter_node_origin_host(const DiameterNode *dn)
{
    return dn->origin_host;
}

const char *diameter_node_origin_realm(const DiameterNode *dn)
{
    return dn->origin_realm;
}

gboolean diameter_node_listen(DiameterNode *dn, uint16_t port, GError **error)
{
    dn->listener = tcp_listen(net_stack_tcp(net_stack_of(dn->node)), NULL, port, on_accept, dn, error);
    return dn->listener != NULL;
}

void diameter_node_connect(DiameterNode *dn, const SimAddr *addr, uint16_t port)
{
    dn->server = *addr;
    dn->server_port = port;
    if (!dn->client)
        dn->client = conn_new(dn, TRUE);
    if (diameter_peer_state(dn->client->peer) == DIAMETER_PEER_CLOSED)
        diameter_peer_start(dn->client->peer);
}

gboolean diameter_node_send(DiameterNode *dn, GBytes *request, void *req_user, GError **error)
{
    if (!dn->client) {
        g_set_error(error, DIAMETER_PEER_ERROR, DIAMETER_PEER_ERROR_NOT_OPEN, "no Diameter server configured");
        g_bytes_unref(request);
        return FALSE;
    }
    Queued *q = g_new0(Queued, 1);
    q->msg = request;
    q->req_user = req_user;
    g_queue_push_tail(&dn->queue, q);
    if (diameter_peer_state(dn->client->peer) == DIAMETER_PEER_CLOSED)
        diameter_peer_start(dn->client->peer); /* reconnect */
    flush_queue(dn);
    return TRUE;
}

gboolean diameter_node_answer(DiameterNode *dn, DiameterPeer *peer, GBytes *answer, GError **error)
{
    (void)dn;
    gboolean ok = diameter_peer_send_answer(peer, answer, error);
    g_bytes_unref(answer);
    return ok;
}

void diameter_node_next_ids(DiameterNode *dn, uint32_t *hop_by_hop, uint32_t *end_to_end)
{
    DiameterPeer *p = dn->client ? dn->client->peer : NULL;
    *hop_by_hop = p ? diameter_peer_next_hop_by_hop(p) : sim_rng_uint32(dn->rng);
    *end_to_end = p ? diameter_peer_next_end_to_end(p) : sim_rng_uint32(dn->rng);
}

char *diameter_node_session_id(DiameterNode *dn)
{
    dn->sessions++;
    return g_strdup_printf("%s;%u;%" G_GUINT64_FORMAT, dn->origin_host, (unsigned)(dn->sessions >> 32),
                           (guint64)(dn->sessions & 0xffffffffu));
}
