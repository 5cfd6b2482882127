/* gaa.c: Zh and Zn message builders and parsers (TS 29.109 §4.2, §5.2). See gaa.h.
 *
 * Sections: shared builder steps (preamble, results, SIP-Auth-Data-Item); shared parser steps;
 * then Zh MAR/MAA and Zn BIR/BIA. The SIP-Auth-Data-Item is the Cx one (TS 29.229 §6.3.13): the
 * same AVPs in the same order, so a Zh answer carries the vector exactly as a Cx MAA would. */
#include "protocols/diameter/gaa.h"
#include <openssl/crypto.h>
#include <string.h>

#define V3 DIAMETER_VENDOR_3GPP
#define GSID_MAX 999999u /* TS 29.109 §6.3.1: GSIDs of 3GPP services are 0..999999 */

/* ---- building ------------------------------------------------------------------------------- */

static gboolean need(const char *value, const char *what, GError **error)
{
    if (value)
        return TRUE;
    g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_MISSING_AVP, "%s is required", what);
    return FALSE;
}

static void add_opt_string(DiameterBuilder *b, uint32_t code, uint32_t vendor, const char *s)
{
    if (s)
        diameter_builder_add_string(b, code, vendor, s);
}

static void add_app_id(DiameterBuilder *b, uint32_t app)
{
    diameter_builder_group_begin(b, DIAMETER_AVP_VENDOR_SPECIFIC_APPLICATION_ID, 0);
    diameter_builder_add_u32(b, DIAMETER_AVP_VENDOR_ID, 0, V3);
    diameter_builder_add_u32(b, DIAMETER_AVP_AUTH_APPLICATION_ID, 0, app);
    diameter_builder_group_end(b);
}

static void add_origin(DiameterBuilder *b, const CxCommon *c)
{
    diameter_builder_add_string(b, DIAMETER_AVP_ORIGIN_HOST, 0, c->origin_host);
    diameter_builder_add_string(b, DIAMETER_AVP_ORIGIN_REALM, 0, c->origin_realm);
}

/* Header, Session-Id, Vendor-Specific-Application-Id, [Auth-Session-State] (Zh only: the Zn ABNF
 * of §5.2 has none), Origin-Host/-Realm, Destination-Realm, [Destination-Host]. */
static DiameterBuilder *begin_request(const CxCommon *c, uint32_t command, uint32_t app, GError **error)
{
    if (!need(c->session_id, "Session-Id", error) || !need(c->origin_host, "Origin-Host", error) ||
        !need(c->origin_realm, "Origin-Realm", error) || !need(c->destination_realm, "Destination-Realm", error))
        return NULL;
    DiameterBuilder *b = diameter_builder_new(DIAMETER_FLAG_REQUEST | DIAMETER_FLAG_PROXIABLE, command, app,
                                              c->hop_by_hop, c->end_to_end);
    diameter_builder_add_string(b, DIAMETER_AVP_SESSION_ID, 0, c->session_id);
    add_app_id(b, app);
    if (app == GAA_APP_ZH)
        diameter_builder_add_u32(b, DIAMETER_AVP_AUTH_SESSION_STATE, 0, DIAMETER_NO_STATE_MAINTAINED);
    add_origin(b, c);
    diameter_builder_add_string(b, DIAMETER_AVP_DESTINATION_REALM, 0, c->destination_realm);
    add_opt_string(b, DIAMETER_AVP_DESTINATION_HOST, 0, c->destination_host);
    return b;
}

/* Header, Session-Id, Vendor-Specific-Application-Id, Result-Code or Experimental-Result,
 * [Auth-Session-State] (Zh), Origin-Host/-Realm: the head of both answers' ABNF. */
