/* test-packet-summary.c: analysis/packet-summary decodes valid IPv4/IPv6 UDP, TCP, ESP and ICMP
 * datagrams; truncated, mutated and random input never reads out of bounds (each case is copied
 * into a heap block of exactly its length, so ASan sees any over-read) and is flagged malformed. */
#include "analysis/packet-summary.h"
#include "links/inet-checksum.h"
#include "sim-core/sim-rng.h"
#include <string.h>

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

/* An IPv4 header (RFC 791, no options) for a payload of PLEN bytes; returns 20. */
static size_t ipv4_header(uint8_t *p, const char *src, const char *dst, uint8_t proto, size_t plen, uint16_t frag)
{
    SimAddr s, d;
    g_assert_true(sim_addr_parse(src, &s));
    g_assert_true(sim_addr_parse(dst, &d));
    memset(p, 0, 20);
    p[0] = 0x45;
    put16(p + 2, (uint16_t)(20 + plen));
    put16(p + 4, 0x1234);
    put16(p + 6, frag);
    p[8] = 64;
    p[9] = proto;
    memcpy(p + 12, s.bytes, 4);
    memcpy(p + 16, d.bytes, 4);
    put16(p + 10, inet_checksum(p, 20));
    return 20;
}

/* An IPv6 fixed header (RFC 8200 §3); returns 40. */
static size_t ipv6_header(uint8_t *p, const char *src, const char *dst, uint8_t nh, size_t plen)
{
    SimAddr s, d;
    g_assert_true(sim_addr_parse(src, &s));
    g_assert_true(sim_addr_parse(dst, &d));
    memset(p, 0, 40);
    p[0] = 0x60;
    put16(p + 4, (uint16_t)plen);
    p[6] = nh;
    p[7] = 255;
    memcpy(p + 8, s.bytes, 16);
    memcpy(p + 24, d.bytes, 16);
    return 40;
}

static size_t udp_segment(uint8_t *p, uint16_t sport, uint16_t dport, size_t payload)
{
    put16(p, sport);
    put16(p + 2, dport);
    put16(p + 4, (uint16_t)(8 + payload));
    put16(p + 6, 0);
    for (size_t i = 0; i < payload; i++)
        p[8 + i] = (uint8_t)('a' + i % 26);
    return 8 + payload;
}

/* TCP with a 4-byte MSS option (data offset 6) and PAYLOAD bytes. */
static size_t tcp_segment(uint8_t *p, uint8_t flags, size_t payload)
{
    memset(p, 0, 24);
    put16(p, 49152);
    put16(p + 2, 5061);
    put32(p + 4, 0xdeadbeef);
    put32(p + 8, 0x01020304);
    p[12] = 6 << 4;
    p[13] = flags;
    put16(p + 14, 65535);
    p[20] = 2; /* MSS */
    p[21] = 4;
    put16(p + 22, 1460);
    memset(p + 24, 'x', payload);
    return 24 + payload;
}

static size_t esp_packet(uint8_t *p, size_t payload)
{
    put32(p, 0xc0ffee01);
    put32(p + 4, 7);
    memset(p + 8, 0x5a, payload);
    return 8 + payload;
}

/* Copies LEN bytes into a heap block of exactly LEN bytes before decoding: an over-read is then an
 * ASan heap-buffer-overflow, not a silent read of the caller's stack. */
static gboolean decode_exact(const uint8_t *data, size_t len, PacketSummary *s)
{
    uint8_t *copy = len ? g_memdup2(data, len) : NULL;
    gboolean ok = packet_summary_decode(copy, len, s);
    g_assert_true(ok == !s->malformed);
    g_assert_true(s->malformed == (s->malformed_reason != NULL));
    g_autoptr(GString) line = g_string_new(NULL);
    packet_summary_format(s, line);
    g_assert_true(line->len > 0);
    g_free(copy);
    return ok;
}

