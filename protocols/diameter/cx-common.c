/* cx-common.c: the builder and parser steps shared by cx.c and gaa.c. See cx-private.h.
 *
 * Sections: building (heads, SIP-Auth-Data-Item); parsing (typed AVP reads, heads, results,
 * SIP-Auth-Data-Item). Tests: tests/unit/test-cx*.c and test-gaa.c, through the two codecs. */
#include "protocols/diameter/cx-private.h"
#include <string.h>

#define V3 DIAMETER_VENDOR_3GPP

/* ---- building ------------------------------------------------------------------------------- */

gboolean cx__need(const char *value, const char *what, GError **error)
{
    if (value)
        return TRUE;
    g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_MISSING_AVP, "%s is required", what);
    return FALSE;
}

void cx__add_opt_string(DiameterBuilder *b, uint32_t code, uint32_t vendor, const char *s)
{
    if (s)
        diameter_builder_add_string(b, code, vendor, s);
}

/* Session-Id first (RFC 6733 §8.8), then Vendor-Specific-Application-Id {10415, APP}. */
static void add_preamble(DiameterBuilder *b, const CxCommon *c, uint32_t app)
{
    diameter_builder_add_string(b, DIAMETER_AVP_SESSION_ID, 0, c->session_id);
    diameter_builder_group_begin(b, DIAMETER_AVP_VENDOR_SPECIFIC_APPLICATION_ID, 0);
    diameter_builder_add_u32(b, DIAMETER_AVP_VENDOR_ID, 0, V3);
    diameter_builder_add_u32(b, DIAMETER_AVP_AUTH_APPLICATION_ID, 0, app);
    diameter_builder_group_end(b);
}

/* [Auth-Session-State] and Origin-Host/-Realm, which follow the preamble (requests) or the result
 * (answers) in every ABNF of TS 29.229 §6.1 and TS 29.109 §4.2, §5.2. */
static void add_origin(DiameterBuilder *b, const CxCommon *c, CxHead head)
{
    if (head & CX__HEAD_SESSION_STATE)
        diameter_builder_add_u32(b, DIAMETER_AVP_AUTH_SESSION_STATE, 0, DIAMETER_NO_STATE_MAINTAINED);
    diameter_builder_add_string(b, DIAMETER_AVP_ORIGIN_HOST, 0, c->origin_host);
    diameter_builder_add_string(b, DIAMETER_AVP_ORIGIN_REALM, 0, c->origin_realm);
}

DiameterBuilder *cx__begin_request(const CxCommon *c, uint32_t command, uint32_t app, CxHead head, GError **error)
{
    if (!cx__need(c->session_id, "Session-Id", error) || !cx__need(c->origin_host, "Origin-Host", error) ||
        !cx__need(c->origin_realm, "Origin-Realm", error) ||
        !cx__need(c->destination_realm, "Destination-Realm", error))
        return NULL;
    DiameterBuilder *b = diameter_builder_new(DIAMETER_FLAG_REQUEST | DIAMETER_FLAG_PROXIABLE, command, app,
                                              c->hop_by_hop, c->end_to_end);
    add_preamble(b, c, app);
    add_origin(b, c, head);
    if (!(head & CX__HEAD_REALM_FIRST))
        cx__add_opt_string(b, DIAMETER_AVP_DESTINATION_HOST, 0, c->destination_host);
    diameter_builder_add_string(b, DIAMETER_AVP_DESTINATION_REALM, 0, c->destination_realm);
    if (head & CX__HEAD_REALM_FIRST)
        cx__add_opt_string(b, DIAMETER_AVP_DESTINATION_HOST, 0, c->destination_host);
    return b;
}

/* Result-Code or Experimental-Result sits before Auth-Session-State in every Cx, Zh and Zn answer
 * ABNF. */
