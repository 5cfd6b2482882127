/* test-sip-headers.c: every typed header helper of protocols/sip/sip-headers.h, with valid, edge and
 * malformed values, the RFC 3329 Security-Verify / Security-Server comparison (including the
 * downgrade where ealg was stripped), and random strings through every parser.
 */
#include "protocols/sip/sip-headers.h"
#include <string.h>

#define SEC_SERVER                                                                                                     \
    "ipsec-3gpp; q=0.1; alg=hmac-sha-1-96; ealg=aes-cbc; spi-c=3333; spi-s=4444; port-c=5066; port-s=5068"

static void expect_error(GError *error, SipHeaderError code)
{
    g_assert_error(error, SIP_HEADER_ERROR, (gint)code);
    g_assert_nonnull(error->message);
}

/* ---- Security-* ------------------------------------------------------------------------------- */

static GPtrArray *sec_ok(const char *value)
{
    GError *error = NULL;
    GPtrArray *list = sip_sec_parse(value, &error);
    g_assert_no_error(error);
    g_assert_nonnull(list);
    return list;
}

static void sec_fails(const char *value, SipHeaderError code)
{
    GError *error = NULL;
    GPtrArray *list = sip_sec_parse(value, &error);
    g_assert_null(list);
    expect_error(error, code);
    g_error_free(error);
}

static void test_sec_parse(void)
{
    GPtrArray *c = sec_ok("ipsec-3gpp; alg=hmac-sha-1-96; ealg=aes-cbc; spi-c=1111; spi-s=2222; port-c=5062; "
                          "port-s=5064");
    g_assert_cmpuint(c->len, ==, 1);
    const SipSecMechanism *m = c->pdata[0];
    g_assert_cmpstr(m->mechanism, ==, "ipsec-3gpp");
    g_assert_cmpint(m->q, ==, -1);
    g_assert_cmpstr(m->alg, ==, "hmac-sha-1-96");
    g_assert_cmpstr(m->ealg, ==, "aes-cbc");
    g_assert_null(m->prot);
    g_assert_cmpuint(m->spi_c, ==, 1111);
    g_assert_cmpuint(m->spi_s, ==, 2222);
    g_assert_cmpuint(m->port_c, ==, 5062);
    g_assert_cmpuint(m->port_s, ==, 5064);
    g_assert_cmpuint(m->present, ==, SIP_SEC_HAS_SPI_C | SIP_SEC_HAS_SPI_S | SIP_SEC_HAS_PORT_C | SIP_SEC_HAS_PORT_S);
    gchar *f = sip_sec_format(c);
    g_assert_cmpstr(f, ==, "ipsec-3gpp;alg=hmac-sha-1-96;ealg=aes-cbc;spi-c=1111;spi-s=2222;port-c=5062;port-s=5064");
    g_free(f);
    g_ptr_array_unref(c);

    /* several mechanisms, q, prot/mod, extensions kept in order, edge numbers */
    GPtrArray *s = sec_ok(SEC_SERVER ", tls;q=1.000, digest;d-alg=md5;d-qop=auth-int;d-ver=\"0123456789abcdef\", "
                                     "ipsec-3gpp;q=0;alg=hmac-md5-96;prot=esp;mod=trans;spi-c=4294967295;spi-s=0;"
                                     "port-c=65535;port-s=0;x-ext;x-val=\"a,b\"");
    g_assert_cmpuint(s->len, ==, 4);
    g_assert_cmpint(((SipSecMechanism *)s->pdata[0])->q, ==, 100);
    g_assert_cmpint(((SipSecMechanism *)s->pdata[1])->q, ==, 1000);
    const SipSecMechanism *d = s->pdata[2];
    g_assert_cmpuint(d->params->len, ==, 3);
    g_assert_cmpstr(((SipParam *)d->params->pdata[2])->value, ==, "0123456789abcdef");
    g_assert_true(((SipParam *)d->params->pdata[2])->quoted);
    const SipSecMechanism *e = s->pdata[3];
    g_assert_cmpint(e->q, ==, 0);
    g_assert_cmpuint(e->spi_c, ==, G_MAXUINT32);
    g_assert_cmpuint(e->port_c, ==, 65535);
    g_assert_cmpstr(e->prot, ==, "esp");
    g_assert_cmpstr(e->mod, ==, "trans");
    g_assert_nonnull(sip_params_find(e->params, "X-EXT"));
    g_assert_null(sip_params_find(e->params, "x-ext")->value);
    g_assert_cmpstr(sip_params_find(e->params, "x-val")->value, ==, "a,b");
    /* format -> parse gives an equal list */
    gchar *text = sip_sec_format(s);
    g_assert_cmpstr(text, ==,
                    "ipsec-3gpp;q=0.1;alg=hmac-sha-1-96;ealg=aes-cbc;spi-c=3333;spi-s=4444;port-c=5066;port-s=5068, "
                    "tls;q=1, digest;d-alg=md5;d-qop=auth-int;d-ver=\"0123456789abcdef\", "
                    "ipsec-3gpp;q=0;alg=hmac-md5-96;prot=esp;mod=trans;spi-c=4294967295;spi-s=0;port-c=65535;"
                    "port-s=0;x-ext;x-val=\"a,b\"");
    GPtrArray *again = sec_ok(text);
    GString *why = g_string_new(NULL);
    g_assert_true(sip_sec_equal(again, s, why));
    g_string_free(why, TRUE);
    g_ptr_array_unref(again);
    g_free(text);
    g_ptr_array_unref(s);

    /* q edges */
    static const struct {
        const char *q;
        int thousandths;
    } qs[] = {{"0", 0}, {"0.", 0}, {"0.5", 500}, {"0.05", 50}, {"0.123", 123}, {"1", 1000}, {"1.0", 1000}};
    for (size_t i = 0; i < G_N_ELEMENTS(qs); i++) {
        gchar *v = g_strdup_printf("tls;q=%s", qs[i].q);
        GPtrArray *l = sec_ok(v);
        g_assert_cmpint(((SipSecMechanism *)l->pdata[0])->q, ==, qs[i].thousandths);
        g_ptr_array_unref(l);
        g_free(v);
    }
    /* a mechanism built by hand */
    GPtrArray *built = g_ptr_array_new_with_free_func((GDestroyNotify)sip_sec_mechanism_free);
    SipSecMechanism *b = sip_sec_mechanism_new("ipsec-3gpp");
    b->q = 250;
    b->alg = g_strdup("hmac-sha-1-96");
    b->spi_c = 7;
    b->present = SIP_SEC_HAS_SPI_C;
    g_ptr_array_add(built, b);
    gchar *bt = sip_sec_format(built);
    g_assert_cmpstr(bt, ==, "ipsec-3gpp;q=0.25;alg=hmac-sha-1-96;spi-c=7");
    g_free(bt);
    g_ptr_array_unref(built);
}

