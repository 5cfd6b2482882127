/* test-sim-packet.c: packet buffers (sim-packet.h): push/pull/put/trim, growth, sharing.
 *
 * Growth is checked by content, never by pointer: after a reallocation the data must be the same
 * bytes in the same order, and sim_packet_reallocs() must have counted it (benchmarks rely on that
 * count to show a layer that reserves too little headroom). Leaks and stale pointers are left to the
 * sanitizer build (PRESIM_SANITIZE).
 */
#include "sim-core/sim-packet.h"
#include <glib.h>
#include <string.h>

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(seed + i * 7);
}

static void assert_pattern(const uint8_t *p, size_t n, uint8_t seed)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != (uint8_t)(seed + i * 7))
            g_error("byte %zu is %u, want %u", i, p[i], (uint8_t)(seed + i * 7));
}

static void test_new(void)
{
    uint8_t payload[100];
    fill(payload, sizeof payload, 1);
    SimPacket *p = sim_packet_new(payload, sizeof payload, 64);
    g_assert_cmpuint(sim_packet_len(p), ==, 100);
    g_assert_cmpuint(sim_packet_headroom(p), ==, 64);
    g_assert_cmpint(p->refcount, ==, 1);
    g_assert_cmpmem(sim_packet_data(p), 100, payload, 100);
    memset(payload, 0, sizeof payload); /* it is a copy */
    assert_pattern(sim_packet_data(p), 100, 1);
    sim_packet_unref(p);

    p = sim_packet_new(NULL, 0, SIM_PACKET_HEADROOM);
    g_assert_cmpuint(sim_packet_len(p), ==, 0);
    g_assert_cmpuint(sim_packet_headroom(p), ==, SIM_PACKET_HEADROOM);
    sim_packet_unref(p);

    /* An empty packet takes CAPACITY bytes after the headroom without growing. */
    uint64_t before = sim_packet_reallocs();
    p = sim_packet_new_empty(40, 1500);
    g_assert_cmpuint(sim_packet_len(p), ==, 0);
    g_assert_cmpuint(sim_packet_headroom(p), ==, 40);
    fill(sim_packet_put(p, 1000), 1000, 2);
    fill(sim_packet_put(p, 500), 500, (uint8_t)(2 + 1000 * 7));
    fill(sim_packet_push(p, 40), 40, (uint8_t)(2 - 40 * 7));
    g_assert_cmpuint(sim_packet_reallocs(), ==, before);
    g_assert_cmpuint(sim_packet_len(p), ==, 1540);
    g_assert_cmpuint(sim_packet_headroom(p), ==, 0);
    assert_pattern(sim_packet_data(p), 1540, (uint8_t)(2 - 40 * 7));
    sim_packet_unref(p);
    sim_packet_unref(NULL);
}

static void test_push_pull(void)
{
    uint8_t payload[200];
    fill(payload, sizeof payload, 3);
    uint64_t before = sim_packet_reallocs();
    SimPacket *p = sim_packet_new(payload, sizeof payload, 100);

    /* push returns the new first bytes; the payload stays behind them. */
    uint8_t *h = sim_packet_push(p, 20);
    g_assert_true(h == sim_packet_data(p));
    memset(h, 0xee, 20);
    g_assert_cmpuint(sim_packet_len(p), ==, 220);
    g_assert_cmpuint(sim_packet_headroom(p), ==, 80);
    g_assert_cmpmem(sim_packet_data(p) + 20, 200, payload, 200);
    g_assert_cmpuint(sim_packet_reallocs(), ==, before);

    /* pull returns what it removed. */
    uint8_t *removed = sim_packet_pull(p, 20);
    g_assert_nonnull(removed);
    for (int i = 0; i < 20; i++)
        g_assert_cmpuint(removed[i], ==, 0xee);
    g_assert_cmpuint(sim_packet_len(p), ==, 200);
    g_assert_cmpuint(sim_packet_headroom(p), ==, 100);
    g_assert_cmpmem(sim_packet_data(p), 200, payload, 200);

    /* Beyond the length: NULL and nothing changes. */
    g_assert_null(sim_packet_pull(p, 201));
    g_assert_null(sim_packet_pull(p, G_MAXSIZE));
    g_assert_cmpuint(sim_packet_len(p), ==, 200);
    g_assert_cmpuint(sim_packet_headroom(p), ==, 100);
    g_assert_cmpmem(sim_packet_data(p), 200, payload, 200);

    /* Zero bytes, then exactly all of it. */
    g_assert_true(sim_packet_pull(p, 0) == sim_packet_data(p));
    removed = sim_packet_pull(p, 200);
    g_assert_nonnull(removed);
    g_assert_cmpmem(removed, 200, payload, 200);
    g_assert_cmpuint(sim_packet_len(p), ==, 0);
    g_assert_null(sim_packet_pull(p, 1));
    sim_packet_unref(p);
}

