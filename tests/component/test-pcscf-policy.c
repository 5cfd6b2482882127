/* The P-CSCF refuses a registered UE's unprotected traffic (TS 33.203 §7.1, TS 24.229 §5.2.6):
 * plaintext to its protected ports is dropped by the IP layer ("ipsec-policy"), and an unprotected
 * request on 5060 gets 403. Runs scenarios/registration.ini until alice is registered, then sends
 * from alice's node what a misbehaving UE would. */
#include "links/udp.h"
#include "scenarios/scenario-build.h"
#include "sim-core/sim-report.h"
#include <stdlib.h>
#include <string.h>

typedef struct {
    SimObserver obs;
    guint policy_drops;
} Drops;

static void on_packet(SimObserver *self, const SimTracePacket *p)
{
    if (p->action == SIM_TRACE_DROP && p->reason && g_str_equal(p->reason, "ipsec-policy") &&
        g_str_equal(p->node, "pcscf"))
        ((Drops *)self)->policy_drops++;
}

typedef struct {
    int status;
} Answer;

static void on_answer(UdpSocket *s, const uint8_t *data, size_t len, const SimAddr *src, uint16_t sport,
                      const NetIpInfo *ip, void *user)
{
    (void)s, (void)src, (void)sport, (void)ip;
    Answer *a = user;
    if (len > 12 && memcmp(data, "SIP/2.0 ", 8) == 0)
        a->status = atoi((const char *)data + 8);
}

static const char message[] = "MESSAGE sip:bob@home.example.net SIP/2.0\r\n"
                              "Via: SIP/2.0/UDP 10.1.1.2:%u;branch=z9hG4bK-test-%u\r\n"
                              "Max-Forwards: 70\r\n"
                              "From: <sip:alice@home.example.net>;tag=t1\r\n"
                              "To: <sip:bob@home.example.net>\r\n"
                              "Call-ID: policy-test-%u@ue1\r\n"
                              "CSeq: 1 MESSAGE\r\n"
                              "Content-Length: 0\r\n\r\n";

static void test_unprotected_refused(void)
{
    g_autofree char *path = g_build_filename(g_getenv("PRESIM_SOURCE_DIR"), "scenarios", "registration.ini", NULL);
    GError *err = NULL;
    Scenario *sc = scenario_load(path, NULL, &err);
    g_assert_no_error(err);
    ScenarioWorld *sw = scenario_world_build(sc, NULL, &err);
    g_assert_no_error(err);
    Drops drops = {.obs = {.packet = on_packet}};
    sim_trace_add_observer(sw->world->trace, &drops.obs);
    sim_engine_run_until(sw->world->engine, 3 * SIM_S); /* alice registered at about 1.14 s */

    SimNode *ue = sim_world_find_node(sw->world, "ue1");
    NetStack *stack = net_stack_of(ue);
    SimAddr pcscf;
    g_assert_true(sim_addr_parse("10.1.1.1", &pcscf));
    Answer answer = {0};
    UdpSocket *rogue = udp_socket_new(stack, on_answer, &answer);
    g_assert_true(udp_socket_bind(rogue, NULL, 6000, NULL));
    char buf[1024];
    /* 1. Plaintext to the protected server port 5068 (from a port no SA covers). */
    int n = g_snprintf(buf, sizeof buf, message, 6000u, 1u, 1u);
    g_assert_true(udp_socket_sendto(rogue, buf, (size_t)n, &pcscf, 5068, NULL));
    sim_engine_run_until(sw->world->engine, 4 * SIM_S);
    g_assert_cmpuint(drops.policy_drops, ==, 1);
    g_assert_cmpint(answer.status, ==, 0); /* nothing came back */
    /* 2. An unprotected request on 5060 from the registered UE's address. */
    n = g_snprintf(buf, sizeof buf, message, 6000u, 2u, 2u);
    g_assert_true(udp_socket_sendto(rogue, buf, (size_t)n, &pcscf, 5060, NULL));
    sim_engine_run_until(sw->world->engine, 5 * SIM_S);
    g_assert_cmpint(answer.status, ==, 403);

    udp_socket_free(rogue);
    sim_trace_remove_observer(sw->world->trace, &drops.obs);
    scenario_world_free(sw);
    scenario_free(sc);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pcscf/unprotected-refused", test_unprotected_refused);
    return g_test_run();
}