static void test_sec_malformed(void)
{
    sec_fails(NULL, SIP_HEADER_ERROR_EMPTY);
    sec_fails("", SIP_HEADER_ERROR_EMPTY);
    sec_fails("   ", SIP_HEADER_ERROR_EMPTY);
    sec_fails(";alg=x", SIP_HEADER_ERROR_SYNTAX);
    sec_fails("ipsec-3gpp;", SIP_HEADER_ERROR_SYNTAX);
    sec_fails("ipsec-3gpp,", SIP_HEADER_ERROR_SYNTAX);
    sec_fails(",ipsec-3gpp", SIP_HEADER_ERROR_SYNTAX);
    sec_fails("ipsec-3gpp alg=x", SIP_HEADER_ERROR_SYNTAX);
    sec_fails("ipsec-3gpp;alg=", SIP_HEADER_ERROR_SYNTAX);
    sec_fails("ipsec-3gpp;alg=\"hmac-sha-1-96\"", SIP_HEADER_ERROR_SYNTAX);
    sec_fails("ipsec-3gpp;alg", SIP_HEADER_ERROR_SYNTAX);
    sec_fails("ipsec-3gpp;spi-c=12a", SIP_HEADER_ERROR_SYNTAX);
    sec_fails("ipsec-3gpp;spi-c=", SIP_HEADER_ERROR_SYNTAX);
    sec_fails("ipsec-3gpp;spi-c=4294967296", SIP_HEADER_ERROR_RANGE);
    sec_fails("ipsec-3gpp;spi-c=99999999999999999999999", SIP_HEADER_ERROR_RANGE);
    sec_fails("ipsec-3gpp;port-s=65536", SIP_HEADER_ERROR_RANGE);
    sec_fails("ipsec-3gpp;q=1.5", SIP_HEADER_ERROR_RANGE);
    sec_fails("ipsec-3gpp;q=2", SIP_HEADER_ERROR_RANGE);
    sec_fails("ipsec-3gpp;q=0.1234", SIP_HEADER_ERROR_RANGE);
    sec_fails("ipsec-3gpp;q=.5", SIP_HEADER_ERROR_RANGE);
    sec_fails("ipsec-3gpp;q=\"0.5\"", SIP_HEADER_ERROR_RANGE);
    sec_fails("ipsec-3gpp;spi-c=1;SPI-C=2", SIP_HEADER_ERROR_DUPLICATE);
    sec_fails("ipsec-3gpp;d-ver=\"unterminated", SIP_HEADER_ERROR_SYNTAX);
    sec_fails("ipsec-3gpp;d-ver=\"ctl\001\"", SIP_HEADER_ERROR_SYNTAX);
    sec_fails("ipsec-3gpp;alg=a\r\nVia: x", SIP_HEADER_ERROR_SYNTAX);
    GString *many = g_string_new("tls");
    for (int i = 0; i < SIP_HEADER_MAX_ITEMS; i++)
        g_string_append(many, ", tls");
    sec_fails(many->str, SIP_HEADER_ERROR_TOO_MANY);
    g_string_free(many, TRUE);
    GString *params = g_string_new("tls");
    for (int i = 0; i <= SIP_HEADER_MAX_PARAMS; i++)
        g_string_append_printf(params, ";p%d=1", i);
    sec_fails(params->str, SIP_HEADER_ERROR_TOO_MANY);
    g_string_free(params, TRUE);
    gchar *huge = g_strnfill(SIP_HEADER_MAX_LEN + 1, 'a');
    sec_fails(huge, SIP_HEADER_ERROR_TOO_LONG);
    g_free(huge);
}

