/* http-node.c: HTTP/1.1, optionally inside TLS, over a node's TCP (http-node.h).
 *
 * DESIGN NOTES
 *
 * One HttpConn per TCP connection, client or accepted. Bytes flow
 *   TCP received -> [TLS feed -> TLS input] -> HttpReader -> messages -> handler
 *   handler/API  -> serialize -> [TLS write -> TLS output] -> TCP send (overflow kept, sent on writable)
 * Before a client's TCP handshake completes, output waits in `tx`. TLS buffers application data
 * itself until its handshake is done.
 * Responses are matched to requests by order (RFC 9112 §9.3.2): a client keeps a FIFO of the
 * req_user of each request sent; a server counts requests not answered yet.
 * Lifetime: a connection is reference counted; handlers may close it from inside a callback. It is
 * unlinked from the node when TCP reports it closed (the `closed` handler is the last call) and
 * freed when the last reference goes.
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/ims/http-node.h"
#include "links/tcp.h"
#include "nodes/ims/ut-ca.h"
#include "protocols/http/http-reader.h"
#include <string.h>

struct HttpNode {
    SimNode *node;
    HttpNodeHandlers h;
    void *user;
    GPtrArray *listeners; /* Listener*, owned */
    GPtrArray *conns;     /* HttpConn*, one reference each */
    uint64_t next_ordinal; /* TLS random seed per connection */
};

typedef struct {
    HttpNode *hn;
    TcpSocket *sock;
    uint16_t port;
    gboolean tls;
    TlsConfig tls_cfg;
} Listener;

struct HttpConn {
    int refs;
    HttpNode *hn;
    TcpSocket *sock;   /* NULL once TCP closed */
    gboolean client;
    gboolean connected; /* TCP handshake done */
    gboolean closing;
    gboolean dead;      /* unlinked: no more callbacks */
    gboolean handshake_reported;
    gboolean psk_reported;
    TlsSession *tls;
    HttpReader *reader;
    GByteArray *tx;     /* bytes for TCP not accepted yet */
    GQueue pending;     /* client: req_user of each request sent, oldest first */
    guint unanswered;   /* server: requests without a response yet */
    SimAddr remote;
    uint16_t remote_port;
    gpointer data;
    GDestroyNotify data_destroy;
    HttpConnStats stats;
};

static void conn_input(HttpConn *c, const uint8_t *data, size_t len);
static void conn_fail(HttpConn *c, const char *why);
static void tls_drain(HttpConn *c);

static HttpConn *conn_ref(HttpConn *c)
{
    c->refs++;
    return c;
}

static void conn_unref(HttpConn *c)
{
    if (--c->refs > 0)
        return;
    if (c->sock) /* the node went away first */
        tcp_socket_set_callbacks(c->sock, &(TcpCallbacks){0}, NULL);
    if (c->data_destroy)
        c->data_destroy(c->data);
    tls_session_free(c->tls);
    http_reader_free(c->reader);
    g_byte_array_free(c->tx, TRUE);
    g_queue_clear(&c->pending);
    g_free(c);
}

static const char *peer_text(const HttpConn *c, char buf[SIM_ADDR_STRLEN])
{
    return sim_addr_to_string(&c->remote, buf);
}

/* ---- output ---- */

static void tcp_flush(HttpConn *c)
{
    if (!c->sock || !c->connected || c->tx->len == 0)
        return;
    size_t n = tcp_send(c->sock, c->tx->data, c->tx->len);
    c->stats.tcp_bytes_tx += n;
    g_byte_array_remove_range(c->tx, 0, (guint)n);
}

static void tcp_out(HttpConn *c, const uint8_t *data, size_t len)
{
    g_byte_array_append(c->tx, data, (guint)len);
    tcp_flush(c);
}

static void tls_flush(HttpConn *c)
{
    if (!c->tls)
        return;
    GBytes *out = tls_session_take_output(c->tls);
    if (out) {
        gsize n;
        const uint8_t *p = g_bytes_get_data(out, &n);
        tcp_out(c, p, n);
        g_bytes_unref(out);
    }
}