static DiameterBuilder *begin_answer(const CxCommon *c, const CxResult *r, uint32_t command, uint32_t app,
                                     GError **error)
{
    if (!need(c->session_id, "Session-Id", error) || !need(c->origin_host, "Origin-Host", error) ||
        !need(c->origin_realm, "Origin-Realm", error))
        return NULL;
    uint8_t flags = DIAMETER_FLAG_PROXIABLE;
    if (r->vendor == 0 && r->code >= 3000 && r->code < 4000)
        flags |= DIAMETER_FLAG_ERROR; /* RFC 6733 §7.1.3 */
    DiameterBuilder *b = diameter_builder_new(flags, command, app, c->hop_by_hop, c->end_to_end);
    diameter_builder_add_string(b, DIAMETER_AVP_SESSION_ID, 0, c->session_id);
    add_app_id(b, app);
    if (r->vendor == 0) {
        diameter_builder_add_u32(b, DIAMETER_AVP_RESULT_CODE, 0, r->code);
    } else {
        diameter_builder_group_begin(b, DIAMETER_AVP_EXPERIMENTAL_RESULT, 0);
        diameter_builder_add_u32(b, DIAMETER_AVP_VENDOR_ID, 0, r->vendor);
        diameter_builder_add_u32(b, DIAMETER_AVP_EXPERIMENTAL_RESULT_CODE, 0, r->code);
        diameter_builder_group_end(b);
    }
    if (app == GAA_APP_ZH)
        diameter_builder_add_u32(b, DIAMETER_AVP_AUTH_SESSION_STATE, 0, DIAMETER_NO_STATE_MAINTAINED);
    add_origin(b, c);
    return b;
}

static GBytes *finish(DiameterBuilder *b, GError **error)
{
    GBytes *out = diameter_builder_finish(b, error);
    diameter_builder_free(b);
    return out;
}

/* SIP-Auth-Data-Item in the TS 29.229 §6.3.13 order. */
static void add_auth_item(DiameterBuilder *b, const CxAuthDataItem *it)
{
    diameter_builder_group_begin(b, TGPP_AVP_SIP_AUTH_DATA_ITEM, V3);
    if (it->has_item_number)
        diameter_builder_add_u32(b, TGPP_AVP_SIP_ITEM_NUMBER, V3, it->item_number);
    add_opt_string(b, TGPP_AVP_SIP_AUTHENTICATION_SCHEME, V3, it->scheme);
    if (it->authenticate_len)
        diameter_builder_add_octets(b, TGPP_AVP_SIP_AUTHENTICATE, V3, it->authenticate,
                                    MIN(it->authenticate_len, (size_t)CX_AUTH_MAX));
    if (it->authorization_len)
        diameter_builder_add_octets(b, TGPP_AVP_SIP_AUTHORIZATION, V3, it->authorization,
                                    MIN(it->authorization_len, (size_t)CX_AUTH_MAX));
    if (it->has_ck)
        diameter_builder_add_octets(b, TGPP_AVP_CONFIDENTIALITY_KEY, V3, it->ck, CX_KEY_LEN);
    if (it->has_ik)
        diameter_builder_add_octets(b, TGPP_AVP_INTEGRITY_KEY, V3, it->ik, CX_KEY_LEN);
    diameter_builder_group_end(b);
}

/* Time (RFC 6733 §4.3.1): the 32-bit NTP seconds; after 2036 the value wraps, as NTP's does. */
static void add_time(DiameterBuilder *b, uint32_t code, uint64_t t)
{
    diameter_builder_add_u32(b, code, V3, (uint32_t)(t & 0xffffffffu));
}

/* ---- parsing -------------------------------------------------------------------------------- */

static const char *name_of(uint32_t code, uint32_t vendor)
{
    const DiameterDictAvp *d = diameter_dict_avp(code, vendor);
    return d ? d->name : "AVP";
}

static gboolean expect(const DiameterMsg *msg, uint32_t command, uint32_t app, gboolean request, GError **error)
{
    const DiameterHeader *h = diameter_msg_header(msg);
    gboolean is_req = (h->flags & DIAMETER_FLAG_REQUEST) != 0;
    if (h->command == command && h->app_id == app && is_req == request)
        return TRUE;
    g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_UNEXPECTED,
                "expected %s command %u %s, got command %u %s of application %u", app == GAA_APP_ZH ? "Zh" : "Zn",
                command, request ? "request" : "answer", h->command, is_req ? "request" : "answer", h->app_id);
    return FALSE;
}

static gboolean missing(uint32_t code, uint32_t vendor, GError **error)
{
    g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_MISSING_AVP, "%s(%u) missing",
                name_of(code, vendor), code);
    return FALSE;
}

/* A UTF-8 string AVP (or an OctetString that must hold text: B-TID, GUSS XML) under GROUP (NULL:
 * top level) into *OUT (NULL when absent and not REQUIRED). */
static gboolean get_str(const DiameterMsg *msg, const DiameterAvp *group, uint32_t code, uint32_t vendor,
                        gboolean required, char **out, GError **error)
{
    const DiameterAvp *a = diameter_msg_find(msg, group, code, vendor);
    *out = NULL;
    if (!a)
        return required ? missing(code, vendor, error) : TRUE;
    *out = diameter_avp_dup_string(a);
    if (*out)
        return TRUE;
    g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_AVP_VALUE, "%s(%u): not UTF-8 text",
                name_of(code, vendor), code);
    return FALSE;
}

