#!/bin/sh
# usage: run.sh build SOURCE_DIR FUZZ_BUILD_DIR
#        run.sh run   SOURCE_DIR FUZZ_BUILD_DIR TARGET SECONDS [fresh|keep]
#        run.sh probe
# `build` configures and builds a fuzz tree of its own (clang,
# -DPRLSHIM_FUZZ=ON), for long runs; under ctest the fuzz tree is the ASan
# tree (tests/sanitizers/run.sh). `probe` exits 0 when libFuzzer is there.
# `run` runs one target from its committed seed corpus (tests/fuzz/corpus/
# TARGET, read only) into a working corpus below the fuzz tree; any crash,
# leak, sanitizer report or timeout fails it. Exit 77 (skipped) when clang's
# libFuzzer runtime is missing (Debian: libclang-rt-14-dev).
set -eu
what=$1

have_fuzzer() {
  command -v clang >/dev/null 2>&1 && command -v clang++ >/dev/null 2>&1 || return 1
  probe=$(mktemp -d)
  printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t*d,size_t n){(void)d;(void)n;return 0;}\n' > "$probe/p.c"
  ok=0
  clang -fsanitize=fuzzer,address "$probe/p.c" -o "$probe/p" >/dev/null 2>&1 || ok=1
  rm -rf "$probe"
  return $ok
}

case "$what" in
probe)
  have_fuzzer
  ;;
build)
  src=$2 dir=$3
  if ! have_fuzzer; then
    echo "SKIP: clang with the libFuzzer runtime is not installed (apt-get install clang libclang-rt-14-dev)"
    exit 77
  fi
  mkdir -p "$dir"
  start=$(date +%s)
  CC=clang CXX=clang++ cmake -S "$src" -B "$dir" -DPRLSHIM_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O0 -g1" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O0 -g1" \
    > "$dir.configure.log" 2>&1 || { cat "$dir.configure.log"; exit 1; }
  cmake --build "$dir" --target fuzz_targets -j "$(nproc)" > "$dir.build.log" 2>&1 \
    || { tail -60 "$dir.build.log"; exit 1; }
  echo "fuzz tree built in $(( $(date +%s) - start )) s: $dir"
  ;;
run)
  src=$2 dir=$3 target=$4 seconds=$5 mode=${6:-fresh}
  bin="$dir/tests/fuzz/$target"
  if [ ! -x "$bin" ]; then
    have_fuzzer || { echo "SKIP: no libFuzzer runtime"; exit 77; }
    echo "missing $bin (build the fuzz tree first: sanitizer.asan.build under ctest)"; exit 1
  fi
  seeds="$src/tests/fuzz/corpus/$target"
  work="$dir/corpus/$target"
  art="$dir/artifacts"
  [ "$mode" = keep ] || rm -rf "$work"
  mkdir -p "$work" "$art"
  nseeds=$(ls "$seeds" | wc -l)
  export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0:allocator_may_return_null=1"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$src/tests/fuzz/ubsan.supp"
  log="$dir/$target.log"
  # Each target runs in the fuzz tree's own scratch directory (PRLSHIM_HOME).
  home="$dir/home-$target"; rm -rf "$home"; mkdir -p "$home"
  set +e
  PRLSHIM_HOME="$home" HOME=/nonexistent/prlshim-fuzz "$bin" -max_total_time="$seconds" -rss_limit_mb=512 -timeout=5 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$art/$target-" "$work" "$seeds" > "$log" 2>&1
  rc=$?
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  corpus_files=$(ls "$work" | wc -l)
  corpus_bytes=$(du -sb "$work" | cut -f1)
  cov=$(grep -E '^#[0-9]+' "$log" | tail -1 | sed -n 's/.*cov: \([0-9]*\).*ft: \([0-9]*\).*/cov \1 ft \2/p')
  echo "FUZZ $target: rc=$rc seconds=$seconds executions=${runs:-?} seeds=$nseeds corpus=$corpus_files files/$corpus_bytes bytes $cov"
  if [ $rc -ne 0 ]; then
    tail -80 "$log"
    ls "$art" | sed 's/^/artifact: /'
    exit 1
  fi
  ;;
*)
  echo "usage: run.sh build SRC DIR | run SRC DIR TARGET SECONDS [fresh|keep]" >&2; exit 2 ;;
esac
