/* scenario.c: loading and validating scenario files.
 *
 * GKeyFile gives values (with its escapes) but neither line numbers nor an error for a repeated key
 * or group (it silently merges them), so a first pass over the text records where every group and
 * key stands and rejects what GKeyFile would accept silently. Then every group is checked against
 * its key table, then the cross-references. All problems are collected and reported together.
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_SCENARIO
#include "scenarios/scenario.h"
#include <string.h>

G_DEFINE_QUARK(scenario-error-quark, scenario_error)

static const char *const routing_choices[] = {"auto", "static", NULL};
static const char *const link_kind_choices[] = {"wired", "utran", "geran-unciphered", "wlan-open", NULL};

static const SimKeySpec settings_keys[] = {
    {"name", SIM_KEY_NAME, "-", "scenario name, used for the default output folder (`-`: the file's name)", NULL, 0, 0, NULL},
    {"description", SIM_KEY_STRING, "-", "one line shown by `presim list`", NULL, 0, 0, NULL},
    {"seed", SIM_KEY_INT, "1", "seed of every random stream of the run", NULL, 0, G_MAXINT64, NULL},
    {"duration", SIM_KEY_TIME, "60s", "simulated time the run lasts", NULL, 0, 0, NULL},
    {"routing", SIM_KEY_ENUM, "auto", "auto: shortest-path routes between every interface prefix; static: only "
                                      "connected routes and each node's `routes`",
     routing_choices, 0, 0, NULL},
    SIM_KEY_END,
};

static const SimKeySpec link_keys[] = {
    {"kind", SIM_KEY_ENUM, "wired", "access-network kind: ciphering and eavesdropping depend on it", link_kind_choices, 0, 0, NULL},
    {"a", SIM_KEY_STRING, NULL, "first end: NODE IFACE [ADDRESS/PREFIXLEN ...]", NULL, 0, 0, NULL},
    {"b", SIM_KEY_STRING, NULL, "second end: NODE IFACE [ADDRESS/PREFIXLEN ...]", NULL, 0, 0, NULL},
    {"delay", SIM_KEY_TIME, "1ms", "one-way propagation delay", NULL, 0, 0, NULL},
    {"bandwidth", SIM_KEY_RATE, "100Mbps", "bit rate of each direction (0bps: no serialisation delay)", NULL, 0, 0, NULL},
    {"mtu", SIM_KEY_SIZE, "1500", "largest IP datagram in bytes (at least 1280 when IPv6 is used)", NULL, 68, 65535, NULL},
    {"queue", SIM_KEY_INT, "100", "drop-tail queue limit in packets, per direction", NULL, 1, 1000000, NULL},
    {"loss", SIM_KEY_PROB, "0", "probability that a packet is lost, per direction (0..1 or N%)", NULL, 0, 0, NULL},
    SIM_KEY_END,
};

static const SimKeySpec node_common_keys[] = {
    {"kind", SIM_KEY_STRING, NULL, "node kind (see below)", NULL, 0, 0, NULL},
    {"domain", SIM_KEY_STRING, "-", "operator domain the node belongs to (e.g. home.example.net)", NULL, 0, 0, NULL},
    {"routes", SIM_KEY_STRING, "-", "static routes: PREFIX via IFACE, comma-separated; `default` means 0.0.0.0/0 "
                                    "and ::/0",
     NULL, 0, 0, NULL},
    {"rank", SIM_KEY_INT, "-1", "MPI rank that runs the node with --engine ns3-mpi; -1: its domain's (domains in "
                                "order of first appearance, round robin over the ranks)",
     NULL, -1, 65535, NULL},
    SIM_KEY_END,
};

static const SimKeySpec action_common_keys[] = {
    {"at", SIM_KEY_TIME, NULL, "simulated time the action runs", NULL, 0, 0, NULL},
    {"node", SIM_KEY_NAME, NULL, "node that performs it", NULL, 0, 0, "node"},
    {"do", SIM_KEY_STRING, NULL, "action (see below)", NULL, 0, 0, NULL},
    SIM_KEY_END,
};

const SimKeySpec *scenario_settings_keys(void) { return settings_keys; }
const SimKeySpec *scenario_link_keys(void) { return link_keys; }
const SimKeySpec *scenario_node_common_keys(void) { return node_common_keys; }
const SimKeySpec *scenario_action_common_keys(void) { return action_common_keys; }

/* ---- source map: where each group and key stands ---- */

typedef struct {
    char *name;
    int line;
    GPtrArray *keys;       /* char*, in file order */
    GHashTable *key_lines; /* key -> line (GINT_TO_POINTER); -1: from --set */
} SrcGroup;

typedef struct {
    const char *path;
    GString *errors;
    guint n_errors;
    GPtrArray *groups;    /* SrcGroup*, file order */
    GHashTable *by_name;  /* name -> SrcGroup* */
    GKeyFile *kf;
} Loader;

