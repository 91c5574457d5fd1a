/*
 * test_turnlog.c - the turn log: records round-trip exactly through
 * frames and segments; a torn tail, a flipped bit or a sequence gap stops
 * a reader at the last whole frame and never hands over a changed record;
 * a frame with a good CRC that does not decode is corruption; the writer
 * refuses what it cannot log without spoiling the turn, and stops for good
 * after a failed commit; segments rotate, list, cut and go.
 *
 * Every test works in its own directory under /tmp, removed at the end.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "journal_check.h"
#include "turnlog.h"

/* ---- fixtures ---------------------------------------------------------- */

typedef struct fixture {
    char dir[64];
} fixture;

static int
setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (f == NULL) {
        return -1;
    }
    if (xg_test_scratch_dir(f->dir, sizeof f->dir, "xg_turnlog_") != 0) {
        free(f);
        return -1;
    }
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

/* ---- records ----------------------------------------------------------- */

/* n copies of c, terminated, in dst (cap bytes); the bytes after the NUL
 * are garbage, which the log must not store. */
static void
fill_str(char *dst, size_t cap, size_t n, char c)
{
    assert_true(n < cap);
    memset(dst, 'Z', cap);
    memset(dst, c, n);
    dst[n] = '\0';
}

static const int64_t edge_i64[] = {INT64_MIN, INT64_MAX, 0,
                                   -1,        1,         1700000000123};

static xg_decimal
edge_dec(size_t i)
{
    xg_decimal d = {edge_i64[i % 6], (uint8_t)(i % 3 == 0   ? 0
                                               : i % 3 == 1 ? 18
                                                            : 8)};
    return d;
}

/* Order number i: every field cycles through its edge values (longest and
 * empty strings, extreme decimals, scales and times, every enum value). */
static xg__journal_order
edge_order(size_t i)
{
    xg__journal_order o;
    memset(&o, 0x5a, sizeof o); /* no field may rely on a zeroed struct */
    if (i % 3 == 0) {
        fill_str(o.gw_id, sizeof o.gw_id, sizeof o.gw_id - 1, 'g');
    } else {
        snprintf(o.gw_id, sizeof o.gw_id, "g%u", (unsigned)(i % 1000000));
    }
    fill_str(o.client_id, sizeof o.client_id,
             i % 2 == 0 ? 0 : sizeof o.client_id - 1, 'c');
    fill_str(o.strategy_id, sizeof o.strategy_id,
             i % 4 == 1 ? 0 : sizeof o.strategy_id - 1, 's');
    fill_str(o.symbol, sizeof o.symbol, i % 5 == 0 ? sizeof o.symbol - 1 : 8,
             'B');
    o.side = (xg_side)(XG_SIDE_BUY + i % 2);
    o.type = (xg_order_type)(XG_TYPE_LIMIT + (i / 2) % 2);
    o.tif = (xg_tif)(XG_TIF_GTC + i % 4);
    o.qty = edge_dec(i);
    o.price = edge_dec(i + 1);
    o.status = (xg_order_status)(XG_STATUS_PENDING + i % 9);
    fill_str(o.venue, sizeof o.venue, i % 2 == 1 ? 0 : sizeof o.venue - 1, 'v');
    fill_str(o.venue_client_id, sizeof o.venue_client_id,
             i % 3 == 2 ? 0 : sizeof o.venue_client_id - 1, 'w');
    fill_str(o.venue_order_id, sizeof o.venue_order_id,
             i % 2 == 0 ? sizeof o.venue_order_id - 1 : 1, 'x');
    o.exec.filled_qty = edge_dec(i + 2);
    o.exec.filled_quote = edge_dec(i + 3);
    o.exec.fee = edge_dec(i + 4);
    snprintf(o.exec.fee_currency, sizeof o.exec.fee_currency, "%s",
             i % 2 == 0 ? "" : "USDT");
    o.replaced_exec.filled_qty = edge_dec(i + 5);
    o.replaced_exec.filled_quote = edge_dec(i + 7);
    o.replaced_exec.fee = edge_dec(i + 8);
    fill_str(o.replaced_exec.fee_currency, sizeof o.replaced_exec.fee_currency,
             i % 3 == 0   ? 0
             : i % 3 == 1 ? sizeof o.replaced_exec.fee_currency - 1
                          : 3,
             'f');
    o.attempt = (uint8_t)(i % 3 == 0 ? 255 : i % 3 == 1 ? 0 : i);
    o.cancel_requested = (uint8_t)(i % 2);
    o.requantize = (uint8_t)((i / 2) % 2);
    o.n_route = (uint8_t)(i % (XG_MAX_ROUTE + 1));
    for (size_t r = 0; r < XG_MAX_ROUTE; r++) {
        fill_str(o.route[r], sizeof o.route[r],
                 r % 2 == 0 ? sizeof o.route[r] - 1 : r, 'r');
    }
    o.deadline_ms = edge_i64[i % 6];
    o.updated_ms = edge_i64[(i + 3) % 6];
    return o;
}

static xg__journal_attempt
edge_attempt(size_t i)
{
    xg__journal_attempt a;
    memset(&a, 0x5a, sizeof a);
    snprintf(a.gw_id, sizeof a.gw_id, "a%u", (unsigned)(i % 1000000));
    a.attempt = (uint8_t)(i % 2 == 0 ? 255 : 0);
    fill_str(a.venue, sizeof a.venue, i % 2 == 0 ? sizeof a.venue - 1 : 0, 'v');
    fill_str(a.venue_client_id, sizeof a.venue_client_id,
             i % 3 == 0 ? 0 : sizeof a.venue_client_id - 1, 'w');
    a.state = (int)(i % 3);
    a.updated_ms = edge_i64[i % 6];
    return a;
}

/* Fill i: the longest and shortest strings, extreme amounts (a positive
 * quantity, a price not below 0), every liquidity. */
static xg__journal_fill
edge_fill(size_t i)
{
    xg__journal_fill f;
    memset(&f, 0x5a, sizeof f);
    snprintf(f.gw_id, sizeof f.gw_id, "f%u", (unsigned)(i % 1000000));
    fill_str(f.venue, sizeof f.venue, i % 2 == 0 ? sizeof f.venue - 1 : 1, 'v');
    fill_str(f.trade_id, sizeof f.trade_id,
             i % 2 == 0 ? sizeof f.trade_id - 1 : 1, 't');
    f.qty = (xg_decimal){i % 2 == 0 ? INT64_MAX : 1, (uint8_t)(i % 19)};
    f.price = (xg_decimal){i % 3 == 0 ? 0 : INT64_MAX, 18};
    f.fee = edge_dec(i);
    fill_str(f.fee_currency, sizeof f.fee_currency,
             i % 3 == 0 ? 0 : sizeof f.fee_currency - 1, 'c');
    f.liquidity = (uint8_t)(i % 3);
    f.time_ms = edge_i64[i % 6];
    f.updated_ms = edge_i64[(i + 1) % 6];
    return f;
}

/* ---- what was written, what was read ----------------------------------- */

typedef enum rec_kind { REC_ORDER = 1, REC_ATTEMPT, REC_FILL } rec_kind;

typedef struct rec {
    rec_kind kind;
    xg__journal_order o;
    xg__journal_attempt a;
    xg__journal_fill fl;
} rec;

typedef struct recs {
    rec *v;
    size_t n, cap;
    size_t stop_after; /* collect: fail once this many are held; 0 never */
} recs;

static void
recs_add(recs *r, const xg__turnlog_record *in)
{
    if (r->n == r->cap) {
        r->cap = r->cap == 0 ? 64 : r->cap * 2;
        r->v = realloc(r->v, r->cap * sizeof *r->v);
        assert_non_null(r->v);
    }
    rec *x = &r->v[r->n++];
    memset(x, 0, sizeof *x);
    if (in->order != NULL) {
        x->kind = REC_ORDER;
        x->o = *in->order;
    } else if (in->attempt != NULL) {
        x->kind = REC_ATTEMPT;
        x->a = *in->attempt;
    } else {
        x->kind = REC_FILL;
        x->fl = *in->fill;
    }
}

static void
recs_add_order(recs *r, const xg__journal_order *o)
{
    recs_add(r, &(xg__turnlog_record){.order = o});
}

static void
recs_add_attempt(recs *r, const xg__journal_attempt *a)
{
    recs_add(r, &(xg__turnlog_record){.attempt = a});
}

