/* net-stack.c: IPv4 / IPv6 input, output, forwarding and routing for one node.
 * Header layouts: RFC 791 §3.1 (IPv4), RFC 8200 §3 (IPv6). Every read of a received header is
 * bounds-checked against the packet length before use. */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_IP
#include "links/net-stack.h"
#include "links/inet-checksum.h"
#include "links/ip-frag.h"
#include "links/tcp.h"
#include "links/udp.h"
#include <string.h>

typedef struct {
    SimPrefix prefix; /* network form (host bits clear) */
    SimIface *iface;
} Route;

typedef struct {
    NetProtoInput fn;
    void *ctx;
} ProtoHandler;

struct NetStack {
    SimNode *node;
    GPtrArray *ifaces; /* SimIface*, not owned */
    GArray *routes;    /* Route, sorted by prefix length, longest first (stable) */
    gboolean forwarding;
    ProtoHandler protos[256];
    NetIpHook *hook;
    void (*hook_free)(void *);
    NetForwardHook forward_hook;
    void *forward_ctx;
    void *ipsec; /* owned by ipsec.c, freed through hook_free */
    TcpLayer *tcp;
    void *udp; /* owned by udp.c */
    IpReasm *reasm;
    uint32_t next_ipv6_frag_id;
    SimRng *tcp_rng;
    uint16_t next_ip_id;
    NetStackStats stats;
};

static void stack_free(void *p)
{
    NetStack *s = p;
    if (s->tcp)
        tcp_layer_free(s->tcp);
    udp_layer_free(s);
    ip_reasm_free(s->reasm);
    if (s->hook_free)
        s->hook_free(s->ipsec);
    sim_rng_free(s->tcp_rng);
    g_ptr_array_free(s->ifaces, TRUE);
    g_array_free(s->routes, TRUE);
    g_free(s);
}

static void ip_input(SimIface *iface, SimPacket *pkt, void *ctx);
static void tcp_in(void *ctx, SimPacket *pkt, const NetIpInfo *ip);

NetStack *net_stack_new(SimNode *node)
{
    g_return_val_if_fail(node->stack == NULL, node->stack);
    NetStack *s = g_new0(NetStack, 1);
    s->node = node;
    s->ifaces = g_ptr_array_new();
    s->routes = g_array_new(FALSE, TRUE, sizeof(Route));
    node->stack = s;
    node->stack_free = stack_free;
    net_stack_register_protocol(s, NET_PROTO_TCP, tcp_in, s);
    net_stack_register_protocol(s, NET_PROTO_UDP, udp_layer_input, s);
    for (guint i = 0; i < node->ifaces->len; i++)
        net_stack_attach_iface(s, node->ifaces->pdata[i]);
    return s;
}

NetStack *net_stack_of(const SimNode *node)
{
    return node->stack;
}

SimNode *net_stack_node(const NetStack *stack)
{
    return stack->node;
}

void net_stack_attach_iface(NetStack *stack, SimIface *iface)
{
    g_return_if_fail(iface->node == stack->node);
    for (guint i = 0; i < stack->ifaces->len; i++)
        if (stack->ifaces->pdata[i] == iface)
            return;
    g_ptr_array_add(stack->ifaces, iface);
    iface->deliver = ip_input;
    iface->deliver_ctx = stack;
    for (guint k = 0; k < iface->addrs->len; k++)
        net_stack_add_route(stack, &g_array_index(iface->addrs, SimPrefix, k), iface);
}

void net_stack_set_forwarding(NetStack *stack, gboolean forwarding)
{
    stack->forwarding = forwarding;
}

gboolean net_stack_forwarding(const NetStack *stack)
{
    return stack->forwarding;
}

void net_stack_add_route(NetStack *stack, const SimPrefix *prefix, SimIface *iface)
{
    Route r = {sim_prefix_network(prefix), iface};
    guint i = 0;
    while (i < stack->routes->len && g_array_index(stack->routes, Route, i).prefix.length >= r.prefix.length)
        i++;
    g_array_insert_val(stack->routes, i, r);
}

gboolean net_stack_has_route(const NetStack *stack, const SimPrefix *prefix)
{
    SimPrefix net = sim_prefix_network(prefix);
    for (guint i = 0; i < stack->routes->len; i++) {
        const Route *r = &g_array_index(stack->routes, Route, i);
        if (r->prefix.length == net.length && sim_addr_equal(&r->prefix.addr, &net.addr))
            return TRUE;
    }
    return FALSE;
}

