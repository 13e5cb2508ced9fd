#!/bin/bash
# ctest prlctl.sequence: runs sequence.sh with our prlctl/prlsrvctl and
# compares its transcript with the one recorded from the real prlctl 9.0.26
# (expected/sequence.txt, written by side_by_side.sh --record).
# usage: check_sequence.sh BINDIR
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
actual=$(mktemp)
trap 'rm -f "$actual"' EXIT
"$HERE/sequence.sh" "$1" > "$actual" || { echo "sequence.sh failed" >&2; exit 1; }
if diff -u "$HERE/expected/sequence.txt" "$actual"; then
    echo "prlctl.sequence: $(grep -c '^\$ ' "$actual") commands, output identical to the real prlctl's"
else
    echo "prlctl.sequence: differs from the real prlctl's output (above: - real, + ours)" >&2
    exit 1
fi
