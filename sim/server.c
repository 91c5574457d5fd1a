/*
 * The HTTP side of xgsim: receives requests, applies injected faults and
 * latency, hands the request to the admin API or the venue's dialect,
 * logs it, and sends the answer.
 *
 * The raw URI (with the query string exactly as sent, which signatures
 * cover) is captured in the URI log callback, before libmicrohttpd
 * decodes anything; the body is collected raw up to XG_SIM_BODY_MAX and
 * discarded past it (answered 413). Returning MHD_NO from the handler is
 * how an injected "drop" closes the connection without a response.
 */
#include "server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "admin.h"
#include "ws.h"

typedef struct server_ctx {
    char *uri;
    char *body;
    size_t body_len, body_cap;
    bool started;
    bool too_large;
    int64_t t_ms;
    int64_t t_us;
} server_ctx;

static void *
server_uri_log(void *cls, const char *uri, struct MHD_Connection *con)
{
    server_ctx *ctx = calloc(1, sizeof(*ctx));

    (void)cls;
    (void)con;
    if (ctx == NULL) {
        return NULL;
    }
    ctx->t_us = xg_sim_now_us();
    ctx->t_ms = ctx->t_us / 1000;
    ctx->uri = strdup(uri != NULL ? uri : "/");
    if (ctx->uri == NULL) {
        free(ctx);
        return NULL;
    }
    return ctx;
}

static void
server_completed(void *cls, struct MHD_Connection *con, void **con_cls,
                 enum MHD_RequestTerminationCode toe)
{
    server_ctx *ctx = *con_cls;

    (void)cls;
    (void)con;
    (void)toe;
    if (ctx != NULL) {
        free(ctx->uri);
        free(ctx->body);
        free(ctx);
        *con_cls = NULL;
    }
}

const char *
xg_sim_request_header(const xg_sim_request *req, const char *name)
{
    return MHD_lookup_connection_value((struct MHD_Connection *)req->conn,
                                       MHD_HEADER_KIND, name);
}

static void
server_client_ip(struct MHD_Connection *con, char *buf, size_t cap)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

    buf[0] = '\0';
    if (info == NULL || info->client_addr == NULL) {
        return;
    }
    const struct sockaddr *sa = info->client_addr;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &in->sin_addr, buf, (socklen_t)cap);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        inet_ntop(AF_INET6, &in6->sin6_addr, buf, (socklen_t)cap);
    }
}

static bool
server_append(server_ctx *ctx, const char *data, size_t n)
{
    if (ctx->too_large || ctx->body_len + n > XG_SIM_BODY_MAX) {
        ctx->too_large = true;
        return true;
    }
    if (ctx->body_len + n + 1 > ctx->body_cap) {
        size_t cap = ctx->body_cap != 0 ? ctx->body_cap : 1024;
        while (cap < ctx->body_len + n + 1) {
            cap *= 2;
        }
        char *b = realloc(ctx->body, cap);
        if (b == NULL) {
            return false;
        }
        ctx->body = b;
        ctx->body_cap = cap;
    }
    memcpy(ctx->body + ctx->body_len, data, n);
    ctx->body_len += n;
    ctx->body[ctx->body_len] = '\0';
    return true;
}

static void
server_sleep_ms(int64_t ms)
{
    struct timespec ts = {.tv_sec = (time_t)(ms / 1000),
                          .tv_nsec = (long)(ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) != 0) {
        /* Interrupted: sleep the rest. */
    }
}

/* Fault decisions taken for one request, under the lock. */
typedef struct server_fault_plan {
    bool drop;
    bool limited;
    bool fail;
    bool execute;
    int status;
    int64_t retry_ms;
    int64_t latency_ms;
} server_fault_plan;

/* One request takes at most one counted fault, in a fixed order (drops,
 * then limited answers, then 5xx) so a test that arms several knows which
 * request gets which (docs/simulator.md). */
