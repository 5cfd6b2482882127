#!/bin/sh
# ut-xcap.sh: scenarios/ut-xcap.ini (issue 6 acceptance): GBA bootstrapping, the Authentication Proxy
# with TLS, XCAP on the Presence Server. Both TS 33.222 variants: shared-key TLS (§5.4, the scenario as
# written) and certificate TLS with HTTP Digest (§5.3, with --set).
#  - alice bootstraps, blocks bob with a pres-rules PUT: bob's subscription ends at once (rejected);
#    she adds carol to her list and removes bob: her list subscription follows;
#  - bob writing alice's document gets 403 from the PS and the document is unchanged;
#  - bob claiming alice's IMPU gets 403 from the AP;
#  - a forged B-TID: PSK handshake refused (§5.4) / 401 (§5.3);
#  - an expired B-TID: a new bootstrap before the request;
#  - the private identity never reaches the PS (checked by the PS on every request);
#  - tshark decrypts the TLS with tls-keys.txt and shows the XCAP requests; Zh and Zn are Diameter
#    without malformed packets or errors;
#  - summary.json has the cost of every Ut operation.
set -u
: "${PRESIM:?PRESIM must name the presim binary}"
: "${PRESIM_SOURCE_DIR:?PRESIM_SOURCE_DIR must name the project root}"
. "$PRESIM_SOURCE_DIR/tests/lib/check.sh"
SCEN="$PRESIM_SOURCE_DIR/scenarios/ut-xcap.ini"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/presim-ut.XXXXXX") || { echo "FAIL - mktemp"; exit 1; }
trap 'rm -rf "$tmp"' EXIT

# done_of E ACTION: the xcap-done event of an action
done_of() { grep "\"event\":\"xcap-done\",\"attrs\":{\"op\":\"$2\"" "$1"; }
status_of() { done_of "$1" "$2" | sed -n 's/.*"status":\([0-9]*\).*/\1/p'; }

