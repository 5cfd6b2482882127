/* tls-session.c: one TLS 1.2 connection end over OpenSSL memory BIOs (see tls-session.h).
 *
 * DESIGN NOTES
 *
 * Plumbing: net_in (what the peer sent; a memory BIO whose empty read means "retry", not EOF)
 * -> SSL -> net_out (records to send). Every call into OpenSSL is bracketed by session_enter() /
 * session_leave(): the session's random stream is selected (tls-random.h), the thread's OpenSSL
 * error queue is emptied on the way in and on the way out (so no error leaks into the next
 * session), and the thread CPU clock is read on both sides.
 *
 * States (flags, in this order of life): handshaking -> done -> (closed | peer_closed); any -> failed.
 *   session_drive() makes every transition: it runs the handshake while !done, then flushes the
 *   application data held back, then reads records until OpenSSL wants more bytes.
 *   failed is final: set by session_fail() with the reason, any alert sent or received, and for a
 *   CERT client the certificate verification result.
 *
 * Deferred PSK (PSK server, TS 33.222 §5.4.0.1: the AP fetches Ks_NAF over Zn only once it has
 * the B-TID): tls-psk-peek.c scans the client's plaintext records and holds back the record that
 * carries the ClientKeyExchange. With its identity known, the session either has the key (the
 * configured identity/key pair) and lets the record through, or sets `wanted` and feeds OpenSSL
 * nothing more until tls_session_provide_psk(). OpenSSL's server callback then answers with the key
 * given, or with none, which makes OpenSSL send unknown_psk_identity (RFC 4279 §2).
 * A PSK server configured with psk_identity + psk knows that one pair without asking.
 */
#include "protocols/tls/tls-session.h"
#include "protocols/tls/tls-ca-private.h"
#include "protocols/tls/tls-psk-peek.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <limits.h>
#include <string.h>
#include <time.h>

/* TS 33.222 §5.4 / RFC 4279 §2 and TS 33.222 §5.3 (TLS 1.2 names). */
#define TLS_CIPHERS_PSK "PSK-AES128-CBC-SHA:PSK-AES256-CBC-SHA"
#define TLS_CIPHERS_CERT "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-SHA"
/* Fixed here rather than taken from the host's openssl.cnf, so ClientHellos repeat across hosts. */
#define TLS_GROUPS "X25519:P-256"
#define TLS_SIGALGS "ECDSA+SHA256:ECDSA+SHA384:ECDSA+SHA512"
#define TLS_READ_CHUNK 16384

struct TlsSession {
    TlsRole role;
    TlsMode mode;
    SSL_CTX *ctx;
    SSL *ssl;
    BIO *net_in, *net_out; /* owned by SSL */
    TlsRandom *rng;
    int64_t cpu_ns, cpu_t0;
    GByteArray *app_out; /* written before the handshake completed */
    GByteArray *app_in;
    /* PSK: the client's identity and fixed key, or the server's configured pair. */
    char *identity;
    uint8_t psk[TLS_PSK_MAX];
    size_t psk_len;
    gboolean (*psk_for_cipher)(const char *hint, uint16_t cipher_id, uint8_t *key, size_t *key_len, void *user);
    void *psk_user;
    /* PSK server, deferred key. */
    TlsPskPeek *peek;
    char *wanted;        /* identity waiting for tls_session_provide_psk() */
    char *given_identity; /* identity the key below was provided for */
    uint8_t given[TLS_PSK_MAX];
    size_t given_len;    /* 0: refused */
    char *peer_identity; /* after the handshake */
    void (*keylog)(const char *line, void *user);
    void *keylog_user;
    int alert_sent, alert_received; /* last alert (level << 8 | description), -1: none */
    gboolean done, closed, peer_closed, failed;
};

/* ------------------------------------------------------------------ bracketing OpenSSL calls */

static int64_t thread_cpu_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void session_enter(TlsSession *s)
{
    tls_random_enter(s->rng);
    ERR_clear_error();
    s->cpu_t0 = thread_cpu_ns();
}

static void session_leave(TlsSession *s)
{
    s->cpu_ns += thread_cpu_ns() - s->cpu_t0;
    ERR_clear_error();
    tls_random_leave(s->rng);
}

static void append_alert(GString *msg, const char *dir, int alert)
{
    if (alert >= 0)
        g_string_append_printf(msg, "; alert %s: %s (%d)", dir, SSL_alert_desc_string_long(alert), alert & 0xff);
}

