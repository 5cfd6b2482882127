/* sip-scan.c: the bounds-checked reader of sip-headers-private.h and the SipParam helpers.
 *
 * Every access is s[pos] with pos < len checked just before; a value is never assumed to be
 * NUL-terminated beyond len. Costs: each helper is linear in what it consumes.
 */
#include "protocols/sip/sip-headers-private.h"
#include <string.h>

G_DEFINE_QUARK(presim - sip - header - error - quark, sip_header_error)

void sip__error(GError **error, SipHeaderError code, const SipScan *sc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gchar *text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (sc)
        g_set_error(error, SIP_HEADER_ERROR, code, "%s (at byte %zu)", text, sc->pos);
    else
        g_set_error_literal(error, SIP_HEADER_ERROR, code, text);
    g_free(text);
}

void sip__error_expected(GError **error, const SipScan *sc, const char *what)
{
    if (sc->pos >= sc->len)
        sip__error(error, SIP_HEADER_ERROR_SYNTAX, sc, "expected %s, found the end of the value", what);
    else if (g_ascii_isprint(sc->s[sc->pos]))
        sip__error(error, SIP_HEADER_ERROR_SYNTAX, sc, "expected %s, found '%c'", what, sc->s[sc->pos]);
    else
        sip__error(error, SIP_HEADER_ERROR_SYNTAX, sc, "expected %s, found byte 0x%02x", what,
                   (unsigned)(guchar)sc->s[sc->pos]);
}

gboolean sip__scan_start(SipScan *sc, const char *value, GError **error)
{
    sc->s = "";
    sc->len = 0;
    sc->pos = 0;
    if (!value) {
        sip__error(error, SIP_HEADER_ERROR_EMPTY, NULL, "no header value");
        return FALSE;
    }
    /* strnlen: never read more than the cap + 1 bytes of an unterminated buffer. */
    size_t len = strnlen(value, SIP_HEADER_MAX_LEN + 1);
    if (len > SIP_HEADER_MAX_LEN) {
        sip__error(error, SIP_HEADER_ERROR_TOO_LONG, NULL, "header value longer than %d bytes", SIP_HEADER_MAX_LEN);
        return FALSE;
    }
    sc->s = value;
    sc->len = len;
    if (sip__scan_at_end(sc)) {
        sip__error(error, SIP_HEADER_ERROR_EMPTY, NULL, "empty header value");
        return FALSE;
    }
    return TRUE;
}

/* SWS = [LWS]; LWS = [*WSP CRLF] 1*WSP (RFC 3261 §25.1). libosip2 has already replaced line folding
 * by spaces; a CR or LF not followed by WSP stops here (and is then a syntax error for the caller). */
void sip__scan_sws(SipScan *sc)
{
    while (sc->pos < sc->len) {
        char c = sc->s[sc->pos];
        if (c == ' ' || c == '\t') {
            sc->pos++;
            continue;
        }
        size_t n = 0;
        if (c == '\r' && sc->pos + 1 < sc->len && sc->s[sc->pos + 1] == '\n')
            n = 2;
        else if (c == '\r' || c == '\n')
            n = 1;
        if (n && sc->pos + n < sc->len && (sc->s[sc->pos + n] == ' ' || sc->s[sc->pos + n] == '\t')) {
            sc->pos += n;
            continue;
        }
        break;
    }
}

gboolean sip__scan_at_end(SipScan *sc)
{
    sip__scan_sws(sc);
    return sc->pos >= sc->len;
}

char sip__scan_peek(SipScan *sc)
{
    sip__scan_sws(sc);
    return sc->pos < sc->len ? sc->s[sc->pos] : 0;
}

gboolean sip__scan_accept(SipScan *sc, char c)
{
    if (sip__scan_peek(sc) != c)
        return FALSE;
    sc->pos++;
    sip__scan_sws(sc);
    return TRUE;
}

/* token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
gboolean sip__is_token_char(char c)
{
    return g_ascii_isalnum(c) || (c != 0 && strchr("-.!%*_+`'~", c) != NULL);
}

gboolean sip__is_token(const char *s)
{
    if (!s || !*s)
        return FALSE;
    for (; *s; s++)
        if (!sip__is_token_char(*s))
            return FALSE;
    return TRUE;
}

gchar *sip__scan_token(SipScan *sc)
{
    sip__scan_sws(sc);
    size_t start = sc->pos;
    while (sc->pos < sc->len && sip__is_token_char(sc->s[sc->pos]))
        sc->pos++;
    if (sc->pos == start)
        return NULL;
    return g_strndup(sc->s + start, sc->pos - start);
}

/* quoted-string = SWS DQUOTE *(qdtext / quoted-pair) DQUOTE
 * qdtext = LWS / %x21 / %x23-5B / %x5D-7E / UTF8-NONASCII; quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F) */
