/*
 * bench_mm.c - a market-making loop against the simulator's real Binance
 * and OKX limits: how many re-quotes of 10 orders a second the gateway
 * sustains without a rate-limit answer, with the venue's native amend and
 * with batching, against cancel + new one by one (the target: at
 * least 2x the updates of one by one). Prints figures, never pass/fail.
 *
 * Usage: bench_mm [SECONDS] [binance|okx ...] [one_by_one|batched|amend|
 * amend_size ...] (default: 20 s per mode, both venues, all four modes;
 * Binance's amend_size needs about 190 s for whole cycles, see below).
 *
 * Per venue and mode, one fresh xgsim (its default limits, the real ones,
 * and <venue>.walk=0 so the price stays at 35000 and no quote fills) and
 * one fresh xgated on it. The strategy holds 10 quotes of 0.001 BTC/USDT:
 * 5 bids at 30000-30004 and 5 asks at 40000-40004, each moved one tick up
 * or down (alternately) by every update:
 *  - one_by_one: venue option "batch_max": 0; an update sends 10
 *    cancel_order for the quotes and 10 new_order for their successors
 *    (new client ids), all at once.
 *  - batched: default batching; the 10 cancel_order and one batch_new of
 *    the 10 new quotes. The gateway packs orders and cancels of a symbol
 *    that wait together into the venue's batch requests (OKX has batch
 *    place and batch cancel; Binance's spot API has neither, so there it
 *    is one_by_one again).
 *  - amend: default batching; 10 amend_order with the new price, same
 *    qty: OKX amends in place (amend-order), Binance cancel-replaces
 *    (cancelReplace) any price change.
 *  - amend_size: default batching; the quotes start at 0.02 BTC and never
 *    move; 10 amend_order lower each one's qty by one lot (0.00001), the
 *    re-quote of a maker trimming its size: OKX amends in place, Binance
 *    with keepPriority, which its ORDERS count does not charge (weight 4
 *    instead). one_by_one is its baseline too: a cancel + new costs the
 *    venue the same for a size as for a price.
 * An update is done when each of its orders is settled: the new ones
 * acked and the old ones canceled, or the amended ones amended or
 * replaced; one refused (a reply that is not ok, a rejected,
 * cancel_rejected or amend_rejected event, or any other final state)
 * counts as settled and is reported. The next update starts when the
 * previous one is done. The first update places the quotes and is not
 * counted (it also lets the gateway learn that the venue answers, before
 * which it sends one order at a time); then updates run for SECONDS, and
 * the one under way at the end is finished and counted.
 *
 * Printed per venue and mode: updates done and per second (over the time
 * from the first counted update's start to the last one's end, and over
 * the run's whole limiter cycles: see mm_steady), the
 * requests the venue received in that time by path (from xgsim's log; a
 * batch counts once, the entry with batch_i 0), the rate-limit answers in
 * the whole log (must be 0), the rate_limit_wait events the strategy got
 * for counted updates, the update time (median, p99, max) and orders
 * refused; then each mode's updates per second as a ratio to one_by_one's
 * on the same venue, over whole cycles (where both runs had them) and
 * over the runs. xg_sim_start always opens a Binance listener too; on an
 * OKX run the gateway is not told of it.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <zmq.h>

#include "bench_util.h"
#include "gw_launch.h"
#include "sim_launch.h"

#define MM_QUOTES    10
#define MM_MAX_WAITS (2 * MM_QUOTES)
/* Longest quiet spell in an update before the run is declared stalled:
 * a Binance update may wait up to its 10 s ORDERS window, amend_size's
 * up to its weight minute. */
#define MM_STALL_MS    75000
#define MM_MAX_UPDATES 100000
#define MM_MAX_PATHS   24
#define MM_N_MODES     4
/* Quote sizes in lots of 0.00001 BTC (a lot on both venues' BTC/USDT):
 * 0.001 BTC, and amend_size's start, 0.02 BTC, which one lot less per
 * update keeps above Binance's 5 USDT minimum notional for 1,900 updates. */
