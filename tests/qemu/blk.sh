# The storage path on bare metal: the PCI service hands the virtio-blk
# driver capabilities to its device's BAR and line, blktest writes patterns
# through it with lent buffers and reads them back, and the disk image,
# checked from the host afterwards, holds exactly what was written.
. tests/lib.sh
log=$LOGDIR/blk.log
img=$LOGDIR/blk.img
rm -f "$img"
truncate -s 16M "$img"
printf 'start blktest\nwait blktest\nstart blktest probe\nwait blktest\ncaps virtio_blk\nhalt\n' |
    timeout 90 tools/qemu.sh --kernel "$TEST_KERNEL" --disk "$img" > "$log" 2>&1
expect_status qemu/blk-status $? 0 "$log"
expect_in "$log" qemu/blk-driver 'virtio_blk: 32768 sectors \(16384 KiB\), serving'
expect_in "$log" qemu/blk-readback \
    'blktest: capacity 32768 sectors; wrote and read back 1096 KiB, 0 mismatches; flush 0; past the end -10, empty -2' \
    '^blktest exited with status 0'
# the driver holds exactly its device's resources, handed down by the PCI service
expect_in "$log" qemu/blk-caps '^0x[0-9a-f]+ +mmio +rw-g- .* pci:0x[0-9a-f]+ +memory 0x[0-9a-f]+-0x[0-9a-f]+$' \
    '^0x[0-9a-f]+ +irq +rw-g- .* pci:0x[0-9a-f]+ +line [0-9]+, fired [1-9][0-9]* times$' \
    '^0x[0-9a-f]+ +dma +rwcgd .* quota 8 KiB$'
expect_in "$log" qemu/blk-probe \
    'blktest: probe: the disk driver had 6 of 6 accesses outside its capabilities refused \(0\)' \
    '^hardware accesses refused: 4$'
cc -O2 -o "$LOGDIR/diskpattern" tests/tools/diskpattern.c
"$LOGDIR/diskpattern" "$img" > "$LOGDIR/blk-image.log" 2>&1
expect_status qemu/blk-image-from-host $? 0 "$LOGDIR/blk-image.log"
