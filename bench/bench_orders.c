/*
 * bench_orders.c - the strategy side of the end-to-end benchmarks: send
 * an order, wait for its outcome without building a JSON tree, and time
 * orders one at a time or pipelined; read events as they come.
 * bench_gateway, bench_share, bench_fills, bench_fill_rate.
 */
#include "bench_orders.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <zmq.h>

#include "bench_util.h"
#include "xgate/json.h"

/* The gaps between consecutive ack arrivals (t, n ascending times) into
 * gaps (n - 1 entries), sorted; their summary goes into out. */
static void
ack_gaps(const int64_t *t, size_t n, int64_t *gaps, gap_figs *out)
{
    memset(out, 0, sizeof *out);
    if (n < 2) {
        return;
    }
    size_t m = n - 1;
    for (size_t i = 0; i < m; i++) {
        gaps[i] = t[i + 1] - t[i];
        out->over_2ms += gaps[i] > 2000000;
        out->over_10ms += gaps[i] > 10000000;
    }
    qsort(gaps, m, sizeof *gaps, bench_cmp_i64);
    out->n = m;
    out->p50_us = (double)gaps[m / 2] / 1e3;
    out->p99_us = (double)gaps[m * 99 / 100] / 1e3;
    out->p999_us = (double)gaps[m * 999 / 1000] / 1e3;
    out->max_us = (double)gaps[m - 1] / 1e3;
}

/* A LIMIT buy below the market: GTC rests on the book, IOC expires at
 * once, so timed orders do not grow the simulator's book as they run. */
void
bench_send_order(xg_client *cl, const char *id, int price, const char *tif)
{
    char msg[512];
    int n = snprintf(msg, sizeof msg,
                     "{\"type\":\"new_order\",\"strategy\":\"bench\","
                     "\"client_order_id\":\"%s\",\"symbol\":\"BTC/USDT\","
                     "\"side\":\"BUY\",\"order_type\":\"LIMIT\","
                     "\"tif\":\"%s\",\"qty\":\"0.001\",\"price\":\"%d\"}",
                     id, tif, price);
    zmq_send(cl->dealer, msg, (size_t)n, 0);
}

void
bench_drain_replies(xg_client *cl)
{
    char buf[4096];
    while (zmq_recv(cl->dealer, buf, sizeof buf, ZMQ_DONTWAIT) >= 0) {
    }
}

/* Wait for the next "acked" (or any order outcome) event; returns 1.
 * The benchmark plays a strategy on the same two cores as the gateway, so
 * it reads events with the allocation-free reader: a client that builds a
 * JSON tree per event would take CPU from what is being measured. */
int
bench_next_event(xg_client *cl, char *body, size_t cap, int timeout_ms)
{
    /* A burst's events are read without a poll each: only an empty
     * queue waits. */
    int len = zmq_recv(cl->sub, body, cap - 1, ZMQ_DONTWAIT);
    if (len < 0) {
        zmq_pollitem_t item = {cl->sub, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&item, 1, timeout_ms) <= 0) {
            return -1;
        }
        len = zmq_recv(cl->sub, body, cap - 1, 0);
    }
    int more = 1;
    size_t more_len = sizeof more;
    zmq_getsockopt(cl->sub, ZMQ_RCVMORE, &more, &more_len);
    while (more) { /* [topic, body]: keep the last frame */
        len = zmq_recv(cl->sub, body, cap - 1, 0);
        zmq_getsockopt(cl->sub, ZMQ_RCVMORE, &more, &more_len);
    }
    /* Cut (longer than cap - 1) or failed: read as empty. */
    len = len >= 0 && (size_t)len < cap ? len : 0;
    body[len] = '\0';
    return len;
}

void
bench_event_field(const char *body, const char *key, char *out, size_t cap)
{
    char want[64];
    snprintf(want, sizeof want, "\"%s\":\"", key);
    const char *v = strstr(body, want);
    out[0] = '\0';
    if (v != NULL) {
        v += strlen(want);
        snprintf(out, cap, "%.*s", (int)strcspn(v, "\""), v);
    }
}

int
bench_await_stream_live(xg_client *cl, int timeout_ms)
{
    int64_t end = bench_now_ns() + (int64_t)timeout_ms * 1000000;
    while (bench_now_ns() < end) {
        json_t *r = xg_client_call(cl, "{\"type\":\"venue_status\"}", 5000);
        char *text = r != NULL ? json_dumps(r, JSON_COMPACT) : NULL;
        int is_live = text != NULL && strstr(text, "\"stream\":\"LIVE\"");
        free(text);
        json_decref(r);
        if (is_live) {
            return 1;
        }
        struct timespec ts = {0, 20000000};
        nanosleep(&ts, NULL);
    }
    return 0;
}

