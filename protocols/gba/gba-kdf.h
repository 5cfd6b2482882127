/* gba-kdf.h: the GBA key derivation function and B-TID (3GPP TS 33.220 Annex B, §4.5.2).
 *
 * Why: after a GBA bootstrap (AKA between UE and BSF) both ends derive the NAF-specific key
 * Ks_NAF = KDF(Ks, "gba-me", RAND, IMPI, NAF_Id) that protects Ut (XCAP) towards the presence
 * server's NAF, and name the bootstrap with B-TID = base64(RAND)@BSF-domain.
 * What it is not: the BSF, the NAF or the Zh/Zn/Ub exchanges (those are nodes); only GBA_ME.
 * Spec: TS 33.220 Annex B.2 (KDF(Key, S) = HMAC-SHA-256(Key, S), S = FC || P0 || L0 || ... with Li
 * the 2-octet big-endian length of Pi; character strings UTF-8 after NFKC, B.2.1), §4.5.2 (Ks =
 * CK || IK, B-TID), Annex H (Ua security protocol identifiers).
 * Tests: tests/unit/test-gba-kdf.c; shared/vectors/gba-kdf.txt through presim-vectors.
 */
#pragma once
#include <glib.h>
#include <stdint.h>

#define GBA_KS_LEN 32          /* Ks = CK || IK */
#define GBA_KDF_OUT_LEN 32     /* HMAC-SHA-256 */
#define GBA_RAND_LEN 16
#define GBA_UA_ID_LEN 5        /* Ua security protocol identifier (Annex H) */
#define GBA_KDF_FC_KS_NAF 0x01 /* FC for Ks_(ext)_NAF (Annex B.3) */
#define GBA_KDF_PARAM_MAX 0xffff

/* Annex H.3: HTTP Digest authentication per TS 24.109 (Ut with XCAP). */
extern const uint8_t GBA_UA_ID_HTTP_DIGEST[GBA_UA_ID_LEN];

#define GBA_ERROR (gba_error_quark())
GQuark gba_error_quark(void);
typedef enum {
    GBA_ERROR_CRYPTO = 1, /* OpenSSL refused */
    GBA_ERROR_INVALID,    /* a parameter longer than 65535 octets, bad UTF-8, an empty name */
} GbaError;

typedef struct {
    const uint8_t *data;
    size_t len;
} GbaKdfParam;

/* S = FC || P0 || L0 || P1 || L1 || ... (Annex B.2) into S (cleared first). GBA_ERROR_INVALID if
 * some Pi is longer than 65535 octets. */
gboolean gba_kdf_build_s(uint8_t fc, const GbaKdfParam *params, size_t n_params, GByteArray *s,
                         GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* KDF(KEY, S) = HMAC-SHA-256(KEY, S) (Annex B.2). */
gboolean gba_kdf(const uint8_t *key, size_t key_len, const uint8_t *s, size_t s_len, uint8_t out[GBA_KDF_OUT_LEN],
                 GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Ks = CK || IK (§4.5.2). The caller wipes KS when done. */
void gba_ks_from_ck_ik(const uint8_t ck[16], const uint8_t ik[16], uint8_t ks[GBA_KS_LEN]);

/* Ua security protocol identifier for a TLS cipher suite (Annex H.3): 01 00 01 yy zz. */
void gba_ua_id_tls(uint16_t cipher_suite, uint8_t out[GBA_UA_ID_LEN]);

/* NAF_Id = FQDN of the NAF (UTF-8, NFKC) || Ua security protocol id (Annex B.3), into OUT (cleared
 * first). GBA_ERROR_INVALID for an empty or non-UTF-8 FQDN. */
gboolean gba_naf_id_build(const char *naf_fqdn, const uint8_t ua_id[GBA_UA_ID_LEN], GByteArray *out,
                          GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Ks_NAF = KDF(Ks, FC = 0x01, "gba-me", RAND, IMPI, NAF_Id) (Annex B.3, GBA_ME). IMPI is UTF-8 text
 * (normalised to NFKC here); NAF_ID the octets from gba_naf_id_build(). S_OUT, if not NULL,
 * receives the KDF input string. */
gboolean gba_ks_naf(const uint8_t ks[GBA_KS_LEN], const uint8_t rand[GBA_RAND_LEN], const char *impi,
                    const uint8_t *naf_id, size_t naf_id_len, uint8_t ks_naf[GBA_KDF_OUT_LEN], GByteArray *s_out,
                    GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* B-TID = base64(RAND) "@" BSF server domain name (§4.5.2, NAI format). NULL if BSF_DOMAIN is empty.
 * Free with g_free(). */
gchar *gba_btid_build(const uint8_t rand[GBA_RAND_LEN], const char *bsf_domain);
