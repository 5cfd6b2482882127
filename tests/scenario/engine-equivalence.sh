#!/bin/sh
# engine-equivalence.sh: every scenario of the library gives the same outputs on the built-in engine and
# on ns-3 (issue 7): byte-identical trace.pcapng, events.jsonl and esp-sa.txt, and summary.json equal
# but for the engine's name. A scenario added to scenarios/ is checked here without further work.
# Skipped (exit 77) when presim was built without ns-3.
set -u
: "${PRESIM:?}"; : "${PRESIM_SOURCE_DIR:?}"
. "$PRESIM_SOURCE_DIR/tests/lib/check.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/presim-equiv.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
# --help lists ns3 in every build; the engine itself says whether it is there.
if "$PRESIM" run "$PRESIM_SOURCE_DIR/scenarios/demo-udp-tcp.ini" --engine ns3 --until 1ms --quiet \
    --out "$tmp/probe" 2>&1 | grep -q 'not available in this build'; then
    echo "presim built without ns-3: skipped"
    exit 77
fi
for scen in "$PRESIM_SOURCE_DIR"/scenarios/*.ini; do
    name=$(basename "$scen" .ini)
    # At most 30 s of simulated time each, to keep the suite short; both engines get the same cut.
    "$PRESIM" run "$scen" --quiet --until 30s --out "$tmp/$name-builtin" >"$tmp/$name-b.log" 2>&1
    "$PRESIM" run "$scen" --quiet --until 30s --engine ns3 --out "$tmp/$name-ns3" >"$tmp/$name-n.log" 2>&1
    for f in trace.pcapng events.jsonl esp-sa.txt; do
        check "$name: $f identical on both engines" cmp -s "$tmp/$name-builtin/$f" "$tmp/$name-ns3/$f"
    done
    sed 's/"engine": "ns3"/"engine": "builtin"/' "$tmp/$name-ns3/summary.json" >"$tmp/$name-ns3.summary"
    check "$name: summary.json equal but for the engine's name" cmp -s "$tmp/$name-builtin/summary.json" "$tmp/$name-ns3.summary"
    check "$name: summary.json names the engine" grep -q '"engine": "ns3"' "$tmp/$name-ns3/summary.json"
done
finish
