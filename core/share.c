/*
 * share.c - limits and bans shared through Redis (share.h says what and
 * why; docs/farm.md how to run it).
 *
 * Keys. Every key of a farm carries the hash tag {<prefix>}, so a script
 * call only ever touches one Redis Cluster slot, and the gateway needs one
 * connection, to the node that serves it (a MOVED answer names it; the
 * connection moves there):
 *   {xg}:binance:ip:<egress>:meta                 bans, the lease counter
 *   {xg}:binance:ip:<egress>:REQUEST_WEIGHT_1M     a bucket counted per IP
 *   {xg}:binance:acct:<account>:ORDERS_10S         ... per account
 *   {xg}:okx:acct:<account>:PLACE_PER_INST_2S:BTC-USDT   ... per instrument
 * Bans are published on <prefix>:bans:<egress> (a Cluster delivers a
 * message to the subscribers of every node).
 *
 * Modes: CONNECTING (start: nothing is sent until Redis has told the
 * bans, or failed) -> ON <-> FALLBACK. The way into FALLBACK is a lost
 * connection or a reply later than timeout_ms; the way back is a
 * connection with nothing outstanding, the script loaded and every
 * venue's bans read again, after which each venue's own recent counts are
 * added to Redis's ("seed": Redis may have restarted empty, and what was
 * sent during the fallback was never counted there).
 */
#include "share.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <openssl/sha.h>

#include "act.h"
#include "log.h"
#include "routing.h"
#include "share_script.h"
#include "state.h"
#include "xgate/limiter.h"
#include "xgate/sign.h"

/* What a reply answers: the kind in the low byte, the venue above. */
enum {
    TAG_NONE = 0, /* AUTH, SELECT, seeds, usage, bans: only errors matter */
    TAG_LOAD = 1,
    TAG_STATUS = 2,
    TAG_TAKE = 3,
    TAG_SUB = 4
};

#define OBSERVE_EVERY_MS 100 /* usage is sent at most this often a venue */
/* EVALSHA sha numkeys, the meta key and a key per bucket, the op and its
 * leading arguments, seven per bucket. */
#define HEAD_MAX 6
#define ARGS_MAX (3 + 1 + XG_HTTP_MAX_COSTS + HEAD_MAX + 7 * XG_HTTP_MAX_COSTS)

static uint64_t
tag_of(int kind, size_t venue)
{
    return (uint64_t)kind | ((uint64_t)venue << 8);
}

static const char *
mode_name(xg__share_mode m)
{
    switch (m) {
    case XG_SHARE_OFF:
        return NULL;
    case XG_SHARE_CONNECTING:
        return "connecting";
    case XG_SHARE_ON:
        return "shared";
    case XG_SHARE_FALLBACK:
        return "fallback";
    }
    return NULL;
}

/* --- keys ----------------------------------------------------------------- */

static void
meta_key(const xg__share *sh, const xg__venue *v, char *out)
{
    snprintf(out, XG_SHARE_KEY_MAX, "{%s}:%s:ip:%s:meta", sh->cfg->key_prefix,
             v->cfg->name, sh->cfg->egress);
}

/* The venue's symbol of scope, so every gateway names it alike (scopes
 * are the adapter's own numbers, given in the order it met instruments). */
static const char *
scope_name(const xg__venue *v, uint32_t scope, char *buf, size_t cap)
{
    for (size_t i = 0; i < v->n_instruments; i++) {
        if (v->instruments[i].scope == scope) {
            return v->instruments[i].venue_symbol;
        }
    }
    snprintf(buf, cap, "%u", scope);
    return buf;
}

static void
bucket_key(const xg__share *sh, const xg__venue *v, const xg_bucket_spec *s,
           uint32_t scope, char *out)
{
    int is_acct = (s->flags & XG_BUCKET_PER_ACCOUNT) != 0;
    int n = snprintf(out, XG_SHARE_KEY_MAX, "{%s}:%s:%s:%s:%s",
                     sh->cfg->key_prefix, v->cfg->name, is_acct ? "acct" : "ip",
                     is_acct ? v->account : sh->cfg->egress, s->name);
    if ((s->flags & XG_BUCKET_PER_SCOPE) && n > 0 && n < XG_SHARE_KEY_MAX) {
        char num[16];
        snprintf(out + n, (size_t)(XG_SHARE_KEY_MAX - n), ":%s",
                 scope_name(v, scope, num, sizeof num));
    }
}

/* --- one script call ------------------------------------------------------ */

typedef struct call {
    const char *argv[ARGS_MAX];
    size_t len[ARGS_MAX];
    char own[ARGS_MAX][XG_SHARE_KEY_MAX]; /* the strings built here */
    int argc;
} call;

__attribute__((format(printf, 2, 3))) static void
call_arg(call *c, const char *fmt, ...)
{
    char *dst = c->own[c->argc];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(dst, XG_SHARE_KEY_MAX, fmt, ap);
    va_end(ap);
    n = n < 0 ? 0 : n >= XG_SHARE_KEY_MAX ? XG_SHARE_KEY_MAX - 1 : n;
    c->argv[c->argc] = dst;
    c->len[c->argc++] = (size_t)n;
}

