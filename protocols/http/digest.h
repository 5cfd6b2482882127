/* digest.h: HTTP Digest computations and Digest AKA (as used by IMS registration and Ut/GBA).
 *
 * Three parts: (1) HA1, HA2 and the request-digest of RFC 2617 / RFC 7616 for qop=auth and the
 * RFC 2069 no-qop form, with MD5 and SHA-256 (and their -sess variants); (2) Digest AKA: the nonce
 * base64(RAND || AUTN [|| server data]) of RFC 3310 §3.2, the AKAv1 password (RES as octets,
 * RFC 3310 §3.3) and the AKAv2 password (base64 HMAC-MD5 over RES || IK || CK, RFC 4169 §3);
 * (3) a bounds-checked tokenizer and printer for the parameter lists of WWW-Authenticate,
 * Authorization and friends (RFC 7235 §2.1 auth-param, RFC 3261 §25.1 digest-cln), including the
 * 3GPP ck="hex", ik="hex" (TS 24.229 §7.2A.1, S-CSCF to P-CSCF) and auts="base64" (RFC 3310 §3.4).
 * What it is not: SIP or HTTP message handling, nonce bookkeeping, qop=auth-int.
 * Tests: tests/unit/test-digest.c; shared/vectors/digest.txt and aka-digest.txt via presim-vectors.
 */
#pragma once
#include <glib.h>
#include <stdint.h>

#define DIGEST_ERROR (digest_error_quark())
GQuark digest_error_quark(void);
typedef enum {
    DIGEST_ERROR_CRYPTO = 1,   /* OpenSSL refused */
    DIGEST_ERROR_INVALID,      /* an argument that cannot be used (empty, too long, wrong size) */
    DIGEST_ERROR_SYNTAX,       /* text that does not follow the grammar */
    DIGEST_ERROR_MISSING,      /* a required parameter is absent */
    DIGEST_ERROR_UNSUPPORTED,  /* e.g. qop=auth-int */
} DigestError;

/* ------------------------------------------------------------------ algorithms and hashes */

/* The algorithm directive (RFC 7616 §3.3, RFC 3310 §3.1, RFC 4169). */
typedef enum {
    DIGEST_ALG_MD5 = 1,
    DIGEST_ALG_MD5_SESS,
    DIGEST_ALG_SHA256,
    DIGEST_ALG_SHA256_SESS,
    DIGEST_ALG_AKAV1_MD5, /* hash MD5, password = RES */
    DIGEST_ALG_AKAV2_MD5, /* hash MD5, password = base64(HMAC-MD5(RES || IK || CK, ...)) */
} DigestAlgorithm;

/* "MD5", "MD5-sess", "SHA-256", "SHA-256-sess", "AKAv1-MD5", "AKAv2-MD5"; parsing ignores case
 * (ABNF literals). FALSE for anything else. */
gboolean digest_algorithm_from_string(const char *text, DigestAlgorithm *out);
const char *digest_algorithm_to_string(DigestAlgorithm alg);
/* Octets of the algorithm's hash: 16 (MD5) or 32 (SHA-256). */
size_t digest_algorithm_hash_len(DigestAlgorithm alg);

#define DIGEST_HEX_SIZE 65 /* lowercase hex of the longest hash (SHA-256) and a NUL */

/* HA1 = H(username ":" realm ":" password) as lowercase hex; for the -sess algorithms
 * H(that ":" nonce ":" cnonce) (RFC 7616 §3.4.2), where NONCE and CNONCE are required (else
 * ignored and may be NULL). PASSWORD is octets (AKAv1 passes RES, which may hold any value). */
