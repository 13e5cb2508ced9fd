#!/usr/bin/python3
"""End-to-end test of the prlshim command-line tool, run as a user would run it.

Usage: test_cli.py PRLSHIM_BINARY LIBPRL_SDK PRLERRORSVALUES_H DOCS_DIR

Everything happens in a temporary PRLSHIM_HOME: create a VM, back it up (full,
incremental, differential), list backups as a table and as JSON, restore to new
VMs and compare the disk bytes with what they were at backup time, delete
backups, power and edit a VM, a container, register/unregister, --help for
every command, failures (non-zero exit, the SDK's text on stderr), and Ctrl-C
during a backup (cancel message, nothing listed).
"""
import ctypes
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

BIN, LIB, ERRORS_H, DOCS = sys.argv[1:5]
COMMANDS = ["create", "register", "unregister", "delete", "list", "start", "stop", "pause", "resume", "status",
            "set", "backup", "backup-list", "restore", "backup-delete", "events", "tasks"]
MiB = 1 << 20

home = tempfile.mkdtemp(prefix="prlshim-cli-")
env = dict(os.environ, PRLSHIM_HOME=home, HOME="/nonexistent/prlshim-tests-must-not-use-home")
LOG = os.path.join(home, "sdk.log")  # every run appends the SDK's log here: no handle may leak
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, flush=True)
    return cond


def run(*args, ok=True, timeout=60):
    p = subprocess.run([BIN, "--log", LOG, *args], env=env, capture_output=True, text=True, timeout=timeout)
    if ok and p.returncode != 0:
        raise AssertionError("prlshim %s exited %d\nstdout: %s\nstderr: %s" % (" ".join(args), p.returncode, p.stdout,
                                                                              p.stderr))
    return p


# ---- the SDK's own error texts, to compare stderr with ----
sdk = ctypes.CDLL(LIB)
codes = {}
with open(ERRORS_H, encoding="utf-8") as f:
    for line in f:
        m = re.match(r"#define (PRL_ERR_\w+) \((-?\d+)\)", line)
        if m:
            codes[m.group(1)] = int(m.group(2))


def sdk_text(name):
    buf = ctypes.create_string_buffer(1024)
    size = ctypes.c_uint32(len(buf))
    rc = sdk.PrlApi_GetResultDescription(ctypes.c_int(codes[name]), 0, 0, buf, ctypes.byref(size))
    assert rc == 0, rc
    return buf.value.decode()


def expect_failure(args, error_name, what):
    p = run(*args, ok=False)
    check(p.returncode != 0, "%s: exit status non-zero (got %d)" % (what, p.returncode))
    check(sdk_text(error_name) in p.stderr, "%s: stderr has the SDK text %r, got %r" % (what, sdk_text(error_name),
                                                                                        p.stderr))
    return p


def vms():
    return {v["name"]: v for v in json.loads(run("list", "-a", "-j").stdout)}


def image_of(name):
    disks = vms()[name]["disks"]
    assert disks, name
    return disks[0]["image"]


def write_at(path, offset, data):
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(data)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def backup_id_from(stdout):
    m = re.search(r"backup id (\{[0-9a-f-]{36}\}(\.\d+)?)", stdout)
    assert m, stdout
    return m.group(1)