static void src_group_free(gpointer p)
{
    SrcGroup *g = p;
    g_free(g->name);
    g_ptr_array_free(g->keys, TRUE);
    g_hash_table_destroy(g->key_lines);
    g_free(g);
}

#define MAX_ERRORS 50

static void G_GNUC_PRINTF(4, 5) report(Loader *l, int line, const char *what, const char *fmt, ...)
{
    if (l->n_errors++ >= MAX_ERRORS)
        return;
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (l->errors->len)
        g_string_append_c(l->errors, '\n');
    if (line > 0)
        g_string_append_printf(l->errors, "%s:%d: ", l->path, line);
    else if (line < 0)
        g_string_append(l->errors, "--set: ");
    else
        g_string_append_printf(l->errors, "%s: ", l->path);
    if (what && *what)
        g_string_append_printf(l->errors, "%s: ", what);
    g_string_append(l->errors, msg);
}

static int key_line(Loader *l, const char *group, const char *key)
{
    SrcGroup *g = g_hash_table_lookup(l->by_name, group);
    if (!g)
        return 0;
    if (!key)
        return g->line;
    gpointer v;
    if (g_hash_table_lookup_extended(g->key_lines, key, NULL, &v))
        return GPOINTER_TO_INT(v);
    return g->line;
}

static gboolean valid_key(const char *k)
{
    if (!*k)
        return FALSE;
    for (const char *p = k; *p; p++)
        if (!g_ascii_isalnum(*p) && *p != '_' && *p != '-')
            return FALSE;
    return TRUE;
}

/* Splits "node.a" into its class and name; FALSE for a group presim does not know. */
static gboolean split_group(const char *group, char **cls, const char **name)
{
    if (g_str_equal(group, "scenario")) {
        *cls = g_strdup("scenario");
        *name = "";
        return TRUE;
    }
    const char *dot = strchr(group, '.');
    if (!dot) {
        if (g_str_equal(group, "node") || g_str_equal(group, "link") || g_str_equal(group, "action") ||
            sim_record_kind_find(group)) {
            *cls = g_strdup(group);
            *name = "";
            return TRUE;
        }
        return FALSE;
    }
    g_autofree char *c = g_strndup(group, (gsize)(dot - group));
    if (!g_str_equal(c, "node") && !g_str_equal(c, "link") && !g_str_equal(c, "action") &&
        !sim_record_kind_find(c))
        return FALSE;
    *cls = g_steal_pointer(&c);
    *name = dot + 1;
    return TRUE;
}

static gboolean valid_name(const char *n)
{
    return valid_key(n);
}

static void scan_source(Loader *l, const char *text)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    SrcGroup *cur = NULL;
    gboolean skipping = FALSE; /* inside a group whose header was reported: its keys say nothing new */
    for (int i = 0; lines[i]; i++) {
        int lineno = i + 1;
        char *line = lines[i];
        size_t len = strlen(line);
        if (len && line[len - 1] == '\r')
            line[--len] = '\0';
        if (!g_utf8_validate(line, -1, NULL)) {
            report(l, lineno, NULL, "line is not valid UTF-8");
            if (*g_strchug(line) == '[') {
                cur = NULL;
                skipping = TRUE;
            }
            continue;
        }
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0' || *p == '#')
            continue;
        if (*p == '[') {
            char *end = strchr(p, ']');
            char *rest = end ? end + 1 : NULL;
            while (rest && (*rest == ' ' || *rest == '\t'))
                rest++;
            cur = NULL;
            skipping = TRUE;
            if (!end || *rest != '\0') {
                report(l, lineno, NULL, "malformed group header '%s' (expected [group])", p);
                continue;
            }
            g_autofree char *name = g_strndup(p + 1, (gsize)(end - p - 1));
            g_autofree char *cls = NULL;
            const char *suffix = NULL;
            if (!split_group(name, &cls, &suffix)) {
                GString *classes = g_string_new("[scenario], [node.NAME], [link.NAME], [action.NAME]");
                for (const SimRecordKind *const *k = sim_record_kinds(); *k; k++)
                    g_string_append_printf(classes, ", [%s.NAME]", (*k)->name);
                report(l, lineno, name, "unknown group (expected %s)", classes->str);
                g_string_free(classes, TRUE);
                continue;
            }
            if (*suffix == '\0' && !g_str_equal(cls, "scenario")) {
                report(l, lineno, name, "group needs a name, e.g. [%s.example]", cls);
                continue;
            }
            if (*suffix && !valid_name(suffix)) {
                report(l, lineno, name, "'%s' is not a valid name (letters, digits, '_' and '-')", suffix);
                continue;
            }
            if (g_hash_table_contains(l->by_name, name)) {
                SrcGroup *first = g_hash_table_lookup(l->by_name, name);
                report(l, lineno, name, "group appears twice (first at line %d)", first->line);
                continue;
            }
            cur = g_new0(SrcGroup, 1);
            cur->name = g_strdup(name);
            cur->line = lineno;
            cur->keys = g_ptr_array_new_with_free_func(g_free);
            cur->key_lines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
            g_ptr_array_add(l->groups, cur);
            g_hash_table_insert(l->by_name, cur->name, cur);
            skipping = FALSE;
            continue;
        }
        char *eq = strchr(p, '=');
        if (!eq) {
            report(l, lineno, NULL, "expected 'key = value', a [group] header or a # comment");
            continue;
        }
        g_autofree char *key = g_strstrip(g_strndup(p, (gsize)(eq - p)));
        if (!cur) {
            if (!skipping)
                report(l, lineno, key, "key outside any group");
            continue;
        }
        g_autofree char *what = g_strdup_printf("%s.%s", cur->name, key);
        if (!valid_key(key)) {
            report(l, lineno, what, "malformed key name");
            continue;
        }
        if (g_hash_table_contains(cur->key_lines, key)) {
            report(l, lineno, what, "key appears twice in [%s] (first at line %d)", cur->name,
                   GPOINTER_TO_INT(g_hash_table_lookup(cur->key_lines, key)));
            continue;
        }
        g_ptr_array_add(cur->keys, g_strdup(key));
        g_hash_table_insert(cur->key_lines, g_strdup(key), GINT_TO_POINTER(lineno));
    }
}

