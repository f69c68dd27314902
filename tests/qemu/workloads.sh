# The workload benchmarks compute as components on bare metal what they
# compute natively (docs/performance.md, "Workloads"): classicbench in the
# test image under QEMU, one run of n-body (floating point: the kernel's
# SSE state handling under wasm2c's code) and of fannkuch-redux, prints the
# check values its native build prints. Times under TCG mean nothing here.
. tests/lib.sh
workloads_check qemu tools/qemu.sh --kernel "$TEST_KERNEL"
