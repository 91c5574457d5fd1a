/*
 * gw_launch.c - xgated as a child process of a test, and a strategy-side
 * ZeroMQ client.
 *
 * The gateway binds ephemeral ports ("tcp://127.0.0.1:*") and prints the
 * endpoints it got, so tests never collide on ports. The child is stopped
 * by its PID. Credentials reach it the way they reach a real deployment:
 * through environment variables named in the config.
 */
#include "gw_launch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <zmq.h>

#include "xgate/buf.h"

int64_t
xg_test_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
xg_test_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
xg_test_sleep_ms(int64_t ms)
{
    struct timespec ts = {.tv_sec = ms / 1000,
                          .tv_nsec = (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

int
xg_test_end_pid(pid_t pid, int64_t grace_ms)
{
    int status = 0;
    pid_t got = 0;
    kill(pid, SIGTERM);
    int64_t deadline = xg_test_now_ms() + grace_ms;
    while ((got = waitpid(pid, &status, WNOHANG)) == 0 &&
           xg_test_now_ms() < deadline) {
        xg_test_sleep_ms(5);
    }
    if (got != 0) {
        return got > 0 ? status : -1;
    }
    kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return -1;
}

/* Read one line from fd into line (cap), waiting until deadline_ms. */
static int
read_line(int fd, char *line, size_t cap, int64_t deadline_ms)
{
    size_t n = 0;
    while (n + 1 < cap) {
        int64_t left = deadline_ms - xg_test_now_ms();
        if (left <= 0) {
            return -1;
        }
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, (int)left) <= 0) {
            continue;
        }
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r <= 0) {
            return -1;
        }
        if (c == '\n') {
            break;
        }
        line[n++] = c;
    }
    line[n] = '\0';
    return 0;
}

/* Fork and exec xgated on g->config_path; wait for the two lines naming
 * its endpoints, which it prints when it binds, before its venues start. */
