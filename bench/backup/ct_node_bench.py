#!/usr/bin/env python3
"""ct_node_bench.py: a container's backups to a backup node against the same
backups to the local repository, side by side in one run (issue 14, for
containers as node_bench.py is for VMs). The tree: `--big` files of 4 MiB of
random bytes and `--small` files of 3,000 bytes; the incremental follows a
rewrite of 1% of the big files (at least one). Caches are dropped before
each operation (compare_peers.timed).

Reported per run: full, incremental and restore (of the incremental, over
the emptied private area) times, and the bytes on the loopback interface
during the incremental (node_bench.loopback_bytes).
Usage:
  bench/backup/ct_node_bench.py build/tools/prlctl/prlctl build/tools/prlshimd/prlshimd [--big N] [--small N] [--runs N]
"""
import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from backup_node import BackupNode  # noqa: E402
from compare_peers import MiB, sh, timed  # noqa: E402
from node_bench import PASSWORD, loopback_bytes, own_address  # noqa: E402

BIG = 4 * MiB


def make_tree(root, big, small, seed):
    rng = __import__("random").Random(seed)
    for name in os.listdir(root):
        if name != "config.pvs":  # the container's own, kept
            path = os.path.join(root, name)
            shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
    for i in range(big):
        with open(os.path.join(root, "big%d" % i), "wb") as f:
            f.write(rng.randbytes(BIG))
    os.makedirs(os.path.join(root, "small"))
    for i in range(small):
        with open(os.path.join(root, "small", "f%d" % i), "wb") as f:
            f.write(rng.randbytes(3000))


def rewrite(root, count, seed):
    rng = __import__("random").Random(seed)
    for i in range(count):
        with open(os.path.join(root, "big%d" % i), "r+b") as f:
            f.write(rng.randbytes(BIG))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("prlctl")
    ap.add_argument("daemon")
    ap.add_argument("--big", type=int, default=64)
    ap.add_argument("--small", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--address", default=None)
    a = ap.parse_args()
    address = a.address or own_address()
    work = tempfile.mkdtemp(prefix="prlshim-bench-ct-node-")
    source_home, node_home = os.path.join(work, "source"), os.path.join(work, "node")
    env = dict(os.environ, PRLSHIM_HOME=source_home, PRLSHIM_EMBEDDED="1")
    node = None
    try:
        node = BackupNode(a.daemon, node_home, address, "bench", PASSWORD)
        sh([a.prlctl, "create", "ct", "--vmtype", "ct"], env)
        root = os.path.join(source_home, "cts", "ct")
        where = {"local": [], "node": node.storage}
        repo = {"local": os.path.join(source_home, "backups"), "node": os.path.join(node_home, "backups")}
        results = {k: {"full": [], "inc": [], "restore": [], "inc_wire": []} for k in where}
        changed = max(1, a.big // 100)
        for run in range(a.runs):
            for name in ("local", "node"):
                make_tree(root, a.big, a.small, run)
                shutil.rmtree(repo[name], ignore_errors=True)
                shutil.rmtree(os.path.join(source_home, "backup-views"), ignore_errors=True)
                secs, _, _ = timed([a.prlctl, "backup", "ct", "-f"] + where[name], env)
                results[name]["full"].append(secs)
                rewrite(root, changed, 1000 + run)
                before = loopback_bytes()
                secs, _, out = timed([a.prlctl, "backup", "ct", "-i"] + where[name], env)
                results[name]["inc_wire"].append(loopback_bytes() - before)
                results[name]["inc"].append(secs)
                backup_id = re.search(r"backup id (\{[^}]+\}(\.\d+)?)", out).group(1)
                make_tree(root, 0, 0, run)  # emptied: the restore rebuilds it all
                secs, _, _ = timed([a.prlctl, "restore", "ct", "-t", backup_id] + where[name], env)
                results[name]["restore"].append(secs)
                print("run %d %-5s full %.2f s, incremental %.2f s (%.2f MiB on the wire), restore %.2f s"
                      % (run + 1, name, results[name]["full"][-1], results[name]["inc"][-1],
                         results[name]["inc_wire"][-1] / MiB, secs), flush=True)
        med = {k: {m: statistics.median(v) for m, v in r.items()} for k, r in results.items()}
        for m, what in (("full", "full"), ("inc", "incremental"), ("restore", "restore")):
            print("median of %d: %-11s node %.2f s against %.2f s local = %.2fx"
                  % (a.runs, what, med["node"][m], med["local"][m], med["node"][m] / med["local"][m]))
        print("            incremental: %.2f MiB on the wire for %.2f MiB rewritten = %.3fx"
              % (med["node"]["inc_wire"] / MiB, changed * BIG / MiB, med["node"]["inc_wire"] / (changed * BIG)))
    finally:
        if node:
            node.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
