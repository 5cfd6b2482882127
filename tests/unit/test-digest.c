/* test-digest.c: HTTP Digest and Digest AKA (protocols/http/digest.h).
 *
 * Known answers from RFC 2617 §3.5 and RFC 7616 §3.9.1 (responses published), the AKAv1/AKAv2
 * case of shared/vectors/aka-digest.txt, forms without a published vector (no qop, -sess)
 * recomputed here with GLib's own MD5/SHA-256 (GChecksum, an implementation independent of
 * OpenSSL); then the AKA nonce and the parameter-list tokenizer, including malformed input and
 * 10,000 random strings (fixed seed) that must never crash and must print back stably.
 */
#include "protocols/http/digest.h"
#include <glib.h>
#include <stdio.h>
#include <string.h>

static void unhex(const char *hex, uint8_t *out, size_t len)
{
    g_assert_cmpuint(strlen(hex), ==, 2 * len);
    for (size_t i = 0; i < len; i++) {
        unsigned v = 0;
        g_assert_true(sscanf(hex + 2 * i, "%2x", &v) == 1);
        out[i] = (uint8_t)v;
    }
}

/* ---------------------------------------------------------------- computations */

typedef struct {
    DigestAlgorithm alg;
    const char *user, *realm, *password, *method, *uri, *nonce, *nc, *cnonce, *qop;
    const char *ha1, *ha2, *response;
} DigestCase;

static const DigestCase CASES[] = {
    {DIGEST_ALG_MD5, "Mufasa", "testrealm@host.com", "Circle Of Life", "GET", "/dir/index.html",
     "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001", "0a4f113b", "auth", "939e7578ed9e3c518a452acee763bce9",
     "39aff3a2bab6126f332b942af96d3366", "6629fae49393a05397450978507c4ef1"},
    {DIGEST_ALG_MD5, "Mufasa", "http-auth@example.org", "Circle of Life", "GET", "/dir/index.html",
     "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "00000001", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
     "auth", "3d78807defe7de2157e2b0b6573a855f", "39aff3a2bab6126f332b942af96d3366",
     "8ca523f5e9506fed4657c9700eebdbec"},
    {DIGEST_ALG_SHA256, "Mufasa", "http-auth@example.org", "Circle of Life", "GET", "/dir/index.html",
     "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "00000001", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
     "auth", "7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232",
     "9a3fdae9a622fe8de177c24fa9c070f2b181ec85e15dcbdc32e10c82ad450b04",
     "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"},
};

static void test_known_answers(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(CASES); i++) {
        const DigestCase *t = &CASES[i];
        char ha1[DIGEST_HEX_SIZE], ha2[DIGEST_HEX_SIZE], resp[DIGEST_HEX_SIZE];
        GError *err = NULL;
        g_assert_true(digest_ha1(t->alg, t->user, t->realm, (const uint8_t *)t->password, strlen(t->password), NULL,
                                 NULL, ha1, &err));
        g_assert_true(digest_ha2(t->alg, t->method, t->uri, ha2, &err));
        g_assert_true(digest_response(t->alg, ha1, t->nonce, t->nc, t->cnonce, t->qop, ha2, resp, &err));
        g_assert_no_error(err);
        g_assert_cmpstr(ha1, ==, t->ha1);
        g_assert_cmpstr(ha2, ==, t->ha2);
        g_assert_cmpstr(resp, ==, t->response);
    }
}

static gchar *glib_hash(GChecksumType type, const char *text)
{
    return g_compute_checksum_for_string(type, text, -1);
}

