/* pcscf.c: the P-CSCF.
 *
 * DESIGN NOTES
 * One PcscfUe per IMPI. States and the function that makes each transition:
 *   IDLE --REGISTER with Security-Client on 5060 (on_register_unprotected)--> CHALLENGING
 *   CHALLENGING --401 from the core (on_401): keys taken, SAs installed--> SA_PENDING
 *   SA_PENDING --REGISTER through the inbound SA, Security-Verify == Security-Server
 *                (on_register_protected)--> AUTHENTICATING
 *   SA_PENDING --Security-Verify differs: 494, SAs removed (on_register_protected)--> IDLE
 *   AUTHENTICATING --200 (on_register_answer)--> REGISTERED;  --4xx: SAs removed--> IDLE
 *   REGISTERED --re-REGISTER through the SA--> REGISTERED;  --de-REGISTER 200: SAs removed--> IDLE
 * Invariants: SAs exist only in SA_PENDING, AUTHENTICATING and REGISTERED; plaintext to the protected
 * ports from the UE's address is dropped by the IP stack while they exist (net_ipsec_require).
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/ims/pcscf.h"
#include "links/ipsec.h"
#include "nodes/ims/ims-common.h"
#include "nodes/ims/sec-agree.h"
#include "nodes/ims/sip-node.h"
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

typedef enum { UE_IDLE, UE_CHALLENGING, UE_SA_PENDING, UE_AUTHENTICATING, UE_REGISTERED } UeState;

static const char *const state_names[] = {"idle", "challenging", "sa-pending", "authenticating", "registered"};

typedef struct {
    char *impi;
    UeState state;
    SimAddr ue_addr, my_addr;
    SecAgreeEndpoint ue, mine;
    gboolean ue_offered_encryption;
    GPtrArray *ue_offer;     /* SipSecMechanism* */
    GPtrArray *server_sent;  /* SipSecMechanism*: our Security-Server */
    SecAgreeAlgs chosen;
    gboolean sas;
    char *asserted;          /* the default public identity (first P-Associated-URI) */
    char *service_route;     /* first Service-Route entry */
    uint16_t contact_port;   /* the UE's protected server port */
    SimTime registered_at;
    uint64_t registrations, downgrades;
} PcscfUe;

typedef struct {
    SimNode *node;
    SipNode *sip;
    int release;
    gboolean encrypt; /* confidentiality = ipsec (Rel-6) */
    gboolean verify;  /* check Security-Verify */
    uint16_t port_c, port_s;
    char *icscf;      /* node name */
    GHashTable *ues;  /* impi -> PcscfUe* */
    GPtrArray *ue_order; /* PcscfUe*, first-seen order, for reports */
    SimRng *rng;
    uint64_t forwarded, rejected_unprotected;
} Pcscf;

/* What a client transaction forwarded by the P-CSCF needs to relay the answer. */
typedef struct {
    SipTxn *server;
    PcscfUe *ue; /* NULL for requests not tied to a registration */
    gboolean is_register, protected_path;
} Fwd;

static const char *const release_choices[] = {"5", "6", NULL};
static const char *const conf_choices[] = {"ipsec", "trust-access-network", NULL};

static const SimKeySpec pcscf_keys[] = {
    {"release", SIM_KEY_ENUM, "6", "3GPP release: 5 offers integrity only; 6 also encryption", release_choices, 0, 0, NULL},
    {"confidentiality", SIM_KEY_ENUM, "ipsec", "Rel-6 policy: ipsec offers ESP encryption; trust-access-network "
                                               "relies on the access network and offers none (seed 002 §3)",
     conf_choices, 0, 0, NULL},
    {"icscf", SIM_KEY_NAME, NULL, "the I-CSCF of the home network REGISTERs are sent to", NULL, 0, 0, "node"},
    {"port-c", SIM_KEY_PORT, "5066", "protected client port (TS 33.203 §7.1)", NULL, 0, 0, NULL},
    {"port-s", SIM_KEY_PORT, "5068", "protected server port (TS 33.203 §7.1)", NULL, 0, 0, NULL},
    {"verify-security", SIM_KEY_BOOL, "true", "check Security-Verify against the Security-Server sent (RFC 3329 "
                                              "§2.3.1); false models a P-CSCF that skips it",
     NULL, 0, 0, NULL},
    SIM_KEY_END,
};

static void ue_free(gpointer p)
{
    PcscfUe *u = p;
    g_free(u->impi);
    if (u->ue_offer)
        g_ptr_array_unref(u->ue_offer);
    if (u->server_sent)
        g_ptr_array_unref(u->server_sent);
    g_free(u->asserted);
    g_free(u->service_route);
    g_free(u);
}

