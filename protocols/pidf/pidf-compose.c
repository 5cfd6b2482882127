/* pidf-compose.c: the composed presence document of one presentity from several sources
 * (pidf_compose), and the neutral document polite-block shows (pidf_neutral).
 *
 * RFC 3863 and RFC 4479 §5 leave composition to the presence server. presim's rule (pidf.h): the
 * union of the sources' tuples, persons and devices keyed by (kind, id); for one key the newer
 * publication wins, then the higher priority, then the earlier source. Document-level notes are the
 * union of the sources' notes without duplicates. Output order is the order of first appearance,
 * so the result is the same whatever the hash table does.
 *
 * Cost: O(total elements) with one hash table per kind.
 */
#include "protocols/pidf/pidf-private.h"

typedef struct {
    guint index;  /* position in the composed array */
    guint source; /* index of the source currently winning */
} Slot;

/* TRUE when source CAND beats source CUR for one key. Same source (duplicate ids inside one
 * document): the earlier element stays. */
static gboolean beats(const PidfSource *cand, guint cand_i, const PidfSource *cur, guint cur_i)
{
    if (cand->time != cur->time)
        return cand->time > cur->time;
    if (cand->priority != cur->priority)
        return cand->priority > cur->priority;
    return cand_i < cur_i;
}

typedef gpointer (*CopyFunc)(gconstpointer);

/* Merges the elements of every source's array (selected by GET) into OUT. */
static void compose_kind(GPtrArray *out, const PidfSource *sources, guint n, GPtrArray *(*get)(const PidfDoc *),
                         const char *(*id_of)(gconstpointer), CopyFunc copy)
{
    g_autoptr(GHashTable) slots = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    for (guint s = 0; s < n; s++) {
        if (!sources[s].doc)
            continue;
        const GPtrArray *elems = get(sources[s].doc);
        for (guint i = 0; i < elems->len; i++) {
            const char *id = id_of(elems->pdata[i]);
            if (!id)
                continue;
            Slot *slot = g_hash_table_lookup(slots, id);
            if (!slot) {
                gpointer copy_elem = copy(elems->pdata[i]);
                slot = g_new0(Slot, 1);
                slot->index = out->len;
                slot->source = s;
                g_ptr_array_add(out, copy_elem);
                g_hash_table_insert(slots, (gpointer)id_of(copy_elem), slot);
                continue;
            }
            if (!beats(&sources[s], s, &sources[slot->source], slot->source))
                continue;
            /* The key string belongs to the element being replaced: re-key with the new copy. */
            gpointer copy_elem = copy(elems->pdata[i]);
            Slot *moved = g_new0(Slot, 1);
            *moved = (Slot){.index = slot->index, .source = s};
            g_hash_table_steal(slots, id);
            g_free(slot);
            g_hash_table_insert(slots, (gpointer)id_of(copy_elem), moved);
            /* The loser goes to the end and out again, so that OUT's free func releases it. */
            gpointer loser = out->pdata[moved->index];
            out->pdata[moved->index] = copy_elem;
            g_ptr_array_add(out, loser);
            g_ptr_array_remove_index(out, out->len - 1);
        }
    }
}

static GPtrArray *get_tuples(const PidfDoc *d)
{
    return d->tuples;
}
static GPtrArray *get_persons(const PidfDoc *d)
{
    return d->persons;
}
static GPtrArray *get_devices(const PidfDoc *d)
{
    return d->devices;
}
static const char *tuple_id(gconstpointer e)
{
    return ((const PidfTuple *)e)->id;
}
static const char *person_id(gconstpointer e)
{
    return ((const PidfPerson *)e)->id;
}
static const char *device_id(gconstpointer e)
{
    return ((const PidfDevice *)e)->id;
}
static gpointer copy_tuple(gconstpointer e)
{
    return pidf_tuple_copy(e);
}
static gpointer copy_person(gconstpointer e)
{
    return pidf_person_copy(e);
}
static gpointer copy_device(gconstpointer e)
{
    return pidf_device_copy(e);
}

PidfDoc *pidf_compose(const char *entity, const PidfSource *sources, guint n)
{
    PidfDoc *doc = pidf_doc_new(entity);
    if (!sources)
        n = 0;
    compose_kind(doc->tuples, sources, n, get_tuples, tuple_id, copy_tuple);
    compose_kind(doc->persons, sources, n, get_persons, person_id, copy_person);
    compose_kind(doc->devices, sources, n, get_devices, device_id, copy_device);
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint s = 0; s < n; s++) {
        if (!sources[s].doc)
            continue;
        const GPtrArray *notes = sources[s].doc->notes;
        for (guint i = 0; i < notes->len; i++) {
            if (!notes->pdata[i] || g_hash_table_contains(seen, notes->pdata[i]))
                continue;
            char *copy = g_strdup(notes->pdata[i]);
            g_ptr_array_add(doc->notes, copy);
            g_hash_table_add(seen, copy);
        }
    }
    return doc;
}

PidfDoc *pidf_neutral(const char *entity)
{
    /* RFC 5025 §3.2.1 polite-block: "the watcher is led to believe that the presentity is offline" */
    PidfDoc *doc = pidf_doc_new(entity);
    pidf_doc_add_tuple(doc, "neutral", "closed");
    return doc;
}
