/* ipsec.h: the IPsec layer inside a node's IP stack (RFC 4301 processing, ESP transport mode).
 *
 * As in a kernel, IPsec is part of IP, not of the applications: the P-CSCF and the UE install SAs
 * and policies here after Sec-Agree (TS 33.203 §7), and from then on SIP sockets send and receive
 * plain SIP while the stack seals and opens ESP (protocols/ipsec/esp-sa.h) underneath.
 *  - Outbound: a transport segment matching an SA's selector (local/remote address, local/remote
 *    port, protocol) is sealed with that SA (SPD lookup, first match in installation order).
 *  - Inbound: protocol 50 goes to the SA named by the SPI (SAD); it must verify, pass the replay
 *    window, and its inner packet must match the SA's selector, else it is dropped with a reason
 *    ("esp-unknown-spi", "esp-bad-icv", "esp-replay", "esp-malformed", "ipsec-selector"). The
 *    delivered datagram carries the SPI in NetIpInfo.esp_spi.
 *  - Required protection: plaintext matching a `require` selector is dropped ("ipsec-policy"),
 *    which is how a P-CSCF refuses unprotected requests on its protected ports (TS 33.203 §7.1).
 * Every SA installed is reported as a protocol event "sa-installed" carrying its Wireshark UAT line
 * (the keys!) so that analysis/ can write esp-sa.txt next to the trace.
 */
#pragma once
#include "links/net-stack.h"
#include "sim-core/sim-report.h"
#include "protocols/ipsec/esp-sa.h"

typedef struct NetIpsec NetIpsec;

typedef struct {
    SimAddr local, remote;          /* unspecified: any */
    uint16_t local_port, remote_port; /* 0: any */
    uint8_t proto;                  /* 0: any; else NET_PROTO_UDP / NET_PROTO_TCP */
} NetIpsecSelector;

/* The node's IPsec layer, created and hooked into STACK on first use. */
NetIpsec *net_ipsec_of(NetStack *stack);

/* Installs SA (taken over) for traffic matching SEL, seen from this node (local = this node).
 * Outbound SAs seal what matches; inbound SAs are found by SPI and check their inner packets against
 * SEL. FALSE when an inbound SA with the same SPI exists. LABEL names the SA in events ("ue1 pc"). */
gboolean net_ipsec_add_sa(NetIpsec *ipsec, const NetIpsecSelector *sel, EspSa *sa, const char *label, GError **error);
/* Removes (and frees) the SA with SPI in DIRECTION; FALSE if none. */
gboolean net_ipsec_remove_sa(NetIpsec *ipsec, uint32_t spi, EspSaDirection direction);
/* Drops plaintext arriving that matches SEL (remote = the sender). */
void net_ipsec_require(NetIpsec *ipsec, const NetIpsecSelector *sel);
void net_ipsec_unrequire(NetIpsec *ipsec, const NetIpsecSelector *sel);
/* The SA with SPI in DIRECTION, or NULL. */
EspSa *net_ipsec_find_sa(NetIpsec *ipsec, uint32_t spi, EspSaDirection direction);
/* The outbound SA that would seal a segment from LOCAL:LPORT to REMOTE:RPORT with PROTO, or NULL. */
EspSa *net_ipsec_lookup_outbound(NetIpsec *ipsec, const SimAddr *local, uint16_t lport, const SimAddr *remote,
                                 uint16_t rport, uint8_t proto);

typedef struct {
    uint64_t sealed, opened;
    uint64_t unknown_spi, bad_icv, replayed, malformed, selector_mismatch, policy_drops;
    uint64_t bytes_added; /* ESP overhead on sealed packets: header, IV, padding, trailer, ICV */
} NetIpsecStats;

void net_ipsec_stats(const NetIpsec *ipsec, NetIpsecStats *out);
/* Writes the counters as a section "esp" of the node's report, with the overhead per message. */
void net_ipsec_report(const NetIpsec *ipsec, SimReport *report);
