/* ps-publish.c: PUBLISH at the Presence Server (RFC 3903 §6, the event state compositor) and the
 * composition of a presentity's sources.
 *
 * RFC 3903 §6 in order: Event must be presence (489); SIP-If-Match names a live publication (else
 * 412); Expires within range (423 with Min-Expires below it); a body is needed without SIP-If-Match
 * (400) and must be application/pidf+xml (415) that parses (400); Expires 0 removes the publication.
 * Each 2xx carries a fresh SIP-ETag and the Expires granted. A publication that is not refreshed in
 * time expires (§6 step 8) and the composed state changes without it.
 * Composition is pidf_compose() (per element newest wins, ties by the source's priority) over the
 * live publications of the presentity; watchers hear of it through ps_notify_watchers().
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/ps/ps-private.h"
#include <string.h>

void ps_pub_free(gpointer p)
{
    PsPub *pub = p;
    Ps *ps = pub->pt->ps;
    sim_engine_cancel(ps->node->world->engine, pub->timer);
    if (pub->etag && g_hash_table_lookup(ps->etags, pub->etag) == pub)
        g_hash_table_remove(ps->etags, pub->etag);
    g_free(pub->etag);
    g_free(pub->source);
    if (pub->doc)
        pidf_doc_free(pub->doc);
    g_free(pub);
}

void ps_presentity_changed(PsPresentity *pt)
{
    PidfSource *src = g_new0(PidfSource, pt->pubs->len ? pt->pubs->len : 1);
    guint n = 0;
    for (guint i = 0; i < pt->pubs->len; i++) {
        const PsPub *pub = pt->pubs->pdata[i];
        if (!pub->doc)
            continue;
        src[n].doc = pub->doc;
        src[n].time = pub->time;
        src[n].priority = pub->priority;
        n++;
    }
    if (pt->composed)
        pidf_doc_free(pt->composed);
    pt->composed = n ? pidf_compose(pt->aor, src, n) : NULL;
    g_free(src);
    ps_notify_watchers(pt);
}

/* A fresh entity-tag (RFC 3903 §6 step 7): unique for the PS's life. */
static char *new_etag(Ps *ps)
{
    g_autofree char *rnd = sip_node_tag(ps->sn);
    return g_strdup_printf("%s%" G_GUINT64_FORMAT, rnd, ++ps->etag_counter);
}

static void pub_expired(void *arg)
{
    PsPub *pub = arg;
    PsPresentity *pt = pub->pt;
    pub->timer = 0;
    SimAttr attrs[] = {SIM_ATTR_S("presentity", pt->aor), SIM_ATTR_S("source", pub->source)};
    sim_node_event(pt->ps->node, "publication-expired", attrs, G_N_ELEMENTS(attrs));
    g_ptr_array_remove(pt->pubs, pub); /* frees it */
    ps_presentity_changed(pt);
}

static void reject(Ps *ps, SipTxn *txn, const osip_message_t *req, PsRefPoint rp, int status, const char *reason,
                   const char *header, const char *value, const char *why)
{
    ps->stats.publish_rejected++;
    SimAttr attrs[] = {SIM_ATTR_I("status", status), SIM_ATTR_S("reason", why)};
    sim_node_event(ps->node, "publish-rejected", attrs, G_N_ELEMENTS(attrs));
    GError *err = NULL;
    g_autofree char *tag = sip_node_tag(ps->sn);
    osip_message_t *resp = sip_response_new(req, status, reason, tag, &err);
    if (resp && header)
        sip_message_add_header(resp, header, value, NULL);
    SipNodeStats before, after;
    sip_node_stats(ps->sn, &before);
    if (!resp || !sip_node_respond(ps->sn, txn, resp, &err))
        g_clear_error(&err);
    sip_node_stats(ps->sn, &after);
    ps_count_out(ps, rp, after.bytes_sent - before.bytes_sent);
}

