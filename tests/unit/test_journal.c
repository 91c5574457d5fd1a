/*
 * test_journal.c - the order journal: round trips, upserts, what start-up
 * reads back, what survives close and crashes, and that damaged, foreign
 * or hostile files are refused with one line and left untouched.
 *
 * Every test works in its own directory under /tmp, removed at the end.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "journal.h"
#include "journal_check.h"

#define MAX_SEEN 32

/* ---- fixtures ---------------------------------------------------------- */

typedef struct fixture {
    char dir[64];
    char db[96];
} fixture;

static int
setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (f == NULL) {
        return -1;
    }
    if (xg_test_scratch_dir(f->dir, sizeof f->dir, "xg_journal_") != 0) {
        free(f);
        return -1;
    }
    snprintf(f->db, sizeof f->db, "%s/journal.db", f->dir);
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

static void
set_str(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src);
}

static xg_decimal
dec(int64_t units, uint8_t scale)
{
    xg_decimal d = {units, scale};
    return d;
}

/* An order with every field set to something distinctive. */
static xg__journal_order
order_of(const char *gw_id, xg_order_status status)
{
    xg__journal_order o;
    memset(&o, 0, sizeof o);
    set_str(o.gw_id, sizeof o.gw_id, gw_id);
    snprintf(o.client_id, sizeof o.client_id, "c%s", gw_id);
    set_str(o.strategy_id, sizeof o.strategy_id, "alpha01");
    set_str(o.symbol, sizeof o.symbol, "BTC/USDT");
    o.side = XG_SIDE_SELL;
    o.type = XG_TYPE_LIMIT;
    o.tif = XG_TIF_POST_ONLY;
    o.qty = dec(INT64_MAX, 18);
    o.price = dec(3500050, 2);
    o.status = status;
    set_str(o.venue, sizeof o.venue, "okx");
    snprintf(o.venue_client_id, sizeof o.venue_client_id, "%s1", gw_id);
    set_str(o.venue_order_id, sizeof o.venue_order_id,
            "123456789012345678901234567890123456789012345678901234567890abc");
    o.exec.filled_qty = dec(INT64_MIN, 3);
    o.exec.filled_quote = dec(INT64_MAX, 18);
    o.exec.fee = dec(-7, 9);
    set_str(o.exec.fee_currency, sizeof o.exec.fee_currency, "ABCDEFGHIJKLMNO");
    o.replaced_exec.filled_qty = dec(INT64_MAX, 17);
    o.replaced_exec.filled_quote = dec(INT64_MIN, 18);
    o.replaced_exec.fee = dec(-1, 0);
    set_str(o.replaced_exec.fee_currency, sizeof o.replaced_exec.fee_currency,
            "ZYXWVUTSRQPONML");
    o.attempt = 255;
    o.cancel_requested = 1;
    o.requantize = 1;
    set_str(o.route[0], sizeof o.route[0], "okx");
    set_str(o.route[1], sizeof o.route[1], "binance");
    set_str(o.route[2], sizeof o.route[2], "abcdefghijklmno");
    o.n_route = 3;
    o.deadline_ms = INT64_MAX;
    o.updated_ms = 1700000000123;
    return o;
}

static xg__journal_attempt
attempt_of(const char *gw_id, uint8_t n, int st)
{
    xg__journal_attempt a;
    memset(&a, 0, sizeof a);
    set_str(a.gw_id, sizeof a.gw_id, gw_id);
    a.attempt = n;
    set_str(a.venue, sizeof a.venue, n % 2 == 0 ? "binance" : "bybit");
    snprintf(a.venue_client_id, sizeof a.venue_client_id, "%s%u", gw_id,
             (unsigned)n);
    a.state = st;
    a.updated_ms = 1700000000000 + n;
    return a;
}

/* What load_open delivered. */
typedef struct seen {
    size_t n;
    xg__journal_order orders[MAX_SEEN];
    xg__journal_attempt attempts[MAX_SEEN][4];
    size_t n_attempts[MAX_SEEN];
    size_t stop_after; /* 0: never */
} seen;

static xg_err
collect(void *ctx, const xg__journal_order *o,
        const xg__journal_attempt *attempts, size_t n_attempts)
{
    seen *s = ctx;
    if (s->stop_after != 0 && s->n == s->stop_after) {
        return XG_ERR_NOMEM;
    }
    assert_true(s->n < MAX_SEEN);
    assert_true(n_attempts <= 4);
    s->orders[s->n] = *o;
    memcpy(s->attempts[s->n], attempts, n_attempts * sizeof *attempts);
    s->n_attempts[s->n] = n_attempts;
    s->n++;
    return XG_OK;
}

static xg__journal *
open_ok(const fixture *f, xg__sync_mode mode)
{
    xg__journal *j = NULL;
    char err[XG_JOURNAL_ERR_MAX];
    xg_err e = xg__journal_open(&j, f->dir, mode, err, sizeof err);
    if (e != XG_OK) {
        print_error("open: %s\n", err);
    }
    assert_int_equal(e, XG_OK);
    assert_non_null(j);
    return j;
}

static void
load(xg__journal *j, seen *s)
{
    memset(s, 0, sizeof *s);
    assert_int_equal(xg__journal_load_open(j, collect, s), XG_OK);
}

/* The whole file, for byte-for-byte comparisons. Given: free. */
static unsigned char *
slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    unsigned char *buf = malloc(1 << 20);
    assert_non_null(buf);
    *len = fread(buf, 1, 1 << 20, fp);
    assert_true(feof(fp));
    fclose(fp);
    return buf;
}

static void
write_at(const char *path, long off, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT, 0600);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, data, len, (off_t)off), (ssize_t)len);
    close(fd);
}

/* Opening must fail with want, one line naming the file, the file left
 * exactly as it was. Returns the message for further checks. */
static void
assert_refused(const fixture *f, xg_err want, const char *needle)
{
    size_t len_before = 0, len_after = 0;
    unsigned char *before = slurp(f->db, &len_before);
    xg__journal *j = NULL;
    char err[XG_JOURNAL_ERR_MAX];
    err[0] = '\0';
    xg_err e = xg__journal_open(&j, f->dir, XG_SYNC_FULL, err, sizeof err);
    assert_int_equal(e, want);
    assert_null(j);
    assert_non_null(strstr(err, f->db));
    assert_non_null(strstr(err, needle));
    assert_null(strchr(err, '\n'));
    unsigned char *after = slurp(f->db, &len_after);
    assert_int_equal(len_before, len_after);
    assert_memory_equal(before, after, len_before);
    free(before);
    free(after);
}

/* A closed journal with n committed open orders "g...01" .. */
static void
make_journal(const fixture *f, int n)
{
    xg__journal *j = open_ok(f, XG_SYNC_NORMAL);
    for (int i = 1; i <= n; i++) {
        char id[XG_GW_ID_LEN + 1];
        snprintf(id, sizeof id, "lq0abcde%08u", (unsigned)i % 100000000u);
        xg__journal_order o = order_of(id, XG_STATUS_NEW);
        assert_int_equal(xg__journal_put_order(j, &o), XG_OK);
    }
    assert_int_equal(xg__journal_commit(j), XG_OK);
    xg__journal_close(&j);
}

/* Run SQL on the file with a plain SQLite connection (not the journal). */
static void
raw_sql(const fixture *f, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        print_error("raw_sql: %s\n", msg != NULL ? msg : "?");
    }
    sqlite3_free(msg);
    assert_int_equal(rc, SQLITE_OK);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* A fill of gw_id, trade trade_id, of qty_units thousandths. */
static xg__journal_fill
fill_of(const char *gw_id, const char *trade_id, int64_t qty_units)
{
    xg__journal_fill f;
    memset(&f, 0, sizeof f);
    snprintf(f.gw_id, sizeof f.gw_id, "%s", gw_id);
    snprintf(f.venue, sizeof f.venue, "okx");
    snprintf(f.trade_id, sizeof f.trade_id, "%s", trade_id);
    f.qty = (xg_decimal){qty_units, 3};
    f.price = (xg_decimal){3500012, 2};
    f.fee = (xg_decimal){-35, 8};
    snprintf(f.fee_currency, sizeof f.fee_currency, "BTC");
    f.liquidity = XG_LIQUIDITY_MAKER;
    f.time_ms = 1796640000123;
    f.updated_ms = 1796640000130;
    return f;
}

