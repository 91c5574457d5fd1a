/*
 * ws_test_server.h - a small WebSocket server for tests, on 127.0.0.1.
 *
 * It listens on an ephemeral port and serves connections one after
 * another in its own thread: it reads the upgrade request, answers it
 * (rightly, or wrongly on purpose) and then speaks WebSocket through a
 * wslay server context, doing what its mode says. With tls set it speaks
 * TLS with a key and self-signed certificate made in-process; the
 * certificate is written as PEM to a temporary file the client passes as
 * its ca_file. It is test code: one connection at a time, no limits
 * beyond what the tests need.
 */
#ifndef XGATE_WS_TEST_SERVER_H
#define XGATE_WS_TEST_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "xgate/error.h"

typedef enum xg_ws_test_mode {
    XG_WS_TEST_ECHO,         /* echo every text message */
    XG_WS_TEST_FRAGMENTS,    /* send XG_WS_TEST_FRAGMENTED_TEXT in three
                                frames, then echo */
    XG_WS_TEST_PING,         /* send a ping with XG_WS_TEST_PING_DATA; on the
                                pong, send "pong:" and its payload as text;
                                then echo */
    XG_WS_TEST_CLOSE,        /* send a close frame with close_code */
    XG_WS_TEST_BAD_STATUS,   /* answer the upgrade with 200 OK */
    XG_WS_TEST_BAD_ACCEPT,   /* answer 101 with a wrong Sec-WebSocket-Accept */
    XG_WS_TEST_BIG,          /* send one text message of big_len bytes */
    XG_WS_TEST_BIG_FRAGMENTS /* the same in frames of 60000 bytes at most */
} xg_ws_test_mode;

#define XG_WS_TEST_FRAGMENTED_TEXT "hello, fragmented world"
#define XG_WS_TEST_PING_DATA       "xg-ping"

typedef struct xg_ws_test_options {
    xg_ws_test_mode mode;
    int tls;
    uint16_t close_code; /* XG_WS_TEST_CLOSE */
    size_t big_len;      /* XG_WS_TEST_BIG, XG_WS_TEST_BIG_FRAGMENTS */
} xg_ws_test_options;

/* What the server saw, for the test to check after stopping it. */
typedef struct xg_ws_test_result {
    int connections;        /* accepted */
    int upgrades;           /* upgrade requests read whole */
    char request_line[512]; /* of the last upgrade request */
    int has_client_close;   /* a close frame came from the client */
    uint16_t client_close_code;
    int texts; /* text messages received */
} xg_ws_test_result;

typedef struct xg_ws_test_server xg_ws_test_server;

/* Listen and start the thread. Given: xg_ws_test_server_stop. NULL if it
 * cannot start (the reason on stderr). */
xg_ws_test_server *xg_ws_test_server_start(const xg_ws_test_options *opt);

int xg_ws_test_server_port(const xg_ws_test_server *s);

/* The PEM file of the server's certificate (tls only; else NULL);
 * borrowed until stop, which deletes it. */
const char *xg_ws_test_server_ca_file(const xg_ws_test_server *s);

/* Stop the thread (it ends the connection it serves), join it, copy what
 * it saw to out (may be NULL) and free everything. NULL-safe; sets *s to
 * NULL. */
void xg_ws_test_server_stop(xg_ws_test_server **s, xg_ws_test_result *out);

/* Write a fresh self-signed certificate, unrelated to any server's, as
 * PEM to a new temporary file whose name goes to path (cap bytes): a CA
 * that must not verify the server. The caller removes the file. */
xg_err xg_ws_test_write_other_ca(char *path, size_t cap);

#endif
