/* Kernel support library: formatted output, string helpers, assertions, panic. */
#ifndef ATHANOR_KLIB_H
#define ATHANOR_KLIB_H

#include <stdarg.h>
#include <athanor/types.h>

/* The C string/memory functions keep their standard names and semantics. On
 * bare metal kernel/lib/string.c provides them; hosted, the C library does
 * (so the sanitizers see every copy). */
void  *memcpy(void *restrict d, const void *restrict s, size_t n);
void  *memmove(void *d, const void *s, size_t n);
void  *memset(void *d, int c, size_t n);
int    memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int    strcmp(const char *a, const char *b);
int    strncmp(const char *a, const char *b, size_t n);
char  *strchr(const char *s, int c);

/* Bounded copy that always NUL-terminates (when cap > 0); returns strlen(src). */
size_t kstrlcpy(char *dst, const char *src, size_t cap);

/* printf-style formatting: %d %i %u %x %X %p %s %c %%, with l/ll/z length
 * modifiers, '-', '0' and '#' flags and a field width. Returns the length the full
 * output would have had (like snprintf). */
int kvsnprintf(char *buf, size_t cap, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Formatted console output; safe from any context (takes the console lock). */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Fatal kernel error: print message and backtrace, then stop the machine. */
noreturn void kpanic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define KASSERT(cond)                                                            \
    do {                                                                         \
        if (!(cond))                                                             \
            kpanic("assertion failed: %s at %s:%d", #cond, __FILE__, __LINE__);  \
    } while (0)

/* Parse an unsigned decimal or 0x-prefixed hex number; false if malformed. */
bool kparse_u64(const char *s, uint64_t *out);

#endif
