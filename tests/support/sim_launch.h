/*
 * sim_launch.h - start and stop xgsim from a test, and talk to it.
 *
 * xg_sim_start runs the xgsim built beside the tests with a Binance venue
 * on a free loopback port (plus any extra arguments, e.g. more --venue or
 * --set flags), waits for its "xgsim: ready" line and records each
 * venue's port. The HTTP helpers use plain libcurl, one easy handle per
 * call: they are for tests, not for throughput.
 */
#ifndef XGATE_SIM_LAUNCH_H
#define XGATE_SIM_LAUNCH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "xgate/error.h"

#define XG_SIM_PROC_MAX_VENUES 8

typedef struct xg_sim_proc_venue {
    char venue[16];
    int port;
} xg_sim_proc_venue;

typedef struct xg_sim_proc {
    pid_t pid; /* 0 when not running */
    size_t nvenues;
    xg_sim_proc_venue venues[XG_SIM_PROC_MAX_VENUES];
} xg_sim_proc;

/* Fork and exec XG_BIN_DIR "/xgsim" --venue binance=127.0.0.1:0 followed
 * by extra_args (NULL-terminated, borrowed; NULL for none), then read its
 * stdout until "xgsim: ready" (10 s at most). XG_ERR_IO if it cannot be
 * started or exits/times out before ready (it is then reaped or killed);
 * *p is valid for xg_sim_stop either way. */
xg_err xg_sim_start(xg_sim_proc *p, const char *const *extra_args);

/* The port of venue ("binance"), or 0 if the simulator has no such
 * listener. */
int xg_sim_port(const xg_sim_proc *p, const char *venue);

/* xg_sim_start with a listener for venue (binance always has one), its
 * price walk paused (--set <venue>.walk=0), then extra_args
 * (NULL-terminated, at most 10; NULL for none). XG_ERR_INVALID for more;
 * otherwise as xg_sim_start, and the venue's port is known. */
xg_err xg_sim_start_paused(xg_sim_proc *p, const char *venue,
                           const char *const *extra_args);

/* SIGTERM the simulator (by PID), wait up to 5 s, then SIGKILL. XG_OK if
 * it exited with status 0 on SIGTERM, XG_ERR_IO otherwise (also when not
 * running). Idempotent: p->pid is 0 afterwards. */
xg_err xg_sim_stop(xg_sim_proc *p);

/* One HTTP request to venue's port: method, path with optional query
 * (borrowed), extra request headers (NULL-terminated "Name: value"
 * strings, or NULL), body (may be NULL; body_len bytes). The status goes
 * to *status; the body, NUL-terminated and truncated to out_cap - 1,
 * to out (may be NULL); the response header block likewise to hdrs (may
 * be NULL). XG_ERR_IO when no HTTP answer came (refused, dropped),
 * XG_ERR_NOT_FOUND for an unknown venue. Times out after 10 s. */
xg_err xg_sim_http(const xg_sim_proc *p, const char *venue, const char *method,
                   const char *path, const char *const *headers,
                   const char *body, size_t body_len, long *status, char *out,
                   size_t out_cap, char *hdrs, size_t hdrs_cap);

/* An admin call (path such as "/_sim/fault", json_body may be NULL) with
 * its JSON answer in out. XG_ERR_REJECTED if the status is not 2xx,
 * otherwise as xg_sim_http. */
xg_err xg_sim_admin(const xg_sim_proc *p, const char *venue, const char *method,
                    const char *path, const char *json_body, char *out,
                    size_t cap);

/* GET /_sim/log?since=<since> (NDJSON, one request per line) into out. */
xg_err xg_sim_log_fetch(const xg_sim_proc *p, const char *venue, uint64_t since,
                        char *out, size_t cap);

/* Value of response header name (case-insensitive) in a header block
 * from xg_sim_http, copied into out. XG_ERR_NOT_FOUND if absent. */
xg_err xg_sim_header_get(const char *hdrs, const char *name, char *out,
                         size_t cap);

#endif
