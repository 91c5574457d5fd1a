/*
 * bench_recovery.c - how long xgated takes to start on a full journal.
 *
 * Builds a journal as a busy day leaves it: FINISHED finished orders
 * (two thirds FILLED, one third CANCELED, each with its venue attempt) and
 * OPEN open orders (NEW on binance, attempt in state EXISTS), written
 * through core/journal.h as the gateway writes them, in a temporary data
 * directory. Then starts xgsim and xgated (journal normal) on it and times,
 * from exec, xgated's lines
 *   "journal: N orders to reconcile"  the journal read back (the load),
 *   "xgated: requests ..."            start-up done, sockets bound,
 *   "xgated: ready"                   the open orders reconciled with the
 *                                     venue, new orders taken.
 * What the venue was asked comes from the simulator's request log.
 *
 * Scenarios, each on a fresh journal and fresh processes:
 *   empty     no journal: the fixed cost of a start (venue start-up);
 *   held      limits off, the venue holds every open order (placed on it
 *             beforehand with the same client ids): the open-orders sweep
 *             can settle them;
 *   absent    limits off, the venue holds none of them: each is queried
 *             and found absent;
 *   limited   as absent, under the simulator's default Binance limits
 *             (the reconciliation share of 6,000 weight a minute, 4 a
 *             query): far too slow to wait for, so the run stops after
 *             BOUND_S seconds and reports the rate.
 * Figures only, never pass/fail.
 *
 * Usage: bench_recovery [FINISHED [OPEN [BOUND_S [scenario,...]]]]
 * (default 100000 10000 65 empty,held,absent,limited). Binance's weight
 * window is a clock minute: 65 s sees the reconciliation share of at
 * least two windows spent.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "bench_util.h"
#include "journal.h"
#include "sim_launch.h"

/* After "ready", how long the benchmark keeps watching: longer than one
 * open-orders sweep interval (2 s by default), to see what follows. */
#define OBSERVE_MS 3000
/* The most any scenario waits for "ready" when not bounded. */
#define READY_CAP_MS 300000
#define LOG_CAP      (32 * 1024 * 1024)

static int64_t
wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* --- the journal ------------------------------------------------------- */

