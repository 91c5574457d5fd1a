/*
 * test_binance_limits.c - Binance's buckets before and after exchangeInfo,
 * their reserves, and the usage headers mapped onto them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "binance.h"

#define DATA     XG_TEST_DATA_DIR "/binance/"
#define NS_PER_S 1000000000LL

static char *
read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    long n = 0;
    if (fp == NULL) {
        fail_msg("cannot open %s", path);
    }
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    n = ftell(fp);
    assert_true(n >= 0);
    assert_int_equal(fseek(fp, 0, SEEK_SET), 0);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
    buf[n] = '\0';
    fclose(fp);
    *len = (size_t)n;
    return buf;
}

static void *
create(const xg_kv *opts, size_t n)
{
    xg_adapter_config cfg = {"k", "s", NULL, opts, n};
    char err[128];
    void *inst = NULL;
    assert_int_equal(xg_adapter_entry()->create(&cfg, &inst, err, sizeof(err)),
                     XG_OK);
    return inst;
}

static size_t g_instruments;

static xg_err
count_instrument(void *ctx, const xg_instrument *ins)
{
    (void)ctx;
    (void)ins;
    g_instruments++;
    return XG_OK;
}

/* Feed an exchangeInfo body (file under tests/data/binance or inline). */
static xg_outcome
feed_exchange_info(void *inst, const char *body, size_t len, xg_result *res)
{
    xg_op op = {.kind = XG_OP_INSTRUMENTS};
    xg_http_response resp = {200, NULL, 0, body, len};
    xg_sink sink = {NULL, count_instrument, NULL, NULL, NULL};
    g_instruments = 0;
    assert_int_equal(xg_adapter_entry()->parse(inst, &op, &resp, &sink, res),
                     XG_OK);
    return res->outcome;
}

static void
expect_spec(const xg_bucket_spec *s, const char *name, int64_t limit,
            int64_t window_s, int64_t reserve_cancel, int64_t reserve_new)
{
    assert_string_equal(s->name, name);
    assert_int_equal(s->kind, XG_LIMIT_FIXED_WINDOW);
    assert_int_equal(s->anchor, XG_ANCHOR_CLOCK);
    assert_int_equal(s->limit, limit);
    assert_int_equal(s->window_ns, window_s * NS_PER_S);
    assert_int_equal(s->reserve_cancel, reserve_cancel);
    assert_int_equal(s->reserve_new, reserve_new);
    /* Weight and raw requests per IP, orders per account. */
    assert_int_equal(
        s->flags, strncmp(name, "ORDERS", 6) == 0 ? XG_BUCKET_PER_ACCOUNT : 0u);
}

static void
test_limits_before_exchange_info_are_documented_values(void **state)
{
    (void)state;
    void *inst = create(NULL, 0);
    xg_bucket_spec specs[8];
    size_t n = 0;

    assert_int_equal(xg_adapter_entry()->limits(inst, specs, 8, &n), XG_OK);
    assert_int_equal(n, 4);
    expect_spec(&specs[0], "REQUEST_WEIGHT_1M", 6000, 60, 300, 600);
    expect_spec(&specs[1], "RAW_REQUESTS_5M", 300000, 300, 15000, 30000);
    expect_spec(&specs[2], "ORDERS_10S", 100, 10, 0, 0);
    expect_spec(&specs[3], "ORDERS_1D", 200000, 86400, 0, 0);
    xg_adapter_entry()->destroy(inst);
}

static void
test_reserves_follow_options_and_skip_orders(void **state)
{
    (void)state;
    xg_kv opts[] = {{"cancel_reserve_pct", "50"}, {"query_reserve_pct", "0"}};
    void *inst = create(opts, 2);
    xg_bucket_spec specs[8];
    size_t n = 0;

    assert_int_equal(xg_adapter_entry()->limits(inst, specs, 8, &n), XG_OK);
    expect_spec(&specs[0], "REQUEST_WEIGHT_1M", 6000, 60, 3000, 0);
    expect_spec(&specs[1], "RAW_REQUESTS_5M", 300000, 300, 150000, 0);
    expect_spec(&specs[2], "ORDERS_10S", 100, 10, 0, 0);
    xg_adapter_entry()->destroy(inst);
}

