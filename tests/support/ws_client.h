/*
 * ws_client.h - a small blocking WebSocket client for tests.
 *
 * Plain TCP to 127.0.0.1:port, the HTTP upgrade written by hand (the 101
 * and its Sec-WebSocket-Accept checked), then a wslay client context.
 * One connection per xg_ws_client; not thread-safe; for tests, never
 * for throughput.
 */
#ifndef XGATE_WS_CLIENT_H
#define XGATE_WS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xgate/error.h"

typedef struct xg_ws_client xg_ws_client;

/* Connect to 127.0.0.1:port and upgrade on target (path and query).
 * Given: *out, free with xg_ws_client_destroy. XG_ERR_IO if the
 * connection or the upgrade fails (no 101, wrong accept value). */
xg_err xg_ws_client_connect(int port, const char *target, xg_ws_client **out);

/* Send one text message. XG_ERR_IO if the connection is gone. */
xg_err xg_ws_client_send(xg_ws_client *c, const char *text);

/* The next text message, NUL-terminated and truncated to cap - 1, within
 * timeout_ms. XG_ERR_BUSY if none came in time, XG_ERR_VENUE_DOWN once
 * the server has closed the connection (its close code then in
 * xg_ws_client_close_code), XG_ERR_IO on a broken connection. */
xg_err xg_ws_client_recv(xg_ws_client *c, int timeout_ms, char *out,
                         size_t cap);

/* Send one ping frame (empty payload). XG_ERR_IO if the connection is
 * gone. */
xg_err xg_ws_client_ping(xg_ws_client *c);

/* Ping and pong frames received from the server so far (seen while
 * xg_ws_client_recv reads; each ping is answered with a pong there). */
size_t xg_ws_client_pings(const xg_ws_client *c);
size_t xg_ws_client_pongs(const xg_ws_client *c);

/* The server's close code, 0 if it has not closed. */
uint16_t xg_ws_client_close_code(const xg_ws_client *c);

/* Close (without waiting for the server) and free; NULL-safe, sets *c to
 * NULL. */
void xg_ws_client_destroy(xg_ws_client **c);

#endif
