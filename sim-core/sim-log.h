/* sim-log.h: g_log domains, one per module. Debug output is off unless --verbose sets
 * G_MESSAGES_DEBUG=all (or the user sets G_MESSAGES_DEBUG to some of these). */
#pragma once
#define SIM_LOG_ENGINE "presim-engine"
#define SIM_LOG_LINK "presim-link"
#define SIM_LOG_IP "presim-ip"
#define SIM_LOG_UDP "presim-udp"
#define SIM_LOG_TCP "presim-tcp"
#define SIM_LOG_SCENARIO "presim-scenario"
#define SIM_LOG_NODE "presim-node"
#define SIM_LOG_ANALYSIS "presim-analysis"
