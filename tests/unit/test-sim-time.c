/* test-sim-time.c: the text forms of simulated time, data rates and sizes (sim-time.h).
 *
 * Scenario files are parsed with these functions, so each accepted form must give an exact value and
 * each rejected one a SIM_PARSE_ERROR whose message quotes the text the user wrote.
 */
#include "sim-core/sim-time.h"
#include <glib.h>
#include <string.h>

/* Every error must name the offending text, quoted as the parsers do: '<text>'. */
static void assert_names_text(const GError *error, const char *text)
{
    g_assert_nonnull(error);
    g_assert_true(error->domain == SIM_PARSE_ERROR);
    g_autofree char *quoted = g_strdup_printf("'%s'", text);
    if (!strstr(error->message, quoted))
        g_error("error for \"%s\" does not name it: %s", text, error->message);
}

/* ---------------------------------------------------------------- time */

static void test_time_parse_ok(void)
{
    static const struct {
        const char *text;
        SimTime want;
    } cases[] = {
        {"0", 0},
        {"10ms", 10 * SIM_MS},
        {"1.5s", 1500 * SIM_MS},
        {"250us", 250 * SIM_US},
        {"3ns", 3},
        {"2min", 120 * SIM_S},
        {"1h", 3600 * SIM_S},
        {"0.000000001s", 1},
        {"0.1ms", 100000}, /* exact, no binary floating point on the way */
        {"1.5ms", 1500000},
        {"0s", 0},
        {"0ns", 0},
        {"0.0", 0},
        {"12.000450s", 12000450000},
        {"1.25min", 75 * SIM_S},
        {"0.5h", 1800 * SIM_S},
        {"2562047h", G_GINT64_CONSTANT(2562047) * 3600 * SIM_S}, /* about 292 years fit */
        {"9223372036.854775806s", G_MAXINT64 - 1},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        GError *error = NULL;
        SimTime t = -42;
        if (!sim_time_parse(cases[i].text, &t, &error))
            g_error("\"%s\" rejected: %s", cases[i].text, error->message);
        g_assert_no_error(error);
        if (t != cases[i].want)
            g_error("\"%s\" gave %" G_GINT64_FORMAT ", want %" G_GINT64_FORMAT, cases[i].text, t, cases[i].want);
    }
}

static void test_time_parse_errors(void)
{
    static const char *bad[] = {
        "",                      /* nothing */
        "ms",                    /* a unit without a number */
        "10",                    /* a number without a unit (only 0 may omit it) */
        "-1s",                   /* negative */
        "1.5ns",                 /* finer than a nanosecond */
        "10 parsecs",            /* unknown unit */
        "999999999999h",         /* out of range */
        "99999999999999999999999s", /* overflows even the integer part */
        "10sec",
        "1.5",
        "s10",
        "0.0000000001s", /* ten decimal places */
        "1e3ms",
        "10MS",
        "9223372036.854775808s", /* INT64_MAX + 1 ns */
    };
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        GError *error = NULL;
        SimTime t = -42;
        if (sim_time_parse(bad[i], &t, &error))
            g_error("\"%s\" accepted as %" G_GINT64_FORMAT, bad[i], t);
        assert_names_text(error, bad[i]);
        g_error_free(error);
    }
}

