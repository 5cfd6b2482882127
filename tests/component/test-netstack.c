/* Component tests of links/: hosts and routers joined by links, with the real IP stack and UDP.
 * Each test builds a small world by hand (no scenario file) and checks what a user relies on. */
#include "links/link.h"
#include "links/net-routing.h"
#include "links/ip-frag.h"
#include "links/net-stack.h"
#include "links/udp.h"
#include <string.h>

typedef struct {
    GPtrArray *drops;     /* reasons */
    GPtrArray *rx_ifaces; /* "node/iface" of each rx */
    guint forwards;
} Watch;

typedef struct {
    SimObserver obs;
    Watch *watch;
} WatchObs;

static void watch_packet(SimObserver *self, const SimTracePacket *p)
{
    Watch *w = ((WatchObs *)self)->watch;
    if (p->action == SIM_TRACE_DROP)
        g_ptr_array_add(w->drops, g_strdup(p->reason));
    else if (p->action == SIM_TRACE_RX)
        g_ptr_array_add(w->rx_ifaces, g_strdup_printf("%s/%s", p->iface->node, p->iface->name));
    else if (p->action == SIM_TRACE_FORWARD)
        w->forwards++;
}

typedef struct {
    SimWorld *world;
    GPtrArray *links;
    Watch watch;
    WatchObs wobs;
} Net;

static SimPrefix pfx(const char *text)
{
    SimPrefix p;
    g_assert_true(sim_prefix_parse(text, &p, NULL));
    return p;
}

static SimAddr addr(const char *text)
{
    SimAddr a;
    g_assert_true(sim_addr_parse(text, &a));
    return a;
}

static SimNode *add_node(Net *n, const char *name)
{
    return sim_node_new(n->world, name, "test", "", NULL);
}

static SimLink *connect(Net *n, const char *name, SimNode *x, const char *xi, const char *xa, SimNode *y,
                        const char *yi, const char *ya, const SimLinkConfig *cfg)
{
    SimIface *a = sim_node_add_iface(x, xi, cfg->mtu), *b = sim_node_add_iface(y, yi, cfg->mtu);
    g_auto(GStrv) xs = g_strsplit(xa, " ", -1), ys = g_strsplit(ya, " ", -1);
    for (char **s = xs; *s; s++) {
        SimPrefix p = pfx(*s);
        sim_iface_add_address(a, &p);
    }
    for (char **s = ys; *s; s++) {
        SimPrefix p = pfx(*s);
        sim_iface_add_address(b, &p);
    }
    SimLink *l = sim_link_new(n->world, name, cfg, a, b);
    g_ptr_array_add(n->links, l);
    return l;
}

static const SimLinkConfig wired = {SIM_LINK_WIRED, 1 * SIM_MS, 10000000, 1500, 100, 0.0};

/* h1 -- r1 -- r2 -- h2, IPv4 and IPv6 on every link. */
static Net *chain(uint64_t seed, const SimLinkConfig *middle)
{
    Net *n = g_new0(Net, 1);
    n->world = sim_world_new(sim_engine_new(NULL), seed);
    n->links = g_ptr_array_new_with_free_func((GDestroyNotify)sim_link_free);
    n->watch.drops = g_ptr_array_new_with_free_func(g_free);
    n->watch.rx_ifaces = g_ptr_array_new_with_free_func(g_free);
    n->wobs.obs.packet = watch_packet;
    n->wobs.watch = &n->watch;
    sim_trace_add_observer(n->world->trace, &n->wobs.obs);
    SimNode *h1 = add_node(n, "h1"), *r1 = add_node(n, "r1"), *r2 = add_node(n, "r2"), *h2 = add_node(n, "h2");
    connect(n, "h1-r1", h1, "eth0", "10.0.1.2/24 2001:db8:1::2/64", r1, "eth0", "10.0.1.1/24 2001:db8:1::1/64",
            &wired);
    connect(n, "r1-r2", r1, "eth1", "10.0.9.1/30 2001:db8:9::1/64", r2, "eth0", "10.0.9.2/30 2001:db8:9::2/64",
            middle ? middle : &wired);
    connect(n, "r2-h2", r2, "eth1", "10.0.2.1/24 2001:db8:2::1/64", h2, "eth0", "10.0.2.2/24 2001:db8:2::2/64",
            &wired);
    for (guint i = 0; i < n->world->nodes->len; i++) {
        SimNode *node = n->world->nodes->pdata[i];
        NetStack *s = net_stack_new(node);
        net_stack_set_forwarding(s, node->name[0] == 'r');
    }
    net_routing_populate(n->world, n->links);
    return n;
}

