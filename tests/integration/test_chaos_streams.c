/*
 * test_chaos_streams.c - the chaos run over the private streams: every
 * fill told to the strategy exactly once, and every order's end as the
 * venue's.
 *
 * xgsim runs Binance, Bybit, OKX and KuCoin with their markets' walks
 * paused and thin books (levels of 0.001, quickly refilled); the gateway
 * has every venue's stream on. A driver sends orders at a bounded rate,
 * each to one random venue: half marketable IOC buys of 0.003 that take
 * three levels (three taker fills each), half resting buys of 0.002 below
 * the market, which a random venue's market moving down through them
 * fills as maker, a level at a time. Meanwhile a fixed-seed PRNG puts one
 * stream fault on a random venue every ~150 ms (drop the connection,
 * stall it, delay, duplicate or reorder its pushes, refuse the next login,
 * clear), and twice the gateway is SIGKILLed and restarted on its journal
 * while the markets fill its resting orders (the fills it was down for
 * come from the venues' lists of the orders' fills).
 *
 * At the end the simulators' fill histories are the judge. The events the
 * strategy heard never told a trade twice, and never one the venue did
 * not make; and what the gateway says it told of each order (order_fills:
 * events published just before a kill, or during a recovery before the
 * strategy was subscribed again, die with the process or go to nobody, so
 * this is how a strategy catches up) holds each venue trade of the run
 * once, with the venue's quantity and price. Every order's status and
 * filled quantity are as the venue's book has them. The seed is printed
 * (XG_CHAOS_SEED replays it).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "test_rng.h"
#include "venue_env.h"

#define CS_VENUES       4
#define CS_ORDERS       400
#define CS_KILLS        2
#define CS_ORDER_GAP_MS 25
#define CS_FAULT_GAP_MS 150
#define CS_MOVE_GAP_MS  700
#define CS_FILLS_MAX    8192

static const char *const venue_names[CS_VENUES] = {"binance", "bybit", "okx",
                                                   "kucoin"};
/* The admin API's name of BTC/USDT on each venue. */
static const char *const venue_symbols[CS_VENUES] = {"BTCUSDT", "BTCUSDT",
                                                     "BTC-USDT", "BTC-USDT"};

static xg_venue_env *env;
static xg_test_rng rng;

typedef struct cs_order {
    char id[24];
    int venue;
    int is_ioc;
    int is_accepted;
} cs_order;

static cs_order orders[CS_ORDERS];

/* The market's reference on each venue, a whole number of dollars. */
static long base_price[CS_VENUES];

typedef struct told_fill {
    int venue;
    char trade_id[64];
    char qty[32];
    char price[32];
    char client_id[24];
} told_fill;

static told_fill told[CS_FILLS_MAX];
static size_t n_told;

typedef struct cs_stats {
    int faults[8];
    int moves;
    int moves_while_down;
    int kills;
    int told_twice;   /* by events */
    int listed_twice; /* by order_fills */
} cs_stats;

static cs_stats stats;

static int
venue_index(const char *name)
{
    for (int v = 0; v < CS_VENUES; v++) {
        if (name != NULL && strcmp(name, venue_names[v]) == 0) {
            return v;
        }
    }
    return -1;
}

static json_t *
admin_json(int v, const char *method, const char *path, const char *body)
{
    static char out[1 << 22];
    if (xg_sim_admin(&env->sim, venue_names[v], method, path, body, out,
                     sizeof out) != XG_OK) {
        fail_msg("admin %s %s %s %s: %.200s", venue_names[v], method, path,
                 body != NULL ? body : "", out);
    }
    json_error_t err;
    json_t *j = json_loads(out, 0, &err);
    if (j == NULL) {
        fail_msg("admin %s %s: not JSON: %s", venue_names[v], path, err.text);
    }
    return j;
}

static void
admin(int v, const char *path, const char *body)
{
    json_decref(admin_json(v, "POST", path, body));
}

