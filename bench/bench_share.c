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
 *   on, 1 gw  one gateway sharing through Redis (off and this alternate
 *             three times, each compared with the one before it);
 *   on, 3 gw  three gateways sharing, the round trips through the first
 *             while the others idle, the pipelined orders through all
 *             three at once (one strategy process each);
 *   no lease  one gateway sharing with lease_max 0: every order admitted
 *             by its own round trip to Redis, as near a limit (what the
 *             leases save).
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
    double calls_per_order;    /* round trips to Redis */
    double commands_per_order; /* every command Redis ran for them */
} mode_figs;

static xg_redis_proc redis;

/* Redis's counts so far: the gateways' calls (EVALSHA, SCRIPT,
 * SUBSCRIBE ...; one round trip each) and every command it ran, the
 * scripts' own redis.call()s included. -1 if unreadable. */
typedef struct redis_counts {
    long long calls, commands;
} redis_counts;

static long long
info_number(const char *info, const char *key)
{
    const char *at = strstr(info, key);
    return at != NULL ? strtoll(at + strlen(key), NULL, 10) : -1;
}

static redis_counts
redis_read_counts(void)
{
    redis_counts n = {-1, -1};
    redisContext *c = redisConnect("127.0.0.1", redis.port);
    redisReply *r =
        c != NULL && c->err == 0 ? redisCommand(c, "INFO all") : NULL;
    if (r != NULL && r->type == REDIS_REPLY_STRING) {
        n.commands = info_number(r->str, "total_commands_processed:");
        n.calls = info_number(r->str, "cmdstat_evalsha:calls=");
    }
    freeReplyObject(r);
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
    fflush(stdout); /* or each child prints what the parent buffered */
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

/* is_shared: 0 off, else on with lease_max (-1: the default). */
static void
run_mode(mode_figs *f, size_t n_gw, int is_shared, int lease_max, size_t n_rt,
         size_t n_pipe)
{
    xg_sim_proc sim;
    if (xg_sim_start(&sim, bench_sim_unlimited) != XG_OK) {
        fprintf(stderr, "bench: cannot start xgsim\n");
        exit(1);
    }
    const char *venues[] = {"binance"};
    int ports[] = {xg_sim_port(&sim, "binance")};
    xg_gw_proc gws[MAX_GW];
    for (size_t g = 0; g < n_gw; g++) {
        char root[512] = "";
        if (is_shared) {
            char lease[40] = "";
            if (lease_max >= 0) {
                snprintf(lease, sizeof lease, ", \"lease_max\": %d", lease_max);
            }
            snprintf(root, sizeof root,
                     "\"shared_limits\": {\"redis\": "
                     "\"redis://127.0.0.1:%d\", \"egress\": \"bench\", "
                     "\"gateway\": \"gw%zu\", \"expected_gateways\": %d%s},",
                     redis.port, g, MAX_GW, lease);
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
    redis_counts before = redis_read_counts();
    f->pipe_rate = pipelined_all(gws, n_gw, n_pipe);
    redis_counts after = redis_read_counts();
    int64_t cpu1 = 0;
    for (size_t g = 0; g < n_gw; g++) {
        cpu1 += bench_cpu_us(gws[g].pid);
    }
    double orders = (double)(n_pipe * n_gw);
    f->gw_cpu_us = (double)(cpu1 - cpu0) / orders;
    /* Less the INFO call that read the counts. */
    f->calls_per_order = (double)(after.calls - before.calls) / orders;
    f->commands_per_order =
        (double)(after.commands - before.commands - 1) / orders;
    printf("%-44s %.0f orders/s\n", "pipelined, all gateways", f->pipe_rate);
    printf("%-44s %.1f us\n", "xgated CPU per pipelined order", f->gw_cpu_us);
    printf("%-44s %.3f calls (%.2f commands run)\n", "Redis per order",
           f->calls_per_order, f->commands_per_order);
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
    /* Off and on with one gateway alternate, ROUNDS times: on two
     * shared cores a run's figures drift by a fifth from one minute to
     * the next, so each "on" is set against the "off" just before it. */
    enum { ROUNDS = 3 };
    mode_figs off[ROUNDS], on1[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
        off[r] = (mode_figs){.name = "sharing off, 1 gateway"};
        on1[r] = (mode_figs){.name = "sharing on, 1 gateway"};
        run_mode(&off[r], 1, 0, -1, n_rt, n_pipe);
        run_mode(&on1[r], 1, 1, -1, n_rt, n_pipe);
    }
    mode_figs on3 = {.name = "sharing on, 3 gateways"};
    mode_figs exact = {.name = "sharing on, 1 gateway, no lease"};
    run_mode(&on3, MAX_GW, 1, -1, n_rt, n_pipe);
    run_mode(&exact, 1, 1, 0, n_rt, n_pipe);
    xg_redis_stop(&redis);

    printf("== ratios to sharing off (issue 14: round trip p50 <= 1.15, "
           "pipelined >= 0.8 with one gateway)\n");
    const mode_figs *on[ROUNDS + 2];
    const mode_figs *base[ROUNDS + 2];
    for (int r = 0; r < ROUNDS; r++) {
        on[r] = &on1[r];
        base[r] = &off[r];
    }
    /* The others against the last "off". */
    on[ROUNDS] = &on3;
    on[ROUNDS + 1] = &exact;
    base[ROUNDS] = base[ROUNDS + 1] = &off[ROUNDS - 1];
    for (int i = 0; i < ROUNDS + 2; i++) {
        printf("%-32s round trip p50 %.2f (%.1f / %.1f us), p99 %.2f; "
               "pipelined %.2f (%.0f / %.0f orders/s); CPU per order %.2f; "
               "Redis calls per order %.3f (%.2f commands run)\n",
               on[i]->name, on[i]->rt_p50_us / base[i]->rt_p50_us,
               on[i]->rt_p50_us, base[i]->rt_p50_us,
               on[i]->rt_p99_us / base[i]->rt_p99_us,
               on[i]->pipe_rate / base[i]->pipe_rate, on[i]->pipe_rate,
               base[i]->pipe_rate, on[i]->gw_cpu_us / base[i]->gw_cpu_us,
               on[i]->calls_per_order, on[i]->commands_per_order);
    }
    return 0;
}
