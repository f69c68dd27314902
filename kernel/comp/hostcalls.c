/* Athanor's component-control imports (module "athanor"; the rows of
 * athanor/abi/imports.def that name this file, docs/abi.md), for holders
 * of a component capability (the manifest's "manage": a supervisor, a
 * shell, a fault injector): comp_ctl (enum ath_comp_op: START, KILL,
 * RESTART, RESET, INJECT a trap kind, RECOVER; STATE, POLICY and INSTANCE
 * with the read right), the component list, system introspection, the
 * supervisor's watch and the listeners', and power (the whole system: only with a capability to any
 * component). A capability names one component, or any (NULL object: the
 * manifest's "manage"). Decoding is here; the work is in the lifecycle
 * (component.c, trap.c). */
#include <athanor/abi/wire.h>
#include <athanor/lifecycle.h>
#include <athanor/console.h>
#include <athanor/errors.h>
#include <athanor/frame.h>
#include <athanor/heap.h>
#include <athanor/host.h>
#include <athanor/hostcalls.h>
#include <athanor/klib.h>
#include <athanor/notify.h>


typedef uint32_t u32;
typedef uint64_t u64;



static int64_t control(struct component *target, u32 op, u64 arg)
{
    switch (op) {
    case ATH_COMP_START:
        return comp_start(target, NULL);
    case ATH_COMP_KILL:
        return comp_kill(target);
    case ATH_COMP_RESTART:
        return comp_restart(target);
    case ATH_COMP_RESET:
        return comp_reset(target);
    case ATH_COMP_INJECT:
        return arg < TRAP_KIND_COUNT ? comp_inject(target, (enum trap_kind)arg) : -ATH_EINVAL;
    case ATH_COMP_STATE:
        return (int64_t)ATH_STATE_PACK(target->state, target->generation, target->restarts);
    case ATH_COMP_POLICY:
        return (int64_t)ATH_POLICY_PACK(target->cfg->restart, target->cfg->max_restarts,
                                        target->cfg->restart_window_ms);
    case ATH_COMP_RECOVER:
        return comp_recover(target);
    case ATH_COMP_INSTANCE:
        return (int64_t)ATH_INSTANCE_PACK(target->generation, target->resets);
    case ATH_COMP_EXIT:
        return (int64_t)ATH_EXIT_PACK(target->trap.kind == TRAP_EXIT ? TRAP_NONE : target->trap.kind,
                                      target->trap.exit_code);
    case ATH_COMP_REMOVE:
        return comp_remove(target);
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
    if (len >= ATH_NAME_MAX)
        return -ATH_ENOENT;
    char buf[ATH_NAME_MAX];
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

u64 w2c_athanor_comp_ctl(struct w2c_athanor *a, u32 h, u32 name, u32 len, u32 op, u64 arg)
{
    struct component *c = host_enter(&a->h);
    struct component *target = NULL;
    bool query = op == ATH_COMP_STATE || op == ATH_COMP_POLICY || op == ATH_COMP_INSTANCE ||
                 op == ATH_COMP_EXIT;
    int64_t v = decode(c, h, name, len, query ? CAP_R_READ : CAP_R_WRITE, &target);
    if (v == 0)
        v = control(target, op, arg);
    host_leave(c, 0); /* honours a pending kill of the caller itself */
    return (u64)v;
}

/* sys_watch and sys_listen: decode a capability to every component with
 * `right` and notification n's write right, then register it (the
 * notification pinned meanwhile) through `reg`. */
static int watch_decode(struct component *c, u32 h, u32 n, u64 bits, uint32_t right,
                        int (*reg)(struct component *, struct notification *, uint64_t))
{
    struct cap_ref cap, note;
    int r = cap_lookup(&c->caps, h, CAP_T_COMPONENT, right, &cap);
    if (r == 0 && cap.object)
        r = -ATH_EPERM;
    if (r == 0)
        r = cap_lookup_pin(&c->caps, n, CAP_T_NOTIFICATION, CAP_R_WRITE, &note);
    if (r == 0) {
        r = reg(c, note.object, bits);
        notify_put(note.object);
    }
    return r;
}

/* sys_listen(h, notification, bits): hear of every component's stop and
 * reset (see supervise.c): a read capability to every component. */
u32 w2c_athanor_sys_listen(struct w2c_athanor *a, u32 h, u32 n, u64 bits)
{
    struct component *c = host_enter(&a->h);
    return host_leave(c, (u32)watch_decode(c, h, n, bits, CAP_R_READ, comp_listen));
}

/* comp_start(h, name, len, args, args_len): start with these arguments. */
u32 w2c_athanor_comp_start(struct w2c_athanor *a, u32 h, u32 name, u32 len, u32 args,
                          u32 args_len)
{
    struct component *c = host_enter(&a->h);
    struct component *target = NULL;
    char buf[ATH_ARGS_MAX + 1];
    int r = (int)decode(c, h, name, len, CAP_R_WRITE, &target);
    if (r == 0 && args_len > ATH_ARGS_MAX)
        r = -ATH_EINVAL;
    if (r == 0 && args_len && !host_get(c, uoff(args), buf, args_len))
        r = -ATH_EFAULT;
    if (r == 0) {
        buf[args_len] = '\0';
        r = strlen(buf) != args_len ? -ATH_EINVAL : comp_start(target, buf); /* no NUL inside */
    }
    return host_leave(c, (u32)r);
}

/* console_feed(h, buf, len, flags): input for programs' fd 0 (console.h). */
_Static_assert(ATH_FEED_END == CONSOLE_FEED_END && ATH_FEED_RESET == CONSOLE_FEED_RESET,
               "the ABI's flags are the console's");
u32 w2c_athanor_console_feed(struct w2c_athanor *a, u32 h, u32 buf, u32 len, u32 flags)
{
    struct component *c = host_enter(&a->h);
    struct cap_ref cap;
    int r = cap_lookup(&c->caps, h, CAP_T_COMPONENT, CAP_R_WRITE, &cap);
    if (r == 0 && cap.object)
        r = -ATH_EPERM; /* the console is everyone's: a capability to every component */
    if (r == 0 && (len > 4096 || (flags & ~(ATH_FEED_END | ATH_FEED_RESET))))
        r = -ATH_EINVAL;
    uint8_t bytes[256];
    uint32_t done = 0;
    /* A piece at a time through a bounce buffer: no lock is held while
     * the component's memory is read. */
    if (r == 0 && !len)
        console_feed(NULL, 0, flags);
    while (r == 0 && done < len) {
        uint32_t k = MIN(len - done, (uint32_t)sizeof bytes);
        if (!host_get(c, uoff(buf + done), bytes, k)) {
            r = -ATH_EFAULT;
            break;
        }
        bool last = done + k == len;
        size_t in = console_feed(bytes, k, (done ? 0 : flags & ATH_FEED_RESET) | (last ? flags & ATH_FEED_END : 0));
        done += (uint32_t)in;
        if (in < k)
            break; /* full: the caller passes the rest later */
    }
    return host_leave(c, (u32)(r ? r : (int)done));
}

u32 w2c_athanor_power(struct w2c_athanor *a, u32 h, u32 op)
{
    struct component *c = host_enter(&a->h);
    struct cap_ref cap;
    int r = cap_lookup(&c->caps, h, CAP_T_COMPONENT, CAP_R_WRITE, &cap);
    if (r == 0 && cap.object)
        r = -ATH_EPERM; /* a capability to one component cannot stop them all */
    if (r == 0 && op == ATH_POWER_OFF) {
        kprintf("azoth: powering off (asked by %s)\n", c->cfg->name);
        plat_poweroff();
    }
    if (r == 0 && op == ATH_POWER_REBOOT) {
        kprintf("azoth: rebooting (asked by %s)\n", c->cfg->name);
        plat_reboot();
    }
    return host_leave(c, (u32)(r ? r : -ATH_EINVAL));
}

/* comp_name(handle, index, buf, len) -> the length of the index-th
 * component's name (copied, NUL-terminated, into buf; 0 for a slot no
 * component loaded at run time holds now), -ATH_ENOENT past the last. Needs a capability to any component (read right). */
u32 w2c_athanor_comp_name(struct w2c_athanor *a, u32 h, u32 index, u32 buf, u32 len)
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
        char name[ATH_NAME_MAX];
        const struct comp_config *cfg = comp_at(index)->cfg; /* NULL: an empty app slot */
        kstrlcpy(name, cfg ? cfg->name : "", MIN((size_t)len, sizeof name));
        r = host_put(c, uoff(buf), name, strlen(name) + 1) ? (int)strlen(name) : -ATH_EFAULT;
    }
    return host_leave(c, (u32)r);
}

