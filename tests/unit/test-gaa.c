/* test-gaa.c: the Zh and Zn messages of TS 29.109 (protocols/diameter/gaa.h).
 *
 * - dictionary: the AVP codes, types and M bits of table 6.3.1 (as Wireshark's dictionary.xml has
 *   the codes: 400-410, vendor 10415), applications 16777220/16777221, command 310, results
 *   5401-5403; diameter_format() names every Zh/Zn AVP, enumerated value and result;
 * - round trips of Zh MAR (plain and resynchronising), Zh MAA (success with vector and GUSS, and
 *   5401), Zn BIR and Zn BIA with exact field values, the wire flags (V, M, R, P, E) and AVP order
 *   of the ABNF, and rebuild == original bytes;
 * - refusals: missing mandatory AVPs, wrong application / command / R flag, bad lengths and values
 *   (ME-Key-Material, GSID, NAF-Id), builder inputs; every truncation and 5,000 mutations of every
 *   message never crash and always fail cleanly or parse into something that clears;
 * - tshark (when installed): each message wrapped by text2pcap in TCP port 3868 is dissected as
 *   Diameter Zh/Zn with our command codes and AVP values, nothing malformed.
 */
#include "protocols/diameter/gaa.h"
#include "tests/lib/test-util.h"
#include <glib/gstdio.h>
#include <string.h>

#define V3 DIAMETER_VENDOR_3GPP

/* ---- fixtures ------------------------------------------------------------------------------- */

static const uint8_t KS_NAF[32] = {0x61, 0x3a, 0x0c, 0x5e, 0x95, 0xd8, 0x8f, 0x10, 0xe7, 0x59, 0x41,
                                   0x05, 0x93, 0xf0, 0x1b, 0x6f, 0x3b, 0x22, 0x4c, 0x71, 0x80, 0x07,
                                   0x9e, 0x2a, 0x5d, 0x66, 0xc1, 0xd4, 0x28, 0x3f, 0xb0, 0x77};
/* "xcap.home.net" || Ua security protocol id 01 00 00 00 02 (TS 33.220 Annex H.3) */
static const uint8_t NAF_ID[18] = {'x', 'c', 'a', 'p', '.', 'h', 'o', 'm', 'e', '.', 'n', 'e', 't',
                                   0x01, 0x00, 0x00, 0x00, 0x02};
