/*
 * turnlog.h - the turn log (core-private): an append-only file of
 * checksummed frames, one frame per event-loop turn, holding the order
 * snapshots and venue attempts the turn changed (the records of
 * journal.h).
 *
 * The loop stages a turn's records into one frame in memory and commits it
 * with one write() (and one fdatasync in XG_SYNC_FULL) before the turn's
 * requests leave the process. Someone else later applies the frames to the
 * SQLite journal and, at start-up, applies whatever the journal has not
 * seen; this module only writes, reads and cuts the files. It starts no
 * thread unless asked to sync off the writer's thread (syncer.h), and
 * keeps no global state but the CRC tables (built once, safely from any
 * thread).
 *
 * Files. A log is a series of segments <dir>/turns-<n>.log, n the segment
 * number as 16 lowercase hex digits, numbered upward; a writer creates a
 * segment and never reopens it. Each segment is a sequence of frames from
 * its first byte, with nothing between them.
 *
 * Frame (version 1). All integers little-endian; offsets in bytes:
 *
 *    0  4  magic "XGTL" (0x58 0x47 0x54 0x4c)
 *    4  1  format version, 1
 *    5  3  reserved, 0 (a reader stops at anything else)
 *    8  4  payload length P, at most XG_TURNLOG_MAX_PAYLOAD
 *   12  4  number of records R, at least 1
 *   16  8  sequence number: 1 for the first frame of a log, + 1 for each
 *          frame after it, across segments; 0 is never written
 *   24  4  CRC-32C (Castagnoli, reflected, init and final xor ~0) of bytes
 *          0..23 followed by the P payload bytes
 *   28  P  payload: R records back to back, filling it exactly
 *
 * Record: type (1 byte), body length L (2 bytes), L bytes of body.
 * Types: 4 order (xg__journal_order), 2 attempt (xg__journal_attempt),
 * 5 fill (xg__journal_fill).
 * Older order types are still read, never written: 3, an order without
 * the last four fields (nothing replaced), is what builds before journal
 * schema 3 wrote; 1, an order without the last seven (quote amount and
 * fee not said either), what builds before schema 2 wrote.
 * Bodies hold every field in the order below, nothing else, and are
 * consumed exactly:
 *
 *   str  1 byte length n (n < the field's array size), n bytes, no NUL
 *   dec  units as 8-byte two's complement, then scale (1 byte, <= 18)
 *   u8   1 byte; i64 8-byte two's complement
 *
 *   order:   str gw_id (not empty), str client_id, str strategy_id,
 *            str symbol, u8 side (1-2), u8 type (1-2), u8 tif (1-4),
 *            dec qty, dec price, u8 status (1-9), str venue,
 *            str venue_client_id, str venue_order_id, dec filled_qty,
 *            u8 attempt, u8 cancel_requested (0-1), u8 requantize (0-1),
 *            u8 n_route (0-XG_MAX_ROUTE), n_route x str route,
 *            i64 deadline_ms, i64 updated_ms, dec filled_quote, dec fee,
 *            str fee_currency, dec replaced filled_qty,
 *            dec replaced filled_quote, dec replaced fee,
 *            str replaced fee_currency
 *   attempt: str gw_id (not empty), u8 attempt, str venue,
 *            str venue_client_id, u8 state (0-2), i64 updated_ms
 *   fill:    str gw_id (not empty), str venue (not empty),
 *            str trade_id (not empty), dec qty (> 0), dec price (>= 0),
 *            dec fee, str fee_currency, u8 liquidity (0-2), i64 time_ms,
 *            i64 updated_ms
 *
 * The ranges are the ones xg__journal_load_open accepts from its own file:
 * the writer refuses a record outside them, and a reader treats one as
 * corruption. A reader accepts a frame only whole: header sane, all P bytes
 * present, CRC matching, sequence number the one expected. A crash during
 * a write leaves a torn tail, which readers drop; the last whole turn wins.
 *
 * Cost: staging copies the record into the frame buffer, which grows by
 * doubling (the only allocation, and it is kept at its peak); a commit is
 * one CRC pass and one write() of the whole frame, plus one fdatasync in
 * XG_SYNC_FULL. Measured by bench/bench_turnlog.c.
 *
 * A writer is used by one thread. The readers share nothing and may run
 * on any thread, also on a segment a writer is appending to (they see the
 * frames whole at the time of the call).
 */
