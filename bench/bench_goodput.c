/*
 * bench_goodput.c - how much of each venue's advertised new-order
 * allowance the gateway's limiter uses, and how many rate-limit answers
 * it provokes (targets: >= 97 % for every venue, >= 99 % for Binance, 0
 * rate-limit answers). Prints figures, never pass/fail.
 *
 * Usage: bench_goodput [binance|bybit|okx|kucoin ...] (default: all four).
 *
 * Per venue, one xgsim and one xgated run a scaled-down burst: the bucket
 * that binds new orders is set small on the simulator (--set) and told to
 * the gateway (venue options; Binance learns it from exchangeInfo), the
 * strategy offers (windows + 2) times the allowance at once to that venue
 * alone, and the simulator's own request log is read afterwards: every
 * accepted new order (outcome "placed" or "expired") with its receive time,
 * and every rate-limit answer of any kind on that venue's listener.
 *
 * How windows are counted depends on the venue's window shape:
 *  - Binance's ORDERS window is fixed and clock-aligned ([kW, (k+1)W) in
 *    epoch ms), so the windows are exactly the venue's: the first and last
 *    one holding orders are partial (the burst starts and ends inside
 *    them) and are left out; every window between is full.
 *  - Bybit's create and OKX's place buckets are sliding ("rolling")
 *    windows, and KuCoin's pool is a fixed window that opens at the first
 *    request after the previous one ended. Neither has clock boundaries to
 *    count in, and counting in intervals anchored at the first order would
 *    make the figure depend on how far the limiter's period has drifted
 *    against them. So the measure is the allowance over the time the run
 *    took: a venue with L per W lets accepted order i + L go no earlier
 *    than W after order i (sliding: every interval of W holds at most L;
 *    KuCoin: a client opening each window the moment the previous ends
 *    gets L per W of time), so the share is W / mean(t[i+L] - t[i]) over
 *    the orders i of whole windows (below), i.e. the orders placed over
 *    [first, last] against the allowance of that time. Any time lost
 *    between the venue's windows (e.g. the clock guard the limiter adds to
 *    each expiry) shows up as lost allowance, as it should. A "window" in
 *    the output is L consecutive such spans; its figure is the orders it
 *    placed per W.
 * Printed per venue: the binding bucket and its scaled allowance, orders
 * offered and accepted, the run's time, the share of the allowance over
 * the windows counted, the lowest and highest window, and the venue's
 * rate-limit answers of every kind.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <zmq.h>

#include "gw_launch.h"
#include "sim_launch.h"

/* Longest quiet spell while orders are still outstanding before the run
 * is declared stalled. */
#define GOODPUT_STALL_MS 10000
#define GOODPUT_MAX_ORDERS 8192
#define GOODPUT_MAX_WINDOWS 256

typedef enum goodput_shape {
    GOODPUT_CLOCK_WINDOWS, /* fixed, clock-aligned */
    GOODPUT_SPANS          /* sliding, or fixed opened on first use */
} goodput_shape;

/* One venue's scaled-down run. The simulator gets
 * --set <sim_limit_key>=limit --set <sim_window_key>=window (in
 * sim_window_unit_ms units); the gateway gets the same through its venue
 * options gw_limit_key / gw_window_key (NULL: not an option) plus
 * gw_extra. */
typedef struct goodput_venue {
    const char *name;
    const char *bucket; /* the bucket that binds new orders */
    goodput_shape shape;
    long limit;        /* new orders per window */
    long window_ms;
    int windows;       /* full windows wanted */
    const char *sim_limit_key;
    const char *sim_window_key;
    long sim_window_unit_ms;
    const char *gw_limit_key;
    const char *gw_window_key;
    const char *gw_extra;
    int limited_status[3]; /* HTTP statuses that mean rate-limited; 0 ends */
    int limited_code[3];   /* venue codes that mean rate-limited; 0 ends */
} goodput_venue;

