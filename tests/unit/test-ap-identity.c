/* test-ap-identity.c: the pure rules of the Authentication Proxy (nodes/ap/ap-identity.h).
 *
 * Trust boundary (X-3GPP-Asserted-Identity from a UE is dropped), the claimed identity and its
 * check against the GUSS (TS 33.222 §6.3), HTTP Digest with the B-TID and base64(Ks_NAF) (the
 * expected response recomputed here with GLib's MD5, independent of OpenSSL), malformed and hostile
 * Authorization fields, what is forwarded to the PS and back, and the NTP time conversion.
 */
#include "nodes/ap/ap-identity.h"
#include <glib.h>
#include <string.h>

#define NAF "ap.home.net"
#define BTID "AQIDBAUGBwgJCgsMDQ4PEA==@bsf.home.net"
#define ROOT "/xcap-root"

static const uint8_t KS_NAF[32] = {0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87, 0x98, 0xa9, 0xba,
                                   0xcb, 0xdc, 0xed, 0xfe, 0x0f, 0x01, 0x12, 0x23, 0x34, 0x45, 0x56,
                                   0x67, 0x78, 0x89, 0x9a, 0xab, 0xbc, 0xcd, 0xde, 0xef, 0xf0};

static GbaGuss *alice_guss(void)
{
    GbaGuss *g = gba_guss_new();
    const char *uids[] = {"sip:alice@home.net", "tel:+15551234", NULL};
    gba_guss_add_uss(g, "1", GBA_GAA_SERVICE_PRESENCE, NULL, uids);
    return g;
}

static HttpMessage *req_with(const char *method, const char *target, const char *name, const char *value)
{
    HttpMessage *m = http_request_new(method, target);
    g_assert_nonnull(m);
    if (name)
        g_assert_true(http_message_add_header(m, name, value));
    return m;
}

/* ---- trust boundary -------------------------------------------------------------------------- */

static void test_strip(void)
{
    g_autoptr(HttpMessage) m = req_with("GET", ROOT "/pres-rules/users/sip:alice@home.net/index", "Host", NAF);
    http_message_add_header(m, "X-3GPP-Asserted-Identity", "\"sip:bob@home.net\"");
    http_message_add_header(m, "x-3gpp-asserted-identity", "\"sip:carol@home.net\"");
    http_message_add_header(m, "Accept", "*/*");
    g_assert_cmpuint(ap_strip_untrusted(m), ==, 2);
    g_assert_null(http_message_get_header(m, AP_HDR_ASSERTED));
    g_assert_cmpstr(http_message_get_header(m, "Accept"), ==, "*/*");
    g_assert_cmpuint(ap_strip_untrusted(m), ==, 0);

    g_autoptr(HttpMessage) copy = ap_request_copy(m);
    g_assert_cmpstr(http_message_method(copy), ==, "GET");
    g_assert_cmpuint(http_message_n_headers(copy), ==, http_message_n_headers(m));
    g_autoptr(HttpMessage) resp = http_response_new(200, NULL);
    g_assert_null(ap_request_copy(resp));
}

/* ---- claimed identity ------------------------------------------------------------------------ */

static void claim(const HttpMessage *m, const GbaGuss *g, const char *want, ApClaimSource want_src)
{
    char *c = NULL;
    ApClaimSource src = AP_CLAIM_NONE;
    g_assert_true(ap_claimed_identity(m, ROOT, g, &c, &src, NULL));
    g_assert_cmpstr(c, ==, want);
    g_assert_cmpint(src, ==, want_src);
    g_free(c);
}