/* Marks the session failed and says why (inside session_enter: reads the error queue). */
static gboolean session_fail(TlsSession *s, int code, const char *what, GError **error)
{
    s->failed = TRUE;
    GString *msg = g_string_new(what);
    unsigned long e = ERR_peek_error();
    if (e != 0) {
        const char *reason = ERR_reason_error_string(e);
        if (reason != NULL) {
            g_string_append_printf(msg, ": %s", reason);
        } else {
            char buf[256];
            ERR_error_string_n(e, buf, sizeof buf);
            g_string_append_printf(msg, ": %s", buf);
        }
    }
    if (s->mode == TLS_MODE_CERT && s->role == TLS_ROLE_CLIENT) {
        long v = SSL_get_verify_result(s->ssl);
        if (v != X509_V_OK)
            g_string_append_printf(msg, "; certificate: %s", X509_verify_cert_error_string(v));
    }
    append_alert(msg, "sent", s->alert_sent);
    append_alert(msg, "received", s->alert_received);
    ERR_clear_error();
    g_set_error_literal(error, TLS_ERROR, code, msg->str);
    g_string_free(msg, TRUE);
    return FALSE;
}

/* ------------------------------------------------------------------ OpenSSL callbacks */

static void info_cb(const SSL *ssl, int where, int ret)
{
    if (!(where & SSL_CB_ALERT))
        return;
    TlsSession *s = SSL_get_app_data(ssl);
    if (where & SSL_CB_WRITE)
        s->alert_sent = ret;
    else
        s->alert_received = ret;
}

static void keylog_cb(const SSL *ssl, const char *line)
{
    TlsSession *s = SSL_get_app_data(ssl);
    if (s->keylog != NULL)
        s->keylog(line, s->keylog_user);
}

/* RFC 4279 §2: the client answers the hint with its identity and key. */
static unsigned int psk_client_cb(SSL *ssl, const char *hint, char *identity, unsigned int max_identity_len,
                                  unsigned char *psk, unsigned int max_psk_len)
{
    TlsSession *s = SSL_get_app_data(ssl);
    size_t id_len = strlen(s->identity);
    if (id_len > max_identity_len)
        return 0;
    memcpy(identity, s->identity, id_len + 1); /* OpenSSL's buffer holds max_identity_len + 1 */
    if (s->psk_for_cipher == NULL) {
        if (s->psk_len > max_psk_len)
            return 0;
        memcpy(psk, s->psk, s->psk_len);
        return (unsigned int)s->psk_len;
    }
    /* TS 33.220 Annex H.3: Ks_NAF depends on the Ua security protocol id, i.e. on the suite. */
    const SSL_CIPHER *c = SSL_get_pending_cipher(ssl);
    uint16_t cipher_id = c != NULL ? SSL_CIPHER_get_protocol_id(c) : 0;
    uint8_t key[TLS_PSK_MAX];
    size_t key_len = 0;
    unsigned int ret = 0;
    if (s->psk_for_cipher(hint, cipher_id, key, &key_len, s->psk_user) && key_len > 0 && key_len <= TLS_PSK_MAX &&
        key_len <= max_psk_len) {
        memcpy(psk, key, key_len);
        ret = (unsigned int)key_len;
    }
    OPENSSL_cleanse(key, sizeof key);
    return ret;
}

/* 0 makes OpenSSL refuse the identity with unknown_psk_identity (RFC 4279 §2). */
static unsigned int psk_server_cb(SSL *ssl, const char *identity, unsigned char *psk, unsigned int max_psk_len)
{
    TlsSession *s = SSL_get_app_data(ssl);
    const uint8_t *key = NULL;
    size_t len = 0;
    if (s->given_identity != NULL && strcmp(identity, s->given_identity) == 0) {
        key = s->given;
        len = s->given_len;
    } else if (s->identity != NULL && s->psk_len > 0 && strcmp(identity, s->identity) == 0) {
        key = s->psk;
        len = s->psk_len;
    }
    if (key == NULL || len == 0 || len > max_psk_len)
        return 0;
    memcpy(psk, key, len);
    return (unsigned int)len;
}

/* ------------------------------------------------------------------ driving OpenSSL */

