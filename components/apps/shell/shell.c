/* The shell: a command line on the serial console, through the UART driver,
 * and on the keyboard and screen, through the PS/2 and framebuffer console
 * drivers. Both input drivers bind their interrupt lines to the shell's
 * notification (bits 1 and 2), so the shell sleeps until a key arrives on
 * either and then asks that driver for the bytes. The screen also shows
 * the console's output (the kernel's messages, what the components print),
 * read from the kernel's log (bit 4: there is more). Line editing
 * (backspace, Ctrl-U, Ctrl-C), a history (up and down arrows), and
 * commands that reach the system only through the capabilities the
 * manifest gives it: component control ("manage"), the PCI service, the
 * block service, a clock, the console log ("log"), and the privacy
 * service's user controls (sensor_control): `privacy` and the F12 key,
 * which revokes every sensor session. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <athanor.h>
#include <athanor_privacy.h>

#include "shell.h"

#define LINE 160
#define HISTORY 16
#define ERR_OF(v) ((int64_t)(v) < 0 ? (int)(int64_t)(v) : 0)
#define PROMPT "azoth$ "
#define SCREEN_COLS 100 /* the framebuffer console's text grid: 800 pixels / 8 */
enum { BIT_UART = 1, BIT_KBD = 2, BIT_LOG = 4 }; /* our notification's bits */

static ath_handle_t uart, pci, blk, fb, kbd, note, logcap, priv;
ath_handle_t shell_fs, shell_manage;
static bool uart_subscribed, kbd_subscribed;
static char history[HISTORY][LINE];
static unsigned nhistory;
/* The line being edited (read_line), so that console output drawn on the
 * screen meanwhile can take its place and put it back underneath. */
static char edit[LINE];
static size_t nedit;
static bool editing;
/* The console log: the next byte to show, and whether the last one shown
 * ended a line. */
static uint64_t logpos;
static bool log_midline;

static void pause_100ms(void)
{
    struct timespec ts = { 0, 100000000 };
    nanosleep(&ts, NULL);
}

/* A call to the UART driver, across its restarts (and its start: the shell
 * may come up first): reconnect on EPEERRESTARTED, wait on EPEERFAILED. */
static int uart_call(uint64_t op, uint64_t a0, const void *msg, uint32_t len, uint64_t *v)
{
    for (int tries = 0;; tries++) {
        int r = msg ? ath_call_msg(uart, op, a0, msg, len, v) : ath_call(uart, op, a0, 0, 0, v);
        if (r == -ATH_EPEERRESTARTED) {
            ath_reconnect(&uart, "uart");
            uart_subscribed = false; /* a new instance: tell it where input goes */
            continue;
        }
        if (r != -ATH_EPEERFAILED || tries == 100)
            return r;
        pause_100ms();
    }
}

/* Show on the screen, if there is one. The framebuffer driver may be
 * restarting (it crashed): then wait for it (up to `tries` times 50 ms),
 * so nothing is lost; if it has stopped for good (no display: it exited),
 * do without. SCREEN_LATER: it is not there yet (starting, restarting). */
enum screen { SCREEN_SHOWN, SCREEN_NONE, SCREEN_LATER };
static enum screen fb_write(const char *p, uint32_t len, int tries)
{
    uint64_t v;
    for (int i = 0; i < tries; i++) {
        int r = ath_call_msg(fb, 1, 0, p, len, &v);
        if (r == -ATH_EPEERRESTARTED) {
            ath_reconnect(&fb, "fb");
            continue;
        }
        if (r != -ATH_EPEERFAILED)
            return r == 0 ? SCREEN_SHOWN : SCREEN_NONE;
        int64_t st = ath_comp_ctl(shell_manage, "fb", ATH_COMP_STATE, 0);
        if (st < 0 || ATH_STATE_STATE(st) == ATH_EXITED || ATH_STATE_STATE(st) == ATH_STOPPED)
            return SCREEN_NONE;
        if (i + 1 < tries) {
            struct timespec ts = { 0, 50000000 };
            nanosleep(&ts, NULL);
        }
    }
    return SCREEN_LATER;
}

