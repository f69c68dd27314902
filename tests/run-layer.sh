#!/bin/sh
# Run every test script of one layer (tests/<layer>/*.sh) and collect their
# verdicts in build/test/<layer>.results. A script that dies without
# recording any verdict counts as one failure.
# Usage: tests/run-layer.sh <layer>
set -u
layer=$1
BUILD=${BUILD:-build}
RESULTS=$BUILD/test/$layer.results
LOGDIR=$BUILD/test/logs/$layer
export RESULTS LOGDIR BUILD
mkdir -p "$LOGDIR"
: > "$RESULTS"
for t in tests/"$layer"/*.sh; do
    name=$(basename "$t" .sh)
    echo "[$layer] $name"
    before=$(wc -l < "$RESULTS")
    sh "$t"
    rc=$?
    after=$(wc -l < "$RESULTS")
    if [ "$after" -eq "$before" ]; then
        echo "FAIL $layer/$name: exited $rc without recording a verdict" >> "$RESULTS"
        echo "  FAIL $layer/$name: exited $rc without recording a verdict"
    fi
done
