/* test-sip-message.c: protocols/sip/sip-message.h on realistic IMS messages.
 *
 * Round trips of REGISTER / 401 / 200 OK / SUBSCRIBE / NOTIFY written as text below (parse, print,
 * parse again, print again: the second print equals the first and the fields survive), the
 * libosip2 quirks the wrapper works around (lost ik/ck, cached print, split lists, compact names),
 * responses built from requests (RFC 3261 §8.2.6), header editing, rejections of malformed input,
 * and 20,000 random and mutated messages that must neither crash nor print anything on stdout/stderr.
 */
#include "protocols/sip/sip-headers.h"
#include "protocols/sip/sip-message.h"
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* ---- the messages ----------------------------------------------------------------------------- */

static const char register_1[] =
    "REGISTER sip:ims.test SIP/2.0\r\n"
    "Via: SIP/2.0/UDP [2001:db8::10]:5060;branch=z9hG4bKnashds7\r\n"
    "Max-Forwards: 70\r\n"
    "P-Access-Network-Info: 3GPP-UTRAN-TDD; utran-cell-id-3gpp=23456789ABCDE\r\n"
    "From: <sip:alice@ims.test>;tag=4fa3\r\n"
    "To: <sip:alice@ims.test>\r\n"
    "Contact: <sip:[2001:db8::10]:5060>;expires=600000\r\n"
    "Call-ID: apb03a0s09dkjdfglkj49111\r\n"
    "Authorization: Digest username=\"alice@ims.test\", realm=\"ims.test\", nonce=\"\", uri=\"sip:ims.test\", "
    "response=\"\", integrity-protected=\"no\"\r\n"
    "Security-Client: ipsec-3gpp; alg=hmac-sha-1-96; ealg=aes-cbc; spi-c=1111; spi-s=2222; port-c=5062; "
    "port-s=5064, ipsec-3gpp; alg=hmac-md5-96; ealg=null; spi-c=1111; spi-s=2222; port-c=5062; port-s=5064\r\n"
    "Require: sec-agree\r\n"
    "Proxy-Require: sec-agree\r\n"
    "Supported: path\r\n"
    "CSeq: 1 REGISTER\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

static const char unauthorized_401[] =
    "SIP/2.0 401 Unauthorized\r\n"
    "Via: SIP/2.0/UDP pcscf.visited.test:5060;branch=z9hG4bK351g45.1\r\n"
    "Via: SIP/2.0/UDP [2001:db8::10]:5060;branch=z9hG4bKnashds7\r\n"
    "From: <sip:alice@ims.test>;tag=4fa3\r\n"
    "To: <sip:alice@ims.test>;tag=5ef4\r\n"
    "Call-ID: apb03a0s09dkjdfglkj49111\r\n"
    "WWW-Authenticate: Digest realm=\"ims.test\", nonce=\"A34Cm+Fva37UYWpGNB34JP\", algorithm=AKAv1-MD5, "
    "qop=\"auth\", ik=\"0123456789abcdeffedcba9876543210\", ck=\"00112233445566778899aabbccddeeff\"\r\n"
    "CSeq: 1 REGISTER\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

static const char ok_200[] =
    "SIP/2.0 200 OK\r\n"
    "Via: SIP/2.0/UDP 10.0.0.10:5064;branch=z9hG4bKnashds8\r\n"
    "Path: <sip:term@pcscf.visited.test;lr>\r\n"
    "Service-Route: <sip:orig@scscf.ims.test;lr>\r\n"
    "From: <sip:alice@ims.test>;tag=4fa3\r\n"
    "To: <sip:alice@ims.test>;tag=5ef4\r\n"
    "Call-ID: apb03a0s09dkjdfglkj49111\r\n"
    "Contact: <sip:10.0.0.10:5064>;expires=600000\r\n"
    "CSeq: 2 REGISTER\r\n"
    "Date: Wed, 11 Jul 2001 08:49:37 GMT\r\n"
    "P-Associated-URI: <sip:alice-work@ims.test>, <sip:alice-home@ims.test>, <tel:+358504821437>\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

static const char subscribe_reg[] = "SUBSCRIBE sip:alice@ims.test SIP/2.0\r\n"
                                    "Via: SIP/2.0/UDP 10.0.0.10:5064;branch=z9hG4bK24jaa\r\n"
                                    "Max-Forwards: 70\r\n"
                                    "Route: <sip:pcscf.visited.test:5066;lr>, <sip:orig@scscf.ims.test;lr>\r\n"
                                    "P-Preferred-Identity: <sip:alice@ims.test>\r\n"
                                    "Privacy: none\r\n"
                                    "From: <sip:alice@ims.test>;tag=31415\r\n"
                                    "To: <sip:alice@ims.test>\r\n"
                                    "Call-ID: b89rjhnedlrfjflslj40a222\r\n"
                                    "CSeq: 61 SUBSCRIBE\r\n"
                                    "Event: reg\r\n"
                                    "Expires: 600000\r\n"
                                    "Accept: application/reginfo+xml\r\n"
                                    "Contact: <sip:10.0.0.10:5064>\r\n"
                                    "Content-Length: 0\r\n"
                                    "\r\n";

static const char reginfo[] = "<?xml version=\"1.0\"?>\n"
                              "<reginfo xmlns=\"urn:ietf:params:xml:ns:reginfo\" version=\"0\" state=\"full\">\n"
                              " <registration aor=\"sip:alice@ims.test\" id=\"a7\" state=\"active\">\n"
                              "  <contact id=\"76\" state=\"active\" event=\"registered\">\n"
                              "   <uri>sip:10.0.0.10:5064</uri>\n"
                              "  </contact>\n"
                              " </registration>\n"
                              "</reginfo>\n";

