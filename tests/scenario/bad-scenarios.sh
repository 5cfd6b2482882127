#!/bin/sh
# bad-scenarios.sh: acceptance tests of the scenario loader's error reporting.
#
# Every tests/bad-scenarios/*.ini holds exactly one problem and starts with
#     # expect: LINE: WHAT: SUBSTRING
# LINE is the line the error must name, WHAT is `group.key` (or `group` for a group-level problem;
# `-` for a problem that belongs to no group or key, such as a line that is not valid UTF-8), and
# SUBSTRING a fragment of the message. For each file:
#   - `presim validate FILE` must exit with status 2, write nothing on stdout, and write on stderr
#     exactly one message, a line starting with `FILE:LINE: WHAT: ` (`FILE:LINE: ` when WHAT is -)
#     that contains SUBSTRING after that prefix (one problem, one message: a cascade fails);
#   - `presim run FILE --out TMP/x --quiet` must do the same and leave TMP/x absent or empty.
# Then a few command-line cases: a missing file, bad --set overrides, and the valid demo scenario.
#
# Environment (set by ctest): PRESIM, the presim binary; PRESIM_SOURCE_DIR, the project root.
# Prints one line per case (ok/FAIL) and a final `N passed, N failed`; exits 1 if any case failed.

if [ -z "$PRESIM" ] || [ -z "$PRESIM_SOURCE_DIR" ]; then
    echo "bad-scenarios.sh: PRESIM and PRESIM_SOURCE_DIR must be set" >&2
    exit 1
fi
if [ ! -x "$PRESIM" ]; then
    echo "bad-scenarios.sh: $PRESIM is not an executable" >&2
    exit 1
fi

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

passed=0
failed=0
case_name=
problems=

pass() {
    passed=$((passed + 1))
    echo "ok   $case_name"
}

# fail_note TEXT: records a problem of the current case.
fail_note() {
    problems="${problems}    $1
"
}

finish_case() {
    if [ -z "$problems" ]; then
        pass
    else
        failed=$((failed + 1))
        echo "FAIL $case_name"
        printf '%s' "$problems"
    fi
    problems=
}

# show FILE: the file's lines, indented, for a failure report.
show() {
    if [ -s "$1" ]; then
        sed 's/^/      | /' "$1"
    else
        echo "      | (empty)"
    fi
}

# has_line FILE PREFIX SUBSTRING: FILE has a line starting with PREFIX that contains SUBSTRING after it.
has_line() {
    while IFS= read -r l || [ -n "$l" ]; do
        case $l in
        "$2"*"$3"*) return 0 ;;
        esac
    done <"$1"
    return 1
}

# line_count FILE
line_count() {
    awk 'END { print NR }' "$1"
}

# check_output WHO RC WANT_RC PREFIX SUBSTRING: checks $tmp/out and $tmp/err of the last command.
check_output() {
    who=$1
    if [ "$2" -ne "$3" ]; then
        fail_note "$who: exit status $2, expected $3"
    fi
    if [ -s "$tmp/out" ]; then
        fail_note "$who: wrote on stdout (expected nothing):
$(show "$tmp/out")"
    fi
    if ! has_line "$tmp/err" "$4" "$5"; then
        fail_note "$who: no stderr line starting with '$4' containing '$5'; stderr:
$(show "$tmp/err")"
    else
        n=$(line_count "$tmp/err")
        if [ "$n" -ne 1 ]; then
            fail_note "$who: $n messages for one problem (expected 1); stderr:
$(show "$tmp/err")"
        fi
    fi
}

# check_no_output DIR: DIR must not exist or be empty.
check_no_output() {
    if [ -e "$1" ]; then
        if [ ! -d "$1" ] || [ -n "$(ls -A "$1")" ]; then
            fail_note "run: left output in --out folder:
$(ls -lA "$1" | sed 's/^/      | /')"
        fi
    fi
}

# ---- the bad scenario files ----