/* The screen alone, in messages the driver takes (waiting for it). */
static void to_screen(const char *p, size_t len)
{
    for (size_t off = 0; off < len; off += ATH_MSG_MAX)
        fb_write(p + off, (uint32_t)(len - off < ATH_MSG_MAX ? len - off : ATH_MSG_MAX), 40);
}

void out(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof buf - 1)
        n = sizeof buf - 1;
    char crlf[600];
    int m = 0;
    for (int i = 0; i < n; i++) { /* terminals want CR LF */
        if (buf[i] == '\n')
            crlf[m++] = '\r';
        crlf[m++] = buf[i];
    }
    uint64_t v;
    for (int off = 0; off < m; off += 256) {
        uint32_t len = (uint32_t)(m - off < 256 ? m - off : 256);
        uart_call(1, 0, crlf + off, len, &v);
        fb_write(crlf + off, len, 40);
    }
}

/* The console's output on the screen: the kernel's messages (a fault
 * report) and what the components print (those the user starts, too),
 * read from the kernel's log. The serial line has it already (the kernel
 * writes it there), so it goes to the screen only, and the shell's own
 * output (to the drivers, not the console) is not in it: nothing shows
 * twice. While a line is edited, the prompt and the line make way (the
 * screen row erased, drawn again below the output), as a terminal's line
 * editor does. At most `max` chunks at a time, so keys are still read
 * under a flood; true if there is more. Falling behind costs only old
 * screen output, never a writer's time: the kernel keeps the last 16 KiB
 * and says how much this reader missed, which the screen marks. */
static bool show_log(int max)
{
    static char buf[ATH_LOG_CHUNK];
    bool erased = false, more = logcap > 0;
    for (int i = 0; i < max && more; i++) {
        uint64_t pos = logpos, lost;
        int k = ath_log_read(logcap, &pos, buf, sizeof buf, note, BIT_LOG, &lost);
        if (k <= 0) { /* caught up, and BIT_LOG comes with the next output */
            more = false;
            break;
        }
        /* One try each: if the screen is not there yet (starting,
         * restarting), the rest stays in the log for the next round. */
        if (!erased && editing) {
            const char *wipe = strlen(PROMPT) + nedit <= SCREEN_COLS ? "\r\x1b[K" : "\r\n";
            enum screen sc = fb_write(wipe, (uint32_t)strlen(wipe), 1);
            if (sc == SCREEN_LATER)
                return false;
            erased = sc == SCREEN_SHOWN;
        }
        if (lost) {
            char mark[96];
            int n = snprintf(mark, sizeof mark, "%s\x1b[33m[%llu bytes of console output not shown]\x1b[0m\n",
                             log_midline ? "\n" : "", (unsigned long long)lost);
            to_screen(mark, (size_t)n);
            log_midline = false;
        }
        int off = 0;
        enum screen sc = SCREEN_SHOWN;
        for (; off < k && sc != SCREEN_LATER; off += ATH_MSG_MAX)
            sc = fb_write(buf + off, (uint32_t)(k - off < (int)ATH_MSG_MAX ? k - off : (int)ATH_MSG_MAX), 1);
        if (sc == SCREEN_LATER) { /* shown up to off: the rest next round */
            off -= ATH_MSG_MAX;
            logpos = pos - (uint64_t)(k - off);
            if (off)
                log_midline = buf[off - 1] != '\n';
            more = false;
            break;
        }
        logpos = pos; /* shown, or no screen to show it on */
        log_midline = buf[k - 1] != '\n';
    }
    if (erased) { /* the prompt and the line, under the output */
        if (log_midline)
            to_screen("\n", 1);
        to_screen(PROMPT, strlen(PROMPT));
        to_screen(edit, nedit);
    }
    return more;
}

