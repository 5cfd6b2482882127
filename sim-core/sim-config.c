/* sim-config.c: key tables and typed values. Values are kept as validated text and converted on
 * read, so a config can be printed back exactly as the user wrote it. */
#include "sim-core/sim-config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct SimConfig {
    char *group;
    const SimKeySpec *const *tables;
    GHashTable *values;   /* key -> text */
    GHashTable *explicit; /* keys set by the user */
};

const char *sim_key_type_name(SimKeyType type)
{
    switch (type) {
    case SIM_KEY_STRING: return "text";
    case SIM_KEY_NAME: return "name";
    case SIM_KEY_INT: return "integer";
    case SIM_KEY_BOOL: return "boolean";
    case SIM_KEY_TIME: return "time";
    case SIM_KEY_RATE: return "data rate";
    case SIM_KEY_SIZE: return "size";
    case SIM_KEY_PROB: return "probability";
    case SIM_KEY_ENUM: return "choice";
    case SIM_KEY_ADDR: return "address";
    case SIM_KEY_PORT: return "port";
    case SIM_KEY_PORT_LIST: return "port list";
    case SIM_KEY_HEX: return "hex";
    case SIM_KEY_LIST: return "list";
    }
    return "?";
}

const SimKeySpec *sim_key_spec_find(const SimKeySpec *specs, const char *name)
{
    for (const SimKeySpec *s = specs; s && s->name; s++)
        if (g_str_equal(s->name, name))
            return s;
    return NULL;
}

static gboolean parse_int(const char *raw, int64_t *out)
{
    char *end = NULL;
    if (!*raw)
        return FALSE;
    errno = 0;
    gint64 v = g_ascii_strtoll(raw, &end, 10);
    if (errno || *end)
        return FALSE;
    *out = v;
    return TRUE;
}

static gboolean parse_bool(const char *raw, gboolean *out)
{
    if (g_str_equal(raw, "true") || g_str_equal(raw, "yes") || g_str_equal(raw, "on") || g_str_equal(raw, "1")) {
        *out = TRUE;
        return TRUE;
    }
    if (g_str_equal(raw, "false") || g_str_equal(raw, "no") || g_str_equal(raw, "off") || g_str_equal(raw, "0")) {
        *out = FALSE;
        return TRUE;
    }
    return FALSE;
}

static gboolean parse_prob(const char *raw, double *out)
{
    char *end = NULL;
    double v = g_ascii_strtod(raw, &end);
    if (end == raw)
        return FALSE;
    if (*end == '%') {
        v /= 100.0;
        end++;
    }
    if (*end || !(v >= 0.0 && v <= 1.0))
        return FALSE;
    *out = v;
    return TRUE;
}

static gboolean valid_name(const char *raw)
{
    if (!*raw)
        return FALSE;
    for (const char *p = raw; *p; p++)
        if (!g_ascii_isalnum(*p) && *p != '_' && *p != '-')
            return FALSE;
    return TRUE;
}

static gboolean parse_ports(const char *raw, GArray *out, GError **error)
{
    g_auto(GStrv) parts = g_strsplit(raw, ",", -1);
    uint8_t seen[65536 / 8] = {0};
    for (char **p = parts; *p; p++) {
        g_strstrip(*p);
        if (!**p) {
            if (parts[1] == NULL)
                break; /* an empty list */
            g_set_error(error, SIM_PARSE_ERROR, 0, "empty entry in port list '%s'", raw);
            return FALSE;
        }
        int64_t v;
        if (!parse_int(*p, &v) || v < 1 || v > 65535) {
            g_set_error(error, SIM_PARSE_ERROR, 0, "'%s' is not a port (1-65535)", *p);
            return FALSE;
        }
        if (seen[v / 8] & (1u << (v % 8))) {
            g_set_error(error, SIM_PARSE_ERROR, 0, "port %s is listed twice", *p);
            return FALSE;
        }
        seen[v / 8] |= (uint8_t)(1u << (v % 8));
        if (out) {
            uint16_t port = (uint16_t)v;
            g_array_append_val(out, port);
        }
    }
    return TRUE;
}