#define MAX_FILLS 16

typedef struct fills_seen {
    xg__journal_fill fills[MAX_FILLS];
    size_t n;
} fills_seen;

static xg_err
collect_fill(void *ctx, const xg__journal_fill *f)
{
    fills_seen *s = ctx;
    if (s->n == MAX_FILLS) {
        return XG_ERR_OVERFLOW;
    }
    s->fills[s->n++] = *f;
    return XG_OK;
}

static void
load_fills(xg__journal *j, fills_seen *s)
{
    memset(s, 0, sizeof *s);
    assert_int_equal(xg__journal_load_fills(j, -1, collect_fill, s), XG_OK);
}

static void
assert_fill_equal(const xg__journal_fill *want, const xg__journal_fill *got)
{
    assert_string_equal(want->gw_id, got->gw_id);
    assert_string_equal(want->venue, got->venue);
    assert_string_equal(want->trade_id, got->trade_id);
    const xg_decimal *w[3] = {&want->qty, &want->price, &want->fee};
    const xg_decimal *g[3] = {&got->qty, &got->price, &got->fee};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(w[i]->units, g[i]->units);
        assert_int_equal(w[i]->scale, g[i]->scale);
    }
    assert_string_equal(want->fee_currency, got->fee_currency);
    assert_int_equal(want->liquidity, got->liquidity);
    assert_int_equal(want->time_ms, got->time_ms);
    assert_int_equal(want->updated_ms, got->updated_ms);
}

/* ---- round trips -------------------------------------------------------- */

static void
test_journal_round_trips_orders_and_attempts_exactly(void **state)
{
    fixture *f = *state;
    xg__journal *j = open_ok(f, XG_SYNC_FULL);
    xg__journal_order o = order_of("lq0abcde00000001", XG_STATUS_UNKNOWN);
    xg__journal_attempt a0 = attempt_of(o.gw_id, 0, XG_ATTEMPT_ABSENT);
    xg__journal_attempt a1 = attempt_of(o.gw_id, 1, XG_ATTEMPT_UNSETTLED);
    assert_int_equal(xg__journal_has_staged(j), 0);
    /* Attempts first: the order of puts within a turn does not matter. */
    assert_int_equal(xg__journal_put_attempt(j, &a1), XG_OK);
    assert_int_equal(xg__journal_put_order(j, &o), XG_OK);
    assert_int_equal(xg__journal_put_attempt(j, &a0), XG_OK);
    assert_int_equal(xg__journal_has_staged(j), 1);
    assert_int_equal(xg__journal_commit(j), XG_OK);
    assert_int_equal(xg__journal_has_staged(j), 0);
    xg__journal_close(&j);
    assert_null(j);

    j = open_ok(f, XG_SYNC_NORMAL);
    seen s;
    load(j, &s);
    assert_int_equal(s.n, 1);
    xg_test_assert_order_equal(&s.orders[0], &o);
    assert_int_equal(s.n_attempts[0], 2);
    xg_test_assert_attempt_equal(&s.attempts[0][0], &a0);
    xg_test_assert_attempt_equal(&s.attempts[0][1], &a1);
    assert_string_equal(xg__journal_last_error(j), "");
    xg__journal_close(&j);
}

static void
test_journal_market_order_without_route_round_trips(void **state)
{
    fixture *f = *state;
    xg__journal *j = open_ok(f, XG_SYNC_NORMAL);
    xg__journal_order o = order_of("lq0abcde00000002", XG_STATUS_PENDING);
    o.type = XG_TYPE_MARKET;
    o.price = dec(0, 0);
    o.n_route = 0;
    memset(o.route, 0, sizeof o.route);
    o.venue[0] = '\0';
    o.venue_order_id[0] = '\0';
    o.deadline_ms = 0;
    assert_int_equal(xg__journal_put_order(j, &o), XG_OK);
    assert_int_equal(xg__journal_commit(j), XG_OK);
    seen s;
    load(j, &s);
    assert_int_equal(s.n, 1);
    xg_test_assert_order_equal(&s.orders[0], &o);
    assert_int_equal(s.n_attempts[0], 0);
    xg__journal_close(&j);
}

static void
test_journal_upsert_replaces_order_and_attempt(void **state)
{
    fixture *f = *state;
    xg__journal *j = open_ok(f, XG_SYNC_NORMAL);
    xg__journal_order o = order_of("lq0abcde00000003", XG_STATUS_SENT);
    xg__journal_attempt a = attempt_of(o.gw_id, 1, XG_ATTEMPT_UNSETTLED);
    assert_int_equal(xg__journal_put_order(j, &o), XG_OK);
    assert_int_equal(xg__journal_put_attempt(j, &a), XG_OK);
    assert_int_equal(xg__journal_commit(j), XG_OK);

    o.status = XG_STATUS_PARTIALLY_FILLED;
    o.exec.filled_qty = dec(5, 3);
    set_str(o.venue_order_id, sizeof o.venue_order_id, "987");
    a.state = XG_ATTEMPT_EXISTS;
    a.updated_ms += 5;
    assert_int_equal(xg__journal_put_order(j, &o), XG_OK);
    assert_int_equal(xg__journal_put_attempt(j, &a), XG_OK);
    /* Same record twice in one turn: the last write wins. */
    o.cancel_requested = 0;
    assert_int_equal(xg__journal_put_order(j, &o), XG_OK);
    assert_int_equal(xg__journal_commit(j), XG_OK);

    seen s;
    load(j, &s);
    assert_int_equal(s.n, 1);
    xg_test_assert_order_equal(&s.orders[0], &o);
    assert_int_equal(s.n_attempts[0], 1);
    xg_test_assert_attempt_equal(&s.attempts[0][0], &a);
    xg__journal_close(&j);
}

static void
test_journal_load_open_returns_only_open_orders_in_gw_id_order(void **state)
{
    fixture *f = *state;
    xg__journal *j = open_ok(f, XG_SYNC_NORMAL);
    /* Statuses 1..9 stored in a shuffled gw_id order, each with as many
     * attempts as its status number modulo 3. */
    static const int order_of_put[] = {5, 9, 1, 7, 3, 8, 2, 6, 4};
    for (size_t i = 0; i < 9; i++) {
        int st = order_of_put[i];
        char id[XG_GW_ID_LEN + 1];
        snprintf(id, sizeof id, "lq0abcde0000010%d", st);
        xg__journal_order o = order_of(id, (xg_order_status)st);
        assert_int_equal(xg__journal_put_order(j, &o), XG_OK);
        for (int n = st % 3; n-- > 0;) {
            xg__journal_attempt a = attempt_of(id, (uint8_t)n, n % 3);
            assert_int_equal(xg__journal_put_attempt(j, &a), XG_OK);
        }
    }
    /* An attempt of an order that is not stored is not delivered. */
    xg__journal_attempt stray = attempt_of("zzzz", 0, 0);
    assert_int_equal(xg__journal_put_attempt(j, &stray), XG_OK);
    assert_int_equal(xg__journal_commit(j), XG_OK);

    seen s;
    load(j, &s);
    static const int want[] = {1, 2, 3, 4, 9};
    assert_int_equal(s.n, 5);
    for (size_t i = 0; i < 5; i++) {
        char id[XG_GW_ID_LEN + 1];
        snprintf(id, sizeof id, "lq0abcde0000010%d", want[i]);
        assert_string_equal(s.orders[i].gw_id, id);
        assert_int_equal(s.orders[i].status, want[i]);
        assert_int_equal(s.n_attempts[i], (size_t)(want[i] % 3));
        for (size_t n = 0; n < s.n_attempts[i]; n++) {
            assert_string_equal(s.attempts[i][n].gw_id, id);
            assert_int_equal(s.attempts[i][n].attempt, n);
        }
    }
    xg__journal_close(&j);
}