#ifndef XGATE_TURNLOG_H
#define XGATE_TURNLOG_H

#include <stddef.h>
#include <stdint.h>

#include "journal.h"
#include "xgate/error.h"

#define XG_TURNLOG_VERSION      1
#define XG_TURNLOG_HDR_LEN      28
#define XG_TURNLOG_CRC_AT       24 /* offset of the CRC in the header */
#define XG_TURNLOG_LEN_AT       8  /* offset of the payload length */
#define XG_TURNLOG_COUNT_AT     12 /* offset of the record count */
#define XG_TURNLOG_SEQ_AT       16 /* offset of the sequence number */
#define XG_TURNLOG_REC_HDR      3  /* record type and body length */
#define XG_TURNLOG_REC_ORDER_V1 1
#define XG_TURNLOG_REC_ATTEMPT  2
#define XG_TURNLOG_REC_ORDER_V2 3
#define XG_TURNLOG_REC_ORDER    4
#define XG_TURNLOG_REC_FILL     5
/* The largest payload of one frame (64 MiB, some 150,000 orders): a
 * reader never believes a longer one, so a damaged length cannot make it
 * allocate or read without bound. */
#define XG_TURNLOG_MAX_PAYLOAD (64u * 1024u * 1024u)
#define XG_TURNLOG_ERR_MAX     256
/* Length of a segment's file name, "turns-0123456789abcdef.log". */
#define XG_TURNLOG_NAME_LEN 26

typedef struct xg__turnlog xg__turnlog;

/* ---- writing ----------------------------------------------------------- */

/*
 * Create segment `segment` in dir (which must exist) and open it for
 * appending: O_CREAT | O_EXCL | O_APPEND, mode 0600. In XG_SYNC_FULL the
 * directory is fsynced after the file is created, so the segment itself
 * survives a crash of the machine. The first frame committed carries
 * sequence number 1 unless xg__turnlog_set_next_seq says otherwise.
 *
 * Returns XG_OK and the writer in *out (given: xg__turnlog_close), or with
 * *out NULL: XG_ERR_EXISTS (the segment exists; it is left alone),
 * XG_ERR_IO (cannot create, or cannot sync the directory: the new file is
 * removed again), XG_ERR_TRUNCATED (path too long), XG_ERR_NOMEM,
 * XG_ERR_INVALID (no directory, bad mode). err (err_len bytes, may be
 * NULL) receives one line naming the path and what is wrong.
 */
xg_err xg__turnlog_open(xg__turnlog **out, const char *dir, xg__sync_mode mode,
                        uint64_t segment, char *err, size_t err_len);

/* Close the segment, dropping anything staged and not committed (closing
 * does not sync: what a commit made durable is durable). NULL-safe, sets
 * *t to NULL. */
void xg__turnlog_close(xg__turnlog **t);

/* Set the sequence number of the next frame, so that a log continues
 * across restarts (the one after the last frame recovered, see
 * xg__turnlog_scan.next_seq). Only before the writer's first commit and
 * with nothing staged; XG_ERR_INVALID otherwise or for 0. */
xg_err xg__turnlog_set_next_seq(xg__turnlog *t, uint64_t seq);

/*
 * Append one order snapshot / one attempt record to the turn's frame. o /
 * a are borrowed for the call; strings are read up to their NUL, so bytes
 * after it and routes past n_route are not stored.
 *
 * XG_ERR_INVALID if the record is outside the ranges of the frame format
 * above (a string not terminated within its array, empty gw_id, decimal
 * scale above XG_DECIMAL_MAX_SCALE, side, type, tif, status, attempt state,
 * flag or n_route out of range); XG_ERR_OVERFLOW if the frame would exceed
 * XG_TURNLOG_MAX_PAYLOAD; XG_ERR_NOMEM if the buffer cannot grow; XG_ERR_IO
 * if an earlier commit failed. On any of these nothing is staged and what
 * was staged before is kept, byte for byte. The message is in
 * xg__turnlog_last_error.
 */
xg_err xg__turnlog_stage_order(xg__turnlog *t, const xg__journal_order *o);
xg_err xg__turnlog_stage_attempt(xg__turnlog *t, const xg__journal_attempt *a);
/* The same for one fill (ranges: xg__journal_fill_invalid). */
xg_err xg__turnlog_stage_fill(xg__turnlog *t, const xg__journal_fill *f);

