/* test-esp.c: ESP (protocols/ipsec/esp.h, esp-sa.h, sad.h, spd.h).
 *
 * Every integrity x encryption pair of TS 33.203 round-trips; packets are checked byte by byte
 * against RFC 4303 (the ICV recomputed with GLib's GHmac, an implementation independent of
 * OpenSSL; the plaintext read directly with null encryption); any changed octet is refused with
 * nothing delivered; the anti-replay window accepts, refuses and slides as RFC 4303 §3.4.3 says,
 * and moves only for authentic packets; SAD, SPD, Annex I key expansion and the Wireshark line.
 */
#include "protocols/ipsec/sad.h"
#include "protocols/ipsec/spd.h"
#include <glib.h>
#include <stdio.h>
#include <string.h>

static const uint8_t CK[16] = {0xb4, 0x0b, 0xa9, 0xa3, 0xc5, 0x8b, 0x2a, 0x05,
                               0xbb, 0xf0, 0xd9, 0x87, 0xb2, 0x1b, 0xf8, 0xcb};
static const uint8_t IK[16] = {0xf7, 0x69, 0xbc, 0xd7, 0x51, 0x04, 0x46, 0x04,
                               0x12, 0x76, 0x72, 0x71, 0x1c, 0x6d, 0x34, 0x41};
static const EspAuthAlg AUTHS[] = {ESP_AUTH_HMAC_MD5_96, ESP_AUTH_HMAC_SHA1_96};
static const EspEncrAlg ENCRS[] = {ESP_ENCR_NULL, ESP_ENCR_DES_EDE3_CBC, ESP_ENCR_AES_CBC};

static uint8_t IV[16] = {0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87,
                         0x98, 0xa9, 0xba, 0xcb, 0xdc, 0xed, 0xfe, 0x0f};

static EspSa *sa_new(uint32_t spi, EspSaDirection dir, EspAuthAlg a, EspEncrAlg e)
{
    GError *err = NULL;
    EspSa *sa = esp_sa_new_ims(spi, dir, a, e, CK, IK, &err);
    g_assert_no_error(err);
    g_assert_nonnull(sa);
    return sa;
}

static void seal(EspSa *sa, const uint8_t *payload, size_t len, uint8_t nh, GByteArray *out)
{
    GError *err = NULL;
    g_assert_true(esp_sa_seal(sa, payload, len, nh, IV, out, &err));
    g_assert_no_error(err);
}

