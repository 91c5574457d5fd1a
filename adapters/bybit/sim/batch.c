/*
 * batch.c - /v5/order/create-batch and /v5/order/cancel-batch of xgsim's
 * Bybit v5 spot dialect.
 *
 * A batch is a JSON body {"category":"spot","request":[...]} of 1 to 10
 * orders (Bybit's spot maximum); each item is the parameters of one
 * create or one cancel, run in order as the single endpoint would run
 * them. The answer is the venue's two parallel lists: result.list with
 * each item's ids ({category, symbol, orderId, orderLinkId, createAt} for
 * a create, without createAt for a cancel; ids "" for an item that
 * failed) and retExtInfo.list with each item's {code, msg}. The envelope's
 * retCode is 0 whenever the batch itself was well-formed, as on Bybit.
 *
 * Limits (rate-limit page, "Instructions for batch endpoints"): each batch
 * endpoint has its own window, apart from the single endpoints', 20/s for
 * spot, and a batch consumes one slot per order. When the window has room
 * for only part of a batch, the first orders run and the rest fail with
 * 10006; when it has no room, the whole request is the 10006 answer.
 * Calls orders.c (one create, one cancel), common.c and the simulator.
 */
#include "bybit_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BYBIT_BATCH_MAX 10

/* The request array of a batch body: false with 10001 answered when the
 * body is not {"category":"spot","request":[1..10 objects]}. */
static bool
bybit_sim_batch_items(const bybit_call *c, const json_t **items)
{
    const json_t *req = json_object_get(c->body, "request");
    size_t i = 0;
    const json_t *e = NULL;

    *items = NULL;
    if (c->body == NULL) {
        bybit_sim_params_error(c, "body is not a JSON object");
        return false;
    }
    if (!json_is_string(json_object_get(c->body, "category")) ||
        strcmp(json_string_value(json_object_get(c->body, "category")),
               "spot") != 0) {
        bybit_sim_params_error(c, "category must be spot");
        return false;
    }
    if (!json_is_array(req) || json_array_size(req) == 0 ||
        json_array_size(req) > BYBIT_BATCH_MAX) {
        bybit_sim_params_error(c, "request must hold 1..10 orders");
        return false;
    }
    json_array_foreach(req, i, e)
    {
        if (!json_is_object(e)) {
            bybit_sim_params_error(c, "request items must be objects");
            return false;
        }
    }
    *items = req;
    return true;
}

/* A call reading one item's parameters, with the batch's category, whose
 * errors go to *err. *copy is the item's copy to free. */
static void
bybit_sim_item_call(const bybit_call *c, const json_t *item, json_t **copy,
                    bybit_item_error *err, bybit_call *sub)
{
    *copy = json_deep_copy(item);
    if (*copy != NULL) {
        json_object_set_new(*copy, "category", json_string("spot"));
    }
    memset(err, 0, sizeof(*err));
    *sub = *c;
    sub->body = *copy;
    sub->item = err;
}

static void
bybit_sim_batch_answer(const bybit_call *c, json_t *list, json_t *codes)
{
    json_t *env =
        bybit_sim_envelope(0, "OK", json_pack("{so}", "list", list), c->now_ms);

    json_object_set_new(env, "retExtInfo", json_pack("{so}", "list", codes));
    /* Logged per order (bybit_sim_log_item), not as one request. */
    xg_sim_response_json(c->resp, 200, env);
}

/* The symbol an item names, for the answer of an item that failed. */
static const char *
bybit_sim_item_symbol(const json_t *item)
{
    const char *s = json_string_value(json_object_get(item, "symbol"));

    return s != NULL ? s : "";
}

static const char *
bybit_sim_item_link(const json_t *item)
{
    const char *s = json_string_value(json_object_get(item, "orderLinkId"));

    return s != NULL ? s : "";
}

/* The log entry of one order of a batch: done_outcome when its code is 0,
 * else limited (10006) or rejected, as the single request logs it. */
static void
bybit_sim_log_item(const bybit_call *c, const json_t *item, int code,
                   const char *done_outcome)
{
    const char *outcome = code == 0       ? done_outcome
                          : code == 10006 ? "limited"
                                          : "rejected";
    xg_sim_response_log_item(c->resp, bybit_sim_item_link(item), outcome,
                             code);
}

