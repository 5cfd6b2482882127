#!/bin/sh
# registration-attacks.sh: what goes wrong, and how the system reacts.
#  - Sec-Agree downgrade by a rogue access point (scenarios/registration-mitm.ini): detected by the
#    P-CSCF (494, "downgrade-detected", alice not registered); with the check off, alice registers with
#    integrity only although both ends could encrypt.
#  - SQN out of range (the HSS far ahead of a fresh ISIM): one extra round trip (AUTS), then registered.
#  - A wrong K on the ISIM: the network fails the MAC check, and the attempt ends in 403.
#  - Tampered and replayed ESP packets: dropped by their receiver and counted, never delivered.
set -u
: "${PRESIM:?}"; : "${PRESIM_SOURCE_DIR:?}"
. "$PRESIM_SOURCE_DIR/tests/lib/check.sh"
REG="$PRESIM_SOURCE_DIR/scenarios/registration.ini"
MITM="$PRESIM_SOURCE_DIR/scenarios/registration-mitm.ini"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/presim-attacks.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
run() { _o=$1; shift; "$PRESIM" run "$@" --quiet --out "$tmp/$_o" >"$tmp/$_o.log" 2>&1 || sed 's/^/    /' "$tmp/$_o.log"; }

# Downgrade, detected.
run detected "$MITM"
S="$tmp/detected/summary.json"
check "downgrade: the attacker rewrote Sec-Agree headers" test "$(jget "$S" nodes.ap.sip_rewritten)" -ge 2
check "downgrade: the P-CSCF detected it" grep -q '"event":"downgrade-detected"' "$tmp/detected/events.jsonl"
check "downgrade: alice is not registered" test "$(jget "$S" ues.ue1.registrations)" = "0"
check "downgrade: alice was told 494" grep -q '494' "$tmp/detected/events.jsonl"
check "downgrade: bob (not behind the attacker) registered with encryption" test "$(jget "$S" ues.ue2.algorithms)" = "hmac-sha-1-96/aes-cbc"

# Downgrade without the check: it works, and that is the problem.
run undetected "$MITM" --set node.pcscf.verify-security=false
S="$tmp/undetected/summary.json"
check "no check: alice registered" test "$(jget "$S" ues.ue1.registrations)" = "1"
check "no check: ... without encryption ($(jget "$S" ues.ue1.algorithms))" test "$(jget "$S" ues.ue1.confidentiality)" = "not provided"
check "no check: ... although both ends could encrypt (bob has $(jget "$S" ues.ue2.algorithms))" \
    test "$(jget "$S" ues.ue2.algorithms)" = "hmac-sha-1-96/aes-cbc"
check "no check: nothing detected" test "$(grep -c '"event":"downgrade-detected"' "$tmp/undetected/events.jsonl")" -eq 0

# SQN out of range: SQN_HE = 2^34 is 2^29 SEQ ahead of a fresh ISIM, beyond Δ = 2^28 (TS 33.102 C.2.1).
run resync "$REG" --set subscriber.alice.sqn=000400000000
S="$tmp/resync/summary.json"
check "resync: alice registered" test "$(jget "$S" ues.ue1.registrations)" = "1"
check "resync: one resynchronisation" test "$(jget "$S" ues.ue1.resyncs)" = "1"
check "resync: three REGISTERs (one extra round trip)" \
    grep -q '"node":"ue1","event":"registered","attrs":{[^}]*"registers":3' "$tmp/resync/events.jsonl"

# Wrong K on the ISIM.
run wrongk "$REG" --set node.ue1.k=00112233445566778899aabbccddeeff
S="$tmp/wrongk/summary.json"
check "wrong K: not registered" test "$(jget "$S" ues.ue1.registrations)" = "0"
check "wrong K: the UE found the network's MAC wrong" grep -q '"node":"ue1","event":"network-authentication-failed"' "$tmp/wrongk/events.jsonl"
check "wrong K: ended in 403 ($(jget "$S" ues.ue1.last_failure))" test "$(jget "$S" ues.ue1.last_failure | cut -c1-3)" = "403"

# Tampered and replayed ESP.
run esp "$MITM" --set node.ap.strip-encryption=false --set node.ap.tamper-esp-every=3 --set node.ap.replay-esp-every=2 \
    --until 30s
S="$tmp/esp/summary.json"
t=$(jget "$S" nodes.ap.esp_tampered); r=$(jget "$S" nodes.ap.esp_replayed)
check "esp: the attacker tampered ($t) and replayed ($r) packets" test "$t" -ge 1 -a "$r" -ge 1
bad_icv=$(( $(jget "$S" nodes.pcscf.esp.bad_icv) + $(jget "$S" ues.ue1.esp.bad_icv) ))
replayed=$(( $(jget "$S" nodes.pcscf.esp.replayed) + $(jget "$S" ues.ue1.esp.replayed) ))
check "esp: every tampered packet was dropped with a bad ICV ($bad_icv of $t)" test "$bad_icv" -eq "$t"
check "esp: every replayed packet was dropped as a replay ($replayed of $r)" test "$replayed" -eq "$r"
check "esp: drops traced with their reasons" grep -q '"reason":"esp-bad-icv"' "$tmp/esp/events.jsonl"
finish
