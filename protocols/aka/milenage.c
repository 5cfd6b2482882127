/* milenage.c: MILENAGE f1..f5* (3GPP TS 35.206 §4.1) on OpenSSL AES-128.
 *
 Every function is TEMP = E_K(RAND xor OPc) followed by one more block:
 *   OUT1 = E_K(TEMP xor rot(IN1 xor OPc, r1) xor c1) xor OPc      IN1 = SQN || AMF || SQN || AMF
 *   OUTi = E_K(rot(TEMP xor OPc, ri) xor ci) xor OPc               i = 2..5
 * All ri are whole octets (r1 = 64, r2 = 0, r3 = 32, r4 = 64, r5 = 96 bits) and ci is
 * 1 << (i - 2) in the last octet (c1 = 0), so rotation is an octet index shift.
 * Cost: one AES block for TEMP plus one per output block asked for.
 */
#include "protocols/aka/milenage.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <string.h>

G_DEFINE_QUARK(milenage-error-quark, milenage_error)

struct Milenage {
    EVP_CIPHER_CTX *aes; /* AES-128-ECB keyed with K, padding off; freed (and cleansed) by OpenSSL */
    uint8_t opc[MILENAGE_KEY_LEN];
};

/* One AES-128 block with an ECB context whose key is set. */
static gboolean aes_block(EVP_CIPHER_CTX *ctx, const uint8_t in[16], uint8_t out[16], GError **error)
{
    int n = 0;
    if (EVP_EncryptUpdate(ctx, out, &n, in, 16) != 1 || n != 16) {
        g_set_error(error, MILENAGE_ERROR, MILENAGE_ERROR_CRYPTO, "AES-128 block encryption failed");
        return FALSE;
    }
    return TRUE;
}

static EVP_CIPHER_CTX *aes_ecb_new(const uint8_t k[16], GError **error)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (!ctx || EVP_EncryptInit_ex2(ctx, EVP_aes_128_ecb(), k, NULL, NULL) != 1 ||
        EVP_CIPHER_CTX_set_padding(ctx, 0) != 1) {
        EVP_CIPHER_CTX_free(ctx);
        g_set_error(error, MILENAGE_ERROR, MILENAGE_ERROR_CRYPTO, "cannot set up AES-128-ECB");
        return NULL;
    }
    return ctx;
}

gboolean milenage_compute_opc(const uint8_t k[MILENAGE_KEY_LEN], const uint8_t op[MILENAGE_KEY_LEN],
                              uint8_t opc[MILENAGE_KEY_LEN], GError **error)
{
    EVP_CIPHER_CTX *ctx = aes_ecb_new(k, error);
    if (!ctx)
        return FALSE;
    uint8_t e[16];
    gboolean ok = aes_block(ctx, op, e, error);
    EVP_CIPHER_CTX_free(ctx);
    if (ok)
        for (int i = 0; i < 16; i++)
            opc[i] = op[i] ^ e[i];
    OPENSSL_cleanse(e, sizeof e);
    return ok;
}

Milenage *milenage_new(const uint8_t k[MILENAGE_KEY_LEN], const uint8_t opc[MILENAGE_KEY_LEN], GError **error)
{
    EVP_CIPHER_CTX *ctx = aes_ecb_new(k, error);
    if (!ctx)
        return NULL;
    Milenage *m = g_new0(Milenage, 1);
    m->aes = ctx;
    memcpy(m->opc, opc, MILENAGE_KEY_LEN);
    return m;
}

void milenage_free(Milenage *m)
{
    if (!m)
        return;
    EVP_CIPHER_CTX_free(m->aes);
    OPENSSL_cleanse(m->opc, sizeof m->opc);
    g_free(m);
}

/* TEMP = E_K(RAND xor OPc) */
static gboolean temp_block(Milenage *m, const uint8_t rand[16], uint8_t temp[16], GError **error)
{
    uint8_t x[16];
    for (int i = 0; i < 16; i++)
        x[i] = rand[i] ^ m->opc[i];
    gboolean ok = aes_block(m->aes, x, temp, error);
    OPENSSL_cleanse(x, sizeof x);
    return ok;
}

/* OUT = E_K(Y) xor OPc */
static gboolean finish_block(Milenage *m, const uint8_t y[16], uint8_t out[16], GError **error)
{
    if (!aes_block(m->aes, y, out, error))
        return FALSE;
    for (int i = 0; i < 16; i++)
        out[i] ^= m->opc[i];
    return TRUE;
}

