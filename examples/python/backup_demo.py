#!/usr/bin/env python3
"""Create a VM with a disk, back it up twice, list the backups, restore a copy.

Run with the library on the search path or PRLSHIM_LIBRARY=/path/to/libprl_sdk.so.9;
state goes to $PRLSHIM_HOME (default ~/.local/share/prlshim)."""
import prlsdk

with prlsdk.Api(), prlsdk.Server.login_local() as server:
    for old in filter(None, map(server.find_vm, ["demo-vm", "demo-vm-restored"])):
        old.delete()  # from an earlier run
    vm = server.create_vm("demo-vm", disk_size_mb=64)
    with open(vm.disks[0].image_path, "r+b") as disk:  # put some data on the disk
        disk.write(b"hello from python " * 1000)
    full = server.backup(vm, description="first")
    incremental = server.backup(vm, incremental=True, description="second")
    for b in server.backups(vm):
        print(f"{b.id:42} {b.type} {b.date:%Y-%m-%d %H:%M:%S} {b.size:>9} bytes  {b.description}")
    copy = server.restore(incremental, vm=vm, name="demo-vm-restored")
    with open(copy.disks[0].image_path, "rb") as a, open(vm.disks[0].image_path, "rb") as b:
        same = a.read() == b.read()
    print(f"restored {copy.name} {copy.uuid}: disk identical: {same}")
    raise SystemExit(0 if same else 1)
