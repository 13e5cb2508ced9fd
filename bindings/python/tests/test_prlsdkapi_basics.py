"""prlsdkapi: the module's surface, initialisation, errors, keyword arguments,
constructors and handle ownership — written the way scripts for the original
module are written."""
import sys

import pytest

import prlsdkapi
from prlsdkapi import consts, errors, prlsdk

sys.path.insert(0, __import__('os').path.join(__import__('os').path.dirname(__file__), '..'))
import gen_prlsdkapi  # noqa: E402


# --- the surface --------------------------------------------------------------

def test_consts_and_errors_import_both_ways():
    import prlsdkapi.prlsdk.consts as c1
    import prlsdkapi.prlsdk.errors as e1
    from prlsdkapi import consts as c2, errors as e2
    assert c1 is c2 is prlsdkapi.prlsdk.consts is prlsdkapi.consts
    assert e1 is e2 is prlsdkapi.prlsdk.errors
    assert consts.PAM_SERVER == 0 and consts.PRL_INVALID_HANDLE == 0
    assert consts.PKE_CLICK == 0xFF
    assert consts.ScanCodesList['ESC'] == (1,) and consts.ScanCodesList['NUM_1'] == consts.ScanCodesList['1']
    assert consts.PRL_PRIVILEGED_GUEST_OS_SESSION == '531582ac-3dce-446f-8c26-dd7e3384dcf4'


def test_error_values_are_signed_and_conv_error_makes_them_unsigned():
    assert errors.PRL_ERR_SUCCESS == 0
    assert errors.PRL_ERR_INVALID_ARG < 0
    assert prlsdkapi.conv_error(errors.PRL_ERR_INVALID_ARG) == 0x80000003
    assert prlsdkapi.conv_error(5) == 5


def test_every_function_has_a_low_level_function_and_a_method():
    defs = gen_prlsdkapi.gen_prlsdk.load_defs(None)
    names = [f.name for f in defs.functions]
    assert set(prlsdkapi.METHODS) == set(names)
    for name in names:
        assert callable(getattr(prlsdk, name)), name
        cls, method = prlsdkapi.METHODS[name]
        assert callable(getattr(getattr(prlsdkapi, cls), method)), (name, cls, method)
    implemented = [f.name for f in defs.functions if f.implemented]
    assert len(implemented) > 100


@pytest.mark.parametrize('func, cls, method', [
    ('PrlSrv_LoginLocal', 'Server', 'login_local'),
    ('PrlVmCfg_GetVNCMode', 'VmConfig', 'get_vncmode'),
    ('PrlSrv_GetVmListEx', 'Server', 'get_vm_list_ex'),
    ('PrlVmDevHd_GetDiskSize', 'VmHardDisk', 'get_disk_size'),
    ('PrlJob_Wait', 'Job', 'wait'),
    ('PrlEvtPrm_ToInt32', 'EventParam', 'to_int32'),
    ('PrlBackupResult_GetBackupUuid', 'BackupResult', 'get_backup_uuid'),
    ('PrlCt_Reinstall', 'Vm', 'reinstall'),  # Ct folds into Vm
    ('PrlApi_GetVersion', 'ApiHelper', 'get_version'),
])
def test_names_follow_the_generator_rule(func, cls, method):
    assert prlsdkapi.METHODS[func] == (cls, method)
    assert gen_prlsdkapi.method_name(func) == method


def test_class_hierarchy_as_the_original():
    assert issubclass(prlsdkapi.Vm, prlsdkapi.VmConfig)
    assert issubclass(prlsdkapi.VmHardDisk, prlsdkapi.VmDevice)
    assert issubclass(prlsdkapi.Server, prlsdkapi._Handle)
    assert hasattr(prlsdkapi.Vm, 'get_name')  # inherited from VmConfig


