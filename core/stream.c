/*
 * stream.c - each venue's private stream on the event loop (see
 * stream.h).
 *
 * A connection goes CONNECTING -> LOGIN -> SUBSCRIBING -> LIVE as the
 * adapter's messages say (xgate/stream.h); anything that ends it (a close
 * by either side, silence, a refusal, the venue's lifetime, the venue
 * banned or down) brings the stream back to IDLE, and the next attempt
 * waits a back-off that doubles per failure up to a minute, with jitter,
 * never shorter than the venue's least gap between connections. Trading
 * goes on over REST meanwhile, and the sweep learns what the stream does
 * not say.
 *
 * An update names its order by the venue client id the gateway sent: the
 * gateway id plus an attempt digit. A report of the order's current
 * attempt goes to act.c as a REST answer would (but for the cancel a
 * cancel-replace on its way makes of it); a report of an earlier attempt
 * (a cancel-replace's replaced order) is not the order's state and is
 * left out, but its fills are the order's, told once each (fills.c)
 * after the order's own event.
 */
#include "stream.h"

#include <stdio.h>
#include <string.h>

#include "act.h"
#include "fills.h"
#include "log.h"
#include "state.h"
#include "wsconn.h"
#include "xgate/adapter_util.h"
#include "xgate/buf.h"

static const xg_adapter *
api_of(const xg__venue *v)
{
    return v->plugin->api;
}

void
xg__stream_init(xg__venue *v, xg__state *st, int is_on)
{
    xg__stream *s = &v->stream;
    memset(s, 0, sizeof *s);
    s->st = st;
    s->backoff_ms = XG_STREAM_BACKOFF_MIN_MS;
    /* Seeded per venue and start, so venues restarted together do not
     * reconnect in step. */
    s->jitter = (uint64_t)st->now.wall_ns ^ (uint64_t)(uintptr_t)v ^
                0x9e3779b97f4a7c15ULL;
    if (!is_on || api_of(v)->caps.streams == 0) {
        xg_strlcpy(s->reason, is_on ? "the adapter has no stream" : "off",
                   sizeof s->reason);
        return;
    }
    s->state = XG__STREAM_IDLE;
    xg_strlcpy(s->reason, "not connected yet", sizeof s->reason);
}

void
xg__stream_fini(xg__venue *v)
{
    xg__ws_destroy(&v->stream.ws);
}

/* ---- state changes ------------------------------------------------------ */

static void
tell_venue(xg__state *st, const xg__venue *v)
{
    xg_venue_view view;
    xg_bucket_view buckets[32];
    xg__venue_view(v, st->now.wall_ms, st->now.mono_ms, &view, buckets, 32);
    xg__events_venue(&st->events, &view, st->now.wall_ms);
}

static uint64_t
next_jitter(xg__stream *s)
{
    s->jitter ^= s->jitter << 13;
    s->jitter ^= s->jitter >> 7;
    s->jitter ^= s->jitter << 17;
    return s->jitter;
}

/* The connection is over (why: one line, never a URL): back to IDLE,
 * the next attempt after the back-off (at once when is_prompt: the venue
 * asked for a new connection, or its lifetime came). The ws itself is
 * destroyed by whoever is not inside its callbacks. */
static void
lost(xg__state *st, xg__venue *v, const char *why, int is_prompt)
{
    xg__stream *s = &v->stream;
    int was_live = s->state == XG__STREAM_LIVE;
    s->state = XG__STREAM_IDLE;
    if (why != s->reason) {
        xg_strlcpy(s->reason, why, sizeof s->reason);
    }
    int64_t wait = s->plan.connect_gap_ms;
    if (!is_prompt) {
        /* Half the back-off plus up to the other half at random. */
        int64_t half = s->backoff_ms / 2;
        int64_t b = half + (int64_t)(next_jitter(s) % (uint64_t)(half + 1));
        wait = b > wait ? b : wait;
        s->backoff_ms = s->backoff_ms * 2 < XG_STREAM_BACKOFF_MAX_MS
                            ? s->backoff_ms * 2
                            : XG_STREAM_BACKOFF_MAX_MS;
    }
    s->next_connect_mono_ms = st->now.mono_ms + wait;
    xg__info("venue %s: stream down (%s); again in %lld ms", v->cfg->name, why,
             (long long)wait);
    if (was_live) {
        tell_venue(st, v); /* the sweep takes over again */
    }
}

