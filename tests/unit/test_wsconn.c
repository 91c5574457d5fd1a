/*
 * test_wsconn.c - the WebSocket client connection (core/wsconn.c) against
 * the test server (tests/support/ws_test_server.c) on loopback, driven by
 * a small poll loop like the daemon's; and the upgrade answer check on its
 * own.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "ws_test_server.h"
#include "wsconn.h"

/* The longest any case waits for the connection to get somewhere. */
#define WAIT_MS 4000
#define TOKEN   "SECRET-TOKEN-123"

typedef struct seen {
    int opened;
    int closes;
    int texts;
    char why[256];
    char text[256];
    size_t text_len;
    int text_terminated;
} seen;

static void
on_open(void *ctx)
{
    seen *s = ctx;
    s->opened++;
}

static void
on_text(void *ctx, const char *text, size_t len)
{
    seen *s = ctx;
    s->texts++;
    s->text_len = len;
    s->text_terminated = text[len] == '\0';
    snprintf(s->text, sizeof s->text, "%.*s", (int)len, text);
}

static void
on_close(void *ctx, const char *why)
{
    seen *s = ctx;
    s->closes++;
    snprintf(s->why, sizeof s->why, "%s", why);
}

/* What a case holds, released by the teardown even when it fails. */
static struct {
    xg_ws_test_server *srv;
    xg__ws *ws;
} fx;

static int
teardown(void **state)
{
    (void)state;
    xg__ws_destroy(&fx.ws);
    xg_ws_test_server_stop(&fx.srv, NULL);
    return 0;
}

static int64_t
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One turn of the loop: poll what the connection watches (at most its
 * timeout, at most max_wait_ms), then perform with what is ready. */
static void
turn(xg__ws *ws, long max_wait_ms)
{
    xg__watch w[8];
    size_t n = xg__ws_watches(ws, w, 8);
    struct pollfd p[8];
    for (size_t i = 0; i < n; i++) {
        p[i].fd = w[i].fd;
        p[i].events = (short)(((w[i].events & XG_WATCH_IN) ? POLLIN : 0) |
                              ((w[i].events & XG_WATCH_OUT) ? POLLOUT : 0));
        p[i].revents = 0;
    }
    long t = xg__ws_timeout_ms(ws);
    if (t < 0 || t > max_wait_ms) {
        t = max_wait_ms;
    }
    poll(p, (nfds_t)n, (int)t);
    xg__watch ready[8];
    size_t n_ready = 0;
    for (size_t i = 0; i < n; i++) {
        short ev =
            (short)(((p[i].revents & (POLLIN | POLLERR | POLLHUP)) ? XG_WATCH_IN
                                                                   : 0) |
                    ((p[i].revents & POLLOUT) ? XG_WATCH_OUT : 0));
        if (ev != 0) {
            ready[n_ready].fd = p[i].fd;
            ready[n_ready].events = ev;
            n_ready++;
        }
    }
    xg__ws_perform(ws, ready, n_ready);
}

/* Turn until *counter reaches target or max_ms pass: 1 if it did. */
static int
run_until(xg__ws *ws, const int *counter, int target, long max_ms)
{
    int64_t until = now_ms() + max_ms;
    while (*counter < target) {
        int64_t left = until - now_ms();
        if (left <= 0) {
            return 0;
        }
        turn(ws, left < 50 ? (long)left : 50);
    }
    return 1;
}

/* Turn for ms whatever happens (to see nothing more happens). */
static void
run_for(xg__ws *ws, long ms)
{
    int64_t until = now_ms() + ms;
    while (now_ms() < until) {
        turn(ws, 20);
    }
}

static xg__ws *
open_ws(seen *s, const char *url, const char *ca_file)
{
    memset(s, 0, sizeof *s);
    xg__ws_options opt = {2000, 1, ca_file};
    xg__ws_events ev = {s, on_open, on_text, on_close};
    char err[128];
    fx.ws = xg__ws_open(url, &opt, &ev, err, sizeof err);
    assert_non_null(fx.ws);
    return fx.ws;
}

static xg_ws_test_server *
start_with(const xg_ws_test_options *o)
{
    fx.srv = xg_ws_test_server_start(o);
    assert_non_null(fx.srv);
    return fx.srv;
}

static xg_ws_test_server *
start_server(xg_ws_test_mode mode, int tls)
{
    xg_ws_test_options o = {mode, tls, 0, 0};
    return start_with(&o);
}

