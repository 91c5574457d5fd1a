/*
 * journal.h - the crash-safe order journal (core-private), an SQLite file
 * <dir>/journal.db in WAL mode.
 *
 * The gateway writes every order transition here before the request that
 * depends on it leaves the process. Writes of one event-loop turn are
 * staged into one transaction, begun lazily by the first put of the turn,
 * and made durable by one xg__journal_commit at the end of the turn. At
 * start-up the open orders and their venue attempts are read back for
 * reconciliation.
 *
 * Single-threaded: one journal is used by one thread. The file is locked
 * exclusively while open, so a second gateway on the same data directory
 * is refused (XG_ERR_BUSY) instead of corrupting the first one's ids.
 */
#ifndef XGATE_JOURNAL_H
#define XGATE_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "orders.h"
#include "protocol.h"
#include "xgate/decimal.h"
#include "xgate/error.h"
#include "xgate/order.h"
#include "xgate/stream.h"

/* Schema version kept in PRAGMA user_version. A file of an earlier
 * version is migrated when opened, one version at a time, each step in one
 * transaction with its version bump (2 added the orders' quote amount and
 * fee, 3 their replaced_exec, 4 the fills table, 5 an index of orders by
 * their last change); a later or unknown one is refused. */
#define XG_JOURNAL_SCHEMA_VERSION 5
/* PRAGMA application_id of every journal ("xgj1"): tells our file from any
 * other SQLite database that happens to be named journal.db. */
#define XG_JOURNAL_APP_ID  0x78676a31
#define XG_JOURNAL_ERR_MAX 256

/* Attempt states (xg__journal_attempt.state). */
#define XG_ATTEMPT_UNSETTLED 0 /* about to be sent or sent, not confirmed */
#define XG_ATTEMPT_EXISTS    1 /* the venue confirmed it holds the order */
#define XG_ATTEMPT_ABSENT    2 /* the venue confirmed it does not */

typedef struct xg__journal xg__journal;

typedef enum xg__sync_mode {
    XG_SYNC_NORMAL = 0, /* commits survive a crash of the process */
    XG_SYNC_FULL = 1    /* commits survive a crash of the machine */
} xg__sync_mode;

/* One order's durable state: a snapshot, upserted by gw_id. Every string is
 * NUL-terminated within its array. Plain value type. */
typedef struct xg__journal_order {
    char gw_id[XG_GW_ID_LEN + 1];
    char client_id[XG_CLIENT_ID_MAX];
    char strategy_id[XG_STRATEGY_ID_MAX];
    char symbol[XG_SYMBOL_MAX];
    xg_side side;
    xg_order_type type;
    xg_tif tif;
    xg_decimal qty, price; /* stored as units + scale, exactly */
    xg_order_status status;
    char venue[XG_VENUE_NAME_MAX]; /* current venue, "" none */
    char venue_client_id[XG_CLIENT_ID_MAX];
    char venue_order_id[XG_VENUE_ORDER_ID_MAX];
    xg_execution exec;
    /* What the venue orders this one replaced (cancel-replace) executed:
     * exec counts it, the current venue order's reports do not, so every
     * report adds it (xg__order_rec.replaced_exec). All zero, currency
     * "": nothing replaced. */
    xg_execution replaced_exec;
    uint8_t attempt;
    uint8_t cancel_requested;
    uint8_t requantize;
    char route[XG_MAX_ROUTE][XG_VENUE_NAME_MAX]; /* venue names, preference */
    uint8_t n_route;
    int64_t deadline_ms; /* wall ms; 0 none */
    int64_t updated_ms;  /* wall ms of the transition */
} xg__journal_order;

/* One venue attempt of an order: which id was (maybe) sent where, so that
 * recovery can ask every venue that may hold the order. Upserted by
 * (gw_id, attempt). */
typedef struct xg__journal_attempt {
    char gw_id[XG_GW_ID_LEN + 1];
    uint8_t attempt;
    char venue[XG_VENUE_NAME_MAX];
    char venue_client_id[XG_CLIENT_ID_MAX];
    int state; /* XG_ATTEMPT_UNSETTLED, _EXISTS or _ABSENT */
    int64_t updated_ms;
} xg__journal_attempt;

/* One fill of an order: a trade the venue reported under its own id.
 * Written once and never changed, so a fill the strategy was told of is
 * known after a restart and never told again. Keyed by (gw_id, venue,
 * trade_id): a venue's trade ids are unique within a symbol, and an order
 * has one symbol. Every string is NUL-terminated within its array. Plain
 * value type. */
typedef struct xg__journal_fill {
    char gw_id[XG_GW_ID_LEN + 1];
    char venue[XG_VENUE_NAME_MAX];
    char trade_id[XG_TRADE_ID_MAX];
    xg_decimal qty, price;
    xg_decimal fee; /* paid (positive) or rebated; "" currency: not said */
    char fee_currency[XG_CURRENCY_MAX];
    uint8_t liquidity;  /* xg_liquidity */
    int64_t time_ms;    /* the venue's trade time, epoch ms; 0: not said */
    int64_t updated_ms; /* wall ms when the gateway learned it */
} xg__journal_fill;

