/* Framebuffer console on QEMU's standard VGA (Bochs "dispi" interface): it
 * claims the device (1234:1111) from the PCI service, which hands it the
 * framebuffer BAR and the register BAR, sets 800x600 at 32 bits per pixel,
 * and draws text with an 8x16 font (Debian's console-setup-linux, made into
 * a header at build time) in a 100x36 grid: scrolling, a cursor, colours
 * (ANSI SGR 30-37/40-47/1/0), erasing to the end of the line (ESC [ K).
 * Rows are drawn whole, one block write each, once per WRITE however many
 * times it changed them. The top 16 pixel rows are the privacy indicator's
 * strip (docs/privacy.md): no client's drawing reaches them, and only the
 * privacy service says what they show.
 *   op 1 WRITE   with ath_call_msg: the message's bytes -> 0
 *   op 2 CLEAR   -> 0
 *   op ATH_FB_INDICATOR(kinds)  (the privacy service only) -> 0 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <athanor.h>
#include <athanor_privacy.h>
#include <font8x16.h>

#define W 800
#define H 600
#define STRIP 16 /* pixel rows at the top: the indicator's, never the console's */
#define COLS (W / 8)
#define ROWS ((H - STRIP) / 16)
#define MIN(a, b) ((a) < (b) ? (a) : (b))
enum { OP_WRITE = 1, OP_CLEAR = 2 };
enum { PCI_CLAIM = 7, PCI_GRANT_BAR = 8 };
/* Bochs dispi registers, 16 bits each, in the register BAR at 0x500 */
enum { DISPI_ID = 0, DISPI_XRES, DISPI_YRES, DISPI_BPP, DISPI_ENABLE };
#define DISPI_ENABLED 0x01
#define DISPI_LFB     0x40
#define VGA_IO        0x400 /* VGA ports 0x3c0-0x3df, in the register BAR */

static ath_handle_t pci, fbmem, regs;
static struct cell { unsigned char ch, attr; } text[ROWS][COLS];
static unsigned cx, cy;
static unsigned char attr = 0x07; /* fg 7 (light grey) on bg 0 */
static uint32_t rowpix[16 * W], strippix[STRIP * W];
static unsigned indicated; /* ATH_SENSOR_* kinds the strip shows */
static unsigned char msgbuf[256];
static int esc, escval, escarg;

static const uint32_t palette[16] = {
    0x000000, 0xaa0000, 0x00aa00, 0xaa5500, 0x0000aa, 0xaa00aa, 0x00aaaa, 0xaaaaaa,
    0x555555, 0xff5555, 0x55ff55, 0xffff55, 0x5555ff, 0xff55ff, 0x55ffff, 0xffffff,
};

/* One character into a 16-pixel-high band of pixels, at pixel column x. */
static void glyph(uint32_t *band, unsigned x, unsigned char ch, uint32_t fg, uint32_t bg)
{
    const unsigned char *g = font8x16[ch & 0x7f];
    for (unsigned y = 0; y < 16; y++)
        for (unsigned i = 0; i < 8; i++)
            band[y * W + x + i] = (g[y] & (0x80 >> i)) ? fg : bg;
}

/* Every pixel a client's WRITE or CLEAR puts on the screen goes through
 * here: whatever the row, nothing lands above the console's area (the
 * strip) or past the screen's end. */
static void console_blit(unsigned y, const uint32_t *px, unsigned rows)
{
    if (y < STRIP || y + rows > H)
        return;
    ath_mmio_write_block(fbmem, (uint64_t)y * W * 4, px, (size_t)rows * W * 4);
}

static void draw_row(unsigned r)
{
    for (unsigned c = 0; c < COLS; c++) {
        const struct cell *cl = &text[r][c];
        uint32_t fg = palette[cl->attr & 15], bg = palette[cl->attr >> 4];
        if (r == cy && c == MIN(cx, COLS - 1)) { /* the cursor: the cell inverted */
            uint32_t t = fg;
            fg = bg;
            bg = t;
        }
        glyph(rowpix, c * 8, cl->ch, fg, bg);
    }
    console_blit(STRIP + r * 16, rowpix, 16);
}