static void
put_b36(char *out, size_t width, uint64_t v)
{
    static const char b36[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    for (size_t i = width; i-- > 0;) {
        out[i] = b36[v % 36];
        v /= 36;
    }
}

/* Open order i: its symbol, price and quantity, the same on the venue
 * (when placed there) and in the journal. Below the reference prices
 * (35,000 and 2,000), so they rest. */
static const char *
open_symbol(size_t i)
{
    return i % 2 == 0 ? "BTC/USDT" : "ETH/USDT";
}

static int64_t
open_price(size_t i)
{
    return i % 2 == 0 ? 10000 + (int64_t)(i % 5000) : 1000 + (int64_t)(i % 500);
}

/* qty in units of 10^-3 (BTC 0.001, ETH 0.010). */
static int64_t
open_qty_milli(size_t i)
{
    return i % 2 == 0 ? 1 : 10;
}

/* The gateway id of the k-th order of a previous run of the gateway
 * that booted at boot_ms: 8 base-36 digits of it, then of k (orders.c). */
static void
make_gw_id(char out[XG_GW_ID_LEN + 1], int64_t boot_ms, uint64_t k)
{
    put_b36(out, 8, (uint64_t)boot_ms);
    put_b36(out + 8, XG_GW_ID_LEN - 8, k);
    out[XG_GW_ID_LEN] = '\0';
}

/* Order k of the journal: finished (status FILLED or CANCELED) for k <
 * n_fin, else open order k - n_fin (NEW). venue_order_id may be NULL. */
static void
fill_order(xg__journal_order *o, xg__journal_attempt *a, int64_t boot_ms,
           uint64_t k, size_t n_fin, const char *venue_order_id,
           int64_t updated_ms)
{
    memset(o, 0, sizeof *o);
    make_gw_id(o->gw_id, boot_ms, k);
    snprintf(o->client_id, sizeof o->client_id, "s%08llu",
             (unsigned long long)k);
    snprintf(o->strategy_id, sizeof o->strategy_id, "alpha01");
    o->type = XG_TYPE_LIMIT;
    o->tif = XG_TIF_GTC;
    if (k < n_fin) {
        snprintf(o->symbol, sizeof o->symbol, "%s", open_symbol(k));
        o->side = k % 4 < 2 ? XG_SIDE_BUY : XG_SIDE_SELL;
        o->qty = (xg_decimal){open_qty_milli(k), 3};
        o->price = (xg_decimal){open_price(k) * 100 + (int64_t)(k % 100), 2};
        o->status = k % 3 == 2 ? XG_STATUS_CANCELED : XG_STATUS_FILLED;
        o->exec.filled_qty =
            o->status == XG_STATUS_FILLED ? o->qty : (xg_decimal){0, 3};
        o->cancel_requested = o->status == XG_STATUS_CANCELED;
        snprintf(o->venue_order_id, sizeof o->venue_order_id, "%llu",
                 (unsigned long long)(5000000 + k));
    } else {
        size_t i = (size_t)(k - n_fin);
        snprintf(o->symbol, sizeof o->symbol, "%s", open_symbol(i));
        o->side = XG_SIDE_BUY;
        o->qty = (xg_decimal){open_qty_milli(i), 3};
        o->price = (xg_decimal){open_price(i), 0};
        o->status = XG_STATUS_NEW;
        o->exec.filled_qty = (xg_decimal){0, 3};
        if (venue_order_id != NULL) {
            snprintf(o->venue_order_id, sizeof o->venue_order_id, "%s",
                     venue_order_id);
        } else {
            snprintf(o->venue_order_id, sizeof o->venue_order_id, "%llu",
                     (unsigned long long)(9000000 + i));
        }
    }
    snprintf(o->venue, sizeof o->venue, "binance");
    snprintf(o->venue_client_id, sizeof o->venue_client_id, "%s1", o->gw_id);
    o->attempt = 1;
    snprintf(o->route[0], sizeof o->route[0], "binance");
    o->n_route = 1;
    o->updated_ms = updated_ms;

    memset(a, 0, sizeof *a);
    memcpy(a->gw_id, o->gw_id, sizeof a->gw_id);
    a->attempt = 1;
    memcpy(a->venue, o->venue, sizeof a->venue);
    memcpy(a->venue_client_id, o->venue_client_id, sizeof a->venue_client_id);
    a->state = XG_ATTEMPT_EXISTS;
    a->updated_ms = updated_ms;
}

/* Write n_fin finished and n_open open orders into <dir>/journal.db, 1,000
 * orders a commit; order_ids (n_open strings, may be NULL) are the venue's
 * ids of the open ones. Returns 0, or -1 with a message printed. */
static int
build_journal(const char *dir, int64_t boot_ms, size_t n_fin, size_t n_open,
              char (*order_ids)[XG_VENUE_ORDER_ID_MAX])
{
    xg__journal *j = NULL;
    char err[XG_JOURNAL_ERR_MAX];
    if (xg__journal_open(&j, dir, XG_SYNC_NORMAL, err, sizeof err) != XG_OK) {
        fprintf(stderr, "bench: %s\n", err);
        return -1;
    }
    int64_t wall_ms = wall_us() / 1000;
    xg__journal_order o;
    xg__journal_attempt a;
    for (uint64_t k = 0; k < n_fin + n_open; k++) {
        /* Finished ones over the last hour, open ones half an hour old:
         * all within the default retention, so nothing is pruned. */
        int64_t updated =
            k < n_fin ? wall_ms - 3600000 + (int64_t)k * 10 : wall_ms - 1800000;
        fill_order(&o, &a, boot_ms, k, n_fin,
                   k >= n_fin && order_ids != NULL ? order_ids[k - n_fin]
                                                   : NULL,
                   updated);
        if (xg__journal_put_order(j, &o) != XG_OK ||
            xg__journal_put_attempt(j, &a) != XG_OK ||
            (k % 1000 == 999 && xg__journal_commit(j) != XG_OK)) {
            fprintf(stderr, "bench: %s\n", xg__journal_last_error(j));
            xg__journal_close(&j);
            return -1;
        }
    }
    xg_err e = xg__journal_commit(j);
    if (e != XG_OK) {
        fprintf(stderr, "bench: %s\n", xg__journal_last_error(j));
    }
    xg__journal_close(&j);
    return e == XG_OK ? 0 : -1;
}

/* --- the venue holding the open orders --------------------------------- */

typedef struct sink {
    char buf[4096];
    size_t len;
} sink;

static size_t
sink_write(char *p, size_t s, size_t n, void *u)
{
    sink *k = u;
    size_t room = sizeof k->buf - 1 - k->len;
    size_t take = s * n < room ? s * n : room;
    memcpy(k->buf + k->len, p, take);
    k->len += take;
    k->buf[k->len] = '\0';
    return s * n;
}

/* Place the n open orders on the simulator with the client ids the
 * journal gives them (gw_id + attempt digit 1), over one keep-alive
 * connection, and keep the venue's order ids. Returns 0 or -1. */
static int
seed_venue(int port, int64_t boot_ms, size_t n_fin, size_t n,
           char (*order_ids)[XG_VENUE_ORDER_ID_MAX])
{
    CURL *c = curl_easy_init();
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/api/v3/order", port);
    struct curl_slist *h =
        curl_slist_append(NULL, "X-MBX-APIKEY: xgsim-test-key");
    static const char secret[] = "xgsim-test-secret";
    sink out;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &out);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char gw_id[XG_GW_ID_LEN + 1];
        make_gw_id(gw_id, boot_ms, n_fin + i);
        char params[512], body[640];
        snprintf(params, sizeof params,
                 "timestamp=%lld&symbol=%s&side=BUY&type=LIMIT&"
                 "timeInForce=GTC&quantity=0.%03lld&price=%lld&"
                 "newClientOrderId=%s1&recvWindow=5000",
                 (long long)(wall_us() / 1000),
                 i % 2 == 0 ? "BTCUSDT" : "ETHUSDT",
                 (long long)open_qty_milli(i), (long long)open_price(i), gw_id);
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
        out.len = 0;
        out.buf[0] = '\0';
        json_t *ans = NULL;
        if (curl_easy_perform(c) == CURLE_OK) {
            ans = json_loads(out.buf, 0, NULL);
        }
        json_t *id = json_object_get(ans, "orderId");
        if (!json_is_integer(id)) {
            fprintf(stderr, "bench: placing open order %zu: %s\n", i, out.buf);
            rc = -1;
        } else {
            snprintf(order_ids[i], XG_VENUE_ORDER_ID_MAX, "%lld",
                     (long long)json_integer_value(id));
        }
        json_decref(ans);
    }
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return rc;
}

