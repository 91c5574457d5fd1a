/*
 * test_sim_book.c - the simulator's book and market (sim/book.c,
 * sim/market.c) without a server: price-time matching against synthetic
 * levels and other accounts' orders, partial fills, FOK/IOC/post-only,
 * fees and balances, locks, the seeded walk and its maker fills, and the
 * admin fill.
 *
 * The instrument is TEST/USD with a tick of 1 and a lot of 0.001 around
 * a reference of 100, so level prices are whole numbers a test can read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "book.h"

#define S XG_SIM_SCALE

/* a + b/1000, scale 8: U(1, 500) is 1.5. */
#define U(a, b) ((int64_t)(a)*S + (int64_t)(b) * (S / 1000))

typedef struct fixture {
    xg_sim_book b;
    size_t inst;
    size_t alice, bob;
} fixture;

/* A book with the walk paused, levels levels a side of level_qty each,
 * one tick apart from one tick off the reference 100, and the given fee
 * rates and rule; alice and bob hold 10,000 USD and 100 T. */
static void
setup_book(fixture *f, int64_t levels, int64_t level_qty, int64_t maker_ppm,
           int64_t taker_ppm, xg_sim_fee_rule rule)
{
    xg_sim_instrument in;
    xg_sim_secret a;
    xg_sim_secret b;
    xg_sim_market_params p;

    memset(f, 0, sizeof(*f));
    xg_sim_book_init(&f->b);
    assert_int_equal(xg_sim_book_configure(&f->b, "walk", "0"), XG_OK);
    f->b.config.maker_fee_ppm = maker_ppm;
    f->b.config.taker_fee_ppm = taker_ppm;
    f->b.config.fee_rule = rule;
    memset(&in, 0, sizeof(in));
    memcpy(in.symbol, "TESTUSD", sizeof("TESTUSD"));
    memcpy(in.base, "T", 2);
    memcpy(in.quote, "USD", 4);
    in.min_price = S;
    in.max_price = 1000000 * S;
    in.tick = S;
    in.min_qty = S / 1000;
    in.max_qty = 1000000 * S;
    in.step = S / 1000;
    in.min_notional = 0;
    in.max_notional = INT64_MAX;
    in.ref_price = 100 * S;
    assert_int_equal(xg_sim_book_add_instrument(&f->b, &in), XG_OK);
    f->inst = 0;
    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    memcpy(a.api_key, "alice", 6);
    memcpy(b.api_key, "bob", 4);
    assert_int_equal(xg_sim_book_add_account(&f->b, &a, &f->alice), XG_OK);
    assert_int_equal(xg_sim_book_add_account(&f->b, &b, &f->bob), XG_OK);
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(xg_sim_book_set_balance(&f->b, i, "USD", 10000 * S),
                         XG_OK);
        assert_int_equal(xg_sim_book_set_balance(&f->b, i, "T", 100 * S),
                         XG_OK);
    }
    p = f->b.markets[0].p;
    p.levels = levels;
    p.level_qty = level_qty;
    p.spread_ticks = 1;
    p.level_ticks = 1;
    assert_int_equal(xg_sim_book_set_market(&f->b, 0, &p, 0, NULL), XG_OK);
}

static void
teardown_book(fixture *f)
{
    xg_sim_book_fini(&f->b);
}

static xg_sim_order *
place(fixture *f, size_t account, xg_sim_side side, xg_sim_type type,
      xg_sim_tif tif, int64_t price, int64_t qty, xg_sim_place_result want)
{
    xg_sim_new_order o;
    xg_sim_place_result got = XG_SIM_PLACED;
    xg_sim_order *ord = NULL;

    memset(&o, 0, sizeof(o));
    o.account = account;
    o.instrument = f->inst;
    o.side = side;
    o.type = type;
    o.tif = tif;
    o.price = price;
    o.qty = qty;
    assert_int_equal(xg_sim_book_place(&f->b, &o, 0, &got, &ord), XG_OK);
    assert_int_equal(got, want);
    return ord;
}

