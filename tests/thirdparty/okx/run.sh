#!/bin/sh
# Start xgsim on a free loopback port, run the okx-api check
# against it, stop xgsim by its PID. Needs `npm ci` (or `npm install`) in
# this folder first and xgsim built; XGSIM overrides the binary's path
# (default: build/bin/xgsim of this repository).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
xgsim=${XGSIM:-$root/build/bin/xgsim}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

"$xgsim" --venue okx=127.0.0.1:0 >"$out" &
pid=$!
stop() { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
trap 'stop; rm -f "$out"' EXIT

port=
i=0
while [ $i -lt 100 ]; do
  if grep -q '^xgsim: ready$' "$out"; then
    port=$(sed -n 's/^xgsim: okx listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$out")
    break
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "run.sh: xgsim exited before it was ready" >&2
    exit 1
  fi
  sleep 0.1
  i=$((i + 1))
done
if [ -z "$port" ]; then
  echo "run.sh: xgsim did not become ready" >&2
  exit 1
fi
BASE_URL="http://127.0.0.1:$port" node "$here/place_query_cancel.mjs"
