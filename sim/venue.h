/*
 * sim/venue.h - life cycle of one simulated venue (sim-internal).
 *
 * main.c creates one xg_sim_venue per --venue flag; the server, the admin
 * API and the dialect share it (sim/dialect.h describes the fields and the
 * locking rule).
 */
#ifndef XGATE_SIM_VENUE_H
#define XGATE_SIM_VENUE_H

#include <stddef.h>

#include "dialect.h"

/* Empty venue for dialect d with default settings and a request log of at
 * most log_cap entries. XG_ERR_NOMEM. */
xg_err xg_sim_venue_init(xg_sim_venue *v, const xg_sim_dialect *d,
                         size_t log_cap);

/* Free everything (the server must be stopped). */
void xg_sim_venue_fini(xg_sim_venue *v);

/* The dialect named venue, or NULL. */
const xg_sim_dialect *xg_sim_dialect_find(const char *venue);

#endif
