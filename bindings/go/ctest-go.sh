#!/bin/sh
# Runs one Go step of the test suite (see CMakeLists.txt here) against the
# build tree: generated | test | example. Exits 77 (skipped) without Go.
set -eu
go=${PRLSHIM_GO:-}
case "$go" in ""|*NOTFOUND) go=$(command -v go || true) ;; esac
if [ -z "$go" ] || ! [ -x "$go" ]; then
    echo "go is not installed: skipping the Go tests"
    exit 77
fi
src=$PRLSHIM_SOURCE_DIR
mkdir -p "$GOCACHE" "$GOPATH" "$GOTMPDIR"
# The Go build cache does not track the SDK headers: fold their digest into
# CGO_CFLAGS so a change to them rebuilds the package.
stamp=$(cat "$PRLSHIM_GO_INCLUDE_DIR"/*.h | cksum | cut -d' ' -f1)
export CGO_CFLAGS="-O2 -g -DPRLSHIM_HEADERS_STAMP=$stamp"

case "${1:-}" in
generated)
    cd "$src/bindings/go"
    exec "$go" run ./internal/gen -defs "$src/lib/abi/defs" -out . -check
    ;;
test)
    cd "$src/bindings/go"
    exec "$go" test -count=1 -timeout 180s ./...
    ;;
example)
    cd "$src/examples/go"
    "$go" build -o "$PRLSHIM_GO_WORK/backup_demo" ./backup_demo
    home="$PRLSHIM_GO_WORK/example-home"
    rm -rf "$home"
    PRLSHIM_HOME=$home "$PRLSHIM_GO_WORK/backup_demo"
    ;;
*)
    echo "usage: $0 generated|test|example" >&2
    exit 2
    ;;
esac
