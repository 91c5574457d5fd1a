/*
 * wsconn.h - one WebSocket client connection on the event loop
 * (core-private).
 *
 * libcurl makes the connection (DNS without blocking, TCP, TLS with the
 * system's CA store, proxies: CURLOPT_CONNECT_ONLY), so the stream uses
 * the same, well-kept network code as the REST requests; wslay does the
 * WebSocket framing (RFC 6455) over it; this file writes the HTTP/1.1
 * upgrade request and checks its answer (101, Upgrade, Connection,
 * Sec-WebSocket-Accept). Nothing blocks: the loop polls the sockets the
 * connection exposes and drives it with xg__ws_perform. Ping frames from
 * the server are answered with pongs; close frames are answered and end
 * the connection.
 *
 * A connection is used once: after on_close the owner destroys it and
 * opens a new one to reconnect.
 */
#ifndef XGATE_WSCONN_H
#define XGATE_WSCONN_H

#include <stddef.h>
#include <stdint.h>

#include "transport.h"
#include "xgate/error.h"

/* Longest message accepted from the server; a longer one closes the
 * connection (1009, message too big). Venue stream messages are a few
 * KiB. */
#define XG_WS_MSG_MAX (1024 * 1024)

typedef struct xg__ws xg__ws;

/*
 * What the connection tells its owner, only from inside xg__ws_perform
 * (or xg__ws_send_text for on_close). The callbacks may call
 * xg__ws_send_text and xg__ws_close on the same connection, never
 * xg__ws_destroy.
 */
typedef struct xg__ws_events {
    void *ctx;
    /* The upgrade was accepted: text may be sent. */
    void (*on_open)(void *ctx);
    /* One whole text message (fragments joined), borrowed for the call;
     * text[len] is a NUL. Binary messages are dropped. */
    void (*on_text)(void *ctx, const char *text, size_t len);
    /* The connection is over: failed to connect or upgrade, closed by
     * either side, timed out, or broke. why is one line for the log
     * (never a URL's query, which may carry a token). Called once. */
    void (*on_close)(void *ctx, const char *why);
} xg__ws_events;

typedef struct xg__ws_options {
    long connect_timeout_ms; /* DNS + TCP + TLS + upgrade */
    int verify_tls;          /* 0 only for a configured loopback simulator */
    const char *ca_file; /* NULL: the system's CA store (tests: their own) */
} xg__ws_options;

/* Start connecting to url (ws:// or wss://, with path and query). The
 * options and events are copied. NULL if out of memory or the URL is not
 * ws:// or wss:// (err says which, without the query). */
xg__ws *xg__ws_open(const char *url, const xg__ws_options *opt,
                    const xg__ws_events *ev, char *err, size_t err_len);

/* Close at once (no callbacks) and free. NULL-safe; sets *ws to NULL. */
void xg__ws_destroy(xg__ws **ws);

/* The sockets to watch now (at most cap), as the transport's. */
size_t xg__ws_watches(const xg__ws *ws, xg__watch *out, size_t cap);

/* Milliseconds until the connection needs perform without a socket
 * event (libcurl's timers while connecting, the connect timeout); -1:
 * none. */
long xg__ws_timeout_ms(const xg__ws *ws);

/* Do what the ready sockets (any of them may be ours or not: the others
 * are ignored) and the timers allow: connect, upgrade, read and write
 * frames, calling the events. */
void xg__ws_perform(xg__ws *ws, const xg__watch *ready, size_t n_ready);

/* Queue one text message (copied). XG_ERR_INVALID before on_open or
 * after the close began; XG_ERR_NOMEM. It leaves at the next perform that
 * can write, or at once if the socket takes it. */
xg_err xg__ws_send_text(xg__ws *ws, const char *text, size_t len);

/* Send a close frame with code (1000: normal) and end the connection once
 * the server answers it or at the next perform after a short wait;
 * on_close follows. */
void xg__ws_close(xg__ws *ws, uint16_t code);

/* Frames and bytes so far, for the status page and benchmarks. */
typedef struct xg__ws_stats {
    uint64_t msgs_in, msgs_out;
    uint64_t bytes_in, bytes_out;
} xg__ws_stats;

void xg__ws_stats_get(const xg__ws *ws, xg__ws_stats *out);

/* Longest upgrade answer header accepted (status line to blank line). */
#define XG_WS_UPGRADE_MAX 8192

/*
 * Check the server's answer to the upgrade request (RFC 6455, 4.1):
 * status 101, "Upgrade: websocket", a Connection header holding the token
 * "upgrade", Sec-WebSocket-Accept matching key (the Sec-WebSocket-Key the
 * request sent, NUL-terminated), and no extension. Header names and the
 * Upgrade and Connection values compare without case. resp (len bytes,
 * borrowed, need not be NUL-terminated) is what was read so far.
 *
 * XG_OK: accepted; *header_len is the header's length up to and
 * including the blank line (<= len): the bytes after it are the first
 * frame bytes. XG_ERR_TRUNCATED: no blank line yet, read more.
 * XG_ERR_OVERFLOW: no blank line within XG_WS_UPGRADE_MAX bytes.
 * XG_ERR_BAD_RESPONSE: refused. XG_ERR_INVALID: key longer than a
 * Sec-WebSocket-Key can be. Except for XG_OK, why (why_cap bytes) holds
 * one line saying why; of the answer it quotes at most the status code.
 */
xg_err xg__ws_check_upgrade(const char *resp, size_t len, const char *key,
                            size_t *header_len, char *why, size_t why_cap);

#endif
