/*
 * auth.c - how xgsim's Bybit dialect authenticates a signed request.
 *
 * A signed endpoint needs X-BAPI-API-KEY of a known account, a decimal
 * X-BAPI-TIMESTAMP, an optional X-BAPI-RECV-WINDOW (5000 when omitted)
 * and X-BAPI-SIGN, the hex HMAC-SHA256 (either case) of timestamp + key +
 * recv_window + X, X the raw query (GET) or the raw body (POST); the
 * timestamp must satisfy server - recv_window <= ts < server + 1000. Each
 * failure is answered with the venue's retCode (10003 key, 10002
 * timestamp, 10001 recv_window, 10004 sign) as the fact sheet's "Signing"
 * and "Error codes" describe. The signature check is shared with the
 * private stream's auth (stream.c). Uses the answers of common.c and
 * nothing else of the dialect.
 */
#include "bybit_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

static bool
bybit_sim_digits(const char *s, int64_t *out)
{
    int64_t v = 0;

    if (s == NULL || *s == '\0') {
        return false;
    }
    for (const char *p = s; *p != '\0'; p++) {
        if (*p < '0' || *p > '9' || v > (INT64_MAX - 9) / 10) {
            return false;
        }
        v = v * 10 + (*p - '0');
    }
    *out = v;
    return true;
}

bool
bybit_sim_signature_ok(const char *secret, const char *prehash, size_t len,
                       const char *given)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    unsigned char diff = 0;

    if (HMAC(EVP_sha256(), secret, (int)strlen(secret),
             (const unsigned char *)prehash, len, mac, &mac_len) == NULL ||
        strlen(given) != (size_t)mac_len * 2) {
        return false;
    }
    for (unsigned int i = 0; i < mac_len; i++) {
        char hi = given[2 * i];
        char lo = given[2 * i + 1];
        hi = (char)(hi >= 'A' && hi <= 'F' ? hi - 'A' + 'a' : hi);
        lo = (char)(lo >= 'A' && lo <= 'F' ? lo - 'A' + 'a' : lo);
        diff |= (unsigned char)(hi ^ hex[mac[i] >> 4]);
        diff |= (unsigned char)(lo ^ hex[mac[i] & 15]);
    }
    OPENSSL_cleanse(mac, sizeof(mac));
    return diff == 0;
}

bool
bybit_sim_authenticate(bybit_call *c)
{
    const xg_sim_request *req = c->req;
    const char *key = xg_sim_request_header(req, "X-BAPI-API-KEY");
    const char *sig = xg_sim_request_header(req, "X-BAPI-SIGN");
    const char *ts_text = xg_sim_request_header(req, "X-BAPI-TIMESTAMP");
    const char *rw_text = xg_sim_request_header(req, "X-BAPI-RECV-WINDOW");
    const char *payload = NULL;
    size_t payload_len = 0;
    int64_t ts = 0;
    int64_t rw = 5000; /* fact sheet: default if omitted */
    char *prehash = NULL;
    size_t len = 0;
    bool ok = false;
    char msg[200];

    const xg_sim_secret *cred =
        key != NULL ? xg_sim_book_key(&c->v->book, key, &c->account) : NULL;
    if (cred == NULL) {
        bybit_sim_error(c, 10003, "API key is invalid.", "rejected");
        return false;
    }
    if (ts_text == NULL || !bybit_sim_digits(ts_text, &ts)) {
        bybit_sim_error(c, 10002,
                        "invalid request, please check your timestamp and "
                        "recv_window param",
                        "rejected");
        return false;
    }
    if (rw_text != NULL && !bybit_sim_digits(rw_text, &rw)) {
        bybit_sim_error(c, 10001, "params error: recv_window", "rejected");
        return false;
    }
    if (sig == NULL || sig[0] == '\0') {
        bybit_sim_error(c, 10004, "error sign!", "rejected");
        return false;
    }
    if (strcmp(req->method, "GET") == 0) {
        payload = req->query;
        payload_len = req->query_len;
    } else {
        payload = req->body;
        payload_len = req->body_len;
    }
    len = strlen(ts_text) + strlen(key) + (rw_text ? strlen(rw_text) : 0) +
          payload_len;
    prehash = malloc(len + 1);
    if (prehash == NULL) {
        bybit_sim_error(c, 10016, "Internal server error.", "rejected");
        return false;
    }
    snprintf(prehash, len + 1, "%s%s%s", ts_text, key,
             rw_text != NULL ? rw_text : "");
    memcpy(prehash + strlen(prehash), payload, payload_len);
    ok = bybit_sim_signature_ok(cred->secret, prehash, len, sig);
    free(prehash);
    if (!ok) {
        bybit_sim_error(c, 10004,
                        "error sign! please check your signature generation "
                        "algorithm",
                        "rejected");
        return false;
    }
    if (!(c->now_ms - rw <= ts && ts < c->now_ms + 1000)) {
        snprintf(msg, sizeof(msg),
                 "invalid request, please check your server timestamp or "
                 "recv_window param. req_timestamp[%lld],server_timestamp"
                 "[%lld],recv_window[%lld]",
                 (long long)ts, (long long)c->now_ms, (long long)rw);
        bybit_sim_error(c, 10002, msg, "rejected");
        return false;
    }
    return true;
}
