/*
 * outbox.c - strategy messages held until the turn's end (see outbox.h).
 */
#include "outbox.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

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

void
xg__outbox_free(xg__outbox *ob)
{
    free(ob->mem);
    ob->mem = NULL;
    ob->len = ob->cap = 0;
}

/* ROUTER sends never block (ZMQ_DONTWAIT); a peer that is gone or over
 * its high-water mark loses the message, as it would unbuffered. PUB
 * never blocks either: a subscriber too slow to keep up loses events at
 * its high-water mark, and can always query the order. */
static void
send_now(const xg__outbox *ob, xg__outbox_sock sock, const void *head,
         size_t head_len, int delimiter, const void *body, size_t body_len)
{
    void *s = sock == XG_OUTBOX_REPLY ? ob->router_sock : ob->pub_sock;
    if (zmq_send(s, head, head_len, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0) {
        return;
    }
    if (delimiter) {
        zmq_send(s, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT);
    }
    zmq_send(s, body, body_len, ZMQ_DONTWAIT);
}

static int
reserve(xg__outbox *ob, size_t more)
{
    if (ob->cap - ob->len >= more) {
        return 0;
    }
    size_t cap = ob->cap > 0 ? ob->cap : 64 * 1024;
    while (cap - ob->len < more) {
        cap *= 2;
    }
    char *mem = realloc(ob->mem, cap);
    if (mem == NULL) {
        return -1;
    }
    ob->mem = mem;
    ob->cap = cap;
    return 0;
}

void
xg__outbox_add(xg__outbox *ob, xg__outbox_sock sock, const void *head,
               size_t head_len, int delimiter, const void *body,
               size_t body_len)
{
    if (head_len > UINT32_MAX || body_len > UINT32_MAX ||
        reserve(ob, sizeof(record) + head_len + body_len) != 0) {
        send_now(ob, sock, head, head_len, delimiter, body, body_len);
        return;
    }
    record rec = {(uint8_t)sock, (uint8_t)(delimiter != 0),
                  (uint32_t)head_len, (uint32_t)body_len};
    memcpy(ob->mem + ob->len, &rec, sizeof rec);
    ob->len += sizeof rec;
    memcpy(ob->mem + ob->len, head, head_len);
    ob->len += head_len;
    memcpy(ob->mem + ob->len, body, body_len);
    ob->len += body_len;
}

void
xg__outbox_flush(xg__outbox *ob)
{
    size_t at = 0;
    while (at < ob->len) {
        record rec;
        memcpy(&rec, ob->mem + at, sizeof rec);
        const char *head = ob->mem + at + sizeof rec;
        const char *body = head + rec.head_len;
        send_now(ob, (xg__outbox_sock)rec.sock, head, rec.head_len,
                 rec.delimiter, body, rec.body_len);
        at += sizeof rec + rec.head_len + rec.body_len;
    }
    ob->len = 0;
}
