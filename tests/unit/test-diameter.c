/* test-diameter.c: the Diameter codec (protocols/diameter/diameter.h), its dictionary
 * (diameter-dict.h) and the Cx messages (cx.h).
 *
 * - dictionary: tables sorted and unique; every code the Cx interface uses checked against
 *   TS 29.229 §6.3 / RFC 6733 §4.5 as listed here by hand;
 * - golden bytes: one UAR written out field by field from RFC 6733 §3 (header), §4.1 (AVP header,
 *   padding), §4.4 (Grouped) and TS 29.229 §6.1.1, compared byte for byte with cx_uar_build();
 * - round trips of every Cx message with exact field values, and rebuild == original bytes;
 * - malformed input: every truncation of every message, 20,000 random buffers and 20,000 mutated
 *   messages (GRand, fixed seeds), hand-made bad lengths and flags, nesting beyond the limit
 *   (also 10,000 deep): never a crash, always a DIAMETER_CODEC_ERROR;
 * - framing of split and merged streams.
 */
#include "protocols/diameter/cx.h"
#include "tests/lib/test-util.h"
#include <string.h>

/* ---- fixtures ------------------------------------------------------------------------------- */

static const char USER_DATA[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><IMSSubscription><PrivateID>alice@home.net</PrivateID>"
    "<ServiceProfile><PublicIdentity><Identity>sip:alice@home.net</Identity></PublicIdentity>"
    "</ServiceProfile></IMSSubscription>";

static CxCommon req_common(const char *sid, const char *host, uint32_t hbh)
{
    return (CxCommon){.session_id = (char *)sid,
                      .origin_host = (char *)host,
                      .origin_realm = "home.net",
                      .destination_realm = "home.net",
                      .hop_by_hop = hbh,
                      .end_to_end = 0x12340000u | hbh};
}

static CxCommon ans_common(const char *sid, uint32_t hbh)
{
    return (CxCommon){.session_id = (char *)sid,
                      .origin_host = "hss.home.net",
                      .origin_realm = "home.net",
                      .hop_by_hop = hbh,
                      .end_to_end = 0x12340000u | hbh};
}

static const CxResult EXP_FIRST = {DIAMETER_VENDOR_3GPP, DIAMETER_FIRST_REGISTRATION};
static const CxResult SUCCESS = {0, DIAMETER_SUCCESS};

static CxUar fx_uar(void)
{
    return (CxUar){.common = req_common("icscf.home.net;1;1", "icscf.home.net", 1),
                   .user_name = "alice@home.net",
                   .public_identity = "sip:alice@home.net",
                   .visited_network_id = "home.net",
                   .user_authorization_type = CX_UAT_REGISTRATION};
}

static CxUaa fx_uaa(void)
{
    CxUaa m = {.common = ans_common("icscf.home.net;1;1", 1), .result = EXP_FIRST, .has_server_capabilities = TRUE};
    m.server_capabilities.mandatory[0] = 1;
    m.server_capabilities.mandatory[1] = 7;
    m.server_capabilities.n_mandatory = 2;
    m.server_capabilities.optional[0] = 3;
    m.server_capabilities.n_optional = 1;
    m.server_capabilities.server_names[0] = "sip:scscf.home.net:5060";
    m.server_capabilities.n_server_names = 1;
    return m;
}

static CxMar fx_mar(gboolean resync)
{
    CxMar m = {.common = req_common("scscf.home.net;1;42", "scscf.home.net", 2),
               .user_name = "alice@home.net",
               .public_identity = "sip:alice@home.net",
               .server_name = "sip:scscf.home.net:5060",
               .number_auth_items = 1};
    m.item.scheme = CX_SCHEME_AKAV1_MD5;
    if (resync) { /* TS 29.229 §6.3.11: RAND || AUTS */
        memcpy(m.item.authorization, TEST_RAND_AUTS, sizeof TEST_RAND_AUTS);
        m.item.authorization_len = sizeof TEST_RAND_AUTS;
    }
    return m;
}

static CxAuthDataItem fx_item(void)
{
    CxAuthDataItem it = {.has_item_number = TRUE, .item_number = 1, .scheme = CX_SCHEME_AKAV1_MD5,
                         .has_ck = TRUE, .has_ik = TRUE};
    memcpy(it.authenticate, TEST_RAND_AUTN, sizeof TEST_RAND_AUTN);
    it.authenticate_len = sizeof TEST_RAND_AUTN;
    memcpy(it.authorization, TEST_XRES, sizeof TEST_XRES);
    it.authorization_len = sizeof TEST_XRES;
    memcpy(it.ck, TEST_CK, sizeof TEST_CK);
    memcpy(it.ik, TEST_IK, sizeof TEST_IK);
    return it;
}

static CxSar fx_sar(void)
{
    return (CxSar){.common = req_common("scscf.home.net;1;43", "scscf.home.net", 3),
                   .user_name = "alice@home.net",
                   .public_identity = "sip:alice@home.net",
                   .server_name = "sip:scscf.home.net:5060",
                   .server_assignment_type = CX_SAT_REGISTRATION,
                   .user_data_already_available = CX_USER_DATA_NOT_AVAILABLE};
}

static CxSaa fx_saa(void)
{
    return (CxSaa){.common = ans_common("scscf.home.net;1;43", 3),
                   .result = SUCCESS,
                   .user_name = "alice@home.net",
                   .user_data = (char *)USER_DATA,
                   .has_charging_information = TRUE,
                   .primary_event_charging_function = "aaa://ecf.home.net:3868",
                   .primary_charging_collection_function = "aaa://ccf.home.net:3868"};
}

static CxLir fx_lir(void)
{
    return (CxLir){.common = req_common("icscf.home.net;1;2", "icscf.home.net", 4),
                   .public_identity = "sip:bob@home.net",
                   .originating_request = TRUE};
}

static CxLia fx_lia(void)
{
    return (CxLia){.common = ans_common("icscf.home.net;1;2", 4), .result = SUCCESS,
                   .server_name = "sip:scscf.home.net:5060"};
}

/* Every Cx fixture built, in a fixed order. */
static GPtrArray *all_messages(void)
{
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    g_autoptr(GError) e = NULL;
    CxUar uar = fx_uar();
    CxUaa uaa = fx_uaa();
    CxMar mar = fx_mar(FALSE), mar2 = fx_mar(TRUE);
    CxAuthDataItem items[2] = {fx_item(), fx_item()};
    items[1].item_number = 2;
    CxMaa maa = {.common = ans_common("scscf.home.net;1;42", 2), .result = SUCCESS, .user_name = "alice@home.net",
                 .public_identity = "sip:alice@home.net", .has_number_auth_items = TRUE, .number_auth_items = 2,
                 .items = items, .n_items = 2};
    CxSar sar = fx_sar();
    CxSaa saa = fx_saa();
    CxLir lir = fx_lir();
    CxLia lia = fx_lia();
    GBytes *b[] = {cx_uar_build(&uar, &e), cx_uaa_build(&uaa, &e), cx_mar_build(&mar, &e), cx_maa_build(&maa, &e),
                   cx_mar_build(&mar2, &e), cx_sar_build(&sar, &e), cx_saa_build(&saa, &e), cx_lir_build(&lir, &e),
                   cx_lia_build(&lia, &e)};
    g_assert_no_error(e);
    for (guint i = 0; i < G_N_ELEMENTS(b); i++)
        g_ptr_array_add(out, b[i]);
    return out;
}

static DiameterMsg *parse_bytes(GBytes *b)
{
    gsize len;
    const uint8_t *d = g_bytes_get_data(b, &len);
    g_autoptr(GError) e = NULL;
    DiameterMsg *m = diameter_msg_parse(d, len, &e);
    g_assert_no_error(e);
    g_assert_nonnull(m);
    return m;
}

static void assert_same_bytes(GBytes *a, GBytes *b)
{
    gsize la, lb;
    const uint8_t *da = g_bytes_get_data(a, &la), *db = g_bytes_get_data(b, &lb);
    g_assert_cmpmem(da, la, db, lb);
}

static void assert_common(const CxCommon *got, const CxCommon *want, gboolean request)
{
    g_assert_cmpstr(got->session_id, ==, want->session_id);
    g_assert_cmpstr(got->origin_host, ==, want->origin_host);
    g_assert_cmpstr(got->origin_realm, ==, want->origin_realm);
    g_assert_cmpstr(got->destination_host, ==, want->destination_host);
    g_assert_cmpstr(got->destination_realm, ==, request ? want->destination_realm : NULL);
    g_assert_cmpuint(got->hop_by_hop, ==, want->hop_by_hop);
    g_assert_cmpuint(got->end_to_end, ==, want->end_to_end);
}

static void assert_item(const CxAuthDataItem *got, const CxAuthDataItem *want)
{
    g_assert_cmpint(got->has_item_number, ==, want->has_item_number);
    g_assert_cmpuint(got->item_number, ==, want->item_number);
    g_assert_cmpstr(got->scheme, ==, want->scheme);
    g_assert_cmpmem(got->authenticate, got->authenticate_len, want->authenticate, want->authenticate_len);
    g_assert_cmpmem(got->authorization, got->authorization_len, want->authorization, want->authorization_len);
    g_assert_cmpint(got->has_ck, ==, want->has_ck);
    g_assert_cmpint(got->has_ik, ==, want->has_ik);
    if (want->has_ck)
        g_assert_cmpmem(got->ck, CX_KEY_LEN, want->ck, CX_KEY_LEN);
    if (want->has_ik)
        g_assert_cmpmem(got->ik, CX_KEY_LEN, want->ik, CX_KEY_LEN);
}

/* ---- dictionary ----------------------------------------------------------------------------- */

static void test_dict_tables(void)
{
    guint n;
    const DiameterDictAvp *t = diameter_dict_avps(&n);
    g_assert_cmpuint(n, >, 90);
    for (guint i = 0; i < n; i++) {
        if (i > 0)
            g_assert_true(t[i - 1].vendor < t[i].vendor ||
                          (t[i - 1].vendor == t[i].vendor && t[i - 1].code < t[i].code));
        g_assert_true(diameter_dict_avp(t[i].code, t[i].vendor) == &t[i]);
        g_assert_true((t[i].type == DIAMETER_TYPE_ENUMERATED) == (t[i].values != NULL));
        for (guint j = 1; j < t[i].n_values; j++)
            g_assert_cmpuint(t[i].values[j - 1].value, <, t[i].values[j].value);
    }
    g_assert_null(diameter_dict_avp(601, 0)); /* the vendor is part of the key */
    g_assert_null(diameter_dict_avp(9999, DIAMETER_VENDOR_3GPP));
}

/* Codes, vendors and types as TS 29.229 §6.3 (table 6.3.1) and RFC 6733 §4.5 give them. */
static void test_dict_codes(void)
{
    static const struct {
        const char *name;
        uint32_t code, vendor;
        DiameterAvpType type;
        gboolean m;
    } want[] = {
        {"User-Name", 1, 0, DIAMETER_TYPE_UTF8_STRING, TRUE},
        {"Host-IP-Address", 257, 0, DIAMETER_TYPE_ADDRESS, TRUE},
        {"Auth-Application-Id", 258, 0, DIAMETER_TYPE_UNSIGNED32, TRUE},
        {"Vendor-Specific-Application-Id", 260, 0, DIAMETER_TYPE_GROUPED, TRUE},
        {"Session-Id", 263, 0, DIAMETER_TYPE_UTF8_STRING, TRUE},
        {"Origin-Host", 264, 0, DIAMETER_TYPE_DIAMETER_IDENTITY, TRUE},
        {"Supported-Vendor-Id", 265, 0, DIAMETER_TYPE_UNSIGNED32, TRUE},
        {"Vendor-Id", 266, 0, DIAMETER_TYPE_UNSIGNED32, TRUE},
        {"Firmware-Revision", 267, 0, DIAMETER_TYPE_UNSIGNED32, FALSE},
        {"Result-Code", 268, 0, DIAMETER_TYPE_UNSIGNED32, TRUE},
        {"Product-Name", 269, 0, DIAMETER_TYPE_UTF8_STRING, FALSE},
        {"Disconnect-Cause", 273, 0, DIAMETER_TYPE_ENUMERATED, TRUE},
        {"Auth-Session-State", 277, 0, DIAMETER_TYPE_ENUMERATED, TRUE},
        {"Origin-State-Id", 278, 0, DIAMETER_TYPE_UNSIGNED32, TRUE},
        {"Failed-AVP", 279, 0, DIAMETER_TYPE_GROUPED, TRUE},
        {"Error-Message", 281, 0, DIAMETER_TYPE_UTF8_STRING, FALSE},
        {"Destination-Realm", 283, 0, DIAMETER_TYPE_DIAMETER_IDENTITY, TRUE},
        {"Destination-Host", 293, 0, DIAMETER_TYPE_DIAMETER_IDENTITY, TRUE},
        {"Origin-Realm", 296, 0, DIAMETER_TYPE_DIAMETER_IDENTITY, TRUE},
        {"Experimental-Result", 297, 0, DIAMETER_TYPE_GROUPED, TRUE},
        {"Experimental-Result-Code", 298, 0, DIAMETER_TYPE_UNSIGNED32, TRUE},
        {"Visited-Network-Identifier", 600, 10415, DIAMETER_TYPE_OCTET_STRING, TRUE},
        {"Public-Identity", 601, 10415, DIAMETER_TYPE_UTF8_STRING, TRUE},
        {"Server-Name", 602, 10415, DIAMETER_TYPE_UTF8_STRING, TRUE},
        {"Server-Capabilities", 603, 10415, DIAMETER_TYPE_GROUPED, TRUE},
        {"Mandatory-Capability", 604, 10415, DIAMETER_TYPE_UNSIGNED32, TRUE},
        {"Optional-Capability", 605, 10415, DIAMETER_TYPE_UNSIGNED32, TRUE},
        {"User-Data", 606, 10415, DIAMETER_TYPE_OCTET_STRING, TRUE},
        {"SIP-Number-Auth-Items", 607, 10415, DIAMETER_TYPE_UNSIGNED32, TRUE},
        {"SIP-Authentication-Scheme", 608, 10415, DIAMETER_TYPE_UTF8_STRING, TRUE},
        {"SIP-Authenticate", 609, 10415, DIAMETER_TYPE_OCTET_STRING, TRUE},
        {"SIP-Authorization", 610, 10415, DIAMETER_TYPE_OCTET_STRING, TRUE},
        {"SIP-Authentication-Context", 611, 10415, DIAMETER_TYPE_OCTET_STRING, TRUE},
        {"SIP-Auth-Data-Item", 612, 10415, DIAMETER_TYPE_GROUPED, TRUE},
        {"SIP-Item-Number", 613, 10415, DIAMETER_TYPE_UNSIGNED32, TRUE},
        {"Server-Assignment-Type", 614, 10415, DIAMETER_TYPE_ENUMERATED, TRUE},
        {"Deregistration-Reason", 615, 10415, DIAMETER_TYPE_GROUPED, TRUE},
        {"Reason-Code", 616, 10415, DIAMETER_TYPE_ENUMERATED, TRUE},
        {"Reason-Info", 617, 10415, DIAMETER_TYPE_UTF8_STRING, TRUE},
        {"Charging-Information", 618, 10415, DIAMETER_TYPE_GROUPED, TRUE},
        {"Primary-Event-Charging-Function-Name", 619, 10415, DIAMETER_TYPE_DIAMETER_URI, TRUE},
        {"Secondary-Event-Charging-Function-Name", 620, 10415, DIAMETER_TYPE_DIAMETER_URI, TRUE},
        {"Primary-Charging-Collection-Function-Name", 621, 10415, DIAMETER_TYPE_DIAMETER_URI, TRUE},
        {"Secondary-Charging-Collection-Function-Name", 622, 10415, DIAMETER_TYPE_DIAMETER_URI, TRUE},
        {"User-Authorization-Type", 623, 10415, DIAMETER_TYPE_ENUMERATED, TRUE},
        {"User-Data-Already-Available", 624, 10415, DIAMETER_TYPE_ENUMERATED, TRUE},
        {"Confidentiality-Key", 625, 10415, DIAMETER_TYPE_OCTET_STRING, TRUE},
        {"Integrity-Key", 626, 10415, DIAMETER_TYPE_OCTET_STRING, TRUE},
        {"Supported-Features", 628, 10415, DIAMETER_TYPE_GROUPED, TRUE},
        {"Feature-List-ID", 629, 10415, DIAMETER_TYPE_UNSIGNED32, TRUE},
        {"Feature-List", 630, 10415, DIAMETER_TYPE_UNSIGNED32, TRUE},
        {"Originating-Request", 633, 10415, DIAMETER_TYPE_ENUMERATED, TRUE},
        {"UAR-Flags", 637, 10415, DIAMETER_TYPE_UNSIGNED32, FALSE},
    };
    for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
        const DiameterDictAvp *d = diameter_dict_avp(want[i].code, want[i].vendor);
        g_assert_nonnull(d);
        g_assert_cmpstr(d->name, ==, want[i].name);
        g_assert_cmpint(d->type, ==, want[i].type);
        g_assert_cmpint((d->flags & DIAMETER_AVP_FLAG_MANDATORY) != 0, ==, want[i].m);
    }
    /* Enumerated values (TS 29.229 §6.3.15, §6.3.24, §6.3.26) */
    const DiameterDictAvp *sat = diameter_dict_avp(TGPP_AVP_SERVER_ASSIGNMENT_TYPE, DIAMETER_VENDOR_3GPP);
    g_assert_cmpstr(diameter_dict_enum_name(sat, 1), ==, "REGISTRATION");
    g_assert_cmpstr(diameter_dict_enum_name(sat, 2), ==, "RE_REGISTRATION");
    g_assert_cmpstr(diameter_dict_enum_name(sat, 4), ==, "TIMEOUT_DEREGISTRATION");
    g_assert_cmpstr(diameter_dict_enum_name(sat, 5), ==, "USER_DEREGISTRATION");
    g_assert_cmpstr(diameter_dict_enum_name(sat, 8), ==, "ADMINISTRATIVE_DEREGISTRATION");
    g_assert_null(diameter_dict_enum_name(sat, 15));
    /* Commands (TS 29.229 §6.1, RFC 6733 §3.1) */
    static const struct {
        uint32_t app, code;
        const char *req;
    } cmds[] = {{16777216, 300, "UAR"}, {16777216, 301, "SAR"}, {16777216, 302, "LIR"}, {16777216, 303, "MAR"},
                {16777216, 304, "RTR"}, {16777216, 305, "PPR"}, {0, 257, "CER"},        {0, 280, "DWR"},
                {0, 282, "DPR"},        {16777216, 280, "DWR"}};
    for (guint i = 0; i < G_N_ELEMENTS(cmds); i++)
        g_assert_cmpstr(diameter_dict_command(cmds[i].app, cmds[i].code)->request_abbrev, ==, cmds[i].req);
    g_assert_null(diameter_dict_command(0, 300));
    /* Result codes (TS 29.229 §6.2, RFC 6733 §7.1) */
    g_assert_cmpstr(diameter_dict_result_name(10415, 2001), ==, "DIAMETER_FIRST_REGISTRATION");
    g_assert_cmpstr(diameter_dict_result_name(10415, 2002), ==, "DIAMETER_SUBSEQUENT_REGISTRATION");
    g_assert_cmpstr(diameter_dict_result_name(10415, 2003), ==, "DIAMETER_UNREGISTERED_SERVICE");
    g_assert_cmpstr(diameter_dict_result_name(10415, 2004), ==, "DIAMETER_SUCCESS_SERVER_NAME_NOT_STORED");
    g_assert_cmpstr(diameter_dict_result_name(10415, 5001), ==, "DIAMETER_ERROR_USER_UNKNOWN");
    g_assert_cmpstr(diameter_dict_result_name(10415, 5002), ==, "DIAMETER_ERROR_IDENTITIES_DONT_MATCH");
    g_assert_cmpstr(diameter_dict_result_name(10415, 5003), ==, "DIAMETER_ERROR_IDENTITY_NOT_REGISTERED");
    g_assert_cmpstr(diameter_dict_result_name(10415, 5004), ==, "DIAMETER_ERROR_ROAMING_NOT_ALLOWED");
    g_assert_cmpstr(diameter_dict_result_name(10415, 5006), ==, "DIAMETER_ERROR_AUTH_SCHEME_NOT_SUPPORTED");
    g_assert_cmpstr(diameter_dict_result_name(0, 2001), ==, "DIAMETER_SUCCESS");
    g_assert_cmpstr(diameter_dict_result_name(0, 5010), ==, "DIAMETER_NO_COMMON_APPLICATION");
    g_assert_null(diameter_dict_result_name(10415, 5010));
}

