/*
 * test_shared_limits.c - several gateways, one budget (docs/farm.md): a
 * real redis-server, one xgsim and three xgated processes with their own
 * journals on one egress, judged by the simulator's own request log.
 *
 *  - A flood from every strategy: the venue answers no request "too many"
 *    and the farm uses at least 97 % of the allowance (90 % in the ASan
 *    build, whose gateways run some 3x slower); the same flood with
 *    sharing off is refused (the difference is what sharing buys).
 *  - Redis killed in the middle of the flood and started again empty:
 *    still no refusal, every order placed once; Redis stalled (SIGSTOP)
 *    and resumed: every gateway says it fell back and came back, and
 *    still no refusal.
 *  - A ban one gateway meets: the others send nothing to the venue until
 *    it ends and move their orders; one started during it sends nothing
 *    either.
 *  - Redis over TLS (rediss://): shared with the CA that signed Redis's
 *    certificate, never with another.
 *  - Each gateway with its own key of one account, no account named in
 *    their configurations: each learns the account from the venue, and
 *    the flood is never refused; the same keys under names of their own
 *    are refused (what learning the account buys).
 *
 * Binance's ORDERS limit (100 per 10 s, per account) is the one the flood
 * meets, its window shortened to 1 s: the real size, scaled down in time.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "gw_launch.h"
#include "redis_launch.h"
#include "sanitizer.h"
#include "sim_launch.h"
#include "test_cert.h"

#define N_GW       3
#define ORDERS_MAX 100 /* the simulator's ORDERS limit a window */
#define WINDOW_MS  1000
#define WAIT_MS    30000

static xg_sim_proc sim;
static xg_redis_proc redis;
static xg_gw_proc gws[N_GW + 1];
static xg_client clients[N_GW + 1];
static char log_buf[16 << 20];

/* The simulator, its Binance account's window shortened; with OKX as
 * well when with_okx; with the accounts of accounts_file when not NULL. */
static void
start_sim_with(int with_okx, const char *accounts_file)
{
    const char *args[16];
    size_t n = 0;
    if (with_okx) {
        args[n++] = "--venue";
        args[n++] = "okx=127.0.0.1:0";
    }
    if (accounts_file != NULL) {
        args[n++] = "--accounts";
        args[n++] = accounts_file;
    }
    args[n++] = "--set";
    args[n++] = "binance.orders_window_s=1";
    args[n++] = "--set";
    args[n++] = "binance.ban_after_violations=1000000";
    args[n] = NULL;
    assert_int_equal(xg_sim_start_paused(&sim, "binance", args), XG_OK);
}

static void
start_sim(int with_okx)
{
    start_sim_with(with_okx, NULL);
}

/* Gateway i on the simulator's venues, sharing through redis when
 * is_shared, with extra_venue in each venue's object ("" for none). */
static void
start_gateway_with(size_t i, int is_shared, int with_okx,
                   const char *extra_venue)
{
    const char *venues[] = {"binance", "okx"};
    int ports[] = {xg_sim_port(&sim, "binance"), xg_sim_port(&sim, "okx")};
    char root[512] = "\"journal\": \"normal\",";
    if (is_shared) {
        snprintf(root, sizeof root,
                 "\"shared_limits\": {\"redis\": \"redis://127.0.0.1:%d\", "
                 "\"egress\": \"test-lo\", \"gateway\": \"gw-%zu\", "
                 "\"expected_gateways\": %d, \"timeout_ms\": 200},"
                 "\"routes\": {\"*\": [\"binance\"%s]},",
                 redis.port, i, N_GW, with_okx ? ", \"okx\"" : "");
    } else if (with_okx) {
        snprintf(root, sizeof root,
                 "\"routes\": {\"*\": [\"binance\", \"okx\"]},");
    }
    assert_int_equal(xg_gw_start_sim_with(&gws[i], venues, ports,
                                          with_okx ? 2 : 1, extra_venue, root),
                     XG_OK);
    assert_int_equal(xg_client_open(&clients[i], &gws[i], ""), XG_OK);
}

