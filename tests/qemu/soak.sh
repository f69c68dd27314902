# Fault-injection soak (docs/drivers.md): while blktest writes and reads back
# known patterns through the block service and the virtio-blk driver,
# faultinject makes one of virtio_blk, block, uart and fb trap, 100 times (a
# random fault kind, 60-180 ms apart, about 12 s; blktest goes on for 25 s,
# so it sees them all), and the supervisor restarts each. The kernel must
# never panic; every block operation completes, retried if it failed; the
# disk image, checked from the host, holds exactly what blktest believes it
# wrote; and all four are running at the end. blktest also writes a line
# to the serial and screen consoles every 32 rounds, through uart and fb
# while they fail: none may be lost. (The monitor has read the whole script
# before the UART driver takes the serial line.)
. tests/lib.sh
log=$LOGDIR/soak.log
img=$LOGDIR/soak.img
rm -f "$img"
truncate -s 16M "$img"
printf 'start uart\nstart blktest soak 25\nstart faultinject 100 virtio_blk block uart fb\nwait faultinject 120\nwait blktest 120\nsleep 500\nps\nhalt\n' |
    timeout 300 tools/qemu.sh --vga --disk "$img" > "$log" 2>&1
expect_status qemu/soak-status $? 0 "$log"
expect_in "$log" qemu/soak-injected \
    'faultinject: injected 100 faults \(virtio_blk [0-9]+, block [0-9]+, uart [0-9]+, fb [0-9]+\)' \
    '^faultinject exited with status 0'
expect_in "$log" qemu/soak-all-back '^virtio_blk +running ' '^block +running ' '^uart +running ' \
    '^fb +running ' '^supervisor +running +1 '
expect_in "$log" qemu/soak-client 'blktest: soak: [0-9]+ rounds in 25 s, [0-9]+ operations retried, 0 lost, 0 mismatches' \
    'blktest: soak: [1-9][0-9]* console lines through uart and fb, 0 lost' \
    'blktest: soak round [0-9]+' \
    '^blktest exited with status 0'
injected=$(tr -d '\r' < "$log" | grep -c '^fault: .*(injected)$')
recovered=$(tr -d '\r' < "$log" | sed -n 's/.*blktest: soak: [0-9]* rounds in 25 s, \([0-9]*\) operations retried.*/\1/p')
lost=$(tr -d '\r' < "$log" | sed -n 's/.*operations retried, \([0-9]*\) lost.*/\1/p')
echo "  soak: injected ${injected} / recovered ${recovered:-?} / lost ${lost:-?}"
if [ "$injected" -eq 100 ]; then result PASS qemu/soak-faults-reported
else result FAIL qemu/soak-faults-reported "$injected injected faults reported, want 100 (log: $log)"; fi
versions=$(tr -d '\r' < "$log" | sed -n 's/.*blktest: soak: believed versions://p')
cc -O2 -o "$LOGDIR/diskpattern" tests/tools/diskpattern.c
# shellcheck disable=SC2086 # one argument per slot
"$LOGDIR/diskpattern" "$img" soak $versions > "$LOGDIR/soak-image.log" 2>&1
expect_status qemu/soak-image-from-host $? 0 "$LOGDIR/soak-image.log"
