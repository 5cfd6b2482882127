/* sip-multipart.c: multipart/related bodies (RFC 2046 §5.1, RFC 2387) as RFC 4662 §5 puts them in
 * a NOTIFY of a list subscription: build, parse, and set / read them in an osip_message_t.
 *
 * Why this file exists: libosip2 has its own idea of multipart bodies, and it does not round-trip.
 * What libosip2 5.3.0 does (found with small experiments, kept as tests in test-sip-multipart.c):
 *  1. Printing: when the typed Content-Type of a message is multipart/... with a boundary,
 *     osip_message_to_str() frames every osip_body_t itself ("\r\n--b\r\n" + part + "\r\n--b--\r\n"),
 *     so an already framed body given to osip_message_set_body() is framed twice.
 *  2. Parsing: a multipart message is split into one osip_body_t per part; the part's Content-Type
 *     becomes a typed field (reprinted as "type/sub; p=v"), the other part headers a list, the
 *     preamble and epilogue are dropped. The raw body is not kept (msg->message is NULL).
 *  3. The splitter rejects the whole message ("error in msg_osip_body_parse()") for an empty part
 *     body, a part without headers, a missing close delimiter, a header block without a blank line,
 *     a missing boundary parameter, and a line starting with "--boundary" inside a part even when
 *     RFC 2046 would not call it a delimiter ("--boundary-not").
 *  4. A parsed multipart message reprinted by libosip2 (a proxy forwarding it) is framed again by
 *     libosip2, with "content-type:" first and lower-cased, and a CRLF before the first delimiter.
 * What this file does about it:
 *  - sip_multipart_set_body() puts the printed body in one osip_body_t and writes Content-Type as
 *    a text row (msg->content_type stays NULL), so libosip2 prints the bytes of
 *    sip_multipart_print() unchanged (quirk 1). It refuses what the receiver's libosip2 would reject
 *    (quirk 3: empty parts; the boundary inside a part is refused by the printer anyway).
 *  - sip_multipart_from_message() reads either form: one raw body (a message built here) is parsed
 *    with sip_multipart_parse(); libosip2's parts (a parsed message) are rebuilt part by part, the
 *    Content-Type in the compact form "type/sub;p=v" (the form of RFC 4662's examples), so a body
 *    printed with compact part types comes back byte-identical.
 *
 * The parser is RFC 2046 §5.1.1's grammar, bounded: at most SIP_MULTIPART_MAX_SIZE bytes and
 * SIP_MULTIPART_MAX_PARTS parts, at most 32 header lines (8 KiB) per part, no control bytes in part
 * headers. Content-Transfer-Encoding other than binary / 8bit / 7bit is refused (nothing here
 * decodes base64 or quoted-printable; RFC 4662 §5 uses binary).
 */
#include "protocols/sip/sip-multipart.h"
#include "protocols/sip/sip-message.h"
#include <string.h>

G_DEFINE_QUARK(presim - sip - multipart - error - quark, sip_multipart_error)

#define PART_MAX_HEADERS 32
#define PART_MAX_HEADER_BYTES 8192
#define BOUNDARY_MAX 70 /* RFC 2046 §5.1.1: 1 to 70 characters */
#define DEFAULT_BOUNDARY "presim-b7a3e2f1c9d04e5b"

