#!/bin/bash
# Run every test script of one layer (tests/<layer>/*.sh) and collect their
# verdicts in build/test/<layer>.results. A script that dies without
# recording any verdict counts as one failure. Each script's time goes to
# build/test/<layer>.times (seconds, then the name), slowest first, so the
# suite's time can be watched.
# Usage: tests/run-layer.sh <layer> [jobs]
# With jobs > 1 (a QEMU guest is one TCG thread, so a second core runs a
# second guest), that many scripts run at once, and each one's output is
# shown whole when it ends; with 1, one after another, output live. Either
# way each writes its verdicts to a file of its own (build/test/<layer>.d/)
# and the results file lists them in script order, so a run reads the same
# whatever the timing. Scripts that must be alone (they look at every
# process of the machine) say so with a line "# test: alone"; they run when
# nothing else does. The order scripts were launched in goes to
# build/test/<layer>.d/launched (the scripts' own first lines can race).
set -u
layer=$1
jobs=${2:-1}
BUILD=${BUILD:-build}
RESULTS=$BUILD/test/$layer.results
LOGDIR=$BUILD/test/logs/$layer
export LOGDIR BUILD
mkdir -p "$LOGDIR"
: > "$RESULTS"
TIMES=$BUILD/test/$layer.times
D=$BUILD/test/$layer.d
rm -rf "$D"
mkdir -p "$D"

scripts=()
for t in tests/"$layer"/*.sh; do
    scripts+=("$(basename "$t" .sh)")
done
marked() { grep -Eq "^# test: $2( |$)" "tests/$layer/$1.sh"; }

# Scripts marked "# test: long" start first: the pool then ends with short
# scripts filling the gaps instead of one long tail.
order=("${scripts[@]}")
if [ "$jobs" -gt 1 ]; then
    order=()
    for n in "${scripts[@]}"; do marked "$n" long && order+=("$n"); done
    for n in "${scripts[@]}"; do marked "$n" long || order+=("$n"); done
fi

# One script, its verdicts to $D/name.results, its output to $D/name.out
# (or, with "live", to the terminal as it goes).
run_one() {
    local t0=$(date +%s)
    if [ "${2:-}" = live ]; then
        RESULTS=$D/$1.results sh "tests/$layer/$1.sh"
    else
        RESULTS=$D/$1.results sh "tests/$layer/$1.sh" > "$D/$1.out" 2>&1
    fi
    echo $? > "$D/$1.rc"
    echo "$(($(date +%s) - t0)) $1" > "$D/$1.time"
}
finish() {
    echo "[$layer] $1"
    cat "$D/$1.out"
}

running=()
reap() { # wait until fewer than $1 scripts run, showing those that ended
    local m left
    while [ "${#running[@]}" -ge "$1" ]; do # ($1 is at least 1)
        sleep 1 # (polled: bash's wait -n can miss a job that ended before it)
        left=()
        for m in "${running[@]}"; do
            if [ -f "$D/$m.time" ]; then finish "$m"; else left+=("$m"); fi
        done
        running=("${left[@]+"${left[@]}"}")
    done
}
for n in "${order[@]}"; do
    if [ "$jobs" -eq 1 ]; then
        echo "[$layer] $n"
        echo "$n" >> "$D/launched"
        run_one "$n" live
        continue
    fi
    if marked "$n" alone; then
        reap 1
        echo "$n" >> "$D/launched"
        run_one "$n"
        finish "$n"
        continue
    fi
    reap "$jobs"
    echo "$n" >> "$D/launched" # (here, not in the background job: in order)
    run_one "$n" &
    running+=("$n")
done
reap 1

for n in "${scripts[@]}"; do
    touch "$D/$n.results"
    cat "$D/$n.results" >> "$RESULTS"
    if ! [ -s "$D/$n.results" ]; then
        why="FAIL $layer/$n: exited $(cat "$D/$n.rc" 2> /dev/null || echo '?') without recording a verdict"
        echo "$why" >> "$RESULTS"
        echo "  $why"
    fi
done
cat "$D"/*.time 2> /dev/null | sort -rn > "$TIMES"
echo "[$layer] slowest: $(head -5 "$TIMES" | awk '{printf "%s %s s, ", $2, $1}')total $(awk '{s += $1} END {print s}' "$TIMES") s, $jobs at a time"
