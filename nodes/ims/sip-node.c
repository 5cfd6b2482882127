/* sip-node.c: SIP over UDP on the node's stack, transactions on the engine. */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/ims/sip-node.h"
#include "links/udp.h"
#include "nodes/ims/ims-common.h"
#include <string.h>

typedef struct {
    SipNode *sn;
    UdpSocket *sock;
    uint16_t port;
} Port;

typedef struct {
    SipNode *sn;
    SipTimerFunc fire;
    void *arg;
    SimEventId event;
    guint64 handle;
} Timer;

struct SipNode {
    SimNode *node;
    SipNodeHandlers h;
    void *user;
    SipTxnLayer *layer;
    GPtrArray *ports;     /* Port* */
    GHashTable *timers;   /* handle -> Timer* */
    guint64 next_timer;
    SimRng *rng;
    uint32_t counter;
    const NetIpInfo *arrival; /* during a receive call */
    uint16_t arrival_port;
    size_t arrival_bytes;
    SipNodeStats stats;
};

/* ---- peers ---- */

void sip_peer_udp(SipPeer *out, const SimAddr *addr, uint16_t port, uint16_t local_port)
{
    memset(out, 0, sizeof *out);
    memcpy(out->addr, addr, sizeof *addr);
    out->addr[sizeof *addr] = (guint8)(port >> 8);
    out->addr[sizeof *addr + 1] = (guint8)port;
    out->addr[sizeof *addr + 2] = (guint8)(local_port >> 8);
    out->addr[sizeof *addr + 3] = (guint8)local_port;
    out->len = (guint8)(sizeof *addr + 4);
    out->reliable = FALSE;
}

void sip_peer_udp_from(SipPeer *out, const SimAddr *addr, uint16_t port, const SimAddr *local, uint16_t local_port)
{
    sip_peer_udp(out, addr, port, local_port);
    if (local && local->family != SIM_AF_NONE) {
        memcpy(out->addr + out->len, local, sizeof *local);
        out->len = (guint8)(out->len + sizeof *local);
    }
}

gboolean sip_peer_udp_local(const SipPeer *peer, SimAddr *local)
{
    if (peer->len != 2 * sizeof(SimAddr) + 4)
        return FALSE;
    memcpy(local, peer->addr + sizeof(SimAddr) + 4, sizeof *local);
    return TRUE;
}

gboolean sip_peer_udp_get(const SipPeer *peer, SimAddr *addr, uint16_t *port, uint16_t *local_port)
{
    if (peer->len != sizeof(SimAddr) + 4 && peer->len != 2 * sizeof(SimAddr) + 4)
        return FALSE;
    memcpy(addr, peer->addr, sizeof *addr);
    *port = (uint16_t)(peer->addr[sizeof *addr] << 8 | peer->addr[sizeof *addr + 1]);
    *local_port = (uint16_t)(peer->addr[sizeof *addr + 2] << 8 | peer->addr[sizeof *addr + 3]);
    return TRUE;
}

/* ---- events ---- */

static void message_event(SipNode *sn, const char *name, const guint8 *data, size_t len, const SipPeer *peer)
{
    osip_message_t *m = sip_message_parse(data, len, NULL);
    char what[32] = "?";
    const char *call_id = "", *method = "";
    if (m) {
        if (MSG_IS_REQUEST(m))
            g_strlcpy(what, m->sip_method ? m->sip_method : "?", sizeof what);
        else
            g_snprintf(what, sizeof what, "%d", m->status_code);
        call_id = m->call_id && m->call_id->number ? m->call_id->number : "";
        method = sip_message_cseq_method(m) ? sip_message_cseq_method(m) : "";
    }
    SimAddr a;
    uint16_t port = 0, lport = 0;
    char addr[SIM_ADDR_STRLEN] = "-";
    if (sip_peer_udp_get(peer, &a, &port, &lport))
        sim_addr_to_string(&a, addr);
    SimAttr attrs[] = {
        SIM_ATTR_S("message", what),  SIM_ATTR_S("cseq_method", method), SIM_ATTR_S("call_id", call_id),
        SIM_ATTR_I("bytes", len),     SIM_ATTR_S("peer", addr),          SIM_ATTR_I("peer_port", port),
        SIM_ATTR_I("local_port", lport),
    };
    sim_node_event(sn->node, name, attrs, G_N_ELEMENTS(attrs));
    if (m)
        sip_message_free(m);
}

