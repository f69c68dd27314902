# The kernel monitor on the hosted platform, driven through a pipe: every
# command answers, garbage gets the usage line, halt powers off with status 0,
# and end of input also powers off cleanly.
. tests/lib.sh
log=$LOGDIR/monitor.log
printf 'help\nmem\nthreads\nuptime\nxyzzy 1 2\nmem extra\nhalt\n' |
    timeout 30 "$BUILD/hosted-san/azoth" > "$log" 2>&1
expect_status hosted/monitor-halt-status $? 0 "$log"
check_session() {
    expect_in "$1" "$2" \
        '^azoth> ' \
        '^  threads +kernel threads' \
        '^frames: [0-9]+ total, [0-9]+ used, [0-9]+ free' \
        '^heap: +[0-9]+ KiB arena' \
        ' monitor +(running|ready) ' \
        '^up 0 days, [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}, idle [0-9]+%' \
        "^unknown command 'xyzzy'; usage: help \\| mem" \
        '^usage: mem$' \
        '^azoth: powering off'
}
check_session "$log" hosted/monitor-session

log2=$LOGDIR/monitor-eof.log
printf 'uptime\n' | timeout 30 "$BUILD/hosted-san/azoth" > "$log2" 2>&1
expect_status hosted/monitor-eof-status $? 0 "$log2"
expect_in "$log2" hosted/monitor-eof 'console input closed, powering off'
