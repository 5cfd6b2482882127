/* test-gba-guss.c: protocols/gba/gba-guss.h, the GBA User Security Settings (TS 29.109 Annex A).
 *
 * print -> parse round trips (escaping included), a hand-written document with foreign and
 * extension elements, the per-NAF filter by GAA service type (TS 33.220 §4.5.3), uid lookup, and
 * malformed and hostile input: not XML, wrong root or namespace, bad values, internal DTDs with
 * entities (billion laughs, external entity), oversize and deep documents.
 */
#include "protocols/gba/gba-guss.h"
#include "protocols/gba/gba-kdf.h"
#include <string.h>

static GbaGuss *parse_ok(const char *text)
{
    GError *error = NULL;
    GbaGuss *g = gba_guss_parse(text, strlen(text), &error);
    g_assert_no_error(error);
    g_assert_nonnull(g);
    return g;
}

static void parse_fails(const char *text, size_t len, const char *needle)
{
    GError *error = NULL;
    GbaGuss *g = gba_guss_parse(text, len, &error);
    g_assert_null(g);
    g_assert_error(error, GBA_ERROR, GBA_ERROR_INVALID);
    if (needle && !strstr(error->message, needle))
        g_error("error '%s' does not mention '%s'", error->message, needle);
    g_error_free(error);
}

static gboolean uss_equal(const GbaUss *a, const GbaUss *b)
{
    if (strcmp(a->id, b->id) != 0 || a->type != b->type || g_strcmp0(a->naf_group, b->naf_group) != 0 ||
        a->uids->len != b->uids->len)
        return FALSE;
    for (guint i = 0; i < a->uids->len; i++)
        if (strcmp(g_ptr_array_index(a->uids, i), g_ptr_array_index(b->uids, i)) != 0)
            return FALSE;
    return TRUE;
}

static gboolean guss_equal(const GbaGuss *a, const GbaGuss *b)
{
    if (a->uicc_gba_u != b->uicc_gba_u || a->lifetime != b->lifetime || a->uss->len != b->uss->len)
        return FALSE;
    for (guint i = 0; i < a->uss->len; i++)
        if (!uss_equal(g_ptr_array_index(a->uss, i), g_ptr_array_index(b->uss, i)))
            return FALSE;
    return TRUE;
}

static GbaGuss *sample(void)
{
    GbaGuss *g = gba_guss_new();
    g->uicc_gba_u = TRUE;
    g->lifetime = 7200;
    static const char *const alice[] = {"sip:alice@home.net", "tel:+358501234567", NULL};
    static const char *const odd[] = {"sip:o'<b&r>\"@home.net", NULL}; /* needs escaping */
    gba_guss_add_uss(g, "1", GBA_GAA_SERVICE_PRESENCE, "presence-group", alice);
    gba_guss_add_uss(g, "2", 7, NULL, odd);
    gba_guss_add_uss(g, "3&<x>", GBA_GAA_SERVICE_PRESENCE, "a\"b", NULL);
    gba_guss_add_uss(g, "4", G_MAXUINT32, NULL, NULL);
    return g;
}

static void test_round_trip(void)
{
    g_autoptr(GbaGuss) g = sample();
    g_autofree char *text = gba_guss_print(g);
    g_assert_true(g_str_has_prefix(text, "<?xml"));
    g_assert_nonnull(strstr(text, "<guss xmlns=\"uri:3gpp-gaa\">"));
    g_assert_nonnull(strstr(text, "<uiccType>GBA_U</uiccType>"));
    g_assert_nonnull(strstr(text, "<lifeTime>7200</lifeTime>"));
    g_assert_nonnull(strstr(text, "nafGroup=\"presence-group\""));
    g_autoptr(GbaGuss) back = parse_ok(text);
    g_assert_true(guss_equal(g, back));
    g_autofree char *again = gba_guss_print(back);
    g_assert_cmpstr(again, ==, text);

    /* defaults: GBA, no lifetime, no USS */
    g_autoptr(GbaGuss) empty = gba_guss_new();
    g_autofree char *etext = gba_guss_print(empty);
    g_assert_null(strstr(etext, "lifeTime"));
    g_assert_nonnull(strstr(etext, "<uiccType>GBA</uiccType>"));
    g_autoptr(GbaGuss) eback = parse_ok(etext);
    g_assert_true(guss_equal(empty, eback));
}