static gboolean bad(GError **error, int code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static gboolean bad(GError **error, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (error)
        *error = g_error_new_valist(SIP_MULTIPART_ERROR, code, fmt, ap);
    va_end(ap);
    return FALSE;
}

/* RFC 2046 §5.1.1 bchars, without the space (allowed inside but a trap when unquoted). */
static gboolean boundary_valid(const char *b)
{
    size_t n = b ? strlen(b) : 0;
    if (n == 0 || n > BOUNDARY_MAX)
        return FALSE;
    for (size_t i = 0; i < n; i++)
        if (!g_ascii_isalnum(b[i]) && !strchr("'()+_,-./:=?", b[i]))
            return FALSE;
    return TRUE;
}

/* A header value we write must not break the line structure. */
static gboolean text_safe(const char *s)
{
    for (; s && *s; s++)
        if ((guchar)*s < 0x20 || *s == 0x7f)
            return FALSE;
    return TRUE;
}

static void part_free(gpointer p)
{
    SipPart *part = p;
    if (!part)
        return;
    g_free(part->content_type);
    g_free(part->content_id);
    if (part->data)
        g_bytes_unref(part->data);
    g_free(part);
}

SipMultipart *sip_multipart_new(const char *type, const char *boundary)
{
    if (!boundary)
        boundary = DEFAULT_BOUNDARY;
    g_return_val_if_fail(boundary_valid(boundary), NULL);
    g_return_val_if_fail(type == NULL || (text_safe(type) && !strchr(type, '"')), NULL);
    SipMultipart *mp = g_new0(SipMultipart, 1);
    mp->type = g_strdup(type);
    mp->boundary = g_strdup(boundary);
    mp->parts = g_ptr_array_new_with_free_func(part_free);
    return mp;
}

void sip_multipart_free(SipMultipart *mp)
{
    if (!mp)
        return;
    g_free(mp->type);
    g_free(mp->start);
    g_free(mp->boundary);
    g_ptr_array_unref(mp->parts);
    g_free(mp);
}

static SipPart *part_new(const char *content_type, const char *content_id, GBytes *data)
{
    SipPart *part = g_new0(SipPart, 1);
    part->content_type = g_strdup(content_type);
    part->content_id = g_strdup(content_id);
    part->data = data;
    return part;
}

void sip_multipart_add(SipMultipart *mp, const char *content_type, const char *content_id, const void *data,
                       size_t len)
{
    g_return_if_fail(mp != NULL && content_type != NULL && text_safe(content_type));
    g_return_if_fail(content_id == NULL || (text_safe(content_id) && !strpbrk(content_id, "<>\"")));
    g_return_if_fail(data != NULL || len == 0);
    if (mp->parts->len == 0 && content_id) /* RFC 2387 §3.2: "start" names the root */
        mp->start = g_strdup(content_id);
    g_ptr_array_add(mp->parts, part_new(content_type, content_id, g_bytes_new(data, len)));
}

/* Whether "--BOUNDARY" occurs in DATA (quirk 3: stricter than RFC 2046's CRLF "--" boundary). */
static gboolean contains_dash_boundary(GBytes *data, const char *boundary)
{
    size_t len = 0;
    const char *p = g_bytes_get_data(data, &len);
    size_t blen = strlen(boundary);
    for (size_t i = 0; i + 2 + blen <= len; i++)
        if (p[i] == '-' && p[i + 1] == '-' && memcmp(p + i + 2, boundary, blen) == 0)
            return TRUE;
    return FALSE;
}

char *sip_multipart_print(const SipMultipart *mp, size_t *len, char **content_type)
{
    *len = 0;
    *content_type = NULL;
    g_return_val_if_fail(mp != NULL && boundary_valid(mp->boundary), NULL);
    if (mp->parts->len == 0) /* RFC 2046 §5.1.1: at least one body part */
        return NULL;
    GString *out = g_string_new(NULL);
    for (guint i = 0; i < mp->parts->len; i++) {
        const SipPart *part = g_ptr_array_index(mp->parts, i);
        if (contains_dash_boundary(part->data, mp->boundary)) {
            g_string_free(out, TRUE);
            return NULL;
        }
        /* RFC 2046 §5.1.1: the first dash-boundary opens the body; every later delimiter is CRLF "--"
         * boundary, the CRLF belonging to the delimiter, not to the previous part. */
        g_string_append_printf(out, "%s--%s\r\n", i ? "\r\n" : "", mp->boundary);
        /* RFC 4662 §5: binary transfer encoding, Content-ID for the RLMI cid, Content-Type. */
        g_string_append(out, "Content-Transfer-Encoding: binary\r\n");
        if (part->content_id)
            g_string_append_printf(out, "Content-ID: <%s>\r\n", part->content_id);
        g_string_append_printf(out, "Content-Type: %s\r\n\r\n", part->content_type);
        size_t n = 0;
        const void *d = g_bytes_get_data(part->data, &n);
        g_string_append_len(out, d, (gssize)n);
    }
    g_string_append_printf(out, "\r\n--%s--\r\n", mp->boundary);

    GString *ct = g_string_new("multipart/related");
    if (mp->type)
        g_string_append_printf(ct, ";type=\"%s\"", mp->type);
    if (mp->start)
        g_string_append_printf(ct, ";start=\"<%s>\"", mp->start);
    g_string_append_printf(ct, ";boundary=\"%s\"", mp->boundary);
    *content_type = g_string_free(ct, FALSE);
    *len = out->len;
    return g_string_free(out, FALSE);
}

/* ---- parsing ---------------------------------------------------------------------------------- */

/* A media type and its type / start / boundary parameters (RFC 2045 §5.1 grammar: type "/" subtype
 * *(";" attribute "=" (token / quoted-string)), with whitespace and folded lines tolerated). */
typedef struct {
    char *media; /* "multipart/related", lower-cased */
    char *type;
    char *start; /* without <> */
    char *boundary;
} ContentType;

static void content_type_clear(ContentType *ct)
{
    g_free(ct->media);
    g_free(ct->type);
    g_free(ct->start);
    g_free(ct->boundary);
}

static gboolean is_tspecial_or_ctl(char c)
{
    return (guchar)c <= 0x20 || c == 0x7f || strchr("()<>@,;:\\\"/[]?=", c) != NULL;
}

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    return p;
}

