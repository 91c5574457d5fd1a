/*
 * test_compactor.c - folding the turn log into the journal's store
 * (core/compactor.c): what start-up folds, cuts and refuses, and what the
 * thread folds and removes while a writer appends.
 */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <zmq.h>

#include "compactor.h"
#include "journal.h"
#include "journal_check.h"
#include "turnlog.h"

typedef struct fixture {
    char dir[64];
    xg__config cfg;
} fixture;

static int
setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (f == NULL) {
        return -1;
    }
    if (xg_test_scratch_dir(f->dir, sizeof f->dir, "xg_compactor_") != 0) {
        free(f);
        return -1;
    }
    f->cfg.journal_retention_s = 0;
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fixture *f = *state;
    xg_test_rm_tree(f->dir);
    free(f);
    return 0;
}

static xg__journal_order
order_of(int n, xg_order_status status)
{
    xg__journal_order o;
    memset(&o, 0, sizeof o);
    snprintf(o.gw_id, sizeof o.gw_id, "lq0abcde%08d", n);
    snprintf(o.client_id, sizeof o.client_id, "c%d", n);
    snprintf(o.strategy_id, sizeof o.strategy_id, "s1");
    snprintf(o.symbol, sizeof o.symbol, "BTC/USDT");
    o.side = XG_SIDE_BUY;
    o.type = XG_TYPE_LIMIT;
    o.tif = XG_TIF_GTC;
    o.qty = (xg_decimal){1, 3};
    o.price = (xg_decimal){30000, 0};
    o.status = status;
    snprintf(o.venue, sizeof o.venue, "binance");
    snprintf(o.venue_client_id, sizeof o.venue_client_id, "%s1", o.gw_id);
    o.attempt = 1;
    o.n_route = 1;
    snprintf(o.route[0], sizeof o.route[0], "binance");
    o.updated_ms = 1000 + n;
    return o;
}

static xg__journal_attempt
attempt_of(int n, int state)
{
    xg__journal_attempt a;
    memset(&a, 0, sizeof a);
    snprintf(a.gw_id, sizeof a.gw_id, "lq0abcde%08d", n);
    a.attempt = 1;
    snprintf(a.venue, sizeof a.venue, "binance");
    snprintf(a.venue_client_id, sizeof a.venue_client_id, "%s1", a.gw_id);
    a.state = state;
    a.updated_ms = 1000 + n;
    return a;
}

/* One turn as the loop writes it: order n in status, its attempt. */
static void
write_turn(xg__turnlog *t, int n, xg_order_status status, int attempt_state)
{
    xg__journal_order o = order_of(n, status);
    xg__journal_attempt a = attempt_of(n, attempt_state);
    assert_int_equal(xg__turnlog_stage_attempt(t, &a), XG_OK);
    assert_int_equal(xg__turnlog_stage_order(t, &o), XG_OK);
    assert_int_equal(xg__turnlog_commit(t), XG_OK);
}

static xg__journal *
open_store(const fixture *f)
{
    xg__journal *j = NULL;
    char err[256];
    assert_int_equal(
        xg__journal_open(&j, f->dir, XG_SYNC_NORMAL, err, sizeof err), XG_OK);
    return j;
}

typedef struct loaded {
    int n;
    xg_order_status status[64];
    int attempt_state[64];
    xg__journal_order first; /* the first order, whole */
} loaded;

static xg_err
on_open(void *ctx, const xg__journal_order *o, const xg__journal_attempt *a,
        size_t n_attempts)
{
    loaded *l = ctx;
    if (l->n == 0) {
        l->first = *o;
    }
    if (l->n < 64) {
        l->status[l->n] = o->status;
        l->attempt_state[l->n] = n_attempts > 0 ? a[0].state : -1;
    }
    l->n++;
    return XG_OK;
}

static loaded
load_open(xg__journal *j)
{
    loaded l;
    memset(&l, 0, sizeof l);
    assert_int_equal(xg__journal_load_open(j, on_open, &l), XG_OK);
    return l;
}

static size_t
segments_in(const fixture *f)
{
    uint64_t segs[16];
    size_t n = 0;
    assert_int_equal(xg__turnlog_list(f->dir, segs, 16, &n), XG_OK);
    return n;
}

