/* diameter-node.h: Diameter over the simulated TCP for a node (RFC 6733 §2.1, port 3868).
 *
 * Joins protocols/diameter's peer state machine (CER/CEA, DWR/DWA, DPR/DPA, pending requests) to the
 * node's TCP and the engine. A server (the HSS) accepts any number of peers; a client (a CSCF) keeps
 * one connection to its server and queues requests until capabilities are exchanged. Sessions ids
 * and hop-by-hop / end-to-end identifiers come from the node's own stream, so runs are repeatable.
 */
#pragma once
#include "links/net-stack.h"
#include "protocols/diameter/diameter-dict.h"
#include "protocols/diameter/diameter-peer.h"

#define DIAMETER_PORT 3868
/* DIAMETER_VENDOR_3GPP (10415) comes from diameter-dict.h */

typedef struct DiameterNode DiameterNode;

typedef struct {
    /* A request from PEER: answer it with diameter_node_answer(). */
    void (*request)(DiameterNode *dn, DiameterPeer *peer, const DiameterMsg *msg, void *user);
    /* The answer to a request sent with REQ_USER; MSG NULL when none will come. */
    void (*answer)(DiameterNode *dn, const DiameterMsg *msg, void *req_user, void *user);
} DiameterNodeHandlers;

/* ORIGIN_HOST / ORIGIN_REALM: the node's Diameter identity. APP: the application it runs (e.g. Cx:
 * vendor 10415, application 16777216). Same as diameter_node_new_multi() with one application. */
DiameterNode *diameter_node_new(SimNode *node, const char *origin_host, const char *origin_realm,
                                const DiameterPeerApp *app, const DiameterNodeHandlers *handlers, void *user);
/* A node advertising the N_APPS (>= 1) applications of APPS (copied) in every CER/CEA: each
 * connection then carries the applications both ends advertise (RFC 6733 §5.3), e.g. an HSS with
 * Cx and Zh serves a CSCF that speaks Cx and a BSF that speaks Zh on the same port. Requests of an
 * application the connection did not agree are answered 3007 by the peer (incoming) or refused
 * (outgoing: the answer handler gets NULL). */
DiameterNode *diameter_node_new_multi(SimNode *node, const char *origin_host, const char *origin_realm,
                                      const DiameterPeerApp *apps, guint n_apps, const DiameterNodeHandlers *handlers,
                                      void *user);
void diameter_node_free(DiameterNode *dn);
const char *diameter_node_origin_host(const DiameterNode *dn);
const char *diameter_node_origin_realm(const DiameterNode *dn);

/* Server: accept peers on PORT. */
gboolean diameter_node_listen(DiameterNode *dn, uint16_t port, GError **error);
/* Client: connect to ADDR:PORT now (and again whenever a request needs it after a failure). */
void diameter_node_connect(DiameterNode *dn, const SimAddr *addr, uint16_t port);

/* Client: sends REQUEST (a built message; taken over). Queued until the peer is open. The ids in
 * it must come from diameter_node_next_ids(). */
gboolean diameter_node_send(DiameterNode *dn, GBytes *request, void *req_user, GError **error);
gboolean diameter_node_answer(DiameterNode *dn, DiameterPeer *peer, GBytes *answer, GError **error);
/* Fresh hop-by-hop and end-to-end identifiers for the client's next request. */
void diameter_node_next_ids(DiameterNode *dn, uint32_t *hop_by_hop, uint32_t *end_to_end);
/* A new Session-Id "<origin-host>;<hi>;<lo>" (RFC 6733 §8.8). Free with g_free. */
char *diameter_node_session_id(DiameterNode *dn);
