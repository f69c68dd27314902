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

# The benchmark components and the runners (azoth.bench=) are in the test
# image (mk/images.mk); boot time, keystroke echo and image size are the
# user image's, what make run boots (tools/qemu.sh's default kernel).
kernel_test=build/x86_64/azoth-test.bin.elf
hosted_test=build/hosted/azoth-test

json=$B/results.json.tmp
: > "$json"
# value LINE: the number after the benchmark name in a "bench: name N unit" line
value() { echo "$1" | awk '{ print $3 }'; }
# record name platform unit median [baseline_name baseline_median]
# A benchmark that printed nothing (it failed) is said so, and left out of
# the JSON rather than written as an invalid number.
record() {
    if [ -z "$4" ] || { [ -n "${5:-}" ] && [ -z "${6:-}" ]; }; then
        printf '  %-28s %-7s %10s\n' "$1" "$2" "MISSING (the run printed no result; see above)"
        return 0
    fi
    awk -v n="$1" -v p="$2" -v u="$3" -v m="$4" -v bn="${5:-}" -v bm="${6:-}" 'BEGIN {
        if (bn == "") { b = "null"; bmv = "null"; r = "null" }
        else { b = "\"" bn "\""; bmv = bm; r = (bm > 0) ? sprintf("%.3f", m / bm) : "null" }
        printf "{\"name\": \"%s\", \"platform\": \"%s\", \"unit\": \"%s\", \"median\": %s, \"baseline\": %s, \"baseline_median\": %s, \"ratio\": %s}\n", n, p, u, m, b, bmv, r
    }' >> "$json"
    if [ -n "${5:-}" ]; then
        printf '  %-28s %-7s %10s %-3s  baseline %-14s %10s  ratio %s\n' "$1" "$2" "$4" "$3" "$5" "$6" \
            "$(awk -v m="$4" -v b="$6" -v u="$3" 'BEGIN { r = m / b; w = (u ~ /\/s$/) ? "lower" : "faster"
                if (r >= 0.1) printf "%.2f", r; else printf "%.4f (%.0fx %s)", r, 1 / r, w }')"
    else
        printf '  %-28s %-7s %10s %s\n' "$1" "$2" "$4" "$3"
    fi
}

echo "Context switch between two kernel threads (ns per switch, median of 11 runs of 20000 round trips)"
futex=$(value "$("$B/pingpong" futex | grep '^bench:')")
pipe=$(value "$("$B/pingpong" pipe | grep '^bench:')")
hosted=$(value "$(timeout 120 "$hosted_test" azoth.bench=ctxswitch | grep '^bench:')")
qemu=$(value "$(timeout 300 tools/qemu.sh --kernel "$kernel_test" --test --append azoth.bench=ctxswitch < /dev/null | tr -d '\r' | grep '^bench:')")
record linux-futex-pingpong hosted ns "$futex"
record linux-pipe-pingpong hosted ns "$pipe"
record ctxswitch hosted ns "$hosted" linux-futex-pingpong "$futex"
record ctxswitch qemu ns "$qemu" linux-futex-pingpong "$futex"
echo "  (QEMU runs under TCG emulation: its absolute numbers are not hardware times)"

# bench_lines CMD...: the "bench:" lines a run prints, carriage returns removed
bench_lines() { "$@" < /dev/null 2>&1 | tr -d '\r' | grep '^bench:' || true; }
# pick NAME LINES: the value of benchmark NAME in LINES
pick() { echo "$2" | awk -v n="$1" '$2 == n { print $3; exit }'; }

echo "Compute: the same C source native (gcc -O2) and as a component (ns, median of 7; target ratio <= 1.3)"
cc -O2 -o "$B/computebench-native" components/bench/computebench/computebench.c
native=$(bench_lines "$B/computebench-native")
hosted_c=$(bench_lines timeout 600 "$hosted_test" azoth.bench=compute)
qemu_c=$(bench_lines timeout 900 tools/qemu.sh --kernel "$kernel_test" --test --mem 256M --append azoth.bench=compute)
for k in matmul sort hash coremark; do
    n=$(pick compute-$k "$native") h=$(pick compute-$k "$hosted_c") q=$(pick compute-$k "$qemu_c")
    # the check values must agree, or the two did different work
    cn=$(echo "$native" | awk -v n=compute-$k '$2 == n { print $NF }')
    ch=$(echo "$hosted_c" | awk -v n=compute-$k '$2 == n { print $NF }')
    [ "$cn" = "$ch" ] || echo "  WARNING: compute-$k check differs: native $cn, component $ch"
    record compute-$k-native hosted ns "$n"
    record compute-$k hosted ns "$h" compute-$k-native "$n"
    [ -n "$q" ] && record compute-$k qemu ns "$q" compute-$k-native "$n"
