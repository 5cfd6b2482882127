/* link.h: point-to-point full-duplex links and the access-network kinds.
 *
 * A link joins two interfaces. Each direction has its own transmitter: a packet waits in a
 * drop-tail queue (queue_limit packets besides the one on the wire), is serialised at the link's
 * bandwidth, then arrives after the propagation delay, unless the direction's own random stream
 * ("link:NAME:loss:A>B") loses it. Packets larger than the MTU are refused. Every outcome is a
 * trace event: tx when transmission starts, rx on arrival, drop with reason "queue-full",
 * "link-loss" or "mtu-exceeded".
 *
 * Kinds (seed 002 §3): `wired` core links; `utran` access with radio-layer ciphering on;
 * `geran-unciphered` and `wlan-open` access without it. Ciphering is an attribute exported on the
 * trace interfaces: a radio eavesdropper respects it (ciphertext only on a ciphered hop).
 */
#pragma once
#include "sim-core/sim-node.h"

typedef enum {
    SIM_LINK_WIRED = 0,
    SIM_LINK_UTRAN = 1,
    SIM_LINK_GERAN_UNCIPHERED = 2,
    SIM_LINK_WLAN_OPEN = 3,
} SimLinkKind;

const char *sim_link_kind_name(SimLinkKind kind);
gboolean sim_link_kind_parse(const char *text, SimLinkKind *out);
/* TRUE when the access network ciphers at the radio layer. */
gboolean sim_link_kind_ciphered(SimLinkKind kind);
/* TRUE for radio access kinds (where a radio eavesdropper can listen). */
gboolean sim_link_kind_is_radio(SimLinkKind kind);

typedef struct {
    SimLinkKind kind;
    SimTime delay;          /* one-way propagation delay */
    uint64_t bandwidth_bps; /* 0: infinite (no serialisation delay) */
    uint32_t mtu;           /* bytes of IP datagram */
    uint32_t queue_limit;   /* packets waiting, per direction */
    double loss;            /* probability of losing each packet, per direction, in [0, 1] */
} SimLinkConfig;

typedef struct {
    uint64_t tx_packets, tx_bytes;   /* put on the wire */
    uint64_t rx_packets, rx_bytes;   /* delivered at the far end */
    uint64_t lost, queue_drops, mtu_drops;
    uint32_t max_queue;              /* deepest queue seen */
} SimLinkDirStats;

typedef struct SimLink SimLink;

/* Joins A and B (two interfaces of different nodes, each attached to no other link) and registers
 * both ends on the trace bus. Free with sim_link_free() after the run. */
SimLink *sim_link_new(SimWorld *world, const char *name, const SimLinkConfig *config, SimIface *a, SimIface *b);
void sim_link_free(SimLink *link);

const char *sim_link_name(const SimLink *link);
const SimLinkConfig *sim_link_config(const SimLink *link);
SimIface *sim_link_end(const SimLink *link, int end); /* 0: a, 1: b */
/* Statistics of the direction that leaves end FROM (0: a to b, 1: b to a). */
void sim_link_stats(const SimLink *link, int from, SimLinkDirStats *out);