static const char *read_token(const char *p, char **out)
{
    const char *s = p;
    while (*p && !is_tspecial_or_ctl(*p))
        p++;
    *out = p > s ? g_strndup(s, (gsize)(p - s)) : NULL;
    return p;
}

static gboolean parse_content_type(const char *value, ContentType *ct, GError **error)
{
    memset(ct, 0, sizeof *ct);
    g_autofree char *type = NULL, *sub = NULL;
    const char *p = read_token(skip_ws(value), &type);
    if (!type || *p != '/')
        return bad(error, SIP_MULTIPART_ERROR_SYNTAX, "Content-Type '%s' is not type/subtype", value);
    p = read_token(p + 1, &sub);
    if (!sub)
        return bad(error, SIP_MULTIPART_ERROR_SYNTAX, "Content-Type '%s' has no subtype", value);
    ct->media = g_ascii_strdown(type, -1);
    g_autofree char *lsub = g_ascii_strdown(sub, -1);
    char *m = g_strconcat(ct->media, "/", lsub, NULL);
    g_free(ct->media);
    ct->media = m;
    for (int n = 0;; n++) {
        p = skip_ws(p);
        if (*p == '\0')
            break;
        if (*p != ';' || n > 32)
            goto syntax;
        g_autofree char *name = NULL;
        p = read_token(skip_ws(p + 1), &name);
        if (!name) {
            if (*skip_ws(p) == '\0') /* a trailing ';' */
                break;
            goto syntax;
        }
        p = skip_ws(p);
        if (*p != '=')
            goto syntax;
        p = skip_ws(p + 1);
        char *val = NULL;
        if (*p == '"') {
            GString *q = g_string_new(NULL);
            for (p++; *p && *p != '"'; p++) {
                if (*p == '\\' && p[1])
                    p++;
                g_string_append_c(q, *p);
            }
            if (*p != '"') {
                g_string_free(q, TRUE);
                goto syntax;
            }
            p++;
            val = g_string_free(q, FALSE);
        } else {
            p = read_token(p, &val);
            if (!val)
                goto syntax;
        }
        char **slot = g_ascii_strcasecmp(name, "boundary") == 0 ? &ct->boundary
                      : g_ascii_strcasecmp(name, "type") == 0   ? &ct->type
                      : g_ascii_strcasecmp(name, "start") == 0  ? &ct->start
                                                                : NULL;
        if (slot && *slot) {
            g_free(val);
            content_type_clear(ct);
            return bad(error, SIP_MULTIPART_ERROR_SYNTAX, "Content-Type repeats the %s parameter", name);
        }
        if (slot)
            *slot = val;
        else
            g_free(val);
    }
    if (ct->start) { /* RFC 2387 §3.2: start is a Content-ID, "<" id ">" */
        size_t n = strlen(ct->start);
        if (n >= 2 && ct->start[0] == '<' && ct->start[n - 1] == '>') {
            memmove(ct->start, ct->start + 1, n - 2);
            ct->start[n - 2] = '\0';
        }
    }
    return TRUE;
syntax:
    content_type_clear(ct);
    return bad(error, SIP_MULTIPART_ERROR_SYNTAX, "malformed parameters in Content-Type '%s'", value);
}

