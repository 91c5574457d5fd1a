/*
 * fuzz_turnlog.c - libFuzzer target for the turn log's reader.
 *
 * The input is a segment's bytes, as recovery may find them after a crash
 * or damage. xg__turnlog_scan_buf must never crash, read out of bounds or
 * leak on any of them, and must keep its promises: it stops within the
 * input, says the tail is torn exactly when bytes follow its end, hands
 * over only records whose every field is in range, and scanning the part
 * it accepted again gives the same frames, the same records and no torn
 * tail. A matching CRC is out of reach of random bytes, so every input is
 * also scanned with the CRC of each frame its headers delimit made right:
 * that way the fuzzer's bytes reach the record decoder. Any violation
 * aborts, which libFuzzer reports as a crash. Built with libFuzzer when
 * XG_FUZZ is ON; otherwise fuzz_replay.c drives it over the corpus.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "turnlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What a scan delivered: how many records and an FNV-1a hash of them. */
typedef struct seen {
    uint64_t records;
    uint64_t hash;
} seen;

static void
mix(seen *s, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        s->hash = (s->hash ^ b[i]) * 0x100000001b3u;
    }
}

static void
mix_i64(seen *s, int64_t v)
{
    mix(s, &v, sizeof v);
}

/* A delivered string: terminated in its array; hashed up to the NUL. */
static void
mix_str(seen *s, const char *str, size_t cap)
{
    check_terminated(str, cap);
    size_t n = strlen(str);
    mix_i64(s, (int64_t)n);
    mix(s, str, n);
}

static void
mix_dec(seen *s, xg_decimal d)
{
    check(d.scale <= XG_DECIMAL_MAX_SCALE);
    mix_i64(s, d.units);
    mix_i64(s, d.scale);
}

static void
mix_exec(seen *s, const xg_execution *e)
{
    mix_dec(s, e->filled_qty);
    mix_dec(s, e->filled_quote);
    mix_dec(s, e->fee);
    mix_str(s, e->fee_currency, sizeof e->fee_currency);
}

static void
see_order(seen *s, const xg__journal_order *o)
{
    mix_str(s, o->gw_id, sizeof o->gw_id);
    check(o->gw_id[0] != '\0');
    mix_str(s, o->client_id, sizeof o->client_id);
    mix_str(s, o->strategy_id, sizeof o->strategy_id);
    mix_str(s, o->symbol, sizeof o->symbol);
    check(o->side == XG_SIDE_BUY || o->side == XG_SIDE_SELL);
    check(o->type == XG_TYPE_LIMIT || o->type == XG_TYPE_MARKET);
    check(o->tif >= XG_TIF_GTC && o->tif <= XG_TIF_POST_ONLY);
    check(o->status >= XG_STATUS_PENDING && o->status <= XG_STATUS_UNKNOWN);
    mix_i64(s, o->side);
    mix_i64(s, o->type);
    mix_i64(s, o->tif);
    mix_i64(s, o->status);
    mix_dec(s, o->qty);
    mix_dec(s, o->price);
    mix_exec(s, &o->exec);
    mix_exec(s, &o->replaced_exec);
    mix_str(s, o->venue, sizeof o->venue);
    mix_str(s, o->venue_client_id, sizeof o->venue_client_id);
    mix_str(s, o->venue_order_id, sizeof o->venue_order_id);
    check(o->cancel_requested <= 1 && o->requantize <= 1);
    check(o->n_route <= XG_MAX_ROUTE);
    mix_i64(s, o->attempt);
    mix_i64(s, o->cancel_requested);
    mix_i64(s, o->requantize);
    mix_i64(s, o->n_route);
    for (size_t i = 0; i < o->n_route; i++) {
        mix_str(s, o->route[i], sizeof o->route[i]);
    }
    mix_i64(s, o->deadline_ms);
    mix_i64(s, o->updated_ms);
}

static void
see_attempt(seen *s, const xg__journal_attempt *a)
{
    mix_str(s, a->gw_id, sizeof a->gw_id);
    check(a->gw_id[0] != '\0');
    mix_i64(s, a->attempt);
    mix_str(s, a->venue, sizeof a->venue);
    mix_str(s, a->venue_client_id, sizeof a->venue_client_id);
    check(a->state >= XG_ATTEMPT_UNSETTLED && a->state <= XG_ATTEMPT_ABSENT);
    mix_i64(s, a->state);
    mix_i64(s, a->updated_ms);
}