#define MM_LOTS_PER_BTC 100000
#define MM_LOTS         100
#define MM_SIZE_LOTS    2000
/* An update that took this long waited for the venue's limits: on
 * loopback one takes a few ms. */
#define MM_HELD_MS 100

typedef enum mm_mode {
    MM_ONE_BY_ONE,
    MM_BATCHED,
    MM_AMEND,
    MM_AMEND_SIZE
} mm_mode;

static const char *const mm_mode_names[MM_N_MODES] = {"one_by_one", "batched",
                                                      "amend", "amend_size"};

/* A venue: its price grid (the simulator's BTC/USDT tick, docs/
 * simulator.md and simulator-okx.md) and what in its log is a
 * rate-limit answer. Binance 429 (-1003 weight, -1015 orders) and 418
 * (ban); OKX 50011 (per instrument) and 50061 (sub-account), HTTP 429 or
 * 200 (shared/exchanges). */
typedef struct mm_venue {
    const char *name;
    int decimals;          /* the tick is one unit of the last decimal */
    int limited_status[3]; /* 0 ends */
    int limited_code[3];   /* 0 ends */
} mm_venue;

static const mm_venue mm_venues[] = {
    {"binance", 2, {429, 418, 0}, {-1003, -1015, 0}},
    {"okx", 1, {429, 0}, {50011, 50061, 0}},
};

#define MM_N_VENUES (sizeof mm_venues / sizeof mm_venues[0])

/* What an order of the update waits for. */
typedef enum mm_want { MM_WANT_ACK, MM_WANT_CANCEL, MM_WANT_AMEND } mm_want;

typedef struct mm_wait {
    char id[32];
    mm_want want;
    int done;
} mm_wait;

/* One quote: its client id now and its price without the tick of the
 * update (in units of the venue's tick). */
typedef struct mm_quote {
    char id[32];
    long base;
    int is_buy;
} mm_quote;

typedef struct mm_path {
    char path[64];
    long requests; /* a batch once */
    long orders;   /* log entries: a batch's each order */
} mm_path;

typedef struct mm_result {
    long updates;
    double elapsed_s;
    double rate;        /* updates/s over the run */
    double steady_rate; /* over whole limiter cycles; 0: none seen */
    long steady_updates;
    double steady_s;
    long rejected;
    long waits_told; /* rate_limit_wait events */
    long requests;
    long limited;
    size_t n_paths;
    mm_path paths[MM_MAX_PATHS];
    double p50_ms, p99_ms, max_ms;
} mm_result;

typedef struct mm_run {
    const mm_venue *v;
    mm_mode mode;
    xg_sim_proc sim;
    xg_gw_proc gw;
    xg_client client;
    int has_sim, has_gw, has_client;
    mm_quote quotes[MM_QUOTES];
    mm_wait waits[MM_MAX_WAITS];
    size_t n_waits, n_done;
    long update;  /* the update under way, 0 the warm-up */
    int counting; /* past the warm-up */
    mm_result *r;
} mm_run;

static char mm_log[32 * 1024 * 1024];
static char mm_msg[64 * 1024];
static int64_t mm_times[MM_MAX_UPDATES];
static int64_t mm_ends[MM_MAX_UPDATES];

static const mm_venue *
mm_find_venue(const char *name)
{
    for (size_t i = 0; i < MM_N_VENUES; i++) {
        if (strcmp(mm_venues[i].name, name) == 0) {
            return &mm_venues[i];
        }
    }
    return NULL;
}

static int
mm_find_mode(const char *name)
{
    for (int i = 0; i < MM_N_MODES; i++) {
        if (strcmp(mm_mode_names[i], name) == 0) {
            return i;
        }
    }
    return -1;
}

/* Start xgsim with the venue alone on its default limits, the walk
 * paused, then xgated on it (batch_max 0 for one_by_one). */
