#!/bin/sh
# Draw make bench's results (build/bench/results.json, bench/run.sh's
# format) with gnuplot: the workloads' ratios against native clang, native
# gcc and Node (V8) running the same module, and the cost of a component
# call part by part (from bench/ipc-parts.sh's last run). Writes SVG files into build/bench/; with --docs also
# copies them into docs/img/, where docs/performance.md shows them.
# Usage: bench/plot.sh [--docs] [results.json]
set -eu
docs=false
if [ "${1:-}" = --docs ]; then docs=true; shift; fi
B=${BUILD:-build}/bench
json=${1:-$B/results.json}
[ -f "$json" ] || { echo "plot: no $json (run make bench first)" >&2; exit 1; }
command -v gnuplot >/dev/null || { echo "plot: gnuplot is missing (Debian's gnuplot-nox)" >&2; exit 1; }

# records: "name platform median ratio" per result (bench/run.sh writes one
# flat JSON record a line).
records() {
    sed -n 's/^[[:space:]]*\({.*}\),*$/\1/p' "$json" | awk '
    function f(line, k,   i, v) {
        i = index(line, "\"" k "\": ")
        if (!i) return ""
        v = substr(line, i + length(k) + 4)
        sub(/[,}].*/, "", v); gsub(/"/, "", v)
        return v
    }
    { print f($0, "name"), f($0, "platform"), f($0, "median"), f($0, "ratio") }'
}

# Workloads: one row per workload with the component's ratio to clang and
# to gcc, and Node's (the same module) to clang.
wl=$B/plot-workloads.dat
records | awk '
    $1 ~ /^wl-/ && $1 !~ /geomean/ {
        w = $1; sub(/^wl-/, "", w)
        if (w ~ /-vs-gcc$/) { sub(/-vs-gcc$/, "", w); vg[w] = $4 }
        else if (w ~ /-node$/) { sub(/-node$/, "", w); nd[w] = $4 }
        else if (w ~ /-(gcc|clang|vs-node)$/) next
        else if ($2 == "hosted") { vc[w] = $4; order[++n] = w }
    }
    END {
        print "workload component/clang component/gcc node/clang"
        for (i = 1; i <= n; i++) {
            w = order[i]
            printf "%s %s %s %s\n", w, vc[w] == "null" ? "-" : vc[w], (w in vg && vg[w] != "null") ? vg[w] : "-",
                (w in nd && nd[w] != "null") ? nd[w] : "-"
        }
    }' > "$wl"
if [ "$(wc -l < "$wl")" -gt 1 ]; then
    gnuplot <<EOF
set terminal svg size 1000,480 dynamic font "sans,12"
set output "$B/workloads.svg"
set title "Workloads: time relative to native clang -O2 (lower is faster; 1.0 = native)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set datafile missing "-"
set key top left
set ylabel "ratio"
set yrange [0:*]
set xtics rotate by -30
set grid ytics
set arrow from graph 0, first 1.0 to graph 1, first 1.0 nohead dt 2 lc rgb "black"
set arrow from graph 0, first 1.3 to graph 1, first 1.3 nohead dt 3 lc rgb "red"
plot "$wl" using 2:xtic(1) title "Azoth component / clang", \
     "" using 3 title "Azoth component / gcc", \
     "" using 4 title "Node (V8), same module / clang"
EOF
    echo "plot: $B/workloads.svg"
else
    echo "plot: no workload results in $json" >&2
fi

# The call's cost model: bench/ipc-parts.sh's run (parts/model.dat: each
# binary with one more part of the call taken out, its least ns, then the
# indirect call), when one was made.
calls=$B/parts/model.dat
if [ -s "$calls" ]; then
    gnuplot <<EOF
set terminal svg size 900,420 dynamic font "sans,12"
set output "$B/callcost.svg"
set title "A null component call, hosted, part by part taken out (least ns of the run)"
set style data histograms
set style fill solid 0.8 border -1
set key off
set ylabel "ns"
set yrange [0:*]
set xtics rotate by -30
set grid ytics
plot "$calls" using 2:xtic(1) lc rgb "#4477aa"
EOF
    echo "plot: $B/callcost.svg"
fi

if $docs; then
    mkdir -p docs/img
    for f in workloads.svg callcost.svg; do
        [ -f "$B/$f" ] && cp "$B/$f" docs/img/ && echo "plot: docs/img/$f"
    done
fi
exit 0