/* ---- golden bytes --------------------------------------------------------------------------- */

static void put_hex(GByteArray *a, const char *hex)
{
    for (const char *p = hex; *p;) {
        if (*p == ' ') {
            p++;
            continue;
        }
        g_assert_true(g_ascii_isxdigit(p[0]) && g_ascii_isxdigit(p[1]));
        uint8_t v = (uint8_t)(g_ascii_xdigit_value(p[0]) << 4 | g_ascii_xdigit_value(p[1]));
        g_byte_array_append(a, &v, 1);
        p += 2;
    }
}

static void put_text(GByteArray *a, const char *s)
{
    g_byte_array_append(a, (const uint8_t *)s, (guint)strlen(s));
}

static void test_golden_uar(void)
{
    GByteArray *g = g_byte_array_new();
    /* RFC 6733 §3: version 1, length 240 (0x0000f0), flags R|P (0xc0), command 300 (0x00012c),
     * application 16777216 (0x01000000), hop-by-hop 1, end-to-end 0x12340001. */
    put_hex(g, "01 0000f0  c0 00012c  01000000  00000001  12340001");
    /* §4.1: code, flags, 24-bit length (header + data, no padding), data, zero padding to 4. */
    put_hex(g, "00000107 40 00001a"); /* Session-Id 263, M, 8 + 18 */
    put_text(g, "icscf.home.net;1;1");
    put_hex(g, "0000");
    put_hex(g, "00000104 40 000020");            /* Vendor-Specific-Application-Id 260, M, 8 + 24 (§4.4) */
    put_hex(g, "  0000010a 40 00000c 000028af"); /*   Vendor-Id 266 = 10415 */
    put_hex(g, "  00000102 40 00000c 01000000"); /*   Auth-Application-Id 258 = 16777216 */
    put_hex(g, "00000115 40 00000c 00000001");   /* Auth-Session-State 277 = NO_STATE_MAINTAINED */
    put_hex(g, "00000108 40 000016");            /* Origin-Host 264, 8 + 14 */
    put_text(g, "icscf.home.net");
    put_hex(g, "0000");
    put_hex(g, "00000128 40 000010"); /* Origin-Realm 296, 8 + 8 */
    put_text(g, "home.net");
    put_hex(g, "0000011b 40 000010"); /* Destination-Realm 283, 8 + 8 */
    put_text(g, "home.net");
    put_hex(g, "00000001 40 000016"); /* User-Name 1, 8 + 14 */
    put_text(g, "alice@home.net");
    put_hex(g, "0000");
    /* TS 29.229 §6.3: V and M set, Vendor-ID 10415, header 12 bytes */
    put_hex(g, "00000259 c0 00001e 000028af"); /* Public-Identity 601, 12 + 18 */
    put_text(g, "sip:alice@home.net");
    put_hex(g, "0000");
    put_hex(g, "00000258 c0 000014 000028af"); /* Visited-Network-Identifier 600, 12 + 8 */
    put_text(g, "home.net");
    put_hex(g, "0000026f c0 000010 000028af 00000000"); /* User-Authorization-Type 623 = REGISTRATION */
    g_assert_cmpuint(g->len, ==, 240);

    CxUar uar = fx_uar();
    g_autoptr(GError) e = NULL;
    g_autoptr(GBytes) built = cx_uar_build(&uar, &e);
    g_assert_no_error(e);
    gsize len;
    const uint8_t *d = g_bytes_get_data(built, &len);
    g_assert_cmpmem(d, len, g->data, g->len);
    g_byte_array_unref(g);
}

