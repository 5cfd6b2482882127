#!/bin/sh
# demo-trace.sh: trace.pcapng of the demo scenario is a healthy capture that tshark reads without
# complaint: no malformed frame or expert error, valid IPv4/UDP/TCP checksums (and the checksum check
# is shown to catch a corrupted byte), one interface per link end named "node/iface", nanosecond
# timestamps equal to simulated time (first UDP datagram at 0.1 s), and frame counts that agree with
# summary.json (each packet appears once per link end it crosses).
#
# Environment: PRESIM (the presim binary), PRESIM_SOURCE_DIR (project root). Needs tshark and capinfos.
set -u
: "${PRESIM:?PRESIM must name the presim binary}"
: "${PRESIM_SOURCE_DIR:?PRESIM_SOURCE_DIR must name the project root}"
. "$PRESIM_SOURCE_DIR/tests/lib/check.sh"
SCEN="$PRESIM_SOURCE_DIR/scenarios/demo-udp-tcp.ini"

# check DESCRIPTION COMMAND...: ok if COMMAND succeeds

tmp=$(mktemp -d "${TMPDIR:-/tmp}/presim-demo-trace.XXXXXX") || { echo "FAIL - mktemp"; exit 1; }
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM


# ts OUTFILE ARGS...: run tshark ARGS with stdout to OUTFILE; status is tshark's (stderr kept aside)

if ! command -v tshark >/dev/null 2>&1 || ! command -v capinfos >/dev/null 2>&1; then
    bad "tshark and capinfos are installed"
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

# ---- health: tshark reads every frame, nothing malformed, no expert error ----
if ts "$tmp/all.txt" -r "$T" -T fields -e frame.number -e frame.interface_name -e frame.time_epoch -e ip.proto -e ipv6.nxt; then
    ok "tshark reads trace.pcapng ($(lines "$tmp/all.txt") frames)"
else
    bad "tshark reads trace.pcapng"
fi
ts "$tmp/health.txt" -r "$T" -Y '_ws.malformed || _ws.expert.severity >= error'
rc=$?
check "no malformed frame or expert error (tshark rc $rc, $(lines "$tmp/health.txt") frames flagged)" \
    test $rc -eq 0 -a ! -s "$tmp/health.txt"
head -5 "$tmp/health.txt" | sed 's/^/    /'

# frame count = tx + rx packets of every link end (each packet once per link end it crosses)
total=$(lines "$tmp/all.txt")
ttx=$(jget "$S" trace.totals.tx_packets) || ttx=-1
trx=$(jget "$S" trace.totals.rx_packets) || trx=-1
check "frames in trace ($total) = summary trace.totals tx_packets + rx_packets ($ttx + $trx)" \
    test "$total" = "$((ttx + trx))" 2>/dev/null

# ---- interfaces: exactly the four link ends, in order, with per-interface frame counts ----
capinfos -I "$T" >"$tmp/capinfos.txt" 2>"$tmp/capinfos.err"
names=$(sed -n 's/^[ \t]*Name = //p' "$tmp/capinfos.txt" | tr '\n' ' ')
check "interface description blocks are exactly: a/eth0 r/eth0 r/eth1 b/eth0 (got: $names)" \
    test "$names" = "a/eth0 r/eth0 r/eth1 b/eth0 "
used=$(cut -f2 "$tmp/all.txt" | sort -u | tr '\n' ' ')
check "frames use exactly the four link-end interfaces (got: $used)" test "$used" = "a/eth0 b/eth0 r/eth0 r/eth1 "
encaps=$(sed -n 's/^[ \t]*Encapsulation = //p' "$tmp/capinfos.txt" | sort -u)
check "every interface is LINKTYPE_RAW (got: $encaps)" test "$encaps" = "Raw IP (7 - rawip)"
i=0
for name in a/eth0 r/eth0 r/eth1 b/eth0; do
    node=${name%/*}
    iface=${name#*/}
    jn=$(jget "$S" trace.interfaces.$i.node)
    ji=$(jget "$S" trace.interfaces.$i.iface)
    tx=$(jget "$S" trace.interfaces.$i.tx_packets) || tx=-1
    rx=$(jget "$S" trace.interfaces.$i.rx_packets) || rx=-1
    n=$(awk -F '\t' -v n="$name" '$2 == n' "$tmp/all.txt" | wc -l | tr -d ' ')
    check "$name: summary trace.interfaces[$i] is $jn/$ji; frames on it ($n) = its tx + rx ($tx + $rx)" \
        test "$jn/$ji" = "$node/$iface" -a "$n" = "$((tx + rx))" 2>/dev/null
    i=$((i + 1))