/* 1 if the turn's frame holds at least one record, else 0. */
int xg__turnlog_has_staged(const xg__turnlog *t);

/*
 * Finish the turn's frame and append it with one write() (repeated only
 * after a short write or EINTR), then fdatasync in XG_SYNC_FULL; XG_OK at
 * once if nothing is staged. After XG_OK the frame survives a crash of the
 * process (NORMAL) or of the machine (FULL), and the next frame carries
 * the next sequence number.
 *
 * On failure (XG_ERR_IO; XG_ERR_OVERFLOW if the sequence number would wrap)
 * the staged records are dropped, the file is cut back to its last
 * committed frame as far as the system allows, and the writer refuses all
 * further staging and commits: the caller must treat the failure as fatal.
 * Whether the failed frame is found whole after a restart is unknown (as
 * with any commit whose sync fails); a reader never accepts part of it.
 */
xg_err xg__turnlog_commit(xg__turnlog *t);

/*
 * Continue in a new segment, number xg__turnlog_segment(t) + 1, created as
 * by xg__turnlog_open (so it must not exist), then close the current one.
 * Staged records are kept and go to the new segment at the next commit;
 * the sequence continues. On failure the writer stays on its current
 * segment: XG_ERR_EXISTS, XG_ERR_IO, XG_ERR_TRUNCATED, XG_ERR_OVERFLOW (no
 * segment number left), or XG_ERR_IO after a failed commit.
 */
xg_err xg__turnlog_rotate(xg__turnlog *t);

/* Test hook, for the crash tests only (xgated arms it from the environment
 * variable XG_TEST_CRASH_IN_COMMIT): the commit-th commit from now (1: the
 * next one) writes only the first `bytes` bytes of its frame, then kills
 * the process with SIGKILL. 0 disarms it. */
void xg__turnlog_crash_at(xg__turnlog *t, uint64_t commit, size_t bytes);

/* The segment being written, and the bytes committed to it. */
uint64_t xg__turnlog_segment(const xg__turnlog *t);
uint64_t xg__turnlog_size(const xg__turnlog *t);

/* The sequence number the next committed frame carries. */
uint64_t xg__turnlog_next_seq(const xg__turnlog *t);

/* One line describing the last failure of a call on t ("" if none);
 * borrowed, valid until the next call on t. Never NULL. */
const char *xg__turnlog_last_error(const xg__turnlog *t);

/* ---- durability ---------------------------------------------------------
 *
 * A commit's frame is "durable" when it survives what the mode promises:
 * in XG_SYNC_NORMAL a crash of the process (the write is enough), in
 * XG_SYNC_FULL a power cut (it is synced). Without the call below FULL
 * commits sync before they return; with it they only write, and a thread
 * of the writer's (syncer.h) syncs behind them. */

/* XG_SYNC_FULL: from now on syncs run on the syncer thread. Nothing to
 * do in NORMAL. XG_ERR_NOMEM / XG_ERR_IO (last_error says why). */
xg_err xg__turnlog_sync_off_thread(xg__turnlog *t);

/* The syncer's wake-up descriptor (readable when durable may have moved),
 * -1 when there is no syncer. */
int xg__turnlog_wake_fd(const xg__turnlog *t);

/* Sequence number of the last frame committed (written), 0 if none. */
uint64_t xg__turnlog_written_seq(const xg__turnlog *t);

/* Sequence number up to which frames are durable; equal to the written
 * one without a syncer. XG_ERR_IO once the syncer failed (last_error says
 * why; the writer is broken from then on). */
xg_err xg__turnlog_durable_seq(xg__turnlog *t, uint64_t *seq);

/* Block until every committed frame is durable (or the syncer failed). */
void xg__turnlog_wait_durable(xg__turnlog *t);

/* ---- reading ----------------------------------------------------------- */

/* One record of a frame: exactly one of the three is set. */
typedef struct xg__turnlog_record {
    const xg__journal_order *order;
    const xg__journal_attempt *attempt;
    const xg__journal_fill *fill;
} xg__turnlog_record;

/* Called for each record of an accepted frame, in the frame's order. The
 * record is borrowed for the call, and every field is in the ranges of
 * the frame format. A result other than XG_OK stops the scan and is
 * returned by it. */
typedef xg_err (*xg__turnlog_fn)(void *ctx, const xg__turnlog_record *rec);

