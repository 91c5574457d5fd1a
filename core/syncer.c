/*
 * The turn log's syncer thread (syncer.h). One mutex guards the wants
 * and the results; the syncs themselves run without it, so the loop never
 * waits for the disk, only for a few stores under the lock.
 */
#include "syncer.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <unistd.h>

#define PATH_CAP 4096
#define OLD_MAX  8 /* rotated segments waiting for their last sync */

struct xg__syncer {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t wake;  /* to the thread: work, or stop */
    pthread_cond_t moved; /* to waiters: done or failed changed */
    int wake_fd;          /* eventfd: done or failed changed */
    int fd;               /* the segment being written */
    int old[OLD_MAX];     /* rotated segments, to sync and close */
    size_t n_old;
    int is_dir_dirty; /* a segment was created since the last dir sync */
    uint64_t want;    /* written up to here */
    uint64_t done;    /* durable up to here */
    int is_failed;
    int is_stopping;
    char dir[PATH_CAP];
    char err[256];
};

int
xg__sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return errno;
    }
    int e = fsync(fd) == 0 ? 0 : errno;
    close(fd);
    return e;
}

static int
has_work(const xg__syncer *s)
{
    return s->want > s->done || s->n_old > 0 || s->is_dir_dirty;
}

/* One round: the rotated segments, the directory, then the current
 * segment, which makes every frame wanted before the round durable. */
static void *
run(void *arg)
{
    xg__syncer *s = arg;
    (void)prctl(PR_SET_NAME, "xg-syncer", 0, 0, 0);
    pthread_mutex_lock(&s->mu);
    for (;;) {
        while (!s->is_failed && !has_work(s) && !s->is_stopping) {
            pthread_cond_wait(&s->wake, &s->mu);
        }
        if (s->is_failed || !has_work(s)) {
            break; /* stopping with nothing left, or nothing to trust */
        }
        uint64_t target = s->want;
        int fd = s->fd;
        int old[OLD_MAX];
        size_t n_old = s->n_old;
        memcpy(old, s->old, n_old * sizeof old[0]);
        s->n_old = 0;
        int is_dir = s->is_dir_dirty;
        s->is_dir_dirty = 0;
        pthread_mutex_unlock(&s->mu);

        const char *what = NULL;
        int e = 0;
        for (size_t i = 0; i < n_old; i++) {
            if (e == 0 && fdatasync(old[i]) != 0) {
                e = errno;
                what = "fdatasync of a finished segment";
            }
            close(old[i]);
        }
        if (e == 0 && is_dir && (e = xg__sync_dir(s->dir)) != 0) {
            what = "fsync of the directory";
        }
        if (e == 0 && fdatasync(fd) != 0) {
            e = errno;
            what = "fdatasync";
        }

        pthread_mutex_lock(&s->mu);
        if (e != 0) {
            s->is_failed = 1;
            snprintf(s->err, sizeof s->err, "%.200s: %s: %s", s->dir, what,
                     strerror(e));
        } else {
            s->done = target;
        }
        pthread_cond_broadcast(&s->moved);
        uint64_t one = 1;
        if (write(s->wake_fd, &one, sizeof one) < 0) {
            /* The counter is full only if nobody ever reads it. */
        }
    }
    pthread_cond_broadcast(&s->moved);
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

xg_err
xg__syncer_start(xg__syncer **out, const char *dir, int fd, uint64_t durable,
                 char *err, size_t err_len)
{
    *out = NULL;
    xg__syncer *s = calloc(1, sizeof *s);
    if (s == NULL) {
        snprintf(err, err_len, "%s: syncer: out of memory", dir);
        return XG_ERR_NOMEM;
    }
    snprintf(s->dir, sizeof s->dir, "%s", dir);
    s->fd = fd;
    s->want = s->done = durable;
    s->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (s->wake_fd < 0) {
        snprintf(err, err_len, "%s: syncer: eventfd: %s", dir, strerror(errno));
        free(s);
        return XG_ERR_IO;
    }
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->wake, NULL);
    pthread_cond_init(&s->moved, NULL);
    int e = pthread_create(&s->thread, NULL, run, s);
    if (e != 0) {
        snprintf(err, err_len, "%s: syncer: thread: %s", dir, strerror(e));
        pthread_cond_destroy(&s->moved);
        pthread_cond_destroy(&s->wake);
        pthread_mutex_destroy(&s->mu);
        close(s->wake_fd);
        free(s);
        return XG_ERR_IO;
    }
    *out = s;
    return XG_OK;
}

void
xg__syncer_want(xg__syncer *s, uint64_t seq)
{
    pthread_mutex_lock(&s->mu);
    if (seq > s->want) {
        s->want = seq;
        pthread_cond_signal(&s->wake);
    }
    pthread_mutex_unlock(&s->mu);
}

void
xg__syncer_rotate(xg__syncer *s, int new_fd)
{
    pthread_mutex_lock(&s->mu);
    while (s->n_old == OLD_MAX && !s->is_failed) {
        pthread_cond_wait(&s->moved, &s->mu);
    }
    if (s->n_old < OLD_MAX) {
        s->old[s->n_old++] = s->fd;
    } else {
        close(s->fd); /* failed: nothing will be synced again */
    }
    s->fd = new_fd;
    s->is_dir_dirty = 1;
    pthread_cond_signal(&s->wake);
    pthread_mutex_unlock(&s->mu);
}

int
xg__syncer_wake_fd(const xg__syncer *s)
{
    return s->wake_fd;
}

xg_err
xg__syncer_durable(xg__syncer *s, uint64_t *seq, char *err, size_t err_len)
{
    uint64_t n;
    if (read(s->wake_fd, &n, sizeof n) < 0) {
        /* EAGAIN: no news since the last call. */
    }
    pthread_mutex_lock(&s->mu);
    *seq = s->done;
    xg_err e = XG_OK;
    if (s->is_failed) {
        snprintf(err, err_len, "%s", s->err);
        e = XG_ERR_IO;
    }
    pthread_mutex_unlock(&s->mu);
    return e;
}

void
xg__syncer_wait(xg__syncer *s)
{
    pthread_mutex_lock(&s->mu);
    while (has_work(s) && !s->is_failed) {
        pthread_cond_wait(&s->moved, &s->mu);
    }
    pthread_mutex_unlock(&s->mu);
}

void
xg__syncer_stop(xg__syncer **sp)
{
    xg__syncer *s = *sp;
    if (s == NULL) {
        return;
    }
    pthread_mutex_lock(&s->mu);
    s->is_stopping = 1;
    pthread_cond_signal(&s->wake);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);
    for (size_t i = 0; i < s->n_old; i++) {
        close(s->old[i]); /* only after a failure */
    }
    pthread_cond_destroy(&s->moved);
    pthread_cond_destroy(&s->wake);
    pthread_mutex_destroy(&s->mu);
    close(s->wake_fd);
    free(s);
    *sp = NULL;
}
