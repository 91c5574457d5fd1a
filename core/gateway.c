/*
 * gateway.c - the daemon's life: start-up, the event loop, readiness.
 *
 * Owns the ZeroMQ sockets, the transport and the loop's clock. Each turn
 * runs the same phases in the same order, so work flows one way:
 *
 *   wait for work (zmq_poll over the request socket and the transport's
 *     sockets, with a timeout from the next timer)
 *   read the clock, once
 *   inputs: strategies' requests (api.c), venue answers (transport ->
 *     answers.c)
 *   timers: venue waits ending, clock resyncs, open-order sweeps,
 *     streams, deadlines, fills checks, the shared limits' Redis
 *   send: the venues marked during the turn (sender.c)
 *   record: commit the turn's order changes to the journal
 *   release: the turn's requests to the network, then replies and events
 *
 * Decisions are made below, in the modules these phases call; nothing
 * below calls back up here.
 */
#include "gateway.h"

#include <errno.h>
#include <malloc.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/rand.h>
#include <zmq.h>

#include "act.h"
#include "answers.h"
#include "api.h"
#include "batch.h"
#include "fills.h"
#include "log.h"
#include "recover.h"
#include "routing.h"
#include "sender.h"
#include "share.h"
#include "state.h"
#include "stream.h"
#include "sweep.h"
#include "xgate/buf.h"

#define MAX_WATCHES   256               /* the transport's and streams' */
#define MAX_POLL      (2 + MAX_WATCHES) /* + requests, + the journal's syncer */
#define REQS_PER_TURN 256
/* Requests read since the allocator last gave memory back, past which
 * a quiet moment asks it to (a flood leaves freed memory behind), and how
 * long the loop must have had nothing to do for the moment to be quiet:
 * giving memory back takes milliseconds, which must not fall on a burst's
 * next order. */
#define TRIM_AFTER_REQS 10000
#define QUIET_MS        250

struct xg__gateway {
    xg__state st;
    xg__plugins plugins;
    xg__transport *transport;
    xg__sender sender;
    xg__answers answers;
    xg__share share; /* limits shared with other gateways */
    xg__api api;
    void *zmq_ctx;
    void *router_sock; /* strategies' requests */
    void *pub_sock;    /* events */
    xg__outbox outbox; /* replies and events until the turn ends */
    int is_ready;
    int was_busy;         /* the last poll found work: spin before sleeping */
    int64_t busy_mono_ms; /* when a poll last found work */
};

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

/* --- readiness --------------------------------------------------------- */

/* Whether an order recovered from the journal still waits to be settled
 * by a venue that can answer now. Orders held by a BANNED or DOWN venue
 * are settled when it comes back; the gateway does not wait for them, or
 * a restart during a ban (Binance's last up to days) would stop orders to
 * every venue for as long. Until then they read UNKNOWN, and a cancel of
 * one waits for its venue. */
static int
is_recovery_due(const xg__state *st)
{
    size_t top = xg__orders_high_water(st->orders);
    for (uint32_t slot = 0; slot < top; slot++) {
        const xg__order_rec *r = xg__orders_get(st->orders, slot);
        if (r == NULL || !r->recovering) {
            continue;
        }
        xg__venue_state s = st->venues[r->venue].health.state;
        if (s != XG_VENUE_BANNED && s != XG_VENUE_DOWN) {
            return 1;
        }
    }
    return 0;
}

/* Ready once every venue has started (or failed to) and the journal's
 * orders are settled (docs/architecture.md, recovery). */
static void
check_ready(xg__gateway *gw)
{
    xg__state *st = &gw->st;
    for (size_t i = 0; i < st->n_venues; i++) {
        if (st->venues[i].health.state == XG_VENUE_STARTING) {
            return;
        }
    }
    if (st->n_recovering > 0 && is_recovery_due(st)) {
        return;
    }
    gw->is_ready = 1;
    gw->api.is_ready = 1;
    xg__info("ready: %zu venues", st->n_venues);
    xg__events_started(&st->events, st->now.wall_ms);
    fputs("xgated: ready\n", stdout);
    fflush(stdout);
}

/* --- timers ------------------------------------------------------------ */

/* Whatever came due by now: venue waits ending, limiter wake-ups, clock
 * resyncs, sweeps, streams, deadlines, orders whose fills are untold. */
