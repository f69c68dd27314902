/* A plain client of whatever disk is there, for the image fuzzer's replay
 * on the hosted build (tests/hosted/fsimage.sh): list /, stat and read
 * every file a level down, write a file and sync, through wasi-libc, and
 * count what failed. Whatever the image holds, it must end with its line:
 * the filesystem service answers, refuses or traps, and the rest of the
 * system goes on. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned ok, failed;

static void count(int good)
{
    if (good)
        ok++;
    else
        failed++;
}

static void read_all(const char *path)
{
    char buf[4096];
    int fd = open(path, O_RDONLY);
    count(fd >= 0);
    if (fd < 0)
        return;
    ssize_t n;
    size_t total = 0;
    while ((n = read(fd, buf, sizeof buf)) > 0 && total < (1u << 20))
        total += (size_t)n;
    count(n >= 0);
    close(fd);
}

static void walk(const char *dir, int depth)
{
    DIR *d = opendir(dir);
    count(d != NULL);
    struct dirent *e;
    int seen = 0;
    while (d && (e = readdir(d)) && seen++ < 64) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", e->d_name);
        struct stat st;
        count(lstat(path, &st) == 0);
        if (S_ISDIR(st.st_mode) && depth < 1)
            walk(path, depth + 1);
        else if (S_ISREG(st.st_mode))
            read_all(path);
    }
    if (d)
        closedir(d);
}

int main(void)
{
    walk("/", 0);
    FILE *f = fopen("/fsprobe.txt", "w");
    count(f != NULL);
    if (f) {
        fprintf(f, "written by fsprobe\n");
        fflush(f);
        count(fsync(fileno(f)) == 0);
        fclose(f);
    }
    printf("fsprobe: done, %u calls answered, %u failed\n", ok, failed);
    return 0;
}