def test_signatures_carry_the_c_names_and_the_original_defaults():
    import inspect
    sig = inspect.signature(prlsdkapi.Server.login_local)
    assert list(sig.parameters) == ['self', 'sPrevSessionUuid', 'port', 'security_level']
    assert sig.parameters['security_level'].default == consts.PSL_HIGH_SECURITY
    sig = inspect.signature(prlsdkapi.Server.create_vm_backup)
    assert sig.parameters['backup_flags'].default == consts.PBT_FULL
    assert sig.parameters['force_operation'].default is True
    assert inspect.signature(prlsdkapi.Job.wait).parameters['msecs'].default == sys.maxsize


# --- initialisation -------------------------------------------------------------

def test_calls_before_init_raise_runtime_error(home):
    assert not prlsdkapi.is_sdk_initialized()
    with pytest.raises(RuntimeError):
        prlsdkapi.Server()


def test_init_and_deinit(home):
    prlsdkapi.init_server_sdk()
    assert prlsdkapi.is_sdk_initialized()
    assert prlsdkapi.ApiHelper().get_app_mode() == consts.PAM_SERVER
    prlsdkapi.deinit_sdk()
    assert not prlsdkapi.is_sdk_initialized()
    prlsdkapi.deinit_sdk()  # twice: nothing to do


def test_desktop_init_runs_as_the_server_build(home):
    prlsdkapi.init_desktop_sdk()
    try:
        assert prlsdkapi.ApiHelper().get_app_mode() == consts.PAM_SERVER
    finally:
        prlsdkapi.deinit_sdk()


def test_library_path(home):
    prlsdkapi.set_sdk_library_path('/some/where/libprl_sdk.so')
    try:
        assert prlsdkapi.get_sdk_library_path() == '/some/where/libprl_sdk.so'
    finally:
        prlsdkapi.set_sdk_library_path('')


def test_low_level_returns_lists(sdkapi):
    res = prlsdk.PrlApi_GetVersion()
    assert res[0] == 0 and res[1] == consts.VIRTUOZZO_API_VER
    rc, text = prlsdk.PrlApi_GetResultDescription(errors.PRL_ERR_INVALID_ARG, True, False)
    assert rc == 0 and text
    with pytest.raises(TypeError):
        prlsdk.PrlApi_GetVersion(1)


# --- a session -------------------------------------------------------------------

def test_login_local_and_server_info(srv):
    assert srv.is_connected()[0] == 1  # two outputs: a list, PRL_BOOL as int (as in the original)
    assert srv.is_non_interactive_session() in (True, False)  # one PRL_BOOL output: a bool
    info = srv.get_server_info()
    assert isinstance(info, prlsdkapi.ServerInfo)
    assert info.get_host_name()
    assert info.get_server_uuid().startswith('{')


def test_login_with_keyword_arguments(sdkapi):
    srv = prlsdkapi.Server()
    result = srv.login_local(sPrevSessionUuid='', port=0, security_level=consts.PSL_NORMAL_SECURITY).wait()
    login = result.get_param()
    assert isinstance(login, prlsdkapi.LoginResponse)
    assert login.get_session_uuid().startswith('{')
    srv.logoff().wait()


def test_empty_vm_list_is_a_result(srv):
    result = srv.get_vm_list().wait()
    assert isinstance(result, prlsdkapi.Result)
    assert len(result) == result.get_params_count() == 0
    assert list(result) == []
    with pytest.raises(IndexError):
        result[0]


def test_errors_carry_the_code_and_the_job_error(srv):
    with pytest.raises(prlsdkapi.PrlSDKError) as e:
        srv.get_vm_config('{00000000-0000-0000-0000-000000000000}', 0).wait()
    err = e.value
    assert err.error_code == prlsdkapi.conv_error(errors.PRL_ERR_VM_UUID_NOT_FOUND)
    assert err.result == err.get_result() == err.error_code
    assert isinstance(err.err_obj, prlsdkapi.Event)
    assert 'SDK error: 0x%.8X' % err.error_code in str(err)
    assert err.get_details() != 'No error description!'


