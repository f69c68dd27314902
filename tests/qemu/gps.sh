# The GPS driver under QEMU: COM2 is a second serial port whose input the
# test writes into a FIFO (tools/qemu.sh --com2) once the app's location
# session started; the same feeds and checks as the hosted test, through
# the real interrupt path (IOAPIC line 3).
. tests/lib.sh
dir=$LOGDIR/gps
rm -rf "$dir"
mkdir -p "$dir"
gps_feeds "$dir"
for feed in known fuzz; do
    rm -f "$dir/com2.in" "$dir/com2.out"
    mkfifo "$dir/com2.in" "$dir/com2.out"
    # the receiver (it keeps the FIFO open once its sentences are out), and
    # a reader for what the guest would send it
    : > "$dir/$feed.log"
    (gps_feed_when_open "$dir/$feed.log" "$dir/$feed.nmea") > "$dir/com2.in" &
    feeder=$!
    timeout 120 cat "$dir/com2.out" > /dev/null &
    reader=$!
    # The driver prints its counts once the feed has gone quiet, within the
    # session (its end cuts the driver off the port): the fuzzed feed's
    # 5000 lines took most of 10 s under TCG with a second guest running
    # beside it (make test runs QEMU tests side by side), so it gets 30.
    hold=10000
    [ $feed = fuzz ] && hold=30000
    gps_script $hold | timeout 120 tools/qemu.sh --kernel "$TEST_KERNEL" --com2 "$dir/com2" \
        > "$dir/$feed.log" 2>&1
    status=$?
    kill $feeder $reader 2>/dev/null
    wait $feeder $reader 2>/dev/null
    expect_status qemu/gps-$feed-status $status 0 "$dir/$feed.log" # halt: ACPI power-off
done
expect_gps_known "$dir/known.log" qemu
expect_gps_fuzz "$dir/fuzz.log" qemu
