/* gaa.c: Zh and Zn message builders and parsers (TS 29.109 §4.2, §5.2). See gaa.h.
 *
 * Sections: the Zh/Zn builder and parser steps (heads, Time, GSID); then Zh MAR/MAA and Zn
 * BIR/BIA. The steps shared with Cx (heads, results, typed AVP reads, SIP-Auth-Data-Item) are in
 * cx-common.c (cx-private.h). The SIP-Auth-Data-Item is the Cx one (TS 29.229 §6.3.13): the same
 * AVPs in the same order, so a Zh answer carries the vector exactly as a Cx MAA would. */
#include "protocols/diameter/gaa.h"
#include "protocols/diameter/cx-private.h"
#include <openssl/crypto.h>
#include <string.h>

#define V3 DIAMETER_VENDOR_3GPP
#define GSID_MAX 999999u /* TS 29.109 §6.3.1: GSIDs of 3GPP services are 0..999999 */

/* ---- building ------------------------------------------------------------------------------- */

/* The head of §4.2 (Zh) and §5.2 (Zn): { Destination-Realm } before [ Destination-Host ] in
 * requests, and Auth-Session-State NO_STATE_MAINTAINED on Zh only (the Zn ABNF has none). */
#define ZH_HEAD (CX__HEAD_REALM_FIRST | CX__HEAD_SESSION_STATE)
#define ZN_HEAD CX__HEAD_REALM_FIRST

/* Time (RFC 6733 §4.3.1): the 32-bit NTP seconds; after 2036 the value wraps, as NTP's does. */
static void add_time(DiameterBuilder *b, uint32_t code, uint64_t t)
{
    diameter_builder_add_u32(b, code, V3, (uint32_t)(t & 0xffffffffu));
}

/* ---- parsing -------------------------------------------------------------------------------- */

static gboolean expect(const DiameterMsg *msg, uint32_t command, uint32_t app, gboolean request, GError **error)
{
    return cx__expect(msg, app == GAA_APP_ZH ? "Zh" : "Zn", command, app, request, error);
}

static gboolean get_time(const DiameterMsg *msg, uint32_t code, uint64_t *out, gboolean *present, GError **error)
{
    uint32_t v = 0;
    if (!cx__get_u32(msg, NULL, code, V3, FALSE, &v, present, error))
        return FALSE;
    *out = v;
    return TRUE;
}

/* The GSID: an OctetString of 1 to 6 decimal digits (§6.3.1, "0 to 999999"). */
static gboolean parse_gsid(const DiameterAvp *a, uint32_t *out, GError **error)
{
    uint32_t v = 0;
    gboolean ok = a->len >= 1 && a->len <= 6;
    for (uint32_t i = 0; ok && i < a->len; i++) {
        ok = g_ascii_isdigit(a->data[i]);
        v = v * 10 + (uint32_t)(a->data[i] - '0');
    }
    if (ok) {
        *out = v;
        return TRUE;
    }
    g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_AVP_VALUE,
                "GAA-Service-Identifier(403): not a GSID of 1 to 6 decimal digits");
    return FALSE;
}

/* ---- Zh MAR / MAA (TS 29.109 §4.2) ---------------------------------------------------------- */

GBytes *gaa_zh_mar_build(const GaaZhMar *m, GError **error)
{
    if (!m->user_name && !m->public_identity) {
        g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_MISSING_AVP,
                    "User-Name or Public-Identity is required");
        return NULL;
    }
    DiameterBuilder *b = cx__begin_request(&m->common, GAA_CMD_MA, GAA_APP_ZH, ZH_HEAD, error);
    if (!b)
        return NULL;
    cx__add_opt_string(b, DIAMETER_AVP_USER_NAME, 0, m->user_name);
    cx__add_opt_string(b, TGPP_AVP_PUBLIC_IDENTITY, V3, m->public_identity);
    if (m->item.scheme || m->item.authorization_len) /* "Authentication Scheme, Synchronization Failure" */
        cx__add_auth_item(b, &m->item);
    return cx__finish(b, error);
}

gboolean gaa_zh_mar_parse(const DiameterMsg *msg, GaaZhMar *out, GError **error)
{
    memset(out, 0, sizeof *out);
    const DiameterAvp *item = diameter_msg_find(msg, NULL, TGPP_AVP_SIP_AUTH_DATA_ITEM, V3);
    if (!expect(msg, GAA_CMD_MA, GAA_APP_ZH, TRUE, error) || !cx__parse_common(msg, &out->common, TRUE, error) ||
        !cx__get_str(msg, NULL, DIAMETER_AVP_USER_NAME, 0, FALSE, &out->user_name, error) ||
        !cx__get_str(msg, NULL, TGPP_AVP_PUBLIC_IDENTITY, V3, FALSE, &out->public_identity, error) ||
        (item && !cx__parse_auth_item(msg, item, &out->item, error)))
        goto fail;
    if (!out->user_name && !out->public_identity) { /* nobody to authenticate */
        cx__missing(DIAMETER_AVP_USER_NAME, 0, error);
        goto fail;
    }
    out->number_auth_items = 1;
    return TRUE;
fail:
    gaa_zh_mar_clear(out);
    return FALSE;
}