def test_sdk_check_result_and_call_sdk_function(sdkapi):
    prlsdkapi.sdk_check_result(0)
    with pytest.raises(prlsdkapi.PrlSDKError) as e:
        prlsdkapi.sdk_check_result(errors.PRL_ERR_INVALID_ARG)
    assert e.value.error_code == prlsdkapi.conv_error(errors.PRL_ERR_INVALID_ARG)
    assert prlsdkapi.call_sdk_function('PrlApi_GetVersion') == consts.VIRTUOZZO_API_VER
    with pytest.raises(prlsdkapi.PrlSDKError):
        prlsdkapi.call_sdk_function('PrlHandle_GetType', 0)


def test_unimplemented_functions_return_none_as_in_the_original(srv):
    defs = {f.name: f for f in gen_prlsdkapi.gen_prlsdk.load_defs(None).functions}
    assert not defs['PrlApi_GetCrashDumpsPath'].implemented
    assert prlsdkapi.ApiHelper().get_crash_dumps_path() is None  # a sync stub: no exception, None
    assert not defs['PrlVm_MigrateCancel'].implemented
    with pytest.raises(prlsdkapi.PrlSDKError) as e:  # an async one: its job fails
        prlsdkapi.Vm().migrate_cancel().wait()
    assert e.value.error_code == prlsdkapi.conv_error(errors.PRL_ERR_UNIMPLEMENTED)


# --- constructors and ownership -----------------------------------------------------

def test_no_argument_constructors(sdkapi):
    s = prlsdkapi.StringList()
    s.add_item('a')
    s.add_item('b')
    assert len(s) == 2 and list(s) == ['a', 'b'] and s[1] == 'b'
    h = prlsdkapi.HandleList()
    h.add_item(s)
    assert len(h) == 1 and isinstance(h[0], prlsdkapi.StringList)
    assert prlsdkapi.Server().handle != consts.PRL_INVALID_HANDLE
    assert prlsdkapi.Vm().handle == consts.PRL_INVALID_HANDLE
    assert prlsdkapi.Event().handle == consts.PRL_INVALID_HANDLE
    with pytest.raises(TypeError):
        prlsdkapi._Handle()


def test_handle_to_object_uses_the_real_type(sdkapi):
    raw = prlsdk.PrlApi_CreateStringsList()[1]
    obj = prlsdkapi.handle_to_object(raw)
    assert type(obj) is prlsdkapi.StringList
    assert obj.get_handle_type() == consts.PHT_STRINGS_LIST
    assert prlsdkapi.handle_to_object(None) is None
    assert prlsdkapi.conv_handle_arg(obj) == raw and prlsdkapi.conv_handle_arg(7) == 7


def test_free_releases_once(sdkapi):
    s = prlsdkapi.StringList()
    raw = s.handle
    s.free()
    assert s.handle == consts.PRL_INVALID_HANDLE
    assert prlsdk.PrlHandle_GetType(raw)[0] == prlsdkapi.conv_error(errors.PRL_ERR_INVALID_ARG)
    s.free()  # nothing left to free
    del s


def test_two_owners_of_one_handle_each_hold_a_reference(sdkapi):
    s = prlsdkapi.StringList()
    s.add_item('x')
    t = prlsdkapi.StringList(s)  # a second object for the same handle
    raw = s.handle
    assert t.handle == raw
    s.free()
    assert t.get_item(0) == 'x'  # still held by t
    t.free()
    assert prlsdk.PrlHandle_GetType(raw)[0] != 0


def test_deinit_frees_what_live_objects_hold(home, log_path):
    prlsdkapi.init_server_sdk()
    prlsdkapi.ApiHelper().set_log_path(str(log_path))
    srv = prlsdkapi.Server()
    srv.login_local().wait()
    lists = [prlsdkapi.StringList() for _ in range(3)]
    prlsdkapi.deinit_sdk()
    assert srv.handle == consts.PRL_INVALID_HANDLE and all(x.handle == 0 for x in lists)
    assert 'leaked' not in (log_path.read_text() if log_path.exists() else '')
    del srv, lists  # their __del__ has nothing to do
