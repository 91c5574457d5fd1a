/*
 * xgctl.c - command-line client for xgated's strategy API.
 *
 * An operator's view of the gateway: place, amend, cancel and query one
 * order, place a batch, read the venues' balances, show venue health and limiter usage, and watch the event stream. It
 * speaks the same protocol as any strategy (docs/protocol.md): one JSON
 * request frame on a DEALER socket, one JSON reply; events as [topic, JSON]
 * on a SUB socket. It checks only what it needs to build a request (that
 * required options are present); the gateway validates values, so the
 * errors an operator sees are the ones a strategy would get.
 *
 * Exit status: 0 on an ok reply (or a watch that ended as asked), 1 on an
 * error reply, 2 on a usage error, a socket error or a timeout.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <zmq.h>

#define XGCTL_DEFAULT_REQ        "tcp://127.0.0.1:5555"
#define XGCTL_DEFAULT_PUB        "tcp://127.0.0.1:5556"
#define XGCTL_DEFAULT_TIMEOUT_MS 5000
#define XGCTL_MAX_VENUES         4

enum { XGCTL_OK = 0, XGCTL_REFUSED = 1, XGCTL_USAGE = 2 };

typedef struct xgctl_opts {
    const char *req_ep;
    const char *pub_ep;
    long timeout_ms;
    int timeout_given;
} xgctl_opts;

static void
usage(FILE *out)
{
    fputs("usage: xgctl [--req EP] [--pub EP] [--timeout MS] COMMAND ...\n"
          "\n"
          "commands:\n"
          "  new --strategy S --symbol BASE/QUOTE --side BUY|SELL\n"
          "      --type LIMIT|MARKET --qty Q [--price P] [--tif TIF]\n"
          "      [--venue V]... [--id CLIENT_ORDER_ID] [--requantize]\n"
          "      [--max-wait-ms N]            place an order\n"
          "  cancel ID --strategy S           cancel strategy S's order\n"
          "  query ID --strategy S            show strategy S's order\n"
          "  amend ID --strategy S [--price P] [--qty Q] [--requantize]\n"
          "                                   new price and/or total qty\n"
          "  open --strategy S [--symbol BASE/QUOTE] [--venue V]\n"
          "                                   strategy S's orders not final\n"
          "  cancel-all --strategy S [--symbol BASE/QUOTE] [--venue V]\n"
          "                                   cancel them (10,000 a request)\n"
          "  batch-new FILE                   place the orders of FILE (a JSON\n"
          "                                   array of new_order objects; -:\n"
          "                                   stdin) in one batch_new\n"
          "  balances [--venue V] [--max-age-ms N]\n"
          "                                   the venues' balances as cached\n"
          "  venues                           venue states and limiter use\n"
          "  watch [TOPIC] [--count N]        print events (all topics by\n"
          "                                   default; e.g. order.mm1, venue)\n"
          "\n"
          "Endpoints default to $XG_REQ / $XG_PUB, else " XGCTL_DEFAULT_REQ
          " and " XGCTL_DEFAULT_PUB ".\n"
          "Exit status: 0 ok reply, 1 error reply, 2 usage error or timeout.\n",
          out);
}

static const char *
env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v != NULL && v[0] != '\0' ? v : fallback;
}

static long long
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A non-negative decimal integer option; -1 if s is not one. */
static long
parse_count(const char *s)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < 0) {
        return -1;
    }
    return v;
}

/*
 * Option matching for "--name VALUE" and "--name=VALUE": if argv[*i] is
 * option name, *value gets its value (advancing *i past a separate one)
 * and 1 is returned; a missing value prints a usage error and returns -1.
 */
static int
take_opt(int argc, char **argv, int *i, const char *name, const char **value)
{
    const char *a = argv[*i];
    size_t n = strlen(name);

    if (strncmp(a, name, n) != 0) {
        return 0;
    }
    if (a[n] == '=') {
        *value = a + n + 1;
        return 1;
    }
    if (a[n] != '\0') {
        return 0;
    }
    if (*i + 1 >= argc) {
        fprintf(stderr, "xgctl: %s needs a value\n", name);
        return -1;
    }
    *i += 1;
    *value = argv[*i];
    return 1;
}

