/* test-sim-addr.c: addresses and prefixes (sim-addr.h): text forms, containment, network prefixes.
 *
 * Containment and sim_prefix_network() are also checked against a bit-by-bit reference on random
 * addresses and every prefix length, so lengths that are not a multiple of 8 get the same scrutiny
 * as the usual /8, /16, /24.
 */
#include "sim-core/sim-addr.h"
#include "sim-core/sim-time.h"
#include <glib.h>
#include <string.h>

static SimAddr addr(const char *text)
{
    SimAddr a;
    if (!sim_addr_parse(text, &a))
        g_error("test address \"%s\" does not parse", text);
    return a;
}

static SimPrefix prefix(const char *text)
{
    SimPrefix p;
    GError *error = NULL;
    if (!sim_prefix_parse(text, &p, &error))
        g_error("test prefix \"%s\" does not parse: %s", text, error->message);
    return p;
}

/* ---------------------------------------------------------------- addresses */

static void test_addr_parse_format(void)
{
    static const struct {
        const char *text;
        int family;
        const char *canonical;
    } cases[] = {
        {"10.0.1.2", SIM_AF_INET, "10.0.1.2"},
        {"0.0.0.0", SIM_AF_INET, "0.0.0.0"},
        {"255.255.255.255", SIM_AF_INET, "255.255.255.255"},
        {"2001:db8::1", SIM_AF_INET6, "2001:db8::1"},
        {"2001:DB8:0:0:0:0:0:1", SIM_AF_INET6, "2001:db8::1"},
        {"::", SIM_AF_INET6, "::"},
        {"::1", SIM_AF_INET6, "::1"},
        {"fe80::1:2:3:4", SIM_AF_INET6, "fe80::1:2:3:4"},
        {"::ffff:10.0.0.1", SIM_AF_INET6, "::ffff:10.0.0.1"},
        {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", SIM_AF_INET6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        SimAddr a;
        g_assert_true(sim_addr_parse(cases[i].text, &a));
        g_assert_cmpint(a.family, ==, cases[i].family);
        g_assert_cmpuint(sim_addr_len(&a), ==, cases[i].family == SIM_AF_INET ? 4 : 16);
        char buf[SIM_ADDR_STRLEN];
        g_assert_cmpstr(sim_addr_to_string(&a, buf), ==, cases[i].canonical);
        SimAddr back = addr(buf);
        g_assert_true(sim_addr_equal(&a, &back));
        g_assert_cmpuint(sim_addr_hash(&a), ==, sim_addr_hash(&back));
    }

    SimAddr a = addr("10.0.1.2");
    static const uint8_t v4[4] = {10, 0, 1, 2};
    g_assert_cmpmem(a.bytes, 4, v4, 4); /* network byte order */
    SimAddr b = addr("2001:db8::1");
    static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    g_assert_cmpmem(b.bytes, 16, v6, 16);

    SimAddr c, d;
    sim_addr_from_ipv4(&c, v4);
    sim_addr_from_ipv6(&d, v6);
    g_assert_true(sim_addr_equal(&a, &c));
    g_assert_true(sim_addr_equal(&b, &d));
    g_assert_false(sim_addr_equal(&a, &b));

    /* 0.0.0.0 and :: are different addresses even though both are all zeros. */
    SimAddr z4 = addr("0.0.0.0"), z6 = addr("::");
    g_assert_false(sim_addr_equal(&z4, &z6));
    g_assert_true(sim_addr_is_unspecified(&z4));
    g_assert_true(sim_addr_is_unspecified(&z6));
    g_assert_false(sim_addr_is_unspecified(&a));
    g_assert_false(sim_addr_is_unspecified(&b));
}

static void test_addr_parse_errors(void)
{
    static const char *bad[] = {"10.0.0.256", "abc", "", "1.2.3", "1.2.3.4.5", "10.0.0.1/24", " 10.0.0.1",
                                "10.0.0.1 ", "2001:db8::1::2", "2001:db8:::1", "12345::", "::g", "-1.0.0.0"};
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        SimAddr a;
        memset(&a, 0xaa, sizeof a);
        if (sim_addr_parse(bad[i], &a))
            g_error("\"%s\" accepted", bad[i]);
        g_assert_cmpint(a.family, ==, SIM_AF_NONE); /* cleared: never half a result */
        g_assert_cmpuint(sim_addr_len(&a), ==, 0);
    }
    SimAddr a;
    g_assert_false(sim_addr_parse(NULL, &a));
    char buf[SIM_ADDR_STRLEN];
    g_assert_cmpstr(sim_addr_to_string(&a, buf), ==, "-");
}

/* ---------------------------------------------------------------- prefixes */

