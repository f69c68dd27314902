/* Between the shell's parts: shell.c (the command line, the system
 * commands) and files.c (the file commands). */
#ifndef SHELL_H
#define SHELL_H
#include <stdbool.h>

#include <athanor.h>

extern ath_handle_t shell_fs; /* the filesystem service's endpoint */

/* Print to the serial line and the screen (printf's format). */
void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Run argv if it is a file command (ls, cat, write, rm, mkdir, mv, df, sync). */
bool shell_file_command(int argc, char **argv);
/* lsblk's line for the filesystem on the disk. */
void shell_lsblk_fs(void);
#endif
