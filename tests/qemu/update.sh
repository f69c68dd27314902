# Live update (docs/apps.md, "Updating a running component"): while
# fsstress writes, renames, removes and syncs files on the disk, the shell
# updates the disk driver and the block service, then the UART driver it
# talks through, each to a package of its own module, without a reboot.
# Each restarts on the new code in a new generation; fsstress rides the
# restarts out as it rides faults out (tests/qemu/fsfaults.sh). Nothing is
# lost: afterwards every file fsstress reported synced is there whole
# (tests/tools/fscheck.c), the image checks clean, and the shell still
# answers what is typed after the UART driver's update.
# test: long (it starts first when the layer runs scripts side by side)
. tests/lib.sh
dir=$LOGDIR/update
fsfaults_image "$dir"
expect_status qemu/update-setup $? 0 "$dir/mke2fs.log"
{ debugfs -w -R "mkdir apps" "$dir/disk.img" &&
  for p in block virtio_blk uart; do
      debugfs -w -R "write $BUILD/apps/sys/$p.azpkg apps/$p.azpkg" "$dir/disk.img"
  done; } > "$dir/put.log" 2>&1
expect_status qemu/update-put $? 0 "$dir/put.log"
log=$dir/update.log
: > "$log"
{
    sleep 4; printf 'start shell\nstart uart\n'
    sleep 3; printf 'start fsstress 0 1200\r'
    sleep 3; printf 'update virtio_blk virtio_blk\r'
    sleep 3; printf 'update block block\r'
    sleep 3; printf 'update uart uart\r'
    sleep 2; printf 'write /typed.txt typed after the update\r'
    sleep 1; printf 'cat /typed.txt\r'
    sleep 1; printf 'update nosuch block\r'
    wait_log "$log" '^fsstress: done' 120
    sleep 1; printf 'ps\r'
    sleep 1; printf 'halt\r'
    sleep 2
} | timeout 240 tools/qemu.sh --kernel "$TEST_KERNEL" --disk "$dir/disk.img" > "$log" 2>&1
expect_status qemu/update-status $? 0 "$log"
expect_in "$log" qemu/update-done \
    '^updated virtio_blk from /apps/virtio_blk\.azpkg$' '^updated block from /apps/block\.azpkg$' \
    '^updated uart from /apps/uart\.azpkg$'
expect_in "$log" qemu/update-new-generation '^virtio_blk +running +2 ' '^block +running +2 ' '^uart +running +2 '
expect_in "$log" qemu/update-shell-answers '^typed after the update$'
expect_in "$log" qemu/update-unknown '^update nosuch: ENOENT \(no such component\)$'
expect_in "$log" qemu/update-workload-done '^fsstress: done$'
# The updates came while it wrote: its end is after the last one.
last_update=$(tr -d '\r' < "$log" | grep -n '^updated uart from' | cut -d: -f1)
done_at=$(tr -d '\r' < "$log" | grep -n '^fsstress: done$' | cut -d: -f1)
if [ -n "$last_update" ] && [ -n "$done_at" ] && [ "$done_at" -gt "$last_update" ]; then
    result PASS qemu/update-during-workload
else
    result FAIL qemu/update-during-workload "fsstress ended (line ${done_at:-?}) before the last update (line ${last_update:-?}) of $log"
fi
expect_none "$log" qemu/update-no-fault 'KERNEL PANIC|kernel fault|kpanic|^fault: ' 'a fault'
e2fsck -fn "$dir/disk.img" > "$dir/fsck.log" 2>&1
expect_status qemu/update-clean $? 0 "$dir/fsck.log"
mkdir -p "$dir/dump"
debugfs -R "rdump /stress $dir/dump" "$dir/disk.img" > /dev/null 2>&1
tr -d '\r' < "$log" > "$dir/console.log"
"$dir/fscheck" "$dir/console.log" "$dir/dump/stress" > "$dir/check.log" 2>&1
expect_status qemu/update-synced-intact $? 0 "$dir/check.log"
