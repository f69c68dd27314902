# Sensor sessions end to end on bare metal (kernel/ktest/test_sessions.c,
# azoth.test=sessions): a GPS receiver keeps sending into COM2 (a FIFO,
# tools/qemu.sh --com2) and QEMU's AC'97 captures silence (--audio) while
# every way a session ends is tried; after each, the kernel finds the
# driver without hardware, its line unbound and silent, the UART's
# interrupts off, the AC'97's engine stopped and its bus mastering off.
. tests/lib.sh
dir=$LOGDIR/sessions
rm -rf "$dir"
mkdir -p "$dir"
log=$dir/sessions.log
mkfifo "$dir/com2.in" "$dir/com2.out"
gps_receiver > "$dir/com2.in" &
receiver=$!
timeout 300 cat "$dir/com2.out" > /dev/null &
reader=$!
timeout 300 tools/qemu.sh --kernel "$TEST_KERNEL" --test --audio --com2 "$dir/com2" \
    --append azoth.test=sessions < /dev/null > "$log" 2>&1
rc=$?
kill $receiver $reader 2>/dev/null
wait $receiver $reader 2>/dev/null
ktest_results qemu/sessions "$log"
expect_status qemu/sessions-exit "$rc" 33 "$log"