/* An Unsigned32 / Enumerated / Time AVP; *PRESENT (may be NULL) tells whether it was there. */
static gboolean get_u32(const DiameterMsg *msg, const DiameterAvp *group, uint32_t code, uint32_t vendor,
                        gboolean required, uint32_t *out, gboolean *present, GError **error)
{
    const DiameterAvp *a = diameter_msg_find(msg, group, code, vendor);
    if (present)
        *present = a != NULL;
    if (!a)
        return required ? missing(code, vendor, error) : TRUE;
    if (diameter_avp_get_u32(a, out))
        return TRUE;
    g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_AVP_LENGTH, "%s(%u): not 4 bytes",
                name_of(code, vendor), code);
    return FALSE;
}

static gboolean get_time(const DiameterMsg *msg, uint32_t code, uint64_t *out, gboolean *present, GError **error)
{
    uint32_t v = 0;
    if (!get_u32(msg, NULL, code, V3, FALSE, &v, present, error))
        return FALSE;
    *out = v;
    return TRUE;
}

/* Copies an OctetString of at most MAX bytes (EXACT: exactly MAX) into BUF. */
static gboolean get_octets(const DiameterAvp *a, uint8_t *buf, size_t max, gboolean exact, size_t *len,
                           GError **error)
{
    if (a->len > max || (exact && a->len != max)) {
        g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_AVP_VALUE, "%s(%u): %u bytes (%s %zu)",
                    name_of(a->code, a->vendor), a->code, a->len, exact ? "want" : "at most", max);
        return FALSE;
    }
    memcpy(buf, a->data, a->len);
    *len = a->len;
    return TRUE;
}

static gboolean parse_common(const DiameterMsg *msg, CxCommon *c, gboolean request, GError **error)
{
    const DiameterHeader *h = diameter_msg_header(msg);
    c->hop_by_hop = h->hop_by_hop;
    c->end_to_end = h->end_to_end;
    if (!get_str(msg, NULL, DIAMETER_AVP_SESSION_ID, 0, TRUE, &c->session_id, error) ||
        !get_str(msg, NULL, DIAMETER_AVP_ORIGIN_HOST, 0, TRUE, &c->origin_host, error) ||
        !get_str(msg, NULL, DIAMETER_AVP_ORIGIN_REALM, 0, TRUE, &c->origin_realm, error))
        return FALSE;
    if (!request)
        return TRUE;
    return get_str(msg, NULL, DIAMETER_AVP_DESTINATION_HOST, 0, FALSE, &c->destination_host, error) &&
           get_str(msg, NULL, DIAMETER_AVP_DESTINATION_REALM, 0, TRUE, &c->destination_realm, error);
}

static void common_clear(CxCommon *c)
{
    g_free(c->session_id);
    g_free(c->origin_host);
    g_free(c->origin_realm);
    g_free(c->destination_host);
    g_free(c->destination_realm);
}

static gboolean parse_result(const DiameterMsg *msg, CxResult *r, GError **error)
{
    const DiameterAvp *er = diameter_msg_find(msg, NULL, DIAMETER_AVP_EXPERIMENTAL_RESULT, 0);
    if (diameter_msg_find(msg, NULL, DIAMETER_AVP_RESULT_CODE, 0)) {
        r->vendor = 0;
        return get_u32(msg, NULL, DIAMETER_AVP_RESULT_CODE, 0, TRUE, &r->code, NULL, error);
    }
    if (!er) {
        g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_MISSING_AVP,
                    "neither Result-Code nor Experimental-Result present");
        return FALSE;
    }
    return get_u32(msg, er, DIAMETER_AVP_VENDOR_ID, 0, TRUE, &r->vendor, NULL, error) &&
           get_u32(msg, er, DIAMETER_AVP_EXPERIMENTAL_RESULT_CODE, 0, TRUE, &r->code, NULL, error);
}

