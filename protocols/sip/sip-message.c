/* sip-message.c: parse, print and build osip_message_t (sip-message.h); headers by name and the body
 * are in sip-message-headers.c.
 *
 * libosip2 5.3.0 quirks found while writing this file, and what is done about them:
 *  1. Tracing: parse errors are printed to stdout ("| ERROR | ... <osip_messa: ...>") unless a trace
 *     function is installed. sip__init() installs one (osip_trace_initialize_func) for levels 0-3;
 *     it keeps the last error text to quote in the GError and hands the text to the caller's
 *     SipTraceFunc or to g_debug().
 *  2. parser_init() must run before the first parse: done once in sip__init() (g_once).
 *  3. osip_message_parse() accepts what RFC 3261 rejects: any version string ("SIP/3.0" is only
 *     traced), any status code sscanf() reads (negative, 1000), requests without Via/From/To/Call-ID/
 *     CSeq, a CSeq method different from the request method. check_parsed() rejects these.
 *  4. It stops at a NUL byte inside the headers (it works on C strings), so a NUL can hide the rest
 *     of a header section; scan_header_section() rejects control bytes before the empty line.
 *  5. Invalid Authorization, WWW-Authenticate, Proxy-*, Route, Record-Route, Accept, Allow, ...
 *     rows are dropped silently ("ignored_when_invalid" in osip_parser_cfg.c) and the message is
 *     still accepted. Not changed: a dropped Route is the sender's problem; the authentication
 *     headers are not parsed by libosip2 at all (next point).
 *  6. osip_authorization_parse() / osip_www_authenticate_parse() drop every parameter they do not
 *     know (auth_param stays NULL), losing the IMS ik, ck and integrity-protected. Before parsing,
 *     the first byte of these header names is replaced by a private marker (0x01 + index) so that
 *     libosip2 stores them as text rows, and the canonical name is put back afterwards.
 *     sip_message_add_header() stores them as text too. sip-headers.h (SipAuth) types them.
 *  7. Unknown header names are stored lower-cased and printed with only the first letter upper-cased
 *     ("Security-client"); compact forms of unknown headers ("k", "o") are stored as such.
 *     canonical_name() restores "Security-Client" and expands compact forms after parsing.
 *  8. For the headers listed in its comma-separated table (Security-*, Path, Service-Route,
 *     P-Associated-URI, P-Asserted-Identity, Require, Supported, Via, Contact, ...) a row with commas
 *     becomes several entries; for others (Event, Privacy, Subscription-State) a row stays whole.
 *     sip_message_header_joined() joins them back.
 *  9. The public setters (osip_message_set_via, _route, ...) take one element: given "a, b" they
 *     store a single garbled entry ("Route: <sip:x;lr>;lr>"). split_list() splits first.
 * 10. osip_message_set_header() with a typed name ("Via") stores an untyped text row that the
 *     transaction layer would never see; add_header() dispatches typed names to their setters.
 * 11. osip_message_to_str() returns the cached text of the previous call (message_property == 1)
 *     even after fields were changed directly (e.g. via->branch); to_bytes() calls
 *     osip_message_force_update() first.
 * 12. Content-Length is always recomputed on printing and written right-aligned in a five-character
 *     field ("Content-Length:   123"); a body of 100000 bytes or more would overwrite the space after
 *     the colon, so bodies are capped at SIP_MESSAGE_MAX_SIZE.
 * 13. A Content-Length larger than the bytes received fails the parse; a smaller one truncates the
 *     body (RFC 3261 §18.3 for UDP); a missing one makes the rest of the datagram the body.
 * 14. Printing orders headers by type (Via, Record-Route, Route, From, To, Call-ID, CSeq, Contact,
 *     ..., then text rows in insertion order, then Content-Length), not as received.
 * 15. Without a Content-Type, libosip2 skips the body and never compares Content-Length with the
 *     bytes received; sip_message_parse() rejects a Content-Length beyond the received bytes itself
 *     (§18.3), and a body without Content-Type is dropped as libosip2 does.
 */
#define G_LOG_DOMAIN "presim-sip"
#include "protocols/sip/sip-message.h"
#include "protocols/sip/sip-headers-private.h"
#include "protocols/sip/sip-message-private.h"
#include <stdarg.h>
#include <string.h>

G_DEFINE_QUARK(presim - sip - message - error - quark, sip_message_error)

/* ---- trace ------------------------------------------------------------------------------------ */