static void event(Pcscf *p, const char *name, PcscfUe *u, const char *key, const char *value)
{
    SimAttr attrs[] = {SIM_ATTR_S("impi", u ? u->impi : ""), SIM_ATTR_S(key ? key : "detail", value ? value : "")};
    sim_node_event(p->node, name, attrs, key ? 2 : 1);
}

/* ---- SAs ---- */

static void remove_sas(Pcscf *p, PcscfUe *u)
{
    if (!u->sas)
        return;
    NetIpsec *ipsec = net_ipsec_of(net_stack_of(p->node));
    net_ipsec_remove_sa(ipsec, u->mine.spi_s, ESP_SA_INBOUND);
    net_ipsec_remove_sa(ipsec, u->mine.spi_c, ESP_SA_INBOUND);
    net_ipsec_remove_sa(ipsec, u->ue.spi_c, ESP_SA_OUTBOUND);
    net_ipsec_remove_sa(ipsec, u->ue.spi_s, ESP_SA_OUTBOUND);
    NetIpsecSelector req_s = {.local = u->my_addr, .remote = u->ue_addr, .local_port = p->port_s, .proto = NET_PROTO_UDP};
    NetIpsecSelector req_c = {.local = u->my_addr, .remote = u->ue_addr, .local_port = p->port_c, .proto = NET_PROTO_UDP};
    net_ipsec_unrequire(ipsec, &req_s);
    net_ipsec_unrequire(ipsec, &req_c);
    u->sas = FALSE;
}

static uint32_t fresh_spi(Pcscf *p, PcscfUe *u, uint32_t other)
{
    NetIpsec *ipsec = net_ipsec_of(net_stack_of(p->node));
    for (;;) {
        uint32_t spi = (uint32_t)sim_rng_range(p->rng, 256, 0xffffffffLL); /* 1..255 reserved (RFC 4303 §2.1) */
        if (spi != u->ue.spi_c && spi != u->ue.spi_s && spi != other && !net_ipsec_find_sa(ipsec, spi, ESP_SA_INBOUND))
            return spi;
    }
}

/* TS 33.203 §7.1: four unidirectional SAs, keyed from CK/IK by Annex I. */
static gboolean install_sas(Pcscf *p, PcscfUe *u, const uint8_t ck[16], const uint8_t ik[16])
{
    NetIpsec *ipsec = net_ipsec_of(net_stack_of(p->node));
    struct {
        uint32_t spi;
        EspSaDirection dir;
        uint16_t lport, rport;
        const char *label;
    } sas[] = {
        {u->mine.spi_s, ESP_SA_INBOUND, p->port_s, u->ue.port_c, "UE port-c -> P-CSCF port-s"},
        {u->mine.spi_c, ESP_SA_INBOUND, p->port_c, u->ue.port_s, "UE port-s -> P-CSCF port-c"},
        {u->ue.spi_c, ESP_SA_OUTBOUND, p->port_s, u->ue.port_c, "P-CSCF port-s -> UE port-c"},
        {u->ue.spi_s, ESP_SA_OUTBOUND, p->port_c, u->ue.port_s, "P-CSCF port-c -> UE port-s"},
    };
    for (guint i = 0; i < G_N_ELEMENTS(sas); i++) {
        GError *err = NULL;
        EspSa *sa = esp_sa_new_ims(sas[i].spi, sas[i].dir, u->chosen.alg, u->chosen.ealg, ck, ik, &err);
        NetIpsecSelector sel = {.local = u->my_addr, .remote = u->ue_addr, .local_port = sas[i].lport,
                                .remote_port = sas[i].rport, .proto = NET_PROTO_UDP};
        g_autofree char *label = g_strdup_printf("%s %s", u->impi, sas[i].label);
        if (!sa || !net_ipsec_add_sa(ipsec, &sel, sa, label, &err)) {
            event(p, "sa-failed", u, "error", err ? err->message : "?");
            g_clear_error(&err);
            u->sas = TRUE;
            remove_sas(p, u);
            return FALSE;
        }
    }
    NetIpsecSelector req_s = {.local = u->my_addr, .remote = u->ue_addr, .local_port = p->port_s, .proto = NET_PROTO_UDP};
    NetIpsecSelector req_c = {.local = u->my_addr, .remote = u->ue_addr, .local_port = p->port_c, .proto = NET_PROTO_UDP};
    net_ipsec_require(ipsec, &req_s);
    net_ipsec_require(ipsec, &req_c);
    u->sas = TRUE;
    g_autofree char *algs = sec_agree_algs_text(&u->chosen);
    event(p, "sa-established", u, "algorithms", algs);
    return TRUE;
}

