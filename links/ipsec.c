/* ipsec.c: SPD / SAD lookups and the ESP hook of the IP stack (RFC 4301 §5, RFC 4303 §3). */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_IP
#include "links/ipsec.h"
#include "sim-core/sim-host-clock.h"
#include <string.h>

typedef struct {
    NetIpsecSelector sel;
    EspSa *sa;
    EspSaDirection dir;
    char *label;
} Entry;

struct NetIpsec {
    NetIpHook hook; /* first: the stack calls it */
    NetStack *stack;
    GPtrArray *entries;  /* Entry*, installation order */
    GArray *required;    /* NetIpsecSelector */
    SimRng *iv_rng;
    char *cpu_category; /* "<node>:esp" for host.json */
    NetIpsecStats stats;
};

static void entry_free(gpointer p)
{
    Entry *e = p;
    esp_sa_free(e->sa);
    g_free(e->label);
    g_free(e);
}

static gboolean addr_match(const SimAddr *want, const SimAddr *got)
{
    return want->family == SIM_AF_NONE || sim_addr_is_unspecified(want) || sim_addr_equal(want, got);
}

static gboolean sel_match(const NetIpsecSelector *s, const SimAddr *local, uint16_t lport, const SimAddr *remote,
                          uint16_t rport, uint8_t proto)
{
    return addr_match(&s->local, local) && addr_match(&s->remote, remote) && (!s->local_port || s->local_port == lport) &&
           (!s->remote_port || s->remote_port == rport) && (!s->proto || s->proto == proto);
}

/* Source and destination ports of a UDP or TCP segment; 0 for other protocols. */
static void ports_of(const uint8_t *seg, size_t len, uint8_t proto, uint16_t *sport, uint16_t *dport)
{
    *sport = *dport = 0;
    if ((proto == NET_PROTO_UDP || proto == NET_PROTO_TCP) && len >= 4) {
        *sport = (uint16_t)(seg[0] << 8 | seg[1]);
        *dport = (uint16_t)(seg[2] << 8 | seg[3]);
    }
}

EspSa *net_ipsec_lookup_outbound(NetIpsec *ipsec, const SimAddr *local, uint16_t lport, const SimAddr *remote,
                                 uint16_t rport, uint8_t proto)
{
    for (guint i = 0; i < ipsec->entries->len; i++) {
        Entry *e = ipsec->entries->pdata[i];
        if (e->dir == ESP_SA_OUTBOUND && sel_match(&e->sel, local, lport, remote, rport, proto))
            return e->sa;
    }
    return NULL;
}

static Entry *find_inbound(NetIpsec *ipsec, uint32_t spi)
{
    for (guint i = 0; i < ipsec->entries->len; i++) {
        Entry *e = ipsec->entries->pdata[i];
        if (e->dir == ESP_SA_INBOUND && esp_sa_spi(e->sa) == spi)
            return e;
    }
    return NULL;
}

EspSa *net_ipsec_find_sa(NetIpsec *ipsec, uint32_t spi, EspSaDirection direction)
{
    for (guint i = 0; i < ipsec->entries->len; i++) {
        Entry *e = ipsec->entries->pdata[i];
        if (e->dir == direction && esp_sa_spi(e->sa) == spi)
            return e->sa;
    }
    return NULL;
}

static NetHookVerdict hook_output(NetIpHook *self, SimPacket **pkt, const SimAddr *src, const SimAddr *dst,
                                  uint8_t *proto, const char **reason)
{
    NetIpsec *ipsec = (NetIpsec *)self;
    uint16_t sport, dport;
    ports_of(sim_packet_data(*pkt), (*pkt)->len, *proto, &sport, &dport);
    EspSa *sa = net_ipsec_lookup_outbound(ipsec, src, sport, dst, dport, *proto);
    if (!sa)
        return NET_HOOK_ACCEPT; /* no policy: plaintext (RFC 4301 BYPASS) */
    uint8_t iv[ESP_MAX_IV_LEN];
    size_t iv_len = esp_sa_iv_len(sa);
    sim_rng_bytes(ipsec->iv_rng, iv, iv_len);
    GByteArray *out = g_byte_array_new();
    GError *err = NULL;
    int64_t t0 = sim_host_cpu_now();
    gboolean sealed = esp_sa_seal(sa, sim_packet_data(*pkt), (*pkt)->len, *proto, iv_len ? iv : NULL, out, &err);
    sim_host_cpu_add(ipsec->cpu_category, sim_host_cpu_now() - t0);
    if (!sealed) {
        g_debug("%s: ESP seal failed: %s", net_stack_node(ipsec->stack)->name, err->message);
        g_error_free(err);
        g_byte_array_unref(out);
        *reason = "esp-seal-failed";
        return NET_HOOK_DROP;
    }
    SimPacket *esp = sim_packet_new(out->data, out->len, SIM_PACKET_HEADROOM);
    esp->uid = (*pkt)->uid;
    ipsec->stats.sealed++;
    ipsec->stats.bytes_added += out->len - (*pkt)->len;
    g_byte_array_unref(out);
    sim_packet_unref(*pkt);
    *pkt = esp;
    *proto = NET_PROTO_ESP;
    return NET_HOOK_ACCEPT;
}

