/* tls-ca.h: a scenario-local certificate authority and the server certificates it issues
 * (TS 33.222 §5.3: the AP authenticates to the UE with a certificate; TS 33.310 profile).
 *
 * The run generates the CA and every server's key and certificate from seeded streams
 * (tls-random.h), so they are the same in every run with the same seed. Keys are EC P-256, signatures
 * ECDSA with SHA-256, certificates X.509 v3 (basicConstraints CA:TRUE on the CA; subjectAltName
 * dNSName and extendedKeyUsage serverAuth on servers). Validity comes from the caller (simulated
 * time in Unix seconds), never from the wall clock.
 * Tests: tests/unit/test-tls.c (openssl verify of an issued cert against the CA).
 */
#pragma once
#include "protocols/tls/tls-random.h"
#include <glib.h>
#include <stdint.h>

typedef struct TlsCa TlsCa;
typedef struct TlsCredentials TlsCredentials;

#define TLS_ERROR (tls_error_quark())
GQuark tls_error_quark(void);
typedef enum {
    TLS_ERROR_CRYPTO = 1,  /* OpenSSL refused (its error queue in the message) */
    TLS_ERROR_HANDSHAKE,   /* the handshake failed (alert description in the message) */
    TLS_ERROR_PROTOCOL,    /* a record or alert after the handshake broke the session */
    TLS_ERROR_CLOSED,      /* the session was closed (close_notify) */
    TLS_ERROR_INVALID,     /* an argument that cannot be used */
} TlsError;

/* A self-signed CA "CN=COMMON_NAME", valid NOT_BEFORE..NOT_AFTER (Unix seconds), key and
 * signature from RNG. */
TlsCa *tls_ca_new(const char *common_name, int64_t not_before, int64_t not_after, TlsRandom *rng, GError **error);
void tls_ca_free(TlsCa *ca);
/* A server key and certificate for HOST_NAME (CN and dNSName), signed by CA, serial SERIAL. */
TlsCredentials *tls_ca_issue(TlsCa *ca, const char *host_name, uint64_t serial, int64_t not_before,
                             int64_t not_after, TlsRandom *rng, GError **error);
void tls_credentials_free(TlsCredentials *creds);
/* PEM text (g_free): the CA certificate, a server certificate. */
char *tls_ca_cert_pem(const TlsCa *ca);
char *tls_credentials_cert_pem(const TlsCredentials *creds);