done

# The workload benchmarks: real programs (zlib, SQLite, Lua from Debian's
# source packages, the classics, computebench) natively with gcc and clang,
# under Node, and as components of the bench image.
bench/workloads.sh "$json"

echo "Files: Azoth (WASI, the filesystem service, ext4 with its journal) against the host's filesystem and libext2fs natively (ns; bench/files.sh)"
. bench/files.sh

. bench/apps.sh

. bench/net.sh

echo "Components (ns, medians): instantiate 1 MiB (target <= 100 us hosted), reset of 16 MiB after"
echo "dirtying 64 KiB (target <= 50 us, vs copying 16 MiB) and 1 MiB, trap to restarted (target <= 200 us)"
hosted_k=$(bench_lines timeout 600 "$hosted_test" azoth.bench=components)
qemu_k=$(bench_lines timeout 900 tools/qemu.sh --kernel "$kernel_test" --test --mem 256M --append azoth.bench=components)
for plat in hosted qemu; do
    if [ $plat = hosted ]; then lines=$hosted_k; else lines=$qemu_k; fi
    copy=$(pick memcpy-16mib "$lines")
    record memcpy-16mib $plat ns "$copy"
    record instantiate-1mib $plat ns "$(pick instantiate-1mib "$lines")"
    record reset-16mib-dirty-64kib $plat ns "$(pick reset-16mib-dirty-64kib "$lines")" memcpy-16mib "$copy"
    record reset-16mib-dirty-1024kib $plat ns "$(pick reset-16mib-dirty-1024kib "$lines")" memcpy-16mib "$copy"
    record trap-to-restarted $plat ns "$(pick trap-to-restarted "$lines")"
done

echo "IPC: null call round trip kv <- kvclient (ns); baselines in the same run (target <= 5x an indirect call)"
cc -O2 -Wall -Wextra -Werror -o "$B/callbase" bench/baseline/callbase.c
base=$(bench_lines "$B/callbase")
# The hosted call time, and the indirect call's too, move between processes
# on a shared VM (on 2026-12-02: indirect calls of 1.24-2.41 ns, calls of
# 6.93-11.53 ns in alternating processes): 7 processes of each, one of the
# baseline (indirect calls only) then one of the call, so a slow spell of
# the host falls on both; each side is the median of its processes'
# medians, and the pairs' ratios are printed too.
hosted_runs="" calls=""
for i in 1 2 3 4 5 6 7; do
    c=$(pick indirect-call "$(bench_lines "$B/callbase" call)")
    r=$(bench_lines timeout 600 "$hosted_test" azoth.bench=ipc)
    calls="$calls $c"
    hosted_runs="$hosted_runs
$r"
    echo "  pair $i: indirect call $c ns, null call $(pick ipc-null-call "$r") ns" \
         "($(awk -v a="$(pick ipc-null-call "$r")" -v b="$c" 'BEGIN { if (a != "" && b > 0) printf "%.2fx", a / b }'))"
done
call=$(echo "$calls" | tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }')
hosted_i=$(for n in ipc-null-call ipc-call-64b ipc-denied-call indirect-call-paired ipc-null-call-paired \
                  ipc-null-call-over-indirect-paired; do
    echo "$hosted_runs" | awk -v n=$n '$2 == n { print $3 }' | sort -n |
        awk -v n=$n '{ a[NR] = $1 } END { if (NR) print "bench:", n, a[int((NR + 1) / 2)], "ns" }'
done)
echo "  hosted ipc-null-call, 7 processes:$(echo "$hosted_runs" | awk '$2 == "ipc-null-call" { printf " %s", $3 }')"
echo "  indirect call, 7 processes:$calls"
echo "  in the same process, 21 rounds each of 100000 indirect calls then 100000 null calls"
echo "  (kernel/ktest/bench.c, bench_ipc_paired), median of the rounds' ratios, 7 processes:$(echo "$hosted_runs" |
    awk '$2 == "ipc-null-call-over-indirect-paired" { printf " %s", $3 }')"
