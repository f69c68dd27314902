/* NMEA 0183 sentences from a GPS receiver: assembled from a byte stream,
 * checksummed, and the two that carry a position (GGA, RMC) parsed into
 * fixed-point numbers. Everything else is counted, and anything malformed
 * is counted and dropped: the input is a serial line a hostile or broken
 * device controls. Portable C (no floating point, no allocation), kept
 * beside the driver folders rather than in one, for the GPS driver
 * (docs/privacy.md) to compile in; the host unit test
 * (tests/unit/test_nmea.c, with its fuzz round) runs it natively. */
#ifndef NMEA_H
#define NMEA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* NMEA 0183 allows 82 characters from '$' to the line end; receivers that
 * go beyond it exist, so a little more is accepted, longer is dropped. */
#define NMEA_LINE_MAX 120

/* What one sentence said. Fields a sentence leaves empty are not "have". */
struct nmea_fix {
    enum { NMEA_NONE, NMEA_GGA, NMEA_RMC } kind;
    bool     have_time, have_pos, have_alt, have_date;
    uint32_t time_ms;      /* UTC time of day, milliseconds */
    int32_t  lat_e7;       /* degrees × 10^7, north positive */
    int32_t  lon_e7;       /* degrees × 10^7, east positive */
    int32_t  alt_mm;       /* GGA: altitude above mean sea level, millimetres */
    uint8_t  quality;      /* GGA: 0 no fix, 1 GPS, 2 DGPS, ... (0-8) */
    uint8_t  satellites;   /* GGA: satellites in use */
    uint16_t hdop_x100;    /* GGA: horizontal dilution of precision × 100 */
    bool     valid;        /* RMC: status A (active) rather than V; GGA: quality > 0 */
    uint32_t date;         /* RMC: ddmmyy as a number */
};

struct nmea_stats {
    uint32_t sentences;    /* checksummed and well formed (any type) */
    uint32_t gga, rmc;     /* of those, positions parsed */
    uint32_t other;        /* well formed, of a type not parsed (GSV, GSA, VTG, ...) */
    uint32_t bad_checksum; /* missing or wrong checksum */
    uint32_t malformed;    /* a field out of range, bad framing or characters */
    uint32_t too_long;     /* lines over NMEA_LINE_MAX */
};

/* Byte-stream assembly: a line starts at '$' and ends at '\n' (a '\r'
 * before it is dropped). Bytes outside a line are ignored. */
struct nmea_reader {
    char              line[NMEA_LINE_MAX + 1];
    unsigned          len;
    bool              in_line, overflow;
    struct nmea_stats stats;
};

void nmea_init(struct nmea_reader *r);
/* Feed one byte. Returns true when it completed a GGA or RMC sentence,
 * parsed into *fix; false otherwise (more bytes needed, or the line was
 * another type or malformed: counted in r->stats). */
bool nmea_push(struct nmea_reader *r, uint8_t byte, struct nmea_fix *fix);
/* Parse one whole line (from '$', without the line end). Same result and
 * counting as nmea_push. */
bool nmea_parse_line(const char *line, size_t len, struct nmea_fix *fix, struct nmea_stats *st);

#endif
