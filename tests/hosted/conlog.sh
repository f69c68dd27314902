# The console log (log_read), which the shell shows on the screen, on the
# hosted platform under ASan and UBSan: logtest reads back its own line, is
# notified of new output, floods the console with more than the kernel
# keeps and still reads the newest (what it lost counted), is refused a
# watch past the slots, and is refused once it no longer holds the log
# capability (docs/drivers.md, fb).
. tests/lib.sh
log=$LOGDIR/conlog.log
printf 'start logtest\nwait logtest 30\nhalt\n' | timeout 60 "$TEST_HOSTED" > "$log" 2>&1
expect_status hosted/conlog-status $? 0 "$log"
expect_in "$log" hosted/conlog-read 'logtest: read back its own line, notified of new output'
expect_in "$log" hosted/conlog-flood \
    'logtest: flood: [0-9]+ bytes written, the newest [0-9]+ read, [1-9][0-9]* lost \(counted\)'
expect_in "$log" hosted/conlog-watches 'logtest: watches: [1-9] of 5 refused \(EBUSY\)'
expect_in "$log" hosted/conlog-refused "logtest: refused without a log capability: -14 -13 -12"
expect_in "$log" hosted/conlog-passed '^logtest: all checks passed' '^logtest exited with status 0'
expect_count hosted/conlog-no-failures "$log" 'logtest: FAIL' 0
