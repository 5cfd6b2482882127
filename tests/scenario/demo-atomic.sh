#!/bin/sh
# demo-atomic.sh: presim run writes its outputs atomically. A long run (the demo with 600 s of
# simulated time and 200,000 UDP datagrams: several seconds of wall time) writes only hidden
# temporary files while it runs; interrupted with SIGINT after about 0.5 s it exits with status 1,
# says so on stderr and leaves nothing in the output folder: no trace.pcapng, events.jsonl,
# summary.json or host.json, and no temporary file. A complete run into the same folder then writes
# all five files; a later run into that folder interrupted with SIGTERM leaves them untouched.
#
# Environment: PRESIM (the presim binary), PRESIM_SOURCE_DIR (project root).
set -u
: "${PRESIM:?PRESIM must name the presim binary}"
: "${PRESIM_SOURCE_DIR:?PRESIM_SOURCE_DIR must name the project root}"
. "$PRESIM_SOURCE_DIR/tests/lib/check.sh"
SCEN="$PRESIM_SOURCE_DIR/scenarios/demo-udp-tcp.ini"
OUTPUTS="trace.pcapng events.jsonl summary.json esp-sa.txt tls-keys.txt host.json"
# Measured: about 5 s of wall time on the development machine (the plain demo takes 0.2 s).
LONG="--set scenario.duration=600s --set action.udp-flow.count=200000"


pid=
tmp=$(mktemp -d "${TMPDIR:-/tmp}/presim-demo-atomic.XXXXXX") || { echo "FAIL - mktemp"; exit 1; }
trap '[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
out="$tmp/out"

# shellcheck disable=SC2012 # output file names are plain
listing() { (cd "$1" 2>/dev/null && ls -A | tr '\n' ' '); }

# interrupted LABEL SIGNAL: start the long run into $out, send SIGNAL after 0.5 s, check the result
interrupted() {
    _l=$1 _sig=$2
    # shellcheck disable=SC2086
    "$PRESIM" run "$SCEN" --quiet --out "$out" $LONG >"$tmp/stdout" 2>"$tmp/stderr" &
    pid=$!
    sleep 0.5
    if kill -0 "$pid" 2>/dev/null; then
        ok "$_l: the long run is still running after 0.5 s"
    else
        bad "$_l: the long run is still running after 0.5 s (it ended: the interruption below proves nothing)"
    fi
    during=$(listing "$out")
    temps=0
    for f in trace.pcapng events.jsonl; do
        case " $during" in *" .$f.tmp-"*) temps=$((temps + 1)) ;; esac
    done
    check "$_l: while running, trace and events are written under temporary names (.NAME.tmp-PID-XXXXXX; folder: $during)" \
        test "$temps" = 2
    kill -"$_sig" "$pid" 2>/dev/null
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 150 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
        bad "$_l: presim stops within 15 s of SIG$_sig"
        kill -KILL "$pid" 2>/dev/null
    fi
    wait "$pid"
    rc=$?
    pid=
    check "$_l: exit status 1 after SIG$_sig (got $rc)" test "$rc" = 1
    msg=$(head -n 3 "$tmp/stderr")
    check "$_l: stderr says the run was interrupted ($msg)" grep -q 'interrupted' "$tmp/stderr"
    check "$_l: nothing on stdout with --quiet" test ! -s "$tmp/stdout"
}

# ---- interrupted run into a new folder ----
interrupted "SIGINT, new folder" INT
left=$(listing "$out")
check "SIGINT, new folder: the output folder is empty afterwards, temporary files included (left: ${left:-nothing})" \
    test -z "$left"
for f in $OUTPUTS; do
    check "SIGINT, new folder: no $f" test ! -e "$out/$f"
done

# ---- a complete run into the same folder ----
if "$PRESIM" run "$SCEN" --quiet --out "$out" >"$tmp/run.log" 2>&1; then
    ok "complete run into the same folder exits 0"
else
    bad "complete run into the same folder exits 0"; sed 's/^/    /' "$tmp/run.log"
fi
for f in $OUTPUTS; do
    case $f in
        esp-sa.txt | tls-keys.txt) check "complete run: $f written (empty: the demo has no ESP SA, no TLS)" test -f "$out/$f" ;;
        *) check "complete run: $f written" test -s "$out/$f" ;;
    esac
done
left=$(listing "$out")
check "complete run: only the six outputs in the folder (got: $left)" \
    test "$left" = "esp-sa.txt events.jsonl host.json summary.json tls-keys.txt trace.pcapng "
check "complete run: summary.json is whole (ends with the closing brace)" test "$(tail -n 1 "$out/summary.json")" = "}"
mkdir "$tmp/saved"
for f in $OUTPUTS; do cp -p "$out/$f" "$tmp/saved/$f"; done

# ---- an interrupted run over existing outputs leaves them alone ----
interrupted "SIGTERM, existing outputs" TERM
for f in $OUTPUTS; do
    check "SIGTERM, existing outputs: $f of the complete run untouched" cmp -s "$tmp/saved/$f" "$out/$f"
done
left=$(listing "$out")
check "SIGTERM, existing outputs: no temporary file left (folder: $left)" \
    test "$left" = "esp-sa.txt events.jsonl host.json summary.json tls-keys.txt trace.pcapng "

finish
