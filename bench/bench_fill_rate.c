/*
 * bench_fill_rate.c - how many fills a second one gateway carries from a
 * venue's private stream to its strategy, and its CPU per fill (issue 13).
 * Prints figures, never pass/fail.
 *
 * Usage: bench_fill_rate [N_BURST] [ROUNDS] [JOURNAL] (defaults 8000, 5
 * and normal; JOURNAL off, normal or full).
 *
 * bench_fills measures the same chain against xgsim, whose stream thread
 * renders each push with Jansson and takes about half of two cores doing
 * it: there the simulator bounds the figure. Here xgsim only serves OKX's
 * REST side (placing the orders); the gateway's OKX stream connects to a
 * feeder (fill_feeder.c) that answers the login and the subscription and
 * then writes OKX order pushes rendered beforehand, one per fill as OKX
 * sends them (state filled, fillSz, tradeId, fee), for orders the gateway
 * really placed and holds. Each round places N_BURST resting orders,
 * renders one filled push for each, and times from the push's start to
 * the last `fill` event at the strategy (this process); xgated's CPU
 * (user + system, all threads) over the same span gives the CPU per
 * fill.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <zmq.h>

#include "bench_orders.h"
#include "bench_util.h"
#include "fill_feeder.h"
#include "gw_launch.h"
#include "sim_launch.h"

#define WAIT_MS 10000
/* The largest OKX push rendered here, framed. */
#define PUSH_MAX 2048

static char fr_msg[8192];
static xg_sim_proc fr_sim;
static xg_gw_proc fr_gw;
static bench_feeder *fr_feeder;

/* Say why on stderr, stop what runs and exit 1. */
static void
fail(const char *why)
{
    fprintf(stderr, "bench: %s\n", why);
    if (fr_gw.pid > 0) {
        xg_gw_stop(&fr_gw);
    }
    xg_sim_stop(&fr_sim);
    bench_feeder_stop(&fr_feeder);
    exit(1);
}

/* The next event's body into fr_msg: 1, or 0 after WAIT_MS. */
static int
next_event(xg_client *cl)
{
    return bench_next_event(cl, fr_msg, sizeof fr_msg, WAIT_MS) >= 0;
}

/* One order of a round, as its ack told it. */
typedef struct placed {
    char price[24];
    char venue_order_id[40];
    char venue_client_id[40];
} placed;

/* Place n resting buys of 0.001 on BTC/USDT, at prices falling by 0.1
 * from 34000, ids r<round>o<i>; their acks into out (by i). */
static void
place_round(xg_client *cl, int round, placed *out, size_t n)
{
    char msg[512];
    for (size_t i = 0; i < n; i++) {
        size_t tenths = 340000 - i;
        snprintf(out[i].price, sizeof out[i].price, "%zu.%zu", tenths / 10,
                 tenths % 10);
        int len = snprintf(msg, sizeof msg,
                           "{\"type\":\"new_order\",\"strategy\":\"bench\","
                           "\"client_order_id\":\"r%do%zu\",\"symbol\":"
                           "\"BTC/USDT\",\"side\":\"BUY\",\"order_type\":"
                           "\"LIMIT\",\"tif\":\"GTC\",\"qty\":\"0.001\","
                           "\"price\":\"%s\"}",
                           round, i, out[i].price);
        zmq_send(cl->dealer, msg, (size_t)len, 0);
        if (i % 200 != 199 && i + 1 != n) {
            continue;
        }
        for (size_t k = i - i % 200; k <= i;) {
            if (!next_event(cl)) {
                fail("orders not acked");
            }
            if (strstr(fr_msg, "\"event\":\"rejected\"") != NULL) {
                fprintf(stderr, "%s\n", fr_msg);
                fail("an order was rejected");
            }
            if (strstr(fr_msg, "\"event\":\"acked\"") == NULL) {
                continue;
            }
            char id[32];
            bench_event_field(fr_msg, "client_order_id", id, sizeof id);
            size_t at = (size_t)strtoul(strchr(id, 'o') + 1, NULL, 10);
            if (at >= n) {
                fail("an ack of an order not placed");
            }
            bench_event_field(fr_msg, "venue_order_id", out[at].venue_order_id,
                              sizeof out[at].venue_order_id);
            bench_event_field(fr_msg, "venue_client_order_id",
                              out[at].venue_client_id,
                              sizeof out[at].venue_client_id);
            k++;
        }
        bench_drain_replies(cl);
    }
}

/* OKX's push of order o filled whole as maker at its price in one trade
 * (streams.md: the orders channel, one message per fill), framed, into
 * out; its length. */
