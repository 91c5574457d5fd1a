/*
 * bench_share.c - what sharing limits through Redis costs the order path
 * (issue 14, docs/farm.md). Prints figures, never pass/fail.
 *
 * Usage: bench_share [N_ROUND_TRIP] [N_PIPELINED] (defaults 2000, 20000)
 *
 * One redis-server and, for each mode, a fresh xgsim (limits off and
 * advertised far above the load, so only the gateway is measured) and
 * fresh gateways on it:
 *   off       one gateway, no shared_limits;
 *   on, 1 gw  one gateway sharing through Redis;
 *   on, 3 gw  three gateways sharing, the round trips through the first
 *             while the others idle, the pipelined orders through all
 *             three at once (one strategy process each).
 * For each: round trip p50 / p99 (one order in flight), pipelined orders
 * a second, xgated CPU per pipelined order, and the Redis commands per
 * order (INFO commandstats: every call the gateways made, over the
 * orders of the pipelined phase). Then the ratios to "off" the issue
 * sets targets for.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "bench_orders.h"
#include "bench_util.h"
#include "gw_launch.h"
#include "redis_launch.h"
#include "sim_launch.h"

#define MAX_GW 3

typedef struct mode_figs {
    const char *name;
    double rt_p50_us, rt_p99_us;
    double pipe_rate;
    double gw_cpu_us;
    double cmds_per_order;
} mode_figs;

static xg_redis_proc redis;

/* Commands Redis has processed so far (INFO stats), -1 if unreadable. */
static long long
redis_commands(void)
{
    redisContext *c = redisConnect("127.0.0.1", redis.port);
    long long n = -1;
    if (c != NULL && c->err == 0) {
        redisReply *r = redisCommand(c, "INFO stats");
        const char *at = r != NULL && r->type == REDIS_REPLY_STRING
                             ? strstr(r->str, "total_commands_processed:")
                             : NULL;
        if (at != NULL) {
            n = strtoll(at + strlen("total_commands_processed:"), NULL, 10);
        }
        freeReplyObject(r);
    }
    redisFree(c);
    return n;
}

static int
cmp_i64(const void *a, const void *b)
{
    return bench_cmp_i64(a, b);
}

/* n_gw strategies pipeline n orders each through their own gateway at
 * once, one process each: the total orders a second. */
static double
pipelined_all(xg_gw_proc *gws, size_t n_gw, size_t n)
{
    int fds[MAX_GW][2];
    pid_t pids[MAX_GW];
    for (size_t g = 0; g < n_gw; g++) {
        if (pipe(fds[g]) != 0) {
            exit(1);
        }
        pids[g] = fork();
        if (pids[g] == 0) {
            xg_client cl;
            gap_figs gaps;
            char who[32];
            snprintf(who, sizeof who, "gw %zu: ", g);
            if (xg_client_open(&cl, &gws[g], "order.bench") != XG_OK) {
                _exit(1);
            }
            double rate = bench_pipelined(&cl, n, &gaps, who);
            fflush(stdout);
            ssize_t w = write(fds[g][1], &rate, sizeof rate);
            _exit(w == (ssize_t)sizeof rate ? 0 : 1);
        }
        close(fds[g][1]);
    }
    double total = 0;
    for (size_t g = 0; g < n_gw; g++) {
        double rate = 0;
        if (read(fds[g][0], &rate, sizeof rate) != (ssize_t)sizeof rate) {
            fprintf(stderr, "bench: strategy %zu failed\n", g);
        }
        close(fds[g][0]);
        waitpid(pids[g], NULL, 0);
        total += rate;
    }
    return total;
}