static void
start_gateway(size_t i, int is_shared, int with_okx)
{
    start_gateway_with(i, is_shared, with_okx, "");
}

/* Redis (when shared), the simulator and N_GW gateways. */
static void
start_farm(int is_shared, int with_okx)
{
    if (is_shared) {
        assert_int_equal(xg_redis_start(&redis), XG_OK);
    }
    start_sim(with_okx);
    for (size_t g = 0; g < N_GW; g++) {
        start_gateway(g, is_shared, with_okx);
    }
}

static int
teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_GW + 1; i++) {
        xg_client_close(&clients[i]);
        if (gws[i].pid > 0) {
            xg_gw_stop(&gws[i]);
        }
        memset(&clients[i], 0, sizeof clients[i]);
    }
    xg_sim_stop(&sim);
    if (redis.pid > 0) {
        xg_redis_stop(&redis);
    }
    return 0;
}

/* Send one IOC buy far below the market (it expires: the venue counts it
 * and nothing rests) without waiting for the reply. */
static void
send_ioc(xg_client *c, const char *id)
{
    char msg[512];
    snprintf(msg, sizeof msg,
             "{\"type\":\"new_order\",\"strategy\":\"s\","
             "\"client_order_id\":\"%s\",\"symbol\":\"BTC/USDT\","
             "\"side\":\"BUY\",\"order_type\":\"LIMIT\",\"tif\":\"IOC\","
             "\"qty\":\"0.01\",\"price\":\"1000\"}",
             id);
    assert_int_equal(xg_client_send(c, msg), 0);
}

/* The simulator's log of venue as parsed lines (given: json_decref). */
static json_t *
read_log(const char *venue)
{
    assert_int_equal(xg_sim_log_fetch(&sim, venue, 0, log_buf, sizeof log_buf),
                     XG_OK);
    json_t *lines = json_array();
    for (char *p = log_buf; *p != '\0';) {
        char *nl = strchr(p, '\n');
        size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
        json_t *e = json_loadb(p, len, 0, NULL);
        if (e != NULL) {
            json_array_append_new(lines, e);
        }
        p += len + (nl != NULL);
    }
    return lines;
}

static int
count_outcome(json_t *lines, const char *outcome)
{
    int n = 0;
    size_t i;
    json_t *e;
    json_array_foreach(lines, i, e)
    {
        const char *o = json_string_value(json_object_get(e, "outcome"));
        n += o != NULL && strcmp(o, outcome) == 0;
    }
    return n;
}

/* Entries of orders placed (an IOC that reached the book and expired). */
static int
count_placed(json_t *lines)
{
    return count_outcome(lines, "expired") + count_outcome(lines, "placed");
}

/* Wait until the venue has placed `want` orders, or WAIT_MS passed. */
static json_t *
wait_placed(int want)
{
    int64_t end = xg_test_now_ms() + WAIT_MS;
    for (;;) {
        json_t *lines = read_log("binance");
        if (count_placed(lines) >= want || xg_test_now_ms() > end) {
            return lines;
        }
        json_decref(lines);
        xg_test_sleep_ms(100);
    }
}

/* Every strategy sends n orders at once; their replies are read. */
static void
flood(size_t n_gw, int n, const char *tag)
{
    char id[64];
    for (int k = 0; k < n; k++) {
        for (size_t g = 0; g < n_gw; g++) {
            snprintf(id, sizeof id, "%sg%zuk%d", tag, g, k);
            send_ioc(&clients[g], id);
        }
    }
}

/* Of the windows wholly inside the flood (first and last left out), the
 * share of ORDERS_MAX the venue placed, and the most any window took. */
