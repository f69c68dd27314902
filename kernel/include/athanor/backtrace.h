/* Printing a symbolised backtrace from a frame pointer and a program counter
 * (used by kpanic and by the platforms' fault reports). */
#ifndef ATHANOR_BACKTRACE_H
#define ATHANOR_BACKTRACE_H

#include <athanor/platform.h>

void backtrace_print(uintptr_t fp, uintptr_t pc);

#endif
