/* What libext2fs asks of a POSIX system that WASI does not have. WASI has
 * no processes and no users: the service is one instance, the only writer
 * of its disk, and who may reach which files is decided by capabilities,
 * not by user ids. */
#include <sys/types.h>
#include <unistd.h>

/* Multi-mount protection (mmp.c) writes the writer's pid into the MMP block
 * for an administrator to read; 1 names this service there. */
pid_t getpid(void)
{
    return 1;
}

/* Files the service creates belong to root, as mke2fs -d's do. */
uid_t getuid(void)
{
    return 0;
}
