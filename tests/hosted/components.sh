# Components driven from the monitor on the hosted platform: a trap is
# reported and listed, another component still runs, kill, ps.
. tests/lib.sh
log=$LOGDIR/components.log
printf "$COMPONENT_SCRIPT" | timeout 60 "$BUILD/hosted-san/azoth" > "$log" 2>&1
expect_status hosted/components-status $? 0 "$log"
expect_component_session "$log" hosted/components-session
