/* pres-rules-apply.c: the document a watcher may see, from the permissions its rules gave
 * (pres_permissions_apply, RFC 5025 §3.3).
 *
 * RFC 5025 §3.3: transformations are permissions; what is not granted is not shown. So:
 *   - a tuple stays with <all-services>, or when its contact matches a <service-uri> (or the scheme of
 *     a <service-uri-scheme>), its id an <occurrence-id>, or its rpid:class a <class> (§3.3.1);
 *   - a person stays with <all-persons> or an <occurrence-id> (§3.3.2), a device with <all-devices>,
 *     its <deviceID> or an <occurrence-id> (§3.3.3);
 *   - activities need <provide-activities>, notes <provide-note> (§3.3.4, §3.3.5), and the other
 *     attributes presim models (rpid:class, a tuple's dm:deviceID, rpid:place-type) need the
 *     permission pres-rules.h does not model one by one: so only <provide-all-attributes> (§3.3.6)
 *     keeps them;
 *   - the location needs gp:provide-location (RFC 6772) or pr:provide-geopriv "full".
 * Ids, <basic>, <contact>, timestamps and the device's own <dm:deviceID> (required by RFC 4479 §3.3)
 * stay. A polite-block or block decision is the caller's (pidf_neutral()).
 */
#include "protocols/pidf/pres-rules.h"
#include "protocols/pidf/pidf-private.h"
#include <string.h>

static gboolean in_set(const GPtrArray *set, const char *value)
{
    if (!value)
        return FALSE;
    for (guint i = 0; i < set->len; i++)
        if (strcmp(set->pdata[i], value) == 0)
            return TRUE;
    return FALSE;
}

/* A <service-uri> equals the contact; a scheme entry ("sip:") is a case-insensitive prefix of it. */
static gboolean service_uri_allows(const GPtrArray *uris, const char *contact)
{
    if (!contact)
        return FALSE;
    for (guint i = 0; i < uris->len; i++) {
        const char *u = uris->pdata[i];
        size_t n = strlen(u);
        if (n > 0 && u[n - 1] == ':' && !strchr(u, '@') && g_ascii_strncasecmp(contact, u, n) == 0)
            return TRUE;
        if (strcmp(u, contact) == 0)
            return TRUE;
    }
    return FALSE;
}

static gboolean tuple_allowed(const PresPermissions *perm, const PidfTuple *t)
{
    return perm->all_services || service_uri_allows(perm->service_uris, t->contact) ||
           in_set(perm->occurrence_ids, t->id) || in_set(perm->classes, t->service_class);
}

static gboolean person_allowed(const PresPermissions *perm, const PidfPerson *p)
{
    return perm->all_persons || in_set(perm->occurrence_ids, p->id);
}

static gboolean device_allowed(const PresPermissions *perm, const PidfDevice *d)
{
    return perm->all_devices || in_set(perm->device_ids, d->device_id) || in_set(perm->occurrence_ids, d->id);
}

PidfDoc *pres_permissions_apply(const PresPermissions *perm, const PidfDoc *doc)
{
    PidfDoc *out = pidf_doc_new(doc->entity);
    if (!perm)
        return out;
    gboolean notes = perm->note || perm->all_attributes;
    gboolean activities = perm->activities || perm->all_attributes;
    for (guint i = 0; i < doc->tuples->len; i++) {
        const PidfTuple *t = doc->tuples->pdata[i];
        if (!tuple_allowed(perm, t))
            continue;
        PidfTuple *c = pidf_tuple_copy(t);
        if (!notes)
            g_clear_pointer(&c->note, g_free);
        if (!perm->all_attributes) {
            g_clear_pointer(&c->service_class, g_free);
            g_clear_pointer(&c->device_id, g_free);
        }
        if (!perm->location)
            pidf_tuple_set_geopriv(c, NULL);
        g_ptr_array_add(out->tuples, c);
    }
    for (guint i = 0; i < doc->persons->len; i++) {
        const PidfPerson *p = doc->persons->pdata[i];
        if (!person_allowed(perm, p))
            continue;
        PidfPerson *c = pidf_person_copy(p);
        if (!activities)
            g_ptr_array_set_size(c->activities, 0);
        if (!notes)
            g_clear_pointer(&c->note, g_free);
        if (!perm->all_attributes)
            g_clear_pointer(&c->place_type, g_free);
        g_ptr_array_add(out->persons, c);
    }
    for (guint i = 0; i < doc->devices->len; i++) {
        const PidfDevice *d = doc->devices->pdata[i];
        if (!device_allowed(perm, d))
            continue;
        PidfDevice *c = pidf_device_copy(d);
        if (!notes)
            g_clear_pointer(&c->note, g_free);
        g_ptr_array_add(out->devices, c);
    }
    if (notes)
        for (guint i = 0; i < doc->notes->len; i++)
            g_ptr_array_add(out->notes, g_strdup(doc->notes->pdata[i]));
    return out;
}