/* The strip: its own background, not the console's black, so it reads as
 * the system's and not a line of text; then a label per sensor kind in
 * use, black on a colour no console text has (the palette above lacks
 * both), left to right. Empty: no sensor is in use. */
#define STRIP_BG 0x202020
static const struct { unsigned kind; const char *label; uint32_t colour; } markers[] = {
    { ATH_SENSOR_LOCATION, "LOCATION", 0xffb000 },
    { ATH_SENSOR_MICROPHONE, "MIC", 0xff3030 },
};

static void draw_strip(void)
{
    for (unsigned i = 0; i < STRIP * W; i++)
        strippix[i] = STRIP_BG;
    unsigned x = 8;
    for (unsigned m = 0; m < sizeof markers / sizeof *markers; m++) {
        if (!(indicated & markers[m].kind))
            continue;
        size_t n = strlen(markers[m].label);
        glyph(strippix, x, ' ', 0, markers[m].colour); /* a cell of margin each side */
        for (size_t i = 0; i < n; i++)
            glyph(strippix, x + 8 * (unsigned)(i + 1), (unsigned char)markers[m].label[i], 0, markers[m].colour);
        glyph(strippix, x + 8 * (unsigned)(n + 1), ' ', 0, markers[m].colour);
        x += 8 * (unsigned)(n + 3);
    }
    ath_mmio_write_block(fbmem, 0, strippix, sizeof strippix);
}

static void clear(void)
{
    for (unsigned r = 0; r < ROWS; r++)
        for (unsigned c = 0; c < COLS; c++)
            text[r][c] = (struct cell){ ' ', attr };
    cx = cy = 0;
    for (unsigned r = 0; r < ROWS; r++)
        draw_row(r);
}

/* The text moves up a row; the caller redraws (every row is dirty). */
static void scroll(void)
{
    memmove(text[0], text[1], sizeof text - sizeof text[0]);
    for (unsigned c = 0; c < COLS; c++)
        text[ROWS - 1][c] = (struct cell){ ' ', attr };
}

/* One byte of output. Rows touched are noted in `dirty`. */
static void put(unsigned char ch, uint64_t *dirty)
{
    if (esc == 1) { /* after ESC: only CSI sequences */
        esc = ch == '[' ? 2 : 0;
        escval = escarg = 0;
        return;
    }
    if (esc == 2) {
        if (ch >= '0' && ch <= '9') {
            escval = escval * 10 + (ch - '0');
            escarg = 1;
            return;
        }
        if (ch == 'K') { /* erase from the cursor to the end of the line */
            for (unsigned c = cx; c < COLS; c++)
                text[cy][c] = (struct cell){ ' ', attr };
            *dirty |= 1ull << (cy % 64);
            esc = 0;
            return;
        }
        if (ch == ';' || ch == 'm') {
            int v = escarg ? escval : 0;
            if (v == 0)
                attr = 0x07;
            else if (v == 1)
                attr |= 0x08;
            else if (v >= 30 && v <= 37)
                attr = (unsigned char)((attr & 0xf8) | (v - 30));
            else if (v >= 40 && v <= 47)
                attr = (unsigned char)((attr & 0x0f) | (v - 40) << 4);
            escval = escarg = 0;
            if (ch == 'm')
                esc = 0;
            return;
        }
        esc = 0; /* anything else ends it, unhandled */
        return;
    }
    *dirty |= 1ull << (cy % 64);
    switch (ch) {
    case 0x1b:
        esc = 1;
        return;
    case '\r':
        cx = 0;
        break;
    case '\n':
        cx = 0;
        cy++;
        break;
    case '\b':
        if (cx)
            cx--;
        break;
    case '\t':
        cx = MIN((cx + 8) & ~7u, COLS);
        break;
    default:
        if (ch < 0x20 || ch >= 0x7f)
            return;
        /* A full line wraps when the next character comes, not at once
         * (as a terminal does): a newline right after it is one line
         * break, not two, and a backspace stays on the line. */
        if (cx >= COLS) {
            cx = 0;
            if (++cy >= ROWS) {
                scroll();
                cy = ROWS - 1;
                *dirty = ~0ull;
            }
        }
        text[cy][cx++] = (struct cell){ ch, attr };
        break;
    }
    if (cy >= ROWS) {
        scroll();
        cy = ROWS - 1;
        *dirty = ~0ull; /* every row moved: drawn once, at the end of the write */
    }
    *dirty |= 1ull << (cy % 64);
}

