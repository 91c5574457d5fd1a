/*
 * recover.h - rebuilding the gateway from its journal at start
 * (core-private).
 */
#ifndef XGATE_RECOVER_H
#define XGATE_RECOVER_H

#include <stddef.h>

#include "state.h"

/* Load every order the journal holds that is not final, before the venues
 * are asked anything, and queue what settles each (docs/architecture.md,
 * "Journal and recovery"). err receives one line on failure. */
xg_err xg__recover(xg__state *st, char *err, size_t err_len);

#endif
