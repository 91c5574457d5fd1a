/*
 * journal.c - the crash-safe order journal: one SQLite file in WAL mode.
 *
 * It owns the file <dir>/journal.db, its connection and its prepared
 * statements. It stores order snapshots and venue attempts as the gateway
 * hands them over and gives them back at start-up; what a transition means
 * and when to commit (once per loop turn, before the dependent requests
 * leave) is the gateway's decision. This file opens and validates the
 * file and writes to it; reading the rows back (xg__journal_load_open,
 * xg__journal_last_gw_id) is journal_read.c, and the two share the
 * connection through journal_int.h.
 *
 * Transactions: the first put of a turn begins one (deferred BEGIN: the
 * connection already holds the exclusive lock), commit ends it. Any SQLite
 * failure rolls the whole turn back, so the caller has one simple rule:
 * nothing of a turn whose commit did not return XG_OK is durable.
 *
 * A file we did not validate is never written: the connection opens with
 * checkpoint-on-close disabled and only enables it once the file proved to
 * be a healthy journal of our schema, so a refused file (and any WAL beside
 * it) is left exactly as found, for a human to inspect.
 */
#include "journal.h"

#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <sqlite3.h>

#include "journal_int.h"

#define JOURNAL_FILE "journal.db"

/* Statuses that are final (xg_order_status_is_final), as SQL. */
#define FINAL_SQL "(5, 6, 7, 8)"

/* The columns schema version 2 added to orders: an order's quote amount
 * and fee (xg_execution). Defaults, so that version 1's rows read as
 * "not said". */
#define COL_QUOTE_UNITS  "quote_units INTEGER NOT NULL DEFAULT 0"
#define COL_QUOTE_SCALE  "quote_scale INTEGER NOT NULL DEFAULT 0"
#define COL_FEE_UNITS    "fee_units INTEGER NOT NULL DEFAULT 0"
#define COL_FEE_SCALE    "fee_scale INTEGER NOT NULL DEFAULT 0"
#define COL_FEE_CURRENCY "fee_currency TEXT NOT NULL DEFAULT ''"
#define EXEC_COLS_SQL                                                          \
    " " COL_QUOTE_UNITS ", " COL_QUOTE_SCALE ", " COL_FEE_UNITS                \
    ", " COL_FEE_SCALE ", " COL_FEE_CURRENCY

/* The columns schema version 3 added to orders: what the venue orders an
 * order replaced (cancel-replace) executed (replaced_exec). Defaults, so
 * that earlier versions' rows read as "nothing replaced". */
#define COL_REPLACED_FILLED_UNITS                                              \
    "replaced_filled_units INTEGER NOT NULL DEFAULT 0"
#define COL_REPLACED_FILLED_SCALE                                              \
    "replaced_filled_scale INTEGER NOT NULL DEFAULT 0"
#define COL_REPLACED_QUOTE_UNITS                                               \
    "replaced_quote_units INTEGER NOT NULL DEFAULT 0"
#define COL_REPLACED_QUOTE_SCALE                                               \
    "replaced_quote_scale INTEGER NOT NULL DEFAULT 0"
#define COL_REPLACED_FEE_UNITS "replaced_fee_units INTEGER NOT NULL DEFAULT 0"
#define COL_REPLACED_FEE_SCALE "replaced_fee_scale INTEGER NOT NULL DEFAULT 0"
#define COL_REPLACED_FEE_CURRENCY                                              \
    "replaced_fee_currency TEXT NOT NULL DEFAULT ''"
#define REPLACED_COLS_SQL                                                      \
    " " COL_REPLACED_FILLED_UNITS ", " COL_REPLACED_FILLED_SCALE               \
    ", " COL_REPLACED_QUOTE_UNITS ", " COL_REPLACED_QUOTE_SCALE                \
    ", " COL_REPLACED_FEE_UNITS ", " COL_REPLACED_FEE_SCALE                    \
    ", " COL_REPLACED_FEE_CURRENCY

/* Version 1 to 2 and 2 to 3, each in one transaction with its version
 * bump: a failed step leaves the file at the version it had. */
#define ADD_ORDER_COL "ALTER TABLE orders ADD COLUMN "
static const char migrate_v1_sql[] =
    "BEGIN IMMEDIATE;" ADD_ORDER_COL COL_QUOTE_UNITS
    ";" ADD_ORDER_COL COL_QUOTE_SCALE ";" ADD_ORDER_COL COL_FEE_UNITS
    ";" ADD_ORDER_COL COL_FEE_SCALE ";" ADD_ORDER_COL COL_FEE_CURRENCY ";"
    " PRAGMA user_version=2; COMMIT;";
static const char migrate_v2_sql[] =
    "BEGIN IMMEDIATE;" ADD_ORDER_COL COL_REPLACED_FILLED_UNITS
    ";" ADD_ORDER_COL COL_REPLACED_FILLED_SCALE
    ";" ADD_ORDER_COL COL_REPLACED_QUOTE_UNITS
    ";" ADD_ORDER_COL COL_REPLACED_QUOTE_SCALE
    ";" ADD_ORDER_COL COL_REPLACED_FEE_UNITS
    ";" ADD_ORDER_COL COL_REPLACED_FEE_SCALE
    ";" ADD_ORDER_COL COL_REPLACED_FEE_CURRENCY ";"
    " PRAGMA user_version=3; COMMIT;";
