/*
 * turnlog.c - the turn log: one frame of records per loop turn, appended
 * to segment files, and the readers that give the frames back (the format
 * is in turnlog.h).
 *
 * It owns a writer's segment file descriptor and frame buffer, nothing
 * else. What a record means, when a turn ends, when to rotate, which
 * frames the SQLite journal has applied and when a segment may go are the
 * caller's decisions; this file encodes, checksums, appends, reads, cuts
 * and lists.
 *
 * Writer and reader share one rule set: the reader decodes a record into
 * the same struct the writer took and checks it with the same function
 * (order_invalid, attempt_invalid, xg__journal_fill_invalid). A record the
 * writer accepts is one the reader accepts, so a whole frame with a matching
 * CRC that does not decode is damage, never a torn write.
 */
#include "turnlog.h"

#include "syncer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define PATH_CAP    4096
#define INITIAL_CAP (64u * 1024u) /* frame buffer at open: ~150 orders */
#define READ_CHUNK  (1024u * 1024u)
#define NAME_PREFIX "turns-"
#define NAME_SUFFIX ".log"

/* The longest record bodies: a string field of an array of n bytes takes
 * at most n bytes (length byte, n - 1 characters). */
#define ORDER_BODY_MAX                                                         \
    (sizeof(((xg__journal_order *)0)->gw_id) + XG_CLIENT_ID_MAX +              \
     XG_STRATEGY_ID_MAX + XG_SYMBOL_MAX + 3 + 9 + 9 + 1 + XG_VENUE_NAME_MAX +  \
     XG_CLIENT_ID_MAX + XG_VENUE_ORDER_ID_MAX + 9 + 4 +                        \
     XG_MAX_ROUTE * XG_VENUE_NAME_MAX + 8 + 8 + 9 + 9 + XG_CURRENCY_MAX + 9 +  \
     9 + 9 + XG_CURRENCY_MAX)
#define ATTEMPT_BODY_MAX                                                       \
    (sizeof(((xg__journal_attempt *)0)->gw_id) + 1 + XG_VENUE_NAME_MAX +       \
     XG_CLIENT_ID_MAX + 1 + 8)
#define FILL_BODY_MAX                                                          \
    (sizeof(((xg__journal_fill *)0)->gw_id) + XG_VENUE_NAME_MAX +              \
     XG_TRADE_ID_MAX + 9 + 9 + 9 + XG_CURRENCY_MAX + 1 + 8 + 8)
#define REC_MAX (XG_TURNLOG_REC_HDR + ORDER_BODY_MAX)
_Static_assert(FILL_BODY_MAX <= ORDER_BODY_MAX &&
                   ATTEMPT_BODY_MAX <= ORDER_BODY_MAX,
               "REC_MAX holds every record");

/* Every string length fits the format's length byte, every body its
 * 2-byte length. */
_Static_assert(XG_VENUE_ORDER_ID_MAX <= 256 && XG_CLIENT_ID_MAX <= 256 &&
                   XG_STRATEGY_ID_MAX <= 256 && XG_SYMBOL_MAX <= 256 &&
                   XG_CURRENCY_MAX <= 256 && XG_VENUE_NAME_MAX <= 256 &&
                   XG_TRADE_ID_MAX <= 256 && XG_GW_ID_LEN + 1 <= 256,
               "string fields must fit a 1-byte length");
_Static_assert(ORDER_BODY_MAX <= UINT16_MAX && ATTEMPT_BODY_MAX <= UINT16_MAX,
               "record bodies must fit a 2-byte length");
_Static_assert(XG_TURNLOG_MAX_PAYLOAD <= UINT32_MAX / 2,
               "payload length is a u32 and frames are sized in size_t");

static const uint8_t magic[4] = {'X', 'G', 'T', 'L'};

struct xg__turnlog {
    int fd;
    xg__sync_mode mode;
    int is_broken;     /* a commit failed: refuse all but close */
    int has_committed; /* a frame went out through this writer */
    uint64_t segment;
    uint64_t size; /* bytes committed to the current segment */
    uint64_t next_seq;
    uint8_t *buf;       /* header space, then the staged records */
    size_t cap, len;    /* len >= XG_TURNLOG_HDR_LEN */
    uint32_t n_records; /* staged */
    /* Test hook (xg__turnlog_crash_at): the commit that is to die, counted
     * down to it, and how much of its frame reaches the file first. */
    uint64_t crash_in;
    size_t crash_bytes;
    /* XG_SYNC_FULL with the syncs off this thread
     * (xg__turnlog_sync_off_thread); NULL: commit syncs itself. */
    xg__syncer *syncer;
    char dir[PATH_CAP];  /* short enough for dir/NAME */
    char path[PATH_CAP]; /* the current segment */
    char err[XG_TURNLOG_ERR_MAX];
};

/* ---- CRC-32C ----------------------------------------------------------- */

/* Slicing by 8: eight table lookups per 8 bytes instead of one chain of
 * dependent lookups per byte, some five times faster; a turn of 100 orders
 * is ~40 kB to checksum. The tables are built once, on first use. */
static uint32_t crc_table[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void
crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) {
            c = (c >> 1) ^ (0x82f63b78u & (0u - (c & 1u)));
        }
        crc_table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++) {
        for (int t = 1; t < 8; t++) {
            uint32_t c = crc_table[t - 1][i];
            crc_table[t][i] = (c >> 8) ^ crc_table[0][c & 0xffu];
        }
    }
}

static uint32_t
get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

uint32_t
xg__turnlog_crc32c(uint32_t crc, const void *data, size_t len)
{
    (void)pthread_once(&crc_once, crc_init);
    const uint8_t *p = data;
    uint32_t c = ~crc;
    while (len >= 8) {
        uint32_t lo = c ^ get_u32(p);
        uint32_t hi = get_u32(p + 4);
        c = crc_table[7][lo & 0xffu] ^ crc_table[6][(lo >> 8) & 0xffu] ^
            crc_table[5][(lo >> 16) & 0xffu] ^ crc_table[4][lo >> 24] ^
            crc_table[3][hi & 0xffu] ^ crc_table[2][(hi >> 8) & 0xffu] ^
            crc_table[1][(hi >> 16) & 0xffu] ^ crc_table[0][hi >> 24];
        p += 8;
        len -= 8;
    }
    while (len > 0) {
        c = (c >> 8) ^ crc_table[0][(c ^ *p) & 0xffu];
        p++;
        len--;
    }
    return ~c;
}

