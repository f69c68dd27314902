/* The filesystem service's code on the host (fshost.h): what it names
 * beyond its own files and the disk, and requests as a client makes them,
 * straight into the protocol's handler. */
#include <errno.h>
#include <string.h>

#include <athanor.h>

#include "fshost.h"

/* unix_io.c's, which a host build of mmp.c's alignment query reaches (the
 * service has no multi-mount protection device to open). */
int ext2fs_open_file(const char *pathname, int flags, mode_t mode)
{
    (void)pathname, (void)flags, (void)mode;
    errno = ENOSYS;
    return -1;
}

/* The SDK's host calls that serve.c names but nothing here reaches (the
 * handler is called directly). */
int32_t __ath_set_msgbuf(void *buf, uint32_t len) { (void)buf, (void)len; return -ATH_ENOSYS; }
int32_t __ath_notify_create(void) { return -ATH_ENOSYS; }
int32_t __ath_serve_wait(uint32_t n, uint64_t mask, uint64_t timeout)
{
    (void)n, (void)mask, (void)timeout;
    return -ATH_ENOSYS;
}

/* serve.c's other backend, the hosted platform's host folder: not here. */
uint64_t hostdir_forward(uint64_t badge, uint64_t op, uint8_t *buf, uint64_t len, size_t room)
{
    (void)badge, (void)op, (void)buf, (void)len, (void)room;
    return ERR(ENOSYS);
}

uint64_t ath_handle(uint64_t badge, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2);

uint8_t fs_block[FS_BUF_MAX];

int64_t fs_req(uint64_t op, uint64_t handle, uint64_t off, uint64_t len, uint32_t flags, const char *path,
               const char *path2, const void *data)
{
    struct fs_req h = { .handle = handle, .off = off, .len = len, .flags = flags };
    size_t at = sizeof h;
    if (path) {
        h.root_len = 1;
        h.path_len = (uint16_t)strlen(path);
        fs_block[at++] = '/';
        memcpy(fs_block + at, path, h.path_len);
        at += h.path_len;
    }
    if (path2) {
        h.root2_len = 1;
        h.path2_len = (uint16_t)strlen(path2);
        fs_block[at++] = '/';
        memcpy(fs_block + at, path2, h.path2_len);
        at += h.path2_len;
    }
    if (data && len <= sizeof fs_block - at)
        memcpy(fs_block + at, data, len);
    memcpy(fs_block, &h, sizeof h);
    return (int64_t)ath_handle(1, op, 0, sizeof fs_block, (uint64_t)(uintptr_t)fs_block);
}