static const char GUSS[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<guss xmlns=\"uri:3gpp-gaa\"><bsfElement>"
                           "<uiccType>GBA</uiccType><lifeTime>3600</lifeTime></bsfElement><ussList><uss id=\"1\" "
                           "type=\"1\"><uids><uid>sip:alice@home.net</uid></uids><flags/></uss></ussList></guss>";
#define BTID "I4Y8vpY3qJ0hiuZNrke/NQ==@bsf.home.net"

static CxCommon req_common(const char *sid, const char *host, uint32_t hbh)
{
    return (CxCommon){.session_id = (char *)sid,
                      .origin_host = (char *)host,
                      .origin_realm = "home.net",
                      .destination_realm = "home.net",
                      .destination_host = "hss.home.net",
                      .hop_by_hop = hbh,
                      .end_to_end = 0x55660000u | hbh};
}

static CxCommon ans_common(const char *sid, const char *host, uint32_t hbh)
{
    return (CxCommon){.session_id = (char *)sid,
                      .origin_host = (char *)host,
                      .origin_realm = "home.net",
                      .hop_by_hop = hbh,
                      .end_to_end = 0x55660000u | hbh};
}

static GaaZhMar fx_mar(gboolean resync)
{
    GaaZhMar m = {.common = req_common("bsf.home.net;1;1", "bsf.home.net", 1), .user_name = "alice@home.net"};
    m.item.scheme = CX_SCHEME_AKAV1_MD5;
    if (resync) {
        memcpy(m.item.authorization, TEST_RAND_AUTS, sizeof TEST_RAND_AUTS);
        m.item.authorization_len = sizeof TEST_RAND_AUTS;
    }
    return m;
}

static GaaZhMaa fx_maa(void)
{
    GaaZhMaa a = {.common = ans_common("bsf.home.net;1;1", "hss.home.net", 1),
                  .result = {0, DIAMETER_SUCCESS},
                  .user_name = "alice@home.net",
                  .has_item = TRUE,
                  .guss = (char *)GUSS};
    a.item.has_item_number = TRUE;
    a.item.item_number = 1;
    a.item.scheme = CX_SCHEME_AKAV1_MD5;
    memcpy(a.item.authenticate, TEST_RAND_AUTN, 32);
    a.item.authenticate_len = 32;
    memcpy(a.item.authorization, TEST_XRES, sizeof TEST_XRES);
    a.item.authorization_len = sizeof TEST_XRES;
    a.item.has_ck = a.item.has_ik = TRUE;
    memcpy(a.item.ck, TEST_CK, 16);
    memcpy(a.item.ik, TEST_IK, 16);
    return a;
}

static GaaZnBir fx_bir(void)
{
    GaaZnBir m = {.common = req_common("xcap.home.net;1;7", "xcap.home.net", 7),
                  .transaction_identifier = BTID,
                  .naf_id_len = sizeof NAF_ID,
                  .has_gba_u_awareness = TRUE,
                  .gba_u_awareness = GAA_GBA_U_AWARE_YES,
                  .has_gaa_service_identifier = TRUE,
                  .gaa_service_identifier = 4};
    m.common.destination_host = "bsf.home.net";
    memcpy(m.naf_id, NAF_ID, sizeof NAF_ID);
    return m;
}

static GaaZnBia fx_bia(void)
{
    GaaZnBia a = {.common = ans_common("xcap.home.net;1;7", "bsf.home.net", 7),
                  .result = {0, DIAMETER_SUCCESS},
                  .user_name = "alice@home.net",
                  .has_me_key = TRUE,
                  .has_key_expiry_time = TRUE,
                  .key_expiry_time = 3913056000u + 3600u, /* 2024-01-01 + 1 h, NTP seconds */
                  .has_bootstrap_time = TRUE,
                  .bootstrap_time = 3913056000u,
                  .has_gba_type = TRUE,
                  .gba_type = GAA_GBA_TYPE_3G,
                  .guss = (char *)GUSS};
    memcpy(a.me_key, KS_NAF, sizeof KS_NAF);
    return a;
}

static DiameterMsg *parse_bytes(GBytes *b)
{
    gsize n;
    const uint8_t *p = g_bytes_get_data(b, &n);
    GError *err = NULL;
    DiameterMsg *m = diameter_msg_parse(p, n, &err);
    g_assert_no_error(err);
    return m;
}

static void assert_bytes_equal(GBytes *a, GBytes *b)
{
    gsize na, nb;
    const uint8_t *pa = g_bytes_get_data(a, &na), *pb = g_bytes_get_data(b, &nb);
    g_assert_cmpmem(pa, na, pb, nb);
}

/* The codes of the top-level AVPs of M, in order, as "code,code,...". */
static char *top_codes(const DiameterMsg *m)
{
    GString *s = g_string_new(NULL);
    for (const DiameterAvp *a = diameter_msg_first(m); a; a = diameter_avp_next(m, a))
        g_string_append_printf(s, "%s%u", s->len ? "," : "", a->code);
    return g_string_free(s, FALSE);
}

static void assert_common(const CxCommon *got, const CxCommon *want, gboolean request)
{
    g_assert_cmpstr(got->session_id, ==, want->session_id);
    g_assert_cmpstr(got->origin_host, ==, want->origin_host);
    g_assert_cmpstr(got->origin_realm, ==, want->origin_realm);
    g_assert_cmpuint(got->hop_by_hop, ==, want->hop_by_hop);
    g_assert_cmpuint(got->end_to_end, ==, want->end_to_end);
    if (request) {
        g_assert_cmpstr(got->destination_realm, ==, want->destination_realm);
        g_assert_cmpstr(got->destination_host, ==, want->destination_host);
    }
}

/* ---- dictionary ----------------------------------------------------------------------------- */

static void test_dict(void)
{
    /* TS 29.109 table 6.3.1; the codes as in Wireshark's diameter/dictionary.xml */
    static const struct {
        uint32_t code;
        const char *name;
        DiameterAvpType type;
        gboolean m;
    } want[] = {
        {400, "GBA-UserSecSettings", DIAMETER_TYPE_OCTET_STRING, TRUE},
        {401, "Transaction-Identifier", DIAMETER_TYPE_OCTET_STRING, TRUE},
        {402, "NAF-Id", DIAMETER_TYPE_OCTET_STRING, TRUE},
        {403, "GAA-Service-Identifier", DIAMETER_TYPE_OCTET_STRING, TRUE},
        {404, "Key-ExpiryTime", DIAMETER_TYPE_TIME, TRUE},
        {405, "ME-Key-Material", DIAMETER_TYPE_OCTET_STRING, TRUE},
        {406, "UICC-Key-Material", DIAMETER_TYPE_OCTET_STRING, TRUE},
        {407, "GBA_U-Awareness-Indicator", DIAMETER_TYPE_ENUMERATED, TRUE},
        {408, "BootstrapInfoCreationTime", DIAMETER_TYPE_TIME, TRUE},
        {409, "GUSS-Timestamp", DIAMETER_TYPE_TIME, FALSE},
        {410, "GBA-Type", DIAMETER_TYPE_ENUMERATED, TRUE},
    };
    for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
        const DiameterDictAvp *d = diameter_dict_avp(want[i].code, V3);
        g_assert_nonnull(d);
        g_assert_cmpstr(d->name, ==, want[i].name);
        g_assert_cmpint(d->type, ==, want[i].type);
        g_assert_cmpint((d->flags & DIAMETER_AVP_FLAG_MANDATORY) != 0, ==, want[i].m);
        g_assert_null(diameter_dict_avp(want[i].code, 0)); /* vendor-specific only */
    }
    g_assert_cmpuint(GAA_AVP_GBA_USERSECSETTINGS, ==, 400);
    g_assert_cmpuint(GAA_AVP_GBA_TYPE, ==, 410);
    g_assert_cmpstr(diameter_dict_enum_name(diameter_dict_avp(407, V3), 1), ==, "YES");
    g_assert_cmpstr(diameter_dict_enum_name(diameter_dict_avp(410, V3), 0), ==, "3G GBA");
    g_assert_cmpstr(diameter_dict_enum_name(diameter_dict_avp(410, V3), 1), ==, "2G GBA");
    g_assert_cmpstr(diameter_dict_app_name(GAA_APP_ZH), ==, "3GPP Zh");
    g_assert_cmpstr(diameter_dict_app_name(GAA_APP_ZN), ==, "3GPP Zn");
    g_assert_cmpuint(GAA_APP_ZH, ==, 16777221u);
    g_assert_cmpuint(GAA_APP_ZN, ==, 16777220u);
    const DiameterDictCommand *bi = diameter_dict_command(GAA_APP_ZN, 310);
    g_assert_nonnull(bi);
    g_assert_cmpstr(bi->request_abbrev, ==, "BIR");
    g_assert_cmpstr(bi->answer_abbrev, ==, "BIA");
    g_assert_cmpstr(diameter_dict_command(GAA_APP_ZH, 303)->request_abbrev, ==, "MAR");
    g_assert_null(diameter_dict_command(GAA_APP_ZH, 300)); /* no UAR on Zh */
    g_assert_null(diameter_dict_command(DIAMETER_APP_CX, 310));
    g_assert_cmpstr(diameter_dict_result_name(V3, 5401), ==, "DIAMETER_ERROR_IDENTITY_UNKNOWN");
    g_assert_cmpstr(diameter_dict_result_name(V3, 5402), ==, "DIAMETER_ERROR_NOT_AUTHORIZED");
    g_assert_cmpstr(diameter_dict_result_name(V3, 5403), ==, "DIAMETER_ERROR_TRANSACTION_IDENTIFIER_INVALID");
    g_assert_null(diameter_dict_result_name(0, 5401));
}

/* ---- round trips ---------------------------------------------------------------------------- */

