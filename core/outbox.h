/*
 * outbox.h - messages for strategies, held until the end of the loop turn.
 *
 * Replies and events written during a turn leave only after the turn's
 * journal commit and after its venue requests are on the wire: a strategy
 * never hears of a state the journal could still lose, and waking the
 * ZeroMQ I/O thread (another thread wanting a CPU) never delays an order's
 * request to its venue.
 */
#ifndef XGATE_OUTBOX_H
#define XGATE_OUTBOX_H

#include <stddef.h>

typedef enum xg__outbox_sock {
    XG_OUTBOX_REPLY, /* ROUTER: [peer identity, (empty,) body] */
    XG_OUTBOX_EVENT  /* PUB: [topic, body] */
} xg__outbox_sock;

typedef struct xg__outbox {
    char *mem; /* records, back to back; kept at its peak size */
    size_t len, cap;
    void *router_sock;
    void *pub_sock;
} xg__outbox;

void xg__outbox_init(xg__outbox *ob, void *router_sock, void *pub_sock);
void xg__outbox_free(xg__outbox *ob);

/* Hold one message. `head` is the peer identity (REPLY) or the topic
 * (EVENT); `delimiter` adds the empty frame REQ peers expect. When memory
 * cannot grow the message is sent at once instead, never dropped. */
void xg__outbox_add(xg__outbox *ob, xg__outbox_sock sock, const void *head,
                    size_t head_len, int delimiter, const void *body,
                    size_t body_len);

/* Send everything held, in the order it was added. */
void xg__outbox_flush(xg__outbox *ob);

#endif