static void net_free(Net *n)
{
    sim_trace_remove_observer(n->world->trace, &n->wobs.obs);
    g_ptr_array_free(n->links, TRUE);
    sim_world_free(n->world);
    g_ptr_array_free(n->watch.drops, TRUE);
    g_ptr_array_free(n->watch.rx_ifaces, TRUE);
    g_free(n);
}

static NetStack *stack(Net *n, const char *name)
{
    return net_stack_of(sim_world_find_node(n->world, name));
}

typedef struct {
    guint count;
    SimTime last_at;
    uint8_t last_ttl;
    char last[64];
    SimWorld *world;
} Rx;

static void on_rx(UdpSocket *s, const uint8_t *data, size_t len, const SimAddr *src, uint16_t sport,
                  const NetIpInfo *ip, void *user)
{
    Rx *rx = user;
    (void)s, (void)src, (void)sport;
    rx->count++;
    rx->last_at = sim_world_now(rx->world);
    rx->last_ttl = ip->ttl;
    g_strlcpy(rx->last, (const char *)data, MIN(len + 1, sizeof rx->last));
}

static gboolean contains(GPtrArray *a, const char *s)
{
    for (guint i = 0; i < a->len; i++)
        if (g_str_equal(a->pdata[i], s))
            return TRUE;
    return FALSE;
}

/* A datagram crosses two routers (v4 and v6): payload intact, TTL lowered by two, three hops of
 * delay + serialisation, forward events at both routers. */
static void test_forwarding(void)
{
    for (int v6 = 0; v6 < 2; v6++) {
        Net *n = chain(1, NULL);
        Rx rx = {.world = n->world};
        UdpSocket *sink = udp_socket_new(stack(n, "h2"), on_rx, &rx);
        g_assert_true(udp_socket_bind(sink, NULL, 7000, NULL));
        UdpSocket *src = udp_socket_new(stack(n, "h1"), NULL, NULL);
        SimAddr dst = addr(v6 ? "2001:db8:2::2" : "10.0.2.2");
        g_assert_true(udp_socket_sendto(src, "hello", 6, &dst, 7000, NULL));
        sim_engine_run(n->world->engine);
        g_assert_cmpuint(rx.count, ==, 1);
        g_assert_cmpstr(rx.last, ==, "hello");
        g_assert_cmpuint(rx.last_ttl, ==, NET_DEFAULT_TTL - 2);
        g_assert_cmpuint(n->watch.forwards, ==, 2);
        size_t ip_len = 6 + 8 + (v6 ? 40 : 20);
        /* 10 Mbit/s: 100 ns per bit, over the datagram and the 2-octet PPP protocol field */
        SimTime ser = (SimTime)((ip_len + 2) * 8 * 100);
        g_assert_cmpint(rx.last_at, ==, 3 * (SIM_MS + ser));
        g_assert_cmpuint(n->watch.drops->len, ==, 0);
        udp_socket_free(src);
        udp_socket_free(sink);
        net_free(n);
    }
}

/* Without routes through h2 being a router, and with TTL: a routing loop between r1 and r2 makes
 * the datagram expire instead of circulating forever. */
