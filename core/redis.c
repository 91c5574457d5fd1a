/*
 * redis.c - one Redis connection on the gateway's loop: hiredis's async
 * context, its event hooks turned into watches, connect and reconnect
 * with backoff, and the send times that tell how late the oldest reply is.
 *
 * hiredis calls back from inside redisAsyncHandleRead/Write (replies, the
 * connect and disconnect callbacks) and frees the context itself after a
 * disconnect callback; so the context pointer is dropped there, and
 * nothing here touches it afterwards.
 */
#include "redis.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#define BACKOFF_FIRST_MS 100
#define BACKOFF_MAX_MS   5000

static void
note_why(xg__redis *r, const char *why)
{
    snprintf(r->why, sizeof r->why, "%s", why != NULL ? why : "closed");
}

/* --- hiredis's event hooks: they only record what to watch ------------ */

static void
add_read(void *p)
{
    ((xg__redis *)p)->wants_read = 1;
}

static void
del_read(void *p)
{
    ((xg__redis *)p)->wants_read = 0;
}

static void
add_write(void *p)
{
    ((xg__redis *)p)->wants_write = 1;
}

static void
del_write(void *p)
{
    ((xg__redis *)p)->wants_write = 0;
}

static void
cleanup(void *p)
{
    xg__redis *r = p;
    r->wants_read = 0;
    r->wants_write = 0;
}

/* --- replies ------------------------------------------------------------ */

static void
pop_sent(xg__redis *r)
{
    if (r->n_sent > 0) {
        r->sent_head = (r->sent_head + 1) % XG_REDIS_PENDING_MAX;
        r->n_sent--;
    }
}

static void
on_reply(redisAsyncContext *ac, void *reply, void *privdata)
{
    xg__redis *r = ac->data;
    const redisReply *rep = reply;
    /* A subscription's messages after the first are not commands of
     * ours: only replies to commands pop a send time. */
    int is_message = rep != NULL && rep->type == REDIS_REPLY_ARRAY &&
                     rep->elements == 3 &&
                     rep->element[0]->type == REDIS_REPLY_STRING &&
                     strcmp(rep->element[0]->str, "message") == 0;
    if (!is_message) {
        pop_sent(r);
    }
    r->on_reply(r->owner, rep, (uint64_t)(uintptr_t)privdata);
}

static void
went_down(xg__redis *r)
{
    r->ac = NULL; /* hiredis frees it */
    r->wants_read = 0;
    r->wants_write = 0;
    r->n_sent = 0;
    r->sent_head = 0;
    int was_up = r->is_up;
    r->is_up = 0;
    if (was_up) {
        r->backoff_ms = BACKOFF_FIRST_MS;
    }
    r->on_state(r->owner, 0, r->why);
}

static void
on_connect(const redisAsyncContext *ac, int status)
{
    xg__redis *r = ac->data;
    if (status != REDIS_OK) {
        note_why(r, ac->errstr);
        went_down(r); /* hiredis frees ac after this returns */
        return;
    }
    r->is_up = 1;
    r->backoff_ms = BACKOFF_FIRST_MS;
    const char *pw = xg__secret_bytes(r->password);
    if (pw != NULL) {
        const char *argv[] = {"AUTH", pw};
        size_t len[] = {4, r->password->len};
        (void)xg__redis_send(r, 0, 2, argv, len);
    }
    if (r->db != 0) {
        char db[16];
        int n = snprintf(db, sizeof db, "%d", r->db);
        const char *argv[] = {"SELECT", db};
        size_t len[] = {6, (size_t)n};
        (void)xg__redis_send(r, 0, 2, argv, len);
    }
    r->on_state(r->owner, 1, "");
}

static void
on_disconnect(const redisAsyncContext *ac, int status)
{
    xg__redis *r = ac->data;
    note_why(r, status == REDIS_OK ? "closed" : ac->errstr);
    went_down(r);
}

/* --- life ---------------------------------------------------------------- */

void
xg__redis_init(xg__redis *r, const char *host, int port, int db,
               const xg__secret *password, int64_t connect_timeout_ms,
               void *owner, xg__redis_reply_fn *on_reply_fn,
               xg__redis_state_fn *on_state)
{
    memset(r, 0, sizeof *r);
    r->host = host;
    r->port = port;
    r->db = db;
    r->password = password;
    r->connect_timeout_ms = connect_timeout_ms;
    r->owner = owner;
    r->on_reply = on_reply_fn;
    r->on_state = on_state;
    r->backoff_ms = BACKOFF_FIRST_MS;
}