static const xg_sim_balance *
bal(fixture *f, size_t account, const char *asset)
{
    const xg_sim_balance *row = xg_sim_book_balance(&f->b, account, asset);
    assert_non_null(row);
    return row;
}

/* The fills of order o, oldest first, into prices/qtys; returns how
 * many. */
static size_t
fills_of(fixture *f, const xg_sim_order *o, int64_t *prices, int64_t *qtys,
         size_t cap)
{
    size_t n = 0;
    const xg_sim_fill *seen[16];

    for (const xg_sim_fill *x = xg_sim_book_fill(&f->b, o->last_fill_seq);
         x != NULL && n < 16; x = xg_sim_book_fill(&f->b, x->prev_order_seq)) {
        seen[n++] = x;
    }
    assert_true(n <= cap);
    for (size_t i = 0; i < n; i++) {
        prices[i] = seen[n - 1 - i]->price;
        qtys[i] = seen[n - 1 - i]->qty;
    }
    return n;
}

static void
test_sim_book_buy_walks_levels_with_price_improvement(void **state)
{
    fixture f;
    int64_t prices[4];
    int64_t qtys[4];
    (void)state;

    setup_book(&f, 3, U(1, 0), 0, 0, XG_SIM_FEE_RECEIVED);
    /* Asks at 101, 102, 103, one each: a buy at 105 for 2.5 takes the
     * first two whole and half the third, each at the level's price. */
    xg_sim_order *o = place(&f, f.alice, XG_SIM_BUY, XG_SIM_LIMIT, XG_SIM_GTC,
                            105 * S, U(2, 500), XG_SIM_PLACED);
    assert_int_equal(o->status, XG_SIM_FILLED);
    assert_int_equal(o->filled, U(2, 500));
    assert_int_equal(o->quote_filled, U(254, 500));
    assert_int_equal(xg_sim_order_avg_price(o), U(101, 800));
    assert_int_equal(fills_of(&f, o, prices, qtys, 4), 3);
    assert_int_equal(prices[0], 101 * S);
    assert_int_equal(qtys[0], U(1, 0));
    assert_int_equal(prices[1], 102 * S);
    assert_int_equal(prices[2], 103 * S);
    assert_int_equal(qtys[2], U(0, 500));
    /* Paid 254.5 (not 105 * 2.5): the improvement stays free. */
    assert_int_equal(bal(&f, f.alice, "USD")->free, U(9745, 500));
    assert_int_equal(bal(&f, f.alice, "USD")->locked, 0);
    assert_int_equal(bal(&f, f.alice, "T")->free, U(102, 500));
    assert_int_equal(xg_sim_book_best(&f.b, f.inst, XG_SIM_SELL), 103 * S);
    teardown_book(&f);
}

static void
test_sim_book_gtc_remainder_rests_partially_filled(void **state)
{
    fixture f;
    (void)state;

    setup_book(&f, 2, U(1, 0), 0, 0, XG_SIM_FEE_RECEIVED);
    xg_sim_order *o = place(&f, f.alice, XG_SIM_BUY, XG_SIM_LIMIT, XG_SIM_GTC,
                            102 * S, U(3, 0), XG_SIM_PLACED);
    assert_int_equal(o->status, XG_SIM_PARTIALLY_FILLED);
    assert_true(xg_sim_order_is_open(o));
    assert_int_equal(o->filled, U(2, 0));
    assert_int_equal(o->quote_filled, 203 * S);
    /* The rest stays locked at its limit. */
    assert_int_equal(bal(&f, f.alice, "USD")->locked, 102 * S);
    assert_int_equal(bal(&f, f.alice, "USD")->free, (10000 - 203 - 102) * S);
    assert_int_equal(f.b.nopen, 1);
    teardown_book(&f);
}