/* ---- helpers ---- */

static gboolean core_peer(Pcscf *p, SipPeer *out)
{
    SimAddr a;
    SimNode *icscf = sim_world_find_node(p->node->world, p->icscf);
    if (!icscf || !ims_node_address(icscf, &a))
        return FALSE;
    sip_peer_udp(out, &a, IMS_SIP_PORT, IMS_SIP_PORT);
    return TRUE;
}

/* Rewrites the Authorization header: integrity-protected (TS 24.229 §5.2.2) and, a presim extension
 * carrying seed 002's SM8 "Confidentiality-Protection", confidentiality-protected. */
static void mark_authorization(osip_message_t *m, const char *integrity, const char *confidentiality)
{
    const char *text = sip_message_get_header(m, "Authorization", 0);
    SipAuth *a = text ? sip_auth_parse(text, NULL) : NULL;
    if (!a)
        return;
    sip_auth_set(a, "integrity-protected", integrity, TRUE);
    if (confidentiality)
        sip_auth_set(a, "confidentiality-protected", confidentiality, TRUE);
    g_autofree char *out = sip_auth_format(a);
    sip_auth_free(a);
    sip_message_remove_header(m, "Authorization");
    sip_message_add_header(m, "Authorization", out, NULL);
}

static char *auth_username(const osip_message_t *m)
{
    const char *text = sip_message_get_header(m, "Authorization", 0);
    SipAuth *a = text ? sip_auth_parse(text, NULL) : NULL;
    char *u = a && sip_auth_get(a, "username") ? g_strdup(sip_auth_get(a, "username")) : NULL;
    if (a)
        sip_auth_free(a);
    return u;
}

static void decrement_max_forwards(osip_message_t *m)
{
    const char *mf = sip_message_get_header(m, "Max-Forwards", 0);
    int v = mf ? atoi(mf) : 70;
    g_autofree char *nv = g_strdup_printf("%d", v > 0 ? v - 1 : 0);
    sip_message_remove_header(m, "Max-Forwards");
    sip_message_add_header(m, "Max-Forwards", nv, NULL);
}

/* Sends FWD_MSG (taken) to the core in a client transaction tied to SERVER. */
static void forward_to(Pcscf *p, SipTxn *server, osip_message_t *m, const SipPeer *to, PcscfUe *u, gboolean reg,
                       gboolean protected_path)
{
    GError *err = NULL;
    decrement_max_forwards(m);
    if (!sip_node_push_via(p->sip, m, IMS_SIP_PORT, &err)) {
        sip_message_free(m);
        g_clear_error(&err);
        sip_node_reply(p->sip, server, 500, "Server Internal Error", NULL);
        return;
    }
    SipTxn *c = sip_node_send_request(p->sip, m, to, &err);
    if (!c) {
        g_debug("%s: forward failed: %s", p->node->name, err ? err->message : "?");
        g_clear_error(&err);
        sip_node_reply(p->sip, server, 503, "Service Unavailable", NULL);
        return;
    }
    Fwd *f = g_new0(Fwd, 1);
    f->server = server;
    f->ue = u;
    f->is_register = reg;
    f->protected_path = protected_path;
    sip_txn_set_user_data(c, f);
    p->forwarded++;
}

/* The REGISTER as it goes to the core (TS 24.229 §5.2.2): the sec-agree headers stop here; Path
 * (RFC 3327) and P-Visited-Network-ID are added; integrity-protected tells the S-CSCF how it came. */
static osip_message_t *register_for_core(Pcscf *p, const osip_message_t *req, const char *integrity,
                                        const char *confidentiality)
{
    osip_message_t *m = sip_message_clone(req);
    static const char *const strip[] = {"Security-Client", "Security-Verify", "Require", "Proxy-Require"};
    for (guint i = 0; i < G_N_ELEMENTS(strip); i++)
        sip_message_remove_header(m, strip[i]);
    g_autofree char *host = ims_host_name(p->node);
    g_autofree char *path = g_strdup_printf("<sip:term@%s:%d;lr>", host, IMS_SIP_PORT);
    sip_message_add_header(m, "Path", path, NULL);
    sip_message_add_header(m, "P-Visited-Network-ID", p->node->domain && *p->node->domain ? p->node->domain : host,
                           NULL);
    mark_authorization(m, integrity, confidentiality);
    return m;
}

