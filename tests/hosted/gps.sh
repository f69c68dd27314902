# The GPS driver on the hosted platform's COM2 double (AZOTH_COM2 names the
# file the receiver "sends"): it parses the sentences it is fed, prints each
# position, counts and drops bad input; and thousands of random and mutated
# lines do not bring it down (components/drivers/gps, docs/privacy.md).
. tests/lib.sh
dir=$LOGDIR/gps
rm -rf "$dir"
mkdir -p "$dir"
SCRIPT='start gps\nwait gps 2\nps\nhalt\n'

# What a receiver sends, good and bad, with line ends as receivers write them.
{
    printf 'boot banner noise\r\n'
    printf '$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47\r\n'
    printf '$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A\r\n'
    printf '$GPGSV,1,1,01,03,03,111,00*49\r\n'
    printf '$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*48\r\n'  # checksum
    printf '$GPGGA,123519,9107.038,N,01131.000,E,1,08,0.9,545.4,M,,M,,*56\r\n'      # latitude 91
    printf '$GPGGA,%0200d*00\r\n' 0                                                # too long
    printf '$GNGGA,235959,3352.1234,S,15112.5678,W,2,12,1.25,-12.5,M,,M,,*68\n'
} > "$dir/known.nmea"
printf "$SCRIPT" | AZOTH_COM2="$dir/known.nmea" timeout 60 "$TEST_HOSTED" > "$dir/known.log" 2>&1
expect_status hosted/gps-status $? 0 "$dir/known.log"
expect_in "$dir/known.log" hosted/gps-positions \
    '^gps: GGA 12:35:19 48\.1173000 N 11\.5166666 E alt 545\.400 m quality 1 satellites 8 hdop 0\.90$' \
    '^gps: RMC 12:35:19 48\.1173000 N 11\.5166666 E active date 230394$' \
    '^gps: GGA 23:59:59 33\.8687233 S 151\.2094633 W alt -12\.500 m quality 2 satellites 12 hdop 1\.25$'
expect_in "$dir/known.log" hosted/gps-counts \
    '^gps: sentences 4 \(gga 2, rmc 1, other 1\), bad checksum 1, malformed 1, too long 1$'
if [ "$(grep -c '^gps: [GR][GM][AC] ' "$dir/known.log")" -eq 3 ]; then
    result PASS hosted/gps-nothing-from-bad-input
else
    result FAIL hosted/gps-nothing-from-bad-input "want exactly 3 positions in $dir/known.log"
fi

# 5000 lines: random bytes of the NMEA alphabet and valid sentences with
# bytes changed, cut or repeated (awk's generator, fixed seed).
awk 'BEGIN {
    srand(20261129)
    a = "$*,.-0123456789ABCDEFGMNPRSVWXYZ \r"
    v[0] = "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47"
    v[1] = "$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A"
    for (i = 0; i < 5000; i++) {
        if (i % 2) {
            s = v[int(rand() * 2)]
            for (e = 0; e < 1 + int(rand() * 3); e++) {
                at = 1 + int(rand() * length(s))
                k = int(rand() * 3)
                if (k == 0) s = substr(s, 1, at - 1) substr(a, 1 + int(rand() * length(a)), 1) substr(s, at + 1)
                else if (k == 1) s = substr(s, 1, at)
                else s = substr(s, 1, at) substr(s, at - 5 > 0 ? at - 5 : 1)
            }
        } else {
            s = ""
            n = int(rand() * 140)
            for (k = 0; k < n; k++) s = s substr(a, 1 + int(rand() * length(a)), 1)
        }
        print s
    }
}' > "$dir/fuzz.nmea"
printf "$SCRIPT" | AZOTH_COM2="$dir/fuzz.nmea" timeout 60 "$TEST_HOSTED" > "$dir/fuzz.log" 2>&1
expect_status hosted/gps-fuzz-status $? 0 "$dir/fuzz.log"
expect_in "$dir/fuzz.log" hosted/gps-fuzz-survives '^gps: sentences [0-9]+ ' '^ *gps +running'
if grep -q 'fault: gps' "$dir/fuzz.log"; then
    result FAIL hosted/gps-fuzz-no-fault "the driver faulted on fuzzed input: $dir/fuzz.log"
else
    result PASS hosted/gps-fuzz-no-fault
fi
