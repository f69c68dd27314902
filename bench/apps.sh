# Apps at run time (docs/apps.md), sourced by bench/run.sh (record, B):
# - loading and starting a package with 1 MiB of code, to its first
#   instruction, hosted (target <= 1 ms): a generated program of ten
#   thousand functions, its load timed by the kernel (AZOTH_RUN_TIMING)
#   from the package in the kernel's memory (the hosted front end read the
#   file into the kernel's copy) to its entry point; the median of 21
#   loads, as this machine's timings have outliers of several ms;
# - `azoth run hello.wasm` wall time, cold (compiling it: an empty cache)
#   and cached, against Node running the same file with its WASI, in the
#   same run (target: cached faster than Node);
# - compute inside a loaded package against the same program built into
#   the image (computebench's own timings, bench/workloads.sh's program):
#   no difference beyond noise.
AZ=build/hosted/azoth
A=$B/apps
rm -rf "$A"
mkdir -p "$A/cache"
export AZOTH_CACHE="$A/cache"
node=$(command -v node || command -v nodejs || true)

# median of the numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
now_ns() { date +%s%N; }

# A program with about 1 MiB of native code: many distinct functions, all
# reachable (called through a table the optimiser cannot see through).
awk 'BEGIN {
    n = 10000
    print "#include <stdio.h>"
    for (i = 0; i < n; i++) {
        printf "unsigned f%d(unsigned x) { x ^= x << %d; x += %uu; x ^= x >> %d; ", i, 1 + i % 13, (i * 2654435761) % 4294967296, 1 + i % 7
        printf "if (x & %d) x = x * %du + %d; else x -= %du; return x ^ %du; }\n", 1 + i % 31, 3 + 2 * (i % 50), i, i * 7 + 1, i * 13
    }
    printf "unsigned (*table[%d])(unsigned) = {", n
    for (i = 0; i < n; i++) printf "%sf%d", i ? "," : "", i
    print "};"
    print "int main(int argc, char **argv) { (void)argv; unsigned x = (unsigned)argc;"
    printf "    for (int i = 0; i < %d; i++) x = table[i](x);\n", n
    print "    printf(\"%u\\n\", x); return 0; }"
}' > "$A/bigcode.c"
clang --target=wasm32-wasi -O2 -o "$A/bigcode.wasm" "$A/bigcode.c"
# Twice: as mkpkg makes it (its function names in it, for trap reports)
# and stripped (mkpkg -s).
PKG_ENV=build/gen/pkg.env sh tools/mkpkg.sh -n bigcode "$A/bigcode.wasm" "$A/bigcode.azpkg"
PKG_ENV=build/gen/pkg.env sh tools/mkpkg.sh -s -n bigcode "$A/bigcode.wasm" "$A/bigcode-s.azpkg"
code=$(build/tools/pkgtool show "$A/bigcode.azpkg" | sed -n 's/.*code \([0-9]*\) bytes.*/\1/p')
for v in "" -s; do
    for i in $(seq 21); do
        AZOTH_RUN_TIMING=1 "$AZ" run "$A/bigcode$v.azpkg" 2>&1 >/dev/null |
            sed -n 's/.*to its first instruction \([0-9]*\) us: signature \([0-9]*\) us, checks \([0-9]*\) us, mapping \([0-9]*\) us, instance \([0-9]*\) us.*/\1 \2 \3 \4 \5/p'
    done > "$A/load$v.times"
    echo "Apps: load and start a package with $code bytes of code$( [ -n "$v" ] && echo ", stripped"), $(stat -c %s "$A/bigcode$v.azpkg") bytes," \
         "to its first instruction (target <= 1 ms hosted)"
    echo "  parts (medians, us): signature $(awk '{ print $2 }' "$A/load$v.times" | median)" \
         "(BLAKE3 of the file and Ed25519), checks $(awk '{ print $3 }' "$A/load$v.times" | median)," \
         "mapping $(awk '{ print $4 }' "$A/load$v.times" | median), instance $(awk '{ print $5 }' "$A/load$v.times" | median)"
done
record app-load-1mib hosted us "$(awk '{ print $1 }' "$A/load.times" | median)"
record app-load-1mib-stripped hosted us "$(awk '{ print $1 }' "$A/load-s.times" | median)"

# azoth run hello.wasm, wall time: cold (an empty cache: compiles), cached;
# Node with its WASI on the same file.
hello=$B/../apps/hello.wasm
[ -f "$hello" ] || hello=build/apps/hello.wasm
for i in 1 2 3 4 5; do
    rm -rf "$A/cache"; mkdir -p "$A/cache"
    t0=$(now_ns); "$AZ" run "$hello" > /dev/null 2>&1; t1=$(now_ns)
    echo $(( (t1 - t0) / 1000 ))
done | median > "$A/cold"
for i in 1 2 3 4 5 6 7 8 9 10 11; do
    t0=$(now_ns); "$AZ" run "$hello" > /dev/null 2>&1; t1=$(now_ns)
    echo $(( (t1 - t0) / 1000 ))
done | median > "$A/cached"
if [ -n "$node" ]; then
    for i in 1 2 3 4 5 6 7 8 9 10 11; do
        t0=$(now_ns); "$node" --no-warnings bench/node-wasi.mjs "$hello" > /dev/null 2>&1; t1=$(now_ns)
        echo $(( (t1 - t0) / 1000 ))
    done | median > "$A/node"
fi
echo "Apps: azoth run hello.wasm, wall time (us; target: cached faster than node running the same file)"
record app-run-hello-cached hosted us "$(cat "$A/cached")" node-wasi-hello "$(cat "$A/node" 2>/dev/null)"
record app-run-hello-cold hosted us "$(cat "$A/cold")" node-wasi-hello "$(cat "$A/node" 2>/dev/null)"

# Compute in a package against the same module built in (the bench image's
# computebench component): each kernel's median ns, the least of 5 runs.
cb=build/gen/comp/computebench/computebench.wasm
if [ -f "$cb" ] && [ -x build/hosted/azoth-bench ]; then
    for i in 1 2 3 4 5; do
        "$AZ" run "$cb" 2>/dev/null | tr -d '\r' | awk '$1 == "bench:" && $4 == "ns" { print "pkg", $2, $3 }'
        build/hosted/azoth-bench azoth.bench=workload:computebench 2>/dev/null < /dev/null | tr -d '\r' |
            awk '$1 == "bench:" && $4 == "ns" { print "builtin", $2, $3 }'
    done > "$A/compute.raw"
    echo "Apps: compute inside a package against the same module built in (ns, least of 5 runs; target: no difference beyond noise)"
    for w in $(awk '{ print $2 }' "$A/compute.raw" | sort -u); do
        p=$(awk -v w="$w" '$1 == "pkg" && $2 == w { print $3 }' "$A/compute.raw" | sort -n | head -n 1)
        b=$(awk -v w="$w" '$1 == "builtin" && $2 == w { print $3 }' "$A/compute.raw" | sort -n | head -n 1)
        record "app-compute-$w" hosted ns "$p" "builtin-$w" "$b"
    done
fi