static void test_claim_intended(void)
{
    g_autoptr(GbaGuss) g = alice_guss();
    /* the intended identity wins over the XUI */
    g_autoptr(HttpMessage) m = req_with("GET", ROOT "/pres-rules/users/sip:bob@home.net/index", AP_HDR_INTENDED,
                                        "\"tel:+15551234\"");
    claim(m, g, "tel:+15551234", AP_CLAIM_INTENDED);
    g_assert_true(ap_identity_allowed(g, "tel:+15551234"));
    g_assert_cmpstr(ap_claim_source_name(AP_CLAIM_INTENDED), ==, "intended-identity");

    static const char *const bad[] = {"sip:alice@home.net", "\"\"", "\"sip:alice@home.net", "\"sip:a\\\"b@x\"",
                                      "\"sip:alice @home.net\"", "\"", "''"};
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(HttpMessage) b = req_with("GET", "/", AP_HDR_INTENDED, bad[i]);
        char *c = (char *)"x";
        ApClaimSource src = AP_CLAIM_XUI;
        GError *err = NULL;
        g_assert_false(ap_claimed_identity(b, ROOT, g, &c, &src, &err));
        g_assert_error(err, AP_ERROR, AP_ERROR_MALFORMED);
        g_assert_null(c);
        g_assert_cmpint(src, ==, AP_CLAIM_NONE);
        g_clear_error(&err);
    }
    /* repeated: ambiguous, refused */
    g_autoptr(HttpMessage) r = req_with("GET", "/", AP_HDR_INTENDED, "\"sip:alice@home.net\"");
    http_message_add_header(r, "x-3gpp-intended-identity", "\"sip:bob@home.net\"");
    char *c = NULL;
    ApClaimSource src;
    GError *err = NULL;
    g_assert_false(ap_claimed_identity(r, ROOT, g, &c, &src, &err));
    g_assert_error(err, AP_ERROR, AP_ERROR_MALFORMED);
    g_clear_error(&err);
}

static void test_claim_xui_and_default(void)
{
    g_autoptr(GbaGuss) g = alice_guss();
    g_autoptr(HttpMessage) own = req_with("PUT", ROOT "/pres-rules/users/sip:alice@home.net/index", NULL, NULL);
    claim(own, g, "sip:alice@home.net", AP_CLAIM_XUI);
    g_assert_true(ap_identity_allowed(g, "sip:alice@home.net"));

    /* another user's document: claimed as such, and refused (seed 000 §6.2.1: own data only) */
    g_autoptr(HttpMessage) other = req_with("GET", ROOT "/pres-rules/users/sip:bob@home.net/index", NULL, NULL);
    claim(other, g, "sip:bob@home.net", AP_CLAIM_XUI);
    g_assert_false(ap_identity_allowed(g, "sip:bob@home.net"));

    /* global documents and targets outside the root: the user's default IMPU */
    g_autoptr(HttpMessage) global = req_with("GET", ROOT "/xcap-caps/global/index", NULL, NULL);
    claim(global, g, "sip:alice@home.net", AP_CLAIM_DEFAULT);
    g_autoptr(HttpMessage) outside = req_with("GET", "/elsewhere", NULL, NULL);
    claim(outside, g, "sip:alice@home.net", AP_CLAIM_DEFAULT);
    /* no GUSS: nothing to claim, nothing allowed */
    claim(outside, NULL, NULL, AP_CLAIM_NONE);
    g_assert_false(ap_identity_allowed(NULL, "sip:alice@home.net"));
    g_assert_false(ap_identity_allowed(g, NULL));
    g_autoptr(GbaGuss) empty = gba_guss_new();
    claim(outside, empty, NULL, AP_CLAIM_NONE);
}

/* ---- Digest ---------------------------------------------------------------------------------- */

static char *md5_hex(const char *s)
{
    return g_compute_checksum_for_string(G_CHECKSUM_MD5, s, -1);
}

