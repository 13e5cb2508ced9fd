#!/bin/bash
# Runs the REAL prlctl/prlsrvctl (built unmodified from OpenVZ/prlctl and
# linked to prlshim's library) and ours side by side and diffs their output:
#  1. the Vagrant/Packer sequence (sequence.sh), each in a fresh state root;
#  2. the forms that depend on this host's adapters (sequence.sh host);
#  3. the --storage forms against a backup node (sequence.sh storage), when
#     PRLSHIMD names the prlshimd to run as the node;
#  4. further forms, run by both on ONE shared state root.
# Exits 77 (skipped) without a real prlctl.
#
# env: REAL_PRLCTL_DIR   directory holding the real prlctl and prlsrvctl
#      REAL_PRLCTL_LIBS  LD_LIBRARY_PATH for them (prlshim's lib dir first)
#      PRLSHIMD          prlshimd, for the --storage forms (skipped without it)
# usage: side_by_side.sh OUR_BINDIR [--record]   (--record rewrites expected/sequence.txt and
#                                                 expected/storage.txt from the real one)
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
OURS=$(cd "$1" && pwd)
[ -n "${REAL_PRLCTL_DIR:-}" ] && [ -x "$REAL_PRLCTL_DIR/prlctl" ] || { echo "no real prlctl (set REAL_PRLCTL_DIR): skipped"; exit 77; }
WORK=$(mktemp -d /tmp/prlctl-sbs.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir "$WORK/real"
for t in prlctl prlsrvctl; do
    printf '#!/bin/sh\nLD_LIBRARY_PATH="%s" exec "%s/%s" "$@"\n' "${REAL_PRLCTL_LIBS:-}" "$REAL_PRLCTL_DIR" "$t" > "$WORK/real/$t"
    chmod +x "$WORK/real/$t"
done
status=0

"$HERE/sequence.sh" "$WORK/real" > "$WORK/real.txt"
"$HERE/sequence.sh" "$OURS" > "$WORK/ours.txt"
if [ "${2:-}" = --record ]; then cp "$WORK/real.txt" "$HERE/expected/sequence.txt"; fi
if diff -u "$WORK/real.txt" "$WORK/ours.txt"; then
    echo "sequence: identical ($(grep -c '^\$ ' "$WORK/ours.txt") commands)"
else
    status=1
fi

"$HERE/sequence.sh" "$WORK/real" host > "$WORK/real-host.txt"
"$HERE/sequence.sh" "$OURS" host > "$WORK/ours-host.txt"
if diff -u "$WORK/real-host.txt" "$WORK/ours-host.txt"; then
    echo "host adapter forms: identical ($(grep -c '^\$ ' "$WORK/ours-host.txt") commands)"
else
    status=1
fi

if [ -n "${PRLSHIMD:-}" ]; then
    "$HERE/sequence.sh" "$WORK/real" storage "$PRLSHIMD" > "$WORK/real-storage.txt"
    "$HERE/sequence.sh" "$OURS" storage "$PRLSHIMD" > "$WORK/ours-storage.txt"
    if [ "${2:-}" = --record ]; then cp "$WORK/real-storage.txt" "$HERE/expected/storage.txt"; fi
    if diff -u "$WORK/real-storage.txt" "$WORK/ours-storage.txt"; then
        echo "--storage forms: identical ($(grep -c '^\$ ' "$WORK/ours-storage.txt") commands)"
    else
        status=1
    fi
fi

# Further forms on one shared state root (commands that leave the state as
# they found it; the state changes are in sequence.sh): each runs with the
# real tool, then with ours; stdout, stderr (without the product's deprecation
# warning) and the exit status must match.
export PRLSHIM_HOME="$WORK/home"
mkdir "$PRLSHIM_HOME"
cd "$WORK"
same=0 differ=0
both() {
    "$WORK/real/$1" "${@:2}" > "$WORK/a" 2> "$WORK/ae"; echo "exit: $?" >> "$WORK/a"
    [ -n "${QUIET:-}" ] && grep '^exit: ' "$WORK/a" > "$WORK/a2" && mv "$WORK/a2" "$WORK/a"
    grep -v '^WARNING: You are using a deprecated CLI component' "$WORK/ae" >> "$WORK/a"
    "$OURS/$1" "${@:2}" > "$WORK/b" 2> "$WORK/be"; echo "exit: $?" >> "$WORK/b"
    [ -n "${QUIET:-}" ] && grep '^exit: ' "$WORK/b" > "$WORK/b2" && mv "$WORK/b2" "$WORK/b"
    cat "$WORK/be" >> "$WORK/b"
    # A stopped VM's uptime start is "now": the two runs may fall in different seconds.
    sed -i -E 's/^(Uptime: ).*/\1UPTIME/; s/("Uptime": )"[0-9]+"/\1"UPTIME"/' "$WORK/a" "$WORK/b"
    if cmp -s "$WORK/a" "$WORK/b"; then
        same=$((same + 1))
    else
        differ=$((differ + 1)); status=1
        echo "DIFFERS: $*"; diff "$WORK/a" "$WORK/b" | head -20
    fi
}
"$WORK/real/prlctl" create v1 --distribution ubuntu > /dev/null 2>&1
"$OURS/prlctl" create v2 -o windows > /dev/null 2>&1
"$OURS/prlctl" set v2 --description 'quote " tab 	 end' > /dev/null 2>&1
"$OURS/prlctl" start v2 > /dev/null 2>&1
both prlsrvctl info
both prlsrvctl info -j
both prlctl list
both prlctl list -a
both prlctl list -a -o uuid,envid,home,type,name,status,dist,owner,system-flags,description,hostname,netif,mac,location,iolimit,netdev,ha_enable,ha_prio,-
both prlctl list -a -o name,mac,netif,description -j
both prlctl list -a -o ip,ip_configured
both prlctl list -a -s uuid
both prlctl list -a -s -name -H
both prlctl list -a -o name -s ha_prio
both prlctl list -a -s nosuchfield
both prlctl list -a -o nosuchfield
both prlctl list -t
both prlctl list -a -i
both prlctl list -a -i -j
both prlctl list -a -i -f
both prlctl list -i -f -j v2
both prlctl list -i -H v1
both prlctl list v2 -j
both prlctl list nosuchvm -i
both prlctl status v2
both prlctl status nosuchvm
both prlctl stop v1
both prlctl exec v2
both prlctl exec v2 ls
both prlctl enter v2
both prlctl capture v2
# Usage errors: each program prints its own usage text (docs/prlctl.md), so
# only stderr and the exit status are compared.
QUIET=1 both prlctl status
QUIET=1 both prlctl bogus v1
QUIET=1 both prlctl backup
QUIET=1 both prlctl restore
QUIET=1 both prlctl backup-delete
both prlsrvctl bogus
echo "shared state root: $same commands identical, $differ differ"
exit $status
