/*
 * test_chaos.c - a bounded chaos run against the exactly-once promise.
 *
 * xgsim runs Binance, Bybit, OKX and KuCoin; the gateway may route every
 * order to any of them (each order lists all four, shuffled, so the load
 * spreads). A driver places n_orders resting LIMIT buys at a bounded
 * rate while a fixed-seed PRNG injects one fault every ~100 ms on a random
 * venue (short ban, 5xx with or without execution, dropped connection
 * with or without execution, the venue's own "too many requests" answer,
 * latency, clear), and three times it SIGKILLs
 * the gateway with orders in flight and restarts it on the same journal.
 * Orders whose new_order got no reply are sent again under the same id.
 * Every tenth order an earlier one gets a new price (amend_order: in
 * place, or a cancel-replace on Binance and KuCoin), and halfway through
 * one cancel_all pulls everything open.
 *
 * At the end the simulators' own order books are the judge: no gateway id
 * placed twice (on one venue or across venues; an amend's replacement,
 * which the book marks, is not a placement), every accepted order placed
 * once, rejected with a readable reason or withdrawn by the cancel_all
 * before it left, and every placed order known to the gateway. The seed is printed so a failure can be
 * replayed (XG_CHAOS_SEED overrides it).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>

#include "test_rng.h"
#include "venue_env.h"

/* Orders per run: 1,000 by default, which keeps the run under a minute
 * on the 2-core development machine; XG_CHAOS_ORDERS sets another count
 * (100 .. CHAOS_ORDERS_MAX) for a longer run: 2,000 take ~90 s, most of it
 * restarts reconciling every resting order before "ready". */
#define CHAOS_ORDERS_DEFAULT 1000
#define CHAOS_ORDERS_MAX     10000
#define CHAOS_VENUES 4
#define CHAOS_KILLS  3
/* One order every 20 ms keeps every venue well under its order limit
 * (Binance's 100 per 10 s is the tightest) even when a ban leaves the load
 * on three venues. */
#define CHAOS_ORDER_GAP_MS 20
#define CHAOS_FAULT_GAP_MS 100
/* Orders sent without waiting for their reply just before each kill. */
#define CHAOS_IN_FLIGHT 6
#define CHAOS_GW_ID_LEN 16

static const char *const venue_names[CHAOS_VENUES] = {"binance", "bybit", "okx",
                                                      "kucoin"};

/* The running test's environment; xg_venue_env_teardown stops it. */
static xg_venue_env *env;

typedef enum reply_kind {
    REPLY_NONE,    /* not sent yet, or the gateway died before answering */
    REPLY_OK,      /* accepted */
    REPLY_REFUSED, /* refused at once (e.g. NO_VENUE): never accepted */
} reply_kind;

typedef struct chaos_order {
    char id[24];
    reply_kind reply;
    int is_sent;
    int is_resent;
    int is_rejected; /* seen REJECTED with an error code */
    int64_t reject_code;
    char gw_id[CHAOS_GW_ID_LEN + 1]; /* from venue_client_order_id */
    char status[24];                 /* last query's status */
    int placements;                  /* in the venues' books, all four */
    int replacements;                /* an amend's cancel-replaces of it */
    int is_cancel_asked;             /* listed by the cancel_all's reply */
} chaos_order;

static chaos_order orders[CHAOS_ORDERS_MAX];
static int n_orders; /* this run's count */

/* The random fault mix; clear comes up twice as often as any fault. */
typedef enum fault_kind {
    FAULT_BAN,
    FAULT_5XX,
    FAULT_DROP,
    FAULT_LATENCY,
    FAULT_LIMITED,
    FAULT_CLEAR,
    FAULT_KINDS
} fault_kind;

typedef struct chaos_stats {
    int faults[FAULT_KINDS];
    int amends;          /* amend_order requests sent */
    int amends_taken;    /* ... answered ok */
    int cancel_alls;     /* cancel_all requests sent */
    int cancel_all_ids;  /* orders they listed */
    int withdrawn;       /* canceled before any venue held them */
    int kills;
    int resent;
    int duplicate_answers;
    int refused;
    int busy;
    int64_t slowest_restart_ms;
} chaos_stats;

static chaos_stats stats;

