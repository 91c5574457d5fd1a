/*
 * test_config.c - the configuration file: every field checked, every
 * refusal one line naming the file and the field, credentials only from
 * the environment or a private file and never echoed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"

static xg__config cfg;
static char err[512];

static xg_err
parse(const char *json)
{
    err[0] = '\0';
    return xg__config_parse(&cfg, json, strlen(json), "test.json", err,
                            sizeof err);
}

/* Refused with XG_ERR_CONFIG and one line naming file and field. */
static void
assert_refused(const char *json, const char *field)
{
    assert_int_equal(parse(json), XG_ERR_CONFIG);
    assert_non_null(strstr(err, "test.json: "));
    assert_non_null(strstr(err, field));
    assert_null(strchr(err, '\n'));
}

#define VENUE(body)                                                            \
    "{\"venues\": {\"binance\": {\"credentials\": {\"api_key_env\": "         \
    "\"XG_T_KEY\", \"secret_env\": \"XG_T_SECRET\"}" body "}}}"

static int
setup(void **state)
{
    (void)state;
    setenv("XG_T_KEY", "key-value-123", 1);
    setenv("XG_T_SECRET", "very-secret-value", 1);
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    xg__config_fini(&cfg);
    return 0;
}

static void
test_minimal_config_gets_documented_defaults(void **state)
{
    (void)state;
    assert_int_equal(parse(VENUE("")), XG_OK);
    assert_string_equal(cfg.request_endpoint, "tcp://127.0.0.1:5555");
    assert_string_equal(cfg.event_endpoint, "tcp://127.0.0.1:5556");
    assert_string_equal(cfg.journal, "normal");
    assert_int_equal(cfg.n_venues, 1);
    assert_int_equal(cfg.venues[0].max_connections, 4);
    assert_int_equal(cfg.venues[0].clock_guard_ms, 20);
    assert_int_equal(cfg.venues[0].reconcile_share_pct, 50);
    assert_int_equal(cfg.journal_retention_s, 604800);
    assert_string_equal(xg__secret_bytes(&cfg.venues[0].secret),
                        "very-secret-value");
}

static void
test_unknown_keys_are_refused_not_ignored(void **state)
{
    (void)state;
    assert_refused("{\"venus\": {}}", "venus");
    assert_refused(VENUE(", \"timeout_msec\": 5"), "venues.binance.timeout_msec");
}

static void
test_wrong_types_and_ranges_name_the_field(void **state)
{
    (void)state;
    assert_refused(VENUE(", \"timeout_ms\": \"5\""), "venues.binance.timeout_ms");
    assert_refused(VENUE(", \"max_connections\": 0"),
                   "venues.binance.max_connections");
    assert_refused(VENUE(", \"clock_guard_ms\": 999999"),
                   "venues.binance.clock_guard_ms");
    assert_refused("{\"journal\": \"sometimes\", \"venues\": {}}", "journal");
    assert_refused("{\"max_orders\": 1}", "max_orders");
    assert_refused("[1, 2]", "(top)");
    assert_refused("{\"venues\": {\"binance\": ", "line");
}

static void
test_tls_is_off_only_for_a_loopback_simulator(void **state)
{
    (void)state;
    assert_refused(VENUE(", \"base_url\": \"http://api.binance.com\""),
                   "venues.binance.base_url");
    assert_refused(VENUE(", \"base_url\": \"http://10.0.0.1:80\", "
                         "\"simulator\": true"),
                   "venues.binance.base_url");
    assert_int_equal(parse(VENUE(", \"base_url\": \"http://127.0.0.1:9\", "
                                 "\"simulator\": true")),
                     XG_OK);
    assert_true(cfg.venues[0].is_simulator);
}

static void
test_missing_credentials_name_the_variable_never_a_value(void **state)
{
    (void)state;
    unsetenv("XG_T_SECRET");
    assert_refused(VENUE(""), "venues.binance.credentials.secret_env");
    assert_non_null(strstr(err, "XG_T_SECRET"));
    setenv("XG_T_SECRET", "very-secret-value", 1);
    assert_refused("{\"venues\": {\"binance\": {}}}",
                   "venues.binance.credentials");
    assert_null(strstr(err, "very-secret-value"));
}

