# The stateful, coverage-guided fuzzer of the host-call ABI (docs/testing.md):
# the seed programs replayed under ASan+UBSan (each must pass), then a short
# AFL++ run on the instrumented build (build/fuzz): no crash may be found.
# `make fuzz` runs the long one (FUZZ_SECONDS).
# test: long (it starts first when the layer runs scripts side by side)
. tests/lib.sh
dir=$LOGDIR/fuzz
seconds=${FUZZ_SECONDS:-45}
rm -rf "$dir"
mkdir -p "$dir/seeds"
cc -O2 -Wall -Wextra -Werror -o "$dir/fuzzseeds" tests/tools/fuzzseeds.c &&
    "$dir/fuzzseeds" "$dir/seeds" 12
seeds=$(ls "$dir/seeds" | wc -l)
bad=0
for s in "$dir"/seeds/*.bin; do
    if ! timeout 120 "$TEST_HOSTED" azoth.test=fuzz < "$s" > "$s.log" 2>&1; then
        bad=$((bad + 1))
        echo "  seed $(basename "$s") failed: see $s.log"
    fi
done
if [ "$seeds" -ge 12 ] && [ "$bad" -eq 0 ]; then
    result PASS hosted/fuzz-seeds-replay "$seeds programs"
else
    result FAIL hosted/fuzz-seeds-replay "$bad of $seeds seed programs failed (logs in $dir/seeds)"
fi

# AFL++ wants these on a machine it was not set up for: no UI, no CPU
# affinity or governor checks, core dumps as they are. A failed run's
# output would go nowhere: the kernel leaves its last console output in
# $dir/crashlogs (AZOTH_CRASH_LOG, by pid), with the sanitizer's report if
# a sanitizer stopped it (not through log_path, which would keep a warning
# from every run). ASAN_OPTIONS: AFL++'s own, but with the stacks of each
# block's allocation and free kept (malloc_context_size), so that a report
# says who freed what.
mkdir -p "$dir/crashlogs"
AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
AFL_SKIP_BIN_CHECK=0 AZOTH_ABORT_ON_FAIL=1 AZOTH_CRASH_LOG="$dir/crashlogs" \
ASAN_OPTIONS=abort_on_error=1:symbolize=0:detect_leaks=0:malloc_context_size=24:allocator_may_return_null=1:detect_odr_violation=0:handle_segv=0:handle_sigbus=0:handle_abort=0:handle_sigfpe=0:handle_sigill=0 \
    timeout $((seconds + 120)) afl-fuzz -i "$dir/seeds" -o "$dir/out" -m none -t 20000 -G 4096 \
    -V "$seconds" -- "$BUILD/fuzz/azoth-test" azoth.test=fuzz > "$dir/afl.log" 2>&1
rc=$?
stats=$dir/out/default/fuzzer_stats
stat() { awk -v k="$1" '$1 == k { print $3 }' "$stats" 2>/dev/null; }
execs=$(stat execs_done) crashes=$(stat saved_crashes) hangs=$(stat saved_hangs) edges=$(stat edges_found)
echo "  afl-fuzz: ${execs:-?} runs in ${seconds} s, ${edges:-?} edges, ${crashes:-?} crashes, ${hangs:-?} hangs"
if [ "$rc" -ne 0 ] || [ -z "$execs" ] || [ "$execs" -lt 50 ]; then
    result FAIL hosted/fuzz-afl-ran "afl-fuzz exited $rc after ${execs:-no} runs (log: $dir/afl.log)"
else
    result PASS hosted/fuzz-afl-ran "$execs runs, $edges edges"
fi
if [ "${crashes:-1}" -eq 0 ]; then
    result PASS hosted/fuzz-afl-no-crash
else
    result FAIL hosted/fuzz-afl-no-crash "$crashes crashing programs in $dir/out/default/crashes (output: $dir/crashlogs)"
fi
# A run the fuzzer timed out on must still end (a real hang is a failure).
hung=0
for h in "$dir"/out/default/hangs/id*; do
    [ -e "$h" ] || continue
    timeout 180 "$TEST_HOSTED" azoth.test=fuzz < "$h" > "$h.log" 2>&1 || hung=$((hung + 1))
done
if [ "$hung" -eq 0 ]; then
    result PASS hosted/fuzz-slow-runs-end "${hangs:-0} slow programs, each ended"
else
    result FAIL hosted/fuzz-slow-runs-end "$hung programs did not end cleanly (see $dir/out/default/hangs)"
fi
