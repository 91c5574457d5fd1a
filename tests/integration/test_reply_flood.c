/*
 * test_reply_flood.c - a client that sends and does not read: every
 * request still gets exactly one reply, and the gateway's memory does not
 * keep what the client would not take.
 *
 * With "api": {"max_unread_replies": 100}, a client sends 20,000 requests
 * (venue_status and query_order, each with its own req_id) without
 * reading a single reply, then reads them all. The gateway has all four
 * venues so that a venue_status reply is large (about 1 kB), and what a
 * gateway holds for an unread client shows clearly in its memory. Past the cap
 * the gateway may answer BUSY without acting, but it must answer each request
 * once: none missing, none twice, none unasked for. xgated's resident memory
 * (VmRSS in /proc/<pid>/status) is read before the flood, its peak
 * (VmHWM) after it, and VmRSS again once the client read everything and
 * the gateway idled 2 s.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <zmq.h>

#include "promise_env.h"
#include "sanitizer.h"
#include "venue_env.h"

#define FLOOD 20000
#define WARM  500
/* What the gateway may keep of the flood whatever its peak (see the
 * check). */
#define FLOOD_KEPT_FLOOR_KB 2048

static xg_sim_proc sim;
static xg_gw_proc gw;
static xg_client client;
static void *flood_ctx;
static void *flood_sock;
static int replies[FLOOD];

static int
teardown(void **state)
{
    (void)state;
    if (flood_sock != NULL) {
        zmq_close(flood_sock);
        flood_sock = NULL;
    }
    if (flood_ctx != NULL) {
        zmq_ctx_term(flood_ctx);
        flood_ctx = NULL;
    }
    xg_client_close(&client);
    xg_gw_stop(&gw);
    xg_sim_stop(&sim);
    return 0;
}

/* A field of /proc/<pid>/status in kB ("VmRSS", "VmHWM"), -1 if absent. */
static long
status_kb(pid_t pid, const char *field)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return -1;
    }
    long kb = -1;
    size_t n = strlen(field);
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, field, n) == 0 && line[n] == ':') {
            kb = strtol(line + n + 1, NULL, 10);
            break;
        }
    }
    fclose(f);
    return kb;
}

/* Request i of the flood: venue_status or a query of "fl1". */
static int
flood_request(char *out, size_t cap, int i)
{
    if (i % 2 == 0) {
        return snprintf(out, cap,
                        "{\"type\":\"venue_status\",\"req_id\":\"f%d\"}", i);
    }
    return snprintf(out, cap,
                    "{\"type\":\"query_order\",\"req_id\":\"f%d\","
                    "\"strategy\":\"t1\",\"client_order_id\":\"fl1\"}",
                    i);
}

typedef struct tally {
    int got;     /* replies read */
    int busy;    /* of them BUSY */
    int strange; /* req_id not of this flood, or no JSON */
} tally;

/* Read replies until `want` arrived or none came for quiet_ms. */
static void
read_replies(tally *t, int want, int quiet_ms)
{
    while (t->got < want) {
        zmq_pollitem_t it = {flood_sock, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&it, 1, quiet_ms) <= 0) {
            return;
        }
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, flood_sock, 0) < 0) {
            zmq_msg_close(&m);
            return;
        }
        json_t *r = json_loadb(zmq_msg_data(&m), zmq_msg_size(&m), 0, NULL);
        zmq_msg_close(&m);
        t->got++;
        const char *req_id = json_string_value(json_object_get(r, "req_id"));
        char *end = NULL;
        long i = req_id != NULL && req_id[0] == 'f'
                     ? strtol(req_id + 1, &end, 10)
                     : -1;
        if (end == NULL || *end != '\0' || i < 0 || i >= FLOOD) {
            t->strange++;
        } else {
            replies[i]++;
            t->busy += xg_reply_error_code(r) == XG_ERR_BUSY;
        }
        json_decref(r);
    }
}

