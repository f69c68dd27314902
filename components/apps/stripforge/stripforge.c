/* Tries to forge the screen's privacy indicator (tests/qemu/privscreen.sh):
 * sets the strip through the framebuffer driver's indicator op, which only
 * the privacy service may use, then draws at the strip through the ops every
 * client has. Exits 0 if the op was refused each time; the screen test
 * checks from the host that the strip's pixels did not change. */
#include <stdio.h>
#include <string.h>

#include <athanor.h>
#include <athanor_privacy.h>

/* Console output aimed above the console's first row: cursor moves the
 * driver does not follow, backspaces and carriage returns past the start of
 * the row, lines that scroll, and text dressed like a marker. */
static const char *const attempts[] = {
    "\x1b[H\x1b[1;1H\x1b[99A\x1b[2J",
    "\r\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\x1b[30;43m LOCATION \x1b[0m",
    "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n",
    "\x1b[30;41m MIC \x1b[0m\x1b[30;43m LOCATION \x1b[0m stripforge: this is the console, not the strip\n",
};

int main(void)
{
    ath_handle_t fb = ath_lookup("fb");
    static const uint64_t kinds[] = { ATH_SENSOR_LOCATION | ATH_SENSOR_MICROPHONE, 0 };
    int refused = 0;
    uint64_t v = 0;
    for (unsigned i = 0; i < sizeof kinds / sizeof *kinds; i++) {
        v = 0;
        int r = ath_call(fb, ATH_FB_INDICATOR, kinds[i], 0, 0, &v);
        printf("stripforge: indicator op (kinds %llu): %s\n", (unsigned long long)kinds[i],
               r ? ath_strerror(r) : (int64_t)v < 0 ? ath_strerror((int)(int64_t)v) : "done");
        refused += r == 0 && (int64_t)v == -ATH_EPERM;
    }
    for (unsigned i = 0; i < sizeof attempts / sizeof *attempts; i++)
        ath_call_msg(fb, 1 /* WRITE */, 0, attempts[i], (uint32_t)strlen(attempts[i]), &v);
    ath_call(fb, 2 /* CLEAR */, 0, 0, 0, &v);
    ath_call_msg(fb, 1, 0, attempts[3], (uint32_t)strlen(attempts[3]), &v);
    printf("stripforge: %d of 2 refused\n", refused);
    return refused == 2 ? 0 : 1;
}
