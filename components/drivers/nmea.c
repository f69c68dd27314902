/* NMEA 0183 parsing (see nmea.h): framing and checksum, then the fields of
 * GGA and RMC, each checked against its range. Numbers are parsed as
 * decimal fixed point with explicit digit limits, so no input can overflow
 * an integer or reach a float. */
#include "nmea.h"

#include <string.h>

void nmea_init(struct nmea_reader *r)
{
    memset(r, 0, sizeof *r);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* A field: [p, p + n). */
struct field {
    const char *p;
    size_t      n;
};

#define MAX_FIELDS 24

/* An unsigned decimal of at most max_int integer digits and any fraction
 * digits, of which the first `scale` are kept: the value × 10^scale.
 * False if it is empty, has another character, or too many digits. */
static bool decimal(struct field f, unsigned max_int, unsigned scale, uint64_t *out)
{
    uint64_t v = 0;
    unsigned ints = 0, fracs = 0;
    size_t i = 0;
    for (; i < f.n && f.p[i] != '.'; i++) {
        if (f.p[i] < '0' || f.p[i] > '9' || ++ints > max_int)
            return false;
        v = v * 10 + (uint64_t)(f.p[i] - '0');
    }
    if (i < f.n) { /* the fraction */
        for (i++; i < f.n; i++) {
            if (f.p[i] < '0' || f.p[i] > '9')
                return false;
            if (fracs < scale) {
                v = v * 10 + (uint64_t)(f.p[i] - '0');
                fracs++;
            } else if (fracs >= 12) { /* an absurd number of digits */
                return false;
            }
        }
    }
    if (ints == 0 && fracs == 0)
        return false;
    for (; fracs < scale; fracs++)
        v *= 10;
    *out = v;
    return true;
}

/* The same with an optional leading '-'. */
static bool signed_decimal(struct field f, unsigned max_int, unsigned scale, int64_t *out)
{
    bool neg = f.n && f.p[0] == '-';
    if (neg)
        f.p++, f.n--;
    uint64_t v;
    if (!decimal(f, max_int, scale, &v))
        return false;
    *out = neg ? -(int64_t)v : (int64_t)v;
    return true;
}

/* hhmmss[.sss] -> milliseconds of the day. */
static bool time_of_day(struct field f, uint32_t *ms)
{
    if (f.n < 6)
        return false;
    uint64_t v; /* hhmmss × 1000 */
    if (!decimal(f, 6, 3, &v))
        return false;
    uint32_t s1000 = (uint32_t)(v % 100000), mm = (uint32_t)(v / 100000 % 100), hh = (uint32_t)(v / 10000000);
    if (hh > 23 || mm > 59 || s1000 >= 61000) /* 60: a leap second */
        return false;
    *ms = (hh * 3600 + mm * 60) * 1000 + s1000;
    return true;
}

/* (d)ddmm.mmmm with its hemisphere letter -> degrees × 10^7. */
static bool coordinate(struct field f, struct field hemi, unsigned deg_digits, char pos, char neg,
                       int32_t *out)
{
    if (hemi.n != 1 || (hemi.p[0] != pos && hemi.p[0] != neg))
        return false;
    uint64_t v; /* (d)ddmm × 10^6 */
    if (!decimal(f, deg_digits + 2, 6, &v))
        return false;
    uint64_t deg = v / 100000000, min_u6 = v % 100000000; /* minutes × 10^6 */
    if (min_u6 >= 60000000 || deg > (deg_digits == 2 ? 90u : 180u))
        return false;
    uint64_t e7 = deg * 10000000 + min_u6 / 6;
    if (e7 > (deg_digits == 2 ? 900000000u : 1800000000u))
        return false;
    *out = hemi.p[0] == neg ? -(int32_t)e7 : (int32_t)e7;
    return true;
}

/* A time field, if not empty. */
static bool opt_time(struct field f, struct nmea_fix *fix)
{
    if (!f.n)
        return true;
    fix->have_time = true;
    return time_of_day(f, &fix->time_ms);
}

/* Latitude, N/S, longitude, E/W (f[0..3]), unless all four are empty. */
static bool opt_position(const struct field *f, struct nmea_fix *fix)
{
    if (!f[0].n && !f[1].n && !f[2].n && !f[3].n)
        return true;
    fix->have_pos = true;
    return coordinate(f[0], f[1], 2, 'N', 'S', &fix->lat_e7) &&
           coordinate(f[2], f[3], 3, 'E', 'W', &fix->lon_e7);
}

static bool gga(const struct field *f, unsigned nf, struct nmea_fix *fix)
{
    /* time, lat, N/S, lon, E/W, quality, satellites, hdop, alt, M, sep, M, age, station */
    if (nf < 10)
        return false;
    fix->kind = NMEA_GGA;
    if (!opt_time(f[1], fix) || !opt_position(&f[2], fix))
        return false;
    uint64_t v;
    if (f[6].n) {
        if (!decimal(f[6], 1, 0, &v) || v > 8)
            return false;
        fix->quality = (uint8_t)v;
    }
    if (f[7].n) {
        if (!decimal(f[7], 2, 0, &v) || v > 99)
            return false;
        fix->satellites = (uint8_t)v;
    }
    if (f[8].n) {
        if (!decimal(f[8], 2, 2, &v) || v > 9999)
            return false;
        fix->hdop_x100 = (uint16_t)v;
    }
    if (f[9].n) {
        int64_t mm;
        if (!signed_decimal(f[9], 6, 3, &mm) || mm < -100000000 || mm > 100000000) /* ±100 km */
            return false;
        if (nf > 10 && f[10].n && !(f[10].n == 1 && f[10].p[0] == 'M'))
            return false;
        fix->alt_mm = (int32_t)mm;
        fix->have_alt = true;
    }
    fix->valid = fix->quality > 0;
    return true;
}

static bool rmc(const struct field *f, unsigned nf, struct nmea_fix *fix)
{
    /* time, status, lat, N/S, lon, E/W, speed, course, date, magvar, E/W, (mode) */
    if (nf < 10)
        return false;
    fix->kind = NMEA_RMC;
    if (!opt_time(f[1], fix))
        return false;
    if (f[2].n != 1 || (f[2].p[0] != 'A' && f[2].p[0] != 'V'))
        return false;
    fix->valid = f[2].p[0] == 'A';
    if (!opt_position(&f[3], fix))
        return false;
    uint64_t v;
    if (f[7].n && !decimal(f[7], 4, 3, &v)) /* speed, knots: checked, not kept */
        return false;
    if (f[8].n && (!decimal(f[8], 3, 3, &v) || v >= 360000))
        return false;
    if (f[9].n) {
        if (f[9].n != 6 || !decimal(f[9], 6, 0, &v))
            return false;
        uint32_t dd = (uint32_t)(v / 10000), mo = (uint32_t)(v / 100 % 100);
        if (dd < 1 || dd > 31 || mo < 1 || mo > 12)
            return false;
        fix->date = (uint32_t)v;
        fix->have_date = true;
    }
    return true;
}

bool nmea_parse_line(const char *line, size_t len, struct nmea_fix *fix, struct nmea_stats *st)
{
    memset(fix, 0, sizeof *fix);
    if (len > NMEA_LINE_MAX) {
        st->too_long++;
        return false;
    }
    /* $ttsss,...*hh: printable ASCII only, the checksum the XOR of what
     * lies between '$' and '*'. */
    if (len < 10 || line[0] != '$') {
        st->malformed++;
        return false;
    }
    size_t star = 0;
    uint8_t sum = 0;
    for (size_t i = 1; i < len; i++) {
        char c = line[i];
        if (c < 0x20 || c > 0x7e) {
            st->malformed++;
            return false;
        }
        if (c == '*') {
            star = i;
            break;
        }
        sum ^= (uint8_t)c;
    }
    if (!star || star + 3 != len) {
        st->bad_checksum++;
        return false;
    }
    int hi = hexval(line[star + 1]), lo = hexval(line[star + 2]);
    if (hi < 0 || lo < 0 || (uint8_t)(hi << 4 | lo) != sum) {
        st->bad_checksum++;
        return false;
    }
    /* fields between '$' and '*' */
    struct field f[MAX_FIELDS];
    unsigned nf = 0;
    const char *p = line + 1, *end = line + star;
    for (;;) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *stop = comma ? comma : end;
        if (nf == MAX_FIELDS) {
            st->malformed++;
            return false;
        }
        f[nf++] = (struct field){ p, (size_t)(stop - p) };
        if (!comma)
            break;
        p = comma + 1;
    }
    /* the address: a two-letter talker and a three-letter type */
    if (f[0].n != 5) {
        st->malformed++;
        return false;
    }
    for (unsigned i = 0; i < 5; i++)
        if (f[0].p[i] < 'A' || f[0].p[i] > 'Z') {
            st->malformed++;
            return false;
        }
    const char *type = f[0].p + 2;
    bool ok;
    if (memcmp(type, "GGA", 3) == 0) {
        ok = gga(f, nf, fix);
        if (ok)
            st->gga++;
    } else if (memcmp(type, "RMC", 3) == 0) {
        ok = rmc(f, nf, fix);
        if (ok)
            st->rmc++;
    } else {
        st->sentences++;
        st->other++;
        return false;
    }
    if (!ok) {
        memset(fix, 0, sizeof *fix);
        st->malformed++;
        return false;
    }
    st->sentences++;
    return true;
}

bool nmea_push(struct nmea_reader *r, uint8_t byte, struct nmea_fix *fix)
{
    if (byte == '$') { /* a new line starts, whatever came before */
        if (r->in_line && !r->overflow)
            r->stats.malformed++; /* the previous one never ended */
        r->in_line = true;
        r->overflow = false;
        r->len = 0;
    }
    if (!r->in_line)
        return false; /* noise between sentences */
    if (byte == '\n') {
        r->in_line = false;
        if (r->overflow) {
            r->stats.too_long++;
            return false;
        }
        unsigned n = r->len;
        if (n && r->line[n - 1] == '\r')
            n--;
        return nmea_parse_line(r->line, n, fix, &r->stats);
    }
    if (r->len == NMEA_LINE_MAX + 1) { /* one more than a '\r' could be */
        r->overflow = true;
        return false;
    }
    r->line[r->len++] = (char)byte;
    return false;
}
