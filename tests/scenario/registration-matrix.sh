#!/bin/sh
# registration-matrix.sh: UE release {5, 6} x P-CSCF {5, 6 with ipsec, 6 with trust-access-network}.
# The negotiated (alg, ealg) must be the one TS 33.203 §7 and seed 002 §8.1.2.2 give: the P-CSCF's
# first mechanism (its priority: encryption first) that the UE offered. A Rel-6 UE behind a Rel-5
# P-CSCF registers with integrity only and summary.json says "not provided".
set -u
: "${PRESIM:?}"; : "${PRESIM_SOURCE_DIR:?}"
. "$PRESIM_SOURCE_DIR/tests/lib/check.sh"
SCEN="$PRESIM_SOURCE_DIR/scenarios/registration.ini"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/presim-matrix.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# ue pcscf policy -> expected algorithms and confidentiality
while read -r uerel prel policy algs pconf conf; do
    name="ue$uerel-pcscf$prel-$policy"
    out="$tmp/$name"
    "$PRESIM" run "$SCEN" --quiet --out "$out" --set node.ue1.release="$uerel" --set node.pcscf.release="$prel" \
        --set node.pcscf.confidentiality="$policy" --until 5s >"$tmp/$name.log" 2>&1
    S="$out/summary.json"
    check "$name: ue1 registered" test "$(jget "$S" ues.ue1.registrations 2>/dev/null)" = "1"
    check "$name: negotiated $algs (got $(jget "$S" ues.ue1.algorithms 2>/dev/null))" test "$(jget "$S" ues.ue1.algorithms)" = "$algs"
    check "$name: the UE reports confidentiality '$conf'" test "$(jget "$S" ues.ue1.confidentiality)" = "$conf"
    check "$name: the P-CSCF reports '$pconf'" \
        grep -q "\"event\":\"ue-registered\",\"attrs\":{\"impi\":\"alice@home.example.net\",\"algorithms\":\"$algs\",\"confidentiality\":\"$(echo "$pconf" | tr _ ' ')\"" "$out/events.jsonl"
done <<'CASES'
5 5 ipsec hmac-sha-1-96/- integrity_only not provided
5 6 ipsec hmac-sha-1-96/- integrity_only not provided
5 6 trust-access-network hmac-sha-1-96/- trusted-access-network not provided
6 5 ipsec hmac-sha-1-96/- not_provided not provided
6 6 ipsec hmac-sha-1-96/aes-cbc ipsec-esp ipsec-esp
6 6 trust-access-network hmac-sha-1-96/- trusted-access-network not provided
CASES
finish
