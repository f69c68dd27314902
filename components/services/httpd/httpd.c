/* httpd: the status page (docs/network.md, "The status page"). HTTP/1.1 on
 * port 80 through the net service's sockets, one thread, nothing blocking:
 * every connection waits in one ath_net_wait. Requests are parsed by
 * http-parser (Debian's http-parser source package); GET and HEAD of "/"
 * (the page) and "/status.json"; keep-alive, one request at a time per
 * connection (a pipelined next one waits in the parser until the answer
 * is out). What it may do: listen on port 80 (its manifest's net key) and
 * read, never change, the components' state ("observe"). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http_parser.h"

#include "httpd.h"

#define PORT      80
#define CONNS     40
#define REQ_MAX   8192                      /* a request's line and headers, in bytes */
#define IDLE_NS   (30ull * 1000000000ull)   /* an idle connection closes */
#define URL_MAX   256

struct conn {
    int         s;
    http_parser p;
    char        url[URL_MAX];
    size_t      url_len;
    bool        url_long, done, keep_alive, closing;
    size_t      req_bytes;                 /* of the request being parsed */
    char        in[4096];                  /* received, not yet parsed (parser paused) */
    size_t      in_len;
    struct text out;                       /* the answer being sent */
    size_t      out_at;
    uint64_t    last;
};

static struct ath_net net;
static ath_handle_t   observe;
static struct conn   *conns[CONNS];
static unsigned       nconns;
static uint64_t       served;

static int on_url(http_parser *p, const char *at, size_t n)
{
    struct conn *c = p->data;
    if (c->url_len + n >= URL_MAX)
        c->url_long = true;
    else {
        memcpy(c->url + c->url_len, at, n);
        c->url_len += n;
        c->url[c->url_len] = '\0';
    }
    return 0;
}

static int on_message_begin(http_parser *p)
{
    struct conn *c = p->data;
    c->url_len = 0, c->url[0] = '\0', c->url_long = false, c->req_bytes = 0;
    return 0;
}

static int on_message_complete(http_parser *p)
{
    struct conn *c = p->data;
    c->done = true;
    c->keep_alive = http_should_keep_alive(p);
    http_parser_pause(p, 1); /* one at a time: the next waits for this one's answer */
    return 0;
}

static http_parser_settings settings = {
    .on_message_begin = on_message_begin,
    .on_url = on_url,
    .on_message_complete = on_message_complete,
};

static void respond(struct conn *c, int code, const char *reason, const char *type, struct text *body,
                    bool head, const char *extra)
{
    text_add(&c->out,
             "HTTP/1.1 %d %s\r\nServer: Azoth httpd\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
             "Cache-Control: no-store\r\nConnection: %s\r\n%s\r\n",
             code, reason, type, body ? body->len : 0, c->keep_alive && !c->closing ? "keep-alive" : "close",
             extra ? extra : "");
    if (body && !head && body->len)
        text_add(&c->out, "%.*s", (int)body->len, body->p);
    c->out_at = 0;
    if (c->out.failed) { /* no memory for the answer: the connection goes */
        text_free(&c->out);
        c->closing = true;
    }
}

static void error_page(struct conn *c, int code, const char *reason, const char *extra)
{
    struct text b = { 0 };
    text_add(&b, "<!DOCTYPE html><html><head><title>%d %s</title></head><body><h1>%d %s</h1></body></html>\n",
             code, reason, code, reason);
    respond(c, code, reason, "text/html; charset=utf-8", &b, c->p.method == HTTP_HEAD, extra);
    text_free(&b);
}

/* The request c->p parsed: its answer into c->out. */
static void answer(struct conn *c)
{
    bool head = c->p.method == HTTP_HEAD;
    if (c->p.method != HTTP_GET && !head) {
        error_page(c, 405, "Method Not Allowed", "Allow: GET, HEAD\r\n");
        return;
    }
    char *q = strchr(c->url, '?'); /* a query is ignored */
    if (q)
        *q = '\0';
    struct text b = { 0 };
    if (c->url_long)
        error_page(c, 414, "URI Too Long", NULL);
    else if (!strcmp(c->url, "/") || !strcmp(c->url, "/index.html")) {
        status_html(&b, observe, &net);
        respond(c, 200, "OK", "text/html; charset=utf-8", &b, head, NULL);
    } else if (!strcmp(c->url, "/health")) { /* for load balancers, and the load test: no work */
        text_add(&b, "ok\n");
        respond(c, 200, "OK", "text/plain", &b, head, NULL);
    } else if (!strcmp(c->url, "/status.json")) {
        status_json(&b, observe, &net);
        respond(c, 200, "OK", "application/json", &b, head, NULL);
    } else
        error_page(c, 404, "Not Found", NULL);
    text_free(&b);
    served++;
}

