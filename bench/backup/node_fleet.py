#!/usr/bin/env python3
"""node_fleet.py: many sources backing up to one backup node at once (issue
14's scale figures): S source state roots, V VMs in all (spread over the
sources), each VM's disk M MiB of its own random bytes plus a part shared by
every VM (which the node stores once). Every source backs up its VMs one
after another, all sources at once, to a prlshimd on this host; then the
same again after 1% of each disk changed (incrementals).

Printed: wall time and throughput of each round, the node's peak RSS
(VmHWM) and the largest source's (prlctl, /usr/bin/time), the node's
repository size against the distinct data, and the time per GiB of each
VM's backup in order (flat, or rising with the repository's size).
Usage:
  bench/backup/node_fleet.py build/tools/prlctl/prlctl build/tools/prlshimd/prlshimd
      [--sources 8] [--vms 8] [--disk-mib 256] [--shared-mib 16] [--work DIR]
"""
import argparse
import concurrent.futures
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from backup_node import BackupNode  # noqa: E402
from compare_peers import MiB, du, rewrite_one_percent  # noqa: E402

PASSWORD = "fleet"
ADDRESS = "127.0.0.2"  # a loopback address prlctl does not take for this host


def write_disk(path, mib, shared_mib, seed):
    rng = random.Random(seed)
    shared = random.Random(0)
    with open(path, "wb") as f:
        for _ in range(shared_mib):
            f.write(shared.randbytes(MiB))
        for _ in range(mib - shared_mib):
            f.write(rng.randbytes(MiB))


def node_peak_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        return int(re.search(r"VmHWM:\s+(\d+)", f.read()).group(1))


def backup_all(prlctl, home, vms, storage, kind):
    """One source: its VMs in turn. Returns [(vm, seconds)], peak RSS KiB."""
    env = dict(os.environ, PRLSHIM_HOME=home, PRLSHIM_EMBEDDED="1")
    out, peak = [], 0
    for vm in vms:
        t0 = time.monotonic()
        p = subprocess.run(["/usr/bin/time", "-f", "%M", prlctl, "backup", vm, kind, "--storage", storage], env=env,
                           capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError("backup of %s failed: %s %s" % (vm, p.stdout[-500:], p.stderr[-500:]))
        out.append((vm, time.monotonic() - t0))
        peak = max(peak, int(p.stderr.strip().splitlines()[-1]))
    return out, peak


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("prlctl")
    ap.add_argument("daemon")
    ap.add_argument("--sources", type=int, default=8)
    ap.add_argument("--vms", type=int, default=8)
    ap.add_argument("--disk-mib", type=int, default=256)
    ap.add_argument("--shared-mib", type=int, default=16)
    ap.add_argument("--work", default=None)
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="prlshim-bench-fleet-", dir=a.work)
    node_home = os.path.join(work, "node")
    node = None
    try:
        node = BackupNode(a.daemon, node_home, ADDRESS, "fleet", PASSWORD)
        storage = node.storage[1]
        sources = []
        for s in range(a.sources):
            home = os.path.join(work, "source%d" % s)
            env = dict(os.environ, PRLSHIM_HOME=home, PRLSHIM_EMBEDDED="1")
            names = ["vm%d" % v for v in range(s, a.vms, a.sources)]
            for name in names:
                subprocess.run([a.prlctl, "create", name, "--vmtype", "vm"], env=env, check=True, capture_output=True)
                image = os.path.join(home, "vms", name + ".pvm", "harddisk.hdd")
                os.remove(image)
                write_disk(image, a.disk_mib, a.shared_mib, seed=int(name[2:]) + 1)
            sources.append((home, names))
        subprocess.run(["sync"], check=True)
        distinct = (a.vms * (a.disk_mib - a.shared_mib) + a.shared_mib) * MiB
        for label, kind in (("full", "-f"), ("incremental", "-i")):
            if kind == "-i":
                for home, names in sources:
                    for name in names:
                        rewrite_one_percent(os.path.join(home, "vms", name + ".pvm", "harddisk.hdd"))
                subprocess.run(["sync"], check=True)
            t0 = time.monotonic()
            with concurrent.futures.ThreadPoolExecutor(len(sources)) as pool:
                runs = list(pool.map(lambda src: backup_all(a.prlctl, src[0], src[1], storage, kind), sources))
            wall = time.monotonic() - t0
            data = a.vms * a.disk_mib * MiB
            print("%s: %d VMs from %d sources at once in %.1f s (%.0f MiB/s of disks read); node peak RSS %d MiB, "
                  "largest source %d MiB" % (label, a.vms, len(sources), wall, data / MiB / wall,
                                             node_peak_kib(node.pid) // 1024, max(p for _, p in runs) // 1024),
                  flush=True)
            per_vm = sorted((t for r, _ in runs for t in r), key=lambda x: int(x[0][2:]))
            gib = a.disk_mib / 1024
            print("  s per GiB, by VM: " + " ".join("%.2f" % (t / gib) for _, t in per_vm))
        repo = du(node.repository)
        print("node repository %.2f GiB for %.2f GiB of distinct data (%.3fx)"
              % (repo / 2**30, distinct / 2**30, repo / distinct))
    finally:
        if node:
            node.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