/* Keep every fill event (a trade told twice is counted, and shown). */
static void
take_event(json_t *e)
{
    const char *type = json_string_value(json_object_get(e, "type"));
    if (type == NULL || strcmp(type, "fill") != 0) {
        return;
    }
    json_t *f = json_object_get(e, "fill");
    json_t *o = json_object_get(e, "order");
    int v = venue_index(json_string_value(json_object_get(o, "venue")));
    const char *tid = json_string_value(json_object_get(f, "trade_id"));
    assert_true(v >= 0);
    assert_non_null(tid);
    for (size_t i = 0; i < n_told; i++) {
        if (told[i].venue == v && strcmp(told[i].trade_id, tid) == 0) {
            printf("chaos-streams: TOLD TWICE: %s trade %s\n", venue_names[v],
                   tid);
            stats.told_twice++;
            return;
        }
    }
    assert_true(n_told < CS_FILLS_MAX);
    told_fill *t = &told[n_told++];
    t->venue = v;
    snprintf(t->trade_id, sizeof t->trade_id, "%s", tid);
    snprintf(t->qty, sizeof t->qty, "%s",
             json_string_value(json_object_get(f, "qty")));
    snprintf(t->price, sizeof t->price, "%s",
             json_string_value(json_object_get(f, "price")));
    snprintf(t->client_id, sizeof t->client_id, "%s",
             json_string_value(json_object_get(o, "client_order_id")));
}

static void
drain_events(int timeout_ms)
{
    json_t *e;
    while ((e = xg_client_event(&env->client, timeout_ms, NULL, 0)) != NULL) {
        take_event(e);
        json_decref(e);
        timeout_ms = 0;
    }
}

static void
send_order(cs_order *o)
{
    char msg[512];
    long p = base_price[o->venue];
    /* Marketable: a buy 20 dollars over the market takes the first three
     * ask levels of 0.001. Resting: 5 dollars under it, below the bids. */
    snprintf(msg, sizeof msg,
             "{\"type\":\"new_order\",\"req_id\":\"n%s\",\"strategy\":\"cs\","
             "\"client_order_id\":\"%s\",\"symbol\":\"BTC/USDT\","
             "\"side\":\"BUY\",\"order_type\":\"LIMIT\",\"tif\":\"%s\","
             "\"qty\":\"%s\",\"price\":\"%ld\",\"venues\":[\"%s\"]}",
             o->id, o->id, o->is_ioc ? "IOC" : "GTC",
             o->is_ioc ? "0.003" : "0.002", o->is_ioc ? p + 20 : p - 5,
             venue_names[o->venue]);
    json_t *r = xg_client_call(&env->client, msg, 5000);
    if (r == NULL) {
        fail_msg("no reply to new_order %s", o->id);
    }
    o->is_accepted = xg_reply_is_ok(r);
    if (!o->is_accepted) {
        char *d = json_dumps(r, JSON_COMPACT);
        fail_msg("order %s refused: %s", o->id, d);
    }
    json_decref(r);
}

/* Move venue v's market 10 dollars down through its resting buys and back:
 * its ask levels, rebuilt at the new price, fill them as maker. */
static void
move_through(int v)
{
    char body[128];
    snprintf(body, sizeof body, "{\"symbol\":\"%s\",\"price\":\"%ld\"}",
             venue_symbols[v], base_price[v] - 10);
    admin(v, "/_sim/price", body);
    snprintf(body, sizeof body, "{\"symbol\":\"%s\",\"price\":\"%ld\"}",
             venue_symbols[v], base_price[v]);
    admin(v, "/_sim/price", body);
    stats.moves++;
}

enum { F_DROP, F_STALL, F_DELAY, F_DUPLICATE, F_REORDER, F_REFUSE, F_CLEAR };

/* One random stream fault on one random venue; clear comes up as often as
 * two faults, so no stream stays broken for the whole run. */
static void
inject_fault(void)
{
    int v = xg_test_rng_below(&rng, CS_VENUES);
    int kind = xg_test_rng_below(&rng, F_CLEAR + 2);
    char body[128];
    switch (kind < F_CLEAR ? kind : F_CLEAR) {
    case F_DROP:
        snprintf(body, sizeof body, "{\"drop\":{\"count\":%d}}",
                 xg_test_rng_below(&rng, 2));
        break;
    case F_STALL:
        snprintf(body, sizeof body, "{\"stall\":{\"ms\":%d}}",
                 200 + xg_test_rng_below(&rng, 1300));
        break;
    case F_DELAY:
        snprintf(body, sizeof body, "{\"delay\":{\"ms\":%d}}",
                 20 + xg_test_rng_below(&rng, 300));
        break;
    case F_DUPLICATE:
        snprintf(body, sizeof body, "{\"duplicate\":{\"count\":%d}}",
                 1 + xg_test_rng_below(&rng, 10));
        break;
    case F_REORDER:
        snprintf(body, sizeof body, "{\"reorder\":{\"count\":%d}}",
                 1 + xg_test_rng_below(&rng, 10));
        break;
    case F_REFUSE:
        /* The next login refused: only a drop makes the gateway log in
         * again, so the two come together. */
        snprintf(body, sizeof body,
                 "{\"refuse_auth\":{\"count\":%d},\"drop\":{\"count\":0}}",
                 1 + xg_test_rng_below(&rng, 2));
        break;
    default:
        snprintf(body, sizeof body, "{\"clear\":true}");
        kind = F_CLEAR;
        break;
    }
    admin(v, "/_sim/stream_fault", body);
    stats.faults[kind]++;
}