static void
run_timers(xg__state *st)
{
    for (size_t i = 0; i < st->n_venues; i++) {
        xg__venue *v = &st->venues[i];
        if (v->health.until_mono_ms > 0 &&
            st->now.mono_ms >= v->health.until_mono_ms) {
            const xg__health_event tick = {XG_HEALTH_TICK, 0, 0, ""};
            xg__routing_venue(st, v, &tick);
        }
        if (v->wake_mono_ms > 0 && st->now.mono_ms >= v->wake_mono_ms) {
            v->wake_mono_ms = 0;
            xg__state_mark(st, v);
        }
        if (v->has_time && st->now.mono_ms >= v->next_resync_mono_ms) {
            v->next_resync_mono_ms =
                st->now.mono_ms + v->cfg->resync_interval_ms;
            xg__act_queue_venue_op(st, v, XG_OP_SERVER_TIME, 0);
        }
        xg__sweep_start(st, v);
    }
    xg__stream_timers(st);
    xg__routing_deadlines(st);
    xg__fills_timers(st);
    xg__share_timers(st->share);
}

/* The monotonic ms of the next timer, -1 for none. */
static int64_t
next_timer_ms(const xg__state *st)
{
    int64_t next = -1;
    for (size_t i = 0; i < st->n_venues; i++) {
        const xg__venue *v = &st->venues[i];
        int64_t cands[4] = {v->health.until_mono_ms, v->wake_mono_ms,
                            v->has_time ? v->next_resync_mono_ms : 0,
                            v->health.state == XG_VENUE_UP ? xg__sweep_due_ms(v)
                                                           : 0};
        for (size_t k = 0; k < 4; k++) {
            if (cands[k] > 0 && (next < 0 || cands[k] < next)) {
                next = cands[k];
            }
        }
    }
    int64_t stream = xg__stream_next_ms(st);
    if (stream > 0 && (next < 0 || stream < next)) {
        next = stream;
    }
    const xg__deadlines *walls[] = {&st->deadlines, &st->fill_checks};
    for (size_t k = 0; k < 2; k++) {
        int64_t at = xg__deadlines_next_ms(walls[k]);
        if (at > 0) {
            int64_t mono = at - st->now.wall_ms + st->now.mono_ms;
            if (next < 0 || mono < next) {
                next = mono;
            }
        }
    }
    return next;
}

/* --- the loop ---------------------------------------------------------- */

/* Send what the turn decided: make its order changes durable, then let
 * its requests leave, then tell the strategies. A journal that cannot
 * commit stops the daemon: trading on without it could lose or double an
 * order after the next crash. */
/* Let out the requests and replies of every turn whose journal frame is
 * durable: at once in "normal", after the syncer's fdatasync in "full". */
static int
release(xg__gateway *gw)
{
    uint64_t durable;
    if (xg__persist_durable(&gw->st.persist, &durable) != XG_OK) {
        return -1;
    }
    xg__transport_flush(gw->transport, durable);
    xg__outbox_flush(&gw->outbox, durable);
    return 0;
}

