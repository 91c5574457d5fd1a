/*
 * auth.c - how xgsim's Binance dialect authenticates a signed request.
 *
 * A signed endpoint needs the X-MBX-APIKEY header of a known account, a
 * signature that is the hex HMAC-SHA256 of the query string and body as
 * sent without the signature parameter (either case accepted), and a
 * timestamp (ms, or microseconds when 16 digits) no more than 1000 ms ahead of
 * the server and no older than recvWindow (default 5000, at most
 * recv_window_max_ms; three decimals allowed). Each failure is answered
 * with the venue's code (-2014, -2015, -1102, -1022, -1100, -1131, -1021)
 * as the fact sheet's "Signing" and "Error codes" describe. Uses the error
 * answers of common.c and nothing else of the dialect.
 */
#include "binance_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

/* Append the '&'-separated pieces of s[0..len) except signature=... to
 * out; returns the new length. out has room for len bytes more. */
static size_t
binance_sim_strip_signature(const char *s, size_t len, char *out, size_t pos)
{
    size_t start = 0;
    bool first = true;

    while (start <= len && len > 0) {
        const char *amp = memchr(s + start, '&', len - start);
        size_t end = amp != NULL ? (size_t)(amp - s) : len;
        size_t n = end - start;
        bool is_sig = (n >= 10 && memcmp(s + start, "signature=", 10) == 0) ||
                      (n == 9 && memcmp(s + start, "signature", 9) == 0);
        if (!is_sig) {
            if (!first) {
                out[pos++] = '&';
            }
            memcpy(out + pos, s + start, n);
            pos += n;
            first = false;
        }
        if (amp == NULL) {
            break;
        }
        start = end + 1;
    }
    return pos;
}

bool
binance_sim_hex_hmac_ok(const char *secret, const char *payload, size_t len,
                        const char *given)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    unsigned char diff = 0;

    if (HMAC(EVP_sha256(), secret, (int)strlen(secret),
             (const unsigned char *)payload, len, mac, &mac_len) == NULL ||
        strlen(given) != (size_t)mac_len * 2) {
        return false;
    }
    /* The venue accepts the hex in either case; compare every byte so the
     * time taken does not depend on where the first difference is. */
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

/* The signature of a REST request: over the query string and body as
 * sent, without the signature parameter. */
static bool
binance_sim_signature_ok(const xg_sim_request *req, const char *secret,
                         const char *given)
{
    char *payload = malloc(req->query_len + req->body_len + 1);
    size_t n = 0;
    bool ok = false;

    if (payload == NULL) {
        return false;
    }
    n = binance_sim_strip_signature(req->query, req->query_len, payload, 0);
    n = binance_sim_strip_signature(req->body, req->body_len, payload, n);
    ok = binance_sim_hex_hmac_ok(secret, payload, n, given);
    free(payload);
    return ok;
}

/* Digits with an optional fraction of up to 3 digits ("5000",
 * "6000.346"), in microseconds-of-ms units (value * 1000). */
static bool
binance_sim_parse_ms_frac(const char *s, int64_t *out_us)
{
    int64_t whole = 0;
    int64_t frac = 0;
    int nfrac = 0;
    const char *p = s;

    if (*p < '0' || *p > '9') {
        return false;
    }
    for (; *p >= '0' && *p <= '9'; p++) {
        if (whole > INT64_MAX / 10000) {
            return false;
        }
        whole = whole * 10 + (*p - '0');
    }
    if (*p == '.') {
        p++;
        for (; *p >= '0' && *p <= '9'; p++) {
            if (++nfrac > 3) {
                return false;
            }
            frac = frac * 10 + (*p - '0');
        }
        if (nfrac == 0) {
            return false;
        }
    }
    for (; nfrac < 3; nfrac++) {
        frac *= 10;
    }
    *out_us = whole * 1000 + frac;
    return *p == '\0';
}

static bool
binance_sim_key_format_ok(const char *key)
{
    size_t n = strlen(key);

    if (n == 0 || n >= XG_SIM_KEY_LEN) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (key[i] <= 0x20 || key[i] >= 0x7f) {
            return false;
        }
    }
    return true;
}

/* Fill why with a refusal. */
static bool
binance_sim_refuse(binance_refusal *why, int status, int code, const char *msg)
{
    why->status = status;
    why->code = code;
    snprintf(why->msg, sizeof(why->msg), "%s", msg);
    return false;
}

