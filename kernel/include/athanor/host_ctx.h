/* The host-call layer's part of a component (kernel/host): the context
 * wasm2c passes as every import module's instance parameter. Apart from
 * athanor/host.h so that component.h can embed it. */
#ifndef ATHANOR_HOST_CTX_H
#define ATHANOR_HOST_CTX_H

struct component;

/* The generated glue passes the same object for each import module: each
 * module's instance struct begins with it. It is the component's own
 * (struct component's host): host calls find the component by its address
 * (host_enter); comp names it too, set once when the component table is
 * made, for readers without the component's layout (a debugger). */
typedef struct host_ctx {
    struct component *comp;
} host_ctx;

struct w2c_wasi__snapshot__preview1 {
    host_ctx h;
};
struct w2c_athanor {
    host_ctx h;
};

/* The host part's only hook: name c in its context, once (kernel/host). */
void host_comp_init(struct component *c);

#endif
