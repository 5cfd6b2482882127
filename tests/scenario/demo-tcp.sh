#!/bin/sh
# demo-tcp.sh: the demo's 1 MB TCP transfer (a -> b over IPv6, 2% loss per direction on r-b), judged
# from the trace by tshark: the sender (a/eth0) retransmits, yet the stream reassembled from what b
# received (b/eth0) is exactly the 64-byte flow header plus 1,000,000 pattern bytes
# (host_pattern_byte(i) = (i*131) ^ (i>>9), nodes/host/tcp-flow.c); the handshake and the FIN close
# are there in both directions, the data b received covers the sequence space without a hole, and
# summary.json agrees (complete, in order, no mismatched byte, retransmits > 0 and equal to the
# retransmissions seen in the trace).
#
# Environment: PRESIM (the presim binary), PRESIM_SOURCE_DIR (project root). Needs tshark.
set -u
: "${PRESIM:?PRESIM must name the presim binary}"
: "${PRESIM_SOURCE_DIR:?PRESIM_SOURCE_DIR must name the project root}"
. "$PRESIM_SOURCE_DIR/tests/lib/check.sh"
SCEN="$PRESIM_SOURCE_DIR/scenarios/demo-udp-tcp.ini"
FLOW=tcp-1mb
PAYLOAD=1000000
HDR=64
A=2001:db8:1::2
B=2001:db8:2::2


tmp=$(mktemp -d "${TMPDIR:-/tmp}/presim-demo-tcp.XXXXXX") || { echo "FAIL - mktemp"; exit 1; }
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# jcheck PATH EXPECTED: summary.json member PATH equals EXPECTED
jcheck() { _v=$(jget "$S" "$1") || _v="(absent)"; check "summary $1 = $2 (got $_v)" test "$_v" = "$2"; }

if ! command -v tshark >/dev/null 2>&1; then
    bad "tshark is installed"
    finish
fi

out="$tmp/out"
if "$PRESIM" run "$SCEN" --quiet --out "$out" >"$tmp/run.log" 2>&1; then
    ok "presim run demo-udp-tcp.ini exits 0"
else
    bad "presim run demo-udp-tcp.ini exits 0"; sed 's/^/    /' "$tmp/run.log"
fi
if [ ! -s "$out/trace.pcapng" ] || [ ! -s "$out/summary.json" ]; then
    bad "trace.pcapng and summary.json written"
    finish
fi
T="$out/trace.pcapng"
S="$out/summary.json"

# ---- summary.json ----
jcheck flows.$FLOW.protocol tcp
jcheck flows.$FLOW.bytes $PAYLOAD
jcheck flows.$FLOW.connected true
jcheck flows.$FLOW.close normal
jcheck flows.$FLOW.sink b
jcheck flows.$FLOW.received_bytes $PAYLOAD
jcheck flows.$FLOW.complete true
jcheck flows.$FLOW.in_order true
jcheck flows.$FLOW.mismatched_bytes 0
retx=$(jget "$S" flows.$FLOW.retransmits) || retx=-1
check "summary flows.$FLOW.retransmits > 0 (got $retx)" test "$retx" -gt 0

# ---- one capture per end host ----
ts "$tmp/x" -r "$T" -Y 'frame.interface_name == "b/eth0"' -w "$tmp/b.pcapng"
ts "$tmp/x" -r "$T" -Y 'frame.interface_name == "a/eth0"' -w "$tmp/a.pcapng"
# one line per TCP segment: frame src seq ack len syn ack fin rst stream (relative sequence numbers)
R="-o tcp.relative_sequence_numbers:TRUE -o tcp.analyze_sequence_numbers:TRUE"
for end in a b; do
    # shellcheck disable=SC2086
    ts "$tmp/$end-seg.txt" -r "$tmp/$end.pcapng" $R -Y tcp -T fields -e frame.number -e ipv6.src -e tcp.seq \
        -e tcp.ack -e tcp.len -e tcp.flags.syn -e tcp.flags.ack -e tcp.flags.fin -e tcp.flags.reset -e tcp.stream
done
nb=$(lines "$tmp/b-seg.txt")
na=$(lines "$tmp/a-seg.txt")
check "TCP segments extracted for b/eth0 ($nb) and a/eth0 ($na)" test "$nb" -gt 0 -a "$na" -gt 0
streams=$(cut -f10 "$tmp/b-seg.txt" | sort -u | tr '\n' ' ')
check "b/eth0 holds a single TCP stream (streams: $streams)" test "$streams" = "0 "

