/* ue.c: the UE.
 *
 * DESIGN NOTES
 * States and the function that makes each transition:
 *   IDLE --register action (start_registration)--> WAIT_CHALLENGE        REGISTER #1, unprotected
 *   WAIT_CHALLENGE --401, AUTN ok (on_challenge): SAs installed--> WAIT_OK  REGISTER #2 through the SA
 *   WAIT_CHALLENGE --401, SQN out of range (on_challenge)--> WAIT_CHALLENGE  REGISTER with auts
 *   WAIT_CHALLENGE --401, MAC failure (on_challenge)--> IDLE (network not authenticated)
 *   WAIT_OK --200 (on_final)--> REGISTERED (re-registration timer set)
 *   WAIT_OK / WAIT_CHALLENGE --4xx or timeout (on_final, on_failure)--> IDLE, SAs removed
 *   REGISTERED --timer (reregister)--> WAIT_REREG --200--> REGISTERED      through the SA
 *   REGISTERED --deregister action (deregister)--> WAIT_DEREG --200--> IDLE, SAs removed
 * The Call-ID and From tag stay for the whole registration; CSeq grows (TS 24.229 §5.1.1.4).
 * Presence (ue-presence.c) rides on it: on_final's REGISTERED brings its SipUa up through the SAs
 * (presence_up), any way back to IDLE (and the deregister action) ends it; SIP goes to it first.
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/ims/ue.h"
#include "links/ipsec.h"
#include "nodes/ims/ims-common.h"
#include "nodes/ims/sec-agree.h"
#include "nodes/ims/sip-node.h"
#include "nodes/ims/ue-presence.h"
#include "nodes/ims/ue-ut.h"
#include "protocols/aka/aka.h"
#include "protocols/aka/milenage.h"
#include "protocols/http/digest.h"
#include "sim-core/sim-host-clock.h"
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

typedef enum { UE_IDLE, UE_WAIT_CHALLENGE, UE_WAIT_OK, UE_REGISTERED, UE_WAIT_REREG, UE_WAIT_DEREG } UeState;
static const char *const state_names[] = {"idle", "wait-challenge", "wait-ok", "registered", "wait-rereg", "wait-dereg"};

typedef struct {
    SimNode *node;
    SipNode *sip;
    int release;
    char *impi, *impu, *realm;
    AkaUsim *usim;
    char *pcscf;
    SimAddr my_addr, pcscf_addr;
    SecAgreeEndpoint mine, theirs;
    SimTime expires_wanted;
    UeState state;
    char *call_id, *from_tag;
    uint32_t cseq;
    GPtrArray *server_list; /* Security-Server received: SipSecMechanism* */
    SecAgreeAlgs chosen;
    gboolean sas;
    char *nonce;            /* the challenge in use */
    DigestAlgorithm alg;
    uint8_t password[DIGEST_AKA_PASSWORD_MAX];
    size_t password_len;
    uint32_t nc;
    SimRng *rng;
    SimEventId rereg_timer;
    SimTime started, latency, rereg_latency; /* initial registration; last re-registration */
    uint32_t attempt_registers; /* REGISTERs in the current procedure */
    uint64_t registrations, reregistrations, challenges, resyncs, failures;
    char *last_failure;
    UePresence *presence; /* ue-presence.c: PUA and watcher */
    UeUt *ut;             /* ue-ut.c: GBA and XCAP over Ut */
} Ue;

UeUt *ue_ut_of(SimNode *node)
{
    return node->impl ? ((Ue *)node->impl)->ut : NULL;
}

UePresence *ue_presence_of(SimNode *node)
{
    return node->impl ? ((Ue *)node->impl)->presence : NULL;
}

static const char *const release_choices[] = {"5", "6", NULL};

static const SimKeySpec ue_keys[] = {
    {"subscriber", SIM_KEY_NAME, NULL, "the subscription on the ISIM", NULL, 0, 0, "subscriber"},
    {"release", SIM_KEY_ENUM, "6", "3GPP release: 5 offers integrity only, 6 also encryption", release_choices, 0, 0, NULL},
    {"pcscf", SIM_KEY_NAME, NULL, "the P-CSCF (as discovered through PDP context or DHCP)", NULL, 0, 0, "node"},
    {"k", SIM_KEY_HEX, "", "a K on the ISIM different from the subscriber's (to model a wrong key)", NULL, 16, 16, NULL},
    {"port-c", SIM_KEY_PORT, "5062", "protected client port (TS 33.203 §7.1)", NULL, 0, 0, NULL},
    {"port-s", SIM_KEY_PORT, "5064", "protected server port (TS 33.203 §7.1)", NULL, 0, 0, NULL},
    {"expires", SIM_KEY_TIME, "600s", "registration time asked for", NULL, 0, 0, NULL},
    UE_PRESENCE_KEYS,
    UE_UT_KEYS,
    SIM_KEY_END,
};

