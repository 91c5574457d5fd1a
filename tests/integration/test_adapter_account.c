/*
 * test_adapter_account.c - XG_OP_ACCOUNT_ID of each in-tree adapter
 * against xgsim: the plug-in loaded as the gateway loads it
 * (core/loader.c), its request built, sent to the simulator as it is and
 * its answer parsed, with no gateway in between.
 *
 * The simulator holds two accounts per venue, the first with two API
 * keys (a firm's gateways, each with a key of its own). Each key's
 * answer must name an account; both keys of the first account must name
 * the same one, and the second account another. That is what lets
 * gateways with different keys count one account's limits together
 * (docs/farm.md).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "gw_launch.h"
#include "loader.h"
#include "sim_launch.h"
#include "xgate/adapter.h"

#define SECRET "xgsim-test-secret"
#define PASS   "xgsim-test-pass"

/* The accounts file: on venue, account one with keys one-a and one-b,
 * account two with key two-a; its path into path. */
static void
write_accounts(const char *venue, char *path, size_t cap)
{
    snprintf(path, cap, "/tmp/xg-accounts-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fprintf(f,
            "[{\"venue\": \"%s\", \"api_key\": \"one-a\", \"secret\": \"%s\", "
            "\"passphrase\": \"%s\", \"more_keys\": [{\"api_key\": \"one-b\", "
            "\"secret\": \"%s\", \"passphrase\": \"%s\"}]},\n"
            " {\"venue\": \"%s\", \"api_key\": \"two-a\", \"secret\": \"%s\", "
            "\"passphrase\": \"%s\"}]\n",
            venue, SECRET, PASS, SECRET, PASS, venue, SECRET, PASS);
    assert_int_equal(fclose(f), 0);
}

/* The account venue's adapter, created with key, reads from the
 * simulator's answer to its ACCOUNT_ID request, into account. */
static void
ask_account(const xg_sim_proc *sim, const xg__plugin *p, const char *venue,
            const char *key, char account[XG_ACCOUNT_MAX])
{
    char err[512];
    void *inst = NULL;
    int has_pass = strcmp(venue, "okx") == 0 || strcmp(venue, "kucoin") == 0;
    xg_adapter_config cfg = {key, SECRET, has_pass ? PASS : NULL, NULL, 0};
    if (p->api->create(&cfg, &inst, err, sizeof err) != XG_OK) {
        fail_msg("%s", err);
    }
    xg_op op = {.kind = XG_OP_ACCOUNT_ID};
    xg_http_request req;
    memset(&req, 0, sizeof req);
    assert_int_equal(p->api->build(inst, &op, xg_test_wall_ms(), &req), XG_OK);
    /* The account's own endpoint: every adapter charges it somewhere. */
    assert_true(req.n_costs > 0);

    char lines[XG_HTTP_MAX_HEADERS][XG_HTTP_HNAME_MAX + XG_HTTP_HVALUE_MAX + 4];
    const char *hdrs[XG_HTTP_MAX_HEADERS + 1];
    for (size_t i = 0; i < req.n_headers; i++) {
        snprintf(lines[i], sizeof lines[i], "%s: %s", req.headers[i].name,
                 req.headers[i].value);
        hdrs[i] = lines[i];
    }
    hdrs[req.n_headers] = NULL;
    static char answer[1 << 16];
    long status = 0;
    assert_int_equal(xg_sim_http(sim, venue, req.method, req.target, hdrs,
                                 req.body_len > 0 ? req.body : NULL,
                                 req.body_len, &status, answer, sizeof answer,
                                 NULL, 0),
                     XG_OK);
    xg_http_response resp = {(int)status, NULL, 0, answer, strlen(answer)};
    xg_result res;
    xg_sink sink = {0};
    assert_int_equal(p->api->parse(inst, &op, &resp, &sink, &res), XG_OK);
    if (res.outcome != XG_OUTCOME_OK) {
        fail_msg("%s %s %s: HTTP %ld, %s %s: %.300s", venue, req.method,
                 req.target, status, res.venue_code, res.venue_msg, answer);
    }
    p->api->destroy(inst);
    memcpy(account, res.account, XG_ACCOUNT_MAX);
}

static void
check_venue(const char *venue)
{
    char path[64];
    write_accounts(venue, path, sizeof path);
    const char *args[] = {"--accounts", path, NULL};
    xg_sim_proc sim;
    assert_int_equal(xg_sim_start_paused(&sim, venue, args), XG_OK);
    unlink(path);

    xg__plugins plugins;
    const xg__plugin *p = NULL;
    char err[512];
    xg__plugins_init(&plugins);
    if (xg__plugins_load_venue(&plugins, XG_ADAPTER_DIR, venue, &p, err,
                               sizeof err) != XG_OK) {
        fail_msg("%s", err);
    }
    assert_int_equal(p->api->caps.account_id, 1);

    char one_a[XG_ACCOUNT_MAX], one_b[XG_ACCOUNT_MAX], two_a[XG_ACCOUNT_MAX];
    ask_account(&sim, p, venue, "one-a", one_a);
    ask_account(&sim, p, venue, "one-b", one_b);
    ask_account(&sim, p, venue, "two-a", two_a);
    printf("%s: one-a %s, one-b %s, two-a %s\n", venue, one_a, one_b, two_a);
    assert_true(one_a[0] != '\0');
    assert_string_equal(one_a, one_b);
    assert_string_not_equal(one_a, two_a);

    xg__plugins_fini(&plugins);
    xg_sim_stop(&sim);
}

static void
test_binance_keys_of_one_account_name_it(void **state)
{
    (void)state;
    check_venue("binance");
}

static void
test_bybit_keys_of_one_account_name_it(void **state)
{
    (void)state;
    check_venue("bybit");
}

static void
test_okx_keys_of_one_account_name_it(void **state)
{
    (void)state;
    check_venue("okx");
}

static void
test_kucoin_keys_of_one_account_name_it(void **state)
{
    (void)state;
    check_venue("kucoin");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_binance_keys_of_one_account_name_it),
        cmocka_unit_test(test_bybit_keys_of_one_account_name_it),
        cmocka_unit_test(test_okx_keys_of_one_account_name_it),
        cmocka_unit_test(test_kucoin_keys_of_one_account_name_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
