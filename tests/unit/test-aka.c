/* test-aka.c: IMS AKA (protocols/aka/aka.h): vectors, USIM verification, AUTS, resynchronisation and
 * the TS 33.102 Annex C sequence number rules (IND array, Δ, age limit, no wrap).
 *
 * Keys are TS 35.208 test set 1; SQNs are built with aka_sqn_make() so each test states the SEQ and
 * IND it means.
 */
#include "protocols/aka/aka.h"
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

static uint8_t K[16], OPC[16], RAND[16];
static const uint8_t AMF[2] = {0x80, 0x00};

static void setup_keys(void)
{
    unhex("465b5ce8b199b49faa5f0a2ee238a6bc", K, 16);
    unhex("cd63cb71954a9f4e48a5994e37a02baf", OPC, 16);
    unhex("23553cbe9637a89d218ae64dae47bf35", RAND, 16);
}

/* A different RAND per call, as a real AuC would draw. */
static void next_rand(uint8_t rand[16])
{
    static uint32_t n;
    memcpy(rand, RAND, 16);
    n++;
    rand[12] ^= (uint8_t)(n >> 24);
    rand[13] ^= (uint8_t)(n >> 16);
    rand[14] ^= (uint8_t)(n >> 8);
    rand[15] ^= (uint8_t)n;
}

static AkaHn *hn_new(const AkaSqnConfig *cfg)
{
    GError *err = NULL;
    AkaHn *hn = aka_hn_new(K, OPC, cfg, &err);
    g_assert_no_error(err);
    return hn;
}

static AkaUsim *usim_new(const AkaSqnConfig *cfg)
{
    GError *err = NULL;
    AkaUsim *u = aka_usim_new(K, OPC, cfg, &err);
    g_assert_no_error(err);
    return u;
}

/* AV for an explicit SQN (bypassing the HN counter). */
static void av_for(uint64_t sqn, AkaVector *av)
{
    Milenage *m = milenage_new(K, OPC, NULL);
    uint8_t rand[16];
    next_rand(rand);
    g_assert_true(aka_vector_generate(m, rand, sqn, AMF, av, NULL));
    milenage_free(m);
}

static AkaResult present(AkaUsim *u, const AkaVector *av, AkaUsimResponse *r)
{
    GError *err = NULL;
    AkaResult res = aka_usim_authenticate(u, av->rand, av->autn, r, &err);
    g_assert_no_error(err);
    return res;
}

/* ---------------------------------------------------------------- building blocks */

static void test_sqn_helpers(void)
{
    uint8_t b[6];
    aka_sqn_to_bytes(UINT64_C(0xff9bb4d0b607), b);
    uint8_t exp[6] = {0xff, 0x9b, 0xb4, 0xd0, 0xb6, 0x07};
    g_assert_cmpmem(b, 6, exp, 6);
    g_assert_cmphex(aka_sqn_from_bytes(b), ==, UINT64_C(0xff9bb4d0b607));
    uint64_t sqn = aka_sqn_make(1000, 17, 5);
    g_assert_cmpuint(aka_sqn_seq(sqn, 5), ==, 1000);
    g_assert_cmpuint(aka_sqn_ind(sqn, 5), ==, 17);
    g_assert_cmpuint(sqn, ==, 1000 * 32 + 17);
    g_assert_cmpuint(aka_sqn_ind(sqn, 0), ==, 0);
    g_assert_cmpuint(aka_sqn_seq(sqn, 0), ==, sqn);
}

