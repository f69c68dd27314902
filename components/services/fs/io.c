/* libext2fs's I/O manager for the filesystem service: what libext2fs
 * reads and writes goes through the write-back cache (cache.c) to the disk
 * (disk.c: the block service; the image fuzzer's: memory). */
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "fs.h"


static errcode_t io_open(const char *name, int flags, io_channel *channel)
{
    io_channel ch = calloc(1, sizeof *ch);
    if (!ch)
        return EXT2_ET_NO_MEMORY;
    ch->magic = EXT2_ET_MAGIC_IO_CHANNEL;
    ch->manager = &athanor_io;
    ch->name = strdup(name);
    ch->block_size = 1024;
    ch->refcount = 1;
    ch->flags = flags;
    *channel = ch;
    return 0;
}

static errcode_t io_close(io_channel ch)
{
    if (--ch->refcount > 0)
        return 0;
    free(ch->name);
    free(ch);
    return 0;
}

static errcode_t io_set_blksize(io_channel ch, int blksize)
{
    ch->block_size = blksize;
    return 0;
}

/* count < 0 is a byte count (libext2fs's convention), else blocks. */
static size_t io_bytes(io_channel ch, int count)
{
    return count < 0 ? (size_t)-count : (size_t)count * (size_t)ch->block_size;
}

/* Through the write-back cache (cache.c), which goes to the disk until
 * the journal is open. */
static errcode_t io_read_blk64(io_channel ch, unsigned long long block, int count, void *data)
{
    return cache_read(block * (uint64_t)ch->block_size, data, io_bytes(ch, count));
}

static errcode_t io_write_blk64(io_channel ch, unsigned long long block, int count, const void *data)
{
    return cache_write(block * (uint64_t)ch->block_size, data, io_bytes(ch, count));
}

static errcode_t io_read_blk(io_channel ch, unsigned long block, int count, void *data)
{
    return io_read_blk64(ch, block, count, data);
}

static errcode_t io_write_blk(io_channel ch, unsigned long block, int count, const void *data)
{
    return io_write_blk64(ch, block, count, data);
}

/* libext2fs's flush (the end of ext2fs_flush): with the journal open, what
 * it wrote waits in the cache for the next commit (cache.c says when);
 * before, it is on the disk, made durable here. */
static errcode_t io_flush(io_channel ch)
{
    (void)ch;
    return cache_capacity() ? 0 : disk_flush();
}

static errcode_t io_set_option(io_channel ch, const char *option, const char *arg)
{
    (void)ch, (void)option, (void)arg;
    return EXT2_ET_INVALID_ARGUMENT;
}

struct struct_io_manager athanor_io = {
    .magic = EXT2_ET_MAGIC_IO_MANAGER,
    .name = "Athanor block service",
    .open = io_open,
    .close = io_close,
    .set_blksize = io_set_blksize,
    .read_blk = io_read_blk,
    .write_blk = io_write_blk,
    .flush = io_flush,
    .set_option = io_set_option,
    .read_blk64 = io_read_blk64,
    .write_blk64 = io_write_blk64,
};

