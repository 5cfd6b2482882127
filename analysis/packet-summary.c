/* packet-summary.c: bounds-checked IP datagram decoder for logs (see packet-summary.h). */
#include "analysis/packet-summary.h"
#include <string.h>

/* A view of LEN bytes; every accessor checks OFF + size against LEN before reading, in the manner
 * of Wireshark's tvb_get_* (which throw; these return FALSE). */
typedef struct {
    const uint8_t *data;
    size_t len;
} Tvb;

static gboolean tvb_has(const Tvb *t, size_t off, size_t n)
{
    return off <= t->len && n <= t->len - off;
}

static gboolean tvb_u8(const Tvb *t, size_t off, uint8_t *v)
{
    if (!tvb_has(t, off, 1))
        return FALSE;
    *v = t->data[off];
    return TRUE;
}

static gboolean tvb_ntohs(const Tvb *t, size_t off, uint16_t *v)
{
    if (!tvb_has(t, off, 2))
        return FALSE;
    *v = (uint16_t)(t->data[off] << 8 | t->data[off + 1]);
    return TRUE;
}

static gboolean tvb_ntohl(const Tvb *t, size_t off, uint32_t *v)
{
    if (!tvb_has(t, off, 4))
        return FALSE;
    *v = (uint32_t)t->data[off] << 24 | (uint32_t)t->data[off + 1] << 16 | (uint32_t)t->data[off + 2] << 8 |
         t->data[off + 3];
    return TRUE;
}

/* The bytes from OFF to the end (empty when OFF is past it). */
static Tvb tvb_subset_remaining(const Tvb *t, size_t off)
{
    if (off >= t->len)
        return (Tvb){.data = NULL, .len = 0};
    return (Tvb){.data = t->data + off, .len = t->len - off};
}

static gboolean set_malformed(PacketSummary *s, const char *why)
{
    /* The first reason is the one that matters; later ones follow from it. */
    if (!s->malformed) {
        s->malformed = TRUE;
        s->malformed_reason = why;
    }
    return FALSE;
}

const char *packet_summary_proto_name(uint8_t proto)
{
    switch (proto) {
    case PACKET_PROTO_HOPOPTS: return "hopopt";
    case PACKET_PROTO_ICMP: return "icmp";
    case 2: return "igmp";
    case 4: return "ipip";
    case PACKET_PROTO_TCP: return "tcp";
    case PACKET_PROTO_UDP: return "udp";
    case 41: return "ipv6";
    case PACKET_PROTO_ROUTING: return "ipv6-route";
    case PACKET_PROTO_FRAGMENT: return "ipv6-frag";
    case 47: return "gre";
    case PACKET_PROTO_ESP: return "esp";
    case PACKET_PROTO_AH: return "ah";
    case PACKET_PROTO_ICMPV6: return "ipv6-icmp";
    case PACKET_PROTO_NONE: return "ipv6-nonxt";
    case PACKET_PROTO_DSTOPTS: return "ipv6-opts";
    case 132: return "sctp";
    }
    return NULL;
}

const char *packet_summary_tcp_flags(uint8_t flags, char buf[PACKET_TCP_FLAGS_STRLEN])
{
    static const char *const names[8] = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};
    size_t n = 0;
    buf[0] = '\0';
    for (int bit = 0; bit < 8; bit++) {
        if (!(flags & (1u << bit)))
            continue;
        /* 8 names of 3 letters and 7 commas: 31 bytes with the NUL. */
        if (n)
            buf[n++] = ',';
        memcpy(buf + n, names[bit], 3);
        n += 3;
        buf[n] = '\0';
    }
    return buf;
}

/* RFC 768: 8-byte header; the length covers header and data. */
static void decode_udp(const Tvb *t, PacketSummary *s)
{
    if (!tvb_ntohs(t, 0, &s->sport)) {
        set_malformed(s, "truncated UDP header");
        return;
    }
    s->l4 = PACKET_L4_UDP; /* set once a field is read: l4 says which fields may be non-zero */
    if (!tvb_ntohs(t, 2, &s->dport) || !tvb_ntohs(t, 4, &s->udp_len)) {
        set_malformed(s, "truncated UDP header");
        return;
    }
    if (!tvb_has(t, 0, 8))
        set_malformed(s, "truncated UDP header");
    else if (s->udp_len < 8)
        set_malformed(s, "UDP length shorter than its header");
    else if (s->udp_len > t->len)
        set_malformed(s, "UDP length beyond the datagram");
}

