/* pcscf.h: the Proxy-CSCF, Rel-5 or Rel-6 (TS 24.229 §5.2, TS 33.203 §7, RFC 3329).
 *
 * The UE's first contact point. It runs Sec-Agree with the UE (Security-Client / Security-Server /
 * Security-Verify), takes CK and IK out of the S-CSCF's 401 (TS 33.203 §7.1), chooses the mechanism,
 * installs the four unidirectional ESP SAs of TS 33.203 §7.1 in its IP stack, checks on the protected
 * REGISTER that Security-Verify equals the Security-Server it sent (downgrade protection, RFC 3329
 * §2.3.1; switchable to show what happens without it), then asserts the user's identity
 * (P-Asserted-Identity, RFC 3325) and routes along the Service-Route. Keys: release 5|6,
 * confidentiality ipsec|trust-access-network (seed 002 §3), protected ports.
 */
#pragma once
#include "nodes/node-kind.h"

extern const SimNodeKind sim_node_kind_pcscf;
