/* pres-rules.c: parsing of presence authorization rules (RFC 5025 over RFC 4745 common policy) and
 * their evaluation for one watcher (pres-rules.h). Applying the result to a PIDF document is in
 * pres-rules-apply.c, the ruleset builder in pres-rules-builder.c.
 *
 * Evaluation (RFC 4745 §10): a rule matches when every condition of its <conditions> holds (an
 * absent or empty <conditions> always holds); the permissions of all matching rules are combined:
 * sub-handling by its largest value (RFC 5025 §3.2.1), booleans by OR, sets by union (RFC 4745
 * §10.2). No matching rule: block (RFC 4745 §10.3, default deny).
 * Conditions this code cannot decide (<sphere>, <validity>, and any unknown condition element) make
 * their rule never match: a permission is never granted on a condition that was not checked.
 */
#include "protocols/pidf/pres-rules.h"
#include "protocols/pidf/pidf-private.h"
#include <string.h>

#define PRES_RULES_MAX_RULES 1024

G_DEFINE_QUARK(pres-rules-error-quark, pres_rules_error)

typedef struct {
    char *domain;         /* NULL: any domain */
    GPtrArray *except_ids; /* char* */
    GPtrArray *except_domains;
} PresMany;

typedef struct {
    GPtrArray *ones;  /* char*: <one id> */
    GPtrArray *manys; /* PresMany* */
} PresIdentity;

typedef struct {
    char *id;
    gboolean never;         /* carries a condition we cannot evaluate */
    GPtrArray *identities;  /* PresIdentity*: all must match */
    int sub_handling;       /* PresSubHandling, or -1 when the rule has none */
    PresPermissions *grant; /* the rule's transformations (sub_handling and matched unused) */
} PresRule;

struct PresRules {
    GPtrArray *rules; /* PresRule* */
};

const char *pres_sub_handling_name(PresSubHandling h)
{
    switch (h) {
    case PRES_SUB_BLOCK:
        return "block";
    case PRES_SUB_CONFIRM:
        return "confirm";
    case PRES_SUB_POLITE_BLOCK:
        return "polite-block";
    case PRES_SUB_ALLOW:
        return "allow";
    }
    return "unknown";
}

/* ---- permissions ----------------------------------------------------------------------------- */

static PresPermissions *permissions_new(void)
{
    PresPermissions *p = g_new0(PresPermissions, 1);
    p->sub_handling = PRES_SUB_BLOCK;
    p->service_uris = g_ptr_array_new_with_free_func(g_free);
    p->occurrence_ids = g_ptr_array_new_with_free_func(g_free);
    p->classes = g_ptr_array_new_with_free_func(g_free);
    p->device_ids = g_ptr_array_new_with_free_func(g_free);
    return p;
}

void pres_permissions_free(PresPermissions *perm)
{
    if (!perm)
        return;
    g_ptr_array_unref(perm->service_uris);
    g_ptr_array_unref(perm->occurrence_ids);
    g_ptr_array_unref(perm->classes);
    g_ptr_array_unref(perm->device_ids);
    g_free(perm);
}

/* Set union, insertion order kept. Linear: rule sets are small. */
static void set_add(GPtrArray *set, const char *value)
{
    for (guint i = 0; i < set->len; i++)
        if (strcmp(set->pdata[i], value) == 0)
            return;
    g_ptr_array_add(set, g_strdup(value));
}

static void set_union(GPtrArray *dst, const GPtrArray *src)
{
    for (guint i = 0; i < src->len; i++)
        set_add(dst, src->pdata[i]);
}

/* RFC 4745 §10.2: booleans OR, sets union. */
static void permissions_merge(PresPermissions *dst, const PresPermissions *src)
{
    dst->all_services |= src->all_services;
    dst->all_persons |= src->all_persons;
    dst->all_devices |= src->all_devices;
    dst->activities |= src->activities;
    dst->note |= src->note;
    dst->all_attributes |= src->all_attributes;
    dst->location |= src->location;
    set_union(dst->service_uris, src->service_uris);
    set_union(dst->occurrence_ids, src->occurrence_ids);
    set_union(dst->classes, src->classes);
    set_union(dst->device_ids, src->device_ids);
}

/* ---- rules ----------------------------------------------------------------------------------- */

static void many_free(gpointer p)
{
    PresMany *m = p;
    g_free(m->domain);
    g_ptr_array_unref(m->except_ids);
    g_ptr_array_unref(m->except_domains);
    g_free(m);
}

