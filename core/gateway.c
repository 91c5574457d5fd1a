/*
 * gateway.c - the daemon's life: start-up, the event loop, the strategy
 * API sockets and the events it publishes.
 *
 * Owns the ZeroMQ sockets and the loop's clock. Each turn reads the clock
 * once, polls the request socket and the transport's sockets together,
 * answers requests, drives transfers and runs due timers. Routing
 * decisions live in router.c; this file only turns messages into calls and
 * results into JSON.
 */
#include "gateway.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <zmq.h>

#include "gateway_int.h"
#include "health.h"
#include "log.h"
#include "persist.h"
#include "xgate/buf.h"
#include "xgate/sign.h"

/* Larger requests are cut off by ZeroMQ itself; up to this size they are
 * read and refused with TOO_LARGE so the strategy learns why. */
#define ZMQ_MAX_MSG_BYTES (4 * 1024 * 1024)
#define MAX_POLL          (1 + 256)
#define REQS_PER_TURN     256
#define IDENTITY_MAX      256

static void
read_clock(xg__now *now)
{
    struct timespec m, w;
    clock_gettime(CLOCK_MONOTONIC, &m);
    clock_gettime(CLOCK_REALTIME, &w);
    now->mono_ms = (int64_t)m.tv_sec * 1000 + m.tv_nsec / 1000000;
    now->wall_ns = (int64_t)w.tv_sec * 1000000000 + w.tv_nsec;
    now->wall_ms = now->wall_ns / 1000000;
}

/* --- events ------------------------------------------------------------ */

static void
publish(xg__gateway *gw, const char *topic, size_t topic_len, size_t len)
{
    xg__outbox_add(&gw->outbox, XG_OUTBOX_EVENT, topic, topic_len, 0,
                   gw->event, len);
}

static void
publish_for_strategy(xg__gateway *gw, const char *strategy, size_t len)
{
    char topic[8 + XG_STRATEGY_ID_MAX];
    xg_buf t;
    xg_buf_init(&t, topic, sizeof topic);
    xg_buf_puts(&t, "order.");
    xg_buf_puts(&t, strategy);
    publish(gw, topic, t.len, len);
}

void
xg__gw_publish_order(xg__gateway *gw, const char *event,
                     const xg__order_rec *r)
{
    xg_order_view view;
    xg__router_order_view(gw, r, &view);
    xg_buf b;
    xg_buf_init(&b, gw->event, sizeof gw->event);
    if (xg__encode_order_event(&b, event, &view, gw->now.wall_ms) == XG_OK) {
        publish_for_strategy(gw, r->order.strategy_id, b.len);
    }
}

void
xg__gw_publish_wait(xg__gateway *gw, const xg__venue *v,
                    const xg__order_rec *r, int64_t wait_ms,
                    const char *reason)
{
    xg_buf b;
    xg_buf_init(&b, gw->event, sizeof gw->event);
    if (xg__encode_wait_event(&b, v->cfg->name, &r->order, wait_ms, reason,
                              gw->now.wall_ms) == XG_OK) {
        publish_for_strategy(gw, r->order.strategy_id, b.len);
    }
}

void
xg__gw_publish_rerouted(xg__gateway *gw, const xg__order_rec *r,
                        const char *from, const char *to, const char *reason,
                        int64_t ban_until_ms)
{
    xg_buf b;
    xg_buf_init(&b, gw->event, sizeof gw->event);
    if (xg__encode_rerouted_event(&b, &r->order, from, to, reason,
                                  ban_until_ms, gw->now.wall_ms) == XG_OK) {
        publish_for_strategy(gw, r->order.strategy_id, b.len);
    }
}

