/* kvsnprintf: the kernel's printf formatter. Portable and allocation-free so it
 * works in interrupt handlers, the fault path and early boot. */
#include <athanor/klib.h>

struct out {
    char  *buf;
    size_t cap;
    size_t len; /* total length the output would have */
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->cap)
        o->buf[o->len] = c;
    o->len++;
}

static void put_padded(struct out *o, const char *s, size_t n, int width, bool left, char pad)
{
    int fill = width > (int)n ? width - (int)n : 0;
    if (!left)
        while (fill-- > 0)
            put(o, pad);
    for (size_t i = 0; i < n; i++)
        put(o, s[i]);
    if (left)
        while (fill-- > 0)
            put(o, ' ');
}

/* One number: [sign][prefix][zero padding]digits, padded to `width` with
 * spaces on the left (default), on the right ('-'), or with zeros between the
 * prefix and the digits ('0'), as C's printf does. */
static void put_num(struct out *o, uint64_t v, bool neg, unsigned base, bool upper,
                    const char *prefix, int width, bool left, char pad)
{
    char digits[24];
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0;
    do {
        digits[n++] = set[v % base];
        v /= base;
    } while (v);
    int plen = (int)strlen(prefix) + (neg ? 1 : 0);
    int fill = width > n + plen ? width - n - plen : 0;
    if (!left && pad != '0')
        for (int i = 0; i < fill; i++)
            put(o, ' ');
    if (neg)
        put(o, '-');
    for (const char *p = prefix; *p; p++)
        put(o, *p);
    if (!left && pad == '0')
        for (int i = 0; i < fill; i++)
            put(o, '0');
    while (n)
        put(o, digits[--n]);
    if (left)
        for (int i = 0; i < fill; i++)
            put(o, ' ');
}

int kvsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
    struct out o = { buf, cap, 0 };
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            put(&o, *p);
            continue;
        }
        p++;
        bool left = false, alt = false;
        char pad = ' ';
        for (;; p++) {
            if (*p == '-')
                left = true;
            else if (*p == '#')
                alt = true;
            else if (*p == '0')
                pad = '0';
            else
                break;
        }
        int width = 0;
        while (*p >= '0' && *p <= '9')
            width = width * 10 + (*p++ - '0');
        int lng = 0; /* 0 int, 1 long, 2 long long, 3 size_t */
        if (*p == 'l') {
            lng = 1;
            p++;
            if (*p == 'l') {
                lng = 2;
                p++;
            }
        } else if (*p == 'z') {
            lng = 3;
            p++;
        }
        switch (*p) {
        case 'd':
        case 'i': {
            int64_t v = lng == 0 ? va_arg(ap, int) : lng == 1 ? va_arg(ap, long)
                      : lng == 2 ? va_arg(ap, long long) : (int64_t)va_arg(ap, size_t);
            uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
            put_num(&o, mag, v < 0, 10, false, "", width, left, pad);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            uint64_t v = lng == 0 ? va_arg(ap, unsigned) : lng == 1 ? va_arg(ap, unsigned long)
                       : lng == 2 ? va_arg(ap, unsigned long long) : va_arg(ap, size_t);
            /* '#': 0x/0X before non-zero hex numbers, as in C */
            const char *prefix = alt && v && *p != 'u' ? (*p == 'X' ? "0X" : "0x") : "";
            put_num(&o, v, false, *p == 'u' ? 10 : 16, *p == 'X', prefix, width, left, pad);
            break;
        }
        case 'p': {
            uintptr_t v = (uintptr_t)va_arg(ap, void *);
            put_num(&o, v, false, 16, false, "0x", width, left, pad);
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            put_padded(&o, s, strlen(s), width, left, ' ');
            break;
        }
        case 'c':
            put(&o, (char)va_arg(ap, int));
            break;
        case '%':
            put(&o, '%');
            break;
        case '\0':
            p--; /* trailing lone '%': stop at the terminator */
            break;
        default:
            /* unknown conversion: print it literally so the bug is visible */
            put(&o, '%');
            put(&o, *p);
            break;
        }
    }
    if (cap)
        buf[o.len < cap ? o.len : cap - 1] = '\0';
    return (int)o.len;
}

int ksnprintf(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    return n;
}

size_t kstrlcpy(char *dst, const char *src, size_t cap)
{
    size_t n = strlen(src);
    if (cap) {
        size_t c = n < cap - 1 ? n : cap - 1;
        memcpy(dst, src, c);
        dst[c] = '\0';
    }
    return n;
}

bool kparse_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    unsigned base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!*s)
        return false;
    for (; *s; s++) {
        unsigned d;
        if (*s >= '0' && *s <= '9')
            d = (unsigned)(*s - '0');
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = (unsigned)(*s - 'a' + 10);
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            d = (unsigned)(*s - 'A' + 10);
        else
            return false;
        if (v > (UINT64_MAX - d) / base)
            return false; /* overflow */
        v = v * base + d;
    }
    *out = v;
    return true;
}