/* OUTi = E_K(rot(TEMP xor OPc, ri) xor ci) xor OPc for i = 2..5, R_OCTETS = ri / 8, C = last octet
 * of ci. rot() turns towards the most significant bit: output octet j is input octet j + ri/8. */
static gboolean out_block(Milenage *m, const uint8_t temp[16], unsigned r_octets, uint8_t c, uint8_t out[16],
                          GError **error)
{
    uint8_t y[16];
    for (unsigned j = 0; j < 16; j++) {
        unsigned s = (j + r_octets) % 16;
        y[j] = temp[s] ^ m->opc[s];
    }
    y[15] ^= c;
    gboolean ok = finish_block(m, y, out, error);
    OPENSSL_cleanse(y, sizeof y);
    return ok;
}

gboolean milenage_f1(Milenage *m, const uint8_t rand[MILENAGE_RAND_LEN], const uint8_t sqn[MILENAGE_SQN_LEN],
                     const uint8_t amf[MILENAGE_AMF_LEN], uint8_t mac_a[MILENAGE_MAC_LEN],
                     uint8_t mac_s[MILENAGE_MAC_LEN], GError **error)
{
    g_assert(m && rand && sqn && amf);
    uint8_t temp[16], in1[16], y[16], out1[16];
    gboolean ok = temp_block(m, rand, temp, error);
    if (ok) {
        /* IN1 = SQN || AMF || SQN || AMF;
         * OUT1 = E_K(TEMP xor rot(IN1 xor OPc, r1) xor c1) xor OPc with r1 = 64, c1 = 0 */
        memcpy(in1, sqn, 6);
        memcpy(in1 + 6, amf, 2);
        memcpy(in1 + 8, sqn, 6);
        memcpy(in1 + 14, amf, 2);
        for (unsigned j = 0; j < 16; j++) {
            unsigned s = (j + 8) % 16;
            y[j] = temp[j] ^ in1[s] ^ m->opc[s];
        }
        ok = finish_block(m, y, out1, error);
    }
    if (ok) {
        if (mac_a)
            memcpy(mac_a, out1, 8);
        if (mac_s)
            memcpy(mac_s, out1 + 8, 8);
    }
    OPENSSL_cleanse(temp, sizeof temp);
    OPENSSL_cleanse(y, sizeof y);
    OPENSSL_cleanse(out1, sizeof out1);
    return ok;
}

gboolean milenage_f2345(Milenage *m, const uint8_t rand[MILENAGE_RAND_LEN], uint8_t res[MILENAGE_RES_LEN],
                        uint8_t ck[MILENAGE_CK_LEN], uint8_t ik[MILENAGE_IK_LEN], uint8_t ak[MILENAGE_AK_LEN],
                        GError **error)
{
    g_assert(m && rand);
    uint8_t temp[16], out[16];
    gboolean ok = temp_block(m, rand, temp, error);
    if (ok && (res || ak)) { /* OUT2: r2 = 0, c2 = 1 */
        ok = out_block(m, temp, 0, 0x01, out, error);
        if (ok && ak)
            memcpy(ak, out, 6);
        if (ok && res)
            memcpy(res, out + 8, 8);
    }
    if (ok && ck) /* OUT3: r3 = 32, c3 = 2 */
        ok = out_block(m, temp, 4, 0x02, ck, error);
    if (ok && ik) /* OUT4: r4 = 64, c4 = 4 */
        ok = out_block(m, temp, 8, 0x04, ik, error);
    OPENSSL_cleanse(temp, sizeof temp);
    OPENSSL_cleanse(out, sizeof out);
    return ok;
}

gboolean milenage_f5star(Milenage *m, const uint8_t rand[MILENAGE_RAND_LEN], uint8_t ak_star[MILENAGE_AK_LEN],
                         GError **error)
{
    g_assert(m && rand && ak_star);
    uint8_t temp[16], out[16];
    gboolean ok = temp_block(m, rand, temp, error);
    if (ok) /* OUT5: r5 = 96, c5 = 8 */
        ok = out_block(m, temp, 12, 0x08, out, error);
    if (ok)
        memcpy(ak_star, out, 6);
    OPENSSL_cleanse(temp, sizeof temp);
    OPENSSL_cleanse(out, sizeof out);
    return ok;
}
