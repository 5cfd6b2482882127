/* watcherinfo.c: watcher information documents, application/watcherinfo+xml (RFC 3858), the body of
 * the presence.winfo NOTIFYs of RFC 3857 that tell a presentity who watches it.
 *
 * Build: libxml2's xmlTextWriter, after checking every enumerated value, so what is printed
 * validates against the schema of RFC 3858 §7 (tests/schemas/watcherinfo.xsd checks it in
 * test-winfo.c). Parse: protocols/xml/xml-safe.h (XML_PARSE_NONET, no entity substitution, no DTD
 * loading); a document with a DOCTYPE is refused outright, so no entity is ever expanded; input larger
 * than WINFO_MAX_SIZE is refused before libxml2 sees it; at most WINFO_MAX_WATCHERS watchers and as
 * many lists. Elements of other namespaces are skipped (the schema's xs:any ##other); unknown
 * elements of the watcherinfo namespace, missing required attributes and values outside the
 * enumerations of RFC 3858 §5.2 are errors.
 */
#include "protocols/pidf/watcherinfo.h"
#include "protocols/xml/xml-safe.h"
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>
#include <string.h>

G_DEFINE_QUARK(presim - winfo - error - quark, winfo_error)

#define WINFO_NS "urn:ietf:params:xml:ns:watcherinfo"
#define WINFO_MAX_WATCHERS 1024

/* RFC 3858 §5.2: the status and event attributes' values (the schema's enumerations). */
static const char *const statuses[] = {"pending", "active", "waiting", "terminated", NULL};
static const char *const events[] = {"subscribe", "approved", "deactivated", "probation", "rejected",
                                     "timeout",   "giveup",   "noresource",  NULL};

static gboolean in_set(const char *v, const char *const *set)
{
    for (; v && *set; set++)
        if (strcmp(v, *set) == 0)
            return TRUE;
    return FALSE;
}