const xg_sim_secret *
binance_sim_find_key(xg_sim_venue *v, const char *key, size_t *account,
                     binance_refusal *why)
{
    if (key == NULL || !binance_sim_key_format_ok(key)) {
        (void)binance_sim_refuse(why, 401, -2014, "API-key format invalid.");
        return NULL;
    }
    /* Accounts are fixed once the server runs, so this read needs no
     * lock. */
    const xg_sim_secret *cred = xg_sim_book_key(&v->book, key, account);
    if (cred == NULL) {
        (void)binance_sim_refuse(
            why, 401, -2015, "Invalid API-key, IP, or permissions for action.");
    }
    return cred;
}

bool
binance_sim_time_ok(const binance_settings *s, const char *ts_text,
                    const char *rw_text, int64_t now_ms, binance_refusal *why)
{
    int64_t ts = 0;
    int64_t rw_us = 5000 * 1000;
    char msg[160];

    if (!binance_sim_parse_ms_frac(ts_text, &ts) || (ts % 1000) != 0) {
        return binance_sim_refuse(
            why, 400, -1100,
            "Illegal characters found in parameter 'timestamp'; legal range "
            "is '^[0-9]{1,20}$'.");
    }
    ts /= 1000;
    /* A 16-digit timestamp is microseconds (fact sheet, Signing step 1). */
    if (ts >= 1000000000000000LL) {
        ts /= 1000;
    }
    if (rw_text != NULL) {
        if (!binance_sim_parse_ms_frac(rw_text, &rw_us)) {
            return binance_sim_refuse(
                why, 400, -1100,
                "Illegal characters found in parameter 'recvWindow'.");
        }
        if (rw_us > s->recv_window_max_ms * 1000) {
            snprintf(msg, sizeof(msg), "recvWindow must be less than %lld.",
                     (long long)s->recv_window_max_ms);
            return binance_sim_refuse(why, 400, -1131, msg);
        }
    }
    if (ts >= now_ms + 1000) {
        return binance_sim_refuse(why, 400, -1021,
                                  "Timestamp for this request was 1000ms "
                                  "ahead of the server's time.");
    }
    if ((now_ms - ts) * 1000 > rw_us) {
        return binance_sim_refuse(why, 400, -1021,
                                  "Timestamp for this request is outside of "
                                  "the recvWindow.");
    }
    return true;
}

/* A REST answer from a refusal. */
static void
binance_sim_refused(xg_sim_response *resp, const binance_refusal *why)
{
    binance_sim_error(resp, why->status, why->code, why->msg, "rejected");
}

/* The credentials of the request's API key, its account in *account;
 * NULL when refused (answered in resp). */
static const xg_sim_secret *
binance_sim_request_key(xg_sim_venue *v, const xg_sim_request *req,
                        xg_sim_response *resp, size_t *account)
{
    binance_refusal why;
    const xg_sim_secret *cred = binance_sim_find_key(
        v, xg_sim_request_header(req, "X-MBX-APIKEY"), account, &why);

    if (cred == NULL) {
        binance_sim_refused(resp, &why);
    }
    return cred;
}

bool
binance_sim_api_key(xg_sim_venue *v, const xg_sim_request *req,
                    xg_sim_response *resp, size_t *account)
{
    return binance_sim_request_key(v, req, resp, account) != NULL;
}

bool
binance_sim_authenticate(xg_sim_venue *v, const binance_settings *s,
                         const xg_sim_request *req, const xg_sim_params *params,
                         int64_t now_ms, xg_sim_response *resp, size_t *account)
{
    const char *sig = xg_sim_params_get(params, "signature");
    const char *ts_text = xg_sim_params_get(params, "timestamp");
    binance_refusal why;
    const xg_sim_secret *cred = binance_sim_request_key(v, req, resp, account);

    if (cred == NULL) {
        return false;
    }
    if (ts_text == NULL || ts_text[0] == '\0') {
        binance_sim_missing(resp, "timestamp");
        return false;
    }
    if (sig == NULL || sig[0] == '\0') {
        binance_sim_missing(resp, "signature");
        return false;
    }
    if (!binance_sim_signature_ok(req, cred->secret, sig)) {
        binance_sim_error(resp, 400, -1022,
                          "Signature for this request is not valid.",
                          "rejected");
        return false;
    }
    if (!binance_sim_time_ok(s, ts_text,
                             xg_sim_params_get(params, "recvWindow"), now_ms,
                             &why)) {
        binance_sim_refused(resp, &why);
        return false;
    }
    return true;
}