static void identity_free(gpointer p)
{
    PresIdentity *i = p;
    g_ptr_array_unref(i->ones);
    g_ptr_array_unref(i->manys);
    g_free(i);
}

static void rule_free(gpointer p)
{
    PresRule *r = p;
    g_free(r->id);
    g_ptr_array_unref(r->identities);
    pres_permissions_free(r->grant);
    g_free(r);
}

void pres_rules_free(PresRules *rules)
{
    if (!rules)
        return;
    g_ptr_array_unref(rules->rules);
    g_free(rules);
}

guint pres_rules_count(const PresRules *rules)
{
    return rules ? rules->rules->len : 0;
}

/* ---- parsing --------------------------------------------------------------------------------- */

static gboolean invalid(GError **error, const char *rule_id, const char *what)
{
    g_set_error(error, PRES_RULES_ERROR, PRES_RULES_ERROR_INVALID, "rule %s: %s", rule_id ? rule_id : "?", what);
    return FALSE;
}

/* RFC 4745 §7.1 */
static gboolean parse_identity(PresRule *rule, const xmlNode *node, GError **error)
{
    PresIdentity *ident = g_new0(PresIdentity, 1);
    ident->ones = g_ptr_array_new_with_free_func(g_free);
    ident->manys = g_ptr_array_new_with_free_func(many_free);
    g_ptr_array_add(rule->identities, ident);
    FOR_CHILDREN(node, c)
    {
        if (pidf_xml_is(c, PIDF_NS_CP, "one")) { /* §7.1.1.1 */
            char *id = pidf_xml_attr(c, "id");
            if (!id || !*id) {
                g_free(id);
                return invalid(error, rule->id, "<one> without an id");
            }
            g_ptr_array_add(ident->ones, id);
        } else if (pidf_xml_is(c, PIDF_NS_CP, "many")) { /* §7.1.1.2 */
            PresMany *m = g_new0(PresMany, 1);
            m->domain = pidf_xml_attr(c, "domain");
            m->except_ids = g_ptr_array_new_with_free_func(g_free);
            m->except_domains = g_ptr_array_new_with_free_func(g_free);
            g_ptr_array_add(ident->manys, m);
            FOR_CHILDREN(c, e)
            {
                if (!pidf_xml_is(e, PIDF_NS_CP, "except"))
                    continue;
                char *id = pidf_xml_attr(e, "id"), *domain = pidf_xml_attr(e, "domain");
                if (id)
                    g_ptr_array_add(m->except_ids, id);
                if (domain)
                    g_ptr_array_add(m->except_domains, domain);
            }
        }
        /* other namespaces: an alternative we cannot evaluate, i.e. one that does not match */
    }
    return TRUE;
}

static void parse_conditions(PresRule *rule, const xmlNode *node, GError **error, gboolean *ok)
{
    FOR_CHILDREN(node, c)
    {
        if (pidf_xml_is(c, PIDF_NS_CP, "identity")) {
            if (!parse_identity(rule, c, error)) {
                *ok = FALSE;
                return;
            }
        } else {
            rule->never = TRUE; /* <sphere>, <validity> (§7.2, §7.3) or an unknown condition */
        }
    }
}

/* xs:boolean (RFC 5025 booleanPermission). */
static gboolean parse_bool(const xmlNode *node, gboolean *value)
{
    g_autofree char *v = pidf_xml_text(node);
    if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
        *value = TRUE;
    else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
        *value = FALSE;
    else
        return FALSE;
    return TRUE;
}

static void add_text(GPtrArray *set, const xmlNode *node, const char *suffix)
{
    g_autofree char *v = pidf_xml_text(node);
    if (!*v)
        return;
    g_autofree char *full = g_strconcat(v, suffix, NULL);
    set_add(set, full);
}

/* RFC 5025 §3.3.1 - §3.3.3: provide-services / persons / devices. */
static void parse_provide(PresPermissions *g, const xmlNode *node, gboolean *all)
{
    FOR_CHILDREN(node, c)
    {
        if (!c->ns || strcmp((const char *)c->ns->href, PIDF_NS_PR) != 0)
            continue;
        const char *n = (const char *)c->name;
        if (strcmp(n, "all-services") == 0 || strcmp(n, "all-persons") == 0 || strcmp(n, "all-devices") == 0)
            *all = TRUE;
        else if (strcmp(n, "service-uri") == 0)
            add_text(g->service_uris, c, "");
        else if (strcmp(n, "service-uri-scheme") == 0)
            add_text(g->service_uris, c, ":");
        else if (strcmp(n, "occurrence-id") == 0)
            add_text(g->occurrence_ids, c, "");
        else if (strcmp(n, "class") == 0)
            add_text(g->classes, c, "");
        else if (strcmp(n, "deviceID") == 0)
            add_text(g->device_ids, c, "");
    }
}

