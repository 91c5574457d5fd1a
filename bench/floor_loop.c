/*
 * floor_loop.c - the hand-written loop issue 10 measures the gateway
 * against: the least a process must do to take a strategy's order over
 * ZeroMQ and place it on Binance, with none of the gateway's guarantees
 * (no limiter, no journal, no order table, no failover, no reconciliation).
 *
 * Usage: bench_floor_loop SIM_PORT. Binds a ROUTER (requests) and a PUB
 * (events) on 127.0.0.1, prints "req <endpoint>" and "pub <endpoint>" on
 * stdout, and serves until SIGTERM. Per new_order: read it, take its
 * fields with the project's allocation-free JSON reader, build Binance's
 * query, sign it (HMAC-SHA256 with the keyed state reused), POST it on one
 * of 8 keep-alive connections (libcurl multi, easy handles reused), read
 * the answer's status and order id, reply to the strategy and publish one
 * order event, as the gateway does for an IOC order that expires. Any
 * other request gets {"ok":true} (the benchmark's client says hello with
 * venue_status). bench_gateway runs the same pipelined phase through it
 * and prints its CPU per order beside the gateway's.
 */
#define _POSIX_C_SOURCE 200809L

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <zmq.h>

#include "xgate/json.h"
#include "xgate/sign.h"

#define FLOOR_CONNECTIONS 8
#define FLOOR_TOKENS      64
#define FLOOR_ID_MAX      64
/* Transfers in flight or queued for a connection: the benchmark keeps at
 * most 2,000 orders outstanding. */
#define FLOOR_SLOTS 4096

/* One order on its way: the strategy's identity frame, its ids, and the
 * transfer's buffers. */
typedef struct floor_slot {
    CURL *easy;
    char identity[256];
    size_t identity_len;
    char client_id[FLOOR_ID_MAX];
    char req_id[FLOOR_ID_MAX];
    char body[768];
    char answer[2048];
    size_t answer_len;
    struct floor_slot *next_free;
    struct floor_slot *next; /* in the queue for a connection */
} floor_slot;

static volatile sig_atomic_t floor_stop;
static floor_slot floor_slots[FLOOR_SLOTS];
static floor_slot *floor_free;
static long floor_refused;
static floor_slot *floor_queue, **floor_queue_tail = &floor_queue;
static size_t floor_in_flight;

static void
on_term(int sig)
{
    (void)sig;
    floor_stop = 1;
}

static size_t
on_answer(char *data, size_t size, size_t n, void *user)
{
    floor_slot *s = user;
    size_t len = size * n;
    size_t room = sizeof s->answer - 1 - s->answer_len;
    size_t take = len < room ? len : room;
    memcpy(s->answer + s->answer_len, data, take);
    s->answer_len += take;
    return len;
}

/* The string field key of object 0 into out ("" when absent). */
static void
field(const xg_json *j, const char *key, char *out, size_t cap)
{
    size_t t;
    out[0] = '\0';
    if (xg_json_get(j, 0, key, &t) == XG_OK) {
        (void)xg_json_string(j, t, out, cap, NULL);
    }
}

static void
send_frames(void *sock, const char *a, size_t a_len, const char *b,
            size_t b_len)
{
    zmq_send(sock, a, a_len, ZMQ_SNDMORE);
    zmq_send(sock, b, b_len, 0);
}

/* Take one request off the ROUTER: an order starts a transfer, anything
 * else is answered at once. 0 when there was none. */
