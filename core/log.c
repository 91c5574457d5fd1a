/*
 * log.c - timestamped one-line logging to stderr.
 *
 * Each line is formatted into one buffer and written with a single
 * write(2), so lines from xgated and a simulator sharing a terminal do not
 * interleave mid-line. Logging is off the order path except for warnings.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static xg__log_level log_level = XG_LOG_INFO;

static const char *const level_names[] = {"debug", "info", "warn", "error"};

void
xg__log_set_level(xg__log_level level)
{
    log_level = level;
}

int
xg__log_parse_level(const char *name, xg__log_level *out)
{
    for (int i = 0; i < 4; i++) {
        if (strcmp(name, level_names[i]) == 0) {
            *out = (xg__log_level)i;
            return 1;
        }
    }
    return 0;
}

void
xg__log(xg__log_level level, const char *fmt, ...)
{
    if (level < log_level) {
        return;
    }
    char line[1024];
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    int n = snprintf(line, sizeof line,
                     "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ xgated %s: ",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000,
                     level_names[level]);
    if (n < 0) {
        return;
    }
    size_t len = (size_t)n;
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + len, sizeof line - len - 1, fmt, ap);
    va_end(ap);
    if (m < 0) {
        return;
    }
    len += (size_t)m < sizeof line - len - 1 ? (size_t)m : sizeof line - len - 2;
    line[len++] = '\n';
    ssize_t w = write(STDERR_FILENO, line, len);
    (void)w; /* nowhere to report a failed log write */
}
