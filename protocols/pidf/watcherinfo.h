/* watcherinfo.h: watcher information documents (RFC 3858) for the presence.winfo event (RFC 3857).
 *
 * application/watcherinfo+xml: <watcherinfo version state="full|partial"> with one <watcher-list
 * resource package> per watched resource, each with <watcher id status event [display-name]
 * [duration-subscribed] [expiration]>URI</watcher>. Build with libxml2's writer, parse bounded
 * (no network, no DTD, at most 1024 watchers).
 */
#pragma once
#include <glib.h>

#define WINFO_CONTENT_TYPE "application/watcherinfo+xml"
#define WINFO_MAX_SIZE (256 * 1024)

typedef enum { WINFO_ERROR_TOO_LARGE = 1, WINFO_ERROR_XML = 2, WINFO_ERROR_INVALID = 3 } WinfoError;
GQuark winfo_error_quark(void);
#define WINFO_ERROR (winfo_error_quark())

typedef struct {
    char *id;     /* required */
    char *uri;    /* the watcher's identity */
    char *status; /* "pending", "active", "waiting", "terminated" (RFC 3858 §5.2) */
    char *event;  /* "subscribe", "approved", "deactivated", "probation", "rejected", "timeout",
                     "giveup", "noresource" */
    char *display_name; /* or NULL */
    long duration_subscribed; /* seconds, < 0 when absent */
    long expiration;          /* seconds, < 0 when absent */
} WinfoWatcher;

typedef struct {
    char *resource; /* the presentity's URI */
    char *package;  /* "presence" */
    GPtrArray *watchers; /* WinfoWatcher*, owned */
} WinfoList;

typedef struct {
    guint version;
    gboolean full;   /* state="full" */
    GPtrArray *lists; /* WinfoList*, owned */
} WinfoDoc;

WinfoDoc *winfo_doc_new(guint version, gboolean full);
void winfo_doc_free(WinfoDoc *doc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(WinfoDoc, winfo_doc_free)
WinfoList *winfo_doc_add_list(WinfoDoc *doc, const char *resource, const char *package);
/* Appends a watcher (strings copied; DISPLAY_NAME may be NULL). */
WinfoWatcher *winfo_list_add_watcher(WinfoList *list, const char *id, const char *uri, const char *status,
                                     const char *event);
/* Output validates against the RFC 3858 schema. g_free. */
char *winfo_doc_print(const WinfoDoc *doc, size_t *len, GError **error);
WinfoDoc *winfo_doc_parse(const void *data, size_t len, GError **error);
/* The watcher with URI in the list for RESOURCE (NULL: any list), or NULL. */
const WinfoWatcher *winfo_doc_find(const WinfoDoc *doc, const char *resource, const char *uri);
