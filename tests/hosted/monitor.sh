# The kernel monitor on the hosted platform, driven through a pipe: every
# command answers, garbage gets the usage line, halt powers off with status 0,
# and end of input also powers off cleanly.
. tests/lib.sh
log=$LOGDIR/monitor.log
printf "$MONITOR_SCRIPT" | timeout 30 "$BUILD/hosted-san/azoth" > "$log" 2>&1
expect_status hosted/monitor-halt-status $? 0 "$log"
expect_monitor_session "$log" hosted/monitor-session

log2=$LOGDIR/monitor-eof.log
printf 'uptime\n' | timeout 30 "$BUILD/hosted-san/azoth" > "$log2" 2>&1
expect_status hosted/monitor-eof-status $? 0 "$log2"
expect_in "$log2" hosted/monitor-eof 'console input closed, powering off'
