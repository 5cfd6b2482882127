/* link.c: point-to-point links. Arrivals in one direction keep the order of transmission (constant
 * delay, one transmitter), so packets in flight wait in a FIFO and the arrival event needs no
 * allocation. On the ns-3 engine the transmitter, queue, serialisation and propagation are ns-3's
 * point-to-point devices (links/ns3/link-ns3.h); the queue and in-flight FIFOs here then only follow
 * them, and the tracing, statistics and loss draws stay here, so both engines trace alike. */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_LINK
#include "links/link.h"
#include "links/ns3/link-ns3.h"
#include "presim-config.h"

typedef struct {
    SimLink *link;
    int from;
    SimIface *src, *dst;
    SimRng *loss_rng;
    GQueue queue;     /* SimPacket* waiting for the transmitter */
    GQueue in_flight; /* SimPacket* on the wire, in arrival order */
    gboolean busy;
    SimLinkDirStats stats;
} LinkDir;

struct SimLink {
    SimWorld *world;
    char *name;
    SimLinkConfig config;
    LinkDir dir[2];
    SimLinkNs3 *ns3; /* the ns-3 devices carrying it, on the ns-3 engine */
};

/* Octets of framing serialised with each datagram: the PPP protocol field (RFC 1661 §2), as on
 * ns-3's point-to-point device, so both engines serialise the same frame. */
#define SIM_LINK_FRAMING 2

/* Serialisation time of LEN octets of IP at BPS, rounded to the nearest ns (halves up), which is what
 * ns3::DataRate::CalculateBytesTxTime computes (checked over 220,000 sizes and rates). */
static SimTime tx_time_of(uint32_t len, uint64_t bps)
{
    if (!bps)
        return 0;
    unsigned __int128 num = (unsigned __int128)(len + SIM_LINK_FRAMING) * 8 * 1000000000u;
    return (SimTime)((num * 2 + bps) / ((unsigned __int128)bps * 2));
}

static const char *const kind_names[] = {"wired", "utran", "geran-unciphered", "wlan-open"};

const char *sim_link_kind_name(SimLinkKind kind)
{
    return (unsigned)kind < G_N_ELEMENTS(kind_names) ? kind_names[kind] : "?";
}

gboolean sim_link_kind_parse(const char *text, SimLinkKind *out)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(kind_names); i++)
        if (g_str_equal(text, kind_names[i])) {
            *out = (SimLinkKind)i;
            return TRUE;
        }
    return FALSE;
}

gboolean sim_link_kind_ciphered(SimLinkKind kind)
{
    return kind == SIM_LINK_UTRAN;
}

gboolean sim_link_kind_is_radio(SimLinkKind kind)
{
    return kind != SIM_LINK_WIRED;
}

static void start_tx(LinkDir *d);

static void arrive(void *arg)
{
    LinkDir *d = arg;
    SimPacket *p = g_queue_pop_head(&d->in_flight);
    SimWorld *w = d->link->world;
    d->stats.rx_packets++;
    d->stats.rx_bytes += p->len;
    sim_trace_packet(w->trace, SIM_TRACE_RX, d->dst->node->name, d->dst->trace, sim_packet_data(p), p->len, p->uid,
                     NULL);
    if (d->dst->deliver)
        d->dst->deliver(d->dst, p, d->dst->deliver_ctx);
    else
        sim_packet_unref(p);
}

static void tx_done(void *arg)
{
    LinkDir *d = arg;
    d->busy = FALSE;
    if (!g_queue_is_empty(&d->queue))
        start_tx(d);
}

