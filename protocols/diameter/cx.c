/* cx.c: Cx message builders and parsers (TS 29.229 §6.1). See cx.h.
 *
 * Sections: shared builder steps (request and answer preambles, results, capabilities, auth data
 * items); shared parser steps; then one builder, parser and clear per command. */
#include "protocols/diameter/cx.h"
#include <openssl/crypto.h>
#include <string.h>

#define V3 DIAMETER_VENDOR_3GPP

gboolean cx_result_is_success(const CxResult *r)
{
    return r->code >= 2000 && r->code < 3000;
}

/* ---- building ------------------------------------------------------------------------------- */

static gboolean need(const char *value, const char *what, GError **error)
{
    if (value)
        return TRUE;
    g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_MISSING_AVP, "%s is required", what);
    return FALSE;
}

/* Session-Id and the fixed AVPs of TS 29.229 §6.1 (Auth-Session-State: §6.1 "NO_STATE_MAINTAINED"). */
static void add_preamble(DiameterBuilder *b, const CxCommon *c)
{
    diameter_builder_add_string(b, DIAMETER_AVP_SESSION_ID, 0, c->session_id);
    diameter_builder_group_begin(b, DIAMETER_AVP_VENDOR_SPECIFIC_APPLICATION_ID, 0);
    diameter_builder_add_u32(b, DIAMETER_AVP_VENDOR_ID, 0, V3);
    diameter_builder_add_u32(b, DIAMETER_AVP_AUTH_APPLICATION_ID, 0, DIAMETER_APP_CX);
    diameter_builder_group_end(b);
}

static void add_origin(DiameterBuilder *b, const CxCommon *c)
{
    diameter_builder_add_u32(b, DIAMETER_AVP_AUTH_SESSION_STATE, 0, DIAMETER_NO_STATE_MAINTAINED);
    diameter_builder_add_string(b, DIAMETER_AVP_ORIGIN_HOST, 0, c->origin_host);
    diameter_builder_add_string(b, DIAMETER_AVP_ORIGIN_REALM, 0, c->origin_realm);
}

static DiameterBuilder *begin_request(const CxCommon *c, uint32_t command, GError **error)
{
    if (!need(c->session_id, "Session-Id", error) || !need(c->origin_host, "Origin-Host", error) ||
        !need(c->origin_realm, "Origin-Realm", error) || !need(c->destination_realm, "Destination-Realm", error))
        return NULL;
    DiameterBuilder *b = diameter_builder_new(DIAMETER_FLAG_REQUEST | DIAMETER_FLAG_PROXIABLE, command,
                                              DIAMETER_APP_CX, c->hop_by_hop, c->end_to_end);
    add_preamble(b, c);
    add_origin(b, c);
    if (c->destination_host)
        diameter_builder_add_string(b, DIAMETER_AVP_DESTINATION_HOST, 0, c->destination_host);
    diameter_builder_add_string(b, DIAMETER_AVP_DESTINATION_REALM, 0, c->destination_realm);
    return b;
}

/* Result-Code or Experimental-Result sits before Auth-Session-State in every Cx answer ABNF. */
static DiameterBuilder *begin_answer(const CxCommon *c, const CxResult *r, uint32_t command, GError **error)
{
    if (!need(c->session_id, "Session-Id", error) || !need(c->origin_host, "Origin-Host", error) ||
        !need(c->origin_realm, "Origin-Realm", error))
        return NULL;
    uint8_t flags = DIAMETER_FLAG_PROXIABLE;
    if (r->vendor == 0 && r->code >= 3000 && r->code < 4000)
        flags |= DIAMETER_FLAG_ERROR; /* RFC 6733 §7.1.3 */
    DiameterBuilder *b = diameter_builder_new(flags, command, DIAMETER_APP_CX, c->hop_by_hop, c->end_to_end);
    add_preamble(b, c);
    if (r->vendor == 0) {
        diameter_builder_add_u32(b, DIAMETER_AVP_RESULT_CODE, 0, r->code);
    } else {
        diameter_builder_group_begin(b, DIAMETER_AVP_EXPERIMENTAL_RESULT, 0);
        diameter_builder_add_u32(b, DIAMETER_AVP_VENDOR_ID, 0, r->vendor);
        diameter_builder_add_u32(b, DIAMETER_AVP_EXPERIMENTAL_RESULT_CODE, 0, r->code);
        diameter_builder_group_end(b);
    }
    add_origin(b, c);
    return b;
}