qemu_i=$(bench_lines timeout 900 tools/qemu.sh --kernel "$kernel_test" --test --append azoth.bench=ipc)
pipe_rt=$(awk -v p="$pipe" 'BEGIN { print 2 * p }')
futex_rt=$(awk -v p="$futex" 'BEGIN { print 2 * p }')
record indirect-call hosted ns "$call"
record getppid-syscall hosted ns "$(pick getppid-syscall "$base")"
record ipc-null-call hosted ns "$(pick ipc-null-call "$hosted_i")" indirect-call "$call"
record ipc-call-64b hosted ns "$(pick ipc-call-64b "$hosted_i")" indirect-call "$call"
record ipc-denied-call hosted ns "$(pick ipc-denied-call "$hosted_i")" indirect-call "$call"
# the paired measurement: both halves from the same rounds of one process
record ipc-null-call-paired hosted ns "$(pick ipc-null-call-paired "$hosted_i")" \
    indirect-call-paired "$(pick indirect-call-paired "$hosted_i")"
record ipc-null-call-over-indirect-paired hosted ratio "$(pick ipc-null-call-over-indirect-paired "$hosted_i")"
record ipc-null-call-vs-pipe hosted ns "$(pick ipc-null-call "$hosted_i")" linux-pipe-pingpong "$pipe_rt"
record ipc-null-call-vs-futex hosted ns "$(pick ipc-null-call "$hosted_i")" linux-futex-pingpong "$futex_rt"
record ipc-null-call qemu ns "$(pick ipc-null-call "$qemu_i")" indirect-call "$call"
record ipc-call-64b qemu ns "$(pick ipc-call-64b "$qemu_i")" indirect-call "$call"
record ipc-denied-call qemu ns "$(pick ipc-denied-call "$qemu_i")" indirect-call "$call"

echo "Zero copy: lend 4 KiB and 16 MiB (server touches the first byte) vs copying 16 MiB"
echo "(targets: 16 MiB within 2x of 4 KiB, >= 50x faster than the copy; the page-table entries"
echo "a 16 MiB lend writes at most 2x a 4 KiB one's on bare metal)"
cc -O2 -Wall -Wextra -Werror -o "$B/remap" bench/baseline/remap.c
remap=$(pick linux-remap-lend-4kib "$(bench_lines "$B/remap")")
hosted_l=$(bench_lines timeout 600 "$hosted_test" azoth.bench=lend)
qemu_l=$(bench_lines timeout 900 tools/qemu.sh --kernel "$kernel_test" --test --append azoth.bench=lend)
for plat in hosted qemu; do
    if [ $plat = hosted ]; then lend=$hosted_l; else lend=$qemu_l; fi
    copy16=$(pick memcpy-16mib-in-component "$lend")
    record memcpy-16mib-in-component $plat ns "$copy16"
    record lend-4kib $plat ns "$(pick lend-4kib "$lend")"
    record lend-16mib $plat ns "$(pick lend-16mib "$lend")" lend-4kib "$(pick lend-4kib "$lend")"
    record lend-16mib-vs-copy $plat ns "$(pick lend-16mib "$lend")" memcpy-16mib-in-component "$copy16"
    # What a lend does to the page tables (kernel/ktest/bench.c, the two
    # moves of one lend, counted): entries written and TLB flushes on bare
    # metal (target: 16 MiB at most 2x the entries of 4 KiB), Linux calls hosted.
    if [ $plat = qemu ]; then
        for w in pt-entries tlb-flushes; do
            record lend-4kib-$w $plat "${w#*-}" "$(pick lend-4kib-$w "$lend")"
            record lend-16mib-$w $plat "${w#*-}" "$(pick lend-16mib-$w "$lend")" lend-4kib-$w "$(pick lend-4kib-$w "$lend")"
        done
    else
        record lend-4kib-linux-calls $plat calls "$(pick lend-4kib-linux-calls "$lend")"
        record lend-16mib-linux-calls $plat calls "$(pick lend-16mib-linux-calls "$lend")" lend-4kib-linux-calls "$(pick lend-4kib-linux-calls "$lend")"
    fi
    record lend-16mib-moves $plat ns "$(pick lend-16mib-moves "$lend")" lend-4kib-moves "$(pick lend-4kib-moves "$lend")"
done
# Hosted lends are Linux page-table calls: the floor is those calls alone.
record linux-remap-lend-4kib hosted ns "$remap"
record lend-4kib-vs-linux-calls hosted ns "$(pick lend-4kib "$hosted_l")" linux-remap-lend-4kib "$remap"

