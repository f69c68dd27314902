/* hello: the smallest component. Prints its arguments with printf (through
 * wasi-libc and the console capability), then the same arguments sorted with
 * qsort in malloc'd memory (ordinary C runs unchanged), and exits with 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int by_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    printf("hello from a WebAssembly component");
    for (int i = 1; i < argc; i++)
        printf("%s%s", i == 1 ? ": " : " ", argv[i]);
    printf("\n");
    if (argc > 2) {
        char **words = malloc(sizeof *words * (size_t)(argc - 1));
        if (!words)
            return 1;
        memcpy(words, argv + 1, sizeof *words * (size_t)(argc - 1));
        qsort(words, (size_t)(argc - 1), sizeof *words, by_text);
        printf("hello: sorted:");
        for (int i = 0; i < argc - 1; i++)
            printf(" %s", words[i]);
        printf("\n");
        free(words);
    }
    return 0;
}
