/* Athanor's component-control import (module "athanor"), for holders of a
 * component capability (the manifest's "manage": a supervisor, a shell, a
 * fault injector):
 *   comp_ctl(handle, name_ptr, name_len, op, arg) -> a result >= 0, or -ATH_E*
 * ops: 1 START, 2 KILL, 3 RESTART, 4 RESET, 5 INJECT(arg = trap kind),
 *      6 STATE -> state | generation << 8 | restarts << 40  (read right; the rest need write)
 *      7 POLICY -> restart (0 never, 1 on-failure, 2 always) | max_restarts << 8
 *                  | restart_window_ms << 16  (read right)
 *      8 RECOVER: restart a stopped component as its policy would (a supervisor)
 * A capability names one component, or any (NULL object: the manifest's
 * "manage"). Decoding is here; the work is in component.c.
 *   power(handle, op) -> op 1 halt, 2 reboot: the whole system, so only
 *   with a capability to any component (the manifest's "manage"). */
#include <athanor/component.h>
#include <athanor/errors.h>
#include <athanor/frame.h>
#include <athanor/heap.h>
#include <athanor/klib.h>
#include <athanor/notify.h>

#include "../wasi/host.h"

typedef uint32_t u32;
typedef uint64_t u64;

#pragma GCC diagnostic ignored "-Wmissing-prototypes" /* declared by the generated headers */

enum { CTL_START = 1, CTL_KILL, CTL_RESTART, CTL_RESET, CTL_INJECT, CTL_STATE, CTL_POLICY,
       CTL_RECOVER };
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
    case CTL_POLICY:
        return (int64_t)((u64)target->cfg->restart | (u64)target->cfg->max_restarts << 8 |
                         (u64)target->cfg->restart_window_ms << 16);
    case CTL_RECOVER:
        return comp_recover(target);
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
    if (len == 0 || !umem_range(&m, uoff(name), len))
        return -ATH_EFAULT;
    if (len >= NAME_MAX_LEN)
        return -ATH_ENOENT;
    char buf[NAME_MAX_LEN];
    if (!host_get(c, uoff(name), buf, len))
        return -ATH_EFAULT;
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
    int64_t v = decode(c, h, name, len, op == CTL_STATE || op == CTL_POLICY ? CAP_R_READ : CAP_R_WRITE,
                       &target);
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
    bool fits = len && umem_range(&m, uoff(buf), len);
    struct cap_ref cap;
    int r = cap_lookup(&c->caps, h, CAP_T_COMPONENT, CAP_R_READ, &cap);
    if (r == 0 && cap.object)
        r = -ATH_EPERM;
    if (r == 0 && !fits)
        r = -ATH_EFAULT;
    if (r == 0 && index >= comp_count())
        r = -ATH_ENOENT;
    if (r == 0) {
        char name[NAME_MAX_LEN];
        kstrlcpy(name, comp_at(index)->cfg->name, MIN((size_t)len, sizeof name));
        r = host_put(c, uoff(buf), name, strlen(name) + 1) ? (int)strlen(name) : -ATH_EFAULT;
    }
    return host_leave(c, (u32)r);
}

/* ---- system introspection for a shell: needs a read capability to any
 * component (the manifest's "manage"). Each writes a fixed layout (the
 * SDK's struct ath_sys_*) into the caller's memory. */

static int introspect(struct component *c, u32 h)
{
    struct cap_ref cap;
    int r = cap_lookup(&c->caps, h, CAP_T_COMPONENT, CAP_R_READ, &cap);
    return r ? r : cap.object ? -ATH_EPERM : 0;
}

/* sys_mem(h, out): frames total/free, heap arena/used bytes (4 x u64). */
u32 Z_athanorZ_sys_mem(struct Z_athanor_instance_t *a, u32 h, u32 out)
{
    struct component *c = host_enter(&a->h);
    struct umem m = host_mem(c);
    int r = umem_range(&m, uoff(out), 32) ? introspect(c, h) : -ATH_EFAULT;
    if (r == 0) {
        struct frame_stats fs;
        struct heap_stats hs;
        frame_get_stats(&fs);
        heap_get_stats(&hs);
        uint64_t v[4] = { fs.total, fs.free, hs.arena_bytes, hs.used_bytes };
        r = host_put(c, uoff(out), v, sizeof v) ? 0 : -ATH_EFAULT;
    }
    return host_leave(c, (u32)r);
}

