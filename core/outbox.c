/*
 * outbox.c - strategy messages held until the turn's end, and replies
 * held for clients that do not read (see outbox.h).
 */
#include "outbox.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "log.h"

/* A buffer grown past this by a burst is freed on the next idle turn. */
#define KEEP_BYTES (1024 * 1024)

/* Each record: this header, then head_len bytes, then body_len bytes. */
typedef struct record {
    uint8_t sock;
    uint8_t delimiter;
    uint32_t head_len;
    uint32_t body_len;
} record;

void
xg__outbox_init(xg__outbox *ob, void *router_sock, void *pub_sock)
{
    memset(ob, 0, sizeof *ob);
    ob->router_sock = router_sock;
    ob->pub_sock = pub_sock;
}

static void
buf_free(xg__outbox_buf *b)
{
    free(b->mem);
    b->mem = NULL;
    b->len = b->cap = 0;
}

void
xg__outbox_free(xg__outbox *ob)
{
    buf_free(&ob->turn);
    buf_free(&ob->held);
    free(ob->seals);
    ob->seals = NULL;
    ob->n_seals = ob->cap_seals = 0;
    free(ob->peers);
    ob->peers = NULL;
    ob->n_peers = ob->cap_peers = 0;
}

static int
buf_reserve(xg__outbox_buf *b, size_t more)
{
    if (b->cap - b->len >= more) {
        return 0;
    }
    size_t cap = b->cap > 0 ? b->cap : 64 * 1024;
    while (cap - b->len < more) {
        cap *= 2;
    }
    char *mem = realloc(b->mem, cap);
    if (mem == NULL) {
        return -1;
    }
    b->mem = mem;
    b->cap = cap;
    return 0;
}

static int
buf_append(xg__outbox_buf *b, const record *rec, const void *head,
           const void *body)
{
    if (buf_reserve(b, sizeof *rec + rec->head_len + rec->body_len) != 0) {
        return -1;
    }
    memcpy(b->mem + b->len, rec, sizeof *rec);
    b->len += sizeof *rec;
    memcpy(b->mem + b->len, head, rec->head_len);
    b->len += rec->head_len;
    memcpy(b->mem + b->len, body, rec->body_len);
    b->len += rec->body_len;
    return 0;
}

/* Send one message without waiting. Returns 0 when ZeroMQ took it, else
 * the errno: EAGAIN when a client's queue is full (the ROUTER is
 * mandatory, so it says so instead of dropping), EHOSTUNREACH when the
 * client is gone. PUB never refuses: a slow subscriber loses events at
 * its high-water mark. */