static gboolean conn_send(HttpConn *c, GBytes *bytes, GError **error)
{
    gsize n;
    const uint8_t *p = g_bytes_get_data(bytes, &n);
    c->stats.http_bytes_tx += n;
    if (c->tls) {
        if (!tls_session_write(c->tls, p, n, error))
            return FALSE;
        tls_flush(c);
    } else {
        tcp_out(c, p, n);
    }
    return TRUE;
}

static void message_event(HttpConn *c, const char *name, const HttpMessage *msg, size_t bytes)
{
    char buf[SIM_ADDR_STRLEN];
    char status[8];
    gboolean req = http_message_is_request(msg);
    if (!req)
        g_snprintf(status, sizeof status, "%u", http_message_status(msg));
    SimAttr attrs[] = {
        SIM_ATTR_S(req ? "method" : "status", req ? http_message_method(msg) : status),
        SIM_ATTR_S("target", req ? http_message_target(msg) : ""),
        SIM_ATTR_I("bytes", bytes),
        SIM_ATTR_S("peer", peer_text(c, buf)),
        SIM_ATTR_B("tls", c->tls != NULL),
    };
    sim_node_event(c->hn->node, name, attrs, G_N_ELEMENTS(attrs));
}

/* ---- TLS ---- */

static void on_keylog(const char *line, void *user)
{
    HttpConn *c = user;
    SimAttr attrs[] = {SIM_ATTR_S("line", line)};
    sim_node_event(c->hn->node, "tls-keylog", attrs, G_N_ELEMENTS(attrs));
}

static gboolean conn_start_tls(HttpConn *c, const TlsConfig *tmpl, GError **error)
{
    uint8_t seed[TLS_RANDOM_SEED_LEN];
    ut_tls_seed(c->hn->node, "http-tls", c->hn->next_ordinal++, seed);
    TlsConfig cfg = *tmpl;
    cfg.role = c->client ? TLS_ROLE_CLIENT : TLS_ROLE_SERVER;
    cfg.random_seed = seed;
    cfg.keylog = on_keylog;
    cfg.keylog_user = c;
    c->tls = tls_session_new(&cfg, error);
    return c->tls != NULL;
}

static void tls_progress(HttpConn *c)
{
    if (!c->tls || c->dead)
        return;
    if (!c->handshake_reported && tls_session_handshake_done(c->tls)) {
        c->handshake_reported = TRUE;
        const char *id = tls_session_psk_identity(c->tls);
        SimAttr attrs[] = {SIM_ATTR_S("role", c->client ? "client" : "server"),
                           SIM_ATTR_S("cipher", tls_session_cipher_name(c->tls) ? tls_session_cipher_name(c->tls) : ""),
                           SIM_ATTR_S("psk-identity", id ? id : "")};
        sim_node_event(c->hn->node, "tls-handshake", attrs, G_N_ELEMENTS(attrs));
    }
    const char *want = tls_session_psk_wanted(c->tls);
    if (want && !c->psk_reported) {
        c->psk_reported = TRUE;
        if (c->hn->h.psk_wanted)
            c->hn->h.psk_wanted(c->hn, c, want, c->hn->user);
        else
            http_conn_provide_psk(c, NULL, 0);
    }
}

/* ---- input ---- */

static void deliver_messages(HttpConn *c)
{
    HttpMessage *msg;
    while (!c->dead && (msg = http_reader_pop(c->reader))) {
        GBytes *wire = http_message_serialize(msg, FALSE, 0);
        size_t bytes = g_bytes_get_size(wire);
        g_bytes_unref(wire);
        if (c->client) {
            c->stats.responses++;
            message_event(c, "http-rx", msg, bytes);
            if (http_message_status(msg) < 200) { /* 1xx: interim, the final one follows (RFC 9110 §15.2) */
                http_message_free(msg);
                continue;
            }
            void *req_user = g_queue_pop_head(&c->pending);
            if (c->hn->h.response)
                c->hn->h.response(c->hn, c, msg, req_user, NULL, c->hn->user);
        } else {
            c->stats.requests++;
            c->unanswered++;
            message_event(c, "http-rx", msg, bytes);
            if (c->hn->h.request)
                c->hn->h.request(c->hn, c, msg, c->hn->user);
        }
        http_message_free(msg);
    }
}

