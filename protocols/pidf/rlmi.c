/* rlmi.c: Resource List Meta-Information documents, application/rlmi+xml (RFC 4662 §5), the root
 * part of the multipart/related NOTIFY an RLS sends for a list subscription: which list, which
 * version, full or partial state, and per member resource its instance (subscription) state and
 * the Content-ID of the body part carrying its state.
 *
 * Model: one RlmiResource per (resource, instance). A <resource> with several <instance>s gives
 * several RlmiResources with the same URI; one without instance gives one with instance_id NULL.
 * Printing groups consecutive RlmiResources of the same URI back into one <resource>, so a parsed
 * document prints to the same structure. Only the first <name> of a resource is kept (RFC 4662 §5.4
 * allows one per language); the list's own <name>s are skipped.
 *
 * Parse: rlist_xml_read() (resource-lists.c, over protocols/xml/xml-safe.h): XML_PARSE_NONET, a
 * DOCTYPE refused (no entity is ever expanded), at most RESOURCE_LISTS_MAX_SIZE bytes and
 * RLMI_MAX_RESOURCES (resource, instance) pairs. Build: xmlTextWriter, after checking the states of RFC 4662 §5.5; the output validates against the schema
 * of RFC 4662 §5.7 (test-resource-lists.c). Errors use RLIST_ERROR (resource-lists.h).
 */
#include "protocols/pidf/pidf-private.h"
#include "protocols/pidf/resource-lists.h"
#include "protocols/xml/xml-safe.h"
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>
#include <string.h>

#define RLMI_NS "urn:ietf:params:xml:ns:rlmi"
#define RLMI_MAX_RESOURCES 1024

