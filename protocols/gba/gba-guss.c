/* gba-guss.c: GBA User Security Settings, printed and parsed (TS 29.109 Annex A).
 *
 * The document this file prints (and the subset it reads; other elements, such as <extension>,
 * <flags> contents or the bsfElement's optional children, are skipped when read):
 *
 *   <?xml version="1.0" encoding="UTF-8"?>
 *   <guss xmlns="uri:3gpp-gaa">
 *     <bsfElement>
 *       <uiccType>GBA</uiccType>          GBA or GBA_U; GBA when absent
 *       <lifeTime>3600</lifeTime>         seconds, 0..2^32-1; printed only when not 0
 *     </bsfElement>
 *     <ussList>
 *       <uss id="1" type="1" nafGroup="presence">   id and type required, nafGroup optional
 *         <uids>
 *           <uid>sip:alice@home.net</uid>           one per IMPU, not empty
 *         </uids>
 *         <flags/>
 *       </uss>
 *     </ussList>
 *   </guss>
 *
 * Reading goes through the strict reader of protocols/xml/xml-safe.h: size checked first, any document
 * type declaration refused before and after libxml2 sees the bytes (so no entity of any kind, no
 * external fetch), XML_PARSE_NONET without XML_PARSE_NOENT / DTDLOAD / HUGE, a cap on the element count.
 * Errors are GBA_ERROR_INVALID (gba-kdf.h), the domain of the GBA folder.
 */
#include "protocols/gba/gba-guss.h"
#include "protocols/gba/gba-kdf.h"
#include "protocols/xml/xml-safe.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <string.h>

#define GUSS_MAX_BYTES (256 * 1024) /* a GUSS lists a handful of USSs; this is far above any real one */
#define GUSS_MAX_ELEMENTS 10000

/* ------------------------------------------------------------------ the model */

static void uss_free(gpointer p)
{
    GbaUss *u = p;
    if (!u)
        return;
    g_free(u->id);
    g_free(u->naf_group);
    g_ptr_array_free(u->uids, TRUE);
    g_free(u);
}

static GbaUss *uss_new(const char *id, uint32_t type, const char *naf_group)
{
    GbaUss *u = g_new0(GbaUss, 1);
    /* Text goes into XML: keep it valid UTF-8 so printing can never fail. */
    u->id = g_utf8_make_valid(id, -1);
    u->type = type;
    u->naf_group = naf_group ? g_utf8_make_valid(naf_group, -1) : NULL;
    u->uids = g_ptr_array_new_with_free_func(g_free);
    return u;
}

GbaGuss *gba_guss_new(void)
{
    GbaGuss *g = g_new0(GbaGuss, 1);
    g->uss = g_ptr_array_new_with_free_func(uss_free);
    return g;
}

void gba_guss_free(GbaGuss *g)
{
    if (!g)
        return;
    g_ptr_array_free(g->uss, TRUE);
    g_free(g);
}

GbaUss *gba_guss_add_uss(GbaGuss *g, const char *id, uint32_t type, const char *naf_group, const char *const *uids)
{
    g_return_val_if_fail(g != NULL && id != NULL, NULL);
    GbaUss *u = uss_new(id, type, naf_group);
    for (guint i = 0; uids && uids[i]; i++)
        g_ptr_array_add(u->uids, g_utf8_make_valid(uids[i], -1));
    g_ptr_array_add(g->uss, u);
    return u;
}

GbaGuss *gba_guss_filter(const GbaGuss *g, uint32_t type)
{
    GbaGuss *out = gba_guss_new();
    out->uicc_gba_u = g->uicc_gba_u;
    out->lifetime = g->lifetime;
    for (guint i = 0; i < g->uss->len; i++) {
        const GbaUss *u = g_ptr_array_index(g->uss, i);
        if (u->type != type)
            continue;
        GbaUss *copy = gba_guss_add_uss(out, u->id, u->type, u->naf_group, NULL);
        for (guint k = 0; k < u->uids->len; k++)
            g_ptr_array_add(copy->uids, g_strdup(g_ptr_array_index(u->uids, k)));
    }
    return out;
}