static void ue_event(Ue *u, const char *name, const SimAttr *extra, size_t n)
{
    SimAttr attrs[8];
    size_t k = 0;
    attrs[k++] = SIM_ATTR_S("impi", u->impi);
    for (size_t i = 0; i < n && k < G_N_ELEMENTS(attrs); i++)
        attrs[k++] = extra[i];
    sim_node_event(u->node, name, attrs, k);
}

static void fail(Ue *u, const char *why)
{
    u->failures++;
    g_free(u->last_failure);
    u->last_failure = g_strdup(why);
    ue_event(u, "registration-failed", (SimAttr[]){SIM_ATTR_S("reason", why)}, 1);
}

/* ---- SAs (TS 33.203 §7.1, the UE's half) ---- */

static void remove_sas(Ue *u)
{
    if (!u->sas)
        return;
    NetIpsec *ipsec = net_ipsec_of(net_stack_of(u->node));
    net_ipsec_remove_sa(ipsec, u->mine.spi_c, ESP_SA_INBOUND);
    net_ipsec_remove_sa(ipsec, u->mine.spi_s, ESP_SA_INBOUND);
    net_ipsec_remove_sa(ipsec, u->theirs.spi_s, ESP_SA_OUTBOUND);
    net_ipsec_remove_sa(ipsec, u->theirs.spi_c, ESP_SA_OUTBOUND);
    for (int i = 0; i < 2; i++) {
        NetIpsecSelector req = {.local = u->my_addr, .remote = u->pcscf_addr,
                                .local_port = i ? u->mine.port_s : u->mine.port_c, .proto = NET_PROTO_UDP};
        net_ipsec_unrequire(ipsec, &req);
    }
    u->sas = FALSE;
}

static gboolean install_sas(Ue *u, const uint8_t ck[16], const uint8_t ik[16])
{
    NetIpsec *ipsec = net_ipsec_of(net_stack_of(u->node));
    struct {
        uint32_t spi;
        EspSaDirection dir;
        uint16_t lport, rport;
        const char *label;
    } sas[] = {
        {u->theirs.spi_s, ESP_SA_OUTBOUND, u->mine.port_c, u->theirs.port_s, "UE port-c -> P-CSCF port-s"},
        {u->theirs.spi_c, ESP_SA_OUTBOUND, u->mine.port_s, u->theirs.port_c, "UE port-s -> P-CSCF port-c"},
        {u->mine.spi_c, ESP_SA_INBOUND, u->mine.port_c, u->theirs.port_s, "P-CSCF port-s -> UE port-c"},
        {u->mine.spi_s, ESP_SA_INBOUND, u->mine.port_s, u->theirs.port_c, "P-CSCF port-c -> UE port-s"},
    };
    for (guint i = 0; i < G_N_ELEMENTS(sas); i++) {
        GError *err = NULL;
        EspSa *sa = esp_sa_new_ims(sas[i].spi, sas[i].dir, u->chosen.alg, u->chosen.ealg, ck, ik, &err);
        NetIpsecSelector sel = {.local = u->my_addr, .remote = u->pcscf_addr, .local_port = sas[i].lport,
                                .remote_port = sas[i].rport, .proto = NET_PROTO_UDP};
        g_autofree char *label = g_strdup_printf("%s %s", u->impi, sas[i].label);
        if (!sa || !net_ipsec_add_sa(ipsec, &sel, sa, label, &err)) {
            g_debug("%s: SA: %s", u->node->name, err ? err->message : "?");
            g_clear_error(&err);
            u->sas = TRUE;
            remove_sas(u);
            return FALSE;
        }
    }
    /* TS 33.203 §7.1: while the SAs exist, the protected ports take nothing unprotected. */
    for (int i = 0; i < 2; i++) {
        NetIpsecSelector req = {.local = u->my_addr, .remote = u->pcscf_addr,
                                .local_port = i ? u->mine.port_s : u->mine.port_c, .proto = NET_PROTO_UDP};
        net_ipsec_require(ipsec, &req);
    }
    u->sas = TRUE;
    g_autofree char *algs = sec_agree_algs_text(&u->chosen);
    ue_event(u, "sa-established", (SimAttr[]){SIM_ATTR_S("algorithms", algs)}, 1);
    return TRUE;
}

