#!/bin/sh
# vectors.sh: presim-vectors over every known-answer file of shared/vectors/: all cases pass, and as
# many cases are counted as the files hold "[case" lines. Then the checker is checked: a copy of each
# file with one hex digit of one expected output changed must exit 1 naming FILE:LINE, the case and
# the field; malformed copies (odd-length hex, a repeated key, an unknown field, an unknown file name,
# a missing file) must exit 2 naming the place; every run still ends with "N passed, N failed".
#
# Environment: PRESIM_BUILD_DIR (the build tree), PRESIM_VECTORS_DIR (shared/vectors),
# PRESIM_SOURCE_DIR (project root).
set -u
: "${PRESIM_BUILD_DIR:?PRESIM_BUILD_DIR must name the build tree}"
: "${PRESIM_VECTORS_DIR:?PRESIM_VECTORS_DIR must name shared/vectors}"
: "${PRESIM_SOURCE_DIR:?PRESIM_SOURCE_DIR must name the project root}"
. "$PRESIM_SOURCE_DIR/tests/lib/check.sh"
PV="$PRESIM_BUILD_DIR/cli/presim-vectors/presim-vectors"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/presim-vectors.XXXXXX") || { echo "FAIL - mktemp"; exit 1; }
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

if [ ! -x "$PV" ]; then
    bad "presim-vectors is built ($PV)"
    finish
fi

# run OUT ARGS...: runs presim-vectors into OUT, sets $rc and $last (its last line)
run() {
    _o=$1
    shift
    "$PV" "$@" >"$_o" 2>&1
    rc=$?
    last=$(tail -n 1 "$_o")
}
show() { sed 's/^/    /' "$1"; }
# checkv DESCRIPTION OUT COMMAND...: check, showing presim-vectors' output OUT when it fails
checkv() { _d=$1 _out=$2; shift 2; if "$@"; then ok "$_d"; else bad "$_d"; show "$_out"; fi; }

# ---------------------------------------------------------------- the real files
files=$(ls "$PRESIM_VECTORS_DIR"/*.txt)
expected=$(cat $files | grep -c '^\[case ')
run "$tmp/all.out" $files
checkv "all vector files: exit 0 (got $rc)" "$tmp/all.out" test "$rc" = 0
check "all vector files: '$last' is '$expected passed, 0 failed' (one per [case] line)" \
    test "$last" = "$expected passed, 0 failed"
check "all vector files: nothing but the summary printed" test "$(wc -l <"$tmp/all.out" | tr -d ' ')" = 1
for f in $files; do
    n=$(grep -c '^\[case ' "$f")
    run "$tmp/one.out" "$f"
    check "$(basename "$f"): $n cases checked and passed ('$last', exit $rc)" \
        test "$rc" = 0 -a "$last" = "$n passed, 0 failed"
done

# ---------------------------------------------------------------- corrupted copies: exit 1
# corrupt FILE FIELD: a copy of FILE in its own folder (same name) with the last hex digit of the first
# "FIELD = " line changed; then the failure line must name FILE:LINE, a case and FIELD.
corrupt() {
    name=$1 field=$2
    d="$tmp/corrupt-$name"
    mkdir -p "$d"
    line=$(grep -n "^$field = " "$PRESIM_VECTORS_DIR/$name" | head -n 1 | cut -d: -f1)
    if [ -z "$line" ]; then
        bad "$name: has a '$field' line to corrupt"
        return
    fi
    awk -v n="$line" 'NR == n { c = substr($0, length($0), 1); $0 = substr($0, 1, length($0) - 1) (c == "0" ? "1" : "0") } { print }' \
        "$PRESIM_VECTORS_DIR/$name" >"$d/$name"
    check "$name: the copy differs from the original in exactly one line" \
        test "$(diff "$PRESIM_VECTORS_DIR/$name" "$d/$name" | grep -c '^>')" = 1
    total=$(grep -c '^\[case ' "$d/$name")
    run "$tmp/corrupt.out" "$d/$name"
    checkv "$name with $field changed (line $line): exit 1 (got $rc)" "$tmp/corrupt.out" test "$rc" = 1
    checkv "$name with $field changed: a failure line '$d/$name:$line: case ...: $field: expected ..., got ...'" \
        "$tmp/corrupt.out" grep -Eq "^$d/$name:$line: case [A-Za-z0-9._-]+: $field: expected [0-9a-f]+, got [0-9a-f]+\$" "$tmp/corrupt.out"
    check "$name with $field changed: '$last' is '$((total - 1)) passed, 1 failed'" \
        test "$last" = "$((total - 1)) passed, 1 failed"
}
corrupt milenage.txt f5star
corrupt hmac.txt mac96
corrupt aes-cbc-esp.txt esp
corrupt des-ede3-cbc.txt ciphertext
corrupt digest.txt response
corrupt aka-digest.txt akav2_response
corrupt gba-kdf.txt ks_naf

# ---------------------------------------------------------------- malformed copies: exit 2
# malformed LABEL NAME AT AWK-PROGRAM: a copy of NAME edited by AWK-PROGRAM (given the line number n
# of the first "k = " or "key = " line); must exit 2 naming NAME:(n + AT), and still print the summary.
malformed() {
    label=$1 name=$2 at=$3 prog=$4
    d="$tmp/bad-$label"
    mkdir -p "$d"
    n=$(grep -nE '^(k|key) = ' "$PRESIM_VECTORS_DIR/$name" | head -n 1 | cut -d: -f1)
    awk -v n="$n" "$prog" "$PRESIM_VECTORS_DIR/$name" >"$d/$name"
    run "$tmp/bad.out" "$d/$name"
    checkv "$label: exit 2 (got $rc)" "$tmp/bad.out" test "$rc" = 2
    checkv "$label: an error naming $name:$((n + at))" "$tmp/bad.out" grep -q "^$d/$name:$((n + at)): error: " "$tmp/bad.out"
    check "$label: still ends with the summary ('$last')" sh -c "echo '$last' | grep -Eq '^[0-9]+ passed, [0-9]+ failed\$'"
}
malformed odd-hex milenage.txt 0 'NR == n { $0 = $0 "0" } { print }'
malformed repeated-key hmac.txt 1 '{ print } NR == n { print }'
malformed unknown-field gba-kdf.txt 1 '{ print } NR == n { print "x_extra = 00" }'
malformed upper-case-hex des-ede3-cbc.txt 0 'NR == n { sub(/ = [0-9a-f]/, " = A") } { print }'

# one good file and one unusable: exit 2, the good one still counted
cp "$PRESIM_VECTORS_DIR/hmac.txt" "$tmp/weird-name.txt"
n=$(grep -c '^\[case ' "$PRESIM_VECTORS_DIR/milenage.txt")
run "$tmp/mixed.out" "$PRESIM_VECTORS_DIR/milenage.txt" "$tmp/weird-name.txt"
check "unknown file name: exit 2 (got $rc)" test "$rc" = 2
check "unknown file name: an error naming the file" grep -q "^$tmp/weird-name.txt: error: unknown vector file name" "$tmp/mixed.out"
check "unknown file name: the other file still checked ('$last')" test "$last" = "$n passed, 0 failed"
run "$tmp/missing.out" "$tmp/nowhere/milenage.txt"
check "missing file: exit 2 (got $rc) with an error naming it" \
    sh -c "test $rc = 2 && grep -q '^$tmp/nowhere/milenage.txt: error: cannot read' '$tmp/missing.out'"
check "missing file: ends with '0 passed, 0 failed' ('$last')" test "$last" = "0 passed, 0 failed"

finish
