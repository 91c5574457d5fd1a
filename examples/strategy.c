/*
 * strategy.c - a minimal strategy talking to xgated (docs/protocol.md).
 *
 * It shows the whole client side of the protocol in one file: a DEALER
 * socket for requests (one JSON frame each, replies matched by req_id) and
 * a SUB socket for events ([topic, JSON], subscribed to "order.<name>" and
 * "venue"). It first sends "hello" and waits for its event, so its
 * subscription is live before it places anything (and again, with a
 * query of its orders, when a new start_id says the gateway restarted).
 * It places a resting LIMIT buy below the market and a LIMIT buy
 * above it that fills; once the venue has acked the resting one it moves
 * its price one unit down (amend_order) and, once the amend is told
 * (amended, replaced or amend_rejected), cancels it; it queries the
 * other, and prints every reply and event on one line.
 *
 * Exit status: 0 when every request got a reply, the resting order ended
 * CANCELED and the filling one reached an open or final state; 1 if the
 * gateway refused something; 2 on a 10 s timeout or a usage/socket error.
 * CI runs it against xgated and xgsim, so it must stay in step with the
 * protocol.
 *
 * Usage: xg-example-strategy [REQ_ENDPOINT [PUB_ENDPOINT]]
 * Environment: XG_REQ, XG_PUB (endpoints), XG_STRATEGY (name, default
 * "example"), XG_SYMBOL (default BTC/USDT), XG_REST_PRICE and
 * XG_FILL_PRICE (defaults 30000 and 40000, around xgsim's 35000).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <zmq.h>

#define EX_TIMEOUT_MS 10000
/* The hello is sent again if its event has not come back in this long: a
 * subscription that was not live yet misses it. */
#define EX_HELLO_MS 500
/* A subscriber can still lose events (a gateway restart, a full queue),
 * so an order that has not moved for this long is queried instead of
 * waited for. */
#define EX_REFRESH_MS 1000
#define EX_MAX_REQS   32
#define EX_ID_MAX     33

typedef struct ex_order {
    const char *role; /* "rest" or "fill" */
    char id[EX_ID_MAX];
    char status[24];
    long long last_change_ms;
    int cancel_sent;
    char refresh_req[16]; /* req_id of an unanswered refresh query */
    int amend_sent;       /* the resting order's price moved once */
    int amend_done;       /* ... and the gateway told how it went */
    char amend_req[16];
} ex_order;

typedef struct ex_state {
    void *req;
    void *sub;
    char strategy[33];
    char topic[48];
    ex_order orders[2];
    char pending[EX_MAX_REQS][16]; /* req_ids awaiting a reply */
    int next_req;
    int query_sent;
    int refused;
    /* The gateway process we talk to (docs/protocol.md, Restarts), and
     * whether our subscription to it is known to be live. */
    char start_id[24];
    char hello_req[16];
    long long hello_sent_ms;
    int is_live;
    int is_placed;
    char price_rest[32];
    char price_fill[32];
} ex_state;

static long long
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *
env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v != NULL && v[0] != '\0' ? v : fallback;
}

static int
is_final(const char *status)
{
    return strcmp(status, "FILLED") == 0 || strcmp(status, "CANCELED") == 0 ||
           strcmp(status, "REJECTED") == 0 || strcmp(status, "EXPIRED") == 0;
}

static int
is_open(const char *status)
{
    return strcmp(status, "NEW") == 0 ||
           strcmp(status, "PARTIALLY_FILLED") == 0;
}

static const char *
status_or_none(const char *status)
{
    return status[0] != '\0' ? status : "(no reply)";
}

static const char *
str_of(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s != NULL ? s : "";
}

