/*
 * transport.c - libcurl multi transport with a fixed pool of slots.
 *
 * Owns the multi handle, the easy handles and every byte buffer of a
 * transfer. Leaves to its caller what a response means and when to send:
 * it only moves bytes and reports how each transfer ended, distinguishing
 * "nothing was sent" (safe to send elsewhere) from "sent, no answer" (the
 * venue may have acted), which the router needs for exactly-once.
 */
#include "transport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "xgate/buf.h"
#include "xgate/sign.h"

#define RESP_INITIAL_CAP (64 * 1024)
/* Binance's full exchangeInfo is ~20 MB; nothing legitimate is larger. */
#define RESP_MAX_CAP (64 * 1024 * 1024)
#define HDR_BYTES    16384
#define HDR_MAX      64
#define URL_MAX      (256 + XG_HTTP_TARGET_MAX)
#define MAX_WATCHES  256
/* release_at of a request taken this turn, before the turn is sealed. */
#define RELEASE_UNSEALED UINT64_MAX
#define HLINE_MAX        (XG_HTTP_HNAME_MAX + XG_HTTP_HVALUE_MAX + 4)

typedef struct xfer {
    CURL *easy;
    int busy;
    int staged;          /* taken, waiting for xg__transport_flush */
    uint64_t release_at; /* staged: leaves once this is durable
                            (RELEASE_UNSEALED until sealed) */
    int failed_to_start; /* flush could not start it: reported by perform */
    void *user;
    uint64_t tag;
    /* The request's header lines, as a curl_slist whose nodes and text
     * live here: libcurl only reads the list, so building it per request
     * allocates nothing. The lines carry keys and signatures: wiped when
     * the transfer ends. */
    struct curl_slist hnodes[XG_HTTP_MAX_HEADERS + 1];
    char hlines[XG_HTTP_MAX_HEADERS + 1][HLINE_MAX];
    size_t n_hlines;
    const xg__endpoint *ep; /* whose options the easy handle carries */
    char url[URL_MAX];
    char body[XG_HTTP_BODY_MAX];
    size_t body_len;
    int writes;         /* times libcurl was about to write the request */
    int refused_repeat; /* a silent re-send was stopped (allow_one_write) */
    /* response */
    char *resp;
    size_t resp_len, resp_cap;
    int resp_too_big;
    char hbuf[HDR_BYTES];
    size_t hlen;
    xg_http_header_view hv[HDR_MAX];
    size_t nh;
} xfer;

struct xg__transport {
    CURLM *multi;
    xfer *slots;
    size_t n_slots;
    size_t in_flight;
    size_t n_staged;
    size_t n_unsealed; /* staged and not yet sealed */
    size_t n_failed_to_start;
    xg__watch watches[MAX_WATCHES];
    size_t n_watches;
    int64_t deadline_ms; /* monotonic ms; -1 none */
    xg__xfer_done_fn done;
    void *ctx;
};

static int64_t
mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
on_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
    (void)easy;
    (void)socketp;
    xg__transport *t = userp;
    size_t i = 0;
    while (i < t->n_watches && t->watches[i].fd != s) {
        i++;
    }
    if (what == CURL_POLL_REMOVE) {
        if (i < t->n_watches) {
            t->watches[i] = t->watches[--t->n_watches];
        }
        return 0;
    }
    if (i == t->n_watches) {
        if (t->n_watches == MAX_WATCHES) {
            return -1; /* curl fails this transfer; reported as usual */
        }
        t->n_watches++;
    }
    t->watches[i].fd = s;
    t->watches[i].events = (short)(((what & CURL_POLL_IN) ? XG_WATCH_IN : 0) |
                                   ((what & CURL_POLL_OUT) ? XG_WATCH_OUT : 0));
    return 0;
}

static int
on_timer(CURLM *multi, long timeout_ms, void *userp)
{
    (void)multi;
    xg__transport *t = userp;
    t->deadline_ms = timeout_ms < 0 ? -1 : mono_ms() + timeout_ms;
    return 0;
}

static size_t
on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    xfer *x = userp;
    size_t n = size * nmemb;
    if (x->resp_len + n + 1 > x->resp_cap) {
        size_t cap = x->resp_cap;
        while (cap < x->resp_len + n + 1 && cap <= RESP_MAX_CAP / 2) {
            cap *= 2;
        }
        if (cap < x->resp_len + n + 1) {
            x->resp_too_big = 1;
            return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
        }
        char *p = realloc(x->resp, cap);
        if (p == NULL) {
            x->resp_too_big = 1;
            return 0;
        }
        x->resp = p;
        x->resp_cap = cap;
    }
    memcpy(x->resp + x->resp_len, data, n);
    x->resp_len += n;
    x->resp[x->resp_len] = '\0';
    return n;
}