static GBytes *finish(DiameterBuilder *b, GError **error)
{
    GBytes *out = diameter_builder_finish(b, error);
    diameter_builder_free(b);
    return out;
}

static void add_opt_string(DiameterBuilder *b, uint32_t code, uint32_t vendor, const char *s)
{
    if (s)
        diameter_builder_add_string(b, code, vendor, s);
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
        add_opt_string(b, TGPP_AVP_SERVER_NAME, V3, sc->server_names[i]);
    diameter_builder_group_end(b);
}

/* SIP-Auth-Data-Item in the §6.3.13 order. */
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

/* ---- parsing -------------------------------------------------------------------------------- */

static gboolean expect(const DiameterMsg *msg, uint32_t command, gboolean request, GError **error)
{
    const DiameterHeader *h = diameter_msg_header(msg);
    gboolean is_req = (h->flags & DIAMETER_FLAG_REQUEST) != 0;
    if (h->command == command && h->app_id == DIAMETER_APP_CX && is_req == request)
        return TRUE;
    g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_UNEXPECTED,
                "expected Cx command %u %s, got command %u %s of application %u", command,
                request ? "request" : "answer", h->command, is_req ? "request" : "answer", h->app_id);
    return FALSE;
}

static const char *name_of(uint32_t code, uint32_t vendor)
{
    const DiameterDictAvp *d = diameter_dict_avp(code, vendor);
    return d ? d->name : "AVP";
}

static gboolean missing(uint32_t code, uint32_t vendor, GError **error)
{
    g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_MISSING_AVP, "%s(%u) missing",
                name_of(code, vendor), code);
    return FALSE;
}

/* A string AVP under GROUP (NULL: top level) into *OUT (NULL when absent and not REQUIRED). */
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

/* An Unsigned32/Enumerated AVP; *PRESENT (may be NULL) tells whether it was there. */
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

static gboolean too_many(const DiameterAvp *a, GError **error)
{
    g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_AVP_VALUE, "more than %d %s AVPs",
                CX_MAX_CAPABILITIES, name_of(a->code, a->vendor));
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

void cx_auth_data_item_clear(CxAuthDataItem *it)
{
    g_free(it->scheme);
    OPENSSL_cleanse(it, sizeof *it); /* XRES, CK and IK are secrets */
}

/* ---- UAR / UAA (§6.1.1, §6.1.2) ------------------------------------------------------------- */

GBytes *cx_uar_build(const CxUar *m, GError **error)
{
    if (!need(m->user_name, "User-Name", error) || !need(m->public_identity, "Public-Identity", error) ||
        !need(m->visited_network_id, "Visited-Network-Identifier", error))
        return NULL;
    DiameterBuilder *b = begin_request(&m->common, CX_CMD_USER_AUTHORIZATION, error);
    if (!b)
        return NULL;
    diameter_builder_add_string(b, DIAMETER_AVP_USER_NAME, 0, m->user_name);
    diameter_builder_add_string(b, TGPP_AVP_PUBLIC_IDENTITY, V3, m->public_identity);
    diameter_builder_add_string(b, TGPP_AVP_VISITED_NETWORK_IDENTIFIER, V3, m->visited_network_id);
    diameter_builder_add_u32(b, TGPP_AVP_USER_AUTHORIZATION_TYPE, V3, m->user_authorization_type);
    return finish(b, error);
}

gboolean cx_uar_parse(const DiameterMsg *msg, CxUar *out, GError **error)
{
    memset(out, 0, sizeof *out);
    out->user_authorization_type = CX_UAT_REGISTRATION; /* §6.3.24: the default when absent */
    if (expect(msg, CX_CMD_USER_AUTHORIZATION, TRUE, error) && parse_common(msg, &out->common, TRUE, error) &&
        get_str(msg, NULL, DIAMETER_AVP_USER_NAME, 0, TRUE, &out->user_name, error) &&
        get_str(msg, NULL, TGPP_AVP_PUBLIC_IDENTITY, V3, TRUE, &out->public_identity, error) &&
        get_str(msg, NULL, TGPP_AVP_VISITED_NETWORK_IDENTIFIER, V3, TRUE, &out->visited_network_id, error) &&
        get_u32(msg, NULL, TGPP_AVP_USER_AUTHORIZATION_TYPE, V3, FALSE, &out->user_authorization_type, NULL, error))
        return TRUE;
    cx_uar_clear(out);
    return FALSE;
}

