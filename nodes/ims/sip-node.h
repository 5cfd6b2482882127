/* sip-node.h: the SIP endpoint of a simulated node.
 *
 * It joins protocols/sip (message parsing, the RFC 3261 §17 transaction layer) to the node's IP
 * stack: SIP over UDP on any number of local ports (5060 and, after Sec-Agree, the protected ports
 * of TS 33.203 §7.1), transaction timers on the engine, and a protocol event per message sent or
 * received ("sip-tx" / "sip-rx": method or status, Call-ID, CSeq, bytes, peer), so traces and
 * summaries can count SIP traffic per node. IPsec is underneath, in the stack: a request that came
 * through an ESP SA is visible to the handler through sip_node_arrival() (its SPI).
 * Not done: SIP over TCP or TLS (messages stay below the MTU or are fragmented by IP).
 */
#pragma once
#include "links/net-stack.h"
#include "protocols/sip/sip-message.h"
#include "protocols/sip/sip-transaction.h"

typedef struct SipNode SipNode;

typedef struct {
    /* A new request with its server transaction (TXN NULL for the ACK of a 2xx). */
    void (*request)(SipNode *sn, SipTxn *txn, const osip_message_t *req, const SipPeer *from, void *user);
    /* A response to a request sent with sip_node_send_request(). */
    void (*response)(SipNode *sn, SipTxn *txn, const osip_message_t *resp, void *user);
    /* No final response (Timer B/F) or a transport failure. */
    void (*failure)(SipNode *sn, SipTxn *txn, const char *why, void *user);
} SipNodeHandlers;

/* A UDP peer: remote address and port, and the local port to send from. */
void sip_peer_udp(SipPeer *out, const SimAddr *addr, uint16_t port, uint16_t local_port);
/* The same with the local address to send from (what the peer reached us at): answers leave from it,
 * so they match the IPsec selectors set up for that address. */
void sip_peer_udp_from(SipPeer *out, const SimAddr *addr, uint16_t port, const SimAddr *local, uint16_t local_port);
gboolean sip_peer_udp_get(const SipPeer *peer, SimAddr *addr, uint16_t *port, uint16_t *local_port);
gboolean sip_peer_udp_local(const SipPeer *peer, SimAddr *local);

/* The SIP endpoint of NODE (which must have an IP stack). Freed with sip_node_free(). */
SipNode *sip_node_new(SimNode *node, const SipNodeHandlers *handlers, void *user);
void sip_node_free(SipNode *sn);
SimNode *sip_node_sim_node(const SipNode *sn);
/* Receives SIP on UDP PORT (every address of the node). */
gboolean sip_node_listen(SipNode *sn, uint16_t port, GError **error);
void sip_node_unlisten(SipNode *sn, uint16_t port);
/* Listens on 5060 and on the protected client and server ports of TS 33.203 §7.1, which must all
 * differ. */
gboolean sip_node_listen_sec_agree(SipNode *sn, uint16_t port_c, uint16_t port_s, GError **error);

/* Sends REQ (taken over) in a new client transaction. NULL with an error if it cannot be sent. */
SipTxn *sip_node_send_request(SipNode *sn, osip_message_t *req, const SipPeer *to, GError **error);
/* Responds on a server transaction; RESP is taken over. */
gboolean sip_node_respond(SipNode *sn, SipTxn *txn, osip_message_t *resp, GError **error);
/* Builds and sends the response STATUS to the request of TXN (with TO_TAG if not NULL). */
gboolean sip_node_reply(SipNode *sn, SipTxn *txn, int status, const char *reason, const char *to_tag);

/* During a handler call: how the message being handled arrived (ports, addresses, ESP SPI). */
const NetIpInfo *sip_node_arrival(const SipNode *sn);
uint16_t sip_node_arrival_port(const SipNode *sn);
/* The size of the datagram being handled (SIP bytes, without UDP/IP/ESP). */
size_t sip_node_arrival_bytes(const SipNode *sn);

/* Proxying (RFC 3261 §16.6 step 8, §16.7 step 3): puts this node's Via on top of MSG (sent-by: the
 * node's address and PORT, a fresh branch), or removes the top Via of a response. */
gboolean sip_node_push_via(SipNode *sn, osip_message_t *msg, uint16_t port, GError **error);
void sip_node_pop_via(osip_message_t *msg);
/* The node's address as a SIP host ("10.0.0.1", "[2001:db8::1]"); free with g_free. */
char *sip_node_host(const SipNode *sn);

/* Fresh values for Via branches, tags and Call-IDs from the node's own random stream. */
char *sip_node_branch(SipNode *sn);
char *sip_node_tag(SipNode *sn);
char *sip_node_call_id(SipNode *sn);

typedef struct {
    uint64_t requests_sent, responses_sent, requests_received, responses_received;
    uint64_t bytes_sent, bytes_received, malformed, timeouts;
} SipNodeStats;

void sip_node_stats(const SipNode *sn, SipNodeStats *out);
