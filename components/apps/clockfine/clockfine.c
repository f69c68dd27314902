/* A component granted the precise clock (the manifest's precise_clock):
 * it reads the clock to the nanosecond (components/apps/clockprobe.h). */
#define NAME "clockfine"
#define WANT_PRECISE 1
#include "../clockprobe.h"
