/* test-report-wire.c: report trees as bytes and back (sim-core/sim-report-wire.h).
 *
 * Trees are compared two ways: by walking both (key, type and value of every item in order, doubles
 * bit for bit with their decimals) and by the JSON that summary.json would hold
 * (analysis/report-writer.h). Corrupt data is cut at every byte and mutated at every byte, each copy
 * in a buffer of exactly its length, so ASan/UBSan see any read outside it.
 */
#include "analysis/report-writer.h"
#include "sim-core/sim-report-wire.h"
#include <glib.h>
#include <string.h>

/* ---- comparing trees ---- */

static void assert_items_equal(const SimReportItem *a, const SimReportItem *b, const char *path)
{
    g_autofree char *here = g_strdup_printf("%s/%s", path, a->key ? a->key : "");
    if (g_strcmp0(a->key, b->key) != 0 || a->type != b->type)
        g_error("%s: key/type %s/%d vs %s/%d", here, a->key, a->type, b->key, b->type);
    switch (a->type) {
    case SIM_REPORT_SECTION: {
        guint na = a->children ? a->children->len : 0, nb = b->children ? b->children->len : 0;
        if (na != nb)
            g_error("%s: %u vs %u children", here, na, nb);
        for (guint i = 0; i < na; i++)
            assert_items_equal(a->children->pdata[i], b->children->pdata[i], here);
        break;
    }
    case SIM_REPORT_INT:
    case SIM_REPORT_BOOL:
        if (a->i != b->i)
            g_error("%s: %" G_GINT64_FORMAT " vs %" G_GINT64_FORMAT, here, a->i, b->i);
        break;
    case SIM_REPORT_UINT:
        if (a->u != b->u)
            g_error("%s: %" G_GUINT64_FORMAT " vs %" G_GUINT64_FORMAT, here, a->u, b->u);
        break;
    case SIM_REPORT_DOUBLE:
        if (memcmp(&a->d, &b->d, sizeof a->d) != 0 || a->decimals != b->decimals)
            g_error("%s: %.17g (%d) vs %.17g (%d)", here, a->d, a->decimals, b->d, b->decimals);
        break;
    case SIM_REPORT_STRING:
        if (g_strcmp0(a->s, b->s) != 0)
            g_error("%s: \"%s\" vs \"%s\"", here, a->s, b->s);
        break;
    }
}

static char *json_of(const SimReport *r)
{
    GString *out = g_string_new(NULL);
    JsonWriter *w = json_writer_new(out, TRUE);
    json_writer_begin_object(w);
    report_write_json_members(sim_report_root(r), w);
    json_writer_end_object(w);
    json_writer_free(w);
    return g_string_free(out, FALSE);
}

static void assert_reports_equal(const SimReport *a, const SimReport *b)
{
    assert_items_equal(sim_report_root(a), sim_report_root(b), "");
    g_autofree char *ja = json_of(a);
    g_autofree char *jb = json_of(b);
    g_assert_cmpstr(ja, ==, jb);
}

static GByteArray *serialize(const SimReport *r)
{
    GByteArray *out = g_byte_array_new();
    sim_report_serialize(r, out);
    return out;
}

/* Replays a copy of DATA[0..LEN) in a buffer of exactly LEN bytes into a fresh report. */
static SimReport *replay_exact(const guint8 *data, gsize len, GError **error)
{
    g_autofree guint8 *copy = len ? g_memdup2(data, len) : NULL;
    SimReport *r = sim_report_new();
    if (!sim_report_replay(r, copy, len, error)) {
        sim_report_free(r);
        return NULL;
    }
    return r;
}

/* ---- a tree with everything ---- */

