# The filesystem service's sources beyond its folder (mk/components.mk):
# libext2fs and the com_err library from Debian's e2fsprogs source package
# (docs/files.md says why this implementation), configured for wasm32-wasi
# by tools/fetch-src.sh; the journal's replay (e2fsck's recovery.c,
# revoke.c) and the uuid functions it uses. Left out: unix_io.c and sparse_io.c (the service
# has its own I/O manager over the block service), tdb.c and undo_io.c
# (undo files need fcntl locks wasi has not), qcow2.c (e2image's format).
E2FS := $(SRC)/e2fsprogs
fs_PKGS := e2fsprogs
fs_SRCS := $(addprefix $(E2FS)/lib/ext2fs/,alloc.c alloc_sb.c alloc_stats.c alloc_tables.c \
    atexit.c badblocks.c bb_inode.c bitmaps.c bitops.c blkmap64_ba.c blkmap64_rb.c blknum.c \
    block.c bmap.c check_desc.c closefs.c crc16.c crc32c.c csum.c dblist.c dblist_dir.c \
    dirblock.c dirhash.c dir_iterate.c expanddir.c ext_attr.c extent.c fallocate.c fileio.c \
    finddev.c flushb.c freefs.c gen_bitmap.c gen_bitmap64.c get_num_dirs.c get_pathname.c \
    getsize.c getsectsize.c hashmap.c i_block.c icount.c ind_block.c initialize.c inline.c \
    inline_data.c inode.c io_manager.c ismounted.c link.c llseek.c lookup.c mkdir.c \
    mkjournal.c mmp.c namei.c native.c newdir.c nls_utf8.c openfs.c orphan.c progress.c \
    punch.c read_bb.c read_bb_file.c res_gdt.c rw_bitmaps.c sha512.c swapfs.c symlink.c \
    unlink.c valid_blk.c version.c rbtree.c) \
    $(addprefix $(E2FS)/lib/et/,error_message.c et_name.c init_et.c com_err.c) \
    $(E2FS)/bld-wasm/lib/ext2fs/ext2_err.c \
    $(E2FS)/e2fsck/recovery.c $(E2FS)/e2fsck/revoke.c \
    $(addprefix $(E2FS)/lib/uuid/,isnull.c unparse.c unpack.c)
# DEBUGFS: the journal code's debugfs flavour (e2fsck/jfs_user.h), as
# debugfs builds it; journal.c includes debugfs's journal.c and do_journal.c.
fs_CFLAGS := -DHAVE_CONFIG_H -DDEBUGFS -I$(E2FS)/bld-wasm/lib -I$(E2FS)/bld-wasm/lib/ext2fs -I$(E2FS)/lib \
    -I$(E2FS) -I$(E2FS)/e2fsck -I$(E2FS)/debugfs -Icomponents/services/fs/shim
