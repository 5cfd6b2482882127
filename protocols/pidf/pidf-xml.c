/* pidf-xml.c: application/pidf+xml printing and parsing of the PidfDoc model (pidf.h).
 *
 * Printing follows the schemas element for element (they are stored in tests/schemas/ and the unit
 * test validates every printed document against them):
 *   <presence>: tuple*, note*, then ##other (dm:person, dm:device)            RFC 3863 §4.1, RFC 4479 §4
 *   <tuple>:    status, ##other (dm:deviceID, rpid:class), contact?, note*, timestamp?   RFC 3863 §4.1.1
 *   <status>:   basic?, ##other (gp:geopriv)                                  RFC 3863 §4.1.4, RFC 4119 §2.2.1
 *   <gp:geopriv>: location-info, usage-rules, method?                        RFC 4119 §2.2.2-§2.2.4
 *   <dm:person>: ##other (rpid:activities, rpid:place-type), dm:note*, dm:timestamp?   RFC 4479 §3.2
 *   <dm:device>: ##other, dm:deviceID, dm:note*, dm:timestamp?               RFC 4479 §3.3
 * The usage rules' children are in the basicPolicy namespace, as RFC 4119's schema (§8) has them (its
 * examples put them in gp: and say "yes"; the parser accepts both spellings, RFC 5491 §3).
 *
 * Parsing is tolerant in what it skips (unknown elements, extensions, any element order inside
 * <presence>) and strict in what the model needs (root, entity, ids, <basic> value).
 */
#include "protocols/pidf/pidf-private.h"
#include <libxml/parser.h>
#include <math.h>
#include <string.h>

#define PIDF_MAX_ITEMS 256 /* tuples, persons, devices each (pidf.h) */

/* RFC 4480 §3.2 (rpid.xsd <activities>): the activity elements RPID defines. */
static const char *const rpid_activities[] = {
    "appointment", "away", "breakfast", "busy", "dinner", "holiday", "in-transit", "looking-for-work",
    "meal", "meeting", "on-the-phone", "performance", "permanent-absence", "playing", "presentation",
    "shopping", "sleeping", "spectator", "steering", "travel", "tv", "vacation", "working", "worship",
};

static gboolean is_rpid_activity(const char *name)
{
    for (guint i = 0; i < G_N_ELEMENTS(rpid_activities); i++)
        if (strcmp(rpid_activities[i], name) == 0)
            return TRUE;
    return FALSE;
}

/* ---- printing -------------------------------------------------------------------------------- */

typedef struct {
    xmlNs *pidf, *dm, *rpid, *gp, *gbp, *gml, *cl, *lt;
} Names;

static xmlNode *text_child(xmlNode *parent, xmlNs *ns, const char *name, const char *text)
{
    return xmlNewTextChild(parent, ns, (const xmlChar *)name, (const xmlChar *)text);
}

/* Shortest "%.Ng" that reads back to the same double. */
static void format_double(char *buf, size_t size, double v)
{
    for (int prec = 6; prec <= 17; prec++) {
        char fmt[8];
        g_snprintf(fmt, sizeof fmt, "%%.%dg", prec);
        g_ascii_formatd(buf, (gint)size, fmt, v);
        if (g_ascii_strtod(buf, NULL) == v)
            return;
    }
}

/* RFC 3863 §4.1.5 qvalue: 0 to 1, at most three decimals. */
static void format_qvalue(char *buf, size_t size, double q)
{
    if (q > 1)
        q = 1;
    g_ascii_formatd(buf, (gint)size, "%.3f", q);
}

