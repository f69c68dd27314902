#!/bin/sh
# Start Azoth in QEMU (TCG, -cpu max) the way every make target and test does.
# Usage: tools/qemu.sh [options] [-- extra qemu args]
#   --kernel ELF     boot this kernel through PVH (default build/x86_64/azoth.bin.elf)
#   --iso ISO        boot this ISO instead (GRUB, Multiboot2)
#   --uefi           boot with OVMF firmware instead of SeaBIOS
#   --append STR     kernel command line (PVH boot only)
#   --mem SIZE       RAM size (default 128M)
#   --test           attach isa-debug-exit and exit instead of rebooting
#   --interactive    serial console multiplexed with the QEMU monitor (Ctrl-A X quits)
#   --gdb PORT       start halted with a GDB stub on PORT
#   --disk IMAGE     attach a raw disk image as a virtio-blk PCI device
#   --vga            attach QEMU's standard VGA (the framebuffer console's device)
#   --window         show the screen in a window (needs a display and qemu-system-gui)
#   --com2 PATH      a second serial port (COM2) on the FIFOs PATH.in (what the
#                    guest receives) and PATH.out (what it sends), which the
#                    caller makes and keeps open (QEMU's pipe chardev)
#   --net            attach a virtio-net card on QEMU's user networking
#                    (slirp: the guest gets 10.0.2.15 by DHCP, the gateway
#                    10.0.2.2 is the host, answering pings itself)
#   --hostfwd RULE   forward a host port to the guest, QEMU's hostfwd syntax
#                    (tcp:127.0.0.1:8080-:80); implies --net; repeatable
#   --audio          attach an AC'97 audio controller (Intel 82801AA, the
#                    microphone driver's device) on the silent "none" backend:
#                    capture yields zeros at the device's sample rate
set -eu
kernel=build/x86_64/azoth.bin.elf
iso=""
uefi=0
append=""
mem=128M
test=0
interactive=0
gdbport=""
disk=""
vga=0
window=0
com2=""
audio=0
net=0
hostfwd=""
while [ $# -gt 0 ]; do
    case "$1" in
        --kernel) kernel=$2; shift 2 ;;
        --iso) iso=$2; shift 2 ;;
        --uefi) uefi=1; shift ;;
        --append) append=$2; shift 2 ;;
        --mem) mem=$2; shift 2 ;;
        --test) test=1; shift ;;
        --interactive) interactive=1; shift ;;
        --gdb) gdbport=$2; shift 2 ;;
        --disk) disk=$2; shift 2 ;;
        --vga) vga=1; shift ;;
        --window) window=1; shift ;;
        --com2) com2=$2; shift 2 ;;
        --audio) audio=1; shift ;;
        --net) net=1; shift ;;
        --hostfwd) net=1; hostfwd="$hostfwd,hostfwd=$2"; shift 2 ;;
        --) shift; break ;;
        *) echo "qemu.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

display=none
[ $window -eq 1 ] && display=gtk
set -- -machine pc -cpu max -m "$mem" -nodefaults -no-user-config -display $display "$@"
[ $vga -eq 1 ] && set -- "$@" -vga std
if [ $interactive -eq 1 ]; then
    set -- "$@" -serial mon:stdio
else
    set -- "$@" -serial stdio
fi
[ $audio -eq 1 ] && set -- "$@" -audiodev none,id=snd0 -device AC97,audiodev=snd0
[ -n "$com2" ] && set -- "$@" -chardev "pipe,id=com2,path=$com2" -serial chardev:com2
if [ -n "$iso" ]; then
    set -- "$@" -drive "file=$iso,media=cdrom,format=raw,readonly=on" -boot d
else
    set -- "$@" -kernel "$kernel"
    [ -n "$append" ] && set -- "$@" -append "$append"
fi
if [ $uefi -eq 1 ]; then
    ovmf=/usr/share/ovmf/OVMF.fd
    [ -r "$ovmf" ] || { echo "qemu.sh: $ovmf missing (Debian package ovmf)" >&2; exit 2; }
    set -- "$@" -bios "$ovmf"
fi
if [ $test -eq 1 ]; then
    # Only the agreed pass status counts: a triple fault with -no-reboot exits 0.
    set -- "$@" -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04
fi
# Slots, for the interrupt lines: the pc machine routes a slot's INTA by
# the slot number modulo 4, here to line 10 (slots 2, 5, 6, 9) or 11 (3,
# 4, 7, 8), and two drivers do not share a line (kernel/hw/irq.c). The disk
# in slot 4 (line 11; the VGA, which has no interrupt, and AC97 take 2 and
# 3 when asked for), the network card in slot 6 (line 10): each has a line
# of its own whatever else is attached.
[ -n "$disk" ] && set -- "$@" -drive "if=none,id=disk0,file=$disk,format=raw" \
    -device virtio-blk-pci,drive=disk0,addr=0x4
# romfile= empty: no boot ROM (iPXE, which Debian only recommends; nothing
# boots from the network).
[ $net -eq 1 ] && set -- "$@" -netdev "user,id=n0$hostfwd" \
    -device virtio-net-pci,netdev=n0,addr=0x6,romfile=
[ -n "$gdbport" ] && set -- "$@" -gdb "tcp::$gdbport" -S
exec qemu-system-x86_64 "$@"
