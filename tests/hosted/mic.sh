# The microphone driver on the hosted platform's AC'97 double (AZOTH_AC97:
# a PCI function behind the configuration ports, its two I/O BARs, line 10,
# and a PCM In engine that writes a ramp into the driver's DMA buffers by
# the host's clock), under ASan and UBSan: the same checks as under QEMU
# (tests/lib.sh), the ramp in what the driver fetches, and the double's own
# account: bus mastering and PCM In on while it captured and off after the
# quiesce, having produced at least what the driver counted. Without the
# double the driver says so and exits cleanly.
. tests/lib.sh
dir=$LOGDIR/mic
rm -rf "$dir"
mkdir -p "$dir"
log=$dir/mic.log
{ mic_script 3; printf 'halt\n'; } | AZOTH_AC97=1 timeout 60 "$TEST_HOSTED" > "$log" 2>&1
expect_status hosted/mic-status $? 0 "$log"
# the ramp's lowest sample is -32768: every 4 KiB has it
expect_mic_capture "$log" hosted 32768
expect_in "$log" hosted/mic-double-saw-capture \
    'pci: 00:03\.0 8086:2415 .* bar0=io:0xc000\+0x400 bar1=io:0xc400\+0x100 irq 10' \
    'ac97 double: bus mastering on$' 'ac97 double: PCM In running'
# after the quiesce: the last word of the double is that both are off
tr -d '\r' < "$log" | sed -n 's/^.*\(ac97 double: \)/\1/p' | tail -n 2 > "$dir/double-last.txt"
if grep -q '^ac97 double: PCM In stopped' "$dir/double-last.txt" &&
   grep -q '^ac97 double: bus mastering off$' "$dir/double-last.txt"; then
    result PASS hosted/mic-double-saw-quiesce
else
    result FAIL hosted/mic-double-saw-quiesce "the double's last lines: $(tr '\n' ';' < "$dir/double-last.txt") (log: $log)"
fi
produced=$(sed -n 's/^ac97 double: PCM In stopped (\([0-9]*\) frames so far)$/\1/p' "$dir/double-last.txt")
counted=$(sed -n 's/^last //p' "$log.counts")
if [ -n "$produced" ] && [ -n "$counted" ] && [ "$produced" -ge "$counted" ] &&
   [ "$produced" -le $((counted + 24000)) ]; then
    result PASS hosted/mic-double-frames "$produced produced, $counted counted at the last second"
else
    result FAIL hosted/mic-double-frames "produced '$produced', counted '$counted': want the driver's count, and at most 0.5 s more (log: $log)"
fi
expect_none "$log" hosted/mic-sanitizers 'ERROR: (Address|Leak)Sanitizer|runtime error:' "a sanitizer report"

nodev=$dir/nodevice.log
{ mic_nodev_script; printf 'halt\n'; } | timeout 60 "$TEST_HOSTED" > "$nodev" 2>&1
expect_status hosted/mic-nodevice-status $? 0 "$nodev"
expect_mic_nodevice "$nodev" hosted
