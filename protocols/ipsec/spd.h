/* spd.h: the Security Policy Database: what to do with a flow, and the outbound SA protecting it.
 *
 * Why: the IP layer asks, for every locally sent segment, whether it must be sealed and by which
 * SA (RFC 4301 §4.4.1). TS 33.203 §7.1 binds each IMS SA to one flow: UE address and port (port_uc
 * or port_us), P-CSCF address and port (port_ps or port_pc), transport UDP and TCP alike, so
 * policies are exact 5-tuples and a lookup is one hash probe (then one more with protocol "any").
 * Addresses are a protocol-local 16-octet form: protocols/ does not see sim-core's types.
 * What it is not: ranges, wildcard ports, ordered policy lists, or an inbound policy check
 * (the node compares the SA an inbound packet came through with its flow).
 * Tests: tests/unit/test-esp.c.
 */
#pragma once
#include "protocols/ipsec/esp-sa.h"

#define ESP_ADDR_STRLEN 46 /* INET6_ADDRSTRLEN */

typedef struct {
    uint8_t family;    /* 4 or 6 (0: unset) */
    uint8_t bytes[16]; /* network order; IPv4 uses the first 4, the rest is zero */
} EspAddr;

/* "192.0.2.1" or "2001:db8::1" (inet_pton). */
gboolean esp_addr_parse(const char *text, EspAddr *out);
/* FAMILY 4 (BYTES has 4 octets) or 6 (16). */
void esp_addr_from_bytes(EspAddr *out, int family, const uint8_t *bytes);
const char *esp_addr_to_string(const EspAddr *addr, char buf[ESP_ADDR_STRLEN]);

/* A flow as seen from this node: for outbound packets local = source; for inbound, local = destination. */
typedef struct {
    EspAddr local, remote;
    uint16_t local_port, remote_port;
    uint8_t protocol; /* 6 TCP, 17 UDP; 0 in a policy = any protocol */
} EspSelector;

typedef enum {
    ESP_POLICY_PROTECT = 2, /* seal with the entry's outbound SA */
    ESP_POLICY_BYPASS,      /* send in clear */
    ESP_POLICY_DISCARD,     /* drop */
} EspPolicyAction;
const char *esp_policy_action_to_string(EspPolicyAction a); /* "protect", "bypass", "discard" */

typedef struct EspSpd EspSpd;

/* An empty SPD. Free with esp_spd_free(), which frees the SAs its entries own. */
EspSpd *esp_spd_new(void);
void esp_spd_free(EspSpd *spd);

/* Adds a policy for SEL. PROTECT needs an outbound SA, which the entry then owns (freed here on
 * failure too); BYPASS and DISCARD take SA = NULL. ESP_ERROR_EXISTS if SEL already has a policy;
 * ESP_ERROR_INVALID for a wrong SA or a selector without both addresses. */
gboolean esp_spd_add(EspSpd *spd, const EspSelector *sel, EspPolicyAction action, EspSa *sa,
                     GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Removes the policy for exactly SEL (protocol included) and frees its SA; FALSE if none. */
gboolean esp_spd_remove(EspSpd *spd, const EspSelector *sel);
/* The policy for a packet's flow PKT: the entry for its exact protocol, else the one for protocol
 * 0 (any). FALSE if neither exists (the caller decides; IMS nodes bypass). *SA_OUT (may be NULL)
 * is the entry's SA (owned by SPD) for PROTECT, else NULL. */
gboolean esp_spd_lookup(const EspSpd *spd, const EspSelector *pkt, EspPolicyAction *action_out, EspSa **sa_out);
guint esp_spd_size(const EspSpd *spd);
