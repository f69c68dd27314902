/* Kernel symbol table for backtraces. The build links the kernel twice: the
 * second link adds a table generated (tools/gen-ksyms.sh) from the first
 * link's text symbols; the table sits after all code, so code addresses are
 * the same in both links (the build checks this). */
#ifndef ATHANOR_KSYMS_H
#define ATHANOR_KSYMS_H

#include <athanor/types.h>

/* Name of the function containing addr and the offset into it; false when
 * addr is outside every known function. */
bool ksym_lookup(uintptr_t addr, const char **name, uintptr_t *offset);
/* Print one backtrace line: "  #n 0x... name+0xoff". */
void ksym_print_frame(unsigned n, uintptr_t addr);

#endif