/* The UE's side of TS 24.109 §5.2.2.1, computed with GLib. */
static char *ue_response(const char *method, const char *uri, const char *nonce, const char *nc, const char *cnonce,
                         const uint8_t *ks, size_t len)
{
    g_autofree char *password = g_base64_encode(ks, len);
    g_autofree char *a1 = g_strdup_printf("%s:" AP_REALM_PREFIX NAF ":%s", BTID, password);
    g_autofree char *ha1 = md5_hex(a1);
    g_autofree char *a2 = g_strdup_printf("%s:%s", method, uri);
    g_autofree char *ha2 = md5_hex(a2);
    g_autofree char *kd = g_strdup_printf("%s:%s:%s:%s:auth:%s", ha1, nonce, nc, cnonce, ha2);
    return md5_hex(kd);
}

static HttpMessage *digest_req(const char *method, const char *target, const char *uri, const char *response,
                               const char *extra)
{
    g_autofree char *auth = g_strdup_printf("Digest username=\"" BTID "\", realm=\"" AP_REALM_PREFIX NAF "\", "
                                            "nonce=\"0123456789abcdef\", uri=\"%s\", qop=auth, nc=0000000a, "
                                            "cnonce=\"c0ffee\", response=\"%s\"%s",
                                            uri, response, extra ? extra : "");
    return req_with(method, target, "Authorization", auth);
}

static void test_digest_verify(void)
{
    const char *target = ROOT "/resource-lists/users/sip:alice@home.net/index";
    g_autofree char *resp = ue_response("PUT", target, "0123456789abcdef", "0000000a", "c0ffee", KS_NAF, 32);
    g_autoptr(HttpMessage) m = digest_req("PUT", target, target, resp, ", algorithm=MD5");
    ApDigestCreds cr;
    GError *err = NULL;
    g_assert_true(ap_digest_creds_parse(m, &cr, &err));
    g_assert_no_error(err);
    g_assert_cmpstr(cr.username, ==, BTID);
    g_assert_cmpstr(cr.realm, ==, AP_REALM_PREFIX NAF);
    g_assert_cmpuint(cr.nc_value, ==, 10);
    gboolean match = FALSE;
    g_assert_true(ap_digest_verify(&cr, "PUT", KS_NAF, 32, &match, &err));
    g_assert_true(match);
    /* another method, another key: refused */
    g_assert_true(ap_digest_verify(&cr, "GET", KS_NAF, 32, &match, &err));
    g_assert_false(match);
    uint8_t other[32];
    memcpy(other, KS_NAF, 32);
    other[31] ^= 1;
    g_assert_true(ap_digest_verify(&cr, "PUT", other, 32, &match, &err));
    g_assert_false(match);
    ap_digest_creds_clear(&cr);

    /* upper-case hex in the response is the same response */
    g_autofree char *upper = g_ascii_strup(resp, -1);
    g_autoptr(HttpMessage) u = digest_req("PUT", target, target, upper, NULL);
    g_assert_true(ap_digest_creds_parse(u, &cr, NULL));
    g_assert_true(ap_digest_verify(&cr, "PUT", KS_NAF, 32, &match, NULL));
    g_assert_true(match);
    ap_digest_creds_clear(&cr);

    g_autofree char *pw = ap_digest_password(KS_NAF, 32);
    g_autofree char *want = g_base64_encode(KS_NAF, 32);
    g_assert_cmpstr(pw, ==, want);
}

static void expect_parse_error(const HttpMessage *m, int code)
{
    ApDigestCreds cr;
    GError *err = NULL;
    g_assert_false(ap_digest_creds_parse(m, &cr, &err));
    g_assert_error(err, AP_ERROR, code);
    g_assert_null(cr.params);
    g_assert_null(cr.username);
    g_clear_error(&err);
}

