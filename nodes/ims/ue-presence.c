/* ue-presence.c: presence in the UE: a presence user agent that publishes the user's own state
 * (PUBLISH of a PIDF, RFC 3903, TS 24.141 §5.1.1) and a watcher that subscribes to presentities,
 * resource lists (RFC 4662) and its own watcher information (RFC 3857), keeping what it is told and
 * tracing it, plus an optional stochastic traffic model. SIP goes through one SipUa (sip-ua.h) that
 * exists while the UE is registered; its requests leave through the IPsec SAs to the P-CSCF, which
 * adds the Service-Route.
 *
 * DESIGN NOTES
 *
 * Publication (one per UE, target = own IMPU, event presence):
 *   NONE --publish action / model tick (ue_publish)--> a SipPublication, sip_pub_publish(PIDF)
 *   (the SipUa's EPA machine then: initial, modify, refresh, 412, 423: see sip-ua-pub.c)
 *   any --unpublish action--> sip_pub_remove()
 *   any --de-registration (ue_presence_deregistered)--> NONE, nothing sent (sip_ua_free)
 * Watch (one per (target, event), in creation order; kept after it ends, for the report):
 *   IDLE --subscribe action, or registration for a `watch` URI (watch_subscribe)--> SUBSCRIBED
 *   SUBSCRIBED --NOTIFY (on_notify)--> views updated, "presence-view" / "winfo-view" events
 *   SUBSCRIBED --ended() (on_ended)--> IDLE (auto watch with watch-duration: THINK, then again)
 *   SUBSCRIBED --unsubscribe action, or the auto watch's life ends (watch_stop)--> sip_sub_unsubscribe
 *   any --de-registration--> IDLE, reason "deregistered" (an auto watch starts again on the next one)
 * Invariant: a Watch's `sub` is non-NULL exactly while its SipSubscription lives; the SipUa's ended()
 * clears it, and ue_presence_deregistered() clears every one before freeing the SipUa (which then
 * calls nothing back).
 *
 * Latency: each "presence-view" carries now minus the newest <timestamp> of the document (the
 * publisher's clock, pidf_timestamp_format of simulated time). The report's mean and max count only
 * documents newer than any seen before for that resource and published after the SUBSCRIBE, i.e.
 * publish-to-notify delays, not the age of the state a first NOTIFY shows.
 * Determinism: the model draws only from "node:NAME:presence", in event order.
 * Not done: several PIDF tuples per UE, watcher authorisation (the PS's job), partial PIDF
 * (RFC 5263), a view of list members whose RLMI instance carries no document (pending/terminated
 * ones are skipped), changing a publication's lifetime in place (a publish with another `expires`
 * removes the old publication and starts a new one).
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/ims/ue-presence.h"
#include "protocols/pidf/pidf.h"
#include "protocols/pidf/resource-lists.h"
#include "protocols/pidf/watcherinfo.h"
#include "protocols/sip/sip-multipart.h"
#include <math.h>
#include <string.h>

#define PUB_EXPIRES_DEFAULT 3600
#define WATCH_EXPIRES_DEFAULT 600
#define ACCEPT_PRESENCE "application/pidf+xml"
#define ACCEPT_LIST "application/pidf+xml, multipart/related, application/rlmi+xml"
#define ACCEPT_WINFO "application/watcherinfo+xml"

typedef struct {
    char *uri;
    PidfDoc *doc; /* the last PIDF received for it */
    char *basic, *activities;
    gboolean location;
    gint64 newest; /* newest <timestamp> seen in its documents (-1: none) */
} Resource;

typedef struct {
    char *resource, *id, *uri, *status, *event;
} WinfoEntry;

typedef struct UePresence UePresence;

typedef enum { WATCH_IDLE, WATCH_SUBSCRIBED, WATCH_THINK } WatchPhase;

typedef struct {
    UePresence *p;
    char *target, *event;
    gboolean list, automatic, stopped, no_refresh;
    guint32 expires;
    SipSubscription *sub;
    WatchPhase phase;
    SimEventId timer; /* auto watch: end of life (SUBSCRIBED) or end of the pause (THINK) */
    SimTime started;  /* the last initial SUBSCRIBE */
    char *end_reason;
    guint64 subscribes, notifies, bad_bodies;
    guint64 lat_n;
    double lat_sum_ms, lat_max_ms;
    GPtrArray *resources; /* Resource*, first-seen order */
    GPtrArray *watchers;  /* WinfoEntry*, first-seen order */
} Watch;

struct UePresence {
    SimNode *node;
    SipNode *sn;
    const char *impu;
    SipUa *ua;
    gboolean used; /* report only then */
    SimRng *rng;
    /* publication */
    SipPublication *pub;
    guint32 pub_expires;
    guint64 pub_requests, pub_sent_before; /* sip_pub_sent of publications already freed */
    GTree *results; /* status (GINT) -> count */
    char *last_basic, *last_activities;
    /* watches */
    GPtrArray *watches; /* Watch* */
    /* model */
    SimTime publish_interval, watch_duration;
    GStrv activity_choices;
    SimEventId publish_timer;
};