for mode in psk cert-digest; do
    out="$tmp/$mode"
    set -- --set node.ap.ua-security=$mode --set node.ue1.ut-security=$mode \
        --set node.ue2.ut-security=$mode --set node.ue3.ut-security=$mode
    if "$PRESIM" run "$SCEN" --quiet --out "$out" "$@" >"$tmp/run.log" 2>&1; then ok "[$mode] run exits 0"
    else bad "[$mode] run exits 0"; sed 's/^/    /' "$tmp/run.log"; continue; fi
    E="$out/events.jsonl"
    S="$out/summary.json"

    check "[$mode] alice bootstraps before her first request" grep -q '"node":"ue1","event":"gba-bootstrapped","attrs":{"op":"alice-reads-rules"' "$E"
    check "[$mode] alice reads her pres-rules: 200" test "$(status_of "$E" alice-reads-rules)" = 200
    check "[$mode] alice's pres-rules PUT (If-Match) succeeds" test "$(status_of "$E" alice-blocks-bob)" = 200
    check "[$mode] the PS applies the new rules at once" grep -q '"node":"ps","event":"pres-rules-changed","attrs":{"presentity":"sip:alice@home.example.net","source":"xcap"' "$E"
    check "[$mode] bob's subscription to alice ends, reason rejected" \
        grep -q '"node":"ue2","event":"sub-ended","attrs":{"target":"sip:alice@home.example.net","event":"presence","reason":"rejected"' "$E"
    check "[$mode] carol's subscription stays (no sub-ended for her)" test "$(grep -c '"node":"ue3","event":"sub-ended"' "$E")" -eq 0
    check "[$mode] alice adds carol to her list (PUT element: 201)" test "$(status_of "$E" alice-adds-carol)" = 201
    check "[$mode] alice removes bob (DELETE element: 200)" test "$(status_of "$E" alice-removes-bob)" = 200
    check "[$mode] the list subscription follows: 2 members, then 1" \
        sh -c "grep '\"event\":\"resource-list-changed\"' '$E' | sed -n 's/.*\"members\":\([0-9]*\).*/\1/p' | tr '\n' ' ' | grep -q '^2 1 \$'"
    check "[$mode] bob writing alice's pres-rules: 403" test "$(status_of "$E" bob-writes-alices-rules)" = 403
    check "[$mode] ... refused by the PS (not own data)" grep -q '"node":"ps","event":"xcap-request","attrs":{"method":"PUT","target":"[^"]*","asserted":"sip:bob@home.example.net","verdict":"not the user' "$E"
    check "[$mode] bob claiming alice's IMPU: 403" test "$(status_of "$E" bob-claims-alice)" = 403
    check "[$mode] ... refused by the AP (ua-identity forbidden)" \
        grep -q '"node":"ap","event":"ua-identity","attrs":{"claimed":"sip:alice@home.example.net","outcome":"forbidden"' "$E"
    check "[$mode] ... so the PS never sees that request" \
        test "$(grep '"node":"ps","event":"xcap-request"' "$E" | awk -F'"t":' '{ split($2, a, ","); if (a[1] >= 11000000000 && a[1] < 12000000000) print }' | wc -l)" -eq 0
    if [ "$mode" = psk ]; then
        check "[psk] a forged B-TID: the PSK handshake is refused" sh -c "done_of() { grep \"\\\"event\\\":\\\"xcap-done\\\",\\\"attrs\\\":{\\\"op\\\":\\\"\$2\\\"\" \"\$1\"; }; done_of '$E' carol-forges-btid | grep -q '\"status\":0'"
        check "[psk] ... with the unknown_psk_identity alert" grep -qi '"node":"ap","event":"tls-failed".*unknown psk identity (115)' "$E"
    else
        check "[cert-digest] a forged B-TID: 401" test "$(status_of "$E" carol-forges-btid)" = 401
    fi
    check "[$mode] a stale If-Match: 412" test "$(status_of "$E" alice-stale-etag)" = 412
    e1=$(done_of "$E" alice-blocks-bob | sed -n 's/.*"etag":"\\"\([^"\\]*\)\\"".*/\1/p')
    e2=$(done_of "$E" alice-rereads-rules | sed -n 's/.*"etag":"\\"\([^"\\]*\)\\"".*/\1/p')
    check "[$mode] alice's pres-rules are unchanged by bob's attempt and the stale PUT (ETag $e1 = $e2)" \
        sh -c "[ -n '$e1' ] && [ '$e1' = '$e2' ]"
    check "[$mode] the PS applied XCAP pres-rules exactly once" \
        test "$(grep -c '"node":"ps","event":"pres-rules-changed","attrs":{"presentity":"sip:alice@home.example.net","source":"xcap"' "$E")" -eq 1
    check "[$mode] the expired B-TID is replaced by a new bootstrap before the request" \
        grep -q '"node":"ue1","event":"gba-bootstrapped","attrs":{"op":"alice-reads-after-expiry"' "$E"
    check "[$mode] ... and the request succeeds" test "$(status_of "$E" alice-reads-after-expiry)" = 200
    check "[$mode] the private identity never reaches the PS" test "$(jget "$S" nodes.ps.xcap.private_identity_seen)" = 0
    check "[$mode] the PS served XCAP requests" test "$(jget "$S" nodes.ps.xcap.requests)" -ge 8
    # summary: cost of each operation
    check "[$mode] summary: alice's first op needed a bootstrap" test "$(jget "$S" ues.ue1.ut.operations.000.bootstrap)" = needed
    check "[$mode] summary: her second op did not" test "$(jget "$S" ues.ue1.ut.operations.001.bootstrap)" = valid
    r0=$(jget "$S" ues.ue1.ut.operations.000.round_trips); r1=$(jget "$S" ues.ue1.ut.operations.001.round_trips)
    l0=$(jget "$S" ues.ue1.ut.operations.000.latency_ms); l1=$(jget "$S" ues.ue1.ut.operations.001.latency_ms)
    check "[$mode] summary: with a bootstrap more round trips ($r0 > $r1) and more latency ($l0 > $l1 ms)" \
        awk -v a="$r0" -v b="$r1" -v c="$l0" -v d="$l1" 'BEGIN { exit !(a > b && c > d && d > 0) }'
    check "[$mode] summary: bytes counted" test "$(jget "$S" ues.ue1.ut.operations.001.bytes)" -gt 0
    check "[$mode] host.json has the TLS and KDF CPU time" sh -c "grep -q 'ue1:tls' '$out/host.json' && grep -q 'ue1:gba-kdf' '$out/host.json'"

    # on the wire
    check "[$mode] tls-keys.txt has NSS key log lines" grep -q '^CLIENT_RANDOM [0-9a-f]\{64\} [0-9a-f]\{96\}$' "$out/tls-keys.txt"
    # Every packet is captured at each link end it crosses, so the same TLS record appears several
    # times in the trace; decrypt the copies seen at one interface (the AP's), as a user would.
    ts "$tmp/ap.txt" -r "$out/trace.pcapng" -Y 'frame.interface_name == "ap/eth0"' -w "$tmp/ap.pcapng"
    ts "$tmp/xcap.txt" -r "$tmp/ap.pcapng" -o "tls.keylog_file:$out/tls-keys.txt" \
        -Y 'tls && http.request' -T fields -e http.request.method -e http.request.uri
    check "[$mode] tshark decrypts the TLS and shows every XCAP request inside ($(lines "$tmp/xcap.txt"))" \
        test "$(grep -c '/xcap/' "$tmp/xcap.txt")" -ge 9
    check "[$mode] ... among them alice's DELETE of bob's entry" grep -q 'DELETE.*/xcap/resource-lists/users/sip:alice@home.example.net/index/~~/' "$tmp/xcap.txt"
    ts "$tmp/clear.txt" -r "$tmp/ap.pcapng" -Y 'tls && http.request' -T fields -e frame.number
    check "[$mode] ... without the keys it cannot" test "$(lines "$tmp/clear.txt")" -eq 0
    check "[$mode] Zh (16777221) dissects as Diameter" test "$(count "$out/trace.pcapng" 'diameter.applicationId == 16777221')" -ge 2
    check "[$mode] Zn (16777220) dissects as Diameter" test "$(count "$out/trace.pcapng" 'diameter.applicationId == 16777220')" -ge 2
    check "[$mode] Ub is HTTP with Digest AKA" test "$(count "$out/trace.pcapng" 'http.www_authenticate contains "AKAv1-MD5"')" -ge 1
    check "[$mode] no malformed packet, no expert error (with the keys)" \
        test "$(count "$out/trace.pcapng" '_ws.malformed || _ws.expert.severity >= error' )" -eq 0
done

# determinism
"$PRESIM" run "$SCEN" --quiet --out "$tmp/again" >/dev/null 2>&1
check "same seed: byte-identical events.jsonl" cmp -s "$tmp/psk/events.jsonl" "$tmp/again/events.jsonl"
check "same seed: byte-identical trace.pcapng and tls-keys.txt" sh -c "cmp -s '$tmp/psk/trace.pcapng' '$tmp/again/trace.pcapng' && cmp -s '$tmp/psk/tls-keys.txt' '$tmp/again/tls-keys.txt'"
finish
