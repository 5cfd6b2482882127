#!/bin/sh
# docs/scenario-format.md must be what scripts/gen-scenario-doc.sh makes from the current key tables:
# a key added to the code without regenerating the doc fails here.
set -u
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
sh "$PRESIM_SOURCE_DIR/scripts/gen-scenario-doc.sh" "$PRESIM" > "$tmp"
if cmp -s "$tmp" "$PRESIM_SOURCE_DIR/docs/scenario-format.md"; then
    echo "ok docs/scenario-format.md matches the key tables"
    echo "1 passed, 0 failed"
    exit 0
fi
echo "FAIL docs/scenario-format.md is out of date; run: sh scripts/gen-scenario-doc.sh build/cli/presim > docs/scenario-format.md"
diff "$PRESIM_SOURCE_DIR/docs/scenario-format.md" "$tmp" | head -20
echo "0 passed, 1 failed"
exit 1