static void
test_sim_book_fok_ioc_and_post_only(void **state)
{
    fixture f;
    (void)state;

    setup_book(&f, 2, U(1, 0), 0, 0, XG_SIM_FEE_RECEIVED);
    /* FOK for more than the book holds up to its limit: expired
     * untouched, nothing consumed, nothing locked. */
    xg_sim_order *o = place(&f, f.alice, XG_SIM_BUY, XG_SIM_LIMIT, XG_SIM_FOK,
                            102 * S, U(3, 0), XG_SIM_PLACED);
    assert_int_equal(o->status, XG_SIM_EXPIRED);
    assert_int_equal(o->filled, 0);
    assert_int_equal(bal(&f, f.alice, "USD")->free, 10000 * S);
    assert_int_equal(bal(&f, f.alice, "USD")->locked, 0);
    /* A FOK the book can fill fills whole. */
    o = place(&f, f.alice, XG_SIM_BUY, XG_SIM_LIMIT, XG_SIM_FOK, 102 * S,
              U(1, 500), XG_SIM_PLACED);
    assert_int_equal(o->status, XG_SIM_FILLED);
    assert_int_equal(o->quote_filled, U(152, 0));
    /* IOC takes what is left (0.5 at 102) and the rest expires, its
     * lock released. */
    o = place(&f, f.alice, XG_SIM_BUY, XG_SIM_LIMIT, XG_SIM_IOC, 102 * S,
              U(3, 0), XG_SIM_PLACED);
    assert_int_equal(o->status, XG_SIM_EXPIRED);
    assert_int_equal(o->filled, U(0, 500));
    assert_int_equal(bal(&f, f.alice, "USD")->locked, 0);
    assert_int_equal(bal(&f, f.alice, "USD")->free, (10000 - 152 - 51) * S);
    /* Post-only: refused when it would take (the bids at 99, 98), rests
     * when it would not. */
    place(&f, f.alice, XG_SIM_SELL, XG_SIM_LIMIT_MAKER, XG_SIM_GTC, 99 * S,
          U(1, 0), XG_SIM_WOULD_TAKE);
    o = place(&f, f.alice, XG_SIM_SELL, XG_SIM_LIMIT_MAKER, XG_SIM_GTC, 110 * S,
              U(1, 0), XG_SIM_PLACED);
    assert_int_equal(o->status, XG_SIM_NEW);
    /* A market order's remainder expires too. */
    o = place(&f, f.bob, XG_SIM_SELL, XG_SIM_MARKET, XG_SIM_GTC, 0, U(5, 0),
              XG_SIM_PLACED);
    assert_int_equal(o->status, XG_SIM_EXPIRED);
    assert_int_equal(o->filled, U(2, 0));
    assert_int_equal(o->quote_filled, (99 + 98) * S);
    assert_int_equal(bal(&f, f.bob, "T")->free, 98 * S);
    assert_int_equal(bal(&f, f.bob, "T")->locked, 0);
    teardown_book(&f);
}

static void
test_sim_book_takes_other_accounts_orders_first_at_their_price(void **state)
{
    fixture f;
    int64_t prices[4];
    int64_t qtys[4];
    (void)state;

    setup_book(&f, 2, U(1, 0), 1000, 2000, XG_SIM_FEE_RECEIVED);
    /* Bob rests a sell at 101, level with the best synthetic ask: his
     * order goes first (time priority over the refreshed levels). */
    xg_sim_order *maker = place(&f, f.bob, XG_SIM_SELL, XG_SIM_LIMIT,
                                XG_SIM_GTC, 101 * S, U(0, 500), XG_SIM_PLACED);
    int64_t maker_id = maker->order_id;
    /* Alice's own resting sell is skipped, not traded. */
    place(&f, f.alice, XG_SIM_SELL, XG_SIM_LIMIT, XG_SIM_GTC, 101 * S, U(1, 0),
          XG_SIM_PLACED);
    xg_sim_order *o = place(&f, f.alice, XG_SIM_BUY, XG_SIM_LIMIT, XG_SIM_GTC,
                            101 * S, U(1, 0), XG_SIM_PLACED);
    assert_int_equal(o->status, XG_SIM_FILLED);
    assert_int_equal(fills_of(&f, o, prices, qtys, 4), 2);
    assert_int_equal(qtys[0], U(0, 500));
    assert_int_equal(qtys[1], U(0, 500));
    const xg_sim_fill *taker = xg_sim_book_fill(
        &f.b, xg_sim_book_fill(&f.b, o->last_fill_seq)->prev_order_seq);
    maker = xg_sim_book_by_id(&f.b, f.bob, maker_id);
    assert_int_equal(maker->status, XG_SIM_FILLED);
    const xg_sim_fill *mf = xg_sim_book_fill(&f.b, maker->last_fill_seq);
    assert_non_null(mf);
    assert_int_equal(mf->trade_id, taker->trade_id);
    assert_true(mf->is_maker);
    assert_false(taker->is_maker);
    /* Bob sold 0.5 at 101 as maker: 50.5 USD less 0.1%; alice's taker
     * fee is 0.2% of the T she received. */
    assert_int_equal(mf->fee, 5050000);
    assert_int_equal(bal(&f, f.bob, "USD")->free,
                     10000 * S + U(50, 500) - 5050000);
    assert_int_equal(bal(&f, f.bob, "T")->locked, 0);
    assert_int_equal(o->fee, 200000);
    assert_int_equal(bal(&f, f.alice, "T")->free,
                     100 * S - U(1, 0) + U(1, 0) - 200000);
    teardown_book(&f);
}

