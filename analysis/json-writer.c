/* json-writer.c: streaming JSON writer (RFC 8259). See json-writer.h for why we write our own. */
#include "analysis/json-writer.h"
#include <math.h>
#include <string.h>

typedef enum { FRAME_OBJECT = 1, FRAME_ARRAY = 2 } FrameKind;

typedef struct {
    uint8_t kind;       /* FrameKind */
    gboolean after_key; /* an object member's name is written; its value is due */
    guint count;        /* members or elements written so far */
} Frame;

struct JsonWriter {
    GString *out;
    gboolean pretty;
    GArray *stack; /* Frame, innermost last */
};

JsonWriter *json_writer_new(GString *out, gboolean pretty)
{
    g_assert(out);
    JsonWriter *w = g_new0(JsonWriter, 1);
    w->out = out;
    w->pretty = pretty;
    w->stack = g_array_sized_new(FALSE, FALSE, sizeof(Frame), 8);
    return w;
}

void json_writer_free(JsonWriter *w)
{
    if (!w)
        return;
    g_array_free(w->stack, TRUE);
    g_free(w);
}

GString *json_writer_buffer(const JsonWriter *w)
{
    return w->out;
}

gboolean json_writer_at_top(const JsonWriter *w)
{
    return w->stack->len == 0;
}

static Frame *top_frame(JsonWriter *w)
{
    return w->stack->len ? &g_array_index(w->stack, Frame, w->stack->len - 1) : NULL;
}

static void newline_indent(JsonWriter *w, guint depth)
{
    g_string_append_c(w->out, '\n');
    for (guint i = 0; i < depth; i++)
        g_string_append(w->out, "  ");
}

/* Every value goes through here: separators and indentation are decided by the enclosing frame. */
static void before_value(JsonWriter *w)
{
    Frame *f = top_frame(w);
    if (!f)
        return;
    if (f->kind == FRAME_OBJECT) {
        g_assert(f->after_key && "a value inside an object needs json_writer_key() first");
        f->after_key = FALSE;
        return;
    }
    if (f->count > 0)
        g_string_append_c(w->out, ',');
    if (w->pretty)
        newline_indent(w, w->stack->len);
    f->count++;
}

static void begin(JsonWriter *w, FrameKind kind)
{
    before_value(w);
    g_string_append_c(w->out, kind == FRAME_OBJECT ? '{' : '[');
    Frame f = {.kind = kind};
    g_array_append_val(w->stack, f);
}

static void end(JsonWriter *w, FrameKind kind)
{
    Frame *f = top_frame(w);
    g_assert(f && f->kind == kind && "unbalanced json_writer_end_*");
    g_assert(!f->after_key && "an object member's value is missing");
    gboolean had_items = f->count > 0;
    g_array_set_size(w->stack, w->stack->len - 1);
    if (w->pretty && had_items)
        newline_indent(w, w->stack->len);
    g_string_append_c(w->out, kind == FRAME_OBJECT ? '}' : ']');
}

void json_writer_begin_object(JsonWriter *w)
{
    begin(w, FRAME_OBJECT);
}

void json_writer_end_object(JsonWriter *w)
{
    end(w, FRAME_OBJECT);
}

void json_writer_begin_array(JsonWriter *w)
{
    begin(w, FRAME_ARRAY);
}

void json_writer_end_array(JsonWriter *w)
{
    end(w, FRAME_ARRAY);
}

void json_writer_key(JsonWriter *w, const char *key)
{
    Frame *f = top_frame(w);
    g_assert(f && f->kind == FRAME_OBJECT && "json_writer_key() outside an object");
    g_assert(!f->after_key && "two keys in a row");
    g_assert(key);
    if (f->count > 0)
        g_string_append_c(w->out, ',');
    if (w->pretty)
        newline_indent(w, w->stack->len);
    json_escape_string(w->out, key, strlen(key));
    g_string_append(w->out, w->pretty ? ": " : ":");
    f->after_key = TRUE;
    f->count++;
}

/* RFC 8259 §7: '"', '\\' and U+0000..U+001F must be escaped; everything else may be literal UTF-8.
 * Invalid UTF-8 (§8.1 requires UTF-8) is replaced byte by byte with U+FFFD. g_utf8_validate_len()
 * rejects overlong forms, surrogates and code points above U+10FFFF, and stops at NUL. */
