/* mitm.h: an attacker on the path between UE and P-CSCF (a router it controls, e.g. a rogue WLAN
 * access point). With `strip-encryption` it removes every mechanism with encryption from the
 * Security-Client of REGISTERs and from the Security-Server of 401s it forwards, the bidding-down
 * attack RFC 3329 §2.3.1 and TS 33.203 §7.2 defend against: a P-CSCF that checks Security-Verify
 * detects it; one that does not ends up with integrity-only SAs for a UE that could encrypt. It can
 * also flip a bit in, or replay, ESP packets it forwards: the receiver must drop and count them.
 */
#pragma once
#include "nodes/node-kind.h"

extern const SimNodeKind sim_node_kind_mitm;
