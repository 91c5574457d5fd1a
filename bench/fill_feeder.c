/*
 * fill_feeder.c - see fill_feeder.h. The WebSocket it speaks is the
 * least RFC 6455 a client of ours needs: the upgrade's accept key, masked
 * frames in (text, ping, close; no fragments), unmasked text frames out.
 */
#include "fill_feeder.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#define IN_MAX 16384

struct bench_feeder {
    int listen_fd;
    int port;
    int wake[2]; /* the main thread's pushes and stop, to the thread */
    pthread_t thread;
    _Atomic int64_t pushed_ns;
    _Atomic int is_stopping;
    pthread_mutex_t mu; /* guards push, push_len */
    const char *push;
    size_t push_len;
};

static int64_t
now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

size_t
bench_feeder_frame(char *out, size_t cap, const char *text, size_t len)
{
    size_t head = len < 126 ? 2 : len < 65536 ? 4 : 10;
    if (head + len > cap) {
        return 0;
    }
    out[0] = (char)0x81; /* FIN, text */
    if (len < 126) {
        out[1] = (char)len;
    } else if (len < 65536) {
        out[1] = 126;
        out[2] = (char)(len >> 8);
        out[3] = (char)len;
    } else {
        out[1] = 127;
        for (int i = 0; i < 8; i++) {
            out[2 + i] = (char)((uint64_t)len >> (56 - 8 * i));
        }
    }
    memcpy(out + head, text, len);
    return head + len;
}

static int
send_text(int fd, const char *text)
{
    char frame[512];
    size_t n = bench_feeder_frame(frame, sizeof frame, text, strlen(text));
    return n > 0 ? write_all(fd, frame, n) : -1;
}

/* Read the upgrade request and answer it; 0 on success. */
static int
upgrade(int fd)
{
    char req[8192];
    size_t len = 0;
    while (len < sizeof req - 1) {
        ssize_t n = read(fd, req + len, sizeof req - 1 - len);
        if (n <= 0) {
            return -1;
        }
        len += (size_t)n;
        req[len] = '\0';
        if (strstr(req, "\r\n\r\n") != NULL) {
            break;
        }
    }
    static const char name[] = "Sec-WebSocket-Key:";
    const char *k = NULL;
    for (const char *line = strstr(req, "\r\n"); line != NULL && k == NULL;
         line = strstr(line + 2, "\r\n")) {
        if (strncasecmp(line + 2, name, strlen(name)) == 0) {
            k = line + 2 + strlen(name);
        }
    }
    if (k == NULL) {
        return -1;
    }
    k += strspn(k, " \t");
    char key[128];
    snprintf(key, sizeof key, "%.*s258EAFA5-E914-47DA-95CA-C5AB0DC85B11",
             (int)strcspn(k, " \t\r\n"), k);
    unsigned char md[SHA_DIGEST_LENGTH];
    SHA1((const unsigned char *)key, strlen(key), md);
    char accept[64];
    EVP_EncodeBlock((unsigned char *)accept, md, SHA_DIGEST_LENGTH);
    char resp[256];
    int n = snprintf(resp, sizeof resp,
                     "HTTP/1.1 101 Switching Protocols\r\n"
                     "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Accept: %s\r\n\r\n",
                     accept);
    return write_all(fd, resp, (size_t)n);
}

/* One whole text message from the client: OKX's login, subscription and
 * ping get OKX's answers. */
static int
on_text(int fd, const char *text)
{
    if (strcmp(text, "ping") == 0) {
        return send_text(fd, "pong");
    }
    if (strstr(text, "\"op\":\"login\"") != NULL) {
        return send_text(
            fd, "{\"event\":\"login\",\"code\":\"0\",\"msg\":\"\",\"connId\":"
                "\"feeder\"}");
    }
    if (strstr(text, "\"op\":\"subscribe\"") != NULL) {
        return send_text(fd, "{\"event\":\"subscribe\",\"arg\":{\"channel\":"
                             "\"orders\",\"instType\":\"SPOT\"},\"connId\":"
                             "\"feeder\"}");
    }
    return 0;
}