static gboolean sec_equal_text(const char *verify, const char *server, GString *why)
{
    GPtrArray *v = sec_ok(verify), *s = sec_ok(server);
    gboolean eq = sip_sec_equal(v, s, why);
    g_ptr_array_unref(v);
    g_ptr_array_unref(s);
    return eq;
}

static void test_sec_equal(void)
{
    GString *why = g_string_new(NULL);
    /* Security-Verify repeats Security-Server: equal, whatever the parameter order and name case */
    g_assert_true(sec_equal_text(SEC_SERVER, SEC_SERVER, why));
    g_assert_true(sec_equal_text("IPSEC-3GPP;PORT-S=5068;port-c=5066;spi-s=4444;spi-c=3333;EALG=AES-CBC;"
                                 "alg=hmac-sha-1-96;q=0.100",
                                 SEC_SERVER, why));
    g_assert_true(sec_equal_text("tls;q=0.2, ipsec-3gpp;x=1;y=\"Q\"", "tls;q=0.2, ipsec-3gpp;y=\"Q\";x=1", why));

    /* the downgrade of TS 33.203 §7.2: a man in the middle stripped ealg from Security-Server */
    g_assert_false(sec_equal_text("ipsec-3gpp; q=0.1; alg=hmac-sha-1-96; spi-c=3333; spi-s=4444; port-c=5066; "
                                  "port-s=5068",
                                  SEC_SERVER, why));
    g_assert_nonnull(strstr(why->str, "ealg"));
    /* ealg weakened to null */
    g_assert_false(sec_equal_text("ipsec-3gpp; q=0.1; alg=hmac-sha-1-96; ealg=null; spi-c=3333; spi-s=4444; "
                                  "port-c=5066; port-s=5068",
                                  SEC_SERVER, why));
    g_assert_nonnull(strstr(why->str, "ealg"));
    /* a mechanism removed, added, or the order changed (RFC 3329 §2.3.1: same mechanisms, same order) */
    g_assert_false(sec_equal_text("tls;q=0.2", "tls;q=0.2, " SEC_SERVER, why));
    g_assert_false(sec_equal_text(SEC_SERVER ", tls;q=0.2", "tls;q=0.2, " SEC_SERVER, why));
    g_assert_false(sec_equal_text("ipsec-man;q=0.1", "ipsec-3gpp;q=0.1", why));
    /* q is compared like any other parameter */
    g_assert_false(sec_equal_text("ipsec-3gpp; alg=hmac-sha-1-96; ealg=aes-cbc; spi-c=3333; spi-s=4444; port-c=5066; "
                                  "port-s=5068",
                                  SEC_SERVER, why));
    g_assert_nonnull(strstr(why->str, "q"));
    g_assert_false(sec_equal_text("tls;q=0.3", "tls;q=0.2", why));
    /* numbers, tokens, extensions */
    g_assert_false(sec_equal_text("ipsec-3gpp;spi-c=1", "ipsec-3gpp;spi-c=2", why));
    g_assert_nonnull(strstr(why->str, "spi-c"));
    g_assert_false(sec_equal_text("ipsec-3gpp;port-s=1", "ipsec-3gpp", why));
    g_assert_false(sec_equal_text("ipsec-3gpp;alg=hmac-md5-96", "ipsec-3gpp;alg=hmac-sha-1-96", why));
    g_assert_false(sec_equal_text("digest;d-ver=\"ABC\"", "digest;d-ver=\"abc\"", why)); /* quoted: exact */
    g_assert_true(sec_equal_text("digest;d-alg=MD5", "digest;d-alg=md5", why));          /* token: caseless */
    g_assert_false(sec_equal_text("digest;d-alg=md5", "digest", why));
    g_assert_false(sec_equal_text("digest", "digest;d-alg=md5", why));
    g_assert_false(sec_equal_text("digest;d-alg", "digest;d-alg=md5", why));
    g_assert_true(sec_equal_text("ipsec-3gpp;spi-c=007", "ipsec-3gpp;spi-c=7", why)); /* by value */
    /* no WHY is fine */
    g_assert_false(sec_equal_text("tls", "digest", NULL));
    g_string_free(why, TRUE);
}

/* ---- name-addr lists -------------------------------------------------------------------------- */