static xg_err
mm_start(mm_run *s)
{
    char listen[64], walk[64];

    snprintf(listen, sizeof listen, "%s=127.0.0.1:0", s->v->name);
    snprintf(walk, sizeof walk, "%s.walk=0", s->v->name);
    /* xg_sim_start always adds binance; a second --venue for it would be
     * refused. */
    const char *with_listener[] = {"--venue", listen, "--set", walk, NULL};
    const char *const *sim_args =
        strcmp(s->v->name, "binance") == 0 ? with_listener + 2 : with_listener;
    if (xg_sim_start(&s->sim, sim_args) != XG_OK) {
        fprintf(stderr, "bench: %s: cannot start xgsim\n", s->v->name);
        return XG_ERR_IO;
    }
    s->has_sim = 1;

    const char *venues[] = {s->v->name};
    int ports[] = {xg_sim_port(&s->sim, s->v->name)};
    const char *extra = s->mode == MM_ONE_BY_ONE ? "\"batch_max\": 0" : "";
    if (xg_gw_start_sim(&s->gw, venues, ports, 1, extra) != XG_OK) {
        fprintf(stderr, "bench: %s: cannot start xgated\n", s->v->name);
        return XG_ERR_IO;
    }
    s->has_gw = 1;
    if (xg_client_open(&s->client, &s->gw, "order.mm") != XG_OK) {
        fprintf(stderr, "bench: %s: cannot connect to xgated\n", s->v->name);
        return XG_ERR_IO;
    }
    s->has_client = 1;
    return XG_OK;
}

static void
mm_stop(mm_run *s)
{
    if (s->has_client) {
        xg_client_close(&s->client);
    }
    if (s->has_gw) {
        xg_gw_stop(&s->gw);
    }
    if (s->has_sim) {
        xg_sim_stop(&s->sim);
    }
}

/* Quote k's price in update u as a decimal string: its base, plus one
 * tick in odd updates (amend_size: its base always). */
static void
mm_price(const mm_run *s, size_t k, char *out, size_t cap)
{
    long scale = s->v->decimals == 2 ? 100 : 10;
    long p = s->quotes[k].base + (s->mode == MM_AMEND_SIZE ? 0 : s->update % 2);
    snprintf(out, cap, "%ld.%0*ld", p / scale, s->v->decimals, p % scale);
}

/* Every quote's qty in update u as a decimal string: amend_size's start
 * less one lot per update, else 0.001. */
static void
mm_qty(const mm_run *s, char *out, size_t cap)
{
    long lots = s->mode == MM_AMEND_SIZE ? MM_SIZE_LOTS - s->update : MM_LOTS;
    snprintf(out, cap, "%ld.%05ld", lots / MM_LOTS_PER_BTC,
             lots % MM_LOTS_PER_BTC);
}

static void
mm_quotes_init(mm_run *s)
{
    long scale = s->v->decimals == 2 ? 100 : 10;
    for (size_t k = 0; k < MM_QUOTES; k++) {
        mm_quote *q = &s->quotes[k];
        q->is_buy = k < MM_QUOTES / 2;
        q->base =
            (q->is_buy ? 30000 + (long)k : 40000 + (long)(k - MM_QUOTES / 2)) *
            scale;
        q->id[0] = '\0';
    }
}

static void
mm_expect(mm_run *s, const char *id, mm_want want)
{
    assert(s->n_waits < MM_MAX_WAITS);
    mm_wait *w = &s->waits[s->n_waits++];
    snprintf(w->id, sizeof w->id, "%s", id);
    w->want = want;
    w->done = 0;
}

static void
mm_send(mm_run *s, const char *msg, int len)
{
    if (len < 0 || (size_t)len >= sizeof mm_msg) {
        fprintf(stderr, "bench: request too long\n");
        exit(1);
    }
    zmq_send(s->client.dealer, msg, (size_t)len, 0);
}

/* The order object of quote k's new order (its new id already set). */
static int
mm_order_json(const mm_run *s, size_t k, char *out, size_t cap,
              const char *req_id)
{
    char price[32], qty[32];
    mm_price(s, k, price, sizeof price);
    mm_qty(s, qty, sizeof qty);
    /* An order of a batch_new has neither type nor req_id. */
    return snprintf(out, cap,
                    "{%s%s%s\"strategy\":\"mm\","
                    "\"client_order_id\":\"%s\",\"symbol\":\"BTC/USDT\","
                    "\"side\":\"%s\",\"order_type\":\"LIMIT\",\"tif\":"
                    "\"GTC\",\"qty\":\"%s\",\"price\":\"%s\","
                    "\"venues\":[\"%s\"]}",
                    req_id != NULL ? "\"type\":\"new_order\",\"req_id\":\""
                                   : "",
                    req_id != NULL ? req_id : "", req_id != NULL ? "\"," : "",
                    s->quotes[k].id, s->quotes[k].is_buy ? "BUY" : "SELL", qty,
                    price, s->v->name);
}

