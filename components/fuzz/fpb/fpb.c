/* The fuzzer puppet fpb (components/fuzz/fpuppet.h). */
#include "../fpuppet.h"
