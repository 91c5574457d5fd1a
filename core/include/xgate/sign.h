/*
 * xgate/sign.h - HMAC-SHA256 with a reusable keyed state, hex and base64.
 *
 * Every supported venue signs with HMAC-SHA256. Keying costs as much as
 * the MAC itself, so an xg_hmac holds the inner and outer hash states of
 * one key and each signature starts from copies of them. The states are
 * key material: they are wiped when the object is destroyed.
 */
#ifndef XGATE_SIGN_H
#define XGATE_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "xgate/error.h"

#define XG_SHA256_LEN     32
#define XG_HEX_SHA256_LEN 64 /* without NUL */
#define XG_B64_SHA256_LEN 44 /* without NUL */

typedef struct xg_hmac xg_hmac;

/* Key a new HMAC-SHA256 state with key (borrowed, not kept). Given: free
 * with xg_hmac_destroy. NULL on failure. */
xg_hmac *xg_hmac_new(const void *key, size_t key_len);
void xg_hmac_destroy(xg_hmac **h);

/* mac = HMAC-SHA256(key, msg). Thread-compatible: one caller at a time. */
xg_err xg_hmac_sign(xg_hmac *h, const void *msg, size_t msg_len,
                    uint8_t mac[XG_SHA256_LEN]);

/* HMAC-SHA256(key, msg) as the text venues send: lower-case hex (out_cap
 * > XG_HEX_SHA256_LEN) or base64 (out_cap > XG_B64_SHA256_LEN). The raw
 * MAC is wiped before returning. */
xg_err xg_hmac_sign_hex(xg_hmac *h, const void *msg, size_t msg_len, char *out,
                        size_t out_cap);
xg_err xg_hmac_sign_base64(xg_hmac *h, const void *msg, size_t msg_len,
                           char *out, size_t out_cap);

/* Lower-case hex of n bytes into out (2n + 1 bytes with NUL). */
xg_err xg_hex_encode(const uint8_t *in, size_t n, char *out, size_t out_cap);

/* Standard base64 with padding into out (4 * ceil(n / 3) + 1 bytes). */
xg_err xg_base64_encode(const uint8_t *in, size_t n, char *out, size_t out_cap);

/* Wipe n bytes in a way the compiler may not elide. */
void xg_wipe(void *p, size_t n);

#endif
