/* presim-helper.h: presim nodes inside an ns-3 script (issue 7, the plug-in side).
 *
 * An ns-3 user builds the topology with ns-3 models (wifi, point-to-point, ...), then lets presim's
 * nodes (UE, P-CSCF, I-CSCF, S-CSCF, HSS, PS, ...) run on ns-3 nodes and talk over ns-3 net devices:
 *
 *   ns3::PresimHelper presim("profile.ini");          // presim nodes, subscribers, timeline
 *   presim.Install("ue1", wifiNodes.Get(0));            // the presim node runs on that ns-3 node
 *   presim.AddInterface("ue1", "wlan0", ueWifiDev, "10.1.1.2/24", apWifiDev);
 *   ...
 *   presim.Start();                                     // presim nodes created, timeline scheduled
 *   presim.AddRoute("ue1", "0.0.0.0/0", "wlan0");
 *   ns3::Simulator::Run();
 *   presim.EventAttribute("ue1", "registered", "latency_us");
 *   presim.Finish();                                    // before ns3::Simulator::Destroy()
 *
 * The profile is a presim scenario file without links (see examples/ns3/wifi-registration.ini).
 * presim's IP datagrams are the payload of the ns-3 packets (EtherType 0x0800 / 0x86DD); PEER is the
 * device the interface sends to (its MAC address is the frame's destination), as on an access link.
 * presim's events run on ns3::Simulator through the ns-3 engine back end, so the script's own
 * Simulator::Run() drives both. One PresimHelper per process (ns-3 has one simulator).
 */
#pragma once
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <ns3/net-device.h>
#include <ns3/node.h>
#include <ns3/ptr.h>

struct ScenarioWorld;

namespace ns3 {

class PresimHelper {
  public:
    /* Loads PROFILE (a presim scenario file, checked as `presim validate` does) with SEED (0: the
     * file's). Throws std::runtime_error with presim's FILE:LINE message on a bad file. */
    explicit PresimHelper(const std::string &profile, uint64_t seed = 0);
    ~PresimHelper();

    /* Runs presim node NAME on ns-3 node NODE (bookkeeping: which ns-3 node hosts it). */
    void Install(const std::string &name, Ptr<Node> node);
    /* Gives presim node NAME an interface IFACE with address PREFIX ("10.1.1.2/24" or IPv6) on ns-3
     * device DEV, sending to PEER's address. Before Start(). */
    void AddInterface(const std::string &name, const std::string &iface, Ptr<NetDevice> dev,
                      const std::string &prefix, Ptr<NetDevice> peer);
    /* Creates the presim nodes and schedules the profile's timeline on ns3::Simulator. */
    void Start();
    /* A static route of presim node NAME (PREFIX via IFACE). After Start(). */
    void AddRoute(const std::string &name, const std::string &prefix, const std::string &iface);
    /* The integer attribute KEY of the last presim event EVENT of node NAME, or -1 if none came. */
    int64_t EventAttribute(const std::string &name, const std::string &event, const std::string &key) const;
    /* How many events EVENT node NAME emitted. */
    size_t EventCount(const std::string &name, const std::string &event) const;
    /* Frees the presim world; call before ns3::Simulator::Destroy(). */
    void Finish();

    struct Binding;
    struct Events;

  private:
    void *m_scenario = nullptr;
    ScenarioWorld *m_world = nullptr;
    std::vector<Binding *> m_bindings;
    Events *m_events = nullptr;
    std::map<std::string, Ptr<Node>> m_hosts;
    bool m_started = false;
};

} // namespace ns3