static void test_name_addr(void)
{
    GError *error = NULL;
    GPtrArray *l = sip_name_addr_list_parse("<sip:term@pcscf.visited.test;lr>, \"Alice \\\"A\\\" \\\\ Smith\" "
                                            "<sip:alice@ims.test>;x=1;flag, Bob Smith <tel:+358504821437>",
                                            &error);
    g_assert_no_error(error);
    g_assert_cmpuint(l->len, ==, 3);
    const SipNameAddr *a = l->pdata[0], *b = l->pdata[1], *c = l->pdata[2];
    g_assert_null(a->display);
    g_assert_cmpstr(a->uri, ==, "sip:term@pcscf.visited.test;lr");
    g_assert_cmpuint(a->params->len, ==, 0);
    g_assert_cmpstr(b->display, ==, "Alice \"A\" \\ Smith");
    g_assert_cmpstr(b->uri, ==, "sip:alice@ims.test");
    g_assert_cmpstr(sip_params_find(b->params, "x")->value, ==, "1");
    g_assert_null(sip_params_find(b->params, "flag")->value);
    g_assert_cmpstr(c->display, ==, "Bob Smith");
    g_assert_cmpstr(c->uri, ==, "tel:+358504821437");
    gchar *f = sip_name_addr_list_format(l);
    g_assert_cmpstr(f, ==,
                    "<sip:term@pcscf.visited.test;lr>, \"Alice \\\"A\\\" \\\\ Smith\" <sip:alice@ims.test>;x=1;"
                    "flag, \"Bob Smith\" <tel:+358504821437>");
    GPtrArray *again = sip_name_addr_list_parse(f, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(((SipNameAddr *)again->pdata[1])->display, ==, b->display);
    g_ptr_array_unref(again);
    g_free(f);
    g_ptr_array_unref(l);

    /* Service-Route with IPv6 and a port; a built list */
    l = sip_name_addr_list_parse("<sip:orig@[2001:db8::1]:5060;lr>", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(((SipNameAddr *)l->pdata[0])->uri, ==, "sip:orig@[2001:db8::1]:5060;lr");
    g_ptr_array_unref(l);
    GPtrArray *built = g_ptr_array_new_with_free_func((GDestroyNotify)sip_name_addr_free);
    SipNameAddr *na = sip_name_addr_new(NULL, "sip:pcscf.visited.test;lr");
    sip_params_set(na->params, "ob", NULL, FALSE);
    g_ptr_array_add(built, na);
    f = sip_name_addr_list_format(built);
    g_assert_cmpstr(f, ==, "<sip:pcscf.visited.test;lr>;ob");
    g_free(f);
    g_ptr_array_unref(built);

    static const struct {
        const char *value;
        SipHeaderError code;
    } bad[] = {
        {"sip:alice@ims.test", SIP_HEADER_ERROR_SYNTAX}, /* Path needs name-addr (RFC 3327) */
        {"<sip:alice@ims.test", SIP_HEADER_ERROR_SYNTAX},
        {"<alice>", SIP_HEADER_ERROR_SYNTAX},
        {"<:x>", SIP_HEADER_ERROR_SYNTAX},
        {"<sip:>", SIP_HEADER_ERROR_SYNTAX},
        {"<sip:a b>", SIP_HEADER_ERROR_SYNTAX},
        {"<sip:a\001b>", SIP_HEADER_ERROR_SYNTAX},
        {"<sip:a@b>, ", SIP_HEADER_ERROR_SYNTAX},
        {"<sip:a@b> <sip:c@d>", SIP_HEADER_ERROR_SYNTAX},
        {"\"unterminated <sip:a@b>", SIP_HEADER_ERROR_SYNTAX},
        {"\"Alice\" sip:a@b", SIP_HEADER_ERROR_SYNTAX},
        {"<sip:a@b>;x=1;x=2", SIP_HEADER_ERROR_DUPLICATE},
        {"<sip:a@b>;=1", SIP_HEADER_ERROR_SYNTAX},
        {"", SIP_HEADER_ERROR_EMPTY},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        GPtrArray *r = sip_name_addr_list_parse(bad[i].value, &error);
        g_assert_null(r);
        expect_error(error, bad[i].code);
        g_clear_error(&error);
    }
}

static void test_p_asserted_identity(void)
{
    GError *error = NULL;
    GPtrArray *l = sip_p_asserted_identity_parse("\"Alice\" <sip:alice@ims.test>, tel:+358504821437", &error);
    g_assert_no_error(error);
    g_assert_cmpuint(l->len, ==, 2);
    g_assert_cmpstr(((SipNameAddr *)l->pdata[0])->display, ==, "Alice");
    g_assert_cmpstr(((SipNameAddr *)l->pdata[1])->uri, ==, "tel:+358504821437");
    g_ptr_array_unref(l);
    l = sip_p_asserted_identity_parse("sips:alice@ims.test;user=phone", &error); /* addr-spec keeps ;params */
    g_assert_no_error(error);
    g_assert_cmpstr(((SipNameAddr *)l->pdata[0])->uri, ==, "sips:alice@ims.test;user=phone");
    g_ptr_array_unref(l);

    g_assert_null(sip_p_asserted_identity_parse("<sip:a@x>, <sips:b@x>", &error));
    expect_error(error, SIP_HEADER_ERROR_DUPLICATE);
    g_clear_error(&error);
    g_assert_null(sip_p_asserted_identity_parse("<tel:1>, <tel:2>", &error));
    expect_error(error, SIP_HEADER_ERROR_DUPLICATE);
    g_clear_error(&error);
    g_assert_null(sip_p_asserted_identity_parse("<sip:a@x>, <tel:1>, <mailto:a@x>", &error));
    expect_error(error, SIP_HEADER_ERROR_TOO_MANY);
    g_clear_error(&error);
    g_assert_null(sip_p_asserted_identity_parse("alice", &error));
    expect_error(error, SIP_HEADER_ERROR_SYNTAX);
    g_clear_error(&error);
}

/* ---- option tags, Privacy, Expires ------------------------------------------------------------- */

static void test_option_tags(void)
{
    GError *error = NULL;
    GPtrArray *t = sip_option_tags_parse(" path , sec-agree,gruu ", &error);
    g_assert_no_error(error);
    g_assert_cmpuint(t->len, ==, 3);
    g_assert_true(sip_option_tags_contain(t, "sec-agree"));
    g_assert_true(sip_option_tags_contain(t, "SEC-AGREE"));
    g_assert_false(sip_option_tags_contain(t, "100rel"));
    gchar *f = sip_option_tags_format(t);
    g_assert_cmpstr(f, ==, "path, sec-agree, gruu");
    g_free(f);
    g_ptr_array_unref(t);
    t = sip_option_tags_parse("", &error); /* Supported may be empty */
    g_assert_no_error(error);
    g_assert_cmpuint(t->len, ==, 0);
    g_ptr_array_unref(t);

    const char *bad[] = {"a b", ",a", "a,", "a,,b", "sec-agree;x", "\"path\"", "pa\001th"};
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_null(sip_option_tags_parse(bad[i], &error));
        expect_error(error, SIP_HEADER_ERROR_SYNTAX);
        g_clear_error(&error);
    }
    g_assert_null(sip_option_tags_parse(NULL, &error));
    expect_error(error, SIP_HEADER_ERROR_EMPTY);
    g_clear_error(&error);
}

static void test_privacy(void)
{
    GError *error = NULL;
    guint flags = 0;
    g_assert_true(sip_privacy_parse("id", &flags, &error));
    g_assert_cmpuint(flags, ==, SIP_PRIVACY_ID);
    g_assert_true(sip_privacy_parse("header; session ;user;id;CRITICAL", &flags, &error));
    g_assert_cmpuint(
        flags, ==, SIP_PRIVACY_HEADER | SIP_PRIVACY_SESSION | SIP_PRIVACY_USER | SIP_PRIVACY_ID | SIP_PRIVACY_CRITICAL);
    gchar *f = sip_privacy_format(flags);
    g_assert_cmpstr(f, ==, "header;session;user;id;critical");
    g_free(f);
    g_assert_true(sip_privacy_parse("none", &flags, &error));
    g_assert_cmpuint(flags, ==, SIP_PRIVACY_NONE);
    g_assert_true(sip_privacy_parse("id;x-future", &flags, &error));
    g_assert_cmpuint(flags, ==, SIP_PRIVACY_ID | SIP_PRIVACY_OTHER);
    g_assert_no_error(error);
    f = sip_privacy_format(SIP_PRIVACY_ID | SIP_PRIVACY_OTHER);
    g_assert_cmpstr(f, ==, "id");
    g_free(f);
    g_assert_null(sip_privacy_format(0));
    g_assert_null(sip_privacy_format(SIP_PRIVACY_OTHER));

    static const struct {
        const char *value;
        SipHeaderError code;
    } bad[] = {{"id;id", SIP_HEADER_ERROR_DUPLICATE}, {"id,critical", SIP_HEADER_ERROR_SYNTAX},
               {";", SIP_HEADER_ERROR_SYNTAX},        {"id;", SIP_HEADER_ERROR_SYNTAX},
               {"i d", SIP_HEADER_ERROR_SYNTAX},      {"", SIP_HEADER_ERROR_EMPTY}};
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        flags = 99;
        g_assert_false(sip_privacy_parse(bad[i].value, &flags, &error));
        g_assert_cmpuint(flags, ==, 0);
        expect_error(error, bad[i].code);
        g_clear_error(&error);
    }
}

