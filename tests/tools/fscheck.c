/* Checks a directory copied out of an Azoth disk (debugfs rdump) against
 * what fsstress (components/apps/fsstress) said it had synced: every file
 * it reported synced (and not removed since) is there, under its latest
 * synced name, whole; every other file it may have left is a prefix of what
 * it was writing, never bytes it was never given; no file under two names.
 *   fscheck LOG DIR   -> exit status 0 if all holds; what fails on stdout */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXF 2000000

/* fsstress's formulas */
static unsigned size_of(unsigned i)
{
    return 512 + (i * 3001u) % 24000u;
}

static unsigned char byte_of(unsigned i, unsigned j)
{
    return (unsigned char)(i * 131u + j * 7u + (j >> 8) + 1u);
}

static char synced[MAXF];  /* 0 none, 'f' or 'g': the name it has for good */
static char present[MAXF]; /* bit 1: f<i> found, bit 2: g<i> found */
static char gone[MAXF];    /* its removal was synced */
static char pending[MAXF]; /* 'r': renaming, 'x': removing, reported before it was done */

/* 0: the file is content(i) whole (or a prefix, if !whole); else why not. */
static const char *check(const char *path, unsigned i, int whole)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return "cannot be read";
    unsigned n = 0;
    int c;
    const char *why = NULL;
    while ((c = fgetc(f)) != EOF) {
        if (n >= size_of(i)) {
            why = "is longer than anything it was given";
            break;
        }
        if ((unsigned char)c != byte_of(i, n)) {
            why = "holds bytes it was never given";
            break;
        }
        n++;
    }
    fclose(f);
    if (!why && whole && n != size_of(i))
        why = "is not whole";
    return why;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: fscheck LOG DIR\n");
        return 2;
    }
    FILE *log = fopen(argv[1], "r");
    if (!log) {
        perror(argv[1]);
        return 2;
    }
    char line[256];
    unsigned i, j, size, nsynced = 0;
    char kind;
    while (fgets(line, sizeof line, log)) {
        if (sscanf(line, "fsstress: synced f%u %u", &i, &size) == 2 && i < MAXF)
            synced[i] = 'f';
        else if (sscanf(line, "fsstress: renamed f%u g%u", &i, &j) == 2 && i < MAXF)
            synced[i] = 'g';
        else if (sscanf(line, "fsstress: removed %c%u", &kind, &i) == 2 && i < MAXF)
            synced[i] = 0, pending[i] = 0, gone[i] = 1;
        else if (sscanf(line, "fsstress: renaming f%u", &i) == 1 && i < MAXF)
            pending[i] = 'r';
        else if (sscanf(line, "fsstress: removing %c%u", &kind, &i) == 2 && i < MAXF)
            pending[i] = 'x';
    }
    fclose(log);
    int bad = 0;
    unsigned others = 0;
    DIR *d = opendir(argv[2]);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        char extra;
        if (sscanf(e->d_name, "%c%u%c", &kind, &i, &extra) != 2 || (kind != 'f' && kind != 'g') || i >= MAXF)
            continue;
        present[i] |= kind == 'f' ? 1 : 2;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", argv[2], e->d_name);
        /* Synced under this name, or about to be renamed to it: whole. */
        int whole = synced[i] == kind || (synced[i] == 'f' && pending[i] == 'r' && kind == 'g');
        const char *why = check(path, i, whole);
        if (why) {
            printf("fscheck: %s %s\n", e->d_name, why);
            bad = 1;
        }
        if (!whole)
            others++;
        if (gone[i]) {
            printf("fscheck: %s was removed for good, and is there\n", e->d_name);
            bad = 1;
        }
    }
    if (d)
        closedir(d);
    for (i = 0; i < MAXF; i++) {
        if (present[i] == 3) {
            printf("fscheck: f%u and g%u both exist\n", i, i);
            bad = 1;
        }
        if (!synced[i])
            continue;
        nsynced++;
        int want = synced[i] == 'f' ? (pending[i] == 'r' ? 3 : 1) : 2; /* which names will do */
        if (!(present[i] & want) && pending[i] != 'x') {
            printf("fscheck: %c%u was synced and is missing\n", synced[i], i);
            bad = 1;
        }
    }
    printf("fscheck: %u synced files checked, %u others (unsynced or in between) %s\n", nsynced, others,
           bad ? "- FAILED" : "clean");
    return bad;
}
