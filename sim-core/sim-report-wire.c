/* sim-report-wire.c: report trees as bytes (sim-report-wire.h). Hand-written rather than JSON
 * through json-glib: the replay must keep each double's decimals and the exact call order, and a
 * JSON round trip keeps neither. */
#include "sim-core/sim-report-wire.h"
#include "sim-core/sim-wire.h"

G_DEFINE_QUARK(sim-report-wire-error-quark, sim_report_wire_error)

#define MAX_DEPTH 64

static void put_item(const SimReportItem *it, GByteArray *out)
{
    sim_wire_put_u8(out, (uint8_t)it->type);
    sim_wire_put_str(out, it->key);
    switch (it->type) {
    case SIM_REPORT_SECTION:
        sim_wire_put_u32(out, it->children ? it->children->len : 0);
        for (guint i = 0; it->children && i < it->children->len; i++)
            put_item(it->children->pdata[i], out);
        break;
    case SIM_REPORT_INT:
        sim_wire_put_u64(out, (uint64_t)it->i);
        break;
    case SIM_REPORT_UINT:
        sim_wire_put_u64(out, it->u);
        break;
    case SIM_REPORT_DOUBLE:
        sim_wire_put_f64(out, it->d);
        sim_wire_put_u32(out, (uint32_t)it->decimals);
        break;
    case SIM_REPORT_STRING:
        sim_wire_put_str(out, it->s);
        break;
    case SIM_REPORT_BOOL:
        sim_wire_put_u8(out, it->i ? 1 : 0);
        break;
    }
}

void sim_report_serialize(const SimReport *report, GByteArray *out)
{
    const SimReportItem *root = sim_report_root(report);
    sim_wire_put_u32(out, root->children ? root->children->len : 0);
    for (guint i = 0; root->children && i < root->children->len; i++)
        put_item(root->children->pdata[i], out);
}

static gboolean replay_items(SimReport *into, SimWireReader *r, int depth)
{
    uint32_t n = sim_wire_u32(r);
    if (depth > MAX_DEPTH)
        return FALSE;
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        uint8_t type = sim_wire_u8(r);
        g_autofree char *key = sim_wire_str(r);
        if (r->bad || !key)
            return FALSE;
        switch (type) {
        case SIM_REPORT_SECTION:
            sim_report_begin(into, key);
            gboolean ok = replay_items(into, r, depth + 1);
            sim_report_end(into); /* balanced even on failure */
            if (!ok)
                return FALSE;
            break;
        case SIM_REPORT_INT:
            sim_report_int(into, key, (int64_t)sim_wire_u64(r));
            break;
        case SIM_REPORT_UINT:
            sim_report_uint(into, key, sim_wire_u64(r));
            break;
        case SIM_REPORT_DOUBLE: {
            double d = sim_wire_f64(r);
            uint32_t decimals = sim_wire_u32(r);
            if (decimals > 17)
                return FALSE; /* json-writer.h prints 0..17 */
            sim_report_double(into, key, d, (int)decimals);
            break;
        }
        case SIM_REPORT_STRING: {
            g_autofree char *s = sim_wire_str(r);
            sim_report_string(into, key, s ? s : "");
            break;
        }
        case SIM_REPORT_BOOL:
            sim_report_bool(into, key, sim_wire_u8(r) != 0);
            break;
        default:
            return FALSE;
        }
    }
    return !r->bad;
}

gboolean sim_report_replay(SimReport *into, const void *data, size_t len, GError **error)
{
    SimWireReader r = sim_wire_reader(data, len);
    if (!replay_items(into, &r, 0) || !sim_wire_done(&r)) {
        g_set_error(error, sim_report_wire_error_quark(), 0, "corrupt report data (%zu bytes)", len);
        return FALSE;
    }
    return TRUE;
}
