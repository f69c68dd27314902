/* trapbench: traps as soon as it starts; its manifest restarts it, which
 * measures trap-to-restarted time. */
int main(void)
{
    __builtin_trap();
}