static void
recs_add_fill(recs *r, const xg__journal_fill *f)
{
    recs_add(r, &(xg__turnlog_record){.fill = f});
}

static void
recs_free(recs *r)
{
    free(r->v);
    memset(r, 0, sizeof *r);
}

static xg_err
collect(void *ctx, const xg__turnlog_record *in)
{
    recs *r = ctx;
    assert_int_equal(
        (in->order != NULL) + (in->attempt != NULL) + (in->fill != NULL), 1);
    if (r->stop_after != 0 && r->n == r->stop_after) {
        return XG_ERR_BUSY;
    }
    recs_add(r, in);
    return XG_OK;
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

static void
assert_recs_equal(const recs *want, const recs *got, size_t n)
{
    assert_true(want->n >= n);
    assert_int_equal(got->n, n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(got->v[i].kind, want->v[i].kind);
        if (want->v[i].kind == REC_ORDER) {
            xg_test_assert_order_equal(&got->v[i].o, &want->v[i].o);
        } else if (want->v[i].kind == REC_ATTEMPT) {
            xg_test_assert_attempt_equal(&got->v[i].a, &want->v[i].a);
        } else {
            assert_fill_equal(&want->v[i].fl, &got->v[i].fl);
        }
    }
}

/* ---- helpers ----------------------------------------------------------- */

static xg__turnlog *
open_ok(const fixture *f, xg__sync_mode mode, uint64_t segment)
{
    xg__turnlog *t = NULL;
    char err[XG_TURNLOG_ERR_MAX];
    xg_err e = xg__turnlog_open(&t, f->dir, mode, segment, err, sizeof err);
    if (e != XG_OK) {
        print_error("open: %s\n", err);
    }
    assert_int_equal(e, XG_OK);
    assert_non_null(t);
    return t;
}

static void
seg_path(const fixture *f, uint64_t segment, char *out, size_t out_len)
{
    assert_int_equal(xg__turnlog_path(out, out_len, f->dir, segment), XG_OK);
}

/* A whole file. Given: free. */
static uint8_t *
slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    long n = ftell(fp);
    assert_true(n >= 0);
    rewind(fp);
    uint8_t *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    *len = fread(buf, 1, (size_t)n, fp);
    assert_int_equal(*len, (size_t)n);
    fclose(fp);
    return buf;
}

static void
spit(const char *path, const void *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

/* Stage turn k (1 to 5 orders, 0 to 2 attempts, alternating, numbered on
 * from *next) and note it in want. */
static void
stage_turn(xg__turnlog *t, size_t k, size_t *next, recs *want)
{
    size_t n_orders = k % 5 + 1, n_attempts = k % 3;
    for (size_t i = 0; n_orders + n_attempts > 0; i++) {
        size_t id = (*next)++;
        if (n_orders > 0 && (i % 2 == 0 || n_attempts == 0)) {
            xg__journal_order o = edge_order(id);
            n_orders--;
            assert_int_equal(xg__turnlog_stage_order(t, &o), XG_OK);
            recs_add_order(want, &o);
        } else {
            xg__journal_attempt a = edge_attempt(id);
            n_attempts--;
            assert_int_equal(xg__turnlog_stage_attempt(t, &a), XG_OK);
            recs_add_attempt(want, &a);
        }
    }
}

/* Commit n_turns turns to t; want receives the records, and ends (may
 * be NULL) the file size after each turn. */
static void
write_turns(xg__turnlog *t, size_t n_turns, recs *want, uint64_t *ends)
{
    size_t next = want->n;
    for (size_t k = 0; k < n_turns; k++) {
        stage_turn(t, k, &next, want);
        assert_true(xg__turnlog_has_staged(t));
        assert_int_equal(xg__turnlog_commit(t), XG_OK);
        assert_false(xg__turnlog_has_staged(t));
        if (ends != NULL) {
            ends[k] = xg__turnlog_size(t);
        }
    }
}

/* Records in turns [0, k) of write_turns. */
static size_t
records_before(size_t k)
{
    size_t n = 0;
    for (size_t i = 0; i < k; i++) {
        n += i % 5 + 1 + i % 3;
    }
    return n;
}

/* Recompute the CRC of the frame at p (its header says how long). */
static void
reseal(uint8_t *p)
{
    uint32_t len = (uint32_t)p[8] | (uint32_t)p[9] << 8 |
                   (uint32_t)p[10] << 16 | (uint32_t)p[11] << 24;
    uint32_t crc = xg__turnlog_crc32c(0, p, XG_TURNLOG_CRC_AT);
    crc = xg__turnlog_crc32c(crc, p + XG_TURNLOG_HDR_LEN, len);
    for (int i = 0; i < 4; i++) {
        p[XG_TURNLOG_CRC_AT + i] = (uint8_t)(crc >> (8 * i));
    }
}

/* ---- checksum ---------------------------------------------------------- */

/* Bit by bit, straight from the definition. */
static uint32_t
crc_reference(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) {
            c = (c & 1u) ? (c >> 1) ^ 0x82f63b78u : c >> 1;
        }
    }
    return ~c;
}

static void
test_turnlog_crc32c_gives_the_check_value_in_any_split(void **state)
{
    (void)state;
    static const char check[] = "123456789";
    assert_int_equal(xg__turnlog_crc32c(0, check, 9), 0xe3069283u);
    for (size_t cut = 0; cut <= 9; cut++) {
        uint32_t c = xg__turnlog_crc32c(0, check, cut);
        assert_int_equal(xg__turnlog_crc32c(c, check + cut, 9 - cut),
                         0xe3069283u);
    }
    assert_int_equal(xg__turnlog_crc32c(0, NULL, 0), 0);
    /* The eight-byte path against the definition, at every alignment. */
    uint8_t buf[300];
    for (size_t i = 0; i < sizeof buf; i++) {
        buf[i] = (uint8_t)(i * 131u + 7u);
    }
    for (size_t off = 0; off < 8; off++) {
        for (size_t n = 0; n + off <= sizeof buf; n += 13) {
            assert_int_equal(xg__turnlog_crc32c(0, buf + off, n),
                             crc_reference(buf + off, n));
        }
    }
}

/* ---- round trips ------------------------------------------------------- */

static void
test_turnlog_round_trips_many_turns_with_every_field_at_its_edges(void **state)
{
    fixture *f = *state;
    xg__turnlog *t = open_ok(f, XG_SYNC_NORMAL, 0);
    recs want = {0}, got = {0};
    const size_t n_turns = 300;
    write_turns(t, n_turns, &want, NULL);
    assert_int_equal(xg__turnlog_next_seq(t), n_turns + 1);
    uint64_t size = xg__turnlog_size(t);
    xg__turnlog_close(&t);
    assert_null(t);
    xg__turnlog_close(&t); /* NULL-safe */

    char path[256], err[XG_TURNLOG_ERR_MAX];
    seg_path(f, 0, path, sizeof path);
    xg__turnlog_scan s;
    assert_int_equal(
        xg__turnlog_scan_file(path, 0, 1, collect, &got, &s, err, sizeof err),
        XG_OK);
    assert_int_equal(s.frames, n_turns);
    assert_int_equal(s.end, size);
    assert_int_equal(s.next_seq, n_turns + 1);
    assert_false(s.is_torn);
    assert_string_equal(s.stop, "end of data");
    assert_recs_equal(&want, &got, want.n);

    /* The same from memory, and from a frame boundary in the middle. */
    size_t len = 0;
    uint8_t *data = slurp(path, &len);
    assert_int_equal(len, size);
    recs again = {0};
    assert_int_equal(xg__turnlog_scan_buf(data, len, 0, collect, &again, &s),
                     XG_OK);
    assert_int_equal(s.frames, n_turns);
    assert_recs_equal(&want, &again, want.n);
    free(data);

    /* Resume after the first 100 turns, as an applier would. */
    recs first = {0}, rest = {0};
    first.stop_after = records_before(100);
    assert_int_equal(
        xg__turnlog_scan_file(path, 0, 0, collect, &first, &s, err, sizeof err),
        XG_ERR_BUSY);
    assert_int_equal(s.frames, 100);
    assert_string_equal(s.stop, "stopped by the callback");
    assert_int_equal(xg__turnlog_scan_file(path, s.end, s.next_seq, collect,
                                           &rest, &s, err, sizeof err),
                     XG_OK);
    assert_int_equal(s.frames, n_turns - 100);
    assert_int_equal(s.end, size);
    assert_int_equal(first.n + rest.n, want.n);
    recs tail = {want.v + first.n, want.n - first.n, 0, 0};
    assert_recs_equal(&tail, &rest, rest.n);

    recs_free(&want);
    recs_free(&got);
    recs_free(&again);
    recs_free(&first);
    recs_free(&rest);
}

