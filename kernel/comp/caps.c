/* The capability part of a component: its table renewed for every new
 * generation, with the manifest's device-less grants (console, clock,
 * random, component control, the console log), and cleared — revoking every copy made
 * from them — when it stops. The hardware and endpoint grants are the hw
 * and ipc parts' own. */
#include <athanor/klib.h>
#include <athanor/lifecycle.h>

/* The kernel objects behind the manifest's device-less capabilities. */
static int console_object, clock_object, random_object;

int caps_comp_start(struct component *c, const char *args)
{
    (void)args;
    static const struct {
        enum comp_cap  bit;
        enum cap_type  type;
        uint32_t       rights;
        void          *object;
    } grants[] = {
        { CAP_CONSOLE, CAP_T_CONSOLE, CAP_R_READ | CAP_R_WRITE, &console_object },
        { CAP_CLOCK, CAP_T_CLOCK, CAP_R_READ, &clock_object },
        { CAP_RANDOM, CAP_T_RANDOM, CAP_R_READ, &random_object },
        { CAP_MANAGE, CAP_T_COMPONENT, CAP_R_READ | CAP_R_WRITE, NULL }, /* NULL: any component */
        { CAP_REALTIME, CAP_T_CLOCK, CAP_R_READ | CAP_R_WRITE, &clock_object },
        { CAP_LOG, CAP_T_LOG, CAP_R_READ, NULL }, /* NULL: the one console log */
        { CAP_PRECISE_CLOCK, CAP_T_CLOCK, CAP_R_READ | CAP_R_PRECISE, &clock_object },
        { CAP_OBSERVE, CAP_T_COMPONENT, CAP_R_READ, NULL }, /* reads only: the status page */
    };
    cap_table_renew(&c->caps); /* a new instance: retired slots come back */
    for (size_t i = 0; i < ARRAY_LEN(grants); i++) {
        cap_handle_t h;
        int r = (c->cfg->caps & grants[i].bit)
              ? cap_insert(&c->caps, grants[i].type, grants[i].rights, grants[i].object, 0, &h) : 0;
        if (r)
            return r; /* the table is sized for the manifest: not expected */
    }
    return 0;
}

void caps_comp_stop(struct component *c)
{
    /* Its capabilities and every copy made from them; the notifications
     * it created die with their originals (notification_gone). */
    cap_table_clear(&c->caps);
}
