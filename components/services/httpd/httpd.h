/* The status-page server's parts (docs/network.md, "The status page"):
 * httpd.c serves HTTP/1.1 on the net service's sockets; status.c writes
 * the page and its JSON from what the kernel says about the system. */
#ifndef HTTPD_H
#define HTTPD_H

#include <stdarg.h>
#include <stddef.h>

#include <athanor_net.h>

/* A growing text buffer (malloc'd); a failed allocation marks it failed. */
struct text {
    char  *p;
    size_t len, cap;
    int    failed;
};
void text_add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void text_html(struct text *t, const char *s); /* escaped for HTML */
void text_json(struct text *t, const char *s); /* a JSON string, quoted and escaped */
void text_free(struct text *t);

/* The page (HTML) and the same as JSON. observe: the "observe"
 * capability (component state, faults, capabilities); net: for the
 * interface. */
void status_html(struct text *t, ath_handle_t observe, struct ath_net *net);
void status_json(struct text *t, ath_handle_t observe, struct ath_net *net);

#endif
