/*
 * test_share_cluster.c - the shared limits on a Redis Cluster (docs/farm.md,
 * "Keys"): three masters, no replicas, started for the whole file.
 *
 * Every key of a farm carries one hash tag, {<prefix>}, so the whole farm
 * lives in one slot of one node and the admission script (core/share.lua)
 * runs there unchanged. The script-level tests say so against the running
 * cluster: a take, a ban and a status on the node owning slot {xg} work;
 * the same call on another node is redirected (MOVED, naming the owner);
 * the same call with keys that share no hash tag is refused (CROSSSLOT),
 * which is what the tag prevents; and a ban published on the owner reaches
 * subscribers on every node, so a gateway hears it whichever node it is
 * connected to.
 *
 * The gateway-level test points xgated at a node that does not own {xg}:
 * the gateway must follow MOVED to the owner, count shared there and place
 * orders. It runs last.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <cmocka.h>
#include <hiredis/hiredis.h>
#include <jansson.h>

#include "gw_launch.h"
#include "redis_check.h"
#include "redis_launch.h"
#include "sim_launch.h"

#define N_NODES 3
#define TAG     "{xg}"
#define GATEWAY "gw-c"
#define CHANNEL "xg:bans:lo"
#define WAIT_MS 10000

/* One farm's keys (prefix xg, venue binance, egress lo, account a1). */
static const char *const farm_keys[] = {"{xg}:binance:ip:lo:meta",
                                        "{xg}:binance:ip:lo:REQUEST_WEIGHT_1M",
                                        "{xg}:binance:acct:a1:ORDERS_10S"};
/* The same keys without the hash tag. */
static const char *const untagged_keys[] = {
    "xg:binance:ip:lo:meta", "xg:binance:ip:lo:REQUEST_WEIGHT_1M",
    "xg:binance:acct:a1:ORDERS_10S"};

static xg_redis_cluster cluster;
static redisContext *nodes[N_NODES]; /* one connection to each node */
static redisContext *owner;          /* nodes[] of the node owning {xg} */
static redisContext *other;          /* nodes[] of one that does not */
static int owner_port;
static int other_port;
static long long tag_slot;
static char sha[41];

static redisContext *subs[N_NODES]; /* subscribers of the ban test */

static xg_sim_proc sim;
static xg_gw_proc gw;
static xg_client client;
static char log_buf[1 << 20];

/* --- talking to the nodes ---------------------------------------------- */

static redisContext *
connect_node(int port)
{
    struct timeval tv = {.tv_sec = 5, .tv_usec = 0};
    redisContext *c = redisConnectWithTimeout("127.0.0.1", port, tv);

    if (c == NULL || c->err != 0 || redisSetTimeout(c, tv) != REDIS_OK) {
        redisFree(c);
        return NULL;
    }
    return c;
}

static long long
keyslot(const char *key)
{
    return xg_redis_reply_int(redisCommand(owner, "CLUSTER KEYSLOT %s", key));
}

/* --- calling the script --------------------------------------------- */

/* Bucket descriptors (share.lua): kind 1 (fixed window), anchor 0
 * (clock), limit, window_ms, guard_ms, amount (the cost) and extra (the
 * reserve kept). Binance's per-IP REQUEST_WEIGHT_1M (6000 a minute) and
 * per-account ORDERS_10S (100 in 10 s), as an order is costed: 1 each. */
static const char *const weight_1m[] = {"1",   "0", "6000", "60000",
                                        "100", "1", "0"};
static const char *const orders_10s[] = {"1",   "0", "100", "10000",
                                         "100", "1", "0"};

/* take of one request on keys {meta, per-IP bucket, per-account bucket}
 * (offset 0, no lease, no hold). Given: freeReplyObject. */
static redisReply *
take(redisContext *c, const char *const keys[3])
{
    const char *head[] = {"EVALSHA", sha,     "3", keys[0], keys[1], keys[2],
                          "take",    GATEWAY, "0", "0",     "0"};
    const char *argv[32];
    size_t argc = 0;
    redisReply *r = NULL;

    for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++) {
        argv[argc++] = head[i];
    }
    for (size_t i = 0; i < 7; i++) {
        argv[argc++] = weight_1m[i];
    }
    for (size_t i = 0; i < 7; i++) {
        argv[argc++] = orders_10s[i];
    }
    r = redisCommandArgv(c, (int)argc, argv, NULL);
    assert_non_null(r);
    return r;
}