/* Send update s->update: see the file comment. Each request's req_id is
 * "<update>:<client id>" (a batch: "<update>:batch"), so a late reply of
 * an earlier update is not taken for this one's. */
static void
mm_send_update(mm_run *s)
{
    char req_id[48];
    int len = 0;

    s->n_waits = 0;
    s->n_done = 0;
    if ((s->mode == MM_AMEND || s->mode == MM_AMEND_SIZE) && s->update > 0) {
        /* amend moves the price, amend_size trims the qty. */
        const char *field = s->mode == MM_AMEND ? "price" : "qty";
        for (size_t k = 0; k < MM_QUOTES; k++) {
            char value[32];
            if (s->mode == MM_AMEND) {
                mm_price(s, k, value, sizeof value);
            } else {
                mm_qty(s, value, sizeof value);
            }
            len = snprintf(mm_msg, sizeof mm_msg,
                           "{\"type\":\"amend_order\",\"req_id\":\"%ld:%s\","
                           "\"strategy\":\"mm\",\"client_order_id\":\"%s\","
                           "\"%s\":\"%s\"}",
                           s->update, s->quotes[k].id, s->quotes[k].id, field,
                           value);
            mm_send(s, mm_msg, len);
            mm_expect(s, s->quotes[k].id, MM_WANT_AMEND);
        }
        return;
    }
    for (size_t k = 0; k < MM_QUOTES && s->update > 0; k++) {
        len = snprintf(mm_msg, sizeof mm_msg,
                       "{\"type\":\"cancel_order\",\"req_id\":\"%ld:%s\","
                       "\"strategy\":\"mm\",\"client_order_id\":\"%s\"}",
                       s->update, s->quotes[k].id, s->quotes[k].id);
        mm_send(s, mm_msg, len);
        mm_expect(s, s->quotes[k].id, MM_WANT_CANCEL);
    }
    for (size_t k = 0; k < MM_QUOTES; k++) {
        snprintf(s->quotes[k].id, sizeof s->quotes[k].id, "m%ldq%zu", s->update,
                 k);
        mm_expect(s, s->quotes[k].id, MM_WANT_ACK);
    }
    if (s->mode == MM_ONE_BY_ONE) {
        for (size_t k = 0; k < MM_QUOTES; k++) {
            snprintf(req_id, sizeof req_id, "%ld:%s", s->update,
                     s->quotes[k].id);
            len = mm_order_json(s, k, mm_msg, sizeof mm_msg, req_id);
            mm_send(s, mm_msg, len);
        }
        return;
    }
    len = snprintf(mm_msg, sizeof mm_msg,
                   "{\"type\":\"batch_new\",\"req_id\":\"%ld:batch\","
                   "\"orders\":[",
                   s->update);
    for (size_t k = 0; k < MM_QUOTES && len > 0; k++) {
        size_t at = (size_t)len + (k > 0);
        if (at >= sizeof mm_msg) {
            break;
        }
        if (k > 0) {
            mm_msg[len] = ',';
        }
        int n = mm_order_json(s, k, mm_msg + at, sizeof mm_msg - at, NULL);
        len = n < 0 ? -1 : (int)at + n;
    }
    if (len > 0 && (size_t)len + 2 < sizeof mm_msg) {
        memcpy(mm_msg + len, "]}", 3);
        len += 2;
    }
    mm_send(s, mm_msg, len);
}