/* ------------------------------------------------------------------ */
/* Request / reply                                                    */
/* ------------------------------------------------------------------ */

/* Send req (stolen) and wait for its reply; *reply is given to the caller
 * (json_decref). Returns XGCTL_OK or XGCTL_USAGE (socket error, timeout,
 * a reply that is not JSON). */
static int
request(const xgctl_opts *o, json_t *req, json_t **reply)
{
    char req_id[32];
    int rc = XGCTL_USAGE;
    int zero = 0;
    char *text = NULL;
    void *ctx = zmq_ctx_new();
    void *sock = ctx != NULL ? zmq_socket(ctx, ZMQ_DEALER) : NULL;

    *reply = NULL;
    snprintf(req_id, sizeof(req_id), "xgctl-%ld", (long)getpid());
    json_object_set_new(req, "req_id", json_string(req_id));
    text = json_dumps(req, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(req);
    if (sock == NULL || text == NULL) {
        fprintf(stderr, "xgctl: cannot set up: %s\n",
                zmq_strerror(zmq_errno()));
        goto done;
    }
    zmq_setsockopt(sock, ZMQ_LINGER, &zero, sizeof(zero));
    if (zmq_connect(sock, o->req_ep) != 0 ||
        zmq_send(sock, text, strlen(text), 0) < 0) {
        fprintf(stderr, "xgctl: %s: %s\n", o->req_ep,
                zmq_strerror(zmq_errno()));
        goto done;
    }
    long long deadline = now_ms() + o->timeout_ms;
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0) {
            fprintf(stderr, "xgctl: no reply from %s within %ld ms\n",
                    o->req_ep, o->timeout_ms);
            goto done;
        }
        zmq_pollitem_t item = {sock, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&item, 1, (long)left) < 0) {
            fprintf(stderr, "xgctl: poll: %s\n", zmq_strerror(zmq_errno()));
            goto done;
        }
        if (!(item.revents & ZMQ_POLLIN)) {
            continue;
        }
        zmq_msg_t msg;
        zmq_msg_init(&msg);
        if (zmq_msg_recv(&msg, sock, 0) < 0) {
            zmq_msg_close(&msg);
            continue;
        }
        json_error_t jerr;
        json_t *root =
            json_loadb(zmq_msg_data(&msg), zmq_msg_size(&msg), 0, &jerr);
        int more = zmq_msg_more(&msg);
        zmq_msg_close(&msg);
        if (more) {
            /* Not part of the protocol; take the last frame as the reply. */
            json_decref(root);
            continue;
        }
        if (root == NULL) {
            fprintf(stderr, "xgctl: reply is not JSON: %s\n", jerr.text);
            goto done;
        }
        const char *rid = json_string_value(json_object_get(root, "req_id"));
        if (rid != NULL && rid[0] != '\0' && strcmp(rid, req_id) != 0) {
            json_decref(root);
            continue; /* someone else's: cannot happen on a fresh DEALER */
        }
        *reply = root;
        rc = XGCTL_OK;
        goto done;
    }
done:
    free(text);
    if (sock != NULL) {
        zmq_close(sock);
    }
    if (ctx != NULL) {
        zmq_ctx_term(ctx);
    }
    return rc;
}

static int
reply_status(json_t *reply)
{
    return json_is_true(json_object_get(reply, "ok")) ? XGCTL_OK
                                                      : XGCTL_REFUSED;
}

