# The GPS driver on the hosted platform's COM2 double (AZOTH_COM2 names the
# file the receiver "sends"): it parses the sentences it is fed, prints each
# position, counts and drops bad input; and thousands of random and mutated
# lines do not bring it down (components/drivers/gps, docs/privacy.md).
. tests/lib.sh
dir=$LOGDIR/gps
rm -rf "$dir"
mkdir -p "$dir"
gps_feeds "$dir"
for feed in known fuzz; do
    gps_script 4 | AZOTH_COM2="$dir/$feed.nmea" timeout 60 "$TEST_HOSTED" > "$dir/$feed.log" 2>&1
    expect_status hosted/gps-$feed-status $? 0 "$dir/$feed.log"
done
expect_gps_known "$dir/known.log" hosted
expect_gps_fuzz "$dir/fuzz.log" hosted
