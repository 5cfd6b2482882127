/* ps-private.h: the Presence Server's state, shared by ps.c (the kind, keys, dispatch, documents of the
 * scenario, reports), ps-publish.c (PUBLISH, RFC 3903), ps-subscribe.c (SUBSCRIBE / NOTIFY for the
 * presence, presence.winfo and list subscriptions) and ps-rules.c (the users' pres-rules documents).
 */
#pragma once
#include "nodes/ims/ims-common.h"
#include "nodes/ims/http-node.h"
#include "nodes/ims/sip-node.h"
#include "nodes/node-kind.h"
#include "protocols/pidf/pidf.h"
#include "protocols/pidf/pres-rules.h"
#include "protocols/sip/sip-headers.h"
#include "protocols/xcap/xcap-server.h"

#define PS_PUBLISH_EXPIRES_DEFAULT 3600 /* RFC 3903 §6 step 5 leaves it to the server */
#define PS_PUBLISH_EXPIRES_MIN 60
#define PS_PUBLISH_EXPIRES_MAX 86400
#define PS_SUB_EXPIRES_DEFAULT 3600 /* RFC 3856 §6.4 */
#define PS_SUB_EXPIRES_MIN 60
#define PS_SUB_EXPIRES_MAX 86400

typedef struct Ps Ps;
typedef struct PsPresentity PsPresentity;

/* The reference points of TS 23.141 §4.4 the PS counts traffic on. */
typedef enum { PS_RP_PEU, PS_RP_PEN, PS_RP_PEX, PS_RP_PW, PS_RP_OTHER, PS_RP_COUNT } PsRefPoint;
extern const char *const ps_ref_point_names[PS_RP_COUNT];

typedef struct {
    guint64 messages_in, bytes_in, messages_out, bytes_out;
} PsTraffic;

/* One publication (RFC 3903 §6): an event state with its entity-tag. */
typedef struct {
    PsPresentity *pt;
    char *etag;
    char *source;     /* "ue", "pna", "pea" or the sending node's name */
    PsRefPoint rp;
    int priority;
    PidfDoc *doc;
    gint64 time;      /* simulated ns of the last publish with a body */
    SimEventId timer; /* expiry */
} PsPub;

typedef enum { PS_EV_PRESENCE, PS_EV_WINFO } PsEventKind;
typedef enum { PS_SUB_ACTIVE, PS_SUB_PENDING, PS_SUB_TERMINATED } PsSubState;

/* A subscription and its dialog (RFC 6665, RFC 3261 §12, UAS side; as in scscf-regevent.c). */
typedef struct {
    Ps *ps;
    guint id;
    PsEventKind event;
    gboolean is_list;    /* a resource list subscription (RFC 4662) */
    char *resource;      /* the presentity's AoR or the list URI */
    PsPresentity *pt;    /* the presentity, or the list's owner */
    char *watcher;       /* the watcher's asserted identity */
    char *call_id, *local_tag, *remote_tag;
    char *local_uri, *remote_uri, *remote_target;
    GPtrArray *route_set; /* char*: Record-Route values, in order */
    guint32 cseq;
    guint version;        /* RLMI / watcherinfo version */
    PsSubState state;
    PresSubHandling handling;
    const char *reason;   /* RFC 3858 event of the last change: "subscribe", "approved", ... */
    SimTime started, expires_at;
    SimEventId timer;
    char *last_body;      /* the last NOTIFY body, to send changes only */
    gboolean winfo_listed; /* terminated and listed once in winfo */
} PsSub;