static void test_zh_mar(void)
{
    for (int resync = 0; resync < 2; resync++) {
        GaaZhMar m = fx_mar(resync);
        GError *err = NULL;
        g_autoptr(GBytes) b = gaa_zh_mar_build(&m, &err);
        g_assert_no_error(err);
        g_autoptr(DiameterMsg) msg = parse_bytes(b);
        const DiameterHeader *h = diameter_msg_header(msg);
        g_assert_cmpuint(h->command, ==, 303);
        g_assert_cmpuint(h->app_id, ==, GAA_APP_ZH);
        g_assert_cmpuint(h->flags, ==, DIAMETER_FLAG_REQUEST | DIAMETER_FLAG_PROXIABLE);
        /* §4.2 ABNF: Session-Id, VSAI, Auth-Session-State, Origin-*, Destination-*, User-Name,
         * SIP-Auth-Data-Item; no SIP-Number-Auth-Items, no Server-Name on Zh */
        g_autofree char *codes = top_codes(msg);
        g_assert_cmpstr(codes, ==, "263,260,277,264,296,283,293,1,612");
        const DiameterAvp *vsai = diameter_msg_find(msg, NULL, DIAMETER_AVP_VENDOR_SPECIFIC_APPLICATION_ID, 0);
        uint32_t app = 0;
        g_assert_true(
            diameter_avp_get_u32(diameter_msg_find(msg, vsai, DIAMETER_AVP_AUTH_APPLICATION_ID, 0), &app));
        g_assert_cmpuint(app, ==, GAA_APP_ZH);
        GaaZhMar p;
        g_assert_true(gaa_zh_mar_parse(msg, &p, &err));
        g_assert_no_error(err);
        assert_common(&p.common, &m.common, TRUE);
        g_assert_cmpstr(p.user_name, ==, "alice@home.net");
        g_assert_null(p.public_identity);
        g_assert_cmpuint(p.number_auth_items, ==, 1);
        g_assert_cmpstr(p.item.scheme, ==, CX_SCHEME_AKAV1_MD5);
        g_assert_cmpuint(p.item.authorization_len, ==, resync ? sizeof TEST_RAND_AUTS : 0);
        if (resync)
            g_assert_cmpmem(p.item.authorization, p.item.authorization_len, TEST_RAND_AUTS, sizeof TEST_RAND_AUTS);
        g_autoptr(GBytes) again = gaa_zh_mar_build(&p, &err);
        g_assert_no_error(err);
        assert_bytes_equal(b, again);
        gaa_zh_mar_clear(&p);
        g_assert_null(p.user_name);
    }
    /* by IMPU only, no item at all */
    GaaZhMar m = {.common = req_common("bsf.home.net;1;2", "bsf.home.net", 2), .public_identity = "sip:a@home.net"};
    GError *err = NULL;
    g_autoptr(GBytes) b = gaa_zh_mar_build(&m, &err);
    g_assert_no_error(err);
    g_autoptr(DiameterMsg) msg = parse_bytes(b);
    g_assert_null(diameter_msg_find(msg, NULL, TGPP_AVP_SIP_AUTH_DATA_ITEM, V3));
    GaaZhMar p;
    g_assert_true(gaa_zh_mar_parse(msg, &p, &err));
    g_assert_null(p.user_name);
    g_assert_cmpstr(p.public_identity, ==, "sip:a@home.net");
    g_assert_null(p.item.scheme);
    gaa_zh_mar_clear(&p);
}

static void test_zh_maa(void)
{
    GaaZhMaa a = fx_maa();
    GError *err = NULL;
    g_autoptr(GBytes) b = gaa_zh_maa_build(&a, &err);
    g_assert_no_error(err);
    g_autoptr(DiameterMsg) msg = parse_bytes(b);
    const DiameterHeader *h = diameter_msg_header(msg);
    g_assert_cmpuint(h->flags, ==, DIAMETER_FLAG_PROXIABLE);
    g_assert_cmpuint(h->app_id, ==, GAA_APP_ZH);
    g_autofree char *codes = top_codes(msg);
    g_assert_cmpstr(codes, ==, "263,260,268,277,264,296,1,612,400");
    const DiameterAvp *guss = diameter_msg_find(msg, NULL, GAA_AVP_GBA_USERSECSETTINGS, V3);
    g_assert_cmphex(guss->flags, ==, DIAMETER_AVP_FLAG_VENDOR | DIAMETER_AVP_FLAG_MANDATORY);
    GaaZhMaa p;
    g_assert_true(gaa_zh_maa_parse(msg, &p, &err));
    g_assert_no_error(err);
    assert_common(&p.common, &a.common, FALSE);
    g_assert_cmpuint(p.result.vendor, ==, 0);
    g_assert_cmpuint(p.result.code, ==, DIAMETER_SUCCESS);
    g_assert_cmpstr(p.user_name, ==, "alice@home.net");
    g_assert_true(p.has_item);
    g_assert_cmpmem(p.item.authenticate, p.item.authenticate_len, TEST_RAND_AUTN, 32);
    g_assert_cmpmem(p.item.authorization, p.item.authorization_len, TEST_XRES, sizeof TEST_XRES);
    g_assert_true(p.item.has_ck && p.item.has_ik);
    g_assert_cmpmem(p.item.ck, 16, TEST_CK, 16);
    g_assert_cmpmem(p.item.ik, 16, TEST_IK, 16);
    g_assert_cmpstr(p.guss, ==, GUSS);
    g_autoptr(GBytes) again = gaa_zh_maa_build(&p, &err);
    assert_bytes_equal(b, again);
    gaa_zh_maa_clear(&p);

    /* the unknown-IMPI answer: Experimental-Result 5401, nothing else */
    GaaZhMaa e = {.common = ans_common("bsf.home.net;1;3", "hss.home.net", 3),
                  .result = {V3, GAA_ERROR_IDENTITY_UNKNOWN}};
    g_autoptr(GBytes) eb = gaa_zh_maa_build(&e, &err);
    g_assert_no_error(err);
    g_autoptr(DiameterMsg) em = parse_bytes(eb);
    g_assert_cmpuint(diameter_msg_header(em)->flags & DIAMETER_FLAG_ERROR, ==, 0); /* not a protocol error */
    g_autofree char *ecodes = top_codes(em);
    g_assert_cmpstr(ecodes, ==, "263,260,297,277,264,296");
    g_assert_true(gaa_zh_maa_parse(em, &p, &err));
    g_assert_cmpuint(p.result.vendor, ==, V3);
    g_assert_cmpuint(p.result.code, ==, 5401);
    g_assert_false(cx_result_is_success(&p.result));
    g_assert_false(p.has_item);
    g_assert_null(p.guss);
    gaa_zh_maa_clear(&p);
    /* a protocol error (3xxx) gets 'E' */
    e.result = (CxResult){0, DIAMETER_UNABLE_TO_DELIVER};
    g_autoptr(GBytes) pb = gaa_zh_maa_build(&e, &err);
    g_autoptr(DiameterMsg) pm = parse_bytes(pb);
    g_assert_cmpuint(diameter_msg_header(pm)->flags, ==, DIAMETER_FLAG_PROXIABLE | DIAMETER_FLAG_ERROR);
}

