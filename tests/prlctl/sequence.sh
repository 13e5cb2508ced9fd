#!/bin/bash
# Runs a Vagrant/Packer-style sequence of prlctl and prlsrvctl calls in a fresh
# PRLSHIM_HOME and prints a normalized transcript: each command, its stdout,
# its stderr (lines prefixed "! "), and its exit status. UUIDs, MAC addresses,
# dates, uptimes and the state root are replaced by stable tokens so that two
# runs (ours and the real prlctl's, or ours and the recorded one) compare.
#
# usage: sequence.sh BINDIR [host | storage PRLSHIMD]   (BINDIR holds prlctl and prlsrvctl)
# With "host", runs instead the forms whose output depends on this host's
# network adapters (side_by_side.sh compares them; they are not recorded).
# With "storage", runs instead the --storage forms against a backup node: the
# prlshimd PRLSHIMD on 127.0.0.2 (expected/storage.txt).
# The caller sets LD_LIBRARY_PATH when BINDIR's programs need it.
set -u
BIN=$(cd "$1" && pwd)
export PRLSHIM_HOME=$(mktemp -d /tmp/prlctl-seq.XXXXXX)
trap 'rm -rf "$PRLSHIM_HOME"' EXIT
cd "$PRLSHIM_HOME"
RAW=$PRLSHIM_HOME/transcript.raw
: > "$RAW"

# --help: only its first line, the version line libvirt's vz driver reads
# (the rest is each program's own usage text).
run_version_line() {
    local out rc
    out=$("$BIN/$1" "${@:2}" 2>/dev/null | head -n 1); rc=${PIPESTATUS[0]}
    printf '$ %s\n%s\nexit: %s\n' "$*" "$out" "$rc" >> "$RAW"
}

run() {
    local out err rc
    out=$(mktemp) err=$(mktemp)
    "$BIN/$1" "${@:2}" >"$out" 2>"$err"; rc=$?
    {
        echo "\$ $*"
        cat "$out"
        # The product's deprecation warning (docs/prlctl.md) is not compared.
        grep -v '^WARNING: You are using a deprecated CLI component' "$err" | sed 's/^/! /'
        echo "exit: $rc"
    } >> "$RAW"
    rm -f "$out" "$err"
}
# prlsrvctl info's preference lines only (the rest names this host).
run_prefs() {
    { echo "\$ prlsrvctl info (preferences)"; "$BIN/prlsrvctl" info 2>&1 | sed -n '/^Vcmmd policy/,/^Verbose log/p'; } >> "$RAW"
}
uuid_of() { "$BIN/prlctl" list -a -H -o uuid,name 2>/dev/null | awk -v n="$1" '$2 == n {print $1}'; }
# A fact about the state root, checked the same way for either prlctl.
on_disk() { printf '# on disk: %s\n' "$*" >> "$RAW"; }
# Disks are large sparse files: same size, and the same bytes in the first 16 MiB (where the test writes).
same_bytes() {
    [ "$(stat -c %s "$1")" = "$(stat -c %s "$2" 2>/dev/null)" ] && cmp -s -n 16777216 "$1" "$2" \
        && on_disk "$3: same bytes" || on_disk "$3: DIFFERENT or missing"
}
# Backup ids, in backup-list's order.
backup_ids() { "$BIN/prlctl" backup-list -H 2>/dev/null | awk '{print $2}'; }
# A restored VM's bundle on disk: its config and disk image, as files.
check_bundle() {
    local b="$PRLSHIM_HOME/vms/$1.pvm"
    { echo "\$ (on disk) $1.pvm"; for f in config.pvs harddisk.hdd; do
        if [ -s "$b/$f" ]; then echo "$f: present"; else echo "$f: missing"; fi; done; } >> "$RAW"
}
# The VM's snapshot ids, in the list's order (parents first).
snapshot_ids() { "$BIN/prlctl" snapshot-list "$1" -H 2>/dev/null | awk '{print $NF}' | tr -d '*'; }

# The forms that name this host's adapter with the default route (the
# default "Bridged" network is bound to it): "host" mode only.
host_forms() {
    local nic
    nic=$(awk 'NR > 1 && $2 == "00000000" && $8 == "00000000" {print $1; exit}' /proc/net/route)
    [ -n "$nic" ] || { echo "no adapter with a default route" >> "$RAW"; return; }
    run prlsrvctl net list
    run prlsrvctl net list -j
    run prlsrvctl net info Bridged
    run prlsrvctl net info Bridged -j
    run prlsrvctl net add br1 -t bridged -i "$nic"
    run prlsrvctl net set Bridged -t host-only
    run prlsrvctl net add br1 -t bridged -i "$nic"
    run prlsrvctl net info br1
    run prlsrvctl net set br1 -i "$nic"
    run prlsrvctl net add hn1 -t host-only -i "$nic"
    run prlsrvctl net addif br2 "$nic"
    run prlsrvctl net delif "$nic"
    run prlsrvctl net list
    run prlsrvctl net del br1
    run prlsrvctl net list --no-slave
}