/* Frames larger than the reader's 1 MiB chunk, and chunk edges inside
 * frames: the file reader sees what the memory reader sees. */
static void
test_turnlog_file_reader_handles_frames_larger_than_its_chunk(void **state)
{
    fixture *f = *state;
    xg__turnlog *t = open_ok(f, XG_SYNC_FULL, 7);
    recs want = {0}, got = {0};
    size_t id = 0;
    uint64_t frame_len[3];
    for (size_t k = 0; k < 3; k++) {
        uint64_t before = xg__turnlog_size(t);
        size_t n = k == 1 ? 9000 : 2500;
        for (size_t i = 0; i < n; i++) {
            xg__journal_order o = edge_order(id++);
            assert_int_equal(xg__turnlog_stage_order(t, &o), XG_OK);
            recs_add_order(&want, &o);
        }
        assert_int_equal(xg__turnlog_commit(t), XG_OK);
        frame_len[k] = xg__turnlog_size(t) - before;
    }
    assert_true(frame_len[0] > 256u * 1024u && frame_len[0] < 1024u * 1024u);
    assert_true(frame_len[1] > 1024u * 1024u);
    write_turns(t, 2000, &want, NULL); /* many small frames past 1 MiB */
    uint64_t size = xg__turnlog_size(t);
    assert_true(size > 3u * 1024u * 1024u);
    xg__turnlog_close(&t);

    char path[256], err[XG_TURNLOG_ERR_MAX];
    seg_path(f, 7, path, sizeof path);
    xg__turnlog_scan s;
    assert_int_equal(
        xg__turnlog_scan_file(path, 0, 0, collect, &got, &s, err, sizeof err),
        XG_OK);
    assert_int_equal(s.frames, 2003);
    assert_int_equal(s.end, size);
    assert_false(s.is_torn);
    assert_recs_equal(&want, &got, want.n);
    recs_free(&want);
    recs_free(&got);
}

/* ---- damage ------------------------------------------------------------ */

/* Three turns in segment 0; their records and the end of each frame. */
static void
three_turns(const fixture *f, recs *want, uint64_t ends[3], uint8_t **data,
            size_t *len)
{
    xg__turnlog *t = open_ok(f, XG_SYNC_NORMAL, 0);
    write_turns(t, 3, want, ends);
    xg__turnlog_close(&t);
    char path[256];
    seg_path(f, 0, path, sizeof path);
    *data = slurp(path, len);
    assert_int_equal(*len, ends[2]);
}

static void
test_turnlog_torn_tail_at_every_offset_keeps_exactly_the_earlier_frames(
    void **state)
{
    fixture *f = *state;
    recs want = {0};
    uint64_t ends[3];
    uint8_t *data = NULL;
    size_t len = 0;
    three_turns(f, &want, ends, &data, &len);
    char path[256], err[XG_TURNLOG_ERR_MAX];
    snprintf(path, sizeof path, "%s/torn.log", f->dir);
    size_t n_before = records_before(2);
    for (size_t cut = (size_t)ends[1]; cut < len; cut++) {
        /* In memory, in a buffer exactly cut bytes long (ASan sees any
         * read past it) ... */
        uint8_t *copy = malloc(cut);
        assert_non_null(copy);
        memcpy(copy, data, cut);
        recs got = {0};
        xg__turnlog_scan s;
        assert_int_equal(xg__turnlog_scan_buf(copy, cut, 1, collect, &got, &s),
                         XG_OK);
        assert_int_equal(s.frames, 2);
        assert_int_equal(s.end, ends[1]);
        assert_int_equal(s.next_seq, 3);
        assert_int_equal(s.is_torn, cut > ends[1]);
        assert_string_equal(s.stop,
                            cut > ends[1] ? "incomplete frame" : "end of data");
        assert_recs_equal(&want, &got, n_before);
        recs_free(&got);
        /* ... and in a file. */
        spit(path, copy, cut);
        free(copy);
        assert_int_equal(xg__turnlog_scan_file(path, 0, 1, collect, &got, &s,
                                               err, sizeof err),
                         XG_OK);
        assert_int_equal(s.frames, 2);
        assert_int_equal(s.end, ends[1]);
        assert_int_equal(s.is_torn, cut > ends[1]);
        assert_recs_equal(&want, &got, n_before);
        recs_free(&got);
    }
    free(data);
    recs_free(&want);
}

static void
test_turnlog_flipped_bit_anywhere_in_a_frame_stops_the_scan_there(void **state)
{
    fixture *f = *state;
    recs want = {0};
    uint64_t ends[3];
    uint8_t *data = NULL;
    size_t len = 0;
    three_turns(f, &want, ends, &data, &len);
    size_t n_first = records_before(1);
    for (size_t at = (size_t)ends[0]; at < ends[1]; at++) {
        for (int bit = 0; bit < 8; bit++) {
            data[at] ^= (uint8_t)(1u << bit);
            recs got = {0};
            xg__turnlog_scan s;
            assert_int_equal(
                xg__turnlog_scan_buf(data, len, 0, collect, &got, &s), XG_OK);
            assert_int_equal(s.frames, 1);
            assert_int_equal(s.end, ends[0]);
            assert_int_equal(s.next_seq, 2);
            assert_true(s.is_torn);
            assert_recs_equal(&want, &got, n_first);
            recs_free(&got);
            data[at] ^= (uint8_t)(1u << bit);
        }
    }
    free(data);
    recs_free(&want);
}

/* Frame 2 of three_turns, changed at payload offset `at` to v, resealed:
 * the CRC matches, the records do not decode. */
static void
assert_corrupt(uint8_t *data, size_t len, const uint64_t ends[3],
               const recs *want, size_t at, uint8_t v, const char *why)
{
    uint8_t *frame = data + ends[0];
    uint8_t old = frame[XG_TURNLOG_HDR_LEN + at];
    frame[XG_TURNLOG_HDR_LEN + at] = v;
    reseal(frame);
    recs got = {0};
    xg__turnlog_scan s;
    assert_int_equal(xg__turnlog_scan_buf(data, len, 0, collect, &got, &s),
                     XG_ERR_IO);
    assert_int_equal(s.frames, 1);
    assert_int_equal(s.end, ends[0]);
    assert_true(s.is_torn);
    if (strcmp(s.stop, why) != 0) {
        print_error("payload byte %zu = %u: stop '%s', want '%s'\n", at,
                    (unsigned)v, s.stop, why);
    }
    assert_string_equal(s.stop, why);
    assert_recs_equal(want, &got, records_before(1));
    recs_free(&got);
    frame[XG_TURNLOG_HDR_LEN + at] = old;
    reseal(frame);
}