/* A fill is written once: a second one with its key (the same trade told
 * again) changes nothing. Only open orders' fills load, by order, then
 * time and trade id. */
static void
test_journal_fills_are_written_once_and_load_for_open_orders(void **state)
{
    fixture *f = *state;
    xg__journal *j = open_ok(f, XG_SYNC_NORMAL);
    xg__journal_order open = order_of("lq0abcde00000001", XG_STATUS_NEW);
    xg__journal_order done = order_of("lq0abcde00000002", XG_STATUS_FILLED);
    assert_int_equal(xg__journal_put_order(j, &open), XG_OK);
    assert_int_equal(xg__journal_put_order(j, &done), XG_OK);
    xg__journal_fill late = fill_of(open.gw_id, "t9", 1);
    xg__journal_fill early = fill_of(open.gw_id, "t2", 2);
    early.time_ms = late.time_ms - 5;
    early.liquidity = XG_LIQUIDITY_TAKER;
    early.fee_currency[0] = '\0'; /* the venue did not say its fee */
    xg__journal_fill other = fill_of(done.gw_id, "t3", 3);
    assert_int_equal(xg__journal_put_fill(j, &late), XG_OK);
    assert_int_equal(xg__journal_put_fill(j, &early), XG_OK);
    assert_int_equal(xg__journal_put_fill(j, &other), XG_OK);
    assert_int_equal(xg__journal_commit(j), XG_OK);

    xg__journal_fill again = late;
    again.qty = (xg_decimal){7, 3};
    assert_int_equal(xg__journal_put_fill(j, &again), XG_OK);
    /* Same trade id on another venue is another fill. */
    xg__journal_fill elsewhere = fill_of(open.gw_id, "t9", 4);
    snprintf(elsewhere.venue, sizeof elsewhere.venue, "bybit");
    elsewhere.time_ms = late.time_ms + 1;
    assert_int_equal(xg__journal_put_fill(j, &elsewhere), XG_OK);
    assert_int_equal(xg__journal_commit(j), XG_OK);
    xg__journal_close(&j);

    j = open_ok(f, XG_SYNC_NORMAL);
    fills_seen s;
    load_fills(j, &s);
    assert_int_equal(s.n, 3);
    assert_fill_equal(&early, &s.fills[0]);
    assert_fill_equal(&late, &s.fills[1]);
    assert_fill_equal(&elsewhere, &s.fills[2]);
    xg__journal_close(&j);
}

/* A fill the rules refuse is not staged, and the turn staged before it is
 * kept. */
static void
test_journal_invalid_fill_is_refused_and_keeps_the_turn(void **state)
{
    fixture *f = *state;
    xg__journal *j = open_ok(f, XG_SYNC_NORMAL);
    xg__journal_order o = order_of("lq0abcde00000001", XG_STATUS_NEW);
    assert_int_equal(xg__journal_put_order(j, &o), XG_OK);
    xg__journal_fill good = fill_of(o.gw_id, "t1", 1);
    assert_int_equal(xg__journal_put_fill(j, &good), XG_OK);

    xg__journal_fill bad[7];
    for (size_t i = 0; i < 7; i++) {
        bad[i] = fill_of(o.gw_id, "t2", 1);
    }
    bad[0].trade_id[0] = '\0';
    bad[1].venue[0] = '\0';
    bad[2].qty.units = 0;
    bad[3].price.units = -1;
    bad[4].liquidity = 3;
    bad[5].fee.scale = XG_DECIMAL_MAX_SCALE + 1;
    memset(bad[6].fee_currency, 'X', sizeof bad[6].fee_currency);
    for (size_t i = 0; i < 7; i++) {
        assert_int_equal(xg__journal_put_fill(j, &bad[i]), XG_ERR_INVALID);
        assert_non_null(strstr(xg__journal_last_error(j), "put_fill"));
        assert_true(xg__journal_has_staged(j));
    }
    assert_int_equal(xg__journal_commit(j), XG_OK);
    fills_seen s;
    load_fills(j, &s);
    assert_int_equal(s.n, 1);
    assert_fill_equal(&good, &s.fills[0]);
    xg__journal_close(&j);
}

/* A stored fill row that does not fit the struct stops the load with
 * XG_ERR_IO naming the order and the column. */
static void
test_journal_load_refuses_hostile_fill_rows(void **state)
{
    fixture *f = *state;
    make_journal(f, 1);
    raw_sql(f, "INSERT INTO fills VALUES ('lq0abcde00000001', 'okx', 't1',"
               " 1, 3, 35000, 0, 0, 0, '', 7, 0, 0)");
    xg__journal *j = open_ok(f, XG_SYNC_NORMAL);
    fills_seen s;
    memset(&s, 0, sizeof s);
    assert_int_equal(xg__journal_load_fills(j, -1, collect_fill, &s),
                     XG_ERR_IO);
    assert_int_equal(s.n, 0);
    assert_non_null(strstr(xg__journal_last_error(j), "lq0abcde00000001"));
    assert_non_null(strstr(xg__journal_last_error(j), "liquidity"));
    xg__journal_close(&j);

    raw_sql(f, "UPDATE fills SET liquidity = 1, qty_units = 0");
    j = open_ok(f, XG_SYNC_NORMAL);
    assert_int_equal(xg__journal_load_fills(j, -1, collect_fill, &s),
                     XG_ERR_IO);
    assert_non_null(strstr(xg__journal_last_error(j), "fill"));
    xg__journal_close(&j);
}

static void
test_journal_callback_error_stops_load(void **state)
{
    fixture *f = *state;
    make_journal(f, 3);
    xg__journal *j = open_ok(f, XG_SYNC_NORMAL);
    seen s;
    memset(&s, 0, sizeof s);
    s.stop_after = 1;
    assert_int_equal(xg__journal_load_open(j, collect, &s), XG_ERR_NOMEM);
    assert_int_equal(s.n, 1);
    assert_non_null(strstr(xg__journal_last_error(j), "lq0abcde00000002"));
    /* The journal stays usable and a second load starts from the top. */
    load(j, &s);
    assert_int_equal(s.n, 3);
    xg__journal_close(&j);
}

/* ---- transactions and crashes ---------------------------------------------
 */

static void
test_journal_uncommitted_writes_are_lost_on_close(void **state)
{
    fixture *f = *state;
    xg__journal *j = open_ok(f, XG_SYNC_NORMAL);
    assert_int_equal(xg__journal_commit(j), XG_OK); /* nothing staged */
    xg__journal_order a = order_of("lq0abcde00000001", XG_STATUS_NEW);
    xg__journal_order b = order_of("lq0abcde00000002", XG_STATUS_NEW);
    assert_int_equal(xg__journal_put_order(j, &a), XG_OK);
    assert_int_equal(xg__journal_commit(j), XG_OK);
    assert_int_equal(xg__journal_put_order(j, &b), XG_OK);
    assert_int_equal(xg__journal_has_staged(j), 1);
    xg__journal_close(&j);

    j = open_ok(f, XG_SYNC_NORMAL);
    seen s;
    load(j, &s);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.orders[0].gw_id, a.gw_id);
    char last[XG_GW_ID_LEN + 1];
    assert_int_equal(xg__journal_last_gw_id(j, last), XG_OK);
    assert_string_equal(last, a.gw_id);
    xg__journal_close(&j);
}

#define CRASH_TURNS    7
#define CRASH_PER_TURN 3

/* Child: commit CRASH_TURNS turns, stage one more, then die without
 * closing. Exit codes other than death by the chosen way mean the child
 * itself failed (it cannot use cmocka's asserts). */
