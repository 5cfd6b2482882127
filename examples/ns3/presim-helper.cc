/* presim-helper.cc: presim nodes on ns-3 nodes and net devices (presim-helper.h).
 *
 * DESIGN NOTES
 * The helper builds the presim world in two steps (scenario_world_begin / _finish) so that the
 * interfaces come from ns-3 devices instead of presim links. An interface bound to a device hands
 * each datagram to NetDevice::Send (tracing it as a presim link end would) and takes what the device
 * receives into the node's IP stack. Events are kept per (node, event) for the script to read.
 */
#include "examples/ns3/presim-helper.h"

#include <stdexcept>

#include <ns3/core-module.h>
#include <ns3/network-module.h>

#include <glib.h> /* outside extern "C": its C++ parts are templates */
extern "C" {
#include "links/net-stack.h"
#include "scenarios/scenario-build.h"
#include "sim-core/ns3/sim-backend-ns3.h"
}

namespace ns3 {

struct PresimHelper::Binding {
    SimWorld *world;
    SimIface *iface;
    Ptr<NetDevice> dev;
    Ptr<NetDevice> peer;
};

struct PresimHelper::Events {
    SimObserver observer; /* first: the trace bus calls through it */
    std::map<std::string, std::map<std::string, int64_t>> last; /* "node/event" -> integer attributes */
    std::map<std::string, size_t> count;
};

namespace {

void on_event(SimObserver *self, const SimTraceEvent *ev)
{
    auto *e = reinterpret_cast<PresimHelper::Events *>(self);
    std::string key = std::string(ev->node ? ev->node : "") + "/" + ev->name;
    e->count[key]++;
    auto &attrs = e->last[key];
    attrs.clear();
    for (size_t i = 0; i < ev->n_attrs; i++)
        if (ev->attrs[i].type == SIM_ATTR_INT)
            attrs[ev->attrs[i].key] = ev->attrs[i].i;
}

void binding_transmit(SimIface *iface, SimPacket *p, void *ctx)
{
    auto *b = static_cast<PresimHelper::Binding *>(ctx);
    const uint8_t *data = sim_packet_data(p);
    if (p->len > iface->mtu) {
        sim_trace_packet(b->world->trace, SIM_TRACE_DROP, iface->node->name, iface->trace, data, p->len, p->uid,
                         "mtu-exceeded");
        sim_packet_unref(p);
        return;
    }
    sim_trace_packet(b->world->trace, SIM_TRACE_TX, iface->node->name, iface->trace, data, p->len, p->uid, nullptr);
    uint16_t ethertype = p->len && (data[0] >> 4) == 6 ? 0x86DD : 0x0800;
    if (!b->dev->Send(Create<Packet>(data, (uint32_t)p->len), b->peer->GetAddress(), ethertype))
        sim_trace_packet(b->world->trace, SIM_TRACE_DROP, iface->node->name, iface->trace, data, p->len, p->uid,
                         "queue-full");
    sim_packet_unref(p);
}

bool binding_receive(PresimHelper::Binding *b, Ptr<NetDevice>, Ptr<const Packet> pkt, uint16_t, const Address &)
{
    std::vector<uint8_t> buf(pkt->GetSize());
    pkt->CopyData(buf.data(), (uint32_t)buf.size());
    SimPacket *p = sim_packet_new(buf.data(), buf.size(), SIM_PACKET_HEADROOM);
    p->uid = sim_node_next_packet_uid(b->iface->node);
    sim_trace_packet(b->world->trace, SIM_TRACE_RX, b->iface->node->name, b->iface->trace, buf.data(), buf.size(),
                     p->uid, nullptr);
    if (b->iface->deliver)
        b->iface->deliver(b->iface, p, b->iface->deliver_ctx);
    else
        sim_packet_unref(p);
    return true;
}

std::runtime_error failure(const char *what, GError *err)
{
    std::string m = std::string("presim: ") + what + (err ? std::string(": ") + err->message : "");
    g_clear_error(&err);
    return std::runtime_error(m);
}

} // namespace

PresimHelper::PresimHelper(const std::string &profile, uint64_t seed)
{
    GError *err = nullptr;
    std::string seed_set = "scenario.seed=" + std::to_string(seed);
    const char *overrides[] = {seed_set.c_str(), nullptr};
    Scenario *sc = scenario_load(profile.c_str(), seed ? overrides : nullptr, &err);
    if (!sc)
        throw failure("profile", err);
    m_scenario = sc;
    SimBackend *backend = sim_backend_ns3_new();
    if (!backend)
        throw failure("one PresimHelper per process (ns-3 has one simulator)", nullptr);
    m_world = scenario_world_begin(sc, backend, &err);
    if (!m_world)
        throw failure("world", err);
    m_events = new Events();
    m_events->observer.event = on_event;
    sim_trace_add_observer(m_world->world->trace, &m_events->observer);
}

PresimHelper::~PresimHelper()
{
    Finish();
}

void PresimHelper::Install(const std::string &name, Ptr<Node> node)
{
    if (!sim_world_find_node(m_world->world, name.c_str()))
        throw failure(("no presim node " + name).c_str(), nullptr);
    m_hosts[name] = node;
}

void PresimHelper::AddInterface(const std::string &name, const std::string &iface, Ptr<NetDevice> dev,
                                const std::string &prefix, Ptr<NetDevice> peer)
{
    if (m_started)
        throw failure("AddInterface after Start", nullptr);
    SimWorld *w = m_world->world;
    SimNode *node = sim_world_find_node(w, name.c_str());
    if (!node)
        throw failure(("no presim node " + name).c_str(), nullptr);
    SimPrefix p;
    GError *err = nullptr;
    if (!sim_prefix_parse(prefix.c_str(), &p, &err))
        throw failure(prefix.c_str(), err);
    SimIface *i = sim_node_add_iface(node, iface.c_str(), dev->GetMtu());
    sim_iface_add_address(i, &p);
    std::string link = name + "/" + iface + " (" + dev->GetInstanceTypeId().GetName() + ")";
    i->trace = sim_trace_add_iface(w->trace, node->name, i->name, link.c_str(), "ns3", FALSE, i->mtu, 0);
    auto *b = new Binding{w, i, dev, peer};
    m_bindings.push_back(b);
    i->transmit = binding_transmit;
    i->transmit_ctx = b;
    dev->SetReceiveCallback(MakeBoundCallback(&binding_receive, b));
}

void PresimHelper::Start()
{
    GError *err = nullptr;
    ScenarioWorld *sw = m_world;
    if (!scenario_world_finish(sw, &err)) {
        m_world = nullptr; /* finish freed it */
        throw failure("start", err);
    }
    m_started = true;
}

void PresimHelper::AddRoute(const std::string &name, const std::string &prefix, const std::string &iface)
{
    SimNode *node = m_world ? sim_world_find_node(m_world->world, name.c_str()) : nullptr;
    SimIface *i = node ? sim_node_find_iface(node, iface.c_str()) : nullptr;
    SimPrefix p;
    GError *err = nullptr;
    if (!i || !m_started)
        throw failure(("no interface " + name + "/" + iface + " (or not started)").c_str(), nullptr);
    if (!sim_prefix_parse(prefix.c_str(), &p, &err))
        throw failure(prefix.c_str(), err);
    net_stack_add_route(net_stack_of(node), &p, i);
}

int64_t PresimHelper::EventAttribute(const std::string &name, const std::string &event, const std::string &key) const
{
    auto it = m_events ? m_events->last.find(name + "/" + event) : decltype(m_events->last)::iterator();
    if (!m_events || it == m_events->last.end())
        return -1;
    auto a = it->second.find(key);
    return a == it->second.end() ? -1 : a->second;
}

size_t PresimHelper::EventCount(const std::string &name, const std::string &event) const
{
    if (!m_events)
        return 0;
    auto it = m_events->count.find(name + "/" + event);
    return it == m_events->count.end() ? 0 : it->second;
}

void PresimHelper::Finish()
{
    if (m_world) {
        sim_trace_remove_observer(m_world->world->trace, &m_events->observer);
        for (auto *b : m_bindings)
            b->dev->SetReceiveCallback(MakeNullCallback<bool, Ptr<NetDevice>, Ptr<const Packet>, uint16_t,
                                                        const Address &>());
        scenario_world_free(m_world); /* frees the engine: ns3::Simulator::Destroy() */
        m_world = nullptr;
    }
    for (auto *b : m_bindings)
        delete b;
    m_bindings.clear();
    delete m_events;
    m_events = nullptr;
    if (m_scenario) {
        scenario_free(static_cast<Scenario *>(m_scenario));
        m_scenario = nullptr;
    }
}

} // namespace ns3
