#!/bin/sh
# demo-determinism.sh: the deterministic outputs (trace.pcapng, events.jsonl, summary.json) depend on
# the scenario and the seed only: two runs with the same seed into different folders are
# byte-identical (host.json may differ), so is a run that takes the seed from the scenario file, and
# so are runs started from other working directories with a relative or absolute scenario path (and
# a relative --out). Another seed gives another loss pattern: events.jsonl differs and the set of
# lost UDP sequence numbers (read from the trace) is not the same.
#
# Environment: PRESIM (the presim binary), PRESIM_SOURCE_DIR (project root). Needs tshark.
set -u
: "${PRESIM:?PRESIM must name the presim binary}"
: "${PRESIM_SOURCE_DIR:?PRESIM_SOURCE_DIR must name the project root}"
. "$PRESIM_SOURCE_DIR/tests/lib/check.sh"
case $PRESIM in /*) ;; *) PRESIM=$(pwd)/$PRESIM ;; esac
SRC=$(cd "$PRESIM_SOURCE_DIR" && pwd -P)
SCEN="$SRC/scenarios/demo-udp-tcp.ini"
SENT=5000
DET="trace.pcapng events.jsonl summary.json"


tmp=$(mktemp -d "${TMPDIR:-/tmp}/presim-demo-determinism.XXXXXX") || { echo "FAIL - mktemp"; exit 1; }
tmp=$(cd "$tmp" && pwd -P)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM


# run LABEL DIR ARGS...: presim run ARGS (scenario path included) from working directory DIR
run() {
    _l=$1 _dir=$2
    shift 2
    if (cd "$_dir" && "$PRESIM" run "$@" --quiet) >"$tmp/run.log" 2>&1; then
        ok "$_l: presim run $* exits 0"
    else
        bad "$_l: presim run $* exits 0"; sed 's/^/    /' "$tmp/run.log"
    fi
}
# same A B LABEL: the deterministic outputs of folders A and B are byte-identical
same() {
    for f in $DET; do
        if [ ! -s "$1/$f" ] || [ ! -s "$2/$f" ]; then
            bad "$3: $f written in both runs"
        elif cmp "$1/$f" "$2/$f" >"$tmp/cmp.txt" 2>&1; then
            ok "$3: $f identical ($(wc -c <"$1/$f" | tr -d ' ') bytes)"
        else
            bad "$3: $f identical ($(cat "$tmp/cmp.txt"))"
        fi
    done
}
# lost_seqs DIR: the UDP sequence numbers 0..SENT-1 that never reached b/eth0, one a line
lost_seqs() {
    ts "$tmp/udp.txt" -r "$1/trace.pcapng" -Y 'udp.dstport == 9000 && frame.interface_name == "b/eth0"' \
        -T fields -e data.data || return 1
    awk -v n=$SENT '{ s = 0; for (i = 1; i <= 16; i++) s = s * 16 + index("0123456789abcdef", substr($1, i, 1)) - 1; got[s] = 1 }
                    END { for (s = 0; s < n; s++) if (!(s in got)) print s }' "$tmp/udp.txt"
}

# ---- same seed, different folders ----
run "run 1" "$tmp" "$SCEN" --seed 1 --out "$tmp/r1"
run "run 2" "$tmp" "$SCEN" --seed 1 --out "$tmp/r2"
same "$tmp/r1" "$tmp/r2" "same seed, two folders"
check "host.json written in both runs (allowed to differ)" test -s "$tmp/r1/host.json" -a -s "$tmp/r2/host.json"
run "scenario seed" "$tmp" "$SCEN" --out "$tmp/r0"
same "$tmp/r1" "$tmp/r0" "--seed 1 vs the scenario's seed = 1"

# ---- working directory and scenario path ----
mkdir -p "$tmp/elsewhere/deeper"
run "relative path from project root" "$SRC" scenarios/demo-udp-tcp.ini --seed 1 --out "$tmp/rel"
same "$tmp/r1" "$tmp/rel" "relative scenario path from the project root"
run "relative path from scenarios/" "$SRC/scenarios" ./demo-udp-tcp.ini --seed 1 --out "$tmp/rel2"
same "$tmp/r1" "$tmp/rel2" "./demo-udp-tcp.ini from scenarios/"
run "absolute path, relative --out" "$tmp/elsewhere/deeper" "$SCEN" --seed 1 --out ../abs
same "$tmp/r1" "$tmp/elsewhere/abs" "absolute scenario path from another folder, --out ../abs"

# ---- another seed ----
run "seed 2" "$tmp" "$SCEN" --seed 2 --out "$tmp/s2"
if [ -s "$tmp/s2/events.jsonl" ] && ! cmp -s "$tmp/r1/events.jsonl" "$tmp/s2/events.jsonl"; then
    ok "seed 2: events.jsonl differs from seed 1"
else
    bad "seed 2: events.jsonl differs from seed 1"
fi
if [ -s "$tmp/s2/trace.pcapng" ] && ! cmp -s "$tmp/r1/trace.pcapng" "$tmp/s2/trace.pcapng"; then
    ok "seed 2: trace.pcapng differs from seed 1"
else
    bad "seed 2: trace.pcapng differs from seed 1"
fi
d1=$(grep -c '"reason":"link-loss"' "$tmp/r1/events.jsonl")
d2=$(grep -c '"reason":"link-loss"' "$tmp/s2/events.jsonl")
t1=$(grep '"reason":"link-loss"' "$tmp/r1/events.jsonl" | sed 's/.*"uid":\([0-9]*\).*/\1/' | tr '\n' ' ' | cksum)
t2=$(grep '"reason":"link-loss"' "$tmp/s2/events.jsonl" | sed 's/.*"uid":\([0-9]*\).*/\1/' | tr '\n' ' ' | cksum)
check "events.jsonl: both seeds drop packets for link-loss (seed 1: $d1, seed 2: $d2)" test "$d1" -gt 0 -a "$d2" -gt 0
check "events.jsonl: the link-loss drops hit other packets with seed 2" test "$t1" != "$t2"
if command -v tshark >/dev/null 2>&1 && lost_seqs "$tmp/r1" >"$tmp/lost1" && lost_seqs "$tmp/s2" >"$tmp/lost2"; then
    n1=$(wc -l <"$tmp/lost1" | tr -d ' ')
    n2=$(wc -l <"$tmp/lost2" | tr -d ' ')
    common=$(sort "$tmp/lost1" "$tmp/lost2" | uniq -d | wc -l | tr -d ' ')
    check "trace: UDP datagrams lost with seed 1 ($n1) and seed 2 ($n2), both non-empty" test "$n1" -gt 0 -a "$n2" -gt 0
    echo "    seed 1 lost: $(head -n 8 "$tmp/lost1" | tr '\n' ' ')..."
    echo "    seed 2 lost: $(head -n 8 "$tmp/lost2" | tr '\n' ' ')..."
    check "trace: the sets of lost UDP sequence numbers differ ($common in common)" \
        test "$common" -lt "$n1" -o "$common" -lt "$n2"
    l1=$(awk '/"udp-flow": \{/ { f = 1 } f && /"lost":/ { gsub(/[^0-9]/, ""); print; exit }' "$tmp/r1/summary.json")
    l2=$(awk '/"udp-flow": \{/ { f = 1 } f && /"lost":/ { gsub(/[^0-9]/, ""); print; exit }' "$tmp/s2/summary.json")
    check "trace: lost sets match summary flows.udp-flow.lost (seed 1: $n1 vs $l1, seed 2: $n2 vs $l2)" \
        test "$n1" = "$l1" -a "$n2" = "$l2"
else
    bad "trace: lost UDP sequence numbers read with tshark"
fi

finish
