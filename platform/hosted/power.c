/* Hosted power and run control: power off = exit(0), reboot = re-exec,
 * test verdicts = exit statuses (0 pass, 1 fail, 3 kernel fault), an app's
 * exit status (azoth run) and its writes to the process's own streams. */
#include "hosted.h"

#include <athanor/console.h>
#include <athanor/errors.h>

#include <errno.h>

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

noreturn void plat_exit(int status)
{
    console_sync();
    hosted_console_restore();
    _exit(status);
}

int plat_host_write(int stream, const void *buf, size_t n)
{
    if (stream != 1 && stream != 2)
        return -ATH_EINVAL;
    const char *p = buf;
    while (n) {
        ssize_t w = write(stream, p, n);
        if (w < 0 && errno == EINTR)
            continue; /* our interrupts are signals */
        if (w <= 0)
            return -ATH_ENOENT; /* the stream is gone (closed) */
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

noreturn void plat_reboot(void)
{
    console_sync();
    hosted_console_restore();
    execv("/proc/self/exe", hosted_argv);
    _exit(1);
}

/* With AZOTH_CRASH_LOG=dir, a run that fails leaves the console's last
 * output in dir/crash-PID.log (under a fuzzer the output goes nowhere), and
 * the sanitizer's report too when a sanitizer stopped it. */
static const char *san_report; /* ASan hands its report over before dying */

static void write_crash_log(const char *why)
{
    const char *dir = getenv("AZOTH_CRASH_LOG");
    if (!dir)
        return;
    char path[512];
    snprintf(path, sizeof path, "%s/crash-%d.log", dir, (int)getpid());
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return;
    hosted_console_write_tail(fd);
    dprintf(fd, "\n--- %s\n", why);
    if (san_report)
        dprintf(fd, "%s\n", san_report);
    close(fd);
}

/* The sanitizers' hooks, weak: only the sanitized builds have them. A
 * report from ASan or UBSan then ends in the crash log instead of a
 * stderr nobody reads (it cannot go to a log_path: ASan warns there on
 * every run about the kernel's stack switches). */
void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));
void __asan_set_error_report_callback(void (*cb)(const char *)) __attribute__((weak));

static void san_keep_report(const char *report)
{
    san_report = report;
}

static void san_dying(void)
{
    write_crash_log("a sanitizer stopped the run (replay it under build/hosted-san for the report)");
}

void hosted_crash_log_init(void)
{
    if (!getenv("AZOTH_CRASH_LOG"))
        return;
    hosted_console_keep_tail();
    if (__asan_set_error_report_callback)
        __asan_set_error_report_callback(san_keep_report);
    if (__sanitizer_set_death_callback)
        __sanitizer_set_death_callback(san_dying);
}

/* Under a fuzzer, a failed run must look like a crash (a signal). */
static void abort_if_fuzzing(void)
{
    if (!getenv("AZOTH_ABORT_ON_FAIL"))
        return;
    write_crash_log("the kernel reported a failure");
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