/* ban of the farm's egress until until_ms, published on CHANNEL. */
static redisReply *
ban(redisContext *c, long long until_ms, const char *reason)
{
    char until[32];

    snprintf(until, sizeof(until), "%lld", until_ms);
    const char *argv[] = {"EVALSHA", sha,   "1",    farm_keys[0], "ban",
                          GATEWAY,   until, reason, CHANNEL,      "binance"};
    redisReply *r =
        redisCommandArgv(c, (int)(sizeof(argv) / sizeof(argv[0])), argv, NULL);

    assert_non_null(r);
    return r;
}

static redisReply *
status(redisContext *c)
{
    redisReply *r =
        redisCommand(c, "EVALSHA %s 1 %s status", sha, farm_keys[0]);

    assert_non_null(r);
    return r;
}

static void
assert_str_at(const redisReply *r, size_t i, const char *want)
{
    assert_true(i < r->elements);
    assert_int_equal(r->element[i]->type, REDIS_REPLY_STRING);
    assert_string_equal(r->element[i]->str, want);
}

/* r is the error "<kind> ..." (freed here). */
static void
assert_error(redisReply *r, const char *want)
{
    assert_non_null(r);
    if (r->type != REDIS_REPLY_ERROR) {
        fail_msg("expected the error \"%s\", got a reply of type %d", want,
                 r->type);
    }
    if (strcmp(r->str, want) != 0) {
        fail_msg("expected the error \"%s\", got \"%s\"", want, r->str);
    }
    freeReplyObject(r);
}

/* --- setup ---------------------------------------------------------- */

static int
group_teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_NODES; i++) {
        redisFree(nodes[i]);
        nodes[i] = NULL;
    }
    xg_redis_cluster_stop(&cluster);
    return 0;
}

/* cmocka does not run the group teardown when the setup fails. */
static int
group_setup_failed(const char *what)
{
    fprintf(stderr, "group setup: %s\n", what);
    group_teardown(NULL);
    return -1;
}

static int
group_setup(void **state)
{
    redisReply *r = NULL;

    (void)state;
    if (xg_redis_cluster_start(&cluster, N_NODES) != XG_OK) {
        return group_setup_failed("the cluster did not start");
    }
    owner_port = xg_redis_cluster_owner_port(&cluster, TAG);
    other_port = xg_redis_cluster_other_port(&cluster, TAG);
    if (owner_port == 0 || other_port == 0) {
        return group_setup_failed("no owner of {xg}, or no other node");
    }
    for (size_t i = 0; i < N_NODES; i++) {
        nodes[i] = connect_node(cluster.nodes[i].port);
        if (nodes[i] == NULL) {
            return group_setup_failed("cannot connect to a node");
        }
        if (cluster.nodes[i].port == owner_port) {
            owner = nodes[i];
        } else if (cluster.nodes[i].port == other_port) {
            other = nodes[i];
        }
    }
    r = redisCommand(owner, "CLUSTER KEYSLOT %s", TAG);
    if (r == NULL || r->type != REDIS_REPLY_INTEGER) {
        freeReplyObject(r);
        return group_setup_failed("CLUSTER KEYSLOT");
    }
    tag_slot = r->integer;
    freeReplyObject(r);
    /* Loaded on the owner only, as a gateway connected there loads it. */
    if (xg_redis_load_share_script(owner, sha) != 0) {
        return group_setup_failed("SCRIPT LOAD");
    }
    return 0;
}

/* Each test starts from empty nodes (FLUSHALL empties only the node it is
 * sent to). */
static int
empty_nodes(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_NODES; i++) {
        redisReply *r = redisCommand(nodes[i], "FLUSHALL");
        int ok = r != NULL && r->type == REDIS_REPLY_STATUS;
        freeReplyObject(r);
        if (!ok) {
            return -1;
        }
    }
    return 0;
}

/* --- the script on the cluster ---------------------------------------- */