static void
url_of(const xg_ws_test_server *srv, int tls, char *url, size_t cap)
{
    snprintf(url, cap, "%s://127.0.0.1:%d/stream/v1?token=" TOKEN,
             tls ? "wss" : "ws", xg_ws_test_server_port(srv));
}

/* Connect to srv, wait for on_open. */
static xg__ws *
connect_to(seen *s, xg_ws_test_server *srv, int tls)
{
    char url[128];
    url_of(srv, tls, url, sizeof url);
    xg__ws *ws = open_ws(s, url, xg_ws_test_server_ca_file(srv));
    assert_true(run_until(ws, &s->opened, 1, WAIT_MS));
    return ws;
}

static void
assert_closed_once(xg__ws *ws, seen *s, const char *why_part)
{
    assert_true(run_until(ws, &s->closes, 1, WAIT_MS));
    run_for(ws, 100);
    assert_int_equal(s->closes, 1);
    assert_non_null(strstr(s->why, why_part));
    assert_null(strstr(s->why, TOKEN));
    assert_int_equal(xg__ws_send_text(ws, "late", 4), XG_ERR_INVALID);
    assert_int_equal(xg__ws_watches(ws, (xg__watch[1]){{0, 0}}, 1), 0);
    assert_int_equal(xg__ws_timeout_ms(ws), -1);
}

static void
echo_roundtrip(xg__ws *ws, seen *s, const char *text)
{
    int before = s->texts;
    assert_int_equal(xg__ws_send_text(ws, text, strlen(text)), XG_OK);
    assert_true(run_until(ws, &s->texts, before + 1, WAIT_MS));
    assert_string_equal(s->text, text);
    assert_int_equal(s->text_len, strlen(text));
    assert_true(s->text_terminated);
}

static void
test_ws_echo_and_close(void **state)
{
    (void)state;
    xg_ws_test_server *srv = start_server(XG_WS_TEST_ECHO, 0);
    seen s;
    xg__ws *ws = connect_to(&s, srv, 0);
    assert_int_equal(s.opened, 1);
    echo_roundtrip(ws, &s, "hello");
    echo_roundtrip(ws, &s, "{\"op\":\"ping\"}");

    xg__ws_stats st;
    xg__ws_stats_get(ws, &st);
    assert_int_equal(st.msgs_in, 2);
    assert_int_equal(st.msgs_out, 2);
    assert_true(st.bytes_in > 0 && st.bytes_out > 0);

    xg__ws_close(ws, 1000);
    assert_int_equal(xg__ws_send_text(ws, "x", 1), XG_ERR_INVALID);
    assert_closed_once(ws, &s, "closed (code 1000)");
    xg__ws_destroy(&fx.ws);
    assert_null(fx.ws);

    xg_ws_test_result r;
    xg_ws_test_server_stop(&fx.srv, &r);
    assert_string_equal(r.request_line,
                        "GET /stream/v1?token=" TOKEN " HTTP/1.1");
    assert_int_equal(r.texts, 2);
    assert_true(r.has_client_close);
    assert_int_equal(r.client_close_code, 1000);
}

static void
test_ws_fragments_joined(void **state)
{
    (void)state;
    xg_ws_test_server *srv = start_server(XG_WS_TEST_FRAGMENTS, 0);
    seen s;
    xg__ws *ws = connect_to(&s, srv, 0);
    assert_true(run_until(ws, &s.texts, 1, WAIT_MS));
    assert_string_equal(s.text, XG_WS_TEST_FRAGMENTED_TEXT);
    assert_true(s.text_terminated);
    xg__ws_destroy(&fx.ws);
    xg_ws_test_server_stop(&fx.srv, NULL);
}

static void
test_ws_server_ping_answered(void **state)
{
    (void)state;
    xg_ws_test_server *srv = start_server(XG_WS_TEST_PING, 0);
    seen s;
    xg__ws *ws = connect_to(&s, srv, 0);
    /* The server writes "pong:<payload>" when our pong arrives. */
    assert_true(run_until(ws, &s.texts, 1, WAIT_MS));
    assert_string_equal(s.text, "pong:" XG_WS_TEST_PING_DATA);
    assert_int_equal(s.closes, 0);
    xg__ws_destroy(&fx.ws);
    xg_ws_test_server_stop(&fx.srv, NULL);
}