/* ---- little-endian fields ---------------------------------------------- */

static uint8_t *
put_u16(uint8_t *w, uint16_t v)
{
    w[0] = (uint8_t)v;
    w[1] = (uint8_t)(v >> 8);
    return w + 2;
}

static uint8_t *
put_u32(uint8_t *w, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        w[i] = (uint8_t)(v >> (8 * i));
    }
    return w + 4;
}

static uint8_t *
put_u64(uint8_t *w, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        w[i] = (uint8_t)(v >> (8 * i));
    }
    return w + 8;
}

static uint64_t
get_u64(const uint8_t *p)
{
    return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

/* Two's complement both ways, without the implementation-defined
 * conversion of a uint64_t above INT64_MAX. */
static uint64_t
i64_bits(int64_t v)
{
    return (uint64_t)v;
}

static int64_t
bits_i64(uint64_t u)
{
    return u <= INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
}

/* ---- the rule set shared by writer and reader -------------------------- */

static int
is_str(const char *s, size_t cap)
{
    return memchr(s, '\0', cap) != NULL;
}

static int
is_dec(xg_decimal d)
{
    return d.scale <= XG_DECIMAL_MAX_SCALE;
}

/* Why an order's execution (exec or replaced_exec) cannot be logged, or
 * NULL. */
static const char *
exec_invalid(const xg_execution *e)
{
    if (!is_dec(e->filled_qty) || !is_dec(e->filled_quote) || !is_dec(e->fee)) {
        return "order decimal scale out of range";
    }
    if (!is_str(e->fee_currency, sizeof e->fee_currency)) {
        return "order string unterminated";
    }
    return NULL;
}

/* Why o cannot be a record, or NULL. The ranges are xg__journal_load_open's
 * (journal_read.c), so nothing is logged that recovery would refuse. */
static const char *
order_invalid(const xg__journal_order *o)
{
    if (!is_str(o->gw_id, sizeof o->gw_id) || o->gw_id[0] == '\0') {
        return "order gw_id empty or unterminated";
    }
    if (!is_str(o->client_id, sizeof o->client_id) ||
        !is_str(o->strategy_id, sizeof o->strategy_id) ||
        !is_str(o->symbol, sizeof o->symbol) ||
        !is_str(o->venue, sizeof o->venue) ||
        !is_str(o->venue_client_id, sizeof o->venue_client_id) ||
        !is_str(o->venue_order_id, sizeof o->venue_order_id)) {
        return "order string unterminated";
    }
    if (o->side < XG_SIDE_BUY || o->side > XG_SIDE_SELL) {
        return "order side out of range";
    }
    if (o->type < XG_TYPE_LIMIT || o->type > XG_TYPE_MARKET) {
        return "order type out of range";
    }
    if (o->tif < XG_TIF_GTC || o->tif > XG_TIF_POST_ONLY) {
        return "order tif out of range";
    }
    if (!is_dec(o->qty) || !is_dec(o->price)) {
        return "order decimal scale out of range";
    }
    const char *bad = exec_invalid(&o->exec);
    if (bad == NULL) {
        bad = exec_invalid(&o->replaced_exec);
    }
    if (bad != NULL) {
        return bad;
    }
    if (o->status < XG_STATUS_PENDING || o->status > XG_STATUS_UNKNOWN) {
        return "order status out of range";
    }
    if (o->cancel_requested > 1 || o->requantize > 1) {
        return "order flag out of range";
    }
    if (o->n_route > XG_MAX_ROUTE) {
        return "order n_route out of range";
    }
    for (size_t i = 0; i < o->n_route; i++) {
        if (!is_str(o->route[i], sizeof o->route[i])) {
            return "order route unterminated";
        }
    }
    return NULL;
}

static const char *
attempt_invalid(const xg__journal_attempt *a)
{
    if (!is_str(a->gw_id, sizeof a->gw_id) || a->gw_id[0] == '\0') {
        return "attempt gw_id empty or unterminated";
    }
    if (!is_str(a->venue, sizeof a->venue) ||
        !is_str(a->venue_client_id, sizeof a->venue_client_id)) {
        return "attempt string unterminated";
    }
    if (a->state < XG_ATTEMPT_UNSETTLED || a->state > XG_ATTEMPT_ABSENT) {
        return "attempt state out of range";
    }
    return NULL;
}

/* ---- encoding (records already checked) -------------------------------- */

static uint8_t *
put_str(uint8_t *w, const char *s)
{
    size_t n = strlen(s);
    *w = (uint8_t)n;
    memcpy(w + 1, s, n);
    return w + 1 + n;
}

static uint8_t *
put_dec(uint8_t *w, xg_decimal d)
{
    w = put_u64(w, i64_bits(d.units));
    *w = d.scale;
    return w + 1;
}

/* A whole execution, as replaced_exec is logged. */
static uint8_t *
put_exec(uint8_t *w, const xg_execution *e)
{
    w = put_dec(w, e->filled_qty);
    w = put_dec(w, e->filled_quote);
    w = put_dec(w, e->fee);
    return put_str(w, e->fee_currency);
}

static uint8_t *
encode_order(uint8_t *w, const xg__journal_order *o)
{
    w = put_str(w, o->gw_id);
    w = put_str(w, o->client_id);
    w = put_str(w, o->strategy_id);
    w = put_str(w, o->symbol);
    *w++ = (uint8_t)o->side;
    *w++ = (uint8_t)o->type;
    *w++ = (uint8_t)o->tif;
    w = put_dec(w, o->qty);
    w = put_dec(w, o->price);
    *w++ = (uint8_t)o->status;
    w = put_str(w, o->venue);
    w = put_str(w, o->venue_client_id);
    w = put_str(w, o->venue_order_id);
    w = put_dec(w, o->exec.filled_qty);
    *w++ = o->attempt;
    *w++ = o->cancel_requested;
    *w++ = o->requantize;
    *w++ = o->n_route;
    for (size_t i = 0; i < o->n_route; i++) {
        w = put_str(w, o->route[i]);
    }
    w = put_u64(w, i64_bits(o->deadline_ms));
    w = put_u64(w, i64_bits(o->updated_ms));
    w = put_dec(w, o->exec.filled_quote);
    w = put_dec(w, o->exec.fee);
    w = put_str(w, o->exec.fee_currency);
    return put_exec(w, &o->replaced_exec);
}

static uint8_t *
encode_attempt(uint8_t *w, const xg__journal_attempt *a)
{
    w = put_str(w, a->gw_id);
    *w++ = a->attempt;
    w = put_str(w, a->venue);
    w = put_str(w, a->venue_client_id);
    *w++ = (uint8_t)a->state;
    return put_u64(w, i64_bits(a->updated_ms));
}

static uint8_t *
encode_fill(uint8_t *w, const xg__journal_fill *f)
{
    w = put_str(w, f->gw_id);
    w = put_str(w, f->venue);
    w = put_str(w, f->trade_id);
    w = put_dec(w, f->qty);
    w = put_dec(w, f->price);
    w = put_dec(w, f->fee);
    w = put_str(w, f->fee_currency);
    *w++ = f->liquidity;
    w = put_u64(w, i64_bits(f->time_ms));
    return put_u64(w, i64_bits(f->updated_ms));
}

/* ---- decoding ---------------------------------------------------------- */

/* A cursor over bytes we trust only as far as we check them; once a read
 * runs past the end, is_bad sticks and every later read yields zeros. */
typedef struct reader {
    const uint8_t *p;
    size_t left;
    int is_bad;
} reader;

static const uint8_t *
take(reader *r, size_t n)
{
    if (r->is_bad || r->left < n) {
        r->is_bad = 1;
        return NULL;
    }
    const uint8_t *p = r->p;
    r->p += n;
    r->left -= n;
    return p;
}

static uint8_t
get_u8(reader *r)
{
    const uint8_t *p = take(r, 1);
    return p != NULL ? *p : 0;
}

static int64_t
get_i64(reader *r)
{
    const uint8_t *p = take(r, 8);
    return p != NULL ? bits_i64(get_u64(p)) : 0;
}

static xg_decimal
get_dec(reader *r)
{
    xg_decimal d;
    d.units = get_i64(r);
    d.scale = get_u8(r);
    return d;
}

/* A string into dst (cap bytes, zeroed by the caller): it must leave room
 * for the NUL and hold none itself, or it would not read back as written. */
static void
get_str(reader *r, char *dst, size_t cap)
{
    size_t n = get_u8(r);
    const uint8_t *p = take(r, n);
    if (p == NULL || n >= cap || memchr(p, '\0', n) != NULL) {
        r->is_bad = 1;
        return;
    }
    memcpy(dst, p, n);
}

static void
get_exec(reader *r, xg_execution *e)
{
    e->filled_qty = get_dec(r);
    e->filled_quote = get_dec(r);
    e->fee = get_dec(r);
    get_str(r, e->fee_currency, sizeof e->fee_currency);
}

static int
is_order_type(uint8_t type)
{
    return type == XG_TURNLOG_REC_ORDER || type == XG_TURNLOG_REC_ORDER_V2 ||
           type == XG_TURNLOG_REC_ORDER_V1;
}

/* An order record of any order type: XG_TURNLOG_REC_ORDER_V1 ends at
 * updated_ms, its quote amount and fee not said; XG_TURNLOG_REC_ORDER_V2
 * at the fee currency, nothing replaced. What a type does not hold is
 * left zero. */
static void
decode_order(reader *r, xg__journal_order *o, uint8_t type)
{
    memset(o, 0, sizeof *o);
    get_str(r, o->gw_id, sizeof o->gw_id);
    get_str(r, o->client_id, sizeof o->client_id);
    get_str(r, o->strategy_id, sizeof o->strategy_id);
    get_str(r, o->symbol, sizeof o->symbol);
    o->side = (xg_side)get_u8(r);
    o->type = (xg_order_type)get_u8(r);
    o->tif = (xg_tif)get_u8(r);
    o->qty = get_dec(r);
    o->price = get_dec(r);
    o->status = (xg_order_status)get_u8(r);
    get_str(r, o->venue, sizeof o->venue);
    get_str(r, o->venue_client_id, sizeof o->venue_client_id);
    get_str(r, o->venue_order_id, sizeof o->venue_order_id);
    o->exec.filled_qty = get_dec(r);
    o->attempt = get_u8(r);
    o->cancel_requested = get_u8(r);
    o->requantize = get_u8(r);
    o->n_route = get_u8(r);
    if (o->n_route > XG_MAX_ROUTE) {
        r->is_bad = 1;
        return;
    }
    for (size_t i = 0; i < o->n_route; i++) {
        get_str(r, o->route[i], sizeof o->route[i]);
    }
    o->deadline_ms = get_i64(r);
    o->updated_ms = get_i64(r);
    if (type == XG_TURNLOG_REC_ORDER_V1) {
        return;
    }
    o->exec.filled_quote = get_dec(r);
    o->exec.fee = get_dec(r);
    get_str(r, o->exec.fee_currency, sizeof o->exec.fee_currency);
    if (type == XG_TURNLOG_REC_ORDER) {
        get_exec(r, &o->replaced_exec);
    }
}

static void
decode_attempt(reader *r, xg__journal_attempt *a)
{
    memset(a, 0, sizeof *a);
    get_str(r, a->gw_id, sizeof a->gw_id);
    a->attempt = get_u8(r);
    get_str(r, a->venue, sizeof a->venue);
    get_str(r, a->venue_client_id, sizeof a->venue_client_id);
    a->state = get_u8(r);
    a->updated_ms = get_i64(r);
}

static void
decode_fill(reader *r, xg__journal_fill *f)
{
    memset(f, 0, sizeof *f);
    get_str(r, f->gw_id, sizeof f->gw_id);
    get_str(r, f->venue, sizeof f->venue);
    get_str(r, f->trade_id, sizeof f->trade_id);
    f->qty = get_dec(r);
    f->price = get_dec(r);
    f->fee = get_dec(r);
    get_str(r, f->fee_currency, sizeof f->fee_currency);
    f->liquidity = get_u8(r);
    f->time_ms = get_i64(r);
    f->updated_ms = get_i64(r);
}

/* Where next_record decodes: one of each kind, and the record it made. */
typedef struct decoded {
    xg__journal_order order;
    xg__journal_attempt attempt;
    xg__journal_fill fill;
    xg__turnlog_record rec; /* points into the above */
} decoded;

/* Decode the record at r into d (d->rec says which kind); why it is not a
 * record, or NULL. */
static const char *
next_record(reader *r, decoded *d)
{
    const uint8_t *h = take(r, XG_TURNLOG_REC_HDR);
    if (h == NULL) {
        return "record header past the payload";
    }
    size_t body_len = (size_t)h[1] | (size_t)h[2] << 8;
    const uint8_t *body = take(r, body_len);
    if (body == NULL) {
        return "record body past the payload";
    }
    reader b = {body, body_len, 0};
    const char *bad = NULL;
    memset(&d->rec, 0, sizeof d->rec);
    if (is_order_type(h[0])) {
        decode_order(&b, &d->order, h[0]);
        d->rec.order = &d->order;
        bad =
            b.is_bad ? "order field does not decode" : order_invalid(&d->order);
    } else if (h[0] == XG_TURNLOG_REC_ATTEMPT) {
        decode_attempt(&b, &d->attempt);
        d->rec.attempt = &d->attempt;
        bad = b.is_bad ? "attempt field does not decode"
                       : attempt_invalid(&d->attempt);
    } else if (h[0] == XG_TURNLOG_REC_FILL) {
        decode_fill(&b, &d->fill);
        d->rec.fill = &d->fill;
        bad = b.is_bad ? "fill field does not decode"
                       : xg__journal_fill_invalid(&d->fill);
    } else {
        return "unknown record type";
    }
    if (bad == NULL && b.left != 0) {
        bad = "bytes after the record's fields";
    }
    return bad;
}

/* Check every record of a payload without delivering any; why the
 * payload is not n records, or NULL. */
static const char *
check_records(const uint8_t *p, size_t len, uint32_t n)
{
    reader r = {p, len, 0};
    decoded d;
    for (uint32_t i = 0; i < n; i++) {
        const char *bad = next_record(&r, &d);
        if (bad != NULL) {
            return bad;
        }
    }
    return r.left == 0 ? NULL : "bytes after the last record";
}

/* Give a checked payload's records to fn. */
static xg_err
deliver_records(const uint8_t *p, size_t len, uint32_t n, xg__turnlog_fn fn,
                void *ctx)
{
    reader r = {p, len, 0};
    decoded d;
    for (uint32_t i = 0; i < n; i++) {
        if (next_record(&r, &d) != NULL) {
            return XG_ERR_INTERNAL; /* check_records passed these bytes */
        }
        xg_err e = fn(ctx, &d.rec);
        if (e != XG_OK) {
            return e;
        }
    }
    return XG_OK;
}

/* ---- frames ------------------------------------------------------------ */

typedef enum frame_state { FRAME_OK, FRAME_SHORT, FRAME_BAD } frame_state;

typedef struct frame {
    size_t total; /* header and payload; for FRAME_SHORT, the bytes needed */
    uint32_t payload_len, n_records;
    uint64_t seq;
} frame;

/* Is there a whole, sane frame at p (avail bytes)? want is the sequence
 * number it must carry when is_fixed. *why says what is wrong. */
static frame_state
check_frame(const uint8_t *p, size_t avail, uint64_t want, int is_fixed,
            frame *f, const char **why)
{
    f->total = XG_TURNLOG_HDR_LEN;
    if (avail < XG_TURNLOG_HDR_LEN) {
        *why = "incomplete frame";
        return FRAME_SHORT;
    }
    if (memcmp(p, magic, sizeof magic) != 0) {
        *why = "bad magic";
        return FRAME_BAD;
    }
    if (p[4] != XG_TURNLOG_VERSION) {
        *why = "unknown format version";
        return FRAME_BAD;
    }
    f->payload_len = get_u32(p + XG_TURNLOG_LEN_AT);
    f->n_records = get_u32(p + XG_TURNLOG_COUNT_AT);
    f->seq = get_u64(p + XG_TURNLOG_SEQ_AT);
    if (p[5] != 0 || p[6] != 0 || p[7] != 0 || f->n_records == 0) {
        *why = "bad frame header";
        return FRAME_BAD;
    }
    if (f->payload_len > XG_TURNLOG_MAX_PAYLOAD) {
        *why = "payload length too large";
        return FRAME_BAD;
    }
    f->total = XG_TURNLOG_HDR_LEN + (size_t)f->payload_len;
    if (avail < f->total) {
        *why = "incomplete frame";
        return FRAME_SHORT;
    }
    uint32_t crc = xg__turnlog_crc32c(0, p, XG_TURNLOG_CRC_AT);
    crc = xg__turnlog_crc32c(crc, p + XG_TURNLOG_HDR_LEN, f->payload_len);
    if (crc != get_u32(p + XG_TURNLOG_CRC_AT)) {
        *why = "bad CRC";
        return FRAME_BAD;
    }
    /* After the CRC: a mismatch here is a real gap, not a flipped bit. */
    if (f->seq == 0 || (is_fixed && f->seq != want)) {
        *why = "sequence gap";
        return FRAME_BAD;
    }
    return FRAME_OK;
}

typedef struct core_result {
    size_t end;      /* past the last frame delivered whole */
    uint64_t frames; /* delivered whole */
    uint64_t want;   /* sequence number of the next frame */
    int is_fixed;    /* want is binding */
    int is_out;      /* stopped by running out of bytes */
    int is_corrupt;  /* stopped at a frame whose records do not decode */
    size_t need;     /* then: bytes from end the next frame needs, 0 if
                      * there were none */
    const char *stop;
} core_result;

/* The walk both readers share; r->want and r->is_fixed are set by the
 * caller. */
static xg_err
scan_core(const uint8_t *data, size_t len, xg__turnlog_fn fn, void *ctx,
          core_result *r)
{
    r->end = 0;
    r->frames = 0;
    r->is_out = 1;
    r->is_corrupt = 0;
    r->need = 0;
    r->stop = "end of data";
    while (r->end < len) {
        frame f;
        const uint8_t *p = data + r->end;
        frame_state st =
            check_frame(p, len - r->end, r->want, r->is_fixed, &f, &r->stop);
        if (st == FRAME_SHORT) {
            r->need = f.total;
            return XG_OK;
        }
        if (st == FRAME_BAD) {
            r->is_out = 0;
            return XG_OK;
        }
        const uint8_t *payload = p + XG_TURNLOG_HDR_LEN;
        const char *bad = check_records(payload, f.payload_len, f.n_records);
        if (bad != NULL) {
            r->is_out = 0;
            r->is_corrupt = 1;
            r->stop = bad;
            return XG_ERR_IO;
        }
        if (fn != NULL) {
            xg_err e =
                deliver_records(payload, f.payload_len, f.n_records, fn, ctx);
            if (e != XG_OK) {
                r->is_out = 0;
                r->stop = "stopped by the callback";
                return e;
            }
        }
        r->end += f.total;
        r->frames++;
        r->want = f.seq + 1; /* 0 after UINT64_MAX: no frame matches */
        r->is_fixed = 1;
    }
    return XG_OK;
}

xg_err
xg__turnlog_scan_buf(const void *data, size_t len, uint64_t expect_seq,
                     xg__turnlog_fn fn, void *ctx, xg__turnlog_scan *scan)
{
    core_result r;
    r.want = expect_seq;
    r.is_fixed = expect_seq != 0;
    xg_err e = scan_core(data, data != NULL ? len : 0, fn, ctx, &r);
    scan->end = r.end;
    scan->frames = r.frames;
    scan->next_seq = r.want;
    scan->is_torn = r.end < len;
    scan->stop = r.stop;
    return e;
}

/* ---- writer ------------------------------------------------------------ */

__attribute__((format(printf, 3, 4))) static xg_err
report(xg__turnlog *t, xg_err e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->err, sizeof t->err, fmt, ap);
    va_end(ap);
    return e;
}

