/*
 * sign.c - HMAC-SHA256 with a reusable keyed state, hex and base64.
 *
 * Every supported venue signs requests with HMAC-SHA256 over a secret that
 * does not change for the life of an adapter instance. HMAC (RFC 2104) is
 * H((K ^ opad) || H((K ^ ipad) || msg)); the two key blocks are one SHA-256
 * block each, so hashing them is as expensive as signing a short message.
 * An xg_hmac therefore hashes both blocks once, at creation, and keeps the
 * two resulting SHA-256 states; each signature copies them into scratch
 * contexts and only hashes the message and the inner digest. The states
 * are derived from the key and are wiped on destroy. Only OpenSSL's
 * non-deprecated EVP interface is used. Where the secret comes from and how
 * long it lives in memory elsewhere is the caller's business.
 */
#include "xgate/sign.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#define SHA256_BLOCK 64

struct xg_hmac {
    EVP_MD_CTX *inner; /* SHA-256 after absorbing key ^ ipad */
    EVP_MD_CTX *outer; /* SHA-256 after absorbing key ^ opad */
    EVP_MD_CTX *scratch;
};

/* Hash one padded key block into a fresh SHA-256 context. */
static int
hmac_key_state(EVP_MD_CTX *ctx, const uint8_t block[SHA256_BLOCK])
{
    return EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
           EVP_DigestUpdate(ctx, block, SHA256_BLOCK) == 1;
}

xg_hmac *
xg_hmac_new(const void *key, size_t key_len)
{
    uint8_t k[SHA256_BLOCK];
    uint8_t pad[SHA256_BLOCK];
    xg_hmac *h = NULL;
    int ok = 0;

    if (key == NULL && key_len > 0) {
        return NULL;
    }
    h = calloc(1, sizeof(*h));
    if (h == NULL) {
        return NULL;
    }
    h->inner = EVP_MD_CTX_new();
    h->outer = EVP_MD_CTX_new();
    h->scratch = EVP_MD_CTX_new();
    if (h->inner == NULL || h->outer == NULL || h->scratch == NULL) {
        goto cleanup;
    }

    memset(k, 0, sizeof(k));
    if (key_len > SHA256_BLOCK) {
        /* RFC 2104: keys longer than a block are replaced by their hash. */
        unsigned int dlen = 0;
        if (EVP_Digest(key, key_len, k, &dlen, EVP_sha256(), NULL) != 1) {
            goto cleanup;
        }
    } else if (key_len > 0) {
        memcpy(k, key, key_len);
    }

    for (size_t i = 0; i < SHA256_BLOCK; i++) {
        pad[i] = (uint8_t)(k[i] ^ 0x36u);
    }
    if (!hmac_key_state(h->inner, pad)) {
        goto cleanup;
    }
    for (size_t i = 0; i < SHA256_BLOCK; i++) {
        pad[i] = (uint8_t)(k[i] ^ 0x5cu);
    }
    if (!hmac_key_state(h->outer, pad)) {
        goto cleanup;
    }
    ok = 1;

cleanup:
    OPENSSL_cleanse(pad, sizeof(pad));
    OPENSSL_cleanse(k, sizeof(k));
    if (!ok) {
        xg_hmac_destroy(&h);
    }
    return h;
}

void
xg_hmac_destroy(xg_hmac **hp)
{
    if (hp == NULL || *hp == NULL) {
        return;
    }
    xg_hmac *h = *hp;
    /* EVP_MD_CTX_free resets the digest state, which OpenSSL cleanses
     * before releasing it, so the keyed states do not outlive us. */
    EVP_MD_CTX_free(h->scratch);
    EVP_MD_CTX_free(h->outer);
    EVP_MD_CTX_free(h->inner);
    OPENSSL_cleanse(h, sizeof(*h));
    free(h);
    *hp = NULL;
}

