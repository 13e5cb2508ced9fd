import os
import sys

import pytest

# The package from this source tree unless PRLSDK_USE_INSTALLED is set.
if not os.environ.get('PRLSDK_USE_INSTALLED'):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import prlsdk  # noqa: E402

MiB = 1 << 20


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A fresh state root per test; $HOME points nowhere."""
    root = tmp_path / 'home'
    root.mkdir()
    monkeypatch.setenv('PRLSHIM_HOME', str(root))
    monkeypatch.setenv('HOME', '/nonexistent/prlshim-tests-must-not-use-home')
    return root


@pytest.fixture
def log_path(tmp_path):
    return tmp_path / 'prlsdk.log'


@pytest.fixture
def api(home, log_path):
    a = prlsdk.Api(log_path=str(log_path))
    yield a
    a.close()


@pytest.fixture
def server(api):
    with prlsdk.Server.login_local(api) as s:
        yield s


def write_at(path, offset, data):
    with open(path, 'r+b') as f:
        f.seek(offset)
        f.write(data)


def read(path):
    with open(path, 'rb') as f:
        return f.read()


# prlsdkapi (the original module's API): the SDK initialised the way its scripts do it.
@pytest.fixture
def sdkapi(home, log_path):
    import prlsdkapi
    prlsdkapi.init_server_sdk()
    prlsdkapi.ApiHelper().set_log_path(str(log_path))
    yield prlsdkapi
    prlsdkapi.deinit_sdk()


@pytest.fixture
def srv(sdkapi):
    s = sdkapi.Server()
    s.login_local().wait()
    yield s
    s.logoff().wait()


def new_vm(srv, name, disk_mb=8):
    """A VM made and registered as the SDK's Python guide does it."""
    import prlsdkapi
    consts = prlsdkapi.consts
    srv_config = srv.get_srv_config().wait().get_param()
    vm = srv.create_vm()
    vm.set_default_config(srv_config, consts.PVS_GUEST_VER_LIN_OTHER, False)
    vm.set_name(name)
    if disk_mb:
        disk = vm.create_vm_dev(consts.PDE_HARD_DISK)
        disk.set_disk_size(disk_mb)
        disk.set_image_path('harddisk.hdd')
    vm.reg('', True).wait()
    return vm
