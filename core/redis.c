/*
 * redis.c - one Redis connection on the gateway's loop: a netconn for the
 * bytes, hiredis's formatter and reader for RESP, reconnects with
 * backoff, and the tags and send times of the commands not answered yet.
 *
 * Replies come back in the order commands went, so each reply takes the
 * oldest tag. The one exception is a subscription's messages (arrays
 * whose first element is "message"), which answer no command: they go to
 * the owner with tag 0 and take nothing. A reply callback may send more
 * commands (they queue behind what is being read) but never drops the
 * connection (xg__redis_drop says so).
 */
#include "redis.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hiredis/hiredis.h>

#define BACKOFF_FIRST_MS 100
#define BACKOFF_MAX_MS   5000
#define READ_CHUNK       16384

static int64_t
mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void
note_why(xg__redis *r, const char *what, const char *detail)
{
    snprintf(r->why, sizeof r->why, "%s%s%s", what, detail[0] ? ": " : "",
             detail);
}

/* --- life ------------------------------------------------------------------
 */

void
xg__redis_init(xg__redis *r, const xg__redis_target *to, void *owner,
               xg__redis_reply_fn *on_reply, xg__redis_state_fn *on_state)
{
    memset(r, 0, sizeof *r);
    r->to = *to;
    r->owner = owner;
    r->on_reply = on_reply;
    r->on_state = on_state;
    r->backoff_ms = BACKOFF_FIRST_MS;
}

/* Forget the connection: every unanswered command is answered NULL, the
 * owner hears it went down (unless quiet). */
static void
close_conn(xg__redis *r, int is_quiet)
{
    xg__netconn_destroy(&r->conn);
    if (r->reader != NULL) {
        redisReaderFree(r->reader);
        r->reader = NULL;
    }
    r->out_len = 0;
    int was_up = r->is_up;
    r->is_up = 0;
    while (r->n_sent > 0) {
        uint64_t tag = r->tags[r->sent_head];
        r->sent_head = (r->sent_head + 1) % XG_REDIS_PENDING_MAX;
        r->n_sent--;
        r->on_reply(r->owner, NULL, tag);
    }
    r->sent_head = 0;
    if (was_up) {
        r->backoff_ms = BACKOFF_FIRST_MS;
    }
    if (!is_quiet && r->on_state != NULL) {
        r->on_state(r->owner, 0, r->why);
    }
}

void
xg__redis_fini(xg__redis *r)
{
    r->on_state = NULL;
    close_conn(r, 1);
    free(r->out);
    r->out = NULL;
    r->out_cap = 0;
}

void
xg__redis_drop(xg__redis *r, const char *why)
{
    if (r->conn == NULL) {
        return;
    }
    note_why(r, why, "");
    close_conn(r, 0);
}

static void
start_connect(xg__redis *r, int64_t now_ms)
{
    char url[320];
    snprintf(url, sizeof url, "%s://%s:%d", r->to.is_tls ? "https" : "http",
             r->to.host, r->to.port);
    const xg__netconn_options opt = {(long)r->to.connect_timeout_ms, 1,
                                     r->to.ca_file};
    r->conn = xg__netconn_open(url, &opt);
    r->reader = redisReaderCreate();
    r->connect_start_ms = now_ms;
    r->next_connect_ms = now_ms + r->backoff_ms;
    r->backoff_ms =
        r->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : r->backoff_ms * 2;
    if (r->conn == NULL || r->reader == NULL) {
        note_why(r, "out of memory", "");
        close_conn(r, 0);
        return;
    }
    xg__redis_guard_reader(r->reader);
}

/* --- writing -----------------------------------------------------------------
 */

/* Write what the socket takes now; 0 when the connection broke. */
static int
flush(xg__redis *r)
{
    size_t off = 0;
    while (off < r->out_len) {
        size_t n = 0;
        xg_err e =
            xg__netconn_send(r->conn, r->out + off, r->out_len - off, &n);
        if (e == XG_ERR_BUSY) {
            break;
        }
        if (e != XG_OK) {
            note_why(r, "connection broke", xg__netconn_why(r->conn));
            return 0;
        }
        off += n;
    }
    memmove(r->out, r->out + off, r->out_len - off);
    /* What left may have been AUTH's password: no copy stays behind. */
    memset(r->out + r->out_len - off, 0, off);
    r->out_len -= off;
    return 1;
}

