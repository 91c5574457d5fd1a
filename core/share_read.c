/*
 * share_read.c - what share.lua's answers and the ban channel's messages
 * say, read without trusting them (part of share.c's module; fuzzed by
 * tests/fuzz/fuzz_share.c).
 *
 * Redis is outside the process: a reply may be of any shape, a number
 * out of any range, a string of any length. Each reader checks the shape
 * share.lua promises (the protocol at the top of share.lua) and answers
 * XG_ERR_BAD_RESPONSE for anything else; nothing is read past what it
 * checked, and strings are copied bounded.
 */
#include "share.h"

#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

/* Times and counts the script returns are integers well inside 2^53. */
#define NUM_MAX (1LL << 53)

static int
is_array(const redisReply *r, size_t at_least)
{
    return r != NULL && r->type == REDIS_REPLY_ARRAY &&
           r->elements >= at_least && r->element != NULL;
}

static int
num_at(const redisReply *r, size_t i, int64_t *out)
{
    const redisReply *e = r->element[i];
    if (e == NULL || e->type != REDIS_REPLY_INTEGER || e->integer < -NUM_MAX ||
        e->integer > NUM_MAX) {
        return 0;
    }
    *out = (int64_t)e->integer;
    return 1;
}

/* A string element into out (cap bytes with its NUL); 0 if it is not a
 * string or does not fit. */
static int
str_at(const redisReply *r, size_t i, char *out, size_t cap)
{
    const redisReply *e = r->element[i];
    if (e == NULL || e->type != REDIS_REPLY_STRING || e->str == NULL ||
        e->len >= cap || memchr(e->str, '\0', e->len) != NULL) {
        return 0;
    }
    memcpy(out, e->str, e->len);
    out[e->len] = '\0';
    return 1;
}

/* A reason is shown, never trusted: len bytes of s cut to fit rather
 * than refused, control characters made spaces. */
static void
copy_reason(const char *s, size_t len, char *out, size_t cap)
{
    size_t n = len < cap - 1 ? len : cap - 1;
    for (size_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)s[k];
        out[k] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
    }
    out[n] = '\0';
}

static void
reason_at(const redisReply *r, size_t i, char *out, size_t cap)
{
    const redisReply *e = r->element[i];
    int is_string =
        e != NULL && e->type == REDIS_REPLY_STRING && e->str != NULL;
    copy_reason(is_string ? e->str : "", is_string ? e->len : 0, out, cap);
}

xg_err
xg__share_read_take(const redisReply *r, size_t n, xg__share_answer *out)
{
    memset(out, 0, sizeof *out);
    if (!is_array(r, 2) || n > XG_HTTP_MAX_COSTS ||
        !num_at(r, 0, &out->status)) {
        return XG_ERR_BAD_RESPONSE;
    }
    switch (out->status) {
    case XG_SHARE_GRANTED:
        /* {0, copies, now, valid_until, lease_id, win_1 .. win_n} */
        if (r->elements != 5 + n || !num_at(r, 1, &out->copies) ||
            out->copies < 1 || out->copies > 1000000 ||
            !num_at(r, 2, &out->now_ms) || !num_at(r, 3, &out->at_ms) ||
            !str_at(r, 4, out->lease_id, sizeof out->lease_id) ||
            out->lease_id[0] == '\0') {
            return XG_ERR_BAD_RESPONSE;
        }
        for (size_t i = 0; i < n; i++) {
            if (!num_at(r, 5 + i, &out->win[i])) {
                return XG_ERR_BAD_RESPONSE;
            }
        }
        return XG_OK;
    case XG_SHARE_WAIT:
        /* {1, earliest, now} */
        return r->elements == 3 && num_at(r, 1, &out->at_ms) &&
                       num_at(r, 2, &out->now_ms)
                   ? XG_OK
                   : XG_ERR_BAD_RESPONSE;
    case XG_SHARE_BANNED:
        /* {2, ban_until, reason, gateway, now} */
        if (r->elements != 5 || !num_at(r, 1, &out->at_ms) ||
            !str_at(r, 3, out->gateway, sizeof out->gateway) ||
            !num_at(r, 4, &out->now_ms)) {
            return XG_ERR_BAD_RESPONSE;
        }
        reason_at(r, 2, out->reason, sizeof out->reason);
        return XG_OK;
    case XG_SHARE_NEVER:
        /* {3, now} */
        return r->elements == 2 && num_at(r, 1, &out->now_ms)
                   ? XG_OK
                   : XG_ERR_BAD_RESPONSE;
    }
    return XG_ERR_BAD_RESPONSE;
}

xg_err
xg__share_read_status(const redisReply *r, xg__share_answer *out)
{
    /* {ban_until or 0, reason, gateway, now} */
    memset(out, 0, sizeof *out);
    if (!is_array(r, 4) || r->elements != 4 || !num_at(r, 0, &out->at_ms) ||
        !str_at(r, 2, out->gateway, sizeof out->gateway) ||
        !num_at(r, 3, &out->now_ms)) {
        return XG_ERR_BAD_RESPONSE;
    }
    reason_at(r, 1, out->reason, sizeof out->reason);
    out->status = out->at_ms > 0 ? XG_SHARE_BANNED : XG_SHARE_GRANTED;
    return XG_OK;
}

/* The next tab-separated field of [*p, end) into out (cap with NUL). */
static int
field(const char **p, const char *end, int is_last, char *out, size_t cap)
{
    const char *tab = is_last ? NULL : memchr(*p, '\t', (size_t)(end - *p));
    const char *stop = tab != NULL ? tab : end;
    size_t n = (size_t)(stop - *p);
    if ((!is_last && tab == NULL) || n == 0 || n >= cap ||
        memchr(*p, '\0', n) != NULL) {
        return 0;
    }
    memcpy(out, *p, n);
    out[n] = '\0';
    *p = tab != NULL ? tab + 1 : end;
    return 1;
}

xg_err
xg__share_read_ban(const char *msg, size_t len, xg__share_ban *out)
{
    memset(out, 0, sizeof *out);
    const char *p = msg;
    const char *end = msg + len;
    char until[24];
    if (msg == NULL || !field(&p, end, 0, out->venue, sizeof out->venue) ||
        !field(&p, end, 0, until, sizeof until) ||
        !field(&p, end, 0, out->gateway, sizeof out->gateway)) {
        return XG_ERR_BAD_RESPONSE;
    }
    size_t digits = strspn(until, "0123456789");
    if (digits == 0 || until[digits] != '\0' || digits > 15) {
        return XG_ERR_BAD_RESPONSE;
    }
    out->until_ms = strtoll(until, NULL, 10);
    /* The reason is the rest, shown and never parsed. */
    copy_reason(p, (size_t)(end - p), out->reason, sizeof out->reason);
    return XG_OK;
}