static void test_digest_malformed(void)
{
    const char *t = "/x";
    const char *r = "0123456789abcdef0123456789abcdef";
    g_autoptr(HttpMessage) none = req_with("GET", t, NULL, NULL);
    expect_parse_error(none, AP_ERROR_NO_CREDENTIALS);
    g_autoptr(HttpMessage) basic = req_with("GET", t, "Authorization", "Basic YWxhZGRpbjpvcGVuc2VzYW1l");
    expect_parse_error(basic, AP_ERROR_NO_CREDENTIALS);

    static const char *const bad[] = {
        "Digest",
        "Digest realm=\"x\"",
        "Digest username=\"a\", username=\"b\"",
        "Digest username=\"a\" realm=\"b\"",
        "Digest username=\"unterminated",
        "Digest ,,, =",
        "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"/x\", response=\"0123456789abcdef0123456789abcdef\"",
        "Digest username=\"\", realm=\"r\", nonce=\"n\", uri=\"/x\", qop=auth, nc=00000001, cnonce=\"c\", "
        "response=\"0123456789abcdef0123456789abcdef\"",
    };
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(HttpMessage) m = req_with("GET", t, "Authorization", bad[i]);
        expect_parse_error(m, AP_ERROR_MALFORMED);
    }
    struct {
        const char *uri, *response, *extra;
    } cases[] = {
        {"/y", r, NULL},                                   /* uri is not the request-target */
        {t, "0123", NULL},                                 /* short response */
        {t, "0123456789abcdef0123456789abcdeg", NULL},     /* not hex */
        {t, r, ", algorithm=SHA-256"},                     /* not what was offered */
        {t, r, ", algorithm=AKAv1-MD5"},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(HttpMessage) m = digest_req("GET", t, cases[i].uri, cases[i].response, cases[i].extra);
        expect_parse_error(m, AP_ERROR_MALFORMED);
    }
    /* qop other than auth, nc not 8 hex digits, no cnonce */
    static const char *const qops[] = {
        "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"/x\", qop=auth-int, nc=00000001, cnonce=\"c\", "
        "response=\"0123456789abcdef0123456789abcdef\"",
        "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"/x\", qop=auth, nc=1, cnonce=\"c\", "
        "response=\"0123456789abcdef0123456789abcdef\"",
        "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"/x\", qop=auth, nc=0000000z, cnonce=\"c\", "
        "response=\"0123456789abcdef0123456789abcdef\"",
        "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"/x\", qop=auth, nc=00000001, "
        "response=\"0123456789abcdef0123456789abcdef\"",
    };
    for (guint i = 0; i < G_N_ELEMENTS(qops); i++) {
        g_autoptr(HttpMessage) m = req_with("GET", t, "Authorization", qops[i]);
        expect_parse_error(m, AP_ERROR_MALFORMED);
    }
    /* two Authorization fields */
    g_autoptr(HttpMessage) two = digest_req("GET", t, t, r, NULL);
    http_message_add_header(two, "authorization", "Digest username=\"x\"");
    expect_parse_error(two, AP_ERROR_MALFORMED);
}