/* Send the script op on v's meta key and n buckets: head (the op and its
 * leading arguments, at most HEAD_MAX) first, then the buckets'
 * descriptors. The caller keeps n <= XG_HTTP_MAX_COSTS and each bucket
 * once (the script refuses a key twice). */
static xg_err
send_op(xg__share *sh, const xg__venue *v, uint64_t tag,
        const char *const *head, size_t n_head, const xg__share_arg *b,
        size_t n)
{
    call c;
    c.argc = 0;
    c.argv[c.argc] = "EVALSHA";
    c.len[c.argc++] = 7;
    c.argv[c.argc] = sh->sha;
    c.len[c.argc++] = strlen(sh->sha);
    call_arg(&c, "%zu", n + 1);
    char key[XG_SHARE_KEY_MAX];
    meta_key(sh, v, key);
    call_arg(&c, "%s", key);
    for (size_t i = 0; i < n; i++) {
        bucket_key(sh, v, xg_limiter_bucket_spec(v->limiter, b[i].bucket),
                   b[i].scope, key);
        call_arg(&c, "%s", key);
    }
    for (size_t i = 0; i < n_head; i++) {
        call_arg(&c, "%s", head[i]);
    }
    for (size_t i = 0; i < n; i++) {
        const xg_bucket_spec *s =
            xg_limiter_bucket_spec(v->limiter, b[i].bucket);
        call_arg(&c, "%d", (int)s->kind);
        call_arg(&c, "%d", (int)s->anchor);
        call_arg(&c, "%lld", (long long)s->limit);
        call_arg(&c, "%lld", (long long)((s->window_ns + 999999) / 1000000));
        call_arg(&c, "%lld", (long long)v->cfg->clock_guard_ms);
        call_arg(&c, "%lld", (long long)b[i].amount);
        call_arg(&c, "%lld", (long long)b[i].extra);
    }
    return xg__redis_send(&sh->conn, tag, c.argc, c.argv, c.len);
}

/* Add (bucket, scope) to b[*n] with amount and extra, or add amount to
 * its entry if it is there already. */
static void
bucket_add(xg__share_arg *b, size_t *n, uint16_t bucket, uint32_t scope,
           int64_t amount, int64_t extra)
{
    for (size_t i = 0; i < *n; i++) {
        if (b[i].bucket == bucket && b[i].scope == scope) {
            b[i].amount += amount;
            return;
        }
    }
    b[(*n)++] = (xg__share_arg){bucket, scope, amount, extra};
}

/* --- clocks --------------------------------------------------------------- */

/* The venue's clock minus Redis's, in ms: the script's offset_ms. */
static int64_t
venue_minus_redis_ms(const xg__share *sh, const xg__venue *v)
{
    return v->offset_ms - sh->redis_minus_local_ms;
}

/* The same as the script's argument (buf: 24 bytes). */
static const char *
offset_arg(const xg__share *sh, const xg__venue *v, char *buf)
{
    snprintf(buf, 24, "%lld", (long long)venue_minus_redis_ms(sh, v));
    return buf;
}

static int64_t
redis_to_venue_ns(const xg__share *sh, const xg__venue *v, int64_t redis_ms)
{
    return (redis_ms + venue_minus_redis_ms(sh, v)) * 1000000;
}

/* Redis's answer carried its clock: local wall + this is Redis's. The
 * reply's own delay makes it late by up to a round trip; the guard the
 * windows carry is far wider. */
static void
learn_redis_clock(xg__share *sh, int64_t redis_now_ms)
{
    sh->redis_minus_local_ms = (int64_t)redis_now_ms - sh->st->now.wall_ms;
}

/* --- modes ---------------------------------------------------------------- */

static void
show_mode(xg__share *sh)
{
    for (size_t i = 0; i < sh->st->n_venues; i++) {
        xg__venue *v = &sh->st->venues[i];
        v->limits = mode_name(sh->mode);
        v->limits_reason = sh->why;
    }
}

static void
set_shares(xg__share *sh, unsigned pct)
{
    for (size_t i = 0; i < sh->st->n_venues; i++) {
        xg__venue *v = &sh->st->venues[i];
        v->limiter_share_pct = pct;
        if (v->limiter != NULL) {
            (void)xg_limiter_set_share(v->limiter, pct);
        }
    }
}

static void
forget_grants(xg__share *sh)
{
    for (size_t i = 0; i < sh->st->n_venues; i++) {
        xg__share_venue *sv = &sh->venues[i];
        sv->n_leases = 0;
        sv->is_taking = 0;
        sv->is_ban_read = 0;
        memset(sv->retry_ns, 0, sizeof sv->retry_ns);
    }
    sh->n_status_owed = 0;
}

static void
tell_venues(xg__share *sh)
{
    for (size_t i = 0; i < sh->st->n_venues; i++) {
        xg__act_tell_venue(sh->st, &sh->st->venues[i]);
        xg__state_mark(sh->st, &sh->st->venues[i]);
    }
}