static gboolean bad(GError **error, int code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static gboolean bad(GError **error, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (error)
        *error = g_error_new_valist(WINFO_ERROR, code, fmt, ap);
    va_end(ap);
    return FALSE;
}

/* ---- the document --------------------------------------------------------------------------- */

static void watcher_free(gpointer p)
{
    WinfoWatcher *w = p;
    g_free(w->id);
    g_free(w->uri);
    g_free(w->status);
    g_free(w->event);
    g_free(w->display_name);
    g_free(w);
}

static void list_free(gpointer p)
{
    WinfoList *l = p;
    g_free(l->resource);
    g_free(l->package);
    g_ptr_array_unref(l->watchers);
    g_free(l);
}

WinfoDoc *winfo_doc_new(guint version, gboolean full)
{
    WinfoDoc *doc = g_new0(WinfoDoc, 1);
    doc->version = version;
    doc->full = full;
    doc->lists = g_ptr_array_new_with_free_func(list_free);
    return doc;
}

void winfo_doc_free(WinfoDoc *doc)
{
    if (!doc)
        return;
    g_ptr_array_unref(doc->lists);
    g_free(doc);
}

WinfoList *winfo_doc_add_list(WinfoDoc *doc, const char *resource, const char *package)
{
    g_return_val_if_fail(doc != NULL, NULL);
    WinfoList *l = g_new0(WinfoList, 1);
    l->resource = g_strdup(resource);
    l->package = g_strdup(package);
    l->watchers = g_ptr_array_new_with_free_func(watcher_free);
    g_ptr_array_add(doc->lists, l);
    return l;
}

WinfoWatcher *winfo_list_add_watcher(WinfoList *list, const char *id, const char *uri, const char *status,
                                     const char *event)
{
    g_return_val_if_fail(list != NULL, NULL);
    WinfoWatcher *w = g_new0(WinfoWatcher, 1);
    w->id = g_strdup(id);
    w->uri = g_strdup(uri);
    w->status = g_strdup(status);
    w->event = g_strdup(event);
    w->duration_subscribed = -1;
    w->expiration = -1;
    g_ptr_array_add(list->watchers, w);
    return w;
}

const WinfoWatcher *winfo_doc_find(const WinfoDoc *doc, const char *resource, const char *uri)
{
    g_return_val_if_fail(doc != NULL && uri != NULL, NULL);
    for (guint i = 0; i < doc->lists->len; i++) {
        const WinfoList *l = g_ptr_array_index(doc->lists, i);
        if (resource && g_strcmp0(l->resource, resource) != 0)
            continue;
        for (guint j = 0; j < l->watchers->len; j++) {
            const WinfoWatcher *w = g_ptr_array_index(l->watchers, j);
            if (g_strcmp0(w->uri, uri) == 0)
                return w;
        }
    }
    return NULL;
}

/* ---- printing --------------------------------------------------------------------------------- */

static gboolean nonempty(const char *s)
{
    return s && *s;
}

static gboolean check_printable(const WinfoDoc *doc, GError **error)
{
    for (guint i = 0; i < doc->lists->len; i++) {
        const WinfoList *l = g_ptr_array_index(doc->lists, i);
        if (!nonempty(l->resource) || !nonempty(l->package)) /* RFC 3858 §5.2: both required */
            return bad(error, WINFO_ERROR_INVALID, "watcher-list %u lacks its resource or package", i + 1);
        for (guint j = 0; j < l->watchers->len; j++) {
            const WinfoWatcher *w = g_ptr_array_index(l->watchers, j);
            if (!nonempty(w->id) || !nonempty(w->uri))
                return bad(error, WINFO_ERROR_INVALID, "watcher %u of %s lacks its id or URI", j + 1, l->resource);
            if (!in_set(w->status, statuses))
                return bad(error, WINFO_ERROR_INVALID, "watcher %s: status '%s' is not one of RFC 3858 §5.2", w->id,
                           w->status ? w->status : "(null)");
            if (!in_set(w->event, events))
                return bad(error, WINFO_ERROR_INVALID, "watcher %s: event '%s' is not one of RFC 3858 §5.2", w->id,
                           w->event ? w->event : "(null)");
        }
    }
    return TRUE;
}

char *winfo_doc_print(const WinfoDoc *doc, size_t *len, GError **error)
{
    *len = 0;
    g_return_val_if_fail(doc != NULL, NULL);
    if (!check_printable(doc, error))
        return NULL;
    xmlBufferPtr buf = xmlBufferCreate();
    xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
    if (!w) {
        if (buf)
            xmlBufferFree(buf);
        return bad(error, WINFO_ERROR_XML, "cannot create an XML writer"), NULL;
    }
    int rc = 0;
    xmlTextWriterSetIndent(w, 1);
    rc |= xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0;
    rc |= xmlTextWriterStartElementNS(w, NULL, BAD_CAST "watcherinfo", BAD_CAST WINFO_NS) < 0;
    rc |= xmlTextWriterWriteFormatAttribute(w, BAD_CAST "version", "%u", doc->version) < 0;
    rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "state", BAD_CAST(doc->full ? "full" : "partial")) < 0;
    for (guint i = 0; i < doc->lists->len && !rc; i++) {
        const WinfoList *l = g_ptr_array_index(doc->lists, i);
        rc |= xmlTextWriterStartElement(w, BAD_CAST "watcher-list") < 0;
        rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "resource", BAD_CAST l->resource) < 0;
        rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "package", BAD_CAST l->package) < 0;
        for (guint j = 0; j < l->watchers->len && !rc; j++) {
            const WinfoWatcher *wa = g_ptr_array_index(l->watchers, j);
            rc |= xmlTextWriterStartElement(w, BAD_CAST "watcher") < 0;
            rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "id", BAD_CAST wa->id) < 0;
            rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "status", BAD_CAST wa->status) < 0;
            rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "event", BAD_CAST wa->event) < 0;
            if (wa->display_name)
                rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "display-name", BAD_CAST wa->display_name) < 0;
            if (wa->duration_subscribed >= 0)
                rc |= xmlTextWriterWriteFormatAttribute(w, BAD_CAST "duration-subscribed", "%ld",
                                                        wa->duration_subscribed) < 0;
            if (wa->expiration >= 0)
                rc |= xmlTextWriterWriteFormatAttribute(w, BAD_CAST "expiration", "%ld", wa->expiration) < 0;
            rc |= xmlTextWriterWriteString(w, BAD_CAST wa->uri) < 0;
            rc |= xmlTextWriterEndElement(w) < 0;
        }
        rc |= xmlTextWriterEndElement(w) < 0;
    }
    rc |= xmlTextWriterEndDocument(w) < 0;
    xmlFreeTextWriter(w); /* flushes into buf */
    char *out = NULL;
    if (rc)
        bad(error, WINFO_ERROR_XML, "libxml2 failed to write the document (invalid UTF-8 in a value?)");
    else {
        *len = (size_t)xmlBufferLength(buf);
        out = g_strndup((const char *)xmlBufferContent(buf), *len);
    }
    xmlBufferFree(buf);
    return out;
}