/* Have driver *h bind its line to our notification (bits). */
static bool subscribe(ath_handle_t *h, const char *name, uint64_t bits)
{
    ath_handle_t give = ath_cap_derive(note, ATH_R_WRITE | ATH_R_GRANT, 0);
    uint64_t v = 1;
    int r = ath_call_grant(*h, 3, bits, 0, give, &v);
    if (r == -ATH_EPEERRESTARTED) {
        ath_reconnect(h, name);
        r = ath_call_grant(*h, 3, bits, 0, give, &v);
    }
    ath_cap_delete(give); /* the driver holds its own copy now */
    return r == 0 && v == 0;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The next input byte, from the serial line or the keyboard, waiting at
 * most wait_ns (and showing the console's output on the screen
 * meanwhile); -1 if none came. */
int shell_poll_key(uint64_t wait_ns)
{
    static uint64_t pending;
    static unsigned npending;
    bool quiet = true; /* no key came: (re)subscribe a driver that is not yet */
    uint64_t start = now_ns();
    while (!npending) {
        uint64_t waited = now_ns() - start;
        if (waited >= wait_ns)
            return -1;
        uint64_t nap = wait_ns - waited < 1000000000ull ? wait_ns - waited : 1000000000ull;
        uint64_t v = 0, bits = 0;
        if (quiet && !uart_subscribed)
            uart_subscribed = subscribe(&uart, "uart", BIT_UART);
        if (quiet && !kbd_subscribed)
            kbd_subscribed = subscribe(&kbd, "ps2kbd", BIT_KBD);
        bool more = show_log(4);
        if (uart_call(2, uart_subscribed ? 0 : 100, NULL, 0, &v) == 0 && (v & 0xff)) {
            pending = v >> 8;
            npending = (unsigned)(v & 0xff);
            break;
        }
        v = 0;
        int r = kbd_subscribed ? ath_call(kbd, 2, 0, 0, 0, &v) : -ATH_ENOENT;
        if (r == -ATH_EPEERRESTARTED) {
            ath_reconnect(&kbd, "ps2kbd");
            kbd_subscribed = false;
        } else if (r == 0 && (v & 0xff)) {
            pending = v >> 8;
            npending = (unsigned)(v & 0xff);
            break;
        }
        if (more) { /* more console output to draw: no wait, but keys first */
            quiet = false;
            continue;
        }
        if (uart_subscribed || kbd_subscribed) /* a key, on either, or console output */
            ath_notify_wait(note, BIT_UART | BIT_KBD | BIT_LOG, nap, &bits);
        else
            pause_100ms();
        quiet = !(bits & (BIT_UART | BIT_KBD));
    }
    int c = (int)(pending & 0xff);
    pending >>= 8;
    npending--;
    return c;
}

/* The next input byte (waits for it). */
static int in(void)
{
    int c;
    while ((c = shell_poll_key(UINT64_MAX)) < 0)
        ;
    return c;
}

/* ---- privacy: the user's controls over sensor sessions (docs/privacy.md) ---- */

/* A call to the privacy service, across its restarts, with a lend of buf
 * if there is one (LIST, LOG): 0 and *v, or an error, its own or the
 * service's. */
static int priv_call(uint64_t op, uint64_t a0, uint64_t a1, void *buf, uint32_t len, uint64_t *v)
{
    int r = -ATH_EPEERRESTARTED;
    for (int tries = 0; tries < 2 && r == -ATH_EPEERRESTARTED; tries++) {
        if (tries)
            ath_reconnect(&priv, "privacy");
        r = buf ? ath_call_lend(priv, op, a0, buf, len, ATH_LEND_RW, v) : ath_call(priv, op, a0, a1, 0, v);
    }
    return r ? r : ERR_OF(*v);
}

/* Revoke one session (id) or all (0); what happened, for the user. */
static void priv_revoke(uint64_t id, const char *who)
{
    uint64_t n = 0;
    int r = priv_call(ATH_PRIV_REVOKE, id, 0, NULL, 0, &n);
    if (r == -ATH_ENOENT)
        out("privacy: no session %llu (see 'privacy')\n", (unsigned long long)id);
    else if (r)
        out("privacy: revoke failed (%s)\n", ath_strerror(r));
    else if (id)
        out("%srevoked session %llu\n", who, (unsigned long long)id);
    else
        out("%srevoked every session: %llu ended\n", who, (unsigned long long)n);
}

static void read_line(char *line)
{
    unsigned back = 0; /* how far up the history */
    nedit = 0; /* edit: the line (show_log draws it again after console output) */
    shell_reap(); /* background apps that ended, before the prompt, as a shell's jobs */
    out(PROMPT);
    editing = true;
    for (;;) {
        int c = in();
        if (c == '\r' || c == '\n') {
            out("\n");
            break;
        }
        if ((c == 0x7f || c == 0x08) && nedit) { /* backspace */
            nedit--;
            out("\b \b");
        } else if (c == 0x15 || c == 0x03) { /* Ctrl-U, Ctrl-C: drop the line */
            while (nedit) {
                nedit--;
                out("\b \b");
            }
            if (c == 0x03) {
                out("^C\n");
                break;
            }
        } else if (c == 0x1b) { /* ESC [ A / B: history; ESC [ 24 ~: F12 */
            int b = in();
            if (b == 'O') /* ESC O P..S, an xterm's F1-F4: no use here, dropped whole */
                in();
            if (b != '[')
                continue;
            int k, param = 0;
            /* a control sequence: digits and ';', then its final byte
             * (a key the shell has no use for is dropped whole) */
            while ((k = in()) == ';' || (k >= '0' && k <= '9'))
                param = k == ';' ? 0 : param * 10 % 100000 + (k - '0');
            if (k == '~' && param == 24) {
                /* F12, on either console: every sensor session ends at
                 * once, whatever the line being typed. A function key
                 * because no command line uses one and none is hit in the
                 * middle of typing text; the Ctrl-letters are all some
                 * terminal's or editor's habit. */
                out("\n");
                priv_revoke(0, "privacy: F12: ");
                out(PROMPT "%.*s", (int)nedit, edit); /* the line goes on being edited */
            } else if ((k == 'A' && back < nhistory && back < HISTORY) || (k == 'B' && back > 0)) {
                back += k == 'A' ? 1 : -1;
                while (nedit) {
                    nedit--;
                    out("\b \b");
                }
                if (back) {
                    strcpy(edit, history[(nhistory - back) % HISTORY]);
                    nedit = strlen(edit);
                    out("%s", edit);
                }
            }
        } else if (c >= 0x20 && c < 0x7f && nedit < LINE - 1) {
            edit[nedit++] = (char)c;
            out("%c", c);
        }
    }
    editing = false;
    memcpy(line, edit, nedit);
    line[nedit] = '\0';
}

static const char *state_name(int64_t st)
{
    static const char *const names[] = { [ATH_STOPPED] = "stopped", [ATH_RUNNING] = "running",
                                         [ATH_EXITED] = "exited", [ATH_FAULTED] = "faulted" };
    unsigned s = ATH_STATE_STATE(st);
    return s < sizeof names / sizeof *names ? names[s] : "?";
}

static void cmd_ps(void)
{
    char name[32];
    out("%-12s %-8s %5s %8s\n", "NAME", "STATE", "GEN", "RESTARTS");
    int n;
    for (unsigned i = 0; (n = ath_comp_name(shell_manage, i, name, sizeof name)) >= 0; i++) {
        if (n == 0)
            continue; /* an empty slot of the ones apps take */
        int64_t st = ath_comp_ctl(shell_manage, name, ATH_COMP_STATE, 0);
        out("%-12s %-8s %5u %8u\n", name, state_name(st), ATH_STATE_GENERATION(st),
            ATH_STATE_RESTARTS(st));
    }
}

static void cmd_mem(void)
{
    struct ath_sys_mem m;
    if (ath_sys_mem(shell_manage, &m) != 0) {
        out("mem: not allowed\n");
        return;
    }
    out("frames: %llu total, %llu free (%llu KiB free)\nheap: %llu KiB arena, %llu bytes in use\n",
        (unsigned long long)m.frames_total, (unsigned long long)m.frames_free,
        (unsigned long long)(m.frames_free * 4), (unsigned long long)(m.heap_arena >> 10),
        (unsigned long long)m.heap_used);
}


static void cmd_faults(void)
{
    struct ath_sys_fault f;
    unsigned i = 0;
    for (; ath_sys_fault(shell_manage, i, &f) == 0; i++)
        out("fault: %s (generation %u): %s in %s+%#llx%s\n", f.component, f.generation,
            ath_trap_name(f.kind), f.function[0] ? f.function : "?",
            (unsigned long long)f.offset, f.injected ? " (injected)" : "");
    if (!i)
        out("no faults\n");
}

static void cmd_caps(const char *name)
{
    static const char *const types[ATH_T_COUNT] = {
        [ATH_T_NONE] = "none", [ATH_T_ENDPOINT] = "endpoint", [ATH_T_NOTIFICATION] = "notification",
        [ATH_T_MEMGRANT] = "memgrant", [ATH_T_CONSOLE] = "console", [ATH_T_CLOCK] = "clock",
        [ATH_T_RANDOM] = "random", [ATH_T_COMPONENT] = "component", [ATH_T_IOPORT] = "ioport",
        [ATH_T_MMIO] = "mmio", [ATH_T_IRQ] = "irq", [ATH_T_DMA] = "dma", [ATH_T_LOG] = "log" };
    struct ath_sys_cap c;
    unsigned i = 0;
    for (; ath_sys_cap(shell_manage, name, i, &c) == 0; i++) {
        char rights[7]; /* as the kernel's monitor writes them: a precise clock ends in 'p' */
        for (int b = 0; b < 5; b++)
            rights[b] = (c.rights & (1u << b)) ? "rwcgd"[b] : '-';
        int nr = 5;
        if (c.rights & ATH_R_PRECISE)
            rights[nr++] = 'p';
        rights[nr] = '\0';
        out("%#-10x %-13s %-6s %#-10llx ", c.handle, c.type < ATH_T_COUNT && types[c.type] ? types[c.type] : "?", rights,
            (unsigned long long)c.badge);
        if (c.parent[0])
            out("%s:%#x", c.parent, c.parent_handle);
        else
            out("(original)");
        if (c.type == ATH_T_IOPORT || c.type == ATH_T_MMIO)
            out("  %#llx-%#llx", (unsigned long long)c.base, (unsigned long long)(c.base + c.len - 1));
        out("\n");
    }
    if (!i)
        out("%s holds no capabilities (or no such component)\n", name);
}

/* Every PCI function: the manifest gives the shell the inventory right
 * (pci_inventory), without which the PCI service refuses the count. */
static void cmd_lspci(void)
{
    uint64_t n = 0, id, loc;
    int r = ath_call(pci, 1, 0, 0, 0, &n);
    if (r || ERR_OF(n)) {
        out("lspci: the PCI service did not answer (%d)\n", r ? r : ERR_OF(n));
        return;
    }
    for (uint64_t i = 0; i < n; i++) {
        ath_call(pci, 2, i, 0, 0, &id);
        ath_call(pci, 3, i, 0, 0, &loc);
        out("%02llx:%02llx.%llx %04llx:%04llx class %06llx\n", (unsigned long long)(loc >> 16),
            (unsigned long long)((loc >> 8) & 0xff), (unsigned long long)(loc & 7),
            (unsigned long long)(id & 0xffff), (unsigned long long)((id >> 16) & 0xffff),
            (unsigned long long)(id >> 32));
    }
}

static void cmd_blk(int argc, char **argv)
{
    static unsigned char buf[4096] __attribute__((aligned(4096)));
    uint64_t v = 0;
    if (argc < 3 || (strcmp(argv[1], "read") && strcmp(argv[1], "write"))) {
        out("usage: blk read <sector> | blk write <sector> <text>\n");
        return;
    }
    uint64_t sector = strtoull(argv[2], NULL, 0);
    bool wr = !strcmp(argv[1], "write");
    if (wr) {
        memset(buf, 0, sizeof buf);
        for (int i = 3, pos = 0; i < argc; i++)
            pos += snprintf((char *)buf + pos, sizeof buf - (size_t)pos, "%s%s", i > 3 ? " " : "", argv[i]);
    }
    int r = ath_call_lend(blk, wr ? 3 : 2, sector, buf, sizeof buf, wr ? ATH_LEND_RO : ATH_LEND_RW, &v);
    if (r || ERR_OF(v)) {
        out("blk: %s failed: %d\n", argv[1], r ? r : ERR_OF(v));
        return;
    }
    if (wr) {
        out("wrote 8 sectors at %llu\n", (unsigned long long)sector);
        return;
    }
    for (int row = 0; row < 4; row++) {
        out("%04x ", row * 16);
        for (int i = 0; i < 16; i++)
            out(" %02x", buf[row * 16 + i]);
        out("  ");
        for (int i = 0; i < 16; i++) {
            unsigned char c = buf[row * 16 + i];
            out("%c", c >= 0x20 && c < 0x7f ? c : '.');
        }
        out("\n");
    }
}

static void cmd_comp(int argc, char **argv)
{
    static const struct { const char *word; enum ath_comp_op op; } ops[] = {
        { "start", ATH_COMP_START }, { "kill", ATH_COMP_KILL }, { "restart", ATH_COMP_RESTART },
        { "reset", ATH_COMP_RESET }, { "inject", ATH_COMP_INJECT },
    };
    static const char *const faults[] = { "", "oob", "overflow", "divzero", "conversion",
                                          "unreachable", "indirect", "stack" };
    for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (strcmp(argv[0], ops[i].word))
            continue;
        uint64_t kind = 0;
        if (ops[i].op == ATH_COMP_INJECT) {
            for (unsigned k = 1; argc > 2 && k < 8; k++)
                if (!strcmp(argv[2], faults[k]))
                    kind = k;
            if (!kind) {
                out("usage: inject <component> <oob|overflow|divzero|conversion|unreachable|indirect|stack>\n");
                return;
            }
        }
        int64_t r;
        if (ops[i].op == ATH_COMP_START && argc > 2) {
            /* the words after the name become its arguments */
            char args[ATH_ARGS_MAX + 1];
            size_t len = 0;
            for (int k = 2; k < argc; k++) {
                size_t n = strlen(argv[k]);
                if (len + (k > 2) + n > ATH_ARGS_MAX) {
                    out("start %s: arguments longer than %u bytes\n", argv[1], ATH_ARGS_MAX);
                    return;
                }
                if (k > 2)
                    args[len++] = ' ';
                memcpy(args + len, argv[k], n);
                len += n;
            }
            args[len] = '\0';
            r = ath_comp_start(shell_manage, argv[1], args);
        } else {
            r = ath_comp_ctl(shell_manage, argv[1], ops[i].op, kind);
        }
        out("%s %s: %s\n", argv[0], argv[1], r == 0 ? "done" : r == -ATH_ENOENT ? "no such component, or not running" : "failed");
        return;
    }
}

