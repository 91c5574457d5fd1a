/*
 * netconn.h - one TCP or TLS byte stream to a server, on the event loop
 * (core-private): what the private streams (wsconn.c) and the shared
 * limits' Redis connection (redis.c) are carried on.
 *
 * libcurl makes the connection (CURLOPT_CONNECT_ONLY: DNS without
 * blocking, TCP, TLS with the system's CA store or a given file) and then
 * hands it over: the owner moves bytes with xg__netconn_send and
 * xg__netconn_recv and watches the socket itself. Nothing blocks: while
 * connecting, the loop polls libcurl's sockets (xg__netconn_watches) and
 * calls xg__netconn_perform.
 */
#ifndef XGATE_NETCONN_H
#define XGATE_NETCONN_H

#include <stddef.h>

#include "transport.h"
#include "xgate/error.h"

typedef struct xg__netconn xg__netconn;

typedef enum xg__netconn_state {
    XG_NETCONN_CONNECTING,
    XG_NETCONN_OPEN,
    XG_NETCONN_FAILED /* xg__netconn_why says why */
} xg__netconn_state;

typedef struct xg__netconn_options {
    long connect_timeout_ms; /* DNS + TCP + TLS; 0: 10 s */
    int verify_tls;          /* 0 only for a configured loopback simulator */
    const char *ca_file;     /* NULL: the system's CA store */
} xg__netconn_options;

/* Start connecting to url: http://HOST:PORT for plain TCP, https://...
 * for TLS (the path, if any, is not used). NULL if out of memory. */
xg__netconn *xg__netconn_open(const char *url, const xg__netconn_options *opt);

/* Close and free. NULL-safe; sets *c to NULL. */
void xg__netconn_destroy(xg__netconn **c);

xg__netconn_state xg__netconn_get_state(const xg__netconn *c);

/* Why it failed, in libcurl's words ("Couldn't connect to server"), ""
 * otherwise; the caller says what was being done. */
const char *xg__netconn_why(const xg__netconn *c);

/* Connecting: libcurl's sockets as it wants them watched (at most cap).
 * Open: none (the owner watches xg__netconn_fd for what it needs). */
size_t xg__netconn_watches(const xg__netconn *c, xg__watch *out, size_t cap);

/* The connection's socket once open, else -1. */
int xg__netconn_fd(const xg__netconn *c);

/* Connecting: milliseconds until libcurl's timer needs perform without
 * a socket event; -1 otherwise. */
long xg__netconn_timeout_ms(const xg__netconn *c);

/* Connecting: let libcurl act on the ready sockets (any may be others')
 * and its timer; the state may become OPEN or FAILED. */
void xg__netconn_perform(xg__netconn *c, const xg__watch *ready, size_t n);

/* Send or receive up to len bytes, *n how many: XG_OK (recv: *n 0 is
 * the server's end of the stream), XG_ERR_BUSY when the socket cannot
 * take or give any now, XG_ERR_IO when the connection broke
 * (xg__netconn_why says how). */
xg_err xg__netconn_send(xg__netconn *c, const void *data, size_t len,
                        size_t *n);
xg_err xg__netconn_recv(xg__netconn *c, void *buf, size_t len, size_t *n);

#endif
