/*
 * redis_launch.h - start and stop a private redis-server from a test.
 *
 * Tests of the shared rate limits need a real Redis: the admission script
 * (core/share.lua) runs inside it. xg_redis_start runs one as a child
 * process on a free loopback port, with nothing persisted, and waits until
 * it answers PING; the child is only ever signalled by its own PID. A test
 * may kill it mid-run (xg_redis_kill) and start it again on the same port
 * (xg_redis_restart), empty, as a gateway would see Redis come back.
 *
 * xg_redis_cluster_start runs a small Redis Cluster the same way: n
 * masters, no replicas, each a child process on its own free ports, the
 * slots split evenly between them, ready when every node says the
 * cluster is ok and is linked to all the others.
 */
#ifndef XGATE_REDIS_LAUNCH_H
#define XGATE_REDIS_LAUNCH_H

#include <stddef.h>
#include <sys/types.h>

#include "xgate/error.h"

/* Most nodes xg_redis_cluster_start runs. */
#define XG_REDIS_CLUSTER_MAX 8

typedef struct xg_redis_proc {
    pid_t pid; /* 0 when not running */
    int port;  /* kept after stop/kill, for xg_redis_restart */
    /* A cluster node's bus port and the directory of its nodes-<port>.conf
     * (also kept, so a restarted node rejoins its cluster); 0 and "" for a
     * plain server. */
    int bus_port;
    char cluster_dir[64];
    /* TLS clients on tls_port (the plain port stays, for the launcher's
     * and the test's own checks), with this certificate and key; 0 and
     * "" for none. */
    int tls_port;
    char tls_cert_file[128];
    char tls_key_file[128];
} xg_redis_proc;

typedef struct xg_redis_cluster {
    size_t n; /* nodes started */
    xg_redis_proc nodes[XG_REDIS_CLUSTER_MAX];
    char dir[64]; /* the private temporary directory, "" when none */
} xg_redis_cluster;

/* Fork and exec redis-server (/usr/bin/redis-server, else the first on
 * PATH) on a free 127.0.0.1 port with persistence off, then wait until it
 * answers PING (5 s at most). The port is found by binding port 0; should
 * another process take it before Redis does, another port is tried.
 * XG_ERR_IO if no server came up (the child is then reaped or killed);
 * *p is valid for xg_redis_stop either way. */
xg_err xg_redis_start(xg_redis_proc *p);

/* As xg_redis_start, and TLS on a second free port (p->tls_port) with
 * the PEM certificate and key given (clients are not asked for one). */
xg_err xg_redis_start_tls(xg_redis_proc *p, const char *cert_file,
                          const char *key_file);

/* Start redis-server again on p->port (after xg_redis_stop or
 * xg_redis_kill; a server still running is stopped first). It starts
 * empty: nothing was persisted. A cluster node starts on its bus port and
 * nodes-<port>.conf again, so it rejoins its cluster with its slots (their
 * keys are gone). XG_ERR_IO if it does not answer PING
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

/* Start n (1 to XG_REDIS_CLUSTER_MAX) redis-server processes as
 * xg_redis_start does, with cluster mode on, each with its client port and
 * bus port free on 127.0.0.1 and its cluster config in a private temporary
 * directory (c->dir), persistence off and a 2 s node timeout; give node i
 * the i-th of n equal ranges of the 16384 slots and its own config epoch,
 * introduce every node to node 0 (CLUSTER MEET), then wait until every node
 * reports cluster_state:ok, knows all n and has a bus link to each of the
 * others, so that a PUBLISH reaches every node (10 s at most). XG_OK when the
 * cluster is ready; XG_ERR_INVALID for a bad n; XG_ERR_IO otherwise, after
 * stopping every node it started and removing c->dir (what went wrong is
 * printed on stderr). *c is valid for xg_redis_cluster_stop either way. */
xg_err xg_redis_cluster_start(xg_redis_cluster *c, size_t n);

/* Stop every node (xg_redis_stop, by PID) and remove c->dir. XG_OK if
 * every node exited cleanly. Idempotent: c->n is 0 afterwards. */
xg_err xg_redis_cluster_stop(xg_redis_cluster *c);

/* The client port of the node that owns the slot of key (CLUSTER KEYSLOT
 * and CLUSTER SLOTS, asked of the first running node), or 0 if it could
 * not be found. key is borrowed. */
int xg_redis_cluster_owner_port(const xg_redis_cluster *c, const char *key);

/* The client port of a running node that does not own key's slot (the
 * first in start order), or 0 if there is none or the owner could not be
 * found. */
int xg_redis_cluster_other_port(const xg_redis_cluster *c, const char *key);

#endif
