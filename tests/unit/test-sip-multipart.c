/* test-sip-multipart.c: protocols/sip/sip-multipart.h, the multipart/related bodies of RFC 4662 §5.
 *
 * The exact bytes of a built body (RFC 2046 §5.1.1 framing, RFC 4662 part headers), parsing of what
 * was built and of bodies written by others (preamble, padding, epilogue, folded headers), the
 * malformed bodies the parser must refuse, and the SIP path: a NOTIFY built with sip_request_new()
 * carries a 3-part body through sip_message_to_bytes() / sip_message_parse() byte for byte, also
 * after libosip2 reframed it (a proxy reprinting the message).
 */
#include "protocols/sip/sip-message.h"
#include "protocols/sip/sip-multipart.h"
#include <string.h>

#define BOUNDARY "50UBfW7LSCVLtggUPe5z"
#define RLMI_CT "application/rlmi+xml;charset=\"UTF-8\""
#define PIDF_CT "application/pidf+xml;charset=\"UTF-8\""

static const char rlmi[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
                           "<list xmlns=\"urn:ietf:params:xml:ns:rlmi\" uri=\"sip:adam-friends@pres.example.com\" "
                           "version=\"1\" fullState=\"true\"/>\r\n";
static const char pidf_bob[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
                               "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"sip:bob@example.com\">\r\n"
                               "  <tuple id=\"9r28r49\"><status><basic>open</basic></status></tuple>\r\n"
                               "</presence>\r\n";
/* binary, with a NUL, a lone CR, and "--" not followed by the boundary */
static const char binary[] = "\x00\x01\r--X\r\n\xff\xfe tail";

static SipMultipart *three_parts(void)
{
    SipMultipart *mp = sip_multipart_new("application/rlmi+xml", BOUNDARY);
    sip_multipart_add(mp, RLMI_CT, "nXYxAE@pres.example.com", rlmi, sizeof rlmi - 1);
    sip_multipart_add(mp, PIDF_CT, "bUZBsM@pres.example.com", pidf_bob, sizeof pidf_bob - 1);
    sip_multipart_add(mp, "application/octet-stream", "ZvSvkz@pres.example.com", binary, sizeof binary - 1);
    return mp;
}

static void assert_same_parts(const SipMultipart *a, const SipMultipart *b)
{
    g_assert_cmpuint(a->parts->len, ==, b->parts->len);
    g_assert_cmpstr(a->boundary, ==, b->boundary);
    g_assert_cmpstr(a->type, ==, b->type);
    g_assert_cmpstr(a->start, ==, b->start);
    for (guint i = 0; i < a->parts->len; i++) {
        const SipPart *x = g_ptr_array_index(a->parts, i), *y = g_ptr_array_index(b->parts, i);
        g_assert_cmpstr(x->content_type, ==, y->content_type);
        g_assert_cmpstr(x->content_id, ==, y->content_id);
        g_assert_true(g_bytes_equal(x->data, y->data));
    }
}

/* ---- build / parse ----------------------------------------------------------------------------- */

static void test_print_exact(void)
{
    g_autoptr(SipMultipart) mp = sip_multipart_new("application/rlmi+xml", "b1");
    sip_multipart_add(mp, "application/rlmi+xml", "root@x", "R", 1);
    sip_multipart_add(mp, "application/pidf+xml", NULL, "P1\r\n", 4);
    g_assert_cmpstr(mp->start, ==, "root@x");
    size_t len = 0;
    g_autofree char *ct = NULL;
    g_autofree char *body = sip_multipart_print(mp, &len, &ct);
    g_assert_cmpstr(ct, ==, "multipart/related;type=\"application/rlmi+xml\";start=\"<root@x>\";boundary=\"b1\"");
    static const char expect[] = "--b1\r\n"
                                 "Content-Transfer-Encoding: binary\r\n"
                                 "Content-ID: <root@x>\r\n"
                                 "Content-Type: application/rlmi+xml\r\n"
                                 "\r\n"
                                 "R\r\n"
                                 "--b1\r\n"
                                 "Content-Transfer-Encoding: binary\r\n"
                                 "Content-Type: application/pidf+xml\r\n"
                                 "\r\n"
                                 "P1\r\n\r\n"
                                 "--b1--\r\n";
    g_assert_cmpmem(body, len, expect, sizeof expect - 1);

    /* nothing to print: no part, or the boundary inside a part (RFC 2046 §5.1.1) */
    g_autoptr(SipMultipart) empty = sip_multipart_new(NULL, "b1");
    g_autofree char *ct2 = NULL;
    g_assert_null(sip_multipart_print(empty, &len, &ct2));
    g_assert_cmpuint(len, ==, 0);
    g_assert_null(ct2);
    sip_multipart_add(empty, "text/plain", NULL, "x\r\n--b1\r\ny", 11);
    g_assert_null(sip_multipart_print(empty, &len, &ct2));
    g_assert_null(ct2);
}

static void test_round_trip(void)
{
    g_autoptr(SipMultipart) mp = three_parts();
    size_t len = 0;
    g_autofree char *ct = NULL;
    g_autofree char *body = sip_multipart_print(mp, &len, &ct);
    g_assert_nonnull(body);
    GError *error = NULL;
    g_autoptr(SipMultipart) back = sip_multipart_parse(ct, body, len, &error);
    g_assert_no_error(error);
    assert_same_parts(mp, back);
    size_t len2 = 0;
    g_autofree char *ct2 = NULL;
    g_autofree char *again = sip_multipart_print(back, &len2, &ct2);
    g_assert_cmpmem(again, len2, body, len);
    g_assert_cmpstr(ct2, ==, ct);
}

/* A body as other implementations write it: preamble, padding after the boundary, folded and
 * lower-case headers, a part without headers, an epilogue, and a folded Content-Type value. */
static void test_parse_foreign(void)
{
    static const char body[] = "This is the preamble.\r\n"
                               "--" BOUNDARY " \t\r\n"
                               "content-id: <a@x>\r\n"
                               "CONTENT-TYPE: application/rlmi+xml;\r\n"
                               "  charset=\"UTF-8\"\r\n"
                               "X-Other: ignored\r\n"
                               "\r\n"
                               "<list/>\r\n"
                               "--" BOUNDARY "\r\n"
                               "\r\n"
                               "no headers: text/plain\r\n"
                               "--" BOUNDARY "\r\n"
                               "Content-Transfer-Encoding: 8bit\r\n"
                               "Content-Type: text/plain\r\n"
                               "\r\n"
                               "--" BOUNDARY "X is not a delimiter\r\n"
                               "--" BOUNDARY "--  \r\n"
                               "epilogue, ignored\r\n";
    GError *error = NULL;
    g_autoptr(SipMultipart) mp =
        sip_multipart_parse("Multipart/Related ; type=\"application/rlmi+xml\";\r\n start=\"<a@x>\" ;boundary=" BOUNDARY,
                            body, sizeof body - 1, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(mp->parts->len, ==, 3);
    g_assert_cmpstr(mp->type, ==, "application/rlmi+xml");
    g_assert_cmpstr(mp->start, ==, "a@x");
    const SipPart *p0 = g_ptr_array_index(mp->parts, 0), *p1 = g_ptr_array_index(mp->parts, 1),
                  *p2 = g_ptr_array_index(mp->parts, 2);
    g_assert_cmpstr(p0->content_type, ==, "application/rlmi+xml;   charset=\"UTF-8\"");
    g_assert_cmpstr(p0->content_id, ==, "a@x");
    g_assert_cmpmem(g_bytes_get_data(p0->data, NULL), g_bytes_get_size(p0->data), "<list/>", 7);
    g_assert_cmpstr(p1->content_type, ==, "text/plain"); /* RFC 2046 §5.1 default */
    g_assert_null(p1->content_id);
    g_assert_cmpmem(g_bytes_get_data(p1->data, NULL), g_bytes_get_size(p1->data), "no headers: text/plain", 22);
    static const char third[] = "--" BOUNDARY "X is not a delimiter";
    g_assert_cmpmem(g_bytes_get_data(p2->data, NULL), g_bytes_get_size(p2->data), third, sizeof third - 1);
}

static void parse_fails(const char *ct, const char *body, SipMultipartError code, const char *what)
{
    GError *error = NULL;
    SipMultipart *mp = sip_multipart_parse(ct, body, body ? strlen(body) : 0, &error);
    if (mp)
        g_error("%s: accepted", what);
    g_assert_error(error, SIP_MULTIPART_ERROR, (gint)code);
    g_test_message("%s: %s", what, error->message);
    g_error_free(error);
}

static void test_malformed(void)
{
    const char *ct = "multipart/related;boundary=b";
    const char *ok = "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n";
    parse_fails("multipart/related", ok, SIP_MULTIPART_ERROR_SYNTAX, "missing boundary parameter");
    parse_fails("application/pidf+xml;boundary=b", ok, SIP_MULTIPART_ERROR_SYNTAX, "not multipart");
    parse_fails(NULL, ok, SIP_MULTIPART_ERROR_SYNTAX, "no Content-Type");
    parse_fails("multipart", ok, SIP_MULTIPART_ERROR_SYNTAX, "no subtype");
    parse_fails("multipart/related;boundary=\"b", ok, SIP_MULTIPART_ERROR_SYNTAX, "unterminated quote");
    parse_fails("multipart/related;boundary=b;boundary=c", ok, SIP_MULTIPART_ERROR_SYNTAX, "two boundaries");
    parse_fails("multipart/related;boundary=\"\"", ok, SIP_MULTIPART_ERROR_SYNTAX, "empty boundary");
    parse_fails("multipart/related;boundary=b;start=\"<nope>\"", ok, SIP_MULTIPART_ERROR_SYNTAX,
                "start names no part");
    parse_fails(ct, "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b\r\nContent-Type: text/plain\r\n\r\ny",
                SIP_MULTIPART_ERROR_SYNTAX, "unterminated multipart");
    parse_fails(ct, "--b\r\nContent-Type: text/plain\r\n\r\nx", SIP_MULTIPART_ERROR_SYNTAX, "no delimiter at all");
    parse_fails(ct, "--b\r\nContent-Type: text/plain\r\nx\r\n--b--\r\n", SIP_MULTIPART_ERROR_SYNTAX,
                "part header without blank line");
    parse_fails(ct, "Content-Type: text/plain\r\n\r\nx\r\n--c--\r\n", SIP_MULTIPART_ERROR_SYNTAX,
                "no opening boundary");
    parse_fails(ct, "--b--\r\n", SIP_MULTIPART_ERROR_SYNTAX, "close delimiter only");
    parse_fails(ct, "", SIP_MULTIPART_ERROR_SYNTAX, "empty body");
    parse_fails(ct, "--b\r\nContent-Type: text/plain\r\nContent-Type: text/html\r\n\r\nx\r\n--b--\r\n",
                SIP_MULTIPART_ERROR_SYNTAX, "two Content-Types");
    parse_fails(ct, "--b\r\nContent-ID: a@x\r\n\r\nx\r\n--b--\r\n", SIP_MULTIPART_ERROR_SYNTAX,
                "Content-ID without <>");
    parse_fails(ct, "--b\r\nContent-Transfer-Encoding: base64\r\n\r\neA==\r\n--b--\r\n", SIP_MULTIPART_ERROR_SYNTAX,
                "base64 is not decoded");
    parse_fails(ct, "--b\r\nContent-Type: text/pl\x01in\r\n\r\nx\r\n--b--\r\n", SIP_MULTIPART_ERROR_SYNTAX,
                "control byte in a header");
    parse_fails(ct, "--b\r\n folded first\r\n\r\nx\r\n--b--\r\n", SIP_MULTIPART_ERROR_SYNTAX,
                "continuation without header");
    parse_fails(ct, "--b\r\nno colon here\r\n\r\nx\r\n--b--\r\n", SIP_MULTIPART_ERROR_SYNTAX, "header without colon");

    /* too many header lines in a part */
    GString *s = g_string_new("--b\r\n");
    for (int i = 0; i < 40; i++)
        g_string_append(s, "X-A: b\r\n");
    g_string_append(s, "\r\nx\r\n--b--\r\n");
    parse_fails(ct, s->str, SIP_MULTIPART_ERROR_TOO_LARGE, "40 header lines");
    g_string_free(s, TRUE);

    /* too many parts */
    s = g_string_new(NULL);
    for (int i = 0; i <= SIP_MULTIPART_MAX_PARTS; i++)
        g_string_append(s, "--b\r\n\r\nx\r\n");
    g_string_append(s, "--b--\r\n");
    parse_fails(ct, s->str, SIP_MULTIPART_ERROR_TOO_LARGE, "1025 parts");
    g_string_free(s, TRUE);

    /* too large, refused before scanning */
    GError *error = NULL;
    char *huge = g_malloc0(SIP_MULTIPART_MAX_SIZE + 1);
    g_assert_null(sip_multipart_parse(ct, huge, SIP_MULTIPART_MAX_SIZE + 1, &error));
    g_assert_error(error, SIP_MULTIPART_ERROR, SIP_MULTIPART_ERROR_TOO_LARGE);
    g_clear_error(&error);
    g_free(huge);
}

/* Random bytes and mutations of a good body: never a crash, a result or an error. */
static void test_fuzz(void)
{
    g_autoptr(SipMultipart) mp = three_parts();
    size_t len = 0;
    g_autofree char *ct = NULL;
    g_autofree char *body = sip_multipart_print(mp, &len, &ct);
    GRand *rand = g_rand_new_with_seed(4662);
    for (int i = 0; i < 3000; i++) {
        g_autofree char *copy = g_memdup2(body, len);
        size_t n = len;
        int edits = g_rand_int_range(rand, 1, 8);
        for (int e = 0; e < edits; e++) {
            size_t at = (size_t)g_rand_int_range(rand, 0, (gint32)n);
            switch (g_rand_int_range(rand, 0, 3)) {
            case 0:
                copy[at] = (char)g_rand_int_range(rand, 0, 256);
                break;
            case 1:
                n = at; /* truncate */
                break;
            default:
                copy[at] = "\r\n-b:"[g_rand_int_range(rand, 0, 5)];
            }
            if (n == 0)
                break;
        }
        GError *error = NULL;
        SipMultipart *r = sip_multipart_parse(ct, copy, n, &error);
        g_assert_true((r == NULL) != (error == NULL));
        sip_multipart_free(r);
        g_clear_error(&error);
    }
    g_rand_free(rand);
}

/* ---- in a SIP message -------------------------------------------------------------------------- */

static osip_message_t *notify_new(void)
{
    SipRequestSpec spec = {
        .method = "NOTIFY",
        .request_uri = "sip:adam@terminal.example.com",
        .via_host = "pres.example.com",
        .branch = "z9hG4bKMgRenTETmm",
        .from = "<sip:adam-buddies@pres.example.com>",
        .from_tag = "zpNctbZq",
        .to = "<sip:adam@example.com>",
        .to_tag = "ie4hbb8t",
        .call_id = "cdB34qLToC@terminal.example.com",
        .cseq = 997935768,
        .contact = "<sip:pres.example.com>",
    };
    GError *error = NULL;
    osip_message_t *msg = sip_request_new(&spec, &error);
    g_assert_no_error(error);
    g_assert_true(sip_message_add_header(msg, "Event", "presence", &error));
    g_assert_true(sip_message_add_header(msg, "Require", "eventlist", &error));
    g_assert_no_error(error);
    return msg;
}

/* The message's body (after the blank line) equals BODY and Content-Length says its size. */
static void assert_wire_body(const guint8 *wire, size_t n, const char *body, size_t len)
{
    const char *sep = g_strstr_len((const char *)wire, (gssize)n, "\r\n\r\n");
    g_assert_nonnull(sep);
    const char *start = sep + 4;
    g_assert_cmpmem(start, n - (size_t)(start - (const char *)wire), body, len);
    const char *cl = g_strstr_len((const char *)wire, (gssize)n, "\r\nContent-Length:");
    g_assert_nonnull(cl);
    g_assert_cmpuint(g_ascii_strtoull(cl + 17, NULL, 10), ==, len);
}

static void test_sip_round_trip(void)
{
    GError *error = NULL;
    g_autoptr(SipMultipart) mp = three_parts();
    osip_message_t *msg = notify_new();
    g_assert_true(sip_multipart_set_body(msg, mp, &error));
    g_assert_no_error(error);

    /* read back before printing: the raw body */
    g_autoptr(SipMultipart) local = sip_multipart_from_message(msg, &error);
    g_assert_no_error(error);
    assert_same_parts(mp, local);

    size_t n = 0;
    g_autofree guint8 *wire = sip_message_to_bytes(msg, &n, &error);
    g_assert_no_error(error);
    size_t blen = 0;
    g_autofree char *ct = NULL;
    g_autofree char *body = sip_multipart_print(mp, &blen, &ct);
    /* the body on the wire is exactly what sip_multipart_print gives (libosip2 did not reframe it) */
    assert_wire_body(wire, n, body, blen);
    g_autofree char *ct_line = g_strdup_printf("\r\nContent-Type: %s\r\n", ct);
    g_assert_nonnull(g_strstr_len((const char *)wire, (gssize)n, ct_line));
    g_assert_nonnull(g_strstr_len((const char *)wire, (gssize)n, "\r\n\r\n--" BOUNDARY "\r\nContent-Transfer-Encoding: "
                                                                 "binary\r\nContent-ID: <nXYxAE@pres.example.com>\r\n"));
    g_assert_nonnull(g_strstr_len((const char *)wire, (gssize)n, "\r\n--" BOUNDARY "\r\nContent-Transfer-Encoding: "
                                                                 "binary\r\nContent-ID: <bUZBsM@pres.example.com>\r\n"));
    static const char tail[] = "tail\r\n--" BOUNDARY "--\r\n";
    g_assert_cmpmem(wire + n - (sizeof tail - 1), sizeof tail - 1, tail, sizeof tail - 1);
    g_assert_nonnull(g_strstr_len((const char *)wire, (gssize)n, "\r\nRequire: eventlist\r\n"));

    /* the receiver: libosip2 splits the body into parts; they come back byte-identical */
    osip_message_t *rx = sip_message_parse(wire, n, &error);
    g_assert_no_error(error);
    g_assert_cmpint(osip_list_size(&rx->bodies), ==, 3);
    g_autoptr(SipMultipart) back = sip_multipart_from_message(rx, &error);
    g_assert_no_error(error);
    assert_same_parts(mp, back);
    size_t blen2 = 0;
    g_autofree char *ct2 = NULL;
    g_autofree char *body2 = sip_multipart_print(back, &blen2, &ct2);
    g_assert_cmpmem(body2, blen2, body, blen);

    /* a proxy reprints the parsed message: libosip2 reframes it; the parts still come back */
    size_t n2 = 0;
    g_autofree guint8 *wire2 = sip_message_to_bytes(rx, &n2, &error);
    g_assert_no_error(error);
    osip_message_t *rx2 = sip_message_parse(wire2, n2, &error);
    g_assert_no_error(error);
    g_autoptr(SipMultipart) back2 = sip_multipart_from_message(rx2, &error);
    g_assert_no_error(error);
    assert_same_parts(mp, back2);

    /* setting the body again replaces it (one Content-Type) */
    g_autoptr(SipMultipart) small = sip_multipart_new("application/rlmi+xml", "other");
    sip_multipart_add(small, "application/rlmi+xml", "r@x", rlmi, sizeof rlmi - 1);
    g_assert_true(sip_multipart_set_body(msg, small, &error));
    g_autofree guint8 *wire3 = sip_message_to_bytes(msg, &n, &error);
    g_assert_no_error(error);
    g_assert_null(g_strstr_len((const char *)wire3, (gssize)n, BOUNDARY));
    g_assert_nonnull(g_strstr_len((const char *)wire3, (gssize)n, "boundary=\"other\""));
    const char *first = g_strstr_len((const char *)wire3, (gssize)n, "Content-Type: multipart");
    g_assert_nonnull(first);
    g_assert_null(g_strstr_len(first + 1, -1, "Content-Type: multipart"));

    sip_message_free(rx2);
    sip_message_free(rx);
    sip_message_free(msg);
}

static void test_sip_errors(void)
{
    GError *error = NULL;
    osip_message_t *msg = notify_new();
    /* libosip2 would reject an empty part on receipt: refused when setting */
    g_autoptr(SipMultipart) mp = sip_multipart_new(NULL, "b");
    sip_multipart_add(mp, "text/plain", NULL, "", 0);
    g_assert_false(sip_multipart_set_body(msg, mp, &error));
    g_assert_error(error, SIP_MULTIPART_ERROR, SIP_MULTIPART_ERROR_SYNTAX);
    g_clear_error(&error);
    g_autoptr(SipMultipart) none = sip_multipart_new(NULL, "b");
    g_assert_false(sip_multipart_set_body(msg, none, &error));
    g_assert_error(error, SIP_MULTIPART_ERROR, SIP_MULTIPART_ERROR_SYNTAX);
    g_clear_error(&error);

    /* not multipart / no body */
    g_assert_null(sip_multipart_from_message(msg, &error));
    g_assert_error(error, SIP_MULTIPART_ERROR, SIP_MULTIPART_ERROR_SYNTAX);
    g_clear_error(&error);
    g_assert_true(sip_message_set_body(msg, "application/pidf+xml", "<presence/>", 11, &error));
    g_assert_null(sip_multipart_from_message(msg, &error));
    g_assert_error(error, SIP_MULTIPART_ERROR, SIP_MULTIPART_ERROR_SYNTAX);
    g_test_message("%s", error->message);
    g_clear_error(&error);
    sip_message_free(msg);

    /* a received message whose multipart start names no part */
    static const char wire[] = "NOTIFY sip:a@b SIP/2.0\r\n"
                               "Via: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bKx\r\n"
                               "From: <sip:x@y>;tag=1\r\nTo: <sip:a@b>;tag=2\r\nCall-ID: c@d\r\nCSeq: 1 NOTIFY\r\n"
                               "Content-Type: multipart/related;start=\"<zz>\";boundary=b\r\n"
                               "Content-Length: 43\r\n\r\n"
                               "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n";
    osip_message_t *rx = sip_message_parse(wire, sizeof wire - 1, &error);
    g_assert_no_error(error);
    g_assert_null(sip_multipart_from_message(rx, &error));
    g_assert_error(error, SIP_MULTIPART_ERROR, SIP_MULTIPART_ERROR_SYNTAX);
    g_clear_error(&error);
    sip_message_free(rx);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sip-multipart/print-exact", test_print_exact);
    g_test_add_func("/sip-multipart/round-trip", test_round_trip);
    g_test_add_func("/sip-multipart/parse-foreign", test_parse_foreign);
    g_test_add_func("/sip-multipart/malformed", test_malformed);
    g_test_add_func("/sip-multipart/fuzz", test_fuzz);
    g_test_add_func("/sip-multipart/sip-round-trip", test_sip_round_trip);
    g_test_add_func("/sip-multipart/sip-errors", test_sip_errors);
    return g_test_run();
}
