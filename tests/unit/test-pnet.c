/* test-pnet.c: the PNET codec (protocols/pnet/pnet.h).
 *
 * Round trip of every attribute; every truncation of a full message fails with an error (the
 * header's attributes length makes a cut at a TLV boundary visible too); a few hand-made bad
 * messages (duplicate TLV, wrong fixed length, enum off the table, bad IMSI, trailing byte, bad
 * magic/version/reserved); unknown TLVs skipped; 10,000 random mutations decode or fail cleanly
 * (run under ASan by make test-asan).
 */
#include "protocols/pnet/pnet.h"
#include <string.h>

static void fill_full(PnetMsg *m)
{
    pnet_msg_init(m);
    m->type = PNET_TYPE_NETWORK_REPORT;
    m->role = PNET_ROLE_GMLC;
    m->seq = 0xA1B2C3D4u;
    m->imsi = g_strdup("001010123456789");
    m->impu = g_strdup("sip:alice@home.example.net");
    m->cell = g_strdup("262-01-4711-0042");
    m->apn = g_strdup("internet.home.example.net");
    m->activity = g_strdup("meeting");
    m->note = g_strdup("Team meeting, room 3 \xc3\xa9");
    m->method = g_strdup("A-GPS");
    m->state = PNET_STATE_ROAMING;
    m->call = PNET_CALL_ACTIVE;
    m->pdp = PNET_PDP_INACTIVE;
    m->has_location = TRUE;
    m->lat_micro = -33868820;
    m->lon_micro = 151209296;
    m->has_timestamp = TRUE;
    m->timestamp_ns = 12345678901234;
}

