/* ap-identity.h: the pure parts of the Authentication Proxy (ap.h): what a UE request claims and
 * proves, and the requests and responses the AP passes between UE and PS. No node state, so each
 * rule is unit-tested on its own.
 *
 *  - Trust boundary (TS 33.222 §6.3): X-3GPP-Asserted-Identity is the AP's statement to the
 *    application server; a UE must never be able to set it, so it is stripped on arrival.
 *  - Claimed identity (TS 33.222 §6.3, seed 000 §8.2.1): X-3GPP-Intended-Identity (a quoted IMPU),
 *    else the XUI of the XCAP URI (RFC 4825 §6), else the first IMPU of the user's GUSS (TS 29.109
 *    Annex A). It must be one of the GUSS IMPUs.
 *  - HTTP Digest inside server-authenticated TLS (TS 33.222 §5.3, TS 24.109 §5.2.2.1): realm
 *    "3GPP-bootstrapping@<NAF FQDN>", username = B-TID, password = base64(Ks_NAF), MD5, qop=auth.
 *  - Forwarding (TS 33.222 §6.3): a fresh request to the PS with only what XCAP needs, so the
 *    Authorization (B-TID), X-3GPP-Intended-Identity and any other UE field never leave the AP.
 * Tests: tests/unit/test-ap-identity.c.
 */
#pragma once
#include "protocols/gba/gba-guss.h"
#include "protocols/http/digest.h"
#include "protocols/http/http-message.h"
#include "sim-core/sim-time.h"

#define AP_HDR_ASSERTED "X-3GPP-Asserted-Identity" /* TS 33.222 §6.3 */
#define AP_HDR_INTENDED "X-3GPP-Intended-Identity" /* TS 33.222 §6.3, TS 24.109 §7 */
#define AP_REALM_PREFIX "3GPP-bootstrapping@"      /* TS 24.109 §5.2.2.1 */
#define AP_NTP_UNIX_OFFSET INT64_C(2208988800)     /* 1900-01-01 to 1970-01-01, RFC 5905 */

#define AP_ERROR (ap_error_quark())
GQuark ap_error_quark(void);
typedef enum {
    AP_ERROR_NO_CREDENTIALS = 1, /* no Authorization, or not the Digest scheme: challenge (401) */
    AP_ERROR_MALFORMED,          /* a field that does not follow its grammar: 400 */
    AP_ERROR_CRYPTO,             /* OpenSSL refused */
} ApError;

/* A copy of request REQ: method, target, every field in order, body. NULL for a response. */
HttpMessage *ap_request_copy(const HttpMessage *req);
/* Removes every X-3GPP-Asserted-Identity field of REQ (any case). The number removed. */
guint ap_strip_untrusted(HttpMessage *req);

typedef enum {
    AP_CLAIM_NONE = 0,
    AP_CLAIM_INTENDED, /* X-3GPP-Intended-Identity */
    AP_CLAIM_XUI,      /* the XUI of the XCAP URI */
    AP_CLAIM_DEFAULT,  /* the first IMPU of the GUSS */
} ApClaimSource;

const char *ap_claim_source_name(ApClaimSource source);

/* The identity REQ claims (see above). XCAP_ROOT: the AP's XCAP root ("/xcap"); GUSS may be
 * NULL. *CLAIMED (g_free) is NULL and *SOURCE AP_CLAIM_NONE when nothing is claimed and there is no
 * default. FALSE with AP_ERROR_MALFORMED when X-3GPP-Intended-Identity is repeated, not a
 * quoted-string, empty, or holds escapes or control characters. */
gboolean ap_claimed_identity(const HttpMessage *req, const char *xcap_root, const GbaGuss *guss, char **claimed,
                             ApClaimSource *source, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* TRUE if CLAIMED is one of the IMPUs of GUSS (NULL GUSS: none is). */
gboolean ap_identity_allowed(const GbaGuss *guss, const char *claimed);

/* ---- HTTP Digest (TS 24.109 §5.2.2.1, RFC 7616) ---- */

/* The credentials of an Authorization field, checked for form only. The strings point into
 * PARAMS; clear with ap_digest_creds_clear(). */
typedef struct {
    DigestParams *params; /* owned */
    const char *username, *realm, *nonce, *uri, *response, *cnonce, *nc;
    uint32_t nc_value;
} ApDigestCreds;

/* Reads the one Authorization field of REQ: scheme Digest with username, realm, nonce, uri (equal to
 * the request-target, RFC 7616 §3.4.6), response (32 hex digits), qop=auth, nc (8 hex digits) and
 * cnonce; algorithm, if present, MD5. AP_ERROR_NO_CREDENTIALS when there is no Authorization or it
 * is another scheme; AP_ERROR_MALFORMED otherwise. OUT valid only on TRUE. */
gboolean ap_digest_creds_parse(const HttpMessage *req, ApDigestCreds *out, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void ap_digest_creds_clear(ApDigestCreds *creds);

/* The Digest password for KS_NAF: its base64 text (TS 24.109 §5.2.2.1). g_free after wiping. */
char *ap_digest_password(const uint8_t *ks_naf, size_t len);
/* *MATCH: the response of CREDS is right for METHOD and KS_NAF (compared in constant time). FALSE
 * only when a hash could not be computed. */
gboolean ap_digest_verify(const ApDigestCreds *creds, const char *method, const uint8_t *ks_naf, size_t len,
                          gboolean *match, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The WWW-Authenticate value: Digest realm="3GPP-bootstrapping@NAF_HOST", nonce="NONCE",
 * algorithm=MD5, qop="auth" [, stale=true]. g_free. */
char *ap_digest_challenge(const char *naf_host, const char *nonce, gboolean stale);
/* "3GPP-bootstrapping@NAF_HOST". g_free. */
char *ap_digest_realm(const char *naf_host);

/* ---- forwarding (TS 33.222 §6.3) ---- */

/* The request for the PS: REQ's method, target, body, Content-Type, If-Match and If-None-Match,
 * with Host: PS_HOST and X-3GPP-Asserted-Identity: "ASSERTED". NULL if ASSERTED cannot be put in a
 * quoted-string field (quote, backslash, control characters). Free with http_message_free(). */
HttpMessage *ap_forward_request(const HttpMessage *req, const char *ps_host, const char *asserted);
/* The response for the UE: the PS's status, ETag, Content-Type, Allow and body. */
HttpMessage *ap_forward_response(const HttpMessage *ps_resp);
/* A short response from the AP itself (400, 401, 403, 502, 503): STATUS, optional
 * WWW-Authenticate, no body. */
HttpMessage *ap_local_response(guint status, const char *www_authenticate);

/* Key-ExpiryTime (NTP seconds, TS 29.109 §6.3.3) as simulated time: simulated time 0 is
 * UNIX_EPOCH (ut-ca.h UT_EPOCH_UNIX). 0 for instants before the epoch, SIM_TIME_NEVER beyond the
 * range. */
SimTime ap_ntp_to_sim(uint64_t ntp, int64_t unix_epoch);