/* Print the reply as indented JSON, free it, map it to an exit status. */
static int
print_reply(json_t *reply)
{
    char *text = json_dumps(reply, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (text != NULL) {
        puts(text);
        free(text);
    }
    int rc = reply_status(reply);
    json_decref(reply);
    return rc;
}

/* Send, print the reply as indented JSON, map it to an exit status. */
static int
request_and_print(const xgctl_opts *o, json_t *req)
{
    json_t *reply;
    int rc = request(o, req, &reply);
    return rc != XGCTL_OK ? rc : print_reply(reply);
}

/* ------------------------------------------------------------------ */
/* Commands                                                           */
/* ------------------------------------------------------------------ */

static int
cmd_new(const xgctl_opts *o, int argc, char **argv)
{
    const char *strategy = env_or("XG_STRATEGY", NULL);
    const char *symbol = NULL, *side = NULL, *type = NULL, *qty = NULL;
    const char *price = NULL, *tif = NULL, *id = NULL, *max_wait = NULL;
    const char *venues[XGCTL_MAX_VENUES];
    size_t n_venues = 0;
    int requantize = 0;

    for (int i = 0; i < argc; i++) {
        const char *v;
        int r;
        if ((r = take_opt(argc, argv, &i, "--strategy", &strategy)) ||
            (r = take_opt(argc, argv, &i, "--symbol", &symbol)) ||
            (r = take_opt(argc, argv, &i, "--side", &side)) ||
            (r = take_opt(argc, argv, &i, "--type", &type)) ||
            (r = take_opt(argc, argv, &i, "--qty", &qty)) ||
            (r = take_opt(argc, argv, &i, "--price", &price)) ||
            (r = take_opt(argc, argv, &i, "--tif", &tif)) ||
            (r = take_opt(argc, argv, &i, "--id", &id)) ||
            (r = take_opt(argc, argv, &i, "--max-wait-ms", &max_wait))) {
            if (r < 0) {
                return XGCTL_USAGE;
            }
        } else if ((r = take_opt(argc, argv, &i, "--venue", &v)) != 0) {
            if (r < 0) {
                return XGCTL_USAGE;
            }
            if (n_venues == XGCTL_MAX_VENUES) {
                fprintf(stderr, "xgctl: at most %d --venue options\n",
                        XGCTL_MAX_VENUES);
                return XGCTL_USAGE;
            }
            venues[n_venues++] = v;
        } else if (strcmp(argv[i], "--requantize") == 0) {
            requantize = 1;
        } else {
            fprintf(stderr, "xgctl: new: unexpected argument '%s'\n", argv[i]);
            return XGCTL_USAGE;
        }
    }
    if (strategy == NULL || symbol == NULL || side == NULL || type == NULL ||
        qty == NULL) {
        fprintf(stderr, "xgctl: new needs --strategy, --symbol, --side, "
                        "--type and --qty\n");
        return XGCTL_USAGE;
    }
    long wait_ms = 0;
    if (max_wait != NULL && (wait_ms = parse_count(max_wait)) < 0) {
        fprintf(stderr, "xgctl: --max-wait-ms must be a whole number\n");
        return XGCTL_USAGE;
    }

    /* Quantities and prices go as the strings typed: the protocol takes
     * decimal strings so no digit is lost on the way. */
    json_t *req = json_object();
    json_object_set_new(req, "type", json_string("new_order"));
    json_object_set_new(req, "strategy", json_string(strategy));
    if (id != NULL) {
        json_object_set_new(req, "client_order_id", json_string(id));
    }
    json_object_set_new(req, "symbol", json_string(symbol));
    json_object_set_new(req, "side", json_string(side));
    json_object_set_new(req, "order_type", json_string(type));
    if (tif != NULL) {
        json_object_set_new(req, "tif", json_string(tif));
    }
    json_object_set_new(req, "qty", json_string(qty));
    if (price != NULL) {
        json_object_set_new(req, "price", json_string(price));
    }
    if (n_venues > 0) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n_venues; i++) {
            json_array_append_new(arr, json_string(venues[i]));
        }
        json_object_set_new(req, "venues", arr);
    }
    if (requantize) {
        json_object_set_new(req, "requantize", json_true());
    }
    if (max_wait != NULL) {
        json_object_set_new(req, "max_wait_ms", json_integer(wait_ms));
    }
    /* json_string returns NULL for invalid UTF-8 and set_new then fails
     * silently; catch it rather than send a request missing a field. */
    if (json_object_get(req, "symbol") == NULL ||
        json_object_get(req, "qty") == NULL ||
        json_object_get(req, "strategy") == NULL ||
        json_object_get(req, "side") == NULL ||
        json_object_get(req, "order_type") == NULL) {
        fprintf(stderr, "xgctl: arguments must be UTF-8 text\n");
        json_decref(req);
        return XGCTL_USAGE;
    }
    return request_and_print(o, req);
}