/* Applies "group.key=value" overrides on top of the file. */
static void apply_overrides(Loader *l, const char *const *overrides)
{
    for (const char *const *o = overrides; o && *o; o++) {
        const char *eq = strchr(*o, '=');
        g_autofree char *path = eq ? g_strndup(*o, (gsize)(eq - *o)) : g_strdup(*o);
        const char *dot = strrchr(path, '.');
        if (!eq || !dot || dot == path || !dot[1]) {
            report(l, -1, *o, "expected --set group.key=value");
            continue;
        }
        g_autofree char *group = g_strndup(path, (gsize)(dot - path));
        const char *key = dot + 1;
        SrcGroup *g = g_hash_table_lookup(l->by_name, group);
        if (!g && g_str_equal(group, "scenario")) {
            g = g_new0(SrcGroup, 1);
            g->name = g_strdup(group);
            g->line = 0;
            g->keys = g_ptr_array_new_with_free_func(g_free);
            g->key_lines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
            g_ptr_array_insert(l->groups, 0, g);
            g_hash_table_insert(l->by_name, g->name, g);
        }
        if (!g) {
            report(l, -1, path, "%s has no group [%s]", l->path, group);
            continue;
        }
        if (!valid_key(key)) {
            report(l, -1, path, "malformed key name");
            continue;
        }
        if (!g_hash_table_contains(g->key_lines, key))
            g_ptr_array_add(g->keys, g_strdup(key));
        g_hash_table_insert(g->key_lines, g_strdup(key), GINT_TO_POINTER(-1));
        g_key_file_set_value(l->kf, group, key, eq + 1);
    }
}

/* Reads KEY of GROUP as a string with GKeyFile's escapes resolved. */
static char *get_value(Loader *l, const char *group, const char *key)
{
    GError *err = NULL;
    char *v = g_key_file_get_string(l->kf, group, key, &err);
    if (!v || err) { /* GLib may return the raw value *and* an error for a bad escape */
        g_autofree char *what = g_strdup_printf("%s.%s", group, key);
        report(l, key_line(l, group, key), what,
               "invalid escape sequence in the value (a backslash starts one of \\s \\n \\t \\r \\\\)");
        g_clear_error(&err);
        g_clear_pointer(&v, g_free);
    }
    return v;
}

/* Fills CFG from every key of G except those in SKIP (already handled). Returns FALSE when a
 * required key is missing (then CFG must not be read); bad values are reported and left at their
 * defaults so checking can go on. */
static gboolean fill_config(Loader *l, SrcGroup *g, SimConfig *cfg, const char *const *skip)
{
    gboolean ok = TRUE;
    g_autoptr(GPtrArray) bad = g_ptr_array_new(); /* present but invalid: not "missing" as well */
    for (guint i = 0; i < g->keys->len; i++) {
        const char *key = g->keys->pdata[i];
        if (skip && g_strv_contains(skip, key))
            continue;
        g_autofree char *what = g_strdup_printf("%s.%s", g->name, key);
        int line = key_line(l, g->name, key);
        if (!sim_config_spec(cfg, key)) {
            report(l, line, what, "unknown key");
            continue;
        }
        g_autofree char *v = get_value(l, g->name, key);
        if (!v)
            continue;
        GError *err = NULL;
        if (!sim_config_set(cfg, key, v, &err)) {
            report(l, line, what, "%s", err->message);
            g_error_free(err);
            g_ptr_array_add(bad, (gpointer)key);
            ok = FALSE;
        }
    }
    g_auto(GStrv) missing = sim_config_finish(cfg);
    for (char **m = missing; m && *m; m++) {
        gboolean was_bad = FALSE;
        for (guint i = 0; i < bad->len; i++)
            was_bad |= g_str_equal(bad->pdata[i], *m);
        if (was_bad)
            continue;
        g_autofree char *what = g_strdup_printf("%s.%s", g->name, *m);
        report(l, g->line, what, "required key is missing");
    }
    return ok && missing == NULL;
}