static void
clear_stream_faults(void)
{
    for (int v = 0; v < CS_VENUES; v++) {
        admin(v, "/_sim/stream_fault", "{\"clear\":true}");
    }
}

/* How many venues' streams venue_status shows LIVE. */
static int
streams_live(void)
{
    json_t *r =
        xg_client_call(&env->client, "{\"type\":\"venue_status\"}", 5000);
    json_t *vs = json_object_get(r, "venues");
    int live = 0;
    for (size_t i = 0; i < json_array_size(vs); i++) {
        const char *s =
            json_string_value(json_object_get(json_array_get(vs, i), "stream"));
        live += s != NULL && strcmp(s, "LIVE") == 0;
    }
    json_decref(r);
    return live;
}

static void
await_streams_live(int timeout_ms)
{
    int64_t end = xg_test_now_ms() + timeout_ms;
    while (streams_live() < CS_VENUES) {
        if (xg_test_now_ms() > end) {
            fail_msg("the streams did not all go live");
        }
        drain_events(50);
    }
}

/* Kill the gateway while its streams run as they are, fill resting orders
 * on every venue while it is down, and restart it on its journal. */
static void
kill_and_restart(void)
{
    xg_gw_halt(&env->gw, SIGKILL);
    drain_events(100); /* what reached the socket before the kill */
    xg_client_close(&env->client);
    stats.kills++;
    for (int v = 0; v < CS_VENUES; v++) {
        move_through(v);
        stats.moves_while_down++;
    }
    if (xg_gw_restart_begin(&env->gw) != XG_OK) {
        fail_msg("gateway did not start again after kill %d", stats.kills);
    }
    assert_int_equal(xg_client_open(&env->client, &env->gw, ""), XG_OK);
    if (xg_gw_wait_ready(&env->gw, 60000) != XG_OK) {
        fail_msg("gateway not ready after kill %d", stats.kills);
    }
}

/* The gateway's record of the fills it told (order_fills, every page of
 * every order of the run), into listed: each trade once. */
static size_t
read_listed(told_fill *listed, size_t cap)
{
    size_t n = 0;
    for (int i = 0; i < CS_ORDERS; i++) {
        const cs_order *o = &orders[i];
        char cursor[16] = "";
        do {
            char msg[200];
            snprintf(msg, sizeof msg,
                     "{\"type\":\"order_fills\",\"strategy\":\"cs\","
                     "\"client_order_id\":\"%.23s\"%s%s%s}",
                     o->id, cursor[0] ? ",\"cursor\":\"" : "", cursor,
                     cursor[0] ? "\"" : "");
            json_t *r = xg_client_call(&env->client, msg, 5000);
            if (r != NULL && !xg_reply_is_ok(r) &&
                xg_reply_error_code(r) == XG_ERR_UNKNOWN_ORDER) {
                /* Ended unfilled before a restart, and forgotten by it
                 * (judge_orders holds the venue to that). */
                json_decref(r);
                break;
            }
            if (r == NULL || !xg_reply_is_ok(r)) {
                fail_msg("order_fills %s refused", o->id);
            }
            size_t k;
            json_t *f;
            json_array_foreach(json_object_get(r, "fills"), k, f)
            {
                const char *tid =
                    json_string_value(json_object_get(f, "trade_id"));
                int is_seen = 0;
                for (size_t m = 0; m < n && !is_seen; m++) {
                    is_seen = listed[m].venue == o->venue &&
                              strcmp(listed[m].trade_id, tid) == 0;
                }
                if (is_seen) {
                    printf("chaos-streams: LISTED TWICE: %s trade %s\n",
                           venue_names[o->venue], tid);
                    stats.listed_twice++;
                    continue;
                }
                assert_true(n < cap);
                told_fill *t = &listed[n++];
                t->venue = o->venue;
                snprintf(t->trade_id, sizeof t->trade_id, "%s", tid);
                snprintf(t->qty, sizeof t->qty, "%s",
                         json_string_value(json_object_get(f, "qty")));
                snprintf(t->price, sizeof t->price, "%s",
                         json_string_value(json_object_get(f, "price")));
                snprintf(t->client_id, sizeof t->client_id, "%.23s", o->id);
            }
            snprintf(cursor, sizeof cursor, "%s",
                     json_string_value(json_object_get(r, "next_cursor")));
            json_decref(r);
        } while (cursor[0] != '\0');
    }
    return n;
}