/* ---- REGISTER ---- */

static char *host_text(const SimAddr *a)
{
    char buf[SIM_ADDR_STRLEN];
    sim_addr_to_string(a, buf);
    return a->family == SIM_AF_INET6 ? g_strdup_printf("[%s]", buf) : g_strdup(buf);
}

/* Builds REGISTER #n. PROTECTED: through the SAs with Security-Verify and a digest response;
 * AUTS: a resynchronisation request (RFC 3310 §3.4). EXPIRES 0 de-registers. */
static osip_message_t *build_register(Ue *u, gboolean protected_path, const uint8_t *auts, SimTime expires)
{
    g_autofree char *host = host_text(&u->my_addr);
    g_autofree char *branch = sip_node_branch(u->sip);
    g_autofree char *ruri = g_strdup_printf("sip:%s", u->realm);
    g_autofree char *aor = g_strdup_printf("<%s>", u->impu);
    const char *user = u->impu + (g_str_has_prefix(u->impu, "sip:") ? 4 : 0);
    g_autofree char *user_part = g_strndup(user, strcspn(user, "@"));
    g_autofree char *contact =
        g_strdup_printf("<sip:%s@%s:%u>;expires=%" G_GINT64_FORMAT, user_part, host, u->mine.port_s, expires / SIM_S);
    SipRequestSpec spec = {
        .method = "REGISTER",
        .request_uri = ruri,
        .via_host = host,
        .via_port = protected_path ? u->mine.port_c : IMS_SIP_PORT,
        .branch = branch,
        .from = aor,
        .from_tag = u->from_tag,
        .to = aor,
        .call_id = u->call_id,
        .cseq = ++u->cseq,
        .contact = contact,
    };
    GError *err = NULL;
    osip_message_t *m = sip_request_new(&spec, &err);
    if (!m) {
        g_debug("%s: REGISTER: %s", u->node->name, err->message);
        g_error_free(err);
        return NULL;
    }
    g_autofree char *exp = g_strdup_printf("%" G_GINT64_FORMAT, expires / SIM_S);
    sip_message_add_header(m, "Expires", exp, NULL);
    SipAuth *a = sip_auth_new("Digest");
    sip_auth_set(a, "username", u->impi, TRUE);
    sip_auth_set(a, "realm", u->realm, TRUE);
    sip_auth_set(a, "uri", ruri, TRUE);
    /* The answer to a challenge carries the digest response; a protected re-REGISTER or de-REGISTER
     * goes without one (the S-CSCF may skip authentication for it, TS 24.229 §5.4.1.2.1). */
    if (protected_path && u->nonce && !auts && u->state == UE_WAIT_OK) {
        char ha1[DIGEST_HEX_SIZE], ha2[DIGEST_HEX_SIZE], resp[DIGEST_HEX_SIZE];
        g_autofree char *cnonce = g_strdup_printf("%016" G_GINT64_MODIFIER "x", sim_rng_uint64(u->rng));
        g_autofree char *nc = g_strdup_printf("%08x", ++u->nc);
        int64_t t0 = sim_host_cpu_now();
        gboolean ok = digest_ha1(u->alg, u->impi, u->realm, u->password, u->password_len, u->nonce, cnonce, ha1, NULL) &&
                      digest_ha2(u->alg, "REGISTER", ruri, ha2, NULL) &&
                      digest_response(u->alg, ha1, u->nonce, nc, cnonce, "auth", ha2, resp, NULL);
        g_autofree char *cat = g_strdup_printf("%s:digest", u->node->name);
        sim_host_cpu_add(cat, sim_host_cpu_now() - t0);
        sip_auth_set(a, "nonce", u->nonce, TRUE);
        sip_auth_set(a, "response", ok ? resp : "", TRUE);
        sip_auth_set(a, "algorithm", digest_algorithm_to_string(u->alg), FALSE);
        sip_auth_set(a, "qop", "auth", FALSE);
        sip_auth_set(a, "nc", nc, FALSE);
        sip_auth_set(a, "cnonce", cnonce, TRUE);
    } else {
        /* First REGISTER: empty nonce. Answer to a challenge deemed invalid, or AUTS: its nonce. */
        sip_auth_set(a, "nonce", u->nonce ? u->nonce : "", TRUE);
        sip_auth_set(a, "response", "", TRUE);
        if (auts) {
            g_autofree char *b64 = g_base64_encode(auts, AKA_AUTS_LEN);
            sip_auth_set(a, "auts", b64, TRUE);
        }
    }
    g_autofree char *auth = sip_auth_format(a);
    sip_auth_free(a);
    sip_message_add_header(m, "Authorization", auth, NULL);
    GPtrArray *offer = sec_agree_ue_offer(u->release, &u->mine);
    g_autofree char *sc = sip_sec_format(offer);
    g_ptr_array_unref(offer);
    sip_message_add_header(m, "Security-Client", sc, NULL);
    if (protected_path && u->server_list) {
        g_autofree char *sv = sip_sec_format(u->server_list);
        sip_message_add_header(m, "Security-Verify", sv, NULL);
    }
    sip_message_add_header(m, "Require", "sec-agree", NULL);
    sip_message_add_header(m, "Proxy-Require", "sec-agree", NULL);
    sip_message_add_header(m, "Supported", "path", NULL);
    return m;
}

