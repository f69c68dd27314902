# The filesystem on the hosted platform (docs/files.md), under ASan and
# UBSan: the same driver, block service and filesystem service on the
# virtio-blk double (platform/hosted/virtio_blk.c, AZOTH_DISK names the
# image), the same checks as under QEMU (tests/qemu/files.sh): the
# service's protocol, the WASI conformance suite, the image read and
# checked on the host, a disk without a filesystem refused. And without a
# disk, the service quietly has nothing to serve.
. tests/lib.sh
dir=$LOGDIR/files
files_image "$dir"
expect_status hosted/files-mke2fs $? 0 "$dir/mke2fs.log"
log=$dir/wasi.log
printf "$FILES_SCRIPT" | AZOTH_DISK="$dir/ext4.img" timeout 240 "$TEST_HOSTED" > "$log" 2>&1
expect_status hosted/files-status $? 0 "$log"
expect_in "$log" hosted/files-double 'pci: 00:04\.0 1af4:1042 storage controller bar4=0xfe000000\+0x4000 irq 11' \
    'virtio_blk: 65536 sectors \(32768 KiB\), serving'
expect_files_session "$log" hosted "$dir"
truncate -s 16M "$dir/empty.img"
log=$dir/empty.log
printf "$FILES_EMPTY_SCRIPT" | AZOTH_DISK="$dir/empty.img" timeout 90 "$TEST_HOSTED" > "$log" 2>&1
expect_status hosted/files-empty-status $? 0 "$log"
expect_files_refused "$log" hosted
log=$dir/nodisk.log # the block service waits 2 s for a driver that may be restarting
printf 'sleep 3000\nps\nhalt\n' | timeout 90 "$TEST_HOSTED" > "$log" 2>&1
expect_status hosted/files-nodisk-status $? 0 "$log"
expect_in "$log" hosted/files-nodisk '^fs +exited .*exited \(status 0\)'