static gchar *notify_reg(void)
{
    return g_strdup_printf("NOTIFY sip:10.0.0.10:5064 SIP/2.0\r\n"
                           "Via: SIP/2.0/UDP scscf.ims.test;branch=z9hG4bK332b23.1\r\n"
                           "Max-Forwards: 70\r\n"
                           "Route: <sip:pcscf.visited.test;lr>\r\n"
                           "From: <sip:alice@ims.test>;tag=151170\r\n"
                           "To: <sip:alice@ims.test>;tag=31415\r\n"
                           "Call-ID: b89rjhnedlrfjflslj40a222\r\n"
                           "CSeq: 42 NOTIFY\r\n"
                           "Subscription-State: active;expires=600000\r\n"
                           "Event: reg\r\n"
                           "Content-Type: application/reginfo+xml\r\n"
                           "Contact: <sip:scscf.ims.test>\r\n"
                           "Content-Length: %zu\r\n"
                           "\r\n%s",
                           strlen(reginfo), reginfo);
}

/* ---- helpers ---------------------------------------------------------------------------------- */

static osip_message_t *parse_ok(const char *text)
{
    GError *error = NULL;
    osip_message_t *msg = sip_message_parse(text, strlen(text), &error);
    g_assert_no_error(error);
    g_assert_nonnull(msg);
    return msg;
}

static void parse_fails(const char *text, size_t len, SipMessageError code)
{
    GError *error = NULL;
    osip_message_t *msg = sip_message_parse(text, len, &error);
    g_assert_null(msg);
    g_assert_error(error, SIP_MESSAGE_ERROR, (gint)code);
    g_assert_nonnull(error->message);
    g_error_free(error);
}