def main():
    started = time.monotonic()

    # --help for every command, and the top level.
    for cmd in [None] + COMMANDS:
        args = ["--help"] if cmd is None else [cmd, "--help"]
        p = run(*args, ok=False)
        check(p.returncode == 0 and "Usage" in p.stdout, "%s --help exits 0 with a usage text" % (cmd or "prlshim"))

    # The manual page renders cleanly and, like docs/cli.md, covers every command.
    man = os.path.join(DOCS, "prlshim.1")
    if shutil.which("groff"):
        p = subprocess.run(["groff", "-man", "-ww", "-z", man], capture_output=True, text=True)
        check(p.returncode == 0 and p.stderr == "", "groff renders prlshim.1 without warnings: %r" % p.stderr)
    with open(man, encoding="utf-8") as f:
        roff = re.sub(r"\\f[BIRP]", " ", f.read()).replace("\\-", "-")
    with open(os.path.join(DOCS, "cli.md"), encoding="utf-8") as f:
        md = f.read()
    for cmd in COMMANDS:
        check(re.search(r"\b%s\b" % re.escape(cmd), roff), "prlshim.1 documents %s" % cmd)
        check("`%s" % cmd in md or "`%s`" % cmd in md or ", `%s" % cmd in md, "cli.md documents %s" % cmd)

    # A VM with a 256 MB disk, some data in it.
    out = run("create", "vm1", "--disk-size", "256").stdout
    check("successfully created" in out, "create says so")
    vm = vms()["vm1"]
    check(vm["type"] == "VM" and vm["status"] == "stopped" and vm["disks"][0]["size"] == 256, "list -j shows vm1")
    image = image_of("vm1")
    check(os.path.getsize(image) == 256 * MiB, "the disk image has the disk's size")
    write_at(image, 0, os.urandom(4 * MiB))
    write_at(image, 100 * MiB, b"L" * MiB)

    # Full backup, table listing.
    full = backup_id_from(run("backup", "vm1", "-d", "first").stdout)
    state_full = read(image)
    table = run("backup-list").stdout.splitlines()
    check(table and table[0].split() == ["ID", "Backup_ID", "Node", "Date", "Type", "Size"], "backup-list header")
    check(any(full in line and vm["uuid"] in line for line in table[1:]), "backup-list shows the full backup")

    # Incremental, then the JSON listing.
    write_at(image, 8 * MiB, os.urandom(MiB))
    inc = backup_id_from(run("backup", "vm1", "--incremental").stdout)
    state_inc = read(image)
    check(inc == full + ".2", "the incremental is element .2 of the chain")
    items = json.loads(run("backup-list", "-j").stdout)
    check([i["backup_id"] for i in items] == [full, inc], "backup-list -j lists both")
    check([i["kind"] for i in items] == ["full", "incremental"], "backup-list -j kinds")
    check(items[0]["description"] == "first" and items[0]["vm_name"] == "vm1" and items[0]["size"] > 0,
          "backup-list -j fields")
    check(items[0]["disks"][0]["original_path"] == image, "backup-list -j disk path")
    check(json.loads(run("backup-list", "vm1", "-j").stdout) == items, "backup-list by VM name")
    check(len(json.loads(run("backup-list", inc, "-j").stdout)) == 2, "backup-list by an incremental id brings its full")
    xml = run("backup-list", "--xml").stdout
    check(xml.lstrip().startswith("<?xml") and "<BackupTree" in xml, "backup-list --xml")

    # A differential.
    write_at(image, 200 * MiB, os.urandom(MiB))
    diff = backup_id_from(run("backup", "vm1", "--differential", "--uncompressed").stdout)
    state_diff = read(image)
    chain = json.loads(run("backup-list", inc, "--chain", "-j").stdout)
    check([i["backup_id"] for i in chain] == [full, inc, diff], "backup-list --chain")
    check(chain[2]["kind"] == "differential", "differential kind")

    # Restores to new VMs, bit for bit.
    for bid, name, want in [(full, "r-full", state_full), (inc, "r-inc", state_inc), (diff, "r-diff", state_diff)]:
        out = run("restore", bid, "--name", name).stdout
        check("has been restored" in out, "restore %s says so" % name)
        check(read(image_of(name)) == want, "restored %s equals the disk at backup time" % name)
    dst = os.path.join(home, "elsewhere")
    os.mkdir(dst)
    run("restore", full, "--name", "r-dst", "--dst", dst)
    check(image_of("r-dst").startswith(dst + "/"), "restore --dst puts the bundle there")

    # Restore over the original: refused while running, then bytes back.
    run("start", "vm1")
    check(vms()["vm1"]["status"] == "running", "start: running")
    check(json.loads(run("list", "-j").stdout)[0]["name"] == "vm1", "list without -a shows running ones")
    expect_failure(["restore", full], "PRL_ERR_BACKUP_RESTORE_VM_RUNNING", "restore over a running VM")
    run("pause", "vm1")
    check(json.loads(run("status", "vm1", "-j").stdout)["status"] == "paused", "pause: paused")
    run("resume", "vm1")
    run("stop", "vm1")
    check("exist stopped" in run("status", "vm1").stdout, "status text")
    run("restore", full)
    check(read(image) == state_full, "restore over the original brings its bytes back")

    # Edit.
    run("set", "vm1", "--memsize", "2048", "--cpus", "2", "--description", "edited")
    v = vms()["vm1"]
    check((v["memsize"], v["cpus"], v["description"]) == (2048, 2, "edited"), "set")
    names = [line.split()[-1] for line in run("list", "-a", "-o", "uuid,name").stdout.splitlines()[1:]]
    check("vm1" in names, "list -o")

    # backup-delete: keep-chain, then the rest of the chain.
    run("backup-delete", inc, "--keep-chain")
    check([i["backup_id"] for i in json.loads(run("backup-list", "-j").stdout)] == [full, diff], "delete --keep-chain")
    run("backup-delete", full)
    check(json.loads(run("backup-list", "-j").stdout) == [], "delete a full backup removes its chain")
    expect_failure(["backup-delete", full], "PRL_ERR_BACKUP_BACKUP_UUID_NOT_FOUND", "delete an unknown backup")

    # A container.
    out = run("create", "ct1", "--ct").stdout
    check("CT" in out, "create --ct")
    check(vms()["ct1"]["type"] == "CT", "list -j: ct1 is a CT")
    check(any(line.split()[2:] == ["CT", "ct1"] for line in run("list", "-a").stdout.splitlines()), "list: ct1 as CT")
    ct_backup = backup_id_from(run("backup", "ct1").stdout)
    check(json.loads(run("backup-list", "ct1", "-j").stdout)[0]["vm_type"] == "CT", "container backup listed")
    run("backup-delete", ct_backup)

    # Unregister, register, delete.
    bundle = os.path.dirname(image_of("r-inc"))
    run("unregister", "r-inc")
    check("r-inc" not in vms() and os.path.isdir(bundle), "unregister keeps the files")
    run("register", bundle)
    check("r-inc" in vms(), "register brings it back")
    run("delete", "r-inc")
    check("r-inc" not in vms() and not os.path.exists(bundle), "delete removes the files")

    # Failures: non-zero, the SDK's text on stderr; usage errors exit 2.
    expect_failure(["status", "no-such-vm"], "PRL_ERR_VM_UUID_NOT_FOUND", "status of an unknown VM")
    expect_failure(["start", "no-such-vm"], "PRL_ERR_VM_UUID_NOT_FOUND", "start an unknown VM")
    expect_failure(["pause", "vm1"], "PRL_ERR_DISP_VM_IS_NOT_STARTED", "pause a stopped VM")
    expect_failure(["restore", "{00000000-0000-0000-0000-000000000000}.3"], "PRL_ERR_BACKUP_BACKUP_UUID_NOT_FOUND",
                   "restore an unknown backup")
    expect_failure(["create", "vm1"], "PRL_ERR_VM_ALREADY_REGISTERED_VM_NAME", "create a duplicate name")
    check(run("create", ok=False).returncode == 2, "usage error exits 2")
    check(run("backup", "vm1", "--incremental", "--differential", ok=False).returncode == 2, "exclusive flags")
    check(run("list", "-o", "nonsense", ok=False).returncode == 2, "unknown field")

    # tasks and events.
    check(json.loads(run("tasks", "-j").stdout) == [], "tasks -j: nothing running")
    # Without a daemon there is no task history: empty, and nothing is created.
    check(json.loads(run("tasks", "--history", "-j").stdout) == [], "tasks --history -j: no history")
    check(not os.path.exists(os.path.join(home, "tasks.db")), "tasks --history creates no database")
    missing = run("tasks", "--steps", "{00000000-0000-0000-0000-000000000000}", ok=False)
    check(missing.returncode == 1 and "no task" in missing.stderr, "tasks --steps of an unknown task fails")
    check(run("tasks", "--history", "--limit", "0", ok=False).returncode == 2, "tasks --limit 0 is a usage error")
    # --host: malformed addresses are usage errors; an address where no daemon answers fails cleanly.
    for bad in ("[::1", "[::1]x", "host:0", "host:99999", "host:12ab", ":64000"):
        check(run("--host", bad, "list", ok=False).returncode == 2, "--host %s is a usage error" % bad)
    check(run("--user", "alice", "list", ok=False).returncode == 2, "--user needs --host")
    nobody = subprocess.run([BIN, "--log", LOG, "--host", "127.0.0.1:1", "--user", "alice", "list"],
                            env=dict(env, PRLSHIM_PASSWORD="x"), capture_output=True, text=True, timeout=60)
    check(nobody.returncode == 1 and "Failed to log in to 127.0.0.1" in nobody.stderr, "--host where nothing listens")
    ev = subprocess.Popen([BIN, "--log", LOG, "events"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    ev.send_signal(signal.SIGINT)
    check(ev.wait(timeout=10) == 0, "events ends cleanly on Ctrl-C")

    # Ctrl-C during a backup of a large-enough disk: cancelled, nothing listed.
    run("create", "big", "--disk-size", "1024")
    big = image_of("big")
    with open(big, "r+b") as f:
        for _ in range(24):
            f.write(os.urandom(16 * MiB))
    p = subprocess.Popen([BIN, "--log", LOG, "backup", "big"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in p.stdout:  # wait until it is really running
        if "progress" in line:
            break
    p.send_signal(signal.SIGINT)
    rest, err = p.communicate(timeout=30)
    check(p.returncode == 130, "Ctrl-C: exit status 130 (got %d)" % p.returncode)
    check(sdk_text("PRL_ERR_OPERATION_WAS_CANCELED") in err, "Ctrl-C: the cancel message on stderr, got %r" % err)
    check(json.loads(run("backup-list", "big", "-j").stdout) == [], "Ctrl-C: nothing listed")

    with open(LOG, encoding="utf-8") as f:
        leaks = [line for line in f if "leaked" in line]
    check(not leaks, "no command leaks a handle: %r" % leaks)

    print("elapsed %.1f s" % (time.monotonic() - started))


try:
    main()
finally:
    shutil.rmtree(home, ignore_errors=True)
if failures:
    print("%d check(s) failed" % len(failures))
    sys.exit(1)
print("all checks passed")
