/* cx.c: Cx message builders and parsers (TS 29.229 §6.1). See cx.h.
 *
 * Sections: the Cx builder and parser steps (heads, Server-Capabilities); then one builder, parser
 * and clear per command. The steps Cx shares with Zh/Zn (heads, results, typed AVP reads,
 * SIP-Auth-Data-Item) are in cx-common.c (cx-private.h). */
#include "protocols/diameter/cx-private.h"
#include <openssl/crypto.h>
#include <string.h>

#define V3 DIAMETER_VENDOR_3GPP

gboolean cx_result_is_success(const CxResult *r)
{
    return r->code >= 2000 && r->code < 3000;
}

/* ---- building ------------------------------------------------------------------------------- */

/* The Cx head (TS 29.229 §6.1): Auth-Session-State NO_STATE_MAINTAINED in every message, and
 * [ Destination-Host ] before { Destination-Realm } in requests. */
static DiameterBuilder *begin_request(const CxCommon *c, uint32_t command, GError **error)
{
    return cx__begin_request(c, command, DIAMETER_APP_CX, CX__HEAD_SESSION_STATE, error);
}

static DiameterBuilder *begin_answer(const CxCommon *c, const CxResult *r, uint32_t command, GError **error)
{
    return cx__begin_answer(c, r, command, DIAMETER_APP_CX, CX__HEAD_SESSION_STATE, error);
}

static void add_capabilities(DiameterBuilder *b, gboolean has, const CxServerCapabilities *sc)
{
    if (!has)
        return;
    diameter_builder_group_begin(b, TGPP_AVP_SERVER_CAPABILITIES, V3); /* §6.3.4 */
    for (guint i = 0; i < MIN(sc->n_mandatory, CX_MAX_CAPABILITIES); i++)
        diameter_builder_add_u32(b, TGPP_AVP_MANDATORY_CAPABILITY, V3, sc->mandatory[i]);
    for (guint i = 0; i < MIN(sc->n_optional, CX_MAX_CAPABILITIES); i++)
        diameter_builder_add_u32(b, TGPP_AVP_OPTIONAL_CAPABILITY, V3, sc->optional[i]);
    for (guint i = 0; i < MIN(sc->n_server_names, CX_MAX_CAPABILITIES); i++)
        cx__add_opt_string(b, TGPP_AVP_SERVER_NAME, V3, sc->server_names[i]);
    diameter_builder_group_end(b);
}

/* ---- parsing -------------------------------------------------------------------------------- */

static gboolean expect(const DiameterMsg *msg, uint32_t command, gboolean request, GError **error)
{
    return cx__expect(msg, "Cx", command, DIAMETER_APP_CX, request, error);
}

static gboolean too_many(const DiameterAvp *a, GError **error)
{
    g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_AVP_VALUE, "more than %d %s AVPs",
                CX_MAX_CAPABILITIES, cx__avp_name(a->code, a->vendor));
    return FALSE;
}

static gboolean parse_capabilities(const DiameterMsg *msg, gboolean *has, CxServerCapabilities *sc, GError **error)
{
    const DiameterAvp *g = diameter_msg_find(msg, NULL, TGPP_AVP_SERVER_CAPABILITIES, V3);
    *has = g != NULL;
    for (const DiameterAvp *a = g ? diameter_avp_first_child(msg, g) : NULL; a; a = diameter_avp_next(msg, a)) {
        if (a->vendor != V3)
            continue;
        if (a->code == TGPP_AVP_MANDATORY_CAPABILITY || a->code == TGPP_AVP_OPTIONAL_CAPABILITY) {
            gboolean mand = a->code == TGPP_AVP_MANDATORY_CAPABILITY;
            guint *n = mand ? &sc->n_mandatory : &sc->n_optional;
            if (*n == CX_MAX_CAPABILITIES)
                return too_many(a, error);
            if (!diameter_avp_get_u32(a, mand ? &sc->mandatory[*n] : &sc->optional[*n]))
                return FALSE; /* unreachable: the codec checked the length */
            (*n)++;
        } else if (a->code == TGPP_AVP_SERVER_NAME) {
            if (sc->n_server_names == CX_MAX_CAPABILITIES)
                return too_many(a, error);
            char *s = diameter_avp_dup_string(a);
            if (!s) {
                g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_AVP_VALUE,
                            "Server-Name(602) in Server-Capabilities: not UTF-8 text");
                return FALSE;
            }
            sc->server_names[sc->n_server_names++] = s;
        }
    }
    return TRUE;
}

static void capabilities_clear(CxServerCapabilities *sc)
{
    for (guint i = 0; i < sc->n_server_names; i++)
        g_free(sc->server_names[i]);
}

