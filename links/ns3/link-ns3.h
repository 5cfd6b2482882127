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
    /* A transmission starts at end FROM's device: returns TRUE when the packet is lost on the way,
     * and the packet's presim uid in *UID. */
    gboolean (*tx_start)(void *ctx, int from, uint64_t *uid);
    /* A packet sent from end FROM arrived (not lost) at the other end, in this process. */
    void (*arrive)(void *ctx, int from);
    /* The same for a packet sent by another rank (a distributed run): DATA is the IP datagram. */
    void (*arrive_remote)(void *ctx, int from, const uint8_t *data, size_t len, uint64_t uid);
} SimLinkNs3Ops;

/* NODE_A / NODE_B: keys of the presim nodes at the ends (one ns3::Node each, shared by their links).
 * BANDWIDTH_BPS 0: no serialisation delay. RANKS: the MPI ranks of the two ends in a distributed run
 * (NULL: one process). Ends on different ranks are joined by an ns3::PointToPointRemoteChannel, which
 * sends each packet, with its uid and loss verdict in a packet tag, to the other rank; that needs an
 * ns-3 with MPI (sim_link_ns3_distributed_available()) and a delay > 0. NULL when not possible. */
SimLinkNs3 *sim_link_ns3_new(const void *node_a, const void *node_b, const uint32_t *ranks, uint64_t bandwidth_bps,
                             int64_t delay_ns, uint32_t mtu, uint32_t queue_limit, const SimLinkNs3Ops *ops,
                             void *ctx);
/* Whether the two ends are on different ranks. */
gboolean sim_link_ns3_is_remote(const SimLinkNs3 *link);
gboolean sim_link_ns3_distributed_available(void);
/* Hands LEN octets (an IPv4 or IPv6 datagram) to end FROM's device; FALSE when its queue is full. */
gboolean sim_link_ns3_send(SimLinkNs3 *link, int from, const uint8_t *data, size_t len);
void sim_link_ns3_free(SimLinkNs3 *link);

G_END_DECLS
