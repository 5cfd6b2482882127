/* scscf-common.c: identities, proxy steps and Cx plumbing shared by the I-CSCF and the S-CSCF. */
#include "nodes/ims/scscf-common.h"
#include "protocols/sip/sip-headers.h"
#include <string.h>

/* ---- identities ------------------------------------------------------------------------------ */

char *cscf_uri_aor(const osip_uri_t *uri)
{
    if (!uri || !uri->scheme)
        return NULL;
    if (g_ascii_strcasecmp(uri->scheme, "sip") != 0 && g_ascii_strcasecmp(uri->scheme, "sips") != 0) {
        /* libosip2 keeps the rest of any other scheme (tel:) as text: cut its parameters */
        if (!uri->string || !*uri->string)
            return NULL;
        g_autofree char *lower = g_ascii_strdown(uri->scheme, -1);
        return g_strdup_printf("%s:%.*s", lower, (int)strcspn(uri->string, ";?"), uri->string);
    }
    if (!uri->host || !*uri->host)
        return NULL;
    g_autofree char *scheme = g_ascii_strdown(uri->scheme, -1);
    g_autofree char *host = g_ascii_strdown(uri->host, -1); /* RFC 3261 §19.1.4: host is case-insensitive */
    if (uri->username && *uri->username)
        return g_strdup_printf("%s:%s@%s", scheme, uri->username, host);
    return g_strdup_printf("%s:%s", scheme, host);
}

char *cscf_text_aor(const char *text)
{
    if (!text)
        return NULL;
    const char *p = text;
    while (*p == ' ' || *p == '<')
        p++;
    g_autofree char *s = g_strndup(p, strcspn(p, ">"));
    osip_uri_t *uri = NULL;
    if (osip_uri_init(&uri) != 0)
        return NULL;
    char *out = NULL;
    if (osip_uri_parse(uri, s) == 0)
        out = cscf_uri_aor(uri);
    osip_uri_free(uri);
    return out;
}

SipAuth *cscf_request_auth(const osip_message_t *req, gboolean *malformed)
{
    *malformed = FALSE;
    const char *text = sip_message_get_header(req, "Authorization", 0);
    if (!text)
        return NULL;
    GError *err = NULL;
    SipAuth *a = sip_auth_parse(text, &err);
    if (!a || g_ascii_strcasecmp(a->scheme, "Digest") != 0) {
        *malformed = TRUE;
        g_clear_error(&err);
        if (a)
            sip_auth_free(a);
        return NULL;
    }
    return a;
}

char *cscf_request_impi(const osip_message_t *req, const char *impu)
{
    gboolean bad;
    SipAuth *a = cscf_request_auth(req, &bad);
    const char *user = a ? sip_auth_get(a, "username") : NULL;
    char *out = NULL;
    if (user && *user)
        out = g_strdup(user);
    else if (impu && g_str_has_prefix(impu, "sip:") && strchr(impu, '@'))
        out = g_strdup(impu + 4); /* TS 33.203 §6.1 / TS 23.003 §13.3: derived from the IMPU */
    if (a)
        sip_auth_free(a);
    return out;
}

gint64 cscf_request_expires(const osip_message_t *req)
{
    const char *text = sip_message_get_header(req, "Expires", 0);
    if (!text)
        return -1;
    guint32 v = 0;
    GError *err = NULL;
    if (!sip_expires_parse(text, &v, &err)) {
        g_clear_error(&err);
        return -2;
    }
    return v;
}

/* ---- proxying (RFC 3261 §16) ----------------------------------------------------------------- */

/* Max-Forwards as a number: -1 absent, -2 malformed. */
static int max_forwards(const osip_message_t *req)
{
    const char *text = sip_message_get_header(req, "Max-Forwards", 0);
    if (!text)
        return -1;
    char *end = NULL;
    guint64 v = g_ascii_strtoull(text, &end, 10);
    if (end == text || (*end && !g_ascii_isspace(*end)) || v > 255)
        return -2;
    return (int)v;
}

int cscf_max_forwards_check(const osip_message_t *req)
{
    int mf = max_forwards(req);
    if (mf == -2)
        return 400;
    return mf == 0 ? 483 : 0; /* RFC 3261 §16.3 step 3 */
}

