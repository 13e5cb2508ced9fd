"""Login, inventory, configuration, power and errors."""
import re

import pytest

import prlsdk
from prlsdk import constants as C

from conftest import MiB


def test_library_and_login(server, api):
    assert re.fullmatch(r'\{[0-9a-f-]{36}\}', server.session_uuid)
    assert server.connected
    assert api.version > 0
    assert prlsdk.library_path()


def test_create_vm_with_disk_and_config(server):
    vm = server.create_vm('vm1', disk_size_mb=16, ram_mb=1024, cpus=2, description='first')
    assert re.fullmatch(r'\{[0-9a-f-]{36}\}', vm.uuid)
    assert (vm.name, vm.description, vm.ram_mb, vm.cpus) == ('vm1', 'first', 1024, 2)
    assert vm.vm_type == C.PVT_VM and not vm.is_container
    disks = vm.disks
    assert len(disks) == 1
    assert disks[0].size_mb == 16
    with open(disks[0].image_path, 'rb') as f:  # a real image file, absolute path
        f.seek(0, 2)
        assert f.tell() == 16 * MiB

    # Setters commit at once; an edit() block commits once at the end.
    vm.ram_mb = 2048
    with vm.edit():
        vm.cpus = 4
        vm.description = 'changed'
        vm.name = 'vm1-renamed'
    fresh = server.get_vm(vm.uuid)
    assert (fresh.name, fresh.description, fresh.ram_mb, fresh.cpus) == ('vm1-renamed', 'changed', 2048, 4)

    # A second disk, committed at once; its image file exists at its size.
    vm.add_disk(4)
    sizes = [(d.index, d.size_mb) for d in server.get_vm(vm.uuid).disks]
    assert sizes == [(0, 16), (1, 4)]
    with open(vm.disks[1].image_path, 'rb') as f:
        f.seek(0, 2)
        assert f.tell() == 4 * MiB

    # Nothing is committed when the block raises.
    with pytest.raises(RuntimeError):
        with vm.edit():
            vm.cpus = 8
            raise RuntimeError('abandon')
    assert server.get_vm(vm.uuid).cpus == 4


def test_list_and_find(server):
    vm = server.create_vm('vm-a', disk_size_mb=8)
    ct = server.create_vm('ct-a', ct=True)
    assert ct.is_container
    assert [v.uuid for v in server.vms()] == [vm.uuid]
    assert sorted(v.name for v in server.vms(cts=True)) == ['ct-a', 'vm-a']
    assert [v.name for v in server.vms(vms=False, cts=True)] == ['ct-a']
    assert server.find_vm('vm-a').uuid == vm.uuid
    assert server.find_vm(ct.uuid).name == 'ct-a'
    assert server.find_vm('no-such-vm') is None
    assert server.find_vm('{00000000-0000-0000-0000-000000000000}') is None


def test_errors_carry_code_and_description(server):
    with pytest.raises(prlsdk.PrlError) as e:
        server.get_vm('{00000000-0000-0000-0000-000000000000}')
    err = e.value
    assert err.code == C.PRL_ERR_VM_UUID_NOT_FOUND
    assert err.name == 'PRL_ERR_VM_UUID_NOT_FOUND'
    assert err.code < 0 and err.description == prlsdk.describe(err.code) and err.details
    assert err.call == 'PrlSrv_GetVmConfig'
    assert 'PRL_ERR_VM_UUID_NOT_FOUND' in str(err)
    assert prlsdk.describe(C.PRL_ERR_VM_UUID_NOT_FOUND)
    # An async failure and a sync one.
    with pytest.raises(prlsdk.PrlError) as e:
        server.backup('{00000000-0000-0000-0000-000000000000}')
    assert e.value.code == C.PRL_ERR_VM_UUID_NOT_FOUND
    vm = server.create_vm('err-vm')
    with pytest.raises(prlsdk.PrlError) as e:
        server.backup(vm, incremental=True, differential=True)
    assert e.value.code == C.PRL_ERR_INVALID_PARAM
    vm.close()
    with pytest.raises(prlsdk.PrlError) as e:
        vm.name
    assert e.value.code == C.PRL_ERR_INVALID_ARG


def test_power_states(server):
    vm = server.create_vm('power-vm')
    assert vm.state == C.VMS_STOPPED
    with pytest.raises(prlsdk.PrlError) as e:
        vm.pause()
    assert e.value.code == C.PRL_ERR_DISP_VM_IS_NOT_STARTED
    vm.start()
    assert vm.state == C.VMS_RUNNING and vm.state_name == 'VMS_RUNNING'
    vm.pause()
    assert vm.state == C.VMS_PAUSED
    vm.resume()
    assert vm.state == C.VMS_RUNNING
    with pytest.raises(prlsdk.PrlError) as e:
        vm.delete()
    assert e.value.code == C.PRL_ERR_DISP_VM_IS_NOT_STOPPED
    job = vm.stop(wait=False)
    assert isinstance(job, prlsdk.Job)
    assert job.wait(60) is None
    assert job.done and job.ret_code == C.PRL_ERR_SUCCESS and job.progress in range(0, 101)
    job.close()
    assert vm.state == C.VMS_STOPPED


def test_unregister_and_delete(server, home):
    vm = server.create_vm('gone-vm', disk_size_mb=4)
    ct = server.create_vm('kept-ct', ct=True)
    home_path = vm.home_path
    ct.unregister()
    vm.delete()
    assert server.vms(cts=True) == []
    assert (home / 'cts' / 'kept-ct').exists()
    import os
    assert not os.path.exists(home_path)


def test_constants_are_the_tables():
    assert C.PRL_ERR_SUCCESS == 0
    assert C.GROUPS['PRL_RESULT'][C.PRL_ERR_VM_UUID_NOT_FOUND] == 'PRL_ERR_VM_UUID_NOT_FOUND'
    assert C.PBT_FULL and C.PBT_INCREMENTAL and C.PHT_EVENT and C.PET_DSP_EVT_VM_STATE_CHANGED
    assert prlsdk.result_name(C.PRL_ERR_INVALID_ARG) == 'PRL_ERR_INVALID_ARG'
