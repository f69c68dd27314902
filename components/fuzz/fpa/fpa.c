/* The fuzzer puppet fpa (components/fuzz/fpuppet.h). */
#include "../fpuppet.h"
