/*
 * outbox.h - messages for strategies, held until the end of the loop
 * turn, and replies held for clients that do not read them.
 *
 * Replies and events written during a turn leave only once the turn's
 * journal frame is durable (written; synced in "full") and after its
 * venue requests are on the wire: a strategy never hears of a state the
 * journal could still lose, and waking the
 * ZeroMQ I/O thread (another thread wanting a CPU) never delays an order's
 * request to its venue.
 *
 * Every request gets exactly one reply. ZeroMQ queues up to
 * max_unread_replies replies for each client (the request socket's
 * high-water mark; the operating system's socket buffers hold more); a
 * reply it will not take is held here, in order, and offered again every
 * turn. While a client has replies held, its requests are answered BUSY
 * without being acted on (gateway.c asks xg__outbox_held). A client that
 * reads nothing at all for so long that XG_OUTBOX_HELD_MAX replies are
 * held for it loses the replies past that: memory must stay bounded, and
 * such a client is gone in all but name. Events are never held: a
 * subscriber that cannot keep up loses events at the event socket's
 * high-water mark and can always query.
 */
#ifndef XGATE_OUTBOX_H
#define XGATE_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

/* Replies held for one client at most. */
#define XG_OUTBOX_HELD_MAX 100000
/* The longest client identity ZeroMQ gives a ROUTER (255 bytes). */
#define XG_OUTBOX_PEER_MAX 256

typedef enum xg__outbox_sock {
    XG_OUTBOX_REPLY, /* ROUTER: [peer identity, (empty,) body] */
    XG_OUTBOX_EVENT  /* PUB: [topic, body] */
} xg__outbox_sock;

/* Records, back to back (outbox.c). */
typedef struct xg__outbox_buf {
    char *mem;
    size_t len, cap;
} xg__outbox_buf;

/* A client with replies held. */
typedef struct xg__outbox_peer {
    char id[XG_OUTBOX_PEER_MAX];
    size_t id_len;
    size_t n_held;
    size_t n_lost; /* replies dropped at XG_OUTBOX_HELD_MAX */
    int is_full;   /* ZeroMQ refused it during this flush */
} xg__outbox_peer;

/* Where one sealed turn's messages end in `turn`, and the journal frame
 * they wait for. */
typedef struct xg__outbox_mark {
    size_t end;
    uint64_t seq;
} xg__outbox_mark;

typedef struct xg__outbox {
    xg__outbox_buf turn;    /* messages of the turns not yet sent, in order */
    xg__outbox_mark *seals; /* one per sealed turn still waiting */
    size_t n_seals, cap_seals;
    xg__outbox_buf held; /* replies ZeroMQ would not take yet */
    xg__outbox_peer *peers;
    size_t n_peers, cap_peers;
    void *router_sock; /* ROUTER with ZMQ_ROUTER_MANDATORY set */
    void *pub_sock;
} xg__outbox;

void xg__outbox_init(xg__outbox *ob, void *router_sock, void *pub_sock);
void xg__outbox_free(xg__outbox *ob);

/* Hold one message until the flush. `head` is the peer identity (REPLY)
 * or the topic (EVENT); `delimiter` adds the empty frame REQ peers
 * expect. When memory cannot grow the message is sent at once instead. */
void xg__outbox_add(xg__outbox *ob, xg__outbox_sock sock, const void *head,
                    size_t head_len, int delimiter, const void *body,
                    size_t body_len);

/* The messages added since the last seal wait for journal frame seq
 * (the last one their turn wrote). */
void xg__outbox_seal(xg__outbox *ob, uint64_t seq);

/* Offer the held replies again, then send the sealed turns' messages
 * whose frames are durable (seq <= durable), in the order they were added
 * (a client's replies stay in order; a later turn never overtakes an
 * earlier one). */
void xg__outbox_flush(xg__outbox *ob, uint64_t durable);

/* How many replies are held for the client with this identity. */
size_t xg__outbox_held(const xg__outbox *ob, const void *peer, size_t len);

/* On an idle turn: give back buffers grown by a burst. Returns 1 if it
 * freed memory (worth asking the allocator to return it to the kernel). */
int xg__outbox_shrink(xg__outbox *ob);

#endif
