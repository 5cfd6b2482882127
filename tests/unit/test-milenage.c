/* test-milenage.c: MILENAGE (protocols/aka/milenage.h) against 3GPP TS 35.208 test sets 1-6.
 *
 * The table is TS 35.208 clause 4.3 as published (the same values as shared/vectors/milenage.txt,
 * where presim-vectors checks them too); every output of every set is compared, OPc both computed
 * from OP and used as given.
 */
#include "protocols/aka/milenage.h"
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

#define ASSERT_HEX(buf, len, hex)                                                                                      \
    do {                                                                                                               \
        uint8_t exp_[64];                                                                                              \
        unhex(hex, exp_, len);                                                                                         \
        g_assert_cmpmem(buf, len, exp_, len);                                                                          \
    } while (0)

typedef struct {
    const char *k, *rand, *sqn, *amf, *op, *opc, *f1, *f1star, *f2, *f3, *f4, *f5, *f5star;
} TestSet;

/* TS 35.208 §4.3.1 - §4.3.6 */
static const TestSet SETS[] = {
    {"465b5ce8b199b49faa5f0a2ee238a6bc", "23553cbe9637a89d218ae64dae47bf35", "ff9bb4d0b607", "b9b9",
     "cdc202d5123e20f62b6d676ac72cb318", "cd63cb71954a9f4e48a5994e37a02baf", "4a9ffac354dfafb3", "01cfaf9ec4e871e9",
     "a54211d5e3ba50bf", "b40ba9a3c58b2a05bbf0d987b21bf8cb", "f769bcd751044604127672711c6d3441", "aa689c648370",
     "451e8beca43b"},
    {"0396eb317b6d1c36f19c1c84cd6ffd16", "c00d603103dcee52c4478119494202e8", "fd8eef40df7d", "af17",
     "ff53bade17df5d4e793073ce9d7579fa", "53c15671c60a4b731c55b4a441c0bde2", "5df5b31807e258b0", "a8c016e51ef4a343",
     "d3a628ed988620f0", "58c433ff7a7082acd424220f2b67c556", "21a8c1f929702adb3e738488b9f5c5da", "c47783995f72",
     "30f1197061c1"},
    {"fec86ba6eb707ed08905757b1bb44b8f", "9f7c8d021accf4db213ccff0c7f71a6a", "9d0277595ffc", "725c",
     "dbc59adcb6f9a0ef735477b7fadf8374", "1006020f0a478bf6b699f15c062e42b3", "9cabc3e99baf7281", "95814ba2b3044324",
     "8011c48c0c214ed2", "5dbdbb2954e8f3cde665b046179a5098", "59a92d3b476a0443487055cf88b2307b", "33484dc2136b",
     "deacdd848cc6"},
    {"9e5944aea94b81165c82fbf9f32db751", "ce83dbc54ac0274a157c17f80d017bd6", "0b604a81eca8", "9e09",
     "223014c5806694c007ca1eeef57f004f", "a64a507ae1a2a98bb88eb4210135dc87", "74a58220cba84c49", "ac2cc74a96871837",
     "f365cd683cd92e96", "e203edb3971574f5a94b0d61b816345d", "0c4524adeac041c4dd830d20854fc46b", "f0b9c08ad02e",
     "6085a86c6f63"},
    {"4ab1deb05ca6ceb051fc98e77d026a84", "74b0cd6031a1c8339b2b6ce2b8c4a186", "e880a1b580b6", "9f07",
     "2d16c5cd1fdf6b22383584e3bef2a8d8", "dcf07cbd51855290b92a07a9891e523e", "49e785dd12626ef2", "9e85790336bb3fa2",
     "5860fc1bce351e7e", "7657766b373d1c2138f307e3de9242f9", "1c42e960d89b8fa99f2744e0708ccb53", "31e11a609118",
     "fe2555e54aa9"},
    {"6c38a116ac280c454f59332ee35c8c4f", "ee6466bc96202c5a557abbeff8babf63", "414b98222181", "4464",
     "1ba00a1a7c6700ac8c3ff3e96ad08725", "3803ef5363b947c6aaa225e58fae3934", "078adfb488241a57", "80246b8d0186bcf1",
     "16c8233f05a0ac28", "3f8c7587fe8e4b233af676aede30ba3b", "a7466cc1e6b2a1337d49d3b66e95d7b4", "45b0f69ab06c",
     "1f53cd2b1113"},
};