ATH_HANDLER uint64_t ath_handle(uint64_t badge, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
    (void)badge, (void)a2;
    if (op == ATH_OP_PROBE)
        return ath_probe_outside();
    if (op == ATH_FB_INDICATOR) {
        /* the strip's one writer, as the kernel names the caller (the
         * manifest lets the privacy service call us as well) */
        if (!ath_caller_is("privacy"))
            return (uint64_t)(int64_t)-ATH_EPERM;
        if (a0 & ~(uint64_t)(ATH_SENSOR_LOCATION | ATH_SENSOR_MICROPHONE))
            return (uint64_t)(int64_t)-ATH_EINVAL;
        indicated = (unsigned)a0;
        draw_strip();
        return 0;
    }
    if (op == OP_CLEAR) {
        clear();
        return 0;
    }
    if (op != OP_WRITE)
        return (uint64_t)(int64_t)-ATH_ENOSYS;
    uint64_t dirty = 0;
    unsigned old_cy = cy;
    for (uint64_t i = 0; i < a1 && i < sizeof msgbuf; i++)
        put(msgbuf[i], &dirty);
    dirty |= 1ull << (old_cy % 64); /* the cursor left it */
    for (unsigned r = 0; r < ROWS; r++)
        if (dirty & (1ull << (r % 64)))
            draw_row(r);
    return 0;
}

static int setup(void)
{
    uint64_t dev = 0, h = 0;
    pci = ath_cap_find(ATH_T_ENDPOINT, 0); /* calls = ["pci"] */
    int r;
    for (int tries = 0;; tries++) { /* the PCI service starts at boot too */
        r = ath_call(pci, PCI_CLAIM, 0x11111234u, 0, 0, &dev);
        if (r != -ATH_EPEERFAILED || tries == 100)
            break;
        struct timespec ts = { 0, 100000000 };
        nanosleep(&ts, NULL);
    }
    if (r || (int64_t)dev < 0)
        return r ? r : (int)(int64_t)dev;
    if ((r = ath_call(pci, PCI_GRANT_BAR, dev, 0, 0, &h)) || (int64_t)h < 0)
        return r ? r : (int)(int64_t)h;
    fbmem = (ath_handle_t)h;
    if ((r = ath_call(pci, PCI_GRANT_BAR, dev, 2, 0, &h)) || (int64_t)h < 0)
        return r ? r : (int)(int64_t)h;
    regs = (ath_handle_t)h;
    uint64_t id = 0;
    ath_mmio_read(regs, 0x500 + 2 * DISPI_ID, 2, &id);
    if ((id & 0xfff0) != 0xb0c0)
        return -ATH_ENOSYS; /* no Bochs dispi interface */
    ath_mmio_write(regs, 0x500 + 2 * DISPI_ENABLE, 2, 0);
    ath_mmio_write(regs, 0x500 + 2 * DISPI_XRES, 2, W);
    ath_mmio_write(regs, 0x500 + 2 * DISPI_YRES, 2, H);
    ath_mmio_write(regs, 0x500 + 2 * DISPI_BPP, 2, 32);
    ath_mmio_write(regs, 0x500 + 2 * DISPI_ENABLE, 2, DISPI_ENABLED | DISPI_LFB);
    uint64_t ignored;
    ath_mmio_read(regs, VGA_IO + 0x1a, 1, &ignored); /* reset the attribute flip-flop, */
    ath_mmio_write(regs, VGA_IO + 0x00, 1, 0x20);    /* and unblank: palette access off */
    return 0;
}

int main(void)
{
    int r = setup();
    if (r) {
        printf("fb: no usable display (%d)\n", r);
        return r == -ATH_ENOENT ? 0 : 1;
    }
    /* Empty until the privacy service says otherwise: after a restart it
     * tells this new instance again (components/services/privacy). */
    draw_strip();
    clear();
    if (ath_set_msgbuf(msgbuf, sizeof msgbuf) != 0)
        return 1;
    printf("fb: %ux%u, %ux%u text, serving\n", W, H, COLS, ROWS);
    return ath_serve();
}