/* A document written by hand, with a prefix, extensions and foreign elements that are skipped. */
static void test_hand_written(void)
{
    static const char text[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<g:guss xmlns:g=\"uri:3gpp-gaa\" xmlns:x=\"urn:example:other\" id=\"guss-1\">\n"
        "  <g:bsfElement><g:uiccType> GBA </g:uiccType><g:lifeTime>\n 3600 </g:lifeTime>\n"
        "    <g:extension><x:thing/></g:extension></g:bsfElement>\n"
        "  <g:ussList>\n"
        "    <g:uss id=\"p\" type=\"1\"><g:uids><g:uid>sip:bob@home.net</g:uid><x:uid>sip:eve@evil</x:uid>"
        "</g:uids><g:flags><g:flag>1</g:flag></g:flags></g:uss>\n"
        "    <x:uss id=\"q\" type=\"1\"/>\n"
        "    <g:uss id=\"m\" type=\"4\" nafGroup=\"mbms\">"
        "<g:uids><g:uid>sip:bob-mbms@home.net</g:uid></g:uids></g:uss>\n"
        "  </g:ussList>\n"
        "</g:guss>\n";
    g_autoptr(GbaGuss) g = parse_ok(text);
    g_assert_false(g->uicc_gba_u);
    g_assert_cmpuint(g->lifetime, ==, 3600);
    g_assert_cmpuint(g->uss->len, ==, 2);
    const GbaUss *p = g_ptr_array_index(g->uss, 0);
    g_assert_cmpstr(p->id, ==, "p");
    g_assert_null(p->naf_group);
    g_assert_cmpuint(p->uids->len, ==, 1);
    const GbaUss *m = g_ptr_array_index(g->uss, 1);
    g_assert_cmpstr(m->naf_group, ==, "mbms");
    g_assert_cmpuint(m->type, ==, 4);
    g_assert_false(gba_guss_has_uid(g, "sip:eve@evil")); /* a uid in another namespace is not one */
}

static void test_filter(void)
{
    g_autoptr(GbaGuss) g = sample();
    g_autoptr(GbaGuss) pres = gba_guss_filter(g, GBA_GAA_SERVICE_PRESENCE);
    g_assert_cmpuint(pres->uss->len, ==, 2);
    g_assert_true(pres->uicc_gba_u);
    g_assert_cmpuint(pres->lifetime, ==, 7200);
    for (guint i = 0; i < pres->uss->len; i++)
        g_assert_cmpuint(((GbaUss *)g_ptr_array_index(pres->uss, i))->type, ==, GBA_GAA_SERVICE_PRESENCE);
    g_assert_true(uss_equal(g_ptr_array_index(pres->uss, 0), g_ptr_array_index(g->uss, 0)));
    g_assert_true(gba_guss_has_uid(pres, "sip:alice@home.net"));
    g_assert_false(gba_guss_has_uid(pres, "sip:o'<b&r>\"@home.net")); /* type 7 filtered out */
    g_assert_cmpuint(g->uss->len, ==, 4);                           /* the source is untouched */

    g_autoptr(GbaGuss) none = gba_guss_filter(g, 99);
    g_assert_cmpuint(none->uss->len, ==, 0);
    g_autofree char *text = gba_guss_print(none);
    g_autoptr(GbaGuss) back = parse_ok(text);
    g_assert_true(guss_equal(none, back));
}

static void test_has_uid(void)
{
    g_autoptr(GbaGuss) g = sample();
    g_assert_true(gba_guss_has_uid(g, "sip:alice@home.net"));
    g_assert_true(gba_guss_has_uid(g, "tel:+358501234567"));
    g_assert_true(gba_guss_has_uid(g, "sip:o'<b&r>\"@home.net"));
    g_assert_false(gba_guss_has_uid(g, "sip:alice@home.ne"));
    g_assert_false(gba_guss_has_uid(g, "sip:alice@home.net.evil"));
    g_assert_false(gba_guss_has_uid(g, ""));
    g_assert_false(gba_guss_has_uid(g, NULL));
}

static void test_malformed(void)
{
    static const struct {
        const char *text;
        const char *needle;
    } cases[] = {
        {"", "empty"},
        {"not xml at all", "well-formed"},
        {"<guss xmlns=\"uri:3gpp-gaa\"><ussList>", "well-formed"},
        {"<guss xmlns=\"uri:3gpp-gaa\"><bsfElement></guss>", "well-formed"},
        {"<guss xmlns=\"uri:3gpp-gaa\"><u:x/></guss>", "well-formed"}, /* unbound prefix */
        {"<guss/>", "root"},                                            /* no namespace */
        {"<guss xmlns=\"uri:3gpp-gab\"/>", "root"},
        {"<gus xmlns=\"uri:3gpp-gaa\"/>", "root"},
        {"<x:guss xmlns:x=\"urn:ietf:params:xml:ns:pidf\"/>", "root"},
        {"<guss xmlns=\"uri:3gpp-gaa\"><bsfElement><uiccType>SIM</uiccType></bsfElement></guss>", "uiccType"},
        {"<guss xmlns=\"uri:3gpp-gaa\"><bsfElement><lifeTime>-1</lifeTime></bsfElement></guss>", "lifeTime"},
        {"<guss xmlns=\"uri:3gpp-gaa\"><bsfElement><lifeTime>4294967296</lifeTime></bsfElement></guss>", "lifeTime"},
        {"<guss xmlns=\"uri:3gpp-gaa\"><bsfElement><lifeTime>1h</lifeTime></bsfElement></guss>", "lifeTime"},
        {"<guss xmlns=\"uri:3gpp-gaa\"><bsfElement/><bsfElement/></guss>", "more than one"},
        {"<guss xmlns=\"uri:3gpp-gaa\"><ussList><uss type=\"1\"/></ussList></guss>", "without id"},
        {"<guss xmlns=\"uri:3gpp-gaa\"><ussList><uss id=\"1\"/></ussList></guss>", "type"},
        {"<guss xmlns=\"uri:3gpp-gaa\"><ussList><uss id=\"1\" type=\"presence\"/></ussList></guss>", "type"},
        {"<guss xmlns=\"uri:3gpp-gaa\"><ussList><uss id=\"1\" type=\"1\"><uids><uid> </uid></uids></uss>"
         "</ussList></guss>",
         "empty uid"},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
        parse_fails(cases[i].text, strlen(cases[i].text), cases[i].needle);
    parse_fails(NULL, 0, "empty");
    /* a NUL inside the bytes */
    static const char nul[] = "<guss xmlns=\"uri:3gpp-gaa\">\0</guss>";
    parse_fails(nul, sizeof nul - 1, NULL);
}

static void test_hostile(void)
{
    /* Billion laughs: refused before libxml2 expands anything. */
    static const char laughs[] = "<?xml version=\"1.0\"?>\n"
                                 "<!DOCTYPE guss [\n"
                                 " <!ENTITY a \"lol\">\n"
                                 " <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
                                 " <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
                                 "]>\n"
                                 "<guss xmlns=\"uri:3gpp-gaa\"><ussList><uss id=\"1\" type=\"1\"><uids>"
                                 "<uid>&c;</uid></uids></uss></ussList></guss>";
    parse_fails(laughs, strlen(laughs), "document type");
    static const char external[] = "<!DOCTYPE guss [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                                   "<guss xmlns=\"uri:3gpp-gaa\"><ussList><uss id=\"&x;\" type=\"1\"/>"
                                   "</ussList></guss>";
    parse_fails(external, strlen(external), "document type");
    static const char plain_dtd[] =
        "<!DOCTYPE guss SYSTEM \"http://bsf.example/guss.dtd\"><guss xmlns=\"uri:3gpp-gaa\"/>";
    parse_fails(plain_dtd, strlen(plain_dtd), "document type");
    /* An undeclared entity is not well-formed. */
    static const char undeclared[] =
        "<guss xmlns=\"uri:3gpp-gaa\"><ussList><uss id=\"&x;\" type=\"1\"/></ussList></guss>";
    parse_fails(undeclared, strlen(undeclared), NULL);

    /* A DTD in UTF-16 hides from the byte scan; the parsed tree still shows it (the document is
     * otherwise valid, so only that check can refuse it). */
    static const char quiet[] = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>"
                                "<!DOCTYPE guss [<!ENTITY a \"lol\">]><guss xmlns=\"uri:3gpp-gaa\"/>";
    glong n = 0;
    g_autofree gunichar2 *u16 = g_utf8_to_utf16(quiet, -1, NULL, &n, NULL);
    GByteArray *bom = g_byte_array_new();
    g_byte_array_append(bom, (const guint8 *)"\xff\xfe", 2);
    for (glong i = 0; i < n; i++) {
        guint8 le[2] = {(guint8)(u16[i] & 0xff), (guint8)(u16[i] >> 8)};
        g_byte_array_append(bom, le, 2);
    }
    GError *error = NULL;
    GbaGuss *g = gba_guss_parse((const char *)bom->data, bom->len, &error);
    g_assert_null(g);
    g_assert_error(error, GBA_ERROR, GBA_ERROR_INVALID);
    g_assert_nonnull(strstr(error->message, "document type"));
    g_clear_error(&error);
    g_byte_array_free(bom, TRUE);

    /* Oversize, and too many elements. */
    GString *big = g_string_new("<guss xmlns=\"uri:3gpp-gaa\"><ussList>");
    while (big->len < 300 * 1024)
        g_string_append(big, "<uss id=\"x\" type=\"1\"/>");
    g_string_append(big, "</ussList></guss>");
    parse_fails(big->str, big->len, "bytes");
    g_string_free(big, TRUE);
    GString *many = g_string_new("<guss xmlns=\"uri:3gpp-gaa\"><ussList>");
    for (int i = 0; i < 12000; i++)
        g_string_append(many, "<a/>");
    g_string_append(many, "</ussList></guss>");
    parse_fails(many->str, many->len, "elements");
    g_string_free(many, TRUE);
    /* Deep nesting: libxml2's depth limit (no XML_PARSE_HUGE), no recursion of ours. */
    GString *deep = g_string_new("<guss xmlns=\"uri:3gpp-gaa\">");
    for (int i = 0; i < 5000; i++)
        g_string_append(deep, "<d>");
    for (int i = 0; i < 5000; i++)
        g_string_append(deep, "</d>");
    g_string_append(deep, "</guss>");
    parse_fails(deep->str, deep->len, NULL);
    g_string_free(deep, TRUE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/gba-guss/round-trip", test_round_trip);
    g_test_add_func("/gba-guss/hand-written", test_hand_written);
    g_test_add_func("/gba-guss/filter", test_filter);
    g_test_add_func("/gba-guss/has-uid", test_has_uid);
    g_test_add_func("/gba-guss/malformed", test_malformed);
    g_test_add_func("/gba-guss/hostile", test_hostile);
    return g_test_run();
}
