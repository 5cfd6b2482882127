/* http-message.h: an HTTP/1.1 message (RFC 9110 semantics, RFC 9112 syntax) and its serialization.
 *
 * A request (method, request-target) or a response (status, reason), an ordered list of header
 * fields (names compare case-insensitively, order and repeats kept as given) and a body of octets.
 * http_message_serialize() writes the exact bytes that go on the wire: the start line, the fields
 * in order, and the body framed with Content-Length or with chunked transfer coding (RFC 9112 §7.1).
 * Parsing is in http-reader.h (libhttp-parser). Used for Ub (UE-BSF), Ua (UE-AP over TLS) and the
 * AP-PS hop of Ut (TS 33.220, TS 33.222, RFC 4825).
 * What it is not: a connection manager, a cache, content codings, trailers.
 * Tests: tests/unit/test-http.c.
 */
#pragma once
#include <glib.h>
#include <stdint.h>

#define HTTP_ERROR (http_error_quark())
GQuark http_error_quark(void);
typedef enum {
    HTTP_ERROR_SYNTAX = 1, /* bytes that are not HTTP/1.1 (the parser's reason in the message) */
    HTTP_ERROR_TOO_LARGE,  /* header section or body above the reader's limits */
    HTTP_ERROR_INVALID,    /* an argument that cannot be used: bad token, CR/LF in a value */
    HTTP_ERROR_TRUNCATED,  /* the connection closed inside a message */
} HttpError;

typedef struct HttpMessage HttpMessage;

/* METHOD must be a token (RFC 9110 §5.6.2), TARGET printable ASCII without spaces; NULL otherwise. */
HttpMessage *http_request_new(const char *method, const char *target);
/* STATUS 100..599; REASON NULL: the standard phrase (http_reason_phrase). NULL for a bad status. */
HttpMessage *http_response_new(guint status, const char *reason);
void http_message_free(HttpMessage *msg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HttpMessage, http_message_free)

gboolean http_message_is_request(const HttpMessage *msg);
const char *http_message_method(const HttpMessage *msg); /* NULL for a response */
const char *http_message_target(const HttpMessage *msg); /* NULL for a response */
guint http_message_status(const HttpMessage *msg);      /* 0 for a request */
const char *http_message_reason(const HttpMessage *msg); /* NULL for a request */

/* Appends a field. NAME must be a token; VALUE must not hold CR, LF or NUL (RFC 9110 §5.5).
 * Leading and trailing white space of VALUE is dropped. FALSE (nothing added) otherwise. */
gboolean http_message_add_header(HttpMessage *msg, const char *name, const char *value);
/* Removes every field NAME, then appends one. */
gboolean http_message_set_header(HttpMessage *msg, const char *name, const char *value);
/* The first field NAME (case-insensitive) or NULL. */
const char *http_message_get_header(const HttpMessage *msg, const char *name);
/* Removes every field NAME; the number removed. */
guint http_message_remove_header(HttpMessage *msg, const char *name);
guint http_message_n_headers(const HttpMessage *msg);
void http_message_nth_header(const HttpMessage *msg, guint i, const char **name, const char **value);

/* The body (copied). CONTENT_TYPE, if not NULL, sets the Content-Type field. LEN 0: no body. */
void http_message_set_body(HttpMessage *msg, const void *data, size_t len, const char *content_type);
const uint8_t *http_message_body(const HttpMessage *msg, size_t *len);

/* The wire bytes. Content-Length and Transfer-Encoding fields already in MSG are replaced: with
 * CHUNKED a "Transfer-Encoding: chunked" field and the body in chunks of at most CHUNK_SIZE octets
 * (0: one chunk) then the last chunk; otherwise "Content-Length: N" (also 0 for a request without
 * body, RFC 9112 §6.3 step 7) except on 1xx, 204 and 304 responses, which never carry a body. */
GBytes *http_message_serialize(const HttpMessage *msg, gboolean chunked, size_t chunk_size);

/* Standard reason phrases of RFC 9110 §15 ("OK", "Unauthorized", "Precondition Failed", ...);
 * "Unknown" for others. */
const char *http_reason_phrase(guint status);