void cx_auth_data_item_clear(CxAuthDataItem *it)
{
    g_free(it->scheme);
    OPENSSL_cleanse(it, sizeof *it); /* XRES, CK and IK are secrets */
}

/* ---- UAR / UAA (§6.1.1, §6.1.2) ------------------------------------------------------------- */

GBytes *cx_uar_build(const CxUar *m, GError **error)
{
    if (!cx__need(m->user_name, "User-Name", error) || !cx__need(m->public_identity, "Public-Identity", error) ||
        !cx__need(m->visited_network_id, "Visited-Network-Identifier", error))
        return NULL;
    DiameterBuilder *b = begin_request(&m->common, CX_CMD_USER_AUTHORIZATION, error);
    if (!b)
        return NULL;
    diameter_builder_add_string(b, DIAMETER_AVP_USER_NAME, 0, m->user_name);
    diameter_builder_add_string(b, TGPP_AVP_PUBLIC_IDENTITY, V3, m->public_identity);
    diameter_builder_add_string(b, TGPP_AVP_VISITED_NETWORK_IDENTIFIER, V3, m->visited_network_id);
    diameter_builder_add_u32(b, TGPP_AVP_USER_AUTHORIZATION_TYPE, V3, m->user_authorization_type);
    return cx__finish(b, error);
}

gboolean cx_uar_parse(const DiameterMsg *msg, CxUar *out, GError **error)
{
    memset(out, 0, sizeof *out);
    out->user_authorization_type = CX_UAT_REGISTRATION; /* §6.3.24: the default when absent */
    if (expect(msg, CX_CMD_USER_AUTHORIZATION, TRUE, error) && cx__parse_common(msg, &out->common, TRUE, error) &&
        cx__get_str(msg, NULL, DIAMETER_AVP_USER_NAME, 0, TRUE, &out->user_name, error) &&
        cx__get_str(msg, NULL, TGPP_AVP_PUBLIC_IDENTITY, V3, TRUE, &out->public_identity, error) &&
        cx__get_str(msg, NULL, TGPP_AVP_VISITED_NETWORK_IDENTIFIER, V3, TRUE, &out->visited_network_id, error) &&
        cx__get_u32(msg, NULL, TGPP_AVP_USER_AUTHORIZATION_TYPE, V3, FALSE, &out->user_authorization_type, NULL, error))
        return TRUE;
    cx_uar_clear(out);
    return FALSE;
}

void cx_uar_clear(CxUar *m)
{
    cx__common_clear(&m->common);
    g_free(m->user_name);
    g_free(m->public_identity);
    g_free(m->visited_network_id);
    memset(m, 0, sizeof *m);
}

GBytes *cx_uaa_build(const CxUaa *m, GError **error)
{
    DiameterBuilder *b = begin_answer(&m->common, &m->result, CX_CMD_USER_AUTHORIZATION, error);
    if (!b)
        return NULL;
    cx__add_opt_string(b, TGPP_AVP_SERVER_NAME, V3, m->server_name);
    add_capabilities(b, m->has_server_capabilities, &m->server_capabilities);
    return cx__finish(b, error);
}

gboolean cx_uaa_parse(const DiameterMsg *msg, CxUaa *out, GError **error)
{
    memset(out, 0, sizeof *out);
    if (expect(msg, CX_CMD_USER_AUTHORIZATION, FALSE, error) && cx__parse_common(msg, &out->common, FALSE, error) &&
        cx__parse_result(msg, &out->result, error) &&
        cx__get_str(msg, NULL, TGPP_AVP_SERVER_NAME, V3, FALSE, &out->server_name, error) &&
        parse_capabilities(msg, &out->has_server_capabilities, &out->server_capabilities, error))
        return TRUE;
    cx_uaa_clear(out);
    return FALSE;
}

void cx_uaa_clear(CxUaa *m)
{
    cx__common_clear(&m->common);
    g_free(m->server_name);
    capabilities_clear(&m->server_capabilities);
    memset(m, 0, sizeof *m);
}

/* ---- MAR / MAA (§6.1.7, §6.1.8) ------------------------------------------------------------- */

