/* xcap-node.c: node selector parsing and evaluation (RFC 4825 §6.3, §6.4, §8.2.3) and the bounded XML
 * reader of the XCAP server (the strict one of protocols/xml/xml-safe.h, plus element bodies).
 *
 * Sections: names and values / selector parsing / evaluation and insertion / reading and printing.
 *
 * Why no DTD ever: the XCAP application usages are defined by XML schemas, so a document type
 * declaration has no legitimate use, and refusing one before libxml2 parses it closes the entity
 * family of attacks (billion laughs, external entities) whatever libxml2 does with them. An element
 * body is parsed as a well-balanced chunk in its parent's context (xmlParseInNodeContext), which
 * cannot declare entities at all and inherits the parent's namespace bindings, as §8.2.1 wants: a
 * body may use the prefixes (and default namespace) of the document it goes into.
 */
#include "protocols/xcap/xcap-node.h"
#include "protocols/xcap/xcap-uri.h"
#include "protocols/xml/xml-safe.h"

#include <libxml/parser.h>
#include <libxml/xmlsave.h>
#include <string.h>

#define XCAP_MAX_STEPS 64           /* deeper selectors are refused: documents nest far less */
#define XCAP_MAX_POSITION 1000000u  /* positions above this cannot exist in a bounded document */
#define XCAP_MAX_ELEMENTS 20000     /* the pidf reader's bound, for the same 256 KiB documents */

/* ------------------------------------------------------------------ names and values */

static gboolean is_ncname(const char *s, size_t len)
{
    if (len == 0 || len > 256)
        return FALSE;
    g_autofree char *copy = g_strndup(s, len);
    return xmlValidateNCName((const xmlChar *)copy, 0) == 0;
}

/* An XML Char (XML 1.0 §2.2). */
static gboolean is_xml_char(gunichar c)
{
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
           (c >= 0x10000 && c <= 0x10FFFF);
}

/* One reference after '&' (P points past it), appended to OUT. FALSE if not a predefined entity or a
 * character reference of an XML Char. */