/* ---- groups ---- */

/* "NODE IFACE [ADDR[/LEN] ...]" */
static gboolean parse_end(Loader *l, const char *text, int line, const char *what, ScenarioLinkEnd *end)
{
    g_auto(GStrv) words = g_strsplit_set(text, " \t", -1);
    GPtrArray *w = g_ptr_array_new();
    for (char **p = words; *p; p++)
        if (**p)
            g_ptr_array_add(w, *p);
    gboolean ok = TRUE;
    if (w->len < 2) {
        report(l, line, what, "'%s' should be NODE IFACE [ADDRESS/PREFIXLEN ...]", text);
        ok = FALSE;
    } else if (!valid_name(w->pdata[0]) || !valid_name(w->pdata[1])) {
        report(l, line, what, "'%s': node and interface names are letters, digits, '_' and '-'", text);
        ok = FALSE;
    } else {
        end->node = g_strdup(w->pdata[0]);
        end->iface = g_strdup(w->pdata[1]);
        end->addrs = g_array_new(FALSE, TRUE, sizeof(SimPrefix));
        for (guint i = 2; i < w->len; i++) {
            SimPrefix p;
            GError *err = NULL;
            if (!sim_prefix_parse(w->pdata[i], &p, &err)) {
                report(l, line, what, "%s", err->message);
                g_error_free(err);
                ok = FALSE;
                continue;
            }
            g_array_append_val(end->addrs, p);
        }
    }
    g_ptr_array_free(w, TRUE);
    return ok;
}

static void link_free(gpointer p)
{
    ScenarioLink *k = p;
    g_free(k->name);
    for (int i = 0; i < 2; i++) {
        g_free(k->end[i].node);
        g_free(k->end[i].iface);
        if (k->end[i].addrs)
            g_array_free(k->end[i].addrs, TRUE);
    }
    g_free(k);
}

static void node_free(gpointer p)
{
    ScenarioNode *n = p;
    g_free(n->name);
    g_free(n->domain);
    sim_config_free(n->cfg);
    for (guint i = 0; n->routes && i < n->routes->len; i++)
        g_free(g_array_index(n->routes, ScenarioRoute, i).iface);
    if (n->routes)
        g_array_free(n->routes, TRUE);
    g_free(n);
}

static void action_free(gpointer p)
{
    ScenarioAction *a = p;
    g_free(a->name);
    g_free(a->node);
    sim_config_free(a->args);
    g_free(a);
}

static void record_free(gpointer p)
{
    ScenarioRecord *r = p;
    g_free(r->cls);
    g_free(r->name);
    sim_config_free(r->cfg);
    g_free(r);
}

static void load_record(Loader *l, Scenario *sc, SrcGroup *g, const char *cls, const char *name)
{
    const SimRecordKind *kind = sim_record_kind_find(cls);
    const SimKeySpec *tables[] = {kind->keys, NULL};
    ScenarioRecord *r = g_new0(ScenarioRecord, 1);
    r->cls = g_strdup(cls);
    r->name = g_strdup(name);
    r->kind = kind;
    r->cfg = sim_config_new(g->name, tables);
    gboolean ok = fill_config(l, g, r->cfg, NULL);
    if (ok && kind->check) {
        GError *err = NULL;
        const char *bad_key = NULL;
        if (!kind->check(name, r->cfg, &bad_key, &err)) {
            g_autofree char *bw = bad_key ? g_strdup_printf("%s.%s", g->name, bad_key) : g_strdup(g->name);
            report(l, bad_key ? key_line(l, g->name, bad_key) : g->line, bw, "%s", err->message);
            g_error_free(err);
        }
    }
    g_ptr_array_add(sc->records, r);
}

