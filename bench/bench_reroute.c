/*
 * bench_reroute.c - how long a ban costs an order: from the moment the
 * banning venue's answer is ready to the moment the rerouted request
 * reaches the next venue.
 *
 * xgsim runs Binance and Bybit; the gateway routes to Binance first, with
 * one request in flight, so orders queue behind the one that meets the
 * ban. Each round bans Binance through the admin API, offers a burst of
 * orders, and waits until all are acked on Bybit, Bybit's 1 s order window
 * has emptied and Binance is back. From
 * the simulators' logs (µs timestamps): Binance's ban answer (done_us) to
 * Bybit's receipt (t_us) of each moved order. Printed, never pass/fail.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <zmq.h>

#include "bench_util.h"
#include "gw_launch.h"
#include "sim_launch.h"

enum { ROUNDS = 60, BURST = 10 };

static char log_buf[8 * 1024 * 1024];

/* The venue's log as an array (given). */
static json_t *
venue_log(xg_sim_proc *sim, const char *venue)
{
    json_t *arr = json_array();
    if (xg_sim_log_fetch(sim, venue, 0, log_buf, sizeof log_buf) != XG_OK) {
        return arr;
    }
    for (char *line = log_buf; *line != '\0';) {
        char *nl = strchr(line, '\n');
        size_t n = nl != NULL ? (size_t)(nl - line) : strlen(line);
        json_t *o = json_loadb(line, n, 0, NULL);
        if (o != NULL) {
            json_array_append_new(arr, o);
        }
        line += n + (nl != NULL);
    }
    return arr;
}

/* t_us of the log entry for a POST carrying client id `id`, or -1. */
static int64_t
received_us(json_t *log, const char *id)
{
    size_t i;
    json_t *o;
    json_array_foreach(log, i, o) {
        const char *c =
            json_string_value(json_object_get(o, "client_order_id"));
        const char *m = json_string_value(json_object_get(o, "method"));
        if (c != NULL && m != NULL && strcmp(m, "POST") == 0 &&
            strcmp(c, id) == 0) {
            return json_integer_value(json_object_get(o, "t_us"));
        }
    }
    return -1;
}

/* done_us of the first 418 after since_us, or -1. */
static int64_t
ban_answer_us(json_t *log, int64_t since_us)
{
    size_t i;
    json_t *o;
    json_array_foreach(log, i, o) {
        int64_t t = json_integer_value(json_object_get(o, "t_us"));
        if (t >= since_us &&
            json_integer_value(json_object_get(o, "status")) == 418) {
            return json_integer_value(json_object_get(o, "done_us"));
        }
    }
    return -1;
}

static int64_t
wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int
main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *sim_args[] = {"--venue", "bybit=127.0.0.1:0", NULL};
    xg_sim_proc sim;
    if (xg_sim_start(&sim, sim_args) != XG_OK) {
        fprintf(stderr, "bench: cannot start xgsim\n");
        return 1;
    }
    const char *venues[] = {"binance", "bybit"};
    int ports[] = {xg_sim_port(&sim, "binance"), xg_sim_port(&sim, "bybit")};
    xg_gw_proc gw;
    if (xg_gw_start_sim(&gw, venues, ports, 2, "\"max_connections\": 1") !=
        XG_OK) {
        fprintf(stderr, "bench: cannot start xgated\n");
        return 1;
    }
    xg_client cl;
    xg_client_open(&cl, &gw, "");

    static int64_t first[ROUNDS], all[ROUNDS * BURST];
    size_t n_first = 0, n_all = 0;
    char ids[BURST][40];
    for (int round = 0; round < ROUNDS; round++) {
        char out[256];
        int64_t t0 = wall_us();
        xg_sim_admin(&sim, "binance", "POST", "/_sim/ban",
                     "{\"duration_ms\":300}", out, sizeof out);
        for (int i = 0; i < BURST; i++) {
            char msg[384];
            int len = snprintf(msg, sizeof msg,
                               "{\"type\":\"new_order\",\"strategy\":\"rr\","
                               "\"client_order_id\":\"r%do%d\",\"symbol\":"
                               "\"BTC/USDT\",\"side\":\"BUY\",\"order_type\":"
                               "\"LIMIT\",\"qty\":\"0.001\",\"price\":"
                               "\"30000\"}",
                               round, i);
            zmq_send(cl.dealer, msg, (size_t)len, 0);
        }
        for (int acked = 0; acked < BURST;) {
            json_t *ev = xg_client_event(&cl, 5000, NULL, 0);
            if (ev == NULL) {
                fprintf(stderr, "bench: round %d stalled\n", round);
                return 1;
            }
            const char *e = json_string_value(json_object_get(ev, "event"));
            acked += e != NULL && strcmp(e, "acked") == 0;
            json_decref(ev);
        }
        /* The new_order replies came first; clear them so each query
         * below reads its own reply. */
        char buf[4096];
        while (zmq_recv(cl.dealer, buf, sizeof buf, ZMQ_DONTWAIT) >= 0) {
        }
        for (int i = 0; i < BURST; i++) {
            char q[160];
            snprintf(q, sizeof q,
                     "{\"type\":\"query_order\",\"strategy\":\"rr\","
                     "\"client_order_id\":\"r%do%d\"}",
                     round, i);
            json_t *r = xg_client_call(&cl, q, 5000);
            snprintf(ids[i], sizeof ids[i], "%s",
                     json_string_value(json_object_get(
                         json_object_get(r, "order"),
                         "venue_client_order_id")));
            json_decref(r);
        }
        json_t *bn = venue_log(&sim, "binance");
        json_t *by = venue_log(&sim, "bybit");
        int64_t ban = ban_answer_us(bn, t0);
        for (int i = 0; i < BURST && ban > 0; i++) {
            int64_t got = received_us(by, ids[i]);
            if (got > 0) {
                all[n_all++] = got - ban;
                if (i == 0) {
                    first[n_first++] = got - ban;
                }
            }
        }
        json_decref(bn);
        json_decref(by);
        /* Bybit allows 20 creates per rolling second: let its window
         * empty so the limiter never holds a moved order (that would be
         * the limiter's time, not the reroute's). */
        struct timespec pause = {1, 100000000};
        nanosleep(&pause, NULL);
        /* Binance back before the next round (its UP event may already
         * have gone by among the acks, so ask). */
        for (int up = 0; !up;) {
            json_t *r = xg_client_call(&cl, "{\"type\":\"venue_status\"}",
                                       5000);
            json_t *v0 = json_array_get(json_object_get(r, "venues"), 0);
            const char *st = json_string_value(json_object_get(v0, "state"));
            up = st != NULL && strcmp(st, "UP") == 0;
            json_decref(r);
            if (!up) {
                struct timespec ts = {0, 20000000};
                nanosleep(&ts, NULL);
            }
        }
    }
    qsort(first, n_first, sizeof first[0], bench_cmp_i64);
    qsort(all, n_all, sizeof all[0], bench_cmp_i64);
    printf("ban answer -> refused order at the next venue: n=%zu p50 %.1f us "
           "p99 %.1f us max %.1f us\n",
           n_first, (double)first[n_first / 2], (double)first[n_first * 99 / 100],
           (double)first[n_first - 1]);
    printf("ban answer -> every moved order (%d per burst): n=%zu p50 %.1f us "
           "p99 %.1f us max %.1f us\n",
           BURST, n_all, (double)all[n_all / 2], (double)all[n_all * 99 / 100],
           (double)all[n_all - 1]);
    xg_client_close(&cl);
    xg_gw_stop(&gw);
    xg_sim_stop(&sim);
    return 0;
}