SimIface *net_stack_route(const NetStack *stack, const SimAddr *dst)
{
    for (guint i = 0; i < stack->routes->len; i++) {
        const Route *r = &g_array_index(stack->routes, Route, i);
        if (sim_prefix_contains(&r->prefix, dst))
            return r->iface;
    }
    return NULL;
}

void net_stack_dump_routes(const NetStack *stack, GString *out)
{
    for (guint i = 0; i < stack->routes->len; i++) {
        const Route *r = &g_array_index(stack->routes, Route, i);
        char buf[SIM_ADDR_STRLEN];
        g_string_append_printf(out, "%s dev %s\n", sim_prefix_to_string(&r->prefix, buf), r->iface->name);
    }
}

gboolean net_stack_is_local(const NetStack *stack, const SimAddr *addr)
{
    for (guint i = 0; i < stack->ifaces->len; i++) {
        SimIface *f = stack->ifaces->pdata[i];
        for (guint k = 0; k < f->addrs->len; k++)
            if (sim_addr_equal(&g_array_index(f->addrs, SimPrefix, k).addr, addr))
                return TRUE;
    }
    return FALSE;
}

gboolean net_stack_select_source(const NetStack *stack, const SimAddr *dst, SimAddr *src_out)
{
    if (net_stack_is_local(stack, dst)) {
        *src_out = *dst;
        return TRUE;
    }
    SimIface *f = net_stack_route(stack, dst);
    const SimPrefix *a = f ? sim_iface_address(f, (SimAddrFamily)dst->family) : NULL;
    if (!a) {
        /* An interface without an address of this family: any address of ours of that family. */
        for (guint i = 0; !a && f && i < stack->ifaces->len; i++)
            a = sim_iface_address(stack->ifaces->pdata[i], (SimAddrFamily)dst->family);
    }
    if (!a)
        return FALSE;
    *src_out = a->addr;
    return TRUE;
}

uint32_t net_stack_mtu(const NetStack *stack, const SimAddr *dst)
{
    if (net_stack_is_local(stack, dst))
        return 65535;
    SimIface *f = net_stack_route(stack, dst);
    return f ? f->mtu : 0;
}

void net_stack_register_protocol(NetStack *stack, uint8_t proto, NetProtoInput fn, void *ctx)
{
    stack->protos[proto] = (ProtoHandler){fn, ctx};
}

void net_stack_set_ipsec(NetStack *stack, NetIpHook *hook, void (*free_fn)(void *))
{
    stack->hook = hook;
    stack->hook_free = free_fn;
}

void net_stack_set_forward_hook(NetStack *stack, NetForwardHook hook, void *ctx)
{
    stack->forward_hook = hook;
    stack->forward_ctx = ctx;
}

void **net_stack_ipsec_slot(NetStack *stack)
{
    return &stack->ipsec;
}

void net_stack_stats(const NetStack *stack, NetStackStats *out)
{
    *out = stack->stats;
}

static void drop(NetStack *s, SimIface *iface, SimPacket *pkt, const char *reason)
{
    s->stats.dropped++;
    sim_trace_packet(s->node->world->trace, SIM_TRACE_DROP, s->node->name, iface ? iface->trace : NULL,
                     sim_packet_data(pkt), pkt->len, pkt->uid, reason);
    g_debug("%s: drop (%s)", s->node->name, reason);
    sim_packet_unref(pkt);
}

/* A datagram whose IP header has been removed: hook, then transport demultiplexing. */
static void deliver_local(NetStack *s, SimPacket *pkt, NetIpInfo *ip, const uint8_t *hdr, size_t hdr_len)
{
    ip->hdr = hdr;
    ip->hdr_len = hdr_len;
    if (s->hook && s->hook->input) {
        const char *reason = "hook-drop";
        if (s->hook->input(s->hook, &pkt, ip, &reason) != NET_HOOK_ACCEPT) {
            /* Trace the whole datagram as received: put the header back in front for the record. */
            memcpy(sim_packet_push(pkt, hdr_len), hdr, hdr_len);
            drop(s, ip->iface, pkt, reason);
            return;
        }
    }
    ProtoHandler *h = &s->protos[ip->proto];
    if (!h->fn) {
        memcpy(sim_packet_push(pkt, hdr_len), hdr, hdr_len);
        drop(s, ip->iface, pkt, "protocol-unreachable");
        return;
    }
    s->stats.delivered++;
    h->fn(h->ctx, pkt, ip);
}