static void print_geopriv(xmlNode *status, const PidfGeopriv *geo, const Names *ns)
{
    xmlNode *gp = xmlNewChild(status, ns->gp, (const xmlChar *)"geopriv", NULL);
    xmlNode *info = xmlNewChild(gp, ns->gp, (const xmlChar *)"location-info", NULL);
    if (geo->has_point) { /* RFC 5491 §5.2.1: gml:Point, EPSG 4326, pos = "latitude longitude" */
        xmlNode *point = xmlNewChild(info, ns->gml, (const xmlChar *)"Point", NULL);
        xmlNewProp(point, (const xmlChar *)"srsName", (const xmlChar *)"urn:ogc:def:crs:EPSG::4326");
        char lat[G_ASCII_DTOSTR_BUF_SIZE], lon[G_ASCII_DTOSTR_BUF_SIZE];
        format_double(lat, sizeof lat, geo->latitude);
        format_double(lon, sizeof lon, geo->longitude);
        g_autofree char *pos = g_strdup_printf("%s %s", lat, lon);
        text_child(point, ns->gml, "pos", pos);
    }
    if (ns->cl) { /* RFC 5139 §4: civicAddress children in schema order country, A1, A3, RD, HNO, PC */
        xmlNode *civic = xmlNewChild(info, ns->cl, (const xmlChar *)"civicAddress", NULL);
        const char *const names[] = {"country", "A1", "A3", "RD", "HNO", "PC"};
        const char *const values[] = {geo->country, geo->a1, geo->a3, geo->rd, geo->hno, geo->pc};
        for (guint i = 0; i < G_N_ELEMENTS(names); i++)
            if (values[i])
                text_child(civic, ns->cl, names[i], values[i]);
    }
    xmlNode *rules = xmlNewChild(gp, ns->gp, (const xmlChar *)"usage-rules", NULL);
    text_child(rules, ns->gbp, "retransmission-allowed", geo->retransmission_allowed ? "true" : "false");
    if (geo->retention_expires)
        text_child(rules, ns->gbp, "retention-expiry", geo->retention_expires);
    if (geo->method)
        text_child(gp, ns->gp, "method", geo->method);
}

static gboolean geo_has_civic(const PidfGeopriv *g)
{
    return g->country || g->a1 || g->a3 || g->rd || g->hno || g->pc;
}

static void print_tuple(xmlNode *root, const PidfTuple *t, const Names *ns)
{
    xmlNode *tuple = xmlNewChild(root, ns->pidf, (const xmlChar *)"tuple", NULL);
    xmlNewProp(tuple, (const xmlChar *)"id", (const xmlChar *)(t->id ? t->id : ""));
    xmlNode *status = xmlNewChild(tuple, ns->pidf, (const xmlChar *)"status", NULL);
    if (t->basic)
        text_child(status, ns->pidf, "basic", t->basic);
    if (t->geopriv) {
        Names local = *ns;
        if (!geo_has_civic(t->geopriv))
            local.cl = NULL;
        print_geopriv(status, t->geopriv, &local);
    }
    if (t->device_id) /* RFC 4479 §3.1: the service's device */
        text_child(tuple, ns->dm, "deviceID", t->device_id);
    if (t->service_class) /* RFC 4480 §3.3 */
        text_child(tuple, ns->rpid, "class", t->service_class);
    if (t->contact) {
        xmlNode *c = text_child(tuple, ns->pidf, "contact", t->contact);
        if (t->contact_priority >= 0) {
            char q[G_ASCII_DTOSTR_BUF_SIZE];
            format_qvalue(q, sizeof q, t->contact_priority);
            xmlNewProp(c, (const xmlChar *)"priority", (const xmlChar *)q);
        }
    }
    if (t->note)
        text_child(tuple, ns->pidf, "note", t->note);
    if (t->timestamp)
        text_child(tuple, ns->pidf, "timestamp", t->timestamp);
}

static gboolean is_ncname(const char *s)
{
    return s && *s && xmlValidateNCName((const xmlChar *)s, 0) == 0;
}

