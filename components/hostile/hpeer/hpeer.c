/* hpeer: the server hserver calls from its handler (nested calls). It
 * spins, blocks or answers, as asked. */
#include <stdint.h>
#include <stdio.h>

#include <athanor.h>

#include "../hostile.h"

static uint64_t calls;
static volatile int sink;

ATH_HANDLER uint64_t ath_handle(uint64_t badge, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
    (void)badge, (void)a1, (void)a2;
    calls++;
    switch (op) {
    case H_PING:
        return a0 + 1;
    case H_SPIN:
        for (;;)
            sink++;
    case H_BLOCK: {
        ath_handle_t n = ath_notify_create();
        uint64_t bits;
        ath_notify_wait(n, 1, UINT64_MAX, &bits);
        return 0;
    }
    case H_COUNT:
        return calls;
    default:
        return (uint64_t)-1;
    }
}

int main(void)
{
    printf("hpeer: serving\n");
    ath_serve();
    return 0;
}
