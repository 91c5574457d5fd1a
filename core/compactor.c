/*
 * compactor.c - folding the turn log into the journal's store (see
 * compactor.h).
 *
 * A fold reads a segment from where the store stands to its end, keeps the
 * last snapshot of each order and attempt it names (a table keyed by
 * gw_id, and gw_id plus attempt number) and every fill (written once, so
 * nothing to replace), and writes them with the new position in one
 * transaction. A segment is removed only once a later one
 * exists (the writer has moved on, so nothing more will be appended to
 * it), it has been folded to its end, and the store's WAL has been synced
 * into the database file.
 *
 * The thread wakes every FOLD_INTERVAL_MS, or at once when told to stop;
 * the loop sends it nothing per turn. How far the store lags the log does
 * not matter for safety: the log is the record until it is folded.
 */
#include "compactor.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <zmq.h>

#include "log.h"
#include "turnlog.h"
#include "xgate/buf.h"

#define FOLD_INTERVAL_MS 250
/* The thread's nice value: below the loop's. */
#define NICE 10
/* Segments listed at once; far more than a folding store ever leaves. */
#define SEGMENTS_MAX 4096
#define PATH_MAX_LEN 4096

/* The last record of each key seen in a stretch of log. */
typedef struct fold {
    xg__journal_order *orders;
    size_t n_orders, cap_orders;
    xg__journal_attempt *attempts;
    size_t n_attempts, cap_attempts;
    xg__journal_fill *fills; /* in log order; the store ignores repeats */
    size_t n_fills, cap_fills;
    /* Open addressing over both arrays: an entry is (index << 1) | kind,
     * kind 0 an order, 1 an attempt; EMPTY when free. */
    uint32_t *index;
    size_t index_mask;
} fold;

#define EMPTY UINT32_MAX

static void
fold_free(fold *f)
{
    free(f->orders);
    free(f->attempts);
    free(f->fills);
    free(f->index);
    memset(f, 0, sizeof *f);
}

static void
fold_clear(fold *f)
{
    f->n_orders = 0;
    f->n_attempts = 0;
    f->n_fills = 0;
    if (f->index != NULL) {
        memset(f->index, 0xff, (f->index_mask + 1) * sizeof *f->index);
    }
}

static uint64_t
hash_key(const char *gw_id, int attempt)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (const char *s = gw_id; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    h ^= (uint64_t)(attempt + 1);
    return h * 1099511628211ULL;
}

static int
is_same(const fold *f, uint32_t entry, const char *gw_id, int attempt)
{
    uint32_t i = entry >> 1;
    if (attempt < 0) {
        return (entry & 1) == 0 && strcmp(f->orders[i].gw_id, gw_id) == 0;
    }
    return (entry & 1) == 1 && f->attempts[i].attempt == attempt &&
           strcmp(f->attempts[i].gw_id, gw_id) == 0;
}

/* The index slot of (gw_id, attempt; -1 for the order itself): the
 * entry's, or the free slot where it goes. */
static size_t
find_slot(const fold *f, const char *gw_id, int attempt)
{
    size_t i = hash_key(gw_id, attempt) & f->index_mask;
    while (f->index[i] != EMPTY && !is_same(f, f->index[i], gw_id, attempt)) {
        i = (i + 1) & f->index_mask;
    }
    return i;
}

/* Keep the index at most half full. */
static xg_err
grow_index(fold *f)
{
    size_t used = f->n_orders + f->n_attempts;
    size_t cap = f->index != NULL ? f->index_mask + 1 : 0;
    if ((used + 1) * 2 <= cap) {
        return XG_OK;
    }
    size_t ncap = cap > 0 ? cap * 2 : 1024;
    uint32_t *idx = malloc(ncap * sizeof *idx);
    if (idx == NULL) {
        return XG_ERR_NOMEM;
    }
    free(f->index);
    f->index = idx;
    f->index_mask = ncap - 1;
    memset(idx, 0xff, ncap * sizeof *idx);
    for (size_t k = 0; k < f->n_orders; k++) {
        idx[find_slot(f, f->orders[k].gw_id, -1)] = (uint32_t)(k << 1);
    }
    for (size_t k = 0; k < f->n_attempts; k++) {
        const xg__journal_attempt *a = &f->attempts[k];
        idx[find_slot(f, a->gw_id, a->attempt)] = (uint32_t)(k << 1 | 1);
    }
    return XG_OK;
}

static xg_err
grow_array(void **arr, size_t n, size_t *cap, size_t size)
{
    if (n < *cap) {
        return XG_OK;
    }
    size_t c = *cap > 0 ? *cap * 2 : 512;
    void *p = realloc(*arr, c * size);
    if (p == NULL) {
        return XG_ERR_NOMEM;
    }
    *arr = p;
    *cap = c;
    return XG_OK;
}

