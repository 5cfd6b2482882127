/* test-http.c: protocols/http/http-message.h and http-reader.h.
 *
 * Serialize -> parse round trips (Content-Length and chunked, requests and responses), the exact
 * wire bytes of a small message, every split point of a message and byte-by-byte feeding, pipelining,
 * responses without a body (HEAD, 1xx, 204, 304), responses ended by the close, and hostile input:
 * malformed start lines, bad chunk sizes, bad or conflicting Content-Length, oversize header
 * sections and bodies, truncation, header injection through the API, refusal after an error, and
 * random bytes that must never crash the reader.
 */
#include "protocols/http/http-message.h"
#include "protocols/http/http-reader.h"
#include <string.h>

/* Feeds TEXT (LEN octets) in pieces of STEP (0: all at once); asserts success. */
static void feed_ok(HttpReader *r, const void *text, size_t len, size_t step)
{
    GError *error = NULL;
    const uint8_t *p = text;
    if (step == 0)
        step = len ? len : 1;
    for (size_t off = 0; off < len; off += step) {
        gboolean ok = http_reader_feed(r, p + off, MIN(step, len - off), &error);
        g_assert_no_error(error);
        g_assert_true(ok);
    }
}

/* Feeds TEXT at once and expects error CODE whose message contains NEEDLE (if not NULL). */
static void feed_fails(HttpReader *r, const char *text, HttpError code, const char *needle)
{
    GError *error = NULL;
    g_assert_false(http_reader_feed(r, (const uint8_t *)text, strlen(text), &error));
    g_assert_error(error, HTTP_ERROR, (gint)code);
    if (needle && !strstr(error->message, needle))
        g_error("error '%s' does not mention '%s'", error->message, needle);
    g_error_free(error);
}

static void assert_body(const HttpMessage *m, const char *expect)
{
    size_t len = 0;
    const uint8_t *body = http_message_body(m, &len);
    g_assert_cmpuint(len, ==, strlen(expect));
    if (len)
        g_assert_cmpmem(body, len, expect, strlen(expect));
}

/* TRUE when A and B have the same start line, fields (in order) and body. */
static gboolean messages_equal(const HttpMessage *a, const HttpMessage *b)
{
    if (http_message_is_request(a) != http_message_is_request(b) || http_message_status(a) != http_message_status(b) ||
        g_strcmp0(http_message_method(a), http_message_method(b)) != 0 ||
        g_strcmp0(http_message_target(a), http_message_target(b)) != 0 ||
        g_strcmp0(http_message_reason(a), http_message_reason(b)) != 0 ||
        http_message_n_headers(a) != http_message_n_headers(b))
        return FALSE;
    for (guint i = 0; i < http_message_n_headers(a); i++) {
        const char *an, *av, *bn, *bv;
        http_message_nth_header(a, i, &an, &av);
        http_message_nth_header(b, i, &bn, &bv);
        if (strcmp(an, bn) != 0 || strcmp(av, bv) != 0)
            return FALSE;
    }
    size_t al, bl;
    const uint8_t *ab = http_message_body(a, &al), *bb = http_message_body(b, &bl);
    return al == bl && (al == 0 || memcmp(ab, bb, al) == 0);
}

static HttpMessage *parse_one(gboolean requests, GBytes *bytes, size_t step)
{
    g_autoptr(HttpReader) r = http_reader_new(requests, 0, 0);
    size_t len;
    const uint8_t *data = g_bytes_get_data(bytes, &len);
    feed_ok(r, data, len, step);
    g_assert_false(http_reader_busy(r));
    HttpMessage *m = http_reader_pop(r);
    g_assert_nonnull(m);
    g_assert_null(http_reader_pop(r));
    return m;
}

