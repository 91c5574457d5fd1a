/*
 * placement.c - the venue chooser (see placement.h). Pure: it reads the
 * venues and writes only its result.
 */
#include "placement.h"

#include <stdio.h>
#include <string.h>

#include "xgate/buf.h"

/* Whether v lists the order and its rules fit it; *out is the order as v
 * takes it (re-quantised to v's steps when allowed). */
static xg_err
fit_order(const xg__venue *v, const xg_order *want, int is_requantize,
          xg_order *out, char *detail, size_t detail_len)
{
    const xg_instrument *ins = xg__venue_instrument(v, want->symbol);
    if (ins == NULL) {
        snprintf(detail, detail_len, "%s not listed on %s", want->symbol,
                 v->cfg->name);
        return XG_ERR_UNKNOWN_SYMBOL;
    }
    *out = *want;
    if (is_requantize) {
        xg_err e = xg_order_requantize(out, ins);
        if (e != XG_OK) {
            snprintf(detail, detail_len, "cannot round to %s's steps: %s",
                     v->cfg->name, xg_strerror(e));
            return e;
        }
    }
    return xg_order_validate(out, ins, detail, detail_len);
}

/* The chooser's working state. */
typedef struct chooser {
    const xg__venue *venues;
    const xg__want *w;
    int64_t now_mono_ms, now_wall_ms;
    xg__choice *out;
    int wait_venue; /* the best place to wait so far, -1: none */
    int64_t wait_until_mono_ms;
    int has_starting; /* a venue of the route has not started yet */
    xg_err first_err;
    xg_buf why; /* out->detail: every venue passed over and why */
} chooser;

/* Venue vi is passed over for reason (until: when it is back, 0 if not
 * known); detail says more. The first venue's reason is the answer if
 * nothing takes the order. */
static void
skip(chooser *c, size_t vi, const char *reason, int64_t until_mono_ms,
     xg_err err, const char *detail)
{
    xg__choice *o = c->out;
    if (o->n_skipped < XG_MAX_ROUTE) {
        o->skipped[o->n_skipped++] =
            (xg__skip){(uint8_t)vi, reason, until_mono_ms};
    }
    if (c->first_err == XG_OK) {
        c->first_err = err;
    }
    if (c->why.len > 0) {
        xg_buf_puts(&c->why, "; ");
    }
    xg_buf_puts(&c->why, detail);
    if (c->why.len + 1 >= c->why.cap) { /* cut: keep it a line */
        c->why.len = c->why.cap - 1;
        c->why.data[c->why.len] = '\0';
    }
}

/* Venue vi cannot send before until_mono_ms; it is a place to wait if
 * that comes before the order's deadline and before any other's. */
static void
consider_waiting(chooser *c, size_t vi, int64_t until_mono_ms)
{
    int64_t deadline = c->w->deadline_mono_ms;
    if (deadline > 0 && until_mono_ms > deadline) {
        return;
    }
    if (c->wait_venue < 0 || until_mono_ms < c->wait_until_mono_ms) {
        c->wait_venue = (int)vi;
        c->wait_until_mono_ms = until_mono_ms;
    }
}

/* Passed over until until_mono_ms, for reason, said with its end. A
 * venue that only needs more time than the deadline gives answers
 * DEADLINE; one that is out (banned, down) NO_VENUE. */
static void
skip_until(chooser *c, size_t vi, const char *reason, int64_t until_mono_ms,
           const char *why)
{
    xg_err err =
        strcmp(reason, "throttled") == 0 || strcmp(reason, "deadline") == 0
            ? XG_ERR_DEADLINE
            : XG_ERR_NO_VENUE;
    char d[XG_DETAIL_MAX];
    int64_t until_wall = until_mono_ms > 0
                             ? c->now_wall_ms + (until_mono_ms - c->now_mono_ms)
                             : 0;
    snprintf(d, sizeof d, "%s %s until %lld%s", c->venues[vi].cfg->name, reason,
             (long long)until_wall, why);
    skip(c, vi, reason, until_mono_ms, err, d);
}

