/*
 * What the journal's tests share (journal_check.h).
 */
#include "journal_check.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

int
xg_test_scratch_dir(char *dir, size_t cap, const char *prefix)
{
    snprintf(dir, cap, "/tmp/%sXXXXXX", prefix);
    return mkdtemp(dir) != NULL ? 0 : -1;
}

void
xg_test_rm_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        unlink(path);
        return;
    }
    DIR *d = opendir(path);
    if (d != NULL) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
                continue;
            }
            char sub[512];
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            xg_test_rm_tree(sub);
        }
        closedir(d);
    }
    rmdir(path);
}

static void
assert_dec_equal(xg_decimal a, xg_decimal b)
{
    assert_int_equal(a.units, b.units);
    assert_int_equal(a.scale, b.scale);
}

static void
assert_exec_equal(const xg_execution *a, const xg_execution *b)
{
    assert_dec_equal(a->filled_qty, b->filled_qty);
    assert_dec_equal(a->filled_quote, b->filled_quote);
    assert_dec_equal(a->fee, b->fee);
    assert_string_equal(a->fee_currency, b->fee_currency);
}

void
xg_test_assert_order_equal(const xg__journal_order *a,
                           const xg__journal_order *b)
{
    assert_string_equal(a->gw_id, b->gw_id);
    assert_string_equal(a->client_id, b->client_id);
    assert_string_equal(a->strategy_id, b->strategy_id);
    assert_string_equal(a->symbol, b->symbol);
    assert_int_equal(a->side, b->side);
    assert_int_equal(a->type, b->type);
    assert_int_equal(a->tif, b->tif);
    assert_dec_equal(a->qty, b->qty);
    assert_dec_equal(a->price, b->price);
    assert_int_equal(a->status, b->status);
    assert_string_equal(a->venue, b->venue);
    assert_string_equal(a->venue_client_id, b->venue_client_id);
    assert_string_equal(a->venue_order_id, b->venue_order_id);
    assert_exec_equal(&a->exec, &b->exec);
    assert_exec_equal(&a->replaced_exec, &b->replaced_exec);
    assert_int_equal(a->attempt, b->attempt);
    assert_int_equal(a->cancel_requested, b->cancel_requested);
    assert_int_equal(a->requantize, b->requantize);
    assert_int_equal(a->n_route, b->n_route);
    for (size_t i = 0; i < a->n_route; i++) {
        assert_string_equal(a->route[i], b->route[i]);
    }
    assert_int_equal(a->deadline_ms, b->deadline_ms);
    assert_int_equal(a->updated_ms, b->updated_ms);
}

void
xg_test_assert_attempt_equal(const xg__journal_attempt *a,
                             const xg__journal_attempt *b)
{
    assert_string_equal(a->gw_id, b->gw_id);
    assert_int_equal(a->attempt, b->attempt);
    assert_string_equal(a->venue, b->venue);
    assert_string_equal(a->venue_client_id, b->venue_client_id);
    assert_int_equal(a->state, b->state);
    assert_int_equal(a->updated_ms, b->updated_ms);
}