/* Version 4: the fills table (below). */
#define FILLS_TABLE_SQL                                                        \
    "CREATE TABLE fills ("                                                     \
    " gw_id TEXT NOT NULL, venue TEXT NOT NULL, trade_id TEXT NOT NULL,"       \
    " qty_units INTEGER NOT NULL, qty_scale INTEGER NOT NULL,"                 \
    " price_units INTEGER NOT NULL, price_scale INTEGER NOT NULL,"             \
    " fee_units INTEGER NOT NULL, fee_scale INTEGER NOT NULL,"                 \
    " fee_currency TEXT NOT NULL, liquidity INTEGER NOT NULL,"                 \
    " time_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,"                  \
    " PRIMARY KEY (gw_id, venue, trade_id)"                                    \
    ") STRICT, WITHOUT ROWID;"
static const char migrate_v3_sql[] =
    "BEGIN IMMEDIATE;" FILLS_TABLE_SQL " PRAGMA user_version=4; COMMIT;";
/* Version 5: orders by their last change, for the orders that ended just
 * before a restart (load_ended_sql). */
#define ORDERS_UPDATED_INDEX_SQL                                               \
    "CREATE INDEX orders_updated ON orders(updated_ms);"
static const char migrate_v4_sql[] = "BEGIN IMMEDIATE;" ORDERS_UPDATED_INDEX_SQL
                                     " PRAGMA user_version=5; COMMIT;";
/* The step from version n + 1, at index n. */
static const char *const migrate_sql[] = {migrate_v1_sql, migrate_v2_sql,
                                          migrate_v3_sql, migrate_v4_sql};
_Static_assert(sizeof migrate_sql / sizeof migrate_sql[0] ==
                   XG_JOURNAL_SCHEMA_VERSION - 1,
               "one migration step to each schema version after 1");

static const char schema_sql[] =
    "CREATE TABLE orders ("
    " gw_id TEXT PRIMARY KEY NOT NULL,"
    " client_id TEXT NOT NULL, strategy_id TEXT NOT NULL,"
    " symbol TEXT NOT NULL,"
    " side INTEGER NOT NULL, type INTEGER NOT NULL, tif INTEGER NOT NULL,"
    " qty_units INTEGER NOT NULL, qty_scale INTEGER NOT NULL,"
    " price_units INTEGER NOT NULL, price_scale INTEGER NOT NULL,"
    " status INTEGER NOT NULL,"
    " venue TEXT NOT NULL, venue_client_id TEXT NOT NULL,"
    " venue_order_id TEXT NOT NULL,"
    " filled_units INTEGER NOT NULL, filled_scale INTEGER NOT NULL,"
    " attempt INTEGER NOT NULL, cancel_requested INTEGER NOT NULL,"
    " requantize INTEGER NOT NULL, n_route INTEGER NOT NULL,"
    " route0 TEXT NOT NULL, route1 TEXT NOT NULL, route2 TEXT NOT NULL,"
    " route3 TEXT NOT NULL,"
    " deadline_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL," EXEC_COLS_SQL
    "," REPLACED_COLS_SQL ") STRICT, WITHOUT ROWID;"
    /* Start-up reads only open orders; the partial index keeps that read
     * proportional to them, not to the history. */
    "CREATE INDEX orders_open ON orders(gw_id)"
    " WHERE status NOT IN " FINAL_SQL ";" ORDERS_UPDATED_INDEX_SQL
    "CREATE TABLE attempts ("
    " gw_id TEXT NOT NULL, attempt INTEGER NOT NULL,"
    " venue TEXT NOT NULL, venue_client_id TEXT NOT NULL,"
    " state INTEGER NOT NULL, updated_ms INTEGER NOT NULL,"
    " PRIMARY KEY (gw_id, attempt)"
    ") STRICT, WITHOUT ROWID;"
    /* Each fill once, by its venue's trade id: its key is the order's
     * gw_id first, so an order's fills are read and pruned by range. */
    FILLS_TABLE_SQL
    /* Largest gw_id that prune removed, so last_gw_id never goes back. */
    "CREATE TABLE meta ("
    " key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL"
    ") STRICT, WITHOUT ROWID;";

#define ORDER_COLS                                                             \
    "gw_id, client_id, strategy_id, symbol, side, type, tif,"                  \
    " qty_units, qty_scale, price_units, price_scale, status,"                 \
    " venue, venue_client_id, venue_order_id, filled_units, filled_scale,"     \
    " attempt, cancel_requested, requantize, n_route,"                         \
    " route0, route1, route2, route3, deadline_ms, updated_ms,"                \
    " quote_units, quote_scale, fee_units, fee_scale, fee_currency,"           \
    " replaced_filled_units, replaced_filled_scale, replaced_quote_units,"     \
    " replaced_quote_scale, replaced_fee_units, replaced_fee_scale,"           \
    " replaced_fee_currency"

static const char put_order_sql[] =
    "INSERT OR REPLACE INTO orders (" ORDER_COLS ") VALUES (?1, ?2, ?3, ?4,"
    " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,"
    " ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33,"
    " ?34, ?35, ?36, ?37, ?38, ?39)";

static const char put_attempt_sql[] =
    "INSERT OR REPLACE INTO attempts (gw_id, attempt, venue,"
    " venue_client_id, state, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