/* ---- round trips ---------------------------------------------------------------------------- */

static void test_roundtrip_uar_uaa(void)
{
    g_autoptr(GError) e = NULL;
    CxUar uar = fx_uar(), got = {0};
    uar.common.destination_host = "hss.home.net";
    uar.user_authorization_type = CX_UAT_REGISTRATION_AND_CAPABILITIES;
    g_autoptr(GBytes) b = cx_uar_build(&uar, &e);
    g_autoptr(DiameterMsg) m = parse_bytes(b);
    g_assert_true(cx_uar_parse(m, &got, &e));
    assert_common(&got.common, &uar.common, TRUE);
    g_assert_cmpstr(got.user_name, ==, "alice@home.net");
    g_assert_cmpstr(got.public_identity, ==, "sip:alice@home.net");
    g_assert_cmpstr(got.visited_network_id, ==, "home.net");
    g_assert_cmpuint(got.user_authorization_type, ==, CX_UAT_REGISTRATION_AND_CAPABILITIES);
    g_autoptr(GBytes) again = cx_uar_build(&got, &e);
    assert_same_bytes(b, again);
    cx_uar_clear(&got);
    /* the wrong parser says so */
    CxUaa wrong;
    g_assert_false(cx_uaa_parse(m, &wrong, &e));
    g_assert_error(e, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_UNEXPECTED);
    g_clear_error(&e);

    CxUaa uaa = fx_uaa(), ga = {0};
    g_autoptr(GBytes) ba = cx_uaa_build(&uaa, &e);
    g_autoptr(DiameterMsg) ma = parse_bytes(ba);
    g_assert_cmpuint(diameter_msg_header(ma)->flags, ==, DIAMETER_FLAG_PROXIABLE);
    g_assert_true(cx_uaa_parse(ma, &ga, &e));
    assert_common(&ga.common, &uaa.common, FALSE);
    g_assert_cmpuint(ga.result.vendor, ==, 10415);
    g_assert_cmpuint(ga.result.code, ==, DIAMETER_FIRST_REGISTRATION);
    g_assert_true(cx_result_is_success(&ga.result));
    g_assert_null(ga.server_name);
    g_assert_true(ga.has_server_capabilities);
    g_assert_cmpuint(ga.server_capabilities.n_mandatory, ==, 2);
    g_assert_cmpuint(ga.server_capabilities.mandatory[0], ==, 1);
    g_assert_cmpuint(ga.server_capabilities.mandatory[1], ==, 7);
    g_assert_cmpuint(ga.server_capabilities.n_optional, ==, 1);
    g_assert_cmpuint(ga.server_capabilities.optional[0], ==, 3);
    g_assert_cmpuint(ga.server_capabilities.n_server_names, ==, 1);
    g_assert_cmpstr(ga.server_capabilities.server_names[0], ==, "sip:scscf.home.net:5060");
    g_autoptr(GBytes) again_a = cx_uaa_build(&ga, &e);
    assert_same_bytes(ba, again_a);
    cx_uaa_clear(&ga);

    /* An error answer: Experimental-Result DIAMETER_ERROR_USER_UNKNOWN, no server */
    CxUaa err = {.common = ans_common("icscf.home.net;1;1", 1),
                 .result = {DIAMETER_VENDOR_3GPP, DIAMETER_ERROR_USER_UNKNOWN}};
    g_autoptr(GBytes) be = cx_uaa_build(&err, &e);
    g_autoptr(DiameterMsg) me = parse_bytes(be);
    g_assert_true(cx_uaa_parse(me, &ga, &e));
    g_assert_cmpuint(ga.result.code, ==, 5001);
    g_assert_false(cx_result_is_success(&ga.result));
    g_assert_false(ga.has_server_capabilities);
    cx_uaa_clear(&ga);
    /* A protocol error (3xxx) sets 'E' (RFC 6733 §7.1.3) */
    CxUaa perr = {.common = ans_common("icscf.home.net;1;1", 1), .result = {0, DIAMETER_UNABLE_TO_DELIVER}};
    g_autoptr(GBytes) bp = cx_uaa_build(&perr, &e);
    g_autoptr(DiameterMsg) mp = parse_bytes(bp);
    g_assert_cmpuint(diameter_msg_header(mp)->flags, ==, DIAMETER_FLAG_PROXIABLE | DIAMETER_FLAG_ERROR);
}

