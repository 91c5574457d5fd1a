/*
 * limits.c - Binance's rate-limit buckets, described with core primitives.
 *
 * Binance publishes its limits in exchangeInfo.rateLimits (parse.c reads
 * them into the instance); until that answer arrives the instance holds the
 * values the fact sheet documents. This file turns either list into
 * xg_bucket_spec entries for the core's limiter, with the share of each IP
 * bucket held back for cancels and new orders taken from the instance's
 * options, and offers the interval arithmetic parse.c needs to match usage
 * headers to buckets. Charging requests is requests.c's job.
 *
 * Every bucket is a fixed window anchored to the clock. Binance counts in
 * calendar-aligned intervals (the docs' example is the 10 s ORDERS window
 * 12:34:00-12:34:10) and X-MBX-USED-WEIGHT-1M reports the count of the
 * current such minute, so a clock-anchored fixed window matches what the
 * venue enforces and can take the venue's reported count as-is. A sliding
 * window would be too pessimistic here: after a burst at the end of one
 * minute it would keep refusing requests for most of the next minute,
 * which Binance would accept. The core's guard_ns absorbs the clock error
 * between us and the venue at window edges.
 */
#include "binance.h"

#include <stdio.h>
#include <string.h>

#include "xgate/adapter_util.h"

#define NS_PER_S 1000000000LL

/* Documented values, the Binance fact sheet (binance.md), "Rate-limit
 * model": REQUEST_WEIGHT 6000 / 1 MINUTE (since 2023-08), RAW_REQUESTS
 * 300000 / 5 MINUTE (since 2026-04-02), ORDERS 100 / 10 SECOND and
 * 200000 / 1 DAY (ccxt sample; live values come from exchangeInfo). */
static const binance_limit binance_defaults[] = {
    {BINANCE_LIMIT_REQUEST_WEIGHT, 6000, 1, 'M', 60 * NS_PER_S},
    {BINANCE_LIMIT_RAW_REQUESTS, 300000, 5, 'M', 300 * NS_PER_S},
    {BINANCE_LIMIT_ORDERS, 100, 10, 'S', 10 * NS_PER_S},
    {BINANCE_LIMIT_ORDERS, 200000, 1, 'D', 86400 * NS_PER_S},
};

void
binance_default_limits(binance *b)
{
    size_t n = sizeof(binance_defaults) / sizeof(binance_defaults[0]);

    memcpy(b->limits, binance_defaults, sizeof(binance_defaults));
    b->n_limits = n;
    b->has_venue_limits = 0;
}

xg_err
binance_interval_unit(const char *interval, char *unit)
{
    static const struct {
        const char *name;
        char unit;
    } names[] = {{"SECOND", 'S'}, {"MINUTE", 'M'}, {"HOUR", 'H'}, {"DAY", 'D'}};

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(interval, names[i].name) == 0) {
            *unit = names[i].unit;
            return XG_OK;
        }
    }
    return XG_ERR_INVALID;
}

xg_err
binance_window_ns(int64_t num, char unit, int64_t *window_ns)
{
    int64_t seconds = 0;

    switch (unit) {
    case 'S':
        seconds = 1;
        break;
    case 'M':
        seconds = 60;
        break;
    case 'H':
        seconds = 3600;
        break;
    case 'D':
        seconds = 86400;
        break;
    default:
        return XG_ERR_INVALID;
    }
    if (num <= 0) {
        return XG_ERR_INVALID;
    }
    if (num > INT64_MAX / (seconds * NS_PER_S)) {
        return XG_ERR_OVERFLOW;
    }
    *window_ns = num * seconds * NS_PER_S;
    return XG_OK;
}

int
binance_find_limit(const binance *b, binance_limit_type type, int64_t window_ns)
{
    for (size_t i = 0; i < b->n_limits; i++) {
        if (b->limits[i].type == type && b->limits[i].window_ns == window_ns) {
            return (int)i;
        }
    }
    return -1;
}

static const char *
binance_type_name(binance_limit_type type)
{
    switch (type) {
    case BINANCE_LIMIT_REQUEST_WEIGHT:
        return "REQUEST_WEIGHT";
    case BINANCE_LIMIT_RAW_REQUESTS:
        return "RAW_REQUESTS";
    case BINANCE_LIMIT_ORDERS:
        return "ORDERS";
    }
    return "UNKNOWN";
}

xg_err
binance_limit_spec(const binance *b, const binance_limit *l,
                   xg_bucket_spec *spec)
{
    int len = 0;

    if (l->limit <= 0 || l->window_ns <= 0) {
        return XG_ERR_INVALID;
    }
    memset(spec, 0, sizeof(*spec));
    len = snprintf(spec->name, sizeof(spec->name), "%s_%lld%c",
                   binance_type_name(l->type), (long long)l->interval_num,
                   l->unit);
    if (len < 0 || (size_t)len >= sizeof(spec->name)) {
        return XG_ERR_TRUNCATED;
    }
    spec->kind = XG_LIMIT_FIXED_WINDOW;
    spec->anchor = XG_ANCHOR_CLOCK;
    spec->limit = l->limit;
    spec->window_ns = l->window_ns;
    /* Weight and raw requests count per IP, orders per account. */
    spec->flags = l->type == BINANCE_LIMIT_ORDERS ? XG_BUCKET_PER_ACCOUNT : 0;
    /* Cancels do not count against ORDERS (only new orders do), so a
     * reserve there would only idle capacity; the IP buckets are where
     * queries could starve a cancel. */
    if (l->type != BINANCE_LIMIT_ORDERS) {
        spec->reserve_cancel = xg_share_pct(l->limit, b->cancel_reserve_pct);
        spec->reserve_new = xg_share_pct(l->limit, b->query_reserve_pct);
    }
    return XG_OK;
}

xg_err
binance_limits(void *inst, xg_bucket_spec *specs, size_t cap, size_t *n)
{
    const binance *b = inst;

    if (b == NULL || n == NULL || (cap > 0 && specs == NULL)) {
        return XG_ERR_INVALID;
    }
    *n = b->n_limits;
    if (cap < b->n_limits) {
        return XG_ERR_TRUNCATED;
    }
    for (size_t i = 0; i < b->n_limits; i++) {
        xg_err rc = binance_limit_spec(b, &b->limits[i], &specs[i]);
        if (rc != XG_OK) {
            return rc;
        }
    }
    return XG_OK;
}
