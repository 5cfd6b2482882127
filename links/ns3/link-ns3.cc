/* link-ns3.cc: presim links on ns-3 point-to-point devices (link-ns3.h).
 *
 * DESIGN NOTES
 * One ns3::Node per presim node (created on first use, freed with the simulator). Per direction the
 * sending device fires PhyTxBegin when a transmission starts: link.c then traces it and draws the
 * loss, and the verdict is queued (std::deque<bool>) for the receiving device's error model, which
 * takes verdicts in the same order because one direction delivers in transmission order.
 * Between ranks of a distributed run the receiving device lives in another process: the link is an
 * ns3::PointToPointRemoteChannel, and the verdict and the presim uid travel in a PresimTag (ns-3
 * serialises packet tags with the packet), read by the receiver's error model and receive callback.
 * <cstring> first: ns-3.37's hash-function.h uses memcpy without it under GCC 12.
 */
#include <cstring>
#include <deque>
#include <vector>
#include <map>

#include <ns3/core-module.h>
#include <ns3/error-model.h>
#include <ns3/network-module.h>
#include <ns3/point-to-point-channel.h>
#include <ns3/point-to-point-net-device.h>

#include "links/ns3/link-ns3.h"
#include "presim-config.h"
#if PRESIM_HAVE_NS3_MPI
#include <ns3/mpi-receiver.h>
#include <ns3/point-to-point-remote-channel.h>
#endif

namespace {

/* What a packet crossing ranks carries besides its bytes: presim's uid and the loss verdict. */
class PresimTag : public ns3::Tag {
  public:
    uint64_t uid = 0;
    uint8_t lost = 0;

    static ns3::TypeId GetTypeId()
    {
        static ns3::TypeId tid =
            ns3::TypeId("presim::PresimTag").SetParent<ns3::Tag>().AddConstructor<PresimTag>();
        return tid;
    }
    ns3::TypeId GetInstanceTypeId() const override { return GetTypeId(); }
    uint32_t GetSerializedSize() const override { return 9; }
    void Serialize(ns3::TagBuffer b) const override
    {
        b.WriteU64(uid);
        b.WriteU8(lost);
    }
    void Deserialize(ns3::TagBuffer b) override
    {
        uid = b.ReadU64();
        lost = b.ReadU8();
    }
    void Print(std::ostream &os) const override { os << "presim uid=" << uid << " lost=" << int(lost); }
};
/* Registered at start-up in every process: the receiving rank finds the tag's type by its name hash. */
NS_OBJECT_ENSURE_REGISTERED(PresimTag);

/* Discards the packets presim's loss stream lost at transmission start, in order (or, from another
 * rank, as their tag says). */
class VerdictErrorModel : public ns3::ErrorModel {
  public:
    std::deque<bool> verdicts;
    bool remote = false;

  private:
    bool DoCorrupt(ns3::Ptr<ns3::Packet> p) override
    {
        if (remote) {
            PresimTag tag;
            return p->PeekPacketTag(tag) && tag.lost;
        }
        if (verdicts.empty())
            return false;
        bool lost = verdicts.front();
        verdicts.pop_front();
        return lost;
    }
    void DoReset() override { verdicts.clear(); }
};

std::map<const void *, ns3::Ptr<ns3::Node>> g_nodes; /* presim node -> its ns-3 node, while links exist */
int g_links = 0;

/* RANK: the ns-3 system id (every rank builds every node, in the same order, so node ids agree). */
ns3::Ptr<ns3::Node> node_for(const void *key, uint32_t rank)
{
    auto it = g_nodes.find(key);
    if (it != g_nodes.end())
        return it->second;
    ns3::Ptr<ns3::Node> n = ns3::CreateObject<ns3::Node>(rank);
    g_nodes[key] = n;
    return n;
}

} // namespace

struct SimLinkNs3 {
    SimLinkNs3Ops ops;
    void *ctx;
    ns3::Ptr<ns3::PointToPointNetDevice> dev[2];
    ns3::Ptr<ns3::PointToPointChannel> channel;
    ns3::Ptr<VerdictErrorModel> em[2]; /* em[i]: on device i, for packets sent from the other end */
    bool remote;                       /* the ends are on different ranks */
};

namespace {

void on_tx_begin(SimLinkNs3 *l, int from, ns3::Ptr<const ns3::Packet> p)
{
    uint64_t uid = 0;
    bool lost = l->ops.tx_start(l->ctx, from, &uid);
    if (l->remote) {
        PresimTag tag;
        tag.uid = uid;
        tag.lost = lost ? 1 : 0;
        p->AddPacketTag(tag); /* a const method: tags are not part of the packet's bytes */
        return;
    }
    l->em[1 - from]->verdicts.push_back(lost);
}

bool on_receive(SimLinkNs3 *l, int at, ns3::Ptr<ns3::NetDevice>, ns3::Ptr<const ns3::Packet> p, uint16_t,
                const ns3::Address &)
{
    if (!l->remote) {
        l->ops.arrive(l->ctx, 1 - at);
        return true;
    }
    PresimTag tag;
    p->PeekPacketTag(tag);
    std::vector<uint8_t> buf(p->GetSize());
    p->CopyData(buf.data(), (uint32_t)buf.size());
    l->ops.arrive_remote(l->ctx, 1 - at, buf.data(), buf.size(), tag.uid);
    return true;
}

} // namespace

