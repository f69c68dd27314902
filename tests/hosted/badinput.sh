# Bad input to the hosted kernel: too little memory stops cleanly with a
# clear message; unknown options and tests are refused.
. tests/lib.sh
log=$LOGDIR/lowmem.log
printf 'halt\n' | timeout 30 "$BUILD/hosted-san/azoth" -m 8 > "$log" 2>&1
expect_status hosted/lowmem-status $? 0 "$log"
expect_in "$log" hosted/lowmem-message 'not enough memory: [0-9]+ KiB usable, at least 16 MiB needed'

log=$LOGDIR/badopt.log
timeout 10 "$BUILD/hosted-san/azoth" --frobnicate > "$log" 2>&1
expect_status hosted/bad-option-status $? 2 "$log"
expect_in "$log" hosted/bad-option-usage '^usage: '

log=$LOGDIR/badtest.log
timeout 30 "$TEST_HOSTED" azoth.test=no_such_test > "$log" 2>&1
expect_status hosted/unknown-test-status $? 1 "$log"
expect_in "$log" hosted/unknown-test-message "no test named 'no_such_test'"
