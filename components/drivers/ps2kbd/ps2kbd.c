/* PS/2 keyboard driver: the i8042 controller's ports (0x60, 0x64) and the
 * keyboard's line (1) are all it holds. Scancodes (set 1, as the
 * controller translates them) become characters of a US layout, with shift,
 * caps lock and ctrl; the arrow keys become the terminal's ESC [ A/B/C/D,
 * the function keys a VT220's ESC [ n ~ (F12, ESC [ 24 ~, is the shell's
 * "revoke every sensor session").
 * The same reading interface as the UART driver:
 *   op 2 READ(ms)         up to 7 bytes (count | byte0 << 8 ...), waiting up to ms
 *   op 3 SUBSCRIBE(bits)  with ath_call_grant of a notification to bind the line to */
#include <stdbool.h>
#include <stdio.h>

#include <athanor.h>
#include <athanor_input.h>

#define DATA 0x60
#define STATUS 0x64
#define ERR(e) ((uint64_t)(int64_t)-(e))
enum { OP_READ = 2, OP_SUBSCRIBE = 3 };

static ath_handle_t io_data, io_status;
static bool shift, ctrl, caps, extended;
static struct ath_input input;

static const char normal[0x3a] = {
    0, 27, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', 0x7f, '\t',
    'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\r', 0, 'a', 's',
    'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`', 0, '\\', 'z', 'x', 'c', 'v',
    'b', 'n', 'm', ',', '.', '/', 0, '*', 0, ' ',
};
static const char shifted[0x3a] = {
    0, 27, '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', 0x7f, '\t',
    'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\r', 0, 'A', 'S',
    'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~', 0, '|', 'Z', 'X', 'C', 'V',
    'B', 'N', 'M', '<', '>', '?', 0, '*', 0, ' ',
};

static void emit(unsigned char c)
{
    ath_input_put(&input, c);
}

/* F1-F12 (set 1: 0x3b-0x44, 0x57, 0x58) as a VT220 numbers them in
 * ESC [ n ~, which xterm sends for F5-F12 too; 0: not a function key. */
static unsigned fkey(uint8_t key)
{
    static const uint8_t f1_f10[] = { 11, 12, 13, 14, 15, 17, 18, 19, 20, 21 };
    if (key >= 0x3b && key <= 0x44)
        return f1_f10[key - 0x3b];
    return key == 0x57 ? 23 : key == 0x58 ? 24 : 0;
}

static void scancode(uint8_t sc)
{
    if (sc == 0xe0) {
        extended = true;
        return;
    }
    bool release = sc & 0x80;
    uint8_t key = sc & 0x7f;
    bool ext = extended;
    extended = false;
    if (key == 0x2a || key == 0x36) { /* shifts */
        shift = !release;
        return;
    }
    if (key == 0x1d) { /* ctrl (left, or right with the prefix) */
        ctrl = !release;
        return;
    }
    if (release)
        return;
    if (key == 0x3a) {
        caps = !caps;
        return;
    }
    if (ext) { /* arrows: what a terminal sends */
        char a = key == 0x48 ? 'A' : key == 0x50 ? 'B' : key == 0x4d ? 'C' : key == 0x4b ? 'D' : 0;
        if (a) {
            emit(27);
            emit('[');
            emit((unsigned char)a);
        }
        return;
    }
    unsigned f = fkey(key);
    if (f) { /* at most 5 bytes: drain leaves room for 8 */
        emit(27);
        emit('[');
        emit((unsigned char)('0' + f / 10));
        emit((unsigned char)('0' + f % 10));
        emit('~');
        return;
    }
    if (key >= sizeof normal)
        return;
    char c = shift ? shifted[key] : normal[key];
    if (caps && c >= 'a' && c <= 'z' && !shift)
        c = (char)(c - 'a' + 'A');
    else if (caps && c >= 'A' && c <= 'Z' && shift)
        c = (char)(c - 'A' + 'a');
    if (ctrl && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
        c = (char)((c & 0x1f)); /* Ctrl-C is 3, Ctrl-U 21 */
    if (c)
        emit((unsigned char)c);
}

static void drain(struct ath_input *in)
{
    uint8_t st, sc;
    /* a key can become a few bytes (an escape sequence): leave it in the
     * controller unless they fit */
    for (int i = 0; i < 64 && ath_input_room(in) >= 8 && ath_inb(io_status, STATUS, &st) == 0 && (st & 1); i++)
        if (ath_inb(io_data, DATA, &sc) == 0 && !(st & 0x20)) /* 0x20: from the mouse port */
            scancode(sc);
}

ATH_HANDLER uint64_t ath_handle(uint64_t badge, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
    (void)badge, (void)a1;
    if (op == ATH_OP_PROBE)
        return ath_probe_outside();
    if (op == OP_READ)
        return ath_input_read(&input, a0);
    if (op == OP_SUBSCRIBE)
        return ath_input_subscribe(&input, a0, (ath_handle_t)a2);
    return ERR(ATH_ENOSYS);
}

int main(void)
{
    io_data = ath_cap_find(ATH_T_IOPORT, 0);
    io_status = ath_cap_find(ATH_T_IOPORT, 1);
    input.drain = drain;
    input.irq = ath_cap_find(ATH_T_IRQ, 0);
    input.note = ath_notify_create();
    uint8_t st = 0xff;
    if (io_status < 0 || ath_inb(io_status, STATUS, &st) != 0 || st == 0xff) {
        printf("ps2kbd: no i8042 controller\n");
        return 0;
    }
    int r = ath_irq_bind(input.irq, input.note, 1);
    if (r) {
        printf("ps2kbd: cannot take the keyboard's line (%d)\n", r);
        return r == -ATH_ENOSYS ? 0 : 1;
    }
    ath_irq_ack(input.irq); /* before the drain: see athanor_input.h */
    drain(&input); /* whatever was typed before: dropped */
    input.head = input.tail = 0;
    printf("ps2kbd: serving\n");
    return ath_serve();
}
