/* pidf.c: the in-memory presence document of pidf.h: construction, copy, lookup, structural
 * equality, location stripping, and presim's deterministic <timestamp>s. Printing and parsing are in
 * pidf-xml.c, composition in pidf-compose.c.
 */
#include "protocols/pidf/pidf-private.h"
#include <string.h>

G_DEFINE_QUARK(pidf-error-quark, pidf_error)

/* ---- model ----------------------------------------------------------------------------------- */

void pidf_geopriv_free(PidfGeopriv *geo)
{
    if (!geo)
        return;
    g_free(geo->country);
    g_free(geo->a1);
    g_free(geo->a3);
    g_free(geo->rd);
    g_free(geo->hno);
    g_free(geo->pc);
    g_free(geo->method);
    g_free(geo->retention_expires);
    g_free(geo);
}

PidfGeopriv *pidf_geopriv_copy(const PidfGeopriv *geo)
{
    if (!geo)
        return NULL;
    PidfGeopriv *c = g_new0(PidfGeopriv, 1);
    *c = *geo;
    c->country = g_strdup(geo->country);
    c->a1 = g_strdup(geo->a1);
    c->a3 = g_strdup(geo->a3);
    c->rd = g_strdup(geo->rd);
    c->hno = g_strdup(geo->hno);
    c->pc = g_strdup(geo->pc);
    c->method = g_strdup(geo->method);
    c->retention_expires = g_strdup(geo->retention_expires);
    return c;
}

static void tuple_free(gpointer p)
{
    PidfTuple *t = p;
    g_free(t->id);
    g_free(t->basic);
    g_free(t->contact);
    g_free(t->note);
    g_free(t->timestamp);
    g_free(t->device_id);
    g_free(t->service_class);
    pidf_geopriv_free(t->geopriv);
    g_free(t);
}

static void person_free(gpointer p)
{
    PidfPerson *person = p;
    g_free(person->id);
    g_ptr_array_unref(person->activities);
    g_free(person->note);
    g_free(person->timestamp);
    g_free(person->place_type);
    g_free(person);
}

static void device_free(gpointer p)
{
    PidfDevice *d = p;
    g_free(d->id);
    g_free(d->device_id);
    g_free(d->note);
    g_free(d->timestamp);
    g_free(d);
}

PidfDoc *pidf_doc_new(const char *entity)
{
    PidfDoc *doc = g_new0(PidfDoc, 1);
    doc->entity = g_strdup(entity ? entity : "");
    doc->tuples = g_ptr_array_new_with_free_func(tuple_free);
    doc->persons = g_ptr_array_new_with_free_func(person_free);
    doc->devices = g_ptr_array_new_with_free_func(device_free);
    doc->notes = g_ptr_array_new_with_free_func(g_free);
    return doc;
}

void pidf_doc_free(PidfDoc *doc)
{
    if (!doc)
        return;
    g_free(doc->entity);
    g_ptr_array_unref(doc->tuples);
    g_ptr_array_unref(doc->persons);
    g_ptr_array_unref(doc->devices);
    g_ptr_array_unref(doc->notes);
    g_free(doc);
}

PidfTuple *pidf_doc_add_tuple(PidfDoc *doc, const char *id, const char *basic)
{
    PidfTuple *t = g_new0(PidfTuple, 1);
    t->id = g_strdup(id);
    t->basic = g_strdup(basic);
    t->contact_priority = -1;
    g_ptr_array_add(doc->tuples, t);
    return t;
}

PidfPerson *pidf_doc_add_person(PidfDoc *doc, const char *id)
{
    PidfPerson *p = g_new0(PidfPerson, 1);
    p->id = g_strdup(id);
    p->activities = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(doc->persons, p);
    return p;
}

PidfDevice *pidf_doc_add_device(PidfDoc *doc, const char *id, const char *device_id)
{
    PidfDevice *d = g_new0(PidfDevice, 1);
    d->id = g_strdup(id);
    d->device_id = g_strdup(device_id);
    g_ptr_array_add(doc->devices, d);
    return d;
}

/* Linear: documents hold at most a few hundred elements (pidf_doc_parse's bound). */
#define FIND_BY_ID(array, type, id_)                                                                                   \
    for (guint i = 0; i < (array)->len; i++) {                                                                         \
        type *e = (array)->pdata[i];                                                                                   \
        if (g_strcmp0(e->id, (id_)) == 0)                                                                              \
            return e;                                                                                                  \
    }                                                                                                                  \
    return NULL

PidfTuple *pidf_doc_find_tuple(const PidfDoc *doc, const char *id)
{
    FIND_BY_ID(doc->tuples, PidfTuple, id);
}

PidfPerson *pidf_doc_find_person(const PidfDoc *doc, const char *id)
{
    FIND_BY_ID(doc->persons, PidfPerson, id);
}

PidfDevice *pidf_doc_find_device(const PidfDoc *doc, const char *id)
{
    FIND_BY_ID(doc->devices, PidfDevice, id);
}

