/*
 * share.h - rate limits and bans shared with other gateways through Redis
 * (core-private; docs/farm.md).
 *
 * With a "shared_limits" section every bucket a venue counts per IP or
 * per account is counted in Redis as well, by one Lua script
 * (core/share.lua) that admits a request's whole list of (bucket, cost)
 * or none of it, on Redis's clock. The order path does not wait for Redis
 * per order: an admission far from the limit leases a few more requests'
 * worth of every bucket, which later requests spend here without asking;
 * near the limit each request is admitted on its own. The request that
 * found no lease waits in its queue while the admission is out (the
 * sender sees XG_ERR_BUSY); the reply marks the venue.
 *
 * A ban one gateway meets is written to Redis and published; every
 * gateway on the same egress label stops sending to that venue at once,
 * and one starting reads the bans before it sends anything.
 *
 * When Redis is unreachable or slow, each gateway falls back to its
 * fallback_share_pct of every limit, counted by its own limiter (which
 * never stopped counting its own requests, so the switch lets no burst
 * through), and says so once; when Redis answers again it re-adds its own
 * recent counts (Redis may have restarted empty) and shares again.
 *
 * Without the section everything here is a pass-through to the venue's
 * own limiter.
 */
#ifndef XGATE_SHARE_H
#define XGATE_SHARE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "redis.h"
#include "transport.h"
#include "xgate/http.h"
#include "xgate/limit.h"

struct xg__state;
struct xg__venue;

#define XG_SHARE_LEASES  64
#define XG_SHARE_KEY_MAX 192
#define XG_SHA1_HEX      41
#define XG_LEASE_ID_MAX  (XG_LABEL_MAX + 24) /* "<gateway>:<seq>" */

/* Units of one bucket (one scope of a per-scope bucket) Redis granted
 * this gateway in one admission, not spent yet. */
typedef struct xg__lease {
    uint16_t bucket;
    uint32_t scope;
    int64_t units;   /* left */
    int64_t granted; /* at the grant */
    /* The reserve it was granted under: requests that must leave more
     * may not spend it. */
    int64_t keep;
    int64_t until_ns;         /* venue axis; spent before, or given back */
    int64_t win;              /* the fixed window charged (venue ms), else 0 */
    char id[XG_LEASE_ID_MAX]; /* the admission's name in Redis */
} xg__lease;

/* A bucket (a scope of it) and the two numbers a script op gives it
 * (share.lua: a descriptor's amount and extra). */
typedef struct xg__share_arg {
    uint16_t bucket;
    uint32_t scope;
    int64_t amount;
    int64_t extra;
} xg__share_arg;

typedef struct xg__share_venue {
    xg__lease leases[XG_SHARE_LEASES];
    size_t n_leases;
    /* The admission out (one per venue at a time): what it asked, each
     * bucket's cost and the reserve it left. */
    int is_taking;
    xg__share_arg take[XG_HTTP_MAX_COSTS];
    size_t n_take;
    xg_priority take_prio;
    /* Redis said a request of this priority fits no sooner (venue ns). */
    int64_t retry_ns[XG_PRIO_RECONCILE + 1];
    int is_ban_read;       /* its ban state was read since Redis came (back) */
    uint32_t limiter_gen;  /* the venue's limiter the leases are of */
    int64_t idle_since_ms; /* mono ms its queues were last seen empty */
    int64_t observed_mono_ms; /* the last usage sent */
} xg__share_venue;

typedef enum xg__share_mode {
    XG_SHARE_OFF = 0,    /* no shared_limits: the venue's limiter alone */
    XG_SHARE_CONNECTING, /* starting: nothing goes before bans are read */
    XG_SHARE_ON,
    XG_SHARE_FALLBACK /* Redis not there: a share of each limit */
} xg__share_mode;

typedef struct xg__share {
    const xg__share_config *cfg;
    struct xg__state *st;
    xg__share_mode mode;
    xg__redis conn; /* scripts */
    xg__redis sub;  /* the ban channel */
    char sha[XG_SHA1_HEX];
    int is_loaded;
    size_t n_status_owed; /* venues whose ban state is still being read */
    int64_t redis_minus_local_ms;
    char channel[XG_SHARE_KEY_MAX];
    /* The Cluster node serving the farm's slot, once a MOVED named it. */
    char node_host[XG_ENDPOINT_MAX];
    int node_port;
    int is_moving; /* the connection is to move there at the next timer */
    char why[128]; /* why it is not ON, for venue_status */
    xg__share_venue venues[XG_MAX_VENUES];
} xg__share;

