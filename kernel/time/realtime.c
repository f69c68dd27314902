/* Wall-clock time (see realtime.h) and UTC calendar conversion. The
 * calendar arithmetic is Howard Hinnant's days-from-civil algorithm, written
 * here because the freestanding kernel has no libc time functions. */
#include <athanor/platform.h>
#include <athanor/realtime.h>

/* Unix time at monotonic 0, plus one (0 = not known). A single 64-bit word:
 * readers on other CPUs see an old or a new offset, never half of one. */
static uint64_t boot_unix_ns_plus1;

void realtime_set(uint64_t unix_ns)
{
    uint64_t mono = plat_clock_ns();
    uint64_t base = unix_ns > mono ? unix_ns - mono : 0;
    __atomic_store_n(&boot_unix_ns_plus1, base + 1, __ATOMIC_RELAXED);
}

bool realtime_known(void)
{
    return __atomic_load_n(&boot_unix_ns_plus1, __ATOMIC_RELAXED) != 0;
}

uint64_t realtime_now_ns(void)
{
    uint64_t b = __atomic_load_n(&boot_unix_ns_plus1, __ATOMIC_RELAXED);
    return plat_clock_ns() + (b ? b - 1 : 0);
}

/* Days since 1970-01-01 of a date, and back (eras of 400 years). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void civil_from_unix(int64_t unix_s, struct civil_time *out)
{
    int64_t days = unix_s >= 0 ? unix_s / 86400 : -((-unix_s + 86399) / 86400);
    int64_t secs = unix_s - days * 86400;
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    out->day = doy - (153 * mp + 2) / 5 + 1;
    out->month = mp < 10 ? mp + 3 : mp - 9;
    out->year = (int)((int64_t)yoe + era * 400 + (out->month <= 2));
    out->hour = (unsigned)(secs / 3600);
    out->min = (unsigned)(secs / 60 % 60);
    out->sec = (unsigned)(secs % 60);
}

int64_t civil_to_unix(const struct civil_time *t)
{
    static const unsigned mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (t->month < 1 || t->month > 12 || t->day < 1 || t->day > mdays[t->month - 1] ||
        t->hour > 23 || t->min > 59 || t->sec > 60)
        return -1;
    return days_from_civil(t->year, t->month, t->day) * 86400 + t->hour * 3600 + t->min * 60 +
           t->sec;
}
