/*
 * stream.h - each venue's private stream on the event loop (core-private).
 *
 * For a venue whose adapter speaks a stream (caps.streams) and whose
 * configuration leaves it on, the gateway keeps one WebSocket connection
 * (wsconn.h) open: it connects once the venue is up, logs in and
 * subscribes as the adapter writes it (xgate/stream.h), pings, notices
 * silence, reconnects after the venue's lifetime or any failure with a
 * back-off, and hands every order update to the same rules as a REST
 * answer (act.c). A fill is told to its strategy once (orders.h notes it,
 * the journal keeps it), as a `fill` event after the order's own event.
 * While the stream is live the venue's open-orders sweep rests; each time
 * it goes live one sweep round runs, to learn what happened while it was
 * not. Nothing here blocks and nothing calls back up: the loop polls the
 * connections' sockets (xg__stream_watches) and calls in.
 */
#ifndef XGATE_CORE_STREAM_H
#define XGATE_CORE_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "transport.h"
#include "xgate/stream.h"

struct xg__state;
struct xg__venue;
struct xg__ws;

typedef enum xg__stream_state {
    XG__STREAM_OFF = 0,     /* none: the adapter has none, or it is off */
    XG__STREAM_IDLE,        /* not connected: waiting to (re)connect */
    XG__STREAM_CONNECTING,  /* TCP, TLS and the upgrade */
    XG__STREAM_LOGIN,       /* logged in or waiting for the welcome */
    XG__STREAM_SUBSCRIBING, /* subscription sent, not yet acknowledged */
    XG__STREAM_LIVE         /* subscribed: updates arrive */
} xg__stream_state;

/* Longest wait between two connection attempts. */
#define XG_STREAM_BACKOFF_MAX_MS 60000
/* The first wait after a failure (doubled per failure, with jitter). */
#define XG_STREAM_BACKOFF_MIN_MS 500
/* How long before the venue's lifetime cut a connection is replaced. */
#define XG_STREAM_RENEW_EARLY_MS 60000

typedef struct xg__stream {
    xg__stream_state state;
    struct xg__state *st; /* the loop's state, for the connection's calls */
    struct xg__ws *ws;    /* NULL when IDLE or OFF */
    int is_closed;        /* ws said on_close: destroy it after perform */
    xg_stream_plan plan;
    int64_t next_connect_mono_ms; /* IDLE: not before this */
    int64_t backoff_ms;           /* the wait after the next failure */
    int64_t opened_mono_ms;       /* when this connection was started */
    int64_t heard_mono_ms;        /* last message (or the open) */
    int64_t next_ping_mono_ms;    /* LIVE with client pings */
    uint64_t jitter;              /* xorshift state for the back-off */
    uint64_t n_connects, n_messages, n_malformed, n_fills;
    char reason[128]; /* why it is not live ("" when it is) */
} xg__stream;

/* v's stream: OFF unless its adapter has one and is_on. */
void xg__stream_init(struct xg__venue *v, struct xg__state *st, int is_on);
/* Close at once (no events) and free. */
void xg__stream_fini(struct xg__venue *v);

/* The sockets of every venue's stream connection, into out (at most
 * cap); returns how many. */
size_t xg__stream_watches(const struct xg__state *st, xg__watch *out,
                          size_t cap);

/* Drive every connection with the sockets that are ready (others are
 * ignored): messages are read and acted on. */
void xg__stream_perform(struct xg__state *st, const xg__watch *ready,
                        size_t n_ready);

/* Connect, ping, notice silence, renew before the lifetime cut, close a
 * banned or down venue's stream: whatever came due by st->now. */
void xg__stream_timers(struct xg__state *st);

/* The monotonic ms of the streams' next timer, -1 for none. */
int64_t xg__stream_next_ms(const struct xg__state *st);

/* Subscribed and healthy: the venue tells what happens to its orders. */
int xg__stream_is_live(const struct xg__venue *v);

const char *xg__stream_state_name(xg__stream_state s);

#endif
