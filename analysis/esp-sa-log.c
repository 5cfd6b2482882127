/* esp-sa-log.c: esp-sa.txt from "sa-installed" events. */
#include "analysis/esp-sa-log.h"

struct EspSaLog {
    SimObserver observer; /* first */
    GString *text;
    GHashTable *seen;
    guint count;
};

static void on_event(SimObserver *self, const SimTraceEvent *ev)
{
    EspSaLog *log = (EspSaLog *)self;
    if (!g_str_equal(ev->name, "sa-installed"))
        return;
    for (size_t i = 0; i < ev->n_attrs; i++) {
        const SimAttr *a = &ev->attrs[i];
        if (a->type == SIM_ATTR_STR && g_str_equal(a->key, "wireshark_uat") && a->s && *a->s &&
            g_hash_table_add(log->seen, g_strdup(a->s))) {
            g_string_append_printf(log->text, "%s\n", a->s);
            log->count++;
        }
    }
}

EspSaLog *esp_sa_log_new(void)
{
    EspSaLog *log = g_new0(EspSaLog, 1);
    log->observer.event = on_event;
    log->text = g_string_new(NULL);
    log->seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return log;
}

void esp_sa_log_free(EspSaLog *log)
{
    if (!log)
        return;
    g_string_free(log->text, TRUE);
    g_hash_table_destroy(log->seen);
    g_free(log);
}

SimObserver *esp_sa_log_observer(EspSaLog *log)
{
    return &log->observer;
}

const GString *esp_sa_log_text(const EspSaLog *log)
{
    return log->text;
}

guint esp_sa_log_count(const EspSaLog *log)
{
    return log->count;
}
