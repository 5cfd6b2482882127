/* ims-common.c: naming and resolution of IMS nodes. */
#include "nodes/ims/ims-common.h"
#include <string.h>

char *ims_host_name(const SimNode *node)
{
    return node->domain && *node->domain ? g_strdup_printf("%s.%s", node->name, node->domain) : g_strdup(node->name);
}

char *ims_sip_uri(const SimNode *node)
{
    g_autofree char *host = ims_host_name(node);
    return g_strdup_printf("sip:%s:%d", host, IMS_SIP_PORT);
}

gboolean ims_node_address(const SimNode *node, SimAddr *out)
{
    for (int fam = 4; fam <= 6; fam += 2)
        for (guint i = 0; i < node->ifaces->len; i++) {
            const SimPrefix *p = sim_iface_address(node->ifaces->pdata[i], (SimAddrFamily)fam);
            if (p) {
                *out = p->addr;
                return TRUE;
            }
        }
    return FALSE;
}

gboolean ims_node_address_toward(const SimNode *target, const SimNode *from, SimAddr *out)
{
    for (guint i = 0; i < target->ifaces->len; i++) {
        const SimIface *ti = target->ifaces->pdata[i];
        for (guint a = 0; a < ti->addrs->len; a++) {
            const SimPrefix *tp = &g_array_index(ti->addrs, SimPrefix, a);
            for (guint k = 0; k < from->ifaces->len; k++) {
                const SimIface *fi = from->ifaces->pdata[k];
                for (guint b = 0; b < fi->addrs->len; b++)
                    if (sim_prefix_contains(tp, &g_array_index(fi->addrs, SimPrefix, b).addr)) {
                        *out = tp->addr;
                        return TRUE;
                    }
            }
        }
    }
    return ims_node_address(target, out);
}

gboolean ims_resolve(const SimWorld *world, const char *host, SimAddr *out)
{
    g_autofree char *h = g_strdup(host);
    size_t n = strlen(h);
    if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
        h[n - 1] = '\0';
        return sim_addr_parse(h + 1, out);
    }
    if (sim_addr_parse(h, out))
        return TRUE;
    for (guint i = 0; i < world->nodes->len; i++) {
        const SimNode *node = world->nodes->pdata[i];
        g_autofree char *name = ims_host_name(node);
        if (g_ascii_strcasecmp(name, h) == 0 || g_ascii_strcasecmp(node->name, h) == 0)
            return ims_node_address(node, out);
    }
    return FALSE;
}

gboolean ims_resolve_uri(const SimWorld *world, const char *uri, SimAddr *out, uint16_t *port)
{
    const char *p = uri;
    while (*p == '<' || *p == ' ')
        p++;
    if (g_ascii_strncasecmp(p, "sip:", 4) == 0)
        p += 4;
    else if (g_ascii_strncasecmp(p, "sips:", 5) == 0)
        p += 5;
    const char *at = strchr(p, '@');
    const char *end = p + strcspn(p, ";>?");
    if (at && at < end)
        p = at + 1;
    g_autofree char *hostport = g_strndup(p, (gsize)(end - p));
    char *host = hostport, *colon = NULL;
    if (host[0] == '[') {
        char *close = strchr(host, ']');
        if (!close)
            return FALSE;
        colon = close[1] == ':' ? close + 1 : NULL;
        close[1] = '\0';
    } else {
        colon = strrchr(host, ':');
    }
    *port = 5060;
    if (colon) {
        *colon = '\0';
        char *e = NULL;
        guint64 v = g_ascii_strtoull(colon + 1, &e, 10);
        if (e == colon + 1 || *e || v == 0 || v > 65535)
            return FALSE;
        *port = (uint16_t)v;
    }
    return ims_resolve(world, host, out);
}

const char *ims_impi_realm(const char *impi)
{
    const char *at = impi ? strrchr(impi, '@') : NULL;
    return at && at[1] ? at + 1 : NULL;
}

char *ims_hex(const uint8_t *data, size_t len)
{
    char *out = g_malloc(len * 2 + 1);
    for (size_t i = 0; i < len; i++)
        g_snprintf(out + 2 * i, 3, "%02x", data[i]);
    out[len * 2] = '\0';
    return out;
}

gboolean ims_node_has_address(const SimNode *node, const SimAddr *a)
{
    for (guint i = 0; i < node->ifaces->len; i++) {
        const SimIface *iface = node->ifaces->pdata[i];
        for (guint k = 0; k < iface->addrs->len; k++)
            if (sim_addr_equal(&g_array_index(iface->addrs, SimPrefix, k).addr, a))
                return TRUE;
    }
    return FALSE;
}

SimNode *ims_node_by_address(const SimWorld *world, const SimAddr *a)
{
    for (guint n = 0; n < world->nodes->len; n++)
        if (ims_node_has_address(world->nodes->pdata[n], a))
            return world->nodes->pdata[n];
    return NULL;
}