/* --- share.lua's answers, read without trusting them (share_read.c) --- */

struct redisReply;

enum {
    XG_SHARE_GRANTED = 0,
    XG_SHARE_WAIT = 1,
    XG_SHARE_BANNED = 2,
    XG_SHARE_NEVER = 3 /* costs more than the limit can ever admit */
};

typedef struct xg__share_answer {
    int64_t status; /* XG_SHARE_* */
    int64_t now_ms; /* Redis's clock */
    int64_t copies; /* granted: the request's costs times this */
    int64_t at_ms;  /* granted: valid until; wait: earliest; banned: until */
    char lease_id[XG_LEASE_ID_MAX];
    int64_t win[XG_HTTP_MAX_COSTS]; /* granted: each fixed window charged */
    char gateway[XG_LABEL_MAX];     /* banned: who met it */
    char reason[XG_VENUE_MSG_MAX];  /* banned: what the venue said */
} xg__share_answer;

/* A message of the ban channel: "venue \t until \t gateway \t reason". */
typedef struct xg__share_ban {
    char venue[XG_VENUE_NAME_MAX];
    int64_t until_ms; /* Redis ms */
    char gateway[XG_LABEL_MAX];
    char reason[XG_VENUE_MSG_MAX];
} xg__share_ban;

/* share.lua's answer to a take of n buckets; XG_ERR_BAD_RESPONSE for
 * anything not shaped as the script answers. */
xg_err xg__share_read_take(const struct redisReply *r, size_t n,
                           xg__share_answer *out);
/* ... to a status: BANNED with at_ms its end, or GRANTED (no ban). */
xg_err xg__share_read_status(const struct redisReply *r, xg__share_answer *out);
xg_err xg__share_read_ban(const char *msg, size_t len, xg__share_ban *out);

/* Start sharing as st->cfg->share says (nothing when it is off). The
 * venues must be set up; connecting starts at the first tick. */
void xg__share_init(xg__share *sh, struct xg__state *st);
void xg__share_fini(xg__share *sh);

/* The loop: Redis's sockets, their readiness, the timers (reconnects,
 * slowness, the way back from the fallback) and when they are due. */
size_t xg__share_watches(const xg__share *sh, xg__watch *out, size_t cap);
void xg__share_perform(xg__share *sh, const xg__watch *ready, size_t n);
void xg__share_timers(xg__share *sh);
int64_t xg__share_timeout_ms(const xg__share *sh);

/*
 * Admit a request of v costing costs: as xg_limiter_reserve (taken now:
 * XG_OK with *at_ns = now_ns; else XG_OK with the earliest time), plus
 * XG_ERR_BUSY: Redis is being asked (or not reached yet), try again when
 * the venue is marked.
 */
xg_err xg__share_admit(struct xg__state *st, struct xg__venue *v,
                       const xg_cost *costs, size_t n, xg_priority prio,
                       int64_t now_ns, int64_t *at_ns);

/* A venue's answer reported usage: the shared count learns it too. */
void xg__share_observe(struct xg__state *st, struct xg__venue *v,
                       const xg_usage *usage, size_t n);

/* v banned this gateway until until_mono_ms, saying venue_says: the
 * other gateways learn it. */
void xg__share_tell_ban(struct xg__state *st, struct xg__venue *v,
                        int64_t until_mono_ms, const char *venue_says);

/* What v answered when asked which account the key belongs to
 * (XG_OP_ACCOUNT_ID), and v starts trading. account: its per-account
 * buckets are counted under that name from now on, and what this gateway
 * leased under the name it used until then goes back there. NULL: the
 * venue cannot say (why), the name derived from the key stays, and a
 * warning says how to name the account. */
void xg__share_account_told(struct xg__state *st, struct xg__venue *v,
                            const char *account, const char *why);

/* This gateway's name in the farm, NULL when limits are not shared. */
const char *xg__share_gateway(const struct xg__state *st);

#endif
