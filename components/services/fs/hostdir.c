/* The filesystem service's second backend: a folder of the host, on the
 * hosted platform (AZOTH_HOSTDIR; platform/hosted/hostdir.c), as wasmtime's
 * --dir. The host-folder device executes the protocol itself; the service
 * claims it from the PCI service like a driver, and forwards each request
 * block into its DMA buffer and the answer back. So the kernel's WASI calls,
 * the shell and every client speak the same protocol to either backend.
 * On bare metal there is no such device, and the service mounts its disk. */
#include <stdio.h>
#include <string.h>

#include <athanor.h>

#include "fs.h"

enum { PCI_CLAIM = 7, PCI_GRANT_BAR = 8, PCI_CONFIG_READ = 10, PCI_CONFIG_WRITE = 11 };
enum { R_GO = 0x00, R_BUF = 0x08, R_LEN = 0x10, R_ROOM = 0x18, R_BADGE = 0x20, R_OP = 0x28, R_RESULT = 0x30 };
#define HOSTDIR_ID 0x10fe1af4u
#define ROOM (((uint32_t)FS_BUF_MAX + ATH_PAGE_SIZE - 1) & ~(ATH_PAGE_SIZE - 1))

static ath_handle_t bar;
static uint8_t     *dma;
static uint64_t     dma_phys;

bool hostdir_open(void)
{
    ath_handle_t pci = ath_lookup("pci");
    uint64_t dev = 0, h = 0, cmd = 0, ignored;
    /* The PCI service starts at boot as we do: a few tries. */
    int r = -ATH_EPEERFAILED;
    for (int i = 0; i < 20 && (r == -ATH_EPEERFAILED || r == -ATH_EPEERRESTARTED); i++) {
        if (i)
            nanosleep(&(struct timespec){ 0, 100000000 }, NULL);
        if (r == -ATH_EPEERRESTARTED)
            ath_reconnect(&pci, "pci");
        r = ath_call(pci, PCI_CLAIM, HOSTDIR_ID, 0, 0, &dev);
    }
    if (r || (int64_t)dev < 0)
        return false; /* no host folder: bare metal, or hosted without AZOTH_HOSTDIR */
    if (ath_call(pci, PCI_GRANT_BAR, dev, 0, 0, &h) || (int64_t)h < 0)
        return false;
    bar = (ath_handle_t)h;
    ath_call(pci, PCI_CONFIG_READ, dev, 0x04, 0, &cmd);
    ath_call(pci, PCI_CONFIG_WRITE, dev, 0x04, (cmd & 0xffff) | 0x06, &ignored); /* memory, bus master */
    void *p;
    if (ath_dma_alloc(ath_cap_find(ATH_T_DMA, 0), ROOM, &p, &dma_phys) != 0)
        return false;
    dma = p;
    return true;
}

uint64_t hostdir_forward(uint64_t badge, uint64_t op, uint8_t *buf, uint64_t len, size_t room)
{
    if (len > ROOM)
        return ERR(EINVAL);
    memcpy(dma, buf, (size_t)len);
    uint64_t v = 0;
    if (ath_mmio_write(bar, R_BUF, 8, dma_phys) || ath_mmio_write(bar, R_LEN, 8, len) ||
        ath_mmio_write(bar, R_ROOM, 8, ROOM) || ath_mmio_write(bar, R_BADGE, 8, badge) ||
        ath_mmio_write(bar, R_OP, 8, op) || ath_mmio_write(bar, R_GO, 8, 1) ||
        ath_mmio_read(bar, R_RESULT, 8, &v))
        return ERR(EIO);
    int64_t r = (int64_t)v;
    /* What the answer holds, at the buffer's start. */
    size_t n = r < 0 ? 0
             : op == FS_OP_READ || op == FS_OP_READDIR || op == FS_OP_READLINK ? (size_t)r
             : op == FS_OP_OPEN ? FS_FILESTAT_SIZE + FS_PATH_MAX + 1
             : op == FS_OP_STATFS ? sizeof(struct fs_statfs)
             : op == FS_OP_STAT || op == FS_OP_FSTAT ? FS_FILESTAT_SIZE
             : op == FS_OP_WRITE ? 8 : 0;
    if (n > room)
        n = room;
    if (n > ROOM)
        n = ROOM;
    memcpy(buf, dma, n);
    return v;
}