static void
test_turnlog_good_crc_over_undecodable_records_is_corruption(void **state)
{
    fixture *f = *state;
    recs want = {0};
    uint64_t ends[3];
    uint8_t *data = NULL;
    size_t len = 0;
    three_turns(f, &want, ends, &data, &len);
    /* Frame 2 is turn 1: order 1, attempt 2, order 3 (stage_turn), so its
     * payload starts with a good order, which a bad byte anywhere in the
     * frame must withhold too. */
    const xg__journal_order *o = &want.v[records_before(1)].o;
    assert_true(want.v[records_before(1)].kind == REC_ORDER);
    size_t gw = strlen(o->gw_id), cid = strlen(o->client_id);
    size_t sid = strlen(o->strategy_id), sym = strlen(o->symbol);
    size_t body = XG_TURNLOG_REC_HDR;
    size_t side = body + 1 + gw + 1 + cid + 1 + sid + 1 + sym;
    size_t qty_scale = side + 3 + 8;
    size_t status = side + 3 + 9 + 9;
    /* The body ends with the replaced execution's fee scale and currency. */
    const uint8_t *first = data + ends[0] + XG_TURNLOG_HDR_LEN;
    size_t body_end = body + ((size_t)first[1] | (size_t)first[2] << 8);
    size_t replaced_fee_scale =
        body_end - 1 - strlen(o->replaced_exec.fee_currency) - 1;

    assert_corrupt(data, len, ends, &want, 0, 9, "unknown record type");
    assert_corrupt(data, len, ends, &want, side, 0, "order side out of range");
    assert_corrupt(data, len, ends, &want, side, 3, "order side out of range");
    assert_corrupt(data, len, ends, &want, side + 1, 3,
                   "order type out of range");
    assert_corrupt(data, len, ends, &want, side + 2, 5,
                   "order tif out of range");
    assert_corrupt(data, len, ends, &want, qty_scale, 19,
                   "order decimal scale out of range");
    assert_corrupt(data, len, ends, &want, status, 10,
                   "order status out of range");
    assert_corrupt(data, len, ends, &want, replaced_fee_scale, 19,
                   "order decimal scale out of range");
    /* gw_id: longer than its array, holding a NUL. */
    assert_corrupt(data, len, ends, &want, body, XG_GW_ID_LEN + 1,
                   "order field does not decode");
    assert_corrupt(data, len, ends, &want, body + 1, 0,
                   "order field does not decode");
    /* Body length: one byte short, one byte long, past the payload. */
    uint8_t *p = data + ends[0] + XG_TURNLOG_HDR_LEN;
    assert_true(p[1] > 0 && p[1] < 255);
    assert_corrupt(data, len, ends, &want, 1, (uint8_t)(p[1] - 1),
                   "order field does not decode");
    assert_corrupt(data, len, ends, &want, 1, (uint8_t)(p[1] + 1),
                   "bytes after the record's fields");
    assert_corrupt(data, len, ends, &want, 2, 0xff,
                   "record body past the payload");

    /* A record count that does not match the records. */
    uint8_t *frame = data + ends[0];
    for (int delta = -1; delta <= 1; delta += 2) {
        frame[XG_TURNLOG_COUNT_AT] =
            (uint8_t)(frame[XG_TURNLOG_COUNT_AT] + delta);
        reseal(frame);
        recs got = {0};
        xg__turnlog_scan s;
        assert_int_equal(xg__turnlog_scan_buf(data, len, 0, collect, &got, &s),
                         XG_ERR_IO);
        assert_int_equal(s.frames, 1);
        assert_string_equal(s.stop, delta < 0 ? "bytes after the last record"
                                              : "record header past the "
                                                "payload");
        assert_recs_equal(&want, &got, records_before(1));
        recs_free(&got);
        frame[XG_TURNLOG_COUNT_AT] =
            (uint8_t)(frame[XG_TURNLOG_COUNT_AT] - delta);
        reseal(frame);
    }

    /* The file reader says where. */
    char path[256], err[XG_TURNLOG_ERR_MAX], want_err[512];
    snprintf(path, sizeof path, "%s/corrupt.log", f->dir);
    frame[XG_TURNLOG_HDR_LEN + status] = 0;
    reseal(frame);
    spit(path, data, len);
    recs got = {0};
    xg__turnlog_scan s;
    assert_int_equal(
        xg__turnlog_scan_file(path, 0, 0, collect, &got, &s, err, sizeof err),
        XG_ERR_IO);
    assert_int_equal(s.frames, 1);
    assert_int_equal(s.end, ends[0]);
    snprintf(want_err, sizeof want_err,
             "%s: corrupt frame at offset %llu: order status out of range",
             path, (unsigned long long)ends[0]);
    assert_string_equal(err, want_err);
    recs_free(&got);
    free(data);
    recs_free(&want);
}

static void
test_turnlog_sequence_gaps_and_repeats_stop_the_scan(void **state)
{
    fixture *f = *state;
    recs want = {0};
    xg__turnlog *t = open_ok(f, XG_SYNC_NORMAL, 0);
    write_turns(t, 3, &want, NULL);
    xg__turnlog_close(&t);
    /* The next segment skips sequence number 4. */
    t = open_ok(f, XG_SYNC_NORMAL, 1);
    assert_int_equal(xg__turnlog_set_next_seq(t, 5), XG_OK);
    recs more = {0};
    write_turns(t, 1, &more, NULL);
    xg__turnlog_close(&t);

    char p0[256], p1[256];
    seg_path(f, 0, p0, sizeof p0);
    seg_path(f, 1, p1, sizeof p1);
    size_t n0 = 0, n1 = 0;
    uint8_t *d0 = slurp(p0, &n0), *d1 = slurp(p1, &n1);
    uint8_t *both = malloc(n0 + n1);
    assert_non_null(both);
    memcpy(both, d0, n0);
    memcpy(both + n0, d1, n1);
    xg__turnlog_scan s;
    recs got = {0};
    assert_int_equal(xg__turnlog_scan_buf(both, n0 + n1, 1, collect, &got, &s),
                     XG_OK);
    assert_int_equal(s.frames, 3);
    assert_int_equal(s.end, n0);
    assert_int_equal(s.next_seq, 4);
    assert_true(s.is_torn);
    assert_string_equal(s.stop, "sequence gap");
    assert_recs_equal(&want, &got, want.n);
    recs_free(&got);

    /* The first frame must be the one expected ... */
    assert_int_equal(xg__turnlog_scan_buf(d0, n0, 2, NULL, NULL, &s), XG_OK);
    assert_int_equal(s.frames, 0);
    assert_int_equal(s.end, 0);
    assert_int_equal(s.next_seq, 2);
    assert_string_equal(s.stop, "sequence gap");
    assert_int_equal(xg__turnlog_scan_buf(d1, n1, 4, NULL, NULL, &s), XG_OK);
    assert_int_equal(s.frames, 0);
    /* ... or any, unless told. */
    assert_int_equal(xg__turnlog_scan_buf(d1, n1, 0, NULL, NULL, &s), XG_OK);
    assert_int_equal(s.frames, 1);
    assert_int_equal(s.next_seq, 6);

    /* A segment repeated is a gap too. */
    uint8_t *twice = realloc(both, 2 * n0);
    assert_non_null(twice);
    both = twice;
    memcpy(both + n0, d0, n0);
    assert_int_equal(xg__turnlog_scan_buf(both, 2 * n0, 0, NULL, NULL, &s),
                     XG_OK);
    assert_int_equal(s.frames, 3);
    assert_string_equal(s.stop, "sequence gap");
    free(both);
    free(d0);
    free(d1);
    recs_free(&want);
    recs_free(&more);
}

static void
test_turnlog_huge_declared_length_is_neither_read_nor_allocated(void **state)
{
    fixture *f = *state;
    recs want = {0};
    uint64_t ends[3];
    uint8_t *data = NULL;
    size_t len = 0;
    three_turns(f, &want, ends, &data, &len);
    /* Exactly one header after frame 1, in a buffer that ends there. */
    size_t n = (size_t)ends[0] + XG_TURNLOG_HDR_LEN;
    uint8_t *buf = malloc(n);
    assert_non_null(buf);
    memcpy(buf, data, n);
    uint8_t *h = buf + ends[0];
    static const struct {
        uint32_t len;
        const char *stop;
    } cases[] = {
        {XG_TURNLOG_MAX_PAYLOAD, "incomplete frame"},
        {XG_TURNLOG_MAX_PAYLOAD + 1, "payload length too large"},
        {UINT32_MAX, "payload length too large"},
    };
    char path[256], err[XG_TURNLOG_ERR_MAX];
    snprintf(path, sizeof path, "%s/huge.log", f->dir);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (int k = 0; k < 4; k++) {
            h[XG_TURNLOG_LEN_AT + k] = (uint8_t)(cases[i].len >> (8 * k));
        }
        /* No CRC to fix: the length is judged before it is believed. */
        xg__turnlog_scan s;
        assert_int_equal(xg__turnlog_scan_buf(buf, n, 0, NULL, NULL, &s),
                         XG_OK);
        assert_int_equal(s.frames, 1);
        assert_int_equal(s.end, ends[0]);
        assert_true(s.is_torn);
        assert_string_equal(s.stop, cases[i].stop);
        /* The file reader must not grow its buffer for such a frame: the
         * file does not hold it. */
        spit(path, buf, n);
        assert_int_equal(
            xg__turnlog_scan_file(path, 0, 0, NULL, NULL, &s, err, sizeof err),
            XG_OK);
        assert_int_equal(s.frames, 1);
        assert_int_equal(s.end, ends[0]);
        assert_true(s.is_torn);
        assert_string_equal(s.stop, cases[i].stop);
    }
    free(buf);
    free(data);
    recs_free(&want);
}

/* ---- cutting and continuing -------------------------------------------- */

