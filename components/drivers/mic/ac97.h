/* The microphone's hardware, an Intel 82801AA AC'97 controller (QEMU's
 * -device AC97), reached only through the functions below, so that a
 * session model can call each on its own (docs/drivers.md, "mic"). */
#ifndef MIC_AC97_H
#define MIC_AC97_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <athanor.h>

#define AC97_NBUF     32   /* the buffer descriptor list's fixed length */
#define AC97_BUF      4096 /* bytes per buffer: 1024 frames, about 21 ms at 48 kHz */
#define AC97_RING     (AC97_NBUF * AC97_BUF)
#define AC97_FRAME    4    /* 2 channels of 16 bits */
/* fetch hands out at most this much: the buffer being written and the next
 * one (which the engine overwrites as soon as it gets there) stay out. */
#define AC97_FETCH_MAX ((AC97_NBUF - 2) * AC97_BUF)

/* Everything the driver holds for the device. The capabilities (the first
 * block) are what acquire gets and a privacy service will grant instead;
 * the rest is the driver's own state. A driver in a session has no pci
 * endpoint (0): the privacy service holds the function and enables it. */
struct ac97 {
    ath_handle_t pci;      /* endpoint of the PCI service (configuration writes) */
    uint64_t     dev;      /* the function's index there */
    ath_handle_t nam;      /* BAR0: the codec's mixer registers (I/O ports) */
    ath_handle_t nabm;     /* BAR1: the bus-master engines (I/O ports) */
    ath_handle_t irq;      /* its interrupt line */
    ath_handle_t dma;      /* DMA quota: the descriptor list and the ring */
    uint16_t     nam_base, nabm_base;

    ath_handle_t note;     /* the interrupt line's notification (bit 1) */
    /* DMA memory, plain pointers: every device access is a host call,
     * which the compiler cannot move a load or store across. */
    uint32_t    *bdl;      /* 32 entries of two words */
    uint8_t     *ring;     /* the 32 buffers, contiguous, after the list */
    uint64_t     bdl_phys;
    unsigned     rate;      /* frames per second the codec reports */
    bool         vra;       /* variable rate audio: the rate can be set */
    bool         running;
    unsigned     last_civ;  /* CIV when we last looked */
    uint64_t     completed; /* buffers the engine filled since start */
    uint64_t     overruns;  /* times it stopped at the last valid buffer */
    uint64_t     interrupts;
};

/* The stopped engine, as read back after quiesce. */
struct ac97_stopped {
    bool     steady;   /* CIV, PICB, SR and CR read the same over the whole wait */
    bool     halted;   /* SR says DMA controller halted, CR's run bit is off */
    bool     master;   /* bus mastering still on in the PCI command register */
    bool     intx_off; /* the PCI command register's interrupt disable is set */
    unsigned civ, picb, sr, cr;
    unsigned interrupts; /* interrupts that arrived during the wait */
    unsigned ms;         /* how long it was watched */
};

/* Claim the controller from the PCI service and get its two I/O BARs, its
 * line and the DMA quota, and turn I/O decoding on. -ATH_ENOENT: there is
 * none. This is what a privacy service will do instead, granting the
 * capabilities to the driver for a session. */
int ac97_acquire(struct ac97 *a);
/* I/O decoding and bus mastering on, INTx allowed: what the holder of the
 * PCI function does before a start (the privacy service, for a session). */
int ac97_enable(struct ac97 *a);
/* Reset the controller and codec, select the microphone as the recording
 * source, and run PCM In into a ring of 32 buffers that interrupts per
 * buffer. rate 0 keeps the codec's; another needs VRA. */
int ac97_start(struct ac97 *a, unsigned rate);
/* After an interrupt (or any time): count the buffers filled, keep the last
 * valid index one behind the engine so it never stops, clear the status. */
void ac97_service(struct ac97 *a);
/* Bytes captured since start. */
uint64_t ac97_captured(struct ac97 *a);
/* Copy up to n bytes (whole frames, at most AC97_FETCH_MAX) of the newest
 * captured PCM into dst; how many. Does not wait. */
size_t ac97_fetch(struct ac97 *a, void *dst, size_t n);
/* The captured PCM from byte *pos on (whole frames, up to n bytes) into
 * dst, *pos moved past it; a reader that fell more than AC97_FETCH_MAX
 * behind skips ahead (*lost: the bytes skipped). Does not wait. */
size_t ac97_read(struct ac97 *a, uint64_t *pos, void *dst, size_t n, uint64_t *lost);
/* Stop the device: every bus-master engine off and its registers reset,
 * bus mastering and interrupts off in the PCI command register, the ADC
 * powered down. */
int ac97_quiesce(struct ac97 *a);
/* Read the engine back for ms milliseconds: did it stay stopped? */
void ac97_check_stopped(struct ac97 *a, unsigned ms, struct ac97_stopped *out);

#endif
