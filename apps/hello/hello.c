/* hello: an ordinary C program, nothing Azoth-specific in it: it greets
 * whoever is named, says what time it is, and, given a folder (run --dir),
 * lists it and counts its visits in a file there. Built as a package
 * (mk/apps.mk) and put in /apps of make run's disk: `run hello Ada`. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv)
{
    printf("Hello, %s!\n", argc > 1 ? argv[1] : "world");
    time_t now = time(NULL);
    char when[64];
    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
    printf("It is %s.\n", when);
    const char *dir = getenv("HELLO_DIR");
    if (!dir && argc > 2)
        dir = argv[2];
    if (!dir)
        return 0;
    DIR *d = opendir(dir);
    if (!d) {
        perror(dir);
        return 1;
    }
    printf("In %s:", dir);
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.')
            printf(" %s", e->d_name);
    printf("\n");
    closedir(d);
    char path[512];
    snprintf(path, sizeof path, "%s/hello-visits.txt", dir);
    long visits = 0;
    FILE *f = fopen(path, "r");
    if (f) {
        if (fscanf(f, "%ld", &visits) != 1)
            visits = 0;
        fclose(f);
    }
    f = fopen(path, "w");
    if (!f) {
        perror(path);
        return 1;
    }
    fprintf(f, "%ld\n", ++visits);
    fclose(f);
    printf("Visit number %ld (kept in %s).\n", visits, path);
    return 0;
}