/* xg__turnlog_fn: keep the record, replacing an earlier order or attempt
 * of its key. */
static xg_err
keep_record(void *ctx, const xg__turnlog_record *rec)
{
    fold *f = ctx;
    if (rec->fill != NULL) {
        xg_err e = grow_array((void **)&f->fills, f->n_fills, &f->cap_fills,
                              sizeof *f->fills);
        if (e == XG_OK) {
            f->fills[f->n_fills++] = *rec->fill;
        }
        return e;
    }
    const xg__journal_order *o = rec->order;
    const xg__journal_attempt *a = rec->attempt;
    xg_err e = grow_index(f);
    if (e != XG_OK) {
        return e;
    }
    const char *gw_id = o != NULL ? o->gw_id : a->gw_id;
    size_t slot = find_slot(f, gw_id, o != NULL ? -1 : a->attempt);
    if (f->index[slot] != EMPTY) {
        uint32_t i = f->index[slot] >> 1;
        if (o != NULL) {
            f->orders[i] = *o;
        } else {
            f->attempts[i] = *a;
        }
        return XG_OK;
    }
    if (o != NULL) {
        if ((e = grow_array((void **)&f->orders, f->n_orders, &f->cap_orders,
                            sizeof *f->orders)) != XG_OK) {
            return e;
        }
        f->index[slot] = (uint32_t)(f->n_orders << 1);
        f->orders[f->n_orders++] = *o;
    } else {
        if ((e = grow_array((void **)&f->attempts, f->n_attempts,
                            &f->cap_attempts, sizeof *f->attempts)) != XG_OK) {
            return e;
        }
        f->index[slot] = (uint32_t)(f->n_attempts << 1 | 1);
        f->attempts[f->n_attempts++] = *a;
    }
    return XG_OK;
}

/* Write what f kept and the new position in one transaction. */
static xg_err
write_fold(xg__journal *j, fold *f, const xg__journal_applied *to)
{
    xg_err e = XG_OK;
    for (size_t k = 0; e == XG_OK && k < f->n_orders; k++) {
        e = xg__journal_put_order(j, &f->orders[k]);
    }
    for (size_t k = 0; e == XG_OK && k < f->n_attempts; k++) {
        e = xg__journal_put_attempt(j, &f->attempts[k]);
    }
    for (size_t k = 0; e == XG_OK && k < f->n_fills; k++) {
        e = xg__journal_put_fill(j, &f->fills[k]);
    }
    if (e == XG_OK) {
        e = xg__journal_put_applied(j, to);
    }
    if (e == XG_OK) {
        e = xg__journal_commit(j);
    }
    fold_clear(f);
    return e;
}

/* Fold segment a->segment from a->offset to its end; a moves to where the
 * scan stopped. *is_torn: bytes follow the last whole frame. */
static xg_err
fold_segment(xg__journal *j, const char *dir, fold *f, xg__journal_applied *a,
             int *is_torn, char *err, size_t err_len)
{
    char path[PATH_MAX_LEN];
    xg_err e = xg__turnlog_path(path, sizeof path, dir, a->segment);
    if (e != XG_OK) {
        snprintf(err, err_len, "%s: turn log path too long", dir);
        return e;
    }
    xg__turnlog_scan scan;
    e = xg__turnlog_scan_file(path, a->offset, a->next_seq, keep_record, f,
                              &scan, err, err_len);
    *is_torn = scan.is_torn;
    if (e != XG_OK) {
        fold_clear(f);
        return e;
    }
    if (scan.frames == 0) {
        return XG_OK;
    }
    xg__journal_applied to = {a->segment, scan.end, scan.next_seq};
    if ((e = write_fold(j, f, &to)) != XG_OK) {
        snprintf(err, err_len, "%s", xg__journal_last_error(j));
        return e;
    }
    *a = to;
    return XG_OK;
}

/* The store's position moves to the start of segment s. */
static xg_err
move_to_segment(xg__journal *j, xg__journal_applied *a, uint64_t s)
{
    xg__journal_applied to = {s, 0, a->next_seq};
    xg_err e = xg__journal_put_applied(j, &to);
    if (e == XG_OK) {
        e = xg__journal_commit(j);
    }
    if (e == XG_OK) {
        *a = to;
    }
    return e;
}