static void fill(SimReport *r)
{
    sim_report_string(r, "scenario", "presence-basic");
    sim_report_int(r, "zero", 0);
    sim_report_int(r, "minus-one", -1);
    sim_report_int(r, "int-min", INT64_MIN);
    sim_report_int(r, "int-max", INT64_MAX);
    sim_report_uint(r, "uint-zero", 0);
    sim_report_uint(r, "uint-max", UINT64_MAX);
    sim_report_double(r, "half", 0.5, 0);
    sim_report_double(r, "pi", 3.14159265358979, 3);
    sim_report_double(r, "neg", -2.25, 1);
    sim_report_double(r, "tiny", 1e-7, 17);
    sim_report_double(r, "negzero", -0.0, 2);
    sim_report_double(r, "big", 1.5e300, 2);
    sim_report_double(r, "money", 123456.789, 2);
    sim_report_bool(r, "yes", TRUE);
    sim_report_bool(r, "no", FALSE);
    sim_report_string(r, "empty-string", "");
    sim_report_string(r, "unicode", "Grüße, 日本語, 🎉");
    sim_report_string(r, "escapes", "quote \" backslash \\ newline \n tab \t");
    sim_report_begin(r, "empty-section");
    sim_report_end(r);
    sim_report_begin(r, "flows");
    sim_report_begin(r, "udp1");
    sim_report_string(r, "protocol", "udp");
    sim_report_uint(r, "sent", 5000);
    sim_report_uint(r, "received", 4901);
    sim_report_double(r, "loss_rate", 0.0198, 4);
    sim_report_begin(r, "delays");
    sim_report_double(r, "min_ms", 12.0, 3);
    sim_report_begin(r, "ünïcode-sëction");
    sim_report_int(r, "deep", -42);
    sim_report_end(r);
    sim_report_end(r);
    sim_report_end(r);
    sim_report_begin(r, "tcp1");
    sim_report_end(r);
    sim_report_end(r);
    /* A value replaced by one of another type keeps its place with the new type. */
    sim_report_int(r, "replaced", 1);
    sim_report_string(r, "replaced", "now a string");
    /* A section and a value may share a key (the report allows it); both must survive. */
    sim_report_int(r, "twin", 7);
    sim_report_begin(r, "twin");
    sim_report_bool(r, "inside", TRUE);
    sim_report_end(r);
    sim_report_string(r, "last", "end");
}