static void presence_event(UePresence *p, const char *name, const SimAttr *attrs, size_t n)
{
    sim_node_event(p->node, name, attrs, n);
}

static void ignored(UePresence *p, const char *action, const char *why)
{
    SimAttr a[] = {SIM_ATTR_S("action", action), SIM_ATTR_S("state", why)};
    presence_event(p, "action-ignored", a, G_N_ELEMENTS(a));
}

/* ---- life ------------------------------------------------------------------------------------- */

static void resource_free(gpointer x)
{
    Resource *r = x;
    g_free(r->uri);
    if (r->doc)
        pidf_doc_free(r->doc);
    g_free(r->basic);
    g_free(r->activities);
    g_free(r);
}

static void winfo_entry_free(gpointer x)
{
    WinfoEntry *e = x;
    g_free(e->resource);
    g_free(e->id);
    g_free(e->uri);
    g_free(e->status);
    g_free(e->event);
    g_free(e);
}

static void watch_free(gpointer x)
{
    Watch *w = x;
    sim_engine_cancel(w->p->node->world->engine, w->timer);
    g_free(w->target);
    g_free(w->event);
    g_free(w->end_reason);
    g_ptr_array_free(w->resources, TRUE);
    g_ptr_array_free(w->watchers, TRUE);
    g_free(w);
}

static Watch *watch_get(UePresence *p, const char *target, const char *event)
{
    for (guint i = 0; i < p->watches->len; i++) {
        Watch *w = p->watches->pdata[i];
        if (g_str_equal(w->target, target) && g_str_equal(w->event, event))
            return w;
    }
    Watch *w = g_new0(Watch, 1);
    w->p = p;
    w->target = g_strdup(target);
    w->event = g_strdup(event);
    w->expires = WATCH_EXPIRES_DEFAULT;
    w->resources = g_ptr_array_new_with_free_func(resource_free);
    w->watchers = g_ptr_array_new_with_free_func(winfo_entry_free);
    g_ptr_array_add(p->watches, w);
    return w;
}

static gint int_cmp(gconstpointer a, gconstpointer b, gpointer user)
{
    (void)user;
    int x = GPOINTER_TO_INT(a), y = GPOINTER_TO_INT(b);
    return x < y ? -1 : x > y;
}

UePresence *ue_presence_new(SimNode *node, SipNode *sn, const char *impu, const SimConfig *cfg)
{
    UePresence *p = g_new0(UePresence, 1);
    p->node = node;
    p->sn = sn;
    p->impu = impu;
    p->rng = sim_node_rng_new(node, "presence");
    p->results = g_tree_new_full(int_cmp, NULL, NULL, NULL);
    p->watches = g_ptr_array_new_with_free_func(watch_free);
    p->pub_expires = PUB_EXPIRES_DEFAULT;
    p->publish_interval = sim_config_time(cfg, "publish-interval");
    p->watch_duration = sim_config_time(cfg, "watch-duration");
    p->activity_choices = sim_config_list(cfg, "activity-choices");
    g_auto(GStrv) watch = sim_config_list(cfg, "watch");
    for (char **t = watch; *t; t++) {
        Watch *w = watch_get(p, *t, "presence");
        w->automatic = TRUE;
        w->list = TRUE; /* a `watch` URI may name a resource list (RFC 4662 §4.1: the RLS decides) */
    }
    p->used = p->publish_interval > 0 || watch[0] != NULL;
    return p;
}

void ue_presence_free(UePresence *p)
{
    if (!p)
        return;
    sip_ua_free(p->ua);
    sim_engine_cancel(p->node->world->engine, p->publish_timer);
    g_ptr_array_free(p->watches, TRUE);
    g_tree_destroy(p->results);
    g_strfreev(p->activity_choices);
    g_free(p->last_basic);
    g_free(p->last_activities);
    sim_rng_free(p->rng);
    g_free(p);
}

/* ---- publishing ------------------------------------------------------------------------------- */

static void on_pub_result(SipPublication *pub, int status, void *user)
{
    UePresence *p = user;
    (void)pub;
    gpointer key = GINT_TO_POINTER(status);
    g_tree_replace(p->results, key, GSIZE_TO_POINTER(GPOINTER_TO_SIZE(g_tree_lookup(p->results, key)) + 1));
}

static const SipPubHandlers pub_handlers = {.result = on_pub_result};

/* A PIDF of the user (RFC 3863, RFC 4479 person, RFC 4480 activities, RFC 4119 location) and
 * PUBLISH of it. ACTIVITIES NULL-terminated, "available" meaning none. */