/* Random printable strings as Authorization: never a crash, never a success without the key. */
static void test_digest_fuzz(void)
{
    GRand *rnd = g_rand_new_with_seed(7);
    static const char alphabet[] = "Digest usernamrlcoqp=,\" \\auth0123456789abcdef/xX@";
    for (int i = 0; i < 5000; i++) {
        int n = g_rand_int_range(rnd, 0, 120);
        char *s = g_malloc(n + 1);
        for (int j = 0; j < n; j++)
            s[j] = alphabet[g_rand_int_range(rnd, 0, sizeof alphabet - 1)];
        s[n] = '\0';
        g_autoptr(HttpMessage) m = http_request_new("GET", "/x");
        if (http_message_add_header(m, "Authorization", s)) {
            ApDigestCreds cr;
            GError *err = NULL;
            if (ap_digest_creds_parse(m, &cr, &err)) {
                gboolean match = TRUE;
                g_assert_true(ap_digest_verify(&cr, "GET", KS_NAF, 32, &match, NULL));
                g_assert_false(match);
                ap_digest_creds_clear(&cr);
            } else {
                g_assert_nonnull(err);
                g_error_free(err);
            }
        }
        g_free(s);
    }
    /* mutations of a valid field: parsed or refused, never a crash; a changed response never matches */
    const char *target = "/x";
    g_autofree char *resp = ue_response("GET", target, "0123456789abcdef", "0000000a", "c0ffee", KS_NAF, 32);
    g_autoptr(HttpMessage) good = digest_req("GET", target, target, resp, NULL);
    const char *orig = http_message_get_header(good, "Authorization");
    size_t n = strlen(orig);
    guint matched = 0;
    for (int i = 0; i < 5000; i++) {
        char *s = g_strdup(orig);
        int flips = g_rand_int_range(rnd, 1, 4);
        for (int f = 0; f < flips; f++)
            s[g_rand_int_range(rnd, 0, (gint32)n)] = (char)g_rand_int_range(rnd, 0x20, 0x7f);
        g_autoptr(HttpMessage) m = http_request_new("GET", target);
        if (http_message_add_header(m, "Authorization", s)) {
            ApDigestCreds cr;
            if (ap_digest_creds_parse(m, &cr, NULL)) {
                gboolean match = FALSE;
                g_assert_true(ap_digest_verify(&cr, "GET", KS_NAF, 32, &match, NULL));
                if (match) {
                    g_autofree char *lower = g_ascii_strdown(cr.response, -1);
                    g_assert_cmpstr(lower, ==, resp);
                    matched++;
                }
                ap_digest_creds_clear(&cr);
            }
        }
        g_free(s);
    }
    g_assert_cmpuint(matched, <, 5000);
    g_rand_free(rnd);
}

static void test_digest_challenge(void)
{
    g_autofree char *c = ap_digest_challenge(NAF, "00112233", FALSE);
    DigestParams *p = digest_params_parse(c, strlen(c), NULL);
    g_assert_nonnull(p);
    g_assert_cmpstr(digest_params_scheme(p), ==, "Digest");
    g_assert_cmpstr(digest_params_get(p, "realm"), ==, "3GPP-bootstrapping@ap.home.net");
    g_assert_cmpstr(digest_params_get(p, "nonce"), ==, "00112233");
    g_assert_cmpstr(digest_params_get(p, "algorithm"), ==, "MD5");
    g_assert_cmpstr(digest_params_get(p, "qop"), ==, "auth");
    g_assert_null(digest_params_get(p, "stale"));
    digest_params_free(p);
    g_autofree char *s = ap_digest_challenge(NAF, "00112233", TRUE);
    p = digest_params_parse(s, strlen(s), NULL);
    g_assert_cmpstr(digest_params_get(p, "stale"), ==, "true");
    digest_params_free(p);
}

/* ---- forwarding ------------------------------------------------------------------------------ */