xg_err
xg__turnlog_path(char *out, size_t out_len, const char *dir, uint64_t segment)
{
    int n = snprintf(out, out_len, "%s/" NAME_PREFIX "%016" PRIx64 NAME_SUFFIX,
                     dir, segment);
    return n >= 0 && (size_t)n < out_len ? XG_OK : XG_ERR_TRUNCATED;
}

/* Create segment `segment` of t->dir; its descriptor into *fd, its path
 * into path (PATH_CAP bytes). */
static xg_err
create_segment(xg__turnlog *t, uint64_t segment, int *fd, char *path)
{
    if (xg__turnlog_path(path, PATH_CAP, t->dir, segment) != XG_OK) {
        return report(t, XG_ERR_TRUNCATED, "%.200s...: path too long", t->dir);
    }
    *fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
    if (*fd < 0) {
        int oe = errno;
        return report(t, oe == EEXIST ? XG_ERR_EXISTS : XG_ERR_IO,
                      "%s: cannot create turn log segment: %s", path,
                      strerror(oe));
    }
    /* A new file's name is in the directory, which fdatasync of the file
     * does not write: without this, FULL could lose a whole segment. A
     * syncer does it itself, before it counts the segment's frames
     * durable (xg__syncer_rotate). */
    int e =
        t->mode == XG_SYNC_FULL && t->syncer == NULL ? xg__sync_dir(t->dir) : 0;
    if (e != 0) {
        close(*fd);
        *fd = -1;
        unlink(path);
        return report(t, XG_ERR_IO, "%s: cannot sync its directory: %s", path,
                      strerror(e));
    }
    return XG_OK;
}

