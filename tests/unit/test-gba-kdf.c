/* test-gba-kdf.c: the GBA KDF, Ks_NAF and B-TID (protocols/gba/gba-kdf.h).
 *
 * The known answer is shared/vectors/gba-kdf.txt (TS 33.220 Annex B over TS 35.208 set 1, computed
 * there with an independent implementation); HMAC-SHA-256 itself against RFC 4231 test case 2; the
 * S encoding octet by octet; NFKC normalisation of character strings (Annex B.2.1).
 */
#include "protocols/gba/gba-kdf.h"
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

static void test_hmac_sha256(void)
{
    uint8_t out[32], exp[32];
    const char *data = "what do ya want for nothing?";
    g_assert_true(gba_kdf((const uint8_t *)"Jefe", 4, (const uint8_t *)data, strlen(data), out, NULL));
    unhex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", exp, 32);
    g_assert_cmpmem(out, 32, exp, 32);
}

static void test_build_s(void)
{
    const uint8_t a[] = {'a', 'b'}, b[] = {0xff};
    GbaKdfParam p[3] = {{a, 2}, {NULL, 0}, {b, 1}};
    GByteArray *s = g_byte_array_new();
    g_byte_array_append(s, (const guint8 *)"stale", 5);
    g_assert_true(gba_kdf_build_s(0x42, p, 3, s, NULL));
    static const uint8_t exp[] = {0x42, 'a', 'b', 0, 2, 0, 0, 0xff, 0, 1};
    g_assert_cmpmem(s->data, s->len, exp, sizeof exp);
    /* a parameter longer than 65535 octets cannot be encoded in L */
    uint8_t *big = g_malloc0(GBA_KDF_PARAM_MAX + 1);
    GbaKdfParam q[1] = {{big, GBA_KDF_PARAM_MAX + 1}};
    GError *err = NULL;
    g_assert_false(gba_kdf_build_s(1, q, 1, s, &err));
    g_assert_error(err, GBA_ERROR, GBA_ERROR_INVALID);
    g_clear_error(&err);
    q[0].len = GBA_KDF_PARAM_MAX;
    g_assert_true(gba_kdf_build_s(1, q, 1, s, &err));
    g_assert_cmpuint(s->len, ==, 1 + GBA_KDF_PARAM_MAX + 2);
    g_assert_cmphex(s->data[s->len - 2], ==, 0xff);
    g_assert_cmphex(s->data[s->len - 1], ==, 0xff);
    g_free(big);
    g_byte_array_free(s, TRUE);
}

/* shared/vectors/gba-kdf.txt */
static void test_ks_naf_known_answer(void)
{
    uint8_t ck[16], ik[16], rand[16], ks[32], ks_naf[32], exp[80];
    unhex("b40ba9a3c58b2a05bbf0d987b21bf8cb", ck, 16);
    unhex("f769bcd751044604127672711c6d3441", ik, 16);
    unhex("23553cbe9637a89d218ae64dae47bf35", rand, 16);
    gba_ks_from_ck_ik(ck, ik, ks);
    unhex("b40ba9a3c58b2a05bbf0d987b21bf8cbf769bcd751044604127672711c6d3441", exp, 32);
    g_assert_cmpmem(ks, 32, exp, 32);

    GByteArray *naf_id = g_byte_array_new(), *s = g_byte_array_new();
    GError *err = NULL;
    g_assert_true(gba_naf_id_build("xcap.home1.net", GBA_UA_ID_HTTP_DIGEST, naf_id, &err));
    unhex("786361702e686f6d65312e6e65740100000002", exp, 19);
    g_assert_cmpmem(naf_id->data, naf_id->len, exp, 19);
    g_assert_true(gba_ks_naf(ks, rand, "user1_private@home1.net", naf_id->data, naf_id->len, ks_naf, s, &err));
    g_assert_no_error(err);
    unhex("016762612d6d65000623553cbe9637a89d218ae64dae47bf35001075736572315f7072697661746540686f6d65312e6e657400"
          "17786361702e686f6d65312e6e657401000000020013",
          exp, 73);
    g_assert_cmpmem(s->data, s->len, exp, 73);
    unhex("6859b69db92e3b3b2cef5906aa8dca63513dd97307dc269e22e87ddb84e53528", exp, 32);
    g_assert_cmpmem(ks_naf, 32, exp, 32);
    /* without S_OUT */
    uint8_t again[32];
    g_assert_true(gba_ks_naf(ks, rand, "user1_private@home1.net", naf_id->data, naf_id->len, again, NULL, NULL));
    g_assert_cmpmem(again, 32, ks_naf, 32);
    /* another NAF, another key */
    g_assert_true(gba_naf_id_build("presence.home1.net", GBA_UA_ID_HTTP_DIGEST, naf_id, NULL));
    g_assert_true(gba_ks_naf(ks, rand, "user1_private@home1.net", naf_id->data, naf_id->len, again, NULL, NULL));
    g_assert_true(memcmp(again, ks_naf, 32) != 0);
    g_byte_array_free(naf_id, TRUE);
    g_byte_array_free(s, TRUE);
}