static void reader_input(HttpConn *c, const uint8_t *data, size_t len)
{
    c->stats.http_bytes_rx += len;
    GError *err = NULL;
    gboolean ok = http_reader_feed(c->reader, data, len, &err);
    deliver_messages(c);
    if (!ok && !c->dead) {
        SimAttr attrs[] = {SIM_ATTR_S("reason", err->message)};
        sim_node_event(c->hn->node, "http-malformed", attrs, G_N_ELEMENTS(attrs));
        if (!c->client && !c->closing) { /* RFC 9112 §2.2: answer 400 and close */
            g_autoptr(HttpMessage) r = http_response_new(400, NULL);
            http_message_set_header(r, "Connection", "close");
            c->unanswered++;
            http_conn_respond(c, r, NULL);
        }
        conn_fail(c, err->message);
    }
    g_clear_error(&err);
}

static void conn_input(HttpConn *c, const uint8_t *data, size_t len)
{
    c->stats.tcp_bytes_rx += len;
    if (!c->tls) {
        reader_input(c, data, len);
        return;
    }
    int64_t before = tls_session_cpu_ns(c->tls);
    GError *err = NULL;
    gboolean ok = tls_session_feed(c->tls, data, len, &err);
    c->stats.tls_cpu_ns += tls_session_cpu_ns(c->tls) - before;
    tls_flush(c);
    if (!ok) {
        SimAttr attrs[] = {SIM_ATTR_S("role", c->client ? "client" : "server"), SIM_ATTR_S("reason", err->message)};
        sim_node_event(c->hn->node, "tls-failed", attrs, G_N_ELEMENTS(attrs));
        conn_fail(c, err->message);
        g_error_free(err);
        return;
    }
    tls_drain(c);
}

/* After the TLS session moved: report the handshake or a wanted PSK, pass decrypted data on. */
static void tls_drain(HttpConn *c)
{
    tls_progress(c);
    GBytes *in;
    while (!c->dead && (in = tls_session_take_input(c->tls))) {
        gsize n;
        const uint8_t *p = g_bytes_get_data(in, &n);
        reader_input(c, p, n);
        g_bytes_unref(in);
    }
    if (!c->dead && tls_session_peer_closed(c->tls))
        http_conn_close(c);
}

/* ---- TCP ---- */

static void unlink_conn(HttpConn *c, const char *why)
{
    if (c->dead)
        return;
    c->dead = TRUE;
    conn_ref(c);
    if (c->sock) { /* still closing in TCP: let it finish without us */
        tcp_flush(c);
        tcp_socket_set_callbacks(c->sock, &(TcpCallbacks){0}, NULL);
        c->sock = NULL;
    }
    while (!g_queue_is_empty(&c->pending)) {
        void *req_user = g_queue_pop_head(&c->pending);
        if (c->hn->h.response)
            c->hn->h.response(c->hn, c, NULL, req_user, why, c->hn->user);
    }
    if (c->hn->h.closed)
        c->hn->h.closed(c->hn, c, why, c->hn->user);
    g_ptr_array_remove(c->hn->conns, c); /* drops the node's reference */
    conn_unref(c);
}

/* A broken connection: alert (if any) already queued; close now and report. */
static void conn_fail(HttpConn *c, const char *why)
{
    if (c->dead)
        return;
    c->closing = TRUE;
    if (c->sock) {
        tcp_flush(c);
        tcp_close(c->sock);
    }
    unlink_conn(c, why);
}

static void on_tcp_connected(TcpSocket *sock, void *user)
{
    HttpConn *c = user;
    (void)sock;
    c->connected = TRUE;
    tcp_flush(c);
}

static void on_tcp_received(TcpSocket *sock, const uint8_t *data, size_t len, void *user)
{
    HttpConn *c = user;
    (void)sock;
    if (c->dead)
        return;
    conn_ref(c);
    conn_input(c, data, len);
    conn_unref(c);
}

static void on_tcp_writable(TcpSocket *sock, void *user)
{
    (void)sock;
    tcp_flush(user);
}