/* Close the connection and go IDLE (outside the connection's callbacks
 * only: it is destroyed here). */
static void
drop(xg__state *st, xg__venue *v, const char *why, int is_prompt)
{
    xg__ws_destroy(&v->stream.ws);
    v->stream.is_closed = 0;
    lost(st, v, why, is_prompt);
}

static void
go_live(xg__state *st, xg__venue *v)
{
    xg__stream *s = &v->stream;
    s->state = XG__STREAM_LIVE;
    s->reason[0] = '\0';
    s->backoff_ms = XG_STREAM_BACKOFF_MIN_MS;
    if (s->plan.ping_every_ms > 0) {
        s->next_ping_mono_ms = st->now.mono_ms + s->plan.ping_every_ms;
    }
    /* What happened while the stream was not live is learned once, by a
     * sweep round now; after it the sweep rests while the stream lives.
     * With nothing open or on its way there is nothing to learn (and a
     * round kept for later would run when the next order rests, for
     * nothing). */
    v->is_sweep_forced = v->open_orders > 0 || v->in_flight > 0;
    v->next_sweep_mono_ms = st->now.mono_ms;
    xg__info("venue %s: stream live", v->cfg->name);
    tell_venue(st, v);
}

/* ---- sending ------------------------------------------------------------ */

typedef xg_err (*build_fn)(void *inst, int64_t venue_now_ms, char *out,
                           size_t cap, size_t *len);

/* Build one of the adapter's messages and send it; 0 when there was none
 * to send, 1 sent, -1 failed (the connection is then closed). */
static int
send_built(xg__state *st, xg__venue *v, build_fn build, const char *what)
{
    char text[XG_STREAM_TEXT_MAX];
    size_t len = 0;
    xg_err e =
        build(v->inst, xg__state_venue_now_ms(st, v), text, sizeof text, &len);
    if (e == XG_OK && len >= sizeof text) {
        e = XG_ERR_TRUNCATED;
    }
    if (e == XG_OK && len > 0) {
        e = xg__ws_send_text(v->stream.ws, text, len);
    }
    if (e != XG_OK) {
        xg__warn("venue %s: stream %s cannot be sent: %s", v->cfg->name, what,
                 xg_strerror(e));
        xg__ws_close(v->stream.ws, 1000);
        return -1;
    }
    return len > 0;
}

static void
subscribe(xg__state *st, xg__venue *v)
{
    if (send_built(st, v, api_of(v)->stream_subscribe, "subscription") >= 0) {
        v->stream.state = XG__STREAM_SUBSCRIBING;
    }
}

/* ---- updates ------------------------------------------------------------ */

/* The slot of the order that the venue client id names on venue vi, or
 * XG_ORDER_NONE (not ours: another client's order, or forgotten). */
static uint32_t
order_named(xg__state *st, int vi, const char *venue_client_id)
{
    char gw_id[XG_GW_ID_LEN + 1];
    if (strlen(venue_client_id) != XG_GW_ID_LEN + 1) {
        return XG_ORDER_NONE;
    }
    memcpy(gw_id, venue_client_id, XG_GW_ID_LEN);
    gw_id[XG_GW_ID_LEN] = '\0';
    uint32_t slot = xg__orders_find_gw(st->orders, gw_id);
    const xg__order_rec *r = xg__orders_get(st->orders, slot);
    return r != NULL && r->venue == vi ? slot : XG_ORDER_NONE;
}

typedef struct update_ctx {
    xg__state *st;
    xg__venue *v;
} update_ctx;

/* xg_stream_sink.update: one order's update, as stream.c's file comment
 * says. Always XG_OK: an update the gateway cannot use is skipped, never
 * a reason to drop the rest of the message. */