/* Start-up: every whole turn on disk ends up in the store, the latest
 * snapshot of each order wins, and the log is gone. */
static void
test_recover_folds_every_turn_and_removes_the_log(void **state)
{
    fixture *f = *state;
    xg__journal *j = open_store(f);
    xg__turnlog *t = NULL;
    char err[256];
    assert_int_equal(
        xg__turnlog_open(&t, f->dir, XG_SYNC_NORMAL, 1, err, sizeof err),
        XG_OK);
    /* Order 1 goes SENT, NEW, FILLED; order 2 stays NEW; order 3 SENT. */
    write_turn(t, 1, XG_STATUS_SENT, XG_ATTEMPT_UNSETTLED);
    write_turn(t, 2, XG_STATUS_SENT, XG_ATTEMPT_UNSETTLED);
    write_turn(t, 1, XG_STATUS_NEW, XG_ATTEMPT_EXISTS);
    assert_int_equal(xg__turnlog_rotate(t), XG_OK);
    write_turn(t, 2, XG_STATUS_NEW, XG_ATTEMPT_EXISTS);
    write_turn(t, 1, XG_STATUS_FILLED, XG_ATTEMPT_EXISTS);
    write_turn(t, 3, XG_STATUS_SENT, XG_ATTEMPT_UNSETTLED);
    uint64_t seq_after = xg__turnlog_next_seq(t);
    xg__turnlog_close(&t);

    uint64_t segment = 0, seq = 0;
    assert_int_equal(xg__compactor_recover(j, f->dir, XG_SYNC_NORMAL, &segment,
                                           &seq, err, sizeof err),
                     XG_OK);
    assert_int_equal(segment, 3);
    assert_int_equal(seq, seq_after);
    assert_int_equal(segments_in(f), 0);
    loaded l = load_open(j);
    assert_int_equal(l.n, 2); /* 1 is final */
    assert_int_equal(l.status[0], XG_STATUS_NEW);
    assert_int_equal(l.attempt_state[0], XG_ATTEMPT_EXISTS);
    assert_int_equal(l.status[1], XG_STATUS_SENT);
    xg__journal_applied a;
    assert_int_equal(xg__journal_get_applied(j, &a), XG_OK);
    assert_int_equal(a.segment, 3);
    assert_int_equal(a.next_seq, seq_after);
    xg__journal_close(&j);

    /* A second start finds nothing to fold and the same position. */
    j = open_store(f);
    assert_int_equal(xg__compactor_recover(j, f->dir, XG_SYNC_NORMAL, &segment,
                                           &seq, err, sizeof err),
                     XG_OK);
    assert_int_equal(segment, 4);
    assert_int_equal(seq, seq_after);
    xg__journal_close(&j);
}

/* What the venue orders a cancel-replace replaced executed comes through
 * the turn log into the store whole, for recovery to give back to the
 * order (recover.c). The latest snapshot wins here too. */
static void
test_recover_folds_the_replaced_execution(void **state)
{
    fixture *f = *state;
    xg__journal *j = open_store(f);
    xg__turnlog *t = NULL;
    char err[256];
    assert_int_equal(
        xg__turnlog_open(&t, f->dir, XG_SYNC_NORMAL, 1, err, sizeof err),
        XG_OK);
    xg__journal_order o = order_of(1, XG_STATUS_PARTIALLY_FILLED);
    o.exec.filled_qty = (xg_decimal){5, 3};
    o.exec.filled_quote = (xg_decimal){150000, 3};
    o.replaced_exec.filled_qty = (xg_decimal){2, 3};
    o.replaced_exec.filled_quote = (xg_decimal){60000, 3};
    o.replaced_exec.fee = (xg_decimal){-12, 5};
    snprintf(o.replaced_exec.fee_currency, sizeof o.replaced_exec.fee_currency,
             "BNB");
    assert_int_equal(xg__turnlog_stage_order(t, &o), XG_OK);
    assert_int_equal(xg__turnlog_commit(t), XG_OK);
    /* Replaced once more: the sum grows, in another currency's fee. */
    o.attempt = 2;
    o.replaced_exec.filled_qty = (xg_decimal){4, 3};
    o.replaced_exec.filled_quote = (xg_decimal){120004, 3};
    o.replaced_exec.fee = (xg_decimal){INT64_MAX, 18};
    snprintf(o.replaced_exec.fee_currency, sizeof o.replaced_exec.fee_currency,
             "USDT");
    assert_int_equal(xg__turnlog_stage_order(t, &o), XG_OK);
    assert_int_equal(xg__turnlog_commit(t), XG_OK);
    xg__turnlog_close(&t);

    uint64_t segment = 0, seq = 0;
    assert_int_equal(xg__compactor_recover(j, f->dir, XG_SYNC_NORMAL, &segment,
                                           &seq, err, sizeof err),
                     XG_OK);
    loaded l = load_open(j);
    assert_int_equal(l.n, 1);
    xg_test_assert_order_equal(&o, &l.first);
    xg__journal_close(&j);
}