static void
test_credentials_file_must_be_private(void **state)
{
    (void)state;
    char path[] = "/tmp/xgate-cred-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char body[] = "{\"api_key\": \"k1\", \"secret\": \"s3cr3t-file\"}";
    assert_int_equal(write(fd, body, sizeof body - 1), (ssize_t)(sizeof body - 1));
    close(fd);
    char json[512];
    snprintf(json, sizeof json,
             "{\"venues\": {\"binance\": {\"credentials\": {\"file\": \"%s\"}}}}",
             path);
    chmod(path, 0644);
    assert_refused(json, "venues.binance.credentials");
    assert_non_null(strstr(err, "chmod 600"));
    assert_null(strstr(err, "s3cr3t-file"));
    chmod(path, 0600);
    assert_int_equal(parse(json), XG_OK);
    assert_string_equal(xg__secret_bytes(&cfg.venues[0].secret), "s3cr3t-file");
    unlink(path);
}

#define SHARED(body)                                                           \
    "{\"venues\": {\"binance\": {\"account\": \"acct-1\", "                    \
    "\"credentials\": {\"api_key_env\": \"XG_T_KEY\", \"secret_env\": "        \
    "\"XG_T_SECRET\"}}}, \"shared_limits\": {" body "}}"

static void
test_shared_limits_defaults_and_labels(void **state)
{
    (void)state;
    assert_int_equal(parse(VENUE("")), XG_OK);
    assert_false(cfg.share.is_on);
    xg__config_fini(&cfg);
    assert_int_equal(parse(SHARED("\"redis\": \"redis://127.0.0.1:6380/2\", "
                                  "\"egress\": \"nat-a\", \"gateway\": "
                                  "\"gw-1\", \"expected_gateways\": 3")),
                     XG_OK);
    assert_true(cfg.share.is_on);
    assert_string_equal(cfg.share.host, "127.0.0.1");
    assert_int_equal(cfg.share.port, 6380);
    assert_int_equal(cfg.share.db, 2);
    assert_string_equal(cfg.share.egress, "nat-a");
    assert_string_equal(cfg.share.gateway, "gw-1");
    assert_string_equal(cfg.share.key_prefix, "xg");
    /* An even split of every limit while Redis is away. */
    assert_int_equal(cfg.share.fallback_share_pct, 33);
    assert_string_equal(cfg.venues[0].account, "acct-1");
    assert_null(xg__secret_bytes(&cfg.share.password));
    assert_false(cfg.share.is_tls);
    xg__config_fini(&cfg);
    assert_int_equal(parse(SHARED("\"redis\": \"rediss://redis.lan:6380\", "
                                  "\"tls_ca_file\": \"/etc/xgate/ca.pem\", "
                                  "\"egress\": \"a\", \"gateway\": \"g\"")),
                     XG_OK);
    assert_true(cfg.share.is_tls);
    assert_string_equal(cfg.share.host, "redis.lan");
    assert_string_equal(cfg.share.tls_ca_file, "/etc/xgate/ca.pem");
}

static void
test_shared_limits_refusals_name_the_field(void **state)
{
    (void)state;
    assert_refused(SHARED("\"egress\": \"a\", \"gateway\": \"g\""),
                   "shared_limits.redis");
    assert_refused(SHARED("\"redis\": \"127.0.0.1:6379\", \"egress\": \"a\", "
                          "\"gateway\": \"g\""),
                   "shared_limits.redis");
    assert_refused(SHARED("\"redis\": \"redis://u:pw@127.0.0.1:6379\", "
                          "\"egress\": \"a\", \"gateway\": \"g\""),
                   "shared_limits.redis");
    assert_null(strstr(err, "pw@"));
    assert_refused(SHARED("\"redis\": \"http://127.0.0.1:6379\", "
                          "\"egress\": \"a\", \"gateway\": \"g\""),
                   "shared_limits.redis");
    /* A CA file is for TLS only. */
    assert_refused(SHARED("\"redis\": \"redis://127.0.0.1:6379\", "
                          "\"egress\": \"a\", \"gateway\": \"g\", "
                          "\"tls_ca_file\": \"/etc/ssl/ca.pem\""),
                   "shared_limits.tls_ca_file");
    assert_refused(SHARED("\"redis\": \"redis://127.0.0.1:99999\", "
                          "\"egress\": \"a\", \"gateway\": \"g\""),
                   "shared_limits.redis");
    assert_refused(SHARED("\"redis\": \"redis://127.0.0.1:6379\", "
                          "\"gateway\": \"g\""),
                   "shared_limits.egress");
    assert_refused(SHARED("\"redis\": \"redis://127.0.0.1:6379\", "
                          "\"egress\": \"a b\", \"gateway\": \"g\""),
                   "shared_limits.egress");
    assert_refused(SHARED("\"redis\": \"redis://127.0.0.1:6379\", "
                          "\"egress\": \"a\", \"gateway\": \"g\", "
                          "\"expected_gateways\": 4, "
                          "\"fallback_share_pct\": 30"),
                   "shared_limits.fallback_share_pct");
    assert_refused(SHARED("\"redis\": \"redis://127.0.0.1:6379\", "
                          "\"egress\": \"a\", \"gateway\": \"g\", "
                          "\"password_env\": \"XG_T_NO_SUCH_VAR\""),
                   "shared_limits.password_env");
    assert_refused(SHARED("\"redis\": \"redis://127.0.0.1:6379\", "
                          "\"egress\": \"a\", \"gateway\": \"g\", "
                          "\"colour\": 1"),
                   "shared_limits.colour");
}

static void
test_shared_limits_password_file_must_be_private(void **state)
{
    (void)state;
    char path[] = "/tmp/xgate-redis-pw-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char body[] = "redis-s3cret\n";
    assert_int_equal(write(fd, body, sizeof body - 1),
                     (ssize_t)(sizeof body - 1));
    close(fd);
    char json[1024];
    snprintf(json, sizeof json,
             SHARED("\"redis\": \"redis://127.0.0.1:6379\", \"egress\": "
                    "\"a\", \"gateway\": \"g\", \"password_file\": \"%s\""),
             path);
    chmod(path, 0644);
    assert_refused(json, "shared_limits.password_file");
    assert_null(strstr(err, "s3cret"));
    chmod(path, 0600);
    assert_int_equal(parse(json), XG_OK);
    /* The file's final newline is not part of it. */
    assert_string_equal(xg__secret_bytes(&cfg.share.password), "redis-s3cret");
    unlink(path);
}

static void
test_routes_must_name_configured_venues(void **state)
{
    (void)state;
    const char *json =
        "{\"venues\": {\"binance\": {\"credentials\": {\"api_key_env\": "
        "\"XG_T_KEY\", \"secret_env\": \"XG_T_SECRET\"}}},"
        " \"routes\": {\"BTC/USDT\": [\"okx\"]}}";
    assert_refused(json, "routes.BTC/USDT");
    json = "{\"venues\": {\"binance\": {\"credentials\": {\"api_key_env\": "
           "\"XG_T_KEY\", \"secret_env\": \"XG_T_SECRET\"}}},"
           " \"routes\": {\"BTC/USDT\": [\"binance\"], \"*\": [\"binance\"]}}";
    assert_int_equal(parse(json), XG_OK);
    assert_non_null(xg__config_route(&cfg, "BTC/USDT"));
    assert_string_equal(xg__config_route(&cfg, "ETH/USDT")->symbol, "*");
}

static void
test_reconcile_share_is_a_percentage(void **state)
{
    (void)state;
    assert_refused(VENUE(", \"reconcile_share_pct\": 0"),
                   "venues.binance.reconcile_share_pct");
    assert_refused(VENUE(", \"reconcile_share_pct\": 101"),
                   "venues.binance.reconcile_share_pct");
    assert_refused(VENUE(", \"reconcile_share_pct\": 50.5"),
                   "venues.binance.reconcile_share_pct");
    assert_refused(VENUE(", \"reconcile_share_pct\": \"50\""),
                   "venues.binance.reconcile_share_pct");
    assert_int_equal(parse(VENUE(", \"reconcile_share_pct\": 1")), XG_OK);
    assert_int_equal(cfg.venues[0].reconcile_share_pct, 1);
    xg__config_fini(&cfg);
    assert_int_equal(parse(VENUE(", \"reconcile_share_pct\": 100")), XG_OK);
    assert_int_equal(cfg.venues[0].reconcile_share_pct, 100);
}

#define RETAIN(value)                                                          \
    "{\"journal_retention_s\": " value ", \"venues\": {\"binance\": "          \
    "{\"credentials\": {\"api_key_env\": \"XG_T_KEY\", \"secret_env\": "       \
    "\"XG_T_SECRET\"}}}}"

static void
test_journal_retention_zero_keeps_forever_negative_refused(void **state)
{
    (void)state;
    assert_refused(RETAIN("-1"), "journal_retention_s");
    assert_refused(RETAIN("\"7d\""), "journal_retention_s");
    assert_refused(RETAIN("99999999999999"), "journal_retention_s");
    assert_int_equal(parse(RETAIN("0")), XG_OK);
    assert_int_equal(cfg.journal_retention_s, 0);
    xg__config_fini(&cfg);
    assert_int_equal(parse(RETAIN("3600")), XG_OK);
    assert_int_equal(cfg.journal_retention_s, 3600);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_minimal_config_gets_documented_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_unknown_keys_are_refused_not_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_wrong_types_and_ranges_name_the_field, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_tls_is_off_only_for_a_loopback_simulator, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_missing_credentials_name_the_variable_never_a_value, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_credentials_file_must_be_private,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_routes_must_name_configured_venues,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_reconcile_share_is_a_percentage,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_journal_retention_zero_keeps_forever_negative_refused, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_shared_limits_defaults_and_labels,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_shared_limits_refusals_name_the_field, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_shared_limits_password_file_must_be_private, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
