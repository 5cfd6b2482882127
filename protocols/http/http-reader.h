/* http-reader.h: turns a byte stream into HTTP/1.1 messages, on libhttp-parser.
 *
 * Why a library: RFC 9112 framing has sharp corners (chunk extensions, obs-fold, Content-Length and
 * Transfer-Encoding together, pipelining); Debian's libhttp-parser (nodejs/http-parser 2.9) handles
 * them and is hardened by years of fuzzing, so we only add limits and the message model.
 * A reader is fed the bytes a connection delivered, in any pieces; every complete message is queued
 * and taken with http_reader_pop(). Bodies framed by Content-Length or chunked coding are both read
 * (the chunks are joined; the message then has neither framing field, so it prints back with
 * whichever framing the caller chooses). A response without framing ends at http_reader_eof().
 * Limits (header section, body) make hostile peers cost bounded memory: beyond them, an error.
 * After an error the reader refuses further input: the connection must be closed.
 * Tests: tests/unit/test-http.c (pieces of every size, pipelining, chunked, malformed, limits).
 */
#pragma once
#include "protocols/http/http-message.h"

typedef struct HttpReader HttpReader;

#define HTTP_READER_DEFAULT_MAX_HEADER (16 * 1024)
#define HTTP_READER_DEFAULT_MAX_BODY (1024 * 1024)

/* REQUESTS: TRUE to read requests (a server), FALSE for responses (a client). A limit of 0 takes
 * the default above. */
HttpReader *http_reader_new(gboolean requests, size_t max_header, size_t max_body);
void http_reader_free(HttpReader *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HttpReader, http_reader_free)

/* Client side: the next response answers a HEAD request (no body whatever its fields say). */
void http_reader_expect_head_response(HttpReader *r);

/* Feeds LEN octets. FALSE with HTTP_ERROR_SYNTAX or HTTP_ERROR_TOO_LARGE; messages completed
 * before the error stay queued. */
gboolean http_reader_feed(HttpReader *r, const uint8_t *data, size_t len, GError **error);
/* The peer closed: completes a response delimited by the close; HTTP_ERROR_TRUNCATED if a message
 * was partly read. */
gboolean http_reader_eof(HttpReader *r, GError **error);
/* The oldest complete message, or NULL. The caller frees it. */
HttpMessage *http_reader_pop(HttpReader *r);
/* TRUE while some bytes of an incomplete message are held. */
gboolean http_reader_busy(const HttpReader *r);
