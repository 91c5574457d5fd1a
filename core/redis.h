/*
 * redis.h - one Redis connection on the gateway's loop (core-private).
 *
 * The bytes travel on a netconn (netconn.c: libcurl connects without
 * blocking, DNS included, over TCP or TLS with the system's CA store or a
 * given file); hiredis formats the commands and reads the replies
 * (redisFormatCommandArgv, redisReader). A command never blocks the loop:
 * it is written as far as the socket takes it, the rest when the loop
 * says the socket is writable, and its reply comes back in a later turn
 * through the owner's callback with the tag it was sent with. Replies
 * arrive in the order the commands were sent, so the oldest unanswered
 * command's age is known: the owner reads it to call Redis slow. The
 * connection is made and remade here, with backoff, and AUTH and SELECT
 * go first on each; what else to send once it is up (the owner's scripts
 * and subscriptions) is the owner's, told by the state callback.
 */
#ifndef XGATE_REDIS_H
#define XGATE_REDIS_H

#include <stddef.h>
#include <stdint.h>

#include "netconn.h"
#include "secret.h"
#include "transport.h"
#include "xgate/error.h"

struct redisReader;
struct redisReply;

/* A reply to the command sent with tag; NULL when the connection went
 * before it was answered. A subscription's messages come with tag 0. */
typedef void xg__redis_reply_fn(void *owner, const struct redisReply *r,
                                uint64_t tag);
/* The connection is up (is_up 1, AUTH sent) or went down (0, with why). */
typedef void xg__redis_state_fn(void *owner, int is_up, const char *why);

#define XG_REDIS_PENDING_MAX 4096

typedef struct xg__redis_target {
    const char *host; /* borrowed */
    int port;
    int db;
    int is_tls;
    const char *ca_file;        /* TLS: NULL for the system's CA store */
    const xg__secret *password; /* borrowed; unset: no AUTH */
    int64_t connect_timeout_ms;
} xg__redis_target;

typedef struct xg__redis {
    xg__redis_target to;
    void *owner;
    xg__redis_reply_fn *on_reply;
    xg__redis_state_fn *on_state;

    xg__netconn *conn; /* NULL between connections */
    int is_up;         /* connected: commands may be sent */
    struct redisReader *reader;
    char *out; /* formatted commands not yet taken by the socket */
    size_t out_len, out_cap;
    int64_t connect_start_ms; /* mono ms the current attempt began */
    int64_t next_connect_ms;  /* mono ms of the next attempt */
    int64_t backoff_ms;
    char why[160]; /* the last failure, for the state callback */
    /* Tags and send times (mono ms) of unanswered commands, oldest
     * first. */
    uint64_t tags[XG_REDIS_PENDING_MAX];
    int64_t sent_ms[XG_REDIS_PENDING_MAX];
    size_t sent_head, n_sent;
} xg__redis;

/* Set up (no I/O yet: the first xg__redis_tick connects). to is copied;
 * the strings it points to are borrowed. */
void xg__redis_init(xg__redis *r, const xg__redis_target *to, void *owner,
                    xg__redis_reply_fn *on_reply, xg__redis_state_fn *on_state);

/* Close; pending commands are answered NULL. */
void xg__redis_fini(xg__redis *r);

/* Send argv as one command. XG_ERR_IO when not up, XG_ERR_BUSY when too
 * many are unanswered. */
xg_err xg__redis_send(xg__redis *r, uint64_t tag, int argc, const char **argv,
                      const size_t *argvlen);

/* Drop the connection now (pending commands are answered NULL, the
 * owner hears it is down); the next tick connects again, to host and
 * port as they are then. Not from inside a reply callback. */
void xg__redis_drop(xg__redis *r, const char *why);

/* Connect when due, give up on a connect or a reply that takes too long
 * (timeout_ms: the reply; the connect has connect_timeout_ms). */
void xg__redis_tick(xg__redis *r, int64_t now_mono_ms, int64_t timeout_ms);

/* Mono ms the oldest unanswered command was sent, 0 if none. */
int64_t xg__redis_oldest_ms(const xg__redis *r);

/* Milliseconds until xg__redis_tick has something to do, -1 if never. */
int64_t xg__redis_timeout_ms(const xg__redis *r, int64_t now_mono_ms);

/* Make rd refuse replies no caller of ours needs, before it allocates
 * for them (redis_read.c): every connection's reader is guarded. */
void xg__redis_guard_reader(struct redisReader *rd);

size_t xg__redis_watches(const xg__redis *r, xg__watch *out, size_t cap);
void xg__redis_perform(xg__redis *r, const xg__watch *ready, size_t n);

#endif
