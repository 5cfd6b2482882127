/* esp.c: ESP algorithm names, TS 33.203 Annex I key expansion, OpenSSL crypters and signers.
 *
 * Sections: names and sizes / key expansion / crypter (EVP_CIPHER_CTX, padding off) / signer
 * (EVP_MAC HMAC). Keys never stay in these structs as plain bytes: the crypter keeps only OpenSSL's
 * keyed contexts and the signer a keyed template context, both cleansed by OpenSSL when freed.
 */
#include "protocols/ipsec/esp.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <limits.h>
#include <string.h>

G_DEFINE_QUARK(esp-error-quark, esp_error)

/* ------------------------------------------------------------------ names and sizes */

const char *esp_auth_alg_to_string(EspAuthAlg alg)
{
    switch (alg) {
    case ESP_AUTH_NONE: return "none";
    case ESP_AUTH_HMAC_MD5_96: return "hmac-md5-96";
    case ESP_AUTH_HMAC_SHA1_96: return "hmac-sha-1-96";
    }
    return NULL;
}

gboolean esp_auth_alg_from_string(const char *text, EspAuthAlg *out)
{
    if (strcmp(text, "hmac-md5-96") == 0)
        *out = ESP_AUTH_HMAC_MD5_96;
    else if (strcmp(text, "hmac-sha-1-96") == 0)
        *out = ESP_AUTH_HMAC_SHA1_96;
    else
        return FALSE;
    return TRUE;
}

const char *esp_encr_alg_to_string(EspEncrAlg alg)
{
    switch (alg) {
    case ESP_ENCR_DES_EDE3_CBC: return "des-ede3-cbc";
    case ESP_ENCR_NULL: return "null";
    case ESP_ENCR_AES_CBC: return "aes-cbc";
    }
    return NULL;
}

gboolean esp_encr_alg_from_string(const char *text, EspEncrAlg *out)
{
    if (strcmp(text, "des-ede3-cbc") == 0)
        *out = ESP_ENCR_DES_EDE3_CBC;
    else if (strcmp(text, "aes-cbc") == 0)
        *out = ESP_ENCR_AES_CBC;
    else if (strcmp(text, "null") == 0)
        *out = ESP_ENCR_NULL;
    else
        return FALSE;
    return TRUE;
}

size_t esp_auth_key_len(EspAuthAlg alg)
{
    return alg == ESP_AUTH_HMAC_MD5_96 ? 16 : alg == ESP_AUTH_HMAC_SHA1_96 ? 20 : 0;
}

size_t esp_auth_icv_len(EspAuthAlg alg)
{
    return alg == ESP_AUTH_HMAC_MD5_96 || alg == ESP_AUTH_HMAC_SHA1_96 ? ESP_ICV_LEN : 0;
}

size_t esp_encr_key_len(EspEncrAlg alg)
{
    return alg == ESP_ENCR_DES_EDE3_CBC ? 24 : alg == ESP_ENCR_AES_CBC ? 16 : 0;
}

size_t esp_encr_iv_len(EspEncrAlg alg)
{
    return alg == ESP_ENCR_DES_EDE3_CBC ? 8 : alg == ESP_ENCR_AES_CBC ? 16 : 0;
}

size_t esp_encr_block_len(EspEncrAlg alg)
{
    return alg == ESP_ENCR_DES_EDE3_CBC ? 8 : alg == ESP_ENCR_AES_CBC ? 16 : 1;
}

/* ------------------------------------------------------------------ TS 33.203 Annex I */

gboolean esp_ims_integrity_key(EspAuthAlg alg, const uint8_t ik[16], uint8_t out[ESP_MAX_KEY_LEN], size_t *out_len)
{
    *out_len = 0;
    switch (alg) {
    case ESP_AUTH_HMAC_MD5_96: /* IK_ESP = IK */
        memcpy(out, ik, 16);
        *out_len = 16;
        return TRUE;
    case ESP_AUTH_HMAC_SHA1_96: /* IK_ESP = IK || 32 zero bits */
        memcpy(out, ik, 16);
        memset(out + 16, 0, 4);
        *out_len = 20;
        return TRUE;
    case ESP_AUTH_NONE:
        break;
    }
    return FALSE;
}

