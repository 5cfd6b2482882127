/* pnet-node.c: PNET over UDP for presim's nodes (pnet-node.h). */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/elements/pnet-node.h"
#include "nodes/ims/ims-common.h"

void pnet_sender_init(PnetSender *s, SimNode *node)
{
    s->node = node;
    s->sock = udp_socket_new(net_stack_of(node), NULL, NULL);
    s->next_seq = 1;
    s->sent = s->send_errors = 0;
}

void pnet_sender_clear(PnetSender *s)
{
    g_clear_pointer(&s->sock, udp_socket_free);
}

const char *pnet_msg_subject(const PnetMsg *msg, char *buf, size_t size)
{
    if (msg->impu)
        return msg->impu;
    if (msg->imsi) {
        g_snprintf(buf, size, "imsi:%s", msg->imsi);
        return buf;
    }
    return "-";
}

gboolean pnet_sender_send(PnetSender *s, SimNode *to, PnetMsg *msg)
{
    msg->seq = s->next_seq++;
    msg->has_timestamp = TRUE;
    msg->timestamp_ns = sim_world_now(s->node->world);
    GError *err = NULL;
    size_t len = 0;
    SimAddr dst;
    g_autofree uint8_t *buf = pnet_msg_encode(msg, &len, &err);
    gboolean ok = buf && ims_node_address_toward(to, s->node, &dst) &&
                  udp_socket_sendto(s->sock, buf, len, &dst, PNET_PORT, &err);
    char sb[32];
    const char *subject = pnet_msg_subject(msg, sb, sizeof sb);
    if (!ok) {
        s->send_errors++;
        SimAttr attrs[] = {SIM_ATTR_S("to", to->name), SIM_ATTR_S("subscriber", subject),
                           SIM_ATTR_S("reason", err ? err->message : "no address")};
        sim_node_event(s->node, "pnet-send-failed", attrs, G_N_ELEMENTS(attrs));
        g_clear_error(&err);
        return FALSE;
    }
    s->sent++;
    SimAttr attrs[] = {
        SIM_ATTR_S("to", to->name),
        SIM_ATTR_S("type", pnet_type_name(msg->type)),
        SIM_ATTR_S("role", pnet_role_name(msg->role)),
        SIM_ATTR_S("ref_point", pnet_role_ref_point(msg->role)),
        SIM_ATTR_S("subscriber", subject),
        SIM_ATTR_I("seq", msg->seq),
        SIM_ATTR_I("bytes", len),
    };
    sim_node_event(s->node, "pnet-sent", attrs, G_N_ELEMENTS(attrs));
    return TRUE;
}

SimNode *pnet_find_node(SimWorld *world, const char *key, const char *name, const char *const *kinds,
                        GError **error)
{
    SimNode *n = sim_world_find_node(world, name);
    for (const char *const *k = kinds; n && *k; k++)
        if (g_str_equal(n->kind, *k))
            return n;
    g_autofree char *list = g_strjoinv(" or ", (char **)kinds);
    g_set_error(error, SIM_PARSE_ERROR, 0, "%s: '%s' is not a node of kind %s", key, name, list);
    return NULL;
}

PnetRole pnet_role_of_kind(const char *kind)
{
    static const struct {
        const char *kind;
        PnetRole role;
    } map[] = {
        {"msc", PNET_ROLE_MSC},   {"sgsn", PNET_ROLE_SGSN},  {"ggsn", PNET_ROLE_GGSN},
        {"gmlc", PNET_ROLE_GMLC}, {"hss-pa", PNET_ROLE_HSS}, {"ext-source", PNET_ROLE_EXTERNAL},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(map); i++)
        if (g_str_equal(map[i].kind, kind))
            return map[i].role;
    return 0;
}