/* TS 35.208 set 1 through the AV: AUTN = (SQN xor AK) || AMF || MAC-A. */
static void test_vector_known_answer(void)
{
    Milenage *m = milenage_new(K, OPC, NULL);
    uint8_t amf[2] = {0xb9, 0xb9}, exp[16];
    AkaVector av;
    GError *err = NULL;
    g_assert_true(aka_vector_generate(m, RAND, UINT64_C(0xff9bb4d0b607), amf, &av, &err));
    unhex("55f328b43577b9b94a9ffac354dfafb3", exp, 16);
    g_assert_cmpmem(av.autn, 16, exp, 16);
    unhex("a54211d5e3ba50bf", exp, 8);
    g_assert_cmpmem(av.xres, 8, exp, 8);
    unhex("b40ba9a3c58b2a05bbf0d987b21bf8cb", exp, 16);
    g_assert_cmpmem(av.ck, 16, exp, 16);
    unhex("f769bcd751044604127672711c6d3441", exp, 16);
    g_assert_cmpmem(av.ik, 16, exp, 16);
    g_assert_cmpmem(av.rand, 16, RAND, 16);

    uint64_t sqn = 0;
    uint8_t got_amf[2];
    g_assert_cmpint(aka_autn_verify(m, RAND, av.autn, &sqn, got_amf, &err), ==, AKA_RESULT_OK);
    g_assert_cmphex(sqn, ==, UINT64_C(0xff9bb4d0b607));
    g_assert_cmpmem(got_amf, 2, amf, 2);

    /* 49-bit SQN refused, AV cleared */
    g_assert_false(aka_vector_generate(m, RAND, AKA_SQN_MAX + 1, amf, &av, &err));
    g_assert_error(err, AKA_ERROR, AKA_ERROR_INVALID);
    g_clear_error(&err);
    static const uint8_t zero[16];
    g_assert_cmpmem(av.autn, 16, zero, 16);
    milenage_free(m);
}

/* AUTS = (SQN_MS xor AK*) || MAC-S, MAC-S = f1*(SQN_MS, RAND, AMF = 00 00) (TS 33.102 §6.3.3). */
static void test_auts_format(void)
{
    Milenage *m = milenage_new(K, OPC, NULL);
    uint64_t sqn_ms = aka_sqn_make(12345, 6, 5);
    uint8_t auts[14], sqn_b[6], ak_star[6], mac_s[8];
    static const uint8_t amf0[2] = {0, 0};
    g_assert_true(aka_auts_build(m, RAND, sqn_ms, auts, NULL));
    aka_sqn_to_bytes(sqn_ms, sqn_b);
    g_assert_true(milenage_f5star(m, RAND, ak_star, NULL));
    g_assert_true(milenage_f1(m, RAND, sqn_b, amf0, NULL, mac_s, NULL));
    for (int i = 0; i < 6; i++)
        g_assert_cmphex(auts[i], ==, sqn_b[i] ^ ak_star[i]);
    g_assert_cmpmem(auts + 6, 8, mac_s, 8);

    uint64_t got = 0;
    GError *err = NULL;
    g_assert_true(aka_auts_verify(m, RAND, auts, &got, &err));
    g_assert_cmpuint(got, ==, sqn_ms);
    /* any flipped bit, in the concealed SQN or in MAC-S, fails MAC-S */
    for (int i = 0; i < 14; i++) {
        auts[i] ^= 0x40;
        g_assert_false(aka_auts_verify(m, RAND, auts, &got, &err));
        g_assert_error(err, AKA_ERROR, AKA_ERROR_AUTS_MAC);
        g_clear_error(&err);
        g_assert_cmpuint(got, ==, 0);
        auts[i] ^= 0x40;
    }
    /* and with the wrong RAND */
    uint8_t other[16];
    next_rand(other);
    g_assert_false(aka_auts_verify(m, other, auts, &got, &err));
    g_clear_error(&err);
    milenage_free(m);
}

/* ---------------------------------------------------------------- USIM and HN */

static void test_round_trip(void)
{
    AkaHn *hn = hn_new(NULL);
    AkaUsim *u = usim_new(NULL);
    for (int i = 0; i < 40; i++) { /* past one full IND cycle */
        uint8_t rand[16];
        next_rand(rand);
        AkaVector av;
        g_assert_true(aka_hn_generate(hn, rand, AMF, &av, NULL));
        AkaUsimResponse r;
        g_assert_cmpint(present(u, &av, &r), ==, AKA_RESULT_OK);
        g_assert_cmpint(r.sqn_check, ==, AKA_SQN_FRESH);
        g_assert_cmpmem(r.res, 8, av.xres, 8);
        g_assert_cmpmem(r.ck, 16, av.ck, 16);
        g_assert_cmpmem(r.ik, 16, av.ik, 16);
        g_assert_cmpuint(r.sqn, ==, av.sqn);
        g_assert_cmpuint(aka_usim_sqn_ms(u), ==, av.sqn);
        aka_vector_clear(&av);
        aka_usim_response_clear(&r);
    }
    aka_usim_free(u);
    aka_hn_free(hn);
    aka_usim_free(NULL);
    aka_hn_free(NULL);
}