static void
test_sim_book_fees_in_quote_are_locked_and_charged(void **state)
{
    fixture f;
    (void)state;

    /* KuCoin's rule: a buy pays the fee in quote on top. */
    setup_book(&f, 2, U(1, 0), 1000, 2000, XG_SIM_FEE_QUOTE);
    xg_sim_order *o = place(&f, f.alice, XG_SIM_BUY, XG_SIM_LIMIT, XG_SIM_GTC,
                            100 * S, U(1, 0), XG_SIM_PLACED);
    /* Rests at 100: 100 plus the larger fee rate's 0.2 is locked. */
    assert_int_equal(o->status, XG_SIM_NEW);
    assert_int_equal(bal(&f, f.alice, "USD")->locked, U(100, 200));
    assert_int_equal(xg_sim_book_cancel(&f.b, o, 0), XG_OK);
    assert_int_equal(bal(&f, f.alice, "USD")->locked, 0);
    assert_int_equal(bal(&f, f.alice, "USD")->free, 10000 * S);
    /* Taking 1 at 101 costs 101 + 0.202. */
    o = place(&f, f.alice, XG_SIM_BUY, XG_SIM_LIMIT, XG_SIM_GTC, 101 * S,
              U(1, 0), XG_SIM_PLACED);
    assert_int_equal(o->status, XG_SIM_FILLED);
    assert_int_equal(o->fee, U(0, 202));
    assert_true(o->is_fee_quote);
    assert_string_equal(xg_sim_order_fee_asset(&f.b, o), "USD");
    assert_int_equal(bal(&f, f.alice, "USD")->free, 10000 * S - U(101, 202));
    assert_int_equal(bal(&f, f.alice, "T")->free, 101 * S);
    /* A sell's fee comes out of the proceeds. */
    o = place(&f, f.alice, XG_SIM_SELL, XG_SIM_LIMIT, XG_SIM_IOC, 99 * S,
              U(1, 0), XG_SIM_PLACED);
    assert_int_equal(o->fee, U(0, 198));
    assert_int_equal(bal(&f, f.alice, "USD")->free,
                     10000 * S - U(101, 202) + U(98, 802));
    /* What the free balance cannot cover is refused, as before. */
    place(&f, f.bob, XG_SIM_BUY, XG_SIM_LIMIT, XG_SIM_GTC, 100 * S, U(99, 900),
          XG_SIM_INSUFFICIENT);
    teardown_book(&f);
}

