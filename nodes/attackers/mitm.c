/* mitm.c: the man-in-the-middle router. */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/attackers/mitm.h"
#include "links/inet-checksum.h"
#include "links/ip-frag.h"
#include "links/net-stack.h"
#include "nodes/ims/sec-agree.h"
#include "protocols/sip/sip-message.h"
#include <string.h>

typedef struct {
    SimNode *node;
    gboolean strip;
    int64_t tamper_every, replay_every;
    uint64_t seen, rewritten, esp_seen, tampered, replayed;
    GPtrArray *pending; /* Replay* scheduled and not yet sent */
    IpReasm *reasm;     /* fragments held until the datagram is whole */
} Mitm;

static const SimKeySpec mitm_keys[] = {
    {"strip-encryption", SIM_KEY_BOOL, "true", "remove encrypting mechanisms from Security-Client and Security-Server",
     NULL, 0, 0, NULL},
    {"tamper-esp-every", SIM_KEY_INT, "0", "flip a bit in every Nth ESP packet forwarded (0: never)", NULL, 0, 1000000, NULL},
    {"replay-esp-every", SIM_KEY_INT, "0", "send a copy of every Nth ESP packet again 1 ms later (0: never)", NULL, 0,
     1000000, NULL},
    SIM_KEY_END,
};

/* Keeps only the mechanisms without encryption; TRUE when something was removed. */
static gboolean strip_list(osip_message_t *m, const char *header)
{
    g_autofree char *text = sip_message_header_joined(m, header);
    GPtrArray *list = text ? sip_sec_parse(text, NULL) : NULL;
    if (!list)
        return FALSE;
    gboolean changed = FALSE;
    for (guint i = 0; i < list->len;) {
        SecAgreeAlgs a;
        if (sec_agree_algs(list->pdata[i], &a) && sec_agree_encrypts(&a)) {
            g_ptr_array_remove_index(list, i);
            changed = TRUE;
        } else {
            i++;
        }
    }
    if (changed && list->len) {
        g_autofree char *out = sip_sec_format(list);
        sip_message_remove_header(m, header);
        sip_message_add_header(m, header, out, NULL);
    }
    g_ptr_array_unref(list);
    return changed;
}

typedef struct {
    Mitm *mi;
    SimPacket *pkt;
} Replay;

static void replay_now(void *arg)
{
    Replay *r = arg;
    r->mi->replayed++;
    guint idx;
    if (g_ptr_array_find(r->mi->pending, r, &idx))
        g_ptr_array_steal_index(r->mi->pending, idx); /* not remove: that would free R */
    sim_node_event(r->mi->node, "mitm-replay", (SimAttr[]){SIM_ATTR_I("uid", r->pkt->uid)}, 1);
    net_stack_inject(net_stack_of(r->mi->node), r->pkt);
    g_free(r);
}

static void replay_free(gpointer p)
{
    Replay *r = p;
    sim_packet_unref(r->pkt);
    g_free(r);
}

/* ESP attacks: flip one bit of the ciphertext/ICV (the receiver's ICV check must catch it), or
 * send an exact copy again (the receiver's replay window must catch it; RFC 4303 §3.4.3). */
static void esp_attacks(Mitm *mi, SimPacket **pkt, size_t ihl)
{
    mi->esp_seen++;
    /* One attack per packet: a tampered original would make its replayed copy look fresh. */
    if (mi->replay_every && mi->esp_seen % (uint64_t)mi->replay_every == 0) {
        Replay *r = g_new0(Replay, 1);
        r->mi = mi;
        r->pkt = sim_packet_copy(*pkt);
        g_ptr_array_add(mi->pending, r);
        sim_engine_schedule_in(mi->node->world->engine, SIM_MS, replay_now, r);
        return;
    }
    if (mi->tamper_every && mi->esp_seen % (uint64_t)mi->tamper_every == 0 && (*pkt)->len > ihl + 16) {
        uint8_t *d = sim_packet_data(*pkt);
        d[(*pkt)->len - 1] ^= 0x01; /* the last byte of the ICV */
        mi->tampered++;
        sim_node_event(mi->node, "mitm-tamper", (SimAttr[]){SIM_ATTR_I("uid", (*pkt)->uid)}, 1);
    }
}

/* Attacks on a whole datagram: ESP tampering and replay, Sec-Agree stripping (rewriting the SIP
 * payload of an unprotected UDP datagram: new IP and UDP lengths and checksums). */
