/* counter: keeps a counter in its linear memory, adds one and prints it
 * every interval (argument, in ms; default 1000). `reset counter` puts its
 * memory back to the state right after initialisation, so it starts again
 * from 101. The value sits next to a marker so tests can find it in memory. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Initialised data: part of the post-init snapshot. */
volatile struct {
    char          marker[16];
    unsigned long value;
} state = { "AZOTH-COUNTER:", 100 };

int main(int argc, char **argv)
{
    long interval_ms = argc > 1 ? atol(argv[1]) : 1000;
    struct timespec ts = { interval_ms / 1000, (interval_ms % 1000) * 1000000L };
    for (;;) {
        state.value++;
        printf("counter: %lu\n", state.value);
        nanosleep(&ts, NULL);
    }
}
