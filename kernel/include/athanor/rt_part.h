/* The runtime's part of a component (kernel/rt/instance.c): its wasm2c
 * instance and linear memory. Apart from athanor/rt.h, which generated code
 * includes and which must not pull kernel headers into it. */
#ifndef ATHANOR_RT_PART_H
#define ATHANOR_RT_PART_H

#include <athanor/platform.h>

/* Both belong to the component's own thread while it runs: only that thread
 * creates them (instantiation) and frees them (teardown), so no lock. */
struct component;
struct comp_rt {
    void              *instance;    /* the wasm2c instance struct */
    void              *memory;      /* its wasm_rt_memory_t (image->memory), for host calls */
    struct plat_vrange range;       /* the linear memory's reservation */
    uint32_t           pages;       /* current size in wasm pages */
    bool               tables_grew; /* a table grew: the reset snapshot no longer fits */
};
/* Lifecycle hooks (kernel/rt/instance.c). start: a new generation (nothing
 * allocated yet). create: on the component's thread, the instance struct
 * (0 or -ATH_ENOMEM; instantiation fills it). stop: free the instance, its
 * memory and tables, after every activation of the component unwound. */
int  rt_comp_start(struct component *c, const char *args);
int  rt_comp_create(struct component *c);
void rt_comp_stop(struct component *c);

#endif