static void on_tcp_peer_closed(TcpSocket *sock, void *user)
{
    HttpConn *c = user;
    conn_ref(c);
    GError *err = NULL;
    if (!c->dead && !http_reader_eof(c->reader, &err)) {
        SimAttr attrs[] = {SIM_ATTR_S("reason", err->message)};
        sim_node_event(c->hn->node, "http-malformed", attrs, G_N_ELEMENTS(attrs));
        g_clear_error(&err);
    }
    deliver_messages(c);
    c->closing = TRUE;
    tcp_flush(c);
    tcp_close(sock);
    conn_unref(c);
}

static void on_tcp_closed(TcpSocket *sock, TcpCloseReason reason, void *user)
{
    HttpConn *c = user;
    (void)sock;
    c->sock = NULL;
    unlink_conn(c, tcp_close_reason_name(reason));
}

static const TcpCallbacks conn_callbacks = {
    .connected = on_tcp_connected,
    .received = on_tcp_received,
    .writable = on_tcp_writable,
    .peer_closed = on_tcp_peer_closed,
    .closed = on_tcp_closed,
};

static HttpConn *conn_new(HttpNode *hn, gboolean client)
{
    HttpConn *c = g_new0(HttpConn, 1);
    c->refs = 1; /* the node's */
    c->hn = hn;
    c->client = client;
    c->reader = http_reader_new(!client, 0, 0);
    c->tx = g_byte_array_new();
    g_queue_init(&c->pending);
    g_ptr_array_add(hn->conns, c);
    return c;
}

static void on_accept(TcpSocket *listener_sock, TcpSocket *sock, void *user)
{
    Listener *l = user;
    (void)listener_sock;
    HttpConn *c = conn_new(l->hn, FALSE);
    c->sock = sock;
    c->connected = TRUE;
    tcp_socket_remote(sock, &c->remote, &c->remote_port);
    tcp_socket_set_callbacks(sock, &conn_callbacks, c);
    if (l->tls) {
        GError *err = NULL;
        if (!conn_start_tls(c, &l->tls_cfg, &err)) {
            g_warning("%s: TLS server set-up failed: %s", l->hn->node->name, err->message);
            g_error_free(err);
            tcp_abort(sock); /* the closed callback unlinks it */
        }
    }
}

/* ---- public ---- */

HttpNode *http_node_new(SimNode *node, const HttpNodeHandlers *handlers, void *user)
{
    HttpNode *hn = g_new0(HttpNode, 1);
    hn->node = node;
    hn->h = *handlers;
    hn->user = user;
    hn->listeners = g_ptr_array_new();
    hn->conns = g_ptr_array_new_with_free_func((GDestroyNotify)conn_unref);
    return hn;
}

void http_node_free(HttpNode *hn)
{
    if (!hn)
        return;
    for (guint i = 0; i < hn->conns->len; i++)
        ((HttpConn *)hn->conns->pdata[i])->dead = TRUE; /* no callbacks from here on */
    g_ptr_array_free(hn->conns, TRUE);
    for (guint i = 0; i < hn->listeners->len; i++) {
        Listener *l = hn->listeners->pdata[i];
        if (l->sock)
            tcp_close(l->sock);
        g_free(l);
    }
    g_ptr_array_free(hn->listeners, TRUE);
    g_free(hn);
}

SimNode *http_node_sim_node(const HttpNode *hn)
{
    return hn->node;
}

gboolean http_node_listen(HttpNode *hn, uint16_t port, const TlsConfig *tls, GError **error)
{
    Listener *l = g_new0(Listener, 1);
    l->hn = hn;
    l->port = port;
    if (tls) {
        l->tls = TRUE;
        l->tls_cfg = *tls;
    }
    l->sock = tcp_listen(net_stack_tcp(net_stack_of(hn->node)), NULL, port, on_accept, l, error);
    if (!l->sock) {
        g_free(l);
        return FALSE;
    }
    g_ptr_array_add(hn->listeners, l);
    return TRUE;
}

HttpConn *http_node_connect(HttpNode *hn, const SimAddr *addr, uint16_t port, const TlsConfig *tls, GError **error)
{
    HttpConn *c = conn_new(hn, TRUE);
    c->remote = *addr;
    c->remote_port = port;
    if (tls && !conn_start_tls(c, tls, error)) {
        g_ptr_array_remove(hn->conns, c);
        return NULL;
    }
    c->sock = tcp_connect(net_stack_tcp(net_stack_of(hn->node)), addr, port, &conn_callbacks, c, error);
    if (!c->sock) {
        g_ptr_array_remove(hn->conns, c);
        return NULL;
    }
    tls_flush(c); /* the ClientHello waits in tx for the TCP handshake */
    return c;
}