static void print_person(xmlNode *root, const PidfPerson *p, const Names *ns)
{
    xmlNode *person = xmlNewChild(root, ns->dm, (const xmlChar *)"person", NULL);
    xmlNewProp(person, (const xmlChar *)"id", (const xmlChar *)(p->id ? p->id : ""));
    if (p->activities->len > 0) { /* RFC 4480 §3.2: <unknown/> only alone; others not in RPID as <other> */
        xmlNode *acts = xmlNewChild(person, ns->rpid, (const xmlChar *)"activities", NULL);
        gboolean only_unknown = TRUE;
        for (guint i = 0; i < p->activities->len; i++)
            if (strcmp(p->activities->pdata[i], "unknown") != 0)
                only_unknown = FALSE;
        if (only_unknown)
            xmlNewChild(acts, ns->rpid, (const xmlChar *)"unknown", NULL);
        for (guint i = 0; i < p->activities->len && !only_unknown; i++) {
            const char *a = p->activities->pdata[i];
            if (strcmp(a, "unknown") == 0)
                continue;
            if (is_rpid_activity(a))
                xmlNewChild(acts, ns->rpid, (const xmlChar *)a, NULL);
            else
                text_child(acts, ns->rpid, "other", a);
        }
    }
    if (p->place_type) { /* RFC 4480 §3.6: a location type of RFC 4589 inside */
        xmlNode *pt = xmlNewChild(person, ns->rpid, (const xmlChar *)"place-type", NULL);
        if (is_ncname(p->place_type))
            xmlNewChild(pt, ns->lt, (const xmlChar *)p->place_type, NULL);
        else
            text_child(pt, ns->rpid, "other", p->place_type);
    }
    if (p->note)
        text_child(person, ns->dm, "note", p->note);
    if (p->timestamp)
        text_child(person, ns->dm, "timestamp", p->timestamp);
}

static void print_device(xmlNode *root, const PidfDevice *d, const Names *ns)
{
    xmlNode *device = xmlNewChild(root, ns->dm, (const xmlChar *)"device", NULL);
    xmlNewProp(device, (const xmlChar *)"id", (const xmlChar *)(d->id ? d->id : ""));
    text_child(device, ns->dm, "deviceID", d->device_id ? d->device_id : "");
    if (d->note)
        text_child(device, ns->dm, "note", d->note);
    if (d->timestamp)
        text_child(device, ns->dm, "timestamp", d->timestamp);
}

char *pidf_doc_print(const PidfDoc *doc, size_t *len, GError **error)
{
    if (len)
        *len = 0;
    gboolean dm = doc->persons->len > 0 || doc->devices->len > 0, rpid = FALSE, gp = FALSE, gml = FALSE, cl = FALSE,
             lt = FALSE;
    for (guint i = 0; i < doc->tuples->len; i++) {
        const PidfTuple *t = doc->tuples->pdata[i];
        dm |= t->device_id != NULL;
        rpid |= t->service_class != NULL;
        if (t->geopriv) {
            gp = TRUE;
            gml |= t->geopriv->has_point;
            cl |= geo_has_civic(t->geopriv);
        }
    }
    for (guint i = 0; i < doc->persons->len; i++) {
        const PidfPerson *p = doc->persons->pdata[i];
        rpid |= p->activities->len > 0 || p->place_type;
        lt |= is_ncname(p->place_type);
    }

    xmlDoc *xdoc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNode *root = xmlNewNode(NULL, (const xmlChar *)"presence");
    xmlDocSetRootElement(xdoc, root);
    Names ns = {0};
    ns.pidf = xmlNewNs(root, (const xmlChar *)PIDF_NS, NULL);
    xmlSetNs(root, ns.pidf);
#define DECLARE(flag, field, uri, prefix)                                                                              \
    if (flag)                                                                                                          \
    ns.field = xmlNewNs(root, (const xmlChar *)(uri), (const xmlChar *)(prefix))
    DECLARE(dm, dm, PIDF_NS_DM, "dm");
    DECLARE(rpid, rpid, PIDF_NS_RPID, "rpid");
    DECLARE(gp, gp, PIDF_NS_GP, "gp");
    DECLARE(gp, gbp, PIDF_NS_GBP, "gbp");
    DECLARE(gml, gml, PIDF_NS_GML, "gml");
    DECLARE(cl, cl, PIDF_NS_CL, "cl");
    DECLARE(lt, lt, PIDF_NS_LT, "lt");
#undef DECLARE
    xmlNewProp(root, (const xmlChar *)"entity", (const xmlChar *)(doc->entity ? doc->entity : ""));

    for (guint i = 0; i < doc->tuples->len; i++)
        print_tuple(root, doc->tuples->pdata[i], &ns);
    for (guint i = 0; i < doc->notes->len; i++) /* RFC 3863 §4.1.6: after the tuples */
        text_child(root, ns.pidf, "note", doc->notes->pdata[i]);
    for (guint i = 0; i < doc->persons->len; i++)
        print_person(root, doc->persons->pdata[i], &ns);
    for (guint i = 0; i < doc->devices->len; i++)
        print_device(root, doc->devices->pdata[i], &ns);

    char *out = pidf_xml_dump(xdoc, len, PIDF_ERROR, PIDF_ERROR_XML, error);
    xmlFreeDoc(xdoc);
    return out;
}

