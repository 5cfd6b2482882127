/* test-xcap.c: protocols/xcap/: XCAP URIs, node selectors and the server's RFC 4825 semantics.
 *
 * URIs: the split into AUID / tree / XUI / document / node selector with percent-decoding per piece,
 * xmlns() bindings, absolute-form, and the malformed ones refused; building and parsing back.
 * Server: documents created (201), read, replaced (200) and deleted; elements put by name, by
 * attribute, by position and by position and attribute, with the §8.2.3 insertion point and the
 * "the URI must select it again" rule (cannot-insert); no-parent with the deepest ancestor;
 * attributes read, created, replaced and deleted; namespace bindings; DELETE's "a GET afterwards
 * must 404" rule (cannot-delete); ETags changing on every modification and If-Match /
 * If-None-Match (412, 304, "*", lists, weak tags); 404 / 405 / 415 / 400; every 409 body parsed as an
 * application/xcap-error+xml document with the right error element; schema and uniqueness failures;
 * the change callback; hostile bodies (not XML, two roots, DTD and entities, unbound prefixes, bad
 * UTF-8, random bytes) answered with a 409 and never a crash.
 */
#include "protocols/xcap/xcap-error.h"
#include "protocols/xcap/xcap-node.h"
#include "protocols/xcap/xcap-server.h"
#include "protocols/xcap/xcap-uri.h"
#include "protocols/xcap/xcap-usage.h"

#include <libxml/parser.h>
#include <string.h>

#define ROOT "/xcap-root"
#define ALICE "sip:alice@home.net"
#define RL_URI ROOT "/resource-lists/users/" ALICE "/index"
#define PR_URI ROOT "/pres-rules/users/" ALICE "/index"
#define RL_TYPE "application/resource-lists+xml"
#define PR_TYPE "application/auth-policy+xml"
#define EL_TYPE "application/xcap-el+xml"
#define ATT_TYPE "application/xcap-att+xml"
#define FRIENDS "resource-lists/list%5b@name=%22friends%22%5d"