/* Settle the wait for id, if this update has it open; refused counts. */
static void
mm_settle(mm_run *s, const char *id, int refused, const json_t *why)
{
    for (size_t i = 0; i < s->n_waits; i++) {
        mm_wait *w = &s->waits[i];
        if (w->done || strcmp(w->id, id) != 0) {
            continue;
        }
        w->done = 1;
        s->n_done++;
        if (refused) {
            if (s->r->rejected == 0 && why != NULL) {
                char *text = json_dumps(why, JSON_COMPACT);
                fprintf(stderr, "bench: %s %s: first refusal: %s\n", s->v->name,
                        mm_mode_names[s->mode], text != NULL ? text : "?");
                free(text);
            }
            s->r->rejected++;
        }
        return;
    }
}

/* Whether event e settles a wait of kind want, and whether as refused:
 * 1 settled, 2 settled refused, 0 neither. */
static int
mm_event_settles(mm_want want, const char *e)
{
    static const char *const final[] = {"filled", "canceled", "expired",
                                        "rejected"};
    if ((want == MM_WANT_ACK && strcmp(e, "acked") == 0) ||
        (want == MM_WANT_CANCEL && strcmp(e, "canceled") == 0) ||
        (want == MM_WANT_AMEND &&
         (strcmp(e, "amended") == 0 || strcmp(e, "replaced") == 0))) {
        return 1;
    }
    if (strcmp(e, "cancel_rejected") == 0 || strcmp(e, "amend_rejected") == 0) {
        return want == MM_WANT_ACK ? 0 : 2;
    }
    for (size_t i = 0; i < sizeof final / sizeof final[0]; i++) {
        if (strcmp(e, final[i]) == 0) {
            return 2;
        }
    }
    return 0;
}

static void
mm_on_event(mm_run *s, json_t *ev)
{
    const char *type = json_string_value(json_object_get(ev, "type"));
    if (type != NULL && strcmp(type, "rate_limit_wait") == 0) {
        s->r->waits_told += s->counting;
        return;
    }
    json_t *order = json_object_get(ev, "order");
    const char *e = json_string_value(json_object_get(ev, "event"));
    const char *id =
        json_string_value(json_object_get(order, "client_order_id"));
    if (type == NULL || strcmp(type, "order") != 0 || e == NULL || id == NULL) {
        return;
    }
    for (size_t i = 0; i < s->n_waits; i++) {
        if (!s->waits[i].done && strcmp(s->waits[i].id, id) == 0) {
            int how = mm_event_settles(s->waits[i].want, e);
            if (how != 0) {
                mm_settle(s, id, how == 2, ev);
            }
            return;
        }
    }
}

/* A reply: an error settles its order as refused; a batch's reply says
 * each order's outcome in order. */
static void
mm_on_reply(mm_run *s, json_t *rep)
{
    const char *req_id = json_string_value(json_object_get(rep, "req_id"));
    char *end = NULL;
    if (req_id == NULL) {
        return;
    }
    long u = strtol(req_id, &end, 10);
    if (end == req_id || *end != ':' || u != s->update) {
        return;
    }
    const char *id = end + 1;
    json_t *results = json_object_get(rep, "results");
    if (strcmp(id, "batch") != 0) {
        if (!json_is_true(json_object_get(rep, "ok"))) {
            mm_settle(s, id, 1, rep);
        }
        return;
    }
    if (!json_is_true(json_object_get(rep, "ok"))) {
        for (size_t k = 0; k < MM_QUOTES; k++) {
            mm_settle(s, s->quotes[k].id, 1, rep);
        }
        return;
    }
    for (size_t k = 0; k < MM_QUOTES && k < json_array_size(results); k++) {
        json_t *one = json_array_get(results, k);
        if (!json_is_true(json_object_get(one, "ok"))) {
            mm_settle(s, s->quotes[k].id, 1, one);
        }
    }
}

/* The last frame of one message on sock as JSON (given), or NULL. */
static json_t *
mm_recv(void *sock)
{
    zmq_msg_t m;
    json_t *j = NULL;
    int more = 1;

    zmq_msg_init(&m);
    while (more) {
        if (zmq_msg_recv(&m, sock, ZMQ_DONTWAIT) < 0) {
            break;
        }
        more = zmq_msg_more(&m);
        if (!more) {
            j = json_loadb(zmq_msg_data(&m), zmq_msg_size(&m), 0, NULL);
        }
    }
    zmq_msg_close(&m);
    return j;
}