static server_fault_plan
server_take_fault(xg_sim_venue *v)
{
    server_fault_plan plan = {0};
    xg_sim_fault *f = &v->fault;

    xg_sim_venue_lock(v);
    if (f->drop_count > 0) {
        f->drop_count--;
        plan.drop = true;
        plan.execute = f->drop_execute;
    } else if (f->limited_count > 0) {
        f->limited_count--;
        plan.limited = true;
        plan.retry_ms = f->limited_retry_ms;
    } else if (f->fail_count > 0) {
        f->fail_count--;
        plan.fail = true;
        plan.execute = f->fail_execute;
        plan.status = f->fail_status;
    }
    plan.latency_ms = f->latency_ms;
    xg_sim_venue_unlock(v);
    return plan;
}

/* Run a venue request through faults, the dialect and the log. Returns
 * false when the connection must be dropped. */
static bool
server_serve(xg_sim_venue *v, const xg_sim_request *req, bool too_large,
             xg_sim_response *resp)
{
    server_fault_plan plan = {0};
    xg_sim_log_entry entry;

    if (too_large) {
        v->dialect->error(resp, 413, "Request body too large.");
        resp->outcome = "too_large";
    } else {
        plan = server_take_fault(v);
        if ((!plan.drop && !plan.fail && !plan.limited) || plan.execute) {
            v->dialect->handle(v, req, resp);
        } else {
            v->dialect->client_id(req, resp->client_order_id,
                                  sizeof(resp->client_order_id));
        }
        if (plan.limited) {
            /* Never executed and never charged: the venue's own limit
             * answer without the client having earned it, so it does not
             * count towards any ban either. */
            v->dialect->limited(v, req, plan.retry_ms, resp);
        } else if (plan.fail) {
            /* The client id stays for the log: it is how a test finds the
             * order whose outcome the client could not learn. */
            resp->nheaders = 0;
            v->dialect->error(resp, plan.status,
                              "Internal error; unable to process your "
                              "request. Please try again.");
            resp->outcome = plan.execute ? "fault_exec" : "fault";
        } else if (plan.drop) {
            resp->status = 0;
            resp->code = 0;
            resp->outcome = plan.execute ? "dropped_exec" : "dropped";
        }
    }

    memset(&entry, 0, sizeof(entry));
    entry.t_ms = req->t_ms;
    entry.t_us = req->t_us;
    entry.done_us = xg_sim_now_us();
    entry.status = resp->status;
    entry.code = resp->code;
    snprintf(entry.method, sizeof(entry.method), "%s", req->method);
    snprintf(entry.path, sizeof(entry.path), "%s", req->path);
    snprintf(entry.client_order_id, sizeof(entry.client_order_id), "%s",
             resp->client_order_id);
    snprintf(entry.outcome, sizeof(entry.outcome), "%s",
             resp->outcome != NULL ? resp->outcome : "ok");
    /* A fault's outcome (the request not executed, or its answer lost) is
     * every order's; else each order of a batch shows its own. */
    bool is_fault = plan.drop || plan.fail || plan.limited || too_large;
    size_t n_items = resp->n_items < XG_SIM_LOG_BATCH_MAX
                         ? resp->n_items
                         : XG_SIM_LOG_BATCH_MAX;
    xg_sim_venue_lock(v);
    /* Out of memory for the log loses one entry, not the request. */
    if (n_items == 0) {
        (void)xg_sim_log_add(&v->log, &entry);
    }
    for (size_t i = 0; i < n_items; i++) {
        const xg_sim_log_item *it = &resp->items[i];
        entry.batch_n = (uint16_t)n_items;
        entry.batch_i = (uint16_t)i;
        snprintf(entry.client_order_id, sizeof(entry.client_order_id), "%s",
                 it->client_order_id);
        if (!is_fault) {
            entry.code = it->code;
            snprintf(entry.outcome, sizeof(entry.outcome), "%s",
                     it->outcome != NULL ? it->outcome : "ok");
        }
        (void)xg_sim_log_add(&v->log, &entry);
    }
    xg_sim_venue_unlock(v);

    if (plan.latency_ms > 0) {
        server_sleep_ms(plan.latency_ms);
    }
    return !plan.drop;
}