/* libcurl re-sends a request on a fresh connection, unasked, when a
 * reused one dies before the answer. For an order that is a second
 * placement: a venue that executed the first copy and banned the second
 * would make an executed order look refused, and it would be placed again
 * elsewhere (found by tests/integration/test_chaos.c). The pre-request
 * callback runs each time a request is about to be written on a
 * connection, so a second call for the same transfer is that retry:
 * refusing it ends the transfer as "sent, outcome unknown", which the
 * router settles with a query. The body stays in CURLOPT_POSTFIELDS, so
 * headers and body leave in one write (a read callback, the other way to
 * stop the retry, costs a second write and wakes the venue twice). */
static int
allow_one_write(void *userp, char *remote_ip, char *local_ip, int remote_port,
                int local_port)
{
    (void)remote_ip;
    (void)local_ip;
    (void)remote_port;
    (void)local_port;
    xfer *x = userp;
    if (x->writes++ > 0) {
        x->refused_repeat = 1;
        return CURL_PREREQFUNC_ABORT;
    }
    return CURL_PREREQFUNC_OK;
}

static int
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static size_t
on_header(char *data, size_t size, size_t nmemb, void *userp)
{
    xfer *x = userp;
    size_t n = size * nmemb;
    /* A new status line starts a new header block (100 Continue,
     * redirects): only the last block belongs to the response. */
    if (n >= 5 && memcmp(data, "HTTP/", 5) == 0) {
        x->hlen = 0;
        x->nh = 0;
        return n;
    }
    const char *colon = memchr(data, ':', n);
    if (colon == NULL || x->nh == HDR_MAX || x->hlen + n > HDR_BYTES) {
        return n; /* blank line, malformed or too many: ignored */
    }
    size_t name_len = (size_t)(colon - data);
    const char *v = colon + 1;
    const char *end = data + n;
    while (v < end && is_space(*v)) {
        v++;
    }
    while (end > v && is_space(end[-1])) {
        end--;
    }
    char *dst = x->hbuf + x->hlen;
    memcpy(dst, data, name_len);
    memcpy(dst + name_len, v, (size_t)(end - v));
    xg_http_header_view *h = &x->hv[x->nh++];
    h->name = dst;
    h->name_len = name_len;
    h->value = dst + name_len;
    h->value_len = (size_t)(end - v);
    x->hlen += name_len + (size_t)(end - v);
    return n;
}

/* Options every request of a slot shares, set once: per request only the
 * URL, headers, method and (when the endpoint changes) the endpoint's own
 * options are set, instead of curl_easy_reset and a full set each time. */
static void
set_fixed_options(xfer *x)
{
    CURL *e = x->easy;
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(e, CURLOPT_PRIVATE, x);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, &x->hnodes[0]);
}

xg__transport *
xg__transport_new(size_t max_xfers, long max_host_conns, xg__xfer_done_fn done,
                  void *ctx)
{
    xg__transport *t = calloc(1, sizeof *t);
    if (t == NULL) {
        return NULL;
    }
    t->done = done;
    t->ctx = ctx;
    t->deadline_ms = -1;
    t->multi = curl_multi_init();
    t->slots = calloc(max_xfers, sizeof *t->slots);
    if (t->multi == NULL || t->slots == NULL) {
        goto fail;
    }
    t->n_slots = max_xfers;
    for (size_t i = 0; i < max_xfers; i++) {
        xfer *x = &t->slots[i];
        x->easy = curl_easy_init();
        x->resp = malloc(RESP_INITIAL_CAP);
        if (x->easy == NULL || x->resp == NULL) {
            goto fail;
        }
        x->resp_cap = RESP_INITIAL_CAP;
        set_fixed_options(x);
    }
    curl_multi_setopt(t->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(t->multi, CURLMOPT_SOCKETDATA, t);
    curl_multi_setopt(t->multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(t->multi, CURLMOPT_TIMERDATA, t);
    curl_multi_setopt(t->multi, CURLMOPT_MAX_HOST_CONNECTIONS, max_host_conns);
    curl_multi_setopt(t->multi, CURLMOPT_MAXCONNECTS, (long)max_xfers);
    return t;
fail:
    xg__transport_destroy(&t);
    return NULL;
}

void
xg__transport_destroy(xg__transport **tp)
{
    xg__transport *t = *tp;
    if (t == NULL) {
        return;
    }
    for (size_t i = 0; t->slots != NULL && i < t->n_slots; i++) {
        xfer *x = &t->slots[i];
        if (x->busy && !x->staged) {
            curl_multi_remove_handle(t->multi, x->easy);
        }
        curl_easy_cleanup(x->easy);
        /* Bodies and headers of signed requests hold signatures and
         * keys. */
        xg_wipe(x->body, sizeof x->body);
        xg_wipe(x->hlines, sizeof x->hlines);
        free(x->resp);
    }
    free(t->slots);
    if (t->multi != NULL) {
        curl_multi_cleanup(t->multi);
    }
    free(t);
    *tp = NULL;
}

static void
set_endpoint_options(xfer *x, const xg__endpoint *ep)
{
    CURL *e = x->easy;
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, ep->connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, ep->timeout_ms);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, ep->verify_tls ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, ep->verify_tls ? 2L : 0L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR,
                     ep->verify_tls ? "https" : "http,https");
    x->ep = ep;
}

