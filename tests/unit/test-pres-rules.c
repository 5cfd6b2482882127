/* test-pres-rules.c: protocols/pidf/pres-rules.h: the RFC 5025 §4 example, evaluation (identity
 * one / many / domain / except, rules without conditions, <sphere> / <validity> never matching, default
 * block, sub-handling combined by its largest value), the transformations applied to a PIDF document
 * (services by service-uri / scheme / occurrence-id / class, persons, devices, activities, notes,
 * location), the builder (parsed back and schema-validated), and malformed and hostile rulesets.
 */
#include "protocols/pidf/pres-rules.h"
#include "tests/unit/xml-schema-check.h"
#include <string.h>

#define RULESET_OPEN                                                                                                   \
    "<cr:ruleset xmlns=\"urn:ietf:params:xml:ns:pres-rules\" xmlns:pr=\"urn:ietf:params:xml:ns:pres-rules\" "      \
    "xmlns:cr=\"urn:ietf:params:xml:ns:common-policy\" xmlns:gp=\"urn:ietf:params:xml:ns:geolocation-policy\">"

static PresRules *rules_ok(const char *text)
{
    GError *error = NULL;
    PresRules *r = pres_rules_parse(text, strlen(text), &error);
    g_assert_no_error(error);
    g_assert_nonnull(r);
    return r;
}

static void rules_fail(const char *text, size_t len, PresRulesError code)
{
    GError *error = NULL;
    PresRules *r = pres_rules_parse(text, len, &error);
    g_assert_null(r);
    g_assert_error(error, PRES_RULES_ERROR, (gint)code);
    g_error_free(error);
}