/* ---- parsing ---------------------------------------------------------------------------------- */

/* The shared reader (protocols/xml/xml-safe.h): a DOCTYPE is refused, so no entity can be declared
 * (and none expanded: billion laughs and external entities end here). The relaxations keep what this
 * reader accepted before it was shared: it only ever checked the parsed tree for a DTD, kept CDATA
 * nodes (xml_safe_own_text() reads both) and let namespace errors through (such elements are skipped). */
static xmlDocPtr read_xml(const void *data, size_t len, GError **error)
{
    const XmlSafeLimits limits = {
        .max_size = WINFO_MAX_SIZE,
        .flags = XML_SAFE_NO_BYTE_SCAN | XML_SAFE_ALLOW_NS_ERRORS | XML_SAFE_KEEP_CDATA,
        .domain = WINFO_ERROR,
        .code_xml = WINFO_ERROR_XML,
        .code_large = WINFO_ERROR_TOO_LARGE,
    };
    return xml_safe_read(data, len, &limits, error);
}

static gboolean is_winfo(const xmlNode *n, const char *name)
{
    return xml_safe_is(n, WINFO_NS, name);
}

/* xs:unsignedLong / xs:nonNegativeInteger within MAX; FALSE otherwise. */
static gboolean parse_unsigned(const char *v, guint64 max, guint64 *out)
{
    g_autofree char *t = g_strstrip(g_strdup(v));
    return *t && g_ascii_string_to_unsigned(t, 10, 0, max, out, NULL);
}

static gboolean parse_watcher(const xmlNode *n, WinfoList *list, GError **error)
{
    g_autofree char *id = xml_safe_attr(n, "id"), *status = xml_safe_attr(n, "status"), *event = xml_safe_attr(n, "event");
    g_autofree char *dur = xml_safe_attr(n, "duration-subscribed"), *exp = xml_safe_attr(n, "expiration");
    g_autofree char *uri = xml_safe_own_text(n);
    if (!id || !status || !event)
        return bad(error, WINFO_ERROR_INVALID, "watcher (line %ld) lacks id, status or event (RFC 3858 §5.2)",
                   xmlGetLineNo(n));
    if (!in_set(status, statuses))
        return bad(error, WINFO_ERROR_INVALID, "watcher %s: unknown status '%s'", id, status);
    if (!in_set(event, events))
        return bad(error, WINFO_ERROR_INVALID, "watcher %s: unknown event '%s'", id, event);
    if (!*uri)
        return bad(error, WINFO_ERROR_INVALID, "watcher %s has no URI", id);
    guint64 d = 0, e = 0;
    if (dur && !parse_unsigned(dur, G_MAXLONG, &d))
        return bad(error, WINFO_ERROR_INVALID, "watcher %s: bad duration-subscribed '%s'", id, dur);
    if (exp && !parse_unsigned(exp, G_MAXLONG, &e))
        return bad(error, WINFO_ERROR_INVALID, "watcher %s: bad expiration '%s'", id, exp);
    WinfoWatcher *w = winfo_list_add_watcher(list, id, uri, status, event);
    w->display_name = xml_safe_attr(n, "display-name");
    w->duration_subscribed = dur ? (long)d : -1;
    w->expiration = exp ? (long)e : -1;
    return TRUE;
}

