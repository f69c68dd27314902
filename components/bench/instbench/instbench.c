/* instbench: a component with 1 MiB of linear memory that exits at once;
 * its start measures instantiation. */
int main(void)
{
    return 0;
}