/*
 * Windows: Binance's real ORDERS window is 10 s, scaled to 2 s. Bybit's
 * create bucket is 1 s (the adapter fixes it, so the simulator must match)
 * and OKX's place bucket 2 s: both are the venues' real windows, run at a
 * larger limit for a finer count. KuCoin's Spot pool is 30 s; scaled to
 * 2.5 s, the gateway's clock guard (50 ms by default, added to every
 * sliding-window expiry) is scaled by the same 1/12 to 4 ms, so that the
 * guard costs the same share of a window as it would on the real pool:
 * otherwise the benchmark would measure the scaling, not the limiter.
 *
 * Rate-limit answers: Binance 429 (-1003 weight, -1015 orders) and 418
 * (ban); Bybit retCode 10006 in an HTTP 200 body, or the IP lockout's 403;
 * OKX 50011 / 50061 (HTTP 429 or 200); KuCoin HTTP 429 (429000 pool, 1015
 * Cloudflare IP limit).
 */
static const goodput_venue goodput_venues[] = {
    {"binance", "ORDERS", GOODPUT_CLOCK_WINDOWS, 100, 2000, 10,
     "binance.orders_limit", "binance.orders_window_s", 1000, NULL, NULL, "",
     {429, 418, 0}, {0}},
    {"bybit", "ORDER_CREATE_1S", GOODPUT_SPANS, 50, 1000, 20,
     "bybit.create_per_s", "bybit.endpoint_window_ms", 1, "create_per_s",
     NULL, "", {403, 0}, {10006, 0}},
    {"okx", "PLACE_PER_INST_2S", GOODPUT_SPANS, 60, 2000, 12,
     "okx.place_limit", "okx.window_ms", 1, "place_limit", "window_ms", "",
     {429, 0}, {50011, 50061, 0}},
    {"kucoin", "SPOT_POOL", GOODPUT_SPANS, 250, 2500, 10,
     "kucoin.spot_limit", "kucoin.window_ms", 1, "spot_pool_limit",
     "pool_window_ms", "\"clock_guard_ms\": 4", {429, 0}, {0}},
};

#define GOODPUT_N_VENUES (sizeof goodput_venues / sizeof goodput_venues[0])

typedef struct goodput_result {
    long offered;
    long answered; /* orders the gateway reported on */
    long rejected; /* of those, rejected */
    int64_t elapsed_ms;
    long placed; /* accepted by the venue, from its log */
    long limited; /* rate-limit answers in the venue's log */
    long windows;      /* full windows counted */
    double share;      /* of the allowance over them, 0..1 */
    double min_window; /* orders per window, lowest and highest */
    double max_window;
} goodput_result;

typedef struct goodput_run_state {
    xg_sim_proc sim;
    xg_gw_proc gw;
    xg_client client;
    int has_sim, has_gw, has_client;
} goodput_run_state;

static char goodput_log[32 * 1024 * 1024];
static int64_t goodput_times[GOODPUT_MAX_ORDERS];
static unsigned char goodput_done[GOODPUT_MAX_ORDERS];

static const goodput_venue *
goodput_find(const char *name)
{
    for (size_t i = 0; i < GOODPUT_N_VENUES; i++) {
        if (strcmp(goodput_venues[i].name, name) == 0) {
            return &goodput_venues[i];
        }
    }
    return NULL;
}

/* The venue-object JSON that tells xgated v's scaled bucket. */
static xg_err
goodput_gw_options(const goodput_venue *v, char *out, size_t cap)
{
    char window[96] = "";
    int len = 0;

    if (v->gw_window_key != NULL) {
        snprintf(window, sizeof window, ", \"%s\": %ld", v->gw_window_key,
                 v->window_ms);
    }
    if (v->gw_limit_key == NULL) {
        len = snprintf(out, cap, "%s", v->gw_extra);
    } else {
        len = snprintf(out, cap, "\"options\": {\"%s\": %ld%s}%s%s",
                       v->gw_limit_key, v->limit, window,
                       v->gw_extra[0] != '\0' ? ", " : "", v->gw_extra);
    }
    return len >= 0 && (size_t)len < cap ? XG_OK : XG_ERR_TRUNCATED;
}

