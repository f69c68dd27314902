# The workload benchmarks compute as components what they compute natively
# (docs/performance.md, "Workloads"): classicbench, started from the monitor
# of the test image with one run of n-body (floating point, its check the
# final energy's bits) and of fannkuch-redux (integers), prints the check
# values its native build prints. The large workloads (zlib, SQLite, Lua)
# are only in the bench image, which make bench builds and checks the same way.
. tests/lib.sh
log=$LOGDIR/workloads.log
native=$BUILD/test/classicbench-native
mkdir -p "$BUILD/test"
cc -O2 -std=c11 -Wall -Wextra -Werror -o "$native" components/bench/classicbench/classicbench.c -lm \
    > "$LOGDIR/workloads-native.log" 2>&1
"$native" runs=1 nbody fannkuch > "$LOGDIR/workloads-native.out" 2>&1
expect_status hosted/workloads-native $? 0 "$LOGDIR/workloads-native.out"
printf 'start classicbench runs=1 nbody fannkuch\nwait classicbench 300\nhalt\n' |
    timeout 400 "$TEST_HOSTED" > "$log" 2>&1
expect_status hosted/workloads-status $? 0 "$log"
for w in nbody fannkuch; do
    check=$(awk -v w="$w" '$1 == "bench:" && $2 == w { print $NF }' "$LOGDIR/workloads-native.out")
    if [ -z "$check" ]; then
        result FAIL "hosted/workloads-$w-check" "the native build printed no check for $w"
    else
        expect_in "$log" "hosted/workloads-$w-check" "bench: $w [0-9]+ ns \\(runs=1\\) $check\$"
    fi
done
