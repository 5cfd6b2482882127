/* pea.c: the Presence External Agent kind (pea.h).
 *
 * DESIGN NOTES
 *
 * State per presentity (PeaEntry): the last activity and note any trusted source reported (a report
 * replaces both: a source sends what it knows now). Each accepted report rebuilds the PIDF and hands
 * it to pres_agent_publish(), which publishes only on change. No tuple: the PEA knows nothing about
 * services, only about the person (RFC 4479 §3.2).
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/pea/pea.h"
#include "nodes/pna/pres-agent.h"
#include <string.h>

typedef struct {
    char *impu;
    char *activity, *note;
    uint64_t reports;
} PeaEntry;

typedef struct {
    SimNode *node;
    PresAgent agent;
    GHashTable *entries; /* IMPU -> PeaEntry* */
    GPtrArray *order;    /* PeaEntry*, first report order */
} Pea;

static const SimKeySpec pea_keys[] = {
    {"ps", SIM_KEY_NAME, NULL, "the Presence Server node the PEA publishes to (Pex)", NULL, 0, 0, "node"},
    {"sources", SIM_KEY_LIST, "", "ext-source nodes whose reports are trusted; others are rejected", NULL, 0, 0,
     "node"},
    {"publish-expires", SIM_KEY_INT, "3600", "Expires asked for in PUBLISH, seconds (RFC 3903 §4.1)", NULL, 60,
     86400, NULL},
    SIM_KEY_END,
};

static void entry_free(gpointer p)
{
    PeaEntry *e = p;
    g_free(e->impu);
    g_free(e->activity);
    g_free(e->note);
    g_free(e);
}

static gboolean activity_ok(const char *a)
{
    if (!g_ascii_isalpha(a[0])) /* an XML element name in the PIDF */
        return FALSE;
    for (const char *p = a; *p; p++)
        if (!g_ascii_isalnum(*p) && *p != '-')
            return FALSE;
    return TRUE;
}

static void on_report(PresAgent *a, SimNode *from, const PnetMsg *m, void *user)
{
    Pea *p = user;
    if (!m->impu || (!m->activity && !m->note) || (m->activity && !activity_ok(m->activity))) {
        SimAttr attrs[] = {SIM_ATTR_S("from", from->name),
                           SIM_ATTR_S("reason", !m->impu ? "no impu" : "no usable activity or note")};
        sim_node_event(a->node, "pea-report-ignored", attrs, G_N_ELEMENTS(attrs));
        return;
    }
    PeaEntry *e = g_hash_table_lookup(p->entries, m->impu);
    if (!e) {
        e = g_new0(PeaEntry, 1);
        e->impu = g_strdup(m->impu);
        g_hash_table_insert(p->entries, e->impu, e);
        g_ptr_array_add(p->order, e);
    }
    e->reports++;
    g_free(e->activity);
    g_free(e->note);
    e->activity = g_strdup(m->activity);
    e->note = g_strdup(m->note);
    PidfDoc *doc = pidf_doc_new(e->impu);
    PidfPerson *person = pidf_doc_add_person(doc, "pea-p");
    if (e->activity)
        pidf_person_add_activity(person, e->activity); /* RFC 4480 §3.2 */
    person->note = g_strdup(e->note);
    pres_agent_publish(a, e->impu, doc);
}

static void pea_free(void *impl)
{
    Pea *p = impl;
    pres_agent_clear(&p->agent);
    g_clear_pointer(&p->entries, g_hash_table_destroy);
    if (p->order)
        g_ptr_array_free(p->order, TRUE);
    g_free(p);
}

static gboolean pea_create(SimNode *node, const SimConfig *cfg, GError **error)
{
    Pea *p = g_new0(Pea, 1);
    p->node = node;
    p->entries = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, entry_free);
    p->order = g_ptr_array_new();
    node->impl = p;
    node->impl_free = pea_free;
    static const char *const source_kinds[] = {"ext-source", NULL};
    g_auto(GStrv) sources = sim_config_list(cfg, "sources");
    return pres_agent_init(&p->agent, node, sim_config_string(cfg, "ps"), (guint32)sim_config_int(cfg, "publish-expires"),
                           "pea", PNET_TYPE_EXTERNAL_REPORT, "sources", sources, source_kinds, on_report, p, error);
}

static void pea_report(SimNode *node, SimReport *r)
{
    Pea *p = node->impl;
    sim_report_begin(r, "nodes");
    sim_report_begin(r, node->name);
    sim_report_string(r, "kind", "pea");
    pres_agent_report(&p->agent, r);
    sim_report_begin(r, "presentities");
    for (guint i = 0; i < p->order->len; i++) {
        const PeaEntry *e = p->order->pdata[i];
        sim_report_begin(r, e->impu);
        sim_report_string(r, "activity", e->activity ? e->activity : "-");
        sim_report_uint(r, "reports", e->reports);
        sim_report_end(r);
    }
    sim_report_end(r);
    sim_report_end(r);
    sim_report_end(r);
}

const SimNodeKind sim_node_kind_pea = {
    .name = "pea",
    .summary = "Presence External Agent: trusted external sources' reports to PIDF PUBLISHes (Pex)",
    .keys = pea_keys,
    .create = pea_create,
    .report = pea_report,
};
