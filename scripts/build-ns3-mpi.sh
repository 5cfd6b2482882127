#!/bin/sh
# build-ns3-mpi.sh: ns-3 with its mpi module, from Debian's own source package, and presim built against
# it (issue 7; `make ns3-mpi`, not part of `make test`).
#
# Debian's libns3-dev has no mpi module, so the distributed engine (--engine ns3-mpi) needs a local
# ns-3. This script:
#  1. installs (as root) what the build needs: Debian's OpenMPI, dpkg-dev (for apt-get source), python3;
#  2. enables deb-src lines for the machine's own Debian sources if none exist, in a file of its own
#     (/etc/apt/sources.list.d/presim-deb-src.sources or .list), the same URIs with Types: deb-src;
#  3. `apt-get source ns3` into build/ns3-mpi/src (the same version as libns3-dev, with Debian's patches);
#  4. configures and builds only the modules presim needs plus mpi (core, network, point-to-point, mpi),
#     optimized, and installs them under build/ns3-mpi/install;
#  5. configures and builds presim against that prefix in build-mpi/ (PRESIM_NS3_PREFIX): one process
#     must not load Debian's ns-3 and this one together.
# Steps already done are skipped (delete build/ns3-mpi to start over). Prints the time of each step.
# Environment: JOBS (parallel jobs, default nproc), NS3_MPI_DIR, PRESIM_MPI_BUILD.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${NS3_MPI_DIR:-$ROOT/build/ns3-mpi}
PRESIM_BUILD=${PRESIM_MPI_BUILD:-$ROOT/build-mpi}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
PREFIX=$OUT/install
T0=$(date +%s)

say() { echo "build-ns3-mpi: $*" >&2; }
elapsed() { echo $(( $(date +%s) - $1 )); }

# 1. packages (presim's own first)
sh "$ROOT/scripts/setup.sh"
PACKAGES="libopenmpi-dev openmpi-bin dpkg-dev python3 g++ cmake libgsl-dev"
missing=""
for p in $PACKAGES; do
    case "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" in
        *"install ok installed"*) ;;
        *) missing="$missing $p" ;;
    esac
done
as_root() {
    if [ "$(id -u)" -ne 0 ]; then
        say "needs root for: $*"
        say "run as root, or do it by hand and run this script again"
        exit 1
    fi
    "$@"
}

# 2. deb-src lines, only when the machine has none
has_src() {
    grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null
}
src_added=0
if [ ! -f "$OUT/src/.unpacked" ] && ! has_src; then
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
        say "adding deb-src lines (/etc/apt/sources.list.d/presim-deb-src.sources)"
        as_root sh -c "sed 's/^Types: deb\$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
            > /etc/apt/sources.list.d/presim-deb-src.sources"
    elif [ -f /etc/apt/sources.list ]; then
        say "adding deb-src lines (/etc/apt/sources.list.d/presim-deb-src.list)"
        as_root sh -c "sed -n 's/^deb /deb-src /p' /etc/apt/sources.list > /etc/apt/sources.list.d/presim-deb-src.list"
    else
        say "no Debian sources found in /etc/apt; add deb-src lines by hand"
        exit 1
    fi
    src_added=1
fi
if [ -n "$missing" ] || [ "$src_added" = 1 ]; then
    t=$(date +%s)
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    if [ -n "$missing" ]; then
        say "installing:$missing"
        # shellcheck disable=SC2086
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
    fi
    say "packages: $(elapsed "$t") s"
fi

# 3. the source package
mkdir -p "$OUT/src"
if [ ! -f "$OUT/src/.unpacked" ]; then
    t=$(date +%s)
    say "apt-get source ns3 into $OUT/src"
    (cd "$OUT/src" && apt-get source ns3 > "$OUT/source.log" 2>&1) || {
        tail -n 20 "$OUT/source.log" >&2
        exit 1
    }
    touch "$OUT/src/.unpacked"
    say "source: $(elapsed "$t") s"
fi
NS3_DIR=$(ls -d "$OUT"/src/ns3-*/ns-3.* 2>/dev/null | head -n 1)
if [ -z "$NS3_DIR" ] || [ ! -x "$NS3_DIR/ns3" ]; then
    say "no ns-3 tree with its ./ns3 script under $OUT/src"
    exit 1
fi
debian_version=$(dpkg-query -W -f='${Version}' libns3-dev 2>/dev/null || echo "?")
say "ns-3 source: $NS3_DIR (Debian's libns3-dev: $debian_version)"

# 4. configure, build, install
if [ ! -f "$PREFIX/.built" ]; then
    t=$(date +%s)
    say "configuring and building core, network, point-to-point and mpi with $JOBS jobs (minutes)"
    (cd "$NS3_DIR" &&
        ./ns3 configure -d optimized --enable-mpi --enable-modules="core;network;point-to-point;mpi" \
            --disable-examples --disable-tests --disable-python --prefix="$PREFIX" > "$OUT/configure.log" 2>&1 &&
        ./ns3 build -j "$JOBS" > "$OUT/build.log" 2>&1 &&
        ./ns3 install > "$OUT/install.log" 2>&1) || {
        say "ns-3 build failed; see $OUT/configure.log, build.log, install.log"
        exit 1
    }
    if ! ls "$PREFIX"/lib*/libns3*-mpi-*.so >/dev/null 2>&1; then
        say "the ns-3 build has no mpi library under $PREFIX (see $OUT/configure.log)"
        exit 1
    fi
    touch "$PREFIX/.built"
    say "ns-3 build: $(elapsed "$t") s"
fi

# 5. presim against it
t=$(date +%s)
cmake -S "$ROOT" -B "$PRESIM_BUILD" -DPRESIM_NS3=ON -DPRESIM_NS3_PREFIX="$PREFIX" -DPRESIM_WERROR=ON > "$OUT/presim-cmake.log"
grep -q 'PRESIM_HAVE_NS3_MPI 1' "$PRESIM_BUILD/presim-config.h" || {
    say "presim did not find ns-3's mpi module under $PREFIX (see $OUT/presim-cmake.log)"
    exit 1
}
cmake --build "$PRESIM_BUILD" -j "$JOBS" > "$OUT/presim-build.log" 2>&1 || {
    tail -n 30 "$OUT/presim-build.log" >&2
    exit 1
}
say "presim build: $(elapsed "$t") s"
say "done in $(elapsed "$T0") s: $PRESIM_BUILD/cli/presim (try: mpirun -np 2 $PRESIM_BUILD/cli/presim run scenarios/roaming.ini --engine ns3-mpi)"
