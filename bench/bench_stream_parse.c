/*
 * bench_stream_parse.c - what one fill's stream message costs in its
 * adapter: each in-tree plug-in loaded as the gateway loads it, its
 * stream_parse run over the venue's fill fixture (tests/data/<venue>)
 * again and again, the updates handed to a sink that keeps nothing.
 * Prints ns per message, the median of 7 runs. Figures, never pass/fail.
 *
 * Usage: bench_stream_parse [N] (default 200000 messages a run).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "loader.h"
#include "xgate/adapter.h"

#define RUNS 7

static xg_err
drop_update(void *ctx, const xg_stream_update *u)
{
    (void)u;
    ++*(size_t *)ctx;
    return XG_OK;
}

/* The fixture at path into buf (cap bytes, NUL-terminated), its length;
 * 0 if it cannot be read. */
static size_t
read_fixture(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return 0;
    }
    size_t n = fread(buf, 1, cap - 1, f);
    fclose(f);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) {
        n--;
    }
    buf[n] = '\0';
    return n;
}

int
main(int argc, char **argv)
{
    static const struct {
        const char *venue;
        const char *fixture;
    } cases[] = {
        {"binance", "stream_fill.json"},
        {"bybit", "stream_execution.json"},
        {"okx", "stream_order_filled.json"},
        {"kucoin", "stream_filled.json"},
    };
    size_t n = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 200000;
    if (n == 0) {
        fprintf(stderr, "usage: bench_stream_parse [N]\n");
        return 2;
    }
    xg__plugins plugins;
    xg__plugins_init(&plugins);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char err[512], path[512], text[8192];
        const xg__plugin *p = NULL;
        void *inst = NULL;
        xg_adapter_config cfg = {"bench-key", "bench-secret", "bench-pass",
                                 NULL, 0};
        snprintf(path, sizeof path, "%s/%s/%s", XG_TEST_DATA_DIR,
                 cases[c].venue, cases[c].fixture);
        size_t len = read_fixture(path, text, sizeof text);
        if (len == 0 ||
            xg__plugins_load_venue(&plugins, XG_ADAPTER_DIR, cases[c].venue, &p,
                                   err, sizeof err) != XG_OK ||
            p->api->create(&cfg, &inst, err, sizeof err) != XG_OK) {
            fprintf(stderr, "bench: %s: cannot set up (%s)\n", cases[c].venue,
                    len == 0 ? path : err);
            return 1;
        }
        int64_t per[RUNS];
        size_t updates = 0;
        for (int r = 0; r < RUNS; r++) {
            xg_stream_sink sink = {&updates, drop_update};
            int64_t t0 = bench_now_ns();
            for (size_t i = 0; i < n; i++) {
                xg_stream_result res;
                memset(&res, 0, sizeof res);
                if (p->api->stream_parse(inst, text, len, &sink, &res) !=
                        XG_OK ||
                    res.kind != XG_STREAM_UPDATES) {
                    fprintf(stderr, "bench: %s: the fixture is no update\n",
                            cases[c].venue);
                    return 1;
                }
            }
            per[r] = (bench_now_ns() - t0) / (int64_t)n;
        }
        qsort(per, RUNS, sizeof per[0], bench_cmp_i64);
        printf("%-8s %-26s %5zu bytes  %6lld ns per message (median of %d "
               "runs of %zu; min %lld, max %lld)\n",
               cases[c].venue, cases[c].fixture, len, (long long)per[RUNS / 2],
               RUNS, n, (long long)per[0], (long long)per[RUNS - 1]);
        p->api->destroy(inst);
    }
    xg__plugins_fini(&plugins);
    return 0;
}
