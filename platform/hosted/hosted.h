/* Internal interfaces between the files of the Linux-hosted platform. */
#ifndef HOSTED_H
#define HOSTED_H

/* Every hosted file includes this first; it asks for POSIX/GNU interfaces. */
#define _GNU_SOURCE

#include <athanor/platform.h>
#include <signal.h>

/* Soft interrupt sources, delivered as signals to the kernel's Linux thread. */
#define IRQ_TIMER   1u
#define IRQ_CONSOLE 2u
#define SIG_TIMER   SIGALRM
#define SIG_CONSOLE SIGUSR1

void hosted_irq_init(void);          /* install the signal handlers */
/* Around a fault handler: interrupts off without a system call, then back,
 * with anything that arrived meanwhile re-raised for after the handler. */
irqflags_t hosted_irq_fault_enter(void);
void       hosted_irq_fault_leave(irqflags_t saved);
void hosted_timer_init(void);
void hosted_timer_fired(void);       /* the programmed deadline was consumed */
void hosted_console_init(void);      /* terminal mode + input reader thread */
void hosted_console_restore(void);   /* put the terminal back (at exit) */
void hosted_console_run_mode(bool verbose); /* azoth run: kernel messages to stderr or nowhere */
/* azoth run (run.c): parse its arguments, compile or read the package, and
 * fill in what the kernel runs at boot; 0, or the process's exit status. */
int  hosted_run_prepare(int argc, char **argv, struct boot_info *bi);
/* azoth run --dir: make a host folder the next root of the host-folder
 * device, "/N" to the filesystem service (hostdir.c); N, or -errno. */
int  hosted_hostdir_add_root(const char *path);
void hosted_console_keep_tail(void); /* keep the last output (AZOTH_CRASH_LOG, power.c) */
void hosted_console_write_tail(int fd);
void hosted_crash_log_init(void);  /* AZOTH_CRASH_LOG: the tail, and sanitizer reports (power.c) */
void hosted_console_drain(void);     /* deliver buffered input bytes (irq context) */
/* A byte ring from a host reader thread (the producer, which waits for
 * room) to the kernel (the consumer): the console's input and COM2's.
 * size is a power of two; head is the producer's, tail the consumer's. */
struct hosted_ring {
    uint8_t          *buf;
    unsigned          size;
    volatile unsigned head, tail;
};
void hosted_ring_put(struct hosted_ring *r, uint8_t c); /* reader thread */
bool hosted_ring_take(struct hosted_ring *r, uint8_t *c);
bool hosted_ring_pending(const struct hosted_ring *r);
void hosted_ring_drop(struct hosted_ring *r);         /* everything waiting goes */
/* For the UART double (devices.c): the console's input bytes, and whether a
 * UART driver holds them (then drain raises its line instead). */
bool hosted_console_take(uint8_t *c);
bool hosted_console_pending(void);
void hosted_console_kick(void);
bool hosted_uart_owns_input(void);
void hosted_uart_input_ready(void);  /* irq context */
void hosted_com2_init(void);         /* start reading AZOTH_COM2 (devices.c) */
void hosted_com2_input_ready(void);  /* irq context: COM2's line may fire */
void hosted_fault_init(void);        /* SIGSEGV & co. → kernel fault report */
/* The PCI bus double (pci.c): configuration mechanism 1's ports, in front
 * of the functions below. */
bool hosted_pci_in(uint16_t port, unsigned width, uint32_t *v);
bool hosted_pci_out(uint16_t port, unsigned width, uint32_t v);
/* The AC'97 double (ac97.c), when AZOTH_AC97 is set: 00:03.0, its
 * configuration space, its ports; its line; its engine's tick, from the
 * timer interrupt (it arms the timer for its next buffer). */
#define HOSTED_AC97_LINE 10
#define HOSTED_AC97_DEV  3
bool hosted_ac97_present(void);
uint32_t hosted_ac97_cfg_in(unsigned off);
void     hosted_ac97_cfg_out(unsigned off, uint32_t v);
bool hosted_ac97_in(uint16_t port, unsigned width, uint32_t *v);
bool hosted_ac97_out(uint16_t port, unsigned width, uint32_t v);
void hosted_ac97_line(bool enable);
void hosted_ac97_unmask(void);
void hosted_ac97_tick(void);         /* irq context */
/* What the virtio doubles share (virtio_pci.c): the PCI side of a modern
 * virtio device with its structures in memory BAR 4, and its line. */