# prlctl --storage USER:PASSWORD@HOST:PORT against a backup node (a prlshimd
# on 127.0.0.2, which prlctl does not take for this host, so it logs in over
# TLS as to another host); the VM's disk holds data in its first MiB.
storage_forms() {
    local NODE_HOME=$PRLSHIM_HOME/node
    mkdir "$NODE_HOME"
    echo "node password" | "$1" --home "$NODE_HOME" --add-user alice >/dev/null 2>&1
    "$1" --home "$NODE_HOME" --listen 127.0.0.2:0 --admin alice --foreground \
        >"$NODE_HOME/banner" 2>"$NODE_HOME/log" &
    local node=$! _
    for _ in $(seq 100); do grep -q serving "$NODE_HOME/banner" 2>/dev/null && break; sleep 0.1; done
    NODE_PORT=$(sed -n 's/.* on 127\.0\.0\.2:\([0-9]*\) and.*/\1/p' "$NODE_HOME/banner")
    [ -n "$NODE_PORT" ] || { echo "the node did not start: $(cat "$NODE_HOME/log")" >> "$RAW"; return; }
    local s="alice:node password@127.0.0.2:$NODE_PORT"
    run prlctl create vm1 --vmtype vm
    local disk=$PRLSHIM_HOME/vms/vm1.pvm/harddisk.hdd
    head -c 1048576 /dev/urandom | dd of="$disk" conv=notrunc status=none
    cp --sparse=always "$disk" "$PRLSHIM_HOME/at-full.hdd"
    run prlctl backup vm1 --storage "$s" --description "to the node"
    [ -d "$PRLSHIM_HOME/backups/vms" ] && on_disk "the source's repository: used" || on_disk "the source's repository: unused"
    printf 'changed' | dd of="$disk" bs=1 seek=4096 conv=notrunc status=none
    cp --sparse=always "$disk" "$PRLSHIM_HOME/at-increment.hdd"
    run prlctl backup vm1 -i --storage "$s"
    local full
    full=$("$BIN/prlctl" backup-list -H --storage "$s" 2>/dev/null | awk 'NR == 1 {print $2}')
    run prlctl backup-list --storage "$s"
    run prlctl backup-list -H --storage "$s"
    run prlctl backup-list -f --storage "$s"
    run prlctl backup-list vm1 --storage "$s"
    run prlctl backup-list --vmtype ct --storage "$s"
    run prlctl backup-list nosuchvm --storage "$s"
    run prlctl restore vm1 -t "$full" --storage "$s"
    same_bytes "$PRLSHIM_HOME/at-full.hdd" "$disk" "vm1's disk restored from the full"
    run prlctl restore -t "$full" -n vm1copy --storage "$s"
    check_bundle vm1copy
    same_bytes "$PRLSHIM_HOME/at-full.hdd" "$PRLSHIM_HOME/vms/vm1copy.pvm/harddisk.hdd" "vm1copy's disk"
    run prlctl restore vm1 -t "$full.2" --storage "$s"
    same_bytes "$PRLSHIM_HOME/at-increment.hdd" "$disk" "vm1's disk restored from the increment"
    run prlctl list -a
    run prlctl backup vm1 --storage "alice:wrong@127.0.0.2:$NODE_PORT"
    run prlctl backup vm1 --storage "bob:node password@127.0.0.2:$NODE_PORT"
    run prlctl backup-list --storage "alice:wrong@127.0.0.2:$NODE_PORT"
    run prlctl backup vm1 --storage "alice:node password@127.0.0.2:1"
    run prlctl restore vm1 -t "{00000000-0000-0000-0000-000000000001}" --storage "$s"
    run prlctl backup-delete -t "{00000000-0000-0000-0000-000000000001}" --storage "$s"
    run prlctl create c1 --vmtype ct
    echo "a file of the container" > "$PRLSHIM_HOME/cts/c1/file.txt"
    run prlctl backup c1 --storage "$s"
    rm "$PRLSHIM_HOME/cts/c1/file.txt"
    run prlctl restore c1 -t "$("$BIN/prlctl" backup-list c1 -H --storage "$s" 2>/dev/null | awk '{print $2}')" --storage "$s"
    [ -f "$PRLSHIM_HOME/cts/c1/file.txt" ] && on_disk "c1's file: restored" || on_disk "c1's file: missing"
    run prlctl backup-delete c1 --storage "$s"
    run prlctl backup-delete -t "$full.2" --storage "$s"
    run prlctl backup-list --storage "$s"
    run prlctl backup-delete vm1 --storage "$s"
    run prlctl backup-list --storage "$s"
    kill "$node"; wait "$node" 2>/dev/null
}

# Normalize: the state root, UUIDs (numbered in order of appearance), MACs,
# dates, uptimes, EnvIDs.
normalize() {
python3 - "$RAW" "$PRLSHIM_HOME" "${NODE_PORT:-}" <<'PY'
import re, socket, sys
text = open(sys.argv[1]).read().replace(sys.argv[2], "$HOME")
if sys.argv[3]:  # storage: the node's port
    text = text.replace("127.0.0.2:" + sys.argv[3], "127.0.0.2:PORT")
# The host's name in backup-list (the table's Node column, -f's Host line).
host = socket.gethostname()
text = re.sub(r"(?<=[}0-9] )" + re.escape(host) + r" *(?= \d{4}-)", "HOST".ljust(20), text)
text = re.sub(r"^Host: " + re.escape(host) + "$", "Host: HOST", text, flags=re.M)
uuids = {}
def uuid(m):
    return "UUID%d" % uuids.setdefault(m.group(0).lower(), len(uuids) + 1)
text = re.sub(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", uuid, text)
text = re.sub(r"\b001C42[0-9A-F]{6}\b", "MAC", text)
text = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", "DATE", text)
text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "ISODATE", text)  # a backup's time
# A backup's stored size: compressed metadata holding UUIDs and times varies
# by a few bytes from run to run (the disks' sizes do not).
text = re.sub(r"^(\{.* ISODATE +[fi]) +\d+$", lambda m: m.group(1) + " " + "SIZE".rjust(10), text, flags=re.M)
text = re.sub(r"^Size: \d+$", "Size: SIZE", text, flags=re.M)
text = re.sub(r"(Uptime: )\S+", r"\1UPTIME", text)
text = re.sub(r'("Uptime": )"\d+"', r'\1"UPTIME"', text)
text = re.sub(r'(EnvID"?: "?)\d+', r"\1ENVID", text)
text = re.sub(r"^(prlsrvctl version 9\.0)\.\d+$", r"\1.N", text, flags=re.M)
text = re.sub(r"set cpu cores\(\d+\)", "set cpu cores(HOSTCPUS)", text)  # the host's CPU count
text = re.sub(r'("?Owner"?: "?)[^"\n]*', r"\1OWNER", text)               # the user running the test
import os, pwd
me = pwd.getpwuid(os.geteuid()).pw_name                                   # prlsrvctl user list: that user
text = re.sub(r"^" + re.escape(me) + r" *(?= (allow|deny) )", "USER".ljust(16)[:-1], text, flags=re.M)
text = text.replace('"NAME": "%s"' % me, '"NAME": "USER"')
sys.stdout.write(text)
PY
}

if [ "${2:-}" = storage ]; then
    storage_forms "$3"
    normalize
    exit 0