static SipTraceFunc trace_func;
static gpointer trace_user;
/* The last error libosip2 traced during this thread's current parse (quirk 1). */
static _Thread_local char last_osip_error[160];

static void osip_trace_cb(const char *file, int line, osip_trace_level_t level, const char *fmt, va_list ap)
{
    char text[256];
    g_vsnprintf(text, sizeof text, fmt, ap);
    g_strchomp(text);
    if (level <= OSIP_ERROR)
        g_strlcpy(last_osip_error, text, sizeof last_osip_error);
    if (trace_func)
        trace_func((int)level, file, line, text, trace_user);
    else
        g_debug("libosip2 %s:%d: %s", file ? file : "?", line, text);
}

void sip__init(void)
{
    static gsize done;
    if (g_once_init_enter(&done)) {
        parser_init();
        osip_trace_initialize_func(OSIP_INFO1, osip_trace_cb); /* levels 0..3: fatal, bug, error, warning */
        g_once_init_leave(&done, 1);
    }
}

void sip_message_set_trace_func(SipTraceFunc func, gpointer user)
{
    sip__init();
    trace_func = func;
    trace_user = user;
}

/* ---- parse ------------------------------------------------------------------------------------ */

/* Finds the end of the header section of BUF[0..LEN) (the byte after the empty line), rejecting
 * control bytes before it, and marks the authentication header names (quirk 6). Line ends are CRLF,
 * CR or LF as libosip2 accepts them; a line starting with SP/HT continues the previous one. */
static gboolean scan_header_section(char *buf, size_t len, size_t *body_off, GError **error)
{
    size_t pos = 0, line = 0;
    *body_off = len;
    gboolean first = TRUE;
    while (pos < len) {
        guchar c = (guchar)buf[pos];
        if (c == '\r' || c == '\n') {
            size_t eol = (c == '\r' && pos + 1 < len && buf[pos + 1] == '\n') ? 2 : 1;
            if (pos == line && !first) {
                *body_off = pos + eol; /* empty line: the body follows */
                return TRUE;
            }
            pos += eol;
            line = pos;
            first = FALSE;
            if (pos < len && buf[pos] != ' ' && buf[pos] != '\t') {
                for (size_t i = 0; i < G_N_ELEMENTS(sip__raw_auth_names); i++) {
                    size_t n = strlen(sip__raw_auth_names[i]);
                    if (len - pos <= n || g_ascii_strncasecmp(buf + pos, sip__raw_auth_names[i], n) != 0)
                        continue;
                    size_t j = pos + n;
                    while (j < len && (buf[j] == ' ' || buf[j] == '\t'))
                        j++;
                    if (j < len && buf[j] == ':') {
                        buf[pos] = (char)(i + 1); /* the name is known to be clean: resume at ':' */
                        pos = j;
                        break;
                    }
                }
            }
            continue;
        }
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            g_set_error(error, SIP_MESSAGE_ERROR, SIP_MESSAGE_ERROR_BAD_BYTES,
                        "control byte 0x%02x at offset %zu in the start line or headers", c, pos);
            return FALSE;
        }
        pos++;
    }
    g_set_error_literal(error, SIP_MESSAGE_ERROR, SIP_MESSAGE_ERROR_BAD_BYTES,
                        "no empty line after the headers (RFC 3261 §7)");
    return FALSE;
}

gboolean sip__bad(GError **error, SipMessageError code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gchar *text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error_literal(error, SIP_MESSAGE_ERROR, code, text);
    g_free(text);
    return FALSE;
}

static gboolean uri_has_scheme(const osip_uri_t *uri)
{
    return uri && uri->scheme && *uri->scheme;
}

