/* Wall-clock time: an offset over the monotonic clock. Only a holder of a
 * writable clock capability sets it (the RTC driver, at boot); until then
 * there is no wall clock and REALTIME reads as time since boot. */
#ifndef ATHANOR_REALTIME_H
#define ATHANOR_REALTIME_H

#include <athanor/types.h>

/* Set the wall clock: now is unix_ns nanoseconds since 1970-01-01 UTC. */
void     realtime_set(uint64_t unix_ns);
bool     realtime_known(void);
/* Nanoseconds since 1970 (UTC) if known, else since boot. */
uint64_t realtime_now_ns(void);

/* A UTC calendar date and time. */
struct civil_time {
    int      year;
    unsigned month, day, hour, min, sec; /* month and day from 1 */
};
/* Seconds since 1970 <-> calendar (proleptic Gregorian, UTC). from_civil
 * returns -1 for fields out of range. */
void    civil_from_unix(int64_t unix_s, struct civil_time *out);
int64_t civil_to_unix(const struct civil_time *t);

#endif
