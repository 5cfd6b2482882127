/* json-writer.h: a small streaming JSON (RFC 8259) writer appending to a GString.
 *
 * Why our own and not json-glib: events.jsonl is written one line per trace event, and json-glib's
 * JsonBuilder/JsonGenerator builds a node tree per line and frees it again; this writer appends text
 * straight to a buffer. It also fixes every byte of the output (key order as written, integers exact,
 * doubles only through json_writer_fixed with a stated number of decimals, never NaN or inf), which
 * the byte-identical-run-to-run rule needs. json-glib is used only by the tests, to parse what we wrote.
 *
 * What it is not: a parser, or a validator of the caller's structure beyond g_assert (a key outside an
 * object, a value where a key is due, an unbalanced end are programming errors).
 *
 * Strings are UTF-8; every invalid byte is written as U+FFFD, so the output is always valid JSON.
 */
#pragma once
#include <glib.h>
#include <stdint.h>

typedef struct JsonWriter JsonWriter;

/* A writer appending to OUT (not owned; it must outlive the writer). PRETTY: newlines and an
 * indent of 2 (summary.json); otherwise compact with no whitespace at all (events.jsonl).
 * Free with json_writer_free(). Several top-level values may follow each other; the writer puts
 * nothing between them (the caller adds the "\n" of a JSON Lines file). */
JsonWriter *json_writer_new(GString *out, gboolean pretty);
void json_writer_free(JsonWriter *w);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(JsonWriter, json_writer_free)

/* The buffer written to. */
GString *json_writer_buffer(const JsonWriter *w);
/* TRUE when no object or array is open (a top-level value is complete). */
gboolean json_writer_at_top(const JsonWriter *w);

void json_writer_begin_object(JsonWriter *w);
void json_writer_end_object(JsonWriter *w);
void json_writer_begin_array(JsonWriter *w);
void json_writer_end_array(JsonWriter *w);

/* A member name inside an object; the next call must write its value. */
void json_writer_key(JsonWriter *w, const char *key);

/* S is NUL-terminated UTF-8; NULL writes null. */
void json_writer_string(JsonWriter *w, const char *s);
/* LEN bytes of S, which may contain NUL (written as \u0000) and invalid UTF-8 (written as U+FFFD). */
void json_writer_string_len(JsonWriter *w, const char *s, size_t len);
void json_writer_int(JsonWriter *w, int64_t v);
void json_writer_uint(JsonWriter *w, uint64_t v);
void json_writer_bool(JsonWriter *w, gboolean v);
void json_writer_null(JsonWriter *w);
/* V rounded to DECIMALS (0..17) digits after the point, "-0" written as "0"; NaN and infinities are
 * written as null. Locale-independent. */
void json_writer_fixed(JsonWriter *w, double v, guint decimals);

/* Key + value in one call, for the common case. */
void json_writer_member_string(JsonWriter *w, const char *key, const char *s);
void json_writer_member_int(JsonWriter *w, const char *key, int64_t v);
void json_writer_member_uint(JsonWriter *w, const char *key, uint64_t v);
void json_writer_member_bool(JsonWriter *w, const char *key, gboolean v);
void json_writer_member_null(JsonWriter *w, const char *key);
void json_writer_member_fixed(JsonWriter *w, const char *key, double v, guint decimals);

/* Appends S to OUT as a quoted, escaped JSON string (no writer state involved). */
void json_escape_string(GString *out, const char *s, size_t len);