/* Send update s->update and read replies and events until every order of
 * it is settled. 0 done, -1 stalled. */
static int
mm_run_update(mm_run *s)
{
    mm_send_update(s);
    while (s->n_done < s->n_waits) {
        zmq_pollitem_t items[2] = {{s->client.sub, 0, ZMQ_POLLIN, 0},
                                   {s->client.dealer, 0, ZMQ_POLLIN, 0}};
        if (zmq_poll(items, 2, MM_STALL_MS) <= 0) {
            fprintf(stderr,
                    "bench: %s %s: update %ld stalled at %zu of "
                    "%zu orders\n",
                    s->v->name, mm_mode_names[s->mode], s->update, s->n_done,
                    s->n_waits);
            return -1;
        }
        if (items[0].revents & ZMQ_POLLIN) {
            json_t *ev = mm_recv(s->client.sub);
            if (ev != NULL) {
                mm_on_event(s, ev);
                json_decref(ev);
            }
        }
        if (items[1].revents & ZMQ_POLLIN) {
            json_t *rep = mm_recv(s->client.dealer);
            if (rep != NULL) {
                mm_on_reply(s, rep);
                json_decref(rep);
            }
        }
    }
    return 0;
}

static int
mm_in_list(const int *list, size_t cap, int value)
{
    for (size_t i = 0; i < cap && list[i] != 0; i++) {
        if (list[i] == value) {
            return 1;
        }
    }
    return 0;
}

static void
mm_count_path(mm_result *r, const char *path, int is_first)
{
    size_t i = 0;
    while (i < r->n_paths && strcmp(r->paths[i].path, path) != 0) {
        i++;
    }
    if (i == r->n_paths) {
        if (r->n_paths == MM_MAX_PATHS) {
            return;
        }
        snprintf(r->paths[i].path, sizeof r->paths[i].path, "%s", path);
        r->n_paths++;
    }
    r->paths[i].orders++;
    r->paths[i].requests += is_first;
}

/* Read the venue's whole log: rate-limit answers anywhere in it, and the
 * requests with seq > since (those of the counted updates) by path. */
static xg_err
mm_read_log(mm_run *s, uint64_t since, uint64_t until)
{
    const mm_venue *v = s->v;
    mm_result *r = s->r;
    xg_err e = xg_sim_log_fetch(&s->sim, v->name, 0, mm_log, sizeof mm_log);
    if (e != XG_OK) {
        fprintf(stderr, "bench: %s: cannot read the simulator log\n", v->name);
        return e;
    }
    if (strlen(mm_log) == sizeof mm_log - 1) {
        fprintf(stderr, "bench: %s: simulator log truncated\n", v->name);
    }
    for (char *line = mm_log; *line != '\0';) {
        char *nl = strchr(line, '\n');
        size_t len = nl != NULL ? (size_t)(nl - line) : strlen(line);
        json_t *o = json_loadb(line, len, 0, NULL);
        line += len + (nl != NULL);
        if (o == NULL) {
            continue;
        }
        int status = (int)json_integer_value(json_object_get(o, "status"));
        int code = (int)json_integer_value(json_object_get(o, "code"));
        const char *path = json_string_value(json_object_get(o, "path"));
        uint64_t seq = (uint64_t)json_integer_value(json_object_get(o, "seq"));
        json_t *batch_n = json_object_get(o, "batch_n");
        int is_first = batch_n == NULL ||
                       json_integer_value(json_object_get(o, "batch_i")) == 0;
        r->limited += mm_in_list(v->limited_status, 3, status) ||
                      (code != 0 && mm_in_list(v->limited_code, 3, code));
        if (seq > since && seq <= until && path != NULL) {
            r->requests += is_first;
            mm_count_path(r, path, is_first);
        }
        json_decref(o);
    }
    return XG_OK;
}

