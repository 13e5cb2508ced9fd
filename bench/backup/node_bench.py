#!/usr/bin/env python3
"""node_bench.py: backups of the 1 GiB image to a backup node (a prlshimd
on this host, reached over TLS on a non-loopback address of this machine, as
prlctl --storage reaches another host) against the same backups to the local
repository, side by side in one run (issue 14's targets: full and restore
through the node within 1.2x of local; an incremental after 1% scattered
changes puts at most 1.1x the changed bytes on the wire).

--separate-cores models the source and the node as two machines of one core
each: the node runs on CPU 1 only, and every prlctl (the local backups, and
the source of the node's) on CPU 0 only. --cores-each N does the same with N
cores each (the first N CPUs this process may use for prlctl, the next N for
the node), on a machine with at least 2N; --separate-cores is --cores-each 1.

prlctl (this build's) runs every operation; the source is the embedded
service of a state root of the bench's. Bytes on the wire are the loopback
interface's counters (/proc/net/dev: every byte that crossed it, TLS and TCP
headers included) over each run, so nothing else should talk over it. CPU
is counted for each operation too: the source's (prlctl's, user plus
system) and the node's, since wall times on a shared virtual machine spread
more than the work done.
Usage:
  bench/backup/node_bench.py build/tools/prlctl/prlctl build/tools/prlshimd/prlshimd [--size-mib N] [--runs N] [--address IP]
      [--separate-cores | --cores-each N]
"""
import argparse
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from backup_node import BackupNode  # noqa: E402
from compare_peers import MiB, make_image, rewrite_one_percent, sh, timed  # noqa: E402

PASSWORD = "node-bench"


def loopback_bytes():
    with open("/proc/net/dev") as f:
        for line in f:
            name, _, rest = line.partition(":")
            if name.strip() == "lo":
                return int(rest.split()[0])  # received = sent on lo
    return 0


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def own_address():
    """An address of this host that prlctl does not take for the local host."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect(("192.0.2.1", 9))  # no packet is sent: it picks the outgoing address
        return s.getsockname()[0]
    finally:
        s.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("prlctl")
    ap.add_argument("daemon")
    ap.add_argument("--size-mib", type=int, default=1024)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--address", default=None)
    ap.add_argument("--separate-cores", action="store_const", const=1, dest="cores_each")
    ap.add_argument("--cores-each", type=int, default=None)
    a = ap.parse_args()
    node_cpus = None
    if a.cores_each is not None:
        n, cpus = a.cores_each, sorted(os.sched_getaffinity(0))
        if n < 1 or 2 * n > len(cpus):
            sys.exit("--cores-each %d needs %d CPUs; this process may use %d" % (n, 2 * n, len(cpus)))
        os.sched_setaffinity(0, cpus[:n])  # this script's children: every prlctl
        node_cpus = set(cpus[n:2 * n])
    address = a.address or own_address()
    work = tempfile.mkdtemp(prefix="prlshim-bench-node-")
    source_home, node_home = os.path.join(work, "source"), os.path.join(work, "node")
    env = dict(os.environ, PRLSHIM_HOME=source_home, PRLSHIM_EMBEDDED="1")
    node = None
    try:
        node = BackupNode(a.daemon, node_home, address, "bench", PASSWORD, cpus=node_cpus)
        storage = node.storage
        sh([a.prlctl, "create", "bench", "--vmtype", "vm"], env)
        image = os.path.join(source_home, "vms", "bench.pvm", "harddisk.hdd")
        os.remove(image)
        make_image(image, a.size_mib)
        pristine = os.path.join(work, "pristine.img")
        subprocess.run(["cp", "--sparse=always", image, pristine], check=True)
        where = {"local": [], "node": storage}
        repo = {"local": os.path.join(source_home, "backups"), "node": os.path.join(node_home, "backups")}
        ops = ("full", "inc", "restore")
        results = {k: {m: [] for m in ops + ("full_wire", "inc_wire") + tuple(o + "_cpu" for o in ops)
                       + tuple(o + "_node_cpu" for o in ops)} for k in where}

        def measured(name, op, cmd):
            """Runs one operation; records its wall time, the source's and the node's CPU."""
            source0, node0 = children_cpu(), node.cpu_seconds()
            secs, _, out = timed(cmd, env)
            results[name][op].append(secs)
            results[name][op + "_cpu"].append(children_cpu() - source0)
            results[name][op + "_node_cpu"].append(node.cpu_seconds() - node0)
            return out

        for run in range(a.runs):
            for name in ("local", "node"):
                subprocess.run(["cp", "--sparse=always", pristine, image], check=True)
                shutil.rmtree(repo[name], ignore_errors=True)
                shutil.rmtree(os.path.join(source_home, "backup-views"), ignore_errors=True)
                before = loopback_bytes()
                measured(name, "full", [a.prlctl, "backup", "bench", "-f"] + where[name])
                results[name]["full_wire"].append(loopback_bytes() - before)
                rewrite_one_percent(image)
                before = loopback_bytes()
                out = measured(name, "inc", [a.prlctl, "backup", "bench", "-i"] + where[name])
                results[name]["inc_wire"].append(loopback_bytes() - before)
                backup_id = re.search(r"backup id (\{[^}]+\}(\.\d+)?)", out).group(1)
                measured(name, "restore", [a.prlctl, "restore", "bench", "-t", backup_id] + where[name])
                r = results[name]
                print("run %d %-5s full %.2f s, incremental %.2f s, restore %.2f s; on the wire: full %.1f MiB, "
                      "incremental %.2f MiB" % (run + 1, name, r["full"][-1], r["inc"][-1], r["restore"][-1],
                                               r["full_wire"][-1] / MiB, r["inc_wire"][-1] / MiB), flush=True)
                print("      CPU s (source + node): full %.2f + %.2f, incremental %.2f + %.2f, restore %.2f + %.2f"
                      % tuple(r[o + k][-1] for o in ops for k in ("_cpu", "_node_cpu")), flush=True)
        med = {k: {m: statistics.median(v) for m, v in r.items()} for k, r in results.items()}
        changed = 2621 * 4096
        print("median of %d: full to the node %.2f s against %.2f s local = %.2fx (target <= 1.2x)"
              % (a.runs, med["node"]["full"], med["local"]["full"], med["node"]["full"] / med["local"]["full"]))
        print("            restore from the node %.2f s against %.2f s local = %.2fx (target <= 1.2x)"
              % (med["node"]["restore"], med["local"]["restore"], med["node"]["restore"] / med["local"]["restore"]))
        print("            incremental: %.2f MiB on the wire for %.2f MiB changed = %.3fx (target <= 1.1x); "
              "%.2f s against %.2f s local" % (med["node"]["inc_wire"] / MiB, changed / MiB,
                                               med["node"]["inc_wire"] / changed, med["node"]["inc"], med["local"]["inc"]))
        for op, what in (("full", "full"), ("restore", "restore")):
            print("            %s CPU: local %.2f s; through the node, source %.2f s + node %.2f s"
                  % (what, med["local"][op + "_cpu"], med["node"][op + "_cpu"], med["node"][op + "_node_cpu"]))
    finally:
        if node:
            node.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