static void
fall_back(xg__share *sh, const char *why)
{
    /* A Cluster's redirect while starting is no failure: the gateway
     * still reads the bans (from the node named) before it sends. */
    if (sh->mode == XG_SHARE_FALLBACK ||
        (sh->mode == XG_SHARE_CONNECTING && sh->is_moving)) {
        return;
    }
    snprintf(sh->why, sizeof sh->why, "Redis: %s", why);
    xg__warn("shared limits: %s; each venue's limits counted here, %lld %% "
             "of each",
             sh->why, (long long)sh->cfg->fallback_share_pct);
    sh->mode = XG_SHARE_FALLBACK;
    set_shares(sh, (unsigned)sh->cfg->fallback_share_pct);
    forget_grants(sh);
    show_mode(sh);
    tell_venues(sh);
}

static void
send_seed(xg__share *sh, const xg__venue *v, size_t vi, const xg__share_arg *b,
          size_t n)
{
    char offset[24];
    const char *head[] = {"seed", offset_arg(sh, v, offset)};
    (void)send_op(sh, v, tag_of(TAG_NONE, vi), head, 2, b, n);
}

/* Add each venue's own counts to Redis's (see the file comment). The
 * per-instrument buckets are left out: the limiter tells only its
 * busiest instrument (docs/farm.md). */
static void
seed(xg__share *sh)
{
    for (size_t vi = 0; vi < sh->st->n_venues; vi++) {
        const xg__venue *v = &sh->st->venues[vi];
        if (v->limiter == NULL) {
            continue;
        }
        int64_t now_ns = xg__state_venue_now_ns(sh->st, v);
        xg__share_arg b[XG_HTTP_MAX_COSTS];
        size_t n = 0;
        for (size_t i = 0; i < xg_limiter_bucket_count(v->limiter); i++) {
            const xg_bucket_spec *s = xg_limiter_bucket_spec(v->limiter, i);
            int64_t used = xg_limiter_bucket_used(v->limiter, i, now_ns);
            if ((s->flags & XG_BUCKET_PER_SCOPE) || used <= 0) {
                continue;
            }
            b[n++] = (xg__share_arg){(uint16_t)i, 0, used, 0};
            if (n == XG_HTTP_MAX_COSTS) {
                send_seed(sh, v, vi, b, n);
                n = 0;
            }
        }
        if (n > 0) {
            send_seed(sh, v, vi, b, n);
        }
    }
}

static void
become_on(xg__share *sh)
{
    int was_fallback = sh->mode == XG_SHARE_FALLBACK;
    sh->mode = XG_SHARE_ON;
    sh->why[0] = '\0';
    set_shares(sh, 100);
    seed(sh);
    show_mode(sh);
    if (was_fallback) {
        xg__info("shared limits: Redis is back; counting shared again");
    } else {
        xg__info("shared limits: counting in Redis as gateway %s on egress %s",
                 sh->cfg->gateway, sh->cfg->egress);
    }
    tell_venues(sh);
}

/* Read every venue's ban state; ON once all are read. */
static void
read_bans(xg__share *sh)
{
    static const char *const head[] = {"status"};
    sh->n_status_owed = 0;
    for (size_t i = 0; i < sh->st->n_venues; i++) {
        if (send_op(sh, &sh->st->venues[i], tag_of(TAG_STATUS, i), head, 1,
                    NULL, 0) == XG_OK) {
            sh->n_status_owed++;
        }
    }
}

static void
load_script(xg__share *sh)
{
    const char *argv[] = {"SCRIPT", "LOAD", xg__share_lua};
    size_t len[] = {6, 4, xg__share_lua_len};
    sh->is_loaded = 0;
    (void)xg__redis_send(&sh->conn, tag_of(TAG_LOAD, 0), 3, argv, len);
}

/* --- bans ----------------------------------------------------------------- */

/* A ban another gateway met (or this one, before it restarted). */
static void
apply_ban(xg__share *sh, xg__venue *v, int64_t until_redis_ms,
          const char *gateway, const char *reason)
{
    xg__state *st = sh->st;
    int64_t left_ms =
        (int64_t)until_redis_ms - (st->now.wall_ms + sh->redis_minus_local_ms);
    if (left_ms <= 0) {
        return;
    }
    char why[XG_VENUE_MSG_MAX];
    snprintf(why, sizeof why, "IP banned (met by gateway %.40s: %.80s)",
             gateway, reason);
    const xg__health_event ev = {XG_HEALTH_BANNED, 0, st->now.mono_ms + left_ms,
                                 why};
    xg__routing_venue(st, v, &ev);
}

static void
on_ban_message(xg__share *sh, const char *msg, size_t len)
{
    xg__share_ban ban;
    if (xg__share_read_ban(msg, len, &ban) != XG_OK) {
        xg__warn("shared limits: a malformed ban message ignored");
        return;
    }
    int vi = xg__state_venue_by_name(sh->st, ban.venue);
    if (vi < 0 || strcmp(ban.gateway, sh->cfg->gateway) == 0) {
        return; /* not a venue of ours, or our own ban, already applied */
    }
    apply_ban(sh, &sh->st->venues[vi], ban.until_ms, ban.gateway, ban.reason);
}

/* --- replies -------------------------------------------------------------- */

/* The asked costs times copies are ours until the grant's time; what
 * the asking request needs is spent when the sender asks again (the
 * venue is marked), the rest is leased to later requests. */
