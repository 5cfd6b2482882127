/* ap-identity.c: the pure rules of the Authentication Proxy (ap-identity.h). */
#include "nodes/ap/ap-identity.h"
#include "protocols/xcap/xcap-uri.h"
#include <openssl/crypto.h>
#include <string.h>

G_DEFINE_QUARK(ap-error-quark, ap_error)

HttpMessage *ap_request_copy(const HttpMessage *req)
{
    if (!http_message_is_request(req))
        return NULL;
    HttpMessage *out = http_request_new(http_message_method(req), http_message_target(req));
    if (!out)
        return NULL;
    guint n = http_message_n_headers(req);
    for (guint i = 0; i < n; i++) {
        const char *k = NULL, *v = NULL;
        http_message_nth_header(req, i, &k, &v);
        if (k && v)
            http_message_add_header(out, k, v);
    }
    size_t len = 0;
    const uint8_t *body = http_message_body(req, &len);
    if (len > 0)
        http_message_set_body(out, body, len, NULL);
    return out;
}

guint ap_strip_untrusted(HttpMessage *req)
{
    /* TS 33.222 §6.3: only the AP asserts identities towards the AS */
    return http_message_remove_header(req, AP_HDR_ASSERTED);
}

const char *ap_claim_source_name(ApClaimSource source)
{
    switch (source) {
    case AP_CLAIM_INTENDED:
        return "intended-identity";
    case AP_CLAIM_XUI:
        return "xui";
    case AP_CLAIM_DEFAULT:
        return "default";
    case AP_CLAIM_NONE:
        break;
    }
    return "none";
}

/* The only field named NAME, in *VALUE (NULL if none). FALSE if it is repeated. */
static gboolean single_header(const HttpMessage *msg, const char *name, const char **value)
{
    *value = NULL;
    guint n = http_message_n_headers(msg);
    for (guint i = 0; i < n; i++) {
        const char *k = NULL, *v = NULL;
        http_message_nth_header(msg, i, &k, &v);
        if (k && g_ascii_strcasecmp(k, name) == 0) {
            if (*value)
                return FALSE;
            *value = v ? v : "";
        }
    }
    return TRUE;
}

/* The inside of a quoted-string holding an IMPU: no escapes, quotes or control characters (an
 * IMPU never needs them, and refusing them keeps the value printable back verbatim). */
static char *unquote_impu(const char *value)
{
    size_t n = strlen(value);
    if (n < 3 || value[0] != '"' || value[n - 1] != '"')
        return NULL;
    for (size_t i = 1; i + 1 < n; i++) {
        unsigned char ch = (unsigned char)value[i];
        if (ch == '"' || ch == '\\' || ch < 0x21 || ch == 0x7f)
            return NULL;
    }
    return g_strndup(value + 1, n - 2);
}

static const char *guss_first_uid(const GbaGuss *guss)
{
    for (guint i = 0; guss && guss->uss && i < guss->uss->len; i++) {
        const GbaUss *u = guss->uss->pdata[i];
        if (u->uids && u->uids->len > 0)
            return u->uids->pdata[0];
    }
    return NULL;
}

gboolean ap_claimed_identity(const HttpMessage *req, const char *xcap_root, const GbaGuss *guss, char **claimed,
                             ApClaimSource *source, GError **error)
{
    *claimed = NULL;
    *source = AP_CLAIM_NONE;
    const char *intended = NULL;
    if (!single_header(req, AP_HDR_INTENDED, &intended)) {
        g_set_error(error, AP_ERROR, AP_ERROR_MALFORMED, "%s repeated", AP_HDR_INTENDED);
        return FALSE;
    }
    if (intended) {
        char *v = unquote_impu(intended);
        if (!v) {
            g_set_error(error, AP_ERROR, AP_ERROR_MALFORMED, "%s is not a quoted IMPU", AP_HDR_INTENDED);
            return FALSE;
        }
        *claimed = v;
        *source = AP_CLAIM_INTENDED;
        return TRUE;
    }
    const char *target = http_message_target(req);
    if (target && xcap_root) {
        g_autoptr(XcapUri) uri = xcap_uri_parse(target, xcap_root, NULL);
        if (uri && !uri->global && uri->xui && *uri->xui) { /* RFC 4825 §6.2: the users tree */
            *claimed = g_strdup(uri->xui);
            *source = AP_CLAIM_XUI;
            return TRUE;
        }
    }
    const char *def = guss_first_uid(guss);
    if (def) {
        *claimed = g_strdup(def);
        *source = AP_CLAIM_DEFAULT;
    }
    return TRUE;
}

gboolean ap_identity_allowed(const GbaGuss *guss, const char *claimed)
{
    return guss && claimed && gba_guss_has_uid(guss, claimed);
}

/* ---- HTTP Digest ------------------------------------------------------------------------------ */

