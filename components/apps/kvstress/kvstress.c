/* kvstress: several components calling kv at once. Makes slow calls (kv
 * stays busy for a while) so that other callers must wait for the endpoint,
 * and checks every answer carries its own badge. Exit status 0 only if all
 * calls succeeded with the right answer. Usage: kvstress [calls] [spin] */
#include <stdio.h>
#include <stdlib.h>

#include <athanor.h>

enum { OP_WHO = 5, OP_SLOW = 13 };

int main(int argc, char **argv)
{
    long calls = argc > 1 ? atol(argv[1]) : 50;
    uint64_t spin = argc > 2 ? (uint64_t)atoll(argv[2]) : 2000000;
    ath_handle_t kv = ath_lookup("kv");
    uint64_t me;
    if (kv <= 0 || ath_call(kv, OP_WHO, 0, 0, 0, &me) != 0)
        return 2;
    long bad = 0;
    for (long i = 0; i < calls; i++) {
        uint64_t v = 0;
        int r = ath_call(kv, OP_SLOW, spin, 0, 0, &v);
        if (r != 0 || v != me)
            bad++;
    }
    printf("kvstress: %ld slow calls, %ld wrong\n", calls, bad);
    return bad ? 1 : 0;
}
