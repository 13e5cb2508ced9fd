"""prlsdk: Python bindings of the Virtuozzo (Parallels) Virtualization SDK C API.

Pure Python over ctypes; loads libprl_sdk (PRLSHIM_LIBRARY, else the usual
library search: find_library('prl_sdk'), libprl_sdk.so.9).

    import prlsdk
    with prlsdk.Api(), prlsdk.Server.login_local() as server:
        vm = server.create_vm('vm1', disk_size_mb=256)
        backup_id = server.backup(vm)
        for b in server.backups(vm):
            print(b.id, b.date, b.size)
        copy = server.restore(backup_id, vm=vm, name='vm1-copy')
"""
from . import constants
from ._lib import library_path
from .api import Api
from .backup import BackedUpVm, Backup, BackupDisk, UnsafeXmlError, parse_backup_tree
from .errors import PrlError, describe, result_name
from .events import Event, JobFinished, Subscription
from .job import Job
from .server import Server
from .vm import VM, Disk

__all__ = ['Api', 'Server', 'VM', 'Disk', 'Job', 'PrlError', 'Event', 'JobFinished', 'Subscription',
           'BackedUpVm', 'Backup', 'BackupDisk', 'UnsafeXmlError', 'parse_backup_tree', 'constants',
           'describe', 'result_name', 'library_path']
__version__ = '0.1.0'