static void test_roundtrip_mar_maa(void)
{
    g_autoptr(GError) e = NULL;
    for (int resync = 0; resync < 2; resync++) {
        CxMar mar = fx_mar(resync), got;
        g_autoptr(GBytes) b = cx_mar_build(&mar, &e);
        g_autoptr(DiameterMsg) m = parse_bytes(b);
        g_assert_true(cx_mar_parse(m, &got, &e));
        assert_common(&got.common, &mar.common, TRUE);
        g_assert_cmpstr(got.user_name, ==, "alice@home.net");
        g_assert_cmpstr(got.public_identity, ==, "sip:alice@home.net");
        g_assert_cmpstr(got.server_name, ==, "sip:scscf.home.net:5060");
        g_assert_cmpuint(got.number_auth_items, ==, 1);
        assert_item(&got.item, &mar.item);
        if (resync)
            g_assert_cmpmem(got.item.authorization, got.item.authorization_len, TEST_RAND_AUTS, 30);
        else
            g_assert_cmpuint(got.item.authorization_len, ==, 0);
        g_autoptr(GBytes) again = cx_mar_build(&got, &e);
        assert_same_bytes(b, again);
        cx_mar_clear(&got);
        g_assert_cmpuint(got.item.authorization_len, ==, 0);
    }

    CxAuthDataItem items[2] = {fx_item(), fx_item()};
    items[1].item_number = 2;
    items[1].authenticate[0] ^= 0xff;
    CxMaa maa = {.common = ans_common("scscf.home.net;1;42", 2), .result = SUCCESS, .user_name = "alice@home.net",
                 .public_identity = "sip:alice@home.net", .has_number_auth_items = TRUE, .number_auth_items = 2,
                 .items = items, .n_items = 2};
    CxMaa ga;
    g_autoptr(GBytes) ba = cx_maa_build(&maa, &e);
    g_autoptr(DiameterMsg) ma = parse_bytes(ba);
    g_assert_true(cx_maa_parse(ma, &ga, &e));
    assert_common(&ga.common, &maa.common, FALSE);
    g_assert_cmpuint(ga.result.vendor, ==, 0);
    g_assert_cmpuint(ga.result.code, ==, DIAMETER_SUCCESS);
    g_assert_cmpstr(ga.user_name, ==, "alice@home.net");
    g_assert_cmpstr(ga.public_identity, ==, "sip:alice@home.net");
    g_assert_true(ga.has_number_auth_items);
    g_assert_cmpuint(ga.number_auth_items, ==, 2);
    g_assert_cmpuint(ga.n_items, ==, 2);
    assert_item(&ga.items[0], &items[0]);
    assert_item(&ga.items[1], &items[1]);
    g_assert_cmpmem(ga.items[0].authenticate, 32, TEST_RAND_AUTN, 32);
    g_assert_cmpmem(ga.items[0].authorization, ga.items[0].authorization_len, TEST_XRES, sizeof TEST_XRES);
    g_assert_cmpmem(ga.items[0].ck, 16, TEST_CK, 16);
    g_assert_cmpmem(ga.items[0].ik, 16, TEST_IK, 16);
    g_autoptr(GBytes) again = cx_maa_build(&ga, &e);
    assert_same_bytes(ba, again);
    cx_maa_clear(&ga);
    g_assert_null(ga.items);

    /* A CK of the wrong size is refused with a reason */
    g_autoptr(DiameterBuilder) bb = diameter_builder_new(0x40, CX_CMD_MULTIMEDIA_AUTH, DIAMETER_APP_CX, 2, 2);
    diameter_builder_add_string(bb, DIAMETER_AVP_SESSION_ID, 0, "s");
    diameter_builder_add_u32(bb, DIAMETER_AVP_RESULT_CODE, 0, 2001);
    diameter_builder_add_string(bb, DIAMETER_AVP_ORIGIN_HOST, 0, "hss.home.net");
    diameter_builder_add_string(bb, DIAMETER_AVP_ORIGIN_REALM, 0, "home.net");
    diameter_builder_group_begin(bb, TGPP_AVP_SIP_AUTH_DATA_ITEM, DIAMETER_VENDOR_3GPP);
    diameter_builder_add_octets(bb, TGPP_AVP_CONFIDENTIALITY_KEY, DIAMETER_VENDOR_3GPP, TEST_CK, 15);
    diameter_builder_group_end(bb);
    g_autoptr(GBytes) bad = diameter_builder_finish(bb, &e);
    g_assert_no_error(e);
    g_autoptr(DiameterMsg) mbad = parse_bytes(bad);
    g_assert_false(cx_maa_parse(mbad, &ga, &e));
    g_assert_error(e, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_AVP_VALUE);
    g_assert_null(ga.items);
}

