/*
 * A blocking WebSocket client for the simulator's stream tests: the
 * upgrade by hand over a plain socket, framing by wslay (client side,
 * masked frames), received text messages kept in a small queue until the
 * test asks for them.
 */
#include "ws_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <wslay/wslay.h>

#define WS_QUEUE 64

struct xg_ws_client {
    int fd;
    wslay_event_context_ptr ctx;
    char *queue[WS_QUEUE]; /* received text messages, oldest first */
    size_t head, count;
    uint16_t close_code;
    size_t pings, pongs; /* control frames from the server */
    bool is_closed;
    bool is_broken;
    const uint8_t *extra; /* bytes read past the 101's headers */
    size_t extra_len;
    char buf[4096];
};

static int64_t
ws_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static ssize_t
ws_recv_cb(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags,
           void *user)
{
    xg_ws_client *c = user;
    ssize_t n = 0;

    (void)flags;
    if (c->extra_len > 0) {
        size_t k = c->extra_len < len ? c->extra_len : len;
        memcpy(buf, c->extra, k);
        c->extra += k;
        c->extra_len -= k;
        return (ssize_t)k;
    }
    n = recv(c->fd, buf, len, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    if (n <= 0) {
        c->is_broken = true;
        wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
        return -1;
    }
    return n;
}

static ssize_t
ws_send_cb(wslay_event_context_ptr ctx, const uint8_t *data, size_t len,
           int flags, void *user)
{
    xg_ws_client *c = user;
    ssize_t n = 0;

    (void)flags;
    n = send(c->fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    if (n < 0) {
        c->is_broken = true;
        wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
        return -1;
    }
    return n;
}

static int
ws_genmask_cb(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, void *user)
{
    (void)ctx;
    (void)user;
    return RAND_bytes(buf, (int)len) == 1 ? 0 : -1;
}

static void
ws_msg_cb(wslay_event_context_ptr ctx,
          const struct wslay_event_on_msg_recv_arg *arg, void *user)
{
    xg_ws_client *c = user;

    (void)ctx;
    if (arg->opcode == WSLAY_PING) {
        c->pings++; /* wslay queues the pong itself */
        return;
    }
    if (arg->opcode == WSLAY_PONG) {
        c->pongs++;
        return;
    }
    if (arg->opcode == WSLAY_CONNECTION_CLOSE) {
        c->is_closed = true;
        c->close_code = arg->status_code;
        return;
    }
    if (arg->opcode != WSLAY_TEXT_FRAME || c->count == WS_QUEUE) {
        return;
    }
    char *text = malloc(arg->msg_length + 1);
    if (text == NULL) {
        return;
    }
    memcpy(text, arg->msg, arg->msg_length);
    text[arg->msg_length] = '\0';
    c->queue[(c->head + c->count) % WS_QUEUE] = text;
    c->count++;
}

/* Write all of buf, blocking. */
static bool
ws_write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        buf += n;
        len -= (size_t)n;
    }
    return true;
}

/* Read the 101's header block (up to the blank line) into c->buf, within
 * 5 s; what follows it stays for wslay. */
static bool
ws_read_head(xg_ws_client *c, const char *want_accept)
{
    size_t len = 0;
    int64_t until = ws_now_ms() + 5000;
    char *end = NULL;

    while (end == NULL) {
        struct pollfd p = {c->fd, POLLIN, 0};
        int64_t left = until - ws_now_ms();
        if (left <= 0 || len + 1 >= sizeof(c->buf) ||
            poll(&p, 1, (int)left) <= 0) {
            return false;
        }
        ssize_t n = recv(c->fd, c->buf + len, sizeof(c->buf) - 1 - len, 0);
        if (n <= 0) {
            return false;
        }
        len += (size_t)n;
        c->buf[len] = '\0';
        end = strstr(c->buf, "\r\n\r\n");
    }
    c->extra = (const uint8_t *)end + 4;
    c->extra_len = len - (size_t)(end + 4 - c->buf);
    *end = '\0';
    return strncmp(c->buf, "HTTP/1.1 101", 12) == 0 &&
           strstr(c->buf, want_accept) != NULL;
}