static void ue_publish(UePresence *p, const char *basic, const char *const *activities, const char *note,
                       gboolean located, double lat, double lon, guint32 expires)
{
    SimTime now = sim_world_now(p->node->world);
    g_autoptr(PidfDoc) doc = pidf_doc_new(p->impu);
    g_autofree char *tid = g_strdup_printf("t-%s", p->node->name);
    g_autofree char *pid = g_strdup_printf("p-%s", p->node->name);
    PidfTuple *t = pidf_doc_add_tuple(doc, tid, basic);
    t->contact = g_strdup(p->impu);
    t->timestamp = pidf_timestamp_format(now);
    if (located) { /* RFC 4119 §2.2.2; usage rules: no retransmission (§2.2.5) */
        PidfGeopriv geo = {.has_point = TRUE, .latitude = lat, .longitude = lon, .method = (char *)"GPS"};
        pidf_tuple_set_geopriv(t, &geo);
    }
    PidfPerson *person = pidf_doc_add_person(doc, pid);
    GString *acts = g_string_new(NULL);
    for (const char *const *a = activities; a && *a; a++) {
        if (g_str_equal(*a, "available"))
            continue; /* not an RPID activity: open with nothing to say */
        pidf_person_add_activity(person, *a);
        g_string_append_printf(acts, "%s%s", acts->len ? "," : "", *a);
    }
    if (note && *note)
        person->note = g_strdup(note);
    person->timestamp = pidf_timestamp_format(now);
    GError *err = NULL;
    size_t len = 0;
    g_autofree char *body = pidf_doc_print(doc, &len, &err);
    if (!body) {
        ignored(p, "publish", err ? err->message : "PIDF not printed");
        g_clear_error(&err);
        g_string_free(acts, TRUE);
        return;
    }
    if (!p->pub || expires != p->pub_expires) {
        if (p->pub) { /* another lifetime: remove the old publication, start a new one (RFC 3903 §4.5) */
            sip_pub_remove(p->pub);
            p->pub_sent_before += sip_pub_sent(p->pub);
        }
        SipPubSpec spec = {.target = p->impu, .from = p->impu, .event = "presence", .expires = expires};
        p->pub_expires = expires;
        p->pub = sip_ua_publication_new(p->ua, &spec, &pub_handlers, p);
    }
    g_free(p->last_basic);
    p->last_basic = g_strdup(basic);
    g_free(p->last_activities);
    p->last_activities = g_string_free(acts, FALSE);
    p->pub_requests++;
    p->used = TRUE;
    SimAttr a[] = {SIM_ATTR_S("basic", basic), SIM_ATTR_S("activities", p->last_activities),
                   SIM_ATTR_B("location", located), SIM_ATTR_I("bytes", len)};
    presence_event(p, "presence-published", a, G_N_ELEMENTS(a));
    sip_pub_publish(p->pub, PIDF_CONTENT_TYPE, body, len);
}

/* ---- views: what the watcher was told ---------------------------------------------------------- */

/* The newest <timestamp> of DOC, FALSE when it has none. */
static gboolean newest_timestamp(const PidfDoc *doc, gint64 *out)
{
    gboolean any = FALSE;
    gint64 best = 0, ts;
    for (guint i = 0; i < doc->tuples->len; i++) {
        const PidfTuple *t = doc->tuples->pdata[i];
        if (t->timestamp && pidf_timestamp_parse(t->timestamp, &ts) && (!any || ts > best))
            best = ts, any = TRUE;
    }
    for (guint i = 0; i < doc->persons->len; i++) {
        const PidfPerson *pe = doc->persons->pdata[i];
        if (pe->timestamp && pidf_timestamp_parse(pe->timestamp, &ts) && (!any || ts > best))
            best = ts, any = TRUE;
    }
    for (guint i = 0; i < doc->devices->len; i++) {
        const PidfDevice *d = doc->devices->pdata[i];
        if (d->timestamp && pidf_timestamp_parse(d->timestamp, &ts) && (!any || ts > best))
            best = ts, any = TRUE;
    }
    *out = best;
    return any;
}

static Resource *resource_get(Watch *w, const char *uri)
{
    for (guint i = 0; i < w->resources->len; i++) {
        Resource *r = w->resources->pdata[i];
        if (g_str_equal(r->uri, uri))
            return r;
    }
    Resource *r = g_new0(Resource, 1);
    r->uri = g_strdup(uri);
    r->newest = -1;
    g_ptr_array_add(w->resources, r);
    return r;
}