gchar *sip__scan_quoted(SipScan *sc, GError **error)
{
    sip__scan_sws(sc);
    if (sc->pos >= sc->len || sc->s[sc->pos] != '"') {
        sip__error_expected(error, sc, "'\"'");
        return NULL;
    }
    size_t open = sc->pos++;
    GString *out = g_string_new(NULL);
    for (;;) {
        if (sc->pos >= sc->len) {
            sc->pos = open;
            sip__error(error, SIP_HEADER_ERROR_SYNTAX, sc, "unterminated quoted-string");
            g_string_free(out, TRUE);
            return NULL;
        }
        guchar c = (guchar)sc->s[sc->pos];
        if (c == '"') {
            sc->pos++;
            break;
        }
        if (c == '\\') {
            if (sc->pos + 1 >= sc->len || sc->s[sc->pos + 1] == '\r' || sc->s[sc->pos + 1] == '\n' ||
                (guchar)sc->s[sc->pos + 1] > 0x7f) {
                sip__error(error, SIP_HEADER_ERROR_SYNTAX, sc, "bad quoted-pair");
                g_string_free(out, TRUE);
                return NULL;
            }
            g_string_append_c(out, sc->s[sc->pos + 1]);
            sc->pos += 2;
            continue;
        }
        if (c == '\r' || c == '\n') {
            size_t before = sc->pos;
            sip__scan_sws(sc); /* folded LWS inside a quoted-string is one space */
            if (sc->pos == before) {
                sip__error(error, SIP_HEADER_ERROR_SYNTAX, sc, "line break inside a quoted-string");
                g_string_free(out, TRUE);
                return NULL;
            }
            g_string_append_c(out, ' ');
            continue;
        }
        if (c < 0x20 && c != '\t') {
            sip__error(error, SIP_HEADER_ERROR_SYNTAX, sc, "control byte 0x%02x inside a quoted-string", c);
            g_string_free(out, TRUE);
            return NULL;
        }
        if (c == 0x7f) {
            sip__error(error, SIP_HEADER_ERROR_SYNTAX, sc, "DEL inside a quoted-string");
            g_string_free(out, TRUE);
            return NULL;
        }
        g_string_append_c(out, (char)c);
        sc->pos++;
    }
    if (!g_utf8_validate(out->str, (gssize)out->len, NULL)) {
        sc->pos = open;
        sip__error(error, SIP_HEADER_ERROR_SYNTAX, sc, "quoted-string is not valid UTF-8");
        g_string_free(out, TRUE);
        return NULL;
    }
    return g_string_free(out, FALSE);
}

gboolean sip__scan_gen_value(SipScan *sc, char **value, gboolean *quoted, GError **error)
{
    *value = NULL;
    *quoted = FALSE;
    char c = sip__scan_peek(sc);
    if (c == '"') {
        *value = sip__scan_quoted(sc, error);
        *quoted = TRUE;
        return *value != NULL;
    }
    if (c == '[') { /* IPv6reference = "[" IPv6address "]" */
        size_t start = sc->pos++;
        while (sc->pos < sc->len &&
               (g_ascii_isxdigit(sc->s[sc->pos]) || sc->s[sc->pos] == ':' || sc->s[sc->pos] == '.'))
            sc->pos++;
        if (sc->pos >= sc->len || sc->s[sc->pos] != ']' || sc->pos == start + 1) {
            sip__error_expected(error, sc, "an IPv6 reference ending in ']'");
            return FALSE;
        }
        sc->pos++;
        *value = g_strndup(sc->s + start, sc->pos - start);
        return TRUE;
    }
    *value = sip__scan_token(sc);
    if (!*value) {
        sip__error_expected(error, sc, "a parameter value");
        return FALSE;
    }
    return TRUE;
}