gboolean digest_ha1(DigestAlgorithm alg, const char *username, const char *realm, const uint8_t *password,
                    size_t password_len, const char *nonce, const char *cnonce, char ha1[DIGEST_HEX_SIZE],
                    GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* HA2 = H(method ":" uri) (qop=auth or no qop). */
gboolean digest_ha2(DigestAlgorithm alg, const char *method, const char *uri, char ha2[DIGEST_HEX_SIZE],
                    GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The request-digest (RFC 7616 §3.4.1): with QOP "auth" H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2),
 * NC and CNONCE then required; with QOP NULL the RFC 2069 form H(HA1 ":" nonce ":" HA2). HA1 and HA2
 * are the hex strings above. DIGEST_ERROR_UNSUPPORTED for any other qop (auth-int). */
gboolean digest_response(DigestAlgorithm alg, const char *ha1, const char *nonce, const char *nc, const char *cnonce,
                         const char *qop, const char *ha2, char response[DIGEST_HEX_SIZE],
                         GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* ------------------------------------------------------------------ Digest AKA */

#define DIGEST_AKA_RAND_LEN 16
#define DIGEST_AKA_AUTN_LEN 16
#define DIGEST_AKA_AUTS_LEN 14
#define DIGEST_AKA_KEY_LEN 16       /* CK, IK */
#define DIGEST_AKA_RES_MAX 16       /* RES is 32..128 bits (TS 33.102 §6.3.7) */
#define DIGEST_AKA_PASSWORD_MAX 32  /* AKAv1: RES (<= 16); AKAv2: base64 of 16 octets (24) */
#define DIGEST_AKA_NONCE_MAX 1024   /* nonce text accepted by the parser, in characters */

/* nonce = base64(RAND || AUTN || SERVER_DATA) (RFC 3310 §3.2). SERVER_DATA may be NULL/0. NULL only
 * when the result would exceed DIGEST_AKA_NONCE_MAX. Free with g_free(). */
gchar *digest_aka_nonce_build(const uint8_t rand[DIGEST_AKA_RAND_LEN], const uint8_t autn[DIGEST_AKA_AUTN_LEN],
                              const uint8_t *server_data, size_t server_data_len);
/* Splits a nonce value (the text inside the quotes): strict base64 (RFC 4648 alphabet, '=' padding
 * only at the end, length a multiple of 4), at least 32 octets, at most DIGEST_AKA_NONCE_MAX
 * characters. SERVER_DATA_OUT (may be NULL) gets the octets after AUTN, or NULL if none.
 * Outputs valid only on success. */
gboolean digest_aka_nonce_parse(const char *nonce, uint8_t rand[DIGEST_AKA_RAND_LEN],
                                uint8_t autn[DIGEST_AKA_AUTN_LEN], GBytes **server_data_out,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The Digest password for ALG (AKAV1_MD5 or AKAV2_MD5): AKAv1 = RES octets; AKAv2 = base64 text of
 * HMAC-MD5(key = RES || IK || CK, "http-digest-akav2-password"). IK and CK may be NULL for AKAv1.
 * Writes *PASSWORD_LEN octets to PASSWORD (no NUL); the caller wipes it (OPENSSL_cleanse). */
gboolean digest_aka_password(DigestAlgorithm alg, const uint8_t *res, size_t res_len,
                             const uint8_t ik[DIGEST_AKA_KEY_LEN], const uint8_t ck[DIGEST_AKA_KEY_LEN],
                             uint8_t password[DIGEST_AKA_PASSWORD_MAX], size_t *password_len,
                             GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Strict base64 decode (the rules of digest_aka_nonce_parse without its size limits) of LEN chars. */
GBytes *digest_base64_decode(const char *text, size_t len, GError **error);

/* ------------------------------------------------------------------ parameter lists */

/* An auth scheme and its ordered parameter list, e.g. the value of a WWW-Authenticate,
 * Proxy-Authenticate, Authorization, Proxy-Authorization or Authentication-Info header:
 *   Digest realm="ims.example", nonce="...", algorithm=AKAv1-MD5, qop="auth"
 * Names compare case-insensitively and appear once (RFC 7235 §2.1); every parameter is kept, known
 * or not, with its value unescaped and whether it was quoted, so a list prints back as it came
 * (modulo white space). Values are wiped when freed (ck and ik are keys). */
typedef struct DigestParams DigestParams;

#define DIGEST_PARAMS_MAX 64 /* parameters per list; more is a syntax error */

/* An empty list for SCHEME (a token, e.g. "Digest"); NULL if SCHEME is not a token. Free with
 * digest_params_free(). */
DigestParams *digest_params_new(const char *scheme);
/* Parses LEN octets of TEXT: [LWS] scheme [1*LWS param *(, param)] [LWS], where param is
 * token "=" (token / quoted-string) with optional white space around "=" and ",", white space
 * being SP, HTAB, or CRLF followed by SP/HTAB. Empty list elements are skipped (RFC 7230 §7).
 * NUL, bare CR/LF, control characters, bad escapes, duplicate names -> DIGEST_ERROR_SYNTAX with the
 * offset in the message. Free with digest_params_free(). */
DigestParams *digest_params_parse(const char *text, size_t len, GError **error);
void digest_params_free(DigestParams *params);

const char *digest_params_scheme(const DigestParams *params);
guint digest_params_count(const DigestParams *params);
/* The I-th parameter (I < count); any output may be NULL. */
void digest_params_nth(const DigestParams *params, guint i, const char **name, const char **value, gboolean *quoted);
/* The value of NAME (case-insensitive) or NULL. */
const char *digest_params_get(const DigestParams *params, const char *name);
/* Sets NAME to VALUE: replaces it in place if present, else appends. NAME must be a token; an
 * unquoted VALUE must be a token; a quoted VALUE may hold anything but NUL and control characters
 * other than HTAB (quotes and backslashes are escaped when printed). */
gboolean digest_params_set(DigestParams *params, const char *name, const char *value, gboolean quoted,
                           GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* TRUE if NAME was present. */
gboolean digest_params_remove(DigestParams *params, const char *name);
/* Appends "scheme name=value, name="value"" to OUT. */
void digest_params_to_string(const DigestParams *params, GString *out);

/* ck="..." / ik="..." (TS 24.229 §7.2A.1): exactly LEN octets as hex (either case accepted, lowercase
 * written, always quoted). DIGEST_ERROR_MISSING if absent, DIGEST_ERROR_SYNTAX if malformed. */
gboolean digest_params_get_hex(const DigestParams *params, const char *name, uint8_t *out, size_t len,
                               GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean digest_params_set_hex(DigestParams *params, const char *name, const uint8_t *data, size_t len,
                               GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* auts="..." (RFC 3310 §3.4): quoted strict base64 of exactly 14 octets. */
gboolean digest_params_get_auts(const DigestParams *params, uint8_t auts[DIGEST_AKA_AUTS_LEN],
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean digest_params_set_auts(DigestParams *params, const uint8_t auts[DIGEST_AKA_AUTS_LEN],
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;