gboolean esp_ims_encryption_key(EspEncrAlg alg, const uint8_t ck[16], uint8_t out[ESP_MAX_KEY_LEN], size_t *out_len)
{
    *out_len = 0;
    switch (alg) {
    case ESP_ENCR_DES_EDE3_CBC: /* CK_ESP = CK1 || CK2 || CK1 with CK = CK1 || CK2 (64 bits each) */
        memcpy(out, ck, 16);
        memcpy(out + 16, ck, 8);
        *out_len = 24;
        return TRUE;
    case ESP_ENCR_AES_CBC: /* CK_ESP = CK */
        memcpy(out, ck, 16);
        *out_len = 16;
        return TRUE;
    case ESP_ENCR_NULL:
        return TRUE;
    }
    return FALSE;
}

/* ------------------------------------------------------------------ crypter */

typedef struct {
    EspCrypter public;
    EVP_CIPHER_CTX *enc, *dec; /* keyed; NULL for the null cipher */
    size_t block, iv;
} OpensslCrypter;

static gboolean crypter_run(OpensslCrypter *c, EVP_CIPHER_CTX *ctx, const uint8_t *in, size_t len, const uint8_t *iv,
                            uint8_t *out, GError **error)
{
    if (len % c->block != 0) {
        g_set_error(error, ESP_ERROR, ESP_ERROR_INVALID, "%zu octets is not a multiple of the %zu-octet block", len,
                    c->block);
        return FALSE;
    }
    if (!ctx) { /* RFC 2410: NULL encryption is the identity */
        if (out != in && len)
            memmove(out, in, len);
        return TRUE;
    }
    if (!iv || len > INT_MAX) {
        g_set_error(error, ESP_ERROR, ESP_ERROR_INVALID, iv ? "input too long" : "no IV");
        return FALSE;
    }
    int n = 0, m = 0;
    gboolean ok = EVP_CipherInit_ex2(ctx, NULL, NULL, iv, -1, NULL) == 1 && EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
                  EVP_CipherUpdate(ctx, out, &n, in, (int)len) == 1 && EVP_CipherFinal_ex(ctx, out + n, &m) == 1 &&
                  (size_t)(n + m) == len;
    if (!ok)
        g_set_error(error, ESP_ERROR, ESP_ERROR_CRYPTO, "cipher operation failed");
    return ok;
}

static gboolean crypter_encrypt(EspCrypter *self, const uint8_t *in, size_t len, const uint8_t *iv, uint8_t *out,
                                GError **error)
{
    OpensslCrypter *c = (OpensslCrypter *)self;
    return crypter_run(c, c->enc, in, len, iv, out, error);
}

static gboolean crypter_decrypt(EspCrypter *self, const uint8_t *in, size_t len, const uint8_t *iv, uint8_t *out,
                                GError **error)
{
    OpensslCrypter *c = (OpensslCrypter *)self;
    return crypter_run(c, c->dec, in, len, iv, out, error);
}

static size_t crypter_block_size(EspCrypter *self)
{
    return ((OpensslCrypter *)self)->block;
}

static size_t crypter_iv_size(EspCrypter *self)
{
    return ((OpensslCrypter *)self)->iv;
}

static void crypter_destroy(EspCrypter *self)
{
    OpensslCrypter *c = (OpensslCrypter *)self;
    EVP_CIPHER_CTX_free(c->enc); /* cleanses the key schedule */
    EVP_CIPHER_CTX_free(c->dec);
    g_free(c);
}