void json_escape_string(GString *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const char *p = s;
    const char *limit = s + len;
    g_string_append_c(out, '"');
    while (p < limit) {
        const char *valid_end = p;
        g_utf8_validate_len(p, (gsize)(limit - p), &valid_end);
        /* Copy the valid run, escaping only what must be escaped. */
        const char *run = p;
        for (const char *q = p; q < valid_end; q++) {
            unsigned char c = (unsigned char)*q;
            if (c >= 0x20 && c != '"' && c != '\\')
                continue;
            g_string_append_len(out, run, q - run);
            switch (c) {
            case '"': g_string_append(out, "\\\""); break;
            case '\\': g_string_append(out, "\\\\"); break;
            case '\b': g_string_append(out, "\\b"); break;
            case '\f': g_string_append(out, "\\f"); break;
            case '\n': g_string_append(out, "\\n"); break;
            case '\r': g_string_append(out, "\\r"); break;
            case '\t': g_string_append(out, "\\t"); break;
            default:
                g_string_append(out, "\\u00");
                g_string_append_c(out, hex[c >> 4]);
                g_string_append_c(out, hex[c & 0xf]);
                break;
            }
            run = q + 1;
        }
        g_string_append_len(out, run, valid_end - run);
        p = valid_end;
        if (p >= limit)
            break;
        /* The byte at P stopped validation: an embedded NUL or an invalid byte. */
        if (*p == '\0')
            g_string_append(out, "\\u0000");
        else
            g_string_append(out, "\xef\xbf\xbd"); /* U+FFFD REPLACEMENT CHARACTER */
        p++;
    }
    g_string_append_c(out, '"');
}

void json_writer_string(JsonWriter *w, const char *s)
{
    if (!s) {
        json_writer_null(w);
        return;
    }
    json_writer_string_len(w, s, strlen(s));
}

void json_writer_string_len(JsonWriter *w, const char *s, size_t len)
{
    g_assert(s || len == 0);
    before_value(w);
    json_escape_string(w->out, s ? s : "", len);
}

void json_writer_int(JsonWriter *w, int64_t v)
{
    before_value(w);
    g_string_append_printf(w->out, "%" G_GINT64_FORMAT, (gint64)v);
}

void json_writer_uint(JsonWriter *w, uint64_t v)
{
    before_value(w);
    g_string_append_printf(w->out, "%" G_GUINT64_FORMAT, (guint64)v);
}

void json_writer_bool(JsonWriter *w, gboolean v)
{
    before_value(w);
    g_string_append(w->out, v ? "true" : "false");
}

void json_writer_null(JsonWriter *w)
{
    before_value(w);
    g_string_append(w->out, "null");
}

void json_writer_fixed(JsonWriter *w, double v, guint decimals)
{
    g_assert(decimals <= 17);
    if (!isfinite(v)) {
        json_writer_null(w); /* RFC 8259 §6: NaN and Infinity are not permitted */
        return;
    }
    /* %f of DBL_MAX has 309 integer digits; with 17 decimals and sign this fits. */
    char fmt[8];
    char buf[352];
    g_snprintf(fmt, sizeof fmt, "%%.%uf", decimals);
    g_ascii_formatd(buf, sizeof buf, fmt, v);
    const char *text = buf;
    if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1))
        text = buf + 1; /* "-0.00" (small negatives rounded to zero, or -0.0) reads as "0.00" */
    before_value(w);
    g_string_append(w->out, text);
}

void json_writer_member_string(JsonWriter *w, const char *key, const char *s)
{
    json_writer_key(w, key);
    json_writer_string(w, s);
}

void json_writer_member_int(JsonWriter *w, const char *key, int64_t v)
{
    json_writer_key(w, key);
    json_writer_int(w, v);
}

void json_writer_member_uint(JsonWriter *w, const char *key, uint64_t v)
{
    json_writer_key(w, key);
    json_writer_uint(w, v);
}

void json_writer_member_bool(JsonWriter *w, const char *key, gboolean v)
{
    json_writer_key(w, key);
    json_writer_bool(w, v);
}

void json_writer_member_null(JsonWriter *w, const char *key)
{
    json_writer_key(w, key);
    json_writer_null(w);
}

void json_writer_member_fixed(JsonWriter *w, const char *key, double v, guint decimals)
{
    json_writer_key(w, key);
    json_writer_fixed(w, v, decimals);
}
