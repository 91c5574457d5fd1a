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
 *  4. pipelined: N orders sent as fast as possible, time until all acked,
 *     and the gaps between consecutive acks meanwhile: with orders
 *     outstanding the acks flow continuously, so a loop stall in the
 *     gateway (a journal checkpoint, say) shows as a long gap.
 *  5. peak RSS of xgated after 10,000 resting orders.
 *  6. with the journal off: the same pipelined phase through the
 *     hand-written loop (floor_loop.c, the bare work without the
 *     gateway's guarantees) on the same simulator and book, its CPU per
 *     order and xgated's as a ratio to it.
 * XG_BENCH_BUSY_POLL_US sets xgated's busy_poll_us.
 * Memory is read first, on the fresh gateway (its 10,000 resting orders
 * stay on the book for every later phase); timed orders are IOC below the
 * market, so they expire at once and the book stays the same size.
 * Prints median, p99 and max; never pass/fail.
 *
 * The journal setting may be a comma-separated list (off,normal,full):
 * each is run in turn with fresh processes, then each one's figures are
 * printed as a ratio to "off" (the comparison issue 10 asks for).
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <zmq.h>

#include "bench_orders.h"
#include "bench_util.h"
#include "gw_launch.h"
#include "sim_launch.h"
#include "xgate/json.h"

static void
report(const char *what, int64_t *v, size_t n)
{
    qsort(v, n, sizeof *v, bench_cmp_i64);
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
        int64_t t0 = bench_now_ns();
        curl_easy_perform(c);
        if (i >= 100) {
            out[i - 100] = bench_now_ns() - t0;
        }
    }
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
}

/* The main thread's time on a CPU and waiting for one (runnable, not
 * running), in ns, from /proc/<pid>/schedstat; 0 if unreadable. A pause
 * in acks while xgated waited for a CPU is the machine's, not the loop's:
 * on two shared cores the simulator and ZeroMQ's threads compete. */
static void
sched_ns(pid_t pid, int64_t *on_cpu, int64_t *waiting)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/schedstat", (int)pid);
    FILE *f = fopen(path, "r");
    long long run = 0, wait = 0;
    if (f != NULL) {
        if (fscanf(f, "%lld %lld", &run, &wait) != 2) {
            run = wait = 0;
        }
        fclose(f);
    }
    *on_cpu = run;
    *waiting = wait;
}

/* What one journal setting's run measured, for the comparison. */
typedef struct run_figs {
    char journal[16];
    double rt_p50_us, rt_p99_us;
    double pipe_rate;
    double gw_cpu_us;    /* xgated CPU per pipelined order */
    double floor_cpu_us; /* the hand-written loop's (journal off only) */
    gap_figs gaps;
} run_figs;

/* Start bench_floor_loop (floor_loop.c) on the simulator at port: its
 * endpoints into *p. */
