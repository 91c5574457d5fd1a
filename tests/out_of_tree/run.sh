#!/bin/sh
# run.sh - proves an adapter can be built and loaded from an installed
# xgate alone (ctest adapters.out_of_tree; docs/adapters.md).
#
#   run.sh BUILD_DIR [C_COMPILER] [SANITIZE(ON|OFF)]
#
# 1. `cmake --install BUILD_DIR` into a temporary prefix;
# 2. check example.json's signatures independently (python3 hmac);
# 3. configure and build this folder's example adapter against the prefix
#    with PKG_CONFIG_PATH=<prefix>/lib/pkgconfig and nothing else of the
#    source tree, install it into the .pc file's adapterdir, and run its
#    unit tests;
# 4. build it once more with the one-line compiler command docs/adapters.md
#    gives, and check that it exports xg_adapter_entry only;
# 5. run the installed xg-vector on example.json with --adapters adapterdir,
#    which loads the plug-in through the real loader's checks.
# Temporary directories are removed on every exit; any failure exits
# non-zero.
set -eu

build=${1:?usage: run.sh BUILD_DIR [C_COMPILER] [SANITIZE]}
cc=${2:-cc}
sanitize=${3:-OFF}
here=$(cd "$(dirname "$0")" && pwd)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/xgate-oot.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
prefix=$tmp/prefix

step() { printf '== %s\n' "$*"; }

step "install $build into $prefix"
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log"; exit 1; }
for f in bin/xgated bin/xgsim bin/xgctl bin/xg-vector lib/libxgate_prim.a \
         include/xgate/adapter.h include/xgate/sign.h \
         lib/pkgconfig/xgate-adapter.pc lib/xgate/adapters/xgate_binance.so; do
    [ -e "$prefix/$f" ] || { echo "not installed: $f"; exit 1; }
done

PKG_CONFIG_PATH=$prefix/lib/pkgconfig
export PKG_CONFIG_PATH
adapterdir=$(pkg-config --variable=adapterdir xgate-adapter)
[ "$(cd "$adapterdir" && pwd)" = "$(cd "$prefix/lib/xgate/adapters" && pwd)" ] ||
    { echo "adapterdir $adapterdir is not <prefix>/lib/xgate/adapters"; exit 1; }
pkg-config --static --libs xgate-adapter | grep -q -- '-lxgate_prim' ||
    { echo "pkg-config --libs lacks -lxgate_prim"; exit 1; }
pkg-config --static --libs xgate-adapter | grep -q -- '-lcrypto' ||
    { echo "pkg-config --static --libs lacks libcrypto"; exit 1; }

step "check example.json independently of the adapter"
python3 - "$here/example.json" <<'PY'
import hashlib, hmac, json, sys
doc = json.load(open(sys.argv[1]))
secret = doc["credentials"]["secret"].encode()
for v in doc["vectors"]:
    want = hmac.new(secret, v["prehash"].encode(), hashlib.sha256).hexdigest()
    if want != v["signature"]:
        sys.exit("example.json: %s: signature is not HMAC(prehash)" % v["id"])
PY

# With sanitizers, libxgate_prim.a holds instrumented code whose runtime
# is in the loading program (xg-vector), so the plug-in is compiled the same
# way and may not insist on resolving everything itself.
cflags=
no_undef=-Wl,--no-undefined
noundef_opt=ON
case $sanitize in
ON|on|1|TRUE|true|YES|yes)
    cflags="-fsanitize=address,undefined -fno-sanitize-recover=all"
    no_undef=
    noundef_opt=OFF ;;
esac

step "configure and build the example with pkg-config only"
cmake -S "$here" -B "$tmp/example" -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_C_FLAGS="$cflags" -DEXAMPLE_NO_UNDEFINED=$noundef_opt \
    >"$tmp/example.log" 2>&1 &&
cmake --build "$tmp/example" >>"$tmp/example.log" 2>&1 &&
cmake --install "$tmp/example" >>"$tmp/example.log" 2>&1 ||
    { cat "$tmp/example.log"; exit 1; }
if grep -q -- "$(cd "$here/../.." && pwd)/core" "$tmp/example/CMakeCache.txt"; then
    echo "the example's build refers to the xgate source tree"; exit 1
fi
[ -f "$adapterdir/xgate_example.so" ] ||
    { echo "xgate_example.so not installed into adapterdir"; exit 1; }
if [ -x "$tmp/example/example_test" ]; then
    step "unit tests through the entry table"
    "$tmp/example/example_test"
fi

step "build with the documented one-line command"
# shellcheck disable=SC2046 # pkg-config's output is meant to be split
"$cc" -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror $cflags \
    -shared -fPIC -fvisibility=hidden $(pkg-config --cflags xgate-adapter) \
    -o "$tmp/xgate_example.so" "$here/example_adapter.c" \
    $(pkg-config --static --libs xgate-adapter) $no_undef
exports=$(nm -D --defined-only "$tmp/xgate_example.so" | awk '$2 == "T" { print $3 }')
[ "$exports" = "xg_adapter_entry" ] ||
    { echo "plug-in exports more than xg_adapter_entry:"; echo "$exports"; exit 1; }

step "load it with the installed xg-vector"
"$prefix/bin/xg-vector" --adapters "$adapterdir" "$here/example.json"
"$prefix/bin/xg-vector" --adapters "$tmp" "$here/example.json"

# The check can fail: a tampered signature must be reported as such.
sed 's/"signature": "\([0-9a-f]\)/"signature": "0\1/' "$here/example.json" \
    >"$tmp/tampered.json"
set +e
"$prefix/bin/xg-vector" --adapters "$adapterdir" "$tmp/tampered.json" \
    >"$tmp/tampered.out" 2>&1
rc=$?
set -e
[ "$rc" -eq 1 ] && grep -q 'FAIL example-01: signature differs' "$tmp/tampered.out" ||
    { echo "a tampered vector was not refused (exit $rc):"; cat "$tmp/tampered.out"; exit 1; }
step "ok"
