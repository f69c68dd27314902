/* Kernel console: serialised output, kept as a log components may read,
 * and a buffered, line discipline-free input byte stream fed by the
 * platform's console interrupt. */
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
 * verdict; the platform calls it). A caller that may wait first lets a
 * preempted drainer write the chunk it holds (up to a second). */
void console_sync(void);
/* Bytes dropped because the ring was full where waiting is impossible. */
uint64_t console_output_dropped(void);

/* The log: the output ring also keeps the last CONSOLE_LOG_SIZE bytes
 * written (what went to the device, and what is about to), numbered from 0
 * at boot, for readers such as the screen (the log_read host call,
 * console_log.c). console_log_read copies up to len bytes from position
 * *pos into buf: from the oldest byte still kept if *pos is older (what
 * was overwritten is lost to this reader), from the end if *pos is past
 * it; *pos becomes the position after them. Returns how many. When there
 * are none and n is not NULL, the next write sets bits in n, once (a
 * reference to n is kept until n dies and its slot is taken again);
 * -ATH_EBUSY if every watch slot belongs to another live notification.
 * Never waits; writers never wait for readers. */
#define CONSOLE_LOG_SIZE 16384
struct notification;
int console_log_read(uint64_t *pos, char *buf, size_t len, struct notification *n, uint64_t bits);
/* Called by the platform from interrupt context for each received byte. */
void console_input_irq(uint8_t byte);
/* Room for more input bytes now (the platform's flow control). */
bool console_input_room(void);
/* Called by the platform when the console input has ended for good (hosted:
 * end of stdin). Readers get CONSOLE_EOF once the buffered bytes are read. */
void console_input_eof(void);
#define CONSOLE_EOF (-1)
/* Input from a thread: a shell passing what is typed to the program it
 * runs in the foreground (the console_feed host call), into a ring of its
 * own that programs' fd 0 reads before the device's (console_getc_intr),
 * and the monitor never (console_getc, console_getc_until). As many bytes
 * as there is room for (how many); FEED_RESET first drops what was not
 * read yet; FEED_END (once all of buf went in): programs get CONSOLE_EOF
 * once the fed bytes are read, until more is fed (a terminal's Ctrl-D). */
#define CONSOLE_FEED_END   1u
#define CONSOLE_FEED_RESET 2u
size_t console_feed(const uint8_t *buf, size_t n, unsigned flags);
/* Block the calling thread until a byte arrives; returns it, or CONSOLE_EOF. */
int  console_getc(void);
/* Like console_getc, but gives up at deadline_ns (absolute; 0 = do not
 * wait) and returns CONSOLE_TIMEOUT. */
#define CONSOLE_TIMEOUT (-2)
int  console_getc_until(uint64_t deadline_ns);
/* The same for a host call on a component's behalf (its fd 0): what a
 * shell fed first, then the device's input; an interruptible wait, which
 * also ends (CONSOLE_TIMEOUT) when the component is asked to stop. */
int  console_getc_intr(uint64_t deadline_ns);
/* Wait as console_getc_intr does, but take nothing: how many bytes fd 0
 * would read at once (> 0), CONSOLE_EOF at the end of input, or
 * CONSOLE_TIMEOUT (the deadline passed, or the component is asked to stop). */
long console_input_ready_intr(uint64_t deadline_ns);
/* Bytes dropped because the input buffer was full (for diagnostics). */
uint64_t console_input_dropped(void);
/* From now on output bypasses the lock (the panicking code may hold it). */
void console_enter_panic(void);

#endif
