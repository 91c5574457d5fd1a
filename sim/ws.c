/*
 * The private streams' WebSocket connections: the upgrade answer, the
 * framing (wslay, server side) and the loop each connection runs on its
 * HTTP connection's thread, which libmicrohttpd lets block in
 * thread-per-connection mode.
 *
 * The loop polls the upgraded socket and the connection's eventfd, which
 * the book's change feed writes (xg_sim_ws_notify) whenever an order of
 * the venue changes. Each pass it drains the feed from the connection's
 * cursor (the followed account's entries go to the dialect's render,
 * whose pushes are queued in feed order), keeps the dialect's clocks
 * (server pings and their pongs, the idle cut, the lifetime cut) and
 * moves the market to the present, so a resting order the walk fills is
 * pushed even when no REST request comes. Text from the client goes to
 * the dialect's on_text; wslay answers ping frames and close frames
 * itself. A connection whose cursor fell behind the ring's start has
 * lost events it can never push: it is closed (1011), as a venue drops a
 * stream it cannot serve, so the client reconnects and reconciles.
 *
 * The venue's stream faults (xg_sim_stream_fault, POST /_sim/stream_fault)
 * act here; ws_pass reads the plan under the lock each pass, and the
 * admin API wakes every connection when it changes. A drop cuts each
 * connection that joined before it, shutting the socket down with no
 * close frame, as a network cut looks to the client, and refuses the
 * next few new ones right after their 101. A stall sends nothing at all
 * (pushes, answers, server pings, wslay's own pongs) but goes on reading,
 * so a client that gives up is seen, and on rendering, so the pushes of
 * the stall leave when it ends; the cuts and pings wait for it too.
 * Pushes (what render makes, as opposed to answers) do not go straight
 * to wslay but through a queue of their own: a duplicate fault marks one
 * to be sent twice, a reorder fault holds one back until the next comes
 * and goes first (or WS_REORDER_WAIT_MS passes), a delay keeps each
 * until it is old enough, in order. A refuse_auth fault is carried out
 * by the dialect, which asks xg_sim_stream_take_auth_refusal; a lifetime
 * fault stands in for the venue's lifetime cut.
 *
 * Owns each connection's wslay context, eventfd, cursor and held
 * pushes; the venue's hub (the wake fds, the drop epoch) and fault plan
 * are guarded by the venue lock; the dialect owns what the messages say.
 */
#include "ws.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <wslay/wslay.h>

/* The longest the loop sleeps: how often the market is brought to the
 * present for a followed account, and how late a stop is noticed at
 * worst. */
#define WS_TICK_MS 100
/* How long a closing connection waits for the client's close frame. */
#define WS_CLOSE_WAIT_MS 1000
/* Largest message accepted from a client, as the REST body limit. */
#define WS_MSG_MAX XG_SIM_BODY_MAX
/* Feed entries rendered per pass, so one busy account cannot hold the
 * venue lock for long; the rest wait for the next pass. */
#define WS_BATCH 256
/* How long a push held for a reorder fault waits for the push it is to
 * be swapped with before it goes alone, so a lone push is never held
 * for good. */
#define WS_REORDER_WAIT_MS 50

/* A push not yet handed to wslay. */
typedef struct ws_held {
    char *text; /* malloc'd, owned; NULL: none */
    size_t len;
    int64_t made_ms;
    bool is_twice; /* a duplicate fault: sent two times */
} ws_held;