xg_err
xg_ws_client_connect(int port, const char *target, xg_ws_client **out)
{
    static const struct wslay_event_callbacks callbacks = {
        ws_recv_cb, ws_send_cb, ws_genmask_cb, NULL, NULL, NULL, ws_msg_cb};
    static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    struct sockaddr_in addr;
    unsigned char nonce[16];
    char key[32], accept[32], both[80], req[1024];
    unsigned char digest[SHA_DIGEST_LENGTH];
    xg_ws_client *c = calloc(1, sizeof(*c));

    *out = NULL;
    if (c == NULL) {
        return XG_ERR_NOMEM;
    }
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (c->fd < 0 ||
        connect(c->fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 ||
        RAND_bytes(nonce, sizeof(nonce)) != 1) {
        goto fail;
    }
    EVP_EncodeBlock((unsigned char *)key, nonce, sizeof(nonce));
    snprintf(both, sizeof(both), "%s%s", key, guid);
    SHA1((const unsigned char *)both, strlen(both), digest);
    EVP_EncodeBlock((unsigned char *)accept, digest, sizeof(digest));
    int n = snprintf(req, sizeof(req),
                     "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                     "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n"
                     "\r\n",
                     target, port, key);
    if (n < 0 || (size_t)n >= sizeof(req) ||
        !ws_write_all(c->fd, req, (size_t)n) || !ws_read_head(c, accept) ||
        wslay_event_context_client_init(&c->ctx, &callbacks, c) != 0) {
        goto fail;
    }
    *out = c;
    return XG_OK;

fail:
    xg_ws_client_destroy(&c);
    return XG_ERR_IO;
}

/* Send what wslay has queued, waiting for the socket as needed. */
static xg_err
ws_flush(xg_ws_client *c)
{
    int64_t until = ws_now_ms() + 5000;

    while (wslay_event_want_write(c->ctx)) {
        if (wslay_event_send(c->ctx) != 0 || c->is_broken) {
            return XG_ERR_IO;
        }
        if (wslay_event_want_write(c->ctx)) {
            struct pollfd p = {c->fd, POLLOUT, 0};
            int64_t left = until - ws_now_ms();
            if (left <= 0 || poll(&p, 1, (int)left) <= 0) {
                return XG_ERR_IO;
            }
        }
    }
    return XG_OK;
}

xg_err
xg_ws_client_send(xg_ws_client *c, const char *text)
{
    struct wslay_event_msg msg = {WSLAY_TEXT_FRAME, (const uint8_t *)text,
                                  strlen(text)};

    if (c->is_closed || c->is_broken ||
        wslay_event_queue_msg(c->ctx, &msg) != 0) {
        return XG_ERR_IO;
    }
    return ws_flush(c);
}

xg_err
xg_ws_client_recv(xg_ws_client *c, int timeout_ms, char *out, size_t cap)
{
    int64_t until = ws_now_ms() + timeout_ms;

    for (;;) {
        if (c->count > 0) {
            char *text = c->queue[c->head];
            c->head = (c->head + 1) % WS_QUEUE;
            c->count--;
            snprintf(out, cap, "%s", text);
            free(text);
            return XG_OK;
        }
        if (c->is_closed) {
            return XG_ERR_VENUE_DOWN;
        }
        if (c->is_broken) {
            return XG_ERR_IO;
        }
        int64_t left = until - ws_now_ms();
        struct pollfd p = {c->fd, POLLIN, 0};
        if (c->extra_len == 0) {
            if (left <= 0) {
                return XG_ERR_BUSY;
            }
            if (poll(&p, 1, (int)left) <= 0) {
                return XG_ERR_BUSY;
            }
        }
        /* wslay answers the server's pings and close frame itself. */
        if (wslay_event_recv(c->ctx) != 0 && !c->is_closed) {
            c->is_broken = true;
        }
        (void)ws_flush(c);
    }
}

xg_err
xg_ws_client_ping(xg_ws_client *c)
{
    struct wslay_event_msg msg = {WSLAY_PING, NULL, 0};

    if (c->is_closed || c->is_broken ||
        wslay_event_queue_msg(c->ctx, &msg) != 0) {
        return XG_ERR_IO;
    }
    return ws_flush(c);
}

size_t
xg_ws_client_pings(const xg_ws_client *c)
{
    return c->pings;
}

size_t
xg_ws_client_pongs(const xg_ws_client *c)
{
    return c->pongs;
}

uint16_t
xg_ws_client_close_code(const xg_ws_client *c)
{
    return c->close_code;
}

void
xg_ws_client_destroy(xg_ws_client **c)
{
    if (c == NULL || *c == NULL) {
        return;
    }
    xg_ws_client *p = *c;
    while (p->count > 0) {
        free(p->queue[p->head]);
        p->head = (p->head + 1) % WS_QUEUE;
        p->count--;
    }
    if (p->ctx != NULL) {
        wslay_event_context_free(p->ctx);
    }
    if (p->fd >= 0) {
        close(p->fd);
    }
    free(p);
    *c = NULL;
}