static void
test_turnlog_truncate_then_append_continues_cleanly(void **state)
{
    fixture *f = *state;
    recs want = {0};
    xg__turnlog *t = open_ok(f, XG_SYNC_FULL, 0);
    write_turns(t, 2, &want, NULL);
    char path[256], err[XG_TURNLOG_ERR_MAX];
    seg_path(f, 0, path, sizeof path);
    /* A torn frame after them: the first 40 bytes of a frame. */
    size_t len = 0;
    uint8_t *data = slurp(path, &len);
    int fd = open(path, O_WRONLY | O_APPEND);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, 40), 40);
    close(fd);
    free(data);

    xg__turnlog_scan s;
    assert_int_equal(
        xg__turnlog_scan_file(path, 0, 1, NULL, NULL, &s, err, sizeof err),
        XG_OK);
    assert_int_equal(s.frames, 2);
    assert_int_equal(s.end, len);
    assert_true(s.is_torn);
    assert_int_equal(xg__turnlog_truncate(path, s.end + 1000, XG_SYNC_FULL),
                     XG_ERR_INVALID);
    assert_int_equal(xg__turnlog_truncate(path, s.end, XG_SYNC_FULL), XG_OK);

    /* The writer (O_APPEND) goes on at the new end. */
    write_turns(t, 1, &want, NULL);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal((uint64_t)st.st_size, xg__turnlog_size(t));
    xg__turnlog_close(&t);
    recs got = {0};
    assert_int_equal(
        xg__turnlog_scan_file(path, 0, 1, collect, &got, &s, err, sizeof err),
        XG_OK);
    assert_int_equal(s.frames, 3);
    assert_false(s.is_torn);
    assert_recs_equal(&want, &got, want.n);
    recs_free(&got);

    /* Recovery's way: a new segment continues the sequence. */
    uint64_t next = s.next_seq;
    t = open_ok(f, XG_SYNC_NORMAL, 1);
    assert_int_equal(xg__turnlog_set_next_seq(t, next), XG_OK);
    write_turns(t, 2, &want, NULL);
    xg__turnlog_close(&t);
    char p1[256];
    seg_path(f, 1, p1, sizeof p1);
    assert_int_equal(
        xg__turnlog_scan_file(path, 0, 1, collect, &got, &s, err, sizeof err),
        XG_OK);
    assert_int_equal(xg__turnlog_scan_file(p1, 0, s.next_seq, collect, &got, &s,
                                           err, sizeof err),
                     XG_OK);
    assert_int_equal(s.frames, 2);
    assert_int_equal(s.next_seq, 6);
    assert_false(s.is_torn);
    assert_recs_equal(&want, &got, want.n);
    recs_free(&got);

    char missing[256];
    seg_path(f, 9, missing, sizeof missing);
    assert_int_equal(xg__turnlog_truncate(missing, 0, XG_SYNC_NORMAL),
                     XG_ERR_NOT_FOUND);
    assert_int_equal(
        xg__turnlog_scan_file(missing, 0, 0, NULL, NULL, &s, err, sizeof err),
        XG_ERR_NOT_FOUND);
    assert_non_null(strstr(err, missing));
    assert_int_equal(xg__turnlog_scan_file(path, 1u << 30, 0, NULL, NULL, &s,
                                           err, sizeof err),
                     XG_ERR_INVALID);
    recs_free(&want);
}

/* ---- segments ---------------------------------------------------------- */

static void
touch(const fixture *f, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    spit(path, "x", 1);
}

static void
test_turnlog_rotates_lists_and_removes_segments(void **state)
{
    fixture *f = *state;
    char path[256];
    assert_int_equal(xg__turnlog_path(path, sizeof path, "/d", 0xabcdefu),
                     XG_OK);
    assert_string_equal(path, "/d/turns-0000000000abcdef.log");
    assert_int_equal(xg__turnlog_path(path, 10, "/d", 1), XG_ERR_TRUNCATED);

    recs want = {0};
    xg__turnlog *t = open_ok(f, XG_SYNC_FULL, 5);
    assert_int_equal(xg__turnlog_segment(t), 5);
    write_turns(t, 2, &want, NULL);
    /* Staged records follow the rotation. */
    size_t next = want.n;
    stage_turn(t, 7, &next, &want);
    assert_int_equal(xg__turnlog_rotate(t), XG_OK);
    assert_int_equal(xg__turnlog_segment(t), 6);
    assert_int_equal(xg__turnlog_size(t), 0);
    assert_true(xg__turnlog_has_staged(t));
    assert_int_equal(xg__turnlog_commit(t), XG_OK);
    assert_true(xg__turnlog_size(t) > 0);
    /* Rotating onto a segment that exists fails and keeps the writer. */
    touch(f, "turns-0000000000000007.log");
    assert_int_equal(xg__turnlog_rotate(t), XG_ERR_EXISTS);
    assert_non_null(strstr(xg__turnlog_last_error(t), "0000000000000007"));
    assert_int_equal(xg__turnlog_segment(t), 6);
    write_turns(t, 1, &want, NULL);
    xg__turnlog_close(&t);

    /* Names that are not segments are ignored. */
    touch(f, "turns-0000000000000005.log.tmp");
    touch(f, "turns-00000000000000AB.log");
    touch(f, "turns-123.log");
    touch(f, "turns-00000000000000000.log");
    touch(f, "journal.db");
    uint64_t segs[8];
    size_t n = 0;
    assert_int_equal(xg__turnlog_list(f->dir, segs, 8, &n), XG_OK);
    assert_int_equal(n, 3);
    assert_int_equal(segs[0], 5);
    assert_int_equal(segs[1], 6);
    assert_int_equal(segs[2], 7);
    assert_int_equal(xg__turnlog_list(f->dir, segs, 2, &n), XG_ERR_TRUNCATED);
    assert_int_equal(n, 3);
    assert_int_equal(xg__turnlog_list(f->dir, NULL, 0, &n), XG_ERR_TRUNCATED);
    assert_int_equal(n, 3);

    /* The frames of 5 then 6 read as one sequence. */
    recs got = {0};
    xg__turnlog_scan s;
    char err[XG_TURNLOG_ERR_MAX];
    uint64_t seq = 1;
    for (uint64_t seg = 5; seg <= 6; seg++) {
        seg_path(f, seg, path, sizeof path);
        assert_int_equal(xg__turnlog_scan_file(path, 0, seq, collect, &got, &s,
                                               err, sizeof err),
                         XG_OK);
        assert_false(s.is_torn);
        seq = s.next_seq;
    }
    assert_int_equal(seq, 5);
    assert_recs_equal(&want, &got, want.n);
    recs_free(&got);

    assert_int_equal(xg__turnlog_remove(f->dir, 5), XG_OK);
    assert_int_equal(xg__turnlog_remove(f->dir, 5), XG_ERR_NOT_FOUND);
    assert_int_equal(xg__turnlog_list(f->dir, segs, 8, &n), XG_OK);
    assert_int_equal(n, 2);
    assert_int_equal(segs[0], 6);
    char missing[128];
    snprintf(missing, sizeof missing, "%s/none", f->dir);
    assert_int_equal(xg__turnlog_list(missing, segs, 8, &n), XG_ERR_NOT_FOUND);

    /* The last segment number cannot be followed. */
    t = open_ok(f, XG_SYNC_NORMAL, UINT64_MAX);
    assert_int_equal(xg__turnlog_rotate(t), XG_ERR_OVERFLOW);
    xg__turnlog_close(&t);
    assert_int_equal(xg__turnlog_list(f->dir, segs, 8, &n), XG_OK);
    assert_int_equal(n, 3);
    assert_int_equal(segs[2], UINT64_MAX);
    recs_free(&want);
}

