#!/bin/sh
# presence-policy.sh: scenarios/presence-policy.ini (issue 5 acceptance): pres-rules at the PS.
# Blocked watcher: 403 and no PIDF ever reaches it (checked on the wire too). Polite-block: a neutral
# document. Confirm: pending in winfo, then active with full state once the rule allows. No
# provide-location: no location element ever leaves the PS for that watcher. Expiry without refresh:
# ended with reason=timeout. A list subscription: RLMI NOTIFYs, one part per member, that tshark
# dissects.
set -u
: "${PRESIM:?PRESIM must name the presim binary}"
: "${PRESIM_SOURCE_DIR:?PRESIM_SOURCE_DIR must name the project root}"
. "$PRESIM_SOURCE_DIR/tests/lib/check.sh"
SCEN="$PRESIM_SOURCE_DIR/scenarios/presence-policy.ini"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/presim-policy.XXXXXX") || { echo "FAIL - mktemp"; exit 1; }
trap 'rm -rf "$tmp"' EXIT

out="$tmp/run"
if "$PRESIM" run "$SCEN" --quiet --out "$out" >"$tmp/run.log" 2>&1; then ok "run exits 0"; else bad "run exits 0"; sed 's/^/    /' "$tmp/run.log"; finish; fi
E="$out/events.jsonl"
A=sip:alice@home.example.net
views() { grep "\"node\":\"$1\",\"event\":\"presence-view\"" "$E" | grep "\"target\":\"$A\""; }
after() { awk -v t="$1" -F'"t":' '{ split($2, a, ","); if (a[1] + 0 >= t) print }'; }
before() { awk -v t="$1" -F'"t":' '{ split($2, a, ","); if (a[1] + 0 < t) print }'; }

# bob: block
check "bob's SUBSCRIBE is refused 403" grep -q '"node":"ue2","event":"sub-ended","attrs":{"target":"sip:alice@home.example.net","event":"presence","reason":"403 Forbidden"' "$E"
check "bob never gets a view of alice" test "$(views ue2 | wc -l)" -eq 0
set --
while IFS= read -r l; do set -- "$@" -o "uat:esp_sa:$l"; done <"$out/esp-sa.txt"
P="-d udp.port==5062,sip -d udp.port==5064,sip -d udp.port==5066,sip -d udp.port==5068,sip"
# shellcheck disable=SC2086
ts "$tmp/bob.txt" -r "$out/trace.pcapng" -o esp.enable_encryption_decode:TRUE "$@" $P \
    -Y 'ip.dst == 10.1.2.2 && presence' -T fields -e frame.number
check "on the wire: no PIDF is ever sent to bob's UE" test "$(lines "$tmp/bob.txt")" -eq 0
# shellcheck disable=SC2086
ts "$tmp/erin.txt" -r "$out/trace.pcapng" -o esp.enable_encryption_decode:TRUE "$@" $P \
    -Y 'ip.dst == 10.1.5.2 && presence' -T fields -e frame.number
check "... while erin's UE gets PIDF documents ($(lines "$tmp/erin.txt"))" test "$(lines "$tmp/erin.txt")" -ge 1

# carol: polite-block
check "carol gets a view" test "$(views ue3 | wc -l)" -ge 1
check "every view carol gets is the neutral one (closed, no activity, no location)" \
    test "$(views ue3 | grep -vc '"basic":"closed","activities":"","location":false')" -eq 0

# dave: confirm, then allow at 8 s
check "dave is pending in alice's winfo before 8 s" \
    sh -c "grep '\"node\":\"ue1\",\"event\":\"winfo-view\"' '$E' | grep '\"watcher\":\"sip:dave@home.example.net\"' | grep -q '\"status\":\"pending\"'"
check "dave gets no state while pending" test "$(views ue4 | before 8000000000 | wc -l)" -eq 0
check "the PS approves dave when the rule changes" grep -q '"event":"subscription-approved","attrs":{"resource":"sip:alice@home.example.net","watcher":"sip:dave@home.example.net"' "$E"
check "dave then gets alice's full state (open, working)" \
    sh -c "grep '\"node\":\"ue4\",\"event\":\"presence-view\"' '$E' | head -n 1 | grep -q '\"basic\":\"open\",\"activities\":\"working\"'"
check "alice's winfo shows dave active (approved)" grep -q '"watcher":"sip:dave@home.example.net","status":"active","event":"approved"' "$E"

# erin: allow, no provide-location; frank: allow with provide-location
check "erin gets alice's state" test "$(views ue5 | wc -l)" -ge 2
check "no view of erin's (nor dave's) carries a location" test "$(views ue5; views ue4)" != "" -a "$( (views ue5; views ue4) | grep -c '"location":true')" -eq 0
check "frank's views carry the location" test "$(views ue6 | grep -c '"location":true')" -ge 1
# on the wire: no geopriv to erin
# shellcheck disable=SC2086
ts "$tmp/geo.txt" -r "$out/trace.pcapng" -o esp.enable_encryption_decode:TRUE "$@" $P \
    -Y 'ip.dst == 10.1.5.2 && presence && xml.cdata contains "48.8"' -T fields -e frame.number
check "on the wire: no coordinates in erin's NOTIFYs" test "$(lines "$tmp/geo.txt")" -eq 0
# shellcheck disable=SC2086
ts "$tmp/geo6.txt" -r "$out/trace.pcapng" -o esp.enable_encryption_decode:TRUE "$@" $P \
    -Y 'ip.dst == 10.1.6.2 && presence && xml.cdata contains "48.8"' -T fields -e frame.number
check "... and they are in frank's ($(lines "$tmp/geo6.txt"))" test "$(lines "$tmp/geo6.txt")" -ge 1

# frank: 60 s, no refresh
check "frank's subscription ends with reason=timeout" grep -q '"node":"ue6","event":"sub-ended","attrs":{"target":"sip:alice@home.example.net","event":"presence","reason":"timeout"' "$E"
check "winfo lists frank as terminated by timeout" grep -q '"watcher":"sip:frank@home.example.net","status":"terminated","event":"timeout"' "$E"

# the buddy list
# shellcheck disable=SC2086
ts "$tmp/list.txt" -r "$out/trace.pcapng" -o esp.enable_encryption_decode:TRUE "$@" $P \
    -Y 'ip.dst == 10.1.1.2 && mime_multipart.type == "multipart/related"' -T fields -e mime_multipart.part
check "alice's UE gets multipart/related list NOTIFYs ($(lines "$tmp/list.txt"))" test "$(lines "$tmp/list.txt")" -ge 1
check "each has 3 parts: the RLMI root and one PIDF per member" \
    test "$(awk -F, '{ print NF }' "$tmp/list.txt" | sort -u)" = "3"
check "alice's list view shows erin's meeting" \
    sh -c "grep '\"node\":\"ue1\",\"event\":\"presence-view\"' '$E' | grep '\"resource\":\"sip:erin@home.example.net\"' | grep -q meeting"
# shellcheck disable=SC2086
ts "$tmp/bad.txt" -r "$out/trace.pcapng" -o esp.enable_encryption_decode:TRUE "$@" $P \
    -Y '_ws.malformed || _ws.expert.severity >= error'
check "no malformed packet or error in the decrypted trace" test "$(lines "$tmp/bad.txt")" -eq 0
finish
