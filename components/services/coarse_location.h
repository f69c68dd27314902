/* Coarse location for sessions that asked for it (docs/privacy.md): a
 * position snapped to the centre of its cell in a grid of about 2 km, so
 * every reading inside a cell gives the same answer and averaging many
 * readings reveals nothing finer than the cell. Kept beside the service
 * folders for the privacy service to compile in; the host
 * unit test (tests/unit/test_coarse_location.c) runs it natively. */
#ifndef COARSE_LOCATION_H
#define COARSE_LOCATION_H

#include <stdint.h>

/* The grid: bands of COARSE_LAT_STEP_E7 of latitude (0.018°, 2.0 km), each
 * cut into equal cells about 2 km wide at the band's middle latitude
 * (fewer and wider in degrees towards the poles; the band around a pole is
 * one cell). */
#define COARSE_LAT_STEP_E7 180000

/* Snap (lat, lon) in degrees × 10^7 (lat in [-90°, 90°], lon in
 * [-180°, 180°]) to its cell's centre. */
void coarse_location(int32_t lat_e7, int32_t lon_e7, int32_t *out_lat_e7, int32_t *out_lon_e7);

#endif
