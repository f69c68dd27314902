# Drivers on bare metal (QEMU's MC146818 CMOS clock): the rtc driver sets
# the wall clock, every port it was not granted is refused, and its
# periodic interrupt arrives as notification bits through its IRQ capability.
. tests/lib.sh
log=$LOGDIR/drivers.log
printf "$DRIVER_SCRIPT" | timeout 60 tools/qemu.sh --kernel "$TEST_KERNEL" > "$log" 2>&1
expect_status qemu/drivers-status $? 0 "$log"
expect_driver_session "$log" qemu/drivers-session qemu