/* Start xgsim with v's listener and scaled bucket, then xgated on it. */
static xg_err
goodput_start(const goodput_venue *v, goodput_run_state *s)
{
    char listen[64], set_limit[96], set_window[96], options[256];

    snprintf(listen, sizeof listen, "%s=127.0.0.1:0", v->name);
    snprintf(set_limit, sizeof set_limit, "%s=%ld", v->sim_limit_key,
             v->limit);
    snprintf(set_window, sizeof set_window, "%s=%ld", v->sim_window_key,
             v->window_ms / v->sim_window_unit_ms);
    /* xg_sim_start always adds binance; a second --venue for it would be
     * refused. */
    const char *with_listener[] = {"--venue", listen,     "--set", set_limit,
                                   "--set",   set_window, NULL};
    const char *const *sim_args =
        strcmp(v->name, "binance") == 0 ? with_listener + 2 : with_listener;
    if (xg_sim_start(&s->sim, sim_args) != XG_OK) {
        fprintf(stderr, "bench: %s: cannot start xgsim\n", v->name);
        return XG_ERR_IO;
    }
    s->has_sim = 1;

    if (goodput_gw_options(v, options, sizeof options) != XG_OK) {
        return XG_ERR_TRUNCATED;
    }
    const char *venues[] = {v->name};
    int ports[] = {xg_sim_port(&s->sim, v->name)};
    if (xg_gw_start_sim(&s->gw, venues, ports, 1, options) != XG_OK) {
        fprintf(stderr, "bench: %s: cannot start xgated\n", v->name);
        return XG_ERR_IO;
    }
    s->has_gw = 1;
    if (xg_client_open(&s->client, &s->gw, "order.bench") != XG_OK) {
        fprintf(stderr, "bench: %s: cannot connect to xgated\n", v->name);
        return XG_ERR_IO;
    }
    s->has_client = 1;
    return XG_OK;
}

static void
goodput_stop(goodput_run_state *s)
{
    if (s->has_client) {
        xg_client_close(&s->client);
    }
    if (s->has_gw) {
        xg_gw_stop(&s->gw);
    }
    if (s->has_sim) {
        xg_sim_stop(&s->sim);
    }
}

/* Send n resting limit buys (below the simulators' 35000) to venue, all at
 * once: the gateway paces them. Resting orders are acknowledged as open,
 * so no follow-up query shares the bucket being measured (a market order
 * on an ack-only venue costs one more: see docs/performance.md). */
static void
goodput_offer(xg_client *cl, const goodput_venue *v, long n)
{
    for (long i = 0; i < n; i++) {
        char msg[512];
        int len = snprintf(msg, sizeof msg,
                           "{\"type\":\"new_order\",\"strategy\":\"bench\","
                           "\"client_order_id\":\"g%ld\",\"symbol\":"
                           "\"BTC/USDT\",\"side\":\"BUY\",\"order_type\":"
                           "\"LIMIT\",\"qty\":\"0.001\",\"price\":\"30000\","
                           "\"venues\":[\"%s\"]}",
                           i, v->name);
        zmq_send(cl->dealer, msg, (size_t)len, 0);
    }
}

/* The order index of an event for one of our orders ("g<i>"), or -1. */
static long
goodput_event_index(json_t *ev)
{
    const char *cid = json_string_value(
        json_object_get(json_object_get(ev, "order"), "client_order_id"));
    if (cid == NULL || cid[0] != 'g') {
        return -1;
    }
    char *end = NULL;
    long i = strtol(cid + 1, &end, 10);
    return end != cid + 1 && *end == '\0' && i >= 0 && i < GOODPUT_MAX_ORDERS
               ? i
               : -1;
}

/* Wait until the gateway has reported a venue answer (or a rejection) for
 * each of the n orders, counting an order once whatever events follow. */
static void
goodput_drain(xg_client *cl, const goodput_venue *v, goodput_result *r)
{
    static const char *const answered[] = {"acked",   "partially_filled",
                                           "filled",  "expired",
                                           "canceled", "rejected"};
    memset(goodput_done, 0, sizeof goodput_done);
    while (r->answered < r->offered) {
        json_t *ev = xg_client_event(cl, GOODPUT_STALL_MS, NULL, 0);
        if (ev == NULL) {
            fprintf(stderr, "bench: %s: stalled at %ld of %ld orders\n",
                    v->name, r->answered, r->offered);
            return;
        }
        const char *e = json_string_value(json_object_get(ev, "event"));
        long i = goodput_event_index(ev);
        for (size_t k = 0; e != NULL && i >= 0 && !goodput_done[i] &&
                           k < sizeof answered / sizeof answered[0];
             k++) {
            if (strcmp(e, answered[k]) == 0) {
                goodput_done[i] = 1;
                r->answered++;
                r->rejected += strcmp(e, "rejected") == 0;
            }
        }
        json_decref(ev);
    }
}

