/* The app_start import (abi/athanor/abi/imports.def; docs/apps.md): decode
 * — a capability to any component with the write right, the package and
 * the start request inside the caller's memory — then copy both into the
 * kernel (what is checked is what is mapped: the caller cannot change the
 * package under the loader) and hand them to app_start (app.c). */
#include <athanor/abi/app.h>
#include <athanor/app.h>
#include <athanor/errors.h>
#include <athanor/heap.h>
#include <athanor/host.h>
#include <athanor/hostcalls.h>
#include <athanor/klib.h>
#include <athanor/load.h>

typedef uint32_t u32;

u32 w2c_athanor_app_start(struct w2c_athanor *a, u32 h, u32 pkg, u32 pkg_len, u32 spec, u32 spec_len)
{
    struct component *c = host_enter(&a->h);
    struct umem m = host_mem(c);
    struct cap_ref cap;
    int r = cap_lookup(&c->caps, h, CAP_T_COMPONENT, CAP_R_WRITE, &cap);
    if (r == 0 && cap.object)
        r = -ATH_EPERM; /* a capability to one component names no new one */
    if (r == 0 && (pkg_len == 0 || pkg_len > ATH_PKG_FILE_MAX || spec_len > ATH_APP_SPEC_MAX ||
                   spec_len < sizeof(struct ath_app_spec)))
        r = -ATH_EINVAL;
    if (r == 0 && (!umem_range(&m, uoff(pkg), pkg_len) || !umem_range(&m, uoff(spec), spec_len)))
        r = -ATH_EFAULT;
    /* The kernel's copies: the package in whole pages of its own (it may be
     * megabytes: not the heap's), the request on the heap. */
    struct plat_code copy = { 0 };
    uint8_t *req = NULL;
    if (r == 0 && (plat_code_alloc(ALIGN_UP((size_t)pkg_len, PAGE_SIZE), &copy) != 0 ||
                   !(req = kmalloc(spec_len))))
        r = -ATH_ENOMEM;
    if (r == 0 && (!host_get(c, uoff(pkg), (void *)copy.base, pkg_len) ||
                   !host_get(c, uoff(spec), req, spec_len)))
        r = -ATH_EFAULT;
    struct component *app = NULL;
    char why[200];
    if (r == 0) {
        r = app_start(c, (const uint8_t *)copy.base, pkg_len, req, spec_len, false, &app, why,
                      sizeof why); /* which says why on the console */
    }
    kfree(req);
    plat_code_free(&copy);
    if (r == 0)
        r = (int)(app - comp_at(0));
    return host_leave(c, (u32)r);
}