static told_fill listed[CS_FILLS_MAX];
static size_t n_listed;

/* A trade of the venue's history that belongs to one of the run's orders
 * (every order of the run has a venue order id once placed). */
typedef struct venue_fill {
    char trade_id[64];
    char qty[32];
    char price[32];
} venue_fill;

/* Decimal strings equal as numbers ("0.0010" is "0.001"). */
static int
same_number(const char *a, const char *b)
{
    return a != NULL && b != NULL && strtod(a, NULL) == strtod(b, NULL);
}

/* A fill of xgsim's history by its trade id as every venue's API writes
 * it (the number in decimal). */
static void
sim_trade_id(const json_t *f, char *out, size_t cap)
{
    snprintf(out, cap, "%lld",
             (long long)json_integer_value(json_object_get(f, "trade_id")));
}

/* Compare the gateway's record of the fills of venue v (listed) with the
 * venue's history: returns the trades missing from it, and counts in
 * *wrong those listed with another quantity or price and in *invented
 * those listed or heard that the venue never made. */
static int
judge_venue(int v, int *wrong, int *invented, int is_verbose)
{
    json_t *fills = admin_json(v, "GET", "/_sim/fills", NULL);
    int missing = 0;
    size_t i;
    json_t *f;
    json_array_foreach(fills, i, f)
    {
        char tid[32];
        sim_trade_id(f, tid, sizeof tid);
        const told_fill *t = NULL;
        for (size_t k = 0; k < n_listed && t == NULL; k++) {
            if (listed[k].venue == v && strcmp(listed[k].trade_id, tid) == 0) {
                t = &listed[k];
            }
        }
        if (t == NULL) {
            missing++;
            if (is_verbose) {
                printf("chaos-streams: MISSING: %s trade %s (order %s)\n",
                       venue_names[v], tid,
                       json_string_value(json_object_get(f, "order_id")));
            }
            continue;
        }
        if (!same_number(t->qty,
                         json_string_value(json_object_get(f, "qty"))) ||
            !same_number(t->price,
                         json_string_value(json_object_get(f, "price")))) {
            (*wrong)++;
            if (is_verbose) {
                printf("chaos-streams: WRONG: %s trade %s told %s @ %s\n",
                       venue_names[v], tid, t->qty, t->price);
            }
        }
    }
    /* Listed and heard trades the venue never made. */
    const told_fill *sets[2] = {listed, told};
    size_t sizes[2] = {n_listed, n_told};
    for (int w = 0; w < 2; w++) {
        for (size_t k = 0; k < sizes[w]; k++) {
            if (sets[w][k].venue != v) {
                continue;
            }
            int is_made = 0;
            json_array_foreach(fills, i, f)
            {
                char tid[32];
                sim_trade_id(f, tid, sizeof tid);
                is_made |= strcmp(tid, sets[w][k].trade_id) == 0;
            }
            if (!is_made) {
                (*invented)++;
                if (is_verbose) {
                    printf("chaos-streams: INVENTED: %s trade %s (%s)\n",
                           venue_names[v], sets[w][k].trade_id,
                           w == 0 ? "listed" : "heard");
                }
            }
        }
    }
    json_decref(fills);
    return missing;
}

/* Every order's status and filled quantity as the gateway tells them
 * (query_order) against the venue's book; returns the orders that differ.
 * An order that ended with nothing filled before a restart is forgotten
 * by it (UNKNOWN_ORDER): the venue's book must then show every order the
 * gateway does not know ended and unfilled. */
