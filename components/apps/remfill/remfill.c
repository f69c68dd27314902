/* Fills fresh memory and DMA pages with a pattern, then exits
 * (components/apps/remanence.h). */
#define NAME "remfill"
#define FILL 1
#include "../remanence.h"
