/* udp.c: UDP sockets and demultiplexing (RFC 768). */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_UDP
#include "links/udp.h"
#include "links/inet-checksum.h"
#include <string.h>

G_DEFINE_QUARK(net-error-quark, net_error)

struct UdpSocket {
    NetStack *stack;
    SimAddr local; /* unspecified: any */
    uint16_t port; /* 0: unbound */
    UdpRecvFunc recv;
    void *user;
};

typedef struct {
    GPtrArray *sockets; /* UdpSocket*, bound ones, not owned */
    SimRng *rng;        /* ephemeral ports */
} UdpLayer;

static UdpLayer *layer_of(NetStack *stack)
{
    void **slot = net_stack_udp_slot(stack);
    if (!*slot) {
        UdpLayer *l = g_new0(UdpLayer, 1);
        l->sockets = g_ptr_array_new();
        l->rng = sim_node_rng_new(net_stack_node(stack), "udp");
        *slot = l;
    }
    return *slot;
}

void udp_layer_free(NetStack *stack)
{
    UdpLayer *l = *net_stack_udp_slot(stack);
    if (!l)
        return;
    g_ptr_array_free(l->sockets, TRUE);
    sim_rng_free(l->rng);
    g_free(l);
}

UdpSocket *udp_socket_new(NetStack *stack, UdpRecvFunc recv, void *user)
{
    UdpSocket *s = g_new0(UdpSocket, 1);
    s->stack = stack;
    s->recv = recv;
    s->user = user;
    return s;
}

void udp_socket_free(UdpSocket *sock)
{
    if (!sock)
        return;
    if (sock->port)
        g_ptr_array_remove(layer_of(sock->stack)->sockets, sock);
    g_free(sock);
}

NetStack *udp_socket_stack(const UdpSocket *sock)
{
    return sock->stack;
}

uint16_t udp_socket_port(const UdpSocket *sock)
{
    return sock->port;
}

static gboolean taken(UdpLayer *l, const SimAddr *local, uint16_t port)
{
    for (guint i = 0; i < l->sockets->len; i++) {
        UdpSocket *o = l->sockets->pdata[i];
        if (o->port != port)
            continue;
        if (sim_addr_is_unspecified(&o->local) || sim_addr_is_unspecified(local) || sim_addr_equal(&o->local, local))
            return TRUE;
    }
    return FALSE;
}

gboolean udp_socket_bind(UdpSocket *sock, const SimAddr *local, uint16_t port, GError **error)
{
    UdpLayer *l = layer_of(sock->stack);
    SimAddr any = {0};
    const SimAddr *addr = local ? local : &any;
    if (sock->port) {
        g_set_error(error, NET_ERROR, NET_ERROR_INVALID, "socket already bound to port %u", sock->port);
        return FALSE;
    }
    if (!sim_addr_is_unspecified(addr) && !net_stack_is_local(sock->stack, addr)) {
        char b[SIM_ADDR_STRLEN];
        g_set_error(error, NET_ERROR, NET_ERROR_INVALID, "%s is not an address of node %s",
                    sim_addr_to_string(addr, b), net_stack_node(sock->stack)->name);
        return FALSE;
    }
    if (port == 0) {
        for (int tries = 0; tries < 16384 && port == 0; tries++) {
            uint16_t p = (uint16_t)sim_rng_range(l->rng, 49152, 65535);
            if (!taken(l, addr, p))
                port = p;
        }
        if (port == 0) {
            g_set_error(error, NET_ERROR, NET_ERROR_ADDR_IN_USE, "no free ephemeral UDP port");
            return FALSE;
        }
    } else if (taken(l, addr, port)) {
        g_set_error(error, NET_ERROR, NET_ERROR_ADDR_IN_USE, "UDP port %u is already bound on node %s", port,
                    net_stack_node(sock->stack)->name);
        return FALSE;
    }
    sock->local = *addr;
    sock->port = port;
    g_ptr_array_add(l->sockets, sock);
    return TRUE;
}

gboolean udp_socket_sendto(UdpSocket *sock, const void *data, size_t len, const SimAddr *dst, uint16_t dport,
                           GError **error)
{
    return udp_socket_sendto_from(sock, data, len, NULL, dst, dport, error);
}

