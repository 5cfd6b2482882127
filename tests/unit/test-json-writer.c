/* test-json-writer.c: analysis/json-writer against exact expected text and against json-glib's
 * parser (RFC 8259), including escaping, invalid UTF-8 and nesting. */
#include "analysis/json-writer.h"
#include "sim-core/sim-rng.h"
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

/* Parses TEXT with json-glib; fails the test if it is not valid JSON. Free with g_object_unref. */
static JsonParser *parse_ok(const char *text)
{
    JsonParser *p = json_parser_new();
    g_autoptr(GError) error = NULL;
    if (!json_parser_load_from_data(p, text, -1, &error))
        g_error("json-glib rejects %s: %s", text, error->message);
    return p;
}

/* Writes ["S"] for S of LEN bytes and returns what json-glib reads back as the string. */
static char *roundtrip_string(const char *s, size_t len, GString *text_out)
{
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(JsonWriter) w = json_writer_new(out, FALSE);
    json_writer_begin_array(w);
    json_writer_string_len(w, s, len);
    json_writer_end_array(w);
    g_assert_true(json_writer_at_top(w));
    g_assert_true(g_utf8_validate(out->str, out->len, NULL));
    if (text_out)
        g_string_assign(text_out, out->str);
    g_autoptr(JsonParser) p = parse_ok(out->str);
    JsonArray *a = json_node_get_array(json_parser_get_root(p));
    g_assert_cmpuint(json_array_get_length(a), ==, 1);
    return g_strdup(json_array_get_string_element(a, 0));
}

static void test_escape_specials(void)
{
    const char *in = "q\"b\\s/n\nt\tr\rb\bf\f" "\x01\x1f\x7f end";
    g_autoptr(GString) text = g_string_new(NULL);
    g_autofree char *back = roundtrip_string(in, strlen(in), text);
    g_assert_cmpstr(text->str, ==, "[\"q\\\"b\\\\s/n\\nt\\tr\\rb\\bf\\f\\u0001\\u001f\x7f end\"]");
    g_assert_cmpstr(back, ==, in);

    /* Every control character is escaped and comes back. */
    char ctl[32];
    for (int i = 0; i < 32; i++)
        ctl[i] = (char)(i == 0 ? 'x' : i);
    g_autofree char *back2 = roundtrip_string(ctl, sizeof ctl, text);
    for (size_t i = 0; i < text->len; i++)
        g_assert_cmpint((unsigned char)text->str[i], >=, 0x20);
    g_assert_cmpmem(back2, strlen(back2), ctl, sizeof ctl);

    /* An embedded NUL is \u0000 (json-glib stops C strings there, so compare the text). */
    g_free(roundtrip_string("a\0b", 3, text));
    g_assert_cmpstr(text->str, ==, "[\"a\\u0000b\"]");
}