static void
test_sim_book_cancel_releases_the_rest_of_a_partial_order(void **state)
{
    fixture f;
    (void)state;

    setup_book(&f, 1, U(1, 0), 0, 0, XG_SIM_FEE_RECEIVED);
    xg_sim_order *o = place(&f, f.alice, XG_SIM_SELL, XG_SIM_LIMIT, XG_SIM_GTC,
                            99 * S, U(3, 0), XG_SIM_PLACED);
    assert_int_equal(o->status, XG_SIM_PARTIALLY_FILLED);
    assert_int_equal(bal(&f, f.alice, "T")->locked, U(2, 0));
    assert_int_equal(xg_sim_book_cancel(&f.b, o, 0), XG_OK);
    assert_int_equal(o->status, XG_SIM_CANCELED);
    assert_int_equal(o->filled, U(1, 0));
    assert_int_equal(bal(&f, f.alice, "T")->locked, 0);
    assert_int_equal(bal(&f, f.alice, "T")->free, 99 * S);
    assert_int_equal(bal(&f, f.alice, "USD")->free, 10099 * S);
    assert_int_equal(xg_sim_book_cancel(&f.b, o, 0), XG_ERR_UNKNOWN_ORDER);
    assert_int_equal(f.b.nopen, 0);
    assert_int_equal(f.b.markets[0].nasks, 0);
    teardown_book(&f);
}

/* The walk from seed, one tick a step at most, one level of 0.4 a side,
 * refilled only when the reference moves. */
static void
walk_fixture(fixture *f, int64_t seed)
{
    xg_sim_market_params p;

    setup_book(f, 1, U(0, 400), 0, 0, XG_SIM_FEE_RECEIVED);
    p = f->b.markets[0].p;
    p.seed = seed;
    p.walk_ticks = 1;
    p.walk_ms = 1000;
    p.refill_ms = 3600000; /* only a move brings liquidity back */
    p.paused = false;
    assert_int_equal(xg_sim_book_set_market(&f->b, 0, &p, 0, NULL), XG_OK);
}

/* Alice's buy of 1 at 98 fills, at 98 and as maker, in three parts as
 * the walk from seed 7 brings the asks down through it. */
static void
test_sim_book_walk_fills_a_resting_order_in_three_parts(void **state)
{
    fixture f;
    int64_t prices[4];
    int64_t qtys[4];
    int64_t fill_ms[4];
    (void)state;

    walk_fixture(&f, 7);
    xg_sim_order *o = place(&f, f.alice, XG_SIM_BUY, XG_SIM_LIMIT, XG_SIM_GTC,
                            98 * S, U(1, 0), XG_SIM_PLACED);
    int64_t id = o->order_id;
    for (int64_t t = 1000; t <= 60000; t += 1000) {
        xg_sim_book_advance(&f.b, t);
        if (!xg_sim_order_is_open(xg_sim_book_by_id(&f.b, f.alice, id))) {
            break;
        }
    }
    o = xg_sim_book_by_id(&f.b, f.alice, id);
    assert_int_equal(o->status, XG_SIM_FILLED);
    assert_int_equal(fills_of(&f, o, prices, qtys, 4), 3);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(prices[i], 98 * S);
    }
    assert_int_equal(qtys[0], U(0, 400));
    assert_int_equal(qtys[1], U(0, 400));
    assert_int_equal(qtys[2], U(0, 200));
    size_t k = 0;
    for (const xg_sim_fill *x = xg_sim_book_fill(&f.b, o->last_fill_seq);
         x != NULL; x = xg_sim_book_fill(&f.b, x->prev_order_seq)) {
        fill_ms[2 - k++] = x->time_ms;
        assert_true(x->is_maker);
    }
    /* Seed 7's path: 100, 99, 98, 97 puts the ask at 98 on step 3; step
     * 4 moves (new liquidity, the second part), step 5 stays (no new
     * liquidity), step 6 moves again (the last part). */
    assert_int_equal(fill_ms[0], 3000);
    assert_int_equal(fill_ms[1], 4000);
    assert_int_equal(fill_ms[2], 6000);
    assert_int_equal(bal(&f, f.alice, "USD")->free, (10000 - 98) * S);
    assert_int_equal(bal(&f, f.alice, "USD")->locked, 0);
    assert_int_equal(bal(&f, f.alice, "T")->free, 101 * S);
    teardown_book(&f);
}