echo "Drivers: block requests through the block service and virtio-blk (QEMU), the same requests"
echo "on the raw image file on the host as the baseline; driver restart, trap to serving again;"
echo "keystroke to echo through the UART driver and the shell, against the kernel monitor's own echo"
cc -O2 -Wall -Wextra -Werror -o "$B/rawdisk" bench/baseline/rawdisk.c
rm -f "$B/bench-disk.img"
truncate -s 16M "$B/bench-disk.img"
raw=$(bench_lines "$B/rawdisk" "$B/bench-disk.img")
rm -f "$B/bench-disk.img"
truncate -s 16M "$B/bench-disk.img"
qemu_b=$(bench_lines timeout 900 tools/qemu.sh --kernel "$kernel_test" --test --disk "$B/bench-disk.img" --append azoth.bench=blk)
hosted_b=$(bench_lines timeout 300 "$hosted_test" azoth.bench=blk)
for k in write-4kib read-4kib write-1mib read-1mib; do
    record raw-$k hosted ns "$(pick raw-$k "$raw")"
    record blk-$k qemu ns "$(pick blk-$k "$qemu_b")" raw-$k "$(pick raw-$k "$raw")"
    record raw-$k-throughput hosted MiB/s "$(pick raw-$k-throughput "$raw")"
    record blk-$k-throughput qemu MiB/s "$(pick blk-$k-throughput "$qemu_b")" raw-$k-throughput \
        "$(pick raw-$k-throughput "$raw")"
done
record driver-restart-pci hosted ns "$(pick driver-restart-pci "$hosted_b")"
record driver-restart-pci qemu ns "$(pick driver-restart-pci "$qemu_b")"
record driver-restart-virtio_blk qemu ns "$(pick driver-restart-virtio_blk "$qemu_b")"
record driver-restart-uart hosted ns "$(pick driver-restart-uart "$hosted_b")"
record driver-restart-uart qemu ns "$(pick driver-restart-uart "$qemu_b")"
echo "  (no hosted block numbers: the hosted platform has no disk device)"
cc -O2 -Wall -Wextra -Werror -o "$B/keyecho" bench/keyecho.c
key_shell=$(pick keystroke-echo-shell "$(bench_lines timeout 180 "$B/keyecho" shell "$B/bench-disk.img")")
key_mon=$(pick keystroke-echo-monitor "$(bench_lines timeout 180 "$B/keyecho" monitor)")
record keystroke-echo-monitor qemu ns "$key_mon"
record keystroke-echo-shell qemu ns "$key_shell" keystroke-echo-monitor "$key_mon"

echo "Boot time: QEMU start to the monitor prompt (ms, median of 10; target <= 500 under TCG)"
boot=$(value "$("$B/boottime" 10 'azoth> ' tools/qemu.sh | grep '^bench:')")
record boot-to-prompt qemu ms "$boot"

echo "Kernel image size (KiB, stripped ELF that boots: the user image; target <= 256 without components)"
bytes=$(stat -c %s build/x86_64/azoth.bin.elf)
# The components' share of the file: text+data of the user image's
# generated objects, glue and manifest table (bss takes no room in the
# file), plus their entries in the kernel's symbol table (address, name
# offset, name).
objs=$(for c in $(sed -n 's/^IMAGE_COMPONENTS_user := //p' build/gen/components.mk); do
    echo build/x86_64/build/gen/comp/$c/$c.wasm.c.o build/x86_64/build/gen/comp/$c/$c.glue.c.o; done)
# shellcheck disable=SC2086 # one argument per object
# Code, read-only data and data only: their .eh_frame (generated code is
# compiled with -fnon-call-exceptions) is discarded by the linker script.
comp_code=$(size -A $objs build/x86_64/build/gen/manifest-user.c.o |
    awk '$1 ~ /^\.(text|rodata|data)/ { s += $2 } END { print s + 0 }')
# shellcheck disable=SC2086
comp_syms=$(nm --defined-only $objs 2>/dev/null | awk '$2 ~ /^[Tt]$/ { print $3 }' | sort -u |
    awk 'NR == FNR { c[$1] = 1; next } /^    \.asciz "/ { n = $2; gsub(/"/, "", n); if (n in c) s += 8 + 4 + length(n) + 1 } END { print s + 0 }' - build/x86_64/azoth.ksyms.S)
