/* sip-headers.h: typed parse/format for the SIP headers libosip2 does not model.
 *
 * What: Security-Client/-Server/-Verify (RFC 3329 §2.2, TS 33.203 Annex H) and the downgrade check of
 * RFC 3329 §2.3.1; Path (RFC 3327), Service-Route (RFC 3608), P-Associated-URI (RFC 7315 §4.1) and
 * P-Asserted-Identity (RFC 3325 §9.1) as lists of name-addr; Require/Proxy-Require/Supported option
 * tags (RFC 3261 §20.29/§20.32/§20.37); Privacy (RFC 3323 §4.2, "id" from RFC 3325 §9.3); Expires
 * (RFC 3261 §20.19); Event and Subscription-State (RFC 6665 §8.2); SIP-ETag / SIP-If-Match (RFC 3903
 * §11.3); and the Digest challenge/credentials of WWW-Authenticate / Authorization keeping every
 * parameter (RFC 3261 §25.1 challenge/credentials; the AKA ik/ck of TS 24.229 §5.4.1.2.1 and the
 * integrity-protected of TS 24.229 §5.2.2), which libosip2's own parser drops.
 *
 * How: each parser takes one header field value (several header rows joined with ", " as RFC 3261
 * §7.3.1 allows; sip_message_header_joined() gives that) and reads it only through a bounds-checked
 * reader (sip-headers-private.h). Values are capped at SIP_HEADER_MAX_LEN bytes, lists at
 * SIP_HEADER_MAX_ITEMS entries, parameter lists at SIP_HEADER_MAX_PARAMS; a repeated parameter name is
 * an error (RFC 3261 §7.3.1). A malformed value gives NULL/FALSE and a SIP_HEADER_ERROR naming the
 * problem and its byte offset; it never aborts. Formatters produce the canonical text of the value
 * (no header name). What this is not: a URI parser (URIs are checked for a scheme and for characters
 * that cannot appear in them, nothing more); use osip_uri_parse() for that.
 */
#pragma once
#include <glib.h>
#include <stdint.h>

#define SIP_HEADER_MAX_LEN 8192
#define SIP_HEADER_MAX_ITEMS 32
#define SIP_HEADER_MAX_PARAMS 32

typedef enum {
    SIP_HEADER_ERROR_EMPTY = 1,     /* NULL, empty or blank value */
    SIP_HEADER_ERROR_TOO_LONG = 2,  /* longer than SIP_HEADER_MAX_LEN */
    SIP_HEADER_ERROR_SYNTAX = 3,    /* grammar violated (message gives the offset) */
    SIP_HEADER_ERROR_RANGE = 4,     /* number out of range (SPI, port, q, delta-seconds) */
    SIP_HEADER_ERROR_DUPLICATE = 5, /* a parameter or an exclusive value given twice */
    SIP_HEADER_ERROR_TOO_MANY = 6,  /* more than SIP_HEADER_MAX_ITEMS / _PARAMS */
} SipHeaderError;

GQuark sip_header_error_quark(void);
#define SIP_HEADER_ERROR (sip_header_error_quark())

/* ---- generic parameters (RFC 3261 §25.1 generic-param) ----------------------------------------- */

typedef struct {
    char *name;      /* as received; compared case-insensitively */
    char *value;     /* NULL for a flag parameter; the unescaped content of a quoted-string */
    gboolean quoted; /* the value was (and will be written as) a quoted-string */
} SipParam;

SipParam *sip_param_new(const char *name, const char *value, gboolean quoted);
void sip_param_free(SipParam *param);
/* A GPtrArray of SipParam* that frees its elements. */
GPtrArray *sip_params_new(void);
/* The parameter NAME (case-insensitive) or NULL. */
const SipParam *sip_params_find(const GPtrArray *params, const char *name);
/* Replaces NAME's value or appends it. */
void sip_params_set(GPtrArray *params, const char *name, const char *value, gboolean quoted);
/* Removes NAME; TRUE if it was there. */
gboolean sip_params_remove(GPtrArray *params, const char *name);

/* ---- Security-Client / Security-Server / Security-Verify (RFC 3329 §2.2, TS 33.203 Annex H) ----- */

enum {
    SIP_SEC_HAS_SPI_C = 1u << 0,
    SIP_SEC_HAS_SPI_S = 1u << 1,
    SIP_SEC_HAS_PORT_C = 1u << 2,
    SIP_SEC_HAS_PORT_S = 1u << 3,
};