void
xg__gw_venue_view(const xg__gateway *gw, const xg__venue *v,
                  xg_venue_view *view, xg_bucket_view *buckets, size_t cap)
{
    memset(view, 0, sizeof *view);
    view->name = v->cfg->name;
    view->state = xg__venue_state_name(v->state);
    view->until_ms = v->until_mono_ms > 0
                         ? gw->now.wall_ms + (v->until_mono_ms - gw->now.mono_ms)
                         : 0;
    view->reason = v->reason;
    view->queued = v->normal.len + v->urgent.len;
    view->in_flight = v->in_flight;
    view->open_orders = v->open_orders;
    size_t n = v->limiter != NULL ? xg_limiter_bucket_count(v->limiter) : 0;
    if (n > cap) {
        n = cap;
    }
    int64_t now_ns = gw->now.wall_ns + v->offset_ms * 1000000;
    for (size_t i = 0; i < n; i++) {
        const xg_bucket_spec *s = xg_limiter_bucket_spec(v->limiter, i);
        buckets[i].name = s->name;
        buckets[i].limit = s->limit;
        buckets[i].used = xg_limiter_bucket_used(v->limiter, i, now_ns);
    }
    view->buckets = buckets;
    view->n_buckets = n;
}

void
xg__gw_publish_venue(xg__gateway *gw, const xg__venue *v)
{
    xg_venue_view view;
    xg_bucket_view buckets[32];
    xg__gw_venue_view(gw, v, &view, buckets, 32);
    xg_buf b;
    xg_buf_init(&b, gw->event, sizeof gw->event);
    if (xg__encode_venue_event(&b, &view, gw->now.wall_ms) == XG_OK) {
        publish(gw, "venue", 5, b.len);
    }
}

/* Whether an order recovered from the journal still waits to be settled
 * by a venue that can answer now. Orders held by a BANNED or DOWN venue
 * are settled when it comes back; the gateway does not wait for them, or
 * a restart during a ban (Binance's last up to days) would stop orders to
 * every venue for as long. Until then they read UNKNOWN, and a cancel of
 * one waits for its venue. */
static int
recovery_is_due(const xg__gateway *gw)
{
    size_t top = xg__orders_high_water(gw->orders);
    for (uint32_t slot = 0; slot < top; slot++) {
        const xg__order_rec *r = xg__orders_get(gw->orders, slot);
        if (r == NULL || !r->recovering) {
            continue;
        }
        xg__venue_state st = gw->venues[r->venue].state;
        if (st != XG_VENUE_BANNED && st != XG_VENUE_DOWN) {
            return 1;
        }
    }
    return 0;
}

void
xg__gw_check_ready(xg__gateway *gw)
{
    if (gw->is_ready) {
        return;
    }
    for (size_t i = 0; i < gw->n_venues; i++) {
        if (gw->venues[i].state == XG_VENUE_STARTING) {
            return;
        }
    }
    if (gw->n_recovering > 0 && recovery_is_due(gw)) {
        return; /* journal orders first (docs/architecture.md, recovery) */
    }
    gw->is_ready = 1;
    xg__info("ready: %zu venues", gw->n_venues);
    fputs("xgated: ready\n", stdout);
    fflush(stdout);
}

/* --- requests ---------------------------------------------------------- */

typedef struct peer {
    char id[IDENTITY_MAX];
    size_t id_len;
    int has_delimiter; /* REQ sockets put an empty frame before the body */
} peer;

static void
reply(xg__gateway *gw, const peer *p, const xg_buf *b)
{
    xg__outbox_add(&gw->outbox, XG_OUTBOX_REPLY, p->id, p->id_len,
                   p->has_delimiter, b->data, b->len);
}

static void
reply_error(xg__gateway *gw, const peer *p, const char *req_id,
            const char *client_id, xg_err err, const char *detail)
{
    xg_buf b;
    xg_buf_init(&b, gw->event, sizeof gw->event);
    xg__encode_reply_error(&b, req_id, client_id, err, detail);
    reply(gw, p, &b);
}

static void
reply_order(xg__gateway *gw, const peer *p, const char *req_id, uint32_t slot)
{
    xg_order_view view;
    xg__router_order_view(gw, xg__orders_get(gw->orders, slot), &view);
    xg_buf b;
    xg_buf_init(&b, gw->event, sizeof gw->event);
    xg__encode_reply_order(&b, req_id, &view);
    reply(gw, p, &b);
}