static void test_expires(void)
{
    GError *error = NULL;
    guint32 s = 1;
    g_assert_true(sip_expires_parse("600000", &s, &error));
    g_assert_cmpuint(s, ==, 600000);
    g_assert_true(sip_expires_parse(" 0 ", &s, &error));
    g_assert_cmpuint(s, ==, 0);
    g_assert_true(sip_expires_parse("4294967295", &s, &error));
    g_assert_cmpuint(s, ==, G_MAXUINT32);
    g_assert_no_error(error);
    gchar *f = sip_expires_format(3600);
    g_assert_cmpstr(f, ==, "3600");
    g_free(f);
    static const struct {
        const char *value;
        SipHeaderError code;
    } bad[] = {{"4294967296", SIP_HEADER_ERROR_RANGE},
               {"99999999999999999999999999", SIP_HEADER_ERROR_RANGE},
               {"-1", SIP_HEADER_ERROR_SYNTAX},
               {"1.5", SIP_HEADER_ERROR_SYNTAX},
               {"1 2", SIP_HEADER_ERROR_SYNTAX},
               {"abc", SIP_HEADER_ERROR_SYNTAX},
               {"Thu, 01 Dec 1994 16:00:00 GMT", SIP_HEADER_ERROR_SYNTAX},
               {" ", SIP_HEADER_ERROR_EMPTY}};
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_false(sip_expires_parse(bad[i].value, &s, &error));
        expect_error(error, bad[i].code);
        g_clear_error(&error);
    }
}

/* ---- Event, Subscription-State, SIP-ETag ------------------------------------------------------- */

