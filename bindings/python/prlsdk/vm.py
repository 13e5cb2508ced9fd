"""VM: a virtual machine or container (PHT_VIRTUAL_MACHINE) and its configuration."""
import contextlib
import ctypes

from . import constants as C
from ._handle import Handle, Owned, out_handle
from ._lib import enc, get_string, get_value, lib
from .errors import check
from .job import run


def _state_of(result):
    with Owned(result.param(0)) as info:
        return get_value(lib().PrlVmInfo_GetState, ctypes.c_uint, info)


class Disk(Handle):
    """A hard disk of a VM's configuration (PHT_VIRTUAL_DEV_HARD_DISK)."""

    @property
    def index(self):
        return get_value(lib().PrlVmDev_GetIndex, ctypes.c_uint, self.handle)

    @property
    def image_path(self):
        """The absolute path of the disk's image file."""
        return get_string(lib().PrlVmDev_GetImagePath, self.handle)

    @property
    def size_mb(self):
        return get_value(lib().PrlVmDevHd_GetDiskSize, ctypes.c_uint, self.handle)

    def __repr__(self):
        return '<Disk %s %d MB>' % (self.image_path, self.size_mb) if not self.closed else '<Disk closed>'


class _Setting:
    """A configuration value: reading is PrlVmCfg_GetX; writing is PrlVmCfg_SetX,
    inside BeginEdit/Commit unless an `with vm.edit():` block is open."""

    def __init__(self, getter, setter, kind, doc):
        self.getter, self.setter, self.kind, self.__doc__ = getter, setter, kind, doc

    def __get__(self, vm, owner=None):
        if vm is None:
            return self
        fn = getattr(lib(), self.getter)
        if self.kind is str:
            return get_string(fn, vm.handle)
        return get_value(fn, self.kind, vm.handle)

    def __set__(self, vm, value):
        fn = getattr(lib(), self.setter)
        arg = enc(value) if self.kind is str else int(value)
        with vm._editing():
            check(fn(vm.handle, arg), self.setter)


class VM(Handle):
    """A registered VM or container.

    Power: start(), stop(), pause(), resume(), state (VMS_*).
    Configuration: name, description, ram_mb, cpus (read and write), uuid,
    vm_type (PVT_*), home_path, disks (list of Disk). Setting a value commits
    it at once; group several changes with `with vm.edit(): ...`.
    Lifetime: unregister() (files stay), delete() (files go)."""

    name = _Setting('PrlVmCfg_GetName', 'PrlVmCfg_SetName', str, 'The VM name.')
    description = _Setting('PrlVmCfg_GetDescription', 'PrlVmCfg_SetDescription', str, 'Free text.')
    ram_mb = _Setting('PrlVmCfg_GetRamSize', 'PrlVmCfg_SetRamSize', ctypes.c_uint, 'Memory size in MB.')
    cpus = _Setting('PrlVmCfg_GetCpuCount', 'PrlVmCfg_SetCpuCount', ctypes.c_uint, 'Number of virtual CPUs.')

    def __init__(self, value, api, server=None):
        super().__init__(value, api)
        self._server = server
        self._edit_depth = 0

    # -- identity and configuration --------------------------------------
    @property
    def uuid(self):
        return get_string(lib().PrlVmCfg_GetUuid, self.handle)

    @property
    def vm_type(self):
        return get_value(lib().PrlVmCfg_GetVmType, ctypes.c_uint, self.handle)

    @property
    def is_container(self):
        return self.vm_type == C.PVT_CT

    @property
    def home_path(self):
        return get_string(lib().PrlVmCfg_GetHomePath, self.handle)

    @property
    def disks(self):
        """The hard disks, in configuration order (each a Disk handle)."""
        n = get_value(lib().PrlVmCfg_GetHardDisksCount, ctypes.c_uint, self.handle)
        return [Disk(out_handle(lib().PrlVmCfg_GetHardDisk, self.handle, i), self._api) for i in range(n)]

    def add_disk(self, size_mb, image=None):
        """Adds a hard disk of `size_mb` MB (image file name relative to the VM's home)."""
        with self._editing():
            with Owned(out_handle(lib().PrlVmCfg_CreateVmDev, self.handle, C.PDE_HARD_DISK)) as dev:
                check(lib().PrlVmDevHd_SetDiskSize(dev, int(size_mb)), 'PrlVmDevHd_SetDiskSize')
                if image is None:
                    image = 'harddisk%d.hdd' % get_value(lib().PrlVmDev_GetIndex, ctypes.c_uint, dev)
                check(lib().PrlVmDev_SetImagePath(dev, enc(image)), 'PrlVmDev_SetImagePath')

    @contextlib.contextmanager
    def edit(self):
        """Groups changes: BeginEdit on entry, Commit on a normal exit (nothing is
        committed if the block raises; refresh() then rereads the stored config)."""
        run(lib().PrlVm_BeginEdit(self.handle), self._api, 'PrlVm_BeginEdit')
        self._edit_depth += 1
        try:
            yield self
        finally:
            self._edit_depth -= 1
        run(lib().PrlVm_Commit(self.handle), self._api, 'PrlVm_Commit')

    def _editing(self):
        return contextlib.nullcontext() if self._edit_depth else self.edit()

    def refresh(self):
        """Rereads the configuration from the service."""
        run(lib().PrlVm_RefreshConfig(self.handle), self._api, 'PrlVm_RefreshConfig')

    # -- power -----------------------------------------------------------
    @property
    def state(self):
        """The power state: a VMS_* value (constants.GROUPS['VIRTUAL_MACHINE_STATE'] names it)."""
        return run(lib().PrlVm_GetState(self.handle), self._api, 'PrlVm_GetState', _state_of)

    @property
    def state_name(self):
        return C.GROUPS['VIRTUAL_MACHINE_STATE'].get(self.state, '?')

    def start(self, wait=True):
        return run(lib().PrlVm_Start(self.handle), self._api, 'PrlVm_Start', wait=wait)

    def stop(self, graceful=False, wait=True):
        return run(lib().PrlVm_Stop(self.handle, bool(graceful)), self._api, 'PrlVm_Stop', wait=wait)

    def pause(self, wait=True):
        return run(lib().PrlVm_Pause(self.handle, False), self._api, 'PrlVm_Pause', wait=wait)

    def resume(self, wait=True):
        return run(lib().PrlVm_Resume(self.handle), self._api, 'PrlVm_Resume', wait=wait)

    # -- lifetime --------------------------------------------------------
    def unregister(self):
        """Removes the VM from the inventory; its files stay."""
        run(lib().PrlVm_Unreg(self.handle), self._api, 'PrlVm_Unreg')

    def delete(self):
        """Removes the VM and its files (it must be stopped)."""
        run(lib().PrlVm_Delete(self.handle, None), self._api, 'PrlVm_Delete')

    # -- events ----------------------------------------------------------
    def on_event(self, callback, types=None, jobs=False):
        """Calls callback(Event) for this VM's events (see Server.on_event)."""
        from .events import Subscription
        return Subscription(self, lib().PrlVm_RegEventHandler, lib().PrlVm_UnregEventHandler, callback, types, jobs)

    def __repr__(self):
        if self.closed:
            return '<VM closed>'
        return '<VM %r %s>' % (self.name, self.uuid)
