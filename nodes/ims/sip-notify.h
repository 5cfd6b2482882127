/* sip-notify.h: the notifier's half of a subscription dialog (RFC 6665 §4.2.2), shared by every node
 * that sends NOTIFYs (the S-CSCF's reg event package, the Presence Server).
 *
 * A NOTIFY goes in the dialog the SUBSCRIBE formed: Request-URI = the remote target, From = our URI
 * with our tag, To = the subscriber's with its tag, the dialog's Call-ID, the next CSeq, the Route
 * set, and Event / Subscription-State (RFC 6665 §8.2.1, §8.2.3). It leaves towards the first Route
 * (loose routing) or else the remote target (RFC 3261 §12.2.1.1).
 */
#pragma once
#include "nodes/ims/sip-node.h"

typedef struct {
    const char *local_uri, *remote_uri; /* the dialog's From / To URIs (no angle brackets) */
    const char *local_tag, *remote_tag;
    const char *remote_target;          /* the subscriber's Contact */
    const char *call_id;
    const GPtrArray *route_set;         /* char*: Route values, in order */
} SipNotifierDialog;

/* A NOTIFY of dialog D with CSeq CSEQ, Via VIA_HOST:5060 (fresh branch of SN), Contact <CONTACT_URI>,
 * the Route set, Event EVENT and Subscription-State SUBSTATE; NULL with ERROR when a field is refused.
 * The caller adds the body and other headers and sends it with sip_notify_send(). */
osip_message_t *sip_notify_new(SipNode *sn, const SipNotifierDialog *d, guint32 cseq, const char *via_host,
                               const char *contact_uri, const char *event, const char *substate, GError **error);
/* Sends M (taken over; freed on failure) towards D's first Route, else its remote target. */
SipTxn *sip_notify_send(SipNode *sn, const SipNotifierDialog *d, osip_message_t *m, GError **error);