static void
test_ws_server_close_reported_once(void **state)
{
    (void)state;
    xg_ws_test_options o = {XG_WS_TEST_CLOSE, 0, 4001, 0};
    xg_ws_test_server *srv = start_with(&o);
    seen s;
    xg__ws *ws = connect_to(&s, srv, 0);
    assert_closed_once(ws, &s, "closed by the server (code 4001)");
    xg__ws_close(ws, 1000); /* after the end: nothing */
    run_for(ws, 50);
    assert_int_equal(s.closes, 1);
    xg__ws_destroy(&fx.ws);
    xg_ws_test_result r;
    xg_ws_test_server_stop(&fx.srv, &r);
    assert_true(r.has_client_close); /* wslay answered the close */
}

static void
expect_refused(xg_ws_test_mode mode, const char *why_part)
{
    xg_ws_test_server *srv = start_server(mode, 0);
    char url[128];
    url_of(srv, 0, url, sizeof url);
    seen s;
    xg__ws *ws = open_ws(&s, url, NULL);
    assert_closed_once(ws, &s, why_part);
    assert_int_equal(s.opened, 0);
    xg__ws_destroy(&fx.ws);
    xg_ws_test_result r;
    xg_ws_test_server_stop(&fx.srv, &r);
    assert_int_equal(r.upgrades, 1);
}

static void
test_ws_wrong_upgrade_status_closes(void **state)
{
    (void)state;
    expect_refused(XG_WS_TEST_BAD_STATUS, "status 200, not 101");
}

static void
test_ws_wrong_accept_refused(void **state)
{
    (void)state;
    expect_refused(XG_WS_TEST_BAD_ACCEPT,
                   "Sec-WebSocket-Accept does not match the key");
}

/* A message of XG_WS_MSG_MAX + 1 bytes sent as mode says (one frame, or
 * frames each under the limit: the connection gathers messages itself,
 * so the limit of the whole is its to keep) is refused with 1009. */
static void
expect_oversized_refused(xg_ws_test_mode mode)
{
    xg_ws_test_options o = {mode, 0, 0, XG_WS_MSG_MAX + 1};
    xg_ws_test_server *srv = start_with(&o);
    seen s;
    xg__ws *ws = connect_to(&s, srv, 0);
    assert_closed_once(ws, &s, "message above the size limit");
    assert_non_null(strstr(s.why, "1009"));
    assert_int_equal(s.texts, 0);
    xg__ws_destroy(&fx.ws);
    xg_ws_test_result r;
    xg_ws_test_server_stop(&fx.srv, &r);
    assert_true(r.has_client_close);
    assert_int_equal(r.client_close_code, 1009);
}

/* A message of exactly XG_WS_MSG_MAX bytes sent as mode says arrives
 * whole. */
static void
expect_delivered_at_limit(xg_ws_test_mode mode)
{
    xg_ws_test_options o = {mode, 0, 0, XG_WS_MSG_MAX};
    xg_ws_test_server *srv = start_with(&o);
    seen s;
    xg__ws *ws = connect_to(&s, srv, 0);
    assert_true(run_until(ws, &s.texts, 1, WAIT_MS));
    assert_int_equal(s.text_len, XG_WS_MSG_MAX);
    assert_true(s.text_terminated);
    assert_int_equal(s.closes, 0);
    xg__ws_destroy(&fx.ws);
    xg_ws_test_server_stop(&fx.srv, NULL);
}

static void
test_ws_oversized_message_closes(void **state)
{
    (void)state;
    expect_oversized_refused(XG_WS_TEST_BIG);
}

static void
test_ws_oversized_fragmented_message_closes(void **state)
{
    (void)state;
    expect_oversized_refused(XG_WS_TEST_BIG_FRAGMENTS);
}

static void
test_ws_message_at_limit_delivered(void **state)
{
    (void)state;
    expect_delivered_at_limit(XG_WS_TEST_BIG);
}

static void
test_ws_fragmented_message_at_limit_delivered(void **state)
{
    (void)state;
    expect_delivered_at_limit(XG_WS_TEST_BIG_FRAGMENTS);
}

/* A loopback port nothing listens on: bound, read back, closed. */
static int
closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
    close(fd);
    return ntohs(a.sin_port);
}