static void
on_granted(xg__share *sh, xg__venue *v, xg__share_venue *sv,
           const xg__share_answer *a)
{
    int64_t until_ns = redis_to_venue_ns(sh, v, a->at_ms);
    size_t kept = 0; /* room first: leases spent to the last unit go */
    for (size_t i = 0; i < sv->n_leases; i++) {
        if (sv->leases[i].units > 0) {
            sv->leases[kept++] = sv->leases[i];
        }
    }
    sv->n_leases = kept;
    for (size_t i = 0; i < sv->n_take; i++) {
        if (sv->n_leases == XG_SHARE_LEASES) {
            break; /* lost to the farm until Redis's windows let it go */
        }
        const xg__share_arg *b = &sv->take[i];
        xg__lease *l = &sv->leases[sv->n_leases++];
        int64_t units = b->amount * a->copies;
        *l = (xg__lease){.bucket = b->bucket,
                         .scope = b->scope,
                         .units = units,
                         .granted = units,
                         .keep = b->extra,
                         .until_ns = until_ns,
                         .win = a->win[i]};
        xg_strlcpy(l->id, a->lease_id, sizeof l->id);
    }
}

/* "MOVED <slot> <host>:<port>": a Redis Cluster serves the farm's slot
 * from another node; the connection moves there at the next timer (and
 * the gateway falls back until it is up). 0 if err is no such answer. */
static int
is_moved(xg__share *sh, const char *err)
{
    if (strncmp(err, "MOVED ", 6) != 0) {
        return 0;
    }
    const char *addr = strchr(err + 6, ' ');
    const char *colon = addr != NULL ? strrchr(addr, ':') : NULL;
    char *end = NULL;
    long port = colon != NULL ? strtol(colon + 1, &end, 10) : 0;
    size_t host_len = colon != NULL ? (size_t)(colon - addr - 1) : 0;
    if (host_len == 0 || host_len >= sizeof sh->node_host || port < 1 ||
        port > 65535 || end == colon + 1 || *end != '\0') {
        return 0;
    }
    memcpy(sh->node_host, addr + 1, host_len);
    sh->node_host[host_len] = '\0';
    sh->node_port = (int)port;
    sh->is_moving = 1;
    return 1;
}

/* A request's admission came back (r NULL: the connection went). */
static void
on_take(xg__share *sh, size_t vi, const redisReply *r)
{
    xg__share_venue *sv = &sh->venues[vi];
    xg__venue *v = &sh->st->venues[vi];
    sv->is_taking = 0;
    xg__state_mark(sh->st, v);
    if (sh->mode != XG_SHARE_ON || r == NULL) {
        return; /* fallen back meanwhile: the units stay counted there */
    }
    if (r->type == REDIS_REPLY_ERROR) {
        if (strncmp(r->str, "NOSCRIPT", 8) == 0) {
            load_script(sh); /* Redis restarted between two calls */
            return;
        }
        (void)is_moved(sh, r->str);
        fall_back(sh, r->str);
        return;
    }
    xg__share_answer a;
    if (xg__share_read_take(r, sv->n_take, &a) != XG_OK) {
        fall_back(sh, "the script's answer is malformed");
        return;
    }
    learn_redis_clock(sh, a.now_ms);
    switch (a.status) {
    case XG_SHARE_GRANTED:
        on_granted(sh, v, sv, &a);
        return;
    case XG_SHARE_WAIT:
        /* Only this priority waits: a cancel may still fit where a new
         * order did not. */
        sv->retry_ns[sv->take_prio] = redis_to_venue_ns(sh, v, a.at_ms);
        return;
    case XG_SHARE_BANNED:
        apply_ban(sh, v, a.at_ms, a.gateway, a.reason);
        return;
    default:
        /* The venue's own limiter admits no such request either, so
         * this is a limit changed under us: ask again later. */
        xg__warn("venue %s: a request costs more than the shared limit "
                 "can ever admit",
                 v->cfg->name);
        sv->retry_ns[sv->take_prio] =
            xg__state_venue_now_ns(sh->st, v) + 1000000000LL;
        return;
    }
}

/* A venue's ban state came back: once every venue's has, ON. */
static void
on_status(xg__share *sh, size_t vi, const redisReply *r)
{
    xg__share_answer a;
    if (xg__share_read_status(r, &a) != XG_OK) {
        fall_back(sh, "the script's answer is malformed");
        return;
    }
    learn_redis_clock(sh, a.now_ms);
    if (a.status == XG_SHARE_BANNED) {
        apply_ban(sh, &sh->st->venues[vi], a.at_ms, a.gateway, a.reason);
    }
    sh->venues[vi].is_ban_read = 1;
    if (--sh->n_status_owed == 0) {
        become_on(sh);
    }
}