/* The text the service lends back (LIST, LOG), line by line; LOG pages
 * through the audit log by its entries' numbers, a buffer at a time. */
static void cmd_privacy_text(uint64_t op)
{
    static char text[4096] __attribute__((aligned(4096)));
    uint64_t first = 0;
    bool any = false;
    for (int pages = 0; pages < 64; pages++) {
        uint64_t n = 0;
        int r = priv_call(op, first, 0, text, sizeof text, &n);
        if (r) {
            out("privacy: %s failed (%s)\n", op == ATH_PRIV_LOG ? "log" : "list", ath_strerror(r));
            return;
        }
        size_t len = n < sizeof text ? (size_t)n : sizeof text - 1, end = len;
        bool full = len == sizeof text - 1; /* the service stopped where the buffer did */
        while (end && text[end - 1] != '\n') /* a line cut at the buffer's end comes again */
            end--;
        for (size_t at = 0; at < end;) {
            size_t eol = at;
            while (text[eol] != '\n')
                eol++;
            out("%.*s\n", (int)(eol - at), text + at);
            any = true;
            if (op == ATH_PRIV_LOG)
                first = strtoull(text + at, NULL, 10) + 1;
            at = eol + 1;
        }
        if (op != ATH_PRIV_LOG || !full || end == 0) /* all of it, or a line too long to page by */
            break;
    }
    if (!any)
        out(op == ATH_PRIV_LOG ? "privacy: the audit log is empty\n"
                               : "privacy: no live sessions, no requests waiting\n");
}