/* The command name a request type has on xgctl's command line. */
static const char *
by_id_command(const char *type)
{
    return strcmp(type, "cancel_order") == 0  ? "cancel"
           : strcmp(type, "amend_order") == 0 ? "amend"
                                               : "query";
}

/* cancel, query and amend: one order by its client order id; amend also
 * takes --price, --qty and --requantize. */
static int
cmd_by_id(const xgctl_opts *o, const char *type, int argc, char **argv)
{
    const char *id = NULL;
    const char *strategy = NULL;
    const char *price = NULL;
    const char *qty = NULL;
    int requantize = 0;
    int is_amend = strcmp(type, "amend_order") == 0;

    for (int i = 0; i < argc; i++) {
        int r = take_opt(argc, argv, &i, "--strategy", &strategy);
        if (r == 0 && is_amend) {
            r = take_opt(argc, argv, &i, "--price", &price);
        }
        if (r == 0 && is_amend) {
            r = take_opt(argc, argv, &i, "--qty", &qty);
        }
        if (r == 0 && is_amend && strcmp(argv[i], "--requantize") == 0) {
            requantize = 1;
            r = 1;
        }
        if (r < 0) {
            return XGCTL_USAGE;
        }
        if (r == 0) {
            if (id != NULL || argv[i][0] == '-') {
                fprintf(stderr, "xgctl: unexpected argument '%s'\n", argv[i]);
                return XGCTL_USAGE;
            }
            id = argv[i];
        }
    }
    if (id == NULL || strategy == NULL) {
        /* The gateway finds an order only for the strategy that owns
         * it. */
        fprintf(stderr, "xgctl: %s needs a client order id and --strategy\n",
                by_id_command(type));
        return XGCTL_USAGE;
    }
    if (is_amend && price == NULL && qty == NULL) {
        fprintf(stderr, "xgctl: amend needs --price, --qty or both\n");
        return XGCTL_USAGE;
    }
    json_t *req = json_object();
    json_object_set_new(req, "type", json_string(type));
    json_object_set_new(req, "client_order_id", json_string(id));
    json_object_set_new(req, "strategy", json_string(strategy));
    if (price != NULL) {
        json_object_set_new(req, "price", json_string(price));
    }
    if (qty != NULL) {
        json_object_set_new(req, "qty", json_string(qty));
    }
    if (requantize) {
        json_object_set_new(req, "requantize", json_true());
    }
    if (json_object_get(req, "client_order_id") == NULL ||
        (price != NULL && json_object_get(req, "price") == NULL) ||
        (qty != NULL && json_object_get(req, "qty") == NULL)) {
        fprintf(stderr, "xgctl: arguments must be UTF-8 text\n");
        json_decref(req);
        return XGCTL_USAGE;
    }
    return request_and_print(o, req);
}

/* "2024-05-01T12:00:00Z" for an epoch-ms time, "-" for 0. */
static void
format_until(json_int_t ms, char *out, size_t cap)
{
    if (ms <= 0) {
        snprintf(out, cap, "-");
        return;
    }
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL ||
        strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
        snprintf(out, cap, "%lld", (long long)ms);
    }
}

static const char *
str_of(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s != NULL ? s : "";
}

static long long
int_of(json_t *obj, const char *key)
{
    return (long long)json_integer_value(json_object_get(obj, key));
}

/* The filters open and cancel-all take: --strategy (required), --symbol,
 * --venue. XGCTL_OK or XGCTL_USAGE (said on stderr). */
typedef struct xgctl_filters {
    const char *strategy, *symbol, *venue;
} xgctl_filters;