static void test_roundtrip_sar_saa(void)
{
    g_autoptr(GError) e = NULL;
    static const uint32_t types[] = {CX_SAT_REGISTRATION, CX_SAT_RE_REGISTRATION, CX_SAT_TIMEOUT_DEREGISTRATION,
                                     CX_SAT_USER_DEREGISTRATION, CX_SAT_ADMINISTRATIVE_DEREGISTRATION};
    for (guint i = 0; i < G_N_ELEMENTS(types); i++) {
        CxSar sar = fx_sar(), got;
        sar.server_assignment_type = types[i];
        sar.user_data_already_available = i % 2;
        g_autoptr(GBytes) b = cx_sar_build(&sar, &e);
        g_autoptr(DiameterMsg) m = parse_bytes(b);
        g_assert_true(cx_sar_parse(m, &got, &e));
        assert_common(&got.common, &sar.common, TRUE);
        g_assert_cmpstr(got.user_name, ==, "alice@home.net");
        g_assert_cmpstr(got.public_identity, ==, "sip:alice@home.net");
        g_assert_cmpstr(got.server_name, ==, "sip:scscf.home.net:5060");
        g_assert_cmpuint(got.server_assignment_type, ==, types[i]);
        g_assert_cmpuint(got.user_data_already_available, ==, i % 2);
        g_autoptr(GBytes) again = cx_sar_build(&got, &e);
        assert_same_bytes(b, again);
        cx_sar_clear(&got);
    }
    CxSaa saa = fx_saa(), ga;
    g_autoptr(GBytes) ba = cx_saa_build(&saa, &e);
    g_autoptr(DiameterMsg) ma = parse_bytes(ba);
    g_assert_true(cx_saa_parse(ma, &ga, &e));
    assert_common(&ga.common, &saa.common, FALSE);
    g_assert_cmpuint(ga.result.code, ==, DIAMETER_SUCCESS);
    g_assert_cmpstr(ga.user_name, ==, "alice@home.net");
    g_assert_cmpstr(ga.user_data, ==, USER_DATA);
    g_assert_true(ga.has_charging_information);
    g_assert_cmpstr(ga.primary_event_charging_function, ==, "aaa://ecf.home.net:3868");
    g_assert_null(ga.secondary_event_charging_function);
    g_assert_cmpstr(ga.primary_charging_collection_function, ==, "aaa://ccf.home.net:3868");
    g_assert_null(ga.secondary_charging_collection_function);
    g_autoptr(GBytes) again = cx_saa_build(&ga, &e);
    assert_same_bytes(ba, again);
    cx_saa_clear(&ga);
    /* SAR without Server-Name is refused by the builder */
    CxSar nosn = fx_sar();
    nosn.server_name = NULL;
    g_assert_null(cx_sar_build(&nosn, &e));
    g_assert_error(e, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_MISSING_AVP);
}

static void test_roundtrip_lir_lia(void)
{
    g_autoptr(GError) e = NULL;
    CxLir lir = fx_lir(), got;
    g_autoptr(GBytes) b = cx_lir_build(&lir, &e);
    g_autoptr(DiameterMsg) m = parse_bytes(b);
    g_assert_true(cx_lir_parse(m, &got, &e));
    assert_common(&got.common, &lir.common, TRUE);
    g_assert_cmpstr(got.public_identity, ==, "sip:bob@home.net");
    g_assert_true(got.originating_request);
    g_autoptr(GBytes) again = cx_lir_build(&got, &e);
    assert_same_bytes(b, again);
    cx_lir_clear(&got);

    CxLia lia = fx_lia(), ga;
    g_autoptr(GBytes) ba = cx_lia_build(&lia, &e);
    g_autoptr(DiameterMsg) ma = parse_bytes(ba);
    g_assert_true(cx_lia_parse(ma, &ga, &e));
    assert_common(&ga.common, &lia.common, FALSE);
    g_assert_cmpstr(ga.server_name, ==, "sip:scscf.home.net:5060");
    g_assert_false(ga.has_server_capabilities);
    g_autoptr(GBytes) again_a = cx_lia_build(&ga, &e);
    assert_same_bytes(ba, again_a);
    cx_lia_clear(&ga);
}

/* Missing required AVPs are named. */
static void test_missing_avps(void)
{
    g_autoptr(GError) e = NULL;
    g_autoptr(DiameterBuilder) b = diameter_builder_new(0xc0, CX_CMD_USER_AUTHORIZATION, DIAMETER_APP_CX, 1, 1);
    diameter_builder_add_string(b, DIAMETER_AVP_SESSION_ID, 0, "x;1;1");
    diameter_builder_add_string(b, DIAMETER_AVP_ORIGIN_HOST, 0, "icscf.home.net");
    diameter_builder_add_string(b, DIAMETER_AVP_ORIGIN_REALM, 0, "home.net");
    diameter_builder_add_string(b, DIAMETER_AVP_DESTINATION_REALM, 0, "home.net");
    diameter_builder_add_string(b, DIAMETER_AVP_USER_NAME, 0, "alice@home.net");
    g_autoptr(GBytes) bytes = diameter_builder_finish(b, &e);
    g_autoptr(DiameterMsg) m = parse_bytes(bytes);
    CxUar uar;
    g_assert_false(cx_uar_parse(m, &uar, &e));
    g_assert_error(e, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_MISSING_AVP);
    g_assert_nonnull(strstr(e->message, "Public-Identity"));
    g_assert_null(uar.user_name); /* cleared on failure */
}

/* ---- the generic codec ---------------------------------------------------------------------- */

