/* Coarse location (see coarse_location.h). The cell of a point depends only
 * on integer arithmetic on its band, so two readings in one cell can never
 * round differently; the band's longitude step comes from a cosine table
 * of whole degrees, interpolated to the band's middle latitude (near the
 * poles the cosine falls fast: the whole degree below would make cells
 * there a hundred times narrower than 2 km), not from floating point. */
#include "coarse_location.h"

/* cos(d°) × 10^4 for d = 0..90. */
static const uint16_t cos_e4[91] = {
    10000, 9998, 9994, 9986, 9976, 9962, 9945, 9925, 9903, 9877, 9848, 9816, 9781, 9744, 9703,
    9659, 9613, 9563, 9511, 9455, 9397, 9336, 9272, 9205, 9135, 9063, 8988, 8910, 8829, 8746,
    8660, 8572, 8480, 8387, 8290, 8192, 8090, 7986, 7880, 7771, 7660, 7547, 7431, 7314, 7193,
    7071, 6947, 6820, 6691, 6561, 6428, 6293, 6157, 6018, 5878, 5736, 5592, 5446, 5299, 5150,
    5000, 4848, 4695, 4540, 4384, 4226, 4067, 3907, 3746, 3584, 3420, 3256, 3090, 2924, 2756,
    2588, 2419, 2250, 2079, 1908, 1736, 1564, 1392, 1219, 1045, 872, 698, 523, 349, 175, 0,
};

#define DEG_E7   10000000LL
#define HALF_LON (180 * DEG_E7)

/* floor(a / b) for b > 0. */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

void coarse_location(int32_t lat_e7, int32_t lon_e7, int32_t *out_lat_e7, int32_t *out_lon_e7)
{
    int64_t lat = lat_e7, lon = lon_e7;
    if (lat > 90 * DEG_E7)
        lat = 90 * DEG_E7;
    if (lat < -90 * DEG_E7)
        lat = -90 * DEG_E7;
    if (lon >= HALF_LON || lon < -HALF_LON) /* 180° E is 180° W */
        lon = -HALF_LON;
    /* the band, counted from the south pole; the north pole joins the last */
    int64_t nbands = (180 * DEG_E7 + COARSE_LAT_STEP_E7 - 1) / COARSE_LAT_STEP_E7;
    int64_t band = (lat + 90 * DEG_E7) / COARSE_LAT_STEP_E7;
    if (band >= nbands)
        band = nbands - 1;
    int64_t centre = -90 * DEG_E7 + band * COARSE_LAT_STEP_E7 + COARSE_LAT_STEP_E7 / 2;
    if (centre > 90 * DEG_E7)
        centre = 90 * DEG_E7;
    /* the band's cells: as wide as it is high at its middle, in kilometres;
     * c is cos(middle) × 10^4 × 10^7 */
    int64_t a = centre < 0 ? -centre : centre, deg = a / DEG_E7, frac = a % DEG_E7;
    int64_t c = deg >= 90 ? 0 : cos_e4[deg] * (DEG_E7 - frac) + cos_e4[deg + 1] * frac;
    int64_t ncells = 360 * c / (COARSE_LAT_STEP_E7 * 10000LL);
    if (ncells < 1)
        ncells = 1; /* at the pole, one cell */
    int64_t width = 360 * DEG_E7 / ncells;
    int64_t cell = floor_div(lon + HALF_LON, width);
    if (cell >= ncells)
        cell = ncells - 1;
    *out_lat_e7 = (int32_t)centre;
    *out_lon_e7 = (int32_t)(-HALF_LON + cell * width + width / 2);
}