# ---- sender side: retransmissions ----
n=$(count "$tmp/a.pcapng" "ipv6.src == $A && (tcp.analysis.retransmission || tcp.analysis.fast_retransmission)")
check "a/eth0: tshark sees retransmissions from a ($n frames)" test "$n" -gt 0
# Retransmission as the sender counts it: a segment carrying data, SYN or FIN that starts below the
# highest sequence number sent so far.
tr=$(awk -F '\t' -v A="$A" '$2 != A { next } { used = $5 + ($6 == 1) + ($8 == 1); if (used == 0) next
                    if (seen && $3 < max) n++; if (!seen || $3 + used > max) max = $3 + used; seen = 1 }
                  END { print n + 0 }' "$tmp/a-seg.txt")
check "a/eth0: segments a sent again ($tr) = summary retransmits ($retx)" test "$tr" = "$retx"

# ---- handshake and close, seen at both ends ----
for end in a b; do
    # shellcheck disable=SC2046 # split into the five counts on purpose
    set -- $(awk -F '\t' -v A="$A" -v B="$B" '
        $2 == A && $6 == 1 && $7 == 0 { syn++ }
        $2 == B && $6 == 1 && $7 == 1 { synack++ }
        $2 == A && $8 == 1 { fina++ }
        $2 == B && $8 == 1 { finb++ }
        $9 == 1 { rst++ }
        END { print syn + 0, synack + 0, fina + 0, finb + 0, rst + 0 }' "$tmp/$end-seg.txt")
    check "$end/eth0: SYN a->b ($1) and SYN-ACK b->a ($2) present" test "$1" -ge 1 -a "$2" -ge 1
    check "$end/eth0: FIN a->b ($3) and FIN b->a ($4) present" test "$3" -ge 1 -a "$4" -ge 1
    check "$end/eth0: no RST ($5)" test "$5" = 0
done
# order at b: first SYN < first SYN-ACK < first data < a's FIN; b's FIN after a's FIN
order=$(awk -F '\t' -v A="$A" -v B="$B" '
    $2 == A && $6 == 1 && !syn { syn = $1 }
    $2 == B && $6 == 1 && !synack { synack = $1 }
    $2 == A && $5 > 0 && !data { data = $1 }
    $2 == A && $8 == 1 && !fina { fina = $1 }
    $2 == B && $8 == 1 && !finb { finb = $1 }
    END { print (syn && syn < synack && synack < data && data < fina && fina < finb) ? "ok" : "bad", syn, synack, data, fina, finb }' "$tmp/b-seg.txt")
check "b/eth0: SYN, SYN-ACK, first data, FIN a->b, FIN b->a come in that order (frames: ${order#* })" \
    test "${order%% *}" = ok

# ---- receiver side: sequence numbers ----
# Data a->b that reached b (relative seq): merged, it must cover [1, 1+64+1000000) without a hole,
# with a's FIN right after the last byte.
cover=$(awk -F '\t' -v A="$A" '$2 == A && $5 > 0 { print $3 "\t" $5 }' "$tmp/b-seg.txt" | sort -n -k1,1 |
    awk -F '\t' 'NR == 1 { if ($1 != 1) { print "first segment at " $1; bad = 1; exit } end = 1 }
                 { if ($1 > end) { print "hole [" end ", " $1 ")"; bad = 1; exit } if ($1 + $2 > end) end = $1 + $2 }
                 END { if (!bad) print "covered [1, " end ")" }')
check "b/eth0: data received from a is contiguous in sequence space: $cover" \
    test "$cover" = "covered [1, $((1 + HDR + PAYLOAD)))"
finseq=$(awk -F '\t' -v A="$A" '$2 == A && $8 == 1 { print $3 + $5; exit }' "$tmp/b-seg.txt")
check "b/eth0: a's FIN occupies sequence number $((1 + HDR + PAYLOAD)) (got ${finseq:-none})" \
    test "${finseq:-x}" = "$((1 + HDR + PAYLOAD))"
acks=$(awk -F '\t' -v B="$B" '$2 == B && $7 == 1 { if ($4 < last) back++; last = $4 } END { print back + 0, last }' "$tmp/b-seg.txt")
check "b/eth0: b's cumulative ACK never goes back and ends at $((2 + HDR + PAYLOAD)) (backward, last: $acks)" \
    test "$acks" = "0 $((2 + HDR + PAYLOAD))"
bseq=$(awk -F '\t' -v B="$B" '$2 != B { next } $6 == 1 { if ($3 != 0) n++; next } { want = finb ? 2 : 1; if ($8 == 1) want = 1; if ($3 != want || $5 != 0) n++; if ($8 == 1) finb = 1 } END { print n + 0 }' "$tmp/b-seg.txt")
check "b/eth0: b's own sequence numbers are contiguous (SYN-ACK at 0, no data, FIN at 1, 2 after it: $bseq exceptions)" \
    test "$bseq" = 0

# ---- the reassembled stream a -> b as received at b ----
ts "$tmp/follow.txt" -q -r "$tmp/b.pcapng" -z follow,tcp,raw,0
node0=$(sed -n 's/^Node 0: //p' "$tmp/follow.txt")
node1=$(sed -n 's/^Node 1: //p' "$tmp/follow.txt")
check "follow: node 0 is a ($node0), node 1 is b:5001 ($node1)" \
    test "${node0%]:*}" = "[$A" -a "$node1" = "[$B]:5001"
awk '/^Node 1:/ { go = 1; next } /^====/ { go = 0 } go && !/^\t/ { printf "%s", $0 } END { printf "\n" }' \
    "$tmp/follow.txt" >"$tmp/got.hex"
awk '/^Node 1:/ { go = 1; next } /^====/ { go = 0 } go && /^\t/ { sub(/^\t/, ""); printf "%s", $0 }' \
    "$tmp/follow.txt" >"$tmp/back.hex"
got=$(($(wc -c <"$tmp/got.hex") / 2))
check "follow: a->b stream received at b is $HDR + $PAYLOAD = $((HDR + PAYLOAD)) bytes (got $got)" \
    test "$got" = $((HDR + PAYLOAD))
check "follow: b->a stream carries no data ($(($(wc -c <"$tmp/back.hex") / 2)) bytes)" test ! -s "$tmp/back.hex"
# header: "PRESIMT1" | payload length (8, big-endian) | flow name NUL-padded to 48
name_hex=$(printf '%s' "$FLOW" | od -An -tx1 | tr -d ' \n')
exp_hdr=$(printf '5052455349%s%016x%s' 4d5431 "$PAYLOAD" "$name_hex")
while [ ${#exp_hdr} -lt $((2 * HDR)) ]; do exp_hdr="${exp_hdr}00"; done
got_hdr=$(cut -c1-$((2 * HDR)) "$tmp/got.hex")
check "follow: stream header is PRESIMT1, length $PAYLOAD, name $FLOW" test "$got_hdr" = "$exp_hdr"
[ "$got_hdr" = "$exp_hdr" ] || printf '    expected %s\n    got      %s\n' "$exp_hdr" "$got_hdr"
# expected payload in hex: byte i = ((i*131) mod 256) xor ((i>>9) mod 256); in 512-byte blocks, where
# i>>9 is constant, so 256 precomputed blocks suffice
awk -v n="$PAYLOAD" '
    function bxor(a, b,   r, m) { r = 0; for (m = 1; m < 256; m *= 2) if (int(a / m) % 2 != int(b / m) % 2) r += m; return r }
    BEGIN {
        for (i = 0; i < 256; i++) hx[i] = sprintf("%02x", i)
        for (k = 0; k < 256; k++) { s = ""; for (j = 0; j < 512; j++) s = s hx[bxor((j * 131) % 256, k)]; blk[k] = s }
        full = int(n / 512)
        for (b = 0; b < full; b++) printf "%s", blk[b % 256]
        if (n > full * 512) printf "%s", substr(blk[full % 256], 1, 2 * (n - full * 512))
        printf "\n"
    }' >"$tmp/expected.hex"
cut -c$((2 * HDR + 1))- "$tmp/got.hex" >"$tmp/payload.hex"
if cmp "$tmp/payload.hex" "$tmp/expected.hex" >"$tmp/cmp.txt" 2>&1; then
    ok "follow: payload equals host_pattern_byte(0..$((PAYLOAD - 1))) (md5 $(md5sum <"$tmp/payload.hex" | cut -c1-12))"
else
    at=$(sed -n 's/.* differ: \(byte\|char\) \([0-9]*\).*/\2/p' "$tmp/cmp.txt")
    bad "follow: payload equals host_pattern_byte(0..$((PAYLOAD - 1))) (first difference at payload byte $(((${at:-1} - 1) / 2)); $(head -n 1 "$tmp/cmp.txt"))"
fi

finish