static double
allowance_used(json_t *lines, int *max_in_window)
{
    int64_t first = -1, last = -1;
    size_t i;
    json_t *e;
    json_array_foreach(lines, i, e)
    {
        const char *o = json_string_value(json_object_get(e, "outcome"));
        if (o == NULL || strcmp(o, "expired") != 0) {
            continue;
        }
        int64_t w = json_integer_value(json_object_get(e, "t_ms")) / WINDOW_MS;
        first = first < 0 || w < first ? w : first;
        last = w > last ? w : last;
    }
    *max_in_window = 0;
    if (last - first < 2) {
        return 0;
    }
    int64_t n_windows = last - first + 1;
    int *per = calloc((size_t)n_windows, sizeof *per);
    json_array_foreach(lines, i, e)
    {
        const char *o = json_string_value(json_object_get(e, "outcome"));
        if (o != NULL && strcmp(o, "expired") == 0) {
            per[json_integer_value(json_object_get(e, "t_ms")) / WINDOW_MS -
                first]++;
        }
    }
    long used = 0;
    for (int64_t w = 0; w < n_windows; w++) {
        *max_in_window = per[w] > *max_in_window ? per[w] : *max_in_window;
        if (w > 0 && w < n_windows - 1) {
            used += per[w];
        }
    }
    free(per);
    return (double)used / (double)((n_windows - 2) * ORDERS_MAX);
}

/* Every order of the flood placed once: no venue client id twice in
 * the log, and each strategy told one final event per order it sent. */
static void
assert_each_once(json_t *lines, size_t n_gw, int n, const char *tag)
{
    json_t *ids = json_object();
    size_t i;
    json_t *e;
    json_array_foreach(lines, i, e)
    {
        const char *o = json_string_value(json_object_get(e, "outcome"));
        const char *id =
            json_string_value(json_object_get(e, "client_order_id"));
        if (o != NULL && strcmp(o, "expired") == 0 && id != NULL) {
            assert_null(json_object_get(ids, id));
            json_object_set_new(ids, id, json_true());
        }
    }
    json_decref(ids);
    char *seen = calloc((size_t)n, 1);
    for (size_t g = 0; g < n_gw; g++) {
        memset(seen, 0, (size_t)n);
        int finals = 0;
        int64_t end = xg_test_now_ms() + WAIT_MS;
        while (finals < n && xg_test_now_ms() < end) {
            json_t *ev = xg_client_event(&clients[g], 1000, NULL, 0);
            const char *name = json_string_value(json_object_get(ev, "event"));
            const char *id = json_string_value(json_object_get(
                json_object_get(ev, "order"), "client_order_id"));
            char want[32];
            snprintf(want, sizeof want, "%sg%zuk", tag, g);
            if (name != NULL && id != NULL &&
                strncmp(id, want, strlen(want)) == 0 &&
                (strcmp(name, "expired") == 0 ||
                 strcmp(name, "rejected") == 0 || strcmp(name, "filled") == 0 ||
                 strcmp(name, "canceled") == 0)) {
                int k = (int)strtol(id + strlen(want), NULL, 10);
                assert_string_equal(name, "expired");
                assert_true(k >= 0 && k < n);
                assert_int_equal(seen[k], 0);
                seen[k] = 1;
                finals++;
            }
            json_decref(ev);
        }
        assert_int_equal(finals, n);
    }
    free(seen);
}

/* Once the venue has placed every order of the flood (want): none was
 * answered "too many" or "banned", and each was placed once. Given
 * lines back. */
static json_t *
assert_never_refused(const char *what, int n, const char *tag)
{
    json_t *lines = wait_placed(N_GW * n);
    printf("%s: %d placed, %d limited, %d banned\n", what, count_placed(lines),
           count_outcome(lines, "limited"), count_outcome(lines, "banned"));
    assert_int_equal(count_outcome(lines, "limited"), 0);
    assert_int_equal(count_outcome(lines, "banned"), 0);
    assert_int_equal(count_placed(lines), N_GW * n);
    assert_each_once(lines, N_GW, n, tag);
    return lines;
}

