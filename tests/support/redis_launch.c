/*
 * Test support: runs redis-server as a child process.
 *
 * Unlike xgsim, Redis cannot announce a port it chose itself, so the
 * launcher picks one (bind port 0, read it, close) and retries with
 * another if Redis could not bind it. Readiness is a PING answered by the
 * process we started (INFO's process_id), so a server some other test runs
 * on a recycled port is never mistaken for ours. The child is only ever
 * signalled by its own PID, and dies with the test (PR_SET_PDEATHSIG) so
 * a crashed test leaves no server behind.
 *
 * A cluster is formed by talking to its nodes directly, as redis-cli
 * --cluster create does, so no other process is involved: each node
 * takes its range of slots (CLUSTER ADDSLOTSRANGE) and a distinct config
 * epoch, node 0 meets the others, and the gossip does the rest. A master
 * that starts in cluster mode reports cluster_state:ok no sooner than 2 s
 * after it started (Redis's CLUSTER_WRITABLE_DELAY), so a cluster is ready
 * in a little over 2 s. Ready also means every node has its own link to
 * every other: Redis Cluster forwards a PUBLISH only over links that
 * exist at that moment, and one may come up after the cluster says ok.
 */
#include "redis_launch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "gw_launch.h" /* the tests' clock and sleep */

#define REDIS_READY_MS   5000
#define REDIS_STOP_MS    2000
#define REDIS_PORT_TRIES 5
#define REDIS_SERVER     "/usr/bin/redis-server"
#define REDIS_SLOTS      16384
#define CLUSTER_READY_MS 10000

/* A loopback port nothing listens on right now, or 0. */
static int
redis_free_port(void)
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int port = 0;

    if (fd < 0) {
        return 0;
    }
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0) {
        port = ntohs(a.sin_port);
    }
    close(fd);
    return port;
}

/* Fork and exec redis-server for p: p->port, and cluster mode on
 * p->bus_port with its config in p->cluster_dir when p->bus_port > 0. */
static pid_t
redis_spawn(const xg_redis_proc *p)
{
    char port_arg[16];
    char bus_arg[16];
    char tls_arg[16];
    char conf_arg[128];
    const char *argv[40];
    size_t n = 0;
    pid_t parent = getpid();
    pid_t pid = 0;

    snprintf(port_arg, sizeof(port_arg), "%d", p->port);
    snprintf(bus_arg, sizeof(bus_arg), "%d", p->bus_port);
    snprintf(tls_arg, sizeof(tls_arg), "%d", p->tls_port);
    snprintf(conf_arg, sizeof(conf_arg), "%s/nodes-%d.conf", p->cluster_dir,
             p->port);
    /* Nothing persisted: a restarted server starts empty, as a Redis that
     * lost its data would. */
    const char *plain[] = {
        "redis-server", "--port",     port_arg,       "--bind", "127.0.0.1",
        "--save",       "",           "--appendonly", "no",     "--daemonize",
        "no",           "--loglevel", "warning"};
    /* The bus port is given rather than left at port + 10000, which
     * may be taken, or above 65535 for a port from the upper half of the
     * ephemeral range. The announced address is fixed so that MOVED and
     * CLUSTER SLOTS name 127.0.0.1 from the start. */
    const char *cluster[] = {"--cluster-enabled",
                             "yes",
                             "--cluster-config-file",
                             conf_arg,
                             "--cluster-port",
                             bus_arg,
                             "--cluster-node-timeout",
                             "2000",
                             "--cluster-announce-ip",
                             "127.0.0.1",
                             "--dir",
                             p->cluster_dir};
    for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
        argv[n++] = plain[i];
    }
    if (p->bus_port > 0) {
        for (size_t i = 0; i < sizeof(cluster) / sizeof(cluster[0]); i++) {
            argv[n++] = cluster[i];
        }
    }
    /* TLS beside the plain port, which the launcher's checks use. */
    const char *tls[] = {"--tls-port",         tls_arg,
                         "--tls-cert-file",    p->tls_cert_file,
                         "--tls-key-file",     p->tls_key_file,
                         "--tls-auth-clients", "no"};
    if (p->tls_port > 0) {
        for (size_t i = 0; i < sizeof(tls) / sizeof(tls[0]); i++) {
            argv[n++] = tls[i];
        }
    }
    argv[n] = NULL;
    pid = fork();
    if (pid != 0) {
        return pid;
    }
    /* The server dies with the test, even if the test crashes. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) {
        _exit(127); /* the test died before prctl took effect */
    }
    /* Its log (stdout) would interleave with the test's report. Bad
     * options are reported on stderr, which is kept; a port already taken
     * is only logged, and the launcher tries another. */
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) {
        dup2(devnull, STDOUT_FILENO);
        close(devnull);
    }
    /* exec's argv is char *const[] for historical reasons; it does not
     * modify the strings. */
    if (access(REDIS_SERVER, X_OK) == 0) {
        execv(REDIS_SERVER, (char *const *)argv);
    } else {
        execvp("redis-server", (char *const *)argv);
    }
    _exit(127);
}

