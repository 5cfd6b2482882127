/* report-writer.c: SimReport to JSON and to console text. */
#include "analysis/report-writer.h"
#include <string.h>

void report_write_json_members(const SimReportItem *section, JsonWriter *w)
{
    for (guint i = 0; section->children && i < section->children->len; i++) {
        const SimReportItem *it = section->children->pdata[i];
        json_writer_key(w, it->key);
        switch (it->type) {
        case SIM_REPORT_SECTION:
            json_writer_begin_object(w);
            report_write_json_members(it, w);
            json_writer_end_object(w);
            break;
        case SIM_REPORT_INT: json_writer_int(w, it->i); break;
        case SIM_REPORT_UINT: json_writer_uint(w, it->u); break;
        case SIM_REPORT_DOUBLE: json_writer_fixed(w, it->d, (guint)it->decimals); break;
        case SIM_REPORT_STRING: json_writer_string(w, it->s); break;
        case SIM_REPORT_BOOL: json_writer_bool(w, it->i != 0); break;
        }
    }
}

static const SimReportItem *child(const SimReportItem *sec, const char *key)
{
    for (guint i = 0; sec && sec->children && i < sec->children->len; i++) {
        const SimReportItem *c = sec->children->pdata[i];
        if (g_str_equal(c->key, key))
            return c;
    }
    return NULL;
}

/* The value of KEY in SEC as short text ("-" when absent), in one of a ring of buffers so that a
 * single printf can use many. */
static const char *text(const SimReportItem *sec, const char *key)
{
    static char ring[16][64];
    static unsigned next;
    char *buf = ring[next++ % 16];
    const SimReportItem *c = child(sec, key);
    if (!c)
        return "-";
    switch (c->type) {
    case SIM_REPORT_INT: g_snprintf(buf, 64, "%" G_GINT64_FORMAT, c->i); break;
    case SIM_REPORT_UINT: g_snprintf(buf, 64, "%" G_GUINT64_FORMAT, c->u); break;
    case SIM_REPORT_DOUBLE: g_snprintf(buf, 64, "%.*f", c->decimals > 3 ? 3 : c->decimals, c->d); break;
    case SIM_REPORT_STRING: g_strlcpy(buf, c->s, 64); break;
    case SIM_REPORT_BOOL: g_strlcpy(buf, c->i ? "yes" : "no", 64); break;
    default: g_strlcpy(buf, "?", 64);
    }
    return buf;
}

static double number(const SimReportItem *sec, const char *key)
{
    const SimReportItem *c = child(sec, key);
    if (!c)
        return 0;
    switch (c->type) {
    case SIM_REPORT_INT: return (double)c->i;
    case SIM_REPORT_UINT: return (double)c->u;
    case SIM_REPORT_DOUBLE: return c->d;
    default: return 0;
    }
}

void report_print_text(const SimReport *report, FILE *out)
{
    const SimReportItem *flows = sim_report_lookup(report, "flows");
    if (flows && flows->children->len) {
        fprintf(out, "\nFlows\n");
        for (guint i = 0; i < flows->children->len; i++) {
            const SimReportItem *f = flows->children->pdata[i];
            const SimReportItem *proto = child(f, "protocol");
            if (proto && g_str_equal(proto->s, "udp")) {
                fprintf(out, "  %-16s udp  %s -> %s:%s  sent %s  received %s  loss %.2f%%  delay %s/%s/%s ms (min/mean/max)\n",
                        f->key, text(f, "from"), text(f, "to"), text(f, "port"), text(f, "sent"),
                        text(f, "received"), 100 * number(f, "loss_rate"), text(f, "delay_min_ms"),
                        text(f, "delay_mean_ms"), text(f, "delay_max_ms"));
            } else if (proto && g_str_equal(proto->s, "tcp")) {
                fprintf(out, "  %-16s tcp  %s -> %s:%s  %s of %s bytes  complete %s  in order %s  retransmits %s  "
                             "goodput %s Mbit/s\n",
                        f->key, text(f, "from"), text(f, "to"), text(f, "port"),
                        text(f, "received_bytes"), text(f, "bytes"), text(f, "complete"),
                        text(f, "in_order"), text(f, "retransmits"), text(f, "goodput_mbps"));
            } else {
                fprintf(out, "  %-16s (no sender report)\n", f->key);
            }
        }
    }
    const SimReportItem *ues = sim_report_lookup(report, "ues");
    if (ues && ues->children->len) {
        fprintf(out, "\nUEs\n");
        for (guint i = 0; i < ues->children->len; i++) {
            const SimReportItem *u = ues->children->pdata[i];
            fprintf(out, "  %-8s %-26s Rel-%s  %-10s registrations %s (re %s)  latency %s ms  %s  confidentiality: %s",
                    u->key, text(u, "impi"), text(u, "release"), text(u, "state"), text(u, "registrations"),
                    text(u, "reregistrations"), text(u, "registration_latency_ms"), text(u, "algorithms"),
                    text(u, "confidentiality"));
            const SimReportItem *esp = child(u, "esp");
            if (esp)
                fprintf(out, "  ESP +%s B/msg", text(esp, "bytes_added_per_message"));
            if (child(u, "last_failure"))
                fprintf(out, "  last failure: %s", text(u, "last_failure"));
            fprintf(out, "\n");
        }
    }
    const SimReportItem *links = sim_report_lookup(report, "links");
    if (links && links->children->len) {
        fprintf(out, "\nLinks\n");
        for (guint i = 0; i < links->children->len; i++) {
            const SimReportItem *l = links->children->pdata[i];
            fprintf(out, "  %-16s %-16s", l->key, text(l, "kind"));
            for (guint k = 0; k < l->children->len; k++) {
                const SimReportItem *d = l->children->pdata[k];
                if (d->type != SIM_REPORT_SECTION)
                    continue;
                fprintf(out, "  %s: %s pkts, %s lost, %s queue drops", d->key, text(d, "tx_packets"),
                        text(d, "lost"), text(d, "queue_drops"));
            }
            fprintf(out, "\n");
        }
    }
}