static void send_register(Ue *u, osip_message_t *m, gboolean protected_path)
{
    if (!m) {
        fail(u, "cannot build REGISTER");
        u->state = UE_IDLE;
        return;
    }
    SipPeer to;
    if (protected_path)
        sip_peer_udp(&to, &u->pcscf_addr, u->theirs.port_s, u->mine.port_c);
    else
        sip_peer_udp(&to, &u->pcscf_addr, IMS_SIP_PORT, IMS_SIP_PORT);
    GError *err = NULL;
    u->attempt_registers++;
    if (!sip_node_send_request(u->sip, m, &to, &err)) {
        fail(u, err ? err->message : "send failed");
        g_clear_error(&err);
        ue_presence_deregistered(u->presence);
        u->state = UE_IDLE;
    }
}

/* SPIs 1..255 are reserved (RFC 4303 §2.1). */
static void fresh_spis(Ue *u)
{
    u->mine.spi_c = (uint32_t)sim_rng_range(u->rng, 256, 0xffffffffLL);
    do
        u->mine.spi_s = (uint32_t)sim_rng_range(u->rng, 256, 0xffffffffLL);
    while (u->mine.spi_s == u->mine.spi_c);
}

static void start_registration(Ue *u)
{
    SimNode *p = sim_world_find_node(u->node->world, u->pcscf);
    if (!p || !ims_node_address_toward(p, u->node, &u->pcscf_addr) || !net_stack_select_source(net_stack_of(u->node), &u->pcscf_addr, &u->my_addr)) {
        fail(u, "no route to the P-CSCF");
        return;
    }
    remove_sas(u);
    fresh_spis(u);
    if (!u->call_id) {
        u->call_id = sip_node_call_id(u->sip);
        u->from_tag = sip_node_tag(u->sip);
    }
    u->state = UE_WAIT_CHALLENGE;
    u->started = sim_world_now(u->node->world);
    u->attempt_registers = 0;
    g_clear_pointer(&u->nonce, g_free); /* so REGISTER #1 goes with an empty nonce */
    ue_event(u, "registration-started", (SimAttr[]){SIM_ATTR_I("release", u->release)}, 1);
    send_register(u, build_register(u, FALSE, NULL, u->expires_wanted), FALSE);
}

/* The 401: verify the network, answer, set up the SAs (TS 33.203 §6.1.1, §7.2). */
#define UE_MAX_REGISTERS 4 /* per procedure: a network that keeps challenging is not answered for ever */

