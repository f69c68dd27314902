# Console input is never lost on the real machine path either: 1000 commands
# (about 10 KiB, far more than the UART's 16-byte FIFO and the rings behind
# it) piped into QEMU's serial line, for the kernel monitor and for the
# shell behind the UART driver; every one must be answered. The UART keeps
# what the rings have no room for, and QEMU stops reading meanwhile.
. tests/lib.sh
dir=$LOGDIR/biginput
mkdir -p "$dir"
n=1000
numbered_commands $n "$dir/commands"

timeout 300 tools/qemu.sh < "$dir/commands" > "$dir/monitor.log" 2>&1
expect_status qemu/biginput-monitor-status $? 0 "$dir/monitor.log"
expect_count qemu/biginput-monitor "$dir/monitor.log" "^unknown command 'nosuch[0-9]*'; usage:" $n

# The shell takes the console once the UART driver runs: wait for it.
{ sleep 3; cat "$dir/commands"; } | timeout 300 tools/qemu.sh --append azoth.shell=1 > "$dir/shell.log" 2>&1
expect_status qemu/biginput-shell-status $? 0 "$dir/shell.log"
expect_count qemu/biginput-shell "$dir/shell.log" "^unknown command 'nosuch[0-9]*'; try help$" $n
