/* pidf.h: presence documents (PIDF, RFC 3863) with the RPID person data (RFC 4480), the presence
 * data model's person / device / service split (RFC 4479), and PIDF-LO location (RFC 4119).
 *
 * What: an in-memory document (PidfDoc) built by presence sources (the UE's PUA, the PNA, the PEA),
 * printed to application/pidf+xml with libxml2, parsed back from bytes (bounded, no network access,
 * no DTD loading, never crashing on garbage), composed from several sources for one presentity, and
 * filtered by the permissions of a watcher (pres-rules.h).
 *
 * Model. A document has an entity (the presentity's URI) and three lists:
 *   tuples  (<tuple>, RFC 3863 §4.1; the "service" of RFC 4479): id, <status><basic>, <contact>,
 *           <note>, <timestamp>, <dm:deviceID>, and optionally the geopriv location of RFC 4119 §2.2.2
 *           inside <status> (the LCS data seed 002 worries about: a first-class, strippable part);
 *   persons (<dm:person>, RFC 4479 §3.2): id, RPID <rpid:activities> (RFC 4480 §3.2), <dm:note>,
 *           <dm:timestamp>;
 *   devices (<dm:device>, RFC 4479 §3.3): id, <dm:deviceID>, <dm:note>, <dm:timestamp>.
 * Namespaces: urn:ietf:params:xml:ns:pidf, urn:ietf:params:xml:ns:pidf:data-model (dm),
 * urn:ietf:params:xml:ns:pidf:rpid (rpid), urn:ietf:params:xml:ns:pidf:geopriv10 (gp),
 * http://www.opengis.net/gml (gml), urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr (cl).
 *
 * Composition (pidf_compose): the composed document of a presentity is the union of every source's
 * elements keyed by (element kind, id). When two sources have an element with the same kind and id,
 * the newer one wins (the time the source published it); equal times are broken by the source
 * priority (higher wins), then by the order of the sources (earlier wins). This is presim's
 * documented rule; RFC 3863 leaves composition to the implementation.
 */
#pragma once
#include <glib.h>
#include <stdint.h>

#define PIDF_CONTENT_TYPE "application/pidf+xml"
#define PIDF_MAX_SIZE (256 * 1024) /* larger bodies are refused by the parser */

typedef enum {
    PIDF_ERROR_TOO_LARGE = 1,
    PIDF_ERROR_XML = 2,     /* not well-formed (message quotes libxml2) */
    PIDF_ERROR_INVALID = 3, /* well-formed but not a PIDF document (root, entity, tuple id, basic ...) */
} PidfError;

GQuark pidf_error_quark(void);
#define PIDF_ERROR (pidf_error_quark())

/* RFC 4119 §2.2: geopriv location-info with usage rules. A geodetic point (gml:Point, srsName
 * urn:ogc:def:crs:EPSG::4326) and/or a civic address (the cl elements kept: country, A1, A3, RD,
 * HNO, PC). */
typedef struct {
    gboolean has_point;
    double latitude, longitude;
    char *country, *a1, *a3, *rd, *hno, *pc; /* civic, NULL when absent */
    char *method;                          /* <gp:method> "GPS", "Cell", ... or NULL */
    gboolean retransmission_allowed;       /* <gp:usage-rules><gp:retransmission-allowed> */
    char *retention_expires;               /* <gp:retention-expiry> dateTime, or NULL */
} PidfGeopriv;

typedef struct {
    char *id;          /* required, an XML ID */
    char *basic;       /* "open" / "closed" / NULL (no <basic>) */
    char *contact;     /* URI or NULL */
    double contact_priority; /* <contact priority="0.8">; < 0 when absent */
    char *note;        /* or NULL */
    char *timestamp;   /* RFC 3339 dateTime or NULL */
    char *device_id;   /* <dm:deviceID> or NULL */
    char *service_class; /* <rpid:class> or NULL */
    PidfGeopriv *geopriv; /* NULL: no location */
} PidfTuple;

typedef struct {
    char *id;
    GPtrArray *activities; /* char*: RPID activity element names ("busy", "on-the-phone", "away", "meeting",
                              "unknown", ...; RFC 4480 §3.2), document order; empty: no <rpid:activities> */
    char *note, *timestamp;
    char *place_type;      /* <rpid:place-type> text kept as the element name inside ("home", "office") or NULL */
} PidfPerson;