static int
take_filters(const char *cmd, int argc, char **argv, xgctl_filters *f)
{
    memset(f, 0, sizeof *f);
    for (int i = 0; i < argc; i++) {
        int r = take_opt(argc, argv, &i, "--strategy", &f->strategy);
        if (r == 0) {
            r = take_opt(argc, argv, &i, "--symbol", &f->symbol);
        }
        if (r == 0) {
            r = take_opt(argc, argv, &i, "--venue", &f->venue);
        }
        if (r <= 0) {
            if (r == 0) {
                fprintf(stderr, "xgctl: %s: unexpected argument '%s'\n", cmd,
                        argv[i]);
            }
            return XGCTL_USAGE;
        }
    }
    if (f->strategy == NULL) {
        fprintf(stderr, "xgctl: %s needs --strategy\n", cmd);
        return XGCTL_USAGE;
    }
    return XGCTL_OK;
}

/* A request of type with the filters set. Given. */
static json_t *
filtered_request(const char *type, const xgctl_filters *f)
{
    json_t *req = json_object();
    json_object_set_new(req, "type", json_string(type));
    json_object_set_new(req, "strategy", json_string(f->strategy));
    if (f->symbol != NULL) {
        json_object_set_new(req, "symbol", json_string(f->symbol));
    }
    if (f->venue != NULL) {
        json_object_set_new(req, "venue", json_string(f->venue));
    }
    return req;
}

/* One open_orders page from cursor ("" the first): prints its orders as
 * table rows, copies next_cursor into next (NEXT_MAX bytes). */
#define NEXT_MAX 16
static int
open_page(const xgctl_opts *o, const xgctl_filters *f, const char *cursor,
          char *next)
{
    json_t *req = filtered_request("open_orders", f);
    if (cursor[0] != '\0') {
        json_object_set_new(req, "cursor", json_string(cursor));
    }
    json_object_set_new(req, "limit", json_integer(200));
    json_t *reply;
    int rc = request(o, req, &reply);
    if (rc != XGCTL_OK) {
        return rc;
    }
    json_t *orders = json_object_get(reply, "orders");
    if (reply_status(reply) != XGCTL_OK || !json_is_array(orders)) {
        print_reply(reply);
        return XGCTL_REFUSED;
    }
    size_t i;
    json_t *v;
    json_array_foreach(orders, i, v)
    {
        printf("%-32s %-12s %-4s %-16s %-16s %-16s %-16s %s\n",
               str_of(v, "client_order_id"), str_of(v, "symbol"),
               str_of(v, "side"), str_of(v, "qty"), str_of(v, "price"),
               str_of(v, "filled_qty"), str_of(v, "status"),
               str_of(v, "venue"));
    }
    snprintf(next, NEXT_MAX, "%s", str_of(reply, "next_cursor"));
    json_decref(reply);
    return XGCTL_OK;
}

static int
cmd_cancel_all(const xgctl_opts *o, int argc, char **argv)
{
    xgctl_filters f;
    int rc = take_filters("cancel-all", argc, argv, &f);
    return rc != XGCTL_OK
               ? rc
               : request_and_print(o, filtered_request("cancel_all", &f));
}

static int
cmd_open(const xgctl_opts *o, int argc, char **argv)
{
    xgctl_filters f;
    int rc = take_filters("open", argc, argv, &f);
    if (rc != XGCTL_OK) {
        return rc;
    }
    printf("%-32s %-12s %-4s %-16s %-16s %-16s %-16s %s\n", "CLIENT_ORDER_ID",
           "SYMBOL", "SIDE", "QTY", "PRICE", "FILLED", "STATUS", "VENUE");
    /* Every page, as the gateway hands out the next one. */
    char cursor[NEXT_MAX] = "";
    do {
        char next[NEXT_MAX];
        rc = open_page(o, &f, cursor, next);
        if (rc != XGCTL_OK) {
            return rc;
        }
        memcpy(cursor, next, sizeof cursor);
    } while (cursor[0] != '\0');
    return XGCTL_OK;
}