/* ---- parsing --------------------------------------------------------------------------------- */

/* Replaces *SLOT with the text of NODE (the last occurrence wins for single-valued fields, except
 * notes, where the first is kept by the callers). */
static void take_text(char **slot, const xmlNode *node)
{
    g_free(*slot);
    *slot = pidf_xml_text(node);
}

static gboolean is_civic(const xmlNode *n, const char *name)
{
    return pidf_xml_is(n, PIDF_NS_CL, name) || pidf_xml_is(n, PIDF_NS_CL_4119, name);
}

static void parse_point(PidfGeopriv *geo, const xmlNode *point)
{
    FOR_CHILDREN(point, c)
    {
        if (!pidf_xml_is(c, PIDF_NS_GML, "pos"))
            continue;
        g_autofree char *text = pidf_xml_text(c);
        char *end = NULL;
        double lat = g_ascii_strtod(text, &end);
        if (end == text)
            return;
        const char *rest = end;
        double lon = g_ascii_strtod(rest, &end);
        if (end == rest || !isfinite(lat) || !isfinite(lon) || fabs(lat) > 90 || fabs(lon) > 180)
            return;
        geo->has_point = TRUE;
        geo->latitude = lat;
        geo->longitude = lon;
        return;
    }
}

static gboolean text_true(const xmlNode *n)
{
    g_autofree char *v = pidf_xml_text(n);
    /* xs:boolean, plus RFC 4119's example spelling "yes" */
    return strcmp(v, "true") == 0 || strcmp(v, "1") == 0 || g_ascii_strcasecmp(v, "yes") == 0;
}

static PidfGeopriv *parse_geopriv(const xmlNode *gpnode)
{
    PidfGeopriv *geo = g_new0(PidfGeopriv, 1);
    FOR_CHILDREN(gpnode, c)
    {
        if (pidf_xml_is(c, PIDF_NS_GP, "location-info")) {
            FOR_CHILDREN(c, l)
            {
                if (pidf_xml_is(l, PIDF_NS_GML, "Point"))
                    parse_point(geo, l);
                else if (pidf_xml_is(l, PIDF_NS_GML, "location")) { /* RFC 4119 §2.2.2's GML 3.0 wrapper */
                    FOR_CHILDREN(l, p)
                    if (pidf_xml_is(p, PIDF_NS_GML, "Point"))
                        parse_point(geo, p);
                } else if (is_civic(l, "civicAddress")) {
                    FOR_CHILDREN(l, a)
                    {
                        if (is_civic(a, "country"))
                            take_text(&geo->country, a);
                        else if (is_civic(a, "A1"))
                            take_text(&geo->a1, a);
                        else if (is_civic(a, "A3"))
                            take_text(&geo->a3, a);
                        else if (is_civic(a, "RD"))
                            take_text(&geo->rd, a);
                        else if (is_civic(a, "HNO"))
                            take_text(&geo->hno, a);
                        else if (is_civic(a, "PC"))
                            take_text(&geo->pc, a);
                    }
                }
            }
        } else if (pidf_xml_is(c, PIDF_NS_GP, "usage-rules")) {
            FOR_CHILDREN(c, r)
            {
                if (pidf_xml_is(r, PIDF_NS_GBP, "retransmission-allowed") ||
                    pidf_xml_is(r, PIDF_NS_GP, "retransmission-allowed"))
                    geo->retransmission_allowed = text_true(r);
                else if (pidf_xml_is(r, PIDF_NS_GBP, "retention-expiry") ||
                         pidf_xml_is(r, PIDF_NS_GP, "retention-expiry"))
                    take_text(&geo->retention_expires, r);
            }
        } else if (pidf_xml_is(c, PIDF_NS_GP, "method")) {
            take_text(&geo->method, c);
        }
    }
    return geo;
}