static void
on_reply(void *owner, const redisReply *r, uint64_t tag)
{
    xg__share *sh = owner;
    int kind = (int)(tag & 0xff);
    size_t vi = (size_t)(tag >> 8);
    if (kind == TAG_TAKE && vi < sh->st->n_venues) {
        on_take(sh, vi, r);
        return;
    }
    if (r == NULL) {
        return; /* the connection went: its state callback says so */
    }
    if (r->type == REDIS_REPLY_ERROR) {
        if (strncmp(r->str, "NOSCRIPT", 8) == 0 && sh->is_loaded) {
            load_script(sh);
        } else if (is_moved(sh, r->str)) {
            fall_back(sh, r->str);
        } else if (kind == TAG_NONE) {
            /* A seed, a usage report or a ban refused: the counts stay
             * as they were, which errs on the safe side. */
            xg__warn("shared limits: Redis refused a call: %.120s", r->str);
        } else {
            fall_back(sh, r->str);
        }
        return;
    }
    switch (kind) {
    case TAG_LOAD:
        if (r->type != REDIS_REPLY_STRING || r->len != XG_SHA1_HEX - 1) {
            fall_back(sh, "SCRIPT LOAD answered no hash");
            return;
        }
        memcpy(sh->sha, r->str, XG_SHA1_HEX - 1);
        sh->sha[XG_SHA1_HEX - 1] = '\0';
        sh->is_loaded = 1;
        if (sh->mode != XG_SHARE_ON) {
            read_bans(sh);
        }
        return;
    case TAG_STATUS:
        if (vi < sh->st->n_venues && sh->n_status_owed > 0) {
            on_status(sh, vi, r);
        }
        return;
    default:
        return;
    }
}

static void
on_state(void *owner, int is_up, const char *why)
{
    xg__share *sh = owner;
    if (is_up) {
        load_script(sh);
        return;
    }
    sh->is_loaded = 0;
    fall_back(sh, why);
}

static void
on_sub_reply(void *owner, const redisReply *r, uint64_t tag)
{
    (void)tag;
    xg__share *sh = owner;
    /* ["message", channel, payload]; anything else is the
     * subscription's own confirmation, or a drop. */
    if (r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements == 3 &&
        r->element[0]->type == REDIS_REPLY_STRING &&
        strcmp(r->element[0]->str, "message") == 0 &&
        r->element[2]->type == REDIS_REPLY_STRING) {
        on_ban_message(sh, r->element[2]->str, r->element[2]->len);
    }
}

static void
on_sub_state(void *owner, int is_up, const char *why)
{
    xg__share *sh = owner;
    (void)why;
    if (is_up) {
        const char *argv[] = {"SUBSCRIBE", sh->channel};
        size_t len[] = {9, strlen(sh->channel)};
        (void)xg__redis_send(&sh->sub, tag_of(TAG_SUB, 0), 2, argv, len);
    }
}

/* --- life ----------------------------------------------------------------- */

static void give_back(xg__share *sh, size_t vi, int only_expired,
                      int64_t now_ns);

/* The account a venue's per-account buckets are counted under: the
 * configured one; else, until the venue names the key's account
 * (xg__share_account_told), one derived from the API key (the same key is
 * the same account). */
static void
set_account(xg__venue *v)
{
    if (v->cfg->account[0] != '\0') {
        xg_strlcpy(v->account, v->cfg->account, sizeof v->account);
        return;
    }
    const char *key = xg__secret_bytes(&v->cfg->api_key);
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)(key != NULL ? key : ""),
           key != NULL ? v->cfg->api_key.len : 0, md);
    char hex[2 * SHA256_DIGEST_LENGTH + 1];
    (void)xg_hex_encode(md, 8, hex, sizeof hex);
    snprintf(v->account, sizeof v->account, "key-%.16s", hex);
    v->needs_account = v->plugin->api->caps.account_id != 0;
}

void
xg__share_account_told(xg__state *st, xg__venue *v, const char *account,
                       const char *why)
{
    xg__share *sh = st->share;
    v->needs_account = 0;
    if (account == NULL) {
        xg__warn("venue %s: cannot learn the key's account (%s): its "
                 "per-account limits are shared as %s; set the venue's "
                 "\"account\" to share them with other keys of the account",
                 v->cfg->name, why, v->account);
    } else if (strcmp(v->account, account) != 0) {
        /* What the leases hold was taken under the old name: it goes
         * back there before the name changes. */
        give_back(sh, (size_t)(v - st->venues), 0,
                  xg__state_venue_now_ns(st, v));
        xg_strlcpy(v->account, account, sizeof v->account);
        xg__info("venue %s: the key's account is %s", v->cfg->name, v->account);
    }
    const xg__health_event ev = {XG_HEALTH_STARTED, 0, 0, ""};
    xg__routing_venue(st, v, &ev);
}

void
xg__share_init(xg__share *sh, xg__state *st)
{
    memset(sh, 0, sizeof *sh);
    sh->st = st;
    sh->cfg = &st->cfg->share;
    st->share = sh;
    if (!sh->cfg->is_on) {
        sh->mode = XG_SHARE_OFF;
        return;
    }
    sh->mode = XG_SHARE_CONNECTING;
    snprintf(sh->why, sizeof sh->why, "reaching Redis");
    snprintf(sh->channel, sizeof sh->channel, "%s:bans:%s", sh->cfg->key_prefix,
             sh->cfg->egress);
    const xg__redis_target to = {
        sh->cfg->host,
        (int)sh->cfg->port,
        (int)sh->cfg->db,
        sh->cfg->is_tls,
        sh->cfg->tls_ca_file[0] != '\0' ? sh->cfg->tls_ca_file : NULL,
        &sh->cfg->password,
        sh->cfg->timeout_ms * 4};
    xg__redis_init(&sh->conn, &to, sh, on_reply, on_state);
    xg__redis_init(&sh->sub, &to, sh, on_sub_reply, on_sub_state);
    for (size_t i = 0; i < st->n_venues; i++) {
        xg__venue *v = &st->venues[i];
        set_account(v);
        v->limits_gateway = sh->cfg->gateway;
    }
    show_mode(sh);
}

