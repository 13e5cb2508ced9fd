#!/bin/sh
# usage: run.sh build address|thread SOURCE_DIR BUILD_DIR
#        run.sh test  address|thread SOURCE_DIR BUILD_DIR
# `build` configures and builds prlshim with the sanitizer; `test` runs the
# tests that exercise the library (unit, service, capi, c, backup, and the
# client replays) in that build; any sanitizer report fails the run
# (halt_on_error, and Catch2/ctest see the non-zero exit).
# The ASan tree is also the fuzz tree when clang's libFuzzer runtime is there:
# one instrumented build of the library serves both (tests/fuzz/CMakeLists.txt),
# which saves CI a third build of it.
set -eu
phase=$1 kind=$2 src=$3 dir=$4
case "$phase" in
build)
  fuzz=OFF
  if [ "$kind" = address ] && "$src/tests/fuzz/run.sh" probe; then fuzz=ON; fi
  start=$(date +%s)
  # -O0 -g1: the sanitizers find the same faults unoptimised, and with UBSan
  # -O1 takes three times as long to compile (docs/reliability.md, 6.); the
  # tests run a little slower, which costs far less than the build saves.
  # clang: it builds these trees in about 30% less time than g++ (the library:
  # 3m05 against 2m11 on 2 cores), and libFuzzer needs it.
  # A tree configured earlier with another compiler starts afresh (CMake
  # keeps the compiler of a tree's first configuration).
  if [ -f "$dir/CMakeCache.txt" ] && ! grep -q '^CMAKE_CXX_COMPILER:.*clang++$' "$dir/CMakeCache.txt"; then
    rm -rf "$dir"
  fi
  CC=clang CXX=clang++ cmake -S "$src" -B "$dir" -DPRLSHIM_SANITIZE="$kind" -DPRLSHIM_FUZZ=$fuzz \
        -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-O0 -g1" -DCMAKE_CXX_FLAGS_DEBUG="-O0 -g1" \
        > "$dir.configure.log" 2>&1 || { cat "$dir.configure.log"; exit 1; }
  cmake --build "$dir" -j "$(nproc)" > "$dir.build.log" 2>&1 || { tail -50 "$dir.build.log"; exit 1; }
  echo "$kind tree built in $(( $(date +%s) - start )) s (fuzz targets: $fuzz): $dir"
  ;;
test)
  export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0:detect_stack_use_after_return=1"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
  export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1"
  labels='^(unit|service|capi|c|backup|clients|daemon)$'  # the TSan tree has no capi tests (tests/CMakeLists.txt)
  ctest --test-dir "$dir" -L "$labels" -j "$(nproc)" --output-on-failure --timeout 600
  ;;
*)
  echo "usage: run.sh build|test address|thread SOURCE_DIR BUILD_DIR" >&2; exit 2 ;;
esac
