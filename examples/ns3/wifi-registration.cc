/* wifi-registration.cc: an ns-3 script that runs presim's IMS nodes over ns-3 models (issue 7).
 *
 * The topology is ns-3's: the UE and the P-CSCF's access point side share an 802.11g channel (YANS,
 * ad-hoc MAC, 10 m apart), the P-CSCF reaches a core router over a point-to-point link, and the
 * I-CSCF, S-CSCF, HSS and PS hang off the core on point-to-point links. PresimHelper installs the
 * presim nodes of wifi-registration.ini on those ns-3 nodes; the UE registers (IMS AKA, Sec-Agree,
 * ESP) and publishes its presence over the ns-3 wifi channel, and the script prints the registration
 * latency.
 *   build/examples/ns3/ns3-wifi-registration [--profile=FILE] [--distance=METRES]
 */
#include <cstring>

#include <cstdio>
#include <exception>

#include <ns3/core-module.h>
#include <ns3/mobility-module.h>
#include <ns3/network-module.h>
#include <ns3/point-to-point-module.h>
#include <ns3/wifi-module.h>

#include "examples/ns3/presim-helper.h"

using namespace ns3;

int main(int argc, char **argv)
{
    std::string profile = std::string(PRESIM_SOURCE_DIR) + "/examples/ns3/wifi-registration.ini";
    double distance = 10.0;
    CommandLine cmd(__FILE__);
    cmd.AddValue("profile", "presim profile (nodes, subscriber, timeline)", profile);
    cmd.AddValue("distance", "UE to access point distance, metres", distance);
    cmd.Parse(argc, argv);

    try {
        PresimHelper presim(profile);

        /* ns-3 nodes: 0 ue, 1 pcscf, 2 core, 3 icscf, 4 scscf, 5 hss, 6 ps */
        NodeContainer nodes;
        nodes.Create(7);
        const char *names[] = {"ue1", "pcscf", "core", "icscf", "scscf", "hss", "ps"};
        for (uint32_t i = 0; i < 7; i++)
            presim.Install(names[i], nodes.Get(i));

        /* 802.11g access network, ad hoc between the UE and the P-CSCF side */
        NodeContainer wlan(nodes.Get(0), nodes.Get(1));
        WifiHelper wifi;
        wifi.SetStandard(WIFI_STANDARD_80211g);
        wifi.SetRemoteStationManager("ns3::ConstantRateWifiManager", "DataMode", StringValue("ErpOfdmRate24Mbps"));
        YansWifiChannelHelper channel = YansWifiChannelHelper::Default();
        YansWifiPhyHelper phy;
        phy.SetChannel(channel.Create());
        WifiMacHelper mac;
        mac.SetType("ns3::AdhocWifiMac");
        NetDeviceContainer wdev = wifi.Install(phy, mac, wlan);
        MobilityHelper mobility;
        Ptr<ListPositionAllocator> pos = CreateObject<ListPositionAllocator>();
        pos->Add(Vector(0, 0, 0));
        pos->Add(Vector(distance, 0, 0));
        mobility.SetPositionAllocator(pos);
        mobility.SetMobilityModel("ns3::ConstantPositionMobilityModel");
        mobility.Install(wlan);
        presim.AddInterface("ue1", "wlan0", wdev.Get(0), "10.1.1.2/24", wdev.Get(1));
        presim.AddInterface("pcscf", "wlan0", wdev.Get(1), "10.1.1.1/24", wdev.Get(0));

        /* point-to-point core */
        PointToPointHelper p2p;
        p2p.SetDeviceAttribute("DataRate", StringValue("1Gbps"));
        p2p.SetChannelAttribute("Delay", StringValue("1ms"));
        struct {
            uint32_t leaf;
            const char *net;
        } core_links[] = {{1, "10.0.0"}, {3, "10.0.1"}, {4, "10.0.2"}, {5, "10.0.3"}, {6, "10.0.4"}};
        for (uint32_t k = 0; k < 5; k++) {
            NetDeviceContainer d = p2p.Install(nodes.Get(core_links[k].leaf), nodes.Get(2));
            std::string net = core_links[k].net;
            presim.AddInterface(names[core_links[k].leaf], "eth0", d.Get(0), net + ".2/24", d.Get(1));
            presim.AddInterface("core", "eth" + std::to_string(k), d.Get(1), net + ".1/24", d.Get(0));
        }

        presim.Start();
        presim.AddRoute("ue1", "0.0.0.0/0", "wlan0");
        for (uint32_t leaf : {1u, 3u, 4u, 5u, 6u})
            presim.AddRoute(names[leaf], "0.0.0.0/0", "eth0");
        presim.AddRoute("core", "10.1.1.0/24", "eth0"); /* the UE's network behind the P-CSCF */

        Simulator::Stop(Seconds(10));
        Simulator::Run();

        int64_t latency_us = presim.EventAttribute("ue1", "registered", "latency_us");
        int64_t publish_status = presim.EventAttribute("ue1", "pub-result", "status");
        if (latency_us < 0) {
            std::printf("registration failed over the ns-3 wifi channel\n");
            presim.Finish();
            Simulator::Destroy();
            return 1;
        }
        std::printf("registration latency over ns-3 802.11g (%.0f m): %.3f ms\n", distance, latency_us / 1000.0);
        std::printf("PUBLISH over ns-3 802.11g: %s (%ld)\n", publish_status == 200 ? "accepted" : "failed",
                    (long)publish_status);
        presim.Finish();
        Simulator::Destroy();
        return publish_status == 200 ? 0 : 1;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 2;
    }
}