struct xg_sim_stream {
    xg_sim_venue *v;
    const xg_sim_stream_dialect *d;
    struct MHD_Connection *con;
    void *state;
    int sock;
    int wake_fd;
    wslay_event_context_ptr ctx;
    char id[16];
    const char *extra_in; /* bytes MHD read past the request */
    size_t extra_len;
    xg_sim_stream_timing timing;
    bool is_following;
    size_t account;
    int64_t cursor; /* next feed seq to read */
    bool is_closing;
    int64_t close_ms; /* when the close was asked for */
    /* wslay sends control frames before queued messages, so the close
     * frame waits here until what was queued before it has left. */
    bool is_close_pending;
    uint16_t close_code;
    char close_reason[124];
    bool is_failed; /* the socket broke: stop at once */
    int64_t open_ms;
    int64_t last_rx_ms;   /* last frame from the client */
    int64_t last_push_ms; /* last push to the client */
    int64_t ping_ms;      /* last ping sent */
    bool is_pong_due;     /* a ping sent since ping_due_ms is unanswered */
    int64_t ping_due_ms;  /* the oldest unanswered ping */
    /* The stream faults (xg_sim_stream_fault). */
    uint64_t drop_epoch; /* the hub's when this connection joined */
    bool is_dropped;     /* cut by a drop fault: no close frame */
    bool is_stalled;     /* a stall holds this pass: nothing is sent */
    bool is_rendering;   /* render runs: what it sends is a push */
    ws_held *held;       /* pushes waiting to leave, oldest first */
    size_t held_first, held_n, held_cap;
    ws_held partner; /* a push waiting for the one to go before it */
};

/* ---- the upgrade -------------------------------------------------------- */

static bool
ws_header_has(const char *value, const char *token)
{
    size_t n = strlen(token);

    /* A comma-separated list ("keep-alive, Upgrade"); tokens compared
     * case-insensitively. */
    for (const char *p = value; p != NULL && *p != '\0';) {
        while (*p == ' ' || *p == '\t' || *p == ',') {
            p++;
        }
        if (strncasecmp(p, token, n) == 0 &&
            (p[n] == '\0' || p[n] == ',' || p[n] == ' ' || p[n] == '\t')) {
            return true;
        }
        p = strchr(p, ',');
    }
    return false;
}

bool
xg_sim_ws_is_upgrade(const xg_sim_venue *v, const xg_sim_request *req)
{
    const xg_sim_stream_dialect *d = v->dialect->stream;
    const char *upgrade = NULL;
    const char *key = NULL;
    const char *version = NULL;

    if (d == NULL || strcmp(req->method, "GET") != 0 ||
        strcmp(req->path, d->path) != 0) {
        return false;
    }
    upgrade = xg_sim_request_header(req, "Upgrade");
    key = xg_sim_request_header(req, "Sec-WebSocket-Key");
    version = xg_sim_request_header(req, "Sec-WebSocket-Version");
    /* The key is 16 random bytes in base64 (RFC 6455, 4.1). */
    return upgrade != NULL && ws_header_has(upgrade, "websocket") &&
           key != NULL && strlen(key) == 24 && version != NULL &&
           strcmp(version, "13") == 0;
}

/* base64(SHA-1(key + the RFC 6455 GUID)) into out. */
static void
ws_accept_value(const char *key, char out[32])
{
    static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    char buf[24 + sizeof(guid)];
    unsigned char digest[SHA_DIGEST_LENGTH];

    memcpy(buf, key, 24);
    memcpy(buf + 24, guid, sizeof(guid) - 1);
    SHA1((const unsigned char *)buf, 24 + sizeof(guid) - 1, digest);
    EVP_EncodeBlock((unsigned char *)out, digest, SHA_DIGEST_LENGTH);
}

/* One log entry for the stream path (client_id: the order it is about,
 * or NULL), the lock held. */
static void
ws_log_locked(xg_sim_venue *v, const char *method, int status,
              const char *outcome, int code, const char *client_id)
{
    xg_sim_log_entry entry;

    memset(&entry, 0, sizeof(entry));
    entry.t_us = xg_sim_now_us();
    entry.t_ms = entry.t_us / 1000;
    entry.done_us = entry.t_us;
    entry.status = status;
    entry.code = code;
    snprintf(entry.method, sizeof(entry.method), "%s", method);
    snprintf(entry.path, sizeof(entry.path), "%s", v->dialect->stream->path);
    snprintf(entry.outcome, sizeof(entry.outcome), "%s", outcome);
    if (client_id != NULL) {
        snprintf(entry.client_order_id, sizeof(entry.client_order_id), "%.*s",
                 (int)sizeof(entry.client_order_id) - 1, client_id);
    }
    /* Out of memory for the log loses the entry, not the connection. */
    (void)xg_sim_log_add(&v->log, &entry);
}