/* Runs OpenSSL as far as the bytes in net_in allow (inside session_enter). */
static gboolean session_drive(TlsSession *s, GError **error)
{
    if (!s->done) {
        int r = SSL_do_handshake(s->ssl);
        if (r != 1) {
            if (SSL_get_error(s->ssl, r) == SSL_ERROR_WANT_READ)
                return TRUE;
            return session_fail(s, TLS_ERROR_HANDSHAKE, "TLS handshake failed", error);
        }
        s->done = TRUE;
        if (s->role == TLS_ROLE_SERVER && s->mode == TLS_MODE_PSK) {
            const char *id = SSL_get_psk_identity(s->ssl);
            s->peer_identity = g_strdup(id != NULL ? id : "");
        }
    }
    if (s->app_out->len > 0 && !s->closed) {
        size_t written = 0;
        if (SSL_write_ex(s->ssl, s->app_out->data, s->app_out->len, &written) != 1)
            return session_fail(s, TLS_ERROR_PROTOCOL, "TLS write failed", error);
        g_byte_array_remove_range(s->app_out, 0, (guint)written);
    }
    while (!s->peer_closed) {
        uint8_t buf[TLS_READ_CHUNK];
        size_t n = 0;
        int r = SSL_read_ex(s->ssl, buf, sizeof buf, &n);
        if (r == 1) {
            g_byte_array_append(s->app_in, buf, (guint)n);
            continue;
        }
        int e = SSL_get_error(s->ssl, r);
        if (e == SSL_ERROR_WANT_READ)
            break;
        if (e == SSL_ERROR_ZERO_RETURN) {
            s->peer_closed = TRUE; /* RFC 5246 §7.2.1 close_notify */
            break;
        }
        return session_fail(s, TLS_ERROR_PROTOCOL, "TLS record layer failed", error);
    }
    return TRUE;
}

/* PSK server: moves what the peek allows into OpenSSL and stops at a ClientKeyExchange whose key
 * is not known (inside session_enter). */
static gboolean session_pump_peek(TlsSession *s, GError **error)
{
    for (;;) {
        size_t n = 0;
        const uint8_t *data = tls_psk_peek_ready(s->peek, &n);
        if (n > 0) {
            if (BIO_write(s->net_in, data, (int)n) != (int)n)
                return session_fail(s, TLS_ERROR_CRYPTO, "memory BIO write failed", error);
            tls_psk_peek_consume(s->peek, n);
            if (!session_drive(s, error))
                return FALSE;
        }
        const char *id = tls_psk_peek_identity(s->peek);
        if (id == NULL || s->wanted != NULL)
            return TRUE;
        if (s->identity != NULL && s->psk_len > 0 && strcmp(id, s->identity) == 0) {
            tls_psk_peek_release(s->peek); /* the configured pair: no need to ask */
            continue;
        }
        s->wanted = g_strdup(id);
        return TRUE;
    }
}

/* ------------------------------------------------------------------ construction */

static gboolean config_check(const TlsConfig *cfg, GError **error)
{
    const char *why = NULL;
    if (cfg->random_seed == NULL)
        why = "a random seed is required";
    else if (cfg->role != TLS_ROLE_CLIENT && cfg->role != TLS_ROLE_SERVER)
        why = "unknown role";
    else if (cfg->mode != TLS_MODE_PSK && cfg->mode != TLS_MODE_CERT)
        why = "unknown mode";
    else if (cfg->psk_len > TLS_PSK_MAX || (cfg->psk_len > 0 && cfg->psk == NULL))
        why = "PSK length";
    else if (cfg->psk_identity != NULL && (cfg->psk_identity[0] == '\0' || strlen(cfg->psk_identity) > PSK_MAX_IDENTITY_LEN))
        why = "PSK identity length";
    else if (cfg->psk_hint != NULL && strlen(cfg->psk_hint) > PSK_MAX_IDENTITY_LEN)
        why = "PSK hint length";
    else if (cfg->mode == TLS_MODE_PSK && cfg->role == TLS_ROLE_CLIENT &&
             (cfg->psk_identity == NULL || (cfg->psk_for_cipher == NULL && cfg->psk_len == 0)))
        why = "a PSK client needs an identity and a key (or psk_for_cipher)";
    else if (cfg->mode == TLS_MODE_CERT && cfg->role == TLS_ROLE_SERVER && cfg->server_creds == NULL)
        why = "a CERT server needs credentials";
    else if (cfg->mode == TLS_MODE_CERT && cfg->role == TLS_ROLE_CLIENT &&
             (cfg->trust == NULL || cfg->server_name == NULL || cfg->server_name[0] == '\0'))
        why = "a CERT client needs a trust anchor and a server name";
    if (why != NULL) {
        g_set_error(error, TLS_ERROR, TLS_ERROR_INVALID, "TLS configuration: %s", why);
        return FALSE;
    }
    return TRUE;
}

