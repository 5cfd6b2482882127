/* sip-ua-pub.c: the event publication agent (EPA, RFC 3903 §4) of a SipUa.
 *
 * DESIGN NOTES
 *
 * A SipPublication is one piece of event state at the ESC, named by the entity-tag the ESC hands
 * out (SIP-ETag of each 2xx, RFC 3903 §4.1). It remembers the last body so that it can start again.
 *
 *   NEW (no etag) --sip_pub_publish--> initial PUBLISH with the body (§4.2)
 *   any --2xx (pub_answer)--> PUBLISHED: etag := SIP-ETag, refresh timer at 80 % of the Expires
 *   PUBLISHED --sip_pub_publish--> modify: SIP-If-Match + body (§4.4)
 *             --refresh timer (pub_refresh)--> refresh: SIP-If-Match, no body (§4.3)
 *             --sip_pub_remove--> remove: SIP-If-Match, Expires 0 (§4.5) --2xx--> NEW
 *   any --412 (pub_answer)--> NEW, and at once an initial PUBLISH with the last body (§4.1 step 4:
 *        the ESC lost our state)
 *   any --423--> the same request again with Expires := Min-Expires (§4.1, §6 step 4)
 *   any --other error, Timer F (result 0)--> unchanged (the ESC's state runs out at its expiry)
 *
 * Invariants: at most one PUBLISH in flight (§4.1: "MUST NOT send a new PUBLISH ... until it has
 * received a final response ... or the previous PUBLISH request has timed out"); what is asked for
 * meanwhile waits in `pending` (a newer body replaces an older one; a remove beats both) and goes out
 * after the answer. The refresh timer runs only while PUBLISHED and nothing is in flight. result()
 * runs for every final answer, after the state above is updated; a publication lives until
 * sip_ua_free().
 * Not done: PUBLISH without Expires (the ESC's default), a separate ESC next hop.
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/ims/sip-ua-private.h"
#include <string.h>

typedef enum { PUB_NONE = 0, PUB_INITIAL, PUB_MODIFY, PUB_REFRESH, PUB_REMOVE, PUB_SEND } PubOp;
static const char *const op_names[] = {"none", "initial", "modify", "refresh", "remove", "send"};

struct SipPublication {
    SipUa *ua;
    guint id;
    char *target, *from, *event;
    guint32 expires; /* asked for (raised by a 423's Min-Expires) */
    SipPubHandlers h;
    void *user;
    char *etag;             /* NULL: nothing published (NEW) */
    char *content_type;     /* the last body, kept for a 412 */
    GBytes *body;
    char *call_id, *from_tag;
    guint32 cseq;
    SimEventId timer;
    gboolean in_flight;
    PubOp pending;          /* PUB_NONE, PUB_SEND (the last body) or PUB_REMOVE */
    guint64 sent, ok, failed;
};

void sip_ua_pub_free(gpointer p)
{
    SipPublication *pub = p;
    sim_engine_cancel(sip_ua_engine(pub->ua), pub->timer);
    g_free(pub->target);
    g_free(pub->from);
    g_free(pub->event);
    g_free(pub->etag);
    g_free(pub->content_type);
    if (pub->body)
        g_bytes_unref(pub->body);
    g_free(pub->call_id);
    g_free(pub->from_tag);
    g_free(pub);
}

static void pub_event(SipPublication *pub, const char *name, const SimAttr *extra, size_t n)
{
    SimAttr attrs[8];
    size_t k = 0;
    attrs[k++] = SIM_ATTR_S("target", pub->target);
    attrs[k++] = SIM_ATTR_S("event", pub->event);
    for (size_t i = 0; i < n && k < G_N_ELEMENTS(attrs); i++)
        attrs[k++] = extra[i];
    sim_node_event(pub->ua->node, name, attrs, k);
}

static void pub_cancel_timer(SipPublication *pub)
{
    sim_engine_cancel(sip_ua_engine(pub->ua), pub->timer);
    pub->timer = 0;
}

/* Sends one PUBLISH. PUB_SEND resolves to initial or modify; a refresh or remove needs an etag, an
 * initial or modify a body. FALSE when nothing was sent. */
static gboolean pub_send(SipPublication *pub, PubOp op)
{
    if (op == PUB_SEND)
        op = pub->etag ? PUB_MODIFY : PUB_INITIAL;
    if ((op == PUB_REFRESH || op == PUB_REMOVE || op == PUB_MODIFY) && !pub->etag)
        return FALSE;
    if ((op == PUB_INITIAL || op == PUB_MODIFY) && !pub->body)
        return FALSE;
    SipUa *ua = pub->ua;
    /* RFC 3903 §4: outside any dialog; one Call-ID per publication, CSeq counting up */
    UaRequest r = {
        .method = "PUBLISH",
        .request_uri = pub->target,
        .from = pub->from,
        .from_tag = pub->from_tag,
        .to = pub->target,
        .call_id = pub->call_id,
        .cseq = ++pub->cseq,
    };
    GError *err = NULL;
    osip_message_t *m = sip_ua_request_new(ua, &r, &err);
    guint32 expires = op == PUB_REMOVE ? 0 : pub->expires;
    g_autofree char *exp = g_strdup_printf("%u", expires);
    gboolean ok = m && sip_ua_add_header(m, "Event", pub->event) && sip_ua_add_header(m, "Expires", exp);
    if (ok && op != PUB_INITIAL) /* §4.3-§4.5 */
        ok = sip_ua_add_header(m, "SIP-If-Match", pub->etag);
    if (ok && (op == PUB_INITIAL || op == PUB_MODIFY)) {
        gsize len;
        const void *data = g_bytes_get_data(pub->body, &len);
        ok = sip_message_set_body(m, pub->content_type, data, len, &err);
    }
    SipTxn *t = NULL;
    if (ok)
        t = sip_ua_send(ua, m, UA_TXN_PUB, pub->id, op, &err);
    else
        sip_message_free(m);
    SimAttr attrs[] = {SIM_ATTR_S("kind", op_names[op]), SIM_ATTR_I("expires", expires),
                       SIM_ATTR_S("etag", pub->etag ? pub->etag : ""),
                       SIM_ATTR_S("error", err ? err->message : "cannot build")};
    pub_event(pub, "pub-sent", attrs, t ? 3 : 4);
    g_clear_error(&err);
    if (!t)
        return FALSE;
    pub->in_flight = TRUE;
    pub->sent++;
    return TRUE;
}