void
xg__redis_drop(xg__redis *r, const char *why)
{
    if (r->ac == NULL) {
        return;
    }
    note_why(r, why);
    redisAsyncContext *ac = r->ac;
    /* Nothing may be sent on it while it is freed (the owner hears the
     * pending commands answered NULL meanwhile); and redisAsyncFree calls
     * no disconnect callback: say it here. */
    r->ac = NULL;
    ac->onDisconnect = NULL;
    redisAsyncFree(ac);
    went_down(r);
}

void
xg__redis_fini(xg__redis *r)
{
    r->on_state = NULL;
    if (r->ac != NULL) {
        redisAsyncContext *ac = r->ac;
        ac->onDisconnect = NULL;
        r->ac = NULL;
        redisAsyncFree(ac);
    }
}

static void
start_connect(xg__redis *r, int64_t now_ms)
{
    redisAsyncContext *ac = redisAsyncConnect(r->host, r->port);
    if (ac == NULL || ac->err) {
        note_why(r, ac != NULL ? ac->errstr : "out of memory");
        if (ac != NULL) {
            redisAsyncFree(ac);
        }
        r->next_connect_ms = now_ms + r->backoff_ms;
        r->backoff_ms = r->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS
                                                           : r->backoff_ms * 2;
        if (r->on_state != NULL) {
            r->on_state(r->owner, 0, r->why);
        }
        return;
    }
    xg__redis_guard_reader(ac->c.reader);
    ac->data = r;
    ac->ev.data = r;
    ac->ev.addRead = add_read;
    ac->ev.delRead = del_read;
    ac->ev.addWrite = add_write;
    ac->ev.delWrite = del_write;
    ac->ev.cleanup = cleanup;
    redisAsyncSetConnectCallback(ac, on_connect);
    redisAsyncSetDisconnectCallback(ac, on_disconnect);
    r->ac = ac;
    r->connect_start_ms = now_ms;
    /* The connect completes on the first writable event. */
    r->wants_write = 1;
    r->next_connect_ms = now_ms + r->backoff_ms;
    r->backoff_ms =
        r->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : r->backoff_ms * 2;
}

xg_err
xg__redis_send(xg__redis *r, uint64_t tag, int argc, const char **argv,
               const size_t *argvlen)
{
    if (r->ac == NULL || !r->is_up) {
        return XG_ERR_IO;
    }
    if (r->n_sent == XG_REDIS_PENDING_MAX) {
        return XG_ERR_BUSY;
    }
    if (redisAsyncCommandArgv(r->ac, on_reply, (void *)(uintptr_t)tag, argc,
                              argv, argvlen) != REDIS_OK) {
        return XG_ERR_IO;
    }
    size_t at = (r->sent_head + r->n_sent) % XG_REDIS_PENDING_MAX;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    r->sent_ms[at] = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
    r->n_sent++;
    return XG_OK;
}

int64_t
xg__redis_oldest_ms(const xg__redis *r)
{
    return r->n_sent > 0 ? r->sent_ms[r->sent_head] : 0;
}

void
xg__redis_tick(xg__redis *r, int64_t now_ms, int64_t timeout_ms)
{
    if (r->ac == NULL) {
        if (now_ms >= r->next_connect_ms) {
            start_connect(r, now_ms);
        }
        return;
    }
    if (!r->is_up && now_ms - r->connect_start_ms >= r->connect_timeout_ms) {
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
    if (r->ac == NULL) {
        int64_t left = r->next_connect_ms - now_ms;
        return left > 0 ? left : 0;
    }
    if (!r->is_up) {
        int64_t left = r->connect_start_ms + r->connect_timeout_ms - now_ms;
        return left > 0 ? left : 0;
    }
    return r->n_sent > 0 ? 10 : -1; /* a pending reply is watched for age */
}

size_t
xg__redis_watches(const xg__redis *r, xg__watch *out, size_t cap)
{
    if (r->ac == NULL || cap == 0 || (!r->wants_read && !r->wants_write)) {
        return 0;
    }
    out[0].fd = r->ac->c.fd;
    out[0].events = (short)((r->wants_read ? XG_WATCH_IN : 0) |
                            (r->wants_write ? XG_WATCH_OUT : 0));
    return 1;
}

void
xg__redis_perform(xg__redis *r, const xg__watch *ready, size_t n)
{
    for (size_t i = 0; i < n && r->ac != NULL; i++) {
        if (ready[i].fd != r->ac->c.fd) {
            continue;
        }
        /* Either call may end the connection (r->ac becomes NULL). */
        if (ready[i].events & XG_WATCH_IN) {
            redisAsyncHandleRead(r->ac);
        }
        if (r->ac != NULL && (ready[i].events & XG_WATCH_OUT)) {
            redisAsyncHandleWrite(r->ac);
        }
        return;
    }
}