static int
floor_start(int port, xg_gw_proc *p)
{
    int fds[2];
    char port_s[16];
    memset(p, 0, sizeof *p);
    snprintf(port_s, sizeof port_s, "%d", port);
    if (pipe(fds) != 0) {
        return -1;
    }
    p->pid = fork();
    if (p->pid == 0) {
        /* A benchmark that exits on a stall takes the loop with it. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execl(XG_BIN_DIR "/bench_floor_loop", "bench_floor_loop", port_s,
              (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    FILE *out = p->pid > 0 ? fdopen(fds[0], "r") : NULL;
    char line[120];
    while (out != NULL && fgets(line, sizeof line, out) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, "req ", 4) == 0) {
            snprintf(p->req_ep, sizeof p->req_ep, "%s", line + 4);
        } else if (strncmp(line, "pub ", 4) == 0) {
            snprintf(p->pub_ep, sizeof p->pub_ep, "%s", line + 4);
            break;
        }
    }
    if (out != NULL) {
        fclose(out);
    } else {
        close(fds[0]);
    }
    return p->pid > 0 && p->pub_ep[0] != '\0' ? 0 : -1;
}

/* The same pipelined phase through the hand-written loop: the CPU a
 * process needs for the bare work (ZeroMQ in, parse, sign, keep-alive
 * POST, reply and event out), which issue 10 compares the gateway with. */
static void
bench_floor(int port, size_t n_pipe, double *cpu_us)
{
    xg_gw_proc p;
    xg_client cl;
    gap_figs gaps;
    if (floor_start(port, &p) != 0 ||
        xg_client_open(&cl, &p, "order.bench") != XG_OK) {
        fprintf(stderr, "bench: cannot start bench_floor_loop\n");
        if (p.pid > 0) {
            kill(p.pid, SIGKILL);
            waitpid(p.pid, NULL, 0);
        }
        return;
    }
    int64_t cpu0 = bench_cpu_us(p.pid);
    (void)bench_pipelined(&cl, n_pipe, &gaps, "floor loop: ");
    *cpu_us = (double)(bench_cpu_us(p.pid) - cpu0) / (double)n_pipe;
    printf("%-44s %.1f us\n", "floor loop: CPU per pipelined order", *cpu_us);
    xg_client_close(&cl);
    kill(p.pid, SIGTERM);
    waitpid(p.pid, NULL, 0);
}

/* Orders the gateway's table must hold without forgetting a finished
 * one: the resting ones, both round-trip phases with their warm-up, the
 * pipelined ones, and a margin. Past the default (100,000) the config
 * raises max_orders, so a long pipelined run measures the same thing as
 * a short one. */
static size_t
orders_needed(size_t n, size_t n_pipe)
{
    return 10000 + 2 * (n + 100) + n_pipe + 1000;
}

/* One run with fresh processes; journal is "off", "normal", "full" or ""
 * (the config's default). Prints every figure; fills *out. */
static int
run_one(const char *journal, size_t n, size_t n_pipe, run_figs *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->journal, sizeof out->journal, "%.15s", journal);
    char root[128] = "";
    size_t root_len = 0;
    if (journal[0] != '\0') {
        root_len += (size_t)snprintf(root, sizeof root,
                                     "\"journal\": \"%.8s\", ", journal);
    }
    /* The spin before sleeping is CPU the loop spends waiting: with
     * XG_BENCH_BUSY_POLL_US set, the figures say what it costs. */
    const char *spin = getenv("XG_BENCH_BUSY_POLL_US");
    if (spin != NULL && strspn(spin, "0123456789") == strlen(spin) &&
        strlen(spin) > 0 && strlen(spin) < 7) {
        root_len += (size_t)snprintf(root + root_len, sizeof root - root_len,
                                     "\"busy_poll_us\": %s, ", spin);
        printf("%-44s %s us\n", "xgated busy_poll_us", spin);
    }
    size_t max_orders = orders_needed(n, n_pipe);
    if (max_orders > 100000) {
        snprintf(root + root_len, sizeof root - root_len,
                 "\"max_orders\": %zu, ", max_orders);
        printf("%-44s %zu (the default 100,000 is too few)\n",
               "xgated max_orders", max_orders);
    }
    xg_sim_proc sim;
    if (xg_sim_start(&sim, bench_sim_unlimited) != XG_OK) {
        fprintf(stderr, "bench: cannot start xgsim\n");
        return -1;
    }
    int port = xg_sim_port(&sim, "binance");
    int64_t *v = calloc(n, sizeof *v);

    const char *venues[] = {"binance"};
    int ports[] = {port};
    xg_gw_proc gw;
    if (v == NULL ||
        xg_gw_start_sim_with(&gw, venues, ports, 1, "\"max_connections\": 8",
                             root) != XG_OK) {
        fprintf(stderr, "bench: cannot start xgated\n");
        xg_sim_stop(&sim);
        free(v);
        return -1;
    }
    xg_client cl;
    xg_client_open(&cl, &gw, "order.bench");

    /* Memory first, on a fresh gateway: the figure the target is about. */
    long before = bench_proc_kib(gw.pid, "VmHWM:");
    for (int i = 0; i < 10000; i++) {
        char id[32];
        snprintf(id, sizeof id, "r%d", bench_next_seq());
        bench_send_order(&cl, id, 10000 + i % 5000, "GTC");
        if (i % 1000 == 999) {
            for (int k = 0; k < 1000; k++) {
                bench_wait_ack(&cl, 10000);
            }
            bench_drain_replies(&cl);
        }
    }
    printf("%-44s before %ld KiB, after 10,000 open orders %ld KiB "
           "(VmRSS %ld KiB)\n",
           "xgated peak RSS (VmHWM)", before, bench_proc_kib(gw.pid, "VmHWM:"),
           bench_proc_kib(gw.pid, "VmRSS:"));

    /* The floor, against the same book the gateway's orders meet. */
    bench_direct(port, v, n);
    report("direct to simulator (floor)", v, n);
    int64_t floor_p50 = v[n / 2];

    bench_round_trip(&cl, v, n, 0);
    report("round trip via gateway, 1 in flight", v, n);
    printf("%-44s p50 %.1f us\n", "gateway's share (round trip - floor)",
           (double)(v[n / 2] - floor_p50) / 1e3);
    out->rt_p50_us = (double)v[n / 2] / 1e3;
    out->rt_p99_us = (double)v[n * 99 / 100] / 1e3;

    bench_round_trip(&cl, v, n, 1000000);
    report("round trip via gateway, paced 1,000/s", v, n);

    /* CPU per order says where throughput goes, and varies far less
     * between runs than the rate does on a shared machine. */
    int64_t gw_cpu = bench_cpu_us(gw.pid), sim_cpu = bench_cpu_us(sim.pid);
    int64_t run0, wait0, run1, wait1;
    sched_ns(gw.pid, &run0, &wait0);
    int64_t phase0 = bench_now_ns();
    out->pipe_rate = bench_pipelined(&cl, n_pipe, &out->gaps, "");
    int64_t phase1 = bench_now_ns();
    sched_ns(gw.pid, &run1, &wait1);
    out->gw_cpu_us = (double)(bench_cpu_us(gw.pid) - gw_cpu) / (double)n_pipe;
    printf("%-44s xgated %.1f us, xgsim %.1f us\n", "CPU per pipelined order",
           out->gw_cpu_us,
           (double)(bench_cpu_us(sim.pid) - sim_cpu) / (double)n_pipe);
    printf("%-44s on a CPU %.0f ms, waiting for one %.0f ms (%.1f %% of "
           "the phase)\n",
           "xgated main thread, pipelined", (double)(run1 - run0) / 1e6,
           (double)(wait1 - wait0) / 1e6,
           100.0 * (double)(wait1 - wait0) / (double)(phase1 - phase0));
    /* For tools that trace the gateway (bench/loop_turns.sh, which runs
     * perf with the same clock): the phase's bounds. */
    printf("%-44s %.6f %.6f s\n", "pipelined phase, CLOCK_MONOTONIC",
           (double)phase0 / 1e9, (double)phase1 / 1e9);

    xg_client_close(&cl);
    if (strcmp(journal, "off") == 0) {
        /* The gateway stays up, idle, so the loop meets the same book. */
        bench_floor(port, n_pipe, &out->floor_cpu_us);
        if (out->floor_cpu_us > 0) {
            printf("%-44s %.2f (%.1f / %.1f us)\n",
                   "xgated / floor loop, CPU per order",
                   out->gw_cpu_us / out->floor_cpu_us, out->gw_cpu_us,
                   out->floor_cpu_us);
        }
    }
    xg_gw_stop(&gw);
    xg_sim_stop(&sim);
    free(v);
    return 0;
}

/* One ratio line: what / off, with both figures and, if given, what
 * issue 10 asks of it (information, not a verdict). */
static void
print_ratio(const char *mode, const char *figure, double x, double off,
            const char *unit, const char *asks)
{
    char label[64];
    snprintf(label, sizeof label, "journal %.8s/off, %.40s", mode, figure);
    printf("%-52s %5.2f  (%.1f / %.1f %s%s%s)\n", label,
           off > 0 ? x / off : 0.0, x, off, unit,
           asks[0] ? "; issue 10 asks " : "", asks);
}

/* The ratios, each mode against "off" of the same run. */
static void
print_comparison(const run_figs *runs, size_t n_runs)
{
    const run_figs *off = NULL;
    for (size_t i = 0; i < n_runs; i++) {
        if (strcmp(runs[i].journal, "off") == 0) {
            off = &runs[i];
        }
    }
    printf("== journal comparison, same run\n");
    for (size_t i = 0; i < n_runs; i++) {
        const run_figs *r = &runs[i];
        printf("journal %-8s pipelined %7.0f orders/s  1 in flight p50 %7.1f "
               "us p99 %7.1f us  xgated CPU %6.1f us/order  ack pause p99.9 "
               "%8.1f us max %8.1f us  > 2 ms: %zu\n",
               r->journal, r->pipe_rate, r->rt_p50_us, r->rt_p99_us,
               r->gw_cpu_us, r->gaps.p999_us, r->gaps.max_us, r->gaps.over_2ms);
    }
    if (off == NULL) {
        return;
    }
    for (size_t i = 0; i < n_runs; i++) {
        const run_figs *r = &runs[i];
        if (r == off) {
            continue;
        }
        int is_normal = strcmp(r->journal, "normal") == 0;
        print_ratio(r->journal, "pipelined throughput", r->pipe_rate,
                    off->pipe_rate, "orders/s", is_normal ? ">= 0.85" : "");
        print_ratio(r->journal, "1 in flight p50", r->rt_p50_us, off->rt_p50_us,
                    "us", is_normal ? "<= 1.15" : "");
        print_ratio(r->journal, "xgated CPU per pipelined order", r->gw_cpu_us,
                    off->gw_cpu_us, "us", "");
    }
}

int
main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0); /* figures survive an interrupted run */
    size_t n = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 5000;
    size_t n_pipe = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 20000;
    if (n == 0 || n_pipe == 0) {
        fprintf(stderr, "usage: bench_gateway N N_PIPE [off|normal|full"
                        "[,...]]\n");
        return 2;
    }
    /* bench_gateway N N_PIPE [normal|full|off]: the journal's setting, or
     * several separated by commas, run one after the other. */
    char modes[64] = "";
    if (argc > 3) {
        snprintf(modes, sizeof modes, "%s", argv[3]);
    }
    if (strchr(modes, ',') == NULL) {
        run_figs one;
        return run_one(modes, n, n_pipe, &one) == 0 ? 0 : 1;
    }
    run_figs runs[8];
    size_t n_runs = 0;
    for (char *m = modes; m != NULL && n_runs < 8;) {
        char *comma = strchr(m, ',');
        if (comma != NULL) {
            *comma = '\0';
        }
        printf("== journal %s: bench_gateway %zu %zu %s\n", m, n, n_pipe, m);
        if (run_one(m, n, n_pipe, &runs[n_runs]) != 0) {
            return 1;
        }
        n_runs++;
        m = comma != NULL ? comma + 1 : NULL;
    }
    print_comparison(runs, n_runs);
    return 0;
}
