/*
 * xgate/adapter_util.h - small text and number helpers every venue adapter
 * needs when it reads answers and its configuration.
 *
 * Adapters are separate plug-ins and reach shared code only through
 * xgate_prim; these helpers are the parts of response parsing and option
 * checking every adapter repeats: venue text, numbers, members of answers
 * read with xgate/json.h, options, and the error table. Nothing here
 * allocates or keeps state. adapter.h does not include this header, so it
 * is no part of the plug-in ABI.
 */
#ifndef XGATE_ADAPTER_UTIL_H
#define XGATE_ADAPTER_UTIL_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "xgate/adapter.h"
#include "xgate/buf.h"
#include "xgate/decimal.h"
#include "xgate/error.h"
#include "xgate/json.h"
#include "xgate/sign.h"

/* --- venue text -------------------------------------------------------- */

/* Copy at most cap - 1 bytes of src[0..len) into dst (cap >= 1) and
 * NUL-terminate, replacing every byte outside printable ASCII (0x20-0x7e)
 * with '?', so venue text can go into logs, events and results. */
void xg_copy_printable(char *dst, size_t cap, const char *src, size_t len);

/* c with ASCII 'A'-'Z' mapped to 'a'-'z'; every other value unchanged
 * (no locale, so venue text is compared the same everywhere). */
int xg_ascii_lower(int c);

/* 1 if the NUL-terminated hay contains needle, comparing ASCII letters
 * case-insensitively; an empty needle is in every non-empty hay. */
int xg_contains_nocase(const char *hay, const char *needle);

/* Copy the text s[0..len) into dst with a NUL. XG_ERR_BAD_FIELD if it
 * holds a NUL byte, XG_ERR_NOT_FOUND if it is empty, XG_ERR_TRUNCATED if
 * len >= cap; dst is written only on XG_OK. */
xg_err xg_text_copy(const char *s, size_t len, char *dst, size_t cap);

/* --- numbers in venue answers ------------------------------------------ */

/* xg_decimal_parse after dropping trailing fraction zeros (and then a
 * bare trailing '.'), so venue padding such as "0.01000000" gives {1, 2}
 * and long paddings stay within XG_DECIMAL_MAX_SCALE. Errors are
 * xg_decimal_parse's. */
xg_err xg_decimal_parse_padded(const char *s, size_t len, xg_decimal *out);

/* A non-negative amount: xg_decimal_parse_padded, then XG_ERR_BAD_FIELD
 * if the value is negative (out is written in that case too). */
xg_err xg_amount_parse(const char *s, size_t len, xg_decimal *out);

/* A non-negative decimal integer that is exactly s[0..len): digits only.
 * XG_ERR_INVALID if empty or any other byte, XG_ERR_OVERFLOW if it does
 * not fit int64_t; out is written only on XG_OK. */
xg_err xg_digits_i64(const char *s, size_t len, int64_t *out);

/* Like xg_digits_i64 but spaces and tabs around the digits are allowed,
 * as HTTP header values may carry them. */
xg_err xg_header_i64(const char *s, size_t len, int64_t *out);

/* --- members of venue answers (xgate/json.h) ---------------------------
 *
 * Each reads member `key` of object token obj. A member that is absent,
 * appears twice (a reader must not pick one of two answers) or has the
 * wrong type is XG_ERR_BAD_FIELD. */

/* A non-empty string into dst (cap bytes with its NUL); XG_ERR_TRUNCATED
 * if it does not fit. */
xg_err xg_field_text(const xg_json *j, size_t obj, const char *key, char *dst,
                     size_t cap);

/* A name to compare with known names (a status, a type) into dst; one too
 * long for dst comes back empty, so it matches no name. */
xg_err xg_field_name(const xg_json *j, size_t obj, const char *key, char *dst,
                     size_t cap);

/* Whether key is present (even twice: then the reads refuse it). */
int xg_field_has(const xg_json *j, size_t obj, const char *key);