gboolean gba_guss_has_uid(const GbaGuss *g, const char *impu)
{
    if (!g || !impu)
        return FALSE;
    for (guint i = 0; i < g->uss->len; i++) {
        const GbaUss *u = g_ptr_array_index(g->uss, i);
        for (guint k = 0; k < u->uids->len; k++)
            if (strcmp(g_ptr_array_index(u->uids, k), impu) == 0)
                return TRUE;
    }
    return FALSE;
}

/* ------------------------------------------------------------------ printing */

char *gba_guss_print(const GbaGuss *g)
{
    xmlDoc *doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNode *root = xmlNewDocNode(doc, NULL, (const xmlChar *)"guss", NULL);
    xmlDocSetRootElement(doc, root);
    xmlNs *ns = xmlNewNs(root, (const xmlChar *)GBA_GUSS_NS, NULL);
    xmlSetNs(root, ns);

    xmlNode *bsf = xmlNewChild(root, ns, (const xmlChar *)"bsfElement", NULL);
    xmlNewTextChild(bsf, ns, (const xmlChar *)"uiccType", (const xmlChar *)(g->uicc_gba_u ? "GBA_U" : "GBA"));
    if (g->lifetime) {
        char num[16];
        g_snprintf(num, sizeof num, "%" G_GUINT32_FORMAT, g->lifetime);
        xmlNewTextChild(bsf, ns, (const xmlChar *)"lifeTime", (const xmlChar *)num);
    }

    xmlNode *list = xmlNewChild(root, ns, (const xmlChar *)"ussList", NULL);
    for (guint i = 0; i < g->uss->len; i++) {
        const GbaUss *u = g_ptr_array_index(g->uss, i);
        xmlNode *uss = xmlNewChild(list, ns, (const xmlChar *)"uss", NULL);
        char num[16];
        g_snprintf(num, sizeof num, "%" G_GUINT32_FORMAT, u->type);
        xmlSetProp(uss, (const xmlChar *)"id", (const xmlChar *)u->id); /* xmlSetProp escapes */
        xmlSetProp(uss, (const xmlChar *)"type", (const xmlChar *)num);
        if (u->naf_group)
            xmlSetProp(uss, (const xmlChar *)"nafGroup", (const xmlChar *)u->naf_group);
        xmlNode *uids = xmlNewChild(uss, ns, (const xmlChar *)"uids", NULL);
        for (guint k = 0; k < u->uids->len; k++)
            xmlNewTextChild(uids, ns, (const xmlChar *)"uid", g_ptr_array_index(u->uids, k));
        xmlNewChild(uss, ns, (const xmlChar *)"flags", NULL);
    }

    xmlChar *buf = NULL;
    int size = 0;
    xmlDocDumpFormatMemoryEnc(doc, &buf, &size, "UTF-8", 1);
    xmlFreeDoc(doc);
    char *out = g_strndup(buf ? (const char *)buf : "", buf && size > 0 ? (gsize)size : 0);
    xmlFree(buf);
    return out;
}

/* ------------------------------------------------------------------ bounded reading */

/* GUSS is defined by a schema only (TS 29.109 Annex A), so the strict shared reader takes nothing a
 * valid document needs. Every error is GBA_ERROR_INVALID, prefixed "GUSS: ". */
static xmlDoc *guss_read(const char *data, size_t len, GError **error)
{
    const XmlSafeLimits limits = {
        .max_size = GUSS_MAX_BYTES,
        .max_elements = GUSS_MAX_ELEMENTS,
        .domain = GBA_ERROR,
        .code_xml = GBA_ERROR_INVALID,
        .code_large = GBA_ERROR_INVALID,
        .what = "GUSS",
    };
    return xml_safe_read(data, len, &limits, error);
}

/* ------------------------------------------------------------------ parsing */

static gboolean is_elem(const xmlNode *node, const char *name)
{
    return xml_safe_is(node, GBA_GUSS_NS, name);
}

/* xs:integer limited to 0..2^32-1: decimal digits only. */
static gboolean parse_u32(const char *text, uint32_t *out)
{
    guint64 v = 0;
    if (!text || !g_ascii_isdigit(text[0]) ||
        !g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT32, &v, NULL))
        return FALSE;
    *out = (uint32_t)v;
    return TRUE;
}

