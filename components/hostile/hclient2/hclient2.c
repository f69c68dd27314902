/* hclient2: hclient's code under a second manifest entry (no CPU budget,
 * the manage capability), so two clients can attack at once. */
#include "../hclient/hclient.c"
