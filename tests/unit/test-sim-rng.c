/* test-sim-rng.c: named deterministic random streams (sim-rng.h).
 *
 * Reproducibility first: a stream is a function of (seed, name) only, not of what else was created
 * or drawn. Then the distributions, with loose bounds: the seeds are fixed, so these tests either
 * always pass or always fail; the bounds are there to catch a wrong formula, not bad luck.
 */
#include "sim-core/sim-rng.h"
#include <glib.h>
#include <math.h>
#include <string.h>

#define N_SEQ 64

static void draw(SimRng *rng, uint64_t *out, int n)
{
    for (int i = 0; i < n; i++)
        out[i] = sim_rng_uint64(rng);
}

static void sequence(uint64_t seed, const char *name, uint64_t out[N_SEQ])
{
    SimRng *rng = sim_rng_new(seed, name);
    draw(rng, out, N_SEQ);
    sim_rng_free(rng);
}

/* ---------------------------------------------------------------- reproducibility */

/* The first values of one stream, pinned. They were cross-checked outside presim (SHA-256 of the
 * seed as 8 little-endian bytes followed by the name, as eight little-endian 32-bit words, seeding
 * the reference MT19937 init_by_array). CHANGING THESE NUMBERS BREAKS THE REPRODUCIBILITY OF EVERY
 * PUBLISHED RESULT: a scenario run with the same seed would no longer give the same packets, losses
 * and timings. Do not update them to make a change pass; the change is what is wrong. */
static void test_golden(void)
{
    SimRng *rng = sim_rng_new(1, "node:a");
    g_assert_cmphex(sim_rng_uint32(rng), ==, 0xb206897d);
    g_assert_cmphex(sim_rng_uint32(rng), ==, 0x185bc66f);
    g_assert_cmphex(sim_rng_uint32(rng), ==, 0x0fec949c);
    sim_rng_free(rng);

    /* The wider draws are built from the same words, high word first. */
    rng = sim_rng_new(1, "node:a");
    g_assert_cmphex(sim_rng_uint64(rng), ==, G_GUINT64_CONSTANT(0xb206897d185bc66f));
    sim_rng_free(rng);
    rng = sim_rng_new(1, "node:a");
    g_assert_cmpfloat(sim_rng_double(rng), ==, 0.6954122476966935); /* (that >> 11) / 2^53 */
    sim_rng_free(rng);
}

static void test_same_seed_same_sequence(void)
{
    uint64_t a[N_SEQ], b[N_SEQ];
    sequence(1, "node:a", a);
    sequence(1, "node:a", b);
    g_assert_cmpmem(a, sizeof a, b, sizeof b);
    sequence(G_MAXUINT64, "link:a-r:loss:a>r", a);
    sequence(G_MAXUINT64, "link:a-r:loss:a>r", b);
    g_assert_cmpmem(a, sizeof a, b, sizeof b);
}

static gboolean sequences_differ(uint64_t s1, const char *n1, uint64_t s2, const char *n2)
{
    uint64_t a[N_SEQ], b[N_SEQ];
    sequence(s1, n1, a);
    sequence(s2, n2, b);
    /* Different in every position, not merely somewhere. */
    for (int i = 0; i < N_SEQ; i++)
        if (a[i] == b[i])
            return FALSE;
    return TRUE;
}

static void test_different_streams(void)
{
    /* Names. */
    g_assert_true(sequences_differ(1, "node:a", 1, "node:b"));
    g_assert_true(sequences_differ(1, "node:a", 1, "node:a:x"));
    g_assert_true(sequences_differ(1, "node:a", 1, "node:A"));
    g_assert_true(sequences_differ(1, "", 1, "node:a"));
    /* Seeds: every byte of the 64-bit seed counts. */
    g_assert_true(sequences_differ(1, "node:a", 2, "node:a"));
    g_assert_true(sequences_differ(0, "node:a", 1, "node:a"));
    g_assert_true(sequences_differ(1, "node:a", G_GUINT64_CONSTANT(1) << 32 | 1, "node:a"));
    g_assert_true(sequences_differ(0, "node:a", G_GUINT64_CONSTANT(1) << 63, "node:a"));
    g_assert_true(sequences_differ(0, "x", G_GUINT64_CONSTANT(1) << 56, "x"));
}

/* Streams are derived by name: creating others, in any order, and drawing from them in between does
 * not move a stream by a single number. */
