#!/bin/sh
# usage: run.sh address|thread SOURCE_DIR BUILD_DIR
# Builds prlshim with the sanitizer and runs the tests that exercise the
# library (unit, service, capi, c, backup, and the client replays) in that
# build; any sanitizer report fails the run (halt_on_error, and Catch2/ctest
# see the non-zero exit).
set -eu
kind=$1 src=$2 dir=$3
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1"
# -O0 -g1: the sanitizers find the same faults unoptimised, and with UBSan
# -O1 takes three times as long to compile (docs/reliability.md, 6.); the
# tests run a little slower, which costs far less than the build saves.
# clang: it builds these trees in about 30% less time than g++ (the library:
# 3m05 against 2m11 on 2 cores), and the fuzz tree uses it already.
CC=clang CXX=clang++ cmake -S "$src" -B "$dir" -DPRLSHIM_SANITIZE="$kind" -DCMAKE_BUILD_TYPE=Debug \
      -DCMAKE_C_FLAGS_DEBUG="-O0 -g1" -DCMAKE_CXX_FLAGS_DEBUG="-O0 -g1" > "$dir.configure.log" 2>&1 \
  || { cat "$dir.configure.log"; exit 1; }
cmake --build "$dir" -j "$(nproc)" > "$dir.build.log" 2>&1 || { tail -50 "$dir.build.log"; exit 1; }
labels='^(unit|service|capi|c|backup|clients)$'  # the TSan tree has no capi tests (tests/CMakeLists.txt)
ctest --test-dir "$dir" -L "$labels" -j "$(nproc)" --output-on-failure --timeout 600
