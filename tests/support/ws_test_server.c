/*
 * ws_test_server.c - the tests' WebSocket server (see ws_test_server.h).
 *
 * One thread, non-blocking sockets and poll: it accepts, optionally does
 * the TLS handshake, reads the upgrade request, answers it and runs a
 * wslay server context until the client goes, the close handshake ends or
 * the test stops it (a byte on a pipe). Every wait is bounded so a broken
 * client cannot hang a test.
 */
#include "ws_test_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <wslay/wslay.h>

#include "test_cert.h"
#include "xgate/buf.h"
#include "xgate/sign.h"

#define WS_GUID      "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
#define REQ_MAX      8192
#define IO_WAIT_MS   5000
#define LOOP_TICK_MS 100
/* XG_WS_TEST_FRAGMENTED_TEXT is this, "fragmented" and " world". */
#define FIRST_FRAGMENT "hello, "

struct xg_ws_test_server {
    xg_ws_test_options opt;
    int listen_fd;
    int stop_pipe[2];
    int port;
    pthread_t thread;
    int started;
    SSL_CTX *tls;
    char ca_file[64];
    xg_ws_test_result result;
};

/* One accepted connection. */
typedef struct conn {
    xg_ws_test_server *s;
    int fd;
    SSL *ssl;
    wslay_event_context_ptr ctx;
} conn;

xg_err
xg_ws_test_write_other_ca(char *path, size_t cap)
{
    EVP_PKEY *key = NULL;
    X509 *x = NULL;
    xg_err e = xg_test_make_cert(&key, &x);
    if (e == XG_OK) {
        e = xg_test_write_cert(x, path, cap);
    }
    X509_free(x);
    EVP_PKEY_free(key);
    return e;
}

static xg_err
setup_tls(xg_ws_test_server *s)
{
    EVP_PKEY *key = NULL;
    X509 *x = NULL;
    xg_err e = xg_test_make_cert(&key, &x);
    if (e == XG_OK) {
        e = xg_test_write_cert(x, s->ca_file, sizeof s->ca_file);
    }
    if (e == XG_OK) {
        s->tls = SSL_CTX_new(TLS_server_method());
        if (s->tls == NULL || SSL_CTX_use_certificate(s->tls, x) != 1 ||
            SSL_CTX_use_PrivateKey(s->tls, key) != 1) {
            e = XG_ERR_INTERNAL;
        }
    }
    X509_free(x);
    EVP_PKEY_free(key);
    return e;
}

/* --- Bytes in and out -------------------------------------------------------
 */

/* Wait until fd is ready for events or the stop pipe fires: 1 ready, 0
 * stop, timeout or error. */
static int
wait_fd(conn *c, short events, int timeout_ms)
{
    struct pollfd p[2] = {{c->fd, events, 0}, {c->s->stop_pipe[0], POLLIN, 0}};
    int r = poll(p, 2, timeout_ms);
    if (r <= 0 || (p[1].revents & POLLIN)) {
        return 0;
    }
    return 1;
}

/* >0 bytes read, 0 end of stream or error, -1 would block. */
static ssize_t
conn_read(conn *c, void *buf, size_t len)
{
    if (c->ssl != NULL) {
        int n = SSL_read(c->ssl, buf, len > INT32_MAX ? INT32_MAX : (int)len);
        if (n > 0) {
            return n;
        }
        int err = SSL_get_error(c->ssl, n);
        return err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE ? -1
                                                                         : 0;
    }
    ssize_t n = recv(c->fd, buf, len, 0);
    if (n < 0) {
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? -1
                                                                         : 0;
    }
    return n;
}

/* >0 bytes written, 0 error, -1 would block. */
static ssize_t
conn_write(conn *c, const void *buf, size_t len)
{
    if (c->ssl != NULL) {
        int n = SSL_write(c->ssl, buf, len > INT32_MAX ? INT32_MAX : (int)len);
        if (n > 0) {
            return n;
        }
        int err = SSL_get_error(c->ssl, n);
        return err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE ? -1
                                                                         : 0;
    }
    ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL);
    if (n < 0) {
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? -1
                                                                         : 0;
    }
    return n;
}

static int
write_all(conn *c, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = conn_write(c, p, len);
        if (n == 0) {
            return 0;
        }
        if (n < 0) {
            if (!wait_fd(c, POLLOUT, IO_WAIT_MS)) {
                return 0;
            }
            continue;
        }
        p += n;
        len -= (size_t)n;
    }
    return 1;
}