void
xg__share_fini(xg__share *sh)
{
    if (sh->mode == XG_SHARE_OFF) {
        return;
    }
    xg__redis_fini(&sh->conn);
    xg__redis_fini(&sh->sub);
}

size_t
xg__share_watches(const xg__share *sh, xg__watch *out, size_t cap)
{
    if (sh->mode == XG_SHARE_OFF) {
        return 0;
    }
    size_t n = xg__redis_watches(&sh->conn, out, cap);
    return n + xg__redis_watches(&sh->sub, out + n, cap - n);
}

void
xg__share_perform(xg__share *sh, const xg__watch *ready, size_t n)
{
    if (sh->mode == XG_SHARE_OFF) {
        return;
    }
    xg__redis_perform(&sh->conn, ready, n);
    xg__redis_perform(&sh->sub, ready, n);
}

/* Leases past their time go back; so does all a venue holds once it has
 * had nothing to send for a while (another gateway may need it). */
static void
return_leases(xg__share *sh)
{
    int64_t now = sh->st->now.mono_ms;
    for (size_t i = 0; i < sh->st->n_venues; i++) {
        const xg__venue *v = &sh->st->venues[i];
        xg__share_venue *sv = &sh->venues[i];
        if (sv->n_leases == 0) {
            continue;
        }
        int is_idle = v->cancels.len + v->urgent.len + v->normal.len == 0;
        if (!is_idle) {
            sv->idle_since_ms = 0;
        } else if (sv->idle_since_ms == 0) {
            sv->idle_since_ms = now;
        }
        int is_unused =
            is_idle && now - sv->idle_since_ms >= sh->cfg->timeout_ms;
        give_back(sh, i, !is_unused, xg__state_venue_now_ns(sh->st, v));
    }
}

void
xg__share_timers(xg__share *sh)
{
    if (sh->mode == XG_SHARE_OFF) {
        return;
    }
    int64_t now = sh->st->now.mono_ms;
    if (sh->is_moving) {
        xg__info("shared limits: the Redis Cluster serves the farm's keys "
                 "from %s:%d; connecting there",
                 sh->node_host, sh->node_port);
        sh->conn.to.host = sh->node_host;
        sh->conn.to.port = sh->node_port;
        xg__redis_drop(&sh->conn, "moved to another node");
        sh->is_moving = 0;
    }
    xg__redis_tick(&sh->conn, now, sh->cfg->timeout_ms);
    xg__redis_tick(&sh->sub, now, sh->cfg->timeout_ms);
    int64_t oldest = xg__redis_oldest_ms(&sh->conn);
    if (sh->mode == XG_SHARE_ON && oldest != 0 &&
        now - oldest >= sh->cfg->timeout_ms) {
        fall_back(sh, "no answer in time");
        return;
    }
    if (sh->mode == XG_SHARE_ON) {
        return_leases(sh);
    }
    /* Back from a fallback over a connection that stayed up, once it has
     * caught up: read the bans again, then share (become_on seeds). */
    if (sh->mode == XG_SHARE_FALLBACK && sh->conn.is_up && sh->is_loaded &&
        oldest == 0 && sh->n_status_owed == 0) {
        read_bans(sh);
    }
}

int64_t
xg__share_timeout_ms(const xg__share *sh)
{
    if (sh->mode == XG_SHARE_OFF) {
        return -1;
    }
    int64_t now = sh->st->now.mono_ms;
    int64_t a = xg__redis_timeout_ms(&sh->conn, now);
    int64_t b = xg__redis_timeout_ms(&sh->sub, now);
    if (a < 0 || (b >= 0 && b < a)) {
        a = b;
    }
    if (sh->mode == XG_SHARE_FALLBACK && (a < 0 || a > 50)) {
        a = 50; /* watch for the way back */
    }
    return a;
}

/* --- admission ------------------------------------------------------------ */

/* The reserve a request of prio must leave in s (the shared count knows
 * only the priorities' reserves, not the reconciliation share, which
 * each gateway's own limiter keeps). */
static int64_t
keep_of(const xg_bucket_spec *s, xg_priority prio)
{
    switch (prio) {
    case XG_PRIO_CANCEL:
        return 0;
    case XG_PRIO_NEW:
        return s->reserve_cancel;
    case XG_PRIO_QUERY:
    case XG_PRIO_RECONCILE:
        return s->reserve_cancel + s->reserve_new;
    }
    return s->reserve_cancel + s->reserve_new;
}

static uint32_t
scope_of(const xg_bucket_spec *s, const xg_cost *c)
{
    return (s->flags & XG_BUCKET_PER_SCOPE) ? c->scope : 0;
}

/* Give back what the leases of admission id hold, from lease `from` on
 * (the admission's earlier ones are gone already), in one call; they hold
 * nothing afterwards. */
