/* test-pna.c: the presence agents end to end: network elements -> PNA -> PS, ext-source -> PEA -> PS.
 *
 * A world from a scenario written here: a router "core" with the PNA, the PEA, elements (msc, gmlc,
 * ggsn, and a "rogue" msc the PNA does not list), two external sources ("cal", trusted by the PEA,
 * and "spoof", not), and a host "ps" where the test plays both the Presence Server and the S-CSCF:
 * a SipNode that answers PUBLISH 200 with a SIP-ETag and keeps each body, refuses the PNA's first
 * reg-event SUBSCRIBE with 480 and accepts the next one with a NOTIFY carrying reginfo (RFC 3680).
 * Events are caught from the trace bus, PIDF bodies parsed with protocols/pidf.
 *
 * Covered: reg event 480 -> retry -> NOTIFY active -> PUBLISH basic open; an msc call -> PUBLISH with
 * person pna-p on-the-phone (a modify with SIP-If-Match, RFC 3903 §4.4); a gmlc location given by IMSI
 * -> geopriv with the GMLC's method in the tuple; a report from an address the PNA does not trust ->
 * "pnet-rejected" untrusted-source and no PUBLISH; a ggsn report with a location -> network-event-
 * invalid; ext-source -> PEA -> PUBLISH with the activity and note; an untrusted source -> rejected;
 * call end -> on-the-phone gone; a repeat of the same state -> no PUBLISH; the summary counters.
 */
#include "links/udp.h"
#include "nodes/ims/ims-common.h"
#include "nodes/ims/sip-node.h"
#include "protocols/pidf/pidf.h"
#include "tests/lib/test-world.h"
#include <string.h>

static const char scenario_text[] =
    "[scenario]\nname = pna\nseed = 3\nduration = 100s\n\n"
    "[node.core]\nkind = router\ndomain = home.net\n\n"
    "[node.ps]\nkind = host\ndomain = home.net\n\n"
    "[node.pna]\nkind = pna\ndomain = home.net\nps = ps\nscscf = ps\nwatch = sip:alice@home.net\n"
    "elements = msc, gmlc, ggsn\nimsi-map = 001010000000001=sip:alice@home.net\nwatch-retry = 2s\n\n"
    "[node.pea]\nkind = pea\ndomain = home.net\nps = ps\nsources = cal\n\n"
    "[node.msc]\nkind = msc\ndomain = home.net\npna = pna\n\n"
    "[node.gmlc]\nkind = gmlc\ndomain = home.net\npna = pna\n\n"
    "[node.ggsn]\nkind = ggsn\ndomain = home.net\npna = pna\n\n"
    "[node.rogue]\nkind = msc\ndomain = home.net\npna = pna\n\n"
    "[node.cal]\nkind = ext-source\ndomain = calendar.example.com\npea = pea\n\n"
    "[node.spoof]\nkind = ext-source\ndomain = calendar.example.com\npea = pea\n\n"
    "[link.l0]\na = core eth0 10.0.0.1/24\nb = ps eth0 10.0.0.2/24\n\n"
    "[link.l1]\na = core eth1 10.0.1.1/24\nb = pna eth0 10.0.1.2/24\n\n"
    "[link.l2]\na = core eth2 10.0.2.1/24\nb = pea eth0 10.0.2.2/24\n\n"
    "[link.l3]\na = core eth3 10.0.3.1/24\nb = msc eth0 10.0.3.2/24\n\n"
    "[link.l4]\na = core eth4 10.0.4.1/24\nb = gmlc eth0 10.0.4.2/24\n\n"
    "[link.l5]\na = core eth5 10.0.5.1/24\nb = ggsn eth0 10.0.5.2/24\n\n"
    "[link.l6]\na = core eth6 10.0.6.1/24\nb = rogue eth0 10.0.6.2/24\n\n"
    "[link.l7]\na = core eth7 10.0.7.1/24\nb = cal eth0 10.0.7.2/24\n\n"
    "[link.l8]\na = core eth8 10.0.8.1/24\nb = spoof eth0 10.0.8.2/24\n\n"
    "[action.call-up]\nat = 10s\nnode = msc\ndo = network-event\nimpu = sip:alice@home.net\nstate = attached\n"
    "call = active\ncell = 262-01-4711-42\n\n"
    "[action.locate]\nat = 11s\nnode = gmlc\ndo = network-event\nimsi = 001010000000001\nlatitude = 48.1371\n"
    "longitude = 11.5754\nmethod = GPS\n\n"
    "[action.fake]\nat = 12s\nnode = rogue\ndo = network-event\nimpu = sip:alice@home.net\nstate = detached\n\n"
    "[action.bad-role]\nat = 13s\nnode = ggsn\ndo = network-event\nimpu = sip:alice@home.net\nlatitude = 1\n"
    "longitude = 2\n\n"
    "[action.meeting]\nat = 14s\nnode = cal\ndo = external-event\nimpu = sip:bob@home.net\nactivity = meeting\n"
    "note = Design review until 15:00\n\n"
    "[action.spoofed]\nat = 15s\nnode = spoof\ndo = external-event\nimpu = sip:bob@home.net\nactivity = away\n\n"
    "[action.call-down]\nat = 16s\nnode = msc\ndo = network-event\nimpu = sip:alice@home.net\ncall = idle\n\n"
    "[action.call-down-again]\nat = 17s\nnode = msc\ndo = network-event\nimpu = sip:alice@home.net\ncall = idle\n";

