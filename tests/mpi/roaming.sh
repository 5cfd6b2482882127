#!/bin/sh
# mpi/roaming.sh (ctest label `mpi`, run by `make test-mpi`, not by `make test`): the distributed engine
# gives one process's outputs (issue 7).
#  - scenarios/roaming.ini, two operators on two ranks (mpirun -np 2 ... --engine ns3-mpi): trace.pcapng,
#    events.jsonl, esp-sa.txt and tls-keys.txt byte-identical to the single-process ns-3 run and to the
#    built-in engine, summary.json equal but for the engine's name; each rank ran its own domain's
#    nodes (7 home, 3 visited) and both traced; also with 20% loss on the interconnect (the loss
#    verdict crosses ranks with the packet), and with the visited P-CSCF moved to rank 0 by its key;
#  - three domains on three ranks (presence-basic): the merge reports the records of different ranks at
#    one instant, whose order one process decides by scheduling order; the contents are the same;
#  - bad input: a rank key beyond -np, a link between ranks without delay, names file, line and key.
set -u
: "${PRESIM:?}"; : "${PRESIM_SOURCE_DIR:?}"
. "$PRESIM_SOURCE_DIR/tests/lib/check.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/presim-mpi.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
# Open MPI refuses root unless told; CI containers run as root. --oversubscribe: more ranks than cores.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
MPIRUN=${MPIRUN:-mpirun}
scen="$PRESIM_SOURCE_DIR/scenarios/roaming.ini"

norm() { sed -e 's/"engine": "[a-z0-9-]*"/"engine": "-"/' -e 's/"events_executed": [0-9]*/"events_executed": -/' \
    -e 's/"events_pending": [0-9]*/"events_pending": -/' -e 's/"links": "[A-Za-z0-9:]*"/"links": "-"/' "$1"; }
same_outputs() { # $1 label, $2 reference dir, $3 distributed dir
    for f in trace.pcapng events.jsonl esp-sa.txt tls-keys.txt; do
        check "$1: $f byte-identical" cmp -s "$2/$f" "$3/$f"
    done
    norm "$2/summary.json" >"$tmp/a.json"
    norm "$3/summary.json" >"$tmp/b.json"
    check "$1: summary.json equal but for the engine facts" cmp -s "$tmp/a.json" "$tmp/b.json"
}
mpi_run() { # $1 ranks, $2 out dir, rest: presim arguments
    _np=$1 _out=$2
    shift 2
    timeout 300 "$MPIRUN" -np "$_np" "$PRESIM" run --engine ns3-mpi --out "$_out" "$@" >"$_out.log" 2>&1
}

if ! "$PRESIM" run "$scen" --engine ns3-mpi --until 1ms --quiet --out "$tmp/probe" >"$tmp/probe.log" 2>&1 &&
    grep -q 'no MPI\|no ns-3' "$tmp/probe.log"; then
    echo "presim built without ns-3's mpi module (make ns3-mpi): skipped"
    exit 77
fi

# ---- two operators, two ranks ----
"$PRESIM" run "$scen" --quiet --out "$tmp/builtin" >"$tmp/builtin.log" 2>&1
"$PRESIM" run "$scen" --quiet --engine ns3 --out "$tmp/ns3" >"$tmp/ns3.log" 2>&1
mpi_run 2 "$tmp/mpi2" "$scen"
check "roaming on 2 ranks: mpirun exits 0" test $? -eq 0
same_outputs "roaming, 2 ranks vs ns-3 in one process" "$tmp/ns3" "$tmp/mpi2"
same_outputs "roaming, 2 ranks vs the built-in engine" "$tmp/builtin" "$tmp/mpi2"
check "summary.json names engine ns3-mpi" grep -q '"engine": "ns3-mpi"' "$tmp/mpi2/summary.json"
check "host.json: 2 ranks" test "$(jget "$tmp/mpi2/host.json" mpi.ranks)" = 2
check "host.json: no records of two ranks at one instant" test "$(jget "$tmp/mpi2/host.json" mpi.cross_rank_ties)" = 0
check "rank 0 ran home's 7 nodes" test "$(jget "$tmp/mpi2/host.json" mpi.per_rank.0.nodes)" = 7
check "rank 1 ran visited's 3 nodes" test "$(jget "$tmp/mpi2/host.json" mpi.per_rank.1.nodes)" = 3
r0=$(jget "$tmp/mpi2/host.json" mpi.per_rank.0.trace_records)
r1=$(jget "$tmp/mpi2/host.json" mpi.per_rank.1.trace_records)
total=$(lines "$tmp/mpi2/events.jsonl")
check "both ranks traced ($r0 + $r1 records = $total events.jsonl lines)" test "$r0" -gt 0 -a "$r1" -gt 0 -a $((r0 + r1)) -eq "$total"
check "the console names the ranks" grep -q 'engine ns3-mpi (2 ranks)' "$tmp/mpi2.log"
check "alice registered from the visited network" \
    test "$(jget "$tmp/mpi2/summary.json" ues.ue1.state)" = registered