static xg_err
on_update(void *ctx, const xg_stream_update *u)
{
    update_ctx *c = ctx;
    xg__state *st = c->st;
    xg__venue *v = c->v;
    int vi = (int)xg__state_venue_index(st, v);
    uint32_t slot = order_named(st, vi, u->order.client_id);
    xg__order_rec *r = xg__orders_get(st->orders, slot);
    if (r == NULL) {
        return XG_OK;
    }
    /* The order's current venue order: its client id (Binance's
     * cancel-replace gives the replacement a new one) and, once known,
     * its venue order id (KuCoin's keeps the client id). */
    int is_current =
        strcmp(u->order.client_id, r->venue_client_id) == 0 &&
        (r->venue_order_id[0] == '\0' || u->order.venue_order_id[0] == '\0' ||
         strcmp(u->order.venue_order_id, r->venue_order_id) == 0);
    /* A cancel-replace on its way cancels the order's current venue order
     * itself, and the venue may push that cancel before it answers: the
     * answer says what became of the order (replaced, or gone). */
    int is_replacing = r->amend_is_replace &&
                       (r->in_flight & xg__op_bit(XG_OP_AMEND_ORDER)) != 0;
    if (u->has_report && is_current &&
        !(is_replacing && u->order.status == XG_STATUS_CANCELED)) {
        xg__act_report(st, slot, &u->order);
    }
    if (!u->has_fill) {
        return XG_OK;
    }
    int told = xg__fills_tell(st, v, slot, &u->fill, "stream");
    if (told > 0) {
        v->stream.n_fills++;
    } else if (told < 0) {
        v->stream.n_malformed++;
    }
    return XG_OK;
}

/* ---- the connection's events -------------------------------------------- */

static void
on_open(void *ctx)
{
    xg__venue *v = ctx;
    xg__state *st = v->stream.st;
    v->stream.state = XG__STREAM_LOGIN;
    v->stream.heard_mono_ms = st->now.mono_ms;
    /* Nothing to send: the venue speaks first (its welcome). */
    (void)send_built(st, v, api_of(v)->stream_login, "login");
}

static void
on_text(void *ctx, const char *text, size_t len)
{
    xg__venue *v = ctx;
    xg__stream *s = &v->stream;
    xg__state *st = s->st;
    s->heard_mono_ms = st->now.mono_ms;
    s->n_messages++;
    update_ctx c = {st, v};
    xg_stream_sink sink = {&c, on_update};
    xg_stream_result res;
    memset(&res, 0, sizeof res);
    xg_err e = api_of(v)->stream_parse(v->inst, text, len, &sink, &res);
    if (e != XG_OK) {
        res.kind = XG_STREAM_MALFORMED;
    }
    switch (res.kind) {
    case XG_STREAM_WELCOME:
    case XG_STREAM_AUTHED:
        if (s->state == XG__STREAM_LOGIN) {
            subscribe(st, v);
        }
        return;
    case XG_STREAM_SUBSCRIBED:
        if (s->state != XG__STREAM_LIVE) {
            go_live(st, v);
        }
        return;
    case XG_STREAM_REFUSED: {
        char why[sizeof s->reason];
        snprintf(why, sizeof why, "refused: %.23s %.80s", res.venue_code,
                 res.venue_msg);
        xg__warn("venue %s: stream %s", v->cfg->name, why);
        xg_strlcpy(s->reason, why, sizeof s->reason);
        s->is_refused = 1;
        xg__ws_close(s->ws, 1000);
        return;
    }
    case XG_STREAM_CLOSING:
        xg__info("venue %s: the venue is closing the stream", v->cfg->name);
        xg__ws_close(s->ws, 1000);
        return;
    case XG_STREAM_MALFORMED:
        /* The first of them, then one in a thousand: a venue that changed
         * its format must not flood the log. */
        if (s->n_malformed++ % 1000 == 0) {
            xg__warn("venue %s: stream message not understood (%llu so far)",
                     v->cfg->name, (unsigned long long)s->n_malformed);
        }
        return;
    case XG_STREAM_IGNORED:
    case XG_STREAM_PONG:
    case XG_STREAM_UPDATES:
        return;
    }
}