static PcscfUe *ue_get(Pcscf *p, const char *impi)
{
    PcscfUe *u = g_hash_table_lookup(p->ues, impi);
    if (!u) {
        u = g_new0(PcscfUe, 1);
        u->impi = g_strdup(impi);
        g_hash_table_insert(p->ues, u->impi, u);
        g_ptr_array_add(p->ue_order, u);
    }
    return u;
}

/* ---- REGISTER ---- */

static void on_register_unprotected(Pcscf *p, SipTxn *txn, const osip_message_t *req)
{
    g_autofree char *impi = auth_username(req);
    const NetIpInfo *ip = sip_node_arrival(p->sip);
    if (!impi) {
        sip_node_reply(p->sip, txn, 403, "Forbidden", NULL); /* IMS AKA needs the IMPI (TS 24.229 §5.1.1.2) */
        return;
    }
    g_autofree char *sc = sip_message_header_joined(req, "Security-Client");
    GError *err = NULL;
    GPtrArray *offer = sc ? sip_sec_parse(sc, &err) : NULL;
    if (!offer || offer->len == 0) {
        /* RFC 3329 §2.3.1: Sec-Agree is required here. */
        g_clear_error(&err);
        if (offer)
            g_ptr_array_unref(offer);
        GError *e2 = NULL;
        osip_message_t *r = sip_response_new(sip_txn_request(txn), 494, "Security Agreement Required", NULL, &e2);
        if (r) {
            g_autofree char *list = NULL;
            SecAgreeEndpoint none = {0};
            GPtrArray *mine = sec_agree_pcscf_offer(p->release, p->encrypt, &none);
            list = sip_sec_format(mine);
            g_ptr_array_unref(mine);
            sip_message_add_header(r, "Security-Server", list, NULL);
            sip_node_respond(p->sip, txn, r, NULL);
        }
        g_clear_error(&e2);
        return;
    }
    PcscfUe *u = ue_get(p, impi);
    remove_sas(p, u); /* a fresh registration starts over (TS 33.203 §7.4) */
    if (u->ue_offer)
        g_ptr_array_unref(u->ue_offer);
    u->ue_offer = offer;
    SecAgreeEndpoint ep = {0};
    sec_agree_endpoint(offer->pdata[0], &ep);
    u->ue = ep;
    u->ue_addr = ip->src;
    u->my_addr = ip->dst;
    u->ue_offered_encryption = FALSE;
    for (guint i = 0; i < offer->len; i++) {
        SecAgreeAlgs a;
        if (sec_agree_algs(offer->pdata[i], &a) && sec_agree_encrypts(&a))
            u->ue_offered_encryption = TRUE;
    }
    u->state = UE_CHALLENGING;
    osip_message_t *m = register_for_core(p, req, "no", NULL);
    SipPeer core;
    if (!core_peer(p, &core)) {
        sip_message_free(m);
        sip_node_reply(p->sip, txn, 503, "Service Unavailable", NULL);
        return;
    }
    forward_to(p, txn, m, &core, u, TRUE, FALSE);
}

static void on_register_protected(Pcscf *p, SipTxn *txn, const osip_message_t *req)
{
    g_autofree char *impi = auth_username(req);
    const NetIpInfo *ip = sip_node_arrival(p->sip);
    PcscfUe *u = impi ? g_hash_table_lookup(p->ues, impi) : NULL;
    if (!u || !u->sas || ip->esp_spi != u->mine.spi_s) {
        /* Not through this user's SA: not the user it claims to be (TS 33.203 §7.1). */
        sip_node_reply(p->sip, txn, 403, "Forbidden", NULL);
        return;
    }
    if (p->verify && u->state == UE_SA_PENDING) {
        g_autofree char *sv = sip_message_header_joined(req, "Security-Verify");
        g_autofree char *sc = sip_message_header_joined(req, "Security-Client");
        GPtrArray *verify = sv ? sip_sec_parse(sv, NULL) : NULL;
        GPtrArray *client = sc ? sip_sec_parse(sc, NULL) : NULL;
        GString *why = g_string_new(NULL);
        /* TS 33.203 §7.2: Security-Verify must equal the Security-Server sent, and the Security-Client
         * of this protected request the one of the first REGISTER; either differing means the
         * unprotected exchange was tampered with. */
        gboolean same = verify && sip_sec_equal(verify, u->server_sent, why);
        if (same && !(client && sip_sec_equal(client, u->ue_offer, why)))
            same = FALSE, g_string_prepend(why, "Security-Client differs from the first REGISTER: ");
        if (verify)
            g_ptr_array_unref(verify);
        if (client)
            g_ptr_array_unref(client);
        if (!same) {
            /* RFC 3329 §2.3.1 / TS 33.203 §7.2: a tampered Security-Server; registration aborted. */
            u->downgrades++;
            event(p, "downgrade-detected", u, "why", why->len ? why->str : "Security-Verify missing");
            g_string_free(why, TRUE);
            sip_node_reply(p->sip, txn, 494, "Security Agreement Required", NULL);
            remove_sas(p, u);
            u->state = UE_IDLE;
            return;
        }
        g_string_free(why, TRUE);
    }
    osip_message_t *m = register_for_core(p, req, "yes", sec_agree_encrypts(&u->chosen) ? "yes" : "no");
    if (u->state == UE_SA_PENDING)
        u->state = UE_AUTHENTICATING;
    SipPeer core;
    if (!core_peer(p, &core)) {
        sip_message_free(m);
        sip_node_reply(p->sip, txn, 503, "Service Unavailable", NULL);
        return;
    }
    forward_to(p, txn, m, &core, u, TRUE, TRUE);
}