static void test_builder_types(void)
{
    g_autoptr(GError) e = NULL;
    g_autoptr(DiameterBuilder) b = diameter_builder_new(0x80, 257, 0, 7, 9);
    DiameterAddress v4 = {DIAMETER_ADDRESS_IPV4, {10, 0, 0, 1}};
    DiameterAddress v6 = {DIAMETER_ADDRESS_IPV6, {0x20, 0x01, 0x0d, 0xb8, [15] = 1}};
    diameter_builder_add_address(b, DIAMETER_AVP_HOST_IP_ADDRESS, 0, &v4);
    diameter_builder_add_address(b, DIAMETER_AVP_HOST_IP_ADDRESS, 0, &v6);
    diameter_builder_add_u64(b, 9001, 0, G_GUINT64_CONSTANT(0x0102030405060708));
    diameter_builder_add_i32(b, 9002, 0, -5);
    diameter_builder_add_i64(b, 9003, 0, -6);
    diameter_builder_add_raw(b, 9004, DIAMETER_AVP_FLAG_PROTECTED | DIAMETER_AVP_FLAG_VENDOR, 0, "abc", 3);
    diameter_builder_add_octets(b, 9005, 77, "", 0);
    diameter_builder_group_begin(b, DIAMETER_AVP_PROXY_INFO, 0);
    diameter_builder_add_string(b, DIAMETER_AVP_PROXY_HOST, 0, "relay.home.net");
    diameter_builder_add_octets(b, DIAMETER_AVP_PROXY_STATE, 0, "\x00\x01", 2);
    diameter_builder_group_begin(b, DIAMETER_AVP_PROXY_INFO, 0); /* nested, empty */
    diameter_builder_group_end(b);
    diameter_builder_group_end(b);
    g_autoptr(GBytes) bytes = diameter_builder_finish(b, &e);
    g_assert_no_error(e);
    g_autoptr(DiameterMsg) m = parse_bytes(bytes);
    const DiameterHeader *h = diameter_msg_header(m);
    g_assert_cmpuint(h->version, ==, 1);
    g_assert_cmpuint(h->flags, ==, 0x80);
    g_assert_cmpuint(h->command, ==, 257);
    g_assert_cmpuint(h->hop_by_hop, ==, 7);
    g_assert_cmpuint(h->end_to_end, ==, 9);
    g_assert_cmpuint(h->length, ==, g_bytes_get_size(bytes));
    g_assert_cmpuint(diameter_msg_n_avps(m), ==, 11);
    g_assert_cmpuint(diameter_msg_count(m, NULL, DIAMETER_AVP_HOST_IP_ADDRESS, 0), ==, 2);

    DiameterAddress a;
    const DiameterAvp *p = diameter_msg_find(m, NULL, DIAMETER_AVP_HOST_IP_ADDRESS, 0);
    g_assert_true(diameter_avp_get_address(p, &a));
    g_assert_cmpmem(&a, sizeof a, &v4, sizeof v4);
    p = diameter_msg_find_next(m, p);
    g_assert_true(diameter_avp_get_address(p, &a));
    g_assert_cmpmem(&a, sizeof a, &v6, sizeof v6);
    g_assert_null(diameter_msg_find_next(m, p));
    uint64_t u64;
    int32_t i32;
    int64_t i64;
    uint32_t u32;
    g_assert_true(diameter_avp_get_u64(diameter_msg_find(m, NULL, 9001, 0), &u64));
    g_assert_cmphex(u64, ==, G_GUINT64_CONSTANT(0x0102030405060708));
    g_assert_true(diameter_avp_get_i32(diameter_msg_find(m, NULL, 9002, 0), &i32));
    g_assert_cmpint(i32, ==, -5);
    g_assert_true(diameter_avp_get_i64(diameter_msg_find(m, NULL, 9003, 0), &i64));
    g_assert_cmpint(i64, ==, -6);
    g_assert_false(diameter_avp_get_u32(diameter_msg_find(m, NULL, 9001, 0), &u32)); /* 8 bytes */
    p = diameter_msg_find(m, NULL, 9004, 0);
    g_assert_cmpuint(p->flags, ==, DIAMETER_AVP_FLAG_PROTECTED); /* V follows the vendor */
    g_assert_cmpmem(p->data, p->len, "abc", 3);
    p = diameter_msg_find(m, NULL, 9005, 77);
    g_assert_cmpuint(p->len, ==, 0);
    g_assert_cmpuint(p->flags, ==, DIAMETER_AVP_FLAG_VENDOR);
    char *s = diameter_avp_dup_string(p);
    g_assert_cmpstr(s, ==, "");
    g_free(s);
    const DiameterAvp *pi = diameter_msg_find(m, NULL, DIAMETER_AVP_PROXY_INFO, 0);
    g_assert_cmpuint(pi->depth, ==, 1);
    const DiameterAvp *c = diameter_avp_first_child(m, pi);
    g_assert_cmpuint(c->code, ==, DIAMETER_AVP_PROXY_HOST);
    g_assert_cmpuint(c->depth, ==, 2);
    c = diameter_avp_next(m, c);
    g_assert_cmpuint(c->code, ==, DIAMETER_AVP_PROXY_STATE);
    c = diameter_avp_next(m, c);
    g_assert_cmpuint(c->code, ==, DIAMETER_AVP_PROXY_INFO);
    g_assert_null(diameter_avp_first_child(m, c));
    g_assert_null(diameter_avp_next(m, c));
    g_assert_null(diameter_msg_find(m, NULL, DIAMETER_AVP_PROXY_HOST, 0)); /* only at depth 2 */

    /* A copy of a parsed AVP reproduces it exactly */
    g_autoptr(DiameterBuilder) b2 = diameter_builder_new(0x80, 257, 0, 7, 9);
    for (const DiameterAvp *x = diameter_msg_first(m); x; x = diameter_avp_next(m, x))
        diameter_builder_add_copy(b2, x);
    g_autoptr(GBytes) copy = diameter_builder_finish(b2, &e);
    assert_same_bytes(bytes, copy);
}

static void test_builder_errors(void)
{
    g_autoptr(GError) e = NULL;
    g_autoptr(DiameterBuilder) b = diameter_builder_new(0x80, 257, 0, 1, 1);
    diameter_builder_group_begin(b, DIAMETER_AVP_PROXY_INFO, 0);
    g_assert_null(diameter_builder_finish(b, &e));
    g_assert_error(e, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_UNEXPECTED);
    g_clear_error(&e);
    g_autoptr(DiameterBuilder) b2 = diameter_builder_new(0x80, 257, 0, 1, 1);
    uint8_t small[4] = {0};
    diameter_builder_add_octets(b2, 1, 0, small, DIAMETER_MAX_LEN); /* refused before reading DATA */
    g_assert_null(diameter_builder_finish(b2, &e));
    g_assert_error(e, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_TOO_BIG);
}

static void test_format(void)
{
    g_autoptr(GPtrArray) msgs = all_messages();
    g_autoptr(GString) out = g_string_new(NULL);
    for (guint i = 0; i < msgs->len; i++) {
        g_autoptr(DiameterMsg) m = parse_bytes(msgs->pdata[i]);
        diameter_format(m, out);
    }
    if (g_test_verbose())
        g_printerr("%s", out->str);
    static const char *want[] = {
        "UAR (User-Authorization Request, 300) flags=[RP--] app=16777216 (3GPP Cx) hbh=0x00000001",
        "  Session-Id(263) [-M-] = \"icscf.home.net;1;1\"\n",
        "  Vendor-Specific-Application-Id(260) [-M-]\n    Vendor-Id(266) [-M-] = 10415 (3GPP)\n"
        "    Auth-Application-Id(258) [-M-] = 16777216 (3GPP Cx)\n",
        "  Auth-Session-State(277) [-M-] = 1 (NO_STATE_MAINTAINED)\n",
        "  Public-Identity(601,10415) [VM-] = \"sip:alice@home.net\"\n",
        "  User-Authorization-Type(623,10415) [VM-] = 0 (REGISTRATION)\n",
        "    Experimental-Result-Code(298) [-M-] = 2001 (DIAMETER_FIRST_REGISTRATION)\n",
        "  Result-Code(268) [-M-] = 2001 (DIAMETER_SUCCESS)\n",
        "    SIP-Authenticate(609,10415) [VM-] = 0x23553cbe9637a89d218ae64dae47bf35555d4e6b0fa880001b6f8d0e504c7a21\n",
        "  Server-Assignment-Type(614,10415) [VM-] = 1 (REGISTRATION)\n",
        "  User-Data(606,10415) [VM-] = \"<?xml version=\\\"1.0\\\"",
        "MAA (Multimedia-Auth Answer, 303) flags=[-P--]",
    };
    for (guint i = 0; i < G_N_ELEMENTS(want); i++)
        if (!strstr(out->str, want[i]))
            g_error("diameter_format output lacks: %s\n---\n%s", want[i], out->str);
}

/* ---- malformed input ------------------------------------------------------------------------ */

/* Parses DATA; it must either parse or fail with a codec error. On success every accessor and
 * every Cx parser is run on the result (they must not crash either). */
static gboolean try_parse(const uint8_t *data, size_t len)
{
    GError *e = NULL;
    DiameterMsg *m = diameter_msg_parse(data, len, &e);
    if (!m) {
        g_assert_nonnull(e);
        g_assert_true(e->domain == DIAMETER_CODEC_ERROR);
        g_assert_cmpint(e->code, >=, DIAMETER_CODEC_ERROR_TRUNCATED);
        g_assert_cmpint(e->code, <=, DIAMETER_CODEC_ERROR_TOO_BIG);
        g_assert_cmpuint(diameter_codec_error_result_code(e), >=, 3000);
        g_error_free(e);
        return FALSE;
    }
    g_assert_null(e);
    GString *s = g_string_new(NULL);
    diameter_format(m, s);
    g_string_free(s, TRUE);
    CxUar a;
    CxUaa b;
    CxMar c;
    CxMaa d;
    CxSar f;
    CxSaa g;
    CxLir h;
    CxLia i;
    if (cx_uar_parse(m, &a, NULL))
        cx_uar_clear(&a);
    if (cx_uaa_parse(m, &b, NULL))
        cx_uaa_clear(&b);
    if (cx_mar_parse(m, &c, NULL))
        cx_mar_clear(&c);
    if (cx_maa_parse(m, &d, NULL))
        cx_maa_clear(&d);
    if (cx_sar_parse(m, &f, NULL))
        cx_sar_clear(&f);
    if (cx_saa_parse(m, &g, NULL))
        cx_saa_clear(&g);
    if (cx_lir_parse(m, &h, NULL))
        cx_lir_clear(&h);
    if (cx_lia_parse(m, &i, NULL))
        cx_lia_clear(&i);
    diameter_msg_free(m);
    return TRUE;
}

