# The framebuffer console: boot as `make run` does (with QEMU's standard
# VGA), type into the shell on the serial line, and check from the host, in
# a screendump taken through QEMU's monitor, that the prompt and the answer
# are drawn on the screen in the console font (not just that the screen is
# not black), for a command typed on the serial line and one typed on the
# PS/2 keyboard (QEMU's sendkey). Then make the framebuffer driver crash: it restarts, and the
# next command, typed on the PS/2 keyboard (QEMU's sendkey), is answered on
# the screen again (and on the serial line). Last, what the console prints
# besides the shell is on the screen too: the boot log, a component started
# from the shell (its stdout), and the kernel's report of one that
# crashed; on the serial line it stays once (the shell does not echo it).
. tests/lib.sh
log=$LOGDIR/screen.log
img=$LOGDIR/screen.img
shot1=$LOGDIR/screen1.ppm
shot2=$LOGDIR/screen2.ppm
shot3=$LOGDIR/screen3.ppm
rm -f "$img" "$shot1" "$shot2" "$shot3"
truncate -s 16M "$img"
{
    sleep 6; printf 'help\r'
    sleep 1; printf '\001c'; sleep 0.5
    for k in d a t e ret; do printf 'sendkey %s\n' $k; sleep 0.2; done
    sleep 1; printf 'screendump %s\n' "$shot1"; sleep 1; printf '\001c'
    sleep 0.5; printf 'inject fb unreachable\r'
    sleep 3; printf '\001c'; sleep 0.5
    for k in l s b l k ret; do printf 'sendkey %s\n' $k; sleep 0.2; done
    sleep 0.5; printf '\001c'
    sleep 2; printf '\001c'; sleep 0.5; printf 'screendump %s\n' "$shot2"; sleep 1; printf '\001c'
    sleep 0.5; printf 'start hello on the screen\r'
    sleep 1; printf 'start crasher oob\r'
    sleep 2; printf '\001c'; sleep 0.5; printf 'screendump %s\n' "$shot3"; sleep 1; printf '\001c'
    sleep 0.5; printf 'halt\r'
    sleep 2
} | timeout 90 tools/qemu.sh --interactive --vga --disk "$img" --append azoth.shell=1 > "$log" 2>&1
expect_status qemu/screen-status $? 0 "$log"
expect_in "$log" qemu/screen-fb 'fb: 800x600, 100x36 text, serving' 'ps2kbd: serving' \
    '^disk0  32768 sectors' \
    'fault: fb \(generation 1\): unreachable executed in .* \(injected\)' \
    'supervisor: restarted fb \(generation 2\)'
cc -O2 -Wall -Wextra -Werror -I"$BUILD/gen/include" -o "$LOGDIR/screencheck" tests/tools/screencheck.c
check_screen() { # NAME SHOT TEXT
    "$LOGDIR/screencheck" "$2" "$3" > "$LOGDIR/$1.log" 2>&1
    expect_status "qemu/$1" $? 0 "$LOGDIR/$1.log"
}
check_screen screen-prompt "$shot1" 'azoth$ help'
check_screen screen-answer "$shot1" 'help | ps | caps <name>'
check_screen screen-keyboard "$shot1" 'azoth$ date'
check_screen screen-after-restart "$shot2" 'azoth$ lsblk'
check_screen screen-after-restart-answer "$shot2" 'disk0  32768 sectors'
# the console's output besides the shell's: a component's line, the
# kernel's fault report (both printed while the prompt waited: it makes way
# and comes back below them), and the boot log before the shell's banner
check_screen screen-component-output "$shot3" 'hello from a WebAssembly component: on the screen'
check_screen screen-kernel-message "$shot3" 'fault: crasher (generation 1): out-of-bounds memory access'
check_screen screen-prompt-after-output "$shot3" 'azoth$ start crasher oob'
check_screen screen-boot-log "$shot1" 'virtio_blk: 32768 sectors (16384 KiB), serving'
expect_count qemu/screen-output-once-on-serial "$log" 'hello from a WebAssembly component: on the screen' 1