/* ---- transport for the transaction layer ---- */

static Port *find_port(SipNode *sn, uint16_t port)
{
    for (guint i = 0; i < sn->ports->len; i++) {
        Port *p = sn->ports->pdata[i];
        if (p->port == port)
            return p;
    }
    return NULL;
}

static gboolean tp_send(gpointer ctx, const SipPeer *to, const guint8 *data, size_t len)
{
    SipNode *sn = ctx;
    SimAddr addr;
    uint16_t port, lport;
    if (!sip_peer_udp_get(to, &addr, &port, &lport))
        return FALSE;
    Port *p = find_port(sn, lport);
    if (!p && sn->ports->len)
        p = sn->ports->pdata[0];
    if (!p)
        return FALSE;
    GError *err = NULL;
    SimAddr local;
    gboolean have_local = sip_peer_udp_local(to, &local);
    if (!udp_socket_sendto_from(p->sock, data, len, have_local ? &local : NULL, &addr, port, &err)) {
        g_debug("%s: SIP send failed: %s", sn->node->name, err->message);
        g_error_free(err);
        return FALSE;
    }
    sn->stats.bytes_sent += len;
    message_event(sn, "sip-tx", data, len, to);
    return TRUE;
}

static void timer_fire(void *arg)
{
    Timer *t = arg;
    SipNode *sn = t->sn;
    SipTimerFunc fire = t->fire;
    void *farg = t->arg;
    g_hash_table_remove(sn->timers, &t->handle); /* frees T */
    fire(farg);
}

static guint64 tp_timer_start(gpointer ctx, gint64 delay_ns, SipTimerFunc fire, gpointer arg)
{
    SipNode *sn = ctx;
    Timer *t = g_new0(Timer, 1);
    t->sn = sn;
    t->fire = fire;
    t->arg = arg;
    t->handle = ++sn->next_timer;
    t->event = sim_engine_schedule_in(sn->node->world->engine, delay_ns, timer_fire, t);
    g_hash_table_insert(sn->timers, &t->handle, t);
    return t->handle;
}

static void tp_timer_cancel(gpointer ctx, guint64 handle)
{
    SipNode *sn = ctx;
    Timer *t = g_hash_table_lookup(sn->timers, &handle);
    if (!t)
        return;
    sim_engine_cancel(sn->node->world->engine, t->event);
    g_hash_table_remove(sn->timers, &handle);
}

/* ---- transaction user ---- */

static void tu_request(SipTxnLayer *layer, SipTxn *txn, const osip_message_t *req, const SipPeer *from, gpointer user)
{
    SipNode *sn = user;
    (void)layer;
    sn->stats.requests_received++;
    if (sn->h.request)
        sn->h.request(sn, txn, req, from, sn->user);
}

static void tu_response(SipTxnLayer *layer, SipTxn *txn, const osip_message_t *resp, gpointer user)
{
    SipNode *sn = user;
    (void)layer;
    sn->stats.responses_received++;
    if (sn->h.response)
        sn->h.response(sn, txn, resp, sn->user);
}

static void tu_timeout(SipTxnLayer *layer, SipTxn *txn, SipTimer timer, gpointer user)
{
    SipNode *sn = user;
    (void)layer;
    sn->stats.timeouts++;
    if (sn->h.failure)
        sn->h.failure(sn, txn, sip_timer_name(timer), sn->user);
}