gboolean sip__scan_params(SipScan *sc, GPtrArray *params, GError **error)
{
    while (sip__scan_accept(sc, ';')) {
        gchar *name = sip__scan_token(sc);
        if (!name) {
            sip__error_expected(error, sc, "a parameter name");
            return FALSE;
        }
        if (sip_params_find(params, name)) {
            sip__error(error, SIP_HEADER_ERROR_DUPLICATE, sc, "parameter '%s' given twice", name);
            g_free(name);
            return FALSE;
        }
        if (params->len >= SIP_HEADER_MAX_PARAMS) {
            sip__error(error, SIP_HEADER_ERROR_TOO_MANY, sc, "more than %d parameters", SIP_HEADER_MAX_PARAMS);
            g_free(name);
            return FALSE;
        }
        char *value = NULL;
        gboolean quoted = FALSE;
        if (sip__scan_accept(sc, '=') && !sip__scan_gen_value(sc, &value, &quoted, error)) {
            g_free(name);
            return FALSE;
        }
        SipParam *p = g_new0(SipParam, 1);
        p->name = name;
        p->value = value;
        p->quoted = quoted;
        g_ptr_array_add(params, p);
    }
    return TRUE;
}

gboolean sip__scan_uint(SipScan *sc, guint64 max, guint64 *out, GError **error)
{
    *out = 0;
    sip__scan_sws(sc);
    size_t start = sc->pos;
    guint64 v = 0;
    gboolean over = FALSE;
    while (sc->pos < sc->len && g_ascii_isdigit(sc->s[sc->pos])) {
        if (!over) {
            v = v * 10 + (guint64)(sc->s[sc->pos] - '0');
            if (v > max)
                over = TRUE; /* keep consuming the digits; max < 2^60 so no wrap before this */
        }
        sc->pos++;
    }
    if (sc->pos == start) {
        sip__error_expected(error, sc, "a decimal number");
        return FALSE;
    }
    if (over) {
        SipScan at = {sc->s, sc->len, start};
        sip__error(error, SIP_HEADER_ERROR_RANGE, &at, "number larger than %" G_GUINT64_FORMAT, max);
        return FALSE;
    }
    *out = v;
    return TRUE;
}

void sip__append_quoted(GString *out, const char *value)
{
    g_string_append_c(out, '"');
    for (const char *p = value ? value : ""; *p; p++) {
        if (*p == '"' || *p == '\\')
            g_string_append_c(out, '\\');
        g_string_append_c(out, *p);
    }
    g_string_append_c(out, '"');
}

void sip__append_params(GString *out, const GPtrArray *params)
{
    for (guint i = 0; params && i < params->len; i++) {
        const SipParam *p = params->pdata[i];
        g_string_append_c(out, ';');
        g_string_append(out, p->name);
        if (!p->value)
            continue;
        g_string_append_c(out, '=');
        if (p->quoted)
            sip__append_quoted(out, p->value);
        else
            g_string_append(out, p->value);
    }
}

gboolean sip__param_values_equal(const SipParam *a, const SipParam *b)
{
    if (!a->value || !b->value)
        return !a->value && !b->value;
    if (a->quoted != b->quoted)
        return FALSE;
    return a->quoted ? strcmp(a->value, b->value) == 0 : g_ascii_strcasecmp(a->value, b->value) == 0;
}

/* ---- SipParam --------------------------------------------------------------------------------- */

SipParam *sip_param_new(const char *name, const char *value, gboolean quoted)
{
    g_return_val_if_fail(name != NULL, NULL);
    SipParam *p = g_new0(SipParam, 1);
    p->name = g_strdup(name);
    p->value = g_strdup(value);
    p->quoted = value ? quoted : FALSE;
    return p;
}

void sip_param_free(SipParam *param)
{
    if (!param)
        return;
    g_free(param->name);
    g_free(param->value);
    g_free(param);
}

GPtrArray *sip_params_new(void)
{
    return g_ptr_array_new_with_free_func((GDestroyNotify)sip_param_free);
}

const SipParam *sip_params_find(const GPtrArray *params, const char *name)
{
    for (guint i = 0; params && i < params->len; i++) {
        const SipParam *p = params->pdata[i];
        if (g_ascii_strcasecmp(p->name, name) == 0)
            return p;
    }
    return NULL;
}

void sip_params_set(GPtrArray *params, const char *name, const char *value, gboolean quoted)
{
    for (guint i = 0; i < params->len; i++) {
        SipParam *p = params->pdata[i];
        if (g_ascii_strcasecmp(p->name, name) == 0) {
            g_free(p->value);
            p->value = g_strdup(value);
            p->quoted = value ? quoted : FALSE;
            return;
        }
    }
    g_ptr_array_add(params, sip_param_new(name, value, quoted));
}

gboolean sip_params_remove(GPtrArray *params, const char *name)
{
    for (guint i = 0; i < params->len; i++) {
        const SipParam *p = params->pdata[i];
        if (g_ascii_strcasecmp(p->name, name) == 0) {
            g_ptr_array_remove_index(params, i);
            return TRUE;
        }
    }
    return FALSE;
}
