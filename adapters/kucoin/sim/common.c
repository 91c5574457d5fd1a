/*
 * common.c - what the KuCoin dialect's files share: the answer envelopes
 * and the way amounts are printed.
 *
 * Success is {"code":"200000","data":...} with HTTP 200, an error
 * {"code":"<code>","msg":...} with the HTTP status of its class (fact
 * sheet, "Response shapes"), and amounts are strings of at most 8
 * decimals without trailing zeros. dialect.c (settings, pools, routing,
 * public endpoints), auth.c and orders.c call into this file; it calls
 * none of them, so calls run one way. Compiled into xgsim only.
 */
#include "kucoin_sim.h"

#include <stdio.h>

void
kucoin_sim_error(xg_sim_response *resp, int status, int code, const char *msg,
                 const char *outcome)
{
    char text[16];

    snprintf(text, sizeof(text), "%d", code);
    xg_sim_response_json(resp, status,
                         json_pack("{ss ss}", "code", text, "msg", msg));
    resp->code = code;
    resp->outcome = outcome;
}

void
kucoin_sim_ok(xg_sim_response *resp, json_t *data, const char *outcome)
{
    xg_sim_response_json(resp, 200,
                         json_pack("{ss so}", "code", "200000", "data",
                                   data != NULL ? data : json_null()));
    resp->code = 0;
    resp->outcome = outcome;
}

json_t *
kucoin_sim_num(int64_t v)
{
    char buf[XG_SIM_FIXED_BUFSZ];

    xg_sim_fixed_format_short(v, buf);
    return json_string(buf);
}
