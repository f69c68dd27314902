/* Hosted power and run control: power off = exit(0), reboot = re-exec,
 * test verdicts = exit statuses (0 pass, 1 fail, 3 kernel fault). */
#include "hosted.h"

#include <athanor/console.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

noreturn void plat_poweroff(void)
{
    console_sync();
    hosted_console_restore();
    _exit(0);
}

noreturn void plat_reboot(void)
{
    console_sync();
    hosted_console_restore();
    execv("/proc/self/exe", hosted_argv);
    _exit(1);
}

/* Under a fuzzer, a failed run must look like a crash (a signal); its
 * output went nowhere, so with AZOTH_CRASH_LOG=dir the console's last
 * output is left in dir/crash-PID.log first. */
static void abort_if_fuzzing(void)
{
    if (!getenv("AZOTH_ABORT_ON_FAIL"))
        return;
    const char *dir = getenv("AZOTH_CRASH_LOG");
    if (dir) {
        char path[512];
        snprintf(path, sizeof path, "%s/crash-%d.log", dir, (int)getpid());
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            hosted_console_write_tail(fd);
            close(fd);
        }
    }
    abort();
}

noreturn void plat_test_exit(enum plat_test_status st)
{
    console_sync();
    hosted_console_restore();
    if (st != PLAT_TEST_PASS)
        abort_if_fuzzing();
    /* exit(), not _exit(): sanitizers run their leak checks at exit. */
    exit(st == PLAT_TEST_PASS ? 0 : st == PLAT_TEST_FAIL ? 1 : 3);
}

noreturn void plat_fatal_stop(void)
{
    console_sync();
    hosted_console_restore();
    abort_if_fuzzing();
    _exit(hosted_test_mode() ? 3 : 2);
}
