/* lwIP's architecture header for Azoth components (wasm32-wasi, clang 14 +
 * wasi-libc). Only what lwip/arch.h cannot default. */
#ifndef AZOTH_LWIP_ARCH_CC_H
#define AZOTH_LWIP_ARCH_CC_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* wasm32 and x86_64 are little-endian: lwip/arch.h's default BYTE_ORDER
 * (or glibc's <endian.h>, in a native build for the fuzzer) is right. */

/* Diagnostics to the component's stdout (the console capability). */
#define LWIP_PLATFORM_DIAG(x) do { printf x; } while (0)
/* A failed assertion traps the component: contained and restarted by the
 * supervisor, never a kernel fault. */
#define LWIP_PLATFORM_ASSERT(x) do { printf("lwip assert \"%s\" %s:%d\n", x, __FILE__, __LINE__); \
                                     abort(); } while (0)

/* Random numbers: DHCP xid, DNS query ids and source ports, ephemeral
 * ports. From WASI random_get (the manifest's "random" capability). */
uint32_t azoth_lwip_rand(void);
#define LWIP_RAND() azoth_lwip_rand()

/* No NO_SYS=1 code uses errno; lwip/errno.h stays out. */
#define LWIP_ERRNO_STDINCLUDE 1

#endif