/* Does the server on c answer PING, and is it process pid? */
static bool
redis_is_ours(redisContext *c, pid_t pid)
{
    redisReply *r = redisCommand(c, "PING");
    bool pong = r != NULL && r->type == REDIS_REPLY_STATUS &&
                strcmp(r->str, "PONG") == 0;
    char want[32];
    bool ours = false;

    freeReplyObject(r);
    if (!pong) {
        return false;
    }
    r = redisCommand(c, "INFO server");
    snprintf(want, sizeof(want), "\nprocess_id:%ld\r", (long)pid);
    ours = r != NULL && r->type == REDIS_REPLY_STRING &&
           strstr(r->str, want) != NULL;
    freeReplyObject(r);
    return ours;
}

/* Wait until the child answers on p->port. false if it exited (p->pid is
 * then 0) or the deadline passed (it still runs). */
static bool
redis_wait_ready(xg_redis_proc *p)
{
    int64_t deadline = xg_test_now_ms() + REDIS_READY_MS;
    struct timeval tv = {.tv_sec = 0, .tv_usec = 200000};

    for (;;) {
        int status = 0;
        if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
            p->pid = 0;
            return false;
        }
        redisContext *c = redisConnectWithTimeout("127.0.0.1", p->port, tv);
        bool ready = false;
        if (c != NULL && c->err == 0 && redisSetTimeout(c, tv) == REDIS_OK) {
            ready = redis_is_ours(c, p->pid);
        }
        redisFree(c);
        if (ready) {
            return true;
        }
        if (xg_test_now_ms() >= deadline) {
            return false;
        }
        xg_test_sleep_ms(10);
    }
}

/* Start a server on p->port (and p->bus_port). XG_OK when it answers;
 * otherwise it is reaped or killed and *exited says whether it ended by
 * itself (a port taken). */
static xg_err
redis_run(xg_redis_proc *p, bool *exited)
{
    *exited = false;
    p->pid = redis_spawn(p);
    if (p->pid < 0) {
        p->pid = 0;
        return XG_ERR_IO;
    }
    if (redis_wait_ready(p)) {
        return XG_OK;
    }
    if (p->pid == 0) {
        *exited = true;
    } else {
        xg_redis_kill(p);
    }
    return XG_ERR_IO;
}

/* Start a server for p on free ports (a bus port too when p is a cluster
 * node), trying others while the server exits because one was taken. */
static xg_err
redis_start_free(xg_redis_proc *p, bool is_cluster)
{
    for (int i = 0; i < REDIS_PORT_TRIES; i++) {
        bool exited = false;
        p->port = redis_free_port();
        p->bus_port = is_cluster ? redis_free_port() : 0;
        bool is_tls = p->tls_cert_file[0] != '\0';
        p->tls_port = is_tls ? redis_free_port() : 0;
        if (p->port == 0 || (is_cluster && p->bus_port == 0) ||
            (is_tls && p->tls_port == 0)) {
            return XG_ERR_IO;
        }
        if (p->bus_port == p->port || p->tls_port == p->port) {
            continue; /* the same port came back twice */
        }
        if (redis_run(p, &exited) == XG_OK) {
            return XG_OK;
        }
        if (!exited) {
            return XG_ERR_IO; /* it ran but never answered: give up */
        }
    }
    return XG_ERR_IO;
}

