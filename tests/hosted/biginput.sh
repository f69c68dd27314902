# Console input is never lost, however much arrives at once: 3000 commands
# (about 30 KiB, far more than any buffer on the way: the platform's 4 KiB,
# the kernel's 512 bytes, the UART driver's 1 KiB) piped into the monitor
# and into the shell; every one must be answered. The devices hold input
# back while the rings are full instead of dropping it.
. tests/lib.sh
dir=$LOGDIR/biginput
mkdir -p "$dir"
n=3000
numbered_commands $n "$dir/commands"

timeout 120 "$BUILD/hosted-san/azoth" < "$dir/commands" > "$dir/monitor.log" 2>&1
expect_status hosted/biginput-monitor-status $? 0 "$dir/monitor.log"
expect_count hosted/biginput-monitor "$dir/monitor.log" "^unknown command 'nosuch[0-9]*'; usage:" $n

# The shell takes the console once the UART driver runs: wait for it.
{ sleep 2; cat "$dir/commands"; } | timeout 120 "$BUILD/hosted-san/azoth" azoth.shell=1 > "$dir/shell.log" 2>&1
expect_status hosted/biginput-shell-status $? 0 "$dir/shell.log"
expect_count hosted/biginput-shell "$dir/shell.log" "^unknown command 'nosuch[0-9]*'; try help$" $n