static gboolean bad(GError **error, int code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static gboolean bad(GError **error, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (error)
        *error = g_error_new_valist(RLIST_ERROR, code, fmt, ap);
    va_end(ap);
    return FALSE;
}

/* RFC 4662 §5.5: the instance states. */
static gboolean state_valid(const char *s)
{
    return s && (strcmp(s, "active") == 0 || strcmp(s, "pending") == 0 || strcmp(s, "terminated") == 0);
}

/* ---- the document --------------------------------------------------------------------------- */

static void resource_free(gpointer p)
{
    RlmiResource *r = p;
    g_free(r->uri);
    g_free(r->name);
    g_free(r->instance_id);
    g_free(r->state);
    g_free(r->reason);
    g_free(r->cid);
    g_free(r);
}

RlmiDoc *rlmi_doc_new(const char *uri, guint version, gboolean full_state)
{
    RlmiDoc *doc = g_new0(RlmiDoc, 1);
    doc->uri = g_strdup(uri);
    doc->version = version;
    doc->full_state = full_state;
    doc->resources = g_ptr_array_new_with_free_func(resource_free);
    return doc;
}

void rlmi_doc_free(RlmiDoc *doc)
{
    if (!doc)
        return;
    g_free(doc->uri);
    g_ptr_array_unref(doc->resources);
    g_free(doc);
}

RlmiResource *rlmi_doc_add(RlmiDoc *doc, const char *uri, const char *instance_id, const char *state,
                           const char *reason, const char *cid)
{
    g_return_val_if_fail(doc != NULL, NULL);
    RlmiResource *r = g_new0(RlmiResource, 1);
    r->uri = g_strdup(uri);
    r->instance_id = g_strdup(instance_id);
    r->state = g_strdup(state);
    r->reason = g_strdup(reason);
    r->cid = g_strdup(cid);
    g_ptr_array_add(doc->resources, r);
    return r;
}

/* ---- printing --------------------------------------------------------------------------------- */

char *rlmi_doc_print(const RlmiDoc *doc, size_t *len, GError **error)
{
    *len = 0;
    g_return_val_if_fail(doc != NULL, NULL);
    if (!doc->uri || !*doc->uri)
        return bad(error, RLIST_ERROR_INVALID, "RLMI list without a uri (RFC 4662 §5.2)"), NULL;
    for (guint i = 0; i < doc->resources->len; i++) {
        const RlmiResource *r = g_ptr_array_index(doc->resources, i);
        if (!r->uri || !*r->uri)
            return bad(error, RLIST_ERROR_INVALID, "RLMI resource %u without a uri (RFC 4662 §5.3)", i + 1), NULL;
        if (r->instance_id && !state_valid(r->state))
            return bad(error, RLIST_ERROR_INVALID, "instance %s of %s: state '%s' is not active, pending or terminated",
                       r->instance_id, r->uri, r->state ? r->state : "(null)"),
                   NULL;
    }
    xmlBufferPtr buf = xmlBufferCreate();
    xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
    if (!w) {
        if (buf)
            xmlBufferFree(buf);
        return bad(error, RLIST_ERROR_XML, "cannot create an XML writer"), NULL;
    }
    int rc = 0;
    xmlTextWriterSetIndent(w, 1);
    rc |= xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0;
    rc |= xmlTextWriterStartElementNS(w, NULL, BAD_CAST "list", BAD_CAST RLMI_NS) < 0;
    rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "uri", BAD_CAST doc->uri) < 0;
    rc |= xmlTextWriterWriteFormatAttribute(w, BAD_CAST "version", "%u", doc->version) < 0;
    rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "fullState", BAD_CAST(doc->full_state ? "true" : "false")) < 0;
    for (guint i = 0; i < doc->resources->len && !rc;) {
        const RlmiResource *r = g_ptr_array_index(doc->resources, i);
        rc |= xmlTextWriterStartElement(w, BAD_CAST "resource") < 0;
        rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "uri", BAD_CAST r->uri) < 0;
        if (r->name) /* RFC 4662 §5.7: <name>s come before the <instance>s */
            rc |= xmlTextWriterWriteElement(w, BAD_CAST "name", BAD_CAST r->name) < 0;
        /* this resource's instances: the run of entries with the same URI */
        guint j = i;
        for (; j < doc->resources->len; j++) {
            const RlmiResource *x = g_ptr_array_index(doc->resources, j);
            if (j > i && strcmp(x->uri, r->uri) != 0)
                break;
            if (!x->instance_id)
                continue;
            rc |= xmlTextWriterStartElement(w, BAD_CAST "instance") < 0;
            rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "id", BAD_CAST x->instance_id) < 0;
            rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "state", BAD_CAST x->state) < 0;
            if (x->reason)
                rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "reason", BAD_CAST x->reason) < 0;
            if (x->cid)
                rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "cid", BAD_CAST x->cid) < 0;
            rc |= xmlTextWriterEndElement(w) < 0;
        }
        rc |= xmlTextWriterEndElement(w) < 0;
        i = j;
    }
    rc |= xmlTextWriterEndDocument(w) < 0;
    xmlFreeTextWriter(w);
    char *out = NULL;
    if (rc)
        bad(error, RLIST_ERROR_XML, "libxml2 failed to write the RLMI document (invalid UTF-8 in a value?)");
    else {
        *len = (size_t)xmlBufferLength(buf);
        out = g_strndup((const char *)xmlBufferContent(buf), *len);
    }
    xmlBufferFree(buf);
    return out;
}

/* ---- parsing ---------------------------------------------------------------------------------- */

static gboolean is_rlmi(const xmlNode *n, const char *name)
{
    return xml_safe_is(n, RLMI_NS, name);
}