/* Keeps DOC (taken) as RESOURCE's view and traces it. */
static void view_presence(Watch *w, const char *resource, PidfDoc *doc)
{
    Resource *r = resource_get(w, resource);
    if (r->doc)
        pidf_doc_free(r->doc);
    r->doc = doc;
    const char *basic = NULL;
    for (guint i = 0; i < doc->tuples->len && !basic; i++)
        basic = ((const PidfTuple *)doc->tuples->pdata[i])->basic;
    GString *acts = g_string_new(NULL);
    for (guint i = 0; i < doc->persons->len; i++) {
        const PidfPerson *pe = doc->persons->pdata[i];
        for (guint k = 0; k < pe->activities->len; k++)
            g_string_append_printf(acts, "%s%s", acts->len ? "," : "", (const char *)pe->activities->pdata[k]);
    }
    g_free(r->basic);
    r->basic = g_strdup(basic ? basic : "");
    g_free(r->activities);
    r->activities = g_string_free(acts, FALSE);
    r->location = pidf_doc_has_location(doc);
    gint64 ts;
    SimAttr a[8] = {
        SIM_ATTR_S("target", w->target),  SIM_ATTR_S("resource", resource),    SIM_ATTR_S("basic", r->basic),
        SIM_ATTR_S("activities", r->activities), SIM_ATTR_B("location", r->location),
    };
    size_t n = 5;
    if (newest_timestamp(doc, &ts)) { /* publish-to-notify latency: the document's own clock */
        SimTime lat = sim_world_now(w->p->node->world) - ts;
        a[n++] = SIM_ATTR_I("latency_ms", lat / SIM_MS);
        a[n++] = SIM_ATTR_I("latency_us", lat / SIM_US);
        /* The report's latency is publish-to-notify: only state published while we watched and not
         * seen before (the first NOTIFY shows old state; a final NOTIFY repeats it). */
        if (ts > r->newest && ts >= w->started) {
            double ms = (double)lat / 1e6;
            w->lat_n++;
            w->lat_sum_ms += ms;
            w->lat_max_ms = MAX(w->lat_max_ms, ms);
        }
        r->newest = MAX(r->newest, ts);
    }
    presence_event(w->p, "presence-view", a, n);
}

static void view_winfo(Watch *w, const WinfoDoc *doc)
{
    if (doc->full) /* RFC 3858 §4.4: full state replaces what we had */
        g_ptr_array_set_size(w->watchers, 0);
    for (guint i = 0; i < doc->lists->len; i++) {
        const WinfoList *l = doc->lists->pdata[i];
        for (guint k = 0; k < l->watchers->len; k++) {
            const WinfoWatcher *ww = l->watchers->pdata[k];
            WinfoEntry *e = NULL;
            for (guint j = 0; j < w->watchers->len && !e; j++) {
                WinfoEntry *x = w->watchers->pdata[j];
                if (g_str_equal(x->resource, l->resource ? l->resource : "") && g_str_equal(x->id, ww->id))
                    e = x;
            }
            if (!e) {
                e = g_new0(WinfoEntry, 1);
                e->resource = g_strdup(l->resource ? l->resource : "");
                e->id = g_strdup(ww->id);
                g_ptr_array_add(w->watchers, e);
            }
            g_free(e->uri);
            g_free(e->status);
            g_free(e->event);
            e->uri = g_strdup(ww->uri ? ww->uri : "");
            e->status = g_strdup(ww->status ? ww->status : "");
            e->event = g_strdup(ww->event ? ww->event : "");
            SimAttr a[] = {SIM_ATTR_S("target", w->target), SIM_ATTR_S("resource", e->resource),
                           SIM_ATTR_S("watcher", e->uri), SIM_ATTR_S("status", e->status),
                           SIM_ATTR_S("event", e->event)};
            presence_event(w->p, "winfo-view", a, G_N_ELEMENTS(a));
        }
    }
}

/* "type/subtype" of M in lower case, or NULL. g_free. */
static char *content_type_of(const osip_message_t *m)
{
    if (!m->content_type || !m->content_type->type || !m->content_type->subtype)
        return NULL;
    g_autofree char *t = g_strdup_printf("%s/%s", m->content_type->type, m->content_type->subtype);
    return g_ascii_strdown(t, -1);
}

static void bad_body(Watch *w, const char *what, GError *err)
{
    w->bad_bodies++;
    SimAttr a[] = {SIM_ATTR_S("target", w->target), SIM_ATTR_S("body", what),
                   SIM_ATTR_S("error", err ? err->message : "?")};
    presence_event(w->p, "presence-bad-body", a, G_N_ELEMENTS(a));
}

/* RFC 4662 §5: the RLMI root names each resource and the part (by Content-ID) holding its state. */
static void view_list(Watch *w, const osip_message_t *notify)
{
    GError *err = NULL;
    g_autoptr(SipMultipart) mp = sip_multipart_from_message(notify, &err);
    if (!mp || !mp->parts->len) {
        bad_body(w, "multipart", err);
        g_clear_error(&err);
        return;
    }
    const SipPart *root = mp->parts->pdata[0];
    for (guint i = 0; mp->start && i < mp->parts->len; i++) {
        const SipPart *part = mp->parts->pdata[i];
        if (part->content_id && g_str_equal(part->content_id, mp->start))
            root = part;
    }
    gsize len;
    const void *data = g_bytes_get_data(root->data, &len);
    g_autoptr(RlmiDoc) rlmi = rlmi_doc_parse(data, len, &err);
    if (!rlmi) {
        bad_body(w, "rlmi", err);
        g_clear_error(&err);
        return;
    }
    for (guint i = 0; i < rlmi->resources->len; i++) {
        const RlmiResource *r = rlmi->resources->pdata[i];
        const SipPart *part = NULL;
        for (guint k = 0; r->cid && k < mp->parts->len && !part; k++) {
            const SipPart *x = mp->parts->pdata[k];
            if (x->content_id && g_str_equal(x->content_id, r->cid))
                part = x;
        }
        if (!part)
            continue; /* pending / terminated instance: no state to show */
        data = g_bytes_get_data(part->data, &len);
        PidfDoc *doc = pidf_doc_parse(data, len, &err);
        if (!doc) {
            bad_body(w, "pidf", err);
            g_clear_error(&err);
            continue;
        }
        view_presence(w, r->uri, doc);
    }
}

