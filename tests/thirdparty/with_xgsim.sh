#!/bin/sh
# with_xgsim.sh VENUE COMMAND...: start xgsim with VENUE's dialect on a free
# loopback port, run COMMAND with BASE_URL=http://127.0.0.1:<port> in its
# environment, stop xgsim by its PID and exit with COMMAND's status.
# XGSIM names the binary (default: build/bin/xgsim of this repository);
# XGSIM_ARGS adds arguments (--set ...).
set -eu
if [ $# -lt 2 ]; then
  echo "usage: with_xgsim.sh VENUE COMMAND..." >&2
  exit 2
fi
venue=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
xgsim=${XGSIM:-$root/build/bin/xgsim}
out=$(mktemp)
pid=
stop() {
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -f "$out"
}
trap stop EXIT

# shellcheck disable=SC2086 # XGSIM_ARGS is a list of words
"$xgsim" --venue "$venue=127.0.0.1:0" ${XGSIM_ARGS:-} >"$out" &
pid=$!

port=
i=0
while [ $i -lt 100 ]; do
  if grep -q '^xgsim: ready$' "$out"; then
    port=$(sed -n "s/^xgsim: $venue listening on 127\\.0\\.0\\.1:\\([0-9]*\\)\$/\\1/p" "$out")
    break
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "with_xgsim.sh: xgsim exited before it was ready" >&2
    cat "$out" >&2
    exit 1
  fi
  sleep 0.1
  i=$((i + 1))
done
if [ -z "$port" ]; then
  echo "with_xgsim.sh: xgsim did not become ready" >&2
  exit 1
fi
BASE_URL="http://127.0.0.1:$port" "$@"