/* The run's faults and timings, replayable from the printed seed. */
static xg_test_rng rng;


static void
sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

static void
format_new_order(const chaos_order *o, char *msg, size_t cap)
{
    int perm[CHAOS_VENUES] = {0, 1, 2, 3};
    for (int i = CHAOS_VENUES - 1; i > 0; i--) {
        int j = xg_test_rng_below(&rng, i + 1);
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    int n = snprintf(
        msg, cap,
        "{\"type\":\"new_order\",\"req_id\":\"n%s\",\"strategy\":\"cx\","
        "\"client_order_id\":\"%s\",\"symbol\":\"BTC/USDT\",\"side\":\"BUY\","
        "\"order_type\":\"LIMIT\",\"qty\":\"0.001\",\"price\":\"30000\","
        "\"venues\":[\"%s\",\"%s\",\"%s\",\"%s\"]}",
        o->id, o->id, venue_names[perm[0]], venue_names[perm[1]],
        venue_names[perm[2]], venue_names[perm[3]]);
    assert_true(n > 0 && (size_t)n < cap);
}

/* Record what a new_order reply says about o. A reply for another request
 * (a late one) would be a bug of the gateway: the client is fresh after
 * every restart and each call waits for its own answer. */
static void
take_new_order_reply(chaos_order *o, json_t *r)
{
    char want[32];
    snprintf(want, sizeof want, "n%s", o->id);
    const char *req_id = json_string_value(json_object_get(r, "req_id"));
    if (req_id == NULL || strcmp(req_id, want) != 0) {
        fail_msg("reply for %s carries req_id %s", o->id,
                 req_id != NULL ? req_id : "(none)");
    }
    if (xg_reply_is_ok(r)) {
        o->reply = REPLY_OK;
        return;
    }
    int64_t code = xg_reply_error_code(r);
    if (code == XG_ERR_DUPLICATE_ID && o->is_resent) {
        /* The gateway took it before it died: it is accepted. */
        stats.duplicate_answers++;
        o->reply = REPLY_OK;
    } else if (code == XG_ERR_BUSY) {
        stats.busy++;
        o->reply = REPLY_NONE; /* try again later */
        o->is_resent = 1;
    } else if (code == XG_ERR_NO_VENUE) {
        stats.refused++;
        o->reply = REPLY_REFUSED;
    } else {
        char *s = json_dumps(r, JSON_COMPACT);
        fail_msg("order %s refused unexpectedly: %s", o->id, s);
        free(s);
    }
}

/* Send o and wait for its reply (the gateway answers from memory, so 5 s
 * is generous). */
static void
send_order(chaos_order *o)
{
    char msg[512];
    format_new_order(o, msg, sizeof msg);
    o->is_sent = 1;
    json_t *r = xg_client_call(&env->client, msg, 5000);
    if (r == NULL) {
        fail_msg("no reply to new_order %s from a live gateway", o->id);
    }
    take_new_order_reply(o, r);
    json_decref(r);
}

/* Query o; records status, gateway id and rejection. Returns the reply's
 * error code (0 when found). */
static int64_t
query_order(chaos_order *o)
{
    char msg[160];
    snprintf(msg, sizeof msg,
             "{\"type\":\"query_order\",\"req_id\":\"q%s\",\"strategy\":\"cx\","
             "\"client_order_id\":\"%s\"}",
             o->id, o->id);
    json_t *r = xg_client_call(&env->client, msg, 5000);
    if (r == NULL) {
        fail_msg("no reply to query_order %s", o->id);
    }
    if (!xg_reply_is_ok(r)) {
        int64_t code = xg_reply_error_code(r);
        json_decref(r);
        return code;
    }
    const char *st = xg_reply_order_field(r, "status");
    const char *vid = xg_reply_order_field(r, "venue_client_order_id");
    snprintf(o->status, sizeof o->status, "%s", st != NULL ? st : "");
    if (vid != NULL && strlen(vid) > CHAOS_GW_ID_LEN) {
        snprintf(o->gw_id, sizeof o->gw_id, "%.*s", CHAOS_GW_ID_LEN, vid);
    }
    if (strcmp(o->status, "REJECTED") == 0) {
        json_t *err = json_object_get(json_object_get(r, "order"), "error");
        o->reject_code = json_integer_value(json_object_get(err, "code"));
        o->is_rejected = o->reject_code != 0;
    }
    json_decref(r);
    return 0;
}

/* Every CHAOS_AMEND_EVERY orders, an earlier order accepted by then gets
 * a new price: the gateway amends in place, cancel-replaces (Binance,
 * KuCoin) or refuses (the order ended, or an amend of it is on its way);
 * any of those is fine, and the books judge the result at the end. */
#define CHAOS_AMEND_EVERY 10

static void
amend_some_order(int next)
{
    chaos_order *o = &orders[xg_test_rng_below(&rng, next)];
    if (o->reply != REPLY_OK) {
        return;
    }
    char msg[256];
    snprintf(msg, sizeof msg,
             "{\"type\":\"amend_order\",\"req_id\":\"a%s\",\"strategy\":"
             "\"cx\",\"client_order_id\":\"%s\",\"price\":\"%d\"}",
             o->id, o->id, 29990 + xg_test_rng_below(&rng, 10));
    json_t *r = xg_client_call(&env->client, msg, 5000);
    if (r == NULL) {
        fail_msg("no reply to amend_order %s from a live gateway", o->id);
    }
    stats.amends++;
    stats.amends_taken += xg_reply_is_ok(r);
    json_decref(r);
}

/* Pull every open order at once, halfway through the run: the orders
 * still PENDING are withdrawn, the others canceled on their venues. */
static void
cancel_everything(void)
{
    json_t *r = xg_client_call(&env->client,
                               "{\"type\":\"cancel_all\",\"req_id\":\"ca\","
                               "\"strategy\":\"cx\"}",
                               5000);
    if (r == NULL || !xg_reply_is_ok(r)) {
        char *text = r != NULL ? json_dumps(r, JSON_COMPACT) : NULL;
        fail_msg("cancel_all refused: %s", text != NULL ? text : "no reply");
    }
    stats.cancel_alls++;
    size_t i;
    json_t *id;
    json_array_foreach(json_object_get(r, "client_order_ids"), i, id)
    {
        for (int k = 0; k < n_orders; k++) {
            if (strcmp(orders[k].id, json_string_value(id)) == 0) {
                orders[k].is_cancel_asked = 1;
                stats.cancel_all_ids++;
                break;
            }
        }
    }
    json_decref(r);
}

/* Drain the events that arrived: rejections are remembered because a
 * finished order is forgotten by the next restart. */
static void
drain_events(void)
{
    json_t *e;
    while ((e = xg_client_event(&env->client, 0, NULL, 0)) != NULL) {
        const char *type = json_string_value(json_object_get(e, "type"));
        const char *name = json_string_value(json_object_get(e, "event"));
        json_t *ord = json_object_get(e, "order");
        const char *id =
            json_string_value(json_object_get(ord, "client_order_id"));
        if (type != NULL && strcmp(type, "order") == 0 && name != NULL &&
            strcmp(name, "rejected") == 0 && id != NULL) {
            for (int i = 0; i < n_orders; i++) {
                if (strcmp(orders[i].id, id) == 0) {
                    json_t *err = json_object_get(ord, "error");
                    orders[i].reject_code =
                        json_integer_value(json_object_get(err, "code"));
                    orders[i].is_rejected = orders[i].reject_code != 0;
                    break;
                }
            }
        }
        json_decref(e);
    }
}

static void
admin(const char *venue, const char *path, const char *body)
{
    char out[512];
    xg_err err =
        xg_sim_admin(&env->sim, venue, "POST", path, body, out, sizeof out);
    if (err != XG_OK) {
        fail_msg("admin %s %s %s failed: %d", venue, path, body, (int)err);
    }
}

/* One random fault on one random venue. */
static void
inject_fault(void)
{
    const char *venue = venue_names[xg_test_rng_below(&rng, CHAOS_VENUES)];
    char body[128];
    /* One draw more than there are kinds: the last two both clear. */
    int draw = xg_test_rng_below(&rng, FAULT_KINDS + 1);
    fault_kind kind = draw < FAULT_CLEAR ? (fault_kind)draw : FAULT_CLEAR;
    switch (kind) {
    case FAULT_BAN:
        snprintf(body, sizeof body, "{\"duration_ms\":%d}",
                 300 + xg_test_rng_below(&rng, 501));
        admin(venue, "/_sim/ban", body);
        break;
    case FAULT_5XX:
        snprintf(body, sizeof body,
                 "{\"status_5xx\":{\"count\":%d,\"status\":%d,"
                 "\"execute\":%s}}",
                 1 + xg_test_rng_below(&rng, 2), xg_test_rng_below(&rng, 2) ? 502 : 503,
                 xg_test_rng_below(&rng, 2) ? "true" : "false");
        admin(venue, "/_sim/fault", body);
        break;
    case FAULT_DROP:
        snprintf(body, sizeof body, "{\"drop\":{\"count\":%d,\"execute\":%s}}",
                 1 + xg_test_rng_below(&rng, 2), xg_test_rng_below(&rng, 2) ? "true" : "false");
        admin(venue, "/_sim/fault", body);
        break;
    case FAULT_LATENCY:
        snprintf(body, sizeof body, "{\"latency_ms\":%d}", xg_test_rng_below(&rng, 51));
        admin(venue, "/_sim/fault", body);
        break;
    case FAULT_LIMITED:
        /* The venue's own 429 / 10006 / 50011 / 429000, never executed;
         * the gateway must wait it out or move the order, not lose it. */
        snprintf(body, sizeof body,
                 "{\"limited\":{\"count\":%d,\"retry_after_ms\":%d}}",
                 1 + xg_test_rng_below(&rng, 2), 200 + xg_test_rng_below(&rng, 801));
        admin(venue, "/_sim/fault", body);
        break;
    case FAULT_CLEAR:
    case FAULT_KINDS:
        /* Clear twice as often as any one fault, so faults do not pile up
         * into a venue that is broken for the whole run. */
        admin(venue, "/_sim/fault", "{\"clear\":true}");
        kind = FAULT_CLEAR;
        break;
    }
    stats.faults[kind]++;
}

/* Remember which orders are already rejected (a restart forgets finished
 * orders), then crash the gateway with a few new_orders in flight, restart
 * it on its journal and reconnect. */
static void
kill_and_restart(int *next)
{
    drain_events();
    for (int i = 0; i < *next; i++) {
        if (orders[i].reply == REPLY_OK && !orders[i].is_rejected) {
            (void)query_order(&orders[i]);
        }
    }
    for (int k = 0; k < CHAOS_IN_FLIGHT && *next < n_orders; k++) {
        chaos_order *o = &orders[(*next)++];
        char msg[512];
        format_new_order(o, msg, sizeof msg);
        o->is_sent = 1;
        /* Timeout 0: sent, and the replies are not read (one that is
         * there already may be an earlier order's): these orders count as
         * unanswered and are sent again after the restart. */
        json_decref(xg_client_call(&env->client, msg, 0));
    }
    /* At most a few ms, so some of them die before the gateway reads
     * them and some after it journaled them. */
    sleep_ms(xg_test_rng_below(&rng, 3));
    xg_client_close(&env->client);
    xg_gw_halt(&env->gw, SIGKILL);
    stats.kills++;
    int64_t t0 = xg_test_now_ms();
    if (xg_gw_restart(&env->gw) != XG_OK) {
        fail_msg("gateway did not restart on its journal after kill %d",
                 stats.kills);
    }
    int64_t took = xg_test_now_ms() - t0;
    if (took > stats.slowest_restart_ms) {
        stats.slowest_restart_ms = took;
    }
    assert_int_equal(xg_client_open(&env->client, &env->gw, ""), XG_OK);
}

/* Send again, under the same id, every order that has no answer. */
static void
resend_unanswered(int next)
{
    for (int i = 0; i < next; i++) {
        chaos_order *o = &orders[i];
        if (o->is_sent && o->reply == REPLY_NONE) {
            o->is_resent = 1;
            stats.resent++;
            send_order(o);
        }
    }
}

static int
count_pending(int next)
{
    int n = 0;
    for (int i = 0; i < next; i++) {
        n += orders[i].is_sent && orders[i].reply == REPLY_NONE;
    }
    return n;
}

/* Whether every venue reports UP. */
static int
venues_up(int is_verbose)
{
    json_t *r = xg_client_call(
        &env->client, "{\"type\":\"venue_status\",\"req_id\":\"vs\"}", 5000);
    if (r == NULL) {
        fail_msg("no reply to venue_status");
    }
    json_t *vs = json_object_get(r, "venues");
    size_t i;
    json_t *v;
    int up = 0;
    json_array_foreach(vs, i, v)
    {
        const char *st = json_string_value(json_object_get(v, "state"));
        int is_up = st != NULL && strcmp(st, "UP") == 0;
        if (!is_up && is_verbose) {
            char *d = json_dumps(v, JSON_COMPACT);
            printf("chaos: venue not up: %s\n", d);
            free(d);
        }
        up += is_up;
    }
    json_decref(r);
    return up == CHAOS_VENUES;
}

static int
is_settled(const char *status)
{
    return strcmp(status, "PENDING") != 0 && strcmp(status, "SENT") != 0 &&
           strcmp(status, "UNKNOWN") != 0 && status[0] != '\0';
}

/* Where each order was first found placed, for the duplicate report. */
static char first_place[CHAOS_ORDERS_MAX][48];

/* Print every request the venues logged for gw_id: the evidence a
 * duplicate needs for its diagnosis. */
static void
print_history(const char *gw_id)
{
    for (int v = 0; v < CHAOS_VENUES; v++) {
        json_t *log = xg_venue_env_log(env, venue_names[v]);
        size_t i;
        json_t *e;
        json_array_foreach(log, i, e)
        {
            const char *cid =
                json_string_value(json_object_get(e, "client_order_id"));
            if (cid != NULL && strncmp(cid, gw_id, CHAOS_GW_ID_LEN) == 0) {
                char *d = json_dumps(e, JSON_COMPACT);
                printf("chaos:   %s: %s\n", venue_names[v], d);
                free(d);
            }
        }
        json_decref(log);
    }
}

static chaos_order *
order_by_gw_id(const char *gw_id)
{
    for (int i = 0; i < n_orders; i++) {
        if (strcmp(orders[i].gw_id, gw_id) == 0) {
            return &orders[i];
        }
    }
    return NULL;
}

/* Read venue's book and count each gateway id's placements into orders[];
 * returns how many orders the venue holds. Ids it cannot map to an
 * order the gateway knows fail the test. */
static int
count_placements(const char *venue, int *dup_on_venue)
{
    static char body[1 << 22];
    char gw_id[CHAOS_GW_ID_LEN + 1];
    xg_err err = xg_sim_admin(&env->sim, venue, "GET", "/_sim/orders", NULL,
                              body, sizeof body);
    assert_int_equal(err, XG_OK);
    assert_true(strlen(body) < sizeof body - 1);
    json_error_t jerr;
    json_t *arr = json_loads(body, 0, &jerr);
    assert_non_null(arr);
    int held = 0;
    static int seen_here[CHAOS_ORDERS_MAX];
    memset(seen_here, 0, sizeof seen_here);
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o)
    {
        const char *cid =
            json_string_value(json_object_get(o, "client_order_id"));
        assert_non_null(cid);
        assert_true(strlen(cid) > CHAOS_GW_ID_LEN);
        snprintf(gw_id, sizeof gw_id, "%.*s", CHAOS_GW_ID_LEN, cid);
        chaos_order *co = order_by_gw_id(gw_id);
        if (co == NULL) {
            fail_msg("%s holds %s (%s), which no order of the gateway "
                     "claims",
                     venue, cid,
                     json_string_value(json_object_get(o, "status")));
        }
        if (json_integer_value(json_object_get(o, "replaces")) != 0) {
            /* An amend's replacement of an order placed once. */
            co->replacements++;
            continue;
        }
        co->placements++;
        if (co->placements > 1) {
            printf("chaos: DUPLICATE: %s also on %s as %s (status %s)\n",
                   co->id, venue, cid,
                   json_string_value(json_object_get(o, "status")));
        } else {
            snprintf(first_place[co - orders], sizeof first_place[0], "%s %s",
                     venue, cid);
        }
        if (++seen_here[co - orders] > 1) {
            printf("chaos: DUPLICATE on %s: %s (order %s)\n", venue, cid,
                   co->id);
            (*dup_on_venue)++;
        }
        held++;
    }
    json_decref(arr);
    return held;
}

