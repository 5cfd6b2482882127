/* test-scenario-ranks.c: nodes onto MPI ranks (scenarios/scenario-ranks.h).
 *
 * Scenarios are written to a temporary file and loaded for real, so the `rank` key's line numbers and
 * the link group lines in the errors are the loader's. Node kinds are plain routers and hosts, links
 * plain wired ones, so nothing else (subscribers, HSS records) is needed for the file to load.
 */
#include "scenarios/scenario-ranks.h"
#include <glib/gstdio.h>
#include <string.h>

typedef struct {
    char *dir;
    char *path;
    Scenario *sc;
} Loaded;

/* The 1-based line of the first line of TEXT that equals LINE exactly (asserted present). */
static int line_of(const char *text, const char *line)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (int i = 0; lines[i]; i++)
        if (g_str_equal(lines[i], line))
            return i + 1;
    g_error("no line \"%s\" in the scenario", line);
    return 0;
}

static void load(Loaded *l, const char *text, const char *const *overrides)
{
    GError *error = NULL;
    l->dir = g_dir_make_tmp("presim-ranks-XXXXXX", &error);
    g_assert_no_error(error);
    l->path = g_build_filename(l->dir, "ranks.ini", NULL);
    g_assert_true(g_file_set_contents(l->path, text, -1, &error));
    g_assert_no_error(error);
    l->sc = scenario_load(l->path, overrides, &error);
    g_assert_no_error(error);
    g_assert_nonnull(l->sc);
}

static void unload(Loaded *l)
{
    scenario_free(l->sc);
    g_unlink(l->path);
    g_rmdir(l->dir);
    g_free(l->path);
    g_free(l->dir);
}

/* RANKS over SIZE, as "node=rank node=rank ..." in node order. */
static char *assign(const Scenario *sc, guint size)
{
    GError *error = NULL;
    guint32 *ranks = g_new0(guint32, sc->nodes->len);
    for (guint i = 0; i < sc->nodes->len; i++)
        ranks[i] = 0xdeadbeef; /* every entry must be written */
    gboolean ok = scenario_assign_ranks(sc, size, ranks, &error);
    g_assert_no_error(error);
    g_assert_true(ok);
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < sc->nodes->len; i++)
        g_string_append_printf(s, "%s%s=%u", i ? " " : "", ((const ScenarioNode *)sc->nodes->pdata[i])->name, ranks[i]);
    g_free(ranks);
    return g_string_free(s, FALSE);
}

/* The error message of assigning over SIZE (asserted to fail). */
static char *assign_error(const Scenario *sc, guint size)
{
    GError *error = NULL;
    guint32 *ranks = g_new0(guint32, sc->nodes->len);
    gboolean ok = scenario_assign_ranks(sc, size, ranks, &error);
    g_assert_false(ok);
    g_assert_error(error, SCENARIO_ERROR, SCENARIO_ERROR_INVALID);
    char *msg = g_strdup(error->message);
    g_error_free(error);
    g_free(ranks);
    return msg;
}

/* Two domains, listed first one, then two; the link inside domain two has no delay. */
static const char two_domains[] =
    "[scenario]\n"
    "name = ranks-two\n"
    "duration = 1s\n"
    "\n"
    "[node.a]\n"
    "kind = host\n"
    "domain = one.example\n"
    "\n"
    "[node.r1]\n"
    "kind = router\n"
    "domain = one.example\n"
    "\n"
    "[node.r2]\n"
    "kind = router\n"
    "domain = two.example\n"
    "\n"
    "[node.b]\n"
    "kind = host\n"
    "domain = two.example\n"
    "\n"
    "[link.a-r1]\n"
    "kind = wired\n"
    "a = a eth0 10.0.1.2/24\n"
    "b = r1 eth0 10.0.1.1/24\n"
    "delay = 1ms\n"
    "\n"
    "[link.r1-r2]\n"
    "kind = wired\n"
    "a = r1 eth1 10.0.2.1/24\n"
    "b = r2 eth0 10.0.2.2/24\n"
    "delay = 10ms\n"
    "\n"
    "[link.r2-b]\n"
    "kind = wired\n"
    "a = r2 eth1 10.0.3.1/24\n"
    "b = b eth0 10.0.3.2/24\n"
    "delay = 0ms\n";

/* Three domains whose first appearance (c, a, b) is not their alphabetical order, with the nodes of
 * domain a split around the others. */
static const char three_domains[] =
    "[scenario]\n"
    "name = ranks-three\n"
    "duration = 1s\n"
    "\n"
    "[node.h1]\n"
    "kind = host\n"
    "domain = c.example\n"
    "\n"
    "[node.h2]\n"
    "kind = host\n"
    "domain = a.example\n"
    "\n"
    "[node.r]\n"
    "kind = router\n"
    "domain = b.example\n"
    "\n"
    "[node.h3]\n"
    "kind = host\n"
    "domain = a.example\n"
    "\n"
    "[node.h4]\n"
    "kind = host\n"
    "domain = c.example\n"
    "rank = 1\n"
    "\n"
    "[link.h1-r]\n"
    "kind = wired\n"
    "a = h1 eth0 10.0.1.2/24\n"
    "b = r eth0 10.0.1.1/24\n"
    "delay = 5ms\n"
    "\n"
    "[link.h2-r]\n"
    "kind = wired\n"
    "a = h2 eth0 10.0.2.2/24\n"
    "b = r eth1 10.0.2.1/24\n"
    "delay = 5ms\n"
    "\n"
    "[link.h3-r]\n"
    "kind = wired\n"
    "a = h3 eth0 10.0.3.2/24\n"
    "b = r eth2 10.0.3.1/24\n"
    "delay = 5ms\n"
    "\n"
    "[link.h4-r]\n"
    "kind = wired\n"
    "a = h4 eth0 10.0.4.2/24\n"
    "b = r eth3 10.0.4.1/24\n"
    "delay = 5ms\n";