static void
test_turnlog_open_refuses_an_existing_segment_and_bad_arguments(void **state)
{
    fixture *f = *state;
    char path[256], err[XG_TURNLOG_ERR_MAX];
    seg_path(f, 3, path, sizeof path);
    spit(path, "keep me", 7);
    xg__turnlog *t = (xg__turnlog *)1;
    assert_int_equal(
        xg__turnlog_open(&t, f->dir, XG_SYNC_FULL, 3, err, sizeof err),
        XG_ERR_EXISTS);
    assert_null(t);
    assert_non_null(strstr(err, path));
    size_t len = 0;
    uint8_t *data = slurp(path, &len);
    assert_int_equal(len, 7);
    assert_memory_equal(data, "keep me", 7);
    free(data);

    /* A fresh segment is private to its owner. */
    t = open_ok(f, XG_SYNC_NORMAL, 4);
    struct stat st;
    seg_path(f, 4, path, sizeof path);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, 0);
    assert_string_equal(xg__turnlog_last_error(t), "");
    /* The sequence may be set only before the first commit. */
    assert_int_equal(xg__turnlog_set_next_seq(t, 0), XG_ERR_INVALID);
    assert_int_equal(xg__turnlog_set_next_seq(t, 42), XG_OK);
    assert_int_equal(xg__turnlog_next_seq(t), 42);
    xg__journal_attempt a = edge_attempt(1);
    assert_int_equal(xg__turnlog_stage_attempt(t, &a), XG_OK);
    assert_int_equal(xg__turnlog_set_next_seq(t, 7), XG_ERR_INVALID);
    assert_int_equal(xg__turnlog_commit(t), XG_OK);
    assert_int_equal(xg__turnlog_set_next_seq(t, 7), XG_ERR_INVALID);
    assert_int_equal(xg__turnlog_next_seq(t), 43);
    /* Nothing staged: nothing written. */
    uint64_t size = xg__turnlog_size(t);
    assert_int_equal(xg__turnlog_commit(t), XG_OK);
    assert_int_equal(xg__turnlog_size(t), size);
    xg__turnlog_close(&t);

    assert_int_equal(
        xg__turnlog_open(&t, "", XG_SYNC_NORMAL, 0, err, sizeof err),
        XG_ERR_INVALID);
    assert_int_equal(
        xg__turnlog_open(&t, f->dir, (xg__sync_mode)7, 0, err, sizeof err),
        XG_ERR_INVALID);
    char missing[128];
    snprintf(missing, sizeof missing, "%s/none", f->dir);
    assert_int_equal(
        xg__turnlog_open(&t, missing, XG_SYNC_NORMAL, 0, err, sizeof err),
        XG_ERR_IO);
    assert_non_null(strstr(err, missing));
    assert_null(t);
    char *long_dir = malloc(5000);
    assert_non_null(long_dir);
    memset(long_dir, 'd', 4999);
    long_dir[4999] = '\0';
    assert_int_equal(
        xg__turnlog_open(&t, long_dir, XG_SYNC_NORMAL, 0, err, sizeof err),
        XG_ERR_TRUNCATED);
    assert_null(t);
    free(long_dir);
}

/* Fills go into a frame among orders and attempts and come back field
 * for field, edge values included. */
static void
test_turnlog_fill_records_round_trip(void **state)
{
    fixture *f = *state;
    xg__turnlog *t = open_ok(f, XG_SYNC_NORMAL, 0);
    recs want = {0}, got = {0};
    for (size_t i = 0; i < 12; i++) {
        xg__journal_fill fl = edge_fill(i);
        assert_int_equal(xg__turnlog_stage_fill(t, &fl), XG_OK);
        recs_add_fill(&want, &fl);
        if (i % 4 == 3) {
            xg__journal_order o = edge_order(i);
            assert_int_equal(xg__turnlog_stage_order(t, &o), XG_OK);
            recs_add_order(&want, &o);
            assert_int_equal(xg__turnlog_commit(t), XG_OK);
        }
    }
    xg__turnlog_close(&t);
    char path[256];
    seg_path(f, 0, path, sizeof path);
    xg__turnlog_scan s;
    char err[XG_TURNLOG_ERR_MAX];
    assert_int_equal(
        xg__turnlog_scan_file(path, 0, 0, collect, &got, &s, err, sizeof err),
        XG_OK);
    assert_int_equal(s.frames, 3);
    assert_false(s.is_torn);
    assert_recs_equal(&want, &got, want.n);
    recs_free(&want);
    recs_free(&got);
}

/* ---- staging ----------------------------------------------------------- */

static void
test_turnlog_staging_refuses_invalid_records_and_keeps_the_frame(void **state)
{
    fixture *f = *state;
    xg__turnlog *t = open_ok(f, XG_SYNC_NORMAL, 0);
    xg__turnlog *ref = NULL;
    char ref_dir[96], err[XG_TURNLOG_ERR_MAX];
    snprintf(ref_dir, sizeof ref_dir, "%s/ref", f->dir);
    assert_int_equal(mkdir(ref_dir, 0700), 0);
    assert_int_equal(
        xg__turnlog_open(&ref, ref_dir, XG_SYNC_NORMAL, 0, err, sizeof err),
        XG_OK);

    xg__journal_order good = edge_order(1);
    xg__journal_attempt good_a = edge_attempt(2);
    assert_int_equal(xg__turnlog_stage_order(t, &good), XG_OK);
    assert_int_equal(xg__turnlog_stage_order(ref, &good), XG_OK);

    xg__journal_order bad[23];
    size_t n_bad = 0;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bad[i] = good;
    }
    bad[n_bad++].gw_id[0] = '\0';
    memset(bad[n_bad++].gw_id, 'g', sizeof good.gw_id);
    memset(bad[n_bad++].venue_order_id, 'x', sizeof good.venue_order_id);
    memset(bad[n_bad++].symbol, 'x', sizeof good.symbol);
    bad[n_bad++].qty.scale = XG_DECIMAL_MAX_SCALE + 1;
    bad[n_bad++].exec.filled_qty.scale = 255;
    bad[n_bad++].exec.fee.scale = XG_DECIMAL_MAX_SCALE + 1;
    memset(bad[n_bad++].exec.fee_currency, 'c', sizeof good.exec.fee_currency);
    bad[n_bad++].replaced_exec.filled_qty.scale = XG_DECIMAL_MAX_SCALE + 1;
    bad[n_bad++].replaced_exec.fee.scale = 255;
    memset(bad[n_bad++].replaced_exec.fee_currency, 'f',
           sizeof good.replaced_exec.fee_currency);
    bad[n_bad++].status = (xg_order_status)0;
    bad[n_bad++].status = (xg_order_status)(XG_STATUS_UNKNOWN + 1);
    bad[n_bad++].side = (xg_side)0;
    bad[n_bad++].type = (xg_order_type)3;
    bad[n_bad++].tif = (xg_tif)300;
    bad[n_bad++].cancel_requested = 2;
    bad[n_bad++].requantize = 255;
    bad[n_bad++].n_route = XG_MAX_ROUTE + 1;
    bad[n_bad].n_route = XG_MAX_ROUTE;
    memset(bad[n_bad++].route[XG_MAX_ROUTE - 1], 'r', XG_VENUE_NAME_MAX);
    for (size_t i = 0; i < n_bad; i++) {
        assert_int_equal(xg__turnlog_stage_order(t, &bad[i]), XG_ERR_INVALID);
        assert_non_null(strstr(xg__turnlog_last_error(t), "stage_order"));
        assert_true(xg__turnlog_has_staged(t));
    }
    xg__journal_attempt bad_a[4];
    for (size_t i = 0; i < 4; i++) {
        bad_a[i] = good_a;
    }
    bad_a[0].gw_id[0] = '\0';
    memset(bad_a[1].venue_client_id, 'w', sizeof good_a.venue_client_id);
    bad_a[2].state = XG_ATTEMPT_ABSENT + 1;
    bad_a[3].state = -1;
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(xg__turnlog_stage_attempt(t, &bad_a[i]),
                         XG_ERR_INVALID);
        assert_non_null(strstr(xg__turnlog_last_error(t), "stage_attempt"));
    }
    xg__journal_fill bad_f[6];
    for (size_t i = 0; i < 6; i++) {
        bad_f[i] = edge_fill(3);
    }
    bad_f[0].trade_id[0] = '\0';
    bad_f[1].venue[0] = '\0';
    bad_f[2].qty.units = 0;
    bad_f[3].price.units = -1;
    bad_f[4].liquidity = 3;
    memset(bad_f[5].fee_currency, 'c', sizeof bad_f[5].fee_currency);
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(xg__turnlog_stage_fill(t, &bad_f[i]), XG_ERR_INVALID);
        assert_non_null(strstr(xg__turnlog_last_error(t), "stage_fill"));
    }
    assert_int_equal(xg__turnlog_stage_attempt(t, &good_a), XG_OK);
    assert_int_equal(xg__turnlog_stage_attempt(ref, &good_a), XG_OK);
    assert_int_equal(xg__turnlog_commit(t), XG_OK);
    assert_int_equal(xg__turnlog_commit(ref), XG_OK);
    xg__turnlog_close(&t);
    xg__turnlog_close(&ref);

    /* Byte for byte what a writer that never saw the refusals wrote. */
    char path[256], ref_path[256];
    seg_path(f, 0, path, sizeof path);
    assert_int_equal(xg__turnlog_path(ref_path, sizeof ref_path, ref_dir, 0),
                     XG_OK);
    size_t n = 0, n_ref = 0;
    uint8_t *data = slurp(path, &n), *ref_data = slurp(ref_path, &n_ref);
    assert_int_equal(n, n_ref);
    assert_memory_equal(data, ref_data, n);
    free(data);
    free(ref_data);
}

