/*
 * xgate/error.h - the one error enum of xgate.
 *
 * Every fallible function in xgate returns an xg_err. The same numbers reach
 * strategies in reject events (docs/protocol.md), so a code is never
 * renumbered or reused: new codes are appended at the end of the list.
 */
#ifndef XGATE_ERROR_H
#define XGATE_ERROR_H

/*
 * X(name, number, message). Numbers are part of the wire protocol.
 * Groups: 1-19 generic, 20-39 order validation, 40-59 venue outcomes,
 * 60-79 configuration and plug-ins, 80-99 protocol.
 */
#define XG_ERR_LIST(X)                                                         \
    X(OK, 0, "success")                                                        \
    X(NOMEM, 1, "out of memory")                                               \
    X(INVALID, 2, "invalid argument")                                          \
    X(OVERFLOW, 3, "value out of range")                                       \
    X(TRUNCATED, 4, "output buffer too small")                                 \
    X(IO, 5, "input/output error")                                             \
    X(INTERNAL, 6, "internal error")                                           \
    X(NOT_FOUND, 7, "not found")                                               \
    X(EXISTS, 8, "already exists")                                             \
    X(BUSY, 9, "resource busy, try later")                                     \
    X(BAD_DECIMAL, 20, "malformed decimal number")                             \
    X(BAD_SYMBOL, 21, "malformed symbol, expected BASE/QUOTE")                 \
    X(BAD_SIDE, 22, "unknown side")                                            \
    X(BAD_TYPE, 23, "unknown order type")                                      \
    X(BAD_TIF, 24, "unknown time in force")                                    \
    X(BAD_QTY, 25, "quantity must be positive")                                \
    X(BAD_PRICE, 26, "price must be positive for a limit order")               \
    X(PRECISION, 27, "too many decimal places for the instrument")             \
    X(FILTER, 28, "order outside the instrument's filters")                    \
    X(UNKNOWN_SYMBOL, 29, "symbol not listed on the venue")                    \
    X(UNKNOWN_VENUE, 30, "venue not configured")                               \
    X(DUPLICATE_ID, 31, "client order id already in use")                      \
    X(UNKNOWN_ORDER, 32, "order not known")                                    \
    X(BAD_CLIENT_ID, 33, "client order id must be 1-32 letters or digits")     \
    X(REJECTED, 40, "rejected by the venue")                                   \
    X(RATE_LIMITED, 41, "rate limited by the venue")                           \
    X(BANNED, 42, "venue has banned this IP")                                  \
    X(UNKNOWN_STATUS, 43, "order status unknown, reconciling")                 \
    X(INSUFFICIENT_FUNDS, 44, "insufficient balance")                          \
    X(AUTH, 45, "venue refused the credentials or signature")                  \
    X(TIMESTAMP, 46, "request timestamp outside the venue's window")           \
    X(VENUE_DOWN, 47, "venue unreachable")                                     \
    X(ORDER_NOT_FOUND, 48, "venue does not know the order")                    \
    X(BAD_RESPONSE, 49, "venue response could not be parsed")                  \
    X(NO_VENUE, 50, "no venue can take the order")                             \
    X(DEADLINE, 51, "order deadline passed before it could be sent")           \
    X(MARKET_CLOSED, 52, "market closed or symbol not trading")                \
    X(UNSUPPORTED, 53, "the venue does not offer that operation")              \
    X(CONFIG, 60, "invalid configuration")                                     \
    X(PLUGIN, 61, "adapter plug-in refused")                                   \
    X(ABI, 62, "adapter ABI version mismatch")                                 \
    X(SECRET, 63, "credentials missing or unsafe")                             \
    X(BAD_JSON, 80, "message is not valid JSON")                               \
    X(BAD_FIELD, 81, "missing or wrong-typed field")                           \
    X(TOO_LARGE, 82, "message too large")                                      \
    X(BAD_REQUEST, 83, "unknown request type")

typedef enum xg_err {
#define XG__ERR_ENUM(name, num, msg) XG_ERR_##name = num,
    XG_ERR_LIST(XG__ERR_ENUM)
#undef XG__ERR_ENUM
} xg_err;

/* XG_OK is the spelling used in code; XG_ERR_OK exists for the list. */
#define XG_OK XG_ERR_OK

/* A static English message for err; never NULL ("unknown error" if err is
 * not in the list). */
const char *xg_strerror(xg_err err);

/* The constant's name without prefix ("RATE_LIMITED"); "UNKNOWN" if err is
 * not in the list. Used in events so strategies can switch on names. */
const char *xg_err_name(xg_err err);

#endif
