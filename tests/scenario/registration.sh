#!/bin/sh
# registration.sh: scenarios/registration.ini end to end. Both UEs register through the Rel-6 P-CSCF
# with IMS AKA and Sec-Agree (HMAC-SHA-1-96 + AES-CBC), alice re-registers, bob de-registers; tshark,
# given the run's esp-sa.txt, decrypts every ESP packet with a good ICV and finds SIP inside; the
# Cx messages dissect as Diameter with no malformed packet; two runs are byte-identical.
set -u
: "${PRESIM:?PRESIM must name the presim binary}"
: "${PRESIM_SOURCE_DIR:?PRESIM_SOURCE_DIR must name the project root}"
. "$PRESIM_SOURCE_DIR/tests/lib/check.sh"
SCEN="$PRESIM_SOURCE_DIR/scenarios/registration.ini"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/presim-registration.XXXXXX") || { echo "FAIL - mktemp"; exit 1; }
trap 'rm -rf "$tmp"' EXIT

out="$tmp/run"
if "$PRESIM" run "$SCEN" --quiet --out "$out" >"$tmp/run.log" 2>&1; then ok "run exits 0"; else bad "run exits 0"; sed 's/^/    /' "$tmp/run.log"; finish; fi
S="$out/summary.json"
for ue in ue1 ue2; do
    check "$ue registered" test "$(jget "$S" "ues.$ue.registrations")" -ge 1
    check "$ue negotiated hmac-sha-1-96/aes-cbc" test "$(jget "$S" "ues.$ue.algorithms")" = "hmac-sha-1-96/aes-cbc"
    check "$ue has confidentiality by ESP" test "$(jget "$S" "ues.$ue.confidentiality")" = "ipsec-esp"
    check "$ue registration latency reported" test -n "$(jget "$S" "ues.$ue.registration_latency_ms")"
    check "$ue ESP overhead per message reported (> 0)" \
        awk -v v="$(jget "$S" "ues.$ue.esp.bytes_added_per_message")" 'BEGIN { exit !(v > 0) }'
done
check "ue1 re-registered at least once (expires 20 s, refresh at half)" test "$(jget "$S" "ues.ue1.reregistrations")" -ge 1
check "ue2 is idle after de-registering" test "$(jget "$S" "ues.ue2.state")" = "idle"
check "events: each UE reports 'registered' once" test "$(grep -c '"node":"ue[12]","event":"registered"' "$out/events.jsonl")" -eq 2
check "events: ue2 'deregistered'" grep -q '"node":"ue2","event":"deregistered"' "$out/events.jsonl"
check "esp-sa.txt holds the 4 SAs of each UE (8 lines: each SA is known to both ends, listed once)" test "$(lines "$out/esp-sa.txt")" -eq 8
check "host.json reports crypto CPU time for ue1" grep -q '"ue1:aka"' "$out/host.json"

# tshark: decrypt with the exported SAs.
set --
while IFS= read -r l; do set -- "$@" -o "uat:esp_sa:$l"; done <"$out/esp-sa.txt"
dec() { ts "$@" -r "$out/trace.pcapng" -o esp.enable_encryption_decode:TRUE -o esp.enable_authentication_check:TRUE \
    -d udp.port==5062,sip -d udp.port==5064,sip -d udp.port==5066,sip -d udp.port==5068,sip; }
esp_total=$(count "$out/trace.pcapng" esp)
check "the trace holds ESP packets ($esp_total)" test "$esp_total" -gt 10
set -- "$@"
if ts "$tmp/good.txt" -r "$out/trace.pcapng" -o esp.enable_encryption_decode:TRUE -o esp.enable_authentication_check:TRUE \
    "$@" -Y 'esp.icv_good == 1' -T fields -e frame.number; then :; fi
check "every ESP packet decrypts with a good ICV ($(lines "$tmp/good.txt") of $esp_total)" test "$(lines "$tmp/good.txt")" -eq "$esp_total"
ts "$tmp/sipin.txt" -r "$out/trace.pcapng" -o esp.enable_encryption_decode:TRUE "$@" \
    -d udp.port==5062,sip -d udp.port==5064,sip -d udp.port==5066,sip -d udp.port==5068,sip \
    -Y 'esp && sip' -T fields -e sip.CSeq.method
check "SIP is visible inside every decrypted ESP packet" test "$(lines "$tmp/sipin.txt")" -eq "$esp_total"
check "the decrypted SIP includes REGISTERs" grep -q REGISTER "$tmp/sipin.txt"
ts "$tmp/bad.txt" -r "$out/trace.pcapng" -o esp.enable_encryption_decode:TRUE "$@" \
    -d udp.port==5062,sip -d udp.port==5064,sip -d udp.port==5066,sip -d udp.port==5068,sip \
    -Y '_ws.malformed || _ws.expert.severity >= error'
check "no malformed packet or error in the decrypted trace" test "$(lines "$tmp/bad.txt")" -eq 0
plain=$(count "$out/trace.pcapng" 'udp.port in {5062,5064,5066,5068}')
check "no unprotected packet on the protected ports ($plain)" test "$plain" -eq 0
probe=$(count "$out/trace.pcapng" 'udp.port in {5060,5061}')
check "... and the filter does match SIP on other ports ($probe)" test "$probe" -gt 0
check "every UE's ESP opened something (answers came through the SAs)" \
    test "$(jget "$S" ues.ue1.esp.opened)" -ge 1 -a "$(jget "$S" ues.ue2.esp.opened)" -ge 1
ts "$tmp/nokeys.txt" -r "$out/trace.pcapng" -Y 'esp && sip'
check "without the keys no SIP is readable inside ESP" test "$(lines "$tmp/nokeys.txt")" -eq 0

# Cx.
ts "$tmp/cx.txt" -r "$out/trace.pcapng" -Y 'diameter' -T fields -e diameter.cmd.code -e diameter.applicationId
for code in 300 301 303; do
    check "Diameter command $code seen with the Cx application id" grep -q "^$code[[:space:]]16777216" "$tmp/cx.txt"
done
ts "$tmp/cxbad.txt" -r "$out/trace.pcapng" -Y 'diameter && (_ws.malformed || _ws.expert.severity >= warning)'
check "Cx messages dissect without malformed packets or warnings" test "$(lines "$tmp/cxbad.txt")" -eq 0

# Determinism.
"$PRESIM" run "$SCEN" --quiet --out "$tmp/again" >/dev/null 2>&1
for f in trace.pcapng events.jsonl summary.json esp-sa.txt; do
    check "same seed: $f identical" cmp -s "$out/$f" "$tmp/again/$f"
done
finish
