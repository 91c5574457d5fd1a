/*
 * compactor.h - the turn log folded into the journal's SQLite store
 * (core-private).
 *
 * The loop writes each turn's records to the turn log (turnlog.h) and
 * nothing else; the store is where they end up, and what start-up reads
 * open orders from. Folding a stretch of log into the store is one SQLite
 * transaction holding the last snapshot of every order and attempt the
 * stretch touched (an order placed, sent and acknowledged in it is one
 * row, not three), together with the position folded to. Folding twice
 * is harmless: rows are snapshots, upserted by key.
 *
 * At start, xg__compactor_recover folds every whole frame on disk, cuts
 * a torn tail (a turn whose write a crash interrupted: its requests never
 * left), and removes the folded segments. Then a thread of this module
 * (xg__compactor_start) owns the store: it folds what the loop appends,
 * removes segments the loop has finished, checkpoints the store's WAL and
 * prunes old finished orders, so none of that holds up the loop.
 */
#ifndef XGATE_COMPACTOR_H
#define XGATE_COMPACTOR_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "journal.h"

typedef struct xg__compactor xg__compactor;

/*
 * Start-up, before the loop writes: fold every whole frame of the turn
 * log in dir into j from j's applied position, cut the last segment's
 * torn tail, make the store durable and remove the folded segments.
 * *next_segment and *next_seq receive where the writer continues. Fails
 * (err: one line naming the file) on a frame that is corrupt rather than
 * torn, a sequence that does not continue, or a torn segment that is not
 * the last: such a log is left as it is, for a human to look at.
 */
xg_err xg__compactor_recover(xg__journal *j, const char *dir,
                             xg__sync_mode mode, uint64_t *next_segment,
                             uint64_t *next_seq, char *err, size_t err_len);

/*
 * Start the thread that folds dir's turn log into j from now on. j is
 * taken: the thread owns it and closes it at xg__compactor_stop. zmq_ctx
 * (borrowed) carries the one message the loop sends it, stop. cfg is
 * borrowed for the compactor's life (journal_retention_s). err: one line.
 */
xg_err xg__compactor_start(xg__compactor **out, xg__journal *j, const char *dir,
                           const xg__config *cfg, void *zmq_ctx, char *err,
                           size_t err_len);

/* Fold what is left (call it after the writer's last commit), stop and
 * join the thread, close the journal. NULL-safe, sets *c to NULL. */
void xg__compactor_stop(xg__compactor **c);

#endif
