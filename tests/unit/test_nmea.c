/* Unit tests of the GPS driver's NMEA 0183 parser (components/drivers/
 * nmea.c), compiled natively under ASan/UBSan: the reference sentences,
 * every kind of malformed input counted, byte-stream assembly, and a fuzz
 * round of random and mutated lines that must never crash it and must all
 * be accounted for. */
#include <stdio.h>
#include <string.h>

#include "fake_platform.h"
#include "unit_rng.h"

#include "../../components/drivers/nmea.h"

/* "$BODY*hh" with the right checksum into buf. */
static const char *sentence(char *buf, size_t cap, const char *body)
{
    uint8_t sum = 0;
    for (const char *p = body; *p; p++)
        sum ^= (uint8_t)*p;
    snprintf(buf, cap, "$%s*%02X", body, sum);
    return buf;
}

static bool parse(const char *line, struct nmea_fix *fix, struct nmea_stats *st)
{
    return nmea_parse_line(line, strlen(line), fix, st);
}

static void test_reference_gga(void **state)
{
    (void)state;
    struct nmea_stats st = { 0 };
    struct nmea_fix fix;
    /* the example every NMEA reference uses */
    assert_true(parse("$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47", &fix, &st));
    assert_int_equal(fix.kind, NMEA_GGA);
    assert_true(fix.have_time && fix.have_pos && fix.have_alt && fix.valid);
    assert_int_equal(fix.time_ms, (12 * 3600 + 35 * 60 + 19) * 1000);
    assert_int_equal(fix.lat_e7, 481173000);  /* 48° 07.038' */
    assert_int_equal(fix.lon_e7, 115166666);  /* 11° 31.000' */
    assert_int_equal(fix.quality, 1);
    assert_int_equal(fix.satellites, 8);
    assert_int_equal(fix.hdop_x100, 90);
    assert_int_equal(fix.alt_mm, 545400);
    assert_int_equal(st.gga, 1);
    assert_int_equal(st.sentences, 1);
}

static void test_reference_rmc(void **state)
{
    (void)state;
    struct nmea_stats st = { 0 };
    struct nmea_fix fix;
    assert_true(parse("$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A", &fix, &st));
    assert_int_equal(fix.kind, NMEA_RMC);
    assert_true(fix.valid && fix.have_pos && fix.have_date);
    assert_int_equal(fix.date, 230394);
    assert_int_equal(fix.lat_e7, 481173000);
    assert_int_equal(st.rmc, 1);
}

static void test_hemispheres_and_fractions(void **state)
{
    (void)state;
    char b[128];
    struct nmea_stats st = { 0 };
    struct nmea_fix fix;
    assert_true(parse(sentence(b, sizeof b, "GNGGA,235959.999,3352.1234,S,15112.5678,W,2,12,1.25,-12.5,M,,M,,"),
                      &fix, &st));
    assert_int_equal(fix.time_ms, 86399999);
    assert_int_equal(fix.lat_e7, -(330000000 + 52123400 / 6));
    assert_int_equal(fix.lon_e7, -(1510000000 + 12567800 / 6));
    assert_int_equal(fix.alt_mm, -12500);
    assert_int_equal(fix.hdop_x100, 125);
    assert_int_equal(fix.quality, 2);
}

static void test_no_fix_is_not_an_error(void **state)
{
    (void)state;
    char b[128];
    struct nmea_stats st = { 0 };
    struct nmea_fix fix;
    /* a receiver still searching: empty fields, quality 0, status V */
    assert_true(parse(sentence(b, sizeof b, "GPGGA,,,,,,0,00,,,M,,M,,"), &fix, &st));
    assert_false(fix.have_pos || fix.have_time || fix.valid);
    assert_true(parse(sentence(b, sizeof b, "GPRMC,,V,,,,,,,,,,N"), &fix, &st));
    assert_false(fix.valid || fix.have_pos);
    assert_int_equal(st.malformed + st.bad_checksum, 0);
}

static void test_other_sentences_counted(void **state)
{
    (void)state;
    char b[128];
    struct nmea_stats st = { 0 };
    struct nmea_fix fix;
    assert_false(parse(sentence(b, sizeof b, "GPGSV,3,1,11,03,03,111,00,04,15,270,00,06,01,010,00,13,06,292,00"),
                       &fix, &st));
    assert_int_equal(st.other, 1);
    assert_int_equal(st.sentences, 1);
    assert_int_equal(fix.kind, NMEA_NONE);
}