static int
take_request(void *router, xg_hmac *hmac, const struct curl_slist *headers,
             const char *url)
{
    char identity[256], msg[4096];
    int id_len = zmq_recv(router, identity, sizeof identity, ZMQ_DONTWAIT);
    if (id_len < 0) {
        return 0;
    }
    int len = zmq_recv(router, msg, sizeof msg - 1, 0);
    if (len < 0 || (size_t)len >= sizeof msg ||
        (size_t)id_len > sizeof identity) {
        return 1;
    }
    xg_json_tok toks[FLOOR_TOKENS];
    xg_json j;
    char type[32], side[8], tif[8], qty[32], price[32];
    floor_slot *s = floor_free;
    if (xg_json_parse(&j, msg, (size_t)len, toks, FLOOR_TOKENS) != XG_OK ||
        xg_json_type_of(&j, 0) != XG_JSON_OBJECT) {
        static const char bad[] =
            "{\"ok\":false,\"error\":{\"code\":\"BAD_JSON\"}}";
        send_frames(router, identity, (size_t)id_len, bad, sizeof bad - 1);
        return 1;
    }
    field(&j, "type", type, sizeof type);
    if (strcmp(type, "new_order") != 0 || s == NULL) {
        static const char ok[] = "{\"ok\":true}";
        send_frames(router, identity, (size_t)id_len, ok, sizeof ok - 1);
        return 1;
    }
    floor_free = s->next_free;
    memcpy(s->identity, identity, (size_t)id_len);
    s->identity_len = (size_t)id_len;
    field(&j, "client_order_id", s->client_id, sizeof s->client_id);
    field(&j, "req_id", s->req_id, sizeof s->req_id);
    field(&j, "side", side, sizeof side);
    field(&j, "tif", tif, sizeof tif);
    field(&j, "qty", qty, sizeof qty);
    field(&j, "price", price, sizeof price);

    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    int n = snprintf(s->body, sizeof s->body,
                     "symbol=BTCUSDT&side=%s&type=LIMIT&timeInForce=%s&"
                     "quantity=%s&price=%s&newClientOrderId=%s&"
                     "recvWindow=5000&timestamp=%lld",
                     side, tif, qty, price, s->client_id,
                     (long long)wall.tv_sec * 1000 + wall.tv_nsec / 1000000);
    char sig[XG_HEX_SHA256_LEN + 1];
    if (n < 0 ||
        (size_t)n + sizeof "&signature=" + sizeof sig >= sizeof s->body ||
        xg_hmac_sign_hex(hmac, s->body, (size_t)n, sig, sizeof sig) != XG_OK) {
        static const char bad[] =
            "{\"ok\":false,\"error\":{\"code\":\"BAD_FIELD\"}}";
        send_frames(router, identity, (size_t)id_len, bad, sizeof bad - 1);
        s->next_free = floor_free;
        floor_free = s;
        return 1;
    }
    snprintf(s->body + n, sizeof s->body - (size_t)n, "&signature=%s", sig);
    s->answer_len = 0;
    curl_easy_setopt(s->easy, CURLOPT_URL, url);
    curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(s->easy, CURLOPT_POSTFIELDS, s->body);
    s->next = NULL;
    *floor_queue_tail = s;
    floor_queue_tail = &s->next;
    return 1;
}

/* Hand queued orders to libcurl while a connection is free: libcurl
 * walks every handle it holds at each perform, so it holds no more than
 * it can send (the gateway's transport does the same). */
static void
start_transfers(CURLM *multi)
{
    while (floor_in_flight < FLOOR_CONNECTIONS && floor_queue != NULL) {
        floor_slot *s = floor_queue;
        floor_queue = s->next;
        if (floor_queue == NULL) {
            floor_queue_tail = &floor_queue;
        }
        curl_multi_add_handle(multi, s->easy);
        floor_in_flight++;
    }
}

/* A transfer ended: reply to the strategy and publish the order's event
 * with what the venue said. */
static void
finish(void *router, void *pub, floor_slot *s, long http)
{
    char status[24] = "UNKNOWN", order_id[32] = "";
    xg_json_tok toks[FLOOR_TOKENS];
    xg_json j;
    s->answer[s->answer_len] = '\0';
    if (http == 200 &&
        xg_json_parse(&j, s->answer, s->answer_len, toks, FLOOR_TOKENS) ==
            XG_OK &&
        xg_json_type_of(&j, 0) == XG_JSON_OBJECT) {
        size_t t;
        int64_t id = 0;
        field(&j, "status", status, sizeof status);
        if (xg_json_get(&j, 0, "orderId", &t) == XG_OK &&
            xg_json_int64(&j, t, &id) == XG_OK) {
            snprintf(order_id, sizeof order_id, "%lld", (long long)id);
        }
    }
    char reply[256], event[512];
    int n = snprintf(reply, sizeof reply,
                     "{\"type\":\"reply\",\"req_id\":\"%s\",\"ok\":true,"
                     "\"client_order_id\":\"%s\"}",
                     s->req_id, s->client_id);
    send_frames(router, s->identity, s->identity_len, reply, (size_t)n);
    const char *event_name = strcmp(status, "EXPIRED") == 0 ? "expired"
                             : strcmp(status, "NEW") == 0   ? "acked"
                                                            : "rejected";
    if (event_name[0] == 'r' && floor_refused++ == 0) {
        fprintf(stderr, "bench_floor_loop: first refusal: HTTP %ld %s\n", http,
                s->answer);
    }
    n = snprintf(event, sizeof event,
                 "{\"type\":\"order\",\"event\":\"%s\",\"order\":{"
                 "\"client_order_id\":\"%s\",\"strategy\":\"bench\","
                 "\"symbol\":\"BTC/USDT\",\"venue\":\"binance\","
                 "\"venue_order_id\":\"%s\",\"status\":\"%s\"}}",
                 event_name, s->client_id, order_id, status);
    static const char topic[] = "order.bench";
    send_frames(pub, topic, sizeof topic - 1, event, (size_t)n);
}

