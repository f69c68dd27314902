# The file benchmarks (docs/files.md, "Benchmarks"), read by bench/run.sh
# (its record function and $B): fsbench's steps (components/bench/fsbench: 1000 files
# of 4 KiB created, written and synced one by one, read back, listed,
# deleted; one 64 MiB file written and synced, read back) on
#   Azoth hosted  the component, through WASI and the filesystem service, on
#                 the virtio-blk double (an image file on the host)
#   Azoth QEMU    the same under QEMU (TCG: only its ratios mean anything)
#   host-fs       the same program natively, on the host's own filesystem
#   libext2fs     the service's own code natively on an image file, through
#                 its protocol without IPC, SFI or WASI (bench/fslib.c):
#                 the like-for-like baseline
# all in this run, each image made fresh (ext4, 4 KiB blocks, 256 MiB).
cc -O2 -Wall -Wextra -Werror -o "$B/fsbench-native" components/bench/fsbench/fsbench.c
newimg() { rm -f "$1"; mke2fs -q -t ext4 -b 4096 "$1" 256M > /dev/null 2>&1; }
lines() { tr -d '\r' | grep '^bench: fs-' || true; }

d=$(mktemp -d "$B/fsbench-host.XXXXXX")
host=$("$B/fsbench-native" "$d" | lines)
rm -rf "$d"
newimg "$B/fslib.img"
lib=$("${BUILD:-build}/fsfuzz/opt/fslib" "$B/fslib.img" | lines)
newimg "$B/fs-hosted.img"
hosted=$(printf 'sleep 500\nstart fsbench\nwait fsbench 900\nhalt\n' |
    AZOTH_DISK="$B/fs-hosted.img" timeout 1000 "${BUILD:-build}/hosted/azoth-test" 2>&1 | lines)
newimg "$B/fs-qemu.img"
qemu=$(printf 'sleep 1000\nstart fsbench\nwait fsbench 1800\nhalt\n' |
    timeout 2000 tools/qemu.sh --kernel "${BUILD:-build}/x86_64/azoth-test.bin.elf" --disk "$B/fs-qemu.img" 2>&1 | lines)
rm -f "$B/fslib.img" "$B/fs-hosted.img" "$B/fs-qemu.img"

pick() { echo "$2" | awk -v n="$1" '$2 == n { print $3 }'; }
for w in fs-create-1000x4k fs-read-1000x4k fs-list-1000 fs-delete-1000 fs-write-64m fs-read-64m; do
    record "$w" hosted ns "$(pick $w "$hosted")" host-fs "$(pick $w "$host")"
    record "$w-lib" hosted ns "$(pick $w "$hosted")" libext2fs-native "$(pick $w "$lib")"
    record "$w" qemu ns "$(pick $w "$qemu")" libext2fs-native "$(pick $w "$lib")"
done