static void
test_chaos_never_places_an_order_twice(void **state)
{
    (void)state;
    uint64_t seed = UINT64_C(0x5eed2026);
    const char *s = getenv("XG_CHAOS_SEED");
    if (s != NULL && s[0] != '\0') {
        seed = strtoull(s, NULL, 0);
    }
    xg_test_rng_seed(&rng, seed);
    printf("chaos: seed 0x%llx (XG_CHAOS_SEED to replay)\n",
           (unsigned long long)seed);
    n_orders = CHAOS_ORDERS_DEFAULT;
    const char *count = getenv("XG_CHAOS_ORDERS");
    if (count != NULL && count[0] != '\0') {
        long n = strtol(count, NULL, 10);
        n_orders = n < 100 ? 100 : n > CHAOS_ORDERS_MAX ? CHAOS_ORDERS_MAX
                                                         : (int)n;
    }
    memset(orders, 0, sizeof orders);
    memset(first_place, 0, sizeof first_place);
    memset(&stats, 0, sizeof stats);
    for (int i = 0; i < n_orders; i++) {
        snprintf(orders[i].id, sizeof orders[i].id, "cx%04d", i);
    }

    int64_t t0 = xg_test_now_ms();
    /* Bybit's and OKX's ban answers carry no end, so the gateway assumes
     * ban_default_ms (10 minutes live); the simulated bans last < 1 s. The
     * open-orders sweep runs as configured by default, its requests
     * meeting the faults like any other. */
    env = xg_venue_env_start_many(venue_names, CHAOS_VENUES, NULL,
                                  "\"ban_default_ms\": 1000, "
                                  "\"order_sweep_ms\": 2000");

    /* The kills fall at random points of the middle of the run. */
    int kill_at[CHAOS_KILLS];
    for (int k = 0; k < CHAOS_KILLS; k++) {
        kill_at[k] =
            (k + 1) * n_orders / (CHAOS_KILLS + 1) - 50 + xg_test_rng_below(&rng, 100);
    }
    int next = 0;
    int kills_done = 0;
    int64_t next_order_ms = xg_test_now_ms();
    int64_t next_fault_ms = next_order_ms + CHAOS_FAULT_GAP_MS;
    while (next < n_orders) {
        int64_t now = xg_test_now_ms();
        if (now >= next_fault_ms) {
            inject_fault();
            next_fault_ms =
                now + CHAOS_FAULT_GAP_MS / 2 + xg_test_rng_below(&rng, CHAOS_FAULT_GAP_MS);
        }
        if (kills_done < CHAOS_KILLS && next >= kill_at[kills_done]) {
            kill_and_restart(&next);
            kills_done++;
            resend_unanswered(next);
            continue;
        }
        if (now >= next_order_ms) {
            send_order(&orders[next++]);
            if (next % CHAOS_AMEND_EVERY == 0) {
                amend_some_order(next);
            }
            if (next == n_orders / 2) {
                cancel_everything();
            }
            if (count_pending(next) > 0) {
                /* BUSY: the order waits for the next turn. */
                resend_unanswered(next);
            }
            next_order_ms += CHAOS_ORDER_GAP_MS;
            if (next_order_ms < now) {
                next_order_ms = now;
            }
        }
        drain_events();
        int64_t wake =
            next_order_ms < next_fault_ms ? next_order_ms : next_fault_ms;
        now = xg_test_now_ms();
        if (wake > now) {
            sleep_ms((long)(wake - now));
        }
    }
    int64_t t_run = xg_test_now_ms();

    /* Calm: no more faults; every order settles and every venue is UP. */
    for (int v = 0; v < CHAOS_VENUES; v++) {
        admin(venue_names[v], "/_sim/fault", "{\"clear\":true}");
    }
    int64_t deadline = xg_test_now_ms() + 20000;
    int unsettled;
    for (;;) {
        while (count_pending(n_orders) > 0 && xg_test_now_ms() < deadline) {
            resend_unanswered(n_orders);
            if (count_pending(n_orders) > 0) {
                sleep_ms(100);
            }
        }
        drain_events();
        unsettled = 0;
        for (int i = 0; i < n_orders; i++) {
            chaos_order *o = &orders[i];
            if (o->reply != REPLY_OK) {
                continue;
            }
            int64_t code = query_order(o);
            if (code == XG_ERR_UNKNOWN_ORDER &&
                (o->is_rejected || o->is_cancel_asked)) {
                continue; /* finished before a restart: forgotten */
            }
            if (code != 0 || !is_settled(o->status)) {
                unsettled++;
            }
        }
        if ((unsettled == 0 && venues_up(0)) || xg_test_now_ms() >= deadline) {
            break;
        }
        sleep_ms(200);
    }
    int all_up = venues_up(1);

    /* The venues' books are the judge. */
    int held[CHAOS_VENUES];
    int dup_on_venue = 0;
    for (int v = 0; v < CHAOS_VENUES; v++) {
        held[v] = count_placements(venue_names[v], &dup_on_venue);
    }
    int accepted = 0, placed = 0, rejected = 0, no_venue = 0;
    int duplicates = 0, lost = 0;
    for (int i = 0; i < n_orders; i++) {
        chaos_order *o = &orders[i];
        if (o->placements > 1) {
            printf("chaos: DUPLICATE: order %s (gw %s) placed %d times, "
                   "first on %s\n",
                   o->id, o->gw_id, o->placements, first_place[i]);
            print_history(o->gw_id);
            char msg[160];
            snprintf(msg, sizeof msg,
                     "{\"type\":\"query_order\",\"strategy\":\"cx\","
                     "\"client_order_id\":\"%.23s\"}",
                     o->id);
            json_t *r = xg_client_call(&env->client, msg, 5000);
            char *d = json_dumps(r, JSON_COMPACT);
            printf("chaos:   gateway: %s\n", d != NULL ? d : "(no reply)");
            free(d);
            json_decref(r);
            duplicates++;
        }
        if (o->reply != REPLY_OK) {
            assert_int_equal(o->placements, 0);
            continue;
        }
        accepted++;
        if (o->placements >= 1) {
            placed++;
        } else if (o->is_cancel_asked && o->replacements == 0) {
            /* cancel_all withdrew it before it left the gateway. */
            stats.withdrawn++;
        } else if (o->is_rejected) {
            rejected++;
            no_venue += o->reject_code == XG_ERR_NO_VENUE;
        } else {
            printf("chaos: LOST: order %s accepted, status \"%s\", gw %s, "
                   "placed nowhere and not rejected\n",
                   o->id, o->status, o->gw_id);
            lost++;
        }
    }
    printf("chaos: seed 0x%llx orders %d accepted %d refused %d placed %d "
           "(binance %d bybit %d okx %d kucoin %d) rejected %d "
           "(NO_VENUE %d) "
           "duplicates %d lost %d unsettled %d kills %d resent %d "
           "dup-answers %d busy %d faults ban %d 5xx %d drop %d "
           "limited %d latency %d clear %d; amends %d (taken %d), "
           "cancel_all %d (%d orders, %d withdrawn); slowest restart %lld ms; "
           "run %lld ms, total %lld ms\n",
           (unsigned long long)seed, n_orders, accepted, stats.refused,
           placed, held[0], held[1], held[2], held[3], rejected, no_venue,
           duplicates, lost, unsettled, stats.kills, stats.resent,
           stats.duplicate_answers, stats.busy, stats.faults[FAULT_BAN],
           stats.faults[FAULT_5XX], stats.faults[FAULT_DROP],
           stats.faults[FAULT_LIMITED], stats.faults[FAULT_LATENCY],
           stats.faults[FAULT_CLEAR], stats.amends, stats.amends_taken,
           stats.cancel_alls, stats.cancel_all_ids, stats.withdrawn,
           (long long)stats.slowest_restart_ms,
           (long long)(t_run - t0), (long long)(xg_test_now_ms() - t0));
    assert_int_equal(duplicates, 0);
    assert_int_equal(dup_on_venue, 0);
    assert_int_equal(lost, 0);
    assert_int_equal(unsettled, 0);
    assert_true(all_up);
    assert_int_equal(stats.kills, CHAOS_KILLS);
    assert_int_equal(placed + rejected + stats.withdrawn, accepted);
    assert_true(stats.amends_taken > 0);
    assert_int_equal(stats.cancel_alls, 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_chaos_never_places_an_order_twice,
                                  xg_venue_env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