static void test_ipv4_udp(void)
{
    uint8_t pkt[128];
    size_t n = udp_segment(pkt + 20, 5060, 5070, 30);
    size_t len = ipv4_header(pkt, "10.0.1.2", "10.0.2.2", 17, n, 0x4000) + n;
    PacketSummary s;
    g_assert_true(decode_exact(pkt, len, &s));
    g_assert_cmpuint(s.version, ==, 4);
    g_assert_true(s.has_addrs);
    char a[SIM_ADDR_STRLEN];
    g_assert_cmpstr(sim_addr_to_string(&s.src, a), ==, "10.0.1.2");
    g_assert_cmpstr(sim_addr_to_string(&s.dst, a), ==, "10.0.2.2");
    g_assert_cmpuint(s.proto, ==, 17);
    g_assert_cmpuint(s.ttl, ==, 64);
    g_assert_cmpuint(s.total_len, ==, len);
    g_assert_cmpint(s.l4, ==, PACKET_L4_UDP);
    g_assert_cmpuint(s.sport, ==, 5060);
    g_assert_cmpuint(s.dport, ==, 5070);
    g_assert_cmpuint(s.udp_len, ==, 38);
    g_assert_false(s.fragment);

    g_autoptr(GString) line = g_string_new(NULL);
    packet_summary_format(&s, line);
    g_assert_cmpstr(line->str, ==, "IPv4 10.0.1.2 > 10.0.2.2 udp ttl 64 len 58 5060 > 5070 ulen 38");

    /* Link padding after the total length is ignored. */
    memset(pkt + len, 0, 6);
    g_assert_true(decode_exact(pkt, len + 6, &s));
    g_assert_cmpuint(s.udp_len, ==, 38);
}

static void test_ipv4_tcp(void)
{
    uint8_t pkt[128];
    size_t n = tcp_segment(pkt + 20, PACKET_TCP_SYN | PACKET_TCP_ACK, 10);
    size_t len = ipv4_header(pkt, "192.0.2.1", "198.51.100.7", 6, n, 0) + n;
    PacketSummary s;
    g_assert_true(decode_exact(pkt, len, &s));
    g_assert_cmpint(s.l4, ==, PACKET_L4_TCP);
    g_assert_cmpuint(s.sport, ==, 49152);
    g_assert_cmpuint(s.dport, ==, 5061);
    g_assert_cmpuint(s.tcp_seq, ==, 0xdeadbeef);
    g_assert_cmpuint(s.tcp_ack, ==, 0x01020304);
    g_assert_cmpuint(s.tcp_window, ==, 65535);
    g_assert_cmpuint(s.tcp_payload_len, ==, 10);
    char f[PACKET_TCP_FLAGS_STRLEN];
    g_assert_cmpstr(packet_summary_tcp_flags(s.tcp_flags, f), ==, "SYN,ACK");
    g_assert_cmpstr(packet_summary_tcp_flags(0, f), ==, "");
    g_assert_cmpstr(packet_summary_tcp_flags(0xff, f), ==, "FIN,SYN,RST,PSH,ACK,URG,ECE,CWR");
    g_assert_cmpstr(packet_summary_tcp_flags(PACKET_TCP_FIN | PACKET_TCP_PSH | PACKET_TCP_ACK, f), ==,
                    "FIN,PSH,ACK");
}

static void test_ipv4_esp_icmp(void)
{
    uint8_t pkt[128];
    size_t n = esp_packet(pkt + 20, 40);
    size_t len = ipv4_header(pkt, "10.0.0.1", "10.0.0.2", 50, n, 0) + n;
    PacketSummary s;
    g_assert_true(decode_exact(pkt, len, &s));
    g_assert_cmpint(s.l4, ==, PACKET_L4_ESP);
    g_assert_cmpuint(s.esp_spi, ==, 0xc0ffee01);
    g_assert_cmpuint(s.esp_seq, ==, 7);
    g_assert_cmpstr(packet_summary_proto_name(s.proto), ==, "esp");

    uint8_t icmp[8] = {8, 0, 0, 0, 0, 1, 0, 1};
    memcpy(pkt + 20, icmp, 8);
    len = ipv4_header(pkt, "10.0.0.1", "10.0.0.2", 1, 8, 0) + 8;
    g_assert_true(decode_exact(pkt, len, &s));
    g_assert_cmpint(s.l4, ==, PACKET_L4_ICMP);
    g_assert_cmpuint(s.icmp_type, ==, 8);
    g_assert_cmpuint(s.icmp_code, ==, 0);
}