static void
test_sim_book_same_seed_same_path_and_fills(void **state)
{
    fixture a;
    fixture b;
    (void)state;

    walk_fixture(&a, 12345);
    walk_fixture(&b, 12345);
    place(&a, a.alice, XG_SIM_SELL, XG_SIM_LIMIT, XG_SIM_GTC, 102 * S, U(2, 0),
          XG_SIM_PLACED);
    place(&b, b.alice, XG_SIM_SELL, XG_SIM_LIMIT, XG_SIM_GTC, 102 * S, U(2, 0),
          XG_SIM_PLACED);
    /* The same steps, reached through different call times. */
    for (int64_t t = 0; t <= 200000; t += 1000) {
        xg_sim_book_advance(&a.b, t);
        if (t % 7000 == 0) {
            xg_sim_book_advance(&b.b, t);
        }
        if (t % 10000 == 0) {
            xg_sim_book_advance(&b.b, t);
            assert_int_equal(a.b.instruments[0].ref_price,
                             b.b.instruments[0].ref_price);
            assert_int_equal(a.b.markets[0].steps, b.b.markets[0].steps);
        }
    }
    assert_int_equal(a.b.markets[0].steps, 200);
    assert_int_equal(a.b.nfills, b.b.nfills);
    for (int64_t s = 1; s <= a.b.nfills; s++) {
        const xg_sim_fill *x = xg_sim_book_fill(&a.b, s);
        const xg_sim_fill *y = xg_sim_book_fill(&b.b, s);
        assert_int_equal(x->qty, y->qty);
        assert_int_equal(x->price, y->price);
        assert_int_equal(x->time_ms, y->time_ms);
    }
    /* A paused walk does not step, and a set price is exact. */
    xg_sim_market_params p = a.b.markets[0].p;
    p.paused = true;
    assert_int_equal(xg_sim_book_set_market(&a.b, 0, &p, 200000, NULL), XG_OK);
    int64_t ref = a.b.instruments[0].ref_price;
    xg_sim_book_advance(&a.b, 900000);
    assert_int_equal(a.b.instruments[0].ref_price, ref);
    assert_int_equal(xg_sim_book_set_price(&a.b, 0, 150 * S, 900000, NULL),
                     XG_OK);
    assert_int_equal(a.b.instruments[0].ref_price, 150 * S);
    teardown_book(&a);
    teardown_book(&b);
}

static void
test_sim_book_admin_fill_and_set_price(void **state)
{
    fixture f;
    size_t filled = 0;
    (void)state;

    setup_book(&f, 3, U(1, 0), 1000, 1000, XG_SIM_FEE_RECEIVED);
    xg_sim_order *o = place(&f, f.alice, XG_SIM_BUY, XG_SIM_LIMIT, XG_SIM_GTC,
                            90 * S, U(2, 0), XG_SIM_PLACED);
    /* Worse than the limit, more than is left, zero: refused. */
    assert_int_equal(xg_sim_book_fill_order(&f.b, o, U(1, 0), 91 * S, 5),
                     XG_ERR_INVALID);
    assert_int_equal(xg_sim_book_fill_order(&f.b, o, U(3, 0), 90 * S, 5),
                     XG_ERR_INVALID);
    assert_int_equal(xg_sim_book_fill_order(&f.b, o, 0, 90 * S, 5),
                     XG_ERR_INVALID);
    /* 0.5 at 89: a maker fill, the 0.5 of improvement freed. */
    assert_int_equal(xg_sim_book_fill_order(&f.b, o, U(0, 500), 89 * S, 5),
                     XG_OK);
    assert_int_equal(o->status, XG_SIM_PARTIALLY_FILLED);
    assert_int_equal(o->quote_filled, U(44, 500));
    assert_int_equal(o->fee, 50000);
    assert_int_equal(bal(&f, f.alice, "USD")->locked, U(135, 0));
    assert_int_equal(bal(&f, f.alice, "USD")->free,
                     10000 * S - U(135, 0) - U(44, 500));
    assert_int_equal(bal(&f, f.alice, "T")->free, U(100, 500) - 50000);
    /* The price falls through it: the asks from 86 reach 90, and the
     * rest fills at its own price from the first level (1.5 left, the
     * level holds 1, the next at 87 the other 0.5). */
    assert_int_equal(xg_sim_book_set_price(&f.b, 0, 85 * S, 6, &filled), XG_OK);
    assert_int_equal(filled, 1);
    assert_int_equal(o->status, XG_SIM_FILLED);
    assert_int_equal(o->quote_filled, U(44, 500) + U(135, 0));
    assert_int_equal(bal(&f, f.alice, "USD")->locked, 0);
    assert_int_equal(xg_sim_book_fill_order(&f.b, o, U(0, 1), 90 * S, 7),
                     XG_ERR_UNKNOWN_ORDER);
    teardown_book(&f);
}