/* Checks the Content-Type of a multipart body and starts the result. */
static SipMultipart *multipart_from_content_type(const char *content_type, GError **error)
{
    ContentType ct;
    if (!content_type)
        return bad(error, SIP_MULTIPART_ERROR_SYNTAX, "no Content-Type"), NULL;
    if (!parse_content_type(content_type, &ct, error))
        return NULL;
    SipMultipart *mp = NULL;
    if (!g_str_has_prefix(ct.media, "multipart/"))
        bad(error, SIP_MULTIPART_ERROR_SYNTAX, "Content-Type %s is not multipart", ct.media);
    else if (!ct.boundary) /* RFC 2046 §5.1.1: the boundary parameter is required */
        bad(error, SIP_MULTIPART_ERROR_SYNTAX, "multipart Content-Type without a boundary parameter");
    else if (!*ct.boundary || strlen(ct.boundary) > BOUNDARY_MAX || !text_safe(ct.boundary))
        bad(error, SIP_MULTIPART_ERROR_SYNTAX, "boundary of %zu characters (1-70 printable, RFC 2046 §5.1.1)",
            strlen(ct.boundary));
    else {
        mp = g_new0(SipMultipart, 1);
        mp->boundary = g_steal_pointer(&ct.boundary);
        mp->type = g_steal_pointer(&ct.type);
        mp->start = g_steal_pointer(&ct.start);
        mp->parts = g_ptr_array_new_with_free_func(part_free);
    }
    content_type_clear(&ct);
    return mp;
}

/* Content-Transfer-Encoding values that need no decoding (RFC 2045 §6.1). */
static gboolean identity_encoding(const char *v)
{
    return g_ascii_strcasecmp(v, "binary") == 0 || g_ascii_strcasecmp(v, "8bit") == 0 ||
           g_ascii_strcasecmp(v, "7bit") == 0;
}

/* "<id>" -> "id"; NULL when not of that form. */
static char *strip_angle(const char *v)
{
    size_t n = strlen(v);
    if (n < 3 || v[0] != '<' || v[n - 1] != '>')
        return NULL;
    return g_strndup(v + 1, n - 2);
}

/* Records one part header; the ones that matter are Content-Type, Content-ID and
 * Content-Transfer-Encoding, the others are skipped. */
static gboolean part_header(SipPart *part, guint index, const char *name, const char *value, GError **error)
{
    if (g_ascii_strcasecmp(name, "Content-Type") == 0) {
        if (part->content_type)
            return bad(error, SIP_MULTIPART_ERROR_SYNTAX, "part %u: two Content-Type headers", index);
        if (!*value)
            return bad(error, SIP_MULTIPART_ERROR_SYNTAX, "part %u: empty Content-Type", index);
        part->content_type = g_strdup(value);
    } else if (g_ascii_strcasecmp(name, "Content-ID") == 0) {
        if (part->content_id)
            return bad(error, SIP_MULTIPART_ERROR_SYNTAX, "part %u: two Content-ID headers", index);
        part->content_id = strip_angle(value); /* RFC 2045 §7: msg-id, "<" id ">" */
        if (!part->content_id)
            return bad(error, SIP_MULTIPART_ERROR_SYNTAX, "part %u: Content-ID '%s' is not <id>", index, value);
    } else if (g_ascii_strcasecmp(name, "Content-Transfer-Encoding") == 0) {
        if (!identity_encoding(value))
            return bad(error, SIP_MULTIPART_ERROR_SYNTAX, "part %u: Content-Transfer-Encoding %s is not supported",
                       index, value);
    }
    return TRUE;
}

