/*
 * bench_gateway.c - what the gateway costs and sustains, end to end.
 *
 * Starts xgsim (limits off) and xgated on loopback and plays a strategy:
 *  1. direct: this process sends the same signed order request to the
 *     simulator over one keep-alive connection with libcurl, one at a time.
 *     That is the floor: the simulator's own time plus loopback.
 *  2. round trip through the gateway, one order in flight: strategy send ->
 *     ZMQ -> parse, sign, HTTP keep-alive POST -> simulator -> ack event
 *     back. Gateway's share = this minus (1).
 *  3. the same at a paced 1,000 orders/s.
 *  4. pipelined: N orders sent as fast as possible, time until all acked.
 *  5. peak RSS of xgated after 10,000 resting orders.
 * Memory is read first, on the fresh gateway (its 10,000 resting orders
 * stay on the book for every later phase); timed orders are IOC below the
 * market, so they expire at once and the book stays the same size.
 * Prints median, p99 and max; never pass/fail.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <zmq.h>

#include "gw_launch.h"
#include "xgate/json.h"
#include "sim_launch.h"

static int64_t
now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void
report(const char *what, int64_t *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_i64);
    printf("%-44s n=%zu  p50 %7.1f us  p99 %7.1f us  max %8.1f us\n", what, n,
           (double)v[n / 2] / 1e3, (double)v[n * 99 / 100] / 1e3,
           (double)v[n - 1] / 1e3);
}

static size_t
discard(char *p, size_t s, size_t n, void *u)
{
    (void)p;
    (void)u;
    return s * n;
}

/* The floor: the simulator placing a signed order sent by a plain libcurl
 * loop over one warm connection, the same request the gateway sends. */
static void
bench_direct(int port, int64_t *out, size_t n)
{
    CURL *c = curl_easy_init();
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/api/v3/order", port);
    struct curl_slist *h =
        curl_slist_append(NULL, "X-MBX-APIKEY: xgsim-test-key");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
    static const char secret[] = "xgsim-test-secret";
    for (size_t i = 0; i < n + 100; i++) {
        struct timespec wall;
        clock_gettime(CLOCK_REALTIME, &wall);
        char params[512], body[640];
        snprintf(params, sizeof params,
                 "timestamp=%lld&symbol=BTCUSDT&side=BUY&type=LIMIT&"
                 "timeInForce=IOC&quantity=0.001&price=%d&"
                 "newClientOrderId=d%zu&recvWindow=5000",
                 (long long)wall.tv_sec * 1000 + wall.tv_nsec / 1000000,
                 20000 + (int)(i % 1000), i);
        unsigned char mac[32];
        unsigned int mac_len = 0;
        HMAC(EVP_sha256(), secret, (int)strlen(secret),
             (const unsigned char *)params, strlen(params), mac, &mac_len);
        char hex[65];
        for (unsigned k = 0; k < 32; k++) {
            snprintf(hex + 2 * k, 3, "%02x", mac[k]);
        }
        snprintf(body, sizeof body, "%s&signature=%s", params, hex);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        int64_t t0 = now_ns();
        curl_easy_perform(c);
        if (i >= 100) {
            out[i - 100] = now_ns() - t0;
        }
    }
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
}

/* A LIMIT buy below the market: GTC rests on the book, IOC expires at
 * once, so timed orders do not grow the simulator's book as they run. */
static void
send_order(xg_client *cl, const char *id, int price, const char *tif)
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

static void
drain_replies(xg_client *cl)
{
    char buf[4096];
    while (zmq_recv(cl->dealer, buf, sizeof buf, ZMQ_DONTWAIT) >= 0) {
    }
}

/* Wait for the next "acked" (or any order outcome) event; returns 1.
 * The benchmark plays a strategy on the same two cores as the gateway, so
 * it reads events with the allocation-free reader: a client that builds a
 * JSON tree per event would take CPU from what is being measured. */
static int
wait_ack(xg_client *cl, int timeout_ms)
{
    static const char *const outcomes[] = {"acked", "filled", "expired",
                                           "rejected"};
    char body[8192];
    for (;;) {
        zmq_pollitem_t item = {cl->sub, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&item, 1, timeout_ms) <= 0) {
            return 0;
        }
        int more = 1;
        int len = -1;
        while (more) { /* [topic, body]: keep the last frame */
            len = zmq_recv(cl->sub, body, sizeof body - 1, 0);
            size_t more_len = sizeof more;
            zmq_getsockopt(cl->sub, ZMQ_RCVMORE, &more, &more_len);
        }
        if (len < 0 || (size_t)len >= sizeof body) {
            continue;
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

static int order_seq;

static void
bench_round_trip(xg_client *cl, int64_t *out, size_t n, int64_t pace_ns)
{
    int64_t next = now_ns();
    for (size_t i = 0; i < n + 100; i++) {
        if (pace_ns > 0) {
            while (now_ns() < next) {
            }
            next += pace_ns;
        }
        char id[32];
        snprintf(id, sizeof id, "b%d", order_seq++);
        int64_t t0 = now_ns();
        send_order(cl, id, 20000 + order_seq % 1000, "IOC");
        if (!wait_ack(cl, 5000)) {
            char reply[4096] = "";
            int got = zmq_recv(cl->dealer, reply, sizeof reply - 1, ZMQ_DONTWAIT);
            reply[got > 0 ? got : 0] = '\0';
            fprintf(stderr, "bench: no ack for %s (reply: %s)\n", id, reply);
            exit(1);
        }
        if (i >= 100) {
            out[i - 100] = now_ns() - t0;
        }
        drain_replies(cl);
    }
}

static void
bench_pipelined(xg_client *cl, size_t n)
{
    int64_t t0 = now_ns();
    size_t acked = 0, sent = 0;
    while (acked < n) {
        /* Keep the gateway's queue fed without flooding ZeroMQ. */
        while (sent < n && sent - acked < 2000) {
            char id[32];
            snprintf(id, sizeof id, "p%d", order_seq++);
            send_order(cl, id, 20000 + order_seq % 1000, "IOC");
            sent++;
        }
        if (!wait_ack(cl, 10000)) {
            fprintf(stderr, "bench: pipelined stalled at %zu\n", acked);
            exit(1);
        }
        acked++;
        drain_replies(cl);
    }
    double secs = (double)(now_ns() - t0) / 1e9;
    printf("%-44s %zu orders in %.2f s = %.0f orders/s\n",
           "pipelined, limits off", n, secs, (double)n / secs);
}

static long
rss_kib(pid_t pid, const char *field)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    long v = -1;
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, field, strlen(field)) == 0) {
            v = strtol(line + strlen(field), NULL, 10);
        }
    }
    if (f != NULL) {
        fclose(f);
    }
    return v;
}