void gaa_zh_mar_clear(GaaZhMar *m)
{
    cx__common_clear(&m->common);
    g_free(m->user_name);
    g_free(m->public_identity);
    cx_auth_data_item_clear(&m->item);
    memset(m, 0, sizeof *m);
}

GBytes *gaa_zh_maa_build(const GaaZhMaa *m, GError **error)
{
    DiameterBuilder *b = cx__begin_answer(&m->common, &m->result, GAA_CMD_MA, GAA_APP_ZH, ZH_HEAD, error);
    if (!b)
        return NULL;
    cx__add_opt_string(b, DIAMETER_AVP_USER_NAME, 0, m->user_name);
    if (m->has_item)
        cx__add_auth_item(b, &m->item);
    if (m->guss)
        diameter_builder_add_string(b, GAA_AVP_GBA_USERSECSETTINGS, V3, m->guss);
    return cx__finish(b, error);
}

gboolean gaa_zh_maa_parse(const DiameterMsg *msg, GaaZhMaa *out, GError **error)
{
    memset(out, 0, sizeof *out);
    const DiameterAvp *item = diameter_msg_find(msg, NULL, TGPP_AVP_SIP_AUTH_DATA_ITEM, V3);
    out->has_item = item != NULL;
    if (expect(msg, GAA_CMD_MA, GAA_APP_ZH, FALSE, error) && cx__parse_common(msg, &out->common, FALSE, error) &&
        cx__parse_result(msg, &out->result, error) &&
        cx__get_str(msg, NULL, DIAMETER_AVP_USER_NAME, 0, FALSE, &out->user_name, error) &&
        (!item || cx__parse_auth_item(msg, item, &out->item, error)) &&
        cx__get_str(msg, NULL, GAA_AVP_GBA_USERSECSETTINGS, V3, FALSE, &out->guss, error))
        return TRUE;
    gaa_zh_maa_clear(out);
    return FALSE;
}

void gaa_zh_maa_clear(GaaZhMaa *m)
{
    cx__common_clear(&m->common);
    g_free(m->user_name);
    g_free(m->guss);
    cx_auth_data_item_clear(&m->item);
    memset(m, 0, sizeof *m);
}

/* ---- Zn BIR / BIA (TS 29.109 §5.2) ---------------------------------------------------------- */

GBytes *gaa_zn_bir_build(const GaaZnBir *m, GError **error)
{
    if (!cx__need(m->transaction_identifier, "Transaction-Identifier", error))
        return NULL;
    if (m->naf_id_len == 0 || m->naf_id_len > sizeof m->naf_id) {
        g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_MISSING_AVP, "NAF-Id of %zu bytes",
                    m->naf_id_len);
        return NULL;
    }
    if (m->has_gaa_service_identifier && m->gaa_service_identifier > GSID_MAX) {
        g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_AVP_VALUE, "GSID %u above %u",
                    m->gaa_service_identifier, GSID_MAX);
        return NULL;
    }
    DiameterBuilder *b = cx__begin_request(&m->common, GAA_CMD_BI, GAA_APP_ZN, ZN_HEAD, error);
    if (!b)
        return NULL;
    if (m->has_gaa_service_identifier) {
        char gsid[12];
        int n = g_snprintf(gsid, sizeof gsid, "%u", m->gaa_service_identifier);
        diameter_builder_add_octets(b, GAA_AVP_GAA_SERVICE_IDENTIFIER, V3, gsid, (size_t)n);
    }
    diameter_builder_add_string(b, GAA_AVP_TRANSACTION_IDENTIFIER, V3, m->transaction_identifier);
    diameter_builder_add_octets(b, GAA_AVP_NAF_ID, V3, m->naf_id, m->naf_id_len);
    if (m->has_gba_u_awareness)
        diameter_builder_add_u32(b, GAA_AVP_GBA_U_AWARENESS_INDICATOR, V3, m->gba_u_awareness);
    return cx__finish(b, error);
}