static gboolean parse_auth_item(const DiameterMsg *msg, const DiameterAvp *g, CxAuthDataItem *it, GError **error)
{
    if (!get_u32(msg, g, TGPP_AVP_SIP_ITEM_NUMBER, V3, FALSE, &it->item_number, &it->has_item_number, error) ||
        !get_str(msg, g, TGPP_AVP_SIP_AUTHENTICATION_SCHEME, V3, FALSE, &it->scheme, error))
        return FALSE;
    const DiameterAvp *a;
    size_t n;
    if ((a = diameter_msg_find(msg, g, TGPP_AVP_SIP_AUTHENTICATE, V3)) &&
        !get_octets(a, it->authenticate, CX_AUTH_MAX, FALSE, &it->authenticate_len, error))
        return FALSE;
    if ((a = diameter_msg_find(msg, g, TGPP_AVP_SIP_AUTHORIZATION, V3)) &&
        !get_octets(a, it->authorization, CX_AUTH_MAX, FALSE, &it->authorization_len, error))
        return FALSE;
    if ((a = diameter_msg_find(msg, g, TGPP_AVP_CONFIDENTIALITY_KEY, V3))) {
        if (!get_octets(a, it->ck, CX_KEY_LEN, TRUE, &n, error))
            return FALSE;
        it->has_ck = TRUE;
    }
    if ((a = diameter_msg_find(msg, g, TGPP_AVP_INTEGRITY_KEY, V3))) {
        if (!get_octets(a, it->ik, CX_KEY_LEN, TRUE, &n, error))
            return FALSE;
        it->has_ik = TRUE;
    }
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
    DiameterBuilder *b = begin_request(&m->common, GAA_CMD_MA, GAA_APP_ZH, error);
    if (!b)
        return NULL;
    add_opt_string(b, DIAMETER_AVP_USER_NAME, 0, m->user_name);
    add_opt_string(b, TGPP_AVP_PUBLIC_IDENTITY, V3, m->public_identity);
    if (m->item.scheme || m->item.authorization_len) /* "Authentication Scheme, Synchronization Failure" */
        add_auth_item(b, &m->item);
    return finish(b, error);
}

gboolean gaa_zh_mar_parse(const DiameterMsg *msg, GaaZhMar *out, GError **error)
{
    memset(out, 0, sizeof *out);
    const DiameterAvp *item = diameter_msg_find(msg, NULL, TGPP_AVP_SIP_AUTH_DATA_ITEM, V3);
    if (!expect(msg, GAA_CMD_MA, GAA_APP_ZH, TRUE, error) || !parse_common(msg, &out->common, TRUE, error) ||
        !get_str(msg, NULL, DIAMETER_AVP_USER_NAME, 0, FALSE, &out->user_name, error) ||
        !get_str(msg, NULL, TGPP_AVP_PUBLIC_IDENTITY, V3, FALSE, &out->public_identity, error) ||
        (item && !parse_auth_item(msg, item, &out->item, error)))
        goto fail;
    if (!out->user_name && !out->public_identity) { /* nobody to authenticate */
        missing(DIAMETER_AVP_USER_NAME, 0, error);
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
    common_clear(&m->common);
    g_free(m->user_name);
    g_free(m->public_identity);
    cx_auth_data_item_clear(&m->item);
    memset(m, 0, sizeof *m);
}

GBytes *gaa_zh_maa_build(const GaaZhMaa *m, GError **error)
{
    DiameterBuilder *b = begin_answer(&m->common, &m->result, GAA_CMD_MA, GAA_APP_ZH, error);
    if (!b)
        return NULL;
    add_opt_string(b, DIAMETER_AVP_USER_NAME, 0, m->user_name);
    if (m->has_item)
        add_auth_item(b, &m->item);
    if (m->guss)
        diameter_builder_add_string(b, GAA_AVP_GBA_USERSECSETTINGS, V3, m->guss);
    return finish(b, error);
}

gboolean gaa_zh_maa_parse(const DiameterMsg *msg, GaaZhMaa *out, GError **error)
{
    memset(out, 0, sizeof *out);
    const DiameterAvp *item = diameter_msg_find(msg, NULL, TGPP_AVP_SIP_AUTH_DATA_ITEM, V3);
    out->has_item = item != NULL;
    if (expect(msg, GAA_CMD_MA, GAA_APP_ZH, FALSE, error) && parse_common(msg, &out->common, FALSE, error) &&
        parse_result(msg, &out->result, error) &&
        get_str(msg, NULL, DIAMETER_AVP_USER_NAME, 0, FALSE, &out->user_name, error) &&
        (!item || parse_auth_item(msg, item, &out->item, error)) &&
        get_str(msg, NULL, GAA_AVP_GBA_USERSECSETTINGS, V3, FALSE, &out->guss, error))
        return TRUE;
    gaa_zh_maa_clear(out);
    return FALSE;
}

void gaa_zh_maa_clear(GaaZhMaa *m)
{
    common_clear(&m->common);
    g_free(m->user_name);
    g_free(m->guss);
    cx_auth_data_item_clear(&m->item);
    memset(m, 0, sizeof *m);
}

/* ---- Zn BIR / BIA (TS 29.109 §5.2) ---------------------------------------------------------- */

GBytes *gaa_zn_bir_build(const GaaZnBir *m, GError **error)
{
    if (!need(m->transaction_identifier, "Transaction-Identifier", error))
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
    DiameterBuilder *b = begin_request(&m->common, GAA_CMD_BI, GAA_APP_ZN, error);
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
    return finish(b, error);
}

gboolean gaa_zn_bir_parse(const DiameterMsg *msg, GaaZnBir *out, GError **error)
{
    memset(out, 0, sizeof *out);
    const DiameterAvp *naf = diameter_msg_find(msg, NULL, GAA_AVP_NAF_ID, V3);
    const DiameterAvp *gsid = diameter_msg_find(msg, NULL, GAA_AVP_GAA_SERVICE_IDENTIFIER, V3);
    if (!expect(msg, GAA_CMD_BI, GAA_APP_ZN, TRUE, error) || !parse_common(msg, &out->common, TRUE, error) ||
        !get_str(msg, NULL, GAA_AVP_TRANSACTION_IDENTIFIER, V3, TRUE, &out->transaction_identifier, error) ||
        (!naf && !missing(GAA_AVP_NAF_ID, V3, error)) ||
        !get_u32(msg, NULL, GAA_AVP_GBA_U_AWARENESS_INDICATOR, V3, FALSE, &out->gba_u_awareness,
                 &out->has_gba_u_awareness, error))
        goto fail;
    if (naf->len == 0) {
        g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_AVP_VALUE, "NAF-Id(402) empty");
        goto fail;
    }
    if (!get_octets(naf, out->naf_id, sizeof out->naf_id, FALSE, &out->naf_id_len, error))
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
    common_clear(&m->common);
    g_free(m->transaction_identifier);
    memset(m, 0, sizeof *m);
}