static gboolean parse_transformations(PresRule *rule, const xmlNode *node, GError **error)
{
    PresPermissions *g = rule->grant;
    FOR_CHILDREN(node, c)
    {
        gboolean value = FALSE;
        if (pidf_xml_is(c, PIDF_NS_PR, "provide-services"))
            parse_provide(g, c, &g->all_services);
        else if (pidf_xml_is(c, PIDF_NS_PR, "provide-persons"))
            parse_provide(g, c, &g->all_persons);
        else if (pidf_xml_is(c, PIDF_NS_PR, "provide-devices"))
            parse_provide(g, c, &g->all_devices);
        else if (pidf_xml_is(c, PIDF_NS_PR, "provide-activities") || pidf_xml_is(c, PIDF_NS_PR, "provide-note")) {
            if (!parse_bool(c, &value))
                return invalid(error, rule->id, "a boolean permission is neither true nor false");
            if (strcmp((const char *)c->name, "provide-activities") == 0)
                g->activities |= value;
            else
                g->note |= value;
        } else if (pidf_xml_is(c, PIDF_NS_PR, "provide-all-attributes")) { /* §3.3.6 */
            g->all_attributes = TRUE;
        } else if (pidf_xml_is(c, PIDF_NS_GEOPOLICY, "provide-location")) { /* RFC 6772 §6.5 */
            g->location = TRUE;
        } else if (pidf_xml_is(c, PIDF_NS_PR, "provide-geopriv")) {
            /* drafts of RFC 5025: "full" grants; "false" and the granularity values (which presim does
             * not apply) do not */
            g_autofree char *v = pidf_xml_text(c);
            if (strcmp(v, "full") == 0)
                g->location = TRUE;
        }
    }
    return TRUE;
}

static PresRule *parse_rule(const xmlNode *node, GError **error)
{
    PresRule *rule = g_new0(PresRule, 1);
    rule->id = pidf_xml_attr(node, "id");
    rule->identities = g_ptr_array_new_with_free_func(identity_free);
    rule->sub_handling = -1;
    rule->grant = permissions_new();
    gboolean ok = TRUE;
    if (!rule->id || !*rule->id) /* RFC 4745 §5: id is required */
        ok = invalid(error, NULL, "<rule> without an id");
    for (xmlNode *c = node->children; ok && c; c = c->next) {
        if (pidf_xml_is(c, PIDF_NS_CP, "conditions")) {
            parse_conditions(rule, c, error, &ok);
        } else if (pidf_xml_is(c, PIDF_NS_CP, "actions")) {
            FOR_CHILDREN(c, a)
            {
                if (!pidf_xml_is(a, PIDF_NS_PR, "sub-handling"))
                    continue;
                g_autofree char *v = pidf_xml_text(a);
                int h = strcmp(v, "block") == 0          ? PRES_SUB_BLOCK
                        : strcmp(v, "confirm") == 0      ? PRES_SUB_CONFIRM
                        : strcmp(v, "polite-block") == 0 ? PRES_SUB_POLITE_BLOCK
                        : strcmp(v, "allow") == 0        ? PRES_SUB_ALLOW
                                                         : -1;
                if (h < 0) {
                    g_autofree char *what = g_strdup_printf("bad <sub-handling> \"%.40s\"", v);
                    ok = invalid(error, rule->id, what);
                    break;
                }
                rule->sub_handling = MAX(rule->sub_handling, h);
            }
        } else if (pidf_xml_is(c, PIDF_NS_CP, "transformations")) {
            ok = parse_transformations(rule, c, error);
        }
    }
    if (!ok) {
        rule_free(rule);
        return NULL;
    }
    return rule;
}

