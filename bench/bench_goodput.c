/*
 * bench_goodput.c - how much of a venue's advertised order allowance the
 * limiter uses, and how many rate-limit errors it causes (target: 0).
 *
 * xgsim enforces Binance's ORDERS bucket at a scaled-down size so the run
 * takes well under a minute; xgated learns the limit from exchangeInfo, as
 * it would from Binance. The strategy offers far more orders than allowed.
 * From the simulator's own request log, orders accepted per clock-aligned
 * window are counted; the first and last windows are partial and left
 * out. Printed, never pass/fail.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <zmq.h>

#include "gw_launch.h"
#include "sim_launch.h"

enum { LIMIT = 100, WINDOW_S = 2, WINDOWS = 12 };

static char log_buf[32 * 1024 * 1024];

int
main(void)
{
    char set_limit[64], set_window[64];
    snprintf(set_limit, sizeof set_limit, "binance.orders_limit=%d", LIMIT);
    snprintf(set_window, sizeof set_window, "binance.orders_window_s=%d",
             WINDOW_S);
    const char *sim_args[] = {"--set", set_limit, "--set", set_window, NULL};
    xg_sim_proc sim;
    if (xg_sim_start(&sim, sim_args) != XG_OK) {
        fprintf(stderr, "bench: cannot start xgsim\n");
        return 1;
    }
    const char *venues[] = {"binance"};
    int ports[] = {xg_sim_port(&sim, "binance")};
    xg_gw_proc gw;
    if (xg_gw_start_sim(&gw, venues, ports, 1, "") != XG_OK) {
        fprintf(stderr, "bench: cannot start xgated\n");
        return 1;
    }
    xg_client cl;
    xg_client_open(&cl, &gw, "order.bench");

    /* Offer every order at once: the gateway must pace them itself. */
    const int n = LIMIT * (WINDOWS + 1);
    int64_t t0 = xg_test_now_ms();
    for (int i = 0; i < n; i++) {
        char msg[512];
        int len = snprintf(msg, sizeof msg,
                           "{\"type\":\"new_order\",\"strategy\":\"bench\","
                           "\"client_order_id\":\"g%d\",\"symbol\":"
                           "\"BTC/USDT\",\"side\":\"BUY\",\"order_type\":"
                           "\"MARKET\",\"qty\":\"0.001\"}",
                           i);
        zmq_send(cl.dealer, msg, (size_t)len, 0);
    }
    int done = 0;
    while (done < n) {
        json_t *ev = xg_client_event(&cl, 10000, NULL, 0);
        if (ev == NULL) {
            fprintf(stderr, "bench: stalled at %d of %d\n", done, n);
            break;
        }
        const char *e = json_string_value(json_object_get(ev, "event"));
        done += e != NULL && (strcmp(e, "filled") == 0 ||
                              strcmp(e, "acked") == 0 ||
                              strcmp(e, "rejected") == 0);
        json_decref(ev);
    }
    int64_t elapsed_ms = xg_test_now_ms() - t0;

    xg_sim_admin(&sim, "binance", "GET", "/_sim/log", NULL, log_buf,
                 sizeof log_buf);
    int64_t per_window[4096] = {0};
    int64_t first_w = -1, last_w = -1;
    long n429 = 0, n418 = 0, placed = 0;
    for (char *line = log_buf; *line != '\0';) {
        char *nl = strchr(line, '\n');
        size_t len = nl != NULL ? (size_t)(nl - line) : strlen(line);
        json_t *o = json_loadb(line, len, 0, NULL);
        line += len + (nl != NULL);
        if (o == NULL) {
            continue;
        }
        int64_t st = json_integer_value(json_object_get(o, "status"));
        const char *m = json_string_value(json_object_get(o, "method"));
        const char *p = json_string_value(json_object_get(o, "path"));
        n429 += st == 429;
        n418 += st == 418;
        if (st == 200 && m != NULL && p != NULL && strcmp(m, "POST") == 0 &&
            strcmp(p, "/api/v3/order") == 0) {
            int64_t w = json_integer_value(json_object_get(o, "t_ms")) /
                        (WINDOW_S * 1000);
            if (first_w < 0) {
                first_w = w;
            }
            last_w = w;
            if (w - first_w < 4096) {
                per_window[w - first_w]++;
            }
            placed++;
        }
        json_decref(o);
    }
    long full = 0, in_full = 0, min_w = LIMIT, max_w = 0;
    for (int64_t w = 1; w < last_w - first_w; w++) {
        full++;
        in_full += per_window[w];
        min_w = per_window[w] < min_w ? per_window[w] : min_w;
        max_w = per_window[w] > max_w ? per_window[w] : max_w;
    }
    printf("advertised: %d orders per %d s (%.1f/s); offered %d at once\n",
           LIMIT, WINDOW_S, (double)LIMIT / WINDOW_S, n);
    printf("placed %ld in %.1f s; full windows %ld: %.2f%% of the allowance "
           "(min %ld, max %ld per window)\n",
           placed, (double)elapsed_ms / 1000, full,
           full > 0 ? 100.0 * (double)in_full / (double)(full * LIMIT) : 0.0,
           min_w, max_w);
    printf("rate-limit errors: %ld x 429, %ld x 418\n", n429, n418);
    xg_client_close(&cl);
    xg_gw_stop(&gw);
    xg_sim_stop(&sim);
    return 0;
}