GBytes *cx_mar_build(const CxMar *m, GError **error)
{
    if (!cx__need(m->user_name, "User-Name", error) || !cx__need(m->public_identity, "Public-Identity", error) ||
        !cx__need(m->server_name, "Server-Name", error))
        return NULL;
    DiameterBuilder *b = begin_request(&m->common, CX_CMD_MULTIMEDIA_AUTH, error);
    if (!b)
        return NULL;
    diameter_builder_add_string(b, DIAMETER_AVP_USER_NAME, 0, m->user_name);
    diameter_builder_add_string(b, TGPP_AVP_PUBLIC_IDENTITY, V3, m->public_identity);
    cx__add_auth_item(b, &m->item);
    diameter_builder_add_u32(b, TGPP_AVP_SIP_NUMBER_AUTH_ITEMS, V3, m->number_auth_items);
    diameter_builder_add_string(b, TGPP_AVP_SERVER_NAME, V3, m->server_name);
    return cx__finish(b, error);
}

gboolean cx_mar_parse(const DiameterMsg *msg, CxMar *out, GError **error)
{
    memset(out, 0, sizeof *out);
    const DiameterAvp *item = diameter_msg_find(msg, NULL, TGPP_AVP_SIP_AUTH_DATA_ITEM, V3);
    if (expect(msg, CX_CMD_MULTIMEDIA_AUTH, TRUE, error) && cx__parse_common(msg, &out->common, TRUE, error) &&
        cx__get_str(msg, NULL, DIAMETER_AVP_USER_NAME, 0, TRUE, &out->user_name, error) &&
        cx__get_str(msg, NULL, TGPP_AVP_PUBLIC_IDENTITY, V3, TRUE, &out->public_identity, error) &&
        (item || cx__missing(TGPP_AVP_SIP_AUTH_DATA_ITEM, V3, error)) &&
        cx__parse_auth_item(msg, item, &out->item, error) &&
        cx__get_u32(msg, NULL, TGPP_AVP_SIP_NUMBER_AUTH_ITEMS, V3, TRUE, &out->number_auth_items, NULL, error) &&
        cx__get_str(msg, NULL, TGPP_AVP_SERVER_NAME, V3, TRUE, &out->server_name, error))
        return TRUE;
    cx_mar_clear(out);
    return FALSE;
}

void cx_mar_clear(CxMar *m)
{
    cx__common_clear(&m->common);
    g_free(m->user_name);
    g_free(m->public_identity);
    g_free(m->server_name);
    cx_auth_data_item_clear(&m->item);
    memset(m, 0, sizeof *m);
}

GBytes *cx_maa_build(const CxMaa *m, GError **error)
{
    DiameterBuilder *b = begin_answer(&m->common, &m->result, CX_CMD_MULTIMEDIA_AUTH, error);
    if (!b)
        return NULL;
    cx__add_opt_string(b, DIAMETER_AVP_USER_NAME, 0, m->user_name);
    cx__add_opt_string(b, TGPP_AVP_PUBLIC_IDENTITY, V3, m->public_identity);
    if (m->has_number_auth_items)
        diameter_builder_add_u32(b, TGPP_AVP_SIP_NUMBER_AUTH_ITEMS, V3, m->number_auth_items);
    for (guint i = 0; i < m->n_items; i++)
        cx__add_auth_item(b, &m->items[i]);
    return cx__finish(b, error);
}

gboolean cx_maa_parse(const DiameterMsg *msg, CxMaa *out, GError **error)
{
    memset(out, 0, sizeof *out);
    if (!expect(msg, CX_CMD_MULTIMEDIA_AUTH, FALSE, error) || !cx__parse_common(msg, &out->common, FALSE, error) ||
        !cx__parse_result(msg, &out->result, error) ||
        !cx__get_str(msg, NULL, DIAMETER_AVP_USER_NAME, 0, FALSE, &out->user_name, error) ||
        !cx__get_str(msg, NULL, TGPP_AVP_PUBLIC_IDENTITY, V3, FALSE, &out->public_identity, error) ||
        !cx__get_u32(msg, NULL, TGPP_AVP_SIP_NUMBER_AUTH_ITEMS, V3, FALSE, &out->number_auth_items,
                     &out->has_number_auth_items, error))
        goto fail;
    /* Bounded by the message: each item took at least 12 bytes of it. */
    guint n = diameter_msg_count(msg, NULL, TGPP_AVP_SIP_AUTH_DATA_ITEM, V3);
    out->items = n ? g_new0(CxAuthDataItem, n) : NULL;
    for (const DiameterAvp *a = diameter_msg_find(msg, NULL, TGPP_AVP_SIP_AUTH_DATA_ITEM, V3); a;
         a = diameter_msg_find_next(msg, a)) {
        out->n_items++; /* counted first so that clear() covers a half-parsed item */
        if (!cx__parse_auth_item(msg, a, &out->items[out->n_items - 1], error))
            goto fail;
    }
    return TRUE;
fail:
    cx_maa_clear(out);
    return FALSE;
}

