/* pres-rules-builder.c: a small writer of pres-rules documents for scenario files and tests
 * (pres_rules_builder_*, pres-rules.h): one <cp:rule> per call, printed as application/auth-policy+xml
 * that pres_rules_parse() reads back and that validates against RFC 4745 and RFC 5025's schemas (the
 * gp:provide-location of RFC 6772 sits in <transformations>' ##other slot).
 */
#include "protocols/pidf/pres-rules.h"
#include "protocols/pidf/pidf-private.h"

struct PresRulesBuilder {
    xmlDoc *doc;
    xmlNode *root;
    xmlNs *cp, *pr, *gp;
};

PresRulesBuilder *pres_rules_builder_new(void)
{
    PresRulesBuilder *b = g_new0(PresRulesBuilder, 1);
    b->doc = xmlNewDoc((const xmlChar *)"1.0");
    b->root = xmlNewNode(NULL, (const xmlChar *)"ruleset");
    xmlDocSetRootElement(b->doc, b->root);
    b->cp = xmlNewNs(b->root, (const xmlChar *)PIDF_NS_CP, (const xmlChar *)"cp");
    b->pr = xmlNewNs(b->root, (const xmlChar *)PIDF_NS_PR, (const xmlChar *)"pr");
    xmlSetNs(b->root, b->cp);
    return b;
}

static xmlNode *child(xmlNode *parent, xmlNs *ns, const char *name, const char *text)
{
    return xmlNewTextChild(parent, ns, (const xmlChar *)name, (const xmlChar *)text);
}

void pres_rules_builder_add(PresRulesBuilder *b, const char *rule_id, const char *const *ids, const char *domain,
                            PresSubHandling handling, gboolean provide_location)
{
    xmlNode *rule = child(b->root, b->cp, "rule", NULL);
    xmlNewProp(rule, (const xmlChar *)"id", (const xmlChar *)rule_id);
    if ((ids && ids[0]) || domain) { /* RFC 4745 §7.1 */
        xmlNode *identity = child(child(rule, b->cp, "conditions", NULL), b->cp, "identity", NULL);
        for (guint i = 0; ids && ids[i]; i++)
            xmlNewProp(child(identity, b->cp, "one", NULL), (const xmlChar *)"id", (const xmlChar *)ids[i]);
        if (domain)
            xmlNewProp(child(identity, b->cp, "many", NULL), (const xmlChar *)"domain", (const xmlChar *)domain);
    }
    child(child(rule, b->cp, "actions", NULL), b->pr, "sub-handling", pres_sub_handling_name(handling));
    xmlNode *tr = child(rule, b->cp, "transformations", NULL); /* RFC 5025 §3.3 */
    child(child(tr, b->pr, "provide-services", NULL), b->pr, "all-services", NULL);
    child(child(tr, b->pr, "provide-persons", NULL), b->pr, "all-persons", NULL);
    child(child(tr, b->pr, "provide-devices", NULL), b->pr, "all-devices", NULL);
    child(tr, b->pr, "provide-activities", "true");
    child(tr, b->pr, "provide-note", "true");
    if (provide_location) { /* RFC 6772 §6.5; no granularity children: the location passes whole */
        if (!b->gp)
            b->gp = xmlNewNs(b->root, (const xmlChar *)PIDF_NS_GEOPOLICY, (const xmlChar *)"gp");
        xmlNewProp(child(tr, b->gp, "provide-location", NULL), (const xmlChar *)"profile",
                   (const xmlChar *)"geodetic-transformation");
    }
}

char *pres_rules_builder_finish(PresRulesBuilder *b, size_t *len)
{
    char *out = pidf_xml_dump(b->doc, len, PRES_RULES_ERROR, PRES_RULES_ERROR_XML, NULL);
    xmlFreeDoc(b->doc);
    g_free(b);
    return out;
}
