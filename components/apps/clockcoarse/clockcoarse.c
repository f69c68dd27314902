/* A component with an ordinary clock capability: every clock it reads is
 * rounded to 100 µs (components/apps/clockprobe.h). */
#define NAME "clockcoarse"
#define WANT_PRECISE 0
#include "../clockprobe.h"
