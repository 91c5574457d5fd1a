/*
 * common.c - what the OKX dialect's files share: the error envelope and
 * the parameter reader.
 *
 * An error is {"code":"<code>","msg":...,"data":[]} with the HTTP status
 * the fact sheet gives it ("Response shapes", "Error codes"); a parameter
 * comes from the JSON body of a POST, from the query string otherwise.
 * dialect.c (settings, limits, routing, public endpoints), auth.c and
 * orders.c call into this file; it calls none of them, so calls run one
 * way. Compiled into xgsim only.
 */
#include "okx_sim.h"

void
okx_sim_error(xg_sim_response *resp, int status, const char *code,
              const char *msg, const char *outcome)
{
    xg_sim_response_json(
        resp, status,
        json_pack("{ss ss s[]}", "code", code, "msg", msg, "data"));
    int n = 0;
    /* The log's numeric code; OKX codes are short digit strings. */
    for (const char *p = code; *p >= '0' && *p <= '9' && n < 100000000; p++) {
        n = n * 10 + (*p - '0');
    }
    resp->code = n;
    resp->outcome = outcome;
}

const char *
okx_sim_param(const okx_call *c, const char *key)
{
    if (c->body != NULL) {
        return json_string_value(json_object_get(c->body, key));
    }
    return xg_sim_params_get(c->query, key);
}