/* A decimal carried as a string ("0.01000000"), padding dropped
 * (xg_decimal_parse_padded); its errors as BAD_FIELD or the parser's. */
xg_err xg_field_decimal(const xg_json *j, size_t obj, const char *key,
                        xg_decimal *out);

/* xg_field_decimal, and a negative value is XG_ERR_BAD_FIELD. */
xg_err xg_field_amount(const xg_json *j, size_t obj, const char *key,
                       xg_decimal *out);

/* xg_field_amount for a limit a venue may leave out: absent, null or ""
 * reads as zero ("no such rule"). Repeated is still XG_ERR_BAD_FIELD. */
xg_err xg_field_amount_or_zero(const xg_json *j, size_t obj, const char *key,
                               xg_decimal *out);

/* An integer number (not a string of digits). */
xg_err xg_field_i64(const xg_json *j, size_t obj, const char *key,
                    int64_t *out);

/* An integer a venue may leave out, carried as a string of digits (Bybit's
 * execTime, OKX's fillTime): absent or "" reads as 0, "not said".
 * Another type or anything but digits: XG_ERR_BAD_FIELD. */
xg_err xg_field_digits_or_zero(const xg_json *j, size_t obj, const char *key,
                               int64_t *out);

/* An order's fee from members fee_key (a decimal string) and currency_key
 * (its currency's name) into exec->fee and exec->fee_currency, as a
 * charge: sign -1 for a venue that reports charges as negative (OKX), 1
 * otherwise. Either member absent, the currency "" or too long to carry:
 * left unsaid. Members of the wrong type: XG_ERR_BAD_FIELD. */
xg_err xg_field_fee(const xg_json *j, size_t obj, const char *fee_key,
                    const char *currency_key, int sign, xg_execution *exec);

/* --- requests ---------------------------------------------------------- */

/* 1 if s is 1..cap-1 bytes of [A-Za-z0-9_-]: a client order id or symbol
 * every venue takes, and text that needs no percent-encoding in a path or
 * query, so the bytes signed are the bytes sent. */
int xg_is_plain_id(const char *s, size_t cap);

/* req as an unsigned GET of target (path and query): no body, no
 * credentials. XG_ERR_TRUNCATED if target does not fit. */
xg_err xg_request_public_get(xg_http_request *req, const char *target);

/* The limiter class of an operation as every venue ranks it: cancels
 * first, then new orders and amends, then reads. */
xg_priority xg_op_priority(xg_op_kind kind);

/* --- instruments --------------------------------------------------------- */

/* The unified symbol "BASE/QUOTE" of a venue's base and quote asset into
 * out (XG_SYMBOL_MAX bytes); XG_ERR_BAD_SYMBOL if it does not fit or is
 * no valid symbol (xg_symbol_validate). */
xg_err xg_symbol_join(const char *base, const char *quote, char *out);

/* --- configuration ----------------------------------------------------- */

/* A venue option's value: a plain non-negative decimal integer within
 * [min, max] (0 <= min <= max), no sign, space or exponent, so "5e3" or
 * " 5000" in a config file is an error rather than a surprise.
 * XG_ERR_INVALID if s is NULL, empty or not all digits, XG_ERR_OVERFLOW if
 * outside the range; out is written only on XG_OK. */
xg_err xg_option_i64(const char *s, int64_t min, int64_t max, int64_t *out);

/* One integer option of a venue's config section: the int64_t field of
 * the instance it sets (offsetof) and its range. */
typedef struct xg_option_spec {
    const char *key;
    size_t offset;
    int64_t min, max;
} xg_option_spec;

/* A venue's handler for the options its table does not hold (a boolean,
 * say): XG_OK when it took kv, XG_ERR_CONFIG with err written when kv's
 * value is wrong, XG_ERR_NOT_FOUND when it does not know the key. */
typedef xg_err (*xg_option_fn)(void *inst, const xg_kv *kv, char *err,
                               size_t err_len);

