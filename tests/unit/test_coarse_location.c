/* Unit tests of coarse location (components/services/coarse_location.c):
 * every point of a cell gives the same answer, the answer is near the
 * point, cells are about 2 km wide at every latitude, and the edges of the
 * map (poles, the 180th meridian, out-of-range input) are handled. */
#include <math.h>

#include "fake_platform.h"
#include "unit_rng.h"

#include "../../components/services/coarse_location.h"

/* Distance in km between two points (degrees × 10^7), haversine. */
static double km(int32_t lat1, int32_t lon1, int32_t lat2, int32_t lon2)
{
    double r = 6371.0, d = 3.14159265358979323846 / 180 / 1e7;
    double p1 = lat1 * d, p2 = lat2 * d, dp = (lat2 - lat1) * d, dl = ((double)lon2 - lon1) * d;
    double a = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2);
    return 2 * r * asin(sqrt(a));
}

static void test_known_point(void **state)
{
    (void)state;
    int32_t lat, lon;
    coarse_location(481173000, 115166666, &lat, &lon); /* Munich, from the NMEA example */
    assert_true(km(481173000, 115166666, lat, lon) < 1.6);
    int32_t lat2, lon2;
    coarse_location(481173000 + 1000, 115166666 - 1000, &lat2, &lon2); /* 11 m away */
    assert_int_equal(lat, lat2);
    assert_int_equal(lon, lon2);
}

/* Random points: the cell centre is within half a diagonal (about 1.5 km)
 * and snapping the centre again gives itself; neighbours about 2 km away
 * in each direction land in other cells. */
static void test_random_points(void **state)
{
    (void)state;
    struct unit_rng rng;
    unit_rng_seed(&rng, 42);
    double worst = 0;
    for (int i = 0; i < 200000; i++) {
        int32_t lat = (int32_t)(unit_rng_below(&rng, 1800000001) - 900000000);
        int32_t lon = (int32_t)(unit_rng_below(&rng, 3600000000u) - 1800000000);
        int32_t clat, clon, c2lat, c2lon;
        coarse_location(lat, lon, &clat, &clon);
        double d = km(lat, lon, clat, clon);
        if (d > worst)
            worst = d;
        coarse_location(clat, clon, &c2lat, &c2lon);
        assert_int_equal(c2lat, clat);
        assert_int_equal(c2lon, clon);
    }
    print_message("# farthest point from its cell's centre: %.3f km\n", worst);
    assert_true(worst < 1.6);
}

/* Cells are about 2 km across at every latitude, up to the band around
 * the pole. */
static void test_cell_size(void **state)
{
    (void)state;
    static const int32_t lats[] = { -899950000, -895000000, -890000000, -700000000, -450000000, 0,
                                    300000000, 600000000, 850000000, 880000000, 895000000, 899950000 };
    for (unsigned i = 0; i < sizeof lats / sizeof *lats; i++) {
        int32_t lat = lats[i] + 12345, lon = 123456789;
        int32_t clat, clon, nlat, nlon, elat, elon;
        coarse_location(lat, lon, &clat, &clon);
        /* the cell to the north (to the south in the band around the north pole) */
        coarse_location(clat + (clat > 899000000 ? -1 : 1) * COARSE_LAT_STEP_E7, clon, &nlat, &nlon);
        double ns = km(clat, clon, nlat, clon);
        /* the cell to the east: step until the answer changes */
        int32_t step = 0;
        do {
            step += 10000;
            coarse_location(clat, clon + step, &elat, &elon);
        } while (elon == clon);
        /* along the parallel (across the pole, a great circle is shorter) */
        double rad = 3.14159265358979323846 / 180 / 1e7;
        double ew = 6371.0 * cos(clat * rad) * ((double)elon - clon) * rad;
        print_message("# at %.4f deg: cells %.3f km high, %.3f km wide\n", clat / 1e7, ns, ew);
        assert_true(ns > 1.9 && ns < 2.1);
        assert_true(ew > 1.8 && ew < 2.5);
    }
}

static void test_edges(void **state)
{
    (void)state;
    int32_t lat, lon, lat2, lon2;
    coarse_location(900000000, 0, &lat, &lon); /* the north pole: in the top band's cells */
    coarse_location(899990000, 100000000, &lat2, &lon2);
    assert_int_equal(lat, lat2);
    assert_int_equal(lon, lon2);
    assert_true(lat <= 900000000);
    coarse_location(-900000000, -1800000000, &lat, &lon);
    assert_true(lat >= -900000000 && lon >= -1800000000 && lon < 1800000000);
    coarse_location(0, 1800000000, &lat, &lon); /* 180° E is 180° W */
    coarse_location(0, -1800000000, &lat2, &lon2);
    assert_int_equal(lon, lon2);
    coarse_location(INT32_MAX, INT32_MIN, &lat, &lon); /* out of range: clamped, no overflow */
    assert_true(lat <= 900000000 && lon >= -1800000000 && lon < 1800000000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_point),
        cmocka_unit_test(test_random_points),
        cmocka_unit_test(test_cell_size),
        cmocka_unit_test(test_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