static void test_event(void)
{
    GError *error = NULL;
    SipEvent *reg = sip_event_parse("reg", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(reg->type, ==, "reg");
    g_assert_null(reg->id);
    SipEvent *p = sip_event_parse(" presence ; id=42 ; x=\"y\"", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(p->type, ==, "presence");
    g_assert_cmpstr(p->id, ==, "42");
    g_assert_cmpuint(p->params->len, ==, 1);
    gchar *f = sip_event_format(p);
    g_assert_cmpstr(f, ==, "presence;id=42;x=\"y\"");
    g_free(f);
    SipEvent *p2 = sip_event_new("presence", "42");
    SipEvent *p3 = sip_event_new("presence", "43");
    SipEvent *w = sip_event_parse("presence.winfo", &error);
    g_assert_no_error(error);
    g_assert_true(sip_event_match(p, p2));
    g_assert_false(sip_event_match(p, p3));
    g_assert_false(sip_event_match(p, reg));
    SipEvent *plain = sip_event_new("presence", NULL);
    g_assert_false(sip_event_match(w, plain)); /* presence.winfo is another package */
    g_assert_false(sip_event_match(p, plain)); /* id 42 vs none */
    sip_event_free(plain);
    f = sip_event_format(reg);
    g_assert_cmpstr(f, ==, "reg");
    g_free(f);
    sip_event_free(reg);
    sip_event_free(p);
    sip_event_free(p2);
    sip_event_free(p3);
    sip_event_free(w);

    static const struct {
        const char *value;
        SipHeaderError code;
    } bad[] = {{"reg;id=\"x\"", SIP_HEADER_ERROR_SYNTAX},  {"reg;id", SIP_HEADER_ERROR_SYNTAX},
               {".reg", SIP_HEADER_ERROR_SYNTAX},          {"reg.", SIP_HEADER_ERROR_SYNTAX},
               {"a..b", SIP_HEADER_ERROR_SYNTAX},          {"reg presence", SIP_HEADER_ERROR_SYNTAX},
               {"reg, presence", SIP_HEADER_ERROR_SYNTAX}, {"reg;id=1;id=2", SIP_HEADER_ERROR_DUPLICATE},
               {";id=1", SIP_HEADER_ERROR_SYNTAX},         {"", SIP_HEADER_ERROR_EMPTY}};
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_null(sip_event_parse(bad[i].value, &error));
        expect_error(error, bad[i].code);
        g_clear_error(&error);
    }
}

static void test_subscription_state(void)
{
    GError *error = NULL;
    SipSubscriptionState *s = sip_subscription_state_parse("active;expires=600", &error);
    g_assert_no_error(error);
    g_assert_cmpint(s->state, ==, SIP_SUBSTATE_ACTIVE);
    g_assert_cmpint(s->expires, ==, 600);
    g_assert_cmpint(s->retry_after, ==, -1);
    g_assert_null(s->reason);
    gchar *f = sip_subscription_state_format(s);
    g_assert_cmpstr(f, ==, "active;expires=600");
    g_free(f);
    sip_subscription_state_free(s);

    s = sip_subscription_state_parse("Terminated; reason=timeout; retry-after=30; x-y", &error);
    g_assert_no_error(error);
    g_assert_cmpint(s->state, ==, SIP_SUBSTATE_TERMINATED);
    g_assert_cmpstr(s->reason, ==, "timeout");
    g_assert_cmpint(s->retry_after, ==, 30);
    g_assert_cmpint(s->expires, ==, -1);
    g_assert_cmpuint(s->params->len, ==, 1);
    f = sip_subscription_state_format(s);
    g_assert_cmpstr(f, ==, "Terminated;reason=timeout;retry-after=30;x-y");
    g_free(f);
    sip_subscription_state_free(s);

    s = sip_subscription_state_parse("pending", &error);
    g_assert_cmpint(s->state, ==, SIP_SUBSTATE_PENDING);
    sip_subscription_state_free(s);
    s = sip_subscription_state_parse("waiting;expires=0", &error);
    g_assert_no_error(error);
    g_assert_cmpint(s->state, ==, SIP_SUBSTATE_EXTENSION);
    g_assert_cmpstr(s->state_text, ==, "waiting");
    g_assert_cmpint(s->expires, ==, 0);
    sip_subscription_state_free(s);

    s = sip_subscription_state_new(SIP_SUBSTATE_TERMINATED);
    s->reason = g_strdup("deactivated");
    f = sip_subscription_state_format(s);
    g_assert_cmpstr(f, ==, "terminated;reason=deactivated");
    g_free(f);
    sip_subscription_state_free(s);

    static const struct {
        const char *value;
        SipHeaderError code;
    } bad[] = {{"active;expires=abc", SIP_HEADER_ERROR_SYNTAX},
               {"active;expires=", SIP_HEADER_ERROR_SYNTAX},
               {"active;expires", SIP_HEADER_ERROR_SYNTAX},
               {"active;expires=\"600\"", SIP_HEADER_ERROR_SYNTAX},
               {"active;expires=-5", SIP_HEADER_ERROR_SYNTAX},
               {"active;expires=4294967296", SIP_HEADER_ERROR_RANGE},
               {"terminated;retry-after=99999999999", SIP_HEADER_ERROR_RANGE},
               {"active;expires=1;expires=2", SIP_HEADER_ERROR_DUPLICATE},
               {"terminated;reason=\"timeout\"", SIP_HEADER_ERROR_SYNTAX},
               {"terminated;reason", SIP_HEADER_ERROR_SYNTAX},
               {"active expires=1", SIP_HEADER_ERROR_SYNTAX},
               {";expires=1", SIP_HEADER_ERROR_SYNTAX},
               {"", SIP_HEADER_ERROR_EMPTY}};
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_null(sip_subscription_state_parse(bad[i].value, &error));
        expect_error(error, bad[i].code);
        g_clear_error(&error);
    }
}