static void on_notify(SipSubscription *sub, const osip_message_t *notify, const SipSubscriptionState *ss, void *user)
{
    Watch *w = user;
    (void)sub, (void)ss;
    w->notifies++;
    size_t len = 0;
    const char *body = sip_message_body(notify, &len);
    g_autofree char *ct = content_type_of(notify);
    if (!ct || !body || !len)
        return; /* e.g. pending with no state yet */
    GError *err = NULL;
    if (g_str_equal(ct, "multipart/related")) {
        view_list(w, notify);
    } else if (g_str_equal(ct, PIDF_CONTENT_TYPE)) {
        PidfDoc *doc = pidf_doc_parse(body, len, &err);
        if (doc)
            view_presence(w, w->target, doc);
        else
            bad_body(w, "pidf", err);
    } else if (g_str_equal(ct, WINFO_CONTENT_TYPE)) {
        g_autoptr(WinfoDoc) doc = winfo_doc_parse(body, len, &err);
        if (doc)
            view_winfo(w, doc);
        else
            bad_body(w, "watcherinfo", err);
    } else {
        bad_body(w, ct, NULL);
    }
    g_clear_error(&err);
}

/* ---- watches ---------------------------------------------------------------------------------- */

static void watch_subscribe(Watch *w);
static void watch_stop(Watch *w, gboolean for_good);

static void auto_tick(void *arg)
{
    Watch *w = arg;
    w->timer = 0;
    if (w->phase == WATCH_SUBSCRIBED)
        watch_stop(w, FALSE); /* its life is over; ended() starts the pause */
    else if (w->phase == WATCH_THINK && w->p->ua)
        watch_subscribe(w);
}

static void auto_arm(Watch *w)
{
    UePresence *p = w->p;
    if (!w->automatic || p->watch_duration <= 0)
        return;
    SimTime d = (SimTime)(sim_rng_exponential(p->rng, (double)p->watch_duration) + 0.5);
    sim_engine_cancel(p->node->world->engine, w->timer);
    w->timer = sim_engine_schedule_in(p->node->world->engine, d, auto_tick, w);
}

static void on_ended(SipSubscription *sub, const char *reason, void *user)
{
    Watch *w = user;
    (void)sub;
    w->sub = NULL;
    g_free(w->end_reason);
    w->end_reason = g_strdup(reason);
    w->phase = WATCH_IDLE;
    if (w->automatic && !w->stopped && w->p->ua && w->p->watch_duration > 0) {
        w->phase = WATCH_THINK; /* the pause before watching again */
        auto_arm(w);
    }
}

static const SipSubHandlers sub_handlers = {.notify = on_notify, .ended = on_ended};

static void watch_subscribe(Watch *w)
{
    UePresence *p = w->p;
    gboolean winfo = g_str_equal(w->event, "presence.winfo");
    SipSubSpec spec = {
        .target = w->target,
        .from = p->impu,
        .event = w->event,
        .accept = winfo ? ACCEPT_WINFO : w->list ? ACCEPT_LIST : ACCEPT_PRESENCE,
        .eventlist = w->list && !winfo,
        .expires = w->expires,
        .refresh = !w->no_refresh,
    };
    w->stopped = FALSE;
    w->sub = sip_ua_subscribe(p->ua, &spec, &sub_handlers, w);
    if (!w->sub) {
        w->phase = WATCH_IDLE;
        g_free(w->end_reason);
        w->end_reason = g_strdup("not sent");
        return;
    }
    w->subscribes++;
    w->started = sim_world_now(p->node->world);
    w->phase = WATCH_SUBSCRIBED;
    p->used = TRUE;
    auto_arm(w);
}

/* Unsubscribes W; FOR_GOOD: an auto watch does not come back (the unsubscribe action). */
static void watch_stop(Watch *w, gboolean for_good)
{
    if (for_good) {
        w->stopped = TRUE;
        sim_engine_cancel(w->p->node->world->engine, w->timer);
        w->timer = 0;
        if (w->phase == WATCH_THINK)
            w->phase = WATCH_IDLE;
    }
    if (w->sub)
        sip_sub_unsubscribe(w->sub);
}

/* ---- registration ----------------------------------------------------------------------------- */

static void publish_tick(void *arg);

static void publish_arm(UePresence *p)
{
    if (p->publish_interval <= 0 || !p->activity_choices[0])
        return;
    SimTime d = (SimTime)(sim_rng_exponential(p->rng, (double)p->publish_interval) + 0.5);
    p->publish_timer = sim_engine_schedule_in(p->node->world->engine, d, publish_tick, p);
}

