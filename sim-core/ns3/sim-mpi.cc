/* sim-mpi.cc: MPI and ns-3's distributed simulator behind a C interface (sim-mpi.h).
 *
 * The gather uses plain MPI point to point on ns-3's communicator, after Simulator::Run has returned
 * on every rank (ns-3 then has no message in flight: its run ends only when all ranks have sent as
 * many as were received). Sizes go first as u64, then the bytes in pieces of at most 1 GiB, since
 * MPI counts are int. <cstring> first: ns-3.37's hash-function.h uses memcpy without it under GCC 12.
 */
#include <cstring>

#include "presim-config.h"
#include "sim-core/ns3/sim-mpi.h"

#if PRESIM_HAVE_NS3_MPI
#include <mpi.h>
#include <ns3/core-module.h>
#include <ns3/mpi-interface.h>
#endif

G_DEFINE_QUARK(sim-mpi-error-quark, sim_mpi_error)

namespace {
bool g_enabled = false;
int g_dummy_argc = 1;
char g_dummy_arg0[] = "presim";
char *g_dummy_argv_store[] = {g_dummy_arg0, nullptr};
char **g_dummy_argv = g_dummy_argv_store;
const int TAG_SIZE = 0x7e51, TAG_DATA = 0x7e52;
const size_t PIECE = size_t(1) << 30;
} // namespace

extern "C" gboolean sim_mpi_enable(GError **error)
{
#if PRESIM_HAVE_NS3_MPI
    if (g_enabled)
        return TRUE;
    ns3::GlobalValue::Bind("SimulatorImplementationType", ns3::StringValue("ns3::DistributedSimulatorImpl"));
    ns3::MpiInterface::Enable(&g_dummy_argc, &g_dummy_argv);
    g_enabled = true;
    return TRUE;
#else
    (void)g_dummy_argc;
    (void)g_dummy_argv;
    g_set_error(error, sim_mpi_error_quark(), 0,
                "this build has no MPI: Debian's ns-3 ships no mpi module; run `make ns3-mpi` to build ns-3 with "
                "MPI and presim against it (docs/ns3.md)");
    return FALSE;
#endif
}

extern "C" gboolean sim_mpi_enabled(void)
{
    return g_enabled;
}

extern "C" guint sim_mpi_rank(void)
{
#if PRESIM_HAVE_NS3_MPI
    return g_enabled ? ns3::MpiInterface::GetSystemId() : 0;
#else
    return 0;
#endif
}

extern "C" guint sim_mpi_size(void)
{
#if PRESIM_HAVE_NS3_MPI
    return g_enabled ? ns3::MpiInterface::GetSize() : 1;
#else
    return 1;
#endif
}

extern "C" GPtrArray *sim_mpi_gather(GBytes *mine)
{
    guint rank = sim_mpi_rank(), size = sim_mpi_size();
    if (rank == 0) {
        GPtrArray *all = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
        g_ptr_array_add(all, g_bytes_ref(mine));
#if PRESIM_HAVE_NS3_MPI
        MPI_Comm comm = ns3::MpiInterface::GetCommunicator();
        for (guint from = 1; from < size; from++) {
            uint64_t len = 0;
            MPI_Recv(&len, 1, MPI_UINT64_T, (int)from, TAG_SIZE, comm, MPI_STATUS_IGNORE);
            guint8 *buf = (guint8 *)g_malloc(len ? len : 1);
            for (uint64_t off = 0; off < len; off += PIECE) {
                int n = (int)(len - off < PIECE ? len - off : PIECE);
                MPI_Recv(buf + off, n, MPI_BYTE, (int)from, TAG_DATA, comm, MPI_STATUS_IGNORE);
            }
            g_ptr_array_add(all, g_bytes_new_take(buf, len));
        }
#else
        (void)size;
#endif
        return all;
    }
#if PRESIM_HAVE_NS3_MPI
    MPI_Comm comm = ns3::MpiInterface::GetCommunicator();
    gsize glen = 0;
    const guint8 *data = (const guint8 *)g_bytes_get_data(mine, &glen);
    uint64_t len = glen;
    MPI_Send(&len, 1, MPI_UINT64_T, 0, TAG_SIZE, comm);
    for (uint64_t off = 0; off < len; off += PIECE) {
        int n = (int)(len - off < PIECE ? len - off : PIECE);
        MPI_Send(data + off, n, MPI_BYTE, 0, TAG_DATA, comm);
    }
#endif
    return nullptr;
}

extern "C" gboolean sim_mpi_all(gboolean ok)
{
#if PRESIM_HAVE_NS3_MPI
    if (!g_enabled)
        return ok;
    int mine = ok ? 1 : 0, all = 0;
    MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_LAND, ns3::MpiInterface::GetCommunicator());
    return all ? TRUE : FALSE;
#else
    return ok;
#endif
}

extern "C" void sim_mpi_disable(void)
{
#if PRESIM_HAVE_NS3_MPI
    if (g_enabled)
        ns3::MpiInterface::Disable();
#endif
    g_enabled = false;
}
