/*
 * sim/dialect.h - what a venue dialect plugs into xgsim, and what it gets.
 *
 * xgsim owns the HTTP server, accounts, order book, limit windows, fault
 * injection, admin API and request log; a dialect owns one exchange's
 * REST surface: paths, parameters, signatures, limit rules, response and
 * error bodies. A dialect is a const xg_sim_dialect named
 * xg_sim_dialect_<venue>, defined in a .c file under adapters/<venue>/sim;
 * the build lists every such folder into sim's registry, so adding a venue
 * adds files and changes nothing in sim/.
 *
 * A dialect may also serve the venue's private user-data stream: a
 * WebSocket at the venue's path on the same port (xg_sim_stream_dialect
 * below; sim/ws.c runs the connection, the dialect speaks the venue's
 * messages).
 *
 * Threads: handle() runs on the connection's thread, concurrently with
 * other connections. Everything in xg_sim_venue except the immutable
 * fields noted below is guarded by venue->mu: take it with
 * xg_sim_venue_lock for short critical sections, never across a sleep.
 * The dialect must not keep pointers into book or clients after
 * unlocking.
 */
#ifndef XGATE_SIM_DIALECT_H
#define XGATE_SIM_DIALECT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "xgate/error.h"

#include "book.h"
#include "fixed.h"
#include "log.h"
#include "params.h"
#include "window.h"

#define XG_SIM_VENUE_LEN   16
#define XG_SIM_MAX_HEADERS 10
#define XG_SIM_BODY_MAX    (64 * 1024)

typedef struct xg_sim_venue xg_sim_venue;
typedef struct xg_sim_stream xg_sim_stream;

/* One HTTP request as received. Every pointer is borrowed for the
 * duration of handle(). */
typedef struct xg_sim_request {
    const char *method;
    const char *path;  /* raw path, before any '?' */
    const char *query; /* raw bytes after '?', "" if none */
    size_t query_len;
    const char *body; /* raw body bytes, NUL-terminated for convenience */
    size_t body_len;
    const char *client_ip;
    int64_t t_ms; /* receive time, epoch ms */
    int64_t t_us; /* the same in µs */
    void *conn;   /* server's connection, for header lookups */
} xg_sim_request;

typedef struct xg_sim_header {
    char name[48];
    char value[112];
} xg_sim_header;

/* Orders of one batch request the log shows one by one. */
#define XG_SIM_LOG_BATCH_MAX 20

/* One order of a batch request, for its log entry. */
typedef struct xg_sim_log_item {
    char client_order_id[XG_SIM_LOG_ID_LEN];
    const char *outcome; /* static string, as xg_sim_response's */
    int code;            /* the order's venue code, 0 if none */
} xg_sim_log_item;

/* What a dialect answers. The server sends it and writes the log entry
 * from code, outcome and client_order_id, or, for a batch (n_items > 0),
 * one entry per order from items. */
typedef struct xg_sim_response {
    int status;
    char *body; /* malloc'd; taken by the server */
    size_t body_len;
    xg_sim_header headers[XG_SIM_MAX_HEADERS];
    size_t nheaders;
    int code;            /* venue code for the log, 0 if none */
    const char *outcome; /* static string: placed, rejected, ... */
    char client_order_id[XG_SIM_LOG_ID_LEN];
    xg_sim_log_item items[XG_SIM_LOG_BATCH_MAX];
    size_t n_items;
} xg_sim_response;

/* The clocks of one stream connection (ms; 0 turns one off). */
typedef struct xg_sim_stream_timing {
    int64_t ping_ms;   /* the server sends a ping frame this often */
    int64_t pong_ms;   /* ...and closes if no pong came this long after */
    int64_t idle_ms;   /* closes after this long without a client frame */
    bool is_idle_push; /* a push to the client also counts as traffic */
    int64_t life_ms;   /* closes this long after the upgrade */
} xg_sim_stream_timing;

/*
 * A venue's private stream. sim/ws.c answers the upgrade on `path`, then
 * runs the connection on its own thread: it calls on_text for each text
 * message, render for each change of the followed account's orders
 * (xg_sim_stream_follow), and keeps the clocks of `timing`. The dialect
 * answers through the xg_sim_stream_* calls below. One state per
 * connection, touched only from that connection's thread.
 */
typedef struct xg_sim_stream_dialect {
    const char *path; /* "/ws/v5/private" */
    /* The connection's clocks from the venue's settings (immutable). */
    void (*timing)(const void *settings, xg_sim_stream_timing *out);
    /* Per-connection state after the upgrade (the upgrade's query
     * parameters through xg_sim_stream_param). It may send a greeting.
     * Given: freed by close. NULL on OOM (the connection is closed). */
    void *(*open)(xg_sim_stream *s);
    /* One text message from the client (len bytes, NUL-terminated, not
     * trusted); called without the lock. */
    void (*on_text)(xg_sim_stream *s, void *state, const char *text, size_t len,
                    int64_t now_ms);
    /* The push one feed entry of the followed account makes on this
     * connection, or NULL for none (not subscribed to it). Called with
     * the venue lock held. Given: a malloc'd NUL-terminated text. */
    char *(*render)(xg_sim_stream *s, void *state, const xg_sim_book *b,
                    const xg_sim_feed_entry *e);
    /* Free the state (NULL-safe). */
    void (*close)(void *state);
} xg_sim_stream_dialect;