typedef struct {
    TestWorld tw;
    SipNode *sn;         /* the fake PS / S-CSCF on node "ps" */
    GPtrArray *publishes; /* osip_message_t* */
    guint subscribes;
    guint notify_cseq;
} Net;

static guint ev_count(Net *n, const char *node, const char *name)
{
    return test_world_event_count(&n->tw, node, name, NULL, NULL);
}

static const char *ev_attr(Net *n, const char *node, const char *name, const char *key)
{
    return test_world_event_last(&n->tw, node, name, key);
}

/* ---- the fake PS / S-CSCF ------------------------------------------------------------------- */

static char *uri_str(const osip_uri_t *u)
{
    char *t = NULL;
    g_assert_true(u && osip_uri_to_str(u, &t) == 0);
    char *out = g_strdup(t);
    osip_free(t);
    return out;
}

static const char *tag_of(const osip_from_t *h)
{
    osip_generic_param_t *tag = NULL;
    if (!h || osip_from_get_tag((osip_from_t *)h, &tag) != 0 || !tag)
        return NULL;
    return tag->gvalue;
}

/* NOTIFY in the dialog the SUBSCRIBE REQ created (our tag TAG) with reginfo: AOR active. */
static void send_reg_notify(Net *n, const osip_message_t *req, const char *tag)
{
    osip_contact_t *c = osip_list_get(&req->contacts, 0);
    g_assert_nonnull(c);
    g_autofree char *target = uri_str(c->url);
    g_autofree char *aor = uri_str(req->to->url);
    g_autofree char *subscriber = uri_str(req->from->url);
    g_autofree char *from = g_strdup_printf("<%s>", aor);
    g_autofree char *to = g_strdup_printf("<%s>", subscriber);
    g_autofree char *branch = sip_node_branch(n->sn);
    g_autofree char *host = sip_node_host(n->sn);
    char *call_id = NULL;
    g_assert_true(osip_call_id_to_str(req->call_id, &call_id) == 0);
    SipRequestSpec spec = {
        .method = "NOTIFY", .request_uri = target, .via_host = host, .via_port = IMS_SIP_PORT, .branch = branch,
        .from = from, .from_tag = tag, .to = to, .to_tag = tag_of(req->from), .call_id = call_id,
        .cseq = ++n->notify_cseq, .contact = "<sip:ps.home.net:5060>",
    };
    GError *err = NULL;
    osip_message_t *m = sip_request_new(&spec, &err);
    osip_free(call_id);
    g_assert_no_error(err);
    g_autofree char *body = g_strdup_printf(
        "<?xml version=\"1.0\"?>\n<reginfo xmlns=\"urn:ietf:params:xml:ns:reginfo\" version=\"0\" state=\"full\">"
        "<registration aor=\"%s\" id=\"r1\" state=\"active\"><contact id=\"c1\" state=\"active\" event=\"registered\">"
        "<uri>sip:10.9.9.9:5064</uri></contact></registration>"
        "<registration aor=\"sip:unknown@home.net\" id=\"r2\" state=\"active\"/></reginfo>",
        aor);
    g_assert_true(sip_message_add_header(m, "Event", "reg", &err));
    g_assert_true(sip_message_add_header(m, "Subscription-State", "active;expires=600", &err));
    g_assert_true(sip_message_set_body(m, "application/reginfo+xml", body, strlen(body), &err));
    SimAddr addr;
    uint16_t port;
    g_assert_true(ims_resolve_uri(n->tw.w, target, &addr, &port));
    SipPeer peer;
    sip_peer_udp(&peer, &addr, port, IMS_SIP_PORT);
    g_assert_nonnull(sip_node_send_request(n->sn, m, &peer, &err));
    g_assert_no_error(err);
}