static void test_zn_bir(void)
{
    GaaZnBir m = fx_bir();
    GError *err = NULL;
    g_autoptr(GBytes) b = gaa_zn_bir_build(&m, &err);
    g_assert_no_error(err);
    g_autoptr(DiameterMsg) msg = parse_bytes(b);
    const DiameterHeader *h = diameter_msg_header(msg);
    g_assert_cmpuint(h->command, ==, 310);
    g_assert_cmpuint(h->app_id, ==, GAA_APP_ZN);
    g_assert_cmpuint(h->flags, ==, DIAMETER_FLAG_REQUEST | DIAMETER_FLAG_PROXIABLE);
    /* §5.2 ABNF: no Auth-Session-State on Zn */
    g_autofree char *codes = top_codes(msg);
    g_assert_cmpstr(codes, ==, "263,260,264,296,283,293,403,401,402,407");
    const DiameterAvp *gsid = diameter_msg_find(msg, NULL, GAA_AVP_GAA_SERVICE_IDENTIFIER, V3);
    g_assert_cmpmem(gsid->data, gsid->len, "4", 1); /* an OctetString of digits */
    const DiameterAvp *naf = diameter_msg_find(msg, NULL, GAA_AVP_NAF_ID, V3);
    g_assert_cmpmem(naf->data, naf->len, NAF_ID, sizeof NAF_ID);
    g_assert_cmphex(naf->flags, ==, DIAMETER_AVP_FLAG_VENDOR | DIAMETER_AVP_FLAG_MANDATORY);
    GaaZnBir p;
    g_assert_true(gaa_zn_bir_parse(msg, &p, &err));
    g_assert_no_error(err);
    assert_common(&p.common, &m.common, TRUE);
    g_assert_cmpstr(p.transaction_identifier, ==, BTID);
    g_assert_cmpmem(p.naf_id, p.naf_id_len, NAF_ID, sizeof NAF_ID);
    g_assert_true(p.has_gba_u_awareness);
    g_assert_cmpuint(p.gba_u_awareness, ==, 1);
    g_assert_true(p.has_gaa_service_identifier);
    g_assert_cmpuint(p.gaa_service_identifier, ==, 4);
    g_autoptr(GBytes) again = gaa_zn_bir_build(&p, &err);
    assert_bytes_equal(b, again);
    gaa_zn_bir_clear(&p);
    /* the optional AVPs left out */
    m.has_gba_u_awareness = m.has_gaa_service_identifier = FALSE;
    m.gaa_service_identifier = 0;
    g_autoptr(GBytes) b2 = gaa_zn_bir_build(&m, &err);
    g_autoptr(DiameterMsg) msg2 = parse_bytes(b2);
    g_assert_true(gaa_zn_bir_parse(msg2, &p, &err));
    g_assert_false(p.has_gba_u_awareness || p.has_gaa_service_identifier);
    gaa_zn_bir_clear(&p);
}

static void test_zn_bia(void)
{
    GaaZnBia a = fx_bia();
    GError *err = NULL;
    g_autoptr(GBytes) b = gaa_zn_bia_build(&a, &err);
    g_assert_no_error(err);
    g_autoptr(DiameterMsg) msg = parse_bytes(b);
    g_assert_cmpuint(diameter_msg_header(msg)->app_id, ==, GAA_APP_ZN);
    g_autofree char *codes = top_codes(msg);
    g_assert_cmpstr(codes, ==, "263,260,268,264,296,1,405,404,408,400,410");
    GaaZnBia p;
    g_assert_true(gaa_zn_bia_parse(msg, &p, &err));
    g_assert_no_error(err);
    assert_common(&p.common, &a.common, FALSE);
    g_assert_cmpuint(p.result.code, ==, DIAMETER_SUCCESS);
    g_assert_cmpstr(p.user_name, ==, "alice@home.net");
    g_assert_true(p.has_me_key);
    g_assert_cmpmem(p.me_key, 32, KS_NAF, 32);
    g_assert_true(p.has_key_expiry_time && p.has_bootstrap_time && p.has_gba_type);
    g_assert_cmpuint(p.key_expiry_time, ==, a.key_expiry_time);
    g_assert_cmpuint(p.bootstrap_time, ==, a.bootstrap_time);
    g_assert_cmpuint(p.gba_type, ==, GAA_GBA_TYPE_3G);
    g_assert_cmpstr(p.guss, ==, GUSS);
    g_autoptr(GBytes) again = gaa_zn_bia_build(&p, &err);
    assert_bytes_equal(b, again);
    gaa_zn_bia_clear(&p);
    for (size_t i = 0; i < sizeof p; i++) /* the key is wiped with the rest */
        g_assert_cmpuint(((const uint8_t *)&p)[i], ==, 0);
    /* Time is 32 bits: after 2036 the NTP seconds wrap (RFC 6733 §4.3.1) */
    a.key_expiry_time = G_GUINT64_CONSTANT(0x100000000) + 5;
    g_autoptr(GBytes) wb = gaa_zn_bia_build(&a, &err);
    g_autoptr(DiameterMsg) wm = parse_bytes(wb);
    g_assert_true(gaa_zn_bia_parse(wm, &p, &err));
    g_assert_cmpuint(p.key_expiry_time, ==, 5);
    gaa_zn_bia_clear(&p);
    /* invalid B-TID: 5403, no key */
    GaaZnBia e = {.common = ans_common("xcap.home.net;1;8", "bsf.home.net", 8),
                  .result = {V3, GAA_ERROR_TRANSACTION_IDENTIFIER_INVALID}};
    g_autoptr(GBytes) eb = gaa_zn_bia_build(&e, &err);
    g_autoptr(DiameterMsg) em = parse_bytes(eb);
    g_assert_true(gaa_zn_bia_parse(em, &p, &err));
    g_assert_cmpuint(p.result.vendor, ==, V3);
    g_assert_cmpuint(p.result.code, ==, 5403);
    g_assert_false(p.has_me_key || p.has_key_expiry_time || p.has_gba_type);
    gaa_zn_bia_clear(&p);
}

/* ---- diameter_format ------------------------------------------------------------------------ */

