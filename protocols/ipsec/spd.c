/* spd.c: SPD as a hash of exact 5-tuples (RFC 4301 §4.4.1 reduced to what TS 33.203 needs). */
#include "protocols/ipsec/spd.h"

#include <arpa/inet.h>
#include <string.h>

typedef struct {
    EspPolicyAction action;
    EspSa *sa; /* owned; PROTECT only */
} Entry;

struct EspSpd {
    GHashTable *entries; /* EspSelector* (normalised, owned) -> Entry* (owned) */
};

static size_t addr_len(const EspAddr *a)
{
    return a->family == 4 ? 4 : a->family == 6 ? 16 : 0;
}

gboolean esp_addr_parse(const char *text, EspAddr *out)
{
    memset(out, 0, sizeof *out);
    if (inet_pton(AF_INET, text, out->bytes) == 1) {
        out->family = 4;
        return TRUE;
    }
    if (inet_pton(AF_INET6, text, out->bytes) == 1) {
        out->family = 6;
        return TRUE;
    }
    memset(out, 0, sizeof *out);
    return FALSE;
}

void esp_addr_from_bytes(EspAddr *out, int family, const uint8_t *bytes)
{
    g_assert(family == 4 || family == 6);
    memset(out, 0, sizeof *out);
    out->family = (uint8_t)family;
    memcpy(out->bytes, bytes, family == 4 ? 4 : 16);
}

const char *esp_addr_to_string(const EspAddr *addr, char buf[ESP_ADDR_STRLEN])
{
    if (!addr_len(addr) || !inet_ntop(addr->family == 4 ? AF_INET : AF_INET6, addr->bytes, buf, ESP_ADDR_STRLEN))
        g_strlcpy(buf, "?", ESP_ADDR_STRLEN);
    return buf;
}

const char *esp_policy_action_to_string(EspPolicyAction a)
{
    switch (a) {
    case ESP_POLICY_PROTECT: return "protect";
    case ESP_POLICY_BYPASS: return "bypass";
    case ESP_POLICY_DISCARD: return "discard";
    }
    return "?";
}

/* Copies the meaningful fields only, so padding and unused address octets never reach hash/equal. */
static EspSelector normalise(const EspSelector *s)
{
    EspSelector n;
    memset(&n, 0, sizeof n);
    n.local.family = s->local.family;
    memcpy(n.local.bytes, s->local.bytes, addr_len(&s->local));
    n.remote.family = s->remote.family;
    memcpy(n.remote.bytes, s->remote.bytes, addr_len(&s->remote));
    n.local_port = s->local_port;
    n.remote_port = s->remote_port;
    n.protocol = s->protocol;
    return n;
}

static guint sel_hash(gconstpointer p)
{
    const EspSelector *s = p;
    guint h = 5381;
    for (size_t i = 0; i < 16; i++)
        h = h * 33 + s->local.bytes[i];
    for (size_t i = 0; i < 16; i++)
        h = h * 33 + s->remote.bytes[i];
    h = h * 33 + s->local.family;
    h = h * 33 + s->remote.family;
    h = h * 33 + s->local_port;
    h = h * 33 + s->remote_port;
    return h * 33 + s->protocol;
}

static gboolean sel_equal(gconstpointer a, gconstpointer b)
{
    const EspSelector *x = a, *y = b;
    return x->local.family == y->local.family && x->remote.family == y->remote.family &&
           memcmp(x->local.bytes, y->local.bytes, 16) == 0 && memcmp(x->remote.bytes, y->remote.bytes, 16) == 0 &&
           x->local_port == y->local_port && x->remote_port == y->remote_port && x->protocol == y->protocol;
}

static void entry_free(gpointer p)
{
    Entry *e = p;
    esp_sa_free(e->sa);
    g_free(e);
}

EspSpd *esp_spd_new(void)
{
    EspSpd *spd = g_new0(EspSpd, 1);
    spd->entries = g_hash_table_new_full(sel_hash, sel_equal, g_free, entry_free);
    return spd;
}

void esp_spd_free(EspSpd *spd)
{
    if (!spd)
        return;
    g_hash_table_destroy(spd->entries);
    g_free(spd);
}

gboolean esp_spd_add(EspSpd *spd, const EspSelector *sel, EspPolicyAction action, EspSa *sa, GError **error)
{
    const char *why = NULL;
    if (!addr_len(&sel->local) || !addr_len(&sel->remote))
        why = "a selector needs both addresses";
    else if (sel->local.family != sel->remote.family)
        why = "a selector's addresses must have the same family";
    else if (action == ESP_POLICY_PROTECT && (!sa || esp_sa_direction(sa) != ESP_SA_OUTBOUND))
        why = "PROTECT needs an outbound SA";
    else if (action != ESP_POLICY_PROTECT && (sa || (action != ESP_POLICY_BYPASS && action != ESP_POLICY_DISCARD)))
        why = "only PROTECT takes an SA";
    EspSelector key = normalise(sel);
    if (!why && g_hash_table_contains(spd->entries, &key)) {
        g_set_error(error, ESP_ERROR, ESP_ERROR_EXISTS, "SPD: the flow already has a policy");
        esp_sa_free(sa);
        return FALSE;
    }
    if (why) {
        g_set_error(error, ESP_ERROR, ESP_ERROR_INVALID, "SPD: %s", why);
        esp_sa_free(sa);
        return FALSE;
    }
    Entry *e = g_new0(Entry, 1);
    e->action = action;
    e->sa = sa;
    g_hash_table_insert(spd->entries, g_memdup2(&key, sizeof key), e);
    return TRUE;
}

gboolean esp_spd_remove(EspSpd *spd, const EspSelector *sel)
{
    EspSelector key = normalise(sel);
    return g_hash_table_remove(spd->entries, &key);
}

gboolean esp_spd_lookup(const EspSpd *spd, const EspSelector *pkt, EspPolicyAction *action_out, EspSa **sa_out)
{
    if (sa_out)
        *sa_out = NULL;
    EspSelector key = normalise(pkt);
    const Entry *e = g_hash_table_lookup(spd->entries, &key);
    if (!e && key.protocol != 0) {
        key.protocol = 0;
        e = g_hash_table_lookup(spd->entries, &key);
    }
    if (!e)
        return FALSE;
    *action_out = e->action;
    if (sa_out)
        *sa_out = e->sa;
    return TRUE;
}

guint esp_spd_size(const EspSpd *spd)
{
    return g_hash_table_size(spd->entries);
}
