/*
 * persist.c - mapping order records to turn log records, once per turn
 * (see persist.h), and the journal's life: the store opened and folded at
 * start, the compactor started after recovery, stopped at the end.
 */
#include "persist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xgate/buf.h"

/* A segment of the turn log is closed at this size and a new one begun,
 * so the compactor can fold and remove the finished one: what start-up
 * may have to fold stays bounded. */
#define SEGMENT_BYTES (16u * 1024u * 1024u)

/* A decimal of 1 to 9 digits at *s, which moves past it. */
static int
take_number(const char **s, uint64_t *out)
{
    uint64_t v = 0;
    int n = 0;
    for (; **s >= '0' && **s <= '9' && n < 9; (*s)++, n++) {
        v = v * 10 + (uint64_t)(**s - '0');
    }
    *out = v;
    return n > 0;
}

/* The crash tests' hook (turnlog.h, xg__turnlog_crash_at), armed from the
 * environment: XG_TEST_CRASH_IN_COMMIT=<commit>:<bytes>. */
static xg_err
arm_crash_hook(xg__turnlog *t, char *err, size_t err_len)
{
    const char *v = getenv("XG_TEST_CRASH_IN_COMMIT");
    if (v == NULL) {
        return XG_OK;
    }
    uint64_t commit = 0, bytes = 0;
    const char *s = v;
    if (!take_number(&s, &commit) || commit == 0 || *s++ != ':' ||
        !take_number(&s, &bytes) || *s != '\0') {
        xg_strlcpy(err,
                   "XG_TEST_CRASH_IN_COMMIT: expected <commit>:<bytes>, "
                   "decimal, commit at least 1",
                   err_len);
        return XG_ERR_CONFIG;
    }
    xg__warn("journal: test hook armed: the process dies in commit %llu",
             (unsigned long long)commit);
    xg__turnlog_crash_at(t, commit, (size_t)bytes);
    return XG_OK;
}

xg_err
xg__persist_open(xg__persist *p, const xg__config *cfg, char *err,
                 size_t err_len)
{
    memset(p, 0, sizeof *p);
    if (strcmp(cfg->journal, "off") == 0) {
        return XG_OK;
    }
    p->dirty = malloc(cfg->max_orders * sizeof *p->dirty);
    if (p->dirty == NULL) {
        xg_strlcpy(err, "out of memory", err_len);
        return XG_ERR_NOMEM;
    }
    xg__sync_mode mode =
        strcmp(cfg->journal, "full") == 0 ? XG_SYNC_FULL : XG_SYNC_NORMAL;
    xg_err e = xg__journal_open(&p->journal, cfg->data_dir, mode, err, err_len);
    uint64_t segment = 0;
    uint64_t seq = 0;
    if (e == XG_OK) {
        e = xg__compactor_recover(p->journal, cfg->data_dir, mode, &segment,
                                  &seq, err, err_len);
    }
    if (e == XG_OK) {
        e = xg__turnlog_open(&p->log, cfg->data_dir, mode, segment, err,
                             err_len);
    }
    if (e == XG_OK && (e = xg__turnlog_set_next_seq(p->log, seq)) != XG_OK) {
        snprintf(err, err_len, "%s", xg__turnlog_last_error(p->log));
    }
    if (e == XG_OK) {
        e = arm_crash_hook(p->log, err, err_len);
    }
    return e;
}

xg_err
xg__persist_start(xg__persist *p, const xg__config *cfg, void *zmq_ctx,
                  char *err, size_t err_len)
{
    if (p->journal == NULL) {
        return XG_OK;
    }
    /* "full": the disk syncs go to a thread of their own (syncer.h). */
    if (xg__turnlog_sync_off_thread(p->log) != XG_OK) {
        snprintf(err, err_len, "%s", xg__turnlog_last_error(p->log));
        return XG_ERR_IO;
    }
    xg__journal *j = p->journal;
    p->journal = NULL; /* the thread's now */
    return xg__compactor_start(&p->compactor, j, cfg->data_dir, cfg, zmq_ctx,
                               err, err_len);
}

void
xg__persist_fini(xg__persist *p)
{
    xg__turnlog_close(&p->log);
    xg__compactor_stop(&p->compactor);
    xg__journal_close(&p->journal);
    free(p->dirty);
    p->dirty = NULL;
    p->n_dirty = 0;
}

void
xg__persist_touch(xg__persist *p, xg__order_rec *r, uint32_t slot)
{
    if (p->log == NULL || r->is_dirty) {
        return;
    }
    r->is_dirty = 1;
    p->dirty[p->n_dirty++] = slot;
}

static void
to_row(const xg__order_rec *r, const xg__venue *venues, int64_t now_ms,
       xg__journal_order *o)
{
    memset(o, 0, sizeof *o);
    memcpy(o->gw_id, r->gw_id, sizeof o->gw_id);
    xg_strlcpy(o->client_id, r->order.client_id, sizeof o->client_id);
    xg_strlcpy(o->strategy_id, r->order.strategy_id, sizeof o->strategy_id);
    xg_strlcpy(o->symbol, r->order.symbol, sizeof o->symbol);
    o->side = r->order.side;
    o->type = r->order.type;
    o->tif = r->order.tif;
    o->qty = r->order.qty;
    o->price = r->order.price;
    o->status = r->status;
    if (r->venue >= 0) {
        xg_strlcpy(o->venue, venues[r->venue].cfg->name, sizeof o->venue);
    }
    xg_strlcpy(o->venue_client_id, r->venue_client_id,
               sizeof o->venue_client_id);
    xg_strlcpy(o->venue_order_id, r->venue_order_id, sizeof o->venue_order_id);
    o->exec = r->exec;
    o->replaced_exec = r->replaced_exec;
    o->attempt = r->attempt;
    o->cancel_requested = r->cancel_requested;
    o->requantize = r->is_requantize;
    for (size_t i = 0; i < r->n_route; i++) {
        xg_strlcpy(o->route[i], venues[r->route[i]].cfg->name,
                   sizeof o->route[i]);
    }
    o->n_route = r->n_route;
    o->deadline_ms = r->deadline_ms;
    o->updated_ms = now_ms;
}