DiameterBuilder *cx__begin_answer(const CxCommon *c, const CxResult *r, uint32_t command, uint32_t app, CxHead head,
                                  GError **error)
{
    if (!cx__need(c->session_id, "Session-Id", error) || !cx__need(c->origin_host, "Origin-Host", error) ||
        !cx__need(c->origin_realm, "Origin-Realm", error))
        return NULL;
    uint8_t flags = DIAMETER_FLAG_PROXIABLE;
    if (r->vendor == 0 && r->code >= 3000 && r->code < 4000)
        flags |= DIAMETER_FLAG_ERROR; /* RFC 6733 §7.1.3 */
    DiameterBuilder *b = diameter_builder_new(flags, command, app, c->hop_by_hop, c->end_to_end);
    add_preamble(b, c, app);
    if (r->vendor == 0) {
        diameter_builder_add_u32(b, DIAMETER_AVP_RESULT_CODE, 0, r->code);
    } else {
        diameter_builder_group_begin(b, DIAMETER_AVP_EXPERIMENTAL_RESULT, 0);
        diameter_builder_add_u32(b, DIAMETER_AVP_VENDOR_ID, 0, r->vendor);
        diameter_builder_add_u32(b, DIAMETER_AVP_EXPERIMENTAL_RESULT_CODE, 0, r->code);
        diameter_builder_group_end(b);
    }
    add_origin(b, c, head);
    return b;
}

GBytes *cx__finish(DiameterBuilder *b, GError **error)
{
    GBytes *out = diameter_builder_finish(b, error);
    diameter_builder_free(b);
    return out;
}

void cx__add_auth_item(DiameterBuilder *b, const CxAuthDataItem *it)
{
    diameter_builder_group_begin(b, TGPP_AVP_SIP_AUTH_DATA_ITEM, V3);
    if (it->has_item_number)
        diameter_builder_add_u32(b, TGPP_AVP_SIP_ITEM_NUMBER, V3, it->item_number);
    cx__add_opt_string(b, TGPP_AVP_SIP_AUTHENTICATION_SCHEME, V3, it->scheme);
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

gboolean cx__expect(const DiameterMsg *msg, const char *iface, uint32_t command, uint32_t app, gboolean request,
                    GError **error)
{
    const DiameterHeader *h = diameter_msg_header(msg);
    gboolean is_req = (h->flags & DIAMETER_FLAG_REQUEST) != 0;
    if (h->command == command && h->app_id == app && is_req == request)
        return TRUE;
    g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_UNEXPECTED,
                "expected %s command %u %s, got command %u %s of application %u", iface, command,
                request ? "request" : "answer", h->command, is_req ? "request" : "answer", h->app_id);
    return FALSE;
}

const char *cx__avp_name(uint32_t code, uint32_t vendor)
{
    const DiameterDictAvp *d = diameter_dict_avp(code, vendor);
    return d ? d->name : "AVP";
}

gboolean cx__missing(uint32_t code, uint32_t vendor, GError **error)
{
    g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_MISSING_AVP, "%s(%u) missing",
                cx__avp_name(code, vendor), code);
    return FALSE;
}

gboolean cx__get_str(const DiameterMsg *msg, const DiameterAvp *group, uint32_t code, uint32_t vendor,
                     gboolean required, char **out, GError **error)
{
    const DiameterAvp *a = diameter_msg_find(msg, group, code, vendor);
    *out = NULL;
    if (!a)
        return required ? cx__missing(code, vendor, error) : TRUE;
    *out = diameter_avp_dup_string(a);
    if (*out)
        return TRUE;
    g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_AVP_VALUE, "%s(%u): not UTF-8 text",
                cx__avp_name(code, vendor), code);
    return FALSE;
}

gboolean cx__get_u32(const DiameterMsg *msg, const DiameterAvp *group, uint32_t code, uint32_t vendor,
                     gboolean required, uint32_t *out, gboolean *present, GError **error)
{
    const DiameterAvp *a = diameter_msg_find(msg, group, code, vendor);
    if (present)
        *present = a != NULL;
    if (!a)
        return required ? cx__missing(code, vendor, error) : TRUE;
    if (diameter_avp_get_u32(a, out))
        return TRUE;
    g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_AVP_LENGTH, "%s(%u): not 4 bytes",
                cx__avp_name(code, vendor), code);
    return FALSE;
}

gboolean cx__get_octets(const DiameterAvp *a, uint8_t *buf, size_t max, gboolean exact, size_t *len,
                        GError **error)
{
    if (a->len > max || (exact && a->len != max)) {
        g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_AVP_VALUE, "%s(%u): %u bytes (%s %zu)",
                    cx__avp_name(a->code, a->vendor), a->code, a->len, exact ? "want" : "at most", max);
        return FALSE;
    }
    memcpy(buf, a->data, a->len);
    *len = a->len;
    return TRUE;
}