static void
crash_child(const fixture *f, xg__sync_mode mode, int by_signal)
{
    xg__journal *j = NULL;
    if (xg__journal_open(&j, f->dir, mode, NULL, 0) != XG_OK) {
        _exit(10);
    }
    int n = 0;
    for (int t = 0; t <= CRASH_TURNS; t++) {
        for (int k = 0; k < CRASH_PER_TURN; k++) {
            char id[XG_GW_ID_LEN + 1];
            n++;
            snprintf(id, sizeof id, "lq0abcde%08u", (unsigned)n % 100000000u);
            xg__journal_order o = order_of(id, XG_STATUS_SENT);
            xg__journal_attempt a = attempt_of(id, 0, 0);
            if (xg__journal_put_order(j, &o) != XG_OK ||
                xg__journal_put_attempt(j, &a) != XG_OK) {
                _exit(11);
            }
        }
        if (t < CRASH_TURNS && xg__journal_commit(j) != XG_OK) {
            _exit(12);
        }
    }
    if (!xg__journal_has_staged(j)) {
        _exit(13);
    }
    if (by_signal) {
        kill(getpid(), SIGKILL);
    }
    _exit(0);
}

static void
check_crash(const fixture *f, xg__sync_mode mode, int by_signal)
{
    fflush(NULL); /* the child must not repeat our buffered output */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        crash_child(f, mode, by_signal);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (by_signal) {
        assert_true(WIFSIGNALED(status));
        assert_int_equal(WTERMSIG(status), SIGKILL);
    } else {
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }

    xg__journal *j = open_ok(f, mode);
    seen s;
    load(j, &s);
    assert_int_equal(s.n, CRASH_TURNS * CRASH_PER_TURN);
    for (size_t i = 0; i < s.n; i++) {
        char id[XG_GW_ID_LEN + 1];
        snprintf(id, sizeof id, "lq0abcde%08u",
                 (unsigned)((i + 1) % 100000000u));
        assert_string_equal(s.orders[i].gw_id, id);
        assert_int_equal(s.n_attempts[i], 1);
    }
    char last[XG_GW_ID_LEN + 1];
    assert_int_equal(xg__journal_last_gw_id(j, last), XG_OK);
    assert_string_equal(last, s.orders[s.n - 1].gw_id);
    xg__journal_close(&j);
}

static void
test_journal_sigkill_mid_turn_keeps_exactly_committed_turns(void **state)
{
    check_crash(*state, XG_SYNC_NORMAL, 1);
}

static void
test_journal_exit_mid_turn_keeps_exactly_committed_turns_full(void **state)
{
    check_crash(*state, XG_SYNC_FULL, 0);
}

static void
test_journal_refuses_second_open_while_in_use(void **state)
{
    fixture *f = *state;
    xg__journal *j = open_ok(f, XG_SYNC_NORMAL);
    xg__journal *j2 = NULL;
    char err[XG_JOURNAL_ERR_MAX];
    assert_int_equal(
        xg__journal_open(&j2, f->dir, XG_SYNC_NORMAL, err, sizeof err),
        XG_ERR_BUSY);
    assert_null(j2);
    assert_non_null(strstr(err, f->db));
    assert_non_null(strstr(err, "in use"));
    /* The first one is unharmed. */
    xg__journal_order o = order_of("lq0abcde00000001", XG_STATUS_NEW);
    assert_int_equal(xg__journal_put_order(j, &o), XG_OK);
    assert_int_equal(xg__journal_commit(j), XG_OK);
    xg__journal_close(&j);
    j = open_ok(f, XG_SYNC_NORMAL);
    seen s;
    load(j, &s);
    assert_int_equal(s.n, 1);
    xg__journal_close(&j);
}

static void
test_journal_invalid_put_keeps_the_turn(void **state)
{
    fixture *f = *state;
    xg__journal *j = open_ok(f, XG_SYNC_NORMAL);
    xg__journal_order good = order_of("lq0abcde00000001", XG_STATUS_NEW);
    assert_int_equal(xg__journal_put_order(j, &good), XG_OK);

    xg__journal_order bad = order_of("lq0abcde00000002", XG_STATUS_NEW);
    bad.status = (xg_order_status)0;
    assert_int_equal(xg__journal_put_order(j, &bad), XG_ERR_INVALID);
    bad = order_of("lq0abcde00000002", (xg_order_status)10);
    assert_int_equal(xg__journal_put_order(j, &bad), XG_ERR_INVALID);
    bad = order_of("lq0abcde00000002", XG_STATUS_NEW);
    memset(bad.symbol, 'A', sizeof bad.symbol); /* unterminated */
    assert_int_equal(xg__journal_put_order(j, &bad), XG_ERR_INVALID);
    bad = order_of("lq0abcde00000002", XG_STATUS_NEW);
    bad.price.scale = XG_DECIMAL_MAX_SCALE + 1;
    assert_int_equal(xg__journal_put_order(j, &bad), XG_ERR_INVALID);
    bad = order_of("lq0abcde00000002", XG_STATUS_NEW);
    bad.replaced_exec.fee.scale = XG_DECIMAL_MAX_SCALE + 1;
    assert_int_equal(xg__journal_put_order(j, &bad), XG_ERR_INVALID);
    assert_non_null(strstr(xg__journal_last_error(j), "decimal scale"));
    bad = order_of("lq0abcde00000002", XG_STATUS_NEW);
    memset(bad.replaced_exec.fee_currency, 'C',
           sizeof bad.replaced_exec.fee_currency);
    assert_int_equal(xg__journal_put_order(j, &bad), XG_ERR_INVALID);
    assert_non_null(strstr(xg__journal_last_error(j), "unterminated"));
    bad = order_of("lq0abcde00000002", XG_STATUS_NEW);
    bad.n_route = XG_MAX_ROUTE + 1;
    assert_int_equal(xg__journal_put_order(j, &bad), XG_ERR_INVALID);
    bad = order_of("", XG_STATUS_NEW);
    assert_int_equal(xg__journal_put_order(j, &bad), XG_ERR_INVALID);
    assert_non_null(strstr(xg__journal_last_error(j), "gw_id"));
    xg__journal_attempt a = attempt_of(good.gw_id, 0, 3);
    assert_int_equal(xg__journal_put_attempt(j, &a), XG_ERR_INVALID);
    a = attempt_of(good.gw_id, 0, -1);
    assert_int_equal(xg__journal_put_attempt(j, &a), XG_ERR_INVALID);

    assert_int_equal(xg__journal_has_staged(j), 1);
    assert_int_equal(xg__journal_commit(j), XG_OK);
    seen s;
    load(j, &s);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.orders[0].gw_id, good.gw_id);
    xg__journal_close(&j);
}

static void
test_journal_load_open_refuses_with_writes_staged(void **state)
{
    fixture *f = *state;
    xg__journal *j = open_ok(f, XG_SYNC_NORMAL);
    xg__journal_order o = order_of("lq0abcde00000001", XG_STATUS_NEW);
    assert_int_equal(xg__journal_put_order(j, &o), XG_OK);
    seen s;
    memset(&s, 0, sizeof s);
    assert_int_equal(xg__journal_load_open(j, collect, &s), XG_ERR_BUSY);
    assert_int_equal(s.n, 0);
    xg__journal_close(&j);
}

/* ---- ids and housekeeping
 * ---------------------------------------------------- */