static xg_err
count_fill(void *ctx, const xg__journal_fill *f)
{
    size_t *n = ctx;
    assert_string_equal(f->gw_id, "lq0abcde00000001");
    (*n)++;
    return XG_OK;
}

/* Fills come through the turn log into the store once each: the same
 * trade told again in a later turn (a stream duplicate journaled twice)
 * is one row. */
static void
test_recover_folds_each_fill_once(void **state)
{
    fixture *f = *state;
    xg__journal *j = open_store(f);
    xg__turnlog *t = NULL;
    char err[256];
    assert_int_equal(
        xg__turnlog_open(&t, f->dir, XG_SYNC_NORMAL, 1, err, sizeof err),
        XG_OK);
    xg__journal_order o = order_of(1, XG_STATUS_PARTIALLY_FILLED);
    xg__journal_fill fl;
    memset(&fl, 0, sizeof fl);
    snprintf(fl.gw_id, sizeof fl.gw_id, "%s", o.gw_id);
    snprintf(fl.venue, sizeof fl.venue, "binance");
    fl.qty = (xg_decimal){1, 4};
    fl.price = (xg_decimal){30000, 0};
    for (int k = 0; k < 3; k++) {
        snprintf(fl.trade_id, sizeof fl.trade_id, "%d", 9000 + k % 2);
        assert_int_equal(xg__turnlog_stage_fill(t, &fl), XG_OK);
        assert_int_equal(xg__turnlog_stage_order(t, &o), XG_OK);
        assert_int_equal(xg__turnlog_commit(t), XG_OK);
    }
    xg__turnlog_close(&t);

    uint64_t segment = 0, seq = 0;
    assert_int_equal(xg__compactor_recover(j, f->dir, XG_SYNC_NORMAL, &segment,
                                           &seq, err, sizeof err),
                     XG_OK);
    size_t n = 0;
    assert_int_equal(xg__journal_load_fills(j, -1, count_fill, &n), XG_OK);
    assert_int_equal(n, 2);
    xg__journal_close(&j);
}

static uint64_t
file_size(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return (uint64_t)st.st_size;
}

/* A crash in the middle of a turn's write leaves part of a frame: its
 * requests never left, so it is cut, and the turns before it count. */
static void
test_recover_cuts_the_turn_a_crash_tore(void **state)
{
    fixture *f = *state;
    char err[256];
    xg__turnlog *t = NULL;
    assert_int_equal(
        xg__turnlog_open(&t, f->dir, XG_SYNC_NORMAL, 1, err, sizeof err),
        XG_OK);
    write_turn(t, 1, XG_STATUS_SENT, XG_ATTEMPT_UNSETTLED);
    uint64_t whole = xg__turnlog_size(t);
    write_turn(t, 2, XG_STATUS_SENT, XG_ATTEMPT_UNSETTLED);
    uint64_t seq_whole = xg__turnlog_next_seq(t) - 1;
    xg__turnlog_close(&t);
    char path[320];
    assert_int_equal(xg__turnlog_path(path, sizeof path, f->dir, 1), XG_OK);
    uint64_t size = file_size(path);
    assert_int_equal(truncate(path, (off_t)(whole + (size - whole) / 2)), 0);

    xg__journal *j = open_store(f);
    uint64_t segment = 0, seq = 0;
    assert_int_equal(xg__compactor_recover(j, f->dir, XG_SYNC_NORMAL, &segment,
                                           &seq, err, sizeof err),
                     XG_OK);
    assert_int_equal(seq, seq_whole);
    loaded l = load_open(j);
    assert_int_equal(l.n, 1);
    xg__journal_close(&j);
}

