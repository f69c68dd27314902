#!/bin/sh
# Before and after in one run: this tree's hosted kernel against the one
# built from BENCH_BASE (a git revision; by default the last one before the
# isolation work), for the numbers a change of the core must not make
# slower: the IPC null call, instantiation, reset and trap to restarted;
# and the compute benchmarks, which show what the stack check in every
# generated function costs (before: a call-depth counter).
# They run alternately, ROUNDS times each, so both see the same machine;
# medians are compared. The base is built once into build/bench/base-REV.
# Usage: bench/compare.sh [json-to-append-to]
set -eu
json=${1:-/dev/null}
B=${BUILD:-build}/bench
base=${BENCH_BASE:-5cc0981}
rounds=${ROUNDS:-7}
dir=$B/base-$base
if ! git cat-file -e "$base^{commit}" 2>/dev/null; then
    echo "  base revision $base is not in this clone (a shallow clone?): nothing to compare"
    exit 1
fi
# The hosted kernel with the benchmarks: since the images were split
# (mk/images.mk), azoth-test (make hosted-test); before, azoth (make hosted).
after=build/hosted/azoth-test
if [ ! -x "$dir/build/hosted/azoth" ] && [ ! -x "$dir/build/hosted/azoth-test" ]; then
    echo "  building $base (once) in $dir"
    rm -rf "$dir"
    mkdir -p "$dir"
    git archive "$base" | tar -x -C "$dir"
    target=hosted
    [ -f "$dir/mk/images.mk" ] && target=hosted-test
    make -C "$dir" -j2 $target > "$dir/build.log" 2>&1 || { echo "  building $base failed: $dir/build.log"; exit 1; }
fi
before=$dir/build/hosted/azoth
[ -x "$dir/build/hosted/azoth-test" ] && before=$dir/build/hosted/azoth-test
tmp=$B/compare.tmp
: > "$tmp"
one() { # label binary
    ipc=$(timeout 300 "$2" azoth.bench=ipc < /dev/null 2>&1 | tr -d '\r' | awk '$1 == "bench:" && $2 == "ipc-null-call" { print $3; exit }')
    comp=$(timeout 300 "$2" azoth.bench=components < /dev/null 2>&1 | tr -d '\r')
    inst=$(echo "$comp" | awk '$1 == "bench:" && $2 == "instantiate-1mib" { print $3; exit }')
    trap=$(echo "$comp" | awk '$1 == "bench:" && $2 == "trap-to-restarted" { print $3; exit }')
    reset=$(echo "$comp" | awk '$1 == "bench:" && $2 == "reset-16mib-dirty-64kib-roundtrip" { print $3; exit }')
    echo "$1 ipc-null-call ${ipc:-NA}" >> "$tmp"
    echo "$1 instantiate-1mib ${inst:-NA}" >> "$tmp"
    echo "$1 trap-to-restarted ${trap:-NA}" >> "$tmp"
    echo "$1 reset-16mib-dirty-64kib-roundtrip ${reset:-NA}" >> "$tmp"
    timeout 600 "$2" azoth.bench=compute < /dev/null 2>&1 | tr -d '\r' |
        awk -v l="$1" '$1 == "bench:" && $2 ~ /^compute-/ { print l, $2, $3 }' >> "$tmp"
}
i=0
while [ $i -lt "$rounds" ]; do
    one before "$before"
    one after "$after"
    i=$((i + 1))
done
median() { grep "^$1 $2 " "$tmp" | awk '$3 != "NA" { print $3 }' | sort -n |
           awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
least() { grep "^$1 $2 " "$tmp" | awk '$3 != "NA" { print $3 }' | sort -n | head -1; }
# The null call's instructions, counted by single-stepping (bench/icount.py):
# exact, where the timings above move with the machine.
icount() { timeout 600 gdb -batch -x bench/icount.py "$1" 2>/dev/null | sed -n 's/^icount: ipc-null-call \([0-9]*\) instructions.*/\1/p'; }
if command -v gdb > /dev/null; then
    ib=$(icount "$before") ia=$(icount "$after")
    if [ -n "$ib" ] && [ -n "$ia" ]; then
        printf '  %-20s before %10s      after %10s      ratio %s  (instructions per call, exact)\n' \
            ipc-null-call "$ib" "$ia" "$(awk -v a="$ia" -v b="$ib" 'BEGIN { printf "%.3f", a / b }')"
        awk -v a="$ia" -v b="$ib" -v base="$base" 'BEGIN {
            printf "{\"name\": \"ipc-null-call-instructions-vs-%s\", \"platform\": \"hosted\", \"unit\": \"instructions\", \"median\": %s, \"baseline\": \"ipc-null-call-instructions@%s\", \"baseline_median\": %s, \"ratio\": %.3f}\n", base, a, base, b, a / b }' >> "$json"
    elif [ -n "$ia" ]; then
        # the base's SDK made another import (athanor.call), where the script does not stop
        printf '  %-20s before %10s      after %10s      (instructions per call, exact; the base has no call_ret to count)\n' \
            ipc-null-call - "$ia"
    else
        echo "  ipc-null-call instructions: MISSING (gdb could not count them)"
    fi
else
    echo "  ipc-null-call instructions: gdb is not installed"
fi
for k in ipc-null-call instantiate-1mib reset-16mib-dirty-64kib-roundtrip trap-to-restarted compute-matmul compute-sort compute-hash compute-coremark; do
    b=$(median before $k) a=$(median after $k)
    if [ -z "$b" ] || [ -z "$a" ]; then
        echo "  $k: MISSING"
        continue
    fi
    # On a shared VM a process's timings sit in one of two or three levels
    # (10-30 % apart) for its whole run: the least of the rounds compares
    # like with like, the median says how often each side drew the worse.
    lb=$(least before $k) la=$(least after $k)
    printf '  %-20s before %10s ns  after %10s ns  ratio %s  (medians of %d, alternating; least: %s / %s = %s)\n' \
        "$k" "$b" "$a" "$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", a / b }')" "$rounds" \
        "$lb" "$la" "$(awk -v a="$la" -v b="$lb" 'BEGIN { printf "%.3f", a / b }')"
    awk -v n="$k" -v a="$a" -v b="$b" -v la="$la" -v lb="$lb" -v base="$base" 'BEGIN {
        printf "{\"name\": \"%s-vs-%s\", \"platform\": \"hosted\", \"unit\": \"ns\", \"median\": %s, \"baseline\": \"%s@%s\", \"baseline_median\": %s, \"ratio\": %.3f, \"least\": %s, \"baseline_least\": %s, \"least_ratio\": %.3f}\n", n, base, a, n, base, b, a / b, la, lb, la / lb }' >> "$json"
done