static gboolean parse_resource(const xmlNode *n, RlmiDoc *doc, GError **error)
{
    g_autofree char *uri = xml_safe_attr(n, "uri");
    if (!uri || !*g_strstrip(uri))
        return bad(error, RLIST_ERROR_INVALID, "RLMI <resource> (line %ld) without a uri (RFC 4662 §5.3)",
                   xmlGetLineNo(n));
    g_autofree char *name = NULL;
    guint instances = 0;
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (is_rlmi(c, "name")) {
            if (!name)
                name = xml_safe_own_text(c);
        } else if (is_rlmi(c, "instance")) {
            g_autofree char *id = xml_safe_attr(c, "id"), *state = xml_safe_attr(c, "state");
            if (!id || !*id)
                return bad(error, RLIST_ERROR_INVALID, "instance of %s without an id (RFC 4662 §5.5)", uri);
            if (!state_valid(state))
                return bad(error, RLIST_ERROR_INVALID, "instance %s of %s: state '%s' is not active, pending or "
                           "terminated", id, uri, state ? state : "");
            if (doc->resources->len >= RLMI_MAX_RESOURCES)
                return bad(error, RLIST_ERROR_TOO_LARGE, "more than %d RLMI instances", RLMI_MAX_RESOURCES);
            g_autofree char *reason = xml_safe_attr(c, "reason"), *cid = xml_safe_attr(c, "cid");
            RlmiResource *r = rlmi_doc_add(doc, uri, id, state, reason, cid);
            r->name = g_strdup(name);
            instances++;
        } else if (is_rlmi(c, NULL)) {
            return bad(error, RLIST_ERROR_INVALID, "unexpected <%s> in RLMI resource %s", (const char *)c->name, uri);
        }
    }
    if (instances == 0) {
        if (doc->resources->len >= RLMI_MAX_RESOURCES)
            return bad(error, RLIST_ERROR_TOO_LARGE, "more than %d RLMI resources", RLMI_MAX_RESOURCES);
        RlmiResource *r = rlmi_doc_add(doc, uri, NULL, NULL, NULL, NULL);
        r->name = g_steal_pointer(&name);
    }
    return TRUE;
}

static gboolean parse_list(const xmlNode *root, RlmiDoc *doc, GError **error)
{
    if (!is_rlmi(root, "list"))
        return bad(error, RLIST_ERROR_INVALID, "root element is <%s> in namespace %s, not <list> in " RLMI_NS,
                   (const char *)root->name, root->ns && root->ns->href ? (const char *)root->ns->href : "(none)");
    g_autofree char *uri = xml_safe_attr(root, "uri"), *version = xml_safe_attr(root, "version"), *full = xml_safe_attr(root, "fullState");
    guint64 v = 0;
    if (!uri || !*g_strstrip(uri))
        return bad(error, RLIST_ERROR_INVALID, "RLMI list without a uri (RFC 4662 §5.2)");
    if (!version || !g_ascii_string_to_unsigned(g_strstrip(version), 10, 0, G_MAXUINT32, &v, NULL))
        return bad(error, RLIST_ERROR_INVALID, "RLMI version '%s' is not an unsigned 32-bit number",
                   version ? version : "");
    /* xs:boolean: true, false, 1, 0 */
    if (!full)
        return bad(error, RLIST_ERROR_INVALID, "RLMI list without fullState (RFC 4662 §5.2)");
    g_strstrip(full);
    if (strcmp(full, "true") == 0 || strcmp(full, "1") == 0)
        doc->full_state = TRUE;
    else if (strcmp(full, "false") == 0 || strcmp(full, "0") == 0)
        doc->full_state = FALSE;
    else
        return bad(error, RLIST_ERROR_INVALID, "RLMI fullState '%s' is not a boolean", full);
    doc->uri = g_steal_pointer(&uri);
    doc->version = (guint)v;
    for (const xmlNode *c = root->children; c; c = c->next) {
        if (is_rlmi(c, "resource")) {
            if (!parse_resource(c, doc, error))
                return FALSE;
        } else if (is_rlmi(c, NULL) && !is_rlmi(c, "name")) {
            return bad(error, RLIST_ERROR_INVALID, "unexpected <%s> in RLMI list", (const char *)c->name);
        }
    }
    return TRUE;
}

RlmiDoc *rlmi_doc_parse(const void *data, size_t len, GError **error)
{
    xmlDocPtr xdoc = rlist_xml_read(data, len, "RLMI", error);
    if (!xdoc)
        return NULL;
    RlmiDoc *doc = rlmi_doc_new(NULL, 0, FALSE);
    gboolean ok = parse_list(xmlDocGetRootElement(xdoc), doc, error); /* rlist_xml_read: there is a root */
    xmlFreeDoc(xdoc);
    if (!ok) {
        rlmi_doc_free(doc);
        return NULL;
    }
    return doc;
}