xg_err
xg__turnlog_open(xg__turnlog **out, const char *dir, xg__sync_mode mode,
                 uint64_t segment, char *err, size_t err_len)
{
    *out = NULL;
    if (err != NULL && err_len > 0) {
        err[0] = '\0';
    }
    if (dir == NULL || dir[0] == '\0' ||
        (mode != XG_SYNC_NORMAL && mode != XG_SYNC_FULL)) {
        if (err != NULL && err_len > 0) {
            snprintf(err, err_len, "turn log: no directory or bad sync mode");
        }
        return XG_ERR_INVALID;
    }
    xg__turnlog *t = calloc(1, sizeof *t);
    if (t == NULL) {
        if (err != NULL && err_len > 0) {
            snprintf(err, err_len, "%s: turn log: out of memory", dir);
        }
        return XG_ERR_NOMEM;
    }
    t->fd = -1;
    t->mode = mode;
    t->segment = segment;
    t->next_seq = 1;
    t->len = XG_TURNLOG_HDR_LEN;
    xg_err e = XG_OK;
    size_t dir_len = strlen(dir);
    if (dir_len + 1 + XG_TURNLOG_NAME_LEN >= sizeof t->dir) {
        e = report(t, XG_ERR_TRUNCATED, "%.200s...: path too long", dir);
        goto fail;
    }
    memcpy(t->dir, dir, dir_len + 1);
    t->buf = malloc(INITIAL_CAP);
    if (t->buf == NULL) {
        e = report(t, XG_ERR_NOMEM, "%s: turn log: out of memory", dir);
        goto fail;
    }
    t->cap = INITIAL_CAP;
    if ((e = create_segment(t, segment, &t->fd, t->path)) != XG_OK) {
        goto fail;
    }
    *out = t;
    return XG_OK;

fail:
    if (err != NULL && err_len > 0) {
        snprintf(err, err_len, "%s", t->err);
    }
    free(t->buf);
    free(t);
    return e;
}