struct PsPresentity {
    Ps *ps;
    char *aor;           /* the default IMPU */
    char *subscriber;    /* the subscriber record name */
    GPtrArray *pubs;     /* PsPub*, owned */
    PidfDoc *composed;   /* NULL while nothing is published */
    GPtrArray *rules_items[5]; /* char*: pres-allow, -block, -polite-block, -confirm, -location items */
    char *rules_xml;     /* application/auth-policy+xml */
    PresRules *rules;
    GPtrArray *subs;     /* PsSub*: presence subscriptions to it (not owned) */
    GPtrArray *winfo_subs; /* PsSub*: its watcher-information subscriptions (not owned) */
    GPtrArray *gone;     /* PsSub*: terminated watcher subscriptions kept for one winfo (owned by the Ps) */
    GPtrArray *list_subs; /* PsSub*: list subscriptions of lists that name this presentity (not owned) */
    char *list_uri;      /* its buddy list at the RLS, or NULL */
    GPtrArray *buddies;  /* char*: the list's members (parsed back from resource-lists) */
    char *resource_lists_xml, *rls_services_xml;
};

typedef struct {
    guint64 requests, changes, forbidden, private_identity_seen;
} PsXcapStats;

typedef struct {
    guint64 publishes, publish_rejected, subscriptions, subscribe_rejected, notifies, notify_failures;
    guint64 rule_changes, bad_requests;
} PsStats;

struct Ps {
    SimNode *node;
    SipNode *sn;
    char *host, *uri;
    GHashTable *presentities; /* IMPU -> PsPresentity* (every IMPU of the user; owned through `order`) */
    GPtrArray *order;         /* PsPresentity*, owned, scenario order */
    GHashTable *lists;        /* list URI -> PsPresentity* owner */
    GHashTable *etags;        /* etag -> PsPub* */
    GHashTable *subs;         /* id -> PsSub*, owned */
    GPtrArray *trusted;       /* SimNode*: nodes allowed to send requests; empty: everyone */
    GHashTable *priorities;   /* source name -> GINT priority */
    guint next_id;
    guint64 etag_counter;
    PsStats stats;
    PsTraffic traffic[PS_RP_COUNT];
    /* Ut (ps-xcap.c) */
    HttpNode *http;
    XcapServer *xcap;
    GPtrArray *xcap_proxies;  /* SimNode*: APs allowed to assert identities; empty: anyone */
    GPtrArray *impis;         /* char*: the users' private identities (must never arrive) */
    gboolean xcap_seeding;    /* storing documents the PS already applied */
    PsXcapStats xcap_stats;
};

/* ps.c */
void ps_reply(Ps *ps, SipTxn *txn, int status, const char *reason, PsRefPoint rp);
/* Counts a sent message of BYTES on RP. */
void ps_count_out(Ps *ps, PsRefPoint rp, guint64 bytes);
PsPresentity *ps_presentity_for_uri(Ps *ps, const char *uri);
char *ps_uri_aor_text(const char *text);

/* ps-publish.c */
void ps_publish_request(Ps *ps, SipTxn *txn, const osip_message_t *req, PsRefPoint rp, const char *source);
void ps_pub_free(gpointer p);
/* Recomposes PT's document from its publications and notifies its watchers. */
void ps_presentity_changed(PsPresentity *pt);

/* ps-subscribe.c */
void ps_subscribe_request(Ps *ps, SipTxn *txn, const osip_message_t *req, const char *watcher);
void ps_sub_free(gpointer p);
/* Sends what changed to every presence and list subscription of PT. */
void ps_notify_watchers(PsPresentity *pt);
/* The rules of PT changed: every subscription re-authorized (RFC 5025 §3.2.1). */
void ps_rules_changed(PsPresentity *pt);
void ps_notify_result(Ps *ps, SipTxn *txn, int status);
/* OWNER's buddy list now holds MEMBERS (URIs, copied): list subscriptions follow and get full state. */
void ps_list_replace(PsPresentity *owner, GPtrArray *members);

/* ps-rules.c */
/* Builds PT's pres-rules document from its item lists (see subscriber.c) and parses it. */
gboolean ps_rules_rebuild(PsPresentity *pt, GError **error);
/* Sets WATCHER's handling (and location permission) for PT, replacing what named WATCHER before. */
gboolean ps_rules_set(PsPresentity *pt, const char *watcher, PresSubHandling handling, gboolean location,
                      GError **error);