static void test_etag(void)
{
    GError *error = NULL;
    gchar *t = sip_etag_parse(" dx200xyz ", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(t, ==, "dx200xyz");
    g_free(t);
    g_assert_true(sip_etag_valid("kwj449x"));
    g_assert_false(sip_etag_valid(""));
    g_assert_false(sip_etag_valid(NULL));
    g_assert_false(sip_etag_valid("a b"));
    gchar *long_tag = g_strnfill(129, 'e');
    g_assert_false(sip_etag_valid(long_tag));
    g_assert_null(sip_etag_parse(long_tag, &error));
    expect_error(error, SIP_HEADER_ERROR_TOO_LONG);
    g_clear_error(&error);
    long_tag[128] = '\0';
    g_assert_true(sip_etag_valid(long_tag));
    g_free(long_tag);
    const char *bad[] = {"a b", "\"quoted\"", "tag;x=1", "tag,tag2", "<x>"};
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_null(sip_etag_parse(bad[i], &error));
        expect_error(error, SIP_HEADER_ERROR_SYNTAX);
        g_clear_error(&error);
    }
    g_assert_null(sip_etag_parse("", &error));
    expect_error(error, SIP_HEADER_ERROR_EMPTY);
    g_clear_error(&error);
}

/* ---- Digest ----------------------------------------------------------------------------------- */