static void on_request(SipNode *sn, SipTxn *txn, const osip_message_t *req, const SipPeer *from, void *user)
{
    Net *n = user;
    (void)from;
    if (!txn)
        return;
    GError *err = NULL;
    g_autofree char *tag = sip_node_tag(sn);
    if (g_str_equal(req->sip_method, "PUBLISH")) {
        g_ptr_array_add(n->publishes, sip_message_clone(req));
        osip_message_t *resp = sip_response_new(req, 200, "OK", tag, &err);
        g_autofree char *etag = g_strdup_printf("etag-%u", n->publishes->len);
        g_assert_true(sip_message_add_header(resp, "SIP-ETag", etag, &err));
        g_assert_true(sip_message_add_header(resp, "Expires", "3600", &err));
        g_assert_true(sip_node_respond(sn, txn, resp, &err));
    } else if (g_str_equal(req->sip_method, "SUBSCRIBE")) {
        g_assert_cmpstr(sip_message_get_header(req, "Event", 0), ==, "reg");
        if (n->subscribes++ == 0) { /* the S-CSCF refuses identities not registered yet */
            sip_node_reply(sn, txn, 480, "Temporarily Unavailable", tag);
            return;
        }
        osip_message_t *resp = sip_response_new(req, 200, "OK", tag, &err);
        g_assert_true(sip_message_add_header(resp, "Expires", "600", &err));
        g_assert_true(sip_message_add_header(resp, "Contact", "<sip:ps.home.net:5060>", &err));
        g_assert_true(sip_node_respond(sn, txn, resp, &err));
        send_reg_notify(n, req, tag);
    } else {
        sip_node_reply(sn, txn, 501, "Not Implemented", NULL);
    }
}

static void on_response(SipNode *sn, SipTxn *txn, const osip_message_t *resp, void *user)
{
    (void)sn, (void)txn, (void)resp, (void)user; /* the NOTIFY's 200 */
}

static Net *net_new(void)
{
    Net *n = g_new0(Net, 1);
    GError *err = NULL;
    test_world_init(&n->tw, "pna", scenario_text, NULL);
    test_world_record_events(&n->tw);
    n->publishes = g_ptr_array_new_with_free_func((GDestroyNotify)sip_message_free);
    const SipNodeHandlers sh = {.request = on_request, .response = on_response};
    n->sn = sip_node_new(sim_world_find_node(n->tw.w, "ps"), &sh, n);
    g_assert_true(sip_node_listen(n->sn, IMS_SIP_PORT, &err));
    return n;
}

static void net_free(Net *n)
{
    sip_node_free(n->sn);
    test_world_clear(&n->tw);
    g_ptr_array_free(n->publishes, TRUE);
    g_free(n);
}

static void run_until(Net *n, SimTime t)
{
    test_world_run_until(&n->tw, t);
}

static PidfDoc *last_body(Net *n, const char *request_uri, const osip_message_t **msg_out)
{
    for (guint i = n->publishes->len; i-- > 0;) {
        const osip_message_t *m = n->publishes->pdata[i];
        g_autofree char *ru = uri_str(m->req_uri);
        if (!g_str_equal(ru, request_uri))
            continue;
        size_t len = 0;
        const char *body = sip_message_body(m, &len);
        g_assert_nonnull(body);
        GError *err = NULL;
        PidfDoc *doc = pidf_doc_parse(body, len, &err);
        g_assert_no_error(err);
        if (msg_out)
            *msg_out = m;
        return doc;
    }
    g_assert_not_reached();
}

static guint publishes_for(Net *n, const char *request_uri)
{
    guint c = 0;
    for (guint i = 0; i < n->publishes->len; i++) {
        g_autofree char *ru = uri_str(((const osip_message_t *)n->publishes->pdata[i])->req_uri);
        c += g_str_equal(ru, request_uri);
    }
    return c;
}

static uint64_t report_u(SimReport *r, const char *path)
{
    const SimReportItem *it = sim_report_lookup(r, path);
    g_assert_nonnull(it);
    return it->u;
}