/* A wrong MAC-A (any bit of AUTN, or another subscriber's key) is a MAC failure and moves nothing. */
static void test_mac_failure(void)
{
    AkaHn *hn = hn_new(NULL);
    AkaUsim *u = usim_new(NULL);
    AkaVector av;
    g_assert_true(aka_hn_generate(hn, RAND, AMF, &av, NULL));
    for (int i = 0; i < 16; i++) {
        AkaVector bad = av;
        bad.autn[i] ^= 0x01; /* SQN xor AK, AMF or MAC-A */
        AkaUsimResponse r;
        g_assert_cmpint(present(u, &bad, &r), ==, AKA_RESULT_MAC_FAILURE);
        static const uint8_t zero[16];
        g_assert_cmpmem(r.res, 8, zero, 8);
        g_assert_cmpmem(r.ck, 16, zero, 16);
        g_assert_cmpuint(aka_usim_sqn_ms(u), ==, 0);
    }
    /* RAND changed: MAC failure too */
    AkaVector bad = av;
    bad.rand[0] ^= 0x80;
    AkaUsimResponse r;
    g_assert_cmpint(present(u, &bad, &r), ==, AKA_RESULT_MAC_FAILURE);
    /* another subscriber */
    uint8_t k2[16];
    memcpy(k2, K, 16);
    k2[0] ^= 1;
    AkaUsim *other = aka_usim_new(k2, OPC, NULL, NULL);
    g_assert_cmpint(present(other, &av, &r), ==, AKA_RESULT_MAC_FAILURE);
    aka_usim_free(other);
    /* the genuine AV still works afterwards */
    g_assert_cmpint(present(u, &av, &r), ==, AKA_RESULT_OK);
    aka_usim_free(u);
    aka_hn_free(hn);
}

/* The same AV twice: the second is a synchronisation failure (SEQ <= SEQ_MS(IND)); the AUTS it
 * yields lets the HN recover SQN_MS; it keeps SQN_HE, which is already acceptable. */
static void test_replayed_sqn(void)
{
    AkaHn *hn = hn_new(NULL);
    AkaUsim *u = usim_new(NULL);
    AkaVector av;
    g_assert_true(aka_hn_generate(hn, RAND, AMF, &av, NULL));
    AkaUsimResponse r;
    g_assert_cmpint(present(u, &av, &r), ==, AKA_RESULT_OK);
    uint64_t sqn_ms = aka_usim_sqn_ms(u);
    g_assert_cmpint(present(u, &av, &r), ==, AKA_RESULT_SYNC_FAILURE);
    g_assert_cmpint(r.sqn_check, ==, AKA_SQN_REPLAYED);
    static const uint8_t zero[16];
    g_assert_cmpmem(r.res, 8, zero, 8); /* no RES on a sync failure */
    g_assert_cmpuint(aka_usim_sqn_ms(u), ==, sqn_ms); /* no state change */

    uint64_t he_before = aka_hn_sqn(hn), recovered = 0;
    GError *err = NULL;
    g_assert_true(aka_hn_resync(hn, av.rand, r.auts, &recovered, &err));
    g_assert_no_error(err);
    g_assert_cmpuint(recovered, ==, sqn_ms);
    g_assert_cmpuint(aka_hn_sqn(hn), ==, he_before); /* next SQN is acceptable already */
    AkaVector av2;
    g_assert_true(aka_hn_generate(hn, RAND, AMF, &av2, NULL));
    g_assert_cmpint(present(u, &av2, &r), ==, AKA_RESULT_OK);
    aka_usim_free(u);
    aka_hn_free(hn);
}

/* USIM ahead of the HN (e.g. the HSS lost its counter): sync failure, AUTS, resync moves SQN_HE to
 * SEQ_MS, and the next AV is accepted. */