/* RFC 3261 checks libosip2 leaves out (quirk 3). */
static gboolean check_parsed(const osip_message_t *msg, GError **error)
{
    if (!msg->sip_version || g_ascii_strcasecmp(msg->sip_version, "SIP/2.0") != 0)
        return sip__bad(error, SIP_MESSAGE_ERROR_START_LINE, "version is %s, not SIP/2.0",
                        msg->sip_version ? msg->sip_version : "missing");
    if (MSG_IS_REQUEST(msg)) {
        if (!sip__is_token(msg->sip_method))
            return sip__bad(error, SIP_MESSAGE_ERROR_START_LINE, "the method is not a token");
        if (!uri_has_scheme(msg->req_uri))
            return sip__bad(error, SIP_MESSAGE_ERROR_START_LINE, "the Request-URI has no scheme");
    } else if (msg->status_code < 100 || msg->status_code > 699) {
        return sip__bad(error, SIP_MESSAGE_ERROR_START_LINE, "status code %d is outside 100-699", msg->status_code);
    }
    const osip_via_t *via = osip_list_get(&msg->vias, 0);
    if (!via)
        return sip__bad(error, SIP_MESSAGE_ERROR_MISSING_HEADER, "no Via header");
    if (!via->host || !*via->host || !via->protocol || !via->version)
        return sip__bad(error, SIP_MESSAGE_ERROR_BAD_HEADER, "the top Via has no sent-by host or protocol");
    if (!msg->from || !uri_has_scheme(msg->from->url))
        return sip__bad(error, msg->from ? SIP_MESSAGE_ERROR_BAD_HEADER : SIP_MESSAGE_ERROR_MISSING_HEADER,
                        "no From header with a URI");
    if (!msg->to || !uri_has_scheme(msg->to->url))
        return sip__bad(error, msg->to ? SIP_MESSAGE_ERROR_BAD_HEADER : SIP_MESSAGE_ERROR_MISSING_HEADER,
                        "no To header with a URI");
    if (!msg->call_id || !msg->call_id->number || !*msg->call_id->number)
        return sip__bad(error, SIP_MESSAGE_ERROR_MISSING_HEADER, "no Call-ID header");
    if (!msg->cseq || !msg->cseq->number || !msg->cseq->method)
        return sip__bad(error, SIP_MESSAGE_ERROR_MISSING_HEADER, "no CSeq header");
    const char *n = msg->cseq->number;
    size_t digits = strspn(n, "0123456789");
    if (digits == 0 || n[digits] != '\0' || digits > 10 || g_ascii_strtoull(n, NULL, 10) > G_MAXINT32)
        return sip__bad(error, SIP_MESSAGE_ERROR_BAD_HEADER, "CSeq number is not below 2^31 (§8.1.1.5)");
    if (!sip__is_token(msg->cseq->method))
        return sip__bad(error, SIP_MESSAGE_ERROR_BAD_HEADER, "CSeq method is not a token");
    if (MSG_IS_REQUEST(msg) && strcmp(msg->cseq->method, msg->sip_method) != 0)
        return sip__bad(error, SIP_MESSAGE_ERROR_BAD_HEADER, "CSeq method %s differs from the request method %s",
                        msg->cseq->method, msg->sip_method);
    if (msg->content_length && msg->content_length->value &&
        msg->content_length->value[strspn(msg->content_length->value, "0123456789")] != '\0')
        return sip__bad(error, SIP_MESSAGE_ERROR_BAD_HEADER, "Content-Length is not a number");
    return TRUE;
}

/* Restores the names of the marked authentication rows and canonicalises the others (quirks 6, 7). */
static void fix_header_names(osip_message_t *msg)
{
    osip_list_iterator_t it;
    for (osip_header_t *h = osip_list_get_first(&msg->headers, &it); h; h = osip_list_get_next(&it)) {
        if (!h->hname)
            continue;
        guchar mark = (guchar)h->hname[0];
        const char *name =
            (mark >= 1 && mark <= G_N_ELEMENTS(sip__raw_auth_names)) ? sip__raw_auth_names[mark - 1] : NULL;
        gchar *canon = name ? g_strdup(name) : sip__canonical_name(h->hname);
        osip_free(h->hname);
        h->hname = osip_strdup(canon);
        g_free(canon);
    }
}