/* SOURCE: this node originated PKT (only the source may fragment IPv6). */
static void transmit(NetStack *s, SimIface *out, SimPacket *pkt, gboolean source)
{
    if (!out->transmit) {
        drop(s, out, pkt, "link-down");
        return;
    }
    if (pkt->len > out->mtu) {
        /* RFC 791 §2.3: fragment unless DF; RFC 8200 §4.5: only the source fragments IPv6. */
        gboolean v6 = (sim_packet_data(pkt)[0] >> 4) == 6;
        GPtrArray *frags = g_ptr_array_new();
        if ((v6 && !source) || !ip_frag_fragment(pkt, out->mtu, s->next_ipv6_frag_id++, frags)) {
            g_ptr_array_free(frags, TRUE);
            drop(s, out, pkt, "mtu-exceeded");
            return;
        }
        sim_packet_unref(pkt);
        for (guint i = 0; i < frags->len; i++)
            out->transmit(out, frags->pdata[i], out->transmit_ctx);
        g_ptr_array_free(frags, TRUE);
        return;
    }
    out->transmit(out, pkt, out->transmit_ctx);
}

gboolean net_stack_inject(NetStack *s, SimPacket *pkt)
{
    const uint8_t *h = sim_packet_data(pkt);
    SimAddr dst;
    if (pkt->len >= 20 && (h[0] >> 4) == 4)
        sim_addr_from_ipv4(&dst, h + 16);
    else if (pkt->len >= 40 && (h[0] >> 4) == 6)
        sim_addr_from_ipv6(&dst, h + 24);
    else {
        drop(s, NULL, pkt, "malformed");
        return FALSE;
    }
    SimIface *out = net_stack_route(s, &dst);
    if (!out) {
        drop(s, NULL, pkt, "no-route");
        return FALSE;
    }
    sim_trace_packet(s->node->world->trace, SIM_TRACE_FORWARD, s->node->name, out->trace, sim_packet_data(pkt),
                     pkt->len, pkt->uid, NULL);
    transmit(s, out, pkt, FALSE);
    return TRUE;
}

/* Loopback: a datagram to one of our own addresses re-enters input after zero delay. */
typedef struct {
    NetStack *stack;
    SimPacket *pkt;
} Loopback;

static void loopback_deliver(void *arg)
{
    Loopback *lb = arg;
    ip_input(NULL, lb->pkt, lb->stack);
    g_free(lb);
}

gboolean net_stack_output(NetStack *s, SimPacket *pkt, const SimAddr *src_in, const SimAddr *dst, uint8_t proto)
{
    SimWorld *w = s->node->world;
    if (!pkt->uid)
        pkt->uid = sim_node_next_packet_uid(s->node);
    gboolean local = net_stack_is_local(s, dst);
    SimIface *out = local ? NULL : net_stack_route(s, dst);
    SimAddr src;
    if (src_in && !sim_addr_is_unspecified(src_in) && src_in->family == dst->family)
        src = *src_in;
    else if (!net_stack_select_source(s, dst, &src)) {
        drop(s, NULL, pkt, "no-route");
        return FALSE;
    }
    if (!local && !out) {
        drop(s, NULL, pkt, "no-route");
        return FALSE;
    }
    if (s->hook && s->hook->output) {
        const char *reason = "hook-drop";
        if (s->hook->output(s->hook, &pkt, &src, dst, &proto, &reason) != NET_HOOK_ACCEPT) {
            drop(s, out, pkt, reason);
            return FALSE;
        }
    }
    size_t payload = pkt->len;
    if (dst->family == SIM_AF_INET) {
        if (payload > 65535 - 20) {
            drop(s, out, pkt, "malformed");
            return FALSE;
        }
        uint8_t *h = sim_packet_push(pkt, 20);
        uint16_t total = (uint16_t)(payload + 20);
        h[0] = 0x45; /* version 4, IHL 5 */
        h[1] = 0;    /* DSCP/ECN */
        h[2] = (uint8_t)(total >> 8);
        h[3] = (uint8_t)total;
        h[4] = (uint8_t)(s->next_ip_id >> 8);
        h[5] = (uint8_t)s->next_ip_id;
        s->next_ip_id++;
        /* DF for TCP, which sizes its segments to the MTU (MSS); other datagrams may be fragmented
         * (RFC 791 §3.1 flags). */
        h[6] = proto == NET_PROTO_TCP ? 0x40 : 0;
        h[7] = 0;
        h[8] = NET_DEFAULT_TTL;
        h[9] = proto;
        h[10] = h[11] = 0;
        memcpy(h + 12, src.bytes, 4);
        memcpy(h + 16, dst->bytes, 4);
        uint16_t ck = inet_checksum(h, 20);
        h[10] = (uint8_t)(ck >> 8);
        h[11] = (uint8_t)ck;
    } else {
        if (payload > 65535) {
            drop(s, out, pkt, "malformed");
            return FALSE;
        }
        uint8_t *h = sim_packet_push(pkt, 40);
        h[0] = 0x60; /* version 6, traffic class 0, flow label 0 */
        h[1] = h[2] = h[3] = 0;
        h[4] = (uint8_t)(payload >> 8);
        h[5] = (uint8_t)payload;
        h[6] = proto;
        h[7] = NET_DEFAULT_TTL;
        memcpy(h + 8, src.bytes, 16);
        memcpy(h + 24, dst->bytes, 16);
    }
    s->stats.sent++;
    if (local) {
        Loopback *lb = g_new(Loopback, 1);
        lb->stack = s;
        lb->pkt = pkt;
        sim_engine_schedule_in(w->engine, 0, loopback_deliver, lb);
        return TRUE;
    }
    transmit(s, out, pkt, TRUE);
    return TRUE;
}