/* No qop (RFC 2069 form) and the -sess algorithms, against GChecksum. */
static void test_no_qop_and_sess(void)
{
    char ha1[DIGEST_HEX_SIZE], ha2[DIGEST_HEX_SIZE], resp[DIGEST_HEX_SIZE];
    g_assert_true(digest_ha1(DIGEST_ALG_MD5, "bob", "r", (const uint8_t *)"pw", 2, NULL, NULL, ha1, NULL));
    g_assert_true(digest_ha2(DIGEST_ALG_MD5, "REGISTER", "sip:r", ha2, NULL));
    g_assert_true(digest_response(DIGEST_ALG_MD5, ha1, "n0nce", NULL, NULL, NULL, ha2, resp, NULL));
    gchar *a1 = glib_hash(G_CHECKSUM_MD5, "bob:r:pw"), *a2 = glib_hash(G_CHECKSUM_MD5, "REGISTER:sip:r");
    gchar *in = g_strdup_printf("%s:n0nce:%s", a1, a2), *r = glib_hash(G_CHECKSUM_MD5, in);
    g_assert_cmpstr(ha1, ==, a1);
    g_assert_cmpstr(resp, ==, r);
    g_free(in);
    g_free(r);

    for (int sha = 0; sha < 2; sha++) {
        DigestAlgorithm alg = sha ? DIGEST_ALG_SHA256_SESS : DIGEST_ALG_MD5_SESS;
        GChecksumType ct = sha ? G_CHECKSUM_SHA256 : G_CHECKSUM_MD5;
        g_assert_true(digest_ha1(alg, "bob", "r", (const uint8_t *)"pw", 2, "N", "C", ha1, NULL));
        gchar *inner = glib_hash(ct, "bob:r:pw");
        gchar *s = g_strdup_printf("%s:N:C", inner), *outer = glib_hash(ct, s);
        g_assert_cmpstr(ha1, ==, outer);
        g_assert_cmpuint(strlen(ha1), ==, 2 * digest_algorithm_hash_len(alg));
        g_free(inner);
        g_free(s);
        g_free(outer);
        GError *err = NULL;
        g_assert_false(digest_ha1(alg, "bob", "r", (const uint8_t *)"pw", 2, NULL, "C", ha1, &err));
        g_assert_error(err, DIGEST_ERROR, DIGEST_ERROR_INVALID);
        g_clear_error(&err);
    }
    g_free(a1);
    g_free(a2);

    GError *err = NULL;
    g_assert_false(digest_response(DIGEST_ALG_MD5, "a", "n", "00000001", "c", "auth-int", "b", resp, &err));
    g_assert_error(err, DIGEST_ERROR, DIGEST_ERROR_UNSUPPORTED);
    g_clear_error(&err);
    g_assert_false(digest_response(DIGEST_ALG_MD5, "a", "n", NULL, "c", "auth", "b", resp, &err));
    g_assert_error(err, DIGEST_ERROR, DIGEST_ERROR_INVALID);
    g_clear_error(&err);
    /* A password with a NUL octet (AKAv1 RES may hold one) is hashed whole. */
    const uint8_t pw[3] = {'a', 0, 'b'};
    char h_nul[DIGEST_HEX_SIZE], h_short[DIGEST_HEX_SIZE];
    g_assert_true(digest_ha1(DIGEST_ALG_MD5, "u", "r", pw, 3, NULL, NULL, h_nul, NULL));
    g_assert_true(digest_ha1(DIGEST_ALG_MD5, "u", "r", pw, 1, NULL, NULL, h_short, NULL));
    g_assert_cmpstr(h_nul, !=, h_short);
}

static void test_algorithm_names(void)
{
    static const char *const names[] = {"MD5", "MD5-sess", "SHA-256", "SHA-256-sess", "AKAv1-MD5", "AKAv2-MD5"};
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        DigestAlgorithm a;
        g_assert_true(digest_algorithm_from_string(names[i], &a));
        g_assert_cmpstr(digest_algorithm_to_string(a), ==, names[i]);
        gchar *lower = g_ascii_strdown(names[i], -1);
        DigestAlgorithm b;
        g_assert_true(digest_algorithm_from_string(lower, &b));
        g_assert_cmpint(a, ==, b);
        g_free(lower);
    }
    DigestAlgorithm a;
    g_assert_false(digest_algorithm_from_string("AKAv3-MD5", &a));
    g_assert_false(digest_algorithm_from_string("", &a));
    g_assert_false(digest_algorithm_from_string("MD5 ", &a));
    g_assert_cmpuint(digest_algorithm_hash_len(DIGEST_ALG_AKAV2_MD5), ==, 16);
    g_assert_cmpuint(digest_algorithm_hash_len(DIGEST_ALG_SHA256), ==, 32);
}

