/*
 * venue_stream.h - what a venue keeps of its private stream
 * (core-private): the connection's state, its plan, timers and counters.
 * Only the data, so venue.h can hold it without depending on stream.c,
 * which acts on orders (stream.h has the calls).
 */
#ifndef XGATE_VENUE_STREAM_H
#define XGATE_VENUE_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "xgate/stream.h"

struct xg__state;
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
    int is_token_asked;   /* XG_OP_STREAM_TOKEN queued or in flight */
    int is_refused;       /* the venue refused it: its reason is kept */
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

static inline const char *
xg__stream_state_name(xg__stream_state s)
{
    static const char *const names[] = {"OFF",   "IDLE",        "CONNECTING",
                                        "LOGIN", "SUBSCRIBING", "LIVE"};
    return (size_t)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

/* Subscribed and healthy: the venue tells what happens to its orders. */
static inline int
xg__stream_is_live(const xg__stream *s)
{
    return s->state == XG__STREAM_LIVE;
}

#endif