void ap_digest_creds_clear(ApDigestCreds *creds)
{
    if (creds->params)
        digest_params_free(creds->params);
    memset(creds, 0, sizeof *creds);
}

static gboolean all_hex(const char *s, size_t want)
{
    size_t n = strlen(s);
    if (n != want)
        return FALSE;
    for (size_t i = 0; i < n; i++)
        if (!g_ascii_isxdigit(s[i]))
            return FALSE;
    return TRUE;
}

static gboolean malformed(ApDigestCreds *out, GError **error, const char *what)
{
    ap_digest_creds_clear(out);
    g_set_error(error, AP_ERROR, AP_ERROR_MALFORMED, "Authorization: %s", what);
    return FALSE;
}

gboolean ap_digest_creds_parse(const HttpMessage *req, ApDigestCreds *out, GError **error)
{
    memset(out, 0, sizeof *out);
    const char *value = NULL;
    if (!single_header(req, "Authorization", &value))
        return malformed(out, error, "repeated");
    if (!value) {
        g_set_error(error, AP_ERROR, AP_ERROR_NO_CREDENTIALS, "no Authorization");
        return FALSE;
    }
    /* RFC 7235 §2.1: another scheme (e.g. Basic with token68 credentials) is not ours to parse */
    const char *v = value + strspn(value, " \t");
    size_t scheme_len = strcspn(v, " \t");
    if (scheme_len != 6 || g_ascii_strncasecmp(v, "Digest", 6) != 0) {
        g_set_error(error, AP_ERROR, AP_ERROR_NO_CREDENTIALS, "Authorization is not Digest");
        return FALSE;
    }
    GError *perr = NULL;
    out->params = digest_params_parse(value, strlen(value), &perr);
    if (!out->params) {
        g_set_error(error, AP_ERROR, AP_ERROR_MALFORMED, "Authorization: %s", perr->message);
        g_error_free(perr);
        return FALSE;
    }
    if (g_ascii_strcasecmp(digest_params_scheme(out->params), "Digest") != 0) {
        ap_digest_creds_clear(out);
        g_set_error(error, AP_ERROR, AP_ERROR_NO_CREDENTIALS, "Authorization is not Digest");
        return FALSE;
    }
    const DigestParams *p = out->params;
    out->username = digest_params_get(p, "username");
    out->realm = digest_params_get(p, "realm");
    out->nonce = digest_params_get(p, "nonce");
    out->uri = digest_params_get(p, "uri");
    out->response = digest_params_get(p, "response");
    out->cnonce = digest_params_get(p, "cnonce");
    out->nc = digest_params_get(p, "nc");
    const char *qop = digest_params_get(p, "qop");
    const char *alg = digest_params_get(p, "algorithm");
    if (!out->username || !*out->username || !out->realm || !out->nonce || !*out->nonce || !out->uri ||
        !out->response)
        return malformed(out, error, "username, realm, nonce, uri and response are required");
    if (alg && g_ascii_strcasecmp(alg, "MD5") != 0) /* the challenge offered MD5 only */
        return malformed(out, error, "algorithm is not MD5");
    if (!qop || g_ascii_strcasecmp(qop, "auth") != 0) /* RFC 7616 §3.4: qop as offered */
        return malformed(out, error, "qop is not auth");
    if (!out->cnonce || !*out->cnonce || !out->nc || !all_hex(out->nc, 8)) /* RFC 7616 §3.4: nc = 8LHEX */
        return malformed(out, error, "qop=auth needs cnonce and an 8-digit nc");
    if (!all_hex(out->response, 32))
        return malformed(out, error, "response is not 32 hex digits");
    const char *target = http_message_target(req);
    if (!target || !g_str_equal(target, out->uri)) /* RFC 7616 §3.4.6 */
        return malformed(out, error, "uri differs from the request-target");
    out->nc_value = (uint32_t)g_ascii_strtoull(out->nc, NULL, 16);
    return TRUE;
}

char *ap_digest_password(const uint8_t *ks_naf, size_t len)
{
    return g_base64_encode(ks_naf, len); /* TS 24.109 §5.2.2.1: base64 (RFC 2045) of Ks_NAF */
}