/* shared/vectors/aka-digest.txt, TS 35.208 set 1 */
static void test_aka_passwords(void)
{
    uint8_t res[8], ck[16], ik[16];
    unhex("a54211d5e3ba50bf", res, 8);
    unhex("b40ba9a3c58b2a05bbf0d987b21bf8cb", ck, 16);
    unhex("f769bcd751044604127672711c6d3441", ik, 16);
    const char *nonce = "I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M=";
    char ha1[DIGEST_HEX_SIZE], ha2[DIGEST_HEX_SIZE], resp[DIGEST_HEX_SIZE];
    g_assert_true(digest_ha2(DIGEST_ALG_AKAV1_MD5, "REGISTER", "sip:home1.net", ha2, NULL));
    g_assert_cmpstr(ha2, ==, "ca533ac64871379f7570dbe5f7133d25");

    uint8_t pw[DIGEST_AKA_PASSWORD_MAX];
    size_t pw_len = 0;
    GError *err = NULL;
    g_assert_true(digest_aka_password(DIGEST_ALG_AKAV1_MD5, res, 8, NULL, NULL, pw, &pw_len, &err));
    g_assert_cmpmem(pw, pw_len, res, 8);
    g_assert_true(digest_ha1(DIGEST_ALG_AKAV1_MD5, "user1_private@home1.net", "home1.net", pw, pw_len, NULL, NULL, ha1,
                             NULL));
    g_assert_cmpstr(ha1, ==, "3d77b71f334d3e838e2da1a3b8266f43");
    g_assert_true(digest_response(DIGEST_ALG_AKAV1_MD5, ha1, nonce, "00000001", "0a4f113b", "auth", ha2, resp, NULL));
    g_assert_cmpstr(resp, ==, "d631c17126f6ad3a5984ced4459958df");

    g_assert_true(digest_aka_password(DIGEST_ALG_AKAV2_MD5, res, 8, ik, ck, pw, &pw_len, &err));
    g_assert_cmpmem(pw, pw_len, "shzt3q8CWaZnCAWqs3WmEQ==", 24);
    g_assert_true(digest_ha1(DIGEST_ALG_AKAV2_MD5, "user1_private@home1.net", "home1.net", pw, pw_len, NULL, NULL, ha1,
                             NULL));
    g_assert_cmpstr(ha1, ==, "1982e9c5aaf5b3bd23630b6027691de9");
    g_assert_true(digest_response(DIGEST_ALG_AKAV2_MD5, ha1, nonce, "00000001", "0a4f113b", "auth", ha2, resp, NULL));
    g_assert_cmpstr(resp, ==, "9e134df9490c2cff01853e49a32aa59c");

    /* AKAv2 = base64(HMAC-MD5(RES || IK || CK, label)), recomputed with GLib's HMAC */
    uint8_t key[40];
    memcpy(key, res, 8);
    memcpy(key + 8, ik, 16);
    memcpy(key + 24, ck, 16);
    GHmac *h = g_hmac_new(G_CHECKSUM_MD5, key, sizeof key);
    g_hmac_update(h, (const guchar *)"http-digest-akav2-password", 26);
    guint8 mac[16];
    gsize mac_len = sizeof mac;
    g_hmac_get_digest(h, mac, &mac_len);
    g_hmac_unref(h);
    gchar *b64 = g_base64_encode(mac, mac_len);
    g_assert_cmpmem(pw, pw_len, b64, strlen(b64));
    g_free(b64);

    /* misuse */
    g_assert_false(digest_aka_password(DIGEST_ALG_AKAV2_MD5, res, 8, NULL, ck, pw, &pw_len, &err));
    g_assert_error(err, DIGEST_ERROR, DIGEST_ERROR_INVALID);
    g_clear_error(&err);
    g_assert_false(digest_aka_password(DIGEST_ALG_MD5, res, 8, ik, ck, pw, &pw_len, &err));
    g_clear_error(&err);
    g_assert_false(digest_aka_password(DIGEST_ALG_AKAV1_MD5, res, 0, NULL, NULL, pw, &pw_len, &err));
    g_clear_error(&err);
    uint8_t big[17] = {0};
    g_assert_false(digest_aka_password(DIGEST_ALG_AKAV1_MD5, big, 17, NULL, NULL, pw, &pw_len, &err));
    g_clear_error(&err);
    g_assert_cmpuint(pw_len, ==, 0);
}