/* --- xgated ------------------------------------------------------------ */

typedef struct gw_child {
    pid_t pid;
    int fd; /* its stdout and stderr, one pipe */
    char line[1024];
    size_t len;
} gw_child;

static int
write_config(const char *path, const char *data_dir, int port)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        perror(path);
        return -1;
    }
    /* The shipped defaults but for the endpoints and connections (as
     * bench_gateway); the open-orders sweep runs at its default 2 s. */
    fprintf(f,
            "{\"data_dir\": \"%s\", \"journal\": \"normal\",\n"
            " \"api\": {\"requests\": \"tcp://127.0.0.1:*\", "
            "\"events\": \"tcp://127.0.0.1:*\"},\n"
            " \"adapters_dir\": \"" XG_ADAPTER_DIR "\",\n"
            " \"log_level\": \"info\",\n"
            " \"venues\": {\"binance\": {\"base_url\": "
            "\"http://127.0.0.1:%d\", \"simulator\": true,\n"
            "  \"credentials\": {\"api_key_env\": \"XG_TEST_API_KEY\", "
            "\"secret_env\": \"XG_TEST_SECRET\"},\n"
            "  \"max_connections\": 8}}}\n",
            data_dir, port);
    return fclose(f) == 0 ? 0 : -1;
}

static int
gw_spawn(gw_child *g, const char *config_path)
{
    memset(g, 0, sizeof *g);
    int p[2];
    if (pipe(p) != 0) {
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (pid == 0) {
        dup2(p[1], STDOUT_FILENO);
        dup2(p[1], STDERR_FILENO);
        close(p[0]);
        close(p[1]);
        setenv("XG_TEST_API_KEY", "xgsim-test-key", 1);
        setenv("XG_TEST_SECRET", "xgsim-test-secret", 1);
        execl(XG_BIN_DIR "/xgated", "xgated", "-c", config_path, (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    g->pid = pid;
    g->fd = p[0];
    return 0;
}

/* The next whole line of xgated's output into out (cap), waiting until
 * deadline_ns at most. 1 for a line, 0 on timeout, -1 at end of output. */
static int
gw_line(gw_child *g, char *out, size_t cap, int64_t deadline_ns)
{
    for (;;) {
        char *nl = memchr(g->line, '\n', g->len);
        if (nl != NULL) {
            size_t n = (size_t)(nl - g->line);
            size_t keep = n < cap - 1 ? n : cap - 1;
            memcpy(out, g->line, keep);
            out[keep] = '\0';
            g->len -= n + 1;
            memmove(g->line, nl + 1, g->len);
            return 1;
        }
        if (g->len == sizeof g->line) {
            g->len = 0; /* a line longer than the buffer: dropped */
        }
        int64_t left_ms = (deadline_ns - bench_now_ns()) / 1000000;
        if (left_ms <= 0) {
            return 0;
        }
        struct pollfd pfd = {g->fd, POLLIN, 0};
        int r = poll(&pfd, 1, (int)left_ms);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            return 0;
        }
        ssize_t got = read(g->fd, g->line + g->len, sizeof g->line - g->len);
        if (got <= 0) {
            return -1;
        }
        g->len += (size_t)got;
    }
}

/* SIGTERM, reading its output meanwhile so it never blocks on a full
 * pipe, then SIGKILL after 10 s. */
static void
gw_stop(gw_child *g)
{
    if (g->pid <= 0) {
        return;
    }
    kill(g->pid, SIGTERM);
    int64_t deadline = bench_now_ns() + 10000000000LL;
    char line[1024];
    while (waitpid(g->pid, NULL, WNOHANG) == 0) {
        if (bench_now_ns() > deadline) {
            kill(g->pid, SIGKILL);
            waitpid(g->pid, NULL, 0);
            break;
        }
        if (gw_line(g, line, sizeof line, bench_now_ns() + 10000000) < 0) {
            struct timespec ts = {0, 10000000};
            nanosleep(&ts, NULL);
        }
    }
    close(g->fd);
    g->pid = 0;
}

/* --- the simulator's request log --------------------------------------- */

#define MAX_KINDS 16

/* One request: when the venue got it, and a hash of its client order
 * id, to tell a first query of an order from a repeated one. */
typedef struct req_at {
    int64_t t_us;
    uint64_t id;
} req_at;

static uint64_t
hash_id(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static int
cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Distinct ids among the first n requests of k. */
static size_t
count_distinct(const req_at *at, size_t n)
{
    uint64_t *ids = malloc((n > 0 ? n : 1) * sizeof *ids);
    if (ids == NULL) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        ids[i] = at[i].id;
    }
    qsort(ids, n, sizeof *ids, cmp_u64);
    size_t d = 0;
    for (size_t i = 0; i < n; i++) {
        d += i == 0 || ids[i] != ids[i - 1];
    }
    free(ids);
    return d;
}

typedef struct req_kind {
    char name[96]; /* "GET /api/v3/order rejected" */
    size_t n_before, n_after;
    int64_t first_us, last_us; /* of those before */
    req_at *at;                /* those before, in log order */
    size_t cap;
} req_kind;

typedef struct req_tally {
    req_kind kinds[MAX_KINDS];
    size_t n_kinds;
} req_tally;

static void
tally_add(req_tally *t, const char *method, const char *path,
          const char *outcome, const char *client_id, int64_t t_us,
          int64_t split_us)
{
    char name[96];
    snprintf(name, sizeof name, "%.8s %.48s %.24s", method, path, outcome);
    req_kind *k = NULL;
    for (size_t i = 0; i < t->n_kinds; i++) {
        if (strcmp(t->kinds[i].name, name) == 0) {
            k = &t->kinds[i];
        }
    }
    if (k == NULL) {
        if (t->n_kinds == MAX_KINDS) {
            return;
        }
        k = &t->kinds[t->n_kinds++];
        memset(k, 0, sizeof *k);
        snprintf(k->name, sizeof k->name, "%s", name);
    }
    if (t_us >= split_us) {
        k->n_after++;
        return;
    }
    if (k->n_before == 0 || t_us < k->first_us) {
        k->first_us = t_us;
    }
    if (t_us > k->last_us) {
        k->last_us = t_us;
    }
    if (k->n_before == k->cap) {
        size_t cap = k->cap > 0 ? k->cap * 2 : 1024;
        req_at *n = realloc(k->at, cap * sizeof *n);
        if (n == NULL) {
            return; /* counted in no burst; the totals stay right */
        }
        k->at = n;
        k->cap = cap;
    }
    k->at[k->n_before].t_us = t_us;
    k->at[k->n_before].id = hash_id(client_id);
    k->n_before++;
}

static void
tally_free(req_tally *t)
{
    for (size_t i = 0; i < t->n_kinds; i++) {
        free(t->kinds[i].at);
    }
    t->n_kinds = 0;
}

/* A limiter that waits shows as bursts: requests back to back, then
 * nothing until the venue's window turns. Print each burst (a gap of
 * over 1 s ends one) as its start after exec, its requests, how many of
 * them were for orders not asked about before, and its length. */
static void
print_bursts(const req_kind *k, int64_t exec_wall_us)
{
    printf("%-46s %zu distinct orders\n", "  of them",
           count_distinct(k->at, k->n_before));
    size_t start = 0, shown = 0, seen = 0;
    for (size_t i = 1; i <= k->n_before && shown < 12; i++) {
        if (i < k->n_before && k->at[i].t_us - k->at[i - 1].t_us <= 1000000) {
            continue;
        }
        size_t distinct = count_distinct(k->at, i);
        char label[64];
        snprintf(label, sizeof label, "  burst at %.1f s after exec",
                 (double)(k->at[start].t_us - exec_wall_us) / 1e6);
        printf("%-46s %6zu requests (%zu orders not asked before) in "
               "%.2f s\n",
               label, i - start, distinct - seen,
               (double)(k->at[i - 1].t_us - k->at[start].t_us) / 1e6);
        seen = distinct;
        start = i;
        shown++;
    }
}

/* Read the whole request log from after seq `since` and count requests
 * by method, path and outcome, before and after split_us (epoch µs). */
static int
tally_log(const xg_sim_proc *sim, uint64_t since, int64_t split_us,
          req_tally *t)
{
    memset(t, 0, sizeof *t);
    char *buf = malloc(LOG_CAP);
    if (buf == NULL) {
        return -1;
    }
    for (;;) {
        buf[0] = '\0';
        if (xg_sim_log_fetch(sim, "binance", since, buf, LOG_CAP) != XG_OK) {
            tally_free(t);
            free(buf);
            return -1;
        }
        size_t lines = 0;
        for (char *p = buf, *nl; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
            json_t *e = json_loadb(p, (size_t)(nl - p), 0, NULL);
            if (e == NULL) {
                continue;
            }
            lines++;
            since = (uint64_t)json_integer_value(json_object_get(e, "seq"));
            const char *path = json_string_value(json_object_get(e, "path"));
            char bare[64];
            snprintf(bare, sizeof bare, "%s", path != NULL ? path : "");
            bare[strcspn(bare, "?")] = '\0';
            const char *m = json_string_value(json_object_get(e, "method"));
            const char *o = json_string_value(json_object_get(e, "outcome"));
            const char *id =
                json_string_value(json_object_get(e, "client_order_id"));
            tally_add(t, m != NULL ? m : "", bare, o != NULL ? o : "",
                      id != NULL ? id : "",
                      (int64_t)json_integer_value(json_object_get(e, "t_us")),
                      split_us);
            json_decref(e);
        }
        /* A log larger than the buffer was cut: read on from the last
         * whole line. */
        if (lines == 0 || strlen(buf) < LOG_CAP - 1) {
            break;
        }
    }
    free(buf);
    return 0;
}

/* The last seq in the log now (0 if empty). */
static uint64_t
log_head(const xg_sim_proc *sim)
{
    char *buf = malloc(LOG_CAP);
    uint64_t seq = 0;
    if (buf != NULL &&
        xg_sim_log_fetch(sim, "binance", 0, buf, LOG_CAP) == XG_OK) {
        for (char *p = buf, *nl; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
            const char *s = strstr(p, "\"seq\":");
            if (s != NULL && s < nl) {
                seq = strtoull(s + 6, NULL, 10);
            }
        }
    }
    free(buf);
    return seq;
}

/* --- one scenario ------------------------------------------------------ */

typedef struct scenario {
    const char *name;
    const char *what;
    int is_limited; /* the simulator's default limits, run bounded */
    int is_held;    /* the open orders placed on the venue first */
    int is_empty;   /* no journal at all */
} scenario;

static const scenario scenarios[] = {
    {"empty", "no journal (the fixed cost of a start)", 0, 0, 1},
    {"held", "limits off, the venue holds every open order", 0, 1, 0},
    {"absent", "limits off, the venue holds none of the open orders", 0, 0, 0},
    {"limited",
     "Binance's default limits, the venue holds none of the open orders", 1, 0,
     0},
};

static void
remove_dir(const char *dir)
{
    static const char *const names[] = {"/data/journal.db",
                                        "/data/journal.db-wal",
                                        "/data/journal.db-shm",
                                        "/data/journal.db-journal",
                                        "/data",
                                        "/xgated.json"};
    char path[600];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s%s", dir, names[i]);
        if (unlink(path) != 0) {
            rmdir(path);
        }
    }
    rmdir(dir);
}

static double
file_mib(const char *dir, const char *name)
{
    char path[600];
    snprintf(path, sizeof path, "%s/data/%s", dir, name);
    struct stat sb;
    return stat(path, &sb) == 0 ? (double)sb.st_size / 1048576.0 : 0.0;
}

static int
run_scenario(const scenario *sc, size_t n_fin, size_t n_open, long bound_s)
{
    printf("== %s: %s\n", sc->name, sc->what);
    static const char *const off_args[] = {
        "--set", "binance.limits=0",
        "--set", "binance.orders_limit=100000000",
        "--set", "binance.orders_day_limit=1000000000",
        "--set", "binance.weight_limit=1000000000",
        "--set", "binance.raw_limit=1000000000",
        NULL};
    char dir[64] = "/tmp/xg_bench_recovery_XXXXXX";
    if (mkdtemp(dir) == NULL) {
        perror(dir);
        return -1;
    }
    char data_dir[128], config[128];
    snprintf(data_dir, sizeof data_dir, "%s/data", dir);
    snprintf(config, sizeof config, "%s/xgated.json", dir);
    char(*order_ids)[XG_VENUE_ORDER_ID_MAX] = NULL;
    gw_child gw = {0};
    xg_sim_proc sim = {0};
    int rc = -1;
    if (xg_sim_start(&sim, sc->is_limited ? NULL : off_args) != XG_OK) {
        fprintf(stderr, "bench: cannot start xgsim\n");
        goto done;
    }
    int port = xg_sim_port(&sim, "binance");
    /* The previous run of the gateway booted two hours ago. */
    int64_t boot_ms = wall_us() / 1000 - 7200000;
    if (sc->is_held) {
        order_ids = calloc(n_open, sizeof *order_ids);
        int64_t t0 = bench_now_ns();
        if (order_ids == NULL ||
            seed_venue(port, boot_ms, n_fin, n_open, order_ids) != 0) {
            goto done;
        }
        printf("%-46s %zu orders in %.2f s\n",
               "open orders placed on the venue", n_open,
               (double)(bench_now_ns() - t0) / 1e9);
    }
    if (!sc->is_empty) {
        int64_t t0 = bench_now_ns();
        if (build_journal(data_dir, boot_ms, n_fin, n_open, order_ids) != 0) {
            goto done;
        }
        printf("%-46s %zu finished + %zu open orders in %.2f s, journal.db "
               "%.1f MiB\n",
               "journal written", n_fin, n_open,
               (double)(bench_now_ns() - t0) / 1e9,
               file_mib(dir, "journal.db"));
    }
    if (write_config(config, data_dir, port) != 0) {
        goto done;
    }
    uint64_t since = log_head(&sim);

    int64_t t_exec = bench_now_ns(), exec_wall_us = wall_us();
    if (gw_spawn(&gw, config) != 0) {
        fprintf(stderr, "bench: cannot start xgated\n");
        goto done;
    }
    int64_t t_load = 0, t_init = 0, t_ready = 0, ready_wall_us = 0;
    long load_rss = -1, load_hwm = -1;
    size_t n_reconcile = 0, n_warn = 0;
    int64_t cap_ns = sc->is_limited ? (int64_t)bound_s * 1000000000LL
                                    : (int64_t)READY_CAP_MS * 1000000LL;
    char line[1024];
    while (t_ready == 0 &&
           gw_line(&gw, line, sizeof line, t_exec + cap_ns) > 0) {
        int64_t t = bench_now_ns();
        const char *rec = strstr(line, "journal: ");
        if (rec != NULL && strstr(rec, "orders to reconcile") != NULL) {
            t_load = t;
            n_reconcile = strtoul(rec + 9, NULL, 10);
            load_rss = bench_proc_kib(gw.pid, "VmRSS:");
            load_hwm = bench_proc_kib(gw.pid, "VmHWM:");
        } else if (strncmp(line, "xgated: requests ", 17) == 0) {
            t_init = t;
        } else if (strcmp(line, "xgated: ready") == 0) {
            t_ready = t;
            ready_wall_us = wall_us();
        } else if (strstr(line, " warn: ") != NULL) {
            n_warn++;
        } else if (strstr(line, " error: ") != NULL) {
            printf("xgated: %s\n", line);
        }
    }
    int64_t t_end = bench_now_ns();
    double cpu_at_end = (double)bench_cpu_us(gw.pid) / 1000.0;
    long end_rss = bench_proc_kib(gw.pid, "VmRSS:");
    long end_hwm = bench_proc_kib(gw.pid, "VmHWM:");
    if (t_load > 0) {
        printf("%-46s %8.1f ms  (%zu orders to reconcile)\n",
               "exec -> journal loaded (\"to reconcile\")",
               (double)(t_load - t_exec) / 1e6, n_reconcile);
    }
    if (t_init > 0) {
        printf("%-46s %8.1f ms\n",
               "exec -> sockets bound (\"xgated: requests\")",
               (double)(t_init - t_exec) / 1e6);
    }
    if (t_ready > 0) {
        printf("%-46s %8.1f ms\n", "exec -> \"xgated: ready\"",
               (double)(t_ready - t_exec) / 1e6);
        if (t_load > 0) {
            printf("%-46s %8.1f ms\n", "reconciliation (loaded -> ready)",
                   (double)(t_ready - t_load) / 1e6);
        }
    } else {
        printf("%-46s not within %.1f s (run bounded)\n",
               "exec -> \"xgated: ready\"", (double)(t_end - t_exec) / 1e9);
    }
    if (load_rss >= 0) {
        printf("%-46s VmRSS %ld KiB, VmHWM %ld KiB\n", "xgated memory at load",
               load_rss, load_hwm);
    }
    printf("%-46s VmRSS %ld KiB, VmHWM %ld KiB\n",
           t_ready > 0 ? "xgated memory at ready"
                       : "xgated memory at the bound",
           end_rss, end_hwm);
    printf("%-46s %.0f ms (in %.1f s)\n",
           t_ready > 0 ? "xgated CPU, exec -> ready"
                       : "xgated CPU, exec -> bound",
           cpu_at_end, (double)(t_end - t_exec) / 1e9);
    printf("%-46s %zu\n", "xgated warnings logged until then", n_warn);

    if (t_ready > 0) {
        /* Watch what follows: another sweep, more queries? */
        int64_t until = bench_now_ns() + (int64_t)OBSERVE_MS * 1000000;
        while (gw_line(&gw, line, sizeof line, until) > 0) {
        }
    }
    req_tally tally;
    if (tally_log(&sim, since, t_ready > 0 ? ready_wall_us : INT64_MAX,
                  &tally) == 0) {
        for (size_t i = 0; i < tally.n_kinds; i++) {
            const req_kind *k = &tally.kinds[i];
            char label[128];
            snprintf(label, sizeof label, "venue: %s", k->name);
            double span_s = (double)(k->last_us - k->first_us) / 1e6;
            printf("%-46s %6zu before ready", label, k->n_before);
            if (k->n_before > 1 && span_s > 0) {
                printf(" (%.0f/s over %.2f s)",
                       (double)(k->n_before - 1) / span_s, span_s);
            }
            if (t_ready > 0) {
                printf(", %zu in the %d ms after", k->n_after, OBSERVE_MS);
            }
            printf("\n");
            if (k->n_before >= 100) {
                print_bursts(k, exec_wall_us);
            }
        }
        tally_free(&tally);
    }
    rc = 0;

done:
    gw_stop(&gw);
    xg_sim_stop(&sim);
    free(order_ids);
    remove_dir(dir);
    return rc;
}

int
main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0); /* figures survive an interrupted run */
    size_t n_fin = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 100000;
    size_t n_open = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 10000;
    long bound_s = argc > 3 ? strtol(argv[3], NULL, 10) : 65;
    const char *which = argc > 4 ? argv[4] : "empty,held,absent,limited";
    if (n_open == 0 || bound_s <= 0 || bound_s > 3600) {
        fprintf(stderr, "usage: bench_recovery [FINISHED [OPEN [BOUND_S "
                        "[empty,held,absent,limited]]]]\n");
        return 2;
    }
    xg__journal_keep_freed_memory(); /* as xgated does */
    curl_global_init(CURL_GLOBAL_DEFAULT);
    printf("bench_recovery: %zu finished + %zu open orders, journal normal, "
           "bound %ld s\n",
           n_fin, n_open, bound_s);
    int rc = 0;
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++) {
        const char *at = strstr(which, scenarios[i].name);
        size_t len = strlen(scenarios[i].name);
        if (at == NULL || (at[len] != '\0' && at[len] != ',')) {
            continue;
        }
        if (run_scenario(&scenarios[i], n_fin, n_open, bound_s) != 0) {
            rc = 1;
        }
    }
    curl_global_cleanup();
    return rc;
}
