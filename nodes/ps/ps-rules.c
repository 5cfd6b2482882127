/* ps-rules.c: each user's pres-rules document (RFC 5025 over RFC 4745) as the Presence Server keeps it.
 *
 * The scenario gives the rules as lists of watchers per sub-handling (subscriber keys pres-allow,
 * pres-block, pres-polite-block, pres-confirm, pres-location). They are turned into a real
 * application/auth-policy+xml document here and parsed back with protocols/pidf/pres-rules, so the
 * PS always decides from the document a user could fetch and edit over XCAP.
 *
 * Why the excepts: common policy combines the rules a watcher matches by taking the most permissive
 * sub-handling (RFC 4745 §10.2), so a rule cannot take away what a wildcard rule grants. A wildcard
 * ("*" or "*@domain") therefore gets an <except id> for every identity named in another list, and "*"
 * an <except domain> for every domain named by a "*@domain" item: the explicit entry decides for
 * that watcher. Location is granted by separate rules without sub-handling (they only add the
 * provide-location permission, RFC 6772).
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/ps/ps-private.h"
#include <libxml/xmlwriter.h>
#include <string.h>

#define CP_NS "urn:ietf:params:xml:ns:common-policy"
#define PR_NS "urn:ietf:params:xml:ns:pres-rules"
#define GP_NS "urn:ietf:params:xml:ns:geolocation-policy"

static const PresSubHandling list_handling[4] = {PRES_SUB_ALLOW, PRES_SUB_BLOCK, PRES_SUB_POLITE_BLOCK,
                                                 PRES_SUB_CONFIRM};
#define LOCATION_LIST 4

static gboolean is_identity(const char *item)
{
    return !g_str_equal(item, "*") && !g_str_has_prefix(item, "*@");
}

/* <identity> for ITEM, with the excepts described above (EXCEPTS: FALSE for location rules). */
static int write_identity(xmlTextWriterPtr w, const PsPresentity *pt, const char *item, gboolean excepts)
{
    int bad = xmlTextWriterStartElement(w, BAD_CAST "cp:identity") < 0;
    if (is_identity(item)) {
        bad |= xmlTextWriterStartElement(w, BAD_CAST "cp:one") < 0;
        bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "id", BAD_CAST item) < 0;
        bad |= xmlTextWriterEndElement(w) < 0;
        return bad | (xmlTextWriterEndElement(w) < 0);
    }
    bad |= xmlTextWriterStartElement(w, BAD_CAST "cp:many") < 0;
    if (item[0] == '*' && item[1] == '@')
        bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "domain", BAD_CAST(item + 2)) < 0;
    for (guint l = 0; excepts && l < LOCATION_LIST; l++) {
        for (guint i = 0; i < pt->rules_items[l]->len; i++) {
            const char *other = pt->rules_items[l]->pdata[i];
            if (is_identity(other)) {
                bad |= xmlTextWriterStartElement(w, BAD_CAST "cp:except") < 0;
                bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "id", BAD_CAST other) < 0;
                bad |= xmlTextWriterEndElement(w) < 0;
            } else if (g_str_equal(item, "*") && g_str_has_prefix(other, "*@")) {
                bad |= xmlTextWriterStartElement(w, BAD_CAST "cp:except") < 0;
                bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "domain", BAD_CAST(other + 2)) < 0;
                bad |= xmlTextWriterEndElement(w) < 0;
            }
        }
    }
    bad |= xmlTextWriterEndElement(w) < 0; /* many */
    return bad | (xmlTextWriterEndElement(w) < 0);
}

