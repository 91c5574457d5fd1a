/*
 * persist.h - what the gateway writes to its journal (core-private):
 * marking orders changed, staging venue attempts, committing once per
 * loop turn, housekeeping.
 *
 * Every change to an order marks it; at the end of the turn the marked
 * records are written and committed in one transaction, and only then do
 * the turn's requests leave the process (gateway.c). A request therefore
 * never leaves before the state it depends on is durable, and throughput
 * costs one commit per turn, not per order. SQLite itself is journal.c's
 * business; reading the journal back at start is recover.c's.
 */
#ifndef XGATE_PERSIST_H
#define XGATE_PERSIST_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "journal.h"
#include "orders.h"
#include "venue.h"

typedef struct xg__persist {
    xg__journal *journal; /* NULL when the config turns it off */
    uint32_t *dirty;      /* slots changed this turn */
    size_t n_dirty;
} xg__persist;

/* Open the journal named by cfg (nothing when cfg->journal is "off").
 * err receives one line on failure. */
xg_err xg__persist_init(xg__persist *p, const xg__config *cfg, char *err,
                        size_t err_len);
void xg__persist_fini(xg__persist *p);

/* The order r in slot changed: write it with this turn's commit. */
void xg__persist_touch(xg__persist *p, xg__order_rec *r, uint32_t slot);

/* Stage r's current venue attempt (on the venue named venue) with state
 * (XG_ATTEMPT_UNSETTLED before it is sent, _EXISTS / _ABSENT once the
 * venue said). */
void xg__persist_attempt(xg__persist *p, const xg__order_rec *r,
                         const char *venue, int state, int64_t now_ms);

/* Write every changed order and commit the turn; venues name the orders'
 * venue indices. Until this returns XG_OK no request of the turn may
 * leave the process. Logs its failure. */
xg_err xg__persist_commit(xg__persist *p, xg__orders *orders,
                          const xg__venue *venues, int64_t now_ms);

/* Idle-turn housekeeping: a due WAL checkpoint, and pruning final orders
 * older than cfg->journal_retention_s, at most once a minute (see
 * xg__journal_housekeep). Cheap when nothing is due; call it when a turn
 * had nothing to do, with nothing staged. Logs what it did or why it
 * failed; a failure leaves the journal as it was and is retried later. */
void xg__persist_housekeeping(xg__persist *p, const xg__config *cfg,
                              int64_t now_ms);

/* A busy turn's checkpoint: only when the WAL passed its maximum. */
void xg__persist_checkpoint_busy(xg__persist *p);

#endif