static void
test_journal_last_gw_id_is_largest_and_survives_prune(void **state)
{
    fixture *f = *state;
    xg__journal *j = open_ok(f, XG_SYNC_NORMAL);
    char last[XG_GW_ID_LEN + 1];
    assert_int_equal(xg__journal_last_gw_id(j, last), XG_OK);
    assert_string_equal(last, "");

    static const char *const ids[] = {"lq0abcde00000002", "lq0abcdf00000000",
                                      "lq0abcde00000009"};
    for (size_t i = 0; i < 3; i++) {
        xg__journal_order o = order_of(ids[i], XG_STATUS_FILLED);
        o.updated_ms = 1000;
        assert_int_equal(xg__journal_put_order(j, &o), XG_OK);
    }
    assert_int_equal(xg__journal_commit(j), XG_OK);
    assert_int_equal(xg__journal_last_gw_id(j, last), XG_OK);
    assert_string_equal(last, "lq0abcdf00000000");

    size_t deleted = 0;
    assert_int_equal(xg__journal_prune(j, 2000, &deleted), XG_OK);
    assert_int_equal(deleted, 3);
    xg__journal_close(&j);

    j = open_ok(f, XG_SYNC_NORMAL);
    assert_int_equal(xg__journal_last_gw_id(j, last), XG_OK);
    assert_string_equal(last, "lq0abcdf00000000");
    /* A smaller pruned id later does not lower it; a larger live one
     * raises it. */
    xg__journal_order o = order_of("lq0abcde00000010", XG_STATUS_CANCELED);
    o.updated_ms = 1000;
    assert_int_equal(xg__journal_put_order(j, &o), XG_OK);
    assert_int_equal(xg__journal_commit(j), XG_OK);
    assert_int_equal(xg__journal_prune(j, 2000, &deleted), XG_OK);
    assert_int_equal(deleted, 1);
    assert_int_equal(xg__journal_last_gw_id(j, last), XG_OK);
    assert_string_equal(last, "lq0abcdf00000000");
    o = order_of("lq0abcdg00000000", XG_STATUS_NEW);
    assert_int_equal(xg__journal_put_order(j, &o), XG_OK);
    assert_int_equal(xg__journal_commit(j), XG_OK);
    assert_int_equal(xg__journal_last_gw_id(j, last), XG_OK);
    assert_string_equal(last, "lq0abcdg00000000");
    xg__journal_close(&j);
}

static void
test_journal_prune_deletes_only_old_final_orders_attempts_fills(void **state)
{
    fixture *f = *state;
    xg__journal *j = open_ok(f, XG_SYNC_NORMAL);
    xg__journal_order old_final =
        order_of("lq0abcde00000001", XG_STATUS_REJECTED);
    xg__journal_order new_final =
        order_of("lq0abcde00000002", XG_STATUS_EXPIRED);
    xg__journal_order old_open =
        order_of("lq0abcde00000003", XG_STATUS_UNKNOWN);
    old_final.updated_ms = 999;
    new_final.updated_ms = 1000;
    old_open.updated_ms = 5;
    const xg__journal_order *all[] = {&old_final, &new_final, &old_open};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(xg__journal_put_order(j, all[i]), XG_OK);
        xg__journal_attempt a = attempt_of(all[i]->gw_id, 0, 2);
        assert_int_equal(xg__journal_put_attempt(j, &a), XG_OK);
        xg__journal_fill fl = fill_of(all[i]->gw_id, "t1", 1);
        assert_int_equal(xg__journal_put_fill(j, &fl), XG_OK);
    }
    assert_int_equal(xg__journal_commit(j), XG_OK);

    size_t deleted = 99;
    assert_int_equal(xg__journal_prune(j, 1000, &deleted), XG_OK);
    assert_int_equal(deleted, 1);
    assert_int_equal(xg__journal_prune(j, 1000, NULL), XG_OK);

    /* Reopen the pruned ones as open orders: the old one's attempt is gone,
     * the new one's is still there. */
    old_final.status = XG_STATUS_NEW;
    new_final.status = XG_STATUS_NEW;
    assert_int_equal(xg__journal_put_order(j, &old_final), XG_OK);
    assert_int_equal(xg__journal_put_order(j, &new_final), XG_OK);
    assert_int_equal(xg__journal_commit(j), XG_OK);
    seen s;
    load(j, &s);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.orders[0].gw_id, old_final.gw_id);
    assert_int_equal(s.n_attempts[0], 0);
    assert_int_equal(s.n_attempts[1], 1);
    assert_int_equal(s.n_attempts[2], 1);
    /* And so are their fills. */
    fills_seen fs;
    load_fills(j, &fs);
    assert_int_equal(fs.n, 2);
    assert_string_equal(fs.fills[0].gw_id, new_final.gw_id);
    assert_string_equal(fs.fills[1].gw_id, old_open.gw_id);
    xg__journal_close(&j);
}

static void
test_journal_prune_commits_staged_writes(void **state)
{
    fixture *f = *state;
    xg__journal *j = open_ok(f, XG_SYNC_NORMAL);
    xg__journal_order o = order_of("lq0abcde00000001", XG_STATUS_NEW);
    assert_int_equal(xg__journal_put_order(j, &o), XG_OK);
    size_t deleted = 7;
    assert_int_equal(xg__journal_prune(j, INT64_MAX, &deleted), XG_OK);
    assert_int_equal(deleted, 0);
    assert_int_equal(xg__journal_has_staged(j), 0);
    xg__journal_close(&j);
    j = open_ok(f, XG_SYNC_NORMAL);
    seen s;
    load(j, &s);
    assert_int_equal(s.n, 1);
    xg__journal_close(&j);
}

/* ---- files we must refuse
 * ------------------------------------------------------ */

static void
test_journal_refuses_garbage_header_and_leaves_file_unchanged(void **state)
{
    fixture *f = *state;
    make_journal(f, 5);
    unsigned char junk[100];
    memset(junk, 0xa5, sizeof junk);
    write_at(f->db, 0, junk, sizeof junk);
    assert_refused(f, XG_ERR_IO, "not a database");
}

static void
test_journal_refuses_non_sqlite_file_and_leaves_it_unchanged(void **state)
{
    fixture *f = *state;
    char text[3000];
    for (size_t i = 0; i < sizeof text; i++) {
        text[i] = "order log, not a database\n"[i % 26];
    }
    write_at(f->db, 0, text, sizeof text);
    assert_refused(f, XG_ERR_IO, "not a database");
}

static void
test_journal_refuses_short_non_sqlite_file(void **state)
{
    fixture *f = *state;
    write_at(f->db, 0, "hello\n", 6);
    assert_refused(f, XG_ERR_IO, "not a database");
}

static void
test_journal_refuses_corrupt_page_and_leaves_file_unchanged(void **state)
{
    fixture *f = *state;
    make_journal(f, 200);
    /* Page 2 is the orders table's root (created first). */
    unsigned char junk[4096];
    for (size_t i = 0; i < sizeof junk; i++) {
        junk[i] = (unsigned char)(i * 37 + 11);
    }
    write_at(f->db, 4096, junk, sizeof junk);
    assert_refused(f, XG_ERR_IO, "corrupt");
}

static void
test_journal_refuses_other_schema_version(void **state)
{
    fixture *f = *state;
    make_journal(f, 1);
    raw_sql(f, "PRAGMA user_version=6");
    assert_refused(f, XG_ERR_CONFIG, "schema version 6");
    raw_sql(f, "PRAGMA user_version=0");
    assert_refused(f, XG_ERR_CONFIG, "schema version 0");
}

/* What schema 2 and 3 added to orders and 4 and 5 to the file, dropped
 * from a current journal to make one of an earlier schema. */
#define DROP_V5_SQL "DROP INDEX orders_updated;"
#define DROP_V4_SQL DROP_V5_SQL "DROP TABLE fills;"
#define DROP_V2_COLS_SQL                                                       \
    "ALTER TABLE orders DROP COLUMN quote_units;"                              \
    "ALTER TABLE orders DROP COLUMN quote_scale;"                              \
    "ALTER TABLE orders DROP COLUMN fee_units;"                                \
    "ALTER TABLE orders DROP COLUMN fee_scale;"                                \
    "ALTER TABLE orders DROP COLUMN fee_currency;"
#define DROP_V3_COLS_SQL                                                       \
    "ALTER TABLE orders DROP COLUMN replaced_filled_units;"                    \
    "ALTER TABLE orders DROP COLUMN replaced_filled_scale;"                    \
    "ALTER TABLE orders DROP COLUMN replaced_quote_units;"                     \
    "ALTER TABLE orders DROP COLUMN replaced_quote_scale;"                     \
    "ALTER TABLE orders DROP COLUMN replaced_fee_units;"                       \
    "ALTER TABLE orders DROP COLUMN replaced_fee_scale;"                       \
    "ALTER TABLE orders DROP COLUMN replaced_fee_currency;"

