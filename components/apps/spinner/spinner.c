/* spinner: loops forever without yielding; only preemption and its CPU
 * budget watchdog can stop it. */
#include <stdio.h>

int main(void)
{
    printf("spinner: spinning\n");
    volatile unsigned long n = 0;
    for (;;)
        n++;
}