static void
test_flood_shared_is_never_refused_and_uses_the_allowance(void **state)
{
    (void)state;
    start_farm(1, 0);
    const int n = 250;
    flood(N_GW, n, "sh");

    json_t *lines = wait_placed(N_GW * n);
    int max_in_window = 0;
    double used = allowance_used(lines, &max_in_window);
    printf("shared: %d placed, %d limited, %d banned, allowance used %.1f %%, "
           "busiest window %d of %d\n",
           count_placed(lines), count_outcome(lines, "limited"),
           count_outcome(lines, "banned"), used * 100, max_in_window,
           ORDERS_MAX);
    assert_int_equal(count_outcome(lines, "limited"), 0);
    assert_int_equal(count_outcome(lines, "banned"), 0);
    assert_int_equal(count_placed(lines), N_GW * n);
    /* Three ASan gateways on two cores cannot always keep every window
     * full; that they never overdraw one holds either way. */
    assert_true(used >= (XG_TEST_HAS_ASAN ? 0.90 : 0.97));
    assert_each_once(lines, N_GW, n, "sh");
    json_decref(lines);
}

static void
test_flood_unshared_is_refused(void **state)
{
    (void)state;
    start_farm(0, 0);
    const int n = 150;
    flood(N_GW, n, "un");
    json_t *lines = wait_placed(N_GW * n);
    int max_in_window = 0;
    double used = allowance_used(lines, &max_in_window);
    int refused =
        count_outcome(lines, "limited") + count_outcome(lines, "banned");
    printf("unshared: %d placed, %d limited, %d banned, allowance used "
           "%.1f %%\n",
           count_placed(lines), count_outcome(lines, "limited"),
           count_outcome(lines, "banned"), used * 100);
    /* Each gateway spends the whole window on its own. */
    assert_true(refused > 0);
    json_decref(lines);
}

static void
test_redis_killed_and_restarted_empty_mid_flood(void **state)
{
    (void)state;
    start_farm(1, 0);
    const int n = 300;
    flood(N_GW, n, "rk");
    xg_test_sleep_ms(2500);
    assert_int_equal(xg_redis_kill(&redis), XG_OK);
    xg_test_sleep_ms(2000);
    assert_int_equal(xg_redis_restart(&redis), XG_OK);
    json_decref(assert_never_refused("redis restarted", n, "rk"));
}

/* The next venue event of client c saying limits are `limits` (NULL
 * after WAIT_MS); other events are skipped. Given. */
static json_t *
wait_limits(xg_client *c, const char *limits)
{
    int64_t end = xg_test_now_ms() + WAIT_MS;
    while (xg_test_now_ms() < end) {
        json_t *ev = xg_client_event(c, 1000, NULL, 0);
        const char *type = json_string_value(json_object_get(ev, "type"));
        const char *got = json_string_value(
            json_object_get(json_object_get(ev, "venue"), "limits"));
        if (type != NULL && strcmp(type, "venue") == 0 && got != NULL &&
            strcmp(got, limits) == 0) {
            return ev;
        }
        json_decref(ev);
    }
    return NULL;
}

static void
test_redis_stalled_mid_flood(void **state)
{
    (void)state;
    start_farm(1, 0);
    /* Venue events on their own subscriptions, so waiting for them
     * takes no order event from the strategies. */
    xg_client watch[N_GW];
    for (size_t g = 0; g < N_GW; g++) {
        assert_int_equal(xg_client_open(&watch[g], &gws[g], "venue"), XG_OK);
    }
    const int n = 300;
    flood(N_GW, n, "st");
    xg_test_sleep_ms(1500);
    /* Redis stops answering without closing anything. */
    assert_int_equal(kill(redis.pid, SIGSTOP), 0);
    for (size_t g = 0; g < N_GW; g++) {
        json_t *ev = wait_limits(&watch[g], "fallback");
        assert_non_null(ev);
        const char *why = json_string_value(
            json_object_get(json_object_get(ev, "venue"), "limits_reason"));
        assert_non_null(strstr(why, "Redis"));
        json_decref(ev);
    }
    xg_test_sleep_ms(1500);
    assert_int_equal(kill(redis.pid, SIGCONT), 0);
    for (size_t g = 0; g < N_GW; g++) {
        json_t *ev = wait_limits(&watch[g], "shared");
        assert_non_null(ev);
        json_decref(ev);
    }
    for (size_t g = 0; g < N_GW; g++) {
        xg_client_close(&watch[g]);
    }
    json_decref(assert_never_refused("redis stalled", n, "st"));
}