static void
test_ws_connection_refused_closes(void **state)
{
    (void)state;
    char url[128];
    snprintf(url, sizeof url, "ws://127.0.0.1:%d/x?token=" TOKEN,
             closed_port());
    seen s;
    xg__ws *ws = open_ws(&s, url, NULL);
    assert_closed_once(ws, &s, "cannot connect");
    assert_int_equal(s.opened, 0);
    xg__ws_destroy(&fx.ws);
}

static void
test_ws_silent_server_times_out(void **state)
{
    (void)state;
    /* Listening but never accepting: the kernel completes TCP, nothing
     * answers the upgrade. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(fd, 4), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
    char url[128];
    snprintf(url, sizeof url, "ws://127.0.0.1:%d/", ntohs(a.sin_port));
    seen s;
    memset(&s, 0, sizeof s);
    xg__ws_options opt = {300, 1, NULL};
    xg__ws_events ev = {&s, on_open, on_text, on_close};
    xg__ws *ws = fx.ws = xg__ws_open(url, &opt, &ev, NULL, 0);
    assert_non_null(ws);
    assert_closed_once(ws, &s, "timed out");
    xg__ws_destroy(&fx.ws);
    close(fd);
}

static void
test_ws_tls_echo(void **state)
{
    (void)state;
    xg_ws_test_server *srv = start_server(XG_WS_TEST_ECHO, 1);
    seen s;
    xg__ws *ws = connect_to(&s, srv, 1);
    echo_roundtrip(ws, &s, "over tls");
    echo_roundtrip(ws, &s, "and again");
    xg__ws_close(ws, 1000);
    assert_closed_once(ws, &s, "closed (code 1000)");
    xg__ws_destroy(&fx.ws);
    xg_ws_test_result r;
    xg_ws_test_server_stop(&fx.srv, &r);
    assert_int_equal(r.texts, 2);
}

static void
test_ws_tls_other_ca_refused(void **state)
{
    (void)state;
    xg_ws_test_server *srv = start_server(XG_WS_TEST_ECHO, 1);
    char other[64];
    assert_int_equal(xg_ws_test_write_other_ca(other, sizeof other), XG_OK);
    char url[128];
    url_of(srv, 1, url, sizeof url);
    seen s;
    xg__ws *ws = open_ws(&s, url, other);
    assert_closed_once(ws, &s, "cannot connect");
    assert_int_equal(s.opened, 0);
    xg__ws_destroy(&fx.ws);
    unlink(other);
    xg_ws_test_result r;
    xg_ws_test_server_stop(&fx.srv, &r);
    assert_int_equal(r.upgrades, 0);
}

static void
test_ws_send_before_open_invalid(void **state)
{
    (void)state;
    xg_ws_test_server *srv = start_server(XG_WS_TEST_ECHO, 0);
    char url[128];
    url_of(srv, 0, url, sizeof url);
    seen s;
    xg__ws *ws = open_ws(&s, url, NULL);
    assert_int_equal(xg__ws_send_text(ws, "early", 5), XG_ERR_INVALID);
    /* Closing before the open ends it at the next perform. */
    xg__ws_close(ws, 1000);
    assert_int_equal(xg__ws_timeout_ms(ws), 0);
    assert_closed_once(ws, &s, "closed before the connection opened");
    assert_int_equal(s.opened, 0);
    xg__ws_destroy(&fx.ws);
    xg__ws_destroy(&fx.ws); /* NULL-safe */
    xg_ws_test_server_stop(&fx.srv, NULL);
}

static void
test_ws_open_refuses_bad_urls(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "http://127.0.0.1/x?token=" TOKEN,
        "ws://",
        "ws:///path",
        "wss://user:pw@host/x?token=" TOKEN,
        "ws://host/a b?token=" TOKEN,
        "ws://host/x?token=" TOKEN "\r\nX-Injected: 1",
        "",
    };
    seen s;
    xg__ws_options opt = {1000, 1, NULL};
    xg__ws_events ev = {&s, on_open, on_text, on_close};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[128] = "";
        assert_null(xg__ws_open(bad[i], &opt, &ev, err, sizeof err));
        assert_true(err[0] != '\0');
        assert_null(strstr(err, TOKEN));
    }
}

/* --- xg__ws_check_upgrade ------------------------------------------------- */

/* RFC 6455, 1.3's example key and its accept value. */
#define KEY    "dGhlIHNhbXBsZSBub25jZQ=="
#define ACCEPT "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
#define GOOD                                                                   \
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"               \
    "Connection: Upgrade\r\nSec-WebSocket-Accept: " ACCEPT "\r\n\r\n"

