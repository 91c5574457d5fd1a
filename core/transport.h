/*
 * transport.h - HTTP requests to venues on libcurl's multi interface.
 *
 * One multi handle for all venues keeps a cache of keep-alive connections,
 * so consecutive requests to a venue reuse a warm TCP (and TLS) connection.
 * A fixed pool of transfer slots is allocated at start-up; each slot keeps
 * its easy handle, body buffer and header store for its whole life, so the
 * order path allocates nothing of ours. The transport never blocks: the
 * event loop polls the sockets it exposes and drives it.
 */
#ifndef XGATE_TRANSPORT_H
#define XGATE_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "xgate/error.h"
#include "xgate/http.h"

/* How a transfer ended. */
typedef enum xg__xfer_status {
    XG_XFER_RESPONSE = 0,    /* an HTTP response arrived (any status) */
    XG_XFER_NOT_SENT = 1,    /* failed before any byte was sent: DNS,
                                connect, TLS; the venue saw nothing */
    XG_XFER_NO_RESPONSE = 2  /* sent (maybe partly), then timeout/reset:
                                the venue may have acted on it */
} xg__xfer_status;

/* Where and how to send: one per venue, borrowed for each send. */
typedef struct xg__endpoint {
    const char *base_url; /* "https://api.binance.com", no trailing '/' */
    long connect_timeout_ms;
    long timeout_ms;
    int verify_tls; /* 0 only for a configured loopback simulator */
} xg__endpoint;

/* A socket the loop must watch for the transport. */
typedef struct xg__watch {
    int fd;
    short events; /* XG_WATCH_IN | XG_WATCH_OUT */
} xg__watch;

#define XG_WATCH_IN  0x1
#define XG_WATCH_OUT 0x2

/*
 * Called once per finished transfer, only from inside
 * xg__transport_perform; it must not call back into the transport (work it
 * finds is for the caller's next turn). resp is borrowed for the call and
 * set only for XG_XFER_RESPONSE; detail is libcurl's reason otherwise.
 * user/tag are what send was given.
 */
typedef void (*xg__xfer_done_fn)(void *ctx, void *user, uint64_t tag,
                                 xg__xfer_status st,
                                 const xg_http_response *resp,
                                 const char *detail);

typedef struct xg__transport xg__transport;

/* max_xfers concurrent transfers; max_host_conns keep-alive connections
 * per host. Given: xg__transport_destroy. NULL on failure. */
xg__transport *xg__transport_new(size_t max_xfers, long max_host_conns,
                                 xg__xfer_done_fn done, void *ctx);
void xg__transport_destroy(xg__transport **t);

/*
 * Take req (copied) for ep into a slot. It leaves once sealed and
 * flushed, so the caller can first make durable what the request depends
 * on (the journal commits once per loop turn, seals, and flushes what is
 * durable). XG_ERR_BUSY if every slot is taken.
 */
xg_err xg__transport_send(xg__transport *t, const xg__endpoint *ep,
                          const xg_http_request *req, void *user,
                          uint64_t tag);

/* Mark every request taken since the last seal as depending on journal
 * frame seq (the last one its turn wrote). */
void xg__transport_seal(xg__transport *t, uint64_t seq);

/* Start every sealed request whose frame is durable (seq <= durable). On
 * a warm connection the first bytes are written before this returns. */
void xg__transport_flush(xg__transport *t, uint64_t durable);

size_t xg__transport_in_flight(const xg__transport *t);

/* Sockets to watch now (at most cap); returns the count. */
size_t xg__transport_watches(const xg__transport *t, xg__watch *out,
                             size_t cap);

/* Milliseconds until the transport needs xg__transport_perform even
 * without socket activity; -1 for no deadline. */
long xg__transport_timeout_ms(const xg__transport *t);

/* Drive transfers: ready lists (fd, revents) pairs from the poll; n may be
 * 0 for a timeout tick. Completed transfers call the done callback. */
void xg__transport_perform(xg__transport *t, const xg__watch *ready, size_t n);

#endif