/* The highest seq in the venue's log so far (0: empty). */
static uint64_t
mm_log_seq(const mm_run *s)
{
    uint64_t seq = 0;
    if (xg_sim_log_fetch(&s->sim, s->v->name, 0, mm_log, sizeof mm_log) !=
        XG_OK) {
        return 0;
    }
    for (char *p = strstr(mm_log, "\"seq\":"); p != NULL;
         p = strstr(p + 1, "\"seq\":")) {
        uint64_t n = strtoull(p + 6, NULL, 10);
        seq = n > seq ? n : seq;
    }
    return seq;
}

/*
 * The rate over whole limiter cycles. A run of a few of the venue's
 * windows counts the allowance left at its start (a burst) and may end
 * just after an update that waited a whole window, so its rate depends on
 * where the run fell against the windows (on Binance's clock-aligned 10 s
 * ORDERS window, 20 s hold two or three windows' worth). An update the
 * limiter held (MM_HELD_MS or longer) ends when the venue's window let it
 * go, at the same point of each cycle; the updates after the first held
 * one up to the last held one, over the time between their ends, are
 * whole cycles. Run before mm_times is sorted.
 */
static void
mm_steady(mm_result *r)
{
    long first = -1, last = -1;
    for (long i = 0; i < r->updates; i++) {
        if (mm_times[i] >= MM_HELD_MS * 1000000LL) {
            first = first < 0 ? i : first;
            last = i;
        }
    }
    if (first < 0 || last <= first || mm_ends[last] <= mm_ends[first]) {
        return;
    }
    r->steady_updates = last - first;
    r->steady_s = (double)(mm_ends[last] - mm_ends[first]) / 1e9;
    r->steady_rate = (double)r->steady_updates / r->steady_s;
}

static void
mm_print(const mm_run *s, const mm_result *r)
{
    char steady[64] = "no limiter cycle";
    if (r->steady_rate > 0) {
        snprintf(steady, sizeof steady, "%6.2f/s (%ld in %.1f s)",
                 r->steady_rate, r->steady_updates, r->steady_s);
    }
    printf("%-7s %-10s updates %5ld in %5.1f s = %6.2f/s, whole cycles "
           "%s  venue requests %6ld (%5.1f/update)  rate-limit answers %ld"
           "  rate_limit_wait %ld  update p50 %7.1f ms p99 %7.1f ms max "
           "%7.1f ms",
           s->v->name, mm_mode_names[s->mode], r->updates, r->elapsed_s,
           r->rate, steady, r->requests,
           r->updates > 0 ? (double)r->requests / (double)r->updates : 0.0,
           r->limited, r->waits_told, r->p50_ms, r->p99_ms, r->max_ms);
    if (r->rejected > 0) {
        printf("  refused %ld", r->rejected);
    }
    printf("\n        requests by path:");
    for (size_t i = 0; i < r->n_paths; i++) {
        const mm_path *p = &r->paths[i];
        printf(" %s %ld", p->path, p->requests);
        if (p->orders != p->requests) {
            printf(" (%ld orders)", p->orders);
        }
    }
    printf("\n");
    fflush(stdout);
}

