/* udp.h: UDP (RFC 768) sockets for node code.
 *
 * bind / sendto / a receive callback, as a BSD socket would give. Datagrams carry real UDP headers
 * with checksums (mandatory over IPv6, RFC 8200 §8.1; always computed over IPv4 too). A datagram for
 * a port nobody has bound is dropped with reason "port-unreachable" (no ICMP is sent); one with a
 * bad length or checksum is dropped as "malformed" / "bad-checksum".
 */
#pragma once
#include "links/net-stack.h"

typedef struct UdpSocket UdpSocket;

/* DATA is valid only during the call. */
typedef void (*UdpRecvFunc)(UdpSocket *sock, const uint8_t *data, size_t len, const SimAddr *src, uint16_t sport,
                            const NetIpInfo *ip, void *user);

/* A new, unbound socket on STACK. Free with udp_socket_free(). */
UdpSocket *udp_socket_new(NetStack *stack, UdpRecvFunc recv, void *user);
void udp_socket_free(UdpSocket *sock);
/* Binds to LOCAL (NULL or unspecified: any) and PORT (0: an ephemeral port from 49152-65535).
 * Fails if that address and port are taken. */
gboolean udp_socket_bind(UdpSocket *sock, const SimAddr *local, uint16_t port, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
uint16_t udp_socket_port(const UdpSocket *sock);
/* Sends one datagram; binds to an ephemeral port first if unbound. FALSE (with error) when the
 * datagram is too large or there is no route. */
gboolean udp_socket_sendto(UdpSocket *sock, const void *data, size_t len, const SimAddr *dst, uint16_t dport,
                           GError **error);
/* As udp_socket_sendto() from local address SRC (one of the node's): a server answers from the address
 * it was reached at, as a socket bound to that address would. */
gboolean udp_socket_sendto_from(UdpSocket *sock, const void *data, size_t len, const SimAddr *src, const SimAddr *dst,
                                uint16_t dport, GError **error);
NetStack *udp_socket_stack(const UdpSocket *sock);

/* Wired by net-stack.c. */
void udp_layer_input(void *stack, SimPacket *pkt, const NetIpInfo *ip);
void udp_layer_free(NetStack *stack);

GQuark net_error_quark(void);
#define NET_ERROR (net_error_quark())
typedef enum { NET_ERROR_ADDR_IN_USE, NET_ERROR_NO_ROUTE, NET_ERROR_TOO_BIG, NET_ERROR_INVALID } NetError;