static void test_ttl_expiry(void)
{
    Net *n = chain(1, NULL);
    /* Send 10.0.99.0/24 back and forth between the routers. */
    SimPrefix loop = pfx("10.0.99.0/24");
    net_stack_add_route(stack(n, "r1"), &loop, sim_node_find_iface(sim_world_find_node(n->world, "r1"), "eth1"));
    net_stack_add_route(stack(n, "r2"), &loop, sim_node_find_iface(sim_world_find_node(n->world, "r2"), "eth0"));
    net_stack_add_route(stack(n, "h1"), &loop, sim_node_find_iface(sim_world_find_node(n->world, "h1"), "eth0"));
    UdpSocket *src = udp_socket_new(stack(n, "h1"), NULL, NULL);
    SimAddr dst = addr("10.0.99.1");
    g_assert_true(udp_socket_sendto(src, "x", 1, &dst, 9, NULL));
    SimRunStatus st = sim_engine_run(n->world->engine);
    g_assert_cmpint(st, ==, SIM_RUN_EMPTY);
    g_assert_true(contains(n->watch.drops, "ttl-exceeded"));
    g_assert_cmpuint(n->watch.forwards, ==, NET_DEFAULT_TTL - 1);
    udp_socket_free(src);
    net_free(n);
}

/* Bad destinations are traced drops with a reason, never silent. */
static void test_drop_reasons(void)
{
    Net *n = chain(1, NULL);
    UdpSocket *src = udp_socket_new(stack(n, "h1"), NULL, NULL);
    SimAddr nowhere = addr("192.0.2.1"), h2 = addr("10.0.2.2");
    GError *err = NULL;
    g_assert_false(udp_socket_sendto(src, "x", 1, &nowhere, 9, &err));
    g_assert_error(err, NET_ERROR, NET_ERROR_NO_ROUTE);
    g_clear_error(&err);
    g_assert_true(contains(n->watch.drops, "no-route"));
    g_assert_true(udp_socket_sendto(src, "x", 1, &h2, 9999, NULL)); /* nobody listens */
    sim_engine_run(n->world->engine);
    g_assert_true(contains(n->watch.drops, "port-unreachable"));
    udp_socket_free(src);
    net_free(n);
}

typedef struct {
    guint count;
    size_t len;
    gboolean intact;
} BigRx;

static void grab_transmit(SimIface *iface, SimPacket *pkt, void *ctx)
{
    (void)iface;
    g_ptr_array_add(ctx, pkt);
}

static void on_big(UdpSocket *s, const uint8_t *data, size_t len, const SimAddr *src, uint16_t sport,
                   const NetIpInfo *ip, void *user)
{
    BigRx *rx = user;
    (void)s, (void)src, (void)sport, (void)ip;
    rx->count++;
    rx->len = len;
    rx->intact = TRUE;
    for (size_t i = 0; i < len; i++)
        if (data[i] != (uint8_t)(i * 7))
            rx->intact = FALSE;
}

static guint count_rx_at(Net *n, const char *where)
{
    guint c = 0;
    for (guint i = 0; i < n->watch.rx_ifaces->len; i++)
        c += g_str_equal(n->watch.rx_ifaces->pdata[i], where);
    return c;
}

/* Datagrams larger than the MTU: fragmented by the source (IPv4 and IPv6), re-fragmented by a router
 * onto a smaller link (IPv4 only: an IPv6 router must not), reassembled intact at the destination;
 * a lost fragment makes the datagram time out rather than arrive damaged. */