static int
tls_accept(conn *c)
{
    c->ssl = SSL_new(c->s->tls);
    if (c->ssl == NULL || SSL_set_fd(c->ssl, c->fd) != 1) {
        return 0;
    }
    for (;;) {
        int r = SSL_accept(c->ssl);
        if (r == 1) {
            return 1;
        }
        int err = SSL_get_error(c->ssl, r);
        short ev = err == SSL_ERROR_WANT_READ    ? POLLIN
                   : err == SSL_ERROR_WANT_WRITE ? POLLOUT
                                                 : 0;
        if (ev == 0 || !wait_fd(c, ev, IO_WAIT_MS)) {
            return 0; /* e.g. the client refused our certificate */
        }
    }
}

/* --- The upgrade
 * -------------------------------------------------------------- */

static char
lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* The value of header name (lowercase) in the request, copied to out. */
static int
find_header(const char *req, const char *name, char *out, size_t cap)
{
    size_t name_len = strlen(name);
    for (const char *line = strstr(req, "\r\n"); line != NULL;
         line = strstr(line, "\r\n")) {
        line += 2;
        size_t i = 0;
        while (i < name_len && line[i] != '\0' && lower(line[i]) == name[i]) {
            i++;
        }
        if (i == name_len && line[i] == ':') {
            const char *v = line + i + 1;
            while (*v == ' ') {
                v++;
            }
            size_t n = strcspn(v, "\r\n");
            if (n + 1 > cap) {
                return 0;
            }
            memcpy(out, v, n);
            out[n] = '\0';
            return 1;
        }
    }
    return 0;
}

static void
accept_value(const char *key, char *out, size_t cap)
{
    char joined[256];
    snprintf(joined, sizeof joined, "%s%s", key, WS_GUID);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    EVP_Digest(joined, strlen(joined), md, &md_len, EVP_sha1(), NULL);
    xg_base64_encode(md, md_len, out, cap);
}

/* Read the request, answer it as the mode says: 1 when the connection
 * goes on as WebSocket. */
static int
upgrade(conn *c)
{
    xg_ws_test_server *s = c->s;
    char req[REQ_MAX + 1];
    size_t len = 0;
    req[0] = '\0';
    while (strstr(req, "\r\n\r\n") == NULL) {
        if (len == REQ_MAX) {
            return 0;
        }
        ssize_t n = conn_read(c, req + len, REQ_MAX - len);
        if (n == 0) {
            return 0;
        }
        if (n < 0) {
            if (!wait_fd(c, POLLIN, IO_WAIT_MS)) {
                return 0;
            }
            n = 0;
        }
        len += (size_t)n;
        req[len] = '\0';
    }
    size_t line_len = strcspn(req, "\r\n");
    snprintf(s->result.request_line, sizeof s->result.request_line, "%.*s",
             (int)line_len, req);
    char key[128];
    if (!find_header(req, "sec-websocket-key", key, sizeof key)) {
        return 0;
    }
    s->result.upgrades++;
    if (s->opt.mode == XG_WS_TEST_BAD_STATUS) {
        static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"
                                 "Connection: close\r\n\r\n";
        write_all(c, ok, sizeof ok - 1);
        return 0;
    }
    char accept[64];
    accept_value(s->opt.mode == XG_WS_TEST_BAD_ACCEPT ? "not the key" : key,
                 accept, sizeof accept);
    char answer[512];
    int n = snprintf(answer, sizeof answer,
                     "HTTP/1.1 101 Switching Protocols\r\n"
                     "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Accept: %s\r\n\r\n",
                     accept);
    if (s->opt.mode == XG_WS_TEST_FRAGMENTS) {
        /* The first fragment in the same write as the answer, so the
         * client finds frame bytes behind the header it reads. */
        n += snprintf(answer + n, sizeof answer - (size_t)n, "%c%c%s",
                      WSLAY_TEXT_FRAME, (int)strlen(FIRST_FRAGMENT),
                      FIRST_FRAGMENT);
    }
    if (!write_all(c, answer, (size_t)n)) {
        return 0;
    }
    return s->opt.mode != XG_WS_TEST_BAD_ACCEPT;
}

/* --- WebSocket
 * ---------------------------------------------------------------- */

static ssize_t
on_recv(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags,
        void *user)
{
    (void)flags;
    ssize_t n = conn_read(user, buf, len);
    if (n <= 0) {
        wslay_event_set_error(ctx, n < 0 ? WSLAY_ERR_WOULDBLOCK
                                         : WSLAY_ERR_CALLBACK_FAILURE);
        return -1;
    }
    return n;
}

static ssize_t
on_send(wslay_event_context_ptr ctx, const uint8_t *data, size_t len, int flags,
        void *user)
{
    (void)flags;
    ssize_t n = conn_write(user, data, len);
    if (n <= 0) {
        wslay_event_set_error(ctx, n < 0 ? WSLAY_ERR_WOULDBLOCK
                                         : WSLAY_ERR_CALLBACK_FAILURE);
        return -1;
    }
    return n;
}

