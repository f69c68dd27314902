/* A write workload for the crash tests (tests/qemu/powercut.sh, faults.sh's
 * file part; docs/files.md, "Crash safety"): files written in pieces,
 * synced, renamed and removed, with a line on the console after each sync
 * saying what is now on the disk for good. The host compares the disk with
 * those lines after a power cut or injected faults (tests/tools/fscheck.c):
 * every synced file whole, and no file with bytes it was never given.
 *
 * File i (f<i>, later g<i> once renamed) holds content(i), size(i) bytes;
 * the same formulas are in fscheck.c. Arguments: the first i (so that runs
 * on one disk do not reuse names) and how many files (0: until stopped).
 * A failed call (the service restarting) is retried, after a pause, up to
 * 50 times; each step is done again until the sync after it succeeds (a
 * sync reports EIO if the service lost the step in a restart). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static unsigned size_of(unsigned i)
{
    return 512 + (i * 3001u) % 24000u;
}

static unsigned char byte_of(unsigned i, unsigned j)
{
    return (unsigned char)(i * 131u + j * 7u + (j >> 8) + 1u);
}

static void pause_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
    nanosleep(&ts, NULL);
}

/* Run op until it succeeds (0) or has failed 50 times. */
#define RETRY(what, expr)                                                              \
    do {                                                                               \
        int tries_ = 0;                                                                \
        while ((expr) != 0) {                                                          \
            if (++tries_ == 50) {                                                      \
                printf("fsstress: %s failed for good: %s\n", what, strerror(errno));   \
                return 1;                                                              \
            }                                                                          \
            pause_ms(100);                                                             \
        }                                                                              \
    } while (0)

/* Write file i whole, in pieces of up to 4 KiB, and sync it. */
static int write_file(unsigned i)
{
    char name[32];
    unsigned char buf[4096];
    snprintf(name, sizeof name, "/f%u", i);
    unsigned size = size_of(i);
    int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    for (unsigned off = 0; fd >= 0 && off < size;) {
        unsigned k = size - off < sizeof buf ? size - off : (unsigned)sizeof buf;
        for (unsigned j = 0; j < k; j++)
            buf[j] = byte_of(i, off + j);
        ssize_t w = write(fd, buf, k);
        if (w <= 0) {
            close(fd);
            fd = -1;
            break;
        }
        off += (unsigned)w;
    }
    if (fd < 0)
        return -1;
    int r = fsync(fd);
    close(fd);
    return r;
}

/* A directory's changes reach the disk: sync it (fd_sync on a directory
 * commits everything, docs/files.md). */
static int sync_root(void)
{
    int fd = open("/", O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return -1;
    int r = fsync(fd);
    close(fd);
    return r;
}

/* Runs on one disk go on from each other (the power cuts): what runs
 * before the last one left is removed first, so the disk never fills, and
 * said as every removal is (fscheck reads it). */
static int clear_old(unsigned first)
{
    static char names[4096][16];
    unsigned n = 0;
    DIR *d = opendir("/");
    struct dirent *e;
    while (d && (e = readdir(d)) && n < 4096) {
        unsigned i;
        char kind, extra;
        if (sscanf(e->d_name, "%c%u%c", &kind, &i, &extra) == 2 && (kind == 'f' || kind == 'g') &&
            i + 1000 < first && strlen(e->d_name) < sizeof names[0])
            strcpy(names[n++], e->d_name);
    }
    if (d)
        closedir(d);
    for (unsigned k = 0; k < n; k++)
        printf("fsstress: removing %s\n", names[k]);
    char path[32];
    int tries = 0;
    for (;;) {
        for (unsigned k = 0; k < n; k++) {
            snprintf(path, sizeof path, "/%s", names[k]);
            unlink(path); /* ENOENT: done before, or by the last try */
        }
        if (sync_root() == 0)
            break;
        if (++tries == 50)
            return -1;
        pause_ms(100);
    }
    for (unsigned k = 0; k < n; k++)
        printf("fsstress: removed %s\n", names[k]);
    return 0;
}

int main(int argc, char **argv)
{
    unsigned first = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 0;
    unsigned count = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 0;
    RETRY("the first sync", sync_root());
    if (clear_old(first) != 0) {
        printf("fsstress: clearing old runs failed for good: %s\n", strerror(errno));
        return 1;
    }
    printf("fsstress: ready at %u\n", first);
    for (unsigned i = first; count == 0 || i < first + count; i++) {
        RETRY("writing", write_file(i));
        printf("fsstress: synced f%u %u\n", i, size_of(i));
        char from[32], to[32];
        if (i % 3 == 2 && i > first) { /* rename the one before (this run's) */
            snprintf(from, sizeof from, "/f%u", i - 1);
            snprintf(to, sizeof to, "/g%u", i - 1);
            printf("fsstress: renaming f%u\n", i - 1); /* from here it may be either */
            /* Again until a sync says it is on the disk: a sync after the
             * service restarted reports EIO if the rename died with it. */
            RETRY("renaming", rename(from, to) != 0 && errno != ENOENT ? -1 : sync_root());
            printf("fsstress: renamed f%u g%u\n", i - 1, i - 1);
        }
        if (i % 5 == 4 && i >= first + 8) { /* remove an older one */
            unsigned old = i - 8;
            snprintf(from, sizeof from, "/%c%u", old % 3 == 1 ? 'g' : 'f', old);
            printf("fsstress: removing %s\n", from + 1); /* from here it may be gone */
            RETRY("removing", unlink(from) != 0 && errno != ENOENT ? -1 : sync_root());
            printf("fsstress: removed %s\n", from + 1);
        }
    }
    printf("fsstress: done\n");
    return 0;
}