fi
if [ "${2:-}" = host ]; then
    host_forms
    cat "$RAW"
    exit 0
fi

run_version_line prlsrvctl --help
run prlctl list --all --info --json
run prlctl list -a
run prlctl create vm1 --vmtype vm --ostype linux
run prlctl create vm2 --distribution win-2012
run prlctl create vm3 -d list
run prlctl create vm3 -o list
run prlctl create vm3 --distribution nosuch
run prlctl create vm3 --ostype nosuch
run prlctl create vm3 --chipset foo
run prlctl create vm3 -d debian --dst ./relative
run prlctl create vm3 -d debian --dst nonexistent
U=$(uuid_of vm1)
run prlctl list
run prlctl list -a
run prlctl list -a -H
run prlctl list -H -o uuid,status,name
run prlctl list -a -H -o name,status,uuid
run prlctl list -a -o name,status,type,description
run prlctl list -a -s -name
run prlctl list -a -j
run prlctl list -a -o name,uuid -j
run prlctl list --all --info --json
run prlctl list "$U" --info --no-header --json
run prlctl list "$U" --full --json
run prlctl list -i vm1
run prlctl list -i "$U"
run prlctl list -i -f vm1
run prlctl list -a -o nosuchfield
run prlctl list nosuchvm
run prlctl set vm1 --memsize 2048
run prlctl set vm1 --cpus 2
run prlctl set vm1 --description "a test VM"
run prlctl set vm1 --name vm1renamed
run prlctl set vm1renamed --name vm1
run prlctl list -a -o name,description
run prlctl snapshot-list vm1
run prlctl snapshot vm1 -n first -d "before the change"
run prlctl snapshot vm1 -n second
S1=$(snapshot_ids vm1 | sed -n 1p); S2=$(snapshot_ids vm1 | sed -n 2p)
run prlctl snapshot-list vm1
run prlctl snapshot-list vm1 -H
run prlctl snapshot-list vm1 -t
run prlctl snapshot-list vm1 -i "$S1"
run prlctl snapshot-switch vm1 -i "$S1"
run prlctl snapshot vm1 -n third
run prlctl snapshot vm1 -n fourth
run prlctl snapshot-list vm1
run prlctl snapshot-list vm1 -t
run prlctl snapshot-list vm1 --id "${S2:1:36}"
run prlctl snapshot-switch vm1 -i "{00000000-0000-0000-0000-000000000000}"
run prlctl snapshot-switch vm1 -i notauuid
run prlctl snapshot-delete vm1
run prlctl snapshot-delete vm1 -i "$S2"
run prlctl snapshot-list vm1 -t
run prlctl snapshot-delete vm1 -i "$S1" -c
run prlctl snapshot-list vm1
# Clones: a copy, a template, a linked clone; their disks hold vm1's bytes.
head -c 1048576 /dev/urandom | dd of="$PRLSHIM_HOME/vms/vm1.pvm/harddisk.hdd" bs=1M seek=3 conv=notrunc status=none
run prlctl clone vm1 --name copy1
run prlctl clone vm1 --name tmpl1 --template
run prlctl clone vm1 -n linked1 --linked
same_bytes "$PRLSHIM_HOME/vms/vm1.pvm/harddisk.hdd" "$PRLSHIM_HOME/vms/copy1.pvm/harddisk.hdd" "copy1's disk"
same_bytes "$PRLSHIM_HOME/vms/vm1.pvm/harddisk.hdd" "$PRLSHIM_HOME/vms/tmpl1.pvm/harddisk.hdd" "tmpl1's disk"
run prlctl list -a
run prlctl list -a -t
run prlctl start tmpl1
run prlctl clone tmpl1 --name fromtmpl
run prlctl list -a -H -o name,status
run prlctl clone vm1
run prlctl clone vm1 --name copy1
run prlctl clone nosuchvm --name x
run prlctl clone vm1 --name x --dst ./relative
run prlctl clone vm1 --name x --dst nonexistent
run prlctl clone vm1 --name x --detach-external-hdd maybe
run prlctl clone vm1 --name x --bogus
run prlctl delete linked1
run prlctl delete fromtmpl
run prlctl delete tmpl1
run prlctl delete copy1
run prlctl status vm1
run prlctl start vm1
run prlctl status vm1
run prlctl list
run prlctl list -H -o uuid,status,name
run prlctl start vm1
run prlctl pause vm1
run prlctl status vm1
run prlctl resume vm1
run prlctl suspend vm1
run prlctl status vm1
run prlctl resume vm1
run prlctl restart vm1
run prlctl reset vm1
run prlctl exec vm1 ls /
run prlctl enter vm1
run prlctl capture vm1 --file "$PRLSHIM_HOME/shot.png"
run prlctl list "$U" --info --no-header --json
run prlctl stop vm1
run prlctl stop vm1
run prlctl start vm1
run prlctl stop vm1 --kill
run prlctl status vm1
run prlctl unregister vm1
run prlctl list -a -H -o name,status
run prlctl register "$PRLSHIM_HOME/vms/vm1.pvm"
run prlctl list -a -H -o name,status
run prlctl backup-list
run prlctl backup vm1 -f --description "the first full"
run prlctl backup vm1
run prlctl backup vm1 -i -u --no-tunnel
B1=$(backup_ids | sed -n 1p); B3=$(backup_ids | sed -n 3p)
run prlctl backup-list
run prlctl backup-list -H
run prlctl backup-list -f
run prlctl backup-list vm1
run prlctl backup-list vm2 -f
run prlctl backup-list "$U"
run prlctl backup-list --vmtype ct
run prlctl backup-list --vmtype vm -H --localvms
run prlctl backup-list --vmtype xx
run prlctl backup-list nosuchvm
run prlctl backup-list "{00000000-0000-0000-0000-000000000000}"
run prlctl restore --list
run prlctl restore --list -f -t "$B3"
run prlctl restore -l
run prlctl restore vm1 -n vm1copy
run prlctl list -a -H -o name,status
check_bundle vm1copy
run prlctl restore vm1
check_bundle vm1
run prlctl restore -t "$B1"
run prlctl restore -t "$B3" -n vm1third
check_bundle vm1third
run prlctl restore -t "{00000000-0000-0000-0000-000000000000}"
run prlctl restore -t garbage
run prlctl restore "00000000-0000-0000-0000-000000000000"
run prlctl restore nosuchvm
run prlctl restore vm1 vm2
run prlctl restore vm1 --bogus
run prlctl restore --bogus vm1
run prlctl restore vm1 --dst ./relative
run prlctl restore -n lonely
run prlctl backup nosuchvm
run prlctl backup vm1 --bogus
run prlctl backup -f vm1
run prlctl backup vm1 -d
run prlctl backup vm1 --uuid notauuid
run prlctl backup vm1 -s x
run prlctl backup vm1 -s user:secret@remotehost
run prlctl backup vm1 --description
run prlctl backup-delete -t "$B3" --keep-chain
run prlctl backup-delete -t "{00000000-0000-0000-0000-000000000000}"
run prlctl backup-delete nosuchvm
run prlctl backup-delete "00000000-0000-0000-0000-000000000000"
run prlctl backup-delete vm1copy
run prlctl backup vm2 --full
run prlctl backup-delete vm1
run prlctl backup-list
run prlctl backup-delete -t "$B1"
run prlctl backup-list -H
run prlctl delete vm1copy
run prlctl delete vm1third
run prlctl delete vm2
run prlctl delete vm1
run prlctl status vm1
run prlctl start nosuchvm
run prlctl list --all --info --json
# prlsrvctl user: the list in its forms, then a new default VM folder that
# create then uses (checked on disk).
run prlsrvctl user list
run prlsrvctl user list -o uuid,name,sessions -j
run prlsrvctl user list -H -s def_vm_home
run prlsrvctl user list -o foo
run prlsrvctl user list -s foo
run prlsrvctl user foo
run prlsrvctl user set --def-vm-home /nonexistent/dir
mkdir "$PRLSHIM_HOME/otherhome"
run prlsrvctl user set --def-vm-home "$PRLSHIM_HOME/otherhome"
run prlsrvctl user list
run prlctl create vm4 -d debian
[ -s "$PRLSHIM_HOME/otherhome/vm4.pvm/config.pvs" ] && on_disk "vm4 in the new default folder" || on_disk "vm4 NOT in the new default folder"
run prlctl delete vm4

