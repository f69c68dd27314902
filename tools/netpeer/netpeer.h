/* netpeer's modes in files of their own (netpeer.c has the rest). */
#ifndef NETPEER_H
#define NETPEER_H
/* A time in ms, clamped to what poll(2) takes. */
#define LIMIT_MS(x) ((x) < 0 ? 0 : (x) > 100000 ? 100000 : (x))
int netpeer_slirp(int argc, char **argv); /* slirp.c: argv after "slirp" */
#endif