#define FILL_COLS                                                              \
    "gw_id, venue, trade_id, qty_units, qty_scale, price_units, price_scale,"  \
    " fee_units, fee_scale, fee_currency, liquidity, time_ms, updated_ms"

static const char put_fill_sql[] =
    "INSERT OR IGNORE INTO fills (" FILL_COLS ") VALUES (?1, ?2, ?3, ?4, ?5,"
    " ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";

/* The orders that ended with something filled within ?1 ms of the
 * journal's last change (xg__journal_load_ended). */
#define ENDED_SQL                                                              \
    " status IN " FINAL_SQL " AND filled_units > 0 AND updated_ms >="          \
    " (SELECT max(updated_ms) FROM orders) - ?1"

static const char load_fills_sql[] =
    "SELECT " FILL_COLS " FROM fills WHERE gw_id IN (SELECT gw_id FROM orders"
    " WHERE status NOT IN " FINAL_SQL " OR (" ENDED_SQL "))"
    " ORDER BY gw_id, time_ms, trade_id";

static const char load_orders_sql[] =
    "SELECT " ORDER_COLS " FROM orders"
    " WHERE status NOT IN " FINAL_SQL " ORDER BY gw_id";

static const char load_ended_sql[] =
    "SELECT " ORDER_COLS " FROM orders WHERE" ENDED_SQL " ORDER BY gw_id";

static const char load_attempts_sql[] =
    "SELECT gw_id, attempt, venue, venue_client_id, state, updated_ms"
    " FROM attempts WHERE gw_id = ?1 ORDER BY attempt";

static const char last_gw_id_sql[] =
    "SELECT max(g) FROM (SELECT max(gw_id) AS g FROM orders"
    " UNION ALL SELECT value FROM meta WHERE key = 'max_pruned_gw_id')";

void
xg__journal_keep_freed_memory(void)
{
    mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
}

/* ---- errors ---------------------------------------------------------- */

__attribute__((format(printf, 2, 3))) void
xg__journal_set_err(xg__journal *j, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(j->err, sizeof j->err, fmt, ap);
    va_end(ap);
}

static xg_err
map_rc(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
        return XG_OK;
    case SQLITE_NOMEM:
        return XG_ERR_NOMEM;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return XG_ERR_BUSY;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
        return XG_ERR_INVALID;
    case SQLITE_MISUSE:
    case SQLITE_INTERNAL:
        return XG_ERR_INTERNAL;
    default:
        /* IOERR, FULL, CORRUPT, NOTADB, CANTOPEN, READONLY, PERM, ... */
        return XG_ERR_IO;
    }
}

xg_err
xg__journal_fail_sql(xg__journal *j, int rc, const char *what)
{
    const char *msg =
        j->db != NULL ? sqlite3_errmsg(j->db) : sqlite3_errstr(rc);
    if ((rc & 0xff) == SQLITE_BUSY) {
        xg__journal_set_err(j, "%s: %s: in use by another process (%s)",
                            j->path, what, msg);
    } else {
        xg__journal_set_err(j, "%s: %s: %s", j->path, what, msg);
    }
    return map_rc(rc);
}

xg_err
xg__journal_fail_msg(xg__journal *j, xg_err e, const char *what)
{
    xg__journal_set_err(j, "%s: %s", j->path, what);
    return e;
}

/* ---- transactions ---------------------------------------------------- */

static int
step_reset(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? SQLITE_DONE : rc;
}

/* Throw the turn away; SQLite may already have done so after an I/O
 * error, in which case there is nothing left to roll back. */
static void
rollback_turn(xg__journal *j)
{
    if (j->in_txn && !sqlite3_get_autocommit(j->db)) {
        (void)step_reset(j->rollback);
    }
    j->in_txn = 0;
}

static xg_err
begin_turn(xg__journal *j)
{
    if (j->in_txn) {
        return XG_OK;
    }
    int rc = step_reset(j->begin);
    if (rc != SQLITE_DONE) {
        return xg__journal_fail_sql(j, rc, "begin");
    }
    j->in_txn = 1;
    return XG_OK;
}

/* A staged statement failed: report it and drop the whole turn. */
static xg_err
fail_turn(xg__journal *j, int rc, const char *what)
{
    xg_err e = xg__journal_fail_sql(j, rc, what);
    rollback_turn(j);
    return e;
}

/* ---- open ------------------------------------------------------------ */

static xg_err
ensure_dir(xg__journal *j, const char *dir)
{
    struct stat st;
    if (mkdir(dir, 0700) == 0) {
        return XG_OK;
    }
    int e = errno;
    if (e == EEXIST) {
        if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
            return XG_OK;
        }
        xg__journal_set_err(
            j, "%s: journal directory exists and is not a directory", dir);
        return XG_ERR_CONFIG;
    }
    xg__journal_set_err(j, "%s: cannot create journal directory: %s", dir,
                        strerror(e));
    return XG_ERR_IO;
}