static void put24(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 16);
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)v;
}

static void test_truncations(void)
{
    g_autoptr(GPtrArray) msgs = all_messages();
    guint cases = 0;
    for (guint k = 0; k < msgs->len; k++) {
        gsize len;
        const uint8_t *d = g_bytes_get_data(msgs->pdata[k], &len);
        g_assert_true(try_parse(d, len));
        for (size_t cut = 0; cut < len; cut++) {
            /* As received: the header still claims the full length */
            g_assert_false(try_parse(d, cut));
            /* With the length patched to the cut: structure cut inside an AVP, or on a boundary */
            if (cut >= DIAMETER_HEADER_LEN) {
                uint8_t *c = g_memdup2(d, cut);
                put24(c + 1, (uint32_t)cut);
                (void)try_parse(c, cut);
                g_free(c);
            }
            cases++;
        }
        /* Trailing bytes after the message are a length mismatch */
        uint8_t *longer = g_malloc0(len + 4);
        memcpy(longer, d, len);
        GError *e = NULL;
        g_assert_null(diameter_msg_parse(longer, len + 4, &e));
        g_assert_error(e, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_MESSAGE_LENGTH);
        g_error_free(e);
        g_free(longer);
    }
    g_assert_cmpuint(cases, >, 2000);
}

static void test_random(void)
{
    GRand *r = g_rand_new_with_seed(20240601);
    guint parsed = 0;
    uint8_t buf[700];
    for (int i = 0; i < 20000; i++) {
        size_t len = (size_t)g_rand_int_range(r, 0, sizeof buf);
        for (size_t j = 0; j < len; j++)
            buf[j] = (uint8_t)g_rand_int_range(r, 0, 256);
        /* Half of the cases get a plausible header so that the AVP parser sees the bytes */
        if (i % 2 && len >= DIAMETER_HEADER_LEN) {
            len &= ~(size_t)3;
            buf[0] = 1;
            put24(buf + 1, (uint32_t)len);
            buf[4] &= 0xdf;
        }
        parsed += try_parse(buf, len);
    }
    g_rand_free(r);
    if (g_test_verbose())
        g_printerr("random: %u of 20000 parsed\n", parsed);
}

static void test_mutations(void)
{
    g_autoptr(GPtrArray) msgs = all_messages();
    GRand *r = g_rand_new_with_seed(6733);
    guint parsed = 0;
    for (int i = 0; i < 20000; i++) {
        gsize len;
        const uint8_t *d = g_bytes_get_data(msgs->pdata[(guint)i % msgs->len], &len);
        uint8_t *c = g_memdup2(d, len);
        int flips = g_rand_int_range(r, 1, 5);
        for (int f = 0; f < flips; f++) {
            size_t at = (size_t)g_rand_int_range(r, 0, (gint32)len);
            if (g_rand_boolean(r))
                c[at] ^= (uint8_t)(1u << g_rand_int_range(r, 0, 8));
            else
                c[at] = (uint8_t)g_rand_int_range(r, 0, 256);
        }
        parsed += try_parse(c, len);
        g_free(c);
    }
    g_rand_free(r);
    g_assert_cmpuint(parsed, >, 0);
    if (g_test_verbose())
        g_printerr("mutations: %u of 20000 parsed\n", parsed);
}

static void expect_error(const char *hex, int code)
{
    GByteArray *a = g_byte_array_new();
    put_hex(a, hex);
    GError *e = NULL;
    DiameterMsg *m = diameter_msg_parse(a->data, a->len, &e);
    if (!e || e->domain != DIAMETER_CODEC_ERROR || e->code != code)
        g_error("%s: want error %d, got %s", hex, code, e ? e->message : "success");
    g_assert_null(m);
    g_error_free(e);
    g_byte_array_unref(a);
}

#define HDR(len) "01 " len " 80000101 00000000 00000001 00000001 "

static void test_bad_lengths(void)
{
    expect_error("", DIAMETER_CODEC_ERROR_TRUNCATED);
    expect_error("01 000014 80000101 00000000 00000001", DIAMETER_CODEC_ERROR_TRUNCATED);
    expect_error("02 000014 80000101 00000000 00000001 00000001", DIAMETER_CODEC_ERROR_VERSION);
    expect_error(HDR("000013"), DIAMETER_CODEC_ERROR_MESSAGE_LENGTH);            /* below 20 */
    expect_error(HDR("000016") "0000", DIAMETER_CODEC_ERROR_MESSAGE_LENGTH);     /* not a multiple of 4 */
    expect_error(HDR("000018"), DIAMETER_CODEC_ERROR_TRUNCATED);                 /* says 24, has 20 */
    expect_error("01 000014 a0000101 00000000 00000001 00000001", DIAMETER_CODEC_ERROR_HEADER_BITS); /* R+E */
    expect_error(HDR("000018") "00000001", DIAMETER_CODEC_ERROR_TRUNCATED);      /* 4 bytes: no AVP header */
    expect_error(HDR("00001c") "00000001 40000007", DIAMETER_CODEC_ERROR_AVP_LENGTH);  /* AVP length 7 < 8 */
    expect_error(HDR("000020") "00000001 c000000b 00000000", DIAMETER_CODEC_ERROR_AVP_LENGTH); /* V: 11 < 12 */
    expect_error(HDR("00001c") "00000001 40000009", DIAMETER_CODEC_ERROR_AVP_LENGTH);  /* 9 > 8 left */
    expect_error(HDR("000020") "00000001 4000000d 41424344", DIAMETER_CODEC_ERROR_AVP_LENGTH); /* 13 > 12 left */
    expect_error(HDR("000020") "0000010c 40000008 00000000", DIAMETER_CODEC_ERROR_AVP_LENGTH); /* Result-Code, 0 B */
    expect_error(HDR("000024") "0000010c 4000000d 00000000 01000000", DIAMETER_CODEC_ERROR_AVP_LENGTH); /* 5 B */
    /* Address: IPv4 family with 5 address bytes, IPv6 family with 4 */
    expect_error(HDR("000024") "00000101 4000000f 00010a00 00010000", DIAMETER_CODEC_ERROR_AVP_LENGTH);
    expect_error(HDR("000024") "00000101 4000000e 0002 0a000001 0000", DIAMETER_CODEC_ERROR_AVP_LENGTH);
    /* Grouped (Vendor-Specific-Application-Id) whose content overruns / is a stray fragment */
    expect_error(HDR("000024") "00000104 40000010 0000010a 40000010", DIAMETER_CODEC_ERROR_GROUPED);
    expect_error(HDR("000020") "00000104 4000000c 0000010a", DIAMETER_CODEC_ERROR_GROUPED);
    expect_error(HDR("000028") "00000104 40000014 0000010a 40000007 00000000", DIAMETER_CODEC_ERROR_GROUPED);
    expect_error(HDR("00002c") "00000104 40000018 0000010a 4000000c 000028af 00000000", /* 4 stray bytes */
                 DIAMETER_CODEC_ERROR_GROUPED);
    /* ... while a well-framed child of the wrong size for its type is an AVP length error */
    expect_error(HDR("000028") "00000104 40000014 0000010a 4000000a 28af0000", DIAMETER_CODEC_ERROR_AVP_LENGTH);
    /* Failed-AVP may carry the malformed AVP it reports (RFC 6733 §7.1.5): kept opaque, not an error */
    GByteArray *fa = g_byte_array_new();
    put_hex(fa, HDR("000024") "00000117 40000010 0000010c 40000007");
    g_autoptr(DiameterMsg) fm = diameter_msg_parse(fa->data, fa->len, NULL);
    g_assert_nonnull(fm);
    g_assert_null(diameter_avp_first_child(fm, diameter_msg_first(fm)));
    g_autoptr(GString) fs = g_string_new(NULL);
    diameter_format(fm, fs);
    g_assert_nonnull(strstr(fs->str, "Failed-AVP(279) [-M-] = 0x0000010c40000007\n"));
    g_byte_array_unref(fa);
    /* Not UTF-8: parses (OctetString-level), but typed access refuses it */
    GByteArray *a = g_byte_array_new();
    put_hex(a, HDR("000020") "00000001 4000000a ff000000");
    g_autoptr(DiameterMsg) m = diameter_msg_parse(a->data, a->len, NULL);
    g_assert_nonnull(m);
    g_assert_null(diameter_avp_dup_string(diameter_msg_find(m, NULL, DIAMETER_AVP_USER_NAME, 0)));
    g_byte_array_unref(a);
}

