#!/bin/sh
# A throwaway single-node Ceph cluster for tests: one monitor (no manager:
# pools and objects do not need one) and one OSD on memstore, on loopback,
# in DIR, with cephx on: client.admin's key is in DIR/keyring, which
# DIR/ceph.conf names for every client.
#   ceph_cluster.sh start DIR   → DIR/ceph.conf; exit 77 when this machine
#                                 has no Ceph (Debian: ceph-mon ceph-osd ceph-common)
#   ceph_cluster.sh stop DIR    → stops the daemons (DIR is the caller's to remove)
set -eu
cmd=$1 dir=$2

stop() {
    for pidfile in "$dir"/run/*.pid; do
        [ -f "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        kill "$pid" 2>/dev/null || true
    done
    for pidfile in "$dir"/run/*.pid; do
        [ -f "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
        rm -f "$pidfile"
    done
}

if [ "$cmd" = stop ]; then stop; exit 0; fi

for tool in ceph-mon ceph-osd ceph monmaptool ceph-authtool; do
    if ! command -v $tool >/dev/null 2>&1; then
        echo "no Ceph on this machine ($tool missing; Debian: ceph-mon ceph-osd ceph-common)"
        exit 77
    fi
done

mkdir -p "$dir/mon" "$dir/osd" "$dir/run" "$dir/log"
fsid=$(cat /proc/sys/kernel/random/uuid)
# A free port of loopback: let the kernel pick one.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$dir/ceph.conf" <<CONF
[global]
fsid = $fsid
mon host = v2:127.0.0.1:$port
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
keyring = $dir/keyring
ms bind ipv4 = true
ms bind ipv6 = false
public addr = 127.0.0.1
osd objectstore = memstore
memstore device bytes = 2147483648
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
osd max object name len = 2048
run dir = $dir/run
pid file = $dir/run/\$name.pid
log file = $dir/log/\$name.log
admin socket = $dir/run/\$name.asok
mon data = $dir/mon
osd data = $dir/osd
CONF
# The monitor's key and client.admin's in one keyring; the OSD's made by client.admin.
ceph-authtool --create-keyring "$dir/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-authtool "$dir/keyring" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' >/dev/null
monmaptool --create --addv a "[v2:127.0.0.1:$port]" --fsid "$fsid" "$dir/monmap" >/dev/null
ceph-mon --mkfs -i a --monmap "$dir/monmap" -c "$dir/ceph.conf" --keyring "$dir/keyring"
ceph-mon -i a -c "$dir/ceph.conf"
# No manager: pools and objects need only the monitor and the OSD.
osd=$(ceph -c "$dir/ceph.conf" osd create)
ceph -c "$dir/ceph.conf" auth get-or-create "osd.$osd" mon 'allow profile osd' osd 'allow *' -o "$dir/osd/keyring"
ceph-osd -i "$osd" --mkfs -c "$dir/ceph.conf" --keyring "$dir/osd/keyring" >/dev/null 2>&1
ceph-osd -i "$osd" -c "$dir/ceph.conf" --keyring "$dir/osd/keyring" 2>/dev/null
echo "Ceph cluster on 127.0.0.1:$port in $dir"