/* batch-new FILE: the array in FILE (or stdin for "-") as the orders of
 * one batch_new; the reply says each one's outcome. */
static int
cmd_batch_new(const xgctl_opts *o, int argc, char **argv)
{
    if (argc != 1) {
        fprintf(stderr, "xgctl: batch-new takes one FILE (or -)\n");
        return XGCTL_USAGE;
    }
    json_error_t err;
    json_t *orders = strcmp(argv[0], "-") == 0
                         ? json_loadf(stdin, 0, &err)
                         : json_load_file(argv[0], 0, &err);
    if (!json_is_array(orders)) {
        fprintf(stderr, "xgctl: batch-new: %s: %s\n", argv[0],
                orders == NULL ? err.text : "not a JSON array");
        json_decref(orders);
        return XGCTL_USAGE;
    }
    json_t *req = json_object();
    json_object_set_new(req, "type", json_string("batch_new"));
    json_object_set_new(req, "orders", orders);
    return request_and_print(o, req);
}

/* balances: one row per venue and asset, and a word when the gateway
 * asked the venue for newer figures (they come as a balances event). */
static int
cmd_balances(const xgctl_opts *o, int argc, char **argv)
{
    const char *venue = NULL;
    const char *max_age = NULL;
    for (int i = 0; i < argc; i++) {
        int r = take_opt(argc, argv, &i, "--venue", &venue);
        if (r == 0) {
            r = take_opt(argc, argv, &i, "--max-age-ms", &max_age);
        }
        if (r <= 0) {
            if (r == 0) {
                fprintf(stderr, "xgctl: balances: unexpected argument '%s'\n",
                        argv[i]);
            }
            return XGCTL_USAGE;
        }
    }
    json_t *req = json_object();
    json_object_set_new(req, "type", json_string("balances"));
    if (venue != NULL) {
        json_object_set_new(req, "venue", json_string(venue));
    }
    if (max_age != NULL) {
        char *end = NULL;
        long long ms = strtoll(max_age, &end, 10);
        if (end == max_age || *end != '\0' || ms < 0) {
            fprintf(stderr, "xgctl: balances: --max-age-ms wants ms >= 0\n");
            json_decref(req);
            return XGCTL_USAGE;
        }
        json_object_set_new(req, "max_age_ms", json_integer(ms));
    }
    json_t *reply;
    int rc = request(o, req, &reply);
    if (rc != XGCTL_OK) {
        return rc;
    }
    json_t *venues = json_object_get(reply, "balances");
    if (reply_status(reply) != XGCTL_OK || !json_is_array(venues)) {
        print_reply(reply);
        return XGCTL_REFUSED;
    }
    printf("%-15s %-10s %24s %24s %10s\n", "VENUE", "ASSET", "FREE", "LOCKED",
           "AGE_MS");
    size_t i;
    json_t *v;
    json_array_foreach(venues, i, v)
    {
        size_t k;
        json_t *a;
        json_array_foreach(json_object_get(v, "assets"), k, a)
        {
            printf("%-15s %-10s %24s %24s %10lld\n", str_of(v, "venue"),
                   str_of(a, "asset"), str_of(a, "free"), str_of(a, "locked"),
                   int_of(v, "age_ms"));
        }
        if (json_is_true(json_object_get(v, "refreshing"))) {
            printf("%-15s (asked the venue: the balances event, or this "
                   "command again, shows the answer)\n",
                   str_of(v, "venue"));
        }
    }
    json_decref(reply);
    return XGCTL_OK;
}

