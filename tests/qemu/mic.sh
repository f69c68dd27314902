# The microphone driver under QEMU (tools/qemu.sh --audio: an AC'97 on the
# silent none backend): it finds the controller, captures at the rate the
# codec reports (measured within 5 %), its counts grow every second, and
# after its quiesce the engine is stopped and bus mastering is off, as the
# driver reads back and as the host sees through QEMU's own monitor. And
# without the controller it says so and exits cleanly, no fault.
. tests/lib.sh
dir=$LOGDIR/mic
rm -rf "$dir"
mkdir -p "$dir"
log=$dir/mic.log

# QEMU's monitor on FIFOs (its pipe chardev): `info mtree` lists the
# AC97's bus-master alias under "address-space: AC97" only while its PCI
# command register has bus mastering on.
mkfifo "$dir/mon.in" "$dir/mon.out"
timeout 120 cat "$dir/mon.out" > "$dir/monitor.log" &
reader=$!

# until PATTERN FILE: wait (at most 60 s) for a line of FILE to match.
until_in() {
    _u_i=0
    while ! tr -d '\r' 2>/dev/null < "$2" | grep -Eq -- "$1"; do
        _u_i=$((_u_i + 1))
        [ $_u_i -lt 600 ] || return 1
        sleep 0.1
    done
}
# mtree N OUT: ask for the memory tree, the Nth answer's AC97 block to OUT.
mtree() {
    printf 'info mtree\n' > "$dir/mon.in"
    _m_i=0
    while [ "$(grep -c 'address-space: AC97' "$dir/monitor.log")" -lt "$1" ] && [ $_m_i -lt 100 ]; do
        _m_i=$((_m_i + 1))
        sleep 0.1
    done
    sleep 0.5 # the rest of the block
    tr -d '\r' < "$dir/monitor.log" | awk -v n="$1" '
        /address-space: AC97/ { k++; if (k == n) { on = 1; next } }
        on && /^$/ { exit }
        on { print }' > "$2"
}

# The guest's console: start the driver, look at the device from the host
# while it captures and once it has exited, then power off.
{
    mic_script 3
    until_in 'mic: capturing' "$log" && mtree 1 "$dir/mtree-running.txt"
    until_in 'micapp exited' "$log" && mtree 2 "$dir/mtree-stopped.txt"
    printf 'halt\n'
} | timeout 120 tools/qemu.sh --kernel "$TEST_KERNEL" --audio -- -monitor "pipe:$dir/mon" > "$log" 2>&1
status=$?
kill $reader 2>/dev/null
wait $reader 2>/dev/null
expect_status qemu/mic-status $status 0 "$log" # halt: ACPI power-off

# What the driver said (tests/lib.sh); QEMU's none backend records silence.
expect_mic_capture "$log" qemu 0
# The quiesce as the host sees it: the bus-master alias there while
# capturing, gone after.
if grep -q 'alias bus master' "$dir/mtree-running.txt" 2>/dev/null; then
    result PASS qemu/mic-host-bus-master-on-while-capturing
else
    result FAIL qemu/mic-host-bus-master-on-while-capturing "no bus-master alias in the AC97's address space (see $dir/monitor.log)"
fi
if grep -q 'bus master container' "$dir/mtree-stopped.txt" 2>/dev/null &&
   ! grep -q 'alias bus master' "$dir/mtree-stopped.txt"; then
    result PASS qemu/mic-host-bus-master-off-after-quiesce
else
    result FAIL qemu/mic-host-bus-master-off-after-quiesce "the AC97 can still master the bus (see $dir/monitor.log)"
fi

# No AC'97: the driver says so and exits 0; nothing faults.
nodev=$dir/nodevice.log
{ mic_nodev_script; printf 'halt\n'; } | timeout 60 tools/qemu.sh --kernel "$TEST_KERNEL" > "$nodev" 2>&1
expect_status qemu/mic-nodevice-status $? 0 "$nodev"
expect_mic_nodevice "$nodev" qemu