static size_t
render_fill(const placed *o, int64_t trade_id, int64_t now_ms, char *out,
            size_t cap)
{
    char text[PUSH_MAX];
    int n = snprintf(
        text, sizeof text,
        "{\"arg\":{\"channel\":\"orders\",\"instType\":\"SPOT\",\"uid\":"
        "\"100000000\"},\"data\":[{\"instType\":\"SPOT\",\"instId\":"
        "\"BTC-USDT\",\"tgtCcy\":\"\",\"ccy\":\"\",\"ordId\":\"%s\","
        "\"clOrdId\":\"%s\",\"tag\":\"\",\"px\":\"%s\",\"pxUsd\":\"\","
        "\"pxVol\":\"\",\"pxType\":\"\",\"sz\":\"0.001\",\"notionalUsd\":\"\","
        "\"ordType\":\"limit\",\"side\":\"buy\",\"posSide\":\"\",\"tdMode\":"
        "\"cash\",\"fillPx\":\"%s\",\"tradeId\":\"%lld\",\"fillSz\":\"0.001\","
        "\"fillPnl\":\"0\",\"fillTime\":\"%lld\",\"fillFee\":\"-0.0000008\","
        "\"fillFeeCcy\":\"BTC\",\"fillPxVol\":\"\",\"fillPxUsd\":\"\","
        "\"fillMarkVol\":\"\",\"fillFwdPx\":\"\",\"fillMarkPx\":\"\","
        "\"fillIdxPx\":\"\",\"execType\":\"M\",\"accFillSz\":\"0.001\","
        "\"fillNotionalUsd\":\"\",\"avgPx\":\"%s\",\"state\":\"filled\","
        "\"lever\":\"0\",\"attachAlgoClOrdId\":\"\",\"tpTriggerPx\":\"\","
        "\"tpTriggerPxType\":\"\",\"tpOrdPx\":\"\",\"slTriggerPx\":\"\","
        "\"slTriggerPxType\":\"\",\"slOrdPx\":\"\",\"attachAlgoOrds\":[],"
        "\"linkedAlgoOrd\":{\"algoId\":\"\"},\"stpId\":\"\",\"stpMode\":"
        "\"cancel_maker\",\"feeCcy\":\"BTC\",\"fee\":\"-0.0000008\","
        "\"rebateCcy\":\"USDT\",\"rebate\":\"0\",\"pnl\":\"0\",\"source\":\"\","
        "\"cancelSource\":\"\",\"amendSource\":\"\",\"category\":\"normal\","
        "\"isTpLimit\":\"false\",\"uTime\":\"%lld\",\"cTime\":\"%lld\","
        "\"reqId\":\"\",\"amendResult\":\"\",\"reduceOnly\":\"false\","
        "\"quickMgnType\":\"\",\"algoClOrdId\":\"\",\"algoId\":\"\","
        "\"lastPx\":\"%s\",\"code\":\"0\",\"msg\":\"\",\"tradeQuoteCcy\":"
        "\"USDT\"}]}",
        o->venue_order_id, o->venue_client_id, o->price, o->price,
        (long long)trade_id, (long long)now_ms, o->price, (long long)now_ms,
        (long long)now_ms - 1000, o->price);
    if (n <= 0 || (size_t)n >= sizeof text) {
        fail("a push does not fit");
    }
    return bench_feeder_frame(out, cap, text, (size_t)n);
}

static void
await_live(xg_client *cl)
{
    if (!bench_await_stream_live(cl, WAIT_MS)) {
        fail("the stream never went live");
    }
}

