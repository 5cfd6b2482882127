/* http-message.c: the HTTP/1.1 message model and its serialization (RFC 9110, RFC 9112).
 *
 * Every string that reaches the wire is checked when it enters the message (token names, targets,
 * field values without CR/LF), so http_message_serialize() can never be made to emit a second
 * header or a second message (response splitting, RFC 9112 §11.1).
 */
#include "protocols/http/http-message.h"

#include <string.h>

G_DEFINE_QUARK(http-error-quark, http_error)

typedef struct {
    char *name;
    char *value;
} HttpField;

struct HttpMessage {
    gboolean request;
    char *method; /* request */
    char *target;
    guint status; /* response */
    char *reason;
    GArray *fields; /* HttpField, in order */
    GByteArray *body;
};

/* ------------------------------------------------------------------ character classes */

/* tchar (RFC 9110 §5.6.2). */
static gboolean is_tchar(unsigned char c)
{
    return g_ascii_isalnum(c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static gboolean is_token(const char *s)
{
    if (!s || !*s)
        return FALSE;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (!is_tchar(*p))
            return FALSE;
    return TRUE;
}

/* field-vchar / SP / HTAB (RFC 9110 §5.5): no CR, LF, NUL nor any other control. */
static gboolean is_field_text(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
            return FALSE;
    return TRUE;
}

/* ------------------------------------------------------------------ construction */

static void field_clear(gpointer p)
{
    HttpField *f = p;
    g_free(f->name);
    g_free(f->value);
}

static HttpMessage *message_alloc(void)
{
    HttpMessage *msg = g_new0(HttpMessage, 1);
    msg->fields = g_array_new(FALSE, FALSE, sizeof(HttpField));
    g_array_set_clear_func(msg->fields, field_clear);
    msg->body = g_byte_array_new();
    return msg;
}

HttpMessage *http_request_new(const char *method, const char *target)
{
    if (!is_token(method) || !target || !*target)
        return NULL;
    /* request-target (RFC 9112 §3.2): visible ASCII only; a space would end the start line early. */
    for (const unsigned char *p = (const unsigned char *)target; *p; p++)
        if (*p < 0x21 || *p > 0x7e)
            return NULL;
    HttpMessage *msg = message_alloc();
    msg->request = TRUE;
    msg->method = g_strdup(method);
    msg->target = g_strdup(target);
    return msg;
}

HttpMessage *http_response_new(guint status, const char *reason)
{
    if (status < 100 || status > 599)
        return NULL;
    /* reason-phrase = *( HTAB / SP / VCHAR / obs-text ) (RFC 9112 §4); may be empty. */
    if (reason && !is_field_text(reason))
        return NULL;
    HttpMessage *msg = message_alloc();
    msg->status = status;
    msg->reason = g_strdup(reason ? reason : http_reason_phrase(status));
    return msg;
}

void http_message_free(HttpMessage *msg)
{
    if (!msg)
        return;
    g_free(msg->method);
    g_free(msg->target);
    g_free(msg->reason);
    g_array_free(msg->fields, TRUE);
    g_byte_array_free(msg->body, TRUE);
    g_free(msg);
}

gboolean http_message_is_request(const HttpMessage *msg)
{
    return msg->request;
}

const char *http_message_method(const HttpMessage *msg)
{
    return msg->method;
}

const char *http_message_target(const HttpMessage *msg)
{
    return msg->target;
}

guint http_message_status(const HttpMessage *msg)
{
    return msg->status;
}

const char *http_message_reason(const HttpMessage *msg)
{
    return msg->reason;
}

/* ------------------------------------------------------------------ header fields */

gboolean http_message_add_header(HttpMessage *msg, const char *name, const char *value)
{
    if (!is_token(name) || !value || !is_field_text(value))
        return FALSE;
    /* OWS around the value is not part of it (RFC 9110 §5.5). */
    const char *start = value;
    while (*start == ' ' || *start == '\t')
        start++;
    size_t len = strlen(start);
    while (len > 0 && (start[len - 1] == ' ' || start[len - 1] == '\t'))
        len--;
    HttpField f = {g_strdup(name), g_strndup(start, len)};
    g_array_append_val(msg->fields, f);
    return TRUE;
}

gboolean http_message_set_header(HttpMessage *msg, const char *name, const char *value)
{
    /* Checked first so that a refused value leaves the old fields in place. */
    if (!is_token(name) || !value || !is_field_text(value))
        return FALSE;
    http_message_remove_header(msg, name);
    return http_message_add_header(msg, name, value);
}

const char *http_message_get_header(const HttpMessage *msg, const char *name)
{
    for (guint i = 0; i < msg->fields->len; i++) {
        const HttpField *f = &g_array_index(msg->fields, HttpField, i);
        if (g_ascii_strcasecmp(f->name, name) == 0)
            return f->value;
    }
    return NULL;
}

guint http_message_remove_header(HttpMessage *msg, const char *name)
{
    guint removed = 0;
    for (guint i = 0; i < msg->fields->len;) {
        if (g_ascii_strcasecmp(g_array_index(msg->fields, HttpField, i).name, name) == 0) {
            g_array_remove_index(msg->fields, i); /* keeps order: O(n) per removal, n is small */
            removed++;
        } else {
            i++;
        }
    }
    return removed;
}

guint http_message_n_headers(const HttpMessage *msg)
{
    return msg->fields->len;
}

void http_message_nth_header(const HttpMessage *msg, guint i, const char **name, const char **value)
{
    const HttpField *f = i < msg->fields->len ? &g_array_index(msg->fields, HttpField, i) : NULL;
    if (name)
        *name = f ? f->name : NULL;
    if (value)
        *value = f ? f->value : NULL;
}

/* ------------------------------------------------------------------ body */

void http_message_set_body(HttpMessage *msg, const void *data, size_t len, const char *content_type)
{
    g_return_if_fail(len <= G_MAXUINT); /* GByteArray's bound */
    g_byte_array_set_size(msg->body, 0);
    if (len > 0 && data)
        g_byte_array_append(msg->body, data, (guint)len);
    /* A Content-Type that is not a valid field value is a caller bug; it is not added. */
    if (content_type && !http_message_set_header(msg, "Content-Type", content_type))
        g_warning("http: Content-Type '%s' refused", content_type);
}

const uint8_t *http_message_body(const HttpMessage *msg, size_t *len)
{
    if (len)
        *len = msg->body->len;
    return msg->body->len ? msg->body->data : NULL;
}

/* ------------------------------------------------------------------ serialization */

GBytes *http_message_serialize(const HttpMessage *msg, gboolean chunked, size_t chunk_size)
{
    GString *out = g_string_sized_new(256 + msg->body->len);
    if (msg->request)
        g_string_append_printf(out, "%s %s HTTP/1.1\r\n", msg->method, msg->target);
    else
        g_string_append_printf(out, "HTTP/1.1 %03u %s\r\n", msg->status, msg->reason);

    for (guint i = 0; i < msg->fields->len; i++) {
        const HttpField *f = &g_array_index(msg->fields, HttpField, i);
        /* The framing is ours to write (RFC 9112 §6.1, §6.2): a stale copy would desynchronize. */
        if (g_ascii_strcasecmp(f->name, "Content-Length") == 0 ||
            g_ascii_strcasecmp(f->name, "Transfer-Encoding") == 0)
            continue;
        g_string_append_printf(out, "%s: %s\r\n", f->name, f->value);
    }

    /* 1xx, 204 and 304 never carry a body nor announce one (RFC 9110 §15.2, §15.3.5, §15.4.5). */
    gboolean bodiless = !msg->request && (msg->status < 200 || msg->status == 204 || msg->status == 304);
    if (bodiless) {
        g_string_append(out, "\r\n");
    } else if (chunked) {
        /* RFC 9112 §7.1: chunk = chunk-size CRLF chunk-data CRLF; last-chunk = "0" CRLF; then the
         * empty trailer section and CRLF. */
        g_string_append(out, "Transfer-Encoding: chunked\r\n\r\n");
        size_t step = chunk_size ? chunk_size : msg->body->len;
        for (size_t off = 0; off < msg->body->len; off += step) {
            size_t n = MIN(step, msg->body->len - off);
            g_string_append_printf(out, "%zx\r\n", n);
            g_string_append_len(out, (const char *)msg->body->data + off, (gssize)n);
            g_string_append(out, "\r\n");
        }
        g_string_append(out, "0\r\n\r\n");
    } else {
        g_string_append_printf(out, "Content-Length: %u\r\n\r\n", msg->body->len);
        g_string_append_len(out, (const char *)msg->body->data, (gssize)msg->body->len);
    }
    gsize len = out->len;
    return g_bytes_new_take(g_string_free(out, FALSE), len);
}

/* ------------------------------------------------------------------ reason phrases */

const char *http_reason_phrase(guint status)
{
    /* RFC 9110 §15 */
    switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 203: return "Non-Authoritative Information";
    case 204: return "No Content";
    case 205: return "Reset Content";
    case 206: return "Partial Content";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 305: return "Use Proxy";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 421: return "Misdirected Request";
    case 422: return "Unprocessable Content";
    case 426: return "Upgrade Required";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}
