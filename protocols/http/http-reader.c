/* http-reader.c: HTTP/1.1 messages out of a byte stream, on libhttp-parser 2.9.
 *
 * Design notes.
 * 1. The parser is paused in on_headers_complete and on_message_complete, so every execute call
 *    ends at a boundary we see: the bytes it consumed are all header section bytes or all body (and
 *    idle) bytes. That makes the header limit exact, including white space no callback reports,
 *    and makes the bytes after a message start a fresh count for the next one (pipelining).
 * 2. Data callbacks may deliver a piece of a name or value (the parser reports what it has at the
 *    end of each fed buffer); consecutive pieces of the same kind are joined. An obs-fold
 *    continuation (RFC 9112 §5.2) arrives as one more value piece starting with its white space,
 *    so the same joining turns "a,\r\n b" into "a, b".
 * 3. A callback that refuses (limit, bad field) stores its GError in cb_error and returns non-zero;
 *    the parser then stops with an HPE_CB_* errno and feed() reports cb_error instead.
 * 4. The first error is kept in failed: every later feed or eof returns it again (the connection
 *    must be closed, the stream position is lost).
 * 5. http_parser_set_max_header_size() is process-wide, so our per-reader limit is enforced here; the
 *    library's own 80 KiB limit stays as a second bound.
 */
#include "protocols/http/http-reader.h"

#include <http_parser.h>
#include <string.h>

struct HttpReader {
    http_parser parser;
    http_parser_settings settings;
    gboolean requests;
    size_t max_header, max_body;
    GQueue done; /* HttpMessage*, complete, oldest first */

    /* The message being read. */
    gboolean in_message; /* on_message_begin seen, on_message_complete not yet */
    gboolean in_body;    /* on_headers_complete seen */
    gboolean skip_body;  /* a response that has no body by rule (HEAD, 1xx, 204, 304) */
    GString *url, *status_text;
    GPtrArray *pairs;    /* char*: name, value, name, value, ... of the header section */
    gboolean last_value; /* the last data callback was a header value (the next name starts a field) */
    HttpMessage *msg;    /* built in on_headers_complete */
    GByteArray *body;
    size_t header_bytes; /* header section bytes consumed by earlier execute calls */
    const char *exec_start; /* the bytes handed to the current execute call */

    gboolean head_next; /* the next final response answers a HEAD request */
    gboolean eof;
    GError *cb_error; /* note 3 */
    GError *failed;   /* note 4 */
};

static void message_reset(HttpReader *r)
{
    r->in_message = FALSE;
    r->in_body = FALSE;
    r->skip_body = FALSE;
    g_string_truncate(r->url, 0);
    g_string_truncate(r->status_text, 0);
    g_ptr_array_set_size(r->pairs, 0);
    r->last_value = FALSE;
    g_clear_pointer(&r->msg, http_message_free);
    g_byte_array_set_size(r->body, 0);
    r->header_bytes = 0;
}