/* ---------------------------------------------------------------- AKA nonce */

static void test_aka_nonce(void)
{
    uint8_t rand[16], autn[16], r2[16], a2[16];
    unhex("23553cbe9637a89d218ae64dae47bf35", rand, 16);
    unhex("55f328b43577b9b94a9ffac354dfafb3", autn, 16);
    gchar *n = digest_aka_nonce_build(rand, autn, NULL, 0);
    g_assert_cmpstr(n, ==, "I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M=");
    GBytes *sd = (GBytes *)0x1;
    GError *err = NULL;
    g_assert_true(digest_aka_nonce_parse(n, r2, a2, &sd, &err));
    g_assert_cmpmem(r2, 16, rand, 16);
    g_assert_cmpmem(a2, 16, autn, 16);
    g_assert_null(sd);
    g_free(n);

    /* with server data (RFC 3310 §3.2) */
    const uint8_t data[5] = {1, 2, 3, 4, 5};
    n = digest_aka_nonce_build(rand, autn, data, sizeof data);
    g_assert_true(digest_aka_nonce_parse(n, r2, a2, &sd, &err));
    g_assert_nonnull(sd);
    g_assert_cmpmem(g_bytes_get_data(sd, NULL), g_bytes_get_size(sd), data, sizeof data);
    g_bytes_unref(sd);
    g_assert_true(digest_aka_nonce_parse(n, r2, a2, NULL, &err));
    g_free(n);
    /* too much server data for the size limit */
    uint8_t *huge = g_malloc0(DIGEST_AKA_NONCE_MAX);
    g_assert_null(digest_aka_nonce_build(rand, autn, huge, DIGEST_AKA_NONCE_MAX));
    g_free(huge);

    static const char *const bad[] = {
        "",                                               /* too short */
        "I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M",   /* length not a multiple of 4 */
        "I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M==", /* ditto */
        "I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7N=",  /* non-zero padding bits */
        "I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M=AAAA", /* data after padding */
        "I1U8vpY3qJ0hiuZN=ke/NVXzKLQ1d7m5Sp/6w1Tfr7M=",  /* '=' inside */
        "I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M ",  /* space */
        "I1U8vpY3qJ0hiuZNrke_NVXzKLQ1d7m5Sp-6w1Tfr7M=",  /* base64url alphabet */
        "I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tf",      /* 30 octets */
        "AAAA====",
        "=AAA",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_false(digest_aka_nonce_parse(bad[i], r2, a2, &sd, &err));
        g_assert_nonnull(err);
        g_assert_null(sd);
        g_clear_error(&err);
    }
    gchar *too_long = g_strnfill(DIGEST_AKA_NONCE_MAX + 4, 'A');
    g_assert_false(digest_aka_nonce_parse(too_long, r2, a2, NULL, &err));
    g_assert_error(err, DIGEST_ERROR, DIGEST_ERROR_INVALID);
    g_clear_error(&err);
    g_free(too_long);
}

/* ---------------------------------------------------------------- parameter lists */

static DigestParams *parse(const char *text)
{
    GError *err = NULL;
    DigestParams *p = digest_params_parse(text, strlen(text), &err);
    if (!p)
        g_test_message("parse error: %s", err->message);
    g_clear_error(&err);
    return p;
}

