/*
 * journal_int.h - what the journal's two files share (core-private,
 * included only by core/journal.c and core/journal_read.c): the
 * connection with its prepared statements, and the helpers that record a
 * failure's one-line message. journal.c opens, validates and writes the
 * file; journal_read.c reads it back.
 */
#ifndef XGATE_JOURNAL_INT_H
#define XGATE_JOURNAL_INT_H

#include <stdint.h>

#include <sqlite3.h>

#include "journal.h"

#define XG_JOURNAL_PATH_MAX 4096
/* attempt is a uint8_t, so an order has at most 256 attempts. */
#define XG_JOURNAL_MAX_ATTEMPTS 256

struct xg__journal {
    sqlite3 *db;
    sqlite3_stmt *begin, *commit, *rollback;
    sqlite3_stmt *put_order, *put_attempt, *put_fill;
    sqlite3_stmt *load_orders, *load_ended, *load_attempts, *load_fills;
    sqlite3_stmt *last_gw_id;
    int in_txn;
    int wal_pages;     /* pages in the WAL since the last checkpoint */
    int has_pruned;    /* xg__journal_housekeep ran a prune */
    int64_t pruned_ms; /* when it last did, wall ms */
    char path[XG_JOURNAL_PATH_MAX];
    char err[XG_JOURNAL_ERR_MAX];
    /* load_open scratch: one order's attempts */
    xg__journal_attempt attempts[XG_JOURNAL_MAX_ATTEMPTS];
};

/* The meta keys of the turn log's applied position (segment, offset,
 * next_seq), in that order (xg__journal_applied). */
extern const char *const xg__journal_applied_keys[3];

/* The one-line message of the last failure; a path of up to 4095 bytes may
 * be cut, which is fine for a message. */
__attribute__((format(printf, 2, 3))) void
xg__journal_set_err(xg__journal *j, const char *fmt, ...);

/* Record an SQLite failure as "<path>: <what>: <sqlite message>"; returns
 * rc mapped to an xg_err (XG_ERR_BUSY when another process holds the file,
 * XG_ERR_IO for damage and I/O). */
xg_err xg__journal_fail_sql(xg__journal *j, int rc, const char *what);

/* Record "<path>: <what>" and return e. */
xg_err xg__journal_fail_msg(xg__journal *j, xg_err e, const char *what);

#endif