/* ---- system introspection for a shell: needs a read capability to any
 * component (the manifest's "manage"). Each writes one of the ABI's
 * structs (athanor/abi/wire.h) into the caller's memory. */

static int introspect(struct component *c, u32 h)
{
    struct cap_ref cap;
    int r = cap_lookup(&c->caps, h, CAP_T_COMPONENT, CAP_R_READ, &cap);
    return r ? r : cap.object ? -ATH_EPERM : 0;
}

/* sys_mem(h, out): frames total/free, heap arena/used bytes. */
u32 w2c_athanor_sys_mem(struct w2c_athanor *a, u32 h, u32 out)
{
    struct component *c = host_enter(&a->h);
    struct umem m = host_mem(c);
    int r = umem_range(&m, uoff(out), sizeof(struct ath_sys_mem)) ? introspect(c, h) : -ATH_EFAULT;
    if (r == 0) {
        struct frame_stats fs;
        struct heap_stats hs;
        frame_get_stats(&fs);
        heap_get_stats(&hs);
        struct ath_sys_mem v = { .frames_total = fs.total, .frames_free = fs.free,
                                 .heap_arena = hs.arena_bytes, .heap_used = hs.used_bytes };
        r = host_put(c, uoff(out), &v, sizeof v) ? 0 : -ATH_EFAULT;
    }
    return host_leave(c, (u32)r);
}