/* One integer from a PRAGMA or query. */
static int
query_int(sqlite3 *db, const char *sql, int64_t *out)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        return rc;
    }
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(st, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

/* One text from a PRAGMA (first row), copied into out. */
static int
query_text(sqlite3 *db, const char *sql, char *out, size_t out_len)
{
    sqlite3_stmt *st = NULL;
    out[0] = '\0';
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        return rc;
    }
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        snprintf(out, out_len, "%s", t != NULL ? (const char *)t : "");
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

/* Is the file a journal of our schema (or a brand-new empty database)?
 * Reads only; nothing is written before this says yes. */
static xg_err
check_identity(xg__journal *j, int *is_fresh, int64_t *version_out)
{
    int64_t app_id = 0, version = 0, n_objects = 0;
    int rc = query_int(j->db, "PRAGMA application_id", &app_id);
    if (rc == SQLITE_OK) {
        rc = query_int(j->db, "PRAGMA user_version", &version);
    }
    if (rc == SQLITE_OK) {
        rc = query_int(j->db, "SELECT count(*) FROM sqlite_master", &n_objects);
    }
    if (rc != SQLITE_OK) {
        return xg__journal_fail_sql(j, rc, "cannot read");
    }
    *is_fresh = app_id == 0 && version == 0 && n_objects == 0;
    if (*is_fresh) {
        return XG_OK;
    }
    if (app_id != XG_JOURNAL_APP_ID) {
        xg__journal_set_err(j,
                            "%s: not an xgate journal (application_id 0x%08llx,"
                            " %lld schema objects); refusing to touch it",
                            j->path, (unsigned long long)(uint32_t)app_id,
                            (long long)n_objects);
        return XG_ERR_CONFIG;
    }
    if (version < 1 || version > XG_JOURNAL_SCHEMA_VERSION) {
        xg__journal_set_err(
            j,
            "%s: journal schema version %lld, this build reads 1 to %d;"
            " refusing to touch it",
            j->path, (long long)version, XG_JOURNAL_SCHEMA_VERSION);
        return XG_ERR_CONFIG;
    }
    *version_out = version;
    return XG_OK;
}

/* Bring a journal of an earlier schema version (1 or more, as
 * check_identity made sure) up to this one, a version at a time. */
static xg_err
migrate(xg__journal *j, int64_t version)
{
    for (int v = (int)version; v < XG_JOURNAL_SCHEMA_VERSION; v++) {
        int rc = sqlite3_exec(j->db, migrate_sql[v - 1], NULL, NULL, NULL);
        if (rc != SQLITE_OK) {
            char what[64];
            snprintf(what, sizeof what, "cannot migrate schema %d to %d", v,
                     v + 1);
            xg_err e = xg__journal_fail_sql(j, rc, what);
            (void)sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
            return e;
        }
    }
    return XG_OK;
}

static xg_err
check_integrity(xg__journal *j)
{
    char res[160];
    int rc = query_text(j->db, "PRAGMA quick_check(1)", res, sizeof res);
    if (rc != SQLITE_OK) {
        return xg__journal_fail_sql(j, rc, "corrupt (quick_check failed)");
    }
    if (strcmp(res, "ok") != 0) {
        /* quick_check's findings may span lines; keep the message one. */
        for (char *p = res; *p != '\0'; p++) {
            if (*p == '\n' || *p == '\r') {
                *p = ' ';
            }
        }
        xg__journal_set_err(j, "%s: corrupt (quick_check: %s)", j->path, res);
        return XG_ERR_IO;
    }
    return XG_OK;
}

static int
on_wal_commit(void *ctx, sqlite3 *db, const char *name, int pages)
{
    (void)db;
    (void)name;
    ((xg__journal *)ctx)->wal_pages = pages;
    return SQLITE_OK;
}

static xg_err
set_modes(xg__journal *j, xg__sync_mode mode)
{
    char res[16];
    int rc = query_text(j->db, "PRAGMA journal_mode=WAL", res, sizeof res);
    if (rc != SQLITE_OK) {
        return xg__journal_fail_sql(j, rc, "cannot enable WAL");
    }
    if (strcmp(res, "wal") != 0) {
        return xg__journal_fail_msg(j, XG_ERR_IO,
                                    "cannot enable WAL (journal mode stays"
                                    " as it was)");
    }
    rc = sqlite3_exec(j->db,
                      mode == XG_SYNC_FULL ? "PRAGMA synchronous=FULL"
                                           : "PRAGMA synchronous=NORMAL",
                      NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        return xg__journal_fail_sql(j, rc, "cannot set synchronous");
    }
    /* SQLite's automatic checkpoint runs inside a commit and stalls it for
     * milliseconds; the gateway checkpoints itself when the loop is idle
     * (xg__journal_checkpoint), so commits on the order path stay short. */
    sqlite3_wal_autocheckpoint(j->db, 0);
    sqlite3_wal_hook(j->db, on_wal_commit, j);
    return XG_OK;
}

/* Finished orders by age, for pruning: without it each prune reads the
 * whole history, a stall of the loop that grows with the retention.
 * Partial, so open orders (the hot rows) pay nothing for it; created here
 * rather than in schema_sql so that journals made before it get it too. */
static const char age_index_sql[] =
    "CREATE INDEX IF NOT EXISTS orders_final_age ON orders(updated_ms)"
    " WHERE status IN " FINAL_SQL ";";

static xg_err
create_age_index(xg__journal *j)
{
    int rc = sqlite3_exec(j->db, age_index_sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? XG_OK
                           : xg__journal_fail_sql(j, rc, "cannot index");
}

static xg_err
create_schema(xg__journal *j)
{
    char sql[sizeof schema_sql + 128];
    /* The pragmas are transactional: a crash while creating leaves either
     * an empty file (created again next time) or a complete journal. */
    snprintf(sql, sizeof sql,
             "BEGIN IMMEDIATE; %s PRAGMA application_id=%d;"
             " PRAGMA user_version=%d; COMMIT;",
             schema_sql, XG_JOURNAL_APP_ID, XG_JOURNAL_SCHEMA_VERSION);
    int rc = sqlite3_exec(j->db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        xg_err e = xg__journal_fail_sql(j, rc, "cannot create schema");
        (void)sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
        return e;
    }
    return XG_OK;
}

static xg_err
prepare_all(xg__journal *j)
{
    struct {
        sqlite3_stmt **st;
        const char *sql;
    } list[] = {
        {&j->begin, "BEGIN"},
        {&j->commit, "COMMIT"},
        {&j->rollback, "ROLLBACK"},
        {&j->put_order, put_order_sql},
        {&j->put_attempt, put_attempt_sql},
        {&j->put_fill, put_fill_sql},
        {&j->load_orders, load_orders_sql},
        {&j->load_ended, load_ended_sql},
        {&j->load_fills, load_fills_sql},
        {&j->load_attempts, load_attempts_sql},
        {&j->last_gw_id, last_gw_id_sql},
    };
    for (size_t i = 0; i < sizeof list / sizeof list[0]; i++) {
        int rc =
            sqlite3_prepare_v3(j->db, list[i].sql, -1,
                               SQLITE_PREPARE_PERSISTENT, list[i].st, NULL);
        if (rc != SQLITE_OK) {
            /* Right id and version but wrong tables: hand-made or damaged
             * in a way quick_check does not see. */
            xg_err e = xg__journal_fail_sql(
                j, rc, "schema does not match the journal's");
            return e == XG_ERR_IO || e == XG_ERR_INVALID ? XG_ERR_CONFIG : e;
        }
    }
    return XG_OK;
}

static void
finalize_all(xg__journal *j)
{
    sqlite3_stmt **list[] = {&j->begin,         &j->commit,      &j->rollback,
                             &j->put_order,     &j->put_attempt, &j->put_fill,
                             &j->load_orders,   &j->load_ended,  &j->load_fills,
                             &j->load_attempts, &j->last_gw_id};
    for (size_t i = 0; i < sizeof list / sizeof list[0]; i++) {
        sqlite3_finalize(*list[i]);
        *list[i] = NULL;
    }
}

/* Open the connection to an existing or new file; reads nothing yet. */
static int
has_sqlite_header(const char *path)
{
    static const char magic[16] = "SQLite format 3";
    char head[16];
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return 0;
    }
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    return n == sizeof head && memcmp(head, magic, sizeof magic) == 0;
}

static xg_err
connect_file(xg__journal *j)
{
    struct stat st;
    int exists = stat(j->path, &st) == 0;
    if (!exists && errno != ENOENT) {
        xg__journal_set_err(j, "%s: cannot stat: %s", j->path, strerror(errno));
        return XG_ERR_IO;
    }
    if (exists && !S_ISREG(st.st_mode)) {
        return xg__journal_fail_msg(j, XG_ERR_CONFIG,
                                    "exists and is not a regular file");
    }
    /* SQLite reads page 1 from a WAL when it has a newer copy, so a damaged
     * header would be quietly replaced at the next checkpoint. Check the
     * file's own header first: damage stops start-up instead. */
    if (exists && st.st_size > 0 && !has_sqlite_header(j->path)) {
        return xg__journal_fail_msg(
            j, XG_ERR_IO, "file is not a database (no SQLite header)");
    }
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    if (!exists) {
        flags |= SQLITE_OPEN_CREATE;
    }
    int rc = sqlite3_open_v2(j->path, &j->db, flags, NULL);
    if (rc != SQLITE_OK) {
        return xg__journal_fail_sql(j, rc, "cannot open");
    }
    sqlite3_extended_result_codes(j->db, 1);
    /* Until the file is validated, closing must not checkpoint a WAL into
     * it. DEFENSIVE refuses writable_schema and similar foot-guns. */
    rc = sqlite3_db_config(j->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1,
                           (int *)NULL);
    if (rc == SQLITE_OK) {
        rc =
            sqlite3_db_config(j->db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
    }
    if (rc != SQLITE_OK) {
        return xg__journal_fail_sql(j, rc, "cannot configure");
    }
    if (sqlite3_db_readonly(j->db, "main") == 1) {
        return xg__journal_fail_msg(j, XG_ERR_IO,
                                    "cannot open for writing (read-only)");
    }
    /* Exclusive locking: the WAL index lives in our heap (no -shm file),
     * and a second process opening the journal gets SQLITE_BUSY. */
    rc = sqlite3_exec(j->db, "PRAGMA locking_mode=EXCLUSIVE", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        return xg__journal_fail_sql(j, rc, "cannot lock");
    }
    return XG_OK;
}

xg_err
xg__journal_open(xg__journal **out, const char *dir, xg__sync_mode mode,
                 char *err, size_t err_len)
{
    *out = NULL;
    if (err != NULL && err_len > 0) {
        err[0] = '\0';
    }
    if (dir == NULL || dir[0] == '\0' ||
        (mode != XG_SYNC_NORMAL && mode != XG_SYNC_FULL)) {
        if (err != NULL && err_len > 0) {
            snprintf(err, err_len, "journal: no directory or bad sync mode");
        }
        return XG_ERR_INVALID;
    }
    xg__journal *j = calloc(1, sizeof *j);
    if (j == NULL) {
        if (err != NULL && err_len > 0) {
            snprintf(err, err_len, "%s: journal: out of memory", dir);
        }
        return XG_ERR_NOMEM;
    }
    int fresh = 0;
    int64_t version = 0;
    xg_err e = ensure_dir(j, dir);
    if (e != XG_OK) {
        goto fail;
    }
    int n = snprintf(j->path, sizeof j->path, "%s/%s", dir, JOURNAL_FILE);
    if (n < 0 || (size_t)n >= sizeof j->path) {
        xg__journal_set_err(j, "%.200s...: journal path too long", dir);
        e = XG_ERR_TRUNCATED;
        goto fail;
    }
    if ((e = connect_file(j)) != XG_OK ||
        (e = check_identity(j, &fresh, &version)) != XG_OK ||
        (e = check_integrity(j)) != XG_OK ||
        (e = set_modes(j, mode)) != XG_OK ||
        (fresh && (e = create_schema(j)) != XG_OK) ||
        (!fresh && (e = migrate(j, version)) != XG_OK) ||
        (e = create_age_index(j)) != XG_OK || (e = prepare_all(j)) != XG_OK) {
        goto fail;
    }
    /* Validated: a clean close may now fold the WAL back into the file. */
    sqlite3_db_config(j->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, (int *)NULL);
    *out = j;
    return XG_OK;

fail:
    if (err != NULL && err_len > 0) {
        snprintf(err, err_len, "%s", j->err);
    }
    finalize_all(j);
    sqlite3_close(j->db);
    free(j);
    return e;
}

void
xg__journal_close(xg__journal **jp)
{
    xg__journal *j = *jp;
    if (j == NULL) {
        return;
    }
    rollback_turn(j);
    finalize_all(j);
    sqlite3_close(j->db);
    free(j);
    *jp = NULL;
}

/* ---- staging ----------------------------------------------------------- */

static int
is_str(const char *s, size_t cap)
{
    return memchr(s, '\0', cap) != NULL;
}

static int
is_decimal_ok(xg_decimal d)
{
    return d.scale <= XG_DECIMAL_MAX_SCALE;
}

static int
is_status_ok(int64_t s)
{
    return s >= XG_STATUS_PENDING && s <= XG_STATUS_UNKNOWN;
}

/* Why an order's execution (exec or replaced_exec) cannot be stored, or
 * NULL. */
static const char *
exec_invalid(const xg_execution *e)
{
    if (!is_decimal_ok(e->filled_qty) || !is_decimal_ok(e->filled_quote) ||
        !is_decimal_ok(e->fee)) {
        return "decimal scale";
    }
    if (!is_str(e->fee_currency, sizeof e->fee_currency)) {
        return "unterminated string";
    }
    return NULL;
}

static const char *
order_invalid(const xg__journal_order *o)
{
    if (!is_str(o->gw_id, sizeof o->gw_id) || o->gw_id[0] == '\0') {
        return "gw_id";
    }
    if (!is_str(o->client_id, sizeof o->client_id) ||
        !is_str(o->strategy_id, sizeof o->strategy_id) ||
        !is_str(o->symbol, sizeof o->symbol) ||
        !is_str(o->venue, sizeof o->venue) ||
        !is_str(o->venue_client_id, sizeof o->venue_client_id) ||
        !is_str(o->venue_order_id, sizeof o->venue_order_id)) {
        return "unterminated string";
    }
    if (!is_decimal_ok(o->qty) || !is_decimal_ok(o->price)) {
        return "decimal scale";
    }
    const char *bad = exec_invalid(&o->exec);
    if (bad == NULL) {
        bad = exec_invalid(&o->replaced_exec);
    }
    if (bad != NULL) {
        return bad;
    }
    if (!is_status_ok(o->status)) {
        return "status";
    }
    if (o->n_route > XG_MAX_ROUTE) {
        return "n_route";
    }
    for (size_t i = 0; i < o->n_route; i++) {
        if (!is_str(o->route[i], sizeof o->route[i])) {
            return "route";
        }
    }
    return NULL;
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
    /* SQLITE_STATIC: the caller's struct outlives the step; no copy. */
    sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

xg_err
xg__journal_put_order(xg__journal *j, const xg__journal_order *o)
{
    const char *bad = order_invalid(o);
    if (bad != NULL) {
        xg__journal_set_err(j, "%s: put_order: invalid %s", j->path, bad);
        return XG_ERR_INVALID;
    }
    xg_err e = begin_turn(j);
    if (e != XG_OK) {
        return e;
    }
    sqlite3_stmt *st = j->put_order;
    bind_text(st, 1, o->gw_id);
    bind_text(st, 2, o->client_id);
    bind_text(st, 3, o->strategy_id);
    bind_text(st, 4, o->symbol);
    sqlite3_bind_int(st, 5, (int)o->side);
    sqlite3_bind_int(st, 6, (int)o->type);
    sqlite3_bind_int(st, 7, (int)o->tif);
    sqlite3_bind_int64(st, 8, o->qty.units);
    sqlite3_bind_int(st, 9, o->qty.scale);
    sqlite3_bind_int64(st, 10, o->price.units);
    sqlite3_bind_int(st, 11, o->price.scale);
    sqlite3_bind_int(st, 12, (int)o->status);
    bind_text(st, 13, o->venue);
    bind_text(st, 14, o->venue_client_id);
    bind_text(st, 15, o->venue_order_id);
    sqlite3_bind_int64(st, 16, o->exec.filled_qty.units);
    sqlite3_bind_int(st, 17, o->exec.filled_qty.scale);
    sqlite3_bind_int(st, 18, o->attempt);
    sqlite3_bind_int(st, 19, o->cancel_requested);
    sqlite3_bind_int(st, 20, o->requantize);
    sqlite3_bind_int(st, 21, o->n_route);
    for (int i = 0; i < XG_MAX_ROUTE; i++) {
        bind_text(st, 22 + i, (size_t)i < o->n_route ? o->route[i] : "");
    }
    sqlite3_bind_int64(st, 26, o->deadline_ms);
    sqlite3_bind_int64(st, 27, o->updated_ms);
    sqlite3_bind_int64(st, 28, o->exec.filled_quote.units);
    sqlite3_bind_int(st, 29, o->exec.filled_quote.scale);
    sqlite3_bind_int64(st, 30, o->exec.fee.units);
    sqlite3_bind_int(st, 31, o->exec.fee.scale);
    bind_text(st, 32, o->exec.fee_currency);
    sqlite3_bind_int64(st, 33, o->replaced_exec.filled_qty.units);
    sqlite3_bind_int(st, 34, o->replaced_exec.filled_qty.scale);
    sqlite3_bind_int64(st, 35, o->replaced_exec.filled_quote.units);
    sqlite3_bind_int(st, 36, o->replaced_exec.filled_quote.scale);
    sqlite3_bind_int64(st, 37, o->replaced_exec.fee.units);
    sqlite3_bind_int(st, 38, o->replaced_exec.fee.scale);
    bind_text(st, 39, o->replaced_exec.fee_currency);
    int rc = step_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE) {
        return fail_turn(j, rc, "put_order");
    }
    return XG_OK;
}

xg_err
xg__journal_put_attempt(xg__journal *j, const xg__journal_attempt *a)
{
    if (!is_str(a->gw_id, sizeof a->gw_id) || a->gw_id[0] == '\0' ||
        !is_str(a->venue, sizeof a->venue) ||
        !is_str(a->venue_client_id, sizeof a->venue_client_id) ||
        a->state < XG_ATTEMPT_UNSETTLED || a->state > XG_ATTEMPT_ABSENT) {
        return xg__journal_fail_msg(j, XG_ERR_INVALID,
                                    "put_attempt: invalid record");
    }
    xg_err e = begin_turn(j);
    if (e != XG_OK) {
        return e;
    }
    sqlite3_stmt *st = j->put_attempt;
    bind_text(st, 1, a->gw_id);
    sqlite3_bind_int(st, 2, a->attempt);
    bind_text(st, 3, a->venue);
    bind_text(st, 4, a->venue_client_id);
    sqlite3_bind_int(st, 5, a->state);
    sqlite3_bind_int64(st, 6, a->updated_ms);
    int rc = step_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE) {
        return fail_turn(j, rc, "put_attempt");
    }
    return XG_OK;
}

xg_err
xg__journal_put_fill(xg__journal *j, const xg__journal_fill *f)
{
    const char *bad = xg__journal_fill_invalid(f);
    if (bad != NULL) {
        xg__journal_set_err(j, "%s: put_fill: invalid %s", j->path, bad);
        return XG_ERR_INVALID;
    }
    xg_err e = begin_turn(j);
    if (e != XG_OK) {
        return e;
    }
    sqlite3_stmt *st = j->put_fill;
    bind_text(st, 1, f->gw_id);
    bind_text(st, 2, f->venue);
    bind_text(st, 3, f->trade_id);
    sqlite3_bind_int64(st, 4, f->qty.units);
    sqlite3_bind_int(st, 5, f->qty.scale);
    sqlite3_bind_int64(st, 6, f->price.units);
    sqlite3_bind_int(st, 7, f->price.scale);
    sqlite3_bind_int64(st, 8, f->fee.units);
    sqlite3_bind_int(st, 9, f->fee.scale);
    bind_text(st, 10, f->fee_currency);
    sqlite3_bind_int(st, 11, f->liquidity);
    sqlite3_bind_int64(st, 12, f->time_ms);
    sqlite3_bind_int64(st, 13, f->updated_ms);
    int rc = step_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE) {
        return fail_turn(j, rc, "put_fill");
    }
    return XG_OK;
}

