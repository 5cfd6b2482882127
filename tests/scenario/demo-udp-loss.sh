#!/bin/sh
# demo-udp-loss.sh: the demo's UDP flow (5000 datagrams a -> b, each crossing the lossy r-b link once)
# measures the loss the link is configured with. For seeds 1, 2 and 3 at the scenario's 2%, with
# --set link.r-b.loss=0 and with --set link.r-b.loss=10%: summary.json says sent = 5000 and
# received + lost = sent, the loss rate is inside the 4-sigma binomial interval
# p +- 4*sqrt(p(1-p)/n) around the configured p (exactly 0 when p = 0), and the trace agrees: as many
# distinct datagrams leave r/eth1 as were sent, and as many reach b/eth0 as the sink received.
#
# Environment: PRESIM (the presim binary), PRESIM_SOURCE_DIR (project root). Needs tshark.
set -u
: "${PRESIM:?PRESIM must name the presim binary}"
: "${PRESIM_SOURCE_DIR:?PRESIM_SOURCE_DIR must name the project root}"
. "$PRESIM_SOURCE_DIR/tests/lib/check.sh"
SCEN="$PRESIM_SOURCE_DIR/scenarios/demo-udp-tcp.ini"
FLOW=udp-flow
SENT=5000


tmp=$(mktemp -d "${TMPDIR:-/tmp}/presim-demo-udp-loss.XXXXXX") || { echo "FAIL - mktemp"; exit 1; }
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# num FILE PATH: like jget, but -1 when absent or not a number
num() { _v=$(jget "$1" "$2") && case $_v in '' | *[!0-9.]*) echo -1 ;; *) echo "$_v" ;; esac || echo -1; }

if ! command -v tshark >/dev/null 2>&1; then
    bad "tshark is installed"
    finish
fi

# case LABEL P SEED [--set ...]: run the demo with configured loss P (a fraction) and check it
run_case() {
    label=$1 p=$2 seed=$3
    shift 3
    out="$tmp/$label"
    echo "# $label: seed $seed, r-b loss $p $*"
    if "$PRESIM" run "$SCEN" --quiet --seed "$seed" --out "$out" "$@" >"$tmp/run.log" 2>&1; then
        ok "$label: presim run exits 0"
    else
        bad "$label: presim run exits 0"; sed 's/^/    /' "$tmp/run.log"
        return
    fi
    S="$out/summary.json"
    sent=$(num "$S" flows.$FLOW.sent)
    errs=$(num "$S" flows.$FLOW.send_errors)
    recv=$(num "$S" flows.$FLOW.received)
    lost=$(num "$S" flows.$FLOW.lost)
    dups=$(num "$S" flows.$FLOW.duplicates)
    rate=$(num "$S" flows.$FLOW.loss_rate)
    conf=$(num "$S" links.r-b.configured_loss)
    check "$label: summary sent = $SENT, no send error (sent $sent, send_errors $errs)" test "$sent" = $SENT -a "$errs" = 0
    check "$label: summary links.r-b.configured_loss = $p (got $conf)" \
        awk -v a="$conf" -v b="$p" 'BEGIN { exit !(a + 0 == b + 0) }'
    check "$label: received + lost = sent ($recv + $lost = $((recv + lost)), sent $sent)" \
        test "$recv" -ge 0 -a "$lost" -ge 0 -a $((recv + lost)) = "$sent"
    check "$label: no duplicate datagram ($dups)" test "$dups" = 0
    check "$label: summary loss_rate ($rate) = lost / sent" \
        awk -v r="$rate" -v l="$lost" -v n="$sent" 'BEGIN { exit !(n > 0 && r >= 0 && (r - l / n) ^ 2 < 1e-12) }'
    # 4-sigma binomial interval around the configured loss
    iv=$(awk -v p="$p" -v n=$SENT 'BEGIN { s = sqrt(p * (1 - p) / n); lo = p - 4 * s; if (lo < 0) lo = 0
                                         printf "%.6f %.6f %.6f", lo, p + 4 * s, s }')
    lo=${iv%% *}
    rest=${iv#* }
    hi=${rest%% *}
    sigma=${rest#* }
    meas=$(awk -v l="$lost" -v n=$SENT 'BEGIN { printf "%.6f", l / n }')
    check "$label: measured loss $meas (lost $lost of $SENT) within 4 sigma of $p: [$lo, $hi] (sigma $sigma)" \
        awk -v m="$meas" -v lo="$lo" -v hi="$hi" -v l="$lost" 'BEGIN { exit !(l >= 0 && m >= lo && m <= hi) }'

    if [ "$p" = 0 ]; then
        l1=$(num "$S" 'links.r-b.r>b.lost')
        l2=$(num "$S" 'links.r-b.b>r.lost')
        check "$label: link r-b loses nothing in either direction (r>b $l1, b>r $l2)" test "$l1" = 0 -a "$l2" = 0
    fi
    # the trace: datagram sequence numbers (first 8 payload bytes) leaving r/eth1 and reaching b/eth0
    if ts "$tmp/udp.txt" -r "$out/trace.pcapng" -Y "udp.dstport == 9000 && (frame.interface_name == \"r/eth1\" || frame.interface_name == \"b/eth0\")" \
        -T fields -e frame.interface_name -e data.data; then
        # shellcheck disable=SC2046 # split into the five counts on purpose
        set -- $(awk -F '\t' '{ s = 0; for (i = 1; i <= 16; i++) s = s * 16 + index("0123456789abcdef", substr($2, i, 1)) - 1
                               n[$1]++; if (!(($1, s) in seen)) { seen[$1, s] = 1; u[$1]++ } if (s >= max) max = s + 1 }
                             END { print n["r/eth1"] + 0, u["r/eth1"] + 0, n["b/eth0"] + 0, u["b/eth0"] + 0, max + 0 }' "$tmp/udp.txt")
        check "$label: trace r/eth1 sends every datagram once ($1 frames, $2 distinct seq, highest seq + 1 = $5)" \
            test "$1" = $SENT -a "$2" = $SENT -a "$5" = $SENT
        check "$label: trace b/eth0 receives as many datagrams as summary received ($3 frames, $4 distinct; received $recv)" \
            test "$3" = "$recv" -a "$4" = "$recv"
    else
        bad "$label: tshark reads the trace"
    fi
}

run_case seed1 0.02 1
run_case seed2 0.02 2
run_case seed3 0.02 3
run_case loss0 0 1 --set link.r-b.loss=0
run_case loss10 0.10 1 --set link.r-b.loss=10%

finish