dir="$PRESIM_SOURCE_DIR/tests/bad-scenarios"
n_files=0
for f in "$dir"/*.ini; do
    [ -e "$f" ] || continue
    n_files=$((n_files + 1))
    case_name=$(basename "$f")
    head=$(sed -n '1{s/^\xef\xbb\xbf//;p}' "$f")  # a leading UTF-8 BOM is not part of the comment
    rest=${head#\# expect: }
    if [ "$rest" = "$head" ]; then
        fail_note "first line is not '# expect: LINE: WHAT: SUBSTRING'"
        finish_case
        continue
    fi
    line=${rest%%: *}
    rest=${rest#*: }
    what=${rest%%: *}
    sub=${rest#*: }
    case $line in
    '' | *[!0-9]*)
        fail_note "bad expect line: LINE '$line' is not a number"
        finish_case
        continue
        ;;
    esac
    if [ "$what" = "-" ]; then
        prefix="$f:$line: "
    else
        prefix="$f:$line: $what: "
    fi

    "$PRESIM" validate "$f" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    check_output validate "$rc" 2 "$prefix" "$sub"

    rm -rf "$tmp/x"
    "$PRESIM" run "$f" --out "$tmp/x" --quiet >"$tmp/out" 2>"$tmp/err"
    rc=$?
    check_output run "$rc" 2 "$prefix" "$sub"
    check_no_output "$tmp/x"
    rm -rf "$tmp/x"
    finish_case
done
if [ "$n_files" -eq 0 ]; then
    case_name="tests/bad-scenarios/*.ini"
    fail_note "no scenario files found in $dir"
    finish_case
fi

# ---- command-line cases ----

demo="$PRESIM_SOURCE_DIR/scenarios/demo-udp-tcp.ini"
missing="$tmp/no-such-scenario.ini"

# expect_bad NAME SUBSTRING PRESIM-ARGS...: exit 2, nothing on stdout, SUBSTRING on stderr.
expect_bad() {
    case_name=$1
    sub=$2
    shift 2
    rm -rf "$tmp/x"
    "$PRESIM" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" -ne 2 ]; then
        fail_note "exit status $rc, expected 2"
    fi
    if [ -s "$tmp/out" ]; then
        fail_note "wrote on stdout (expected nothing):
$(show "$tmp/out")"
    fi
    if ! grep -F -q -e "$sub" "$tmp/err"; then
        fail_note "stderr does not mention '$sub'; stderr:
$(show "$tmp/err")"
    fi
    check_no_output "$tmp/x"
    rm -rf "$tmp/x"
    finish_case
}

expect_bad "validate: nonexistent file" "$missing" validate "$missing"
expect_bad "run: nonexistent file" "$missing" run "$missing" --out "$tmp/x" --quiet
expect_bad "validate --set unknown key" "scenario.colour" validate --set scenario.colour=red "$demo"
expect_bad "run --set unknown key" "scenario.colour" run "$demo" --set scenario.colour=red --out "$tmp/x" --quiet
expect_bad "validate --set key of a missing group" "node.zz.kind" validate --set node.zz.kind=host "$demo"
expect_bad "validate --set scenario.seed=abc" "scenario.seed" validate --set scenario.seed=abc "$demo"
expect_bad "run --set scenario.seed=abc" "scenario.seed" run "$demo" --set scenario.seed=abc --out "$tmp/x" --quiet

# expect_ok NAME PRESIM-ARGS...: exit 0.
expect_ok() {
    case_name=$1
    shift
    "$PRESIM" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" -ne 0 ]; then
        fail_note "exit status $rc, expected 0; stderr:
$(show "$tmp/err")"
    fi
    finish_case
}

expect_ok "validate scenarios/demo-udp-tcp.ini" validate "$demo"
expect_ok "validate --set link.r-b.loss=5% (valid override)" validate --set link.r-b.loss=5% "$demo"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