static void on_challenge(Ue *u, const osip_message_t *resp)
{
    u->challenges++;
    if (u->attempt_registers >= UE_MAX_REGISTERS) {
        fail(u, "too many challenges");
        remove_sas(u);
        u->state = UE_IDLE;
        return;
    }
    const char *text = sip_message_get_header(resp, "WWW-Authenticate", 0);
    SipAuth *a = text ? sip_auth_parse(text, NULL) : NULL;
    const char *nonce = a ? sip_auth_get(a, "nonce") : NULL;
    const char *algo = a ? sip_auth_get(a, "algorithm") : NULL;
    uint8_t rand[16], autn[16];
    if (!nonce || !digest_aka_nonce_parse(nonce, rand, autn, NULL, NULL)) {
        if (a)
            sip_auth_free(a);
        fail(u, "challenge without an AKA nonce");
        u->state = UE_IDLE;
        return;
    }
    u->alg = DIGEST_ALG_AKAV1_MD5;
    if (algo && !digest_algorithm_from_string(algo, &u->alg))
        u->alg = DIGEST_ALG_AKAV1_MD5;
    g_free(u->nonce);
    u->nonce = g_strdup(nonce);
    if (sip_auth_get(a, "ck") || sip_auth_get(a, "ik"))
        ue_event(u, "keys-exposed", NULL, 0); /* a P-CSCF must have stripped them (TS 33.203 §7.1) */
    sip_auth_free(a);
    AkaUsimResponse r;
    int64_t t0 = sim_host_cpu_now();
    AkaResult res = aka_usim_authenticate(u->usim, rand, autn, &r, NULL);
    g_autofree char *cat = g_strdup_printf("%s:aka", u->node->name);
    sim_host_cpu_add(cat, sim_host_cpu_now() - t0);
    if (res == AKA_RESULT_SYNC_FAILURE) {
        /* RFC 3310 §3.4 / TS 33.203 §6.1.2: AUTS, unprotected, a fresh Security-Client. */
        u->resyncs++;
        ue_event(u, "sync-failure", (SimAttr[]){SIM_ATTR_S("sqn_check", aka_sqn_check_to_string(r.sqn_check))}, 1);
        fresh_spis(u);
        send_register(u, build_register(u, FALSE, r.auts, u->expires_wanted), FALSE);
        aka_usim_response_clear(&r);
        return;
    }
    if (res != AKA_RESULT_OK) {
        /* TS 24.229 §5.1.1.5.3: the challenge is deemed invalid (MAC failure: the network is not
         * authenticated); the UE says so with a REGISTER carrying the nonce and neither a response
         * nor auts, and the S-CSCF ends the attempt (403). */
        aka_usim_response_clear(&r);
        ue_event(u, "network-authentication-failed",
                 (SimAttr[]){SIM_ATTR_S("why", res == AKA_RESULT_MAC_FAILURE ? "mac-failure" : "aka-error")}, 1);
        fresh_spis(u);
        send_register(u, build_register(u, FALSE, NULL, u->expires_wanted), FALSE);
        return;
    }
    g_autofree char *ss = sip_message_header_joined(resp, "Security-Server");
    GPtrArray *server = ss ? sip_sec_parse(ss, NULL) : NULL;
    const SipSecMechanism *choice = server ? sec_agree_ue_select(u->release, server) : NULL;
    if (!choice || !sec_agree_endpoint(choice, &u->theirs)) {
        if (server)
            g_ptr_array_unref(server);
        aka_usim_response_clear(&r);
        fail(u, "no acceptable Security-Server mechanism");
        u->state = UE_IDLE;
        return;
    }
    sec_agree_algs(choice, &u->chosen);
    if (u->server_list)
        g_ptr_array_unref(u->server_list);
    u->server_list = server;
    t0 = sim_host_cpu_now();
    gboolean ok = digest_aka_password(u->alg, r.res, AKA_RES_LEN, r.ik, r.ck, u->password, &u->password_len, NULL);
    sim_host_cpu_add(cat, sim_host_cpu_now() - t0);
    u->nc = 0;
    if (!ok || !install_sas(u, r.ck, r.ik)) {
        aka_usim_response_clear(&r);
        fail(u, "cannot set up the SAs");
        u->state = UE_IDLE;
        return;
    }
    aka_usim_response_clear(&r);
    u->state = UE_WAIT_OK;
    send_register(u, build_register(u, TRUE, NULL, u->expires_wanted), TRUE);
}

/* Presence rides on the registration: the P-CSCF's protected server port, from our protected client
 * port, so through the SAs like every later request (TS 33.203 §7.1). */