/* Binance's "limits" in gateway g's venue_status, polled until it is
 * `want` (1) or WAIT_MS passed (0); its reason into why. */
static int
poll_limits(size_t g, const char *want, char *why, size_t cap)
{
    int64_t end = xg_test_now_ms() + WAIT_MS;
    while (xg_test_now_ms() < end) {
        json_t *r =
            xg_client_call(&clients[g], "{\"type\":\"venue_status\"}", 5000);
        json_t *v = json_array_get(json_object_get(r, "venues"), 0);
        const char *got = json_string_value(json_object_get(v, "limits"));
        const char *reason =
            json_string_value(json_object_get(v, "limits_reason"));
        snprintf(why, cap, "%s", reason != NULL ? reason : "");
        int is_there = got != NULL && strcmp(got, want) == 0;
        json_decref(r);
        if (is_there) {
            return 1;
        }
        xg_test_sleep_ms(100);
    }
    return 0;
}

/* Start gateway 0 sharing through a TLS-only Redis that trusts ca_file. */
static void
start_tls_gateway(const char *ca_file)
{
    const char *venues[] = {"binance"};
    int ports[] = {xg_sim_port(&sim, "binance")};
    char root[1024];
    snprintf(root, sizeof root,
             "\"shared_limits\": {\"redis\": \"rediss://127.0.0.1:%d\", "
             "\"tls_ca_file\": \"%s\", \"egress\": \"test-lo\", "
             "\"gateway\": \"gw-tls\", \"expected_gateways\": 1},",
             redis.tls_port, ca_file);
    assert_int_equal(xg_gw_start_sim_with(&gws[0], venues, ports, 1, "", root),
                     XG_OK);
    assert_int_equal(xg_client_open(&clients[0], &gws[0], ""), XG_OK);
}

static void
test_shared_over_tls(void **state)
{
    (void)state;
    EVP_PKEY *key = NULL;
    X509 *cert = NULL;
    char cert_file[64], key_file[64], other_ca[64];
    assert_int_equal(xg_test_make_cert(&key, &cert), XG_OK);
    assert_int_equal(xg_test_write_cert(cert, cert_file, sizeof cert_file),
                     XG_OK);
    assert_int_equal(xg_test_write_key(key, key_file, sizeof key_file), XG_OK);
    X509_free(cert);
    EVP_PKEY_free(key);
    assert_int_equal(xg_test_make_cert(&key, &cert), XG_OK);
    assert_int_equal(xg_test_write_cert(cert, other_ca, sizeof other_ca),
                     XG_OK);
    X509_free(cert);
    EVP_PKEY_free(key);
    assert_int_equal(xg_redis_start_tls(&redis, cert_file, key_file), XG_OK);
    start_sim(0);

    /* A CA that did not sign Redis's certificate: the gateway falls back
     * and says why. */
    start_tls_gateway(other_ca);
    char why[256];
    assert_true(poll_limits(0, "fallback", why, sizeof why));
    printf("tls, wrong CA: %s\n", why);
    assert_non_null(strstr(why, "certificate"));
    xg_client_close(&clients[0]);
    memset(&clients[0], 0, sizeof clients[0]);
    xg_gw_stop(&gws[0]);

    /* The right one: shared, and orders go. */
    start_tls_gateway(cert_file);
    assert_true(poll_limits(0, "shared", why, sizeof why));
    for (int k = 0; k < 5; k++) {
        char id[16];
        snprintf(id, sizeof id, "tlsk%d", k);
        send_ioc(&clients[0], id);
    }
    json_t *lines = wait_placed(5);
    assert_int_equal(count_placed(lines), 5);
    json_decref(lines);
    unlink(cert_file);
    unlink(key_file);
    unlink(other_ca);
}

