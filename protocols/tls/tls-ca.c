/* tls-ca.c: the scenario CA and the server certificates it issues (see tls-ca.h).
 *
 * Profile (RFC 5280, as TS 33.310 uses it): X.509 v3, EC P-256 keys, ecdsa-with-SHA256.
 *   CA:     basicConstraints critical CA:TRUE; keyUsage critical keyCertSign, cRLSign;
 *           subjectKeyIdentifier.
 *   Server: basicConstraints critical CA:FALSE; keyUsage critical digitalSignature;
 *           extendedKeyUsage serverAuth; subjectAltName dNSName; subject/authorityKeyIdentifier.
 * Every random draw (key generation, ECDSA nonce) runs under the caller's stream, so a seed gives
 * the same certificates byte for byte. Times come from the caller, never from the wall clock.
 */
#include "protocols/tls/tls-ca-private.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <string.h>

G_DEFINE_QUARK(tls-error-quark, tls_error)

struct TlsCa {
    X509 *cert;
    EVP_PKEY *key;
};

struct TlsCredentials {
    X509 *cert;
    EVP_PKEY *key;
};

/* 9999-12-31T23:59:59Z: the last instant GeneralizedTime can carry (RFC 5280 §4.1.2.5). */
#define TLS_CA_TIME_MAX INT64_C(253402300799)
#define TLS_CA_NAME_MAX 253 /* RFC 1035 §2.3.4, as text */

void tls_set_openssl_error(GError **error, int code, const char *what)
{
    unsigned long e = ERR_peek_error();
    char buf[256] = "unknown error";
    if (e != 0)
        ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    g_set_error(error, TLS_ERROR, code, "%s: %s", what, buf);
}

X509 *tls_ca_get_x509(const TlsCa *ca)
{
    return ca->cert;
}

X509 *tls_credentials_get_x509(const TlsCredentials *creds)
{
    return creds->cert;
}

EVP_PKEY *tls_credentials_get_key(const TlsCredentials *creds)
{
    return creds->key;
}

/* A CN / dNSName we accept: letters, digits, '-', '.', and (CA names only) spaces. Keeps the
 * value out of the way of X509V3 configuration syntax (',' ':' '=' would be read as structure). */
static gboolean name_ok(const char *name, gboolean allow_space)
{
    size_t n = name != NULL ? strlen(name) : 0;
    if (n == 0 || n > TLS_CA_NAME_MAX)
        return FALSE;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!g_ascii_isalnum(c) && c != '-' && c != '.' && !(allow_space && c == ' '))
            return FALSE;
    }
    return TRUE;
}

static gboolean validity_ok(int64_t not_before, int64_t not_after, GError **error)
{
    if (not_before < 0 || not_after > TLS_CA_TIME_MAX || not_before > not_after) {
        g_set_error(error, TLS_ERROR, TLS_ERROR_INVALID, "certificate validity %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT " is not usable",
                    not_before, not_after);
        return FALSE;
    }
    return TRUE;
}

static EVP_PKEY *key_new(TlsRandom *rng, GError **error)
{
    tls_random_enter(rng);
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    tls_random_leave(rng);
    if (key == NULL)
        tls_set_openssl_error(error, TLS_ERROR_CRYPTO, "P-256 key generation");
    return key;
}

static gboolean add_ext(X509 *cert, X509V3_CTX *ctx, int nid, const char *value)
{
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
    if (ext == NULL)
        return FALSE;
    int ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    return ok == 1;
}

/* Builds and signs one certificate: SUBJECT's key KEY, signed by ISSUER_KEY (ISSUER NULL: self-signed).
 * EXTS is a NULL-terminated list of (nid, value) pairs. */
static X509 *cert_build(const char *cn, EVP_PKEY *key, uint64_t serial, int64_t not_before, int64_t not_after,
                        X509 *issuer, EVP_PKEY *issuer_key, const int *nids, const char *const *values,
                        TlsRandom *rng, GError **error)
{
    X509 *cert = X509_new();
    gboolean ok = cert != NULL && X509_set_version(cert, X509_VERSION_3) == 1;
    ok = ok && ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert), serial) == 1;
    ok = ok && ASN1_TIME_set(X509_getm_notBefore(cert), (time_t)not_before) != NULL;
    ok = ok && ASN1_TIME_set(X509_getm_notAfter(cert), (time_t)not_after) != NULL;
    X509_NAME *name = ok ? X509_get_subject_name(cert) : NULL;
    ok = ok && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0) == 1;
    ok = ok && X509_set_issuer_name(cert, issuer != NULL ? X509_get_subject_name(issuer) : name) == 1;
    ok = ok && X509_set_pubkey(cert, key) == 1;
    if (ok) {
        X509V3_CTX ctx;
        X509V3_set_ctx(&ctx, issuer != NULL ? issuer : cert, cert, NULL, NULL, 0);
        for (size_t i = 0; ok && nids[i] != NID_undef; i++)
            ok = add_ext(cert, &ctx, nids[i], values[i]);
    }
    if (ok) {
        tls_random_enter(rng); /* the ECDSA nonce */
        ok = X509_sign(cert, issuer_key, EVP_sha256()) > 0;
        tls_random_leave(rng);
    }
    if (!ok) {
        tls_set_openssl_error(error, TLS_ERROR_CRYPTO, "building the certificate");
        X509_free(cert);
        return NULL;
    }
    return cert;
}