static NetHookVerdict hook_input(NetIpHook *self, SimPacket **pkt, NetIpInfo *ip, const char **reason)
{
    NetIpsec *ipsec = (NetIpsec *)self;
    const uint8_t *d = sim_packet_data(*pkt);
    size_t len = (*pkt)->len;
    if (ip->proto != NET_PROTO_ESP) {
        uint16_t sport, dport;
        ports_of(d, len, ip->proto, &sport, &dport);
        for (guint i = 0; i < ipsec->required->len; i++)
            if (sel_match(&g_array_index(ipsec->required, NetIpsecSelector, i), &ip->dst, dport, &ip->src, sport,
                          ip->proto)) {
                ipsec->stats.policy_drops++;
                *reason = "ipsec-policy"; /* TS 33.203 §7.1: protected ports take ESP only */
                return NET_HOOK_DROP;
            }
        return NET_HOOK_ACCEPT;
    }
    if (len < 8) {
        ipsec->stats.malformed++;
        *reason = "esp-malformed";
        return NET_HOOK_DROP;
    }
    uint32_t spi = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
    Entry *e = find_inbound(ipsec, spi);
    if (!e) {
        ipsec->stats.unknown_spi++;
        *reason = "esp-unknown-spi";
        return NET_HOOK_DROP;
    }
    GByteArray *payload = g_byte_array_new();
    uint8_t nh = 0;
    int64_t t0 = sim_host_cpu_now();
    EspOpenResult r = esp_sa_open(e->sa, d, len, payload, &nh);
    sim_host_cpu_add(ipsec->cpu_category, sim_host_cpu_now() - t0);
    if (r != ESP_OPEN_OK) {
        g_byte_array_unref(payload);
        switch (r) {
        case ESP_OPEN_BAD_ICV: ipsec->stats.bad_icv++; *reason = "esp-bad-icv"; break;
        case ESP_OPEN_REPLAY: ipsec->stats.replayed++; *reason = "esp-replay"; break;
        case ESP_OPEN_DUMMY: *reason = "esp-dummy"; break;
        default: ipsec->stats.malformed++; *reason = "esp-malformed"; break;
        }
        return NET_HOOK_DROP;
    }
    uint16_t sport, dport;
    ports_of(payload->data, payload->len, nh, &sport, &dport);
    if (!sel_match(&e->sel, &ip->dst, dport, &ip->src, sport, nh)) {
        /* RFC 4301 §5.2 step 4: the inner packet must be one this SA was made for. */
        g_byte_array_unref(payload);
        ipsec->stats.selector_mismatch++;
        *reason = "ipsec-selector";
        return NET_HOOK_DROP;
    }
    SimPacket *inner = sim_packet_new(payload->data, payload->len, SIM_PACKET_HEADROOM);
    inner->uid = (*pkt)->uid;
    g_byte_array_unref(payload);
    sim_packet_unref(*pkt);
    *pkt = inner;
    ip->proto = nh;
    ip->esp_spi = spi;
    ipsec->stats.opened++;
    return NET_HOOK_ACCEPT;
}

static void ipsec_free(void *p)
{
    NetIpsec *ipsec = p;
    g_ptr_array_free(ipsec->entries, TRUE);
    g_array_free(ipsec->required, TRUE);
    sim_rng_free(ipsec->iv_rng);
    g_free(ipsec->cpu_category);
    g_free(ipsec);
}

NetIpsec *net_ipsec_of(NetStack *stack)
{
    void **slot = net_stack_ipsec_slot(stack);
    if (!*slot) {
        NetIpsec *ipsec = g_new0(NetIpsec, 1);
        ipsec->hook.output = hook_output;
        ipsec->hook.input = hook_input;
        ipsec->stack = stack;
        ipsec->entries = g_ptr_array_new_with_free_func(entry_free);
        ipsec->required = g_array_new(FALSE, TRUE, sizeof(NetIpsecSelector));
        ipsec->iv_rng = sim_node_rng_new(net_stack_node(stack), "esp-iv");
        ipsec->cpu_category = g_strdup_printf("%s:esp", net_stack_node(stack)->name);
        *slot = ipsec;
        net_stack_set_ipsec(stack, &ipsec->hook, ipsec_free);
    }
    return *slot;
}