static void
on_close(void *ctx, const char *why)
{
    xg__venue *v = ctx;
    xg__stream *s = &v->stream;
    s->is_closed = 1;
    /* A refusal already said why; keep it. */
    lost(s->st, v, s->is_refused ? s->reason : why, 0);
    s->is_refused = 0;
}

/* ---- connecting --------------------------------------------------------- */

/* A simulator on loopback serves its streams where it serves REST: the
 * plan's scheme, host and port become base_url's (http -> ws), the path
 * and query stay. A plan already on loopback (the venue's stream_url
 * option naming a local server) is left as it is. */
static void
point_at_simulator(const xg__venue *v, char *url, size_t cap)
{
    if (strncmp(url, "ws://127.0.0.1:", 15) == 0 ||
        strncmp(url, "ws://localhost:", 15) == 0) {
        return;
    }
    const char *base = v->cfg->base_url;
    const char *host = strstr(base, "://");
    const char *path = strstr(url, "://");
    if (host == NULL || path == NULL) {
        return;
    }
    host += 3;
    path = strchr(path + 3, '/');
    char out[XG_STREAM_URL_MAX];
    xg_buf b;
    xg_buf_init(&b, out, sizeof out);
    xg_buf_puts(&b, strncmp(base, "https", 5) == 0 ? "wss://" : "ws://");
    xg_buf_put(&b, host, strcspn(host, "/"));
    xg_buf_puts(&b, path != NULL ? path : "/");
    if (xg_buf_status(&b) == XG_OK) {
        xg_strlcpy(url, out, cap);
    }
}

static void
connect_stream(xg__state *st, xg__venue *v)
{
    xg__stream *s = &v->stream;
    memset(&s->plan, 0, sizeof s->plan);
    xg_err e = api_of(v)->stream_plan(v->inst, &s->plan);
    if (e == XG_OK && s->plan.needs_token) {
        /* A REST call first (KuCoin's token), through the limiter like any
         * request; its answer connects (xg__stream_token_answered). */
        s->is_token_asked = 1;
        xg_strlcpy(s->reason, "asking for a token", sizeof s->reason);
        xg__act_queue_venue_op(st, v, XG_OP_STREAM_TOKEN, 0);
        xg__state_mark(st, v);
        return;
    }
    if (e != XG_OK || memchr(s->plan.url, '\0', sizeof s->plan.url) == NULL) {
        lost(st, v, "the adapter gave no stream plan", 0);
        return;
    }
    if (v->cfg->is_simulator) {
        point_at_simulator(v, s->plan.url, sizeof s->plan.url);
    }
    xg__ws_options opt = {v->cfg->connect_timeout_ms, !v->cfg->is_simulator,
                          NULL};
    xg__ws_events ev = {v, on_open, on_text, on_close};
    char err[128];
    s->ws = xg__ws_open(s->plan.url, &opt, &ev, err, sizeof err);
    if (s->ws == NULL) {
        lost(st, v, err, 0);
        return;
    }
    s->state = XG__STREAM_CONNECTING;
    s->is_closed = 0;
    s->opened_mono_ms = st->now.mono_ms;
    s->heard_mono_ms = st->now.mono_ms;
    s->n_connects++;
    xg_strlcpy(s->reason, "connecting", sizeof s->reason);
}

void
xg__stream_token_answered(xg__state *st, xg__venue *v, const xg_result *res)
{
    xg__stream *s = &v->stream;
    if (!s->is_token_asked) {
        return;
    }
    s->is_token_asked = 0;
    if (res != NULL && res->outcome == XG_OUTCOME_OK) {
        connect_stream(st, v);
        return;
    }
    char why[sizeof s->reason];
    snprintf(why, sizeof why, "token refused: %.23s %.80s",
             res != NULL ? res->venue_code : "",
             res != NULL ? res->venue_msg : "not sent");
    lost(st, v, why, 0);
}

/* ---- the loop's calls --------------------------------------------------- */

size_t
xg__stream_watches(const xg__state *st, xg__watch *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < st->n_venues && n < cap; i++) {
        const xg__stream *s = &st->venues[i].stream;
        if (s->ws != NULL) {
            n += xg__ws_watches(s->ws, out + n, cap - n);
        }
    }
    return n;
}

