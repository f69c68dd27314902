#!/bin/sh
# `make bench`: run every benchmark with its baseline in the same invocation,
# print medians and ratios, and write build/bench/results.json as a list of
# {"name","platform","unit","median","baseline","baseline_median","ratio"}.
# Benchmarks are measurements, not tests: nothing here passes or fails on a
# number; targets are printed next to the results for the reader.
set -eu
B=${BUILD:-build}/bench
mkdir -p "$B"
cc -O2 -Wall -Wextra -Werror -pthread -o "$B/pingpong" bench/baseline/pingpong.c
cc -O2 -Wall -Wextra -Werror -o "$B/boottime" bench/boottime.c

json=$B/results.json.tmp
: > "$json"
# value LINE: the number after the benchmark name in a "bench: name N unit" line
value() { echo "$1" | awk '{ print $3 }'; }
# record name platform unit median [baseline_name baseline_median]
record() {
    awk -v n="$1" -v p="$2" -v u="$3" -v m="$4" -v bn="${5:-}" -v bm="${6:-}" 'BEGIN {
        if (bn == "") { b = "null"; bmv = "null"; r = "null" }
        else { b = "\"" bn "\""; bmv = bm; r = (bm > 0) ? sprintf("%.3f", m / bm) : "null" }
        printf "{\"name\": \"%s\", \"platform\": \"%s\", \"unit\": \"%s\", \"median\": %s, \"baseline\": %s, \"baseline_median\": %s, \"ratio\": %s}\n", n, p, u, m, b, bmv, r
    }' >> "$json"
    if [ -n "${5:-}" ]; then
        printf '  %-28s %-7s %10s %-3s  baseline %-14s %10s  ratio %s\n' "$1" "$2" "$4" "$3" "$5" "$6" \
            "$(awk -v m="$4" -v b="$6" 'BEGIN { printf "%.2f", m / b }')"
    else
        printf '  %-28s %-7s %10s %s\n' "$1" "$2" "$4" "$3"
    fi
}

echo "Context switch between two kernel threads (ns per switch, median of 11 runs of 20000 round trips)"
futex=$(value "$("$B/pingpong" futex | grep '^bench:')")
pipe=$(value "$("$B/pingpong" pipe | grep '^bench:')")
hosted=$(value "$(timeout 120 build/hosted/azoth azoth.bench=ctxswitch | grep '^bench:')")
qemu=$(value "$(timeout 300 tools/qemu.sh --test --append azoth.bench=ctxswitch < /dev/null | tr -d '\r' | grep '^bench:')")
record linux-futex-pingpong hosted ns "$futex"
record linux-pipe-pingpong hosted ns "$pipe"
record ctxswitch hosted ns "$hosted" linux-futex-pingpong "$futex"
record ctxswitch qemu ns "$qemu" linux-futex-pingpong "$futex"
echo "  (QEMU runs under TCG emulation: its absolute numbers are not hardware times)"

echo "Boot time: QEMU start to the monitor prompt (ms, median of 10; target <= 500 under TCG)"
boot=$(value "$("$B/boottime" 10 'azoth> ' tools/qemu.sh | grep '^bench:')")
record boot-to-prompt qemu ms "$boot"

echo "Kernel image size (KiB, stripped ELF that boots; target <= 256)"
bytes=$(stat -c %s build/x86_64/azoth.bin.elf)
kib=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1024 }')
record kernel-image-size qemu KiB "$kib"

{ echo "["; sed '$!s/$/,/' "$json"; echo "]"; } > "$B/results.json"
rm -f "$json"
echo "results: $B/results.json"