void pidf_tuple_set_geopriv(PidfTuple *tuple, const PidfGeopriv *geo)
{
    PidfGeopriv *copy = pidf_geopriv_copy(geo);
    pidf_geopriv_free(tuple->geopriv);
    tuple->geopriv = copy;
}

void pidf_person_add_activity(PidfPerson *person, const char *activity)
{
    g_ptr_array_add(person->activities, g_strdup(activity));
}

static PidfTuple *tuple_copy(const PidfTuple *t)
{
    PidfTuple *c = g_new0(PidfTuple, 1);
    c->id = g_strdup(t->id);
    c->basic = g_strdup(t->basic);
    c->contact = g_strdup(t->contact);
    c->contact_priority = t->contact_priority;
    c->note = g_strdup(t->note);
    c->timestamp = g_strdup(t->timestamp);
    c->device_id = g_strdup(t->device_id);
    c->service_class = g_strdup(t->service_class);
    c->geopriv = pidf_geopriv_copy(t->geopriv);
    return c;
}

static PidfPerson *person_copy(const PidfPerson *p)
{
    PidfPerson *c = g_new0(PidfPerson, 1);
    c->id = g_strdup(p->id);
    c->activities = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < p->activities->len; i++)
        g_ptr_array_add(c->activities, g_strdup(p->activities->pdata[i]));
    c->note = g_strdup(p->note);
    c->timestamp = g_strdup(p->timestamp);
    c->place_type = g_strdup(p->place_type);
    return c;
}

static PidfDevice *device_copy(const PidfDevice *d)
{
    PidfDevice *c = g_new0(PidfDevice, 1);
    c->id = g_strdup(d->id);
    c->device_id = g_strdup(d->device_id);
    c->note = g_strdup(d->note);
    c->timestamp = g_strdup(d->timestamp);
    return c;
}

/* Copies of one element each, for pidf-compose.c: the same functions as pidf_doc_copy uses. */
PidfTuple *pidf_tuple_copy(const PidfTuple *t)
{
    return tuple_copy(t);
}

PidfPerson *pidf_person_copy(const PidfPerson *p)
{
    return person_copy(p);
}

PidfDevice *pidf_device_copy(const PidfDevice *d)
{
    return device_copy(d);
}

PidfDoc *pidf_doc_copy(const PidfDoc *doc)
{
    PidfDoc *c = pidf_doc_new(doc->entity);
    for (guint i = 0; i < doc->tuples->len; i++)
        g_ptr_array_add(c->tuples, tuple_copy(doc->tuples->pdata[i]));
    for (guint i = 0; i < doc->persons->len; i++)
        g_ptr_array_add(c->persons, person_copy(doc->persons->pdata[i]));
    for (guint i = 0; i < doc->devices->len; i++)
        g_ptr_array_add(c->devices, device_copy(doc->devices->pdata[i]));
    for (guint i = 0; i < doc->notes->len; i++)
        g_ptr_array_add(c->notes, g_strdup(doc->notes->pdata[i]));
    return c;
}

gboolean pidf_doc_has_location(const PidfDoc *doc)
{
    for (guint i = 0; i < doc->tuples->len; i++)
        if (((PidfTuple *)doc->tuples->pdata[i])->geopriv)
            return TRUE;
    return FALSE;
}

void pidf_doc_strip_location(PidfDoc *doc)
{
    for (guint i = 0; i < doc->tuples->len; i++)
        pidf_tuple_set_geopriv(doc->tuples->pdata[i], NULL);
}

/* ---- equality -------------------------------------------------------------------------------- */

static gboolean strv_equal(const GPtrArray *a, const GPtrArray *b)
{
    if (a->len != b->len)
        return FALSE;
    for (guint i = 0; i < a->len; i++)
        if (g_strcmp0(a->pdata[i], b->pdata[i]) != 0)
            return FALSE;
    return TRUE;
}

static gboolean geopriv_equal(const PidfGeopriv *a, const PidfGeopriv *b)
{
    if (!a || !b)
        return a == b;
    if (a->has_point != b->has_point)
        return FALSE;
    if (a->has_point && (a->latitude != b->latitude || a->longitude != b->longitude))
        return FALSE;
    return g_strcmp0(a->country, b->country) == 0 && g_strcmp0(a->a1, b->a1) == 0 && g_strcmp0(a->a3, b->a3) == 0 &&
           g_strcmp0(a->rd, b->rd) == 0 && g_strcmp0(a->hno, b->hno) == 0 && g_strcmp0(a->pc, b->pc) == 0 &&
           g_strcmp0(a->method, b->method) == 0 && !a->retransmission_allowed == !b->retransmission_allowed &&
           g_strcmp0(a->retention_expires, b->retention_expires) == 0;
}

