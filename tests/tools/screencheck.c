/* Host-side check of a QEMU screendump (binary PPM): is a given text drawn
 * on it, in the framebuffer console's 8x16 font, at some character cell?
 * Every pixel of the text's cells must match: lit where the font has a bit
 * (any colour but the background's), background where it has none.
 * Usage: screencheck SCREEN.ppm TEXT   (exit 0, "screencheck: found ... at
 * column C, row R" if it is there). Or read one row of cells whole:
 * screencheck -row R SCREEN.ppm prints what every cell of text row R holds,
 * as runs ("1 cells #202020, \" LOCATION \" #000000 on #ffb000, ..."), so
 * a test can compare all of it, the indicator strip's colours included
 * (exit 1 if a cell is neither one colour nor a glyph in two). Built with
 * -I<build>/gen/include for the font header the component uses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <font8x16.h>

static int w, h;
static unsigned char *px;

static unsigned colour(int x, int y)
{
    const unsigned char *p = &px[((size_t)y * (size_t)w + (size_t)x) * 3];
    return (unsigned)p[0] << 16 | (unsigned)p[1] << 8 | p[2];
}

/* The cell at (col, row): its character and colours; fg is ~0u for a cell
 * of one colour (a space). False if it is no glyph of the font. */
static int cell(int col, int row, char *ch, unsigned *fg, unsigned *bg)
{
    int x0 = col * 8, y0 = row * 16;
    *bg = colour(x0, y0);
    *fg = ~0u;
    *ch = ' ';
    for (int y = 0; y < 16; y++)
        for (int x = 0; x < 8; x++)
            if (colour(x0 + x, y0 + y) != *bg)
                goto glyph;
    return 1;
glyph:
    for (int c = 0x21; c < 0x7f; c++) {
        const unsigned char *g = font8x16[c];
        unsigned on = ~0u, off = ~0u;
        int ok = 1;
        for (int y = 0; ok && y < 16; y++)
            for (int x = 0; ok && x < 8; x++) {
                unsigned v = colour(x0 + x, y0 + y), *want = (g[y] & (0x80 >> x)) ? &on : &off;
                if (*want == ~0u)
                    *want = v;
                ok = *want == v;
            }
        if (ok && on != ~0u && off != ~0u && on != off) {
            *ch = (char)c;
            *fg = on;
            *bg = off;
            return 1;
        }
    }
    return 0;
}

/* Row `row` as runs of cells of one background: spaces only ("N cells"),
 * or text in one foreground colour (its spaces included). */
static int show_row(int row)
{
    if (row < 0 || row * 16 + 16 > h)
        return 2;
    printf("screencheck: row %d:", row);
    char text[256];
    int n = 0, bad = 0;
    unsigned run_fg = ~0u, run_bg = ~0u;
    for (int col = 0; col <= w / 8; col++) {
        char ch = 0;
        unsigned fg = ~0u, bg = ~0u;
        int last = col == w / 8;
        if (!last && !cell(col, row, &ch, &fg, &bg)) {
            ch = '?';
            bad = 1;
        }
        /* a run ends where the background changes or a glyph of another colour comes */
        if (n && (last || bg != run_bg || (fg != ~0u && run_fg != ~0u && fg != run_fg))) {
            if (run_fg == ~0u)
                printf(" %d cells #%06x,", n, run_bg);
            else
                printf(" \"%.*s\" #%06x on #%06x,", n, text, run_fg, run_bg);
            n = 0;
            run_fg = ~0u;
        }
        if (last)
            break;
        if (!n)
            run_bg = bg;
        if (fg != ~0u)
            run_fg = fg;
        if (n < (int)sizeof text)
            text[n++] = ch;
    }
    printf("\n");
    return bad;
}

int main(int argc, char **argv)
{
    int dump_row = -1;
    const char *shot = NULL, *text = "";
    if (argc == 4 && !strcmp(argv[1], "-row")) {
        dump_row = atoi(argv[2]);
        shot = argv[3];
    } else if (argc == 3) {
        shot = argv[1];
        text = argv[2];
    }
    FILE *f = shot ? fopen(shot, "rb") : NULL;
    int max;
    if (!f || fscanf(f, "P6 %d %d %d", &w, &h, &max) != 3 || fgetc(f) == EOF || w <= 0 || h <= 0) {
        fprintf(stderr, "usage: screencheck SCREEN.ppm TEXT | screencheck -row R SCREEN.ppm (a binary PPM)\n");
        return 2;
    }
    px = malloc((size_t)w * (size_t)h * 3);
    if (!px || fread(px, 3, (size_t)w * (size_t)h, f) != (size_t)w * (size_t)h)
        return 2;
    if (dump_row >= 0)
        return show_row(dump_row);
    size_t n = strlen(text);
    for (int row = 0; row * 16 + 16 <= h; row++)
        for (int col = 0; (size_t)(col + (int)n) * 8 <= (size_t)w; col++) {
            const unsigned char *bg = &px[((size_t)row * 16 * (size_t)w + (size_t)col * 8) * 3];
            int ok = 1;
            /* the background: the colour of a pixel the first glyph leaves unlit */
            for (size_t i = 0; ok && i < n; i++) {
                const unsigned char *g = font8x16[(unsigned char)text[i] & 0x7f];
                for (int y = 0; ok && y < 16; y++)
                    for (int x = 0; ok && x < 8; x++) {
                        const unsigned char *p =
                            &px[(((size_t)row * 16 + (size_t)y) * (size_t)w + (size_t)(col + (int)i) * 8 + (size_t)x) * 3];
                        int lit = memcmp(p, bg, 3) != 0;
                        ok = lit == !!(g[y] & (0x80 >> x));
                    }
            }
            if (ok && (font8x16[(unsigned char)text[0] & 0x7f][0] & 0x80) == 0) {
                printf("screencheck: found \"%s\" at column %d, row %d\n", text, col, row);
                return 0;
            }
        }
    printf("screencheck: \"%s\" is not on the screen\n", text);
    return 1;
}