xg_err
xg_hmac_sign(xg_hmac *h, const void *msg, size_t msg_len,
             uint8_t mac[XG_SHA256_LEN])
{
    uint8_t inner_digest[XG_SHA256_LEN];
    unsigned int dlen = 0;
    xg_err err = XG_ERR_INTERNAL;

    if (h == NULL || mac == NULL || (msg == NULL && msg_len > 0)) {
        return XG_ERR_INVALID;
    }
    if (EVP_MD_CTX_copy_ex(h->scratch, h->inner) != 1 ||
        EVP_DigestUpdate(h->scratch, msg, msg_len) != 1 ||
        EVP_DigestFinal_ex(h->scratch, inner_digest, &dlen) != 1 ||
        dlen != XG_SHA256_LEN) {
        goto cleanup;
    }
    if (EVP_MD_CTX_copy_ex(h->scratch, h->outer) != 1 ||
        EVP_DigestUpdate(h->scratch, inner_digest, XG_SHA256_LEN) != 1 ||
        EVP_DigestFinal_ex(h->scratch, mac, &dlen) != 1 ||
        dlen != XG_SHA256_LEN) {
        goto cleanup;
    }
    err = XG_OK;

cleanup:
    OPENSSL_cleanse(inner_digest, sizeof(inner_digest));
    return err;
}

xg_err
xg_hex_encode(const uint8_t *in, size_t n, char *out, size_t out_cap)
{
    static const char digits[] = "0123456789abcdef";

    if (out == NULL || out_cap == 0 || (in == NULL && n > 0)) {
        return XG_ERR_INVALID;
    }
    if (n > (out_cap - 1) / 2) {
        out[0] = '\0';
        return XG_ERR_TRUNCATED;
    }
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 0x0f];
    }
    out[2 * n] = '\0';
    return XG_OK;
}

xg_err
xg_base64_encode(const uint8_t *in, size_t n, char *out, size_t out_cap)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    if (out == NULL || out_cap == 0 || (in == NULL && n > 0)) {
        return XG_ERR_INVALID;
    }
    /* 4 * ceil(n / 3) without overflowing for huge n. */
    size_t groups = n / 3 + (n % 3 != 0);
    if (groups > (out_cap - 1) / 4) {
        out[0] = '\0';
        return XG_ERR_TRUNCATED;
    }
    size_t o = 0;
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 |
                     (uint32_t)in[i + 2];
        out[o++] = alphabet[(v >> 18) & 0x3f];
        out[o++] = alphabet[(v >> 12) & 0x3f];
        out[o++] = alphabet[(v >> 6) & 0x3f];
        out[o++] = alphabet[v & 0x3f];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = alphabet[(v >> 18) & 0x3f];
        out[o++] = alphabet[(v >> 12) & 0x3f];
        out[o++] = '=';
        out[o++] = '=';
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        out[o++] = alphabet[(v >> 18) & 0x3f];
        out[o++] = alphabet[(v >> 12) & 0x3f];
        out[o++] = alphabet[(v >> 6) & 0x3f];
        out[o++] = '=';
    }
    out[o] = '\0';
    return XG_OK;
}

void
xg_wipe(void *p, size_t n)
{
    if (p != NULL && n > 0) {
        OPENSSL_cleanse(p, n);
    }
}

/* HMAC-SHA256 of msg put into text by encode; the raw MAC is wiped. */
static xg_err
hmac_text(xg_hmac *h, const void *msg, size_t msg_len, char *out,
          size_t out_cap,
          xg_err (*encode)(const uint8_t *, size_t, char *, size_t))
{
    uint8_t mac[XG_SHA256_LEN];
    xg_err rc = xg_hmac_sign(h, msg, msg_len, mac);

    if (rc == XG_OK) {
        rc = encode(mac, sizeof(mac), out, out_cap);
    }
    xg_wipe(mac, sizeof(mac));
    return rc;
}

xg_err
xg_hmac_sign_hex(xg_hmac *h, const void *msg, size_t msg_len, char *out,
                 size_t out_cap)
{
    return hmac_text(h, msg, msg_len, out, out_cap, xg_hex_encode);
}

xg_err
xg_hmac_sign_base64(xg_hmac *h, const void *msg, size_t msg_len, char *out,
                    size_t out_cap)
{
    return hmac_text(h, msg, msg_len, out, out_cap, xg_base64_encode);
}