xg_err
xg__journal_commit(xg__journal *j)
{
    if (!j->in_txn) {
        return XG_OK;
    }
    int rc = step_reset(j->commit);
    if (rc != SQLITE_DONE) {
        return fail_turn(j, rc, "commit");
    }
    j->in_txn = 0;
    return XG_OK;
}

xg_err
xg__journal_checkpoint(xg__journal *j, int is_idle)
{
    /* Idle: fold the WAL back once it is worth it. Busy: only when it has
     * grown large, so it cannot grow without bound under sustained load. */
    int due = is_idle ? j->wal_pages >= XG_JOURNAL_CKPT_IDLE_PAGES
                      : j->wal_pages >= XG_JOURNAL_CKPT_MAX_PAGES;
    if (!due || j->in_txn) {
        return XG_OK;
    }
    int rc = sqlite3_wal_checkpoint_v2(j->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
                                       NULL, NULL);
    if (rc != SQLITE_OK) {
        return xg__journal_fail_sql(j, rc, "checkpoint");
    }
    j->wal_pages = 0;
    return XG_OK;
}

int
xg__journal_has_staged(const xg__journal *j)
{
    return j->in_txn;
}

/* ---- housekeeping ------------------------------------------------------ */

xg_err
xg__journal_prune(xg__journal *j, int64_t cutoff_ms, size_t *deleted)
{
    /* Housekeeping, not the hot path: statements prepared per call. The
     * oldest XG_JOURNAL_PRUNE_BATCH finished orders at most, found through
     * orders_final_age, so one prune costs the same however much history
     * waits: the loop stalls for it. Every step picks the same set. */
#define PRUNE_SET                                                              \
    "SELECT gw_id FROM orders WHERE status IN " FINAL_SQL                      \
    " AND updated_ms < ?1 ORDER BY updated_ms, gw_id LIMIT ?2"
    static const char *const steps[] = {
        "INSERT INTO meta (key, value) SELECT 'max_pruned_gw_id', m FROM"
        " (SELECT max(gw_id) AS m FROM (" PRUNE_SET ")) WHERE m IS NOT NULL"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        " WHERE excluded.value > meta.value",
        "DELETE FROM attempts WHERE gw_id IN (" PRUNE_SET ")",
        "DELETE FROM fills WHERE gw_id IN (" PRUNE_SET ")",
        /* Last: the set is read from orders, and *deleted counts these. */
        "DELETE FROM orders WHERE gw_id IN (" PRUNE_SET ")",
    };
#undef PRUNE_SET
    size_t n_deleted = 0;
    if (deleted != NULL) {
        *deleted = 0;
    }
    xg_err e = begin_turn(j);
    if (e != XG_OK) {
        return e;
    }
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        sqlite3_stmt *st = NULL;
        int rc = sqlite3_prepare_v2(j->db, steps[i], -1, &st, NULL);
        if (rc == SQLITE_OK) {
            sqlite3_bind_int64(st, 1, cutoff_ms);
            sqlite3_bind_int64(st, 2, XG_JOURNAL_PRUNE_BATCH);
            rc = sqlite3_step(st);
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) {
            return fail_turn(j, rc, "prune");
        }
        n_deleted = (size_t)sqlite3_changes(j->db);
    }
    if ((e = xg__journal_commit(j)) != XG_OK) {
        return e;
    }
    if (deleted != NULL) {
        *deleted = n_deleted;
    }
    return XG_OK;
}

