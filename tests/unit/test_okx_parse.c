/*
 * test_okx_parse.c - OKX answers into results: every row of the error
 * table, per-order sCode, acknowledgements (amends included), order
 * details with the price and size OKX holds, open orders, instruments
 * with their limiter scopes, server time, and bad, truncated
 * and hostile bodies (which must never crash and must leave an order
 * operation, an amend too, UNKNOWN), including what the strict JSON reader
 * refuses: repeated keys, invalid UTF-8 and deep nesting; batches of
 * places, cancels and amends (each order's result matched by clOrdId and
 * read as its single operation's, partial failures, orders missing from
 * the answer, outcomes of the whole request) and balances (hostile
 * amounts refused).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "okx.h"

#define DATA XG_TEST_DATA_DIR "/okx/"

typedef struct fixture {
    void *inst;
    xg_instrument btc;
    xg_result res;
    xg_instrument ins[16];
    size_t n_ins;
    xg_order_report reps[16];
    size_t n_reps;
} fixture;

static int
setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    xg_kv opts[] = {{"window_ms", "1500"}};
    xg_adapter_config cfg = {"key", "secret", "pass", opts, 1};
    char err[128];
    if (f == NULL ||
        xg_adapter_entry()->create(&cfg, &f->inst, err, sizeof(err)) != XG_OK) {
        free(f);
        return -1;
    }
    memcpy(f->btc.symbol, "BTC/USDT", 9);
    memcpy(f->btc.venue_symbol, "BTC-USDT", 9);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fixture *f = *state;
    xg_adapter_entry()->destroy(f->inst);
    free(f);
    return 0;
}

static char *
slurp(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof(path), DATA "%s", name);
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        fail_msg("cannot open %s", path);
    }
    char *buf = malloc(65536);
    assert_non_null(buf);
    *len = fread(buf, 1, 65535, fp);
    buf[*len] = '\0';
    fclose(fp);
    return buf;
}

static xg_err
sink_instrument(void *ctx, const xg_instrument *ins)
{
    fixture *f = ctx;
    if (f->n_ins >= 16) {
        return XG_ERR_NOMEM;
    }
    f->ins[f->n_ins++] = *ins;
    return XG_OK;
}

static xg_err
sink_order(void *ctx, const xg_order_report *rep)
{
    fixture *f = ctx;
    if (f->n_reps >= 16) {
        return XG_ERR_NOMEM;
    }
    f->reps[f->n_reps++] = *rep;
    return XG_OK;
}

/* The order a NEW_ORDER answer is parsed for: the core always passes it,
 * and whether an ack says enough depends on it. */
static const xg_order resting = {.type = XG_TYPE_LIMIT, .tif = XG_TIF_GTC};
static const xg_order taking = {.type = XG_TYPE_MARKET, .tif = XG_TIF_IOC};
static const xg_order *placed_order = &resting;
/* What an AMEND_ORDER answer is parsed for (parse does not read it: the
 * answer says what OKX did). */
static const xg_amend amend_req = {.price = {350010, 1}, .qty = {2, 3}};

static xg_err
parse_len(fixture *f, xg_op_kind kind, int status, const char *body, size_t len)
{
    int has_order = kind == XG_OP_NEW_ORDER || kind == XG_OP_AMEND_ORDER;
    xg_op op = {.kind = kind,
                .instrument = &f->btc,
                .order = has_order ? placed_order : NULL,
                .client_id = "gw0001",
                .amend = kind == XG_OP_AMEND_ORDER ? &amend_req : NULL};
    xg_http_response resp = {status, NULL, 0, body, len};
    xg_sink sink = {f, sink_instrument, sink_order, NULL, NULL};
    if (kind == XG_OP_SERVER_TIME || kind == XG_OP_INSTRUMENTS ||
        kind == XG_OP_OPEN_ORDERS) {
        op.instrument = NULL;
        op.client_id = NULL;
    }
    f->n_ins = 0;
    f->n_reps = 0;
    return xg_adapter_entry()->parse(f->inst, &op, &resp, &sink, &f->res);
}

static xg_err
parse_str(fixture *f, xg_op_kind kind, int status, const char *body)
{
    return parse_len(f, kind, status, body, strlen(body));
}

static xg_err
parse_file(fixture *f, xg_op_kind kind, int status, const char *name)
{
    size_t len = 0;
    char *body = slurp(name, &len);
    xg_err rc = parse_len(f, kind, status, body, len);
    free(body);
    return rc;
}

/* --- the error table, row by row --------------------------------------- */

typedef struct err_case {
    int status;
    const char *code;   /* top-level code; NULL: body is "<html>" */
    const char *s_code; /* per-order code in data[0]; NULL: data [] */
    xg_op_kind kind;
    xg_outcome outcome;
    xg_err err;
    int64_t retry_after_ms;
} err_case;

static const err_case err_cases[] = {
    {429, "50011", NULL, XG_OP_NEW_ORDER, XG_OUTCOME_RATE_LIMITED,
     XG_ERR_RATE_LIMITED, 1500},
    {200, "50011", NULL, XG_OP_QUERY_ORDER, XG_OUTCOME_RATE_LIMITED,
     XG_ERR_RATE_LIMITED, 1500},
    {200, "1", "50061", XG_OP_NEW_ORDER, XG_OUTCOME_RATE_LIMITED,
     XG_ERR_RATE_LIMITED, 1500},
    {429, "50013", NULL, XG_OP_NEW_ORDER, XG_OUTCOME_UNKNOWN,
     XG_ERR_UNKNOWN_STATUS, 0},
    {429, "50013", NULL, XG_OP_OPEN_ORDERS, XG_OUTCOME_RATE_LIMITED,
     XG_ERR_RATE_LIMITED, 1000},
    {429, NULL, NULL, XG_OP_CANCEL_ORDER, XG_OUTCOME_RATE_LIMITED,
     XG_ERR_RATE_LIMITED, 1500},
    {401, "50102", NULL, XG_OP_NEW_ORDER, XG_OUTCOME_RESYNC, XG_ERR_TIMESTAMP,
     0},
    {400, "50004", NULL, XG_OP_NEW_ORDER, XG_OUTCOME_UNKNOWN,
     XG_ERR_UNKNOWN_STATUS, 0},
    {400, "50004", NULL, XG_OP_CANCEL_ORDER, XG_OUTCOME_UNKNOWN,
     XG_ERR_UNKNOWN_STATUS, 0},
    {400, "50004", NULL, XG_OP_QUERY_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_VENUE_DOWN, 0},
    {503, "50001", NULL, XG_OP_NEW_ORDER, XG_OUTCOME_UNKNOWN,
     XG_ERR_UNKNOWN_STATUS, 0},
    {200, "50001", NULL, XG_OP_SERVER_TIME, XG_OUTCOME_REJECTED,
     XG_ERR_VENUE_DOWN, 0},
    {500, "50026", NULL, XG_OP_CANCEL_ORDER, XG_OUTCOME_UNKNOWN,
     XG_ERR_UNKNOWN_STATUS, 0},
    {200, "50026", NULL, XG_OP_INSTRUMENTS, XG_OUTCOME_REJECTED,
     XG_ERR_VENUE_DOWN, 0},
    {502, NULL, NULL, XG_OP_NEW_ORDER, XG_OUTCOME_UNKNOWN,
     XG_ERR_UNKNOWN_STATUS, 0},
    {504, NULL, NULL, XG_OP_QUERY_ORDER, XG_OUTCOME_REJECTED, XG_ERR_VENUE_DOWN,
     0},
    {302, NULL, NULL, XG_OP_NEW_ORDER, XG_OUTCOME_UNKNOWN, XG_ERR_BAD_RESPONSE,
     0},
    {302, NULL, NULL, XG_OP_QUERY_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_BAD_RESPONSE, 0},
    {101, NULL, NULL, XG_OP_CANCEL_ORDER, XG_OUTCOME_UNKNOWN,
     XG_ERR_BAD_RESPONSE, 0},
    {101, NULL, NULL, XG_OP_OPEN_ORDERS, XG_OUTCOME_REJECTED,
     XG_ERR_BAD_RESPONSE, 0},
    {700, NULL, NULL, XG_OP_NEW_ORDER, XG_OUTCOME_UNKNOWN, XG_ERR_BAD_RESPONSE,
     0},
    {700, NULL, NULL, XG_OP_SERVER_TIME, XG_OUTCOME_REJECTED,
     XG_ERR_BAD_RESPONSE, 0},
    {200, "50007", NULL, XG_OP_NEW_ORDER, XG_OUTCOME_BANNED, XG_ERR_BANNED, 0},
    {400, "50100", NULL, XG_OP_QUERY_ORDER, XG_OUTCOME_BANNED, XG_ERR_BANNED,
     0},
    {400, "50112", NULL, XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED, XG_ERR_TIMESTAMP,
     0},
    {401, "50105", NULL, XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED, XG_ERR_AUTH, 0},
    {401, "50110", NULL, XG_OP_OPEN_ORDERS, XG_OUTCOME_REJECTED, XG_ERR_AUTH,
     0},
    {401, "50111", NULL, XG_OP_CANCEL_ORDER, XG_OUTCOME_REJECTED, XG_ERR_AUTH,
     0},
    {401, "50113", NULL, XG_OP_QUERY_ORDER, XG_OUTCOME_REJECTED, XG_ERR_AUTH,
     0},
    {401, NULL, NULL, XG_OP_QUERY_ORDER, XG_OUTCOME_REJECTED, XG_ERR_AUTH, 0},
    {200, "1", "51008", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_INSUFFICIENT_FUNDS, 0},
    {200, "1", "51119", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_INSUFFICIENT_FUNDS, 0},
    {200, "1", "51127", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_INSUFFICIENT_FUNDS, 0},
    {200, "1", "51131", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_INSUFFICIENT_FUNDS, 0},
    {200, "1", "51001", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_UNKNOWN_SYMBOL, 0},
    {200, "51001", NULL, XG_OP_QUERY_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_UNKNOWN_SYMBOL, 0},
    {200, "1", "51006", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED, XG_ERR_FILTER, 0},
    {200, "1", "51020", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED, XG_ERR_FILTER, 0},
    {200, "1", "51121", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED, XG_ERR_FILTER, 0},
    {200, "1", "51016", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_DUPLICATE_ID, 0},
    {200, "1", "50071", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_DUPLICATE_ID, 0},
    {200, "51603", NULL, XG_OP_QUERY_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_ORDER_NOT_FOUND, 0},
    {200, "1", "51400", XG_OP_CANCEL_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_ORDER_NOT_FOUND, 0},
    {200, "1", "51401", XG_OP_CANCEL_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_ORDER_NOT_FOUND, 0},
    {200, "1", "51402", XG_OP_CANCEL_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_ORDER_NOT_FOUND, 0},
    {200, "1", "51174", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED, XG_ERR_REJECTED,
     0},
    {400, "51000", NULL, XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED, XG_ERR_REJECTED,
     0},
    /* Amends: the order-level refusals OKX documents for amend-order... */
    {200, "1", "51503", XG_OP_AMEND_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_ORDER_NOT_FOUND, 0},
    {200, "1", "51509", XG_OP_AMEND_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_ORDER_NOT_FOUND, 0},
    {200, "1", "51510", XG_OP_AMEND_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_ORDER_NOT_FOUND, 0},
    {200, "1", "51502", XG_OP_AMEND_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_INSUFFICIENT_FUNDS, 0},
    {200, "1", "51008", XG_OP_AMEND_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_INSUFFICIENT_FUNDS, 0},
    {200, "1", "51006", XG_OP_AMEND_ORDER, XG_OUTCOME_REJECTED, XG_ERR_FILTER,
     0},
    {200, "1", "51020", XG_OP_AMEND_ORDER, XG_OUTCOME_REJECTED, XG_ERR_FILTER,
     0},
    {200, "1", "51121", XG_OP_AMEND_ORDER, XG_OUTCOME_REJECTED, XG_ERR_FILTER,
     0},
    {200, "1", "51506", XG_OP_AMEND_ORDER, XG_OUTCOME_REJECTED, XG_ERR_REJECTED,
     0},
    {200, "1", "51511", XG_OP_AMEND_ORDER, XG_OUTCOME_REJECTED, XG_ERR_REJECTED,
     0},
    {200, "1", "51513", XG_OP_AMEND_ORDER, XG_OUTCOME_REJECTED, XG_ERR_REJECTED,
     0},
    {400, "51000", NULL, XG_OP_AMEND_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_REJECTED, 0},
    /* ... and the common paths, exactly as for a new order. */
    {429, "50011", NULL, XG_OP_AMEND_ORDER, XG_OUTCOME_RATE_LIMITED,
     XG_ERR_RATE_LIMITED, 1500},
    {200, "1", "50061", XG_OP_AMEND_ORDER, XG_OUTCOME_RATE_LIMITED,
     XG_ERR_RATE_LIMITED, 1500},
    {429, NULL, NULL, XG_OP_AMEND_ORDER, XG_OUTCOME_RATE_LIMITED,
     XG_ERR_RATE_LIMITED, 1500},
    {429, "50013", NULL, XG_OP_AMEND_ORDER, XG_OUTCOME_UNKNOWN,
     XG_ERR_UNKNOWN_STATUS, 0},
    {400, "50004", NULL, XG_OP_AMEND_ORDER, XG_OUTCOME_UNKNOWN,
     XG_ERR_UNKNOWN_STATUS, 0},
    {503, "50001", NULL, XG_OP_AMEND_ORDER, XG_OUTCOME_UNKNOWN,
     XG_ERR_UNKNOWN_STATUS, 0},
    {500, "50026", NULL, XG_OP_AMEND_ORDER, XG_OUTCOME_UNKNOWN,
     XG_ERR_UNKNOWN_STATUS, 0},
    {502, NULL, NULL, XG_OP_AMEND_ORDER, XG_OUTCOME_UNKNOWN,
     XG_ERR_UNKNOWN_STATUS, 0},
    {302, NULL, NULL, XG_OP_AMEND_ORDER, XG_OUTCOME_UNKNOWN,
     XG_ERR_BAD_RESPONSE, 0},
    {700, NULL, NULL, XG_OP_AMEND_ORDER, XG_OUTCOME_UNKNOWN,
     XG_ERR_BAD_RESPONSE, 0},
    {200, "50007", NULL, XG_OP_AMEND_ORDER, XG_OUTCOME_BANNED, XG_ERR_BANNED,
     0},
    {400, "50100", NULL, XG_OP_AMEND_ORDER, XG_OUTCOME_BANNED, XG_ERR_BANNED,
     0},
    {401, "50102", NULL, XG_OP_AMEND_ORDER, XG_OUTCOME_RESYNC, XG_ERR_TIMESTAMP,
     0},
    {401, "50113", NULL, XG_OP_AMEND_ORDER, XG_OUTCOME_REJECTED, XG_ERR_AUTH,
     0},
};

