/* test-pidf.c: protocols/pidf/pidf.h: the RFC examples parsed (RFC 3863 §5, RFC 4480, RFC 4119 /
 * RFC 5491), print -> schema validation -> parse round trips, composition (newer wins, then priority,
 * then source order; notes unioned), the neutral document, timestamps, and malformed and hostile
 * input (truncated, wrong root or namespace, entity bombs, external entities, oversize, 10k tuples).
 */
#include "protocols/pidf/pidf.h"
#include "tests/unit/xml-schema-check.h"
#include <string.h>

static PidfDoc *parse_ok(const char *text)
{
    GError *error = NULL;
    PidfDoc *doc = pidf_doc_parse(text, strlen(text), &error);
    g_assert_no_error(error);
    g_assert_nonnull(doc);
    return doc;
}

static void parse_fails(const char *text, size_t len, PidfError code)
{
    GError *error = NULL;
    PidfDoc *doc = pidf_doc_parse(text, len, &error);
    g_assert_null(doc);
    g_assert_error(error, PIDF_ERROR, (gint)code);
    g_assert_nonnull(error->message);
    g_error_free(error);
}

/* Prints, validates against the RFC schemas, parses back, checks equality; returns the text. */
static char *round_trip(const PidfDoc *doc)
{
    GError *error = NULL;
    size_t len = 0;
    char *text = pidf_doc_print(doc, &len, &error);
    g_assert_no_error(error);
    g_assert_nonnull(text);
    g_assert_cmpuint(len, ==, strlen(text));
    schema_validate("pidf-all.xsd", text);
    g_autoptr(PidfDoc) back = parse_ok(text);
    g_assert_true(pidf_doc_equal(doc, back));
    g_autofree char *again = pidf_doc_print(back, NULL, &error);
    g_assert_cmpstr(again, ==, text);
    return text;
}

/* ---- timestamps ------------------------------------------------------------------------------ */

static void test_timestamp(void)
{
    g_autofree char *a = pidf_timestamp_format(G_GINT64_CONSTANT(1500000000));
    g_assert_cmpstr(a, ==, "2003-01-01T00:00:01.500000000Z");
    g_autofree char *b = pidf_timestamp_format(0);
    g_assert_cmpstr(b, ==, "2003-01-01T00:00:00.000000000Z");
    g_autofree char *c = pidf_timestamp_format(G_GINT64_CONSTANT(86400) * 366 * 1000000000 + 7);
    g_assert_cmpstr(c, ==, "2004-01-02T00:00:00.000000007Z");

    gint64 ns = -1;
    g_assert_true(pidf_timestamp_parse(a, &ns));
    g_assert_cmpint(ns, ==, 1500000000);
    g_assert_true(pidf_timestamp_parse(c, &ns));
    g_assert_cmpint(ns, ==, G_GINT64_CONSTANT(86400) * 366 * 1000000000 + 7);
    g_assert_true(pidf_timestamp_parse("2003-01-01T00:00:02Z", &ns));
    g_assert_cmpint(ns, ==, 2000000000);
    g_assert_true(pidf_timestamp_parse("2003-01-01T00:01:00.25+00:00", &ns));
    g_assert_cmpint(ns, ==, 60250000000);
    g_assert_true(pidf_timestamp_parse("2003-01-01T00:00:00.1234567891Z", &ns)); /* extra digits cut */
    g_assert_cmpint(ns, ==, 123456789);
    const char *bad[] = {"2002-12-31T23:59:59Z", "2003-01-01T00:00:00+01:00", "2003-01-01T00:00:00", "2003-01-01",
                         "2003-13-01T00:00:00Z", "2003-02-30T00:00:00Z", "2003-01-01T24:00:00Z", "2003-01-01T00:00:00.Z",
                         "9999-01-01T00:00:00Z", "", "garbage", "2003-01-01T00:00:00Zjunk"};
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++)
        g_assert_false(pidf_timestamp_parse(bad[i], &ns));
    g_assert_false(pidf_timestamp_parse(NULL, &ns));
    /* every format parses back */
    for (gint64 t = 0; t < G_GINT64_CONSTANT(400) * 86400 * 1000000000; t += G_GINT64_CONSTANT(7777777777777)) {
        g_autofree char *s = pidf_timestamp_format(t);
        g_assert_true(pidf_timestamp_parse(s, &ns));
        g_assert_cmpint(ns, ==, t);
    }
}

