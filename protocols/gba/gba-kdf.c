/* gba-kdf.c: TS 33.220 Annex B key derivation, Ks_NAF and B-TID. */
#include "protocols/gba/gba-kdf.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <string.h>

G_DEFINE_QUARK(gba-error-quark, gba_error)

const uint8_t GBA_UA_ID_HTTP_DIGEST[GBA_UA_ID_LEN] = {0x01, 0x00, 0x00, 0x00, 0x02};

gboolean gba_kdf_build_s(uint8_t fc, const GbaKdfParam *params, size_t n_params, GByteArray *s, GError **error)
{
    g_byte_array_set_size(s, 0);
    for (size_t i = 0; i < n_params; i++)
        if (params[i].len > GBA_KDF_PARAM_MAX) {
            g_set_error(error, GBA_ERROR, GBA_ERROR_INVALID, "KDF parameter P%zu is %zu octets, more than %d", i,
                        params[i].len, GBA_KDF_PARAM_MAX);
            return FALSE;
        }
    g_byte_array_append(s, &fc, 1);
    for (size_t i = 0; i < n_params; i++) {
        if (params[i].len)
            g_byte_array_append(s, params[i].data, (guint)params[i].len);
        uint8_t l[2] = {(uint8_t)(params[i].len >> 8), (uint8_t)params[i].len};
        g_byte_array_append(s, l, 2);
    }
    return TRUE;
}

gboolean gba_kdf(const uint8_t *key, size_t key_len, const uint8_t *s, size_t s_len, uint8_t out[GBA_KDF_OUT_LEN],
                 GError **error)
{
    size_t n = 0;
    if (!EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, key_len, s, s_len, out, GBA_KDF_OUT_LEN, &n) ||
        n != GBA_KDF_OUT_LEN) {
        OPENSSL_cleanse(out, GBA_KDF_OUT_LEN);
        g_set_error(error, GBA_ERROR, GBA_ERROR_CRYPTO, "HMAC-SHA-256 failed");
        return FALSE;
    }
    return TRUE;
}

void gba_ks_from_ck_ik(const uint8_t ck[16], const uint8_t ik[16], uint8_t ks[GBA_KS_LEN])
{
    memcpy(ks, ck, 16);
    memcpy(ks + 16, ik, 16);
}

void gba_ua_id_tls(uint16_t cipher_suite, uint8_t out[GBA_UA_ID_LEN])
{
    out[0] = 0x01;
    out[1] = 0x00;
    out[2] = 0x01;
    out[3] = (uint8_t)(cipher_suite >> 8);
    out[4] = (uint8_t)cipher_suite;
}

/* Annex B.2.1: character strings enter the KDF as UTF-8 after NFKC normalisation. */
static gchar *nfkc(const char *what, const char *text, GError **error)
{
    if (!text || !*text || !g_utf8_validate(text, -1, NULL)) {
        g_set_error(error, GBA_ERROR, GBA_ERROR_INVALID, "%s is empty or not UTF-8", what);
        return NULL;
    }
    gchar *n = g_utf8_normalize(text, -1, G_NORMALIZE_NFKC);
    if (!n)
        g_set_error(error, GBA_ERROR, GBA_ERROR_INVALID, "%s cannot be normalised", what);
    return n;
}

gboolean gba_naf_id_build(const char *naf_fqdn, const uint8_t ua_id[GBA_UA_ID_LEN], GByteArray *out, GError **error)
{
    g_byte_array_set_size(out, 0);
    gchar *fqdn = nfkc("NAF FQDN", naf_fqdn, error);
    if (!fqdn)
        return FALSE;
    g_byte_array_append(out, (const guint8 *)fqdn, (guint)strlen(fqdn));
    g_byte_array_append(out, ua_id, GBA_UA_ID_LEN);
    g_free(fqdn);
    return TRUE;
}

gboolean gba_ks_naf(const uint8_t ks[GBA_KS_LEN], const uint8_t rand[GBA_RAND_LEN], const char *impi,
                    const uint8_t *naf_id, size_t naf_id_len, uint8_t ks_naf[GBA_KDF_OUT_LEN], GByteArray *s_out,
                    GError **error)
{
    static const char label[] = "gba-me";
    gchar *impi_n = nfkc("IMPI", impi, error);
    if (!impi_n)
        return FALSE;
    GbaKdfParam p[4] = {
        {(const uint8_t *)label, sizeof label - 1},
        {rand, GBA_RAND_LEN},
        {(const uint8_t *)impi_n, strlen(impi_n)},
        {naf_id, naf_id_len},
    };
    GByteArray *s = g_byte_array_new();
    gboolean ok = gba_kdf_build_s(GBA_KDF_FC_KS_NAF, p, G_N_ELEMENTS(p), s, error) &&
                  gba_kdf(ks, GBA_KS_LEN, s->data, s->len, ks_naf, error);
    if (ok && s_out) {
        g_byte_array_set_size(s_out, 0);
        g_byte_array_append(s_out, s->data, s->len);
    }
    g_byte_array_free(s, TRUE);
    g_free(impi_n);
    return ok;
}

gchar *gba_btid_build(const uint8_t rand[GBA_RAND_LEN], const char *bsf_domain)
{
    if (!bsf_domain || !*bsf_domain)
        return NULL;
    gchar *b64 = g_base64_encode(rand, GBA_RAND_LEN);
    gchar *btid = g_strconcat(b64, "@", bsf_domain, NULL);
    g_free(b64);
    return btid;
}