/* sys_fault(h, i, out): the i-th most recent fault report: component[24],
 * u32 generation, u32 kind, function[48], u64 offset, u64 addr, u32 injected
 * (96 bytes); -ATH_ENOENT past the last. */
u32 Z_athanorZ_sys_fault(struct Z_athanor_instance_t *a, u32 h, u32 i, u32 out)
{
    struct component *c = host_enter(&a->h);
    struct umem m = host_mem(c);
    int r = umem_range(&m, uoff(out), 96) ? introspect(c, h) : -ATH_EFAULT;
    uint8_t rec[96];
    struct fault_report *rs = r == 0 ? kmalloc(sizeof *rs * 16) : NULL;
    if (r == 0 && !rs)
        r = -ATH_ENOMEM;
    if (r == 0) {
        unsigned n = fault_recent(rs, 16);
        if (i >= n) {
            r = -ATH_ENOENT;
        } else {
            uint32_t gen = rs[i].generation, kind = rs[i].kind, inj = rs[i].injected;
            uint64_t off = rs[i].offset, addr = rs[i].addr;
            memset(rec, 0, sizeof rec);
            memcpy(rec, rs[i].component, 24);
            memcpy(rec + 24, &gen, 4);
            memcpy(rec + 28, &kind, 4);
            memcpy(rec + 32, rs[i].function, 48);
            memcpy(rec + 80, &off, 8);
            memcpy(rec + 88, &addr, 4); /* low half: linear offsets are 32-bit */
            memcpy(rec + 92, &inj, 4);
            r = host_put(c, uoff(out), rec, sizeof rec) ? 0 : -ATH_EFAULT;
        }
    }
    kfree(rs);
    return host_leave(c, (u32)r);
}

/* sys_cap(h, name, len, i, out): the i-th capability of the named component:
 * u32 handle, u32 type, u32 rights, u32 parent_handle, u64 badge, u64 base,
 * u64 len, parent component name[24] (64 bytes); -ATH_ENOENT past the last. */
u32 Z_athanorZ_sys_cap(struct Z_athanor_instance_t *a, u32 h, u32 name, u32 len, u32 i, u32 out)
{
    struct component *c = host_enter(&a->h);
    struct component *target = NULL;
    struct umem m = host_mem(c);
    int r = umem_range(&m, uoff(out), 64) ? introspect(c, h) : -ATH_EFAULT;
    if (r == 0)
        r = (int)decode(c, h, name, len, CAP_R_READ, &target);
    struct cap_info ci;
    if (r == 0) {
        unsigned n = cap_list(&target->caps, i, &ci, 1);
        if (i >= n) {
            r = -ATH_ENOENT;
        } else {
            uint32_t v[4] = { ci.handle, ci.type, ci.rights, ci.parent_handle };
            uint64_t w[3] = { ci.badge, ci.base, ci.len };
            uint8_t rec[64] = { 0 };
            memcpy(rec, v, 16);
            memcpy(rec + 16, w, 24);
            if (ci.parent_owner)
                kstrlcpy((char *)rec + 40, ((const struct component *)ci.parent_owner)->cfg->name, 24);
            r = host_put(c, uoff(out), rec, sizeof rec) ? 0 : -ATH_EFAULT;
        }
    }
    return host_leave(c, (u32)r);
}

/* sys_watch(h, notification, bits): become the supervisor (see
 * supervise.c): needs a write capability to every component, and the
 * notification's write right. */
u32 Z_athanorZ_sys_watch(struct Z_athanor_instance_t *a, u32 h, u32 n, u64 bits)
{
    struct component *c = host_enter(&a->h);
    struct cap_ref cap, note;
    int r = cap_lookup(&c->caps, h, CAP_T_COMPONENT, CAP_R_WRITE, &cap);
    if (r == 0 && cap.object)
        r = -ATH_EPERM;
    if (r == 0)
        r = cap_lookup_pin(&c->caps, n, CAP_T_NOTIFICATION, CAP_R_WRITE, &note);
    if (r == 0) {
        r = comp_watch(c, note.object, bits);
        notify_put(note.object);
    }
    return host_leave(c, (u32)r);
}