static void presence_up(Ue *u)
{
    g_autofree char *host = host_text(&u->my_addr);
    g_autofree char *contact = g_strdup_printf("sip:%s:%u", host, u->mine.port_s);
    SipUaConfig cfg = {.contact = contact, .via_host = host, .via_port = u->mine.port_c, .asserted = u->impu};
    sip_peer_udp(&cfg.next_hop, &u->pcscf_addr, u->theirs.port_s, u->mine.port_c);
    ue_presence_registered(u->presence, &cfg);
}

static void reregister(void *arg)
{
    Ue *u = arg;
    u->rereg_timer = 0;
    if (u->state != UE_REGISTERED)
        return;
    u->state = UE_WAIT_REREG; /* before building: no digest response in a re-REGISTER */
    u->started = sim_world_now(u->node->world);
    u->attempt_registers = 0;
    send_register(u, build_register(u, TRUE, NULL, u->expires_wanted), TRUE);
}

static void on_final(Ue *u, const osip_message_t *resp)
{
    int st = resp->status_code;
    SimTime now = sim_world_now(u->node->world);
    if (u->state == UE_WAIT_DEREG) {
        ue_presence_deregistered(u->presence);
        if (st >= 200 && st < 300)
            ue_event(u, "deregistered", NULL, 0);
        else
            fail(u, "de-registration refused");
        remove_sas(u);
        u->state = UE_IDLE;
        return;
    }
    if (st >= 200 && st < 300) {
        const char *exp = sip_message_get_header(resp, "Expires", 0);
        SimTime granted = exp ? (SimTime)atoll(exp) * SIM_S : u->expires_wanted;
        gboolean rereg = u->state == UE_WAIT_REREG;
        u->state = UE_REGISTERED;
        if (rereg) {
            u->reregistrations++;
            u->rereg_latency = now - u->started;
        } else {
            u->registrations++;
            u->latency = now - u->started;
        }
        gboolean enc = sec_agree_encrypts(&u->chosen);
        g_autofree char *algs = sec_agree_algs_text(&u->chosen);
        SimAttr attrs[] = {
            SIM_ATTR_S("impu", u->impu),
            SIM_ATTR_I("latency_us", (rereg ? u->rereg_latency : u->latency) / SIM_US),
            SIM_ATTR_I("registers", u->attempt_registers),
            SIM_ATTR_S("algorithms", algs),
            SIM_ATTR_S("confidentiality", enc ? "ipsec-esp" : "not provided"),
            SIM_ATTR_I("expires_s", granted / SIM_S),
        };
        ue_event(u, rereg ? "reregistered" : "registered", attrs, G_N_ELEMENTS(attrs));
        presence_up(u);
        /* TS 24.229 §5.1.1.4.1: refresh when half the time is gone (registrations this short). */
        if (granted > 0)
            u->rereg_timer = sim_engine_schedule_in(u->node->world->engine, granted / 2, reregister, u);
        return;
    }
    if (st == 401 && u->state == UE_WAIT_CHALLENGE) {
        on_challenge(u, resp);
        return;
    }
    g_autofree char *why = g_strdup_printf("%d %s", st, resp->reason_phrase ? resp->reason_phrase : "");
    fail(u, why);
    ue_presence_deregistered(u->presence);
    remove_sas(u);
    u->state = UE_IDLE;
}

/* ---- SIP handlers ---- */

static void on_response(SipNode *sn, SipTxn *txn, const osip_message_t *resp, void *user)
{
    Ue *u = user;
    (void)sn;
    if (ue_presence_handle_response(u->presence, txn, resp))
        return;
    const char *method = sip_message_cseq_method(resp);
    if (resp->status_code >= 200 && method && g_str_equal(method, "REGISTER")) /* not a presence leftover */
        on_final(u, resp);
}

static void on_failure(SipNode *sn, SipTxn *txn, const char *why, void *user)
{
    Ue *u = user;
    (void)sn;
    if (ue_presence_handle_failure(u->presence, txn, why))
        return;
    const char *method = sip_txn_request(txn)->sip_method;
    if (!method || !g_str_equal(method, "REGISTER"))
        return; /* a presence request of a SipUa freed since */
    g_autofree char *msg = g_strdup_printf("no answer (%s)", why);
    fail(u, msg);
    ue_presence_deregistered(u->presence);
    remove_sas(u);
    u->state = UE_IDLE;
}