xg_err
xg_redis_start(xg_redis_proc *p)
{
    memset(p, 0, sizeof(*p));
    return redis_start_free(p, false);
}

xg_err
xg_redis_start_tls(xg_redis_proc *p, const char *cert_file,
                   const char *key_file)
{
    memset(p, 0, sizeof(*p));
    if (snprintf(p->tls_cert_file, sizeof(p->tls_cert_file), "%s", cert_file) >=
            (int)sizeof(p->tls_cert_file) ||
        snprintf(p->tls_key_file, sizeof(p->tls_key_file), "%s", key_file) >=
            (int)sizeof(p->tls_key_file)) {
        return XG_ERR_TRUNCATED;
    }
    return redis_start_free(p, false);
}

xg_err
xg_redis_restart(xg_redis_proc *p)
{
    bool exited = false;

    if (p->port <= 0) {
        return XG_ERR_INVALID;
    }
    if (p->pid > 0) {
        xg_redis_stop(p);
    }
    return redis_run(p, &exited);
}

xg_err
xg_redis_stop(xg_redis_proc *p)
{
    if (p->pid <= 0) {
        return XG_ERR_IO;
    }
    int status = xg_test_end_pid(p->pid, REDIS_STOP_MS);
    p->pid = 0;
    return status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0
               ? XG_OK
               : XG_ERR_IO;
}

xg_err
xg_redis_kill(xg_redis_proc *p)
{
    int status = 0;

    if (p->pid <= 0) {
        return XG_ERR_IO;
    }
    kill(p->pid, SIGKILL);
    while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR) {
        /* a signal interrupted the wait: wait again */
    }
    p->pid = 0;
    return XG_OK;
}

/* --- cluster ------------------------------------------------------------ */

/* A connection to 127.0.0.1:port with a 2 s timeout, or NULL. Given:
 * redisFree. */
static redisContext *
redis_connect(int port)
{
    struct timeval tv = {.tv_sec = 2, .tv_usec = 0};
    redisContext *c = redisConnectWithTimeout("127.0.0.1", port, tv);

    if (c == NULL || c->err != 0 || redisSetTimeout(c, tv) != REDIS_OK) {
        redisFree(c);
        return NULL;
    }
    return c;
}

/* Is r (taken: freed here) the +OK of command what, sent to the node on
 * port through c? If not, says so on stderr. */
static bool
cluster_command_ok(redisContext *c, int port, const char *what, redisReply *r)
{
    bool ok =
        r != NULL && r->type == REDIS_REPLY_STATUS && strcmp(r->str, "OK") == 0;

    if (!ok) {
        fprintf(stderr, "redis cluster: %s on port %d: %s\n", what, port,
                r != NULL && r->str != NULL ? r->str : c->errstr);
    }
    freeReplyObject(r);
    return ok;
}

/* Slots, epochs and meetings: see the file's comment. */
static xg_err
cluster_form(xg_redis_cluster *c)
{
    redisContext *first = NULL;
    xg_err err = XG_ERR_IO;

    for (size_t i = 0; i < c->n; i++) {
        const xg_redis_proc *p = &c->nodes[i];
        long long lo = (long long)(i * REDIS_SLOTS / c->n);
        long long hi = (long long)((i + 1) * REDIS_SLOTS / c->n) - 1;
        redisContext *rc = redis_connect(p->port);
        bool ok = rc != NULL;

        if (rc == NULL) {
            fprintf(stderr, "redis cluster: cannot connect to port %d\n",
                    p->port);
        }
        ok = ok &&
             cluster_command_ok(
                 rc, p->port, "CLUSTER ADDSLOTSRANGE",
                 redisCommand(rc, "CLUSTER ADDSLOTSRANGE %lld %lld", lo, hi));
        /* A distinct epoch for each node, set while it knows only itself,
         * spares the cluster resolving the collision when they meet. */
        ok = ok && cluster_command_ok(
                       rc, p->port, "CLUSTER SET-CONFIG-EPOCH",
                       redisCommand(rc, "CLUSTER SET-CONFIG-EPOCH %lld",
                                    (long long)i + 1));
        if (i == 0 && ok) {
            first = rc;
            continue;
        }
        redisFree(rc);
        if (!ok) {
            goto out;
        }
    }
    for (size_t i = 1; i < c->n; i++) {
        const xg_redis_proc *p = &c->nodes[i];
        if (!cluster_command_ok(first, c->nodes[0].port, "CLUSTER MEET",
                                redisCommand(first,
                                             "CLUSTER MEET 127.0.0.1 %d %d",
                                             p->port, p->bus_port))) {
            goto out;
        }
    }
    err = XG_OK;
out:
    redisFree(first);
    return err;
}