/* A record that cannot be staged makes the whole turn fail at its commit:
 * a turn journaled without one of its changes would be a lie. */
static void
note_staging(xg__persist *p, xg_err e)
{
    if (e != XG_OK && p->staging == XG_OK) {
        p->staging = e;
        xg__error("journal: %s", xg__turnlog_last_error(p->log));
    }
}

void
xg__persist_attempt(xg__persist *p, const xg__order_rec *r, const char *venue,
                    int state, int64_t now_ms)
{
    xg__persist_attempt_of(p, r, r->attempt, venue, state, now_ms);
}

void
xg__persist_attempt_of(xg__persist *p, const xg__order_rec *r, uint8_t attempt,
                       const char *venue, int state, int64_t now_ms)
{
    if (p->log == NULL) {
        return;
    }
    xg__journal_attempt a;
    memset(&a, 0, sizeof a);
    memcpy(a.gw_id, r->gw_id, sizeof a.gw_id);
    a.attempt = attempt;
    xg_strlcpy(a.venue, venue, sizeof a.venue);
    xg__order_attempt_id(r, attempt, a.venue_client_id);
    a.state = state;
    a.updated_ms = now_ms;
    note_staging(p, xg__turnlog_stage_attempt(p->log, &a));
}

void
xg__persist_fill_record(const xg__order_rec *r, const char *venue,
                        const xg_fill *fill, int64_t now_ms,
                        xg__journal_fill *out)
{
    memset(out, 0, sizeof *out);
    memcpy(out->gw_id, r->gw_id, sizeof out->gw_id);
    xg_strlcpy(out->venue, venue, sizeof out->venue);
    /* Copied whole, terminated or not: the check sees what the venue sent,
     * not a cut of it. */
    memcpy(out->trade_id, fill->trade_id, sizeof out->trade_id);
    out->qty = fill->qty;
    out->price = fill->price;
    out->fee = fill->fee;
    memcpy(out->fee_currency, fill->fee_currency, sizeof out->fee_currency);
    out->liquidity = (uint8_t)fill->liquidity;
    out->time_ms = fill->time_ms;
    out->updated_ms = now_ms;
}

void
xg__persist_fill_of_record(const xg__journal_fill *rec, xg_fill *out)
{
    memset(out, 0, sizeof *out);
    xg_strlcpy(out->trade_id, rec->trade_id, sizeof out->trade_id);
    out->qty = rec->qty;
    out->price = rec->price;
    out->fee = rec->fee;
    xg_strlcpy(out->fee_currency, rec->fee_currency, sizeof out->fee_currency);
    out->liquidity = (xg_liquidity)rec->liquidity;
    out->time_ms = rec->time_ms;
}

void
xg__persist_fill(xg__persist *p, const xg__journal_fill *f)
{
    if (p->log != NULL) {
        note_staging(p, xg__turnlog_stage_fill(p->log, f));
    }
}

xg_err
xg__persist_commit(xg__persist *p, xg__orders *orders, const xg__venue *venues,
                   int64_t now_ms)
{
    if (p->log == NULL) {
        return XG_OK;
    }
    for (size_t i = 0; i < p->n_dirty; i++) {
        xg__order_rec *r = xg__orders_get(orders, p->dirty[i]);
        if (r == NULL) {
            continue;
        }
        r->is_dirty = 0;
        xg__journal_order row;
        to_row(r, venues, now_ms, &row);
        note_staging(p, xg__turnlog_stage_order(p->log, &row));
    }
    p->n_dirty = 0;
    xg_err e = p->staging;
    if (e == XG_OK && (e = xg__turnlog_commit(p->log)) != XG_OK) {
        xg__error("journal: %s", xg__turnlog_last_error(p->log));
    }
    if (e == XG_OK && xg__turnlog_size(p->log) >= SEGMENT_BYTES &&
        (e = xg__turnlog_rotate(p->log)) != XG_OK) {
        xg__error("journal: %s", xg__turnlog_last_error(p->log));
    }
    return e;
}

uint64_t
xg__persist_written(const xg__persist *p)
{
    return p->log != NULL ? xg__turnlog_written_seq(p->log) : 0;
}

xg_err
xg__persist_durable(xg__persist *p, uint64_t *seq)
{
    *seq = 0;
    if (p->log == NULL) {
        return XG_OK;
    }
    xg_err e = xg__turnlog_durable_seq(p->log, seq);
    if (e != XG_OK) {
        xg__error("journal: %s", xg__turnlog_last_error(p->log));
    }
    return e;
}

int
xg__persist_wake_fd(const xg__persist *p)
{
    return p->log != NULL ? xg__turnlog_wake_fd(p->log) : -1;
}

void
xg__persist_wait_durable(xg__persist *p)
{
    if (p->log != NULL) {
        xg__turnlog_wait_durable(p->log);
    }
}
