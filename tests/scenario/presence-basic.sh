#!/bin/sh
# presence-basic.sh: scenarios/presence-basic.ini end to end (issue 5 acceptance). Every watcher's
# view converges to the composed state; a change at each source (the UE over Peu, the PNA over Pen,
# the PEA over Pex) reaches every allowed watcher, across operator domains too; pres-rules keep the
# location from carol; the summary gives traffic per reference point and notification latency;
# tshark, given esp-sa.txt, reads the PIDF, winfo and RLMI bodies inside ESP with no malformed
# packet, and cannot without the keys; two runs are byte-identical.
set -u
: "${PRESIM:?PRESIM must name the presim binary}"
: "${PRESIM_SOURCE_DIR:?PRESIM_SOURCE_DIR must name the project root}"
. "$PRESIM_SOURCE_DIR/tests/lib/check.sh"
SCEN="$PRESIM_SOURCE_DIR/scenarios/presence-basic.ini"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/presim-presence.XXXXXX") || { echo "FAIL - mktemp"; exit 1; }
trap 'rm -rf "$tmp"' EXIT

out="$tmp/run"
if "$PRESIM" run "$SCEN" --quiet --out "$out" >"$tmp/run.log" 2>&1; then ok "run exits 0"; else bad "run exits 0"; sed 's/^/    /' "$tmp/run.log"; finish; fi
E="$out/events.jsonl"
S="$out/summary.json"

# views: NODE TARGET -> the presence-view events of NODE for TARGET, one per line
views() { grep "\"node\":\"$1\",\"event\":\"presence-view\"" "$E" | grep "\"resource\":\"$2\""; }
last_view() { views "$1" "$2" | tail -n 1; }
after() { awk -v t="$1" -F'"t":' '{ split($2, a, ","); if (a[1] + 0 >= t) print }'; }

A=sip:alice@home.example.net
B=sip:bob@home.example.net
check "bob's view of alice converged (open, away, with location)" \
    sh -c "echo '$(last_view ue2 $A)' | grep -q '\"basic\":\"open\",\"activities\":\"away\",\"location\":true'"
check "carol's view of alice converged (open, away) across domains" \
    sh -c "echo '$(last_view ue3 $A)' | grep -q '\"basic\":\"open\",\"activities\":\"away\"'"
check "carol's view of bob shows the calendar's meeting (Pex)" \
    sh -c "echo '$(last_view ue3 $B)' | grep -q '\"activities\":\"meeting\"'"
check "alice's buddy list shows bob in the meeting (RLS)" \
    sh -c "grep '\"node\":\"ue1\",\"event\":\"presence-view\"' '$E' | grep '\"target\":\"sip:alice-buddies@home.example.net\"' | tail -n 1 | grep -q '\"activities\":\"meeting\"'"
for w in ue2 ue3; do
    n=$(views "$w" "$A" | after 7000000000 | grep -c 'on-the-phone')
    check "$w saw the PNA's on-the-phone after the MSC call at 7 s ($n views)" test "$n" -ge 1
    n=$(views "$w" "$A" | after 11000000000 | grep -c '"activities":"[a-z,-]*away')
    check "$w saw alice's own 'away' after 11 s ($n views)" test "$n" -ge 1
    n=$(views "$w" "$A" | after 13000000000 | grep -c '"activities":"away"')
    check "$w saw the call end (on-the-phone gone) after 13 s ($n views)" test "$n" -ge 1
done
n=$(views ue3 "$A" | grep -c '"location":true')
check "carol (no provide-location) never got alice's location ($n views with it)" test "$n" -eq 0
n=$(views ue2 "$A" | grep -c '"location":true')
check "bob (provide-location) got it ($n views)" test "$n" -ge 1
check "alice's winfo lists bob and carol as active watchers" \
    test "$(grep '"node":"ue1","event":"winfo-view"' "$E" | grep -c '"status":"active"')" -ge 2
check "carol's unsubscribe from bob ended the subscription at the PS" \
    grep -q '"event":"subscription-ended","attrs":{"resource":"sip:bob@home.example.net","watcher":"sip:carol@other.example.org"' "$E"
check "the NOTIFYs to carol crossed both S-CSCFs (route set)" grep -q '"node":"scscf2","event":"route-next","attrs":{"method":"NOTIFY"' "$E"
check "no request was refused by the PS as untrusted" test "$(grep -c '"ps-untrusted-rejected"' "$E")" -eq 0

for rp in Peu Pen Pex Pw; do
    check "summary: PS traffic on $rp counted" test "$(jget "$S" "nodes.ps.reference_points.$rp.messages_in")" -ge 1
done
check "summary: bytes on Pw reported" test "$(jget "$S" "nodes.ps.reference_points.Pw.bytes_out")" -gt 0
check "summary: notification latency reported at a watcher" grep -q '"latency_mean_ms"' "$S"

# tshark: the UE paths are ESP with AES-CBC; decrypt with the exported SAs.
set --
while IFS= read -r l; do set -- "$@" -o "uat:esp_sa:$l"; done <"$out/esp-sa.txt"
P="-d udp.port==5062,sip -d udp.port==5064,sip -d udp.port==5066,sip -d udp.port==5068,sip"
# shellcheck disable=SC2086
ts "$tmp/pidf.txt" -r "$out/trace.pcapng" -o esp.enable_encryption_decode:TRUE "$@" $P \
    -Y 'esp && sip && presence' -T fields -e frame.number
check "PIDF bodies are read inside decrypted ESP ($(lines "$tmp/pidf.txt") packets)" test "$(lines "$tmp/pidf.txt")" -ge 5
# shellcheck disable=SC2086
ts "$tmp/winfo.txt" -r "$out/trace.pcapng" -o esp.enable_encryption_decode:TRUE "$@" $P \
    -Y 'esp && watcherinfo' -T fields -e frame.number
check "watcherinfo bodies are read inside ESP ($(lines "$tmp/winfo.txt"))" test "$(lines "$tmp/winfo.txt")" -ge 1
# shellcheck disable=SC2086
ts "$tmp/rlmi.txt" -r "$out/trace.pcapng" -o esp.enable_encryption_decode:TRUE "$@" $P \
    -Y 'esp && mime_multipart.type == "multipart/related" && xml && presence' -T fields -e frame.number
check "RLMI multipart NOTIFYs are dissected inside ESP ($(lines "$tmp/rlmi.txt"))" test "$(lines "$tmp/rlmi.txt")" -ge 1
# shellcheck disable=SC2086
ts "$tmp/bad.txt" -r "$out/trace.pcapng" -o esp.enable_encryption_decode:TRUE "$@" $P \
    -Y '_ws.malformed || _ws.expert.severity >= error'
check "no malformed packet or error in the decrypted trace" test "$(lines "$tmp/bad.txt")" -eq 0
n=$(count "$out/trace.pcapng" 'esp && presence')
check "without the keys no PIDF is readable inside ESP ($n)" test "$n" -eq 0
n=$(count "$out/trace.pcapng" 'ip.addr == 10.0.4.2 && presence')
check "... while the core links carry it in clear (no NDS/IP modelled: $n)" test "$n" -ge 1

out2="$tmp/run2"
"$PRESIM" run "$SCEN" --quiet --out "$out2" >/dev/null 2>&1
check "a second run gives the same events.jsonl" cmp -s "$E" "$out2/events.jsonl"
check "... and the same trace.pcapng" cmp -s "$out/trace.pcapng" "$out2/trace.pcapng"
finish