static void test_auth(void)
{
    GError *error = NULL;
    const char *challenge = "Digest realm=\"ims.test\", nonce=\"A34Cm+Fva37UYWpGNB34JP\", algorithm=AKAv1-MD5, "
                            "qop=\"auth\", ik=\"0123456789abcdeffedcba9876543210\", "
                            "ck=\"00112233445566778899aabbccddeeff\"";
    SipAuth *a = sip_auth_parse(challenge, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(a->scheme, ==, "Digest");
    g_assert_cmpuint(a->params->len, ==, 6);
    g_assert_cmpstr(sip_auth_get(a, "NONCE"), ==, "A34Cm+Fva37UYWpGNB34JP");
    g_assert_cmpstr(sip_auth_get(a, "qop"), ==, "auth");
    g_assert_null(sip_auth_get(a, "opaque"));
    gchar *f = sip_auth_format(a);
    g_assert_cmpstr(f, ==, challenge);
    g_free(f);
    sip_auth_free(a);

    /* credentials: tokens stay tokens; the P-CSCF adds integrity-protected (TS 24.229 §5.2.2) */
    const char *cred = "Digest username=\"alice@ims.test\", realm=\"ims.test\", nonce=\"A34Cm+Fva37UYWpGNB34JP\", "
                       "uri=\"sip:ims.test\", response=\"6629fae49393a05397450978507c4ef1\", algorithm=AKAv1-MD5, "
                       "qop=auth, nc=00000001, cnonce=\"0a4f113b\"";
    a = sip_auth_parse(cred, &error);
    g_assert_no_error(error);
    sip_auth_set(a, "integrity-protected", "yes", TRUE);
    sip_auth_set(a, "NC", "00000002", FALSE);
    f = sip_auth_format(a);
    g_assert_true(g_str_has_suffix(f, "qop=auth, nc=00000002, cnonce=\"0a4f113b\", integrity-protected=\"yes\""));
    SipAuth *b = sip_auth_parse(f, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(sip_auth_get(b, "integrity-protected"), ==, "yes");
    g_assert_true(sip_auth_remove(b, "integrity-protected"));
    g_assert_false(sip_auth_remove(b, "integrity-protected"));
    sip_auth_free(b);
    g_free(f);
    sip_auth_free(a);

    /* an escaped quote in a quoted value survives the round trip */
    a = sip_auth_new("Digest");
    sip_auth_set(a, "realm", "a\"b\\c", TRUE);
    f = sip_auth_format(a);
    g_assert_cmpstr(f, ==, "Digest realm=\"a\\\"b\\\\c\"");
    b = sip_auth_parse(f, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(sip_auth_get(b, "realm"), ==, "a\"b\\c");
    sip_auth_free(b);
    g_free(f);
    sip_auth_free(a);

    static const struct {
        const char *value;
        SipHeaderError code;
    } bad[] = {{"Digest", SIP_HEADER_ERROR_SYNTAX},
               {"Digest ", SIP_HEADER_ERROR_SYNTAX},
               {"Digest realm", SIP_HEADER_ERROR_SYNTAX},
               {"Digest realm=", SIP_HEADER_ERROR_SYNTAX},
               {"Digest realm=\"x\" nonce=\"y\"", SIP_HEADER_ERROR_SYNTAX},
               {"Digest realm=\"x\",", SIP_HEADER_ERROR_SYNTAX},
               {"Digest realm=\"x", SIP_HEADER_ERROR_SYNTAX},
               {"Digest realm=\"x\\", SIP_HEADER_ERROR_SYNTAX},
               {"Digest realm=\"x\", realm=\"y\"", SIP_HEADER_ERROR_DUPLICATE},
               {"Digest,realm=\"x\"", SIP_HEADER_ERROR_SYNTAX},
               {"\"Digest\" realm=x", SIP_HEADER_ERROR_SYNTAX},
               {"Digest realm=\"\xff\xfe\"", SIP_HEADER_ERROR_SYNTAX},
               {"", SIP_HEADER_ERROR_EMPTY}};
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_null(sip_auth_parse(bad[i].value, &error));
        expect_error(error, bad[i].code);
        g_clear_error(&error);
    }
}

static void test_params(void)
{
    GPtrArray *p = sip_params_new();
    sip_params_set(p, "lr", NULL, FALSE);
    sip_params_set(p, "x", "1", FALSE);
    sip_params_set(p, "X", "2", TRUE);
    g_assert_cmpuint(p->len, ==, 2);
    g_assert_cmpstr(sip_params_find(p, "x")->value, ==, "2");
    g_assert_true(sip_params_find(p, "x")->quoted);
    g_assert_true(sip_params_remove(p, "LR"));
    g_assert_false(sip_params_remove(p, "lr"));
    g_assert_null(sip_params_find(p, "lr"));
    g_ptr_array_unref(p);
}

/* ---- random strings through every parser ------------------------------------------------------ */

static void test_random(void)
{
    static const char alphabet[] = "ab01;=,\"\\<>:@. \t\r\n-qspicdorteg\001\377[]";
    GRand *rng = g_rand_new_with_seed(3329);
    for (int i = 0; i < 20000; i++) {
        int n = g_rand_int_range(rng, 0, 60);
        gchar *s = g_malloc(n + 1);
        for (int k = 0; k < n; k++)
            s[k] = alphabet[g_rand_int_range(rng, 0, (gint32)sizeof alphabet - 1)];
        s[n] = '\0';
        GError *error = NULL;
        GPtrArray *l;
        if ((l = sip_sec_parse(s, &error))) {
            gchar *f = sip_sec_format(l);
            GPtrArray *again = sip_sec_parse(f, NULL); /* what we print we read, and it is equal */
            g_assert_nonnull(again);
            g_assert_true(sip_sec_equal(again, l, NULL));
            g_ptr_array_unref(again);
            g_free(f);
            g_ptr_array_unref(l);
        } else {
            g_assert_nonnull(error);
            g_clear_error(&error);
        }
        if ((l = sip_name_addr_list_parse(s, &error)))
            g_ptr_array_unref(l);
        else
            g_clear_error(&error);
        if ((l = sip_p_asserted_identity_parse(s, &error)))
            g_ptr_array_unref(l);
        else
            g_clear_error(&error);
        if ((l = sip_option_tags_parse(s, &error)))
            g_ptr_array_unref(l);
        else
            g_clear_error(&error);
        guint flags;
        guint32 secs;
        if (!sip_privacy_parse(s, &flags, &error))
            g_clear_error(&error);
        if (!sip_expires_parse(s, &secs, &error))
            g_clear_error(&error);
        SipEvent *e = sip_event_parse(s, &error);
        if (e)
            sip_event_free(e);
        else
            g_clear_error(&error);
        SipSubscriptionState *ss = sip_subscription_state_parse(s, &error);
        if (ss)
            sip_subscription_state_free(ss);
        else
            g_clear_error(&error);
        gchar *tag = sip_etag_parse(s, &error);
        if (tag)
            g_free(tag);
        else
            g_clear_error(&error);
        SipAuth *a = sip_auth_parse(s, &error);
        if (a) {
            gchar *f = sip_auth_format(a);
            SipAuth *again = sip_auth_parse(f, NULL);
            g_assert_nonnull(again);
            sip_auth_free(again);
            g_free(f);
            sip_auth_free(a);
        } else {
            g_clear_error(&error);
        }
        g_free(s);
    }
    g_rand_free(rng);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sip-headers/sec/parse", test_sec_parse);
    g_test_add_func("/sip-headers/sec/malformed", test_sec_malformed);
    g_test_add_func("/sip-headers/sec/equal", test_sec_equal);
    g_test_add_func("/sip-headers/name-addr", test_name_addr);
    g_test_add_func("/sip-headers/p-asserted-identity", test_p_asserted_identity);
    g_test_add_func("/sip-headers/option-tags", test_option_tags);
    g_test_add_func("/sip-headers/privacy", test_privacy);
    g_test_add_func("/sip-headers/expires", test_expires);
    g_test_add_func("/sip-headers/event", test_event);
    g_test_add_func("/sip-headers/subscription-state", test_subscription_state);
    g_test_add_func("/sip-headers/etag", test_etag);
    g_test_add_func("/sip-headers/auth", test_auth);
    g_test_add_func("/sip-headers/params", test_params);
    g_test_add_func("/sip-headers/random", test_random);
    return g_test_run();
}