static void
test_every_key_of_a_farm_hashes_to_the_slot_of_its_tag(void **state)
{
    const char *const more[] = {
        "{xg}:okx:acct:a1:PLACE_PER_INST_2S:BTC-USDT",
        "{xg}:bybit:ip:10.0.0.1:IP_5S",
    };

    (void)state;
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(keyslot(farm_keys[i]), tag_slot);
    }
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(keyslot(more[i]), tag_slot);
    }
    /* Without the tag the same names are scattered. */
    assert_true(keyslot(untagged_keys[0]) != keyslot(untagged_keys[1]));
    assert_true(keyslot(untagged_keys[0]) != keyslot(untagged_keys[2]));
}

static void
test_take_on_the_owner_grants_per_ip_and_per_account(void **state)
{
    redisReply *r = NULL;

    (void)state;
    r = take(owner, farm_keys);
    if (r->type == REDIS_REPLY_ERROR) {
        fail_msg("take: %s", r->str);
    }
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_int_equal(r->elements, 5 + 2);
    assert_int_equal(xg_redis_int_at(r, 0), 0); /* taken */
    assert_int_equal(xg_redis_int_at(r, 1), 1); /* this request, no lease */
    assert_str_at(r, 4, GATEWAY ":1");
    freeReplyObject(r);
    assert_int_equal(xg_redis_hget(owner, farm_keys[1], "used"), 1);
    assert_int_equal(xg_redis_hget(owner, farm_keys[2], "used"), 1);
    assert_int_equal(xg_redis_hget(owner, farm_keys[0], "seq"), 1);
}

static void
test_ban_on_the_owner_reaches_subscribers_on_every_node(void **state)
{
    redisReply *r = NULL;
    char text[128];
    long long until = 0;

    (void)state;
    for (size_t i = 0; i < N_NODES; i++) {
        subs[i] = connect_node(cluster.nodes[i].port);
        assert_non_null(subs[i]);
        r = redisCommand(subs[i], "SUBSCRIBE %s", CHANNEL);
        assert_non_null(r);
        assert_int_equal(r->type, REDIS_REPLY_ARRAY);
        freeReplyObject(r);
    }
    until = xg_redis_now_ms(owner) + 60000;
    r = ban(owner, until, "418 teapot");
    if (r->type == REDIS_REPLY_ERROR) {
        fail_msg("ban: %s", r->str);
    }
    assert_int_equal(xg_redis_int_at(r, 0), 1); /* recorded and published */
    freeReplyObject(r);

    /* PUBLISH is cluster-wide: the owner's reaches every node. */
    snprintf(text, sizeof(text), "binance\t%lld\t" GATEWAY "\t418 teapot",
             until);
    for (size_t i = 0; i < N_NODES; i++) {
        void *reply = NULL;
        assert_int_equal(redisGetReply(subs[i], &reply), REDIS_OK);
        r = reply;
        assert_non_null(r);
        assert_int_equal(r->type, REDIS_REPLY_ARRAY);
        assert_int_equal(r->elements, 3);
        assert_str_at(r, 0, "message");
        assert_str_at(r, 1, CHANNEL);
        assert_str_at(r, 2, text);
        freeReplyObject(r);
    }

    r = status(owner);
    if (r->type == REDIS_REPLY_ERROR) {
        fail_msg("status: %s", r->str);
    }
    assert_int_equal(r->elements, 4);
    assert_int_equal(xg_redis_int_at(r, 0), until);
    assert_str_at(r, 1, "418 teapot");
    assert_str_at(r, 2, GATEWAY);
    freeReplyObject(r);
    /* The ban is in the meta every admission of the farm reads. */
    r = take(owner, farm_keys);
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_int_equal(xg_redis_int_at(r, 0), 2);
    assert_int_equal(xg_redis_int_at(r, 1), until);
    freeReplyObject(r);
}

static int
close_subscribers(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_NODES; i++) {
        redisFree(subs[i]);
        subs[i] = NULL;
    }
    return 0;
}

