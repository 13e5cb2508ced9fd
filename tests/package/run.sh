#!/bin/sh
# usage: run.sh BUILD_DIR THIS_DIR [ABI_CHECK]
set -eu
build=$1 here=$2 abicheck=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" > "$tmp/install.log"
passed=0

# 1. A C client with pkg-config alone (the way autotools/meson consumers build).
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
cc -std=c99 -Wall -Wextra -pedantic -Werror "$here/client.c" -o "$tmp/client" \
   $(pkg-config --cflags --libs parallels-sdk) -Wl,-rpath,"$prefix/lib"
"$tmp/client"
passed=$((passed + 1))

# 2. The same client linked statically against libprl_sdk.a.
cc -std=c99 "$here/client.c" -o "$tmp/client_static" $(pkg-config --cflags parallels-sdk) \
   "$prefix/lib/libprl_sdk.a" $(pkg-config --static --libs-only-l --libs-only-other parallels-sdk | sed 's/-lprl_sdk//')
"$tmp/client_static"
passed=$((passed + 1))

# 3. A CMake consumer with find_package(prlshim).
cmake -S "$here/cmake_consumer" -B "$tmp/consumer" -DCMAKE_PREFIX_PATH="$prefix" > "$tmp/consumer.log"
cmake --build "$tmp/consumer" >> "$tmp/consumer.log"
"$tmp/consumer/consumer"
passed=$((passed + 1))

# 4. The installed tree against the SDK fact tables, when they are beside the clone.
if [ -n "$abicheck" ] && [ -f "$abicheck" ]; then
  python3 "$abicheck" "$prefix/include/prlsdk" "$prefix/lib/libprl_sdk.so"
  passed=$((passed + 1))
else
  echo "abi-check not found beside the clone: skipped"
fi
echo "$passed passed, 0 failed"
