/*
 * secret.h - the one type that holds API keys, secrets and passphrases.
 *
 * A secret lives in its own page, excluded from core dumps
 * (MADV_DONTDUMP) and locked in memory where the system allows, and is
 * wiped before the page is released. Its bytes are reachable only through
 * xg__secret_bytes, whose result goes to the adapter's create and nowhere
 * else: never to a formatting function, a log or an event.
 */
#ifndef XGATE_SECRET_H
#define XGATE_SECRET_H

#include <stddef.h>

#include "xgate/error.h"

#define XG_SECRET_MAX 1024

typedef struct xg__secret {
    char *page; /* NUL-terminated bytes, or NULL when unset */
    size_t len;
} xg__secret;

/* Copy len bytes of src (no NUL inside) into a fresh protected page.
 * XG_ERR_SECRET if empty, too long or containing NUL/control bytes. */
xg_err xg__secret_set(xg__secret *s, const char *src, size_t len);

/* Read a secret from environment variable `name`. XG_ERR_NOT_FOUND if
 * unset. The variable is left in place (the caller's environment). */
xg_err xg__secret_from_env(xg__secret *s, const char *name);

/* Borrowed until xg__secret_wipe; NULL when unset. */
const char *xg__secret_bytes(const xg__secret *s);

/* Wipe and release; the struct becomes unset. Safe on an unset secret. */
void xg__secret_wipe(xg__secret *s);

/* Check that path is a regular file owned by us and not readable or
 * writable by group or others (mode & 077 == 0). */
xg_err xg__secret_file_check(const char *path, char *detail, size_t len);

/* Read a secret that is a whole file's one line (path checked as above).
 * On failure detail says why, never quoting the file. */
xg_err xg__secret_from_file(xg__secret *s, const char *path, char *detail,
                            size_t len);

#endif
