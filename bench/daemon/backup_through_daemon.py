#!/usr/bin/env python3
"""backup_through_daemon.py: a full backup of the 1 GiB image by the embedded
service and through prlshimd (over its Unix socket), side by side in one run
(issue 13's target: through the daemon within 1.1x the embedded time).

The same `prlshim backup` runs both ways on one state root: with
PRLSHIM_EMBEDDED=1 it runs the service in-process; with a prlshimd serving
the root, the CLI's session is the daemon's. Each run starts from an empty
repository (the backups directory is removed), alternating the two, and
each time includes a sync. Usage:
  bench/daemon/backup_through_daemon.py build/tools/prlshim/prlshim build/tools/prlshimd/prlshimd [--size-mib N] [--runs N]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "backup"))
from compare_peers import MiB, make_image, sh, timed  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cli")
    ap.add_argument("daemon")
    ap.add_argument("--size-mib", type=int, default=1024)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="prlshim-bench-daemon-backup-")
    home = os.path.join(work, "home")
    embedded = dict(os.environ, PRLSHIM_HOME=home, PRLSHIM_EMBEDDED="1")
    through = dict(os.environ, PRLSHIM_HOME=home)
    daemon = None
    try:
        image = os.path.join(work, "image.img")
        make_image(image, a.size_mib)
        sh([a.cli, "create", "bench", "--disk-size", str(a.size_mib)], embedded)
        vm = [v for v in json.loads(sh([a.cli, "list", "-a", "-j"], embedded)[2]) if v["name"] == "bench"][0]
        subprocess.run(["cp", "--sparse=always", image, vm["disks"][0]["image"]], check=True)
        times = {"embedded": [], "prlshimd": []}
        for _ in range(a.runs):
            for name, env in (("embedded", embedded), ("prlshimd", through)):
                shutil.rmtree(os.path.join(home, "backups"), ignore_errors=True)
                if name == "prlshimd":
                    # A fresh daemon for each run, as the embedded service is
                    # fresh in each CLI process (its start is not timed).
                    daemon = subprocess.Popen([a.daemon, "--home", home, "--listen", "127.0.0.1:0", "--foreground"],
                                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
                    daemon.stdout.readline()
                secs, rss, _ = timed([a.cli, "backup", "bench"], env)
                if daemon:
                    daemon.terminate()
                    daemon.wait()
                    daemon = None
                times[name].append(secs)
                print("%-9s full backup %.2f s (client RSS %d KiB)" % (name, secs, rss), flush=True)
        e, d = statistics.median(times["embedded"]), statistics.median(times["prlshimd"])
        print("median: embedded %.2f s, through prlshimd %.2f s: %.3fx (target <= 1.1x)" % (e, d, d / e))
    finally:
        if daemon:
            daemon.terminate()
            daemon.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
