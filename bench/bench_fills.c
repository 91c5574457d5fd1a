/*
 * bench_fills.c - fills from a venue's private stream to the strategy:
 * how late, how many a second, at what CPU (issue 13). Prints figures,
 * never pass/fail.
 *
 * Usage: bench_fills [N_LATENCY] [N_BURST] [SECONDS] (defaults 300, 2000
 * and 600).
 *
 * One xgsim serving OKX (walk paused, its limits off) and one xgated on
 * it with the stream on (the adapter's place limit raised so placing the
 * burst's orders is not what is measured); the strategy is this process.
 *  1. Latency, N_LATENCY times: a resting buy of 0.001 at 34000 is placed
 *     and acked; then the market moves to 33990 (POST /_sim/price), which
 *     fills it as maker, and the time from just before that admin request
 *     to the `fill` event's arrival is one sample; the market moves back.
 *     The sample includes the admin request's own round trip, so it is an
 *     upper bound of "fill on the venue -> fill event at the strategy";
 *     the admin round trip alone is measured and printed beside it. The
 *     tight figure: the simulator logs when it pushed each fill (epoch
 *     µs), and the time from there to the event's arrival (the same
 *     machine's clock) is "venue's fill push -> fill event".
 *  2. Throughput: N_BURST resting buys, then one move of the market below
 *     them all: the venue fills every one at once and pushes each change;
 *     fills per second from that move to the last fill event, and xgated's
 *     CPU per fill (user + system, all threads) over the burst.
 *  3. REST spent on learning fills over a steady run of SECONDS: two
 *     simulators and two gateways side by side, one with its stream live
 *     and one with it off (the sweep every 2 s, the default), each with
 *     20 orders resting (10 on each of two symbols), and every 10 s each
 *     venue fills one of them by a tenth; the requests each gateway sent
 *     that only learn what happened to its orders (OKX's orders-pending
 *     list, order queries and fills lists, from xgsim's log).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <zmq.h>

#include "bench_orders.h"
#include "bench_util.h"
#include "gw_launch.h"
#include "sim_launch.h"

#define WAIT_MS 10000

static char fl_msg[8192];

static void
admin(xg_sim_proc *sim, const char *path, const char *body)
{
    char out[2048];
    if (xg_sim_admin(sim, "okx", "POST", path, body, out, sizeof out) !=
        XG_OK) {
        fprintf(stderr, "bench: %s %s: %s\n", path, body, out);
        exit(1);
    }
}

static void
move_to(xg_sim_proc *sim, const char *price)
{
    char body[128];
    snprintf(body, sizeof body, "{\"symbol\":\"BTC-USDT\",\"price\":\"%s\"}",
             price);
    admin(sim, "/_sim/price", body);
}

static void
place(xg_client *cl, const char *id, const char *price)
{
    int n = snprintf(fl_msg, sizeof fl_msg,
                     "{\"type\":\"new_order\",\"strategy\":\"bench\","
                     "\"client_order_id\":\"%s\",\"symbol\":\"BTC/USDT\","
                     "\"side\":\"BUY\",\"order_type\":\"LIMIT\",\"tif\":"
                     "\"GTC\",\"qty\":\"0.001\",\"price\":\"%s\"}",
                     id, price);
    zmq_send(cl->dealer, fl_msg, (size_t)n, 0);
}

/* The next event's body into fl_msg: 1, or 0 after WAIT_MS. */
static int
next_event(xg_client *cl)
{
    return bench_next_event(cl, fl_msg, sizeof fl_msg, WAIT_MS) >= 0;
}

/* Read events until one of type `type` ("fill", or "order" with event
 * `event`) names id (NULL: any); 0 if none came. */
static int
await_event(xg_client *cl, const char *type, const char *event, const char *id)
{
    char want_type[32], want_event[40], want_id[64];
    snprintf(want_type, sizeof want_type, "\"type\":\"%s\"", type);
    snprintf(want_event, sizeof want_event, "\"event\":\"%s\"",
             event != NULL ? event : "");
    snprintf(want_id, sizeof want_id, "\"client_order_id\":\"%s\"",
             id != NULL ? id : "");
    while (next_event(cl)) {
        if (strstr(fl_msg, want_type) != NULL &&
            (event == NULL || strstr(fl_msg, want_event) != NULL) &&
            (id == NULL || strstr(fl_msg, want_id) != NULL)) {
            return 1;
        }
    }
    return 0;
}

static void
await_live(xg_client *cl)
{
    if (!bench_await_stream_live(cl, WAIT_MS)) {
        fprintf(stderr, "bench: the stream never went live\n");
        exit(1);
    }
}

