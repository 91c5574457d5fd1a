/*
 * bench_orders.h - a benchmark playing a strategy against xgated: one
 * IOC or GTC limit buy below the market at a time, or pipelined, timed
 * from the send to the order's first outcome event.
 */
#ifndef XGATE_BENCH_ORDERS_H
#define XGATE_BENCH_ORDERS_H

#include <stddef.h>
#include <stdint.h>

#include "gw_launch.h"

/* xgsim's arguments for Binance with its limits off and advertised far
 * above any load, so the gateway's limiter never waits: what is measured
 * is the gateway, not the limits. */
extern const char *const bench_sim_unlimited[];

/* The gaps between consecutive acks of a pipelined phase. */
typedef struct gap_figs {
    double p50_us, p99_us, p999_us, max_us;
    size_t n, over_2ms, over_10ms;
} gap_figs;

/* A LIMIT buy of 0.001 BTC/USDT at price, tif "IOC" or "GTC". */
void bench_send_order(xg_client *cl, const char *id, int price,
                      const char *tif);
/* Read and drop every reply waiting. */
void bench_drain_replies(xg_client *cl);
/* The next event's body into body (cap bytes, NUL-terminated; one
 * longer than cap - 1 reads as empty): its length, or -1 when none came
 * in timeout_ms. */
int bench_next_event(xg_client *cl, char *body, size_t cap, int timeout_ms);
/* The string member `key` of the event body (found as text, "key":"...",
 * without a JSON tree) into out (cap bytes; "" if absent). */
void bench_event_field(const char *body, const char *key, char *out,
                       size_t cap);
/* Poll venue_status until a venue's private stream is LIVE: 1, or 0
 * after timeout_ms. */
int bench_await_stream_live(xg_client *cl, int timeout_ms);
/* Wait for the next order outcome event (acked, filled, expired,
 * rejected): 1, or 0 after timeout_ms. */
int bench_wait_ack(xg_client *cl, int timeout_ms);
/* The next number for an order id, unique within the process. */
int bench_next_seq(void);
/* n round trips (after 100 unmeasured), one order in flight, paced
 * pace_ns apart (0: back to back); ns each into out. Exits on a stall. */
void bench_round_trip(xg_client *cl, int64_t *out, size_t n, int64_t pace_ns);
/* n orders keeping up to 2,000 outstanding: orders/s, and the gaps
 * between acks into *gaps_out, printed with labels prefixed by who. */
double bench_pipelined(xg_client *cl, size_t n, gap_figs *gaps_out,
                       const char *who);

#endif
