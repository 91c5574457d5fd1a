/*
 * secret.c - protected storage for credentials.
 *
 * Credentials are the one thing a gateway must never leak, so they get a
 * page of their own: not dumped into a core file, locked against swap when
 * RLIMIT_MEMLOCK allows (best effort: a failure to lock is not fatal), and
 * cleansed before munmap. Files that hold credentials must be private to
 * their owner, like ssh refuses a group-readable key.
 */
#include "secret.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xgate/sign.h"

static size_t
page_size(void)
{
    long ps = sysconf(_SC_PAGESIZE);
    return ps > 0 ? (size_t)ps : 4096;
}

xg_err
xg__secret_set(xg__secret *s, const char *src, size_t len)
{
    xg__secret_wipe(s);
    if (len == 0 || len >= XG_SECRET_MAX) {
        return XG_ERR_SECRET;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)src[i];
        if (c < 0x20 || c == 0x7f) {
            return XG_ERR_SECRET;
        }
    }
    size_t ps = page_size();
    void *page = mmap(NULL, ps, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) {
        return XG_ERR_NOMEM;
    }
    (void)madvise(page, ps, MADV_DONTDUMP);
    (void)mlock(page, ps);
    memcpy(page, src, len);
    ((char *)page)[len] = '\0';
    s->page = page;
    s->len = len;
    return XG_OK;
}

xg_err
xg__secret_from_env(xg__secret *s, const char *name)
{
    const char *v = getenv(name);
    if (v == NULL) {
        return XG_ERR_NOT_FOUND;
    }
    return xg__secret_set(s, v, strlen(v));
}

const char *
xg__secret_bytes(const xg__secret *s)
{
    return s->page;
}

void
xg__secret_wipe(xg__secret *s)
{
    if (s->page == NULL) {
        return;
    }
    size_t ps = page_size();
    xg_wipe(s->page, ps);
    (void)munlock(s->page, ps);
    (void)munmap(s->page, ps);
    s->page = NULL;
    s->len = 0;
}

xg_err
xg__secret_file_check(const char *path, char *detail, size_t len)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(detail, len, "cannot stat: %s", strerror(errno));
        return XG_ERR_IO;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(detail, len, "not a regular file");
        return XG_ERR_SECRET;
    }
    if (st.st_uid != geteuid()) {
        snprintf(detail, len, "not owned by this user");
        return XG_ERR_SECRET;
    }
    if ((st.st_mode & 077) != 0) {
        snprintf(detail, len, "readable or writable by others (mode %03o); "
                              "chmod 600 it",
                 (unsigned)(st.st_mode & 0777));
        return XG_ERR_SECRET;
    }
    return XG_OK;
}

xg_err
xg__secret_from_file(xg__secret *s, const char *path, char *detail, size_t len)
{
    xg_err e = xg__secret_file_check(path, detail, len);
    if (e != XG_OK) {
        return e;
    }
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(detail, len, "cannot open: %s", strerror(errno));
        return XG_ERR_IO;
    }
    char buf[XG_SECRET_MAX + 2];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    /* One line: the editor's final newline is not part of the secret. */
    if (n > 0 && buf[n - 1] == '\n') {
        n--;
    }
    if (n > 0 && buf[n - 1] == '\r') {
        n--;
    }
    e = n > XG_SECRET_MAX ? XG_ERR_SECRET : xg__secret_set(s, buf, n);
    explicit_bzero(buf, sizeof buf);
    if (e != XG_OK) {
        snprintf(detail, len,
                 "empty, longer than %d bytes or has control "
                 "characters",
                 XG_SECRET_MAX);
    }
    return e;
}