static void test_agents(void)
{
    Net *n = net_new();
    const char *alice = "sip:alice@home.net", *bob = "sip:bob@home.net";

    /* Pi: 480 at 0 s, retry at 2 s, NOTIFY active -> first PUBLISH, basic open */
    run_until(n, 5 * SIM_S);
    g_assert_cmpuint(n->subscribes, ==, 2);
    g_assert_cmpuint(ev_count(n, "pna", "pna-watch-ended"), ==, 1);
    g_assert_cmpstr(ev_attr(n, "pna", "pna-reg-state", "state"), ==, "active");
    g_assert_cmpuint(publishes_for(n, alice), ==, 1);
    const osip_message_t *m = NULL;
    {
        g_autoptr(PidfDoc) d = last_body(n, alice, &m);
        g_assert_cmpstr(sip_message_get_header(m, "Event", 0), ==, "presence");
        g_autofree char *from = uri_str(m->from->url);
        g_assert_cmpstr(from, ==, "sip:pna@home.net");
        const PidfTuple *t = pidf_doc_find_tuple(d, "pna-alice");
        g_assert_nonnull(t);
        g_assert_cmpstr(t->basic, ==, "open");
        g_assert_cmpstr(t->service_class, ==, "network");
        g_assert_nonnull(strstr(t->note, "IMS registered"));
        g_assert_nonnull(t->timestamp);
        g_assert_null(pidf_doc_find_person(d, "pna-p"));
    }

    /* Pc: call active -> person pna-p on-the-phone, a modify of the same publication */
    run_until(n, 10 * SIM_S + 500 * SIM_MS);
    g_assert_cmpuint(publishes_for(n, alice), ==, 2);
    {
        g_autoptr(PidfDoc) d = last_body(n, alice, &m);
        g_assert_cmpstr(sip_message_get_header(m, "SIP-If-Match", 0), ==, "etag-1");
        const PidfPerson *p = pidf_doc_find_person(d, "pna-p");
        g_assert_nonnull(p);
        g_assert_cmpuint(p->activities->len, ==, 1);
        g_assert_cmpstr(p->activities->pdata[0], ==, "on-the-phone");
        g_assert_nonnull(strstr(pidf_doc_find_tuple(d, "pna-alice")->note, "cell 262-01-4711-42"));
        g_assert_false(pidf_doc_has_location(d));
    }
    g_assert_cmpstr(ev_attr(n, "pna", "pnet-received", "ref_point"), ==, "Pc");

    /* Pl: location by IMSI -> geopriv in the tuple */
    run_until(n, 11 * SIM_S + 500 * SIM_MS);
    g_assert_cmpuint(publishes_for(n, alice), ==, 3);
    {
        g_autoptr(PidfDoc) d = last_body(n, alice, NULL);
        const PidfTuple *t = pidf_doc_find_tuple(d, "pna-alice");
        g_assert_nonnull(t->geopriv);
        g_assert_true(t->geopriv->has_point);
        g_assert_cmpfloat_with_epsilon(t->geopriv->latitude, 48.1371, 1e-6);
        g_assert_cmpfloat_with_epsilon(t->geopriv->longitude, 11.5754, 1e-6);
        g_assert_cmpstr(t->geopriv->method, ==, "GPS");
        g_assert_nonnull(pidf_doc_find_person(d, "pna-p")); /* still on the phone */
    }

    /* an element the PNA does not list: rejected, nothing published (seed 001) */
    run_until(n, 12 * SIM_S + 500 * SIM_MS);
    g_assert_cmpuint(publishes_for(n, alice), ==, 3);
    g_assert_cmpuint(ev_count(n, "pna", "pnet-rejected"), ==, 1);
    g_assert_cmpstr(ev_attr(n, "pna", "pnet-rejected", "reason"), ==, "untrusted-source");
    g_assert_cmpstr(ev_attr(n, "pna", "pnet-rejected", "from"), ==, "10.0.6.2");
    g_assert_cmpstr(ev_attr(n, "pna", "pnet-rejected", "subscriber"), ==, alice);

    /* a ggsn may not report a location: refused at the element, nothing sent */
    run_until(n, 13 * SIM_S + 500 * SIM_MS);
    g_assert_cmpuint(ev_count(n, "ggsn", "network-event-invalid"), ==, 1);
    g_assert_cmpuint(ev_count(n, "ggsn", "pnet-sent"), ==, 0);

    /* Pex: calendar -> PEA -> PUBLISH with the activity and note */
    run_until(n, 14 * SIM_S + 500 * SIM_MS);
    g_assert_cmpuint(publishes_for(n, bob), ==, 1);
    {
        g_autoptr(PidfDoc) d = last_body(n, bob, &m);
        g_autofree char *from = uri_str(m->from->url);
        g_assert_cmpstr(from, ==, "sip:pea@home.net");
        const PidfPerson *p = pidf_doc_find_person(d, "pea-p");
        g_assert_nonnull(p);
        g_assert_cmpuint(p->activities->len, ==, 1);
        g_assert_cmpstr(p->activities->pdata[0], ==, "meeting");
        g_assert_cmpstr(p->note, ==, "Design review until 15:00");
        g_assert_nonnull(p->timestamp);
    }

    /* an external source the PEA does not trust */
    run_until(n, 15 * SIM_S + 500 * SIM_MS);
    g_assert_cmpuint(publishes_for(n, bob), ==, 1);
    g_assert_cmpstr(ev_attr(n, "pea", "pnet-rejected", "reason"), ==, "untrusted-source");

    /* call over -> no person; the same again -> nothing published */
    run_until(n, 20 * SIM_S);
    g_assert_cmpuint(publishes_for(n, alice), ==, 4);
    {
        g_autoptr(PidfDoc) d = last_body(n, alice, NULL);
        g_assert_null(pidf_doc_find_person(d, "pna-p"));
        g_assert_true(pidf_doc_has_location(d));
    }
    g_assert_cmpuint(ev_count(n, "pna", "agent-publish-result"), ==, 4);
    g_assert_cmpstr(ev_attr(n, "pna", "agent-publish-result", "status"), ==, "200");

    SimReport *r = sim_report_new();
    scenario_world_report(n->tw.sw, r);
    g_assert_cmpuint(report_u(r, "nodes/pna/reports_accepted"), ==, 4);
    g_assert_cmpuint(report_u(r, "nodes/pna/rejected_untrusted"), ==, 1);
    g_assert_cmpuint(report_u(r, "nodes/pna/publishes"), ==, 4);
    g_assert_cmpuint(report_u(r, "nodes/pna/publish_ok"), ==, 4);
    g_assert_cmpuint(report_u(r, "nodes/pna/unchanged_skipped"), ==, 1);
    g_assert_cmpuint(report_u(r, "nodes/pea/rejected_untrusted"), ==, 1);
    g_assert_cmpuint(report_u(r, "nodes/pea/publishes"), ==, 1);
    g_assert_cmpuint(report_u(r, "nodes/msc/reports_sent"), ==, 3);
    g_assert_cmpuint(report_u(r, "nodes/ggsn/invalid_events"), ==, 1);
    g_assert_cmpuint(report_u(r, "nodes/cal/reports_sent"), ==, 1);
    sim_report_free(r);
    net_free(n);
}