static void start_tx(LinkDir *d)
{
    SimLink *l = d->link;
    SimWorld *w = l->world;
    SimPacket *p = g_queue_pop_head(&d->queue);
    d->busy = TRUE;
    d->stats.tx_packets++;
    d->stats.tx_bytes += p->len;
    sim_trace_packet(w->trace, SIM_TRACE_TX, d->src->node->name, d->src->trace, sim_packet_data(p), p->len, p->uid,
                     NULL);
    SimTime tx_time = tx_time_of(p->len, l->config.bandwidth_bps);
    sim_engine_schedule_in(w->engine, tx_time, tx_done, d);
    /* One draw per packet, whatever the loss rate, so streams stay aligned across sweeps. */
    if (sim_rng_bernoulli(d->loss_rng, l->config.loss)) {
        d->stats.lost++;
        sim_trace_packet(w->trace, SIM_TRACE_DROP, d->src->node->name, d->src->trace, sim_packet_data(p), p->len,
                         p->uid, "link-loss");
        sim_packet_unref(p);
        return;
    }
    g_queue_push_tail(&d->in_flight, p);
    sim_engine_schedule_in(w->engine, tx_time + l->config.delay, arrive, d);
}

/* ---- on ns-3 devices ---- */

#if PRESIM_HAVE_NS3
static gboolean ns3_tx_start(void *ctx, int from, uint64_t *uid)
{
    LinkDir *d = &((SimLink *)ctx)->dir[from];
    SimWorld *w = d->link->world;
    SimPacket *p = g_queue_pop_head(&d->queue);
    g_return_val_if_fail(p, FALSE);
    *uid = p->uid;
    d->stats.tx_packets++;
    d->stats.tx_bytes += p->len;
    sim_trace_packet(w->trace, SIM_TRACE_TX, d->src->node->name, d->src->trace, sim_packet_data(p), p->len, p->uid,
                     NULL);
    if (sim_rng_bernoulli(d->loss_rng, d->link->config.loss)) { /* the same draw as start_tx() */
        d->stats.lost++;
        sim_trace_packet(w->trace, SIM_TRACE_DROP, d->src->node->name, d->src->trace, sim_packet_data(p), p->len,
                         p->uid, "link-loss");
        sim_packet_unref(p);
        return TRUE;
    }
    if (sim_link_ns3_is_remote(d->link->ns3))
        sim_packet_unref(p); /* the other rank gets the bytes (ns3_arrive_remote) */
    else
        g_queue_push_tail(&d->in_flight, p);
    return FALSE;
}

static void ns3_arrive(void *ctx, int from)
{
    arrive(&((SimLink *)ctx)->dir[from]);
}

static void ns3_arrive_remote(void *ctx, int from, const uint8_t *data, size_t len, uint64_t uid)
{
    LinkDir *d = &((SimLink *)ctx)->dir[from];
    SimPacket *p = sim_packet_new(data, len, SIM_PACKET_HEADROOM);
    p->uid = uid;
    g_queue_push_tail(&d->in_flight, p);
    arrive(d);
}
#endif

static void iface_transmit(SimIface *iface, SimPacket *p, void *ctx)
{
    LinkDir *d = ctx;
    SimLink *l = d->link;
    SimWorld *w = l->world;
    (void)iface;
    if (p->len > l->config.mtu) {
        d->stats.mtu_drops++;
        sim_trace_packet(w->trace, SIM_TRACE_DROP, d->src->node->name, d->src->trace, sim_packet_data(p), p->len,
                         p->uid, "mtu-exceeded");
        sim_packet_unref(p);
        return;
    }
#if PRESIM_HAVE_NS3
    if (l->ns3) { /* the device's queue decides; ns3_tx_start() takes the packet when it starts */
        g_queue_push_tail(&d->queue, p);
        if (d->queue.length > d->stats.max_queue)
            d->stats.max_queue = d->queue.length;
        if (sim_link_ns3_send(l->ns3, d->from, sim_packet_data(p), p->len))
            return;
        g_queue_pop_tail(&d->queue);
        d->stats.queue_drops++;
        sim_trace_packet(w->trace, SIM_TRACE_DROP, d->src->node->name, d->src->trace, sim_packet_data(p), p->len,
                         p->uid, "queue-full");
        sim_packet_unref(p);
        return;
    }
#endif
    if (d->busy && d->queue.length >= l->config.queue_limit) {
        d->stats.queue_drops++;
        sim_trace_packet(w->trace, SIM_TRACE_DROP, d->src->node->name, d->src->trace, sim_packet_data(p), p->len,
                         p->uid, "queue-full");
        sim_packet_unref(p);
        return;
    }
    g_queue_push_tail(&d->queue, p);
    if (d->queue.length > d->stats.max_queue)
        d->stats.max_queue = d->queue.length;
    if (!d->busy)
        start_tx(d);
}