void
xg__turnlog_close(xg__turnlog **tp)
{
    xg__turnlog *t = *tp;
    if (t == NULL) {
        return;
    }
    xg__syncer_stop(&t->syncer);
    if (t->fd >= 0) {
        close(t->fd);
    }
    free(t->buf);
    free(t);
    *tp = NULL;
}

xg_err
xg__turnlog_set_next_seq(xg__turnlog *t, uint64_t seq)
{
    if (seq == 0 || t->has_committed || t->n_records > 0) {
        return report(t, XG_ERR_INVALID,
                      "%s: set_next_seq: only before the first commit, not 0",
                      t->path);
    }
    t->next_seq = seq;
    return XG_OK;
}

/* Room for one more record of at most REC_MAX bytes after t->len. */
static xg_err
reserve(xg__turnlog *t)
{
    if (t->cap - t->len >= REC_MAX) {
        return XG_OK;
    }
    /* t->len never passes the header and the largest payload, so this
     * bound always leaves room. */
    const size_t limit = XG_TURNLOG_HDR_LEN + XG_TURNLOG_MAX_PAYLOAD + REC_MAX;
    size_t cap = t->cap * 2 < limit ? t->cap * 2 : limit;
    uint8_t *buf = realloc(t->buf, cap);
    if (buf == NULL) {
        return report(t, XG_ERR_NOMEM,
                      "%s: turn log: out of memory (%zu bytes)", t->path, cap);
    }
    t->buf = buf;
    t->cap = cap;
    return XG_OK;
}

