/* Paths a client sends, resolved inside its root (docs/files.md, "Paths"):
 * one component at a time, so that "..", symlinks and absolute paths can
 * never lead out of the root a client was given (a preopened directory).
 * The result is a canonical path for fuse2fs's operations. */
#include <errno.h>
#include <string.h>

#include "fs.h"

#define MAX_LINKS 40   /* symlinks followed in one resolution (Linux's limit) */
#define NAME_MAX_ 255  /* ext4's longest name */

/* Append "/name" to the canonical path out. */
static int push(char *out, const char *name, size_t n)
{
    size_t len = strlen(out);
    if (len == 1)
        len = 0; /* "/" */
    if (len + 1 + n + 1 > FS_RESOLVED_MAX)
        return -ENAMETOOLONG;
    out[len] = '/';
    memcpy(out + len + 1, name, n);
    out[len + 1 + n] = '\0';
    return 0;
}

/* Remove the last component of a canonical path other than "/". */
static void pop(char *out)
{
    char *s = strrchr(out, '/');
    if (s == out)
        out[1] = '\0';
    else
        *s = '\0';
}

int fs_join(char *out, const char *name)
{
    return push(out, name, strlen(name));
}

static bool is_dot(const char *s, size_t n)
{
    return n == 1 && s[0] == '.';
}

static bool is_dotdot(const char *s, size_t n)
{
    return n == 2 && s[0] == '.' && s[1] == '.';
}

/* Walk path from cur (a canonical path, which is where it may not climb
 * above: floor is its length), component by component. */
static int walk(char *cur, size_t floor, const char *path, size_t n, unsigned flags, bool parent,
                const char **last)
{
    static char lastbuf[NAME_MAX_ + 1];
    char work[FS_RESOLVED_MAX], spliced[FS_RESOLVED_MAX];
    if (n >= sizeof work)
        return -ENAMETOOLONG;
    memcpy(work, path, n);
    work[n] = '\0';
    /* "dir/" names a directory: its last component is followed and must be one. */
    bool want_dir = n > 0 && path[n - 1] == '/';
    int links = 0;
    size_t pos = 0;
    for (;;) {
        while (work[pos] == '/')
            pos++;
        if (!work[pos])
            break;
        size_t start = pos;
        while (work[pos] && work[pos] != '/')
            pos++;
        size_t len = pos - start, rest = pos;
        while (work[rest] == '/')
            rest++;
        bool is_last = !work[rest];
        const char *name = work + start;
        if (len > NAME_MAX_)
            return -ENAMETOOLONG;
        if (parent && is_last) {
            if (is_dot(name, len) || is_dotdot(name, len))
                return -EINVAL; /* not a name in a directory */
            memcpy(lastbuf, name, len);
            lastbuf[len] = '\0';
            *last = lastbuf;
            return 0;
        }
        if (is_dot(name, len))
            continue;
        if (is_dotdot(name, len)) {
            if (strlen(cur) <= floor)
                return -ENOTCAPABLE; /* above the root */
            pop(cur);
            continue;
        }
        int r = push(cur, name, len);
        ext2_ino_t ino;
        uint16_t mode;
        if (r || (r = fs_lookup(cur, &ino)) || (r = fs_mode(ino, &mode)))
            return r;
        if (LINUX_S_ISLNK(mode) && (!is_last || want_dir || (flags & FS_F_FOLLOW))) {
            if (++links > MAX_LINKS)
                return -ELOOP;
            char target[FS_PATH_MAX + 1];
            r = fs_readlink(cur, target, sizeof target);
            if (r)
                return r;
            if (strlen(target) >= FS_PATH_MAX)
                return -ENAMETOOLONG;
            if (target[0] == '/')
                return -ENOTCAPABLE; /* would start again from a root this client has not */
            pop(cur);
            /* Go on with the link's target, then what followed the link. */
            size_t tl = strlen(target), rl = strlen(work + pos);
            if (tl + 1 + rl + 1 > sizeof spliced)
                return -ENAMETOOLONG;
            memcpy(spliced, target, tl);
            spliced[tl] = '/';
            memcpy(spliced + tl + 1, work + pos, rl + 1);
            if (!want_dir && rl == 0)
                spliced[tl] = '\0'; /* the link was last: so is its target's last component */
            memcpy(work, spliced, strlen(spliced) + 1);
            pos = 0;
            continue;
        }
        if ((!is_last || want_dir) && !LINUX_S_ISDIR(mode))
            return -ENOTDIR;
    }
    /* Ran out of components ("", ".", "a/..", "/"): the directory itself. */
    return parent ? -EINVAL : 0;
}

int fs_resolve(const char *root, size_t root_len, const char *path, size_t path_len, unsigned flags,
               bool parent, char *out, const char **last)
{
    if (path_len == 0)
        return -ENOENT;
    if (path[0] == '/')
        return -ENOTCAPABLE; /* paths are relative to the root they are given with */
    /* The root itself, from "/" (the client's own root, or the kernel's for
     * a preopened directory): canonical, and a directory. */
    if (root_len == 0 || root[0] != '/')
        return -EINVAL;
    strcpy(out, "/");
    int r = walk(out, 1, root, root_len, FS_F_FOLLOW, false, NULL);
    ext2_ino_t ino;
    uint16_t mode;
    if (r || (r = fs_lookup(out, &ino)) || (r = fs_mode(ino, &mode)))
        return r;
    if (!LINUX_S_ISDIR(mode))
        return -ENOTDIR;
    return walk(out, strlen(out), path, path_len, flags, parent, last);
}