static void
see_fill(seen *s, const xg__journal_fill *f)
{
    mix_str(s, f->gw_id, sizeof f->gw_id);
    mix_str(s, f->venue, sizeof f->venue);
    mix_str(s, f->trade_id, sizeof f->trade_id);
    check(f->gw_id[0] != '\0' && f->venue[0] != '\0' && f->trade_id[0] != '\0');
    mix_dec(s, f->qty);
    mix_dec(s, f->price);
    mix_dec(s, f->fee);
    check(f->qty.units > 0 && f->price.units >= 0);
    mix_str(s, f->fee_currency, sizeof f->fee_currency);
    check(f->liquidity <= XG_LIQUIDITY_TAKER);
    mix_i64(s, f->liquidity);
    mix_i64(s, f->time_ms);
    mix_i64(s, f->updated_ms);
}

static xg_err
on_record(void *ctx, const xg__turnlog_record *rec)
{
    seen *s = ctx;
    int kinds =
        (rec->order != NULL) + (rec->attempt != NULL) + (rec->fill != NULL);
    check(kinds == 1);
    if (rec->order != NULL) {
        mix_i64(s, 1);
        see_order(s, rec->order);
    } else if (rec->attempt != NULL) {
        mix_i64(s, 2);
        see_attempt(s, rec->attempt);
    } else {
        mix_i64(s, 3);
        see_fill(s, rec->fill);
    }
    s->records++;
    return XG_OK;
}

static void
check_scan(const uint8_t *data, size_t size)
{
    seen first = {0, 0xcbf29ce484222325u};
    xg__turnlog_scan s;
    xg_err e = xg__turnlog_scan_buf(data, size, 0, on_record, &first, &s);
    check(e == XG_OK || e == XG_ERR_IO);
    check(s.end <= size);
    check(s.is_torn == (s.end < size));
    check(e == XG_OK || s.is_torn);
    check(s.stop != NULL && s.stop[0] != '\0');
    /* Every frame holds a header and at least one record. */
    check(s.frames <= s.end / (XG_TURNLOG_HDR_LEN + XG_TURNLOG_REC_HDR));
    check(s.frames <= first.records);
    check((s.frames == 0) == (s.end == 0));

    /* The accepted part again, now expecting its first sequence number
     * (unsigned arithmetic: right across a wrap too). */
    uint64_t first_seq = s.frames > 0 ? s.next_seq - s.frames : 0;
    seen again = {0, 0xcbf29ce484222325u};
    xg__turnlog_scan s2;
    check(xg__turnlog_scan_buf(data, (size_t)s.end, first_seq, on_record,
                               &again, &s2) == XG_OK);
    check(s2.end == s.end && s2.frames == s.frames);
    check(s2.next_seq == s.next_seq);
    check(!s2.is_torn);
    check(again.records == first.records && again.hash == first.hash);

    /* Without a callback: the same walk. */
    check(xg__turnlog_scan_buf(data, size, 0, NULL, NULL, &s2) == e);
    check(s2.end == s.end && s2.frames == s.frames);
}

static uint32_t
get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/* Make the CRC of every frame the headers delimit match. */
static void
reseal_all(uint8_t *d, size_t size)
{
    size_t off = 0;
    while (size - off >= XG_TURNLOG_HDR_LEN) {
        uint8_t *h = d + off;
        uint32_t len = get_u32(h + XG_TURNLOG_LEN_AT);
        if (len > XG_TURNLOG_MAX_PAYLOAD ||
            len > size - off - XG_TURNLOG_HDR_LEN) {
            return;
        }
        uint32_t crc = xg__turnlog_crc32c(0, h, XG_TURNLOG_CRC_AT);
        crc = xg__turnlog_crc32c(crc, h + XG_TURNLOG_HDR_LEN, len);
        for (int i = 0; i < 4; i++) {
            h[XG_TURNLOG_CRC_AT + i] = (uint8_t)(crc >> (8 * i));
        }
        off += XG_TURNLOG_HDR_LEN + (size_t)len;
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_scan(data, size);
    /* An exact-size copy, so that ASan sees any read past the end. */
    uint8_t *copy = malloc(size > 0 ? size : 1);
    check(copy != NULL);
    if (size > 0) {
        memcpy(copy, data, size);
    }
    reseal_all(copy, size);
    check_scan(copy, size);
    free(copy);
    return 0;
}