static void test_hn_behind_resync(void)
{
    AkaHn *hn = hn_new(NULL);
    AkaUsim *u = usim_new(NULL);
    AkaVector av;
    AkaUsimResponse r;
    for (int i = 0; i < 10; i++) {
        g_assert_true(aka_hn_generate(hn, RAND, AMF, &av, NULL));
        g_assert_cmpint(present(u, &av, &r), ==, AKA_RESULT_OK);
    }
    uint64_t sqn_ms = aka_usim_sqn_ms(u);
    aka_hn_set_sqn(hn, 0); /* counter lost */
    g_assert_true(aka_hn_generate(hn, RAND, AMF, &av, NULL));
    g_assert_cmpint(present(u, &av, &r), ==, AKA_RESULT_SYNC_FAILURE);
    uint64_t recovered = 0;
    g_assert_true(aka_hn_resync(hn, av.rand, r.auts, &recovered, NULL));
    g_assert_cmpuint(recovered, ==, sqn_ms);
    g_assert_cmpuint(aka_sqn_seq(aka_hn_sqn(hn), 5), ==, aka_sqn_seq(sqn_ms, 5));
    g_assert_true(aka_hn_generate(hn, RAND, AMF, &av, NULL));
    g_assert_cmpint(present(u, &av, &r), ==, AKA_RESULT_OK);
    g_assert_cmpuint(aka_sqn_seq(r.sqn, 5), ==, aka_sqn_seq(sqn_ms, 5) + 1);
    aka_usim_free(u);
    aka_hn_free(hn);
}

/* HN too far ahead (SEQ - SEQ_MS > Δ): TOO_FAR, AUTS, resync pulls SQN_HE back to SEQ_MS. */
static void test_hn_too_far_resync(void)
{
    AkaSqnConfig cfg;
    aka_sqn_config_init(&cfg);
    g_assert_cmpuint(cfg.ind_bits, ==, 5);
    g_assert_cmpuint(cfg.delta, ==, UINT64_C(1) << 28);
    AkaHn *hn = hn_new(&cfg);
    AkaUsim *u = usim_new(&cfg);
    AkaVector av;
    AkaUsimResponse r;
    g_assert_true(aka_hn_generate(hn, RAND, AMF, &av, NULL));
    g_assert_cmpint(present(u, &av, &r), ==, AKA_RESULT_OK);
    uint64_t sqn_ms = aka_usim_sqn_ms(u);
    aka_hn_set_sqn(hn, aka_sqn_make(aka_sqn_seq(sqn_ms, 5) + cfg.delta, 0, 5)); /* next SEQ = SEQ_MS + Δ + 1 */
    g_assert_true(aka_hn_generate(hn, RAND, AMF, &av, NULL));
    g_assert_cmpint(present(u, &av, &r), ==, AKA_RESULT_SYNC_FAILURE);
    g_assert_cmpint(r.sqn_check, ==, AKA_SQN_TOO_FAR);
    g_assert_cmpuint(aka_usim_sqn_ms(u), ==, sqn_ms);
    g_assert_true(aka_hn_resync(hn, av.rand, r.auts, NULL, NULL));
    g_assert_cmpuint(aka_sqn_seq(aka_hn_sqn(hn), 5), ==, aka_sqn_seq(sqn_ms, 5));
    g_assert_true(aka_hn_generate(hn, RAND, AMF, &av, NULL));
    g_assert_cmpint(present(u, &av, &r), ==, AKA_RESULT_OK);

    /* A forged AUTS (bad MAC-S) leaves SQN_HE alone. */
    uint64_t he = aka_hn_sqn(hn);
    uint8_t auts[14] = {0};
    GError *err = NULL;
    g_assert_false(aka_hn_resync(hn, RAND, auts, NULL, &err));
    g_assert_error(err, AKA_ERROR, AKA_ERROR_AUTS_MAC);
    g_clear_error(&err);
    g_assert_cmpuint(aka_hn_sqn(hn), ==, he);
    aka_usim_free(u);
    aka_hn_free(hn);
}

