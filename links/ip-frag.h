/* ip-frag.h: IP fragmentation and reassembly.
 *
 * IPv4 (RFC 791 §2.3, §3.2): a datagram larger than the outgoing MTU is cut into fragments whose data
 * lengths are multiples of 8, unless DF is set. IPv6 (RFC 8200 §4.5): only the source fragments,
 * inserting a Fragment header after the fixed header. Reassembly collects fragments by (source,
 * destination, protocol, identification), rejects overlaps (RFC 5722 for IPv6; presim does the same
 * for IPv4) and gives up after a timeout (RFC 8200: 60 s; for IPv4 presim uses the same), so a
 * fragment flood cannot hold memory for ever: at most IP_REASM_MAX_PENDING datagrams wait at once.
 */
#pragma once
#include "sim-core/sim-node.h"

#define IP_REASM_TIMEOUT (60 * SIM_S)
#define IP_REASM_MAX_PENDING 64

/* Cuts the complete IP datagram PKT (IPv4 or IPv6 header first) into fragments of at most MTU bytes,
 * appended to OUT (SimPacket*, new references); PKT is left untouched. IPV6_ID is the
 * identification for an IPv6 Fragment header. FALSE when it cannot be done: IPv4 with DF set, an
 * MTU too small for any data, or a malformed header. */
gboolean ip_frag_fragment(const SimPacket *pkt, uint32_t mtu, uint32_t ipv6_id, GPtrArray *out);

typedef struct IpReasm IpReasm;

/* Reports a datagram dropped by reassembly (timeout, overlap, too many pending). */
typedef void (*IpReasmDropFunc)(void *ctx, SimPacket *pkt, const char *reason);

IpReasm *ip_reasm_new(SimEngine *engine, IpReasmDropFunc drop, void *ctx);
void ip_reasm_free(IpReasm *r);
/* Takes a fragment (complete IP datagram with its header; takes ownership). Returns the reassembled
 * datagram, with a header saying it is whole (IPv4: MF and offset 0, total length fixed; IPv6: the
 * Fragment header removed), when this fragment completed one; NULL otherwise. */
SimPacket *ip_reasm_input(IpReasm *r, SimPacket *pkt);