static void tu_transport_error(SipTxnLayer *layer, SipTxn *txn, gpointer user)
{
    SipNode *sn = user;
    (void)layer;
    if (sn->h.failure)
        sn->h.failure(sn, txn, "transport-error", sn->user);
}

/* ---- receiving ---- */

static void on_datagram(UdpSocket *sock, const uint8_t *data, size_t len, const SimAddr *src, uint16_t sport,
                        const NetIpInfo *ip, void *user)
{
    Port *p = user;
    SipNode *sn = p->sn;
    (void)sock;
    SipPeer from;
    sip_peer_udp_from(&from, src, sport, &ip->dst, p->port);
    sn->stats.bytes_received += len;
    message_event(sn, "sip-rx", data, len, &from);
    sn->arrival = ip;
    sn->arrival_port = p->port;
    sn->arrival_bytes = len;
    GError *err = NULL;
    if (!sip_txn_layer_receive_bytes(sn->layer, data, len, &from, &err)) {
        sn->stats.malformed++;
        SimAttr attrs[] = {SIM_ATTR_S("error", err ? err->message : "?")};
        sim_node_event(sn->node, "sip-malformed", attrs, 1);
        g_clear_error(&err);
    }
    sn->arrival = NULL;
    sn->arrival_port = 0;
    sn->arrival_bytes = 0;
}

size_t sip_node_arrival_bytes(const SipNode *sn)
{
    return sn->arrival_bytes;
}

const NetIpInfo *sip_node_arrival(const SipNode *sn)
{
    return sn->arrival;
}

uint16_t sip_node_arrival_port(const SipNode *sn)
{
    return sn->arrival_port;
}

/* ---- life ---- */

static void timer_free(gpointer p)
{
    Timer *t = p;
    g_free(t);
}

SipNode *sip_node_new(SimNode *node, const SipNodeHandlers *handlers, void *user)
{
    SipNode *sn = g_new0(SipNode, 1);
    sn->node = node;
    sn->h = *handlers;
    sn->user = user;
    sn->ports = g_ptr_array_new();
    sn->timers = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, timer_free);
    sn->rng = sim_node_rng_new(node, "sip");
    static const SipTransport tp_ops = {0};
    SipTransport tp = tp_ops;
    tp.ctx = sn;
    tp.send = tp_send;
    tp.timer_start = tp_timer_start;
    tp.timer_cancel = tp_timer_cancel;
    SipTxnUser tu = {
        .user = sn,
        .request = tu_request,
        .response = tu_response,
        .timeout = tu_timeout,
        .transport_error = tu_transport_error,
    };
    sn->layer = sip_txn_layer_new(&tp, &tu, NULL);
    return sn;
}

void sip_node_free(SipNode *sn)
{
    if (!sn)
        return;
    sip_txn_layer_free(sn->layer);
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init(&it, sn->timers);
    while (g_hash_table_iter_next(&it, NULL, &v))
        sim_engine_cancel(sn->node->world->engine, ((Timer *)v)->event);
    g_hash_table_destroy(sn->timers);
    for (guint i = 0; i < sn->ports->len; i++) {
        Port *p = sn->ports->pdata[i];
        udp_socket_free(p->sock);
        g_free(p);
    }
    g_ptr_array_free(sn->ports, TRUE);
    sim_rng_free(sn->rng);
    g_free(sn);
}

SimNode *sip_node_sim_node(const SipNode *sn)
{
    return sn->node;
}

gboolean sip_node_listen(SipNode *sn, uint16_t port, GError **error)
{
    if (find_port(sn, port))
        return TRUE;
    Port *p = g_new0(Port, 1);
    p->sn = sn;
    p->port = port;
    p->sock = udp_socket_new(net_stack_of(sn->node), on_datagram, p);
    if (!udp_socket_bind(p->sock, NULL, port, error)) {
        udp_socket_free(p->sock);
        g_free(p);
        return FALSE;
    }
    g_ptr_array_add(sn->ports, p);
    return TRUE;
}

