#!/bin/sh
# loop_turns.sh - how long xgated's event loop goes without polling, seen
# from the kernel, during bench_gateway's pipelined phase.
#
# A loop stall is a turn that does not come back to poll(2). The pauses in
# acks that bench_gateway reports include every process being descheduled
# on a shared machine; this traces xgated's main thread instead (perf:
# poll entry and exit, and every context switch on the machine) and splits
# each turn, from a poll's return to the next poll, into
#   own    on a CPU, or blocked in a system call (fsync, a page fault): the
#          loop's own doing, which is what a stall target is about;
#   wall   own plus the time the thread was runnable but preempted (the
#          machine's doing).
# Prints p50, p99, p99.9, max and the turns over 2 ms of both. Figures
# only, never pass/fail. Needs perf and the permission to trace system-wide
# (root, or kernel.perf_event_paranoid <= -1).
#
# Usage: bench/loop_turns.sh [N_PIPE [off|normal|full]]  (100000 normal)
# Run from the source tree after a build; keeps nothing but a line per
# figure on stdout (the trace, a few hundred MB, goes to a temporary
# directory that is removed).
set -eu
cd "$(dirname "$0")/.."
n_pipe="${1:-100000}"
journal="${2:-normal}"
tmp="$(mktemp -d /tmp/xg_loop_turns.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT INT TERM

# CLOCK_MONOTONIC, so that the trace's times compare with the phase bounds
# bench_gateway prints.
perf record -q -a -k CLOCK_MONOTONIC -o "$tmp/perf.data" \
    -e sched:sched_switch -e syscalls:sys_enter_poll \
    -e syscalls:sys_exit_poll -- \
    build/bin/bench_gateway 200 "$n_pipe" "$journal" >"$tmp/bench.out" \
    2>"$tmp/bench.err"
grep -E '^(pipelined|longest pause|pauses in acks|xgated main thread)' \
    "$tmp/bench.out"
phase="$(sed -n 's/^pipelined phase, CLOCK_MONOTONIC *//p' "$tmp/bench.out")"
t0="${phase%% *}"
t1="$(echo "$phase" | cut -d' ' -f2)"

# One line per turn of every xgated thread that polls: tid, wall µs,
# own µs.
perf script -i "$tmp/perf.data" --ns -F comm,tid,time,event,trace \
    2>/dev/null | awk -v t0="$t0" -v t1="$t1" '
function field(s, key,    i, rest) {
    i = index(s, key "=")
    if (i == 0) {
        return ""
    }
    rest = substr(s, i + length(key) + 1)
    sub(/ .*/, "", rest)
    return rest
}
{
    t = $3
    sub(/:$/, "", t)
    t += 0
    ev = $4
    tid = $2
    if (ev == "sched:sched_switch:") {
        prev = field($0, "prev_pid") + 0
        next_tid = field($0, "next_pid") + 0
        if (prev in start) {
            off_at[prev] = t
            off_state[prev] = field($0, "prev_state")
        }
        if (next_tid in off_at) {
            if (off_state[next_tid] ~ /^R/) {
                preempted[next_tid] += t - off_at[next_tid]
            }
            delete off_at[next_tid]
        }
        next
    }
    if ($1 != "xgated" || t < t0 || t > t1) {
        next
    }
    if (ev == "syscalls:sys_exit_poll:") {
        start[tid] = t
        preempted[tid] = 0
    } else if (ev == "syscalls:sys_enter_poll:" && (tid in start)) {
        wall = t - start[tid]
        printf "%s %.1f %.1f\n", tid, wall * 1e6,
               (wall - preempted[tid]) * 1e6
        delete start[tid]
    }
}' >"$tmp/turns"

main="$(cut -d' ' -f1 "$tmp/turns" | sort | uniq -c | sort -rn | \
    awk 'NR == 1 { print $2 }')"
if [ -z "$main" ]; then
    echo "loop_turns: no poll calls of xgated traced" >&2
    exit 1
fi
for col in 2 3; do
    awk -v m="$main" -v c="$col" '$1 == m { print $c }' "$tmp/turns" | \
        sort -n >"$tmp/col"
    awk -v what="$([ $col = 2 ] && echo wall || echo own)" '
    { v[NR] = $1; if ($1 > 2000) { over2++ }; if ($1 > 10000) { over10++ } }
    END {
        n = NR
        if (n == 0) { exit }
        printf "%-44s n=%d  p50 %7.1f us  p99 %7.1f us  p99.9 %8.1f us" \
               "  max %8.1f us  > 2 ms: %d, > 10 ms: %d\n",
               "loop turns, pipelined, " what, n, v[int(n * 0.5) + 1],
               v[int(n * 0.99) + 1], v[int(n * 0.999) + 1], v[n],
               over2 + 0, over10 + 0
    }' "$tmp/col"
done