int
bench_wait_ack(xg_client *cl, int timeout_ms)
{
    static const char *const outcomes[] = {"acked", "filled", "expired",
                                           "rejected"};
    char body[8192];
    for (;;) {
        int len = bench_next_event(cl, body, sizeof body, timeout_ms);
        if (len < 0) {
            return 0;
        }
        xg_json_tok toks[128];
        xg_json j;
        size_t ev;
        if (xg_json_parse(&j, body, (size_t)len, toks, 128) != XG_OK ||
            xg_json_type_of(&j, 0) != XG_JSON_OBJECT ||
            xg_json_get(&j, 0, "event", &ev) != XG_OK) {
            continue;
        }
        for (size_t i = 0; i < sizeof outcomes / sizeof outcomes[0]; i++) {
            if (xg_json_is_string_eq(&j, ev, outcomes[i])) {
                return 1;
            }
        }
    }
}

const char *const bench_sim_unlimited[] = {
    "--set", "binance.limits=0",
    "--set", "binance.orders_limit=100000000",
    "--set", "binance.orders_day_limit=1000000000",
    "--set", "binance.weight_limit=1000000000",
    "--set", "binance.raw_limit=1000000000",
    NULL};

static int order_seq;

int
bench_next_seq(void)
{
    return order_seq++;
}

void
bench_round_trip(xg_client *cl, int64_t *out, size_t n, int64_t pace_ns)
{
    int64_t next = bench_now_ns();
    for (size_t i = 0; i < n + 100; i++) {
        if (pace_ns > 0) {
            while (bench_now_ns() < next) {
            }
            next += pace_ns;
        }
        char id[32];
        snprintf(id, sizeof id, "b%d", order_seq++);
        int64_t t0 = bench_now_ns();
        bench_send_order(cl, id, 20000 + order_seq % 1000, "IOC");
        if (!bench_wait_ack(cl, 5000)) {
            char reply[4096] = "";
            int got =
                zmq_recv(cl->dealer, reply, sizeof reply - 1, ZMQ_DONTWAIT);
            reply[got > 0 ? got : 0] = '\0';
            fprintf(stderr, "bench: no ack for %s (reply: %s)\n", id, reply);
            exit(1);
        }
        if (i >= 100) {
            out[i - 100] = bench_now_ns() - t0;
        }
        bench_drain_replies(cl);
    }
}

/* Send n orders keeping up to 2,000 outstanding; returns orders/s and
 * the gaps between consecutive acks in *gaps_out. who prefixes the
 * figures' labels ("" for the gateway). */
double
bench_pipelined(xg_client *cl, size_t n, gap_figs *gaps_out, const char *who)
{
    char label[3][64];
    int64_t *arrived = calloc(n, sizeof *arrived);
    if (arrived == NULL) {
        fprintf(stderr, "bench: out of memory\n");
        exit(1);
    }
    int64_t t0 = bench_now_ns();
    size_t acked = 0, sent = 0;
    while (acked < n) {
        /* Keep the gateway's queue fed without flooding ZeroMQ. */
        while (sent < n && sent - acked < 2000) {
            char id[32];
            snprintf(id, sizeof id, "p%d", order_seq++);
            bench_send_order(cl, id, 20000 + order_seq % 1000, "IOC");
            sent++;
        }
        if (!bench_wait_ack(cl, 10000)) {
            fprintf(stderr, "bench: pipelined stalled at %zu\n", acked);
            exit(1);
        }
        /* Taken as the ack is read, before anything else of this pass:
         * every gap then holds orders outstanding at the gateway. */
        arrived[acked++] = bench_now_ns();
        bench_drain_replies(cl);
    }
    double secs = (double)(bench_now_ns() - t0) / 1e9;
    snprintf(label[0], sizeof label[0], "%spipelined, limits off", who);
    snprintf(label[1], sizeof label[1], "%slongest pause in acks, pipelined",
             who);
    snprintf(label[2], sizeof label[2], "%spauses in acks, pipelined", who);
    printf("%-44s %zu orders in %.2f s = %.0f orders/s\n", label[0], n, secs,
           (double)n / secs);
    /* The gaps are written over the arrival times, which are read ahead
     * of them: gaps[i] needs only arrived[i] and arrived[i + 1]. */
    ack_gaps(arrived, n, arrived, gaps_out);
    printf("%-44s n=%zu  p50 %7.1f us  p99 %7.1f us  p99.9 %8.1f us  "
           "max %8.1f us\n",
           label[1], gaps_out->n, gaps_out->p50_us, gaps_out->p99_us,
           gaps_out->p999_us, gaps_out->max_us);
    printf("%-44s > 2 ms: %zu, > 10 ms: %zu\n", label[2], gaps_out->over_2ms,
           gaps_out->over_10ms);
    free(arrived);
    return (double)n / secs;
}