/* Parses one body-part (RFC 2046 §5.1.1: MIME-part-headers [CRLF *OCTET]) of LEN bytes. */
static SipPart *parse_part(const char *p, size_t len, guint index, GError **error)
{
    SipPart *part = g_new0(SipPart, 1);
    size_t pos = 0;
    guint lines = 0;
    GString *name = g_string_new(NULL), *value = g_string_new(NULL);
    gboolean ok = TRUE, have = FALSE;
    for (; len > 0;) { /* an empty body-part has neither headers nor body (RFC 2046 §5.1.1) */
        const char *eol = g_strstr_len(p + pos, (gssize)(len - pos), "\r\n");
        if (!eol) {
            ok = bad(error, SIP_MULTIPART_ERROR_SYNTAX,
                     "part %u: header block not ended by a blank line (RFC 2046 §5.1.1)", index);
            break;
        }
        size_t n = (size_t)(eol - (p + pos));
        const char *line = p + pos;
        pos += n + 2;
        if (pos > PART_MAX_HEADER_BYTES || ++lines > PART_MAX_HEADERS) {
            ok = bad(error, SIP_MULTIPART_ERROR_TOO_LARGE, "part %u: more than %d header lines or %d bytes", index,
                     PART_MAX_HEADERS, PART_MAX_HEADER_BYTES);
            break;
        }
        for (size_t i = 0; i < n && ok; i++)
            if (((guchar)line[i] < 0x20 && line[i] != '\t') || line[i] == 0x7f)
                ok = bad(error, SIP_MULTIPART_ERROR_SYNTAX, "part %u: control byte in a header", index);
        if (!ok)
            break;
        if (n > 0 && (line[0] == ' ' || line[0] == '\t')) { /* RFC 5322 §2.2.3 folding */
            if (!have) {
                ok = bad(error, SIP_MULTIPART_ERROR_SYNTAX, "part %u: continuation line without a header", index);
                break;
            }
            g_string_append_c(value, ' ');
            g_string_append_len(value, line, (gssize)n);
            continue;
        }
        if (have) {
            g_strstrip(value->str);
            ok = part_header(part, index, name->str, value->str, error);
            have = FALSE;
            if (!ok)
                break;
        }
        if (n == 0) /* the blank line: the body follows */
            break;
        const char *colon = memchr(line, ':', n);
        if (!colon || colon == line) {
            ok = bad(error, SIP_MULTIPART_ERROR_SYNTAX, "part %u: header line without a name and ':'", index);
            break;
        }
        for (const char *c = line; c < colon && ok; c++)
            if (is_tspecial_or_ctl(*c))
                ok = bad(error, SIP_MULTIPART_ERROR_SYNTAX, "part %u: bad header name", index);
        if (!ok)
            break;
        g_string_assign(name, "");
        g_string_append_len(name, line, colon - line);
        g_string_assign(value, "");
        g_string_append_len(value, colon + 1, (gssize)(n - (size_t)(colon + 1 - line)));
        have = TRUE;
    }
    g_string_free(name, TRUE);
    g_string_free(value, TRUE);
    if (!ok) {
        part_free(part);
        return NULL;
    }
    if (!part->content_type) /* RFC 2046 §5.1: the default in a multipart is text/plain */
        part->content_type = g_strdup("text/plain");
    part->data = g_bytes_new(p + pos, len - pos);
    return part;
}

/* RFC 2387 §3.2: when "start" is given, a part must carry that Content-ID. */
static gboolean check_start(const SipMultipart *mp, GError **error)
{
    if (mp->parts->len == 0)
        return bad(error, SIP_MULTIPART_ERROR_SYNTAX, "multipart body without parts");
    if (!mp->start)
        return TRUE;
    for (guint i = 0; i < mp->parts->len; i++) {
        const SipPart *part = g_ptr_array_index(mp->parts, i);
        if (part->content_id && strcmp(part->content_id, mp->start) == 0)
            return TRUE;
    }
    return bad(error, SIP_MULTIPART_ERROR_SYNTAX, "start parameter <%s> names no part", mp->start);
}

/* Finds the next delimiter, CRLF "--" boundary followed by transport padding and CRLF or by "--"
 * (RFC 2046 §5.1.1), at or after FROM. Returns its offset (of the CRLF) or -1; *CLOSE tells a close
 * delimiter, *NEXT is the offset after the delimiter line. */
static gssize find_delimiter(const char *p, size_t len, size_t from, const char *boundary, gboolean *close,
                             size_t *next)
{
    size_t blen = strlen(boundary);
    for (size_t i = from; i + 4 + blen <= len; i++) {
        if (p[i] != '\r' || p[i + 1] != '\n' || p[i + 2] != '-' || p[i + 3] != '-' ||
            memcmp(p + i + 4, boundary, blen) != 0)
            continue;
        size_t j = i + 4 + blen;
        *close = j + 2 <= len && p[j] == '-' && p[j + 1] == '-';
        if (*close)
            j += 2;
        while (j < len && (p[j] == ' ' || p[j] == '\t'))
            j++;
        if (j + 2 <= len && p[j] == '\r' && p[j + 1] == '\n') {
            *next = j + 2;
            return (gssize)i;
        }
        if (*close && j == len) { /* close delimiter at the very end, no CRLF: accepted */
            *next = j;
            return (gssize)i;
        }
        /* "--boundaryX": not a delimiter; keep looking */
    }
    return -1;
}

