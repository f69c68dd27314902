#!/bin/sh
# The workload benchmarks (docs/performance.md, "Workloads"; built by
# `make workloads`, mk/workloads.mk): every program run natively (gcc -O2 and
# clang -O2), under Node's V8 (the component's own module: the very code
# Azoth translates) and as an Azoth component on the hosted platform (the bench image,
# build/hosted/azoth-bench, when built). Each program times itself and prints
# a check value per workload; every build's check must agree, or they did
# different work. Prints medians and ratios, and appends one JSON object a
# line, in bench/run.sh's format, to the file given (default
# build/bench/workloads.json, then also written as a list).
# WL_ROUNDS=N (default 7): each build runs in N processes, the builds
# alternating, and the least of the N medians is reported: on this VM a
# process keeps one of a few speed levels for its life (the same native
# binary: 66 ms in most processes, 94-103 ms in some), and how many land on
# the slow one changes from run to run, which moved a median of medians by
# up to 1.6x between runs. The least is the fast level for every build alike.
# Benchmarks are measurements: nothing here fails on a number.
set -eu
B=${BUILD:-build}
WL=$B/bench/wl
GEN=$B/gen
AZOTH=${AZOTH:-$B/hosted/azoth-bench}
rounds=${WL_ROUNDS:-7}
standalone=false
if [ $# -gt 0 ]; then json=$1; else json=$B/bench/workloads.json.tmp; standalone=true; : > "$json"; fi
programs="computebench classicbench zlibbench sqlitebench luabench"
node=$(command -v node || command -v nodejs || true)
raw=$B/bench/workloads.raw
errs=$B/bench/workloads.err
mkdir -p "$B/bench"
: > "$raw"
: > "$errs"

for p in $programs; do
    for f in "$WL/gcc/$p" "$WL/clang/$p" "$GEN/comp/$p/$p.wasm"; do
        [ -f "$f" ] || { echo "workloads: $f is missing: make workloads builds it" >&2; exit 1; }
    done
done
[ -n "$node" ] || echo "  (no node: the Node columns stay empty)"
[ -x "$AZOTH" ] || echo "  (no $AZOTH: the component column stays empty; make bench builds it)"

# run VARIANT CMD...: the program's "bench:" lines as "variant name ns check"
run() {
    _v=$1
    shift
    "$@" < /dev/null 2>> "$errs" | tr -d '\r' |
        awk -v v="$_v" '$1 == "bench:" && $4 == "ns" { c = $NF; sub(/^check=/, "", c); print v, $2, $3, c }' >> "$raw" || true
}

r=1
while [ "$r" -le "$rounds" ]; do
    for p in $programs; do
        run gcc "$WL/gcc/$p"
        run clang "$WL/clang/$p"
        if [ -n "$node" ]; then
            run node "$node" --no-warnings bench/node-wasi.mjs "$GEN/comp/$p/$p.wasm"
        fi
        [ -x "$AZOTH" ] && run azoth timeout 600 "$AZOTH" azoth.bench=workload:$p
    done
    r=$((r + 1))
done

echo "Workloads: median ns of 7 runs in-process, least of $rounds processes' medians; ratios to native clang -O2"
echo "(target: component <= 1.10x clang as a geometric mean, none above 1.3x, each faster than Node)"
awk -v json="$json" '
function best(k,   n, i, m, a) {
    n = split(times[k], a, " ")
    for (i = 1; i <= n; i++) if (i == 1 || a[i] + 0 < m + 0) m = a[i]
    return n ? m : ""
}
function rec(name, plat, unit, m, bn, bm) {
    if (m == "") return
    if (bn == "" || bm == "") printf "{\"name\": \"%s\", \"platform\": \"%s\", \"unit\": \"%s\", \"median\": %s, \"baseline\": null, \"baseline_median\": null, \"ratio\": null}\n", name, plat, unit, m >> json
    else printf "{\"name\": \"%s\", \"platform\": \"%s\", \"unit\": \"%s\", \"median\": %s, \"baseline\": \"%s\", \"baseline_median\": %s, \"ratio\": %.3f}\n", name, plat, unit, m, bn, bm, m / bm >> json
}
function ms(x) { return x == "" ? "-" : sprintf("%.1f", x / 1e6) }
function ratio(a, b) { return (a == "" || b == "") ? "-" : sprintf("%.2f", a / b) }
{
    k = $1 SUBSEP $2
    if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 }
    times[k] = times[k] " " $3
    if ($4 == "MISMATCH" || (k in check && check[k] != $4)) bad[$2] = bad[$2] " " $1 "(runs disagree)"
    check[k] = $4
    if (!($2 in ref)) ref[$2] = $4
    else if (ref[$2] != $4) bad[$2] = bad[$2] " " $1
}
END {
    printf "  %-16s %8s %8s %8s %9s  %6s %6s %6s %6s %6s  %s\n", "workload", "gcc ms", "clang", "node",
        "component", "c/clang", "c/gcc", "c/node", "n/clang", "gcc/clang", "checks"
    for (i = 1; i <= n; i++) {
        w = order[i]
        g = best("gcc" SUBSEP w); c = best("clang" SUBSEP w); nd = best("node" SUBSEP w); a = best("azoth" SUBSEP w)
        printf "  %-16s %8s %8s %8s %9s  %6s %6s %6s %6s %6s  %s\n", w, ms(g), ms(c), ms(nd), ms(a),
            ratio(a, c), ratio(a, g), ratio(a, nd), ratio(nd, c), ratio(g, c), (w in bad) ? "DIFFER:" bad[w] : "agree"
        rec("wl-" w "-gcc", "native", "ns", g)
        rec("wl-" w "-clang", "native", "ns", c, "wl-" w "-gcc", g)
        rec("wl-" w "-node", "node", "ns", nd, "wl-" w "-clang", c)
        rec("wl-" w, "hosted", "ns", a, "wl-" w "-clang", c)
        rec("wl-" w "-vs-gcc", "hosted", "ns", a, "wl-" w "-gcc", g)
        rec("wl-" w "-vs-node", "hosted", "ns", a, "wl-" w "-node", nd)
        if (a != "" && c != "") { la += log(a / c); na++; if (a / c > amax) { amax = a / c; wmax = w } }
        if (a != "" && nd != "") { nnode++; if (a < nd) faster++ }
        if (nd != "" && c != "") { ln += log(nd / c); nnd++ }
        if (a != "" && g != "") { lg += log(a / g); ng++ }
    }
    if (na) {
        printf "  component / clang: geometric mean %.3f (target <= 1.10), largest %.2f (%s; target <= 1.3)\n", exp(la / na), amax, wmax
        printf "  component / gcc: geometric mean %.3f; faster than Node running the same module: %d of %d\n", exp(lg / ng), faster, nnode
        printf "{\"name\": \"wl-geomean-vs-clang\", \"platform\": \"hosted\", \"unit\": \"ratio\", \"median\": %.3f, \"baseline\": null, \"baseline_median\": null, \"ratio\": null}\n", exp(la / na) >> json
        printf "{\"name\": \"wl-geomean-vs-gcc\", \"platform\": \"hosted\", \"unit\": \"ratio\", \"median\": %.3f, \"baseline\": null, \"baseline_median\": null, \"ratio\": null}\n", exp(lg / ng) >> json
    }
    if (nnd) {
        printf "  node / clang: geometric mean %.3f\n", exp(ln / nnd)
        printf "{\"name\": \"wl-node-geomean-vs-clang\", \"platform\": \"node\", \"unit\": \"ratio\", \"median\": %.3f, \"baseline\": null, \"baseline_median\": null, \"ratio\": null}\n", exp(ln / nnd) >> json
    }
}' "$raw"
if [ -s "$errs" ]; then
    echo "  (the runs wrote to stderr, see $errs:)"
    sed -n '1,5s/^/    /p' "$errs"
fi
if $standalone; then
    { echo "["; sed '$!s/$/,/' "$json"; echo "]"; } > "$B/bench/workloads.json"
    rm -f "$json"
    echo "results: $B/bench/workloads.json"
fi
