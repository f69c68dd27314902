/* Looks for remfill's pattern in the memory and DMA pages it gets next
 * (components/apps/remanence.h). */
#define NAME "remcheck"
#define FILL 0
#include "../remanence.h"
