/*
 * What the benchmarks share (bench_util.h).
 */
#include "bench_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int64_t
bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int
bench_cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

long
bench_proc_kib(pid_t pid, const char *field)
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

/* utime + stime of the stat file at path, in µs; 0 if unreadable. */
static int64_t
stat_cpu_us(const char *path)
{
    char line[1024];
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
    if (p == NULL || sscanf(p + 2,
                            "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u "
                            "%*u %llu %llu",
                            &ut, &st) != 2) {
        return 0;
    }
    return (int64_t)((ut + st) * 1000000ULL /
                     (unsigned long long)sysconf(_SC_CLK_TCK));
}

int64_t
bench_cpu_us(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    return stat_cpu_us(path);
}

int64_t
bench_main_thread_cpu_us(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int)pid, (int)pid);
    return stat_cpu_us(path);
}

void
bench_sent_order(xg__journal_order *o, xg__journal_attempt *a, uint64_t seq)
{
    memset(o, 0, sizeof *o);
    snprintf(o->gw_id, sizeof o->gw_id, "lq0abcde%08u",
             (unsigned)(seq % 100000000u));
    snprintf(o->client_id, sizeof o->client_id, "strat%u",
             (unsigned)(seq % 100000000u));
    snprintf(o->strategy_id, sizeof o->strategy_id, "alpha01");
    snprintf(o->symbol, sizeof o->symbol, "BTC/USDT");
    o->side = XG_SIDE_BUY;
    o->type = XG_TYPE_LIMIT;
    o->tif = XG_TIF_GTC;
    o->qty.units = 10;
    o->qty.scale = 3;
    o->price.units = 3500050;
    o->price.scale = 2;
    o->status = XG_STATUS_SENT;
    snprintf(o->venue, sizeof o->venue, "binance");
    snprintf(o->venue_client_id, sizeof o->venue_client_id, "%s1", o->gw_id);
    o->attempt = 1;
    snprintf(o->route[0], sizeof o->route[0], "binance");
    snprintf(o->route[1], sizeof o->route[1], "okx");
    o->n_route = 2;
    o->updated_ms = 1700000000000LL + (int64_t)seq;

    memset(a, 0, sizeof *a);
    memcpy(a->gw_id, o->gw_id, sizeof a->gw_id);
    a->attempt = 1;
    memcpy(a->venue, o->venue, sizeof a->venue);
    memcpy(a->venue_client_id, o->venue_client_id, sizeof a->venue_client_id);
    a->updated_ms = o->updated_ms;
}