static int
end_turn(xg__gateway *gw)
{
    xg__state *st = &gw->st;
    xg__sender_drain(&gw->sender, st);
    if (!gw->is_ready) {
        check_ready(gw);
    }
    if (xg__persist_commit(&st->persist, st->orders, st->venues,
                           st->now.wall_ms) != XG_OK) {
        return -1;
    }
    /* Everything this turn produced waits for the last frame written:
     * this turn's changes are in it or before it, and so is every earlier
     * turn's state that a reply of this turn may show. */
    uint64_t written = xg__persist_written(&st->persist);
    xg__transport_seal(gw->transport, written);
    xg__outbox_seal(&gw->outbox, written);
    return release(gw);
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
    int64_t spin_us = gw->st.cfg->busy_poll_us;
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

static long
poll_timeout_ms(const xg__gateway *gw)
{
    const xg__state *st = &gw->st;
    if (st->pump_marks != 0) {
        return 0; /* the drain left work for this turn */
    }
    long timeout = xg__transport_timeout_ms(gw->transport);
    int64_t share = xg__share_timeout_ms(&gw->share);
    if (share >= 0 && (timeout < 0 || share < timeout)) {
        timeout = (long)share;
    }
    int64_t wake = next_timer_ms(st);
    if (wake > 0) {
        int64_t left = wake - st->now.mono_ms;
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
    return timeout;
}

/* Nothing to do this turn: after a quiet while, memory a flood of
 * requests left behind goes back to the kernel. (The journal's
 * housekeeping is its compactor's, on its own thread.) */
static void
idle(xg__gateway *gw)
{
    if (gw->st.now.mono_ms - gw->busy_mono_ms < QUIET_MS) {
        return;
    }
    int is_freed = xg__outbox_shrink(&gw->outbox);
    if (is_freed || gw->api.n_read > TRIM_AFTER_REQS) {
        gw->api.n_read = 0;
        malloc_trim(0);
    }
}

/* One turn: wait, read the clock, take the inputs, run the timers, then
 * end the turn. */
static int
turn(xg__gateway *gw)
{
    zmq_pollitem_t items[MAX_POLL];
    xg__watch watches[MAX_WATCHES];
    size_t nw = xg__transport_watches(gw->transport, watches, MAX_WATCHES);
    /* The streams' sockets after the transport's: each side is handed the
     * whole ready list and takes its own. */
    nw += xg__stream_watches(&gw->st, watches + nw, MAX_WATCHES - nw);
    nw += xg__share_watches(&gw->share, watches + nw, MAX_WATCHES - nw);
    items[0] = (zmq_pollitem_t){gw->router_sock, 0, ZMQ_POLLIN, 0};
    for (size_t i = 0; i < nw; i++) {
        short ev =
            (short)(((watches[i].events & XG_WATCH_IN) ? ZMQ_POLLIN : 0) |
                    ((watches[i].events & XG_WATCH_OUT) ? ZMQ_POLLOUT : 0));
        items[1 + i] = (zmq_pollitem_t){NULL, watches[i].fd, ev, 0};
    }
    /* The journal's syncer says a turn became durable: end_turn lets
     * out what waited for it. */
    int n_items = (int)(1 + nw);
    int synced_fd = xg__persist_wake_fd(&gw->st.persist);
    if (synced_fd >= 0) {
        items[n_items++] = (zmq_pollitem_t){NULL, synced_fd, ZMQ_POLLIN, 0};
    }
    int rc = wait_for_work(gw, items, n_items, poll_timeout_ms(gw));
    if (rc < 0) {
        if (errno == EINTR) {
            return 0;
        }
        xg__error("poll: %s", zmq_strerror(zmq_errno()));
        return -1;
    }
    gw->was_busy = rc > 0;
    read_clock(&gw->st.now);
    if (rc > 0) {
        gw->busy_mono_ms = gw->st.now.mono_ms;
    } else {
        idle(gw);
    }
    if (items[0].revents & ZMQ_POLLIN) {
        (void)xg__api_read(&gw->api, REQS_PER_TURN);
    }
    xg__watch ready[MAX_WATCHES];
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
    xg__stream_perform(&gw->st, ready, nr);
    xg__share_perform(&gw->share, ready, nr);
    run_timers(&gw->st);
    return end_turn(gw);
}

xg_err
xg__gateway_run(xg__gateway *gw, volatile sig_atomic_t *stop)
{
    read_clock(&gw->st.now);
    for (size_t i = 0; i < gw->st.n_venues; i++) {
        xg__state_mark(&gw->st, &gw->st.venues[i]);
    }
    if (end_turn(gw) != 0) {
        return XG_ERR_IO;
    }
    while (!*stop) {
        if (turn(gw) != 0) {
            xg__error("stopping: the event loop cannot go on");
            return XG_ERR_IO;
        }
    }
    /* The last turns' replies wait for their sync ("full"). */
    xg__persist_wait_durable(&gw->st.persist);
    if (release(gw) != 0) {
        return XG_ERR_IO;
    }
    xg__info("stopping: %zu orders open", xg__orders_count_open(gw->st.orders));
    return XG_OK;
}

/* --- life -------------------------------------------------------------- */

static xg_err
start_venue(xg__gateway *gw, const xg__venue_config *vc, const char *dir,
            char *err, size_t err_len)
{
    xg__state *st = &gw->st;
    xg__venue *v = &st->venues[st->n_venues];
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
    xg_adapter_config ac = {
        xg__secret_bytes(&vc->api_key), xg__secret_bytes(&vc->secret),
        xg__secret_bytes(&vc->passphrase), opts, vc->n_options};
    char why[160] = "";
    e = v->plugin->api->create(&ac, &v->inst, why, sizeof why);
    if (e != XG_OK) {
        snprintf(err, err_len, "%s: venues.%s: %s", st->cfg->path, vc->name,
                 why);
        return e;
    }
    v->endpoint.base_url =
        vc->base_url[0] ? vc->base_url : v->plugin->api->default_base_url;
    v->endpoint.connect_timeout_ms = vc->connect_timeout_ms;
    v->endpoint.timeout_ms = vc->timeout_ms;
    v->endpoint.verify_tls = !vc->is_simulator;
    v->max_in_flight = (size_t)vc->max_connections;
    v->n_flights = v->max_in_flight;
    const xg_adapter_caps *caps = &v->plugin->api->caps;
    v->ban_default_ms =
        vc->ban_default_ms > 0 ? vc->ban_default_ms : caps->default_ban_ms;
    /* A round follows as many pages as the order table can fill, so a
     * venue handing out cursors for ever cannot hold it; a venue that
     * lists all at once has one page. */
    v->sweep_pages_max =
        caps->open_orders_page_max > 0
            ? (uint32_t)(st->cfg->max_orders / caps->open_orders_page_max + 1)
            : 1;
    size_t n = st->cfg->max_orders;
    /* Each order has at most one entry per operation (act.c); sweeps and
     * the venue's own operations share the urgent queue with queries. */
    st->n_venues++; /* from here on destroy releases it */
    if (xg__queue_init(&v->cancels, n) != XG_OK ||
        xg__queue_init(&v->urgent, 2 * n + 64) != XG_OK ||
        xg__queue_init(&v->normal, n) != XG_OK ||
        (v->flights = calloc(v->max_in_flight, sizeof *v->flights)) == NULL ||
        xg__venue_rebuild_limiter(v, why, sizeof why) != XG_OK) {
        snprintf(err, err_len, "venue %s: %s", vc->name,
                 why[0] ? why : "out of memory");
        return XG_ERR_NOMEM;
    }
    v->health.state = XG_VENUE_STARTING;
    xg__stream_init(v, st, vc->is_stream_on);
    xg__act_queue_venue_op(st, v, XG_OP_SERVER_TIME, 0);
    xg__act_queue_venue_op(st, v, XG_OP_INSTRUMENTS, 0);
    return XG_OK;
}

static xg_err
open_sockets(xg__gateway *gw, char *err, size_t err_len)
{
    const xg__config *cfg = gw->st.cfg;
    gw->zmq_ctx = zmq_ctx_new();
    if (gw->zmq_ctx == NULL) {
        xg_strlcpy(err, "cannot create a ZeroMQ context", err_len);
        return XG_ERR_IO;
    }
    gw->router_sock = zmq_socket(gw->zmq_ctx, ZMQ_ROUTER);
    gw->pub_sock = zmq_socket(gw->zmq_ctx, ZMQ_PUB);
    xg__outbox_init(&gw->outbox, gw->router_sock, gw->pub_sock);
    xg__api_init(&gw->api, gw->router_sock, &gw->outbox, &gw->st);
    /* No frame size cap: ZeroMQ would drop the connection of a client
     * whose frame passed it, and that request would get no reply. Every
     * frame is read and one over XG_MSG_MAX_BYTES is refused TOO_LARGE
     * (docs/protocol.md). A full client queue makes a send fail instead
     * of dropping the reply (ROUTER_MANDATORY): outbox.c holds it. */
    int64_t max_msg = -1;
    int linger = 0;
    int mandatory = 1;
    int reply_hwm = (int)cfg->max_unread_replies;
    int event_hwm = 1000000;
    zmq_setsockopt(gw->router_sock, ZMQ_MAXMSGSIZE, &max_msg, sizeof max_msg);
    zmq_setsockopt(gw->router_sock, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(gw->router_sock, ZMQ_ROUTER_MANDATORY, &mandatory,
                   sizeof mandatory);
    zmq_setsockopt(gw->router_sock, ZMQ_SNDHWM, &reply_hwm, sizeof reply_hwm);
    zmq_setsockopt(gw->pub_sock, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(gw->pub_sock, ZMQ_SNDHWM, &event_hwm, sizeof event_hwm);
    if (zmq_bind(gw->router_sock, cfg->request_endpoint) != 0) {
        snprintf(err, err_len, "%s: api.requests: cannot bind %s: %s",
                 cfg->path, cfg->request_endpoint, zmq_strerror(zmq_errno()));
        return XG_ERR_IO;
    }
    if (zmq_bind(gw->pub_sock, cfg->event_endpoint) != 0) {
        snprintf(err, err_len, "%s: api.events: cannot bind %s: %s", cfg->path,
                 cfg->event_endpoint, zmq_strerror(zmq_errno()));
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

/* This process's start id: 16 random hex characters, so a client can
 * tell a restarted gateway from the one it knew. */
static xg_err
make_start_id(char out[XG_START_ID_LEN + 1])
{
    unsigned char raw[XG_START_ID_LEN / 2];
    if (RAND_bytes(raw, sizeof raw) != 1) {
        return XG_ERR_IO;
    }
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof raw; i++) {
        out[2 * i] = hex[raw[i] >> 4];
        out[2 * i + 1] = hex[raw[i] & 0xf];
    }
    out[XG_START_ID_LEN] = '\0';
    return XG_OK;
}

/* The adapters' directory: the config's, else beside the executable. */
static void
adapters_dir(const xg__config *cfg, const char *exe_dir, char *dir, size_t cap)
{
    xg_buf d;
    xg_buf_init(&d, dir, cap);
    if (cfg->adapters_dir[0] != '\0') {
        xg_buf_puts(&d, cfg->adapters_dir);
        return;
    }
    /* build/bin/../adapters in a build tree; <prefix>/bin/../lib/
     * xgate/adapters once installed (cmake --install). */
    xg_buf_puts(&d, exe_dir);
    xg_buf_puts(&d, "/../adapters");
    struct stat sb;
    if (stat(dir, &sb) != 0) {
        xg_buf_reset(&d);
        xg_buf_puts(&d, exe_dir);
        xg_buf_puts(&d, "/../lib/xgate/adapters");
    }
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
    xg__state *st = &gw->st;
    st->cfg = cfg;
    read_clock(&st->now);
    xg__plugins_init(&gw->plugins);
    char dir[XG_PATH_MAX];
    adapters_dir(cfg, exe_dir, dir, sizeof dir);
    size_t max_xfers = 0;
    long max_conns = 1;
    for (size_t i = 0; i < cfg->n_venues; i++) {
        max_xfers += (size_t)cfg->venues[i].max_connections;
        if (cfg->venues[i].max_connections > max_conns) {
            max_conns = cfg->venues[i].max_connections;
        }
    }
    char start_id[XG_START_ID_LEN + 1];
    xg_err e = make_start_id(start_id);
    if (e != XG_OK) {
        xg_strlcpy(err, "cannot draw a random start id", err_len);
        goto fail;
    }
    xg__events_init(&st->events, &gw->outbox, start_id);
    e = XG_ERR_NOMEM;
    st->orders = xg__orders_new(cfg->max_orders, st->now.wall_ms);
    gw->transport = xg__transport_new(max_xfers, max_conns, xg__answers_on_done,
                                      &gw->answers);
    if (st->orders == NULL || gw->transport == NULL ||
        xg__deadlines_init(&st->deadlines, 1024) != XG_OK ||
        xg__deadlines_init(&st->fill_checks, 64) != XG_OK) {
        xg_strlcpy(err, "out of memory", err_len);
        goto fail;
    }
    xg__sender_init(&gw->sender, gw->transport);
    xg__answers_init(&gw->answers, st);
    if ((e = xg__persist_open(&st->persist, cfg, err, err_len))) {
        goto fail;
    }
    for (size_t i = 0; i < cfg->n_venues; i++) {
        if ((e = start_venue(gw, &cfg->venues[i], dir, err, err_len))) {
            goto fail;
        }
    }
    xg__share_init(&gw->share, st);
    if ((e = xg__recover(st, err, err_len))) {
        goto fail;
    }
    if ((e = open_sockets(gw, err, err_len)) ||
        (e = xg__persist_start(&st->persist, cfg, gw->zmq_ctx, err, err_len))) {
        goto fail;
    }
    *out = gw;
    return XG_OK;
fail:
    xg__gateway_destroy(&gw);
    return e;
}

void
xg__gateway_destroy(xg__gateway **gwp)
{
    xg__gateway *gw = *gwp;
    if (gw == NULL) {
        return;
    }
    xg__state *st = &gw->st;
    xg__share_fini(&gw->share);
    xg__transport_destroy(&gw->transport);
    for (size_t i = 0; i < st->n_venues; i++) {
        xg__venue *v = &st->venues[i];
        xg__stream_fini(v);
        if (v->inst != NULL) {
            v->plugin->api->destroy(v->inst);
        }
        xg_limiter_destroy(&v->limiter);
        xg__queue_fini(&v->cancels);
        xg__queue_fini(&v->urgent);
        xg__queue_fini(&v->normal);
        free(v->flights);
        xg__pages_fini(&v->sweep_pages);
        xg__pages_fini(&v->fill_pages);
        free(v->sweep_marks);
        free(v->instruments);
    }
    xg__plugins_fini(&gw->plugins);
    xg__orders_destroy(&st->orders);
    xg__persist_fini(&st->persist);
    xg__deadlines_fini(&st->deadlines);
    xg__deadlines_fini(&st->fill_checks);
    xg__answers_fini(&gw->answers);
    xg__sender_fini(&gw->sender);
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
    free(gw);
    *gwp = NULL;
}