static xg_err
queue(xg__redis *r, const char *cmd, size_t len)
{
    if (r->out_len + len > r->out_cap) {
        size_t cap = r->out_cap > 0 ? r->out_cap : 4096;
        while (cap < r->out_len + len) {
            cap *= 2;
        }
        char *p = realloc(r->out, cap);
        if (p == NULL) {
            return XG_ERR_NOMEM;
        }
        r->out = p;
        r->out_cap = cap;
    }
    memcpy(r->out + r->out_len, cmd, len);
    r->out_len += len;
    return XG_OK;
}

xg_err
xg__redis_send(xg__redis *r, uint64_t tag, int argc, const char **argv,
               const size_t *argvlen)
{
    if (r->conn == NULL || !r->is_up) {
        return XG_ERR_IO;
    }
    if (r->n_sent == XG_REDIS_PENDING_MAX) {
        return XG_ERR_BUSY;
    }
    char *cmd = NULL;
    int len = redisFormatCommandArgv(&cmd, argc, argv, argvlen);
    if (len < 0) {
        return XG_ERR_NOMEM;
    }
    xg_err e = queue(r, cmd, (size_t)len);
    if (cmd != NULL && argc > 0 && strcmp(argv[0], "AUTH") == 0) {
        memset(cmd, 0, (size_t)len); /* it held the password */
    }
    redisFreeCommand(cmd);
    if (e != XG_OK) {
        return e;
    }
    size_t at = (r->sent_head + r->n_sent) % XG_REDIS_PENDING_MAX;
    r->tags[at] = tag;
    r->sent_ms[at] = mono_ms();
    r->n_sent++;
    /* Out now if the socket takes it: no wait for the next turn. A broken
     * connection is found by the next perform. */
    (void)flush(r);
    return XG_OK;
}

/* --- reading -----------------------------------------------------------------
 */

static int
is_message(const redisReply *rep)
{
    return rep->type == REDIS_REPLY_ARRAY && rep->elements == 3 &&
           rep->element[0]->type == REDIS_REPLY_STRING &&
           strcmp(rep->element[0]->str, "message") == 0;
}

/* Read what came and hand over every whole reply; 0 when the connection
 * ended or sent what is no reply. */
static int
read_replies(xg__redis *r)
{
    char buf[READ_CHUNK];
    int is_end = 0; /* the replies that came before the end still count */
    for (;;) {
        size_t n = 0;
        xg_err e = xg__netconn_recv(r->conn, buf, sizeof buf, &n);
        if (e == XG_ERR_BUSY) {
            break;
        }
        if (e != XG_OK || n == 0) {
            note_why(r, e != XG_OK ? "connection broke" : "closed by Redis",
                     e != XG_OK ? xg__netconn_why(r->conn) : "");
            is_end = 1;
            break;
        }
        if (redisReaderFeed(r->reader, buf, n) != REDIS_OK) {
            note_why(r, "out of memory", "");
            return 0;
        }
    }
    for (;;) {
        void *reply = NULL;
        if (redisReaderGetReply(r->reader, &reply) != REDIS_OK) {
            note_why(r, "Redis sent no reply", r->reader->errstr);
            return 0;
        }
        if (reply == NULL) {
            return !is_end; /* the rest of it is still on its way */
        }
        const redisReply *rep = reply;
        uint64_t tag = 0;
        if (!is_message(rep)) {
            if (r->n_sent == 0) {
                freeReplyObject(reply);
                note_why(r, "Redis answered what was not asked", "");
                return 0;
            }
            tag = r->tags[r->sent_head];
            r->sent_head = (r->sent_head + 1) % XG_REDIS_PENDING_MAX;
            r->n_sent--;
        }
        r->on_reply(r->owner, rep, tag);
        freeReplyObject(reply);
    }
}