void cx_uar_clear(CxUar *m)
{
    common_clear(&m->common);
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
    add_opt_string(b, TGPP_AVP_SERVER_NAME, V3, m->server_name);
    add_capabilities(b, m->has_server_capabilities, &m->server_capabilities);
    return finish(b, error);
}

gboolean cx_uaa_parse(const DiameterMsg *msg, CxUaa *out, GError **error)
{
    memset(out, 0, sizeof *out);
    if (expect(msg, CX_CMD_USER_AUTHORIZATION, FALSE, error) && parse_common(msg, &out->common, FALSE, error) &&
        parse_result(msg, &out->result, error) &&
        get_str(msg, NULL, TGPP_AVP_SERVER_NAME, V3, FALSE, &out->server_name, error) &&
        parse_capabilities(msg, &out->has_server_capabilities, &out->server_capabilities, error))
        return TRUE;
    cx_uaa_clear(out);
    return FALSE;
}

void cx_uaa_clear(CxUaa *m)
{
    common_clear(&m->common);
    g_free(m->server_name);
    capabilities_clear(&m->server_capabilities);
    memset(m, 0, sizeof *m);
}

/* ---- MAR / MAA (§6.1.7, §6.1.8) ------------------------------------------------------------- */

GBytes *cx_mar_build(const CxMar *m, GError **error)
{
    if (!need(m->user_name, "User-Name", error) || !need(m->public_identity, "Public-Identity", error) ||
        !need(m->server_name, "Server-Name", error))
        return NULL;
    DiameterBuilder *b = begin_request(&m->common, CX_CMD_MULTIMEDIA_AUTH, error);
    if (!b)
        return NULL;
    diameter_builder_add_string(b, DIAMETER_AVP_USER_NAME, 0, m->user_name);
    diameter_builder_add_string(b, TGPP_AVP_PUBLIC_IDENTITY, V3, m->public_identity);
    add_auth_item(b, &m->item);
    diameter_builder_add_u32(b, TGPP_AVP_SIP_NUMBER_AUTH_ITEMS, V3, m->number_auth_items);
    diameter_builder_add_string(b, TGPP_AVP_SERVER_NAME, V3, m->server_name);
    return finish(b, error);
}

gboolean cx_mar_parse(const DiameterMsg *msg, CxMar *out, GError **error)
{
    memset(out, 0, sizeof *out);
    const DiameterAvp *item = diameter_msg_find(msg, NULL, TGPP_AVP_SIP_AUTH_DATA_ITEM, V3);
    if (expect(msg, CX_CMD_MULTIMEDIA_AUTH, TRUE, error) && parse_common(msg, &out->common, TRUE, error) &&
        get_str(msg, NULL, DIAMETER_AVP_USER_NAME, 0, TRUE, &out->user_name, error) &&
        get_str(msg, NULL, TGPP_AVP_PUBLIC_IDENTITY, V3, TRUE, &out->public_identity, error) &&
        (item || missing(TGPP_AVP_SIP_AUTH_DATA_ITEM, V3, error)) && parse_auth_item(msg, item, &out->item, error) &&
        get_u32(msg, NULL, TGPP_AVP_SIP_NUMBER_AUTH_ITEMS, V3, TRUE, &out->number_auth_items, NULL, error) &&
        get_str(msg, NULL, TGPP_AVP_SERVER_NAME, V3, TRUE, &out->server_name, error))
        return TRUE;
    cx_mar_clear(out);
    return FALSE;
}

void cx_mar_clear(CxMar *m)
{
    common_clear(&m->common);
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
    add_opt_string(b, DIAMETER_AVP_USER_NAME, 0, m->user_name);
    add_opt_string(b, TGPP_AVP_PUBLIC_IDENTITY, V3, m->public_identity);
    if (m->has_number_auth_items)
        diameter_builder_add_u32(b, TGPP_AVP_SIP_NUMBER_AUTH_ITEMS, V3, m->number_auth_items);
    for (guint i = 0; i < m->n_items; i++)
        add_auth_item(b, &m->items[i]);
    return finish(b, error);
}