int
main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_floor_loop SIM_PORT\n");
        return 2;
    }
    char url[128], *end = NULL;
    long port = strtol(argv[1], &end, 10);
    if (end == argv[1] || *end != '\0' || port <= 0 || port > 65535) {
        fprintf(stderr, "bench_floor_loop: bad port %s\n", argv[1]);
        return 2;
    }
    snprintf(url, sizeof url, "http://127.0.0.1:%ld/api/v3/order", port);
    signal(SIGTERM, on_term);
    signal(SIGINT, on_term);
    curl_global_init(CURL_GLOBAL_DEFAULT);

    void *ctx = zmq_ctx_new();
    void *router = zmq_socket(ctx, ZMQ_ROUTER);
    void *pub = zmq_socket(ctx, ZMQ_PUB);
    /* As the gateway does: no message is dropped at a high-water mark
     * (the benchmark keeps 2,000 orders outstanding, each with a reply
     * and an event). */
    int hwm = 0, linger = 0;
    zmq_setsockopt(router, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(pub, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(router, ZMQ_SNDHWM, &hwm, sizeof hwm);
    zmq_setsockopt(router, ZMQ_RCVHWM, &hwm, sizeof hwm);
    zmq_setsockopt(pub, ZMQ_SNDHWM, &hwm, sizeof hwm);
    char ep[128];
    size_t ep_len = sizeof ep;
    if (zmq_bind(router, "tcp://127.0.0.1:*") != 0) {
        return 1;
    }
    zmq_getsockopt(router, ZMQ_LAST_ENDPOINT, ep, &ep_len);
    printf("req %s\n", ep);
    ep_len = sizeof ep;
    if (zmq_bind(pub, "tcp://127.0.0.1:*") != 0) {
        return 1;
    }
    zmq_getsockopt(pub, ZMQ_LAST_ENDPOINT, ep, &ep_len);
    printf("pub %s\n", ep);
    fflush(stdout);

    static const char secret[] = "xgsim-test-secret";
    xg_hmac *hmac = xg_hmac_new(secret, sizeof secret - 1);
    struct curl_slist *headers =
        curl_slist_append(NULL, "X-MBX-APIKEY: xgsim-test-key");
    CURLM *multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS,
                      (long)FLOOR_CONNECTIONS);
    for (size_t i = FLOOR_SLOTS; i-- > 0;) {
        floor_slot *s = &floor_slots[i];
        s->easy = curl_easy_init();
        curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, on_answer);
        curl_easy_setopt(s->easy, CURLOPT_WRITEDATA, s);
        curl_easy_setopt(s->easy, CURLOPT_PRIVATE, s);
        curl_easy_setopt(s->easy, CURLOPT_TCP_NODELAY, 1L);
        s->next_free = floor_free;
        floor_free = s;
    }

    int zmq_fd;
    size_t fd_len = sizeof zmq_fd;
    zmq_getsockopt(router, ZMQ_FD, &zmq_fd, &fd_len);
    while (!floor_stop) {
        /* ZMQ_FD is edge-triggered: read every request there is. */
        while (take_request(router, hmac, headers, url)) {
        }
        start_transfers(multi);
        int running = 0;
        curl_multi_perform(multi, &running);
        CURLMsg *m;
        int left;
        while ((m = curl_multi_info_read(multi, &left)) != NULL) {
            if (m->msg != CURLMSG_DONE) {
                continue;
            }
            floor_slot *s = NULL;
            long http = 0;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&s);
            curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &http);
            curl_multi_remove_handle(multi, m->easy_handle);
            floor_in_flight--;
            finish(router, pub, s, m->data.result == CURLE_OK ? http : 0);
            s->next_free = floor_free;
            floor_free = s;
        }
        uint32_t events = 0;
        size_t ev_len = sizeof events;
        zmq_getsockopt(router, ZMQ_EVENTS, &events, &ev_len);
        if ((events & ZMQ_POLLIN) ||
            (floor_queue != NULL && floor_in_flight < FLOOR_CONNECTIONS)) {
            continue;
        }
        struct curl_waitfd wait = {zmq_fd, CURL_WAIT_POLLIN, 0};
        curl_multi_poll(multi, &wait, 1, 100, NULL);
    }

    curl_multi_cleanup(multi);
    for (size_t i = 0; i < FLOOR_SLOTS; i++) {
        curl_easy_cleanup(floor_slots[i].easy);
    }
    curl_slist_free_all(headers);
    xg_hmac_destroy(&hmac);
    zmq_close(router);
    zmq_close(pub);
    zmq_ctx_term(ctx);
    curl_global_cleanup();
    return 0;
}