/* A turn past XG_TURNLOG_MAX_PAYLOAD is refused record by record, and what
 * fits is still one good frame that reads back. */
static void
test_turnlog_turn_larger_than_a_frame_is_refused_at_the_limit(void **state)
{
    fixture *f = *state;
    xg__turnlog *t = open_ok(f, XG_SYNC_NORMAL, 0);
    xg__journal_order o = edge_order(0); /* longest strings, 4 routes */
    o.n_route = XG_MAX_ROUTE;
    size_t n = 0;
    xg_err e;
    while ((e = xg__turnlog_stage_order(t, &o)) == XG_OK) {
        n++;
    }
    assert_int_equal(e, XG_ERR_OVERFLOW);
    assert_non_null(strstr(xg__turnlog_last_error(t), "too large"));
    assert_true(n > 100000);
    assert_int_equal(xg__turnlog_commit(t), XG_OK);
    uint64_t size = xg__turnlog_size(t);
    assert_true(size <= XG_TURNLOG_HDR_LEN + XG_TURNLOG_MAX_PAYLOAD);
    assert_true(size > XG_TURNLOG_MAX_PAYLOAD - 400);
    /* The buffer is kept: the next turn is small again. */
    assert_int_equal(xg__turnlog_stage_order(t, &o), XG_OK);
    assert_int_equal(xg__turnlog_commit(t), XG_OK);
    xg__turnlog_close(&t);

    char path[256], err[XG_TURNLOG_ERR_MAX];
    seg_path(f, 0, path, sizeof path);
    xg__turnlog_scan s;
    assert_int_equal(
        xg__turnlog_scan_file(path, 0, 1, NULL, NULL, &s, err, sizeof err),
        XG_OK);
    assert_int_equal(s.frames, 2);
    assert_false(s.is_torn);
}

/* ---- a failed commit --------------------------------------------------- */

/* In a child (the limit applies to the whole process): the file size
 * limit lets one frame through and cuts the second mid-write. */
static int
failing_commit_child(const fixture *f)
{
    xg__turnlog *t = NULL;
    char err[XG_TURNLOG_ERR_MAX];
    if (xg__turnlog_open(&t, f->dir, XG_SYNC_NORMAL, 0, err, sizeof err) !=
        XG_OK) {
        return 10;
    }
    xg__journal_order o = edge_order(0);
    if (xg__turnlog_stage_order(t, &o) != XG_OK ||
        xg__turnlog_commit(t) != XG_OK) {
        return 11;
    }
    uint64_t size = xg__turnlog_size(t);
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit rl = {(rlim_t)(size + 100), (rlim_t)(size + 100)};
    if (setrlimit(RLIMIT_FSIZE, &rl) != 0) {
        return 12;
    }
    for (int i = 0; i < 10; i++) {
        if (xg__turnlog_stage_order(t, &o) != XG_OK) {
            return 13;
        }
    }
    if (xg__turnlog_commit(t) != XG_ERR_IO ||
        strstr(xg__turnlog_last_error(t), "write") == NULL ||
        xg__turnlog_has_staged(t) || xg__turnlog_size(t) != size) {
        return 14;
    }
    /* Stopped for good. */
    if (xg__turnlog_stage_order(t, &o) != XG_ERR_IO ||
        xg__turnlog_has_staged(t) || xg__turnlog_commit(t) != XG_ERR_IO ||
        xg__turnlog_rotate(t) != XG_ERR_IO) {
        return 15;
    }
    xg__turnlog_close(&t);
    return 0;
}

static void
test_turnlog_failed_commit_leaves_no_frame_and_stops_the_writer(void **state)
{
    fixture *f = *state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        _exit(failing_commit_child(f));
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    /* The torn frame was cut back: one frame, nothing after it. */
    char path[256], err[XG_TURNLOG_ERR_MAX];
    seg_path(f, 0, path, sizeof path);
    xg__turnlog_scan s;
    assert_int_equal(
        xg__turnlog_scan_file(path, 0, 1, NULL, NULL, &s, err, sizeof err),
        XG_OK);
    assert_int_equal(s.frames, 1);
    assert_false(s.is_torn);
}

/* ---- the fuzz seeds ---------------------------------------------------- */

/* One seed: its name in tests/fuzz/corpus/fuzz_turnlog/ and its bytes. */
typedef struct seed {
    const char *name;
    uint8_t *data;
    size_t len;
} seed;

static uint8_t *
segment_bytes(const fixture *f, uint64_t segment, size_t *len)
{
    char path[256];
    seg_path(f, segment, path, sizeof path);
    return slurp(path, len);
}

/* The frame lengths at the start of data, from their headers. */
static size_t
frame_len_at(const uint8_t *p)
{
    return XG_TURNLOG_HDR_LEN + ((size_t)p[8] | (size_t)p[9] << 8 |
                                 (size_t)p[10] << 16 | (size_t)p[11] << 24);
}

/* The one order of a one_order.log an earlier writer wrote, kept in the
 * fuzz corpus as `name`, whose record must be of type `type`. */
static xg__journal_order
old_seed_order(const char *name, uint8_t type)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tests/fuzz/corpus/fuzz_turnlog/%s",
             XG_SOURCE_DIR, name);
    size_t len = 0;
    uint8_t *data = slurp(path, &len);
    assert_int_equal(data[XG_TURNLOG_HDR_LEN], type);
    recs got = {0};
    xg__turnlog_scan s;
    assert_int_equal(xg__turnlog_scan_buf(data, len, 0, collect, &got, &s),
                     XG_OK);
    assert_int_equal(s.frames, 1);
    assert_false(s.is_torn);
    assert_int_equal(got.n, 1);
    assert_true(got.v[0].kind == REC_ORDER);
    xg__journal_order o = got.v[0].o;
    recs_free(&got);
    free(data);
    return o;
}

/* A segment written before journal schema 2 (record type 1) still reads:
 * the same order, its quote amount and fee not said, nothing replaced. */
static void
test_turnlog_reads_order_records_of_version_1(void **state)
{
    (void)state;
    xg__journal_order got =
        old_seed_order("v1_one_order.log", XG_TURNLOG_REC_ORDER_V1);
    xg__journal_order want = edge_order(1);
    memset(&want.exec.filled_quote, 0, sizeof want.exec.filled_quote);
    memset(&want.exec.fee, 0, sizeof want.exec.fee);
    memset(want.exec.fee_currency, 0, sizeof want.exec.fee_currency);
    memset(&want.replaced_exec, 0, sizeof want.replaced_exec);
    xg_test_assert_order_equal(&want, &got);
}

/* A segment written before journal schema 3 (record type 3) still reads:
 * the same order, nothing replaced. */
static void
test_turnlog_reads_order_records_of_version_2(void **state)
{
    (void)state;
    xg__journal_order got =
        old_seed_order("v2_one_order.log", XG_TURNLOG_REC_ORDER_V2);
    xg__journal_order want = edge_order(1);
    memset(&want.replaced_exec, 0, sizeof want.replaced_exec);
    xg_test_assert_order_equal(&want, &got);
}

/*
 * The fuzz target's seeds are segments this writer writes, so they also
 * pin the on-disk format: a change that moves these bytes is a new
 * XG_TURNLOG_VERSION or record type, and new seeds (the earlier ones stay
 * in the corpus, as v1_one_order.log, v1_four_turns.log and their v2_
 * namesakes do). With
 * XG_TURNLOG_SEED_DIR set (to tests/fuzz/corpus/fuzz_turnlog) the test writes
 * them there instead of comparing.
 */