osip_message_t *sip_message_parse(const void *data, size_t len, GError **error)
{
    sip__init();
    if (!data || len == 0)
        return sip__bad(error, SIP_MESSAGE_ERROR_EMPTY, "empty message"), NULL;
    if (len > SIP_MESSAGE_MAX_SIZE)
        return sip__bad(error, SIP_MESSAGE_ERROR_TOO_LARGE, "message of %zu bytes exceeds %d", len,
                        SIP_MESSAGE_MAX_SIZE),
               NULL;
    /* RFC 3261 §7.5: CRLFs before the start line are ignored (libosip2 does the same). */
    const char *start = data;
    size_t skip = 0;
    while (skip < len && (start[skip] == '\r' || start[skip] == '\n'))
        skip++;
    if (skip == len)
        return sip__bad(error, SIP_MESSAGE_ERROR_EMPTY, "message holds only line ends"), NULL;

    char *copy = g_malloc(len - skip + 1);
    memcpy(copy, start + skip, len - skip);
    copy[len - skip] = '\0';
    size_t body_off = 0;
    if (!scan_header_section(copy, len - skip, &body_off, error)) {
        g_free(copy);
        return NULL;
    }
    osip_message_t *msg = NULL;
    if (osip_message_init(&msg) != OSIP_SUCCESS) {
        g_free(copy);
        return sip__bad(error, SIP_MESSAGE_ERROR_SYNTAX, "osip_message_init failed"), NULL;
    }
    last_osip_error[0] = '\0';
    int rc = osip_message_parse(msg, copy, len - skip);
    g_free(copy);
    if (rc != OSIP_SUCCESS) {
        g_set_error(error, SIP_MESSAGE_ERROR, SIP_MESSAGE_ERROR_SYNTAX, "libosip2 rejected the message (%d): %s", rc,
                    last_osip_error[0] ? last_osip_error : "no reason given");
        osip_message_free(msg);
        return NULL;
    }
    if (!check_parsed(msg, error)) {
        osip_message_free(msg);
        return NULL;
    }
    /* Quirk 15: without Content-Type libosip2 ignores Content-Length and the body altogether. */
    guint64 clen =
        msg->content_length && msg->content_length->value ? g_ascii_strtoull(msg->content_length->value, NULL, 10) : 0;
    if (clen > len - skip - body_off) {
        g_set_error(error, SIP_MESSAGE_ERROR, SIP_MESSAGE_ERROR_BAD_HEADER,
                    "Content-Length %" G_GUINT64_FORMAT " exceeds the %zu body bytes received (§18.3)", clen,
                    len - skip - body_off);
        osip_message_free(msg);
        return NULL;
    }
    fix_header_names(msg);
    return msg;
}

void sip_message_free(osip_message_t *msg)
{
    if (msg)
        osip_message_free(msg);
}

osip_message_t *sip_message_clone(const osip_message_t *msg)
{
    osip_message_t *copy = NULL;
    g_return_val_if_fail(msg != NULL, NULL);
    if (osip_message_clone(msg, &copy) != OSIP_SUCCESS)
        return NULL;
    return copy;
}

static size_t body_bytes(const osip_message_t *msg)
{
    size_t total = 0;
    osip_list_iterator_t it;
    for (osip_body_t *b = osip_list_get_first((osip_list_t *)&msg->bodies, &it); b; b = osip_list_get_next(&it))
        total += b->length;
    return total;
}

guint8 *sip_message_to_bytes(osip_message_t *msg, size_t *len, GError **error)
{
    *len = 0;
    g_return_val_if_fail(msg != NULL, NULL);
    sip__init();
    if (body_bytes(msg) > SIP_MESSAGE_MAX_SIZE) /* quirk 12 */
        return sip__bad(error, SIP_MESSAGE_ERROR_PRINT, "body larger than %d bytes", SIP_MESSAGE_MAX_SIZE), NULL;
    osip_message_force_update(msg); /* quirk 11 */
    char *text = NULL;
    size_t n = 0;
    int rc = osip_message_to_str(msg, &text, &n);
    if (rc != OSIP_SUCCESS || !text) {
        osip_free(text);
        return sip__bad(error, SIP_MESSAGE_ERROR_PRINT, "osip_message_to_str failed (%d)", rc), NULL;
    }
    if (n > SIP_MESSAGE_MAX_SIZE) {
        osip_free(text);
        return sip__bad(error, SIP_MESSAGE_ERROR_PRINT, "printed message of %zu bytes exceeds %d", n,
                        SIP_MESSAGE_MAX_SIZE),
               NULL;
    }
    guint8 *out = g_malloc(n + 1);
    memcpy(out, text, n);
    out[n] = 0;
    osip_free(text);
    *len = n;
    return out;
}

/* ---- building --------------------------------------------------------------------------------- */

gchar *sip_branch_new(guint64 random, guint32 counter)
{
    return g_strdup_printf(SIP_MAGIC_COOKIE "%016" G_GINT64_MODIFIER "x%08" G_GINT32_MODIFIER "x", random, counter);
}

gchar *sip_tag_new(guint64 random)
{
    return g_strdup_printf("%016" G_GINT64_MODIFIER "x", random);
}

