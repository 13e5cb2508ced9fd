"""Events through the callback bridge: delivery, ordering, errors, unregistering."""
import logging
import threading
import time

import prlsdk
from prlsdk import constants as C


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.items = []
        self.threads = set()

    def __call__(self, item):
        with self.lock:
            self.items.append(item)
            self.threads.add(threading.get_ident())

    def events(self, type_=None):
        with self.lock:
            return [e for e in self.items if isinstance(e, prlsdk.Event) and (type_ is None or e.type == type_)]

    def wait_for(self, pred, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if pred():
                return True
            time.sleep(0.01)
        return pred()


def test_events_arrive_with_python_values(server):
    rec = Recorder()
    with server.on_event(rec) as sub:
        vm = server.create_vm('evt-vm', disk_size_mb=8)
        vm.start()
        vm.pause()
        vm.resume()
        vm.stop()
        server.backup(vm)
        want = [C.VMS_STARTING, C.VMS_RUNNING, C.VMS_PAUSING, C.VMS_PAUSED,
                C.VMS_CONTINUING, C.VMS_RUNNING, C.VMS_STOPPING, C.VMS_STOPPED]
        states = lambda: [e.params['vminfo_vm_state'] for e in rec.events(C.PET_DSP_EVT_VM_STATE_CHANGED)]
        assert rec.wait_for(lambda: len(states()) >= len(want)
                            and rec.events(C.PET_DSP_EVT_CREATE_BACKUP_FINISHED))
        assert states() == want
        assert sub.active and sub.errors == 0
    assert not sub.active
    added = rec.events(C.PET_DSP_EVT_VM_ADDED)
    assert len(added) == 1 and added[0].vm_uuid == vm.uuid
    assert added[0].type_name == 'PET_DSP_EVT_VM_ADDED'
    progress = [e.params['progress_changed'] for e in rec.events(C.PET_DSP_EVT_BACKUP_PROGRESS_CHANGED)]
    assert progress and all(isinstance(p, int) for p in progress) and progress[-1] == 100
    assert threading.get_ident() not in rec.threads  # delivered on library threads
    # After close() returns nothing more is delivered.
    n = len(rec.items)
    vm.start()
    vm.stop()
    time.sleep(0.2)
    assert len(rec.items) == n


def test_type_filter_jobs_and_vm_handlers(server):
    vm = server.create_vm('filter-vm')
    only_states = Recorder()
    with_jobs = Recorder()
    on_vm = Recorder()
    subs = [server.on_event(only_states, types=[C.PET_DSP_EVT_VM_STATE_CHANGED]),
            server.on_event(with_jobs, jobs=True),
            vm.on_event(on_vm)]
    vm.start()
    vm.stop()
    assert only_states.wait_for(lambda: len(only_states.items) >= 4)
    assert with_jobs.wait_for(lambda: any(isinstance(i, prlsdk.JobFinished) for i in with_jobs.items))
    assert on_vm.wait_for(lambda: len(on_vm.events(C.PET_DSP_EVT_VM_STATE_CHANGED)) >= 4)
    for s in subs:
        s.close()
    assert {e.type for e in only_states.items} == {C.PET_DSP_EVT_VM_STATE_CHANGED}
    jobs = [i for i in with_jobs.items if isinstance(i, prlsdk.JobFinished)]
    assert all(j.ret_code == C.PRL_ERR_SUCCESS and j.ret_name == 'PRL_ERR_SUCCESS' for j in jobs)
    assert all(e.vm_uuid == vm.uuid for e in on_vm.events())


def test_a_raising_callback_is_logged_and_delivery_goes_on(server, caplog):
    rec = Recorder()
    calls = []

    def bad(event):
        calls.append(event)
        if len(calls) % 2:
            raise ValueError('boom from a callback')
        rec(event)

    with caplog.at_level(logging.ERROR, logger='prlsdk'):
        with server.on_event(bad) as sub:
            vm = server.create_vm('raise-vm')
            vm.start()
            vm.stop()
            assert rec.wait_for(lambda: len(calls) >= 5)
            assert sub.errors >= 2
    assert any('boom from a callback' in r.getMessage() or (r.exc_info and 'boom' in str(r.exc_info[1]))
               for r in caplog.records)
    # The process is fine and the API still works.
    assert vm.state == C.VMS_STOPPED


def test_a_callback_may_unregister_itself_and_call_the_api(server):
    seen = []
    holder = {}

    def once(event):
        seen.append(event)
        server.find_vm('self-vm')  # calling back into the API from a callback
        holder['sub'].close()      # and unregistering itself: no deadlock

    holder['sub'] = server.on_event(once)
    vm = server.create_vm('self-vm')
    vm.start()
    vm.stop()
    time.sleep(0.3)
    assert len(seen) == 1
    assert not holder['sub'].active


def test_a_callback_that_exits_does_not_stop_the_process(server):
    def leave(event):
        raise SystemExit(3)

    with server.on_event(leave) as sub:
        vm = server.create_vm('exit-vm')
        vm.start()
        vm.stop()
        deadline = time.monotonic() + 5
        while sub.errors < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
    assert sub.errors >= 2