static void publish_tick(void *arg)
{
    UePresence *p = arg;
    p->publish_timer = 0;
    if (!p->ua)
        return;
    guint n = g_strv_length(p->activity_choices);
    const char *activity = p->activity_choices[sim_rng_range(p->rng, 0, n - 1)];
    const char *const acts[] = {activity, NULL};
    ue_publish(p, "open", acts, NULL, FALSE, 0, 0, p->pub_expires);
    publish_arm(p);
}

void ue_presence_registered(UePresence *p, const SipUaConfig *cfg)
{
    if (p->ua) {
        sip_ua_reconfigure(p->ua, cfg); /* a re-registration: same SAs or new ones */
        return;
    }
    p->ua = sip_ua_new(p->sn, cfg);
    for (guint i = 0; i < p->watches->len; i++) {
        Watch *w = p->watches->pdata[i];
        if (w->automatic && !w->stopped && w->phase == WATCH_IDLE)
            watch_subscribe(w);
    }
    if (!p->publish_timer)
        publish_arm(p);
}

void ue_presence_deregistered(UePresence *p)
{
    if (!p->ua)
        return;
    SimEngine *e = p->node->world->engine;
    for (guint i = 0; i < p->watches->len; i++) {
        Watch *w = p->watches->pdata[i];
        sim_engine_cancel(e, w->timer);
        w->timer = 0;
        if (w->sub) {
            w->sub = NULL;
            g_free(w->end_reason);
            w->end_reason = g_strdup("deregistered");
        }
        w->phase = WATCH_IDLE;
    }
    sim_engine_cancel(e, p->publish_timer);
    p->publish_timer = 0;
    if (p->pub)
        p->pub_sent_before += sip_pub_sent(p->pub);
    p->pub = NULL;
    sip_ua_free(p->ua); /* RFC 3903 / RFC 6665 state at the PS runs out by itself */
    p->ua = NULL;
}

gboolean ue_presence_handle_request(UePresence *p, SipTxn *txn, const osip_message_t *req)
{
    return p && p->ua && sip_ua_handle_request(p->ua, txn, req);
}

gboolean ue_presence_handle_response(UePresence *p, SipTxn *txn, const osip_message_t *resp)
{
    return p && p->ua && sip_ua_handle_response(p->ua, txn, resp);
}

gboolean ue_presence_handle_failure(UePresence *p, SipTxn *txn, const char *why)
{
    return p && p->ua && sip_ua_handle_failure(p->ua, txn, why);
}

/* ---- report ----------------------------------------------------------------------------------- */

static gboolean report_result(gpointer key, gpointer value, gpointer user)
{
    char k[16];
    g_snprintf(k, sizeof k, "%d", GPOINTER_TO_INT(key));
    sim_report_uint(user, k, GPOINTER_TO_SIZE(value));
    return FALSE;
}

void ue_presence_report(UePresence *p, SimReport *r)
{
    if (!p || !p->used)
        return;
    sim_report_begin(r, "presence");
    sim_report_begin(r, "publication");
    sim_report_uint(r, "publishes", p->pub_requests);
    sim_report_uint(r, "sent", p->pub_sent_before + (p->pub ? sip_pub_sent(p->pub) : 0));
    sim_report_begin(r, "results");
    g_tree_foreach(p->results, report_result, r);
    sim_report_end(r);
    if (p->last_basic) {
        sim_report_string(r, "last_basic", p->last_basic);
        sim_report_string(r, "last_activities", p->last_activities);
    }
    if (p->pub && sip_pub_etag(p->pub))
        sim_report_string(r, "etag", sip_pub_etag(p->pub));
    sim_report_end(r);
    sim_report_begin(r, "subscriptions");
    for (guint i = 0; i < p->watches->len; i++) {
        Watch *w = p->watches->pdata[i];
        sim_report_begin(r, w->target);
        sim_report_begin(r, w->event);
        sim_report_string(r, "state", w->sub ? sip_sub_state_name(sip_sub_state(w->sub))
                                      : w->phase == WATCH_THINK ? "paused" : w->subscribes ? "terminated" : "idle");
        if (!w->sub && w->end_reason)
            sim_report_string(r, "end_reason", w->end_reason);
        sim_report_bool(r, "list", w->list);
        sim_report_uint(r, "subscribes", w->subscribes);
        sim_report_uint(r, "notifies", w->notifies);
        if (w->bad_bodies)
            sim_report_uint(r, "bad_bodies", w->bad_bodies);
        const Resource *last = NULL;
        for (guint k = 0; k < w->resources->len; k++)
            if (((const Resource *)w->resources->pdata[k])->doc)
                last = w->resources->pdata[k];
        if (w->resources->len == 1 && last) {
            sim_report_string(r, "last_basic", last->basic);
            sim_report_string(r, "last_activities", last->activities);
            sim_report_bool(r, "last_location", last->location);
        } else if (w->resources->len > 1) {
            sim_report_begin(r, "resources");
            for (guint k = 0; k < w->resources->len; k++) {
                const Resource *res = w->resources->pdata[k];
                sim_report_begin(r, res->uri);
                sim_report_string(r, "last_basic", res->basic);
                sim_report_string(r, "last_activities", res->activities);
                sim_report_bool(r, "last_location", res->location);
                sim_report_end(r);
            }
            sim_report_end(r);
        }
        if (w->lat_n) {
            sim_report_uint(r, "latency_samples", w->lat_n);
            sim_report_double(r, "latency_mean_ms", w->lat_sum_ms / (double)w->lat_n, 3);
            sim_report_double(r, "latency_max_ms", w->lat_max_ms, 3);
        }
        if (w->watchers->len) {
            sim_report_begin(r, "watchers");
            for (guint k = 0; k < w->watchers->len; k++) {
                const WinfoEntry *e = w->watchers->pdata[k];
                sim_report_string(r, e->uri, e->status);
            }
            sim_report_end(r);
        }
        sim_report_end(r);
        sim_report_end(r);
    }
    sim_report_end(r);
    sim_report_end(r);
}

