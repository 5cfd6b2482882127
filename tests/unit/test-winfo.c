/* test-winfo.c: protocols/pidf/watcherinfo.h, watcher information documents (RFC 3858).
 *
 * The example of RFC 3858 §6 parses; built documents validate against the schema of RFC 3858 §7
 * (tests/schemas/watcherinfo.xsd, found through PRESIM_SOURCE_DIR) and round-trip; values outside
 * the enumerations are refused on both sides; hostile inputs (wrong namespace, entity bombs,
 * external entities, huge or overlong documents, garbage) fail cleanly with a GError.
 */
#include "protocols/pidf/watcherinfo.h"
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <string.h>

/* RFC 3858 §6 */
static const char rfc3858_example[] =
    "<?xml version=\"1.0\"?>\n"
    "<watcherinfo xmlns=\"urn:ietf:params:xml:ns:watcherinfo\"\n"
    "             version=\"0\" state=\"full\">\n"
    "  <watcher-list resource=\"sip:professor@example.net\" package=\"presence\">\n"
    "    <watcher status=\"active\"\n"
    "             id=\"8ajksjda7s\"\n"
    "             duration-subscribed=\"509\"\n"
    "             event=\"approved\" >sip:userA@example.net</watcher>\n"
    "    <watcher status=\"pending\"\n"
    "             id=\"hh8juja87s997-ass7\"\n"
    "             display-name=\"Mr. Subscriber\"\n"
    "             event=\"subscribe\">sip:userB@example.org</watcher>\n"
    "  </watcher-list>\n"
    "</watcherinfo>\n";

/* Validates XML against tests/schemas/XSD; skipped (g_test_skip) without PRESIM_SOURCE_DIR. */
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
    int rc = xmlSchemaValidateDoc(vc, doc);
    if (rc != 0)
        g_error("%s does not validate against %s:\n%.*s", "document", xsd, (int)len, xml);
    xmlFreeDoc(doc);
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pc);
}