static int
is_pending(const ex_state *st, const char *req_id)
{
    for (int i = 0; i < EX_MAX_REQS; i++) {
        if (req_id[0] != '\0' && strcmp(st->pending[i], req_id) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Send one request; req gets a new req_id and is stolen. The req_id is
 * copied into sent_id (16 bytes) when that is not NULL. */
static int
send_request(ex_state *st, json_t *req, char *sent_id)
{
    int slot = -1;
    for (int i = 0; i < EX_MAX_REQS; i++) {
        if (st->pending[i][0] == '\0') {
            slot = i;
            break;
        }
    }
    if (slot < 0) {
        json_decref(req);
        return -1;
    }
    snprintf(st->pending[slot], sizeof(st->pending[slot]), "r%d",
             ++st->next_req);
    json_object_set_new(req, "req_id", json_string(st->pending[slot]));
    if (sent_id != NULL) {
        memcpy(sent_id, st->pending[slot], sizeof(st->pending[slot]));
    }
    char *text = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    if (text == NULL) {
        return -1;
    }
    int rc = zmq_send(st->req, text, strlen(text), 0);
    if (rc >= 0) {
        printf("send   %s %s\n", st->pending[slot], text);
    }
    free(text);
    return rc < 0 ? -1 : 0;
}

static int
send_new(ex_state *st, const ex_order *o, const char *price)
{
    json_t *req = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "type", "new_order",
        "strategy", st->strategy, "client_order_id", o->id, "symbol",
        env_or("XG_SYMBOL", "BTC/USDT"), "side", "BUY", "order_type", "LIMIT",
        "tif", "GTC", "qty", "0.001", "price", price);
    return req != NULL ? send_request(st, req, NULL) : -1;
}

static int
send_by_id(ex_state *st, const char *type, const ex_order *o, char *sent_id)
{
    json_t *req = json_pack("{s:s, s:s, s:s}", "type", type, "strategy",
                            st->strategy, "client_order_id", o->id);
    return req != NULL ? send_request(st, req, sent_id) : -1;
}

/* amend_order: o's price (a whole number, as st->price_rest is) one
 * unit lower. */
static int
send_amend(ex_state *st, ex_order *o, const char *price)
{
    char lower[32];
    snprintf(lower, sizeof(lower), "%lld", strtoll(price, NULL, 10) - 1);
    json_t *req = json_pack("{s:s, s:s, s:s, s:s}", "type", "amend_order",
                            "strategy", st->strategy, "client_order_id",
                            o->id, "price", lower);
    return req != NULL ? send_request(st, req, o->amend_req) : -1;
}

static ex_order *
find_order(ex_state *st, const char *id)
{
    for (size_t i = 0; i < 2; i++) {
        if (strcmp(st->orders[i].id, id) == 0) {
            return &st->orders[i];
        }
    }
    return NULL;
}

/* Record what a reply or event says about one of our orders. */
static void
update_order(ex_state *st, json_t *order)
{
    ex_order *o = find_order(st, str_of(order, "client_order_id"));
    const char *status = str_of(order, "status");
    if (o == NULL || status[0] == '\0') {
        return;
    }
    /* Replies and events travel on different sockets, so an older event
     * can arrive after a newer reply; a final status never goes back. */
    if (is_final(o->status) && !is_final(status)) {
        return;
    }
    if (strcmp(o->status, status) != 0) {
        snprintf(o->status, sizeof(o->status), "%s", status);
        o->last_change_ms = now_ms();
    }
    if (strcmp(status, "REJECTED") == 0) {
        st->refused = 1;
    }
}

static void
print_order_line(const char *prefix, json_t *order)
{
    json_t *err = json_object_get(order, "error");
    printf("%s %s %s %s %s @ %s status=%s venue=%s filled=%s", prefix,
           str_of(order, "client_order_id"), str_of(order, "side"),
           str_of(order, "qty"), str_of(order, "symbol"),
           json_object_get(order, "price") ? str_of(order, "price") : "MARKET",
           str_of(order, "status"), str_of(order, "venue"),
           str_of(order, "filled_qty"));
    if (err != NULL) {
        printf(" error=%s (%s)", str_of(err, "name"), str_of(err, "message"));
    }
    printf("\n");
}

static int
send_hello(ex_state *st)
{
    st->hello_sent_ms = now_ms();
    json_t *req =
        json_pack("{s:s, s:s}", "type", "hello", "strategy", st->strategy);
    return req != NULL ? send_request(st, req, st->hello_req) : -1;
}

/* A new start_id means the gateway restarted and events may have been
 * missed: confirm the subscription again and re-query every order that
 * is not final. */
static void
note_start(ex_state *st, const char *start_id)
{
    if (start_id[0] == '\0' || strcmp(start_id, st->start_id) == 0) {
        return;
    }
    if (st->start_id[0] != '\0') {
        printf("gateway restarted (%s -> %s): re-querying\n", st->start_id,
               start_id);
        st->is_live = 0;
        send_hello(st);
        for (size_t i = 0; i < 2; i++) {
            if (!is_final(st->orders[i].status)) {
                st->orders[i].last_change_ms = 0;
            }
        }
    }
    snprintf(st->start_id, sizeof(st->start_id), "%s", start_id);
}

static void
handle_reply(ex_state *st, const char *data, size_t len)
{
    json_error_t jerr;
    json_t *root = json_loadb(data, len, 0, &jerr);
    if (root == NULL) {
        printf("reply  (not JSON: %s)\n", jerr.text);
        st->refused = 1;
        return;
    }
    const char *req_id = str_of(root, "req_id");
    for (int i = 0; i < EX_MAX_REQS; i++) {
        if (req_id[0] != '\0' && strcmp(st->pending[i], req_id) == 0) {
            st->pending[i][0] = '\0';
        }
    }
    note_start(st, str_of(root, "start_id"));
    char prefix[64];
    snprintf(prefix, sizeof(prefix), "reply  %s", req_id);
    if (!json_is_true(json_object_get(root, "ok"))) {
        json_t *err = json_object_get(root, "error");
        printf("%s refused %s: %lld %s (%s)\n", prefix,
               str_of(root, "client_order_id"),
               (long long)json_integer_value(json_object_get(err, "code")),
               str_of(err, "name"), str_of(err, "message"));
        st->refused = 1;
        if (strcmp(req_id, st->orders[0].amend_req) == 0) {
            st->orders[0].amend_done = 1; /* refused: cancel it anyway */
        }
    } else if (json_is_object(json_object_get(root, "order"))) {
        json_t *order = json_object_get(root, "order");
        print_order_line(prefix, order);
        update_order(st, order);
    } else if (json_is_array(json_object_get(root, "venues"))) {
        size_t i;
        json_t *v;
        printf("%s venues:", prefix);
        json_array_foreach(json_object_get(root, "venues"), i, v)
        {
            printf(" %s=%s", str_of(v, "name"), str_of(v, "state"));
        }
        printf("\n");
    } else {
        printf("%s ok\n", prefix);
    }
    json_decref(root);
}

static void
handle_event(ex_state *st, const char *topic, const char *data, size_t len)
{
    json_error_t jerr;
    json_t *root = json_loadb(data, len, 0, &jerr);
    if (root == NULL) {
        printf("event  %s (not JSON: %s)\n", topic, jerr.text);
        return;
    }
    note_start(st, str_of(root, "start_id"));
    const char *type = str_of(root, "type");
    if (strcmp(type, "hello") == 0) {
        if (strcmp(str_of(root, "req_id"), st->hello_req) == 0) {
            st->is_live = 1;
            printf("event  %s hello: subscription live\n", topic);
        }
    } else if (strcmp(type, "order") == 0) {
        char prefix[96];
        snprintf(prefix, sizeof(prefix), "event  %s %s", topic,
                 str_of(root, "event"));
        json_t *order = json_object_get(root, "order");
        print_order_line(prefix, order);
        update_order(st, order);
        const char *event = str_of(root, "event");
        ex_order *o = find_order(st, str_of(order, "client_order_id"));
        if (o != NULL && (strcmp(event, "amended") == 0 ||
                          strcmp(event, "replaced") == 0 ||
                          strcmp(event, "amend_rejected") == 0)) {
            o->amend_done = 1;
        }
    } else if (strcmp(type, "venue") == 0) {
        json_t *v = json_object_get(root, "venue");
        printf("event  venue %s %s %s\n", str_of(v, "name"), str_of(v, "state"),
               str_of(v, "reason"));
    } else if (strcmp(type, "rerouted") == 0) {
        printf("event  %s rerouted %s %s -> %s (%s)\n", topic,
               str_of(root, "client_order_id"), str_of(root, "from"),
               str_of(root, "to"), str_of(root, "reason"));
    } else if (strcmp(type, "rate_limit_wait") == 0) {
        printf("event  %s rate_limit_wait %s on %s for %lld ms (%s)\n", topic,
               str_of(root, "client_order_id"), str_of(root, "venue"),
               (long long)json_integer_value(json_object_get(root, "wait_ms")),
               str_of(root, "reason"));
    } else {
        printf("event  %s %s\n", topic, type);
    }
    json_decref(root);
}

/* Read one multi-part message; frames beyond the first two are dropped. */
static int
recv_parts(void *sock, zmq_msg_t *parts, int *n)
{
    *n = 0;
    for (;;) {
        zmq_msg_t part;
        zmq_msg_init(&part);
        if (zmq_msg_recv(&part, sock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&part);
            return -1;
        }
        int more = zmq_msg_more(&part);
        if (*n < 2) {
            parts[(*n)++] = part;
        } else {
            zmq_msg_close(&part);
        }
        if (!more) {
            return 0;
        }
    }
}

/* Next requests this state calls for; 1 when the run is complete. */
static int
advance(ex_state *st)
{
    ex_order *rest = &st->orders[0];
    ex_order *fill = &st->orders[1];
    long long now = now_ms();

    if (!st->is_live) {
        if (now - st->hello_sent_ms > EX_HELLO_MS) {
            send_hello(st);
        }
        return 0;
    }
    if (!st->is_placed) {
        st->is_placed = 1;
        send_new(st, rest, st->price_rest);
        send_new(st, fill, st->price_fill);
    }
    if (is_open(rest->status) && !rest->amend_sent) {
        rest->amend_sent = 1;
        send_amend(st, rest, st->price_rest);
    }
    if (is_open(rest->status) && rest->amend_done && !rest->cancel_sent) {
        rest->cancel_sent = 1;
        send_by_id(st, "cancel_order", rest, NULL);
    }
    if ((is_open(fill->status) || is_final(fill->status)) && !st->query_sent) {
        st->query_sent = 1;
        send_by_id(st, "query_order", fill, NULL);
    }
    for (size_t i = 0; i < 2; i++) {
        ex_order *o = &st->orders[i];
        int settled = is_final(o->status) ||
                      (o == fill && is_open(o->status)) ||
                      (o == rest && is_open(o->status) && !o->cancel_sent);
        if (!settled && now - o->last_change_ms > EX_REFRESH_MS &&
            !is_pending(st, o->refresh_req)) {
            o->last_change_ms = now;
            send_by_id(st, "query_order", o, o->refresh_req);
        }
    }
    for (int i = 0; i < EX_MAX_REQS; i++) {
        if (st->pending[i][0] != '\0') {
            return 0;
        }
    }
    int fill_done = is_open(fill->status) || is_final(fill->status);
    return is_final(rest->status) && fill_done && st->query_sent;
}

static int
run(ex_state *st)
{
    long long start = now_ms();

    snprintf(st->price_rest, sizeof(st->price_rest), "%s",
             env_or("XG_REST_PRICE", "30000"));
    snprintf(st->price_fill, sizeof(st->price_fill), "%s",
             env_or("XG_FILL_PRICE", "40000"));
    /* Nothing is placed before the subscription is known to be live: the
     * hello's event proves it (advance). */
    if (send_request(st, json_pack("{s:s}", "type", "venue_status"), NULL) !=
            0 ||
        send_hello(st) != 0) {
        fprintf(stderr, "strategy: cannot send: %s\n",
                zmq_strerror(zmq_errno()));
        return 2;
    }
    for (;;) {
        long long left = EX_TIMEOUT_MS - (now_ms() - start);
        if (left <= 0) {
            fprintf(stderr, "strategy: timeout after %d ms; rest=%s fill=%s\n",
                    EX_TIMEOUT_MS, status_or_none(st->orders[0].status),
                    status_or_none(st->orders[1].status));
            return 2;
        }
        zmq_pollitem_t items[2] = {{st->req, 0, ZMQ_POLLIN, 0},
                                   {st->sub, 0, ZMQ_POLLIN, 0}};
        long wait = left < 200 ? (long)left : 200;
        if (zmq_poll(items, 2, wait) < 0) {
            fprintf(stderr, "strategy: poll: %s\n", zmq_strerror(zmq_errno()));
            return 2;
        }
        zmq_msg_t parts[2];
        int n;
        while ((items[0].revents & ZMQ_POLLIN) &&
               recv_parts(st->req, parts, &n) == 0) {
            /* A DEALER sees the reply as the only frame. */
            handle_reply(st, zmq_msg_data(&parts[n - 1]),
                         zmq_msg_size(&parts[n - 1]));
            for (int i = 0; i < n; i++) {
                zmq_msg_close(&parts[i]);
            }
        }
        while ((items[1].revents & ZMQ_POLLIN) &&
               recv_parts(st->sub, parts, &n) == 0) {
            if (n == 2) {
                char topic[64];
                size_t tl = zmq_msg_size(&parts[0]);
                tl = tl < sizeof(topic) - 1 ? tl : sizeof(topic) - 1;
                memcpy(topic, zmq_msg_data(&parts[0]), tl);
                topic[tl] = '\0';
                /* Prefix matching would also deliver "order.<name>x". */
                if (strcmp(topic, st->topic) == 0 ||
                    strcmp(topic, "venue") == 0) {
                    handle_event(st, topic, zmq_msg_data(&parts[1]),
                                 zmq_msg_size(&parts[1]));
                }
            }
            for (int i = 0; i < n; i++) {
                zmq_msg_close(&parts[i]);
            }
        }
        fflush(stdout);
        if (advance(st)) {
            printf("done   rest=%s fill=%s\n", st->orders[0].status,
                   st->orders[1].status);
            return st->refused || strcmp(st->orders[0].status, "CANCELED") != 0
                       ? 1
                       : 0;
        }
    }
}

int
main(int argc, char **argv)
{
    ex_state st;
    const char *req_ep = argc > 1 ? argv[1] : env_or("XG_REQ", NULL);
    const char *pub_ep = argc > 2 ? argv[2] : env_or("XG_PUB", NULL);
    int zero = 0;
    int rc = 2;

    if (argc > 3) {
        fprintf(stderr, "usage: %s [REQ_ENDPOINT [PUB_ENDPOINT]]\n", argv[0]);
        return 2;
    }
    memset(&st, 0, sizeof(st));
    snprintf(st.strategy, sizeof(st.strategy), "%s",
             env_or("XG_STRATEGY", "example"));
    snprintf(st.topic, sizeof(st.topic), "order.%s", st.strategy);
    /* Client ids must be unique per gateway across runs: time and pid. */
    for (size_t i = 0; i < 2; i++) {
        st.orders[i].role = i == 0 ? "rest" : "fill";
        snprintf(st.orders[i].id, sizeof(st.orders[i].id), "ex%llx%ld%c",
                 (unsigned long long)time(NULL), (long)getpid(),
                 i == 0 ? 'R' : 'F');
        st.orders[i].last_change_ms = now_ms();
    }

    void *ctx = zmq_ctx_new();
    st.req = ctx != NULL ? zmq_socket(ctx, ZMQ_DEALER) : NULL;
    st.sub = ctx != NULL ? zmq_socket(ctx, ZMQ_SUB) : NULL;
    if (st.req == NULL || st.sub == NULL) {
        fprintf(stderr, "strategy: zmq: %s\n", zmq_strerror(zmq_errno()));
        goto done;
    }
    zmq_setsockopt(st.req, ZMQ_LINGER, &zero, sizeof(zero));
    zmq_setsockopt(st.sub, ZMQ_LINGER, &zero, sizeof(zero));
    if (zmq_setsockopt(st.sub, ZMQ_SUBSCRIBE, st.topic, strlen(st.topic)) ||
        zmq_setsockopt(st.sub, ZMQ_SUBSCRIBE, "venue", 5) ||
        zmq_connect(st.sub, pub_ep != NULL ? pub_ep : "tcp://127.0.0.1:5556") ||
        zmq_connect(st.req, req_ep != NULL ? req_ep : "tcp://127.0.0.1:5555")) {
        fprintf(stderr, "strategy: connect: %s\n", zmq_strerror(zmq_errno()));
        goto done;
    }
    rc = run(&st);
done:
    if (st.sub != NULL) {
        zmq_close(st.sub);
    }
    if (st.req != NULL) {
        zmq_close(st.req);
    }
    if (ctx != NULL) {
        zmq_ctx_term(ctx);
    }
    return rc;
}
