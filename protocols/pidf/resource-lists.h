/* resource-lists.h: resource lists (RFC 4826 §3) and RLS services (RFC 4826 §4) documents, and the
 * list meta-information of a list subscription (RLMI, RFC 4662 §5).
 *
 * resource-lists: <resource-lists> with named <list>s of <entry uri> (nested <list>s flattened in
 * document order, <entry-ref>/<external> ignored with a count). rls-services: <service uri> with an
 * inline <list> or a <resource-list> XCAP URI whose node selector names a list of the owner's
 * resource-lists document (".../~~/resource-lists/list[@name=%22friends%22]" or with quotes / ' ),
 * and the <packages> it serves.
 * RLMI: <list xmlns="urn:ietf:params:xml:ns:rlmi" uri version fullState> with one <resource uri>
 * per member, each with <instance id state [reason] [cid]> (RFC 4662 §5.2-§5.5).
 */
#pragma once
#include <glib.h>

#define RESOURCE_LISTS_CONTENT_TYPE "application/resource-lists+xml"
#define RLS_SERVICES_CONTENT_TYPE "application/rls-services+xml"
#define RLMI_CONTENT_TYPE "application/rlmi+xml"
#define RESOURCE_LISTS_MAX_SIZE (256 * 1024)

typedef enum { RLIST_ERROR_TOO_LARGE = 1, RLIST_ERROR_XML = 2, RLIST_ERROR_INVALID = 3 } RlistError;
GQuark rlist_error_quark(void);
#define RLIST_ERROR (rlist_error_quark())

typedef struct {
    char *name;        /* list name attribute (may be NULL for an unnamed nested list) */
    GPtrArray *uris;   /* char*: entry URIs, flattened, duplicates removed, document order */
} RlistList;

typedef struct {
    GPtrArray *lists; /* RlistList*, owned, top-level lists in order */
} RlistDoc;

RlistDoc *rlist_doc_parse(const void *data, size_t len, GError **error);
void rlist_doc_free(RlistDoc *doc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(RlistDoc, rlist_doc_free)
const RlistList *rlist_doc_find(const RlistDoc *doc, const char *name);
/* Added: how many <entry-ref> and <external> elements the parse skipped (DOC from rlist_doc_parse). */
guint rlist_doc_ignored(const RlistDoc *doc);
/* A resource-lists document with one list NAME of the NULL-terminated URIS. g_free. */
char *rlist_doc_build(const char *name, const char *const *uris, size_t *len);

typedef struct {
    char *uri;           /* the list's own URI ("sip:alice-buddies@home.example.net") */
    char *list_name;     /* the referenced list in the owner's resource-lists, or NULL when inline */
    GPtrArray *inline_uris; /* char*: the inline list's members (empty when referenced) */
    GPtrArray *packages; /* char*: "presence"; empty means any */
} RlsService;

typedef struct {
    GPtrArray *services; /* RlsService*, owned */
} RlsServicesDoc;

RlsServicesDoc *rls_services_parse(const void *data, size_t len, GError **error);
void rls_services_free(RlsServicesDoc *doc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(RlsServicesDoc, rls_services_free)
const RlsService *rls_services_find(const RlsServicesDoc *doc, const char *uri);
/* An rls-services document with one service URI whose list references LIST_NAME of OWNER's
 * resource-lists at XCAP_ROOT ("http://xcap.home.example.net"), package presence. g_free. */
char *rls_services_build(const char *uri, const char *xcap_root, const char *owner, const char *list_name,
                         size_t *len);

/* ---- RLMI (RFC 4662 §5) ---- */
typedef struct {
    char *uri;
    char *name;        /* <name> or NULL */
    char *instance_id; /* NULL: no instance (not yet subscribed) */
    char *state;       /* "active", "pending", "terminated" */
    char *reason;      /* for terminated, or NULL */
    char *cid;         /* Content-ID of the body part (without <>), or NULL */
} RlmiResource;

typedef struct {
    char *uri;
    guint version;
    gboolean full_state;
    GPtrArray *resources; /* RlmiResource*, owned */
} RlmiDoc;

RlmiDoc *rlmi_doc_new(const char *uri, guint version, gboolean full_state);
void rlmi_doc_free(RlmiDoc *doc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(RlmiDoc, rlmi_doc_free)
RlmiResource *rlmi_doc_add(RlmiDoc *doc, const char *uri, const char *instance_id, const char *state,
                           const char *reason, const char *cid);
/* Output validates against the RFC 4662 schema. g_free. */
char *rlmi_doc_print(const RlmiDoc *doc, size_t *len, GError **error);
RlmiDoc *rlmi_doc_parse(const void *data, size_t len, GError **error);