/* The header lines into the slot's own list; "Expect:" first, which stops
 * curl waiting for 100-continue on larger bodies. */
static void
set_headers(xfer *x, const xg_http_request *req)
{
    size_t n = 0;
    xg_strlcpy(x->hlines[n++], "Expect:", HLINE_MAX);
    for (size_t i = 0; i < req->n_headers && i < XG_HTTP_MAX_HEADERS; i++) {
        xg_buf lb;
        xg_buf_init(&lb, x->hlines[n++], HLINE_MAX);
        xg_buf_puts(&lb, req->headers[i].name);
        xg_buf_puts(&lb, ": ");
        xg_buf_puts(&lb, req->headers[i].value);
    }
    for (size_t i = 0; i < n; i++) {
        x->hnodes[i].data = x->hlines[i];
        x->hnodes[i].next = i + 1 < n ? &x->hnodes[i + 1] : NULL;
    }
    x->n_hlines = n;
}

/* The request's body and header lines hold keys and signatures: wiped
 * as soon as the transfer ends. */
static void
wipe_request(xfer *x)
{
    xg_wipe(x->body, x->body_len + 1);
    xg_wipe(x->hlines, x->n_hlines * sizeof x->hlines[0]);
    x->n_hlines = 0;
}

static xg_err
prepare(xfer *x, const xg__endpoint *ep, const xg_http_request *req)
{
    xg_buf url;
    xg_buf_init(&url, x->url, sizeof x->url);
    xg_buf_puts(&url, ep->base_url);
    xg_buf_puts(&url, req->target);
    if (xg_buf_status(&url) != XG_OK || req->body_len >= sizeof x->body) {
        return XG_ERR_TRUNCATED;
    }
    set_headers(x, req);
    memcpy(x->body, req->body, req->body_len);
    x->body[req->body_len] = '\0';
    x->body_len = req->body_len;
    x->writes = 0;
    x->refused_repeat = 0;

    CURL *e = x->easy;
    if (x->ep != ep) {
        set_endpoint_options(x, ep);
    }
    curl_easy_setopt(e, CURLOPT_URL, x->url);
    int is_get = strcmp(req->method, "GET") == 0;
    int is_post = strcmp(req->method, "POST") == 0;
    if (is_post || (!is_get && req->body_len > 0)) {
        curl_easy_setopt(e, CURLOPT_POST, 1L);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)req->body_len);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, x->body);
    } else {
        /* Also undoes a previous request's POST on this handle. */
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    }
    /* Every request that changes something is written once (a DELETE
     * without a body too: Binance's and KuCoin's cancels, which libcurl
     * re-sent unasked after a lost answer, found by test_lifecycle_property
     * once the simulator's log said "dropped_exec" whole); a read may be
     * retried. */
    curl_easy_setopt(e, CURLOPT_PREREQFUNCTION,
                     is_get ? NULL : allow_one_write);
    curl_easy_setopt(e, CURLOPT_PREREQDATA, is_get ? NULL : (void *)x);
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST,
                     is_get || is_post ? NULL : req->method);
    x->resp_len = 0;
    x->resp[0] = '\0';
    x->resp_too_big = 0;
    x->hlen = 0;
    x->nh = 0;
    return XG_OK;
}

xg_err
xg__transport_send(xg__transport *t, const xg__endpoint *ep,
                   const xg_http_request *req, void *user, uint64_t tag)
{
    xfer *x = NULL;
    for (size_t i = 0; i < t->n_slots; i++) {
        if (!t->slots[i].busy) {
            x = &t->slots[i];
            break;
        }
    }
    if (x == NULL) {
        return XG_ERR_BUSY;
    }
    xg_err e = prepare(x, ep, req);
    if (e != XG_OK) {
        return e;
    }
    x->busy = 1;
    x->staged = 1;
    x->release_at = RELEASE_UNSEALED;
    x->user = user;
    x->tag = tag;
    t->in_flight++;
    t->n_staged++;
    t->n_unsealed++;
    return XG_OK;
}

void
xg__transport_seal(xg__transport *t, uint64_t seq)
{
    for (size_t i = 0; i < t->n_slots && t->n_unsealed > 0; i++) {
        xfer *x = &t->slots[i];
        if (x->staged && x->release_at == RELEASE_UNSEALED) {
            x->release_at = seq;
            t->n_unsealed--;
        }
    }
}

