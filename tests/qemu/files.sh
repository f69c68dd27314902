# The filesystem service on bare metal (docs/files.md): libext2fs, built
# from Debian's e2fsprogs for wasm32, mounts an ext4 image the host made
# with mke2fs -d from a folder, read-write, through the block service and
# the virtio-blk driver. The WASI conformance suite (wasifs) runs every
# preview-1 file call against it through the kernel's WASI layer; a direct
# client speaks the service's protocol; afterwards the host reads what
# Azoth wrote with debugfs and checks the image with e2fsck. A disk with no
# filesystem on it is refused with a message, and the rest of the system
# goes on.
. tests/lib.sh
dir=$LOGDIR/files
rm -rf "$dir"
mkdir -p "$dir/root/docs" "$dir/root/work" "$dir/root/ro"
echo "hello from the host" > "$dir/root/hello.txt"
echo "read me!" > "$dir/root/ro/readme.txt"
echo "not for wasifs" > "$dir/root/secret.txt"
ln -s ../secret.txt "$dir/root/work/up"
ln -s /secret.txt "$dir/root/work/abs"
cp docs/ipc.md "$dir/root/docs/"
mke2fs -q -t ext4 -d "$dir/root" "$dir/ext4.img" 32M > "$dir/mke2fs.log" 2>&1
expect_status qemu/files-mke2fs $? 0 "$dir/mke2fs.log"
log=$dir/wasi.log
printf 'start fs\nsleep 2000\nstart fsclient\nwait fsclient\nstart wasifs\nwait wasifs 120\nps\nhalt\n' |
    timeout 240 tools/qemu.sh --kernel "$TEST_KERNEL" --disk "$dir/ext4.img" > "$log" 2>&1
expect_status qemu/files-status $? 0 "$log"
expect_in "$log" qemu/files-mount \
    'fs: mounted read-write: 32768 blocks of 1024 bytes, 8192 inodes, [0-9]+ blocks free' \
    '^fs: serving'
# A component with the service's endpoint speaks its protocol (fsclient).
expect_in "$log" qemu/files-protocol \
    '^fsclient: 32768 blocks of 1024 bytes, [0-9]+ free, read-write$' \
    '^fsclient: /hello\.txt: hello from the host$' \
    '^fsclient: at its end: 0 bytes$' \
    '^fsclient: /missing: No such file or directory$' \
    '^fsclient: a handle it was not given: Bad file descriptor$' \
    '^fsclient: a short block: Invalid argument$' \
    '^fsclient exited with status 0$'
# Every WASI file call, its successes and its errno values.
suite_results wasifs qemu/wasi "$log"
expect_in "$log" qemu/files-wasifs-exit '^wasifs exited with status 0$'
expect_none "$log" qemu/files-no-kernel-fault 'KERNEL PANIC|kpanic|page fault in kernel' 'a kernel fault'
# What Azoth wrote, read on the host with the format's own tools.
debugfs -R 'cat /work/from-azoth.txt' "$dir/ext4.img" > "$dir/from-azoth.txt" 2> "$dir/debugfs.log"
if [ "$(cat "$dir/from-azoth.txt")" = "made by wasifs" ]; then
    result PASS qemu/files-read-on-host
else
    result FAIL qemu/files-read-on-host "debugfs read '$(head -c 80 "$dir/from-azoth.txt")' (log: $dir/debugfs.log)"
fi
debugfs -R 'cat /work/kept.txt' "$dir/ext4.img" > "$dir/kept.txt" 2>> "$dir/debugfs.log"
expect_in "$dir/kept.txt" qemu/files-libc-on-host '^written in Azoth: 42$'
# The image checks clean: the service synced and marked it so.
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