/* A request or session number: decimal, from 1. */
static bool parse_id(const char *s, uint64_t *id)
{
    char *end;
    *id = strtoull(s, &end, 10);
    return s[0] >= '0' && s[0] <= '9' && *end == '\0' && *id > 0 && *id <= UINT32_MAX;
}

#define PRIVACY_USAGE "usage: privacy [log | once|always|deny <request> | revoke [session]]\n"

static void cmd_privacy(int argc, char **argv)
{
    static const char *const answers[] = { [ATH_ANSWER_ONCE] = "once", [ATH_ANSWER_ALWAYS] = "always",
                                           [ATH_ANSWER_DENY] = "deny" };
    const char *sub = argc > 1 ? argv[1] : "list";
    uint64_t id = 0, v = 0;
    unsigned answer = 0;
    for (unsigned a = ATH_ANSWER_ONCE; a <= ATH_ANSWER_DENY; a++)
        if (!strcmp(sub, answers[a]))
            answer = a;
    if (!strcmp(sub, "list") || !strcmp(sub, "log")) {
        if (argc > 2)
            out(PRIVACY_USAGE);
        else
            cmd_privacy_text(!strcmp(sub, "log") ? ATH_PRIV_LOG : ATH_PRIV_LIST);
    } else if (!strcmp(sub, "revoke")) {
        if (argc > 3)
            out(PRIVACY_USAGE);
        else if (argc == 3 && !parse_id(argv[2], &id))
            out("privacy: '%s' is not a session number\n", argv[2]);
        else
            priv_revoke(id, "privacy: ");
    } else if (answer && argc != 3) {
        out("usage: privacy %s <request>\n", sub);
    } else if (answer && !parse_id(argv[2], &id)) {
        out("privacy: '%s' is not a request number\n", argv[2]);
    } else if (answer) {
        int r = priv_call(ATH_PRIV_ANSWER, id, answer, NULL, 0, &v);
        if (r == -ATH_ENOENT)
            out("privacy: no request %llu waiting (see 'privacy')\n", (unsigned long long)id);
        else if (r)
            out("privacy: %s failed (%s)\n", sub, ath_strerror(r));
        /* done: the service says so on the console ("privacy: request 1: allow once") */
    } else {
        out("privacy: unknown subcommand '%s'; " PRIVACY_USAGE, sub);
    }
}

