/* sim-backend-ns3.h: the engine back end on ns-3's simulator (ns3::Simulator), through a C++ shim.
 *
 * Built only when CMake finds ns-3 (Debian's libns3-dev; -DPRESIM_NS3=AUTO|ON|OFF). Node code does not
 * change: it uses the engine API, whose back end this is. ns-3 keeps one simulator per process, so one
 * ns-3 back end exists at a time; creating a second while the first lives returns NULL.
 */
#pragma once
#include "sim-core/sim-backend.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A back end on ns-3 with its default scheduler (MapScheduler). NULL if one exists already. */
SimBackend *sim_backend_ns3_new(void);
/* The same with the scheduler named by its ns-3 type ("ns3::HeapScheduler", "ns3::CalendarScheduler",
 * "ns3::MapScheduler", ...). NULL if the type is unknown or a back end exists already. */
SimBackend *sim_backend_ns3_new_with_scheduler(const char *type_id);
/* The back end of one rank of a distributed run, named "ns3-mpi": ns-3's DistributedSimulatorImpl
 * (granted time window). NULL unless sim_mpi_enable() succeeded (sim-mpi.h). Every rank must call
 * run() with the same times: each Simulator::Run synchronises all ranks. */
SimBackend *sim_backend_ns3_new_distributed(void);

#ifdef __cplusplus
}
#endif