void
xg__stream_perform(xg__state *st, const xg__watch *ready, size_t n_ready)
{
    for (size_t i = 0; i < st->n_venues; i++) {
        xg__venue *v = &st->venues[i];
        if (v->stream.ws == NULL) {
            continue;
        }
        xg__ws_perform(v->stream.ws, ready, n_ready);
        if (v->stream.is_closed) {
            xg__ws_destroy(&v->stream.ws);
            v->stream.is_closed = 0;
        }
    }
}

/* Whether v's REST side is up enough for its stream: a ban or an outage
 * of the venue is the stream's too. */
static int
is_venue_usable(const xg__venue *v)
{
    return v->health.state == XG_VENUE_UP ||
           v->health.state == XG_VENUE_THROTTLED;
}

static void
timers_of(xg__state *st, xg__venue *v)
{
    xg__stream *s = &v->stream;
    int64_t now = st->now.mono_ms;
    if (s->state == XG__STREAM_OFF) {
        return;
    }
    if (s->ws == NULL) {
        if (!s->is_token_asked && is_venue_usable(v) &&
            now >= s->next_connect_mono_ms) {
            connect_stream(st, v);
        }
        return;
    }
    if (!is_venue_usable(v)) {
        drop(st, v, "venue not up", 0);
        return;
    }
    if (s->state != XG__STREAM_CONNECTING && s->plan.silence_max_ms > 0 &&
        now - s->heard_mono_ms > s->plan.silence_max_ms) {
        char why[64];
        snprintf(why, sizeof why, "silent for %lld ms",
                 (long long)(now - s->heard_mono_ms));
        drop(st, v, why, 0);
        return;
    }
    if (s->plan.lifetime_ms > XG_STREAM_RENEW_EARLY_MS &&
        now - s->opened_mono_ms >=
            s->plan.lifetime_ms - XG_STREAM_RENEW_EARLY_MS) {
        drop(st, v, "renewed before the venue's lifetime cut", 1);
        return;
    }
    if (s->state == XG__STREAM_LIVE && s->plan.ping_every_ms > 0 &&
        now >= s->next_ping_mono_ms) {
        s->next_ping_mono_ms = now + s->plan.ping_every_ms;
        (void)send_built(st, v, api_of(v)->stream_ping, "ping");
    }
}

void
xg__stream_timers(xg__state *st)
{
    for (size_t i = 0; i < st->n_venues; i++) {
        timers_of(st, &st->venues[i]);
    }
}

static void
earliest(int64_t *next, int64_t t)
{
    if (t > 0 && (*next < 0 || t < *next)) {
        *next = t;
    }
}

int64_t
xg__stream_next_ms(const xg__state *st)
{
    int64_t next = -1;
    for (size_t i = 0; i < st->n_venues; i++) {
        const xg__venue *v = &st->venues[i];
        const xg__stream *s = &v->stream;
        if (s->state == XG__STREAM_OFF) {
            continue;
        }
        if (s->ws == NULL) {
            if (!s->is_token_asked && is_venue_usable(v)) {
                earliest(&next, s->next_connect_mono_ms > 0
                                    ? s->next_connect_mono_ms
                                    : st->now.mono_ms);
            }
            continue;
        }
        long t = xg__ws_timeout_ms(s->ws);
        if (t >= 0) {
            earliest(&next, st->now.mono_ms + t);
        }
        if (s->plan.silence_max_ms > 0) {
            earliest(&next, s->heard_mono_ms + s->plan.silence_max_ms + 1);
        }
        if (s->state == XG__STREAM_LIVE && s->plan.ping_every_ms > 0) {
            earliest(&next, s->next_ping_mono_ms);
        }
        if (s->plan.lifetime_ms > XG_STREAM_RENEW_EARLY_MS) {
            earliest(&next, s->opened_mono_ms + s->plan.lifetime_ms -
                                XG_STREAM_RENEW_EARLY_MS);
        }
    }
    return next;
}