static void
queue(wslay_event_context_ptr ctx, uint8_t opcode, const void *data, size_t len)
{
    struct wslay_event_msg m = {opcode, data, len};
    wslay_event_queue_msg(ctx, &m);
}

static void
on_msg(wslay_event_context_ptr ctx,
       const struct wslay_event_on_msg_recv_arg *arg, void *user)
{
    conn *c = user;
    xg_ws_test_result *r = &c->s->result;
    switch (arg->opcode) {
    case WSLAY_TEXT_FRAME:
        r->texts++;
        queue(ctx, WSLAY_TEXT_FRAME, arg->msg, arg->msg_length);
        break;
    case WSLAY_PONG: {
        char text[140];
        int n = snprintf(text, sizeof text, "pong:%.*s", (int)arg->msg_length,
                         (const char *)arg->msg);
        queue(ctx, WSLAY_TEXT_FRAME, text, (size_t)n);
        break;
    }
    case WSLAY_CONNECTION_CLOSE:
        r->has_client_close = 1;
        r->client_close_code = arg->status_code;
        break;
    default:
        break;
    }
}

/* One unmasked frame (payload below 126 bytes), written raw. */
static int
write_frame(conn *c, int fin, uint8_t opcode, const char *payload)
{
    uint8_t frame[2 + 125];
    size_t n = strlen(payload);
    frame[0] = (uint8_t)((fin ? 0x80 : 0) | opcode);
    frame[1] = (uint8_t)n;
    memcpy(frame + 2, payload, n);
    return write_all(c, frame, 2 + n);
}

/* A text message of len bytes of 'x' in raw frames of at most 60000
 * bytes each (the first TEXT, the rest CONTINUATION, the last FIN). */
static int
write_fragmented(conn *c, size_t len)
{
    enum { PART = 60000 };
    uint8_t *frame = malloc(4 + PART);
    if (frame == NULL) {
        return 0;
    }
    memset(frame + 4, 'x', PART);
    int ok = 1;
    size_t sent = 0;
    do {
        size_t n = len - sent < PART ? len - sent : PART;
        int fin = sent + n == len;
        frame[0] = (uint8_t)((fin ? 0x80 : 0) |
                             (sent == 0 ? WSLAY_TEXT_FRAME
                                        : WSLAY_CONTINUATION_FRAME));
        frame[1] = 126;
        frame[2] = (uint8_t)(n >> 8);
        frame[3] = (uint8_t)n;
        ok = write_all(c, frame, 4 + n);
        sent += n;
    } while (ok && sent < len);
    free(frame);
    return ok;
}

/* What the mode sends first, before answering anything. */
static int
start_mode(conn *c)
{
    const xg_ws_test_options *o = &c->s->opt;
    switch (o->mode) {
    case XG_WS_TEST_FRAGMENTS:
        /* Raw, so the message surely arrives in three frames; the first
         * went with the upgrade answer. */
        return write_frame(c, 0, WSLAY_CONTINUATION_FRAME, "fragmented") &&
               write_frame(c, 1, WSLAY_CONTINUATION_FRAME, " world");
    case XG_WS_TEST_PING:
        queue(c->ctx, WSLAY_PING, XG_WS_TEST_PING_DATA,
              strlen(XG_WS_TEST_PING_DATA));
        return 1;
    case XG_WS_TEST_CLOSE:
        wslay_event_queue_close(c->ctx, o->close_code, (const uint8_t *)"bye",
                                3);
        return 1;
    case XG_WS_TEST_BIG_FRAGMENTS:
        return write_fragmented(c, o->big_len);
    case XG_WS_TEST_BIG: {
        uint8_t *big = malloc(o->big_len);
        if (big == NULL) {
            return 0;
        }
        memset(big, 'x', o->big_len);
        queue(c->ctx, WSLAY_TEXT_FRAME, big, o->big_len); /* copied */
        free(big);
        return 1;
    }
    default:
        return 1;
    }
}

