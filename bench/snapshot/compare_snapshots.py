#!/usr/bin/env python3
"""compare_snapshots.py: prlshim's VM snapshots side by side with copying the
disk image by hand, on a 1 GiB disk with 1% changed, in one run on this machine.

usage: bench/snapshot/compare_snapshots.py BUILD_DIR [--size-mib 1024] [--work DIR]
                                           [--no-loop] [--runs 3]

For each filesystem — the one holding --work (ext4 here), and, when this
process may mount loop devices, an XFS image with reflink=1 and a btrfs image —
the same sequence runs through prlshim (prlsdkapi, in-process) and through
the peer a user would type: `cp --sparse=always` (or `cp --reflink=always`
where the filesystem supports it), `cp` back to switch, `rm` to delete.

  1. snapshot A of the filled disk (60% random 1 MiB extents, 40% holes);
  2. 1% of the disk changes (2,621 scattered 4 KiB blocks);
  3. snapshot B                    <- "snapshot, 1% changed"
  4. switch to A                   <- the disk bytes come back
  5. delete B                      <- the space B alone held is freed

Each step is timed until a final `sync`; "space" is the filesystem's used
bytes after minus before (statvfs), so shared extents count once. Reported:
median time over --runs and the space of steps 3 and 5; every switch is
checked bit-exact against the bytes snapshot A was taken from.
"""
import argparse
import hashlib
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

MiB = 1 << 20


def used_bytes(path):
    os.sync()
    st = os.statvfs(path)
    return (st.f_blocks - st.f_bfree) * st.f_frsize


def digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            b = f.read(8 * MiB)
            if not b:
                return h.hexdigest()
            h.update(b)


def fill(path, size_mib, seed):
    rng = random.Random(seed)
    with open(path, "r+b") as f:
        for i in range(size_mib):
            if rng.random() < 0.6:
                f.seek(i * MiB)
                f.write(os.urandom(MiB))