static void
reply_venues(xg__gateway *gw, const peer *p, const char *req_id)
{
    xg_venue_view views[XG_MAX_VENUES];
    xg_bucket_view buckets[XG_MAX_VENUES][8];
    for (size_t i = 0; i < gw->n_venues; i++) {
        xg__gw_venue_view(gw, &gw->venues[i], &views[i], buckets[i], 8);
    }
    xg_buf b;
    xg_buf_init(&b, gw->event, sizeof gw->event);
    xg__encode_reply_venues(&b, req_id, views, gw->n_venues);
    reply(gw, p, &b);
}

static uint32_t
find_own_order(xg__gateway *gw, const xg_msg *m)
{
    uint32_t slot = xg__orders_find(gw->orders, m->order.client_id);
    if (slot == XG_ORDER_NONE || m->order.strategy_id[0] == '\0') {
        return slot;
    }
    /* A strategy that names itself sees only its own orders. */
    const xg__order_rec *r = xg__orders_get(gw->orders, slot);
    return strcmp(r->order.strategy_id, m->order.strategy_id) == 0
               ? slot
               : XG_ORDER_NONE;
}

static void
handle_request(xg__gateway *gw, const peer *p, const void *data, size_t len)
{
    xg_msg m;
    char detail[XG_DETAIL_MAX] = "";
    xg_err e = xg__msg_parse(data, len, &m, detail, sizeof detail);
    if (e != XG_OK) {
        reply_error(gw, p, m.req_id, m.order.client_id, e, detail);
        return;
    }
    uint32_t slot;
    switch (m.kind) {
    case XG_MSG_NEW_ORDER:
        if (!gw->is_ready) {
            reply_error(gw, p, m.req_id, m.order.client_id, XG_ERR_BUSY,
                        "gateway is starting");
            return;
        }
        e = xg__place_new(gw, &m, &slot, detail, sizeof detail);
        if (e != XG_OK) {
            reply_error(gw, p, m.req_id, m.order.client_id, e, detail);
            return;
        }
        reply_order(gw, p, m.req_id, slot);
        xg__router_pump(gw, &gw->venues[xg__orders_get(gw->orders, slot)->venue]);
        return;
    case XG_MSG_CANCEL_ORDER:
        slot = find_own_order(gw, &m);
        if (slot == XG_ORDER_NONE) {
            reply_error(gw, p, m.req_id, m.order.client_id,
                        XG_ERR_UNKNOWN_ORDER, "no such client_order_id");
            return;
        }
        e = xg__router_cancel(gw, slot, detail, sizeof detail);
        if (e != XG_OK) {
            reply_error(gw, p, m.req_id, m.order.client_id, e, detail);
            return;
        }
        reply_order(gw, p, m.req_id, slot);
        return;
    case XG_MSG_QUERY_ORDER:
        slot = find_own_order(gw, &m);
        if (slot == XG_ORDER_NONE) {
            reply_error(gw, p, m.req_id, m.order.client_id,
                        XG_ERR_UNKNOWN_ORDER, "no such client_order_id");
            return;
        }
        reply_order(gw, p, m.req_id, slot);
        return;
    case XG_MSG_VENUE_STATUS:
        reply_venues(gw, p, m.req_id);
        return;
    }
}

/* Read one multi-part request: [identity, (empty,) body]. Returns 0 when
 * nothing is waiting. */
