/* esp.h: the ESP algorithms of IMS access security and their OpenSSL transforms.
 *
 * Why: TS 33.203 protects Gm with ESP transport-mode SAs whose algorithms are negotiated in the
 * Security-Client/-Server/-Verify headers (RFC 3329; TS 33.203 Annex H): integrity hmac-md5-96
 * (RFC 2403) or hmac-sha-1-96 (RFC 2404), encryption null (RFC 2410), des-ede3-cbc (RFC 2451) or
 * aes-cbc (RFC 3602), keyed from the AKA CK and IK by TS 33.203 Annex I. This header holds the
 * names and sizes, that key expansion, and the transforms: strongSwan-style interfaces (a struct of
 * function pointers ending in destroy) with one OpenSSL EVP implementation each.
 * What it is not: packet framing, SAs, replay protection (esp-sa.h), SAD/SPD (sad.h, spd.h).
 * Tests: tests/unit/test-esp.c; shared/vectors/{hmac,aes-cbc-esp,des-ede3-cbc}.txt via presim-vectors.
 */
#pragma once
#include <glib.h>
#include <stdint.h>

#define ESP_ERROR (esp_error_quark())
GQuark esp_error_quark(void);
typedef enum {
    ESP_ERROR_CRYPTO = 1,     /* OpenSSL refused */
    ESP_ERROR_INVALID,        /* bad parameters: key length, direction, missing IV, window size */
    ESP_ERROR_TOO_LONG,       /* payload larger than ESP_MAX_PAYLOAD */
    ESP_ERROR_SEQ_EXHAUSTED,  /* the outbound sequence number would wrap (RFC 4303 §3.3.3) */
    ESP_ERROR_EXISTS,         /* SAD/SPD: the SPI or selector is already present */
} EspError;

/* Integrity algorithms; values are the IKEv2 transform IDs (RFC 7296 §3.3.2). NONE exists only for
 * encryption-only known-answer tests (RFC 3602 §4 cases 5-6); TS 33.203 always uses integrity. */
typedef enum {
    ESP_AUTH_NONE = 0,
    ESP_AUTH_HMAC_MD5_96 = 1,
    ESP_AUTH_HMAC_SHA1_96 = 2,
} EspAuthAlg;

/* Encryption algorithms; values are the IKEv2 transform IDs (RFC 7296 §3.3.2). */
typedef enum {
    ESP_ENCR_DES_EDE3_CBC = 3,
    ESP_ENCR_NULL = 11,
    ESP_ENCR_AES_CBC = 12,
} EspEncrAlg;

#define ESP_ICV_LEN 12       /* both integrity algorithms: the HMAC truncated to 96 bits */
#define ESP_MAX_KEY_LEN 32
#define ESP_MAX_IV_LEN 16
#define ESP_MAX_MAC_LEN 20   /* full HMAC-SHA-1 */

/* Security-Client names (RFC 3329 §2.2 alg=, TS 33.203 Annex H ealg=): "hmac-md5-96",
 * "hmac-sha-1-96"; "des-ede3-cbc", "aes-cbc", "null". Parsing is exact (lower case, as the ABNF
 * literals are written and as every implementation sends them) and refuses ESP_AUTH_NONE. */
const char *esp_auth_alg_to_string(EspAuthAlg alg); /* "none" for ESP_AUTH_NONE */
gboolean esp_auth_alg_from_string(const char *text, EspAuthAlg *out);
const char *esp_encr_alg_to_string(EspEncrAlg alg);
gboolean esp_encr_alg_from_string(const char *text, EspEncrAlg *out);

size_t esp_auth_key_len(EspAuthAlg alg);   /* 16 (RFC 2403), 20 (RFC 2404), 0 */
size_t esp_auth_icv_len(EspAuthAlg alg);   /* 12, 12, 0 */
size_t esp_encr_key_len(EspEncrAlg alg);   /* 24, 16 (TS 33.203; the crypter also takes 24/32), 0 */
size_t esp_encr_iv_len(EspEncrAlg alg);    /* 8, 16, 0 */
size_t esp_encr_block_len(EspEncrAlg alg); /* 8, 16, 1 */

/* TS 33.203 Annex I: the ESP keys from IK and CK. Integrity: hmac-md5-96 IK (128 bits),
 * hmac-sha-1-96 IK || 32 zero bits (160 bits). Encryption: des-ede3-cbc CK || CK[0..7] (192 bits),
 * aes-cbc CK (128 bits), null nothing. Writes *OUT_LEN octets; FALSE for NONE/unknown. The caller
 * wipes OUT. */
gboolean esp_ims_integrity_key(EspAuthAlg alg, const uint8_t ik[16], uint8_t out[ESP_MAX_KEY_LEN], size_t *out_len);
gboolean esp_ims_encryption_key(EspEncrAlg alg, const uint8_t ck[16], uint8_t out[ESP_MAX_KEY_LEN], size_t *out_len);

/* ------------------------------------------------------------------ transforms */

/* A CBC (or null) cipher without padding: ESP pads itself (RFC 4303 §2.4). */
typedef struct EspCrypter EspCrypter;
struct EspCrypter {
    /* Encrypts LEN octets of IN, a multiple of get_block_size(), with IV (get_iv_size() octets;
     * NULL when that is 0) into OUT, which may be IN itself. */
    gboolean (*encrypt)(EspCrypter *self, const uint8_t *in, size_t len, const uint8_t *iv, uint8_t *out,
                        GError **error) G_GNUC_WARN_UNUSED_RESULT;
    /* The inverse; same rules. */
    gboolean (*decrypt)(EspCrypter *self, const uint8_t *in, size_t len, const uint8_t *iv, uint8_t *out,
                        GError **error) G_GNUC_WARN_UNUSED_RESULT;
    size_t (*get_block_size)(EspCrypter *self); /* 16, 8, or 1 for null */
    size_t (*get_iv_size)(EspCrypter *self);
    /* Wipes the key and frees. */
    void (*destroy)(EspCrypter *self);
};

/* A crypter for ALG with KEY (copied): des-ede3-cbc 24 octets, aes-cbc 16, 24 or 32, null 0.
 * NULL if the algorithm is unknown, the key length wrong, or OpenSSL fails. */
EspCrypter *esp_crypter_create(EspEncrAlg alg, const uint8_t *key, size_t key_len);

/* An HMAC keyed once: mac() gives the full output, sign() the ESP ICV (its first 96 bits). */
typedef struct EspSigner EspSigner;
struct EspSigner {
    /* The ICV (get_icv_size() octets) over LEN octets of DATA. */
    gboolean (*sign)(EspSigner *self, const uint8_t *data, size_t len, uint8_t *icv,
                     GError **error) G_GNUC_WARN_UNUSED_RESULT;
    /* The untruncated HMAC (get_mac_size() octets). */
    gboolean (*mac)(EspSigner *self, const uint8_t *data, size_t len, uint8_t *out,
                    GError **error) G_GNUC_WARN_UNUSED_RESULT;
    size_t (*get_icv_size)(EspSigner *self); /* 12 */
    size_t (*get_mac_size)(EspSigner *self); /* 16 (MD5) or 20 (SHA-1) */
    /* Wipes the key and frees. */
    void (*destroy)(EspSigner *self);
};

/* A signer for ALG (not NONE) with KEY (copied) of any positive length: HMAC takes any key, so the
 * RFC 2202 vectors run through it; esp_sa_new() enforces the RFC 2403/2404 lengths. NULL if the
 * algorithm is unknown, the key empty, or OpenSSL fails. */
EspSigner *esp_signer_create(EspAuthAlg alg, const uint8_t *key, size_t key_len);