static int
goodput_in_list(const int *list, size_t cap, int value)
{
    for (size_t i = 0; i < cap && list[i] != 0; i++) {
        if (list[i] == value) {
            return 1;
        }
    }
    return 0;
}

static int
goodput_is_limited(const goodput_venue *v, int status, int code)
{
    size_t ns = sizeof v->limited_status / sizeof v->limited_status[0];
    size_t nc = sizeof v->limited_code / sizeof v->limited_code[0];
    return goodput_in_list(v->limited_status, ns, status) ||
           (code != 0 && goodput_in_list(v->limited_code, nc, code));
}

static int
goodput_cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Read the venue's request log: the receive times of accepted new orders
 * (sorted, into goodput_times) and the count of rate-limit answers. */
static xg_err
goodput_read_log(const xg_sim_proc *sim, const goodput_venue *v,
                 goodput_result *r)
{
    xg_err e = xg_sim_log_fetch(sim, v->name, 0, goodput_log,
                                sizeof goodput_log);
    if (e != XG_OK) {
        fprintf(stderr, "bench: %s: cannot read the simulator log\n",
                v->name);
        return e;
    }
    if (strlen(goodput_log) == sizeof goodput_log - 1) {
        fprintf(stderr, "bench: %s: simulator log truncated\n", v->name);
    }
    for (char *line = goodput_log; *line != '\0';) {
        char *nl = strchr(line, '\n');
        size_t len = nl != NULL ? (size_t)(nl - line) : strlen(line);
        json_t *o = json_loadb(line, len, 0, NULL);
        line += len + (nl != NULL);
        if (o == NULL) {
            continue;
        }
        int status = (int)json_integer_value(json_object_get(o, "status"));
        int code = (int)json_integer_value(json_object_get(o, "code"));
        const char *outcome =
            json_string_value(json_object_get(o, "outcome"));
        r->limited += goodput_is_limited(v, status, code);
        if (outcome != NULL && (strcmp(outcome, "placed") == 0 ||
                                strcmp(outcome, "expired") == 0)) {
            if (r->placed < GOODPUT_MAX_ORDERS) {
                goodput_times[r->placed] =
                    json_integer_value(json_object_get(o, "t_ms"));
            }
            r->placed++;
        }
        json_decref(o);
    }
    if (r->placed > GOODPUT_MAX_ORDERS) {
        r->placed = GOODPUT_MAX_ORDERS;
    }
    qsort(goodput_times, (size_t)r->placed, sizeof goodput_times[0],
          goodput_cmp_i64);
    return XG_OK;
}

/* Clock-aligned fixed windows: count the orders of each window of
 * [kW, (k+1)W) between the partial ones that hold the first and the last
 * order. */
static void
goodput_clock_windows(const goodput_venue *v, goodput_result *r)
{
    long per_window[GOODPUT_MAX_WINDOWS] = {0};
    int64_t first = goodput_times[0] / v->window_ms + 1;
    int64_t last = goodput_times[r->placed - 1] / v->window_ms;
    long in_full = 0;

    if (last - first > GOODPUT_MAX_WINDOWS) {
        last = first + GOODPUT_MAX_WINDOWS;
    }
    for (long i = 0; i < r->placed; i++) {
        int64_t w = goodput_times[i] / v->window_ms;
        if (w >= first && w < last) {
            per_window[w - first]++;
        }
    }
    r->windows = last > first ? (long)(last - first) : 0;
    if (r->windows == 0) {
        return;
    }
    r->min_window = (double)per_window[0];
    r->max_window = r->min_window;
    for (long w = 0; w < r->windows; w++) {
        double c = (double)per_window[w];
        in_full += per_window[w];
        r->min_window = c < r->min_window ? c : r->min_window;
        r->max_window = c > r->max_window ? c : r->max_window;
    }
    r->share = (double)in_full / ((double)r->windows * (double)v->limit);
}

