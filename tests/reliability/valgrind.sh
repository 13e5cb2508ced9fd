#!/bin/sh
# usage: valgrind.sh VALGRIND PROGRAM [ARGS...]
# Runs a C program under memcheck with its own PRLSHIM_HOME: any invalid
# access, use of uninitialised memory, or definite/indirect leak fails
# (exit 1). Threads the library parks for a later PrlApi_Init are "still
# reachable", which is not a leak.
set -eu
vg=$1; shift
home=$(mktemp -d /tmp/prlshim-valgrind-XXXXXX)
trap 'rm -rf "$home"' EXIT
log="$home.log"
set +e
PRLSHIM_HOME="$home" "$vg" --tool=memcheck --error-exitcode=1 --leak-check=full \
  --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
  --track-origins=yes --num-callers=30 --log-file="$log" "$@"
rc=$?
set -e
summary=$(grep -E "ERROR SUMMARY|definitely lost|indirectly lost|possibly lost|still reachable|total heap usage" "$log" | sed 's/^==[0-9]*== *//')
echo "VALGRIND $(basename "$1"): exit $rc"
echo "$summary"
if [ $rc -ne 0 ]; then
  cat "$log"
fi
rm -f "$log"
exit $rc