gboolean http_conn_request(HttpConn *conn, const HttpMessage *req, void *req_user, GError **error)
{
    if (conn->dead || conn->closing || !conn->client || !http_message_is_request(req)) {
        g_set_error(error, HTTP_ERROR, HTTP_ERROR_INVALID, "connection closed or not a client request");
        return FALSE;
    }
    GBytes *wire = http_message_serialize(req, FALSE, 0);
    gboolean ok = conn_send(conn, wire, error);
    if (ok) {
        conn->stats.requests++;
        message_event(conn, "http-tx", req, g_bytes_get_size(wire));
        g_queue_push_tail(&conn->pending, req_user);
    }
    g_bytes_unref(wire);
    return ok;
}

gboolean http_conn_respond(HttpConn *conn, const HttpMessage *resp, GError **error)
{
    if (conn->dead || conn->client || conn->unanswered == 0 || http_message_is_request(resp)) {
        g_set_error(error, HTTP_ERROR, HTTP_ERROR_INVALID, "no request to answer on this connection");
        return FALSE;
    }
    conn->unanswered--;
    GBytes *wire = http_message_serialize(resp, FALSE, 0);
    gboolean ok = conn_send(conn, wire, error);
    if (ok) {
        conn->stats.responses++;
        message_event(conn, "http-tx", resp, g_bytes_get_size(wire));
    }
    g_bytes_unref(wire);
    return ok;
}

void http_conn_provide_psk(HttpConn *conn, const uint8_t *key, size_t len)
{
    if (conn->dead || !conn->tls)
        return;
    conn_ref(conn);
    GError *err = NULL;
    int64_t before = tls_session_cpu_ns(conn->tls);
    gboolean ok = tls_session_provide_psk(conn->tls, key, len, &err);
    conn->stats.tls_cpu_ns += tls_session_cpu_ns(conn->tls) - before;
    tls_flush(conn);
    if (!ok) {
        SimAttr attrs[] = {SIM_ATTR_S("role", "server"), SIM_ATTR_S("reason", err ? err->message : "refused")};
        sim_node_event(conn->hn->node, "tls-failed", attrs, G_N_ELEMENTS(attrs));
        conn_fail(conn, err ? err->message : "PSK refused");
        g_clear_error(&err);
    } else {
        tls_drain(conn); /* records held back behind the ClientKeyExchange */
    }
    conn_unref(conn);
}

void http_conn_close(HttpConn *conn)
{
    if (conn->dead || conn->closing)
        return;
    conn->closing = TRUE;
    if (conn->tls) {
        tls_session_close(conn->tls);
        tls_flush(conn);
    }
    if (conn->sock) {
        if (conn->connected) {
            tcp_close(conn->sock); /* FIN after the queued bytes; `closed` unlinks */
        } else {
            TcpSocket *s = conn->sock;
            conn->sock = NULL;
            tcp_socket_set_callbacks(s, &(TcpCallbacks){0}, NULL);
            tcp_abort(s);
            unlink_conn(conn, "closed before connecting");
        }
    }
}

TlsSession *http_conn_tls(const HttpConn *conn)
{
    return conn->tls;
}

gboolean http_conn_is_open(const HttpConn *conn)
{
    return !conn->dead && !conn->closing;
}

void http_conn_remote(const HttpConn *conn, SimAddr *addr, uint16_t *port)
{
    if (addr)
        *addr = conn->remote;
    if (port)
        *port = conn->remote_port;
}

void http_conn_set_data(HttpConn *conn, gpointer data, GDestroyNotify destroy)
{
    if (conn->data_destroy)
        conn->data_destroy(conn->data);
    conn->data = data;
    conn->data_destroy = destroy;
}

gpointer http_conn_get_data(const HttpConn *conn)
{
    return conn->data;
}

const HttpConnStats *http_conn_stats(const HttpConn *conn)
{
    return &conn->stats;
}