/* The S-CSCF's challenge: take CK and IK, choose, install the SAs, answer with Security-Server. */
static void on_401(Pcscf *p, Fwd *f, osip_message_t *resp)
{
    PcscfUe *u = f->ue;
    const char *text = sip_message_get_header(resp, "WWW-Authenticate", 0);
    SipAuth *a = text ? sip_auth_parse(text, NULL) : NULL;
    uint8_t ck[16], ik[16];
    gboolean keys = FALSE;
    if (a) {
        const char *cks = sip_auth_get(a, "ck"), *iks = sip_auth_get(a, "ik");
        if (cks && iks && strlen(cks) == 32 && strlen(iks) == 32) {
            keys = TRUE;
            for (int i = 0; i < 16; i++) {
                int h1 = g_ascii_xdigit_value(cks[2 * i]), l1 = g_ascii_xdigit_value(cks[2 * i + 1]);
                int h2 = g_ascii_xdigit_value(iks[2 * i]), l2 = g_ascii_xdigit_value(iks[2 * i + 1]);
                if (h1 < 0 || l1 < 0 || h2 < 0 || l2 < 0)
                    keys = FALSE;
                ck[i] = (uint8_t)(h1 << 4 | l1);
                ik[i] = (uint8_t)(h2 << 4 | l2);
            }
        }
        /* TS 33.203 §7.1: CK and IK never leave the P-CSCF towards the UE. */
        sip_auth_remove(a, "ck");
        sip_auth_remove(a, "ik");
        g_autofree char *out = sip_auth_format(a);
        sip_auth_free(a);
        sip_message_remove_header(resp, "WWW-Authenticate");
        sip_message_add_header(resp, "WWW-Authenticate", out, NULL);
    }
    if (!u || !keys || !u->ue_offer) {
        event(p, "challenge-without-keys", u, NULL, NULL);
        return; /* relayed as is; the UE cannot set up SAs */
    }
    u->mine.port_c = p->port_c;
    u->mine.port_s = p->port_s;
    u->mine.spi_c = fresh_spi(p, u, 0);
    u->mine.spi_s = fresh_spi(p, u, u->mine.spi_c);
    if (u->server_sent)
        g_ptr_array_unref(u->server_sent);
    u->server_sent = sec_agree_pcscf_offer(p->release, p->encrypt, &u->mine);
    const SipSecMechanism *choice = sec_agree_pcscf_select(u->server_sent, u->ue_offer);
    if (!choice) {
        event(p, "no-common-mechanism", u, NULL, NULL);
        return;
    }
    sec_agree_algs(choice, &u->chosen);
    g_autofree char *list = sip_sec_format(u->server_sent);
    sip_message_add_header(resp, "Security-Server", list, NULL);
    if (install_sas(p, u, ck, ik))
        u->state = UE_SA_PENDING;
    OPENSSL_cleanse(ck, sizeof ck);
    OPENSSL_cleanse(ik, sizeof ik);
}