static void assert_format_has(GBytes *b, const char *const *want)
{
    g_autoptr(DiameterMsg) m = parse_bytes(b);
    g_autoptr(GString) out = g_string_new(NULL);
    diameter_format(m, out);
    for (const char *const *w = want; *w; w++)
        if (!strstr(out->str, *w))
            g_error("diameter_format output lacks: %s\n---\n%s", *w, out->str);
    g_assert_null(strstr(out->str, "AVP(")); /* every AVP named */
}

static void test_format(void)
{
    GError *err = NULL;
    GaaZhMar mar = fx_mar(TRUE);
    g_autoptr(GBytes) b1 = gaa_zh_mar_build(&mar, &err);
    const char *w1[] = {"MAR (Multimedia-Auth Request, 303)", "app=16777221 (3GPP Zh)",
                        "Auth-Application-Id(258) [-M-] = 16777221 (3GPP Zh)", "SIP-Authorization(610,10415)", NULL};
    assert_format_has(b1, w1);
    GaaZhMaa maa = fx_maa();
    g_autoptr(GBytes) b2 = gaa_zh_maa_build(&maa, &err);
    /* "<?xml" in hex: an OctetString with a newline is not printed as text */
    const char *w2[] = {"MAA (Multimedia-Auth Answer, 303)", "GBA-UserSecSettings(400,10415) [VM-] = 0x3c3f786d6c",
                        NULL};
    assert_format_has(b2, w2);
    GaaZnBir bir = fx_bir();
    g_autoptr(GBytes) b3 = gaa_zn_bir_build(&bir, &err);
    const char *w3[] = {"BIR (Bootstrapping-Info Request, 310)",
                        "app=16777220 (3GPP Zn)",
                        "Transaction-Identifier(401,10415) [VM-] = \"" BTID "\"",
                        "NAF-Id(402,10415) [VM-] = 0x78636170",
                        "GAA-Service-Identifier(403,10415) [VM-] = \"4\"",
                        "GBA_U-Awareness-Indicator(407,10415) [VM-] = 1 (YES)",
                        NULL};
    assert_format_has(b3, w3);
    GaaZnBia bia = fx_bia();
    g_autoptr(GBytes) b4 = gaa_zn_bia_build(&bia, &err);
    const char *w4[] = {"BIA (Bootstrapping-Info Answer, 310)",
                        "ME-Key-Material(405,10415) [VM-] = 0x613a0c5e",
                        "Key-ExpiryTime(404,10415) [VM-] = 3913059600",
                        "BootstrapInfoCreationTime(408,10415) [VM-] = 3913056000",
                        "GBA-Type(410,10415) [VM-] = 0 (3G GBA)",
                        NULL};
    assert_format_has(b4, w4);
    GaaZhMaa e = {.common = ans_common("s;1", "hss.home.net", 1), .result = {V3, GAA_ERROR_IDENTITY_UNKNOWN}};
    g_autoptr(GBytes) b5 = gaa_zh_maa_build(&e, &err);
    const char *w5[] = {"Experimental-Result-Code(298) [-M-] = 5401 (DIAMETER_ERROR_IDENTITY_UNKNOWN)", NULL};
    assert_format_has(b5, w5);
    g_assert_no_error(err);
}

/* ---- refusals ------------------------------------------------------------------------------- */

/* A Zn/Zh message built by hand: the fixed head, then whatever the test adds. */
static DiameterBuilder *raw(uint8_t flags, uint32_t command, uint32_t app)
{
    DiameterBuilder *b = diameter_builder_new(flags, command, app, 9, 9);
    diameter_builder_add_string(b, DIAMETER_AVP_SESSION_ID, 0, "x;1");
    diameter_builder_add_string(b, DIAMETER_AVP_ORIGIN_HOST, 0, "bsf.home.net");
    diameter_builder_add_string(b, DIAMETER_AVP_ORIGIN_REALM, 0, "home.net");
    if (flags & DIAMETER_FLAG_REQUEST)
        diameter_builder_add_string(b, DIAMETER_AVP_DESTINATION_REALM, 0, "home.net");
    return b;
}

static DiameterMsg *finish_raw(DiameterBuilder *b)
{
    GError *err = NULL;
    g_autoptr(GBytes) bytes = diameter_builder_finish(b, &err);
    g_assert_no_error(err);
    diameter_builder_free(b);
    return parse_bytes(bytes);
}

#define REQ (DIAMETER_FLAG_REQUEST | DIAMETER_FLAG_PROXIABLE)

static void test_missing(void)
{
    GError *err = NULL;
    /* BIR without Transaction-Identifier, then without NAF-Id */
    DiameterBuilder *b = raw(REQ, 310, GAA_APP_ZN);
    diameter_builder_add_octets(b, GAA_AVP_NAF_ID, V3, NAF_ID, sizeof NAF_ID);
    g_autoptr(DiameterMsg) m1 = finish_raw(b);
    GaaZnBir bir;
    g_assert_false(gaa_zn_bir_parse(m1, &bir, &err));
    g_assert_error(err, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_MISSING_AVP);
    g_assert_nonnull(strstr(err->message, "Transaction-Identifier(401)"));
    g_assert_cmpuint(diameter_codec_error_result_code(err), ==, DIAMETER_MISSING_AVP);
    g_clear_error(&err);
    g_assert_null(bir.common.session_id); /* left cleared */
    b = raw(REQ, 310, GAA_APP_ZN);
    diameter_builder_add_string(b, GAA_AVP_TRANSACTION_IDENTIFIER, V3, BTID);
    g_autoptr(DiameterMsg) m2 = finish_raw(b);
    g_assert_false(gaa_zn_bir_parse(m2, &bir, &err));
    g_assert_error(err, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_MISSING_AVP);
    g_assert_nonnull(strstr(err->message, "NAF-Id(402)"));
    g_clear_error(&err);
    /* Zh MAR naming nobody */
    g_autoptr(DiameterMsg) m3 = finish_raw(raw(REQ, 303, GAA_APP_ZH));
    GaaZhMar mar;
    g_assert_false(gaa_zh_mar_parse(m3, &mar, &err));
    g_assert_error(err, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_MISSING_AVP);
    g_clear_error(&err);
    /* Zh MAR without Destination-Realm */
    b = diameter_builder_new(REQ, 303, GAA_APP_ZH, 1, 1);
    diameter_builder_add_string(b, DIAMETER_AVP_SESSION_ID, 0, "x;1");
    diameter_builder_add_string(b, DIAMETER_AVP_ORIGIN_HOST, 0, "bsf.home.net");
    diameter_builder_add_string(b, DIAMETER_AVP_ORIGIN_REALM, 0, "home.net");
    diameter_builder_add_string(b, DIAMETER_AVP_USER_NAME, 0, "alice@home.net");
    g_autoptr(DiameterMsg) m4 = finish_raw(b);
    g_assert_false(gaa_zh_mar_parse(m4, &mar, &err));
    g_assert_nonnull(strstr(err->message, "Destination-Realm"));
    g_clear_error(&err);
    /* answers without any result */
    g_autoptr(DiameterMsg) m5 = finish_raw(raw(DIAMETER_FLAG_PROXIABLE, 303, GAA_APP_ZH));
    GaaZhMaa maa;
    g_assert_false(gaa_zh_maa_parse(m5, &maa, &err));
    g_assert_error(err, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_MISSING_AVP);
    g_clear_error(&err);
    g_autoptr(DiameterMsg) m6 = finish_raw(raw(DIAMETER_FLAG_PROXIABLE, 310, GAA_APP_ZN));
    GaaZnBia bia;
    g_assert_false(gaa_zn_bia_parse(m6, &bia, &err));
    g_assert_error(err, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_MISSING_AVP);
    g_clear_error(&err);
}