/* Δ boundary: SEQ - SEQ_MS == Δ accepted, Δ + 1 rejected (Annex C.2.1). */
static void test_delta_boundary(void)
{
    AkaSqnConfig cfg;
    aka_sqn_config_init(&cfg);
    cfg.delta = 100;
    AkaUsim *u = usim_new(&cfg);
    AkaVector av;
    AkaUsimResponse r;
    av_for(aka_sqn_make(50, 1, 5), &av);
    g_assert_cmpint(present(u, &av, &r), ==, AKA_RESULT_OK);
    g_assert_cmpint(aka_usim_check_sqn(u, aka_sqn_make(151, 2, 5)), ==, AKA_SQN_TOO_FAR);
    g_assert_cmpint(aka_usim_check_sqn(u, aka_sqn_make(150, 2, 5)), ==, AKA_SQN_FRESH);
    av_for(aka_sqn_make(151, 2, 5), &av);
    g_assert_cmpint(present(u, &av, &r), ==, AKA_RESULT_SYNC_FAILURE);
    g_assert_cmpint(r.sqn_check, ==, AKA_SQN_TOO_FAR);
    av_for(aka_sqn_make(150, 2, 5), &av);
    g_assert_cmpint(present(u, &av, &r), ==, AKA_RESULT_OK);
    g_assert_cmpuint(aka_usim_sqn_ms(u), ==, aka_sqn_make(150, 2, 5));
    aka_usim_free(u);
}

/* The IND array (Annex C.2.2): vectors of different INDs may arrive out of order; within one IND
 * the SEQ must grow; SQN_MS is the highest SEQ anywhere with its IND. */
static void test_ind_array(void)
{
    AkaHn *hn = hn_new(NULL);
    AkaUsim *u = usim_new(NULL);
    AkaVector av[5];
    for (int i = 0; i < 5; i++)
        g_assert_true(aka_hn_generate(hn, RAND, AMF, &av[i], NULL));
    for (int i = 0; i < 5; i++) { /* consecutive AVs cycle IND: SEQ i + 1, IND i + 1 */
        g_assert_cmpuint(aka_sqn_seq(av[i].sqn, 5), ==, (uint64_t)i + 1);
        g_assert_cmpuint(aka_sqn_ind(av[i].sqn, 5), ==, (guint)i + 1);
    }
    AkaUsimResponse r;
    /* out of order: 4, 1, 3 */
    g_assert_cmpint(present(u, &av[3], &r), ==, AKA_RESULT_OK);
    g_assert_cmpint(present(u, &av[0], &r), ==, AKA_RESULT_OK);
    g_assert_cmpint(present(u, &av[2], &r), ==, AKA_RESULT_OK);
    g_assert_cmpuint(aka_usim_sqn_ms(u), ==, av[3].sqn); /* highest SEQ, not the latest */
    g_assert_cmpuint(aka_usim_seq_ms(u, 4), ==, 4);
    g_assert_cmpuint(aka_usim_seq_ms(u, 1), ==, 1);
    g_assert_cmpuint(aka_usim_seq_ms(u, 2), ==, 0);
    /* each once only */
    g_assert_cmpint(present(u, &av[0], &r), ==, AKA_RESULT_SYNC_FAILURE);
    g_assert_cmpint(r.sqn_check, ==, AKA_SQN_REPLAYED);
    /* AV 2 (IND 2) was never used: still fine */
    g_assert_cmpint(present(u, &av[1], &r), ==, AKA_RESULT_OK);

    /* Same IND, lower SEQ than the entry: rejected although SEQ is new overall. */
    AkaVector x;
    av_for(aka_sqn_make(40, 7, 5), &x);
    g_assert_cmpint(present(u, &x, &r), ==, AKA_RESULT_OK);
    av_for(aka_sqn_make(39, 7, 5), &x);
    g_assert_cmpint(present(u, &x, &r), ==, AKA_RESULT_SYNC_FAILURE);
    g_assert_cmpint(r.sqn_check, ==, AKA_SQN_REPLAYED);
    /* same SEQ as SEQ_MS under another IND: fresh for that entry */
    av_for(aka_sqn_make(39, 8, 5), &x);
    g_assert_cmpint(present(u, &x, &r), ==, AKA_RESULT_OK);
    g_assert_cmpuint(aka_usim_sqn_ms(u), ==, aka_sqn_make(40, 7, 5));
    /* The AUTS of a failure carries SQN_MS (the highest), not the rejected SQN. */
    av_for(aka_sqn_make(2, 7, 5), &x);
    g_assert_cmpint(present(u, &x, &r), ==, AKA_RESULT_SYNC_FAILURE);
    uint64_t recovered = 0;
    Milenage *m = milenage_new(K, OPC, NULL);
    g_assert_true(aka_auts_verify(m, x.rand, r.auts, &recovered, NULL));
    g_assert_cmpuint(recovered, ==, aka_sqn_make(40, 7, 5));
    milenage_free(m);
    aka_usim_free(u);
    aka_hn_free(hn);
}