/* One venue and mode, start to report; fills *r. */
static xg_err
mm_run_one(const mm_venue *v, mm_mode mode, int seconds, mm_result *r)
{
    static mm_run s;

    memset(&s, 0, sizeof s);
    memset(r, 0, sizeof *r);
    s.v = v;
    s.mode = mode;
    s.r = r;
    mm_quotes_init(&s);
    xg_err e = mm_start(&s);
    if (e == XG_OK && mm_run_update(&s) != 0) {
        e = XG_ERR_IO;
    }
    if (e == XG_OK && r->rejected > 0) {
        fprintf(stderr, "bench: %s %s: %ld of the quotes refused\n", v->name,
                mm_mode_names[mode], r->rejected);
        e = XG_ERR_REJECTED;
    }
    if (e != XG_OK) {
        mm_stop(&s);
        return e;
    }
    uint64_t since = mm_log_seq(&s);
    s.counting = 1;
    int64_t t0 = bench_now_ns();
    int64_t deadline = t0 + (int64_t)seconds * 1000000000LL;
    int64_t t = t0;
    while (t < deadline && r->updates < MM_MAX_UPDATES) {
        s.update++;
        int64_t start = t;
        if (mm_run_update(&s) != 0) {
            e = XG_ERR_IO;
            break;
        }
        t = bench_now_ns();
        mm_ends[r->updates] = t;
        mm_times[r->updates++] = t - start;
    }
    r->elapsed_s = (double)(t - t0) / 1e9;
    r->rate = r->elapsed_s > 0 ? (double)r->updates / r->elapsed_s : 0.0;
    mm_steady(r);
    uint64_t until = mm_log_seq(&s);
    if (r->updates > 0) {
        qsort(mm_times, (size_t)r->updates, sizeof mm_times[0], bench_cmp_i64);
        size_t n = (size_t)r->updates;
        r->p50_ms = (double)mm_times[n / 2] / 1e6;
        r->p99_ms = (double)mm_times[n * 99 / 100] / 1e6;
        r->max_ms = (double)mm_times[n - 1] / 1e6;
    }
    if (mm_read_log(&s, since, until) == XG_OK) {
        mm_print(&s, r);
    }
    mm_stop(&s);
    return e;
}

static void
mm_usage(void)
{
    fprintf(stderr, "usage: bench_mm [SECONDS] [binance|okx ...] "
                    "[one_by_one|batched|amend|amend_size ...]\n");
}

int
main(int argc, char **argv)
{
    int seconds = 20;
    int venue_on[MM_N_VENUES] = {0}, mode_on[MM_N_MODES] = {0};
    int any_venue = 0, any_mode = 0, failed = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int i = 1; i < argc; i++) {
        char *end = NULL;
        long n = strtol(argv[i], &end, 10);
        const mm_venue *v = mm_find_venue(argv[i]);
        int m = mm_find_mode(argv[i]);
        if (end != argv[i] && *end == '\0' && n > 0 && n <= 3600) {
            seconds = (int)n;
        } else if (v != NULL) {
            venue_on[v - mm_venues] = any_venue = 1;
        } else if (m >= 0) {
            mode_on[m] = any_mode = 1;
        } else {
            mm_usage();
            return 2;
        }
    }
    printf("market-making loop: 10 quotes re-quoted per update, %d s per "
           "mode, the simulator's default (real) limits\n",
           seconds);
    for (size_t i = 0; i < MM_N_VENUES; i++) {
        /* Whole cycles where the run had them, else the run's rate. */
        double rate[MM_N_MODES] = {0}, run_rate[MM_N_MODES] = {0};
        int has_cycles[MM_N_MODES] = {0};
        mm_result r;
        if (any_venue && !venue_on[i]) {
            continue;
        }
        for (int m = 0; m < MM_N_MODES; m++) {
            if (any_mode && !mode_on[m]) {
                continue;
            }
            if (mm_run_one(&mm_venues[i], (mm_mode)m, seconds, &r) != XG_OK) {
                failed = 1;
                continue;
            }
            has_cycles[m] = r.steady_rate > 0;
            rate[m] = has_cycles[m] ? r.steady_rate : r.rate;
            run_rate[m] = r.rate;
        }
        for (int m = 0; m < MM_N_MODES && rate[MM_ONE_BY_ONE] > 0; m++) {
            if (m != MM_ONE_BY_ONE && rate[m] > 0) {
                printf("%-7s %-10s / one_by_one: %5.2f over whole cycles "
                       "(%.2f / %.2f updates/s), %5.2f over the runs (%.2f "
                       "/ %.2f)%s\n",
                       mm_venues[i].name, mm_mode_names[m],
                       rate[m] / rate[MM_ONE_BY_ONE], rate[m],
                       rate[MM_ONE_BY_ONE],
                       run_rate[m] / run_rate[MM_ONE_BY_ONE], run_rate[m],
                       run_rate[MM_ONE_BY_ONE],
                       has_cycles[m] && has_cycles[MM_ONE_BY_ONE]
                           ? ""
                           : "; a run had no whole limiter cycle, its "
                             "figure flatters it: run longer");
            }
        }
    }
    return failed;
}
