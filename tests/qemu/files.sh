# The filesystem service on bare metal (docs/files.md): libext2fs, built
# from Debian's e2fsprogs for wasm32, mounts an ext4 image the host made
# with mke2fs -d from a folder, through the block service and the virtio-blk
# driver; a client lists the folder's files and reads them through the
# service's protocol; a disk with no filesystem on it is refused with a
# message, and the rest of the system goes on.
. tests/lib.sh
dir=$LOGDIR/files
rm -rf "$dir"
mkdir -p "$dir/root/docs"
echo "hello from the host" > "$dir/root/hello.txt"
cp docs/ipc.md "$dir/root/docs/"
mke2fs -q -t ext4 -d "$dir/root" "$dir/ext4.img" 32M > "$dir/mke2fs.log" 2>&1
expect_status qemu/files-mke2fs $? 0 "$dir/mke2fs.log"
log=$dir/mount.log
printf 'start fs\nsleep 2000\nstart fsclient\nwait fsclient\nps\nhalt\n' |
    timeout 90 tools/qemu.sh --kernel "$TEST_KERNEL" --disk "$dir/ext4.img" > "$log" 2>&1
expect_status qemu/files-mount-status $? 0 "$log"
expect_in "$log" qemu/files-mount \
    'fs: mounted read-only: 32768 blocks of 1024 bytes, 8192 inodes, [0-9]+ blocks free' \
    '^fs: serving'
# A client reads through the service's protocol (fsclient).
expect_in "$log" qemu/files-read \
    '^fsclient: / holds: .*hello\.txt' \
    '^fsclient: /hello\.txt \(20 bytes\): hello from the host$' \
    '^fsclient: at its end: 0 bytes$' \
    "^fsclient: /docs/ipc.md: $(wc -c < docs/ipc.md) bytes read, stat says $(wc -c < docs/ipc.md)\$" \
    '^fsclient: /missing: No such file or directory$' \
    '^fsclient: a relative path: Invalid argument$' \
    '^fsclient: another.s handle: Bad file descriptor$' \
    '^fsclient exited with status 0$'
# The image is as the host made it: the service mounted it read-only.
e2fsck -fn "$dir/ext4.img" > "$dir/fsck.log" 2>&1
expect_status qemu/files-image-clean $? 0 "$dir/fsck.log"
# No filesystem: a clear refusal, and the system goes on.
truncate -s 16M "$dir/empty.img"
log=$dir/empty.log
printf 'start fs\nsleep 1000\nps\nhalt\n' |
    timeout 90 tools/qemu.sh --kernel "$TEST_KERNEL" --disk "$dir/empty.img" > "$log" 2>&1
expect_status qemu/files-empty-status $? 0 "$log"
expect_in "$log" qemu/files-empty-refused \
    'fs: the disk holds no ext2/3/4 filesystem this service can mount: Bad magic number in super-block' \
    '^fs +exited .*exited \(status 1\)'