static void forward(NetStack *s, SimIface *in, SimPacket *pkt, const SimAddr *dst, gboolean v4)
{
    SimIface *out = net_stack_route(s, dst);
    if (!out) {
        drop(s, in, pkt, "no-route");
        return;
    }
    pkt = sim_packet_make_writable(pkt);
    if (s->forward_hook) {
        const char *reason = "forward-hook-drop";
        NetForwardVerdict v = s->forward_hook(s->forward_ctx, &pkt, &reason);
        if (v == NET_FORWARD_TAKEN)
            return;
        if (v == NET_FORWARD_DROP) {
            drop(s, in, pkt, reason);
            return;
        }
        pkt = sim_packet_make_writable(pkt);
    }
    uint8_t *h = sim_packet_data(pkt);
    uint8_t *ttl = v4 ? &h[8] : &h[7];
    if (*ttl <= 1) {
        drop(s, in, pkt, "ttl-exceeded");
        return;
    }
    (*ttl)--;
    if (v4) {
        size_t ihl = (size_t)(h[0] & 0x0f) * 4;
        h[10] = h[11] = 0;
        uint16_t ck = inet_checksum(h, ihl);
        h[10] = (uint8_t)(ck >> 8);
        h[11] = (uint8_t)ck;
    }
    s->stats.forwarded++;
    sim_trace_packet(s->node->world->trace, SIM_TRACE_FORWARD, s->node->name, out->trace, sim_packet_data(pkt),
                     pkt->len, pkt->uid, NULL);
    transmit(s, out, pkt, FALSE);
}

static void reasm_drop(void *ctx, SimPacket *pkt, const char *reason)
{
    drop(ctx, NULL, pkt, reason);
}

static IpReasm *reasm_of(NetStack *s)
{
    if (!s->reasm)
        s->reasm = ip_reasm_new(s->node->world->engine, reasm_drop, s);
    return s->reasm;
}

