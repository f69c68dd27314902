/* Kernel command line parsing: `key=value` words separated by spaces. */
#include <athanor/kernel.h>
#include <athanor/klib.h>

bool cmdline_get(const char *cmdline, const char *key, char *buf, size_t cap)
{
    size_t klen = strlen(key);
    for (const char *p = cmdline; *p;) {
        while (*p == ' ')
            p++;
        const char *end = p;
        while (*end && *end != ' ')
            end++;
        if ((size_t)(end - p) > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
            size_t vlen = (size_t)(end - p) - klen - 1;
            if (cap) {
                size_t c = vlen < cap - 1 ? vlen : cap - 1;
                memcpy(buf, p + klen + 1, c);
                buf[c] = '\0';
            }
            return true;
        }
        p = end;
    }
    return false;
}