/* CPU time (user + system, all threads) a process has used, in µs. */
static int64_t
cpu_us(pid_t pid)
{
    char path[64], line[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL || fgets(line, sizeof line, f) == NULL) {
        if (f != NULL) {
            fclose(f);
        }
        return 0;
    }
    fclose(f);
    /* Fields 14 and 15 (utime, stime) follow the ")" ending field 2. */
    const char *p = strrchr(line, ')');
    unsigned long long ut = 0, st = 0;
    if (p == NULL || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u "
                                   "%*u %llu %llu",
                            &ut, &st) != 2) {
        return 0;
    }
    return (int64_t)((ut + st) * 1000000ULL / (unsigned long long)sysconf(_SC_CLK_TCK));
}

int
main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0); /* figures survive an interrupted run */
    size_t n = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 5000;
    size_t n_pipe = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 20000;
    /* bench_gateway N N_PIPE [normal|full|off]: the journal's setting. */
    char journal[64] = "";
    if (argc > 3) {
        snprintf(journal, sizeof journal, "\"journal\": \"%.8s\", ", argv[3]);
    }
    /* Limits off and advertised far above any load here, so the gateway's
     * limiter never waits: this measures the gateway, not the limits. */
    const char *sim_args[] = {"--set", "binance.limits=0",
                              "--set", "binance.orders_limit=100000000",
                              "--set", "binance.orders_day_limit=1000000000",
                              "--set", "binance.weight_limit=1000000000",
                              "--set", "binance.raw_limit=1000000000",
                              NULL};
    xg_sim_proc sim;
    if (xg_sim_start(&sim, sim_args) != XG_OK) {
        fprintf(stderr, "bench: cannot start xgsim\n");
        return 1;
    }
    int port = xg_sim_port(&sim, "binance");
    int64_t *v = calloc(n, sizeof *v);

    const char *venues[] = {"binance"};
    int ports[] = {port};
    xg_gw_proc gw;
    if (xg_gw_start_sim_with(&gw, venues, ports, 1, "\"max_connections\": 8",
                             journal) != XG_OK) {
        fprintf(stderr, "bench: cannot start xgated\n");
        return 1;
    }
    xg_client cl;
    xg_client_open(&cl, &gw, "order.bench");

    /* Memory first, on a fresh gateway: the figure the target is about. */
    long before = rss_kib(gw.pid, "VmHWM:");
    for (int i = 0; i < 10000; i++) {
        char id[32];
        snprintf(id, sizeof id, "r%d", order_seq++);
        send_order(&cl, id, 10000 + i % 5000, "GTC");
        if (i % 1000 == 999) {
            for (int k = 0; k < 1000; k++) {
                wait_ack(&cl, 10000);
            }
            drain_replies(&cl);
        }
    }
    printf("%-44s before %ld KiB, after 10,000 open orders %ld KiB "
           "(VmRSS %ld KiB)\n",
           "xgated peak RSS (VmHWM)", before, rss_kib(gw.pid, "VmHWM:"),
           rss_kib(gw.pid, "VmRSS:"));

    /* The floor, against the same book the gateway's orders meet. */
    bench_direct(port, v, n);
    report("direct to simulator (floor)", v, n);
    int64_t floor_p50 = v[n / 2];

    bench_round_trip(&cl, v, n, 0);
    report("round trip via gateway, 1 in flight", v, n);
    printf("%-44s p50 %.1f us\n", "gateway's share (round trip - floor)",
           (double)(v[n / 2] - floor_p50) / 1e3);

    bench_round_trip(&cl, v, n, 1000000);
    report("round trip via gateway, paced 1,000/s", v, n);

    /* CPU per order says where throughput goes, and varies far less
     * between runs than the rate does on a shared machine. */
    int64_t gw_cpu = cpu_us(gw.pid), sim_cpu = cpu_us(sim.pid);
    bench_pipelined(&cl, n_pipe);
    printf("%-44s xgated %.1f us, xgsim %.1f us\n", "CPU per pipelined order",
           (double)(cpu_us(gw.pid) - gw_cpu) / (double)n_pipe,
           (double)(cpu_us(sim.pid) - sim_cpu) / (double)n_pipe);

    xg_client_close(&cl);
    xg_gw_stop(&gw);
    xg_sim_stop(&sim);
    free(v);
    return 0;
}