void ps_publish_request(Ps *ps, SipTxn *txn, const osip_message_t *req, PsRefPoint rp, const char *source)
{
    GError *err = NULL;
    const char *ev_text = sip_message_get_header(req, "Event", 0);
    SipEvent *ev = ev_text ? sip_event_parse(ev_text, &err) : NULL;
    g_clear_error(&err);
    gboolean presence = ev && g_str_equal(ev->type, "presence");
    if (ev)
        sip_event_free(ev);
    if (!presence) { /* RFC 3903 §6 step 2 */
        reject(ps, txn, req, rp, 489, "Bad Event", "Allow-Events", "presence", "event not presence");
        return;
    }
    char *ruri = NULL;
    osip_uri_to_str(req->req_uri, &ruri);
    PsPresentity *pt = ps_presentity_for_uri(ps, ruri);
    osip_free(ruri);
    if (!pt) { /* §6 step 1 */
        reject(ps, txn, req, rp, 404, "Not Found", NULL, NULL, "unknown presentity");
        return;
    }
    const char *if_match = sip_message_get_header(req, "SIP-If-Match", 0);
    PsPub *pub = NULL;
    if (if_match) {
        g_autofree char *tag = sip_etag_parse(if_match, &err);
        g_clear_error(&err);
        pub = tag ? g_hash_table_lookup(ps->etags, tag) : NULL;
        if (!pub || pub->pt != pt) { /* §6 step 4 */
            reject(ps, txn, req, rp, 412, "Conditional Request Failed", NULL, NULL, "unknown entity-tag");
            return;
        }
    }
    gint64 expires = -1;
    const char *exp_text = sip_message_get_header(req, "Expires", 0);
    if (exp_text) {
        guint32 v;
        if (!sip_expires_parse(exp_text, &v, &err)) {
            g_clear_error(&err);
            ps->stats.bad_requests++;
            reject(ps, txn, req, rp, 400, "Bad Request", NULL, NULL, "malformed Expires");
            return;
        }
        expires = v;
    }
    if (expires < 0)
        expires = PS_PUBLISH_EXPIRES_DEFAULT;
    if (expires > 0 && expires < PS_PUBLISH_EXPIRES_MIN) { /* §6 step 5 */
        g_autofree char *min = g_strdup_printf("%d", PS_PUBLISH_EXPIRES_MIN);
        reject(ps, txn, req, rp, 423, "Interval Too Brief", "Min-Expires", min, "expires too brief");
        return;
    }
    expires = MIN(expires, PS_PUBLISH_EXPIRES_MAX);
    size_t len = 0;
    const char *body = sip_message_body(req, &len);
    PidfDoc *doc = NULL;
    if (body && len) {
        osip_content_type_t *ct = osip_message_get_content_type((osip_message_t *)req);
        g_autofree char *full = ct && ct->type && ct->subtype ? g_strdup_printf("%s/%s", ct->type, ct->subtype) : NULL;
        g_autofree char *ct_text = full ? g_ascii_strdown(full, -1) : NULL;
        if (!ct_text || !g_str_equal(ct_text, PIDF_CONTENT_TYPE)) { /* §6 step 6 */
            reject(ps, txn, req, rp, 415, "Unsupported Media Type", "Accept", PIDF_CONTENT_TYPE, "not PIDF");
            return;
        }
        doc = pidf_doc_parse(body, len, &err);
        if (!doc) {
            g_autofree char *why = g_strdup_printf("bad PIDF: %s", err->message);
            g_clear_error(&err);
            ps->stats.bad_requests++;
            reject(ps, txn, req, rp, 400, "Bad Request", NULL, NULL, why);
            return;
        }
    } else if (!pub) { /* §6 step 3: an initial PUBLISH needs a body */
        ps->stats.bad_requests++;
        reject(ps, txn, req, rp, 400, "Bad Request", NULL, NULL, "initial PUBLISH without body");
        return;
    }
    SimTime now = sim_world_now(ps->node->world);
    const char *what;
    if (expires == 0) { /* §6 step 7: removal */
        if (doc)
            pidf_doc_free(doc);
        if (!pub) {
            reject(ps, txn, req, rp, 412, "Conditional Request Failed", NULL, NULL, "removal without entity-tag");
            return;
        }
        g_ptr_array_remove(pt->pubs, pub);
        pub = NULL;
        what = "removed";
    } else {
        if (!pub) {
            pub = g_new0(PsPub, 1);
            pub->pt = pt;
            pub->source = g_strdup(source);
            pub->rp = rp;
            gpointer prio = NULL;
            if (g_hash_table_lookup_extended(ps->priorities, source, NULL, &prio))
                pub->priority = GPOINTER_TO_INT(prio);
            g_ptr_array_add(pt->pubs, pub);
            what = "initial";
        } else {
            g_hash_table_remove(ps->etags, pub->etag);
            g_clear_pointer(&pub->etag, g_free);
            what = doc ? "modify" : "refresh";
        }
        if (doc) {
            if (pub->doc)
                pidf_doc_free(pub->doc);
            pub->doc = doc;
            pub->time = now;
        }
        pub->etag = new_etag(ps);
        g_hash_table_insert(ps->etags, pub->etag, pub);
        sim_engine_cancel(ps->node->world->engine, pub->timer);
        pub->timer = sim_engine_schedule_in(ps->node->world->engine, expires * SIM_S, pub_expired, pub);
    }
    ps->stats.publishes++;
    g_autofree char *tag = sip_node_tag(ps->sn);
    osip_message_t *resp = sip_response_new(req, 200, "OK", tag, &err);
    if (resp) {
        g_autofree char *e = g_strdup_printf("%" G_GINT64_FORMAT, expires);
        sip_message_add_header(resp, "Expires", e, NULL);
        if (pub)
            sip_message_add_header(resp, "SIP-ETag", pub->etag, NULL);
        SipNodeStats before, after;
        sip_node_stats(ps->sn, &before);
        if (!sip_node_respond(ps->sn, txn, resp, &err))
            g_clear_error(&err);
        sip_node_stats(ps->sn, &after);
        ps_count_out(ps, rp, after.bytes_sent - before.bytes_sent);
    } else {
        g_clear_error(&err);
    }
    SimAttr attrs[] = {SIM_ATTR_S("presentity", pt->aor), SIM_ATTR_S("source", source), SIM_ATTR_S("what", what),
                       SIM_ATTR_S("ref_point", ps_ref_point_names[rp]), SIM_ATTR_I("expires", expires)};
    sim_node_event(ps->node, "publication", attrs, G_N_ELEMENTS(attrs));
    if (!g_str_equal(what, "refresh"))
        ps_presentity_changed(pt);
}
