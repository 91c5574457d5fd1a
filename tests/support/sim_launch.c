/*
 * Test support: runs xgsim as a child process and speaks HTTP to it.
 *
 * The child is found at XG_BIN_DIR/xgsim (set by CMake for every test) and
 * announces its ports on stdout; the launcher parses those lines instead
 * of guessing ports, so parallel tests never collide. The child is only
 * ever signalled by its own PID.
 */
#include "sim_launch.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "gw_launch.h" /* the tests' clock and xg_test_end_pid */

#define SIM_MAX_ARGS 64

/* "xgsim: binance listening on 127.0.0.1:41234" into the venue table. */
static void
sim_parse_line(xg_sim_proc *p, const char *line)
{
    const char *prefix = "xgsim: ";
    const char *mid = " listening on 127.0.0.1:";
    const char *at = NULL;
    size_t name_len = 0;
    long port = 0;

    if (strncmp(line, prefix, strlen(prefix)) != 0 ||
        p->nvenues >= XG_SIM_PROC_MAX_VENUES) {
        return;
    }
    line += strlen(prefix);
    at = strstr(line, mid);
    if (at == NULL) {
        return;
    }
    name_len = (size_t)(at - line);
    if (name_len == 0 || name_len >= sizeof(p->venues[0].venue)) {
        return;
    }
    for (const char *d = at + strlen(mid); *d >= '0' && *d <= '9'; d++) {
        port = port * 10 + (*d - '0');
        if (port > 65535) {
            return;
        }
    }
    memcpy(p->venues[p->nvenues].venue, line, name_len);
    p->venues[p->nvenues].venue[name_len] = '\0';
    p->venues[p->nvenues].port = (int)port;
    p->nvenues++;
}

/* Read lines from fd until "xgsim: ready", EOF or the deadline. */
static bool
sim_wait_ready(xg_sim_proc *p, int fd)
{
    char buf[4096];
    size_t len = 0;
    int64_t deadline = xg_test_now_ms() + 10000;

    for (;;) {
        int64_t left = deadline - xg_test_now_ms();
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        ssize_t n = 0;

        if (left <= 0) {
            return false;
        }
        if (poll(&pfd, 1, (int)left) <= 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        if (len >= sizeof(buf) - 1) {
            return false;
        }
        n = read(fd, buf + len, sizeof(buf) - 1 - len);
        if (n <= 0) {
            return false;
        }
        len += (size_t)n;
        buf[len] = '\0';
        char *nl = NULL;
        while ((nl = strchr(buf, '\n')) != NULL) {
            *nl = '\0';
            if (strcmp(buf, "xgsim: ready") == 0) {
                return true;
            }
            sim_parse_line(p, buf);
            size_t used = (size_t)(nl + 1 - buf);
            memmove(buf, nl + 1, len - used + 1);
            len -= used;
        }
    }
}

xg_err
xg_sim_start(xg_sim_proc *p, const char *const *extra_args)
{
    const char *argv[SIM_MAX_ARGS];
    size_t argc = 0;
    int fds[2];
    pid_t pid = 0;

    memset(p, 0, sizeof(*p));
    argv[argc++] = XG_BIN_DIR "/xgsim";
    argv[argc++] = "--venue";
    argv[argc++] = "binance=127.0.0.1:0";
    for (size_t i = 0; extra_args != NULL && extra_args[i] != NULL; i++) {
        if (argc >= SIM_MAX_ARGS - 1) {
            return XG_ERR_TOO_LARGE;
        }
        argv[argc++] = extra_args[i];
    }
    argv[argc] = NULL;

    if (pipe(fds) != 0) {
        return XG_ERR_IO;
    }
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return XG_ERR_IO;
    }
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[1]);
        /* execv's argv is char *const[] for historical reasons; it does
         * not modify the strings. */
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    p->pid = pid;
    bool ready = sim_wait_ready(p, fds[0]);
    close(fds[0]);
    if (!ready) {
        xg_sim_stop(p);
        return XG_ERR_IO;
    }
    return XG_OK;
}

int
xg_sim_port(const xg_sim_proc *p, const char *venue)
{
    for (size_t i = 0; i < p->nvenues; i++) {
        if (strcmp(p->venues[i].venue, venue) == 0) {
            return p->venues[i].port;
        }
    }
    return 0;
}

xg_err
xg_sim_stop(xg_sim_proc *p)
{
    if (p->pid <= 0) {
        return XG_ERR_IO;
    }
    int status = xg_test_end_pid(p->pid, 5000);
    p->pid = 0;
    return status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0
               ? XG_OK
               : XG_ERR_IO;
}

typedef struct sim_sink {
    char *buf;
    size_t cap, len;
} sim_sink;

static size_t
sim_write(char *data, size_t size, size_t nmemb, void *userp)
{
    sim_sink *s = userp;
    size_t n = size * nmemb;

    if (s->buf != NULL && s->cap > 0) {
        size_t room = s->cap - 1 - s->len;
        size_t take = n < room ? n : room;
        memcpy(s->buf + s->len, data, take);
        s->len += take;
        s->buf[s->len] = '\0';
    }
    return n;
}