# prlctl set beyond name/cpus/memsize/description: checked values, the
# product's order of messages, devices removed and the boot order, seen in
# list -i (and -j).
run prlctl create vm6 -d ubuntu
run prlctl set vm6
run prlctl set vm6 --cpus 0
run prlctl set vm6 --cpus 2 --cpu-sockets 2
run prlctl set vm6 --cpu-sockets 0
run prlctl set vm6 --cpu-sockets x
run prlctl set vm6 --device-bootorder "net0 nosuch"
run prlctl set vm6 --device-bootorder ""
run prlctl set vm6 --device-bootorder "cdrom0 hdd0"
run prlctl set vm6 --device-bootorder "net0 hdd0 cdrom0"
run prlctl set vm6 --device-del cdrom0
run prlctl set vm6 --device-del cdrom0
run prlctl set vm6 --device-del "usb net0"
run prlctl set vm6 --autostart on
run prlctl set vm6 --onboot yes
run prlctl set vm6 --autostart bogus
run prlctl set vm6 --autostart-delay 10
run prlctl set vm6 --autostart-delay x
run prlctl set vm6 --autostop suspend
run prlctl set vm6 --autostop shutdown
run prlctl set vm6 --startup-view headless
run prlctl set vm6 --startup-view window
run prlctl set vm6 --on-crash restart:no-report
run prlctl set vm6 --on-crash pause:foo
run prlctl set vm6 --on-shutdown close
run prlctl set vm6 --on-shutdown bar
run prlctl set vm6 --template on
run prlctl list -a -t
run prlctl set vm6 --template off
run prlctl set vm6 --template maybe
run prlctl set vm6 --ha-enable no
run prlctl set vm6 --ha-prio x
run prlctl set vm6 --videosize 64
run prlctl set vm6 --videosize 0
run prlctl set vm6 --tools-autoupdate off
run prlctl set vm6 --distribution centos
run prlctl set vm6 --distribution nosuch
run prlctl set vm6 --distribution list
run prlctl set vm6 --cpuunits 500
run prlctl set vm6 --cpuunits 0
run prlctl set vm6 --cpulimit 100m
run prlctl set vm6 --cpulimit 25%
run prlctl set vm6 --cpulimit x
run prlctl set vm6 --ioprio 6
run prlctl set vm6 --ioprio 9
run prlctl set vm6 --iolimit 10M
run prlctl set vm6 --iopslimit 100
run prlctl set vm6 --efi-boot on --select-boot-device on
run prlctl set vm6 --memsize 2048 --name vm7 --description d --autostart off --cpus 1 --ioprio 3
run prlctl list -i vm7
run prlctl list -i -j vm7
# --device-set of a network adapter and an optical drive.
truncate -s 1M "$PRLSHIM_HOME/disc.iso"
run prlctl set vm7 --device-set net0 --network Bridged
run prlctl set vm7 --device-set net0 --network NoSuchNet
run prlctl set vm7 --device-set net0 --network Host-Only --mac 001C42AABBCC
run prlctl set vm7 --device-set net0 --mac zz
run prlctl set vm7 --device-set net0 --ipadd 10.0.0.5/24
run prlctl set vm7 --device-set net0 --ipadd 10.0.0.6 --ipadd fd00::0:1/64
run prlctl set vm7 --device-set net0 --ipdel 10.0.0.5
run prlctl set vm7 --device-set net0 --ipadd bogus
run prlctl set vm7 --device-set net0 --dhcp yes
run prlctl set vm7 --device-set net0 --dhcp maybe
run prlctl set vm7 --device-set net0 --dhcp6 on --gw 10.0.0.1
run prlctl set vm7 --device-set net0 --gw bogus
run prlctl set vm7 --device-set net0 --ipdel all
run prlctl set vm7 --device-set net0 --disconnect
run prlctl set vm7 --device-set net0 --connect --disable
run prlctl set vm7 --device-set net0 --connect --disconnect
run prlctl set vm7 --device-set net0 --disconnect --connect
run prlctl set vm7 --device-set net0 --enable --connect
run prlctl set vm7 --device-set net9 --connect
run prlctl set vm7 --device-set bogus0 --connect
run prlctl set vm7 --device-set cdrom0 --image "$PRLSHIM_HOME/disc.iso"
run prlctl set vm7 --device-set cdrom0 --disconnect
run prlctl set vm7 --device-set net0
run prlctl set vm7 --network Bridged
run prlctl set vm7 --ipadd 10.0.0.9
run prlctl list -i vm7
run prlctl list -i -j vm7
# --device-add: adapters, a drive with an image, new disks (made on disk).
run prlctl set vm7 --device-add net
run prlctl set vm7 --device-add net --network Host-Only --mac 001C42AABBCD
run prlctl set vm7 --device-add net --type routed
run prlctl set vm7 --device-add net --type shared
run prlctl set vm7 --device-add net --network Nope --ipadd 10.1.1.1/24
run prlctl set vm7 --device-add cdrom
run prlctl set vm7 --device-add cdrom --image "$PRLSHIM_HOME/disc.iso"
run prlctl set vm7 --device-add hdd --size 2048
run prlctl set vm7 --device-add hdd --size 1G
run prlctl set vm7 --device-add hdd --size x
run prlctl set vm7 --device-add floppy
run prlctl set vm7 --device-add net --device-set net0
run prlctl set vm7 --device-set net0 --device-add net
run prlctl list -i vm7
VM7_HOME=$("$BIN/prlctl" list -i vm7 2>/dev/null | sed -n 's/^Home: //p')
for n in 1 2; do
    f="${VM7_HOME}harddisk$n.hdd"
    [ -f "$f" ] && on_disk "harddisk$n.hdd: $(stat -c %s "$f") bytes" || on_disk "harddisk$n.hdd: missing"