static void on_request(SipNode *sn, SipTxn *txn, const osip_message_t *req, const SipPeer *from, void *user)
{
    Ue *u = user;
    (void)from;
    if (!txn)
        return;
    /* Requests to the UE come through its SA from the P-CSCF (NOTIFY of the reg event later). */
    const NetIpInfo *ip = sip_node_arrival(sn);
    if (!ip->esp_spi && u->sas) {
        sip_node_reply(sn, txn, 403, "Forbidden", NULL);
        return;
    }
    if (ue_presence_handle_request(u->presence, txn, req))
        return;
    if (g_str_equal(req->sip_method, "NOTIFY")) { /* RFC 6665 §4.1.3: no such subscription */
        sip_node_reply(sn, txn, 481, "Subscription Does Not Exist", NULL);
        return;
    }
    sip_node_reply(sn, txn, 200, "OK", NULL);
    ue_event(u, "request-received", (SimAttr[]){SIM_ATTR_S("method", req->sip_method)}, 1);
}

/* ---- actions ---- */

static void register_run(SimNode *node, const char *name, const SimConfig *args)
{
    (void)name, (void)args;
    Ue *u = node->impl;
    if (u->state != UE_IDLE) {
        ue_event(u, "action-ignored", (SimAttr[]){SIM_ATTR_S("action", "register"), SIM_ATTR_S("state", state_names[u->state])}, 2);
        return;
    }
    start_registration(u);
}

static void deregister_run(SimNode *node, const char *name, const SimConfig *args)
{
    (void)name, (void)args;
    Ue *u = node->impl;
    if (u->state != UE_REGISTERED) {
        ue_event(u, "action-ignored", (SimAttr[]){SIM_ATTR_S("action", "deregister"), SIM_ATTR_S("state", state_names[u->state])}, 2);
        return;
    }
    sim_engine_cancel(node->world->engine, u->rereg_timer);
    u->rereg_timer = 0;
    ue_presence_deregistered(u->presence); /* nothing more through the SAs than the de-REGISTER */
    u->state = UE_WAIT_DEREG;
    send_register(u, build_register(u, TRUE, NULL, 0), TRUE);
}

static const SimKeySpec no_keys[] = {SIM_KEY_END};

const SimActionKind sim_action_register = {
    .name = "register",
    .summary = "register the UE's IMS subscription (IMS AKA, Sec-Agree, IPsec ESP)",
    .keys = no_keys,
    .node_kinds = (const char *const[]){"ue", NULL},
    .run = register_run,
};

const SimActionKind sim_action_deregister = {
    .name = "deregister",
    .summary = "de-register (REGISTER with Expires 0 through the SAs)",
    .keys = no_keys,
    .node_kinds = (const char *const[]){"ue", NULL},
    .run = deregister_run,
};

/* ---- kind ---- */

static void ue_free(void *impl)
{
    Ue *u = impl;
    ue_ut_free(u->ut); /* before the USIM it uses */
    ue_presence_free(u->presence);
    sip_node_free(u->sip);
    aka_usim_free(u->usim);
    if (u->server_list)
        g_ptr_array_unref(u->server_list);
    OPENSSL_cleanse(u->password, sizeof u->password);
    sim_rng_free(u->rng);
    g_free(u->impi);
    g_free(u->impu);
    g_free(u->realm);
    g_free(u->pcscf);
    g_free(u->call_id);
    g_free(u->from_tag);
    g_free(u->nonce);
    g_free(u->last_failure);
    g_free(u);
}