/* Split a line into words, in place: blanks separate them; '...' keeps
 * everything inside as it is, "..." too but for \" and \\, and a
 * backslash outside quotes keeps the next character. -1 for an unclosed
 * quote; else how many words (at most max). */
int shell_split(char *line, char **argv, int max)
{
    int argc = 0;
    char *p = line, *o = line;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            return argc;
        if (argc == max)
            return max;
        argv[argc++] = o;
        while (*p && *p != ' ' && *p != '\t') {
            char q = *p;
            if (q == '\'' || q == '"') {
                p++;
                while (*p && *p != q) {
                    if (q == '"' && *p == '\\' && (p[1] == '"' || p[1] == '\\'))
                        p++;
                    *o++ = *p++;
                }
                if (!*p)
                    return -1;
                p++;
            } else if (q == '\\' && p[1]) {
                *o++ = p[1];
                p += 2;
            } else {
                *o++ = *p++;
            }
        }
        if (*p)
            p++; /* the blank after it */
        *o++ = '\0'; /* o never passes p: a word only shrinks as it is unquoted */
    }
}

static void run(char *line)
{
    char *argv[32];
    int argc = shell_split(line, argv, 32);
    if (argc < 0) {
        out("unclosed quote\n");
        return;
    }
    if (!argc)
        return;
    struct timespec ts;
    if (!strcmp(argv[0], "help")) {
        out("help | ps | caps <name> | faults | mem | date | uptime | lspci | lsblk | blk read|write ... |\n"
            "ls [path] | cat file... | write file words... | rm path... | mkdir dir... | mv from to | df | sync |\n"
            "start <name> [args...] | kill|restart|reset <name> | inject <name> <fault> | halt | reboot |\n"
            "run [--dir PATH[::GUEST]] [--env NAME=VALUE] [--tcplisten PORT] [--name NAME] <package> [args...] [&] |\n"
            "apps | install <file> [name] | remove <name> | update <name> <package> |\n"
            "autostart [-d <package> | [run's options] <package> [args...]] |\n"
            "ifconfig | ping <IPv4 address> [count] | sockets | host <name> | http get [-i] <url> |\n"
            "privacy [log | once|always|deny <request> | revoke [session]]   (F12: revoke every session)\n");
    } else if (!strcmp(argv[0], "ps")) {
        cmd_ps();
    } else if (!strcmp(argv[0], "mem")) {
        cmd_mem();
    } else if (!strcmp(argv[0], "faults")) {
        cmd_faults();
    } else if (!strcmp(argv[0], "caps") && argc == 2) {
        cmd_caps(argv[1]);
    } else if (!strcmp(argv[0], "date")) {
        clock_gettime(CLOCK_REALTIME, &ts);
        struct tm tm;
        char buf[40];
        gmtime_r(&ts.tv_sec, &tm);
        strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
        out("%s\n", buf);
    } else if (!strcmp(argv[0], "uptime")) {
        clock_gettime(CLOCK_MONOTONIC, &ts);
        out("up %lld.%03ld s\n", (long long)ts.tv_sec, ts.tv_nsec / 1000000);
    } else if (!strcmp(argv[0], "lspci")) {
        cmd_lspci();
    } else if (!strcmp(argv[0], "lsblk")) {
        uint64_t cap = 0;
        int r = ath_call(blk, 1, 0, 0, 0, &cap);
        if (r || ERR_OF(cap))
            out("lsblk: no disk (%d)\n", r ? r : ERR_OF(cap));
        else
            out("disk0  %llu sectors  %llu KiB  (virtio_blk, through block)\n", (unsigned long long)cap,
                (unsigned long long)(cap / 2));
        shell_lsblk_fs();
    } else if (!strcmp(argv[0], "blk")) {
        cmd_blk(argc, argv);
    } else if (!strcmp(argv[0], "privacy")) {
        cmd_privacy(argc, argv);
    } else if (argc >= 2 && (!strcmp(argv[0], "start") || !strcmp(argv[0], "kill") ||
                             !strcmp(argv[0], "restart") || !strcmp(argv[0], "reset") ||
                             !strcmp(argv[0], "inject"))) {
        cmd_comp(argc, argv);
    } else if (shell_file_command(argc, argv) || shell_app_command(argc, argv) ||
               shell_net_command(argc, argv)) {
        /* done */
    } else if (!strcmp(argv[0], "halt") || !strcmp(argv[0], "reboot")) {
        ath_power(shell_manage, !strcmp(argv[0], "halt") ? ATH_POWER_OFF : ATH_POWER_REBOOT);
        out("%s: not allowed\n", argv[0]);
    } else {
        out("unknown command '%s'; try help\n", argv[0]);
    }
}