static void test_fragmentation(void)
{
    SimLinkConfig small = wired;
    small.mtu = 1280;
    for (int v6 = 0; v6 < 2; v6++) {
        Net *n = chain(1, &small);
        BigRx rx = {0};
        UdpSocket *sink = udp_socket_new(stack(n, "h2"), on_big, &rx);
        g_assert_true(udp_socket_bind(sink, NULL, 7000, NULL));
        UdpSocket *src = udp_socket_new(stack(n, "h1"), NULL, NULL);
        SimAddr dst = addr(v6 ? "2001:db8:2::2" : "10.0.2.2");
        uint8_t big[4000];
        for (size_t i = 0; i < sizeof big; i++)
            big[i] = (uint8_t)(i * 7);
        g_assert_true(udp_socket_sendto(src, big, sizeof big, &dst, 7000, NULL));
        sim_engine_run(n->world->engine);
        if (!v6) {
            g_assert_cmpuint(rx.count, ==, 1);
            g_assert_cmpuint(rx.len, ==, sizeof big);
            g_assert_true(rx.intact);
            g_assert_cmpuint(count_rx_at(n, "r1/eth0"), ==, 3);  /* 4028 bytes in 1500-byte fragments */
            g_assert_cmpuint(count_rx_at(n, "h2/eth0"), >=, 4); /* re-fragmented for the 1280 link */
        } else {
            g_assert_cmpuint(rx.count, ==, 0); /* 1500-byte fragments cannot cross the 1280 link */
            g_assert_true(contains(n->watch.drops, "mtu-exceeded"));
        }
        udp_socket_free(src);
        udp_socket_free(sink);
        net_free(n);
    }
    /* Fragments injected by hand at h2: all of them, one missing, one twice. */
    for (int v6 = 0; v6 < 2; v6++)
        for (int mode = 0; mode < 3; mode++) {
            Net *n = chain(5, NULL);
            BigRx rx = {0};
            UdpSocket *sink = udp_socket_new(stack(n, "h2"), on_big, &rx);
            g_assert_true(udp_socket_bind(sink, NULL, 7000, NULL));
            UdpSocket *src = udp_socket_new(stack(n, "h1"), NULL, NULL);
            SimAddr dst = addr(v6 ? "2001:db8:2::2" : "10.0.2.2");
            uint8_t big[3000];
            for (size_t i = 0; i < sizeof big; i++)
                big[i] = (uint8_t)(i * 7);
            /* Grab the fragments as h1 puts them on its link: detach the link and watch transmit. */
            SimIface *h1if = sim_node_find_iface(sim_world_find_node(n->world, "h1"), "eth0");
            SimIfaceFunc real = h1if->transmit;
            void *real_ctx = h1if->transmit_ctx;
            GPtrArray *grabbed = g_ptr_array_new();
            h1if->transmit = grab_transmit;
            h1if->transmit_ctx = grabbed;
            g_assert_true(udp_socket_sendto(src, big, sizeof big, &dst, 7000, NULL));
            h1if->transmit = real;
            h1if->transmit_ctx = real_ctx;
            g_assert_cmpuint(grabbed->len, ==, 3);
            SimIface *h2if = sim_node_find_iface(sim_world_find_node(n->world, "h2"), "eth0");
            for (guint i = 0; i < grabbed->len; i++) {
                SimPacket *f = grabbed->pdata[i];
                if (mode == 1 && i == 1) { /* lost */
                    sim_packet_unref(f);
                    continue;
                }
                if (mode == 2 && i == 1) /* duplicated: an exact overlap */
                    h2if->deliver(h2if, sim_packet_copy(f), h2if->deliver_ctx);
                h2if->deliver(h2if, f, h2if->deliver_ctx);
            }
            g_ptr_array_free(grabbed, TRUE);
            sim_engine_run(n->world->engine);
            if (mode == 0) {
                g_assert_cmpuint(rx.count, ==, 1);
                g_assert_true(rx.intact);
            } else {
                g_assert_cmpuint(rx.count, ==, 0);
                g_assert_true(contains(n->watch.drops, mode == 1 ? "reassembly-timeout" : "fragment-overlap"));
                if (mode == 1)
                    g_assert_cmpint(sim_world_now(n->world), >=, IP_REASM_TIMEOUT);
            }
            udp_socket_free(src);
            udp_socket_free(sink);
            net_free(n);
        }
}

