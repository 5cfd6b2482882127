/* net-stack.h: a node's IP stack.
 *
 * Each node that sends or receives packets has one NetStack: its interfaces (with the addresses the
 * links gave them), a prefix routing table, IPv4 (RFC 791) and IPv6 (RFC 8200) input and output
 * with real headers and checksums, forwarding with TTL / hop-limit handling for router nodes, and
 * the transport demultiplexer that UDP and TCP register with.
 *
 * IPsec sits inside the IP layer, as in a kernel: a NetIpHook sees every locally originated
 * transport segment before the IP header is added and every local datagram after its IP header is
 * removed, and may transform (ESP seal / open) or drop it. Transport code never calls ESP itself.
 *
 * Datagrams larger than the outgoing MTU are fragmented (IPv4 unless DF, which presim sets on TCP
 * only; IPv6 at the source with a Fragment header) and reassembled at the destination (ip-frag.h).
 *
 * Drops are trace events with a reason: "no-route", "ttl-exceeded", "bad-checksum", "malformed",
 * "not-for-us", "protocol-unreachable", "port-unreachable", "mtu-exceeded", "fragment-overlap",
 * "reassembly-timeout", "extension-header-unsupported", and whatever a hook returns. Not done: IP
 * options (ignored on input, never sent), IPv6 extension headers other than Fragment, ICMP.
 */
#pragma once
#include "sim-core/sim-node.h"

typedef struct NetStack NetStack;
typedef struct TcpLayer TcpLayer;

#define NET_PROTO_TCP 6
#define NET_PROTO_UDP 17
#define NET_PROTO_ESP 50
#define NET_DEFAULT_TTL 64

typedef struct {
    SimAddr src, dst;
    uint8_t proto;  /* transport protocol after hooks (the inner one for ESP) */
    uint8_t ttl;
    SimIface *iface; /* the interface it arrived on (NULL for loopback) */
    const uint8_t *hdr; /* the IP header as received, valid during delivery */
    size_t hdr_len;
    uint32_t esp_spi;   /* the SPI of the ESP SA it arrived through (set by the IPsec hook), 0: none */
} NetIpInfo;

/* Takes ownership of PKT, whose data is the transport header + payload. */
typedef void (*NetProtoInput)(void *ctx, SimPacket *pkt, const NetIpInfo *ip);

typedef enum { NET_HOOK_ACCEPT = 0, NET_HOOK_DROP = 1 } NetHookVerdict;

typedef struct NetIpHook NetIpHook;
struct NetIpHook {
    /* Outbound: *PKT is a transport segment from SRC to DST with protocol *PROTO. May replace *PKT
     * (e.g. with an ESP packet) and *PROTO. On DROP sets *REASON; the stack frees *PKT. */
    NetHookVerdict (*output)(NetIpHook *self, SimPacket **pkt, const SimAddr *src, const SimAddr *dst,
                             uint8_t *proto, const char **reason);
    /* Inbound, after the IP header is removed: may replace *PKT and IP->proto. */
    NetHookVerdict (*input)(NetIpHook *self, SimPacket **pkt, NetIpInfo *ip, const char **reason);
};

/* Creates NODE's stack (node->stack), attaching every interface NODE has now; interfaces added later
 * are attached with net_stack_attach_iface(). Freed with the node. */
NetStack *net_stack_new(SimNode *node);
NetStack *net_stack_of(const SimNode *node);
SimNode *net_stack_node(const NetStack *stack);
/* Takes packets from IFACE and adds a connected route for each of its addresses. */
void net_stack_attach_iface(NetStack *stack, SimIface *iface);

void net_stack_set_forwarding(NetStack *stack, gboolean forwarding);
gboolean net_stack_forwarding(const NetStack *stack);
/* Adds a route to PREFIX out of IFACE. Longest prefix wins; among equal lengths the first added. */
void net_stack_add_route(NetStack *stack, const SimPrefix *prefix, SimIface *iface);
/* TRUE if a route for exactly PREFIX's network (same length) exists. */
gboolean net_stack_has_route(const NetStack *stack, const SimPrefix *prefix);
/* The interface toward DST, or NULL. */
SimIface *net_stack_route(const NetStack *stack, const SimAddr *dst);
/* Writes the routing table as text lines "PREFIX dev IFACE" (for docs and debugging). */
void net_stack_dump_routes(const NetStack *stack, GString *out);

gboolean net_stack_is_local(const NetStack *stack, const SimAddr *addr);
gboolean net_stack_select_source(const NetStack *stack, const SimAddr *dst, SimAddr *src_out);
/* The MTU toward DST (0 if no route). */
uint32_t net_stack_mtu(const NetStack *stack, const SimAddr *dst);

void net_stack_register_protocol(NetStack *stack, uint8_t proto, NetProtoInput fn, void *ctx);
/* A hook on packets a router forwards, for attacker nodes: it may let *PKT pass (possibly rewritten:
 * a whole IP datagram, lengths and checksums valid), drop it (with *REASON), or take it (the hook
 * now owns it, e.g. to hold fragments until it can reassemble, and may send later with
 * net_stack_inject()). */
typedef enum { NET_FORWARD_PASS = 0, NET_FORWARD_DROP = 1, NET_FORWARD_TAKEN = 2 } NetForwardVerdict;
typedef NetForwardVerdict (*NetForwardHook)(void *ctx, SimPacket **pkt, const char **reason);
void net_stack_set_forward_hook(NetStack *stack, NetForwardHook hook, void *ctx);

/* Sends a whole IP datagram PKT (taken) out of the interface its destination routes to, as if
 * forwarded, without touching it: for attacker nodes that replay what they saw. */
gboolean net_stack_inject(NetStack *stack, SimPacket *pkt);

/* Installs the IPsec hook (links/ipsec.c); FREE_FN releases it with the stack. */
void net_stack_set_ipsec(NetStack *stack, NetIpHook *hook, void (*free_fn)(void *));
/* Where ipsec.c keeps its per-stack state. */
void **net_stack_ipsec_slot(NetStack *stack);

/* Sends transport segment PKT (takes ownership) from SRC (NULL or unspecified: chosen by route) to
 * DST. Returns FALSE, with the drop traced, when there is no route or the hook drops it. */
gboolean net_stack_output(NetStack *stack, SimPacket *pkt, const SimAddr *src, const SimAddr *dst, uint8_t proto);

/* The node's TCP layer, created on first use. */
TcpLayer *net_stack_tcp(NetStack *stack);

/* For transport layers: traces PKT (transport bytes of a datagram delivered with IP) as dropped,
 * with its IP header put back so the record shows the whole datagram, and frees it. */
void net_stack_drop_local(NetStack *stack, SimPacket *pkt, const NetIpInfo *ip, const char *reason);
/* Where udp.c keeps its per-stack state. */
void **net_stack_udp_slot(NetStack *stack);

typedef struct {
    uint64_t sent, delivered, forwarded;
    uint64_t dropped; /* for any reason */
} NetStackStats;

void net_stack_stats(const NetStack *stack, NetStackStats *out);