extern "C" gboolean sim_link_ns3_distributed_available(void)
{
    return PRESIM_HAVE_NS3_MPI ? TRUE : FALSE;
}

extern "C" gboolean sim_link_ns3_is_remote(const SimLinkNs3 *link)
{
    return link->remote ? TRUE : FALSE;
}

extern "C" SimLinkNs3 *sim_link_ns3_new(const void *node_a, const void *node_b, const uint32_t *ranks,
                                        uint64_t bandwidth_bps, int64_t delay_ns, uint32_t mtu,
                                        uint32_t queue_limit, const SimLinkNs3Ops *ops, void *ctx)
{
    bool remote = ranks && ranks[0] != ranks[1];
    if (remote && (!PRESIM_HAVE_NS3_MPI || delay_ns <= 0))
        return nullptr;
    auto *l = new SimLinkNs3();
    g_links++;
    l->ops = *ops;
    l->ctx = ctx;
    l->remote = remote;
#if PRESIM_HAVE_NS3_MPI
    if (remote)
        l->channel = ns3::CreateObject<ns3::PointToPointRemoteChannel>();
    else
#endif
        l->channel = ns3::CreateObject<ns3::PointToPointChannel>();
    l->channel->SetAttribute("Delay", ns3::TimeValue(ns3::NanoSeconds(delay_ns)));
    /* 0 means no serialisation delay: at 10^18 bit/s a frame takes less than half a nanosecond, which
     * DataRate rounds to 0 as the built-in link does. */
    ns3::DataRate rate(bandwidth_bps ? bandwidth_bps : UINT64_C(1000000000000000000));
    const void *keys[2] = {node_a, node_b};
    for (int i = 0; i < 2; i++) {
        auto d = ns3::CreateObject<ns3::PointToPointNetDevice>();
        d->SetAddress(ns3::Mac48Address::Allocate());
        d->SetDataRate(rate);
        d->SetMtu(mtu > 65535 ? 65535 : (uint16_t)mtu);
        auto q = ns3::CreateObject<ns3::DropTailQueue<ns3::Packet>>();
        q->SetMaxSize(ns3::QueueSize(ns3::QueueSizeUnit::PACKETS, queue_limit));
        d->SetQueue(q);
        l->em[i] = ns3::CreateObject<VerdictErrorModel>();
        l->em[i]->remote = remote;
        d->SetReceiveErrorModel(l->em[i]);
        node_for(keys[i], ranks ? ranks[i] : 0)->AddDevice(d);
        d->Attach(l->channel);
        d->TraceConnectWithoutContext("PhyTxBegin", ns3::MakeBoundCallback(&on_tx_begin, l, i));
        d->SetReceiveCallback(ns3::MakeBoundCallback(&on_receive, l, i));
#if PRESIM_HAVE_NS3_MPI
        if (remote) { /* what arrives from the other rank enters the device here (as PointToPointHelper does) */
            auto rx = ns3::CreateObject<ns3::MpiReceiver>();
            rx->SetReceiveCallback(ns3::MakeCallback(&ns3::PointToPointNetDevice::Receive, d));
            d->AggregateObject(rx);
        }
#endif
        l->dev[i] = d;
    }
    return l;
}

extern "C" gboolean sim_link_ns3_send(SimLinkNs3 *l, int from, const uint8_t *data, size_t len)
{
    /* The device maps the EtherType onto the PPP protocol field (RFC 1332 0x0021, RFC 5072 0x0057). */
    uint16_t ethertype = len && (data[0] >> 4) == 6 ? 0x86DD : 0x0800;
    ns3::Ptr<ns3::Packet> p = ns3::Create<ns3::Packet>(data, (uint32_t)len);
    auto d = l->dev[from ? 1 : 0];
    return d->Send(p, d->GetBroadcast(), ethertype) ? TRUE : FALSE;
}

extern "C" void sim_link_ns3_free(SimLinkNs3 *l)
{
    if (!l)
        return;
    for (auto &d : l->dev)
        d->SetReceiveCallback(ns3::MakeNullCallback<bool, ns3::Ptr<ns3::NetDevice>, ns3::Ptr<const ns3::Packet>,
                                                    uint16_t, const ns3::Address &>());
    delete l;
    if (--g_links == 0)
        g_nodes.clear(); /* the keys are presim node pointers: a later world may reuse them */
}
