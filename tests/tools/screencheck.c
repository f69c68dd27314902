/* Host-side check of a QEMU screendump (binary PPM): is a given text drawn
 * on it, in the framebuffer console's 8x16 font, at some character cell?
 * Every pixel of the text's cells must match: lit where the font has a bit
 * (any colour but the background's), background where it has none.
 * Usage: screencheck SCREEN.ppm TEXT   (exit 0, "screencheck: found ... at
 * column C, row R" if it is there). Built with -I<build>/gen/include for the
 * font header the component uses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <font8x16.h>

int main(int argc, char **argv)
{
    FILE *f = argc == 3 ? fopen(argv[1], "rb") : NULL;
    int w, h, max;
    if (!f || fscanf(f, "P6 %d %d %d", &w, &h, &max) != 3 || fgetc(f) == EOF || w <= 0 || h <= 0) {
        fprintf(stderr, "usage: screencheck SCREEN.ppm TEXT (a binary PPM)\n");
        return 2;
    }
    unsigned char *px = malloc((size_t)w * (size_t)h * 3);
    if (!px || fread(px, 3, (size_t)w * (size_t)h, f) != (size_t)w * (size_t)h)
        return 2;
    const char *text = argv[2];
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