static void test_prefix_parse_format(void)
{
    static const struct {
        const char *text;
        unsigned length;
        const char *canonical;
    } cases[] = {
        {"10.0.1.0/24", 24, "10.0.1.0/24"},
        {"10.0.1.7/24", 24, "10.0.1.7/24"}, /* an interface address keeps its host bits */
        {"0.0.0.0/0", 0, "0.0.0.0/0"},
        {"10.0.0.1/32", 32, "10.0.0.1/32"},
        {"10.0.0.1", 32, "10.0.0.1/32"}, /* no length: a host */
        {"10.0.2.0/23", 23, "10.0.2.0/23"},
        {"2001:db8::/32", 32, "2001:db8::/32"},
        {"2001:db8::1", 128, "2001:db8::1/128"},
        {"::/0", 0, "::/0"},
        {"::1/128", 128, "::1/128"},
        {"2001:db8::/65", 65, "2001:db8::/65"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        SimPrefix p = prefix(cases[i].text);
        g_assert_cmpuint(p.length, ==, cases[i].length);
        char buf[SIM_ADDR_STRLEN];
        g_assert_cmpstr(sim_prefix_to_string(&p, buf), ==, cases[i].canonical);
    }
    /* The longest text form fits the buffer. */
    SimPrefix p = prefix("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128");
    char buf[SIM_ADDR_STRLEN];
    g_assert_cmpstr(sim_prefix_to_string(&p, buf), ==, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
}

static void test_prefix_parse_errors(void)
{
    static const char *bad[] = {"10.0.0.256", "10.0.0.1/33", "::1/129", "abc", "", "10.0.0.0/", "10.0.0.0/x",
                                "10.0.0.0/24x", "10.0.0.0/-1", "/24", "10.0.0.256/8", "2001:db8::/1000",
                                "10.0.0.0/99999999999999999999999"};
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        SimPrefix p;
        GError *error = NULL;
        if (sim_prefix_parse(bad[i], &p, &error))
            g_error("\"%s\" accepted", bad[i]);
        g_assert_nonnull(error);
        g_assert_true(error->domain == SIM_PARSE_ERROR);
        /* The message quotes what was wrong: the whole text, or its address part. */
        const char *slash = strchr(bad[i], '/');
        g_autofree char *addr_part = slash ? g_strndup(bad[i], (gsize)(slash - bad[i])) : g_strdup(bad[i]);
        g_autofree char *q1 = g_strdup_printf("'%s'", bad[i]);
        g_autofree char *q2 = g_strdup_printf("'%s'", addr_part);
        if (!strstr(error->message, q1) && !strstr(error->message, q2))
            g_error("error for \"%s\" does not name it: %s", bad[i], error->message);
        g_error_free(error);
    }
}

static void test_prefix_contains(void)
{
    static const struct {
        const char *prefix, *addr;
        gboolean in;
    } cases[] = {
        /* /0: everything of the same family, nothing of the other. */
        {"0.0.0.0/0", "255.255.255.255", TRUE},
        {"0.0.0.0/0", "0.0.0.0", TRUE},
        {"10.9.8.7/0", "192.168.1.1", TRUE},
        {"0.0.0.0/0", "::", FALSE},
        {"::/0", "ffff::1", TRUE},
        {"::/0", "0.0.0.0", FALSE},
        {"::/0", "::ffff:10.0.0.1", TRUE},
        {"::ffff:10.0.0.0/104", "10.0.0.1", FALSE}, /* a mapped prefix does not hold IPv4 addresses */
        /* /32 and /128: exactly one address. */
        {"10.0.0.1/32", "10.0.0.1", TRUE},
        {"10.0.0.1/32", "10.0.0.0", FALSE},
        {"10.0.0.1/32", "10.0.0.3", FALSE},
        {"10.0.0.1/32", "138.0.0.1", FALSE},
        {"2001:db8::1/128", "2001:db8::1", TRUE},
        {"2001:db8::1/128", "2001:db8::", FALSE},
        {"2001:db8::1/128", "2001:db8::3", FALSE},
        {"2001:db8::1/128", "a001:db8::1", FALSE},
        /* /23: the last bit of the third byte is host. */
        {"10.0.2.0/23", "10.0.2.0", TRUE},
        {"10.0.2.0/23", "10.0.3.255", TRUE},
        {"10.0.2.0/23", "10.0.1.255", FALSE},
        {"10.0.2.0/23", "10.0.4.0", FALSE},
        {"10.0.3.9/23", "10.0.2.1", TRUE}, /* host bits in the prefix do not matter */
        /* /65: one bit of the ninth byte is network. */
        {"2001:db8::/65", "2001:db8::1", TRUE},
        {"2001:db8::/65", "2001:db8::7fff:ffff:ffff:ffff", TRUE},
        {"2001:db8::/65", "2001:db8::8000:0:0:0", FALSE},
        {"2001:db8::/65", "2001:db8:0:1::", FALSE},
        {"2001:db8:0:0:8000::/65", "2001:db8::ffff:0:0:1", TRUE},
        /* Other lengths at and around byte edges. */
        {"10.0.0.0/8", "10.255.255.255", TRUE},
        {"10.0.0.0/8", "11.0.0.0", FALSE},
        {"10.0.0.0/7", "11.0.0.0", TRUE},
        {"10.0.0.0/9", "10.128.0.0", FALSE},
        {"10.0.0.0/9", "10.127.255.255", TRUE},
        {"10.0.0.0/31", "10.0.0.1", TRUE},
        {"10.0.0.0/31", "10.0.0.2", FALSE},
        {"128.0.0.0/1", "127.255.255.255", FALSE},
        {"128.0.0.0/1", "200.0.0.0", TRUE},
        {"2001:db8::/127", "2001:db8::1", TRUE},
        {"2001:db8::/127", "2001:db8::2", FALSE},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        SimPrefix p = prefix(cases[i].prefix);
        SimAddr a = addr(cases[i].addr);
        if (sim_prefix_contains(&p, &a) != cases[i].in)
            g_error("%s contains %s: got %d, want %d", cases[i].prefix, cases[i].addr, !cases[i].in,
                    cases[i].in);
    }
}

static void test_prefix_network(void)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"10.0.1.5/24", "10.0.1.0/24"},
        {"10.0.3.255/23", "10.0.2.0/23"},
        {"10.0.1.5/32", "10.0.1.5/32"},
        {"10.200.1.5/0", "0.0.0.0/0"},
        {"10.255.255.255/9", "10.128.0.0/9"},
        {"255.255.255.255/1", "128.0.0.0/1"},
        {"2001:db8::ffff:ffff:ffff:ffff/65", "2001:db8:0:0:8000::/65"},
        {"2001:db8::7fff:ffff:ffff:ffff/65", "2001:db8::/65"},
        {"2001:db8::ffff:ffff:ffff:ffff/64", "2001:db8::/64"},
        {"2001:db8::ffff/127", "2001:db8::fffe/127"},
        {"2001:db8::ffff/128", "2001:db8::ffff/128"},
        {"ffff::1/0", "::/0"},
        {"ffff:ffff::/12", "fff0::/12"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        SimPrefix p = prefix(cases[i].in);
        SimPrefix n = sim_prefix_network(&p);
        char buf[SIM_ADDR_STRLEN];
        g_assert_cmpstr(sim_prefix_to_string(&n, buf), ==, cases[i].out);
        g_assert_cmpuint(n.length, ==, p.length);
        g_assert_true(sim_prefix_contains(&n, &p.addr));
    }
}