/* The file's PRAGMA user_version, by a plain connection. */
static int
schema_version(const fixture *f)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
    return version;
}

/* make_journal(f, 2) made into an earlier schema opens migrated: its first
 * order loads as want (what the earlier schema did not hold left out), and
 * a new order keeps every field. */
static void
assert_migrated(const fixture *f, const xg__journal_order *want)
{
    xg__journal *j = open_ok(f, XG_SYNC_NORMAL);
    seen s;
    load(j, &s);
    assert_int_equal(s.n, 2);
    xg_test_assert_order_equal(want, &s.orders[0]);

    xg__journal_order o = order_of("lq0abcde00000003", XG_STATUS_NEW);
    assert_int_equal(xg__journal_put_order(j, &o), XG_OK);
    assert_int_equal(xg__journal_commit(j), XG_OK);
    xg__journal_close(&j);

    j = open_ok(f, XG_SYNC_NORMAL);
    load(j, &s);
    assert_int_equal(s.n, 3);
    xg_test_assert_order_equal(&o, &s.orders[2]);
    xg__journal_close(&j);
    assert_int_equal(schema_version(f), XG_JOURNAL_SCHEMA_VERSION);
}

/* A journal of schema 1 (no quote amount, fee or replaced_exec columns) is
 * migrated to 2, then 3, when opened: its orders load with quote and fee
 * not said and nothing replaced. */
static void
test_journal_migrates_schema_1(void **state)
{
    fixture *f = *state;
    make_journal(f, 2);
    raw_sql(f, DROP_V4_SQL DROP_V3_COLS_SQL DROP_V2_COLS_SQL
            "PRAGMA user_version=1");
    xg__journal_order want = order_of("lq0abcde00000001", XG_STATUS_NEW);
    memset(&want.exec.filled_quote, 0, sizeof want.exec.filled_quote);
    memset(&want.exec.fee, 0, sizeof want.exec.fee);
    memset(want.exec.fee_currency, 0, sizeof want.exec.fee_currency);
    memset(&want.replaced_exec, 0, sizeof want.replaced_exec);
    assert_migrated(f, &want);
}

/* A journal of schema 2 (no replaced_exec columns) is migrated to 3 when
 * opened: its orders keep their execution and load with nothing
 * replaced. */
static void
test_journal_migrates_schema_2(void **state)
{
    fixture *f = *state;
    make_journal(f, 2);
    raw_sql(f, DROP_V4_SQL DROP_V3_COLS_SQL "PRAGMA user_version=2");
    xg__journal_order want = order_of("lq0abcde00000001", XG_STATUS_NEW);
    memset(&want.replaced_exec, 0, sizeof want.replaced_exec);
    assert_migrated(f, &want);
}

/* A journal of schema 3 (no fills table) is migrated to 4 when opened:
 * its orders are kept whole, and fills can be written and read. */
static void
test_journal_migrates_schema_3(void **state)
{
    fixture *f = *state;
    make_journal(f, 2);
    raw_sql(f, DROP_V4_SQL "PRAGMA user_version=3");
    xg__journal_order want = order_of("lq0abcde00000001", XG_STATUS_NEW);
    assert_migrated(f, &want);
    xg__journal *j = open_ok(f, XG_SYNC_NORMAL);
    xg__journal_fill fl = fill_of("lq0abcde00000001", "t1", 3);
    assert_int_equal(xg__journal_put_fill(j, &fl), XG_OK);
    assert_int_equal(xg__journal_commit(j), XG_OK);
    fills_seen fs;
    load_fills(j, &fs);
    assert_int_equal(fs.n, 1);
    assert_fill_equal(&fl, &fs.fills[0]);
    xg__journal_close(&j);
}

/* A journal of schema 4 (no index of orders by their last change) is
 * migrated to 5 when opened, its orders kept whole, and the orders that
 * ended just before can be read back. */
static void
test_journal_migrates_schema_4(void **state)
{
    fixture *f = *state;
    make_journal(f, 2);
    raw_sql(f, DROP_V5_SQL "PRAGMA user_version=4");
    xg__journal_order want = order_of("lq0abcde00000001", XG_STATUS_NEW);
    assert_migrated(f, &want);
    xg__journal *j = open_ok(f, XG_SYNC_NORMAL);
    seen s;
    memset(&s, 0, sizeof s);
    assert_int_equal(xg__journal_load_ended(j, 60000, collect, &s), XG_OK);
    assert_int_equal(s.n, 0);
    xg__journal_close(&j);
}

/* The orders that ended with something filled within the window of the
 * journal's last change are read back, with their fills; one that ended
 * earlier, one that filled nothing and an open one are not (the open one
 * is load_open's). */
static void
test_journal_load_ended_reads_back_what_ended_just_before(void **state)
{
    fixture *f = *state;
    xg__journal *j = open_ok(f, XG_SYNC_NORMAL);
    static const struct {
        const char *id;
        xg_order_status status;
        int64_t filled_units;
        int64_t updated_ms;
    } rows[] = {
        {"lq0abcde00000001", XG_STATUS_FILLED, 3, 1700000100000},   /* in */
        {"lq0abcde00000002", XG_STATUS_CANCELED, 1, 1700000040000}, /* edge */
        {"lq0abcde00000003", XG_STATUS_FILLED, 3, 1700000039999},   /* early */
        {"lq0abcde00000004", XG_STATUS_CANCELED, 0, 1700000100000}, /* none */
        {"lq0abcde00000005", XG_STATUS_PARTIALLY_FILLED, 1, 1700000090000},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        xg__journal_order o = order_of(rows[i].id, rows[i].status);
        o.exec.filled_qty = dec(rows[i].filled_units, 3);
        o.updated_ms = rows[i].updated_ms;
        assert_int_equal(xg__journal_put_order(j, &o), XG_OK);
        xg__journal_fill fl = fill_of(rows[i].id, "t1", 1);
        assert_int_equal(xg__journal_put_fill(j, &fl), XG_OK);
    }
    assert_int_equal(xg__journal_commit(j), XG_OK);

    seen s;
    memset(&s, 0, sizeof s);
    assert_int_equal(xg__journal_load_ended(j, 60000, collect, &s), XG_OK);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.orders[0].gw_id, "lq0abcde00000001");
    assert_string_equal(s.orders[1].gw_id, "lq0abcde00000002");
    assert_int_equal(s.n_attempts[0], 0);

    fills_seen fs;
    memset(&fs, 0, sizeof fs);
    assert_int_equal(xg__journal_load_fills(j, 60000, collect_fill, &fs),
                     XG_OK);
    assert_int_equal(fs.n, 3); /* the two ended ones and the open one */
    assert_string_equal(fs.fills[0].gw_id, "lq0abcde00000001");
    assert_string_equal(fs.fills[1].gw_id, "lq0abcde00000002");
    assert_string_equal(fs.fills[2].gw_id, "lq0abcde00000005");
    load_fills(j, &fs); /* window -1: the open one only */
    assert_int_equal(fs.n, 1);
    xg__journal_close(&j);
}

/* A migration step that fails leaves the file at the version it had: a
 * schema-1 file whose step to 3 cannot add its columns (one is there
 * already) is refused, and stays at version 2, migrated once. */
static void
test_journal_failed_migration_step_keeps_the_version_before(void **state)
{
    fixture *f = *state;
    make_journal(f, 1);
    raw_sql(f, DROP_V4_SQL DROP_V3_COLS_SQL DROP_V2_COLS_SQL
            "ALTER TABLE orders ADD COLUMN replaced_fee_scale INTEGER;"
            "PRAGMA user_version=1");
    xg__journal *j = NULL;
    char err[XG_JOURNAL_ERR_MAX];
    assert_int_equal(
        xg__journal_open(&j, f->dir, XG_SYNC_NORMAL, err, sizeof err),
        XG_ERR_IO);
    assert_null(j);
    assert_non_null(strstr(err, "cannot migrate schema 2 to 3"));
    assert_int_equal(schema_version(f), 2);
}

