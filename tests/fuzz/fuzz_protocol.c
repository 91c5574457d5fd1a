/*
 * fuzz_protocol.c - libFuzzer target for the strategy API's request parser.
 *
 * Every byte string a strategy can send reaches xg__msg_parse, so it is the
 * parser's job never to crash, read out of bounds or leak on any input. The
 * target also checks what the gateway relies on afterwards: a reject's
 * detail is one line of printable ASCII, an accepted message's ids and
 * strings are terminated and in range, and the reply encoded from the
 * parsed message (or the reject) is valid JSON. Any violation aborts, which
 * libFuzzer reports as a crash. Built with libFuzzer when XG_FUZZ is ON;
 * otherwise fuzz_replay.c drives it over the corpus in every build.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fuzz_check.h"
#include "protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_json(const xg_buf *b)
{
    json_error_t jerr;
    json_t *root = json_loadb(b->data, b->len, JSON_REJECT_DUPLICATES, &jerr);

    check(root != NULL && json_is_object(root));
    json_decref(root);
}

/* A refusal's detail: one printable line. */
static void
check_detail(const char *detail)
{
    check(detail[0] != '\0');
    for (const char *p = detail; *p != '\0'; p++) {
        check(*p >= 0x20 && *p < 0x7f);
    }
}

static void
check_new_order(const xg_msg *m)
{
    check(m->kind == XG_MSG_NEW_ORDER);
    check(m->order.qty.units > 0);
    check(m->order.type == XG_TYPE_MARKET || m->order.price.units > 0);
    check(xg_symbol_validate(m->order.symbol) == XG_OK);
    check(m->max_wait_ms >= 0 && m->max_wait_ms <= XG_MAX_WAIT_MS_MAX);
    check(m->order.strategy_id[0] != '\0');
}

/* Each order of a batch_new read on its own, and the reply with each
 * one's outcome. */