/* The record was encoded at rec, ending at end: give it its header and
 * keep it, if the frame can take it. */
static xg_err
keep_record(xg__turnlog *t, uint8_t type, uint8_t *rec, const uint8_t *end)
{
    size_t rec_len = (size_t)(end - rec);
    if (t->len - XG_TURNLOG_HDR_LEN + rec_len > XG_TURNLOG_MAX_PAYLOAD) {
        return report(t, XG_ERR_OVERFLOW,
                      "%s: turn too large for one frame (%u records)", t->path,
                      t->n_records);
    }
    rec[0] = type;
    put_u16(rec + 1, (uint16_t)(rec_len - XG_TURNLOG_REC_HDR));
    t->len += rec_len;
    t->n_records++;
    return XG_OK;
}

/* Refusals every staging call shares. */
static xg_err
can_stage(xg__turnlog *t, const char *bad, const char *what)
{
    if (t->is_broken) {
        return report(t, XG_ERR_IO, "%s: %s: an earlier commit failed", t->path,
                      what);
    }
    if (bad != NULL) {
        return report(t, XG_ERR_INVALID, "%s: %s: %s", t->path, what, bad);
    }
    return reserve(t);
}

xg_err
xg__turnlog_stage_order(xg__turnlog *t, const xg__journal_order *o)
{
    xg_err e = can_stage(t, order_invalid(o), "stage_order");
    if (e != XG_OK) {
        return e;
    }
    uint8_t *rec = t->buf + t->len;
    uint8_t *end = encode_order(rec + XG_TURNLOG_REC_HDR, o);
    return keep_record(t, XG_TURNLOG_REC_ORDER, rec, end);
}

xg_err
xg__turnlog_stage_attempt(xg__turnlog *t, const xg__journal_attempt *a)
{
    xg_err e = can_stage(t, attempt_invalid(a), "stage_attempt");
    if (e != XG_OK) {
        return e;
    }
    uint8_t *rec = t->buf + t->len;
    uint8_t *end = encode_attempt(rec + XG_TURNLOG_REC_HDR, a);
    return keep_record(t, XG_TURNLOG_REC_ATTEMPT, rec, end);
}

xg_err
xg__turnlog_stage_fill(xg__turnlog *t, const xg__journal_fill *f)
{
    xg_err e = can_stage(t, xg__journal_fill_invalid(f), "stage_fill");
    if (e != XG_OK) {
        return e;
    }
    uint8_t *rec = t->buf + t->len;
    uint8_t *end = encode_fill(rec + XG_TURNLOG_REC_HDR, f);
    return keep_record(t, XG_TURNLOG_REC_FILL, rec, end);
}

int
xg__turnlog_has_staged(const xg__turnlog *t)
{
    return t->n_records > 0;
}

/* Header and CRC of the staged frame. */
static void
seal_frame(xg__turnlog *t)
{
    uint8_t *h = t->buf;
    size_t payload_len = t->len - XG_TURNLOG_HDR_LEN;
    memcpy(h, magic, sizeof magic);
    h[4] = XG_TURNLOG_VERSION;
    h[5] = h[6] = h[7] = 0;
    put_u32(h + XG_TURNLOG_LEN_AT, (uint32_t)payload_len);
    put_u32(h + XG_TURNLOG_COUNT_AT, t->n_records);
    put_u64(h + XG_TURNLOG_SEQ_AT, t->next_seq);
    uint32_t crc = xg__turnlog_crc32c(0, h, XG_TURNLOG_CRC_AT);
    crc = xg__turnlog_crc32c(crc, h + XG_TURNLOG_HDR_LEN, payload_len);
    put_u32(h + XG_TURNLOG_CRC_AT, crc);
}