static xg_err
spawn_begin(xg_gw_proc *g)
{
    int pipefd[2];
    if (pipe(pipefd) != 0) {
        return XG_ERR_IO;
    }
    pid_t pid = fork();
    if (pid < 0) {
        return XG_ERR_IO;
    }
    if (pid == 0) {
        dup2(pipefd[1], STDOUT_FILENO);
        close(pipefd[0]);
        close(pipefd[1]);
        /* A test may name a key of its own in its environment. */
        setenv("XG_TEST_API_KEY", "xgsim-test-key", 0);
        setenv("XG_TEST_SECRET", "xgsim-test-secret", 1);
        setenv("XG_TEST_PASSPHRASE", "xgsim-test-pass", 1);
        execl(XG_BIN_DIR "/xgated", "xgated", "-c", g->config_path,
              (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    g->pid = pid;
    g->out_fd = pipefd[0];
    g->req_ep[0] = '\0';
    g->pub_ep[0] = '\0';
    int64_t deadline = xg_test_now_ms() + 10000;
    char line[512];
    while (read_line(g->out_fd, line, sizeof line, deadline) == 0) {
        if (strncmp(line, "xgated: requests ", 17) == 0) {
            xg_strlcpy(g->req_ep, line + 17, sizeof g->req_ep);
        } else if (strncmp(line, "xgated: events ", 15) == 0) {
            xg_strlcpy(g->pub_ep, line + 15, sizeof g->pub_ep);
        }
        if (g->req_ep[0] != '\0' && g->pub_ep[0] != '\0') {
            return XG_OK;
        }
    }
    return XG_ERR_IO;
}

xg_err
xg_gw_wait_ready(xg_gw_proc *g, int timeout_ms)
{
    int64_t deadline = xg_test_now_ms() + timeout_ms;
    char line[512];
    while (read_line(g->out_fd, line, sizeof line, deadline) == 0) {
        if (strcmp(line, "xgated: ready") == 0) {
            return XG_OK;
        }
    }
    return XG_ERR_IO;
}

/* Fork and exec xgated on g->config_path; wait for its endpoints and
 * "xgated: ready". */
static xg_err
spawn(xg_gw_proc *g)
{
    xg_err e = spawn_begin(g);
    if (e != XG_OK) {
        return e;
    }
    /* Generous, as it is only a cap: a restart reconciles every open
     * order in its journal before "ready", at the venues' reconciliation
     * share of their limits (the chaos test's restarts settle hundreds of
     * orders, 15-20 s under ASan). */
    return xg_gw_wait_ready(g, 60000);
}

/* Write config_json to a fresh temporary directory (data_dir beside it)
 * and start xgated on it up to its endpoints (is_ready 0) or up to
 * "ready". */
static xg_err
start_config(xg_gw_proc *g, const char *config_json, int is_ready)
{
    memset(g, 0, sizeof *g);
    xg_strlcpy(g->dir, "/tmp/xgate-test-XXXXXX", sizeof g->dir);
    if (mkdtemp(g->dir) == NULL) {
        return XG_ERR_IO;
    }
    xg_buf b;
    xg_buf_init(&b, g->config_path, sizeof g->config_path);
    xg_buf_puts(&b, g->dir);
    xg_buf_puts(&b, "/xgated.json");
    FILE *f = fopen(g->config_path, "w");
    if (f == NULL) {
        return XG_ERR_IO;
    }
    /* The journal goes next to the config, so tests never share one. */
    const char *brace = strchr(config_json, '{');
    if (brace == NULL) {
        fclose(f);
        return XG_ERR_INVALID;
    }
    fprintf(f, "{\"data_dir\": \"%s/data\",%s", g->dir, brace + 1);
    fclose(f);
    xg_err e = is_ready ? spawn(g) : spawn_begin(g);
    if (e != XG_OK) {
        xg_gw_stop(g);
    }
    return e;
}

xg_err
xg_gw_start(xg_gw_proc *g, const char *config_json)
{
    return start_config(g, config_json, 1);
}

void
xg_gw_halt(xg_gw_proc *g, int sig)
{
    if (g->pid > 0) {
        kill(g->pid, sig);
        waitpid(g->pid, NULL, 0);
        g->pid = 0;
    }
    if (g->out_fd > 0) {
        close(g->out_fd);
        g->out_fd = 0;
    }
}

xg_err
xg_gw_restart(xg_gw_proc *g)
{
    xg_gw_halt(g, SIGKILL);
    return spawn(g);
}

xg_err
xg_gw_restart_begin(xg_gw_proc *g)
{
    xg_gw_halt(g, SIGKILL);
    return spawn_begin(g);
}

xg_err
xg_gw_start_sim(xg_gw_proc *g, const char *const *venues, const int *ports,
                size_t n, const char *extra_venue_json)
{
    return xg_gw_start_sim_with(g, venues, ports, n, extra_venue_json, "");
}

/* Append before, "key": value (compact JSON), after to b. */
static void
put_member(xg_buf *b, const char *before, const char *key, const json_t *value,
           const char *after)
{
    char *d = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);
    xg_buf_puts(b, before);
    xg_buf_putc(b, '"');
    xg_buf_puts(b, key);
    xg_buf_puts(b, "\": ");
    xg_buf_puts(b, d != NULL ? d : "null");
    xg_buf_puts(b, after);
    free(d);
}

/* Split extra_root_json ("key": value pairs, each followed by a comma)
 * into the members of an "api" object it may hold, written to api (each
 * preceded by ", "), and the other pairs, written back to rest as they
 * were. The generated config has its own "api" object, and a key given
 * twice is refused by xgated, so a test's api settings must join it. */
static xg_err
split_api(const char *extra_root_json, xg_buf *rest, xg_buf *api)
{
    if (strstr(extra_root_json, "\"api\"") == NULL) {
        xg_buf_puts(rest, extra_root_json);
        return XG_OK;
    }
    char text[4096];
    xg_buf t;
    xg_buf_init(&t, text, sizeof text);
    xg_buf_putc(&t, '{');
    xg_buf_puts(&t, extra_root_json);
    /* The fragment's trailing comma would not parse inside braces. */
    while (t.len > 1 && (text[t.len - 1] == ',' || text[t.len - 1] == ' ' ||
                         text[t.len - 1] == '\n')) {
        t.len--;
    }
    xg_buf_putc(&t, '}');
    if (xg_buf_status(&t) != XG_OK) {
        return XG_ERR_TRUNCATED;
    }
    json_t *root = json_loadb(text, t.len, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(root) ||
        !json_is_object(json_object_get(root, "api"))) {
        json_decref(root);
        return XG_ERR_INVALID;
    }
    const char *key;
    json_t *value;
    json_object_foreach(root, key, value)
    {
        if (strcmp(key, "api") != 0) {
            put_member(rest, "", key, value, ", ");
            continue;
        }
        const char *api_key;
        json_t *api_value;
        json_object_foreach(value, api_key, api_value)
        {
            put_member(api, ", ", api_key, api_value, "");
        }
    }
    json_decref(root);
    return XG_OK;
}

/* The config xg_gw_start_sim_with describes, into cfg (cap bytes). */
static xg_err
sim_config(char *cfg, size_t cap, const char *const *venues, const int *ports,
           size_t n, const char *const *extras, const char *extra_root_json)
{
    char rest_mem[4096], api_mem[1024];
    xg_buf rest, api;
    xg_buf_init(&rest, rest_mem, sizeof rest_mem);
    xg_buf_init(&api, api_mem, sizeof api_mem);
    xg_err e = split_api(extra_root_json, &rest, &api);
    if (e == XG_OK) {
        e = xg_buf_status(&rest) != XG_OK ? xg_buf_status(&rest)
                                          : xg_buf_status(&api);
    }
    if (e != XG_OK) {
        return e;
    }
    xg_buf b;
    xg_buf_init(&b, cfg, cap);
    xg_buf_puts(&b, "{");
    xg_buf_put(&b, rest_mem, rest.len);
    /* The test's own api settings (api_mem) may not name the endpoints:
     * they stay ephemeral, so tests never collide on ports. */
    xg_buf_puts(&b, "\"api\": {\"requests\": \"tcp://127.0.0.1:*\", "
                    "\"events\": \"tcp://127.0.0.1:*\"");
    xg_buf_put(&b, api_mem, api.len);
    xg_buf_puts(&b, "},\n"
                    " \"adapters_dir\": \"" XG_ADAPTER_DIR "\",\n"
                    " \"log_level\": \"info\",\n"
                    " \"venues\": {");
    for (size_t i = 0; i < n; i++) {
        xg_buf_puts(&b, i ? ",\n  \"" : "\n  \"");
        xg_buf_puts(&b, venues[i]);
        xg_buf_puts(&b, "\": {\"base_url\": \"http://127.0.0.1:");
        xg_buf_put_i64(&b, ports[i]);
        xg_buf_puts(&b, "\", \"simulator\": true, \"credentials\": "
                        "{\"api_key_env\": \"XG_TEST_API_KEY\", "
                        "\"secret_env\": \"XG_TEST_SECRET\", "
                        "\"passphrase_env\": \"XG_TEST_PASSPHRASE\"}");
        if (extras[i][0] != '\0') {
            xg_buf_puts(&b, ", ");
            xg_buf_puts(&b, extras[i]);
        }
        /* The open-orders sweep is off unless a test asks for it: its
         * requests would take faults a test arms for the next request. */
        if (strstr(extras[i], "order_sweep_ms") == NULL) {
            xg_buf_puts(&b, ", \"order_sweep_ms\": 0");
        }
        /* So is the private stream: the tests written for the REST paths
         * (a cancel or amend that learns a fill, the sweep, a ban's
         * silence) keep testing them; stream tests ask for it. */
        if (strstr(extras[i], "\"stream\"") == NULL) {
            xg_buf_puts(&b, ", \"stream\": false");
        }
        xg_buf_puts(&b, "}");
    }
    xg_buf_puts(&b, "}}\n");
    return xg_buf_status(&b) != XG_OK ? XG_ERR_TRUNCATED : XG_OK;
}

/* The same extra for each of n venues, into extras (XG_GW_MAX_VENUES). */
static xg_err
same_extras(const char **extras, size_t n, const char *extra_venue_json)
{
    if (n > XG_GW_MAX_VENUES) {
        return XG_ERR_INVALID;
    }
    for (size_t i = 0; i < n; i++) {
        extras[i] = extra_venue_json;
    }
    return XG_OK;
}

xg_err
xg_gw_start_sim_with(xg_gw_proc *g, const char *const *venues, const int *ports,
                     size_t n, const char *extra_venue_json,
                     const char *extra_root_json)
{
    const char *extras[XG_GW_MAX_VENUES];
    xg_err e = same_extras(extras, n, extra_venue_json);
    return e != XG_OK ? e
                      : xg_gw_start_sim_each(g, venues, ports, n, extras,
                                             extra_root_json);
}

xg_err
xg_gw_start_sim_each(xg_gw_proc *g, const char *const *venues, const int *ports,
                     size_t n, const char *const *extra_venue_json,
                     const char *extra_root_json)
{
    char cfg[8192];
    xg_err e = sim_config(cfg, sizeof cfg, venues, ports, n, extra_venue_json,
                          extra_root_json);
    return e != XG_OK ? e : xg_gw_start(g, cfg);
}

xg_err
xg_gw_start_sim_begin(xg_gw_proc *g, const char *const *venues,
                      const int *ports, size_t n, const char *extra_venue_json,
                      const char *extra_root_json)
{
    char cfg[8192];
    const char *extras[XG_GW_MAX_VENUES];
    xg_err e = same_extras(extras, n, extra_venue_json);
    if (e == XG_OK) {
        e = sim_config(cfg, sizeof cfg, venues, ports, n, extras,
                       extra_root_json);
    }
    return e != XG_OK ? e : start_config(g, cfg, 0);
}

int
xg_gw_alive(const xg_gw_proc *g)
{
    return g->pid > 0 && kill(g->pid, 0) == 0 &&
           waitpid(g->pid, NULL, WNOHANG) == 0;
}

int
xg_gw_stop(xg_gw_proc *g)
{
    int status = -1;
    if (g->pid > 0) {
        status = xg_test_end_pid(g->pid, 5000);
        g->pid = 0;
    }
    if (g->out_fd > 0) {
        close(g->out_fd);
        g->out_fd = 0;
    }
    if (g->config_path[0] != '\0') {
        /* The data directory holds the journal's store and turn log
         * segments, whatever their names. */
        char data[320];
        snprintf(data, sizeof data, "%s/data", g->dir);
        DIR *d = opendir(data);
        struct dirent *ent;
        while (d != NULL && (ent = readdir(d)) != NULL) {
            if (ent->d_name[0] != '.') {
                char path[600];
                snprintf(path, sizeof path, "%s/%s", data, ent->d_name);
                unlink(path);
            }
        }
        if (d != NULL) {
            closedir(d);
        }
        rmdir(data);
        char cfg[320];
        snprintf(cfg, sizeof cfg, "%s/xgated.json", g->dir);
        unlink(cfg);
        rmdir(g->dir);
        g->config_path[0] = '\0';
    }
    return status;
}

xg_err
xg_client_connect(xg_client *c, const xg_gw_proc *g, const char *topic)
{
    memset(c, 0, sizeof *c);
    c->ctx = zmq_ctx_new();
    c->dealer = zmq_socket(c->ctx, ZMQ_DEALER);
    c->sub = zmq_socket(c->ctx, ZMQ_SUB);
    int linger = 0;
    zmq_setsockopt(c->dealer, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(c->sub, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(c->sub, ZMQ_SUBSCRIBE, topic, strlen(topic));
    if (zmq_connect(c->dealer, g->req_ep) != 0 ||
        zmq_connect(c->sub, g->pub_ep) != 0) {
        return XG_ERR_IO;
    }
    return XG_OK;
}

xg_err
xg_client_open(xg_client *c, const xg_gw_proc *g, const char *topic)
{
    xg_err e = xg_client_connect(c, g, topic);
    if (e != XG_OK) {
        return e;
    }
    /* A SUB connection takes a moment to be registered by the PUB side;
     * without this wait the first events would be lost (ZeroMQ's "slow
     * joiner"). A venue_status round trip proves the gateway is serving,
     * and the short pause covers the subscription's own hand-shake. */
    json_t *r = xg_client_call(c, "{\"type\":\"venue_status\"}", 5000);
    json_decref(r);
    struct timespec ts = {0, 100000000};
    nanosleep(&ts, NULL);
    return r != NULL ? XG_OK : XG_ERR_IO;
}

void
xg_client_close(xg_client *c)
{
    if (c->dealer != NULL) {
        zmq_close(c->dealer);
    }
    if (c->sub != NULL) {
        zmq_close(c->sub);
    }
    if (c->ctx != NULL) {
        zmq_ctx_term(c->ctx);
    }
    memset(c, 0, sizeof *c);
}

static json_t *
recv_json(void *sock, int timeout_ms, char *topic, size_t cap)
{
    zmq_pollitem_t it = {sock, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&it, 1, timeout_ms) <= 0) {
        return NULL;
    }
    zmq_msg_t m;
    zmq_msg_init(&m);
    json_t *j = NULL;
    int more = 1;
    int frame = 0;
    while (more) {
        if (zmq_msg_recv(&m, sock, 0) < 0) {
            break;
        }
        more = zmq_msg_more(&m);
        if (more && frame == 0 && topic != NULL) {
            size_t n = zmq_msg_size(&m) < cap - 1 ? zmq_msg_size(&m) : cap - 1;
            memcpy(topic, zmq_msg_data(&m), n);
            topic[n] = '\0';
        }
        if (!more) {
            j = json_loadb(zmq_msg_data(&m), zmq_msg_size(&m), 0, NULL);
        }
        frame++;
    }
    zmq_msg_close(&m);
    return j;
}

json_t *
xg_client_call_raw(xg_client *c, const void *data, size_t len, int timeout_ms)
{
    if (zmq_send(c->dealer, data, len, 0) < 0) {
        return NULL;
    }
    return recv_json(c->dealer, timeout_ms, NULL, 0);
}

int
xg_client_send(xg_client *c, const char *json)
{
    return zmq_send(c->dealer, json, strlen(json), 0) < 0 ? -1 : 0;
}

json_t *
xg_client_reply(xg_client *c, int timeout_ms)
{
    return recv_json(c->dealer, timeout_ms, NULL, 0);
}

json_t *
xg_client_call(xg_client *c, const char *json, int timeout_ms)
{
    return xg_client_call_raw(c, json, strlen(json), timeout_ms);
}

json_t *
xg_client_event(xg_client *c, int timeout_ms, char *topic, size_t cap)
{
    return recv_json(c->sub, timeout_ms, topic, cap);
}

json_t *
xg_client_wait_order_event(xg_client *c, const char *client_id,
                           const char *event, int timeout_ms)
{
    int64_t deadline = xg_test_now_ms() + timeout_ms;
    for (;;) {
        int64_t left = deadline - xg_test_now_ms();
        if (left <= 0) {
            return NULL;
        }
        json_t *ev = xg_client_event(c, (int)left, NULL, 0);
        if (ev == NULL) {
            continue;
        }
        const char *type = json_string_value(json_object_get(ev, "type"));
        const char *name = json_string_value(json_object_get(ev, "event"));
        json_t *order = json_object_get(ev, "order");
        const char *id =
            json_string_value(json_object_get(order, "client_order_id"));
        if (type != NULL && strcmp(type, "order") == 0 && name != NULL &&
            strcmp(name, event) == 0 && id != NULL &&
            strcmp(id, client_id) == 0) {
            return ev;
        }
        json_decref(ev);
    }
}

json_t *
xg_client_wait_venue_state(xg_client *c, const char *venue, const char *state,
                           int timeout_ms)
{
    int64_t deadline = xg_test_now_ms() + timeout_ms;
    for (;;) {
        int64_t left = deadline - xg_test_now_ms();
        if (left <= 0) {
            return NULL;
        }
        json_t *ev = xg_client_event(c, (int)left, NULL, 0);
        if (ev == NULL) {
            continue;
        }
        const char *type = json_string_value(json_object_get(ev, "type"));
        json_t *v = json_object_get(ev, "venue");
        const char *name = json_string_value(json_object_get(v, "name"));
        const char *st = json_string_value(json_object_get(v, "state"));
        if (type != NULL && strcmp(type, "venue") == 0 && name != NULL &&
            st != NULL && strcmp(name, venue) == 0 && strcmp(st, state) == 0) {
            return ev;
        }
        json_decref(ev);
    }
}