SipMultipart *sip_multipart_parse(const char *content_type, const void *body, size_t len, GError **error)
{
    if (len > SIP_MULTIPART_MAX_SIZE)
        return bad(error, SIP_MULTIPART_ERROR_TOO_LARGE, "multipart body of %zu bytes exceeds %d", len,
                   SIP_MULTIPART_MAX_SIZE),
               NULL;
    if (!body && len > 0)
        return bad(error, SIP_MULTIPART_ERROR_SYNTAX, "no body"), NULL;
    SipMultipart *mp = multipart_from_content_type(content_type, error);
    if (!mp)
        return NULL;
    const char *p = body ? body : "";
    /* The first dash-boundary starts the body or follows the preamble's CRLF. Search with a CRLF
     * prepended: look for it at 0 directly, then as a delimiter. */
    size_t blen = strlen(mp->boundary), pos = 0;
    gboolean close = FALSE;
    if (len >= 2 + blen && p[0] == '-' && p[1] == '-' && memcmp(p + 2, mp->boundary, blen) == 0) {
        size_t j = 2 + blen;
        while (j < len && (p[j] == ' ' || p[j] == '\t'))
            j++;
        if (j + 2 <= len && p[j] == '\r' && p[j + 1] == '\n')
            pos = j + 2;
    }
    if (pos == 0) {
        gssize at = find_delimiter(p, len, 0, mp->boundary, &close, &pos);
        if (at < 0 || close) {
            bad(error, SIP_MULTIPART_ERROR_SYNTAX, "no \"--%s\" boundary line opens the body", mp->boundary);
            sip_multipart_free(mp);
            return NULL;
        }
    }
    for (;;) {
        size_t next = 0;
        gssize at = find_delimiter(p, len, pos, mp->boundary, &close, &next);
        if (at < 0) {
            guint count = mp->parts->len;
            sip_multipart_free(mp);
            return bad(error, SIP_MULTIPART_ERROR_SYNTAX,
                       "unterminated multipart body: no delimiter or closing \"--boundary--\" after part %u",
                       count + 1),
                   NULL;
        }
        if (mp->parts->len >= SIP_MULTIPART_MAX_PARTS) {
            sip_multipart_free(mp);
            return bad(error, SIP_MULTIPART_ERROR_TOO_LARGE, "more than %d parts", SIP_MULTIPART_MAX_PARTS), NULL;
        }
        SipPart *part = parse_part(p + pos, (size_t)at - pos, mp->parts->len + 1, error);
        if (!part) {
            sip_multipart_free(mp);
            return NULL;
        }
        g_ptr_array_add(mp->parts, part);
        if (close)
            break; /* the epilogue, if any, is ignored (RFC 2046 §5.1.1) */
        pos = next;
    }
    if (!check_start(mp, error)) {
        sip_multipart_free(mp);
        return NULL;
    }
    return mp;
}

/* ---- osip_message_t ----------------------------------------------------------------------------- */

static void remove_text_content_type(osip_message_t *msg)
{
    for (int i = 0; i < osip_list_size(&msg->headers);) {
        osip_header_t *h = osip_list_get(&msg->headers, i);
        if (h->hname && (g_ascii_strcasecmp(h->hname, "Content-Type") == 0 || g_ascii_strcasecmp(h->hname, "c") == 0)) {
            osip_list_remove(&msg->headers, i);
            osip_header_free(h);
        } else {
            i++;
        }
    }
}

gboolean sip_multipart_set_body(osip_message_t *msg, const SipMultipart *mp, GError **error)
{
    g_return_val_if_fail(msg != NULL && mp != NULL, FALSE);
    for (guint i = 0; i < mp->parts->len; i++) {
        const SipPart *part = g_ptr_array_index(mp->parts, i);
        if (g_bytes_get_size(part->data) == 0) /* quirk 3 */
            return bad(error, SIP_MULTIPART_ERROR_SYNTAX,
                       "part %u is empty: libosip2 would reject the whole message on receipt", i + 1);
    }
    size_t len = 0;
    g_autofree char *ct = NULL;
    g_autofree char *body = sip_multipart_print(mp, &len, &ct);
    if (!body)
        return bad(error, SIP_MULTIPART_ERROR_SYNTAX,
                   mp->parts->len ? "the boundary \"%s\" occurs inside a part" : "no parts (boundary \"%s\")",
                   mp->boundary);
    if (len > SIP_MESSAGE_MAX_SIZE)
        return bad(error, SIP_MULTIPART_ERROR_TOO_LARGE, "multipart body of %zu bytes exceeds %d", len,
                   SIP_MESSAGE_MAX_SIZE);
    remove_text_content_type(msg);
    if (!sip_message_set_body(msg, ct, body, len, error))
        return FALSE;
    /* Quirk 1: with a typed multipart Content-Type libosip2 would frame the body again. */
    osip_content_type_free(msg->content_type);
    msg->content_type = NULL;
    if (osip_message_set_header(msg, "Content-Type", ct) != OSIP_SUCCESS)
        return bad(error, SIP_MULTIPART_ERROR_SYNTAX, "libosip2 refused the Content-Type row");
    osip_message_force_update(msg);
    return TRUE;
}