comp=$((comp_code + comp_syms))
record kernel-image-size qemu KiB "$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1024 }')"
record kernel-image-size-without-components qemu KiB "$(awk -v b="$bytes" -v c="$comp" 'BEGIN { printf "%.1f", (b - c) / 1024 }')"
record kernel-test-image-size qemu KiB "$(awk -v b="$(stat -c %s "$kernel_test")" 'BEGIN { printf "%.1f", b / 1024 }')"

echo "Kill latency: a component blocked in each kind of wait, killed to stopped (ns, hosted; target <= 1 ms)"
kills=$(timeout 300 "$hosted_test" azoth.test=iso_kill_in_every_wait < /dev/null 2>&1 | tr -d '\r' |
        sed -n 's/^ktest: kill-latency \([a-z-]*\) \([0-9]*\) ns$/\1 \2/p')
echo "$kills" | while read -r w ns; do [ -n "$w" ] && record kill-latency-$w hosted ns "$ns"; done

echo "Interrupts off: the longest section under a workload of the largest requests components can make,"
echo "and the host's own noise (the longest of empty sections for as long); target <= 50 us hosted"
for plat in hosted qemu; do
    if [ $plat = hosted ]; then
        lines=$(bench_lines timeout 600 "$hosted_test" azoth.bench=irqoff)
    else
        lines=$(bench_lines timeout 900 tools/qemu.sh --kernel "$kernel_test" --test --mem 256M --append azoth.bench=irqoff)
    fi
    echo "$lines" | grep -E 'irqoff-(longest|histogram|noise-histogram)' | sed 's/^bench: /  /'
    record irqoff-max $plat ns "$(pick irqoff-max "$lines")" irqoff-noise-floor "$(pick irqoff-noise-floor "$lines")"
done

echo "Sensor sessions (privbench, docs/privacy.md; medians of 11): request to session, request to first data"
echo "(target <= 1 ms hosted; a GPS receiver sends 10 positions a second, so location's is its pace), the user's"
echo "revoke to the app's capability revoked, to the device quiesced and to the driver reset (target <= 1 ms"
echo "hosted), the revoke's round trip (it includes the microphone's 10 ms read-back), and a sample through a"
echo "session against copying it within one component"
# privacy_run PLATFORM: the "bench:" lines of azoth.bench=privacy, with a
# receiver sending on COM2 and an AC'97 capturing
privacy_run() {
    rm -f "$B/com2" "$B/com2.in" "$B/com2.out"
    if [ "$1" = hosted ]; then
        mkfifo "$B/com2"
        sh tools/gps-receiver.sh > "$B/com2" &
        feeder=$!
        bench_lines env AZOTH_COM2="$B/com2" AZOTH_AC97=1 timeout 300 "$hosted_test" azoth.bench=privacy
    else
        mkfifo "$B/com2.in" "$B/com2.out"
        sh tools/gps-receiver.sh > "$B/com2.in" &
        feeder=$!
        timeout 600 cat "$B/com2.out" > /dev/null &
        bench_lines timeout 600 tools/qemu.sh --kernel "$kernel_test" --test --audio --com2 "$B/com2" \
            --append azoth.bench=privacy
    fi
    kill $feeder 2>/dev/null || true
    pkill -f "cat $B/com2.out" 2>/dev/null || true
    rm -f "$B/com2" "$B/com2.in" "$B/com2.out"
}
for plat in hosted qemu; do
    lines=$(privacy_run $plat)
    for k in mic location; do
        for m in open first-data revoke-call end-to-revoked end-to-quiesced end-to-reset; do
            record privacy-$m-$k $plat ns "$(pick privacy-$m-$k "$lines")"
        done
        record privacy-per-sample-$k $plat ps "$(pick privacy-per-sample-$k "$lines")" \
            privacy-per-sample-copy-$k "$(pick privacy-per-sample-copy-$k "$lines")"
    done
done

echo "Before and after the isolation work, alternating in this run (hosted; see bench/compare.sh; target <= 1.10)"
bench/compare.sh "$json" || echo "  (comparison skipped: see above)"

{ echo "["; sed '$!s/$/,/' "$json"; echo "]"; } > "$B/results.json"
rm -f "$json"
echo "results: $B/results.json"
# The pictures (docs/performance.md shows the copies bench/plot.sh --docs makes).
bench/plot.sh || echo "  (no pictures: see above)"
