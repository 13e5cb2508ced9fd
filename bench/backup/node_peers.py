#!/usr/bin/env python3
"""node_peers.py: backups of the 1 GiB image to another host's repository,
side by side on this machine (issue 14): prlshim to a backup node (prlctl
--storage, a prlshimd on 127.0.0.2 over TLS), restic over SFTP and borg over
SSH, each to an sshd of the bench's own on 127.0.0.1:2222 (its keys and
configuration in the work directory: no real home or /etc/ssh file is
used). The same measurements as compare_peers.py: full, incremental after
1% scattered changes, restores of both, stored bytes, peak RSS, bit-exact.
Needs openssh-server, restic and borgbackup (Debian packages), and root
(sshd). Usage:
  bench/backup/node_peers.py build [--size-mib N] [--runs N]
"""
import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from backup_node import BackupNode  # noqa: E402
from compare_peers import Borg, MiB, Restic, Tool, bench, drop_caches, make_image, rewrite_one_percent, sh, timed  # noqa: E402,F401

SSH_PORT = 2222
PASSWORD = "peers"


class Sshd:
    """An sshd on 127.0.0.1:SSH_PORT that lets root in with one key, and an ssh configuration for it."""

    def __init__(self, work):
        self.dir = os.path.join(work, "ssh")
        os.makedirs(self.dir)
        sh(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", os.path.join(self.dir, "host")])
        sh(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", os.path.join(self.dir, "client")])
        shutil.copy(os.path.join(self.dir, "client.pub"), os.path.join(self.dir, "authorized_keys"))
        with open(os.path.join(self.dir, "sshd_config"), "w") as f:
            f.write("Port %d\nListenAddress 127.0.0.1\nHostKey %s/host\nAuthorizedKeysFile %s/authorized_keys\n"
                    "PermitRootLogin prohibit-password\nPasswordAuthentication no\nStrictModes no\nUsePAM no\n"
                    "PidFile %s/sshd.pid\nSubsystem sftp internal-sftp\n" % (SSH_PORT, self.dir, self.dir, self.dir))
        self.config = os.path.join(self.dir, "ssh_config")
        with open(self.config, "w") as f:
            f.write("Host 127.0.0.1\n  Port %d\n  User root\n  IdentityFile %s/client\n  StrictHostKeyChecking no\n"
                    "  UserKnownHostsFile /dev/null\n  LogLevel ERROR\n" % (SSH_PORT, self.dir))
        os.makedirs("/run/sshd", exist_ok=True)
        self.proc = subprocess.Popen(["/usr/sbin/sshd", "-D", "-f", os.path.join(self.dir, "sshd_config")])
        for _ in range(50):
            if subprocess.run(["ssh", "-F", self.config, "127.0.0.1", "true"], capture_output=True).returncode == 0:
                return
            subprocess.run(["sleep", "0.1"])
        raise RuntimeError("the bench's sshd did not let us in")

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


class ResticSftp(Restic):
    name = "restic sftp"

    def __init__(self, work, image, sshd):
        super().__init__(work, image)
        self.exe = os.path.join(os.path.dirname(work), "restic-sftp")
        with open(self.exe, "w") as f:
            f.write('#!/bin/sh\nexec restic -o sftp.command="ssh -F %s 127.0.0.1 -s sftp" "$@"\n' % sshd.config)
        os.chmod(self.exe, 0o755)

    def env(self):
        return dict(super().env(), RESTIC_REPOSITORY="sftp:127.0.0.1:" + self.repo())


class BorgSsh(Borg):
    name = "borg ssh"

    def __init__(self, work, image, sshd):
        super().__init__(work, image)
        self.sshd = sshd

    def env(self):
        return dict(super().env(), BORG_REPO="ssh://127.0.0.1" + self.repo(), BORG_RSH="ssh -F " + self.sshd.config)


class PrlshimNode(Tool):
    """prlctl backups of a VM of this host's embedded service to a prlshimd on 127.0.0.2."""
    name = "prlshim node"

    def __init__(self, work, image, build):
        super().__init__(work, image)
        self.prlctl = os.path.join(build, "tools", "prlctl", "prlctl")
        self.daemon_exe = os.path.join(build, "tools", "prlshimd", "prlshimd")
        self.node = None

    def env(self):
        return dict(os.environ, PRLSHIM_HOME=os.path.join(self.work, "source"), PRLSHIM_EMBEDDED="1")

    def repo(self):
        return os.path.join(self.work, "node", "backups")

    def setup(self):
        self.stop()
        self.reset()
        self.node = BackupNode(self.daemon_exe, os.path.join(self.work, "node"), "127.0.0.2", "peers", PASSWORD)
        self.storage = self.node.storage
        sh([self.prlctl, "create", "bench", "--vmtype", "vm"], self.env())
        self.disk = os.path.join(self.work, "source", "vms", "bench.pvm", "harddisk.hdd")
        os.remove(self.disk)
        subprocess.run(["cp", "--sparse=always", self.image, self.disk], check=True)

    def stop(self):
        if self.node:
            self.node.stop()
            self.node = None

    def modify(self, fn):
        fn(self.disk)

    def full(self):
        return timed([self.prlctl, "backup", "bench", "-f"] + self.storage, self.env())

    def incremental(self):
        return timed([self.prlctl, "backup", "bench", "-i"] + self.storage, self.env())

    def restore(self, which, target):
        listing = sh([self.prlctl, "backup-list"] + self.storage, self.env())[2]
        ids = sorted(set(re.findall(r"(\{[0-9a-f-]+\}(?:\.\d+)?)", listing)) - {self.vm_uuid()},
                     key=lambda s: (len(s), s))
        name = "r%d%d" % (which, random.randrange(10 ** 6))
        result = timed([self.prlctl, "restore", "bench", "-t", ids[which], "-n", name] + self.storage, self.env())
        return result, os.path.join(self.work, "source", "vms", name + ".pvm", "harddisk.hdd")

    def vm_uuid(self):
        return re.search(r"(\{[0-9a-f-]+\})", sh([self.prlctl, "list", "-a", "-o", "uuid", "bench"], self.env())[2]).group(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--size-mib", type=int, default=1024)
    ap.add_argument("--runs", type=int, default=1)
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    work = tempfile.mkdtemp(prefix="prlshim-node-peers-")
    sshd = None
    try:
        image = os.path.join(work, "image.img")
        make_image(image, a.size_mib)
        incr_state = os.path.join(work, "image-incr.img")
        subprocess.run(["cp", "--sparse=always", image, incr_state], check=True)
        rewrite_one_percent(incr_state)
        states = [image, incr_state]
        sshd = Sshd(work)
        print("image: %d MiB; caches dropped before each run: %s" % (a.size_mib, drop_caches()))
        tools = [PrlshimNode(os.path.join(work, "prlshim-node"), image, build),
                 ResticSftp(os.path.join(work, "restic"), image, sshd), BorgSsh(os.path.join(work, "borg"), image, sshd)]
        print("| tool | full s | full stored MB | incr s | incr stored MB | restore last s | restore first s | peak RSS MB | bit-exact |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
        for tool in tools:
            t, s, r, ok = bench(tool, image, states, a.runs)
            print("| %s | %.2f | %.0f | %.2f | %.1f | %.2f | %.2f | %.0f | %s |" % (
                tool.name, t["full"], s["full"] / 1e6, t["incr"], s["incr"] / 1e6, t["restore_last"],
                t["restore_first"], max(r.values()) / 1024, "yes" if ok else "NO"), flush=True)
            if isinstance(tool, PrlshimNode):
                tool.stop()
    finally:
        if sshd:
            sshd.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