/* Why f cannot be stored, or NULL: a string unterminated, gw_id, venue or
 * trade_id empty, a scale above XG_DECIMAL_MAX_SCALE, qty not positive,
 * price negative, liquidity not an xg_liquidity. The journal, the turn
 * log's writer and its reader all hold fills to this. */
const char *xg__journal_fill_invalid(const xg__journal_fill *f);

/*
 * Open or create <dir>/journal.db. dir is created (mode 0700, its parent
 * must exist) if missing. The file is put in WAL mode with synchronous
 * NORMAL or FULL, locked exclusively, its schema version and application id
 * checked and PRAGMA quick_check run. A file that is corrupt, unreadable,
 * not SQLite or another schema is never truncated, recreated, checkpointed
 * into or otherwise written: the call fails and leaves it as it was.
 *
 * Returns XG_OK and a journal in *j (given: xg__journal_close), or with *j
 * NULL: XG_ERR_IO (directory or file cannot be created or read, not a
 * database, corrupt), XG_ERR_CONFIG (another schema or application, not a
 * directory), XG_ERR_BUSY (another process or connection has it open),
 * XG_ERR_NOMEM, XG_ERR_TRUNCATED (path too long), XG_ERR_INVALID. err
 * (err_len bytes, may be NULL) receives one line naming the path and what
 * is wrong.
 */
xg_err xg__journal_open(xg__journal **j, const char *dir, xg__sync_mode mode,
                        char *err, size_t err_len);

/* Close the journal, rolling back anything staged and not committed;
 * NULL-safe, sets *j to NULL. */
void xg__journal_close(xg__journal **j);

/* Tune the process's allocator for the journal; call once at start,
 * before any thread. SQLite takes and frees a block of ~180 KiB for each
 * commit, and glibc would give it back to the kernel every time (brk or
 * munmap, then page faults to take it again): two system calls and a page
 * fault storm per loop turn. Freed memory is kept instead; the gateway's
 * footprint is its peak anyway (sized by max_orders), and small. */
void xg__journal_keep_freed_memory(void);

/*
 * Stage the upsert of one order / one attempt in the current turn's
 * transaction, beginning it if none is open. Prepared statements, strings
 * bound without copying: no allocation of ours per call. o / a are borrowed
 * for the call.
 *
 * XG_ERR_INVALID if a string is not terminated within its array, a decimal
 * scale exceeds XG_DECIMAL_MAX_SCALE, a status, attempt state or n_route is
 * out of range, or gw_id is empty; nothing is staged and what was staged
 * before is kept. On an SQLite failure (XG_ERR_IO, XG_ERR_NOMEM, ...) the
 * whole turn is rolled back: has_staged becomes 0 and nothing of the turn
 * may be relied on. The message is in xg__journal_last_error.
 */
xg_err xg__journal_put_order(xg__journal *j, const xg__journal_order *o);
xg_err xg__journal_put_attempt(xg__journal *j, const xg__journal_attempt *a);

/* Stage the insert of one fill, as above, unless a fill of the same key
 * is stored already (then nothing changes: a fill is written once).
 * XG_ERR_INVALID for a fill xg__journal_fill_invalid refuses. */
xg_err xg__journal_put_fill(xg__journal *j, const xg__journal_fill *f);

/* Commit the turn's transaction; XG_OK at once if nothing is staged. After
 * XG_OK the staged records survive a crash of the process (NORMAL) or of
 * the machine (FULL). On failure the turn is rolled back (see above). May
 * include a WAL checkpoint when the log has grown past 1000 pages. */
xg_err xg__journal_commit(xg__journal *j);

/* 1 if a transaction with staged writes is open, else 0. */
int xg__journal_has_staged(const xg__journal *j);

/* WAL pages worth a checkpoint on an idle turn, and the most the WAL may
 * hold before one runs even under load (4 KiB pages: 4 MiB and 64 MiB). */
#define XG_JOURNAL_CKPT_IDLE_PAGES 1000
#define XG_JOURNAL_CKPT_MAX_PAGES  16000

/* Copy the WAL into the database file when due (see the limits above);
 * is_idle says the loop has nothing else to do. Not inside a turn's
 * transaction. */
xg_err xg__journal_checkpoint(xg__journal *j, int is_idle);

/* Called once per open order by xg__journal_load_open. o and attempts
 * (n_attempts records, ascending attempt number) are borrowed for the call.
 * It must not call into the journal. A result other than XG_OK stops the
 * load and is returned by it. */