static int
read_request(xg__gateway *gw)
{
    zmq_msg_t frames[3];
    size_t n = 0;
    int more = 1;
    int extra = 0;
    while (more) {
        zmq_msg_t f;
        zmq_msg_init(&f);
        if (zmq_msg_recv(&f, gw->router_sock, n == 0 ? ZMQ_DONTWAIT : 0) < 0) {
            zmq_msg_close(&f);
            if (n == 0) {
                return 0;
            }
            break;
        }
        more = zmq_msg_more(&f);
        if (n < 3) {
            frames[n++] = f;
        } else {
            extra = 1;
            zmq_msg_close(&f);
        }
    }
    peer p;
    memset(&p, 0, sizeof p);
    size_t id_len = zmq_msg_size(&frames[0]);
    p.id_len = id_len < IDENTITY_MAX ? id_len : IDENTITY_MAX;
    memcpy(p.id, zmq_msg_data(&frames[0]), p.id_len);
    if (n == 3 && zmq_msg_size(&frames[1]) == 0) {
        p.has_delimiter = 1;
    }
    if (n < 2 || (n == 3 && !p.has_delimiter) || extra) {
        reply_error(gw, &p, "", "", XG_ERR_BAD_REQUEST,
                    "a request is one frame of JSON");
    } else {
        zmq_msg_t *body = &frames[n - 1];
        handle_request(gw, &p, zmq_msg_data(body), zmq_msg_size(body));
    }
    for (size_t i = 0; i < n; i++) {
        zmq_msg_close(&frames[i]);
    }
    return 1;
}

/* --- life -------------------------------------------------------------- */

static xg_err
start_venue(xg__gateway *gw, const xg__venue_config *vc, const char *dir,
            char *err, size_t err_len)
{
    xg__venue *v = &gw->venues[gw->n_venues];
    memset(v, 0, sizeof *v);
    v->cfg = vc;
    xg_err e = xg__plugins_load_venue(&gw->plugins, dir, vc->name, &v->plugin,
                                      err, err_len);
    if (e != XG_OK) {
        return e;
    }
    xg_kv opts[XG_MAX_OPTIONS];
    for (size_t i = 0; i < vc->n_options; i++) {
        opts[i].key = vc->option_keys[i];
        opts[i].value = vc->option_values[i];
    }
    xg_adapter_config ac = {xg__secret_bytes(&vc->api_key),
                            xg__secret_bytes(&vc->secret),
                            xg__secret_bytes(&vc->passphrase), opts,
                            vc->n_options};
    char why[160] = "";
    e = v->plugin->api->create(&ac, &v->inst, why, sizeof why);
    if (e != XG_OK) {
        snprintf(err, err_len, "%s: venues.%s: %s", gw->cfg->path, vc->name,
                 why);
        return e;
    }
    v->endpoint.base_url =
        vc->base_url[0] ? vc->base_url : v->plugin->api->default_base_url;
    v->endpoint.connect_timeout_ms = vc->connect_timeout_ms;
    v->endpoint.timeout_ms = vc->timeout_ms;
    v->endpoint.verify_tls = !vc->is_simulator;
    v->max_in_flight = (size_t)vc->max_connections;
    size_t qcap = gw->cfg->max_orders + 64;
    if (xg__queue_init(&v->urgent, qcap) != XG_OK ||
        xg__queue_init(&v->normal, qcap) != XG_OK ||
        xg__venue_rebuild_limiter(v, why, sizeof why) != XG_OK) {
        snprintf(err, err_len, "venue %s: %s", vc->name,
                 why[0] ? why : "out of memory");
        gw->n_venues++; /* so destroy releases it */
        return XG_ERR_NOMEM;
    }
    gw->n_venues++;
    xg__health_start(gw, v);
    return XG_OK;
}