/* ---- actions ---------------------------------------------------------------------------------- */

static gboolean parse_degrees(const char *text, double limit, double *out)
{
    char *end = NULL;
    double d = g_ascii_strtod(text, &end);
    if (!end || end == text || *end || !isfinite(d) || d < -limit || d > limit)
        return FALSE;
    *out = d;
    return TRUE;
}

static const char *const basic_choices[] = {"open", "closed", NULL};
static const char *const event_choices[] = {"presence", "presence.winfo", NULL};

static const SimKeySpec publish_keys[] = {
    {"basic", SIM_KEY_ENUM, "open", "the tuple's basic status (RFC 3863 §4.1.4)", basic_choices, 0, 0, NULL},
    {"activities", SIM_KEY_LIST, "", "RPID activities of the person (RFC 4480 §3.2): busy, on-the-phone, away, "
     "meeting, ...", NULL, 0, 0, NULL},
    {"note", SIM_KEY_STRING, "", "a free-text note on the person", NULL, 0, 0, NULL},
    {"latitude", SIM_KEY_STRING, "", "location (RFC 4119 geopriv, method GPS), degrees -90..90, with longitude",
     NULL, 0, 0, NULL},
    {"longitude", SIM_KEY_STRING, "", "degrees -180..180, with latitude", NULL, 0, 0, NULL},
    {"expires", SIM_KEY_TIME, "3600s", "publication lifetime asked for (refreshed before it runs out)", NULL, 0, 0,
     NULL},
    SIM_KEY_END,
};

static const SimKeySpec subscribe_keys[] = {
    {"target", SIM_KEY_STRING, NULL, "the presentity or resource list URI (sip:bob@home.example.net)", NULL, 0, 0,
     NULL},
    {"event", SIM_KEY_ENUM, "presence", "event package: presence (RFC 3856) or presence.winfo (RFC 3857)",
     event_choices, 0, 0, NULL},
    {"expires", SIM_KEY_TIME, "600s", "subscription duration asked for (refreshed before it runs out)", NULL, 0, 0,
     NULL},
    {"list", SIM_KEY_BOOL, "false", "a resource list subscription (Supported: eventlist, RFC 4662)", NULL, 0, 0, NULL},
    {"refresh", SIM_KEY_BOOL, "true", "re-SUBSCRIBE before expiry; false lets the notifier end it (reason=timeout)", NULL,
     0, 0, NULL},
    SIM_KEY_END,
};

static const SimKeySpec unsubscribe_keys[] = {
    {"target", SIM_KEY_STRING, NULL, "the URI subscribed to (every event package of it)", NULL, 0, 0, NULL},
    SIM_KEY_END,
};

static const SimKeySpec no_keys[] = {SIM_KEY_END};

static gboolean uri_ok(const char *s)
{
    return g_str_has_prefix(s, "sip:") || g_str_has_prefix(s, "sips:") || g_str_has_prefix(s, "pres:");
}

static gboolean publish_check(const char *name, const SimConfig *args, const char **bad_key, GError **error)
{
    (void)name;
    double d;
    if (sim_config_has(args, "latitude") != sim_config_has(args, "longitude")) {
        *bad_key = sim_config_has(args, "latitude") ? "latitude" : "longitude";
        g_set_error(error, SIM_PARSE_ERROR, 0, "latitude and longitude go together");
        return FALSE;
    }
    if (sim_config_has(args, "latitude") && !parse_degrees(sim_config_string(args, "latitude"), 90, &d)) {
        *bad_key = "latitude";
        g_set_error(error, SIM_PARSE_ERROR, 0, "a number of degrees from -90 to 90");
        return FALSE;
    }
    if (sim_config_has(args, "longitude") && !parse_degrees(sim_config_string(args, "longitude"), 180, &d)) {
        *bad_key = "longitude";
        g_set_error(error, SIM_PARSE_ERROR, 0, "a number of degrees from -180 to 180");
        return FALSE;
    }
    SimTime e = sim_config_time(args, "expires");
    if (e < SIM_S || e / SIM_S > G_MAXINT32) {
        *bad_key = "expires";
        g_set_error(error, SIM_PARSE_ERROR, 0, "from 1 s to 2^31 - 1 s");
        return FALSE;
    }
    return TRUE;
}

