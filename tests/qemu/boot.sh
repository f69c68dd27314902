# Boot under QEMU (PVH, SeaBIOS) to the kernel monitor and run a scripted
# session through the serial console: banner, memory map, CPU features, every
# command's answer, usage on garbage, and a clean ACPI power-off (status 0).
. tests/lib.sh
log=$LOGDIR/session.log
printf "$MONITOR_SCRIPT" | timeout 60 tools/qemu.sh > "$log" 2>&1
rc=$?
expect_status qemu/session-poweroff-status "$rc" 0 "$log"
expect_in "$log" qemu/boot-banner \
    '^Azoth OS - Athanor microkernel .* \(x86_64, booted by PVH\)' \
    '^cpu: .*' '^cpu features: .*sse2.*' \
    '^memory: [0-9]+ MiB reported, [0-9]+ MiB usable in [0-9]+ regions' \
    '^clock: TSC [0-9]+ MHz, LAPIC timer [0-9]+ kHz' \
    '^Kernel monitor ready'
expect_monitor_session "$log" qemu/monitor-session
if grep -q 'power-off did not work' "$log"; then
    result FAIL qemu/acpi-poweroff "the kernel fell back to halting"
else
    result PASS qemu/acpi-poweroff
fi