def change_one_percent(path, size_mib, seed):
    rng = random.Random(seed)
    blocks = size_mib * MiB // 4096
    with open(path, "r+b") as f:
        for _ in range(blocks // 100):
            f.seek(rng.randrange(blocks) * 4096)
            f.write(os.urandom(4096))


def timed(fn):
    t0 = time.perf_counter()
    fn()
    os.sync()
    return time.perf_counter() - t0


def run_prlshim(work, size_mib, seed):
    import prlsdkapi
    consts = prlsdkapi.consts
    home = os.path.join(work, "home")
    os.makedirs(home)
    os.environ["PRLSHIM_HOME"] = home
    prlsdkapi.init_server_sdk()
    srv = prlsdkapi.Server()
    srv.login_local().wait()
    vm = srv.create_vm()
    vm.set_name("bench")
    disk = vm.create_vm_dev(consts.PDE_HARD_DISK)
    disk.set_disk_size(size_mib)
    disk.set_image_path("disk0.hdd")
    vm.reg("", True).wait()
    image = os.path.join(home, "vms", "bench.pvm", "disk0.hdd")
    fill(image, size_mib, seed)
    want = digest(image)
    r = {}
    ids = {}
    ids["A"] = None
    r["snapshot A"] = timed(lambda: ids.__setitem__("A", vm.create_snapshot("A", "").wait().get_param_as_string()))
    change_one_percent(image, size_mib, seed + 1)
    before = used_bytes(work)
    r["snapshot B (1% changed)"] = timed(lambda: ids.__setitem__("B", vm.create_snapshot("B", "").wait().get_param_as_string()))
    r["space of B"] = used_bytes(work) - before
    r["switch to A"] = timed(lambda: vm.switch_to_snapshot(ids["A"]).wait())
    r["bit-exact"] = digest(image) == want
    before = used_bytes(work)
    r["delete B"] = timed(lambda: vm.delete_snapshot(ids["B"], False).wait())
    r["space freed by delete"] = before - used_bytes(work)
    vm.delete().wait()
    srv.logoff().wait()
    prlsdkapi.deinit_sdk()
    return r


def run_cp(work, size_mib, seed, reflink):
    mode = ["--reflink=always"] if reflink else ["--sparse=always"]
    image = os.path.join(work, "disk0.hdd")
    with open(image, "wb") as f:
        f.truncate(size_mib * MiB)
    fill(image, size_mib, seed)
    want = digest(image)
    a, b = os.path.join(work, "A.hdd"), os.path.join(work, "B.hdd")
    cp = lambda src, dst: subprocess.run(["cp"] + mode + [src, dst], check=True)
    r = {}
    r["snapshot A"] = timed(lambda: cp(image, a))
    change_one_percent(image, size_mib, seed + 1)
    before = used_bytes(work)
    r["snapshot B (1% changed)"] = timed(lambda: cp(image, b))
    r["space of B"] = used_bytes(work) - before
    r["switch to A"] = timed(lambda: cp(a, image))
    r["bit-exact"] = digest(image) == want
    before = used_bytes(work)
    r["delete B"] = timed(lambda: os.unlink(b))
    r["space freed by delete"] = before - used_bytes(work)
    for p in (image, a):
        os.unlink(p)
    return r


def supports_reflink(directory):
    src, dst = os.path.join(directory, ".rl-a"), os.path.join(directory, ".rl-b")
    with open(src, "wb") as f:
        f.write(b"x" * 4096)
    ok = subprocess.run(["cp", "--reflink=always", src, dst], capture_output=True).returncode == 0
    for p in (src, dst):
        if os.path.exists(p):
            os.unlink(p)
    return ok


def loop_filesystems(base, size_mib):
    """(name, mountpoint) of XFS/btrfs images mounted through loop devices, when possible."""
    out = []
    for fs, mkfs in (("xfs", ["mkfs.xfs", "-q", "-m", "reflink=1"]), ("btrfs", ["mkfs.btrfs", "-q"])):
        if not shutil.which(mkfs[0]):
            print("skipping %s: %s not installed" % (fs, mkfs[0]))
            continue
        img, mnt = os.path.join(base, fs + ".img"), os.path.join(base, fs)
        with open(img, "wb") as f:
            f.truncate((size_mib * 4 + 1024) * MiB)
        os.makedirs(mnt)
        if subprocess.run(mkfs + [img], capture_output=True).returncode != 0 or \
                subprocess.run(["mount", "-o", "loop", img, mnt], capture_output=True).returncode != 0:
            print("skipping %s: cannot make or mount a loop filesystem here" % fs)
            continue
        out.append((fs, mnt))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--size-mib", type=int, default=1024)
    ap.add_argument("--work", default="/var/tmp")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-loop", action="store_true")
    a = ap.parse_args()
    os.environ.setdefault("PRLSHIM_LIBRARY", os.path.join(os.path.abspath(a.build), "lib", "abi", "libprl_sdk.so.9"))
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bindings", "python"))
    base = tempfile.mkdtemp(prefix="prlshim-snapbench-", dir=a.work)
    targets = [("host (%s)" % subprocess.run(["stat", "-f", "-c", "%T", base], capture_output=True, text=True).stdout.strip(), base)]
    if not a.no_loop:
        targets += loop_filesystems(base, a.size_mib)
    try:
        for name, where in targets:
            reflink = supports_reflink(where)
            results = {"prlshim": [], ("cp --reflink" if reflink else "cp --sparse"): []}
            for run in range(a.runs):
                for tool in results:
                    work = tempfile.mkdtemp(dir=where)
                    if tool == "prlshim":
                        # Each prlshim run in a child: the SDK is initialised once per process.
                        import json
                        here = os.path.dirname(os.path.abspath(__file__))
                        code = ("import json,sys; sys.path[:0] = [%r, %r]; import compare_snapshots as c; "
                                "print(json.dumps(c.run_prlshim(%r, %d, %d)))" %
                                (here, os.path.join(here, "..", "..", "bindings", "python"), work, a.size_mib, 7 + run))
                        p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ)
                        if p.returncode != 0:
                            raise RuntimeError(p.stderr[-3000:])
                        results[tool].append(json.loads(p.stdout.strip().splitlines()[-1]))
                    else:
                        results[tool].append(run_cp(work, a.size_mib, 7 + run, reflink))
                    shutil.rmtree(work)
            print("\n### %s, %d MiB disk, median of %d runs" % (name, a.size_mib, a.runs))
            keys = [k for k in results["prlshim"][0]]
            tools = list(results)
            print("| step | " + " | ".join(tools) + " | prlshim / peer |")
            print("|---|" + "---|" * (len(tools) + 1))
            for k in keys:
                vals = [[r[k] for r in results[t]] for t in tools]
                if k == "bit-exact":
                    print("| %s | %s |  |" % (k, " | ".join("yes" if all(v) else "NO" for v in vals)))
                    continue
                med = [statistics.median(v) for v in vals]
                if k.startswith("space"):
                    cells = ["%.1f MiB" % (m / MiB) for m in med]
                else:
                    cells = ["%.3f s" % m for m in med]
                tiny = k.startswith("space") and max(med) < MiB  # shared extents: nothing to compare
                ratio = "%.2f" % (med[0] / med[1]) if med[1] > 0 and not tiny else "-"
                print("| %s | %s | %s |" % (k, " | ".join(cells), ratio))
    finally:
        for _, where in targets[1:]:
            subprocess.run(["umount", where])
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