static void
test_limits_reports_needed_count_when_cap_too_small(void **state)
{
    (void)state;
    void *inst = create(NULL, 0);
    xg_bucket_spec specs[2];
    size_t n = 0;

    assert_int_equal(xg_adapter_entry()->limits(inst, specs, 2, &n),
                     XG_ERR_TRUNCATED);
    assert_int_equal(n, 4);
    assert_int_equal(xg_adapter_entry()->limits(inst, NULL, 0, &n),
                     XG_ERR_TRUNCATED);
    assert_int_equal(xg_adapter_entry()->limits(inst, specs, 2, NULL),
                     XG_ERR_INVALID);
    xg_adapter_entry()->destroy(inst);
}

static void
test_limits_after_exchange_info_are_the_advertised_ones(void **state)
{
    (void)state;
    void *inst = create(NULL, 0);
    size_t len = 0;
    char *body = read_file(DATA "exchange_info.json", &len);
    xg_result res;
    xg_bucket_spec specs[8];
    size_t n = 0;

    assert_int_equal(feed_exchange_info(inst, body, len, &res), XG_OUTCOME_OK);
    assert_int_equal(xg_adapter_entry()->limits(inst, specs, 8, &n), XG_OK);
    /* The venue's order, not the defaults'. */
    assert_int_equal(n, 4);
    expect_spec(&specs[0], "REQUEST_WEIGHT_1M", 6000, 60, 300, 600);
    expect_spec(&specs[1], "ORDERS_10S", 100, 10, 0, 0);
    expect_spec(&specs[2], "ORDERS_1D", 200000, 86400, 0, 0);
    expect_spec(&specs[3], "RAW_REQUESTS_5M", 300000, 300, 15000, 30000);
    assert_int_equal(((binance *)inst)->has_venue_limits, 1);
    free(body);
    xg_adapter_entry()->destroy(inst);
}

/* Any number of buckets, any interval; types we do not model skipped. */
static void
test_limits_take_unusual_intervals(void **state)
{
    (void)state;
    void *inst = create(NULL, 0);
    size_t len = 0;
    char *body = read_file(DATA "exchange_info_odd_symbols.json", &len);
    xg_result res;
    xg_bucket_spec specs[8];
    size_t n = 0;

    assert_int_equal(feed_exchange_info(inst, body, len, &res), XG_OUTCOME_OK);
    assert_int_equal(xg_adapter_entry()->limits(inst, specs, 8, &n), XG_OK);
    assert_int_equal(n, 3);
    expect_spec(&specs[0], "REQUEST_WEIGHT_1M", 1200, 60, 60, 120);
    expect_spec(&specs[1], "REQUEST_WEIGHT_10S", 300, 10, 15, 30);
    expect_spec(&specs[2], "ORDERS_2H", 5000, 7200, 0, 0);
    free(body);
    xg_adapter_entry()->destroy(inst);
}

/* An absurd rateLimits list is refused as a whole: REJECTED, no
 * instrument reported, the previous buckets kept. */
