# Console input is never lost, however much arrives at once: 3000 commands
# (about 30 KiB, far more than any buffer on the way: the platform's 4 KiB,
# the kernel's 512 bytes, the UART driver's 1 KiB) piped into the monitor
# and into the shell; every one must be answered. The devices hold input
# back while the rings are full instead of dropping it.
. tests/lib.sh
dir=$LOGDIR/biginput
mkdir -p "$dir"
n=3000
i=1
while [ $i -le $n ]; do
    echo "nosuch$i"
    i=$((i + 1))
done > "$dir/commands"
echo halt >> "$dir/commands"

timeout 120 "$BUILD/hosted-san/azoth" < "$dir/commands" > "$dir/monitor.log" 2>&1
expect_status hosted/biginput-monitor-status $? 0 "$dir/monitor.log"
got=$(tr -d '\r' < "$dir/monitor.log" | grep -c "^unknown command 'nosuch[0-9]*'; usage:")
last=$(tr -d '\r' < "$dir/monitor.log" | grep -c "^unknown command 'nosuch$n'; usage:")
if [ "$got" -eq $n ] && [ "$last" -eq 1 ]; then
    result PASS hosted/biginput-monitor "$got of $n commands answered"
else
    result FAIL hosted/biginput-monitor "$got of $n commands answered (log: $dir/monitor.log)"
fi

# The shell takes the console once the UART driver runs: wait for it.
{ sleep 2; cat "$dir/commands"; } | timeout 120 "$BUILD/hosted-san/azoth" azoth.shell=1 > "$dir/shell.log" 2>&1
expect_status hosted/biginput-shell-status $? 0 "$dir/shell.log"
got=$(tr -d '\r' < "$dir/shell.log" | grep -c "^unknown command 'nosuch[0-9]*'; try help$")
last=$(tr -d '\r' < "$dir/shell.log" | grep -c "^unknown command 'nosuch$n'; try help$")
if [ "$got" -eq $n ] && [ "$last" -eq 1 ]; then
    result PASS hosted/biginput-shell "$got of $n commands answered"
else
    result FAIL hosted/biginput-shell "$got of $n commands answered (log: $dir/shell.log)"
fi