static gchar *print(const DigestParams *p)
{
    GString *s = g_string_new(NULL);
    digest_params_to_string(p, s);
    return g_string_free(s, FALSE);
}

/* An S-CSCF 401 challenge as the P-CSCF receives it (TS 24.229 §5.4.1.2.1, §7.2A.1). */
static void test_params_challenge(void)
{
    const char *text = "Digest realm=\"ims.example.net\", nonce=\"I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M=\", "
                       "algorithm=AKAv1-MD5, qop=\"auth,auth-int\", "
                       "ik=\"f769bcd751044604127672711c6d3441\", ck=\"b40ba9a3c58b2a05bbf0d987b21bf8cb\", "
                       "x-vendor=42";
    DigestParams *p = parse(text);
    g_assert_nonnull(p);
    g_assert_cmpstr(digest_params_scheme(p), ==, "Digest");
    g_assert_cmpuint(digest_params_count(p), ==, 7);
    g_assert_cmpstr(digest_params_get(p, "realm"), ==, "ims.example.net");
    g_assert_cmpstr(digest_params_get(p, "ALGORITHM"), ==, "AKAv1-MD5");
    g_assert_cmpstr(digest_params_get(p, "qop"), ==, "auth,auth-int");
    g_assert_cmpstr(digest_params_get(p, "x-vendor"), ==, "42");
    g_assert_null(digest_params_get(p, "opaque"));
    const char *name, *value;
    gboolean quoted;
    digest_params_nth(p, 2, &name, &value, &quoted);
    g_assert_cmpstr(name, ==, "algorithm");
    g_assert_false(quoted);
    digest_params_nth(p, 1, &name, &value, &quoted);
    g_assert_true(quoted);

    uint8_t ck[16], ik[16], exp[16];
    GError *err = NULL;
    g_assert_true(digest_params_get_hex(p, "ck", ck, 16, &err));
    g_assert_true(digest_params_get_hex(p, "ik", ik, 16, &err));
    unhex("b40ba9a3c58b2a05bbf0d987b21bf8cb", exp, 16);
    g_assert_cmpmem(ck, 16, exp, 16);
    g_assert_false(digest_params_get_hex(p, "realm", ck, 16, &err)); /* not 32 hex digits */
    g_assert_error(err, DIGEST_ERROR, DIGEST_ERROR_SYNTAX);
    g_clear_error(&err);
    g_assert_false(digest_params_get_hex(p, "nothere", ck, 16, &err));
    g_assert_error(err, DIGEST_ERROR, DIGEST_ERROR_MISSING);
    g_clear_error(&err);

    /* The P-CSCF strips ck and ik before forwarding (TS 24.229 §5.2.2.1); the rest prints as it came. */
    g_assert_true(digest_params_remove(p, "ck"));
    g_assert_true(digest_params_remove(p, "IK"));
    g_assert_false(digest_params_remove(p, "ck"));
    gchar *out = print(p);
    g_assert_cmpstr(out, ==,
                    "Digest realm=\"ims.example.net\", nonce=\"I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M=\", "
                    "algorithm=AKAv1-MD5, qop=\"auth,auth-int\", x-vendor=42");
    g_free(out);
    digest_params_free(p);
}