gboolean sip_node_listen_sec_agree(SipNode *sn, uint16_t port_c, uint16_t port_s, GError **error)
{
    if (port_c == port_s || port_c == IMS_SIP_PORT || port_s == IMS_SIP_PORT) {
        g_set_error(error, SIP_MESSAGE_ERROR, SIP_MESSAGE_ERROR_INVALID, "port-c, port-s and %d must differ",
                    IMS_SIP_PORT);
        return FALSE;
    }
    return sip_node_listen(sn, IMS_SIP_PORT, error) && sip_node_listen(sn, port_c, error) &&
           sip_node_listen(sn, port_s, error);
}

void sip_node_unlisten(SipNode *sn, uint16_t port)
{
    Port *p = find_port(sn, port);
    if (!p)
        return;
    g_ptr_array_remove(sn->ports, p);
    udp_socket_free(p->sock);
    g_free(p);
}

SipTxn *sip_node_send_request(SipNode *sn, osip_message_t *req, const SipPeer *to, GError **error)
{
    SipTxn *t = sip_txn_client_new(sn->layer, req, to, error);
    if (t)
        sn->stats.requests_sent++;
    return t;
}

gboolean sip_node_respond(SipNode *sn, SipTxn *txn, osip_message_t *resp, GError **error)
{
    gboolean ok = sip_txn_respond(txn, resp, error);
    if (ok)
        sn->stats.responses_sent++;
    return ok;
}

gboolean sip_node_reply(SipNode *sn, SipTxn *txn, int status, const char *reason, const char *to_tag)
{
    GError *err = NULL;
    osip_message_t *r = sip_response_new(sip_txn_request(txn), status, reason, to_tag, &err);
    if (!r || !sip_node_respond(sn, txn, r, &err)) {
        g_debug("%s: cannot send %d: %s", sn->node->name, status, err ? err->message : "?");
        g_clear_error(&err);
        return FALSE;
    }
    return TRUE;
}

char *sip_node_host(const SipNode *sn)
{
    SimAddr a;
    char buf[SIM_ADDR_STRLEN];
    if (!ims_node_address(sn->node, &a))
        return g_strdup(sn->node->name);
    sim_addr_to_string(&a, buf);
    return a.family == SIM_AF_INET6 ? g_strdup_printf("[%s]", buf) : g_strdup(buf);
}

gboolean sip_node_push_via(SipNode *sn, osip_message_t *msg, uint16_t port, GError **error)
{
    g_autofree char *host = sip_node_host(sn);
    g_autofree char *branch = sip_node_branch(sn);
    g_autofree char *text = g_strdup_printf("SIP/2.0/UDP %s:%u;branch=%s", host, port, branch);
    osip_via_t *via = NULL;
    if (osip_via_init(&via) != 0 || osip_via_parse(via, text) != 0) {
        osip_via_free(via);
        g_set_error(error, SIP_MESSAGE_ERROR, SIP_MESSAGE_ERROR_INVALID, "cannot build Via '%s'", text);
        return FALSE;
    }
    osip_list_add(&msg->vias, via, 0);
    osip_message_force_update(msg);
    return TRUE;
}

void sip_node_pop_via(osip_message_t *msg)
{
    osip_via_t *via = osip_list_get(&msg->vias, 0);
    if (!via)
        return;
    osip_list_remove(&msg->vias, 0);
    osip_via_free(via);
    osip_message_force_update(msg);
}

char *sip_node_branch(SipNode *sn)
{
    return sip_branch_new(sim_rng_uint64(sn->rng), ++sn->counter);
}

char *sip_node_tag(SipNode *sn)
{
    return sip_tag_new(sim_rng_uint64(sn->rng));
}

char *sip_node_call_id(SipNode *sn)
{
    return g_strdup_printf("%016" G_GINT64_MODIFIER "x@%s", sim_rng_uint64(sn->rng), sn->node->name);
}

void sip_node_stats(const SipNode *sn, SipNodeStats *out)
{
    *out = sn->stats;
}