static EspOpenResult open_pkt(EspSa *sa, const GByteArray *pkt, GByteArray *payload, uint8_t *nh)
{
    return esp_sa_open(sa, pkt->data, pkt->len, payload, nh);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ---------------------------------------------------------------- algorithms and keys */

static void test_names(void)
{
    static const char *const auth_names[] = {"hmac-md5-96", "hmac-sha-1-96"};
    static const char *const encr_names[] = {"null", "des-ede3-cbc", "aes-cbc"};
    for (size_t i = 0; i < 2; i++) {
        EspAuthAlg a;
        g_assert_true(esp_auth_alg_from_string(auth_names[i], &a));
        g_assert_cmpint(a, ==, AUTHS[i]);
        g_assert_cmpstr(esp_auth_alg_to_string(a), ==, auth_names[i]);
    }
    for (size_t i = 0; i < 3; i++) {
        EspEncrAlg e;
        g_assert_true(esp_encr_alg_from_string(encr_names[i], &e));
        g_assert_cmpint(e, ==, ENCRS[i]);
        g_assert_cmpstr(esp_encr_alg_to_string(e), ==, encr_names[i]);
    }
    EspAuthAlg a;
    EspEncrAlg e;
    g_assert_false(esp_auth_alg_from_string("none", &a));
    g_assert_false(esp_auth_alg_from_string("HMAC-MD5-96", &a));
    g_assert_false(esp_auth_alg_from_string("hmac-sha1-96", &a));
    g_assert_false(esp_encr_alg_from_string("aes-cbc ", &e));
    g_assert_false(esp_encr_alg_from_string("des-cbc", &e));
    /* IKEv2 transform numbers */
    g_assert_cmpint(ESP_AUTH_HMAC_MD5_96, ==, 1);
    g_assert_cmpint(ESP_AUTH_HMAC_SHA1_96, ==, 2);
    g_assert_cmpint(ESP_ENCR_DES_EDE3_CBC, ==, 3);
    g_assert_cmpint(ESP_ENCR_NULL, ==, 11);
    g_assert_cmpint(ESP_ENCR_AES_CBC, ==, 12);
}

/* TS 33.203 Annex I */
static void test_key_expansion(void)
{
    uint8_t k[ESP_MAX_KEY_LEN];
    size_t n = 99;
    g_assert_true(esp_ims_integrity_key(ESP_AUTH_HMAC_MD5_96, IK, k, &n));
    g_assert_cmpuint(n, ==, 16);
    g_assert_cmpmem(k, 16, IK, 16);
    g_assert_true(esp_ims_integrity_key(ESP_AUTH_HMAC_SHA1_96, IK, k, &n));
    g_assert_cmpuint(n, ==, 20);
    g_assert_cmpmem(k, 16, IK, 16);
    static const uint8_t zero4[4];
    g_assert_cmpmem(k + 16, 4, zero4, 4);
    g_assert_true(esp_ims_encryption_key(ESP_ENCR_DES_EDE3_CBC, CK, k, &n));
    g_assert_cmpuint(n, ==, 24);
    g_assert_cmpmem(k, 16, CK, 16);
    g_assert_cmpmem(k + 16, 8, CK, 8);
    g_assert_true(esp_ims_encryption_key(ESP_ENCR_AES_CBC, CK, k, &n));
    g_assert_cmpuint(n, ==, 16);
    g_assert_cmpmem(k, 16, CK, 16);
    g_assert_true(esp_ims_encryption_key(ESP_ENCR_NULL, CK, k, &n));
    g_assert_cmpuint(n, ==, 0);
    g_assert_false(esp_ims_integrity_key(ESP_AUTH_NONE, IK, k, &n));
    /* sizes as the RFCs give them */
    g_assert_cmpuint(esp_auth_key_len(ESP_AUTH_HMAC_MD5_96), ==, 16);
    g_assert_cmpuint(esp_auth_key_len(ESP_AUTH_HMAC_SHA1_96), ==, 20);
    g_assert_cmpuint(esp_encr_key_len(ESP_ENCR_DES_EDE3_CBC), ==, 24);
    g_assert_cmpuint(esp_encr_key_len(ESP_ENCR_AES_CBC), ==, 16);
    g_assert_cmpuint(esp_encr_iv_len(ESP_ENCR_DES_EDE3_CBC), ==, 8);
    g_assert_cmpuint(esp_encr_iv_len(ESP_ENCR_AES_CBC), ==, 16);
    g_assert_cmpuint(esp_encr_iv_len(ESP_ENCR_NULL), ==, 0);
}

static void test_transforms(void)
{
    uint8_t key[32] = {0};
    g_assert_null(esp_crypter_create(ESP_ENCR_DES_EDE3_CBC, key, 16));
    g_assert_null(esp_crypter_create(ESP_ENCR_AES_CBC, key, 20));
    g_assert_null(esp_crypter_create(ESP_ENCR_NULL, key, 1));
    g_assert_null(esp_crypter_create((EspEncrAlg)99, key, 16));
    g_assert_null(esp_signer_create(ESP_AUTH_NONE, key, 16));
    g_assert_null(esp_signer_create(ESP_AUTH_HMAC_MD5_96, key, 0));
    EspCrypter *c = esp_crypter_create(ESP_ENCR_AES_CBC, key, 32); /* AES-256 is accepted by the crypter */
    g_assert_nonnull(c);
    uint8_t buf[17] = {0};
    GError *err = NULL;
    g_assert_false(c->encrypt(c, buf, 17, IV, buf, &err)); /* not whole blocks */
    g_assert_error(err, ESP_ERROR, ESP_ERROR_INVALID);
    g_clear_error(&err);
    g_assert_false(c->encrypt(c, buf, 16, NULL, buf, &err)); /* no IV */
    g_clear_error(&err);
    c->destroy(c);
    /* the signer's ICV is the first 96 bits of its MAC; GHmac agrees on the MAC */
    EspSigner *s = esp_signer_create(ESP_AUTH_HMAC_SHA1_96, IK, 16);
    uint8_t mac[20], icv[12];
    g_assert_true(s->mac(s, (const uint8_t *)"abc", 3, mac, NULL));
    g_assert_true(s->sign(s, (const uint8_t *)"abc", 3, icv, NULL));
    g_assert_cmpmem(icv, 12, mac, 12);
    GHmac *h = g_hmac_new(G_CHECKSUM_SHA1, IK, 16);
    g_hmac_update(h, (const guchar *)"abc", 3);
    guint8 ref[20];
    gsize ref_len = 20;
    g_hmac_get_digest(h, ref, &ref_len);
    g_hmac_unref(h);
    g_assert_cmpmem(mac, 20, ref, 20);
    g_assert_cmpuint(s->get_mac_size(s), ==, 20);
    g_assert_cmpuint(s->get_icv_size(s), ==, 12);
    s->destroy(s);
}

/* ---------------------------------------------------------------- packets */

/* All 2 x 3 pairs, payload sizes 0..40 and a large one: length, header, alignment, round trip. */
static void test_round_trip(void)
{
    for (size_t ai = 0; ai < 2; ai++)
        for (size_t ei = 0; ei < 3; ei++) {
            EspSa *out = sa_new(0x1000 + (uint32_t)(ai * 3 + ei), ESP_SA_OUTBOUND, AUTHS[ai], ENCRS[ei]);
            EspSa *in = sa_new(0x1000 + (uint32_t)(ai * 3 + ei), ESP_SA_INBOUND, AUTHS[ai], ENCRS[ei]);
            size_t block = MAX(esp_encr_block_len(ENCRS[ei]), 4);
            GByteArray *pkt = g_byte_array_new(), *got = g_byte_array_new();
            uint8_t payload[1400];
            for (size_t i = 0; i < sizeof payload; i++)
                payload[i] = (uint8_t)(i * 7 + ai + ei);
            uint32_t seq = 0;
            for (size_t len = 0; len <= 41; len++) {
                size_t n = len == 41 ? sizeof payload : len;
                seal(out, payload, n, 17, pkt);
                seq++;
                size_t iv = esp_encr_iv_len(ENCRS[ei]);
                size_t ct = pkt->len - 8 - iv - 12;
                g_assert_cmpuint(pkt->len, ==, esp_sa_packet_len(out, n));
                g_assert_cmpuint(ct % block, ==, 0);
                g_assert_cmpuint(ct, >=, n + 2);
                g_assert_cmpuint(ct, <, n + 2 + block);
                g_assert_cmpuint(get32(pkt->data), ==, esp_sa_spi(out));
                g_assert_cmpuint(get32(pkt->data + 4), ==, seq);
                g_assert_cmpmem(pkt->data + 8, iv, IV, iv);
                uint8_t nh = 0;
                g_assert_cmpint(open_pkt(in, pkt, got, &nh), ==, ESP_OPEN_OK);
                g_assert_cmpmem(got->data, got->len, payload, n);
                g_assert_cmpuint(nh, ==, 17);
            }
            g_assert_cmpuint(esp_sa_counters(out)->sealed, ==, 42);
            g_assert_cmpuint(esp_sa_counters(in)->opened, ==, 42);
            g_assert_cmpuint(esp_sa_last_seq(in), ==, 42);
            g_byte_array_free(pkt, TRUE);
            g_byte_array_free(got, TRUE);
            esp_sa_free(out);
            esp_sa_free(in);
        }
}

/* With null encryption the plaintext is on the wire: every octet of RFC 4303 §2 can be checked, and
 * the ICV recomputed with GHmac over SPI .. trailer with the Annex I key. */
static void test_packet_layout(void)
{
    for (size_t ai = 0; ai < 2; ai++) {
        EspSa *out = sa_new(0xdeadbeef, ESP_SA_OUTBOUND, AUTHS[ai], ESP_ENCR_NULL);
        GByteArray *pkt = g_byte_array_new();
        const uint8_t payload[5] = {'h', 'e', 'l', 'l', 'o'};
        seal(out, payload, 5, 6, pkt);
        /* 8 header + 5 payload + 1 padding + pad length + next header = 16, then 12 ICV */
        static const uint8_t head[] = {0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 1, 'h', 'e', 'l', 'l', 'o', 1, 1, 6};
        g_assert_cmpuint(pkt->len, ==, sizeof head + 12);
        g_assert_cmpmem(pkt->data, sizeof head, head, sizeof head);
        uint8_t key[20] = {0};
        memcpy(key, IK, 16);
        GHmac *h = g_hmac_new(ai ? G_CHECKSUM_SHA1 : G_CHECKSUM_MD5, key, ai ? 20 : 16);
        g_hmac_update(h, pkt->data, sizeof head);
        guint8 mac[20];
        gsize mac_len = sizeof mac;
        g_hmac_get_digest(h, mac, &mac_len);
        g_hmac_unref(h);
        g_assert_cmpmem(pkt->data + sizeof head, 12, mac, 12);
        /* 2 octets of payload: no padding needed (2 + 2 = 4) */
        seal(out, payload, 2, 6, pkt);
        g_assert_cmpuint(pkt->len, ==, 8 + 4 + 12);
        g_assert_cmpuint(pkt->data[10], ==, 0);
        g_assert_cmpuint(pkt->data[11], ==, 6);
        /* 4 octets: padding 1 2 to the next word */
        seal(out, payload, 4, 6, pkt);
        g_assert_cmpuint(pkt->len, ==, 8 + 8 + 12);
        g_assert_cmpuint(pkt->data[12], ==, 1);
        g_assert_cmpuint(pkt->data[13], ==, 2);
        g_assert_cmpuint(pkt->data[14], ==, 2);
        g_byte_array_free(pkt, TRUE);
        esp_sa_free(out);
    }
}

/* Changing any octet of a packet is refused and nothing is delivered; the window does not move, so
 * the genuine packet still opens afterwards. */
static void test_tamper(void)
{
    for (size_t ai = 0; ai < 2; ai++)
        for (size_t ei = 0; ei < 3; ei++) {
            EspSa *out = sa_new(0x2000, ESP_SA_OUTBOUND, AUTHS[ai], ENCRS[ei]);
            EspSa *in = sa_new(0x2000, ESP_SA_INBOUND, AUTHS[ai], ENCRS[ei]);
            GByteArray *pkt = g_byte_array_new(), *got = g_byte_array_new();
            const char *msg = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP pcscf\r\n\r\n";
            seal(out, (const uint8_t *)msg, strlen(msg), 17, pkt);
            uint64_t bad = 0;
            for (size_t i = 0; i < pkt->len; i++)
                for (int bit = 0; bit < 8; bit += 7) {
                    pkt->data[i] ^= (uint8_t)(1u << bit);
                    uint8_t nh = 0xaa;
                    g_byte_array_append(got, (const guint8 *)"junk", 4);
                    EspOpenResult r = open_pkt(in, pkt, got, &nh);
                    g_assert_cmpint(r, ==, i < 4 ? ESP_OPEN_NO_SA : ESP_OPEN_BAD_ICV);
                    bad += i >= 4;
                    g_assert_cmpuint(got->len, ==, 0);
                    g_assert_cmpuint(nh, ==, 0);
                    pkt->data[i] ^= (uint8_t)(1u << bit);
                }
            g_assert_cmpuint(esp_sa_counters(in)->bad_icv, ==, bad);
            g_assert_cmpuint(esp_sa_counters(in)->opened, ==, 0);
            g_assert_cmpuint(esp_sa_last_seq(in), ==, 0);
            uint8_t nh = 0;
            g_assert_cmpint(open_pkt(in, pkt, got, &nh), ==, ESP_OPEN_OK);
            g_assert_cmpmem(got->data, got->len, msg, strlen(msg));
            /* the wrong keys (another AKA run) */
            uint8_t ik2[16];
            memcpy(ik2, IK, 16);
            ik2[15] ^= 1;
            EspSa *in2 = esp_sa_new_ims(0x2000, ESP_SA_INBOUND, AUTHS[ai], ENCRS[ei], CK, ik2, NULL);
            g_assert_cmpint(open_pkt(in2, pkt, got, &nh), ==, ESP_OPEN_BAD_ICV);
            esp_sa_free(in2);
            g_byte_array_free(pkt, TRUE);
            g_byte_array_free(got, TRUE);
            esp_sa_free(out);
            esp_sa_free(in);
        }
}

/* Seals packets 1..N of one SA, kept for delivery in any order. */
static GPtrArray *make_packets(EspSa *out, guint n)
{
    GPtrArray *pkts = g_ptr_array_new_with_free_func((GDestroyNotify)g_byte_array_unref);
    g_ptr_array_add(pkts, g_byte_array_new()); /* index 0: unused, so index == sequence number */
    for (guint i = 1; i <= n; i++) {
        GByteArray *p = g_byte_array_new();
        uint8_t data[4] = {(uint8_t)(i >> 24), (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};
        seal(out, data, 4, 17, p);
        g_ptr_array_add(pkts, p);
    }
    return pkts;
}

static EspOpenResult deliver(EspSa *in, GPtrArray *pkts, guint seq)
{
    GByteArray *got = g_byte_array_new();
    uint8_t nh = 0;
    EspOpenResult r = open_pkt(in, g_ptr_array_index(pkts, seq), got, &nh);
    if (r == ESP_OPEN_OK)
        g_assert_cmpuint(get32(got->data), ==, seq);
    else
        g_assert_cmpuint(got->len, ==, 0);
    g_byte_array_free(got, TRUE);
    return r;
}

/* RFC 4303 §3.4.3 with the default window of 64. */
static void test_replay_window(void)
{
    EspSa *out = sa_new(0x3000, ESP_SA_OUTBOUND, ESP_AUTH_HMAC_SHA1_96, ESP_ENCR_AES_CBC);
    EspSa *in = sa_new(0x3000, ESP_SA_INBOUND, ESP_AUTH_HMAC_SHA1_96, ESP_ENCR_AES_CBC);
    GPtrArray *p = make_packets(out, 1100);
    g_assert_cmpint(deliver(in, p, 1), ==, ESP_OPEN_OK);
    g_assert_cmpint(deliver(in, p, 1), ==, ESP_OPEN_REPLAY); /* duplicate */
    g_assert_cmpint(deliver(in, p, 100), ==, ESP_OPEN_OK);   /* jump right: window slides */
    g_assert_cmpint(deliver(in, p, 37), ==, ESP_OPEN_OK);    /* 100 - 37 = 63: inside */
    g_assert_cmpint(deliver(in, p, 36), ==, ESP_OPEN_REPLAY); /* 64: left of the window */
    g_assert_cmpint(deliver(in, p, 37), ==, ESP_OPEN_REPLAY); /* duplicate inside */
    g_assert_cmpint(deliver(in, p, 99), ==, ESP_OPEN_OK);
    g_assert_cmpint(deliver(in, p, 100), ==, ESP_OPEN_REPLAY);
    g_assert_cmpint(deliver(in, p, 101), ==, ESP_OPEN_OK);
    g_assert_cmpint(deliver(in, p, 164), ==, ESP_OPEN_OK); /* slides by 63 */
    g_assert_cmpint(deliver(in, p, 101), ==, ESP_OPEN_REPLAY);
    g_assert_cmpint(deliver(in, p, 102), ==, ESP_OPEN_OK);   /* 164 - 102 = 62, never seen */
    g_assert_cmpint(deliver(in, p, 100), ==, ESP_OPEN_REPLAY); /* now outside */
    g_assert_cmpint(deliver(in, p, 1000), ==, ESP_OPEN_OK);    /* a jump over a whole window */
    g_assert_cmpint(deliver(in, p, 937), ==, ESP_OPEN_OK);
    g_assert_cmpint(deliver(in, p, 936), ==, ESP_OPEN_REPLAY);
    g_assert_cmpint(deliver(in, p, 999), ==, ESP_OPEN_OK);
    g_assert_cmpint(deliver(in, p, 164), ==, ESP_OPEN_REPLAY);
    /* in order after that */
    for (guint s = 1001; s <= 1100; s++)
        g_assert_cmpint(deliver(in, p, s), ==, ESP_OPEN_OK);
    for (guint s = 1037; s <= 1100; s++)
        g_assert_cmpint(deliver(in, p, s), ==, ESP_OPEN_REPLAY);
    g_assert_cmpuint(esp_sa_last_seq(in), ==, 1100);
    const EspSaCounters *c = esp_sa_counters(in);
    g_assert_cmpuint(c->replayed, ==, 8 + 64);
    g_assert_cmpuint(c->opened, ==, 10 + 100);
    g_assert_cmpuint(c->bad_icv, ==, 0);
    g_ptr_array_free(p, TRUE);
    esp_sa_free(in);

    /* a larger window keeps more */
    EspSaParams params = {.spi = 0x3000, .direction = ESP_SA_INBOUND, .auth = ESP_AUTH_HMAC_SHA1_96,
                          .encr = ESP_ENCR_AES_CBC, .replay_window = 1024};
    uint8_t ik[20] = {0}, ck[16];
    memcpy(ik, IK, 16);
    memcpy(ck, CK, 16);
    params.auth_key = ik;
    params.auth_key_len = 20;
    params.encr_key = ck;
    params.encr_key_len = 16;
    in = esp_sa_new(&params, NULL);
    g_assert_nonnull(in);
    esp_sa_set_last_seq(out, 0);
    p = make_packets(out, 1100);
    g_assert_cmpint(deliver(in, p, 1100), ==, ESP_OPEN_OK);
    g_assert_cmpint(deliver(in, p, 77), ==, ESP_OPEN_OK); /* 1023 behind */
    g_assert_cmpint(deliver(in, p, 76), ==, ESP_OPEN_REPLAY);
    g_ptr_array_free(p, TRUE);
    esp_sa_free(in);
    esp_sa_free(out);
}

/* The window is consulted and moved only for authentic packets (DESIGN NOTES of esp-sa.c): a
 * forged packet with a high sequence number neither blocks later genuine ones nor counts as a replay. */
static void test_window_after_icv(void)
{
    EspSa *out = sa_new(0x4000, ESP_SA_OUTBOUND, ESP_AUTH_HMAC_MD5_96, ESP_ENCR_DES_EDE3_CBC);
    EspSa *in = sa_new(0x4000, ESP_SA_INBOUND, ESP_AUTH_HMAC_MD5_96, ESP_ENCR_DES_EDE3_CBC);
    GPtrArray *p = make_packets(out, 3);
    g_assert_cmpint(deliver(in, p, 1), ==, ESP_OPEN_OK);
    /* forged: packet 2 with its sequence number raised to 5000 */
    GByteArray *f = g_byte_array_new();
    g_byte_array_append(f, ((GByteArray *)g_ptr_array_index(p, 2))->data, ((GByteArray *)g_ptr_array_index(p, 2))->len);
    f->data[6] = 0x13;
    f->data[7] = 0x88;
    GByteArray *got = g_byte_array_new();
    uint8_t nh;
    g_assert_cmpint(open_pkt(in, f, got, &nh), ==, ESP_OPEN_BAD_ICV);
    g_assert_cmpuint(esp_sa_last_seq(in), ==, 1);
    /* forged replay of packet 1 (ICV broken): a bad ICV, not a replay */
    g_byte_array_set_size(f, 0);
    g_byte_array_append(f, ((GByteArray *)g_ptr_array_index(p, 1))->data, ((GByteArray *)g_ptr_array_index(p, 1))->len);
    f->data[f->len - 1] ^= 1;
    g_assert_cmpint(open_pkt(in, f, got, &nh), ==, ESP_OPEN_BAD_ICV);
    g_assert_cmpuint(esp_sa_counters(in)->replayed, ==, 0);
    g_assert_cmpuint(esp_sa_counters(in)->bad_icv, ==, 2);
    g_assert_cmpint(deliver(in, p, 3), ==, ESP_OPEN_OK);
    g_assert_cmpint(deliver(in, p, 2), ==, ESP_OPEN_OK);
    g_byte_array_free(f, TRUE);
    g_byte_array_free(got, TRUE);
    g_ptr_array_free(p, TRUE);
    esp_sa_free(in);
    esp_sa_free(out);
}

/* RFC 4303 §3.3.3: the counter never cycles. */
static void test_seq_exhausted(void)
{
    EspSa *out = sa_new(0x5000, ESP_SA_OUTBOUND, ESP_AUTH_HMAC_SHA1_96, ESP_ENCR_NULL);
    EspSa *in = sa_new(0x5000, ESP_SA_INBOUND, ESP_AUTH_HMAC_SHA1_96, ESP_ENCR_NULL);
    esp_sa_set_last_seq(out, G_MAXUINT32 - 1);
    GByteArray *pkt = g_byte_array_new(), *got = g_byte_array_new();
    seal(out, (const uint8_t *)"x", 1, 17, pkt);
    g_assert_cmpuint(get32(pkt->data + 4), ==, G_MAXUINT32);
    uint8_t nh;
    g_assert_cmpint(open_pkt(in, pkt, got, &nh), ==, ESP_OPEN_OK);
    g_assert_cmpuint(esp_sa_last_seq(in), ==, G_MAXUINT32);
    GError *err = NULL;
    g_assert_false(esp_sa_seal(out, (const uint8_t *)"x", 1, 17, NULL, pkt, &err));
    g_assert_error(err, ESP_ERROR, ESP_ERROR_SEQ_EXHAUSTED);
    g_clear_error(&err);
    g_assert_cmpuint(pkt->len, ==, 0);
    g_assert_cmpuint(esp_sa_last_seq(out), ==, G_MAXUINT32);
    g_assert_cmpuint(esp_sa_counters(out)->sealed, ==, 1);
    g_byte_array_free(pkt, TRUE);
    g_byte_array_free(got, TRUE);
    esp_sa_free(in);
    esp_sa_free(out);
}

/* Builds an ICV-valid packet around PLAINTEXT (null encryption, HMAC-MD5-96) as a broken sender would. */
static GByteArray *forge_null(uint32_t spi, uint32_t seq, const uint8_t *pt, size_t len)
{
    GByteArray *b = g_byte_array_new();
    uint8_t hdr[8] = {(uint8_t)(spi >> 24), (uint8_t)(spi >> 16), (uint8_t)(spi >> 8), (uint8_t)spi,
                      (uint8_t)(seq >> 24), (uint8_t)(seq >> 16), (uint8_t)(seq >> 8), (uint8_t)seq};
    g_byte_array_append(b, hdr, 8);
    g_byte_array_append(b, pt, (guint)len);
    GHmac *h = g_hmac_new(G_CHECKSUM_MD5, IK, 16);
    g_hmac_update(h, b->data, b->len);
    guint8 mac[16];
    gsize n = 16;
    g_hmac_get_digest(h, mac, &n);
    g_hmac_unref(h);
    g_byte_array_append(b, mac, 12);
    return b;
}

static void test_malformed(void)
{
    EspSa *in = sa_new(0x6000, ESP_SA_INBOUND, ESP_AUTH_HMAC_MD5_96, ESP_ENCR_AES_CBC);
    EspSa *out = sa_new(0x6000, ESP_SA_OUTBOUND, ESP_AUTH_HMAC_MD5_96, ESP_ENCR_AES_CBC);
    GByteArray *pkt = g_byte_array_new(), *got = g_byte_array_new();
    seal(out, (const uint8_t *)"payload", 7, 17, pkt);
    uint8_t nh;
    /* every truncation of a one-block packet is too short or misaligned */
    for (size_t n = 0; n < pkt->len; n++) {
        g_byte_array_append(got, (const guint8 *)"x", 1);
        g_assert_cmpint(esp_sa_open(in, pkt->data, n, got, &nh), ==, ESP_OPEN_MALFORMED);
        g_assert_cmpuint(got->len, ==, 0);
    }
    /* a whole block cut off: aligned, so the ICV decides */
    seal(out, (const uint8_t *)"a longer payload than one block", 31, 17, pkt);
    g_assert_cmpint(esp_sa_open(in, pkt->data, pkt->len - 16, got, &nh), ==, ESP_OPEN_BAD_ICV);
    g_assert_cmpint(esp_sa_open(in, NULL, 0, got, &nh), ==, ESP_OPEN_MALFORMED);
    /* one octet too many: misaligned */
    g_byte_array_append(pkt, (const guint8 *)"\0", 1);
    g_assert_cmpint(open_pkt(in, pkt, got, &nh), ==, ESP_OPEN_MALFORMED);
    g_assert_cmpuint(esp_sa_counters(in)->opened, ==, 0);
    esp_sa_free(in);
    esp_sa_free(out);

    /* authentic but badly padded packets (null encryption shows the trailer) */
    in = sa_new(0x6001, ESP_SA_INBOUND, ESP_AUTH_HMAC_MD5_96, ESP_ENCR_NULL);
    static const uint8_t bad_pad[] = {'a', 'b', 1, 2, 3, 5, 4, 17};      /* padding 1 2 3 5, not 1 2 3 4 */
    static const uint8_t pad_too_long[] = {'a', 'b', 1, 2, 3, 4, 7, 17}; /* pad length past the payload */
    static const uint8_t unaligned[] = {'a', 'b', 'c', 0, 17};           /* 5 octets: not 4-aligned */
    static const uint8_t good[] = {'a', 'b', 1, 2, 3, 4, 4, 17};
    GByteArray *f = forge_null(0x6001, 1, bad_pad, sizeof bad_pad);
    g_assert_cmpint(open_pkt(in, f, got, &nh), ==, ESP_OPEN_MALFORMED);
    g_byte_array_free(f, TRUE);
    f = forge_null(0x6001, 1, pad_too_long, sizeof pad_too_long);
    g_assert_cmpint(open_pkt(in, f, got, &nh), ==, ESP_OPEN_MALFORMED);
    g_byte_array_free(f, TRUE);
    f = forge_null(0x6001, 1, unaligned, sizeof unaligned);
    g_assert_cmpint(open_pkt(in, f, got, &nh), ==, ESP_OPEN_MALFORMED);
    g_byte_array_free(f, TRUE);
    g_assert_cmpuint(esp_sa_last_seq(in), ==, 0); /* none moved the window */
    g_assert_cmpuint(esp_sa_counters(in)->malformed, ==, 3);
    f = forge_null(0x6001, 0, good, sizeof good); /* sequence number 0 is never sent */
    g_assert_cmpint(open_pkt(in, f, got, &nh), ==, ESP_OPEN_REPLAY);
    g_byte_array_free(f, TRUE);
    f = forge_null(0x6001, 1, good, sizeof good);
    g_assert_cmpint(open_pkt(in, f, got, &nh), ==, ESP_OPEN_OK);
    g_assert_cmpmem(got->data, got->len, "ab", 2);
    g_byte_array_free(f, TRUE);
    /* dummy packet (next header 59, RFC 4303 §2.6): counted, nothing delivered */
    static const uint8_t dpt[4] = {'a', 'b', 0, 59};
    f = forge_null(0x6001, 2, dpt, sizeof dpt);
    g_assert_cmpint(open_pkt(in, f, got, &nh), ==, ESP_OPEN_DUMMY);
    g_assert_cmpuint(got->len, ==, 0);
    g_assert_cmpuint(esp_sa_counters(in)->dummy, ==, 1);
    g_assert_cmpint(open_pkt(in, f, got, &nh), ==, ESP_OPEN_REPLAY);
    g_byte_array_free(f, TRUE);
    g_byte_array_free(pkt, TRUE);
    g_byte_array_free(got, TRUE);
    esp_sa_free(in);
}

static void test_sa_params(void)
{
    uint8_t key[32] = {1};
    EspSaParams ok = {.spi = 1, .direction = ESP_SA_OUTBOUND, .auth = ESP_AUTH_HMAC_MD5_96, .auth_key = key,
                      .auth_key_len = 16, .encr = ESP_ENCR_AES_CBC, .encr_key = key, .encr_key_len = 16};
    EspSa *sa = esp_sa_new(&ok, NULL);
    g_assert_nonnull(sa);
    esp_sa_free(sa);
    esp_sa_free(NULL);
    EspSaParams bad[7];
    for (int i = 0; i < 7; i++)
        bad[i] = ok;
    bad[0].spi = 0;
    bad[1].auth_key_len = 20;      /* RFC 2403 needs 128 bits */
    bad[2].encr_key_len = 8;
    bad[3].auth = ESP_AUTH_NONE;   /* with null encryption below: nothing protected */
    bad[3].auth_key_len = 0;
    bad[3].encr = ESP_ENCR_NULL;
    bad[3].encr_key_len = 0;
    bad[4].replay_window = 16;
    bad[5].replay_window = ESP_REPLAY_WINDOW_MAX + 1;
    bad[6].direction = (EspSaDirection)0;
    for (int i = 0; i < 7; i++) {
        GError *err = NULL;
        g_assert_null(esp_sa_new(&bad[i], &err));
        g_assert_error(err, ESP_ERROR, ESP_ERROR_INVALID);
        g_clear_error(&err);
    }
    GError *err = NULL;
    g_assert_null(esp_sa_new_ims(1, ESP_SA_INBOUND, ESP_AUTH_NONE, ESP_ENCR_AES_CBC, CK, IK, &err));
    g_clear_error(&err);
    /* sealing needs an outbound SA, an IV and a sane length */
    EspSa *in = sa_new(7, ESP_SA_INBOUND, ESP_AUTH_HMAC_MD5_96, ESP_ENCR_AES_CBC);
    EspSa *out = sa_new(7, ESP_SA_OUTBOUND, ESP_AUTH_HMAC_MD5_96, ESP_ENCR_AES_CBC);
    GByteArray *pkt = g_byte_array_new();
    g_assert_false(esp_sa_seal(in, (const uint8_t *)"x", 1, 17, IV, pkt, &err));
    g_assert_error(err, ESP_ERROR, ESP_ERROR_INVALID);
    g_clear_error(&err);
    g_assert_false(esp_sa_seal(out, (const uint8_t *)"x", 1, 17, NULL, pkt, &err));
    g_assert_error(err, ESP_ERROR, ESP_ERROR_INVALID);
    g_clear_error(&err);
    uint8_t *big = g_malloc0(ESP_MAX_PAYLOAD + 1);
    g_assert_false(esp_sa_seal(out, big, ESP_MAX_PAYLOAD + 1, 17, IV, pkt, &err));
    g_assert_error(err, ESP_ERROR, ESP_ERROR_TOO_LONG);
    g_clear_error(&err);
    g_free(big);
    g_assert_cmpuint(esp_sa_last_seq(out), ==, 0);
    g_byte_array_free(pkt, TRUE);
    esp_sa_free(in);
    esp_sa_free(out);
}

/* 20,000 random packets and random edits of genuine ones, through the SAD: never delivered, never a
 * crash; with the ICV checked first, a forgery can only be malformed, a bad ICV or an unknown SPI. */
static void test_random_input(void)
{
    GRand *rng = g_rand_new_with_seed(4303);
    EspSad *sad = esp_sad_new();
    EspSa *outs[6];
    for (size_t i = 0; i < 6; i++) {
        g_assert_true(esp_sad_add(sad, sa_new(0x7000 + (uint32_t)i, ESP_SA_INBOUND, AUTHS[i / 3], ENCRS[i % 3]), NULL));
        outs[i] = sa_new(0x7000 + (uint32_t)i, ESP_SA_OUTBOUND, AUTHS[i / 3], ENCRS[i % 3]);
    }
    GByteArray *got = g_byte_array_new(), *pkt = g_byte_array_new();
    for (int iter = 0; iter < 20000; iter++) {
        size_t which = (size_t)g_rand_int_range(rng, 0, 6);
        if (iter % 2 == 0) { /* random octets, mostly with one of our SPIs */
            guint len = (guint)g_rand_int_range(rng, 0, 160);
            g_byte_array_set_size(pkt, len);
            for (guint i = 0; i < len; i++)
                pkt->data[i] = (uint8_t)g_rand_int_range(rng, 0, 256);
            if (len >= 4 && g_rand_int_range(rng, 0, 4)) {
                pkt->data[0] = pkt->data[1] = 0;
                pkt->data[2] = 0x70;
                pkt->data[3] = (uint8_t)which;
            }
        } else { /* a genuine packet, then 1-3 edits that change it */
            uint8_t payload[64];
            guint n = (guint)g_rand_int_range(rng, 0, 64);
            for (guint i = 0; i < n; i++)
                payload[i] = (uint8_t)g_rand_int_range(rng, 0, 256);
            seal(outs[which], payload, n, 17, pkt);
            GByteArray *orig = g_byte_array_sized_new(pkt->len);
            g_byte_array_append(orig, pkt->data, pkt->len);
            int edits = g_rand_int_range(rng, 1, 4);
            for (int e = 0; e < edits && pkt->len; e++) {
                guint at = (guint)g_rand_int_range(rng, 0, (gint32)pkt->len);
                uint8_t v = (uint8_t)g_rand_int_range(rng, 0, 256);
                switch (g_rand_int_range(rng, 0, 4)) {
                case 0: pkt->data[at] ^= v | 1; break;
                case 1: g_byte_array_remove_index(pkt, at); break;
                case 2: g_byte_array_set_size(pkt, at); break;
                default: { guint8 b = v; g_byte_array_append(pkt, &b, 1); } break;
                }
            }
            gboolean same = pkt->len == orig->len && memcmp(pkt->data, orig->data, pkt->len) == 0;
            g_byte_array_free(orig, TRUE);
            if (same)
                continue;
        }
        uint8_t nh = 0xaa;
        g_byte_array_append(got, (const guint8 *)"stale", 5);
        EspOpenResult r = esp_sad_open(sad, pkt->data, pkt->len, got, &nh, NULL);
        g_assert_true(r == ESP_OPEN_MALFORMED || r == ESP_OPEN_BAD_ICV || r == ESP_OPEN_NO_SA);
        g_assert_cmpuint(got->len, ==, 0);
        g_assert_cmpuint(nh, ==, 0);
    }
    for (size_t i = 0; i < 6; i++) {
        g_assert_cmpuint(esp_sa_counters(esp_sad_lookup(sad, 0x7000 + (uint32_t)i))->opened, ==, 0);
        esp_sa_free(outs[i]);
    }
    g_byte_array_free(got, TRUE);
    g_byte_array_free(pkt, TRUE);
    esp_sad_free(sad);
    g_rand_free(rng);
}

/* ---------------------------------------------------------------- SAD and SPD */

static void test_sad(void)
{
    EspSad *sad = esp_sad_new();
    GError *err = NULL;
    g_assert_true(esp_sad_add(sad, sa_new(0x100, ESP_SA_INBOUND, ESP_AUTH_HMAC_MD5_96, ESP_ENCR_NULL), &err));
    g_assert_true(esp_sad_add(sad, sa_new(0x200, ESP_SA_INBOUND, ESP_AUTH_HMAC_SHA1_96, ESP_ENCR_AES_CBC), &err));
    g_assert_false(esp_sad_add(sad, sa_new(0x100, ESP_SA_INBOUND, ESP_AUTH_HMAC_SHA1_96, ESP_ENCR_NULL), &err));
    g_assert_error(err, ESP_ERROR, ESP_ERROR_EXISTS);
    g_clear_error(&err);
    g_assert_false(esp_sad_add(sad, sa_new(0x300, ESP_SA_OUTBOUND, ESP_AUTH_HMAC_SHA1_96, ESP_ENCR_NULL), &err));
    g_assert_error(err, ESP_ERROR, ESP_ERROR_INVALID);
    g_clear_error(&err);
    g_assert_cmpuint(esp_sad_size(sad), ==, 2);
    g_assert_nonnull(esp_sad_lookup(sad, 0x200));
    g_assert_null(esp_sad_lookup(sad, 0x300));
    g_assert_cmpint(esp_sa_auth(esp_sad_lookup(sad, 0x100)), ==, ESP_AUTH_HMAC_MD5_96);

    EspSa *out = sa_new(0x200, ESP_SA_OUTBOUND, ESP_AUTH_HMAC_SHA1_96, ESP_ENCR_AES_CBC);
    EspSa *stranger = sa_new(0x999, ESP_SA_OUTBOUND, ESP_AUTH_HMAC_SHA1_96, ESP_ENCR_AES_CBC);
    GByteArray *pkt = g_byte_array_new(), *got = g_byte_array_new();
    uint8_t nh = 0;
    EspSa *used = NULL;
    seal(out, (const uint8_t *)"hi", 2, 6, pkt);
    g_assert_cmpint(esp_sad_open(sad, pkt->data, pkt->len, got, &nh, &used), ==, ESP_OPEN_OK);
    g_assert_true(used == esp_sad_lookup(sad, 0x200));
    g_assert_cmpmem(got->data, got->len, "hi", 2);
    g_assert_cmpuint(nh, ==, 6);
    seal(stranger, (const uint8_t *)"hi", 2, 6, pkt);
    g_assert_cmpint(esp_sad_open(sad, pkt->data, pkt->len, got, &nh, &used), ==, ESP_OPEN_NO_SA);
    g_assert_null(used);
    g_assert_cmpuint(got->len, ==, 0);
    g_assert_cmpint(esp_sad_open(sad, pkt->data, 3, got, &nh, NULL), ==, ESP_OPEN_MALFORMED);
    g_assert_cmpuint(esp_sad_unknown_spi(sad), ==, 2);
    /* the SA of the wrong SPI, asked directly */
    g_assert_cmpint(esp_sa_open(esp_sad_lookup(sad, 0x100), pkt->data, pkt->len, got, &nh), ==, ESP_OPEN_NO_SA);
    uint32_t spi = 0;
    g_assert_true(esp_packet_spi(pkt->data, pkt->len, &spi));
    g_assert_cmphex(spi, ==, 0x999);
    g_assert_false(esp_packet_spi(pkt->data, 3, &spi));
    g_assert_true(esp_sad_remove(sad, 0x200));
    g_assert_false(esp_sad_remove(sad, 0x200));
    g_assert_cmpuint(esp_sad_size(sad), ==, 1);
    g_byte_array_free(pkt, TRUE);
    g_byte_array_free(got, TRUE);
    esp_sa_free(out);
    esp_sa_free(stranger);
    esp_sad_free(sad);
    esp_sad_free(NULL);
}

static EspSelector selector(const char *local, uint16_t lport, const char *remote, uint16_t rport, uint8_t proto)
{
    EspSelector s;
    memset(&s, 0xee, sizeof s); /* garbage in the padding must not matter */
    g_assert_true(esp_addr_parse(local, &s.local));
    g_assert_true(esp_addr_parse(remote, &s.remote));
    s.local_port = lport;
    s.remote_port = rport;
    s.protocol = proto;
    return s;
}

static void test_spd(void)
{
    EspSpd *spd = esp_spd_new();
    GError *err = NULL;
    /* UE side of TS 33.203 §7.1: port_uc -> port_ps protected, any transport */
    EspSelector ue_to_ps = selector("10.0.0.1", 5062, "10.0.1.1", 5064, 0);
    EspSa *sa = sa_new(0xa, ESP_SA_OUTBOUND, ESP_AUTH_HMAC_SHA1_96, ESP_ENCR_AES_CBC);
    g_assert_true(esp_spd_add(spd, &ue_to_ps, ESP_POLICY_PROTECT, sa, &err));
    EspSelector clear = selector("10.0.0.1", 5060, "10.0.1.1", 5060, 17);
    g_assert_true(esp_spd_add(spd, &clear, ESP_POLICY_BYPASS, NULL, &err));
    EspSelector v6 = selector("2001:db8::1", 5062, "2001:db8::2", 5064, 6);
    g_assert_true(esp_spd_add(spd, &v6, ESP_POLICY_DISCARD, NULL, &err));
    g_assert_no_error(err);
    g_assert_cmpuint(esp_spd_size(spd), ==, 3);

    EspPolicyAction act = 0;
    EspSa *found = NULL;
    EspSelector pkt = selector("10.0.0.1", 5062, "10.0.1.1", 5064, 17); /* UDP matches "any" */
    g_assert_true(esp_spd_lookup(spd, &pkt, &act, &found));
    g_assert_cmpint(act, ==, ESP_POLICY_PROTECT);
    g_assert_true(found == sa);
    pkt.protocol = 6;
    g_assert_true(esp_spd_lookup(spd, &pkt, &act, &found));
    g_assert_true(found == sa);
    pkt.remote_port = 5065;
    g_assert_false(esp_spd_lookup(spd, &pkt, &act, &found));
    g_assert_null(found);
    pkt = selector("10.0.0.1", 5060, "10.0.1.1", 5060, 17);
    g_assert_true(esp_spd_lookup(spd, &pkt, &act, &found));
    g_assert_cmpint(act, ==, ESP_POLICY_BYPASS);
    pkt.protocol = 6; /* the bypass is for UDP only */
    g_assert_false(esp_spd_lookup(spd, &pkt, &act, NULL));
    pkt = selector("2001:db8::1", 5062, "2001:db8::2", 5064, 6);
    g_assert_true(esp_spd_lookup(spd, &pkt, &act, NULL));
    g_assert_cmpint(act, ==, ESP_POLICY_DISCARD);
    pkt = selector("10.0.1.1", 5064, "10.0.0.1", 5062, 17); /* reversed: another flow */
    g_assert_false(esp_spd_lookup(spd, &pkt, &act, NULL));

    /* refusals (the SA passed is freed) */
    g_assert_false(esp_spd_add(spd, &ue_to_ps, ESP_POLICY_PROTECT,
                               sa_new(0xb, ESP_SA_OUTBOUND, ESP_AUTH_HMAC_SHA1_96, ESP_ENCR_AES_CBC), &err));
    g_assert_error(err, ESP_ERROR, ESP_ERROR_EXISTS);
    g_clear_error(&err);
    EspSelector other = selector("10.0.0.1", 1, "10.0.1.1", 2, 17);
    g_assert_false(esp_spd_add(spd, &other, ESP_POLICY_PROTECT, NULL, &err));
    g_assert_error(err, ESP_ERROR, ESP_ERROR_INVALID);
    g_clear_error(&err);
    g_assert_false(esp_spd_add(spd, &other, ESP_POLICY_PROTECT,
                               sa_new(0xc, ESP_SA_INBOUND, ESP_AUTH_HMAC_SHA1_96, ESP_ENCR_AES_CBC), &err));
    g_clear_error(&err);
    g_assert_false(esp_spd_add(spd, &other, ESP_POLICY_BYPASS,
                               sa_new(0xd, ESP_SA_OUTBOUND, ESP_AUTH_HMAC_SHA1_96, ESP_ENCR_AES_CBC), &err));
    g_clear_error(&err);
    EspSelector mixed = selector("10.0.0.1", 1, "2001:db8::2", 2, 17);
    g_assert_false(esp_spd_add(spd, &mixed, ESP_POLICY_BYPASS, NULL, &err));
    g_clear_error(&err);

    g_assert_true(esp_spd_remove(spd, &ue_to_ps));
    g_assert_false(esp_spd_remove(spd, &ue_to_ps));
    g_assert_cmpuint(esp_spd_size(spd), ==, 2);
    char buf[ESP_ADDR_STRLEN];
    g_assert_cmpstr(esp_addr_to_string(&v6.remote, buf), ==, "2001:db8::2");
    EspAddr a;
    g_assert_false(esp_addr_parse("10.0.0.256", &a));
    const uint8_t raw[4] = {192, 0, 2, 7};
    esp_addr_from_bytes(&a, 4, raw);
    g_assert_cmpstr(esp_addr_to_string(&a, buf), ==, "192.0.2.7");
    g_assert_cmpstr(esp_policy_action_to_string(ESP_POLICY_PROTECT), ==, "protect");
    esp_spd_free(spd);
}

/* ---------------------------------------------------------------- Wireshark */

static void test_wireshark_uat(void)
{
    GString *s = g_string_new(NULL);
    EspSa *sa = sa_new(0x1234, ESP_SA_OUTBOUND, ESP_AUTH_HMAC_SHA1_96, ESP_ENCR_AES_CBC);
    esp_sa_wireshark_uat(sa, "10.0.0.1", "10.0.1.1", s);
    g_assert_cmpstr(s->str, ==,
                    "\"IPv4\",\"10.0.0.1\",\"10.0.1.1\",\"0x00001234\",\"AES-CBC [RFC3602]\","
                    "\"0xb40ba9a3c58b2a05bbf0d987b21bf8cb\",\"HMAC-SHA-1-96 [RFC2404]\","
                    "\"0xf769bcd751044604127672711c6d344100000000\"");
    esp_sa_free(sa);
    g_string_truncate(s, 0);
    sa = sa_new(0xfedcba98, ESP_SA_INBOUND, ESP_AUTH_HMAC_MD5_96, ESP_ENCR_DES_EDE3_CBC);
    esp_sa_wireshark_uat(sa, "2001:db8::1", "2001:db8::2", s);
    g_assert_cmpstr(s->str, ==,
                    "\"IPv6\",\"2001:db8::1\",\"2001:db8::2\",\"0xfedcba98\",\"TripleDES-CBC [RFC2451]\","
                    "\"0xb40ba9a3c58b2a05bbf0d987b21bf8cbb40ba9a3c58b2a05\",\"HMAC-MD5-96 [RFC2403]\","
                    "\"0xf769bcd751044604127672711c6d3441\"");
    esp_sa_free(sa);
    g_string_truncate(s, 0);
    sa = sa_new(1, ESP_SA_INBOUND, ESP_AUTH_HMAC_MD5_96, ESP_ENCR_NULL);
    esp_sa_wireshark_uat(sa, "10.0.0.1", "10.0.1.1", s);
    g_assert_cmpstr(s->str, ==,
                    "\"IPv4\",\"10.0.0.1\",\"10.0.1.1\",\"0x00000001\",\"NULL\",\"\",\"HMAC-MD5-96 [RFC2403]\","
                    "\"0xf769bcd751044604127672711c6d3441\"");
    esp_sa_free(sa);
    g_string_free(s, TRUE);
    g_assert_cmpstr(esp_open_result_to_string(ESP_OPEN_BAD_ICV), ==, "bad-icv");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/esp/names", test_names);
    g_test_add_func("/esp/key-expansion", test_key_expansion);
    g_test_add_func("/esp/transforms", test_transforms);
    g_test_add_func("/esp/round-trip", test_round_trip);
    g_test_add_func("/esp/packet-layout", test_packet_layout);
    g_test_add_func("/esp/tamper", test_tamper);
    g_test_add_func("/esp/replay-window", test_replay_window);
    g_test_add_func("/esp/window-after-icv", test_window_after_icv);
    g_test_add_func("/esp/seq-exhausted", test_seq_exhausted);
    g_test_add_func("/esp/malformed", test_malformed);
    g_test_add_func("/esp/sa-params", test_sa_params);
    g_test_add_func("/esp/random-input", test_random_input);
    g_test_add_func("/esp/sad", test_sad);
    g_test_add_func("/esp/spd", test_spd);
    g_test_add_func("/esp/wireshark-uat", test_wireshark_uat);
    return g_test_run();
}
