#!/bin/sh
# A GPS receiver for tests and benchmarks: NMEA 0183 positions on stdout,
# ten a second, forever (five reference GGA sentences in turn, valid
# checksums). Write it into COM2's FIFO: AZOTH_COM2 (hosted) or
# tools/qemu.sh --com2 PATH (PATH.in).
while :; do
    for s in '$GPGGA,120000,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*49' \
             '$GPGGA,120001,4807.045,N,01131.011,E,1,08,0.9,545.4,M,46.9,M,,*42' \
             '$GPGGA,120002,4807.052,N,01131.022,E,1,08,0.9,545.4,M,46.9,M,,*47' \
             '$GPGGA,120003,4807.059,N,01131.033,E,1,08,0.9,545.4,M,46.9,M,,*4D' \
             '$GPGGA,120004,4807.066,N,01131.044,E,1,08,0.9,545.4,M,46.9,M,,*46'; do
        printf '%s\r\n' "$s" || exit 0
        sleep 0.1
    done
done