/* Proxy-Info (Grouped) nested N deep around a Proxy-Host. */
static GByteArray *nested(guint n)
{
    GByteArray *a = g_byte_array_new();
    size_t total = DIAMETER_HEADER_LEN + 8 * (size_t)n + 12;
    uint8_t h[20] = {1, 0, 0, 0, 0x80, 0, 0x01, 0x01};
    put24(h + 1, (uint32_t)total);
    g_byte_array_append(a, h, sizeof h);
    for (guint i = 0; i < n; i++) {
        uint8_t g[8] = {0, 0, 0x01, 0x1c, 0x40};
        put24(g + 5, (uint32_t)(8 * (n - i) + 12));
        g_byte_array_append(a, g, sizeof g);
    }
    uint8_t leaf[12] = {0, 0, 0x01, 0x18, 0x40, 0, 0, 12, 'a', '.', 'b', 'c'};
    g_byte_array_append(a, leaf, sizeof leaf);
    g_assert_cmpuint(a->len, ==, total);
    return a;
}

static void test_deep_nesting(void)
{
    /* DIAMETER_MAX_DEPTH levels of AVPs: MAX_DEPTH - 1 groups around the leaf are fine */
    GByteArray *ok = nested(DIAMETER_MAX_DEPTH - 1);
    g_autoptr(DiameterMsg) m = diameter_msg_parse(ok->data, ok->len, NULL);
    g_assert_nonnull(m);
    g_assert_cmpuint(diameter_msg_n_avps(m), ==, DIAMETER_MAX_DEPTH);
    g_byte_array_unref(ok);
    static const guint deep[] = {DIAMETER_MAX_DEPTH, DIAMETER_MAX_DEPTH + 1, 100, 10000};
    for (guint i = 0; i < G_N_ELEMENTS(deep); i++) {
        GByteArray *a = nested(deep[i]);
        GError *e = NULL;
        g_assert_null(diameter_msg_parse(a->data, a->len, &e));
        g_assert_error(e, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_TOO_DEEP);
        g_assert_cmpuint(diameter_codec_error_result_code(e), ==, DIAMETER_INVALID_AVP_VALUE);
        g_error_free(e);
        g_byte_array_unref(a);
    }
    /* The builder can make deep groups; the parser refuses them */
    g_autoptr(DiameterBuilder) b = diameter_builder_new(0x80, 257, 0, 1, 1);
    for (int i = 0; i < 20; i++)
        diameter_builder_group_begin(b, DIAMETER_AVP_PROXY_INFO, 0);
    diameter_builder_add_string(b, DIAMETER_AVP_PROXY_HOST, 0, "x");
    for (int i = 0; i < 20; i++)
        diameter_builder_group_end(b);
    g_autoptr(GBytes) bytes = diameter_builder_finish(b, NULL);
    g_assert_false(try_parse(g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes)));
}

static void test_result_code_mapping(void)
{
    static const struct {
        int code;
        uint32_t result;
    } map[] = {{DIAMETER_CODEC_ERROR_VERSION, 5011},        {DIAMETER_CODEC_ERROR_MESSAGE_LENGTH, 5015},
               {DIAMETER_CODEC_ERROR_TRUNCATED, 5015},      {DIAMETER_CODEC_ERROR_HEADER_BITS, 3008},
               {DIAMETER_CODEC_ERROR_AVP_LENGTH, 5014},     {DIAMETER_CODEC_ERROR_GROUPED, 5004},
               {DIAMETER_CODEC_ERROR_MISSING_AVP, 5005},    {DIAMETER_CODEC_ERROR_UNEXPECTED, 5012}};
    for (guint i = 0; i < G_N_ELEMENTS(map); i++) {
        GError *e = g_error_new_literal(DIAMETER_CODEC_ERROR, map[i].code, "x");
        g_assert_cmpuint(diameter_codec_error_result_code(e), ==, map[i].result);
        g_error_free(e);
    }
}

/* ---- framing -------------------------------------------------------------------------------- */

static void test_framing(void)
{
    g_autoptr(GPtrArray) msgs = all_messages();
    GByteArray *stream = g_byte_array_new();
    for (guint i = 0; i < msgs->len; i++)
        g_byte_array_append(stream, g_bytes_get_data(msgs->pdata[i], NULL), (guint)g_bytes_get_size(msgs->pdata[i]));
    GRand *r = g_rand_new_with_seed(3868);
    for (int round = 0; round < 200; round++) {
        /* Feed the stream in random pieces (1 byte up to several messages at once) */
        GByteArray *rx = g_byte_array_new();
        guint next = 0;
        size_t fed = 0;
        while (fed < stream->len) {
            size_t piece = round == 0 ? 1 : (size_t)g_rand_int_range(r, 1, 1200);
            piece = MIN(piece, stream->len - fed);
            g_byte_array_append(rx, stream->data + fed, (guint)piece);
            fed += piece;
            for (;;) {
                size_t need;
                GError *e = NULL;
                g_assert_true(diameter_frame_check(rx->data, rx->len, 65536, &need, &e));
                g_assert_no_error(e);
                if (need == 0 || rx->len < need)
                    break;
                GBytes *want = msgs->pdata[next++];
                g_assert_cmpmem(rx->data, need, g_bytes_get_data(want, NULL), g_bytes_get_size(want));
                g_byte_array_remove_range(rx, 0, (guint)need);
            }
        }
        g_assert_cmpuint(next, ==, msgs->len);
        g_assert_cmpuint(rx->len, ==, 0);
        g_byte_array_unref(rx);
    }
    g_rand_free(r);
    g_byte_array_unref(stream);

    size_t need = 99;
    GError *e = NULL;
    static const uint8_t three[3] = {1, 0, 0};
    g_assert_true(diameter_frame_check(three, 3, 65536, &need, &e));
    g_assert_cmpuint(need, ==, 0);
    static const uint8_t absurd[4] = {1, 0xff, 0xff, 0xfc};
    g_assert_false(diameter_frame_check(absurd, 4, 65536, &need, &e));
    g_assert_error(e, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_MESSAGE_LENGTH);
    g_assert_cmpuint(need, ==, 0);
    g_clear_error(&e);
    static const uint8_t small[4] = {1, 0, 0, 16};
    g_assert_false(diameter_frame_check(small, 4, 65536, &need, &e));
    g_assert_error(e, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_MESSAGE_LENGTH);
    g_clear_error(&e);
    static const uint8_t odd[4] = {1, 0, 0, 22};
    g_assert_false(diameter_frame_check(odd, 4, 65536, &need, &e));
    g_clear_error(&e);
    static const uint8_t http[4] = {'G', 'E', 'T', ' '};
    g_assert_false(diameter_frame_check(http, 4, 65536, &need, &e));
    g_assert_error(e, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_VERSION);
    g_clear_error(&e);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/diameter/dict/tables", test_dict_tables);
    g_test_add_func("/diameter/dict/codes", test_dict_codes);
    g_test_add_func("/diameter/golden-uar", test_golden_uar);
    g_test_add_func("/diameter/cx/uar-uaa", test_roundtrip_uar_uaa);
    g_test_add_func("/diameter/cx/mar-maa", test_roundtrip_mar_maa);
    g_test_add_func("/diameter/cx/sar-saa", test_roundtrip_sar_saa);
    g_test_add_func("/diameter/cx/lir-lia", test_roundtrip_lir_lia);
    g_test_add_func("/diameter/cx/missing-avps", test_missing_avps);
    g_test_add_func("/diameter/builder/types", test_builder_types);
    g_test_add_func("/diameter/builder/errors", test_builder_errors);
    g_test_add_func("/diameter/format", test_format);
    g_test_add_func("/diameter/malformed/truncations", test_truncations);
    g_test_add_func("/diameter/malformed/random", test_random);
    g_test_add_func("/diameter/malformed/mutations", test_mutations);
    g_test_add_func("/diameter/malformed/bad-lengths", test_bad_lengths);
    g_test_add_func("/diameter/malformed/deep-nesting", test_deep_nesting);
    g_test_add_func("/diameter/malformed/result-codes", test_result_code_mapping);
    g_test_add_func("/diameter/framing", test_framing);
    return g_test_run();
}
