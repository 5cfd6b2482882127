/* sim-mpi.h: ns-3's distributed simulator and MPI, from C (--engine ns3-mpi, issue 7).
 *
 * Built with every ns-3 back end; the functions do something only in a build against an ns-3 with
 * its mpi module (PRESIM_HAVE_NS3_MPI; scripts/build-ns3-mpi.sh), and otherwise fail with an error
 * saying so. The run is ns-3's granted-time-window synchronisation (ns3::DistributedSimulatorImpl):
 * each rank runs its own simulator, ranks exchange packets sent over point-to-point remote channels,
 * and the window is the smallest delay of a link between ranks.
 */
#pragma once
#include <glib.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Starts MPI and selects ns-3's distributed simulator. Call before any ns-3 back end exists. */
gboolean sim_mpi_enable(GError **error);
gboolean sim_mpi_enabled(void);
guint sim_mpi_rank(void);
guint sim_mpi_size(void);
/* Every rank calls it with its own bytes. Rank 0 gets an array of sim_mpi_size() GBytes (its own
 * first; free with g_ptr_array_unref); the others get NULL. Any size (sent in pieces). */
GPtrArray *sim_mpi_gather(GBytes *mine);
/* Every rank calls it: the logical AND of OK over all ranks. */
gboolean sim_mpi_all(gboolean ok);
/* Ends MPI (after the ns-3 back end is freed). */
void sim_mpi_disable(void);

#ifdef __cplusplus
}
#endif
