/* key-log.c: key files (esp-sa.txt, tls-keys.txt) from protocol events. */
#include "analysis/key-log.h"

struct KeyLog {
    SimObserver observer; /* first */
    char *event, *attr;
    GString *text;
    GHashTable *seen;
    guint count;
};

static void on_event(SimObserver *self, const SimTraceEvent *ev)
{
    KeyLog *log = (KeyLog *)self;
    if (!g_str_equal(ev->name, log->event))
        return;
    for (size_t i = 0; i < ev->n_attrs; i++) {
        const SimAttr *a = &ev->attrs[i];
        if (a->type == SIM_ATTR_STR && g_str_equal(a->key, log->attr) && a->s && *a->s &&
            g_hash_table_add(log->seen, g_strdup(a->s))) {
            g_string_append_printf(log->text, "%s\n", a->s);
            log->count++;
        }
    }
}

KeyLog *key_log_new(const char *event, const char *attr)
{
    KeyLog *log = g_new0(KeyLog, 1);
    log->event = g_strdup(event);
    log->attr = g_strdup(attr);
    log->observer.event = on_event;
    log->text = g_string_new(NULL);
    log->seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return log;
}

void key_log_free(KeyLog *log)
{
    if (!log)
        return;
    g_string_free(log->text, TRUE);
    g_hash_table_destroy(log->seen);
    g_free(log->event);
    g_free(log->attr);
    g_free(log);
}

SimObserver *key_log_observer(KeyLog *log)
{
    return &log->observer;
}

const GString *key_log_text(const KeyLog *log)
{
    return log->text;
}

guint key_log_count(const KeyLog *log)
{
    return log->count;
}