gboolean pidf_tuple_equal(const PidfTuple *a, const PidfTuple *b)
{
    /* contact priority: both "absent" (< 0) compare equal whatever the negative value */
    gboolean prio_equal = (a->contact_priority < 0 && b->contact_priority < 0) ||
                          a->contact_priority == b->contact_priority;
    return g_strcmp0(a->id, b->id) == 0 && g_strcmp0(a->basic, b->basic) == 0 &&
           g_strcmp0(a->contact, b->contact) == 0 && prio_equal && g_strcmp0(a->note, b->note) == 0 &&
           g_strcmp0(a->timestamp, b->timestamp) == 0 && g_strcmp0(a->device_id, b->device_id) == 0 &&
           g_strcmp0(a->service_class, b->service_class) == 0 && geopriv_equal(a->geopriv, b->geopriv);
}

gboolean pidf_person_equal(const PidfPerson *a, const PidfPerson *b)
{
    return g_strcmp0(a->id, b->id) == 0 && strv_equal(a->activities, b->activities) &&
           g_strcmp0(a->note, b->note) == 0 && g_strcmp0(a->timestamp, b->timestamp) == 0 &&
           g_strcmp0(a->place_type, b->place_type) == 0;
}

gboolean pidf_device_equal(const PidfDevice *a, const PidfDevice *b)
{
    return g_strcmp0(a->id, b->id) == 0 && g_strcmp0(a->device_id, b->device_id) == 0 &&
           g_strcmp0(a->note, b->note) == 0 && g_strcmp0(a->timestamp, b->timestamp) == 0;
}

gboolean pidf_doc_equal(const PidfDoc *a, const PidfDoc *b)
{
    if (!a || !b)
        return a == b;
    if (g_strcmp0(a->entity, b->entity) != 0 || a->tuples->len != b->tuples->len ||
        a->persons->len != b->persons->len || a->devices->len != b->devices->len || !strv_equal(a->notes, b->notes))
        return FALSE;
    for (guint i = 0; i < a->tuples->len; i++)
        if (!pidf_tuple_equal(a->tuples->pdata[i], b->tuples->pdata[i]))
            return FALSE;
    for (guint i = 0; i < a->persons->len; i++)
        if (!pidf_person_equal(a->persons->pdata[i], b->persons->pdata[i]))
            return FALSE;
    for (guint i = 0; i < a->devices->len; i++)
        if (!pidf_device_equal(a->devices->pdata[i], b->devices->pdata[i]))
            return FALSE;
    return TRUE;
}

/* ---- timestamps ------------------------------------------------------------------------------ */

/* presim's epoch, 2003-01-01T00:00:00Z, as seconds since 1970 (pidf.h). */
#define PIDF_EPOCH_UNIX G_GINT64_CONSTANT(1041379200)
#define NS_PER_S G_GINT64_CONSTANT(1000000000)

char *pidf_timestamp_format(gint64 ns)
{
    if (ns < 0)
        ns = 0; /* the run starts at the epoch; nothing happens before it */
    gint64 secs = ns / NS_PER_S;
    gint64 frac = ns % NS_PER_S;
    g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(PIDF_EPOCH_UNIX + secs);
    g_autofree char *base = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%S");
    return g_strdup_printf("%s.%09" G_GINT64_FORMAT "Z", base, frac);
}

/* Reads exactly N digits at *P into *OUT. */
static gboolean digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!g_ascii_isdigit((*p)[i]))
            return FALSE;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return TRUE;
}

static gboolean expect(const char **p, char c)
{
    if (**p != c)
        return FALSE;
    (*p)++;
    return TRUE;
}

gboolean pidf_timestamp_parse(const char *text, gint64 *ns)
{
    int y, mo, d, h, mi, s;
    const char *p = text;
    if (!text || !digits(&p, 4, &y) || !expect(&p, '-') || !digits(&p, 2, &mo) || !expect(&p, '-') ||
        !digits(&p, 2, &d) || !expect(&p, 'T') || !digits(&p, 2, &h) || !expect(&p, ':') || !digits(&p, 2, &mi) ||
        !expect(&p, ':') || !digits(&p, 2, &s))
        return FALSE;
    gint64 frac = 0;
    if (*p == '.') {
        p++;
        int n = 0;
        while (g_ascii_isdigit(*p)) {
            if (n < 9) {
                frac = frac * 10 + (*p - '0');
                n++;
            }
            p++;
        }
        if (n == 0)
            return FALSE;
        for (; n < 9; n++)
            frac *= 10;
    }
    if (!(strcmp(p, "Z") == 0 || strcmp(p, "+00:00") == 0 || strcmp(p, "-00:00") == 0))
        return FALSE;
    if (h > 23 || mi > 59 || s > 59)
        return FALSE;
    g_autoptr(GDateTime) dt = g_date_time_new_utc(y, mo, d, h, mi, s);
    if (!dt)
        return FALSE;
    gint64 secs = g_date_time_to_unix(dt) - PIDF_EPOCH_UNIX;
    if (secs < 0 || secs > G_MAXINT64 / NS_PER_S - 1)
        return FALSE;
    if (ns)
        *ns = secs * NS_PER_S + frac;
    return TRUE;
}
