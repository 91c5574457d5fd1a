/*
 * fill_feeder.h - a venue's private stream reduced to what a throughput
 * benchmark needs: one WebSocket connection on 127.0.0.1 that speaks
 * OKX's private dialect (login, the orders subscription, "ping") and, on
 * demand, writes messages the benchmark rendered beforehand as fast as
 * the socket takes them. The simulator renders and pushes each message
 * as the venue would, which costs it more CPU than the gateway spends
 * reading it; the feeder spends next to none, so what it measures is the
 * gateway.
 */
#ifndef XGATE_BENCH_FILL_FEEDER_H
#define XGATE_BENCH_FILL_FEEDER_H

#include <stddef.h>
#include <stdint.h>

typedef struct bench_feeder bench_feeder;

/* Listen on an ephemeral port of 127.0.0.1 and serve one connection at a
 * time in a thread. NULL if it cannot (the reason on stderr). */
bench_feeder *bench_feeder_start(void);

int bench_feeder_port(const bench_feeder *f);

/* Write len bytes of frames (bench_feeder_frame) to the client, from the
 * feeder's thread; returns at once. The bytes are borrowed until
 * bench_feeder_pushed_ns says they are written. */
void bench_feeder_push(bench_feeder *f, const char *frames, size_t len);

/* CLOCK_MONOTONIC ns when the last push was written whole; 0 before. */
int64_t bench_feeder_pushed_ns(bench_feeder *f);

/* Stop the thread, close everything, free. NULL-safe; *f becomes NULL. */
void bench_feeder_stop(bench_feeder **f);

/* Append text (len bytes) to out as one unmasked text frame, as a server
 * sends it; returns the frame's length, 0 if it does not fit cap. */
size_t bench_feeder_frame(char *out, size_t cap, const char *text, size_t len);

#endif