static void
test_absurd_rate_limits_keep_defaults(void **state)
{
    (void)state;
    static const char *const bodies[] = {
        "{\"symbols\":[],\"rateLimits\":[{\"rateLimitType\":\"ORDERS\","
        "\"interval\":\"SECOND\",\"intervalNum\":10,\"limit\":0}]}",
        "{\"symbols\":[],\"rateLimits\":[{\"rateLimitType\":\"ORDERS\","
        "\"interval\":\"SECOND\",\"intervalNum\":10,\"limit\":-100}]}",
        "{\"symbols\":[],\"rateLimits\":[{\"rateLimitType\":\"ORDERS\","
        "\"interval\":\"SECOND\",\"intervalNum\":0,\"limit\":100}]}",
        "{\"symbols\":[],\"rateLimits\":[{\"rateLimitType\":\"ORDERS\","
        "\"interval\":\"SECOND\",\"intervalNum\":-1,\"limit\":100}]}",
        "{\"symbols\":[],\"rateLimits\":[{\"rateLimitType\":\"ORDERS\","
        "\"interval\":\"WEEK\",\"intervalNum\":1,\"limit\":100}]}",
        "{\"symbols\":[],\"rateLimits\":[{\"rateLimitType\":\"ORDERS\","
        "\"interval\":\"DAY\",\"intervalNum\":9000000000000,\"limit\":100}]}",
        "{\"symbols\":[],\"rateLimits\":[{\"rateLimitType\":\"ORDERS\","
        "\"interval\":\"DAY\",\"intervalNum\":\"1\",\"limit\":100}]}",
        "{\"symbols\":[],\"rateLimits\":[{\"rateLimitType\":\"ORDERS\","
        "\"interval\":\"DAY\",\"intervalNum\":1,\"limit\":1.5}]}",
        "{\"symbols\":[],\"rateLimits\":[{\"rateLimitType\":\"ORDERS\","
        "\"interval\":\"DAY\",\"intervalNum\":1}]}",
        "{\"symbols\":[],\"rateLimits\":[{\"rateLimitType\":7}]}",
        "{\"symbols\":[],\"rateLimits\":[42]}",
        "{\"symbols\":[],\"rateLimits\":[]}",
        "{\"symbols\":[],\"rateLimits\":[{\"rateLimitType\":\"CONNECTIONS\","
        "\"interval\":\"MINUTE\",\"intervalNum\":1,\"limit\":10}]}",
        "{\"symbols\":[],\"rateLimits\":{}}",
        "{\"symbols\":[]}",
        /* Seven buckets: more than one request can be charged against. */
        "{\"symbols\":[],\"rateLimits\":["
        "{\"rateLimitType\":\"ORDERS\",\"interval\":\"SECOND\",\"intervalNum\":"
        "1,\"limit\":1},"
        "{\"rateLimitType\":\"ORDERS\",\"interval\":\"SECOND\",\"intervalNum\":"
        "2,\"limit\":1},"
        "{\"rateLimitType\":\"ORDERS\",\"interval\":\"SECOND\",\"intervalNum\":"
        "3,\"limit\":1},"
        "{\"rateLimitType\":\"ORDERS\",\"interval\":\"SECOND\",\"intervalNum\":"
        "4,\"limit\":1},"
        "{\"rateLimitType\":\"ORDERS\",\"interval\":\"SECOND\",\"intervalNum\":"
        "5,\"limit\":1},"
        "{\"rateLimitType\":\"ORDERS\",\"interval\":\"SECOND\",\"intervalNum\":"
        "6,\"limit\":1},"
        "{\"rateLimitType\":\"ORDERS\",\"interval\":\"SECOND\",\"intervalNum\":"
        "7,\"limit\":1}]}",
    };
    size_t len = 0;
    char *good = read_file(DATA "exchange_info.json", &len);

    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        void *inst = create(NULL, 0);
        xg_result res;
        xg_bucket_spec specs[8];
        size_t n = 0;

        /* A valid symbol list with a bad rateLimits must not leak
         * instruments either: splice the good symbols in. */
        assert_int_equal(
            feed_exchange_info(inst, bodies[i], strlen(bodies[i]), &res),
            XG_OUTCOME_REJECTED);
        assert_int_equal(res.err, XG_ERR_BAD_RESPONSE);
        assert_int_equal(g_instruments, 0);
        assert_int_equal(xg_adapter_entry()->limits(inst, specs, 8, &n), XG_OK);
        assert_int_equal(n, 4);
        expect_spec(&specs[0], "REQUEST_WEIGHT_1M", 6000, 60, 300, 600);
        assert_int_equal(((binance *)inst)->has_venue_limits, 0);
        xg_adapter_entry()->destroy(inst);
    }

    /* Good symbols, one bad limit: nothing delivered. */
    void *inst = create(NULL, 0);
    xg_result res;
    char *p = strstr(good, "\"limit\": 100}");
    assert_non_null(p);
    memcpy(p, "\"limit\": -10}", 13);
    assert_int_equal(feed_exchange_info(inst, good, len, &res),
                     XG_OUTCOME_REJECTED);
    assert_int_equal(g_instruments, 0);
    xg_adapter_entry()->destroy(inst);
    free(good);
}