/* --- the loop's side
 * ---------------------------------------------------------- */

/* The connection just opened: AUTH and SELECT first, then the owner. */
static void
came_up(xg__redis *r)
{
    r->is_up = 1;
    r->backoff_ms = BACKOFF_FIRST_MS;
    const char *pw = xg__secret_bytes(r->to.password);
    if (pw != NULL) {
        const char *argv[] = {"AUTH", pw};
        size_t len[] = {4, r->to.password->len};
        (void)xg__redis_send(r, 0, 2, argv, len);
    }
    if (r->to.db != 0) {
        char db[16];
        int n = snprintf(db, sizeof db, "%d", r->to.db);
        const char *argv[] = {"SELECT", db};
        size_t len[] = {6, (size_t)n};
        (void)xg__redis_send(r, 0, 2, argv, len);
    }
    r->on_state(r->owner, 1, "");
}

void
xg__redis_perform(xg__redis *r, const xg__watch *ready, size_t n)
{
    if (r->conn == NULL) {
        return;
    }
    if (!r->is_up) {
        xg__netconn_perform(r->conn, ready, n);
        switch (xg__netconn_get_state(r->conn)) {
        case XG_NETCONN_OPEN:
            came_up(r);
            return;
        case XG_NETCONN_FAILED:
            note_why(r, "cannot connect", xg__netconn_why(r->conn));
            close_conn(r, 0);
            return;
        case XG_NETCONN_CONNECTING:
            return;
        }
    }
    int fd = xg__netconn_fd(r->conn);
    for (size_t i = 0; i < n; i++) {
        if (ready[i].fd != fd) {
            continue;
        }
        int is_ok = 1;
        if (ready[i].events & XG_WATCH_IN) {
            is_ok = read_replies(r);
        }
        if (is_ok && (ready[i].events & XG_WATCH_OUT)) {
            is_ok = flush(r);
        }
        if (!is_ok) {
            close_conn(r, 0);
        }
        return;
    }
}

int64_t
xg__redis_oldest_ms(const xg__redis *r)
{
    return r->n_sent > 0 ? r->sent_ms[r->sent_head] : 0;
}

void
xg__redis_tick(xg__redis *r, int64_t now_ms, int64_t timeout_ms)
{
    if (r->conn == NULL) {
        if (now_ms >= r->next_connect_ms) {
            start_connect(r, now_ms);
        }
        return;
    }
    if (!r->is_up && now_ms - r->connect_start_ms >= r->to.connect_timeout_ms) {
        xg__redis_drop(r, "connect timed out");
        return;
    }
    /* A reply this late means Redis is stuck or the path to it is: the
     * connection is dropped so the next one starts clean, and what was
     * asked is answered NULL (the owner falls back meanwhile). */
    int64_t oldest = xg__redis_oldest_ms(r);
    if (oldest != 0 && now_ms - oldest >= timeout_ms * 4) {
        xg__redis_drop(r, "no reply in time");
    }
}

int64_t
xg__redis_timeout_ms(const xg__redis *r, int64_t now_ms)
{
    if (r->conn == NULL) {
        int64_t left = r->next_connect_ms - now_ms;
        return left > 0 ? left : 0;
    }
    if (!r->is_up) {
        int64_t left = r->connect_start_ms + r->to.connect_timeout_ms - now_ms;
        long curl_left = xg__netconn_timeout_ms(r->conn);
        if (curl_left >= 0 && curl_left < left) {
            left = curl_left;
        }
        return left > 0 ? left : 0;
    }
    return r->n_sent > 0 ? 10 : -1; /* a pending reply is watched for age */
}

size_t
xg__redis_watches(const xg__redis *r, xg__watch *out, size_t cap)
{
    if (r->conn == NULL || cap == 0) {
        return 0;
    }
    if (!r->is_up) {
        return xg__netconn_watches(r->conn, out, cap);
    }
    out[0].fd = xg__netconn_fd(r->conn);
    out[0].events = (short)(XG_WATCH_IN | (r->out_len > 0 ? XG_WATCH_OUT : 0));
    return 1;
}
