/*
 * bench_journal.c - what the crash-safe journal costs per loop turn.
 *
 * For batches of 1, 10 and 100 orders per turn, in synchronous NORMAL and
 * FULL, it stages each order as the gateway would when sending it (one
 * order snapshot and one attempt record, fresh gw_ids) and commits once
 * per turn. It prints orders per second over staging + commit, and the
 * commit time's median, p99 and max. Figures only, never pass/fail.
 *
 * Usage: bench_journal [data-dir-parent]  (default /tmp; a fresh
 * directory is made inside it for every run and removed afterwards).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "journal.h"

#define MAX_TURNS     4000
#define MIN_TURNS     50
#define RUN_BUDGET_NS 2000000000LL /* per configuration */

static void
remove_run_dir(const char *dir)
{
    static const char *const names[] = {"journal.db", "journal.db-wal",
                                        "journal.db-shm", "journal.db-journal"};
    char path[600];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

static int
run(const char *parent, xg__sync_mode mode, size_t batch, int64_t *commit_ns)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/xg_bench_journal_XXXXXX", parent);
    if (mkdtemp(dir) == NULL) {
        perror(dir);
        return -1;
    }
    xg__journal *j = NULL;
    char err[XG_JOURNAL_ERR_MAX];
    if (xg__journal_open(&j, dir, mode, err, sizeof err) != XG_OK) {
        fprintf(stderr, "%s\n", err);
        remove_run_dir(dir);
        return -1;
    }
    xg__journal_order o;
    xg__journal_attempt a;
    uint64_t seq = 0;
    size_t turns = 0;
    int64_t t_start = bench_now_ns(), busy_ns = 0;
    while (turns < MAX_TURNS &&
           (turns < MIN_TURNS || bench_now_ns() - t_start < RUN_BUDGET_NS)) {
        int64_t t0 = bench_now_ns();
        for (size_t k = 0; k < batch; k++) {
            /* Building the record (a few snprintf) is counted too; it
             * is small next to the two puts. */
            bench_sent_order(&o, &a, ++seq);
            if (xg__journal_put_order(j, &o) != XG_OK ||
                xg__journal_put_attempt(j, &a) != XG_OK) {
                fprintf(stderr, "%s\n", xg__journal_last_error(j));
                goto fail;
            }
        }
        int64_t t1 = bench_now_ns();
        if (xg__journal_commit(j) != XG_OK) {
            fprintf(stderr, "%s\n", xg__journal_last_error(j));
            goto fail;
        }
        int64_t t2 = bench_now_ns();
        commit_ns[turns++] = t2 - t1;
        busy_ns += t2 - t0;
    }
    xg__journal_close(&j);
    remove_run_dir(dir);

    qsort(commit_ns, turns, sizeof commit_ns[0], bench_cmp_i64);
    double orders_per_s = (double)(turns * batch) * 1e9 / (double)busy_ns;
    printf("%-6s %5zu %6zu %8zu %11.0f %10.1f %10.1f %10.1f\n",
           mode == XG_SYNC_FULL ? "FULL" : "NORMAL", batch, turns,
           turns * batch, orders_per_s, (double)commit_ns[turns / 2] / 1e3,
           (double)commit_ns[turns * 99 / 100] / 1e3,
           (double)commit_ns[turns - 1] / 1e3);
    return 0;

fail:
    xg__journal_close(&j);
    remove_run_dir(dir);
    return -1;
}

int
main(int argc, char **argv)
{
    const char *parent = argc > 1 ? argv[1] : "/tmp";
    xg__journal_keep_freed_memory(); /* as xgated does */
    static int64_t commit_ns[MAX_TURNS];
    static const size_t batches[] = {1, 10, 100};
    printf("bench_journal: data dir %s; per order 1 order + 1 attempt put;"
           " one commit per turn\n",
           parent);
    printf("%-6s %5s %6s %8s %11s %10s %10s %10s\n", "sync", "batch", "turns",
           "orders", "orders/s", "commit_p50", "commit_p99", "commit_max");
    printf("%-6s %5s %6s %8s %11s %10s %10s %10s\n", "", "", "", "", "", "us",
           "us", "us");
    for (int m = 0; m < 2; m++) {
        for (size_t b = 0; b < sizeof batches / sizeof batches[0]; b++) {
            if (run(parent, m == 0 ? XG_SYNC_NORMAL : XG_SYNC_FULL, batches[b],
                    commit_ns) != 0) {
                return 1;
            }
        }
    }
    return 0;
}
