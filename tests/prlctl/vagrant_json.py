#!/usr/bin/env python3
"""ctest prlctl.vagrant: the JSON and table forms Vagrant's Parallels provider
and Packer parse, read the way they read them, through our prlctl in a
temporary PRLSHIM_HOME: create, set, start, stop, delete.
usage: vagrant_json.py BINDIR"""
import json, os, subprocess, sys, tempfile

BIN = sys.argv[1]


def prlctl(*args, check=True):
    r = subprocess.run([os.path.join(BIN, "prlctl"), *args], capture_output=True, text=True)
    if check and r.returncode != 0:
        sys.exit(f"prlctl {' '.join(args)}: exit {r.returncode}: {r.stderr}")
    return r.stdout


with tempfile.TemporaryDirectory(prefix="prlctl-vagrant.") as home:
    os.environ["PRLSHIM_HOME"] = home
    assert json.loads(prlctl("list", "--all", "--info", "--json")) == []
    prlctl("create", "box", "--distribution", "ubuntu")
    vms = json.loads(prlctl("list", "--all", "--info", "--json"))
    assert len(vms) == 1 and vms[0]["Name"] == "box" and vms[0]["State"] == "stopped", vms
    uuid = vms[0]["ID"]
    assert len(uuid) == 36 and "{" not in uuid, uuid
    assert vms[0]["Home"].startswith(home), vms[0]["Home"]
    assert vms[0]["GuestTools"]["state"] == "not_installed"
    prlctl("set", uuid, "--memsize", "1536")
    prlctl("set", uuid, "--cpus", "2")
    prlctl("set", uuid, "--name", "box2")
    info = json.loads(prlctl("list", uuid, "--info", "--no-header", "--json"))[0]
    assert info["Name"] == "box2" and info["Hardware"]["memory"]["size"] == "1536Mb", info["Hardware"]
    assert info["Hardware"]["cpu"]["cpus"] == 2
    full = json.loads(prlctl("list", uuid, "--full", "--json"))[0]
    assert full == {"uuid": uuid, "status": "stopped", "ip_configured": "-", "type": "VM", "name": "box2"}, full
    prlctl("start", uuid)
    rows = [line.split() for line in prlctl("list", "-H", "-o", "uuid,status,name").splitlines()]
    assert rows == [["{" + uuid + "}", "running", "box2"]], rows
    prlctl("stop", uuid)
    assert json.loads(prlctl("list", uuid, "--info", "--no-header", "--json"))[0]["State"] == "stopped"
    prlctl("delete", uuid)
    assert json.loads(prlctl("list", "--all", "--info", "--json")) == []
print("prlctl.vagrant: 11 commands, every form parsed as Vagrant and Packer parse it")
