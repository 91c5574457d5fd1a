/*
 * bench_turnlog.c - what the turn log costs the loop per turn.
 *
 * For turns of 1, 10 and 100 orders (each with one attempt record, as the
 * gateway logs an order it sends), in XG_SYNC_NORMAL and FULL, it stages
 * the records and commits one frame per turn, the way the loop will. It
 * prints the staging and commit times' median, p99 and max per turn, and
 * the mean cost per turn and per record over staging + commit. Figures
 * only, never pass/fail. Segments rotate at 64 MiB outside the timed part
 * and are removed at once (the applier's job), so the disk does not fill.
 *
 * Usage: bench_turnlog [turns [data-dir-parent]]  (default 10000 and /tmp;
 * a fresh directory is made inside it for every run and removed after).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "turnlog.h"

#define MAX_BATCH   100
#define ROTATE_SIZE (64u * 1024u * 1024u)

static void
remove_run_dir(const char *dir)
{
    uint64_t segs[16];
    size_t n = 0;
    if (xg__turnlog_list(dir, segs, 16, &n) == XG_OK) {
        for (size_t i = 0; i < n; i++) {
            (void)xg__turnlog_remove(dir, segs[i]);
        }
    }
    rmdir(dir);
}

typedef struct run_cfg {
    const char *parent;
    xg__sync_mode mode;
    size_t batch; /* orders per turn, each with its attempt */
    size_t turns;
} run_cfg;

static int
run(const run_cfg *c, int64_t *stage_ns, int64_t *commit_ns)
{
    static xg__journal_order orders[MAX_BATCH];
    static xg__journal_attempt attempts[MAX_BATCH];
    char dir[512], err[XG_TURNLOG_ERR_MAX];
    snprintf(dir, sizeof dir, "%s/xg_bench_turnlog_XXXXXX", c->parent);
    if (mkdtemp(dir) == NULL) {
        perror(dir);
        return -1;
    }
    xg__turnlog *t = NULL;
    if (xg__turnlog_open(&t, dir, c->mode, 0, err, sizeof err) != XG_OK) {
        fprintf(stderr, "%s\n", err);
        remove_run_dir(dir);
        return -1;
    }
    size_t seq = 0;
    uint64_t bytes = 0;
    int64_t busy_ns = 0;
    for (size_t turn = 0; turn < c->turns; turn++) {
        /* Records are built outside the timed part: that cost is the
         * gateway's whatever it logs to. */
        for (size_t k = 0; k < c->batch; k++) {
            bench_sent_order(&orders[k], &attempts[k], ++seq);
        }
        int64_t t0 = bench_now_ns();
        for (size_t k = 0; k < c->batch; k++) {
            if (xg__turnlog_stage_order(t, &orders[k]) != XG_OK ||
                xg__turnlog_stage_attempt(t, &attempts[k]) != XG_OK) {
                goto fail;
            }
        }
        int64_t t1 = bench_now_ns();
        uint64_t before = xg__turnlog_size(t);
        if (xg__turnlog_commit(t) != XG_OK) {
            goto fail;
        }
        int64_t t2 = bench_now_ns();
        bytes += xg__turnlog_size(t) - before;
        stage_ns[turn] = t1 - t0;
        commit_ns[turn] = t2 - t1;
        busy_ns += t2 - t0;
        if (xg__turnlog_size(t) >= ROTATE_SIZE) {
            uint64_t old = xg__turnlog_segment(t);
            if (xg__turnlog_rotate(t) != XG_OK) {
                goto fail;
            }
            (void)xg__turnlog_remove(dir, old);
        }
    }
    xg__turnlog_close(&t);
    remove_run_dir(dir);

    size_t n = c->turns;
    qsort(stage_ns, n, sizeof stage_ns[0], bench_cmp_i64);
    qsort(commit_ns, n, sizeof commit_ns[0], bench_cmp_i64);
    double per_turn_us = (double)busy_ns / 1e3 / (double)n;
    printf(
        "%-6s %5zu %6zu %7.0f %10.1f %10.1f %10.1f %10.1f %10.1f %10.1f %10.1f "
        "%8.0f\n",
        c->mode == XG_SYNC_FULL ? "FULL" : "NORMAL", c->batch, n,
        (double)bytes / (double)n, (double)stage_ns[n / 2] / 1e3,
        (double)stage_ns[n * 99 / 100] / 1e3, (double)stage_ns[n - 1] / 1e3,
        (double)commit_ns[n / 2] / 1e3, (double)commit_ns[n * 99 / 100] / 1e3,
        (double)commit_ns[n - 1] / 1e3, per_turn_us,
        per_turn_us * 1e3 / (double)(2 * c->batch));
    return 0;

fail:
    fprintf(stderr, "%s\n", xg__turnlog_last_error(t));
    xg__turnlog_close(&t);
    remove_run_dir(dir);
    return -1;
}

int
main(int argc, char **argv)
{
    size_t turns = 10000;
    if (argc > 1) {
        char *end = NULL;
        unsigned long v = strtoul(argv[1], &end, 10);
        if (end == argv[1] || *end != '\0' || v == 0 || v > 10000000) {
            fprintf(stderr, "usage: %s [turns [data-dir-parent]]\n", argv[0]);
            return 2;
        }
        turns = (size_t)v;
    }
    const char *parent = argc > 2 ? argv[2] : "/tmp";
    int64_t *stage_ns = malloc(turns * sizeof *stage_ns);
    int64_t *commit_ns = malloc(turns * sizeof *commit_ns);
    if (stage_ns == NULL || commit_ns == NULL) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    static const size_t batches[] = {1, 10, 100};
    printf("bench_turnlog: data dir %s; per order 1 order + 1 attempt record;"
           " one frame per turn\n",
           parent);
    printf("%-6s %5s %6s %7s %10s %10s %10s %10s %10s %10s %10s %8s\n", "sync",
           "batch", "turns", "frame", "stage_p50", "stage_p99", "stage_max",
           "commit_p50", "commit_p99", "commit_max", "turn_mean", "record");
    printf("%-6s %5s %6s %7s %10s %10s %10s %10s %10s %10s %10s %8s\n", "", "",
           "", "bytes", "us", "us", "us", "us", "us", "us", "us", "ns");
    int rc = 0;
    for (int m = 0; m < 2 && rc == 0; m++) {
        for (size_t b = 0; b < sizeof batches / sizeof batches[0]; b++) {
            run_cfg c = {parent, m == 0 ? XG_SYNC_NORMAL : XG_SYNC_FULL,
                         batches[b], turns};
            if (run(&c, stage_ns, commit_ns) != 0) {
                rc = 1;
                break;
            }
        }
    }
    free(stage_ns);
    free(commit_ns);
    return rc;
}