static void load_settings(Loader *l, Scenario *sc)
{
    const SimKeySpec *tables[] = {settings_keys, NULL};
    SimConfig *cfg = sim_config_new("scenario", tables);
    SrcGroup empty = {.name = "scenario", .line = 0};
    SrcGroup *g = g_hash_table_lookup(l->by_name, "scenario");
    if (!g) {
        empty.keys = g_ptr_array_new();
        empty.key_lines = g_hash_table_new(g_str_hash, g_str_equal);
        g = &empty;
    }
    if (fill_config(l, g, cfg, NULL)) {
        const char *name = sim_config_string(cfg, "name");
        if (g_str_equal(name, "-")) { /* the file's base name, made a valid name */
            char *base = g_path_get_basename(l->path);
            char *dot = strrchr(base, '.');
            if (dot && dot != base)
                *dot = '\0';
            for (char *c = base; *c; c++)
                if (!g_ascii_isalnum(*c) && *c != '-' && *c != '_')
                    *c = '-';
            sc->name = base;
        } else {
            sc->name = g_strdup(name);
        }
        const char *d = sim_config_string(cfg, "description");
        sc->description = g_strdup(g_str_equal(d, "-") ? "" : d);
        sc->seed = (uint64_t)sim_config_int(cfg, "seed");
        sc->duration = sim_config_time(cfg, "duration");
        sc->auto_routing = g_str_equal(sim_config_string(cfg, "routing"), "auto");
    }
    if (g == &empty) {
        g_ptr_array_free(empty.keys, TRUE);
        g_hash_table_destroy(empty.key_lines);
    }
    sim_config_free(cfg);
}

static gboolean parse_routes(Loader *l, const char *text, int line, const char *what, GArray *routes)
{
    gboolean ok = TRUE;
    g_auto(GStrv) items = g_strsplit(text, ",", -1);
    for (char **it = items; *it; it++) {
        g_auto(GStrv) w = g_strsplit_set(g_strstrip(*it), " \t", -1);
        GPtrArray *words = g_ptr_array_new();
        for (char **p = w; *p; p++)
            if (**p)
                g_ptr_array_add(words, *p);
        if (words->len == 0) {
            if (items[1] != NULL || it != items) /* "a, , b" or a trailing comma */
                report(l, line, what, "empty entry in the route list");
            g_ptr_array_free(words, TRUE);
            ok = items[1] == NULL && it == items ? ok : FALSE;
            continue;
        }
        if (words->len != 3 || !g_str_equal(words->pdata[1], "via") || !valid_name(words->pdata[2])) {
            report(l, line, what, "'%s' should be PREFIX via IFACE", g_strstrip(*it));
            ok = FALSE;
            g_ptr_array_free(words, TRUE);
            continue;
        }
        const char *dst = words->pdata[0];
        const char *defaults[] = {"0.0.0.0/0", "::/0", NULL};
        const char *single[] = {dst, NULL};
        for (const char **d = g_str_equal(dst, "default") ? defaults : single; *d; d++) {
            ScenarioRoute r = {.iface = NULL};
            GError *err = NULL;
            if (!sim_prefix_parse(*d, &r.prefix, &err)) {
                report(l, line, what, "%s", err->message);
                g_error_free(err);
                ok = FALSE;
                continue;
            }
            r.iface = g_strdup(words->pdata[2]);
            g_array_append_val(routes, r);
        }
        g_ptr_array_free(words, TRUE);
    }
    return ok;
}

static void load_node(Loader *l, Scenario *sc, SrcGroup *g, const char *name)
{
    g_autofree char *what = g_strdup_printf("%s.kind", g->name);
    if (!g_hash_table_contains(g->key_lines, "kind")) {
        report(l, g->line, what, "required key is missing");
        return;
    }
    g_autofree char *kind_name = get_value(l, g->name, "kind");
    if (!kind_name)
        return;
    const SimNodeKind *kind = sim_node_kind_find(kind_name);
    if (!*kind_name) {
        report(l, key_line(l, g->name, "kind"), what, "empty value (a node kind is required)");
        return;
    }
    if (!kind) {
        GString *names = g_string_new(NULL);
        for (const SimNodeKind *const *k = sim_node_kinds(); *k; k++)
            g_string_append_printf(names, "%s%s", names->len ? ", " : "", (*k)->name);
        report(l, key_line(l, g->name, "kind"), what, "'%s' is not a node kind (%s)", kind_name, names->str);
        g_string_free(names, TRUE);
        return;
    }
    const SimKeySpec *tables[] = {node_common_keys, kind->keys, NULL};
    ScenarioNode *n = g_new0(ScenarioNode, 1);
    n->name = g_strdup(name);
    n->kind = kind;
    n->cfg = sim_config_new(g->name, tables);
    n->routes = g_array_new(FALSE, TRUE, sizeof(ScenarioRoute));
    if (!sim_config_set(n->cfg, "kind", kind_name, NULL))
        g_assert_not_reached();
    static const char *const skip[] = {"kind", NULL};
    gboolean ok = fill_config(l, g, n->cfg, skip);
    if (ok && kind->check) {
        GError *err = NULL;
        const char *bad_key = NULL;
        if (!kind->check(name, n->cfg, &bad_key, &err)) {
            g_autofree char *bw = bad_key ? g_strdup_printf("%s.%s", g->name, bad_key) : g_strdup(g->name);
            report(l, bad_key ? key_line(l, g->name, bad_key) : g->line, bw, "%s", err->message);
            g_error_free(err);
            ok = FALSE;
        }
    }
    if (ok) {
        const char *d = sim_config_string(n->cfg, "domain");
        n->domain = g_strdup(g_str_equal(d, "-") ? "" : d);
        n->rank = (int)sim_config_int(n->cfg, "rank");
        n->rank_line = n->rank >= 0 ? key_line(l, g->name, "rank") : 0;
        const char *r = sim_config_string(n->cfg, "routes");
        if (!g_str_equal(r, "-")) {
            g_autofree char *rw = g_strdup_printf("%s.routes", g->name);
            ok = parse_routes(l, r, key_line(l, g->name, "routes"), rw, n->routes);
        }
    }
    g_ptr_array_add(sc->nodes, n); /* kept even if bad, so links to it don't also report "no such node" */
}

