# The GRUB ISO (Multiboot2) boots under SeaBIOS and under UEFI (OVMF), and
# the in-kernel suite passes on both.
. tests/lib.sh
iso=$BUILD/azoth-test.iso
for fw in bios uefi; do
    log=$LOGDIR/iso-$fw.log
    flag=""
    [ $fw = uefi ] && flag=--uefi
    timeout 180 tools/qemu.sh --test --iso "$iso" $flag < /dev/null > "$log" 2>&1
    rc=$?
    expect_status qemu/iso-$fw-status "$rc" 33 "$log"
    expect_in "$log" qemu/iso-$fw-multiboot2 'booted by Multiboot2' 'ktest: [0-9]+ passed, 0 failed'
done