/* Apply cfg's options to inst: each must name a spec (then hold an integer
 * in its range, xg_option_i64) or be taken by other (NULL: none).
 * XG_ERR_CONFIG with one line in err otherwise: "<venue>: unknown option
 * <key>", "<venue>: option <key> must be an integer <min>..<max>". */
xg_err xg_adapter_options(const xg_adapter_config *cfg, const char *venue,
                          const xg_option_spec *specs, size_t n, void *inst,
                          xg_option_fn other, char *err, size_t err_len);

/* The venue option "stream_url": where the private stream connects
 * instead of the venue's own (a simulator: "ws://127.0.0.1:9000/ws").
 * XG_OK with kv->value copied into url (cap bytes, at most
 * XG_STREAM_URL_MAX) when kv names it; XG_ERR_CONFIG with one line in err
 * when its value is not a ws:// or wss:// URL of printable ASCII without
 * spaces that fits; XG_ERR_NOT_FOUND for another key. For an adapter's
 * xg_option_fn. */
xg_err xg_stream_url_option(const xg_kv *kv, const char *venue, char *url,
                            size_t cap, char *err, size_t err_len);

/* The end of a stream message builder (xg_adapter.stream_login and the
 * rest): *len the buffer's length, or 0 and XG_ERR_TRUNCATED when the
 * message did not fit. */
xg_err xg_stream_message_done(const xg_buf *b, size_t *len);

/* A stream message that is always the same text (a subscription, a
 * ping): into out (cap bytes), its length in *len. XG_ERR_INVALID for a
 * NULL or empty out, XG_ERR_TRUNCATED when it does not fit. */
xg_err xg_stream_message_fixed(const char *text, char *out, size_t cap,
                               size_t *len);

/* The checks every create makes before it allocates: an api_key of 1 to
 * key_max - 1 characters that can go into a header, a secret, and a
 * passphrase when the venue signs with one. XG_ERR_SECRET with one line
 * in err ("<venue>: secret missing"); the values are never quoted. */
xg_err xg_adapter_check_credentials(const xg_adapter_config *cfg,
                                    const char *venue, size_t key_max,
                                    int needs_passphrase, char *err,
                                    size_t err_len);

/* The credentials every venue signs with: cfg->api_key copied into key
 * (cap bytes), cfg->secret keyed into a reusable HMAC-SHA256 state
 * (*hmac, for xg_hmac_destroy). On failure err says which step failed for
 * venue, never a credential: XG_ERR_SECRET when the key is too long,
 * XG_ERR_NOMEM when HMAC cannot be keyed. */
xg_err xg_adapter_keys(const xg_adapter_config *cfg, const char *venue,
                       char *key, size_t cap, xg_hmac **hmac, char *err,
                       size_t err_len);

/* Write "<venue>: <before><key><after>" into err (key cut at 40 bytes;
 * NULL key or after read as ""); nothing if err is NULL or err_len is 0.
 * Only option names and fixed text may be passed, never a credential. */
void xg_adapter_err(char *err, size_t err_len, const char *venue,
                    const char *before, const char *key, const char *after);

/* 1 if s is 1..cap-1 bytes of printable ASCII that can go into an HTTP
 * header without splitting it; a space is allowed only if allow_space. */
int xg_is_header_safe(const char *s, size_t cap, int allow_space);

/* pct percent of limit, rounded down, without overflowing for any limit
 * and pct in [0, 100]. */
int64_t xg_share_pct(int64_t limit, int64_t pct);

/* v in decimal into dst[cap] with a NUL; XG_ERR_TRUNCATED if too small. */
xg_err xg_i64_text(int64_t v, char *dst, size_t cap);

/* --- results ----------------------------------------------------------- */

/* The single operation order i of batch op stands for: its NEW_ORDER,
 * CANCEL_ORDER or AMEND_ORDER, whose result results[i] is to be read as. */
xg_op xg_batch_item_op(const xg_op *op, size_t i);

/* 1 for the operations that may change an order (new, cancel, amend, the
 * batches, a mass cancel). */