void
xg__transport_flush(xg__transport *t, uint64_t durable)
{
    if (t->n_staged == t->n_unsealed) {
        return;
    }
    size_t started = 0;
    for (size_t i = 0; i < t->n_slots && t->n_staged > t->n_unsealed; i++) {
        xfer *x = &t->slots[i];
        if (!x->staged || x->release_at > durable) {
            continue;
        }
        started++;
        x->staged = 0;
        t->n_staged--;
        if (curl_multi_add_handle(t->multi, x->easy) != CURLM_OK) {
            /* Only out of memory gets here. It is reported by the next
             * perform, as a transfer that sent nothing: completions reach
             * the caller only from there, never from inside a flush. */
            x->failed_to_start = 1;
            t->n_failed_to_start++;
        }
    }
    if (started == 0) {
        return;
    }
    /* Kick the transfers now instead of on the next loop turn: on a warm
     * connection the requests are on the wire before this returns. */
    int running;
    curl_multi_socket_action(t->multi, CURL_SOCKET_TIMEOUT, 0, &running);
}

size_t
xg__transport_in_flight(const xg__transport *t)
{
    return t->in_flight;
}

size_t
xg__transport_watches(const xg__transport *t, xg__watch *out, size_t cap)
{
    size_t n = t->n_watches < cap ? t->n_watches : cap;
    memcpy(out, t->watches, n * sizeof *out);
    return n;
}

long
xg__transport_timeout_ms(const xg__transport *t)
{
    if (t->n_failed_to_start > 0) {
        return 0;
    }
    if (t->deadline_ms < 0) {
        return -1;
    }
    int64_t left = t->deadline_ms - mono_ms();
    return left < 0 ? 0 : (long)left;
}

static void report(xg__transport *t, xfer *x, CURLcode rc);

static void
finish(xg__transport *t, CURLMsg *msg)
{
    xfer *x = NULL;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
    CURLcode rc = msg->data.result;
    curl_multi_remove_handle(t->multi, x->easy);
    t->in_flight--;
    wipe_request(x);
    /* The slot stays busy during the callback: the response it lends
     * lives in the slot. */
    report(t, x, rc);
    x->busy = 0;
}

static void
report(xg__transport *t, xfer *x, CURLcode rc)
{

    if (rc == CURLE_OK) {
        long status = 0;
        curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
        xg_http_response resp = {(int)status, x->hv, x->nh, x->resp,
                                 x->resp_len};
        t->done(t->ctx, x->user, x->tag, XG_XFER_RESPONSE, &resp, "");
        return;
    }
    /* CURLINFO_REQUEST_SIZE counts request bytes written: zero means the
     * venue cannot have seen the request. */
    long sent = 0;
    curl_easy_getinfo(x->easy, CURLINFO_REQUEST_SIZE, &sent);
    xg__xfer_status st =
        sent > 0 || x->refused_repeat ? XG_XFER_NO_RESPONSE : XG_XFER_NOT_SENT;
    const char *why = x->resp_too_big     ? "response larger than 64 MiB"
                      : x->refused_repeat ? "connection lost after the request"
                                            " was written"
                                          : curl_easy_strerror(rc);
    t->done(t->ctx, x->user, x->tag, st, NULL, why);
}

/* Report the transfers flush could not start. */
static void
report_failed_starts(xg__transport *t)
{
    for (size_t i = 0; i < t->n_slots && t->n_failed_to_start > 0; i++) {
        xfer *x = &t->slots[i];
        if (x->failed_to_start) {
            x->failed_to_start = 0;
            t->n_failed_to_start--;
            t->in_flight--;
            wipe_request(x);
            t->done(t->ctx, x->user, x->tag, XG_XFER_NOT_SENT, NULL,
                    "cannot start the transfer");
            x->busy = 0;
        }
    }
}

void
xg__transport_perform(xg__transport *t, const xg__watch *ready, size_t n)
{
    report_failed_starts(t);
    int running;
    for (size_t i = 0; i < n; i++) {
        int ev = ((ready[i].events & XG_WATCH_IN) ? CURL_CSELECT_IN : 0) |
                 ((ready[i].events & XG_WATCH_OUT) ? CURL_CSELECT_OUT : 0);
        curl_multi_socket_action(t->multi, ready[i].fd, ev, &running);
    }
    if (t->deadline_ms >= 0 && mono_ms() >= t->deadline_ms) {
        t->deadline_ms = -1;
        curl_multi_socket_action(t->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    }
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(t->multi, &left)) != NULL) {
        if (msg->msg == CURLMSG_DONE) {
            finish(t, msg);
        }
    }
}
