/*
 * test_cert.c - a key and a self-signed certificate for 127.0.0.1, made
 * fresh for a test: the TLS servers the tests run (the WebSocket test
 * server, a redis-server with --tls-port) use them, and the clients trust
 * the certificate as their CA file.
 */
#include "test_cert.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "xgate/buf.h"

/* A P-256 key and a self-signed certificate for 127.0.0.1 (subjectAltName
 * IP and DNS localhost, which is what libcurl checks). */
xg_err
xg_test_make_cert(EVP_PKEY **key_out, X509 **cert_out)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    X509_EXTENSION *ext = NULL;
    xg_err e = XG_ERR_INTERNAL;
    if (key == NULL || x == NULL) {
        goto done;
    }
    uint8_t serial[8];
    if (RAND_bytes(serial, sizeof serial) != 1) {
        goto done;
    }
    long sn = (long)(((uint32_t)serial[0] << 16 | (uint32_t)serial[1] << 8 |
                      serial[2]) +
                     1);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), sn);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 24 * 3600);
    X509_set_pubkey(x, key);
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               (const unsigned char *)"xgate ws test", -1, -1,
                               0);
    X509_set_issuer_name(x, name);
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
    ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name,
                              "IP:127.0.0.1,DNS:localhost");
    if (ext == NULL || X509_add_ext(x, ext, -1) != 1 ||
        X509_sign(x, key, EVP_sha256()) == 0) {
        goto done;
    }
    *key_out = key;
    *cert_out = x;
    key = NULL;
    x = NULL;
    e = XG_OK;
done:
    X509_EXTENSION_free(ext);
    X509_free(x);
    EVP_PKEY_free(key);
    return e;
}

/* A new temporary file named from template (mode 0600) into path, open
 * for writing; NULL (nothing left behind) if it cannot be made. */
static FILE *
open_temp(const char *template, char *path, size_t cap)
{
    if (xg_strlcpy(path, template, cap) != XG_OK) {
        return NULL;
    }
    int fd = mkstemp(path);
    if (fd < 0) {
        return NULL;
    }
    FILE *f = fdopen(fd, "w");
    if (f == NULL) {
        close(fd);
        unlink(path);
    }
    return f;
}

/* Close f, written ok; the file goes if anything failed. */
static xg_err
close_temp(FILE *f, int ok, const char *path)
{
    if (fclose(f) != 0 || !ok) {
        unlink(path);
        return XG_ERR_IO;
    }
    return XG_OK;
}

xg_err
xg_test_write_cert(X509 *x, char *path, size_t cap)
{
    FILE *f = open_temp("/tmp/xg-test-ca-XXXXXX", path, cap);
    return f != NULL ? close_temp(f, PEM_write_X509(f, x), path) : XG_ERR_IO;
}

xg_err
xg_test_write_key(EVP_PKEY *key, char *path, size_t cap)
{
    FILE *f = open_temp("/tmp/xg-test-key-XXXXXX", path, cap);
    return f != NULL
               ? close_temp(
                     f, PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL),
                     path)
               : XG_ERR_IO;
}
