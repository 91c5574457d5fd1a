/*
 * health.h - venue health as a pure state machine (core-private).
 *
 * A venue is STARTING, UP, THROTTLED, BANNED or DOWN (docs/protocol.md,
 * venue states). xg__health_next takes its health and one thing that
 * happened, and returns the health after it and what that asks of the
 * orders queued there; it acts on nothing. routing.c carries the step
 * out (publishes the change, moves orders).
 */
#ifndef XGATE_HEALTH_H
#define XGATE_HEALTH_H

#include <stdint.h>

#include "venue.h"
#include "xgate/adapter.h"

#define XG_DOWN_BACKOFF_MIN_MS 250
#define XG_DOWN_BACKOFF_MAX_MS 30000

typedef enum xg__health_kind {
    XG_HEALTH_STARTED,      /* instruments and limits loaded */
    XG_HEALTH_ANSWERED,     /* an answer that is not a ban came back */
    XG_HEALTH_RATE_LIMITED, /* the venue asked to wait wait_ms */
    XG_HEALTH_BANNED,       /* the venue banned us until until_mono_ms */
    XG_HEALTH_UNREACHABLE,  /* nothing could be sent, or start-up failed */
    XG_HEALTH_TICK          /* time passed: a wait may have ended */
} xg__health_kind;

typedef struct xg__health_event {
    xg__health_kind kind;
    int64_t wait_ms;       /* RATE_LIMITED; 0: the venue's default */
    int64_t until_mono_ms; /* BANNED */
    const char *reason;    /* RATE_LIMITED, BANNED, UNREACHABLE; borrowed */
} xg__health_event;

typedef struct xg__health_step {
    xg__venue_health health; /* the venue's health after the event */
    int is_changed;          /* state, end or reason changed: tell */
    int is_up;               /* it just became UP */
    /* "banned" or "down": the new orders queued on the venue move to
     * other venues of their routes (or wait, or are refused, by their
     * deadlines); NULL: they stay. */
    const char *move_reason;
    /* Queued new orders cannot leave before this (monotonic ms); those
     * whose deadline falls earlier move on. 0: no such time. */
    int64_t ready_mono_ms;
} xg__health_step;

/* The step ev causes to a venue in health cur, with the venue's
 * throttle_default_ms, whether it is ready to trade (xg__venue_is_ready),
 * at now_mono_ms. */
xg__health_step xg__health_next(const xg__venue_health *cur,
                                const xg__health_event *ev,
                                int64_t throttle_default_ms, int is_ready,
                                int64_t now_mono_ms);

/* How long a RATE_LIMITED answer asks to wait (ms, 0: not said), given
 * the venue's clock now (venue_now_ms). */
int64_t xg__health_rate_limit_wait_ms(const xg_result *res,
                                      int64_t venue_now_ms);

/* When a BANNED answer's ban ends, on the monotonic clock. A ban end
 * given in the venue's clock is converted through its offset and then
 * lengthened by the offset's uncertainty and the clock guard, since a
 * request a millisecond early extends the ban; without an end, the
 * Retry-After, else ban_default_ms. Never before now_mono_ms + 1. */
int64_t xg__health_ban_until_mono_ms(const xg_result *res, int64_t now_mono_ms,
                                     int64_t venue_now_ms,
                                     int64_t offset_error_ms,
                                     int64_t clock_guard_ms,
                                     int64_t ban_default_ms);

#endif
