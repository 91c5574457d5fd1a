/*
 * sim/ws.h - the private streams' WebSocket side of xgsim (sim-internal).
 *
 * server.c hands a request that asks to upgrade on the dialect's stream
 * path to xg_sim_ws_upgrade, which answers 101 and runs the connection
 * on the HTTP connection's own thread until it ends. The book's change
 * feed wakes the connections through xg_sim_ws_notify.
 */
#ifndef XGATE_SIM_WS_H
#define XGATE_SIM_WS_H

#include <stdbool.h>

#include <microhttpd.h>

#include "dialect.h"

/* Whether req asks for the venue's stream: a GET on the dialect's stream
 * path with Upgrade: websocket, a Sec-WebSocket-Key and version 13. */
bool xg_sim_ws_is_upgrade(const xg_sim_venue *v, const xg_sim_request *req);

/* Answer req (xg_sim_ws_is_upgrade true) with 101 and, once it is sent,
 * run the stream on the connection's thread. The daemon must have been
 * started with MHD_ALLOW_UPGRADE. */
enum MHD_Result xg_sim_ws_upgrade(xg_sim_venue *v, struct MHD_Connection *con,
                                  const xg_sim_request *req);

/* The change feed's callback (venue: the xg_sim_venue): wake every
 * stream connection. Lock held. */
void xg_sim_ws_notify(void *venue);

/* After v->stream_fault changed: wake every connection so it acts on
 * the plan now; with drop_open, every connection open now is cut (no
 * close frame). Lock held. */
void xg_sim_ws_fault_changed(xg_sim_venue *v, bool drop_open);

/* End every stream connection (each sends a close frame and returns);
 * before MHD_stop_daemon, which waits for their threads. Takes the
 * lock. */
void xg_sim_ws_stop(xg_sim_venue *v);

#endif
