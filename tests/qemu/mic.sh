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
    while ! tr -d '\r' < "$2" 2>/dev/null | grep -Eq -- "$1"; do
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
    printf 'start mic seconds=3\nwait mic 20\n'
    until_in 'mic: capturing' "$log" && mtree 1 "$dir/mtree-running.txt"
    until_in 'mic exited' "$log" && mtree 2 "$dir/mtree-stopped.txt"
    printf 'halt\n'
} | timeout 120 tools/qemu.sh --kernel "$TEST_KERNEL" --audio -- -monitor "pipe:$dir/mon" > "$log" 2>&1
status=$?
kill $reader 2>/dev/null
wait $reader 2>/dev/null
expect_status qemu/mic-status $status 0 "$log" # halt: ACPI power-off

expect_in "$log" qemu/mic-found \
    "mic: AC'97 mixer at port 0x[0-9a-f]+, bus master at port 0x[0-9a-f]+" \
    'mic: capturing the microphone input at [0-9]+ Hz'

# Every second's line: frames, time, buffers and interrupts, each larger
# than the second before; the rate over the whole run within 5 % of the
# codec's; the newest 4 KiB fetched, silent (the none backend records zeros).
tr -d '\r' < "$log" | awk '
    # a line may follow the monitor echo of a command typed meanwhile
    { sub(/^.*mic: /, "mic: ") }
    /^mic: capturing the microphone input at / { nominal = $7 }
    /^mic: [0-9]+ Hz, 2 ch, 16 bit: / {
        n++
        f = $8; rate = substr($13, 2); b = $16; ir = $20; nb = $22; pk = $25
        sub(/,/, "", b); sub(/,/, "", ir)
        if (f + 0 <= lf + 0 || b + 0 <= lb + 0 || ir + 0 <= li + 0) grow = grow " second " n ": " f " frames, " b " buffers, " ir " interrupts"
        if (nb != 4096 || pk != 0) quiet = quiet " second " n ": " nb " bytes, peak " pk
        lf = f; lb = b; li = ir; last = rate
    }
    END {
        print "seconds " n
        print "grow" (grow == "" ? " ok" : ":" grow)
        print "rate " last " nominal " nominal
        print "silence" (quiet == "" ? " ok" : ":" quiet)
    }' > "$dir/counts.txt"
if grep -q '^seconds 3$' "$dir/counts.txt" && grep -q '^grow ok$' "$dir/counts.txt"; then
    result PASS qemu/mic-counts-grow
else
    result FAIL qemu/mic-counts-grow "want 3 seconds of growing counts: $(tr '\n' ';' < "$dir/counts.txt") (log: $log)"
fi
set -- $(sed -n 's/^rate \([0-9]*\) nominal \([0-9]*\)$/\1 \2/p' "$dir/counts.txt")
if [ $# -eq 2 ] && [ "$2" -gt 0 ] && [ $(($1 * 100)) -ge $(($2 * 95)) ] && [ $(($1 * 100)) -le $(($2 * 105)) ]; then
    result PASS qemu/mic-rate "$1 Hz measured, $2 Hz nominal"
else
    result FAIL qemu/mic-rate "measured '${1:-}' Hz, nominal '${2:-}' Hz: want within 5 % (log: $log)"
fi
if grep -q '^silence ok$' "$dir/counts.txt"; then
    result PASS qemu/mic-fetch-silence
else
    result FAIL qemu/mic-fetch-silence "$(grep '^silence' "$dir/counts.txt") (log: $log)"
fi

# Quiesced, as the driver read it back: engine halted and still over 50 ms,
# no interrupt, bus mastering off and INTx disabled in the command register.
expect_in "$log" qemu/mic-quiesced \
    'mic: quiesce done: engine halted, steady \(CIV [0-9]+, PICB [0-9]+, SR 0x[0-9a-f]+, CR 0 over [0-9]+ ms, 0 interrupts\), bus mastering off, interrupts off$' \
    'mic exited with status 0'
# ... and as the host sees it: the bus-master alias there while capturing,
# gone after.
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
if grep -q 'fault:' "$log"; then
    result FAIL qemu/mic-no-fault "a fault was reported: $log"
else
    result PASS qemu/mic-no-fault
fi

# No AC'97: the driver says so and exits 0; nothing faults.
nodev=$dir/nodevice.log
printf 'start mic\nwait mic 20\nhalt\n' | timeout 60 tools/qemu.sh --kernel "$TEST_KERNEL" > "$nodev" 2>&1
expect_status qemu/mic-nodevice-status $? 0 "$nodev"
expect_in "$nodev" qemu/mic-nodevice "mic: no AC'97 controller \(8086:2415\)" 'mic exited with status 0'
if grep -q 'fault:' "$nodev"; then
    result FAIL qemu/mic-nodevice-no-fault "a fault was reported: $nodev"
else
    result PASS qemu/mic-nodevice-no-fault
fi