static void load_link(Loader *l, Scenario *sc, SrcGroup *g, const char *name)
{
    const SimKeySpec *tables[] = {link_keys, NULL};
    SimConfig *cfg = sim_config_new(g->name, tables);
    ScenarioLink *k = g_new0(ScenarioLink, 1);
    k->line = g->line;
    k->name = g_strdup(name);
    gboolean ok = fill_config(l, g, cfg, NULL);
    if (ok) {
        SimLinkKind kind = SIM_LINK_WIRED;
        gboolean known = sim_link_kind_parse(sim_config_string(cfg, "kind"), &kind);
        g_assert(known);
        k->config.kind = kind;
        k->config.delay = sim_config_time(cfg, "delay");
        k->config.bandwidth_bps = sim_config_rate(cfg, "bandwidth");
        k->config.mtu = (uint32_t)sim_config_size(cfg, "mtu");
        k->config.queue_limit = (uint32_t)sim_config_int(cfg, "queue");
        k->config.loss = sim_config_prob(cfg, "loss");
        for (int e = 0; e < 2; e++) {
            const char *key = e ? "b" : "a";
            g_autofree char *what = g_strdup_printf("%s.%s", g->name, key);
            if (!parse_end(l, sim_config_string(cfg, key), key_line(l, g->name, key), what, &k->end[e]))
                ok = FALSE;
        }
    }
    sim_config_free(cfg);
    if (ok)
        g_ptr_array_add(sc->links, k);
    else
        link_free(k);
}

static void load_action(Loader *l, Scenario *sc, SrcGroup *g, const char *name)
{
    g_autofree char *what = g_strdup_printf("%s.do", g->name);
    if (!g_hash_table_contains(g->key_lines, "do")) {
        report(l, g->line, what, "required key is missing");
        return;
    }
    g_autofree char *do_name = get_value(l, g->name, "do");
    if (!do_name)
        return;
    const SimActionKind *kind = sim_action_kind_find(do_name);
    if (!*do_name) {
        report(l, key_line(l, g->name, "do"), what, "empty value (an action is required)");
        return;
    }
    if (!kind) {
        GString *names = g_string_new(NULL);
        for (const SimActionKind *const *k = sim_action_kinds(); *k; k++)
            g_string_append_printf(names, "%s%s", names->len ? ", " : "", (*k)->name);
        report(l, key_line(l, g->name, "do"), what, "'%s' is not an action (%s)", do_name, names->str);
        g_string_free(names, TRUE);
        return;
    }
    const SimKeySpec *tables[] = {action_common_keys, kind->keys, NULL};
    ScenarioAction *a = g_new0(ScenarioAction, 1);
    a->name = g_strdup(name);
    a->kind = kind;
    a->args = sim_config_new(g->name, tables);
    if (!sim_config_set(a->args, "do", do_name, NULL))
        g_assert_not_reached();
    static const char *const skip[] = {"do", NULL};
    gboolean ok = fill_config(l, g, a->args, skip);
    if (ok) {
        a->at = sim_config_time(a->args, "at");
        a->node = g_strdup(sim_config_string(a->args, "node"));
        GError *err = NULL;
        const char *bad_key = NULL;
        if (kind->check && !kind->check(name, a->args, &bad_key, &err)) {
            g_autofree char *bw = bad_key ? g_strdup_printf("%s.%s", g->name, bad_key) : g_strdup(g->name);
            report(l, bad_key ? key_line(l, g->name, bad_key) : g->line, bw, "%s", err->message);
            g_error_free(err);
            ok = FALSE;
        }
    }
    if (ok)
        g_ptr_array_add(sc->actions, a);
    else
        action_free(a);
}

/* ---- cross-references ---- */

static ScenarioNode *find_node(Scenario *sc, const char *name)
{
    for (guint i = 0; i < sc->nodes->len; i++) {
        ScenarioNode *n = sc->nodes->pdata[i];
        if (g_str_equal(n->name, name))
            return n;
    }
    return NULL;
}

static gboolean group_exists(Scenario *sc, const char *cls, const char *name)
{
    if (g_str_equal(cls, "node"))
        return find_node(sc, name) != NULL;
    for (guint i = 0; i < sc->records->len; i++) {
        ScenarioRecord *r = sc->records->pdata[i];
        if (g_str_equal(r->cls, cls) && g_str_equal(r->name, name))
            return TRUE;
    }
    return FALSE;
}