static void test_ts35208_sets(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(SETS); i++) {
        const TestSet *t = &SETS[i];
        uint8_t k[16], rand[16], sqn[6], amf[2], op[16], opc[16];
        unhex(t->k, k, 16);
        unhex(t->rand, rand, 16);
        unhex(t->sqn, sqn, 6);
        unhex(t->amf, amf, 2);
        unhex(t->op, op, 16);
        g_test_message("test set %zu", i + 1);
        GError *err = NULL;
        g_assert_true(milenage_compute_opc(k, op, opc, &err));
        g_assert_no_error(err);
        ASSERT_HEX(opc, 16, t->opc);

        Milenage *m = milenage_new(k, opc, &err);
        g_assert_nonnull(m);
        uint8_t mac_a[8], mac_s[8], res[8], ck[16], ik[16], ak[6], ak_star[6];
        g_assert_true(milenage_f1(m, rand, sqn, amf, mac_a, mac_s, &err));
        g_assert_true(milenage_f2345(m, rand, res, ck, ik, ak, &err));
        g_assert_true(milenage_f5star(m, rand, ak_star, &err));
        ASSERT_HEX(mac_a, 8, t->f1);
        ASSERT_HEX(mac_s, 8, t->f1star);
        ASSERT_HEX(res, 8, t->f2);
        ASSERT_HEX(ck, 16, t->f3);
        ASSERT_HEX(ik, 16, t->f4);
        ASSERT_HEX(ak, 6, t->f5);
        ASSERT_HEX(ak_star, 6, t->f5star);
        milenage_free(m);
    }
}

/* Any subset of outputs gives the same values as asking for all of them. */
static void test_partial_outputs(void)
{
    const TestSet *t = &SETS[2];
    uint8_t k[16], rand[16], sqn[6], amf[2], opc[16];
    unhex(t->k, k, 16);
    unhex(t->rand, rand, 16);
    unhex(t->sqn, sqn, 6);
    unhex(t->amf, amf, 2);
    unhex(t->opc, opc, 16);
    Milenage *m = milenage_new(k, opc, NULL);
    uint8_t a[16];
    g_assert_true(milenage_f1(m, rand, sqn, amf, a, NULL, NULL));
    ASSERT_HEX(a, 8, t->f1);
    g_assert_true(milenage_f1(m, rand, sqn, amf, NULL, a, NULL));
    ASSERT_HEX(a, 8, t->f1star);
    g_assert_true(milenage_f2345(m, rand, NULL, NULL, a, NULL, NULL));
    ASSERT_HEX(a, 16, t->f4);
    g_assert_true(milenage_f2345(m, rand, NULL, NULL, NULL, a, NULL));
    ASSERT_HEX(a, 6, t->f5);
    g_assert_true(milenage_f2345(m, rand, a, NULL, NULL, NULL, NULL));
    ASSERT_HEX(a, 8, t->f2);
    g_assert_true(milenage_f2345(m, rand, NULL, a, NULL, NULL, NULL));
    ASSERT_HEX(a, 16, t->f3);
    milenage_free(m);
    milenage_free(NULL);
}

/* f1 and f1* depend on every input octet; f2..f5* ignore SQN and AMF (they have no such input). */
static void test_input_sensitivity(void)
{
    const TestSet *t = &SETS[0];
    uint8_t k[16], rand[16], sqn[6], amf[2], opc[16];
    unhex(t->k, k, 16);
    unhex(t->rand, rand, 16);
    unhex(t->sqn, sqn, 6);
    unhex(t->amf, amf, 2);
    unhex(t->opc, opc, 16);
    Milenage *m = milenage_new(k, opc, NULL);
    uint8_t base_a[8], base_s[8], a[8], s[8];
    g_assert_true(milenage_f1(m, rand, sqn, amf, base_a, base_s, NULL));
    for (int i = 0; i < 6; i++) {
        sqn[i] ^= 0x01;
        g_assert_true(milenage_f1(m, rand, sqn, amf, a, s, NULL));
        g_assert_true(memcmp(a, base_a, 8) != 0 && memcmp(s, base_s, 8) != 0);
        sqn[i] ^= 0x01;
    }
    uint8_t zero_amf[2] = {0, 0};
    g_assert_true(milenage_f1(m, rand, sqn, zero_amf, a, s, NULL));
    g_assert_true(memcmp(a, base_a, 8) != 0 && memcmp(s, base_s, 8) != 0);
    milenage_free(m);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/milenage/ts35208-sets", test_ts35208_sets);
    g_test_add_func("/milenage/partial-outputs", test_partial_outputs);
    g_test_add_func("/milenage/input-sensitivity", test_input_sensitivity);
    return g_test_run();
}
