#!/bin/sh
# Print every failure, then the one closing line `N passed, N failed` over all
# results files given; exit non-zero if anything failed or nothing ran. A
# results file that is missing or empty counts as a failure of its layer.
# Usage: tools/test-summary.sh file.results...
set -u
for f in "$@"; do
    if [ -s "$f" ]; then
        cat "$f"
    else
        echo "FAIL $(basename "$f" .results): no results (the layer did not run)"
    fi
done | awk '
    /^PASS / { p++ }
    /^FAIL / { f++; fails[f] = $0 }
    END {
        for (i = 1; i <= f; i++) print fails[i]
        printf "%d passed, %d failed\n", p, f
        exit (f > 0 || p == 0) ? 1 : 0
    }'
