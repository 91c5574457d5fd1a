/*
 * The simulator's request log: a ring of fixed-size entries.
 *
 * Entries are fixed-size so appending never allocates once the ring has
 * grown to its capacity; a request's path and client id are truncated to
 * their fields (the longest the simulated venues use fits). NDJSON output
 * goes through Jansson so every string is escaped correctly whatever a
 * client sent.
 */
#include "log.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

void
xg_sim_log_init(xg_sim_log *l, size_t max)
{
    memset(l, 0, sizeof(*l));
    l->max = max > 0 ? max : 1;
    l->next_seq = 1;
}

void
xg_sim_log_fini(xg_sim_log *l)
{
    free(l->ring);
    memset(l, 0, sizeof(*l));
}

static void
log_copy(char *dst, size_t cap, const char *src)
{
    size_t n = src != NULL ? strlen(src) : 0;

    if (n >= cap) {
        n = cap - 1;
    }
    /* Whatever a client sent, the log holds printable ASCII only, so the
     * NDJSON stays valid UTF-8. */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)src[i];
        dst[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    dst[n] = '\0';
}

xg_err
xg_sim_log_add(xg_sim_log *l, const xg_sim_log_entry *e)
{
    xg_sim_log_entry *slot = NULL;
    uint64_t seq = l->next_seq++;

    if (l->len == l->cap && l->cap < l->max) {
        size_t cap = l->cap != 0 ? l->cap * 2 : 4096;
        if (cap > l->max) {
            cap = l->max;
        }
        xg_sim_log_entry *r = realloc(l->ring, cap * sizeof(*r));
        if (r == NULL) {
            return XG_ERR_NOMEM;
        }
        l->ring = r;
        l->cap = cap;
    }
    /* Before wrapping the ring is in seq order from index 0; afterwards
     * slot (seq - 1) % max holds seq, which is the same rule. */
    slot = &l->ring[(seq - 1) % l->max];
    if (l->len < l->max) {
        l->len++;
    }
    slot->seq = seq;
    slot->t_ms = e->t_ms;
    slot->t_us = e->t_us;
    slot->done_us = e->done_us;
    slot->status = e->status;
    slot->code = e->code;
    log_copy(slot->method, sizeof(slot->method), e->method);
    log_copy(slot->path, sizeof(slot->path), e->path);
    log_copy(slot->client_order_id, sizeof(slot->client_order_id),
             e->client_order_id);
    log_copy(slot->outcome, sizeof(slot->outcome), e->outcome);
    slot->batch_n = e->batch_n;
    slot->batch_i = e->batch_i;
    return XG_OK;
}

xg_err
xg_sim_log_ndjson(const xg_sim_log *l, uint64_t since, char **out,
                  size_t *out_len)
{
    uint64_t last = l->next_seq - 1;
    uint64_t first = last - l->len + 1; /* oldest kept */
    size_t cap = 4096;
    size_t len = 0;
    char *buf = malloc(cap);

    if (buf == NULL) {
        return XG_ERR_NOMEM;
    }
    buf[0] = '\0';
    if (since + 1 > first) {
        first = since + 1;
    }
    for (uint64_t seq = first; l->len > 0 && seq <= last; seq++) {
        const xg_sim_log_entry *e = &l->ring[(seq - 1) % l->max];
        json_t *o = json_pack("{sI sI sI sI ss ss si si ss ss}", "seq",
                              (json_int_t)e->seq, "t_ms", (json_int_t)e->t_ms,
                              "t_us", (json_int_t)e->t_us, "done_us",
                              (json_int_t)e->done_us,
                              "method", e->method, "path", e->path, "status",
                              e->status, "code", e->code, "client_order_id",
                              e->client_order_id, "outcome", e->outcome);
        if (o != NULL && e->batch_n > 0 &&
            (json_object_set_new(o, "batch_n", json_integer(e->batch_n)) != 0 ||
             json_object_set_new(o, "batch_i", json_integer(e->batch_i)) != 0)) {
            json_decref(o);
            o = NULL;
        }
        char *line = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
        json_decref(o);
        if (line == NULL) {
            free(buf);
            return XG_ERR_NOMEM;
        }
        size_t n = strlen(line);
        if (len + n + 2 > cap) {
            while (len + n + 2 > cap) {
                cap *= 2;
            }
            char *nb = realloc(buf, cap);
            if (nb == NULL) {
                free(line);
                free(buf);
                return XG_ERR_NOMEM;
            }
            buf = nb;
        }
        memcpy(buf + len, line, n);
        len += n;
        buf[len++] = '\n';
        buf[len] = '\0';
        free(line);
    }
    *out = buf;
    *out_len = len;
    return XG_OK;
}