xg_err
xg__compactor_recover(xg__journal *j, const char *dir, xg__sync_mode mode,
                      uint64_t *next_segment, uint64_t *next_seq, char *err,
                      size_t err_len)
{
    xg__journal_applied a;
    xg_err e = xg__journal_get_applied(j, &a);
    if (e != XG_OK) {
        snprintf(err, err_len, "%s", xg__journal_last_error(j));
        return e;
    }
    uint64_t *segs = malloc(SEGMENTS_MAX * sizeof *segs);
    fold f;
    memset(&f, 0, sizeof f);
    size_t n = 0;
    if (segs == NULL) {
        e = XG_ERR_NOMEM;
        snprintf(err, err_len, "out of memory");
        goto done;
    }
    if ((e = xg__turnlog_list(dir, segs, SEGMENTS_MAX, &n)) != XG_OK) {
        snprintf(err, err_len, "%s: cannot list the turn log", dir);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        if (segs[i] < a.segment) {
            continue; /* folded before; removed below */
        }
        if (segs[i] > a.segment && (e = move_to_segment(j, &a, segs[i]))) {
            snprintf(err, err_len, "%s", xg__journal_last_error(j));
            goto done;
        }
        int is_torn = 0;
        if ((e = fold_segment(j, dir, &f, &a, &is_torn, err, err_len))) {
            goto done;
        }
        if (!is_torn) {
            continue;
        }
        char path[PATH_MAX_LEN];
        (void)xg__turnlog_path(path, sizeof path, dir, a.segment);
        if (i + 1 < n) {
            /* Only the turn a crash interrupted is torn, and the writer
             * starts a new segment only after recovery cut it: damage. */
            e = XG_ERR_IO;
            snprintf(err, err_len,
                     "%s: damaged at offset %llu, and later segments exist",
                     path, (unsigned long long)a.offset);
            goto done;
        }
        xg__info("journal: %s: cutting the turn a crash interrupted, at "
                 "offset %llu",
                 path, (unsigned long long)a.offset);
        if ((e = xg__turnlog_truncate(path, a.offset, mode)) != XG_OK) {
            snprintf(err, err_len, "%s: cannot cut its torn tail", path);
            goto done;
        }
    }
    /* Everything is in the store: make it durable, then let the log go. */
    uint64_t last = n > 0 ? segs[n - 1] : a.segment;
    if ((e = move_to_segment(j, &a, last + 1)) != XG_OK ||
        (e = xg__journal_checkpoint_durable(j)) != XG_OK) {
        snprintf(err, err_len, "%s", xg__journal_last_error(j));
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        if ((e = xg__turnlog_remove(dir, segs[i])) != XG_OK) {
            snprintf(err, err_len, "%s: cannot remove a folded turn log", dir);
            goto done;
        }
    }
    *next_segment = a.segment;
    *next_seq = a.next_seq > 0 ? a.next_seq : 1;
done:
    fold_free(&f);
    free(segs);
    return e;
}

/* ---- the thread -------------------------------------------------------- */

struct xg__compactor {
    pthread_t thread;
    int is_running;
    void *to_thread; /* the loop's end of the PAIR */
    void *from_loop; /* the thread's end, used only by the thread */
    xg__journal *j;  /* owned by the thread while it runs */
    const xg__config *cfg;
    char dir[PATH_MAX_LEN];
    fold f;
    xg__journal_applied a;
    uint64_t *segs;
    int is_damaged; /* a fold failed for good: reported once, stopped */
};

static int64_t
wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Fold what the writer appended; remove the segments it has finished. */
static void
fold_available(xg__compactor *c)
{
    char err[XG_TURNLOG_ERR_MAX];
    for (;;) {
        size_t n = 0;
        if (xg__turnlog_list(c->dir, c->segs, SEGMENTS_MAX, &n) != XG_OK) {
            return;
        }
        size_t i = 0;
        while (i < n && c->segs[i] < c->a.segment) {
            i++;
        }
        if (i == n) {
            return; /* the writer has not created it yet */
        }
        if (c->segs[i] > c->a.segment &&
            move_to_segment(c->j, &c->a, c->segs[i]) != XG_OK) {
            return;
        }
        /* Listed before the fold: if a later segment exists now, this one
         * is complete, and the fold below reads all of it. */
        int is_final = i + 1 < n;
        int is_torn = 0;
        xg_err e =
            fold_segment(c->j, c->dir, &c->f, &c->a, &is_torn, err, sizeof err);
        if (e != XG_OK || (is_final && is_torn)) {
            if (!c->is_damaged) {
                xg__error("journal: cannot fold the turn log: %s",
                          e != XG_OK ? err : "a finished segment is torn");
            }
            c->is_damaged = e != XG_ERR_NOMEM;
            return;
        }
        if (!is_final) {
            return;
        }
        uint64_t done = c->a.segment;
        if (xg__journal_checkpoint_durable(c->j) != XG_OK ||
            move_to_segment(c->j, &c->a, done + 1) != XG_OK ||
            xg__turnlog_remove(c->dir, done) != XG_OK) {
            xg__warn("journal: %s", xg__journal_last_error(c->j));
            return;
        }
    }
}

