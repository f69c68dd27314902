/* The runtime's part of a component (athanor/rt.h, struct comp_rt): its
 * wasm2c instance, made on its own thread before instantiation and freed
 * there — with the linear memory and tables the generated code allocated
 * through wasm_rt.c — when the component is done for good. */
#include <athanor/component.h>
#include <athanor/errors.h>
#include <athanor/heap.h>

int rt_comp_start(struct component *c, const char *args)
{
    (void)args;
    c->rt.tables_grew = false; /* a new instance's tables are the module's own */
    return 0;
}

int rt_comp_create(struct component *c)
{
    const struct comp_image *img = c->image;
    c->rt.instance = kzalloc(img->instance_size);
    if (!c->rt.instance)
        return -ATH_ENOMEM;
    c->rt.memory = img->memory(c->rt.instance); /* filled in by instantiate */
    return 0;
}

void rt_comp_stop(struct component *c)
{
    c->rt.memory = NULL;
    if (c->rt.instance)
        c->image->free(c->rt.instance); /* frees the linear memory and tables */
    kfree(c->rt.instance);
    c->rt.instance = NULL;
}