xg_err
xg_sim_http(const xg_sim_proc *p, const char *venue, const char *method,
            const char *path, const char *const *headers, const char *body,
            size_t body_len, long *status, char *out, size_t out_cap,
            char *hdrs, size_t hdrs_cap)
{
    int port = xg_sim_port(p, venue);
    size_t url_cap = strlen(path) + 32;
    char *url = NULL;
    CURL *c = NULL;
    struct curl_slist *list = NULL;
    sim_sink body_sink = {out, out_cap, 0};
    sim_sink hdr_sink = {hdrs, hdrs_cap, 0};
    CURLcode rc = CURLE_OK;
    xg_err err = XG_OK;

    *status = 0;
    if (out != NULL && out_cap > 0) {
        out[0] = '\0';
    }
    if (hdrs != NULL && hdrs_cap > 0) {
        hdrs[0] = '\0';
    }
    if (port == 0) {
        return XG_ERR_NOT_FOUND;
    }
    url = malloc(url_cap);
    if (url == NULL) {
        return XG_ERR_NOMEM;
    }
    snprintf(url, url_cap, "http://127.0.0.1:%d%s", port, path);
    c = curl_easy_init();
    if (c == NULL) {
        free(url);
        return XG_ERR_NOMEM;
    }
    for (size_t i = 0; headers != NULL && headers[i] != NULL; i++) {
        struct curl_slist *l = curl_slist_append(list, headers[i]);
        if (l == NULL) {
            err = XG_ERR_NOMEM;
            goto out;
        }
        list = l;
    }
    /* No "Expect: 100-continue" round trip for large bodies. */
    list = curl_slist_append(list, "Expect:");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sim_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body_sink);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, sim_write);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &hdr_sink);
    if (body != NULL) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    }
    rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
        err = XG_ERR_IO;
        goto out;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
out:
    curl_slist_free_all(list);
    curl_easy_cleanup(c);
    free(url);
    return err;
}

xg_err
xg_sim_admin(const xg_sim_proc *p, const char *venue, const char *method,
             const char *path, const char *json_body, char *out, size_t cap)
{
    static const char *const json_hdr[] = {"Content-Type: application/json",
                                           NULL};
    long status = 0;
    xg_err err = xg_sim_http(p, venue, method, path, json_hdr, json_body,
                             json_body != NULL ? strlen(json_body) : 0, &status,
                             out, cap, NULL, 0);

    if (err != XG_OK) {
        return err;
    }
    return status >= 200 && status < 300 ? XG_OK : XG_ERR_REJECTED;
}

xg_err
xg_sim_log_fetch(const xg_sim_proc *p, const char *venue, uint64_t since,
                 char *out, size_t cap)
{
    char path[64];

    snprintf(path, sizeof(path), "/_sim/log?since=%llu",
             (unsigned long long)since);
    return xg_sim_admin(p, venue, "GET", path, NULL, out, cap);
}

xg_err
xg_sim_header_get(const char *hdrs, const char *name, char *out, size_t cap)
{
    size_t n = strlen(name);

    for (const char *line = hdrs; line != NULL && *line != '\0';) {
        const char *eol = strchr(line, '\n');
        size_t len = eol != NULL ? (size_t)(eol - line) : strlen(line);
        if (len > n && strncasecmp(line, name, n) == 0 && line[n] == ':') {
            const char *v = line + n + 1;
            const char *end = line + len;
            while (v < end && *v == ' ') {
                v++;
            }
            while (end > v && (end[-1] == '\r' || end[-1] == ' ')) {
                end--;
            }
            if ((size_t)(end - v) >= cap) {
                return XG_ERR_TRUNCATED;
            }
            memcpy(out, v, (size_t)(end - v));
            out[end - v] = '\0';
            return XG_OK;
        }
        line = eol != NULL ? eol + 1 : NULL;
    }
    return XG_ERR_NOT_FOUND;
}

xg_err
xg_sim_start_paused(xg_sim_proc *p, const char *venue,
                    const char *const *extra_args)
{
    const char *args[16];
    char listen[64], walk[64];
    size_t n = 0;

    snprintf(listen, sizeof listen, "%s=127.0.0.1:0", venue);
    snprintf(walk, sizeof walk, "%s.walk=0", venue);
    if (strcmp(venue, "binance") != 0) {
        args[n++] = "--venue";
        args[n++] = listen;
    }
    args[n++] = "--set";
    args[n++] = walk;
    for (size_t i = 0; extra_args != NULL && extra_args[i] != NULL; i++) {
        if (n == sizeof args / sizeof args[0] - 1) {
            return XG_ERR_INVALID;
        }
        args[n++] = extra_args[i];
    }
    args[n] = NULL;
    xg_err e = xg_sim_start(p, args);
    return e == XG_OK && xg_sim_port(p, venue) <= 0 ? XG_ERR_IO : e;
}