/* RFC 5025 §4 */
static const char rfc5025_example[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<cr:ruleset xmlns=\"urn:ietf:params:xml:ns:pres-rules\"\n"
    " xmlns:pr=\"urn:ietf:params:xml:ns:pres-rules\"\n"
    " xmlns:cr=\"urn:ietf:params:xml:ns:common-policy\">\n"
    " <cr:rule id=\"a\">\n"
    "  <cr:conditions>\n"
    "   <cr:identity>\n"
    "    <cr:one id=\"sip:user@example.com\"/>\n"
    "   </cr:identity>\n"
    "  </cr:conditions>\n"
    "  <cr:actions>\n"
    "   <pr:sub-handling>allow</pr:sub-handling>\n"
    "  </cr:actions>\n"
    "  <cr:transformations>\n"
    "   <pr:provide-services>\n"
    "     <pr:service-uri-scheme>sip</pr:service-uri-scheme>\n"
    "     <pr:service-uri-scheme>mailto</pr:service-uri-scheme>\n"
    "   </pr:provide-services>\n"
    "   <pr:provide-persons>\n"
    "     <pr:all-persons/>\n"
    "   </pr:provide-persons>\n"
    "   <pr:provide-activities>true</pr:provide-activities>\n"
    "   <pr:provide-user-input>bare</pr:provide-user-input>\n"
    "   <pr:provide-unknown-attribute\n"
    "      ns=\"urn:vendor-specific:foo-namespace\"\n"
    "      name=\"foo\">true</pr:provide-unknown-attribute>\n"
    "  </cr:transformations>\n"
    " </cr:rule>\n"
    "</cr:ruleset>\n";

static void test_rfc5025_example(void)
{
    schema_validate("pres-rules-all.xsd", rfc5025_example);
    g_autoptr(PresRules) r = rules_ok(rfc5025_example);
    g_assert_cmpuint(pres_rules_count(r), ==, 1);
    g_autoptr(PresPermissions) p = pres_rules_evaluate(r, "sip:user@EXAMPLE.com");
    g_assert_true(p->matched);
    g_assert_cmpint(p->sub_handling, ==, PRES_SUB_ALLOW);
    g_assert_false(p->all_services);
    g_assert_true(p->all_persons);
    g_assert_true(p->activities);
    g_assert_false(p->note);
    g_assert_false(p->location);
    g_assert_cmpuint(p->service_uris->len, ==, 2);
    g_assert_cmpstr(p->service_uris->pdata[0], ==, "sip:");
    g_assert_cmpstr(p->service_uris->pdata[1], ==, "mailto:");
    g_autoptr(PresPermissions) other = pres_rules_evaluate(r, "sip:User@example.com"); /* user part exact */
    g_assert_false(other->matched);
    g_assert_cmpint(other->sub_handling, ==, PRES_SUB_BLOCK);
    g_assert_cmpstr(pres_sub_handling_name(PRES_SUB_POLITE_BLOCK), ==, "polite-block");
}

/* ---- evaluation ------------------------------------------------------------------------------ */

static const char identity_rules[] =
    RULESET_OPEN
    "<cr:rule id=\"one\"><cr:conditions><cr:identity><cr:one id=\"sip:bob@visited.example.org\"/>"
    "<cr:one id=\"tel:+15551234\"/></cr:identity></cr:conditions>"
    "<cr:actions><pr:sub-handling>confirm</pr:sub-handling></cr:actions></cr:rule>"
    "<cr:rule id=\"dom\"><cr:conditions><cr:identity><cr:many domain=\"home.example.net\">"
    "<cr:except id=\"sip:mallory@home.example.net\"/></cr:many></cr:identity></cr:conditions>"
    "<cr:actions><pr:sub-handling>allow</pr:sub-handling></cr:actions></cr:rule>"
    "<cr:rule id=\"any\"><cr:conditions><cr:identity><cr:many><cr:except domain=\"evil.example\"/>"
    "<cr:except id=\"sip:eve@example.org\"/></cr:many></cr:identity></cr:conditions>"
    "<cr:actions><pr:sub-handling>polite-block</pr:sub-handling></cr:actions></cr:rule>"
    "<cr:rule id=\"sphere\"><cr:conditions><cr:sphere value=\"work\"/></cr:conditions>"
    "<cr:actions><pr:sub-handling>allow</pr:sub-handling></cr:actions></cr:rule>"
    "<cr:rule id=\"validity\"><cr:conditions><cr:validity><cr:from>2003-01-01T00:00:00Z</cr:from>"
    "<cr:until>2030-01-01T00:00:00Z</cr:until></cr:validity></cr:conditions>"
    "<cr:actions><pr:sub-handling>allow</pr:sub-handling></cr:actions></cr:rule>"
    "<cr:rule id=\"mixed\"><cr:conditions><cr:identity><cr:one id=\"sip:eve@example.org\"/></cr:identity>"
    "<cr:sphere value=\"home\"/></cr:conditions>"
    "<cr:actions><pr:sub-handling>allow</pr:sub-handling></cr:actions></cr:rule>"
    "</cr:ruleset>";

static PresSubHandling handling_of(const PresRules *r, const char *watcher, gboolean *matched)
{
    g_autoptr(PresPermissions) p = pres_rules_evaluate(r, watcher);
    *matched = p->matched;
    return p->sub_handling;
}

static void test_identity(void)
{
    schema_validate("pres-rules-all.xsd", identity_rules);
    g_autoptr(PresRules) r = rules_ok(identity_rules);
    g_assert_cmpuint(pres_rules_count(r), ==, 6);
    gboolean m;
    /* one + any: max(confirm, polite-block) */
    g_assert_cmpint(handling_of(r, "sip:bob@VISITED.example.org", &m), ==, PRES_SUB_POLITE_BLOCK);
    g_assert_true(m);
    g_assert_cmpint(handling_of(r, "tel:+15551234", &m), ==, PRES_SUB_POLITE_BLOCK);
    /* many domain: allow */
    g_assert_cmpint(handling_of(r, "sip:carol@Home.Example.Net", &m), ==, PRES_SUB_ALLOW);
    /* excepted from the domain, still in "any" */
    g_assert_cmpint(handling_of(r, "sip:mallory@home.example.net", &m), ==, PRES_SUB_POLITE_BLOCK);
    /* excepted everywhere; the sphere in "mixed" keeps it from matching */
    g_assert_cmpint(handling_of(r, "sip:eve@example.org", &m), ==, PRES_SUB_BLOCK);
    g_assert_false(m);
    g_assert_cmpint(handling_of(r, "sip:x@evil.example", &m), ==, PRES_SUB_BLOCK);
    g_assert_false(m);
    g_assert_cmpint(handling_of(r, "sip:x@EVIL.example;transport=udp", &m), ==, PRES_SUB_BLOCK);
    /* no watcher identity: only rules without conditions could match */
    g_assert_cmpint(handling_of(r, NULL, &m), ==, PRES_SUB_BLOCK);
    g_assert_false(m);
    /* no rules: block */
    g_autoptr(PresPermissions) none = pres_rules_evaluate(NULL, "sip:a@b");
    g_assert_false(none->matched);
    g_assert_cmpint(none->sub_handling, ==, PRES_SUB_BLOCK);
    g_assert_false(none->all_services || none->location || none->note);
}

static void test_combine(void)
{
    /* four rules for everybody, in an order where the largest is not last */
    static const char text[] = RULESET_OPEN
        "<cr:rule id=\"r1\"><cr:actions><pr:sub-handling>confirm</pr:sub-handling></cr:actions>"
        "<cr:transformations><pr:provide-services><pr:service-uri>sip:alice@ue1</pr:service-uri>"
        "</pr:provide-services><pr:provide-note>false</pr:provide-note></cr:transformations></cr:rule>"
        "<cr:rule id=\"r2\"><cr:conditions/><cr:actions><pr:sub-handling>allow</pr:sub-handling></cr:actions>"
        "<cr:transformations><pr:provide-services><pr:occurrence-id>t2</pr:occurrence-id></pr:provide-services>"
        "<pr:provide-note>1</pr:provide-note></cr:transformations></cr:rule>"
        "<cr:rule id=\"r3\"><cr:actions><pr:sub-handling>polite-block</pr:sub-handling></cr:actions>"
        "<cr:transformations><pr:provide-devices><pr:deviceID>urn:uuid:d</pr:deviceID>"
        "<pr:class>car</pr:class></pr:provide-devices></cr:transformations></cr:rule>"
        "<cr:rule id=\"r4\"><cr:actions><pr:sub-handling>block</pr:sub-handling></cr:actions>"
        "<cr:transformations><pr:provide-services><pr:service-uri>sip:alice@ue1</pr:service-uri>"
        "</pr:provide-services></cr:transformations></cr:rule>"
        "</cr:ruleset>";
    schema_validate("pres-rules-all.xsd", text);
    g_autoptr(PresRules) r = rules_ok(text);
    g_autoptr(PresPermissions) p = pres_rules_evaluate(r, "sip:anyone@anywhere.example");
    g_assert_true(p->matched);
    g_assert_cmpint(p->sub_handling, ==, PRES_SUB_ALLOW);
    g_assert_true(p->note); /* false OR true */
    g_assert_cmpuint(p->service_uris->len, ==, 1); /* union without duplicates */
    g_assert_cmpuint(p->occurrence_ids->len, ==, 1);
    g_assert_cmpuint(p->device_ids->len, ==, 1);
    g_assert_cmpuint(p->classes->len, ==, 1);
    /* each pair: max */
    const char *names[] = {"block", "confirm", "polite-block", "allow"};
    for (guint a = 0; a < 4; a++)
        for (guint b = 0; b < 4; b++) {
            g_autofree char *t = g_strdup_printf(
                RULESET_OPEN "<cr:rule id=\"a\"><cr:actions><pr:sub-handling>%s</pr:sub-handling></cr:actions>"
                             "</cr:rule><cr:rule id=\"b\"><cr:actions><pr:sub-handling> %s </pr:sub-handling>"
                             "</cr:actions></cr:rule></cr:ruleset>",
                names[a], names[b]);
            g_autoptr(PresRules) rr = rules_ok(t);
            g_autoptr(PresPermissions) pp = pres_rules_evaluate(rr, "sip:w@x");
            g_assert_cmpint(pp->sub_handling, ==, (gint)MAX(a, b) * 10);
        }
}

/* ---- applying -------------------------------------------------------------------------------- */

static PidfDoc *sample_doc(void)
{
    PidfDoc *doc = pidf_doc_new("sip:alice@home.example.net");
    PidfTuple *t1 = pidf_doc_add_tuple(doc, "t1", "open");
    t1->contact = g_strdup("sip:alice@ue1.home.example.net");
    t1->note = g_strdup("voice note");
    t1->service_class = g_strdup("business");
    t1->device_id = g_strdup("urn:uuid:d");
    PidfGeopriv geo = {.has_point = TRUE, .latitude = 51.5, .longitude = -0.12, .method = "GPS"};
    pidf_tuple_set_geopriv(t1, &geo);
    PidfTuple *t2 = pidf_doc_add_tuple(doc, "t2", "closed");
    t2->contact = g_strdup("mailto:alice@home.example.net");
    PidfTuple *t3 = pidf_doc_add_tuple(doc, "t3", "open");
    t3->contact = g_strdup("im:alice@home.example.net");
    t3->service_class = g_strdup("personal");
    PidfPerson *p = pidf_doc_add_person(doc, "p1");
    pidf_person_add_activity(p, "busy");
    p->note = g_strdup("person note");
    p->place_type = g_strdup("home");
    pidf_doc_add_person(doc, "p2");
    pidf_doc_add_device(doc, "d1", "urn:uuid:d")->note = g_strdup("device note");
    pidf_doc_add_device(doc, "d2", "urn:uuid:e");
    g_ptr_array_add(doc->notes, g_strdup("doc note"));
    return doc;
}

static PidfDoc *apply_rules(const char *transformations, const PidfDoc *doc)
{
    g_autofree char *text = g_strdup_printf(RULESET_OPEN "<cr:rule id=\"r\"><cr:actions><pr:sub-handling>allow"
                                                         "</pr:sub-handling></cr:actions><cr:transformations>%s"
                                                         "</cr:transformations></cr:rule></cr:ruleset>",
                                            transformations);
    schema_validate("pres-rules-all.xsd", text);
    g_autoptr(PresRules) r = rules_ok(text);
    g_autoptr(PresPermissions) p = pres_rules_evaluate(r, "sip:bob@example.org");
    PidfDoc *out = pres_permissions_apply(p, doc);
    g_assert_nonnull(out);
    g_assert_cmpstr(out->entity, ==, doc->entity);
    g_autofree char *printed = pidf_doc_print(out, NULL, NULL);
    schema_validate("pidf-all.xsd", printed);
    return out;
}

static char *ids_of(const PidfDoc *d)
{
    GString *s = g_string_new("");
    for (guint i = 0; i < d->tuples->len; i++)
        g_string_append_printf(s, "%s ", ((PidfTuple *)d->tuples->pdata[i])->id);
    for (guint i = 0; i < d->persons->len; i++)
        g_string_append_printf(s, "%s ", ((PidfPerson *)d->persons->pdata[i])->id);
    for (guint i = 0; i < d->devices->len; i++)
        g_string_append_printf(s, "%s ", ((PidfDevice *)d->devices->pdata[i])->id);
    return g_strchomp(g_string_free(s, FALSE));
}

#define EXPECT_IDS(doc, ids)                                                                                           \
    do {                                                                                                               \
        g_autofree char *got_ = ids_of(doc);                                                                           \
        g_assert_cmpstr(got_, ==, ids);                                                                                \
    } while (0)

static void test_apply(void)
{
    g_autoptr(PidfDoc) doc = sample_doc();

    /* nothing granted: an empty document for the entity */
    g_autoptr(PidfDoc) nothing = apply_rules("", doc);
    EXPECT_IDS(nothing, "");
    g_assert_cmpuint(nothing->notes->len, ==, 0);

    /* provide-services variants */
    g_autoptr(PidfDoc) by_uri =
        apply_rules("<pr:provide-services><pr:service-uri>mailto:alice@home.example.net</pr:service-uri>"
                    "</pr:provide-services>",
                    doc);
    EXPECT_IDS(by_uri, "t2");
    g_autoptr(PidfDoc) by_scheme = apply_rules(
        "<pr:provide-services><pr:service-uri-scheme>SIP</pr:service-uri-scheme></pr:provide-services>", doc);
    EXPECT_IDS(by_scheme, "t1");
    g_autoptr(PidfDoc) by_occ =
        apply_rules("<pr:provide-services><pr:occurrence-id>t3</pr:occurrence-id></pr:provide-services>"
                    "<pr:provide-persons><pr:occurrence-id>p2</pr:occurrence-id></pr:provide-persons>"
                    "<pr:provide-devices><pr:occurrence-id>d2</pr:occurrence-id></pr:provide-devices>",
                    doc);
    EXPECT_IDS(by_occ, "t3 p2 d2");
    g_autoptr(PidfDoc) by_class = apply_rules(
        "<pr:provide-services><pr:class>personal</pr:class></pr:provide-services>"
        "<pr:provide-devices><pr:deviceID>urn:uuid:d</pr:deviceID></pr:provide-devices>",
        doc);
    EXPECT_IDS(by_class, "t3 d1");

    /* everything but attributes: activities, notes, location, class stripped */
    g_autoptr(PidfDoc) all = apply_rules("<pr:provide-services><pr:all-services/></pr:provide-services>"
                                         "<pr:provide-persons><pr:all-persons/></pr:provide-persons>"
                                         "<pr:provide-devices><pr:all-devices/></pr:provide-devices>",
                                         doc);
    EXPECT_IDS(all, "t1 t2 t3 p1 p2 d1 d2");
    const PidfTuple *t1 = all->tuples->pdata[0];
    g_assert_cmpstr(t1->basic, ==, "open");
    g_assert_cmpstr(t1->contact, ==, "sip:alice@ue1.home.example.net");
    g_assert_null(t1->note);
    g_assert_null(t1->geopriv);
    g_assert_null(t1->service_class);
    g_assert_null(t1->device_id);
    const PidfPerson *p1 = all->persons->pdata[0];
    g_assert_cmpuint(p1->activities->len, ==, 0);
    g_assert_null(p1->note);
    g_assert_null(p1->place_type);
    g_assert_null(((PidfDevice *)all->devices->pdata[0])->note);
    g_assert_cmpstr(((PidfDevice *)all->devices->pdata[0])->device_id, ==, "urn:uuid:d");
    g_assert_cmpuint(all->notes->len, ==, 0);
    /* the printed XML has no location at all */
    g_autofree char *printed = pidf_doc_print(all, NULL, NULL);
    g_assert_null(strstr(printed, "geopriv"));
    g_assert_null(strstr(printed, "gml"));
    g_assert_null(strstr(printed, "51.5"));

    /* with activities, notes and location (RFC 6772 element) */
    g_autoptr(PidfDoc) rich = apply_rules("<pr:provide-services><pr:all-services/></pr:provide-services>"
                                          "<pr:provide-persons><pr:all-persons/></pr:provide-persons>"
                                          "<pr:provide-activities>true</pr:provide-activities>"
                                          "<pr:provide-note>true</pr:provide-note>"
                                          "<gp:provide-location profile=\"geodetic-transformation\"/>",
                                          doc);
    t1 = rich->tuples->pdata[0];
    g_assert_cmpstr(t1->note, ==, "voice note");
    g_assert_nonnull(t1->geopriv);
    g_assert_cmpfloat(t1->geopriv->latitude, ==, 51.5);
    g_assert_cmpuint(((PidfPerson *)rich->persons->pdata[0])->activities->len, ==, 1);
    g_assert_cmpstr(((PidfPerson *)rich->persons->pdata[0])->note, ==, "person note");
    g_assert_cmpuint(rich->notes->len, ==, 1);
    g_assert_cmpuint(rich->devices->len, ==, 0);
    g_autofree char *rich_text = pidf_doc_print(rich, NULL, NULL);
    g_assert_nonnull(strstr(rich_text, "<gml:pos>51.5 -0.12</gml:pos>"));

    /* provide-all-attributes keeps class, deviceID, place-type, activities and notes, not location */
    g_autoptr(PidfDoc) attrs = apply_rules("<pr:provide-services><pr:all-services/></pr:provide-services>"
                                           "<pr:provide-persons><pr:all-persons/></pr:provide-persons>"
                                           "<pr:provide-all-attributes/>",
                                           doc);
    t1 = attrs->tuples->pdata[0];
    g_assert_cmpstr(t1->service_class, ==, "business");
    g_assert_cmpstr(t1->device_id, ==, "urn:uuid:d");
    g_assert_cmpstr(t1->note, ==, "voice note");
    g_assert_null(t1->geopriv);
    g_assert_cmpstr(((PidfPerson *)attrs->persons->pdata[0])->place_type, ==, "home");

    /* the older pr:provide-geopriv: "full" grants, anything else does not (not schema-valid in RFC
     * 5025, so parsed without apply_rules' validation) */
    const char *geopriv[] = {"full", "false", "city"};
    for (guint i = 0; i < G_N_ELEMENTS(geopriv); i++) {
        g_autofree char *t = g_strdup_printf(RULESET_OPEN "<cr:rule id=\"g\"><cr:transformations>"
                                                          "<pr:provide-services><pr:all-services/></pr:provide-services>"
                                                          "<pr:provide-geopriv>%s</pr:provide-geopriv>"
                                                          "</cr:transformations></cr:rule></cr:ruleset>",
                                             geopriv[i]);
        g_autoptr(PresRules) r = rules_ok(t);
        g_autoptr(PresPermissions) p = pres_rules_evaluate(r, "sip:w@x");
        g_assert_cmpint(p->sub_handling, ==, PRES_SUB_BLOCK); /* no sub-handling in the rule */
        g_assert_true(p->matched);
        g_assert_cmpint(p->location, ==, i == 0);
        g_autoptr(PidfDoc) out = pres_permissions_apply(p, doc);
        g_assert_cmpint(pidf_doc_has_location(out), ==, i == 0);
    }
}

/* ---- builder --------------------------------------------------------------------------------- */

static void test_builder(void)
{
    PresRulesBuilder *b = pres_rules_builder_new();
    const char *const friends[] = {"sip:bob@visited.example.org", "sip:carol@home.example.net", NULL};
    pres_rules_builder_add(b, "friends", friends, NULL, PRES_SUB_ALLOW, TRUE);
    pres_rules_builder_add(b, "home", NULL, "home.example.net", PRES_SUB_CONFIRM, FALSE);
    pres_rules_builder_add(b, "everyone", NULL, NULL, PRES_SUB_BLOCK, FALSE);
    size_t len = 0;
    g_autofree char *text = pres_rules_builder_finish(b, &len);
    g_assert_nonnull(text);
    g_assert_cmpuint(len, ==, strlen(text));
    schema_validate("pres-rules-all.xsd", text);
    GError *error = NULL;
    g_autoptr(PresRules) r = pres_rules_parse(text, len, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(pres_rules_count(r), ==, 3);

    g_autoptr(PresPermissions) bob = pres_rules_evaluate(r, "sip:bob@visited.example.org");
    g_assert_cmpint(bob->sub_handling, ==, PRES_SUB_ALLOW);
    g_assert_true(bob->location && bob->all_services && bob->all_persons && bob->all_devices && bob->activities &&
                  bob->note);
    g_autoptr(PresPermissions) dave = pres_rules_evaluate(r, "sip:dave@home.example.net");
    g_assert_cmpint(dave->sub_handling, ==, PRES_SUB_CONFIRM);
    g_assert_false(dave->location);
    g_autoptr(PresPermissions) eve = pres_rules_evaluate(r, "sip:eve@elsewhere.example");
    g_assert_true(eve->matched);
    g_assert_cmpint(eve->sub_handling, ==, PRES_SUB_BLOCK);

    g_autoptr(PidfDoc) doc = sample_doc();
    g_autoptr(PidfDoc) for_bob = pres_permissions_apply(bob, doc);
    g_assert_true(pidf_doc_has_location(for_bob));
    g_autoptr(PidfDoc) for_dave = pres_permissions_apply(dave, doc);
    g_assert_false(pidf_doc_has_location(for_dave));
    g_assert_cmpuint(for_dave->tuples->len, ==, 3);

    g_autofree char *empty = pres_rules_builder_finish(pres_rules_builder_new(), NULL);
    schema_validate("pres-rules-all.xsd", empty);
    g_autoptr(PresRules) e = rules_ok(empty);
    g_assert_cmpuint(pres_rules_count(e), ==, 0);
}

/* ---- malformed and hostile ------------------------------------------------------------------- */

static void test_malformed(void)
{
#define FAILS(text, code) rules_fail(text, strlen(text), code)
    FAILS("<ruleset/>", PRES_RULES_ERROR_INVALID);
    FAILS("<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"pres:a@b\"/>", PRES_RULES_ERROR_INVALID);
    FAILS(RULESET_OPEN "<cr:rule><cr:actions/></cr:rule></cr:ruleset>", PRES_RULES_ERROR_INVALID);
    FAILS(RULESET_OPEN "<cr:rule id=\"a\"><cr:actions><pr:sub-handling>maybe</pr:sub-handling></cr:actions>"
                       "</cr:rule></cr:ruleset>",
          PRES_RULES_ERROR_INVALID);
    FAILS(RULESET_OPEN "<cr:rule id=\"a\"><cr:conditions><cr:identity><cr:one/></cr:identity></cr:conditions>"
                       "</cr:rule></cr:ruleset>",
          PRES_RULES_ERROR_INVALID);
    FAILS(RULESET_OPEN "<cr:rule id=\"a\"><cr:transformations><pr:provide-note>yes</pr:provide-note>"
                       "</cr:transformations></cr:rule></cr:ruleset>",
          PRES_RULES_ERROR_INVALID);
    FAILS(RULESET_OPEN "<cr:rule id=\"a\">", PRES_RULES_ERROR_XML);
    FAILS("", PRES_RULES_ERROR_XML);
    size_t n = strlen(rfc5025_example);
    for (size_t cut = 1; cut < n - 15; cut += 5)
        rules_fail(rfc5025_example, cut, PRES_RULES_ERROR_XML);

    /* entity bomb and external entity: refused, nothing loaded */
    guint refused = schema_loader_refused;
    FAILS("<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
          "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]>" RULESET_OPEN
          "<cr:rule id=\"&d;\"/></cr:ruleset>",
          PRES_RULES_ERROR_XML);
    FAILS("<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>" RULESET_OPEN
          "<cr:rule id=\"a\"><cr:conditions><cr:identity><cr:one id=\"&x;\"/></cr:identity></cr:conditions>"
          "</cr:rule></cr:ruleset>",
          PRES_RULES_ERROR_XML);
    g_assert_cmpuint(schema_loader_refused, ==, refused);

    char *huge = g_malloc0(PRES_RULES_MAX_SIZE + 1);
    memset(huge, ' ', PRES_RULES_MAX_SIZE + 1);
    rules_fail(huge, PRES_RULES_MAX_SIZE + 1, PRES_RULES_ERROR_TOO_LARGE);
    g_free(huge);
    GString *many = g_string_new(RULESET_OPEN);
    for (int i = 0; i < 2000; i++)
        g_string_append_printf(many, "<cr:rule id=\"r%d\"/>", i);
    g_string_append(many, "</cr:ruleset>");
    rules_fail(many->str, many->len, PRES_RULES_ERROR_TOO_LARGE);
    g_string_free(many, TRUE);

    /* unknown conditions: the rule never matches; unknown actions and transformations are ignored */
    g_autoptr(PresRules) r = rules_ok(RULESET_OPEN "<cr:rule id=\"u\"><cr:conditions><x:other xmlns:x=\"urn:x\"/>"
                                                   "</cr:conditions><cr:actions><pr:sub-handling>allow"
                                                   "</pr:sub-handling></cr:actions></cr:rule>"
                                                   "<cr:rule id=\"v\"><cr:actions><x:y xmlns:x=\"urn:x\"/></cr:actions>"
                                                   "<cr:transformations><x:z xmlns:x=\"urn:x\">1</x:z>"
                                                   "</cr:transformations></cr:rule></cr:ruleset>");
    g_autoptr(PresPermissions) p = pres_rules_evaluate(r, "sip:w@x");
    g_assert_true(p->matched); /* rule v */
    g_assert_cmpint(p->sub_handling, ==, PRES_SUB_BLOCK);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    schema_check_init();
    g_test_add_func("/pres-rules/rfc5025-example", test_rfc5025_example);
    g_test_add_func("/pres-rules/identity", test_identity);
    g_test_add_func("/pres-rules/combine", test_combine);
    g_test_add_func("/pres-rules/apply", test_apply);
    g_test_add_func("/pres-rules/builder", test_builder);
    g_test_add_func("/pres-rules/malformed", test_malformed);
    return g_test_run();
}
