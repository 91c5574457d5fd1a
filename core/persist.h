/*
 * persist.h - the gateway's use of its journal (core-private): marking
 * orders changed, committing once per loop turn, recovering at start.
 */
#ifndef XGATE_PERSIST_H
#define XGATE_PERSIST_H

#include <stddef.h>
#include <stdint.h>

#include "gateway_int.h"
#include "journal.h"

/* The order in slot changed: write it with this turn's commit. */
void xg__persist_touch(xg__gateway *gw, uint32_t slot);

/* Stage the order's current venue attempt with state
 * (XG_ATTEMPT_UNSETTLED before it is sent, _EXISTS / _ABSENT once the
 * venue said). */
void xg__persist_attempt(xg__gateway *gw, const xg__order_rec *r, int state);

/* Write every changed order and commit the turn. Until this returns
 * XG_OK no request of the turn may leave the process. */
xg_err xg__persist_commit(xg__gateway *gw);

/* Load open, in-flight and unknown orders and queue their reconciliation
 * (before the venues are started). err gets one line on failure. */
xg_err xg__persist_recover(xg__gateway *gw, char *err, size_t err_len);

/* Idle-turn housekeeping: prune final orders older than the config's
 * journal_retention_s from the journal, at most once a minute (see
 * xg__journal_housekeep), on gw->now. Cheap when nothing is due; call it
 * when a turn had nothing to do, with nothing staged. Logs what it did or
 * why it failed; a failure leaves the journal as it was and is retried a
 * minute later, so the caller may ignore the result. */
xg_err xg__persist_housekeeping(xg__gateway *gw);

#endif
