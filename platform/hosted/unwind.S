/* Calls that can be unwound (platform.h): the same x86-64 routine as bare metal. */
#include "../../arch/x86_64/unwind.S"
