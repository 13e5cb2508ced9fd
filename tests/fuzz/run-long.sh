#!/bin/sh
# usage: tests/fuzz/run-long.sh SECONDS [BUILD_DIR] [TARGET...]
# The on-demand long run: builds the fuzz tree (BUILD_DIR/build-fuzz, default
# BUILD_DIR = build) and runs every target (or those named) SECONDS each,
# keeping and growing the working corpus between runs. New interesting inputs
# stay in BUILD_DIR/build-fuzz/corpus/TARGET; minimise and copy the useful
# ones into tests/fuzz/corpus/TARGET to make them seeds.
set -eu
seconds=${1:?usage: run-long.sh SECONDS [BUILD_DIR] [TARGET...]}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${2:-$src/build}
[ $# -ge 2 ] && shift 2 || shift $#
targets=${*:-"fuzz_event_from_string fuzz_result_from_string fuzz_handle_from_string fuzz_config_pvs fuzz_element_meta fuzz_backup_tree"}
"$here/run.sh" build "$src" "$build/build-fuzz"
status=0
for t in $targets; do
  "$here/run.sh" run "$src" "$build/build-fuzz" "$t" "$seconds" keep || status=1
done
exit $status
