/* The host side of WASI preview 1 for components (kernel/wasi), a leaf on
 * the host-call layer (athanor/host.h). Every call reaches resources only
 * through the component's capabilities, and checks every pointer and
 * length against its linear memory first. */
#ifndef ATHANOR_WASI_H
#define ATHANOR_WASI_H


/* WASI errno values (wasi_snapshot_preview1), as components see them. */
enum wasi_errno {
    WASI_ESUCCESS = 0,
    WASI_E2BIG = 1,
    WASI_EBADF = 8,
    WASI_EFAULT = 21,
    WASI_EINVAL = 28,
    WASI_EIO = 29,
    WASI_ENOMEM = 48,
    WASI_ENOSYS = 52,
    WASI_ESPIPE = 70,
    WASI_ENOTCAPABLE = 76,
};

#endif