static void
test_sim_book_walk_steps_with_time_and_quote_buys(void **state)
{
    fixture f;
    int64_t qty = 0;
    (void)state;

    walk_fixture(&f, 1);
    xg_sim_book_advance(&f.b, 4999);
    assert_int_equal(f.b.markets[0].steps, 4);
    xg_sim_book_advance(&f.b, 4000);
    assert_int_equal(f.b.markets[0].steps, 4);
    xg_sim_book_advance(&f.b, 10000);
    assert_int_equal(f.b.markets[0].steps, 10);
    /* 150 of quote at the one 0.4 level: 0.4 is all there is. */
    assert_int_equal(
        xg_sim_book_quote_qty(&f.b, f.alice, 0, 150 * S, 10000, &qty), XG_OK);
    assert_int_equal(qty, U(0, 400));
    /* Consumed liquidity comes back after refill_ms. */
    int64_t ask = xg_sim_book_best(&f.b, 0, XG_SIM_SELL);
    xg_sim_market_params p = f.b.markets[0].p;
    p.paused = true;
    p.level_qty = U(10, 0);
    p.refill_ms = 1000;
    assert_int_equal(xg_sim_book_set_market(&f.b, 0, &p, 10000, NULL), XG_OK);
    xg_sim_new_order o;
    xg_sim_place_result r = XG_SIM_PLACED;
    xg_sim_order *ord = NULL;
    memset(&o, 0, sizeof(o));
    o.account = f.alice;
    o.side = XG_SIM_BUY;
    o.type = XG_SIM_MARKET;
    o.qty = U(10, 0);
    assert_int_equal(xg_sim_book_place(&f.b, &o, 10000, &r, &ord), XG_OK);
    assert_int_equal(ord->status, XG_SIM_FILLED);
    assert_int_equal(ord->quote_filled, 10 * ask);
    assert_int_equal(xg_sim_book_best(&f.b, 0, XG_SIM_SELL), 0);
    xg_sim_book_advance(&f.b, 10999);
    assert_int_equal(xg_sim_book_best(&f.b, 0, XG_SIM_SELL), 0);
    xg_sim_book_advance(&f.b, 11000);
    assert_int_equal(xg_sim_book_best(&f.b, 0, XG_SIM_SELL), ask);
    teardown_book(&f);
}

/* Depth merges synthetic levels and resting orders per price, best
 * first; the tape counts a trade between two accounts once, as its
 * taker's fill. */