static gboolean need_id(const xmlNode *node, const char *what, char **id, GError **error)
{
    *id = pidf_xml_attr(node, "id");
    if (*id && **id)
        return TRUE;
    g_set_error(error, PIDF_ERROR, PIDF_ERROR_INVALID, "%s without an id (line %ld)", what, xmlGetLineNo(node));
    return FALSE;
}

static gboolean parse_tuple(PidfDoc *doc, const xmlNode *node, GError **error)
{
    g_autofree char *id = NULL;
    if (!need_id(node, "<tuple>", &id, error)) /* RFC 3863 §4.1.2 */
        return FALSE;
    PidfTuple *t = pidf_doc_add_tuple(doc, id, NULL);
    gboolean has_status = FALSE;
    FOR_CHILDREN(node, c)
    {
        if (pidf_xml_is(c, PIDF_NS, "status")) {
            has_status = TRUE;
            FOR_CHILDREN(c, s)
            {
                if (pidf_xml_is(s, PIDF_NS, "basic")) {
                    take_text(&t->basic, s);
                    if (strcmp(t->basic, "open") != 0 && strcmp(t->basic, "closed") != 0) { /* RFC 3863 §4.1.4 */
                        g_set_error(error, PIDF_ERROR, PIDF_ERROR_INVALID, "tuple %s: <basic> is \"%s\"", id,
                                    t->basic);
                        return FALSE;
                    }
                } else if (pidf_xml_is(s, PIDF_NS_GP, "geopriv") && !t->geopriv) { /* RFC 4119 §2.2.1 */
                    t->geopriv = parse_geopriv(s);
                }
            }
        } else if (pidf_xml_is(c, PIDF_NS, "contact")) {
            take_text(&t->contact, c);
            g_autofree char *prio = pidf_xml_attr(c, "priority");
            if (prio) {
                char *end = NULL;
                double q = g_ascii_strtod(prio, &end);
                t->contact_priority = (end != prio && *end == '\0' && q >= 0 && q <= 1) ? q : -1;
            }
        } else if (pidf_xml_is(c, PIDF_NS, "note")) {
            if (!t->note)
                t->note = pidf_xml_text(c);
        } else if (pidf_xml_is(c, PIDF_NS, "timestamp")) {
            take_text(&t->timestamp, c);
        } else if (pidf_xml_is(c, PIDF_NS_DM, "deviceID")) {
            take_text(&t->device_id, c);
        } else if (pidf_xml_is(c, PIDF_NS_RPID, "class")) {
            take_text(&t->service_class, c);
        }
    }
    if (!has_status) { /* RFC 3863 §4.1.3: mandatory */
        g_set_error(error, PIDF_ERROR, PIDF_ERROR_INVALID, "tuple %s has no <status>", id);
        return FALSE;
    }
    return TRUE;
}

static gboolean parse_person(PidfDoc *doc, const xmlNode *node, GError **error)
{
    g_autofree char *id = NULL;
    if (!need_id(node, "<dm:person>", &id, error))
        return FALSE;
    PidfPerson *p = pidf_doc_add_person(doc, id);
    FOR_CHILDREN(node, c)
    {
        if (pidf_xml_is(c, PIDF_NS_RPID, "activities")) {
            FOR_CHILDREN(c, a)
            {
                if (pidf_xml_is(a, PIDF_NS_RPID, "note") || p->activities->len >= 64)
                    continue;
                if (pidf_xml_is(a, PIDF_NS_RPID, "other"))
                    g_ptr_array_add(p->activities, pidf_xml_text(a));
                else
                    pidf_person_add_activity(p, (const char *)a->name);
            }
        } else if (pidf_xml_is(c, PIDF_NS_RPID, "place-type")) {
            FOR_CHILDREN(c, t)
            {
                if (pidf_xml_is(t, PIDF_NS_RPID, "note"))
                    continue;
                if (pidf_xml_is(t, PIDF_NS_RPID, "other"))
                    take_text(&p->place_type, t);
                else {
                    g_free(p->place_type);
                    p->place_type = g_strdup((const char *)t->name);
                }
                break;
            }
        } else if (pidf_xml_is(c, PIDF_NS_DM, "note")) {
            if (!p->note)
                p->note = pidf_xml_text(c);
        } else if (pidf_xml_is(c, PIDF_NS_DM, "timestamp")) {
            take_text(&p->timestamp, c);
        }
    }
    return TRUE;
}