int
main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 8000;
    int rounds = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 5;
    const char *journal = argc > 3 ? argv[3] : "normal";
    if (n == 0 || n > 100000 || rounds < 1 || rounds > 100 ||
        (strcmp(journal, "off") != 0 && strcmp(journal, "normal") != 0 &&
         strcmp(journal, "full") != 0)) {
        fprintf(stderr, "usage: bench_fill_rate [N_BURST] [ROUNDS] "
                        "[off|normal|full]\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    /* The test account with funds for every round's resting orders: they
     * stay open on the simulator, which never hears of the feeder's
     * fills. */
    char accounts[] = "/tmp/xg-bench-accounts-XXXXXX";
    int fd = mkstemp(accounts);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (f == NULL ||
        fprintf(f, "[{\"venue\": \"okx\", \"api_key\": \"xgsim-test-key\", "
                   "\"secret\": \"xgsim-test-secret\", \"passphrase\": "
                   "\"xgsim-test-pass\", \"balances\": {\"USDT\": "
                   "\"90000000000\", \"BTC\": \"100\"}}]\n") < 0 ||
        fclose(f) != 0) {
        fail("cannot write the accounts file");
    }
    const char *sim_args[] = {"--venue",    "okx=127.0.0.1:0", "--set",
                              "okx.walk=0", "--set",           "okx.limits=0",
                              "--accounts", accounts,          NULL};
    fr_feeder = bench_feeder_start();
    xg_err started =
        fr_feeder != NULL ? xg_sim_start(&fr_sim, sim_args) : XG_ERR_IO;
    unlink(accounts);
    if (started != XG_OK) {
        fail("cannot start xgsim or the feeder");
    }
    const char *venues[] = {"okx"};
    int ports[] = {xg_sim_port(&fr_sim, "okx")};
    char extra[512];
    snprintf(extra, sizeof extra,
             "\"stream\": true, \"options\": {\"place_limit\": \"100000\", "
             "\"stream_url\": \"ws://127.0.0.1:%d/ws/v5/private\"}",
             bench_feeder_port(fr_feeder));
    char root[64];
    snprintf(root, sizeof root, "\"journal\": \"%s\",", journal);
    xg_client cl;
    if (xg_gw_start_sim_with(&fr_gw, venues, ports, 1, extra, root) != XG_OK ||
        xg_client_open(&cl, &fr_gw, "order.bench") != XG_OK) {
        fail("cannot start xgated");
    }
    await_live(&cl);
    printf("fills from OKX's private stream (a feeder writing pushes "
           "rendered beforehand) to the strategy, journal %s, "
           "%zu fills a round\n",
           journal, n);

    placed *orders = calloc(n, sizeof *orders);
    char *frames = malloc(n * PUSH_MAX);
    int64_t *rate = calloc((size_t)rounds, sizeof *rate);       /* fills/s */
    int64_t *cpu_ns = calloc((size_t)rounds, sizeof *cpu_ns);   /* a fill */
    int64_t *loop_ns = calloc((size_t)rounds, sizeof *loop_ns); /* a fill */
    if (orders == NULL || frames == NULL || rate == NULL || cpu_ns == NULL ||
        loop_ns == NULL) {
        fail("out of memory");
    }
    int64_t trade_id = 900000000;
    for (int r = 0; r < rounds; r++) {
        place_round(&cl, r, orders, n);
        size_t len = 0;
        int64_t now_ms = xg_test_wall_ms();
        for (size_t i = 0; i < n; i++) {
            len += render_fill(&orders[i], trade_id++, now_ms, frames + len,
                               n * PUSH_MAX - len);
        }
        int64_t cpu0 = bench_cpu_us(fr_gw.pid);
        int64_t loop0 = bench_main_thread_cpu_us(fr_gw.pid);
        int64_t t0 = bench_now_ns();
        bench_feeder_push(fr_feeder, frames, len);
        size_t fills = 0;
        while (fills < n && next_event(&cl)) {
            fills += strstr(fr_msg, "\"type\":\"fill\"") != NULL;
        }
        int64_t t1 = bench_now_ns();
        int64_t cpu1 = bench_cpu_us(fr_gw.pid);
        int64_t loop1 = bench_main_thread_cpu_us(fr_gw.pid);
        int64_t written = bench_feeder_pushed_ns(fr_feeder);
        if (fills < n) {
            fprintf(stderr, "bench: %zu of %zu fills heard\n", fills, n);
            fail("fills missing");
        }
        rate[r] = (int64_t)((double)n / ((double)(t1 - t0) / 1e9));
        cpu_ns[r] = (cpu1 - cpu0) * 1000 / (int64_t)n;
        loop_ns[r] = (loop1 - loop0) * 1000 / (int64_t)n;
        printf("round %d: %zu fills in %.3f s = %lld fills/s, xgated CPU "
               "%.1f us per fill (its loop %.1f); the feeder wrote them all "
               "in %.3f s; window %.6f,%.6f (CLOCK_MONOTONIC s)\n",
               r + 1, n, (double)(t1 - t0) / 1e9, (long long)rate[r],
               (double)cpu_ns[r] / 1e3, (double)loop_ns[r] / 1e3,
               (double)(written - t0) / 1e9, (double)t0 / 1e9,
               (double)t1 / 1e9);
    }
    qsort(rate, (size_t)rounds, sizeof *rate, bench_cmp_i64);
    qsort(cpu_ns, (size_t)rounds, sizeof *cpu_ns, bench_cmp_i64);
    qsort(loop_ns, (size_t)rounds, sizeof *loop_ns, bench_cmp_i64);
    printf("%-44s median %lld fills/s (min %lld, max %lld), xgated CPU "
           "median %.1f us per fill, its loop thread %.1f us (one core's "
           "ceiling %.0f fills/s)\n",
           "fills per second through one gateway", (long long)rate[rounds / 2],
           (long long)rate[0], (long long)rate[rounds - 1],
           (double)cpu_ns[rounds / 2] / 1e3, (double)loop_ns[rounds / 2] / 1e3,
           loop_ns[rounds / 2] > 0 ? 1e9 / (double)loop_ns[rounds / 2] : 0.0);
    xg_client_close(&cl);
    xg_gw_stop(&fr_gw);
    xg_sim_stop(&fr_sim);
    bench_feeder_stop(&fr_feeder);
    free(orders);
    free(frames);
    free(rate);
    free(cpu_ns);
    free(loop_ns);
    return 0;
}
