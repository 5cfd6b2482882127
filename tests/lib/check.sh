# tests/lib/check.sh: helpers shared by the scenario test scripts (sourced, not run).
# Counters and verdicts: ok / bad / check DESCRIPTION COMMAND... / finish (prints "N passed, N failed").
# Tools: jget (a member of pretty-printed JSON), ts (tshark with its errors shown), lines, count.
# The scripts set $tmp (their scratch folder) before calling ts or count.

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   - $*"; }
bad() { fail=$((fail + 1)); echo "FAIL - $*"; }
check() { _d=$1; shift; if "$@"; then ok "$_d"; else bad "$_d"; fi; }
finish() { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ] && exit 0; exit 1; }

# jget FILE PATH: the scalar at PATH (keys joined by ".", array elements by index) in the
# pretty-printed JSON FILE (one member per line), strings without their quotes; status 1 if absent.
jget() {
    awk -v want="$2" '
    function cur(n,   i, p) { p = ""; for (i = 1; i <= n; i++) p = p (i > 1 ? "." : "") st[i]; return p }
    {
        line = $0; sub(/^[ \t]+/, "", line); sub(/[ \t]+$/, "", line); sub(/,$/, "", line)
        if (line ~ /^"/) {
            key = substr(line, 2); key = substr(key, 1, index(key, "\"") - 1)
            rest = substr(line, length(key) + 3); sub(/^[ \t]*:[ \t]*/, "", rest)
            if (rest == "{" || rest == "[") { d++; st[d] = key; idx[d] = 0; next }
            if ((d ? cur(d) "." : "") key == want) {
                if (rest ~ /^".*"$/) rest = substr(rest, 2, length(rest) - 2)
                print rest; found = 1; exit
            }
        } else if (line == "{" || line == "[") {
            if (!root) { root = 1; next }
            d++; st[d] = idx[d - 1]++; idx[d] = 0
        } else if (line == "}" || line == "]") {
            if (d > 0) d--
        }
    }
    END { exit found ? 0 : 1 }' "$1"
}
# ts OUT TSHARK-ARGS...: runs tshark into OUT; on failure shows its errors (without the root banner).
ts() { _o=$1; shift; tshark "$@" >"$_o" 2>"$tmp/tshark.err"; _rc=$?; [ $_rc -eq 0 ] || sed 's/^/    tshark: /' "$tmp/tshark.err" | grep -v 'Running as user' >&2; return $_rc; }
lines() { wc -l <"$1" | tr -d ' '; }
# count FILE FILTER: number of frames of FILE matching the display filter (-1 if tshark fails)
count() { if ts "$tmp/count.txt" -r "$1" -Y "$2" -T fields -e frame.number; then lines "$tmp/count.txt"; else echo -1; fi; }