/* An order of strategy client c, placed and acked on the venue named. */
static void
place_on(xg_client *c, const char *id, const char *venue)
{
    char msg[512];
    snprintf(msg, sizeof msg,
             "{\"type\":\"new_order\",\"strategy\":\"s\","
             "\"client_order_id\":\"%s\",\"symbol\":\"BTC/USDT\","
             "\"side\":\"BUY\",\"order_type\":\"LIMIT\",\"tif\":\"GTC\","
             "\"qty\":\"0.01\",\"price\":\"1000\"}",
             id);
    json_t *r = xg_client_call(c, msg, WAIT_MS);
    assert_non_null(r);
    json_decref(r);
    json_t *ev = xg_client_wait_order_event(c, id, "acked", WAIT_MS);
    assert_non_null(ev);
    const char *on = json_string_value(
        json_object_get(json_object_get(ev, "order"), "venue"));
    assert_non_null(on);
    assert_string_equal(on, venue);
    json_decref(ev);
}

static void
test_a_ban_one_gateway_meets_stops_them_all(void **state)
{
    (void)state;
    start_farm(1, 1);
    /* Every gateway has placed on Binance: the venue is up for all. */
    for (size_t g = 0; g < N_GW; g++) {
        char id[32];
        snprintf(id, sizeof id, "before%zu", g);
        place_on(&clients[g], id, "binance");
    }
    json_t *lines = read_log("binance");
    size_t before = json_array_size(lines);
    json_decref(lines);
    char out[256];
    assert_int_equal(xg_sim_admin(&sim, "binance", "POST", "/_sim/ban",
                                  "{\"duration_ms\": 4000}", out, sizeof out),
                     XG_OK);
    /* Gateway 0 meets the ban with its next order, which moves to OKX. */
    place_on(&clients[0], "meetsban", "okx");
    for (size_t g = 1; g < N_GW; g++) {
        json_t *ev =
            xg_client_wait_venue_state(&clients[g], "binance", "BANNED", 5000);
        assert_non_null(ev);
        const char *why = json_string_value(
            json_object_get(json_object_get(ev, "venue"), "reason"));
        assert_non_null(strstr(why, "met by gateway gw-0"));
        json_decref(ev);
    }
    /* The others move their orders without asking Binance. */
    place_on(&clients[1], "after1", "okx");
    place_on(&clients[2], "after2", "okx");
    /* One started during the ban learns it before sending anything. */
    start_gateway(N_GW, 1, 1);
    place_on(&clients[N_GW], "late", "okx");
    lines = read_log("binance");
    size_t during = json_array_size(lines) - before;
    json_t *e = json_array_get(lines, before);
    printf("ban: %zu Binance requests after it began (%s)\n", during,
           json_string_value(json_object_get(e, "outcome")));
    /* Only the one request that met it. */
    assert_int_equal(during, 1);
    assert_string_equal(json_string_value(json_object_get(e, "outcome")),
                        "banned");
    json_decref(lines);
}

/* The simulator's Binance account with one key per gateway
 * (farm-key-0 ...), all signed with the test secret, in a file of its
 * own; its path into path. */