static gboolean parse_device(PidfDoc *doc, const xmlNode *node, GError **error)
{
    g_autofree char *id = NULL;
    if (!need_id(node, "<dm:device>", &id, error))
        return FALSE;
    PidfDevice *d = pidf_doc_add_device(doc, id, NULL);
    FOR_CHILDREN(node, c)
    {
        if (pidf_xml_is(c, PIDF_NS_DM, "deviceID"))
            take_text(&d->device_id, c);
        else if (pidf_xml_is(c, PIDF_NS_DM, "note")) {
            if (!d->note)
                d->note = pidf_xml_text(c);
        } else if (pidf_xml_is(c, PIDF_NS_DM, "timestamp"))
            take_text(&d->timestamp, c);
    }
    if (!d->device_id || !*d->device_id) { /* RFC 4479 §3.3: a device is identified by its deviceID */
        g_set_error(error, PIDF_ERROR, PIDF_ERROR_INVALID, "device %s has no <dm:deviceID>", id);
        return FALSE;
    }
    return TRUE;
}

static PidfDoc *parse_presence(const xmlNode *root, GError **error)
{
    if (!pidf_xml_is(root, PIDF_NS, "presence")) { /* RFC 3863 §4.1.1 */
        g_set_error(error, PIDF_ERROR, PIDF_ERROR_INVALID, "root is <%s> in %s, not <presence> in " PIDF_NS,
                    (const char *)root->name, root->ns ? (const char *)root->ns->href : "no namespace");
        return NULL;
    }
    g_autofree char *entity = pidf_xml_attr(root, "entity");
    if (!entity || !*entity) {
        g_set_error(error, PIDF_ERROR, PIDF_ERROR_INVALID, "<presence> without an entity");
        return NULL;
    }
    /* bounds first, so that a flood is refused as such whatever its elements hold */
    guint counts[4] = {0};
    FOR_CHILDREN(root, c)
    {
        int k = pidf_xml_is(c, PIDF_NS, "tuple")        ? 0
                : pidf_xml_is(c, PIDF_NS_DM, "person") ? 1
                : pidf_xml_is(c, PIDF_NS_DM, "device") ? 2
                : pidf_xml_is(c, PIDF_NS, "note")      ? 3
                                                       : -1;
        if (k >= 0 && ++counts[k] > PIDF_MAX_ITEMS) {
            static const char *const what[] = {"tuples", "persons", "devices", "notes"};
            g_set_error(error, PIDF_ERROR, PIDF_ERROR_TOO_LARGE, "more than %d %s", PIDF_MAX_ITEMS, what[k]);
            return NULL;
        }
    }
    g_autoptr(PidfDoc) doc = pidf_doc_new(entity);
    FOR_CHILDREN(root, c)
    {
        gboolean ok = TRUE;
        if (pidf_xml_is(c, PIDF_NS, "tuple"))
            ok = parse_tuple(doc, c, error);
        else if (pidf_xml_is(c, PIDF_NS_DM, "person"))
            ok = parse_person(doc, c, error);
        else if (pidf_xml_is(c, PIDF_NS_DM, "device"))
            ok = parse_device(doc, c, error);
        else if (pidf_xml_is(c, PIDF_NS, "note"))
            g_ptr_array_add(doc->notes, pidf_xml_text(c));
        if (!ok)
            return NULL;
    }
    return g_steal_pointer(&doc);
}

PidfDoc *pidf_doc_parse(const void *data, size_t len, GError **error)
{
    xmlDoc *xdoc =
        pidf_xml_read(data, len, PIDF_MAX_SIZE, PIDF_ERROR, PIDF_ERROR_TOO_LARGE, PIDF_ERROR_XML, error);
    if (!xdoc)
        return NULL;
    PidfDoc *doc = parse_presence(xmlDocGetRootElement(xdoc), error);
    xmlFreeDoc(xdoc);
    return doc;
}
