/* faulty: runs briefly, then traps (unreachable). Its manifest entry
 * restarts it on failure, so it shows restarts with new generations and the
 * manager giving up once the restart rate is exceeded. */
#include <stdio.h>

__attribute__((noinline)) static void give_up(void)
{
    __builtin_trap();
}

int main(void)
{
    printf("faulty: started\n");
    give_up();
    return 0;
}
