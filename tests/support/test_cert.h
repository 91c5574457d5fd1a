/*
 * test_cert.h - a fresh key and self-signed certificate for a test's TLS
 * server on 127.0.0.1, and PEM files of them.
 */
#ifndef XGATE_TEST_CERT_H
#define XGATE_TEST_CERT_H

#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "xgate/error.h"

/* A P-256 key and a self-signed certificate for it, valid for an hour
 * before and a day after now, with subjectAltName IP:127.0.0.1 and
 * DNS:localhost (what libcurl checks). Given: X509_free, EVP_PKEY_free. */
xg_err xg_test_make_cert(EVP_PKEY **key_out, X509 **cert_out);

/* Write x (PEM) to a new temporary file, its path into path (cap
 * bytes). The caller unlinks it. */
xg_err xg_test_write_cert(X509 *x, char *path, size_t cap);

/* The same for a private key, mode 0600. */
xg_err xg_test_write_key(EVP_PKEY *key, char *path, size_t cap);

#endif