done
run prlctl set vm7 --device-del "hdd1 hdd2 net4"
[ -e "${VM7_HOME}harddisk1.hdd" ] && on_disk "harddisk1.hdd kept after --device-del" \
    || on_disk "harddisk1.hdd gone after --device-del"
run prlctl list -i vm7
run prlctl set nosuch --autostart bogus
run prlctl set nosuch --autostart on
run prlctl delete vm7

# prlctl set's VM settings: CPU and memory options, display, the guest's
# network, remote display, rates, password-protected commands, on/off
# settings; each bad value's message; all of them seen in list -i (and -j).
run prlctl create vm8 -d ubuntu
run prlctl set vm8 --numa-nodes x
run prlctl set vm8 --numa-nodes 2
run prlctl set vm8 --cpu-hotplug maybe
run prlctl set vm8 --cpu-hotplug on --mem-hotplug yes
run prlctl set vm8 --mem-hotplug maybe
run prlctl set vm8 --cpumask 0
run prlctl set vm8 --cpumask bogus
run prlctl set vm8 --cpumask all --nodemask 0
run prlctl set vm8 --3d-accelerate bogus
run prlctl set vm8 --3d-accelerate highest --vertical-sync off
run prlctl set vm8 --vertical-sync yes
run prlctl set vm8 --high-resolution on
run prlctl set vm8 --high-resolution x
run prlctl set vm8 --memquota 10
run prlctl set vm8 --memguarantee 50
run prlctl set vm8 --memguarantee lots
run prlctl list -i vm8
run prlctl set vm8 --memguarantee auto
run prlctl set vm8 --on-window-close ask
run prlctl set vm8 --on-window-close bogus
run prlctl set vm8 --system-flags "vm.flag=1"
run prlctl set vm8 --features nfs:on
run prlctl set vm8 --hostname guest1 --nameserver "8.8.8.8,1.1.1.1" --searchdomain "a.example b.example"
run prlctl set vm8 --apply-iponly on
run prlctl set vm8 --apply-iponly x
run prlctl set vm8 --searchdomain ""
run prlctl set vm8 --vnc-mode bogus
run prlctl set vm8 --vnc-port x
run prlctl set vm8 --vnc-mode auto
run prlctl set vm8 --vnc-mode manual --vnc-nopasswd
run prlctl set vm8 --vnc-mode manual --vnc-passwd secret --vnc-port 5901 --vnc-address 127.0.0.1
run prlctl set vm8 --vnc-mode auto --vnc-nopasswd
run prlctl set vm8 --vnc-mode off
run prlctl set vm8 --rate 1:100 --rate 2:200 --ratebound on
run prlctl set vm8 --rate x
run prlctl set vm8 --rate 1:2:3
run prlctl set vm8 --require-pwd exit-fullscreen:on --require-pwd manage-snapshots:on
run prlctl set vm8 --require-pwd manage-snapshots:off
run prlctl set vm8 --require-pwd create-vm:on
run prlctl set vm8 --external-boot-device cdrom0
run prlctl set vm8 --smart-guard on --sg-notify-before-create on --sg-interval 10 --sg-max-snapshots 5
run prlctl set vm8 --sg-interval x
run prlctl set vm8 --usedefanswers on --lock-on-suspend on --isolate-vm on --faster-vm on
run prlctl set vm8 --usedefanswers maybe
run prlctl set vm8 --adaptive-hypervisor on --auto-compress on --nested-virt on --pmu-virt on
run prlctl set vm8 --longer-battery-life on --battery-status off
run prlctl set vm8 --nested-virt maybe
run prlctl set vm8 --smart-mount on
run prlctl set vm8 --keyboard-optimize on --smart-mouse-optimize auto --sticky-mouse off --support-usb30 on
run prlctl set vm8 --sticky-mouse maybe
run prlctl set vm8 --sync-host-printers yes
run prlctl set vm8 --swappages 1G
run prlctl set vm8 --applyconfig basic
run prlctl set vm8 --applyconfig ../../etc/passwd
run prlctl set vm8 --capability chown:on
run prlctl set vm8 --userpasswd root
run prlctl set vm8 --userpasswd root:secret
run prlctl set vm8 --device-set net0 --adapter-type e1000 --macfilter on --preventpromisc off --ipfilter on
run prlctl set vm8 --device-set net0 --adapter-type foo
run prlctl set vm8 --device-set net0 --ipfilter maybe
run prlctl set vm8 --device-set net0 --nameserver "9.9.9.9 8.8.4.4" --searchdomain corp.example
run prlctl set vm8 --device-set net0 --configure off
run prlctl set vm8 --device-set net0 --fw on --fw-policy deny --fw-direction in
run prlctl set vm8 --device-set net0 --fw-policy accept
run prlctl set vm8 --device-set net0 --fw-direction in --fw-rule "tcp * 22 * *" --fw-rule "udp 10.0.0.1 53 * *"
run prlctl set vm8 --device-set net0 --fw-rule "tcp * 80 * *"
run prlctl set vm8 --device-set net0 --fw-rule "tcp 22"
run prlctl set vm8 --device-set net0 --fw-policy bogus
run prlctl set vm8 --device-set net0 --fw-direction sideways
run prlctl set vm8 --device-set net0 --fw-direction out
run prlctl set vm8 --macfilter off
run prlctl list -i vm8
run prlctl list -i -j vm8
run prlctl list -i -f vm8
run prlctl delete vm8
# backup --abackup-mode: the product's sample of the external backup API.
# Each disk's changes map and blocks land in the folder; checked on disk.
run prlctl create vm9 -d ubuntu --no-hdd
run prlctl set vm9 --device-add hdd --size 64
VM9_DISK=$("$BIN/prlctl" list -i vm9 2>/dev/null | sed -n "s/.*hdd0 .*image='\([^']*\)'.*/\1/p")
printf 'first backup' | dd of="$VM9_DISK" bs=1 seek=1048576 conv=notrunc status=none
mkdir -p "$PRLSHIM_HOME/ab1" "$PRLSHIM_HOME/ab2"
run prlctl backup vm9 --abackup-mode --backup-path "$PRLSHIM_HOME/ab1" -f
for f in 0.cbt 0.full 0.delta; do on_disk "ab1/$f: $(stat -c '%s %a' "$PRLSHIM_HOME/ab1/$f") bytes, mode"; done
cmp -s "$VM9_DISK" "$PRLSHIM_HOME/ab1/0.full" && on_disk "ab1/0.full holds the disk's bytes" || on_disk "ab1/0.full differs from the disk"
printf 'second' | dd of="$VM9_DISK" bs=1 seek=33554432 conv=notrunc status=none
run prlctl backup vm9 --abackup-mode --backup-path "$PRLSHIM_HOME/ab2" --uuid "$(cat "$PRLSHIM_HOME/ab1/uuid")"
cmp -s "$VM9_DISK" "$PRLSHIM_HOME/ab2/0.full" && on_disk "ab2/0.full holds the disk's bytes" || on_disk "ab2/0.full differs from the disk"
on_disk "ab2/0.delta non-zero bytes: $(tr -d '\000' < "$PRLSHIM_HOME/ab2/0.delta" | wc -c)"
on_disk "ab2/0.cbt blocks changed: $(od -An -tu1 -v "$PRLSHIM_HOME/ab2/0.cbt" | tr ' ' '\n' | grep -cv '^0*$')"
run prlctl backup vm9 --abackup-mode --backup-path "$PRLSHIM_HOME/nosuch" -f
run prlctl delete vm9
run prlctl create ct9 --vmtype ct
run prlctl set ct9 --features nfs:on,sysfs:off
run prlctl set ct9 --features "ppp:on bridge:on"
run prlctl set ct9 --features nfs
run prlctl set ct9 --features bogus:on
run prlctl set ct9 --features nfs:maybe
run prlctl set ct9 --swappages 512M:1G --quotaugidlimit 100
run prlctl set ct9 --swap 1G --swappages 10
run prlctl set ct9 --swappages lots
run prlctl set ct9 --swap 1G:2X
run prlctl set ct9 --quotaugidlimit x
run prlctl set ct9 --capability net_admin:on,sys_time:off
run prlctl set ct9 --capability bogus:on
run prlctl set ct9 --capability chown
run prlctl set ct9 --capability chown:maybe
run prlctl set ct9 --apptemplate php --apptemplate mysql
run prlctl set ct9 --ipadd 10.1.2.3 --nameserver 10.1.2.1
run prlctl list -a -o name,type,features
run prlctl list -L
run prlctl list -i ct9
run prlctl delete ct9