typedef struct {
    char *mechanism; /* mechanism-name: "ipsec-3gpp", "tls", "digest", ... (case-insensitive) */
    int q;           /* preference in thousandths (qvalue 0.1 -> 100); -1 when absent */
    /* TS 33.203 Annex H parameters; strings NULL when absent, numbers valid when in `present` */
    char *alg;  /* "hmac-md5-96", "hmac-sha-1-96", ... */
    char *ealg; /* "des-ede3-cbc", "aes-cbc", "null" */
    char *prot; /* "esp", "ah" */
    char *mod;  /* "trans", "tun", "UDP-enc-tun" */
    guint32 spi_c, spi_s;
    guint16 port_c, port_s;
    guint present;     /* SIP_SEC_HAS_* */
    GPtrArray *params; /* every other parameter (d-alg, d-qop, d-ver, extensions): SipParam*, in order */
} SipSecMechanism;

/* Freed with sip_sec_mechanism_free(). */
SipSecMechanism *sip_sec_mechanism_new(const char *mechanism);
void sip_sec_mechanism_free(SipSecMechanism *mech);
/* A comma-separated list of sec-mechanism. Returns a GPtrArray of SipSecMechanism* that frees its
 * elements (g_ptr_array_unref), or NULL and ERROR. */
GPtrArray *sip_sec_parse(const char *value, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* "ipsec-3gpp;q=0.1;alg=hmac-sha-1-96;ealg=aes-cbc;spi-c=1111;spi-s=2222;port-c=5062;port-s=5064",
 * mechanisms separated by ", ". g_free. */
gchar *sip_sec_format(const GPtrArray *mechanisms);
/* The downgrade check (RFC 3329 §2.3.1 step 5, TS 33.203 §7.2): does the Security-Verify a server
 * received (VERIFY) reproduce the Security-Server it sent (SERVER)? Following the SIP header
 * comparison rules the RFC points to: the same mechanisms in the same order (names case-insensitive);
 * for each, the same set of parameters in any order, names case-insensitive, token values
 * case-insensitive, quoted values byte for byte, numbers (spi, port) by value, and q compared like
 * any other parameter (present in both with the same qvalue, or absent in both; 0.1 == 0.100).
 * On FALSE and WHY non-NULL, WHY receives the first difference found. */
gboolean sip_sec_equal(const GPtrArray *verify, const GPtrArray *server, GString *why);

/* ---- name-addr lists: Path, Service-Route, P-Associated-URI, P-Asserted-Identity --------------- */

typedef struct {
    char *display;     /* display-name (unquoted) or NULL */
    char *uri;         /* the URI (without < >) */
    GPtrArray *params; /* header parameters after the URI (SipParam*): rr-param, ai-param */
} SipNameAddr;

SipNameAddr *sip_name_addr_new(const char *display, const char *uri);
void sip_name_addr_free(SipNameAddr *na);
/* Path / Service-Route / P-Associated-URI: 1*(name-addr *(SEMI param)) separated by commas.
 * Returns a GPtrArray of SipNameAddr* that frees its elements. */
GPtrArray *sip_name_addr_list_parse(const char *value, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* "<sip:pcscf.visited.test;lr>, \"Alice\" <sip:alice@home.test>;x=1". g_free. */
gchar *sip_name_addr_list_format(const GPtrArray *list);
/* P-Asserted-Identity (RFC 3325 §9.1): 1 or 2 of name-addr / addr-spec, at most one sip/sips URI and
 * at most one tel URI. Same result type. */
GPtrArray *sip_p_asserted_identity_parse(const char *value, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* ---- option tags: Require, Proxy-Require, Supported, Unsupported (RFC 3261 §20.32) ------------- */

/* A comma-separated list of option-tag tokens. GPtrArray of gchar* (g_free), may be empty only if
 * the value is (Supported may be empty: RFC 3261 §20.37; pass "" and get an empty array). */
GPtrArray *sip_option_tags_parse(const char *value, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean sip_option_tags_contain(const GPtrArray *tags, const char *tag);
gchar *sip_option_tags_format(const GPtrArray *tags);

/* ---- Privacy (RFC 3323 §4.2, RFC 3325 §9.3) ---------------------------------------------------- */

typedef enum {
    SIP_PRIVACY_NONE = 1u << 0,
    SIP_PRIVACY_HEADER = 1u << 1,
    SIP_PRIVACY_SESSION = 1u << 2,
    SIP_PRIVACY_USER = 1u << 3,
    SIP_PRIVACY_ID = 1u << 4,
    SIP_PRIVACY_CRITICAL = 1u << 5,
    SIP_PRIVACY_OTHER = 1u << 6, /* an extension priv-value (a token) was present */
} SipPrivacy;

/* priv-value *(";" priv-value). FLAGS receives the SipPrivacy bits; a repeated value is an error.
 * Whether "none" beside another value is acceptable is the caller's policy (the flags show it). */
gboolean sip_privacy_parse(const char *value, guint *flags, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* "id;critical" (SIP_PRIVACY_OTHER is not written); NULL when FLAGS has no known bit. g_free. */
gchar *sip_privacy_format(guint flags);

/* ---- Expires (RFC 3261 §20.19) and delta-seconds ------------------------------------------------ */

gboolean sip_expires_parse(const char *value, guint32 *seconds, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gchar *sip_expires_format(guint32 seconds);

/* ---- Event (RFC 6665 §8.2.1) ------------------------------------------------------------------- */

typedef struct {
    char *type;        /* event-type: "reg", "presence", "presence.winfo" */
    char *id;          /* the id parameter or NULL */
    GPtrArray *params; /* other event-params (SipParam*) */
} SipEvent;

SipEvent *sip_event_new(const char *type, const char *id);
void sip_event_free(SipEvent *event);
SipEvent *sip_event_parse(const char *value, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gchar *sip_event_format(const SipEvent *event);
/* Same event-type and same id (RFC 6665 §8.2.1), both compared exactly; absent id == absent id. */
gboolean sip_event_match(const SipEvent *a, const SipEvent *b);

/* ---- Subscription-State (RFC 6665 §8.2.3) ------------------------------------------------------ */

typedef enum {
    SIP_SUBSTATE_ACTIVE = 1,
    SIP_SUBSTATE_PENDING = 2,
    SIP_SUBSTATE_TERMINATED = 3,
    SIP_SUBSTATE_EXTENSION = 4, /* extension-substate: see `state_text` */
} SipSubstate;

typedef struct {
    SipSubstate state;
    char *state_text;   /* the substate-value as received ("active") */
    char *reason;       /* event-reason-value or NULL: "deactivated", "timeout", "rejected", ... */
    gint64 expires;     /* seconds, -1 when absent */
    gint64 retry_after; /* seconds, -1 when absent */
    GPtrArray *params;  /* other parameters (SipParam*) */
} SipSubscriptionState;

SipSubscriptionState *sip_subscription_state_new(SipSubstate state);
void sip_subscription_state_free(SipSubscriptionState *ss);
SipSubscriptionState *sip_subscription_state_parse(const char *value, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* "active;expires=600", "terminated;reason=timeout;retry-after=30". g_free. */
gchar *sip_subscription_state_format(const SipSubscriptionState *ss);

/* ---- SIP-ETag / SIP-If-Match (RFC 3903 §11.3) -------------------------------------------------- */

/* entity-tag = token. Returns the tag (g_free). */
gchar *sip_etag_parse(const char *value, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* TRUE if TAG is a valid entity-tag (a non-empty token of at most 128 bytes). */
gboolean sip_etag_valid(const char *tag);

/* ---- Digest challenge / credentials: WWW-Authenticate, Authorization (RFC 3261 §25.1) ---------- */

typedef struct {
    char *scheme;      /* "Digest" */
    GPtrArray *params; /* auth-params in order (SipParam*): realm, nonce, algorithm, qop, ik, ck,
                          username, uri, response, nc, cnonce, integrity-protected, ... */
} SipAuth;

SipAuth *sip_auth_new(const char *scheme);
void sip_auth_free(SipAuth *auth);
/* auth-scheme LWS auth-param *(COMMA auth-param); every parameter is kept. */
SipAuth *sip_auth_parse(const char *value, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* "Digest realm=\"ims.test\", nonce=\"...\", algorithm=AKAv1-MD5". g_free. */
gchar *sip_auth_format(const SipAuth *auth);
/* The (unquoted) value of NAME or NULL. */
const char *sip_auth_get(const SipAuth *auth, const char *name);
/* Replaces or appends NAME. QUOTED: write as a quoted-string (realm, nonce, username, uri, response,
 * cnonce, opaque, qop in challenges, ik, ck, integrity-protected); FALSE for tokens (algorithm, nc,
 * qop in credentials, stale). */
void sip_auth_set(SipAuth *auth, const char *name, const char *value, gboolean quoted);
gboolean sip_auth_remove(SipAuth *auth, const char *name);