static void test_independent_of_others(void)
{
    uint64_t ref_a[N_SEQ], ref_b[N_SEQ];
    sequence(7, "node:ue1", ref_a);
    sequence(7, "link:ue1-pcscf", ref_b);

    SimRng *x = sim_rng_new(7, "node:pcscf");
    uint64_t junk[N_SEQ];
    draw(x, junk, 10);
    SimRng *b = sim_rng_new(7, "link:ue1-pcscf"); /* created before a this time */
    SimRng *a = sim_rng_new(7, "node:ue1");
    uint64_t got_a[N_SEQ], got_b[N_SEQ];
    for (int i = 0; i < N_SEQ; i++) {
        got_a[i] = sim_rng_uint64(a);
        if (i % 3 == 0) {
            SimRng *tmp = sim_rng_new(7, "node:extra");
            draw(tmp, junk, 5);
            sim_rng_free(tmp);
        }
        draw(x, junk, 3);
        got_b[i] = sim_rng_uint64(b);
    }
    g_assert_cmpmem(got_a, sizeof got_a, ref_a, sizeof ref_a);
    g_assert_cmpmem(got_b, sizeof got_b, ref_b, sizeof ref_b);
    sim_rng_free(a);
    sim_rng_free(b);
    sim_rng_free(x);
}

/* ---------------------------------------------------------------- distributions */

static void test_range(void)
{
    SimRng *rng = sim_rng_new(11, "test:range");
    /* Bounds are inclusive and respected, including at the extremes of int64. */
    static const int64_t spans[][2] = {
        {0, 9}, {-3, 3}, {5, 5}, {-1, 0}, {G_MININT64, G_MININT64 + 2}, {G_MAXINT64 - 2, G_MAXINT64},
        {G_MININT64, G_MAXINT64}, {0, G_MAXINT64}, {G_MININT64, -1}, {-1000000007, 1000000007},
    };
    for (gsize s = 0; s < G_N_ELEMENTS(spans); s++) {
        int64_t lo = spans[s][0], hi = spans[s][1];
        gboolean seen_lo = FALSE, seen_hi = FALSE;
        for (int i = 0; i < 2000; i++) {
            int64_t v = sim_rng_range(rng, lo, hi);
            g_assert_cmpint(v, >=, lo);
            g_assert_cmpint(v, <=, hi);
            seen_lo |= v == lo;
            seen_hi |= v == hi;
        }
        if ((uint64_t)hi - (uint64_t)lo < 10) {
            g_assert_true(seen_lo);
            g_assert_true(seen_hi);
        }
    }
    /* The whole int64 range reaches both signs. */
    int neg = 0;
    for (int i = 0; i < 1000; i++)
        neg += sim_rng_range(rng, G_MININT64, G_MAXINT64) < 0;
    g_assert_cmpint(neg, >, 400);
    g_assert_cmpint(neg, <, 600);
    sim_rng_free(rng);
}

/* Chi-square over 10 bins: with 9 degrees of freedom, 40 is exceeded with probability ~1e-5. */
static void test_range_uniform(void)
{
    SimRng *rng = sim_rng_new(12, "test:uniform");
    enum { BINS = 10, N = 200000 };
    int count[BINS] = {0};
    for (int i = 0; i < N; i++)
        count[sim_rng_range(rng, 0, BINS - 1)]++;
    double chi2 = 0;
    for (int k = 0; k < BINS; k++) {
        double d = count[k] - (double)N / BINS;
        chi2 += d * d / ((double)N / BINS);
    }
    g_test_message("chi-square over %d bins: %.2f", BINS, chi2);
    g_assert_cmpfloat(chi2, <, 40);

    /* A span that does not divide 2^64 (3 * 2^61): reducing a 64-bit draw modulo it without
     * rejection would give its thirds probabilities 3/8, 3/8, 2/8 instead of 1/3 each. */
    const int64_t third = (int64_t)1 << 61;
    int thirds[3] = {0};
    for (int i = 0; i < 60000; i++)
        thirds[sim_rng_range(rng, 0, 3 * third - 1) / third]++;
    for (int k = 0; k < 3; k++)
        g_assert_cmpfloat(fabs(thirds[k] / 60000.0 - 1.0 / 3), <, 0.015);
    sim_rng_free(rng);
}

static void test_double(void)
{
    SimRng *rng = sim_rng_new(13, "test:double");
    double min = 1, max = 0, sum = 0;
    int below_tenth = 0;
    for (int i = 0; i < 1000000; i++) {
        double u = sim_rng_double(rng);
        g_assert_true(u >= 0.0 && u < 1.0);
        min = MIN(min, u);
        max = MAX(max, u);
        sum += u;
        below_tenth += u < 0.1;
    }
    g_assert_cmpfloat(min, <, 1e-5);
    g_assert_cmpfloat(max, >, 1 - 1e-5);
    g_assert_cmpfloat(fabs(sum / 1e6 - 0.5), <, 0.002);
    g_assert_cmpfloat(fabs(below_tenth / 1e6 - 0.1), <, 0.002);
    sim_rng_free(rng);
}

