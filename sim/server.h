/*
 * sim/server.h - the HTTP listener of one simulated venue (sim-internal).
 *
 * libmicrohttpd with one thread per connection, so an injected latency
 * delays only the connection it is sent on, and a gateway's few
 * keep-alive connections each get a core's worth of throughput.
 */
#ifndef XGATE_SIM_SERVER_H
#define XGATE_SIM_SERVER_H

#include "dialect.h"

/* Listen on 127.0.0.1:port (0 picks a free port, stored in v->port).
 * XG_ERR_IO if the port cannot be bound. */
xg_err xg_sim_server_start(xg_sim_venue *v, int port);

/* Close the listener and every connection; waits for handlers. */
void xg_sim_server_stop(xg_sim_venue *v);

#endif
