/* xml-schema-check.h: validation of printed XML against the RFC schemas stored in tests/schemas/,
 * for the unit tests of protocols/pidf/ (test-pidf.c, test-pres-rules.c).
 *
 * The schema directory comes from PRESIM_SOURCE_DIR (ctest sets it); without it the schema part of a
 * test is skipped. Every external resource libxml2 asks for while compiling a schema goes through
 * schema_loader(): files inside tests/schemas/ only, so validation never touches the network (this is
 * the "catalog" of the tests). schema_loader_hits counts refused requests, which the hostile-input
 * tests also use to prove that a parser did not try to load an external entity.
 */
#pragma once
#include <glib.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlschemas.h>
#include <string.h>

static char *schema_dir;
static guint schema_loader_refused;
static xmlExternalEntityLoader schema_default_loader;

static xmlParserInputPtr schema_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    (void)id;
    if (url && schema_dir && g_str_has_prefix(url, schema_dir) && !strstr(url, ".."))
        return schema_default_loader(url, id, ctxt);
    schema_loader_refused++;
    return NULL;
}

/* Call once from main(). */
static void schema_check_init(void)
{
    const char *src = g_getenv("PRESIM_SOURCE_DIR");
    if (src)
        schema_dir = g_build_filename(src, "tests", "schemas", NULL);
    schema_default_loader = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(schema_loader);
}

static void schema_silent(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

/* Validates the UTF-8 document TEXT against tests/schemas/SCHEMA; fails the test with libxml2's
 * complaint when invalid. Returns FALSE (test skipped) when PRESIM_SOURCE_DIR is not set. */
static gboolean schema_validate(const char *schema, const char *text)
{
    if (!schema_dir) {
        g_test_skip("PRESIM_SOURCE_DIR not set: schema validation skipped");
        return FALSE;
    }
    g_autofree char *path = g_build_filename(schema_dir, schema, NULL);
    xmlSchemaParserCtxtPtr pctxt = xmlSchemaNewParserCtxt(path);
    g_assert_nonnull(pctxt);
    xmlSchemaSetParserErrors(pctxt, schema_silent, schema_silent, NULL);
    xmlSchemaPtr xs = xmlSchemaParse(pctxt);
    xmlSchemaFreeParserCtxt(pctxt);
    if (!xs)
        g_error("schema %s does not compile", path);
    xmlDocPtr doc = xmlReadMemory(text, (int)strlen(text), NULL, NULL, XML_PARSE_NONET);
    g_assert_nonnull(doc);
    xmlSchemaValidCtxtPtr vctxt = xmlSchemaNewValidCtxt(xs);
    xmlSchemaSetValidErrors(vctxt, schema_silent, schema_silent, NULL);
    int rc = xmlSchemaValidateDoc(vctxt, doc);
    if (rc != 0) {
        const xmlError *e = xmlGetLastError();
        g_error("document does not validate against %s (line %d: %s):\n%s", schema, e ? e->line : 0,
                e && e->message ? e->message : "?", text);
    }
    xmlSchemaFreeValidCtxt(vctxt);
    xmlFreeDoc(doc);
    xmlSchemaFree(xs);
    return TRUE;
}
