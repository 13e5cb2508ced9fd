"""prlsdkapi: VMs (create, register, list, config, power, delete) and backups
(full, incremental, tree, restore to a copy, remove), as scripts for the
original module do them."""
import xml.etree.ElementTree as ET

import pytest

import prlsdkapi
from prlsdkapi import consts, errors

from conftest import new_vm, read, write_at


def backup_id(result):
    for param in result:
        if isinstance(param, prlsdkapi.BackupResult):
            return param.get_backup_uuid()
    raise AssertionError('no BackupResult in %r' % list(result))


def test_create_register_list_and_read_config(srv):
    vm = new_vm(srv, 'cfg-vm', disk_mb=8)
    assert isinstance(vm, prlsdkapi.Vm)
    vms = srv.get_vm_list_ex(nFlags=consts.PVTF_VM | consts.PVTF_CT).wait()
    names = [v.get_name() for v in vms]
    assert names == ['cfg-vm']
    v = vms[0]
    assert isinstance(v, prlsdkapi.Vm)
    assert v.get_uuid() == vm.get_uuid() and v.get_uuid()[0] == '{'
    assert v.get_vm_type() == consts.PVT_VM
    assert v.get_ram_size() > 0 and v.get_cpu_count() >= 1
    assert v.get_home_path()
    assert v.get_hard_disks_count() == 1
    hdd = v.get_hard_disk(0)
    assert isinstance(hdd, prlsdkapi.VmHardDisk)
    assert hdd.get_disk_size() == 8
    assert hdd.get_image_path().endswith('harddisk.hdd')
    assert v.get_devs_count_by_type(consts.PDE_HARD_DISK) == 1
    assert isinstance(v.get_dev_by_type(consts.PDE_HARD_DISK, 0), prlsdkapi.VmHardDisk)
    by_name = srv.get_vm_config(sSearchId='cfg-vm', nFlags=consts.PGVC_SEARCH_BY_NAME).wait()[0]
    assert by_name.get_uuid() == vm.get_uuid()


def test_edit_and_commit(srv):
    vm = new_vm(srv, 'edit-vm', disk_mb=0)
    vm.begin_edit().wait()
    vm.set_ram_size(nVmRamSize=768)
    vm.set_description('described')
    vm.commit().wait()
    again = srv.get_vm_config(vm.get_uuid(), 0).wait().get_param()
    assert again.get_ram_size() == 768 and again.get_description() == 'described'


def test_power_and_delete(srv):
    vm = new_vm(srv, 'power-vm', disk_mb=1)
    vm.start().wait()
    info = vm.get_state().wait().get_param()
    assert isinstance(info, prlsdkapi.VmInfo)
    assert info.get_state() == consts.VMS_RUNNING
    vm.stop().wait()  # bGraceful defaults to False, as the original's acpi argument
    assert vm.get_state().wait().get_param().get_state() == consts.VMS_STOPPED
    home = vm.get_home_path()
    vm.delete().wait()
    with pytest.raises(prlsdkapi.PrlSDKError) as e:
        srv.get_vm_config('power-vm', consts.PGVC_SEARCH_BY_NAME).wait()
    assert e.value.error_code == prlsdkapi.conv_error(errors.PRL_ERR_VM_UUID_NOT_FOUND)
    import os
    assert not os.path.exists(home)


def test_unregister_and_register_again(srv):
    vm = new_vm(srv, 'reg-vm', disk_mb=0)
    home = vm.get_home_path()
    vm.unreg().wait()
    assert len(srv.get_vm_list().wait()) == 0
    import os
    bundle = home if os.path.isdir(home) else os.path.dirname(home)
    again = srv.register_vm(bundle).wait().get_param()  # bNonInteractiveMode defaults to False
    assert again.get_name() == 'reg-vm'