# prlsrvctl net, on the networks that do not depend on this host's adapters:
# the default "Bridged" one is bound to the adapter with the default route
# (the "host" forms above), so it goes first, unrecorded.
"$BIN/prlsrvctl" net del Bridged > /dev/null 2>&1
run prlsrvctl net list
run prlsrvctl net list -j
run prlsrvctl net info Host-Only
run prlsrvctl net info Host-Only -j
run prlsrvctl net info Host-Only --no-slave
run prlsrvctl net
run prlsrvctl net foo
run prlsrvctl net info
run prlsrvctl net info Nope
run prlsrvctl net del
run prlsrvctl net add n1 -t bogus
run prlsrvctl net add n1 -t bridged
run prlsrvctl net add n1 -i nosuch0 -m 00:11:22:33:44:55
run prlsrvctl net add n1 -t host-only -i nosuch0
run prlsrvctl net add n1 --dhcp-server maybe
run prlsrvctl net add n1 extra1 extra2
run prlsrvctl net add n1 -n x
run prlsrvctl net add n1 --ip
run prlsrvctl net add br3 -i nosuch0
run prlsrvctl net add hn1
run prlsrvctl net add hn2 -t host-only -d "my net" --ip 10.1.2.1/24 --dhcp-server on --ip-scope-start 10.1.2.10 --ip-scope-end 10.1.2.100
run prlsrvctl net add br2 -t bridged -m 00:11:22:33:44:55
run prlsrvctl net list
run prlsrvctl net info hn2
run prlsrvctl net info br2 -j
run prlsrvctl net set hn1 -d desc2 --ip 192.168.77.1/255.255.255.0
run prlsrvctl net info hn1
run prlsrvctl net set hn1 --dhcp-server off --dhcp6-server off
run prlsrvctl net add hn1
run prlsrvctl net del hn1
run prlsrvctl net del hn1
run prlsrvctl net add sh1 -t shared
run prlsrvctl net info sh1
run prlsrvctl net info sh1 -j
run prlsrvctl net set sh1 --nat-tcp-add web,10.37.130.5,8080,80 --nat-udp-add dns,myvm,53,53
run prlsrvctl net info sh1
run prlsrvctl net info sh1 -j
run prlsrvctl net list
run prlsrvctl net list -j
run prlsrvctl net set sh1 --nat-tcp-add web,1.2.3.4,1,2
run prlsrvctl net set sh1 --nat-tcp-add bad
run prlsrvctl net set sh1 --nat-tcp-del web --nat-udp-del nope
run prlsrvctl net set sh1 --nat-tcp-del ""
run prlsrvctl net info sh1
run prlsrvctl net set hn2 --ip bogus
run prlsrvctl net set hn2 --ip 10.0.0.1/99
run prlsrvctl net set hn2 --dhcp-ip zz
run prlsrvctl net set hn2 --ip-scope-start 1.2.3
run prlsrvctl net set hn2 --ip6 fd00:0:0::1/64
run prlsrvctl net info hn2
run prlsrvctl net set hn2 --ip6 fd00::1/ffff:ffff::
run prlsrvctl net info hn2 -j
run prlsrvctl net set hn2 -t bridged -m 00:11:22:33:44:66
run prlsrvctl net info hn2
run prlsrvctl net add averyveryverylongnetworkname
run prlsrvctl net delif nosuch0
run prlsrvctl net change br2 x
run prlsrvctl net del Host-Only
run prlsrvctl net list
run prlsrvctl net info hn2 --timeout 5 --compat
run prlsrvctl net info --json=x hn2
run prlsrvctl net info -jd hn2 x