/* Every key with a `ref` must name an existing [REF.NAME] group. Returns the number of problems. */
static guint check_refs(Loader *l, Scenario *sc, const SimConfig *cfg)
{
    guint bad = 0;
    const char *group = sim_config_group(cfg);
    for (const SimKeySpec *const *t = sim_config_tables(cfg); t && *t; t++)
        for (const SimKeySpec *k = *t; k->name; k++) {
            if (!k->ref)
                continue;
            g_auto(GStrv) names = NULL;
            if (k->type == SIM_KEY_LIST)
                names = sim_config_list(cfg, k->name);
            else if (sim_config_has(cfg, k->name) || (k->def && *k->def && !g_str_equal(k->def, "-")))
                names = g_strsplit(sim_config_string(cfg, k->name), "\x01", 2); /* one item */
            for (char **n = names; n && *n; n++)
                if (!group_exists(sc, k->ref, *n)) {
                    g_autofree char *what = g_strdup_printf("%s.%s", group, k->name);
                    report(l, key_line(l, group, k->name), what, "no %s '%s' (no [%s.%s] group)", k->ref, *n, k->ref,
                           *n);
                    bad++;
                }
        }
    return bad;
}

static void check_references(Loader *l, Scenario *sc)
{
    for (guint i = 0; i < sc->nodes->len; i++)
        check_refs(l, sc, ((ScenarioNode *)sc->nodes->pdata[i])->cfg);
    for (guint i = 0; i < sc->records->len; i++)
        check_refs(l, sc, ((ScenarioRecord *)sc->records->pdata[i])->cfg);

    /* Interfaces ("node/iface") and addresses already seen, with where. */
    g_autoptr(GHashTable) ifaces = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_autoptr(GHashTable) addrs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    for (guint i = 0; i < sc->links->len; i++) {
        ScenarioLink *k = sc->links->pdata[i];
        g_autofree char *group = g_strdup_printf("link.%s", k->name);
        if (g_str_equal(k->end[0].node, k->end[1].node)) {
            g_autofree char *what = g_strdup_printf("%s.b", group);
            report(l, key_line(l, group, "b"), what, "both ends are on node '%s'", k->end[1].node);
        }
        for (int e = 0; e < 2; e++) {
            ScenarioLinkEnd *end = &k->end[e];
            const char *key = e ? "b" : "a";
            int line = key_line(l, group, key);
            g_autofree char *what = g_strdup_printf("%s.%s", group, key);
            if (!find_node(sc, end->node)) {
                report(l, line, what, "no node '%s' (no [node.%s] group)", end->node, end->node);
                continue;
            }
            g_autofree char *ifkey = g_strdup_printf("%s/%s", end->node, end->iface);
            const char *prev = g_hash_table_lookup(ifaces, ifkey);
            if (prev)
                report(l, line, what, "interface %s is already attached to %s", ifkey, prev);
            else
                g_hash_table_insert(ifaces, g_strdup(ifkey), g_strdup_printf("%s (line %d)", what, line));
            gboolean mtu_reported = FALSE;
            for (guint a = 0; a < end->addrs->len; a++) {
                const SimPrefix *p = &g_array_index(end->addrs, SimPrefix, a);
                char buf[SIM_ADDR_STRLEN];
                sim_addr_to_string(&p->addr, buf);
                const char *where = g_hash_table_lookup(addrs, buf);
                if (where)
                    report(l, line, what, "address %s is already used by %s", buf, where);
                else
                    g_hash_table_insert(addrs, g_strdup(buf), g_strdup_printf("%s (line %d)", what, line));
                if (p->addr.family == SIM_AF_INET6 && k->config.mtu < 1280 && !mtu_reported && e == 0) {
                    mtu_reported = TRUE;
                    g_autofree char *mw = g_strdup_printf("%s.mtu", group);
                    report(l, key_line(l, group, "mtu"), mw, "IPv6 needs an MTU of at least 1280 (RFC 8200 §5)");
                }
            }
        }
    }
    for (guint i = 0; i < sc->nodes->len; i++) {
        ScenarioNode *n = sc->nodes->pdata[i];
        g_autofree char *group = g_strdup_printf("node.%s", n->name);
        g_autofree char *what = g_strdup_printf("%s.routes", group);
        g_autoptr(GHashTable) said = g_hash_table_new(g_str_hash, g_str_equal);
        for (guint r = 0; n->routes && r < n->routes->len; r++) {
            ScenarioRoute *rt = &g_array_index(n->routes, ScenarioRoute, r);
            g_autofree char *ifkey = g_strdup_printf("%s/%s", n->name, rt->iface);
            if (!g_hash_table_contains(ifaces, ifkey) && g_hash_table_add(said, rt->iface))
                report(l, key_line(l, group, "routes"), what, "node '%s' has no interface '%s' (no link attaches it)",
                       n->name, rt->iface);
        }
    }
    for (guint i = 0; i < sc->actions->len; i++) {
        ScenarioAction *a = sc->actions->pdata[i];
        g_autofree char *group = g_strdup_printf("action.%s", a->name);
        ScenarioNode *n = find_node(sc, a->node);
        check_refs(l, sc, a->args); /* reports a missing node */
        if (!n)
            ;
        else if (!sim_action_accepts(a->kind, n->kind->name)) {
            g_autofree char *dw = g_strdup_printf("%s.do", group);
            report(l, key_line(l, group, "do"), dw, "a %s node cannot do '%s' (node '%s')", n->kind->name,
                   a->kind->name, n->name);
        }
        if (sc->duration && a->at > sc->duration) {
            char b1[32], b2[32];
            g_autofree char *aw = g_strdup_printf("%s.at", group);
            report(l, key_line(l, group, "at"), aw, "%s is after the end of the run (scenario.duration = %s)",
                   sim_time_format(a->at, b1), sim_time_format(sc->duration, b2));
        }
    }
}

