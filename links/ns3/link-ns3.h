/* link-ns3.h: a presim link carried by ns-3 point-to-point net devices (issue 7).
 *
 * When a run uses the ns-3 engine, every link of the scenario becomes two ns3::PointToPointNetDevice
 * on an ns3::PointToPointChannel: DataRate = the link's bandwidth, channel Delay = its delay, a
 * DropTailQueue<Packet> of `queue` packets, the MTU, and a receive ErrorModel. presim's IP datagrams
 * travel as the payload of ns-3 packets (PPP framed by the device: protocol 0x0021 / 0x0057). The
 * device decides when a packet starts, how long it is serialised and when it arrives; presim keeps the
 * per-direction loss streams: at the start of each transmission link.c draws from
 * "link:NAME:loss:A>B" exactly as on the built-in engine, and the receiver's error model discards
 * the packets that draw lost. Built-in links serialise the same 2-octet PPP protocol field and round
 * the time the way ns-3's DataRate does, so both engines give the same trace to the nanosecond.
 * This header is plain C; link-ns3.cc implements it on ns-3 (built only with ns-3).
 */
#pragma once
#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

typedef struct SimLinkNs3 SimLinkNs3;

typedef struct {
    /* A transmission starts at end FROM's device: returns TRUE when the packet is lost on the way. */
    gboolean (*tx_start)(void *ctx, int from);
    /* A packet sent from end FROM arrived (not lost) at the other end. */
    void (*arrive)(void *ctx, int from);
} SimLinkNs3Ops;

/* NODE_A / NODE_B: keys of the presim nodes at the ends (one ns3::Node each, shared by their links).
 * BANDWIDTH_BPS 0: no serialisation delay. */
SimLinkNs3 *sim_link_ns3_new(const void *node_a, const void *node_b, uint64_t bandwidth_bps, int64_t delay_ns,
                             uint32_t mtu, uint32_t queue_limit, const SimLinkNs3Ops *ops, void *ctx);
/* Hands LEN octets (an IPv4 or IPv6 datagram) to end FROM's device; FALSE when its queue is full. */
gboolean sim_link_ns3_send(SimLinkNs3 *link, int from, const uint8_t *data, size_t len);
void sim_link_ns3_free(SimLinkNs3 *link);

G_END_DECLS