gboolean cscf_forward_prepare(osip_message_t *msg, const char *host, const char *branch, const char *route_uri,
                              GError **error)
{
    int mf = max_forwards(msg);
    char text[8];
    g_snprintf(text, sizeof text, "%d", mf < 0 ? 70 : mf - 1); /* §16.6 step 3 */
    sip_message_remove_header(msg, "Max-Forwards");
    if (!sip_message_add_header(msg, "Max-Forwards", text, error))
        return FALSE;
    if (route_uri) { /* TS 24.229 §5.3.2.1: the S-CSCF URI as the topmost Route */
        g_autofree char *value = g_strdup_printf("<%s;lr>", route_uri);
        osip_route_t *r = NULL;
        if (osip_route_init(&r) != 0 || osip_route_parse(r, value) != 0) {
            osip_route_free(r);
            g_set_error(error, SIP_MESSAGE_ERROR, SIP_MESSAGE_ERROR_INVALID, "bad Route %s", value);
            return FALSE;
        }
        osip_list_add(&msg->routes, r, 0);
    }
    g_autofree char *via_text = g_strdup_printf("SIP/2.0/UDP %s:%d;branch=%s", host, IMS_SIP_PORT, branch);
    osip_via_t *via = NULL;
    if (osip_via_init(&via) != 0 || osip_via_parse(via, via_text) != 0) {
        osip_via_free(via);
        g_set_error(error, SIP_MESSAGE_ERROR, SIP_MESSAGE_ERROR_INVALID, "bad Via %s", via_text);
        return FALSE;
    }
    osip_list_add(&msg->vias, via, 0); /* §16.6 step 8: on top */
    osip_message_force_update(msg);
    return TRUE;
}

static gboolean host_is_node(const char *host, const SimNode *node)
{
    g_autofree char *name = ims_host_name(node);
    if (g_ascii_strcasecmp(host, name) == 0 || g_ascii_strcasecmp(host, node->name) == 0)
        return TRUE;
    g_autofree char *h = g_strdup(host);
    size_t n = strlen(h);
    if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
        h[n - 1] = '\0';
        memmove(h, h + 1, n - 1);
    }
    SimAddr a;
    if (!sim_addr_parse(h, &a))
        return FALSE;
    return ims_node_has_address(node, &a);
}

void cscf_pop_own_route(osip_message_t *msg, const SimNode *node)
{
    osip_route_t *r = osip_list_get(&msg->routes, 0);
    if (!r || !r->url || !r->url->host || !host_is_node(r->url->host, node))
        return;
    osip_list_remove(&msg->routes, 0);
    osip_route_free(r);
    osip_message_force_update(msg);
}

void cscf_pop_via(osip_message_t *msg)
{
    osip_via_t *v = osip_list_get(&msg->vias, 0);
    if (!v)
        return;
    osip_list_remove(&msg->vias, 0);
    osip_via_free(v);
    osip_message_force_update(msg);
}

gboolean cscf_peer_for_uri(const SimWorld *world, const char *uri, SipPeer *out)
{
    SimAddr a;
    uint16_t port;
    if (!uri || !ims_resolve_uri(world, uri, &a, &port))
        return FALSE;
    sip_peer_udp(out, &a, port, IMS_SIP_PORT);
    return TRUE;
}

/* ---- Cx plumbing ----------------------------------------------------------------------------- */

SimNode *cscf_node_of_kind(SimWorld *world, const char *name, const char *kind, GError **error)
{
    SimNode *n = sim_world_find_node(world, name);
    if (!n || !g_str_equal(n->kind, kind)) {
        g_set_error(error, SIM_PARSE_ERROR, 0, "'%s' is not a node of kind %s", name, kind);
        return NULL;
    }
    return n;
}

void cscf_cx_request_common(DiameterNode *dn, const SimNode *hss, CxCommon *c)
{
    memset(c, 0, sizeof *c);
    c->session_id = diameter_node_session_id(dn);
    c->origin_host = g_strdup(diameter_node_origin_host(dn));
    c->origin_realm = g_strdup(diameter_node_origin_realm(dn));
    c->destination_host = ims_host_name(hss);
    c->destination_realm = g_strdup(hss->domain && *hss->domain ? hss->domain : diameter_node_origin_realm(dn));
    diameter_node_next_ids(dn, &c->hop_by_hop, &c->end_to_end);
}

char *cscf_result_text(const CxResult *r)
{
    const char *name = diameter_dict_result_name(r->vendor, r->code);
    return name ? g_strdup_printf("%u (%s)", r->code, name) : g_strdup_printf("%u", r->code);
}
