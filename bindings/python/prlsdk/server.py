"""Server: a session with the (embedded) service."""
import ctypes
import os

from . import constants as C
from ._handle import Handle, Owned, out_handle
from ._lib import BACKUP_PARAM, enc, get_string, lib
from .api import Api
from .backup import parse_backup_tree
from .errors import PrlError, check
from .events import Subscription
from .job import run
from .vm import VM


def _uuid_of(vm):
    if isinstance(vm, VM):
        return vm.uuid
    return '' if vm is None else str(vm)


def _extra(directory):
    """A PRL_BACKUP_PARAM for a separate repository directory (or None)."""
    if directory is None:
        return None
    p = BACKUP_PARAM(enc(os.path.abspath(directory)))
    return ctypes.byref(p), p  # the second keeps the struct alive for the call


class Server(Handle):
    """A logged-in session: `with prlsdk.Server.login_local() as server: ...`.

    close() (or the end of the `with` block) unregisters this server's event
    handlers, logs off and frees the handle."""

    def __init__(self, value, api):
        super().__init__(value, api)
        self.session_uuid = None
        self._srv_config = None

    @classmethod
    def login_local(cls, api=None, security_level=C.PSL_HIGH_SECURITY):
        """Creates a server handle and logs into the local (embedded) service.
        Without `api`, uses the current prlsdk.Api (creating one if none is open)."""
        api = api or Api.current()
        server = cls(out_handle(lib().PrlSrv_Create), api)
        try:
            job = lib().PrlSrv_LoginLocalEx(server.handle, None, 0, security_level, C.PACF_NON_INTERACTIVE_MODE)
            server.session_uuid = run(job, api, 'PrlSrv_LoginLocalEx', _session_uuid)
        except BaseException:
            server.close()
            raise
        return server

    @property
    def connected(self):
        b = ctypes.c_uint(0)
        check(lib().PrlSrv_IsConnected(self.handle, ctypes.byref(b), None), 'PrlSrv_IsConnected')
        return bool(b.value)

    def logoff(self):
        run(lib().PrlSrv_Logoff(self.handle), self._api, 'PrlSrv_Logoff')

    def close(self):
        if self.closed:
            return
        for sub in list(self._api._state['subscriptions']):
            if sub._owner is self:
                sub.close()
        if self._srv_config is not None:
            self._srv_config.close()
        try:
            if self.connected:
                self.logoff()
        except PrlError:
            pass
        super().close()

    # -- inventory -------------------------------------------------------
    def _config(self):
        if self._srv_config is None or self._srv_config.closed:
            self._srv_config = Handle(run(lib().PrlSrv_GetSrvConfig(self.handle), self._api, 'PrlSrv_GetSrvConfig',
                                          lambda r: r.param(0)), self._api)
        return self._srv_config

    def create_vm(self, name, disk_size_mb=None, ct=False, ram_mb=None, cpus=None, description=None,
                  os_version=C.PVS_GUEST_VER_LIN_OTHER, home=None):
        """Creates and registers a VM (or, with ct=True, a container) and returns it.
        disk_size_mb adds one hard disk (image 'harddisk.hdd' in the VM's home)."""
        L = lib()
        vm = VM(out_handle(L.PrlSrv_CreateVm, self.handle), self._api, self)
        try:
            h = vm.handle
            check(L.PrlVmCfg_SetDefaultConfig(h, self._config().handle, os_version, False), 'PrlVmCfg_SetDefaultConfig')
            check(L.PrlVmCfg_SetName(h, enc(name)), 'PrlVmCfg_SetName')
            check(L.PrlVmCfg_SetVmType(h, C.PVT_CT if ct else C.PVT_VM), 'PrlVmCfg_SetVmType')
            if description is not None:
                check(L.PrlVmCfg_SetDescription(h, enc(description)), 'PrlVmCfg_SetDescription')
            if ram_mb is not None:
                check(L.PrlVmCfg_SetRamSize(h, int(ram_mb)), 'PrlVmCfg_SetRamSize')
            if cpus is not None:
                check(L.PrlVmCfg_SetCpuCount(h, int(cpus)), 'PrlVmCfg_SetCpuCount')
            if disk_size_mb:
                with Owned(out_handle(L.PrlVmCfg_CreateVmDev, h, C.PDE_HARD_DISK)) as disk:
                    check(L.PrlVmDevHd_SetDiskSize(disk, int(disk_size_mb)), 'PrlVmDevHd_SetDiskSize')
                    check(L.PrlVmDev_SetImagePath(disk, b'harddisk.hdd'), 'PrlVmDev_SetImagePath')
            run(L.PrlVm_Reg(h, enc(home or ''), True), self._api, 'PrlVm_Reg')
        except BaseException:
            vm.close()
            raise
        return vm

    def vms(self, vms=True, cts=False):
        """The registered VMs (and/or containers), as VM objects."""
        flags = (C.PVTF_VM if vms else 0) | (C.PVTF_CT if cts else 0)
        if not flags:
            return []

        def convert(result):
            return [VM(result.param(i), self._api, self) for i in range(len(result))]

        return run(lib().PrlSrv_GetVmListEx(self.handle, flags), self._api, 'PrlSrv_GetVmListEx', convert)

    def get_vm(self, key):
        """The VM or container whose UUID ('{...}') or name is `key`;
        PrlError PRL_ERR_VM_UUID_NOT_FOUND if there is none."""
        key = str(key)
        flags = C.PGVC_SEARCH_BY_UUID if key.startswith('{') else C.PGVC_SEARCH_BY_NAME
        return run(lib().PrlSrv_GetVmConfig(self.handle, enc(key), flags), self._api, 'PrlSrv_GetVmConfig',
                   lambda r: VM(r.param(0), self._api, self))

    def find_vm(self, key):
        """Like get_vm, but None when there is no such VM."""
        try:
            return self.get_vm(key)
        except PrlError as e:
            if e.code == C.PRL_ERR_VM_UUID_NOT_FOUND:
                return None
            raise

    # -- backups ---------------------------------------------------------
    def backup(self, vm, incremental=False, differential=False, description='', uncompressed=False,
               directory=None, wait=True):
        """Backs up a VM (VM object or UUID) and returns the new backup id:
        '{chain}' for a full backup, '{chain}.N' for an incremental or
        differential one. wait=False returns the Job (job.result is the id)."""
        flags = C.PBT_INCREMENTAL if incremental else C.PBT_DIFFERENTIAL if differential else C.PBT_FULL
        if incremental and differential:
            flags = C.PBT_INCREMENTAL | C.PBT_DIFFERENTIAL  # the library refuses it with its own error
        if uncompressed:
            flags |= C.PBT_UNCOMPRESSED
        uuid = enc(_uuid_of(vm))
        if directory is None:
            job = lib().PrlSrv_CreateVmBackup(self.handle, uuid, b'', 0, b'', enc(description), flags, 0, False)
        else:
            ref, _keep = _extra(directory)
            job = lib().PrlSrv_CreateVmBackupEx(self.handle, uuid, b'', 0, b'', enc(description), flags, 0, False, ref)
        return run(job, self._api, 'PrlSrv_CreateVmBackup', _backup_id, wait=wait)

    def backup_tree_xml(self, vm=None, backup_id=None, chain=False, cts=False, directory=None):
        """The backup tree as the library's XML text (see backup_tree)."""
        if backup_id is not None:
            key = backup_id
            flags = C.PBT_CHAIN if chain else C.PBT_BACKUP_ID
        else:
            key = _uuid_of(vm)
            flags = 0
            if chain:
                flags |= C.PBT_CHAIN  # without an id: the library's PRL_ERR_INVALID_PARAM
        flags |= C.PBT_CT if cts else C.PBT_VM
        if directory is None:
            job = lib().PrlSrv_GetBackupTree(self.handle, enc(key), b'', 0, b'', flags, 0, False)
        else:
            ref, _keep = _extra(directory)
            job = lib().PrlSrv_GetBackupTreeEx(self.handle, enc(key), b'', 0, b'', flags, 0, False, ref)
        return run(job, self._api, 'PrlSrv_GetBackupTree', lambda r: r.string())

    def backup_tree(self, vm=None, backup_id=None, chain=False, cts=False, directory=None):
        """The backups, as a list of BackedUpVm (each with its full backups, each
        with its later chain elements in .increments). Filters: a VM (object or
        UUID), or one backup_id (an incremental brings its full element), or with
        chain=True that backup and the rest of its chain; cts=True lists
        containers instead of VMs; directory: a separate repository."""
        return parse_backup_tree(self.backup_tree_xml(vm, backup_id, chain, cts, directory))

    def backups(self, vm=None, directory=None):
        """Every backup element (flattened tree), for a VM or for all."""
        return [b for v in self.backup_tree(vm, directory=directory) for b in v.all_backups()]

    def restore(self, backup_id=None, vm=None, name=None, home=None, directory=None, wait=True):
        """Restores a backup (default: the VM's latest) and returns the restored VM.
        With `name`, restores to a new VM of that name (a copy, new UUID) in
        `home` (default: the usual place); without, over the original (stopped)."""
        flags = C.PBT_RESTORE_TO_COPY if name else 0
        args = (self.handle, enc(_uuid_of(vm)), enc(backup_id or ''), b'', 0, b'', enc(home or ''), enc(name or ''),
                flags, 0, False)
        if directory is None:
            job = lib().PrlSrv_RestoreVmBackup(*args)
        else:
            ref, _keep = _extra(directory)
            job = lib().PrlSrv_RestoreVmBackupEx(*args, ref)
        return run(job, self._api, 'PrlSrv_RestoreVmBackup', lambda r: self.get_vm(r.string(0)), wait=wait)

    def remove_backup(self, backup_id=None, vm=None, keep_chain=False, ignore_missing=False, directory=None):
        """Removes a backup and the later elements of its chain (keep_chain=True
        keeps them restorable); with only `vm`, all of that VM's backups."""
        flags = (C.PBT_KEEP_CHAIN if keep_chain else 0) | (C.PBT_IGNORE_NOT_EXISTS if ignore_missing else 0)
        args = (self.handle, enc(_uuid_of(vm)), enc(backup_id or ''), b'', 0, b'', flags, 0, False)
        if directory is None:
            job = lib().PrlSrv_RemoveVmBackup(*args)
        else:
            ref, _keep = _extra(directory)
            job = lib().PrlSrv_RemoveVmBackupEx(*args, ref)
        run(job, self._api, 'PrlSrv_RemoveVmBackup')

    # -- events ----------------------------------------------------------
    def on_event(self, callback, types=None, jobs=False):
        """Calls callback(Event) on a library thread for every event of this
        session (only PET_* values in `types`, if given); with jobs=True also
        callback(JobFinished) for finished jobs. Returns a Subscription: close()
        it to stop. An exception the callback raises is logged ('prlsdk'
        logger) and delivery goes on."""
        return Subscription(self, lib().PrlSrv_RegEventHandler, lib().PrlSrv_UnregEventHandler, callback, types, jobs)

    def __repr__(self):
        return '<Server %s>' % ('closed' if self.closed else self.session_uuid)


def _session_uuid(result):
    with Owned(result.param(0)) as login:
        return get_string(lib().PrlLoginResponse_GetSessionUuid, login)


def _backup_id(result):
    with Owned(result.param(1)) as br:
        return get_string(lib().PrlBackupResult_GetBackupUuid, br)