xg_err
xg__journal_housekeep(xg__journal *j, int64_t now_ms, int64_t retention_ms,
                      size_t *deleted)
{
    if (deleted != NULL) {
        *deleted = 0;
    }
    if (j == NULL || retention_ms < 0) {
        return XG_ERR_INVALID;
    }
    if (retention_ms == 0 || xg__journal_has_staged(j)) {
        return XG_OK; /* kept forever, or not an idle moment */
    }
    if (j->has_pruned && now_ms >= j->pruned_ms &&
        j->pruned_ms <= INT64_MAX - XG_JOURNAL_PRUNE_INTERVAL_MS &&
        now_ms < j->pruned_ms + XG_JOURNAL_PRUNE_INTERVAL_MS) {
        return XG_OK;
    }
    j->has_pruned = 1;
    j->pruned_ms = now_ms;
    int64_t cutoff =
        now_ms < INT64_MIN + retention_ms ? INT64_MIN : now_ms - retention_ms;
    size_t n = 0;
    xg_err e = xg__journal_prune(j, cutoff, &n);
    if (deleted != NULL) {
        *deleted = n;
    }
    if (e == XG_OK && n == XG_JOURNAL_PRUNE_BATCH) {
        /* More is due: the next idle turn takes the next batch. */
        j->has_pruned = 0;
    }
    return e;
}