/* A slow middle link with a short queue: a burst overflows it, every packet is accounted for. */
static void test_queue_and_serialisation(void)
{
    SimLinkConfig slow = wired;
    slow.bandwidth_bps = 1000000; /* 1 Mbit/s */
    slow.queue_limit = 5;
    Net *n = chain(1, &slow);
    Rx rx = {.world = n->world};
    UdpSocket *sink = udp_socket_new(stack(n, "h2"), on_rx, &rx);
    g_assert_true(udp_socket_bind(sink, NULL, 7000, NULL));
    UdpSocket *src = udp_socket_new(stack(n, "h1"), NULL, NULL);
    SimAddr dst = addr("10.0.2.2");
    uint8_t payload[972] = {0}; /* 1000-byte IP datagrams: 8 ms each at 1 Mbit/s */
    for (int i = 0; i < 20; i++)
        g_assert_true(udp_socket_sendto(src, payload, sizeof payload, &dst, 7000, NULL));
    sim_engine_run(n->world->engine);
    guint drops = 0;
    for (guint i = 0; i < n->watch.drops->len; i++)
        drops += g_str_equal(n->watch.drops->pdata[i], "queue-full");
    g_assert_cmpuint(rx.count + drops, ==, 20);
    g_assert_cmpuint(drops, >, 0);
    SimLinkDirStats st;
    sim_link_stats(n->links->pdata[1], 0, &st);
    g_assert_cmpuint(st.queue_drops, ==, drops);
    g_assert_cmpuint(st.max_queue, ==, 5);
    /* The last one left the slow link after all delivered ones were serialised back to back. */
    g_assert_cmpint(rx.last_at, >=, (SimTime)rx.count * 8 * SIM_MS);
    udp_socket_free(src);
    udp_socket_free(sink);
    net_free(n);
}

/* Loss: measured rate near the configured one; same seed, same losses; another seed, others; and
 * the loss pattern of one link does not change when another link is added to the world. */
static GString *loss_pattern(uint64_t seed, gboolean extra_link, double *rate)
{
    SimLinkConfig lossy = wired;
    lossy.loss = 0.1;
    Net *n = chain(seed, &lossy);
    if (extra_link) {
        SimNode *x = add_node(n, "x");
        connect(n, "x-h2", x, "eth0", "10.0.3.2/24", sim_world_find_node(n->world, "h2"), "eth1", "10.0.3.1/24",
                &lossy);
    }
    Rx rx = {.world = n->world};
    UdpSocket *sink = udp_socket_new(stack(n, "h2"), on_rx, &rx);
    g_assert_true(udp_socket_bind(sink, NULL, 7000, NULL));
    UdpSocket *src = udp_socket_new(stack(n, "h1"), NULL, NULL);
    SimAddr dst = addr("10.0.2.2");
    GString *pattern = g_string_new(NULL);
    guint before = 0;
    for (int i = 0; i < 2000; i++) {
        char msg[16];
        g_snprintf(msg, sizeof msg, "%d", i);
        g_assert_true(udp_socket_sendto(src, msg, strlen(msg) + 1, &dst, 7000, NULL));
        sim_engine_run(n->world->engine);
        g_string_append_c(pattern, rx.count > before ? '1' : '0');
        before = rx.count;
    }
    *rate = 1.0 - (double)rx.count / 2000.0;
    udp_socket_free(src);
    udp_socket_free(sink);
    net_free(n);
    return pattern;
}