gboolean cx_maa_parse(const DiameterMsg *msg, CxMaa *out, GError **error)
{
    memset(out, 0, sizeof *out);
    if (!expect(msg, CX_CMD_MULTIMEDIA_AUTH, FALSE, error) || !parse_common(msg, &out->common, FALSE, error) ||
        !parse_result(msg, &out->result, error) ||
        !get_str(msg, NULL, DIAMETER_AVP_USER_NAME, 0, FALSE, &out->user_name, error) ||
        !get_str(msg, NULL, TGPP_AVP_PUBLIC_IDENTITY, V3, FALSE, &out->public_identity, error) ||
        !get_u32(msg, NULL, TGPP_AVP_SIP_NUMBER_AUTH_ITEMS, V3, FALSE, &out->number_auth_items,
                 &out->has_number_auth_items, error))
        goto fail;
    /* Bounded by the message: each item took at least 12 bytes of it. */
    guint n = diameter_msg_count(msg, NULL, TGPP_AVP_SIP_AUTH_DATA_ITEM, V3);
    out->items = n ? g_new0(CxAuthDataItem, n) : NULL;
    for (const DiameterAvp *a = diameter_msg_find(msg, NULL, TGPP_AVP_SIP_AUTH_DATA_ITEM, V3); a;
         a = diameter_msg_find_next(msg, a)) {
        out->n_items++; /* counted first so that clear() covers a half-parsed item */
        if (!parse_auth_item(msg, a, &out->items[out->n_items - 1], error))
            goto fail;
    }
    return TRUE;
fail:
    cx_maa_clear(out);
    return FALSE;
}

void cx_maa_clear(CxMaa *m)
{
    common_clear(&m->common);
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
    if (!need(m->server_name, "Server-Name", error))
        return NULL;
    DiameterBuilder *b = begin_request(&m->common, CX_CMD_SERVER_ASSIGNMENT, error);
    if (!b)
        return NULL;
    add_opt_string(b, DIAMETER_AVP_USER_NAME, 0, m->user_name);
    add_opt_string(b, TGPP_AVP_PUBLIC_IDENTITY, V3, m->public_identity);
    diameter_builder_add_string(b, TGPP_AVP_SERVER_NAME, V3, m->server_name);
    diameter_builder_add_u32(b, TGPP_AVP_SERVER_ASSIGNMENT_TYPE, V3, m->server_assignment_type);
    diameter_builder_add_u32(b, TGPP_AVP_USER_DATA_ALREADY_AVAILABLE, V3, m->user_data_already_available);
    return finish(b, error);
}

gboolean cx_sar_parse(const DiameterMsg *msg, CxSar *out, GError **error)
{
    memset(out, 0, sizeof *out);
    if (expect(msg, CX_CMD_SERVER_ASSIGNMENT, TRUE, error) && parse_common(msg, &out->common, TRUE, error) &&
        get_str(msg, NULL, DIAMETER_AVP_USER_NAME, 0, FALSE, &out->user_name, error) &&
        get_str(msg, NULL, TGPP_AVP_PUBLIC_IDENTITY, V3, FALSE, &out->public_identity, error) &&
        get_str(msg, NULL, TGPP_AVP_SERVER_NAME, V3, TRUE, &out->server_name, error) &&
        get_u32(msg, NULL, TGPP_AVP_SERVER_ASSIGNMENT_TYPE, V3, TRUE, &out->server_assignment_type, NULL, error) &&
        get_u32(msg, NULL, TGPP_AVP_USER_DATA_ALREADY_AVAILABLE, V3, TRUE, &out->user_data_already_available, NULL,
                error))
        return TRUE;
    cx_sar_clear(out);
    return FALSE;
}

void cx_sar_clear(CxSar *m)
{
    common_clear(&m->common);
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
    add_opt_string(b, DIAMETER_AVP_USER_NAME, 0, m->user_name);
    add_opt_string(b, TGPP_AVP_USER_DATA, V3, m->user_data);
    if (m->has_charging_information) { /* §6.3.19 */
        diameter_builder_group_begin(b, TGPP_AVP_CHARGING_INFORMATION, V3);
        add_opt_string(b, TGPP_AVP_PRIMARY_EVENT_CHARGING_FUNCTION_NAME, V3, m->primary_event_charging_function);
        add_opt_string(b, TGPP_AVP_SECONDARY_EVENT_CHARGING_FUNCTION_NAME, V3, m->secondary_event_charging_function);
        add_opt_string(b, TGPP_AVP_PRIMARY_CHARGING_COLLECTION_FUNCTION_NAME, V3,
                       m->primary_charging_collection_function);
        add_opt_string(b, TGPP_AVP_SECONDARY_CHARGING_COLLECTION_FUNCTION_NAME, V3,
                       m->secondary_charging_collection_function);
        diameter_builder_group_end(b);
    }
    return finish(b, error);
}

