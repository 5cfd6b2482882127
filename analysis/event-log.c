/* event-log.c: events.jsonl writer (see event-log.h for the line format). */
#include "analysis/event-log.h"
#include "analysis/json-writer.h"
#include "analysis/packet-summary.h"
#include "sim-core/sim-log.h"
#include <errno.h>

#undef G_LOG_DOMAIN
#define G_LOG_DOMAIN SIM_LOG_ANALYSIS

struct EventLog {
    SimObserver observer; /* first: the callbacks cast back */
    FILE *out;
    GString *line; /* reused for every line */
    uint64_t lines;
    int write_errno; /* the first write failure, 0 if none */
};

static void write_proto(JsonWriter *jw, uint8_t proto)
{
    const char *name = packet_summary_proto_name(proto);
    char num[4];
    if (!name) {
        g_snprintf(num, sizeof num, "%u", proto);
        name = num;
    }
    json_writer_member_string(jw, "proto", name);
}

static void write_ip(JsonWriter *jw, const PacketSummary *s)
{
    char a[SIM_ADDR_STRLEN];
    json_writer_key(jw, "ip");
    json_writer_begin_object(jw);
    json_writer_member_int(jw, "v", s->version);
    json_writer_member_string(jw, "src", s->has_addrs ? sim_addr_to_string(&s->src, a) : NULL);
    json_writer_member_string(jw, "dst", s->has_addrs ? sim_addr_to_string(&s->dst, a) : NULL);
    if (s->has_header) {
        write_proto(jw, s->proto);
        json_writer_member_int(jw, "ttl", s->ttl);
        json_writer_member_uint(jw, "len", s->total_len);
    } else {
        /* A truncated fixed header: these may not have been read. */
        json_writer_member_null(jw, "proto");
        json_writer_member_null(jw, "ttl");
        json_writer_member_null(jw, "len");
    }
    if (s->fragment)
        json_writer_member_bool(jw, "frag", TRUE);
    json_writer_end_object(jw);
}

static void write_transport(JsonWriter *jw, const PacketSummary *s)
{
    char flags[PACKET_TCP_FLAGS_STRLEN];
    switch (s->l4) {
    case PACKET_L4_NONE: return;
    case PACKET_L4_UDP:
        json_writer_key(jw, "udp");
        json_writer_begin_object(jw);
        json_writer_member_uint(jw, "sport", s->sport);
        json_writer_member_uint(jw, "dport", s->dport);
        json_writer_member_uint(jw, "len", s->udp_len);
        break;
    case PACKET_L4_TCP:
        json_writer_key(jw, "tcp");
        json_writer_begin_object(jw);
        json_writer_member_uint(jw, "sport", s->sport);
        json_writer_member_uint(jw, "dport", s->dport);
        json_writer_member_uint(jw, "seq", s->tcp_seq);
        json_writer_member_uint(jw, "ack", s->tcp_ack);
        json_writer_member_string(jw, "flags", packet_summary_tcp_flags(s->tcp_flags, flags));
        json_writer_member_uint(jw, "win", s->tcp_window);
        json_writer_member_uint(jw, "payload", s->tcp_payload_len);
        break;
    case PACKET_L4_ESP:
        json_writer_key(jw, "esp");
        json_writer_begin_object(jw);
        json_writer_member_uint(jw, "spi", s->esp_spi);
        json_writer_member_uint(jw, "seq", s->esp_seq);
        break;
    case PACKET_L4_ICMP:
        json_writer_key(jw, s->version == 6 ? "icmpv6" : "icmp");
        json_writer_begin_object(jw);
        json_writer_member_uint(jw, "type", s->icmp_type);
        json_writer_member_uint(jw, "code", s->icmp_code);
        break;
    }
    json_writer_end_object(jw);
}