static void
housekeep(xg__compactor *c)
{
    if (xg__journal_checkpoint(c->j, 1) != XG_OK) {
        xg__warn("journal: %s", xg__journal_last_error(c->j));
    }
    size_t deleted = 0;
    if (xg__journal_housekeep(c->j, wall_ms(),
                              c->cfg->journal_retention_s * 1000,
                              &deleted) != XG_OK) {
        xg__warn("journal: pruning finished orders: %s",
                 xg__journal_last_error(c->j));
    } else if (deleted > 0) {
        xg__info("journal: pruned %zu finished orders older than %lld s",
                 deleted, (long long)c->cfg->journal_retention_s);
    }
}

static void *
run(void *arg)
{
    xg__compactor *c = arg;
    /* Named, so top -H and profiles tell it from the loop. */
    (void)prctl(PR_SET_NAME, "xg-compactor", 0, 0, 0);
    /* The loop first: on a machine with few cores this thread's SQLite
     * work must not take the CPU an order's turn is waiting for. It
     * catches up when the loop is quiet; the log is the record until
     * then. (Linux: a thread's nice value is its own.) */
    if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), NICE) != 0) {
        xg__debug("journal: compactor keeps the loop's priority");
    }
    for (;;) {
        zmq_pollitem_t item = {c->from_loop, 0, ZMQ_POLLIN, 0};
        int rc = zmq_poll(&item, 1, FOLD_INTERVAL_MS);
        int is_stop = rc > 0;
        if (is_stop) {
            char msg[8];
            (void)zmq_recv(c->from_loop, msg, sizeof msg, ZMQ_DONTWAIT);
        }
        if (!c->is_damaged) {
            fold_available(c);
        }
        if (is_stop) {
            break;
        }
        housekeep(c);
    }
    return NULL;
}

xg_err
xg__compactor_start(xg__compactor **out, xg__journal *j, const char *dir,
                    const xg__config *cfg, void *zmq_ctx, char *err,
                    size_t err_len)
{
    *out = NULL;
    xg__compactor *c = calloc(1, sizeof *c);
    if (c == NULL) {
        xg__journal_close(&j);
        xg_strlcpy(err, "out of memory", err_len);
        return XG_ERR_NOMEM;
    }
    c->j = j;
    c->cfg = cfg;
    xg_strlcpy(c->dir, dir, sizeof c->dir);
    c->segs = malloc(SEGMENTS_MAX * sizeof *c->segs);
    char endpoint[64];
    snprintf(endpoint, sizeof endpoint, "inproc://xgate-compactor-%p",
             (void *)c);
    c->to_thread = zmq_socket(zmq_ctx, ZMQ_PAIR);
    c->from_loop = zmq_socket(zmq_ctx, ZMQ_PAIR);
    xg_err e = XG_ERR_IO;
    if (c->segs == NULL || c->to_thread == NULL || c->from_loop == NULL ||
        zmq_bind(c->to_thread, endpoint) != 0 ||
        zmq_connect(c->from_loop, endpoint) != 0 ||
        xg__journal_get_applied(j, &c->a) != XG_OK) {
        xg_strlcpy(err, "cannot start the journal's compactor", err_len);
        goto fail;
    }
    /* pthread_create orders memory: the thread may use from_loop. */
    if (pthread_create(&c->thread, NULL, run, c) != 0) {
        xg_strlcpy(err, "cannot start the journal's compactor thread", err_len);
        goto fail;
    }
    c->is_running = 1;
    *out = c;
    return XG_OK;
fail:
    xg__compactor_stop(&c);
    return e;
}

void
xg__compactor_stop(xg__compactor **cp)
{
    xg__compactor *c = *cp;
    if (c == NULL) {
        return;
    }
    if (c->is_running) {
        (void)zmq_send(c->to_thread, "stop", 4, 0);
        pthread_join(c->thread, NULL);
    }
    int linger = 0;
    if (c->to_thread != NULL) {
        zmq_setsockopt(c->to_thread, ZMQ_LINGER, &linger, sizeof linger);
        zmq_close(c->to_thread);
    }
    if (c->from_loop != NULL) {
        zmq_setsockopt(c->from_loop, ZMQ_LINGER, &linger, sizeof linger);
        zmq_close(c->from_loop);
    }
    xg__journal_close(&c->j);
    fold_free(&c->f);
    free(c->segs);
    free(c);
    *cp = NULL;
}
