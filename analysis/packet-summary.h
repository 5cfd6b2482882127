/* packet-summary.h: a bounds-checked one-pass decoder of an IP datagram, for logs.
 *
 * Reads the IPv4 (RFC 791) or IPv6 (RFC 8200) header, walks IPv6 extension headers (hop-by-hop 0,
 * routing 43, fragment 44, destination options 60; RFC 8200 §4), then the first bytes of UDP
 * (RFC 768), TCP (RFC 9293 §3.1), ESP (RFC 4303 §2) or ICMP/ICMPv6 (RFC 792, RFC 4443). Every read
 * is checked against the length first, as Wireshark's tvb accessors do: input from an attacker or
 * a fuzzer can be truncated or garbage, and the decoder then sets `malformed`, says why, and keeps
 * what it could read. It never reads past LEN and never allocates.
 *
 * What it is not: a validator (checksums are not verified) or a reassembler (a non-first fragment
 * has no transport header; `fragment` says so and it is not malformed).
 */
#pragma once
#include "sim-core/sim-addr.h"
#include <glib.h>
#include <stddef.h>
#include <stdint.h>

/* IANA protocol numbers (wire values). */
enum {
    PACKET_PROTO_HOPOPTS = 0,
    PACKET_PROTO_ICMP = 1,
    PACKET_PROTO_TCP = 6,
    PACKET_PROTO_UDP = 17,
    PACKET_PROTO_ROUTING = 43,
    PACKET_PROTO_FRAGMENT = 44,
    PACKET_PROTO_ESP = 50,
    PACKET_PROTO_AH = 51,
    PACKET_PROTO_ICMPV6 = 58,
    PACKET_PROTO_NONE = 59,
    PACKET_PROTO_DSTOPTS = 60,
};

/* TCP flag bits (RFC 9293 §3.1, RFC 3168 for ECE/CWR). */
enum {
    PACKET_TCP_FIN = 0x01,
    PACKET_TCP_SYN = 0x02,
    PACKET_TCP_RST = 0x04,
    PACKET_TCP_PSH = 0x08,
    PACKET_TCP_ACK = 0x10,
    PACKET_TCP_URG = 0x20,
    PACKET_TCP_ECE = 0x40,
    PACKET_TCP_CWR = 0x80,
};

/* Which transport fields were read. */
typedef enum {
    PACKET_L4_NONE = 0, /* not reached: unknown protocol, non-first fragment, or malformed before it */
    PACKET_L4_UDP = 1,
    PACKET_L4_TCP = 2,
    PACKET_L4_ESP = 3,
    PACKET_L4_ICMP = 4, /* ICMP or ICMPv6, per `proto` */
} PacketL4;

typedef struct {
    gboolean malformed;
    const char *malformed_reason; /* static text, NULL when not malformed */

    uint8_t version;   /* 4 or 6; 0 when not even the version nibble could be read or it is neither */
    gboolean has_header; /* the whole fixed header (20 or 40 bytes) was there: proto, ttl, total_len valid */
    gboolean has_addrs;  /* src and dst were read */
    SimAddr src, dst;
    uint8_t proto;      /* the upper-layer protocol after any IPv6 extension headers */
    uint8_t ttl;        /* IPv4 TTL or IPv6 hop limit */
    uint32_t total_len; /* as the header states: IPv4 total length, or 40 + IPv6 payload length */
    gboolean fragment;  /* a non-first fragment: no transport header in it */

    PacketL4 l4;           /* set once the first transport field is read */
    uint16_t sport, dport; /* UDP, TCP */
    uint16_t udp_len;      /* UDP length field */
    uint32_t tcp_seq, tcp_ack;
    uint8_t tcp_flags;
    uint16_t tcp_window;
    uint32_t tcp_payload_len;
    uint32_t esp_spi, esp_seq;
    uint8_t icmp_type, icmp_code;
} PacketSummary;

/* Decodes LEN bytes of DATA (which may be NULL when LEN is 0) into *OUT, cleared first. Returns
 * !out->malformed. */
gboolean packet_summary_decode(const uint8_t *data, size_t len, PacketSummary *out);

/* "udp", "tcp", "esp", "icmp", "ipv6-icmp", ...; NULL for a number it does not name. */
const char *packet_summary_proto_name(uint8_t proto);

#define PACKET_TCP_FLAGS_STRLEN 32
/* FLAGS as "SYN,ACK" (order FIN,SYN,RST,PSH,ACK,URG,ECE,CWR; "" when none) into BUF. */
const char *packet_summary_tcp_flags(uint8_t flags, char buf[PACKET_TCP_FLAGS_STRLEN]);

/* One line for a log: "IPv4 10.0.1.2 > 10.0.2.2 udp ttl 64 len 84 5060 > 5060 ulen 64". */
void packet_summary_format(const PacketSummary *s, GString *out);
