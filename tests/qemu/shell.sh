# The shell on the serial console, through the UART driver: the driver takes
# COM1's input from the kernel, the shell edits lines, lists devices, writes
# and reads the disk through the block service, controls components; when
# the UART driver is made to crash, it restarts and the shell goes on.
# Input is paced: until the driver holds COM1, bytes go to the kernel monitor.
. tests/lib.sh
log=$LOGDIR/shell.log
img=$LOGDIR/shell.img
: > "$log"
rm -f "$img"
truncate -s 16M "$img"
{
    sleep 3; printf 'start shell\nstart uart\n'
    shell_up "$log"
    shell_cmd "$log" 'help'
    shell_cmd "$log" 'date'
    shell_cmd "$log" 'lspci'
    shell_cmd "$log" 'lsblk'
    shell_cmd "$log" 'blk write 100 hello azoth'
    shell_cmd "$log" 'blk read 100'
    shell_cmd "$log" "$(printf 'xyzzq\177y')"
    printf 'inject uart unreachable\r'
    sleep 3; printf 'ps\r'
    sleep 1; printf 'faults\r'
    sleep 1; printf 'mem\r'
    sleep 1; printf 'caps virtio_blk\r'
    sleep 1; printf 'halt\r'
    sleep 2
} | timeout 90 tools/qemu.sh --disk "$img" > "$log" 2>&1
expect_status qemu/shell-status $? 0 "$log"
expect_in "$log" qemu/shell-session \
    'uart: COM1 is mine \(input by interrupt\)' \
    '^Azoth shell\. Type .help.\.' \
    '^azoth\$ help$' \
    '^help \| ps \| caps <name> \| faults \| mem \| date \| uptime \| lspci \| lsblk' \
    '^20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC$' \
    '^00:00\.0 8086:1237 class 060000$' \
    '^disk0  32768 sectors  16384 KiB' \
    '^wrote 8 sectors at 100$' \
    '^0000  68 65 6c 6c 6f 20 61 7a 6f 74 68 00 .*hello azoth' \
    "^unknown command 'xyzzy'; try help$" \
    '^fault: uart \(generation 1\): unreachable executed in .* \(injected\)$' \
    '^uart +running +2 +1$' \
    '^shell +running +1 +0$' \
    '^fault: uart \(generation 1\): unreachable executed in \?\+0 \(injected\)$' \
    '^frames: [0-9]+ total, [0-9]+ free' \
    '^0x[0-9a-f]+ +mmio +rw-g- +0 +pci:0x[0-9a-f]+ +0x[0-9a-f]+-0x[0-9a-f]+$' \
    '^azoth: powering off \(asked by shell\)$'

# What `make run` boots: the user image (tools/qemu.sh's default kernel);
# the shell and the UART driver start by themselves, and `ps` lists the
# system's and the demo components, none of the test bench.
log=$LOGDIR/shell-boot.log
{ sleep 4; printf 'ps\r'; sleep 1; printf 'halt\r'; sleep 2; } |
    timeout 60 tools/qemu.sh --disk "$img" --append azoth.shell=1 > "$log" 2>&1
expect_status qemu/shell-boot-status $? 0 "$log"
expect_in "$log" qemu/shell-boot '^Azoth shell\. Type .help.\.' '^uart +running +1 +0$' \
    '^azoth: powering off \(asked by shell\)$'
expect_image_ps "$log" qemu/shell-boot-user-image user
