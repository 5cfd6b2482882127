/* sim-time.c: parsing and printing of simulated time, rates and sizes.
 * Parsing is by hand because the unit grammar is ours; numbers go through g_ascii_strtoull so the
 * locale never changes the meaning of a scenario file. Fractions are kept exact (no floating point):
 * "0.1ms" is exactly 100000 ns, so a scenario means the same on every machine. */
#include "sim-core/sim-time.h"
#include <string.h>

G_DEFINE_QUARK(sim-parse-error-quark, sim_parse_error)

typedef struct {
    const char *name;
    uint64_t scale;
} Unit;

/* Splits TEXT into an exact value VALUE * scale, where the unit gives the scale. Accepts at most
 * 9 fractional digits. Returns FALSE on a malformed number, unknown unit or overflow. */
static gboolean parse_scaled(const char *text, const Unit *units, gboolean unit_optional, uint64_t *out,
                             const char *what, GError **error)
{
    const char *p = text;
    uint64_t ipart = 0, frac = 0, frac_div = 1;
    gboolean digits = FALSE;

    while (g_ascii_isspace(*p))
        p++;
    for (; g_ascii_isdigit(*p); p++) {
        if (ipart > (UINT64_MAX - 9) / 10)
            goto overflow;
        ipart = ipart * 10 + (uint64_t)(*p - '0');
        digits = TRUE;
    }
    if (*p == '.') {
        p++;
        for (; g_ascii_isdigit(*p); p++) {
            if (frac_div >= 1000000000ULL) {
                g_set_error(error, SIM_PARSE_ERROR, 0, "'%s': too many decimal places in %s", text, what);
                return FALSE;
            }
            frac = frac * 10 + (uint64_t)(*p - '0');
            frac_div *= 10;
            digits = TRUE;
        }
    }
    if (!digits) {
        g_set_error(error, SIM_PARSE_ERROR, 0, "'%s' is not a valid %s", text, what);
        return FALSE;
    }
    while (*p == ' ' || *p == '\t') /* "10 s" reads as "10s" */
        p++;
    const char *unit = p;
    const char *end = unit + strlen(unit);
    while (end > unit && g_ascii_isspace(end[-1]))
        end--;
    size_t ulen = (size_t)(end - unit);

    uint64_t scale = 0;
    if (ulen == 0) {
        if (!unit_optional && !(ipart == 0 && frac == 0)) {
            g_set_error(error, SIM_PARSE_ERROR, 0, "'%s': %s needs a unit", text, what);
            return FALSE;
        }
        scale = 1; /* a unitless size, or a zero that needs no unit */
    } else {
        for (const Unit *u = units; u->name; u++) {
            if (strlen(u->name) == ulen && strncmp(u->name, unit, ulen) == 0) {
                scale = u->scale;
                break;
            }
        }
        if (scale == 0) {
            GString *names = g_string_new(NULL);
            for (const Unit *u = units; u->name; u++)
                if (u->name[0])
                    g_string_append_printf(names, "%s%s", names->len ? ", " : "", u->name);
            g_set_error(error, SIM_PARSE_ERROR, 0, "'%s': unknown unit '%.*s' for %s (use %s)", text, (int)ulen, unit,
                        what, names->str);
            g_string_free(names, TRUE);
            return FALSE;
        }
    }
    if (ipart > UINT64_MAX / scale)
        goto overflow;
    uint64_t v = ipart * scale;
    /* The fraction must be exact in the base unit. */
    if (frac) {
        unsigned __int128 f = (unsigned __int128)frac * scale;
        if (f % frac_div != 0) {
            g_set_error(error, SIM_PARSE_ERROR, 0, "'%s': finer than the %s resolution", text, what);
            return FALSE;
        }
        uint64_t add = (uint64_t)(f / frac_div);
        if (v > UINT64_MAX - add)
            goto overflow;
        v += add;
    }
    *out = v;
    return TRUE;
overflow:
    g_set_error(error, SIM_PARSE_ERROR, 0, "'%s': %s out of range", text, what);
    return FALSE;
}

gboolean sim_time_parse(const char *text, SimTime *out, GError **error)
{
    static const Unit units[] = {{"ns", 1},           {"us", 1000},          {"ms", 1000000},
                                 {"s", 1000000000ULL}, {"min", 60000000000ULL}, {"h", 3600000000000ULL},
                                 {NULL, 0}};
    uint64_t v;
    if (*text == '-') {
        g_set_error(error, SIM_PARSE_ERROR, 0, "'%s': time cannot be negative", text);
        return FALSE;
    }
    if (!parse_scaled(text, units, FALSE, &v, "time", error))
        return FALSE;
    if (v > (uint64_t)INT64_MAX - 1) {
        g_set_error(error, SIM_PARSE_ERROR, 0, "'%s': time out of range", text);
        return FALSE;
    }
    *out = (SimTime)v;
    return TRUE;
}

const char *sim_time_format(SimTime t, char buf[32])
{
    const char *sign = "";
    uint64_t u = (uint64_t)t;
    if (t < 0) {
        sign = "-";
        u = (uint64_t)(-(t + 1)) + 1;
    }
    g_snprintf(buf, 32, "%s%" G_GUINT64_FORMAT ".%09" G_GUINT64_FORMAT "s", sign, (guint64)(u / 1000000000ULL),
               (guint64)(u % 1000000000ULL));
    return buf;
}

gboolean sim_rate_parse(const char *text, uint64_t *out_bps, GError **error)
{
    static const Unit units[] = {{"bps", 1},
                                 {"kbps", 1000},
                                 {"Kbps", 1000},
                                 {"Mbps", 1000000},
                                 {"Gbps", 1000000000ULL},
                                 {"Tbps", 1000000000000ULL},
                                 {NULL, 0}};
    if (*text == '-') {
        g_set_error(error, SIM_PARSE_ERROR, 0, "'%s': rate cannot be negative", text);
        return FALSE;
    }
    return parse_scaled(text, units, FALSE, out_bps, "data rate", error);
}

gboolean sim_size_parse(const char *text, uint64_t *out_bytes, GError **error)
{
    static const Unit units[] = {{"", 1},
                                 {"B", 1},
                                 {"kB", 1000},
                                 {"KB", 1000},
                                 {"MB", 1000000},
                                 {"GB", 1000000000ULL},
                                 {"KiB", 1024},
                                 {"MiB", 1048576},
                                 {"GiB", 1073741824ULL},
                                 {NULL, 0}};
    if (*text == '-') {
        g_set_error(error, SIM_PARSE_ERROR, 0, "'%s': size cannot be negative", text);
        return FALSE;
    }
    return parse_scaled(text, units + 1, TRUE, out_bytes, "size", error);
}