/* Pushing past the headroom reallocates, keeps the data and leaves the packet usable. */
static void test_push_beyond_headroom(void)
{
    uint8_t payload[300];
    fill(payload, sizeof payload, 5);
    SimPacket *p = sim_packet_new(payload, sizeof payload, 8);
    uint64_t before = sim_packet_reallocs();

    uint8_t *h = sim_packet_push(p, 8); /* exactly the headroom: no growth */
    memset(h, 0x11, 8);
    g_assert_cmpuint(sim_packet_reallocs(), ==, before);
    g_assert_cmpuint(sim_packet_headroom(p), ==, 0);

    h = sim_packet_push(p, 40); /* beyond it */
    g_assert_cmpuint(sim_packet_reallocs(), ==, before + 1);
    g_assert_true(h == sim_packet_data(p));
    memset(h, 0x22, 40);
    g_assert_cmpuint(sim_packet_len(p), ==, 348);
    const uint8_t *d = sim_packet_data(p);
    for (int i = 0; i < 40; i++)
        g_assert_cmpuint(d[i], ==, 0x22);
    for (int i = 40; i < 48; i++)
        g_assert_cmpuint(d[i], ==, 0x11);
    g_assert_cmpmem(d + 48, 300, payload, 300);

    /* Much more than the standard headroom at once. */
    h = sim_packet_push(p, 4000);
    g_assert_cmpuint(sim_packet_reallocs(), ==, before + 2);
    memset(h, 0x33, 4000);
    g_assert_cmpuint(sim_packet_len(p), ==, 4348);
    g_assert_cmpmem(sim_packet_data(p) + 4048, 300, payload, 300);

    /* The tail still works after growing at the front. */
    fill(sim_packet_put(p, 10), 10, 9);
    assert_pattern(sim_packet_data(p) + 4348, 10, 9);
    g_assert_cmpmem(sim_packet_data(p) + 4048, 300, payload, 300);

    /* And the front can be peeled off again, layer by layer. */
    g_assert_nonnull(sim_packet_pull(p, 4000));
    uint8_t *l2 = sim_packet_pull(p, 40);
    g_assert_nonnull(l2);
    g_assert_cmpuint(l2[0], ==, 0x22);
    g_assert_cmpuint(l2[39], ==, 0x22);
    g_assert_nonnull(sim_packet_pull(p, 8));
    g_assert_cmpmem(sim_packet_data(p), 300, payload, 300);
    sim_packet_unref(p);
}