static void
write_keys_file(char *path, size_t cap)
{
    snprintf(path, cap, "/tmp/xg-keys-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fprintf(f, "[{\"venue\": \"binance\", \"api_key\": \"farm-key-0\", "
               "\"secret\": \"xgsim-test-secret\", "
               "\"balances\": {\"USDT\": \"100000\", \"BTC\": \"5\"}, "
               "\"more_keys\": [");
    for (size_t g = 1; g < N_GW; g++) {
        fprintf(f,
                "%s{\"api_key\": \"farm-key-%zu\", "
                "\"secret\": \"xgsim-test-secret\"}",
                g > 1 ? ", " : "", g);
    }
    fprintf(f, "]}]\n");
    assert_int_equal(fclose(f), 0);
}

/* Redis, the simulator with one account of N_GW keys, and N_GW sharing
 * gateways, gateway g with key farm-key-g; with is_named_apart its venue
 * also names the account desk-g. */
static void
start_keyed_farm(int is_named_apart)
{
    char path[64];
    write_keys_file(path, sizeof path);
    assert_int_equal(xg_redis_start(&redis), XG_OK);
    start_sim_with(0, path);
    unlink(path);
    for (size_t g = 0; g < N_GW; g++) {
        char key[32], extra[128] = "";
        snprintf(key, sizeof key, "farm-key-%zu", g);
        if (is_named_apart) {
            snprintf(extra, sizeof extra, "\"account\": \"desk-%zu\"", g);
        }
        assert_int_equal(setenv("XG_TEST_API_KEY", key, 1), 0);
        start_gateway_with(g, 1, 0, extra);
    }
    assert_int_equal(unsetenv("XG_TEST_API_KEY"), 0);
}

/* The account gateway g's Binance limits are shared under, once the
 * venue has started (polled for WAIT_MS), into out. */
static void
shared_account(size_t g, char *out, size_t cap)
{
    int64_t end = xg_test_now_ms() + WAIT_MS;
    out[0] = '\0';
    while (xg_test_now_ms() < end && out[0] == '\0') {
        json_t *r =
            xg_client_call(&clients[g], "{\"type\":\"venue_status\"}", 5000);
        json_t *v = json_array_get(json_object_get(r, "venues"), 0);
        const char *state = json_string_value(json_object_get(v, "state"));
        const char *account = json_string_value(json_object_get(v, "account"));
        if (state != NULL && strcmp(state, "UP") == 0 && account != NULL) {
            snprintf(out, cap, "%s", account);
        }
        json_decref(r);
        xg_test_sleep_ms(50);
    }
}

static void
test_keys_of_one_account_learn_it_and_share_its_limits(void **state)
{
    (void)state;
    start_keyed_farm(0);
    for (size_t g = 0; g < N_GW; g++) {
        char account[64];
        shared_account(g, account, sizeof account);
        /* The simulator's uid of its first account. */
        assert_string_equal(account, "1");
    }
    const int n = 200;
    flood(N_GW, n, "ak");
    json_decref(assert_never_refused("keys of one account", n, "ak"));
}

static void
test_keys_of_one_account_named_apart_are_refused(void **state)
{
    (void)state;
    start_keyed_farm(1);
    char account[64];
    shared_account(1, account, sizeof account);
    assert_string_equal(account, "desk-1");
    const int n = 150;
    flood(N_GW, n, "an");
    json_t *lines = wait_placed(N_GW * n);
    int limited = count_outcome(lines, "limited");
    printf("keys named apart: %d placed, %d limited\n", count_placed(lines),
           limited);
    /* Each gateway counts the account's orders as its own. */
    assert_true(limited > 0);
    json_decref(lines);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(
            test_flood_shared_is_never_refused_and_uses_the_allowance,
            teardown),
        cmocka_unit_test_teardown(test_flood_unshared_is_refused, teardown),
        cmocka_unit_test_teardown(
            test_redis_killed_and_restarted_empty_mid_flood, teardown),
        cmocka_unit_test_teardown(test_a_ban_one_gateway_meets_stops_them_all,
                                  teardown),
        cmocka_unit_test_teardown(test_redis_stalled_mid_flood, teardown),
        cmocka_unit_test_teardown(test_shared_over_tls, teardown),
        cmocka_unit_test_teardown(
            test_keys_of_one_account_learn_it_and_share_its_limits, teardown),
        cmocka_unit_test_teardown(
            test_keys_of_one_account_named_apart_are_refused, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