done

ver=$(jget "$S" presim.version) || ver="(absent)"
capinfos "$T" >"$tmp/capinfos-shb.txt" 2>&1
appl=$(sed -n 's/^Capture application: *//p' "$tmp/capinfos-shb.txt")
check "section header names the writer \"presim $ver\" (shb_userappl: \"$appl\")" test "$appl" = "presim $ver"

# ---- timestamps: nanosecond resolution, simulated time from 0 ----
prec=$(sed -n 's/^[ \t]*Time precision = //p' "$tmp/capinfos.txt" | sort -u)
check "every interface has nanosecond time precision (got: $prec)" test "$prec" = "nanoseconds (9)"
badfmt=$(cut -f3 "$tmp/all.txt" | awk '{ f = $0; sub(/^[0-9]+\./, "", f); if (f !~ /^[0-9]+$/ || length(f) != 9) n++ } END { print n + 0 }')
check "every frame.time_epoch has 9 decimals ($badfmt do not)" test "$badfmt" = 0
subus=$(cut -f3 "$tmp/all.txt" | awk '$0 !~ /000$/' | wc -l | tr -d ' ')
check "timestamps use sub-microsecond digits ($subus frames with ns not multiple of 1000)" test "$subus" -gt 0
unordered=$(cut -f3 "$tmp/all.txt" | awk 'NR > 1 && $1 < prev { n++ } { prev = $1 } END { print n + 0 }')
check "timestamps never go backwards ($unordered inversions)" test "$unordered" = 0
first_udp=$(awk -F '\t' '$4 == 17 { print $2 " " $3; exit }' "$tmp/all.txt")
check "first UDP datagram is at a/eth0 0.100000000 (the action's 100ms; got: $first_udp)" \
    test "$first_udp" = "a/eth0 0.100000000"
first_tcp=$(awk -F '\t' '$4 == 6 || $5 == 6 { print $2 " " $3; exit }' "$tmp/all.txt")
check "first TCP segment is at a/eth0 0.500000000 (the action's 500ms; got: $first_tcp)" \
    test "$first_tcp" = "a/eth0 0.500000000"
last=$(tail -n 1 "$tmp/all.txt" | cut -f3)
check "last frame ($last s) is within the 30 s scenario" awk -v t="$last" 'BEGIN { exit !(t > 0 && t <= 30) }'