static int
judge_orders(int is_verbose)
{
    int differ = 0;
    json_t *books[CS_VENUES];
    for (int v = 0; v < CS_VENUES; v++) {
        books[v] = admin_json(v, "GET", "/_sim/orders", NULL);
    }
    for (int i = 0; i < CS_ORDERS; i++) {
        const cs_order *o = &orders[i];
        char msg[160];
        snprintf(msg, sizeof msg,
                 "{\"type\":\"query_order\",\"strategy\":\"cs\","
                 "\"client_order_id\":\"%.23s\"}",
                 o->id);
        json_t *r = xg_client_call(&env->client, msg, 5000);
        if (r != NULL && !xg_reply_is_ok(r) &&
            xg_reply_error_code(r) == XG_ERR_UNKNOWN_ORDER) {
            json_decref(r);
            continue;
        }
        const char *st = xg_reply_order_field(r, "status");
        const char *filled = xg_reply_order_field(r, "filled_qty");
        const char *vid = xg_reply_order_field(r, "venue_client_order_id");
        json_t *b = NULL;
        size_t k;
        json_t *row;
        json_array_foreach(books[o->venue], k, row)
        {
            const char *cid =
                json_string_value(json_object_get(row, "client_order_id"));
            if (vid != NULL && cid != NULL && strcmp(cid, vid) == 0) {
                b = row;
            }
        }
        if (b != NULL) {
            json_object_set_new(b, "known", json_true());
        }
        const char *bst =
            b != NULL ? json_string_value(json_object_get(b, "status")) : NULL;
        const char *bfilled =
            b != NULL ? json_string_value(json_object_get(b, "filled")) : NULL;
        /* The gateway calls an IOC's leftover expired whatever the venue
         * calls it (act.c). */
        int same_status =
            st != NULL && bst != NULL &&
            (strcmp(st, bst) == 0 || (o->is_ioc && strcmp(st, "EXPIRED") == 0 &&
                                      strcmp(bst, "CANCELED") == 0));
        if (!same_status || !same_number(filled, bfilled)) {
            differ++;
            if (is_verbose) {
                printf("chaos-streams: DIFFERS: %s on %s: gateway %s %s, "
                       "venue %s %s\n",
                       o->id, venue_names[o->venue], st ? st : "?",
                       filled ? filled : "?", bst ? bst : "?",
                       bfilled ? bfilled : "?");
            }
        }
        json_decref(r);
    }
    for (int v = 0; v < CS_VENUES; v++) {
        size_t k;
        json_t *row;
        json_array_foreach(books[v], k, row)
        {
            const char *bst = json_string_value(json_object_get(row, "status"));
            const char *bfilled =
                json_string_value(json_object_get(row, "filled"));
            if (json_object_get(row, "known") == NULL &&
                (bst == NULL || strcmp(bst, "NEW") == 0 ||
                 strcmp(bst, "PARTIALLY_FILLED") == 0 ||
                 !same_number(bfilled, "0"))) {
                differ++;
                if (is_verbose) {
                    printf("chaos-streams: FORGOTTEN: %s order %s, %s %s\n",
                           venue_names[v],
                           json_string_value(
                               json_object_get(row, "client_order_id")),
                           bst ? bst : "?", bfilled ? bfilled : "?");
                }
            }
        }
        json_decref(books[v]);
    }
    return differ;
}

