/*
 * common.c - what the Bybit dialect's files share: the answer envelope,
 * parameters, and the per-UID endpoint gate with its rolling windows.
 *
 * Every answer is Bybit's {retCode, retMsg, result, retExtInfo, time}
 * with HTTP 200, business errors included (fact sheet, "Response
 * shapes"). A rolling window remembers the times of the requests it
 * admitted; the per-UID endpoint gate (create and cancel 20/s, realtime
 * 50/s by default) refuses with retCode 10006 and sets the X-Bapi-Limit*
 * headers on every answer of those endpoints. dialect.c (settings, the IP
 * gate, routing, public endpoints), auth.c and orders.c call into this
 * file; it calls none of them, so calls run one way. Compiled into xgsim
 * only.
 */
#include "bybit_sim.h"

#include <stdlib.h>
#include <string.h>

xg_err
bybit_sim_roll_init(bybit_roll *r, int64_t cap)
{
    memset(r, 0, sizeof(*r));
    r->t_ms = calloc((size_t)cap, sizeof(*r->t_ms));
    if (r->t_ms == NULL) {
        return XG_ERR_NOMEM;
    }
    r->cap = (size_t)cap;
    return XG_OK;
}

void
bybit_sim_roll_fini(bybit_roll *r)
{
    free(r->t_ms);
    memset(r, 0, sizeof(*r));
}

void
bybit_sim_roll_expire(bybit_roll *r, int64_t window_ms, int64_t now_ms)
{
    while (r->n > 0 && r->t_ms[r->head] <= now_ms - window_ms) {
        r->head = (r->head + 1) % r->cap;
        r->n--;
    }
}

bool
bybit_sim_roll_admit(bybit_roll *r, int64_t window_ms, int64_t now_ms)
{
    bybit_sim_roll_expire(r, window_ms, now_ms);
    if (r->n >= r->cap) {
        return false;
    }
    r->t_ms[(r->head + r->n) % r->cap] = now_ms;
    r->n++;
    return true;
}

/* When the oldest admitted request leaves the window. */
static int64_t
bybit_sim_roll_frees_at(const bybit_roll *r, int64_t window_ms, int64_t now_ms)
{
    return r->n > 0 ? r->t_ms[r->head] + window_ms : now_ms;
}

int64_t
bybit_sim_endpoint_limit(const bybit_settings *s, int endpoint)
{
    switch (endpoint) {
    case BYBIT_EP_CREATE:
        return s->create_per_s;
    case BYBIT_EP_CANCEL:
        return s->cancel_per_s;
    default:
        return s->query_per_s;
    }
}

json_t *
bybit_sim_envelope(int code, const char *msg, json_t *result, int64_t now_ms)
{
    return json_pack("{si ss so s{} sI}", "retCode", code, "retMsg", msg,
                     "result", result != NULL ? result : json_object(),
                     "retExtInfo", "time", (json_int_t)now_ms);
}

void
bybit_sim_error(const bybit_call *c, int code, const char *msg,
                const char *outcome)
{
    xg_sim_response_json(c->resp, 200,
                         bybit_sim_envelope(code, msg, NULL, c->now_ms));
    c->resp->code = code;
    c->resp->outcome = outcome;
}

void
bybit_sim_ok(const bybit_call *c, json_t *result, const char *outcome)
{
    xg_sim_response_json(c->resp, 200,
                         bybit_sim_envelope(0, "OK", result, c->now_ms));
    c->resp->code = 0;
    c->resp->outcome = outcome;
}

void
bybit_sim_limit_answer(const bybit_call *c, int64_t limit, int64_t remaining,
                       int64_t reset_ms, bool is_refused)
{
    xg_sim_response_header_int(c->resp, "X-Bapi-Limit", limit);
    xg_sim_response_header_int(c->resp, "X-Bapi-Limit-Status",
                               remaining > 0 ? remaining : 0);
    xg_sim_response_header_int(c->resp, "X-Bapi-Limit-Reset-Timestamp",
                               reset_ms);
    if (is_refused) {
        bybit_sim_error(c, 10006, "Too many visits!", "limited");
    }
}

bool
bybit_sim_endpoint_gate(const bybit_call *c, int endpoint)
{
    bybit_sim *s = c->sim;
    int64_t window = s->set.endpoint_window_ms;
    int64_t limit = bybit_sim_endpoint_limit(&s->set, endpoint);
    bool ok = true;
    int64_t remaining = 0;
    int64_t reset = c->now_ms;
    bybit_roll *r = NULL;

    xg_sim_venue_lock(c->v);
    r = &s->endpoints[c->account * BYBIT_EP_COUNT + (size_t)endpoint];
    ok = bybit_sim_roll_admit(r, window, c->now_ms);
    if (!ok && s->set.limits == 0) {
        ok = true; /* counting only: report, never refuse */
    }
    remaining = limit - (int64_t)r->n;
    if (!ok) {
        reset = bybit_sim_roll_frees_at(r, window, c->now_ms);
    }
    xg_sim_venue_unlock(c->v);

    bybit_sim_limit_answer(c, limit, remaining, reset, !ok);
    return ok;
}

const char *
bybit_sim_param(const bybit_call *c, const char *key)
{
    if (c->body != NULL) {
        return json_string_value(json_object_get(c->body, key));
    }
    return xg_sim_params_get(c->query, key);
}