/* Stops the parser from a callback with ERROR (note 3). */
static int cb_fail(HttpReader *r, HttpError code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static int cb_fail(HttpReader *r, HttpError code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (!r->cb_error)
        r->cb_error = g_error_new_literal(HTTP_ERROR, code, text);
    return 1;
}

/* Header section bytes up to END, which lies in the current execute buffer (note 1). */
static gboolean header_over_limit(HttpReader *r, const char *end)
{
    return r->header_bytes + (size_t)(end - r->exec_start) > r->max_header;
}

/* ------------------------------------------------------------------ parser callbacks */

static int on_message_begin(http_parser *p)
{
    HttpReader *r = p->data;
    message_reset(r);
    r->in_message = TRUE;
    return 0;
}

static int on_url(http_parser *p, const char *at, size_t len)
{
    HttpReader *r = p->data;
    if (header_over_limit(r, at + len))
        return cb_fail(r, HTTP_ERROR_TOO_LARGE, "header section above %zu octets", r->max_header);
    g_string_append_len(r->url, at, (gssize)len);
    return 0;
}

static int on_status(http_parser *p, const char *at, size_t len)
{
    HttpReader *r = p->data;
    if (header_over_limit(r, at + len))
        return cb_fail(r, HTTP_ERROR_TOO_LARGE, "header section above %zu octets", r->max_header);
    g_string_append_len(r->status_text, at, (gssize)len);
    return 0;
}

/* Appends to the last name or value, or starts a new one (note 2). */
static void pair_append(HttpReader *r, gboolean value, const char *at, size_t len)
{
    gboolean extend = r->pairs->len > 0 && r->last_value == value;
    if (!extend) {
        if (value && r->pairs->len % 2 == 0) /* a value without a name cannot happen; stay safe */
            g_ptr_array_add(r->pairs, g_strdup(""));
        g_ptr_array_add(r->pairs, g_strndup(at, len));
    } else {
        char **last = (char **)&g_ptr_array_index(r->pairs, r->pairs->len - 1);
        char *joined = g_malloc(strlen(*last) + len + 1);
        size_t old = strlen(*last);
        memcpy(joined, *last, old);
        memcpy(joined + old, at, len);
        joined[old + len] = '\0';
        g_free(*last);
        *last = joined;
    }
    r->last_value = value;
}

static int on_header_field(http_parser *p, const char *at, size_t len)
{
    HttpReader *r = p->data;
    if (r->in_body) /* a trailer field (RFC 9112 §7.1.2): not modelled, dropped */
        return 0;
    if (header_over_limit(r, at + len))
        return cb_fail(r, HTTP_ERROR_TOO_LARGE, "header section above %zu octets", r->max_header);
    pair_append(r, FALSE, at, len);
    return 0;
}

static int on_header_value(http_parser *p, const char *at, size_t len)
{
    HttpReader *r = p->data;
    if (r->in_body)
        return 0;
    if (header_over_limit(r, at + len))
        return cb_fail(r, HTTP_ERROR_TOO_LARGE, "header section above %zu octets", r->max_header);
    if (memchr(at, '\0', len)) /* the parser refuses NUL already; a C string must not hide one */
        return cb_fail(r, HTTP_ERROR_SYNTAX, "NUL in a header field value");
    pair_append(r, TRUE, at, len);
    return 0;
}

/* TRUE if every Transfer-Encoding field of MSG names only "chunked" (once). Other codings would
 * stay applied to the body we hand out, and we do not model them (http-message.h). */
static gboolean only_chunked(const HttpMessage *msg, guint *n_te)
{
    guint codings = 0;
    gboolean ok = TRUE;
    *n_te = 0;
    for (guint i = 0; i < http_message_n_headers(msg); i++) {
        const char *name, *value;
        http_message_nth_header(msg, i, &name, &value);
        if (g_ascii_strcasecmp(name, "Transfer-Encoding") != 0)
            continue;
        (*n_te)++;
        g_auto(GStrv) parts = g_strsplit(value, ",", -1);
        for (guint k = 0; parts[k]; k++) {
            g_strstrip(parts[k]);
            if (!*parts[k])
                continue; /* empty list elements are allowed (RFC 9110 §5.6.1.2) */
            codings++;
            if (g_ascii_strcasecmp(parts[k], "chunked") != 0)
                ok = FALSE;
        }
    }
    return ok && codings <= 1;
}

static int on_headers_complete(http_parser *p)
{
    HttpReader *r = p->data;
    r->in_body = TRUE;
    http_parser_pause(p, 1); /* note 1 */
    /* Failures return -1 here: 1 and 2 mean "no body" to the parser, not an error. */

    HttpMessage *msg;
    if (r->requests) {
        msg = http_request_new(http_method_str((enum http_method)p->method), r->url->str);
        if (!msg)
            return -cb_fail(r, HTTP_ERROR_SYNTAX, "invalid request-target");
    } else {
        /* The parser takes any three digits; RFC 9110 §15 defines 100..599. */
        msg = http_response_new(p->status_code, r->status_text->str);
        if (!msg)
            return -cb_fail(r, HTTP_ERROR_SYNTAX, "invalid status code %u or reason phrase", p->status_code);
    }
    r->msg = msg;
    for (guint i = 0; i + 1 < r->pairs->len; i += 2) {
        const char *name = g_ptr_array_index(r->pairs, i), *value = g_ptr_array_index(r->pairs, i + 1);
        if (!http_message_add_header(msg, name, value))
            return -cb_fail(r, HTTP_ERROR_SYNTAX, "invalid header field '%.40s'", name);
    }
    if (r->pairs->len % 2 != 0)
        return -cb_fail(r, HTTP_ERROR_SYNTAX, "header field without value");
    g_ptr_array_set_size(r->pairs, 0);

    guint n_te = 0;
    if (!only_chunked(msg, &n_te))
        return -cb_fail(r, HTTP_ERROR_SYNTAX, "unsupported transfer coding '%s'",
                       http_message_get_header(msg, "Transfer-Encoding"));
    if ((p->flags & F_CONTENTLENGTH) && p->content_length != ULLONG_MAX && p->content_length > r->max_body)
        return -cb_fail(r, HTTP_ERROR_TOO_LARGE, "Content-Length %" G_GUINT64_FORMAT " above %zu",
                       (guint64)p->content_length, r->max_body);

    if (!r->requests) {
        guint status = p->status_code;
        /* 1xx, 204 and 304 never have a body, whatever their fields say (RFC 9112 §6.3 rule 1);
         * libhttp-parser would read a Content-Length body after a 204. */
        gboolean bodiless = status < 200 || status == 204 || status == 304;
        if (status >= 200 && r->head_next) {
            r->head_next = FALSE;
            bodiless = TRUE;
        }
        if (bodiless) {
            r->skip_body = TRUE;
            return 1; /* the parser's "no body" answer */
        }
    }
    return 0;
}

static int on_body(http_parser *p, const char *at, size_t len)
{
    HttpReader *r = p->data;
    if (len > r->max_body - r->body->len)
        return cb_fail(r, HTTP_ERROR_TOO_LARGE, "body above %zu octets", r->max_body);
    g_byte_array_append(r->body, (const guint8 *)at, (guint)len);
    return 0;
}

/* Checked before the chunk arrives, so a huge announced chunk fails at once. */
static int on_chunk_header(http_parser *p)
{
    HttpReader *r = p->data;
    if (p->content_length > (uint64_t)(r->max_body - r->body->len))
        return cb_fail(r, HTTP_ERROR_TOO_LARGE, "chunk of %" G_GUINT64_FORMAT " octets: body above %zu",
                       (guint64)p->content_length, r->max_body);
    return 0;
}

static int on_message_complete(http_parser *p)
{
    HttpReader *r = p->data;
    http_parser_pause(p, 1); /* note 1 */
    if (!r->msg) { /* headers_complete refused it: the error is already set */
        message_reset(r);
        return 0;
    }
    HttpMessage *msg = g_steal_pointer(&r->msg);
    if (!r->skip_body) {
        /* The body now stands alone: its framing was consumed (http-reader.h). A message without
         * a body by rule keeps its fields: they describe the resource, not these bytes. */
        http_message_remove_header(msg, "Content-Length");
        http_message_remove_header(msg, "Transfer-Encoding");
    }
    http_message_set_body(msg, r->body->data, r->body->len, NULL);
    g_queue_push_tail(&r->done, msg);
    message_reset(r);
    return 0;
}

/* ------------------------------------------------------------------ public */

HttpReader *http_reader_new(gboolean requests, size_t max_header, size_t max_body)
{
    HttpReader *r = g_new0(HttpReader, 1);
    r->requests = requests;
    r->max_header = max_header ? max_header : HTTP_READER_DEFAULT_MAX_HEADER;
    r->max_body = max_body ? max_body : HTTP_READER_DEFAULT_MAX_BODY;
    /* GByteArray lengths are guint. */
    r->max_body = MIN(r->max_body, (size_t)G_MAXUINT);
    g_queue_init(&r->done);
    r->url = g_string_new(NULL);
    r->status_text = g_string_new(NULL);
    r->pairs = g_ptr_array_new_with_free_func(g_free);
    r->body = g_byte_array_new();
    http_parser_init(&r->parser, requests ? HTTP_REQUEST : HTTP_RESPONSE);
    r->parser.data = r;
    http_parser_settings_init(&r->settings);
    r->settings.on_message_begin = on_message_begin;
    r->settings.on_url = on_url;
    r->settings.on_status = on_status;
    r->settings.on_header_field = on_header_field;
    r->settings.on_header_value = on_header_value;
    r->settings.on_headers_complete = on_headers_complete;
    r->settings.on_body = on_body;
    r->settings.on_chunk_header = on_chunk_header;
    r->settings.on_message_complete = on_message_complete;
    return r;
}

void http_reader_free(HttpReader *r)
{
    if (!r)
        return;
    g_queue_clear_full(&r->done, (GDestroyNotify)http_message_free);
    message_reset(r);
    g_string_free(r->url, TRUE);
    g_string_free(r->status_text, TRUE);
    g_ptr_array_free(r->pairs, TRUE);
    g_byte_array_free(r->body, TRUE);
    g_clear_error(&r->cb_error);
    g_clear_error(&r->failed);
    g_free(r);
}

void http_reader_expect_head_response(HttpReader *r)
{
    r->head_next = TRUE;
}

/* Records the first error (note 4) and reports it. */
static gboolean reader_fail(HttpReader *r, GError *e, GError **error)
{
    message_reset(r); /* nothing more will be read: free the partial message now */
    if (!r->failed)
        r->failed = e;
    else
        g_error_free(e);
    g_propagate_error(error, g_error_copy(r->failed));
    return FALSE;
}

/* The error for a parser stop with errno ERR. */
static GError *parser_error(HttpReader *r, enum http_errno err)
{
    if (r->cb_error && err >= HPE_CB_message_begin && err <= HPE_CB_chunk_complete)
        return g_steal_pointer(&r->cb_error);
    g_clear_error(&r->cb_error);
    if (err == HPE_HEADER_OVERFLOW)
        return g_error_new(HTTP_ERROR, HTTP_ERROR_TOO_LARGE, "%s: %s", http_errno_name(err),
                           http_errno_description(err));
    return g_error_new(HTTP_ERROR, HTTP_ERROR_SYNTAX, "%s: %s", http_errno_name(err), http_errno_description(err));
}

static gboolean refuse_if_failed(HttpReader *r, GError **error)
{
    if (r->failed) {
        g_propagate_error(error, g_error_copy(r->failed));
        return TRUE;
    }
    return FALSE;
}

gboolean http_reader_feed(HttpReader *r, const uint8_t *data, size_t len, GError **error)
{
    if (refuse_if_failed(r, error))
        return FALSE;
    if (r->eof)
        return reader_fail(r, g_error_new_literal(HTTP_ERROR, HTTP_ERROR_SYNTAX, "bytes after the end of the stream"),
                           error);
    size_t off = 0;
    while (off < len) {
        const char *chunk = (const char *)data + off;
        gboolean headers = !r->in_body;
        r->exec_start = chunk;
        size_t n = http_parser_execute(&r->parser, &r->settings, chunk, len - off);
        enum http_errno err = HTTP_PARSER_ERRNO(&r->parser);
        if (err != HPE_OK && err != HPE_PAUSED)
            return reader_fail(r, parser_error(r, err), error);
        if (r->cb_error) /* a callback refused and paused in the same call */
            return reader_fail(r, g_steal_pointer(&r->cb_error), error);
        if (headers && r->in_message) {
            /* still in the header section, or paused just before its last LF */
            r->header_bytes += n;
            if (r->header_bytes > r->max_header)
                return reader_fail(r,
                                   g_error_new(HTTP_ERROR, HTTP_ERROR_TOO_LARGE, "header section above %zu octets",
                                               r->max_header),
                                   error);
        }
        if (err == HPE_PAUSED)
            http_parser_pause(&r->parser, 0);
        off += n;
        if (r->parser.upgrade && !r->in_message) {
            /* CONNECT or a protocol switch: what follows is not HTTP (RFC 9110 §7.8, §9.3.6). */
            return reader_fail(
                r, g_error_new_literal(HTTP_ERROR, HTTP_ERROR_SYNTAX, "protocol upgrade is not supported"), error);
        }
        if (n == 0 && err != HPE_PAUSED) /* cannot happen; never spin */
            return reader_fail(r, g_error_new_literal(HTTP_ERROR, HTTP_ERROR_SYNTAX, "parser made no progress"),
                               error);
    }
    return TRUE;
}

gboolean http_reader_eof(HttpReader *r, GError **error)
{
    if (refuse_if_failed(r, error))
        return FALSE;
    if (r->eof)
        return TRUE;
    r->eof = TRUE;
    if (!r->in_message)
        return TRUE;
    /* A zero-length execute tells the parser the stream ended: a response read until close is
     * then complete (RFC 9112 §6.3 rule 8); anything else partly read is an error. */
    r->exec_start = NULL;
    http_parser_execute(&r->parser, &r->settings, NULL, 0);
    enum http_errno err = HTTP_PARSER_ERRNO(&r->parser);
    if (err == HPE_PAUSED)
        http_parser_pause(&r->parser, 0);
    if (r->cb_error)
        return reader_fail(r, g_steal_pointer(&r->cb_error), error);
    if (r->in_message || (err != HPE_OK && err != HPE_PAUSED)) {
        gboolean in_body = r->in_body;
        message_reset(r);
        return reader_fail(r,
                           g_error_new(HTTP_ERROR, HTTP_ERROR_TRUNCATED, "connection closed inside a message (%s)",
                                       in_body ? "body" : "header section"),
                           error);
    }
    return TRUE;
}

HttpMessage *http_reader_pop(HttpReader *r)
{
    return g_queue_pop_head(&r->done);
}

gboolean http_reader_busy(const HttpReader *r)
{
    return r->in_message;
}