static void on_register_answer(Pcscf *p, Fwd *f, osip_message_t *resp)
{
    PcscfUe *u = f->ue;
    int st = resp->status_code;
    if (!u)
        return;
    if (st == 401) {
        on_401(p, f, resp);
        return;
    }
    if (st >= 200 && st < 300) {
        const char *exp = sip_message_get_header(resp, "Expires", 0);
        gboolean dereg = exp && atoi(exp) == 0;
        if (dereg) {
            u->state = UE_IDLE; /* SAs go after the 200 is on its way (on_response) */
            event(p, "ue-deregistered", u, NULL, NULL);
            return;
        }
        g_autofree char *pau = sip_message_header_joined(resp, "P-Associated-URI");
        GPtrArray *uris = pau ? sip_name_addr_list_parse(pau, NULL) : NULL;
        g_free(u->asserted);
        u->asserted = NULL;
        if (uris && uris->len) {
            SipNameAddr *na = uris->pdata[0];
            u->asserted = g_strdup(na->uri);
        }
        if (uris)
            g_ptr_array_unref(uris);
        g_autofree char *sr = sip_message_header_joined(resp, "Service-Route");
        GPtrArray *routes = sr ? sip_name_addr_list_parse(sr, NULL) : NULL;
        g_free(u->service_route);
        u->service_route = routes && routes->len ? g_strdup(((SipNameAddr *)routes->pdata[0])->uri) : NULL;
        if (routes)
            g_ptr_array_unref(routes);
        gboolean first = u->state != UE_REGISTERED;
        u->state = UE_REGISTERED;
        if (first) {
            u->registrations++;
            u->registered_at = sim_world_now(p->node->world);
            gboolean enc = sec_agree_encrypts(&u->chosen);
            const char *conf = enc ? "ipsec-esp"
                               : !p->encrypt && p->release >= 6 ? "trusted-access-network"
                               : u->ue_offered_encryption ? "not provided"
                                                          : "integrity only";
            g_autofree char *algs = sec_agree_algs_text(&u->chosen);
            SimAttr attrs[] = {SIM_ATTR_S("impi", u->impi), SIM_ATTR_S("algorithms", algs),
                               SIM_ATTR_S("confidentiality", conf), SIM_ATTR_S("asserted", u->asserted ? u->asserted : "")};
            sim_node_event(p->node, "ue-registered", attrs, G_N_ELEMENTS(attrs));
        }
        return;
    }
    if (st >= 300 && u->state != UE_REGISTERED) {
        u->state = UE_IDLE; /* SAs go after the answer is on its way (on_response) */
    }
}

/* ---- requests other than REGISTER ---- */

static PcscfUe *ue_by_spi(Pcscf *p, uint32_t spi)
{
    for (guint i = 0; i < p->ue_order->len; i++) {
        PcscfUe *u = p->ue_order->pdata[i];
        if (u->sas && (u->mine.spi_s == spi || u->mine.spi_c == spi))
            return u;
    }
    return NULL;
}

static PcscfUe *ue_by_addr(Pcscf *p, const SimAddr *a)
{
    for (guint i = 0; i < p->ue_order->len; i++) {
        PcscfUe *u = p->ue_order->pdata[i];
        if (u->state == UE_REGISTERED && sim_addr_equal(&u->ue_addr, a))
            return u;
    }
    return NULL;
}

/* Removes the top Route entries that name this P-CSCF (RFC 3261 §16.4). */
static void pop_own_routes(Pcscf *p, osip_message_t *m)
{
    g_autofree char *host = ims_host_name(p->node);
    for (;;) {
        osip_route_t *r = osip_list_get(&m->routes, 0);
        SimAddr a, mine;
        gboolean ours = r && r->url && r->url->host &&
                        (g_ascii_strcasecmp(r->url->host, host) == 0 ||
                         (sim_addr_parse(r->url->host, &a) && ims_node_address(p->node, &mine) && sim_addr_equal(&a, &mine)));
        if (!ours)
            return;
        osip_list_remove(&m->routes, 0);
        osip_route_free(r);
        osip_message_force_update(m);
    }
}

/* RFC 3261 §16.6 step 4: our Record-Route on top. */
static void record_route(Pcscf *p, osip_message_t *m)
{
    g_autofree char *host = ims_host_name(p->node);
    g_autofree char *value = g_strdup_printf("<sip:%s:%d;lr>", host, IMS_SIP_PORT);
    sip_message_push_record_route(m, value);
}

/* A request from a registered UE through its SA: assert identity and route to the S-CSCF along
 * the Service-Route (RFC 3325 §9.1, TS 24.229 §5.2.6.3). */
