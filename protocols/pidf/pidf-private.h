/* pidf-private.h: internals shared by the files of protocols/pidf/ (not for callers outside this
 * folder).
 *
 * pidf_xml_read() is how untrusted XML enters: protocols/xml/xml-safe.h's strict reader (size checked
 * before libxml2 sees a byte, no DTD so no entity of any kind, XML_PARSE_NONET) with this folder's
 * element bound.
 */
#pragma once
#include <glib.h>
#include <libxml/tree.h>
#include "protocols/pidf/pidf.h"

#define PIDF_NS "urn:ietf:params:xml:ns:pidf"
#define PIDF_NS_DM "urn:ietf:params:xml:ns:pidf:data-model"
#define PIDF_NS_RPID "urn:ietf:params:xml:ns:pidf:rpid"
#define PIDF_NS_GP "urn:ietf:params:xml:ns:pidf:geopriv10"
#define PIDF_NS_GBP "urn:ietf:params:xml:ns:pidf:geopriv10:basicPolicy"
#define PIDF_NS_GML "http://www.opengis.net/gml"
#define PIDF_NS_CL "urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr"
#define PIDF_NS_CL_4119 "urn:ietf:params:xml:ns:pidf:geopriv10:civicLoc" /* RFC 4119's, superseded by RFC 5139 */
#define PIDF_NS_LT "urn:ietf:params:xml:ns:location-type"                 /* RFC 4589 */
#define PIDF_NS_CP "urn:ietf:params:xml:ns:common-policy"
#define PIDF_NS_PR "urn:ietf:params:xml:ns:pres-rules"
#define PIDF_NS_GEOPOLICY "urn:ietf:params:xml:ns:geolocation-policy" /* RFC 6772 */

/* Iterates over the element children of NODE. */
#define FOR_CHILDREN(node, child)                                                                                      \
    for (xmlNode *child = (node)->children; child; child = child->next)                                                \
        if (child->type == XML_ELEMENT_NODE)

/* Most elements any document of this folder may hold (a 256 KiB body of empty elements has ~30000). */
#define PIDF_XML_MAX_ELEMENTS 20000

/* Parses DATA (LEN bytes, at most MAX) into a tree. Errors in DOMAIN: CODE_LARGE when LEN > MAX or the
 * element count is over PIDF_XML_MAX_ELEMENTS, CODE_XML when not well-formed or carrying a DTD.
 * xmlFreeDoc() the result. */
xmlDoc *pidf_xml_read(const void *data, size_t len, size_t max, GQuark domain, int code_large, int code_xml,
                      GError **error);
/* TRUE when NODE is an element named NAME in namespace NS. */
gboolean pidf_xml_is(const xmlNode *node, const char *ns, const char *name);
/* The element's text content, surrounding whitespace removed; g_free. Never NULL. */
char *pidf_xml_text(const xmlNode *node);
/* The attribute NAME (no namespace) or NULL; g_free. */
char *pidf_xml_attr(const xmlNode *node, const char *name);
/* Prints DOC as UTF-8 with an XML declaration; g_free. NULL (ERROR set in DOMAIN/CODE) on failure. */
char *pidf_xml_dump(xmlDoc *doc, size_t *len, GQuark domain, int code, GError **error);

/* resource-lists.c: the reader of resource-lists, rls-services and RLMI (rlmi.c) documents: at most
 * RESOURCE_LISTS_MAX_SIZE bytes, no DTD; errors RLIST_ERROR_XML / RLIST_ERROR_TOO_LARGE, their
 * messages prefixed by WHAT. xmlFreeDoc() the result. */
xmlDoc *rlist_xml_read(const void *data, size_t len, const char *what, GError **error);

/* Element copies and comparisons (pidf.c), for composition and filtering. */
PidfTuple *pidf_tuple_copy(const PidfTuple *t);
PidfPerson *pidf_person_copy(const PidfPerson *p);
PidfDevice *pidf_device_copy(const PidfDevice *d);
gboolean pidf_tuple_equal(const PidfTuple *a, const PidfTuple *b);
gboolean pidf_person_equal(const PidfPerson *a, const PidfPerson *b);
gboolean pidf_device_equal(const PidfDevice *a, const PidfDevice *b);
