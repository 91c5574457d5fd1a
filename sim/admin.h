/*
 * sim/admin.h - the /_sim/ control API of a simulated venue (sim-internal).
 *
 * Served on every venue's port under /_sim/, a prefix no exchange uses.
 * Admin requests are never limited, faulted, delayed or logged, so a test
 * can always steer the simulator. docs/simulator.md lists the endpoints.
 */
#ifndef XGATE_SIM_ADMIN_H
#define XGATE_SIM_ADMIN_H

#include "dialect.h"

/* Answer one /_sim/ request into resp. Takes the venue lock itself. */
void xg_sim_admin_handle(xg_sim_venue *v, const xg_sim_request *req,
                         xg_sim_response *resp);

#endif