static gboolean decode_reference(const char **p, const char *end, GString *out)
{
    const char *semi = memchr(*p, ';', (size_t)(end - *p));
    if (!semi || semi - *p > 12 || semi == *p)
        return FALSE;
    size_t n = (size_t)(semi - *p);
    static const struct {
        const char *name;
        char c;
    } predefined[] = {{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
    for (guint i = 0; i < G_N_ELEMENTS(predefined); i++)
        if (strlen(predefined[i].name) == n && memcmp(*p, predefined[i].name, n) == 0) {
            g_string_append_c(out, predefined[i].c);
            *p = semi + 1;
            return TRUE;
        }
    if ((*p)[0] != '#' || n < 2)
        return FALSE;
    gboolean hex = (*p)[1] == 'x';
    const char *d = *p + (hex ? 2 : 1);
    if (d == semi)
        return FALSE;
    guint64 v = 0;
    for (; d < semi; d++) {
        int digit = g_ascii_isdigit(*d) ? *d - '0' : (hex && g_ascii_isxdigit(*d)) ? g_ascii_xdigit_value(*d) : -1;
        if (digit < 0)
            return FALSE;
        v = v * (hex ? 16 : 10) + (guint64)digit;
        if (v > 0x10FFFF)
            return FALSE;
    }
    if (!is_xml_char((gunichar)v))
        return FALSE;
    g_string_append_unichar(out, (gunichar)v);
    *p = semi + 1;
    return TRUE;
}

char *xcap_xml_decode_att_value(const char *data, size_t len)
{
    if (!data && len > 0)
        return NULL;
    if (len > XCAP_XML_MAX_SIZE || (len > 0 && !g_utf8_validate_len(data, len, NULL)))
        return NULL;
    GString *out = g_string_sized_new(len);
    const char *p = data, *end = data + len;
    while (p < end) {
        if (*p == '<')
            goto bad; /* XML 1.0 §3.3.1 AttValue: [^<&"] | Reference */
        if (*p == '&') {
            p++;
            if (!decode_reference(&p, end, out))
                goto bad;
            continue;
        }
        gunichar c = g_utf8_get_char(p);
        if (!is_xml_char(c))
            goto bad;
        const char *next = g_utf8_next_char(p);
        g_string_append_len(out, p, next - p);
        p = next;
    }
    return g_string_free(out, FALSE);
bad:
    g_string_free(out, TRUE);
    return NULL;
}

char *xcap_xml_encode_att_value(const char *value)
{
    GString *out = g_string_new(NULL);
    for (const char *p = value; *p; p++) {
        if (*p == '&')
            g_string_append(out, "&amp;");
        else if (*p == '<')
            g_string_append(out, "&lt;");
        else
            g_string_append_c(out, *p);
    }
    return g_string_free(out, FALSE);
}

/* ------------------------------------------------------------------ selector parsing */

static void step_free(gpointer p)
{
    XcapStep *s = p;
    g_free(s->text);
    g_free(s->ns);
    g_free(s->name);
    g_free(s->attr_ns);
    g_free(s->attr_name);
    g_free(s->attr_value);
    g_free(s);
}

void xcap_node_selector_free(XcapNodeSelector *sel)
{
    if (!sel)
        return;
    g_ptr_array_unref(sel->steps);
    g_free(sel->attr_ns);
    g_free(sel->attr_name);
    g_free(sel->attr_prefix);
    g_free(sel);
}

static gboolean sel_error(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static gboolean sel_error(GError **error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (error)
        *error = g_error_new_valist(XCAP_ERROR, XCAP_ERROR_SELECTOR, fmt, ap);
    va_end(ap);
    return FALSE;
}

/* A QName S[0..LEN) (Namespaces in XML §4) resolved to (namespace, local name). Unprefixed names get
 * UNPREFIXED_NS: the default document namespace for elements (RFC 4825 §6.3), none for attributes.
 * PREFIX_OUT (may be NULL) gets the prefix. */
static gboolean resolve_qname(const char *s, size_t len, GHashTable *bindings, const char *unprefixed_ns, char **ns,
                              char **local, char **prefix_out, GError **error)
{
    const char *colon = memchr(s, ':', len);
    if (!colon) {
        if (!is_ncname(s, len))
            return sel_error(error, "'%.*s' is not an XML name", (int)MIN(len, 64), s);
        *ns = g_strdup(unprefixed_ns);
        *local = g_strndup(s, len);
        return TRUE;
    }
    size_t plen = (size_t)(colon - s);
    if (!is_ncname(s, plen) || !is_ncname(colon + 1, len - plen - 1))
        return sel_error(error, "'%.*s' is not a qualified name", (int)MIN(len, 64), s);
    g_autofree char *prefix = g_strndup(s, plen);
    const char *href = bindings ? g_hash_table_lookup(bindings, prefix) : NULL;
    if (!href) /* RFC 4825 §6.4: prefixes are bound by the query's xmlns() */
        return sel_error(error, "prefix '%s' is not bound by an xmlns() in the query", prefix);
    *ns = g_strdup(href);
    *local = g_strndup(colon + 1, len - plen - 1);
    if (prefix_out)
        *prefix_out = g_steal_pointer(&prefix);
    return TRUE;
}

/* attr-test = "@" att-name "=" att-value, between the brackets: P at '@', END at ']'. */
static gboolean parse_attr_test(const char *p, const char *end, GHashTable *bindings, XcapStep *step, GError **error)
{
    const char *eq = memchr(p, '=', (size_t)(end - p));
    if (!eq)
        return sel_error(error, "attribute test without '='");
    if (!resolve_qname(p + 1, (size_t)(eq - p - 1), bindings, NULL, &step->attr_ns, &step->attr_name, NULL, error))
        return FALSE;
    const char *v = eq + 1;
    if (end - v < 2 || (*v != '"' && *v != '\'') || end[-1] != *v)
        return sel_error(error, "attribute value not quoted");
    if (memchr(v + 1, *v, (size_t)(end - v - 2))) /* AttValue: the quote cannot occur inside */
        return sel_error(error, "quote inside an attribute value");
    step->attr_value = xcap_xml_decode_att_value(v + 1, (size_t)(end - v - 2));
    if (!step->attr_value)
        return sel_error(error, "attribute value is not an XML AttValue");
    return TRUE;
}

/* step = by-name / by-pos / by-attr / by-pos-attr (RFC 4825 §6.3); TEXT is NUL-terminated. */
static XcapStep *parse_step(const char *text, GHashTable *bindings, const char *default_ns, GError **error)
{
    XcapStep *step = g_new0(XcapStep, 1);
    step->text = g_strdup(text);
    const char *bracket = strchr(text, '[');
    size_t nlen = bracket ? (size_t)(bracket - text) : strlen(text);
    if (!(nlen == 1 && text[0] == '*') &&
        !resolve_qname(text, nlen, bindings, default_ns, &step->ns, &step->name, NULL, error))
        goto fail;
    const char *p = bracket;
    guint predicates = 0;
    while (p && *p) {
        if (*p != '[') {
            sel_error(error, "unexpected '%c' after a predicate", *p);
            goto fail;
        }
        /* the closing ']' is the first one outside quotes */
        const char *q = p + 1;
        char quote = 0;
        for (; *q && (quote || *q != ']'); q++)
            if (quote ? *q == quote : (*q == '"' || *q == '\''))
                quote = quote ? 0 : *q;
        if (*q != ']') {
            sel_error(error, "unterminated predicate");
            goto fail;
        }
        if (++predicates > 2 || step->attr_name) { /* [pos][attr] at most, attr last */
            sel_error(error, "too many predicates in '%s'", text);
            goto fail;
        }
        if (g_ascii_isdigit(p[1])) {
            if (predicates != 1) {
                sel_error(error, "a position must come before an attribute test");
                goto fail;
            }
            guint64 v = 0;
            for (const char *d = p + 1; d < q; d++) {
                if (!g_ascii_isdigit(*d) || (v = v * 10 + (guint64)(*d - '0')) > XCAP_MAX_POSITION) {
                    sel_error(error, "bad position in '%s'", text);
                    goto fail;
                }
            }
            if (v == 0) { /* positions start at 1 (XPath) */
                sel_error(error, "position 0 in '%s'", text);
                goto fail;
            }
            step->position = (guint)v;
        } else if (p[1] == '@') {
            if (!parse_attr_test(p + 1, q, bindings, step, error))
                goto fail;
        } else {
            sel_error(error, "predicate is neither a position nor an attribute test");
            goto fail;
        }
        p = q + 1;
    }
    return step;
fail:
    step_free(step);
    return NULL;
}

XcapNodeSelector *xcap_node_selector_parse(const char *selector, GHashTable *bindings, const char *default_ns,
                                           GError **error)
{
    if (!selector || !*selector) {
        sel_error(error, "empty node selector");
        return NULL;
    }
    if (!g_utf8_validate(selector, -1, NULL)) {
        sel_error(error, "node selector is not UTF-8");
        return NULL;
    }
    /* split at the slashes outside quoted attribute values */
    g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func(g_free);
    const char *start = selector;
    char quote = 0;
    for (const char *p = selector;; p++) {
        if (*p && quote) {
            if (*p == quote)
                quote = 0;
            continue;
        }
        if (*p == '"' || *p == '\'') {
            quote = *p;
            continue;
        }
        if (*p == '/' || !*p) {
            if (p == start) {
                sel_error(error, "empty step in the node selector");
                return NULL;
            }
            if (parts->len >= XCAP_MAX_STEPS) {
                sel_error(error, "more than %d steps", XCAP_MAX_STEPS);
                return NULL;
            }
            g_ptr_array_add(parts, g_strndup(start, (gsize)(p - start)));
            start = p + 1;
            if (!*p)
                break;
        }
    }
    if (quote) {
        sel_error(error, "unterminated quote in the node selector");
        return NULL;
    }
    XcapNodeSelector *sel = g_new0(XcapNodeSelector, 1);
    sel->steps = g_ptr_array_new_with_free_func(step_free);
    guint nsteps = parts->len;
    const char *last = g_ptr_array_index(parts, parts->len - 1);
    if (parts->len > 1 && strcmp(last, "namespace::*") == 0) { /* §6.3 namespace-selector */
        sel->terminal = XCAP_TERMINAL_NAMESPACE;
        nsteps--;
    } else if (parts->len > 1 && last[0] == '@') { /* §6.3 attribute-selector */
        sel->terminal = XCAP_TERMINAL_ATTRIBUTE;
        if (!resolve_qname(last + 1, strlen(last + 1), bindings, NULL, &sel->attr_ns, &sel->attr_name,
                           &sel->attr_prefix, error))
            goto fail;
        nsteps--;
    }
    for (guint i = 0; i < nsteps; i++) {
        XcapStep *step = parse_step(g_ptr_array_index(parts, i), bindings, default_ns, error);
        if (!step)
            goto fail;
        g_ptr_array_add(sel->steps, step);
    }
    return sel;
fail:
    xcap_node_selector_free(sel);
    return NULL;
}

char *xcap_node_selector_prefix(const XcapNodeSelector *sel, guint nsteps)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < nsteps && i < sel->steps->len; i++) {
        const XcapStep *step = g_ptr_array_index(sel->steps, i);
        if (i)
            g_string_append_c(s, '/');
        g_string_append(s, step->text);
    }
    return g_string_free(s, FALSE);
}

/* ------------------------------------------------------------------ evaluation and insertion */

static const char *ns_href(const xmlNode *n)
{
    return n->ns && n->ns->href ? (const char *)n->ns->href : NULL;
}

/* NameorAny against an element (RFC 4825 §6.3): expanded names compared. */
static gboolean name_test(const xmlNode *n, const char *ns, const char *name)
{
    if (n->type != XML_ELEMENT_NODE)
        return FALSE;
    if (!name)
        return TRUE;
    return strcmp((const char *)n->name, name) == 0 && g_strcmp0(ns_href(n), ns) == 0;
}

static gboolean attr_test(xmlNode *n, const XcapStep *step)
{
    xmlChar *v = step->attr_ns ? xmlGetNsProp(n, BAD_CAST step->attr_name, BAD_CAST step->attr_ns)
                               : xmlGetNoNsProp(n, BAD_CAST step->attr_name);
    gboolean ok = v && strcmp((const char *)v, step->attr_value) == 0;
    xmlFree(v);
    return ok;
}

/* Elements of CONTEXT's children that STEP selects: the first in *FOUND, the count returned (stops
 * at 2). by-pos-attr counts the position among the name matches, then tests the attribute. */
static guint eval_step(xmlNode *context, const XcapStep *step, xmlNode **found)
{
    guint count = 0, pos = 0;
    *found = NULL;
    for (xmlNode *c = context->children; c && count < 2; c = c->next) {
        if (!name_test(c, step->ns, step->name))
            continue;
        pos++;
        if (step->position && pos != step->position)
            continue;
        if (step->attr_name && !attr_test(c, step))
            continue;
        if (count++ == 0)
            *found = c;
    }
    return count;
}

xmlNode *xcap_node_select(xmlDoc *doc, const XcapNodeSelector *sel, guint nsteps, guint *resolved,
                          gboolean *ambiguous)
{
    xmlNode *context = (xmlNode *)doc;
    if (ambiguous)
        *ambiguous = FALSE;
    for (guint i = 0; i < nsteps && i < sel->steps->len; i++) {
        xmlNode *found;
        guint n = eval_step(context, g_ptr_array_index(sel->steps, i), &found);
        if (n != 1) {
            if (resolved)
                *resolved = i;
            if (ambiguous)
                *ambiguous = n > 1;
            return NULL;
        }
        context = found;
    }
    if (resolved)
        *resolved = MIN(nsteps, sel->steps->len);
    return context;
}

/* Cosmetic only: when SIBLING is indented by a whitespace text node, put a copy of it between A and
 * B (adjacent elements), so an inserted element sits on its own line like its siblings. */
static void indent_like(const xmlNode *sibling, xmlNode *a, xmlNode *b)
{
    const xmlNode *ws = sibling->prev;
    if (!ws || ws->type != XML_TEXT_NODE || !xmlIsBlankNode((xmlNode *)ws) || a->next != b)
        return;
    xmlNode *copy = xmlNewDocText(a->doc, ws->content);
    if (copy && !xmlAddNextSibling(a, copy))
        xmlFreeNode(copy);
}

gboolean xcap_node_insert(xmlNode *parent, const XcapStep *step, xmlNode *el)
{
    /* The siblings the step's name test counts. Without a position and with "*", the new element's
     * own name decides (§8.2.3: after the last sibling of that name). */
    const char *ns = step->ns, *name = step->name;
    if (!name && !step->position) {
        ns = ns_href(el);
        name = (const char *)el->name;
    }
    xmlNode *first = NULL, *last = NULL, *nth = NULL;
    guint count = 0;
    for (xmlNode *c = parent->children; c; c = c->next) {
        if (!name_test(c, ns, name))
            continue;
        if (!first)
            first = c;
        last = c;
        if (step->position && ++count == step->position - 1)
            nth = c;
    }
    if (step->position == 1) {
        if (first) {
            xmlAddPrevSibling(first, el);
            indent_like(el, el, first);
        } else {
            xmlAddChild(parent, el);
        }
    } else if (step->position > 1) {
        if (!nth) /* fewer than position - 1 siblings: no place makes it the position-th */
            return FALSE;
        xmlAddNextSibling(nth, el);
        indent_like(nth, nth, el);
    } else if (last) {
        xmlAddNextSibling(last, el);
        indent_like(last, last, el);
    } else {
        xmlAddChild(parent, el);
    }
    return TRUE;
}

/* ------------------------------------------------------------------ reading and printing */

/* The strict shared reader: every error is XCAP_ERROR_XML (a 409 with <not-well-formed>,
 * RFC 4825 §11.2). */
xmlDoc *xcap_xml_read(const void *data, size_t len, GError **error)
{
    const XmlSafeLimits limits = {
        .max_size = XCAP_XML_MAX_SIZE,
        .max_elements = XCAP_MAX_ELEMENTS,
        .domain = XCAP_ERROR,
        .code_xml = XCAP_ERROR_XML,
        .code_large = XCAP_ERROR_XML,
    };
    return xml_safe_read(data, len, &limits, error);
}

xmlNode *xcap_xml_parse_element(xmlNode *context, const void *data, size_t len, GError **error)
{
    g_return_val_if_fail(context && context->doc, NULL);
    if (!data || len == 0 || len > XCAP_XML_MAX_SIZE || xml_safe_has_dtd(data, len)) {
        g_set_error(error, XCAP_ERROR, XCAP_ERROR_XML, "%s",
                    !data || len == 0          ? "empty body"
                    : len > XCAP_XML_MAX_SIZE ? "body too large"
                                              : "document type declarations are not allowed");
        return NULL;
    }
    xmlNode *list = NULL;
    xmlParserErrors rc = xmlParseInNodeContext(
        context, data, (int)len, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA,
        &list);
    xmlNode *el = NULL;
    const char *why = rc != XML_ERR_OK ? "not a well-formed XML fragment" : NULL;
    for (xmlNode *c = list; c && !why; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && !el)
            el = c;
        else if (c->type == XML_ELEMENT_NODE)
            why = "more than one element";
        else if (c->type != XML_TEXT_NODE || !xmlIsBlankNode(c))
            why = "content outside the element";
    }
    if (!why && !el)
        why = "no element";
    if (!why) {
        XmlSafeCount count;
        xml_safe_count(el, XCAP_MAX_ELEMENTS, &count);
        if (count.unbound_prefix)
            why = "a namespace prefix is not bound";
        else if (count.elements > XCAP_MAX_ELEMENTS)
            why = "too many elements";
    }
    /* detach every node so each is freed alone (or kept) */
    for (xmlNode *c = list, *next; c; c = next) {
        next = c->next;
        c->next = c->prev = NULL;
        c->parent = NULL;
        if (c != el || why)
            xmlFreeNode(c);
    }
    if (why) {
        g_set_error(error, XCAP_ERROR, XCAP_ERROR_XML, "%s", why);
        return NULL;
    }
    return el;
}

GBytes *xcap_xml_dump_doc(xmlDoc *doc)
{
    xmlChar *buf = NULL;
    int size = 0;
    xmlDocDumpFormatMemoryEnc(doc, &buf, &size, "UTF-8", 0);
    GBytes *out = g_bytes_new(buf ? buf : (const xmlChar *)"", buf && size > 0 ? (gsize)size : 0);
    xmlFree(buf);
    return out;
}

GBytes *xcap_xml_dump_node(xmlDoc *doc, xmlNode *node)
{
    (void)doc;
    xmlBuffer *buf = xmlBufferCreate();
    xmlSaveCtxt *save = xmlSaveToBuffer(buf, "UTF-8", XML_SAVE_NO_DECL);
    if (save) {
        xmlSaveTree(save, node);
        xmlSaveClose(save);
    }
    GBytes *out = g_bytes_new(xmlBufferContent(buf), (gsize)xmlBufferLength(buf));
    xmlBufferFree(buf);
    return out;
}