static void
ws_log_entry(xg_sim_venue *v, const char *method, int status,
             const char *outcome, int code)
{
    xg_sim_venue_lock(v);
    ws_log_locked(v, method, status, outcome, code, NULL);
    xg_sim_venue_unlock(v);
}

static void ws_run(void *cls, struct MHD_Connection *con, void *con_cls,
                   const char *extra_in, size_t extra_in_size, MHD_socket sock,
                   struct MHD_UpgradeResponseHandle *urh);

enum MHD_Result
xg_sim_ws_upgrade(xg_sim_venue *v, struct MHD_Connection *con,
                  const xg_sim_request *req)
{
    char accept[32];
    struct MHD_Response *r = NULL;
    enum MHD_Result ret = MHD_NO;

    ws_accept_value(xg_sim_request_header(req, "Sec-WebSocket-Key"), accept);
    r = MHD_create_response_for_upgrade(ws_run, v);
    if (r == NULL) {
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_UPGRADE, "websocket");
    MHD_add_response_header(r, "Sec-WebSocket-Accept", accept);
    ret = MHD_queue_response(con, MHD_HTTP_SWITCHING_PROTOCOLS, r);
    MHD_destroy_response(r);
    ws_log_entry(v, "GET", ret == MHD_YES ? 101 : 0,
                 ret == MHD_YES ? "upgraded" : "failed", 0);
    return ret;
}

/* ---- the hub --------------------------------------------------------------
 */

void
xg_sim_ws_notify(void *venue)
{
    xg_sim_venue *v = venue;
    uint64_t one = 1;

    for (size_t i = 0; i < v->streams.n; i++) {
        /* A full counter (never in practice) already wakes the reader. */
        (void)!write(v->streams.wake_fds[i], &one, sizeof(one));
    }
}

void
xg_sim_ws_fault_changed(xg_sim_venue *v, bool drop_open)
{
    if (drop_open) {
        v->streams.drop_epoch++;
    }
    /* A stall that ends or a delay that shrinks lets held pushes go now,
     * not at the connection's next tick. */
    xg_sim_ws_notify(v);
}

void
xg_sim_ws_stop(xg_sim_venue *v)
{
    xg_sim_venue_lock(v);
    v->streams.is_stopping = true;
    xg_sim_ws_notify(v);
    xg_sim_venue_unlock(v);
}

/* Add s to the hub and give it an id; false if the server is stopping
 * or memory ran out. */
static bool
ws_hub_join(xg_sim_stream *s)
{
    xg_sim_stream_hub *h = &s->v->streams;
    bool ok = false;

    xg_sim_venue_lock(s->v);
    if (!h->is_stopping && h->n == h->cap) {
        size_t cap = h->cap != 0 ? h->cap * 2 : 16;
        int *fds = realloc(h->wake_fds, cap * sizeof(*fds));
        if (fds != NULL) {
            h->wake_fds = fds;
            h->cap = cap;
        }
    }
    if (!h->is_stopping && h->n < h->cap) {
        h->wake_fds[h->n++] = s->wake_fd;
        snprintf(s->id, sizeof(s->id), "%08llx",
                 (unsigned long long)(++h->next_id & 0xffffffffULL));
        s->drop_epoch = h->drop_epoch;
        ok = true;
    }
    xg_sim_venue_unlock(s->v);
    return ok;
}

/* Whether a drop fault refuses this new connection (one taken). */
static bool
ws_take_refusal(xg_sim_stream *s)
{
    xg_sim_stream_fault *f = &s->v->stream_fault;
    bool is_refused = false;

    xg_sim_venue_lock(s->v);
    if (f->refuse_count > 0) {
        f->refuse_count--;
        is_refused = true;
    }
    xg_sim_venue_unlock(s->v);
    return is_refused;
}

