/* tls-ca-private.h: what tls-session.c needs from tls-ca.c (the OpenSSL objects behind the handles).
 * Borrowed pointers: they live as long as the TlsCa / TlsCredentials. */
#pragma once
#include "protocols/tls/tls-ca.h"
#include <openssl/evp.h>
#include <openssl/x509.h>

X509 *tls_ca_get_x509(const TlsCa *ca);
X509 *tls_credentials_get_x509(const TlsCredentials *creds);
EVP_PKEY *tls_credentials_get_key(const TlsCredentials *creds);
/* Sets ERROR (TLS_ERROR, CODE) to "WHAT: <OpenSSL's first queued error>" and empties the queue. */
void tls_set_openssl_error(GError **error, int code, const char *what);