/* Hex digits, optionally with a 0x prefix; NULL on a bad digit or odd length. */
static GByteArray *parse_hex(const char *raw)
{
    const char *p = raw;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
        p += 2;
    size_t n = strlen(p);
    if (n % 2)
        return NULL;
    GByteArray *out = g_byte_array_sized_new((guint)(n / 2));
    for (size_t i = 0; i < n; i += 2) {
        int hi = g_ascii_xdigit_value(p[i]), lo = g_ascii_xdigit_value(p[i + 1]);
        if (hi < 0 || lo < 0) {
            g_byte_array_unref(out);
            return NULL;
        }
        uint8_t b = (uint8_t)(hi << 4 | lo);
        g_byte_array_append(out, &b, 1);
    }
    return out;
}

static char **split_list(const char *raw, GError **error)
{
    g_auto(GStrv) parts = g_strsplit(raw, ",", -1);
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    for (char **p = parts; *p; p++) {
        g_strstrip(*p);
        if (!**p) {
            if (parts[1] == NULL)
                break; /* no item at all */
            g_set_error(error, SIM_PARSE_ERROR, 0, "empty entry in list '%s'", raw);
            g_ptr_array_free(out, TRUE);
            return NULL;
        }
        g_ptr_array_add(out, g_strdup(*p));
    }
    g_ptr_array_add(out, NULL);
    return (char **)g_ptr_array_free(out, FALSE);
}

gboolean sim_key_check(const SimKeySpec *spec, const char *raw, GError **error)
{
    int64_t i;
    gboolean b;
    double d;
    SimTime t;
    uint64_t u;
    SimAddr a;
    switch (spec->type) {
    case SIM_KEY_STRING:
        if (!*raw) {
            g_set_error(error, SIM_PARSE_ERROR, 0, "empty value");
            return FALSE;
        }
        return TRUE;
    case SIM_KEY_NAME:
        if (!valid_name(raw)) {
            g_set_error(error, SIM_PARSE_ERROR, 0, "'%s' is not a valid name (letters, digits, '_' and '-')", raw);
            return FALSE;
        }
        return TRUE;
    case SIM_KEY_INT:
        if (!parse_int(raw, &i)) {
            char *end = NULL;
            g_ascii_strtoll(raw, &end, 10);
            if (*raw && end && *end == '\0')
                g_set_error(error, SIM_PARSE_ERROR, 0, "%s is out of the 64-bit integer range", raw);
            else
                g_set_error(error, SIM_PARSE_ERROR, 0, "'%s' is not an integer", raw);
            return FALSE;
        }
        if ((spec->min || spec->max) && (i < spec->min || i > spec->max)) {
            g_set_error(error, SIM_PARSE_ERROR, 0, "%s is out of range %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT,
                        raw, spec->min, spec->max);
            return FALSE;
        }
        return TRUE;
    case SIM_KEY_BOOL:
        if (!parse_bool(raw, &b)) {
            g_set_error(error, SIM_PARSE_ERROR, 0, "'%s' is not a boolean (true or false)", raw);
            return FALSE;
        }
        return TRUE;
    case SIM_KEY_TIME:
        return sim_time_parse(raw, &t, error);
    case SIM_KEY_RATE:
        return sim_rate_parse(raw, &u, error);
    case SIM_KEY_SIZE:
        if (!sim_size_parse(raw, &u, error))
            return FALSE;
        if ((spec->min || spec->max) && (u < (uint64_t)spec->min || u > (uint64_t)spec->max)) {
            g_set_error(error, SIM_PARSE_ERROR, 0, "%s is out of range %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT " bytes",
                        raw, spec->min, spec->max);
            return FALSE;
        }
        return TRUE;
    case SIM_KEY_PROB:
        if (!parse_prob(raw, &d)) {
            g_set_error(error, SIM_PARSE_ERROR, 0, "'%s' is not a probability (0..1 or 0%%..100%%)", raw);
            return FALSE;
        }
        return TRUE;
    case SIM_KEY_ENUM:
        for (const char *const *c = spec->choices; c && *c; c++)
            if (g_str_equal(*c, raw))
                return TRUE;
        {
            g_autofree char *list = spec->choices ? g_strjoinv(", ", (char **)spec->choices) : g_strdup("");
            g_set_error(error, SIM_PARSE_ERROR, 0, "'%s' is not one of: %s", raw, list);
        }
        return FALSE;
    case SIM_KEY_ADDR:
        if (!sim_addr_parse(raw, &a)) {
            g_set_error(error, SIM_PARSE_ERROR, 0, "'%s' is not an IPv4 or IPv6 address", raw);
            return FALSE;
        }
        return TRUE;
    case SIM_KEY_PORT:
        if (!parse_int(raw, &i) || i < 1 || i > 65535) {
            g_set_error(error, SIM_PARSE_ERROR, 0, "'%s' is not a port (1-65535)", raw);
            return FALSE;
        }
        return TRUE;
    case SIM_KEY_PORT_LIST:
        return parse_ports(raw, NULL, error);
    case SIM_KEY_HEX: {
        GByteArray *b = parse_hex(raw);
        if (!b) {
            g_set_error(error, SIM_PARSE_ERROR, 0, "'%s' is not hex octets (an even number of hex digits)", raw);
            return FALSE;
        }
        guint n = b->len;
        g_byte_array_unref(b);
        if ((spec->min || spec->max) && (n < spec->min || n > spec->max)) {
            if (spec->min == spec->max)
                g_set_error(error, SIM_PARSE_ERROR, 0, "'%s' has %u octets, expected %" G_GINT64_FORMAT, raw, n,
                            spec->min);
            else
                g_set_error(error, SIM_PARSE_ERROR, 0, "'%s' has %u octets, expected %" G_GINT64_FORMAT
                            "..%" G_GINT64_FORMAT, raw, n, spec->min, spec->max);
            return FALSE;
        }
        return TRUE;
    }
    case SIM_KEY_LIST: {
        char **items = split_list(raw, error);
        g_strfreev(items);
        return items != NULL;
    }
    }
    g_set_error(error, SIM_PARSE_ERROR, 0, "unknown key type");
    return FALSE;
}