static void test_time_format(void)
{
    static const struct {
        SimTime t;
        const char *want;
    } cases[] = {
        {0, "0.000000000s"},
        {1, "0.000000001s"},
        {12000450000, "12.000450000s"},
        {SIM_S, "1.000000000s"},
        {3600 * SIM_S + 5, "3600.000000005s"},
        {-1, "-0.000000001s"},
        {-1500 * SIM_MS, "-1.500000000s"},
        {G_MAXINT64, "9223372036.854775807s"},
        {G_MININT64, "-9223372036.854775808s"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        char buf[32];
        const char *s = sim_time_format(cases[i].t, buf);
        g_assert_true(s == buf);
        g_assert_cmpstr(s, ==, cases[i].want);
    }
}

/* What format prints, parse reads back to the same value. */
static void test_time_round_trip(void)
{
    GRand *rand = g_rand_new_with_seed(1);
    for (int i = 0; i < 10000; i++) {
        SimTime t;
        switch (i % 3) {
        case 0: t = g_rand_int_range(rand, 0, G_MAXINT32); break;
        case 1: t = (SimTime)g_rand_int(rand) << 20 | g_rand_int(rand) % (1 << 20); break;
        default: t = ((SimTime)g_rand_int(rand) << 31 | g_rand_int(rand)) & (G_MAXINT64 >> 1); break;
        }
        char buf[32];
        SimTime back = -1;
        GError *error = NULL;
        g_assert_true(sim_time_parse(sim_time_format(t, buf), &back, &error));
        g_assert_no_error(error);
        g_assert_cmpint(back, ==, t);
    }
    g_rand_free(rand);
}

/* ---------------------------------------------------------------- rates */

static void test_rate_parse(void)
{
    static const struct {
        const char *text;
        uint64_t want;
    } ok[] = {
        {"100Mbps", 100000000},
        {"1.5Gbps", 1500000000},
        {"64kbps", 64000},
        {"9600bps", 9600},
        {"2.048Mbps", 2048000},
        {"1Tbps", G_GUINT64_CONSTANT(1000000000000)},
        {"0", 0},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(ok); i++) {
        GError *error = NULL;
        uint64_t v = 42;
        if (!sim_rate_parse(ok[i].text, &v, &error))
            g_error("\"%s\" rejected: %s", ok[i].text, error->message);
        g_assert_cmpuint(v, ==, ok[i].want);
    }
    static const char *bad[] = {"100", "fast", "", "Mbps", "-5Mbps", "1.5bps", "10MBps",
                                "99999999999999999999Tbps"};
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        GError *error = NULL;
        uint64_t v = 42;
        if (sim_rate_parse(bad[i], &v, &error))
            g_error("\"%s\" accepted as %" G_GUINT64_FORMAT, bad[i], v);
        assert_names_text(error, bad[i]);
        g_error_free(error);
    }
}

/* ---------------------------------------------------------------- sizes */

static void test_size_parse(void)
{
    static const struct {
        const char *text;
        uint64_t want;
    } ok[] = {
        {"1500", 1500},
        {"64KiB", 65536},
        {"1MB", 1000000},
        {"1MiB", 1048576},
        {"10kB", 10000},
        {"1500B", 1500},
        {"1.5KiB", 1536},
        {"2GiB", G_GUINT64_CONSTANT(2147483648)},
        {"0", 0},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(ok); i++) {
        GError *error = NULL;
        uint64_t v = 42;
        if (!sim_size_parse(ok[i].text, &v, &error))
            g_error("\"%s\" rejected: %s", ok[i].text, error->message);
        g_assert_cmpuint(v, ==, ok[i].want);
    }
    static const char *bad[] = {"", "KiB", "-1", "1.5", "1.5B", "0.1KiB", "10 apples", "10kb", "1e3",
                                "99999999999999999999", "99999999999GiB"};
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        GError *error = NULL;
        uint64_t v = 42;
        if (sim_size_parse(bad[i], &v, &error))
            g_error("\"%s\" accepted as %" G_GUINT64_FORMAT, bad[i], v);
        assert_names_text(error, bad[i]);
        g_error_free(error);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sim-time/time/parse", test_time_parse_ok);
    g_test_add_func("/sim-time/time/parse-errors", test_time_parse_errors);
    g_test_add_func("/sim-time/time/format", test_time_format);
    g_test_add_func("/sim-time/time/round-trip", test_time_round_trip);
    g_test_add_func("/sim-time/rate/parse", test_rate_parse);
    g_test_add_func("/sim-time/size/parse", test_size_parse);
    return g_test_run();
}