GBytes *gaa_zn_bia_build(const GaaZnBia *m, GError **error)
{
    DiameterBuilder *b = begin_answer(&m->common, &m->result, GAA_CMD_BI, GAA_APP_ZN, error);
    if (!b)
        return NULL;
    add_opt_string(b, DIAMETER_AVP_USER_NAME, 0, m->user_name);
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
    return finish(b, error);
}

gboolean gaa_zn_bia_parse(const DiameterMsg *msg, GaaZnBia *out, GError **error)
{
    memset(out, 0, sizeof *out);
    const DiameterAvp *key = diameter_msg_find(msg, NULL, GAA_AVP_ME_KEY_MATERIAL, V3);
    size_t n = 0;
    if (!expect(msg, GAA_CMD_BI, GAA_APP_ZN, FALSE, error) || !parse_common(msg, &out->common, FALSE, error) ||
        !parse_result(msg, &out->result, error) ||
        !get_str(msg, NULL, DIAMETER_AVP_USER_NAME, 0, FALSE, &out->user_name, error) ||
        (key && !get_octets(key, out->me_key, sizeof out->me_key, TRUE, &n, error)) ||
        !get_time(msg, GAA_AVP_KEY_EXPIRYTIME, &out->key_expiry_time, &out->has_key_expiry_time, error) ||
        !get_time(msg, GAA_AVP_BOOTSTRAPINFOCREATIONTIME, &out->bootstrap_time, &out->has_bootstrap_time, error) ||
        !get_str(msg, NULL, GAA_AVP_GBA_USERSECSETTINGS, V3, FALSE, &out->guss, error) ||
        !get_u32(msg, NULL, GAA_AVP_GBA_TYPE, V3, FALSE, &out->gba_type, &out->has_gba_type, error)) {
        gaa_zn_bia_clear(out);
        return FALSE;
    }
    out->has_me_key = key != NULL;
    return TRUE;
}

void gaa_zn_bia_clear(GaaZnBia *m)
{
    common_clear(&m->common);
    g_free(m->user_name);
    g_free(m->guss);
    OPENSSL_cleanse(m, sizeof *m); /* Ks_NAF is a secret */
}
