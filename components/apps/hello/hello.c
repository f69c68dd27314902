/* hello: the smallest component. Prints its arguments with printf (through
 * wasi-libc and the console capability) and exits with status 0. */
#include <stdio.h>

int main(int argc, char **argv)
{
    printf("hello from a WebAssembly component");
    for (int i = 1; i < argc; i++)
        printf("%s%s", i == 1 ? ": " : " ", argv[i]);
    printf("\n");
    return 0;
}