/* All n bytes of p, through short writes and EINTR; 0 or an errno. */
static int
write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno;
        }
        if (w == 0) {
            return EIO; /* no progress and no error: do not spin */
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static void
drop_staged(xg__turnlog *t)
{
    t->len = XG_TURNLOG_HDR_LEN;
    t->n_records = 0;
}

xg_err
xg__turnlog_commit(xg__turnlog *t)
{
    if (t->is_broken) {
        drop_staged(t);
        return report(t, XG_ERR_IO, "%s: commit: an earlier commit failed",
                      t->path);
    }
    if (t->n_records == 0) {
        return XG_OK;
    }
    if (t->next_seq == 0) {
        drop_staged(t);
        t->is_broken = 1;
        return report(t, XG_ERR_OVERFLOW, "%s: sequence numbers exhausted",
                      t->path);
    }
    seal_frame(t);
    if (t->crash_in > 0 && --t->crash_in == 0) {
        /* A crash in the middle of this turn's write, as a power cut or
         * a kill would leave it: part of the frame, then nothing. */
        size_t n = t->crash_bytes < t->len ? t->crash_bytes : t->len;
        (void)write_all(t->fd, t->buf, n);
        raise(SIGKILL);
    }
    const char *what = "write";
    int e = write_all(t->fd, t->buf, t->len);
    if (e == 0 && t->mode == XG_SYNC_FULL && t->syncer == NULL) {
        what = "fdatasync";
        e = fdatasync(t->fd) == 0 ? 0 : errno;
    }
    if (e != 0) {
        /* Whatever reached the file may be a torn frame, which readers
         * drop anyway; cutting it keeps the file clean for the next
         * reader. After a failed sync the kernel may have dropped the
         * dirty pages and cleared the error, so nothing written through
         * this descriptor can be trusted: the writer stops here. */
        if (ftruncate(t->fd, (off_t)t->size) != 0) {
            /* Nothing more to do: the torn tail stays for readers to drop. */
        }
        drop_staged(t);
        t->is_broken = 1;
        return report(t, XG_ERR_IO, "%s: %s: %s", t->path, what, strerror(e));
    }
    t->size += t->len;
    if (t->syncer != NULL) {
        xg__syncer_want(t->syncer, t->next_seq);
    }
    t->next_seq++;
    t->has_committed = 1;
    drop_staged(t);
    return XG_OK;
}

xg_err
xg__turnlog_sync_off_thread(xg__turnlog *t)
{
    if (t->mode != XG_SYNC_FULL || t->syncer != NULL) {
        return XG_OK;
    }
    /* What this writer or an earlier process committed is on disk or in
     * the store (recovery folded it, synced): durable. */
    return xg__syncer_start(&t->syncer, t->dir, t->fd, t->next_seq - 1, t->err,
                            sizeof t->err);
}

int
xg__turnlog_wake_fd(const xg__turnlog *t)
{
    return t->syncer != NULL ? xg__syncer_wake_fd(t->syncer) : -1;
}

uint64_t
xg__turnlog_written_seq(const xg__turnlog *t)
{
    return t->next_seq - 1;
}

xg_err
xg__turnlog_durable_seq(xg__turnlog *t, uint64_t *seq)
{
    if (t->syncer == NULL) {
        *seq = t->next_seq - 1;
        return XG_OK;
    }
    xg_err e = xg__syncer_durable(t->syncer, seq, t->err, sizeof t->err);
    if (e != XG_OK) {
        t->is_broken = 1;
    }
    return e;
}

void
xg__turnlog_wait_durable(xg__turnlog *t)
{
    if (t->syncer != NULL) {
        xg__syncer_wait(t->syncer);
    }
}

void
xg__turnlog_crash_at(xg__turnlog *t, uint64_t commit, size_t bytes)
{
    t->crash_in = commit;
    t->crash_bytes = bytes;
}

xg_err
xg__turnlog_rotate(xg__turnlog *t)
{
    if (t->is_broken) {
        return report(t, XG_ERR_IO, "%s: rotate: an earlier commit failed",
                      t->path);
    }
    if (t->segment == UINT64_MAX) {
        return report(t, XG_ERR_OVERFLOW, "%s: no segment number left",
                      t->path);
    }
    char path[PATH_CAP];
    int fd = -1;
    xg_err e = create_segment(t, t->segment + 1, &fd, path);
    if (e != XG_OK) {
        return e;
    }
    if (t->syncer != NULL) {
        /* The syncer makes the old segment and the new name durable. */
        xg__syncer_rotate(t->syncer, fd);
    } else {
        /* Every commit already reached the file (and the disk in FULL);
         * close cannot lose any of it. */
        close(t->fd);
    }
    t->fd = fd;
    t->segment++;
    t->size = 0;
    memcpy(t->path, path, sizeof path);
    return XG_OK;
}

uint64_t
xg__turnlog_segment(const xg__turnlog *t)
{
    return t->segment;
}

uint64_t
xg__turnlog_size(const xg__turnlog *t)
{
    return t->size;
}

uint64_t
xg__turnlog_next_seq(const xg__turnlog *t)
{
    return t->next_seq;
}

const char *
xg__turnlog_last_error(const xg__turnlog *t)
{
    return t->err;
}

/* ---- files ------------------------------------------------------------- */

__attribute__((format(printf, 4, 5))) static xg_err
fail_to(char *err, size_t err_len, xg_err e, const char *fmt, ...)
{
    if (err != NULL && err_len > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, err_len, fmt, ap);
        va_end(ap);
    }
    return e;
}

/* Fill buf[*have..cap) from the file at base + *have, not past *size
 * (lowered if the file turns out shorter); 0 or an errno. */
static int
fill(int fd, uint8_t *buf, size_t cap, uint64_t base, size_t *have,
     uint64_t *size)
{
    while (*have < cap && base + *have < *size) {
        uint64_t left = *size - base - *have;
        size_t want = cap - *have < left ? cap - *have : (size_t)left;
        ssize_t n = pread(fd, buf + *have, want, (off_t)(base + *have));
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno;
        }
        if (n == 0) {
            *size = base + *have; /* cut under us: what is there is all */
            break;
        }
        *have += (size_t)n;
    }
    return 0;
}