static void
ws_hub_leave(xg_sim_stream *s)
{
    xg_sim_stream_hub *h = &s->v->streams;

    xg_sim_venue_lock(s->v);
    for (size_t i = 0; i < h->n; i++) {
        if (h->wake_fds[i] == s->wake_fd) {
            h->wake_fds[i] = h->wake_fds[--h->n];
            break;
        }
    }
    if (h->n == 0) {
        free(h->wake_fds);
        h->wake_fds = NULL;
        h->cap = 0;
    }
    xg_sim_venue_unlock(s->v);
}

/* ---- what the dialect calls -----------------------------------------------
 */

xg_sim_venue *
xg_sim_stream_venue(const xg_sim_stream *s)
{
    return s->v;
}

const char *
xg_sim_stream_id(const xg_sim_stream *s)
{
    return s->id;
}

const char *
xg_sim_stream_param(const xg_sim_stream *s, const char *name)
{
    return MHD_lookup_connection_value(s->con, MHD_GET_ARGUMENT_KIND, name);
}

/* Hand one text message to wslay. */
static void
ws_queue_text(xg_sim_stream *s, const char *text, size_t len)
{
    struct wslay_event_msg msg = {WSLAY_TEXT_FRAME, (const uint8_t *)text, len};

    /* Fails only when a close was queued or memory ran out; either way
     * the connection is ending. */
    if (wslay_event_queue_msg(s->ctx, &msg) != 0) {
        s->is_failed = true;
    }
}

/* Append *h to the pushes waiting to leave; its text is taken (freed
 * if memory runs out, which ends the connection). */
static void
ws_hold(xg_sim_stream *s, const ws_held *h)
{
    if (s->held_first + s->held_n == s->held_cap && s->held_first > 0) {
        memmove(s->held, s->held + s->held_first, s->held_n * sizeof(*s->held));
        s->held_first = 0;
    }
    if (s->held_n == s->held_cap) {
        size_t cap = s->held_cap != 0 ? s->held_cap * 2 : 16;
        ws_held *grown = realloc(s->held, cap * sizeof(*grown));
        if (grown == NULL) {
            free(h->text);
            s->is_failed = true;
            return;
        }
        s->held = grown;
        s->held_cap = cap;
    }
    s->held[s->held_first + s->held_n++] = *h;
}

/* One push made now (text taken), the lock held: through the venue's
 * duplicate and reorder faults into the pushes waiting to leave, which
 * ws_release hands on when no stall or delay holds them. */
static void
ws_push(xg_sim_stream *s, char *text, size_t len, int64_t now)
{
    xg_sim_stream_fault *f = &s->v->stream_fault;
    ws_held h = {text, len, now, false};

    if (f->duplicate_count > 0) {
        f->duplicate_count--;
        h.is_twice = true;
        ws_log_locked(s->v, "WS", 0, "duplicated", 0, NULL);
    }
    if (s->partner.text != NULL) {
        ws_hold(s, &h);
        ws_hold(s, &s->partner);
        s->partner.text = NULL;
        ws_log_locked(s->v, "WS", 0, "reordered", 0, NULL);
    } else if (f->reorder_count > 0) {
        f->reorder_count--;
        s->partner = h;
    } else {
        ws_hold(s, &h);
    }
}

