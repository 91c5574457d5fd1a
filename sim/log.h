/*
 * sim/log.h - the in-memory request log behind GET /_sim/log.
 *
 * One entry per non-admin request, in arrival order, numbered from 1. The
 * log is bounded: past its capacity the oldest entries are overwritten,
 * and a reader asking from before the oldest kept entry simply gets what
 * is left. Tests use it to see exactly what a gateway sent.
 *
 * Not thread-safe: the venue's mutex guards it.
 */
#ifndef XGATE_SIM_LOG_H
#define XGATE_SIM_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "xgate/error.h"

#define XG_SIM_LOG_DEFAULT_CAP 1000000
#define XG_SIM_LOG_METHOD_LEN  8
#define XG_SIM_LOG_PATH_LEN    96
#define XG_SIM_LOG_ID_LEN      40
/* With NUL: the longest outcome is 12 characters ("unsubscribed"). */
#define XG_SIM_LOG_OUTCOME_LEN 16

typedef struct xg_sim_log_entry {
    uint64_t seq;
    int64_t t_ms;    /* receive time, epoch ms */
    int64_t t_us;    /* receive time, epoch µs (for latency measurements) */
    int64_t done_us; /* when the answer was handed to the server, epoch µs */
    int status;      /* HTTP status; 0 when the connection was dropped */
    int code;        /* venue error code or 0 */
    char method[XG_SIM_LOG_METHOD_LEN];
    char path[XG_SIM_LOG_PATH_LEN];
    char client_order_id[XG_SIM_LOG_ID_LEN];
    char outcome[XG_SIM_LOG_OUTCOME_LEN];
    /* One order of a batch request (each has its own entry): batch_n
     * orders in the request, this the batch_i-th (from 0); batch_n 0 for
     * a request about one order. */
    uint16_t batch_n, batch_i;
} xg_sim_log_entry;

typedef struct xg_sim_log {
    xg_sim_log_entry *ring; /* grows to cap, then wraps */
    size_t len, cap, max;
    uint64_t next_seq;
} xg_sim_log;

/* Empty log holding at most max entries (max >= 1). */
void xg_sim_log_init(xg_sim_log *l, size_t max);
void xg_sim_log_fini(xg_sim_log *l);

/* Append e (seq is assigned; fields are truncated to fit). If memory runs
 * out the entry is dropped and XG_ERR_NOMEM returned. */
xg_err xg_sim_log_add(xg_sim_log *l, const xg_sim_log_entry *e);

/* Write every entry with seq > since as NDJSON into a malloc'd string.
 * Given: *out, free with free(). */
xg_err xg_sim_log_ndjson(const xg_sim_log *l, uint64_t since, char **out,
                         size_t *out_len);

#endif