/* A later bad answer does not undo the buckets of an earlier good one. */
static void
test_bad_exchange_info_keeps_previous_venue_limits(void **state)
{
    (void)state;
    void *inst = create(NULL, 0);
    size_t len = 0;
    char *body = read_file(DATA "exchange_info_odd_symbols.json", &len);
    xg_result res;
    xg_bucket_spec specs[8];
    size_t n = 0;
    const char *bad = "{\"symbols\":[],\"rateLimits\":[]}";

    assert_int_equal(feed_exchange_info(inst, body, len, &res), XG_OUTCOME_OK);
    assert_int_equal(feed_exchange_info(inst, bad, strlen(bad), &res),
                     XG_OUTCOME_REJECTED);
    assert_int_equal(xg_adapter_entry()->limits(inst, specs, 8, &n), XG_OK);
    assert_int_equal(n, 3);
    assert_string_equal(specs[2].name, "ORDERS_2H");
    free(body);
    xg_adapter_entry()->destroy(inst);
}

/* --- usage headers ----------------------------------------------------- */

static xg_http_header_view
hv(const char *name, const char *value)
{
    xg_http_header_view h = {name, strlen(name), value, strlen(value)};
    return h;
}

static int64_t
usage_of(const xg_result *res, uint16_t bucket)
{
    for (size_t i = 0; i < res->n_usage; i++) {
        if (res->usage[i].bucket == bucket) {
            assert_int_equal(res->usage[i].remaining, -1);
            assert_int_equal(res->usage[i].scope, 0);
            return res->usage[i].used;
        }
    }
    return -1;
}

static void
parse_with_headers(void *inst, int status, const char *body,
                   const xg_http_header_view *h, size_t n, xg_result *res)
{
    xg_op op = {.kind = XG_OP_SERVER_TIME};
    xg_http_response resp = {status, h, n, body, strlen(body)};
    assert_int_equal(xg_adapter_entry()->parse(inst, &op, &resp, NULL, res),
                     XG_OK);
}

static void
test_usage_headers_map_to_buckets_by_interval(void **state)
{
    (void)state;
    void *inst = create(NULL, 0);
    xg_result res;
    xg_http_header_view h[] = {
        hv("Content-Type", "application/json"),
        hv("X-MBX-USED-WEIGHT-1M", "42"),
        hv("x-mbx-order-count-10s", " 7 "),
        hv("X-Mbx-Order-Count-1D", "1234"),
        hv("X-MBX-USED-WEIGHT", "99"),   /* no interval */
        hv("X-MBX-USED-WEIGHT-1S", "5"), /* no such bucket */
        hv("X-MBX-USED-WEIGHT-5M", "5"), /* a RAW_REQUESTS window */
        hv("X-MBX-ORDER-COUNT-1M", "5"), /* no such bucket */
    };

    parse_with_headers(inst, 200, "{\"serverTime\":1700000000000}", h, 8, &res);
    assert_int_equal(res.outcome, XG_OUTCOME_OK);
    assert_int_equal(res.n_usage, 3);
    assert_int_equal(usage_of(&res, 0), 42);
    assert_int_equal(usage_of(&res, 1), -1);
    assert_int_equal(usage_of(&res, 2), 7);
    assert_int_equal(usage_of(&res, 3), 1234);
    xg_adapter_entry()->destroy(inst);
}

