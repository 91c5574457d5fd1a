/*
 * auth.c - how xgsim's KuCoin dialect authenticates a private request.
 *
 * A private endpoint needs KC-API-KEY of a known account, KC-API-PASSPHRASE
 * (key version 2/3: base64(HMAC-SHA256(secret, passphrase)); version 1:
 * the passphrase itself), KC-API-TIMESTAMP within timestamp_window_ms of
 * the server's clock and KC-API-SIGN = base64(HMAC-SHA256(secret,
 * timestamp + method + path + "?query" + body)) over the raw bytes
 * received. Each failure is answered with the venue's code (400001 missing
 * headers, 400003 key, 400004 passphrase, 400002 timestamp, 400005
 * signature) as the fact sheet's "Signing" and "Error codes" describe.
 * Uses the answers of common.c and nothing else of the dialect.
 */
#include "kucoin_sim.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

/* base64(HMAC-SHA256(secret, msg)) into out (45 bytes). */
static bool
kucoin_sim_hmac_b64(const char *secret, const unsigned char *msg, size_t len,
                    char out[64])
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    int n = 0;

    if (HMAC(EVP_sha256(), secret, (int)strlen(secret), msg, len, mac,
             &mac_len) == NULL) {
        return false;
    }
    n = EVP_EncodeBlock((unsigned char *)out, mac, (int)mac_len);
    OPENSSL_cleanse(mac, sizeof(mac));
    return n > 0 && n < 64;
}

/* Compare every byte so the time taken does not depend on where the first
 * difference is. */
static bool
kucoin_sim_same(const char *a, const char *b)
{
    size_t n = strlen(a);
    unsigned char diff = 0;

    if (n != strlen(b)) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        diff |= (unsigned char)(a[i] ^ b[i]);
    }
    return diff == 0;
}

static bool
kucoin_sim_signature_ok(const xg_sim_request *req, const char *secret,
                        const char *ts, const char *given)
{
    size_t n = strlen(ts) + strlen(req->method) + strlen(req->path) + 1 +
               req->query_len + req->body_len + 1;
    char *pre = malloc(n);
    char sig[64];
    size_t pos = 0;
    bool ok = false;

    if (pre == NULL) {
        return false;
    }
    memcpy(pre + pos, ts, strlen(ts));
    pos += strlen(ts);
    memcpy(pre + pos, req->method, strlen(req->method));
    pos += strlen(req->method);
    memcpy(pre + pos, req->path, strlen(req->path));
    pos += strlen(req->path);
    if (req->query_len > 0) {
        pre[pos++] = '?';
        memcpy(pre + pos, req->query, req->query_len);
        pos += req->query_len;
    }
    if (req->body_len > 0) {
        memcpy(pre + pos, req->body, req->body_len);
        pos += req->body_len;
    }
    ok = kucoin_sim_hmac_b64(secret, (const unsigned char *)pre, pos, sig) &&
         kucoin_sim_same(sig, given);
    free(pre);
    return ok;
}

/* 13 digits, epoch ms. */
static bool
kucoin_sim_parse_ts(const char *s, int64_t *out)
{
    int64_t v = 0;
    size_t n = strlen(s);

    if (n == 0 || n > 15) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool
kucoin_sim_authenticate(xg_sim_venue *v, const kucoin_settings *s,
                        const xg_sim_request *req, int64_t now_ms,
                        xg_sim_response *resp, size_t *account)
{
    const char *key = xg_sim_request_header(req, "KC-API-KEY");
    const char *sign = xg_sim_request_header(req, "KC-API-SIGN");
    const char *ts_text = xg_sim_request_header(req, "KC-API-TIMESTAMP");
    const char *pass = xg_sim_request_header(req, "KC-API-PASSPHRASE");
    const char *version = xg_sim_request_header(req, "KC-API-KEY-VERSION");
    const xg_sim_secret *cred = NULL;
    char want[64];
    int64_t ts = 0;

    if (key == NULL || sign == NULL || ts_text == NULL || pass == NULL) {
        kucoin_sim_error(resp, 401, 400001,
                         "Please check the header of your request for "
                         "KC-API-KEY, KC-API-SIGN, KC-API-TIMESTAMP, "
                         "KC-API-PASSPHRASE",
                         "rejected");
        return false;
    }
    /* Accounts are fixed once the server runs: no lock needed. */
    cred = xg_sim_book_key(&v->book, key, account);
    if (cred == NULL) {
        kucoin_sim_error(resp, 401, 400003, "KC-API-KEY not exists",
                         "rejected");
        return false;
    }
    if (version != NULL && strcmp(version, "1") == 0) {
        if (!kucoin_sim_same(pass, cred->passphrase)) {
            kucoin_sim_error(resp, 401, 400004, "Invalid KC-API-PASSPHRASE",
                             "rejected");
            return false;
        }
    } else if (!kucoin_sim_hmac_b64(cred->secret,
                                    (const unsigned char *)cred->passphrase,
                                    strlen(cred->passphrase), want) ||
               !kucoin_sim_same(pass, want)) {
        kucoin_sim_error(resp, 401, 400004, "Invalid KC-API-PASSPHRASE",
                         "rejected");
        return false;
    }
    if (!kucoin_sim_parse_ts(ts_text, &ts) ||
        ts < now_ms - s->timestamp_window_ms ||
        ts > now_ms + s->timestamp_window_ms) {
        kucoin_sim_error(resp, 400, 400002,
                         "KC-API-TIMESTAMP Invalid -- Time differs from "
                         "server time by more than 5 seconds",
                         "rejected");
        return false;
    }
    if (!kucoin_sim_signature_ok(req, cred->secret, ts_text, sign)) {
        kucoin_sim_error(resp, 401, 400005, "Signature verification failed",
                         "rejected");
        return false;
    }
    return true;
}