typedef struct {
    char *id;
    char *device_id; /* <dm:deviceID> (required by RFC 4479 §3.3; "urn:uuid:...", "mac:...") */
    char *note, *timestamp;
} PidfDevice;

typedef struct {
    char *entity;      /* "pres:alice@home.example.net" or "sip:alice@home.example.net" */
    GPtrArray *tuples; /* PidfTuple*, owned */
    GPtrArray *persons; /* PidfPerson*, owned */
    GPtrArray *devices; /* PidfDevice*, owned */
    GPtrArray *notes;   /* char*: document-level <note>s */
} PidfDoc;

PidfDoc *pidf_doc_new(const char *entity);
void pidf_doc_free(PidfDoc *doc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PidfDoc, pidf_doc_free)
PidfDoc *pidf_doc_copy(const PidfDoc *doc);
/* Appended elements are owned by DOC; returned for filling in. */
PidfTuple *pidf_doc_add_tuple(PidfDoc *doc, const char *id, const char *basic);
PidfPerson *pidf_doc_add_person(PidfDoc *doc, const char *id);
PidfDevice *pidf_doc_add_device(PidfDoc *doc, const char *id, const char *device_id);
PidfTuple *pidf_doc_find_tuple(const PidfDoc *doc, const char *id);
PidfPerson *pidf_doc_find_person(const PidfDoc *doc, const char *id);
PidfDevice *pidf_doc_find_device(const PidfDoc *doc, const char *id);
/* Sets (replaces) the tuple's location; GEO is copied. NULL removes it. */
void pidf_tuple_set_geopriv(PidfTuple *tuple, const PidfGeopriv *geo);
void pidf_person_add_activity(PidfPerson *person, const char *activity);
PidfGeopriv *pidf_geopriv_copy(const PidfGeopriv *geo);
void pidf_geopriv_free(PidfGeopriv *geo);
/* TRUE when any tuple carries a location. */
gboolean pidf_doc_has_location(const PidfDoc *doc);
/* Removes every location (the provide-location transformation denied). */
void pidf_doc_strip_location(PidfDoc *doc);
/* Structural equality (same elements in the same order with the same values). */
gboolean pidf_doc_equal(const PidfDoc *a, const PidfDoc *b);

/* application/pidf+xml, UTF-8, with only the namespaces the document uses declared on <presence>.
 * Output validates against the RFC 3863, RFC 4479, RFC 4480 and RFC 4119 schemas. *LEN may be NULL.
 * g_free. NULL only if libxml2 fails (ERROR set). */
char *pidf_doc_print(const PidfDoc *doc, size_t *len, GError **error);
/* Parses a PIDF document: <presence entity> root in the pidf namespace; each tuple needs an id;
 * unknown elements and extensions are skipped; at most 256 tuples/persons/devices. */
PidfDoc *pidf_doc_parse(const void *data, size_t len, GError **error);

/* One source's contribution to a presentity: its document, the simulated time it was published
 * (nanoseconds), and its configured priority. */
typedef struct {
    const PidfDoc *doc;
    gint64 time;
    int priority;
} PidfSource;

/* The composed document of ENTITY from N sources (rule in the header comment). Elements appear in
 * the order of their first appearance across the sources. Never NULL. */
PidfDoc *pidf_compose(const char *entity, const PidfSource *sources, guint n);
/* The document RFC 5025 §3.2.1 polite-block calls for: the presentity looks offline (one tuple,
 * basic closed, no other data). */
PidfDoc *pidf_neutral(const char *entity);

/* Simulated time in PIDF <timestamp>s: presim counts nanoseconds from the start of the run, which it
 * maps onto xs:dateTime from the fixed epoch 2003-01-01T00:00:00Z (the year of the source documents),
 * so timestamps are deterministic: 1.5 s prints "2003-01-01T00:00:01.500000000Z". */
char *pidf_timestamp_format(gint64 ns);
/* Parses what pidf_timestamp_format() prints (also without fraction, fewer digits, or a "+00:00"
 * offset). FALSE for other zones or dates before the epoch. */
gboolean pidf_timestamp_parse(const char *text, gint64 *ns);