static void
test_unread_replies_are_capped_and_each_request_answered_once(void **state)
{
    (void)state;
    xg_expect_begin();
    static const char *const sim_args[] = {
        "--venue", "bybit=127.0.0.1:0",  "--venue", "okx=127.0.0.1:0",
        "--venue", "kucoin=127.0.0.1:0", NULL};
    assert_int_equal(xg_sim_start(&sim, sim_args), XG_OK);
    const char *venues[] = {"binance", "bybit", "okx", "kucoin"};
    int ports[4];
    for (int k = 0; k < 4; k++) {
        ports[k] = xg_sim_port(&sim, venues[k]);
        assert_true(ports[k] > 0);
    }
    /* Today's xgated refuses the unknown key and does not start. */
    xg_err started = xg_gw_start_sim_with(
        &gw, venues, ports, 4, "", "\"api\": {\"max_unread_replies\": 100},");
    if (started != XG_OK) {
        fail_msg("xgated did not start with api.max_unread_replies");
    }
    assert_int_equal(xg_client_open(&client, &gw, ""), XG_OK);
    json_t *r = xg_send_limit(&client, "t1", "fl1", "BUY", "30000", "");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);

    flood_ctx = zmq_ctx_new();
    flood_sock = zmq_socket(flood_ctx, ZMQ_DEALER);
    int zero = 0;
    /* Nothing held back on this side: every request reaches the gateway
     * while no reply is read. */
    zmq_setsockopt(flood_sock, ZMQ_SNDHWM, &zero, sizeof zero);
    zmq_setsockopt(flood_sock, ZMQ_LINGER, &zero, sizeof zero);
    assert_int_equal(zmq_connect(flood_sock, gw.req_ep), 0);

    /* Warm up, reading as it goes, so that the "before" figure already
     * holds what any busy client costs the gateway. */
    memset(replies, 0, sizeof replies);
    tally warm = {0, 0, 0};
    char msg[256];
    for (int i = 0; i < WARM; i++) {
        int n = flood_request(msg, sizeof msg, i);
        assert_true(zmq_send(flood_sock, msg, (size_t)n, 0) == n);
        read_replies(&warm, i + 1, 5000);
    }
    assert_int_equal(warm.got, WARM);
    xg_test_sleep_ms(500);
    long before = status_kb(gw.pid, "VmRSS");
    assert_true(before > 0);

    for (int i = WARM; i < FLOOD; i++) {
        int n = flood_request(msg, sizeof msg, i);
        assert_true(zmq_send(flood_sock, msg, (size_t)n, ZMQ_DONTWAIT) == n);
    }
    /* Let the gateway take in the whole flood: its memory stops moving
     * (by more than a few pages in half a second). */
    long last = -1000, now = status_kb(gw.pid, "VmRSS");
    int64_t deadline = xg_test_now_ms() + 20000;
    while (labs(now - last) > 64 && xg_test_now_ms() < deadline) {
        xg_test_sleep_ms(500);
        last = now;
        now = status_kb(gw.pid, "VmRSS");
    }

    tally t = {0, 0, 0};
    read_replies(&t, FLOOD - WARM, 5000);
    int missing = 0, doubled = 0;
    for (int i = 0; i < FLOOD; i++) {
        missing += replies[i] == 0;
        doubled += replies[i] > 1;
    }
    XG_EXPECT(missing == 0 && doubled == 0 && t.strange == 0,
              "replies to %d requests: %d missing, %d more than once, %d "
              "not asked for",
              FLOOD, missing, doubled, t.strange);

    xg_test_sleep_ms(2000);
    long after = status_kb(gw.pid, "VmRSS");
    long peak = status_kb(gw.pid, "VmHWM");
    printf("flood: %d replies (%d BUSY); xgated VmRSS before %ld kB, peak "
           "(VmHWM) %ld kB, after %ld kB\n",
           t.got, t.busy, before, peak, after);
    long kept = after - before;
    long grown = peak - before;
#if XG_TEST_HAS_ASAN
    /* ASan's allocator keeps freed memory (quarantine, size classes it
     * never returns): resident memory does not come back under it
     * whatever the gateway does. Measured and printed, not judged. */
    (void)kept;
    (void)grown;
    printf("flood: built with AddressSanitizer, memory not judged\n");
#else
    /* Measured on the code before max_unread_replies existed (the same
     * flood without the option, 2-core VM): before ~19.8 MB, peak
     * ~31-33 MB, after = peak: the 11-13 MB of queued replies stayed.
     * Allocator noise between two idle readings is well under 1 MB. So
     * the gateway may keep 2 MB, or a quarter of what it grew by, of
     * whichever is more: a flood whose memory stays fails by far, and a
     * cap that never let the memory grow passes by the floor. */
    XG_EXPECT(kept <= FLOOD_KEPT_FLOOR_KB || kept * 4 <= grown,
              "xgated grew by %ld kB during the flood and kept %ld kB of it",
              grown, kept);
#endif
    XG_EXPECT(xg_gw_alive(&gw), "xgated died");
    xg_expect_end();
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(
            test_unread_replies_are_capped_and_each_request_answered_once,
            teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