static HttpMessage *sample_request(void)
{
    HttpMessage *m = http_request_new("PUT", "/xcap-root/pres-rules/users/sip:alice@home.net/index");
    g_assert_nonnull(m);
    g_assert_true(http_message_add_header(m, "Host", "xcap.home.net"));
    g_assert_true(http_message_add_header(m, "X-3GPP-Intended-Identity", "\"sip:alice@home.net\""));
    g_assert_true(http_message_add_header(m, "Accept", "a/b"));
    g_assert_true(http_message_add_header(m, "Accept", "c/d")); /* repeats kept, in order */
    static const char body[] = "<?xml version=\"1.0\"?><ruleset xmlns=\"urn:ietf:params:xml:ns:common-policy\"/>";
    http_message_set_body(m, body, strlen(body), "application/auth-policy+xml");
    return m;
}

/* ---------------------------------------------------------------- message model and wire bytes */

static void test_wire_bytes(void)
{
    g_autoptr(HttpMessage) m = http_request_new("GET", "/");
    g_assert_true(http_message_add_header(m, "Host", "  bsf.home.net \t"));
    g_assert_cmpstr(http_message_get_header(m, "host"), ==, "bsf.home.net"); /* OWS dropped */
    g_autoptr(GBytes) b = http_message_serialize(m, FALSE, 0);
    static const char want[] = "GET / HTTP/1.1\r\nHost: bsf.home.net\r\nContent-Length: 0\r\n\r\n";
    g_assert_cmpmem(g_bytes_get_data(b, NULL), g_bytes_get_size(b), want, strlen(want));

    g_autoptr(HttpMessage) resp = http_response_new(200, NULL);
    http_message_set_body(resp, "hello world", 11, "text/plain");
    g_assert_true(http_message_set_header(resp, "Content-Length", "999")); /* stale framing: replaced */
    g_autoptr(GBytes) c = http_message_serialize(resp, TRUE, 4);
    static const char want_c[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                                 "4\r\nhell\r\n4\r\no wo\r\n3\r\nrld\r\n0\r\n\r\n";
    g_assert_cmpmem(g_bytes_get_data(c, NULL), g_bytes_get_size(c), want_c, strlen(want_c));

    /* 204 and 304 never carry a body nor its framing, whatever the message holds. */
    g_autoptr(HttpMessage) nc = http_response_new(204, NULL);
    http_message_set_body(nc, "xyz", 3, NULL);
    g_autoptr(GBytes) d = http_message_serialize(nc, FALSE, 0);
    static const char want_d[] = "HTTP/1.1 204 No Content\r\n\r\n";
    g_assert_cmpmem(g_bytes_get_data(d, NULL), g_bytes_get_size(d), want_d, strlen(want_d));
    g_autoptr(GBytes) e = http_message_serialize(nc, TRUE, 1);
    g_assert_cmpmem(g_bytes_get_data(e, NULL), g_bytes_get_size(e), want_d, strlen(want_d));
}

static void test_injection_refused(void)
{
    g_autoptr(HttpMessage) m = http_request_new("GET", "/x");
    g_assert_true(http_message_add_header(m, "X-A", "1"));
    g_assert_false(http_message_add_header(m, "X-B", "ok\r\nSet-Cookie: evil=1"));
    g_assert_false(http_message_add_header(m, "X-B", "ok\nX-C: 2"));
    g_assert_false(http_message_add_header(m, "X-B", "ok\r"));
    g_assert_false(http_message_add_header(m, "X-B\r\nX-C", "2"));
    g_assert_false(http_message_add_header(m, "X B", "2"));
    g_assert_false(http_message_add_header(m, "X-B:", "2"));
    g_assert_false(http_message_add_header(m, "", "2"));
    g_assert_false(http_message_set_header(m, "X-A", "bad\r\nvalue"));
    g_assert_cmpuint(http_message_n_headers(m), ==, 1);
    g_assert_cmpstr(http_message_get_header(m, "X-A"), ==, "1"); /* a refused set keeps the old field */

    g_assert_null(http_request_new("GET", "/a b"));
    g_assert_null(http_request_new("GET", "/a\r\nHost: x"));
    g_assert_null(http_request_new("GE T", "/"));
    g_assert_null(http_request_new("", "/"));
    g_assert_null(http_request_new("GET", ""));
    g_assert_null(http_response_new(99, NULL));
    g_assert_null(http_response_new(600, NULL));
    g_assert_null(http_response_new(200, "OK\r\nX-Evil: 1"));

    /* The serialized bytes hold exactly the one field added. */
    g_autoptr(GBytes) b = http_message_serialize(m, FALSE, 0);
    g_autofree char *text = g_strndup(g_bytes_get_data(b, NULL), g_bytes_get_size(b));
    g_assert_null(strstr(text, "evil"));
    g_assert_null(strstr(text, "X-C"));
}

static void test_header_lookup(void)
{
    g_autoptr(HttpMessage) m = http_response_new(401, NULL);
    g_assert_true(http_message_add_header(m, "WWW-Authenticate", "Digest realm=\"a\""));
    g_assert_true(http_message_add_header(m, "Content-Type", "text/plain"));
    g_assert_true(http_message_add_header(m, "www-authenticate", "Digest realm=\"b\""));
    g_assert_cmpstr(http_message_get_header(m, "WWW-AUTHENTICATE"), ==, "Digest realm=\"a\"");
    g_assert_cmpstr(http_message_get_header(m, "content-type"), ==, "text/plain");
    g_assert_null(http_message_get_header(m, "Content-Length"));
    const char *name = NULL, *value = NULL;
    http_message_nth_header(m, 2, &name, &value);
    g_assert_cmpstr(name, ==, "www-authenticate"); /* spelling as given */
    http_message_nth_header(m, 3, &name, &value);
    g_assert_null(name);
    g_assert_null(value);
    g_assert_cmpuint(http_message_remove_header(m, "Www-Authenticate"), ==, 2);
    g_assert_cmpuint(http_message_n_headers(m), ==, 1);
    g_assert_true(http_message_set_header(m, "CONTENT-TYPE", "application/xml"));
    g_assert_cmpuint(http_message_n_headers(m), ==, 1);
    g_assert_cmpstr(http_message_get_header(m, "Content-Type"), ==, "application/xml");
}

static void test_reason_phrases(void)
{
    g_assert_cmpstr(http_reason_phrase(200), ==, "OK");
    g_assert_cmpstr(http_reason_phrase(401), ==, "Unauthorized");
    g_assert_cmpstr(http_reason_phrase(404), ==, "Not Found");
    g_assert_cmpstr(http_reason_phrase(409), ==, "Conflict");
    g_assert_cmpstr(http_reason_phrase(412), ==, "Precondition Failed");
    g_assert_cmpstr(http_reason_phrase(500), ==, "Internal Server Error");
    g_assert_cmpstr(http_reason_phrase(299), ==, "Unknown");
    g_autoptr(HttpMessage) m = http_response_new(412, NULL);
    g_assert_cmpstr(http_message_reason(m), ==, "Precondition Failed");
    g_autoptr(HttpMessage) own = http_response_new(200, "Fine");
    g_assert_cmpstr(http_message_reason(own), ==, "Fine");
    g_assert_cmpuint(http_message_status(own), ==, 200);
    g_assert_null(http_message_method(own));
    g_autoptr(GBytes) b = http_message_serialize(m, FALSE, 0);
    g_assert_true(g_str_has_prefix(g_bytes_get_data(b, NULL), "HTTP/1.1 412 Precondition Failed\r\n"));
}

/* ---------------------------------------------------------------- round trips */

static void test_round_trip_request(void)
{
    g_autoptr(HttpMessage) m = sample_request();
    for (int chunked = 0; chunked <= 1; chunked++) {
        for (size_t cs = 0; cs <= 7; cs += 7) {
            g_autoptr(GBytes) b = http_message_serialize(m, chunked, cs);
            g_autoptr(HttpMessage) back = parse_one(TRUE, b, 0);
            g_assert_true(http_message_is_request(back));
            g_assert_cmpstr(http_message_method(back), ==, "PUT");
            g_assert_null(http_message_get_header(back, "Content-Length"));
            g_assert_null(http_message_get_header(back, "Transfer-Encoding"));
            g_assert_true(messages_equal(m, back));
            /* and it prints back to the same bytes */
            g_autoptr(GBytes) again = http_message_serialize(back, chunked, cs);
            g_assert_true(g_bytes_equal(b, again));
        }
    }
}

static void test_round_trip_response(void)
{
    g_autoptr(HttpMessage) m = http_response_new(401, NULL);
    g_assert_true(http_message_add_header(m, "WWW-Authenticate",
                                          "Digest realm=\"bsf.home.net\", nonce=\"MTIzNDU2Nzg5MDEyMzQ1Ng==\", "
                                          "qop=\"auth-int\", algorithm=AKAv1-MD5"));
    guint8 body[300];
    for (guint i = 0; i < sizeof body; i++)
        body[i] = (guint8)(i * 7); /* all octet values, NUL included */
    http_message_set_body(m, body, sizeof body, "application/octet-stream");
    for (size_t cs = 1; cs <= 301; cs += 50) {
        g_autoptr(GBytes) b = http_message_serialize(m, TRUE, cs);
        g_autoptr(HttpMessage) back = parse_one(FALSE, b, 0);
        g_assert_cmpuint(http_message_status(back), ==, 401);
        g_assert_cmpstr(http_message_reason(back), ==, "Unauthorized");
        g_assert_null(http_message_get_header(back, "Transfer-Encoding"));
        g_assert_true(messages_equal(m, back));
    }
    g_autoptr(GBytes) b = http_message_serialize(m, FALSE, 0);
    g_autoptr(HttpMessage) back = parse_one(FALSE, b, 0);
    g_assert_true(messages_equal(m, back));
}

/* Every split point of a chunked message with an obs-fold field, then one byte at a time. */
static void test_split_points(void)
{
    static const char text[] = "POST /bsf/ub HTTP/1.1\r\n"
                               "Host: bsf.home.net\r\n"
                               "X-Long-Name-Of-A-Field: first part,\r\n"
                               "\t second part\r\n"
                               "Authorization: Digest username=\"alice@home.net\"\r\n"
                               "Transfer-Encoding: chunked\r\n"
                               "\r\n"
                               "5;ext=1\r\nhello\r\n"
                               "1\r\n \r\n"
                               "A\r\n0123456789\r\n"
                               "0\r\nX-Trailer: ignored\r\n\r\n";
    size_t len = strlen(text);
    g_autoptr(HttpReader) whole = http_reader_new(TRUE, 0, 0);
    feed_ok(whole, text, len, 0);
    g_autoptr(HttpMessage) ref = http_reader_pop(whole);
    g_assert_nonnull(ref);
    g_assert_cmpstr(http_message_get_header(ref, "x-long-name-of-a-field"), ==, "first part,\t second part");
    g_assert_null(http_message_get_header(ref, "Transfer-Encoding"));
    g_assert_null(http_message_get_header(ref, "X-Trailer"));
    g_assert_cmpuint(http_message_n_headers(ref), ==, 3);
    assert_body(ref, "hello 0123456789");

    for (size_t cut = 1; cut < len; cut++) {
        g_autoptr(HttpReader) r = http_reader_new(TRUE, 0, 0);
        feed_ok(r, text, cut, 0);
        g_assert_null(http_reader_pop(r));
        g_assert_true(http_reader_busy(r));
        feed_ok(r, text + cut, len - cut, 0);
        g_assert_false(http_reader_busy(r));
        g_autoptr(HttpMessage) m = http_reader_pop(r);
        g_assert_nonnull(m);
        if (!messages_equal(ref, m))
            g_error("split at %zu gives a different message", cut);
    }
    g_autoptr(HttpReader) r = http_reader_new(TRUE, 0, 0);
    feed_ok(r, text, len, 1);
    g_autoptr(HttpMessage) m = http_reader_pop(r);
    g_assert_true(messages_equal(ref, m));
}

static void test_pipelined(void)
{
    g_autoptr(HttpMessage) a = sample_request();
    g_autoptr(HttpMessage) b = http_request_new("GET", "/bsf?x=1");
    g_assert_true(http_message_add_header(b, "Host", "bsf"));
    g_autoptr(GBytes) ab = http_message_serialize(a, FALSE, 0);
    g_autoptr(GBytes) bb = http_message_serialize(b, TRUE, 0);
    GByteArray *both = g_byte_array_new();
    g_byte_array_append(both, g_bytes_get_data(ab, NULL), (guint)g_bytes_get_size(ab));
    g_byte_array_append(both, g_bytes_get_data(bb, NULL), (guint)g_bytes_get_size(bb));
    g_byte_array_append(both, (const guint8 *)"DELETE /x HT", 12); /* a third, incomplete */

    for (size_t step = 0; step <= 13; step += 13) {
        g_autoptr(HttpReader) r = http_reader_new(TRUE, 0, 0);
        feed_ok(r, both->data, both->len, step);
        g_autoptr(HttpMessage) m1 = http_reader_pop(r);
        g_autoptr(HttpMessage) m2 = http_reader_pop(r);
        g_assert_nonnull(m1);
        g_assert_nonnull(m2);
        g_assert_null(http_reader_pop(r));
        g_assert_true(messages_equal(a, m1));
        g_assert_true(messages_equal(b, m2));
        g_assert_true(http_reader_busy(r));
        GError *error = NULL;
        g_assert_false(http_reader_eof(r, &error));
        g_assert_error(error, HTTP_ERROR, HTTP_ERROR_TRUNCATED);
        g_clear_error(&error);
    }
    g_byte_array_free(both, TRUE);
}

/* ---------------------------------------------------------------- responses without a body */

static void test_head_response(void)
{
    static const char text[] = "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\nContent-Type: application/xml\r\n\r\n"
                               "HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno";
    g_autoptr(HttpReader) r = http_reader_new(FALSE, 0, 0);
    http_reader_expect_head_response(r);
    feed_ok(r, text, strlen(text), 0);
    g_autoptr(HttpMessage) head = http_reader_pop(r);
    g_autoptr(HttpMessage) next = http_reader_pop(r);
    g_assert_nonnull(head);
    g_assert_nonnull(next);
    assert_body(head, "");
    /* the length of the resource is kept: it describes the resource, not these bytes */
    g_assert_cmpstr(http_message_get_header(head, "Content-Length"), ==, "1234");
    g_assert_cmpuint(http_message_status(next), ==, 404);
    assert_body(next, "no");
    g_assert_false(http_reader_busy(r));

    /* Without the hint the reader takes the next response as the announced body. */
    g_autoptr(HttpReader) naive = http_reader_new(FALSE, 0, 0);
    feed_ok(naive, text, strlen(text), 0);
    g_assert_null(http_reader_pop(naive));
    g_assert_true(http_reader_busy(naive));
}

static void test_no_body_statuses(void)
{
    static const char text[] = "HTTP/1.1 100 Continue\r\n\r\n"
                               "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n"
                               "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n"
                               "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc";
    for (size_t step = 0; step <= 1; step++) {
        g_autoptr(HttpReader) r = http_reader_new(FALSE, 0, 0);
        http_reader_expect_head_response(r); /* applies to the 204, not to the interim 100 */
        feed_ok(r, text, strlen(text), step);
        static const guint want[] = {100, 204, 304, 200};
        for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
            g_autoptr(HttpMessage) m = http_reader_pop(r);
            g_assert_nonnull(m);
            g_assert_cmpuint(http_message_status(m), ==, want[i]);
            assert_body(m, i == 3 ? "abc" : "");
        }
        g_assert_null(http_reader_pop(r));
        g_assert_true(http_reader_eof(r, NULL));
    }
}