SimConfig *sim_config_new(const char *group, const SimKeySpec *const *spec_tables)
{
    SimConfig *c = g_new0(SimConfig, 1);
    c->group = g_strdup(group);
    guint n = 0;
    while (spec_tables && spec_tables[n])
        n++;
    c->tables = g_memdup2(spec_tables, (n + 1) * sizeof *spec_tables); /* callers pass stack arrays */
    c->values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    c->explicit = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return c;
}

void sim_config_free(SimConfig *cfg)
{
    if (!cfg)
        return;
    g_hash_table_destroy(cfg->values);
    g_hash_table_destroy(cfg->explicit);
    g_free((gpointer)cfg->tables);
    g_free(cfg->group);
    g_free(cfg);
}

const char *sim_config_group(const SimConfig *cfg)
{
    return cfg->group;
}

const SimKeySpec *const *sim_config_tables(const SimConfig *cfg)
{
    return cfg->tables;
}

const SimKeySpec *sim_config_spec(const SimConfig *cfg, const char *key)
{
    for (const SimKeySpec *const *t = cfg->tables; t && *t; t++) {
        const SimKeySpec *s = sim_key_spec_find(*t, key);
        if (s)
            return s;
    }
    return NULL;
}

gboolean sim_config_set(SimConfig *cfg, const char *key, const char *raw, GError **error)
{
    const SimKeySpec *spec = sim_config_spec(cfg, key);
    if (!spec) {
        g_set_error(error, SIM_PARSE_ERROR, 0, "unknown key");
        return FALSE;
    }
    if (!sim_key_check(spec, raw, error))
        return FALSE;
    g_hash_table_replace(cfg->values, g_strdup(key), g_strdup(raw));
    g_hash_table_add(cfg->explicit, g_strdup(key));
    return TRUE;
}

