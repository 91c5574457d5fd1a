/*
 * fuzz_share.c - libFuzzer target for what Redis sends the shared limits
 * (core/share_read.c): share.lua's answers to take and status, and the
 * ban channel's messages.
 *
 * The first byte selects the reader: 0-2 mod 3 -> take (with (byte >> 2)
 * % 7 buckets asked), status, ban message. For the two answers the rest
 * is raw RESP, parsed by hiredis's own reader as the gateway's connection
 * parses it, so every shape Redis (or something posing as it) could send
 * reaches the reader; for the message it is the payload itself. The
 * readers must never crash or read outside what they were given, must
 * leave every string terminated, and must accept only what holds the
 * script's promises (a status in range, a grant of at least one copy
 * with a lease id, a ban with a venue and a time). Any violation aborts.
 * Built with libFuzzer when XG_FUZZ is ON; otherwise fuzz_replay.c drives
 * it over the corpus.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "fuzz_check.h"
#include "redis.h"
#include "share.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_answer(const xg__share_answer *a, size_t n)
{
    check_terminated(a->lease_id, sizeof a->lease_id);
    check_terminated(a->gateway, sizeof a->gateway);
    check_terminated(a->reason, sizeof a->reason);
    check(a->status >= XG_SHARE_GRANTED && a->status <= XG_SHARE_NEVER);
    if (a->status == XG_SHARE_GRANTED && n > 0) {
        check(a->copies >= 1 && a->lease_id[0] != '\0');
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    int which = data[0] % 3;
    size_t n = (size_t)(data[0] >> 2) % (XG_HTTP_MAX_COSTS + 1);
    /* A copy of exactly the bytes given, so ASan sees a read past them. */
    size_t len = size - 1;
    char *body = malloc(len > 0 ? len : 1);
    if (body == NULL) {
        return 0;
    }
    memcpy(body, data + 1, len);
    if (which == 2) {
        xg__share_ban ban;
        if (xg__share_read_ban(body, len, &ban) == XG_OK) {
            check(ban.venue[0] != '\0' && ban.gateway[0] != '\0');
            check(ban.until_ms >= 0);
            check_terminated(ban.reason, sizeof ban.reason);
        }
        free(body);
        return 0;
    }
    redisReader *rd = redisReaderCreate();
    void *reply = NULL;
    if (rd != NULL) {
        xg__redis_guard_reader(rd); /* as the gateway's connections are */
    }
    if (rd != NULL && redisReaderFeed(rd, body, len) == REDIS_OK &&
        redisReaderGetReply(rd, &reply) == REDIS_OK && reply != NULL) {
        xg__share_answer a;
        xg_err e = which == 0 ? xg__share_read_take(reply, n, &a)
                              : xg__share_read_status(reply, &a);
        if (e == XG_OK) {
            check_answer(&a, which == 0 ? n : 0);
        }
        freeReplyObject(reply);
    }
    redisReaderFree(rd);
    free(body);
    return 0;
}
