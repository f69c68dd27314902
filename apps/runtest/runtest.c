/* runtest: a plain WASI command that checks what a program sees of how it
 * was started, for the tests of `azoth run` and the shell's `run`
 * (tests/hosted/apps.sh, tests/qemu/apps.sh). Nothing in it knows Azoth.
 *   runtest args ...       each argument in brackets, argv[0] first
 *   runtest env            the environment, one per line, sorted
 *   runtest streams        a line to stdout, a line to stderr
 *   runtest exit N         exit with status N
 *   runtest cat            stdin to stdout; the byte count to stderr
 *   runtest files DIR      write, read back, list and remove in DIR
 *   runtest trap           an unreachable instruction
 *   runtest oom            allocate until malloc fails, then say how much
 *   runtest spin           loop for ever
 * (The WASI calls themselves, call by call: apps/wasitest.) */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

extern char **environ;

static int by_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int files(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/runtest.txt", dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        printf("files: cannot create %s: %s\n", path, strerror(errno));
        return 1;
    }
    fprintf(f, "written by runtest\n");
    if (fclose(f) != 0) {
        printf("files: cannot write %s: %s\n", path, strerror(errno));
        return 1;
    }
    char line[64] = "";
    f = fopen(path, "r");
    if (!f || !fgets(line, sizeof line, f)) {
        printf("files: cannot read %s back\n", path);
        return 1;
    }
    fclose(f);
    printf("files: read back: %s", line);
    DIR *d = opendir(dir);
    if (!d) {
        printf("files: cannot list %s: %s\n", dir, strerror(errno));
        return 1;
    }
    char *names[256];
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) && n < 256;)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, by_text);
    for (int i = 0; i < n; i++)
        printf("files: entry %s\n", names[i]);
    if (remove(path) != 0) {
        printf("files: cannot remove %s: %s\n", path, strerror(errno));
        return 1;
    }
    printf("files: removed\n");
    return 0;
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "args";
    if (!strcmp(what, "args")) {
        for (int i = 0; i < argc; i++)
            printf("[%s]", argv[i]);
        printf("\n");
    } else if (!strcmp(what, "env")) {
        int n = 0;
        while (environ[n])
            n++;
        qsort(environ, (size_t)n, sizeof *environ, by_text);
        for (int i = 0; i < n; i++)
            printf("env: %s\n", environ[i]);
        printf("env: %d variables\n", n);
    } else if (!strcmp(what, "streams")) {
        printf("to stdout\n");
        fflush(stdout);
        fprintf(stderr, "to stderr\n");
    } else if (!strcmp(what, "exit") && argc > 2) {
        return atoi(argv[2]);
    } else if (!strcmp(what, "cat")) {
        static char buf[65536];
        size_t total = 0, n;
        while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
            fwrite(buf, 1, n, stdout);
            total += n;
        }
        fflush(stdout);
        fprintf(stderr, "cat: %zu bytes\n", total);
    } else if (!strcmp(what, "files") && argc > 2) {
        return files(argv[2]);
    } else if (!strcmp(what, "trap")) {
        printf("trapping\n");
        fflush(stdout);
        __builtin_trap();
    } else if (!strcmp(what, "oom")) {
        size_t total = 0;
        for (;;) {
            char *p = malloc(1 << 20);
            if (!p)
                break;
            memset(p, 1, 1 << 20);
            total += 1;
        }
        printf("oom: malloc failed after %zu MiB\n", total);
    } else if (!strcmp(what, "spin")) {
        printf("spinning\n");
        fflush(stdout);
        for (volatile unsigned long i = 0;; i++)
            ;
    } else {
        fprintf(stderr, "runtest: unknown test %s\n", what);
        return 2;
    }
    return 0;
}