static gboolean parse_bsf(GbaGuss *g, const xmlNode *bsf, GError **error)
{
    for (xmlNode *c = bsf->children; c; c = c->next) {
        if (is_elem(c, "uiccType")) {
            g_autofree char *t = xml_safe_text(c);
            if (strcmp(t, "GBA") == 0)
                g->uicc_gba_u = FALSE;
            else if (strcmp(t, "GBA_U") == 0)
                g->uicc_gba_u = TRUE;
            else {
                g_set_error(error, GBA_ERROR, GBA_ERROR_INVALID, "GUSS: uiccType '%.32s' is neither GBA nor GBA_U", t);
                return FALSE;
            }
        } else if (is_elem(c, "lifeTime")) {
            g_autofree char *t = xml_safe_text(c);
            if (!parse_u32(t, &g->lifetime)) {
                g_set_error(error, GBA_ERROR, GBA_ERROR_INVALID, "GUSS: lifeTime '%.32s' is not 0..4294967295", t);
                return FALSE;
            }
        }
    }
    return TRUE;
}

static gboolean parse_uss(GbaGuss *g, const xmlNode *node, GError **error)
{
    g_autofree char *id = xml_safe_attr(node, "id");
    g_autofree char *type_text = xml_safe_attr(node, "type");
    g_autofree char *group = xml_safe_attr(node, "nafGroup");
    uint32_t type = 0;
    if (!id || !*id) {
        g_set_error(error, GBA_ERROR, GBA_ERROR_INVALID, "GUSS: uss without id");
        return FALSE;
    }
    if (!parse_u32(type_text, &type)) {
        g_set_error(error, GBA_ERROR, GBA_ERROR_INVALID, "GUSS: uss '%.32s': type '%.32s' is not a GAA service type",
                    id, type_text ? type_text : "(absent)");
        return FALSE;
    }
    GbaUss *u = gba_guss_add_uss(g, id, type, group, NULL);
    for (xmlNode *c = node->children; c; c = c->next) {
        if (!is_elem(c, "uids"))
            continue;
        for (xmlNode *uid = c->children; uid; uid = uid->next) {
            if (!is_elem(uid, "uid"))
                continue;
            char *text = xml_safe_text(uid);
            if (!*text) {
                g_free(text);
                g_set_error(error, GBA_ERROR, GBA_ERROR_INVALID, "GUSS: uss '%.32s': empty uid", id);
                return FALSE;
            }
            g_ptr_array_add(u->uids, text);
        }
    }
    return TRUE;
}

GbaGuss *gba_guss_parse(const char *xml, size_t len, GError **error)
{
    xmlDoc *doc = guss_read(xml, len, error);
    if (!doc)
        return NULL;
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!is_elem(root, "guss")) {
        g_set_error(error, GBA_ERROR, GBA_ERROR_INVALID, "GUSS: root element is <%.64s>, not <guss> in %s",
                    (const char *)root->name, GBA_GUSS_NS);
        xmlFreeDoc(doc);
        return NULL;
    }
    GbaGuss *g = gba_guss_new();
    gboolean ok = TRUE, seen_bsf = FALSE, seen_list = FALSE;
    for (xmlNode *c = root->children; ok && c; c = c->next) {
        if (is_elem(c, "bsfElement")) {
            /* TS 29.109 A.2: exactly one of each; a second one is ambiguous, not extensible. */
            if (seen_bsf) {
                g_set_error(error, GBA_ERROR, GBA_ERROR_INVALID, "GUSS: more than one bsfElement");
                ok = FALSE;
                break;
            }
            seen_bsf = TRUE;
            ok = parse_bsf(g, c, error);
        } else if (is_elem(c, "ussList")) {
            if (seen_list) {
                g_set_error(error, GBA_ERROR, GBA_ERROR_INVALID, "GUSS: more than one ussList");
                ok = FALSE;
                break;
            }
            seen_list = TRUE;
            for (xmlNode *u = c->children; ok && u; u = u->next)
                if (is_elem(u, "uss"))
                    ok = parse_uss(g, u, error);
        }
    }
    xmlFreeDoc(doc);
    if (!ok) {
        gba_guss_free(g);
        return NULL;
    }
    return g;
}
