/* The app_start and app_update imports (abi/athanor/abi/imports.def;
 * docs/apps.md): decode — a capability to any component with the write
 * right, the package (and the start request, or the component's name)
 * inside the caller's memory — then copy them into the kernel (what is
 * checked is what is mapped: the caller cannot change the package under
 * the loader) and hand them to app_start (app.c) or comp_update. */
#include <athanor/abi/app.h>
#include <athanor/app.h>
#include <athanor/errors.h>
#include <athanor/heap.h>
#include <athanor/host.h>
#include <athanor/hostcalls.h>
#include <athanor/klib.h>
#include <athanor/lifecycle.h>
#include <athanor/load.h>

typedef uint32_t u32;

/* The package at [pkg, pkg + len) of c's memory, copied into whole pages of
 * the kernel's own (it may be megabytes: not the heap's), as many as its
 * header asks for its image (ath_pkg_mem_size: the copy becomes the
 * image's memory, pkg_load), or an error. */
static int copy_package(struct component *c, u32 pkg, u32 len, struct plat_code *copy)
{
    struct umem m = host_mem(c);
    if (len == 0 || len > ATH_PKG_FILE_MAX)
        return -ATH_EINVAL;
    if (!umem_range(&m, uoff(pkg), len))
        return -ATH_EFAULT;
    struct ath_pkg_header h = { 0 };
    if (!host_get(c, uoff(pkg), &h, MIN((size_t)len, sizeof h)))
        return -ATH_EFAULT;
    uint64_t mem = ath_pkg_mem_size(&h, len);
    if (mem > PLAT_CODE_MAX)
        return -ATH_EBADPKG; /* its header asks for more than a package may have */
    if (plat_code_alloc((size_t)mem, copy) != 0)
        return -ATH_ENOMEM;
    if (!host_get(c, uoff(pkg), (void *)copy->base, len)) {
        plat_code_free(copy);
        return -ATH_EFAULT;
    }
    return 0;
}

/* A capability to every component with the write right. */
static int manage_cap(struct component *c, u32 h)
{
    struct cap_ref cap;
    int r = cap_lookup(&c->caps, h, CAP_T_COMPONENT, CAP_R_WRITE, &cap);
    return r ? r : cap.object ? -ATH_EPERM : 0; /* a capability to one component names no other */
}

u32 w2c_athanor_app_start(struct w2c_athanor *a, u32 h, u32 pkg, u32 pkg_len, u32 spec, u32 spec_len)
{
    struct component *c = host_enter(&a->h);
    struct umem m = host_mem(c);
    int r = manage_cap(c, h);
    if (r == 0 && (spec_len > ATH_APP_SPEC_MAX || spec_len < sizeof(struct ath_app_spec)))
        r = -ATH_EINVAL;
    if (r == 0 && !umem_range(&m, uoff(spec), spec_len))
        r = -ATH_EFAULT;
    /* The kernel's copies: what is checked is what is mapped. */
    struct plat_code copy = { 0 };
    uint8_t *req = NULL;
    if (r == 0)
        r = copy_package(c, pkg, pkg_len, &copy);
    if (r == 0 && !(req = kmalloc(spec_len)))
        r = -ATH_ENOMEM;
    if (r == 0 && !host_get(c, uoff(spec), req, spec_len))
        r = -ATH_EFAULT;
    struct component *app = NULL;
    char why[200];
    if (r == 0)
        r = app_start(c, &copy, pkg_len, req, spec_len, false, &app, why,
                      sizeof why); /* which says why on the console */
    kfree(req);
    plat_code_free(&copy); /* unless the package took it */
    if (r == 0)
        r = (int)(app - comp_at(0));
    return host_leave(c, (u32)r);
}

u32 w2c_athanor_app_update(struct w2c_athanor *a, u32 h, u32 name, u32 len, u32 pkg, u32 pkg_len)
{
    struct component *c = host_enter(&a->h);
    char target_name[ATH_NAME_MAX];
    int r = manage_cap(c, h);
    if (r == 0 && (len == 0 || len >= ATH_NAME_MAX))
        r = -ATH_EINVAL;
    if (r == 0 && !host_get(c, uoff(name), target_name, len))
        r = -ATH_EFAULT;
    struct component *target = NULL;
    if (r == 0) {
        target_name[len] = '\0';
        target = comp_find(target_name);
        r = !target ? -ATH_ENOENT : target == c ? -ATH_EINVAL : 0; /* not itself: it would stop mid-call */
    }
    struct plat_code copy = { 0 };
    if (r == 0)
        r = copy_package(c, pkg, pkg_len, &copy);
    struct pkg *p = NULL;
    char why[200];
    if (r == 0)
        r = pkg_load(&copy, pkg_len, &p, why, sizeof why); /* says why */
    plat_code_free(&copy); /* unless the package took it */
    if (r == 0) {
        kprintf("%s: updating %s to package %s\n", c->cfg->name, target_name, p->name);
        r = comp_update(target, p);
        if (r)
            kprintf("%s: update of %s failed: %s\n", c->cfg->name, target_name, ath_strerror(r));
    }
    return host_leave(c, (u32)r);
}