# prlsrvctl set: each change seen in info's preference lines.
run prlsrvctl set
run prlsrvctl set --mem-limit 1024
run prlsrvctl set --mem-limit auto
run prlsrvctl set -m 2G
run prlsrvctl set -m 9999999999
run prlsrvctl set --mem-limit x
run prlsrvctl set --vcmmd-policy density
run prlsrvctl set --vcmmd-policy foo
run prlsrvctl set --mng-settings deny
run prlsrvctl set --mng-settings maybe
run prlsrvctl set --cep on
run prlsrvctl set -c x
run prlsrvctl set --verbose-log on
run prlsrvctl set --verbose-log 1
run prlsrvctl set --min-security-level high
run prlsrvctl set -s bogus
run_prefs
run prlsrvctl set --backup-path "$PRLSHIM_HOME/bk"
run prlsrvctl set --backup-path relative/dir
run prlsrvctl set --backup-tmpdir /tmp
run_prefs
run prlsrvctl set --backup-tmpdir ""
run prlsrvctl set --backup-mode push-with-reversed-delta
run prlsrvctl set --backup-tmpdir /var/tmp
run prlsrvctl set --backup-tmpdir ""
run prlsrvctl set --backup-mode zz
run prlsrvctl set --backup-timeout 30
run prlsrvctl set --idle-connection-timeout 3x
run prlsrvctl set --vm-cpulimit-type guest
run prlsrvctl set --vm-cpulimit-type half
run prlsrvctl set --backup-storage user@host:1234
run_prefs
run prlsrvctl set --def-backup-storage backuphost
run prlsrvctl set --backup-storage "user:pw@host"
run_prefs
run prlsrvctl set --backup-storage ""
run prlsrvctl set --backup-storage "@"
run prlsrvctl set --log-rotation off
run prlsrvctl set --log-rotation of
run prlsrvctl set --require-pwd create-vm:on
run prlsrvctl set --require-pwd create-vm:off --require-pwd clone-vm:on
run prlsrvctl set --require-pwd start-vm:on
run prlsrvctl set --require-pwd create-vm
run prlsrvctl set --backup-compression off
run prlsrvctl set --backup-compression z
run prlsrvctl set --backup-tunnel off
run prlsrvctl set --allow-attach-screenshots on
run prlsrvctl set --lock-edit-settings x
run prlsrvctl set --foo
run prlsrvctl set x
run prlsrvctl set --mem-limit
run prlsrvctl set -m 512 --mng-settings allow -s low --verbose-log off
run_prefs
# A backup after set --backup-path goes there (checked on disk).
run prlctl create vm5 -d debian
run prlctl backup vm5
[ -d "$PRLSHIM_HOME/bk" ] && [ -n "$(ls -A "$PRLSHIM_HOME/bk")" ] && on_disk "backup in the new backup path" \
    || on_disk "backup NOT in the new backup path"
run prlctl backup-list vm5 -H
run prlctl delete vm5