static void
report(const char *what, int64_t *v, size_t n)
{
    qsort(v, n, sizeof *v, bench_cmp_i64);
    printf("%-44s n=%zu  p50 %7.1f us  p99 %7.1f us  max %8.1f us\n", what, n,
           (double)v[n / 2] / 1e3, (double)v[n * 99 / 100] / 1e3,
           (double)v[n - 1] / 1e3);
}

static char fl_log[16 * 1024 * 1024];

/* Entries of xgsim's OKX log that learn fills: an open-orders list, a
 * query of one order, or the list of an order's fills. */
static size_t
rest_learning(const xg_sim_proc *sim)
{
    static const char *const paths[] = {"/api/v5/trade/orders-pending",
                                        "\"path\":\"/api/v5/trade/order?",
                                        "\"path\":\"/api/v5/trade/fills"};
    size_t n = 0;
    if (xg_sim_log_fetch(sim, "okx", 0, fl_log, sizeof fl_log) != XG_OK) {
        return 0;
    }
    for (size_t k = 0; k < sizeof paths / sizeof paths[0]; k++) {
        for (const char *p = strstr(fl_log, paths[k]); p != NULL;
             p = strstr(p + 1, paths[k])) {
            n++;
        }
    }
    return n;
}

static int64_t
wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* From the simulator's log, when it pushed each order's fill (outcome
 * fill_pushed, epoch µs) to when the strategy heard the fill event
 * (heard_us, the same machine's clock): into out, as ns; returns how many
 * orders the log named. */
static size_t
push_to_event(const xg_sim_proc *sim, char (*vids)[40], const int64_t *heard_us,
              size_t n, int64_t *out)
{
    if (xg_sim_log_fetch(sim, "okx", 0, fl_log, sizeof fl_log) != XG_OK) {
        return 0;
    }
    size_t got = 0;
    for (size_t i = 0; i < n; i++) {
        char want[96];
        snprintf(want, sizeof want,
                 "\"client_order_id\":\"%s\",\"outcome\":\"fill_pushed\"",
                 vids[i]);
        const char *hit = vids[i][0] != '\0' ? strstr(fl_log, want) : NULL;
        if (hit == NULL) {
            continue;
        }
        const char *line = hit;
        while (line > fl_log && line[-1] != '\n') {
            line--;
        }
        const char *t = strstr(line, "\"t_us\":");
        if (t == NULL || t > hit) {
            continue;
        }
        out[got++] =
            (heard_us[i] - strtoll(t + strlen("\"t_us\":"), NULL, 10)) * 1000;
    }
    return got;
}

/* Start xgated on the simulator's OKX with the stream on or off. */
static void
start_gateway(xg_sim_proc *sim, int is_stream, xg_gw_proc *gw, xg_client *cl)
{
    const char *venues[] = {"okx"};
    int ports[] = {xg_sim_port(sim, "okx")};
    char extra[256];
    snprintf(extra, sizeof extra,
             "\"stream\": %s, \"order_sweep_ms\": 2000, "
             "\"options\": {\"place_limit\": \"100000\"}",
             is_stream ? "true" : "false");
    if (xg_gw_start_sim_with(gw, venues, ports, 1, extra, "") != XG_OK ||
        xg_client_open(cl, gw, "order.bench") != XG_OK) {
        fprintf(stderr, "bench: cannot start xgated\n");
        xg_sim_stop(sim);
        exit(1);
    }
}

static xg_sim_proc *
start_sim(xg_sim_proc *sim)
{
    const char *sim_args[] = {"--venue",    "okx=127.0.0.1:0", "--set",
                              "okx.walk=0", "--set",           "okx.limits=0",
                              NULL};
    if (xg_sim_start(sim, sim_args) != XG_OK) {
        fprintf(stderr, "bench: cannot start xgsim\n");
        exit(1);
    }
    return sim;
}

#define STEADY_ORDERS 20

/* Phase 3: one simulator and one gateway with the stream on or off, with
 * STEADY_ORDERS orders resting on two symbols. */
typedef struct steady {
    int is_stream;
    xg_sim_proc sim;
    xg_gw_proc gw;
    xg_client cl;
    char vids[STEADY_ORDERS][40]; /* the orders' venue client ids */
    size_t fills_heard;
} steady;

static void
steady_start(steady *s, int is_stream)
{
    s->is_stream = is_stream;
    s->fills_heard = 0;
    start_sim(&s->sim);
    start_gateway(&s->sim, is_stream, &s->gw, &s->cl);
    if (is_stream) {
        await_live(&s->cl);
    }
    static const char *const symbols[] = {"BTC/USDT", "ETH/USDT"};
    static const char *const prices[] = {"30000", "1500"};
    static const char *const qtys[] = {"0.01", "0.1"};
    for (int i = 0; i < STEADY_ORDERS; i++) {
        int n =
            snprintf(fl_msg, sizeof fl_msg,
                     "{\"type\":\"new_order\",\"strategy\":\"bench\","
                     "\"client_order_id\":\"s%dn%d\",\"symbol\":\"%s\","
                     "\"side\":\"BUY\",\"order_type\":\"LIMIT\",\"tif\":"
                     "\"GTC\",\"qty\":\"%s\",\"price\":\"%s\"}",
                     is_stream, i, symbols[i % 2], qtys[i % 2], prices[i % 2]);
        zmq_send(s->cl.dealer, fl_msg, (size_t)n, 0);
    }
    /* The acks come in any order: each names its order. */
    for (int acked = 0; acked < STEADY_ORDERS; acked++) {
        if (!await_event(&s->cl, "order", "acked", NULL)) {
            fprintf(stderr, "bench: steady orders not all acked\n");
            exit(1);
        }
        const char *c = strstr(fl_msg, "\"client_order_id\":\"s");
        int is_on = 0, i = -1;
        if (c == NULL ||
            sscanf(c, "\"client_order_id\":\"s%dn%d", &is_on, &i) != 2 ||
            i < 0 || i >= STEADY_ORDERS) {
            fprintf(stderr, "bench: unexpected ack %s\n", fl_msg);
            exit(1);
        }
        bench_event_field(fl_msg, "venue_client_order_id", s->vids[i],
                          sizeof s->vids[i]);
    }
    bench_drain_replies(&s->cl);
}

/* The venue fills a tenth of a lot of resting order k as maker. */
static void
steady_fill(steady *s, int k)
{
    char body[160];
    snprintf(body, sizeof body,
             "{\"client_order_id\":\"%s\",\"qty\":\"%s\",\"price\":\"%s\"}",
             s->vids[k], k % 2 == 0 ? "0.001" : "0.01",
             k % 2 == 0 ? "30000" : "1500");
    admin(&s->sim, "/_sim/fill", body);
}

/* Count the fill events that came (the stream's; none without it). */
static void
steady_listen(steady *s)
{
    zmq_pollitem_t item = {s->cl.sub, 0, ZMQ_POLLIN, 0};
    while (zmq_poll(&item, 1, 0) > 0 && next_event(&s->cl)) {
        s->fills_heard += strstr(fl_msg, "\"type\":\"fill\"") != NULL;
    }
}

static void
steady_stop(steady *s)
{
    xg_client_close(&s->cl);
    xg_gw_stop(&s->gw);
    xg_sim_stop(&s->sim);
}

/* Phase 3: the two gateways side by side for `seconds`, each venue
 * filling one of its resting orders by a tenth of a lot every 10 s; the
 * REST requests each spent learning fills. */
static void
steady_rest(long seconds)
{
    steady on, off;
    steady_start(&on, 1);
    steady_start(&off, 0);
    size_t before_on = rest_learning(&on.sim);
    size_t before_off = rest_learning(&off.sim);
    int64_t end = bench_now_ns() + (int64_t)seconds * 1000000000;
    int64_t next_fill = bench_now_ns();
    int k = 0, fills = 0;
    while (bench_now_ns() < end) {
        if (bench_now_ns() >= next_fill) {
            steady_fill(&on, k % STEADY_ORDERS);
            steady_fill(&off, k % STEADY_ORDERS);
            k++;
            fills++;
            next_fill += 10000000000LL;
        }
        steady_listen(&on);
        struct timespec ts = {0, 50000000};
        nanosleep(&ts, NULL);
    }
    steady_listen(&on);
    size_t with_stream = rest_learning(&on.sim) - before_on;
    size_t with_sweep = rest_learning(&off.sim) - before_off;
    printf("%-44s %ld s, %d fills: stream live %zu requests (%zu fill "
           "events), sweep (stream off) %zu = %.1f a minute\n",
           "REST learning fills, 20 resting orders", seconds, fills,
           with_stream, on.fills_heard, with_sweep,
           (double)with_sweep * 60.0 / (double)seconds);
    steady_stop(&on);
    steady_stop(&off);
}

int
main(int argc, char **argv)
{
    size_t n_lat = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 300;
    size_t n_burst = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 2000;
    long seconds = argc > 3 ? strtol(argv[3], NULL, 10) : 600;
    if (n_lat == 0 || n_burst == 0 || n_lat > 100000 || n_burst > 100000 ||
        seconds < 1 || seconds > 3600) {
        fprintf(stderr, "usage: bench_fills [N_LATENCY] [N_BURST] "
                        "[SECONDS]\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    xg_sim_proc sim;
    start_sim(&sim);
    xg_gw_proc gw;
    xg_client cl;
    start_gateway(&sim, 1, &gw, &cl);
    await_live(&cl);
    printf("fills from OKX's private stream (xgsim) to the strategy, "
           "journal normal\n");
    admin(&sim, "/_sim/market",
          "{\"symbol\":\"BTC-USDT\",\"levels\":1,\"level_qty\":\"1000\","
          "\"spread_ticks\":1,\"level_ticks\":1,\"refill_ms\":3600000}");

    int64_t *lat = calloc(n_lat, sizeof *lat);
    int64_t *rtt = calloc(n_lat, sizeof *rtt);
    int64_t *heard_us = calloc(n_lat, sizeof *heard_us);
    char(*vids)[40] = calloc(n_lat, sizeof *vids);
    if (lat == NULL || rtt == NULL || heard_us == NULL || vids == NULL) {
        return 1;
    }
    for (size_t i = 0; i < n_lat; i++) {
        char id[32];
        snprintf(id, sizeof id, "l%zu", i);
        place(&cl, id, "34000");
        if (!await_event(&cl, "order", "acked", id)) {
            fprintf(stderr, "bench: %s not acked\n", id);
            return 1;
        }
        bench_event_field(fl_msg, "venue_client_order_id", vids[i],
                          sizeof vids[i]);
        bench_drain_replies(&cl);
        int64_t t0 = bench_now_ns();
        move_to(&sim, "33990");
        int64_t t1 = bench_now_ns();
        if (!await_event(&cl, "fill", NULL, id)) {
            fprintf(stderr, "bench: no fill event for %s\n", id);
            return 1;
        }
        heard_us[i] = wall_us();
        lat[i] = bench_now_ns() - t0;
        rtt[i] = t1 - t0;
        move_to(&sim, "35000");
    }
    report("market move -> fill event (upper bound)", lat, n_lat);
    report("the admin request alone (its round trip)", rtt, n_lat);
    size_t n_pushed = push_to_event(&sim, vids, heard_us, n_lat, lat);
    if (n_pushed > 0) {
        report("venue's fill push -> fill event", lat, n_pushed);
    }

    for (size_t i = 0; i < n_burst; i++) {
        char id[32], price[32];
        snprintf(id, sizeof id, "b%zu", i);
        /* 34000.0 down by 0.1 each: all above the move's 20000. */
        size_t tenths = 340000 - i;
        snprintf(price, sizeof price, "%zu.%zu", tenths / 10, tenths % 10);
        place(&cl, id, price);
        if (i % 200 == 199 || i + 1 == n_burst) {
            for (size_t k = i - i % 200; k <= i; k++) {
                if (!await_event(&cl, "order", "acked", NULL)) {
                    fprintf(stderr, "bench: burst order not acked\n");
                    return 1;
                }
            }
            bench_drain_replies(&cl);
        }
    }
    int64_t cpu0 = bench_cpu_us(gw.pid);
    int64_t t0 = bench_now_ns();
    move_to(&sim, "20000");
    size_t fills = 0;
    while (fills < n_burst && await_event(&cl, "fill", NULL, NULL)) {
        fills++;
    }
    int64_t t1 = bench_now_ns();
    int64_t cpu1 = bench_cpu_us(gw.pid);
    double secs = (double)(t1 - t0) / 1e9;
    printf("%-44s %zu of %zu fills in %.3f s = %.0f fills/s, xgated CPU "
           "%.1f us per fill\n",
           "burst: one move fills every resting order", fills, n_burst, secs,
           (double)fills / secs, (double)(cpu1 - cpu0) / (double)fills);
    /* For a profile of the burst alone: perf record -k CLOCK_MONOTONIC,
     * then perf report --time with these two. */
    printf("%-44s %.6f,%.6f (CLOCK_MONOTONIC s)\n", "burst window",
           (double)t0 / 1e9, (double)t1 / 1e9);
    xg_client_close(&cl);
    xg_gw_stop(&gw);

    xg_sim_stop(&sim);
    steady_rest(seconds);
    free(lat);
    free(rtt);
    free(heard_us);
    free(vids);
    return fills == n_burst ? 0 : 1;
}
