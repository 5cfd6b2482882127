/* test-resource-lists.c: protocols/pidf/resource-lists.h: resource-lists and rls-services documents
 * (RFC 4826) and RLMI documents (RFC 4662 §5).
 *
 * The RFC examples parse (RFC 4826 §3.3 and §4.3; RLMI documents of RFC 4662's NOTIFY examples);
 * nested lists are flattened in document order without duplicates; every node selector form of a
 * <resource-list> (percent-encoded, plain, ' quotes) gives the list name and the unsupported ones
 * are refused; every built document validates against its RFC schema (tests/schemas/, through
 * PRESIM_SOURCE_DIR) and round-trips; hostile inputs fail cleanly.
 */
#include "protocols/pidf/resource-lists.h"
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <string.h>

/* RFC 4826 §3.3 */
static const char rfc4826_lists[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<resource-lists xmlns=\"urn:ietf:params:xml:ns:resource-lists\"\n"
    " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"
    " <list name=\"friends\">\n"
    "  <entry uri=\"sip:bill@example.com\">\n"
    "   <display-name>Bill Doe</display-name>\n"
    "  </entry>\n"
    "  <entry-ref ref=\"resource-lists/users/sip:bill@example.com/index/~~/resource-lists/list%5b@name=%22list1%22%5d/"
    "entry%5b@uri=%22sip:petri@example.com%22%5d\"/>\n"
    "  <list name=\"close-friends\">\n"
    "   <display-name>Close Friends</display-name>\n"
    "   <entry uri=\"sip:joe@example.com\">\n"
    "    <display-name>Joe Smith</display-name>\n"
    "   </entry>\n"
    "   <entry uri=\"sip:nancy@example.com\">\n"
    "    <display-name>Nancy Gross</display-name>\n"
    "   </entry>\n"
    "   <external anchor=\"http://xcap.example.org/resource-lists/users/sip:a@example.org/index/~~/resource-lists/"
    "list%5b@name=%22mkting%22%5d\">\n"
    "     <display-name>Marketing</display-name>\n"
    "    </external>\n"
    "  </list>\n"
    " </list>\n"
    "</resource-lists>\n";

/* RFC 4826 §4.3 */
static const char rfc4826_rls[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<rls-services xmlns=\"urn:ietf:params:xml:ns:rls-services\"\n"
    "   xmlns:rl=\"urn:ietf:params:xml:ns:resource-lists\"\n"
    "   xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"
    "   <service uri=\"sip:mybuddies@example.com\">\n"
    "    <resource-list>http://xcap.example.com/resource-lists/users/sip:joe@example.com/index/~~/resource-lists/"
    "list%5b@name=%22l1%22%5d</resource-list>\n"
    "    <packages>\n"
    "     <package>presence</package>\n"
    "    </packages>\n"
    "   </service>\n"
    "   <service uri=\"sip:marketing@example.com\">\n"
    "     <list name=\"marketing\">\n"
    "       <rl:entry uri=\"sip:joe@example.com\"/>\n"
    "       <rl:entry uri=\"sip:sudhir@example.com\"/>\n"
    "     </list>\n"
    "     <packages>\n"
    "       <package>presence</package>\n"
    "     </packages>\n"
    "   </service>\n"
    "</rls-services>\n";

/* The RLMI document of the first NOTIFY of RFC 4662's example (full state). */
static const char rfc4662_full[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<list xmlns=\"urn:ietf:params:xml:ns:rlmi\"\n"
    "      uri=\"sip:adam-friends@pres.vancouver.example.com\"\n"
    "      version=\"1\" fullState=\"true\">\n"
    "  <name xml:lang=\"en\">Buddy List at COMPANY</name>\n"
    "  <name xml:lang=\"de\">Liste der Freunde an COMPANY</name>\n"
    "  <resource uri=\"sip:bob@vancouver.example.com\">\n"
    "    <name>Bob Smith</name>\n"
    "    <instance id=\"juwigmtboe\" state=\"active\"\n"
    "              cid=\"bUZBsM@pres.vancouver.example.com\"/>\n"
    "  </resource>\n"
    "  <resource uri=\"sip:dave@vancouver.example.com\">\n"
    "    <name>Dave Jones</name>\n"
    "    <instance id=\"hqzsuxtfyq\" state=\"active\"\n"
    "              cid=\"ZvSvkz@pres.vancouver.example.com\"/>\n"
    "  </resource>\n"
    "  <resource uri=\"sip:ed@dallas.example.net\">\n"
    "    <name>Ed at NET</name>\n"
    "  </resource>\n"
    "  <resource uri=\"sip:adam-friends@stockholm.example.org\">\n"
    "    <name xml:lang=\"en\">My Friends at ORG</name>\n"
    "    <name xml:lang=\"de\">Meine Freunde an ORG</name>\n"
    "  </resource>\n"
    "</list>\n";

/* A partial-state RLMI document in the style of RFC 4662's later NOTIFYs. */
static const char rfc4662_partial[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<list xmlns=\"urn:ietf:params:xml:ns:rlmi\"\n"
    "      uri=\"sip:adam-friends@pres.vancouver.example.com\"\n"
    "      version=\"2\" fullState=\"false\">\n"
    "  <resource uri=\"sip:ed@dallas.example.net\">\n"
    "    <name>Ed at NET</name>\n"
    "    <instance id=\"sdlkmeopdf\" state=\"pending\"/>\n"
    "  </resource>\n"
    "  <resource uri=\"sip:bob@vancouver.example.com\">\n"
    "    <instance id=\"juwigmtboe\" state=\"terminated\" reason=\"rejected\"/>\n"
    "  </resource>\n"
    "</list>\n";

static void assert_schema_valid(const char *xsd, const char *xml, size_t len)
{
    const char *src = g_getenv("PRESIM_SOURCE_DIR");
    if (!src) {
        g_test_skip("PRESIM_SOURCE_DIR unset: schema validation skipped");
        return;
    }
    g_autofree char *path = g_build_filename(src, "tests", "schemas", xsd, NULL);
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(path);
    g_assert_nonnull(pc);
    xmlSchemaPtr schema = xmlSchemaParse(pc);
    g_assert_nonnull(schema);
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    xmlDocPtr doc = xmlReadMemory(xml, (int)len, NULL, NULL, XML_PARSE_NONET);
    g_assert_nonnull(doc);
    if (xmlSchemaValidateDoc(vc, doc) != 0)
        g_error("document does not validate against %s:\n%.*s", xsd, (int)len, xml);
    xmlFreeDoc(doc);
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pc);
}

static void assert_uris(const GPtrArray *uris, const char *const *expect)
{
    guint n = 0;
    for (; expect[n]; n++) {
        g_assert_cmpuint(n, <, uris->len);
        g_assert_cmpstr(g_ptr_array_index(uris, n), ==, expect[n]);
    }
    g_assert_cmpuint(uris->len, ==, n);
}

/* ---- resource-lists ---------------------------------------------------------------------------- */

static void test_lists_rfc_example(void)
{
    assert_schema_valid("resource-lists.xsd", rfc4826_lists, sizeof rfc4826_lists - 1);
    GError *error = NULL;
    g_autoptr(RlistDoc) doc = rlist_doc_parse(rfc4826_lists, sizeof rfc4826_lists - 1, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(doc->lists->len, ==, 1);
    const RlistList *l = rlist_doc_find(doc, "friends");
    g_assert_nonnull(l);
    static const char *const members[] = {"sip:bill@example.com", "sip:joe@example.com", "sip:nancy@example.com",
                                          NULL};
    assert_uris(l->uris, members); /* close-friends flattened into friends */
    g_assert_null(rlist_doc_find(doc, "close-friends")); /* nested lists are not top-level */
    g_assert_cmpuint(rlist_doc_ignored(doc), ==, 2);     /* entry-ref and external */
}

static void test_lists_flatten(void)
{
    static const char xml[] =
        "<resource-lists xmlns=\"urn:ietf:params:xml:ns:resource-lists\" xmlns:x=\"urn:example:x\">"
        "<list name=\"a\"><entry uri=\"sip:1@x\"/><list><entry uri=\"sip:2@x\"/><list name=\"deep\">"
        "<entry uri=\"sip:3@x\"/><entry uri=\"sip:1@x\"/></list></list><x:extra><entry uri=\"sip:no@x\"/></x:extra>"
        "<entry uri=\" sip:4@x \"/><entry uri=\"sip:2@x\"/></list>"
        "<list><entry uri=\"sip:5@x\"/></list>"
        "<list name=\"empty\"/>"
        "</resource-lists>";
    GError *error = NULL;
    g_autoptr(RlistDoc) doc = rlist_doc_parse(xml, sizeof xml - 1, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(doc->lists->len, ==, 3);
    static const char *const a[] = {"sip:1@x", "sip:2@x", "sip:3@x", "sip:4@x", NULL};
    assert_uris(rlist_doc_find(doc, "a")->uris, a);
    const RlistList *unnamed = g_ptr_array_index(doc->lists, 1);
    g_assert_null(unnamed->name);
    g_assert_cmpuint(unnamed->uris->len, ==, 1);
    g_assert_cmpuint(rlist_doc_find(doc, "empty")->uris->len, ==, 0);
    g_assert_cmpuint(rlist_doc_ignored(doc), ==, 0);
}

static void test_lists_build(void)
{
    static const char *const uris[] = {"sip:bob@home.example.net", "sip:carol@home.example.net",
                                       "sip:conf@example.net?Subject=a&Priority=urgent", NULL};
    size_t len = 0;
    g_autofree char *xml = rlist_doc_build("buddies & co", uris, &len);
    g_assert_nonnull(xml);
    g_assert_cmpuint(len, ==, strlen(xml));
    assert_schema_valid("resource-lists.xsd", xml, len);
    GError *error = NULL;
    g_autoptr(RlistDoc) doc = rlist_doc_parse(xml, len, &error);
    g_assert_no_error(error);
    assert_uris(rlist_doc_find(doc, "buddies & co")->uris, (const char *const *)uris);

    static const char *const none[] = {NULL};
    g_autofree char *empty = rlist_doc_build(NULL, none, &len);
    assert_schema_valid("resource-lists.xsd", empty, len);
}

/* ---- rls-services ------------------------------------------------------------------------------ */

static void test_rls_rfc_example(void)
{
    assert_schema_valid("rls-services.xsd", rfc4826_rls, sizeof rfc4826_rls - 1);
    GError *error = NULL;
    g_autoptr(RlsServicesDoc) doc = rls_services_parse(rfc4826_rls, sizeof rfc4826_rls - 1, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(doc->services->len, ==, 2);
    const RlsService *buddies = rls_services_find(doc, "sip:mybuddies@example.com");
    g_assert_cmpstr(buddies->list_name, ==, "l1");
    g_assert_cmpuint(buddies->inline_uris->len, ==, 0);
    g_assert_cmpuint(buddies->packages->len, ==, 1);
    g_assert_cmpstr(g_ptr_array_index(buddies->packages, 0), ==, "presence");
    const RlsService *mkt = rls_services_find(doc, "sip:marketing@example.com");
    g_assert_null(mkt->list_name);
    static const char *const members[] = {"sip:joe@example.com", "sip:sudhir@example.com", NULL};
    assert_uris(mkt->inline_uris, members);
    g_assert_null(rls_services_find(doc, "sip:none@example.com"));
}

static char *rls_with_ref(const char *ref)
{
    return g_strdup_printf("<rls-services xmlns=\"urn:ietf:params:xml:ns:rls-services\"><service uri=\"sip:s@x\">"
                           "<resource-list>%s</resource-list></service></rls-services>",
                           ref);
}

static void test_rls_node_selectors(void)
{
    static const struct {
        const char *ref, *name;
    } ok[] = {
        {"http://xcap.x/resource-lists/users/sip:a@x/index/~~/resource-lists/list%5b@name=%22friends%22%5d",
         "friends"},
        {"http://xcap.x/resource-lists/users/sip:a@x/index/~~/resource-lists/list%5B@name=%22friends%22%5D",
         "friends"},
        {"http://xcap.x/resource-lists/users/sip:a@x/index/~~/resource-lists/list[@name=&quot;friends&quot;]",
         "friends"},
        {"http://xcap.x/resource-lists/users/sip:a@x/index/~~/resource-lists/list[@name=\"friends\"]", "friends"},
        {"http://xcap.x/resource-lists/users/sip:a@x/index/~~/resource-lists/list[@name='friends']", "friends"},
        {"http://xcap.x/resource-lists/users/sip:a@x/index/~~/resource-lists/list%5b@name=%27my%20friends%27%5d",
         "my friends"},
        {"  http://xcap.x/resource-lists/users/sip:a@x/index/~~/resource-lists/list%5b@name=%22l1%22%5d\n", "l1"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(ok); i++) {
        g_autofree char *xml = rls_with_ref(ok[i].ref);
        GError *error = NULL;
        g_autoptr(RlsServicesDoc) doc = rls_services_parse(xml, strlen(xml), &error);
        g_assert_no_error(error);
        g_assert_cmpstr(rls_services_find(doc, "sip:s@x")->list_name, ==, ok[i].name);
        g_assert_cmpuint(rls_services_find(doc, "sip:s@x")->packages->len, ==, 0); /* any package */
    }
    static const char *const bad[] = {
        "http://xcap.x/resource-lists/users/sip:a@x/index",                                 /* no node selector */
        "http://xcap.x/resource-lists/users/sip:a@x/index/~~/resource-lists/list[1]",       /* positional */
        "http://xcap.x/resource-lists/users/sip:a@x/index/~~/resource-lists/list%5b@name=%22a%22%5d/entry",
        "http://xcap.x/resource-lists/users/sip:a@x/index/~~/resource-lists/list%5b@name=%22%22%5d", /* empty */
        "http://xcap.x/resource-lists/users/sip:a@x/index/~~/resource-lists/list%5b@name=%22a'%5d",  /* quotes */
        "http://xcap.x/resource-lists/users/sip:a@x/index/~~/resource-lists/list%zz",                /* escape */
        "http://xcap.x/resource-lists/users/sip:a@x/index/~~/resource-lists/list%00",                /* NUL */
        "http://xcap.x/pres-rules/users/sip:a@x/index/~~/resource-lists/list%5b@name=%22a%22%5d",    /* other doc */
        "http://xcap.x/resource-lists/users/sip:a@x/index/~~/resource-lists/list[@id=\"a\"]",
        "",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *xml = rls_with_ref(bad[i]);
        GError *error = NULL;
        RlsServicesDoc *doc = rls_services_parse(xml, strlen(xml), &error);
        if (doc)
            g_error("node selector %s accepted", bad[i]);
        g_assert_error(error, RLIST_ERROR, RLIST_ERROR_INVALID);
        g_test_message("%s", error->message);
        g_clear_error(&error);
    }
}

static void test_rls_build(void)
{
    size_t len = 0;
    g_autofree char *xml = rls_services_build("sip:alice-buddies@home.example.net", "http://xcap.home.example.net/",
                                              "sip:alice@home.example.net", "my \"best\" friends", &len);
    g_assert_nonnull(xml);
    assert_schema_valid("rls-services.xsd", xml, len);
    /* a name with " is written with ' quotes (XPath literals have no escape) */
    g_assert_nonnull(strstr(xml, "http://xcap.home.example.net/resource-lists/users/sip:alice@home.example.net/index/"
                                 "~~/resource-lists/list%5b@name=%27my%20%22best%22%20friends%27%5d"));
    GError *error = NULL;
    g_autoptr(RlsServicesDoc) doc = rls_services_parse(xml, len, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(rls_services_find(doc, "sip:alice-buddies@home.example.net")->list_name, ==,
                    "my \"best\" friends");

    g_autofree char *xml2 = rls_services_build("sip:alice-buddies@home.example.net", "http://xcap.home.example.net",
                                               "sip:alice@home.example.net", "friends", &len);
    assert_schema_valid("rls-services.xsd", xml2, len);
    g_autoptr(RlsServicesDoc) doc2 = rls_services_parse(xml2, len, &error);
    g_assert_no_error(error);
    const RlsService *s = rls_services_find(doc2, "sip:alice-buddies@home.example.net");
    g_assert_cmpstr(s->list_name, ==, "friends");
    g_assert_cmpstr(g_ptr_array_index(s->packages, 0), ==, "presence");
}

/* ---- RLMI -------------------------------------------------------------------------------------- */

static void test_rlmi_rfc_examples(void)
{
    assert_schema_valid("rlmi.xsd", rfc4662_full, sizeof rfc4662_full - 1);
    assert_schema_valid("rlmi.xsd", rfc4662_partial, sizeof rfc4662_partial - 1);
    GError *error = NULL;
    g_autoptr(RlmiDoc) full = rlmi_doc_parse(rfc4662_full, sizeof rfc4662_full - 1, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(full->uri, ==, "sip:adam-friends@pres.vancouver.example.com");
    g_assert_cmpuint(full->version, ==, 1);
    g_assert_true(full->full_state);
    g_assert_cmpuint(full->resources->len, ==, 4);
    const RlmiResource *bob = g_ptr_array_index(full->resources, 0);
    g_assert_cmpstr(bob->uri, ==, "sip:bob@vancouver.example.com");
    g_assert_cmpstr(bob->name, ==, "Bob Smith");
    g_assert_cmpstr(bob->instance_id, ==, "juwigmtboe");
    g_assert_cmpstr(bob->state, ==, "active");
    g_assert_cmpstr(bob->cid, ==, "bUZBsM@pres.vancouver.example.com");
    g_assert_null(bob->reason);
    const RlmiResource *ed = g_ptr_array_index(full->resources, 2);
    g_assert_null(ed->instance_id); /* not yet subscribed */
    g_assert_null(ed->state);
    const RlmiResource *org = g_ptr_array_index(full->resources, 3);
    g_assert_cmpstr(org->name, ==, "My Friends at ORG"); /* the first <name> */

    g_autoptr(RlmiDoc) partial = rlmi_doc_parse(rfc4662_partial, sizeof rfc4662_partial - 1, &error);
    g_assert_no_error(error);
    g_assert_false(partial->full_state);
    g_assert_cmpuint(partial->version, ==, 2);
    const RlmiResource *gone = g_ptr_array_index(partial->resources, 1);
    g_assert_cmpstr(gone->state, ==, "terminated");
    g_assert_cmpstr(gone->reason, ==, "rejected");

    /* what we parsed prints valid and reparses to the same */
    size_t len = 0;
    g_autofree char *xml = rlmi_doc_print(full, &len, &error);
    g_assert_no_error(error);
    assert_schema_valid("rlmi.xsd", xml, len);
    g_autoptr(RlmiDoc) again = rlmi_doc_parse(xml, len, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(again->resources->len, ==, 4);
    g_assert_cmpstr(((RlmiResource *)g_ptr_array_index(again->resources, 1))->cid, ==,
                    "ZvSvkz@pres.vancouver.example.com");
}

static void test_rlmi_build(void)
{
    g_autoptr(RlmiDoc) doc = rlmi_doc_new("sip:alice-buddies@home.example.net", 3, TRUE);
    RlmiResource *r = rlmi_doc_add(doc, "sip:bob@home.example.net", "i1", "active", NULL, "c1@rls.home.example.net");
    r->name = g_strdup("Bob <B&B>");
    rlmi_doc_add(doc, "sip:bob@home.example.net", "i2", "terminated", "timeout", NULL); /* second instance */
    rlmi_doc_add(doc, "sip:carol@visited.example.org", "i3", "pending", NULL, NULL);
    rlmi_doc_add(doc, "sip:dave@home.example.net", NULL, NULL, NULL, NULL);
    GError *error = NULL;
    size_t len = 0;
    g_autofree char *xml = rlmi_doc_print(doc, &len, &error);
    g_assert_no_error(error);
    assert_schema_valid("rlmi.xsd", xml, len);
    g_assert_nonnull(strstr(xml, "fullState=\"true\""));
    /* the two instances of bob share one <resource> */
    g_assert_nonnull(strstr(xml, "<resource uri=\"sip:bob@home.example.net\">"));
    g_assert_null(strstr(strstr(xml, "<resource uri=\"sip:bob@home.example.net\">") + 1,
                         "<resource uri=\"sip:bob@home.example.net\">"));
    g_autoptr(RlmiDoc) back = rlmi_doc_parse(xml, len, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(back->resources->len, ==, 4);
    for (guint i = 0; i < 4; i++) {
        const RlmiResource *a = g_ptr_array_index(doc->resources, i), *b = g_ptr_array_index(back->resources, i);
        g_assert_cmpstr(a->uri, ==, b->uri);
        g_assert_cmpstr(a->instance_id, ==, b->instance_id);
        g_assert_cmpstr(a->state, ==, b->state);
        g_assert_cmpstr(a->reason, ==, b->reason);
        g_assert_cmpstr(a->cid, ==, b->cid);
    }
    g_assert_cmpstr(((RlmiResource *)g_ptr_array_index(back->resources, 1))->name, ==, "Bob <B&B>");
    size_t len2 = 0;
    g_autofree char *xml2 = rlmi_doc_print(back, &len2, &error);
    g_assert_cmpstr(xml2, ==, xml);

    /* invalid states and missing URIs are refused by the printer */
    g_autoptr(RlmiDoc) bad = rlmi_doc_new("sip:l@x", 0, FALSE);
    rlmi_doc_add(bad, "sip:a@x", "i", "open", NULL, NULL);
    g_assert_null(rlmi_doc_print(bad, &len, &error));
    g_assert_error(error, RLIST_ERROR, RLIST_ERROR_INVALID);
    g_clear_error(&error);
    g_autoptr(RlmiDoc) nouri = rlmi_doc_new(NULL, 0, FALSE);
    g_assert_null(rlmi_doc_print(nouri, &len, &error));
    g_assert_error(error, RLIST_ERROR, RLIST_ERROR_INVALID);
    g_clear_error(&error);
}

/* ---- hostile input ----------------------------------------------------------------------------- */

typedef void *(*ParseFunc)(const void *, size_t, GError **);

static void fails(ParseFunc parse, GDestroyNotify destroy, const char *xml, size_t len, RlistError code,
                  const char *what)
{
    GError *error = NULL;
    void *doc = parse(xml, len, &error);
    if (doc) {
        destroy(doc);
        g_error("%s: accepted", what);
    }
    g_assert_error(error, RLIST_ERROR, (gint)code);
    g_test_message("%s: %s", what, error->message);
    g_error_free(error);
}

#define RL(xml, code, what) fails((ParseFunc)rlist_doc_parse, (GDestroyNotify)rlist_doc_free, xml, strlen(xml), code, what)
#define RLS(xml, code, what)                                                                                           \
    fails((ParseFunc)rls_services_parse, (GDestroyNotify)rls_services_free, xml, strlen(xml), code, what)
#define RLMI(xml, code, what) fails((ParseFunc)rlmi_doc_parse, (GDestroyNotify)rlmi_doc_free, xml, strlen(xml), code, what)
#define BOMB                                                                                                           \
    "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"    \
    "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">"                     \
    "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\"><!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">"                     \
    "<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">]>"

static void test_hostile(void)
{
    RL("<resource-lists xmlns=\"urn:ietf:params:xml:ns:rls-services\"/>", RLIST_ERROR_INVALID, "wrong namespace");
    RL("<resource-lists/>", RLIST_ERROR_INVALID, "no namespace");
    RL("<resource-lists xmlns=\"urn:ietf:params:xml:ns:resource-lists\"><list><entry/></list></resource-lists>",
       RLIST_ERROR_INVALID, "entry without uri");
    RL("<resource-lists xmlns=\"urn:ietf:params:xml:ns:resource-lists\"><list name=\"a\"/><list name=\"a\"/>"
       "</resource-lists>",
       RLIST_ERROR_INVALID, "duplicate list names");
    RL("<resource-lists xmlns=\"urn:ietf:params:xml:ns:resource-lists\"><entry uri=\"sip:a@b\"/></resource-lists>",
       RLIST_ERROR_INVALID, "entry outside a list");
    RL("<resource-lists xmlns=\"urn:ietf:params:xml:ns:resource-lists\"><list><bogus/></list></resource-lists>",
       RLIST_ERROR_INVALID, "unknown element");
    RL(BOMB "<resource-lists xmlns=\"urn:ietf:params:xml:ns:resource-lists\"><list name=\"&g;\"><entry uri=\"&g;\"/>"
            "</list></resource-lists>",
       RLIST_ERROR_XML, "entity bomb");
    RL("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
       "<resource-lists xmlns=\"urn:ietf:params:xml:ns:resource-lists\"><list name=\"&x;\"/></resource-lists>",
       RLIST_ERROR_XML, "external entity");
    RL("<resource-lists xmlns=\"urn:ietf:params:xml:ns:resource-lists\"><list>", RLIST_ERROR_XML, "truncated");
    RL("", RLIST_ERROR_XML, "empty");

    /* 17 levels of nesting */
    GString *s = g_string_new("<resource-lists xmlns=\"urn:ietf:params:xml:ns:resource-lists\">");
    for (int i = 0; i < 17; i++)
        g_string_append(s, "<list>");
    for (int i = 0; i < 17; i++)
        g_string_append(s, "</list>");
    g_string_append(s, "</resource-lists>");
    RL(s->str, RLIST_ERROR_TOO_LARGE, "too deep");
    g_string_free(s, TRUE);
    /* 4097 entries */
    s = g_string_new("<resource-lists xmlns=\"urn:ietf:params:xml:ns:resource-lists\"><list>");
    for (int i = 0; i < 4097; i++)
        g_string_append_printf(s, "<entry uri=\"sip:%d@x\"/>", i);
    g_string_append(s, "</list></resource-lists>");
    RL(s->str, RLIST_ERROR_TOO_LARGE, "too many entries");
    g_string_free(s, TRUE);
    char *huge = g_malloc(RESOURCE_LISTS_MAX_SIZE + 1);
    memset(huge, ' ', RESOURCE_LISTS_MAX_SIZE + 1);
    fails((ParseFunc)rlist_doc_parse, (GDestroyNotify)rlist_doc_free, huge, RESOURCE_LISTS_MAX_SIZE + 1,
          RLIST_ERROR_TOO_LARGE, "huge resource-lists");
    fails((ParseFunc)rls_services_parse, (GDestroyNotify)rls_services_free, huge, RESOURCE_LISTS_MAX_SIZE + 1,
          RLIST_ERROR_TOO_LARGE, "huge rls-services");
    fails((ParseFunc)rlmi_doc_parse, (GDestroyNotify)rlmi_doc_free, huge, RESOURCE_LISTS_MAX_SIZE + 1,
          RLIST_ERROR_TOO_LARGE, "huge rlmi");
    g_free(huge);

    RLS("<rls-services xmlns=\"urn:ietf:params:xml:ns:resource-lists\"/>", RLIST_ERROR_INVALID, "wrong namespace");
    RLS("<rls-services xmlns=\"urn:ietf:params:xml:ns:rls-services\"><service uri=\"sip:s@x\"/></rls-services>",
        RLIST_ERROR_INVALID, "service without list");
    RLS("<rls-services xmlns=\"urn:ietf:params:xml:ns:rls-services\"><service><list/></service></rls-services>",
        RLIST_ERROR_INVALID, "service without uri");
    RLS("<rls-services xmlns=\"urn:ietf:params:xml:ns:rls-services\"><service uri=\"sip:s@x\"><list/>"
        "<resource-list>http://x/resource-lists/users/a/index/~~/resource-lists/list[@name='a']</resource-list>"
        "</service></rls-services>",
        RLIST_ERROR_INVALID, "both list and resource-list");
    RLS("<rls-services xmlns=\"urn:ietf:params:xml:ns:rls-services\"><service uri=\"sip:s@x\"><list/></service>"
        "<service uri=\"sip:s@x\"><list/></service></rls-services>",
        RLIST_ERROR_INVALID, "duplicate service");
    RLS(BOMB "<rls-services xmlns=\"urn:ietf:params:xml:ns:rls-services\"><service uri=\"&g;\"><list/></service>"
             "</rls-services>",
        RLIST_ERROR_XML, "entity bomb");

    RLMI("<list xmlns=\"urn:ietf:params:xml:ns:resource-lists\" uri=\"sip:l@x\" version=\"1\" fullState=\"true\"/>",
         RLIST_ERROR_INVALID, "wrong namespace");
    RLMI("<list xmlns=\"urn:ietf:params:xml:ns:rlmi\" uri=\"sip:l@x\" version=\"1\" fullState=\"yes\"/>",
         RLIST_ERROR_INVALID, "bad fullState");
    RLMI("<list xmlns=\"urn:ietf:params:xml:ns:rlmi\" uri=\"sip:l@x\" fullState=\"true\"/>", RLIST_ERROR_INVALID,
         "no version");
    RLMI("<list xmlns=\"urn:ietf:params:xml:ns:rlmi\" uri=\"sip:l@x\" version=\"1\" fullState=\"true\">"
         "<resource uri=\"sip:a@x\"><instance id=\"1\" state=\"open\"/></resource></list>",
         RLIST_ERROR_INVALID, "bad instance state");
    RLMI("<list xmlns=\"urn:ietf:params:xml:ns:rlmi\" uri=\"sip:l@x\" version=\"1\" fullState=\"true\">"
         "<resource><instance id=\"1\" state=\"active\"/></resource></list>",
         RLIST_ERROR_INVALID, "resource without uri");
    RLMI(BOMB "<list xmlns=\"urn:ietf:params:xml:ns:rlmi\" uri=\"&g;\" version=\"1\" fullState=\"true\"/>",
         RLIST_ERROR_XML, "entity bomb");
    s = g_string_new("<list xmlns=\"urn:ietf:params:xml:ns:rlmi\" uri=\"sip:l@x\" version=\"1\" fullState=\"true\">");
    for (int i = 0; i < 1025; i++)
        g_string_append_printf(s, "<resource uri=\"sip:%d@x\"/>", i);
    g_string_append(s, "</list>");
    RLMI(s->str, RLIST_ERROR_TOO_LARGE, "too many resources");
    g_string_free(s, TRUE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/resource-lists/rfc4826-example", test_lists_rfc_example);
    g_test_add_func("/resource-lists/flatten", test_lists_flatten);
    g_test_add_func("/resource-lists/build", test_lists_build);
    g_test_add_func("/rls-services/rfc4826-example", test_rls_rfc_example);
    g_test_add_func("/rls-services/node-selectors", test_rls_node_selectors);
    g_test_add_func("/rls-services/build", test_rls_build);
    g_test_add_func("/rlmi/rfc4662-examples", test_rlmi_rfc_examples);
    g_test_add_func("/rlmi/build", test_rlmi_build);
    g_test_add_func("/resource-lists/hostile", test_hostile);
    return g_test_run();
}