static void
run_websocket(conn *c)
{
    struct wslay_event_callbacks cb = {on_recv, on_send, NULL,  NULL,
                                       NULL,    NULL,    on_msg};
    if (wslay_event_context_server_init(&c->ctx, &cb, c) != 0) {
        return;
    }
    if (start_mode(c)) {
        while (wslay_event_want_read(c->ctx) ||
               wslay_event_want_write(c->ctx)) {
            short ev = (short)(POLLIN |
                               (wslay_event_want_write(c->ctx) ? POLLOUT : 0));
            struct pollfd p[2] = {{c->fd, ev, 0},
                                  {c->s->stop_pipe[0], POLLIN, 0}};
            if (poll(p, 2, LOOP_TICK_MS) < 0 || (p[1].revents & POLLIN)) {
                break;
            }
            if ((p[0].revents & (POLLIN | POLLERR | POLLHUP)) &&
                wslay_event_recv(c->ctx) != 0) {
                break;
            }
            if (wslay_event_want_write(c->ctx) &&
                wslay_event_send(c->ctx) != 0) {
                break;
            }
        }
    }
    wslay_event_context_free(c->ctx);
}

static void
serve_conn(xg_ws_test_server *s, int fd)
{
    conn c = {s, fd, NULL, NULL};
    int fl = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    /* wslay writes a frame's header and payload apart: without this the
     * payload waits for the client's delayed ACK (40 ms a message). */
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    s->result.connections++;
    if ((s->tls == NULL || tls_accept(&c)) && upgrade(&c)) {
        run_websocket(&c);
    }
    if (c.ssl != NULL) {
        SSL_shutdown(c.ssl);
        SSL_free(c.ssl);
    }
    close(fd);
}

static void *
serve(void *arg)
{
    xg_ws_test_server *s = arg;
    for (;;) {
        struct pollfd p[2] = {{s->listen_fd, POLLIN, 0},
                              {s->stop_pipe[0], POLLIN, 0}};
        if (poll(p, 2, -1) < 0 || (p[1].revents & POLLIN)) {
            break;
        }
        int fd = accept(s->listen_fd, NULL, NULL);
        if (fd >= 0) {
            serve_conn(s, fd);
        }
    }
    return NULL;
}

/* --- Start and stop
 * -------------------------------------------------------------- */

static xg_err
listen_loopback(xg_ws_test_server *s)
{
    s->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    if (s->listen_fd < 0) {
        return XG_ERR_IO;
    }
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t alen = sizeof a;
    if (bind(s->listen_fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        listen(s->listen_fd, 8) != 0 ||
        getsockname(s->listen_fd, (struct sockaddr *)&a, &alen) != 0) {
        return XG_ERR_IO;
    }
    s->port = ntohs(a.sin_port);
    return XG_OK;
}

xg_ws_test_server *
xg_ws_test_server_start(const xg_ws_test_options *opt)
{
    xg_ws_test_server *s = calloc(1, sizeof *s);
    if (s == NULL) {
        return NULL;
    }
    s->opt = *opt;
    s->listen_fd = -1;
    s->stop_pipe[0] = s->stop_pipe[1] = -1;
    /* A TLS write to a client that left raises SIGPIPE otherwise. */
    signal(SIGPIPE, SIG_IGN);
    const char *failed = NULL;
    if (listen_loopback(s) != XG_OK) {
        failed = "cannot listen on 127.0.0.1";
    } else if (pipe(s->stop_pipe) != 0) {
        failed = "cannot make the stop pipe";
    } else if (opt->tls && setup_tls(s) != XG_OK) {
        failed = "cannot make the TLS key and certificate";
    } else if (pthread_create(&s->thread, NULL, serve, s) != 0) {
        failed = "cannot start the thread";
    }
    if (failed != NULL) {
        fprintf(stderr, "ws_test_server: %s\n", failed);
        ERR_print_errors_fp(stderr);
        xg_ws_test_server_stop(&s, NULL);
        return NULL;
    }
    s->started = 1;
    return s;
}

int
xg_ws_test_server_port(const xg_ws_test_server *s)
{
    return s->port;
}

const char *
xg_ws_test_server_ca_file(const xg_ws_test_server *s)
{
    return s->ca_file[0] != '\0' ? s->ca_file : NULL;
}

void
xg_ws_test_server_stop(xg_ws_test_server **sp, xg_ws_test_result *out)
{
    xg_ws_test_server *s = *sp;
    if (s == NULL) {
        return;
    }
    if (s->started) {
        ssize_t w = write(s->stop_pipe[1], "x", 1);
        (void)w; /* the pipe is empty and ours: the byte goes in */
        pthread_join(s->thread, NULL);
    }
    if (out != NULL) {
        *out = s->result;
    }
    for (int i = 0; i < 2; i++) {
        if (s->stop_pipe[i] >= 0) {
            close(s->stop_pipe[i]);
        }
    }
    if (s->listen_fd >= 0) {
        close(s->listen_fd);
    }
    SSL_CTX_free(s->tls);
    if (s->ca_file[0] != '\0') {
        unlink(s->ca_file);
    }
    free(s);
    *sp = NULL;
}