static void
test_every_error_table_row(void **state)
{
    fixture *f = *state;
    char body[512];
    for (size_t i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
        const err_case *c = &err_cases[i];
        if (c->code == NULL) {
            snprintf(body, sizeof(body), "<html>%d</html>", c->status);
        } else if (c->s_code == NULL) {
            snprintf(body, sizeof(body),
                     "{\"code\":\"%s\",\"msg\":\"m%s\",\"data\":[]}", c->code,
                     c->code);
        } else {
            snprintf(body, sizeof(body),
                     "{\"code\":\"%s\",\"msg\":\"All operations failed\","
                     "\"data\":[{\"clOrdId\":\"gw0001\",\"ordId\":\"\","
                     "\"sCode\":\"%s\",\"sMsg\":\"s%s\"}]}",
                     c->code, c->s_code, c->s_code);
        }
        assert_int_equal(parse_str(f, c->kind, c->status, body), XG_OK);
        if (f->res.outcome != c->outcome || f->res.err != c->err ||
            f->res.retry_after_ms != c->retry_after_ms) {
            fail_msg("case %zu (%d %s/%s): outcome %d err %d retry %lld", i,
                     c->status, c->code ? c->code : "-",
                     c->s_code ? c->s_code : "-", f->res.outcome, f->res.err,
                     (long long)f->res.retry_after_ms);
        }
        /* The code that decided is the one reported, with its text. */
        if (c->s_code != NULL) {
            assert_string_equal(f->res.venue_code, c->s_code);
            assert_memory_equal(f->res.venue_msg, "s", 1);
        } else if (c->code != NULL) {
            assert_string_equal(f->res.venue_code, c->code);
        }
        assert_int_equal(f->res.banned_until_ms, 0);
    }
}

/* 51000 is any parameter error; the one naming px (an amend's newPx) is a
 * price off the tick grid, a filter breach like 51006 (the live venue's
 * text ends in a space). Another parameter stays a plain reject. */
static void
test_px_parameter_error_is_a_filter_breach(void **state)
{
    fixture *f = *state;
    const struct {
        xg_op_kind kind;
        const char *s_msg;
        xg_err err;
    } cases[] = {
        {XG_OP_NEW_ORDER, "Parameter px error ", XG_ERR_FILTER},
        {XG_OP_NEW_ORDER, "Parameter px error", XG_ERR_FILTER},
        {XG_OP_NEW_ORDER, "Parameter sz error", XG_ERR_REJECTED},
        {XG_OP_AMEND_ORDER, "Parameter newPx error", XG_ERR_FILTER},
        {XG_OP_AMEND_ORDER, "Parameter newSz error", XG_ERR_REJECTED},
    };
    char body[512];

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(body, sizeof(body),
                 "{\"code\":\"1\",\"msg\":\"All operations failed\","
                 "\"data\":[{\"clOrdId\":\"gw0001\",\"ordId\":\"\","
                 "\"sCode\":\"51000\",\"sMsg\":\"%s\"}]}",
                 cases[i].s_msg);
        assert_int_equal(parse_str(f, cases[i].kind, 200, body), XG_OK);
        assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
        assert_int_equal(f->res.err, cases[i].err);
        assert_string_equal(f->res.venue_code, "51000");
    }
}

static void
test_fixture_errors_from_files(void **state)
{
    fixture *f = *state;
    assert_int_equal(
        parse_file(f, XG_OP_NEW_ORDER, 200, "order_place_insufficient.json"),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_INSUFFICIENT_FUNDS);
    assert_string_equal(f->res.venue_code, "51008");
    assert_non_null(strstr(f->res.venue_msg, "Insufficient USDT"));

    assert_int_equal(parse_file(f, XG_OP_NEW_ORDER, 429, "rate_limited.json"),
                     XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_RATE_LIMITED);
    assert_int_equal(f->res.retry_after_ms, 1500);
    assert_int_equal(
        parse_file(f, XG_OP_QUERY_ORDER, 401, "timestamp_expired.json"), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_RESYNC);
    assert_int_equal(
        parse_file(f, XG_OP_NEW_ORDER, 400, "endpoint_timeout.json"), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(
        parse_file(f, XG_OP_QUERY_ORDER, 200, "order_not_found.json"), XG_OK);
    assert_int_equal(f->res.err, XG_ERR_ORDER_NOT_FOUND);
    assert_int_equal(parse_file(f, XG_OP_NEW_ORDER, 502, "gateway_502.html"),
                     XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
    assert_non_null(strstr(f->res.venue_msg, "502 Bad Gateway"));
    /* Newlines of the HTML page are made printable. */
    assert_null(strchr(f->res.venue_msg, '\n'));
}

/* --- success bodies ------------------------------------------------------ */

static void
test_place_and_cancel_acknowledgements(void **state)
{
    fixture *f = *state;
    assert_int_equal(
        parse_file(f, XG_OP_NEW_ORDER, 200, "order_place_ack.json"), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_string_equal(f->res.order.client_id, "gw0001");
    assert_string_equal(f->res.order.venue_order_id, "312269865356374016");
    assert_string_equal(f->res.order.venue_symbol, "BTC-USDT");
    assert_int_equal(f->res.order.status, XG_STATUS_NEW);

    /* A taking order's ack cannot say whether it filled. */
    placed_order = &taking;
    assert_int_equal(
        parse_file(f, XG_OP_NEW_ORDER, 200, "order_place_ack.json"), XG_OK);
    placed_order = &resting;
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.order.status, XG_STATUS_UNKNOWN);

    assert_int_equal(
        parse_file(f, XG_OP_CANCEL_ORDER, 200, "order_cancel_ack.json"), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.order.status, XG_STATUS_CANCELED);
    /* No price or size in either answer: left unsaid. */
    assert_int_equal(f->res.order.price.units, 0);
    assert_int_equal(f->res.order.qty.units, 0);
}

/* An amend answered sCode "0" is the same order, only accepted: its ids,
 * state UNKNOWN (a new price may have traded at once), no price or size,
 * nothing replaced. */
static void
test_amend_acknowledgement_is_the_same_order_state_unknown(void **state)
{
    fixture *f = *state;
    assert_int_equal(
        parse_file(f, XG_OP_AMEND_ORDER, 200, "order_amend_ack.json"), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.err, XG_OK);
    assert_string_equal(f->res.order.client_id, "gw0001");
    assert_string_equal(f->res.order.venue_order_id, "312269865356374016");
    assert_string_equal(f->res.order.venue_symbol, "BTC-USDT");
    assert_int_equal(f->res.order.status, XG_STATUS_UNKNOWN);
    assert_int_equal(f->res.order.exec.filled_qty.units, 0);
    assert_int_equal(f->res.order.price.units, 0);
    assert_int_equal(f->res.order.price.scale, 0);
    assert_int_equal(f->res.order.qty.units, 0);
    assert_int_equal(f->res.order.qty.scale, 0);
    assert_int_equal(f->res.is_replaced, 0);
    assert_int_equal(f->res.replaced_exec.filled_qty.units, 0);
}

/* An amend of an order that has filled or been canceled is 51503 with
 * code 1: ORDER_NOT_FOUND, so the core queries it; the venue's code and
 * text are kept. */
static void
test_amend_of_a_completed_order_is_order_not_found(void **state)
{
    fixture *f = *state;
    assert_int_equal(
        parse_file(f, XG_OP_AMEND_ORDER, 200, "order_amend_filled.json"),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_ORDER_NOT_FOUND);
    assert_string_equal(f->res.venue_code, "51503");
    assert_string_equal(f->res.venue_msg,
                        "Your order has already been filled or canceled.");
    assert_int_equal(f->res.order.venue_order_id[0], '\0');
}

static void
test_query_reports_state_and_fills(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse_file(f, XG_OP_QUERY_ORDER, 200, "order_query.json"),
                     XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.order.status, XG_STATUS_PARTIALLY_FILLED);
    assert_int_equal(f->res.order.exec.filled_qty.units, 5);
    assert_int_equal(f->res.order.exec.filled_qty.scale, 4);
    /* 0.0005 * 35000.2 = 17.5001 */
    xg_decimal want = {175001, 4};
    assert_int_equal(xg_decimal_cmp(f->res.order.exec.filled_quote, want), 0);
    assert_string_equal(f->res.order.venue_symbol, "BTC-USDT");
    /* OKX reports the charge as negative: fee -0.0000005 BTC is paid. */
    assert_int_equal(xg_decimal_cmp(f->res.order.exec.fee, (xg_decimal){5, 7}),
                     0);
    assert_string_equal(f->res.order.exec.fee_currency, "BTC");
    /* The limit price and total size as OKX holds them (amended or not). */
    assert_int_equal(
        xg_decimal_cmp(f->res.order.price, (xg_decimal){350005, 1}), 0);
    assert_int_equal(xg_decimal_cmp(f->res.order.qty, (xg_decimal){1, 3}), 0);

    static const struct {
        const char *state;
        xg_order_status status;
    } states[] = {{"live", XG_STATUS_NEW},
                  {"filled", XG_STATUS_FILLED},
                  {"canceled", XG_STATUS_CANCELED},
                  {"mmp_canceled", XG_STATUS_CANCELED}};
    char body[512];
    for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
        snprintf(body, sizeof(body),
                 "{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"instId\":"
                 "\"BTC-USDT\",\"ordId\":\"7\",\"clOrdId\":\"gw0001\","
                 "\"state\":\"%s\",\"accFillSz\":\"\",\"avgPx\":\"\"}]}",
                 states[i].state);
        assert_int_equal(parse_str(f, XG_OP_QUERY_ORDER, 200, body), XG_OK);
        assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
        assert_int_equal(f->res.order.status, states[i].status);
        assert_int_equal(f->res.order.exec.filled_qty.units, 0);
        /* No px or sz: unsaid, not an error. */
        assert_int_equal(f->res.order.price.units, 0);
        assert_int_equal(f->res.order.qty.units, 0);
    }
}

