/* Athanor error codes: the one list of numeric errors every kernel API returns.
 * Values are fixed forever (components will see them); add new ones at the end.
 * Functions return 0 on success and a negative ATH_E* value on failure. */
#ifndef ATHANOR_ERRORS_H
#define ATHANOR_ERRORS_H

enum ath_err {
    ATH_OK         = 0,
    ATH_ENOMEM     = 1,  /* out of frames, heap or address space */
    ATH_EINVAL     = 2,  /* an argument is malformed or out of range */
    ATH_EBUSY      = 3,  /* the object is in use (e.g. joining a thread twice) */
    ATH_ETIMEDOUT  = 4,  /* a wait ended because its deadline passed */
    ATH_ENOENT     = 5,  /* no such object or command */
    ATH_EFAULT     = 6,  /* a pointer or length does not lie in the caller's memory */
    ATH_ENOSYS     = 7,  /* the operation is not implemented */
    ATH_EPERM      = 8,  /* the caller lacks the capability or right */
    ATH_EEXIST     = 9,  /* the object already exists (e.g. a mapping) */
    ATH_ERANGE     = 10, /* a value does not fit (e.g. an address beyond the map) */
    ATH_EAGAIN     = 11, /* nothing is available now; try again */
    ATH_EBADHANDLE = 12, /* a capability handle out of range or naming an empty slot (forged, guessed) */
    ATH_ESTALE     = 13, /* a capability handle from before a revoke/delete: the slot moved on */
    ATH_EWRONGTYPE = 14, /* the capability names another kind of object */
    ATH_EPEERFAILED = 15,    /* the called component trapped or was stopped during the call */
    ATH_EPEERRESTARTED = 16, /* the called component restarted since the handle was made */
    ATH_EMSGSIZE   = 17, /* a message is larger than the server's message buffer (or it has none) */
    ATH_EDEADLK    = 18, /* the call would wait for itself: the server is already serving this thread's call */
    ATH_ESTACK     = 19, /* too little native stack left on this thread for the server's handler */
    ATH_EINTR      = 20, /* a wait ended because the waiting component is stopping (kernel-internal) */
    ATH_EQUOTA     = 21, /* over the component's quota (kernel memory, objects, capabilities held elsewhere) */
    ATH_ERR_COUNT
};

/* Short, stable name of an error code, e.g. "ENOMEM"; never NULL. */
const char *ath_strerror(int err);

#endif
