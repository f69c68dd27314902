# The GPS driver on the hosted platform's COM2 double (AZOTH_COM2 names the
# FIFO the receiver "sends" into): an app reads it through a location
# session; the reference sentences give exactly their positions and the
# driver counts and drops the bad ones; thousands of random and mutated
# lines do not bring it down (components/drivers/gps, docs/privacy.md).
. tests/lib.sh
dir=$LOGDIR/gps
rm -rf "$dir"
mkdir -p "$dir"
gps_feeds "$dir"
for feed in known fuzz; do
    rm -f "$dir/com2" "$dir/$feed.log"
    mkfifo "$dir/com2"
    : > "$dir/$feed.log"
    (gps_feed_when_open "$dir/$feed.log" "$dir/$feed.nmea") > "$dir/com2" &
    feeder=$!
    # The counts are printed once the feed goes quiet, within the session
    # (tests/qemu/gps.sh): the fuzzed feed gets room to spare, as tests run
    # side by side.
    hold=4000
    [ $feed = fuzz ] && hold=12000
    gps_script $hold | AZOTH_COM2="$dir/com2" timeout 60 "$TEST_HOSTED" > "$dir/$feed.log" 2>&1
    status=$?
    kill $feeder 2>/dev/null
    wait $feeder 2>/dev/null
    expect_status hosted/gps-$feed-status $status 0 "$dir/$feed.log"
done
expect_gps_known "$dir/known.log" hosted
expect_gps_fuzz "$dir/fuzz.log" hosted
