/* http-node.h: HTTP/1.1 (optionally inside TLS 1.2) over the simulated TCP of a node.
 *
 * Joins protocols/http (message model, libhttp-parser reader) and protocols/tls (OpenSSL over memory
 * BIOs) to the node's TCP, for the Ut family of interfaces: Ub (UE → BSF, plain HTTP, TS 33.220),
 * Ua (UE → Authentication Proxy, HTTPS, TS 33.222) and the AP → PS hop (plain HTTP).
 *
 * A server listens on a port (with a TLS configuration for HTTPS) and hands each request to its
 * handler with the connection it came on; the handler answers at once or later with
 * http_conn_respond() (answers leave in request order: RFC 9112 §9.3.2 pipelining). A client
 * opens one connection to one server and sends requests on it; each response comes to the
 * handler with the REQ_USER given when its request was sent. Connections stay open (persistent)
 * until either side closes or fails.
 *
 * Every message sent or received is a protocol event ("http-tx" / "http-rx": method or status,
 * target, bytes of HTTP, peer, tls yes/no) and is counted; TLS key log lines go to the world's
 * tls-keys.txt (NSS format) so Wireshark decrypts the trace. Randomness for TLS comes from the
 * node's seeded stream and the connection's ordinal, never from the host.
 */
#pragma once
#include "links/net-stack.h"
#include "protocols/http/http-message.h"
#include "protocols/tls/tls-session.h"

typedef struct HttpNode HttpNode;
typedef struct HttpConn HttpConn;

typedef struct {
    /* Server: a request on CONN. MSG is borrowed (valid during the call); answer with
     * http_conn_respond() now or later (then keep what you need). */
    void (*request)(HttpNode *hn, HttpConn *conn, const HttpMessage *msg, void *user);
    /* Client: the response to a request sent with REQ_USER; MSG NULL when the connection failed or
     * closed before it came (WHY says why). */
    void (*response)(HttpNode *hn, HttpConn *conn, const HttpMessage *msg, void *req_user, const char *why,
                     void *user);
    /* Server, TLS_MODE_PSK: the client offered PSK IDENTITY the server holds no key for. Look it up
     * (e.g. over Zn) and call http_conn_provide_psk(). May be NULL (then every identity fails). */
    void (*psk_wanted)(HttpNode *hn, HttpConn *conn, const char *identity, void *user);
    /* Either side: CONN is closing; after this call the pointer is dead. May be NULL. */
    void (*closed)(HttpNode *hn, HttpConn *conn, const char *why, void *user);
} HttpNodeHandlers;

/* The HTTP endpoint of NODE (which must have an IP stack). */
HttpNode *http_node_new(SimNode *node, const HttpNodeHandlers *handlers, void *user);
void http_node_free(HttpNode *hn);
SimNode *http_node_sim_node(const HttpNode *hn);

/* Server on PORT; TLS NULL for plain HTTP, else a TLS_ROLE_SERVER template (its random_seed and
 * keylog are filled in per connection; pointers in it must outlive the node). */
gboolean http_node_listen(HttpNode *hn, uint16_t port, const TlsConfig *tls, GError **error);

/* Client: a new connection to ADDR:PORT (TLS as above with TLS_ROLE_CLIENT, or NULL). Requests
 * may be sent at once; they wait for the handshakes. NULL if TCP refused (no route). */
HttpConn *http_node_connect(HttpNode *hn, const SimAddr *addr, uint16_t port, const TlsConfig *tls, GError **error);
/* Client: sends REQ (copied, serialized with Content-Length) on CONN. */
gboolean http_conn_request(HttpConn *conn, const HttpMessage *req, void *req_user, GError **error);
/* Server: answers the oldest unanswered request of CONN (copied). */
gboolean http_conn_respond(HttpConn *conn, const HttpMessage *resp, GError **error);
/* PSK server: the key for the identity of psk_wanted (NULL/0 to refuse: the handshake fails). */
void http_conn_provide_psk(HttpConn *conn, const uint8_t *key, size_t len);
/* Graceful close (TLS close_notify, then FIN). Pending responses are reported failed. */
void http_conn_close(HttpConn *conn);

/* The TLS session (NULL for plain HTTP): PSK identity, cipher, CPU. */
TlsSession *http_conn_tls(const HttpConn *conn);
gboolean http_conn_is_open(const HttpConn *conn);
void http_conn_remote(const HttpConn *conn, SimAddr *addr, uint16_t *port);
/* Application bookkeeping attached to the connection (e.g. the authenticated user). */
void http_conn_set_data(HttpConn *conn, gpointer data, GDestroyNotify destroy);
gpointer http_conn_get_data(const HttpConn *conn);

typedef struct {
    uint64_t requests, responses;   /* messages sent or received by this side */
    uint64_t http_bytes_tx, http_bytes_rx; /* HTTP octets (before TLS) */
    uint64_t tcp_bytes_tx, tcp_bytes_rx;   /* octets handed to / from TCP (TLS records) */
    int64_t tls_cpu_ns;             /* host CPU inside OpenSSL */
} HttpConnStats;
const HttpConnStats *http_conn_stats(const HttpConn *conn);