gboolean udp_socket_sendto_from(UdpSocket *sock, const void *data, size_t len, const SimAddr *from, const SimAddr *dst,
                                uint16_t dport, GError **error)
{
    if (!sock->port && !udp_socket_bind(sock, NULL, 0, error))
        return FALSE;
    if (len > 65535 - 8) {
        g_set_error(error, NET_ERROR, NET_ERROR_TOO_BIG, "UDP datagram of %zu bytes is too large", len);
        return FALSE;
    }
    SimAddr src = {.family = dst->family}; /* unspecified: the stack traces the drop as no-route */
    if (from && from->family == dst->family && net_stack_is_local(sock->stack, from))
        src = *from;
    else if (!sim_addr_is_unspecified(&sock->local) && sock->local.family == dst->family)
        src = sock->local;
    else
        (void)net_stack_select_source(sock->stack, dst, &src);
    SimPacket *p = sim_packet_new_empty(SIM_PACKET_HEADROOM, len + 8);
    uint8_t *h = sim_packet_put(p, 8);
    if (len)
        memcpy(sim_packet_put(p, len), data, len);
    size_t ulen = len + 8;
    h[0] = (uint8_t)(sock->port >> 8);
    h[1] = (uint8_t)sock->port;
    h[2] = (uint8_t)(dport >> 8);
    h[3] = (uint8_t)dport;
    h[4] = (uint8_t)(ulen >> 8);
    h[5] = (uint8_t)ulen;
    h[6] = h[7] = 0;
    uint16_t ck = inet_checksum_pseudo(&src, dst, NET_PROTO_UDP, h, ulen);
    if (ck == 0)
        ck = 0xffff; /* RFC 768: a computed zero is sent as all ones */
    h[6] = (uint8_t)(ck >> 8);
    h[7] = (uint8_t)ck;
    if (!net_stack_output(sock->stack, p, &src, dst, NET_PROTO_UDP)) {
        char b[SIM_ADDR_STRLEN];
        g_set_error(error, NET_ERROR, NET_ERROR_NO_ROUTE, "no route from %s to %s",
                    net_stack_node(sock->stack)->name, sim_addr_to_string(dst, b));
        return FALSE;
    }
    return TRUE;
}

void udp_layer_input(void *ctx, SimPacket *pkt, const NetIpInfo *ip)
{
    NetStack *stack = ctx;
    const uint8_t *h = sim_packet_data(pkt);
    if (pkt->len < 8) {
        net_stack_drop_local(stack, pkt, ip, "malformed");
        return;
    }
    size_t ulen = (size_t)h[4] << 8 | h[5];
    if (ulen < 8 || ulen > pkt->len) {
        net_stack_drop_local(stack, pkt, ip, "malformed");
        return;
    }
    sim_packet_trim(pkt, ulen);
    uint16_t ck = (uint16_t)(h[6] << 8 | h[7]);
    if (ck == 0 && ip->src.family == SIM_AF_INET6) {
        net_stack_drop_local(stack, pkt, ip, "bad-checksum"); /* RFC 8200 §8.1 */
        return;
    }
    if (ck != 0 && inet_checksum_pseudo(&ip->src, &ip->dst, NET_PROTO_UDP, h, ulen) != 0) {
        net_stack_drop_local(stack, pkt, ip, "bad-checksum");
        return;
    }
    uint16_t sport = (uint16_t)(h[0] << 8 | h[1]);
    uint16_t dport = (uint16_t)(h[2] << 8 | h[3]);
    UdpLayer *l = layer_of(stack);
    UdpSocket *best = NULL;
    for (guint i = 0; i < l->sockets->len; i++) {
        UdpSocket *s = l->sockets->pdata[i];
        if (s->port != dport)
            continue;
        if (sim_addr_equal(&s->local, &ip->dst)) {
            best = s;
            break;
        }
        if (sim_addr_is_unspecified(&s->local) && !best)
            best = s;
    }
    if (!best || !best->recv) {
        net_stack_drop_local(stack, pkt, ip, "port-unreachable");
        return;
    }
    best->recv(best, h + 8, ulen - 8, &ip->src, sport, ip, best->user);
    sim_packet_unref(pkt);
}