/* IND cycles modulo 2^ind_bits in the HN; other IND lengths work end to end. */
static void test_ind_cycling(void)
{
    for (guint bits = 0; bits <= 8; bits += 4) {
        AkaSqnConfig cfg;
        aka_sqn_config_init(&cfg);
        cfg.ind_bits = bits;
        AkaHn *hn = hn_new(&cfg);
        AkaUsim *u = usim_new(&cfg);
        guint a = 1u << bits;
        for (guint i = 1; i <= 2 * a + 3; i++) {
            uint64_t sqn = 0;
            g_assert_true(aka_hn_next_sqn(hn, &sqn, NULL));
            g_assert_cmpuint(aka_sqn_seq(sqn, bits), ==, i);
            g_assert_cmpuint(aka_sqn_ind(sqn, bits), ==, i % a);
        }
        AkaVector av;
        AkaUsimResponse r;
        g_assert_true(aka_hn_generate(hn, RAND, AMF, &av, NULL));
        g_assert_cmpint(present(u, &av, &r), ==, AKA_RESULT_OK);
        g_assert_cmpint(present(u, &av, &r), ==, AKA_RESULT_SYNC_FAILURE);
        aka_usim_free(u);
        aka_hn_free(hn);
    }
}

/* Age limit L (Annex C.2.2): SEQ_MS - SEQ >= L rejected even with a fresh IND entry. */
static void test_age_limit(void)
{
    AkaSqnConfig cfg;
    aka_sqn_config_init(&cfg);
    cfg.age_limit = 10;
    AkaUsim *u = usim_new(&cfg);
    AkaVector av;
    AkaUsimResponse r;
    av_for(aka_sqn_make(100, 3, 5), &av);
    g_assert_cmpint(present(u, &av, &r), ==, AKA_RESULT_OK);
    g_assert_cmpint(aka_usim_check_sqn(u, aka_sqn_make(91, 4, 5)), ==, AKA_SQN_FRESH);
    g_assert_cmpint(aka_usim_check_sqn(u, aka_sqn_make(90, 4, 5)), ==, AKA_SQN_TOO_OLD);
    av_for(aka_sqn_make(90, 4, 5), &av);
    g_assert_cmpint(present(u, &av, &r), ==, AKA_RESULT_SYNC_FAILURE);
    g_assert_cmpint(r.sqn_check, ==, AKA_SQN_TOO_OLD);
    aka_usim_free(u);
}