/* scan_file over an open descriptor; the caller closes it. */
static xg_err
scan_fd(int fd, const char *path, uint64_t from, xg__turnlog_fn fn, void *ctx,
        core_result *r, xg__turnlog_scan *scan, char *err, size_t err_len)
{
    struct stat st;
    if (fstat(fd, &st) != 0) {
        return fail_to(err, err_len, XG_ERR_IO, "%s: cannot stat: %s", path,
                       strerror(errno));
    }
    uint64_t size = (uint64_t)st.st_size;
    if (from > size || from > INT64_MAX) {
        return fail_to(err, err_len, XG_ERR_INVALID,
                       "%s: offset %" PRIu64 " past the end (%" PRIu64 ")",
                       path, from, size);
    }
    uint64_t base = from;
    size_t cap = size - from < READ_CHUNK ? (size_t)(size - from) : READ_CHUNK;
    size_t have = 0;
    uint8_t *buf = cap > 0 ? malloc(cap) : NULL;
    xg_err e = XG_OK;
    if (cap > 0 && buf == NULL) {
        e = fail_to(err, err_len, XG_ERR_NOMEM, "%s: out of memory", path);
        goto out;
    }
    for (;;) {
        int rc = fill(fd, buf, cap, base, &have, &size);
        if (rc != 0) {
            e = fail_to(err, err_len, XG_ERR_IO, "%s: cannot read: %s", path,
                        strerror(rc));
            goto out;
        }
        e = scan_core(buf, have, fn, ctx, r);
        scan->frames += r->frames;
        scan->end = base + r->end;
        scan->next_seq = r->want;
        scan->stop = r->stop;
        if (r->is_corrupt) {
            fail_to(err, err_len, e,
                    "%s: corrupt frame at offset %" PRIu64 ": %s", path,
                    scan->end, r->stop);
        }
        /* Read on only for a frame the file holds whole (a damaged length
         * must not make us allocate or read for nothing). */
        uint64_t next = base + r->end;
        if (e != XG_OK || !r->is_out || next >= size ||
            size - next < (r->need > 0 ? r->need : 1)) {
            break;
        }
        memmove(buf, buf + r->end, have - r->end);
        have -= r->end;
        base = next;
        if (r->need > cap) {
            uint8_t *bigger = realloc(buf, r->need);
            if (bigger == NULL) {
                e = fail_to(err, err_len, XG_ERR_NOMEM,
                            "%s: out of memory (%zu bytes)", path, r->need);
                goto out;
            }
            buf = bigger;
            cap = r->need;
        }
    }
out:
    scan->is_torn = scan->end < size;
    free(buf);
    return e;
}

xg_err
xg__turnlog_scan_file(const char *path, uint64_t from_offset,
                      uint64_t expect_seq, xg__turnlog_fn fn, void *ctx,
                      xg__turnlog_scan *scan, char *err, size_t err_len)
{
    if (err != NULL && err_len > 0) {
        err[0] = '\0';
    }
    scan->end = from_offset;
    scan->frames = 0;
    scan->next_seq = expect_seq;
    scan->is_torn = 0;
    scan->stop = "end of data";
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        return fail_to(err, err_len, e == ENOENT ? XG_ERR_NOT_FOUND : XG_ERR_IO,
                       "%s: cannot open: %s", path, strerror(e));
    }
    core_result r;
    r.want = expect_seq;
    r.is_fixed = expect_seq != 0;
    xg_err e = scan_fd(fd, path, from_offset, fn, ctx, &r, scan, err, err_len);
    close(fd);
    return e;
}

xg_err
xg__turnlog_truncate(const char *path, uint64_t offset, xg__sync_mode mode)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        return errno == ENOENT ? XG_ERR_NOT_FOUND : XG_ERR_IO;
    }
    xg_err e = XG_OK;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        e = XG_ERR_IO;
    } else if (offset > (uint64_t)st.st_size) {
        e = XG_ERR_INVALID;
    } else if (ftruncate(fd, (off_t)offset) != 0 ||
               (mode == XG_SYNC_FULL && fdatasync(fd) != 0)) {
        e = XG_ERR_IO;
    }
    close(fd);
    return e;
}

/* The segment number of a name of the form turns-<16 hex>.log. */
static int
parse_name(const char *name, uint64_t *segment)
{
    const size_t pre = sizeof NAME_PREFIX - 1, suf = sizeof NAME_SUFFIX - 1;
    if (strlen(name) != XG_TURNLOG_NAME_LEN ||
        memcmp(name, NAME_PREFIX, pre) != 0 ||
        memcmp(name + XG_TURNLOG_NAME_LEN - suf, NAME_SUFFIX, suf) != 0) {
        return 0;
    }
    uint64_t v = 0;
    for (size_t i = pre; i < XG_TURNLOG_NAME_LEN - suf; i++) {
        char c = name[i];
        unsigned d;
        if (c >= '0' && c <= '9') {
            d = (unsigned)(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            d = (unsigned)(c - 'a' + 10);
        } else {
            return 0;
        }
        v = v << 4 | d;
    }
    *segment = v;
    return 1;
}

static int
cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

xg_err
xg__turnlog_list(const char *dir, uint64_t *segments, size_t cap, size_t *n)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (d == NULL) {
        return errno == ENOENT ? XG_ERR_NOT_FOUND : XG_ERR_IO;
    }
    size_t count = 0;
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(d);
        if (de == NULL) {
            break;
        }
        uint64_t segment = 0;
        if (parse_name(de->d_name, &segment)) {
            if (count < cap) {
                segments[count] = segment;
            }
            count++;
        }
    }
    int e = errno;
    closedir(d);
    *n = count;
    if (e != 0) {
        return XG_ERR_IO;
    }
    if (count > cap) {
        return XG_ERR_TRUNCATED;
    }
    if (count > 1) {
        qsort(segments, count, sizeof *segments, cmp_u64);
    }
    return XG_OK;
}

xg_err
xg__turnlog_remove(const char *dir, uint64_t segment)
{
    char path[PATH_CAP];
    if (xg__turnlog_path(path, sizeof path, dir, segment) != XG_OK) {
        return XG_ERR_TRUNCATED;
    }
    if (unlink(path) != 0) {
        return errno == ENOENT ? XG_ERR_NOT_FOUND : XG_ERR_IO;
    }
    return XG_OK;
}
