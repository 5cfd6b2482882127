/* subscriber.c: the subscriber record kind: keys and cross-checks. */
#include "nodes/ims/subscriber.h"
#include <string.h>

static const SimKeySpec subscriber_keys[] = {
    {"impi", SIM_KEY_STRING, NULL, "private user identity, e.g. alice@home.example.net (TS 23.003 §13.3)", NULL, 0, 0, NULL},
    {"impus", SIM_KEY_LIST, NULL, "public user identities (SIP or tel URIs), comma-separated; the first is the default",
     NULL, 0, 0, NULL},
    {"pseudonyms", SIM_KEY_LIST, "", "IMPUs of `impus` that are pseudonyms: each is an implicit registration set of its own",
     NULL, 0, 0, NULL},
    {"barred", SIM_KEY_LIST, "", "IMPUs of `impus` that are barred (TS 23.228 §4.3.3.4)", NULL, 0, 0, NULL},
    {"k", SIM_KEY_HEX, NULL, "long-term key K, 128 bits", NULL, 16, 16, NULL},
    {"op", SIM_KEY_HEX, "", "operator variant OP, 128 bits (give op or opc)", NULL, 16, 16, NULL},
    {"opc", SIM_KEY_HEX, "", "OPc = OP encrypted with K, 128 bits (give op or opc)", NULL, 16, 16, NULL},
    {"amf", SIM_KEY_HEX, "0000", "authentication management field, 16 bits", NULL, 2, 2, NULL},
    {"sqn", SIM_KEY_HEX, "000000000020", "the HSS's sequence number SQN, 48 bits (TS 33.102 Annex C)", NULL, 6, 6, NULL},
    {"hss", SIM_KEY_NAME, NULL, "the HSS node that holds this subscription", NULL, 0, 0, "node"},
    /* Presence (RFC 5025 pres-rules, RFC 4826 resource lists): the Presence Server builds the user's
     * documents from these keys at the start of the run; XCAP (a later issue) edits them. Items are
     * identities ("sip:bob@home.example.net"), "*@domain" or "*". */
    {"pres-allow", SIM_KEY_LIST, "", "watchers allowed to see this user's presence (sub-handling allow)", NULL, 0, 0,
     NULL},
    {"pres-block", SIM_KEY_LIST, "", "watchers refused (sub-handling block; excluded from wildcard rules)", NULL, 0, 0,
     NULL},
    {"pres-polite-block", SIM_KEY_LIST, "", "watchers shown a neutral 'offline' document (polite-block)", NULL, 0, 0,
     NULL},
    {"pres-confirm", SIM_KEY_LIST, "*",
     "watchers left pending until a rule decides (confirm); the default '*' is OMA's; empty: RFC 4745 default deny",
     NULL, 0, 0, NULL},
    {"pres-location", SIM_KEY_LIST, "", "watchers who may see the location (provide-location); others get none", NULL,
     0, 0, NULL},
    {"buddies", SIM_KEY_LIST, "", "the user's buddy list (resource-lists list \"buddies\")", NULL, 0, 0, NULL},
    {"buddy-list-uri", SIM_KEY_LIST, "", "the URI of the buddy list at the RLS (an rls-services entry), e.g. "
     "sip:alice-buddies@home.example.net", NULL, 0, 0, NULL},
    SIM_KEY_END,
};

static gboolean in_list(char **list, const char *item)
{
    for (char **p = list; p && *p; p++)
        if (g_str_equal(*p, item))
            return TRUE;
    return FALSE;
}

static gboolean subscriber_check(const char *name, const SimConfig *cfg, const char **bad_key, GError **error)
{
    (void)name;
    if (sim_config_has(cfg, "op") == sim_config_has(cfg, "opc")) {
        *bad_key = sim_config_has(cfg, "op") ? "opc" : NULL;
        g_set_error(error, SIM_PARSE_ERROR, 0, "give exactly one of op and opc");
        return FALSE;
    }
    g_auto(GStrv) impus = sim_config_list(cfg, "impus");
    if (!impus[0]) {
        *bad_key = "impus";
        g_set_error(error, SIM_PARSE_ERROR, 0, "at least one public identity is needed");
        return FALSE;
    }
    for (char **p = impus; *p; p++)
        if (!g_str_has_prefix(*p, "sip:") && !g_str_has_prefix(*p, "sips:") && !g_str_has_prefix(*p, "tel:")) {
            *bad_key = "impus";
            g_set_error(error, SIM_PARSE_ERROR, 0, "'%s' is not a SIP or tel URI", *p);
            return FALSE;
        }
    static const char *const subsets[] = {"pseudonyms", "barred", NULL};
    for (const char *const *k = subsets; *k; k++) {
        g_auto(GStrv) items = sim_config_list(cfg, *k);
        for (char **p = items; *p; p++)
            if (!in_list(impus, *p)) {
                *bad_key = *k;
                g_set_error(error, SIM_PARSE_ERROR, 0, "'%s' is not one of impus", *p);
                return FALSE;
            }
    }
    static const char *const who[] = {"pres-allow", "pres-block", "pres-polite-block", "pres-confirm", "pres-location",
                                      NULL};
    for (const char *const *k = who; *k; k++) {
        g_auto(GStrv) items = sim_config_list(cfg, *k);
        for (char **p = items; *p; p++)
            if (!g_str_equal(*p, "*") && !g_str_has_prefix(*p, "*@") && !g_str_has_prefix(*p, "sip:") &&
                !g_str_has_prefix(*p, "sips:") && !g_str_has_prefix(*p, "tel:")) {
                *bad_key = *k;
                g_set_error(error, SIM_PARSE_ERROR, 0, "'%s' is not an identity, *@domain or *", *p);
                return FALSE;
            }
    }
    static const char *const uris[] = {"buddies", "buddy-list-uri", NULL};
    for (const char *const *k = uris; *k; k++) {
        g_auto(GStrv) items = sim_config_list(cfg, *k);
        for (char **p = items; *p; p++)
            if (!g_str_has_prefix(*p, "sip:") && !g_str_has_prefix(*p, "sips:") && !g_str_has_prefix(*p, "tel:")) {
                *bad_key = *k;
                g_set_error(error, SIM_PARSE_ERROR, 0, "'%s' is not a SIP or tel URI", *p);
                return FALSE;
            }
        if (items[0] && items[1] && g_str_equal(*k, "buddy-list-uri")) {
            *bad_key = *k;
            g_set_error(error, SIM_PARSE_ERROR, 0, "one list URI");
            return FALSE;
        }
    }
    const char *impi = sim_config_string(cfg, "impi");
    if (!strchr(impi, '@')) {
        *bad_key = "impi";
        g_set_error(error, SIM_PARSE_ERROR, 0, "'%s' should be user@realm (TS 23.003 §13.3)", impi);
        return FALSE;
    }
    return TRUE;
}

const SimRecordKind sim_record_subscriber = {
    .name = "subscriber",
    .summary = "an IMS subscription shared by the HSS and the user's ISIM",
    .keys = subscriber_keys,
    .check = subscriber_check,
};