static void test_round_trip(void)
{
    SimReport *orig = sim_report_new();
    fill(orig);
    g_autoptr(GByteArray) bytes = serialize(orig);
    GError *error = NULL;
    SimReport *back = replay_exact(bytes->data, bytes->len, &error);
    g_assert_no_error(error);
    g_assert_nonnull(back);
    assert_reports_equal(orig, back);

    /* The comparison is not vacuous: spot checks of the replayed tree. */
    const SimReportItem *it = sim_report_lookup(back, "uint-max");
    g_assert_nonnull(it);
    g_assert_cmpint(it->type, ==, SIM_REPORT_UINT);
    g_assert_cmpuint(it->u, ==, UINT64_MAX);
    it = sim_report_lookup(back, "int-min");
    g_assert_cmpint(it->type, ==, SIM_REPORT_INT);
    g_assert_cmpint(it->i, ==, INT64_MIN);
    it = sim_report_lookup(back, "flows/udp1/loss_rate");
    g_assert_cmpint(it->type, ==, SIM_REPORT_DOUBLE);
    g_assert_cmpint(it->decimals, ==, 4);
    g_assert_true(it->d == 0.0198);
    it = sim_report_lookup(back, "flows/udp1/delays/ünïcode-sëction/deep");
    g_assert_nonnull(it);
    g_assert_cmpint(it->i, ==, -42);
    it = sim_report_lookup(back, "replaced");
    g_assert_cmpint(it->type, ==, SIM_REPORT_STRING);
    g_assert_cmpstr(it->s, ==, "now a string");
    it = sim_report_lookup(back, "empty-section");
    g_assert_cmpint(it->type, ==, SIM_REPORT_SECTION);
    g_assert_cmpuint(it->children->len, ==, 0);
    it = sim_report_lookup(back, "unicode");
    g_assert_cmpstr(it->s, ==, "Grüße, 日本語, 🎉");
    g_autofree char *json = json_of(back);
    g_test_message("%s", json);
    g_assert_nonnull(strstr(json, "\"uint-max\": 18446744073709551615"));
    g_assert_nonnull(strstr(json, "\"pi\": 3.142"));
    g_assert_nonnull(strstr(json, "\"tiny\": 0.00000010000000000"));
    g_assert_nonnull(strstr(json, "\"money\": 123456.79"));
    g_assert_nonnull(strstr(json, "\"twin\": 7"));
    g_assert_nonnull(strstr(json, "\"twin\": {"));

    /* Same tree, same bytes. */
    g_autoptr(GByteArray) again = serialize(back);
    g_assert_cmpmem(again->data, again->len, bytes->data, bytes->len);

    /* An empty report is 4 bytes (no items) and replays to an empty report. */
    SimReport *empty = sim_report_new();
    g_autoptr(GByteArray) eb = serialize(empty);
    g_assert_cmpuint(eb->len, ==, 4);
    SimReport *eback = replay_exact(eb->data, eb->len, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(sim_report_root(eback)->children->len, ==, 0);
    sim_report_free(eback);
    sim_report_free(empty);
    sim_report_free(back);
    sim_report_free(orig);
}

static void test_deep_nesting_round_trip(void)
{
    /* A legitimately deep tree (32 levels) round-trips. */
    SimReport *orig = sim_report_new();
    for (int d = 0; d < 32; d++) {
        g_autofree char *k = g_strdup_printf("level%d", d);
        sim_report_begin(orig, k);
        sim_report_int(orig, "depth", d);
    }
    for (int d = 0; d < 32; d++)
        sim_report_end(orig);
    g_autoptr(GByteArray) bytes = serialize(orig);
    GError *error = NULL;
    SimReport *back = replay_exact(bytes->data, bytes->len, &error);
    g_assert_no_error(error);
    assert_reports_equal(orig, back);
    const SimReportItem *it = sim_report_lookup(back, "level0/level1/level2/level3/depth");
    g_assert_nonnull(it);
    g_assert_cmpint(it->i, ==, 3);
    sim_report_free(back);
    sim_report_free(orig);
}

/* ---- replay into a section, and two node parts ---- */

static void node_a(SimReport *r)
{
    sim_report_begin(r, "flows");
    sim_report_begin(r, "f1");
    sim_report_uint(r, "sent", 10);
    sim_report_double(r, "loss", 0.1, 2);
    sim_report_end(r);
    sim_report_end(r);
    sim_report_begin(r, "links");
    sim_report_uint(r, "l1", 5);
    sim_report_end(r);
    sim_report_string(r, "status", "from a");
    sim_report_int(r, "mixed", 3);
    sim_report_uint(r, "a-only", 1);
}

static void node_b(SimReport *r)
{
    sim_report_begin(r, "flows");
    sim_report_begin(r, "f1");
    sim_report_uint(r, "received", 9); /* appended to a's section */
    sim_report_double(r, "loss", 0.125, 3); /* replaces a's value, new decimals */
    sim_report_end(r);
    sim_report_begin(r, "f2");
    sim_report_bool(r, "done", TRUE);
    sim_report_end(r);
    sim_report_end(r);
    sim_report_begin(r, "links");
    sim_report_uint(r, "l1", 7); /* replaced in place */
    sim_report_uint(r, "l2", 2);
    sim_report_end(r);
    sim_report_string(r, "status", "from b");
    sim_report_double(r, "mixed", 2.5, 1); /* replaced by another type */
    sim_report_begin(r, "b-only");
    sim_report_end(r);
}

/* What the run's report holds before the node reports. */
static void run_prefix(SimReport *r)
{
    sim_report_string(r, "scenario", "roaming");
    sim_report_begin(r, "flows");
    sim_report_begin(r, "f0");
    sim_report_uint(r, "sent", 1);
    sim_report_end(r);
    sim_report_end(r);
}

static void test_two_parts(void)
{
    SimReport *direct = sim_report_new();
    run_prefix(direct);
    node_a(direct);
    node_b(direct);

    /* Each node reports into a report of its own (on its rank) and the bytes are replayed in node
     * order into the run's report. */
    SimReport *pa = sim_report_new(), *pb = sim_report_new();
    node_a(pa);
    node_b(pb);
    g_autoptr(GByteArray) ba = serialize(pa);
    g_autoptr(GByteArray) bb = serialize(pb);
    SimReport *merged = sim_report_new();
    run_prefix(merged);
    GError *error = NULL;
    g_assert_true(sim_report_replay(merged, ba->data, ba->len, &error));
    g_assert_no_error(error);
    g_assert_true(sim_report_replay(merged, bb->data, bb->len, &error));
    g_assert_no_error(error);
    assert_reports_equal(direct, merged);

    /* Spot checks: sections reused (one "flows", f0 first), values replaced in place. */
    const SimReportItem *root = sim_report_root(merged);
    g_assert_cmpuint(root->children->len, ==, 7); /* scenario flows links status mixed a-only b-only */
    const SimReportItem *flows = sim_report_lookup(merged, "flows");
    g_assert_cmpuint(flows->children->len, ==, 3);
    g_assert_cmpstr(((SimReportItem *)flows->children->pdata[0])->key, ==, "f0");
    g_assert_cmpstr(((SimReportItem *)flows->children->pdata[1])->key, ==, "f1");
    const SimReportItem *f1 = sim_report_lookup(merged, "flows/f1");
    g_assert_cmpuint(f1->children->len, ==, 3); /* sent loss received */
    const SimReportItem *loss = sim_report_lookup(merged, "flows/f1/loss");
    g_assert_cmpint(loss->decimals, ==, 3);
    g_assert_true(loss->d == 0.125);
    g_assert_cmpuint(sim_report_lookup(merged, "links/l1")->u, ==, 7);
    g_assert_cmpstr(sim_report_lookup(merged, "status")->s, ==, "from b");
    g_assert_cmpint(sim_report_lookup(merged, "mixed")->type, ==, SIM_REPORT_DOUBLE);
    g_assert_cmpstr(((SimReportItem *)root->children->pdata[4])->key, ==, "mixed");

    /* The other order gives a's values: order matters and is kept. */
    SimReport *reversed = sim_report_new();
    g_assert_true(sim_report_replay(reversed, bb->data, bb->len, &error));
    g_assert_true(sim_report_replay(reversed, ba->data, ba->len, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(sim_report_lookup(reversed, "status")->s, ==, "from a");
    g_assert_cmpint(sim_report_lookup(reversed, "mixed")->type, ==, SIM_REPORT_INT);

    sim_report_free(reversed);
    sim_report_free(merged);
    sim_report_free(pa);
    sim_report_free(pb);
    sim_report_free(direct);
}

static void test_into_section(void)
{
    /* Replay goes into the current section, and leaves that section current. */
    SimReport *part = sim_report_new();
    node_a(part);
    g_autoptr(GByteArray) b = serialize(part);

    SimReport *direct = sim_report_new();
    sim_report_begin(direct, "nodes");
    sim_report_begin(direct, "pcscf");
    node_a(direct);
    sim_report_int(direct, "after", 1);
    sim_report_end(direct);
    sim_report_end(direct);
    sim_report_int(direct, "top", 2);

    SimReport *into = sim_report_new();
    sim_report_begin(into, "nodes");
    sim_report_begin(into, "pcscf");
    GError *error = NULL;
    g_assert_true(sim_report_replay(into, b->data, b->len, &error));
    g_assert_no_error(error);
    sim_report_int(into, "after", 1);
    sim_report_end(into);
    sim_report_end(into);
    sim_report_int(into, "top", 2);
    assert_reports_equal(direct, into);
    g_assert_nonnull(sim_report_lookup(into, "nodes/pcscf/flows/f1/sent"));
    g_assert_nonnull(sim_report_lookup(into, "nodes/pcscf/after"));
    sim_report_free(into);
    sim_report_free(direct);
    sim_report_free(part);
}

/* ---- corrupt data ---- */

static void test_truncated(void)
{
    /* Every proper prefix of a serialized tree is corrupt (the item counts promise more), and so is
     * any trailing byte. */
    SimReport *orig = sim_report_new();
    fill(orig);
    g_autoptr(GByteArray) bytes = serialize(orig);
    for (gsize cut = 0; cut < bytes->len; cut++) {
        GError *error = NULL;
        SimReport *r = replay_exact(bytes->data, cut, &error);
        if (r)
            g_error("a cut at %zu of %u was accepted", cut, bytes->len);
        g_assert_nonnull(error);
        g_error_free(error);
    }
    GError *error = NULL;
    g_byte_array_append(bytes, (const guint8 *)"", 1);
    g_assert_null(replay_exact(bytes->data, bytes->len, &error));
    g_assert_nonnull(error);
    g_clear_error(&error);
    /* NULL data of length 0 is corrupt too (no item count). */
    SimReport *r = sim_report_new();
    g_assert_false(sim_report_replay(r, NULL, 0, &error));
    g_assert_nonnull(error);
    g_clear_error(&error);
    sim_report_free(r);
    sim_report_free(orig);
}

static void put_u32(GByteArray *b, guint32 v)
{
    guint32 le = GUINT32_TO_LE(v);
    g_byte_array_append(b, (const guint8 *)&le, 4);
}

static void put_key(GByteArray *b, guint8 type, const char *key)
{
    g_byte_array_append(b, &type, 1);
    put_u32(b, (guint32)strlen(key));
    g_byte_array_append(b, (const guint8 *)key, (guint)strlen(key));
}

static void test_hostile(void)
{
    GError *error = NULL;
    /* An unknown item type. */
    const guint8 types[] = {0, 7, 0xff};
    for (guint k = 0; k < G_N_ELEMENTS(types); k++) {
        g_autoptr(GByteArray) b = g_byte_array_new();
        put_u32(b, 1);
        put_key(b, types[k], "k");
        guint8 zero[8] = {0};
        g_byte_array_append(b, zero, 8);
        g_assert_null(replay_exact(b->data, b->len, &error));
        g_assert_nonnull(error);
        g_clear_error(&error);
        /* ... also as the last item, with nothing after its key (not skipped as if it were empty) */
        g_byte_array_set_size(b, b->len - 8);
        g_assert_null(replay_exact(b->data, b->len, &error));
        g_assert_nonnull(error);
        g_clear_error(&error);
    }
    /* A NULL key (length 0xFFFFFFFF), a key with a NUL, a key longer than the data. */
    {
        g_autoptr(GByteArray) b = g_byte_array_new();
        put_u32(b, 1);
        guint8 t = SIM_REPORT_BOOL;
        g_byte_array_append(b, &t, 1);
        put_u32(b, UINT32_MAX);
        g_byte_array_append(b, &t, 1);
        g_assert_null(replay_exact(b->data, b->len, &error));
        g_assert_nonnull(error);
        g_clear_error(&error);
    }
    {
        g_autoptr(GByteArray) b = g_byte_array_new();
        put_u32(b, 1);
        guint8 t = SIM_REPORT_BOOL;
        g_byte_array_append(b, &t, 1);
        put_u32(b, 3);
        g_byte_array_append(b, (const guint8 *)"a\0b", 3);
        g_byte_array_append(b, &t, 1);
        g_assert_null(replay_exact(b->data, b->len, &error));
        g_assert_nonnull(error);
        g_clear_error(&error);
        /* the same with "axb" is fine (the refusal above is for the NUL) */
        b->data[4 + 1 + 4 + 1] = 'x';
        SimReport *ok = replay_exact(b->data, b->len, &error);
        g_assert_no_error(error);
        g_assert_true(sim_report_lookup(ok, "axb")->i == 1);
        sim_report_free(ok);
    }
    {
        g_autoptr(GByteArray) b = g_byte_array_new();
        put_u32(b, 1);
        guint8 t = SIM_REPORT_INT;
        g_byte_array_append(b, &t, 1);
        put_u32(b, 0xfffffff0);
        g_byte_array_append(b, (const guint8 *)"abcdefgh", 8);
        g_assert_null(replay_exact(b->data, b->len, &error));
        g_assert_nonnull(error);
        g_clear_error(&error);
    }
    /* An item count far beyond the data, at the top and inside a section. */
    {
        g_autoptr(GByteArray) b = g_byte_array_new();
        put_u32(b, UINT32_MAX);
        put_key(b, SIM_REPORT_BOOL, "x");
        guint8 one = 1;
        g_byte_array_append(b, &one, 1);
        g_assert_null(replay_exact(b->data, b->len, &error));
        g_assert_nonnull(error);
        g_clear_error(&error);
        g_byte_array_set_size(b, 0);
        put_u32(b, 1);
        put_key(b, SIM_REPORT_SECTION, "s");
        put_u32(b, 0x7fffffff);
        g_assert_null(replay_exact(b->data, b->len, &error));
        g_assert_nonnull(error);
        g_clear_error(&error);
    }
}

static void test_nesting_refused(void)
{
    /* Sections nested far deeper than any report (and deep enough to exhaust the stack if replay
     * recursed without a limit) are refused, not crashed on. */
    const guint depth = 200000;
    g_autoptr(GByteArray) b = g_byte_array_new();
    for (guint d = 0; d < depth; d++) {
        put_u32(b, 1);
        put_key(b, SIM_REPORT_SECTION, "s");
    }
    put_u32(b, 0);
    GError *error = NULL;
    g_assert_null(replay_exact(b->data, b->len, &error));
    g_assert_nonnull(error);
    g_test_message("%s", error->message);
    g_clear_error(&error);

    /* 1000 levels: still far beyond any report, refused as well. */
    g_byte_array_set_size(b, 0);
    for (guint d = 0; d < 1000; d++) {
        put_u32(b, 1);
        put_key(b, SIM_REPORT_SECTION, "s");
    }
    put_u32(b, 0);
    g_assert_null(replay_exact(b->data, b->len, &error));
    g_assert_nonnull(error);
    g_clear_error(&error);
}

static void test_mutations(void)
{
    /* Every byte of a serialized tree set to a few values: each mutant is refused or replayed, never a
     * crash or an out-of-bounds read; a replayed one serializes again. */
    SimReport *orig = sim_report_new();
    fill(orig);
    g_autoptr(GByteArray) bytes = serialize(orig);
    g_autofree guint8 *copy = g_memdup2(bytes->data, bytes->len);
    const guint8 values[] = {0x00, 0x01, 0x02, 0x05, 0x06, 0x7f, 0x80, 0xff};
    guint refused = 0, accepted = 0;
    for (guint i = 0; i < bytes->len; i++) {
        for (guint v = 0; v < G_N_ELEMENTS(values); v++) {
            copy[i] = values[v];
            GError *error = NULL;
            SimReport *r = replay_exact(copy, bytes->len, &error);
            if (r) {
                accepted++;
                g_assert_no_error(error);
                g_autoptr(GByteArray) again = serialize(r);
                g_assert_cmpuint(again->len, >, 0);
                sim_report_free(r);
            } else {
                refused++;
                g_assert_nonnull(error);
                g_error_free(error);
            }
        }
        copy[i] = bytes->data[i];
    }
    g_test_message("mutants: %u refused, %u accepted", refused, accepted);
    g_assert_cmpuint(refused, >, 0);
    g_assert_cmpuint(accepted, >, 0);
    sim_report_free(orig);
}

static void test_bad_decimals(void)
{
    /* A double's decimals outside what the JSON writer prints (0..17, json-writer.h) can only come from
     * corrupt data; accepting them would abort later, in report_write_json_members. */
    SimReport *orig = sim_report_new();
    sim_report_double(orig, "d", 1.5, 17);
    g_autoptr(GByteArray) b = serialize(orig);
    /* u32 1, u8 type, str "d" (4 + 1), u64 bits, u32 decimals */
    const gsize dec_at = 4 + 1 + 5 + 8;
    g_assert_cmpuint(b->len, ==, dec_at + 4);
    g_assert_cmpuint(b->data[dec_at], ==, 17);
    GError *error = NULL;
    SimReport *ok = replay_exact(b->data, b->len, &error);
    g_assert_no_error(error);
    g_assert_cmpint(sim_report_lookup(ok, "d")->decimals, ==, 17);
    sim_report_free(ok);
    const guint32 bad[] = {18, 1000000, 0x80000000, UINT32_MAX};
    for (guint k = 0; k < G_N_ELEMENTS(bad); k++) {
        guint32 le = GUINT32_TO_LE(bad[k]);
        memcpy(b->data + dec_at, &le, 4);
        SimReport *r = replay_exact(b->data, b->len, &error);
        g_assert_null(r); /* json-writer.h prints 0..17 decimals: more would abort the summary */
        g_assert_nonnull(error);
        g_clear_error(&error);
    }
    sim_report_free(orig);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/report-wire/round-trip", test_round_trip);
    g_test_add_func("/report-wire/deep-nesting-round-trip", test_deep_nesting_round_trip);
    g_test_add_func("/report-wire/two-parts", test_two_parts);
    g_test_add_func("/report-wire/into-section", test_into_section);
    g_test_add_func("/report-wire/truncated", test_truncated);
    g_test_add_func("/report-wire/hostile", test_hostile);
    g_test_add_func("/report-wire/nesting-refused", test_nesting_refused);
    g_test_add_func("/report-wire/mutations", test_mutations);
    g_test_add_func("/report-wire/bad-decimals", test_bad_decimals);
    return g_test_run();
}
