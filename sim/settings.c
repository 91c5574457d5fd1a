/*
 * sim/settings.c - a dialect's --set values, from its table of settings.
 *
 * Every dialect keeps its limits, windows and ban lengths as int64_t
 * fields of one settings struct, so that a test can scale them down
 * ("--set bybit.create_per_s=10"). The table says which names exist and
 * their ranges; this file parses and stores the value, the same way for
 * every dialect. The market's keys (walk, levels, fees, ...) are common
 * to every venue and go to the book's config (xg_sim_book_configure);
 * main.c tries them before the dialect's own.
 */
#include "dialect.h"

#include <string.h>

xg_err
xg_sim_setting_apply(const xg_sim_setting *defs, size_t n, void *settings,
                     const char *key, const char *value)
{
    for (size_t i = 0; i < n; i++) {
        const xg_sim_setting *d = &defs[i];
        if (strcmp(d->name, key) != 0) {
            continue;
        }
        if (*value == '\0') {
            return XG_ERR_INVALID;
        }
        int64_t v = 0;
        for (const char *p = value; *p != '\0'; p++) {
            if (*p < '0' || *p > '9' || v > (INT64_MAX - 9) / 10) {
                return XG_ERR_INVALID;
            }
            v = v * 10 + (*p - '0');
        }
        if (v < d->min || v > d->max) {
            return XG_ERR_INVALID;
        }
        memcpy((char *)settings + d->offset, &v, sizeof(v));
        return XG_OK;
    }
    return XG_ERR_NOT_FOUND;
}

#define XG_SIM_MARKET_SET(name, lo, hi)                                        \
    XG_SIM_SETTING(xg_sim_book_config, name, (lo), (hi))

/* Fee rates stop at 10% and the level value at 1e10 quote, so that no
 * product of them overflows (book.c, market.c). */
static const xg_sim_setting xg_sim_market_setting_defs[] = {
    XG_SIM_MARKET_SET(walk, 0, 1),
    XG_SIM_MARKET_SET(walk_ms, 1, 86400000),
    XG_SIM_MARKET_SET(walk_ticks, 0, 1000000),
    XG_SIM_MARKET_SET(seed, 0, INT64_MAX / 2),
    XG_SIM_MARKET_SET(levels, 0, XG_SIM_MAX_LEVELS),
    XG_SIM_MARKET_SET(level_notional, 0, 10000000000LL),
    XG_SIM_MARKET_SET(spread_ticks, 1, 1000000),
    XG_SIM_MARKET_SET(level_ticks, 1, 1000000),
    XG_SIM_MARKET_SET(refill_ms, 1, 86400000),
    XG_SIM_MARKET_SET(fill_history, 1, 100000000),
    XG_SIM_MARKET_SET(feed_history, 1, 10000000),
    XG_SIM_MARKET_SET(maker_fee_ppm, 0, 100000),
    XG_SIM_MARKET_SET(taker_fee_ppm, 0, 100000),
};

xg_err
xg_sim_book_configure(xg_sim_book *b, const char *key, const char *value)
{
    return xg_sim_setting_apply(xg_sim_market_setting_defs,
                                sizeof(xg_sim_market_setting_defs) /
                                    sizeof(xg_sim_market_setting_defs[0]),
                                &b->config, key, value);
}
