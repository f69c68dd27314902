# The filesystem service on bare metal (docs/files.md): libext2fs, built
# from Debian's e2fsprogs for wasm32, mounts an ext4 image the host made
# with mke2fs -d from a folder, read-write, through the block service and
# the virtio-blk driver. The WASI conformance suite (wasifs) runs every
# preview-1 file call against it through the kernel's WASI layer; a direct
# client speaks the service's protocol; afterwards the host reads what
# Azoth wrote with debugfs and checks the image with e2fsck. A disk with no
# filesystem on it is refused with a message, and the rest of the system
# goes on. (tests/hosted/files.sh: the same on the hosted platform.)
. tests/lib.sh
dir=$LOGDIR/files
files_image "$dir"
expect_status qemu/files-mke2fs $? 0 "$dir/mke2fs.log"
log=$dir/wasi.log
printf "$FILES_SCRIPT" | timeout 240 tools/qemu.sh --kernel "$TEST_KERNEL" --disk "$dir/ext4.img" > "$log" 2>&1
expect_status qemu/files-status $? 0 "$log"
expect_files_session "$log" qemu "$dir"
truncate -s 16M "$dir/empty.img"
log=$dir/empty.log
printf "$FILES_EMPTY_SCRIPT" | timeout 90 tools/qemu.sh --kernel "$TEST_KERNEL" --disk "$dir/empty.img" > "$log" 2>&1
expect_status qemu/files-empty-status $? 0 "$log"
expect_files_refused "$log" qemu