/* Building an Authorization with auts (RFC 3310 §3.4), quoting and escaping. */
static void test_params_build(void)
{
    DigestParams *p = digest_params_new("Digest");
    GError *err = NULL;
    g_assert_true(digest_params_set(p, "username", "user1_private@home1.net", TRUE, &err));
    g_assert_true(digest_params_set(p, "realm", "home1.net", TRUE, &err));
    g_assert_true(digest_params_set(p, "nonce", "", TRUE, &err));
    g_assert_true(digest_params_set(p, "uri", "sip:home1.net", TRUE, &err));
    g_assert_true(digest_params_set(p, "response", "", TRUE, &err));
    g_assert_true(digest_params_set(p, "algorithm", "AKAv1-MD5", FALSE, &err));
    uint8_t auts[14], back[14];
    for (int i = 0; i < 14; i++)
        auts[i] = (uint8_t)(0xf0 + i);
    g_assert_true(digest_params_set_auts(p, auts, &err));
    g_assert_true(digest_params_set(p, "x", "say \"hi\" \\ bye", TRUE, &err));
    g_assert_true(digest_params_set(p, "realm", "other", TRUE, &err)); /* replaced in place */
    g_assert_no_error(err);
    gchar *out = print(p);
    g_assert_cmpstr(out, ==,
                    "Digest username=\"user1_private@home1.net\", realm=\"other\", nonce=\"\", uri=\"sip:home1.net\", "
                    "response=\"\", algorithm=AKAv1-MD5, auts=\"8PHy8/T19vf4+fr7/P0=\", x=\"say \\\"hi\\\" \\\\ bye\"");
    DigestParams *q = parse(out);
    g_assert_nonnull(q);
    g_assert_cmpstr(digest_params_get(q, "x"), ==, "say \"hi\" \\ bye");
    g_assert_true(digest_params_get_auts(q, back, &err));
    g_assert_cmpmem(back, 14, auts, 14);
    gchar *again = print(q);
    g_assert_cmpstr(again, ==, out);
    g_free(again);
    g_free(out);
    digest_params_free(q);

    /* refused values */
    g_assert_false(digest_params_set(p, "bad name", "v", TRUE, &err));
    g_assert_error(err, DIGEST_ERROR, DIGEST_ERROR_INVALID);
    g_clear_error(&err);
    g_assert_false(digest_params_set(p, "algorithm", "AKA v1", FALSE, &err)); /* not a token */
    g_clear_error(&err);
    g_assert_false(digest_params_set(p, "algorithm", "", FALSE, &err));
    g_clear_error(&err);
    g_assert_false(digest_params_set(p, "realm", "a\r\nb", TRUE, &err)); /* header injection */
    g_clear_error(&err);
    g_assert_cmpstr(digest_params_get(p, "realm"), ==, "other");
    g_assert_true(digest_params_set_hex(p, "ck", auts, 14, &err));
    g_assert_cmpstr(digest_params_get(p, "ck"), ==, "f0f1f2f3f4f5f6f7f8f9fafbfcfd");
    g_assert_null(digest_params_new("Di gest"));
    digest_params_free(p);

    /* auts of the wrong size or alphabet */
    const char *bad_auts[] = {"Digest auts=\"8PHy8/T19vf4+fr7/A==\"", "Digest auts=\"8PHy8/T19vf4+fr7/P0\"",
                              "Digest auts=\"8PHy8_T19vf4-fr7_P0=\"", "Digest auts=\"\""};
    for (size_t i = 0; i < G_N_ELEMENTS(bad_auts); i++) {
        q = parse(bad_auts[i]);
        g_assert_nonnull(q);
        g_assert_false(digest_params_get_auts(q, back, &err));
        g_assert_error(err, DIGEST_ERROR, DIGEST_ERROR_SYNTAX);
        g_clear_error(&err);
        digest_params_free(q);
    }
    q = parse("Digest realm=\"x\"");
    g_assert_false(digest_params_get_auts(q, back, &err));
    g_assert_error(err, DIGEST_ERROR, DIGEST_ERROR_MISSING);
    g_clear_error(&err);
    digest_params_free(q);
}

