/* ut-ca.h: the run's certificate authority and TLS seeds for the Ut family of interfaces.
 *
 * TS 33.222 §5.3: the Authentication Proxy proves itself with a certificate the UE trusts. The run
 * makes one CA ("presim scenario CA") from the world's seed on first use, shares it between nodes
 * (sim_world_set_shared), and issues each server's certificate for its host name. Validity runs from
 * a day before the simulated epoch (2003-01-01T00:00:00Z, as PIDF timestamps) to ten years after, and
 * clients check it at the simulated time, so nothing depends on the host clock. The CA certificate
 * is announced once as a "tls-ca" protocol event (attribute pem) so the run can write ca.pem.
 */
#pragma once
#include "protocols/tls/tls-session.h"
#include "sim-core/sim-node.h"

#define UT_EPOCH_UNIX INT64_C(1041379200) /* 2003-01-01T00:00:00Z */

const TlsCa *ut_ca(SimWorld *world, GError **error);
/* The key and certificate for HOST_NAME (made once per host name, shared). */
const TlsCredentials *ut_ca_credentials(SimWorld *world, const char *host_name, GError **error);
/* Simulated now as Unix seconds (the epoch plus simulated time). */
int64_t ut_unix_time(const SimWorld *world);
/* A 32-octet TLS random seed for NODE's connection number ORDINAL of purpose WHAT: SHA-256 of the
 * world seed, node name, WHAT and ORDINAL, so it depends on nothing but the scenario. */
void ut_tls_seed(const SimNode *node, const char *what, uint64_t ordinal, uint8_t seed[TLS_RANDOM_SEED_LEN]);
