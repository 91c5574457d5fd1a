/*
 * bench_sign.c - cost of one HMAC-SHA256 signature over a ~200-byte query
 * string, with the keyed state reused (what adapters do) and with the key
 * set up afresh for every signature (what a naive HMAC() call costs).
 * Prints median, p99 and max in nanoseconds; never passes or fails on time.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "xgate/sign.h"

#define ROUNDS 200000

static void
report(const char *name, int64_t *samples, size_t n)
{
    qsort(samples, n, sizeof(*samples), bench_cmp_i64);
    printf("%-22s median %6lld ns  p99 %6lld ns  max %8lld ns  (n=%zu)\n", name,
           (long long)samples[n / 2], (long long)samples[n * 99 / 100],
           (long long)samples[n - 1], n);
}

int
main(void)
{
    static const char secret[] =
        "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
    static const char msg[] =
        "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC"
        "&quantity=0.00100000&price=35000.50&newClientOrderId=strat1ord0000042"
        "&newOrderRespType=RESULT&recvWindow=5000&timestamp=1700000000000"
        "&selfTradePreventionMode=NONE";
    int64_t *samples = calloc(ROUNDS, sizeof(*samples));
    uint8_t mac[XG_SHA256_LEN];
    unsigned sink = 0;

    if (samples == NULL) {
        return 1;
    }
    printf("HMAC-SHA256 over a %zu-byte message, %d rounds each\n", strlen(msg),
           ROUNDS);

    xg_hmac *h = xg_hmac_new(secret, strlen(secret));
    if (h == NULL) {
        free(samples);
        return 1;
    }
    for (int i = 0; i < 1000; i++) { /* warm up caches and branch history */
        (void)xg_hmac_sign(h, msg, strlen(msg), mac);
    }
    for (size_t i = 0; i < ROUNDS; i++) {
        int64_t t0 = bench_now_ns();
        (void)xg_hmac_sign(h, msg, sizeof(msg) - 1, mac);
        samples[i] = bench_now_ns() - t0;
        sink += mac[0];
    }
    xg_hmac_destroy(&h);
    report("reused keyed state", samples, ROUNDS);

    for (size_t i = 0; i < ROUNDS; i++) {
        int64_t t0 = bench_now_ns();
        xg_hmac *f = xg_hmac_new(secret, sizeof(secret) - 1);
        if (f == NULL) {
            free(samples);
            return 1;
        }
        (void)xg_hmac_sign(f, msg, sizeof(msg) - 1, mac);
        xg_hmac_destroy(&f);
        samples[i] = bench_now_ns() - t0;
        sink += mac[0];
    }
    report("fresh key each time", samples, ROUNDS);

    /* The clock read itself, to subtract mentally. */
    for (size_t i = 0; i < ROUNDS; i++) {
        int64_t t0 = bench_now_ns();
        samples[i] = bench_now_ns() - t0;
    }
    report("clock overhead", samples, ROUNDS);
    printf("(checksum %u)\n", sink);
    free(samples);
    return 0;
}
