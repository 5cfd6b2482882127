# Thin wrapper around CMake and ctest. The two quick-start commands are `make run` and `make test`.
BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_MPI  ?= build-mpi
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
SCENARIO   ?= scenarios/registration.ini
CMAKE_FLAGS ?= -DPRESIM_WERROR=ON

.PHONY: all setup build run test bench test-asan ns3-mpi test-mpi clean

all: build

setup:
	@sh scripts/setup.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: setup $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# The flagship scenario with its report.
run: build
	$(BUILD)/cli/presim run $(SCENARIO)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -LE 'slow|mpi|fuzz'

bench: build
	$(BUILD)/bench/bench-engine

test-asan: setup
	cmake -S . -B $(BUILD_ASAN) $(CMAKE_FLAGS) -DPRESIM_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
	cmake --build $(BUILD_ASAN) -j $(JOBS)
	cd $(BUILD_ASAN) && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j $(JOBS) -LE 'slow|mpi|fuzz'

# ns-3 with its mpi module from Debian's source package (build/ns3-mpi/), and presim against it in
# $(BUILD_MPI) for --engine ns3-mpi (docs/ns3.md). Minutes; steps already done are skipped.
ns3-mpi:
	JOBS=$(JOBS) PRESIM_MPI_BUILD=$(BUILD_MPI) sh scripts/build-ns3-mpi.sh

# The distributed-run tests (ctest label mpi) on that build.
test-mpi: ns3-mpi
	cd $(BUILD_MPI) && ctest --output-on-failure -L mpi

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_MPI) out