/* Call-ID = word ["@" word]: printable, no whitespace, no quotes or angle brackets. */
static gboolean call_id_ok(const char *s)
{
    if (!s || !*s || strlen(s) > 256)
        return FALSE;
    for (; *s; s++) {
        guchar c = (guchar)*s;
        if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == ',' || c == ';')
            return FALSE;
    }
    return TRUE;
}

static gboolean host_ok(const char *s)
{
    if (!s || !*s || strlen(s) > 255)
        return FALSE;
    for (; *s; s++)
        if (!(g_ascii_isalnum(*s) || *s == '.' || *s == '-' || *s == ':' || *s == '[' || *s == ']'))
            return FALSE;
    return TRUE;
}

/* The tag parameter of a From/To, or NULL (osip_from_get_tag() returns it through a param). */
static const char *tag_of(osip_from_t *h)
{
    osip_generic_param_t *p = NULL;
    if (!h || osip_from_get_tag(h, &p) != OSIP_SUCCESS || !p)
        return NULL;
    return p->gvalue ? p->gvalue : "";
}

static gboolean set_tag(osip_from_t *h, const char *tag, GError **error)
{
    if (!sip__is_token(tag))
        return sip__bad(error, SIP_MESSAGE_ERROR_INVALID, "tag '%s' is not a token", tag ? tag : "(null)");
    osip_from_set_tag(h, osip_strdup(tag));
    return TRUE;
}

osip_message_t *sip_request_new(const SipRequestSpec *spec, GError **error)
{
    sip__init();
    g_return_val_if_fail(spec != NULL, NULL);
    if (!sip__is_token(spec->method))
        return sip__bad(error, SIP_MESSAGE_ERROR_INVALID, "method is not a token"), NULL;
    if (!spec->branch || !g_str_has_prefix(spec->branch, SIP_MAGIC_COOKIE) || !sip__is_token(spec->branch))
        return sip__bad(error, SIP_MESSAGE_ERROR_INVALID, "branch must be a token starting with " SIP_MAGIC_COOKIE),
               NULL;
    if (!host_ok(spec->via_host))
        return sip__bad(error, SIP_MESSAGE_ERROR_INVALID, "bad Via host"), NULL;
    if (spec->via_transport && !sip__is_token(spec->via_transport))
        return sip__bad(error, SIP_MESSAGE_ERROR_INVALID, "bad Via transport"), NULL;
    if (!call_id_ok(spec->call_id))
        return sip__bad(error, SIP_MESSAGE_ERROR_INVALID, "bad Call-ID"), NULL;
    if (spec->cseq > G_MAXINT32)
        return sip__bad(error, SIP_MESSAGE_ERROR_INVALID, "CSeq number must be below 2^31"), NULL;
    if (!spec->request_uri || !spec->from || !spec->to || !spec->from_tag)
        return sip__bad(error, SIP_MESSAGE_ERROR_INVALID, "Request-URI, From, From tag and To are required"), NULL;
    if (spec->max_forwards > 255)
        return sip__bad(error, SIP_MESSAGE_ERROR_INVALID, "Max-Forwards above 255"), NULL;

    osip_message_t *msg = NULL;
    osip_uri_t *uri = NULL;
    if (osip_message_init(&msg) != OSIP_SUCCESS)
        return sip__bad(error, SIP_MESSAGE_ERROR_INVALID, "osip_message_init failed"), NULL;
    osip_message_set_method(msg, osip_strdup(spec->method));
    osip_message_set_version(msg, osip_strdup("SIP/2.0"));
    if (osip_uri_init(&uri) != OSIP_SUCCESS || osip_uri_parse(uri, spec->request_uri) != OSIP_SUCCESS ||
        !uri_has_scheme(uri)) {
        osip_uri_free(uri);
        sip__bad(error, SIP_MESSAGE_ERROR_INVALID, "bad Request-URI '%s'", spec->request_uri);
        goto fail;
    }
    osip_message_set_uri(msg, uri);

    gchar *via = spec->via_port
                     ? g_strdup_printf("SIP/2.0/%s %s:%u;branch=%s", spec->via_transport ? spec->via_transport : "UDP",
                                       spec->via_host, (unsigned)spec->via_port, spec->branch)
                     : g_strdup_printf("SIP/2.0/%s %s;branch=%s", spec->via_transport ? spec->via_transport : "UDP",
                                       spec->via_host, spec->branch);
    int rc = osip_message_set_via(msg, via);
    g_free(via);
    if (rc != OSIP_SUCCESS) {
        sip__bad(error, SIP_MESSAGE_ERROR_INVALID, "libosip2 refused the Via");
        goto fail;
    }
    gchar *mf = g_strdup_printf("%u", spec->max_forwards ? spec->max_forwards : 70);
    osip_message_set_header(msg, "Max-Forwards", mf);
    g_free(mf);
    if (osip_message_set_from(msg, spec->from) != OSIP_SUCCESS || !uri_has_scheme(msg->from->url)) {
        sip__bad(error, SIP_MESSAGE_ERROR_INVALID, "bad From '%s'", spec->from);
        goto fail;
    }
    if (tag_of(msg->from)) {
        sip__bad(error, SIP_MESSAGE_ERROR_INVALID, "From must not carry a tag: give from_tag");
        goto fail;
    }
    if (!set_tag(msg->from, spec->from_tag, error))
        goto fail;
    if (osip_message_set_to(msg, spec->to) != OSIP_SUCCESS || !uri_has_scheme(msg->to->url)) {
        sip__bad(error, SIP_MESSAGE_ERROR_INVALID, "bad To '%s'", spec->to);
        goto fail;
    }
    if (spec->to_tag && !tag_of(msg->to) && !set_tag(msg->to, spec->to_tag, error))
        goto fail;
    osip_message_set_call_id(msg, spec->call_id);
    gchar *cseq = g_strdup_printf("%" G_GUINT32_FORMAT " %s", spec->cseq, spec->method);
    osip_message_set_cseq(msg, cseq);
    g_free(cseq);
    if (spec->contact && !sip_message_add_header(msg, "Contact", spec->contact, error))
        goto fail;
    return msg;
fail:
    osip_message_free(msg);
    return NULL;
}