int main(void)
{
    uart = ath_lookup("uart");
    pci = ath_lookup("pci");
    blk = ath_lookup("block");
    fb = ath_lookup("fb");
    kbd = ath_lookup("ps2kbd");
    priv = ath_lookup("privacy");
    shell_fs = ath_lookup("fs");
    note = ath_notify_create();
    shell_manage = ath_cap_find(ATH_T_COMPONENT, 0);
    logcap = ath_cap_find(ATH_T_LOG, 0);
    /* The screen begins with what the console printed since boot (what is
     * still kept), as a PC's text console does, once the driver has set it
     * up (a carriage return waits for it, harmlessly); a restarted shell
     * goes on from now, not to show it all again. */
    int64_t st = ath_comp_ctl(shell_manage, "shell", ATH_COMP_STATE, 0);
    logpos = st >= 0 && ATH_STATE_GENERATION(st) <= 1 ? 0 : ATH_LOG_END;
    if (logpos == 0 && fb_write("\r", 1, 40) == SCREEN_SHOWN)
        for (int i = 0; i < 16 && show_log(4); i++) /* a flood does not hold the prompt back */
            ;
    out("\nAzoth shell. Type 'help'.\n");
    if (logpos == 0)
        shell_autostart(); /* once a boot: a restarted shell finds them started */
    char line[LINE];
    for (;;) {
        read_line(line);
        if (line[0]) {
            strcpy(history[nhistory++ % HISTORY], line);
            run(line);
        }
    }
}