int xg_op_is_mutating(xg_op_kind kind);

/* Record a body that does not say what it should: outcome UNKNOWN where
 * the order may have changed (xg_op_is_mutating), REJECTED otherwise (the
 * read-only operations can simply be asked again), err
 * XG_ERR_BAD_RESPONSE and why, made printable, as venue_msg. */
void xg_result_bad_body(xg_op_kind kind, const char *why, xg_result *res);

/* The answer to XG_OP_ACCOUNT_ID from member key of object obj: a
 * positive integer or a non-empty string of [A-Za-z0-9_-] (every venue's
 * user id is one or the other) into res->account, outcome OK. Anything
 * else is a bad body (xg_result_bad_body, naming key). */
void xg_result_account(const xg_json *j, size_t obj, const char *key,
                       xg_result *res);

/* Whether the order report just read into res->order is one the core may
 * use: parsed is the read's result. If it failed, or the report names
 * another client order id than op asked about (an answer about another
 * order cannot say anything about ours), res->order is cleared, the body
 * is recorded as bad (xg_result_bad_body, with `what` or "response names
 * another client order id") and 0 is returned. */
int xg_result_order_usable(const xg_op *op, xg_err parsed, const char *what,
                           xg_result *res);

/* --- error tables -------------------------------------------------------- */

/* The bit for an operation in an error-table row's `ops` set, and the sets
 * every venue's table uses: any operation, the ones that may change an
 * order, the ones that only read. */
#define XG_OP_BIT(kind) (1u << (unsigned)(kind))
#define XG_OPS_ALL      0u
#define XG_OPS_MUTATING                                                        \
    (XG_OP_BIT(XG_OP_NEW_ORDER) | XG_OP_BIT(XG_OP_CANCEL_ORDER) |              \
     XG_OP_BIT(XG_OP_AMEND_ORDER) | XG_OP_BIT(XG_OP_BATCH_NEW) |               \
     XG_OP_BIT(XG_OP_BATCH_CANCEL) | XG_OP_BIT(XG_OP_CANCEL_SYMBOL) |          \
     XG_OP_BIT(XG_OP_BATCH_AMEND))
#define XG_OPS_READ                                                            \
    (XG_OP_BIT(XG_OP_SERVER_TIME) | XG_OP_BIT(XG_OP_INSTRUMENTS) |             \
     XG_OP_BIT(XG_OP_QUERY_ORDER) | XG_OP_BIT(XG_OP_OPEN_ORDERS) |             \
     XG_OP_BIT(XG_OP_BALANCES) | XG_OP_BIT(XG_OP_ORDER_FILLS) |                \
     XG_OP_BIT(XG_OP_ACCOUNT_ID))

/* What one row of a venue's error table asks of an answer. A zero or NULL
 * field matches anything: http_min..http_max the HTTP status, code the
 * venue's error code (a row with a code never matches an answer without
 * one), msg_has a piece of the message (ASCII case-insensitive), ops a set
 * of XG_OP_BIT(kind). */
typedef struct xg_err_match {
    int http_min, http_max;
    int64_t code;
    const char *msg_has;
    unsigned ops;
} xg_err_match;

/* 1 if the answer (operation kind, HTTP status, venue code if has_code,
 * message msg, may be NULL when m->msg_has is NULL) fits m. */
int xg_err_match_fits(const xg_err_match *m, xg_op_kind kind, int status,
                      int has_code, int64_t code, const char *msg);

/*
 * One row of a venue's error table: an answer pattern and what it means.
 * A venue keeps one table, first match wins, so its whole error policy
 * reads in one place (the fact sheet's codes, row by row).
 */
typedef struct xg_err_rule {
    xg_err_match when;
    xg_outcome outcome;
    xg_err err;
    /* RATE_LIMITED or BANNED: the wait when the answer itself gives none
     * (the venue's follow-up may replace it from headers or the body). */
    int64_t retry_after_ms;
    int hint;          /* the venue's own: where else to look for the wait */
    const char *label; /* put before venue_msg ("WAF: ..."); NULL: none */
} xg_err_rule;

