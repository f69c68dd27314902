# Fault-injection soak (docs/drivers.md): while blktest writes and reads back
# known patterns through the block service and the virtio-blk driver,
# faultinject makes one of virtio_blk, block, uart and fb trap, 100 times (a
# random fault kind, 60-180 ms apart, about 12 s; blktest goes on for 25 s,
# so it sees them all), and the supervisor restarts each. `make soak` runs
# it with SOAK_FAULTS=10000 over SOAK_SECONDS=1800. The kernel must
# never panic; every block operation completes, retried if it failed; the
# disk image, checked from the host, holds exactly what blktest believes it
# wrote; and all four are running at the end. blktest also writes a line
# to the serial and screen consoles every 32 rounds, through uart and fb
# while they fail: none may be lost. (The monitor has read the whole script
# before the UART driver takes the serial line.)
. tests/lib.sh
faults=${SOAK_FAULTS:-100}
seconds=${SOAK_SECONDS:-25}
log=$LOGDIR/soak.log
img=$LOGDIR/soak.img
rm -f "$img"
truncate -s 16M "$img"
printf 'start uart\nstart blktest soak %d\nstart faultinject %d virtio_blk block uart fb\nwait faultinject %d\nwait blktest %d\nsleep 500\nps\nhalt\n' \
    "$seconds" "$faults" $((seconds + 120)) $((seconds + 120)) |
    timeout $((seconds * 2 + 300)) tools/qemu.sh --kernel "$TEST_KERNEL" --vga --disk "$img" > "$log" 2>&1
expect_status qemu/soak-status $? 0 "$log"
expect_in "$log" qemu/soak-injected \
    "faultinject: injected $faults faults \\(virtio_blk [0-9]+, block [0-9]+, uart [0-9]+, fb [0-9]+\\)" \
    '^faultinject exited with status 0'
expect_in "$log" qemu/soak-all-back '^virtio_blk +running ' '^block +running ' '^uart +running ' \
    '^fb +running ' '^supervisor +running +1 '
expect_in "$log" qemu/soak-client "blktest: soak: [0-9]+ rounds in $seconds s, [0-9]+ operations retried, 0 lost, 0 mismatches" \
    'blktest: soak: [1-9][0-9]* console lines through uart and fb, 0 lost' \
    'blktest: soak round [0-9]+' \
    '^blktest exited with status 0'
injected=$(tr -d '\r' < "$log" | grep -c '^fault: .*(injected)$')
recovered=$(tr -d '\r' < "$log" | sed -n "s/.*blktest: soak: [0-9]* rounds in $seconds s, \\([0-9]*\\) operations retried.*/\\1/p")
lost=$(tr -d '\r' < "$log" | sed -n 's/.*operations retried, \([0-9]*\) lost.*/\1/p')
echo "  soak: injected ${injected} / recovered ${recovered:-?} / lost ${lost:-?}"
kfaults=$(tr -d '\r' < "$log" | grep -c 'KERNEL FAULT\|KERNEL PANIC')
echo "  soak: $kfaults kernel faults"
if [ "$injected" -eq "$faults" ] && [ "$kfaults" -eq 0 ]; then result PASS qemu/soak-faults-reported
else result FAIL qemu/soak-faults-reported "$injected injected faults reported, want $faults; $kfaults kernel faults (log: $log)"; fi
versions=$(tr -d '\r' < "$log" | sed -n 's/.*blktest: soak: believed versions://p')
cc -O2 -o "$LOGDIR/diskpattern" tests/tools/diskpattern.c
# shellcheck disable=SC2086 # one argument per slot
"$LOGDIR/diskpattern" "$img" soak $versions > "$LOGDIR/soak-image.log" 2>&1
expect_status qemu/soak-image-from-host $? 0 "$LOGDIR/soak-image.log"