static void
test_a_node_not_owning_the_slot_answers_moved_to_the_owner(void **state)
{
    char moved[64];

    (void)state;
    snprintf(moved, sizeof(moved), "MOVED %lld 127.0.0.1:%d", tag_slot,
             owner_port);
    assert_error(take(other, farm_keys), moved);
    assert_error(status(other), moved);
    assert_error(ban(other, xg_redis_now_ms(other) + 60000, "418"), moved);
    /* The script was never loaded there: the redirection comes before
     * the script is looked up, so a gateway on the wrong node hears MOVED,
     * not NOSCRIPT. */
    redisReply *r = redisCommand(other, "SCRIPT EXISTS %s", sha);
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_int_equal(xg_redis_int_at(r, 0), 0);
    freeReplyObject(r);
    for (size_t i = 0; i < N_NODES; i++) {
        assert_int_equal(xg_redis_reply_int(redisCommand(nodes[i], "DBSIZE")),
                         0);
    }
}

static void
test_keys_without_a_common_hash_tag_answer_crossslot(void **state)
{
    const char *const mixed[] = {farm_keys[0], untagged_keys[1], farm_keys[2]};
    const char *crossslot = "CROSSSLOT Keys in request don't hash to the "
                            "same slot";

    (void)state;
    /* On the node owning the meta key's slot, and on the others. */
    assert_error(take(owner, untagged_keys), crossslot);
    assert_error(take(other, untagged_keys), crossslot);
    /* One key without the tag is enough. */
    assert_error(take(owner, mixed), crossslot);
    for (size_t i = 0; i < N_NODES; i++) {
        assert_int_equal(xg_redis_reply_int(redisCommand(nodes[i], "DBSIZE")),
                         0);
    }
}

/* --- a gateway on the cluster ----------------------------------------- */

static int
gateway_teardown(void **state)
{
    (void)state;
    xg_client_close(&client);
    if (gw.pid > 0) {
        xg_gw_stop(&gw);
    }
    xg_sim_stop(&sim);
    return 0;
}

/* Send one IOC buy far below the market (it expires: the venue counts it
 * and nothing rests) without waiting for the reply. */
static void
send_ioc(const char *id)
{
    char msg[512];

    snprintf(msg, sizeof msg,
             "{\"type\":\"new_order\",\"strategy\":\"s\","
             "\"client_order_id\":\"%s\",\"symbol\":\"BTC/USDT\","
             "\"side\":\"BUY\",\"order_type\":\"LIMIT\",\"tif\":\"IOC\","
             "\"qty\":\"0.01\",\"price\":\"1000\"}",
             id);
    assert_int_equal(xg_client_send(&client, msg), 0);
}

/* Binance's limits and limits_reason in a venue_status reply, into the
 * buffers ("" when absent); false when there was no reply. */
static int
binance_limits(char *limits, size_t cap, char *reason, size_t reason_cap)
{
    json_t *r = xg_client_call(&client, "{\"type\":\"venue_status\"}", 2000);
    size_t i;
    json_t *v;

    limits[0] = '\0';
    reason[0] = '\0';
    if (r == NULL) {
        return 0;
    }
    json_array_foreach(json_object_get(r, "venues"), i, v)
    {
        const char *name = json_string_value(json_object_get(v, "name"));
        const char *l = json_string_value(json_object_get(v, "limits"));
        const char *why =
            json_string_value(json_object_get(v, "limits_reason"));
        if (name != NULL && strcmp(name, "binance") == 0) {
            snprintf(limits, cap, "%s", l != NULL ? l : "");
            snprintf(reason, reason_cap, "%s", why != NULL ? why : "");
        }
    }
    json_decref(r);
    return 1;
}

/* How many requests the simulator's log says ended `outcome`. */
static int
count_outcome(const char *outcome)
{
    int n = 0;

    assert_int_equal(
        xg_sim_log_fetch(&sim, "binance", 0, log_buf, sizeof log_buf), XG_OK);
    for (char *p = log_buf; *p != '\0';) {
        char *nl = strchr(p, '\n');
        size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
        json_t *e = json_loadb(p, len, 0, NULL);
        const char *o = json_string_value(json_object_get(e, "outcome"));
        n += o != NULL && strcmp(o, outcome) == 0;
        json_decref(e);
        p += len + (nl != NULL);
    }
    return n;
}

/* Read events until orders c0 .. c<n-1> have each ended (WAIT_MS at
 * most); returns how many expired. They are sent on parallel connections,
 * so they may end in any order. */
