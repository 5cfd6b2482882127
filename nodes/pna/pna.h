/* pna.h: the Presence Network Agent (TS 23.141 §4.3): gathers what the network knows about a
 * subscriber and publishes it to the Presence Server over Pen (TS 23.141 §6.2.8) as PIDF in PUBLISH
 * (RFC 3903; TS 24.141 §5.4).
 *
 * Inputs: the elements' PNET reports (element.h; Ph, Pc, Pg, Pk, Pl stand-ins, docs/pnet.md) from the
 * nodes listed in `elements` only (anything else: "pnet-rejected"), and, over Pi, the S-CSCF's reg
 * event (TS 24.229 §5.4.2.1, RFC 3680): the PNA subscribes to "reg" for each IMPU of `watch` and reads
 * application/reginfo+xml.
 * Output per IMPU: a PIDF with tuple "pna-<user>" (basic open when registered in IMS or attached to CS
 * or PS or with an active PDP context, closed otherwise; rpid class "network"; a note summing up the
 * network state; the GMLC's location as geopriv, RFC 4119) and, during a call, person "pna-p" with
 * the RPID activity "on-the-phone" (RFC 4480 §3.2). One publication per IMPU, republished on every
 * change.
 *
 * Keys: ps, scscf, watch, elements, imsi-map (IMSI=IMPU items for reports that name an IMSI),
 * publish-expires, watch-retry.
 */
#pragma once
#include "nodes/node-kind.h"

extern const SimNodeKind sim_node_kind_pna;