Scenario *scenario_load(const char *path, const char *const *overrides, GError **error)
{
    g_autofree char *text = NULL;
    gsize len = 0;
    GError *err = NULL;
    if (!g_file_get_contents(path, &text, &len, &err)) {
        g_set_error(error, SCENARIO_ERROR, SCENARIO_ERROR_IO, "%s", err->message);
        g_error_free(err);
        return NULL;
    }
    if (memchr(text, '\0', len)) {
        g_set_error(error, SCENARIO_ERROR, SCENARIO_ERROR_INVALID, "%s: not a text file (contains NUL bytes)", path);
        return NULL;
    }
    Loader l = {
        .path = path,
        .errors = g_string_new(NULL),
        .groups = g_ptr_array_new_with_free_func(src_group_free),
        .by_name = g_hash_table_new(g_str_hash, g_str_equal),
        .kf = g_key_file_new(),
    };
    Scenario *sc = g_new0(Scenario, 1);
    sc->path = g_strdup(path);
    sc->nodes = g_ptr_array_new_with_free_func(node_free);
    sc->links = g_ptr_array_new_with_free_func(link_free);
    sc->actions = g_ptr_array_new_with_free_func(action_free);
    sc->records = g_ptr_array_new_with_free_func(record_free);

    const char *body = text;
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) /* a UTF-8 byte-order mark is not content */
        body = text + 3, len -= 3;
    scan_source(&l, body);
    if (l.n_errors == 0 && !g_key_file_load_from_data(l.kf, body, len, G_KEY_FILE_NONE, &err)) {
        /* The scan accepts what GKeyFile accepts; this would be a gap in the scan. */
        report(&l, 0, NULL, "%s", err->message);
        g_clear_error(&err);
    }
    if (l.n_errors == 0)
        apply_overrides(&l, overrides);
    if (l.n_errors == 0) {
        load_settings(&l, sc);
        for (guint i = 0; i < l.groups->len; i++) {
            SrcGroup *g = l.groups->pdata[i];
            g_autofree char *cls = NULL;
            const char *name = NULL;
            if (!split_group(g->name, &cls, &name))
                continue;
            if (g_str_equal(cls, "node"))
                load_node(&l, sc, g, name);
            else if (g_str_equal(cls, "link"))
                load_link(&l, sc, g, name);
            else if (g_str_equal(cls, "action"))
                load_action(&l, sc, g, name);
            else if (g_str_equal(cls, "scenario"))
                ; /* done above */
            else
                load_record(&l, sc, g, cls, name);
        }
    }
    if (l.n_errors == 0)
        check_references(&l, sc);
    if (l.n_errors > MAX_ERRORS)
        g_string_append_printf(l.errors, "\n%s: ... and %u more problems", path, l.n_errors - MAX_ERRORS);
    guint n_errors = l.n_errors;
    if (n_errors)
        g_set_error(error, SCENARIO_ERROR, SCENARIO_ERROR_INVALID, "%s", l.errors->str);
    g_string_free(l.errors, TRUE);
    g_ptr_array_free(l.groups, TRUE);
    g_hash_table_destroy(l.by_name);
    g_key_file_free(l.kf);
    if (n_errors) {
        scenario_free(sc);
        return NULL;
    }
    return sc;
}

void scenario_free(Scenario *sc)
{
    if (!sc)
        return;
    g_free(sc->path);
    g_free(sc->name);
    g_free(sc->description);
    g_ptr_array_free(sc->nodes, TRUE);
    g_ptr_array_free(sc->links, TRUE);
    g_ptr_array_free(sc->actions, TRUE);
    g_ptr_array_free(sc->records, TRUE);
    g_free(sc);
}