static EVP_CIPHER_CTX *cipher_ctx_new(const EVP_CIPHER *cipher, const uint8_t *key, int enc)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (!ctx || EVP_CipherInit_ex2(ctx, cipher, key, NULL, enc, NULL) != 1 || EVP_CIPHER_CTX_set_padding(ctx, 0) != 1) {
        EVP_CIPHER_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

EspCrypter *esp_crypter_create(EspEncrAlg alg, const uint8_t *key, size_t key_len)
{
    const EVP_CIPHER *cipher = NULL;
    switch (alg) {
    case ESP_ENCR_NULL:
        if (key_len != 0)
            return NULL;
        break;
    case ESP_ENCR_DES_EDE3_CBC: /* RFC 2451: three independent 64-bit keys, parity bits ignored */
        if (key_len != 24)
            return NULL;
        cipher = EVP_des_ede3_cbc();
        break;
    case ESP_ENCR_AES_CBC: /* RFC 3602 */
        cipher = key_len == 16 ? EVP_aes_128_cbc() : key_len == 24 ? EVP_aes_192_cbc()
               : key_len == 32 ? EVP_aes_256_cbc() : NULL;
        if (!cipher)
            return NULL;
        break;
    default:
        return NULL;
    }
    OpensslCrypter *c = g_new0(OpensslCrypter, 1);
    c->public = (EspCrypter){
        .encrypt = crypter_encrypt,
        .decrypt = crypter_decrypt,
        .get_block_size = crypter_block_size,
        .get_iv_size = crypter_iv_size,
        .destroy = crypter_destroy,
    };
    c->block = esp_encr_block_len(alg);
    c->iv = esp_encr_iv_len(alg);
    if (cipher) {
        c->enc = cipher_ctx_new(cipher, key, 1);
        c->dec = cipher_ctx_new(cipher, key, 0);
        if (!c->enc || !c->dec) {
            crypter_destroy(&c->public);
            return NULL;
        }
    }
    return &c->public;
}

/* ------------------------------------------------------------------ signer */

typedef struct {
    EspSigner public;
    EVP_MAC_CTX *keyed; /* template: HMAC initialised with the key, duplicated per message */
    size_t mac_len;
} OpensslSigner;

static gboolean signer_mac(EspSigner *self, const uint8_t *data, size_t len, uint8_t *out, GError **error)
{
    OpensslSigner *s = (OpensslSigner *)self;
    EVP_MAC_CTX *ctx = EVP_MAC_CTX_dup(s->keyed);
    size_t n = 0;
    gboolean ok = ctx && EVP_MAC_update(ctx, data, len) == 1 && EVP_MAC_final(ctx, out, &n, s->mac_len) == 1 &&
                  n == s->mac_len;
    EVP_MAC_CTX_free(ctx);
    if (!ok)
        g_set_error(error, ESP_ERROR, ESP_ERROR_CRYPTO, "HMAC computation failed");
    return ok;
}

static gboolean signer_sign(EspSigner *self, const uint8_t *data, size_t len, uint8_t *icv, GError **error)
{
    uint8_t full[ESP_MAX_MAC_LEN];
    if (!signer_mac(self, data, len, full, error))
        return FALSE;
    memcpy(icv, full, ESP_ICV_LEN); /* RFC 2403/2404 §2: the first 96 bits */
    OPENSSL_cleanse(full, sizeof full);
    return TRUE;
}

static size_t signer_icv_size(EspSigner *self)
{
    (void)self;
    return ESP_ICV_LEN;
}

static size_t signer_mac_size(EspSigner *self)
{
    return ((OpensslSigner *)self)->mac_len;
}

static void signer_destroy(EspSigner *self)
{
    OpensslSigner *s = (OpensslSigner *)self;
    EVP_MAC_CTX_free(s->keyed);
    g_free(s);
}

EspSigner *esp_signer_create(EspAuthAlg alg, const uint8_t *key, size_t key_len)
{
    const char *digest = alg == ESP_AUTH_HMAC_MD5_96 ? "MD5" : alg == ESP_AUTH_HMAC_SHA1_96 ? "SHA1" : NULL;
    if (!digest || !key || key_len == 0)
        return NULL;
    OpensslSigner *s = g_new0(OpensslSigner, 1);
    s->public = (EspSigner){
        .sign = signer_sign,
        .mac = signer_mac,
        .get_icv_size = signer_icv_size,
        .get_mac_size = signer_mac_size,
        .destroy = signer_destroy,
    };
    s->mac_len = alg == ESP_AUTH_HMAC_MD5_96 ? 16 : 20;
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)digest, 0),
        OSSL_PARAM_construct_end(),
    };
    s->keyed = mac ? EVP_MAC_CTX_new(mac) : NULL;
    EVP_MAC_free(mac); /* the context holds its own reference */
    if (!s->keyed || EVP_MAC_init(s->keyed, key, key_len, params) != 1) {
        signer_destroy(&s->public);
        return NULL;
    }
    return &s->public;
}
