"""prlsdkapi under `python3 -X dev`: a whole script from `import prlsdkapi` to
`deinit_sdk()` gives no warning, and every handle is freed by the objects
themselves (none left for deinit_sdk to sweep, none in the library's leak
report)."""
import os
import subprocess
import sys
import textwrap

PKG = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SCRIPT = textwrap.dedent('''
    import gc, sys
    import prlsdkapi
    from prlsdkapi import consts, errors

    prlsdkapi.init_server_sdk()
    prlsdkapi.ApiHelper().set_log_path(sys.argv[1])

    def session():
        server = prlsdkapi.Server()
        server.login_local('', 0, consts.PSL_HIGH_SECURITY).wait()
        cfg = server.get_srv_config().wait().get_param()
        vm = server.create_vm()
        vm.set_default_config(cfg, consts.PVS_GUEST_VER_LIN_OTHER, False)
        vm.set_name('life')
        dev = vm.create_vm_dev(consts.PDE_HARD_DISK)
        dev.set_disk_size(2)
        dev.set_image_path('harddisk.hdd')
        vm.reg('', True).wait()
        seen = []
        def on_event(event, data):
            data.append(event.get_type())
        server.reg_event_handler(on_event, seen)
        vm.start().wait()
        vm.stop().wait()
        uuid = vm.get_uuid()
        server.create_vm_backup(uuid, '', 0, '').wait()
        server.create_vm_backup(uuid, '', 0, '', '', consts.PBT_INCREMENTAL).wait()
        server.get_backup_tree(uuid, '', 0, '').wait().get_param_as_string()
        for v in server.get_vm_list().wait():
            v.get_name(), v.get_hard_disk(0).get_disk_size()
        try:
            server.get_vm_config('nothing', consts.PGVC_SEARCH_BY_NAME).wait()
        except prlsdkapi.PrlSDKError as e:
            assert e.error_code == prlsdkapi.conv_error(errors.PRL_ERR_VM_UUID_NOT_FOUND)
        job = server.get_vm_list()
        job.wait(msecs=10000)
        job.free()
        server.unreg_event_handler(on_event, seen)
        vm.delete().wait()
        server.logoff().wait()
        return seen

    assert session()
    gc.collect()
    held = list(prlsdkapi._base._live)
    assert not held, 'handles still held: %r' % held
    prlsdkapi.deinit_sdk()
    print('ok')
''')


def test_a_script_under_dev_mode_leaks_nothing(home, tmp_path, log_path):
    script = tmp_path / 'script.py'
    script.write_text(SCRIPT)
    env = dict(os.environ, PRLSHIM_HOME=str(home), PYTHONPATH=PKG)
    p = subprocess.run([sys.executable, '-X', 'dev', '-W', 'error', str(script), str(log_path)],
                       env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == 'ok'
    assert 'Warning' not in p.stderr, p.stderr
    log = log_path.read_text() if log_path.exists() else ''
    assert 'leaked' not in log, log


def test_exit_without_deinit_is_clean(home, tmp_path):
    script = tmp_path / 'script.py'
    script.write_text('import prlsdkapi\nprlsdkapi.init_server_sdk()\ns = prlsdkapi.Server()\n'
                      's.login_local().wait()\nlst = prlsdkapi.StringList()\n')
    env = dict(os.environ, PRLSHIM_HOME=str(home), PYTHONPATH=PKG)
    p = subprocess.run([sys.executable, '-X', 'dev', '-W', 'error', str(script)],
                       env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0 and p.stderr == '', p.stderr