void cx_maa_clear(CxMaa *m)
{
    cx__common_clear(&m->common);
    g_free(m->user_name);
    g_free(m->public_identity);
    for (guint i = 0; i < m->n_items; i++)
        cx_auth_data_item_clear(&m->items[i]);
    g_free(m->items);
    memset(m, 0, sizeof *m);
}

/* ---- SAR / SAA (§6.1.3, §6.1.4) ------------------------------------------------------------- */

GBytes *cx_sar_build(const CxSar *m, GError **error)
{
    if (!cx__need(m->server_name, "Server-Name", error))
        return NULL;
    DiameterBuilder *b = begin_request(&m->common, CX_CMD_SERVER_ASSIGNMENT, error);
    if (!b)
        return NULL;
    cx__add_opt_string(b, DIAMETER_AVP_USER_NAME, 0, m->user_name);
    cx__add_opt_string(b, TGPP_AVP_PUBLIC_IDENTITY, V3, m->public_identity);
    diameter_builder_add_string(b, TGPP_AVP_SERVER_NAME, V3, m->server_name);
    diameter_builder_add_u32(b, TGPP_AVP_SERVER_ASSIGNMENT_TYPE, V3, m->server_assignment_type);
    diameter_builder_add_u32(b, TGPP_AVP_USER_DATA_ALREADY_AVAILABLE, V3, m->user_data_already_available);
    return cx__finish(b, error);
}

gboolean cx_sar_parse(const DiameterMsg *msg, CxSar *out, GError **error)
{
    memset(out, 0, sizeof *out);
    if (expect(msg, CX_CMD_SERVER_ASSIGNMENT, TRUE, error) && cx__parse_common(msg, &out->common, TRUE, error) &&
        cx__get_str(msg, NULL, DIAMETER_AVP_USER_NAME, 0, FALSE, &out->user_name, error) &&
        cx__get_str(msg, NULL, TGPP_AVP_PUBLIC_IDENTITY, V3, FALSE, &out->public_identity, error) &&
        cx__get_str(msg, NULL, TGPP_AVP_SERVER_NAME, V3, TRUE, &out->server_name, error) &&
        cx__get_u32(msg, NULL, TGPP_AVP_SERVER_ASSIGNMENT_TYPE, V3, TRUE, &out->server_assignment_type, NULL, error) &&
        cx__get_u32(msg, NULL, TGPP_AVP_USER_DATA_ALREADY_AVAILABLE, V3, TRUE, &out->user_data_already_available, NULL,
                    error))
        return TRUE;
    cx_sar_clear(out);
    return FALSE;
}

void cx_sar_clear(CxSar *m)
{
    cx__common_clear(&m->common);
    g_free(m->user_name);
    g_free(m->public_identity);
    g_free(m->server_name);
    memset(m, 0, sizeof *m);
}

GBytes *cx_saa_build(const CxSaa *m, GError **error)
{
    DiameterBuilder *b = begin_answer(&m->common, &m->result, CX_CMD_SERVER_ASSIGNMENT, error);
    if (!b)
        return NULL;
    cx__add_opt_string(b, DIAMETER_AVP_USER_NAME, 0, m->user_name);
    cx__add_opt_string(b, TGPP_AVP_USER_DATA, V3, m->user_data);
    if (m->has_charging_information) { /* §6.3.19 */
        diameter_builder_group_begin(b, TGPP_AVP_CHARGING_INFORMATION, V3);
        cx__add_opt_string(b, TGPP_AVP_PRIMARY_EVENT_CHARGING_FUNCTION_NAME, V3, m->primary_event_charging_function);
        cx__add_opt_string(b, TGPP_AVP_SECONDARY_EVENT_CHARGING_FUNCTION_NAME, V3,
                           m->secondary_event_charging_function);
        cx__add_opt_string(b, TGPP_AVP_PRIMARY_CHARGING_COLLECTION_FUNCTION_NAME, V3,
                           m->primary_charging_collection_function);
        cx__add_opt_string(b, TGPP_AVP_SECONDARY_CHARGING_COLLECTION_FUNCTION_NAME, V3,
                           m->secondary_charging_collection_function);
        diameter_builder_group_end(b);
    }
    return cx__finish(b, error);
}