/* Take the whole frames of in[0..*len) off its front; -1 to close. */
static int
read_frames(int fd, unsigned char *in, size_t *len)
{
    size_t at = 0;
    for (;;) {
        const unsigned char *p = in + at;
        size_t left = *len - at;
        if (left < 2) {
            break;
        }
        size_t head = 2;
        uint64_t n = p[1] & 0x7f;
        if (n == 126) {
            head = 4;
            n = left >= 4 ? (uint64_t)p[2] << 8 | p[3] : 0;
        } else if (n == 127) {
            head = 10;
            n = 0;
            for (int i = 0; i < 8 && left >= 10; i++) {
                n = n << 8 | p[2 + i];
            }
        }
        int is_masked = (p[1] & 0x80) != 0;
        head += is_masked ? 4 : 0;
        if (n > IN_MAX - 16) {
            return -1; /* more than a client of ours sends */
        }
        if (left < head || left - head < n) {
            break;
        }
        char text[IN_MAX];
        for (uint64_t i = 0; i < n; i++) {
            text[i] =
                (char)(p[head + i] ^ (is_masked ? p[head - 4 + i % 4] : 0));
        }
        text[n] = '\0';
        int opcode = p[0] & 0x0f;
        at += head + n;
        if (opcode == 8) {
            return -1;
        }
        if (opcode == 9) { /* ping: pong with its payload */
            char frame[256];
            if (n > 125) {
                return -1;
            }
            frame[0] = (char)0x8a;
            frame[1] = (char)n;
            memcpy(frame + 2, text, n);
            if (write_all(fd, frame, 2 + n) != 0) {
                return -1;
            }
        } else if (opcode == 1 && on_text(fd, text) != 0) {
            return -1;
        }
    }
    memmove(in, in + at, *len - at);
    *len -= at;
    return 0;
}

/* The push waiting, written whole. */
static int
write_push(bench_feeder *f, int fd)
{
    pthread_mutex_lock(&f->mu);
    const char *p = f->push;
    size_t len = f->push_len;
    f->push = NULL;
    f->push_len = 0;
    pthread_mutex_unlock(&f->mu);
    if (p == NULL) {
        return 0;
    }
    int rc = write_all(fd, p, len);
    atomic_store(&f->pushed_ns, now_ns());
    return rc;
}

/* Serve one connection until it closes or the feeder stops. */
static void
serve(bench_feeder *f, int fd)
{
    static unsigned char in[IN_MAX];
    size_t len = 0;
    if (upgrade(fd) != 0) {
        return;
    }
    while (!atomic_load(&f->is_stopping)) {
        struct pollfd p[2] = {{fd, POLLIN, 0}, {f->wake[0], POLLIN, 0}};
        if (poll(p, 2, 1000) < 0 && errno != EINTR) {
            return;
        }
        if (p[1].revents & POLLIN) {
            char b[64];
            (void)!read(f->wake[0], b, sizeof b);
            if (write_push(f, fd) != 0) {
                return;
            }
        }
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = read(fd, in + len, sizeof in - len);
            if (n <= 0) {
                return;
            }
            len += (size_t)n;
            if (read_frames(fd, in, &len) != 0) {
                return;
            }
        }
    }
}

static void *
run(void *arg)
{
    bench_feeder *f = arg;
    while (!atomic_load(&f->is_stopping)) {
        struct pollfd p[2] = {{f->listen_fd, POLLIN, 0},
                              {f->wake[0], POLLIN, 0}};
        if (poll(p, 2, 1000) <= 0 || !(p[0].revents & POLLIN)) {
            continue;
        }
        int fd = accept(f->listen_fd, NULL, NULL);
        if (fd < 0) {
            continue;
        }
        serve(f, fd);
        close(fd);
    }
    return NULL;
}

bench_feeder *
bench_feeder_start(void)
{
    bench_feeder *f = calloc(1, sizeof *f);
    if (f == NULL) {
        return NULL;
    }
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof a;
    f->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    if (f->listen_fd < 0 || bind(f->listen_fd, (struct sockaddr *)&a, alen) ||
        listen(f->listen_fd, 4) ||
        getsockname(f->listen_fd, (struct sockaddr *)&a, &alen) ||
        pipe(f->wake) != 0) {
        perror("bench feeder");
        free(f);
        return NULL;
    }
    f->port = ntohs(a.sin_port);
    pthread_mutex_init(&f->mu, NULL);
    if (pthread_create(&f->thread, NULL, run, f) != 0) {
        perror("bench feeder thread");
        free(f);
        return NULL;
    }
    return f;
}

int
bench_feeder_port(const bench_feeder *f)
{
    return f->port;
}

void
bench_feeder_push(bench_feeder *f, const char *frames, size_t len)
{
    pthread_mutex_lock(&f->mu);
    f->push = frames;
    f->push_len = len;
    pthread_mutex_unlock(&f->mu);
    (void)!write(f->wake[1], "p", 1);
}

int64_t
bench_feeder_pushed_ns(bench_feeder *f)
{
    return atomic_load(&f->pushed_ns);
}

void
bench_feeder_stop(bench_feeder **fp)
{
    bench_feeder *f = *fp;
    if (f == NULL) {
        return;
    }
    atomic_store(&f->is_stopping, 1);
    (void)!write(f->wake[1], "s", 1);
    pthread_join(f->thread, NULL);
    close(f->listen_fd);
    close(f->wake[0]);
    close(f->wake[1]);
    pthread_mutex_destroy(&f->mu);
    free(f);
    *fp = NULL;
}