/* Does one line of CLUSTER NODES (len bytes at line) show a node that is
 * neither in hand-shake nor failing, with a link from this node to it? */
static bool
cluster_line_linked(const char *line, size_t len)
{
    char buf[512];

    if (len >= sizeof(buf)) {
        return false;
    }
    memcpy(buf, line, len);
    buf[len] = '\0';
    /* Its flags, then " - <ping> <pong> <epoch> connected|disconnected". */
    return strstr(buf, " connected") != NULL &&
           strstr(buf, "handshake") == NULL && strstr(buf, "noaddr") == NULL &&
           strstr(buf, "fail") == NULL;
}

/* Does the node on rc say the cluster is ok, with all n nodes known and
 * linked? cluster_state:ok alone is not enough: a node may know another
 * (its slots came over the link the other opened) before it has a link of
 * its own to it, and until then a PUBLISH it propagates never reaches
 * that node's subscribers. */
static bool
cluster_node_ready(redisContext *rc, size_t n)
{
    redisReply *r = redisCommand(rc, "CLUSTER INFO");
    char known[48];
    bool ready = false;
    size_t linked = 0;

    snprintf(known, sizeof(known), "\ncluster_known_nodes:%zu\r", n);
    ready = r != NULL && r->type == REDIS_REPLY_STRING &&
            strstr(r->str, "cluster_state:ok\r") != NULL &&
            strstr(r->str, known) != NULL;
    freeReplyObject(r);
    if (!ready) {
        return false;
    }
    r = redisCommand(rc, "CLUSTER NODES");
    if (r == NULL || r->type != REDIS_REPLY_STRING) {
        freeReplyObject(r);
        return false;
    }
    for (const char *line = r->str; *line != '\0';) {
        const char *nl = strchr(line, '\n');
        size_t len = nl != NULL ? (size_t)(nl - line) : strlen(line);
        if (len > 0) {
            if (!cluster_line_linked(line, len)) {
                freeReplyObject(r);
                return false;
            }
            linked++;
        }
        line += len + (nl != NULL);
    }
    freeReplyObject(r);
    return linked == n;
}

/* Wait until every node is ready in one pass (CLUSTER_READY_MS at
 * most). */
static xg_err
cluster_wait_ready(xg_redis_cluster *c)
{
    int64_t deadline = xg_test_now_ms() + CLUSTER_READY_MS;

    for (;;) {
        int not_ready = 0;
        for (size_t i = 0; i < c->n && not_ready == 0; i++) {
            redisContext *rc = redis_connect(c->nodes[i].port);
            if (rc == NULL || !cluster_node_ready(rc, c->n)) {
                not_ready = c->nodes[i].port;
            }
            redisFree(rc);
        }
        if (not_ready == 0) {
            return XG_OK;
        }
        if (xg_test_now_ms() >= deadline) {
            fprintf(stderr,
                    "redis cluster: node on port %d not ok and linked to "
                    "all after %d ms\n",
                    not_ready, CLUSTER_READY_MS);
            return XG_ERR_IO;
        }
        xg_test_sleep_ms(20);
    }
}

