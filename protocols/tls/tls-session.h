/* tls-session.h: one TLS 1.2 connection end (OpenSSL over memory BIOs), with no transport of its own.
 *
 * The owner carries bytes: what the peer sent goes in with tls_session_feed(), records to send
 * come out with tls_session_take_output(); application data goes in with tls_session_write()
 * (held until the handshake is done) and comes out with tls_session_take_input(). Every call into
 * OpenSSL runs under the session's own random stream (tls-random.h) and is timed with the thread
 * CPU clock (tls_session_cpu_ns), so runs repeat and the host cost can be reported beside them.
 *
 * The two TS 33.222 variants:
 *  - TLS_MODE_PSK (§5.4): the server sends the identity hint "3GPP-bootstrapping"; the client
 *    answers with the B-TID as PSK identity and Ks_NAF as key. Cipher suites: TLS_PSK_WITH_AES_128_CBC_SHA
 *    and TLS_PSK_WITH_AES_256_CBC_SHA (RFC 4279 §2, the suites TS 33.222 §5.4 names). A server does not need
 *    to know the key before the ClientKeyExchange: when that message arrives with an identity the
 *    server has no key for, the session stops reading (tls_session_psk_wanted() returns the identity)
 *    until tls_session_provide_psk() gives the key (fetched over Zn) or refuses it, which fails the
 *    handshake with the unknown_psk_identity alert (RFC 4279 §2).
 *  - TLS_MODE_CERT (§5.3): server certificate from the scenario CA, verified by the client against
 *    that CA and the expected host name, at a caller-given time. Cipher suites
 *    TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 and TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA. The user
 *    is then authenticated by HTTP Digest inside the tunnel (not this module's business).
 * Both ends write the NSS key log line (CLIENT_RANDOM <hex> <hex>) through KEYLOG so Wireshark can
 * decrypt the trace. TLS 1.2 only: TS 33.222 of this era and PSK identity hints predate TLS 1.3.
 * Tests: tests/unit/test-tls.c (both modes end to end, deferred PSK, wrong key, wrong CA,
 * expired cert, truncated and corrupted records, determinism, key log lines).
 */
#pragma once
#include "protocols/tls/tls-ca.h"
#include "protocols/tls/tls-random.h"

#define TLS_PSK_HINT_3GPP "3GPP-bootstrapping" /* TS 33.222 §5.4.0.1 */
#define TLS_PSK_MAX 64

typedef enum { TLS_ROLE_CLIENT = 1, TLS_ROLE_SERVER } TlsRole;
typedef enum { TLS_MODE_PSK = 1, TLS_MODE_CERT } TlsMode;

typedef struct {
    TlsRole role;
    TlsMode mode;
    /* PSK client: identity (B-TID) and key (Ks_NAF). PSK server: the hint (NULL: TLS_PSK_HINT_3GPP). */
    const char *psk_identity;
    const uint8_t *psk;
    size_t psk_len;
    const char *psk_hint;
    /* PSK client, instead of PSK: called during the handshake with the server's hint and the
     * negotiated cipher suite (the Ua security protocol id, hence Ks_NAF, depends on it: TS 33.220
     * Annex H.3, 01 00 01 yy zz); writes at most TLS_PSK_MAX octets to KEY. FALSE aborts. */
    gboolean (*psk_for_cipher)(const char *hint, uint16_t cipher_id, uint8_t *key, size_t *key_len, void *user);
    void *psk_user;
    /* CERT server: its credentials (not owned; must outlive the session). */
    const TlsCredentials *server_creds;
    /* CERT client: the trust anchor (not owned), the host name to check and send as SNI, and the
     * time (Unix seconds) at which certificate validity is checked. */
    const TlsCa *trust;
    const char *server_name;
    int64_t verify_time;
    /* The session's random stream seed (required). */
    const uint8_t *random_seed;
    /* Called with each NSS key log line (no newline); may be NULL. */
    void (*keylog)(const char *line, void *user);
    void *keylog_user;
} TlsConfig;

typedef struct TlsSession TlsSession;

/* A client starts its handshake at once (the ClientHello waits in the output). */
TlsSession *tls_session_new(const TlsConfig *cfg, GError **error);
void tls_session_free(TlsSession *s);

/* Bytes from the peer. FALSE with TLS_ERROR_HANDSHAKE / TLS_ERROR_PROTOCOL when the session broke;
 * an alert for the peer may then wait in the output: send it before closing. */
gboolean tls_session_feed(TlsSession *s, const uint8_t *data, size_t len, GError **error);
/* Application data to protect (copied). FALSE after close or failure. */
gboolean tls_session_write(TlsSession *s, const uint8_t *data, size_t len, GError **error);
/* Records to send (NULL if none). */
GBytes *tls_session_take_output(TlsSession *s);
/* Decrypted application data (NULL if none). */
GBytes *tls_session_take_input(TlsSession *s);
/* Sends close_notify (into the output). */
void tls_session_close(TlsSession *s);

gboolean tls_session_handshake_done(const TlsSession *s);
/* TRUE once the peer's close_notify arrived. */
gboolean tls_session_peer_closed(const TlsSession *s);
gboolean tls_session_failed(const TlsSession *s);

/* PSK server: the identity waiting for a key, or NULL. */
const char *tls_session_psk_wanted(const TlsSession *s);
/* Resumes the handshake with KEY (LEN octets), or fails it when KEY is NULL. FALSE if the
 * handshake failed (output may hold the alert). */
gboolean tls_session_provide_psk(TlsSession *s, const uint8_t *key, size_t len, GError **error);
/* PSK server, after the handshake: the identity the client used. */
const char *tls_session_psk_identity(const TlsSession *s);

/* The negotiated cipher suite: IANA number (for the Ua security protocol id, TS 33.220 Annex H)
 * and OpenSSL name; 0 / NULL before the ServerHello. Valid while tls_session_psk_wanted() waits. */
uint16_t tls_session_cipher_id(const TlsSession *s);
const char *tls_session_cipher_name(const TlsSession *s);
/* Host CPU time spent inside OpenSSL for this session, in ns (host measurement only). */
int64_t tls_session_cpu_ns(const TlsSession *s);
