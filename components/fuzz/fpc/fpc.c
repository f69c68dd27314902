/* The fuzzer puppet fpc (components/fuzz/fpuppet.h). */
#include "../fpuppet.h"