static int write_rule(xmlTextWriterPtr w, const PsPresentity *pt, guint list, guint index)
{
    const char *item = pt->rules_items[list]->pdata[index];
    static const char *const prefix[] = {"allow", "block", "polite-block", "confirm", "location"};
    char id[48];
    g_snprintf(id, sizeof id, "%s-%u", prefix[list], index + 1);
    int bad = xmlTextWriterStartElement(w, BAD_CAST "cp:rule") < 0;
    bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "id", BAD_CAST id) < 0;
    bad |= xmlTextWriterStartElement(w, BAD_CAST "cp:conditions") < 0;
    if (!g_str_equal(item, "*") || list != LOCATION_LIST)
        bad |= write_identity(w, pt, item, list != LOCATION_LIST);
    bad |= xmlTextWriterEndElement(w) < 0;
    if (list != LOCATION_LIST) {
        bad |= xmlTextWriterStartElement(w, BAD_CAST "cp:actions") < 0;
        bad |= xmlTextWriterWriteElement(w, BAD_CAST "pr:sub-handling",
                                         BAD_CAST pres_sub_handling_name(list_handling[list])) < 0;
        bad |= xmlTextWriterEndElement(w) < 0;
    }
    bad |= xmlTextWriterStartElement(w, BAD_CAST "cp:transformations") < 0;
    if (list == LOCATION_LIST) {
        bad |= xmlTextWriterStartElement(w, BAD_CAST "gp:provide-location") < 0;
        bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "profile", BAD_CAST "geodetic-transformation") < 0;
        bad |= xmlTextWriterEndElement(w) < 0;
    } else if (list_handling[list] != PRES_SUB_BLOCK) { /* RFC 5025 §3.3: what the watcher may see */
        bad |= xmlTextWriterStartElement(w, BAD_CAST "pr:provide-services") < 0;
        bad |= xmlTextWriterWriteElement(w, BAD_CAST "pr:all-services", NULL) < 0;
        bad |= xmlTextWriterEndElement(w) < 0;
        bad |= xmlTextWriterStartElement(w, BAD_CAST "pr:provide-persons") < 0;
        bad |= xmlTextWriterWriteElement(w, BAD_CAST "pr:all-persons", NULL) < 0;
        bad |= xmlTextWriterEndElement(w) < 0;
        bad |= xmlTextWriterStartElement(w, BAD_CAST "pr:provide-devices") < 0;
        bad |= xmlTextWriterWriteElement(w, BAD_CAST "pr:all-devices", NULL) < 0;
        bad |= xmlTextWriterEndElement(w) < 0;
        bad |= xmlTextWriterWriteElement(w, BAD_CAST "pr:provide-all-attributes", NULL) < 0;
    }
    bad |= xmlTextWriterEndElement(w) < 0; /* transformations */
    return bad | (xmlTextWriterEndElement(w) < 0);
}

static char *rules_document(const PsPresentity *pt)
{
    xmlBufferPtr buf = xmlBufferCreate();
    xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
    if (!w) {
        if (buf)
            xmlBufferFree(buf);
        return NULL;
    }
    int bad = xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0;
    bad |= xmlTextWriterStartElement(w, BAD_CAST "cp:ruleset") < 0;
    bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns:cp", BAD_CAST CP_NS) < 0;
    bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns:pr", BAD_CAST PR_NS) < 0;
    bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns:gp", BAD_CAST GP_NS) < 0;
    for (guint l = 0; l <= LOCATION_LIST; l++)
        for (guint i = 0; i < pt->rules_items[l]->len; i++)
            bad |= write_rule(w, pt, l, i);
    bad |= xmlTextWriterEndElement(w) < 0;
    bad |= xmlTextWriterEndDocument(w) < 0;
    xmlFreeTextWriter(w);
    char *out = bad ? NULL : g_strdup((const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    return out;
}

gboolean ps_rules_rebuild(PsPresentity *pt, GError **error)
{
    char *xml = rules_document(pt);
    if (!xml) {
        g_set_error(error, SIM_PARSE_ERROR, 0, "%s: pres-rules document not built", pt->aor);
        return FALSE;
    }
    PresRules *rules = pres_rules_parse(xml, strlen(xml), error);
    if (!rules) {
        g_free(xml);
        return FALSE;
    }
    g_free(pt->rules_xml);
    pt->rules_xml = xml;
    if (pt->rules)
        pres_rules_free(pt->rules);
    pt->rules = rules;
    return TRUE;
}

static void remove_item(GPtrArray *list, const char *item)
{
    for (guint i = list->len; i-- > 0;)
        if (g_str_equal(list->pdata[i], item))
            g_ptr_array_remove_index(list, i);
}

gboolean ps_rules_set(PsPresentity *pt, const char *watcher, PresSubHandling handling, gboolean location,
                      GError **error)
{
    for (guint l = 0; l <= LOCATION_LIST; l++)
        remove_item(pt->rules_items[l], watcher);
    for (guint l = 0; l < LOCATION_LIST; l++)
        if (list_handling[l] == handling)
            g_ptr_array_add(pt->rules_items[l], g_strdup(watcher));
    if (location)
        g_ptr_array_add(pt->rules_items[LOCATION_LIST], g_strdup(watcher));
    return ps_rules_rebuild(pt, error);
}