static void
give_admission(xg__share *sh, size_t vi, size_t from, int is_expiry)
{
    xg__venue *v = &sh->st->venues[vi];
    xg__share_venue *sv = &sh->venues[vi];
    const char *id = sv->leases[from].id;
    xg__share_arg b[XG_HTTP_MAX_COSTS];
    size_t n = 0;
    for (size_t j = from; j < sv->n_leases && n < XG_HTTP_MAX_COSTS; j++) {
        xg__lease *m = &sv->leases[j];
        if (strcmp(m->id, id) != 0 || m->units <= 0) {
            continue;
        }
        /* A fixed window's lease past its time: its window is over,
         * nothing to give. */
        int is_fixed = xg_limiter_bucket_spec(v->limiter, m->bucket)->kind ==
                       XG_LIMIT_FIXED_WINDOW;
        if (!(is_expiry && is_fixed)) {
            b[n++] = (xg__share_arg){m->bucket, m->scope, m->units, m->win};
        }
    }
    if (n > 0) {
        char offset[24];
        const char *head[] = {"give", offset_arg(sh, v, offset), id};
        (void)send_op(sh, v, tag_of(TAG_NONE, vi), head, 3, b, n);
    }
    for (size_t j = sv->n_leases; j-- > from;) {
        if (strcmp(sv->leases[j].id, id) == 0) {
            sv->leases[j].units = 0;
        }
    }
}

/* Give back the leases past their time (all of them unless
 * only_expired) and forget them. */
static void
give_back(xg__share *sh, size_t vi, int only_expired, int64_t now_ns)
{
    xg__share_venue *sv = &sh->venues[vi];
    size_t kept = 0;
    for (size_t i = 0; i < sv->n_leases; i++) {
        if (only_expired && sv->leases[i].until_ns > now_ns) {
            sv->leases[kept++] = sv->leases[i];
            continue;
        }
        if (sv->leases[i].units > 0) {
            give_admission(sh, vi, i, only_expired);
        }
    }
    sv->n_leases = kept;
}

/* Whether leases cover every cost of a request of prio; the lease each
 * takes from in from[]. */
static int
leases_cover(const xg__venue *v, xg__share_venue *sv, const xg_cost *costs,
             size_t n, xg_priority prio, int64_t now_ns, xg__lease **from)
{
    for (size_t i = 0; i < n; i++) {
        if (costs[i].bucket >= xg_limiter_bucket_count(v->limiter)) {
            return 0;
        }
        const xg_bucket_spec *s =
            xg_limiter_bucket_spec(v->limiter, costs[i].bucket);
        uint32_t scope = scope_of(s, &costs[i]);
        from[i] = NULL;
        for (size_t k = 0; k < sv->n_leases && from[i] == NULL; k++) {
            xg__lease *l = &sv->leases[k];
            if (l->bucket != costs[i].bucket || l->scope != scope ||
                l->until_ns <= now_ns || keep_of(s, prio) > l->keep) {
                continue;
            }
            int64_t need = costs[i].units; /* two costs may charge one */
            for (size_t j = 0; j < i; j++) {
                need += from[j] == l ? costs[j].units : 0;
            }
            if (need <= l->units) {
                from[i] = l;
            }
        }
        if (from[i] == NULL) {
            return 0;
        }
    }
    return 1;
}

/* Whether, after a spend, the leases of a request's buckets run low
 * while they came in bulk (far from the limit): the next admission is
 * then asked at once, so the queue never waits for it. Near the limit
 * (grants of one request) each request is admitted on its own. */
static int
is_running_low(const xg__share_venue *sv, const xg_cost *costs, size_t n,
               xg__lease *const *from)
{
    for (size_t i = 0; i < n; i++) {
        if (from[i]->granted < 8 * costs[i].units) {
            continue;
        }
        int64_t left = 0;
        for (size_t k = 0; k < sv->n_leases; k++) {
            const xg__lease *l = &sv->leases[k];
            left += l->bucket == from[i]->bucket && l->scope == from[i]->scope
                        ? l->units
                        : 0;
        }
        if (left < 4 * costs[i].units) {
            return 1;
        }
    }
    return 0;
}

static void
send_take(xg__share *sh, xg__venue *v, xg__share_venue *sv,
          const xg_cost *costs, size_t n, xg_priority prio)
{
    size_t vi = (size_t)(v - sh->st->venues);
    sv->n_take = 0;
    for (size_t i = 0; i < n; i++) {
        const xg_bucket_spec *s =
            xg_limiter_bucket_spec(v->limiter, costs[i].bucket);
        bucket_add(sv->take, &sv->n_take, costs[i].bucket,
                   scope_of(s, &costs[i]), costs[i].units, keep_of(s, prio));
    }
    sv->take_prio = prio;
    char offset[24], lease_max[24], hold[24];
    snprintf(lease_max, sizeof lease_max, "%lld",
             (long long)sh->cfg->lease_max);
    /* A sliding window's lease is held (counted as if sent at its end)
     * this long: long enough to spend it, short enough to lose little. */
    snprintf(hold, sizeof hold, "%lld", (long long)sh->cfg->timeout_ms);
    const char *head[] = {"take", sh->cfg->gateway, offset_arg(sh, v, offset),
                          lease_max, hold};
    xg_err e =
        send_op(sh, v, tag_of(TAG_TAKE, vi), head, 5, sv->take, sv->n_take);
    if (e != XG_OK) {
        fall_back(sh, e == XG_ERR_BUSY ? "too many requests unanswered"
                                       : "not connected");
        return;
    }
    sv->is_taking = 1;
}