static void test_params_white_space(void)
{
    /* LWS around '=' and ',', folding, tabs, empty elements, trailing comma (RFC 7230 §7, RFC 3261 §25.1) */
    DigestParams *p = parse("  Digest\trealm = \"a b\" ,\r\n nonce=\"n\",,  algorithm=MD5 ,");
    g_assert_nonnull(p);
    g_assert_cmpuint(digest_params_count(p), ==, 3);
    g_assert_cmpstr(digest_params_get(p, "realm"), ==, "a b");
    g_assert_cmpstr(digest_params_get(p, "nonce"), ==, "n");
    gchar *out = print(p);
    g_assert_cmpstr(out, ==, "Digest realm=\"a b\", nonce=\"n\", algorithm=MD5");
    g_free(out);
    digest_params_free(p);
    p = parse("Digest");
    g_assert_nonnull(p);
    g_assert_cmpuint(digest_params_count(p), ==, 0);
    digest_params_free(p);
    /* bytes above 0x7f are obs-text inside quotes */
    p = parse("Digest realm=\"r\xc3\xa9\x61lm\"");
    g_assert_nonnull(p);
    g_assert_cmpstr(digest_params_get(p, "realm"), ==, "r\xc3\xa9\x61lm");
    digest_params_free(p);
}

static void test_params_malformed(void)
{
    static const char *const bad[] = {
        "",
        "   ",
        "=realm",
        "Digest realm",
        "Digest realm=",
        "Digest realm= ,",
        "Digest =\"x\"",
        "Digest realm=\"x",
        "Digest realm=\"x\\",
        "Digest realm=\"x\" nonce=\"y\"",
        "Digest realm=x y",
        "Digest realm=\"x\", REALM=\"y\"",
        "Digest realm=\"a\rb\"",
        "Digest realm=\"a\nb\"",
        "Digest realm=\"a\x01\"",
        "Digest realm=\"a\x7f\"",
        "Digest realm=\"a\\\x01\"",
        "Digest realm=\"x\"\r\n",
        "Digest realm=\"x\"\n nonce=\"y\"",
        "Digest\r\nrealm=\"x\"",
        "Digest realm=\"x\";nonce=\"y\"",
        "Digest realm=\"x\"\"",
        "Digest realm=a\"b\"",
        "Digest, realm=\"x\"",
        "Di\"gest realm=x",
        "Digest realm=@home",
        "Digest realm=\"x\",nonce",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        GError *err = NULL;
        DigestParams *p = digest_params_parse(bad[i], strlen(bad[i]), &err);
        if (p)
            g_error("accepted malformed input %zu: %s", i, bad[i]);
        g_assert_error(err, DIGEST_ERROR, DIGEST_ERROR_SYNTAX);
        g_assert_nonnull(strstr(err->message, "offset"));
        g_clear_error(&err);
    }
    /* a NUL inside the given length */
    const char with_nul[] = "Digest realm=\"a\0b\"";
    GError *err = NULL;
    g_assert_null(digest_params_parse(with_nul, sizeof with_nul - 1, &err));
    g_clear_error(&err);
    /* the length bounds the read: the same text cut short is a syntax error, not an over-read */
    const char *full = "Digest realm=\"abc\"";
    for (size_t n = 14; n < strlen(full); n++) {
        g_assert_null(digest_params_parse(full, n, &err));
        g_clear_error(&err);
    }
    /* more than DIGEST_PARAMS_MAX parameters */
    GString *many = g_string_new("Digest ");
    for (int i = 0; i <= DIGEST_PARAMS_MAX; i++)
        g_string_append_printf(many, "%sp%d=v", i ? ", " : "", i);
    g_assert_null(digest_params_parse(many->str, many->len, &err));
    g_assert_error(err, DIGEST_ERROR, DIGEST_ERROR_SYNTAX);
    g_clear_error(&err);
    g_string_free(many, TRUE);
}

/* 10,000 random strings: never a crash or a leak; whatever parses prints back to a fixed point;
 * the AKA helpers are run on every parsed value. */