static void
check_batch(const uint8_t *data, size_t size, const xg_msg *m, xg_buf *b)
{
    static xg_msg items[XG_BATCH_NEW_MAX];
    static char details[XG_BATCH_NEW_MAX][XG_DETAIL_MAX];
    static xg_order_view views[XG_BATCH_NEW_MAX];
    static xg_placed_view results[XG_BATCH_NEW_MAX];

    check(m->n_orders >= 1 && m->n_orders <= XG_BATCH_NEW_MAX);
    for (size_t i = 0; i < m->n_orders; i++) {
        const xg_msg_span *s = &m->orders[i];
        check(s->start < size && s->len <= size - s->start);
        check(data[s->start] == '{' && data[s->start + s->len - 1] == '}');
        xg_err err = xg__msg_parse_order(data + s->start, s->len, &items[i],
                                         details[i], XG_DETAIL_MAX);
        check_terminated(details[i], XG_DETAIL_MAX);
        results[i] = (xg_placed_view){NULL, items[i].order.client_id, err,
                                      details[i]};
        if (err != XG_OK) {
            check_detail(details[i]);
            continue;
        }
        check_new_order(&items[i]);
        views[i] = (xg_order_view){.order = &items[i].order,
                                   .venue = "",
                                   .venue_client_id = items[i].order.client_id,
                                   .venue_order_id = "",
                                   .status = XG_STATUS_PENDING,
                                   .err = XG_OK,
                                   .detail = "",
                                   .venue_code = "",
                                   .venue_msg = ""};
        results[i].view = &views[i];
    }
    static char reply[XG_BATCH_NEW_MAX * 8192];
    xg_buf_init(b, reply, sizeof(reply));
    check(xg__encode_reply_batch(b, m->req_id, "0123456789abcdef", results,
                                 m->n_orders) == XG_OK);
    check_json(b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char out[8192];
    xg_msg m;
    char detail[XG_DETAIL_MAX];
    xg_buf b;
    static const char START_ID[] = "0123456789abcdef";

    xg_buf_init(&b, out, sizeof(out));
    xg_err err = xg__msg_parse(data, size, &m, detail, sizeof(detail));
    check_terminated(detail, sizeof(detail));
    check_terminated(m.req_id, sizeof(m.req_id));
    check_terminated(m.order.client_id, sizeof(m.order.client_id));
    if (err != XG_OK) {
        check_detail(detail);
        check(xg__encode_reply_error(&b, m.req_id, START_ID, m.order.client_id,
                                     err, detail) == XG_OK);
        check_json(&b);
        return 0;
    }
    check(detail[0] == '\0');
    check(m.kind >= XG_MSG_NEW_ORDER && m.kind <= XG_MSG_ORDER_FILLS);
    if (m.kind == XG_MSG_BATCH_NEW) {
        check_batch(data, size, &m, &b);
        return 0;
    }
    if (m.kind == XG_MSG_BALANCES) {
        check(m.n_venues <= 1);
        check(m.max_age_ms >= 0 && m.max_age_ms <= XG_BALANCES_MAX_AGE_MS_MAX);
        const xg_balance asset = {"BTC", {15, 1}, {0, 0}};
        const xg_balances_view bv = {m.n_venues > 0 ? m.venues[0] : "", &asset,
                                     1, 12, 1700000000000, 1};
        check(xg__encode_reply_balances(&b, m.req_id, START_ID, &bv, 1) ==
              XG_OK);
        check_json(&b);
        return 0;
    }
    if (m.kind != XG_MSG_NEW_ORDER && m.kind != XG_MSG_VENUE_STATUS) {
        /* cancel, query, hello, open_orders and cancel_all name their
         * strategy */
        check(m.order.strategy_id[0] != '\0');
    }
    check(m.n_venues <= XG_MAX_ROUTE);
    for (size_t i = 0; i < m.n_venues; i++) {
        check_terminated(m.venues[i], sizeof(m.venues[i]));
    }
    if (m.kind == XG_MSG_NEW_ORDER) {
        check_new_order(&m);
    }
    if (m.kind == XG_MSG_AMEND_ORDER) {
        /* something to change, and whose order */
        check(m.order.price.units > 0 || m.order.qty.units > 0);
        check(m.order.price.units >= 0 && m.order.qty.units >= 0);
        check(m.order.client_id[0] != '\0');
    }
    if (m.kind == XG_MSG_ORDER_FILLS) {
        check(m.limit >= 1 && m.limit <= XG_OPEN_ORDERS_PAGE_MAX);
        check(m.order.client_id[0] != '\0');
    }
    if (m.kind == XG_MSG_OPEN_ORDERS || m.kind == XG_MSG_CANCEL_ALL) {
        check(m.kind == XG_MSG_CANCEL_ALL ||
              (m.limit >= 1 && m.limit <= XG_OPEN_ORDERS_PAGE_MAX));
        check(m.n_venues <= 1);
        check(m.order.symbol[0] == '\0' ||
              xg_symbol_validate(m.order.symbol) == XG_OK);
        check(m.order.client_id[0] == '\0');
    }
    if (m.kind != XG_MSG_VENUE_STATUS && m.order.client_id[0] != '\0') {
        check(xg_client_id_validate(m.order.client_id) == XG_OK);
    }
    xg_order_view v = {.order = &m.order,
                       .venue = m.n_venues > 0 ? m.venues[0] : "",
                       .venue_client_id = m.order.client_id,
                       .venue_order_id = "",
                       .status = XG_STATUS_PENDING,
                       .err = XG_OK,
                       .detail = "",
                       .venue_code = "",
                       .venue_msg = ""};
    check(xg__encode_reply_order(&b, m.req_id, START_ID, &v) == XG_OK);
    check_json(&b);
    if (m.kind == XG_MSG_OPEN_ORDERS) {
        xg_buf_init(&b, out, sizeof(out));
        check(xg__encode_reply_orders(&b, m.req_id, START_ID, &v, 1,
                                      m.cursor) == XG_OK);
        check_json(&b);
    }
    if (m.kind == XG_MSG_ORDER_FILLS) {
        /* A fill whose id and fee currency are the request's own text. */
        xg_fill f;
        memset(&f, 0, sizeof f);
        xg_strlcpy(f.trade_id, m.req_id, sizeof f.trade_id);
        xg_strlcpy(f.fee_currency, m.order.client_id, sizeof f.fee_currency);
        f.qty = (xg_decimal){1, 3};
        f.price = (xg_decimal){35000, 0};
        const xg_fill *fills[] = {&f, &f};
        xg_buf_init(&b, out, sizeof(out));
        check(xg__encode_reply_fills(&b, m.req_id, START_ID, &v, fills, 2,
                                     m.cursor) == XG_OK);
        check_json(&b);
    }
    if (m.kind == XG_MSG_AMEND_ORDER) {
        xg_buf_init(&b, out, sizeof(out));
        check(xg__encode_reply_amend(&b, m.req_id, START_ID, &v, "amend") ==
              XG_OK);
        check_json(&b);
    }
    if (m.kind == XG_MSG_CANCEL_ALL) {
        const char *ids[] = {m.order.strategy_id, m.order.symbol};
        xg_buf_init(&b, out, sizeof(out));
        check(xg__encode_reply_cancel_all(&b, m.req_id, START_ID, ids, 2, 1) ==
              XG_OK);
        check_json(&b);
    }
    return 0;
}