/* "type/sub;p=v;q=w" from libosip2's typed Content-Type (quirk 2). */
static char *compact_content_type(const osip_content_type_t *ct)
{
    if (!ct || !ct->type || !ct->subtype)
        return g_strdup("text/plain");
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, "%s/%s", ct->type, ct->subtype);
    osip_list_iterator_t it;
    for (osip_generic_param_t *gp = osip_list_get_first((osip_list_t *)&ct->gen_params, &it); gp;
         gp = osip_list_get_next(&it)) {
        g_string_append_printf(s, ";%s", gp->gname ? gp->gname : "");
        if (gp->gvalue)
            g_string_append_printf(s, "=%s", gp->gvalue);
    }
    return g_string_free(s, FALSE);
}

static char *message_content_type(const osip_message_t *msg)
{
    if (msg->content_type) {
        char *text = NULL;
        if (osip_content_type_to_str(msg->content_type, &text) != OSIP_SUCCESS || !text)
            return NULL;
        char *copy = g_strdup(text);
        osip_free(text);
        return copy;
    }
    osip_list_iterator_t it;
    for (osip_header_t *h = osip_list_get_first((osip_list_t *)&msg->headers, &it); h; h = osip_list_get_next(&it))
        if (h->hname && h->hvalue && g_ascii_strcasecmp(h->hname, "Content-Type") == 0)
            return g_strdup(h->hvalue);
    return NULL;
}

SipMultipart *sip_multipart_from_message(const osip_message_t *msg, GError **error)
{
    g_return_val_if_fail(msg != NULL, NULL);
    g_autofree char *ct = message_content_type(msg);
    if (!ct)
        return bad(error, SIP_MULTIPART_ERROR_SYNTAX, "the message has no Content-Type"), NULL;
    int n = osip_list_size(&msg->bodies);
    if (n <= 0)
        return bad(error, SIP_MULTIPART_ERROR_SYNTAX, "the message has no body"), NULL;
    const osip_body_t *first = osip_list_get(&msg->bodies, 0);
    if (n == 1 && !first->content_type && (!first->headers || osip_list_size(first->headers) == 0))
        return sip_multipart_parse(ct, first->body, first->body ? first->length : 0, error); /* raw */

    /* Quirk 2: libosip2 split the body; rebuild the parts from its osip_body_t list. */
    if (n > SIP_MULTIPART_MAX_PARTS)
        return bad(error, SIP_MULTIPART_ERROR_TOO_LARGE, "more than %d parts", SIP_MULTIPART_MAX_PARTS), NULL;
    SipMultipart *mp = multipart_from_content_type(ct, error);
    if (!mp)
        return NULL;
    for (int i = 0; i < n; i++) {
        const osip_body_t *b = osip_list_get(&msg->bodies, i);
        SipPart *part = g_new0(SipPart, 1);
        g_ptr_array_add(mp->parts, part);
        part->content_type = compact_content_type(b->content_type);
        osip_list_iterator_t it;
        for (osip_header_t *h = b->headers ? osip_list_get_first(b->headers, &it) : NULL; h;
             h = osip_list_get_next(&it)) {
            if (!h->hname || !h->hvalue || g_ascii_strcasecmp(h->hname, "Content-Type") == 0)
                continue;
            if (!part_header(part, (guint)i + 1, h->hname, h->hvalue, error)) {
                sip_multipart_free(mp);
                return NULL;
            }
        }
        part->data = g_bytes_new(b->body, b->body ? b->length : 0);
    }
    if (!check_start(mp, error)) {
        sip_multipart_free(mp);
        return NULL;
    }
    return mp;
}
