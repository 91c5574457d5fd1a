/*
 * Form/query decoding for simulator requests.
 *
 * Each parsed string is copied once and decoded in place (a decoded piece
 * is never longer than its encoded form), so the pairs point into two
 * buffers at most and nothing is allocated per pair.
 */
#include "params.h"

#include <stdlib.h>
#include <string.h>

void
xg_sim_params_init(xg_sim_params *p)
{
    memset(p, 0, sizeof(*p));
}

void
xg_sim_params_fini(xg_sim_params *p)
{
    for (size_t i = 0; i < p->nchunks; i++) {
        free(p->chunks[i]);
    }
    memset(p, 0, sizeof(*p));
}

static int
params_hex(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Decode [s, end) in place into s, NUL-terminated. */
static xg_err
params_decode(char *s, char *end)
{
    char *out = s;

    for (char *in = s; in < end; in++) {
        if (*in == '+') {
            *out++ = ' ';
        } else if (*in == '%') {
            int hi = 0;
            int lo = 0;
            if (end - in < 3) {
                return XG_ERR_BAD_FIELD;
            }
            hi = params_hex(in[1]);
            lo = params_hex(in[2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                return XG_ERR_BAD_FIELD;
            }
            *out++ = (char)(hi * 16 + lo);
            in += 2;
        } else if (*in == '\0') {
            return XG_ERR_BAD_FIELD;
        } else {
            *out++ = *in;
        }
    }
    *out = '\0';
    return XG_OK;
}

xg_err
xg_sim_params_parse(xg_sim_params *p, const char *s, size_t len)
{
    char *copy = NULL;
    char *cur = NULL;
    char *end = NULL;

    if (len == 0) {
        return XG_OK;
    }
    if (p->nchunks >= XG_SIM_MAX_CHUNKS) {
        return XG_ERR_TOO_LARGE;
    }
    copy = malloc(len + 1);
    if (copy == NULL) {
        return XG_ERR_NOMEM;
    }
    memcpy(copy, s, len);
    copy[len] = '\0';
    p->chunks[p->nchunks++] = copy;

    end = copy + len;
    cur = copy;
    while (cur < end) {
        char *amp = memchr(cur, '&', (size_t)(end - cur));
        char *stop = amp != NULL ? amp : end;
        char *eq = memchr(cur, '=', (size_t)(stop - cur));
        char *value = NULL;
        xg_err err = XG_OK;

        if (stop == cur) {
            cur = stop + 1;
            continue;
        }
        if (p->n >= XG_SIM_MAX_PARAMS) {
            return XG_ERR_TOO_LARGE;
        }
        if (eq != NULL) {
            /* The '=' becomes the key's terminator; the value is decoded
             * from just after it. */
            value = eq + 1;
            err = params_decode(cur, eq);
            if (err == XG_OK) {
                err = params_decode(value, stop);
            }
        } else {
            err = params_decode(cur, stop);
        }
        if (err != XG_OK) {
            return err;
        }
        p->items[p->n].key = cur;
        p->items[p->n].value = eq != NULL ? value : "";
        p->n++;
        cur = stop + 1;
    }
    return XG_OK;
}

const char *
xg_sim_params_get(const xg_sim_params *p, const char *key)
{
    for (size_t i = 0; i < p->n; i++) {
        if (strcmp(p->items[i].key, key) == 0) {
            return p->items[i].value;
        }
    }
    return NULL;
}
