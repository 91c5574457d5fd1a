/*
 * share_script.h - the Redis script that admits requests to rate limits
 * shared by several gateways, embedded in the build.
 *
 * The text is core/share.lua, whose opening comment is the protocol
 * (ops, arguments, replies, key layout). CMake turns it into a generated C
 * file at build time (core/embed_text.cmake), so the daemon never reads
 * the script from disk and cannot run with a script other than the one it
 * was built with. The caller loads it once per Redis connection (SCRIPT
 * LOAD, again after NOSCRIPT when Redis restarted) and calls it by its
 * SHA1 with EVALSHA.
 */
#ifndef XGATE_SHARE_SCRIPT_H
#define XGATE_SHARE_SCRIPT_H

#include <stddef.h>

/* The script's text, NUL-terminated; static storage, never freed. */
extern const char xg__share_lua[];
/* Its length in bytes, without the terminating NUL. */
extern const size_t xg__share_lua_len;

#endif