xg_err
xg__share_admit(xg__state *st, xg__venue *v, const xg_cost *costs, size_t n,
                xg_priority prio, int64_t now_ns, int64_t *at_ns)
{
    xg__share *sh = st->share;
    *at_ns = now_ns;
    if (sh == NULL || sh->mode == XG_SHARE_OFF ||
        sh->mode == XG_SHARE_FALLBACK || n == 0 || n > XG_HTTP_MAX_COSTS) {
        return xg_limiter_reserve(v->limiter, costs, n, prio, now_ns, at_ns);
    }
    xg__share_venue *sv = &sh->venues[v - st->venues];
    if (sh->mode == XG_SHARE_CONNECTING || !sv->is_ban_read) {
        return XG_ERR_BUSY;
    }
    if (sv->limiter_gen != v->limiter_gen) {
        /* Rebuilt from the venue's limits: the leases' bucket numbers
         * may name other buckets now. What they held stays counted in
         * Redis until its windows let it go. */
        sv->n_leases = 0;
        sv->limiter_gen = v->limiter_gen;
    }
    xg__lease *from[XG_HTTP_MAX_COSTS];
    if (leases_cover(v, sv, costs, n, prio, now_ns, from)) {
        xg_err e =
            xg_limiter_reserve(v->limiter, costs, n, prio, now_ns, at_ns);
        if (e == XG_OK && *at_ns == now_ns) {
            for (size_t i = 0; i < n; i++) {
                from[i]->units -= costs[i].units;
            }
            if (!sv->is_taking && sv->retry_ns[prio] <= now_ns &&
                is_running_low(sv, costs, n, from)) {
                send_take(sh, v, sv, costs, n, prio);
            }
        }
        return e;
    }
    if (sv->is_taking) {
        return XG_ERR_BUSY;
    }
    if (sv->retry_ns[prio] > now_ns) {
        *at_ns = sv->retry_ns[prio];
        return XG_OK;
    }
    send_take(sh, v, sv, costs, n, prio);
    return XG_ERR_BUSY;
}

/* --- what the venue says -------------------------------------------------- */

void
xg__share_observe(xg__state *st, xg__venue *v, const xg_usage *usage, size_t n)
{
    xg__share *sh = st->share;
    if (sh == NULL || sh->mode != XG_SHARE_ON || n == 0) {
        return;
    }
    size_t vi = (size_t)(v - st->venues);
    xg__share_venue *sv = &sh->venues[vi];
    /* The next answer carries a fresher count: sending every one would
     * double Redis's work per order for nothing. */
    if (st->now.mono_ms - sv->observed_mono_ms < OBSERVE_EVERY_MS) {
        return;
    }
    xg__share_arg b[XG_HTTP_MAX_COSTS];
    size_t k = 0;
    for (size_t i = 0; i < n && k < XG_HTTP_MAX_COSTS; i++) {
        const xg_usage *u = &usage[i];
        if (u->bucket >= xg_limiter_bucket_count(v->limiter)) {
            continue;
        }
        const xg_bucket_spec *s = xg_limiter_bucket_spec(v->limiter, u->bucket);
        int64_t used = u->used >= 0        ? u->used
                       : u->remaining >= 0 ? s->limit - u->remaining
                                           : -1;
        uint32_t scope = (s->flags & XG_BUCKET_PER_SCOPE) ? u->scope : 0;
        int is_seen = 0;
        for (size_t j = 0; j < k; j++) {
            is_seen |= b[j].bucket == u->bucket && b[j].scope == scope;
        }
        if (used >= 0 && !is_seen) {
            b[k++] = (xg__share_arg){u->bucket, scope, used, u->reset_ms};
        }
    }
    if (k == 0) {
        return;
    }
    sv->observed_mono_ms = st->now.mono_ms;
    char offset[24];
    const char *head[] = {"observe", offset_arg(sh, v, offset)};
    (void)send_op(sh, v, tag_of(TAG_NONE, vi), head, 2, b, k);
}

void
xg__share_tell_ban(xg__state *st, xg__venue *v, int64_t until_mono_ms,
                   const char *venue_says)
{
    xg__share *sh = st->share;
    if (sh == NULL || sh->mode == XG_SHARE_OFF || !sh->is_loaded) {
        return;
    }
    char until[24];
    snprintf(until, sizeof until, "%lld",
             (long long)(st->now.wall_ms + sh->redis_minus_local_ms +
                         (until_mono_ms - st->now.mono_ms)));
    const char *head[] = {"ban",      sh->cfg->gateway, until,
                          venue_says, sh->channel,      v->cfg->name};
    if (send_op(sh, v, tag_of(TAG_NONE, (size_t)(v - st->venues)), head, 6,
                NULL, 0) != XG_OK) {
        xg__warn("venue %s: the ban could not be told to the other gateways",
                 v->cfg->name);
    }
}

const char *
xg__share_gateway(const xg__state *st)
{
    const xg__share *sh = st->share;
    return sh != NULL && sh->mode != XG_SHARE_OFF ? sh->cfg->gateway : NULL;
}