static void test_malformed_counted_and_dropped(void **state)
{
    (void)state;
    char b[160];
    struct nmea_stats st = { 0 };
    struct nmea_fix fix;
    static const char *const bad_fields[] = {
        "GPGGA,243519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,,M,,",  /* hour 24 */
        "GPGGA,123519,9107.038,N,01131.000,E,1,08,0.9,545.4,M,,M,,",  /* latitude 91 */
        "GPGGA,123519,4860.000,N,01131.000,E,1,08,0.9,545.4,M,,M,,",  /* 60 minutes */
        "GPGGA,123519,4807.038,X,01131.000,E,1,08,0.9,545.4,M,,M,,",  /* hemisphere */
        "GPGGA,123519,4807.038,N,18131.000,E,1,08,0.9,545.4,M,,M,,",  /* longitude 181 */
        "GPGGA,123519,4807.038,N,01131.000,E,9,08,0.9,545.4,M,,M,,",  /* quality 9 */
        "GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,5x5.4,M,,M,,",  /* a letter in a number */
        "GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,999999999.9,M,,M,,", /* altitude */
        "GPGGA,123519,48.07.038,N,01131.000,E,1,08,0.9,545.4,M,,M,,", /* two points */
        "GPGGA,123519,4807.038,N",                                     /* too few fields */
        "GPRMC,123519,X,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W", /* status */
        "GPRMC,123519,A,4807.038,N,01131.000,E,022.4,360.0,230394,003.1,W", /* course 360 */
        "GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,231394,003.1,W", /* month 13 */
        "GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,2303941,003.1,W", /* date digits */
        "gpgga,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,,M,,",  /* lower case */
        "GPGGAX,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,,M,,", /* address length */
        "GPGGA,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,",                      /* too many fields */
    };
    for (size_t i = 0; i < sizeof bad_fields / sizeof *bad_fields; i++) {
        assert_false(parse(sentence(b, sizeof b, bad_fields[i]), &fix, &st));
        assert_int_equal(fix.kind, NMEA_NONE); /* nothing of it kept */
    }
    assert_int_equal(st.malformed, sizeof bad_fields / sizeof *bad_fields);
    assert_int_equal(st.sentences, 0);
    /* framing and checksum */
    assert_false(parse("$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*48", &fix, &st));
    assert_false(parse("$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,", &fix, &st));
    assert_false(parse("$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*4", &fix, &st));
    assert_false(parse("$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*4G", &fix, &st));
    assert_int_equal(st.bad_checksum, 4);
    assert_false(parse("GPGGA,123519*47", &fix, &st)); /* no '$' */
    assert_false(parse("$GP\x01GA,1*00", &fix, &st));  /* a control character */
    assert_int_equal(st.malformed, sizeof bad_fields / sizeof *bad_fields + 2);
}

static void test_stream_assembly(void **state)
{
    (void)state;
    struct nmea_reader r;
    nmea_init(&r);
    struct nmea_fix fix;
    const char *s = "noise\r\n$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47\r\n"
                    "$GPGSV,1*XX\n$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A\n"
                    "$GPGGA,half a line$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A\r\n";
    unsigned got = 0;
    for (const char *p = s; *p; p++)
        got += nmea_push(&r, (uint8_t)*p, &fix);
    assert_int_equal(got, 3);
    assert_int_equal(r.stats.gga, 1);
    assert_int_equal(r.stats.rmc, 2);
    assert_int_equal(r.stats.bad_checksum, 1); /* $GPGSV,1*XX */
    assert_int_equal(r.stats.malformed, 1);    /* the half line cut by a '$' */
    /* a line far over the limit: counted once, and the next one parses */
    for (int i = 0; i < 1000; i++)
        nmea_push(&r, i == 0 ? '$' : 'A', &fix);
    nmea_push(&r, '\n', &fix);
    assert_int_equal(r.stats.too_long, 1);
    got = 0;
    for (const char *p = "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47\n"; *p; p++)
        got += nmea_push(&r, (uint8_t)*p, &fix);
    assert_int_equal(got, 1);
}

/* Every line fed ends in exactly one counter (or, for stream input, none
 * while it is still open). */
static uint32_t accounted(const struct nmea_stats *st)
{
    return st->sentences + st->bad_checksum + st->malformed + st->too_long;
}

static void test_fuzz_lines(void **state)
{
    (void)state;
    static const char *const valid[] = {
        "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47",
        "$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A",
    };
    static const char alphabet[] = "$*,.-0123456789ABCDEFGMNPRSVWXYZgaz \r\n\x01\x7f\xff";
    struct unit_rng rng;
    unit_rng_seed(&rng, 20261129);
    struct nmea_stats st = { 0 };
    struct nmea_fix fix;
    char line[NMEA_LINE_MAX + 40];
    unsigned lines = 0, parsed = 0;
    for (int i = 0; i < 40000; i++) {
        size_t n;
        if (i % 2) { /* a valid sentence with a few bytes changed, cut or doubled */
            const char *v = valid[unit_rng_next(&rng) % 2];
            n = strlen(v);
            memcpy(line, v, n);
            unsigned edits = 1 + unit_rng_next(&rng) % 4;
            for (unsigned e = 0; e < edits; e++) {
                size_t at = unit_rng_next(&rng) % n;
                switch (unit_rng_next(&rng) % 3) {
                case 0: line[at] = alphabet[unit_rng_next(&rng) % (sizeof alphabet - 1)]; break;
                case 1: n = at + 1; break;
                default:
                    if (n + 10 < sizeof line) {
                        memmove(line + at + 10, line + at, n - at);
                        n += 10;
                    }
                }
            }
        } else { /* random bytes from the alphabet, any length */
            n = unit_rng_next(&rng) % (sizeof line);
            for (size_t k = 0; k < n; k++)
                line[k] = alphabet[unit_rng_next(&rng) % (sizeof alphabet - 1)];
        }
        parsed += nmea_parse_line(line, n, &fix, &st);
        lines++;
        if (fix.kind != NMEA_NONE) { /* what it returns is in range */
            assert_true(fix.lat_e7 >= -900000000 && fix.lat_e7 <= 900000000);
            assert_true(fix.lon_e7 >= -1800000000 && fix.lon_e7 <= 1800000000);
            assert_true(fix.time_ms < 86400000 + 1000);
        }
    }
    assert_int_equal(accounted(&st), lines);
    assert_true(parsed > 0); /* a mutation that left a sentence valid still parses */
    print_message("# fuzz: %u lines, %u parsed, %u bad checksum, %u malformed, %u too long\n", lines, parsed,
                  st.bad_checksum, st.malformed, st.too_long);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_gga),
        cmocka_unit_test(test_reference_rmc),
        cmocka_unit_test(test_hemispheres_and_fractions),
        cmocka_unit_test(test_no_fix_is_not_an_error),
        cmocka_unit_test(test_other_sentences_counted),
        cmocka_unit_test(test_malformed_counted_and_dropped),
        cmocka_unit_test(test_stream_assembly),
        cmocka_unit_test(test_fuzz_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