static void test_bad_values(void)
{
    GError *err = NULL;
    /* ME-Key-Material of 16 bytes: Ks_NAF is 256 bits */
    DiameterBuilder *b = raw(DIAMETER_FLAG_PROXIABLE, 310, GAA_APP_ZN);
    diameter_builder_add_u32(b, DIAMETER_AVP_RESULT_CODE, 0, DIAMETER_SUCCESS);
    diameter_builder_add_octets(b, GAA_AVP_ME_KEY_MATERIAL, V3, KS_NAF, 16);
    g_autoptr(DiameterMsg) m1 = finish_raw(b);
    GaaZnBia bia;
    g_assert_false(gaa_zn_bia_parse(m1, &bia, &err));
    g_assert_error(err, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_AVP_VALUE);
    g_clear_error(&err);
    /* GSIDs that are not 1-6 decimal digits */
    const char *bad_gsid[] = {"", "x", "12a", "1234567", "-1", " 4"};
    for (guint i = 0; i < G_N_ELEMENTS(bad_gsid); i++) {
        b = raw(REQ, 310, GAA_APP_ZN);
        diameter_builder_add_octets(b, GAA_AVP_GAA_SERVICE_IDENTIFIER, V3, bad_gsid[i], strlen(bad_gsid[i]));
        diameter_builder_add_string(b, GAA_AVP_TRANSACTION_IDENTIFIER, V3, BTID);
        diameter_builder_add_octets(b, GAA_AVP_NAF_ID, V3, NAF_ID, sizeof NAF_ID);
        g_autoptr(DiameterMsg) m = finish_raw(b);
        GaaZnBir bir;
        g_assert_false(gaa_zn_bir_parse(m, &bir, &err));
        g_assert_error(err, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_AVP_VALUE);
        g_clear_error(&err);
    }
    /* an empty NAF-Id, a NAF-Id above 512 bytes, a B-TID that is not text */
    uint8_t big[600];
    memset(big, 'a', sizeof big);
    const struct {
        const void *naf;
        size_t naf_len;
        const char *btid;
        size_t btid_len;
    } cases[] = {{NAF_ID, 0, BTID, strlen(BTID)},
                 {big, sizeof big, BTID, strlen(BTID)},
                 {NAF_ID, sizeof NAF_ID, "a\xff@b", 4}};
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        b = raw(REQ, 310, GAA_APP_ZN);
        diameter_builder_add_octets(b, GAA_AVP_TRANSACTION_IDENTIFIER, V3, cases[i].btid, cases[i].btid_len);
        diameter_builder_add_octets(b, GAA_AVP_NAF_ID, V3, cases[i].naf, cases[i].naf_len);
        g_autoptr(DiameterMsg) m = finish_raw(b);
        GaaZnBir bir;
        g_assert_false(gaa_zn_bir_parse(m, &bir, &err));
        g_assert_error(err, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_AVP_VALUE);
        g_clear_error(&err);
    }
    /* a Key-ExpiryTime of 8 bytes: the codec refuses it (Time is 4) */
    b = raw(DIAMETER_FLAG_PROXIABLE, 310, GAA_APP_ZN);
    diameter_builder_add_u32(b, DIAMETER_AVP_RESULT_CODE, 0, DIAMETER_SUCCESS);
    diameter_builder_add_u64(b, GAA_AVP_KEY_EXPIRYTIME, V3, 1);
    g_autoptr(GBytes) tb = diameter_builder_finish(b, &err);
    diameter_builder_free(b);
    gsize tn;
    const uint8_t *tp = g_bytes_get_data(tb, &tn);
    g_assert_null(diameter_msg_parse(tp, tn, &err));
    g_assert_error(err, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_AVP_LENGTH);
    g_clear_error(&err);

    /* builders refuse what cannot go on the wire */
    GaaZnBir bir = fx_bir();
    bir.naf_id_len = 0;
    g_assert_null(gaa_zn_bir_build(&bir, &err));
    g_assert_error(err, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_MISSING_AVP);
    g_clear_error(&err);
    bir = fx_bir();
    bir.gaa_service_identifier = 1000000;
    g_assert_null(gaa_zn_bir_build(&bir, &err));
    g_assert_error(err, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_AVP_VALUE);
    g_clear_error(&err);
    bir = fx_bir();
    bir.transaction_identifier = NULL;
    g_assert_null(gaa_zn_bir_build(&bir, &err));
    g_clear_error(&err);
    GaaZhMar mar = fx_mar(FALSE);
    mar.user_name = NULL;
    g_assert_null(gaa_zh_mar_build(&mar, &err));
    g_assert_error(err, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_MISSING_AVP);
    g_clear_error(&err);
    mar = fx_mar(FALSE);
    mar.common.destination_realm = NULL;
    g_assert_null(gaa_zh_mar_build(&mar, &err));
    g_clear_error(&err);
    GaaZnBia bia2 = fx_bia();
    bia2.common.session_id = NULL;
    g_assert_null(gaa_zn_bia_build(&bia2, &err));
    g_assert_error(err, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_MISSING_AVP);
    g_clear_error(&err);
}

