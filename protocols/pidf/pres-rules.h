/* pres-rules.h: presence authorization rules (RFC 5025) over common policy (RFC 4745).
 *
 * What: parse an application/auth-policy+xml document (the presentity's pres-rules), evaluate it
 * for one watcher (RFC 4745 §10: every rule whose conditions match contributes its actions and
 * transformations, combined per permission: sub-handling takes the largest value, booleans OR,
 * sets union), and apply the resulting permissions to a PIDF document (RFC 5025 §3.3).
 *
 * Conditions supported: <identity> with <one id="..."/> and <many [domain="..."]> with <except
 * id/domain> (RFC 4745 §7.1); a rule without <conditions> (or with an empty one) matches everyone.
 * <sphere> and <validity> are parsed and reported unsupported: a rule carrying them never matches
 * (a conservative reading: never grant on a condition we cannot check).
 * Actions: <pr:sub-handling> block(0) < confirm(10) < polite-block(20) < allow(30) (RFC 5025 §3.2.1;
 * no matching rule: block, RFC 4745 §10.3 default deny).
 * Transformations (RFC 5025 §3.3): provide-services (all-services, service-uri, service-uri-scheme,
 * occurrence-id, class), provide-persons (all-persons, occurrence-id, class), provide-devices
 * (all-devices, deviceID, occurrence-id, class), provide-activities, provide-note,
 * provide-all-attributes; location: <gp:provide-location profile="..."/> of RFC 6772
 * (urn:ietf:params:xml:ns:geolocation-policy; granularity not reduced, the location passes whole)
 * or the older pr:provide-geopriv ("full" grants, "false" denies). No location permission: the
 * location is stripped (default deny).
 */
#pragma once
#include "protocols/pidf/pidf.h"

#define PRES_RULES_CONTENT_TYPE "application/auth-policy+xml"
#define PRES_RULES_MAX_SIZE (256 * 1024)

typedef enum {
    PRES_RULES_ERROR_TOO_LARGE = 1,
    PRES_RULES_ERROR_XML = 2,
    PRES_RULES_ERROR_INVALID = 3, /* not a common-policy ruleset, bad sub-handling value, rule without id */
} PresRulesError;

GQuark pres_rules_error_quark(void);
#define PRES_RULES_ERROR (pres_rules_error_quark())

typedef enum {
    PRES_SUB_BLOCK = 0,
    PRES_SUB_CONFIRM = 10,
    PRES_SUB_POLITE_BLOCK = 20,
    PRES_SUB_ALLOW = 30,
} PresSubHandling;

const char *pres_sub_handling_name(PresSubHandling h); /* "block", "confirm", "polite-block", "allow" */

typedef struct PresRules PresRules;

typedef struct {
    PresSubHandling sub_handling;
    gboolean matched;            /* at least one rule matched */
    gboolean all_services, all_persons, all_devices;
    GPtrArray *service_uris;     /* char* (service-uri values and "scheme:" for service-uri-scheme) */
    GPtrArray *occurrence_ids;   /* char*: ids of tuples / persons / devices allowed by occurrence-id */
    GPtrArray *classes;          /* char* */
    GPtrArray *device_ids;       /* char* */
    gboolean activities, note, all_attributes, location;
} PresPermissions;

/* Parses a ruleset (RFC 4745 §5, <cp:ruleset> root). Free with pres_rules_free(). */
PresRules *pres_rules_parse(const void *data, size_t len, GError **error);
void pres_rules_free(PresRules *rules);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PresRules, pres_rules_free)
guint pres_rules_count(const PresRules *rules);
/* Evaluates RULES for the watcher identity WATCHER ("sip:carol@visited.example.org"; the domain
 * compared case-insensitively). RULES NULL: no rule matches (block). Free with
 * pres_permissions_free(). */
PresPermissions *pres_rules_evaluate(const PresRules *rules, const char *watcher);
void pres_permissions_free(PresPermissions *perm);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PresPermissions, pres_permissions_free)
/* The document a watcher with PERM may see (RFC 5025 §3.3): tuples, persons and devices not
 * provided are removed; within what is left, activities and notes without their permission (and
 * without provide-all-attributes) are removed; location without its permission is removed. The
 * entity and tuple ids, status basic and contact stay. Never NULL. */
PidfDoc *pres_permissions_apply(const PresPermissions *perm, const PidfDoc *doc);

/* A small builder for scenario files and tests: a ruleset with one rule per call. IDS: NULL-
 * terminated identity URIs (<one id>), DOMAIN: a <many domain> (NULL for none; with IDS both NULL the
 * rule has no conditions). The rule provides all services, persons and devices, activities, notes,
 * and location when PROVIDE_LOCATION. */
typedef struct PresRulesBuilder PresRulesBuilder;
PresRulesBuilder *pres_rules_builder_new(void);
void pres_rules_builder_add(PresRulesBuilder *b, const char *rule_id, const char *const *ids, const char *domain,
                            PresSubHandling handling, gboolean provide_location);
/* Prints the ruleset (application/auth-policy+xml) and frees the builder. g_free. */
char *pres_rules_builder_finish(PresRulesBuilder *b, size_t *len);