osip_message_t *sip_response_new(const osip_message_t *request, int status, const char *reason, const char *to_tag,
                                 GError **error)
{
    sip__init();
    g_return_val_if_fail(request != NULL, NULL);
    if (!MSG_IS_REQUEST(request) || !request->from || !request->to || !request->call_id || !request->cseq ||
        osip_list_size(&request->vias) < 1)
        return sip__bad(error, SIP_MESSAGE_ERROR_INVALID, "not a complete request"), NULL;
    if (status < 100 || status > 699)
        return sip__bad(error, SIP_MESSAGE_ERROR_INVALID, "status %d outside 100-699", status), NULL;
    if (reason && (strchr(reason, '\r') || strchr(reason, '\n')))
        return sip__bad(error, SIP_MESSAGE_ERROR_INVALID, "reason phrase with a line break"), NULL;

    osip_message_t *msg = NULL;
    if (osip_message_init(&msg) != OSIP_SUCCESS)
        return sip__bad(error, SIP_MESSAGE_ERROR_INVALID, "osip_message_init failed"), NULL;
    osip_message_set_version(msg, osip_strdup("SIP/2.0"));
    osip_message_set_status_code(msg, status);
    const char *phrase = reason ? reason : osip_message_get_reason(status);
    osip_message_set_reason_phrase(msg, osip_strdup(phrase ? phrase : "Unknown"));

    osip_list_iterator_t it;
    for (osip_via_t *v = osip_list_get_first((osip_list_t *)&request->vias, &it); v; v = osip_list_get_next(&it)) {
        osip_via_t *copy = NULL;
        if (osip_via_clone(v, &copy) != OSIP_SUCCESS)
            goto nomem;
        osip_list_add(&msg->vias, copy, -1);
    }
    if (osip_from_clone(request->from, &msg->from) != OSIP_SUCCESS ||
        osip_to_clone(request->to, &msg->to) != OSIP_SUCCESS ||
        osip_call_id_clone(request->call_id, &msg->call_id) != OSIP_SUCCESS ||
        osip_cseq_clone(request->cseq, &msg->cseq) != OSIP_SUCCESS)
        goto nomem;
    if (status != 100 && to_tag && !tag_of(msg->to) && !set_tag(msg->to, to_tag, error)) {
        osip_message_free(msg);
        return NULL;
    }
    if (status == 100) {
        const char *ts = sip_message_get_header(request, "Timestamp", 0);
        if (ts)
            osip_message_set_header(msg, "Timestamp", ts);
    }
    return msg;
nomem:
    osip_message_free(msg);
    return sip__bad(error, SIP_MESSAGE_ERROR_INVALID, "copying the request headers failed"), NULL;
}