static void test_wrong_application(void)
{
    GError *err = NULL;
    /* a Cx MAR is not a Zh MAR (same command code, other application), and the other way round */
    CxMar cx = {.common = req_common("scscf;1", "scscf.home.net", 4),
                .user_name = "alice@home.net",
                .public_identity = "sip:alice@home.net",
                .server_name = "sip:scscf.home.net",
                .number_auth_items = 1};
    cx.item.scheme = CX_SCHEME_AKAV1_MD5;
    g_autoptr(GBytes) cb = cx_mar_build(&cx, &err);
    g_autoptr(DiameterMsg) cm = parse_bytes(cb);
    GaaZhMar mar;
    g_assert_false(gaa_zh_mar_parse(cm, &mar, &err));
    g_assert_error(err, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_UNEXPECTED);
    g_clear_error(&err);
    GaaZhMar zm = fx_mar(FALSE);
    g_autoptr(GBytes) zb = gaa_zh_mar_build(&zm, &err);
    g_autoptr(DiameterMsg) zmsg = parse_bytes(zb);
    CxMar cp;
    g_assert_false(cx_mar_parse(zmsg, &cp, &err));
    g_assert_error(err, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_UNEXPECTED);
    g_clear_error(&err);
    /* a request is not an answer */
    GaaZhMaa maa;
    g_assert_false(gaa_zh_maa_parse(zmsg, &maa, &err));
    g_assert_error(err, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_UNEXPECTED);
    g_clear_error(&err);
    /* Zn is not Zh: a BIR is refused by the Zh parser, a BIA by the BIR parser */
    GaaZnBir bir = fx_bir();
    g_autoptr(GBytes) bb = gaa_zn_bir_build(&bir, &err);
    g_autoptr(DiameterMsg) bm = parse_bytes(bb);
    g_assert_false(gaa_zh_mar_parse(bm, &mar, &err));
    g_assert_error(err, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_UNEXPECTED);
    g_clear_error(&err);
    GaaZnBia bia = fx_bia();
    g_autoptr(GBytes) ab = gaa_zn_bia_build(&bia, &err);
    g_autoptr(DiameterMsg) am = parse_bytes(ab);
    GaaZnBir bp;
    g_assert_false(gaa_zn_bir_parse(am, &bp, &err));
    g_assert_error(err, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_UNEXPECTED);
    g_clear_error(&err);
    /* command 310 under the Zh application */
    DiameterBuilder *b = raw(REQ, 310, GAA_APP_ZH);
    diameter_builder_add_string(b, GAA_AVP_TRANSACTION_IDENTIFIER, V3, BTID);
    diameter_builder_add_octets(b, GAA_AVP_NAF_ID, V3, NAF_ID, sizeof NAF_ID);
    g_autoptr(DiameterMsg) wm = finish_raw(b);
    g_assert_false(gaa_zn_bir_parse(wm, &bp, &err));
    g_assert_error(err, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_UNEXPECTED);
    g_clear_error(&err);
}

/* Every parser on MSG: each either fails with a codec error or fills something that clears. */
static void try_all_parsers(const DiameterMsg *msg)
{
    GError *err = NULL;
    GaaZhMar a;
    GaaZhMaa b;
    GaaZnBir c;
    GaaZnBia d;
    if (gaa_zh_mar_parse(msg, &a, &err))
        gaa_zh_mar_clear(&a);
    else
        g_assert_true(err && err->domain == DIAMETER_CODEC_ERROR);
    g_clear_error(&err);
    if (gaa_zh_maa_parse(msg, &b, &err))
        gaa_zh_maa_clear(&b);
    else
        g_assert_true(err && err->domain == DIAMETER_CODEC_ERROR);
    g_clear_error(&err);
    if (gaa_zn_bir_parse(msg, &c, &err))
        gaa_zn_bir_clear(&c);
    else
        g_assert_true(err && err->domain == DIAMETER_CODEC_ERROR);
    g_clear_error(&err);
    if (gaa_zn_bia_parse(msg, &d, &err))
        gaa_zn_bia_clear(&d);
    else
        g_assert_true(err && err->domain == DIAMETER_CODEC_ERROR);
    g_clear_error(&err);
}

static GPtrArray *all_messages(void)
{
    GPtrArray *v = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    GaaZhMar mar = fx_mar(TRUE);
    GaaZhMaa maa = fx_maa();
    GaaZnBir bir = fx_bir();
    GaaZnBia bia = fx_bia();
    g_ptr_array_add(v, gaa_zh_mar_build(&mar, NULL));
    g_ptr_array_add(v, gaa_zh_maa_build(&maa, NULL));
    g_ptr_array_add(v, gaa_zn_bir_build(&bir, NULL));
    g_ptr_array_add(v, gaa_zn_bia_build(&bia, NULL));
    for (guint i = 0; i < v->len; i++)
        g_assert_nonnull(v->pdata[i]);
    return v;
}

static void test_truncated_and_mutated(void)
{
    g_autoptr(GPtrArray) msgs = all_messages();
    GRand *rng = g_rand_new_with_seed(29109);
    guint parsed = 0;
    for (guint k = 0; k < msgs->len; k++) {
        gsize n;
        const uint8_t *p = g_bytes_get_data(msgs->pdata[k], &n);
        for (gsize len = 0; len < n; len++) { /* every truncation: the header length no longer fits */
            GError *err = NULL;
            g_autofree uint8_t *cut = g_memdup2(p, len);
            DiameterMsg *m = diameter_msg_parse(cut, len, &err);
            g_assert_null(m);
            g_assert_error(err, DIAMETER_CODEC_ERROR, err->code);
            g_clear_error(&err);
        }
        g_autofree uint8_t *buf = g_malloc(n);
        for (int i = 0; i < 5000; i++) { /* 1-4 random bytes replaced, past the header's length field */
            memcpy(buf, p, n);
            int flips = g_rand_int_range(rng, 1, 5);
            for (int f = 0; f < flips; f++)
                buf[g_rand_int_range(rng, 4, (gint32)n)] = (uint8_t)g_rand_int_range(rng, 0, 256);
            GError *err = NULL;
            DiameterMsg *m = diameter_msg_parse(buf, n, &err);
            if (!m) {
                g_assert_nonnull(err);
                g_clear_error(&err);
                continue;
            }
            parsed++;
            try_all_parsers(m);
            diameter_msg_free(m);
        }
    }
    g_assert_cmpuint(parsed, >, 1000); /* the mutations reached the application parsers */
    g_rand_free(rng);
}