/* Inside session_enter. */
static gboolean session_setup(TlsSession *s, const TlsConfig *cfg, GError **error)
{
    s->ctx = SSL_CTX_new(TLS_method());
    if (s->ctx == NULL)
        return session_fail(s, TLS_ERROR_CRYPTO, "SSL_CTX_new", error);
    gboolean client = cfg->role == TLS_ROLE_CLIENT;
    /* TLS 1.2 only; no tickets, cache, renegotiation or compression: one handshake per session. */
    gboolean ok = SSL_CTX_set_min_proto_version(s->ctx, TLS1_2_VERSION) == 1 &&
                  SSL_CTX_set_max_proto_version(s->ctx, TLS1_2_VERSION) == 1;
    SSL_CTX_set_options(s->ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
    SSL_CTX_set_session_cache_mode(s->ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_security_level(s->ctx, 2); /* 112 bits: both suite sets pass; host config ignored */
    ok = ok && SSL_CTX_set_cipher_list(s->ctx, cfg->mode == TLS_MODE_PSK ? TLS_CIPHERS_PSK : TLS_CIPHERS_CERT) == 1;
    ok = ok && SSL_CTX_set1_groups_list(s->ctx, TLS_GROUPS) == 1;
    ok = ok && SSL_CTX_set1_sigalgs_list(s->ctx, TLS_SIGALGS) == 1;
    SSL_CTX_set_keylog_callback(s->ctx, keylog_cb);
    SSL_CTX_set_info_callback(s->ctx, info_cb);
    if (ok && cfg->mode == TLS_MODE_PSK) {
        if (client) {
            SSL_CTX_set_psk_client_callback(s->ctx, psk_client_cb);
        } else {
            SSL_CTX_set_psk_server_callback(s->ctx, psk_server_cb);
            ok = SSL_CTX_use_psk_identity_hint(s->ctx, cfg->psk_hint != NULL ? cfg->psk_hint : TLS_PSK_HINT_3GPP) == 1;
        }
    } else if (ok && !client) {
        ok = SSL_CTX_use_certificate(s->ctx, tls_credentials_get_x509(cfg->server_creds)) == 1 &&
             SSL_CTX_use_PrivateKey(s->ctx, tls_credentials_get_key(cfg->server_creds)) == 1 &&
             SSL_CTX_check_private_key(s->ctx) == 1;
    } else if (ok) {
        ok = X509_STORE_add_cert(SSL_CTX_get_cert_store(s->ctx), tls_ca_get_x509(cfg->trust)) == 1;
        SSL_CTX_set_verify(s->ctx, SSL_VERIFY_PEER, NULL);
    }
    if (!ok)
        return session_fail(s, TLS_ERROR_CRYPTO, "TLS context set-up", error);

    s->ssl = SSL_new(s->ctx);
    s->net_in = BIO_new(BIO_s_mem());
    s->net_out = BIO_new(BIO_s_mem());
    if (s->ssl == NULL || s->net_in == NULL || s->net_out == NULL) {
        BIO_free(s->net_in);
        BIO_free(s->net_out);
        s->net_in = s->net_out = NULL;
        return session_fail(s, TLS_ERROR_CRYPTO, "SSL_new", error);
    }
    BIO_set_mem_eof_return(s->net_in, -1); /* empty means "wait for more", not end of stream */
    SSL_set_bio(s->ssl, s->net_in, s->net_out);
    SSL_set_app_data(s->ssl, s);
    if (client && cfg->mode == TLS_MODE_CERT) {
        /* RFC 6066 §3 server_name; RFC 6125 host check; validity at the simulated time. */
        X509_VERIFY_PARAM_set_time(SSL_get0_param(s->ssl), (time_t)cfg->verify_time);
        if (SSL_set_tlsext_host_name(s->ssl, cfg->server_name) != 1 || SSL_set1_host(s->ssl, cfg->server_name) != 1)
            return session_fail(s, TLS_ERROR_INVALID, "server name", error);
    }
    if (client) {
        SSL_set_connect_state(s->ssl);
        return session_drive(s, error); /* the ClientHello */
    }
    SSL_set_accept_state(s->ssl);
    return TRUE;
}

TlsSession *tls_session_new(const TlsConfig *cfg, GError **error)
{
    g_return_val_if_fail(cfg != NULL, NULL);
    if (!config_check(cfg, error))
        return NULL;
    TlsSession *s = g_new0(TlsSession, 1);
    s->role = cfg->role;
    s->mode = cfg->mode;
    s->rng = tls_random_new(cfg->random_seed);
    s->app_out = g_byte_array_new();
    s->app_in = g_byte_array_new();
    s->identity = g_strdup(cfg->psk_identity);
    if (cfg->psk_len > 0)
        memcpy(s->psk, cfg->psk, cfg->psk_len);
    s->psk_len = cfg->psk_len;
    s->psk_for_cipher = cfg->psk_for_cipher;
    s->psk_user = cfg->psk_user;
    s->keylog = cfg->keylog;
    s->keylog_user = cfg->keylog_user;
    s->alert_sent = s->alert_received = -1;
    if (s->mode == TLS_MODE_PSK && s->role == TLS_ROLE_SERVER)
        s->peek = tls_psk_peek_new();
    session_enter(s);
    gboolean ok = session_setup(s, cfg, error);
    session_leave(s);
    if (!ok) {
        tls_session_free(s);
        return NULL;
    }
    return s;
}

void tls_session_free(TlsSession *s)
{
    if (s == NULL)
        return;
    SSL_free(s->ssl); /* and the BIOs */
    SSL_CTX_free(s->ctx);
    ERR_clear_error();
    tls_random_free(s->rng);
    g_byte_array_free(s->app_out, TRUE);
    g_byte_array_free(s->app_in, TRUE);
    tls_psk_peek_free(s->peek);
    OPENSSL_cleanse(s->psk, sizeof s->psk);
    OPENSSL_cleanse(s->given, sizeof s->given);
    g_free(s->identity);
    g_free(s->wanted);
    g_free(s->given_identity);
    g_free(s->peer_identity);
    g_free(s);
}

/* ------------------------------------------------------------------ bytes in and out */

static gboolean session_usable(const TlsSession *s, GError **error)
{
    if (s->failed) {
        g_set_error_literal(error, TLS_ERROR, TLS_ERROR_PROTOCOL, "the TLS session has failed");
        return FALSE;
    }
    return TRUE;
}

gboolean tls_session_feed(TlsSession *s, const uint8_t *data, size_t len, GError **error)
{
    g_return_val_if_fail(s != NULL && (data != NULL || len == 0), FALSE);
    if (!session_usable(s, error))
        return FALSE;
    if (len == 0)
        return TRUE;
    if (len > INT_MAX) {
        g_set_error_literal(error, TLS_ERROR, TLS_ERROR_INVALID, "too many octets at once");
        return FALSE;
    }
    gboolean ok;
    session_enter(s);
    if (s->peek != NULL && tls_psk_peek_state(s->peek) != TLS_PSK_PEEK_PASS) {
        ok = tls_psk_peek_push(s->peek, data, len, error);
        if (!ok)
            s->failed = TRUE;
        else if (s->wanted == NULL || s->given_identity != NULL)
            ok = session_pump_peek(s, error);
    } else if (BIO_write(s->net_in, data, (int)len) != (int)len) {
        ok = session_fail(s, TLS_ERROR_CRYPTO, "memory BIO write failed", error);
    } else {
        ok = session_drive(s, error);
    }
    session_leave(s);
    return ok;
}

gboolean tls_session_write(TlsSession *s, const uint8_t *data, size_t len, GError **error)
{
    g_return_val_if_fail(s != NULL && (data != NULL || len == 0), FALSE);
    if (!session_usable(s, error))
        return FALSE;
    if (s->closed) {
        g_set_error_literal(error, TLS_ERROR, TLS_ERROR_CLOSED, "the TLS session is closed");
        return FALSE;
    }
    if (len > G_MAXUINT - s->app_out->len) {
        g_set_error_literal(error, TLS_ERROR, TLS_ERROR_INVALID, "too many octets at once");
        return FALSE;
    }
    g_byte_array_append(s->app_out, data, (guint)len);
    if (!s->done)
        return TRUE; /* sent by session_drive() once the handshake completes */
    session_enter(s);
    gboolean ok = session_drive(s, error);
    session_leave(s);
    return ok;
}

static GBytes *take_array(GByteArray *a)
{
    if (a->len == 0)
        return NULL;
    GBytes *b = g_bytes_new(a->data, a->len);
    g_byte_array_set_size(a, 0);
    return b;
}

GBytes *tls_session_take_output(TlsSession *s)
{
    g_return_val_if_fail(s != NULL, NULL);
    if (s->net_out == NULL)
        return NULL;
    size_t n = BIO_ctrl_pending(s->net_out);
    if (n == 0 || n > INT_MAX)
        return NULL;
    uint8_t *buf = g_malloc(n);
    int got = BIO_read(s->net_out, buf, (int)n);
    if (got <= 0) {
        g_free(buf);
        return NULL;
    }
    return g_bytes_new_take(buf, (gsize)got);
}

GBytes *tls_session_take_input(TlsSession *s)
{
    g_return_val_if_fail(s != NULL, NULL);
    return take_array(s->app_in);
}

void tls_session_close(TlsSession *s)
{
    g_return_if_fail(s != NULL);
    if (s->closed || s->failed)
        return;
    s->closed = TRUE;
    if (!s->done)
        return; /* nothing protected was sent: no close_notify to give */
    session_enter(s);
    SSL_shutdown(s->ssl); /* RFC 5246 §7.2.1: writes close_notify into net_out */
    session_leave(s);
}

/* ------------------------------------------------------------------ deferred PSK */

gboolean tls_session_provide_psk(TlsSession *s, const uint8_t *key, size_t len, GError **error)
{
    g_return_val_if_fail(s != NULL, FALSE);
    if (!session_usable(s, error))
        return FALSE;
    if (s->wanted == NULL || s->given_identity != NULL) {
        g_set_error_literal(error, TLS_ERROR, TLS_ERROR_INVALID, "no PSK identity is waiting for a key");
        return FALSE;
    }
    if (key != NULL && (len == 0 || len > TLS_PSK_MAX)) {
        g_set_error(error, TLS_ERROR, TLS_ERROR_INVALID, "PSK of %zu octets", len);
        return FALSE;
    }
    s->given_identity = g_strdup(s->wanted);
    if (key != NULL)
        memcpy(s->given, key, len);
    s->given_len = key != NULL ? len : 0; /* 0: psk_server_cb refuses */
    tls_psk_peek_release(s->peek);
    session_enter(s);
    gboolean ok = session_pump_peek(s, error);
    session_leave(s);
    g_clear_pointer(&s->wanted, g_free);
    return ok;
}

const char *tls_session_psk_wanted(const TlsSession *s)
{
    g_return_val_if_fail(s != NULL, NULL);
    return s->given_identity == NULL && !s->failed ? s->wanted : NULL;
}

const char *tls_session_psk_identity(const TlsSession *s)
{
    g_return_val_if_fail(s != NULL, NULL);
    return s->peer_identity;
}

/* ------------------------------------------------------------------ state */

gboolean tls_session_handshake_done(const TlsSession *s)
{
    return s->done;
}

gboolean tls_session_peer_closed(const TlsSession *s)
{
    return s->peer_closed;
}

gboolean tls_session_failed(const TlsSession *s)
{
    return s->failed;
}

static const SSL_CIPHER *session_cipher(const TlsSession *s)
{
    if (s->ssl == NULL)
        return NULL;
    const SSL_CIPHER *c = SSL_get_current_cipher(s->ssl);
    return c != NULL ? c : SSL_get_pending_cipher(s->ssl);
}

uint16_t tls_session_cipher_id(const TlsSession *s)
{
    const SSL_CIPHER *c = session_cipher(s);
    return c != NULL ? SSL_CIPHER_get_protocol_id(c) : 0;
}

const char *tls_session_cipher_name(const TlsSession *s)
{
    const SSL_CIPHER *c = session_cipher(s);
    return c != NULL ? SSL_CIPHER_get_name(c) : NULL;
}

int64_t tls_session_cpu_ns(const TlsSession *s)
{
    return s->cpu_ns;
}