TlsCa *tls_ca_new(const char *common_name, int64_t not_before, int64_t not_after, TlsRandom *rng, GError **error)
{
    g_return_val_if_fail(rng != NULL, NULL);
    if (!name_ok(common_name, TRUE)) {
        g_set_error(error, TLS_ERROR, TLS_ERROR_INVALID, "CA name \"%s\" is not usable", common_name ? common_name : "");
        return NULL;
    }
    if (!validity_ok(not_before, not_after, error))
        return NULL;
    EVP_PKEY *key = key_new(rng, error);
    if (key == NULL)
        return NULL;
    static const int nids[] = {NID_basic_constraints, NID_key_usage, NID_subject_key_identifier, NID_undef};
    static const char *const values[] = {"critical,CA:TRUE", "critical,keyCertSign,cRLSign", "hash", NULL};
    X509 *cert = cert_build(common_name, key, 1, not_before, not_after, NULL, key, nids, values, rng, error);
    if (cert == NULL) {
        EVP_PKEY_free(key);
        return NULL;
    }
    TlsCa *ca = g_new0(TlsCa, 1);
    ca->cert = cert;
    ca->key = key;
    return ca;
}

void tls_ca_free(TlsCa *ca)
{
    if (ca == NULL)
        return;
    X509_free(ca->cert);
    EVP_PKEY_free(ca->key); /* OpenSSL clears the private scalar */
    g_free(ca);
}

TlsCredentials *tls_ca_issue(TlsCa *ca, const char *host_name, uint64_t serial, int64_t not_before,
                             int64_t not_after, TlsRandom *rng, GError **error)
{
    g_return_val_if_fail(ca != NULL && rng != NULL, NULL);
    if (!name_ok(host_name, FALSE)) {
        g_set_error(error, TLS_ERROR, TLS_ERROR_INVALID, "host name \"%s\" is not usable", host_name ? host_name : "");
        return NULL;
    }
    if (serial == 0) { /* RFC 5280 §4.1.2.2: a positive integer */
        g_set_error_literal(error, TLS_ERROR, TLS_ERROR_INVALID, "certificate serial number 0");
        return NULL;
    }
    if (!validity_ok(not_before, not_after, error))
        return NULL;
    EVP_PKEY *key = key_new(rng, error);
    if (key == NULL)
        return NULL;
    char *san = g_strdup_printf("DNS:%s", host_name);
    const int nids[] = {NID_basic_constraints, NID_key_usage, NID_ext_key_usage, NID_subject_alt_name,
                        NID_subject_key_identifier, NID_authority_key_identifier, NID_undef};
    const char *const values[] = {"critical,CA:FALSE", "critical,digitalSignature", "serverAuth", san,
                                  "hash", "keyid:always", NULL};
    X509 *cert = cert_build(host_name, key, serial, not_before, not_after, ca->cert, ca->key, nids, values, rng, error);
    g_free(san);
    if (cert == NULL) {
        EVP_PKEY_free(key);
        return NULL;
    }
    TlsCredentials *creds = g_new0(TlsCredentials, 1);
    creds->cert = cert;
    creds->key = key;
    return creds;
}

void tls_credentials_free(TlsCredentials *creds)
{
    if (creds == NULL)
        return;
    X509_free(creds->cert);
    EVP_PKEY_free(creds->key);
    g_free(creds);
}

static char *cert_pem(X509 *cert)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *pem = NULL;
    if (bio != NULL && PEM_write_bio_X509(bio, cert) == 1) {
        char *data = NULL;
        long n = BIO_get_mem_data(bio, &data);
        if (n > 0)
            pem = g_strndup(data, (gsize)n);
    }
    BIO_free(bio);
    ERR_clear_error();
    return pem;
}

char *tls_ca_cert_pem(const TlsCa *ca)
{
    g_return_val_if_fail(ca != NULL, NULL);
    return cert_pem(ca->cert);
}

char *tls_credentials_cert_pem(const TlsCredentials *creds)
{
    g_return_val_if_fail(creds != NULL, NULL);
    return cert_pem(creds->cert);
}