typedef struct xg_sim_dialect {
    const char *venue; /* "binance": the name in --venue and --set */
    /* Settings with defaults. Given: free with destroy. NULL on OOM. */
    void *(*create)(void);
    void (*destroy)(void *settings);
    /* Apply --set <venue>.key=value. XG_ERR_NOT_FOUND for an unknown key,
     * XG_ERR_INVALID for a bad value. */
    xg_err (*set)(void *settings, const char *key, const char *value);
    /* After settings and accounts are in: add instruments, size windows
     * (v->client_proto, each account's windows). */
    xg_err (*setup)(xg_sim_venue *v);
    /* Answer one non-admin request; called without the lock. */
    void (*handle)(xg_sim_venue *v, const xg_sim_request *req,
                   xg_sim_response *resp);
    /* The client order id a request names (new or original), for the log
     * of a request that is faulted without being executed; "" if none.
     * No lock needed. */
    void (*client_id)(const xg_sim_request *req, char *out, size_t cap);
    /* Fill resp with a venue-shaped error body for a server-made answer
     * (injected 5xx, body too large, ...). No lock needed. */
    void (*error)(xg_sim_response *resp, int status, const char *msg);
    /* Fill resp with the venue's own "too many requests" answer to req
     * (status, code, body, headers, outcome "limited") for an injected
     * "limited" fault: the same answer its limit gate sends, saying the
     * client may retry in retry_after_ms. The request is not executed and
     * is charged to no limit, so it never leads to a ban. Takes the lock
     * itself if it reads state. */
    void (*limited)(xg_sim_venue *v, const xg_sim_request *req,
                    int64_t retry_after_ms, xg_sim_response *resp);
    /* Usage counters for GET /_sim/state; called with the lock held.
     * Given: the new reference. */
    json_t *(*state)(xg_sim_venue *v, int64_t now_ms);
    /* Whether POST /_sim/ban may name the HTTP status of the ban's answer
     * (xg_sim_client.ban_status: 418 or 429). Only a venue whose ban and
     * limit answers share one body can honour it (Binance: -1003 "IP
     * banned until" under 418 or 429); the others refuse the field. */
    bool ban_status;
    /* The venue's base-tier spot fees, in millionths of the amount (the
     * defaults of --set <venue>.maker_fee_ppm / taker_fee_ppm), and the
     * asset it charges them in. */
    int64_t maker_fee_ppm;
    int64_t taker_fee_ppm;
    xg_sim_fee_rule fee_rule;
    /* The venue's private stream, or NULL if the dialect serves none. */
    const xg_sim_stream_dialect *stream;
} xg_sim_dialect;

/* One integer setting of a dialect: its name after "--set <venue>.", the
 * int64_t field of the dialect's settings struct it sets, and its range. */
typedef struct xg_sim_setting {
    const char *name;
    size_t offset;
    int64_t min, max;
} xg_sim_setting;

/* A field named like its setting, in settings struct `type`. */
#define XG_SIM_SETTING(type, name, lo, hi)                                     \
    {                                                                          \
#name, offsetof(type, name), (lo), (hi)                                \
    }

/* A dialect's set() over its table defs[0..n): value must be a plain
 * decimal integer (digits only) within the setting's range. As set():
 * XG_ERR_NOT_FOUND for an unknown key, XG_ERR_INVALID for a bad value. */
xg_err xg_sim_setting_apply(const xg_sim_setting *defs, size_t n,
                            void *settings, const char *key, const char *value);

/* Pending injected faults (admin API). A request takes at most one:
 * a drop first, then a limited answer, then a 5xx. */
typedef struct xg_sim_fault {
    int fail_count;
    int fail_status;
    bool fail_execute;
    int drop_count;
    bool drop_execute;
    int limited_count;
    int64_t limited_retry_ms; /* what the limited answers say */
    int64_t latency_ms;
} xg_sim_fault;

/* Pending injected faults on the venue's private streams (POST
 * /_sim/stream_fault; sim/ws.c acts on them). The counts are the
 * venue's, not a connection's: whichever connection meets the event
 * first takes one. A "push" is a message render makes (an order
 * change); answers to the client's requests are not pushes. */
typedef struct xg_sim_stream_fault {
    int refuse_count;       /* new connections cut right after the 101 */
    int64_t stall_until_ms; /* nothing sent until then (epoch ms); 0 none,
                               INT64_MAX until cleared */
    int64_t delay_ms;       /* every push held this long before it leaves */
    int duplicate_count;    /* pushes sent twice */
    int reorder_count;      /* pairs of adjacent pushes sent swapped */
    int refuse_auth_count;  /* logins refused as with a wrong signature */
    int64_t life_ms;        /* every connection's lifetime cut, counted
                               from its upgrade; 0: the venue's own */
} xg_sim_stream_fault;

