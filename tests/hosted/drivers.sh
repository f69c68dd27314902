# Drivers on the hosted platform, against its device double (a CMOS clock
# reading the host's time): the rtc driver sets the wall clock, and every
# port it was not granted is refused.
. tests/lib.sh
log=$LOGDIR/drivers.log
printf "$DRIVER_SCRIPT" | timeout 60 "$TEST_HOSTED" > "$log" 2>&1
expect_status hosted/drivers-status $? 0 "$log"
expect_driver_session "$log" hosted/drivers-session hosted
