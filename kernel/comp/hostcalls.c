/* Athanor's component-control import (module "athanor"), for holders of a
 * component capability (the manifest's "manage": a supervisor, a shell, a
 * fault injector):
 *   comp_ctl(handle, name_ptr, name_len, op, arg) -> a result >= 0, or -ATH_E*
 * ops: 1 START, 2 KILL, 3 RESTART, 4 RESET, 5 INJECT(arg = trap kind),
 *      6 STATE -> state | generation << 8 | restarts << 40  (read right; the rest need write)
 * A capability names one component, or any (NULL object: the manifest's
 * "manage"). Decoding is here; the work is in component.c.
 *   power(handle, op) -> op 1 halt, 2 reboot: the whole system, so only
 *   with a capability to any component (the manifest's "manage"). */
#include <athanor/component.h>
#include <athanor/errors.h>
#include <athanor/klib.h>

#include "../wasi/host.h"

typedef uint32_t u32;
typedef uint64_t u64;

#pragma GCC diagnostic ignored "-Wmissing-prototypes" /* declared by the generated headers */

enum { CTL_START = 1, CTL_KILL, CTL_RESTART, CTL_RESET, CTL_INJECT, CTL_STATE };
#define NAME_MAX_LEN 24

static int64_t control(struct component *target, u32 op, u64 arg)
{
    switch (op) {
    case CTL_START:
        return comp_start(target, NULL);
    case CTL_KILL:
        return comp_kill(target);
    case CTL_RESTART:
        return comp_restart(target);
    case CTL_RESET:
        return comp_reset(target);
    case CTL_INJECT:
        return arg < TRAP_KIND_COUNT ? comp_inject(target, (enum trap_kind)arg) : -ATH_EINVAL;
    case CTL_STATE:
        return (int64_t)(target->state | (u64)target->generation << 8 | (u64)target->restarts << 40);
    default:
        return -ATH_EINVAL;
    }
}

/* The target named by [name, name + len) of c's memory, if capability h
 * allows `right` on it; or an error. */
static int64_t decode(struct component *c, u32 h, u32 name, u32 len, uint32_t right,
                      struct component **target)
{
    struct umem m = host_mem(c);
    const char *p = umem_range(&m, uoff(name), len);
    if (!p || len == 0)
        return -ATH_EFAULT;
    if (len >= NAME_MAX_LEN)
        return -ATH_ENOENT;
    char buf[NAME_MAX_LEN];
    memcpy(buf, p, len);
    buf[len] = '\0';
    struct cap_ref cap;
    int r = cap_lookup(&c->caps, h, CAP_T_COMPONENT, right, &cap);
    if (r)
        return r;
    if (!(*target = comp_find(buf)))
        return -ATH_ENOENT;
    if (cap.object && cap.object != *target)
        return -ATH_EPERM; /* a capability to another component */
    return 0;
}

u64 Z_athanorZ_comp_ctl(struct Z_athanor_instance_t *a, u32 h, u32 name, u32 len, u32 op, u64 arg)
{
    struct component *c = host_enter(&a->h);
    struct component *target = NULL;
    int64_t v = decode(c, h, name, len, op == CTL_STATE ? CAP_R_READ : CAP_R_WRITE, &target);
    if (v == 0)
        v = control(target, op, arg);
    host_leave(c, 0); /* honours a pending kill of the caller itself */
    return (u64)v;
}

u32 Z_athanorZ_power(struct Z_athanor_instance_t *a, u32 h, u32 op)
{
    struct component *c = host_enter(&a->h);
    struct cap_ref cap;
    int r = cap_lookup(&c->caps, h, CAP_T_COMPONENT, CAP_R_WRITE, &cap);
    if (r == 0 && cap.object)
        r = -ATH_EPERM; /* a capability to one component cannot stop them all */
    if (r == 0 && op == 1) {
        kprintf("azoth: powering off (asked by %s)\n", c->cfg->name);
        plat_poweroff();
    }
    if (r == 0 && op == 2) {
        kprintf("azoth: rebooting (asked by %s)\n", c->cfg->name);
        plat_reboot();
    }
    return host_leave(c, (u32)(r ? r : -ATH_EINVAL));
}

/* comp_name(handle, index, buf, len) -> the length of the index-th
 * component's name (copied, NUL-terminated, into buf), -ATH_ENOENT past
 * the last. Needs a capability to any component (read right). */
u32 Z_athanorZ_comp_name(struct Z_athanor_instance_t *a, u32 h, u32 index, u32 buf, u32 len)
{
    struct component *c = host_enter(&a->h);
    struct umem m = host_mem(c);
    char *p = umem_range(&m, uoff(buf), len);
    struct cap_ref cap;
    int r = cap_lookup(&c->caps, h, CAP_T_COMPONENT, CAP_R_READ, &cap);
    if (r == 0 && cap.object)
        r = -ATH_EPERM;
    if (r == 0 && (!p || len == 0))
        r = -ATH_EFAULT;
    if (r == 0 && index >= comp_count())
        r = -ATH_ENOENT;
    if (r == 0) {
        kstrlcpy(p, comp_at(index)->cfg->name, len);
        r = (int)strlen(p);
    }
    return host_leave(c, (u32)r);
}
