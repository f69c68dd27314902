#!/bin/sh
# Build a BIOS+UEFI hybrid ISO with GRUB (grub-mkrescue) that boots the
# kernel through Multiboot2 with the serial console on COM1.
# Usage: tools/mkiso.sh <kernel.elf> <out.iso> [kernel command line]
set -eu
elf=$1 out=$2 cmdline=${3:-}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/boot/grub"
cp "$elf" "$stage/boot/azoth.elf"
cat > "$stage/boot/grub/grub.cfg" <<CFG
set timeout=0
set default=0
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
menuentry "Azoth OS" {
    multiboot2 /boot/azoth.elf $cmdline
    boot
}
CFG
grub-mkrescue -o "$out" "$stage" >"$stage.log" 2>&1 || { cat "$stage.log" >&2; rm -f "$stage.log"; exit 1; }
rm -f "$stage.log"