# ---- checksums ----
CK="-o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE"
BADCK='ip.checksum.status == "Bad" || udp.checksum.status == "Bad" || tcp.checksum.status == "Bad"'
# shellcheck disable=SC2086
ts "$tmp/ck.txt" -r "$T" $CK -T fields -e ip.checksum.status -e udp.checksum.status -e tcp.checksum.status
rc=$?
# status values: 0 bad, 1 good, 2 unverified; count per protocol
ck=$(awk -F '\t' '
    $1 != "" { ip++; if ($1 == 1) ipg++ }
    $2 != "" { udp++; if ($2 == 1) udpg++ }
    $3 != "" { tcp++; if ($3 == 1) tcpg++ }
    END { printf "%d %d %d %d %d %d", ip, ipg, udp, udpg, tcp, tcpg }' "$tmp/ck.txt")
# shellcheck disable=SC2086 # split into the six counts on purpose
set -- $ck
check "tshark with checksum validation reads the trace (rc $rc)" test $rc -eq 0
check "every IPv4 header checksum verified good ($2 of $1)" test "$1" -gt 0 -a "$1" = "$2"
check "every UDP checksum verified good ($4 of $3)" test "$3" -gt 0 -a "$3" = "$4"
check "every TCP checksum verified good, IPv6 pseudo-header included ($6 of $5)" test "$5" -gt 0 -a "$5" = "$6"
# shellcheck disable=SC2086
ts "$tmp/badck.txt" -r "$T" $CK -Y "$BADCK || _ws.malformed || _ws.expert.severity >= error"
rc=$?
check "no bad checksum, malformed frame or expert error with validation on (tshark rc $rc, $(lines "$tmp/badck.txt") frames)" \
    test $rc -eq 0 -a ! -s "$tmp/badck.txt"

# negative control: the same checks must flag a corrupted copy. Corrupt one byte of a TCP payload
# (the stream header "PRESIMT1"), one byte of a UDP payload (the flow name of the 2nd datagram) and
# the TTL of the first IPv4 datagram (which leaves its UDP checksum valid).
C="$tmp/corrupt.pcapng"
cp "$T" "$C"
off_tcp=$(LC_ALL=C grep -obUa 'PRESIMT1' "$C" | head -n 1 | cut -d: -f1)
off_udp=$(LC_ALL=C grep -obUa 'udp-flow' "$C" | sed -n 2p | cut -d: -f1)
off_ip1=$(LC_ALL=C grep -obUa 'udp-flow' "$C" | head -n 1 | cut -d: -f1)
if [ -n "$off_tcp" ] && [ -n "$off_udp" ] && [ -n "$off_ip1" ]; then
    ipstart=$((off_ip1 - 17 - 8 - 20)) # name at UDP payload + 17, UDP header 8, IPv4 header 20
    hdr=$(od -An -tu1 -j "$ipstart" -N 10 "$C" | tr -s ' \n' '  ' | sed 's/^ //; s/ $//')
    case $hdr in
    "69 "*" 64 17") ;;
    *) bad "IPv4 header found before the first datagram's flow name (bytes: $hdr)" ;;
    esac
    printf 'Q' | dd of="$C" bs=1 seek="$off_tcp" conv=notrunc 2>/dev/null
    printf 'v' | dd of="$C" bs=1 seek="$off_udp" conv=notrunc 2>/dev/null
    printf '\001' | dd of="$C" bs=1 seek="$((ipstart + 8))" conv=notrunc 2>/dev/null
    # shellcheck disable=SC2086
    ts "$tmp/c-tcp.txt" -r "$C" $CK -Y 'tcp.checksum.status == "Bad"'
    check "negative control: corrupted TCP payload byte is flagged (1 frame: $(lines "$tmp/c-tcp.txt"))" \
        test "$(lines "$tmp/c-tcp.txt")" = 1
    # shellcheck disable=SC2086
    ts "$tmp/c-udp.txt" -r "$C" $CK -Y 'udp.checksum.status == "Bad"'
    check "negative control: corrupted UDP payload byte is flagged (1 frame: $(lines "$tmp/c-udp.txt"))" \
        test "$(lines "$tmp/c-udp.txt")" = 1
    # shellcheck disable=SC2086
    ts "$tmp/c-ip.txt" -r "$C" $CK -Y 'ip.checksum.status == "Bad"'
    check "negative control: corrupted IPv4 TTL is flagged (1 frame: $(lines "$tmp/c-ip.txt"))" \
        test "$(lines "$tmp/c-ip.txt")" = 1
    # shellcheck disable=SC2086
    ts "$tmp/c-all.txt" -r "$C" $CK -Y "$BADCK || _ws.malformed || _ws.expert.severity >= error"
    check "negative control: the combined filter flags the 3 corrupted frames (got $(lines "$tmp/c-all.txt"))" \
        test "$(lines "$tmp/c-all.txt")" = 3
else
    bad "negative control: found the TCP stream header and UDP flow name in the trace bytes"
fi

finish
