/* pnet-node.h: PNET over UDP for presim's nodes (protocols/pnet/pnet.h): what the network elements,
 * the external source and the two presence agents share.
 *
 * A sender resolves the agent node's address as the IMS nodes do (ims_node_address_toward: the
 * agent's address on a link the sender shares, else its primary address; no DNS), stamps the message
 * with its sequence number and simulated time, encodes and sends it to UDP PNET_PORT, and reports a
 * "pnet-sent" event (or "pnet-send-failed").
 */
#pragma once
#include "links/udp.h"
#include "nodes/node-kind.h"
#include "protocols/pnet/pnet.h"

typedef struct {
    SimNode *node;
    UdpSocket *sock; /* unbound until the first send (ephemeral port) */
    uint32_t next_seq;
    uint64_t sent, send_errors;
} PnetSender;

void pnet_sender_init(PnetSender *s, SimNode *node);
void pnet_sender_clear(PnetSender *s);
/* Sends MSG (its seq and timestamp are set here) to node TO on PNET_PORT. FALSE after a failure,
 * which is also a "pnet-send-failed" event. */
gboolean pnet_sender_send(PnetSender *s, SimNode *to, PnetMsg *msg);
/* The node named NAME if its kind is one of KINDS (NULL-terminated); else NULL with an error naming
 * the scenario KEY. */
SimNode *pnet_find_node(SimWorld *world, const char *key, const char *name, const char *const *kinds,
                        GError **error);
/* The subscriber a message is about, for traces: its IMPU, else "imsi:<IMSI>", else "-". */
const char *pnet_msg_subject(const PnetMsg *msg, char *buf, size_t size);
/* The PNET sender role of a node kind ("msc" -> PNET_ROLE_MSC, "ext-source" -> PNET_ROLE_EXTERNAL),
 * 0 for kinds that send no PNET. */
PnetRole pnet_role_of_kind(const char *kind);