/* ---- tshark ---------------------------------------------------------------------------------- */

static char *run(const char *const *argv, gboolean *ok)
{
    char *out = NULL, *err = NULL;
    int status = 0;
    *ok = g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, NULL) &&
          g_spawn_check_wait_status(status, NULL);
    if (!*ok)
        g_printerr("%s failed: %s\n", argv[0], err ? err : "?");
    g_free(err);
    return out;
}

/* Dissects BYTES (one message, client port 40000 -> 3868) and returns tshark's FIELDS, one per line. */
static char *dissect(const char *dir, GBytes *bytes, const char *const *fields)
{
    gsize n;
    const uint8_t *p = g_bytes_get_data(bytes, &n);
    /* text2pcap wants "OFFSET HEX HEX ..." lines */
    GString *dump = g_string_new(NULL);
    for (gsize i = 0; i < n; i += 16) {
        g_string_append_printf(dump, "%06zx", i);
        for (gsize j = i; j < MIN(n, i + 16); j++)
            g_string_append_printf(dump, " %02x", p[j]);
        g_string_append_c(dump, '\n');
    }
    g_autofree char *txt = g_build_filename(dir, "msg.txt", NULL);
    g_autofree char *pcap = g_build_filename(dir, "msg.pcap", NULL);
    g_assert_true(g_file_set_contents(txt, dump->str, -1, NULL));
    g_string_free(dump, TRUE);
    gboolean ok;
    const char *t2p[] = {"text2pcap", "-q", "-4", "10.0.0.1,10.0.0.2", "-T", "40000,3868", txt, pcap, NULL};
    g_free(run(t2p, &ok));
    g_assert_true(ok);
    GPtrArray *argv = g_ptr_array_new();
    const char *head[] = {"tshark", "-r", pcap, "-Y", "diameter", "-T", "fields", "-E", "occurrence=a", "-E",
                          "aggregator=|"};
    for (guint i = 0; i < G_N_ELEMENTS(head); i++)
        g_ptr_array_add(argv, (gpointer)head[i]);
    for (const char *const *f = fields; *f; f++) {
        g_ptr_array_add(argv, "-e");
        g_ptr_array_add(argv, (gpointer)*f);
    }
    g_ptr_array_add(argv, NULL);
    char *out = run((const char *const *)argv->pdata, &ok);
    g_ptr_array_free(argv, TRUE);
    g_assert_true(ok);
    const char *health[] = {"tshark", "-r", pcap, "-Y", "_ws.malformed || _ws.expert.severity >= warning",
                            "-T", "fields", "-e", "_ws.expert.message", NULL};
    g_autofree char *bad = run(health, &ok);
    g_assert_true(ok);
    if (*bad)
        g_error("tshark reports problems: %s", bad);
    g_unlink(txt);
    g_unlink(pcap);
    return out;
}

static void test_tshark(void)
{
    g_autofree char *t = g_find_program_in_path("tshark");
    g_autofree char *t2 = g_find_program_in_path("text2pcap");
    if (!t || !t2) {
        g_test_skip("tshark or text2pcap not installed");
        return;
    }
    GError *err = NULL;
    g_autofree char *dir = g_dir_make_tmp("test-gaa-XXXXXX", &err);
    g_assert_no_error(err);
    g_autoptr(GPtrArray) msgs = all_messages();
    const char *f[] = {"diameter.cmd.code", "diameter.applicationId", "diameter.flags.request", "diameter.Session-Id",
                       NULL};
    const char *want[] = {"303\t16777221\t1\tbsf.home.net;1;1", "303\t16777221\t0\tbsf.home.net;1;1",
                          "310\t16777220\t1\txcap.home.net;1;7", "310\t16777220\t0\txcap.home.net;1;7"};
    for (guint i = 0; i < msgs->len; i++) {
        g_autofree char *out = dissect(dir, msgs->pdata[i], f);
        g_strchomp(out);
        g_assert_cmpstr(out, ==, want[i]);
    }
    /* the GAA AVPs as Wireshark's dictionary names them */
    const char *fm[] = {"diameter.Transaction-Identifier", "diameter.GAA-Service-Identifier",
                        "diameter.GBA_U-Awareness-Indicator", NULL};
    g_autofree char *bir = dissect(dir, msgs->pdata[2], fm);
    g_strchomp(bir);
    g_autofree char *btid_hex = NULL;
    GString *h = g_string_new(NULL);
    for (const char *c = BTID; *c; c++)
        g_string_append_printf(h, "%02x", (unsigned char)*c);
    btid_hex = g_string_free(h, FALSE);
    g_autofree char *want_bir = g_strdup_printf("%s\t34\t1", btid_hex);
    g_assert_cmpstr(bir, ==, want_bir);
    const char *fa[] = {"diameter.Key-ExpiryTime", "diameter.GBA-Type", "diameter.ME-Key-Material", NULL};
    g_autofree char *bia = dissect(dir, msgs->pdata[3], fa);
    g_assert_true(g_str_has_prefix(bia, "Jan  1, 2024 01:00:00"));
    g_assert_nonnull(strstr(bia, "\t0\t613a0c5e95d88f10"));
    const char *fg[] = {"diameter.GBA-UserSecSettings", "diameter.3GPP-SIP-Authenticate", NULL};
    g_autofree char *maa = dissect(dir, msgs->pdata[1], fg);
    g_assert_true(g_str_has_prefix(maa, "3c3f786d6c")); /* "<?xml" */
    g_assert_nonnull(strstr(maa, "23553cbe9637a89d"));
    g_rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/gaa/dict", test_dict);
    g_test_add_func("/gaa/zh-mar", test_zh_mar);
    g_test_add_func("/gaa/zh-maa", test_zh_maa);
    g_test_add_func("/gaa/zn-bir", test_zn_bir);
    g_test_add_func("/gaa/zn-bia", test_zn_bia);
    g_test_add_func("/gaa/format", test_format);
    g_test_add_func("/gaa/missing", test_missing);
    g_test_add_func("/gaa/bad-values", test_bad_values);
    g_test_add_func("/gaa/wrong-application", test_wrong_application);
    g_test_add_func("/gaa/truncated-mutated", test_truncated_and_mutated);
    g_test_add_func("/gaa/tshark", test_tshark);
    return g_test_run();
}