gboolean cx_saa_parse(const DiameterMsg *msg, CxSaa *out, GError **error)
{
    memset(out, 0, sizeof *out);
    const DiameterAvp *ci = diameter_msg_find(msg, NULL, TGPP_AVP_CHARGING_INFORMATION, V3);
    out->has_charging_information = ci != NULL;
    if (expect(msg, CX_CMD_SERVER_ASSIGNMENT, FALSE, error) && cx__parse_common(msg, &out->common, FALSE, error) &&
        cx__parse_result(msg, &out->result, error) &&
        cx__get_str(msg, NULL, DIAMETER_AVP_USER_NAME, 0, FALSE, &out->user_name, error) &&
        cx__get_str(msg, NULL, TGPP_AVP_USER_DATA, V3, FALSE, &out->user_data, error) &&
        (!ci ||
         (cx__get_str(msg, ci, TGPP_AVP_PRIMARY_EVENT_CHARGING_FUNCTION_NAME, V3, FALSE,
                      &out->primary_event_charging_function, error) &&
          cx__get_str(msg, ci, TGPP_AVP_SECONDARY_EVENT_CHARGING_FUNCTION_NAME, V3, FALSE,
                      &out->secondary_event_charging_function, error) &&
          cx__get_str(msg, ci, TGPP_AVP_PRIMARY_CHARGING_COLLECTION_FUNCTION_NAME, V3, FALSE,
                      &out->primary_charging_collection_function, error) &&
          cx__get_str(msg, ci, TGPP_AVP_SECONDARY_CHARGING_COLLECTION_FUNCTION_NAME, V3, FALSE,
                      &out->secondary_charging_collection_function, error))))
        return TRUE;
    cx_saa_clear(out);
    return FALSE;
}

void cx_saa_clear(CxSaa *m)
{
    cx__common_clear(&m->common);
    g_free(m->user_name);
    g_free(m->user_data);
    g_free(m->primary_event_charging_function);
    g_free(m->secondary_event_charging_function);
    g_free(m->primary_charging_collection_function);
    g_free(m->secondary_charging_collection_function);
    memset(m, 0, sizeof *m);
}

/* ---- LIR / LIA (§6.1.5, §6.1.6) ------------------------------------------------------------- */

GBytes *cx_lir_build(const CxLir *m, GError **error)
{
    if (!cx__need(m->public_identity, "Public-Identity", error))
        return NULL;
    DiameterBuilder *b = begin_request(&m->common, CX_CMD_LOCATION_INFO, error);
    if (!b)
        return NULL;
    if (m->originating_request)
        diameter_builder_add_u32(b, TGPP_AVP_ORIGINATING_REQUEST, V3, 0 /* ORIGINATING, §6.3.32 */);
    diameter_builder_add_string(b, TGPP_AVP_PUBLIC_IDENTITY, V3, m->public_identity);
    return cx__finish(b, error);
}

gboolean cx_lir_parse(const DiameterMsg *msg, CxLir *out, GError **error)
{
    memset(out, 0, sizeof *out);
    uint32_t orig = 0;
    if (expect(msg, CX_CMD_LOCATION_INFO, TRUE, error) && cx__parse_common(msg, &out->common, TRUE, error) &&
        cx__get_u32(msg, NULL, TGPP_AVP_ORIGINATING_REQUEST, V3, FALSE, &orig, &out->originating_request, error) &&
        cx__get_str(msg, NULL, TGPP_AVP_PUBLIC_IDENTITY, V3, TRUE, &out->public_identity, error))
        return TRUE;
    cx_lir_clear(out);
    return FALSE;
}

void cx_lir_clear(CxLir *m)
{
    cx__common_clear(&m->common);
    g_free(m->public_identity);
    memset(m, 0, sizeof *m);
}

GBytes *cx_lia_build(const CxLia *m, GError **error)
{
    DiameterBuilder *b = begin_answer(&m->common, &m->result, CX_CMD_LOCATION_INFO, error);
    if (!b)
        return NULL;
    cx__add_opt_string(b, TGPP_AVP_SERVER_NAME, V3, m->server_name);
    add_capabilities(b, m->has_server_capabilities, &m->server_capabilities);
    return cx__finish(b, error);
}

gboolean cx_lia_parse(const DiameterMsg *msg, CxLia *out, GError **error)
{
    memset(out, 0, sizeof *out);
    if (expect(msg, CX_CMD_LOCATION_INFO, FALSE, error) && cx__parse_common(msg, &out->common, FALSE, error) &&
        cx__parse_result(msg, &out->result, error) &&
        cx__get_str(msg, NULL, TGPP_AVP_SERVER_NAME, V3, FALSE, &out->server_name, error) &&
        parse_capabilities(msg, &out->has_server_capabilities, &out->server_capabilities, error))
        return TRUE;
    cx_lia_clear(out);
    return FALSE;
}

void cx_lia_clear(CxLia *m)
{
    cx__common_clear(&m->common);
    g_free(m->server_name);
    capabilities_clear(&m->server_capabilities);
    memset(m, 0, sizeof *m);
}