static xg_err
open_sockets(xg__gateway *gw, char *err, size_t err_len)
{
    gw->zmq_ctx = zmq_ctx_new();
    if (gw->zmq_ctx == NULL) {
        xg_strlcpy(err, "cannot create a ZeroMQ context", err_len);
        return XG_ERR_IO;
    }
    gw->router_sock = zmq_socket(gw->zmq_ctx, ZMQ_ROUTER);
    gw->pub_sock = zmq_socket(gw->zmq_ctx, ZMQ_PUB);
    xg__outbox_init(&gw->outbox, gw->router_sock, gw->pub_sock);
    int64_t max_msg = ZMQ_MAX_MSG_BYTES;
    int linger = 0;
    int hwm = 1000000;
    zmq_setsockopt(gw->router_sock, ZMQ_MAXMSGSIZE, &max_msg, sizeof max_msg);
    zmq_setsockopt(gw->router_sock, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(gw->pub_sock, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(gw->pub_sock, ZMQ_SNDHWM, &hwm, sizeof hwm);
    zmq_setsockopt(gw->router_sock, ZMQ_SNDHWM, &hwm, sizeof hwm);
    if (zmq_bind(gw->router_sock, gw->cfg->request_endpoint) != 0) {
        snprintf(err, err_len, "%s: api.requests: cannot bind %s: %s",
                 gw->cfg->path, gw->cfg->request_endpoint,
                 zmq_strerror(zmq_errno()));
        return XG_ERR_IO;
    }
    if (zmq_bind(gw->pub_sock, gw->cfg->event_endpoint) != 0) {
        snprintf(err, err_len, "%s: api.events: cannot bind %s: %s",
                 gw->cfg->path, gw->cfg->event_endpoint,
                 zmq_strerror(zmq_errno()));
        return XG_ERR_IO;
    }
    /* With "tcp://127.0.0.1:*" ZeroMQ picks the port: say which, so
     * launchers (tests, demo) can connect. */
    char ep[256];
    size_t len = sizeof ep;
    zmq_getsockopt(gw->router_sock, ZMQ_LAST_ENDPOINT, ep, &len);
    printf("xgated: requests %s\n", ep);
    len = sizeof ep;
    zmq_getsockopt(gw->pub_sock, ZMQ_LAST_ENDPOINT, ep, &len);
    printf("xgated: events %s\n", ep);
    fflush(stdout);
    return XG_OK;
}

xg_err
xg__gateway_new(xg__gateway **out, const xg__config *cfg, const char *exe_dir,
                char *err, size_t err_len)
{
    *out = NULL;
    xg__gateway *gw = calloc(1, sizeof *gw);
    if (gw == NULL) {
        xg_strlcpy(err, "out of memory", err_len);
        return XG_ERR_NOMEM;
    }
    gw->cfg = cfg;
    read_clock(&gw->now);
    xg__plugins_init(&gw->plugins);
    char dir[XG_PATH_MAX];
    xg_buf d;
    xg_buf_init(&d, dir, sizeof dir);
    if (cfg->adapters_dir[0] != '\0') {
        xg_buf_puts(&d, cfg->adapters_dir);
    } else {
        /* build/bin/../adapters in a build tree; <prefix>/bin/../lib/
         * xgate/adapters once installed (cmake --install). */
        xg_buf_puts(&d, exe_dir);
        xg_buf_puts(&d, "/../adapters");
        struct stat st;
        if (stat(dir, &st) != 0) {
            xg_buf_reset(&d);
            xg_buf_puts(&d, exe_dir);
            xg_buf_puts(&d, "/../lib/xgate/adapters");
        }
    }
    size_t max_xfers = 0;
    long max_conns = 1;
    for (size_t i = 0; i < cfg->n_venues; i++) {
        max_xfers += (size_t)cfg->venues[i].max_connections;
        if (cfg->venues[i].max_connections > max_conns) {
            max_conns = cfg->venues[i].max_connections;
        }
    }
    xg_err e = XG_ERR_NOMEM;
    gw->orders = xg__orders_new(cfg->max_orders, gw->now.wall_ms);
    /* One spare slot: a completion callback runs while its own slot is
     * still lent out, and may send the venue's next request. */
    gw->transport =
        xg__transport_new(max_xfers + 1, max_conns, xg__router_on_done, gw);
    if (gw->orders == NULL || gw->transport == NULL) {
        xg_strlcpy(err, "out of memory", err_len);
        goto fail;
    }
    if (strcmp(cfg->journal, "off") != 0) {
        xg__sync_mode mode =
            strcmp(cfg->journal, "full") == 0 ? XG_SYNC_FULL : XG_SYNC_NORMAL;
        gw->dirty = malloc(cfg->max_orders * sizeof *gw->dirty);
        if (gw->dirty == NULL) {
            xg_strlcpy(err, "out of memory", err_len);
            goto fail;
        }
        if ((e = xg__journal_open(&gw->journal, cfg->data_dir, mode, err,
                                  err_len))) {
            goto fail;
        }
    }
    for (size_t i = 0; i < cfg->n_venues; i++) {
        if ((e = start_venue(gw, &cfg->venues[i], dir, err, err_len))) {
            goto fail;
        }
    }
    if ((e = xg__persist_recover(gw, err, err_len))) {
        goto fail;
    }
    if ((e = open_sockets(gw, err, err_len))) {
        goto fail;
    }
    *out = gw;
    return XG_OK;
fail:
    xg__gateway_destroy(&gw);
    return e;
}

/* Make the turn's order changes durable, then let its requests leave,
 * then tell the strategies. A journal that cannot commit stops the
 * daemon: trading on without it could lose or double an order after the
 * next crash. */
static int
end_turn(xg__gateway *gw)
{
    if (xg__persist_commit(gw) != XG_OK) {
        return -1;
    }
    xg__transport_flush(gw->transport);
    xg__outbox_flush(&gw->outbox);
    if (gw->journal != NULL &&
        xg__journal_checkpoint(gw->journal, 0) != XG_OK) {
        xg__warn("journal: %s", xg__journal_last_error(gw->journal));
    }
    return 0;
}

static int64_t
mono_us(void)
{
    struct timespec m;
    clock_gettime(CLOCK_MONOTONIC, &m);
    return (int64_t)m.tv_sec * 1000000 + m.tv_nsec / 1000;
}

/* zmq_poll, but after a busy turn first keep polling without sleeping for
 * up to busy_poll_us (never past the timeout), yielding the CPU between
 * polls. A thread that sleeps must be woken, and on a virtual machine each
 * wake-up costs tens of microseconds: with an order in flight its answer
 * usually comes back within that window. sched_yield lets the simulator,
 * ZeroMQ's I/O thread or a strategy on the same core run meanwhile. */
static int
wait_for_work(xg__gateway *gw, zmq_pollitem_t *items, int n, long timeout_ms)
{
    int64_t spin_us = gw->cfg->busy_poll_us;
    if (!gw->was_busy || spin_us == 0 || timeout_ms == 0) {
        return zmq_poll(items, n, timeout_ms);
    }
    if (timeout_ms > 0 && spin_us > timeout_ms * 1000) {
        spin_us = timeout_ms * 1000;
    }
    int64_t start = mono_us();
    int64_t spun = 0;
    while (spun < spin_us) {
        int rc = zmq_poll(items, n, 0);
        if (rc != 0) {
            return rc;
        }
        sched_yield();
        spun = mono_us() - start;
    }
    if (timeout_ms > 0) {
        timeout_ms -= (long)(spun / 1000);
        if (timeout_ms < 0) {
            timeout_ms = 0;
        }
    }
    return zmq_poll(items, n, timeout_ms);
}

static int
poll_once(xg__gateway *gw)
{
    zmq_pollitem_t items[MAX_POLL];
    xg__watch watches[MAX_POLL - 1];
    size_t nw = xg__transport_watches(gw->transport, watches, MAX_POLL - 1);
    items[0] = (zmq_pollitem_t){gw->router_sock, 0, ZMQ_POLLIN, 0};
    for (size_t i = 0; i < nw; i++) {
        short ev = (short)(((watches[i].events & XG_WATCH_IN) ? ZMQ_POLLIN : 0) |
                           ((watches[i].events & XG_WATCH_OUT) ? ZMQ_POLLOUT
                                                               : 0));
        items[1 + i] = (zmq_pollitem_t){NULL, watches[i].fd, ev, 0};
    }
    long timeout = xg__transport_timeout_ms(gw->transport);
    int64_t wake = xg__router_next_wake_ms(gw);
    if (wake > 0) {
        int64_t left = wake - gw->now.mono_ms;
        if (left < 0) {
            left = 0;
        }
        if (timeout < 0 || left < timeout) {
            timeout = (long)left;
        }
    }
    if (timeout < 0 || timeout > 1000) {
        timeout = 1000; /* keeps shutdown prompt without signals racing */
    }
    int rc = wait_for_work(gw, items, (int)(1 + nw), timeout);
    gw->was_busy = rc > 0;
    if (rc == 0 && gw->journal != NULL &&
        xg__journal_checkpoint(gw->journal, 1) != XG_OK) {
        xg__warn("journal: %s", xg__journal_last_error(gw->journal));
    }
    if (rc == 0) {
        (void)xg__persist_housekeeping(gw); /* logs its own failure */
    }
    if (rc < 0) {
        if (errno == EINTR) {
            return 0;
        }
        xg__error("poll: %s", zmq_strerror(zmq_errno()));
        return -1;
    }
    read_clock(&gw->now);
    if (items[0].revents & ZMQ_POLLIN) {
        for (int i = 0; i < REQS_PER_TURN && read_request(gw); i++) {
        }
    }
    xg__watch ready[MAX_POLL - 1];
    size_t nr = 0;
    for (size_t i = 0; i < nw; i++) {
        short re = items[1 + i].revents;
        if (re != 0) {
            ready[nr].fd = watches[i].fd;
            ready[nr].events =
                (short)(((re & (ZMQ_POLLIN | ZMQ_POLLERR)) ? XG_WATCH_IN : 0) |
                        ((re & ZMQ_POLLOUT) ? XG_WATCH_OUT : 0));
            nr++;
        }
    }
    xg__transport_perform(gw->transport, ready, nr);
    return end_turn(gw);
}

xg_err
xg__gateway_run(xg__gateway *gw, volatile sig_atomic_t *stop)
{
    read_clock(&gw->now);
    for (size_t i = 0; i < gw->n_venues; i++) {
        xg__router_pump(gw, &gw->venues[i]);
    }
    while (!*stop) {
        read_clock(&gw->now);
        xg__router_tick(gw);
        if (end_turn(gw) != 0 || poll_once(gw) != 0) {
            xg__error("stopping: the event loop cannot go on");
            return XG_ERR_IO;
        }
    }
    xg__info("stopping: %zu orders open", xg__orders_count_open(gw->orders));
    return XG_OK;
}

void
xg__gateway_destroy(xg__gateway **gwp)
{
    xg__gateway *gw = *gwp;
    if (gw == NULL) {
        return;
    }
    xg__transport_destroy(&gw->transport);
    for (size_t i = 0; i < gw->n_venues; i++) {
        xg__venue *v = &gw->venues[i];
        if (v->inst != NULL) {
            v->plugin->api->destroy(v->inst);
        }
        xg_limiter_destroy(&v->limiter);
        xg__queue_fini(&v->urgent);
        xg__queue_fini(&v->normal);
        free(v->sweep_pages);
        free(v->instruments);
    }
    xg__plugins_fini(&gw->plugins);
    xg__orders_destroy(&gw->orders);
    xg__journal_close(&gw->journal);
    free(gw->dirty);
    free(gw->ins_scratch);
    free(gw->swept);
    free(gw->sweep_marks);
    xg__outbox_free(&gw->outbox); /* what a failed commit held back */
    if (gw->router_sock != NULL) {
        zmq_close(gw->router_sock);
    }
    if (gw->pub_sock != NULL) {
        zmq_close(gw->pub_sock);
    }
    if (gw->zmq_ctx != NULL) {
        zmq_ctx_term(gw->zmq_ctx);
    }
    xg_wipe(&gw->req, sizeof gw->req);
    free(gw);
    *gwp = NULL;
}