/* ---- the turn log's applied position --------------------------------- */

const char *const xg__journal_applied_keys[3] = {"log_segment", "log_offset",
                                                 "log_next_seq"};

xg_err
xg__journal_put_applied(xg__journal *j, const xg__journal_applied *a)
{
    xg_err e = begin_turn(j);
    if (e != XG_OK) {
        return e;
    }
    const uint64_t values[3] = {a->segment, a->offset, a->next_seq};
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(
        j->db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)", -1,
        &st, NULL);
    for (size_t i = 0; rc == SQLITE_OK && i < 3; i++) {
        char text[24];
        snprintf(text, sizeof text, "%llu", (unsigned long long)values[i]);
        sqlite3_bind_text(st, 1, xg__journal_applied_keys[i], -1,
                          SQLITE_STATIC);
        sqlite3_bind_text(st, 2, text, -1, SQLITE_TRANSIENT);
        rc = step_reset(st);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_OK) {
        return fail_turn(j, rc, "put_applied");
    }
    return XG_OK;
}

xg_err
xg__journal_checkpoint_durable(xg__journal *j)
{
    if (j->in_txn) {
        return xg__journal_fail_msg(j, XG_ERR_BUSY,
                                    "checkpoint inside a transaction");
    }
    int rc = sqlite3_wal_checkpoint_v2(j->db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
                                       NULL, NULL);
    if (rc != SQLITE_OK) {
        return xg__journal_fail_sql(j, rc, "checkpoint");
    }
    j->wal_pages = 0;
    return XG_OK;
}

const char *
xg__journal_last_error(const xg__journal *j)
{
    return j->err;
}