/* Garbage on the PNET port is counted and traced, never trusted. */
static void test_malformed(void)
{
    Net *n = net_new();
    UdpSocket *s = udp_socket_new(net_stack_of(sim_world_find_node(n->tw.w, "msc")), NULL, NULL);
    SimAddr pna;
    g_assert_true(ims_node_address(sim_world_find_node(n->tw.w, "pna"), &pna));
    GError *err = NULL;
    g_assert_true(udp_socket_sendto(s, "PNET\x01\x01\x01", 7, &pna, 7460, &err));
    /* a well-formed report with the GMLC's role from the MSC's address */
    const uint8_t wrong_role[] = {'P', 'N', 'E', 'T', 1, 1, 4, 0, 0, 0, 0, 1, 0, 4, 3, 0, 1, 1};
    g_assert_true(udp_socket_sendto(s, wrong_role, sizeof wrong_role, &pna, 7460, &err));
    run_until(n, 1 * SIM_S);
    g_assert_cmpuint(ev_count(n, "pna", "pnet-malformed"), ==, 1);
    g_assert_cmpstr(ev_attr(n, "pna", "pnet-rejected", "reason"), ==, "role-mismatch");
    udp_socket_free(s);
    net_free(n);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pna/agents", test_agents);
    g_test_add_func("/pna/malformed", test_malformed);
    return g_test_run();
}
