/*
 * api.h - the strategies' requests (core-private): reading them from the
 * request socket, answering each with exactly one reply, and handing what
 * they ask to the modules that act on it.
 *
 * Parsing is protocol.c's; the venue choice placement.c's; carrying out
 * routing.c's and act.c's. A request from a client whose replies are
 * held unread (outbox.h) is answered BUSY without being acted on.
 */
#ifndef XGATE_API_H
#define XGATE_API_H

#include <stddef.h>

#include "outbox.h"
#include "routing.h"
#include "state.h"

/* One batch_new's orders while it is taken (api.c). */
typedef struct xg__api_batch {
    xg_msg msgs[XG_BATCH_NEW_MAX];
    char details[XG_BATCH_NEW_MAX][XG_DETAIL_MAX];
    xg_order_view views[XG_BATCH_NEW_MAX];
    xg_placed_view results[XG_BATCH_NEW_MAX];
    uint32_t slots[XG_BATCH_NEW_MAX];
    xg__choice choices[XG_BATCH_NEW_MAX];
} xg__api_batch;

typedef struct xg__api {
    void *router_sock;  /* borrowed */
    xg__outbox *outbox; /* borrowed */
    xg__state *st;      /* borrowed */
    int is_ready;       /* new orders are taken (gateway.c sets it) */
    size_t n_read;      /* requests read; gateway.c resets it */
    char reply[XG_EVENT_MAX];
    /* An open_orders page: any order fits in one event, so a page of
     * them fits here; a cancel_all reply's ids (at most 10,000 of at most
     * 32 characters), a batch_new's results and a balances reply too. */
    char page[XG_OPEN_ORDERS_PAGE_MAX * XG_EVENT_MAX];
    xg__api_batch batch;
    /* The client ids one cancel_all lists (borrowed from the orders until
     * its reply is encoded). */
    const char *cancel_ids[XG_CANCEL_ALL_MAX];
} xg__api;

void xg__api_init(xg__api *api, void *router_sock, xg__outbox *outbox,
                  xg__state *st);

/* Read and answer up to max waiting requests; returns how many. */
size_t xg__api_read(xg__api *api, size_t max);

#endif
