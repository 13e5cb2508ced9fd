"""prlsdkapi: events through reg_event_handler(callback, user_data), the
original's callback shape: callback(event, user_data)."""
import threading
import time

import prlsdkapi
from prlsdkapi import consts

from conftest import new_vm


def wait_for(predicate, timeout=10):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


def test_server_handler_sees_state_changes(srv):
    vm = new_vm(srv, 'evt-vm', disk_mb=0)
    seen = []
    lock = threading.Lock()

    def callback(event, user_data):
        assert user_data is seen
        if event.get_type() != consts.PET_DSP_EVT_VM_STATE_CHANGED:
            return
        state = event.get_param_by_name('vminfo_vm_state').to_int32()
        with lock:
            seen.append((event.get_issuer_id(), state))

    srv.reg_event_handler(callback, seen)
    vm.start().wait()
    vm.stop().wait()
    assert wait_for(lambda: (vm.get_uuid(), consts.VMS_STOPPED) in seen)
    srv.unreg_event_handler(callback, seen)
    states = [s for _, s in seen]
    assert consts.VMS_RUNNING in states
    n = len(seen)
    vm.start().wait()
    vm.stop().wait()
    time.sleep(0.2)
    assert len(seen) == n  # unregistered: nothing more


def test_event_objects_iterate_their_parameters(srv):
    vm = new_vm(srv, 'evt-params', disk_mb=0)
    params = []
    got = threading.Event()

    def callback(event, data):
        if event.get_type() == consts.PET_DSP_EVT_VM_STATE_CHANGED:
            assert isinstance(event, prlsdkapi.Event)
            params.extend((p.get_name(), p.get_type()) for p in event)
            got.set()

    srv.reg_event_handler(callback_func=callback, userData=None)
    vm.start().wait()
    assert got.wait(10)
    srv.unreg_event_handler(callback, None)
    assert ('vm_uuid', consts.PFD_STRING) in params
    vm.stop().wait()


def test_vm_handler_and_wrapping_the_event_again(srv):
    vm = new_vm(srv, 'evt-vm2', disk_mb=0)
    kept = []

    def callback(event, data):
        # Scripts written for a raw handle wrap it themselves: each object owns a reference.
        again = prlsdkapi.Event(event)
        kept.append((again.get_type(), event.get_type()))

    vm.reg_event_handler(callback, 'data')
    vm.start().wait()
    vm.stop().wait()
    assert wait_for(lambda: len(kept) >= 2)
    vm.unreg_event_handler(callback, 'data')
    assert all(a == b for a, b in kept)


def test_a_failing_callback_does_not_stop_delivery(srv, capfd):
    vm = new_vm(srv, 'evt-fail', disk_mb=0)
    calls = []

    def callback(event, data):
        calls.append(event.get_type())
        raise ValueError('boom')

    srv.reg_event_handler(callback, None)
    vm.start().wait()
    vm.stop().wait()
    assert wait_for(lambda: len(calls) >= 3)
    srv.unreg_event_handler(callback, None)
    assert 'ValueError: boom' in capfd.readouterr().err


def test_unregistering_an_unknown_handler_fails(srv):
    import pytest
    with pytest.raises(prlsdkapi.PrlSDKError):
        srv.unreg_event_handler(lambda e, d: None, None)


def test_deinit_while_a_callback_registers_handlers(home):
    """deinit_sdk() waits for callbacks in flight; one that calls the API (here:
    registering another handler) must not deadlock it."""
    prlsdkapi.init_server_sdk()
    srv = prlsdkapi.Server()
    srv.login_local().wait()
    vm = new_vm(srv, 'evt-deinit', disk_mb=0)
    entered = threading.Event()

    def callback(event, data):
        entered.set()
        time.sleep(0.2)
        try:
            srv.reg_event_handler(lambda e, d: None, None)
        except Exception:
            pass

    srv.reg_event_handler(callback, None)
    vm.start()  # not waited: the events arrive while deinit_sdk() runs
    assert entered.wait(10)
    done = threading.Event()
    t = threading.Thread(target=lambda: (prlsdkapi.deinit_sdk(), done.set()), daemon=True)
    t.start()
    assert done.wait(20), 'deinit_sdk() deadlocked with a callback'
    t.join()