static gboolean subscribe_check(const char *name, const SimConfig *args, const char **bad_key, GError **error)
{
    (void)name;
    if (!uri_ok(sim_config_string(args, "target"))) {
        *bad_key = "target";
        g_set_error(error, SIM_PARSE_ERROR, 0, "not a sip:, sips: or pres: URI");
        return FALSE;
    }
    if (sim_config_time(args, "expires") / SIM_S > G_MAXINT32) {
        *bad_key = "expires";
        g_set_error(error, SIM_PARSE_ERROR, 0, "at most 2^31 - 1 s");
        return FALSE;
    }
    return TRUE;
}

static void publish_run(SimNode *node, const char *name, const SimConfig *args)
{
    (void)name;
    UePresence *p = ue_presence_of(node);
    if (!p->ua) {
        ignored(p, "publish", "not registered");
        return;
    }
    g_auto(GStrv) acts = sim_config_list(args, "activities");
    double lat = 0, lon = 0;
    gboolean located = sim_config_has(args, "latitude") &&
                       parse_degrees(sim_config_string(args, "latitude"), 90, &lat) &&
                       parse_degrees(sim_config_string(args, "longitude"), 180, &lon);
    const char *note = sim_config_has(args, "note") ? sim_config_string(args, "note") : NULL;
    ue_publish(p, sim_config_string(args, "basic"), (const char *const *)acts, note, located, lat, lon,
               (guint32)(sim_config_time(args, "expires") / SIM_S));
}

static void unpublish_run(SimNode *node, const char *name, const SimConfig *args)
{
    (void)name, (void)args;
    UePresence *p = ue_presence_of(node);
    if (!p->pub) {
        ignored(p, "unpublish", "nothing published");
        return;
    }
    sip_pub_remove(p->pub);
}

static void subscribe_run(SimNode *node, const char *name, const SimConfig *args)
{
    (void)name;
    UePresence *p = ue_presence_of(node);
    if (!p->ua) {
        ignored(p, "subscribe", "not registered");
        return;
    }
    Watch *w = watch_get(p, sim_config_string(args, "target"), sim_config_string(args, "event"));
    if (w->sub) {
        ignored(p, "subscribe", "already subscribed");
        return;
    }
    sim_engine_cancel(node->world->engine, w->timer); /* an auto watch in its pause: now, by hand */
    w->timer = 0;
    w->list = sim_config_bool(args, "list");
    w->no_refresh = !sim_config_bool(args, "refresh");
    w->expires = (guint32)(sim_config_time(args, "expires") / SIM_S);
    watch_subscribe(w);
}

static void unsubscribe_run(SimNode *node, const char *name, const SimConfig *args)
{
    (void)name;
    UePresence *p = ue_presence_of(node);
    const char *target = sim_config_string(args, "target");
    gboolean any = FALSE;
    for (guint i = 0; i < p->watches->len; i++) {
        Watch *w = p->watches->pdata[i];
        if (g_str_equal(w->target, target) && (w->sub || w->phase == WATCH_THINK)) {
            watch_stop(w, TRUE);
            any = TRUE;
        }
    }
    if (!any)
        ignored(p, "unsubscribe", "not subscribed");
}

static gboolean target_check(const char *name, const SimConfig *args, const char **bad_key, GError **error)
{
    (void)name;
    if (!uri_ok(sim_config_string(args, "target"))) {
        *bad_key = "target";
        g_set_error(error, SIM_PARSE_ERROR, 0, "not a sip:, sips: or pres: URI");
        return FALSE;
    }
    return TRUE;
}

const SimActionKind sim_action_publish = {
    .name = "publish",
    .summary = "publish the user's presence (PIDF with RPID activities and optional location) through the P-CSCF",
    .keys = publish_keys,
    .node_kinds = (const char *const[]){"ue", NULL},
    .check = publish_check,
    .run = publish_run,
};

const SimActionKind sim_action_unpublish = {
    .name = "unpublish",
    .summary = "remove the UE's publication (PUBLISH Expires 0, RFC 3903 §4.5)",
    .keys = no_keys,
    .node_kinds = (const char *const[]){"ue", NULL},
    .run = unpublish_run,
};

const SimActionKind sim_action_subscribe = {
    .name = "subscribe",
    .summary = "subscribe to a presentity, a resource list or watcher information (RFC 3856, 4662, 3857)",
    .keys = subscribe_keys,
    .node_kinds = (const char *const[]){"ue", NULL},
    .check = subscribe_check,
    .run = subscribe_run,
};

const SimActionKind sim_action_unsubscribe = {
    .name = "unsubscribe",
    .summary = "end the UE's subscriptions to a URI (SUBSCRIBE Expires 0)",
    .keys = unsubscribe_keys,
    .node_kinds = (const char *const[]){"ue", NULL},
    .check = target_check,
    .run = unsubscribe_run,
};