/* Feed what waits in c->in to the parser; answer a complete request. */
static void parse(struct conn *c, bool eof)
{
    if (c->out.len || c->closing)
        return; /* an answer is on its way: the rest waits */
    if (HTTP_PARSER_ERRNO(&c->p) == HPE_PAUSED)
        http_parser_pause(&c->p, 0);
    size_t used = http_parser_execute(&c->p, &settings, c->in, eof && !c->in_len ? 0 : c->in_len);
    enum http_errno e = HTTP_PARSER_ERRNO(&c->p);
    c->req_bytes += used;
    memmove(c->in, c->in + used, c->in_len - used);
    c->in_len -= used;
    if (c->done) {
        c->done = false;
        answer(c);
        if (!c->keep_alive)
            c->closing = true;
    } else if (e != HPE_OK && e != HPE_PAUSED) {
        c->keep_alive = false;
        c->closing = true;
        error_page(c, 400, "Bad Request", NULL);
    } else if (c->req_bytes > REQ_MAX || c->in_len == sizeof c->in) {
        c->keep_alive = false;
        c->closing = true;
        error_page(c, 431, "Request Header Fields Too Large", NULL);
    } else if (eof)
        c->closing = true; /* the client is done, and sent no whole request */
}

static void conn_close(unsigned i)
{
    struct conn *c = conns[i];
    ath_sock_close(&net, c->s);
    text_free(&c->out);
    free(c);
    conns[i] = conns[--nconns];
}

static int listener(void)
{
    for (int tries = 0;; tries++) {
        int l = ath_sock_listen_on(&net, NET_TCP, PORT, NET_BACKLOG_MAX);
        if (l >= 0) {
            printf("httpd: serving the status page on port %d\n", PORT);
            return l;
        }
        if (tries % 50 == 0)
            printf("httpd: cannot listen on port %d yet: %s\n", PORT, ath_strerror(-l));
        struct timespec ts = { 0, 200000000 };
        nanosleep(&ts, NULL);
    }
}

int main(void)
{
    observe = ath_cap_find(ATH_T_COMPONENT, 0);
    int e;
    while ((e = ath_net_open(&net)) != 0) { /* the net service starts at boot too */
        struct timespec ts = { 0, 200000000 };
        nanosleep(&ts, NULL);
    }
    int l = listener();
    for (;;) {
        struct ath_net_poll p[CONNS + 1];
        uint64_t now = ath_now_ns(), wake = now + IDLE_NS;
        p[0] = (struct ath_net_poll){ l, NET_POLLIN, 0 };
        for (unsigned i = 0; i < nconns; i++) {
            p[i + 1] = (struct ath_net_poll){ conns[i]->s, conns[i]->out.len ? NET_POLLOUT : NET_POLLIN, 0 };
            if (conns[i]->last + IDLE_NS < wake)
                wake = conns[i]->last + IDLE_NS;
        }
        int r = ath_net_wait(&net, p, nconns + 1, wake > now ? wake - now : 0);
        if (r == -ATH_ECONNRESET) { /* the net service restarted: every socket is gone */
            while (nconns)
                conn_close(0);
            l = listener();
            continue;
        }
        now = ath_now_ns();
        for (unsigned i = 0; i < nconns; i++) {
            struct conn *c = conns[i];
            bool eof = false;
            if (p[i + 1].got & (NET_POLLIN | NET_POLLHUP | NET_POLLERR)) {
                long k = ath_sock_recv(&net, c->s, c->in + c->in_len, sizeof c->in - c->in_len);
                if (k > 0)
                    c->in_len += (size_t)k, c->last = now;
                else if (k == 0)
                    eof = true;
                else if (k != -ATH_EAGAIN)
                    c->closing = true, text_free(&c->out);
                parse(c, eof);
            }
            while (c->out.len) { /* send what the socket takes */
                long k = ath_sock_send(&net, c->s, c->out.p + c->out_at, c->out.len - c->out_at);
                if (k == -ATH_EAGAIN)
                    break;
                if (k < 0) {
                    c->closing = true;
                    text_free(&c->out);
                    break;
                }
                c->out_at += (size_t)k, c->last = now;
                if (c->out_at == c->out.len) {
                    text_free(&c->out);
                    parse(c, false); /* a pipelined request may be waiting */
                }
            }
            if ((c->closing && !c->out.len) || now - c->last > IDLE_NS) {
                conn_close(i);
                p[i + 1] = p[nconns + 1];
                i--;
            }
        }
        if (p[0].got & NET_POLLIN) {
            int s;
            while ((s = ath_sock_accept(&net, l)) >= 0) {
                struct conn *c = nconns < CONNS ? calloc(1, sizeof *c) : NULL;
                if (!c) { /* full: this one goes at once */
                    ath_sock_close(&net, s);
                    continue;
                }
                c->s = s;
                c->last = now;
                http_parser_init(&c->p, HTTP_REQUEST);
                c->p.data = c;
                conns[nconns++] = c;
            }
            if (s != -ATH_EAGAIN && s < 0 && s != -ATH_EQUOTA)
                printf("httpd: accept: %s\n", ath_strerror(-s));
        }
        (void)served;
    }
}