/* Windows without clock boundaries (see the file comment). The venue
 * lets order i + L go no earlier than W after order i, so the span
 * t[i+L] - t[i] is W at best, and W over the mean span is the share of
 * the allowance used, i.e. the orders placed over [first, last] against
 * the allowance of that time. A window here is L consecutive such spans
 * (orders bL .. bL + L - 1, each to its L-th successor): its figure is
 * L * W / (its mean span), the orders it placed per W. Averaging over L
 * spans keeps a burst's position out of the figure when the limiter
 * sends fewer than L per W (a reserve held back), where a single span
 * may reach over two bursts. */
static void
goodput_lag_windows(const goodput_venue *v, goodput_result *r)
{
    long spans = r->placed - v->limit;
    int64_t total_ms = 0;

    r->windows = spans > 0 ? spans / v->limit : 0;
    for (long b = 0; b < r->windows; b++) {
        int64_t sum_ms = 0;
        for (long i = b * v->limit; i < (b + 1) * v->limit; i++) {
            sum_ms += goodput_times[i + v->limit] - goodput_times[i];
        }
        if (sum_ms <= 0) { /* only with a clock stepping backwards */
            r->windows = 0;
            return;
        }
        double per_window = (double)v->limit * (double)v->limit *
                            (double)v->window_ms / (double)sum_ms;
        r->min_window =
            b == 0 || per_window < r->min_window ? per_window : r->min_window;
        r->max_window =
            b == 0 || per_window > r->max_window ? per_window : r->max_window;
        total_ms += sum_ms;
    }
    if (r->windows > 0) {
        r->share = (double)r->windows * (double)v->limit *
                   (double)v->window_ms / (double)total_ms;
    }
}

static void
goodput_print(const goodput_venue *v, const goodput_result *r)
{
    char windows[64];

    if (v->shape == GOODPUT_CLOCK_WINDOWS) {
        snprintf(windows, sizeof windows, "%ld clock windows", r->windows);
    } else {
        snprintf(windows, sizeof windows, "%ld windows of %ld spans",
                 r->windows, v->limit);
    }
    printf("%-7s %-17s %3ld per %4ld ms: offered %4ld, placed %4ld in "
           "%4.1f s; %s: %6.2f%% of allowance, min %.1f max %.1f per "
           "window; rate-limit answers %ld",
           v->name, v->bucket, v->limit, v->window_ms, r->offered, r->placed,
           (double)r->elapsed_ms / 1000.0, windows, 100.0 * r->share,
           r->min_window, r->max_window, r->limited);
    if (r->rejected > 0 || r->answered < r->offered) {
        printf("; gateway rejected %ld, unanswered %ld", r->rejected,
               r->offered - r->answered);
    }
    printf("\n");
    fflush(stdout);
}

/* One venue's run, start to report. */
static xg_err
goodput_run(const goodput_venue *v)
{
    goodput_run_state s;
    goodput_result r;

    memset(&s, 0, sizeof s);
    memset(&r, 0, sizeof r);
    r.offered = v->limit * (v->windows + 2);
    if (r.offered > GOODPUT_MAX_ORDERS) {
        return XG_ERR_INVALID;
    }
    xg_err e = goodput_start(v, &s);
    if (e == XG_OK) {
        int64_t t0 = xg_test_now_ms();
        goodput_offer(&s.client, v, r.offered);
        goodput_drain(&s.client, v, &r);
        r.elapsed_ms = xg_test_now_ms() - t0;
        e = goodput_read_log(&s.sim, v, &r);
    }
    if (e == XG_OK) {
        if (r.placed == 0) {
            r.windows = 0;
        } else if (v->shape == GOODPUT_CLOCK_WINDOWS) {
            goodput_clock_windows(v, &r);
        } else {
            goodput_lag_windows(v, &r);
        }
        goodput_print(v, &r);
    }
    goodput_stop(&s);
    return e;
}

int
main(int argc, char **argv)
{
    int failed = 0;

    for (int i = 1; i < argc; i++) {
        if (goodput_find(argv[i]) == NULL) {
            fprintf(stderr, "usage: bench_goodput [binance|bybit|okx|kucoin"
                            " ...]\n");
            return 2;
        }
    }
    if (argc <= 1) {
        for (size_t i = 0; i < GOODPUT_N_VENUES; i++) {
            failed |= goodput_run(&goodput_venues[i]) != XG_OK;
        }
    }
    for (int i = 1; i < argc; i++) {
        failed |= goodput_run(goodput_find(argv[i])) != XG_OK;
    }
    return failed;
}
