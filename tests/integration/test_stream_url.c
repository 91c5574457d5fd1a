/*
 * test_stream_url.c - where a simulator venue's private stream connects.
 *
 * With "simulator": true the stream goes to the simulator's own port,
 * whatever host the adapter's plan names; a venue option stream_url that
 * names a server on loopback itself (a benchmark's feeder) is used as it
 * is. Here that server is the tests' WebSocket server: it must see the
 * gateway's upgrade on OKX's private path, while xgsim serves the REST
 * side.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "gw_launch.h"
#include "sim_launch.h"
#include "ws_test_server.h"

static void
test_a_loopback_stream_url_is_kept(void **state)
{
    (void)state;
    xg_sim_proc sim;
    assert_int_equal(xg_sim_start_paused(&sim, "okx", NULL), XG_OK);
    const xg_ws_test_options opt = {XG_WS_TEST_ECHO, 0, 0, 0};
    xg_ws_test_server *ws = xg_ws_test_server_start(&opt);
    assert_non_null(ws);

    const char *venues[] = {"okx"};
    int ports[] = {xg_sim_port(&sim, "okx")};
    char extra[256];
    snprintf(extra, sizeof extra,
             "\"stream\": true, \"options\": {\"stream_url\": "
             "\"ws://127.0.0.1:%d/ws/v5/private\"}",
             xg_ws_test_server_port(ws));
    xg_gw_proc gw;
    assert_int_equal(xg_gw_start_sim_with(&gw, venues, ports, 1, extra, ""),
                     XG_OK);
    /* The stream connects once the venue is up; an echo of its login is
     * no answer, so it keeps trying: give it time for the first. */
    xg_test_sleep_ms(2000);
    xg_gw_stop(&gw);
    xg_ws_test_result seen;
    xg_ws_test_server_stop(&ws, &seen);
    xg_sim_stop(&sim);
    printf("upgrades %d, last: %s\n", seen.upgrades, seen.request_line);
    assert_true(seen.upgrades >= 1);
    assert_non_null(strstr(seen.request_line, "GET /ws/v5/private "));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_loopback_stream_url_is_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