static int
send_now(const xg__outbox *ob, xg__outbox_sock sock, const void *head,
         size_t head_len, int delimiter, const void *body, size_t body_len)
{
    void *s = sock == XG_OUTBOX_REPLY ? ob->router_sock : ob->pub_sock;
    if (zmq_send(s, head, head_len, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0) {
        return zmq_errno();
    }
    if (delimiter) {
        zmq_send(s, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT);
    }
    zmq_send(s, body, body_len, ZMQ_DONTWAIT);
    return 0;
}

void
xg__outbox_add(xg__outbox *ob, xg__outbox_sock sock, const void *head,
               size_t head_len, int delimiter, const void *body,
               size_t body_len)
{
    record rec = {(uint8_t)sock, (uint8_t)(delimiter != 0), (uint32_t)head_len,
                  (uint32_t)body_len};
    if (head_len > UINT32_MAX || body_len > UINT32_MAX ||
        buf_append(&ob->turn, &rec, head, body) != 0) {
        (void)send_now(ob, sock, head, head_len, delimiter, body, body_len);
    }
}

static xg__outbox_peer *
find_peer(const xg__outbox *ob, const void *id, size_t len)
{
    for (size_t i = 0; i < ob->n_peers; i++) {
        xg__outbox_peer *p = &ob->peers[i];
        if (p->id_len == len && memcmp(p->id, id, len) == 0) {
            return p;
        }
    }
    return NULL;
}

size_t
xg__outbox_held(const xg__outbox *ob, const void *peer, size_t len)
{
    const xg__outbox_peer *p = find_peer(ob, peer, len);
    return p != NULL ? p->n_held : 0;
}

static xg__outbox_peer *
add_peer(xg__outbox *ob, const void *id, size_t len)
{
    if (len > XG_OUTBOX_PEER_MAX) {
        return NULL;
    }
    if (ob->n_peers == ob->cap_peers) {
        size_t cap = ob->cap_peers > 0 ? ob->cap_peers * 2 : 8;
        xg__outbox_peer *p = realloc(ob->peers, cap * sizeof *p);
        if (p == NULL) {
            return NULL;
        }
        ob->peers = p;
        ob->cap_peers = cap;
    }
    xg__outbox_peer *p = &ob->peers[ob->n_peers++];
    memset(p, 0, sizeof *p);
    memcpy(p->id, id, len);
    p->id_len = len;
    return p;
}

/* Keep a reply ZeroMQ would not take, after the client's others. */
static void
hold(xg__outbox *ob, xg__outbox_peer *p, const record *rec, const char *head,
     const char *body)
{
    if (p == NULL) {
        p = add_peer(ob, head, rec->head_len);
    }
    if (p == NULL || p->n_held >= XG_OUTBOX_HELD_MAX ||
        buf_append(&ob->held, rec, head, body) != 0) {
        if (p != NULL && p->n_lost++ % 10000 == 0) {
            xg__warn("a client reads no replies: %zu held, %zu lost", p->n_held,
                     p->n_lost);
        }
        return;
    }
    p->n_held++;
}

/* Offer the held replies in order; keep those a full client refuses. */
static void
retry_held(xg__outbox *ob)
{
    for (size_t i = 0; i < ob->n_peers; i++) {
        ob->peers[i].is_full = 0;
    }
    size_t at = 0, kept = 0;
    xg__outbox_buf *b = &ob->held;
    while (at < b->len) {
        record rec;
        memcpy(&rec, b->mem + at, sizeof rec);
        size_t size = sizeof rec + rec.head_len + rec.body_len;
        const char *head = b->mem + at + sizeof rec;
        xg__outbox_peer *p = find_peer(ob, head, rec.head_len);
        int err = EAGAIN;
        if (p != NULL && !p->is_full) {
            err = send_now(ob, XG_OUTBOX_REPLY, head, rec.head_len,
                           rec.delimiter, head + rec.head_len, rec.body_len);
        }
        if (err == EAGAIN && p != NULL) {
            p->is_full = 1;
            memmove(b->mem + kept, b->mem + at, size);
            kept += size;
        } else if (p != NULL) {
            p->n_held--; /* sent, or the client is gone */
        }
        at += size;
    }
    b->len = kept;
    size_t n = 0;
    for (size_t i = 0; i < ob->n_peers; i++) {
        if (ob->peers[i].n_held > 0) {
            ob->peers[n++] = ob->peers[i];
        }
    }
    ob->n_peers = n;
}

void
xg__outbox_seal(xg__outbox *ob, uint64_t seq)
{
    size_t from = ob->n_seals > 0 ? ob->seals[ob->n_seals - 1].end : 0;
    if (ob->turn.len == from) {
        return; /* the turn said nothing */
    }
    if (ob->n_seals > 0 && ob->seals[ob->n_seals - 1].seq == seq) {
        ob->seals[ob->n_seals - 1].end = ob->turn.len; /* same frame */
        return;
    }
    if (ob->n_seals == ob->cap_seals) {
        size_t cap = ob->cap_seals > 0 ? ob->cap_seals * 2 : 16;
        xg__outbox_mark *p = realloc(ob->seals, cap * sizeof *p);
        if (p == NULL) {
            return; /* left unsealed: the next turn's seal covers them,
                       with a later frame - late, never early */
        }
        ob->seals = p;
        ob->cap_seals = cap;
    }
    ob->seals[ob->n_seals++] = (xg__outbox_mark){ob->turn.len, seq};
}

void
xg__outbox_flush(xg__outbox *ob, uint64_t durable)
{
    if (ob->held.len > 0) {
        retry_held(ob);
    }
    size_t n_ready = 0;
    while (n_ready < ob->n_seals && ob->seals[n_ready].seq <= durable) {
        n_ready++;
    }
    if (n_ready == 0) {
        return;
    }
    size_t end = ob->seals[n_ready - 1].end;
    size_t at = 0;
    xg__outbox_buf *b = &ob->turn;
    while (at < end) {
        record rec;
        memcpy(&rec, b->mem + at, sizeof rec);
        const char *head = b->mem + at + sizeof rec;
        const char *body = head + rec.head_len;
        at += sizeof rec + rec.head_len + rec.body_len;
        if (rec.sock == XG_OUTBOX_EVENT) {
            (void)send_now(ob, XG_OUTBOX_EVENT, head, rec.head_len, 0, body,
                           rec.body_len);
            continue;
        }
        xg__outbox_peer *p = find_peer(ob, head, rec.head_len);
        if (p == NULL &&
            send_now(ob, XG_OUTBOX_REPLY, head, rec.head_len, rec.delimiter,
                     body, rec.body_len) != EAGAIN) {
            continue; /* sent, or nobody left to send it to */
        }
        hold(ob, p, &rec, head, body);
    }
    /* What waits moves to the front; it is rare (journal "full" only)
     * and small (the turns of one disk sync). */
    memmove(b->mem, b->mem + end, b->len - end);
    b->len -= end;
    ob->n_seals -= n_ready;
    for (size_t i = 0; i < ob->n_seals; i++) {
        ob->seals[i] = ob->seals[n_ready + i];
        ob->seals[i].end -= end;
    }
}

int
xg__outbox_shrink(xg__outbox *ob)
{
    int freed = 0;
    if (ob->turn.len == 0 && ob->turn.cap > KEEP_BYTES) {
        buf_free(&ob->turn);
        freed = 1;
    }
    if (ob->held.len == 0 && ob->held.cap > 0) {
        freed |= ob->held.cap > KEEP_BYTES;
        buf_free(&ob->held);
    }
    return freed;
}
