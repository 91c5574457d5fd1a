/*
 * persist.h - what the gateway writes to its journal (core-private):
 * marking orders changed, staging venue attempts, committing once per
 * loop turn.
 *
 * Every change to an order marks it; at the end of the turn the marked
 * records and the staged attempts go into one frame of the turn log
 * (turnlog.h), written with one write() (and one fdatasync in "full"
 * mode), and only then do the turn's requests leave the process
 * (gateway.c). A request therefore never leaves before the state it
 * depends on is durable, and a turn costs one write, not a database
 * transaction. The compactor's thread folds the log into the SQLite
 * store (compactor.h); reading the store back at start is recover.c's.
 */
#ifndef XGATE_PERSIST_H
#define XGATE_PERSIST_H

#include <stddef.h>
#include <stdint.h>

#include "compactor.h"
#include "config.h"
#include "journal.h"
#include "orders.h"
#include "turnlog.h"
#include "venue.h"

typedef struct xg__persist {
    xg__turnlog *log; /* NULL when the config turns the journal off */
    /* The store: held here from open until xg__persist_start hands it to
     * the compactor's thread (recover.c reads it in between). */
    xg__journal *journal;
    xg__compactor *compactor;
    uint32_t *dirty; /* slots changed this turn */
    size_t n_dirty;
    xg_err staging; /* the turn's first staging failure: its commit fails */
} xg__persist;

/* Open the journal named by cfg (nothing when cfg->journal is "off"): the
 * store, with every whole turn of the log folded into it, and a new
 * segment of the log to write. err receives one line on failure. */
xg_err xg__persist_open(xg__persist *p, const xg__config *cfg, char *err,
                        size_t err_len);

/* After recovery read the store: hand it to the compactor's thread.
 * zmq_ctx is borrowed for the thread's life. */
xg_err xg__persist_start(xg__persist *p, const xg__config *cfg, void *zmq_ctx,
                         char *err, size_t err_len);

/* Fold what is left and stop (after the last commit). */
void xg__persist_fini(xg__persist *p);

/* The order r in slot changed: write it with this turn's commit. */
void xg__persist_touch(xg__persist *p, xg__order_rec *r, uint32_t slot);

/* Stage r's current venue attempt (on the venue named venue) with state
 * (XG_ATTEMPT_UNSETTLED before it is sent, _EXISTS / _ABSENT once the
 * venue said). */
void xg__persist_attempt(xg__persist *p, const xg__order_rec *r,
                         const char *venue, int state, int64_t now_ms);

/* The same for r's attempt number `attempt`, which need not be its
 * current one (a cancel-replace's replacement, before it is). */
void xg__persist_attempt_of(xg__persist *p, const xg__order_rec *r,
                            uint8_t attempt, const char *venue, int state,
                            int64_t now_ms);

/* The journal record of fill, a trade of r on venue (a name) learned at
 * now_ms; check it with xg__journal_fill_invalid before staging it. */
void xg__persist_fill_record(const xg__order_rec *r, const char *venue,
                             const xg_fill *fill, int64_t now_ms,
                             xg__journal_fill *out);

/* The fill a journal record (one the journal read back) holds. */
void xg__persist_fill_of_record(const xg__journal_fill *rec, xg_fill *out);

/* Stage a fill record its strategy is being told of this turn: written
 * once, by its trade id (journal.h). It must be one the journal takes. */
void xg__persist_fill(xg__persist *p, const xg__journal_fill *f);

/* Write every changed order and commit the turn; venues name the orders'
 * venue indices. The turn's requests and replies may leave once frame
 * xg__persist_written is durable (xg__persist_durable). Logs its
 * failure. */
xg_err xg__persist_commit(xg__persist *p, xg__orders *orders,
                          const xg__venue *venues, int64_t now_ms);

/* The last frame committed (0: none, or no journal). */
uint64_t xg__persist_written(const xg__persist *p);

/* How far frames are durable: with journal "normal" (and "off") as far as
 * written; with "full" as far as the syncer thread has synced. XG_ERR_IO
 * once a sync failed (logged): the daemon must stop. */
xg_err xg__persist_durable(xg__persist *p, uint64_t *seq);

/* Readable when durable may have moved ("full"); -1 otherwise. */
int xg__persist_wake_fd(const xg__persist *p);

/* Block until every committed frame is durable (at shutdown). */
void xg__persist_wait_durable(xg__persist *p);

#endif
