"""A backup node for the benches: a prlshimd on a state root of the
bench's, with one admin user, listening on `address` (a port the kernel
picks), and the prlctl --storage argument that reaches it. `repository`:
its --repository (a directory, or rados:POOL[/NAMESPACE]); default: the
state root's backups directory. `cpus`: the only CPUs it may run on."""
import os
import re
import subprocess


class BackupNode:
    def __init__(self, daemon, home, address, user, password, repository=None, cpus=None):
        os.makedirs(home, exist_ok=True)
        subprocess.run([daemon, "--home", home, "--add-user", user], input=password + "\n", text=True, check=True,
                       capture_output=True)
        extra = ["--repository", repository] if repository else []
        self.proc = subprocess.Popen([daemon, "--home", home, "--listen", address + ":0", "--admin", user,
                                      "--foreground"] + extra, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True, preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None)
        self.port = int(re.search(r":(\d+) and", self.proc.stdout.readline()).group(1))
        self.pid = self.proc.pid
        self.repository = repository or os.path.join(home, "backups")
        self.storage = ["--storage", "%s:%s@%s:%d" % (user, password, address, self.port)]

    def cpu_seconds(self):
        """User plus system CPU the node has used so far."""
        with open("/proc/%d/stat" % self.pid) as f:
            fields = f.read().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        if self.proc:
            self.proc.terminate()
            self.proc.wait()
            self.proc = None