# Loss on the link between the ranks: the verdict drawn by the sender travels in the packet's tag.
"$PRESIM" run "$scen" --quiet --engine ns3 --set link.interconnect.loss=20% --out "$tmp/ns3-loss" >/dev/null 2>&1
mpi_run 2 "$tmp/mpi2-loss" "$scen" --set link.interconnect.loss=20%
lost=$(grep -c '"reason":"link-loss"' "$tmp/ns3-loss/events.jsonl")
check "20% interconnect loss loses packets ($lost)" test "$lost" -gt 0
same_outputs "roaming with interconnect loss, 2 ranks" "$tmp/ns3-loss" "$tmp/mpi2-loss"

# The rank key moves the visited P-CSCF (and so its radio and border links) to rank 0.
mpi_run 2 "$tmp/mpi2-key" "$scen" --set node.vpcscf.rank=0
same_outputs "roaming with node.vpcscf.rank=0" "$tmp/ns3" "$tmp/mpi2-key"
check "rank 1 now runs 2 nodes" test "$(jget "$tmp/mpi2-key/host.json" mpi.per_rank.1.nodes)" = 2

# ---- three domains on three ranks: equal instants across ranks ----
pb="$PRESIM_SOURCE_DIR/scenarios/presence-basic.ini"
"$PRESIM" run "$pb" --quiet --engine ns3 --out "$tmp/pb" >/dev/null 2>&1
mpi_run 3 "$tmp/pb3" "$pb"
check "presence-basic on 3 ranks: mpirun exits 0" test $? -eq 0
ties=$(jget "$tmp/pb3/host.json" mpi.cross_rank_ties)
check "presence-basic, 3 ranks: the merge counts records of different ranks at one instant ($ties)" test "$ties" -gt 0
check "... and the console says their order may differ" grep -q 'order may differ' "$tmp/pb3.log"
sort "$tmp/pb/events.jsonl" >"$tmp/pb.sorted"
sort "$tmp/pb3/events.jsonl" >"$tmp/pb3.sorted"
check "presence-basic, 3 ranks: the same events.jsonl lines" cmp -s "$tmp/pb.sorted" "$tmp/pb3.sorted"
norm "$tmp/pb/summary.json" >"$tmp/a.json"
norm "$tmp/pb3/summary.json" >"$tmp/b.json"
check "presence-basic, 3 ranks: summary.json equal but for the engine facts" cmp -s "$tmp/a.json" "$tmp/b.json"

# ---- bad input ----
mpi_run 2 "$tmp/bad1" "$scen" --set node.ue1.rank=2
rc=$?
check "a rank key beyond -np is refused (exit 2)" test "$rc" -eq 2
check "... naming the key and the rank count" grep -q 'node.ue1.rank: rank 2, but the run has 2 ranks' "$tmp/bad1.log"
check "... and no output is written" test ! -e "$tmp/bad1/events.jsonl"
mpi_run 2 "$tmp/bad2" "$scen" --set link.interconnect.delay=0
rc=$?
check "a link between ranks without delay is refused (exit 2)" test "$rc" -eq 2
check "... naming the file, line and link" grep -q 'roaming.ini:[0-9]*: link.interconnect: joins vborder (rank 1) and core (rank 0) with no delay' "$tmp/bad2.log"
finish