/* Where a scan stopped. Plain value type. */
typedef struct xg__turnlog_scan {
    uint64_t end;      /* offset just past the last frame delivered whole */
    uint64_t frames;   /* frames delivered whole */
    uint64_t next_seq; /* the sequence number the next frame must carry;
                        * 0 if no frame was delivered and none was expected */
    int is_torn;       /* bytes follow end: a torn or damaged tail */
    const char *stop;  /* why the scan stopped, static text ("end of data",
                        * "incomplete frame", "bad CRC", ...); never NULL */
} xg__turnlog_scan;

/*
 * Walk the whole frames of data (len bytes, borrowed for the call; may be
 * NULL when len is 0) from its start. A frame whose header is sane, whose
 * payload is all within len, whose CRC matches and whose sequence number
 * is expect_seq (for the first frame; any if expect_seq is 0) or the
 * previous frame's + 1 is decoded and validated whole, and only then are
 * its records given to fn. The walk stops at the first frame that is not
 * such a frame (incomplete, bad magic, version, length or CRC, sequence
 * gap) or at the end of data; *scan says where and why.
 *
 * Returns XG_OK when it stopped that way; XG_ERR_IO if a frame with a
 * matching CRC holds records that do not decode or are out of range
 * (corruption, not a torn write: none of that frame is delivered); or
 * fn's result when fn stopped it (frames counts only the frames fn
 * accepted whole). In every case *scan is filled.
 */
xg_err xg__turnlog_scan_buf(const void *data, size_t len, uint64_t expect_seq,
                            xg__turnlog_fn fn, void *ctx,
                            xg__turnlog_scan *scan);

/*
 * As xg__turnlog_scan_buf, over the segment file at path from byte
 * from_offset (a frame boundary, such as a previous scan's end) to the
 * file's size when the call starts. The file is read in chunks of at most
 * 1 MiB, more only for a frame that large and wholly present. scan->end is
 * an offset in the file.
 *
 * Returns as xg__turnlog_scan_buf, and also XG_ERR_IO when the file cannot
 * be opened or read, XG_ERR_NOT_FOUND when it does not exist, XG_ERR_INVALID
 * when from_offset is past its end, XG_ERR_NOMEM. err (err_len bytes, may
 * be NULL) receives one line naming the path and, for corruption, the
 * offset and what is wrong.
 */
xg_err xg__turnlog_scan_file(const char *path, uint64_t from_offset,
                             uint64_t expect_seq, xg__turnlog_fn fn, void *ctx,
                             xg__turnlog_scan *scan, char *err, size_t err_len);

/* ---- segments ---------------------------------------------------------- */

/* Write "<dir>/turns-<segment as 16 hex digits>.log" into out (out_len
 * bytes); XG_ERR_TRUNCATED if it does not fit. */
xg_err xg__turnlog_path(char *out, size_t out_len, const char *dir,
                        uint64_t segment);

/*
 * Cut the segment at path to offset bytes (a torn tail: offset is a scan's
 * end), then fdatasync in XG_SYNC_FULL. Must not be called on a segment a
 * writer is appending to. XG_ERR_INVALID if offset is past the end (the
 * file is never extended), XG_ERR_NOT_FOUND, XG_ERR_IO.
 */
xg_err xg__turnlog_truncate(const char *path, uint64_t offset,
                            xg__sync_mode mode);

/*
 * The segment numbers in dir, ascending, into segments[0..cap); *n receives
 * how many there are. Only names of the exact form turns-<16 lowercase hex
 * digits>.log count. XG_ERR_TRUNCATED if there are more than cap (*n is the
 * number needed; the array holds cap of them, in no particular order),
 * XG_ERR_NOT_FOUND if dir does not exist, XG_ERR_IO.
 */
xg_err xg__turnlog_list(const char *dir, uint64_t *segments, size_t cap,
                        size_t *n);

/* Delete a segment (its frames are applied and no longer needed).
 * XG_ERR_NOT_FOUND if it does not exist, XG_ERR_TRUNCATED, XG_ERR_IO. */
xg_err xg__turnlog_remove(const char *dir, uint64_t segment);

/* ---- checksum ---------------------------------------------------------- */

/* Extend a CRC-32C (Castagnoli) over len bytes of data: crc is 0 to start,
 * or the result of the previous call over the bytes before. The value for
 * "123456789" is 0xe3069283. */
uint32_t xg__turnlog_crc32c(uint32_t crc, const void *data, size_t len);

#endif
