/*
 * sanitizer.h - whether this build (hence xgated, built alike) runs under
 * AddressSanitizer: a test that judges speed (how much of a limit a flood
 * uses, how much memory a flood keeps) relaxes that figure, never what it
 * checks for correctness.
 */
#ifndef XGATE_TEST_SANITIZER_H
#define XGATE_TEST_SANITIZER_H

#if defined(__SANITIZE_ADDRESS__)
#define XG_TEST_HAS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define XG_TEST_HAS_ASAN 1
#endif
#endif
#ifndef XG_TEST_HAS_ASAN
#define XG_TEST_HAS_ASAN 0
#endif

#endif