static void test_params_random(void)
{
    static const char alphabet[] = "Digest realm=\"\\,= \t\r\nabcAKAv1-MD5/+0123456789auts ck ik nonce\x01\x7f\xc3\xff";
    static const char *const seeds[] = {
        "Digest realm=\"ims.example.net\", nonce=\"I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M=\", algorithm=AKAv1-MD5, "
        "qop=\"auth\", ck=\"b40ba9a3c58b2a05bbf0d987b21bf8cb\", ik=\"f769bcd751044604127672711c6d3441\"",
        "Digest username=\"u@h\", realm=\"h\", nonce=\"n\", uri=\"sip:h\", response=\"\", auts=\"8PHy8/T19vf4+fr7/P0=\", "
        "nc=00000001, qop=auth, cnonce=\"c\\\"x\"",
    };
    GRand *rng = g_rand_new_with_seed(20240607);
    guint parsed = 0;
    for (int iter = 0; iter < 10000; iter++) {
        GString *s = g_string_new(NULL);
        if (iter % 2 == 0) { /* random text */
            int n = g_rand_int_range(rng, 0, 120);
            for (int i = 0; i < n; i++) {
                if (g_rand_int_range(rng, 0, 8) == 0)
                    g_string_append_c(s, (char)g_rand_int_range(rng, 1, 256));
                else
                    g_string_append_c(s, alphabet[g_rand_int_range(rng, 0, (int)sizeof alphabet - 1)]);
            }
        } else { /* a valid header with a few edits */
            g_string_assign(s, seeds[g_rand_int_range(rng, 0, G_N_ELEMENTS(seeds))]);
            int edits = g_rand_int_range(rng, 1, 5);
            for (int e = 0; e < edits && s->len; e++) {
                gsize at = (gsize)g_rand_int_range(rng, 0, (gint32)s->len);
                char c = alphabet[g_rand_int_range(rng, 0, (int)sizeof alphabet - 1)];
                switch (g_rand_int_range(rng, 0, 3)) {
                case 0: s->str[at] = c; break;
                case 1: g_string_insert_c(s, (gssize)at, c); break;
                default: g_string_erase(s, (gssize)at, 1); break;
                }
            }
        }
        GError *err = NULL;
        DigestParams *p = digest_params_parse(s->str, s->len, &err);
        if (!p) {
            g_assert_error(err, DIGEST_ERROR, DIGEST_ERROR_SYNTAX);
            g_clear_error(&err);
        } else {
            parsed++;
            gchar *once = print(p);
            DigestParams *q = digest_params_parse(once, strlen(once), &err);
            g_assert_no_error(err);
            g_assert_nonnull(q);
            g_assert_cmpuint(digest_params_count(q), ==, digest_params_count(p));
            gchar *twice = print(q);
            g_assert_cmpstr(once, ==, twice);
            for (guint i = 0; i < digest_params_count(p); i++) {
                const char *v;
                digest_params_nth(p, i, NULL, &v, NULL);
                uint8_t r[16], a[16];
                GBytes *sd = NULL;
                if (digest_aka_nonce_parse(v, r, a, &sd, NULL) && sd)
                    g_bytes_unref(sd);
            }
            uint8_t k[16], auts[14];
            if (!digest_params_get_hex(p, "ck", k, 16, &err))
                g_clear_error(&err);
            if (!digest_params_get_auts(p, auts, &err))
                g_clear_error(&err);
            g_free(once);
            g_free(twice);
            digest_params_free(q);
            digest_params_free(p);
        }
        g_string_free(s, TRUE);
    }
    g_test_message("%u of 10000 random inputs parsed", parsed);
    g_assert_cmpuint(parsed, >, 100); /* the mutated headers exercise the success path too */
    g_rand_free(rng);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/digest/known-answers", test_known_answers);
    g_test_add_func("/digest/no-qop-and-sess", test_no_qop_and_sess);
    g_test_add_func("/digest/algorithm-names", test_algorithm_names);
    g_test_add_func("/digest/aka-passwords", test_aka_passwords);
    g_test_add_func("/digest/aka-nonce", test_aka_nonce);
    g_test_add_func("/digest/params-challenge", test_params_challenge);
    g_test_add_func("/digest/params-build", test_params_build);
    g_test_add_func("/digest/params-white-space", test_params_white_space);
    g_test_add_func("/digest/params-malformed", test_params_malformed);
    g_test_add_func("/digest/params-random", test_params_random);
    return g_test_run();
}