static int
cmd_venues(const xgctl_opts *o, int argc, char **argv)
{
    if (argc > 0) {
        fprintf(stderr, "xgctl: venues: unexpected argument '%s'\n", argv[0]);
        return XGCTL_USAGE;
    }
    json_t *req = json_object();
    json_object_set_new(req, "type", json_string("venue_status"));
    json_t *reply;
    int rc = request(o, req, &reply);
    if (rc != XGCTL_OK) {
        return rc;
    }
    rc = reply_status(reply);
    json_t *venues = json_object_get(reply, "venues");
    if (rc != XGCTL_OK || !json_is_array(venues)) {
        print_reply(reply);
        return XGCTL_REFUSED;
    }
    printf("%-15s %-10s %-20s %6s %8s %6s %-11s  %s\n", "VENUE", "STATE",
           "UNTIL", "QUEUED", "INFLIGHT", "OPEN", "STREAM", "REASON");
    size_t i;
    json_t *v;
    json_array_foreach(venues, i, v)
    {
        char until[32];
        format_until(json_integer_value(json_object_get(v, "until_ms")), until,
                     sizeof(until));
        printf("%-15s %-10s %-20s %6lld %8lld %6lld %-11s  %s\n",
               str_of(v, "name"), str_of(v, "state"), until,
               int_of(v, "queued"), int_of(v, "in_flight"),
               int_of(v, "open_orders"), str_of(v, "stream"),
               str_of(v, "reason"));
        const char *why = str_of(v, "stream_reason");
        if (why[0] != '\0') {
            printf("    stream: %s\n", why);
        }
        const char *limits = str_of(v, "limits");
        if (limits[0] != '\0') {
            const char *limits_why = str_of(v, "limits_reason");
            printf("    limits: %s as gateway %s, account %s%s%s\n", limits,
                   str_of(v, "gateway"), str_of(v, "account"),
                   limits_why[0] != '\0' ? ": " : "", limits_why);
        }
        size_t k;
        json_t *b;
        json_array_foreach(json_object_get(v, "buckets"), k, b)
        {
            long long used = int_of(b, "used");
            long long limit = int_of(b, "limit");
            long long pct = limit > 0 ? used * 100 / limit : 0;
            printf("    %-24s %10lld / %-10lld %3lld%%\n", str_of(b, "name"),
                   used, limit, pct);
        }
    }
    json_decref(reply);
    return XGCTL_OK;
}

static int
cmd_watch(const xgctl_opts *o, int argc, char **argv)
{
    const char *topic = "";
    const char *count_s = NULL;
    long count = 0; /* 0: until interrupted */
    int seen = 0;

    for (int i = 0; i < argc; i++) {
        int r = take_opt(argc, argv, &i, "--count", &count_s);
        if (r < 0) {
            return XGCTL_USAGE;
        }
        if (r == 0) {
            if (seen || argv[i][0] == '-') {
                fprintf(stderr, "xgctl: watch: unexpected argument '%s'\n",
                        argv[i]);
                return XGCTL_USAGE;
            }
            topic = argv[i];
            seen = 1;
        }
    }
    if (count_s != NULL && (count = parse_count(count_s)) <= 0) {
        fprintf(stderr, "xgctl: --count must be a positive number\n");
        return XGCTL_USAGE;
    }

    int rc = XGCTL_USAGE;
    int zero = 0;
    void *ctx = zmq_ctx_new();
    void *sock = ctx != NULL ? zmq_socket(ctx, ZMQ_SUB) : NULL;
    if (sock == NULL) {
        fprintf(stderr, "xgctl: cannot set up: %s\n",
                zmq_strerror(zmq_errno()));
        goto done;
    }
    zmq_setsockopt(sock, ZMQ_LINGER, &zero, sizeof(zero));
    if (zmq_setsockopt(sock, ZMQ_SUBSCRIBE, topic, strlen(topic)) != 0 ||
        zmq_connect(sock, o->pub_ep) != 0) {
        fprintf(stderr, "xgctl: %s: %s\n", o->pub_ep,
                zmq_strerror(zmq_errno()));
        goto done;
    }
    long long deadline = now_ms() + o->timeout_ms;
    long got = 0;
    for (;;) {
        long wait = -1;
        if (o->timeout_given) {
            long long left = deadline - now_ms();
            if (left <= 0) {
                /* A watch bounded only by time ended as asked. */
                rc = count > 0 ? XGCTL_USAGE : XGCTL_OK;
                if (count > 0) {
                    fprintf(stderr,
                            "xgctl: %ld of %ld events before the "
                            "timeout\n",
                            got, count);
                }
                goto done;
            }
            wait = (long)left;
        }
        zmq_pollitem_t item = {sock, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&item, 1, wait) < 0) {
            rc = zmq_errno() == EINTR ? XGCTL_OK : XGCTL_USAGE;
            goto done;
        }
        if (!(item.revents & ZMQ_POLLIN)) {
            continue;
        }
        /* Print "<topic> <json>"; frames after the second are not part
         * of the protocol and are shown separated by spaces too. */
        int more = 1;
        int first = 1;
        while (more) {
            zmq_msg_t part;
            zmq_msg_init(&part);
            if (zmq_msg_recv(&part, sock, 0) < 0) {
                zmq_msg_close(&part);
                break;
            }
            more = zmq_msg_more(&part);
            printf("%s%.*s", first ? "" : " ", (int)zmq_msg_size(&part),
                   (const char *)zmq_msg_data(&part));
            first = 0;
            zmq_msg_close(&part);
        }
        printf("\n");
        fflush(stdout);
        got++;
        if (count > 0 && got >= count) {
            rc = XGCTL_OK;
            goto done;
        }
    }