gboolean ap_digest_verify(const ApDigestCreds *creds, const char *method, const uint8_t *ks_naf, size_t len,
                          gboolean *match, GError **error)
{
    *match = FALSE;
    char *password = ap_digest_password(ks_naf, len);
    char ha1[DIGEST_HEX_SIZE], ha2[DIGEST_HEX_SIZE], want[DIGEST_HEX_SIZE];
    gboolean ok = digest_ha1(DIGEST_ALG_MD5, creds->username, creds->realm, (const uint8_t *)password,
                             strlen(password), NULL, NULL, ha1, error) &&
                  digest_ha2(DIGEST_ALG_MD5, method, creds->uri, ha2, error) &&
                  digest_response(DIGEST_ALG_MD5, ha1, creds->nonce, creds->nc, creds->cnonce, "auth", ha2, want,
                                  error);
    OPENSSL_cleanse(password, strlen(password));
    g_free(password);
    if (!ok) {
        OPENSSL_cleanse(ha1, sizeof ha1);
        return FALSE;
    }
    char got[33];
    for (size_t i = 0; i < 32; i++) /* form checked by ap_digest_creds_parse: 32 hex digits */
        got[i] = g_ascii_tolower(creds->response[i]);
    got[32] = '\0';
    *match = strlen(want) == 32 && CRYPTO_memcmp(got, want, 32) == 0;
    OPENSSL_cleanse(ha1, sizeof ha1);
    return TRUE;
}

char *ap_digest_realm(const char *naf_host)
{
    return g_strconcat(AP_REALM_PREFIX, naf_host, NULL);
}

char *ap_digest_challenge(const char *naf_host, const char *nonce, gboolean stale)
{
    g_autofree char *realm = ap_digest_realm(naf_host);
    DigestParams *p = digest_params_new("Digest");
    gboolean ok = digest_params_set(p, "realm", realm, TRUE, NULL) &&
                  digest_params_set(p, "nonce", nonce, TRUE, NULL) &&
                  digest_params_set(p, "algorithm", "MD5", FALSE, NULL) &&
                  digest_params_set(p, "qop", "auth", TRUE, NULL) &&
                  (!stale || digest_params_set(p, "stale", "true", FALSE, NULL));
    g_assert(ok); /* host names and hex nonces always fit */
    GString *s = g_string_new(NULL);
    digest_params_to_string(p, s);
    digest_params_free(p);
    return g_string_free(s, FALSE);
}

/* ---- forwarding ------------------------------------------------------------------------------ */

static void copy_fields(const HttpMessage *from, HttpMessage *to, const char *name)
{
    guint n = http_message_n_headers(from);
    for (guint i = 0; i < n; i++) {
        const char *k = NULL, *v = NULL;
        http_message_nth_header(from, i, &k, &v);
        if (k && v && g_ascii_strcasecmp(k, name) == 0)
            http_message_add_header(to, name, v);
    }
}

HttpMessage *ap_forward_request(const HttpMessage *req, const char *ps_host, const char *asserted)
{
    for (const char *p = asserted; *p; p++)
        if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20 || *p == 0x7f)
            return NULL;
    if (!*asserted)
        return NULL;
    HttpMessage *out = http_request_new(http_message_method(req), http_message_target(req));
    if (!out)
        return NULL;
    http_message_add_header(out, "Host", ps_host);
    copy_fields(req, out, "If-Match");
    copy_fields(req, out, "If-None-Match");
    g_autofree char *quoted = g_strdup_printf("\"%s\"", asserted);
    http_message_add_header(out, AP_HDR_ASSERTED, quoted);
    size_t len = 0;
    const uint8_t *body = http_message_body(req, &len);
    const char *ct = http_message_get_header(req, "Content-Type");
    if (len > 0)
        http_message_set_body(out, body, len, ct);
    else if (ct)
        http_message_add_header(out, "Content-Type", ct);
    return out;
}

HttpMessage *ap_forward_response(const HttpMessage *ps_resp)
{
    HttpMessage *out = http_response_new(http_message_status(ps_resp), NULL);
    if (!out)
        out = http_response_new(502, NULL);
    copy_fields(ps_resp, out, "ETag");
    copy_fields(ps_resp, out, "Allow"); /* RFC 9110 §15.5.6: a 405 carries it */
    size_t len = 0;
    const uint8_t *body = http_message_body(ps_resp, &len);
    const char *ct = http_message_get_header(ps_resp, "Content-Type");
    if (len > 0)
        http_message_set_body(out, body, len, ct);
    else if (ct)
        http_message_add_header(out, "Content-Type", ct);
    return out;
}

HttpMessage *ap_local_response(guint status, const char *www_authenticate)
{
    HttpMessage *out = http_response_new(status, NULL);
    g_assert(out);
    if (www_authenticate)
        http_message_add_header(out, "WWW-Authenticate", www_authenticate);
    return out;
}

SimTime ap_ntp_to_sim(uint64_t ntp, int64_t unix_epoch)
{
    if (ntp > (uint64_t)INT64_MAX)
        return SIM_TIME_NEVER;
    int64_t secs = (int64_t)ntp - AP_NTP_UNIX_OFFSET - unix_epoch;
    if (secs <= 0)
        return 0;
    if (secs >= SIM_TIME_NEVER / SIM_S)
        return SIM_TIME_NEVER;
    return secs * SIM_S;
}
