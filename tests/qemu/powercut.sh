# Power cuts (docs/files.md, "Crash safety"): QEMU is killed (SIGKILL) at a
# random moment while fsstress writes, renames, removes and syncs files on
# one ext4 disk, POWERCUT_CYCLES times (50 here; `make powercut` runs
# 1000). After each cut, on a copy of the disk, e2fsprogs' own journal
# replay (e2fsck -E journal_only, the code the service replays with too),
# then `e2fsck -fn` must find nothing to fix, and every file fsstress
# reported synced must be there whole and no file may hold bytes it was
# never given (tests/tools/fscheck.c). Every tenth cut the service itself
# replays the journal at mount, syncs, and the disk must then check clean
# as it is. Each boot goes on from the last one's disk, crash and all.
# test: long (it starts first when the layer runs scripts side by side)
. tests/lib.sh
dir=$LOGDIR/powercut
cycles=${POWERCUT_CYCLES:-50}
name=${POWERCUT_NAME:-qemu/powercut}
rm -rf "$dir"
mkdir -p "$dir/root/stress"
img=$dir/disk.img
mke2fs -q -t ext4 -d "$dir/root" "$img" 64M > "$dir/mke2fs.log" 2>&1 || {
    result FAIL "$name-setup" "mke2fs failed (log: $dir/mke2fs.log)"
    exit 0
}
cc -O2 -o "$dir/fscheck" tests/tools/fscheck.c
all=$dir/all.log # every cycle's console, in order: what was synced when
: > "$all"
cut=0 replayed=0 failed=0 synced=0
c=1
while [ $c -le $cycles ]; do
    # 0.8-2.8 s after QEMU starts (the workload starts about 0.5 s in)
    ms=$((800 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 2000))
    log=$dir/cycle-$c.log
    (printf 'start fsstress %d 0\n' $((c * 1000)) |
        timeout -s KILL "$(awk -v m="$ms" 'BEGIN { printf "%.3f", m / 1000 }')" \
            tools/qemu.sh --kernel "$TEST_KERNEL" --disk "$img" > "$log" 2>&1) 2>/dev/null # the shell says "Killed"
    tr -d '\r' < "$log" >> "$all"
    cut=$((cut + 1))
    # The host's check, on a copy: replay, then nothing to fix.
    cp "$img" "$dir/copy.img"
    e2fsck -fy -E journal_only "$dir/copy.img" > "$dir/replay-$c.log" 2>&1
    why=""
    if ! e2fsck -fn "$dir/copy.img" > "$dir/fsck-$c.log" 2>&1; then
        why="e2fsck -fn after the replay found problems (log: $dir/fsck-$c.log, cut at $ms ms)"
    else
        rm -rf "$dir/dump" && mkdir "$dir/dump"
        debugfs -R "rdump /stress $dir/dump" "$dir/copy.img" > /dev/null 2>&1
        if ! "$dir/fscheck" "$all" "$dir/dump/stress" > "$dir/check-$c.log" 2>&1; then
            why="$(grep -v '^fscheck: [0-9]* synced' "$dir/check-$c.log" | head -3 | tr '\n' ' ')(cut at $ms ms)"
        fi
    fi
    # Every tenth, and the last: the service replays at mount and syncs.
    if [ -z "$why" ] && { [ $((c % 10)) -eq 0 ] || [ $c -eq $cycles ]; }; then
        log=$dir/mount-$c.log
        printf 'start fsstress %d 1\nwait fsstress 30\nhalt\n' $((c * 1000 + 500)) |
            timeout 60 tools/qemu.sh --kernel "$TEST_KERNEL" --disk "$img" > "$log" 2>&1
        tr -d '\r' < "$log" >> "$all"
        replayed=$((replayed + 1))
        if ! grep -q '^fsstress: done' "$log"; then
            why="after the cut, the service did not come back to a working disk (log: $log)"
        elif ! e2fsck -fn "$img" > "$dir/fsck-mount-$c.log" 2>&1; then
            why="after the service's own replay and a sync, e2fsck -fn found problems (log: $dir/fsck-mount-$c.log)"
        fi
    fi
    if [ -n "$why" ]; then
        failed=$((failed + 1))
        result FAIL "$name-cut-$c" "$why"
    else
        result PASS "$name-cut-$c"
    fi
    c=$((c + 1))
done
synced=$(grep -c '^fsstress: synced' "$all")
echo "  powercut: $cut cuts, $replayed replays by the service, $synced files synced, $failed failed"
# The workload must have run: cuts of a disk nobody wrote prove nothing.
if [ "$synced" -gt $((cycles * 5)) ]; then
    result PASS "$name-workload-ran"
else
    result FAIL "$name-workload-ran" "only $synced files synced in $cut cycles (logs: $dir)"
fi