static void test_eof_delimited(void)
{
    static const char text[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the close";
    g_autoptr(HttpReader) r = http_reader_new(FALSE, 0, 0);
    feed_ok(r, text, strlen(text), 4);
    g_assert_null(http_reader_pop(r));
    g_assert_true(http_reader_busy(r));
    GError *error = NULL;
    g_assert_true(http_reader_eof(r, &error));
    g_assert_no_error(error);
    g_autoptr(HttpMessage) m = http_reader_pop(r);
    g_assert_nonnull(m);
    assert_body(m, "until the close");
    g_assert_false(http_reader_busy(r));
    /* nothing may follow the close */
    feed_fails(r, "HTTP/1.1 200 OK\r\n", HTTP_ERROR_SYNTAX, NULL);
}

static void test_truncated(void)
{
    static const char *const cases[] = {
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabc",
        "HTTP/1.1 200 OK\r\nContent-Le",
        "HTTP/1.1 2",
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(HttpReader) r = http_reader_new(FALSE, 0, 0);
        feed_ok(r, cases[i], strlen(cases[i]), 0);
        g_assert_true(http_reader_busy(r));
        GError *error = NULL;
        g_assert_false(http_reader_eof(r, &error));
        g_assert_error(error, HTTP_ERROR, HTTP_ERROR_TRUNCATED);
        g_clear_error(&error);
        g_assert_null(http_reader_pop(r));
    }
    /* A request can never be delimited by the close. */
    g_autoptr(HttpReader) r = http_reader_new(TRUE, 0, 0);
    feed_ok(r, "POST / HTTP/1.1\r\nContent-Length: 4\r\n\r\nab", 40, 0);
    GError *error = NULL;
    g_assert_false(http_reader_eof(r, &error));
    g_assert_error(error, HTTP_ERROR, HTTP_ERROR_TRUNCATED);
    g_clear_error(&error);
    /* a clean close between messages is fine */
    g_autoptr(HttpReader) idle = http_reader_new(TRUE, 0, 0);
    g_assert_true(http_reader_eof(idle, NULL));
}

/* ---------------------------------------------------------------- malformed and hostile */

static void test_malformed(void)
{
    static const struct {
        gboolean requests;
        const char *text;
        const char *needle; /* the parser's error name */
        guint queued;       /* messages complete before the error */
    } cases[] = {
        {TRUE, "GET /index HTTP/1.1 extra\r\n\r\n", "HPE_", 0},
        {TRUE, "GET /a b HTTP/1.1\r\n\r\n", "HPE_", 0},
        {TRUE, "GET / FTP/1.1\r\n\r\n", "HPE_INVALID_CONSTANT", 0},
        {TRUE, "G@T / HTTP/1.1\r\n\r\n", "HPE_INVALID_METHOD", 0},
        {FALSE, "HTTP/1.1 2x0 OK\r\n\r\n", "HPE_INVALID_STATUS", 0},
        {FALSE, "SIP/2.0 200 OK\r\n\r\n", "HPE_INVALID_CONSTANT", 0},
        {TRUE, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n",
         "HPE_INVALID_CHUNK_SIZE", 0},
        {TRUE, "POST / HTTP/1.1\r\nContent-Length: 12a\r\n\r\n", "HPE_INVALID_CONTENT_LENGTH", 0},
        {TRUE, "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", "HPE_INVALID_CONTENT_LENGTH", 0},
        {TRUE, "POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n", "HPE_INVALID_CONTENT_LENGTH", 0},
        {TRUE, "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
         "HPE_UNEXPECTED_CONTENT_LENGTH", 0},
        {TRUE, "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
         "HPE_UNEXPECTED_CONTENT_LENGTH", 0},
        {TRUE, "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", "transfer coding", 0},
        {FALSE, "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", "transfer coding", 0},
        {TRUE, "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", NULL, 0},
        {TRUE, "GET / HTTP/1.1\r\nX: a\001b\r\n\r\n", "HPE_INVALID_HEADER_TOKEN", 0},
        {FALSE, "HTTP/1.1 700 Weird\r\n\r\n", "status", 0},
        {FALSE, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n", "upgrade", 1},
        {TRUE, "CONNECT bsf:443 HTTP/1.1\r\n\r\n", "upgrade", 1},
        {TRUE, "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", "HPE_", 0}, /* a TLS ClientHello */
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(HttpReader) r = http_reader_new(cases[i].requests, 0, 0);
        feed_fails(r, cases[i].text, HTTP_ERROR_SYNTAX, cases[i].needle);
        /* refused from then on, even a valid message */
        const char *valid =
            cases[i].requests ? "GET / HTTP/1.1\r\n\r\n" : "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
        feed_fails(r, valid, HTTP_ERROR_SYNTAX, NULL);
        GError *error = NULL;
        g_assert_false(http_reader_eof(r, &error));
        g_assert_error(error, HTTP_ERROR, HTTP_ERROR_SYNTAX);
        g_clear_error(&error);
        for (guint k = 0; k < cases[i].queued; k++)
            http_message_free(http_reader_pop(r));
        g_assert_null(http_reader_pop(r));
    }

    /* Messages completed before the error stay queued. */
    g_autoptr(HttpReader) r = http_reader_new(TRUE, 0, 0);
    feed_fails(r, "GET /ok HTTP/1.1\r\n\r\nGET /bad HTTP/1.1\r\nContent-Length: x\r\n\r\n", HTTP_ERROR_SYNTAX,
               "HPE_INVALID_CONTENT_LENGTH");
    g_autoptr(HttpMessage) ok = http_reader_pop(r);
    g_assert_nonnull(ok);
    g_assert_cmpstr(http_message_target(ok), ==, "/ok");
    g_assert_null(http_reader_pop(r));
}

static void test_header_too_large(void)
{
    GString *big = g_string_new("GET / HTTP/1.1\r\n");
    for (int i = 0; i < 20; i++)
        g_string_append_printf(big, "X-Field-%02d: 0123456789\r\n", i);
    g_string_append(big, "\r\n"); /* about 520 octets */
    /* within the limit: accepted */
    g_autoptr(HttpReader) fits = http_reader_new(TRUE, 1024, 0);
    feed_ok(fits, big->str, big->len, 0);
    g_autoptr(HttpMessage) m = http_reader_pop(fits);
    g_assert_cmpuint(http_message_n_headers(m), ==, 20);
    /* above: refused, at once or byte by byte */
    for (size_t step = 0; step <= 1; step++) {
        g_autoptr(HttpReader) r = http_reader_new(TRUE, 256, 0);
        GError *error = NULL;
        gboolean ok = TRUE;
        size_t n = step ? 1 : big->len;
        for (size_t off = 0; ok && off < big->len; off += n)
            ok = http_reader_feed(r, (const uint8_t *)big->str + off, MIN(n, big->len - off), &error);
        g_assert_false(ok);
        g_assert_error(error, HTTP_ERROR, HTTP_ERROR_TOO_LARGE);
        g_clear_error(&error);
        g_assert_null(http_reader_pop(r));
    }
    g_string_free(big, TRUE);

    /* White space that no callback reports counts too. */
    GString *ws = g_string_new("GET / HTTP/1.1\r\nX:");
    for (int i = 0; i < 600; i++)
        g_string_append_c(ws, ' ');
    g_string_append(ws, "\r\n\r\n");
    g_autoptr(HttpReader) r = http_reader_new(TRUE, 256, 0);
    feed_fails(r, ws->str, HTTP_ERROR_TOO_LARGE, NULL);
    g_string_free(ws, TRUE);

    /* The default limit: a single 20 KiB field. */
    GString *huge = g_string_new("HTTP/1.1 200 OK\r\nX-Huge: ");
    for (int i = 0; i < 20 * 1024; i++)
        g_string_append_c(huge, 'a');
    g_string_append(huge, "\r\n\r\n");
    g_autoptr(HttpReader) d = http_reader_new(FALSE, 0, 0);
    feed_fails(d, huge->str, HTTP_ERROR_TOO_LARGE, NULL);
    g_string_free(huge, TRUE);
}

static void test_body_too_large(void)
{
    static const char *const cases[] = {
        "POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n",                         /* refused on the announcement */
        "POST / HTTP/1.1\r\nContent-Length: 1000000000000\r\n\r\n", /* a terabyte: refused before any body byte */
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n6\r\n", /* joined chunks */
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffff\r\n",      /* one huge chunk */
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(HttpReader) r = http_reader_new(TRUE, 0, 10);
        feed_fails(r, cases[i], HTTP_ERROR_TOO_LARGE, NULL);
    }
    /* exactly the limit is fine */
    g_autoptr(HttpReader) ok = http_reader_new(TRUE, 0, 10);
    static const char fits[] =
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n4\r\nghij\r\n0\r\n\r\n";
    feed_ok(ok, fits, strlen(fits), 0);
    g_autoptr(HttpMessage) m = http_reader_pop(ok);
    assert_body(m, "abcdefghij");
    /* a response read until the close */
    g_autoptr(HttpReader) r = http_reader_new(FALSE, 0, 10);
    feed_ok(r, "HTTP/1.1 200 OK\r\n\r\n0123456789", 29, 0);
    feed_fails(r, "x", HTTP_ERROR_TOO_LARGE, NULL);
}

/* Random bytes, and random mutations of a valid message, must only ever fail cleanly. */
static void test_random_input(void)
{
    GRand *rand = g_rand_new_with_seed(20240);
    static const char valid[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX: y\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
    for (int i = 0; i < 3000; i++) {
        guint8 buf[96];
        size_t len;
        if (i % 2) {
            len = (size_t)g_rand_int_range(rand, 1, sizeof buf);
            for (size_t k = 0; k < len; k++)
                buf[k] = (guint8)g_rand_int_range(rand, 0, 256);
        } else {
            len = strlen(valid);
            memcpy(buf, valid, len);
            for (int k = 0; k < 3; k++)
                buf[g_rand_int_range(rand, 0, (gint32)len)] = (guint8)g_rand_int_range(rand, 0, 256);
        }
        g_autoptr(HttpReader) r = http_reader_new(i % 4 < 2, 64, 16);
        size_t step = (size_t)g_rand_int_range(rand, 1, 8);
        gboolean ok = TRUE;
        for (size_t off = 0; ok && off < len; off += step) {
            GError *error = NULL;
            ok = http_reader_feed(r, buf + off, MIN(step, len - off), &error);
            g_assert_true(ok == (error == NULL));
            g_clear_error(&error);
        }
        (void)http_reader_eof(r, NULL);
        HttpMessage *m;
        while ((m = http_reader_pop(r))) {
            g_autoptr(GBytes) b = http_message_serialize(m, FALSE, 0); /* what we read prints */
            g_assert_nonnull(b);
            http_message_free(m);
        }
    }
    g_rand_free(rand);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/http/wire-bytes", test_wire_bytes);
    g_test_add_func("/http/injection-refused", test_injection_refused);
    g_test_add_func("/http/header-lookup", test_header_lookup);
    g_test_add_func("/http/reason-phrases", test_reason_phrases);
    g_test_add_func("/http/round-trip-request", test_round_trip_request);
    g_test_add_func("/http/round-trip-response", test_round_trip_response);
    g_test_add_func("/http/split-points", test_split_points);
    g_test_add_func("/http/pipelined", test_pipelined);
    g_test_add_func("/http/head-response", test_head_response);
    g_test_add_func("/http/no-body-statuses", test_no_body_statuses);
    g_test_add_func("/http/eof-delimited", test_eof_delimited);
    g_test_add_func("/http/truncated", test_truncated);
    g_test_add_func("/http/malformed", test_malformed);
    g_test_add_func("/http/header-too-large", test_header_too_large);
    g_test_add_func("/http/body-too-large", test_body_too_large);
    g_test_add_func("/http/random-input", test_random_input);
    return g_test_run();
}
