# Components driven from the monitor on bare metal (QEMU): a trap from a
# page fault in a component's memory is reported and listed, another
# component still runs, kill, ps.
. tests/lib.sh
log=$LOGDIR/components.log
printf "$COMPONENT_SCRIPT" | timeout 60 tools/qemu.sh > "$log" 2>&1
expect_status qemu/components-status $? 0 "$log"
expect_component_session "$log" qemu/components-session
