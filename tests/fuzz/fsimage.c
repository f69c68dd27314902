/* The image fuzzer's harness (docs/files.md, "Bad input"; tests/hosted/
 * fsimage.sh): the filesystem service's own code, compiled for the host
 * (mk/fsfuzz.mk: libext2fs, fuse2fs, the journal, the cache, the protocol,
 * the paths; with AFL++'s instrumentation and ASan/UBSan), mounts an image
 * given as a file and runs the common operations through the protocol's
 * handler, as the kernel's WASI calls do: statfs, list /, stat and read
 * what is there (a level down too), create, write, sync, mkdir, symlink,
 * readlink, rename, truncate, remove, and a last sync. The disk is the
 * image in memory. What a crash here means on Azoth: the service traps
 * there, contained (the harness's crashes are replayed on the hosted build
 * to see it, tests/hosted/fsimage.sh).
 *   fsimage IMAGE   (AFL++: fsimage @@) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fshost.h"

static uint8_t *img;
static size_t   img_len;

errcode_t disk_rw(bool write, uint64_t off, void *buf, size_t len)
{
    if (off > img_len || len > img_len - off)
        return write ? EXT2_ET_SHORT_WRITE : EXT2_ET_SHORT_READ;
    if (write)
        memcpy(img + off, buf, len);
    else
        memcpy(buf, img + off, len);
    return 0;
}

int disk_flush(void)
{
    return 0;
}

uint64_t disk_open(void)
{
    return img_len;
}

uint64_t disk_size(void)
{
    return img_len;
}

/* List dir (a path under /), then stat and read each entry, a level down
 * into directories. */
static void walk(const char *dir, int depth)
{
    static char names[64][256];
    int n = 0;
    int64_t got = fs_req(FS_OP_READDIR, 0, 0, 4096, FS_F_PATH, dir, NULL, NULL);
    for (int64_t at = 0; got > 0 && at + FS_DIRENT_SIZE <= got && n < 64;) {
        uint32_t namlen;
        memcpy(&namlen, fs_block + at + 16, 4);
        if (at + FS_DIRENT_SIZE + (int64_t)namlen > got)
            break;
        if (namlen && namlen < 200) {
            memcpy(names[n], fs_block + at + FS_DIRENT_SIZE, namlen);
            names[n][namlen] = '\0';
            n++;
        }
        at += FS_DIRENT_SIZE + namlen;
    }
    for (int i = 0; i < n; i++) {
        if (!strcmp(names[i], ".") || !strcmp(names[i], ".."))
            continue;
        char path[600];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        fs_req(FS_OP_STAT, 0, 0, 0, 0, path, NULL, NULL);
        fs_req(FS_OP_READLINK, 0, 0, 256, 0, path, NULL, NULL);
        int64_t h = fs_req(FS_OP_OPEN, 0, 0, 0, FS_F_READ, path, NULL, NULL);
        if (h < 0)
            continue;
        uint8_t st[FS_FILESTAT_SIZE];
        memcpy(st, fs_block, sizeof st);
        if (st[16] == FS_T_DIR && depth < 1)
            walk(path, depth + 1);
        else
            fs_req(FS_OP_READ, (uint64_t)h, 0, 65536, 0, NULL, NULL, NULL);
        fs_req(FS_OP_CLOSE, (uint64_t)h, 0, 0, 0, NULL, NULL, NULL);
    }
}

int main(int argc, char **argv)
{
    FILE *f = argc > 1 ? fopen(argv[1], "rb") : stdin;
    if (!f)
        return 2;
    size_t cap = 1 << 20;
    img = malloc(cap);
    size_t n;
    while (img && (n = fread(img + img_len, 1, cap - img_len, f)) > 0) {
        img_len += n;
        if (img_len == cap)
            img = realloc(img, cap *= 2);
    }
    if (!img)
        return 2;
    initialize_ext2_error_table();
    int rw = fs_start();
    if (rw < 0)
        return 0; /* refused: what a bad image should get */
    fs_serve_init(!rw);
    fs_req(FS_OP_STATFS, 0, 0, 0, 0, NULL, NULL, NULL);
    walk(".", 0);
    static uint8_t data[20000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7);
    int64_t h = fs_req(FS_OP_OPEN, 0, 0, 0, FS_F_CREAT | FS_F_READ | FS_F_WRITE, "fuzz-new", NULL, NULL);
    if (h >= 0) {
        fs_req(FS_OP_WRITE, (uint64_t)h, 0, sizeof data, 0, NULL, NULL, data);
        fs_req(FS_OP_SYNC, (uint64_t)h, 0, 0, 0, NULL, NULL, NULL);
        fs_req(FS_OP_TRUNCATE, (uint64_t)h, 100, 0, 0, NULL, NULL, NULL);
        fs_req(FS_OP_CLOSE, (uint64_t)h, 0, 0, 0, NULL, NULL, NULL);
    }
    fs_req(FS_OP_MKDIR, 0, 0, 0, 0, "fuzz-dir", NULL, NULL);
    fs_req(FS_OP_SYMLINK, 0, 0, 0, 0, "fuzz-new", "fuzz-dir/ln", NULL);
    fs_req(FS_OP_READLINK, 0, 0, 256, 0, "fuzz-dir/ln", NULL, NULL);
    fs_req(FS_OP_RENAME, 0, 0, 0, 0, "fuzz-new", "fuzz-dir/moved", NULL);
    fs_req(FS_OP_UNLINK, 0, 0, 0, 0, "fuzz-dir/ln", NULL, NULL);
    fs_req(FS_OP_UNLINK, 0, 0, 0, 0, "fuzz-dir/moved", NULL, NULL);
    fs_req(FS_OP_RMDIR, 0, 0, 0, 0, "fuzz-dir", NULL, NULL);
    fs_req(FS_OP_SYNCFS, 0, 0, 0, 0, NULL, NULL, NULL);
    return 0;
}