static void
test_sim_book_depth_and_trades(void **state)
{
    fixture f;
    xg_sim_level lv[8];
    const xg_sim_fill *tr[8];
    (void)state;

    setup_book(&f, 3, U(1, 0), 0, 0, XG_SIM_FEE_RECEIVED);
    /* Bids at 99, 98, 97; bob rests 0.5 at 98 and 0.25 at 99. */
    place(&f, f.bob, XG_SIM_BUY, XG_SIM_LIMIT, XG_SIM_GTC, 98 * S, U(0, 500),
          XG_SIM_PLACED);
    place(&f, f.bob, XG_SIM_BUY, XG_SIM_LIMIT, XG_SIM_GTC, 99 * S, U(0, 250),
          XG_SIM_PLACED);
    assert_int_equal(xg_sim_book_depth(&f.b, f.inst, XG_SIM_BUY, 8, lv), 3);
    assert_int_equal(lv[0].price, 99 * S);
    assert_int_equal(lv[0].qty, U(1, 250));
    assert_int_equal(lv[1].price, 98 * S);
    assert_int_equal(lv[1].qty, U(1, 500));
    assert_int_equal(lv[2].price, 97 * S);
    /* A cut at two levels still sums the second level whole. */
    assert_int_equal(xg_sim_book_depth(&f.b, f.inst, XG_SIM_BUY, 2, lv), 2);
    assert_int_equal(lv[1].qty, U(1, 500));
    assert_int_equal(xg_sim_book_depth(&f.b, f.inst, XG_SIM_SELL, 8, lv), 3);
    assert_int_equal(lv[0].price, 101 * S);

    /* Alice sells 0.5 at 99: bob's 0.25 first (a two-fill trade), then
     * 0.25 of the synthetic 99. */
    place(&f, f.alice, XG_SIM_SELL, XG_SIM_LIMIT, XG_SIM_IOC, 99 * S,
          U(0, 500), XG_SIM_PLACED);
    assert_int_equal(xg_sim_book_trades(&f.b, f.inst, 8, tr), 2);
    assert_int_equal(tr[0]->qty, U(0, 250));
    assert_false(tr[0]->is_maker);
    assert_int_equal(tr[1]->qty, U(0, 250));
    assert_false(tr[1]->is_maker);
    assert_int_equal(tr[1]->account, f.alice);
    assert_int_equal(xg_sim_book_trades(&f.b, f.inst, 1, tr), 1);
    const xg_sim_market *m = &f.b.markets[f.inst];
    assert_int_equal(m->ntrades, 2);
    assert_int_equal(m->volume, U(0, 500));
    assert_int_equal(m->last_price, 99 * S);
    assert_int_equal(m->open_price, 100 * S);
    teardown_book(&f);
}

static void
test_sim_book_fill_history_keeps_the_newest_n(void **state)
{
    fixture f;
    size_t n = 0;
    (void)state;

    setup_book(&f, 2, U(10, 0), 0, 0, XG_SIM_FEE_RECEIVED);
    f.b.config.fill_history = 4;
    for (int i = 0; i < 6; i++) {
        place(&f, f.alice, XG_SIM_BUY, XG_SIM_MARKET, XG_SIM_GTC, 0, U(0, 100),
              XG_SIM_PLACED);
    }
    assert_int_equal(f.b.nfills, 6);
    assert_null(xg_sim_book_fill(&f.b, 1));
    assert_null(xg_sim_book_fill(&f.b, 2));
    assert_null(xg_sim_book_fill(&f.b, 7));
    for (const xg_sim_fill *x =
             xg_sim_book_fill(&f.b, f.b.accounts[f.alice].last_fill_seq);
         x != NULL; x = xg_sim_book_fill(&f.b, x->prev_account_seq)) {
        assert_int_equal(x->seq, 6 - (int64_t)n);
        assert_int_equal(x->order_id, 6 - (int64_t)n);
        n++;
    }
    assert_int_equal(n, 4);
    assert_null(xg_sim_book_fill(&f.b, f.b.accounts[f.bob].last_fill_seq));
    teardown_book(&f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sim_book_buy_walks_levels_with_price_improvement),
        cmocka_unit_test(test_sim_book_gtc_remainder_rests_partially_filled),
        cmocka_unit_test(test_sim_book_fok_ioc_and_post_only),
        cmocka_unit_test(
            test_sim_book_takes_other_accounts_orders_first_at_their_price),
        cmocka_unit_test(test_sim_book_fees_in_quote_are_locked_and_charged),
        cmocka_unit_test(
            test_sim_book_cancel_releases_the_rest_of_a_partial_order),
        cmocka_unit_test(
            test_sim_book_walk_fills_a_resting_order_in_three_parts),
        cmocka_unit_test(test_sim_book_same_seed_same_path_and_fills),
        cmocka_unit_test(test_sim_book_admin_fill_and_set_price),
        cmocka_unit_test(test_sim_book_walk_steps_with_time_and_quote_buys),
        cmocka_unit_test(test_sim_book_depth_and_trades),
        cmocka_unit_test(test_sim_book_fill_history_keeps_the_newest_n),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
