/*
 * fuzz_ws_upgrade.c - libFuzzer target for the WebSocket upgrade answer
 * check (xg__ws_check_upgrade in core/wsconn.c).
 *
 * The input is what a server sent back to the upgrade request, checked
 * against a fixed Sec-WebSocket-Key (RFC 6455's example, so the seeds can
 * hold a valid answer). The check must never crash or read outside the
 * input; it accepts only with a header length within the input that ends
 * in the blank line, reports no header length otherwise, and always
 * leaves a terminated reason. It is checked again without a reason
 * buffer, which must give the same answer. Any violation aborts. Built
 * with libFuzzer when XG_FUZZ is ON; otherwise fuzz_replay.c drives it
 * over the corpus.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "wsconn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define KEY "dGhlIHNhbXBsZSBub25jZQ=="

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A copy of exactly size bytes, so ASan sees any read past the end. */
    char *resp = malloc(size > 0 ? size : 1);
    if (resp == NULL) {
        return 0;
    }
    if (size > 0) {
        memcpy(resp, data, size);
    }
    char why[128];
    memset(why, 'x', sizeof why);
    size_t header_len = 12345;
    xg_err e =
        xg__ws_check_upgrade(resp, size, KEY, &header_len, why, sizeof why);
    if (e == XG_OK) {
        check(header_len >= 4 && header_len <= size &&
              header_len <= XG_WS_UPGRADE_MAX);
        check(memcmp(resp + header_len - 4, "\r\n\r\n", 4) == 0);
    } else {
        check(e == XG_ERR_TRUNCATED || e == XG_ERR_OVERFLOW ||
              e == XG_ERR_BAD_RESPONSE);
        check(header_len == 0);
        check_terminated(why, sizeof why);
        check(why[0] != '\0');
    }
    size_t again_len = 0;
    check(xg__ws_check_upgrade(resp, size, KEY, &again_len, NULL, 0) == e);
    check(again_len == header_len);
    free(resp);
    return 0;
}
