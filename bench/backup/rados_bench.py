#!/usr/bin/env python3
"""rados_bench.py: backups of the 1 GiB image to a backup node whose
repository is a Ceph RADOS pool, against the same backups to a node whose
repository is a directory, side by side in one run (issue 14: full and
incremental to RADOS against the local backend, with the same data).

Two prlshimd on this host, one per backend, reached as prlctl --storage
reaches another host; prlctl (this build's) runs full, incremental (after
1% scattered changes) and restore through each, alternating. Each RADOS run
writes a namespace of its own (a fresh repository); each directory run an
emptied directory. Run it beside a cluster, e.g. the tests' throwaway one
(one monitor, one OSD on memstore: the pool is in the OSD's memory, the
directory on this machine's disk):
  tests/support/with_ceph.sh bench/backup/rados_bench.py build/tools/prlctl/prlctl build/tools/prlshimd/prlshimd
(with_ceph.sh names the cluster in CEPH_CONF and makes a pool prlshim-test.)
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from backup_node import BackupNode  # noqa: E402
from compare_peers import make_image, rewrite_one_percent, sh, timed  # noqa: E402
from node_bench import own_address  # noqa: E402

PASSWORD = "rados-bench"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("prlctl")
    ap.add_argument("daemon")
    ap.add_argument("--size-mib", type=int, default=1024)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pool", default=os.environ.get("PRLSHIM_TEST_CEPH_POOL", "prlshim-test"))
    a = ap.parse_args()
    address = own_address()
    work = tempfile.mkdtemp(prefix="prlshim-bench-rados-", dir="/var/tmp")
    source_home = os.path.join(work, "source")
    env = dict(os.environ, PRLSHIM_HOME=source_home, PRLSHIM_EMBEDDED="1")
    nodes = {}
    try:
        sh([a.prlctl, "create", "bench", "--vmtype", "vm"], env)
        image = os.path.join(source_home, "vms", "bench.pvm", "harddisk.hdd")
        os.remove(image)
        make_image(image, a.size_mib)
        pristine = os.path.join(work, "pristine.img")
        subprocess.run(["cp", "--sparse=always", image, pristine], check=True)
        results = {k: {"full": [], "inc": [], "restore": []} for k in ("directory", "rados")}
        for run in range(a.runs):
            for name in ("directory", "rados"):
                if name in nodes:
                    nodes[name].stop()
                home = os.path.join(work, "node-" + name)
                repository = (os.path.join(work, "repository") if name == "directory"
                              else "rados:%s/bench-%d-%d" % (a.pool, os.getpid(), run))
                if name == "directory":
                    shutil.rmtree(repository, ignore_errors=True)
                nodes[name] = BackupNode(a.daemon, home, address, "bench", PASSWORD, repository)
                where = nodes[name].storage
                subprocess.run(["cp", "--sparse=always", pristine, image], check=True)
                shutil.rmtree(os.path.join(source_home, "backup-views"), ignore_errors=True)
                full, _, _ = timed([a.prlctl, "backup", "bench", "-f"] + where, env)
                rewrite_one_percent(image)
                inc, _, out = timed([a.prlctl, "backup", "bench", "-i"] + where, env)
                backup_id = re.search(r"backup id (\{[^}]+\}(\.\d+)?)", out).group(1)
                restore, _, _ = timed([a.prlctl, "restore", "bench", "-t", backup_id] + where, env)
                for k, v in (("full", full), ("inc", inc), ("restore", restore)):
                    results[name][k].append(v)
                print("run %d %-9s full %.2f s, incremental %.2f s, restore %.2f s" % (run + 1, name, full, inc, restore),
                      flush=True)
        med = {k: {m: statistics.median(v) for m, v in r.items()} for k, r in results.items()}
        for m, what in (("full", "full"), ("inc", "incremental"), ("restore", "restore")):
            print("median of %d: %-11s to RADOS %.2f s against %.2f s to a directory = %.2fx"
                  % (a.runs, what, med["rados"][m], med["directory"][m], med["rados"][m] / med["directory"][m]))
    finally:
        for n in nodes.values():
            n.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