/* price and qty of an order's details: a market order's px "" and the sz
 * of one sized in the quote (tgtCcy quote_ccy, not a base quantity) are
 * left unsaid; a px or sz that is no decimal string makes the order
 * malformed, like any other amount. */
static void
test_order_details_carry_price_and_size(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *fields;
        xg_outcome outcome;
        xg_decimal price, qty;
    } cases[] = {
        {"\"px\":\"2000.50\",\"sz\":\"0.30\",\"tgtCcy\":\"\"",
         XG_OUTCOME_OK,
         {20005, 1},
         {3, 1}},
        {"\"px\":\"\",\"sz\":\"0.5\",\"tgtCcy\":\"base_ccy\"",
         XG_OUTCOME_OK,
         {0, 0},
         {5, 1}},
        {"\"px\":\"\",\"sz\":\"100\",\"tgtCcy\":\"quote_ccy\"",
         XG_OUTCOME_OK,
         {0, 0},
         {0, 0}},
        {"\"px\":\"2000\"", XG_OUTCOME_OK, {2000, 0}, {0, 0}},
        {"\"px\":2000,\"sz\":\"1\"", XG_OUTCOME_REJECTED, {0, 0}, {0, 0}},
        {"\"px\":\"2000\",\"sz\":\"-1\"", XG_OUTCOME_REJECTED, {0, 0}, {0, 0}},
        {"\"px\":\"abc\",\"sz\":\"1\"", XG_OUTCOME_REJECTED, {0, 0}, {0, 0}},
        {"\"px\":\"1\",\"sz\":[\"1\"]", XG_OUTCOME_REJECTED, {0, 0}, {0, 0}},
    };
    char body[512];

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(body, sizeof(body),
                 "{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"instId\":"
                 "\"ETH-USDT\",\"ordId\":\"7\",\"clOrdId\":\"gw0001\","
                 "\"state\":\"live\",\"accFillSz\":\"0\",\"avgPx\":\"\",%s}]}",
                 cases[i].fields);
        assert_int_equal(parse_str(f, XG_OP_QUERY_ORDER, 200, body), XG_OK);
        if (f->res.outcome != cases[i].outcome ||
            xg_decimal_cmp(f->res.order.price, cases[i].price) != 0 ||
            xg_decimal_cmp(f->res.order.qty, cases[i].qty) != 0) {
            fail_msg("case %zu: outcome %d price %lld qty %lld", i,
                     f->res.outcome, (long long)f->res.order.price.units,
                     (long long)f->res.order.qty.units);
        }
    }
}

static void
test_open_orders_skip_foreign_and_refuse_corrupt_lists(void **state)
{
    fixture *f = *state;
    assert_int_equal(
        parse_file(f, XG_OP_OPEN_ORDERS, 200, "orders_pending.json"), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->n_reps, 2);
    assert_string_equal(f->reps[0].client_id, "gw0001");
    assert_int_equal(f->reps[0].status, XG_STATUS_NEW);
    assert_int_equal(xg_decimal_cmp(f->reps[0].price, (xg_decimal){30000, 0}),
                     0);
    assert_int_equal(xg_decimal_cmp(f->reps[0].qty, (xg_decimal){1, 3}), 0);
    assert_string_equal(f->reps[1].venue_symbol, "ETH-USDT");
    assert_int_equal(f->reps[1].status, XG_STATUS_PARTIALLY_FILLED);
    assert_int_equal(xg_decimal_cmp(f->reps[1].price, (xg_decimal){2000, 0}),
                     0);
    assert_int_equal(xg_decimal_cmp(f->reps[1].qty, (xg_decimal){1, 0}), 0);

    assert_int_equal(
        parse_file(f, XG_OP_OPEN_ORDERS, 200, "orders_pending_bad_entry.json"),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
    assert_int_equal(f->n_reps, 0);
}

/* OKX answers at most one page of 100: a full page may be cut, and an
 * order missing from it proves nothing (core/sweep.c). */
static void
test_open_orders_full_page_is_a_cut_list(void **state)
{
    fixture *f = *state;
    static const char entry[] =
        "{\"accFillSz\":\"0\",\"avgPx\":\"\",\"clOrdId\":\"\","
        "\"instId\":\"BTC-USDT\",\"ordId\":\"1003\",\"ordType\":\"limit\","
        "\"px\":\"20000\",\"side\":\"buy\",\"state\":\"live\","
        "\"sz\":\"0.001\"}";
    static char body[100 * sizeof entry + 64];
    size_t n = (size_t)snprintf(body, sizeof body,
                                "{\"code\":\"0\",\"msg\":\"\",\"data\":[");
    for (int i = 0; i < 100; i++) {
        n += (size_t)snprintf(body + n, sizeof body - n, "%s%s",
                              i > 0 ? "," : "", entry);
    }
    n += (size_t)snprintf(body + n, sizeof body - n, "]}");
    assert_int_equal(parse_len(f, XG_OP_OPEN_ORDERS, 200, body, n), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.is_list_cut, 1);
    assert_int_equal(
        parse_file(f, XG_OP_OPEN_ORDERS, 200, "orders_pending.json"), XG_OK);
    assert_int_equal(f->res.is_list_cut, 0);
}

/* A page of n open orders, newest first: ordIds 5000 + n - 1 down to
 * 5001, then the last entry with last_ord_id as its raw JSON value (a
 * string with quotes, a number, anything). Foreign orders (clOrdId "")
 * so the sink is not involved. */
static xg_err
parse_page(fixture *f, int n, const char *last_ord_id)
{
    static char body[200 * 320];
    size_t len = (size_t)snprintf(body, sizeof body,
                                  "{\"code\":\"0\",\"msg\":\"\",\"data\":[");
    for (int i = 0; i < n; i++) {
        char id[160];
        if (i == n - 1) {
            snprintf(id, sizeof id, "%s", last_ord_id);
        } else {
            snprintf(id, sizeof id, "\"%d\"", 5000 + n - 1 - i);
        }
        len += (size_t)snprintf(
            body + len, sizeof body - len,
            "%s{\"accFillSz\":\"0\",\"avgPx\":\"\",\"clOrdId\":\"\","
            "\"instId\":\"BTC-USDT\",\"ordId\":%s,\"state\":\"live\"}",
            i > 0 ? "," : "", id);
    }
    len += (size_t)snprintf(body + len, sizeof body - len, "]}");
    assert_true(len < sizeof body);
    return parse_len(f, XG_OP_OPEN_ORDERS, 200, body, len);
}

/* A full page's next cursor is its last (oldest) ordId, what build()
 * sends back as "after"; the last page has none. */
static void
test_open_orders_cut_page_points_after_its_last_ord_id(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse_page(f, 100, "\"5000\""), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.is_list_cut, 1);
    assert_string_equal(f->res.next_cursor, "5000");

    /* OKX's own ids are 18-19 digits. */
    assert_int_equal(parse_page(f, 100, "\"590908157585625111\""), XG_OK);
    assert_string_equal(f->res.next_cursor, "590908157585625111");
    /* What the core hands back as op->cursor, build() sends as after=. */
    xg_op next = {XG_OP_OPEN_ORDERS,  &f->btc, NULL, NULL, NULL,
                  f->res.next_cursor, NULL,    NULL};
    xg_http_request req;
    memset(&req, 0, sizeof(req));
    assert_int_equal(
        xg_adapter_entry()->build(f->inst, &next, 1700000000000LL, &req),
        XG_OK);
    assert_string_equal(req.target,
                        "/api/v5/trade/orders-pending?instType=SPOT&instId="
                        "BTC-USDT&after=590908157585625111&limit=100");

    /* More than a page (the venue ignored limit): still cut, still the
     * last entry. */
    assert_int_equal(parse_page(f, 150, "\"4999\""), XG_OK);
    assert_int_equal(f->res.is_list_cut, 1);
    assert_string_equal(f->res.next_cursor, "4999");

    /* 99 entries: the last page, no cursor. */
    assert_int_equal(parse_page(f, 99, "\"5000\""), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.is_list_cut, 0);
    assert_string_equal(f->res.next_cursor, "");
    assert_int_equal(parse_str(f, XG_OP_OPEN_ORDERS, 200,
                               "{\"code\":\"0\",\"msg\":\"\",\"data\":[]}"),
                     XG_OK);
    assert_int_equal(f->res.is_list_cut, 0);
    assert_string_equal(f->res.next_cursor, "");
}

