/* event-log.h: a trace-bus observer writing events.jsonl (JSON Lines: one compact RFC 8259 object
 * per line, "\n"-terminated), one line per packet event and per protocol event, in bus order.
 *
 * Packet lines, keys always in this order ([..] only when it applies):
 *   {"t":<ns>,"type":"packet","action":"tx|rx|forward|drop","node":"a","iface":"eth0"|null,
 *    "link":"a-r"|null,"len":84,"uid":12,
 *    ["ip":{"v":4|6,"src":"10.0.1.2"|null,"dst":..|null,"proto":"udp","ttl":64,"len":84[,"frag":true]},]
 *    ["udp":{"sport":5060,"dport":5060,"len":64}
 *     |"tcp":{"sport":..,"dport":..,"seq":..,"ack":..,"flags":"SYN,ACK","win":..,"payload":..}
 *     |"esp":{"spi":..,"seq":..} |"icmp"/"icmpv6":{"type":..,"code":..},]
 *    ["malformed":"why",] ["reason":"no route"]}        (reason on drop lines only, null if none given)
 * "ip" is absent when the data is not IPv4 or IPv6; src/dst are null when not present, and proto, ttl and
 * len are null when the fixed IP header is truncated; "proto" is the IANA keyword, or the decimal
 * number as a string when unnamed; "ttl" is the IPv6 hop limit for v6; "t" is integer simulated ns.
 * Protocol event lines:
 *   {"t":<ns>,"type":"event","node":"b","event":"tcp-established","attrs":{"k":"v","n":3,"ok":true}}
 * with attributes in the order the node gave them and their types kept (string, integer, bool).
 *
 * Decoding is analysis/packet-summary.h's; nothing here reads a packet byte itself.
 */
#pragma once
#include "sim-core/sim-trace.h"
#include <glib.h>
#include <stdio.h>

typedef struct EventLog EventLog;

/* A log writing to OUT (not owned; open until event_log_finish()). Free with event_log_free(). */
EventLog *event_log_new(FILE *out);
/* The observer to add to a SimTrace; owned by the log. Remove it from the trace before freeing. */
SimObserver *event_log_observer(EventLog *log);
/* Flushes OUT; FALSE with an error if a write so far or the flush failed. */
gboolean event_log_finish(EventLog *log, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void event_log_free(EventLog *log);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(EventLog, event_log_free)

/* Lines written so far. */
uint64_t event_log_lines(const EventLog *log);

/* Appends the JSON object of one packet event or protocol event (no newline) to OUT: the same text
 * the log writes, for callers that want a line without a file. */
void event_log_format_packet(GString *out, const SimTracePacket *pkt);
void event_log_format_event(GString *out, const SimTraceEvent *ev);