static const char lists_doc[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                "<resource-lists xmlns=\"urn:ietf:params:xml:ns:resource-lists\">\n"
                                " <list name=\"friends\">\n"
                                "  <entry uri=\"sip:bob@home.net\"/>\n"
                                "  <entry uri=\"sip:carol@home.net\"/>\n"
                                " </list>\n"
                                "</resource-lists>\n";

#define RULE(id, who)                                                                                                  \
    " <cr:rule id=\"" id "\"><cr:conditions><cr:identity><cr:one id=\"" who "\"/></cr:identity></cr:conditions>"     \
    "<cr:actions><pr:sub-handling>allow</pr:sub-handling></cr:actions></cr:rule>\n"
#define RULESET_OPEN                                                                                                   \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                                                                     \
    "<cr:ruleset xmlns:cr=\"urn:ietf:params:xml:ns:common-policy\" xmlns:pr=\"urn:ietf:params:xml:ns:pres-rules\">\n"
static const char rules_doc[] = RULESET_OPEN RULE("a", "sip:bob@home.net") "</cr:ruleset>\n";

/* ------------------------------------------------------------------ helpers */

typedef struct {
    XcapServer *srv;
    XcapResponse r;
} Fx;

static void req(Fx *fx, const char *method, const char *target, const char *if_match, const char *if_none_match,
                const char *ctype, const char *body)
{
    xcap_response_clear(&fx->r);
    xcap_server_handle(fx->srv, method, target, if_match, if_none_match, ctype, (const uint8_t *)body,
                       body ? strlen(body) : 0, &fx->r);
}

static void fx_init(Fx *fx)
{
    memset(fx, 0, sizeof *fx);
    fx->srv = xcap_server_new(ROOT);
}

static void fx_clear(Fx *fx)
{
    xcap_response_clear(&fx->r);
    xcap_server_free(fx->srv);
}

static void fx_with_lists(Fx *fx)
{
    fx_init(fx);
    req(fx, "PUT", RL_URI, NULL, NULL, RL_TYPE, lists_doc);
    g_assert_cmpuint(fx->r.status, ==, 201);
}

/* The body as a string (bodies here are small text). */
static char *body_str(const XcapResponse *r)
{
    g_assert_nonnull(r->body);
    gsize n;
    const char *d = g_bytes_get_data(r->body, &n);
    return g_strndup(d, n);
}

/* Asserts a 409 whose body is an xcap-error document holding the element NAME; returns the parsed
 * document for further checks (xmlFreeDoc). */
static xmlDoc *assert_conflict(const XcapResponse *r, const char *name)
{
    g_assert_cmpuint(r->status, ==, 409);
    g_assert_cmpstr(r->content_type, ==, "application/xcap-error+xml");
    gsize n;
    const char *d = g_bytes_get_data(r->body, &n);
    xmlDoc *doc = xmlReadMemory(d, (int)n, NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
    g_assert_nonnull(doc);
    xmlNode *root = xmlDocGetRootElement(doc);
    g_assert_cmpstr((const char *)root->name, ==, "xcap-error");
    g_assert_cmpstr((const char *)root->ns->href, ==, XCAP_ERROR_NS);
    xmlNode *child = xmlFirstElementChild(root);
    g_assert_nonnull(child);
    g_assert_cmpstr((const char *)child->name, ==, name);
    g_assert_cmpstr((const char *)child->ns->href, ==, XCAP_ERROR_NS);
    g_assert_null(xmlNextElementSibling(child));
    return doc;
}

static void expect_conflict(const XcapResponse *r, const char *name)
{
    xmlFreeDoc(assert_conflict(r, name));
}

/* ------------------------------------------------------------------ URIs */

static void test_uri_parse(void)
{
    GError *err = NULL;
    XcapUri *u = xcap_uri_parse(ROOT "/resource-lists/users/sip:alice@home.net/index/~~/" FRIENDS
                                     "/entry%5b1%5d",
                                ROOT, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(u->auid, ==, "resource-lists");
    g_assert_false(u->global);
    g_assert_cmpstr(u->xui, ==, ALICE);
    g_assert_cmpstr(u->document, ==, "index");
    g_assert_cmpstr(u->node_selector, ==, "resource-lists/list[@name=\"friends\"]/entry[1]");
    g_assert_cmpuint(g_hash_table_size(u->ns_bindings), ==, 0);
    xcap_uri_free(u);

    /* percent-encoded XUI ('/' allowed once decoded), nested document path, xmlns() query */
    u = xcap_uri_parse("http://xcap.home.net" ROOT "/pres-rules/users/sip%3Aal%2Fice%40home.net/dir/my%20rules/~~/"
                       "cr:ruleset?xmlns(cr=urn:ietf:params:xml:ns:common-policy)xmlns(%20x%20=urn:x)",
                       ROOT "/", &err);
    g_assert_no_error(err);
    g_assert_cmpstr(u->xui, ==, "sip:al/ice@home.net");
    g_assert_cmpstr(u->document, ==, "dir/my rules");
    g_assert_cmpstr(u->node_selector, ==, "cr:ruleset");
    g_assert_cmpstr(g_hash_table_lookup(u->ns_bindings, "cr"), ==, "urn:ietf:params:xml:ns:common-policy");
    g_assert_cmpstr(g_hash_table_lookup(u->ns_bindings, "x"), ==, "urn:x");
    xcap_uri_free(u);

    u = xcap_uri_parse(ROOT "/xcap-caps/global/index", ROOT, &err);
    g_assert_no_error(err);
    g_assert_true(u->global);
    g_assert_null(u->xui);
    g_assert_null(u->node_selector);
    xcap_uri_free(u);

    /* a root at "/" */
    u = xcap_uri_parse("/resource-lists/users/bob/index", "", &err);
    g_assert_no_error(err);
    g_assert_cmpstr(u->xui, ==, "bob");
    xcap_uri_free(u);
}

static void test_uri_bad(void)
{
    static const char *const bad[] = {
        "/other/resource-lists/users/bob/index",           /* not under the root */
        ROOT "x/resource-lists/users/bob/index",           /* root is a prefix of the segment only */
        ROOT "/resource-lists/users/bob",                  /* no document */
        ROOT "/resource-lists/users/bob/",                 /* empty document segment */
        ROOT "/resource-lists/people/bob/index",           /* neither users nor global */
        ROOT "/resource-lists/users/bob/index/~~/",        /* empty node selector */
        ROOT "/resource-lists/users/bob/index/~~",         /* empty node selector */
        ROOT "/resource-lists/users/bob/a%zz",             /* bad escape */
        ROOT "/resource-lists/users/bob/a%00b",            /* NUL */
        ROOT "/resource-lists/users/bob/a%2Fb",            /* '/' inside a document segment */
        ROOT "/resource-lists/users/bob/../index",         /* dot segment */
        ROOT "/resource-lists/users/bob/index/~~/a%ff",    /* not UTF-8 */
        ROOT "/resource-lists/users/bob/index/~~/a?foo(x)",/* query is not xmlns() */
        ROOT "/resource-lists/users/bob/index/~~/a?xmlns(=urn:x)",
        ROOT "/resource-lists/users/bob/index/~~/a?xmlns(p=urn:x",
        ROOT "/resource-lists/users/bob/index/~~/a?xmlns(xmlns=urn:x)",
        ROOT "/resource-lists/users/bob/index#frag",
        ROOT "/~~/resource-lists",
        ROOT,
        "",
    };
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        GError *err = NULL;
        XcapUri *u = xcap_uri_parse(bad[i], ROOT, &err);
        if (u)
            g_error("accepted bad URI %s", bad[i]);
        g_assert_error(err, XCAP_ERROR, XCAP_ERROR_URI);
        g_clear_error(&err);
    }
}

static void test_uri_build(void)
{
    g_autofree char *t = xcap_uri_build(ROOT, "resource-lists", "sip:alice@home.net", "index",
                                        "resource-lists/list[@name=\"my friends\"]");
    g_assert_cmpstr(t, ==,
                    ROOT "/resource-lists/users/sip:alice@home.net/index/~~/resource-lists/"
                         "list%5B@name=%22my%20friends%22%5D");
    GError *err = NULL;
    g_autoptr(XcapUri) u = xcap_uri_parse(t, ROOT, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(u->node_selector, ==, "resource-lists/list[@name=\"my friends\"]");
    g_autofree char *g = xcap_uri_build(ROOT "/", "xcap-caps", NULL, "index", NULL);
    g_assert_cmpstr(g, ==, ROOT "/xcap-caps/global/index");
    g_autofree char *odd = xcap_uri_build(ROOT, "resource-lists", "a/b?c#d", "x y", NULL);
    g_autoptr(XcapUri) u2 = xcap_uri_parse(odd, ROOT, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(u2->xui, ==, "a/b?c#d");
    g_assert_cmpstr(u2->document, ==, "x y");
}

static void test_selector_parse(void)
{
    GError *err = NULL;
    g_autoptr(GHashTable) b = g_hash_table_new(g_str_hash, g_str_equal);
    g_hash_table_insert(b, "p", "urn:p");
    XcapNodeSelector *s =
        xcap_node_selector_parse("r/p:el[2][@p:a='x/]y&amp;']/*[@n=\"v\"]/@p:att", b, "urn:default", &err);
    g_assert_no_error(err);
    g_assert_cmpuint(s->steps->len, ==, 3);
    XcapStep *st = g_ptr_array_index(s->steps, 0);
    g_assert_cmpstr(st->ns, ==, "urn:default"); /* unprefixed: the usage's default namespace */
    g_assert_cmpstr(st->name, ==, "r");
    st = g_ptr_array_index(s->steps, 1);
    g_assert_cmpstr(st->ns, ==, "urn:p");
    g_assert_cmpuint(st->position, ==, 2);
    g_assert_cmpstr(st->attr_ns, ==, "urn:p");
    g_assert_cmpstr(st->attr_value, ==, "x/]y&");
    st = g_ptr_array_index(s->steps, 2);
    g_assert_null(st->name);
    g_assert_null(st->attr_ns); /* unprefixed attribute: no namespace */
    g_assert_cmpint(s->terminal, ==, XCAP_TERMINAL_ATTRIBUTE);
    g_assert_cmpstr(s->attr_ns, ==, "urn:p");
    g_assert_cmpstr(s->attr_name, ==, "att");
    g_autofree char *prefix = xcap_node_selector_prefix(s, 2);
    g_assert_cmpstr(prefix, ==, "r/p:el[2][@p:a='x/]y&amp;']");
    xcap_node_selector_free(s);

    s = xcap_node_selector_parse("r/namespace::*", NULL, NULL, &err);
    g_assert_no_error(err);
    g_assert_cmpint(s->terminal, ==, XCAP_TERMINAL_NAMESPACE);
    g_assert_cmpuint(s->steps->len, ==, 1);
    xcap_node_selector_free(s);

    static const char *const bad[] = {
        "",           "r//a",          "/r",          "r/",         "r/a[0]",       "r/a[",         "r/a[1",
        "r/a[x]",     "r/a[@b=c]",     "r/a[@b='c\"]", "r/a[@b]",   "r/q:a",        "r/a[@q:b='1']", "r/@q:b",
        "r/a[@b='1'][1]", "r/a[1][2]", "r/a b",       "1r",         "r/a[@b='<']",  "r/a[@b='&x;']", "r/a[99999999999]",
        "r/a'",       "@a",            "r/a:b:c",
    };
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        s = xcap_node_selector_parse(bad[i], b, NULL, &err);
        if (s)
            g_error("accepted bad selector '%s'", bad[i]);
        g_assert_error(err, XCAP_ERROR, XCAP_ERROR_SELECTOR);
        g_clear_error(&err);
    }
}

/* ------------------------------------------------------------------ documents */

static void test_documents(void)
{
    Fx fx;
    fx_init(&fx);
    req(&fx, "GET", RL_URI, NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 404);
    req(&fx, "PUT", RL_URI, NULL, NULL, "application/pidf+xml", lists_doc);
    g_assert_cmpuint(fx.r.status, ==, 415);
    req(&fx, "PUT", RL_URI, NULL, NULL, "Application/Resource-Lists+XML; charset=UTF-8", lists_doc);
    g_assert_cmpuint(fx.r.status, ==, 201);
    g_autofree char *etag1 = g_strdup(fx.r.etag);
    g_assert_nonnull(etag1);
    g_assert_true(etag1[0] == '"' && etag1[strlen(etag1) - 1] == '"');

    req(&fx, "GET", RL_URI, NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 200);
    g_assert_cmpstr(fx.r.content_type, ==, RL_TYPE);
    g_assert_cmpstr(fx.r.etag, ==, etag1);
    g_autofree char *got = body_str(&fx.r);
    g_assert_true(g_str_has_prefix(got, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    g_assert_nonnull(strstr(got, "<entry uri=\"sip:carol@home.net\"/>"));

    /* the same bytes again are still a modification: a new tag */
    req(&fx, "PUT", RL_URI, NULL, NULL, RL_TYPE, lists_doc);
    g_assert_cmpuint(fx.r.status, ==, 200);
    g_assert_cmpstr(fx.r.etag, !=, etag1);

    const char *etag_api = NULL;
    GBytes *bytes = xcap_server_get_document(fx.srv, "resource-lists", ALICE, "index", &etag_api);
    g_assert_nonnull(bytes);
    g_assert_cmpstr(etag_api, ==, fx.r.etag);
    g_bytes_unref(bytes);

    req(&fx, "DELETE", RL_URI, NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 200);
    req(&fx, "GET", RL_URI, NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 404);
    req(&fx, "DELETE", RL_URI, NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 404);
    g_assert_null(xcap_server_get_document(fx.srv, "resource-lists", ALICE, "index", NULL));

    /* methods, AUIDs, URIs */
    req(&fx, "POST", RL_URI, NULL, NULL, RL_TYPE, lists_doc);
    g_assert_cmpuint(fx.r.status, ==, 405);
    g_assert_cmpstr(fx.r.allow, ==, "GET, PUT, DELETE");
    req(&fx, "GET", ROOT "/no-such-auid/users/" ALICE "/index", NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 404);
    req(&fx, "GET", ROOT "/resource-lists/users/" ALICE, NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 400);
    req(&fx, "GET", "/elsewhere/resource-lists/users/" ALICE "/index", NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 404);
    req(&fx, "PUT", RL_URI, NULL, NULL, RL_TYPE, lists_doc);
    req(&fx, "GET", RL_URI "/~~/resource-lists/list[0]", NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 400);

    /* xcap-caps: generated, read-only */
    req(&fx, "GET", ROOT "/xcap-caps/global/index", NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 200);
    g_assert_cmpstr(fx.r.content_type, ==, "application/xcap-caps+xml");
    g_autofree char *caps = body_str(&fx.r);
    g_assert_nonnull(strstr(caps, "<auid>pres-rules</auid>"));
    g_assert_nonnull(strstr(caps, "<namespace>urn:ietf:params:xml:ns:xcap-error</namespace>"));
    req(&fx, "PUT", ROOT "/xcap-caps/global/index", NULL, NULL, "application/xcap-caps+xml", caps);
    g_assert_cmpuint(fx.r.status, ==, 405);
    g_assert_cmpstr(fx.r.allow, ==, "GET");
    req(&fx, "DELETE", ROOT "/xcap-caps/global/index", NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 405);
    fx_clear(&fx);
}

/* ------------------------------------------------------------------ elements */

static void test_element_by_attr(void)
{
    Fx fx;
    fx_with_lists(&fx);
    const char *dave = RL_URI "/~~/" FRIENDS "/entry%5b@uri=%22sip:dave@home.net%22%5d";
    req(&fx, "GET", dave, NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 404);
    req(&fx, "PUT", dave, NULL, NULL, RL_TYPE, "<entry uri=\"sip:dave@home.net\"/>");
    g_assert_cmpuint(fx.r.status, ==, 415); /* an element is application/xcap-el+xml */
    req(&fx, "PUT", dave, NULL, NULL, EL_TYPE, "<entry uri=\"sip:dave@home.net\"><display-name>D</display-name></entry>");
    g_assert_cmpuint(fx.r.status, ==, 201);
    req(&fx, "GET", dave, NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 200);
    g_assert_cmpstr(fx.r.content_type, ==, EL_TYPE);
    g_autofree char *el = body_str(&fx.r);
    g_assert_cmpstr(el, ==, "<entry uri=\"sip:dave@home.net\"><display-name>D</display-name></entry>");
    /* §8.2.3: after the last <entry>, in the document's default namespace */
    req(&fx, "GET", RL_URI "/~~/" FRIENDS "/entry%5b3%5d/@uri", NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 200);
    g_autofree char *third = body_str(&fx.r);
    g_assert_cmpstr(third, ==, "sip:dave@home.net");

    /* replace: 200 */
    req(&fx, "PUT", dave, NULL, NULL, EL_TYPE, "<entry uri=\"sip:dave@home.net\"/>");
    g_assert_cmpuint(fx.r.status, ==, 200);
    /* the body must be what the URI selects */
    req(&fx, "PUT", dave, NULL, NULL, EL_TYPE, "<entry uri=\"sip:eve@home.net\"/>");
    expect_conflict(&fx.r, "cannot-insert");
    req(&fx, "PUT", dave, NULL, NULL, EL_TYPE, "<list name=\"x\"/>");
    expect_conflict(&fx.r, "cannot-insert");
    /* a body in another namespace is not the element the URI names */
    req(&fx, "PUT", dave, NULL, NULL, EL_TYPE, "<entry xmlns=\"urn:other\" uri=\"sip:dave@home.net\"/>");
    expect_conflict(&fx.r, "cannot-insert");
    /* an element the schema does not allow */
    req(&fx, "PUT", RL_URI "/~~/" FRIENDS "/bogus", NULL, NULL, EL_TYPE, "<bogus/>");
    expect_conflict(&fx.r, "schema-validation-error");
    /* a second root element */
    req(&fx, "PUT", RL_URI "/~~/other-root", NULL, NULL, EL_TYPE, "<other-root/>");
    expect_conflict(&fx.r, "cannot-insert");

    /* no parent: the deepest ancestor that exists */
    req(&fx, "PUT", RL_URI "/~~/resource-lists/list%5b@name=%22nope%22%5d/entry", NULL, NULL, EL_TYPE,
        "<entry uri=\"sip:x@y\"/>");
    xmlDoc *doc = assert_conflict(&fx.r, "no-parent");
    xmlNode *anc = xmlFirstElementChild(xmlFirstElementChild(xmlDocGetRootElement(doc)));
    g_assert_nonnull(anc);
    g_assert_cmpstr((const char *)anc->name, ==, "ancestor");
    xmlChar *text = xmlNodeGetContent(anc);
    g_assert_cmpstr((const char *)text, ==, RL_URI "/~~/resource-lists");
    xmlFree(text);
    xmlFreeDoc(doc);
    req(&fx, "PUT", ROOT "/resource-lists/users/sip:nobody@home.net/index/~~/resource-lists/list", NULL, NULL,
        EL_TYPE, "<list/>");
    expect_conflict(&fx.r, "no-parent");

    /* the document is what was accepted, nothing of the refused requests */
    const char *etag = NULL;
    GBytes *b = xcap_server_get_document(fx.srv, "resource-lists", ALICE, "index", &etag);
    gsize n;
    g_autofree char *s = g_strndup(g_bytes_get_data(b, &n), g_bytes_get_size(b));
    g_assert_null(strstr(s, "eve"));
    g_assert_null(strstr(s, "bogus"));
    g_assert_nonnull(strstr(s, "dave"));
    g_bytes_unref(b);
    fx_clear(&fx);
}

static void test_element_by_pos(void)
{
    Fx fx;
    fx_with_lists(&fx);
    const char *e1 = RL_URI "/~~/" FRIENDS "/entry%5b1%5d";
    req(&fx, "GET", e1, NULL, NULL, NULL, NULL);
    g_autofree char *first = body_str(&fx.r);
    g_assert_cmpstr(first, ==, "<entry uri=\"sip:bob@home.net\"/>");
    /* entry[1] exists: replaced */
    req(&fx, "PUT", e1, NULL, NULL, EL_TYPE, "<entry uri=\"sip:bert@home.net\"/>");
    g_assert_cmpuint(fx.r.status, ==, 200);
    /* entry[4] of 2 cannot exist after one insertion; entry[3] goes after the second */
    req(&fx, "PUT", RL_URI "/~~/" FRIENDS "/entry%5b4%5d", NULL, NULL, EL_TYPE, "<entry uri=\"sip:x@home.net\"/>");
    expect_conflict(&fx.r, "cannot-insert");
    req(&fx, "PUT", RL_URI "/~~/" FRIENDS "/entry%5b3%5d", NULL, NULL, EL_TYPE, "<entry uri=\"sip:x@home.net\"/>");
    g_assert_cmpuint(fx.r.status, ==, 201);
    /* by-pos-attr: entry[1] is bert, so [1][@uri=zed] is created before it */
    const char *zed = RL_URI "/~~/" FRIENDS "/entry%5b1%5d%5b@uri=%22sip:zed@home.net%22%5d";
    req(&fx, "PUT", zed, NULL, NULL, EL_TYPE, "<entry uri=\"sip:zed@home.net\"/>");
    g_assert_cmpuint(fx.r.status, ==, 201);
    req(&fx, "GET", e1, NULL, NULL, NULL, NULL);
    g_autofree char *now_first = body_str(&fx.r);
    g_assert_cmpstr(now_first, ==, "<entry uri=\"sip:zed@home.net\"/>");
    /* "*" by position: the list is the only child of the root */
    req(&fx, "GET", RL_URI "/~~/resource-lists/*%5b1%5d/@name", NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 200);
    /* by name with several matches selects nothing */
    req(&fx, "GET", RL_URI "/~~/" FRIENDS "/entry", NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 404);
    req(&fx, "PUT", RL_URI "/~~/" FRIENDS "/entry", NULL, NULL, EL_TYPE, "<entry uri=\"sip:y@home.net\"/>");
    expect_conflict(&fx.r, "cannot-insert");
    /* a duplicate entry uri within the list */
    req(&fx, "PUT", RL_URI "/~~/" FRIENDS "/entry%5b5%5d", NULL, NULL, EL_TYPE, "<entry uri=\"sip:zed@home.net\"/>");
    xmlDoc *doc = assert_conflict(&fx.r, "uniqueness-failure");
    xmlNode *exists = xmlFirstElementChild(xmlFirstElementChild(xmlDocGetRootElement(doc)));
    g_assert_cmpstr((const char *)exists->name, ==, "exists");
    xmlChar *field = xmlGetProp(exists, BAD_CAST "field");
    g_assert_cmpstr((const char *)field, ==, "resource-lists/list/entry/@uri");
    xmlFree(field);
    xmlFreeDoc(doc);
    /* a new list by name: after the last list */
    req(&fx, "PUT", RL_URI "/~~/resource-lists/list%5b@name=%22work%22%5d", NULL, NULL, EL_TYPE,
        "<list name=\"work\"><entry uri=\"sip:boss@home.net\"/></list>");
    g_assert_cmpuint(fx.r.status, ==, 201);
    req(&fx, "GET", RL_URI "/~~/resource-lists/list%5b2%5d/entry/@uri", NULL, NULL, NULL, NULL);
    g_autofree char *boss = body_str(&fx.r);
    g_assert_cmpstr(boss, ==, "sip:boss@home.net");
    fx_clear(&fx);
}

static void test_element_delete(void)
{
    Fx fx;
    fx_with_lists(&fx);
    /* deleting entry[1] of two leaves carol as entry[1]: a GET would not 404 (§8.4) */
    req(&fx, "DELETE", RL_URI "/~~/" FRIENDS "/entry%5b1%5d", NULL, NULL, NULL, NULL);
    expect_conflict(&fx.r, "cannot-delete");
    req(&fx, "DELETE", RL_URI "/~~/resource-lists", NULL, NULL, NULL, NULL);
    expect_conflict(&fx.r, "cannot-delete");
    const char *bob = RL_URI "/~~/" FRIENDS "/entry%5b@uri=%22sip:bob@home.net%22%5d";
    req(&fx, "DELETE", bob, NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 200);
    req(&fx, "GET", bob, NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 404);
    req(&fx, "DELETE", bob, NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 404);
    /* the last entry by position is fine */
    req(&fx, "DELETE", RL_URI "/~~/" FRIENDS "/entry%5b1%5d", NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 200);
    fx_clear(&fx);
}

/* ------------------------------------------------------------------ attributes and namespaces */

static void test_attributes(void)
{
    Fx fx;
    fx_with_lists(&fx);
    const char *name = RL_URI "/~~/" FRIENDS "/@name";
    req(&fx, "GET", name, NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 200);
    g_assert_cmpstr(fx.r.content_type, ==, ATT_TYPE);
    g_autofree char *v = body_str(&fx.r);
    g_assert_cmpstr(v, ==, "friends");

    const char *note = RL_URI "/~~/" FRIENDS "/entry%5b@uri=%22sip:bob@home.net%22%5d/@note";
    req(&fx, "GET", note, NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 404);
    req(&fx, "PUT", note, NULL, NULL, EL_TYPE, "x");
    g_assert_cmpuint(fx.r.status, ==, 415);
    req(&fx, "PUT", note, NULL, NULL, ATT_TYPE, "a &amp; b \"q\"");
    g_assert_cmpuint(fx.r.status, ==, 201);
    req(&fx, "GET", note, NULL, NULL, NULL, NULL);
    g_autofree char *v2 = body_str(&fx.r);
    g_assert_cmpstr(v2, ==, "a &amp; b \"q\""); /* GET(PUT(x)) == x */
    req(&fx, "PUT", note, NULL, NULL, ATT_TYPE, "second");
    g_assert_cmpuint(fx.r.status, ==, 200);
    req(&fx, "PUT", note, NULL, NULL, ATT_TYPE, "a < b");
    expect_conflict(&fx.r, "not-xml-att-value");
    req(&fx, "PUT", note, NULL, NULL, ATT_TYPE, "a &bogus; b");
    expect_conflict(&fx.r, "not-xml-att-value");
    req(&fx, "PUT", note, NULL, NULL, ATT_TYPE, "a &#0; b");
    expect_conflict(&fx.r, "not-xml-att-value");
    /* changing the value the URI selects by: the URI would not select it again (§8.2.3) */
    req(&fx, "PUT", name, NULL, NULL, ATT_TYPE, "enemies");
    expect_conflict(&fx.r, "cannot-insert");
    req(&fx, "PUT", RL_URI "/~~/resource-lists/list%5b1%5d/@name", NULL, NULL, ATT_TYPE, "enemies");
    g_assert_cmpuint(fx.r.status, ==, 200);
    req(&fx, "GET", name, NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 404);
    req(&fx, "PUT", RL_URI "/~~/resource-lists/list%5b1%5d/@xmlns", NULL, NULL, ATT_TYPE, "urn:evil");
    expect_conflict(&fx.r, "cannot-insert"); /* a namespace declaration is not an attribute */
    /* attribute of a missing element */
    req(&fx, "PUT", RL_URI "/~~/resource-lists/list%5b@name=%22none%22%5d/@name", NULL, NULL, ATT_TYPE, "x");
    expect_conflict(&fx.r, "no-parent");

    const char *enote = RL_URI "/~~/resource-lists/list%5b@name=%22enemies%22%5d/entry%5b1%5d/@note";
    req(&fx, "DELETE", enote, NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 200);
    req(&fx, "GET", enote, NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 404);
    req(&fx, "DELETE", enote, NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 404);
    /* an entry needs its uri */
    req(&fx, "DELETE", RL_URI "/~~/resource-lists/list%5b@name=%22enemies%22%5d/entry%5b1%5d/@uri", NULL, NULL, NULL,
        NULL);
    expect_conflict(&fx.r, "schema-validation-error");

    /* namespace bindings (§7.10): read-only */
    const char *nsb = RL_URI "/~~/resource-lists/list%5b1%5d/namespace::*";
    req(&fx, "GET", nsb, NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 200);
    g_assert_cmpstr(fx.r.content_type, ==, "application/xcap-ns+xml");
    g_autofree char *ns = body_str(&fx.r);
    g_assert_cmpstr(ns, ==, "<list xmlns=\"urn:ietf:params:xml:ns:resource-lists\"/>");
    req(&fx, "PUT", nsb, NULL, NULL, EL_TYPE, "<list/>");
    g_assert_cmpuint(fx.r.status, ==, 405);
    g_assert_cmpstr(fx.r.allow, ==, "GET");
    fx_clear(&fx);
}

static void test_prefixes(void)
{
    Fx fx;
    fx_init(&fx);
    req(&fx, "PUT", PR_URI, NULL, NULL, PR_TYPE, rules_doc);
    g_assert_cmpuint(fx.r.status, ==, 201);
    /* unprefixed names are in the usage's default namespace: pres-rules (RFC 5025 §9.3), so the
     * common-policy root needs a prefix */
    req(&fx, "GET", PR_URI "/~~/ruleset/rule%5b@id=%22a%22%5d/@id", NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 404);
#define CPQ "?xmlns(c=urn:ietf:params:xml:ns:common-policy)"
    req(&fx, "GET", PR_URI "/~~/c:ruleset/c:rule%5b@id=%22a%22%5d/@id" CPQ, NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 200);
    /* prefixes from the query, whatever the document's own */
    req(&fx, "GET",
        PR_URI "/~~/c:ruleset/c:rule%5b@id=%22a%22%5d/c:actions/p:sub-handling"
               "?xmlns(c=urn:ietf:params:xml:ns:common-policy)xmlns(p=urn:ietf:params:xml:ns:pres-rules)",
        NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 200);
    g_autofree char *sh = body_str(&fx.r);
    g_assert_cmpstr(sh, ==, "<pr:sub-handling>allow</pr:sub-handling>");
    /* the unprefixed last step is in the default (pres-rules) namespace */
    req(&fx, "GET", PR_URI "/~~/c:ruleset/c:rule%5b@id=%22a%22%5d/c:actions/sub-handling" CPQ, NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 200);
    req(&fx, "GET", PR_URI "/~~/c:ruleset/c:rule%5b@id=%22a%22%5d/actions" CPQ, NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 404); /* actions is not in pres-rules */
    req(&fx, "GET", PR_URI "/~~/x:ruleset", NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 400); /* unbound prefix */
    /* a new rule with the document's prefixes in the body */
    req(&fx, "PUT", PR_URI "/~~/c:ruleset/c:rule%5b@id=%22b%22%5d" CPQ, NULL, NULL, EL_TYPE,
        "<cr:rule id=\"b\"><cr:actions><pr:sub-handling>block</pr:sub-handling></cr:actions></cr:rule>");
    g_assert_cmpuint(fx.r.status, ==, 201);
    /* a prefix the document does not bind */
    req(&fx, "PUT", PR_URI "/~~/c:ruleset/c:rule%5b@id=%22c%22%5d" CPQ, NULL, NULL, EL_TYPE, "<zz:rule id=\"c\"/>");
    expect_conflict(&fx.r, "not-xml-frag");
    fx_clear(&fx);
}

/* ------------------------------------------------------------------ ETags and conditions */

static void test_conditional(void)
{
    Fx fx;
    fx_with_lists(&fx);
    g_autofree char *e1 = g_strdup(fx.r.etag);
    req(&fx, "GET", RL_URI, NULL, e1, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 304);
    g_assert_cmpstr(fx.r.etag, ==, e1);
    g_assert_null(fx.r.body);
    g_autofree char *list = g_strdup_printf("\"nope\", W/%s", e1); /* weak comparison for If-None-Match */
    req(&fx, "GET", RL_URI "/~~/" FRIENDS, NULL, list, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 304);
    req(&fx, "GET", RL_URI, NULL, "\"nope\"", NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 200);
    req(&fx, "GET", RL_URI, "\"nope\"", NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 412);

    /* element PUT with a stale tag fails, with the current one succeeds and changes the tag */
    const char *dave = RL_URI "/~~/" FRIENDS "/entry%5b@uri=%22sip:dave@home.net%22%5d";
    req(&fx, "PUT", dave, "\"stale\"", NULL, EL_TYPE, "<entry uri=\"sip:dave@home.net\"/>");
    g_assert_cmpuint(fx.r.status, ==, 412);
    g_autofree char *weak = g_strdup_printf("W/%s", e1); /* strong comparison for If-Match */
    req(&fx, "PUT", dave, weak, NULL, EL_TYPE, "<entry uri=\"sip:dave@home.net\"/>");
    g_assert_cmpuint(fx.r.status, ==, 412);
    g_autofree char *two = g_strdup_printf("\"x\" , %s", e1);
    req(&fx, "PUT", dave, two, NULL, EL_TYPE, "<entry uri=\"sip:dave@home.net\"/>");
    g_assert_cmpuint(fx.r.status, ==, 201);
    g_autofree char *e2 = g_strdup(fx.r.etag);
    g_assert_cmpstr(e2, !=, e1);
    req(&fx, "DELETE", dave, e1, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 412);

    /* "*": If-None-Match creates only, If-Match replaces only */
    req(&fx, "PUT", dave, NULL, "*", EL_TYPE, "<entry uri=\"sip:dave@home.net\"/>");
    g_assert_cmpuint(fx.r.status, ==, 412);
    const char *erin = RL_URI "/~~/" FRIENDS "/entry%5b@uri=%22sip:erin@home.net%22%5d";
    req(&fx, "PUT", erin, "*", NULL, EL_TYPE, "<entry uri=\"sip:erin@home.net\"/>");
    g_assert_cmpuint(fx.r.status, ==, 412);
    req(&fx, "PUT", erin, NULL, "*", EL_TYPE, "<entry uri=\"sip:erin@home.net\"/>");
    g_assert_cmpuint(fx.r.status, ==, 201);
    req(&fx, "PUT", PR_URI, NULL, "*", PR_TYPE, rules_doc);
    g_assert_cmpuint(fx.r.status, ==, 201);
    req(&fx, "PUT", PR_URI, NULL, "*", PR_TYPE, rules_doc);
    g_assert_cmpuint(fx.r.status, ==, 412);
    req(&fx, "DELETE", PR_URI, "*", NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 200);
    req(&fx, "DELETE", PR_URI, "*", NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 412);

    /* every modification changes the tag, refused ones do not */
    req(&fx, "GET", RL_URI, NULL, NULL, NULL, NULL);
    g_autofree char *e3 = g_strdup(fx.r.etag);
    req(&fx, "PUT", erin, NULL, NULL, EL_TYPE, "<entry uri=\"sip:other@home.net\"/>");
    g_assert_cmpuint(fx.r.status, ==, 409);
    req(&fx, "GET", RL_URI, NULL, NULL, NULL, NULL);
    g_assert_cmpstr(fx.r.etag, ==, e3);
    req(&fx, "DELETE", erin, e3, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 200);
    g_assert_cmpstr(fx.r.etag, !=, e3);
    fx_clear(&fx);
}

/* ------------------------------------------------------------------ validation and callbacks */

typedef struct {
    guint calls;
    char *last;
} Changes;

static void on_changed(const char *auid, const char *xui, const char *document, void *user)
{
    Changes *c = user;
    c->calls++;
    g_free(c->last);
    c->last = g_strdup_printf("%s %s %s", auid, xui ? xui : "(global)", document);
}

static void test_pres_rules(void)
{
    Fx fx;
    fx_init(&fx);
    Changes ch = {0};
    xcap_server_set_changed(fx.srv, on_changed, &ch);

    /* a rule without id (RFC 4745 §5) */
    req(&fx, "PUT", PR_URI, NULL, NULL, PR_TYPE,
        RULESET_OPEN " <cr:rule><cr:actions><pr:sub-handling>allow</pr:sub-handling></cr:actions></cr:rule>\n"
                     "</cr:ruleset>");
    expect_conflict(&fx.r, "schema-validation-error");
    /* not a ruleset */
    req(&fx, "PUT", PR_URI, NULL, NULL, PR_TYPE, lists_doc);
    expect_conflict(&fx.r, "schema-validation-error");
    /* two rules "a" */
    req(&fx, "PUT", PR_URI, NULL, NULL, PR_TYPE,
        RULESET_OPEN RULE("a", "sip:bob@home.net") RULE("a", "sip:carol@home.net") "</cr:ruleset>");
    xmlDoc *doc = assert_conflict(&fx.r, "uniqueness-failure");
    xmlNode *exists = xmlFirstElementChild(xmlFirstElementChild(xmlDocGetRootElement(doc)));
    xmlChar *field = xmlGetProp(exists, BAD_CAST "field");
    g_assert_cmpstr((const char *)field, ==, "ruleset/rule/@id");
    xmlFree(field);
    xmlFreeDoc(doc);
    g_assert_cmpuint(ch.calls, ==, 0);

    req(&fx, "PUT", PR_URI, NULL, NULL, PR_TYPE, rules_doc);
    g_assert_cmpuint(fx.r.status, ==, 201);
    g_assert_cmpuint(ch.calls, ==, 1);
    g_assert_cmpstr(ch.last, ==, "pres-rules " ALICE " index");
    /* a rule put as an element, then a duplicate id by position */
    req(&fx, "PUT", PR_URI "/~~/c:ruleset/c:rule%5b@id=%22b%22%5d" CPQ, NULL, NULL, EL_TYPE,
        "<cr:rule id=\"b\"><cr:actions><pr:sub-handling>block</pr:sub-handling></cr:actions></cr:rule>");
    g_assert_cmpuint(fx.r.status, ==, 201);
    g_assert_cmpuint(ch.calls, ==, 2);
    req(&fx, "PUT", PR_URI "/~~/c:ruleset/c:rule%5b3%5d" CPQ, NULL, NULL, EL_TYPE, "<cr:rule id=\"a\"/>");
    expect_conflict(&fx.r, "uniqueness-failure");
    /* a bad sub-handling value breaks the schema */
    req(&fx, "PUT", PR_URI "/~~/c:ruleset/c:rule%5b@id=%22b%22%5d/c:actions/pr:sub-handling" CPQ "xmlns(pr=urn:ietf:params:xml:ns:pres-rules)",
        NULL, NULL, EL_TYPE, "<pr:sub-handling>maybe</pr:sub-handling>");
    expect_conflict(&fx.r, "schema-validation-error");
    req(&fx, "DELETE", PR_URI "/~~/c:ruleset/c:rule%5b@id=%22b%22%5d" CPQ, NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 200);
    g_assert_cmpuint(ch.calls, ==, 3);
    req(&fx, "DELETE", PR_URI, NULL, NULL, NULL, NULL);
    g_assert_cmpuint(ch.calls, ==, 4);

    /* the direct API validates like a PUT and tells the owner too */
    GError *err = NULL;
    g_assert_false(xcap_server_put_document(fx.srv, "pres-rules", ALICE, "index", "<x/>", 4, &err));
    g_assert_error(err, XCAP_ERROR, XCAP_ERROR_XML);
    g_clear_error(&err);
    g_assert_false(xcap_server_put_document(fx.srv, "nope", ALICE, "index", rules_doc, strlen(rules_doc), &err));
    g_assert_error(err, XCAP_ERROR, XCAP_ERROR_URI);
    g_clear_error(&err);
    g_assert_true(xcap_server_put_document(fx.srv, "pres-rules", ALICE, "index", rules_doc, strlen(rules_doc), &err));
    g_assert_no_error(err);
    g_assert_cmpuint(ch.calls, ==, 5);
    req(&fx, "GET", PR_URI "/~~/c:ruleset/c:rule%5b@id=%22a%22%5d/c:conditions/c:identity/c:one/@id" CPQ, NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 200);
    g_autofree char *who = body_str(&fx.r);
    g_assert_cmpstr(who, ==, "sip:bob@home.net");
    g_free(ch.last);
    fx_clear(&fx);
}

/* ------------------------------------------------------------------ hostile input */

static void test_malformed(void)
{
    Fx fx;
    fx_with_lists(&fx);
    Changes ch = {0};
    xcap_server_set_changed(fx.srv, on_changed, &ch);
    static const char *const not_docs[] = {
        "not xml at all",
        "<resource-lists xmlns=\"urn:ietf:params:xml:ns:resource-lists\"/><resource-lists/>",
        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]>"
        "<resource-lists xmlns=\"urn:ietf:params:xml:ns:resource-lists\">&b;</resource-lists>",
        "<!DOCTYPE r SYSTEM \"file:///etc/passwd\"><r/>",
        "<resource-lists xmlns=\"urn:ietf:params:xml:ns:resource-lists\"><list name=\"a\"></resource-lists>",
        "<p:resource-lists/>",
        "",
    };
    for (guint i = 0; i < G_N_ELEMENTS(not_docs); i++) {
        req(&fx, "PUT", RL_URI, NULL, NULL, RL_TYPE, not_docs[i]);
        expect_conflict(&fx.r, "not-well-formed");
    }
    req(&fx, "PUT", RL_URI, NULL, NULL, RL_TYPE, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><resource-lists/>");
    expect_conflict(&fx.r, "not-utf-8");
    req(&fx, "PUT", RL_URI, NULL, NULL, RL_TYPE, "<resource-lists>\xff\xfe</resource-lists>");
    expect_conflict(&fx.r, "not-utf-8");

    const char *dave = RL_URI "/~~/" FRIENDS "/entry%5b@uri=%22sip:dave@home.net%22%5d";
    static const char *const not_frags[] = {
        "<entry uri=\"sip:dave@home.net\"/><entry uri=\"sip:dave@home.net\"/>",
        "<!DOCTYPE entry [<!ENTITY x \"y\">]><entry uri=\"sip:dave@home.net\"/>",
        "<entry uri=\"sip:dave@home.net\">&x;</entry>",
        "<entry uri=\"sip:dave@home.net\">",
        "text <entry uri=\"sip:dave@home.net\"/>",
        "<?xml version=\"1.0\"?><entry uri=\"sip:dave@home.net\"/>",
        "<q:entry uri=\"sip:dave@home.net\"/>",
        "<entry q:uri=\"sip:dave@home.net\"/>",
        "just text",
        "",
    };
    for (guint i = 0; i < G_N_ELEMENTS(not_frags); i++) {
        req(&fx, "PUT", dave, NULL, NULL, EL_TYPE, not_frags[i]);
        expect_conflict(&fx.r, "not-xml-frag");
    }
    req(&fx, "PUT", dave, NULL, NULL, EL_TYPE, "<entry uri=\"sip:d\xc3\x28@home.net\"/>");
    expect_conflict(&fx.r, "not-utf-8");
    /* whitespace around one element is fine */
    req(&fx, "PUT", dave, NULL, NULL, EL_TYPE, "\n  <entry uri=\"sip:dave@home.net\"/>\n");
    g_assert_cmpuint(fx.r.status, ==, 201);
    g_assert_cmpuint(ch.calls, ==, 1);

    /* mutated bodies: always a well-formed answer, never a crash */
    GRand *rng = g_rand_new_with_seed(4825);
    const char *targets[] = {RL_URI, dave, RL_URI "/~~/" FRIENDS "/@name"};
    const char *types[] = {RL_TYPE, EL_TYPE, ATT_TYPE};
    for (guint i = 0; i < 600; i++) {
        guint t = i % 3;
        const char *seed = t == 0 ? lists_doc : "<entry uri=\"sip:dave@home.net\"><display-name/></entry>";
        gsize n = strlen(seed);
        char *buf = g_malloc(n + 1);
        memcpy(buf, seed, n + 1);
        guint flips = 1 + g_rand_int_range(rng, 0, 4);
        for (guint f = 0; f < flips; f++)
            buf[g_rand_int_range(rng, 0, (gint32)n)] = (char)g_rand_int_range(rng, 1, 256);
        xcap_response_clear(&fx.r);
        xcap_server_handle(fx.srv, "PUT", targets[t], NULL, NULL, types[t], (const uint8_t *)buf, n, &fx.r);
        g_assert_true(fx.r.status == 200 || fx.r.status == 201 || fx.r.status == 409);
        g_free(buf);
    }
    g_rand_free(rng);
    /* hostile URIs */
    static const char *const uris[] = {
        RL_URI "/~~/" FRIENDS "/entry%5b@uri=%22", RL_URI "/~~/%5b%5b%5b", RL_URI "/~~/a/b/c/d/e/f/g/h/@",
        RL_URI "/~~/resource-lists/list%5b4294967297%5d", RL_URI "/~~/resource-lists/namespace::*/x",
        RL_URI "?xmlns(a=b)xmlns(a=c)",
    };
    for (guint i = 0; i < G_N_ELEMENTS(uris); i++) {
        req(&fx, "GET", uris[i], NULL, NULL, NULL, NULL);
        g_assert_true(fx.r.status == 400 || fx.r.status == 404 || fx.r.status == 200);
    }
    req(&fx, "GET", NULL, NULL, NULL, NULL, NULL);
    g_assert_cmpuint(fx.r.status, ==, 404);
    g_free(ch.last);
    fx_clear(&fx);
}

static void test_target_owner(void)
{
    XcapServer *srv = xcap_server_new(ROOT);
    g_assert_cmpstr(xcap_server_root(srv), ==, ROOT);
    char *auid = NULL, *xui = NULL;
    gboolean global = TRUE;
    g_assert_true(xcap_server_target_owner(srv, RL_URI "/~~/" FRIENDS, &auid, &xui, &global));
    g_assert_cmpstr(auid, ==, "resource-lists");
    g_assert_cmpstr(xui, ==, ALICE);
    g_assert_false(global);
    g_free(auid);
    g_free(xui);
    g_assert_true(xcap_server_target_owner(srv, ROOT "/xcap-caps/global/index", &auid, &xui, &global));
    g_assert_cmpstr(auid, ==, "xcap-caps");
    g_assert_null(xui);
    g_assert_true(global);
    g_free(auid);
    g_assert_false(xcap_server_target_owner(srv, "/elsewhere/resource-lists/users/x/index", &auid, &xui, &global));
    g_assert_null(auid);
    g_assert_null(xui);
    g_assert_false(xcap_server_target_owner(srv, ROOT "/resource-lists/users/x", &auid, &xui, &global));
    xcap_server_free(srv);
}

static void test_error_documents(void)
{
    const char *alts[] = {"sip:a2@x", NULL};
    g_autoptr(GBytes) b = xcap_conflict_build(XCAP_CONFLICT_UNIQUENESS_FAILURE, "dup <&>", NULL, "a/b/@c", alts);
    gsize n;
    g_autofree char *s = g_strndup(g_bytes_get_data(b, &n), g_bytes_get_size(b));
    g_assert_nonnull(strstr(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    g_assert_nonnull(strstr(s, "<xcap-error xmlns=\"urn:ietf:params:xml:ns:xcap-error\">"));
    g_assert_nonnull(strstr(s, "<uniqueness-failure phrase=\"dup &lt;&amp;&gt;\">"));
    g_assert_nonnull(strstr(s, "<exists field=\"a/b/@c\">"));
    g_assert_nonnull(strstr(s, "<alt-value>sip:a2@x</alt-value>"));
    for (XcapConflict k = XCAP_CONFLICT_NOT_WELL_FORMED; k <= XCAP_CONFLICT_NOT_UTF_8; k++) {
        XcapResponse r = {.status = 409, .content_type = g_strdup(XCAP_ERROR_CONTENT_TYPE)};
        r.body = xcap_conflict_build(k, NULL, "/x", NULL, NULL);
        expect_conflict(&r, xcap_conflict_name(k));
        xcap_response_clear(&r);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/xcap/uri/parse", test_uri_parse);
    g_test_add_func("/xcap/uri/bad", test_uri_bad);
    g_test_add_func("/xcap/uri/build", test_uri_build);
    g_test_add_func("/xcap/selector/parse", test_selector_parse);
    g_test_add_func("/xcap/error-documents", test_error_documents);
    g_test_add_func("/xcap/documents", test_documents);
    g_test_add_func("/xcap/element/by-attr", test_element_by_attr);
    g_test_add_func("/xcap/element/by-pos", test_element_by_pos);
    g_test_add_func("/xcap/element/delete", test_element_delete);
    g_test_add_func("/xcap/attributes", test_attributes);
    g_test_add_func("/xcap/prefixes", test_prefixes);
    g_test_add_func("/xcap/conditional", test_conditional);
    g_test_add_func("/xcap/pres-rules", test_pres_rules);
    g_test_add_func("/xcap/malformed", test_malformed);
    g_test_add_func("/xcap/target-owner", test_target_owner);
    return g_test_run();
}
