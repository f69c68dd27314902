# Faults during writes (docs/files.md, "Crash safety"): while fsstress
# writes, renames, removes and syncs files, traps are injected into the
# virtio-blk driver, the block service and the filesystem service, each
# twice. Each restarts (the filesystem service replays its journal at
# mount); fsstress rides the restarts out (a step whose sync reports that
# the service lost it is done again). Afterwards, on the host: e2fsck -fn
# finds nothing to fix, and every file fsstress reported synced is there
# whole, no file with bytes it was never given (tests/tools/fscheck.c). No
# kernel fault. (tests/hosted/fsfaults.sh: the same, hosted.)
# test: long (it starts first when the layer runs scripts side by side)
. tests/lib.sh
dir=$LOGDIR/fsfaults
fsfaults_image "$dir"
expect_status qemu/fsfaults-setup $? 0 "$dir/mke2fs.log"
log=$dir/faults.log
fsfaults_script | timeout 240 tools/qemu.sh --kernel "$TEST_KERNEL" --disk "$dir/disk.img" > "$log" 2>&1
expect_status qemu/fsfaults-status $? 0 "$log"
expect_fsfaults "$log" qemu "$dir"