static void attack(Mitm *mi, SimPacket **pkt)
{
    const uint8_t *d = sim_packet_data(*pkt);
    size_t len = (*pkt)->len;
    if (len < 1)
        return;
    gboolean v6 = (d[0] >> 4) == 6;
    size_t ihl = v6 ? 40 : (size_t)(d[0] & 0x0f) * 4;
    if (len >= ihl + 8 && (v6 ? d[6] : d[9]) == NET_PROTO_ESP) {
        esp_attacks(mi, pkt, ihl);
        return;
    }
    if (len < ihl + 8 || (v6 ? d[6] : d[9]) != NET_PROTO_UDP)
        return;
    const uint8_t *udp = d + ihl;
    uint16_t sport = (uint16_t)(udp[0] << 8 | udp[1]), dport = (uint16_t)(udp[2] << 8 | udp[3]);
    if (sport != 5060 && dport != 5060)
        return;
    size_t ulen = (size_t)udp[4] << 8 | udp[5];
    if (ulen < 8 || ihl + ulen > len)
        return;
    mi->seen++;
    osip_message_t *m = sip_message_parse(udp + 8, ulen - 8, NULL);
    if (!m)
        return;
    gboolean changed = FALSE;
    if (mi->strip) {
        if (MSG_IS_REQUEST(m) && m->sip_method && g_str_equal(m->sip_method, "REGISTER"))
            changed = strip_list(m, "Security-Client");
        else if (MSG_IS_RESPONSE(m) && m->status_code == 401)
            changed = strip_list(m, "Security-Server");
    }
    size_t nlen = 0;
    guint8 *body = changed ? sip_message_to_bytes(m, &nlen, NULL) : NULL;
    const char *what = MSG_IS_REQUEST(m) ? "Security-Client" : "Security-Server";
    sip_message_free(m);
    if (!body)
        return;
    SimPacket *np = sim_packet_new_empty(SIM_PACKET_HEADROOM, ihl + 8 + nlen);
    uint8_t *h = sim_packet_put(np, ihl + 8 + nlen);
    memcpy(h, d, ihl + 8);
    memcpy(h + ihl + 8, body, nlen);
    g_free(body);
    np->uid = (*pkt)->uid;
    uint8_t *nu = h + ihl;
    size_t nulen = 8 + nlen;
    nu[4] = (uint8_t)(nulen >> 8);
    nu[5] = (uint8_t)nulen;
    nu[6] = nu[7] = 0;
    SimAddr src, dst;
    if (v6) {
        h[4] = (uint8_t)(nulen >> 8);
        h[5] = (uint8_t)nulen;
        sim_addr_from_ipv6(&src, h + 8);
        sim_addr_from_ipv6(&dst, h + 24);
    } else {
        size_t total = ihl + nulen;
        h[2] = (uint8_t)(total >> 8);
        h[3] = (uint8_t)total;
        h[10] = h[11] = 0;
        uint16_t ck = inet_checksum(h, ihl);
        h[10] = (uint8_t)(ck >> 8);
        h[11] = (uint8_t)ck;
        sim_addr_from_ipv4(&src, h + 12);
        sim_addr_from_ipv4(&dst, h + 16);
    }
    uint16_t uck = inet_checksum_pseudo(&src, &dst, NET_PROTO_UDP, nu, nulen);
    if (uck == 0)
        uck = 0xffff;
    nu[6] = (uint8_t)(uck >> 8);
    nu[7] = (uint8_t)uck;
    sim_packet_unref(*pkt);
    *pkt = np;
    mi->rewritten++;
    sim_node_event(mi->node, "mitm-rewrite", (SimAttr[]){SIM_ATTR_S("header", what), SIM_ATTR_S("attack", "strip-encryption")}, 2);
    return;
}

static void reasm_drop(void *ctx, SimPacket *pkt, const char *reason)
{
    Mitm *mi = ctx;
    sim_trace_packet(mi->node->world->trace, SIM_TRACE_DROP, mi->node->name, NULL, sim_packet_data(pkt), pkt->len,
                     pkt->uid, reason);
    sim_packet_unref(pkt);
}

/* The attacker works on whole datagrams, as a real one would: fragments are held until the datagram
 * is complete, which is then attacked and sent on (the stack fragments it again for the link). */
static NetForwardVerdict forward_hook(void *ctx, SimPacket **pkt, const char **reason)
{
    Mitm *mi = ctx;
    (void)reason;
    const uint8_t *d = sim_packet_data(*pkt);
    size_t len = (*pkt)->len;
    gboolean fragment = (len >= 20 && (d[0] >> 4) == 4 && (((unsigned)d[6] << 8 | d[7]) & 0x3fff)) ||
                        (len >= 48 && (d[0] >> 4) == 6 && d[6] == 44);
    if (!fragment) {
        attack(mi, pkt);
        return NET_FORWARD_PASS;
    }
    SimPacket *whole = ip_reasm_input(mi->reasm, *pkt);
    *pkt = NULL;
    if (whole) {
        attack(mi, &whole);
        net_stack_inject(net_stack_of(mi->node), whole);
    }
    return NET_FORWARD_TAKEN;
}

static void mitm_free(void *impl)
{
    Mitm *mi = impl;
    g_ptr_array_free(mi->pending, TRUE); /* replays the run ended before */
    ip_reasm_free(mi->reasm);
    g_free(mi);
}

static gboolean mitm_create(SimNode *node, const SimConfig *cfg, GError **error)
{
    (void)error;
    Mitm *mi = g_new0(Mitm, 1);
    mi->node = node;
    mi->pending = g_ptr_array_new_with_free_func(replay_free);
    mi->reasm = ip_reasm_new(node->world->engine, reasm_drop, mi);
    mi->strip = sim_config_bool(cfg, "strip-encryption");
    mi->tamper_every = sim_config_int(cfg, "tamper-esp-every");
    mi->replay_every = sim_config_int(cfg, "replay-esp-every");
    node->impl = mi;
    node->impl_free = mitm_free;
    net_stack_set_forward_hook(net_stack_of(node), forward_hook, mi);
    return TRUE;
}

static void mitm_report(SimNode *node, SimReport *r)
{
    Mitm *mi = node->impl;
    sim_report_begin(r, "nodes");
    sim_report_begin(r, node->name);
    sim_report_string(r, "kind", "mitm");
    sim_report_uint(r, "sip_seen", mi->seen);
    sim_report_uint(r, "sip_rewritten", mi->rewritten);
    sim_report_uint(r, "esp_seen", mi->esp_seen);
    sim_report_uint(r, "esp_tampered", mi->tampered);
    sim_report_uint(r, "esp_replayed", mi->replayed);
    sim_report_end(r);
    sim_report_end(r);
}

const SimNodeKind sim_node_kind_mitm = {
    .name = "mitm",
    .summary = "an attacker router between UE and P-CSCF that strips encryption from Sec-Agree headers",
    .keys = mitm_keys,
    .forwarding = TRUE,
    .create = mitm_create,
    .report = mitm_report,
};
