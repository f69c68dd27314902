# The shell on the hosted platform (under ASan and UBSan), through the UART
# driver and the platform's UART double on the terminal: the session, and
# the UART driver crashing and coming back while the shell goes on.
. tests/lib.sh
log=$LOGDIR/shell.log
{
    sleep 2; printf 'help\n'
    sleep 1; printf 'xyzzq\177y\n'
    sleep 1; printf 'inject uart unreachable\n'
    sleep 2; printf 'start crasher divzero\n'
    sleep 1; printf 'ps\n'
    sleep 1; printf 'date\n'
    sleep 1; printf 'halt\n'
    sleep 1
} | timeout 60 "$BUILD/hosted-san/azoth" azoth.shell=1 > "$log" 2>&1
expect_status hosted/shell-status $? 0 "$log"
expect_in "$log" hosted/shell-session \
    'uart: COM1 is mine \(input by interrupt\)' \
    '^Azoth shell\. Type .help.\.' \
    '^help \| ps \| caps <name> \| faults \| mem \| date \| uptime' \
    "^unknown command 'xyzzy'; try help$" \
    'fault: uart \(generation 1\): unreachable executed in .* \(injected\)$' \
    'supervisor: restarted uart \(generation 2\)' \
    '^uart +running +2 +1$' \
    '^start crasher: done$' \
    'fault: crasher \(generation 1\): integer divide by zero in ' \
    '^20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC$' \
    '^azoth: powering off \(asked by shell\)$'
