#!/usr/bin/env python3
"""compare_peers.py: prlshim's backups side by side with the tools a user would
pick instead, on one VM-like disk image, in one run on this machine.

usage: bench/backup/compare_peers.py BUILD_DIR [--size-mib 1024] [--runs 3] [--work DIR]

Peers: restic, BorgBackup (default chunker and --chunker-params fixed,65536),
`tar | zstd -1 -T0` and `cp` (Debian packages restic, borgbackup, zstd). Each
operation is a whole command as a user runs it (prlshim through its CLI),
timed until a final `sync`, with the page cache dropped before each run when
the machine allows it. Reported: median wall time over the runs, bytes added
to the repository, peak RSS (from /usr/bin/time), and whether every restore is
bit-exact (zero regions are checked to come back sparse for prlshim).

The image: 1 MiB extents, 40% random, 40% zero, 20% log-like text. The
incremental case rewrites 1% of it as 2,621 scattered 4 KiB blocks.
"""
import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile

MiB = 1 << 20


def sh(cmd, env=None, cwd=None):
    """Runs `cmd` (a list) under /usr/bin/time; returns (seconds, peak RSS KiB, stdout)."""
    timed = ["/usr/bin/time", "-f", "%e %M", "--"] + cmd
    p = subprocess.run(timed, env=env, cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("%s failed: %s %s" % (" ".join(cmd), p.stdout[-2000:], p.stderr[-2000:]))
    last = p.stderr.strip().splitlines()[-1].split()
    return float(last[0]), int(last[1]), p.stdout


def drop_caches():
    subprocess.run(["sync"])
    try:
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return True
    except OSError:
        return False


def timed(cmd, env=None, cwd=None):
    """One run: drop caches, run, sync; wall time includes the sync."""
    drop_caches()
    secs, rss, out = sh(cmd, env, cwd)
    s2, _, _ = sh(["sync"])
    return secs + s2, rss, out


def du(path):
    return int(subprocess.run(["du", "-sb", path], capture_output=True, text=True).stdout.split()[0])


def make_image(path, size_mib, seed=1):
    rng = random.Random(seed)
    text = b"".join(b"2026-11-21T10:%02d:%02d host kernel: [%06d] eth0: link up, 1000 Mbps full duplex\n"
                    % (i % 60, i * 7 % 60, i) for i in range(20000))
    with open(path, "wb") as f:
        f.truncate(size_mib * MiB)
        for extent in range(size_mib):
            kind = rng.random()
            f.seek(extent * MiB)
            if kind < 0.4:
                f.write(rng.randbytes(MiB))
            elif kind < 0.8:
                f.write(bytes(MiB))  # zeros, written (not holes), as a guest's freed blocks
            else:
                start = rng.randrange(len(text) - MiB)
                f.write(text[start:start + MiB])


def rewrite_one_percent(path, seed=2):
    rng = random.Random(seed)
    size = os.path.getsize(path)
    with open(path, "r+b") as f:
        for _ in range(2621):
            f.seek(rng.randrange(size // 4096) * 4096)
            f.write(rng.randbytes(4096))


def same(a, b):
    return subprocess.run(["cmp", "-s", a, b]).returncode == 0


class Tool:
    name = ""

    def __init__(self, work, image):
        self.work, self.image = work, image

    def reset(self):
        shutil.rmtree(self.work, ignore_errors=True)
        os.makedirs(self.work)

    def source(self):
        return os.path.join(self.work, "src", "disk.img")

    def copy_source(self):
        """A fresh work dir holding a sparse copy of the image as src/disk.img."""
        self.reset()
        os.makedirs(os.path.dirname(self.source()))
        subprocess.run(["cp", "--sparse=always", self.image, self.source()], check=True)

    def modify(self, fn):
        fn(self.source())


class Prlshim(Tool):
    name = "prlshim"

    def __init__(self, work, image, cli):
        super().__init__(work, image)
        self.cli = cli

    def env(self):
        return dict(os.environ, PRLSHIM_HOME=os.path.join(self.work, "home"))

    def run(self, *args):
        return sh([self.cli] + list(args), self.env())[2]

    def setup(self):
        self.reset()
        size = os.path.getsize(self.image) // MiB
        self.run("create", "bench", "--disk-size", str(size))
        vm = [v for v in json.loads(self.run("list", "-a", "-j")) if v["name"] == "bench"][0]
        self.disk = vm["disks"][0]["image"]
        subprocess.run(["cp", "--sparse=always", self.image, self.disk], check=True)

    def repo(self):
        return os.path.join(self.work, "home", "backups")

    def full(self):
        return timed([self.cli, "backup", "bench"], self.env())

    def modify(self, fn):
        fn(self.disk)

    def incremental(self):
        return timed([self.cli, "backup", "bench", "--incremental"], self.env())

    def ids(self):
        items = json.loads(self.run("backup-list", "bench", "-j"))
        return sorted((i["backup_id"] for i in items), key=lambda s: (len(s), s))

    def restore(self, which, target):
        bid = self.ids()[which]
        name = "r%d%d" % (which, random.randrange(10 ** 6))
        result = timed([self.cli, "restore", bid, "--name", name], self.env())
        vm = [v for v in json.loads(self.run("list", "-a", "-j")) if v["name"] == name][0]
        return result, vm["disks"][0]["image"]


class Restic(Tool):
    name = "restic"
    exe = "restic"  # a subclass may reach its repository another way (node_peers.py)

    def env(self):
        return dict(os.environ, RESTIC_PASSWORD="bench", RESTIC_REPOSITORY=os.path.join(self.work, "repo"),
                    RESTIC_CACHE_DIR=os.path.join(self.work, "cache"))

    def setup(self):
        self.copy_source()
        sh([self.exe, "init"], self.env())

    def repo(self):
        return os.path.join(self.work, "repo")

    def full(self):
        return timed([self.exe, "backup", "--quiet", "disk.img"], self.env(), os.path.join(self.work, "src"))

    incremental = full

    def restore(self, which, target):
        snaps = json.loads(sh([self.exe, "snapshots", "--json"], self.env())[2])
        snaps.sort(key=lambda s: s["time"])
        out = os.path.join(target, "restic")
        shutil.rmtree(out, ignore_errors=True)
        result = timed([self.exe, "restore", snaps[which]["short_id"], "--target", out], self.env())
        return result, os.path.join(out, "disk.img")


class Borg(Tool):
    name = "borg"
    exe = "borg"
    chunker = None

    def env(self):
        return dict(os.environ, BORG_REPO=os.path.join(self.work, "repo"), BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK="yes",
                    BORG_BASE_DIR=os.path.join(self.work, "base"))

    def setup(self):
        self.copy_source()
        sh([self.exe, "init", "-e", "none"], self.env())
        self.n = 0

    def repo(self):
        return os.path.join(self.work, "repo")

    def full(self):
        self.n += 1
        cmd = [self.exe, "create"] + (["--chunker-params", self.chunker] if self.chunker else []) + ["::a%d" % self.n, "disk.img"]
        return timed(cmd, self.env(), os.path.join(self.work, "src"))

    incremental = full

    def restore(self, which, target):
        out = os.path.join(target, "borg")
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        result = timed([self.exe, "extract", "--sparse", "::a%d" % (which + 1 if which >= 0 else self.n)], self.env(), out)
        return result, os.path.join(out, "disk.img")


class BorgFixed(Borg):
    name = "borg fixed 64k"
    chunker = "fixed,65536"


class TarZstd(Tool):
    name = "tar + zstd -1 -T0"

    def setup(self):
        self.copy_source()
        self.n = 0

    def repo(self):
        return self.work + "/out"

    def full(self):
        self.n += 1
        os.makedirs(self.repo(), exist_ok=True)
        return timed(["sh", "-c", "tar -cSf - disk.img | zstd -q -1 -T0 -o %s/%d.tar.zst" % (self.repo(), self.n)],
                     None, os.path.join(self.work, "src"))

    incremental = full  # no incremental form: a new full archive

    def restore(self, which, target):
        out = os.path.join(target, "tar")
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        n = which + 1 if which >= 0 else self.n
        result = timed(["sh", "-c", "zstd -q -dc %s/%d.tar.zst | tar -xSf -" % (self.repo(), n)], None, out)
        return result, os.path.join(out, "disk.img")


class Copy(Tool):
    name = "cp"

    def setup(self):
        self.copy_source()
        self.n = 0

    def repo(self):
        return self.work + "/out"

    def full(self):
        self.n += 1
        os.makedirs(self.repo(), exist_ok=True)
        return timed(["cp", self.source(), "%s/%d.img" % (self.repo(), self.n)])

    incremental = full

    def restore(self, which, target):
        n = which + 1 if which >= 0 else self.n
        out = os.path.join(target, "cp.img")
        result = timed(["cp", "%s/%d.img" % (self.repo(), n), out])
        return result, out


def bench(tool, image, states, runs):
    rows = {"full": [], "incr": [], "restore_last": [], "restore_first": []}
    stored = {}
    rss = {k: 0 for k in rows}
    exact = True
    for _ in range(runs):
        tool.setup()
        t, m, _ = tool.full()
        rows["full"].append(t)
        rss["full"] = max(rss["full"], m)
        stored["full"] = du(tool.repo())
        tool.modify(lambda p: subprocess.run(["cp", "--sparse=always", states[1], p], check=True))
        t, m, _ = tool.incremental()
        rows["incr"].append(t)
        rss["incr"] = max(rss["incr"], m)
        stored["incr"] = du(tool.repo()) - stored["full"]
        target = tempfile.mkdtemp(dir=tool.work)
        for key, which, state in (("restore_last", -1, states[1]), ("restore_first", 0, states[0])):
            (t, m, _), out = tool.restore(which, target)
            rows[key].append(t)
            rss[key] = max(rss[key], m)
            exact = exact and same(out, state)
    return {k: statistics.median(v) for k, v in rows.items()}, stored, rss, exact


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--size-mib", type=int, default=1024)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", default=None)
    a = ap.parse_args()
    cli = os.path.join(os.path.abspath(a.build), "tools", "prlshim", "prlshim")
    work = a.work or tempfile.mkdtemp(prefix="prlshim-peers-")
    image = os.path.join(work, "image.img")
    make_image(image, a.size_mib)
    incr_state = os.path.join(work, "image-incr.img")
    subprocess.run(["cp", "--sparse=always", image, incr_state], check=True)
    rewrite_one_percent(incr_state)
    states = [image, incr_state]
    print("image: %d MiB; caches dropped before each run: %s" % (a.size_mib, drop_caches()))
    tools = [Prlshim(os.path.join(work, "prlshim"), image, cli), Restic(os.path.join(work, "restic"), image),
             Borg(os.path.join(work, "borg"), image), BorgFixed(os.path.join(work, "borgfixed"), image),
             TarZstd(os.path.join(work, "tar"), image), Copy(os.path.join(work, "cp"), image)]
    print("| tool | full s | full stored MB | incr s | incr stored MB | restore last s | restore first s | peak RSS MB | bit-exact |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for tool in tools:
        if tool.name != "prlshim" and shutil.which(tool.name.split()[0]) is None:
            continue
        t, s, r, ok = bench(tool, image, states, a.runs)
        print("| %s | %.2f | %.0f | %.2f | %.1f | %.2f | %.2f | %.0f | %s |" % (
            tool.name, t["full"], s["full"] / 1e6, t["incr"], s["incr"] / 1e6, t["restore_last"],
            t["restore_first"], max(r.values()) / 1024, "yes" if ok else "NO"), flush=True)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