static void test_loss_streams(void)
{
    double r1, r1b, r2, r3;
    g_autoptr(GString) p1 = loss_pattern(1, FALSE, &r1);
    g_autoptr(GString) p1b = loss_pattern(1, TRUE, &r1b);
    g_autoptr(GString) p2 = loss_pattern(2, FALSE, &r2);
    g_autoptr(GString) p3 = loss_pattern(1, FALSE, &r3);
    /* 2000 draws at p = 0.1: sigma = 0.0067; 4 sigma. */
    g_assert_cmpfloat(ABS(r1 - 0.1), <, 0.027);
    g_assert_cmpfloat(ABS(r2 - 0.1), <, 0.027);
    g_assert_cmpstr(p1->str, ==, p3->str);  /* same seed: same losses */
    g_assert_cmpstr(p1->str, ==, p1b->str); /* another link added: same losses here */
    g_assert_cmpstr(p1->str, !=, p2->str);  /* another seed: other losses */
}

/* Garbage and mutated datagrams fed to a router's and a host's interfaces: never a crash, every
 * one accounted for as delivered, forwarded or dropped with a reason. */
static void test_fuzz_input(void)
{
    Net *n = chain(3, NULL);
    SimRng *rng = sim_rng_new(3, "test:fuzz");
    SimNode *targets[2] = {sim_world_find_node(n->world, "r1"), sim_world_find_node(n->world, "h2")};
    /* A valid IPv4/UDP and an IPv6/UDP datagram to mutate, taken from the trace of a real send. */
    Rx rx = {.world = n->world};
    UdpSocket *sink = udp_socket_new(stack(n, "h2"), on_rx, &rx);
    g_assert_true(udp_socket_bind(sink, NULL, 7000, NULL));
    const uint8_t v4[] = {0x45, 0, 0, 29, 0, 1, 0x40, 0, 64, 17, 0, 0, 10, 0, 1, 2, 10, 0, 2, 2,
                          0x30, 0x39, 0x1b, 0x58, 0, 9, 0, 0, 'x'};
    for (int i = 0; i < 20000; i++) {
        SimNode *node = targets[i % 2];
        SimIface *iface = node->ifaces->pdata[0];
        uint8_t buf[128];
        size_t len;
        if (i % 3 == 0) {
            len = (size_t)sim_rng_range(rng, 0, sizeof buf);
            sim_rng_bytes(rng, buf, len);
            if (len && i % 6 == 0)
                buf[0] = (uint8_t)((sim_rng_uint32(rng) & 1 ? 0x40 : 0x60) | (buf[0] & 0x0f));
        } else {
            len = sizeof v4;
            memcpy(buf, v4, len);
            int flips = (int)sim_rng_range(rng, 1, 4);
            for (int f = 0; f < flips; f++)
                buf[sim_rng_range(rng, 0, (int64_t)len - 1)] ^= (uint8_t)sim_rng_range(rng, 1, 255);
            len = (size_t)sim_rng_range(rng, 0, (int64_t)len);
        }
        iface->deliver(iface, sim_packet_new(buf, len, SIM_PACKET_HEADROOM), iface->deliver_ctx);
        sim_engine_run(n->world->engine);
    }
    NetStackStats a, b;
    net_stack_stats(stack(n, "r1"), &a);
    net_stack_stats(stack(n, "h2"), &b);
    g_assert_cmpuint(a.dropped + b.dropped, >, 10000);
    g_assert_true(contains(n->watch.drops, "malformed"));
    g_assert_true(contains(n->watch.drops, "bad-checksum"));
    udp_socket_free(sink);
    sim_rng_free(rng);
    net_free(n);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/netstack/forwarding", test_forwarding);
    g_test_add_func("/netstack/ttl-expiry", test_ttl_expiry);
    g_test_add_func("/netstack/drop-reasons", test_drop_reasons);
    g_test_add_func("/netstack/queue-and-serialisation", test_queue_and_serialisation);
    g_test_add_func("/netstack/fragmentation", test_fragmentation);
    g_test_add_func("/netstack/loss-streams", test_loss_streams);
    g_test_add_func("/netstack/fuzz-input", test_fuzz_input);
    return g_test_run();
}