static gboolean parse_root(const xmlNode *root, WinfoDoc *doc, GError **error)
{
    if (!is_winfo(root, "watcherinfo"))
        return bad(error, WINFO_ERROR_INVALID, "root element is <%s> in namespace %s, not <watcherinfo> in " WINFO_NS,
                   (const char *)root->name, root->ns && root->ns->href ? (const char *)root->ns->href : "(none)");
    g_autofree char *version = xml_safe_attr(root, "version"), *state = xml_safe_attr(root, "state");
    guint64 v = 0;
    if (!version || !parse_unsigned(version, G_MAXUINT, &v))
        return bad(error, WINFO_ERROR_INVALID, "watcherinfo version '%s' is missing or not a 32-bit number",
                   version ? version : "");
    if (g_strcmp0(state, "full") != 0 && g_strcmp0(state, "partial") != 0)
        return bad(error, WINFO_ERROR_INVALID, "watcherinfo state '%s' is neither full nor partial",
                   state ? state : "");
    doc->version = (guint)v;
    doc->full = strcmp(state, "full") == 0;
    guint watchers = 0;
    for (const xmlNode *c = root->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || !is_winfo(c, NULL))
            continue; /* RFC 3858 §7: xs:any namespace="##other" */
        if (!is_winfo(c, "watcher-list"))
            return bad(error, WINFO_ERROR_INVALID, "unexpected <%s> in watcherinfo", (const char *)c->name);
        g_autofree char *resource = xml_safe_attr(c, "resource"), *package = xml_safe_attr(c, "package");
        if (!resource || !package)
            return bad(error, WINFO_ERROR_INVALID, "watcher-list (line %ld) lacks resource or package",
                       xmlGetLineNo(c));
        if (doc->lists->len >= WINFO_MAX_WATCHERS)
            return bad(error, WINFO_ERROR_TOO_LARGE, "more than %d watcher lists", WINFO_MAX_WATCHERS);
        WinfoList *list = winfo_doc_add_list(doc, resource, package);
        for (const xmlNode *w = c->children; w; w = w->next) {
            if (w->type != XML_ELEMENT_NODE || !is_winfo(w, NULL))
                continue;
            if (!is_winfo(w, "watcher"))
                return bad(error, WINFO_ERROR_INVALID, "unexpected <%s> in watcher-list", (const char *)w->name);
            if (++watchers > WINFO_MAX_WATCHERS)
                return bad(error, WINFO_ERROR_TOO_LARGE, "more than %d watchers", WINFO_MAX_WATCHERS);
            if (!parse_watcher(w, list, error))
                return FALSE;
        }
    }
    return TRUE;
}

WinfoDoc *winfo_doc_parse(const void *data, size_t len, GError **error)
{
    xmlDocPtr xdoc = read_xml(data, len, error);
    if (!xdoc)
        return NULL;
    WinfoDoc *doc = winfo_doc_new(0, FALSE);
    gboolean ok = parse_root(xmlDocGetRootElement(xdoc), doc, error); /* xml_safe_read: there is a root */
    xmlFreeDoc(xdoc);
    if (!ok) {
        winfo_doc_free(doc);
        return NULL;
    }
    return doc;
}
