/* Attacker garbage at the IMS access side: mutated and random SIP datagrams to every port the UE and
 * the P-CSCF listen on (5060 and the protected ports), from a node on the path. Nothing may crash
 * (the suite also runs under ASan/UBSan), and afterwards the network must still work: bob registers
 * as usual. */
#include "links/udp.h"
#include "scenarios/scenario-build.h"
#include <string.h>

static const char *const seeds[] = {
    "REGISTER sip:home.example.net SIP/2.0\r\nVia: SIP/2.0/UDP 10.1.1.2:5060;branch=z9hG4bKx1\r\nMax-Forwards: 70\r\n"
    "From: <sip:alice@home.example.net>;tag=a\r\nTo: <sip:alice@home.example.net>\r\nCall-ID: c1\r\nCSeq: 1 REGISTER\r\n"
    "Contact: <sip:alice@10.1.1.2:5064>\r\nAuthorization: Digest username=\"alice@home.example.net\", realm=\"home.example.net\","
    " uri=\"sip:home.example.net\", nonce=\"\", response=\"\"\r\nSecurity-Client: ipsec-3gpp; alg=hmac-sha-1-96; ealg=aes-cbc;"
    " spi-c=1111; spi-s=2222; port-c=5062; port-s=5064\r\nSecurity-Verify: ipsec-3gpp; q=0.1; alg=hmac-md5-96; spi-c=3; spi-s=4;"
    " port-c=1; port-s=2\r\nRequire: sec-agree\r\nProxy-Require: sec-agree\r\nContent-Length: 0\r\n\r\n",
    "SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/UDP 10.1.1.2:5060;branch=z9hG4bKx1\r\nFrom: <sip:alice@home.example.net>;tag=a\r\n"
    "To: <sip:alice@home.example.net>;tag=b\r\nCall-ID: c1\r\nCSeq: 1 REGISTER\r\nWWW-Authenticate: Digest realm=\"home.example.net\","
    " nonce=\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\", algorithm=AKAv1-MD5, qop=\"auth\", ik=\"00\", ck=\"zz\"\r\n"
    "Security-Server: ipsec-3gpp; q=0.1; alg=hmac-sha-1-96; spi-c=5; spi-s=6; port-c=5066; port-s=5068\r\nContent-Length: 0\r\n\r\n",
    "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.1.1.2:5062;branch=z9hG4bKx2\r\nFrom: <sip:alice@home.example.net>;tag=a\r\n"
    "To: <sip:alice@home.example.net>;tag=b\r\nCall-ID: c1\r\nCSeq: 2 REGISTER\r\nP-Associated-URI: <sip:alice@home.example.net>\r\n"
    "Service-Route: <sip:orig@scscf.home.example.net:5060;lr>\r\nExpires: 600\r\nContent-Length: 0\r\n\r\n",
    "NOTIFY sip:alice@10.1.1.2:5064 SIP/2.0\r\nVia: SIP/2.0/UDP 10.1.1.1:5066;branch=z9hG4bKx3\r\nMax-Forwards: 70\r\n"
    "From: <sip:alice@home.example.net>;tag=n\r\nTo: <sip:alice@home.example.net>;tag=m\r\nCall-ID: n1\r\nCSeq: 1 NOTIFY\r\n"
    "Event: reg\r\nSubscription-State: active;expires=600\r\nContent-Type: application/reginfo+xml\r\nContent-Length: 5\r\n\r\n<a/>\n",
};

typedef struct {
    SimObserver obs;
    guint rx, malformed;
} Seen;

static void seen_packet(SimObserver *self, const SimTracePacket *p)
{
    if (p->action == SIM_TRACE_RX && g_str_equal(p->node, "pcscf") && p->iface && g_str_equal(p->iface->name, "eth2"))
        ((Seen *)self)->rx++;
}

static void seen_event(SimObserver *self, const SimTraceEvent *ev)
{
    if (g_str_equal(ev->node, "pcscf") && g_str_equal(ev->name, "sip-malformed"))
        ((Seen *)self)->malformed++;
}

static void test_garbage(void)
{
    g_autofree char *path = g_build_filename(g_getenv("PRESIM_SOURCE_DIR"), "scenarios", "registration.ini", NULL);
    GError *err = NULL;
    Scenario *sc = scenario_load(path, NULL, &err);
    g_assert_no_error(err);
    ScenarioWorld *sw = scenario_world_build(sc, NULL, &err);
    g_assert_no_error(err);
    Seen seen = {.obs = {.packet = seen_packet, .event = seen_event}};
    sim_trace_add_observer(sw->world->trace, &seen.obs);
    /* The router in the core plays the attacker: it reaches the P-CSCF and, through it, nothing else. */
    SimNode *core = sim_world_find_node(sw->world, "core");
    UdpSocket *rogue = udp_socket_new(net_stack_of(core), NULL, NULL);
    SimRng *rng = sim_rng_new(7, "test:ims-fuzz");
    SimAddr pcscf;
    g_assert_true(sim_addr_parse("10.0.0.2", &pcscf));
    static const uint16_t ports[] = {5060, 5066, 5068};
    for (int i = 0; i < 6000; i++) {
        const char *seed = seeds[i % G_N_ELEMENTS(seeds)];
        size_t len = strlen(seed);
        uint8_t buf[2048];
        memcpy(buf, seed, len);
        if (i % 5 == 0) {
            len = (size_t)sim_rng_range(rng, 0, 600);
            sim_rng_bytes(rng, buf, len);
        } else {
            int edits = (int)sim_rng_range(rng, 1, 8);
            for (int e = 0; e < edits && len > 0; e++) {
                size_t at = (size_t)sim_rng_range(rng, 0, (int64_t)len - 1);
                switch (sim_rng_range(rng, 0, 3)) {
                case 0: buf[at] = (uint8_t)sim_rng_uint32(rng); break;
                case 1: buf[at] = (uint8_t)"\r\n:;,=\"<> "[sim_rng_range(rng, 0, 10)]; break;
                case 2: len = at; break; /* truncate */
                default: buf[at] = '9'; break;
                }
            }
        }
        (void)udp_socket_sendto(rogue, buf, len, &pcscf, ports[i % G_N_ELEMENTS(ports)], NULL);
        if (i % 100 == 0)
            sim_engine_run_until(sw->world->engine, sim_engine_now(sw->world->engine) + 10 * SIM_MS);
    }
    sim_engine_run_until(sw->world->engine, sc->duration); /* the timeline: bob registers at 1.5 s */
    g_test_message("P-CSCF: %u datagrams from the core, %u malformed SIP", seen.rx, seen.malformed);
    g_assert_cmpuint(seen.rx, >=, 6000);       /* the garbage did arrive */
    g_assert_cmpuint(seen.malformed, >=, 1000); /* and most of it was refused as malformed */
    sim_trace_remove_observer(sw->world->trace, &seen.obs);
    SimReport *r = sim_report_new();
    scenario_world_report(sw, r);
    const SimReportItem *bob = sim_report_lookup(r, "ues/ue2/registrations");
    g_assert_nonnull(bob);
    g_assert_cmpuint(bob->u, ==, 1);
    sim_report_free(r);
    sim_rng_free(rng);
    udp_socket_free(rogue);
    scenario_world_free(sw);
    scenario_free(sc);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ims/garbage", test_garbage);
    return g_test_run();
}