static void test_ipv4_fragment(void)
{
    uint8_t pkt[128];
    memset(pkt + 20, 0xee, 16);
    size_t len = ipv4_header(pkt, "10.0.0.1", "10.0.0.2", 17, 16, 0x0003 /* offset 24 bytes */) + 16;
    PacketSummary s;
    g_assert_true(decode_exact(pkt, len, &s));
    g_assert_true(s.fragment);
    g_assert_cmpint(s.l4, ==, PACKET_L4_NONE);
}

static void test_ipv6_udp_tcp_esp(void)
{
    uint8_t pkt[256];
    size_t n = udp_segment(pkt + 40, 5060, 5060, 20);
    size_t len = ipv6_header(pkt, "2001:db8::1", "2001:db8:1::2", 17, n) + n;
    PacketSummary s;
    g_assert_true(decode_exact(pkt, len, &s));
    g_assert_cmpuint(s.version, ==, 6);
    char a[SIM_ADDR_STRLEN];
    g_assert_cmpstr(sim_addr_to_string(&s.src, a), ==, "2001:db8::1");
    g_assert_cmpstr(sim_addr_to_string(&s.dst, a), ==, "2001:db8:1::2");
    g_assert_cmpuint(s.ttl, ==, 255);
    g_assert_cmpuint(s.total_len, ==, len);
    g_assert_cmpint(s.l4, ==, PACKET_L4_UDP);
    g_assert_cmpuint(s.udp_len, ==, 28);

    n = tcp_segment(pkt + 40, PACKET_TCP_RST, 0);
    len = ipv6_header(pkt, "2001:db8::1", "2001:db8::2", 6, n) + n;
    g_assert_true(decode_exact(pkt, len, &s));
    g_assert_cmpint(s.l4, ==, PACKET_L4_TCP);
    g_assert_cmpuint(s.tcp_flags, ==, PACKET_TCP_RST);
    g_assert_cmpuint(s.tcp_payload_len, ==, 0);

    n = esp_packet(pkt + 40, 32);
    len = ipv6_header(pkt, "2001:db8::1", "2001:db8::2", 50, n) + n;
    g_assert_true(decode_exact(pkt, len, &s));
    g_assert_cmpint(s.l4, ==, PACKET_L4_ESP);
    g_assert_cmpuint(s.esp_spi, ==, 0xc0ffee01);

    uint8_t icmp6[8] = {128, 0, 0, 0, 0, 1, 0, 1};
    memcpy(pkt + 40, icmp6, 8);
    len = ipv6_header(pkt, "2001:db8::1", "2001:db8::2", 58, 8) + 8;
    g_assert_true(decode_exact(pkt, len, &s));
    g_assert_cmpint(s.l4, ==, PACKET_L4_ICMP);
    g_assert_cmpuint(s.icmp_type, ==, 128);
    g_assert_cmpstr(packet_summary_proto_name(s.proto), ==, "ipv6-icmp");
}

/* Hop-by-hop (16 bytes) -> routing (8) -> fragment (offset 0) -> destination options (8) -> UDP. */
static size_t ipv6_ext_chain(uint8_t *pkt)
{
    uint8_t *p = pkt + 40;
    memset(p, 0, 40);
    p[0] = 43; /* hop-by-hop: next routing, Hdr Ext Len 1 = 16 bytes, PadN */
    p[1] = 1;
    p[2] = 1;
    p[3] = 12;
    p += 16;
    p[0] = 44; /* routing: next fragment, 8 bytes, type 0 segments left 0 */
    p[1] = 0;
    p += 8;
    p[0] = 60; /* fragment: next dest opts, offset 0, M=1 */
    put16(p + 2, 0x0001);
    put32(p + 4, 99);
    p += 8;
    p[0] = 17; /* destination options: next UDP, 8 bytes */
    p[1] = 0;
    p[2] = 1;
    p[3] = 4;
    p += 8;
    size_t n = udp_segment(p, 1234, 5678, 4);
    size_t plen = (size_t)(p - (pkt + 40)) + n;
    ipv6_header(pkt, "fe80::1", "fe80::2", 0, plen);
    return 40 + plen;
}