/* Annex B.2.1: character strings are NFKC-normalised UTF-8. U+FB01 (the "fi" ligature) is NFKC "fi". */
static void test_nfkc(void)
{
    uint8_t ks[32] = {1}, rand[16] = {2}, a[32], b[32];
    GByteArray *n1 = g_byte_array_new(), *n2 = g_byte_array_new();
    g_assert_true(gba_naf_id_build("\xef\xac\x81le.example", GBA_UA_ID_HTTP_DIGEST, n1, NULL));
    g_assert_true(gba_naf_id_build("file.example", GBA_UA_ID_HTTP_DIGEST, n2, NULL));
    g_assert_cmpmem(n1->data, n1->len, n2->data, n2->len);
    g_assert_true(gba_ks_naf(ks, rand, "\xef\xac\x81" "ona@example", n2->data, n2->len, a, NULL, NULL));
    g_assert_true(gba_ks_naf(ks, rand, "fiona@example", n2->data, n2->len, b, NULL, NULL));
    g_assert_cmpmem(a, 32, b, 32);
    GError *err = NULL;
    g_assert_false(gba_ks_naf(ks, rand, "bad\xff", n2->data, n2->len, a, NULL, &err));
    g_assert_error(err, GBA_ERROR, GBA_ERROR_INVALID);
    g_clear_error(&err);
    g_assert_false(gba_naf_id_build("", GBA_UA_ID_HTTP_DIGEST, n1, &err));
    g_assert_error(err, GBA_ERROR, GBA_ERROR_INVALID);
    g_clear_error(&err);
    g_assert_cmpuint(n1->len, ==, 0);
    g_byte_array_free(n1, TRUE);
    g_byte_array_free(n2, TRUE);
}

static void test_btid_and_ua_ids(void)
{
    uint8_t rand[16];
    unhex("23553cbe9637a89d218ae64dae47bf35", rand, 16);
    gchar *btid = gba_btid_build(rand, "bsf.home1.net");
    g_assert_cmpstr(btid, ==, "I1U8vpY3qJ0hiuZNrke/NQ==@bsf.home1.net");
    g_free(btid);
    g_assert_null(gba_btid_build(rand, ""));
    uint8_t id[5];
    gba_ua_id_tls(0x002f, id);
    static const uint8_t exp[5] = {0x01, 0x00, 0x01, 0x00, 0x2f};
    g_assert_cmpmem(id, 5, exp, 5);
    static const uint8_t digest[5] = {0x01, 0x00, 0x00, 0x00, 0x02};
    g_assert_cmpmem(GBA_UA_ID_HTTP_DIGEST, 5, digest, 5);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/gba-kdf/hmac-sha256", test_hmac_sha256);
    g_test_add_func("/gba-kdf/build-s", test_build_s);
    g_test_add_func("/gba-kdf/ks-naf-known-answer", test_ks_naf_known_answer);
    g_test_add_func("/gba-kdf/nfkc", test_nfkc);
    g_test_add_func("/gba-kdf/btid-and-ua-ids", test_btid_and_ua_ids);
    return g_test_run();
}