static void test_rfc_example(void)
{
    assert_schema_valid("watcherinfo.xsd", rfc3858_example, sizeof rfc3858_example - 1);
    GError *error = NULL;
    g_autoptr(WinfoDoc) doc = winfo_doc_parse(rfc3858_example, sizeof rfc3858_example - 1, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(doc->version, ==, 0);
    g_assert_true(doc->full);
    g_assert_cmpuint(doc->lists->len, ==, 1);
    const WinfoList *l = g_ptr_array_index(doc->lists, 0);
    g_assert_cmpstr(l->resource, ==, "sip:professor@example.net");
    g_assert_cmpstr(l->package, ==, "presence");
    g_assert_cmpuint(l->watchers->len, ==, 2);
    const WinfoWatcher *a = g_ptr_array_index(l->watchers, 0), *b = g_ptr_array_index(l->watchers, 1);
    g_assert_cmpstr(a->id, ==, "8ajksjda7s");
    g_assert_cmpstr(a->uri, ==, "sip:userA@example.net");
    g_assert_cmpstr(a->status, ==, "active");
    g_assert_cmpstr(a->event, ==, "approved");
    g_assert_cmpint(a->duration_subscribed, ==, 509);
    g_assert_cmpint(a->expiration, ==, -1);
    g_assert_null(a->display_name);
    g_assert_cmpstr(b->display_name, ==, "Mr. Subscriber");
    g_assert_cmpstr(b->status, ==, "pending");
    g_assert_cmpint(b->duration_subscribed, ==, -1);
    g_assert_true(winfo_doc_find(doc, "sip:professor@example.net", "sip:userB@example.org") == b);
    g_assert_true(winfo_doc_find(doc, NULL, "sip:userA@example.net") == a);
    g_assert_null(winfo_doc_find(doc, "sip:other@example.net", "sip:userA@example.net"));
    g_assert_null(winfo_doc_find(doc, NULL, "sip:nobody@example.net"));
}

static void test_round_trip(void)
{
    g_autoptr(WinfoDoc) doc = winfo_doc_new(7, FALSE);
    WinfoList *l1 = winfo_doc_add_list(doc, "sip:alice@home.example.net", "presence");
    WinfoWatcher *w = winfo_list_add_watcher(l1, "w1", "sip:bob@home.example.net", "active", "approved");
    w->display_name = g_strdup("Bob & \"Rob\" <Smith> é");
    w->duration_subscribed = 3600;
    w->expiration = 0;
    winfo_list_add_watcher(l1, "w2", "sip:carol@visited.example.org", "terminated", "rejected");
    WinfoList *l2 = winfo_doc_add_list(doc, "sip:alice-pc@home.example.net", "presence");
    (void)l2; /* an empty list is valid (minOccurs 0) */
    WinfoList *l3 = winfo_doc_add_list(doc, "sip:alice@home.example.net", "presence.winfo");
    winfo_list_add_watcher(l3, "w3", "sip:dave@home.example.net", "waiting", "giveup");

    GError *error = NULL;
    size_t len = 0;
    g_autofree char *xml = winfo_doc_print(doc, &len, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(len, ==, strlen(xml));
    assert_schema_valid("watcherinfo.xsd", xml, len);
    g_assert_nonnull(strstr(xml, "state=\"partial\""));

    g_autoptr(WinfoDoc) back = winfo_doc_parse(xml, len, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(back->version, ==, 7);
    g_assert_false(back->full);
    g_assert_cmpuint(back->lists->len, ==, 3);
    const WinfoWatcher *bw = winfo_doc_find(back, "sip:alice@home.example.net", "sip:bob@home.example.net");
    g_assert_nonnull(bw);
    g_assert_cmpstr(bw->display_name, ==, w->display_name);
    g_assert_cmpint(bw->duration_subscribed, ==, 3600);
    g_assert_cmpint(bw->expiration, ==, 0);
    g_assert_cmpstr(winfo_doc_find(back, NULL, "sip:dave@home.example.net")->event, ==, "giveup");
    size_t len2 = 0;
    g_autofree char *again = winfo_doc_print(back, &len2, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(again, ==, xml);

    /* an empty full document */
    g_autoptr(WinfoDoc) empty = winfo_doc_new(0, TRUE);
    g_autofree char *e = winfo_doc_print(empty, &len, &error);
    g_assert_no_error(error);
    assert_schema_valid("watcherinfo.xsd", e, len);
}

static void test_print_invalid(void)
{
    struct {
        const char *id, *uri, *status, *event;
    } bad[] = {
        {"x", "sip:a@b", "approved", "approved"}, /* status from the wrong set */
        {"x", "sip:a@b", "active", "accepted"},
        {NULL, "sip:a@b", "active", "approved"},
        {"x", NULL, "active", "approved"},
        {"x", "sip:a@b", NULL, "approved"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(WinfoDoc) doc = winfo_doc_new(0, TRUE);
        WinfoList *l = winfo_doc_add_list(doc, "sip:p@x", "presence");
        winfo_list_add_watcher(l, bad[i].id, bad[i].uri, bad[i].status, bad[i].event);
        GError *error = NULL;
        size_t len = 1;
        g_assert_null(winfo_doc_print(doc, &len, &error));
        g_assert_cmpuint(len, ==, 0);
        g_assert_error(error, WINFO_ERROR, WINFO_ERROR_INVALID);
        g_clear_error(&error);
    }
    g_autoptr(WinfoDoc) doc = winfo_doc_new(0, TRUE);
    winfo_doc_add_list(doc, "sip:p@x", NULL);
    GError *error = NULL;
    size_t len = 0;
    g_assert_null(winfo_doc_print(doc, &len, &error));
    g_assert_error(error, WINFO_ERROR, WINFO_ERROR_INVALID);
    g_clear_error(&error);
}

static void parse_fails(const char *xml, size_t len, WinfoError code, const char *what)
{
    GError *error = NULL;
    WinfoDoc *doc = winfo_doc_parse(xml, len, &error);
    if (doc)
        g_error("%s: accepted", what);
    g_assert_error(error, WINFO_ERROR, (gint)code);
    g_test_message("%s: %s", what, error->message);
    g_error_free(error);
}

#define FAILS(xml, code, what) parse_fails(xml, strlen(xml), code, what)
#define HEAD "<watcherinfo xmlns=\"urn:ietf:params:xml:ns:watcherinfo\" version=\"1\" state=\"full\">"

static void test_hostile(void)
{
    FAILS("<watcherinfo xmlns=\"urn:ietf:params:xml:ns:pidf\" version=\"0\" state=\"full\"/>", WINFO_ERROR_INVALID,
          "wrong namespace");
    FAILS("<watcherinfo version=\"0\" state=\"full\"/>", WINFO_ERROR_INVALID, "no namespace");
    FAILS("<presence xmlns=\"urn:ietf:params:xml:ns:watcherinfo\"/>", WINFO_ERROR_INVALID, "wrong root");
    FAILS("<watcherinfo xmlns=\"urn:ietf:params:xml:ns:watcherinfo\" state=\"full\"/>", WINFO_ERROR_INVALID,
          "no version");
    FAILS("<watcherinfo xmlns=\"urn:ietf:params:xml:ns:watcherinfo\" version=\"-1\" state=\"full\"/>",
          WINFO_ERROR_INVALID, "negative version");
    FAILS("<watcherinfo xmlns=\"urn:ietf:params:xml:ns:watcherinfo\" version=\"99999999999\" state=\"full\"/>",
          WINFO_ERROR_INVALID, "version beyond 32 bits");
    FAILS("<watcherinfo xmlns=\"urn:ietf:params:xml:ns:watcherinfo\" version=\"1\" state=\"some\"/>",
          WINFO_ERROR_INVALID, "bad state");
    FAILS(HEAD "<watcher-list package=\"presence\"/></watcherinfo>", WINFO_ERROR_INVALID, "list without resource");
    FAILS(HEAD "<watcher-list resource=\"sip:a@b\" package=\"presence\"><watcher id=\"1\" status=\"active\" "
               "event=\"fun\">sip:c@d</watcher></watcher-list></watcherinfo>",
          WINFO_ERROR_INVALID, "bad event");
    FAILS(HEAD "<watcher-list resource=\"sip:a@b\" package=\"presence\"><watcher id=\"1\" status=\"active\" "
               "event=\"approved\" duration-subscribed=\"-5\">sip:c@d</watcher></watcher-list></watcherinfo>",
          WINFO_ERROR_INVALID, "negative duration");
    FAILS(HEAD "<watcher-list resource=\"sip:a@b\" package=\"presence\"><watcher id=\"1\" status=\"active\" "
               "event=\"approved\"> </watcher></watcher-list></watcherinfo>",
          WINFO_ERROR_INVALID, "watcher without URI");
    FAILS(HEAD "<watcher-list resource=\"sip:a@b\" package=\"presence\"><watcher status=\"active\" "
               "event=\"approved\">sip:c@d</watcher></watcher-list></watcherinfo>",
          WINFO_ERROR_INVALID, "watcher without id");
    FAILS(HEAD "<bogus/></watcherinfo>", WINFO_ERROR_INVALID, "unknown element of the namespace");
    FAILS(HEAD "<watcher-list resource=\"sip:a@b\" package=\"presence\">", WINFO_ERROR_XML, "truncated");
    FAILS("not xml at all", WINFO_ERROR_XML, "garbage");
    FAILS("", WINFO_ERROR_XML, "empty");
    parse_fails(NULL, 0, WINFO_ERROR_XML, "NULL");

    /* billion laughs: refused, nothing expanded */
    FAILS("<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
          "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">"
          "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\"><!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">"
          "<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\"><!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">]>" HEAD
          "<watcher-list resource=\"sip:a@b\" package=\"presence\"><watcher id=\"1\" status=\"active\" "
          "event=\"approved\" display-name=\"&h;\">&h;</watcher></watcher-list></watcherinfo>",
          WINFO_ERROR_XML, "entity bomb");
    /* external entity: never loaded */
    FAILS("<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>" HEAD
          "<watcher-list resource=\"sip:a@b\" package=\"presence\"><watcher id=\"1\" status=\"active\" "
          "event=\"approved\">&x;</watcher></watcher-list></watcherinfo>",
          WINFO_ERROR_XML, "external entity");

    /* too large: refused before parsing */
    char *huge = g_malloc(WINFO_MAX_SIZE + 1);
    memset(huge, ' ', WINFO_MAX_SIZE + 1);
    parse_fails(huge, WINFO_MAX_SIZE + 1, WINFO_ERROR_TOO_LARGE, "huge");
    g_free(huge);

    /* too many watchers (1025) in a document below the size limit */
    GString *s = g_string_new(HEAD "<watcher-list resource=\"sip:a@b\" package=\"presence\">");
    for (int i = 0; i < 1025; i++)
        g_string_append_printf(s, "<watcher id=\"%d\" status=\"active\" event=\"approved\">sip:%d@x</watcher>", i, i);
    g_string_append(s, "</watcher-list></watcherinfo>");
    g_assert_cmpuint(s->len, <, WINFO_MAX_SIZE);
    parse_fails(s->str, s->len, WINFO_ERROR_TOO_LARGE, "1025 watchers");
    g_string_free(s, TRUE);

    /* foreign elements are skipped (xs:any ##other) */
    static const char ext[] = HEAD "<x:note xmlns:x=\"urn:example:x\">hi</x:note>"
                                   "<watcher-list resource=\"sip:a@b\" package=\"presence\"><x:y xmlns:x=\"urn:e\"/>"
                                   "<watcher id=\"1\" status=\"active\" event=\"approved\"><![CDATA[sip:c@d]]></watcher>"
                                   "</watcher-list></watcherinfo>";
    GError *error = NULL;
    g_autoptr(WinfoDoc) doc = winfo_doc_parse(ext, sizeof ext - 1, &error);
    g_assert_no_error(error);
    g_assert_nonnull(winfo_doc_find(doc, "sip:a@b", "sip:c@d"));
}

/* Mutations of a valid document: never a crash, always a result or an error. */
static void test_fuzz(void)
{
    GRand *rand = g_rand_new_with_seed(3858);
    for (int i = 0; i < 2000; i++) {
        g_autofree char *copy = g_strdup(rfc3858_example);
        size_t n = sizeof rfc3858_example - 1;
        for (int e = g_rand_int_range(rand, 1, 6); e > 0; e--)
            copy[g_rand_int_range(rand, 0, (gint32)n)] = "<>&\"x\0;="[g_rand_int_range(rand, 0, 8)];
        GError *error = NULL;
        WinfoDoc *doc = winfo_doc_parse(copy, n, &error);
        g_assert_true((doc == NULL) != (error == NULL));
        winfo_doc_free(doc);
        g_clear_error(&error);
    }
    g_rand_free(rand);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/winfo/rfc3858-example", test_rfc_example);
    g_test_add_func("/winfo/round-trip", test_round_trip);
    g_test_add_func("/winfo/print-invalid", test_print_invalid);
    g_test_add_func("/winfo/hostile", test_hostile);
    g_test_add_func("/winfo/fuzz", test_fuzz);
    return g_test_run();
}