static void test_round_trip(void)
{
    PnetMsg m, d;
    fill_full(&m);
    GError *err = NULL;
    size_t len = 0;
    g_autofree uint8_t *buf = pnet_msg_encode(&m, &len, &err);
    g_assert_no_error(err);
    g_assert_cmpmem(buf, 4, "PNET", 4);
    g_assert_cmpuint(buf[4], ==, 1);
    g_assert_cmpuint(len, ==, PNET_HEADER_LEN + ((size_t)buf[12] << 8 | buf[13]));
    g_assert_true(pnet_msg_decode(buf, len, &d, &err));
    g_assert_no_error(err);
    g_assert_cmpint(d.type, ==, m.type);
    g_assert_cmpint(d.role, ==, m.role);
    g_assert_cmpuint(d.seq, ==, m.seq);
    g_assert_cmpstr(d.imsi, ==, m.imsi);
    g_assert_cmpstr(d.impu, ==, m.impu);
    g_assert_cmpstr(d.cell, ==, m.cell);
    g_assert_cmpstr(d.apn, ==, m.apn);
    g_assert_cmpstr(d.activity, ==, m.activity);
    g_assert_cmpstr(d.note, ==, m.note);
    g_assert_cmpstr(d.method, ==, m.method);
    g_assert_cmpint(d.state, ==, m.state);
    g_assert_cmpint(d.call, ==, m.call);
    g_assert_cmpint(d.pdp, ==, m.pdp);
    g_assert_true(d.has_location);
    g_assert_cmpint(d.lat_micro, ==, m.lat_micro);
    g_assert_cmpint(d.lon_micro, ==, m.lon_micro);
    g_assert_true(d.has_timestamp);
    g_assert_cmpint(d.timestamp_ns, ==, m.timestamp_ns);
    g_assert_cmpuint(d.unknown_attrs, ==, 0);
    pnet_msg_clear(&d);

    /* the minimal message: header only */
    PnetMsg e;
    pnet_msg_init(&e);
    e.type = PNET_TYPE_EXTERNAL_REPORT;
    e.role = PNET_ROLE_EXTERNAL;
    g_autofree uint8_t *small = pnet_msg_encode(&e, &len, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(len, ==, PNET_HEADER_LEN);
    g_assert_true(pnet_msg_decode(small, len, &d, &err));
    g_assert_null(d.impu);
    g_assert_false(d.has_location);
    g_assert_cmpint(d.role, ==, PNET_ROLE_EXTERNAL);
    pnet_msg_clear(&d);
    pnet_msg_clear(&m);

    g_assert_cmpint(pnet_micro_degrees(-33.86882), ==, -33868820);
    g_assert_cmpfloat_with_epsilon(pnet_degrees(151209296), 151.209296, 1e-9);
    g_assert_cmpint(pnet_state_parse("roaming"), ==, PNET_STATE_ROAMING);
    g_assert_cmpint(pnet_call_parse("nope"), ==, PNET_CALL_NONE);
    g_assert_cmpstr(pnet_role_ref_point(PNET_ROLE_HSS), ==, "Ph");
    g_assert_cmpstr(pnet_role_name(99), ==, "?");
}

static void test_encode_rejects(void)
{
    PnetMsg m;
    fill_full(&m);
    GError *err = NULL;
    g_free(m.imsi);
    m.imsi = g_strdup("12ab5678");
    g_assert_null(pnet_msg_encode(&m, NULL, &err));
    g_assert_error(err, PNET_ERROR, PNET_ERROR_ENCODE);
    g_clear_error(&err);
    g_clear_pointer(&m.imsi, g_free);
    m.lat_micro = 90000001;
    g_assert_null(pnet_msg_encode(&m, NULL, &err));
    g_clear_error(&err);
    m.lat_micro = 0;
    g_free(m.note);
    m.note = g_malloc(300);
    memset(m.note, 'x', 299);
    m.note[299] = 0;
    g_assert_null(pnet_msg_encode(&m, NULL, &err));
    g_clear_error(&err);
    pnet_msg_clear(&m);
}

static void test_every_truncation(void)
{
    PnetMsg m, d;
    fill_full(&m);
    size_t len;
    g_autofree uint8_t *buf = pnet_msg_encode(&m, &len, NULL);
    pnet_msg_clear(&m);
    for (size_t cut = 0; cut < len; cut++) {
        GError *err = NULL;
        uint8_t *copy = g_memdup2(buf, cut); /* exact size: ASan catches any over-read */
        g_assert_false(pnet_msg_decode(copy, cut, &d, &err));
        g_assert_error(err, PNET_ERROR, PNET_ERROR_TRUNCATED);
        g_assert_null(d.impu); /* cleared on failure */
        g_error_free(err);
        g_free(copy);
    }
}

/* Header + the given attribute bytes, with the right attributes length. */
static GByteArray *raw(const uint8_t *attrs, size_t n)
{
    GByteArray *b = g_byte_array_new();
    const uint8_t h[PNET_HEADER_LEN] = {'P', 'N', 'E', 'T', 1, 1, 1, 0, 0, 0, 0, 7, (uint8_t)(n >> 8), (uint8_t)n};
    g_byte_array_append(b, h, sizeof h);
    g_byte_array_append(b, attrs, (guint)n);
    return b;
}

static void expect(const uint8_t *attrs, size_t n, gboolean ok, int code)
{
    GByteArray *b = raw(attrs, n);
    PnetMsg d;
    GError *err = NULL;
    gboolean r = pnet_msg_decode(b->data, b->len, &d, &err);
    g_assert_cmpint(r, ==, ok);
    if (!ok)
        g_assert_error(err, PNET_ERROR, code);
    g_clear_error(&err);
    pnet_msg_clear(&d);
    g_byte_array_unref(b);
}

static void test_bad_messages(void)
{
    const uint8_t state_ok[] = {3, 0, 1, 1};
    expect(state_ok, sizeof state_ok, TRUE, 0);
    const uint8_t dup[] = {3, 0, 1, 1, 3, 0, 1, 2};
    expect(dup, sizeof dup, FALSE, PNET_ERROR_INVALID);
    const uint8_t state_long[] = {3, 0, 2, 1, 0};
    expect(state_long, sizeof state_long, FALSE, PNET_ERROR_INVALID);
    const uint8_t state_off[] = {3, 0, 1, 9};
    expect(state_off, sizeof state_off, FALSE, PNET_ERROR_INVALID);
    const uint8_t imsi_bad[] = {1, 0, 6, '1', '2', '3', 'x', '5', '6'};
    expect(imsi_bad, sizeof imsi_bad, FALSE, PNET_ERROR_INVALID);
    const uint8_t empty_str[] = {2, 0, 0};
    expect(empty_str, sizeof empty_str, FALSE, PNET_ERROR_INVALID);
    const uint8_t nul_str[] = {10, 0, 3, 'a', 0, 'b'};
    expect(nul_str, sizeof nul_str, FALSE, PNET_ERROR_INVALID);
    const uint8_t bad_utf8[] = {10, 0, 2, 0xc3, 0x28};
    expect(bad_utf8, sizeof bad_utf8, FALSE, PNET_ERROR_INVALID);
    const uint8_t loc_off[] = {8, 0, 8, 0x10, 0, 0, 0, 0, 0, 0, 0}; /* latitude 268 degrees */
    expect(loc_off, sizeof loc_off, FALSE, PNET_ERROR_INVALID);
    const uint8_t unknown[] = {200, 0, 2, 0xff, 0xff, 0, 0, 0, 3, 0, 1, 2}; /* types 200 and 0 skipped */
    expect(unknown, sizeof unknown, TRUE, 0);
    {
        GByteArray *b = raw(unknown, sizeof unknown);
        PnetMsg d;
        g_assert_true(pnet_msg_decode(b->data, b->len, &d, NULL));
        g_assert_cmpuint(d.unknown_attrs, ==, 2);
        g_assert_cmpint(d.state, ==, PNET_STATE_DETACHED);
        pnet_msg_clear(&d);
        /* trailing byte beyond the attributes length */
        g_byte_array_append(b, (const uint8_t *)"z", 1);
        GError *err = NULL;
        g_assert_false(pnet_msg_decode(b->data, b->len, &d, &err));
        g_assert_error(err, PNET_ERROR, PNET_ERROR_INVALID);
        g_clear_error(&err);
        b->data[0] = 'Q';
        g_assert_false(pnet_msg_decode(b->data, b->len - 1, &d, &err));
        g_assert_error(err, PNET_ERROR, PNET_ERROR_MAGIC);
        g_clear_error(&err);
        b->data[0] = 'P';
        b->data[4] = 2;
        g_assert_false(pnet_msg_decode(b->data, b->len - 1, &d, &err));
        g_assert_error(err, PNET_ERROR, PNET_ERROR_MAGIC);
        g_clear_error(&err);
        b->data[4] = 1;
        b->data[7] = 1;
        g_assert_false(pnet_msg_decode(b->data, b->len - 1, &d, &err));
        g_assert_error(err, PNET_ERROR, PNET_ERROR_MAGIC);
        g_clear_error(&err);
        b->data[7] = 0;
        b->data[6] = 7; /* role off the table */
        g_assert_false(pnet_msg_decode(b->data, b->len - 1, &d, &err));
        g_assert_error(err, PNET_ERROR, PNET_ERROR_INVALID);
        g_clear_error(&err);
        g_byte_array_unref(b);
    }
}

/* 10,000 random mutations (byte flips, insertions, deletions, length fields set to extremes) of a
 * full message: each decodes or fails with an error, never reads out of bounds, and what decodes
 * re-encodes. Fixed seed: the same mutations every run. */
static void test_fuzz(void)
{
    PnetMsg m;
    fill_full(&m);
    size_t len;
    g_autofree uint8_t *base = pnet_msg_encode(&m, &len, NULL);
    pnet_msg_clear(&m);
    GRand *r = g_rand_new_with_seed(7460);
    guint decoded = 0;
    for (int i = 0; i < 10000; i++) {
        GByteArray *b = g_byte_array_new();
        g_byte_array_append(b, base, (guint)len);
        int n = g_rand_int_range(r, 1, 6);
        for (int k = 0; k < n; k++) {
            guint pos = b->len ? (guint)g_rand_int_range(r, 0, (gint32)b->len) : 0;
            switch (g_rand_int_range(r, 0, 5)) {
            case 0:
                if (b->len)
                    b->data[pos] ^= (uint8_t)(1u << g_rand_int_range(r, 0, 8));
                break;
            case 1:
                if (b->len)
                    b->data[pos] = (uint8_t)g_rand_int_range(r, 0, 256);
                break;
            case 2: {
                uint8_t x = (uint8_t)g_rand_int_range(r, 0, 256);
                g_byte_array_append(b, &x, 1); /* then move it to POS */
                memmove(b->data + pos + 1, b->data + pos, b->len - 1 - pos);
                b->data[pos] = x;
                break;
            }
            case 3:
                if (b->len) {
                    guint cut = (guint)g_rand_int_range(r, 1, 9);
                    g_byte_array_remove_range(b, pos, MIN(b->len - pos, cut));
                }
                break;
            default:
                if (b->len >= 2 && pos + 1 < b->len) {
                    uint16_t v = g_rand_boolean(r) ? 0xffff : 0;
                    b->data[pos] = (uint8_t)(v >> 8);
                    b->data[pos + 1] = (uint8_t)v;
                }
            }
        }
        uint8_t *exact = g_memdup2(b->data, b->len);
        PnetMsg d;
        GError *err = NULL;
        if (pnet_msg_decode(exact, b->len, &d, &err)) {
            decoded++;
            size_t l2;
            uint8_t *again = pnet_msg_encode(&d, &l2, NULL);
            g_assert_nonnull(again); /* anything the decoder accepts is encodable */
            g_free(again);
            pnet_msg_clear(&d);
        } else {
            g_assert_nonnull(err);
            g_assert_null(d.impu);
            g_error_free(err);
        }
        g_free(exact);
        g_byte_array_unref(b);
    }
    g_rand_free(r);
    g_test_message("%u of 10000 mutations decoded", decoded);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pnet/round-trip", test_round_trip);
    g_test_add_func("/pnet/encode-rejects", test_encode_rejects);
    g_test_add_func("/pnet/every-truncation", test_every_truncation);
    g_test_add_func("/pnet/bad-messages", test_bad_messages);
    g_test_add_func("/pnet/fuzz", test_fuzz);
    return g_test_run();
}
