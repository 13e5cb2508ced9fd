"""Backups: full + incremental + differential, tree, restore bytes, remove, jobs."""
import datetime
import re
import random

import pytest

import prlsdk
from prlsdk import constants as C

from conftest import MiB, read, write_at


@pytest.fixture
def vm(server):
    return server.create_vm('backup-vm', disk_size_mb=16)


def test_full_incremental_tree_restore(server, vm):
    rng = random.Random(7)
    image = vm.disks[0].image_path
    write_at(image, 0, rng.randbytes(2 * MiB))
    states = []
    full = server.backup(vm, description='first')
    states.append((full, read(image)))
    for _ in range(20):
        write_at(image, rng.randrange(4096) * 4096, rng.randbytes(4096))
    inc = server.backup(vm, incremental=True, description='second')
    states.append((inc, read(image)))
    write_at(image, 12 * MiB, rng.randbytes(MiB))
    diff = server.backup(vm.uuid, differential=True)  # a UUID works as well as a VM
    states.append((diff, read(image)))

    assert re.fullmatch(r'\{[0-9a-f-]{36}\}', full)
    assert inc == full + '.2' and diff == full + '.3'

    tree = server.backup_tree()
    assert len(tree) == 1
    t = tree[0]
    assert (t.uuid, t.name) == (vm.uuid, 'backup-vm')
    assert len(t.backups) == 1
    b = t.backups[0]
    assert (b.id, b.type, b.number, b.is_full, b.description) == (full, 'f', 1, True, 'first')
    assert isinstance(b.date, datetime.datetime)
    assert b.size > 0 and b.original_size >= 16 * MiB
    assert len(b.disks) == 1 and b.disks[0].size > 0
    assert [(p.id, p.number, p.type) for p in b.increments] == [(inc, 2, 'i'), (diff, 3, 'i')]
    assert b.increments[0].description == 'second'
    assert [x.id for x in server.backups(vm)] == [full, inc, diff]

    # Filters: one backup (with its full element), a chain, containers, by VM.
    one = server.backup_tree(backup_id=inc)
    assert [x.id for x in one[0].all_backups()] == [full, inc]
    assert [x.id for x in server.backup_tree(backup_id=inc, chain=True)[0].all_backups()][-2:] == [inc, diff]
    assert server.backup_tree(cts=True) == []
    assert server.backup_tree(vm='{00000000-0000-0000-0000-000000000000}') == []
    with pytest.raises(prlsdk.PrlError) as e:
        server.backup_tree(chain=True)
    assert e.value.code == C.PRL_ERR_INVALID_PARAM

    # Every element restores bit for bit to a copy.
    for i, (backup_id, data) in enumerate(states):
        copy = server.restore(backup_id, vm=vm, name='copy-%d' % i)
        assert copy.uuid != vm.uuid and copy.name == 'copy-%d' % i
        assert read(copy.disks[0].image_path) == data


def test_restore_over_original_and_remove(server, vm):
    image = vm.disks[0].image_path
    write_at(image, MiB, b'A' * MiB)
    before = read(image)
    first = server.backup(vm)
    write_at(image, MiB, b'X' * MiB)
    second = server.backup(vm, incremental=True)
    vm.start()
    with pytest.raises(prlsdk.PrlError) as e:
        server.restore(first, vm=vm)
    assert e.value.code == C.PRL_ERR_BACKUP_RESTORE_VM_RUNNING
    vm.stop()
    restored = server.restore(first, vm=vm)
    assert restored.uuid == vm.uuid
    assert read(image) == before

    server.remove_backup(second, vm=vm)
    assert [b.id for b in server.backups(vm)] == [first]
    with pytest.raises(prlsdk.PrlError) as e:
        server.remove_backup(second, vm=vm)
    assert e.value.code == C.PRL_ERR_BACKUP_BACKUP_UUID_NOT_FOUND
    server.remove_backup(second, vm=vm, ignore_missing=True)
    server.remove_backup(vm=vm)  # all of them
    assert server.backup_tree() == []


def test_separate_repository(server, vm, tmp_path):
    repo = tmp_path / 'repo'
    bid = server.backup(vm, directory=repo)
    assert server.backup_tree() == []
    assert [b.id for b in server.backups(vm, directory=repo)] == [bid]
    copy = server.restore(bid, vm=vm, name='from-repo', directory=repo)
    assert read(copy.disks[0].image_path) == read(vm.disks[0].image_path)


def test_backup_job_progress_and_cancel(server, vm):
    rng = random.Random(5)
    image = vm.disks[0].image_path
    for at in range(0, 16 * MiB, MiB):
        write_at(image, at, rng.randbytes(MiB))
    job = server.backup(vm, wait=False)
    with job:
        bid = job.wait(timeout=120)
        assert job.result == bid and job.progress == 100
    assert [b.id for b in server.backups(vm)] == [bid]

    job = server.backup(vm, incremental=True, wait=False)
    job.cancel()
    try:
        job.wait(60)
        cancelled = False
    except prlsdk.PrlError as e:
        assert e.code == C.PRL_ERR_OPERATION_WAS_CANCELED
        cancelled = True
    job.close()
    assert len(server.backups(vm)) == (1 if cancelled else 2)


def test_wait_timeout_leaves_the_job_running(server, vm):
    job = server.backup(vm, wait=False)
    try:
        job.wait(timeout=0)
    except TimeoutError:
        pass  # still running: wait again
    assert job.wait(120).startswith('{')
    job.close()


def test_tree_parser_refuses_entities():
    bomb = ('<?xml version="1.0"?><!DOCTYPE BackupTree [<!ENTITY a "aaaaaaaa">]>'
            '<BackupTree><VmItem><Name>&a;</Name></VmItem></BackupTree>')
    with pytest.raises(prlsdk.UnsafeXmlError):
        prlsdk.parse_backup_tree(bomb)
    ext = ('<?xml version="1.0"?><!DOCTYPE BackupTree SYSTEM "file:///etc/passwd">'
           '<BackupTree/>')
    with pytest.raises(prlsdk.UnsafeXmlError):
        prlsdk.parse_backup_tree(ext)
    assert prlsdk.parse_backup_tree('<BackupTree/>') == []