/* Same window written differently is the same bucket; of two reports for
 * one bucket the higher count wins. */
static void
test_usage_headers_match_window_length(void **state)
{
    (void)state;
    void *inst = create(NULL, 0);
    xg_result res;
    xg_http_header_view h[] = {
        hv("X-MBX-USED-WEIGHT-60S", "50"),
        hv("X-MBX-USED-WEIGHT-1M", "42"),
    };

    parse_with_headers(inst, 200, "{\"serverTime\":1700000000000}", h, 2, &res);
    assert_int_equal(res.n_usage, 1);
    assert_int_equal(usage_of(&res, 0), 50);
    xg_adapter_entry()->destroy(inst);
}

static void
test_usage_headers_ignore_malformed_values(void **state)
{
    (void)state;
    void *inst = create(NULL, 0);
    xg_result res;
    xg_http_header_view h[] = {
        hv("X-MBX-USED-WEIGHT-1M", "abc"),
        hv("X-MBX-USED-WEIGHT-1M", "-1"),
        hv("X-MBX-USED-WEIGHT-1M", ""),
        hv("X-MBX-USED-WEIGHT-1M", "99999999999999999999999"),
        hv("X-MBX-USED-WEIGHT-M", "1"),
        hv("X-MBX-USED-WEIGHT-1X", "1"),
        hv("X-MBX-USED-WEIGHT-0M", "1"),
        hv("X-MBX-USED-WEIGHT-1 M", "1"),
        hv("X-MBX-USED-WEIGHT-", "1"),
        hv("X-MBX-ORDER-COUNT-99999999999999999999D", "1"),
        hv("X-MBX-ORDER-COUNT-10S", "1.5"),
    };

    parse_with_headers(inst, 200, "{\"serverTime\":1700000000000}", h,
                       sizeof(h) / sizeof(h[0]), &res);
    assert_int_equal(res.outcome, XG_OUTCOME_OK);
    assert_int_equal(res.n_usage, 0);
    xg_adapter_entry()->destroy(inst);
}

/* Usage is reported whatever the outcome: a 429 says how much was used. */
static void
test_usage_reported_on_error_outcomes(void **state)
{
    (void)state;
    void *inst = create(NULL, 0);
    xg_result res;
    xg_http_header_view h[] = {
        hv("X-MBX-USED-WEIGHT-1M", "6001"),
        hv("Retry-After", "12"),
    };

    parse_with_headers(inst, 429,
                       "{\"code\":-1003,\"msg\":\"Too much request weight used;"
                       " current limit is 6000 request weight per 1 MINUTE.\"}",
                       h, 2, &res);
    assert_int_equal(res.outcome, XG_OUTCOME_RATE_LIMITED);
    assert_int_equal(res.retry_after_ms, 12000);
    assert_int_equal(usage_of(&res, 0), 6001);
    xg_adapter_entry()->destroy(inst);
}

/* The exchangeInfo answer's own headers belong to the buckets it was
 * charged to (the core observes them before rebuilding its limiter);
 * later answers map onto the venue's buckets. */
