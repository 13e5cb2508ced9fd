#!/bin/bash
# ctest prlctl.sequence (and prlctl.storage_sequence): runs sequence.sh with
# our prlctl/prlsrvctl and compares its transcript with the one recorded from
# the real prlctl 9.0.26 (expected/sequence.txt, or expected/storage.txt for
# the --storage forms against a backup node; written by side_by_side.sh --record).
# usage: check_sequence.sh BINDIR [storage PRLSHIMD]
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
expected=$HERE/expected/${2:-sequence}.txt
actual=$(mktemp)
trap 'rm -f "$actual"' EXIT
"$HERE/sequence.sh" "$@" > "$actual" || { echo "sequence.sh failed" >&2; exit 1; }
if diff -u "$expected" "$actual"; then
    echo "$(basename "$expected"): $(grep -c '^\$ ' "$actual") commands, output identical to the real prlctl's"
else
    echo "$(basename "$expected"): differs from the real prlctl's output (above: - real, + ours)" >&2
    exit 1
fi