#define HOSTED_CMD_MEM      0x0002u
#define HOSTED_CMD_MASTER   0x0004u
#define HOSTED_CMD_INTX_OFF 0x0400u
#define HOSTED_VQ_MAX       64      /* entries per queue at most */
#define HOSTED_VIRTIO_DRIVER_OK 4u  /* device status bits */
#define HOSTED_VIRTIO_FEATURES_OK 8u
#define HOSTED_VIRTIO_F_VERSION_1 (1ull << 32)
struct hosted_vqueue {
    uint16_t size, enable, last_avail;
    uint64_t desc, driver, device;
};
struct hosted_vpci {
    uint16_t command;     /* the PCI command register's memory, master and INTx-off bits */
    uint32_t bar4;
    uint8_t  isr;         /* bit 0: the used rings changed; reading it clears it */
    bool     line_enabled, line_masked;
    unsigned line;
    uint32_t notify_size, notify_mult;
    uint64_t offered;     /* features: VERSION_1 and what the device adds */
    unsigned nqueues;     /* at most 2 */
    /* common configuration (virtio 1.2, 4.1.4.3) */
    uint32_t dfselect, gfselect, gfeatures[2];
    uint8_t  status;
    uint16_t qsel;
    struct hosted_vqueue q[2];
};
uint32_t hosted_vpci_cap_word(const struct hosted_vpci *v, unsigned off);
void     hosted_vpci_cfg_out(struct hosted_vpci *v, unsigned off, uint32_t val, uint32_t bar_size);
void     hosted_vpci_update_line(struct hosted_vpci *v);
void     hosted_vpci_line(struct hosted_vpci *v, bool enable);
void     hosted_vpci_unmask(struct hosted_vpci *v);
void     hosted_vpci_reset(struct hosted_vpci *v);
/* The common configuration's registers (r: the offset in it, w: the
 * width); common_out -> true when the driver wrote the device status. */
uint64_t hosted_vpci_common_in(const struct hosted_vpci *v, unsigned r, unsigned w);
bool     hosted_vpci_common_out(struct hosted_vpci *v, unsigned r, unsigned w, uint64_t val);
/* A queue's rings, if the device may use them now (the driver is ready,
 * the queue enabled, bus mastering on, the rings where it said); a ring
 * that is not there sets DEVICE_NEEDS_RESET. */
bool     hosted_vpci_rings(struct hosted_vpci *v, const struct hosted_vqueue *q, const void **desc,
                           uint16_t **avail, uint8_t **used);
/* Return a chain to the driver: the next used element. */
void     hosted_vpci_put_used(const struct hosted_vqueue *q, uint8_t *used, uint16_t head, uint32_t len);
/* The virtio-blk double (virtio_blk.c), when AZOTH_DISK names a disk
 * image: 00:04.0, its configuration space, its registers (memory BAR 4,
 * reached through plat_mmio_emul_*), its line. */
#define HOSTED_VIRTIO_LINE 11
#define HOSTED_VIRTIO_DEV  4
bool     hosted_virtio_present(void);
uint32_t hosted_virtio_cfg_in(unsigned off);
void     hosted_virtio_cfg_out(unsigned off, uint32_t v);
int      hosted_virtio_mmio(uint64_t phys, unsigned width, bool write, uint64_t *v);
void     hosted_virtio_line(bool enable);
void     hosted_virtio_unmask(void);
/* The host-folder double (hostdir.c), when AZOTH_HOSTDIR names a folder:
 * 00:05.0, the filesystem service's protocol executed on that folder. */
#define HOSTED_HOSTDIR_DEV 5
bool     hosted_hostdir_present(void);
uint32_t hosted_hostdir_cfg_in(unsigned off);
void     hosted_hostdir_cfg_out(unsigned off, uint32_t v);
int      hosted_hostdir_mmio(uint64_t phys, unsigned width, bool write, uint64_t *v);
/* The virtio-net double (virtio_net.c), when AZOTH_NET names a host
 * peer's socket (tools/netpeer slirp): 00:06.0, its configuration space,
 * its registers (memory BAR 4), its line; its reader thread (init) and
 * the interrupt path's delivery of what it read (input_ready). */
#define HOSTED_VNET_LINE 9
#define HOSTED_VNET_DEV  6
bool     hosted_vnet_present(void);
void     hosted_vnet_init(void);
void     hosted_vnet_input_ready(void);   /* irq context */
uint32_t hosted_vnet_cfg_in(unsigned off);
void     hosted_vnet_cfg_out(unsigned off, uint32_t v);
int      hosted_vnet_mmio(uint64_t phys, unsigned width, bool write, uint64_t *v);
void     hosted_vnet_line(bool enable);
void     hosted_vnet_unmask(void);
/* A device's pointer to what a driver gave it as a DMA address: RAM (a
 * DMA buffer), or a page of a component's memory (hosted "physical"
 * addresses of lent pages: vrange.c); NULL unless all of it is there. */
void *hosted_dma_ptr(uint64_t pa, size_t len);
#define HOSTED_VA_PHYS (1ull << 62) /* marks a "physical" address that is a kernel pointer */
void hosted_mem_init(uint64_t ram_bytes, struct boot_info *bi);
/* Map RAM [pa, pa + len) at `at` as well (a DMA buffer in a component's
 * memory, vrange.c); and the kernel's pointer to it, NULL if any of it
 * lies outside RAM (what a device double may write, devices.c). */
int   hosted_ram_map(void *at, phys_addr_t pa, size_t len);
void *hosted_ram_ptr(uint64_t pa, size_t len);
extern size_t hosted_signal_area; /* bytes below each kernel stack for signal frames (mem.c) */
bool hosted_test_mode(void);
extern const char *hosted_argv0;
/* Frame address of main(): the boot thread's stack lies just below it. */
extern uintptr_t hosted_main_frame;
#define HOSTED_MAIN_STACK (8u << 20) /* Linux's default main-thread stack limit */
extern char **hosted_argv;

#endif
