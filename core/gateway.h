/*
 * gateway.h - the daemon's life and its event loop (gateway.c says what
 * each turn of the loop does, and in which order).
 *
 * One thread runs everything: it polls the ZeroMQ request socket and the
 * transport's sockets, reads the clock once per turn, and passes that time
 * down. No locks exist on the order path because nothing else touches it.
 */
#ifndef XGATE_GATEWAY_H
#define XGATE_GATEWAY_H

#include <signal.h>

#include "config.h"
#include "xgate/error.h"

typedef struct xg__gateway xg__gateway;

/*
 * Load adapters, create venue instances, bind the API sockets. cfg is
 * borrowed for the gateway's life (its secrets are handed to adapters
 * here and may be wiped by the caller afterwards). exe_dir locates the
 * default adapters directory. On failure err holds one line.
 */
xg_err xg__gateway_new(xg__gateway **gw, const xg__config *cfg,
                       const char *exe_dir, char *err, size_t err_len);

/* Run until *stop becomes non-zero. Prints "xgated: ready" on stdout once
 * every venue has answered (or failed) its start-up requests. */
xg_err xg__gateway_run(xg__gateway *gw, volatile sig_atomic_t *stop);

void xg__gateway_destroy(xg__gateway **gw);

#endif
