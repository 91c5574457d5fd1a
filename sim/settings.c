/*
 * sim/settings.c - a dialect's --set values, from its table of settings.
 *
 * Every dialect keeps its limits, windows and ban lengths as int64_t
 * fields of one settings struct, so that a test can scale them down
 * ("--set bybit.create_per_s=10"). The table says which names exist and
 * their ranges; this file parses and stores the value, the same way for
 * every dialect.
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
