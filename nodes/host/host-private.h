/* host-private.h: state shared by the host kind's files. */
#pragma once
#include "links/net-stack.h"
#include "links/tcp.h"
#include "links/udp.h"
#include "nodes/host/host.h"

#define HOST_FLOW_NAME_MAX 48

typedef struct {
    SimNode *node;
    GPtrArray *udp_sinks;   /* HostUdpSink*, owned */
    GPtrArray *udp_senders; /* HostUdpSender*, owned */
    GPtrArray *tcp_sinks;   /* HostTcpSink*, owned */
    GPtrArray *tcp_senders; /* HostTcpSender*, owned */
} Host;

Host *host_of(SimNode *node);
/* The action name travels in every flow's data: FALSE (with error) when it is too long. */
gboolean host_check_flow_name(const char *name, GError **error);

/* udp-flow.c */
void host_udp_sink_open(Host *host, uint16_t port, GError **error);
void host_udp_report(Host *host, SimReport *report);
void host_udp_free(Host *host);
/* tcp-flow.c */
void host_tcp_sink_open(Host *host, uint16_t port, GError **error);
void host_tcp_report(Host *host, SimReport *report);
void host_tcp_free(Host *host);
/* The byte at OFFSET of every tcp-send payload. */
static inline uint8_t host_pattern_byte(uint64_t offset)
{
    return (uint8_t)((offset * 131u) ^ (offset >> 9));
}
