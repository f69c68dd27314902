# The package loader's fuzzer (docs/apps.md, "Trust"): mutated packages
# against the kernel's own loader (kernel/load/pkg.c), compiled for the host
# with AFL++'s instrumentation and ASan/UBSan (tests/fuzz/pkg.c signs each
# input with its own key first, so what is fuzzed is every field behind the
# signature). The seeds, the tree's packages, must load; then
# PKGFUZZ_SECONDS of AFL++ (30 here; `make fuzz` runs it longer): no crash,
# no hang, no sanitizer report.
# test: long (it starts first when the layer runs scripts side by side)
. tests/lib.sh
dir=$LOGDIR/pkgfuzz
seconds=${PKGFUZZ_SECONDS:-30}
rm -rf "$dir"
mkdir -p "$dir/seeds"
cp "$BUILD"/apps/*.azpkg "$dir/seeds/"
bad=0
for s in "$dir"/seeds/*.azpkg; do
    timeout 60 "$BUILD/pkgfuzz/san/pkg" "$s" > "$s.log" 2>&1 && grep -q '^loaded: ' "$s.log" || bad=$((bad + 1))
done
expect_status hosted/pkgfuzz-seeds-load "$bad" 0 "$dir/seeds"
AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
ASAN_OPTIONS=abort_on_error=1:symbolize=0:detect_leaks=0:allocator_may_return_null=1 \
    timeout $((seconds + 120)) afl-fuzz -i "$dir/seeds" -o "$dir/out" -m none -t 2000 \
    -V "$seconds" -- "$BUILD/pkgfuzz/afl/pkg" @@ > "$dir/afl.log" 2>&1
stats=$dir/out/default/fuzzer_stats
execs=$(sed -n 's/^execs_done *: //p' "$stats" 2>/dev/null)
if [ "${execs:-0}" -gt 0 ]; then
    result PASS hosted/pkgfuzz-afl-ran "$execs packages"
else
    result FAIL hosted/pkgfuzz-afl-ran "AFL++ did not run (log: $dir/afl.log)"
fi
crashes=$(ls "$dir"/out/default/crashes/id:* 2>/dev/null | wc -l)
hangs=$(ls "$dir"/out/default/hangs/id:* 2>/dev/null | wc -l)
for c in "$dir"/out/default/crashes/id:*; do
    [ -f "$c" ] || continue
    timeout 60 "$BUILD/pkgfuzz/san/pkg" "$c" > "$c.report" 2>&1
done
expect_status hosted/pkgfuzz-no-crash "$crashes" 0 "$dir/out/default/crashes"
expect_status hosted/pkgfuzz-no-hang "$hangs" 0 "$dir/out/default/hangs"