static void
test_journal_refuses_foreign_sqlite_database(void **state)
{
    fixture *f = *state;
    raw_sql(f, "CREATE TABLE orders (id INTEGER PRIMARY KEY, what TEXT);"
               "INSERT INTO orders (what) VALUES ('someone else''s');");
    assert_refused(f, XG_ERR_CONFIG, "not an xgate journal");
}

static void
test_journal_refuses_right_id_with_missing_table(void **state)
{
    fixture *f = *state;
    make_journal(f, 1);
    raw_sql(f, "DROP TABLE attempts");
    assert_refused(f, XG_ERR_CONFIG, "attempts");
}

static void
test_journal_load_refuses_hostile_rows(void **state)
{
    fixture *f = *state;
    make_journal(f, 2);
    /* Fits SQLite's types, not our arrays. */
    raw_sql(f, "UPDATE orders SET symbol = 'ABCDEFGHIJKLMNOP/ABCDEFGHIJKLMNOP'"
               " WHERE gw_id = 'lq0abcde00000002'");
    xg__journal *j = open_ok(f, XG_SYNC_NORMAL);
    seen s;
    memset(&s, 0, sizeof s);
    assert_int_equal(xg__journal_load_open(j, collect, &s), XG_ERR_IO);
    assert_int_equal(s.n, 1);
    const char *err = xg__journal_last_error(j);
    assert_non_null(strstr(err, "lq0abcde00000002"));
    assert_non_null(strstr(err, "symbol"));
    xg__journal_close(&j);

    raw_sql(f, "UPDATE orders SET symbol = 'BTC/USDT', qty_scale = 19"
               " WHERE gw_id = 'lq0abcde00000002'");
    j = open_ok(f, XG_SYNC_NORMAL);
    assert_int_equal(xg__journal_load_open(j, collect, &s), XG_ERR_IO);
    assert_non_null(strstr(xg__journal_last_error(j), "qty"));
    xg__journal_close(&j);

    raw_sql(f, "UPDATE orders SET qty_scale = 1, replaced_fee_scale = 19"
               " WHERE gw_id = 'lq0abcde00000002'");
    j = open_ok(f, XG_SYNC_NORMAL);
    assert_int_equal(xg__journal_load_open(j, collect, &s), XG_ERR_IO);
    assert_non_null(strstr(xg__journal_last_error(j), "lq0abcde00000002"));
    assert_non_null(strstr(xg__journal_last_error(j), "bad replaced_fee "));
    xg__journal_close(&j);

    raw_sql(f, "UPDATE orders SET replaced_fee_scale = 0,"
               " replaced_fee_currency = 'ABCDEFGHIJKLMNOP'"
               " WHERE gw_id = 'lq0abcde00000002'");
    j = open_ok(f, XG_SYNC_NORMAL);
    assert_int_equal(xg__journal_load_open(j, collect, &s), XG_ERR_IO);
    assert_non_null(
        strstr(xg__journal_last_error(j), "bad replaced_fee_currency "));
    xg__journal_close(&j);

    raw_sql(f, "UPDATE orders SET replaced_fee_currency = '' WHERE gw_id ="
               " 'lq0abcde00000002';"
               "INSERT INTO attempts VALUES ('lq0abcde00000001', 0, 'okx',"
               " 'x', 7, 0)");
    j = open_ok(f, XG_SYNC_NORMAL);
    memset(&s, 0, sizeof s);
    assert_int_equal(xg__journal_load_open(j, collect, &s), XG_ERR_IO);
    assert_int_equal(s.n, 0);
    assert_non_null(strstr(xg__journal_last_error(j), "state"));
    xg__journal_close(&j);
}

/* ---- directories ------------------------------------------------------------
 */

static void
test_journal_creates_missing_directory_private(void **state)
{
    fixture *f = *state;
    char sub[128];
    snprintf(sub, sizeof sub, "%s/data", f->dir);
    xg__journal *j = NULL;
    assert_int_equal(xg__journal_open(&j, sub, XG_SYNC_NORMAL, NULL, 0), XG_OK);
    struct stat st;
    assert_int_equal(stat(sub, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0700);
    xg__journal_close(&j);
    xg__journal_close(&j); /* NULL-safe */
}

static void
test_journal_reports_directory_that_cannot_be_created(void **state)
{
    fixture *f = *state;
    char file[128], sub[160];
    snprintf(file, sizeof file, "%s/plain", f->dir);
    snprintf(sub, sizeof sub, "%s/inside", file);
    write_at(file, 0, "x", 1);

    xg__journal *j = NULL;
    char err[XG_JOURNAL_ERR_MAX];
    assert_int_equal(xg__journal_open(&j, sub, XG_SYNC_NORMAL, err, sizeof err),
                     XG_ERR_IO);
    assert_null(j);
    assert_non_null(strstr(err, sub));
    assert_non_null(strstr(err, "cannot create journal directory"));
    assert_null(strchr(err, '\n'));

    /* A plain file where the directory should be. */
    assert_int_equal(
        xg__journal_open(&j, file, XG_SYNC_NORMAL, err, sizeof err),
        XG_ERR_CONFIG);
    assert_non_null(strstr(err, "not a directory"));

    /* And a directory where the file should be. */
    assert_int_equal(mkdir(f->db, 0700), 0);
    assert_int_equal(
        xg__journal_open(&j, f->dir, XG_SYNC_NORMAL, err, sizeof err),
        XG_ERR_CONFIG);
    assert_non_null(strstr(err, "not a regular file"));
}

static void
test_journal_refuses_bad_arguments(void **state)
{
    (void)state;
    xg__journal *j = NULL;
    char err[XG_JOURNAL_ERR_MAX];
    assert_int_equal(xg__journal_open(&j, "", XG_SYNC_NORMAL, err, sizeof err),
                     XG_ERR_INVALID);
    assert_int_equal(
        xg__journal_open(&j, "/tmp", (xg__sync_mode)7, err, sizeof err),
        XG_ERR_INVALID);
    assert_null(j);
}

/* ---- scheduled pruning ------------------------------------------------ */

#define DAY_MS (24LL * 3600 * 1000)

/* Orders of each table in a closed journal, by a plain connection. */
static int
count_rows(const fixture *f, const char *table)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    char sql[64];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
    return n;
}

static void
put_with_attempt(xg__journal *j, const char *gw_id, xg_order_status st,
                 int64_t updated_ms)
{
    xg__journal_order o = order_of(gw_id, st);
    o.updated_ms = updated_ms;
    assert_int_equal(xg__journal_put_order(j, &o), XG_OK);
    xg__journal_attempt a = attempt_of(gw_id, 1, XG_ATTEMPT_EXISTS);
    assert_int_equal(xg__journal_put_attempt(j, &a), XG_OK);
}

static void
test_journal_backlog_is_pruned_a_bounded_batch_at_a_time(void **state)
{
    fixture *f = *state;
    xg__journal *j = open_ok(f, XG_SYNC_NORMAL);
    const int64_t now = 30 * DAY_MS;
    const int64_t keep = 7 * DAY_MS;
    const int n = XG_JOURNAL_PRUNE_BATCH + 10;
    for (int i = 0; i < n; i++) {
        char id[XG_GW_ID_LEN + 1];
        snprintf(id, sizeof id, "lq0abcde%08d", i);
        put_with_attempt(j, id, XG_STATUS_FILLED, 1000 + i);
    }
    assert_int_equal(xg__journal_commit(j), XG_OK);

    /* The oldest batch first; a full batch makes the next call due at
     * once, and the rest goes with it. */
    size_t deleted = 0;
    assert_int_equal(xg__journal_housekeep(j, now, keep, &deleted), XG_OK);
    assert_int_equal(deleted, XG_JOURNAL_PRUNE_BATCH);
    assert_int_equal(xg__journal_housekeep(j, now + 1, keep, &deleted), XG_OK);
    assert_int_equal(deleted, 10);
    assert_int_equal(xg__journal_housekeep(j, now + 2, keep, &deleted), XG_OK);
    assert_int_equal(deleted, 0);
    /* The newest pruned id still bounds the ids to come. */
    char last[XG_GW_ID_LEN + 1];
    assert_int_equal(xg__journal_last_gw_id(j, last), XG_OK);
    char want[XG_GW_ID_LEN + 1];
    snprintf(want, sizeof want, "lq0abcde%08d", n - 1);
    assert_string_equal(last, want);
    xg__journal_close(&j);
}