/* RFC 9293 §3.1: data offset in 32-bit words, at least 5. */
static void decode_tcp(const Tvb *t, PacketSummary *s)
{
    uint8_t off_byte = 0;
    if (!tvb_ntohs(t, 0, &s->sport)) {
        set_malformed(s, "truncated TCP header");
        return;
    }
    s->l4 = PACKET_L4_TCP;
    if (!tvb_ntohs(t, 2, &s->dport) || !tvb_ntohl(t, 4, &s->tcp_seq) ||
        !tvb_ntohl(t, 8, &s->tcp_ack) || !tvb_u8(t, 12, &off_byte) || !tvb_u8(t, 13, &s->tcp_flags) ||
        !tvb_ntohs(t, 14, &s->tcp_window) || !tvb_has(t, 0, 20)) {
        set_malformed(s, "truncated TCP header");
        return;
    }
    size_t doff = (size_t)(off_byte >> 4) * 4;
    if (doff < 20) {
        set_malformed(s, "TCP data offset shorter than its header");
        return;
    }
    if (!tvb_has(t, 0, doff)) {
        set_malformed(s, "truncated TCP options");
        return;
    }
    s->tcp_payload_len = (uint32_t)(t->len - doff);
}

/* RFC 4303 §2: SPI and sequence number, then encrypted payload. */
static void decode_esp(const Tvb *t, PacketSummary *s)
{
    if (!tvb_ntohl(t, 0, &s->esp_spi)) {
        set_malformed(s, "truncated ESP header");
        return;
    }
    s->l4 = PACKET_L4_ESP;
    if (!tvb_ntohl(t, 4, &s->esp_seq))
        set_malformed(s, "truncated ESP header");
}

/* RFC 792 / RFC 4443 §2.1: type, code, checksum. */
static void decode_icmp(const Tvb *t, PacketSummary *s)
{
    if (!tvb_u8(t, 0, &s->icmp_type)) {
        set_malformed(s, "truncated ICMP header");
        return;
    }
    s->l4 = PACKET_L4_ICMP;
    if (!tvb_u8(t, 1, &s->icmp_code) || !tvb_has(t, 0, 4))
        set_malformed(s, "truncated ICMP header");
}

static void decode_transport(const Tvb *t, PacketSummary *s)
{
    switch (s->proto) {
    case PACKET_PROTO_UDP: decode_udp(t, s); break;
    case PACKET_PROTO_TCP: decode_tcp(t, s); break;
    case PACKET_PROTO_ESP: decode_esp(t, s); break;
    case PACKET_PROTO_ICMP:
        if (s->version == 4)
            decode_icmp(t, s);
        break;
    case PACKET_PROTO_ICMPV6:
        if (s->version == 6)
            decode_icmp(t, s);
        break;
    default: break;
    }
}

/* RFC 791 §3.1. */
static void decode_ipv4(const Tvb *t, PacketSummary *s)
{
    uint8_t b0 = 0;
    uint16_t total = 0, frag = 0;
    tvb_u8(t, 0, &b0);
    size_t ihl = (size_t)(b0 & 0x0f) * 4;
    if (tvb_ntohs(t, 2, &total))
        s->total_len = total;
    tvb_ntohs(t, 6, &frag);
    tvb_u8(t, 8, &s->ttl);
    tvb_u8(t, 9, &s->proto);
    if (tvb_has(t, 12, 8)) {
        sim_addr_from_ipv4(&s->src, t->data + 12);
        sim_addr_from_ipv4(&s->dst, t->data + 16);
        s->has_addrs = TRUE;
    }
    if (!tvb_has(t, 0, 20)) {
        set_malformed(s, "truncated IPv4 header");
        return;
    }
    s->has_header = TRUE;
    if (ihl < 20) {
        set_malformed(s, "IPv4 header length below 20");
        return;
    }
    if (!tvb_has(t, 0, ihl)) {
        set_malformed(s, "truncated IPv4 options");
        return;
    }
    if (total < ihl) {
        set_malformed(s, "IPv4 total length shorter than its header");
        return;
    }
    /* Bytes past the total length are link padding, not ours; fewer is a truncated datagram, which
     * is reported, but whatever transport header is there is still read. */
    size_t end = total;
    if (end > t->len) {
        set_malformed(s, "truncated IPv4 datagram");
        end = t->len;
    }
    if ((frag & 0x1fff) != 0) {
        s->fragment = TRUE; /* RFC 791: offset in 8-byte units; only the first carries the header */
        return;
    }
    Tvb whole = {.data = t->data, .len = end};
    Tvb payload = tvb_subset_remaining(&whole, ihl);
    decode_transport(&payload, s);
}

