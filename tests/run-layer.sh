#!/bin/sh
# Run every test script of one layer (tests/<layer>/*.sh) and collect their
# verdicts in build/test/<layer>.results. A script that dies without
# recording any verdict counts as one failure. Each script's time goes to
# build/test/<layer>.times (seconds, then the name), slowest first, so the
# suite's time can be watched.
# Usage: tests/run-layer.sh <layer>
set -u
layer=$1
BUILD=${BUILD:-build}
RESULTS=$BUILD/test/$layer.results
LOGDIR=$BUILD/test/logs/$layer
export RESULTS LOGDIR BUILD
mkdir -p "$LOGDIR"
: > "$RESULTS"
TIMES=$BUILD/test/$layer.times
: > "$TIMES.tmp"
for t in tests/"$layer"/*.sh; do
    name=$(basename "$t" .sh)
    echo "[$layer] $name"
    before=$(wc -l < "$RESULTS")
    t0=$(date +%s)
    sh "$t"
    rc=$?
    echo "$(($(date +%s) - t0)) $name" >> "$TIMES.tmp"
    after=$(wc -l < "$RESULTS")
    if [ "$after" -eq "$before" ]; then
        echo "FAIL $layer/$name: exited $rc without recording a verdict" >> "$RESULTS"
        echo "  FAIL $layer/$name: exited $rc without recording a verdict"
    fi
done
sort -rn "$TIMES.tmp" > "$TIMES"
rm -f "$TIMES.tmp"
echo "[$layer] slowest: $(head -5 "$TIMES" | awk '{printf "%s %s s, ", $2, $1}')total $(awk '{s += $1} END {print s}' "$TIMES") s"