gboolean cx_saa_parse(const DiameterMsg *msg, CxSaa *out, GError **error)
{
    memset(out, 0, sizeof *out);
    const DiameterAvp *ci = diameter_msg_find(msg, NULL, TGPP_AVP_CHARGING_INFORMATION, V3);
    out->has_charging_information = ci != NULL;
    if (expect(msg, CX_CMD_SERVER_ASSIGNMENT, FALSE, error) && parse_common(msg, &out->common, FALSE, error) &&
        parse_result(msg, &out->result, error) &&
        get_str(msg, NULL, DIAMETER_AVP_USER_NAME, 0, FALSE, &out->user_name, error) &&
        get_str(msg, NULL, TGPP_AVP_USER_DATA, V3, FALSE, &out->user_data, error) &&
        (!ci ||
         (get_str(msg, ci, TGPP_AVP_PRIMARY_EVENT_CHARGING_FUNCTION_NAME, V3, FALSE,
                  &out->primary_event_charging_function, error) &&
          get_str(msg, ci, TGPP_AVP_SECONDARY_EVENT_CHARGING_FUNCTION_NAME, V3, FALSE,
                  &out->secondary_event_charging_function, error) &&
          get_str(msg, ci, TGPP_AVP_PRIMARY_CHARGING_COLLECTION_FUNCTION_NAME, V3, FALSE,
                  &out->primary_charging_collection_function, error) &&
          get_str(msg, ci, TGPP_AVP_SECONDARY_CHARGING_COLLECTION_FUNCTION_NAME, V3, FALSE,
                  &out->secondary_charging_collection_function, error))))
        return TRUE;
    cx_saa_clear(out);
    return FALSE;
}

void cx_saa_clear(CxSaa *m)
{
    common_clear(&m->common);
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
    if (!need(m->public_identity, "Public-Identity", error))
        return NULL;
    DiameterBuilder *b = begin_request(&m->common, CX_CMD_LOCATION_INFO, error);
    if (!b)
        return NULL;
    if (m->originating_request)
        diameter_builder_add_u32(b, TGPP_AVP_ORIGINATING_REQUEST, V3, 0 /* ORIGINATING, §6.3.32 */);
    diameter_builder_add_string(b, TGPP_AVP_PUBLIC_IDENTITY, V3, m->public_identity);
    return finish(b, error);
}

gboolean cx_lir_parse(const DiameterMsg *msg, CxLir *out, GError **error)
{
    memset(out, 0, sizeof *out);
    uint32_t orig = 0;
    if (expect(msg, CX_CMD_LOCATION_INFO, TRUE, error) && parse_common(msg, &out->common, TRUE, error) &&
        get_u32(msg, NULL, TGPP_AVP_ORIGINATING_REQUEST, V3, FALSE, &orig, &out->originating_request, error) &&
        get_str(msg, NULL, TGPP_AVP_PUBLIC_IDENTITY, V3, TRUE, &out->public_identity, error))
        return TRUE;
    cx_lir_clear(out);
    return FALSE;
}

void cx_lir_clear(CxLir *m)
{
    common_clear(&m->common);
    g_free(m->public_identity);
    memset(m, 0, sizeof *m);
}

GBytes *cx_lia_build(const CxLia *m, GError **error)
{
    DiameterBuilder *b = begin_answer(&m->common, &m->result, CX_CMD_LOCATION_INFO, error);
    if (!b)
        return NULL;
    add_opt_string(b, TGPP_AVP_SERVER_NAME, V3, m->server_name);
    add_capabilities(b, m->has_server_capabilities, &m->server_capabilities);
    return finish(b, error);
}

gboolean cx_lia_parse(const DiameterMsg *msg, CxLia *out, GError **error)
{
    memset(out, 0, sizeof *out);
    if (expect(msg, CX_CMD_LOCATION_INFO, FALSE, error) && parse_common(msg, &out->common, FALSE, error) &&
        parse_result(msg, &out->result, error) &&
        get_str(msg, NULL, TGPP_AVP_SERVER_NAME, V3, FALSE, &out->server_name, error) &&
        parse_capabilities(msg, &out->has_server_capabilities, &out->server_capabilities, error))
        return TRUE;
    cx_lia_clear(out);
    return FALSE;
}

void cx_lia_clear(CxLia *m)
{
    common_clear(&m->common);
    g_free(m->server_name);
    capabilities_clear(&m->server_capabilities);
    memset(m, 0, sizeof *m);
}
