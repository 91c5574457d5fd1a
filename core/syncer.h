/*
 * syncer.h - the turn log's disk syncs on a thread of their own
 * (core-private), for journal "full".
 *
 * "full" promises that nothing a strategy hears of, and no request that
 * leaves, can be lost to a power cut: a turn's outputs wait for the
 * fdatasync of its frame. Done on the loop, that sync stalls every turn
 * for as long as the disk takes (up to 10 ms on the VMs we measured).
 * Here the loop only writes the frame and says how far it has written
 * (xg__syncer_want); this thread syncs and says how far is durable
 * (xg__syncer_durable), waking the loop through an eventfd. One sync
 * covers every frame written before it began, so a burst of turns costs
 * one sync, not one each (group commit). The loop holds each turn's
 * requests and replies until the turn is durable (gateway.c).
 *
 * Segments: when the writer moves to a new segment it hands the old
 * descriptor over (xg__syncer_rotate); the thread syncs and closes it,
 * and syncs the directory so the new file's name survives, before it
 * counts any frame of the new segment durable.
 *
 * A failed sync is final: the kernel may have dropped the pages and
 * cleared the error, so nothing after it can be trusted. durable then
 * returns XG_ERR_IO with the reason, and the daemon stops.
 */
#ifndef XGATE_SYNCER_H
#define XGATE_SYNCER_H

#include <stddef.h>
#include <stdint.h>

#include "xgate/error.h"

typedef struct xg__syncer xg__syncer;

/* fsync a directory (a new file's name lives there); 0 or an errno. */
int xg__sync_dir(const char *dir);

/* Start the thread for segment descriptor fd (borrowed until rotated
 * away; the caller closes the last one after xg__syncer_stop) of a
 * segment in dir, frames up to durable being durable already (those a
 * restart recovered). XG_ERR_NOMEM or XG_ERR_IO (thread, eventfd) with
 * one line in err. */
xg_err xg__syncer_start(xg__syncer **out, const char *dir, int fd,
                        uint64_t durable, char *err, size_t err_len);

/* Frames up to sequence number seq are written: make them durable. */
void xg__syncer_want(xg__syncer *s, uint64_t seq);

/* The writer moved to new_fd (a new segment in the same dir): the old
 * descriptor is the thread's to sync and close. Waits only if eight
 * rotations are still unsynced. */
void xg__syncer_rotate(xg__syncer *s, int new_fd);

/* A descriptor that polls readable when durable may have moved. */
int xg__syncer_wake_fd(const xg__syncer *s);

/* How far is durable (0: nothing yet); clears the wake-up. XG_ERR_IO
 * once a sync failed, the reason in err (err_len bytes). */
xg_err xg__syncer_durable(xg__syncer *s, uint64_t *seq, char *err,
                          size_t err_len);

/* Block until everything wanted is durable or a sync failed. */
void xg__syncer_wait(xg__syncer *s);

/* Finish what was asked, stop the thread and free it. NULL-safe; sets *s
 * to NULL. */
void xg__syncer_stop(xg__syncer **s);

#endif
