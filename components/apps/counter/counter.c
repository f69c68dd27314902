/* counter: keeps a counter in its linear memory and prints it each time it
 * is asked ("tick" on its input); used to show reset. */
#include <stdio.h>
#include <string.h>

static unsigned long counter = 100; /* the value right after initialisation */

int main(void)
{
    char line[64];
    printf("counter: ready at %lu\n", counter);
    while (fgets(line, sizeof line, stdin)) {
        counter++;
        printf("counter: %lu\n", counter);
    }
    return 0;
}
