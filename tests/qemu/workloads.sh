# The workload benchmarks compute as components on bare metal what they
# compute natively (docs/performance.md, "Workloads"): classicbench in the
# test image under QEMU, one run of n-body (floating point: the kernel's
# SSE state handling under wasm2c's code) and of fannkuch-redux, prints the
# check values its native build prints. Times under TCG mean nothing here.
. tests/lib.sh
log=$LOGDIR/workloads.log
native=$BUILD/test/classicbench-native
mkdir -p "$BUILD/test"
cc -O2 -std=c11 -Wall -Wextra -Werror -o "$native" components/bench/classicbench/classicbench.c -lm \
    > "$LOGDIR/workloads-native.log" 2>&1
"$native" runs=1 nbody fannkuch > "$LOGDIR/workloads-native.out" 2>&1
expect_status qemu/workloads-native $? 0 "$LOGDIR/workloads-native.out"
printf 'start classicbench runs=1 nbody fannkuch\nwait classicbench 300\nhalt\n' |
    timeout 400 tools/qemu.sh --kernel "$TEST_KERNEL" > "$log" 2>&1
expect_status qemu/workloads-status $? 0 "$log"
for w in nbody fannkuch; do
    check=$(awk -v w="$w" '$1 == "bench:" && $2 == w { print $NF }' "$LOGDIR/workloads-native.out")
    if [ -z "$check" ]; then
        result FAIL "qemu/workloads-$w-check" "the native build printed no check for $w"
    else
        expect_in "$log" "qemu/workloads-$w-check" "bench: $w [0-9]+ ns \\(runs=1\\) $check\$"
    fi
done
