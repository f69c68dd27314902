/* The kernel monitor's console loop: prompt, line editing (backspace, ^U,
 * ^C), and dispatch to the command table in commands.c. The console when no
 * shell runs (the shell component takes it with the UART driver), and the
 * tests' scripted sessions. */
#include <athanor/console.h>
#include <athanor/kernel.h>
#include <athanor/klib.h>

#define LINE_MAX 128
#define PROMPT   "azoth> "

/* Read one line, echoing as we go; returns its length, or -1 when the console
 * input has ended. Escape sequences (arrow keys) are swallowed so they cannot
 * end up inside a command. */
static long read_line(char *buf, size_t cap)
{
    size_t n = 0;
    int esc = 0; /* 1 after ESC, 2 inside CSI */
    for (;;) {
        int c = console_getc();
        if (c == CONSOLE_EOF)
            return -1;
        if (esc == 1) {
            esc = c == '[' ? 2 : 0;
            continue;
        }
        if (esc == 2) {
            if (c >= 0x40 && c <= 0x7e)
                esc = 0;
            continue;
        }
        switch (c) {
        case '\r':
        case '\n':
            console_write("\r\n", 2);
            buf[n] = '\0';
            return (long)n;
        case 0x1b:
            esc = 1;
            break;
        case 0x7f:
        case '\b':
            if (n) {
                n--;
                console_write("\b \b", 3);
            }
            break;
        case 0x15: /* ^U: kill line */
            while (n) {
                n--;
                console_write("\b \b", 3);
            }
            break;
        case 0x03: /* ^C: abandon line */
            console_write("^C\r\n", 4);
            buf[0] = '\0';
            return 0;
        default:
            if (c >= 0x20 && c < 0x7f && n + 1 < cap) {
                buf[n++] = (char)c;
                char ch = (char)c;
                console_write(&ch, 1);
            }
            break;
        }
    }
}

void monitor_thread(void *arg)
{
    (void)arg;
    char line[LINE_MAX];
    kprintf("Kernel monitor ready. Type 'help' for commands.\n");
    for (;;) {
        console_write(PROMPT, sizeof PROMPT - 1);
        long n = read_line(line, sizeof line);
        if (n < 0) {
            kprintf("\nazoth: console input closed, powering off\n");
            plat_poweroff();
        }
        /* A CR LF pair from a terminal gives an empty second line: skip it. */
        if (n == 0)
            continue;
        monitor_exec(line);
    }
}