/* sys_fault(h, i, out): the i-th most recent fault report; -ATH_ENOENT
 * past the last. */
u32 w2c_athanor_sys_fault(struct w2c_athanor *a, u32 h, u32 i, u32 out)
{
    struct component *c = host_enter(&a->h);
    struct umem m = host_mem(c);
    int r = umem_range(&m, uoff(out), sizeof(struct ath_sys_fault)) ? introspect(c, h) : -ATH_EFAULT;
    struct fault_report *rs = r == 0 ? kmalloc(sizeof *rs * ATH_FAULT_RING) : NULL;
    if (r == 0 && !rs)
        r = -ATH_ENOMEM;
    if (r == 0) {
        unsigned n = fault_recent(rs, ATH_FAULT_RING);
        if (i >= n) {
            r = -ATH_ENOENT;
        } else {
            struct ath_sys_fault rec = {
                .generation = rs[i].generation,
                .kind = rs[i].kind,
                .offset = rs[i].offset,
                .addr = (uint32_t)rs[i].addr, /* low half: linear offsets are 32-bit */
                .injected = rs[i].injected,
            };
            _Static_assert(sizeof rec.component == sizeof rs[i].component, "name sizes");
            _Static_assert(sizeof rec.function == sizeof rs[i].function, "name sizes");
            memcpy(rec.component, rs[i].component, sizeof rec.component);
            memcpy(rec.function, rs[i].function, sizeof rec.function);
            r = host_put(c, uoff(out), &rec, sizeof rec) ? 0 : -ATH_EFAULT;
        }
    }
    kfree(rs);
    return host_leave(c, (u32)r);
}

/* sys_cap(h, name, len, i, out): the i-th capability of the named
 * component; -ATH_ENOENT past the last. */
u32 w2c_athanor_sys_cap(struct w2c_athanor *a, u32 h, u32 name, u32 len, u32 i, u32 out)
{
    struct component *c = host_enter(&a->h);
    struct component *target = NULL;
    struct umem m = host_mem(c);
    int r = umem_range(&m, uoff(out), sizeof(struct ath_sys_cap)) ? introspect(c, h) : -ATH_EFAULT;
    if (r == 0)
        r = (int)decode(c, h, name, len, CAP_R_READ, &target);
    struct cap_info ci;
    if (r == 0) {
        unsigned n = cap_list(&target->caps, i, &ci, 1);
        if (i >= n) {
            r = -ATH_ENOENT;
        } else {
            struct ath_sys_cap rec = {
                .handle = ci.handle, .type = ci.type, .rights = ci.rights,
                .parent_handle = ci.parent_handle, .badge = ci.badge, .base = ci.base, .len = ci.len,
            };
            if (ci.parent_owner)
                kstrlcpy(rec.parent, ((const struct component *)ci.parent_owner)->cfg->name,
                         sizeof rec.parent);
            r = host_put(c, uoff(out), &rec, sizeof rec) ? 0 : -ATH_EFAULT;
        }
    }
    return host_leave(c, (u32)r);
}

/* sys_watch(h, notification, bits): become the supervisor (see
 * supervise.c): a write capability to every component. */
u32 w2c_athanor_sys_watch(struct w2c_athanor *a, u32 h, u32 n, u64 bits)
{
    struct component *c = host_enter(&a->h);
    return host_leave(c, (u32)watch_decode(c, h, n, bits, CAP_R_WRITE, comp_watch));
}