/* ---------------------------------------------------------------- against a bitwise reference */

static gboolean bit(const uint8_t *bytes, unsigned i)
{
    return (bytes[i / 8] >> (7 - i % 8)) & 1;
}

static void test_prefix_reference(void)
{
    GRand *rand = g_rand_new_with_seed(20240);
    for (int round = 0; round < 4000; round++) {
        gboolean v6 = round & 1;
        unsigned bits = v6 ? 128 : 32;
        uint8_t pb[16], ab[16];
        for (int k = 0; k < 16; k++)
            pb[k] = (uint8_t)g_rand_int(rand);
        memcpy(ab, pb, 16);
        /* Make the address agree with the prefix up to a random bit, then differ there. */
        unsigned agree = (unsigned)g_rand_int_range(rand, 0, (gint32)bits + 1);
        for (unsigned i = agree; i < bits; i++) {
            gboolean b = i == agree ? !bit(pb, i) : g_rand_boolean(rand);
            if (b)
                ab[i / 8] |= (uint8_t)(0x80 >> (i % 8));
            else
                ab[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
        }
        SimPrefix p;
        SimAddr a, other;
        if (v6) {
            sim_addr_from_ipv6(&p.addr, pb);
            sim_addr_from_ipv6(&a, ab);
            sim_addr_from_ipv4(&other, ab);
        } else {
            sim_addr_from_ipv4(&p.addr, pb);
            sim_addr_from_ipv4(&a, ab);
            sim_addr_from_ipv6(&other, ab);
        }
        for (unsigned len = 0; len <= bits; len++) {
            p.length = (uint8_t)len;
            gboolean want = len <= agree;
            if (sim_prefix_contains(&p, &a) != want)
                g_error("round %d /%u: contains gave %d (first differing bit %u)", round, len, !want, agree);
            g_assert_false(sim_prefix_contains(&p, &other));
            SimPrefix n = sim_prefix_network(&p);
            g_assert_cmpint(n.addr.family, ==, p.addr.family);
            for (unsigned i = 0; i < bits; i++)
                if (bit(n.addr.bytes, i) != (i < len ? bit(pb, i) : 0))
                    g_error("round %d /%u: network bit %u wrong", round, len, i);
            g_assert_true(sim_prefix_contains(&n, &p.addr));
            g_assert_cmpint(sim_prefix_contains(&n, &a), ==, want);
        }
    }
    g_rand_free(rand);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sim-addr/addr/parse-format", test_addr_parse_format);
    g_test_add_func("/sim-addr/addr/parse-errors", test_addr_parse_errors);
    g_test_add_func("/sim-addr/prefix/parse-format", test_prefix_parse_format);
    g_test_add_func("/sim-addr/prefix/parse-errors", test_prefix_parse_errors);
    g_test_add_func("/sim-addr/prefix/contains", test_prefix_contains);
    g_test_add_func("/sim-addr/prefix/network", test_prefix_network);
    g_test_add_func("/sim-addr/prefix/reference", test_prefix_reference);
    return g_test_run();
}