static void on_ue_request(Pcscf *p, SipTxn *txn, const osip_message_t *req, PcscfUe *u)
{
    SimAddr a;
    uint16_t port;
    osip_message_t *m = sip_message_clone(req);
    pop_own_routes(p, m);
    osip_route_t *next = osip_list_get(&m->routes, 0);
    osip_generic_param_t *tag = NULL;
    gboolean in_dialog = m->to && osip_to_get_tag(m->to, &tag) == 0 && tag && tag->gvalue;
    /* Inside a dialog: along its route set (RFC 3261 §16.12); else along the Service-Route
     * (TS 24.229 §5.2.6.3.3). */
    char *hop = NULL;
    if (next)
        osip_uri_to_str(next->url, &hop);
    else if (in_dialog)
        osip_uri_to_str(m->req_uri, &hop);
    const char *via = hop ? hop : u->service_route;
    gboolean ok = via && ims_resolve_uri(p->node->world, via, &a, &port);
    osip_free(hop);
    if (!ok) {
        sip_message_free(m);
        sip_node_reply(p->sip, txn, 500, "No Service-Route", NULL);
        return;
    }
    sip_message_remove_header(m, "P-Preferred-Identity");
    sip_message_remove_header(m, "P-Asserted-Identity");
    g_autofree char *pai = g_strdup_printf("<%s>", u->asserted ? u->asserted : "sip:unknown@invalid");
    sip_message_add_header(m, "P-Asserted-Identity", pai, NULL);
    if (!next && !in_dialog) {
        g_autofree char *route = g_strdup_printf("<%s>", u->service_route);
        sip_message_add_header(m, "Route", route, NULL);
        if (g_str_equal(m->sip_method, "SUBSCRIBE"))
            record_route(p, m); /* TS 24.229 §5.2.6.3.3: stay on the dialog's path */
    }
    SipPeer to;
    sip_peer_udp(&to, &a, port, IMS_SIP_PORT);
    forward_to(p, txn, m, &to, u, FALSE, TRUE);
}

/* A request from the core for a registered UE (it came along the Path): to the UE's protected
 * server port, from our protected client port, so through the SA (TS 33.203 §7.1). */
static void on_core_request(Pcscf *p, SipTxn *txn, const osip_message_t *req)
{
    SimAddr a;
    uint16_t port;
    char *ruri = NULL;
    osip_uri_to_str(req->req_uri, &ruri);
    gboolean ok = ruri && ims_resolve_uri(p->node->world, ruri, &a, &port);
    osip_free(ruri);
    PcscfUe *u = ok ? ue_by_addr(p, &a) : NULL;
    if (!u) {
        sip_node_reply(p->sip, txn, 404, "Not Found", NULL);
        return;
    }
    osip_message_t *m = sip_message_clone(req);
    /* Our own Route entry (the Path we inserted) is consumed here. */
    sip_message_remove_header(m, "Route");
    if (g_str_equal(m->sip_method, "NOTIFY"))
        record_route(p, m); /* RFC 6665 §4.1.2.4: the NOTIFY may form the UE's dialog */
    SipPeer to;
    sip_peer_udp(&to, &u->ue_addr, u->ue.port_s, p->port_c);
    decrement_max_forwards(m);
    GError *err = NULL;
    if (!sip_node_push_via(p->sip, m, p->port_c, &err)) {
        g_clear_error(&err);
        sip_message_free(m);
        return;
    }
    SipTxn *c = sip_node_send_request(p->sip, m, &to, &err);
    if (!c) {
        g_clear_error(&err);
        sip_node_reply(p->sip, txn, 503, "Service Unavailable", NULL);
        return;
    }
    Fwd *f = g_new0(Fwd, 1);
    f->server = txn;
    f->ue = u;
    sip_txn_set_user_data(c, f);
}

static void on_request(SipNode *sn, SipTxn *txn, const osip_message_t *req, const SipPeer *from, void *user)
{
    Pcscf *p = user;
    (void)sn, (void)from;
    if (!txn)
        return; /* ACK of a 2xx: nothing to relay in this model */
    const NetIpInfo *ip = sip_node_arrival(p->sip);
    uint16_t port = sip_node_arrival_port(p->sip);
    gboolean is_register = req->sip_method && g_str_equal(req->sip_method, "REGISTER");
    if (port == p->port_s || port == p->port_c) {
        if (is_register)
            on_register_protected(p, txn, req);
        else {
            PcscfUe *u = ue_by_spi(p, ip->esp_spi);
            if (!u || u->state != UE_REGISTERED)
                sip_node_reply(p->sip, txn, 403, "Forbidden", NULL);
            else
                on_ue_request(p, txn, req, u);
        }
        return;
    }
    if (is_register) {
        on_register_unprotected(p, txn, req);
        return;
    }
    /* Unprotected port: from the core (along the Path) or from a UE that is not using its SA. */
    if (ue_by_addr(p, &ip->src)) {
        p->rejected_unprotected++;
        event(p, "unprotected-request-rejected", NULL, "method", req->sip_method);
        sip_node_reply(p->sip, txn, 403, "Forbidden", NULL); /* TS 24.229 §5.2.6.2 / TS 33.203 §7.1 */
        return;
    }
    on_core_request(p, txn, req);
}

