/*
 * events.c - encoding events and handing them to the outbox (see
 * events.h). An event that does not fit XG_EVENT_MAX is not sent: every
 * field it could carry is bounded far below that, so it cannot happen
 * with the gateway's own data.
 */
#include "events.h"

#include <string.h>

#include "xgate/buf.h"

void
xg__events_init(xg__events *ev, xg__outbox *outbox, const char *start_id)
{
    memset(ev, 0, sizeof *ev);
    ev->outbox = outbox;
    xg_strlcpy(ev->start_id, start_id, sizeof ev->start_id);
}

static void
publish(xg__events *ev, const char *topic, size_t topic_len, const xg_buf *b)
{
    if (xg_buf_status(b) == XG_OK) {
        xg__outbox_add(ev->outbox, XG_OUTBOX_EVENT, topic, topic_len, 0,
                       b->data, b->len);
    }
}

static void
publish_for_strategy(xg__events *ev, const char *strategy, const xg_buf *b)
{
    char topic[8 + XG_STRATEGY_ID_MAX];
    xg_buf t;
    xg_buf_init(&t, topic, sizeof topic);
    xg_buf_puts(&t, "order.");
    xg_buf_puts(&t, strategy);
    publish(ev, topic, t.len, b);
}

static xg_stamp
stamp(const xg__events *ev, int64_t ts_ms)
{
    return (xg_stamp){ev->start_id, ts_ms};
}

void
xg__events_order(xg__events *ev, const char *event, const xg_order_view *view,
                 int64_t ts_ms)
{
    xg_stamp st = stamp(ev, ts_ms);
    xg_buf b;
    xg_buf_init(&b, ev->buf, sizeof ev->buf);
    if (xg__encode_order_event(&b, event, view, &st) == XG_OK) {
        publish_for_strategy(ev, view->order->strategy_id, &b);
    }
}

void
xg__events_fill(xg__events *ev, const xg_fill *fill, const xg_order_view *view,
                int64_t ts_ms)
{
    xg_stamp st = stamp(ev, ts_ms);
    xg_buf b;
    xg_buf_init(&b, ev->buf, sizeof ev->buf);
    if (xg__encode_fill_event(&b, fill, view, &st) == XG_OK) {
        publish_for_strategy(ev, view->order->strategy_id, &b);
    }
}

void
xg__events_rerouted(xg__events *ev, const xg_order *o, const xg_reroute_view *r,
                    int64_t ts_ms)
{
    xg_stamp st = stamp(ev, ts_ms);
    xg_buf b;
    xg_buf_init(&b, ev->buf, sizeof ev->buf);
    if (xg__encode_rerouted_event(&b, o, r, &st) == XG_OK) {
        publish_for_strategy(ev, o->strategy_id, &b);
    }
}

void
xg__events_wait(xg__events *ev, const char *venue, const xg_order *o,
                int64_t wait_ms, const char *reason, int64_t ts_ms)
{
    xg_stamp st = stamp(ev, ts_ms);
    xg_buf b;
    xg_buf_init(&b, ev->buf, sizeof ev->buf);
    if (xg__encode_wait_event(&b, venue, o, wait_ms, reason, &st) == XG_OK) {
        publish_for_strategy(ev, o->strategy_id, &b);
    }
}

void
xg__events_venue(xg__events *ev, const xg_venue_view *view, int64_t ts_ms)
{
    xg_stamp st = stamp(ev, ts_ms);
    xg_buf b;
    xg_buf_init(&b, ev->buf, sizeof ev->buf);
    if (xg__encode_venue_event(&b, view, &st) == XG_OK) {
        publish(ev, "venue", 5, &b);
    }
}

void
xg__events_balances(xg__events *ev, const char *venue, const xg_balance *assets,
                    size_t n, int64_t ts_ms)
{
    xg_stamp st = stamp(ev, ts_ms);
    xg_balances_view view = {venue, assets, n, 0, ts_ms, 0};
    xg_buf b;
    xg_buf_init(&b, ev->buf, sizeof ev->buf);
    if (xg__encode_balances_event(&b, &view, &st) == XG_OK) {
        publish(ev, "balances", 8, &b);
    }
}

void
xg__events_hello(xg__events *ev, const char *strategy, const char *req_id,
                 int64_t ts_ms)
{
    xg_stamp st = stamp(ev, ts_ms);
    xg_buf b;
    xg_buf_init(&b, ev->buf, sizeof ev->buf);
    if (xg__encode_hello_event(&b, req_id, &st) == XG_OK) {
        publish_for_strategy(ev, strategy, &b);
    }
}

void
xg__events_started(xg__events *ev, int64_t ts_ms)
{
    xg_stamp st = stamp(ev, ts_ms);
    xg_buf b;
    xg_buf_init(&b, ev->buf, sizeof ev->buf);
    if (xg__encode_started_event(&b, &st) == XG_OK) {
        publish(ev, "gateway", 7, &b);
    }
}