/* A row without hint or label: the answer's pattern, then what it means
 * and the default wait. */
#define XG_ERR_RULE(lo, hi, c, msg, ops, outcome, err, wait)                   \
    {                                                                          \
        {(lo), (hi), (c), (msg), (ops)}, (outcome), (err), (wait), 0, NULL     \
    }

/* A rate-limit row whose wait the venue reads after the lookup, where
 * its own `hint` says (a reset header, its window). */
#define XG_ERR_RULE_LIMITED_BY(lo, hi, c, hint)                                \
    {                                                                          \
        {(lo), (hi), (c), NULL, XG_OPS_ALL}, XG_OUTCOME_RATE_LIMITED,          \
            XG_ERR_RATE_LIMITED, 0, (hint), NULL                               \
    }

/* A row for a venue code that refuses the request with unified reason e. */
#define XG_ERR_RULE_REJECT(c, e)                                               \
    {                                                                          \
        {0, 0, (c), NULL, XG_OPS_ALL}, XG_OUTCOME_REJECTED, (e), 0, 0, NULL    \
    }

/* The two rows for an answer that leaves the request's fate open: a new
 * order or cancel may have executed (UNKNOWN with err_mutating, the core
 * queries it), a read changed nothing and fails with err_read (it can
 * simply be asked again). */
#define XG_ERR_RULES_UNSURE(lo, hi, c, err_mutating, err_read)                 \
    {{(lo), (hi), (c), NULL, XG_OPS_MUTATING},                                 \
     XG_OUTCOME_UNKNOWN,                                                       \
     (err_mutating),                                                           \
     0,                                                                        \
     0,                                                                        \
     NULL},                                                                    \
    {                                                                          \
        {(lo), (hi), (c), NULL, XG_OPS_READ}, XG_OUTCOME_REJECTED, (err_read), \
            0, 0, NULL                                                         \
    }

/* The venue's "execution status unknown" answers (5xx, timeout codes):
 * UNKNOWN for a new order or cancel, VENUE_DOWN for a read. */
#define XG_ERR_RULES_STATUS_UNKNOWN(lo, hi, c)                                 \
    XG_ERR_RULES_UNSURE((lo), (hi), (c), XG_ERR_UNKNOWN_STATUS,                \
                        XG_ERR_VENUE_DOWN)

/* The rows for HTTP statuses that are neither 2xx, 4xx nor 5xx: the
 * answer is not one the venue documents, handled like an unreadable
 * body (xg_result_bad_body). */
#define XG_ERR_RULES_ODD_STATUS                                                \
    XG_ERR_RULES_UNSURE(INT_MIN, 199, 0, XG_ERR_BAD_RESPONSE,                  \
                        XG_ERR_BAD_RESPONSE),                                  \
        XG_ERR_RULES_UNSURE(300, 399, 0, XG_ERR_BAD_RESPONSE,                  \
                            XG_ERR_BAD_RESPONSE),                              \
        XG_ERR_RULES_UNSURE(600, INT_MAX, 0, XG_ERR_BAD_RESPONSE,              \
                            XG_ERR_BAD_RESPONSE)

/*
 * Classify an answer by rules[0..n): the first rule it fits (else: REJECTED
 * with XG_ERR_REJECTED) sets res's outcome, err and retry_after_ms; the
 * venue code, when has_code, goes into venue_code in decimal ("" without),
 * and msg (NULL: ""), made printable and after the rule's label, into
 * venue_msg. Returns the rule that fitted, NULL for the default, for the
 * venue's own follow-up (waits from headers, ban ends from the body).
 */
const xg_err_rule *xg_err_rules_apply(const xg_err_rule *rules, size_t n,
                                      xg_op_kind kind, int status, int has_code,
                                      int64_t code, const char *msg,
                                      xg_result *res);

#endif /* XGATE_ADAPTER_UTIL_H */
