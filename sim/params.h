/*
 * sim/params.h - decoded request parameters (query string and form body).
 *
 * A dialect receives the raw query string and body and needs them both as
 * exact bytes (for signatures) and as decoded key/value pairs (for the
 * order fields). xg_sim_params holds the decoded pairs; the raw bytes stay
 * in the request.
 */
#ifndef XGATE_SIM_PARAMS_H
#define XGATE_SIM_PARAMS_H

#include <stddef.h>

#include "xgate/error.h"

#define XG_SIM_MAX_PARAMS 64
#define XG_SIM_MAX_CHUNKS 2

typedef struct xg_sim_param {
    const char *key;   /* borrowed from the params' own storage */
    const char *value; /* idem; "" for "key" or "key=" */
} xg_sim_param;

typedef struct xg_sim_params {
    xg_sim_param items[XG_SIM_MAX_PARAMS];
    size_t n;
    char *chunks[XG_SIM_MAX_CHUNKS]; /* owned decoded copies */
    size_t nchunks;
} xg_sim_params;

/* Start empty. */
void xg_sim_params_init(xg_sim_params *p);

/* Free the decoded copies. Safe on an initialised, empty set. */
void xg_sim_params_fini(xg_sim_params *p);

/* Decode s[0..len) as application/x-www-form-urlencoded ("a=1&b=%2F",
 * '+' is a space) and append its pairs. Empty pieces ("a=1&&b=2") are
 * skipped. Returns XG_ERR_BAD_FIELD for a malformed %-escape or a decoded
 * NUL, XG_ERR_TOO_LARGE past XG_SIM_MAX_PARAMS pairs or
 * XG_SIM_MAX_CHUNKS calls, XG_ERR_NOMEM. */
xg_err xg_sim_params_parse(xg_sim_params *p, const char *s, size_t len);

/* The value of the first pair named key, or NULL. Borrowed until fini. */
const char *xg_sim_params_get(const xg_sim_params *p, const char *key);

#endif