/* The venue's open stream connections (sim/ws.c), guarded by mu: each
 * one's wake fd, written when the change feed grows. */
typedef struct xg_sim_stream_hub {
    int *wake_fds;
    size_t n, cap;
    bool is_stopping;    /* the server is stopping: every stream ends */
    uint64_t next_id;    /* connection ids, for connId and the like */
    uint64_t drop_epoch; /* a drop fault counts it up; a connection that
                            joined under an older one is cut */
} xg_sim_stream_hub;

struct xg_sim_venue {
    const xg_sim_dialect *dialect; /* immutable after start */
    void *settings;                /* immutable after start */
    pthread_mutex_t mu;
    xg_sim_book book;
    xg_sim_clients clients;
    /* Window lengths a new client starts with; set by setup. */
    xg_sim_window client_proto[XG_SIM_CLIENT_WINDOWS];
    xg_sim_log log;
    xg_sim_fault fault;
    xg_sim_stream_fault stream_fault;
    int port; /* bound port, set by the server */
    void *daemon;
    xg_sim_stream_hub streams;
};

/* Wall clock, epoch milliseconds. */
int64_t xg_sim_now_ms(void);
/* The same in microseconds, for the request log's timings. */
int64_t xg_sim_now_us(void);

void xg_sim_venue_lock(xg_sim_venue *v);
void xg_sim_venue_unlock(xg_sim_venue *v);

/* The value of request header name (case-insensitive), or NULL.
 * Borrowed for the duration of handle(). */
const char *xg_sim_request_header(const xg_sim_request *req, const char *name);

/* Add a response header (truncated to fit; ignored past
 * XG_SIM_MAX_HEADERS). */
void xg_sim_response_header(xg_sim_response *resp, const char *name,
                            const char *value);

/* Same with an integer value. */
void xg_sim_response_header_int(xg_sim_response *resp, const char *name,
                                int64_t value);

/* Set status and a JSON body (stolen; NULL gives "{}"). */
void xg_sim_response_json(xg_sim_response *resp, int status, json_t *body);

/* Add one order of a batch to the log entries of resp (past
 * XG_SIM_LOG_BATCH_MAX orders, none): its client id ("" if none), outcome
 * (static) and venue code. */
void xg_sim_response_log_item(xg_sim_response *resp, const char *client_id,
                              const char *outcome, int code);

/* Record the client order id for the log (truncated, NULL -> ""). */
void xg_sim_response_client_id(xg_sim_response *resp, const char *id);

/* ---- what a stream dialect calls (sim/ws.c) ----------------------------- */

/* The venue the connection belongs to. */
xg_sim_venue *xg_sim_stream_venue(const xg_sim_stream *s);

/* The connection's id, unique on this venue (8 hex digits): what a
 * venue calls connId. Borrowed for the connection's life. */
const char *xg_sim_stream_id(const xg_sim_stream *s);

/* The value of query parameter name of the upgrade request (decoded),
 * or NULL. Borrowed for the connection's life. */
const char *xg_sim_stream_param(const xg_sim_stream *s, const char *name);

/* Queue one text message (copied). Messages leave in queue order, but
 * for the stream faults: a message sent while render runs is a push and
 * goes through them as the push render returns does (delayed,
 * duplicated, reordered), so an answer may overtake a held push; a
 * stall holds every message. */
void xg_sim_stream_send(xg_sim_stream *s, const char *text, size_t len);

/* The same for a JSON value, compact (stolen). */
void xg_sim_stream_send_json(xg_sim_stream *s, json_t *msg);

/* From now on, render every change of account's orders on this
 * connection (what happened before is not pushed: no venue sends a
 * snapshot). Calling it again for the same account changes nothing;
 * another account replaces the first. Takes the lock. */
void xg_sim_stream_follow(xg_sim_stream *s, size_t account);

/* Close after what is queued: a close frame with code and reason (at
 * most 123 bytes), then the connection ends. */
void xg_sim_stream_close(xg_sim_stream *s, uint16_t code, const char *reason);

/* One request-log entry for the connection: method "WS", the stream
 * path, outcome (static) and venue code (0 if none). Takes the lock. */
void xg_sim_stream_log(xg_sim_stream *s, const char *outcome, int code);

/* Whether this login must be refused by an injected refuse_auth fault
 * (it takes one from the venue's count, and logs "auth_fault"). A
 * dialect asks once its signature check has passed, and refuses exactly
 * as for a wrong signature, so a bad login never uses one up. Takes the
 * lock. */
bool xg_sim_stream_take_auth_refusal(xg_sim_stream *s);

/* NULL-terminated list of every dialect compiled in. */
extern const xg_sim_dialect *const xg_sim_dialects[];

#endif