gboolean gaa_zn_bir_parse(const DiameterMsg *msg, GaaZnBir *out, GError **error)
{
    memset(out, 0, sizeof *out);
    const DiameterAvp *naf = diameter_msg_find(msg, NULL, GAA_AVP_NAF_ID, V3);
    const DiameterAvp *gsid = diameter_msg_find(msg, NULL, GAA_AVP_GAA_SERVICE_IDENTIFIER, V3);
    if (!expect(msg, GAA_CMD_BI, GAA_APP_ZN, TRUE, error) || !cx__parse_common(msg, &out->common, TRUE, error) ||
        !cx__get_str(msg, NULL, GAA_AVP_TRANSACTION_IDENTIFIER, V3, TRUE, &out->transaction_identifier, error) ||
        (!naf && !cx__missing(GAA_AVP_NAF_ID, V3, error)) ||
        !cx__get_u32(msg, NULL, GAA_AVP_GBA_U_AWARENESS_INDICATOR, V3, FALSE, &out->gba_u_awareness,
                     &out->has_gba_u_awareness, error))
        goto fail;
    if (naf->len == 0) {
        g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_AVP_VALUE, "NAF-Id(402) empty");
        goto fail;
    }
    if (!cx__get_octets(naf, out->naf_id, sizeof out->naf_id, FALSE, &out->naf_id_len, error))
        goto fail;
    /* *[ GAA-Service-Identifier ]: the first is kept (one service per NAF in presim) */
    if (gsid) {
        if (!parse_gsid(gsid, &out->gaa_service_identifier, error))
            goto fail;
        out->has_gaa_service_identifier = TRUE;
    }
    return TRUE;
fail:
    gaa_zn_bir_clear(out);
    return FALSE;
}

void gaa_zn_bir_clear(GaaZnBir *m)
{
    cx__common_clear(&m->common);
    g_free(m->transaction_identifier);
    memset(m, 0, sizeof *m);
}

GBytes *gaa_zn_bia_build(const GaaZnBia *m, GError **error)
{
    DiameterBuilder *b = cx__begin_answer(&m->common, &m->result, GAA_CMD_BI, GAA_APP_ZN, ZN_HEAD, error);
    if (!b)
        return NULL;
    cx__add_opt_string(b, DIAMETER_AVP_USER_NAME, 0, m->user_name);
    if (m->has_me_key)
        diameter_builder_add_octets(b, GAA_AVP_ME_KEY_MATERIAL, V3, m->me_key, sizeof m->me_key);
    if (m->has_key_expiry_time)
        add_time(b, GAA_AVP_KEY_EXPIRYTIME, m->key_expiry_time);
    if (m->has_bootstrap_time)
        add_time(b, GAA_AVP_BOOTSTRAPINFOCREATIONTIME, m->bootstrap_time);
    if (m->guss)
        diameter_builder_add_string(b, GAA_AVP_GBA_USERSECSETTINGS, V3, m->guss);
    if (m->has_gba_type)
        diameter_builder_add_u32(b, GAA_AVP_GBA_TYPE, V3, m->gba_type);
    return cx__finish(b, error);
}

gboolean gaa_zn_bia_parse(const DiameterMsg *msg, GaaZnBia *out, GError **error)
{
    memset(out, 0, sizeof *out);
    const DiameterAvp *key = diameter_msg_find(msg, NULL, GAA_AVP_ME_KEY_MATERIAL, V3);
    size_t n = 0;
    if (!expect(msg, GAA_CMD_BI, GAA_APP_ZN, FALSE, error) || !cx__parse_common(msg, &out->common, FALSE, error) ||
        !cx__parse_result(msg, &out->result, error) ||
        !cx__get_str(msg, NULL, DIAMETER_AVP_USER_NAME, 0, FALSE, &out->user_name, error) ||
        (key && !cx__get_octets(key, out->me_key, sizeof out->me_key, TRUE, &n, error)) ||
        !get_time(msg, GAA_AVP_KEY_EXPIRYTIME, &out->key_expiry_time, &out->has_key_expiry_time, error) ||
        !get_time(msg, GAA_AVP_BOOTSTRAPINFOCREATIONTIME, &out->bootstrap_time, &out->has_bootstrap_time, error) ||
        !cx__get_str(msg, NULL, GAA_AVP_GBA_USERSECSETTINGS, V3, FALSE, &out->guss, error) ||
        !cx__get_u32(msg, NULL, GAA_AVP_GBA_TYPE, V3, FALSE, &out->gba_type, &out->has_gba_type, error)) {
        gaa_zn_bia_clear(out);
        return FALSE;
    }
    out->has_me_key = key != NULL;
    return TRUE;
}

void gaa_zn_bia_clear(GaaZnBia *m)
{
    cx__common_clear(&m->common);
    g_free(m->user_name);
    g_free(m->guss);
    OPENSSL_cleanse(m, sizeof *m); /* Ks_NAF is a secret */
}