static void on_response(SipNode *sn, SipTxn *txn, const osip_message_t *resp, void *user)
{
    Pcscf *p = user;
    (void)sn;
    Fwd *f = sip_txn_get_user_data(txn);
    if (!f)
        return;
    osip_message_t *m = sip_message_clone(resp);
    sip_node_pop_via(m);
    if (f->is_register)
        on_register_answer(p, f, m);
    GError *err = NULL;
    if (!sip_node_respond(p->sip, f->server, m, &err)) {
        g_debug("%s: relay failed: %s", p->node->name, err ? err->message : "?");
        g_clear_error(&err);
    }
    if (f->is_register && f->ue && f->ue->state == UE_IDLE && resp->status_code >= 200)
        remove_sas(p, f->ue); /* de-registered or failed: the answer has gone out through the SA */
    if (resp->status_code >= 200) {
        sip_txn_set_user_data(txn, NULL);
        g_free(f);
    }
}

static void on_failure(SipNode *sn, SipTxn *txn, const char *why, void *user)
{
    Pcscf *p = user;
    (void)sn;
    Fwd *f = sip_txn_get_user_data(txn);
    if (!f)
        return;
    event(p, "forward-failed", f->ue, "why", why);
    sip_node_reply(p->sip, f->server, 408, "Request Timeout", NULL);
    sip_txn_set_user_data(txn, NULL);
    g_free(f);
}

/* ---- kind ---- */

static void pcscf_free(void *impl)
{
    Pcscf *p = impl;
    sip_node_free(p->sip);
    g_hash_table_destroy(p->ues);
    g_ptr_array_free(p->ue_order, TRUE);
    sim_rng_free(p->rng);
    g_free(p->icscf);
    g_free(p);
}

static gboolean pcscf_create(SimNode *node, const SimConfig *cfg, GError **error)
{
    Pcscf *p = g_new0(Pcscf, 1);
    p->node = node;
    p->release = atoi(sim_config_string(cfg, "release"));
    p->encrypt = p->release >= 6 && g_str_equal(sim_config_string(cfg, "confidentiality"), "ipsec");
    p->verify = sim_config_bool(cfg, "verify-security");
    p->port_c = sim_config_port(cfg, "port-c");
    p->port_s = sim_config_port(cfg, "port-s");
    p->icscf = g_strdup(sim_config_string(cfg, "icscf"));
    p->ues = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, ue_free);
    p->ue_order = g_ptr_array_new();
    p->rng = sim_node_rng_new(node, "pcscf");
    node->impl = p;
    node->impl_free = pcscf_free;
    static const SipNodeHandlers h = {.request = on_request, .response = on_response, .failure = on_failure};
    p->sip = sip_node_new(node, &h, p);
    return sip_node_listen_sec_agree(p->sip, p->port_c, p->port_s, error);
}

static void pcscf_report(SimNode *node, SimReport *r)
{
    Pcscf *p = node->impl;
    sim_report_begin(r, "nodes");
    sim_report_begin(r, node->name);
    sim_report_string(r, "kind", "pcscf");
    sim_report_int(r, "release", p->release);
    sim_report_string(r, "confidentiality_policy", p->encrypt ? "ipsec" : p->release >= 6 ? "trust-access-network" : "none");
    sim_report_bool(r, "verify_security", p->verify);
    sim_report_uint(r, "forwarded", p->forwarded);
    sim_report_uint(r, "unprotected_rejected", p->rejected_unprotected);
    net_ipsec_report(net_ipsec_of(net_stack_of(node)), r);
    sim_report_begin(r, "ues");
    for (guint i = 0; i < p->ue_order->len; i++) {
        PcscfUe *u = p->ue_order->pdata[i];
        sim_report_begin(r, u->impi);
        sim_report_string(r, "state", state_names[u->state]);
        g_autofree char *algs = sec_agree_algs_text(&u->chosen);
        sim_report_string(r, "algorithms", u->chosen.alg ? algs : "-");
        sim_report_uint(r, "registrations", u->registrations);
        sim_report_uint(r, "downgrades_detected", u->downgrades);
        sim_report_end(r);
    }
    sim_report_end(r);
    sim_report_end(r);
    sim_report_end(r);
}

const SimNodeKind sim_node_kind_pcscf = {
    .name = "pcscf",
    .summary = "Proxy-CSCF (Rel-5 or Rel-6): Sec-Agree, ESP SAs with the UE, identity assertion",
    .keys = pcscf_keys,
    .forwarding = FALSE,
    .check = sec_agree_check_ports,
    .create = pcscf_create,
    .report = pcscf_report,
};