static void test_exponential(void)
{
    SimRng *rng = sim_rng_new(14, "test:exp");
    static const double means[] = {1.0, 100.0, 0.001};
    for (gsize m = 0; m < G_N_ELEMENTS(means); m++) {
        double sum = 0;
        int above_mean = 0;
        for (int i = 0; i < 1000000; i++) {
            double x = sim_rng_exponential(rng, means[m]);
            g_assert_true(isfinite(x) && x >= 0);
            sum += x;
            above_mean += x > means[m];
        }
        double mean = sum / 1e6;
        g_test_message("mean %g: measured %g", means[m], mean);
        g_assert_cmpfloat(fabs(mean / means[m] - 1), <, 0.02);
        /* The shape, not only the mean: P(X > mean) = 1/e. */
        g_assert_cmpfloat(fabs(above_mean / 1e6 - exp(-1)), <, 0.005);
    }
    sim_rng_free(rng);
}

static void test_bernoulli(void)
{
    SimRng *rng = sim_rng_new(15, "test:bernoulli");
    int hits = 0;
    for (int i = 0; i < 1000000; i++)
        hits += sim_rng_bernoulli(rng, 0.1) ? 1 : 0;
    /* The standard deviation of the frequency is 0.0003; allow ten of them. */
    g_assert_cmpfloat(fabs(hits / 1e6 - 0.1), <, 0.003);
    for (int i = 0; i < 10000; i++) {
        g_assert_false(sim_rng_bernoulli(rng, 0.0));
        g_assert_true(sim_rng_bernoulli(rng, 1.0));
    }
    sim_rng_free(rng);

    /* One draw whatever p is: turning a loss rate up or down never shifts later decisions. */
    static const double ps[] = {0.0, 0.1, 0.5, 1.0};
    uint64_t ref[8];
    SimRng *r0 = sim_rng_new(16, "link:x:loss");
    for (int i = 0; i < 5; i++)
        sim_rng_bernoulli(r0, 0.3);
    draw(r0, ref, 8);
    sim_rng_free(r0);
    for (gsize k = 0; k < G_N_ELEMENTS(ps); k++) {
        uint64_t got[8];
        SimRng *r = sim_rng_new(16, "link:x:loss");
        for (int i = 0; i < 5; i++)
            sim_rng_bernoulli(r, ps[k]);
        draw(r, got, 8);
        g_assert_cmpmem(got, sizeof got, ref, sizeof ref);
        sim_rng_free(r);
    }
}

static void test_bytes(void)
{
    SimRng *a = sim_rng_new(17, "test:bytes"), *b = sim_rng_new(17, "test:bytes");
    uint8_t buf[7];
    sim_rng_bytes(a, buf, sizeof buf);
    uint32_t w0 = sim_rng_uint32(b), w1 = sim_rng_uint32(b);
    const uint8_t want[7] = {(uint8_t)w0, (uint8_t)(w0 >> 8), (uint8_t)(w0 >> 16), (uint8_t)(w0 >> 24),
                             (uint8_t)w1, (uint8_t)(w1 >> 8), (uint8_t)(w1 >> 16)};
    g_assert_cmpmem(buf, sizeof buf, want, sizeof want);
    /* Both streams have used two words. */
    g_assert_cmpuint(sim_rng_uint32(a), ==, sim_rng_uint32(b));
    sim_rng_bytes(a, buf, 0);
    g_assert_cmpuint(sim_rng_uint32(a), ==, sim_rng_uint32(b));
    sim_rng_free(a);
    sim_rng_free(b);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sim-rng/golden", test_golden);
    g_test_add_func("/sim-rng/same-seed-same-sequence", test_same_seed_same_sequence);
    g_test_add_func("/sim-rng/different-streams", test_different_streams);
    g_test_add_func("/sim-rng/independent-of-others", test_independent_of_others);
    g_test_add_func("/sim-rng/range", test_range);
    g_test_add_func("/sim-rng/range-uniform", test_range_uniform);
    g_test_add_func("/sim-rng/double", test_double);
    g_test_add_func("/sim-rng/exponential", test_exponential);
    g_test_add_func("/sim-rng/bernoulli", test_bernoulli);
    g_test_add_func("/sim-rng/bytes", test_bytes);
    return g_test_run();
}