void
bybit_sim_create_batch(const bybit_call *c)
{
    const json_t *items = NULL;
    const json_t *item = NULL;
    int64_t admitted = 0;
    size_t i = 0;
    json_t *list = NULL;
    json_t *codes = NULL;

    if (!bybit_sim_batch_items(c, &items) ||
        !bybit_sim_endpoint_take(c, BYBIT_EP_BATCH_CREATE,
                                 (int64_t)json_array_size(items), &admitted)) {
        return;
    }
    list = json_array();
    codes = json_array();
    json_array_foreach(items, i, item)
    {
        bybit_item_error err;
        bybit_call sub;
        json_t *copy = NULL;
        bybit_placed p;
        char created[24];

        memset(&p, 0, sizeof(p));
        bybit_sim_item_call(c, item, &copy, &err, &sub);
        if ((int64_t)i >= admitted) {
            err.code = 10006;
            snprintf(err.msg, sizeof(err.msg), "Too many visits!");
        } else if (copy == NULL) {
            err.code = 10016;
            snprintf(err.msg, sizeof(err.msg), "Internal server error.");
        } else if (bybit_sim_place(&sub, &p)) {
            err.code = 0;
            snprintf(err.msg, sizeof(err.msg), "OK");
        } else if (err.code == 0) {
            err.code = 10016; /* an error path that recorded nothing */
            snprintf(err.msg, sizeof(err.msg), "Internal server error.");
        }
        json_decref(copy);
        if (err.code == 0) {
            snprintf(created, sizeof(created), "%lld", (long long)p.time_ms);
            json_array_append_new(
                list, json_pack("{ss ss ss ss ss}", "category", "spot",
                                "symbol", p.symbol, "orderId", p.order_id,
                                "orderLinkId", p.link_id, "createAt", created));
        } else {
            json_array_append_new(
                list, json_pack("{ss ss ss ss ss}", "category", "spot",
                                "symbol", bybit_sim_item_symbol(item),
                                "orderId", "", "orderLinkId",
                                bybit_sim_item_link(item), "createAt", ""));
        }
        json_array_append_new(
            codes, json_pack("{si ss}", "code", err.code, "msg", err.msg));
        bybit_sim_log_item(c, item, err.code, "placed");
    }
    bybit_sim_batch_answer(c, list, codes);
}

void
bybit_sim_cancel_batch(const bybit_call *c)
{
    const json_t *items = NULL;
    const json_t *item = NULL;
    int64_t admitted = 0;
    size_t i = 0;
    json_t *list = NULL;
    json_t *codes = NULL;

    if (!bybit_sim_batch_items(c, &items) ||
        !bybit_sim_endpoint_take(c, BYBIT_EP_BATCH_CANCEL,
                                 (int64_t)json_array_size(items), &admitted)) {
        return;
    }
    list = json_array();
    codes = json_array();
    json_array_foreach(items, i, item)
    {
        bybit_item_error err;
        bybit_call sub;
        json_t *copy = NULL;
        bybit_placed p;
        size_t instrument = 0;
        bool has_symbol = false;

        memset(&p, 0, sizeof(p));
        bybit_sim_item_call(c, item, &copy, &err, &sub);
        if ((int64_t)i >= admitted) {
            err.code = 10006;
            snprintf(err.msg, sizeof(err.msg), "Too many visits!");
        } else if (copy == NULL) {
            err.code = 10016;
            snprintf(err.msg, sizeof(err.msg), "Internal server error.");
        } else if (bybit_sim_spot_symbol(&sub, true, &instrument,
                                         &has_symbol) &&
                   bybit_sim_cancel_named(&sub, instrument, &p)) {
            err.code = 0;
            snprintf(err.msg, sizeof(err.msg), "OK");
        } else if (err.code == 0) {
            err.code = 10016;
            snprintf(err.msg, sizeof(err.msg), "Internal server error.");
        }
        json_decref(copy);
        if (err.code == 0) {
            json_array_append_new(list, json_pack("{ss ss ss ss}", "category",
                                                  "spot", "symbol", p.symbol,
                                                  "orderId", p.order_id,
                                                  "orderLinkId", p.link_id));
        } else {
            json_array_append_new(
                list, json_pack("{ss ss ss ss}", "category", "spot", "symbol",
                                bybit_sim_item_symbol(item), "orderId", "",
                                "orderLinkId", bybit_sim_item_link(item)));
        }
        json_array_append_new(
            codes, json_pack("{si ss}", "code", err.code, "msg", err.msg));
        bybit_sim_log_item(c, item, err.code, "canceled");
    }
    bybit_sim_batch_answer(c, list, codes);
}