/* Damage that is not a torn last turn stops start-up with one line, and
 * the log is left as it was for a human. */
static void
test_recover_refuses_damage_and_leaves_the_log(void **state)
{
    fixture *f = *state;
    char err[256];
    xg__turnlog *t = NULL;
    assert_int_equal(
        xg__turnlog_open(&t, f->dir, XG_SYNC_NORMAL, 1, err, sizeof err),
        XG_OK);
    write_turn(t, 1, XG_STATUS_SENT, XG_ATTEMPT_UNSETTLED);
    write_turn(t, 2, XG_STATUS_SENT, XG_ATTEMPT_UNSETTLED);
    assert_int_equal(xg__turnlog_rotate(t), XG_OK);
    write_turn(t, 3, XG_STATUS_SENT, XG_ATTEMPT_UNSETTLED);
    xg__turnlog_close(&t);
    /* Flip a byte in the middle of segment 1: a later segment exists, so
     * this is no torn write. */
    char path[320];
    assert_int_equal(xg__turnlog_path(path, sizeof path, f->dir, 1), XG_OK);
    uint64_t size = file_size(path);
    int fd = open(path, O_RDWR);
    assert_true(fd >= 0);
    unsigned char b;
    assert_int_equal(pread(fd, &b, 1, (off_t)(size - 5)), 1);
    b ^= 0x40;
    assert_int_equal(pwrite(fd, &b, 1, (off_t)(size - 5)), 1);
    close(fd);

    xg__journal *j = open_store(f);
    uint64_t segment = 0, seq = 0;
    assert_int_equal(xg__compactor_recover(j, f->dir, XG_SYNC_NORMAL, &segment,
                                           &seq, err, sizeof err),
                     XG_ERR_IO);
    assert_non_null(strstr(err, "later segments exist"));
    assert_int_equal(segments_in(f), 2);
    xg__journal_close(&j);
}

static void
sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

/* The thread folds what the writer appends, removes the segments it has
 * finished, and folds the rest at stop. */
static void
test_thread_folds_while_the_writer_appends(void **state)
{
    fixture *f = *state;
    char err[256];
    xg__journal *j = open_store(f);
    uint64_t segment = 0, seq = 0;
    assert_int_equal(xg__compactor_recover(j, f->dir, XG_SYNC_NORMAL, &segment,
                                           &seq, err, sizeof err),
                     XG_OK);
    xg__turnlog *t = NULL;
    assert_int_equal(
        xg__turnlog_open(&t, f->dir, XG_SYNC_NORMAL, segment, err, sizeof err),
        XG_OK);
    assert_int_equal(xg__turnlog_set_next_seq(t, seq), XG_OK);
    void *ctx = zmq_ctx_new();
    xg__compactor *c = NULL;
    assert_int_equal(
        xg__compactor_start(&c, j, f->dir, &f->cfg, ctx, err, sizeof err),
        XG_OK);
    for (int n = 0; n < 40; n++) {
        write_turn(t, n, XG_STATUS_SENT, XG_ATTEMPT_UNSETTLED);
        if (n % 10 == 9) {
            assert_int_equal(xg__turnlog_rotate(t), XG_OK);
        }
    }
    /* Finished segments go within a few of the thread's wakes. */
    for (int k = 0; k < 50 && segments_in(f) > 1; k++) {
        sleep_ms(50);
    }
    assert_int_equal(segments_in(f), 1);
    for (int n = 0; n < 40; n += 2) {
        write_turn(t, n, XG_STATUS_FILLED, XG_ATTEMPT_EXISTS);
    }
    xg__turnlog_close(&t);
    xg__compactor_stop(&c);

    j = open_store(f);
    loaded l = load_open(j);
    assert_int_equal(l.n, 20);
    for (int k = 0; k < 20; k++) {
        assert_int_equal(l.status[k], XG_STATUS_SENT);
    }
    xg__journal_close(&j);
    zmq_ctx_term(ctx);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_recover_folds_every_turn_and_removes_the_log),
        T(test_recover_folds_the_replaced_execution),
        T(test_recover_folds_each_fill_once),
        T(test_recover_cuts_the_turn_a_crash_tore),
        T(test_recover_refuses_damage_and_leaves_the_log),
        T(test_thread_folds_while_the_writer_appends),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
