/*
 * redis_launch.h - start and stop a private redis-server from a test.
 *
 * Tests of the shared rate limits need a real Redis: the admission script
 * (core/share.lua) runs inside it. xg_redis_start runs one as a child
 * process on a free loopback port, with nothing persisted, and waits until
 * it answers PING; the child is only ever signalled by its own PID. A test
 * may kill it mid-run (xg_redis_kill) and start it again on the same port
 * (xg_redis_restart), empty, as a gateway would see Redis come back.
 */
#ifndef XGATE_REDIS_LAUNCH_H
#define XGATE_REDIS_LAUNCH_H

#include <sys/types.h>

#include "xgate/error.h"

typedef struct xg_redis_proc {
    pid_t pid; /* 0 when not running */
    int port;  /* kept after stop/kill, for xg_redis_restart */
} xg_redis_proc;

/* Fork and exec redis-server (/usr/bin/redis-server, else the first on
 * PATH) on a free 127.0.0.1 port with persistence off, then wait until it
 * answers PING (5 s at most). The port is found by binding port 0; should
 * another process take it before Redis does, another port is tried.
 * XG_ERR_IO if no server came up (the child is then reaped or killed);
 * *p is valid for xg_redis_stop either way. */
xg_err xg_redis_start(xg_redis_proc *p);

/* Start redis-server again on p->port (after xg_redis_stop or
 * xg_redis_kill; a server still running is stopped first). It starts
 * empty: nothing was persisted. XG_ERR_IO if it does not answer PING
 * within 5 s (for instance when the port was taken meanwhile),
 * XG_ERR_INVALID if p has no port. */
xg_err xg_redis_restart(xg_redis_proc *p);

/* SIGTERM the server (by PID), wait up to 2 s, then SIGKILL. XG_OK if it
 * exited on SIGTERM with status 0, XG_ERR_IO otherwise (also when not
 * running). p->pid is 0 afterwards; p->port is kept. */
xg_err xg_redis_stop(xg_redis_proc *p);

/* SIGKILL the server (by PID) and reap it, as a crash would end it.
 * XG_ERR_IO when not running. p->pid is 0 afterwards; p->port is kept. */
xg_err xg_redis_kill(xg_redis_proc *p);

#endif