static void
test_usage_headers_follow_venue_buckets(void **state)
{
    (void)state;
    void *inst = create(NULL, 0);
    size_t len = 0;
    char *body = read_file(DATA "exchange_info_odd_symbols.json", &len);
    xg_result res;
    xg_op op = {.kind = XG_OP_INSTRUMENTS};
    xg_http_header_view h[] = {
        hv("X-MBX-USED-WEIGHT-1M", "20"),
        hv("X-MBX-USED-WEIGHT-10S", "21"),
        hv("X-MBX-ORDER-COUNT-2H", "3"),
        hv("X-MBX-ORDER-COUNT-10S", "4"),
    };
    xg_http_response resp = {200, h, 4, body, len};

    assert_int_equal(xg_adapter_entry()->parse(inst, &op, &resp, NULL, &res),
                     XG_OK);
    assert_int_equal(res.outcome, XG_OUTCOME_OK);
    /* Defaults: REQUEST_WEIGHT_1M is 0, ORDERS_10S is 2. */
    assert_int_equal(res.n_usage, 2);
    assert_int_equal(usage_of(&res, 0), 20);
    assert_int_equal(usage_of(&res, 2), 4);

    /* Now REQUEST_WEIGHT_1M 0, REQUEST_WEIGHT_10S 1, ORDERS_2H 2. */
    parse_with_headers(inst, 200, "{\"serverTime\":1700000000000}", h, 4, &res);
    assert_int_equal(res.n_usage, 3);
    assert_int_equal(usage_of(&res, 0), 20);
    assert_int_equal(usage_of(&res, 1), 21);
    assert_int_equal(usage_of(&res, 2), 3);
    free(body);
    xg_adapter_entry()->destroy(inst);
}

static void
test_interval_helpers(void **state)
{
    (void)state;
    int64_t w = 0;
    char unit = 0;
    assert_int_equal(binance_interval_unit("SECOND", &unit), XG_OK);
    assert_int_equal(unit, 'S');
    assert_int_equal(binance_interval_unit("HOUR", &unit), XG_OK);
    assert_int_equal(unit, 'H');
    assert_int_equal(binance_interval_unit("second", &unit), XG_ERR_INVALID);
    assert_int_equal(binance_window_ns(3, 'H', &w), XG_OK);
    assert_int_equal(w, 3 * 3600 * NS_PER_S);
    assert_int_equal(binance_window_ns(0, 'S', &w), XG_ERR_INVALID);
    assert_int_equal(binance_window_ns(1, 'W', &w), XG_ERR_INVALID);
    assert_int_equal(binance_window_ns(INT64_MAX, 'S', &w), XG_ERR_OVERFLOW);
    assert_int_equal(binance_window_ns(106751, 'D', &w), XG_OK);
    assert_int_equal(binance_window_ns(106752, 'D', &w), XG_ERR_OVERFLOW);
}

/* Reserves never overflow, even for a limit near INT64_MAX. */
static void
test_spec_reserve_for_huge_limit(void **state)
{
    (void)state;
    binance *b = create(NULL, 0);
    binance_limit l = {BINANCE_LIMIT_REQUEST_WEIGHT, INT64_MAX, 1, 'S',
                       NS_PER_S};
    xg_bucket_spec s;
    assert_int_equal(binance_limit_spec(b, &l, &s), XG_OK);
    assert_true(s.reserve_cancel > 0 && s.reserve_cancel < INT64_MAX / 19);
    assert_true(s.reserve_new > s.reserve_cancel);
    xg_adapter_entry()->destroy(b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            test_limits_before_exchange_info_are_documented_values),
        cmocka_unit_test(test_reserves_follow_options_and_skip_orders),
        cmocka_unit_test(test_limits_reports_needed_count_when_cap_too_small),
        cmocka_unit_test(
            test_limits_after_exchange_info_are_the_advertised_ones),
        cmocka_unit_test(test_limits_take_unusual_intervals),
        cmocka_unit_test(test_absurd_rate_limits_keep_defaults),
        cmocka_unit_test(test_bad_exchange_info_keeps_previous_venue_limits),
        cmocka_unit_test(test_usage_headers_map_to_buckets_by_interval),
        cmocka_unit_test(test_usage_headers_match_window_length),
        cmocka_unit_test(test_usage_headers_ignore_malformed_values),
        cmocka_unit_test(test_usage_reported_on_error_outcomes),
        cmocka_unit_test(test_usage_headers_follow_venue_buckets),
        cmocka_unit_test(test_interval_helpers),
        cmocka_unit_test(test_spec_reserve_for_huge_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
