/* The confinement matrix: for every capability type and every way of not
 * holding a proper capability (none at all, wrong rights, revoked, forged,
 * wrong type, from a server's earlier generation), access is denied with the
 * expected error. The checks are those of cap_lookup, which every operation
 * on a kernel object goes through (the kvclient test exercises the real
 * endpoint and notification paths). Prints how many cases it tried; all
 * must be denied. */
#include <athanor/cap.h>
#include <athanor/errors.h>
#include <athanor/ipc.h>
#include <athanor/lifecycle.h>
#include <athanor/ktest.h>
#include <athanor/notify.h>

#define SLOTS 16

static struct cap       owner_slots[SLOTS], user_slots[SLOTS];
static struct cap_table owner, user;

/* The right each type's main operation needs. */
static uint32_t needed(enum cap_type t)
{
    switch (t) {
    case CAP_T_ENDPOINT: return CAP_R_CALL;
    case CAP_T_NOTIFICATION:
    case CAP_T_CONSOLE:
    case CAP_T_IOPORT:
    case CAP_T_MMIO:
    case CAP_T_DMA: return CAP_R_WRITE;
    default: return CAP_R_READ;
    }
}

static const char *t_confinement_matrix(void)
{
    static int object; /* any kernel object: the checks come before it is touched, */
    unsigned tried = 0, denied = 0;
    for (int ty = CAP_T_NONE + 1; ty < CAP_T_COUNT; ty++) {
        enum cap_type t = (enum cap_type)ty;
        /* fresh tables: "no capability" means a table that never held one */
        cap_table_init(&owner, owner_slots, SLOTS, NULL);
        cap_table_init(&user, user_slots, SLOTS, NULL);
        uint32_t need = needed(t);
        cap_handle_t orig, copy, weak, guess;
        /* except a notification, which hears when its original goes */
        void *obj = t == CAP_T_NOTIFICATION ? (void *)notify_create() : (void *)&object;
        KT_CHECK(obj && cap_insert(&owner, t, CAP_R_ALL, obj, 0, &orig) == 0, "insert %s", cap_type_name(t));
#define DENY(expr, want, what)                                                              \
    do {                                                                                    \
        int r_ = (expr);                                                                    \
        tried++;                                                                            \
        KT_CHECK(r_ == (want), "%s, %s: got %d, want %d", cap_type_name(t), what, r_, want); \
        denied++;                                                                           \
    } while (0)
        /* no capability: the user guesses the owner's handle */
        DENY(cap_lookup(&user, orig, t, need, NULL), -ATH_EBADHANDLE, "no capability");
        /* wrong rights: a copy without the needed right */
        KT_CHECK(cap_derive(&owner, orig, CAP_R_ALL & ~need, 0, &user, &weak) == 0, "derive");
        DENY(cap_lookup(&user, weak, t, need, NULL), -ATH_EPERM, "wrong rights");
        /* revoked: a proper copy, then the owner revokes */
        KT_CHECK(cap_derive(&owner, orig, need, 0, &user, &copy) == 0, "derive");
        KT_CHECK(cap_lookup(&user, copy, t, need, NULL) == 0, "a proper copy is refused");
        KT_CHECK(cap_revoke(&owner, orig) == 0, "revoke");
        DENY(cap_lookup(&user, copy, t, need, NULL), -ATH_ESTALE, "revoked");
        DENY(cap_lookup(&user, weak, t, 0, NULL), -ATH_ESTALE, "revoked weak copy");
        /* forged: the right index with a made-up generation, and a made-up index */
        guess = (copy & (CAP_MAX_SLOTS - 1)) | (0x7777u << CAP_INDEX_BITS);
        DENY(cap_lookup(&user, guess, t, need, NULL), -ATH_ESTALE, "forged generation");
        DENY(cap_lookup(&user, (1u << CAP_INDEX_BITS) | (SLOTS - 1), t, need, NULL), -ATH_EBADHANDLE,
             "forged index");
        /* wrong type: the same handle used as another kind of object */
        cap_handle_t own2;
        KT_CHECK(cap_derive(&owner, orig, CAP_R_ALL, 0, &user, &own2) == 0, "derive");
        enum cap_type other = t == CAP_T_ENDPOINT ? CAP_T_CLOCK : CAP_T_ENDPOINT;
        DENY(cap_lookup(&user, own2, other, 0, NULL), -ATH_EWRONGTYPE, "wrong type");
        cap_table_clear(&owner);
        cap_table_clear(&user);
#undef DENY
    }
    /* stale after a peer restart: an endpoint capability made for kv's
     * previous generation */
    struct component *kv = comp_find("kv"), *client = comp_find("kvclient");
    KT_CHECK(kv && client, "kv/kvclient missing from the manifest");
    if (kv->state != COMP_RUNNING)
        KT_CHECK(comp_start(kv, "") == 0, "start kv");
    ktest_wait_serving(kv, 500);
    cap_handle_t ep;
    KT_CHECK(cap_insert_gen(&client->caps, CAP_T_ENDPOINT, CAP_R_CALL, &kv->ipc.ep, 1, kv->generation - 1, &ep) == 0,
             "insert");
    uint64_t res;
    tried++;
    /* decode as the host call does, then the call: the generation is invoke's check */
    struct cap_ref ref;
    KT_CHECK(cap_lookup(&client->caps, ep, CAP_T_ENDPOINT, CAP_R_CALL, &ref) == 0, "lookup");
    struct ipc_call call = { .ep = ref.object, .badge = ref.badge, .obj_gen = ref.obj_gen };
    int r = ipc_call(thread_current(), client, IPC_PLAIN, &call, &res);
    KT_CHECK(r == -ATH_EPEERRESTARTED, "call with a previous generation's endpoint: %d", r);
    denied++;
    cap_delete(&client->caps, ep);
    comp_kill(kv);
    kprintf("ktest: confinement matrix: %u cases tried, %u denied\n", tried, denied);
    KT_CHECK(tried == denied && tried == (CAP_T_COUNT - 1) * 7 + 1, "tried %u, denied %u", tried, denied);
    return NULL;
}

const struct ktest ktests_caps[] = {
    { "caps_confinement_matrix", t_confinement_matrix },
    { NULL, NULL },
};
