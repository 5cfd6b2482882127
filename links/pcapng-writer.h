/* pcapng-writer.h: a trace-bus observer writing pcapng (IETF draft-ietf-opsawg-pcapng).
 *
 * One section: a Section Header Block naming the application (shb_userappl "presim <version>") and
 * nothing about the host, OS or wall clock, so the same run gives the same bytes; one Interface
 * Description Block per SimTraceIface, written when the interface is added (an IDB may follow EPBs
 * of other interfaces: the draft only asks that an interface be described before its packets);
 * one Enhanced Packet Block per tx or rx packet event on an interface, timestamped with simulated
 * nanoseconds (if_tsresol 9, so time 0 reads as the 1970 epoch) and flagged inbound or outbound.
 * Forward and drop events are not on any wire and are not written. Link type LINKTYPE_RAW (101):
 * the packet is the IP datagram, v4 or v6 from its first nibble. All fields little-endian.
 *
 * What it is not: a file owner. The caller opens and commits the file (analysis/atomic-file.h).
 */
#pragma once
#include "sim-core/sim-trace.h"
#include <glib.h>
#include <stdio.h>

/* pcapng constants (draft-ietf-opsawg-pcapng §4, §10). */
#define PCAPNG_BT_SHB 0x0A0D0D0Au
#define PCAPNG_BT_IDB 0x00000001u
#define PCAPNG_BT_EPB 0x00000006u
#define PCAPNG_BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define PCAPNG_LINKTYPE_RAW 101
#define PCAPNG_OPT_ENDOFOPT 0
#define PCAPNG_OPT_SHB_USERAPPL 4
#define PCAPNG_OPT_IF_NAME 2
#define PCAPNG_OPT_IF_DESCRIPTION 3
#define PCAPNG_OPT_IF_SPEED 8
#define PCAPNG_OPT_IF_TSRESOL 9
#define PCAPNG_OPT_EPB_FLAGS 2
#define PCAPNG_EPB_FLAG_INBOUND 0x1u  /* epb_flags bits 0-1: direction */
#define PCAPNG_EPB_FLAG_OUTBOUND 0x2u

typedef struct PcapngWriter PcapngWriter;

/* A writer on OUT (not owned; open until pcapng_writer_finish()). Writes the Section Header Block
 * at once with shb_userappl "presim APP_VERSION". Free with pcapng_writer_free(). */
PcapngWriter *pcapng_writer_new(FILE *out, const char *app_version);
/* The observer to add to a SimTrace (sim_trace_add_observer); owned by the writer. Remove it from
 * the trace before freeing the writer. */
SimObserver *pcapng_writer_observer(PcapngWriter *w);
/* Flushes OUT. FALSE with an error if any write so far or the flush failed. */
gboolean pcapng_writer_finish(PcapngWriter *w, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void pcapng_writer_free(PcapngWriter *w);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PcapngWriter, pcapng_writer_free)

/* Enhanced Packet Blocks written so far. */
uint64_t pcapng_writer_packets(const PcapngWriter *w);
/* Interface Description Blocks written so far. */
guint pcapng_writer_interfaces(const PcapngWriter *w);