/* ---- RFC examples ---------------------------------------------------------------------------- */

/* RFC 3863 §5 */
static const char rfc3863_example[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\"\n"
    "    xmlns:im=\"urn:ietf:params:xml:ns:pidf:im\"\n"
    "    xmlns:myex=\"http://id.example.com/presence/\"\n"
    "    entity=\"pres:someone@example.com\">\n"
    "  <tuple id=\"bs35r9\">\n"
    "    <status>\n"
    "      <basic>open</basic>\n"
    "      <im:im>busy</im:im>\n"
    "      <myex:location>home</myex:location>\n"
    "    </status>\n"
    "    <contact priority=\"0.8\">im:someone@mobilecarrier.net</contact>\n"
    "    <note xml:lang=\"en\">Don't Disturb Please!</note>\n"
    "    <note xml:lang=\"fr\">Ne derangez pas, s'il vous plait</note>\n"
    "    <timestamp>2001-10-27T16:49:29Z</timestamp>\n"
    "  </tuple>\n"
    "  <tuple id=\"eg92n8\">\n"
    "    <status>\n"
    "      <basic>open</basic>\n"
    "    </status>\n"
    "    <contact priority=\"1.0\">mailto:someone@example.com</contact>\n"
    "  </tuple>\n"
    "  <note>I'll be in Tokyo next week</note>\n"
    "</presence>\n";

static void test_rfc3863(void)
{
    schema_validate("pidf-all.xsd", rfc3863_example);
    g_autoptr(PidfDoc) doc = parse_ok(rfc3863_example);
    g_assert_cmpstr(doc->entity, ==, "pres:someone@example.com");
    g_assert_cmpuint(doc->tuples->len, ==, 2);
    const PidfTuple *t = doc->tuples->pdata[0];
    g_assert_cmpstr(t->id, ==, "bs35r9");
    g_assert_cmpstr(t->basic, ==, "open");
    g_assert_cmpstr(t->contact, ==, "im:someone@mobilecarrier.net");
    g_assert_cmpfloat(t->contact_priority, ==, 0.8);
    g_assert_cmpstr(t->note, ==, "Don't Disturb Please!"); /* the first note is kept */
    g_assert_cmpstr(t->timestamp, ==, "2001-10-27T16:49:29Z");
    g_assert_null(t->geopriv);
    t = doc->tuples->pdata[1];
    g_assert_cmpfloat(t->contact_priority, ==, 1.0);
    g_assert_null(t->note);
    g_assert_cmpuint(doc->notes->len, ==, 1);
    g_assert_cmpstr(doc->notes->pdata[0], ==, "I'll be in Tokyo next week");
    g_assert_true(pidf_doc_find_tuple(doc, "eg92n8") == doc->tuples->pdata[1]);
    g_assert_null(pidf_doc_find_tuple(doc, "nope"));
    g_free(round_trip(doc));
}

/* RFC 4480 §3 example (persons, devices and RPID elements; the unknown ones are skipped). */
static const char rfc4480_example[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\"\n"
    "   xmlns:dm=\"urn:ietf:params:xml:ns:pidf:data-model\"\n"
    "   xmlns:lt=\"urn:ietf:params:xml:ns:location-type\"\n"
    "   xmlns:rpid=\"urn:ietf:params:xml:ns:pidf:rpid\"\n"
    "   entity=\"pres:someone@example.com\">\n"
    "  <tuple id=\"bs35r9\">\n"
    "    <status><basic>open</basic></status>\n"
    "    <dm:deviceID>urn:device:0003ba4811e3</dm:deviceID>\n"
    "    <rpid:relationship><rpid:self/></rpid:relationship>\n"
    "    <rpid:service-class><rpid:electronic/></rpid:service-class>\n"
    "    <contact priority=\"0.8\">im:someone@mobilecarrier.net</contact>\n"
    "    <note xml:lang=\"en\">Don't Disturb Please!</note>\n"
    "    <timestamp>2005-10-27T16:49:29Z</timestamp>\n"
    "  </tuple>\n"
    "  <dm:person id=\"pers1\">\n"
    "    <rpid:activities from=\"2005-05-30T12:00:00+05:00\" until=\"2005-05-30T17:00:00+05:00\">\n"
    "      <rpid:note>Far away</rpid:note>\n"
    "      <rpid:away/>\n"
    "    </rpid:activities>\n"
    "    <rpid:class>calendar</rpid:class>\n"
    "    <rpid:mood><rpid:angry/><rpid:other>brooding</rpid:other></rpid:mood>\n"
    "    <rpid:place-is><rpid:audio><rpid:noisy/></rpid:audio></rpid:place-is>\n"
    "    <rpid:place-type><lt:residence/></rpid:place-type>\n"
    "    <rpid:privacy><rpid:unknown/></rpid:privacy>\n"
    "    <rpid:status-icon>http://example.com/play.gif</rpid:status-icon>\n"
    "    <rpid:time-offset>-240</rpid:time-offset>\n"
    "    <dm:note>Scoring 120</dm:note>\n"
    "    <dm:timestamp>2005-05-30T16:09:44+05:00</dm:timestamp>\n"
    "  </dm:person>\n"
    "  <dm:device id=\"pc122\">\n"
    "    <rpid:user-input idle-threshold=\"600\" last-input=\"2004-10-21T13:20:00-05:00\">idle</rpid:user-input>\n"
    "    <dm:deviceID>urn:device:0003ba4811e3</dm:deviceID>\n"
    "    <dm:note>PC</dm:note>\n"
    "  </dm:device>\n"
    "</presence>\n";

static void test_rfc4480(void)
{
    schema_validate("pidf-all.xsd", rfc4480_example);
    g_autoptr(PidfDoc) doc = parse_ok(rfc4480_example);
    const PidfTuple *t = doc->tuples->pdata[0];
    g_assert_cmpstr(t->device_id, ==, "urn:device:0003ba4811e3");
    g_assert_null(t->service_class);
    g_assert_cmpuint(doc->persons->len, ==, 1);
    const PidfPerson *p = pidf_doc_find_person(doc, "pers1");
    g_assert_nonnull(p);
    g_assert_cmpuint(p->activities->len, ==, 1);
    g_assert_cmpstr(p->activities->pdata[0], ==, "away");
    g_assert_cmpstr(p->place_type, ==, "residence");
    g_assert_cmpstr(p->note, ==, "Scoring 120");
    g_assert_cmpstr(p->timestamp, ==, "2005-05-30T16:09:44+05:00");
    const PidfDevice *d = pidf_doc_find_device(doc, "pc122");
    g_assert_nonnull(d);
    g_assert_cmpstr(d->device_id, ==, "urn:device:0003ba4811e3");
    g_assert_cmpstr(d->note, ==, "PC");
    g_assert_null(d->timestamp);
    g_free(round_trip(doc));
}

/* RFC 4119 §2.2.2 civic example (its civicLoc namespace and "yes" spelling) */
static const char rfc4119_example[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\"\n"
    "    xmlns:gp=\"urn:ietf:params:xml:ns:pidf:geopriv10\"\n"
    "    xmlns:cl=\"urn:ietf:params:xml:ns:pidf:geopriv10:civicLoc\"\n"
    "    entity=\"pres:geotarget@example.com\">\n"
    "  <tuple id=\"sg89ae\">\n"
    "    <status>\n"
    "      <gp:geopriv>\n"
    "        <gp:location-info>\n"
    "          <cl:civicAddress>\n"
    "            <cl:country>US</cl:country>\n"
    "            <cl:A1>New York</cl:A1>\n"
    "            <cl:A3>New York</cl:A3>\n"
    "            <cl:A6>Broadway</cl:A6>\n"
    "            <cl:HNO>123</cl:HNO>\n"
    "            <cl:LOC>Suite 75</cl:LOC>\n"
    "            <cl:PC>10027-0401</cl:PC>\n"
    "          </cl:civicAddress>\n"
    "        </gp:location-info>\n"
    "        <gp:usage-rules>\n"
    "          <gp:retransmission-allowed>yes</gp:retransmission-allowed>\n"
    "          <gp:retention-expiry>2003-06-23T04:57:29Z</gp:retention-expiry>\n"
    "        </gp:usage-rules>\n"
    "      </gp:geopriv>\n"
    "    </status>\n"
    "    <timestamp>2003-06-22T20:57:29Z</timestamp>\n"
    "  </tuple>\n"
    "</presence>\n";

/* RFC 5491 §5.2.1 style geodetic point, basicPolicy usage rules */
static const char rfc5491_point[] =
    "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" xmlns:gp=\"urn:ietf:params:xml:ns:pidf:geopriv10\"\n"
    "  xmlns:gbp=\"urn:ietf:params:xml:ns:pidf:geopriv10:basicPolicy\" xmlns:gml=\"http://www.opengis.net/gml\"\n"
    "  entity=\"pres:point2d@example.com\">\n"
    " <tuple id=\"t1\"><status><gp:geopriv>\n"
    "  <gp:location-info><gml:Point srsName=\"urn:ogc:def:crs:EPSG::4326\"><gml:pos>-34.407 150.88001</gml:pos>"
    "</gml:Point></gp:location-info>\n"
    "  <gp:usage-rules><gbp:retransmission-allowed>false</gbp:retransmission-allowed></gp:usage-rules>\n"
    "  <gp:method>GPS</gp:method>\n"
    " </gp:geopriv></status></tuple>\n"
    "</presence>";

static void test_rfc4119(void)
{
    g_autoptr(PidfDoc) doc = parse_ok(rfc4119_example);
    const PidfTuple *t = doc->tuples->pdata[0];
    g_assert_null(t->basic);
    g_assert_nonnull(t->geopriv);
    g_assert_true(pidf_doc_has_location(doc));
    const PidfGeopriv *g = t->geopriv;
    g_assert_false(g->has_point);
    g_assert_cmpstr(g->country, ==, "US");
    g_assert_cmpstr(g->a1, ==, "New York");
    g_assert_cmpstr(g->a3, ==, "New York");
    g_assert_cmpstr(g->hno, ==, "123");
    g_assert_cmpstr(g->pc, ==, "10027-0401");
    g_assert_null(g->rd);
    g_assert_true(g->retransmission_allowed);
    g_assert_cmpstr(g->retention_expires, ==, "2003-06-23T04:57:29Z");
    g_autofree char *text = round_trip(doc); /* printed in RFC 5139's civicAddr namespace, valid */
    g_assert_nonnull(strstr(text, "urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr"));
    g_assert_nonnull(strstr(text, "<gbp:retransmission-allowed>true</gbp:retransmission-allowed>"));

    schema_validate("pidf-all.xsd", rfc5491_point);
    g_autoptr(PidfDoc) p = parse_ok(rfc5491_point);
    g = ((PidfTuple *)p->tuples->pdata[0])->geopriv;
    g_assert_true(g->has_point);
    g_assert_cmpfloat(g->latitude, ==, -34.407);
    g_assert_cmpfloat(g->longitude, ==, 150.88001);
    g_assert_false(g->retransmission_allowed);
    g_assert_cmpstr(g->method, ==, "GPS");
    g_autofree char *ptext = round_trip(p);
    g_assert_nonnull(strstr(ptext, "<gml:pos>-34.407 150.88001</gml:pos>"));
    g_assert_null(strstr(ptext, "xmlns:cl")); /* only the namespaces used */
}

/* ---- model, print, round trip ---------------------------------------------------------------- */

static PidfDoc *full_doc(void)
{
    PidfDoc *doc = pidf_doc_new("sip:alice@home.example.net");
    PidfTuple *t = pidf_doc_add_tuple(doc, "t-voice", "open");
    t->contact = g_strdup("sip:alice@ue1.home.example.net");
    t->contact_priority = 0.5;
    t->note = g_strdup("on the <road> & \"away\"");
    t->timestamp = pidf_timestamp_format(G_GINT64_CONSTANT(1500000000));
    t->device_id = g_strdup("urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
    t->service_class = g_strdup("business");
    PidfGeopriv geo = {.has_point = TRUE, .latitude = 48.8566, .longitude = 2.3522, .country = "FR",
                       .a1 = "Ile-de-France", .a3 = "Paris", .rd = "Rue de Rivoli", .hno = "1", .pc = "75001",
                       .method = "Cell", .retransmission_allowed = TRUE,
                       .retention_expires = "2003-01-02T00:00:00Z"};
    pidf_tuple_set_geopriv(t, &geo);
    pidf_doc_add_tuple(doc, "t-im", "closed");
    PidfPerson *p = pidf_doc_add_person(doc, "p1");
    pidf_person_add_activity(p, "on-the-phone");
    pidf_person_add_activity(p, "meeting");
    pidf_person_add_activity(p, "x-skiing"); /* not an RPID activity: <rpid:other> */
    p->place_type = g_strdup("office");
    p->note = g_strdup("back at 3");
    p->timestamp = g_strdup("2003-01-01T00:00:00.000000000Z");
    PidfDevice *d = pidf_doc_add_device(doc, "d1", "mac:8c:ae:4c:e9:12:34");
    d->note = g_strdup("phone");
    d->timestamp = g_strdup("2003-01-01T00:00:03Z");
    g_ptr_array_add(doc->notes, g_strdup("document note"));
    return doc;
}

static void test_round_trip(void)
{
    g_autoptr(PidfDoc) doc = full_doc();
    g_autofree char *text = round_trip(doc);
    /* schema order inside <tuple>: status, extensions, contact, note, timestamp */
    const char *status = strstr(text, "<status>"), *dev = strstr(text, "<dm:deviceID>"),
               *cls = strstr(text, "<rpid:class>"), *contact = strstr(text, "<contact"), *note = strstr(text, "<note>"),
               *ts = strstr(text, "<timestamp>");
    g_assert_true(status && dev && cls && contact && note && ts);
    g_assert_true(status < dev && dev < cls && cls < contact && contact < note && note < ts);
    g_assert_nonnull(strstr(text, "priority=\"0.500\""));
    g_assert_nonnull(strstr(text, "<rpid:other>x-skiing</rpid:other>"));
    g_assert_nonnull(strstr(text, "<lt:office/>"));
    g_assert_nonnull(strstr(text, "&lt;road&gt; &amp;"));

    g_autoptr(PidfDoc) copy = pidf_doc_copy(doc);
    g_assert_true(pidf_doc_equal(doc, copy));
    ((PidfPerson *)copy->persons->pdata[0])->note[0] = 'B';
    g_assert_false(pidf_doc_equal(doc, copy));

    /* strip location */
    g_autoptr(PidfDoc) stripped = pidf_doc_copy(doc);
    pidf_doc_strip_location(stripped);
    g_assert_false(pidf_doc_has_location(stripped));
    g_autofree char *s = round_trip(stripped);
    g_assert_null(strstr(s, "geopriv"));
    g_assert_null(strstr(s, "xmlns:gp"));

    /* minimal document: nothing but pidf declared */
    g_autoptr(PidfDoc) min = pidf_doc_new("pres:bob@example.org");
    pidf_doc_add_tuple(min, "a", NULL);
    g_autofree char *m = round_trip(min);
    g_assert_null(strstr(m, "xmlns:"));
    g_autoptr(PidfDoc) empty = pidf_doc_new("pres:bob@example.org");
    g_free(round_trip(empty));

    /* unknown activity alone */
    g_autoptr(PidfDoc) u = pidf_doc_new("pres:u@example.org");
    pidf_person_add_activity(pidf_doc_add_person(u, "p"), "unknown");
    g_autofree char *ut = round_trip(u);
    g_assert_nonnull(strstr(ut, "<rpid:unknown/>"));
}

/* ---- composition ----------------------------------------------------------------------------- */

static void test_compose(void)
{
    g_autoptr(PidfDoc) ue = pidf_doc_new("sip:alice@home.example.net");
    pidf_doc_add_tuple(ue, "voice", "open")->note = g_strdup("ue");
    pidf_doc_add_person(ue, "p")->note = g_strdup("ue person");
    g_ptr_array_add(ue->notes, g_strdup("shared"));
    g_ptr_array_add(ue->notes, g_strdup("from ue"));

    g_autoptr(PidfDoc) pna = pidf_doc_new("sip:alice@home.example.net");
    pidf_doc_add_tuple(pna, "voice", "closed")->note = g_strdup("pna");
    pidf_doc_add_tuple(pna, "loc", "open");
    pidf_doc_add_device(pna, "p", "urn:uuid:1"); /* same id as the person, other kind: no clash */
    g_ptr_array_add(pna->notes, g_strdup("shared"));

    g_autoptr(PidfDoc) pea = pidf_doc_new("sip:alice@home.example.net");
    pidf_doc_add_person(pea, "p")->note = g_strdup("pea person");
    pidf_doc_add_tuple(pea, "voice", "open")->note = g_strdup("pea");

    /* newer wins */
    PidfSource s1[] = {{ue, 100, 0}, {pna, 200, 0}, {pea, 50, 9}};
    g_autoptr(PidfDoc) c1 = pidf_compose("sip:alice@home.example.net", s1, 3);
    g_assert_cmpuint(c1->tuples->len, ==, 2);
    g_assert_cmpstr(((PidfTuple *)c1->tuples->pdata[0])->id, ==, "voice"); /* first appearance order */
    g_assert_cmpstr(((PidfTuple *)c1->tuples->pdata[0])->note, ==, "pna");
    g_assert_cmpstr(((PidfTuple *)c1->tuples->pdata[1])->id, ==, "loc");
    g_assert_cmpuint(c1->persons->len, ==, 1);
    g_assert_cmpstr(((PidfPerson *)c1->persons->pdata[0])->note, ==, "ue person"); /* 100 > 50 */
    g_assert_cmpuint(c1->devices->len, ==, 1);
    g_assert_cmpuint(c1->notes->len, ==, 2);
    g_assert_cmpstr(c1->notes->pdata[0], ==, "shared");
    g_assert_cmpstr(c1->notes->pdata[1], ==, "from ue");

    /* equal times: priority, then source order */
    PidfSource s2[] = {{ue, 100, 1}, {pna, 100, 5}, {pea, 100, 5}};
    g_autoptr(PidfDoc) c2 = pidf_compose("sip:alice@home.example.net", s2, 3);
    g_assert_cmpstr(((PidfTuple *)c2->tuples->pdata[0])->note, ==, "pna");
    g_assert_cmpstr(((PidfPerson *)c2->persons->pdata[0])->note, ==, "pea person");
    PidfSource s3[] = {{pea, 100, 5}, {pna, 100, 5}, {ue, 100, 5}};
    g_autoptr(PidfDoc) c3 = pidf_compose("sip:alice@home.example.net", s3, 3);
    g_assert_cmpstr(((PidfTuple *)c3->tuples->pdata[0])->note, ==, "pea");
    g_assert_cmpstr(((PidfPerson *)c3->persons->pdata[0])->note, ==, "pea person");

    /* (c1 has a person and a device both "p": right for composition, but not one valid XML document,
     * whose ids are unique; validate a composition without the clash) */
    PidfSource s4[] = {{ue, 1, 0}, {pea, 2, 0}};
    g_autoptr(PidfDoc) c4 = pidf_compose("sip:alice@home.example.net", s4, 2);
    g_free(round_trip(c4));
    g_autoptr(PidfDoc) none = pidf_compose("sip:x@example.org", NULL, 0);
    g_assert_cmpuint(none->tuples->len, ==, 0);
    g_assert_cmpstr(none->entity, ==, "sip:x@example.org");
}

static void test_neutral(void)
{
    g_autoptr(PidfDoc) n = pidf_neutral("sip:alice@home.example.net");
    g_assert_cmpuint(n->tuples->len, ==, 1);
    g_assert_cmpstr(((PidfTuple *)n->tuples->pdata[0])->basic, ==, "closed");
    g_assert_cmpuint(n->persons->len + n->devices->len + n->notes->len, ==, 0);
    g_assert_false(pidf_doc_has_location(n));
    g_free(round_trip(n));
}

/* ---- malformed and hostile input ------------------------------------------------------------- */

static void test_malformed(void)
{
    size_t n = strlen(rfc3863_example);
    for (size_t cut = 0; cut < n - 12; cut += 7) /* every truncation fails cleanly */
        parse_fails(rfc3863_example, cut, PIDF_ERROR_XML);
    parse_fails("<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"pres:a@b\"><tuple id=\"x\">", 70,
                PIDF_ERROR_XML);
#define FAILS(text, code) parse_fails(text, strlen(text), code)
    FAILS("not xml at all", PIDF_ERROR_XML);
    FAILS("<presence entity=\"pres:a@b\"/>", PIDF_ERROR_INVALID);                          /* no namespace */
    FAILS("<presence xmlns=\"urn:example:other\" entity=\"pres:a@b\"/>", PIDF_ERROR_INVALID); /* wrong ns */
    FAILS("<ruleset xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"pres:a@b\"/>", PIDF_ERROR_INVALID);
    FAILS("<presence xmlns=\"urn:ietf:params:xml:ns:pidf\"/>", PIDF_ERROR_INVALID); /* no entity */
    FAILS("<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"pres:a@b\"><tuple><status/></tuple></presence>",
          PIDF_ERROR_INVALID);
    FAILS("<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"pres:a@b\"><tuple id=\"t\"/></presence>",
          PIDF_ERROR_INVALID);
    FAILS("<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"pres:a@b\"><tuple id=\"t\"><status>"
          "<basic>maybe</basic></status></tuple></presence>",
          PIDF_ERROR_INVALID);
    FAILS("<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" xmlns:dm=\"urn:ietf:params:xml:ns:pidf:data-model\" "
          "entity=\"pres:a@b\"><dm:device id=\"d\"/></presence>",
          PIDF_ERROR_INVALID);
    FAILS("<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"pres:a@b\"><x:y/></presence>", PIDF_ERROR_XML);
    parse_fails(NULL, 0, PIDF_ERROR_XML);
    /* a person with extensions and odd order is still read; unknown top-level elements are skipped */
    g_autoptr(PidfDoc) ok = parse_ok("<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" "
                                     "xmlns:dm=\"urn:ietf:params:xml:ns:pidf:data-model\" xmlns:e=\"urn:x\" "
                                     "entity=\"pres:a@b\"><dm:person id=\"p\"/><e:ext><tuple id=\"hidden\"/></e:ext>"
                                     "<tuple id=\"t\"><status/></tuple></presence>");
    g_assert_cmpuint(ok->tuples->len, ==, 1);
    g_assert_cmpuint(ok->persons->len, ==, 1);

    /* random bytes never crash */
    GRand *rand = g_rand_new_with_seed(3863);
    for (int i = 0; i < 500; i++) {
        char buf[200];
        size_t len = (size_t)g_rand_int_range(rand, 1, sizeof buf);
        memcpy(buf, rfc3863_example, len);
        for (int k = 0; k < 4; k++)
            buf[g_rand_int_range(rand, 0, (gint32)len)] = (char)g_rand_int_range(rand, 0, 256);
        GError *error = NULL;
        PidfDoc *d = pidf_doc_parse(buf, len, &error);
        g_assert_true((d == NULL) != (error == NULL));
        pidf_doc_free(d);
        g_clear_error(&error);
    }
    g_rand_free(rand);
}

static void test_hostile(void)
{
    /* billion laughs: refused before any expansion */
    GString *bomb = g_string_new("<?xml version=\"1.0\"?>\n<!DOCTYPE presence [\n<!ENTITY lol \"lol\">\n");
    for (int i = 1; i <= 9; i++) {
        g_string_append_printf(bomb, "<!ENTITY lol%d \"", i);
        for (int k = 0; k < 10; k++)
            g_string_append_printf(bomb, "&lol%s;", i == 1 ? "" : (char[]){(char)('0' + i - 1), 0});
        g_string_append(bomb, "\">\n");
    }
    g_string_append(bomb, "]>\n<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"pres:a@b\">"
                          "<note>&lol9;</note></presence>");
    GError *error = NULL;
    gint64 start = g_get_monotonic_time();
    g_assert_null(pidf_doc_parse(bomb->str, bomb->len, &error));
    g_assert_error(error, PIDF_ERROR, PIDF_ERROR_XML);
    g_assert_nonnull(strstr(error->message, "DTD"));
    g_assert_cmpint(g_get_monotonic_time() - start, <, G_USEC_PER_SEC);
    g_clear_error(&error);
    g_string_free(bomb, TRUE);

    /* external entity: never loaded (the loader of xml-schema-check.h counts every request) */
    guint refused = schema_loader_refused;
    const char *xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE presence [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
                      "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"pres:a@b\"><note>&x;</note></presence>";
    g_assert_null(pidf_doc_parse(xxe, strlen(xxe), &error));
    g_assert_error(error, PIDF_ERROR, PIDF_ERROR_XML);
    g_clear_error(&error);
    const char *ext_dtd = "<!DOCTYPE presence SYSTEM \"http://attacker.example/x.dtd\">"
                          "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"pres:a@b\"/>";
    g_assert_null(pidf_doc_parse(ext_dtd, strlen(ext_dtd), &error));
    g_clear_error(&error);
    g_assert_cmpuint(schema_loader_refused, ==, refused);

    /* huge input refused before parsing */
    gsize big = PIDF_MAX_SIZE + 1;
    char *huge = g_malloc(big);
    memset(huge, ' ', big);
    parse_fails(huge, big, PIDF_ERROR_TOO_LARGE);
    g_free(huge);

    /* 10,000 tuples in under 256 KiB: refused by count */
    GString *many = g_string_new("<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"pres:a@b\">");
    for (int i = 0; i < 10000; i++)
        g_string_append_printf(many, "<tuple id=\"t%d\"/>", i);
    g_string_append(many, "</presence>");
    g_assert_cmpuint(many->len, <=, PIDF_MAX_SIZE);
    parse_fails(many->str, many->len, PIDF_ERROR_TOO_LARGE);
    g_string_free(many, TRUE);

    /* 257 valid tuples: over the 256 bound */
    GString *t257 = g_string_new("<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"pres:a@b\">");
    for (int i = 0; i < 257; i++)
        g_string_append_printf(t257, "<tuple id=\"t%d\"><status/></tuple>", i);
    g_string_append(t257, "</presence>");
    parse_fails(t257->str, t257->len, PIDF_ERROR_TOO_LARGE);
    g_string_free(t257, TRUE);

    /* deep nesting: libxml2's depth limit, a clean error */
    GString *deep = g_string_new("<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"pres:a@b\">");
    for (int i = 0; i < 5000; i++)
        g_string_append(deep, "<a>");
    parse_fails(deep->str, deep->len, PIDF_ERROR_XML);
    g_string_free(deep, TRUE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    schema_check_init();
    g_test_add_func("/pidf/timestamp", test_timestamp);
    g_test_add_func("/pidf/rfc3863-example", test_rfc3863);
    g_test_add_func("/pidf/rfc4480-example", test_rfc4480);
    g_test_add_func("/pidf/rfc4119-example", test_rfc4119);
    g_test_add_func("/pidf/round-trip", test_round_trip);
    g_test_add_func("/pidf/compose", test_compose);
    g_test_add_func("/pidf/neutral", test_neutral);
    g_test_add_func("/pidf/malformed", test_malformed);
    g_test_add_func("/pidf/hostile", test_hostile);
    return g_test_run();
}
