/* pres-agent.h: what the Presence Network Agent and the Presence External Agent share (TS 23.141
 * §4.3, §4.4): PNET reports in on UDP PNET_PORT from a configured set of trusted nodes, PIDF
 * documents out to the Presence Server in PUBLISH (RFC 3903) over Pen / Pex.
 *
 * Trust. A report is accepted only when its IP source address belongs to one of the configured nodes
 * and its PNET sender role is that node's role (an MSC cannot speak for the GMLC). Everything else is
 * a "pnet-rejected" event with a reason ("untrusted-source", "role-mismatch", "wrong-type") and a
 * counter: seed 001's "false presence information inside the network" is observable, not silent.
 * The check is on addresses, which is all the real Pen / Pex trust model has (TS 23.141 leaves it
 * to the operator's network); presim does not model IP spoofing by a node.
 *
 * Publishing. One SipPublication per presentity (sip-ua.h), From = sip:<user>@<domain>, next hop the
 * PS's address port 5060. pres_agent_publish() republishes only when the document changed (compared
 * without timestamps), then stamps every tuple and person with the current simulated time
 * (pidf_timestamp_format).
 */
#pragma once
#include "links/udp.h"
#include "sim-core/sim-report.h"
#include "nodes/ims/sip-ua.h"
#include "protocols/pidf/pidf.h"
#include "protocols/pnet/pnet.h"

typedef struct PresAgent PresAgent;

/* An accepted report from trusted node FROM. */
typedef void (*PresAgentReportFunc)(PresAgent *a, SimNode *from, const PnetMsg *msg, void *user);

typedef struct {
    uint64_t received, accepted, rejected, malformed;
    uint64_t rejected_untrusted, rejected_role, rejected_type, rejected_other;
    uint64_t publishes, publish_ok, publish_failed, unchanged;
} PresAgentStats;

struct PresAgent {
    SimNode *node;
    SimNode *ps;
    char *from_uri;         /* sip:<user>@<domain> */
    guint32 publish_expires;
    PnetType accept_type;
    SipNode *sn;
    SipUa *ua_ps;           /* toward the PS (Pen / Pex) */
    SipUa *ua_extra;        /* another next hop (the PNA's S-CSCF for Pi), or NULL */
    UdpSocket *sock;
    GHashTable *trusted;    /* address text -> SimNode* */
    GPtrArray *trusted_nodes; /* SimNode*, configuration order */
    GHashTable *pubs;       /* presentity URI -> AgentPub* (pres-agent.c) */
    PresAgentReportFunc on_report;
    void *user;
    PresAgentStats stats;
};

/* Sets up A on NODE: PNET on UDP PNET_PORT, SIP on 5060, a SipUa toward PS. TRUSTED: node names (of
 * one of TRUSTED_KINDS) whose addresses may report; KEY names the scenario key for errors. USER_PART:
 * the From user ("pna", "pea"). */
gboolean pres_agent_init(PresAgent *a, SimNode *node, const char *ps_name, guint32 publish_expires,
                         const char *user_part, PnetType accept_type, const char *key, char **trusted,
                         const char *const *trusted_kinds, PresAgentReportFunc on_report, void *user,
                         GError **error);
void pres_agent_clear(PresAgent *a);
/* A second SipUa on the same SipNode with next hop TARGET:5060 (requests and answers are offered to
 * both). */
SipUa *pres_agent_add_ua(PresAgent *a, SimNode *target);
/* Publishes DOC (taken over) for PRESENTITY when it differs from the last one published; returns TRUE
 * if a PUBLISH went out. Events "agent-publish" / "agent-publish-result". */
gboolean pres_agent_publish(PresAgent *a, const char *presentity, PidfDoc *doc);
/* An XML ID from a presentity: PREFIX + the user part of the URI, other characters as '_'. g_free. */
char *pres_agent_element_id(const char *prefix, const char *uri);
/* Report section nodes/<name>/... with the counters (inside an open nodes/<name> section). */
void pres_agent_report(const PresAgent *a, SimReport *r);