def test_backups_full_incremental_tree_restore_remove(srv):
    vm = new_vm(srv, 'bk-vm', disk_mb=4)
    disk = vm.get_hard_disk(0).get_image_path()
    write_at(disk, 0, b'first' * 1000)
    uuid = vm.get_uuid()
    full = backup_id(srv.create_vm_backup(uuid, '', 0, '', 'full one').wait())  # defaults: PBT_FULL
    write_at(disk, 65536, b'second' * 1000)
    inc = backup_id(srv.create_vm_backup(sVmUuid=uuid, sTargetHost='', nTargetPort=0, sTargetSessionId='',
                                         backup_flags=consts.PBT_INCREMENTAL).wait())
    assert inc.startswith(full)

    tree = srv.get_backup_tree(uuid, '', 0, '', consts.PBT_FULL, 0, True).wait().get_param_as_string()
    root = ET.fromstring(tree)
    ids = [e.findtext('Id') for e in root.iter() if e.tag in ('BackupItem', 'PartialBackupItem')]
    assert ids == [full, inc]

    srv.restore_vm_backup(uuid, inc, '', 0, '', sTargetVmName='bk-copy').wait()
    copy = srv.get_vm_config('bk-copy', consts.PGVC_SEARCH_BY_NAME).wait().get_param()
    assert copy.get_uuid() != uuid
    assert read(copy.get_hard_disk(0).get_image_path()) == read(disk)

    srv.remove_vm_backup(uuid, inc, '', 0, '', 0, 0, True).wait()
    tree = srv.get_backup_tree(uuid, '', 0, '', consts.PBT_FULL, 0, True).wait().get_param_as_string()
    assert [e.findtext('Id') for e in ET.fromstring(tree).iter('PartialBackupItem')] == []
    copy.delete().wait()


def test_backup_of_an_unknown_vm_fails_with_its_code(srv):
    with pytest.raises(prlsdkapi.PrlSDKError) as e:
        srv.create_vm_backup('{00000000-0000-0000-0000-000000000001}', '', 0, '').wait()
    assert e.value.error_code == prlsdkapi.conv_error(errors.PRL_ERR_VM_UUID_NOT_FOUND)
    assert e.value.err_obj is not None


def test_wait_follows_the_job_result_whatever_prljob_wait_reports(srv, monkeypatch):
    real_wait = prlsdkapi.prlsdk.PrlJob_Wait

    def wait_returning_the_job_result(job, msecs):  # what older libraries did
        res = real_wait(job, msecs)
        return [prlsdkapi.prlsdk.PrlJob_GetRetCode(job)[1]] if res[0] == 0 else res

    monkeypatch.setattr(prlsdkapi.prlsdk, 'PrlJob_Wait', wait_returning_the_job_result)
    with pytest.raises(prlsdkapi.PrlSDKError) as e:
        srv.get_vm_config('{00000000-0000-0000-0000-000000000000}', 0).wait()
    assert e.value.error_code == prlsdkapi.conv_error(errors.PRL_ERR_VM_UUID_NOT_FOUND)
    assert e.value.err_obj is not None  # the job's error event, either way
    assert isinstance(srv.get_vm_list().wait(), prlsdkapi.Result)


def test_wait_raises_on_a_timeout_and_can_wait_again(srv, monkeypatch):
    job = srv.get_vm_list()
    monkeypatch.setattr(prlsdkapi.prlsdk, 'PrlJob_Wait', lambda j, m: [prlsdkapi.conv_error(errors.PRL_ERR_TIMEOUT)])
    monkeypatch.setattr(prlsdkapi.prlsdk, 'PrlJob_GetStatus', lambda j: [0, consts.PJS_RUNNING])
    with pytest.raises(prlsdkapi.PrlSDKError) as e:
        job.wait(msecs=1)
    assert e.value.error_code == prlsdkapi.conv_error(errors.PRL_ERR_TIMEOUT)
    monkeypatch.undo()
    assert len(job.wait()) == 0
    assert job.get_status() == consts.PJS_FINISHED
