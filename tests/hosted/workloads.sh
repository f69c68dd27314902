# The workload benchmarks compute as components what they compute natively
# (docs/performance.md, "Workloads"): classicbench, started from the monitor
# of the test image with one run of n-body (floating point, its check the
# final energy's bits) and of fannkuch-redux (integers), prints the check
# values its native build prints. The large workloads (zlib, SQLite, Lua)
# are only in the bench image, which make bench builds and checks the same way.
. tests/lib.sh
workloads_check hosted "$TEST_HOSTED"
