/*
 * auth.c - how xgsim's OKX dialect authenticates a private request.
 *
 * A private endpoint needs OK-ACCESS-KEY of a known account,
 * OK-ACCESS-PASSPHRASE (plain), OK-ACCESS-TIMESTAMP (ISO-8601 UTC with
 * milliseconds, within skew_ms of the server's clock) and OK-ACCESS-SIGN
 * = base64(HMAC-SHA256(secret, timestamp + METHOD + path ["?" query] +
 * body)), over the bytes exactly as received. Each failure is answered
 * with HTTP 401 and the venue's code (50103, 50104, 50106 and 50107 for
 * an empty header, 50111 key, 50112 timestamp format, 50105 passphrase,
 * 50113 signature, 50102 expired) as the fact sheet's "Signing" and
 * "Error codes" describe. Uses the error envelope of common.c and nothing
 * else of the dialect.
 */
#include "okx_sim.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

static bool
okx_sim_digits(const char *s, int n, int64_t *out)
{
    int64_t v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* "2023-11-14T22:13:20.000Z" -> epoch ms (days_from_civil, own code). */
static bool
okx_sim_parse_iso(const char *s, int64_t *ms)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
    int64_t y = 0, m = 0, d = 0, hh = 0, mm = 0, ss = 0, mmm = 0;

    if (strlen(s) != 24 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
        s[13] != ':' || s[16] != ':' || s[19] != '.' || s[23] != 'Z' ||
        !okx_sim_digits(s, 4, &y) || !okx_sim_digits(s + 5, 2, &m) ||
        !okx_sim_digits(s + 8, 2, &d) || !okx_sim_digits(s + 11, 2, &hh) ||
        !okx_sim_digits(s + 14, 2, &mm) || !okx_sim_digits(s + 17, 2, &ss) ||
        !okx_sim_digits(s + 20, 3, &mmm)) {
        return false;
    }
    if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || hh > 23 ||
        mm > 59 || ss > 59) {
        return false;
    }
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m == 2 && d == 29 && !leap) {
        return false;
    }
    int64_t yy = m <= 2 ? y - 1 : y;
    int64_t era = yy / 400;
    int64_t yoe = yy - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = era * 146097 + doe - 719468;
    *ms = ((days * 24 + hh) * 60 + mm) * 60000 + ss * 1000 + mmm;
    return true;
}

/* Constant-time comparison of two NUL-terminated strings' bytes. */
static bool
okx_sim_same(const char *a, const char *b)
{
    size_t na = strlen(a);
    size_t nb = strlen(b);
    unsigned char diff = (unsigned char)(na != nb);
    size_t n = na < nb ? na : nb;
    for (size_t i = 0; i < n; i++) {
        diff |= (unsigned char)(a[i] ^ b[i]);
    }
    return diff == 0;
}

static bool
okx_sim_signature_ok(const xg_sim_request *req, const char *secret,
                     const char *ts, const char *given)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
    size_t tlen = strlen(ts);
    size_t mlen = strlen(req->method);
    size_t plen = strlen(req->path);
    size_t n = tlen + mlen + plen + 1 + req->query_len + req->body_len;
    char *pre = malloc(n + 1);
    size_t pos = 0;
    bool ok = false;

    if (pre == NULL) {
        return false;
    }
    memcpy(pre + pos, ts, tlen);
    pos += tlen;
    memcpy(pre + pos, req->method, mlen);
    pos += mlen;
    memcpy(pre + pos, req->path, plen);
    pos += plen;
    if (req->query_len > 0) {
        pre[pos++] = '?';
        memcpy(pre + pos, req->query, req->query_len);
        pos += req->query_len;
    }
    if (req->body_len > 0) {
        memcpy(pre + pos, req->body, req->body_len);
        pos += req->body_len;
    }
    if (HMAC(EVP_sha256(), secret, (int)strlen(secret),
             (const unsigned char *)pre, pos, mac, &mac_len) != NULL) {
        EVP_EncodeBlock(b64, mac, (int)mac_len);
        ok = okx_sim_same((const char *)b64, given);
    }
    OPENSSL_cleanse(mac, sizeof(mac));
    free(pre);
    return ok;
}

bool
okx_sim_authenticate(xg_sim_venue *v, const okx_settings *s,
                     const xg_sim_request *req, int64_t now_ms,
                     xg_sim_response *resp, size_t *account)
{
    const char *key = xg_sim_request_header(req, "OK-ACCESS-KEY");
    const char *pass = xg_sim_request_header(req, "OK-ACCESS-PASSPHRASE");
    const char *sig = xg_sim_request_header(req, "OK-ACCESS-SIGN");
    const char *ts = xg_sim_request_header(req, "OK-ACCESS-TIMESTAMP");
    int64_t ts_ms = 0;

    if (key == NULL || key[0] == '\0') {
        okx_sim_error(resp, 401, "50103",
                      "Request header OK-ACCESS-KEY cannot be empty.",
                      "rejected");
        return false;
    }
    if (pass == NULL || pass[0] == '\0') {
        okx_sim_error(resp, 401, "50104",
                      "Request header OK-ACCESS-PASSPHRASE cannot be empty.",
                      "rejected");
        return false;
    }
    if (sig == NULL || sig[0] == '\0') {
        okx_sim_error(resp, 401, "50106",
                      "Request header OK-ACCESS-SIGN cannot be empty.",
                      "rejected");
        return false;
    }
    if (ts == NULL || ts[0] == '\0') {
        okx_sim_error(resp, 401, "50107",
                      "Request header OK-ACCESS-TIMESTAMP cannot be empty.",
                      "rejected");
        return false;
    }
    /* Accounts are fixed once the server runs: no lock needed. */
    const xg_sim_secret *cred = xg_sim_book_key(&v->book, key, account);
    if (cred == NULL) {
        okx_sim_error(resp, 401, "50111", "Invalid OK-ACCESS-KEY.", "rejected");
        return false;
    }
    if (!okx_sim_parse_iso(ts, &ts_ms)) {
        okx_sim_error(resp, 401, "50112", "Invalid OK-ACCESS-TIMESTAMP.",
                      "rejected");
        return false;
    }
    if (!okx_sim_same(cred->passphrase, pass)) {
        okx_sim_error(resp, 401, "50105",
                      "Request header OK-ACCESS-PASSPHRASE incorrect.",
                      "rejected");
        return false;
    }
    if (!okx_sim_signature_ok(req, cred->secret, ts, sig)) {
        okx_sim_error(resp, 401, "50113", "Invalid Sign.", "rejected");
        return false;
    }
    if (ts_ms > now_ms + s->skew_ms || ts_ms < now_ms - s->skew_ms) {
        okx_sim_error(resp, 401, "50102", "Timestamp request expired.",
                      "rejected");
        return false;
    }
    return true;
}
