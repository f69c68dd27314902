# The image fuzzer (docs/files.md, "Bad input"): mutated ext2/ext4 images
# against the filesystem service's own code (tests/fuzz/fsimage.c: mount,
# list, stat, read, create, write, sync, rename, remove, the journal's
# replay and commits), compiled for the host with AFL++'s instrumentation
# and ASan/UBSan (mk/fsfuzz.mk). The seeds (images mke2fs makes from a
# folder) must pass clean; then FSIMAGE_SECONDS of AFL++ (45 here; `make
# fsfuzz` runs an hour). What a crash there means on Azoth, the service
# trapping, is then checked on the hosted build itself: every crashing and
# hanging image AFL++ found, and a sample of its queue, is the disk of a
# hosted boot where fsprobe lists, reads and writes it: the service answers,
# refuses or traps and is restarted, fsprobe finishes, the kernel does not
# fault, and the system halts when told.
# test: long (it starts first when the layer runs scripts side by side)
. tests/lib.sh
dir=$LOGDIR/fsimage
seconds=${FSIMAGE_SECONDS:-45}
rm -rf "$dir"
mkdir -p "$dir/seeds" "$dir/root/d"
echo hello > "$dir/root/a.txt"
seq 1 2000 > "$dir/root/d/b.txt"
ln -s a.txt "$dir/root/l"
ln -s ../../outside "$dir/root/d/up"
{ mke2fs -q -t ext2 -b 1024 -N 32 -d "$dir/root" "$dir/seeds/ext2.img" 128K &&
  mke2fs -q -t ext4 -b 1024 -N 32 -O ^has_journal -d "$dir/root" "$dir/seeds/ext4.img" 256K &&
  mke2fs -q -t ext4 -b 1024 -N 32 -J size=1 -d "$dir/root" "$dir/seeds/ext4j.img" 3M; } > "$dir/mke2fs.log" 2>&1
expect_status hosted/fsimage-seeds-made $? 0 "$dir/mke2fs.log"
bad=0
for s in "$dir"/seeds/*.img; do
    timeout 60 "$BUILD/fsfuzz/san/fsimage" "$s" > "$s.log" 2>&1 || bad=$((bad + 1))
done
expect_status hosted/fsimage-seeds-clean "$bad" 0 "$dir/seeds"

# AFL++ as tests/hosted/fuzz.sh runs it (no UI, no CPU checks), the image
# as a file; inputs up to 4 MiB (the journalled seed is 3 MiB).
AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
ASAN_OPTIONS=abort_on_error=1:symbolize=0:detect_leaks=0:allocator_may_return_null=1:handle_segv=0:handle_sigbus=0:handle_abort=0 \
    timeout $((seconds + 120)) afl-fuzz -i "$dir/seeds" -o "$dir/out" -m none -t 5000 -G 4194304 \
    -V "$seconds" -- "$BUILD/fsfuzz/afl/fsimage" @@ > "$dir/afl.log" 2>&1
stats=$dir/out/default/fuzzer_stats
execs=$(sed -n 's/^execs_done *: //p' "$stats" 2>/dev/null)
if [ "${execs:-0}" -gt 0 ]; then
    result PASS hosted/fsimage-afl-ran
else
    result FAIL hosted/fsimage-afl-ran "AFL++ did not run (log: $dir/afl.log)"
fi
crashes=$(ls "$dir"/out/default/crashes/id:* 2>/dev/null | wc -l)
hangs=$(ls "$dir"/out/default/hangs/id:* 2>/dev/null | wc -l)
# What each crash is, in the sanitizers' words (for the log and the note).
for c in "$dir"/out/default/crashes/id:*; do
    [ -f "$c" ] || continue
    timeout 60 "$BUILD/fsfuzz/san/fsimage" "$c" > "$c.report" 2>&1
    grep -m1 -E 'ERROR: AddressSanitizer|runtime error|SUMMARY' "$c.report" >> "$dir/crashes.txt"
done
echo "  fsimage: $execs executions, $crashes crashes, $hangs hangs (what they are: $dir/crashes.txt)"

# Containment on the hosted build: each crash and hang, and up to 10 of the
# queue, as the disk fsprobe works on.
n=0 failed=0
for img in "$dir"/out/default/crashes/id:* "$dir"/out/default/hangs/id:* \
           $(ls "$dir"/out/default/queue/id:* 2>/dev/null | head -10); do
    [ -f "$img" ] || continue
    n=$((n + 1))
    cp "$img" "$dir/disk-$n.img"
    log=$dir/hosted-$n.log
    printf 'sleep 500\nstart fsprobe\nwait fsprobe 60\nps\nhalt\n' |
        AZOTH_DISK="$dir/disk-$n.img" timeout 120 "$TEST_HOSTED" > "$log" 2>&1
    rc=$?
    if [ $rc -ne 0 ] || ! grep -q '^fsprobe: done' "$log" ||
       grep -Eq 'KERNEL PANIC|kernel fault|kpanic' "$log"; then
        failed=$((failed + 1))
        echo "  image $img: exit $rc (log: $log)"
    fi
done
if [ $n -gt 0 ] && [ $failed -eq 0 ]; then
    result PASS hosted/fsimage-contained "$n images ($crashes crashes, $hangs hangs, the rest from the queue)"
else
    result FAIL hosted/fsimage-contained "$failed of $n images not contained (logs in $dir)"
fi
