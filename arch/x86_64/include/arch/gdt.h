/* Interrupt stack table slots (1-based in IDT entries). */
#ifndef ARCH_GDT_H
#define ARCH_GDT_H

#include <athanor/types.h>

#define IST_DOUBLE_FAULT 1
#define IST_NMI          2
#define IST_MACHINE_CHECK 3
#define IST_COUNT        3

bool gdt_on_ist_stack(uintptr_t sp);

#endif
