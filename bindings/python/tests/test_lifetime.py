"""Handles are freed: by close(), by `with`, by the garbage collector; the
library's leak report (PrlApi_SetLogPath) stays empty."""
import gc

import prlsdk

from conftest import write_at


def leaks(log_path):
    text = log_path.read_text() if log_path.exists() else ''
    return [line for line in text.splitlines() if 'leaked' in line]


def exercise(server, tmp_path):
    """A whole client session; every object it makes goes out of scope."""
    vm = server.create_vm('life-vm', disk_size_mb=8, description='x')
    with vm.edit():
        vm.ram_mb = 512
    write_at(vm.disks[0].image_path, 0, b'hello' * 1000)
    events = []
    with server.on_event(events.append):
        full = server.backup(vm)
        server.backup(vm, incremental=True)
        server.backup_tree()
        copy = server.restore(full, vm=vm, name='life-copy')
        job = server.backup(copy, wait=False)
        job.wait()
        del job
        vm.start()
        vm.stop()
        [v.name for v in server.vms(cts=True)]
        server.find_vm('nothing')
        try:
            server.get_vm('{00000000-0000-0000-0000-000000000000}')
        except prlsdk.PrlError:
            pass
    copy.delete()
    return len(events)


def test_no_handle_leaks_without_sweeping(home, tmp_path, log_path):
    api = prlsdk.Api(log_path=str(log_path))
    server = prlsdk.Server.login_local(api)
    assert exercise(server, tmp_path) > 0
    server.close()
    del server
    gc.collect()
    api.close(sweep=False)  # leave to the library whatever Python still held
    assert leaks(log_path) == []


def test_the_leak_check_sees_a_leak(home, log_path):
    api = prlsdk.Api(log_path=str(log_path))
    server = prlsdk.Server.login_local(api)
    kept = server.create_vm('kept')  # still referenced when the Api closes
    api.close(sweep=False)
    assert leaks(log_path), 'the library reports a handle held at PrlApi_Deinit'
    for obj in (kept, server):  # their handles died with the library state
        obj._finalizer.detach()


def test_api_close_sweeps_live_objects(home, log_path):
    api = prlsdk.Api(log_path=str(log_path))
    server = prlsdk.Server.login_local(api)
    vm = server.create_vm('swept', disk_size_mb=1)
    disks = vm.disks
    assert disks
    server.on_event(lambda e: None)  # never closed by hand
    api.close()
    assert leaks(log_path) == []
    assert vm.closed and server.closed


def test_garbage_collected_objects_free_their_handles(home, log_path):
    with prlsdk.Api(log_path=str(log_path)) as api:
        server = prlsdk.Server.login_local(api)
        for i in range(20):
            server.create_vm('gc-%d' % i)  # dropped at once
        for v in server.vms():
            v.name
        del v
        gc.collect()
        assert len([h for h in api._state['handles'] if not h.closed]) <= 2  # the server (+ its config)
        server.close()
    assert leaks(log_path) == []


def test_implicit_api(home):
    with prlsdk.Server.login_local() as server:  # no Api made by hand
        assert server.connected