xg_err
xg_redis_cluster_start(xg_redis_cluster *c, size_t n)
{
    xg_err err = XG_OK;

    memset(c, 0, sizeof(*c));
    if (n == 0 || n > XG_REDIS_CLUSTER_MAX) {
        return XG_ERR_INVALID;
    }
    snprintf(c->dir, sizeof(c->dir), "/tmp/xg-redis-cluster-XXXXXX");
    if (mkdtemp(c->dir) == NULL) {
        c->dir[0] = '\0';
        return XG_ERR_IO;
    }
    for (size_t i = 0; i < n; i++) {
        xg_redis_proc *p = &c->nodes[i];
        snprintf(p->cluster_dir, sizeof(p->cluster_dir), "%s", c->dir);
        c->n = i + 1;
        err = redis_start_free(p, true);
        if (err != XG_OK) {
            fprintf(stderr, "redis cluster: node %zu did not start\n", i);
            goto fail;
        }
    }
    err = cluster_form(c);
    if (err == XG_OK) {
        err = cluster_wait_ready(c);
    }
    if (err == XG_OK) {
        return XG_OK;
    }
fail:
    xg_redis_cluster_stop(c);
    return err;
}

/* Remove the cluster's directory and the nodes' config files in it. */
static void
cluster_remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e = NULL;

    while (d != NULL && (e = readdir(d)) != NULL) {
        char path[320];
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        unlink(path);
    }
    if (d != NULL) {
        closedir(d);
    }
    rmdir(dir);
}

xg_err
xg_redis_cluster_stop(xg_redis_cluster *c)
{
    xg_err err = XG_OK;

    for (size_t i = 0; i < c->n; i++) {
        if (c->nodes[i].pid > 0 && xg_redis_stop(&c->nodes[i]) != XG_OK) {
            err = XG_ERR_IO;
        }
    }
    c->n = 0;
    if (c->dir[0] != '\0') {
        cluster_remove_dir(c->dir);
        c->dir[0] = '\0';
    }
    return err;
}

/* The owner of the slot in a CLUSTER SLOTS reply: each element is {first
 * slot, last slot, {ip, port, id}, replicas...}. 0 if none. */
static int
cluster_slots_owner(const redisReply *r, long long slot)
{
    for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i < r->elements; i++) {
        const redisReply *e = r->element[i];
        if (e->type != REDIS_REPLY_ARRAY || e->elements < 3 ||
            e->element[0]->type != REDIS_REPLY_INTEGER ||
            e->element[1]->type != REDIS_REPLY_INTEGER ||
            e->element[2]->type != REDIS_REPLY_ARRAY ||
            e->element[2]->elements < 2 ||
            e->element[2]->element[1]->type != REDIS_REPLY_INTEGER) {
            continue;
        }
        if (e->element[0]->integer <= slot && slot <= e->element[1]->integer) {
            return (int)e->element[2]->element[1]->integer;
        }
    }
    return 0;
}

int
xg_redis_cluster_owner_port(const xg_redis_cluster *c, const char *key)
{
    redisContext *rc = NULL;
    redisReply *r = NULL;
    long long slot = -1;
    int port = 0;

    for (size_t i = 0; i < c->n && rc == NULL; i++) {
        if (c->nodes[i].pid > 0) {
            rc = redis_connect(c->nodes[i].port);
        }
    }
    if (rc == NULL) {
        return 0;
    }
    r = redisCommand(rc, "CLUSTER KEYSLOT %s", key);
    if (r != NULL && r->type == REDIS_REPLY_INTEGER) {
        slot = r->integer;
    }
    freeReplyObject(r);
    if (slot >= 0) {
        r = redisCommand(rc, "CLUSTER SLOTS");
        if (r != NULL) {
            port = cluster_slots_owner(r, slot);
        }
        freeReplyObject(r);
    }
    redisFree(rc);
    return port;
}

int
xg_redis_cluster_other_port(const xg_redis_cluster *c, const char *key)
{
    int owner = xg_redis_cluster_owner_port(c, key);

    for (size_t i = 0; owner != 0 && i < c->n; i++) {
        if (c->nodes[i].pid > 0 && c->nodes[i].port != owner) {
            return c->nodes[i].port;
        }
    }
    return 0;
}
