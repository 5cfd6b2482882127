/* sip-ua.h: the user-agent side of SIP events for presim's nodes: subscriptions (RFC 6665 §4.1,
 * subscriber) and publications (RFC 3903 §4, event publication agent), on top of a SipNode.
 *
 * A SipUa belongs to one node and shares the node's SipNode. The node's own SIP handlers offer each
 * request and each client-transaction result to the SipUa first (sip_ua_handle_request(),
 * sip_ua_handle_response(), sip_ua_handle_failure()); those return TRUE when the message was the
 * SipUa's (a NOTIFY of one of its dialogs, the answer to one of its SUBSCRIBEs or PUBLISHes) and then
 * the node ignores it.
 *
 * Routing. Every request of a SipUa goes to one next hop (the P-CSCF's protected port for a UE, the
 * S-CSCF or PS for a network node) from one local port, with the pre-loaded Route set of the spec
 * (RFC 3261 §8.1.2) on initial requests, and the dialog's route set (the Record-Route of the 2xx,
 * reversed, RFC 3261 §12.1.2) on requests inside a dialog. NOTIFYs are answered 200 from the
 * transaction the node received them on.
 */
#pragma once
#include "nodes/ims/sip-node.h"
#include "protocols/sip/sip-headers.h"

typedef struct SipUa SipUa;
typedef struct SipSubscription SipSubscription;
typedef struct SipPublication SipPublication;

typedef struct {
    SipPeer next_hop;        /* where every request goes */
    const char *contact;     /* Contact URI of this UA ("sip:10.1.1.2:5064"; no <>) */
    const char *via_host;    /* Via sent-by host ("10.1.1.2") */
    guint16 via_port;        /* Via sent-by port */
    const char *const *route; /* NULL-terminated pre-loaded Route URIs (no <>), or NULL */
    const char *asserted;    /* P-Preferred-Identity value for initial requests, or NULL */
} SipUaConfig;

SipUa *sip_ua_new(SipNode *sn, const SipUaConfig *cfg);
/* Ends every subscription and publication without sending anything (the run is over). */
void sip_ua_free(SipUa *ua);
/* Changes next hop / route / contact (the UE re-registered with new SAs). Copies. */
void sip_ua_reconfigure(SipUa *ua, const SipUaConfig *cfg);

gboolean sip_ua_handle_request(SipUa *ua, SipTxn *txn, const osip_message_t *req);
gboolean sip_ua_handle_response(SipUa *ua, SipTxn *txn, const osip_message_t *resp);
gboolean sip_ua_handle_failure(SipUa *ua, SipTxn *txn, const char *why);

/* ---- subscriptions ---- */

typedef enum {
    SIP_SUB_PENDING_200,  /* SUBSCRIBE sent, no 2xx yet */
    SIP_SUB_ACTIVE,       /* last NOTIFY said active */
    SIP_SUB_PENDING,      /* last NOTIFY said pending (RFC 6665 §4.1.2.3) */
    SIP_SUB_TERMINATED,
} SipSubState;

const char *sip_sub_state_name(SipSubState s);

typedef struct {
    /* A NOTIFY of the dialog arrived (already answered 200). STATE is its Subscription-State. */
    void (*notify)(SipSubscription *sub, const osip_message_t *notify, const SipSubscriptionState *state,
                   void *user);
    /* The subscription is over: a terminated NOTIFY (REASON its reason or "terminated"), an error answer
     * to a SUBSCRIBE (REASON "403 Forbidden"...), Timer F ("timeout"), or sip_sub_unsubscribe completing
     * ("unsubscribed"). Called once; SUB stays valid until the callback returns, then the SipUa frees it. */
    void (*ended)(SipSubscription *sub, const char *reason, void *user);
} SipSubHandlers;

typedef struct {
    const char *target;  /* Request-URI and To: "sip:bob@home.example.net" */
    const char *from;    /* own identity: "sip:alice@home.example.net" */
    const char *event;   /* "presence", "presence.winfo", "reg" */
    const char *accept;  /* Accept value or NULL ("application/pidf+xml, multipart/related, application/rlmi+xml") */
    gboolean eventlist;  /* Supported: eventlist (RFC 4662 §4.1) */
    guint32 expires;     /* asked for; 0: a fetch (RFC 6665 §4.4.3) */
    gboolean refresh;    /* re-SUBSCRIBE before expiry (at 80 %, or expiry - 5 s if shorter) */
} SipSubSpec;

SipSubscription *sip_ua_subscribe(SipUa *ua, const SipSubSpec *spec, const SipSubHandlers *h, void *user);
/* SUBSCRIBE with Expires 0 in the dialog; ended() follows on the final NOTIFY or the answer. */
void sip_sub_unsubscribe(SipSubscription *sub);
SipSubState sip_sub_state(const SipSubscription *sub);
const char *sip_sub_target(const SipSubscription *sub);
const char *sip_sub_event(const SipSubscription *sub);
guint64 sip_sub_notifies(const SipSubscription *sub);

/* ---- publications ---- */

typedef struct {
    /* Each final answer to a PUBLISH: STATUS (200, 412, 423, 489 ...; 0 for a timeout). */
    void (*result)(SipPublication *pub, int status, void *user);
} SipPubHandlers;

typedef struct {
    const char *target;  /* Request-URI and To: the presentity ("sip:alice@home.example.net") */
    const char *from;    /* the publisher's identity (From) */
    const char *event;   /* "presence" */
    guint32 expires;     /* asked for; refreshed before expiry (RFC 3903 §4.1) */
} SipPubSpec;

SipPublication *sip_ua_publication_new(SipUa *ua, const SipPubSpec *spec, const SipPubHandlers *h, void *user);
/* Initial PUBLISH (no entity-tag yet) or modify (SIP-If-Match, RFC 3903 §4.4) with BODY (copied).
 * A 412 answer makes it publish BODY again as initial (RFC 3903 §4.1 step 4); 423 retries with the
 * Min-Expires. Refreshes carry no body (§4.3). */
void sip_pub_publish(SipPublication *pub, const char *content_type, const char *body, size_t len);
/* Expires 0 with SIP-If-Match (§4.5). */
void sip_pub_remove(SipPublication *pub);
const char *sip_pub_etag(const SipPublication *pub); /* NULL before the first 2xx */
guint64 sip_pub_sent(const SipPublication *pub);