gboolean net_ipsec_add_sa(NetIpsec *ipsec, const NetIpsecSelector *sel, EspSa *sa, const char *label, GError **error)
{
    EspSaDirection dir = esp_sa_direction(sa);
    if (dir == ESP_SA_INBOUND && find_inbound(ipsec, esp_sa_spi(sa))) {
        g_set_error(error, ESP_ERROR, ESP_ERROR_EXISTS, "an inbound SA with SPI %u exists", esp_sa_spi(sa));
        esp_sa_free(sa);
        return FALSE;
    }
    Entry *e = g_new0(Entry, 1);
    e->sel = *sel;
    e->sa = sa;
    e->dir = dir;
    e->label = g_strdup(label ? label : "");
    g_ptr_array_add(ipsec->entries, e);
    char l[SIM_ADDR_STRLEN], r[SIM_ADDR_STRLEN];
    sim_addr_to_string(&sel->local, l);
    sim_addr_to_string(&sel->remote, r);
    GString *uat = g_string_new(NULL);
    gboolean out = dir == ESP_SA_OUTBOUND;
    esp_sa_wireshark_uat(sa, out ? l : r, out ? r : l, uat);
    SimAttr attrs[] = {
        SIM_ATTR_S("label", e->label),
        SIM_ATTR_I("spi", esp_sa_spi(sa)),
        SIM_ATTR_S("direction", out ? "out" : "in"),
        SIM_ATTR_S("src", out ? l : r),
        SIM_ATTR_I("src_port", out ? sel->local_port : sel->remote_port),
        SIM_ATTR_S("dst", out ? r : l),
        SIM_ATTR_I("dst_port", out ? sel->remote_port : sel->local_port),
        SIM_ATTR_S("alg", esp_auth_alg_to_string(esp_sa_auth(sa))),
        SIM_ATTR_S("ealg", esp_encr_alg_to_string(esp_sa_encr(sa))),
        SIM_ATTR_S("wireshark_uat", uat->str),
    };
    sim_node_event(net_stack_node(ipsec->stack), "sa-installed", attrs, G_N_ELEMENTS(attrs));
    g_string_free(uat, TRUE);
    return TRUE;
}

gboolean net_ipsec_remove_sa(NetIpsec *ipsec, uint32_t spi, EspSaDirection direction)
{
    for (guint i = 0; i < ipsec->entries->len; i++) {
        Entry *e = ipsec->entries->pdata[i];
        if (e->dir == direction && esp_sa_spi(e->sa) == spi) {
            SimAttr attrs[] = {SIM_ATTR_S("label", e->label), SIM_ATTR_I("spi", spi),
                               SIM_ATTR_S("direction", direction == ESP_SA_OUTBOUND ? "out" : "in")};
            sim_node_event(net_stack_node(ipsec->stack), "sa-removed", attrs, G_N_ELEMENTS(attrs));
            g_ptr_array_remove_index(ipsec->entries, i);
            return TRUE;
        }
    }
    return FALSE;
}

static gboolean sel_equal(const NetIpsecSelector *a, const NetIpsecSelector *b)
{
    return sim_addr_equal(&a->local, &b->local) && sim_addr_equal(&a->remote, &b->remote) &&
           a->local_port == b->local_port && a->remote_port == b->remote_port && a->proto == b->proto;
}

void net_ipsec_require(NetIpsec *ipsec, const NetIpsecSelector *sel)
{
    g_array_append_val(ipsec->required, *sel);
}

void net_ipsec_unrequire(NetIpsec *ipsec, const NetIpsecSelector *sel)
{
    for (guint i = 0; i < ipsec->required->len; i++)
        if (sel_equal(&g_array_index(ipsec->required, NetIpsecSelector, i), sel)) {
            g_array_remove_index(ipsec->required, i);
            return;
        }
}

void net_ipsec_stats(const NetIpsec *ipsec, NetIpsecStats *out)
{
    *out = ipsec->stats;
}

void net_ipsec_report(const NetIpsec *ipsec, SimReport *r)
{
    const NetIpsecStats *st = &ipsec->stats;
    sim_report_begin(r, "esp");
    sim_report_uint(r, "sealed", st->sealed);
    sim_report_uint(r, "opened", st->opened);
    sim_report_uint(r, "bytes_added", st->bytes_added);
    sim_report_double(r, "bytes_added_per_message", st->sealed ? (double)st->bytes_added / (double)st->sealed : 0.0, 2);
    sim_report_uint(r, "bad_icv", st->bad_icv);
    sim_report_uint(r, "replayed", st->replayed);
    sim_report_uint(r, "unknown_spi", st->unknown_spi);
    sim_report_uint(r, "malformed", st->malformed);
    sim_report_uint(r, "selector_mismatch", st->selector_mismatch);
    sim_report_uint(r, "policy_drops", st->policy_drops);
    sim_report_end(r);
}
