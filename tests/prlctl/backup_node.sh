#!/bin/bash
# prlctl --storage against a backup node (docs/backup-node.md): a prlshimd
# on 127.0.0.2 (a loopback address prlctl does not take for this host, so it
# logs in over TLS as to another host) keeps the backups a source sends; the
# source is the embedded service of another state root. With NODE_REPOSITORY
# set (rados:POOL, under tests/support/with_ceph.sh), the node keeps them there.
# usage: backup_node.sh BINDIR PRLSHIMD
set -eu
[ -n "${TRACE_TIMES:-}" ] && PS4="+ \$(date +%s.%N | cut -c7-14) " && set -x
BIN=$1 DAEMON=$2
WORK=$(mktemp -d /tmp/prlctl-node.XXXXXX)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

mkdir "$WORK/node" "$WORK/source"
echo "node password" | "$DAEMON" --home "$WORK/node" --add-user alice >/dev/null
REPOSITORY=${NODE_REPOSITORY:-}
POOL=${REPOSITORY#rados:}
POOL=${POOL#*@}  # rados:[USER@]POOL
"$DAEMON" --home "$WORK/node" --listen 127.0.0.2:0 --admin alice ${REPOSITORY:+--repository "$REPOSITORY"} \
    --foreground >"$WORK/banner" 2>"$WORK/node.log" &
PID=$!
for _ in $(seq 100); do grep -q "serving" "$WORK/banner" 2>/dev/null && break; sleep 0.1; done
PORT=$(sed -n 's/.* on 127\.0\.0\.2:\([0-9]*\) and.*/\1/p' "$WORK/banner")
[ -n "$PORT" ] || fail "the node did not start: $(cat "$WORK/banner" "$WORK/node.log")"
STORAGE="alice:node password@127.0.0.2:$PORT"

export PRLSHIM_HOME=$WORK/source PRLSHIM_EMBEDDED=1
"$BIN/prlctl" create noded --vmtype vm >/dev/null
IMAGE=$WORK/source/vms/noded.pvm/harddisk.hdd
dd if=/dev/urandom of="$IMAGE" bs=4096 count=2048 conv=notrunc status=none

out=$("$BIN/prlctl" backup noded -f --storage "$STORAGE")
FULL=$(sed -n 's/.*backup id \({[^}]*}\).*/\1/p' <<<"$out")
[ -n "$FULL" ] || fail "no backup id in: $out"
# What the node keeps: its objects in the pool, or its directory.
node_has_vms() {
    if [ -n "$REPOSITORY" ]; then
        rados -p "$POOL" listomapkeys "dir:vms" 2>/dev/null | grep -q .
    else
        [ -d "$WORK/node/backups/vms" ]
    fi
}
node_has_vms || fail "nothing in the node's repository"
[ ! -d "$WORK/source/backups/vms" ] || fail "the backup went to the source's own repository"
cp --sparse=always "$IMAGE" "$WORK/full.img"

dd if=/dev/urandom of="$IMAGE" bs=4096 count=16 seek=700 conv=notrunc status=none
out=$("$BIN/prlctl" backup noded -i --storage "$STORAGE")
grep -q "backup id $FULL.2" <<<"$out" || fail "the incremental is not $FULL.2: $out"

list=$("$BIN/prlctl" backup-list --storage "$STORAGE")
grep -q "$FULL " <<<"$list" || fail "backup-list lacks the full: $list"
grep -q "$FULL.2 " <<<"$list" || fail "backup-list lacks the incremental: $list"

# The disk as it was at the full backup, from the node.
dd if=/dev/urandom of="$IMAGE" bs=4096 count=64 conv=notrunc status=none
"$BIN/prlctl" restore noded -t "$FULL" --storage "$STORAGE" >/dev/null
# (The disk is 64 GiB, sparse: its data is in the first 8 MiB.)
[ "$(stat -c %s "$IMAGE")" = "$(stat -c %s "$WORK/full.img")" ] || fail "the restored disk has another size"
cmp -s -n $((16 << 20)) "$IMAGE" "$WORK/full.img" || fail "the restored disk differs from the backed-up one"

# A container: its private area's files, to the node and back over a damaged tree.
"$BIN/prlctl" create noded-ct --vmtype ct >/dev/null
CT=$WORK/source/cts/noded-ct
truncate -s 8M "$CT/harddisk.hdd"  # sparse, as made, but small enough to checksum here
mkdir -p "$CT/etc/app"
echo "listen 8080" >"$CT/etc/app/app.conf"
head -c 3000000 /dev/urandom >"$CT/data.bin"
ln -s etc/app/app.conf "$CT/current.conf"
chmod 0700 "$CT/etc/app"
tree_of() {  # every entry but config.pvs (its kind, mode, link target), and the files' contents
    (cd "$CT" && find . -path ./config.pvs -prune -o -printf '%p %y %m %l\n' | sort &&
        find . -type f ! -name config.pvs -print0 | sort -z | xargs -0 sha256sum)
}
before=$(tree_of)
out=$("$BIN/prlctl" backup noded-ct --storage "$STORAGE")
CTID=$(sed -n 's/.*backup id \({[^}]*}\).*/\1/p' <<<"$out")
[ -n "$CTID" ] || fail "no backup id for the container in: $out"
[ ! -d "$WORK/source/backups/vms" ] || fail "the container's backup went to the source's own repository"
rm -rf "$CT/etc"
echo gone >"$CT/data.bin"
"$BIN/prlctl" restore noded-ct -t "$CTID" --storage "$STORAGE" >/dev/null
[ "$(tree_of)" = "$before" ] || fail "the container's restored tree differs from the backed-up one"
"$BIN/prlctl" backup-delete -t "$CTID" --storage "$STORAGE" >/dev/null

"$BIN/prlctl" backup-delete -t "$FULL" --storage "$STORAGE" >/dev/null
list=$("$BIN/prlctl" backup-list --storage "$STORAGE")
grep -q "$FULL" <<<"$list" && fail "backup-delete left: $list"
if [ -n "$REPOSITORY" ]; then
    packs=$(rados -p "$POOL" listomapkeys "dir:store/packs" 2>/dev/null | wc -l)
    [ "$packs" -eq 0 ] || fail "backup-delete left $packs packs in the pool"
fi
echo "prlctl --storage: full, incremental, list, restore and delete of a VM, and a container, through the node${REPOSITORY:+ ($REPOSITORY)}: ok"