SimLink *sim_link_new(SimWorld *world, const char *name, const SimLinkConfig *config, SimIface *a, SimIface *b)
{
    g_return_val_if_fail(a && b && a->node != b->node && !a->transmit && !b->transmit, NULL);
    SimLink *l = g_new0(SimLink, 1);
    l->world = world;
    l->name = g_strdup(name);
    l->config = *config;
    SimIface *ends[2] = {a, b};
    for (int i = 0; i < 2; i++) {
        LinkDir *d = &l->dir[i];
        d->link = l;
        d->from = i;
        d->src = ends[i];
        d->dst = ends[1 - i];
        g_autofree char *stream =
            g_strdup_printf("link:%s:loss:%s>%s", name, ends[i]->node->name, ends[1 - i]->node->name);
        d->loss_rng = sim_rng_new(world->seed, stream);
        g_queue_init(&d->queue);
        g_queue_init(&d->in_flight);
        ends[i]->mtu = config->mtu;
        ends[i]->transmit = iface_transmit;
        ends[i]->transmit_ctx = d;
        ends[i]->trace = sim_trace_add_iface(world->trace, ends[i]->node->name, ends[i]->name, name,
                                             sim_link_kind_name(config->kind), sim_link_kind_ciphered(config->kind),
                                             config->mtu, config->bandwidth_bps);
    }
#if PRESIM_HAVE_NS3
    if (g_str_has_prefix(sim_engine_backend_name(world->engine), "ns3")) { /* "ns3" or "ns3-mpi" */
        static const SimLinkNs3Ops ops = {
            .tx_start = ns3_tx_start, .arrive = ns3_arrive, .arrive_remote = ns3_arrive_remote};
        const uint32_t ranks[2] = {a->node->rank, b->node->rank};
        l->ns3 = sim_link_ns3_new(a->node, b->node, world->rank >= 0 ? ranks : NULL, config->bandwidth_bps,
                                  config->delay, config->mtu, config->queue_limit, &ops, l);
        if (!l->ns3) /* the caller checks ranks and delays first (cli/run-mpi.c) */
            g_error("link %s: ends on ranks %u and %u cannot be joined (no MPI, or no delay)", name, ranks[0],
                    ranks[1]);
    }
#endif
    g_debug("link %s: %s/%s <-> %s/%s%s", name, a->node->name, a->name, b->node->name, b->name,
            l->ns3 ? " (ns-3 point-to-point devices)" : "");
    return l;
}

void sim_link_free(SimLink *link)
{
    if (!link)
        return;
#if PRESIM_HAVE_NS3
    sim_link_ns3_free(link->ns3);
#endif
    for (int i = 0; i < 2; i++) {
        LinkDir *d = &link->dir[i];
        g_queue_clear_full(&d->queue, (GDestroyNotify)sim_packet_unref);
        g_queue_clear_full(&d->in_flight, (GDestroyNotify)sim_packet_unref);
        sim_rng_free(d->loss_rng);
        d->src->transmit = NULL;
        d->src->transmit_ctx = NULL;
    }
    g_free(link->name);
    g_free(link);
}

const char *sim_link_name(const SimLink *link)
{
    return link->name;
}

const SimLinkConfig *sim_link_config(const SimLink *link)
{
    return &link->config;
}

SimIface *sim_link_end(const SimLink *link, int end)
{
    return link->dir[end ? 1 : 0].src;
}

void sim_link_stats(const SimLink *link, int from, SimLinkDirStats *out)
{
    *out = link->dir[from ? 1 : 0].stats;
}