/* A full page whose last ordId is not digits still counts as cut, but
 * gives no cursor: the venue's text never becomes one unchecked. */
static void
test_open_orders_hostile_last_ord_id_gives_no_cursor(void **state)
{
    fixture *f = *state;
    static const char *const odd[] = {
        "\"abc\"",        /* not digits */
        "\"-5\"",         /* sign */
        "\"12\\u0001\"",  /* control byte */
        "\"12\\n\"",      /* newline */
        "\"12&limit=1\"", /* would inject a parameter */
        "\" 12\"",        /* space */
        "\"1.5\"",        /* not an integer */
        "\"\\u00e912\"",  /* non-ASCII */
    };
    for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
        assert_int_equal(parse_page(f, 100, odd[i]), XG_OK);
        assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
        assert_int_equal(f->res.is_list_cut, 1);
        assert_string_equal(f->res.next_cursor, "");
    }
}

/* An ordId of the wrong type, empty, holding a NUL or too long for an
 * order id makes the entry malformed: the whole page is refused, so
 * nothing of it (cursor included) is used. */
static void
test_open_orders_malformed_last_ord_id_refuses_the_page(void **state)
{
    fixture *f = *state;
    char huge[220];
    memset(huge, '7', sizeof huge);
    huge[0] = '"';
    huge[sizeof huge - 2] = '"';
    huge[sizeof huge - 1] = '\0';
    const char *const bad[] = {
        "12",   "12.5",           "null", "true", "[\"12\"]", "{\"id\":\"12\"}",
        "\"\"", "\"12\\u00003\"", huge,
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(parse_page(f, 100, bad[i]), XG_OK);
        assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
        assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
        assert_int_equal(f->res.is_list_cut, 0);
        assert_string_equal(f->res.next_cursor, "");
    }
}

static void
test_instruments_get_distinct_stable_scopes(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse_file(f, XG_OP_INSTRUMENTS, 200, "instruments.json"),
                     XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    /* BAD-USDT (lotSz "abc"), X-Y (lower-case base) and the one without
     * baseCcy are skipped. */
    assert_int_equal(f->n_ins, 3);
    assert_string_equal(f->ins[0].symbol, "BTC/USDT");
    assert_string_equal(f->ins[0].venue_symbol, "BTC-USDT");
    assert_int_equal(xg_decimal_cmp(f->ins[0].tick_size, (xg_decimal){1, 1}),
                     0);
    assert_int_equal(xg_decimal_cmp(f->ins[0].lot_size, (xg_decimal){1, 8}), 0);
    assert_int_equal(xg_decimal_cmp(f->ins[0].min_qty, (xg_decimal){1, 5}), 0);
    assert_int_equal(
        xg_decimal_cmp(f->ins[0].max_qty, (xg_decimal){9999999999, 0}), 0);
    assert_true(f->ins[0].is_trading);
    assert_string_equal(f->ins[2].symbol, "LUNA/USDT");
    assert_false(f->ins[2].is_trading);
    assert_int_equal(f->ins[2].max_qty.units, 0);

    uint32_t scopes[3];
    for (size_t i = 0; i < 3; i++) {
        scopes[i] = f->ins[i].scope;
        assert_true(scopes[i] != 0);
        for (size_t j = 0; j < i; j++) {
            assert_true(scopes[i] != scopes[j]);
        }
    }
    /* A refreshed list in another order keeps every instrument's scope. */
    assert_int_equal(
        parse_str(f, XG_OP_INSTRUMENTS, 200,
                  "{\"code\":\"0\",\"data\":[{\"instId\":\"SOL-USDT\","
                  "\"baseCcy\":\"SOL\",\"quoteCcy\":\"USDT\",\"tickSz\":"
                  "\"0.01\",\"lotSz\":\"0.01\",\"minSz\":\"0.1\",\"state\":"
                  "\"live\"},{\"instId\":\"ETH-USDT\",\"baseCcy\":\"ETH\","
                  "\"quoteCcy\":\"USDT\",\"tickSz\":\"0.01\",\"lotSz\":"
                  "\"0.000001\",\"minSz\":\"0.001\",\"state\":\"live\"}]}"),
        XG_OK);
    assert_int_equal(f->n_ins, 2);
    assert_int_equal(f->ins[1].scope, scopes[1]);
    for (size_t j = 0; j < 3; j++) {
        assert_true(f->ins[0].scope != scopes[j]);
    }
}