static void pub_refresh(void *arg)
{
    SipPublication *pub = arg;
    pub->timer = 0;
    if (!pub->in_flight)
        pub_send(pub, PUB_REFRESH); /* §4.3: before the entity-tag expires, without a body */
}

/* Sends what is pending, if nothing is in flight. */
static void pub_kick(SipPublication *pub)
{
    if (pub->in_flight || pub->pending == PUB_NONE)
        return;
    PubOp op = pub->pending;
    pub->pending = PUB_NONE;
    pub_send(pub, op);
}

SipPublication *sip_ua_publication_new(SipUa *ua, const SipPubSpec *spec, const SipPubHandlers *h, void *user)
{
    g_return_val_if_fail(ua && spec && spec->target && spec->from && spec->event, NULL);
    SipPublication *pub = g_new0(SipPublication, 1);
    pub->ua = ua;
    pub->id = ++ua->next_id;
    pub->target = g_strdup(spec->target);
    pub->from = g_strdup(spec->from);
    pub->event = g_strdup(spec->event);
    pub->expires = spec->expires;
    if (h)
        pub->h = *h;
    pub->user = user;
    pub->call_id = sip_node_call_id(ua->sn);
    pub->from_tag = sip_node_tag(ua->sn);
    g_hash_table_insert(ua->pubs, GUINT_TO_POINTER(pub->id), pub);
    return pub;
}

void sip_pub_publish(SipPublication *pub, const char *content_type, const char *body, size_t len)
{
    g_return_if_fail(pub && content_type && body);
    g_free(pub->content_type);
    pub->content_type = g_strdup(content_type);
    if (pub->body)
        g_bytes_unref(pub->body);
    pub->body = g_bytes_new(body, len);
    pub->pending = PUB_SEND; /* the newest intent wins over a remove or an older body waiting */
    pub_kick(pub);
}

void sip_pub_remove(SipPublication *pub)
{
    g_return_if_fail(pub);
    pub_cancel_timer(pub);
    if (pub->body) { /* nothing to start again from after a 412 */
        g_bytes_unref(pub->body);
        pub->body = NULL;
    }
    if (!pub->etag && !pub->in_flight) {
        pub->pending = PUB_NONE;
        return; /* nothing at the ESC */
    }
    pub->pending = PUB_REMOVE;
    pub_kick(pub);
}

void sip_ua_pub_answer(SipPublication *pub, int op, int status, const osip_message_t *resp)
{
    SipUa *ua = pub->ua;
    PubOp next = PUB_NONE;
    guint32 secs = 0;
    pub->in_flight = FALSE;
    if (status >= 200 && status < 300) {
        pub->ok++;
        g_clear_pointer(&pub->etag, g_free);
        pub_cancel_timer(pub);
        if (op != PUB_REMOVE) {
            const char *text = sip_message_get_header(resp, "SIP-ETag", 0);
            GError *err = NULL;
            pub->etag = text ? sip_etag_parse(text, &err) : NULL; /* §11.3: in every 2xx */
            g_clear_error(&err);
            if (!sip_ua_header_seconds(resp, "Expires", &secs)) /* §4.1: the ESC's choice */
                secs = pub->expires;
            if (pub->etag && secs > 0)
                pub->timer = sim_engine_schedule_in(sip_ua_engine(ua), sip_ua_refresh_delay(secs), pub_refresh, pub);
        }
    } else {
        pub->failed++;
        if (status == 412) { /* §4.1 step 4 / §6 step 4: no such entity-tag any more */
            g_clear_pointer(&pub->etag, g_free);
            pub_cancel_timer(pub);
            if (op != PUB_REMOVE && pub->body)
                next = PUB_INITIAL;
        } else if (status == 423 && resp && sip_ua_header_seconds(resp, "Min-Expires", &secs) &&
                   secs > pub->expires) {
            pub->expires = secs; /* §4.1: "the EPA MAY retry the publication with ... Min-Expires" */
            next = op;
        }
    }
    SimAttr attrs[] = {SIM_ATTR_S("kind", op_names[op]), SIM_ATTR_I("status", status),
                       SIM_ATTR_S("etag", pub->etag ? pub->etag : ""), SIM_ATTR_I("expires", secs)};
    pub_event(pub, "pub-result", attrs, G_N_ELEMENTS(attrs));
    /* What goes next: a pending request beats a retry (a newer body, or a remove). */
    if (pub->pending == PUB_NONE && next != PUB_NONE)
        pub->pending = next == PUB_INITIAL || next == PUB_MODIFY ? PUB_SEND : next;
    pub->in_flight = TRUE; /* so that the callback's own requests queue behind */
    if (pub->h.result && !ua->dying)
        pub->h.result(pub, status, pub->user);
    pub->in_flight = FALSE;
    if (!ua->dying)
        pub_kick(pub);
}

const char *sip_pub_etag(const SipPublication *pub)
{
    return pub->etag;
}

guint64 sip_pub_sent(const SipPublication *pub)
{
    return pub->sent;
}
