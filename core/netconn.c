/*
 * netconn.c - a TCP or TLS byte stream: libcurl connects, then hands over.
 *
 * Owns the connection's own libcurl multi and easy handles. The easy
 * handle runs with CURLOPT_CONNECT_ONLY, so libcurl does DNS, TCP and TLS
 * (and honours the CA options) and stops there; from then on bytes move
 * with curl_easy_send and curl_easy_recv. The easy handle stays in its
 * multi until destroy, because removing a connect-only handle from a
 * multi closes its connection.
 */
#include "netconn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "xgate/buf.h"

#define MAX_CURL_WATCHES           4
#define DEFAULT_CONNECT_TIMEOUT_MS 10000
#define WHY_MAX                    160

struct xg__netconn {
    xg__netconn_state state;
    CURLM *multi;
    CURL *easy;
    int in_multi;
    curl_socket_t sock; /* once libcurl handed over */
    xg__watch curl_watches[MAX_CURL_WATCHES];
    size_t n_curl_watches;
    int64_t curl_deadline_ms; /* libcurl's timer, monotonic; -1 none */
    char why[WHY_MAX];
};

static int64_t
mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void
fail(xg__netconn *c, CURLcode rc)
{
    c->state = XG_NETCONN_FAILED;
    xg_strlcpy(c->why, curl_easy_strerror(rc), sizeof c->why);
}

static int
on_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
    (void)easy;
    (void)socketp;
    xg__netconn *c = userp;
    size_t i = 0;
    while (i < c->n_curl_watches && c->curl_watches[i].fd != s) {
        i++;
    }
    if (what == CURL_POLL_REMOVE) {
        if (i < c->n_curl_watches) {
            c->curl_watches[i] = c->curl_watches[--c->n_curl_watches];
        }
        return 0;
    }
    if (i == c->n_curl_watches) {
        if (c->n_curl_watches == MAX_CURL_WATCHES) {
            return -1; /* libcurl fails the connect; reported as usual */
        }
        c->n_curl_watches++;
    }
    c->curl_watches[i].fd = s;
    c->curl_watches[i].events =
        (short)(((what & CURL_POLL_IN) ? XG_WATCH_IN : 0) |
                ((what & CURL_POLL_OUT) ? XG_WATCH_OUT : 0));
    return 0;
}

static int
on_timer(CURLM *multi, long timeout_ms, void *userp)
{
    (void)multi;
    xg__netconn *c = userp;
    c->curl_deadline_ms = timeout_ms < 0 ? -1 : mono_ms() + timeout_ms;
    return 0;
}

xg__netconn *
xg__netconn_open(const char *url, const xg__netconn_options *opt)
{
    xg__netconn *c = calloc(1, sizeof *c);
    if (c == NULL) {
        return NULL;
    }
    c->state = XG_NETCONN_CONNECTING;
    c->sock = CURL_SOCKET_BAD;
    c->curl_deadline_ms = -1;
    c->multi = curl_multi_init();
    c->easy = curl_easy_init();
    if (c->multi == NULL || c->easy == NULL) {
        xg__netconn_destroy(&c);
        return NULL;
    }
    CURL *e = c->easy;
    long timeout_ms = opt->connect_timeout_ms > 0 ? opt->connect_timeout_ms
                                                  : DEFAULT_CONNECT_TIMEOUT_MS;
    curl_easy_setopt(e, CURLOPT_URL, url); /* copied */
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_CONNECT_ONLY, 1L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, opt->verify_tls ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, opt->verify_tls ? 2L : 0L);
    if (opt->ca_file != NULL) {
        curl_easy_setopt(e, CURLOPT_CAINFO, opt->ca_file); /* copied */
    }
    curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
    curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
    if (curl_multi_add_handle(c->multi, e) != CURLM_OK) {
        xg__netconn_destroy(&c);
        return NULL;
    }
    c->in_multi = 1;
    return c;
}