/* Look at venue vi; 1 if it takes the order now. */
static int
try_venue(chooser *c, size_t vi)
{
    const xg__venue *v = &c->venues[vi];
    const xg__want *w = c->w;
    const int64_t until = v->health.until_mono_ms;
    if ((int)vi == w->from) {
        skip_until(c, vi, w->from_reason, w->from_ready_mono_ms, "");
        if (w->from_ready_mono_ms > 0) {
            consider_waiting(c, vi, w->from_ready_mono_ms);
        }
        return 0;
    }
    if (v->n_instruments == 0) {
        /* Never started (STARTING, or DOWN after a failed start-up): its
         * rules are not known, so it can neither take the order nor hold
         * it while it waits. */
        char d[XG_DETAIL_MAX];
        snprintf(d, sizeof d, "%s starting", v->cfg->name);
        skip(c, vi, "starting", 0, XG_ERR_NO_VENUE, d);
        c->has_starting = 1;
        return 0;
    }
    char d[XG_DETAIL_MAX];
    xg_order placed;
    xg_err e = fit_order(v, w->order, w->is_requantize, &placed, d, sizeof d);
    if (e != XG_OK) {
        skip(c, vi, "filters", 0, e, d);
        return 0;
    }
    switch (v->health.state) {
    case XG_VENUE_UP:
        break;
    case XG_VENUE_THROTTLED:
        if (w->deadline_mono_ms > 0 && until > w->deadline_mono_ms) {
            skip_until(c, vi, "throttled", until, ", past the deadline");
            return 0;
        }
        break;
    case XG_VENUE_BANNED:
    case XG_VENUE_DOWN:
        skip_until(c, vi,
                   v->health.state == XG_VENUE_BANNED ? "banned" : "down",
                   until, "");
        consider_waiting(c, vi, until);
        return 0;
    case XG_VENUE_STARTING:
        return 0; /* never with instruments: skipped above */
    }
    c->out->venue = (int)vi;
    c->out->placed = placed;
    c->out->until_mono_ms =
        v->health.state == XG_VENUE_UP ? 0 : v->health.until_mono_ms;
    return 1;
}

/* Nothing takes the order now: wait on the venue back first, keeping
 * only the venues before it in the route as passed over. */
static void
wait_on(chooser *c, int vi)
{
    xg__choice *o = c->out;
    size_t pos = 0;
    while (pos < c->w->n_route && c->w->route[pos] != vi) {
        pos++;
    }
    size_t n = 0;
    for (size_t k = 0; k < o->n_skipped; k++) {
        size_t at = 0;
        while (at < c->w->n_route && c->w->route[at] != o->skipped[k].venue) {
            at++;
        }
        if (at < pos) {
            o->skipped[n++] = o->skipped[k];
        }
    }
    o->n_skipped = n;
    o->venue = vi;
    o->is_waiting = 1;
    o->until_mono_ms = c->wait_until_mono_ms;
    o->placed = *c->w->order;
    xg_order placed;
    char d[XG_DETAIL_MAX];
    if (vi != c->w->from &&
        fit_order(&c->venues[vi], c->w->order, c->w->is_requantize, &placed, d,
                  sizeof d) == XG_OK) {
        o->placed = placed;
    }
}

void
xg__placement_choose(const xg__venue *venues, const xg__want *w,
                     int64_t now_mono_ms, int64_t now_wall_ms, xg__choice *out)
{
    memset(out, 0, sizeof *out);
    out->venue = -1;
    chooser c = {venues, w, now_mono_ms, now_wall_ms, out,
                 -1,     0, 0,           XG_OK,       {0}};
    xg_buf_init(&c.why, out->detail, sizeof out->detail);
    /* A recovered order's venue may have left its route (the config
     * changed): it is still where the order is leaving from. */
    int is_from_routed = w->from < 0;
    for (size_t i = 0; i < w->n_route; i++) {
        is_from_routed |= w->route[i] == w->from;
    }
    if (!is_from_routed) {
        (void)try_venue(&c, (size_t)w->from);
    }
    for (size_t i = 0; i < w->n_route; i++) {
        if (try_venue(&c, w->route[i])) {
            return;
        }
    }
    /* A venue that has not started yet (right after a restart) may take
     * the order soon: an order leaving its venue waits there until then,
     * when routing.c offers it to the venue that came up. */
    if (c.wait_venue < 0 && c.has_starting && w->from >= 0) {
        c.wait_venue = w->from;
        c.wait_until_mono_ms = w->from_ready_mono_ms;
    }
    if (c.wait_venue >= 0) {
        wait_on(&c, c.wait_venue);
        return;
    }
    out->err = c.first_err != XG_OK ? c.first_err : XG_ERR_NO_VENUE;
    if (out->detail[0] == '\0') {
        xg_strlcpy(out->detail, "no venue configured for the symbol",
                   sizeof out->detail);
    }
}