/* SEQ never wraps: the HN refuses past SEQ_max, the USIM accepts up to it. */
static void test_wrap(void)
{
    AkaHn *hn = hn_new(NULL);
    AkaUsim *u = usim_new(NULL);
    uint64_t seq_max = AKA_SQN_MAX >> 5;
    AkaVector av;
    AkaUsimResponse r;
    /* bring the USIM near the top within Δ steps */
    av_for(aka_sqn_make(seq_max - 2, 1, 5), &av); /* too far from 0 */
    g_assert_cmpint(present(u, &av, &r), ==, AKA_RESULT_SYNC_FAILURE);
    g_assert_cmpint(r.sqn_check, ==, AKA_SQN_TOO_FAR);
    aka_hn_set_sqn(hn, aka_sqn_make(seq_max - 2, 31, 5));
    /* the HN's next SEQ (seq_max - 1) is also too far: the USIM asks for resync at SQN_MS = 0 */
    g_assert_true(aka_hn_generate(hn, RAND, AMF, &av, NULL));
    g_assert_cmpint(present(u, &av, &r), ==, AKA_RESULT_SYNC_FAILURE);
    g_assert_true(aka_hn_resync(hn, av.rand, r.auts, NULL, NULL));
    g_assert_cmpuint(aka_hn_sqn(hn), ==, aka_sqn_make(0, 0, 5)); /* SEQ_HE = SEQ_MS = 0, IND_HE kept (0) */

    /* A USIM whose SEQ_MS is near the top (reached legitimately): */
    AkaSqnConfig cfg;
    aka_sqn_config_init(&cfg);
    cfg.delta = AKA_SQN_MAX; /* lets this test jump there in one step */
    AkaUsim *u2 = usim_new(&cfg);
    av_for(aka_sqn_make(seq_max - 1, 3, 5), &av);
    g_assert_cmpint(present(u2, &av, &r), ==, AKA_RESULT_OK);
    aka_hn_set_sqn(hn, aka_sqn_make(seq_max - 1, 3, 5));
    uint64_t sqn = 0;
    GError *err = NULL;
    g_assert_true(aka_hn_generate(hn, RAND, AMF, &av, &err));
    g_assert_cmpuint(aka_sqn_seq(av.sqn, 5), ==, seq_max);
    g_assert_cmpint(present(u2, &av, &r), ==, AKA_RESULT_OK);
    uint64_t he = aka_hn_sqn(hn);
    g_assert_false(aka_hn_next_sqn(hn, &sqn, &err));
    g_assert_error(err, AKA_ERROR, AKA_ERROR_SQN_EXHAUSTED);
    g_clear_error(&err);
    g_assert_false(aka_hn_generate(hn, RAND, AMF, &av, &err));
    g_assert_error(err, AKA_ERROR, AKA_ERROR_SQN_EXHAUSTED);
    g_clear_error(&err);
    g_assert_cmpuint(aka_hn_sqn(hn), ==, he);
    /* a SEQ of 0 after the top is a replay, never a wrap */
    av_for(aka_sqn_make(0, 4, 5), &av);
    g_assert_cmpint(present(u2, &av, &r), ==, AKA_RESULT_SYNC_FAILURE);
    aka_usim_free(u2);
    aka_usim_free(u);
    aka_hn_free(hn);
}

static void test_bad_config(void)
{
    AkaSqnConfig cfg;
    aka_sqn_config_init(&cfg);
    cfg.ind_bits = AKA_IND_BITS_MAX + 1;
    GError *err = NULL;
    g_assert_null(aka_usim_new(K, OPC, &cfg, &err));
    g_assert_error(err, AKA_ERROR, AKA_ERROR_INVALID);
    g_clear_error(&err);
    g_assert_null(aka_hn_new(K, OPC, &cfg, &err));
    g_assert_error(err, AKA_ERROR, AKA_ERROR_INVALID);
    g_clear_error(&err);
    aka_sqn_config_init(&cfg);
    cfg.delta = 0;
    g_assert_null(aka_usim_new(K, OPC, &cfg, &err));
    g_assert_error(err, AKA_ERROR, AKA_ERROR_INVALID);
    g_clear_error(&err);
    g_assert_cmpstr(aka_result_to_string(AKA_RESULT_SYNC_FAILURE), ==, "sync-failure");
    g_assert_cmpstr(aka_sqn_check_to_string(AKA_SQN_TOO_FAR), ==, "too-far");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    setup_keys();
    g_test_add_func("/aka/sqn-helpers", test_sqn_helpers);
    g_test_add_func("/aka/vector-known-answer", test_vector_known_answer);
    g_test_add_func("/aka/auts-format", test_auts_format);
    g_test_add_func("/aka/round-trip", test_round_trip);
    g_test_add_func("/aka/mac-failure", test_mac_failure);
    g_test_add_func("/aka/replayed-sqn", test_replayed_sqn);
    g_test_add_func("/aka/hn-behind-resync", test_hn_behind_resync);
    g_test_add_func("/aka/hn-too-far-resync", test_hn_too_far_resync);
    g_test_add_func("/aka/delta-boundary", test_delta_boundary);
    g_test_add_func("/aka/ind-array", test_ind_array);
    g_test_add_func("/aka/ind-cycling", test_ind_cycling);
    g_test_add_func("/aka/age-limit", test_age_limit);
    g_test_add_func("/aka/wrap", test_wrap);
    g_test_add_func("/aka/bad-config", test_bad_config);
    return g_test_run();
}
