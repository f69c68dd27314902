/* Kernel console: serialised output and a buffered input line discipline-free
 * byte stream fed by the platform's console interrupt. */
#ifndef ATHANOR_CONSOLE_H
#define ATHANOR_CONSOLE_H

#include <athanor/types.h>

void console_write(const char *s, size_t n);   /* serialised with the console lock */
/* Called by the platform from interrupt context for each received byte. */
void console_input_irq(uint8_t byte);
/* Called by the platform when the console input has ended for good (hosted:
 * end of stdin). Readers get CONSOLE_EOF once the buffered bytes are read. */
void console_input_eof(void);
#define CONSOLE_EOF (-1)
/* Block the calling thread until a byte arrives; returns it, or CONSOLE_EOF. */
int  console_getc(void);
/* Like console_getc, but gives up at deadline_ns (absolute; 0 = do not
 * wait) and returns CONSOLE_TIMEOUT. */
#define CONSOLE_TIMEOUT (-2)
int  console_getc_until(uint64_t deadline_ns);
/* Bytes dropped because the input buffer was full (for diagnostics). */
uint64_t console_input_dropped(void);
/* From now on output bypasses the lock (the panicking code may hold it). */
void console_enter_panic(void);

#endif
