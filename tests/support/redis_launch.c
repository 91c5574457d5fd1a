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
 */
#include "redis_launch.h"

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

#define REDIS_READY_MS   5000
#define REDIS_STOP_MS    2000
#define REDIS_PORT_TRIES 5
#define REDIS_SERVER     "/usr/bin/redis-server"

static int64_t
redis_mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
redis_pause_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000,
                          .tv_nsec = (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

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

static pid_t
redis_spawn(int port)
{
    char port_arg[16];
    pid_t parent = getpid();
    pid_t pid = 0;

    snprintf(port_arg, sizeof(port_arg), "%d", port);
    /* Nothing persisted: a restarted server starts empty, as a Redis that
     * lost its data would. */
    const char *argv[] = {
        "redis-server", "--port",     port_arg,       "--bind", "127.0.0.1",
        "--save",       "",           "--appendonly", "no",     "--daemonize",
        "no",           "--loglevel", "warning",      NULL};
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
    int64_t deadline = redis_mono_ms() + REDIS_READY_MS;
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
        if (redis_mono_ms() >= deadline) {
            return false;
        }
        redis_pause_ms(10);
    }
}

/* Start a server on port. XG_OK when it answers; otherwise it is reaped
 * or killed and *exited says whether it ended by itself (a port taken). */
static xg_err
redis_run(xg_redis_proc *p, int port, bool *exited)
{
    *exited = false;
    p->port = port;
    p->pid = redis_spawn(port);
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

xg_err
xg_redis_start(xg_redis_proc *p)
{
    memset(p, 0, sizeof(*p));
    for (int i = 0; i < REDIS_PORT_TRIES; i++) {
        int port = redis_free_port();
        bool exited = false;
        if (port == 0) {
            return XG_ERR_IO;
        }
        if (redis_run(p, port, &exited) == XG_OK) {
            return XG_OK;
        }
        if (!exited) {
            return XG_ERR_IO; /* it ran but never answered: give up */
        }
    }
    return XG_ERR_IO;
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
    return redis_run(p, p->port, &exited);
}

xg_err
xg_redis_stop(xg_redis_proc *p)
{
    int status = 0;
    int64_t deadline = 0;
    pid_t got = 0;

    if (p->pid <= 0) {
        return XG_ERR_IO;
    }
    kill(p->pid, SIGTERM);
    deadline = redis_mono_ms() + REDIS_STOP_MS;
    while ((got = waitpid(p->pid, &status, WNOHANG)) == 0 &&
           redis_mono_ms() < deadline) {
        redis_pause_ms(5);
    }
    if (got == 0) {
        xg_redis_kill(p);
        return XG_ERR_IO;
    }
    p->pid = 0;
    return got > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? XG_OK
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