static void test_ipv6_extension_headers(void)
{
    uint8_t pkt[256];
    size_t len = ipv6_ext_chain(pkt);
    PacketSummary s;
    g_assert_true(decode_exact(pkt, len, &s));
    g_assert_cmpuint(s.proto, ==, 17);
    g_assert_cmpint(s.l4, ==, PACKET_L4_UDP);
    g_assert_cmpuint(s.sport, ==, 1234);
    g_assert_cmpuint(s.dport, ==, 5678);
    g_assert_false(s.fragment);

    /* A non-first fragment: no transport, not malformed. */
    put16(pkt + 40 + 16 + 8 + 2, 0x0008); /* offset 1 (8 bytes) */
    g_assert_true(decode_exact(pkt, len, &s));
    g_assert_true(s.fragment);
    g_assert_cmpint(s.l4, ==, PACKET_L4_NONE);

    /* Every truncation of the chain is malformed and safe. */
    len = ipv6_ext_chain(pkt);
    for (size_t k = 0; k < len; k++) {
        g_assert_false(decode_exact(pkt, k, &s));
    }

    /* A chain of 40 destination-options headers: bounded work, malformed. */
    uint8_t big[40 + 40 * 8 + 8];
    memset(big, 0, sizeof big);
    for (int i = 0; i < 40; i++)
        big[40 + i * 8] = 60;
    ipv6_header(big, "::1", "::1", 60, sizeof big - 40);
    g_assert_false(decode_exact(big, sizeof big, &s));
    g_assert_cmpstr(s.malformed_reason, ==, "too many IPv6 extension headers");

    /* Hdr Ext Len pointing past the end. */
    len = ipv6_ext_chain(pkt);
    pkt[41] = 200;
    g_assert_false(decode_exact(pkt, len, &s));
}

static void test_malformed_headers(void)
{
    uint8_t pkt[128];
    PacketSummary s;
    size_t n = udp_segment(pkt + 20, 1, 2, 10);
    size_t len = ipv4_header(pkt, "10.0.0.1", "10.0.0.2", 17, n, 0) + n;

    g_assert_false(decode_exact(NULL, 0, &s));
    g_assert_cmpuint(s.version, ==, 0);

    uint8_t junk[] = {0x21, 0, 0, 0};
    g_assert_false(decode_exact(junk, sizeof junk, &s));
    g_assert_cmpstr(s.malformed_reason, ==, "not IPv4 or IPv6");

    g_assert_false(decode_exact(pkt, 19, &s)); /* short of the fixed header */
    g_assert_false(s.has_header);
    g_assert_true(s.has_addrs == FALSE);
    g_assert_true(decode_exact(pkt, len, &s));
    g_assert_true(s.has_header);

    pkt[0] = 0x44; /* IHL 4 */
    g_assert_false(decode_exact(pkt, len, &s));
    g_assert_true(s.has_addrs); /* what could be read is kept */
    pkt[0] = 0x4f; /* IHL 15 = 60 bytes of header in a 38-byte datagram */
    g_assert_false(decode_exact(pkt, len, &s));
    pkt[0] = 0x45;

    put16(pkt + 2, 10); /* total length below the header */
    g_assert_false(decode_exact(pkt, len, &s));
    put16(pkt + 2, (uint16_t)len);

    put16(pkt + 24, 4); /* UDP length below 8 */
    g_assert_false(decode_exact(pkt, len, &s));
    g_assert_cmpint(s.l4, ==, PACKET_L4_UDP);
    put16(pkt + 24, 200); /* UDP length beyond the datagram */
    g_assert_false(decode_exact(pkt, len, &s));

    n = tcp_segment(pkt + 20, PACKET_TCP_SYN, 0);
    len = ipv4_header(pkt, "10.0.0.1", "10.0.0.2", 6, n, 0) + n;
    pkt[32] = 4 << 4; /* data offset 4 words */
    g_assert_false(decode_exact(pkt, len, &s));
    pkt[32] = 15 << 4; /* 60 bytes of TCP header in 24 */
    g_assert_false(decode_exact(pkt, len, &s));
    g_assert_cmpuint(s.sport, ==, 49152); /* fields before the problem were read */
}

typedef size_t (*Builder)(uint8_t *pkt);