static void
test_journal_housekeep_prunes_old_final_orders_at_most_once_a_minute(
    void **state)
{
    fixture *f = *state;
    xg__journal *j = open_ok(f, XG_SYNC_NORMAL);
    const int64_t now = 30 * DAY_MS;
    const int64_t keep = 7 * DAY_MS;
    put_with_attempt(j, "lq0abcde00000001", XG_STATUS_FILLED, 1000);
    put_with_attempt(j, "lq0abcde00000002", XG_STATUS_CANCELED,
                     now - keep + 600000);
    /* Open orders are never pruned, however old. */
    put_with_attempt(j, "lq0abcde00000003", XG_STATUS_NEW, 5);
    put_with_attempt(j, "lq0abcde00000004", XG_STATUS_UNKNOWN, 5);
    put_with_attempt(j, "lq0abcde00000005", XG_STATUS_PARTIALLY_FILLED, 5);
    assert_int_equal(xg__journal_commit(j), XG_OK);

    size_t deleted = 99;
    assert_int_equal(xg__journal_housekeep(j, now, keep, &deleted), XG_OK);
    assert_int_equal(deleted, 1);

    /* Another order grows old, but the last prune was under a minute
     * ago: nothing is done, cheaply. */
    put_with_attempt(j, "lq0abcde00000006", XG_STATUS_REJECTED, 1000);
    assert_int_equal(xg__journal_commit(j), XG_OK);
    assert_int_equal(xg__journal_housekeep(j, now + 59999, keep, &deleted),
                     XG_OK);
    assert_int_equal(deleted, 0);
    assert_int_equal(xg__journal_housekeep(j, now + 60000, keep, &deleted),
                     XG_OK);
    assert_int_equal(deleted, 1);

    /* Nothing happens with writes staged: that is no idle moment, and a
     * prune would commit them early. */
    put_with_attempt(j, "lq0abcde00000007", XG_STATUS_EXPIRED, 1000);
    assert_int_equal(
        xg__journal_housekeep(j, now + 10 * DAY_MS, keep, &deleted), XG_OK);
    assert_int_equal(deleted, 0);
    assert_int_equal(xg__journal_has_staged(j), 1);
    assert_int_equal(xg__journal_commit(j), XG_OK);

    /* 0 keeps everything forever; a negative retention is refused. */
    assert_int_equal(xg__journal_housekeep(j, now + 20 * DAY_MS, 0, &deleted),
                     XG_OK);
    assert_int_equal(deleted, 0);
    assert_int_equal(xg__journal_housekeep(j, now + 20 * DAY_MS, -1, &deleted),
                     XG_ERR_INVALID);
    assert_int_equal(xg__journal_housekeep(NULL, now, keep, NULL),
                     XG_ERR_INVALID);

    /* A wall clock that stepped back does not stop pruning for good. */
    assert_int_equal(xg__journal_housekeep(j, now - DAY_MS, keep, &deleted),
                     XG_OK);
    assert_int_equal(deleted, 1);
    /* The recent final order's time comes: it goes too. */
    assert_int_equal(xg__journal_housekeep(j, now + DAY_MS, keep, &deleted),
                     XG_OK);
    assert_int_equal(deleted, 1);

    seen s;
    load(j, &s);
    assert_int_equal(s.n, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(s.n_attempts[i], 1);
    }
    xg__journal_close(&j);
    assert_int_equal(count_rows(f, "orders"), 3);
    assert_int_equal(count_rows(f, "attempts"), 3);
}

static void
test_journal_applied_position_round_trips_and_refuses_garbage(void **state)
{
    fixture *f = *state;
    xg__journal *j = open_ok(f, XG_SYNC_NORMAL);
    xg__journal_applied a;
    assert_int_equal(xg__journal_get_applied(j, &a), XG_OK);
    assert_true(a.segment == 0 && a.offset == 0 && a.next_seq == 0);
    /* Staged with records, committed with them. */
    xg__journal_applied w = {7, 123456789, UINT64_MAX};
    assert_int_equal(xg__journal_put_applied(j, &w), XG_OK);
    assert_true(xg__journal_has_staged(j));
    assert_int_equal(xg__journal_commit(j), XG_OK);
    assert_int_equal(xg__journal_checkpoint_durable(j), XG_OK);
    xg__journal_close(&j);
    j = open_ok(f, XG_SYNC_NORMAL);
    assert_int_equal(xg__journal_get_applied(j, &a), XG_OK);
    assert_true(a.segment == 7 && a.offset == 123456789 &&
                a.next_seq == UINT64_MAX);
    xg__journal_close(&j);

    /* A value that is not a number is damage, not a position. */
    char path[600];
    snprintf(path, sizeof path, "%s/journal.db", f->dir);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "UPDATE meta SET value = '12x' WHERE key ="
                                  " 'log_offset'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    j = open_ok(f, XG_SYNC_NORMAL);
    assert_int_equal(xg__journal_get_applied(j, &a), XG_ERR_IO);
    assert_non_null(strstr(xg__journal_last_error(j), "not a number"));
    xg__journal_close(&j);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_journal_round_trips_orders_and_attempts_exactly),
        T(test_journal_market_order_without_route_round_trips),
        T(test_journal_upsert_replaces_order_and_attempt),
        T(test_journal_load_open_returns_only_open_orders_in_gw_id_order),
        T(test_journal_fills_are_written_once_and_load_for_open_orders),
        T(test_journal_invalid_fill_is_refused_and_keeps_the_turn),
        T(test_journal_load_refuses_hostile_fill_rows),
        T(test_journal_callback_error_stops_load),
        T(test_journal_uncommitted_writes_are_lost_on_close),
        T(test_journal_sigkill_mid_turn_keeps_exactly_committed_turns),
        T(test_journal_exit_mid_turn_keeps_exactly_committed_turns_full),
        T(test_journal_refuses_second_open_while_in_use),
        T(test_journal_invalid_put_keeps_the_turn),
        T(test_journal_load_open_refuses_with_writes_staged),
        T(test_journal_load_ended_reads_back_what_ended_just_before),
        T(test_journal_migrates_schema_4),
        T(test_journal_last_gw_id_is_largest_and_survives_prune),
        T(test_journal_prune_deletes_only_old_final_orders_attempts_fills),
        T(test_journal_prune_commits_staged_writes),
        T(test_journal_backlog_is_pruned_a_bounded_batch_at_a_time),
        T(test_journal_housekeep_prunes_old_final_orders_at_most_once_a_minute),
        T(test_journal_refuses_garbage_header_and_leaves_file_unchanged),
        T(test_journal_refuses_non_sqlite_file_and_leaves_it_unchanged),
        T(test_journal_refuses_short_non_sqlite_file),
        T(test_journal_refuses_corrupt_page_and_leaves_file_unchanged),
        T(test_journal_refuses_other_schema_version),
        T(test_journal_migrates_schema_1),
        T(test_journal_migrates_schema_2),
        T(test_journal_migrates_schema_3),
        T(test_journal_failed_migration_step_keeps_the_version_before),
        T(test_journal_refuses_foreign_sqlite_database),
        T(test_journal_refuses_right_id_with_missing_table),
        T(test_journal_load_refuses_hostile_rows),
        T(test_journal_creates_missing_directory_private),
        T(test_journal_reports_directory_that_cannot_be_created),
        T(test_journal_refuses_bad_arguments),
        T(test_journal_applied_position_round_trips_and_refuses_garbage),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