static gchar *print(osip_message_t *msg)
{
    GError *error = NULL;
    size_t len = 0;
    guint8 *out = sip_message_to_bytes(msg, &len, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(strlen((char *)out), ==, len);
    return (gchar *)out;
}

/* parse -> print -> parse -> print: the two prints are equal; returns the second parse. */
static osip_message_t *round_trip(const char *text)
{
    osip_message_t *a = parse_ok(text);
    gchar *p1 = print(a);
    osip_message_t *b = parse_ok(p1);
    gchar *p2 = print(b);
    g_assert_cmpstr(p1, ==, p2);
    g_free(p1);
    g_free(p2);
    sip_message_free(a);
    return b;
}

static void assert_joined(const osip_message_t *msg, const char *name, const char *expected)
{
    gchar *v = sip_message_header_joined(msg, name);
    g_assert_cmpstr(v, ==, expected);
    g_free(v);
}

static guint trace_count;
static void count_trace(int level, const char *file, int line, const char *text, gpointer user)
{
    (void)level, (void)file, (void)line, (void)text, (void)user;
    trace_count++;
}

static void count_debug(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer user)
{
    (void)domain, (void)level, (void)message;
    (*(guint *)user)++;
}

/* ---- round trips ------------------------------------------------------------------------------ */

static void test_register(void)
{
    osip_message_t *m = round_trip(register_1);
    g_assert_true(MSG_IS_REQUEST(m));
    g_assert_cmpstr(m->sip_method, ==, "REGISTER");
    g_assert_cmpstr(m->req_uri->host, ==, "ims.test");
    g_assert_cmpstr(sip_message_branch(m), ==, "z9hG4bKnashds7");
    g_assert_cmpstr(sip_message_cseq_method(m), ==, "REGISTER");
    g_assert_cmpstr(m->call_id->number, ==, "apb03a0s09dkjdfglkj49111");
    g_assert_cmpstr(sip_message_get_header(m, "max-forwards", 0), ==, "70");
    assert_joined(m, "Require", "sec-agree");
    assert_joined(m, "PROXY-REQUIRE", "sec-agree");
    assert_joined(m, "Supported", "path");
    /* libosip2 splits Security-Client into two rows (quirk 8); joined, it parses as two mechanisms */
    g_assert_cmpuint(sip_message_count_header(m, "Security-Client"), ==, 2);
    gchar *sc = sip_message_header_joined(m, "Security-Client");
    GError *error = NULL;
    GPtrArray *mechs = sip_sec_parse(sc, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(mechs->len, ==, 2);
    const SipSecMechanism *m0 = mechs->pdata[0];
    g_assert_cmpstr(m0->ealg, ==, "aes-cbc");
    g_assert_cmpuint(m0->spi_c, ==, 1111);
    g_assert_cmpuint(m0->port_s, ==, 5064);
    g_ptr_array_unref(mechs);
    g_free(sc);
    /* the Authorization keeps integrity-protected (libosip2 alone drops it: quirk 6) */
    g_assert_cmpuint(sip_message_count_header(m, "Authorization"), ==, 1);
    g_assert_cmpint(osip_list_size(&m->authorizations), ==, 0);
    SipAuth *auth = sip_auth_parse(sip_message_get_header(m, "authorization", 0), &error);
    g_assert_no_error(error);
    g_assert_cmpstr(sip_auth_get(auth, "integrity-protected"), ==, "no");
    g_assert_cmpstr(sip_auth_get(auth, "username"), ==, "alice@ims.test");
    sip_auth_free(auth);
    /* printed names are canonical */
    gchar *text = print(m);
    g_assert_nonnull(strstr(text, "\r\nSecurity-Client: ipsec-3gpp"));
    g_assert_nonnull(strstr(text, "\r\nP-Access-Network-Info: "));
    g_assert_nonnull(strstr(text, "\r\nAuthorization: Digest username="));
    g_assert_nonnull(strstr(text, "integrity-protected=\"no\""));
    g_free(text);
    sip_message_free(m);
}

static void test_401_strip_ck_ik(void)
{
    osip_message_t *m = round_trip(unauthorized_401);
    g_assert_cmpint(m->status_code, ==, 401);
    g_assert_cmpint(osip_list_size(&m->vias), ==, 2);
    g_assert_cmpint(osip_list_size(&m->www_authenticates), ==, 0);
    GError *error = NULL;
    SipAuth *ch = sip_auth_parse(sip_message_get_header(m, "WWW-Authenticate", 0), &error);
    g_assert_no_error(error);
    g_assert_cmpstr(sip_auth_get(ch, "ik"), ==, "0123456789abcdeffedcba9876543210");
    g_assert_cmpstr(sip_auth_get(ch, "ck"), ==, "00112233445566778899aabbccddeeff");
    g_assert_cmpstr(sip_auth_get(ch, "algorithm"), ==, "AKAv1-MD5");
    /* what the P-CSCF does (TS 24.229 §5.2.2.1): keep the keys, strip them, forward the rest */
    g_assert_true(sip_auth_remove(ch, "ik"));
    g_assert_true(sip_auth_remove(ch, "ck"));
    gchar *stripped = sip_auth_format(ch);
    g_assert_cmpuint(sip_message_remove_header(m, "www-authenticate"), ==, 1);
    g_assert_true(sip_message_add_header(m, "WWW-Authenticate", stripped, &error));
    g_assert_no_error(error);
    gchar *text = print(m);
    g_assert_null(strstr(text, "ik="));
    g_assert_null(strstr(text, "ck="));
    g_assert_nonnull(strstr(text, "WWW-Authenticate: Digest realm=\"ims.test\", nonce=\"A34Cm+Fva37UYWpGNB34JP\", "
                                  "algorithm=AKAv1-MD5, qop=\"auth\"\r\n"));
    g_free(text);
    g_free(stripped);
    sip_auth_free(ch);
    sip_message_free(m);
}

static void test_200_ok(void)
{
    osip_message_t *m = round_trip(ok_200);
    GError *error = NULL;
    gchar *pau = sip_message_header_joined(m, "P-Associated-URI");
    GPtrArray *list = sip_name_addr_list_parse(pau, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(list->len, ==, 3);
    g_assert_cmpstr(((SipNameAddr *)list->pdata[2])->uri, ==, "tel:+358504821437");
    g_ptr_array_unref(list);
    g_free(pau);
    assert_joined(m, "Path", "<sip:term@pcscf.visited.test;lr>");
    assert_joined(m, "Service-Route", "<sip:orig@scscf.ims.test;lr>");
    assert_joined(m, "Contact", "<sip:10.0.0.10:5064>;expires=600000");
    assert_joined(m, "Date", "Wed, 11 Jul 2001 08:49:37 GMT");
    sip_message_free(m);
}

static void test_subscribe(void)
{
    osip_message_t *m = round_trip(subscribe_reg);
    g_assert_cmpint(osip_list_size(&m->routes), ==, 2);
    assert_joined(m, "Route", "<sip:pcscf.visited.test:5066;lr>, <sip:orig@scscf.ims.test;lr>");
    assert_joined(m, "Accept", "application/reginfo+xml");
    GError *error = NULL;
    SipEvent *ev = sip_event_parse(sip_message_get_header(m, "Event", 0), &error);
    g_assert_no_error(error);
    g_assert_cmpstr(ev->type, ==, "reg");
    sip_event_free(ev);
    guint32 expires = 0;
    g_assert_true(sip_expires_parse(sip_message_get_header(m, "Expires", 0), &expires, &error));
    g_assert_cmpuint(expires, ==, 600000);
    guint privacy = 0;
    g_assert_true(sip_privacy_parse(sip_message_get_header(m, "Privacy", 0), &privacy, &error));
    g_assert_cmpuint(privacy, ==, SIP_PRIVACY_NONE);
    sip_message_free(m);
}

static void test_notify(void)
{
    gchar *text = notify_reg();
    osip_message_t *m = round_trip(text);
    size_t len = 0;
    const char *body = sip_message_body(m, &len);
    g_assert_cmpuint(len, ==, strlen(reginfo));
    g_assert_cmpmem(body, len, reginfo, strlen(reginfo));
    assert_joined(m, "Content-Type", "application/reginfo+xml");
    GError *error = NULL;
    SipSubscriptionState *ss = sip_subscription_state_parse(sip_message_get_header(m, "Subscription-State", 0), &error);
    g_assert_no_error(error);
    g_assert_cmpint(ss->state, ==, SIP_SUBSTATE_ACTIVE);
    g_assert_cmpint(ss->expires, ==, 600000);
    sip_subscription_state_free(ss);
    gchar *printed = print(m);
    gchar *cl = g_strdup_printf("Content-Length: %5zu\r\n", strlen(reginfo)); /* quirk 12: width 5 */
    g_assert_nonnull(strstr(printed, cl));
    g_assert_true(g_str_has_suffix(printed, reginfo));
    g_free(cl);
    g_free(printed);
    sip_message_free(m);
    g_free(text);
}

static void test_compact_forms(void)
{
    const char *text = "SUBSCRIBE sip:bob@ims.test SIP/2.0\n"
                       "v: SIP/2.0/TCP 10.0.0.10;branch=z9hG4bKc1\n"
                       "f: <sip:alice@ims.test>;tag=1\n"
                       "t: <sip:bob@ims.test>\n"
                       "i: c1@10.0.0.10\n"
                       "CSeq: 1 SUBSCRIBE\n"
                       "o: presence;id=7\n"
                       "k: eventlist, path\n"
                       "m: <sip:alice@10.0.0.10;transport=tcp>\n"
                       "l: 0\n"
                       "\n";
    osip_message_t *m = parse_ok(text);
    g_assert_cmpstr(sip_message_get_header(m, "Event", 0), ==, "presence;id=7");
    g_assert_cmpstr(sip_message_get_header(m, "o", 0), ==, "presence;id=7");
    assert_joined(m, "supported", "eventlist, path");
    assert_joined(m, "k", "eventlist, path");
    g_assert_cmpstr(m->call_id->number, ==, "c1");
    gchar *printed = print(m);
    g_assert_nonnull(strstr(printed, "\r\nEvent: presence;id=7\r\n"));
    g_assert_nonnull(strstr(printed, "\r\nSupported: eventlist\r\n"));
    g_assert_nonnull(strstr(printed, "\r\nCall-ID: c1@10.0.0.10\r\n"));
    g_free(printed);
    sip_message_free(m);
}

/* ---- building --------------------------------------------------------------------------------- */

static SipRequestSpec register_spec(void)
{
    SipRequestSpec s = {
        .method = "REGISTER",
        .request_uri = "sip:ims.test",
        .via_host = "10.0.0.10",
        .via_port = 5060,
        .branch = "z9hG4bK0000000000000001",
        .from = "<sip:alice@ims.test>",
        .from_tag = "4fa3",
        .to = "<sip:alice@ims.test>",
        .call_id = "apb03a0s09dkjdfglkj49111",
        .cseq = 1,
        .contact = "<sip:10.0.0.10:5060>;expires=600000",
    };
    return s;
}

static void test_request_new(void)
{
    GError *error = NULL;
    SipRequestSpec spec = register_spec();
    gchar *branch = sip_branch_new(G_GUINT64_CONSTANT(0x0123456789abcdef), 42);
    g_assert_cmpstr(branch, ==, "z9hG4bK0123456789abcdef0000002a");
    spec.branch = branch;
    osip_message_t *m = sip_request_new(&spec, &error);
    g_assert_no_error(error);
    g_assert_true(sip_message_add_header(
        m, "Security-Client", "ipsec-3gpp;alg=hmac-sha-1-96;spi-c=1111;spi-s=2222;port-c=5062;port-s=5064", &error));
    g_assert_true(sip_message_add_header(m, "Require", "sec-agree", &error));
    g_assert_no_error(error);
    gchar *text = print(m);
    g_assert_true(g_str_has_prefix(text, "REGISTER sip:ims.test SIP/2.0\r\n"
                                         "Via: SIP/2.0/UDP 10.0.0.10:5060;branch=z9hG4bK0123456789abcdef0000002a\r\n"
                                         "From: <sip:alice@ims.test>;tag=4fa3\r\n"
                                         "To: <sip:alice@ims.test>\r\n"
                                         "Call-ID: apb03a0s09dkjdfglkj49111\r\n"
                                         "CSeq: 1 REGISTER\r\n"
                                         "Contact: <sip:10.0.0.10:5060>;expires=600000\r\n"
                                         "Max-Forwards: 70\r\n"
                                         "Security-Client: ipsec-3gpp;alg=hmac-sha-1-96;"));
    g_assert_true(g_str_has_suffix(text, "Require: sec-agree\r\nContent-Length: 0\r\n\r\n"));
    osip_message_t *back = parse_ok(text); /* what we build, we parse */
    sip_message_free(back);
    g_free(text);
    sip_message_free(m);
    g_free(branch);

    gchar *tag = sip_tag_new(7);
    g_assert_cmpstr(tag, ==, "0000000000000007");
    g_free(tag);

    /* rejected specifications */
    struct {
        const char *what;
        SipRequestSpec spec;
    } bad[8];
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++)
        bad[i].spec = register_spec();
    bad[0].spec.branch = "nocookie1";
    bad[1].spec.method = "REG ISTER";
    bad[2].spec.via_host = "10.0.0.10\r\nX: y";
    bad[3].spec.call_id = "a b";
    bad[4].spec.cseq = G_MAXUINT32;
    bad[5].spec.from_tag = NULL;
    bad[6].spec.request_uri = "not a uri";
    bad[7].spec.from = "<sip:alice@ims.test>;tag=x";
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        osip_message_t *r = sip_request_new(&bad[i].spec, &error);
        g_assert_null(r);
        g_assert_error(error, SIP_MESSAGE_ERROR, SIP_MESSAGE_ERROR_INVALID);
        g_clear_error(&error);
    }
}

static void test_response_new(void)
{
    GError *error = NULL;
    osip_message_t *req = parse_ok(unauthorized_401); /* a response is not a request */
    g_assert_null(sip_response_new(req, 200, NULL, "x", &error));
    g_assert_error(error, SIP_MESSAGE_ERROR, SIP_MESSAGE_ERROR_INVALID);
    g_clear_error(&error);
    sip_message_free(req);

    gchar *with_ts = g_strdup(register_1);
    gchar *at = strstr(with_ts, "Max-Forwards");
    g_assert_nonnull(at);
    gchar *text = g_strdup_printf("%.*sTimestamp: 54\r\n%s", (int)(at - with_ts), with_ts, at);
    req = parse_ok(text);
    g_free(text);
    g_free(with_ts);
    /* a second Via, as a proxy adds it, must be copied too and in order */
    g_assert_true(sip_message_add_header(req, "Via", "SIP/2.0/UDP pcscf.visited.test;branch=z9hG4bKp1", &error));
    g_assert_no_error(error);

    osip_message_t *rsp = sip_response_new(req, 401, NULL, "5ef4", &error);
    g_assert_no_error(error);
    g_assert_cmpint(rsp->status_code, ==, 401);
    g_assert_cmpstr(rsp->reason_phrase, ==, "Unauthorized");
    g_assert_cmpint(osip_list_size(&rsp->vias), ==, 2);
    gchar *v1 = sip_message_header_joined(req, "Via"), *v2 = sip_message_header_joined(rsp, "Via");
    g_assert_cmpstr(v1, ==, v2);
    g_free(v1);
    g_free(v2);
    assert_joined(rsp, "From", "<sip:alice@ims.test>;tag=4fa3");
    assert_joined(rsp, "To", "<sip:alice@ims.test>;tag=5ef4");
    assert_joined(rsp, "Call-ID", "apb03a0s09dkjdfglkj49111");
    assert_joined(rsp, "CSeq", "1 REGISTER");
    g_assert_null(sip_message_get_header(rsp, "Timestamp", 0));
    g_assert_cmpuint(sip_message_count_header(rsp, "Security-Client"), ==, 0);
    gchar *printed = print(rsp);
    osip_message_t *back = parse_ok(printed);
    sip_message_free(back);
    g_free(printed);
    sip_message_free(rsp);

    /* 100 Trying: no To tag, Timestamp copied (§8.2.6.1) */
    rsp = sip_response_new(req, 100, NULL, "5ef4", &error);
    g_assert_no_error(error);
    assert_joined(rsp, "To", "<sip:alice@ims.test>");
    g_assert_cmpstr(sip_message_get_header(rsp, "Timestamp", 0), ==, "54");
    sip_message_free(rsp);

    /* an existing To tag is kept; a custom reason is used */
    gchar *nt = notify_reg();
    osip_message_t *in_dialog = parse_ok(nt);
    g_free(nt);
    rsp = sip_response_new(in_dialog, 489, "Bad Event", "zzz", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(rsp->reason_phrase, ==, "Bad Event");
    assert_joined(rsp, "To", "<sip:alice@ims.test>;tag=31415");
    sip_message_free(rsp);
    sip_message_free(in_dialog);

    g_assert_null(sip_response_new(req, 99, NULL, NULL, &error));
    g_assert_error(error, SIP_MESSAGE_ERROR, SIP_MESSAGE_ERROR_INVALID);
    g_clear_error(&error);
    g_assert_null(sip_response_new(req, 200, "OK\r\nX: y", NULL, &error));
    g_assert_error(error, SIP_MESSAGE_ERROR, SIP_MESSAGE_ERROR_INVALID);
    g_clear_error(&error);
    sip_message_free(req);
}

/* ---- header editing --------------------------------------------------------------------------- */

static void test_headers_edit(void)
{
    GError *error = NULL;
    osip_message_t *m = parse_ok(subscribe_reg);
    /* a typed list header given as a comma list becomes one entry per element (quirk 9) */
    g_assert_true(sip_message_add_header(m, "Route", "<sip:a.test;lr>, \"x, y\" <sip:b.test;lr>", &error));
    g_assert_no_error(error);
    g_assert_cmpuint(sip_message_count_header(m, "route"), ==, 4);
    g_assert_cmpuint(sip_message_remove_header(m, "Route"), ==, 4);
    g_assert_cmpuint(sip_message_count_header(m, "Route"), ==, 0);
    g_assert_null(sip_message_header_joined(m, "Route"));
    /* text headers */
    g_assert_true(sip_message_add_header(m, "p-asserted-identity", "<sip:alice@ims.test>", &error));
    g_assert_true(sip_message_add_header(m, "P-Asserted-Identity", "<tel:+358504821437>", &error));
    g_assert_no_error(error);
    assert_joined(m, "P-Asserted-Identity", "<sip:alice@ims.test>, <tel:+358504821437>");
    g_assert_cmpstr(sip_message_get_header(m, "P-ASSERTED-IDENTITY", 1), ==, "<tel:+358504821437>");
    g_assert_null(sip_message_get_header(m, "P-Asserted-Identity", 2));
    g_assert_cmpuint(sip_message_remove_header(m, "P-Asserted-Identity"), ==, 2);
    g_assert_cmpuint(sip_message_remove_header(m, "P-Asserted-Identity"), ==, 0);
    /* the compact form names the same header */
    g_assert_true(sip_message_add_header(m, "k", "path", &error));
    g_assert_cmpstr(sip_message_get_header(m, "Supported", 0), ==, "path");
    gchar *printed = print(m);
    g_assert_nonnull(strstr(printed, "\r\nSupported: path\r\n"));
    g_free(printed);
    /* refused */
    g_assert_false(sip_message_add_header(m, "From", "<sip:mallory@evil.test>;tag=1", &error));
    g_assert_error(error, SIP_MESSAGE_ERROR, SIP_MESSAGE_ERROR_INVALID);
    g_clear_error(&error);
    g_assert_false(sip_message_add_header(m, "Content-Length", "5", &error));
    g_assert_error(error, SIP_MESSAGE_ERROR, SIP_MESSAGE_ERROR_INVALID);
    g_clear_error(&error);
    g_assert_false(sip_message_add_header(m, "X-Evil", "a\r\nVia: SIP/2.0/UDP evil", &error));
    g_assert_error(error, SIP_MESSAGE_ERROR, SIP_MESSAGE_ERROR_INVALID);
    g_clear_error(&error);
    g_assert_false(sip_message_add_header(m, "Bad Name", "x", &error));
    g_assert_error(error, SIP_MESSAGE_ERROR, SIP_MESSAGE_ERROR_INVALID);
    g_clear_error(&error);
    g_assert_false(sip_message_add_header(m, "Via", "garbage<<", &error));
    g_assert_error(error, SIP_MESSAGE_ERROR, SIP_MESSAGE_ERROR_INVALID);
    g_clear_error(&error);
    /* From removed and added back */
    g_assert_cmpuint(sip_message_remove_header(m, "f"), ==, 1);
    g_assert_true(sip_message_add_header(m, "From", "<sip:alice@ims.test>;tag=99", &error));
    assert_joined(m, "From", "<sip:alice@ims.test>;tag=99");
    sip_message_free(m);
}

static void test_body(void)
{
    GError *error = NULL;
    osip_message_t *m = parse_ok(subscribe_reg);
    size_t len = 99;
    g_assert_null(sip_message_body(m, &len));
    g_assert_cmpuint(len, ==, 0);
    const char binary[] = {'a', 0, 'b', '\r', '\n', 0, (char)0xff};
    g_assert_true(sip_message_set_body(m, "application/octet-stream", binary, sizeof binary, &error));
    g_assert_no_error(error);
    size_t plen = 0; /* the body holds NULs: no print() (it checks strlen) */
    guint8 *bytes = sip_message_to_bytes(m, &plen, &error);
    g_assert_no_error(error);
    g_assert_nonnull(strstr((char *)bytes, "Content-Length:     7\r\n"));
    g_assert_cmpmem(bytes + plen - sizeof binary, sizeof binary, binary, sizeof binary);
    osip_message_t *back = sip_message_parse(bytes, plen, &error);
    g_assert_no_error(error);
    const char *body = sip_message_body(back, &len);
    g_assert_cmpmem(body, len, binary, sizeof binary);
    sip_message_free(back);
    g_free(bytes);
    /* replace, then remove */
    g_assert_true(sip_message_set_body(m, "application/pidf+xml", "<presence/>", 11, &error));
    g_assert_cmpstr(sip_message_body(m, &len), ==, "<presence/>");
    assert_joined(m, "Content-Type", "application/pidf+xml");
    g_assert_true(sip_message_set_body(m, NULL, NULL, 0, &error));
    g_assert_null(sip_message_body(m, &len));
    g_assert_null(sip_message_header_joined(m, "Content-Type"));
    g_assert_false(sip_message_set_body(m, NULL, "x", 1, &error));
    g_assert_error(error, SIP_MESSAGE_ERROR, SIP_MESSAGE_ERROR_INVALID);
    g_clear_error(&error);
    sip_message_free(m);
}

/* Quirk 11: after a direct struct edit, libosip2 would print its cached text. */
static void test_print_not_cached(void)
{
    osip_message_t *m = parse_ok(subscribe_reg);
    gchar *first = print(m);
    osip_via_t *via = osip_list_get(&m->vias, 0);
    osip_generic_param_t *branch = NULL;
    osip_via_param_get_byname(via, "branch", &branch);
    osip_free(branch->gvalue);
    branch->gvalue = osip_strdup("z9hG4bKchanged");
    gchar *second = print(m);
    g_assert_null(strstr(first, "z9hG4bKchanged"));
    g_assert_nonnull(strstr(second, "z9hG4bKchanged"));
    g_free(first);
    g_free(second);
    sip_message_free(m);
}

/* ---- malformed input -------------------------------------------------------------------------- */

static gchar *replace(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    g_assert_nonnull(at);
    return g_strdup_printf("%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
}

static void test_malformed(void)
{
    static const struct {
        const char *from, *to;
        SipMessageError code;
    } cases[] = {
        {"SIP/2.0\r\nVia", "SIP/3.0\r\nVia", SIP_MESSAGE_ERROR_START_LINE},
        {"SUBSCRIBE sip:", "SUB(SCRIBE sip:", SIP_MESSAGE_ERROR_START_LINE},
        {"Via: SIP/2.0/UDP 10.0.0.10:5064;branch=z9hG4bK24jaa\r\n", "", SIP_MESSAGE_ERROR_MISSING_HEADER},
        {"From: <sip:alice@ims.test>;tag=31415\r\n", "", SIP_MESSAGE_ERROR_MISSING_HEADER},
        {"To: <sip:alice@ims.test>\r\n", "", SIP_MESSAGE_ERROR_MISSING_HEADER},
        {"Call-ID: b89rjhnedlrfjflslj40a222\r\n", "", SIP_MESSAGE_ERROR_MISSING_HEADER},
        {"CSeq: 61 SUBSCRIBE\r\n", "", SIP_MESSAGE_ERROR_MISSING_HEADER},
        {"CSeq: 61 SUBSCRIBE", "CSeq: 61 NOTIFY", SIP_MESSAGE_ERROR_BAD_HEADER},
        {"CSeq: 61 SUBSCRIBE", "CSeq: 2147483648 SUBSCRIBE", SIP_MESSAGE_ERROR_BAD_HEADER},
        {"CSeq: 61 SUBSCRIBE", "CSeq: -1 SUBSCRIBE", SIP_MESSAGE_ERROR_BAD_HEADER},
        {"Event: reg", "Event: r\001eg", SIP_MESSAGE_ERROR_BAD_BYTES},
        {"Content-Length: 0\r\n\r\n", "Content-Length: 0\r\n", SIP_MESSAGE_ERROR_BAD_BYTES},
        {"Content-Length: 0\r\n", "Content-Length: 10\r\n", SIP_MESSAGE_ERROR_BAD_HEADER}, /* quirk 15 */
        {"Content-Length: 0\r\n", "Content-Type: text/plain\r\nContent-Length: 10\r\n", SIP_MESSAGE_ERROR_SYNTAX},
        {"From: <sip:alice@ims.test>;tag=31415", "From: <sip:alice@ims.test;tag=31415", SIP_MESSAGE_ERROR_SYNTAX},
        {"Expires: 600000\r\n", "Expires 600000\r\n", SIP_MESSAGE_ERROR_SYNTAX},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        gchar *text = replace(subscribe_reg, cases[i].from, cases[i].to);
        parse_fails(text, strlen(text), cases[i].code);
        g_free(text);
    }
    /* status codes */
    gchar *t99 = replace(ok_200, "SIP/2.0 200 OK", "SIP/2.0 99 Odd");
    parse_fails(t99, strlen(t99), SIP_MESSAGE_ERROR_START_LINE);
    gchar *t700 = replace(ok_200, "SIP/2.0 200 OK", "SIP/2.0 700 Odd");
    parse_fails(t700, strlen(t700), SIP_MESSAGE_ERROR_START_LINE);
    gchar *tneg = replace(ok_200, "SIP/2.0 200 OK", "SIP/2.0 -200 Odd");
    parse_fails(tneg, strlen(tneg), SIP_MESSAGE_ERROR_START_LINE);
    g_free(t99);
    g_free(t700);
    g_free(tneg);
    /* a NUL inside the headers (quirk 4) */
    gchar *nul = g_strdup(subscribe_reg);
    nul[strstr(nul, "Event") - nul + 2] = '\0';
    parse_fails(nul, strlen(subscribe_reg), SIP_MESSAGE_ERROR_BAD_BYTES);
    g_free(nul);
    /* sizes */
    parse_fails("", 0, SIP_MESSAGE_ERROR_EMPTY);
    parse_fails("\r\n\r\n", 4, SIP_MESSAGE_ERROR_EMPTY);
    gchar *big = g_malloc0(SIP_MESSAGE_MAX_SIZE + 1);
    memset(big, 'a', SIP_MESSAGE_MAX_SIZE + 1);
    parse_fails(big, SIP_MESSAGE_MAX_SIZE + 1, SIP_MESSAGE_ERROR_TOO_LARGE);
    g_free(big);
    parse_fails("GARBAGE\r\n\r\n", 11, SIP_MESSAGE_ERROR_SYNTAX);
    /* leading CRLFs are ignored (§7.5) */
    gchar *lead = g_strdup_printf("\r\n\r\n%s", subscribe_reg);
    osip_message_t *m = parse_ok(lead);
    sip_message_free(m);
    g_free(lead);
    /* a shorter Content-Length truncates the body (§18.3) */
    gchar *text = notify_reg();
    gchar *shorter =
        replace(text, g_strstr_len(text, -1, "Content-Length: "), "Content-Length: 5\r\n\r\n<?xml version");
    m = parse_ok(shorter);
    size_t len;
    g_assert_cmpmem(sip_message_body(m, &len), len, "<?xml", 5);
    sip_message_free(m);
    g_free(shorter);
    g_free(text);
}

/* ---- fuzz ------------------------------------------------------------------------------------- */

static const char tokens[][12] = {":",  "\r\n", ",", "<",    ">", "\"", ";",     "=",       " ", "\t",
                                  "\\", "%",    "@", "sip:", "[", "]",  "\r\n ", "z9hG4bK", "0", "99999999999"};

static GByteArray *mutate(GRand *rng, const char *seed)
{
    GByteArray *b = g_byte_array_new();
    g_byte_array_append(b, (const guint8 *)seed, (guint)strlen(seed));
    guint n = (guint)g_rand_int_range(rng, 1, 9);
    for (guint k = 0; k < n && b->len > 0; k++) {
        guint pos = (guint)g_rand_int_range(rng, 0, (gint32)b->len);
        switch (g_rand_int_range(rng, 0, 7)) {
        case 0: /* flip a byte */
            b->data[pos] = (guint8)g_rand_int_range(rng, 0, 256);
            break;
        case 1: { /* insert a token */
            const char *t = tokens[g_rand_int_range(rng, 0, G_N_ELEMENTS(tokens))];
            g_array_insert_vals((GArray *)b, pos, t, (guint)strlen(t));
            break;
        }
        case 2: { /* delete a range (MIN evaluates twice: draw first) */
            guint n2 = (guint)g_rand_int_range(rng, 1, 40);
            g_byte_array_remove_range(b, pos, MIN(n2, b->len - pos));
            break;
        }
        case 3: { /* duplicate a range */
            guint n2 = (guint)g_rand_int_range(rng, 1, 80);
            n2 = MIN(n2, b->len - pos);
            guint8 *copy = g_memdup2(b->data + pos, n2);
            g_array_insert_vals((GArray *)b, pos, copy, n2);
            g_free(copy);
            break;
        }
        case 4: /* truncate */
            g_byte_array_set_size(b, pos);
            break;
        case 5: /* a NUL */
            b->data[pos] = 0;
            break;
        default: /* a digit run in place: numbers at the edges */
            b->data[pos] = (guint8)('0' + g_rand_int_range(rng, 0, 10));
            break;
        }
    }
    return b;
}

static void fuzz_one(const guint8 *data, size_t len, guint *parsed)
{
    GError *error = NULL;
    osip_message_t *m = sip_message_parse(data, len, &error);
    if (!m) {
        g_assert_nonnull(error);
        g_error_free(error);
        return;
    }
    (*parsed)++;
    size_t plen = 0;
    guint8 *out = sip_message_to_bytes(m, &plen, &error);
    if (out) {
        osip_message_t *again = sip_message_parse(out, plen, NULL);
        sip_message_free(again);
        g_free(out);
    } else {
        g_clear_error(&error);
    }
    gchar *j = sip_message_header_joined(m, "Via");
    g_free(j);
    osip_message_t *c = sip_message_clone(m);
    sip_message_free(c);
    if (MSG_IS_REQUEST(m)) {
        osip_message_t *r = sip_response_new(m, 400, NULL, "t", NULL);
        sip_message_free(r);
    }
    sip_message_free(m);
}

static void test_fuzz(void)
{
    gchar *notify = notify_reg();
    const char *seeds[] = {register_1, unauthorized_401, ok_200, subscribe_reg, notify};
    GRand *rng = g_rand_new_with_seed(20240611);
    /* stdout and stderr go to a file during the loop: libosip2 must print nothing */
    char path[] = "/tmp/presim-sip-fuzz-XXXXXX";
    int fd = mkstemp(path);
    g_assert_cmpint(fd, >=, 0);
    fflush(stdout);
    fflush(stderr);
    int saved_out = dup(1), saved_err = dup(2);
    dup2(fd, 1);
    dup2(fd, 2);
    trace_count = 0;
    sip_message_set_trace_func(count_trace, NULL);
    guint parsed = 0;
    for (int i = 0; i < 20000; i++) {
        if (i % 4 == 0) { /* random bytes, sometimes behind a plausible start line */
            guint n = (guint)g_rand_int_range(rng, 0, 600);
            GByteArray *b = g_byte_array_sized_new(n + 32);
            if (i % 8 == 0)
                g_byte_array_append(b, (const guint8 *)"INVITE sip:x SIP/2.0\r\n", 22);
            for (guint k = 0; k < n; k++) {
                guint8 c = (guint8)g_rand_int_range(rng, 0, 256);
                g_byte_array_append(b, &c, 1);
            }
            fuzz_one(b->data, b->len, &parsed);
            g_byte_array_unref(b);
        } else {
            GByteArray *b = mutate(rng, seeds[g_rand_int_range(rng, 0, G_N_ELEMENTS(seeds))]);
            fuzz_one(b->data, b->len, &parsed);
            g_byte_array_unref(b);
        }
    }
    fflush(stdout);
    fflush(stderr);
    dup2(saved_out, 1);
    dup2(saved_err, 2);
    close(saved_out);
    close(saved_err);
    off_t size = lseek(fd, 0, SEEK_END);
    close(fd);
    unlink(path);
    g_test_message("fuzz: %u of 20000 parsed, %u libosip2 traces routed", parsed, trace_count);
    g_assert_cmpint(size, ==, 0);
    g_assert_cmpuint(trace_count, >, 0);
    g_assert_cmpuint(parsed, >, 1000); /* the mutations keep many messages valid */
    g_rand_free(rng);
    g_free(notify);

    /* the default route is g_debug() in the presim-sip domain */
    guint debug_count = 0;
    guint id = g_log_set_handler("presim-sip", G_LOG_LEVEL_DEBUG, count_debug, &debug_count);
    sip_message_set_trace_func(NULL, NULL);
    fuzz_one((const guint8 *)"GARBAGE\r\n\r\n", 11, &parsed);
    g_log_remove_handler("presim-sip", id);
    g_assert_cmpuint(debug_count, >, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    sip_message_set_trace_func(count_trace, NULL); /* libosip2's complaints about the bad cases */
    g_test_add_func("/sip-message/register", test_register);
    g_test_add_func("/sip-message/401-strip-ck-ik", test_401_strip_ck_ik);
    g_test_add_func("/sip-message/200-ok", test_200_ok);
    g_test_add_func("/sip-message/subscribe", test_subscribe);
    g_test_add_func("/sip-message/notify", test_notify);
    g_test_add_func("/sip-message/compact-forms", test_compact_forms);
    g_test_add_func("/sip-message/request-new", test_request_new);
    g_test_add_func("/sip-message/response-new", test_response_new);
    g_test_add_func("/sip-message/headers-edit", test_headers_edit);
    g_test_add_func("/sip-message/body", test_body);
    g_test_add_func("/sip-message/print-not-cached", test_print_not_cached);
    g_test_add_func("/sip-message/malformed", test_malformed);
    g_test_add_func("/sip-message/fuzz", test_fuzz);
    return g_test_run();
}