static void test_two_domains(void)
{
    Loaded l;
    load(&l, two_domains, NULL);
    g_autofree char *one = assign(l.sc, 1);
    g_autofree char *two = assign(l.sc, 2);
    g_autofree char *three = assign(l.sc, 3);
    g_assert_cmpstr(one, ==, "a=0 r1=0 r2=0 b=0");
    g_assert_cmpstr(two, ==, "a=0 r1=0 r2=1 b=1");
    /* More ranks than domains: the extra rank runs nothing. */
    g_assert_cmpstr(three, ==, "a=0 r1=0 r2=1 b=1");
    unload(&l);
}

static void test_three_domains(void)
{
    Loaded l;
    load(&l, three_domains, NULL);
    g_autofree char *two = assign(l.sc, 2);
    g_autofree char *three = assign(l.sc, 3);
    g_autofree char *four = assign(l.sc, 4);
    /* Domains c, a, b in order of first node: ranks 0, 1, 0 over two; 0, 1, 2 over three. h4's
     * `rank = 1` moves it off its domain's rank 0 (and within range in each of these runs). */
    g_assert_cmpstr(two, ==, "h1=0 h2=1 r=0 h3=1 h4=1");
    g_assert_cmpstr(three, ==, "h1=0 h2=1 r=2 h3=1 h4=1");
    g_assert_cmpstr(four, ==, "h1=0 h2=1 r=2 h3=1 h4=1");
    unload(&l);
}

static void test_override(void)
{
    /* A `rank` key from --set overrides the domain's rank as one from the file does. */
    const char *const set[] = {"node.h1.rank=2", "node.h4.rank=0", NULL};
    Loaded l;
    load(&l, three_domains, set);
    g_autofree char *three = assign(l.sc, 3);
    g_assert_cmpstr(three, ==, "h1=2 h2=1 r=2 h3=1 h4=0");
    unload(&l);
}

static void test_rank_out_of_range(void)
{
    /* h4 has `rank = 1`: fine over two ranks, out of range over one. */
    Loaded l;
    load(&l, three_domains, NULL);
    g_autofree char *msg = assign_error(l.sc, 1);
    g_autofree char *at = g_strdup_printf("%s:%d: node.h4.rank", l.path, line_of(three_domains, "rank = 1"));
    g_test_message("%s", msg);
    g_assert_true(g_str_has_prefix(msg, at));
    g_assert_nonnull(strstr(msg, "rank 1"));
    unload(&l);

    /* From --set there is no line: the error says so. */
    const char *const set[] = {"node.h2.rank=3", NULL};
    load(&l, three_domains, set);
    g_autofree char *msg3 = assign_error(l.sc, 3);
    g_test_message("%s", msg3);
    g_assert_true(g_str_has_prefix(msg3, "--set: node.h2.rank"));
    g_assert_nonnull(strstr(msg3, "rank 3"));
    /* ... and rank == size - 1 is the last one allowed. */
    g_autofree char *four = assign(l.sc, 4);
    g_assert_cmpstr(four, ==, "h1=0 h2=3 r=2 h3=1 h4=1");
    unload(&l);
}

static void test_zero_delay_link(void)
{
    /* two_domains' r2-b has delay 0 inside domain two: fine for every size (checked above). With the
     * r1-r2 link between the domains at delay 0, two ranks are refused, naming that link. */
    g_autofree char *text = g_strdup(two_domains);
    char *d = strstr(text, "delay = 10ms\n");
    g_assert_nonnull(d);
    memcpy(d, "delay = 0ms \n", strlen("delay = 10ms\n"));
    Loaded l;
    load(&l, text, NULL);
    g_autofree char *one = assign(l.sc, 1);
    g_assert_cmpstr(one, ==, "a=0 r1=0 r2=0 b=0");
    g_autofree char *msg = assign_error(l.sc, 2);
    g_autofree char *at = g_strdup_printf("%s:%d: link.r1-r2", l.path, line_of(text, "[link.r1-r2]"));
    g_test_message("%s", msg);
    g_assert_true(g_str_has_prefix(msg, at));
    g_assert_nonnull(strstr(msg, "r1 (rank 0)"));
    g_assert_nonnull(strstr(msg, "r2 (rank 1)"));
    unload(&l);

    /* Putting r2 on rank 0 with its `rank` key makes r1-r2 internal; r2-b (delay 0) then joins ranks
     * and is the link named. */
    const char *const set[] = {"node.r2.rank=0", NULL};
    load(&l, text, set);
    g_autofree char *msg2 = assign_error(l.sc, 2);
    g_autofree char *at2 = g_strdup_printf("%s:%d: link.r2-b", l.path, line_of(text, "[link.r2-b]"));
    g_test_message("%s", msg2);
    g_assert_true(g_str_has_prefix(msg2, at2));
    unload(&l);

    /* Both r2 and b on rank 0: every zero-delay link is inside one rank. */
    const char *const set2[] = {"node.r2.rank=0", "node.b.rank=0", NULL};
    load(&l, text, set2);
    g_autofree char *two = assign(l.sc, 2);
    g_assert_cmpstr(two, ==, "a=0 r1=0 r2=0 b=0");
    unload(&l);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/scenario-ranks/two-domains", test_two_domains);
    g_test_add_func("/scenario-ranks/three-domains", test_three_domains);
    g_test_add_func("/scenario-ranks/override", test_override);
    g_test_add_func("/scenario-ranks/rank-out-of-range", test_rank_out_of_range);
    g_test_add_func("/scenario-ranks/zero-delay-link", test_zero_delay_link);
    return g_test_run();
}