static void
run_mode(mode_figs *f, size_t n_gw, int is_shared, size_t n_rt, size_t n_pipe)
{
    const char *sim_args[] = {"--set", "binance.limits=0",
                              "--set", "binance.orders_limit=100000000",
                              "--set", "binance.orders_day_limit=1000000000",
                              "--set", "binance.weight_limit=1000000000",
                              "--set", "binance.raw_limit=1000000000",
                              NULL};
    xg_sim_proc sim;
    if (xg_sim_start(&sim, sim_args) != XG_OK) {
        fprintf(stderr, "bench: cannot start xgsim\n");
        exit(1);
    }
    const char *venues[] = {"binance"};
    int ports[] = {xg_sim_port(&sim, "binance")};
    xg_gw_proc gws[MAX_GW];
    for (size_t g = 0; g < n_gw; g++) {
        char root[512] = "";
        if (is_shared) {
            snprintf(root, sizeof root,
                     "\"shared_limits\": {\"redis\": "
                     "\"redis://127.0.0.1:%d\", \"egress\": \"bench\", "
                     "\"gateway\": \"gw%zu\", \"expected_gateways\": %d},",
                     redis.port, g, MAX_GW);
        }
        if (xg_gw_start_sim_with(&gws[g], venues, ports, 1,
                                 "\"max_connections\": 8", root) != XG_OK) {
            fprintf(stderr, "bench: cannot start xgated\n");
            exit(1);
        }
    }
    printf("== %s\n", f->name);
    xg_client cl;
    xg_client_open(&cl, &gws[0], "order.bench");
    int64_t *v = calloc(n_rt, sizeof *v);
    bench_round_trip(&cl, v, n_rt, 0);
    qsort(v, n_rt, sizeof *v, cmp_i64);
    f->rt_p50_us = (double)v[n_rt / 2] / 1e3;
    f->rt_p99_us = (double)v[n_rt * 99 / 100] / 1e3;
    printf("%-44s p50 %7.1f us  p99 %7.1f us\n", "round trip, 1 in flight",
           f->rt_p50_us, f->rt_p99_us);
    free(v);
    xg_client_close(&cl);

    int64_t cpu0 = 0;
    for (size_t g = 0; g < n_gw; g++) {
        cpu0 += bench_cpu_us(gws[g].pid);
    }
    long long cmds0 = redis_commands();
    f->pipe_rate = pipelined_all(gws, n_gw, n_pipe);
    long long cmds1 = redis_commands();
    int64_t cpu1 = 0;
    for (size_t g = 0; g < n_gw; g++) {
        cpu1 += bench_cpu_us(gws[g].pid);
    }
    double orders = (double)(n_pipe * n_gw);
    f->gw_cpu_us = (double)(cpu1 - cpu0) / orders;
    /* Less the INFO call that read the count itself. */
    f->cmds_per_order = (double)(cmds1 - cmds0 - 1) / orders;
    printf("%-44s %.0f orders/s\n", "pipelined, all gateways", f->pipe_rate);
    printf("%-44s %.1f us\n", "xgated CPU per pipelined order", f->gw_cpu_us);
    printf("%-44s %.3f\n", "Redis commands per order", f->cmds_per_order);
    for (size_t g = 0; g < n_gw; g++) {
        xg_gw_stop(&gws[g]);
    }
    xg_sim_stop(&sim);
}

int
main(int argc, char **argv)
{
    size_t n_rt = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 2000;
    size_t n_pipe = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 20000;
    if (n_rt < 100 || n_pipe < 100) {
        fprintf(stderr, "usage: bench_share [N_ROUND_TRIP>=100] "
                        "[N_PIPELINED>=100]\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    if (xg_redis_start(&redis) != XG_OK) {
        fprintf(stderr, "bench: cannot start redis-server\n");
        return 1;
    }
    mode_figs off = {.name = "sharing off, 1 gateway"};
    mode_figs on1 = {.name = "sharing on, 1 gateway"};
    mode_figs on3 = {.name = "sharing on, 3 gateways"};
    run_mode(&off, 1, 0, n_rt, n_pipe);
    run_mode(&on1, 1, 1, n_rt, n_pipe);
    run_mode(&on3, MAX_GW, 1, n_rt, n_pipe);
    xg_redis_stop(&redis);

    printf("== ratios to sharing off (issue 14: round trip p50 <= 1.15, "
           "pipelined >= 0.8 with one gateway)\n");
    const mode_figs *on[] = {&on1, &on3};
    for (size_t i = 0; i < 2; i++) {
        printf("%-28s round trip p50 %.2f (%.1f / %.1f us), p99 %.2f; "
               "pipelined %.2f (%.0f / %.0f orders/s); CPU per order %.2f; "
               "Redis commands per order %.3f\n",
               on[i]->name, on[i]->rt_p50_us / off.rt_p50_us, on[i]->rt_p50_us,
               off.rt_p50_us, on[i]->rt_p99_us / off.rt_p99_us,
               on[i]->pipe_rate / off.pipe_rate, on[i]->pipe_rate,
               off.pipe_rate, on[i]->gw_cpu_us / off.gw_cpu_us,
               on[i]->cmds_per_order);
    }
    return 0;
}
