/*
 * sim/market.h - what book.c and market.c share (sim-internal, not for
 * dialects: they use sim/book.h).
 *
 * book.c owns orders, balances and the fill history; market.c owns each
 * instrument's walk, synthetic levels and the per-side index of resting
 * orders. A fill is applied by book.c (money, status, history) whoever
 * finds it; market.c finds the fills (the plan of an incoming order, the
 * crossings the walk makes) and keeps its index in step.
 */
#ifndef XGATE_SIM_MARKET_H
#define XGATE_SIM_MARKET_H

#include "book.h"

/* Give instrument i (just appended) its market from b->config. */
xg_err xg_sim__market_init(xg_sim_book *b, size_t instrument);

/* Free a market's index arrays. */
void xg_sim__market_fini(xg_sim_market *m);

/* Room for one more resting order on that side, so resting cannot fail
 * after money moved. XG_ERR_NOMEM. */
xg_err xg_sim__market_reserve(xg_sim_book *b, size_t instrument,
                              xg_sim_side side);

/* Put order index oi into its side's index (room reserved). */
void xg_sim__market_rest(xg_sim_book *b, size_t oi);

/* Take order index oi out of its side's index. */
void xg_sim__market_unrest(xg_sim_book *b, size_t oi);

/* Advance one instrument's market to now_ms (see xg_sim_book_advance). */
void xg_sim__market_advance(xg_sim_book *b, size_t instrument, int64_t now_ms);

/* Plan what an incoming order of account on instrument would take,
 * best price first, into b->plan[0..*n): up to qty, or (quote_budget >
 * 0) as much as quote_budget buys; limit 0 means no limit. Own resting
 * orders are skipped. *taken: the planned quantity; *worst: the worst
 * planned price (0 if none). Changes nothing but the scratch. */
xg_err xg_sim__market_plan(xg_sim_book *b, size_t account, size_t instrument,
                           xg_sim_side side, int64_t limit, int64_t qty,
                           int64_t quote_budget, size_t *n, int64_t *taken,
                           int64_t *worst);

/* Take qty from synthetic level `level` opposite to a taker on
 * taker_side. */
void xg_sim__market_consume(xg_sim_book *b, size_t instrument,
                            xg_sim_side taker_side, size_t level, int64_t qty,
                            int64_t now_ms);

/* Apply one fill to order index oi (book.c): money, fee, status, fill
 * history, and the order leaves the lists once filled if it rested. */
void xg_sim__book_fill(xg_sim_book *b, size_t oi, int64_t price, int64_t qty,
                       bool is_maker, int64_t trade_id, int64_t now_ms);

#endif