static enum MHD_Result
server_send(struct MHD_Connection *con, xg_sim_response *resp)
{
    struct MHD_Response *r = NULL;
    enum MHD_Result ret = MHD_NO;
    bool has_type = false;

    if (resp->body != NULL) {
        r = MHD_create_response_from_buffer(resp->body_len, resp->body,
                                            MHD_RESPMEM_MUST_FREE);
        if (r != NULL) {
            resp->body = NULL; /* now MHD's */
        }
    } else {
        r = MHD_create_response_from_buffer(0, (void *)"",
                                            MHD_RESPMEM_PERSISTENT);
    }
    if (r == NULL) {
        return MHD_NO;
    }
    for (size_t i = 0; i < resp->nheaders; i++) {
        if (strcasecmp(resp->headers[i].name, "Content-Type") == 0) {
            has_type = true;
        }
        MHD_add_response_header(r, resp->headers[i].name,
                                resp->headers[i].value);
    }
    if (!has_type) {
        MHD_add_response_header(r, "Content-Type",
                                "application/json;charset=UTF-8");
    }
    ret = MHD_queue_response(con, (unsigned int)resp->status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result
server_access(void *cls, struct MHD_Connection *con, const char *url,
              const char *method, const char *version, const char *upload_data,
              size_t *upload_data_size, void **con_cls)
{
    xg_sim_venue *v = cls;
    server_ctx *ctx = *con_cls;
    xg_sim_request req;
    xg_sim_response resp;
    char ip[XG_SIM_IP_LEN];
    char *q = NULL;
    bool keep = true;
    enum MHD_Result ret = MHD_NO;

    (void)url;
    (void)version;
    if (ctx == NULL) {
        return MHD_NO;
    }
    if (!ctx->started) {
        ctx->started = true;
        return MHD_YES;
    }
    if (*upload_data_size != 0) {
        bool ok = server_append(ctx, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return ok ? MHD_YES : MHD_NO;
    }

    memset(&req, 0, sizeof(req));
    memset(&resp, 0, sizeof(resp));
    server_client_ip(con, ip, sizeof(ip));
    q = strchr(ctx->uri, '?');
    if (q != NULL) {
        *q = '\0'; /* path ends here; the query follows */
        req.query = q + 1;
    } else {
        req.query = "";
    }
    req.query_len = strlen(req.query);
    req.method = method;
    req.path = ctx->uri;
    req.body = ctx->body != NULL ? ctx->body : "";
    req.body_len = ctx->body_len;
    req.client_ip = ip;
    req.t_ms = ctx->t_ms;
    req.t_us = ctx->t_us;
    req.conn = con;

    if (xg_sim_ws_is_upgrade(v, &req)) {
        return xg_sim_ws_upgrade(v, con, &req);
    }
    if (strncmp(req.path, "/_sim/", 6) == 0) {
        xg_sim_admin_handle(v, &req, &resp);
    } else {
        keep = server_serve(v, &req, ctx->too_large, &resp);
    }
    if (keep) {
        ret = server_send(con, &resp);
    }
    free(resp.body);
    return ret;
}

xg_err
xg_sim_server_start(xg_sim_venue *v, int port)
{
    struct sockaddr_in addr;
    struct MHD_Daemon *d = NULL;
    const union MHD_DaemonInfo *info = NULL;

    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

    /* MHD_ALLOW_UPGRADE: the private streams (sim/ws.c) take over their
     * connection after a 101. */
    d = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
            MHD_USE_POLL | MHD_ALLOW_UPGRADE,
        0, NULL, NULL, server_access, v, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&addr, MHD_OPTION_URI_LOG_CALLBACK, server_uri_log,
        v, MHD_OPTION_NOTIFY_COMPLETED, server_completed, v,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)120,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)512, MHD_OPTION_END);
    if (d == NULL) {
        return XG_ERR_IO;
    }
    info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    if (info == NULL || info->port == 0) {
        MHD_stop_daemon(d);
        return XG_ERR_IO;
    }
    v->port = info->port;
    v->daemon = d;
    return XG_OK;
}

void
xg_sim_server_stop(xg_sim_venue *v)
{
    if (v->daemon != NULL) {
        /* The streams end first: their threads are the daemon's, which
         * it waits for. */
        xg_sim_ws_stop(v);
        MHD_stop_daemon(v->daemon);
        v->daemon = NULL;
    }
}