static void
test_instrument_sink_error_stops_parse(void **state)
{
    fixture *f = *state;
    f->n_ins = 16; /* the sink refuses */
    xg_op op = {XG_OP_INSTRUMENTS, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    size_t len = 0;
    char *body = slurp("instruments.json", &len);
    xg_http_response resp = {200, NULL, 0, body, len};
    xg_sink sink = {f, sink_instrument, sink_order, NULL, NULL};
    assert_int_equal(
        xg_adapter_entry()->parse(f->inst, &op, &resp, &sink, &f->res),
        XG_ERR_NOMEM);
    free(body);
}

static void
test_server_time(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse_file(f, XG_OP_SERVER_TIME, 200, "time.json"), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.server_time_ms, 1700000000123);
    assert_int_equal(parse_str(f, XG_OP_SERVER_TIME, 200,
                               "{\"code\":\"0\",\"data\":[{\"ts\":\"-5\"}]}"),
                     XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(
        parse_str(
            f, XG_OP_SERVER_TIME, 200,
            "{\"code\":\"0\",\"data\":[{\"ts\":\"9999999999999999999\"}]}"),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
}

/* --- hostile bodies ------------------------------------------------------ */

static void
assert_order_op_unknown(fixture *f, int status, const char *body)
{
    assert_int_equal(parse_str(f, XG_OP_NEW_ORDER, status, body), XG_OK);
    if (f->res.outcome != XG_OUTCOME_UNKNOWN) {
        fail_msg("new order, body %s: outcome %d", body, f->res.outcome);
    }
    assert_int_equal(parse_str(f, XG_OP_CANCEL_ORDER, status, body), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(parse_str(f, XG_OP_AMEND_ORDER, status, body), XG_OK);
    if (f->res.outcome != XG_OUTCOME_UNKNOWN ||
        f->res.err != XG_ERR_BAD_RESPONSE) {
        fail_msg("amend, body %s: outcome %d err %d", body, f->res.outcome,
                 f->res.err);
    }
    assert_int_equal(f->res.order.venue_order_id[0], '\0');
    assert_int_equal(parse_str(f, XG_OP_QUERY_ORDER, status, body), XG_OK);
    assert_true(f->res.outcome == XG_OUTCOME_REJECTED);
}

static void
test_malformed_order_answers_are_unknown(void **state)
{
    fixture *f = *state;
    assert_order_op_unknown(f, 200, "");
    assert_order_op_unknown(f, 200, "not json");
    assert_order_op_unknown(f, 200, "[]");
    assert_order_op_unknown(f, 200, "{}");
    assert_order_op_unknown(f, 200, "{\"code\":\"0\"}");
    assert_order_op_unknown(f, 200, "{\"code\":\"0\",\"data\":[]}");
    assert_order_op_unknown(f, 200, "{\"code\":\"0\",\"data\":{}}");
    assert_order_op_unknown(f, 200, "{\"code\":\"1\",\"data\":[]}");
    assert_order_op_unknown(f, 200, "{\"code\":\"-1\",\"data\":[]}");
    assert_order_op_unknown(f, 200, "{\"code\":\"0x1\",\"data\":[]}");
    assert_order_op_unknown(f, 200, "{\"code\":\"0\",\"data\":[1]}");
    /* Two items for one order. */
    assert_order_op_unknown(
        f, 200,
        "{\"code\":\"0\",\"data\":[{\"clOrdId\":\"gw0001\",\"ordId\":\"1\","
        "\"sCode\":\"0\",\"state\":\"live\",\"instId\":\"BTC-USDT\"},"
        "{\"clOrdId\":\"gw0001\",\"ordId\":\"2\",\"sCode\":\"0\"}]}");
    /* Another order's answer. */
    assert_order_op_unknown(
        f, 200,
        "{\"code\":\"0\",\"data\":[{\"clOrdId\":\"gw0002\",\"ordId\":\"1\","
        "\"sCode\":\"0\",\"state\":\"live\",\"instId\":\"BTC-USDT\"}]}");
    /* A per-order success under an HTTP error. */
    assert_int_equal(
        parse_str(f, XG_OP_NEW_ORDER, 500,
                  "{\"code\":\"0\",\"data\":[{\"clOrdId\":\"gw0001\","
                  "\"ordId\":\"1\",\"sCode\":\"0\"}]}"),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
}

static void
test_hostile_and_truncated_files(void **state)
{
    fixture *f = *state;
    assert_int_equal(
        parse_file(f, XG_OP_NEW_ORDER, 200, "order_place_truncated.json"),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(
        parse_file(f, XG_OP_NEW_ORDER, 200, "order_hostile_types.json"), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(
        parse_file(f, XG_OP_OPEN_ORDERS, 200, "order_hostile_types.json"),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(
        parse_file(f, XG_OP_INSTRUMENTS, 200, "order_hostile_types.json"),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);

    /* Every prefix of a good answer: never a crash, never OK for a new
     * order unless complete. */
    size_t len = 0;
    char *body = slurp("order_place_ack.json", &len);
    while (len > 0 && (body[len - 1] == '\n' || body[len - 1] == ' ')) {
        len--;
    }
    for (size_t n = 0; n < len; n++) {
        char *copy = malloc(n + 1);
        assert_non_null(copy);
        memcpy(copy, body, n);
        copy[n] = '\0';
        assert_int_equal(parse_len(f, XG_OP_NEW_ORDER, 200, copy, n), XG_OK);
        assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
        free(copy);
    }
    free(body);
    /* The same for every prefix of an amend's acknowledgement. */
    body = slurp("order_amend_ack.json", &len);
    while (len > 0 && (body[len - 1] == '\n' || body[len - 1] == ' ')) {
        len--;
    }
    for (size_t n = 0; n < len; n++) {
        char *copy = malloc(n + 1);
        assert_non_null(copy);
        memcpy(copy, body, n);
        copy[n] = '\0';
        assert_int_equal(parse_len(f, XG_OP_AMEND_ORDER, 200, copy, n), XG_OK);
        assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
        assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
        free(copy);
    }
    free(body);
    assert_int_equal(
        parse_file(f, XG_OP_AMEND_ORDER, 200, "order_hostile_types.json"),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);

    /* A NUL inside a string, a huge number, a too-long id. */
    static const char nul_body[] =
        "{\"code\":\"0\",\"data\":[{\"clOrdId\":\"gw\\u00000001\",\"ordId\":"
        "\"1\",\"sCode\":\"0\"}]}";
    assert_int_equal(parse_str(f, XG_OP_NEW_ORDER, 200, nul_body), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(
        parse_str(f, XG_OP_QUERY_ORDER, 200,
                  "{\"code\":\"0\",\"data\":[{\"instId\":\"BTC-USDT\","
                  "\"ordId\":\"7\",\"clOrdId\":\"gw0001\",\"state\":\"live\","
                  "\"accFillSz\":\"99999999999999999999999\"}]}"),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
    assert_int_equal(
        parse_str(f, XG_OP_NEW_ORDER, 200,
                  "{\"code\":\"0\",\"data\":[{\"clOrdId\":\"gw0001\",\"ordId\":"
                  "\"1234567890123456789012345678901234567890123456789012345678"
                  "9012345678901234567890\",\"sCode\":\"0\"}]}"),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
    /* Control characters in the venue's text are made printable. */
    assert_int_equal(
        parse_str(
            f, XG_OP_NEW_ORDER, 200,
            "{\"code\":\"1\",\"data\":[{\"clOrdId\":\"gw0001\","
            "\"ordId\":\"\",\"sCode\":\"51008\",\"sMsg\":\"a\\u001bb\\n\"}]}"),
        XG_OK);
    assert_string_equal(f->res.venue_msg, "a?b?");
}

/* --- what the strict reader refuses ------------------------------------ */

/* One data[] item that is a good place and cancel acknowledgement and a
 * good query answer for gw0001. */
#define ITEM                                                                   \
    "\"clOrdId\":\"gw0001\",\"ordId\":\"1\",\"sCode\":\"0\",\"sMsg\":\"\","    \
    "\"instId\":\"BTC-USDT\",\"state\":\"live\",\"accFillSz\":\"0\","          \
    "\"avgPx\":\"\""

/* An order answer: top-level members `top` before data, then the item
 * with `pre` before and `post` after its members. */
static const char *
order_body(char *buf, size_t cap, const char *top, const char *pre,
           const char *post)
{
    int n = snprintf(
        buf, cap, "{\"code\":\"0\",\"msg\":\"\",%s\"data\":[{%s" ITEM "%s}]}",
        top, pre, post);
    assert_true(n > 0 && (size_t)n < cap);
    return buf;
}

/* New order, cancel and query all take the body as an answer about
 * gw0001. */
static void
assert_order_ops_ok(fixture *f, const char *body)
{
    assert_int_equal(parse_str(f, XG_OP_NEW_ORDER, 200, body), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(parse_str(f, XG_OP_CANCEL_ORDER, 200, body), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(parse_str(f, XG_OP_QUERY_ORDER, 200, body), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_string_equal(f->res.order.client_id, "gw0001");
    assert_int_equal(parse_str(f, XG_OP_AMEND_ORDER, 200, body), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_string_equal(f->res.order.client_id, "gw0001");
}

/* New order, amend and cancel are UNKNOWN, the query REJECTED, all with
 * XG_ERR_BAD_RESPONSE and no order reported. */
static void
assert_refused_as_bad_body(fixture *f, const char *body)
{
    static const struct {
        xg_op_kind kind;
        xg_outcome outcome;
    } ops[] = {{XG_OP_NEW_ORDER, XG_OUTCOME_UNKNOWN},
               {XG_OP_CANCEL_ORDER, XG_OUTCOME_UNKNOWN},
               {XG_OP_AMEND_ORDER, XG_OUTCOME_UNKNOWN},
               {XG_OP_QUERY_ORDER, XG_OUTCOME_REJECTED}};
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        assert_int_equal(parse_str(f, ops[i].kind, 200, body), XG_OK);
        if (f->res.outcome != ops[i].outcome ||
            f->res.err != XG_ERR_BAD_RESPONSE) {
            fail_msg("op %d, body %s: outcome %d err %d", ops[i].kind, body,
                     f->res.outcome, f->res.err);
        }
        assert_string_equal(f->res.order.client_id, "");
        assert_string_equal(f->res.order.venue_order_id, "");
    }
}

/* A key given twice says two things (Jansson kept the last one); the
 * gateway must not pick one, so the answer is refused, whatever the two
 * values, even equal ones. */
static void
test_repeated_key_in_order_answer_is_refused(void **state)
{
    fixture *f = *state;
    char body[1024];
    /* reads: which operations read the repeated member (1 place, amend
     * and cancel, 2 query); those must refuse the answer. */
    static const struct {
        const char *top, *pre, *post;
        int reads;
    } repeats[] = {
        /* a refusal smuggled next to the success, before and after */
        {"", "\"sCode\":\"51008\",", "", 1},
        {"", "", ",\"sCode\":\"51008\"", 1},
        {"", "", ",\"sCode\":\"0\"", 1},
        {"\"code\":\"1\",", "", "", 3},
        {"\"code\":\"0\",", "", "", 3},
        {"\"data\":[],", "", "", 3},
        {"", "\"ordId\":\"2\",", "", 3},
        {"", "", ",\"clOrdId\":\"gw0001\"", 3},
        {"", "", ",\"clOrdId\":\"gw0002\"", 3},
        {"", "\"instId\":\"ETH-USDT\",", "", 2},
        {"", "", ",\"state\":\"filled\"", 2},
        {"", "", ",\"accFillSz\":\"1\"", 2},
        {"", "\"avgPx\":\"100\",", "", 2},
    };

    /* The answer without a repeat is good for all three. */
    assert_order_ops_ok(f, order_body(body, sizeof(body), "", "", ""));
    for (size_t i = 0; i < sizeof(repeats) / sizeof(repeats[0]); i++) {
        const char *b = order_body(body, sizeof(body), repeats[i].top,
                                   repeats[i].pre, repeats[i].post);
        if (repeats[i].reads == 3) {
            assert_refused_as_bad_body(f, b);
        } else if (repeats[i].reads == 1) {
            assert_int_equal(parse_str(f, XG_OP_NEW_ORDER, 200, b), XG_OK);
            assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
            assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
            assert_int_equal(parse_str(f, XG_OP_CANCEL_ORDER, 200, b), XG_OK);
            assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
            assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
            assert_int_equal(parse_str(f, XG_OP_AMEND_ORDER, 200, b), XG_OK);
            assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
            assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
        } else {
            assert_int_equal(parse_str(f, XG_OP_QUERY_ORDER, 200, b), XG_OK);
            assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
            assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
            assert_string_equal(f->res.order.client_id, "");
        }
    }

    /* A refusal whose sCode is repeated is not a refusal either: the
     * order's fate is open. */
    assert_int_equal(
        parse_str(f, XG_OP_NEW_ORDER, 200,
                  "{\"code\":\"1\",\"msg\":\"\",\"data\":[{\"clOrdId\":"
                  "\"gw0001\",\"ordId\":\"\",\"sCode\":\"51008\",\"sMsg\":"
                  "\"x\",\"sCode\":\"51008\"}]}"),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);

    /* The venue-shaped file: success and refusal in one item. */
    assert_int_equal(
        parse_file(f, XG_OP_NEW_ORDER, 200, "order_place_repeated_scode.json"),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
    assert_string_equal(f->res.order.venue_order_id, "");
}

/* The read-only answers refuse a repeated key too: the open-order list as
 * a whole, the server time; an instrument with one is skipped like any
 * malformed instrument. */
static void
test_repeated_key_in_read_answers_is_refused(void **state)
{
    fixture *f = *state;
    static const char good_entry[] =
        "{\"instId\":\"BTC-USDT\",\"ordId\":\"7\",\"clOrdId\":\"gw0001\","
        "\"state\":\"live\",\"accFillSz\":\"\",\"avgPx\":\"\"}";
    char body[1024];

    snprintf(body, sizeof(body),
             "{\"code\":\"0\",\"msg\":\"\",\"data\":[%s,{\"instId\":"
             "\"BTC-USDT\",\"ordId\":\"8\",\"clOrdId\":\"gw0002\",\"state\":"
             "\"live\",\"state\":\"canceled\"}]}",
             good_entry);
    assert_int_equal(parse_str(f, XG_OP_OPEN_ORDERS, 200, body), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
    assert_int_equal(f->n_reps, 0);
    /* The same list without the repeat is delivered. */
    snprintf(body, sizeof(body), "{\"code\":\"0\",\"msg\":\"\",\"data\":[%s]}",
             good_entry);
    assert_int_equal(parse_str(f, XG_OP_OPEN_ORDERS, 200, body), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->n_reps, 1);

    assert_int_equal(
        parse_str(f, XG_OP_SERVER_TIME, 200,
                  "{\"code\":\"0\",\"data\":[{\"ts\":\"1700000000123\","
                  "\"ts\":\"1\"}]}"),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
    assert_int_equal(f->res.server_time_ms, 0);

    assert_int_equal(
        parse_str(f, XG_OP_INSTRUMENTS, 200,
                  "{\"code\":\"0\",\"data\":[{\"instId\":\"SOL-USDT\","
                  "\"baseCcy\":\"SOL\",\"quoteCcy\":\"USDT\",\"tickSz\":"
                  "\"0.01\",\"tickSz\":\"100\",\"lotSz\":\"0.01\",\"minSz\":"
                  "\"0.1\",\"state\":\"live\"},{\"instId\":\"ETH-USDT\","
                  "\"baseCcy\":\"ETH\",\"quoteCcy\":\"USDT\",\"tickSz\":"
                  "\"0.01\",\"lotSz\":\"0.000001\",\"minSz\":\"0.001\","
                  "\"state\":\"live\"}]}"),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->n_ins, 1);
    assert_string_equal(f->ins[0].venue_symbol, "ETH-USDT");
}

/* Bytes that are not UTF-8, anywhere in a string (here the sMsg nobody
 * reads on success), make the body no JSON at all. */
static void
test_invalid_utf8_is_refused(void **state)
{
    fixture *f = *state;
    char body[1024];
    static const char *const bad[] = {
        "\xff",             /* never in UTF-8 */
        "\xc0\xaf",         /* overlong '/' */
        "\xe0\x80\xaf",     /* overlong '/', three bytes */
        "\xed\xa0\x80",     /* a surrogate, encoded */
        "\xf4\x90\x80\x80", /* above U+10FFFF */
        "\x80",             /* a continuation byte alone */
        "\xe2\x82",         /* cut short */
        "\\ud800",          /* a lone surrogate, escaped */
        "\\udc00\\ud800",   /* a reversed pair */
    };

    /* Valid UTF-8 there is fine. */
    snprintf(
        body, sizeof(body),
        "{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"clOrdId\":\"gw0001\","
        "\"ordId\":\"1\",\"sCode\":\"0\",\"sMsg\":\"\xc3\xa9\\ud83d\\ude00"
        "\xf0\x9f\x98\x80\",\"instId\":\"BTC-USDT\",\"state\":\"live\"}]}");
    assert_order_ops_ok(f, body);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(body, sizeof(body),
                 "{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"clOrdId\":"
                 "\"gw0001\",\"ordId\":\"1\",\"sCode\":\"0\",\"sMsg\":\"a%sb\","
                 "\"instId\":\"BTC-USDT\",\"state\":\"live\"}]}",
                 bad[i]);
        assert_refused_as_bad_body(f, body);
    }

    /* In an error answer the status still decides; the code inside an
     * unreadable body is not trusted, its text is shown made printable. */
    assert_int_equal(parse_str(f, XG_OP_NEW_ORDER, 400,
                               "{\"code\":\"51008\",\"msg\":\"no \xff\"}"),
                     XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_REJECTED);
    assert_string_equal(f->res.venue_code, "");
    assert_non_null(strstr(f->res.venue_msg, "no ?"));
}

/* Nesting past XG_JSON_DEPTH_MAX is refused without recursing on: an
 * answer is a few levels deep, a body hundreds of thousands deep is an
 * attack on the parser's stack. */
static void
test_deeply_nested_body_is_refused(void **state)
{
    fixture *f = *state;
    char body[1024];
    char nest[128];
    static const size_t levels[] = {20, XG_JSON_DEPTH_MAX + 8};

    for (size_t k = 0; k < sizeof(levels) / sizeof(levels[0]); k++) {
        size_t n = levels[k];
        assert_true(2 * n < sizeof(nest));
        memset(nest, '[', n);
        memset(nest + n, ']', n);
        nest[2 * n] = '\0';
        /* The item's members, then "x" nested n arrays deep (the whole
         * body 3 + n). */
        snprintf(body, sizeof(body),
                 "{\"code\":\"0\",\"msg\":\"\",\"data\":[{" ITEM ",\"x\":%s}]}",
                 nest);
        if (k == 0) {
            assert_order_ops_ok(f, body);
        } else {
            assert_refused_as_bad_body(f, body);
        }
    }

    /* 200 000 levels: refused, and the answer to a new order stays open
     * whatever the status. */
    size_t deep = 200000;
    char *huge = malloc(2 * deep + 1);
    assert_non_null(huge);
    memset(huge, '[', deep);
    memset(huge + deep, ']', deep);
    huge[2 * deep] = '\0';
    assert_int_equal(parse_len(f, XG_OP_NEW_ORDER, 200, huge, 2 * deep), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
    memset(huge, '{', 1);
    assert_int_equal(parse_len(f, XG_OP_OPEN_ORDERS, 200, huge, 2 * deep),
                     XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
    assert_int_equal(parse_len(f, XG_OP_NEW_ORDER, 502, huge, 2 * deep), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(f->res.err, XG_ERR_UNKNOWN_STATUS);
    free(huge);
}

/* The token array stays in the instance, so answers of a usual size
 * allocate nothing after the first; one grown past XG_JSON_STORE_KEEP
 * by a huge answer is freed again. */
static void
test_token_array_is_kept_for_small_answers_only(void **state)
{
    fixture *f = *state;
    okx *o = f->inst;

    assert_int_equal(
        parse_file(f, XG_OP_NEW_ORDER, 200, "order_place_ack.json"), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_non_null(o->json.toks);
    assert_true(o->json.cap > 0 && o->json.cap <= XG_JSON_STORE_KEEP);
    const xg_json_tok *kept = o->json.toks;
    size_t cap = o->json.cap;
    assert_int_equal(parse_file(f, XG_OP_QUERY_ORDER, 200, "order_query.json"),
                     XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_ptr_equal(o->json.toks, kept);
    assert_int_equal(o->json.cap, cap);

    /* data[] of 3 * KEEP numbers: parsed (then refused as entries), and
     * the grown array is not kept. */
    size_t n = 3 * XG_JSON_STORE_KEEP;
    size_t len = 0;
    char *big = malloc(64 + 2 * n);
    assert_non_null(big);
    len = (size_t)snprintf(big, 64, "{\"code\":\"0\",\"msg\":\"\",\"data\":[");
    for (size_t i = 0; i < n; i++) {
        big[len++] = i > 0 ? ',' : '0';
        if (i > 0) {
            big[len++] = '0';
        }
    }
    big[len++] = ']';
    big[len++] = '}';
    assert_int_equal(parse_len(f, XG_OP_OPEN_ORDERS, 200, big, len), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
    assert_null(o->json.toks);
    assert_int_equal(o->json.cap, 0);
    free(big);

    /* And the next answer is read as before. */
    assert_int_equal(
        parse_file(f, XG_OP_NEW_ORDER, 200, "order_place_ack.json"), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
}

/* --- batches ------------------------------------------------------------ */

/* Two resting orders, gw0001 and gw0002, as the core batches them; as
 * a batch of amends, each moved in place. */
static const xg_batch_item batch_items[2] = {{&resting, "gw0001", NULL},
                                             {&resting, "gw0002", NULL}};
static const xg_batch_item batch_amend_items[2] = {
    {&resting, "gw0001", &amend_req}, {&resting, "gw0002", &amend_req}};

/* Parse body as the answer to a batch of the two orders; results[] are
 * zeroed first, as the core hands them over. */
static xg_err
parse_batch_len(fixture *f, xg_op_kind kind, int status, const char *body,
                size_t len, xg_result results[2])
{
    xg_batch b = {kind == XG_OP_BATCH_AMEND ? batch_amend_items : batch_items,
                  2, results};
    xg_op op = {kind, &f->btc, NULL, NULL, NULL, NULL, NULL, &b};
    xg_http_response resp = {status, NULL, 0, body, len};
    memset(results, 0, 2 * sizeof(*results));
    memset(&f->res, 0, sizeof(f->res));
    return xg_adapter_entry()->parse(f->inst, &op, &resp, NULL, &f->res);
}

static xg_err
parse_batch(fixture *f, xg_op_kind kind, int status, const char *body,
            xg_result results[2])
{
    return parse_batch_len(f, kind, status, body, strlen(body), results);
}

static xg_err
parse_batch_file(fixture *f, xg_op_kind kind, int status, const char *name,
                 xg_result results[2])
{
    size_t len = 0;
    char *body = slurp(name, &len);
    xg_err rc = parse_batch_len(f, kind, status, body, len, results);
    free(body);
    return rc;
}

static void
assert_placed(const xg_result *r, const char *cl_id, const char *ord_id,
              xg_order_status status)
{
    assert_int_equal(r->outcome, XG_OUTCOME_OK);
    assert_int_equal(r->err, XG_OK);
    assert_string_equal(r->order.client_id, cl_id);
    assert_string_equal(r->order.venue_order_id, ord_id);
    assert_string_equal(r->order.venue_symbol, "BTC-USDT");
    assert_int_equal(r->order.status, status);
}

/* Every order placed: the request is OK and each order's result is its
 * single place's acknowledgement (a resting limit order is NEW). */
static void
test_batch_new_all_placed(void **state)
{
    fixture *f = *state;
    xg_result r[2];
    assert_int_equal(
        parse_batch_file(f, XG_OP_BATCH_NEW, 200, "batch_place_ack.json", r),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_placed(&r[0], "gw0001", "312269865356374016", XG_STATUS_NEW);
    assert_placed(&r[1], "gw0002", "312269865356374017", XG_STATUS_NEW);
}

/* Code "2": the order OKX refused is REJECTED with its own sCode and
 * sMsg through the single place's table; the other is placed. Code "1"
 * (all failed) is still an answer for every order. */
static void
test_batch_new_partial_failure_rejects_that_order_only(void **state)
{
    fixture *f = *state;
    xg_result r[2];
    assert_int_equal(parse_batch_file(f, XG_OP_BATCH_NEW, 200,
                                      "batch_place_partial.json", r),
                     XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_placed(&r[0], "gw0001", "312269865356374016", XG_STATUS_NEW);
    assert_int_equal(r[1].outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(r[1].err, XG_ERR_INSUFFICIENT_FUNDS);
    assert_string_equal(r[1].venue_code, "51008");
    assert_string_equal(r[1].venue_msg,
                        "Order failed. Insufficient USDT balance in account.");

    assert_int_equal(
        parse_batch(f, XG_OP_BATCH_NEW, 200,
                    "{\"code\":\"1\",\"msg\":\"All operations failed\","
                    "\"data\":[{\"clOrdId\":\"gw0001\",\"ordId\":\"\","
                    "\"sCode\":\"51016\",\"sMsg\":\"Duplicated clOrdId\"},"
                    "{\"clOrdId\":\"gw0002\",\"ordId\":\"\",\"sCode\":"
                    "\"51000\",\"sMsg\":\"Parameter px error\"}]}",
                    r),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(r[0].outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(r[0].err, XG_ERR_DUPLICATE_ID);
    assert_int_equal(r[1].outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(r[1].err, XG_ERR_FILTER);
    assert_string_equal(r[1].venue_code, "51000");
}

/* Entries are matched by clOrdId, whatever their order; an order no
 * entry names is UNKNOWN (the core queries it), and so is one named
 * twice, or whose acknowledgement cannot be read. Entries without a
 * client id are matched by position. One order refused for a limit is
 * RATE_LIMITED alone, with the window as its wait. */
static void
test_batch_entries_matched_by_client_id(void **state)
{
    fixture *f = *state;
    xg_result r[2];

    assert_int_equal(
        parse_batch(f, XG_OP_BATCH_NEW, 200,
                    "{\"code\":\"0\",\"msg\":\"\",\"data\":["
                    "{\"clOrdId\":\"gw0002\",\"ordId\":\"22\",\"sCode\":\"0\","
                    "\"sMsg\":\"\"},"
                    "{\"clOrdId\":\"gw0001\",\"ordId\":\"11\",\"sCode\":\"0\","
                    "\"sMsg\":\"\"}]}",
                    r),
        XG_OK);
    assert_placed(&r[0], "gw0001", "11", XG_STATUS_NEW);
    assert_placed(&r[1], "gw0002", "22", XG_STATUS_NEW);

    /* gw0002 missing from the answer. */
    assert_int_equal(
        parse_batch(f, XG_OP_BATCH_NEW, 200,
                    "{\"code\":\"0\",\"msg\":\"\",\"data\":["
                    "{\"clOrdId\":\"gw0001\",\"ordId\":\"11\",\"sCode\":\"0\","
                    "\"sMsg\":\"\"}]}",
                    r),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_placed(&r[0], "gw0001", "11", XG_STATUS_NEW);
    assert_int_equal(r[1].outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(r[1].err, XG_ERR_BAD_RESPONSE);

    /* gw0001 named twice, gw0002's ack without an ordId, and a third
     * entry about someone else's order. */
    assert_int_equal(
        parse_batch(
            f, XG_OP_BATCH_NEW, 200,
            "{\"code\":\"0\",\"msg\":\"\",\"data\":["
            "{\"clOrdId\":\"gw0001\",\"ordId\":\"11\",\"sCode\":\"0\"},"
            "{\"clOrdId\":\"gw0001\",\"ordId\":\"12\",\"sCode\":\"0\"},"
            "{\"clOrdId\":\"gw0002\",\"sCode\":\"0\"},"
            "{\"clOrdId\":\"other\",\"ordId\":\"13\",\"sCode\":\"0\"}]}",
            r),
        XG_OK);
    assert_int_equal(r[0].outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(r[1].outcome, XG_OUTCOME_UNKNOWN);

    /* No client ids in the answer: by position; the second entry was
     * refused for a limit. */
    assert_int_equal(
        parse_batch(f, XG_OP_BATCH_NEW, 200,
                    "{\"code\":\"2\",\"msg\":\"\",\"data\":["
                    "{\"clOrdId\":\"\",\"ordId\":\"11\",\"sCode\":\"0\","
                    "\"sMsg\":\"\"},"
                    "{\"ordId\":\"\",\"sCode\":\"50011\",\"sMsg\":\"Rate "
                    "limit reached.\"}]}",
                    r),
        XG_OK);
    /* The first ack names no client id: not usable as ours. */
    assert_int_equal(r[0].outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(r[1].outcome, XG_OUTCOME_RATE_LIMITED);
    assert_int_equal(r[1].err, XG_ERR_RATE_LIMITED);
    assert_int_equal(r[1].retry_after_ms, 1500);
    assert_string_equal(r[1].venue_code, "50011");

    /* An entry without sCode, or not an object. */
    assert_int_equal(
        parse_batch(f, XG_OP_BATCH_NEW, 200,
                    "{\"code\":\"0\",\"msg\":\"\",\"data\":["
                    "{\"clOrdId\":\"gw0001\",\"ordId\":\"11\"},7]}",
                    r),
        XG_OK);
    assert_int_equal(r[0].outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(r[1].outcome, XG_OUTCOME_UNKNOWN);
}

/* What concerns the whole batch is the request's result, and the
 * orders' results are left as they were: a limit (HTTP 429, or 200 with
 * 50011), a ban, a 5xx or OKX's timeout (unknown: the core queries each
 * order), a parameter error of the request, a body cut short, data[]
 * empty or missing, and order results under an HTTP error. */
static void
test_batch_whole_request_outcomes_leave_orders_untouched(void **state)
{
    fixture *f = *state;
    xg_result r[2];
    static const struct {
        int status;
        const char *body;
        xg_outcome outcome;
        xg_err err;
    } cases[] = {
        {429,
         "{\"code\":\"50011\",\"msg\":\"Rate limit reached.\",\"data\":[]}",
         XG_OUTCOME_RATE_LIMITED, XG_ERR_RATE_LIMITED},
        {200,
         "{\"code\":\"50011\",\"msg\":\"Rate limit reached.\",\"data\":[]}",
         XG_OUTCOME_RATE_LIMITED, XG_ERR_RATE_LIMITED},
        {403, "{\"code\":\"50007\",\"msg\":\"Account blocked\",\"data\":[]}",
         XG_OUTCOME_BANNED, XG_ERR_BANNED},
        {503, "<html>Service Unavailable</html>", XG_OUTCOME_UNKNOWN,
         XG_ERR_UNKNOWN_STATUS},
        {400,
         "{\"code\":\"50004\",\"msg\":\"API endpoint request timeout\","
         "\"data\":[]}",
         XG_OUTCOME_UNKNOWN, XG_ERR_UNKNOWN_STATUS},
        {400,
         "{\"code\":\"51000\",\"msg\":\"Parameter orders error\","
         "\"data\":[]}",
         XG_OUTCOME_REJECTED, XG_ERR_REJECTED},
        {200,
         "{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"clOrdId\":\"gw0001\","
         "\"ordId\":\"11\",\"sCo",
         XG_OUTCOME_UNKNOWN, XG_ERR_BAD_RESPONSE},
        {200, "{\"code\":\"0\",\"msg\":\"\",\"data\":[]}", XG_OUTCOME_UNKNOWN,
         XG_ERR_BAD_RESPONSE},
        {200, "{\"code\":\"1\",\"msg\":\"All operations failed\"}",
         XG_OUTCOME_UNKNOWN, XG_ERR_BAD_RESPONSE},
        {200, "", XG_OUTCOME_UNKNOWN, XG_ERR_BAD_RESPONSE},
        {400,
         "{\"code\":\"1\",\"msg\":\"\",\"data\":[{\"clOrdId\":\"gw0001\","
         "\"ordId\":\"11\",\"sCode\":\"0\"}]}",
         XG_OUTCOME_UNKNOWN, XG_ERR_BAD_RESPONSE},
    };
    static const xg_op_kind kinds[] = {XG_OP_BATCH_NEW, XG_OP_BATCH_CANCEL,
                                       XG_OP_BATCH_AMEND};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
            xg_op_kind kind = kinds[k];
            assert_int_equal(
                parse_batch(f, kind, cases[i].status, cases[i].body, r), XG_OK);
            assert_int_equal(f->res.outcome, cases[i].outcome);
            assert_int_equal(f->res.err, cases[i].err);
            assert_int_equal(r[0].outcome, 0);
            assert_int_equal(r[1].outcome, 0);
        }
    }
    assert_int_equal(
        parse_batch(f, XG_OP_BATCH_NEW, 429,
                    "{\"code\":\"50011\",\"msg\":\"\",\"data\":[]}", r),
        XG_OK);
    assert_int_equal(f->res.retry_after_ms, 1500);
}

/* A cancel batch: each canceled order is CANCELED, as its single cancel
 * says; an order already gone is ORDER_NOT_FOUND (51400), so the core
 * queries its final state. */
static void
test_batch_cancel_results(void **state)
{
    fixture *f = *state;
    xg_result r[2];
    assert_int_equal(parse_batch_file(f, XG_OP_BATCH_CANCEL, 200,
                                      "batch_cancel_ack.json", r),
                     XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_placed(&r[0], "gw0001", "312269865356374016", XG_STATUS_CANCELED);
    assert_placed(&r[1], "gw0002", "312269865356374017", XG_STATUS_CANCELED);

    assert_int_equal(
        parse_batch(
            f, XG_OP_BATCH_CANCEL, 200,
            "{\"code\":\"2\",\"msg\":\"\",\"data\":["
            "{\"clOrdId\":\"gw0001\",\"ordId\":\"11\",\"sCode\":\"0\","
            "\"sMsg\":\"\"},"
            "{\"clOrdId\":\"gw0002\",\"ordId\":\"\",\"sCode\":\"51400\","
            "\"sMsg\":\"Order cancellation failed as the order has "
            "been filled, canceled or does not exist.\"}]}",
            r),
        XG_OK);
    assert_placed(&r[0], "gw0001", "11", XG_STATUS_CANCELED);
    assert_int_equal(r[1].outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(r[1].err, XG_ERR_ORDER_NOT_FOUND);
    assert_string_equal(r[1].venue_code, "51400");
}

/* An amend batch accepted whole: each order's result is its single
 * amend's acknowledgement, the same order (its ids), state UNKNOWN (a
 * new price may have traded at once), no price or size, nothing
 * replaced. */
static void
test_batch_amend_all_accepted(void **state)
{
    fixture *f = *state;
    xg_result r[2];
    assert_int_equal(
        parse_batch_file(f, XG_OP_BATCH_AMEND, 200, "batch_amend_ack.json", r),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.err, XG_OK);
    assert_placed(&r[0], "gw0001", "312269865356374016", XG_STATUS_UNKNOWN);
    assert_placed(&r[1], "gw0002", "312269865356374017", XG_STATUS_UNKNOWN);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(r[i].order.price.units, 0);
        assert_int_equal(r[i].order.qty.units, 0);
        assert_int_equal(r[i].order.exec.filled_qty.units, 0);
        assert_int_equal(r[i].is_replaced, 0);
    }
}

/* Code "2": the order OKX could not amend has its own sCode through the
 * single amend's table (51503, filled or canceled: ORDER_NOT_FOUND, so
 * the core queries it), the other is accepted. Code "1" answers every
 * order: 51502 short funds, 51000 naming newPx a filter breach. An order
 * the answer leaves out is UNKNOWN; entries are matched by clOrdId
 * whatever their order. */
static void
test_batch_amend_refusals_through_the_amend_table(void **state)
{
    fixture *f = *state;
    xg_result r[2];
    assert_int_equal(parse_batch_file(f, XG_OP_BATCH_AMEND, 200,
                                      "batch_amend_partial.json", r),
                     XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_placed(&r[0], "gw0001", "312269865356374016", XG_STATUS_UNKNOWN);
    assert_int_equal(r[1].outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(r[1].err, XG_ERR_ORDER_NOT_FOUND);
    assert_string_equal(r[1].venue_code, "51503");
    assert_string_equal(r[1].venue_msg,
                        "Your order has already been filled or canceled.");

    assert_int_equal(
        parse_batch(f, XG_OP_BATCH_AMEND, 200,
                    "{\"code\":\"1\",\"msg\":\"All operations failed\","
                    "\"data\":[{\"clOrdId\":\"gw0002\",\"ordId\":\"22\","
                    "\"reqId\":\"\",\"sCode\":\"51000\",\"sMsg\":"
                    "\"Parameter newPx error\"},"
                    "{\"clOrdId\":\"gw0001\",\"ordId\":\"11\","
                    "\"reqId\":\"\",\"sCode\":\"51502\",\"sMsg\":"
                    "\"Unable to edit order: insufficient balance or "
                    "margin.\"}]}",
                    r),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(r[0].outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(r[0].err, XG_ERR_INSUFFICIENT_FUNDS);
    assert_string_equal(r[0].venue_code, "51502");
    assert_int_equal(r[1].outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(r[1].err, XG_ERR_FILTER);
    assert_string_equal(r[1].venue_code, "51000");

    /* gw0002 missing from the answer. */
    assert_int_equal(
        parse_batch(f, XG_OP_BATCH_AMEND, 200,
                    "{\"code\":\"0\",\"msg\":\"\",\"data\":["
                    "{\"clOrdId\":\"gw0001\",\"ordId\":\"11\","
                    "\"reqId\":\"\",\"sCode\":\"0\",\"sMsg\":\"\"}]}",
                    r),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_placed(&r[0], "gw0001", "11", XG_STATUS_UNKNOWN);
    assert_int_equal(r[1].outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(r[1].err, XG_ERR_BAD_RESPONSE);
}

/* --- balances ------------------------------------------------------------ */

typedef struct bal_sink {
    xg_balance bal[8];
    size_t n;
    int fail_at; /* refuse the fail_at-th entry (1-based); 0: never */
} bal_sink;

static xg_err
sink_balance(void *ctx, const xg_balance *bal)
{
    bal_sink *b = ctx;
    if (b->fail_at > 0 && (int)b->n + 1 == b->fail_at) {
        return XG_ERR_BUSY;
    }
    if (b->n >= 8) {
        return XG_ERR_NOMEM;
    }
    b->bal[b->n++] = *bal;
    return XG_OK;
}

static xg_err
parse_balances_len(fixture *f, bal_sink *b, int status, const char *body,
                   size_t len)
{
    xg_op op = {XG_OP_BALANCES, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    xg_http_response resp = {status, NULL, 0, body, len};
    xg_sink sink = {b, NULL, NULL, sink_balance, NULL};
    b->n = 0;
    memset(&f->res, 0, sizeof(f->res));
    return xg_adapter_entry()->parse(f->inst, &op, &resp, &sink, &f->res);
}

static xg_err
parse_balances(fixture *f, bal_sink *b, int status, const char *body)
{
    return parse_balances_len(f, b, status, body, strlen(body));
}

static void
assert_amount(xg_decimal d, int64_t units, int32_t scale)
{
    assert_int_equal(d.units, units);
    assert_int_equal(d.scale, scale);
}

/* data[0].details[]: each asset as OKX names it, availBal free and
 * frozenBal locked (what open orders hold), trailing zeros dropped. */
static void
test_balances_from_details(void **state)
{
    fixture *f = *state;
    bal_sink b = {0};
    size_t len = 0;
    char *body = slurp("balance.json", &len);
    assert_int_equal(parse_balances_len(f, &b, 200, body, len), XG_OK);
    free(body);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(b.n, 2);
    assert_string_equal(b.bal[0].asset, "USDT");
    assert_amount(b.bal[0].free, 4834317093622894, 12);
    assert_amount(b.bal[0].locked, 158573, 3);
    assert_string_equal(b.bal[1].asset, "BTC");
    assert_amount(b.bal[1].free, 5, 1);
    assert_amount(b.bal[1].locked, 0, 0);

    /* An account with nothing: OK, no entry. */
    assert_int_equal(
        parse_balances(f, &b, 200,
                       "{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"details\":[],"
                       "\"totalEq\":\"0\"}]}"),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(b.n, 0);
}

/* Hostile amounts and names refuse the whole answer before any asset is
 * reported (a half list would read as assets at zero): a negative
 * availBal or frozenBal, an amount that is no decimal or no string, one
 * missing, a currency with bytes no name has. A currency name too long
 * to carry is skipped. Unreadable answers are REJECTED (a read: ask
 * again); errors go through the table. */
static void
test_balances_refuse_hostile_answers(void **state)
{
    fixture *f = *state;
    bal_sink b = {0};
    static const char *const bad[] = {
        "{\"ccy\":\"BTC\",\"availBal\":\"-1\",\"frozenBal\":\"0\"}",
        "{\"ccy\":\"BTC\",\"availBal\":\"1\",\"frozenBal\":\"-0.5\"}",
        "{\"ccy\":\"BTC\",\"availBal\":\"1e5\",\"frozenBal\":\"0\"}",
        "{\"ccy\":\"BTC\",\"availBal\":1,\"frozenBal\":\"0\"}",
        ("{\"ccy\":\"BTC\",\"availBal\":\"99999999999999999999999\","
         "\"frozenBal\":\"0\"}"),
        "{\"ccy\":\"BTC\",\"frozenBal\":\"0\"}",
        "{\"ccy\":\"BTC\",\"availBal\":\"\",\"frozenBal\":\"0\"}",
        "{\"ccy\":\"B\\u0001C\",\"availBal\":\"1\",\"frozenBal\":\"0\"}",
        "{\"ccy\":\"\",\"availBal\":\"1\",\"frozenBal\":\"0\"}",
        "{\"availBal\":\"1\",\"frozenBal\":\"0\"}",
        "\"BTC\"",
    };
    char body[512];
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(body, sizeof(body),
                 "{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"details\":["
                 "{\"ccy\":\"USDT\",\"availBal\":\"5\",\"frozenBal\":\"1\"},"
                 "%s]}]}",
                 bad[i]);
        assert_int_equal(parse_balances(f, &b, 200, body), XG_OK);
        assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
        assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
        assert_int_equal(b.n, 0);
    }
    assert_int_equal(
        parse_balances(f, &b, 200,
                       "{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"details\":["
                       "{\"ccy\":\"AVERYLONGCURRENCYNAME\",\"availBal\":\"1\","
                       "\"frozenBal\":\"0\"},"
                       "{\"ccy\":\"ETH\",\"availBal\":\"2\","
                       "\"frozenBal\":\"0\"}]}]}"),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(b.n, 1);
    assert_string_equal(b.bal[0].asset, "ETH");

    static const char *const broken[] = {
        "{\"code\":\"0\",\"msg\":\"\",\"data\":[]}",
        "{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"totalEq\":\"1\"}]}",
        "{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"details\":{}}]}",
        "{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"details\":[]},{}]}",
        "{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"details\":[{\"ccy\":",
        "[]",
    };
    for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
        assert_int_equal(parse_balances(f, &b, 200, broken[i]), XG_OK);
        assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
        assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
    }
    assert_int_equal(
        parse_balances(f, &b, 429,
                       "{\"code\":\"50011\",\"msg\":\"Rate limit reached.\","
                       "\"data\":[]}"),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_RATE_LIMITED);
    assert_int_equal(f->res.retry_after_ms, 1500);
    assert_int_equal(parse_balances(f, &b, 502, "<html>bad gateway</html>"),
                     XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_VENUE_DOWN);
}

/* A sink refusing an asset stops the parse with its error. */
static void
test_balance_sink_error_stops_parse(void **state)
{
    fixture *f = *state;
    bal_sink b = {.fail_at = 2};
    size_t len = 0;
    char *body = slurp("balance.json", &len);
    assert_int_equal(parse_balances_len(f, &b, 200, body, len), XG_ERR_BUSY);
    free(body);
    assert_int_equal(b.n, 1);
}

static void
test_parse_refuses_bad_arguments(void **state)
{
    fixture *f = *state;
    xg_op op = {
        XG_OP_NEW_ORDER, &f->btc, NULL, "gw0001", NULL, NULL, NULL, NULL};
    xg_http_response resp = {200, NULL, 0, NULL, 5};
    assert_int_equal(
        xg_adapter_entry()->parse(f->inst, &op, &resp, NULL, &f->res),
        XG_ERR_INVALID);
    xg_op bad = {(xg_op_kind)0, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    resp.body_len = 0;
    assert_int_equal(
        xg_adapter_entry()->parse(f->inst, &bad, &resp, NULL, &f->res),
        XG_ERR_INVALID);
    assert_int_equal(xg_adapter_entry()->parse(NULL, &op, &resp, NULL, &f->res),
                     XG_ERR_INVALID);
    /* A batch without its orders or results, too big a batch, and the
     * mass cancel OKX spot does not have. */
    xg_result results[XG_BATCH_MAX + 1];
    xg_batch_item items[XG_BATCH_MAX + 1];
    xg_batch b = {items, 0, results};
    xg_op batch = {
        XG_OP_BATCH_NEW, &f->btc, NULL, NULL, NULL, NULL, NULL, NULL};
    memset(items, 0, sizeof(items));
    assert_int_equal(
        xg_adapter_entry()->parse(f->inst, &batch, &resp, NULL, &f->res),
        XG_ERR_INVALID);
    batch.batch = &b;
    assert_int_equal(
        xg_adapter_entry()->parse(f->inst, &batch, &resp, NULL, &f->res),
        XG_ERR_INVALID);
    b.n = XG_BATCH_MAX + 1;
    assert_int_equal(
        xg_adapter_entry()->parse(f->inst, &batch, &resp, NULL, &f->res),
        XG_ERR_INVALID);
    b.n = 1;
    b.results = NULL;
    assert_int_equal(
        xg_adapter_entry()->parse(f->inst, &batch, &resp, NULL, &f->res),
        XG_ERR_INVALID);
    xg_op mass = {
        XG_OP_CANCEL_SYMBOL, &f->btc, NULL, NULL, NULL, NULL, NULL, NULL};
    assert_int_equal(
        xg_adapter_entry()->parse(f->inst, &mass, &resp, NULL, &f->res),
        XG_ERR_INVALID);
    /* A batch of amends is checked as the other batches; past it, no
     * operation. */
    b.results = results;
    b.n = 0;
    batch.kind = XG_OP_BATCH_AMEND;
    assert_int_equal(
        xg_adapter_entry()->parse(f->inst, &batch, &resp, NULL, &f->res),
        XG_ERR_INVALID);
    batch.batch = NULL;
    assert_int_equal(
        xg_adapter_entry()->parse(f->inst, &batch, &resp, NULL, &f->res),
        XG_ERR_INVALID);
    bad.kind = (xg_op_kind)(XG_OP_BATCH_AMEND + 1);
    assert_int_equal(
        xg_adapter_entry()->parse(f->inst, &bad, &resp, NULL, &f->res),
        XG_ERR_INVALID);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_every_error_table_row),
        T(test_px_parameter_error_is_a_filter_breach),
        T(test_fixture_errors_from_files),
        T(test_place_and_cancel_acknowledgements),
        T(test_amend_acknowledgement_is_the_same_order_state_unknown),
        T(test_amend_of_a_completed_order_is_order_not_found),
        T(test_query_reports_state_and_fills),
        T(test_order_details_carry_price_and_size),
        T(test_open_orders_skip_foreign_and_refuse_corrupt_lists),
        T(test_open_orders_full_page_is_a_cut_list),
        T(test_open_orders_cut_page_points_after_its_last_ord_id),
        T(test_open_orders_hostile_last_ord_id_gives_no_cursor),
        T(test_open_orders_malformed_last_ord_id_refuses_the_page),
        T(test_instruments_get_distinct_stable_scopes),
        T(test_instrument_sink_error_stops_parse),
        T(test_server_time),
        T(test_malformed_order_answers_are_unknown),
        T(test_hostile_and_truncated_files),
        T(test_repeated_key_in_order_answer_is_refused),
        T(test_repeated_key_in_read_answers_is_refused),
        T(test_invalid_utf8_is_refused),
        T(test_deeply_nested_body_is_refused),
        T(test_token_array_is_kept_for_small_answers_only),
        T(test_batch_new_all_placed),
        T(test_batch_new_partial_failure_rejects_that_order_only),
        T(test_batch_entries_matched_by_client_id),
        T(test_batch_whole_request_outcomes_leave_orders_untouched),
        T(test_batch_cancel_results),
        T(test_batch_amend_all_accepted),
        T(test_batch_amend_refusals_through_the_amend_table),
        T(test_balances_from_details),
        T(test_balances_refuse_hostile_answers),
        T(test_balance_sink_error_stops_parse),
        T(test_parse_refuses_bad_arguments),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