void
xg_sim_stream_send(xg_sim_stream *s, const char *text, size_t len)
{
    if (s->is_closing) {
        return;
    }
    if (!s->is_rendering) {
        ws_queue_text(s, text, len);
        return;
    }
    char *copy = malloc(len + 1);
    if (copy == NULL) {
        s->is_failed = true;
        return;
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    ws_push(s, copy, len, xg_sim_now_ms());
}

void
xg_sim_stream_send_json(xg_sim_stream *s, json_t *msg)
{
    char *text = msg != NULL ? json_dumps(msg, JSON_COMPACT) : NULL;

    json_decref(msg);
    if (text == NULL) {
        s->is_failed = true;
        return;
    }
    xg_sim_stream_send(s, text, strlen(text));
    free(text);
}

void
xg_sim_stream_follow(xg_sim_stream *s, size_t account)
{
    if (s->is_following && s->account == account) {
        return;
    }
    xg_sim_venue_lock(s->v);
    s->cursor = s->v->book.feed.head + 1;
    xg_sim_venue_unlock(s->v);
    s->account = account;
    s->is_following = true;
}

void
xg_sim_stream_close(xg_sim_stream *s, uint16_t code, const char *reason)
{
    if (s->is_closing) {
        return;
    }
    /* A close frame's reason fits in 123 bytes (RFC 6455, 5.5). */
    snprintf(s->close_reason, sizeof(s->close_reason), "%s",
             reason != NULL ? reason : "");
    s->close_code = code;
    s->is_close_pending = true;
    s->is_closing = true;
    s->close_ms = xg_sim_now_ms();
}

/* Queue the close frame once every message before it has been sent. */
static void
ws_close_when_sent(xg_sim_stream *s)
{
    if (!s->is_close_pending || s->held_n > 0 || s->partner.text != NULL ||
        wslay_event_get_queued_msg_count(s->ctx) > 0) {
        return;
    }
    s->is_close_pending = false;
    if (wslay_event_queue_close(s->ctx, s->close_code,
                                (const uint8_t *)s->close_reason,
                                strlen(s->close_reason)) != 0) {
        s->is_failed = true;
    }
}

void
xg_sim_stream_log(xg_sim_stream *s, const char *outcome, int code)
{
    ws_log_entry(s->v, "WS", 0, outcome, code);
}

bool
xg_sim_stream_take_auth_refusal(xg_sim_stream *s)
{
    xg_sim_stream_fault *f = &s->v->stream_fault;
    bool is_refused = false;

    xg_sim_venue_lock(s->v);
    if (f->refuse_auth_count > 0) {
        f->refuse_auth_count--;
        is_refused = true;
        ws_log_locked(s->v, "WS", 0, "auth_fault", 0, NULL);
    }
    xg_sim_venue_unlock(s->v);
    return is_refused;
}

/* ---- wslay's callbacks ----------------------------------------------------
 */

static ssize_t
ws_recv_cb(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags,
           void *user)
{
    xg_sim_stream *s = user;
    ssize_t n = 0;

    (void)flags;
    if (s->extra_len > 0) {
        size_t k = s->extra_len < len ? s->extra_len : len;
        memcpy(buf, s->extra_in, k);
        s->extra_in += k;
        s->extra_len -= k;
        return (ssize_t)k;
    }
    do {
        n = recv(s->sock, buf, len, 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    if (n <= 0) {
        wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
        return -1;
    }
    return n;
}

static ssize_t
ws_send_cb(wslay_event_context_ptr ctx, const uint8_t *data, size_t len,
           int flags, void *user)
{
    xg_sim_stream *s = user;
    ssize_t n = 0;

    (void)flags;
    do {
        n = send(s->sock, data, len, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    if (n < 0) {
        wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
        return -1;
    }
    return n;
}

static void
ws_msg_cb(wslay_event_context_ptr ctx,
          const struct wslay_event_on_msg_recv_arg *arg, void *user)
{
    xg_sim_stream *s = user;
    int64_t now = xg_sim_now_ms();

    (void)ctx;
    s->last_rx_ms = now;
    if (arg->opcode == WSLAY_PONG) {
        s->is_pong_due = false;
        return;
    }
    if (arg->opcode == WSLAY_BINARY_FRAME) {
        /* Every venue here speaks text (JSON or "ping"). */
        xg_sim_stream_close(s, 1003, "binary frames are not accepted");
        return;
    }
    if (arg->opcode != WSLAY_TEXT_FRAME || s->is_closing) {
        return;
    }
    /* wslay's buffer is not NUL-terminated; the dialect gets one that
     * is. */
    char *text = malloc(arg->msg_length + 1);
    if (text == NULL) {
        s->is_failed = true;
        return;
    }
    memcpy(text, arg->msg, arg->msg_length);
    text[arg->msg_length] = '\0';
    s->d->on_text(s, s->state, text, arg->msg_length, now);
    free(text);
}

/* ---- the loop -------------------------------------------------------------
 */

/* Render the followed account's new feed entries (lock taken here). */
static void
ws_drain(xg_sim_stream *s, int64_t now)
{
    xg_sim_book *b = &s->v->book;
    size_t done = 0;

    xg_sim_venue_lock(s->v);
    xg_sim_book_advance(b, now);
    if (s->cursor < xg_sim_book_feed_oldest(b)) {
        xg_sim_venue_unlock(s->v);
        xg_sim_stream_log(s, "lost_events", 0);
        xg_sim_stream_close(s, 1011, "events lost");
        return;
    }
    while (s->cursor <= b->feed.head && done < WS_BATCH && !s->is_closing) {
        const xg_sim_feed_entry *e = xg_sim_book_feed_entry(b, s->cursor);
        s->cursor++;
        if (e == NULL || e->account != s->account) {
            /* NULL: the ring could not be allocated for that entry. */
            continue;
        }
        s->is_rendering = true;
        char *text = s->d->render(s, s->state, b, e);
        s->is_rendering = false;
        if (text != NULL && s->is_closing) {
            free(text);
        } else if (text != NULL) {
            ws_push(s, text, strlen(text), now);
            if (e->kind == XG_SIM_CHANGE_FILL) {
                /* When the venue told the fill, for a benchmark to time
                 * it to the client's own event. */
                ws_log_locked(s->v, "WS", 0, "fill_pushed", 0,
                              b->orders[e->order].client_id);
            }
        }
        done++;
    }
    xg_sim_venue_unlock(s->v);
}

/* Hand wslay the waiting pushes whose time has come, oldest first: none
 * while a stall holds, each once it is delay_ms old. A push still
 * waiting for its reorder partner after WS_REORDER_WAIT_MS (or when the
 * connection closes, so no partner will come) goes alone. */
static void
ws_release(xg_sim_stream *s, int64_t now, int64_t delay_ms)
{
    if (s->partner.text != NULL &&
        (s->is_closing || now - s->partner.made_ms >= WS_REORDER_WAIT_MS)) {
        ws_hold(s, &s->partner);
        s->partner.text = NULL;
        xg_sim_stream_log(s, "reorder_alone", 0);
    }
    while (!s->is_stalled && s->held_n > 0) {
        ws_held *h = &s->held[s->held_first];
        if (now - h->made_ms < delay_ms) {
            break;
        }
        ws_queue_text(s, h->text, h->len);
        if (h->is_twice) {
            ws_queue_text(s, h->text, h->len);
        }
        free(h->text);
        s->held_first++;
        s->held_n--;
        s->last_push_ms = now;
    }
    if (s->held_n == 0) {
        s->held_first = 0;
    }
}

/* What the venue's stream faults and state say to one connection this
 * pass, read under the lock. */
typedef struct ws_faults {
    bool is_stopping;
    bool is_dropped;
    int64_t stall_until_ms;
    int64_t delay_ms;
    int64_t life_ms; /* the lifetime cut in force, 0 none */
} ws_faults;

static void
ws_faults_read(xg_sim_stream *s, ws_faults *out)
{
    const xg_sim_stream_fault *f = &s->v->stream_fault;

    xg_sim_venue_lock(s->v);
    out->is_stopping = s->v->streams.is_stopping;
    out->is_dropped = s->v->streams.drop_epoch != s->drop_epoch;
    out->stall_until_ms = f->stall_until_ms;
    out->delay_ms = f->delay_ms;
    out->life_ms = f->life_ms > 0 ? f->life_ms : s->timing.life_ms;
    xg_sim_venue_unlock(s->v);
}

/* The earlier of *at and t (t 0: none). */
static void
ws_deadline(int64_t *at, int64_t t)
{
    if (t > 0 && (*at == 0 || t < *at)) {
        *at = t;
    }
}

/* One pass of the faults, the clocks and the feed; returns the poll
 * timeout (ms). */
static int
ws_pass(xg_sim_stream *s, int64_t now)
{
    const xg_sim_stream_timing *t = &s->timing;
    int64_t at = now + WS_TICK_MS;
    int64_t last = s->last_rx_ms;
    ws_faults f;

    ws_faults_read(s, &f);
    if (f.is_dropped) {
        s->is_dropped = true;
        xg_sim_stream_log(s, "dropped", 0);
        return 0;
    }
    /* A stopping server is not held up by a stall. */
    s->is_stalled = !f.is_stopping && f.stall_until_ms > now;
    if (t->is_idle_push && s->last_push_ms > last) {
        last = s->last_push_ms;
    }
    /* A stalled venue sends nothing, not even the frames of its own
     * cuts and pings: those clocks wait for the stall to end. */
    if (!s->is_closing && !s->is_stalled) {
        if (f.is_stopping) {
            xg_sim_stream_close(s, 1001, "server stopping");
        } else if (f.life_ms > 0 && now - s->open_ms >= f.life_ms) {
            xg_sim_stream_log(s, "lifetime", 0);
            xg_sim_stream_close(s, 1000, "connection lifetime reached");
        } else if (t->idle_ms > 0 && now - last >= t->idle_ms) {
            xg_sim_stream_log(s, "idle_cut", 0);
            xg_sim_stream_close(s, 1000, "idle");
        } else if (t->pong_ms > 0 && s->is_pong_due &&
                   now - s->ping_due_ms >= t->pong_ms) {
            xg_sim_stream_log(s, "pong_late", 0);
            xg_sim_stream_close(s, 1000, "pong timeout");
        }
    }
    if (!s->is_closing && !s->is_stalled && t->ping_ms > 0 &&
        now - s->ping_ms >= t->ping_ms) {
        struct wslay_event_msg ping = {WSLAY_PING, NULL, 0};
        if (wslay_event_queue_msg(s->ctx, &ping) != 0) {
            s->is_failed = true;
        }
        s->ping_ms = now;
        if (!s->is_pong_due) {
            s->is_pong_due = true;
            s->ping_due_ms = now;
        }
    }
    if (!s->is_closing && s->is_following) {
        ws_drain(s, now);
    }
    ws_release(s, now, f.delay_ms);
    if (s->is_stalled) {
        if (s->is_closing) {
            /* What the close waits for cannot leave yet: its wait
             * starts when the stall ends. */
            s->close_ms = now;
        }
        ws_deadline(&at, f.stall_until_ms);
        return at > now ? (int)(at - now) : 0;
    }
    if (s->held_n > 0) {
        ws_deadline(&at, s->held[s->held_first].made_ms + f.delay_ms);
    }
    if (s->partner.text != NULL) {
        ws_deadline(&at, s->partner.made_ms + WS_REORDER_WAIT_MS);
    }
    if (s->is_closing) {
        ws_deadline(&at, s->close_ms + WS_CLOSE_WAIT_MS);
    } else {
        ws_deadline(&at, f.life_ms > 0 ? s->open_ms + f.life_ms : 0);
        ws_deadline(&at, t->idle_ms > 0 ? last + t->idle_ms : 0);
        ws_deadline(&at, t->ping_ms > 0 ? s->ping_ms + t->ping_ms : 0);
        ws_deadline(&at, t->pong_ms > 0 && s->is_pong_due
                             ? s->ping_due_ms + t->pong_ms
                             : 0);
    }
    return at > now ? (int)(at - now) : 0;
}

static void
ws_loop(xg_sim_stream *s)
{
    for (;;) {
        int64_t now = xg_sim_now_ms();
        int timeout = ws_pass(s, now);
        ws_close_when_sent(s);
        if (s->is_failed || s->is_dropped ||
            (s->is_closing && now - s->close_ms >= WS_CLOSE_WAIT_MS) ||
            (!wslay_event_want_read(s->ctx) &&
             !wslay_event_want_write(s->ctx))) {
            return;
        }
        /* A stall reads on (so a client that gives up is seen) but
         * sends nothing, wslay's own pongs included. */
        bool can_send = !s->is_stalled && wslay_event_want_write(s->ctx);
        struct pollfd fds[2] = {{s->sock, 0, 0}, {s->wake_fd, POLLIN, 0}};
        if (wslay_event_want_read(s->ctx)) {
            fds[0].events |= POLLIN;
        }
        if (can_send) {
            fds[0].events |= POLLOUT;
        }
        if (poll(fds, 2, timeout) < 0 && errno != EINTR) {
            return;
        }
        if (fds[1].revents & POLLIN) {
            uint64_t count = 0;
            (void)!read(s->wake_fd, &count, sizeof(count));
        }
        if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) &&
            wslay_event_recv(s->ctx) != 0) {
            return;
        }
        if (!s->is_stalled && wslay_event_want_write(s->ctx) &&
            wslay_event_send(s->ctx) != 0) {
            return;
        }
    }
}

/* libmicrohttpd's upgrade handler: runs the whole connection. */
static void
ws_run(void *cls, struct MHD_Connection *con, void *con_cls,
       const char *extra_in, size_t extra_in_size, MHD_socket sock,
       struct MHD_UpgradeResponseHandle *urh)
{
    static const struct wslay_event_callbacks callbacks = {
        ws_recv_cb, ws_send_cb, NULL, NULL, NULL, NULL, ws_msg_cb};
    xg_sim_stream s;
    int flags = 0;

    (void)con_cls;
    memset(&s, 0, sizeof(s));
    s.v = cls;
    s.d = s.v->dialect->stream;
    s.con = con;
    s.sock = sock;
    s.extra_in = extra_in;
    s.extra_len = extra_in_size;
    s.open_ms = xg_sim_now_ms();
    s.last_rx_ms = s.open_ms;
    s.ping_ms = s.open_ms;
    s.d->timing(s.v->settings, &s.timing);
    s.wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    flags = fcntl(sock, F_GETFL);
    if (s.wake_fd < 0 || flags < 0 ||
        fcntl(sock, F_SETFL, flags | O_NONBLOCK) < 0) {
        goto done;
    }
    if (wslay_event_context_server_init(&s.ctx, &callbacks, &s) != 0) {
        goto done;
    }
    wslay_event_config_set_max_recv_msg_length(s.ctx, WS_MSG_MAX);
    if (!ws_hub_join(&s)) {
        goto done;
    }
    if (ws_take_refusal(&s)) {
        s.is_dropped = true;
        xg_sim_stream_log(&s, "refused", 0);
    } else {
        s.state = s.d->open(&s);
        if (s.state != NULL) {
            ws_loop(&s);
        }
    }
    if (s.is_dropped) {
        /* What a network cut looks like to the client: the TCP
         * connection ends, no close frame before it. */
        (void)shutdown(sock, SHUT_RDWR);
    }
    xg_sim_stream_log(&s, "closed", 0);
    ws_hub_leave(&s);
    s.d->close(s.state);

done:
    for (size_t i = 0; i < s.held_n; i++) {
        free(s.held[s.held_first + i].text);
    }
    free(s.held);
    free(s.partner.text);
    if (s.ctx != NULL) {
        wslay_event_context_free(s.ctx);
    }
    if (s.wake_fd >= 0) {
        close(s.wake_fd);
    }
    MHD_upgrade_action(urh, MHD_UPGRADE_ACTION_CLOSE);
}