static void
test_turnlog_writer_writes_the_fuzz_seeds_byte_for_byte(void **state)
{
    fixture *f = *state;
    seed seeds[7];
    recs sink = {0};

    xg__turnlog *t = open_ok(f, XG_SYNC_NORMAL, 0);
    xg__journal_order o = edge_order(1);
    assert_int_equal(xg__turnlog_stage_order(t, &o), XG_OK);
    assert_int_equal(xg__turnlog_commit(t), XG_OK);
    xg__turnlog_close(&t);
    seeds[0].name = "one_order.log";
    seeds[0].data = segment_bytes(f, 0, &seeds[0].len);

    t = open_ok(f, XG_SYNC_NORMAL, 1);
    write_turns(t, 4, &sink, NULL);
    xg__turnlog_close(&t);
    seeds[1].name = "four_turns.log";
    seeds[1].data = segment_bytes(f, 1, &seeds[1].len);

    t = open_ok(f, XG_SYNC_NORMAL, 2);
    assert_int_equal(xg__turnlog_set_next_seq(t, 41), XG_OK);
    for (size_t k = 0; k < 2; k++) {
        for (size_t i = 0; i < 3; i++) {
            xg__journal_attempt a = edge_attempt(10 + 3 * k + i);
            assert_int_equal(xg__turnlog_stage_attempt(t, &a), XG_OK);
        }
        assert_int_equal(xg__turnlog_commit(t), XG_OK);
    }
    xg__turnlog_close(&t);
    seeds[2].name = "attempts_from_seq_41.log";
    seeds[2].data = segment_bytes(f, 2, &seeds[2].len);

    /* four_turns torn inside its last frame. */
    seeds[3].name = "torn_tail.log";
    seeds[3].len = seeds[1].len - 10;
    seeds[3].data = malloc(seeds[3].len);
    assert_non_null(seeds[3].data);
    memcpy(seeds[3].data, seeds[1].data, seeds[3].len);

    /* four_turns with an unknown record type in frame 2, CRC made good. */
    seeds[4].name = "corrupt_record.log";
    seeds[4].len = seeds[1].len;
    seeds[4].data = malloc(seeds[4].len);
    assert_non_null(seeds[4].data);
    memcpy(seeds[4].data, seeds[1].data, seeds[4].len);
    uint8_t *frame2 = seeds[4].data + frame_len_at(seeds[4].data);
    frame2[XG_TURNLOG_HDR_LEN] = 9;
    reseal(frame2);

    /* one_order, then a frame numbered 3. */
    t = open_ok(f, XG_SYNC_NORMAL, 3);
    assert_int_equal(xg__turnlog_set_next_seq(t, 3), XG_OK);
    o = edge_order(2);
    assert_int_equal(xg__turnlog_stage_order(t, &o), XG_OK);
    assert_int_equal(xg__turnlog_commit(t), XG_OK);
    xg__turnlog_close(&t);
    size_t n3 = 0;
    uint8_t *third = segment_bytes(f, 3, &n3);
    seeds[5].name = "sequence_gap.log";
    seeds[5].len = seeds[0].len + n3;
    seeds[5].data = malloc(seeds[5].len);
    assert_non_null(seeds[5].data);
    memcpy(seeds[5].data, seeds[0].data, seeds[0].len);
    memcpy(seeds[5].data + seeds[0].len, third, n3);
    free(third);

    /* Fills among an order and an attempt (record type 5). */
    t = open_ok(f, XG_SYNC_NORMAL, 4);
    o = edge_order(3);
    assert_int_equal(xg__turnlog_stage_order(t, &o), XG_OK);
    for (size_t i = 0; i < 3; i++) {
        xg__journal_fill fl = edge_fill(i);
        assert_int_equal(xg__turnlog_stage_fill(t, &fl), XG_OK);
    }
    xg__journal_attempt a = edge_attempt(4);
    assert_int_equal(xg__turnlog_stage_attempt(t, &a), XG_OK);
    assert_int_equal(xg__turnlog_commit(t), XG_OK);
    xg__turnlog_close(&t);
    seeds[6].name = "fills.log";
    seeds[6].data = segment_bytes(f, 4, &seeds[6].len);

    const char *out = getenv("XG_TURNLOG_SEED_DIR");
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        char path[512];
        if (out != NULL) {
            snprintf(path, sizeof path, "%s/%s", out, seeds[i].name);
            spit(path, seeds[i].data, seeds[i].len);
        } else {
            snprintf(path, sizeof path, "%s/tests/fuzz/corpus/fuzz_turnlog/%s",
                     XG_SOURCE_DIR, seeds[i].name);
            size_t len = 0;
            uint8_t *want = slurp(path, &len);
            assert_int_equal(len, seeds[i].len);
            assert_memory_equal(want, seeds[i].data, len);
            free(want);
        }
        free(seeds[i].data);
    }
    recs_free(&sink);
}

/* FULL with the syncer: commits only write, the syncer makes them durable
 * behind them, says so on its wake-up descriptor, and takes rotated
 * segments over; every frame reads back in sequence. */
static void
test_turnlog_full_syncs_off_the_writer_thread(void **state)
{
    const fixture *f = *state;
    recs want = {0};
    xg__turnlog *t = open_ok(f, XG_SYNC_FULL, 1);
    uint64_t durable = 99;
    /* A log continued after a restart: what came before is durable. */
    assert_int_equal(xg__turnlog_set_next_seq(t, 10), XG_OK);
    assert_int_equal(xg__turnlog_wake_fd(t), -1);
    assert_int_equal(xg__turnlog_durable_seq(t, &durable), XG_OK);
    assert_int_equal(durable, 9);
    assert_int_equal(xg__turnlog_sync_off_thread(t), XG_OK);
    assert_int_equal(xg__turnlog_durable_seq(t, &durable), XG_OK);
    assert_int_equal(durable, 9);
    int wake = xg__turnlog_wake_fd(t);
    assert_true(wake >= 0);

    write_turns(t, 3, &want, NULL);
    assert_int_equal(xg__turnlog_written_seq(t), 12);
    xg__turnlog_wait_durable(t);
    struct pollfd p = {.fd = wake, .events = POLLIN};
    assert_int_equal(poll(&p, 1, 0), 1);
    assert_int_equal(xg__turnlog_durable_seq(t, &durable), XG_OK);
    assert_int_equal(durable, 12);
    assert_int_equal(poll(&p, 1, 0), 0); /* read clears it */

    /* Two rotations: the syncer syncs and closes the old segments. */
    for (int r = 0; r < 2; r++) {
        assert_int_equal(xg__turnlog_rotate(t), XG_OK);
        write_turns(t, 2, &want, NULL);
    }
    assert_int_equal(xg__turnlog_written_seq(t), 16);
    xg__turnlog_wait_durable(t);
    assert_int_equal(xg__turnlog_durable_seq(t, &durable), XG_OK);
    assert_int_equal(durable, 16);
    xg__turnlog_close(&t);

    recs got = {0};
    xg__turnlog_scan s;
    char err[XG_TURNLOG_ERR_MAX];
    char path[256];
    uint64_t seq = 10;
    for (uint64_t seg = 1; seg <= 3; seg++) {
        seg_path(f, seg, path, sizeof path);
        assert_int_equal(xg__turnlog_scan_file(path, 0, seq, collect, &got, &s,
                                               err, sizeof err),
                         XG_OK);
        assert_false(s.is_torn);
        seq = s.next_seq;
    }
    assert_int_equal(seq, 17);
    assert_recs_equal(&want, &got, want.n);
    recs_free(&got);
    recs_free(&want);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_turnlog_crc32c_gives_the_check_value_in_any_split),
        T(test_turnlog_round_trips_many_turns_with_every_field_at_its_edges),
        T(test_turnlog_file_reader_handles_frames_larger_than_its_chunk),
        T(test_turnlog_torn_tail_at_every_offset_keeps_exactly_the_earlier_frames),
        T(test_turnlog_flipped_bit_anywhere_in_a_frame_stops_the_scan_there),
        T(test_turnlog_good_crc_over_undecodable_records_is_corruption),
        T(test_turnlog_sequence_gaps_and_repeats_stop_the_scan),
        T(test_turnlog_huge_declared_length_is_neither_read_nor_allocated),
        T(test_turnlog_truncate_then_append_continues_cleanly),
        T(test_turnlog_rotates_lists_and_removes_segments),
        T(test_turnlog_open_refuses_an_existing_segment_and_bad_arguments),
        T(test_turnlog_fill_records_round_trip),
        T(test_turnlog_staging_refuses_invalid_records_and_keeps_the_frame),
        T(test_turnlog_turn_larger_than_a_frame_is_refused_at_the_limit),
        T(test_turnlog_failed_commit_leaves_no_frame_and_stops_the_writer),
        T(test_turnlog_full_syncs_off_the_writer_thread),
        cmocka_unit_test(test_turnlog_reads_order_records_of_version_1),
        cmocka_unit_test(test_turnlog_reads_order_records_of_version_2),
        T(test_turnlog_writer_writes_the_fuzz_seeds_byte_for_byte),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
