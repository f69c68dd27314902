# Every driver holds only its device's resources: asked to reach past them
# (ATH_OP_PROBE), each has every attempt refused by the kernel, reported on
# the console and counted (docs/drivers.md; the rtc driver has its own probe
# in the driver session). And the PCI service gives a device only to the
# component the manifest names for it, and tells a component about no
# device but its own (hwid; docs/privacy.md, "Hardware identifiers").
. tests/lib.sh
log=$LOGDIR/probe.log
img=$LOGDIR/probe.img
rm -f "$img"
truncate -s 16M "$img"
printf 'start uart\nsleep 2000\nstart probe\nwait probe\ncaps fb\nstart hwid\nwait hwid\nhalt\n' |
    timeout 90 tools/qemu.sh --kernel "$TEST_KERNEL" --vga --disk "$img" > "$log" 2>&1
expect_status qemu/probe-status $? 0 "$log"
for d in pci uart ps2kbd fb; do
    expect_in "$log" qemu/probe-$d "probe: $d: 5 of 5 accesses outside its capabilities refused"
    n=$(tr -d '\r' < "$log" | grep -c "comp $d: refused ")
    if [ "$n" -eq 5 ]; then result PASS qemu/probe-$d-reported
    else result FAIL qemu/probe-$d-reported "$n kernel reports for $d, want 5 (log: $log)"; fi
done
expect_in "$log" qemu/probe-virtio_blk 'probe: virtio_blk: 6 of 6 accesses outside its capabilities refused'
expect_in "$log" qemu/probe-pci-claim 'pci: refused: probe may not claim 1af4:1001 \(manifest\)' \
    'probe: claiming the disk from the PCI service: 0, -8'
expect_in "$log" qemu/probe-summary '^probe exited with status 0' '^hardware accesses refused: 5$'
expect_in "$log" qemu/probe-hw-ids \
    'hwid: its own device, index [0-9]+: 8086:1237 class 060000 at 00:00\.0' \
    'hwid: count -8; 680 of 680 questions about functions not its own refused \(EPERM\)' \
    '^hwid exited with status 0'