static void test_forward_request(void)
{
    const char *target = ROOT "/pres-rules/users/sip:alice@home.net/index";
    g_autoptr(HttpMessage) m = req_with("PUT", target, "Host", NAF);
    http_message_add_header(m, "Authorization", "Digest username=\"" BTID "\"");
    http_message_add_header(m, AP_HDR_INTENDED, "\"sip:alice@home.net\"");
    http_message_add_header(m, "If-Match", "\"etag-1\"");
    http_message_add_header(m, "X-Private", "secret");
    http_message_set_body(m, "<ruleset/>", 10, "application/auth-policy+xml");

    g_autoptr(HttpMessage) f = ap_forward_request(m, "ps.home.net", "sip:alice@home.net");
    g_assert_nonnull(f);
    g_assert_cmpstr(http_message_method(f), ==, "PUT");
    g_assert_cmpstr(http_message_target(f), ==, target);
    g_assert_cmpstr(http_message_get_header(f, "Host"), ==, "ps.home.net");
    g_assert_cmpstr(http_message_get_header(f, AP_HDR_ASSERTED), ==, "\"sip:alice@home.net\"");
    g_assert_cmpstr(http_message_get_header(f, "If-Match"), ==, "\"etag-1\"");
    g_assert_cmpstr(http_message_get_header(f, "Content-Type"), ==, "application/auth-policy+xml");
    g_assert_null(http_message_get_header(f, "Authorization"));
    g_assert_null(http_message_get_header(f, AP_HDR_INTENDED));
    g_assert_null(http_message_get_header(f, "X-Private"));
    size_t len = 0;
    const uint8_t *body = http_message_body(f, &len);
    g_assert_cmpmem(body, len, "<ruleset/>", 10);
    /* the B-TID appears nowhere on the wire */
    g_autoptr(GBytes) wire = http_message_serialize(f, FALSE, 0);
    g_autofree char *text = g_strndup(g_bytes_get_data(wire, NULL), g_bytes_get_size(wire));
    g_assert_null(strstr(text, "bsf.home.net"));

    /* an identity that would break out of the quoted-string is not asserted */
    g_assert_null(ap_forward_request(m, "ps.home.net", "sip:a\"@x"));
    g_assert_null(ap_forward_request(m, "ps.home.net", "sip:a\r\nX-3GPP-Asserted-Identity: b"));
    g_assert_null(ap_forward_request(m, "ps.home.net", ""));
}

static void test_forward_response(void)
{
    g_autoptr(HttpMessage) ps = http_response_new(409, "Conflict");
    http_message_add_header(ps, "ETag", "\"e2\"");
    http_message_add_header(ps, "Set-Cookie", "internal=1");
    http_message_set_body(ps, "<error/>", 8, "application/xcap-error+xml");
    g_autoptr(HttpMessage) r = ap_forward_response(ps);
    g_assert_cmpuint(http_message_status(r), ==, 409);
    g_assert_cmpstr(http_message_get_header(r, "ETag"), ==, "\"e2\"");
    g_assert_cmpstr(http_message_get_header(r, "Content-Type"), ==, "application/xcap-error+xml");
    g_assert_null(http_message_get_header(r, "Set-Cookie"));
    size_t len = 0;
    g_assert_cmpmem(http_message_body(r, &len), len, "<error/>", 8);

    g_autoptr(HttpMessage) l = ap_local_response(401, "Digest realm=\"x\"");
    g_assert_cmpuint(http_message_status(l), ==, 401);
    g_assert_cmpstr(http_message_get_header(l, "WWW-Authenticate"), ==, "Digest realm=\"x\"");
}

static void test_ntp(void)
{
    const int64_t epoch = INT64_C(1041379200);
    uint64_t ntp0 = (uint64_t)(epoch + AP_NTP_UNIX_OFFSET);
    g_assert_cmpint(ap_ntp_to_sim(ntp0 + 3600, epoch), ==, 3600 * SIM_S);
    g_assert_cmpint(ap_ntp_to_sim(ntp0, epoch), ==, 0);
    g_assert_cmpint(ap_ntp_to_sim(5, epoch), ==, 0);
    g_assert_cmpint(ap_ntp_to_sim(G_MAXUINT64, epoch), ==, SIM_TIME_NEVER);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ap-identity/strip", test_strip);
    g_test_add_func("/ap-identity/claim-intended", test_claim_intended);
    g_test_add_func("/ap-identity/claim-xui-default", test_claim_xui_and_default);
    g_test_add_func("/ap-identity/digest-verify", test_digest_verify);
    g_test_add_func("/ap-identity/digest-malformed", test_digest_malformed);
    g_test_add_func("/ap-identity/digest-fuzz", test_digest_fuzz);
    g_test_add_func("/ap-identity/digest-challenge", test_digest_challenge);
    g_test_add_func("/ap-identity/forward-request", test_forward_request);
    g_test_add_func("/ap-identity/forward-response", test_forward_response);
    g_test_add_func("/ap-identity/ntp", test_ntp);
    return g_test_run();
}
