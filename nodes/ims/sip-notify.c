/* sip-notify.c: NOTIFYs in a subscription dialog (sip-notify.h). */
#include "nodes/ims/sip-notify.h"
#include "nodes/ims/ims-common.h"
#include "nodes/ims/scscf-common.h"

osip_message_t *sip_notify_new(SipNode *sn, const SipNotifierDialog *d, guint32 cseq, const char *via_host,
                               const char *contact_uri, const char *event, const char *substate, GError **error)
{
    g_autofree char *branch = sip_node_branch(sn);
    g_autofree char *from = g_strdup_printf("<%s>", d->local_uri);
    g_autofree char *to = g_strdup_printf("<%s>", d->remote_uri);
    g_autofree char *contact = g_strdup_printf("<%s>", contact_uri);
    SipRequestSpec spec = {
        .method = "NOTIFY",
        .request_uri = d->remote_target,
        .via_host = via_host,
        .via_port = IMS_SIP_PORT,
        .branch = branch,
        .from = from,
        .from_tag = d->local_tag,
        .to = to,
        .to_tag = d->remote_tag,
        .call_id = d->call_id,
        .cseq = cseq,
        .contact = contact,
    };
    osip_message_t *m = sip_request_new(&spec, error);
    gboolean ok = m != NULL;
    for (guint i = 0; ok && i < d->route_set->len; i++)
        ok = sip_message_add_header(m, "Route", d->route_set->pdata[i], error);
    ok = ok && sip_message_add_header(m, "Event", event, error) &&
         sip_message_add_header(m, "Subscription-State", substate, error);
    if (!ok && m) {
        sip_message_free(m);
        m = NULL;
    }
    return m;
}

SipTxn *sip_notify_send(SipNode *sn, const SipNotifierDialog *d, osip_message_t *m, GError **error)
{
    /* RFC 3261 §12.2.1.1 / §8.1.2: the first Route (loose routing), else the remote target */
    const char *next = d->route_set->len ? d->route_set->pdata[0] : d->remote_target;
    SipPeer peer;
    if (!cscf_peer_for_uri(sip_node_sim_node(sn)->world, next, &peer)) {
        g_set_error(error, SIM_PARSE_ERROR, 0, "no route to %s", next);
        sip_message_free(m);
        return NULL;
    }
    return sip_node_send_request(sn, m, &peer, error); /* frees M on failure (sip-node.h: taken over) */
}