/* RFC 8200 §3 and §4: the fixed header, then a chain of extension headers. */
static void decode_ipv6(const Tvb *t, PacketSummary *s)
{
    uint16_t plen = 0;
    uint8_t nh = 0;
    if (tvb_ntohs(t, 4, &plen))
        s->total_len = 40u + plen;
    tvb_u8(t, 6, &nh);
    tvb_u8(t, 7, &s->ttl);
    s->proto = nh;
    if (tvb_has(t, 8, 32)) {
        sim_addr_from_ipv6(&s->src, t->data + 8);
        sim_addr_from_ipv6(&s->dst, t->data + 24);
        s->has_addrs = TRUE;
    }
    if (!tvb_has(t, 0, 40)) {
        set_malformed(s, "truncated IPv6 header");
        return;
    }
    s->has_header = TRUE;
    size_t end = 40u + plen;
    if (end > t->len) {
        set_malformed(s, "truncated IPv6 datagram");
        end = t->len;
    }
    Tvb whole = {.data = t->data, .len = end};
    size_t off = 40;
    /* Each header advances OFF by at least 8 bytes, so the walk ends; the cap only bounds the work
     * a crafted chain can ask for. */
    for (int n = 0;; n++) {
        if (n >= 32) {
            set_malformed(s, "too many IPv6 extension headers");
            return;
        }
        uint8_t next = 0, hlen = 0;
        size_t size;
        switch (nh) {
        case PACKET_PROTO_HOPOPTS:
        case PACKET_PROTO_ROUTING:
        case PACKET_PROTO_DSTOPTS:
            /* §4.3, §4.4, §4.6: Hdr Ext Len in 8-octet units, not counting the first 8. */
            if (!tvb_u8(&whole, off, &next) || !tvb_u8(&whole, off + 1, &hlen)) {
                set_malformed(s, "truncated IPv6 extension header");
                return;
            }
            size = ((size_t)hlen + 1) * 8;
            break;
        case PACKET_PROTO_FRAGMENT: {
            /* §4.5: fixed 8 bytes; offset in 8-octet units in the top 13 bits. */
            uint16_t fo = 0;
            if (!tvb_u8(&whole, off, &next) || !tvb_ntohs(&whole, off + 2, &fo)) {
                set_malformed(s, "truncated IPv6 fragment header");
                return;
            }
            size = 8;
            if ((fo >> 3) != 0) {
                s->proto = next;
                s->fragment = TRUE;
                if (!tvb_has(&whole, off, size))
                    set_malformed(s, "truncated IPv6 fragment header");
                return;
            }
            break;
        }
        case PACKET_PROTO_AH:
            /* RFC 4302 §2.2: Payload Len in 32-bit words, minus 2. */
            if (!tvb_u8(&whole, off, &next) || !tvb_u8(&whole, off + 1, &hlen)) {
                set_malformed(s, "truncated AH header");
                return;
            }
            size = ((size_t)hlen + 2) * 4;
            break;
        default:
            goto transport;
        }
        if (!tvb_has(&whole, off, size)) {
            set_malformed(s, "truncated IPv6 extension header");
            return;
        }
        off += size;
        nh = next;
        s->proto = nh;
    }
transport:;
    Tvb payload = tvb_subset_remaining(&whole, off);
    decode_transport(&payload, s);
}

gboolean packet_summary_decode(const uint8_t *data, size_t len, PacketSummary *out)
{
    memset(out, 0, sizeof *out);
    Tvb t = {.data = data, .len = data ? len : 0};
    uint8_t b0;
    if (!tvb_u8(&t, 0, &b0)) {
        set_malformed(out, "empty datagram");
        return FALSE;
    }
    switch (b0 >> 4) {
    case 4:
        out->version = 4;
        decode_ipv4(&t, out);
        break;
    case 6:
        out->version = 6;
        decode_ipv6(&t, out);
        break;
    default: set_malformed(out, "not IPv4 or IPv6"); break;
    }
    return !out->malformed;
}

void packet_summary_format(const PacketSummary *s, GString *out)
{
    char a[SIM_ADDR_STRLEN], b[SIM_ADDR_STRLEN];
    if (s->version == 0) {
        g_string_append(out, "not IP");
    } else {
        g_string_append_printf(out, "IPv%u", s->version);
        if (s->has_addrs)
            g_string_append_printf(out, " %s > %s", sim_addr_to_string(&s->src, a), sim_addr_to_string(&s->dst, b));
        /* Without the whole fixed header, proto, ttl and length may not have been read. */
        if (s->has_header) {
            const char *pn = packet_summary_proto_name(s->proto);
            if (pn)
                g_string_append_printf(out, " %s", pn);
            else
                g_string_append_printf(out, " proto %u", s->proto);
            g_string_append_printf(out, " ttl %u len %u", s->ttl, s->total_len);
        }
        if (s->fragment)
            g_string_append(out, " fragment");
    }
    char flags[PACKET_TCP_FLAGS_STRLEN];
    switch (s->l4) {
    case PACKET_L4_UDP:
        g_string_append_printf(out, " %u > %u ulen %u", s->sport, s->dport, s->udp_len);
        break;
    case PACKET_L4_TCP:
        g_string_append_printf(out, " %u > %u [%s] seq %u ack %u win %u payload %u", s->sport, s->dport,
                               packet_summary_tcp_flags(s->tcp_flags, flags), s->tcp_seq, s->tcp_ack,
                               s->tcp_window, s->tcp_payload_len);
        break;
    case PACKET_L4_ESP: g_string_append_printf(out, " spi 0x%08x seq %u", s->esp_spi, s->esp_seq); break;
    case PACKET_L4_ICMP: g_string_append_printf(out, " type %u code %u", s->icmp_type, s->icmp_code); break;
    case PACKET_L4_NONE: break;
    }
    if (s->malformed)
        g_string_append_printf(out, " [malformed: %s]", s->malformed_reason);
}
