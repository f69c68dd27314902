/* Between the shell's parts: shell.c (the command line, the system
 * commands), files.c (the file commands) and apps.c (the app commands). */
#ifndef SHELL_H
#define SHELL_H
#include <stdbool.h>

#include <athanor.h>

extern ath_handle_t shell_fs;     /* the filesystem service's endpoint */
extern ath_handle_t shell_manage; /* control of every component */

/* The next key from the serial line or the keyboard, waiting at most
 * wait_ns (and showing the console's output meanwhile); -1 if none came. */
int shell_poll_key(uint64_t wait_ns);
/* Run argv if it is an app command (run, apps, install, remove, update, autostart). */
bool shell_app_command(int argc, char **argv);
/* Start what /apps/autostart lists, in the background (at the first start). */
void shell_autostart(void);
/* Say how background apps that ended did, and give their slots back. */
void shell_reap(void);
/* Split a line into words in place, with quoting: how many, or -1 for an
 * unclosed quote. */
int shell_split(char *line, char **argv, int max);

/* Print to the serial line and the screen (printf's format). */
void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Run argv if it is a file command (ls, cat, write, rm, mkdir, mv, df, sync). */
bool shell_file_command(int argc, char **argv);
/* Sync the whole filesystem (the service's SYNCFS): 0 or a negative errno. */
int64_t shell_syncfs(void);
/* lsblk's line for the filesystem on the disk. */
void shell_lsblk_fs(void);

/* Run argv if it is a network command (ifconfig, ping, sockets, host, http). */
bool shell_net_command(int argc, char **argv);
#endif