done:
    if (sock != NULL) {
        zmq_close(sock);
    }
    if (ctx != NULL) {
        zmq_ctx_term(ctx);
    }
    return rc;
}

int
main(int argc, char **argv)
{
    xgctl_opts o = {env_or("XG_REQ", XGCTL_DEFAULT_REQ),
                    env_or("XG_PUB", XGCTL_DEFAULT_PUB),
                    XGCTL_DEFAULT_TIMEOUT_MS, 0};
    int i = 1;

    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *v;
        int r;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return XGCTL_OK;
        }
        if ((r = take_opt(argc, argv, &i, "--req", &o.req_ep)) ||
            (r = take_opt(argc, argv, &i, "--pub", &o.pub_ep))) {
            if (r < 0) {
                return XGCTL_USAGE;
            }
        } else if ((r = take_opt(argc, argv, &i, "--timeout", &v)) != 0) {
            if (r < 0 || (o.timeout_ms = parse_count(v)) <= 0) {
                fprintf(stderr, "xgctl: --timeout must be a positive "
                                "number of milliseconds\n");
                return XGCTL_USAGE;
            }
            o.timeout_given = 1;
        } else {
            fprintf(stderr, "xgctl: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return XGCTL_USAGE;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return XGCTL_USAGE;
    }
    const char *cmd = argv[i];
    int sub_argc = argc - i - 1;
    char **sub_argv = argv + i + 1;
    if (strcmp(cmd, "new") == 0) {
        return cmd_new(&o, sub_argc, sub_argv);
    }
    if (strcmp(cmd, "cancel") == 0) {
        return cmd_by_id(&o, "cancel_order", sub_argc, sub_argv);
    }
    if (strcmp(cmd, "query") == 0) {
        return cmd_by_id(&o, "query_order", sub_argc, sub_argv);
    }
    if (strcmp(cmd, "amend") == 0) {
        return cmd_by_id(&o, "amend_order", sub_argc, sub_argv);
    }
    if (strcmp(cmd, "open") == 0) {
        return cmd_open(&o, sub_argc, sub_argv);
    }
    if (strcmp(cmd, "cancel-all") == 0) {
        return cmd_cancel_all(&o, sub_argc, sub_argv);
    }
    if (strcmp(cmd, "venues") == 0) {
        return cmd_venues(&o, sub_argc, sub_argv);
    }
    if (strcmp(cmd, "batch-new") == 0) {
        return cmd_batch_new(&o, sub_argc, sub_argv);
    }
    if (strcmp(cmd, "balances") == 0) {
        return cmd_balances(&o, sub_argc, sub_argv);
    }
    if (strcmp(cmd, "watch") == 0) {
        return cmd_watch(&o, sub_argc, sub_argv);
    }
    fprintf(stderr, "xgctl: unknown command '%s'\n", cmd);
    usage(stderr);
    return XGCTL_USAGE;
}
