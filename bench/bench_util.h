/*
 * bench_util.h - what the benchmarks share: a monotonic clock, a sort
 * order for samples, a process's memory and CPU time from /proc, and the
 * journal record a gateway writes for one order it sends.
 */
#ifndef XGATE_BENCH_UTIL_H
#define XGATE_BENCH_UTIL_H

#include <stdint.h>
#include <sys/types.h>

#include "journal.h"

/* CLOCK_MONOTONIC in ns. */
int64_t bench_now_ns(void);

/* qsort order of int64_t samples, ascending. */
int bench_cmp_i64(const void *a, const void *b);

/* A "Field:   N kB" line of /proc/<pid>/status (field with its colon,
 * "VmRSS:", "VmHWM:"), in KiB; -1 if it cannot be read. */
long bench_proc_kib(pid_t pid, const char *field);

/* CPU time (user + system, all threads) pid has used, in µs; 0 if it
 * cannot be read. */
int64_t bench_cpu_us(pid_t pid);

/* The same for pid's main thread alone (a gateway's loop). */
int64_t bench_main_thread_cpu_us(pid_t pid);

/* Order number seq as the gateway journals it when sending it to
 * Binance (status SENT, attempt 1, routed binance then okx), and that
 * attempt. */
void bench_sent_order(xg__journal_order *o, xg__journal_attempt *a,
                      uint64_t seq);

#endif