static void ip_input(SimIface *iface, SimPacket *pkt, void *ctx)
{
    NetStack *s = ctx;
    const uint8_t *h = sim_packet_data(pkt);
    size_t len = pkt->len;
    if (len < 1) {
        drop(s, iface, pkt, "malformed");
        return;
    }
    unsigned version = h[0] >> 4;
    NetIpInfo ip = {.iface = iface};
    if (version == 4) {
        if (len < 20) {
            drop(s, iface, pkt, "malformed");
            return;
        }
        size_t ihl = (size_t)(h[0] & 0x0f) * 4;
        size_t total = (size_t)h[2] << 8 | h[3];
        if (ihl < 20 || total < ihl || total > len) {
            drop(s, iface, pkt, "malformed");
            return;
        }
        if (inet_checksum(h, ihl) != 0) {
            drop(s, iface, pkt, "bad-checksum");
            return;
        }
        sim_packet_trim(pkt, total); /* link-layer padding, if any */
        sim_addr_from_ipv4(&ip.src, h + 12);
        sim_addr_from_ipv4(&ip.dst, h + 16);
        ip.proto = h[9];
        ip.ttl = h[8];
        if (!net_stack_is_local(s, &ip.dst)) {
            if (s->forwarding)
                forward(s, iface, pkt, &ip.dst, TRUE);
            else
                drop(s, iface, pkt, "not-for-us");
            return;
        }
        unsigned frag = ((unsigned)h[6] << 8 | h[7]) & 0x3fff; /* MF + offset */
        if (frag) {
            SimPacket *whole = ip_reasm_input(reasm_of(s), pkt);
            if (whole)
                ip_input(iface, whole, s);
            return;
        }
        uint8_t hdr[60];
        memcpy(hdr, h, ihl);
        sim_packet_pull(pkt, ihl);
        deliver_local(s, pkt, &ip, hdr, ihl);
    } else if (version == 6) {
        if (len < 40) {
            drop(s, iface, pkt, "malformed");
            return;
        }
        size_t payload = (size_t)h[4] << 8 | h[5];
        if (40 + payload > len) {
            drop(s, iface, pkt, "malformed");
            return;
        }
        sim_packet_trim(pkt, 40 + payload);
        sim_addr_from_ipv6(&ip.src, h + 8);
        sim_addr_from_ipv6(&ip.dst, h + 24);
        ip.proto = h[6];
        ip.ttl = h[7];
        if (!net_stack_is_local(s, &ip.dst)) {
            if (s->forwarding)
                forward(s, iface, pkt, &ip.dst, FALSE);
            else
                drop(s, iface, pkt, "not-for-us");
            return;
        }
        if (ip.proto == 44) { /* Fragment header (RFC 8200 §4.5) */
            SimPacket *whole = ip_reasm_input(reasm_of(s), pkt);
            if (whole)
                ip_input(iface, whole, s);
            return;
        }
        /* presim never sends other extension headers; a received one is not understood. */
        if (ip.proto == 0 || ip.proto == 43 || ip.proto == 60) {
            drop(s, iface, pkt, "extension-header-unsupported");
            return;
        }
        uint8_t hdr[40];
        memcpy(hdr, h, 40);
        sim_packet_pull(pkt, 40);
        deliver_local(s, pkt, &ip, hdr, 40);
    } else {
        drop(s, iface, pkt, "malformed");
    }
}

/* TCP wiring: the layer talks to this stack through TcpLayerOps. */
static void tcp_out(void *ctx, SimPacket *seg, const SimAddr *src, const SimAddr *dst)
{
    net_stack_output(ctx, seg, src, dst, NET_PROTO_TCP);
}

static gboolean tcp_select_source(void *ctx, const SimAddr *dst, SimAddr *src_out)
{
    NetStack *s = ctx;
    return net_stack_select_source(s, dst, src_out) && (net_stack_is_local(s, dst) || net_stack_route(s, dst));
}

static uint32_t tcp_mtu(void *ctx, const SimAddr *dst)
{
    return net_stack_mtu(ctx, dst);
}

static void tcp_event(void *ctx, const char *name, const SimAttr *attrs, size_t n)
{
    NetStack *s = ctx;
    sim_node_event(s->node, name, attrs, n);
}

void **net_stack_udp_slot(NetStack *stack)
{
    return &stack->udp;
}

void net_stack_drop_local(NetStack *stack, SimPacket *pkt, const NetIpInfo *ip, const char *reason)
{
    if (ip->hdr_len)
        memcpy(sim_packet_push(pkt, ip->hdr_len), ip->hdr, ip->hdr_len);
    drop(stack, ip->iface, pkt, reason);
}

static void tcp_in(void *ctx, SimPacket *pkt, const NetIpInfo *ip)
{
    /* The layer is made on first use, so a SYN to a node that never opened a socket gets its RST. */
    tcp_layer_input(net_stack_tcp(ctx), pkt, &ip->src, &ip->dst);
}

TcpLayer *net_stack_tcp(NetStack *s)
{
    if (!s->tcp) {
        s->tcp_rng = sim_node_rng_new(s->node, "tcp");
        TcpLayerOps ops = {
            .engine = s->node->world->engine,
            .rng = s->tcp_rng,
            .ctx = s,
            .output = tcp_out,
            .select_source = tcp_select_source,
            .mtu = tcp_mtu,
            .event = tcp_event,
        };
        s->tcp = tcp_layer_new(&ops);
    }
    return s->tcp;
}