gboolean cx__parse_common(const DiameterMsg *msg, CxCommon *c, gboolean request, GError **error)
{
    const DiameterHeader *h = diameter_msg_header(msg);
    c->hop_by_hop = h->hop_by_hop;
    c->end_to_end = h->end_to_end;
    if (!cx__get_str(msg, NULL, DIAMETER_AVP_SESSION_ID, 0, TRUE, &c->session_id, error) ||
        !cx__get_str(msg, NULL, DIAMETER_AVP_ORIGIN_HOST, 0, TRUE, &c->origin_host, error) ||
        !cx__get_str(msg, NULL, DIAMETER_AVP_ORIGIN_REALM, 0, TRUE, &c->origin_realm, error))
        return FALSE;
    if (!request)
        return TRUE;
    return cx__get_str(msg, NULL, DIAMETER_AVP_DESTINATION_HOST, 0, FALSE, &c->destination_host, error) &&
           cx__get_str(msg, NULL, DIAMETER_AVP_DESTINATION_REALM, 0, TRUE, &c->destination_realm, error);
}

void cx__common_clear(CxCommon *c)
{
    g_free(c->session_id);
    g_free(c->origin_host);
    g_free(c->origin_realm);
    g_free(c->destination_host);
    g_free(c->destination_realm);
}

gboolean cx__parse_result(const DiameterMsg *msg, CxResult *r, GError **error)
{
    const DiameterAvp *er = diameter_msg_find(msg, NULL, DIAMETER_AVP_EXPERIMENTAL_RESULT, 0);
    if (diameter_msg_find(msg, NULL, DIAMETER_AVP_RESULT_CODE, 0)) {
        r->vendor = 0;
        return cx__get_u32(msg, NULL, DIAMETER_AVP_RESULT_CODE, 0, TRUE, &r->code, NULL, error);
    }
    if (!er) {
        g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_MISSING_AVP,
                    "neither Result-Code nor Experimental-Result present");
        return FALSE;
    }
    return cx__get_u32(msg, er, DIAMETER_AVP_VENDOR_ID, 0, TRUE, &r->vendor, NULL, error) &&
           cx__get_u32(msg, er, DIAMETER_AVP_EXPERIMENTAL_RESULT_CODE, 0, TRUE, &r->code, NULL, error);
}

gboolean cx__parse_auth_item(const DiameterMsg *msg, const DiameterAvp *g, CxAuthDataItem *it, GError **error)
{
    if (!cx__get_u32(msg, g, TGPP_AVP_SIP_ITEM_NUMBER, V3, FALSE, &it->item_number, &it->has_item_number, error) ||
        !cx__get_str(msg, g, TGPP_AVP_SIP_AUTHENTICATION_SCHEME, V3, FALSE, &it->scheme, error))
        return FALSE;
    const DiameterAvp *a;
    size_t n;
    if ((a = diameter_msg_find(msg, g, TGPP_AVP_SIP_AUTHENTICATE, V3)) &&
        !cx__get_octets(a, it->authenticate, CX_AUTH_MAX, FALSE, &it->authenticate_len, error))
        return FALSE;
    if ((a = diameter_msg_find(msg, g, TGPP_AVP_SIP_AUTHORIZATION, V3)) &&
        !cx__get_octets(a, it->authorization, CX_AUTH_MAX, FALSE, &it->authorization_len, error))
        return FALSE;
    if ((a = diameter_msg_find(msg, g, TGPP_AVP_CONFIDENTIALITY_KEY, V3))) {
        if (!cx__get_octets(a, it->ck, CX_KEY_LEN, TRUE, &n, error))
            return FALSE;
        it->has_ck = TRUE;
    }
    if ((a = diameter_msg_find(msg, g, TGPP_AVP_INTEGRITY_KEY, V3))) {
        if (!cx__get_octets(a, it->ik, CX_KEY_LEN, TRUE, &n, error))
            return FALSE;
        it->has_ik = TRUE;
    }
    return TRUE;
}