static void test_utf8(void)
{
    g_autoptr(GString) text = g_string_new(NULL);
    /* Valid multi-byte UTF-8 is written as is. */
    const char *valid = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xe2\x80\xa8";
    g_autofree char *b1 = roundtrip_string(valid, strlen(valid), text);
    g_assert_cmpstr(b1, ==, valid);

    /* Invalid bytes become U+FFFD, one per byte; the rest survives. */
    struct {
        const char *in;
        const char *want;
    } cases[] = {
        {"a\xff" "b", "a\xef\xbf\xbd" "b"},
        {"\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"},             /* overlong '/' */
        {"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* UTF-16 surrogate */
        {"x\xc3", "x\xef\xbf\xbd"},                            /* truncated sequence at the end */
        {"\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* > U+10FFFF */
        {"\xc3\xa9\x80\xc3\xa9", "\xc3\xa9\xef\xbf\xbd\xc3\xa9"}, /* stray continuation byte */
        {"\"\xfe\\", "\"\xef\xbf\xbd\\"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *b = roundtrip_string(cases[i].in, strlen(cases[i].in), text);
        g_assert_cmpstr(b, ==, cases[i].want);
    }

    /* Random bytes: always valid JSON and valid UTF-8; valid input survives exactly. */
    SimRng *rng = sim_rng_new(1, "test:json-writer:utf8");
    for (int n = 0; n < 2000; n++) {
        uint8_t buf[64];
        size_t len = (size_t)sim_rng_range(rng, 0, sizeof buf);
        sim_rng_bytes(rng, buf, len);
        for (size_t i = 0; i < len; i++)
            if (buf[i] == 0)
                buf[i] = 1;
        g_autofree char *b = roundtrip_string((const char *)buf, len, NULL);
        g_assert_true(g_utf8_validate(b, -1, NULL));
        if (g_utf8_validate((const char *)buf, (gssize)len, NULL))
            g_assert_cmpmem(b, strlen(b), buf, len);
    }
    sim_rng_free(rng);
}

static void test_nesting_compact(void)
{
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(JsonWriter) w = json_writer_new(out, FALSE);
    json_writer_begin_object(w);
    json_writer_member_int(w, "a", 1);
    json_writer_key(w, "b");
    json_writer_begin_array(w);
    json_writer_int(w, 1);
    json_writer_begin_object(w);
    json_writer_end_object(w);
    json_writer_begin_array(w);
    json_writer_end_array(w);
    json_writer_string(w, "x");
    json_writer_null(w);
    json_writer_bool(w, TRUE);
    json_writer_begin_array(w);
    json_writer_bool(w, FALSE);
    json_writer_end_array(w);
    json_writer_end_array(w);
    json_writer_key(w, "c");
    json_writer_begin_object(w);
    json_writer_member_string(w, "d", NULL);
    json_writer_member_null(w, "e");
    json_writer_end_object(w);
    json_writer_member_bool(w, "f", FALSE);
    json_writer_end_object(w);
    g_assert_true(json_writer_at_top(w));
    g_assert_cmpstr(out->str, ==, "{\"a\":1,\"b\":[1,{},[],\"x\",null,true,[false]],\"c\":{\"d\":null,\"e\":null},\"f\":false}");

    g_autoptr(JsonParser) p = parse_ok(out->str);
    JsonObject *o = json_node_get_object(json_parser_get_root(p));
    g_assert_cmpint(json_object_get_int_member(o, "a"), ==, 1);
    JsonArray *b = json_object_get_array_member(o, "b");
    g_assert_cmpuint(json_array_get_length(b), ==, 7);
    g_assert_cmpstr(json_array_get_string_element(b, 3), ==, "x");
    g_assert_true(json_array_get_null_element(b, 4));
    g_assert_true(json_array_get_boolean_element(b, 5));
    g_assert_true(json_object_get_null_member(json_object_get_object_member(o, "c"), "d"));
    g_assert_false(json_object_get_boolean_member(o, "f"));

    /* Several top-level values in a row, as in JSON Lines: the writer adds nothing between them. */
    g_string_truncate(out, 0);
    for (int i = 0; i < 3; i++) {
        json_writer_begin_object(w);
        json_writer_member_int(w, "i", i);
        json_writer_end_object(w);
        g_string_append_c(out, '\n');
    }
    g_assert_cmpstr(out->str, ==, "{\"i\":0}\n{\"i\":1}\n{\"i\":2}\n");
}

static void test_pretty(void)
{
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(JsonWriter) w = json_writer_new(out, TRUE);
    json_writer_begin_object(w);
    json_writer_member_string(w, "name", "x");
    json_writer_key(w, "list");
    json_writer_begin_array(w);
    json_writer_int(w, 1);
    json_writer_begin_object(w);
    json_writer_member_bool(w, "k", TRUE);
    json_writer_end_object(w);
    json_writer_end_array(w);
    json_writer_key(w, "empty");
    json_writer_begin_object(w);
    json_writer_end_object(w);
    json_writer_key(w, "none");
    json_writer_begin_array(w);
    json_writer_end_array(w);
    json_writer_end_object(w);
    g_assert_cmpstr(out->str, ==,
                    "{\n"
                    "  \"name\": \"x\",\n"
                    "  \"list\": [\n"
                    "    1,\n"
                    "    {\n"
                    "      \"k\": true\n"
                    "    }\n"
                    "  ],\n"
                    "  \"empty\": {},\n"
                    "  \"none\": []\n"
                    "}");
    g_autoptr(JsonParser) p = parse_ok(out->str);
    JsonObject *o = json_node_get_object(json_parser_get_root(p));
    g_assert_cmpstr(json_object_get_string_member(o, "name"), ==, "x");
}

static void test_numbers(void)
{
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(JsonWriter) w = json_writer_new(out, FALSE);
    json_writer_begin_array(w);
    json_writer_int(w, INT64_MIN);
    json_writer_int(w, INT64_MAX);
    json_writer_int(w, 0);
    json_writer_uint(w, UINT64_MAX);
    json_writer_fixed(w, 1.23456, 3);
    json_writer_fixed(w, 2.5, 0);
    json_writer_fixed(w, -0.0001, 2);
    json_writer_fixed(w, -0.0, 1);
    json_writer_fixed(w, -1.5, 1);
    json_writer_fixed(w, NAN, 3);
    json_writer_fixed(w, INFINITY, 3);
    json_writer_fixed(w, -INFINITY, 3);
    json_writer_fixed(w, 1e20, 2);
    json_writer_fixed(w, 0.1, 17);
    json_writer_end_array(w);
    g_assert_cmpstr(out->str, ==,
                    "[-9223372036854775808,9223372036854775807,0,18446744073709551615,1.235,2,0.00,0.0,-1.5,"
                    "null,null,null,100000000000000000000.00,0.10000000000000001]");
    g_autoptr(JsonParser) p = parse_ok(out->str);
    JsonArray *a = json_node_get_array(json_parser_get_root(p));
    g_assert_cmpint(json_array_get_int_element(a, 0), ==, INT64_MIN);
    g_assert_cmpint(json_array_get_int_element(a, 1), ==, INT64_MAX);
    g_assert_cmpfloat_with_epsilon(json_array_get_double_element(a, 4), 1.235, 1e-12);
    g_assert_true(json_array_get_null_element(a, 9));

    /* Locale must not change the decimal point. */
    g_string_truncate(out, 0);
    json_writer_fixed(w, 3.25, 2);
    g_assert_cmpstr(out->str, ==, "3.25");
}

static void test_keys_escaped(void)
{
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(JsonWriter) w = json_writer_new(out, FALSE);
    json_writer_begin_object(w);
    json_writer_member_uint(w, "we\"ird\n\xff", 7);
    json_writer_end_object(w);
    g_assert_cmpstr(out->str, ==, "{\"we\\\"ird\\n\xef\xbf\xbd\":7}");
    g_autoptr(JsonParser) p = parse_ok(out->str);
    JsonObject *o = json_node_get_object(json_parser_get_root(p));
    g_assert_cmpint(json_object_get_int_member(o, "we\"ird\n\xef\xbf\xbd"), ==, 7);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/json-writer/escape-specials", test_escape_specials);
    g_test_add_func("/json-writer/utf8", test_utf8);
    g_test_add_func("/json-writer/nesting-compact", test_nesting_compact);
    g_test_add_func("/json-writer/pretty", test_pretty);
    g_test_add_func("/json-writer/numbers", test_numbers);
    g_test_add_func("/json-writer/keys-escaped", test_keys_escaped);
    return g_test_run();
}