typedef struct upgrade_case {
    const char *answer;
    xg_err want;
    const char *why_part; /* for refusals */
} upgrade_case;

static void
test_check_upgrade_table(void **state)
{
    (void)state;
    static const upgrade_case cases[] = {
        {GOOD, XG_OK, NULL},
        {"HTTP/1.1 101\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Accept: " ACCEPT "\r\n\r\n",
         XG_OK, NULL},
        /* lowercase names */
        {"HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\n"
         "connection: upgrade\r\nsec-websocket-accept: " ACCEPT "\r\n\r\n",
         XG_OK, NULL},
        /* folded case, list value, no space after the colon */
        {"HTTP/1.1 101 OK\r\nUPGRADE:WebSocket\r\nCONNECTION: keep-alive,"
         " UpGrAdE\r\nSEC-WEBSOCKET-ACCEPT: " ACCEPT "  \r\nServer: x\r\n\r\n",
         XG_OK, NULL},
        {"HTTP/1.0 101 Switching Protocols\r\nUpgrade: websocket\r\n"
         "Connection: Upgrade\r\nSec-WebSocket-Accept: " ACCEPT
         "\r\nSec-WebSocket-Extensions:\r\n\r\n",
         XG_OK, NULL},
        {"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", XG_ERR_BAD_RESPONSE,
         "status 200"},
        {"HTTP/2 101\r\n\r\n", XG_ERR_BAD_RESPONSE, "malformed status"},
        {"HTTP/1.1 1010 x\r\n\r\n", XG_ERR_BAD_RESPONSE, "malformed status"},
        {"\r\n\r\n", XG_ERR_BAD_RESPONSE, "malformed status"},
        {"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Accept: " ACCEPT "\r\n\r\n",
         XG_ERR_BAD_RESPONSE, "lacks Upgrade"},
        {"HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n"
         "Connection: Upgrade\r\nSec-WebSocket-Accept: " ACCEPT "\r\n\r\n",
         XG_ERR_BAD_RESPONSE, "not websocket"},
        {"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
         "Sec-WebSocket-Accept: " ACCEPT "\r\n\r\n",
         XG_ERR_BAD_RESPONSE, "Connection lacks upgrade"},
        {"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
         "Connection: keep-alive, upgraded\r\nSec-WebSocket-Accept: " ACCEPT
         "\r\n\r\n",
         XG_ERR_BAD_RESPONSE, "Connection lacks upgrade"},
        {"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
         "Connection: Upgrade\r\n\r\n",
         XG_ERR_BAD_RESPONSE, "lacks Sec-WebSocket-Accept"},
        /* base64 is case-sensitive */
        {"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
         "Connection: Upgrade\r\nSec-WebSocket-Accept: "
         "S3PPLMBITXAQ9KYGZZHZRBK+XOO=\r\n\r\n",
         XG_ERR_BAD_RESPONSE, "does not match"},
        {"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
         "Connection: Upgrade\r\nSec-WebSocket-Accept: " ACCEPT "\r\n"
         "Sec-WebSocket-Accept: " ACCEPT "\r\n\r\n",
         XG_ERR_BAD_RESPONSE, "more than one"},
        {"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
         "Connection:\r\n Upgrade\r\nSec-WebSocket-Accept: " ACCEPT "\r\n\r\n",
         XG_ERR_BAD_RESPONSE, "folded"},
        {"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
         "Connection: Upgrade\r\nno colon here\r\n\r\n",
         XG_ERR_BAD_RESPONSE, "malformed header line"},
        {"HTTP/1.1 101 Switching Protocols\r\nUpgrade : websocket\r\n\r\n",
         XG_ERR_BAD_RESPONSE, "malformed header name"},
        {"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
         "Connection: Upgrade\r\nSec-WebSocket-Accept: " ACCEPT "\r\n"
         "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n",
         XG_ERR_BAD_RESPONSE, "extension"},
        {"", XG_ERR_TRUNCATED, "incomplete"},
        {"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n",
         XG_ERR_TRUNCATED, "incomplete"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const upgrade_case *c = &cases[i];
        char why[128] = "";
        size_t hl = 99;
        size_t len = strlen(c->answer);
        xg_err e =
            xg__ws_check_upgrade(c->answer, len, KEY, &hl, why, sizeof why);
        if (e != c->want) {
            fail_msg("case %zu: %s, want %s (%s)", i, xg_err_name(e),
                     xg_err_name(c->want), why);
        }
        if (e == XG_OK) {
            assert_int_equal(hl, len);
        } else {
            assert_int_equal(hl, 0);
            if (strstr(why, c->why_part) == NULL) {
                fail_msg("case %zu: why '%s' lacks '%s'", i, why, c->why_part);
            }
        }
    }
}

static void
test_check_upgrade_keeps_frame_bytes(void **state)
{
    (void)state;
    const char answer[] = GOOD "\x81\x02hi";
    size_t hl = 0;
    assert_int_equal(
        xg__ws_check_upgrade(answer, sizeof answer - 1, KEY, &hl, NULL, 0),
        XG_OK);
    assert_int_equal(hl, strlen(GOOD));
}

static void
test_check_upgrade_every_prefix_truncated(void **state)
{
    (void)state;
    const char *good = GOOD;
    size_t n = strlen(good);
    for (size_t len = 0; len < n; len++) {
        size_t hl = 1;
        char why[64];
        assert_int_equal(
            xg__ws_check_upgrade(good, len, KEY, &hl, why, sizeof why),
            XG_ERR_TRUNCATED);
        assert_int_equal(hl, 0);
    }
}

static void
test_check_upgrade_huge_refused(void **state)
{
    (void)state;
    /* Padding headers and no blank line within 8 KiB. */
    size_t cap = 3 * XG_WS_UPGRADE_MAX;
    char *big = malloc(cap);
    assert_non_null(big);
    size_t len = (size_t)snprintf(big, cap, "%s",
                                  "HTTP/1.1 101 Switching Protocols\r\n");
    while (len + 64 < XG_WS_UPGRADE_MAX + 100) {
        len += (size_t)snprintf(big + len, cap - len, "X-Pad: %040d\r\n", 7);
    }
    char why[64];
    size_t hl = 1;
    assert_int_equal(xg__ws_check_upgrade(big, len, KEY, &hl, why, sizeof why),
                     XG_ERR_OVERFLOW);
    assert_int_equal(hl, 0);
    /* The same with the blank line only after the limit. */
    len += (size_t)snprintf(big + len, cap - len, "\r\n");
    assert_int_equal(xg__ws_check_upgrade(big, len, KEY, &hl, why, sizeof why),
                     XG_ERR_OVERFLOW);
    /* Just below the limit and still open: read more. */
    assert_int_equal(xg__ws_check_upgrade(big, XG_WS_UPGRADE_MAX - 1, KEY, &hl,
                                          why, sizeof why),
                     XG_ERR_TRUNCATED);
    free(big);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_ws_echo_and_close, teardown),
        cmocka_unit_test_teardown(test_ws_fragments_joined, teardown),
        cmocka_unit_test_teardown(test_ws_server_ping_answered, teardown),
        cmocka_unit_test_teardown(test_ws_server_close_reported_once, teardown),
        cmocka_unit_test_teardown(test_ws_wrong_upgrade_status_closes,
                                  teardown),
        cmocka_unit_test_teardown(test_ws_wrong_accept_refused, teardown),
        cmocka_unit_test_teardown(test_ws_oversized_message_closes, teardown),
        cmocka_unit_test_teardown(test_ws_message_at_limit_delivered, teardown),
        cmocka_unit_test_teardown(test_ws_oversized_fragmented_message_closes,
                                  teardown),
        cmocka_unit_test_teardown(test_ws_fragmented_message_at_limit_delivered,
                                  teardown),
        cmocka_unit_test_teardown(test_ws_connection_refused_closes, teardown),
        cmocka_unit_test_teardown(test_ws_silent_server_times_out, teardown),
        cmocka_unit_test_teardown(test_ws_tls_echo, teardown),
        cmocka_unit_test_teardown(test_ws_tls_other_ca_refused, teardown),
        cmocka_unit_test_teardown(test_ws_send_before_open_invalid, teardown),
        cmocka_unit_test_teardown(test_ws_open_refuses_bad_urls, teardown),
        cmocka_unit_test(test_check_upgrade_table),
        cmocka_unit_test(test_check_upgrade_keeps_frame_bytes),
        cmocka_unit_test(test_check_upgrade_every_prefix_truncated),
        cmocka_unit_test(test_check_upgrade_huge_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
