/* sim-config.h: typed, validated key tables.
 *
 * Every group of a scenario file (the [scenario] settings, a link, a node of some kind, an action)
 * is described by a table of SimKeySpec: name, type, default (NULL: required), range and help. The
 * loader checks values against it, node code reads them back typed, and docs/scenario-format.md
 * lists the same tables, so the three never drift apart.
 */
#pragma once
#include "sim-core/sim-addr.h"
#include "sim-core/sim-time.h"

typedef enum {
    SIM_KEY_STRING = 1, /* any non-empty text */
    SIM_KEY_NAME,       /* [A-Za-z0-9_-]+ : node, link, interface names */
    SIM_KEY_INT,        /* integer in [min, max] */
    SIM_KEY_BOOL,       /* true / false */
    SIM_KEY_TIME,       /* sim_time_parse */
    SIM_KEY_RATE,       /* sim_rate_parse, bits per second */
    SIM_KEY_SIZE,       /* sim_size_parse, bytes, in [min, max] */
    SIM_KEY_PROB,       /* a probability: 0..1 or a percentage "2%" */
    SIM_KEY_ENUM,       /* one of choices */
    SIM_KEY_ADDR,       /* an IPv4 or IPv6 address */
    SIM_KEY_PORT,       /* 1..65535 */
    SIM_KEY_PORT_LIST,  /* comma-separated ports, possibly empty */
    SIM_KEY_HEX,        /* hex octets, length in bytes in [min, max] (both 0: any) */
    SIM_KEY_LIST,       /* comma-separated non-empty items, possibly no item at all */
} SimKeyType;

typedef struct {
    const char *name;
    SimKeyType type;
    const char *def;  /* default as text; NULL: the key is required */
    const char *help; /* one line for docs and errors */
    const char *const *choices; /* SIM_KEY_ENUM, NULL-terminated */
    int64_t min, max;           /* SIM_KEY_INT, SIM_KEY_SIZE, SIM_KEY_HEX (bytes); both 0: no limit */
    const char *ref;            /* SIM_KEY_NAME / SIM_KEY_LIST: each value must name a [REF.NAME] group */
} SimKeySpec;

/* The key table's sentinel. */
#define SIM_KEY_END {NULL, 0, NULL, NULL, NULL, 0, 0, NULL}

const char *sim_key_type_name(SimKeyType type);
const SimKeySpec *sim_key_spec_find(const SimKeySpec *specs, const char *name);
/* Checks RAW against SPEC: NULL-or-error message style "what is wrong" (no location). */
gboolean sim_key_check(const SimKeySpec *spec, const char *raw, GError **error) G_GNUC_WARN_UNUSED_RESULT;

typedef struct SimConfig SimConfig;

/* An empty config for GROUP ("node.ue1") checked against SPEC_TABLES, a NULL-terminated array of
 * key tables (the array is copied; the tables themselves must be static). */
SimConfig *sim_config_new(const char *group, const SimKeySpec *const *spec_tables);
void sim_config_free(SimConfig *cfg);
const char *sim_config_group(const SimConfig *cfg);
/* The NULL-terminated list of key tables the config was made with. */
const SimKeySpec *const *sim_config_tables(const SimConfig *cfg);
/* The spec of KEY in the config's tables, or NULL when the key is unknown. */
const SimKeySpec *sim_config_spec(const SimConfig *cfg, const char *key);
/* Sets KEY after checking it (unknown key or bad value: FALSE). */
gboolean sim_config_set(SimConfig *cfg, const char *key, const char *raw, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Fills defaults for keys not set. Returns the required keys still without a value (free with
 * g_strfreev), or NULL when the config is complete; an incomplete config must not be read. */
char **sim_config_finish(SimConfig *cfg);
gboolean sim_config_has(const SimConfig *cfg, const char *key); /* set explicitly (not by default) */

/* Typed getters; KEY must be in the tables (a programming error otherwise). */
const char *sim_config_string(const SimConfig *cfg, const char *key);
int64_t sim_config_int(const SimConfig *cfg, const char *key);
gboolean sim_config_bool(const SimConfig *cfg, const char *key);
SimTime sim_config_time(const SimConfig *cfg, const char *key);
uint64_t sim_config_rate(const SimConfig *cfg, const char *key);
uint64_t sim_config_size(const SimConfig *cfg, const char *key);
double sim_config_prob(const SimConfig *cfg, const char *key);
SimAddr sim_config_addr(const SimConfig *cfg, const char *key);
uint16_t sim_config_port(const SimConfig *cfg, const char *key);
/* Bytes of a SIM_KEY_HEX; free with g_bytes_unref. */
GBytes *sim_config_hex(const SimConfig *cfg, const char *key);
/* Items of a SIM_KEY_LIST, trimmed; free with g_strfreev. */
char **sim_config_list(const SimConfig *cfg, const char *key);
/* Ports of a SIM_KEY_PORT_LIST; free with g_array_unref. */
GArray *sim_config_ports(const SimConfig *cfg, const char *key);
