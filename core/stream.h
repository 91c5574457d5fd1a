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
#include "venue_stream.h"
#include "xgate/adapter.h"

struct xg__state;
struct xg__venue;

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

/* The venue answered the stream's token request (XG_OP_STREAM_TOKEN,
 * KuCoin's): res is its result, or NULL when it could not be sent at all.
 * OK: the adapter holds the token and the stream connects; otherwise the
 * stream backs off and asks again. */
void xg__stream_token_answered(struct xg__state *st, struct xg__venue *v,
                               const xg_result *res);

/* Connect, ping, notice silence, renew before the lifetime cut, close a
 * banned or down venue's stream: whatever came due by st->now. */
void xg__stream_timers(struct xg__state *st);

/* The monotonic ms of the streams' next timer, -1 for none. */
int64_t xg__stream_next_ms(const struct xg__state *st);

#endif