char **sim_config_finish(SimConfig *cfg)
{
    GPtrArray *missing = g_ptr_array_new();
    for (const SimKeySpec *const *t = cfg->tables; t && *t; t++)
        for (const SimKeySpec *s = *t; s->name; s++) {
            if (g_hash_table_contains(cfg->values, s->name))
                continue;
            if (!s->def)
                g_ptr_array_add(missing, g_strdup(s->name));
            else
                g_hash_table_replace(cfg->values, g_strdup(s->name), g_strdup(s->def));
        }
    if (missing->len == 0) {
        g_ptr_array_free(missing, TRUE);
        return NULL;
    }
    g_ptr_array_add(missing, NULL);
    return (char **)g_ptr_array_free(missing, FALSE);
}

gboolean sim_config_has(const SimConfig *cfg, const char *key)
{
    return g_hash_table_contains(cfg->explicit, key);
}

static const char *value(const SimConfig *cfg, const char *key, SimKeyType type)
{
    const SimKeySpec *spec = sim_config_spec(cfg, key);
    g_assert(spec && spec->type == type);
    const char *v = g_hash_table_lookup(cfg->values, key);
    g_assert(v); /* finish() filled every default */
    return v;
}

const char *sim_config_string(const SimConfig *cfg, const char *key)
{
    const SimKeySpec *spec = sim_config_spec(cfg, key);
    g_assert(spec);
    return value(cfg, key, spec->type); /* any type can be read as its text */
}

int64_t sim_config_int(const SimConfig *cfg, const char *key)
{
    int64_t v = 0;
    parse_int(value(cfg, key, SIM_KEY_INT), &v);
    return v;
}

gboolean sim_config_bool(const SimConfig *cfg, const char *key)
{
    gboolean v = FALSE;
    parse_bool(value(cfg, key, SIM_KEY_BOOL), &v);
    return v;
}

SimTime sim_config_time(const SimConfig *cfg, const char *key)
{
    SimTime t = 0;
    gboolean ok = sim_time_parse(value(cfg, key, SIM_KEY_TIME), &t, NULL);
    g_assert(ok);
    return t;
}

uint64_t sim_config_rate(const SimConfig *cfg, const char *key)
{
    uint64_t v = 0;
    gboolean ok = sim_rate_parse(value(cfg, key, SIM_KEY_RATE), &v, NULL);
    g_assert(ok);
    return v;
}

uint64_t sim_config_size(const SimConfig *cfg, const char *key)
{
    uint64_t v = 0;
    gboolean ok = sim_size_parse(value(cfg, key, SIM_KEY_SIZE), &v, NULL);
    g_assert(ok);
    return v;
}

double sim_config_prob(const SimConfig *cfg, const char *key)
{
    double v = 0;
    parse_prob(value(cfg, key, SIM_KEY_PROB), &v);
    return v;
}

SimAddr sim_config_addr(const SimConfig *cfg, const char *key)
{
    SimAddr a;
    sim_addr_parse(value(cfg, key, SIM_KEY_ADDR), &a);
    return a;
}

uint16_t sim_config_port(const SimConfig *cfg, const char *key)
{
    int64_t v = 0;
    parse_int(value(cfg, key, SIM_KEY_PORT), &v);
    return (uint16_t)v;
}

GBytes *sim_config_hex(const SimConfig *cfg, const char *key)
{
    GByteArray *b = parse_hex(value(cfg, key, SIM_KEY_HEX));
    g_assert(b);
    return g_byte_array_free_to_bytes(b);
}

char **sim_config_list(const SimConfig *cfg, const char *key)
{
    char **items = split_list(value(cfg, key, SIM_KEY_LIST), NULL);
    g_assert(items);
    return items;
}

GArray *sim_config_ports(const SimConfig *cfg, const char *key)
{
    GArray *out = g_array_new(FALSE, FALSE, sizeof(uint16_t));
    parse_ports(value(cfg, key, SIM_KEY_PORT_LIST), out, NULL);
    return out;
}