static gboolean ue_create(SimNode *node, const SimConfig *cfg, GError **error)
{
    Ue *u = g_new0(Ue, 1);
    u->node = node;
    node->impl = u;
    node->impl_free = ue_free;
    u->release = atoi(sim_config_string(cfg, "release"));
    u->pcscf = g_strdup(sim_config_string(cfg, "pcscf"));
    u->mine.port_c = sim_config_port(cfg, "port-c");
    u->mine.port_s = sim_config_port(cfg, "port-s");
    u->expires_wanted = sim_config_time(cfg, "expires");
    u->rng = sim_node_rng_new(node, "ue");
    const SimConfig *sub = sim_world_record(node->world, "subscriber", sim_config_string(cfg, "subscriber"));
    if (!sub) {
        g_set_error(error, SIM_PARSE_ERROR, 0, "no subscriber '%s'", sim_config_string(cfg, "subscriber"));
        return FALSE;
    }
    u->impi = g_strdup(sim_config_string(sub, "impi"));
    u->realm = g_strdup(ims_impi_realm(u->impi));
    g_auto(GStrv) impus = sim_config_list(sub, "impus");
    u->impu = g_strdup(impus[0]);
    g_autoptr(GBytes) k = sim_config_has(cfg, "k") ? sim_config_hex(cfg, "k") : sim_config_hex(sub, "k");
    uint8_t opc[16];
    gboolean ok;
    if (sim_config_has(sub, "opc")) {
        g_autoptr(GBytes) o = sim_config_hex(sub, "opc");
        memcpy(opc, g_bytes_get_data(o, NULL), 16);
        ok = TRUE;
    } else {
        g_autoptr(GBytes) op = sim_config_hex(sub, "op");
        /* OPc is computed with the subscriber's K: an ISIM with a wrong K still has the operator's OPc. */
        g_autoptr(GBytes) sk = sim_config_hex(sub, "k");
        ok = milenage_compute_opc(g_bytes_get_data(sk, NULL), g_bytes_get_data(op, NULL), opc, error);
    }
    if (ok)
        u->usim = aka_usim_new(g_bytes_get_data(k, NULL), opc, NULL, error);
    OPENSSL_cleanse(opc, sizeof opc);
    if (!u->usim)
        return FALSE;
    static const SipNodeHandlers h = {.request = on_request, .response = on_response, .failure = on_failure};
    u->sip = sip_node_new(node, &h, u);
    u->presence = ue_presence_new(node, u->sip, u->impu, cfg);
    u->ut = ue_ut_new(node, u->usim, u->impi, u->impu, cfg, error);
    if (!u->ut)
        return FALSE;
    return sip_node_listen_sec_agree(u->sip, u->mine.port_c, u->mine.port_s, error);
}

static void ue_report(SimNode *node, SimReport *r)
{
    Ue *u = node->impl;
    SipNodeStats s;
    sip_node_stats(u->sip, &s);
    sim_report_begin(r, "ues");
    sim_report_begin(r, node->name);
    sim_report_string(r, "impi", u->impi);
    sim_report_int(r, "release", u->release);
    sim_report_string(r, "state", state_names[u->state]);
    sim_report_uint(r, "registrations", u->registrations);
    sim_report_uint(r, "reregistrations", u->reregistrations);
    sim_report_uint(r, "challenges", u->challenges);
    sim_report_uint(r, "resyncs", u->resyncs);
    sim_report_uint(r, "failures", u->failures);
    if (u->last_failure)
        sim_report_string(r, "last_failure", u->last_failure);
    if (u->registrations) {
        sim_report_double(r, "registration_latency_ms", (double)u->latency / 1e6, 6);
        if (u->reregistrations)
            sim_report_double(r, "reregistration_latency_ms", (double)u->rereg_latency / 1e6, 6);
        g_autofree char *algs = sec_agree_algs_text(&u->chosen);
        sim_report_string(r, "algorithms", algs);
        gboolean enc = sec_agree_encrypts(&u->chosen);
        sim_report_string(r, "confidentiality", enc ? "ipsec-esp" : "not provided");
    }
    sim_report_begin(r, "sip");
    sim_report_uint(r, "requests_sent", s.requests_sent);
    sim_report_uint(r, "responses_received", s.responses_received);
    sim_report_uint(r, "requests_received", s.requests_received);
    sim_report_uint(r, "bytes_sent", s.bytes_sent);
    sim_report_uint(r, "bytes_received", s.bytes_received);
    sim_report_end(r);
    net_ipsec_report(net_ipsec_of(net_stack_of(node)), r);
    ue_presence_report(u->presence, r);
    ue_ut_report(u->ut, r);
    sim_report_end(r);
    sim_report_end(r);
}

const SimNodeKind sim_node_kind_ue = {
    .name = "ue",
    .summary = "IMS user equipment: ISIM, IMS AKA registration, Sec-Agree and ESP with its P-CSCF",
    .keys = ue_keys,
    .forwarding = FALSE,
    .check = sec_agree_check_ports,
    .create = ue_create,
    .report = ue_report,
};
