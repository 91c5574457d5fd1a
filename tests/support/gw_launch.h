/*
 * gw_launch.h - start and stop xgated for integration tests, and talk to
 * it as a strategy would (DEALER for requests, SUB for events).
 */
#ifndef XGATE_TEST_GW_LAUNCH_H
#define XGATE_TEST_GW_LAUNCH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "xgate/error.h"

/* Most venues one simulator config names. */
#define XG_GW_MAX_VENUES 8

typedef struct xg_gw_proc {
    pid_t pid;
    int out_fd; /* xgated's stdout */
    char dir[256];
    char config_path[320];
    char req_ep[128];
    char pub_ep[128];
} xg_gw_proc;

/*
 * Write config_json to a fresh temporary directory and start
 * XG_BIN_DIR/xgated on it, with the simulator's default credentials in
 * XG_TEST_API_KEY / XG_TEST_SECRET / XG_TEST_PASSPHRASE. The config should
 * bind "tcp://127.0.0.1:*" for both sockets; the chosen endpoints are read
 * from xgated's stdout. Waits for "xgated: ready" (10 s at most).
 */
xg_err xg_gw_start(xg_gw_proc *g, const char *config_json);

/* Start with a config for the simulator's venues: each of n venues at
 * 127.0.0.1:port. extra_venue_json is inserted into every venue object
 * (e.g. "\"max_connections\": 2"), may be "". The open-orders sweep and
 * the private stream are off unless it names order_sweep_ms or stream. */
xg_err xg_gw_start_sim(xg_gw_proc *g, const char *const *venues,
                       const int *ports, size_t n,
                       const char *extra_venue_json);

/* The same with extra_root_json inserted at the top level of the config
 * (e.g. "\"journal\": \"off\","), may be "". Every pair ends with a
 * comma. An "api" object in it is merged into the generated one (e.g.
 * "\"api\": {\"max_unread_replies\": 100},"); the endpoints stay
 * "tcp://127.0.0.1:*" unless it names them. */
xg_err xg_gw_start_sim_with(xg_gw_proc *g, const char *const *venues,
                            const int *ports, size_t n,
                            const char *extra_venue_json,
                            const char *extra_root_json);

/* As xg_gw_start_sim_with, with its own extra_venue_json[i] for each
 * venue (borrowed array of n strings, "" for none): venue options are
 * adapter-specific, and an adapter refuses options it does not know. */
xg_err xg_gw_start_sim_each(xg_gw_proc *g, const char *const *venues,
                            const int *ports, size_t n,
                            const char *const *extra_venue_json,
                            const char *extra_root_json);

/* As xg_gw_start_sim_with, but return as soon as xgated has printed its
 * endpoints (it binds them before its venues start), so a test can
 * subscribe to events before the gateway is ready; then call
 * xg_gw_wait_ready. */
xg_err xg_gw_start_sim_begin(xg_gw_proc *g, const char *const *venues,
                             const int *ports, size_t n,
                             const char *extra_venue_json,
                             const char *extra_root_json);

/* Read xgated's stdout until "xgated: ready" (timeout_ms at most);
 * XG_ERR_IO if it did not come. */
xg_err xg_gw_wait_ready(xg_gw_proc *g, int timeout_ms);

/* SIGTERM, wait (5 s), then SIGKILL; returns the exit status or -1.
 * Removes the temporary directory (config and journal). */
int xg_gw_stop(xg_gw_proc *g);

/* Send sig (SIGKILL: a crash; SIGTERM: a clean stop) and reap the
 * gateway, keeping its directory and journal. */
void xg_gw_halt(xg_gw_proc *g, int sig);

/* Start xgated again on the same config and journal, after xg_gw_halt.
 * The endpoints may change; reconnect clients. */
xg_err xg_gw_restart(xg_gw_proc *g);

/* As xg_gw_restart, but return once the endpoints are printed, so a test
 * hears the events of the recovery; then call xg_gw_wait_ready. */
xg_err xg_gw_restart_begin(xg_gw_proc *g);

/* True while the process is alive. */
int xg_gw_alive(const xg_gw_proc *g);

typedef struct xg_client {
    void *ctx;
    void *dealer;
    void *sub;
} xg_client;

/* Connect to the gateway and subscribe to topic prefix (e.g. "order." or
 * "" for everything). */
xg_err xg_client_open(xg_client *c, const xg_gw_proc *g, const char *topic);

/* Connect and subscribe as xg_client_open does, without waiting for
 * anything: the gateway may not answer yet, and events published before
 * the subscription reaches it are lost. */
xg_err xg_client_connect(xg_client *c, const xg_gw_proc *g, const char *topic);
void xg_client_close(xg_client *c);

/* Send one request; returns the reply (given: json_decref) or NULL after
 * timeout_ms. raw requests may be any bytes. */
json_t *xg_client_call(xg_client *c, const char *json, int timeout_ms);
json_t *xg_client_call_raw(xg_client *c, const void *data, size_t len,
                           int timeout_ms);

/* Send one request without waiting (0, or -1 when it could not be sent),
 * and read the next reply (given) or NULL after timeout_ms: for requests
 * that must reach the gateway together. */
int xg_client_send(xg_client *c, const char *json);
json_t *xg_client_reply(xg_client *c, int timeout_ms);

/* Next event (given) or NULL after timeout_ms. *topic receives the topic
 * if not NULL (cap bytes). */
json_t *xg_client_event(xg_client *c, int timeout_ms, char *topic, size_t cap);

/* Wait for an order event with this client order id and event name
 * ("acked", "filled", ...); other events are skipped. Given or NULL. */
json_t *xg_client_wait_order_event(xg_client *c, const char *client_id,
                                   const char *event, int timeout_ms);

/* Wait for a venue event reporting this state. Given or NULL. */
json_t *xg_client_wait_venue_state(xg_client *c, const char *venue,
                                   const char *state, int timeout_ms);

/* Monotonic milliseconds, for deadlines in tests. */
int64_t xg_test_now_ms(void);

/* Wall-clock milliseconds since the epoch, for venues' clock-aligned
 * windows. */
int64_t xg_test_wall_ms(void);

void xg_test_sleep_ms(int64_t ms);

/* End a child the test started: SIGTERM, up to grace_ms for it to exit,
 * then SIGKILL; it is reaped either way. Its wait status, or -1 when it
 * had to be killed. */
int xg_test_end_pid(pid_t pid, int64_t grace_ms);

#endif