# Device kinds: floppy, serial, parallel, sound, USB; disk changes.
run prlctl create vm8 -d ubuntu
VM8_HOME=$("$BIN/prlctl" list -i vm8 2>/dev/null | sed -n 's/^Home: //p')
truncate -s 1474560 "${VM8_HOME}boot.fdd"
run prlctl set vm8 --device-add fdd
run prlctl set vm8 --device-add fdd
run prlctl set vm8 --device-del fdd0
run prlctl set vm8 --device-add fdd --image "${VM8_HOME}new.fdd" --recreate
[ -f "${VM8_HOME}new.fdd" ] && on_disk "new.fdd: $(stat -c %s "${VM8_HOME}new.fdd") bytes" || on_disk "new.fdd: missing"
(cd "$VM8_HOME" && run prlctl set vm8 --device-set fdd0 --image boot.fdd --disconnect)
run prlctl set vm8 --device-set fdd0 --image nosuch.fdd
run prlctl set vm8 --device-set fdd0 --device nosuch
run prlctl set vm8 --device-set fdd0 --device x --image "${VM8_HOME}boot.fdd"
run prlctl set vm8 --device-set fdd0 --recreate
run prlctl set vm8 --device-set fdd0 --connect
run prlctl set vm8 --device-add serial
run prlctl set vm8 --device-add serial --output "$PRLSHIM_HOME/serial.log"
run prlctl set vm8 --device-add serial --socket "$PRLSHIM_HOME/serial.sock" --socket-mode client
run prlctl set vm8 --device-add serial --socket "$PRLSHIM_HOME/s2.sock" --disable
run prlctl set vm8 --device-add serial --socket x --socket-mode both
run prlctl set vm8 --device-add serial --device nosuch
run prlctl set vm8 --device-set serial1 --socket-mode server
run prlctl set vm8 --device-set serial0 --socket-mode server
run prlctl set vm8 --device-set serial0 --output "$PRLSHIM_HOME/other.log" --disconnect
run prlctl set vm8 --device-add serial --socket-tcp 127.0.0.1:x
run prlctl set vm8 --device-add serial --socket-tcp 127.0.0.1:4555 --socket-mode client
run prlctl set vm8 --device-set serial3 --socket-udp 127.0.0.1:4556
run prlctl set vm8 --device-set serial3 --socket-mode server
run prlctl set vm8 --device-add parallel
run prlctl set vm8 --device-add parallel --output "$PRLSHIM_HOME/lpt.out"
run prlctl set vm8 --device-add parallel --socket x
run prlctl set vm8 --device-set parallel0 --output "$PRLSHIM_HOME/lpt2.out" --enable
run prlctl set vm8 --device-add sound
run prlctl set vm8 --device-add sound
run prlctl set vm8 --device-add sound --output nosuch
run prlctl set vm8 --device-set sound0 --mixer nosuch
run prlctl set vm8 --device-set sound0 --disable
run prlctl set vm8 --device-add hdd --mixer x
run prlctl set vm8 --device-add net --output x
run prlctl set vm8 --device-add cdrom --image x --recreate
run prlctl set vm8 --device-add usb
run prlctl set vm8 --device-add pci
run prlctl set vm8 --device-add pci --device nosuch
run prlctl set vm8 --device-add fdd --type expand
run prlctl set vm8 --device-add hdd --type routed
run prlctl set vm8 --device-add hdd --type bogus
run prlctl set vm8 --device-add net --type routed --network Bridged
run prlctl set vm8 --device-add cdrom --device nosuch
run prlctl set vm8 --device-set cdrom0 --device nosuch
run prlctl set vm8 --device-del usb
run prlctl set vm8 --device-add usb --disable
run prlctl set vm8 --device-set usb --enable
run prlctl set vm8 --output x
run prlctl set vm8 --size 80G
[ -f "${VM8_HOME}harddisk.hdd" ] && on_disk "harddisk.hdd: $(stat -c %s "${VM8_HOME}harddisk.hdd") bytes" || on_disk "harddisk.hdd: missing"
run prlctl set vm8 --iface ide
run prlctl set vm8 --enable
run prlctl list -i vm8
run prlctl list -i -j vm8
run prlctl set vm8 --device-set hdd0 --size 90G
[ -f "${VM8_HOME}harddisk.hdd" ] && on_disk "harddisk.hdd: $(stat -c %s "${VM8_HOME}harddisk.hdd") bytes" || on_disk "harddisk.hdd: missing"
run prlctl set vm8 --device-set hdd0 --size 95G --offline --no-fs-resize
run prlctl set vm8 --device-set hdd0 --size 1G
run prlctl set vm8 --device-set hdd0 --size x
run prlctl set vm8 --device-set hdd0 --iface ide --position 1
run prlctl set vm8 --device-set hdd0 --iface floppy
run prlctl set vm8 --device-set hdd0 --iface scsi --subtype hyperv --disconnect
run prlctl set vm8 --device-set hdd0 --subtype other
run prlctl set vm8 --device-set hdd0 --disable
run prlctl set vm8 --device-set hdd0 --enable --connect
run prlctl set vm8 --device-add hdd --position 2
run prlctl set vm8 --device-add hdd --device /dev/nosuch
run prlctl set vm8 --device-set hdd0 --device /dev/nosuch
run prlctl set vm8 --device-add hdd --iface virtio --position 3 --size 1G
truncate -s 10M "${VM8_HOME}other.hdd"
run prlctl set vm8 --device-set hdd1 --image "${VM8_HOME}other.hdd"
run prlctl set vm8 --device-set hdd1 --image "${VM8_HOME}fresh.hdd" --recreate --size 2G
[ -f "${VM8_HOME}fresh.hdd" ] && on_disk "fresh.hdd: $(stat -c %s "${VM8_HOME}fresh.hdd") bytes" || on_disk "fresh.hdd: missing"
run prlctl set vm8 --device-add hdd --image "${VM8_HOME}other.hdd"
run prlctl set vm8 --device-set cdrom0 --iface ide --position 3
run prlctl set vm8 --device-set cdrom0 --iface virtio
run prlctl list -i vm8
[ -f "${VM8_HOME}harddisk.hdd" ] && on_disk "harddisk.hdd: $(stat -c %s "${VM8_HOME}harddisk.hdd") bytes" || on_disk "harddisk.hdd: missing"
run prlctl delete vm8

# Containers through prlctl, and a VM made from a template.
run prlctl create t1 -d ubuntu
run prlctl set t1 --template on
run prlctl create v2 --ostemplate t1
run prlctl create v3 --ostemplate nosuch
run prlctl create v4 --ostemplate v2
run prlctl create v5 --ostemplate t1 --dst "$PRLSHIM_HOME/sub/dir"
run prlctl create c1 --vmtype x
run prlctl create c1 --vmtype all
run prlctl create c1 --vmtype ct
run prlctl create c1 --vmtype ct
run prlctl create c2 --vmtype c --ostemplate centos-7-x86_64
run prlctl create c3 --vmtype ct --config nosuch
run prlctl create c4 --vmtype ct --dst "$PRLSHIM_HOME/sub/dir"
run prlctl create c5 --vmtype ct --no-hdd
# Relative paths: the random name of $PRLSHIM_HOME may itself contain "c5".
c5_disks=$(cd "$PRLSHIM_HOME" && find . -path "*c5*" -name "*.hdd" | wc -l)
on_disk "c5: $c5_disks disk images"
run prlctl list -a
run prlctl list -i c2
run prlctl list -i c5
run prlctl list -i -j c2
run prlctl start c1
run prlctl status c1
run prlctl stop c1
run prlctl delete c1
run prlctl list -a -o name,type,ostemplate
normalize
