#!/usr/bin/env python3
"""A sample in the style of the SDK's Python guide, for the `prlsdkapi` module:
log in to the local service, create and register a VM with a small disk,
list the VMs and read their configuration, start and stop the VM watching its
state-change events, back it up (full, then incremental), print the backup
tree, restore the incremental backup as a new VM, then clean everything up.

Runs unchanged against the original SDK's module (on a Virtuozzo host, as root)
and against prlshim (state under $PRLSHIM_HOME).
"""
import sys
import xml.etree.ElementTree as ET

import prlsdkapi

consts = prlsdkapi.prlsdk.consts
errors = prlsdkapi.prlsdk.errors

VM_NAME = 'guide-vm'
COPY_NAME = 'guide-vm-restored'


def on_event(event, user_data):
    """Event handler: runs on a library thread for every event of the server
    (and for the server's finished jobs, which arrive as Job objects)."""
    if event.get_handle_type() != consts.PHT_EVENT:
        return
    if event.get_type() == consts.PET_DSP_EVT_VM_STATE_CHANGED:
        state = event.get_param_by_name('vminfo_vm_state').to_int32()
        user_data.append(state)


def delete_if_present(server, name):
    try:
        vm = server.get_vm_config(name, consts.PGVC_SEARCH_BY_NAME).wait().get_param()
    except prlsdkapi.PrlSDKError as e:
        if e.error_code == prlsdkapi.conv_error(errors.PRL_ERR_VM_UUID_NOT_FOUND):
            return
        raise
    vm.delete().wait()


def create_vm(server, name, disk_mb):
    srv_config = server.get_srv_config().wait().get_param()
    vm = server.create_vm()
    vm.set_default_config(srv_config, consts.PVS_GUEST_VER_LIN_OTHER, False)
    vm.set_name(name)
    vm.set_ram_size(512)
    vm.set_cpu_count(1)
    disk = vm.create_vm_dev(consts.PDE_HARD_DISK)
    disk.set_disk_size(disk_mb)
    disk.set_image_path('harddisk.hdd')
    vm.reg('', True).wait()
    return vm


def backup_id(result):
    """The id of the backup a create_vm_backup job made, from its BackupResult."""
    for param in result:
        if isinstance(param, prlsdkapi.BackupResult):
            return param.get_backup_uuid()
    raise RuntimeError('no backup result')


def print_vm(vm):
    print('  %-20s %s  RAM %d MB, %d CPU(s)' % (vm.get_name(), vm.get_uuid(), vm.get_ram_size(), vm.get_cpu_count()))
    for i in range(vm.get_hard_disks_count()):
        hdd = vm.get_hard_disk(i)
        print('    disk %d: %d MB (%s)' % (i, hdd.get_disk_size(), hdd.get_image_path()))


def main():
    prlsdkapi.init_server_sdk()
    server = prlsdkapi.Server()
    server.login_local('', 0, consts.PSL_HIGH_SECURITY).wait()
    print('Logged in; host', server.get_server_info().get_host_name())

    for name in (VM_NAME, COPY_NAME):
        delete_if_present(server, name)
    vm = create_vm(server, VM_NAME, 16)

    print('Virtual machines:')
    for v in server.get_vm_list().wait():
        print_vm(v)

    states = []
    server.reg_event_handler(on_event, states)
    vm.start().wait()
    state = vm.get_state().wait().get_param().get_state()
    print('Started: state', state == consts.VMS_RUNNING and 'running' or state)
    vm.stop().wait()
    server.unreg_event_handler(on_event, states)
    print('State changes seen:', len(states))

    uuid = vm.get_uuid()
    full = server.create_vm_backup(uuid, '', 0, '', 'first backup', consts.PBT_FULL, 0, True).wait()
    full_id = backup_id(full)
    inc = server.create_vm_backup(uuid, '', 0, '', 'second', consts.PBT_INCREMENTAL, 0, True).wait()
    inc_id = backup_id(inc)
    print('Backups:', full_id, inc_id)

    tree = server.get_backup_tree(uuid, '', 0, '', consts.PBT_FULL, 0, True).wait().get_param_as_string()
    for item in ET.fromstring(tree).iter('VmItem'):
        print('  VM %s' % item.findtext('Name'))
        for full in item.iter('BackupItem'):
            print('    %s  %s' % (full.findtext('Id'), full.findtext('Description')))
            for part in full.iter('PartialBackupItem'):
                print('    %s  %s' % (part.findtext('Id'), part.findtext('Description')))

    server.restore_vm_backup(uuid, inc_id, '', 0, '', '', COPY_NAME, 0, 0, True).wait()
    copy = server.get_vm_config(COPY_NAME, consts.PGVC_SEARCH_BY_NAME).wait().get_param()
    print('Restored as a new VM:')
    print_vm(copy)

    server.remove_vm_backup(uuid, full_id, '', 0, '', 0, 0, True).wait()
    copy.delete().wait()
    vm.delete().wait()
    server.logoff().wait()
    prlsdkapi.deinit_sdk()
    print('Done.')
    return 0


if __name__ == '__main__':
    sys.exit(main())
