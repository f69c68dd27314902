/* Hosted entropy: the Linux kernel's CSPRNG. */
#include "hosted.h"

#include <athanor/klib.h>
#include <sys/random.h>

void plat_entropy(void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len) {
        ssize_t n = getrandom(p, len, 0);
        if (n <= 0)
            kpanic("hosted: getrandom failed");
        p += n;
        len -= (size_t)n;
    }
}