typedef xg_err (*xg__journal_order_fn)(void *ctx, const xg__journal_order *o,
                                       const xg__journal_attempt *attempts,
                                       size_t n_attempts);

/* Start-up: call fn for every order whose status is not final (PENDING,
 * SENT, NEW, PARTIALLY_FILLED, UNKNOWN), in ascending gw_id order, with all
 * its attempts. Reads committed data; call it with nothing staged
 * (XG_ERR_BUSY otherwise). A stored row that does not fit the structs
 * (string too long, scale or status out of range) fails with XG_ERR_IO
 * naming the gw_id and column. */
xg_err xg__journal_load_open(xg__journal *j, xg__journal_order_fn fn,
                             void *ctx);

/* Start-up: call fn (with no attempts) for every order that reached a
 * final status with something filled within window_ms of the journal's
 * last change of any order, in ascending gw_id order: an order that ended
 * just before a crash may count a fill its strategy was never told of
 * (the stream's push of it had not come). Otherwise as
 * xg__journal_load_open. */
xg_err xg__journal_load_ended(xg__journal *j, int64_t window_ms,
                              xg__journal_order_fn fn, void *ctx);

/* Called once per fill by xg__journal_load_fills; f is borrowed for the
 * call, which must not call into the journal. */
typedef xg_err (*xg__journal_fill_fn)(void *ctx, const xg__journal_fill *f);

/* Start-up: call fn for every fill of the orders xg__journal_load_open
 * and xg__journal_load_ended (with the same window_ms) deliver, by gw_id,
 * then the fill's time and trade id. Reads committed data; call it with
 * nothing staged (XG_ERR_BUSY otherwise). A stored row that does not fit
 * the struct fails with XG_ERR_IO naming the gw_id and column. */
xg_err xg__journal_load_fills(xg__journal *j, int64_t window_ms,
                              xg__journal_fill_fn fn, void *ctx);

/* The largest gw_id ever committed, including pruned ones, or "" if none,
 * so ids stay unique across restarts. out holds XG_GW_ID_LEN + 1 bytes. */
xg_err xg__journal_last_gw_id(xg__journal *j, char out[XG_GW_ID_LEN + 1]);

/* Finished orders one prune deletes at most: a prune holds up the loop,
 * so its cost must not grow with the history waiting to be pruned. */
#define XG_JOURNAL_PRUNE_BATCH 2000

/* Housekeeping: delete the oldest (at most XG_JOURNAL_PRUNE_BATCH) final
 * orders last updated before cutoff_ms (wall ms), their attempts and their
 * fills, in
 * one transaction that also commits anything staged. *deleted (may be
 * NULL) receives the number of orders deleted. */
xg_err xg__journal_prune(xg__journal *j, int64_t cutoff_ms, size_t *deleted);

/* Scheduled pruning runs at most this often, unless the last prune was a
 * full batch (more is due: the next call prunes again). */
#define XG_JOURNAL_PRUNE_INTERVAL_MS 60000

/*
 * Scheduled pruning, cheap to call on every idle turn: when retention_ms
 * > 0, nothing is staged, and no prune was attempted through this call in
 * the XG_JOURNAL_PRUNE_INTERVAL_MS before now_ms (wall ms; a clock that
 * went back makes it due), prune the final orders last updated before
 * now_ms - retention_ms, as xg__journal_prune does. Open orders are never
 * deleted. A failed prune is retried only after the interval. *deleted
 * (may be NULL) receives the number of orders deleted, 0 when nothing was
 * due. Errors as xg__journal_prune; XG_ERR_INVALID for a negative
 * retention.
 */
xg_err xg__journal_housekeep(xg__journal *j, int64_t now_ms,
                             int64_t retention_ms, size_t *deleted);

/* How far the store has applied the turn log (turnlog.h): every frame
 * before `offset` of segment `segment` is in the store, and the next
 * frame carries sequence `next_seq`. A store that never saw a turn log
 * reads all zeros. */
typedef struct xg__journal_applied {
    uint64_t segment;
    uint64_t offset;
    uint64_t next_seq;
} xg__journal_applied;

/* Stage the applied position in the current transaction (beginning one
 * if none is open), so it commits atomically with the records applied. */
xg_err xg__journal_put_applied(xg__journal *j, const xg__journal_applied *a);

/* Read the committed applied position; call with nothing staged. A
 * stored value that is not a decimal number fails with XG_ERR_IO. */
xg_err xg__journal_get_applied(xg__journal *j, xg__journal_applied *out);

/* Copy the whole WAL into the database file and sync it: after XG_OK
 * everything committed survives a crash of the machine, so the turn log
 * segments it applied may be removed. Not inside a transaction. */
xg_err xg__journal_checkpoint_durable(xg__journal *j);

/* One line describing the last failure of a call on j ("" if none);
 * borrowed, valid until the next call on j. Never NULL. */
const char *xg__journal_last_error(const xg__journal *j);

#endif