PresRules *pres_rules_parse(const void *data, size_t len, GError **error)
{
    xmlDoc *xdoc = pidf_xml_read(data, len, PRES_RULES_MAX_SIZE, PRES_RULES_ERROR, PRES_RULES_ERROR_TOO_LARGE,
                                 PRES_RULES_ERROR_XML, error);
    if (!xdoc)
        return NULL;
    xmlNode *root = xmlDocGetRootElement(xdoc);
    PresRules *rules = NULL;
    if (!pidf_xml_is(root, PIDF_NS_CP, "ruleset")) { /* RFC 4745 §5 */
        g_set_error(error, PRES_RULES_ERROR, PRES_RULES_ERROR_INVALID,
                    "root is <%s> in %s, not <ruleset> in " PIDF_NS_CP, (const char *)root->name,
                    root->ns ? (const char *)root->ns->href : "no namespace");
        goto out;
    }
    rules = g_new0(PresRules, 1);
    rules->rules = g_ptr_array_new_with_free_func(rule_free);
    FOR_CHILDREN(root, c)
    {
        if (!pidf_xml_is(c, PIDF_NS_CP, "rule"))
            continue;
        if (rules->rules->len >= PRES_RULES_MAX_RULES) {
            g_set_error(error, PRES_RULES_ERROR, PRES_RULES_ERROR_TOO_LARGE, "more than %d rules",
                        PRES_RULES_MAX_RULES);
            g_clear_pointer(&rules, pres_rules_free);
            goto out;
        }
        PresRule *rule = parse_rule(c, error);
        if (!rule) {
            g_clear_pointer(&rules, pres_rules_free);
            goto out;
        }
        g_ptr_array_add(rules->rules, rule);
    }
out:
    xmlFreeDoc(xdoc);
    return rules;
}

/* ---- evaluation ------------------------------------------------------------------------------ */

/* The host part of a SIP/pres/tel URI: after the last '@' (or the scheme's ':'), up to a port,
 * parameter or header. */
static char *uri_domain(const char *uri)
{
    const char *at = strrchr(uri, '@');
    const char *start = at ? at + 1 : (strchr(uri, ':') ? strchr(uri, ':') + 1 : uri);
    size_t n = strcspn(start, ":;?>");
    return g_ascii_strdown(start, (gssize)n);
}

/* RFC 4745 §7.1.1.1 leaves the comparison to the using protocol; presim compares the scheme and the
 * domain case-insensitively and the user part exactly (RFC 3261 §19.1.4). */
static gboolean uri_equal(const char *a, const char *b)
{
    const char *ca = strchr(a, ':'), *cb = strchr(b, ':');
    const char *aa = strrchr(a, '@'), *ab = strrchr(b, '@');
    if (!ca || !cb || !aa != !ab)
        return g_ascii_strcasecmp(a, b) == 0;
    if (ca - a != cb - b || g_ascii_strncasecmp(a, b, (gsize)(ca - a)) != 0)
        return FALSE;
    if (!aa)
        return g_ascii_strcasecmp(ca, cb) == 0;
    if (aa - ca != ab - cb || strncmp(ca, cb, (size_t)(aa - ca)) != 0)
        return FALSE;
    return g_ascii_strcasecmp(aa, ab) == 0;
}

static gboolean identity_matches(const PresIdentity *ident, const char *watcher, const char *domain)
{
    for (guint i = 0; i < ident->ones->len; i++)
        if (uri_equal(ident->ones->pdata[i], watcher))
            return TRUE;
    for (guint i = 0; i < ident->manys->len; i++) {
        const PresMany *m = ident->manys->pdata[i];
        if (m->domain && g_ascii_strcasecmp(m->domain, domain) != 0)
            continue;
        gboolean excepted = FALSE;
        for (guint j = 0; j < m->except_ids->len && !excepted; j++)
            excepted = uri_equal(m->except_ids->pdata[j], watcher);
        for (guint j = 0; j < m->except_domains->len && !excepted; j++)
            excepted = g_ascii_strcasecmp(m->except_domains->pdata[j], domain) == 0;
        if (!excepted)
            return TRUE;
    }
    return FALSE;
}

static gboolean rule_matches(const PresRule *rule, const char *watcher, const char *domain)
{
    if (rule->never)
        return FALSE;
    for (guint i = 0; i < rule->identities->len; i++)
        if (!watcher || !identity_matches(rule->identities->pdata[i], watcher, domain))
            return FALSE;
    return TRUE;
}

PresPermissions *pres_rules_evaluate(const PresRules *rules, const char *watcher)
{
    PresPermissions *perm = permissions_new();
    if (!rules)
        return perm;
    g_autofree char *domain = watcher ? uri_domain(watcher) : NULL;
    int handling = PRES_SUB_BLOCK;
    for (guint i = 0; i < rules->rules->len; i++) {
        const PresRule *rule = rules->rules->pdata[i];
        if (!rule_matches(rule, watcher, domain))
            continue;
        perm->matched = TRUE;
        handling = MAX(handling, rule->sub_handling); /* RFC 5025 §3.2.1: the largest value wins */
        permissions_merge(perm, rule->grant);
    }
    perm->sub_handling = (PresSubHandling)handling;
    return perm;
}