void
xg__netconn_destroy(xg__netconn **cp)
{
    xg__netconn *c = *cp;
    if (c == NULL) {
        return;
    }
    /* Removing the connect-only handle closes its connection; the socket
     * callback may run, so c is still whole here. */
    if (c->in_multi) {
        curl_multi_remove_handle(c->multi, c->easy);
    }
    if (c->easy != NULL) {
        curl_easy_cleanup(c->easy);
    }
    if (c->multi != NULL) {
        curl_multi_cleanup(c->multi);
    }
    free(c);
    *cp = NULL;
}

xg__netconn_state
xg__netconn_get_state(const xg__netconn *c)
{
    return c->state;
}

const char *
xg__netconn_why(const xg__netconn *c)
{
    return c->why;
}

size_t
xg__netconn_watches(const xg__netconn *c, xg__watch *out, size_t cap)
{
    if (c->state != XG_NETCONN_CONNECTING) {
        return 0;
    }
    size_t n = c->n_curl_watches < cap ? c->n_curl_watches : cap;
    memcpy(out, c->curl_watches, n * sizeof *out);
    return n;
}

int
xg__netconn_fd(const xg__netconn *c)
{
    return c->state == XG_NETCONN_OPEN ? (int)c->sock : -1;
}

long
xg__netconn_timeout_ms(const xg__netconn *c)
{
    if (c->state != XG_NETCONN_CONNECTING || c->curl_deadline_ms < 0) {
        return -1;
    }
    int64_t left = c->curl_deadline_ms - mono_ms();
    return left > 0 ? (long)left : 0;
}

void
xg__netconn_perform(xg__netconn *c, const xg__watch *ready, size_t n)
{
    if (c->state != XG_NETCONN_CONNECTING) {
        return;
    }
    int running;
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < c->n_curl_watches && c->curl_watches[j].fd != ready[i].fd) {
            j++;
        }
        if (j == c->n_curl_watches) {
            continue; /* not ours */
        }
        int ev = ((ready[i].events & XG_WATCH_IN) ? CURL_CSELECT_IN : 0) |
                 ((ready[i].events & XG_WATCH_OUT) ? CURL_CSELECT_OUT : 0);
        curl_multi_socket_action(c->multi, ready[i].fd, ev, &running);
    }
    if (c->curl_deadline_ms >= 0 && mono_ms() >= c->curl_deadline_ms) {
        c->curl_deadline_ms = -1;
        curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    }
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(c->multi, &left)) != NULL) {
        if (msg->msg != CURLMSG_DONE || c->state != XG_NETCONN_CONNECTING) {
            continue;
        }
        if (msg->data.result != CURLE_OK) {
            fail(c, msg->data.result);
            continue;
        }
        curl_socket_t s = CURL_SOCKET_BAD;
        CURLcode rc = curl_easy_getinfo(c->easy, CURLINFO_ACTIVESOCKET, &s);
        if (rc != CURLE_OK || s == CURL_SOCKET_BAD) {
            c->state = XG_NETCONN_FAILED;
            xg_strlcpy(c->why, "connected, but libcurl gave no socket",
                       sizeof c->why);
            continue;
        }
        c->sock = s;
        c->state = XG_NETCONN_OPEN;
    }
}

/* What a send or receive's code means to the owner. */
static xg_err
io_result(xg__netconn *c, CURLcode rc)
{
    if (rc == CURLE_AGAIN) {
        return XG_ERR_BUSY;
    }
    if (rc != CURLE_OK) {
        fail(c, rc);
        return XG_ERR_IO;
    }
    return XG_OK;
}

xg_err
xg__netconn_send(xg__netconn *c, const void *data, size_t len, size_t *n)
{
    *n = 0;
    if (c->state != XG_NETCONN_OPEN) {
        return XG_ERR_IO;
    }
    return io_result(c, curl_easy_send(c->easy, data, len, n));
}

xg_err
xg__netconn_recv(xg__netconn *c, void *buf, size_t len, size_t *n)
{
    *n = 0;
    if (c->state != XG_NETCONN_OPEN) {
        return XG_ERR_IO;
    }
    return io_result(c, curl_easy_recv(c->easy, buf, len, n));
}
