/*
 * config.h - the gateway's configuration file (docs/configuration.md).
 *
 * One JSON file. Credentials are never in it: each venue names the
 * environment variables, or a private file, they come from. Loading checks
 * every field and stops at the first problem with one line naming the file
 * and the field.
 */
#ifndef XGATE_CONFIG_H
#define XGATE_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "protocol.h"
#include "secret.h"
#include "xgate/adapter.h"
#include "xgate/error.h"
#include "xgate/order.h"

#define XG_MAX_VENUES       16
#define XG_MAX_OPTIONS      16
#define XG_MAX_ROUTES       64
#define XG_PATH_MAX         1024
#define XG_ENDPOINT_MAX     256
#define XG_URL_MAX          256
#define XG_OPTION_MAX       128
#define XG_LABEL_MAX        64 /* egress, gateway and account labels */

typedef struct xg__venue_config {
    char name[XG_VENUE_NAME_MAX];
    char base_url[XG_URL_MAX];
    int is_simulator;  /* loopback simulator: plain HTTP allowed */
    xg__secret api_key, secret, passphrase;
    char option_keys[XG_MAX_OPTIONS][XG_OPTION_MAX];
    char option_values[XG_MAX_OPTIONS][XG_OPTION_MAX];
    size_t n_options;
    long max_connections;
    long connect_timeout_ms;
    long timeout_ms;
    int64_t ban_default_ms;    /* ban length when the venue gives none;
                                  0: the adapter's caps.default_ban_ms */
    int64_t throttle_default_ms; /* wait after a 429 without Retry-After */
    int64_t clock_guard_ms;    /* limiter's margin for clock error */
    int64_t resync_interval_ms; /* periodic server-time resync */
    int64_t reconcile_share_pct; /* reconciliation's share of each bucket */
    int64_t order_sweep_ms;      /* open-orders sweep period; 0 off */
    int64_t batch_max; /* orders packed into one request; below 2: none */
    /* No orders but this gateway's on the account: a cancel_all may use
     * the venue's mass cancel of a symbol (which cancels every order). */
    int is_exclusive_account;
    /* The venue's private stream (stream.h), where the adapter has one. */
    int is_stream_on;
    /* Who the venue counts account limits against when limits are shared
     * (share.h); "" = derived from the API key. */
    char account[XG_LABEL_MAX];
} xg__venue_config;

/* Limits shared with other gateways through Redis (share.h,
 * docs/farm.md); is_on = 0 without a "shared_limits" section. */
typedef struct xg__share_config {
    int is_on;
    char host[XG_ENDPOINT_MAX];
    int64_t port;
    int64_t db;
    xg__secret password;        /* unset: no AUTH */
    int is_tls;                 /* rediss:// */
    char tls_ca_file[XG_PATH_MAX]; /* "": the system's CA store */
    char egress[XG_LABEL_MAX];  /* the IP the venues see, as a label */
    char gateway[XG_LABEL_MAX]; /* this gateway, in bans and events */
    char key_prefix[XG_LABEL_MAX];
    int64_t expected_gateways;
    int64_t fallback_share_pct; /* of each limit while Redis is not there */
    int64_t timeout_ms;         /* a reply later than this: fall back */
    int64_t lease_max;          /* requests one lease may cover */
} xg__share_config;

typedef struct xg__route {
    char symbol[XG_SYMBOL_MAX]; /* "BTC/USDT" or "*" */
    char venues[XG_MAX_ROUTE][XG_VENUE_NAME_MAX];
    size_t n_venues;
} xg__route;

typedef struct xg__config {
    char path[XG_PATH_MAX];
    char request_endpoint[XG_ENDPOINT_MAX];
    char event_endpoint[XG_ENDPOINT_MAX];
    char adapters_dir[XG_PATH_MAX]; /* "" = <executable dir>/../adapters */
    char data_dir[XG_PATH_MAX];
    char log_level[16];
    char journal[8]; /* "normal", "full" or "off" (docs/configuration.md) */
    size_t max_orders; /* order table capacity */
    int64_t journal_retention_s; /* final orders kept this long; 0 forever */
    int64_t busy_poll_us; /* spin this long after work before sleeping */
    int64_t max_unread_replies; /* per client, before its requests are
                                   answered BUSY (docs/protocol.md) */
    xg__venue_config venues[XG_MAX_VENUES];
    size_t n_venues;
    xg__route routes[XG_MAX_ROUTES];
    size_t n_routes;
    xg__share_config share;
} xg__config;

/* Load and check path into cfg (zeroed first). On failure err holds
 * "<path>: <field>: <reason>". Credentials are read here; the config must
 * be released with xg__config_fini, which wipes them. */
xg_err xg__config_load(xg__config *cfg, const char *path, char *err,
                       size_t err_len);

/* Same from a string (tests); name is used in messages. */
xg_err xg__config_parse(xg__config *cfg, const char *json, size_t len,
                        const char *name, char *err, size_t err_len);

void xg__config_fini(xg__config *cfg);

/* The route for symbol: its own entry, else "*", else NULL. */
const xg__route *xg__config_route(const xg__config *cfg, const char *symbol);

#endif