void event_log_format_packet(GString *out, const SimTracePacket *pkt)
{
    g_autoptr(JsonWriter) jw = json_writer_new(out, FALSE);
    PacketSummary s;
    packet_summary_decode(pkt->data, pkt->len, &s);

    json_writer_begin_object(jw);
    json_writer_member_int(jw, "t", pkt->time);
    json_writer_member_string(jw, "type", "packet");
    json_writer_member_string(jw, "action", sim_trace_action_name(pkt->action));
    json_writer_member_string(jw, "node", pkt->node);
    json_writer_member_string(jw, "iface", pkt->iface ? pkt->iface->name : NULL);
    json_writer_member_string(jw, "link", pkt->iface ? pkt->iface->link : NULL);
    json_writer_member_uint(jw, "len", pkt->len);
    json_writer_member_uint(jw, "uid", pkt->packet_uid);
    if (s.version)
        write_ip(jw, &s);
    write_transport(jw, &s);
    if (s.malformed)
        json_writer_member_string(jw, "malformed", s.malformed_reason);
    if (pkt->action == SIM_TRACE_DROP)
        json_writer_member_string(jw, "reason", pkt->reason);
    json_writer_end_object(jw);
}

void event_log_format_event(GString *out, const SimTraceEvent *ev)
{
    g_autoptr(JsonWriter) jw = json_writer_new(out, FALSE);
    json_writer_begin_object(jw);
    json_writer_member_int(jw, "t", ev->time);
    json_writer_member_string(jw, "type", "event");
    json_writer_member_string(jw, "node", ev->node);
    json_writer_member_string(jw, "event", ev->name);
    json_writer_key(jw, "attrs");
    json_writer_begin_object(jw);
    for (size_t i = 0; i < ev->n_attrs; i++) {
        const SimAttr *a = &ev->attrs[i];
        json_writer_key(jw, a->key ? a->key : "");
        switch (a->type) {
        case SIM_ATTR_STR: json_writer_string(jw, a->s); break;
        case SIM_ATTR_INT: json_writer_int(jw, a->i); break;
        case SIM_ATTR_BOOL: json_writer_bool(jw, a->i != 0); break;
        default: json_writer_null(jw); break; /* not a SimAttrType: a bug upstream, keep the line valid */
        }
    }
    json_writer_end_object(jw);
    json_writer_end_object(jw);
}

static void emit_line(EventLog *log)
{
    g_string_append_c(log->line, '\n');
    log->lines++;
    if (log->write_errno)
        return;
    errno = 0;
    if (fwrite(log->line->str, 1, log->line->len, log->out) != log->line->len) {
        log->write_errno = errno ? errno : EIO;
        g_warning("events log: write failed: %s", g_strerror(log->write_errno));
    }
}

static void on_packet(SimObserver *self, const SimTracePacket *pkt)
{
    EventLog *log = (EventLog *)self;
    g_string_truncate(log->line, 0);
    event_log_format_packet(log->line, pkt);
    emit_line(log);
}

static void on_event(SimObserver *self, const SimTraceEvent *ev)
{
    EventLog *log = (EventLog *)self;
    g_string_truncate(log->line, 0);
    event_log_format_event(log->line, ev);
    emit_line(log);
}

EventLog *event_log_new(FILE *out)
{
    g_assert(out);
    EventLog *log = g_new0(EventLog, 1);
    log->observer.packet = on_packet;
    log->observer.event = on_event;
    log->out = out;
    log->line = g_string_sized_new(512);
    return log;
}

SimObserver *event_log_observer(EventLog *log)
{
    return &log->observer;
}

gboolean event_log_finish(EventLog *log, GError **error)
{
    errno = 0;
    if (!log->write_errno && fflush(log->out) != 0)
        log->write_errno = errno ? errno : EIO;
    if (!log->write_errno && ferror(log->out))
        log->write_errno = EIO;
    if (log->write_errno) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(log->write_errno), "events log: write failed: %s",
                    g_strerror(log->write_errno));
        return FALSE;
    }
    return TRUE;
}

void event_log_free(EventLog *log)
{
    if (!log)
        return;
    g_string_free(log->line, TRUE);
    g_free(log);
}

uint64_t event_log_lines(const EventLog *log)
{
    return log->lines;
}