static void
test_chaos_streams_tell_every_fill_once(void **state)
{
    (void)state;
    uint64_t seed = UINT64_C(0x5eed2613);
    const char *s = getenv("XG_CHAOS_SEED");
    if (s != NULL && s[0] != '\0') {
        seed = strtoull(s, NULL, 0);
    }
    xg_test_rng_seed(&rng, seed);
    printf("chaos-streams: seed 0x%llx (XG_CHAOS_SEED to replay)\n",
           (unsigned long long)seed);
    memset(&stats, 0, sizeof stats);
    n_told = 0;

    const char *sim_args[2 * CS_VENUES + 1];
    char walks[CS_VENUES][32];
    for (int v = 0; v < CS_VENUES; v++) {
        snprintf(walks[v], sizeof walks[v], "%s.walk=0", venue_names[v]);
        sim_args[2 * v] = "--set";
        sim_args[2 * v + 1] = walks[v];
    }
    sim_args[2 * CS_VENUES] = NULL;
    env = xg_venue_env_start_many(venue_names, CS_VENUES, sim_args,
                                  "\"stream\": true, \"ban_default_ms\": 1000,"
                                  " \"order_sweep_ms\": 2000");
    for (int v = 0; v < CS_VENUES; v++) {
        char body[256];
        snprintf(body, sizeof body,
                 "{\"symbol\":\"%s\",\"levels\":20,\"level_qty\":\"0.001\","
                 "\"spread_ticks\":1,\"level_ticks\":1,\"refill_ms\":100}",
                 venue_symbols[v]);
        json_t *m = admin_json(v, "POST", "/_sim/market", body);
        base_price[v] =
            strtol(json_string_value(json_object_get(m, "best_bid")), NULL, 10);
        json_decref(m);
        assert_true(base_price[v] > 100);
    }
    await_streams_live(10000);

    int kill_at[CS_KILLS] = {CS_ORDERS / 3, 2 * CS_ORDERS / 3};
    int next = 0, kills_done = 0;
    int64_t now = xg_test_now_ms();
    int64_t next_order = now, next_fault = now + CS_FAULT_GAP_MS,
            next_move = now + CS_MOVE_GAP_MS;
    while (next < CS_ORDERS) {
        now = xg_test_now_ms();
        if (kills_done < CS_KILLS && next >= kill_at[kills_done]) {
            kill_and_restart();
            kills_done++;
            continue;
        }
        if (now >= next_fault) {
            inject_fault();
            next_fault = now + CS_FAULT_GAP_MS / 2 +
                         xg_test_rng_below(&rng, CS_FAULT_GAP_MS);
        }
        if (now >= next_move) {
            move_through(xg_test_rng_below(&rng, CS_VENUES));
            next_move = now + CS_MOVE_GAP_MS;
        }
        if (now >= next_order) {
            cs_order *o = &orders[next];
            snprintf(o->id, sizeof o->id, "cs%04d", next);
            o->venue = xg_test_rng_below(&rng, CS_VENUES);
            o->is_ioc = xg_test_rng_below(&rng, 2);
            send_order(o);
            next++;
            next_order = now + CS_ORDER_GAP_MS;
        }
        drain_events(5);
    }

    /* Calm: the streams heal; the gateway catches up through them or
     * through the venues' fills lists. */
    clear_stream_faults();
    int missing = 0, wrong = 0, invented = 0, differ = 0;
    int64_t deadline = xg_test_now_ms() + 30000;
    do {
        drain_events(200);
        n_listed = read_listed(listed, CS_FILLS_MAX);
        missing = wrong = invented = 0;
        for (int v = 0; v < CS_VENUES; v++) {
            missing += judge_venue(v, &wrong, &invented, 0);
        }
        differ = missing == 0 ? judge_orders(0) : -1;
    } while ((missing > 0 || differ != 0) && xg_test_now_ms() < deadline);
    drain_events(200);
    stats.listed_twice = 0;
    n_listed = read_listed(listed, CS_FILLS_MAX);
    missing = wrong = invented = 0;
    for (int v = 0; v < CS_VENUES; v++) {
        missing += judge_venue(v, &wrong, &invented, 1);
    }
    differ = judge_orders(1);

    printf("chaos-streams: seed 0x%llx orders %d fills listed %zu (heard as "
           "events %zu), told twice %d, listed twice %d, missing %d, wrong "
           "%d, invented %d, orders differing %d; "
           "moves %d (%d while down), kills %d; faults drop %d stall %d "
           "delay %d duplicate %d reorder %d refuse %d clear %d\n",
           (unsigned long long)seed, CS_ORDERS, n_listed, n_told,
           stats.told_twice, stats.listed_twice, missing, wrong, invented,
           differ, stats.moves, stats.moves_while_down, stats.kills,
           stats.faults[F_DROP], stats.faults[F_STALL], stats.faults[F_DELAY],
           stats.faults[F_DUPLICATE], stats.faults[F_REORDER],
           stats.faults[F_REFUSE], stats.faults[F_CLEAR]);
    assert_int_equal(stats.told_twice, 0);
    assert_int_equal(stats.listed_twice, 0);
    assert_int_equal(missing, 0);
    assert_int_equal(wrong, 0);
    assert_int_equal(invented, 0);
    assert_int_equal(differ, 0);
    assert_int_equal(stats.kills, CS_KILLS);
    assert_true(n_listed > CS_ORDERS); /* the IOCs alone make 3 each */
    for (int k = F_DROP; k <= F_REFUSE; k++) {
        assert_true(stats.faults[k] > 0);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_chaos_streams_tell_every_fill_once,
                                  xg_venue_env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