static void test_put_trim(void)
{
    SimPacket *p = sim_packet_new(NULL, 0, 16);
    uint64_t before = sim_packet_reallocs();
    /* Grow the tail far past the initial capacity, in uneven steps. */
    size_t total = 0;
    for (int step = 1; total < 20000; step = step * 3 + 1) {
        uint8_t *t = sim_packet_put(p, (size_t)step);
        g_assert_true(t == sim_packet_data(p) + total);
        for (int i = 0; i < step; i++)
            t[i] = (uint8_t)(total + (size_t)i);
        total += (size_t)step;
        g_assert_cmpuint(sim_packet_len(p), ==, total);
    }
    g_assert_cmpuint(sim_packet_reallocs(), >, before); /* tail growth is counted too */
    g_assert_cmpuint(sim_packet_headroom(p), ==, 16);
    for (size_t i = 0; i < total; i++)
        g_assert_cmpuint(sim_packet_data(p)[i], ==, (uint8_t)i);

    sim_packet_trim(p, 100);
    g_assert_cmpuint(sim_packet_len(p), ==, 100);
    sim_packet_trim(p, 5000); /* longer: no-op */
    g_assert_cmpuint(sim_packet_len(p), ==, 100);
    sim_packet_trim(p, 100);
    g_assert_cmpuint(sim_packet_len(p), ==, 100);
    for (size_t i = 0; i < 100; i++)
        g_assert_cmpuint(sim_packet_data(p)[i], ==, (uint8_t)i);
    /* Put after trim appends right after the kept bytes. */
    uint8_t *t = sim_packet_put(p, 1);
    g_assert_true(t == sim_packet_data(p) + 100);
    sim_packet_trim(p, 0);
    g_assert_cmpuint(sim_packet_len(p), ==, 0);
    g_assert_null(sim_packet_pull(p, 1));
    sim_packet_unref(p);
}

static void test_ref_writable(void)
{
    uint8_t payload[64];
    fill(payload, sizeof payload, 7);
    SimPacket *p = sim_packet_new(payload, sizeof payload, 48);
    p->uid = 4242;

    /* Sole owner: make_writable gives the same packet back, no copy. */
    SimPacket *w = sim_packet_make_writable(p);
    g_assert_true(w == p);
    g_assert_cmpint(p->refcount, ==, 1);

    /* Shared: a private copy, and the other holder still sees the original bytes. */
    SimPacket *other = sim_packet_ref(p);
    g_assert_true(other == p);
    g_assert_cmpint(p->refcount, ==, 2);
    w = sim_packet_make_writable(p); /* drops the reference held through p */
    g_assert_true(w != other);
    g_assert_cmpint(other->refcount, ==, 1);
    g_assert_cmpint(w->refcount, ==, 1);
    g_assert_cmpuint(w->uid, ==, 4242);
    g_assert_cmpuint(sim_packet_len(w), ==, 64);
    g_assert_cmpuint(sim_packet_headroom(w), ==, 48);
    g_assert_true(sim_packet_data(w) != sim_packet_data(other));
    memset(sim_packet_data(w), 0, 64);
    memset(sim_packet_push(w, 10), 0xab, 10);
    assert_pattern(sim_packet_data(other), 64, 7);
    g_assert_cmpuint(sim_packet_len(other), ==, 64);
    sim_packet_unref(w);

    /* Now the remaining holder is alone again. */
    g_assert_true(sim_packet_make_writable(other) == other);

    /* A copy is deep and keeps headroom and uid. */
    SimPacket *c = sim_packet_copy(other);
    g_assert_true(c != other);
    g_assert_cmpint(c->refcount, ==, 1);
    g_assert_cmpuint(c->uid, ==, 4242);
    g_assert_cmpuint(sim_packet_headroom(c), ==, 48);
    g_assert_cmpmem(sim_packet_data(c), 64, sim_packet_data(other), 64);
    sim_packet_data(c)[0] ^= 0xff;
    assert_pattern(sim_packet_data(other), 64, 7);
    sim_packet_unref(c);

    /* Several references: the buffer lives until the last unref. */
    for (int i = 0; i < 5; i++)
        sim_packet_ref(other);
    g_assert_cmpint(other->refcount, ==, 6);
    for (int i = 0; i < 5; i++)
        sim_packet_unref(other);
    g_assert_cmpint(other->refcount, ==, 1);
    assert_pattern(sim_packet_data(other), 64, 7);
    sim_packet_unref(other);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sim-packet/new", test_new);
    g_test_add_func("/sim-packet/push-pull", test_push_pull);
    g_test_add_func("/sim-packet/push-beyond-headroom", test_push_beyond_headroom);
    g_test_add_func("/sim-packet/put-trim", test_put_trim);
    g_test_add_func("/sim-packet/ref-writable", test_ref_writable);
    return g_test_run();
}