static int
expired_orders(int n)
{
    int64_t end = xg_test_now_ms() + WAIT_MS;
    int ended = 0;
    int expired = 0;
    unsigned seen = 0;

    assert_true(n <= 16);
    while (ended < n && xg_test_now_ms() < end) {
        json_t *ev = xg_client_event(&client, 500, NULL, 0);
        const char *name = json_string_value(json_object_get(ev, "event"));
        const char *id = json_string_value(
            json_object_get(json_object_get(ev, "order"), "client_order_id"));
        if (name != NULL && id != NULL && id[0] == 'c' &&
            (strcmp(name, "expired") == 0 || strcmp(name, "rejected") == 0 ||
             strcmp(name, "filled") == 0 || strcmp(name, "canceled") == 0)) {
            long k = strtol(id + 1, NULL, 10);
            assert_true(k >= 0 && k < n);
            assert_int_equal(seen & (1u << k), 0);
            seen |= 1u << k;
            ended++;
            expired += strcmp(name, "expired") == 0;
        }
        json_decref(ev);
    }
    return expired;
}

/* Does the owner hold a key matching pattern? */
static int
owner_has(const char *pattern)
{
    redisReply *r = redisCommand(owner, "KEYS %s", pattern);
    int n = 0;

    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    n = (int)r->elements;
    freeReplyObject(r);
    return n > 0;
}

static void
test_gateway_on_another_node_follows_moved_and_counts_shared(void **state)
{
    const char *venues[] = {"binance"};
    int ports[1];
    char root[512];
    char limits[32];
    char reason[256];
    int64_t end = 0;
    const int n_orders = 3;

    (void)state;
    assert_int_equal(xg_sim_start_paused(&sim, "binance", NULL), XG_OK);
    ports[0] = xg_sim_port(&sim, "binance");
    /* A node that does not own {xg}: the gateway is redirected. */
    snprintf(root, sizeof root,
             "\"shared_limits\": {\"redis\": \"redis://127.0.0.1:%d\", "
             "\"egress\": \"lo\", \"gateway\": \"" GATEWAY "\", "
             "\"expected_gateways\": 1},",
             other_port);
    assert_int_equal(xg_gw_start_sim_with(&gw, venues, ports, 1, "", root),
                     XG_OK);
    assert_int_equal(xg_client_open(&client, &gw, ""), XG_OK);

    end = xg_test_now_ms() + WAIT_MS;
    while (binance_limits(limits, sizeof limits, reason, sizeof reason) &&
           strcmp(limits, "shared") != 0 && xg_test_now_ms() < end) {
        xg_test_sleep_ms(100);
    }
    if (strcmp(limits, "shared") != 0) {
        fail_msg("binance's limits never became shared: \"%s\" (%s)", limits,
                 reason);
    }

    for (int k = 0; k < n_orders; k++) {
        char id[16];
        snprintf(id, sizeof id, "c%d", k);
        send_ioc(id);
    }
    assert_int_equal(expired_orders(n_orders), n_orders);
    assert_int_equal(count_outcome("expired"), n_orders);
    assert_int_equal(count_outcome("limited"), 0);

    /* The farm's keys are on the owner: the meta, a per-IP and a
     * per-account bucket. */
    assert_true(owner_has("{xg}:binance:ip:lo:meta"));
    assert_true(owner_has("{xg}:binance:ip:lo:REQUEST_WEIGHT_1M"));
    assert_true(owner_has("{xg}:binance:acct:*:ORDERS_10S"));
}

#define T(f) cmocka_unit_test_setup(f, empty_nodes)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_every_key_of_a_farm_hashes_to_the_slot_of_its_tag),
        T(test_take_on_the_owner_grants_per_ip_and_per_account),
        cmocka_unit_test_setup_teardown(
            test_ban_on_the_owner_reaches_subscribers_on_every_node,
            empty_nodes, close_subscribers),
        T(test_a_node_not_owning_the_slot_answers_moved_to_the_owner),
        T(test_keys_without_a_common_hash_tag_answer_crossslot),
        /* Last: it needs the gateway to follow MOVED. */
        cmocka_unit_test_setup_teardown(
            test_gateway_on_another_node_follows_moved_and_counts_shared,
            empty_nodes, gateway_teardown),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
