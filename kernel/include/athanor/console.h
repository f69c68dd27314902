/* Kernel console: serialised output and a buffered input line discipline-free
 * byte stream fed by the platform's console interrupt. */
#ifndef ATHANOR_CONSOLE_H
#define ATHANOR_CONSOLE_H

#include <athanor/types.h>

/* Output through a ring (console.c): interrupts stay off only to copy a
 * write in (whole, if the ring has room: writes do not interleave); the
 * device is written in pieces of CONSOLE_CHUNK bytes with them on (if the
 * writer had them on). */
#define CONSOLE_CHUNK 64
void console_write(const char *s, size_t n);
/* Write out whatever is still in the ring (before power-off or a test's
 * verdict; the platform calls it). */
void console_sync(void);
/* Bytes dropped because the ring was full where waiting is impossible. */
uint64_t console_output_dropped(void);
/* Called by the platform from interrupt context for each received byte. */
void console_input_irq(uint8_t byte);
/* Room for more input bytes now (the platform's flow control). */
bool console_input_room(void);
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
/* The same for a host call on a component's behalf: an interruptible wait,
 * which also ends (CONSOLE_TIMEOUT) when the component is asked to stop. */
int  console_getc_intr(uint64_t deadline_ns);
/* Bytes dropped because the input buffer was full (for diagnostics). */
uint64_t console_input_dropped(void);
/* From now on output bypasses the lock (the panicking code may hold it). */
void console_enter_panic(void);

#endif