static size_t build_v4_udp(uint8_t *pkt)
{
    size_t n = udp_segment(pkt + 20, 5060, 5060, 17);
    return ipv4_header(pkt, "10.0.1.2", "10.0.2.2", 17, n, 0) + n;
}

static size_t build_v4_tcp(uint8_t *pkt)
{
    size_t n = tcp_segment(pkt + 20, PACKET_TCP_PSH | PACKET_TCP_ACK, 9);
    return ipv4_header(pkt, "10.0.1.2", "10.0.2.2", 6, n, 0) + n;
}

static size_t build_v4_esp(uint8_t *pkt)
{
    size_t n = esp_packet(pkt + 20, 12);
    return ipv4_header(pkt, "10.0.1.2", "10.0.2.2", 50, n, 0) + n;
}

static size_t build_v6_udp(uint8_t *pkt)
{
    size_t n = udp_segment(pkt + 40, 5060, 5060, 5);
    return ipv6_header(pkt, "2001:db8::1", "2001:db8::2", 17, n) + n;
}

static size_t build_v6_tcp(uint8_t *pkt)
{
    size_t n = tcp_segment(pkt + 40, PACKET_TCP_FIN | PACKET_TCP_ACK, 3);
    return ipv6_header(pkt, "2001:db8::1", "2001:db8::2", 6, n) + n;
}

static const Builder builders[] = {build_v4_udp, build_v4_tcp, build_v4_esp, build_v6_udp, build_v6_tcp, ipv6_ext_chain};

static void test_all_truncations(void)
{
    for (size_t b = 0; b < G_N_ELEMENTS(builders); b++) {
        uint8_t pkt[256];
        size_t len = builders[b](pkt);
        PacketSummary s;
        g_assert_true(decode_exact(pkt, len, &s));
        for (size_t k = 0; k < len; k++) {
            g_assert_false(decode_exact(pkt, k, &s));
            g_assert_nonnull(s.malformed_reason);
        }
    }
}

static void test_random(void)
{
    SimRng *rng = sim_rng_new(42, "test:packet-summary:random");
    PacketSummary s;
    guint malformed = 0;
    /* Pure garbage, with the version nibble steered to 4 or 6 most of the time to get past it. */
    for (int i = 0; i < 20000; i++) {
        uint8_t buf[160];
        size_t len = (size_t)sim_rng_range(rng, 0, sizeof buf);
        sim_rng_bytes(rng, buf, len);
        if (len && (i % 4) != 0)
            buf[0] = (uint8_t)(((i % 4) == 1 ? 0x40 : 0x60) | (buf[0] & 0x0f));
        if (!decode_exact(buf, len, &s))
            malformed++;
    }
    g_assert_cmpuint(malformed, >, 10000);

    /* Valid packets with a few bytes changed and a random length: reaches the transport decoders. */
    for (int i = 0; i < 20000; i++) {
        uint8_t pkt[256];
        size_t len = builders[i % G_N_ELEMENTS(builders)](pkt);
        int flips = (int)sim_rng_range(rng, 1, 4);
        for (int f = 0; f < flips; f++)
            pkt[sim_rng_range(rng, 0, (int64_t)len - 1)] = (uint8_t)sim_rng_uint32(rng);
        size_t cut = (size_t)sim_rng_range(rng, 0, (int64_t)len);
        decode_exact(pkt, cut, &s);
    }
    sim_rng_free(rng);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/packet-summary/ipv4-udp", test_ipv4_udp);
    g_test_add_func("/packet-summary/ipv4-tcp", test_ipv4_tcp);
    g_test_add_func("/packet-summary/ipv4-esp-icmp", test_ipv4_esp_icmp);
    g_test_add_func("/packet-summary/ipv4-fragment", test_ipv4_fragment);
    g_test_add_func("/packet-summary/ipv6-udp-tcp-esp", test_ipv6_udp_tcp_esp);
    g_test_add_func("/packet-summary/ipv6-extension-headers", test_ipv6_extension_headers);
    g_test_add_func("/packet-summary/malformed-headers", test_malformed_headers);
    g_test_add_func("/packet-summary/all-truncations", test_all_truncations);
    g_test_add_func("/packet-summary/random", test_random);
    return g_test_run();
}
