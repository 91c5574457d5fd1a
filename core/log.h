/*
 * log.h - one-line logging to stderr for the daemon and tools.
 *
 * Lines look like "2026-11-23T13:38:11.123Z xgated warn: <text>". Callers
 * log once, where the context is. Nothing secret is ever passed here: the
 * secret type (secret.h) has no accessor that returns a C string.
 */
#ifndef XGATE_LOG_H
#define XGATE_LOG_H

typedef enum xg__log_level {
    XG_LOG_DEBUG = 0,
    XG_LOG_INFO = 1,
    XG_LOG_WARN = 2,
    XG_LOG_ERROR = 3
} xg__log_level;

/* Lines below level are dropped. Not thread-safe: set at start-up. */
void xg__log_set_level(xg__log_level level);
int xg__log_parse_level(const char *name, xg__log_level *out);

void xg__log(xg__log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define xg__debug(...) xg__log(XG_LOG_DEBUG, __VA_ARGS__)
#define xg__info(...)  xg__log(XG_LOG_INFO, __VA_ARGS__)
#define xg__warn(...)  xg__log(XG_LOG_WARN, __VA_ARGS__)
#define xg__error(...) xg__log(XG_LOG_ERROR, __VA_ARGS__)

#endif
