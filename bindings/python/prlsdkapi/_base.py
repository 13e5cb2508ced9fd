"""What every generated class relies on: errors, handle ownership, jobs, the
initialisation helpers and handle_to_object (the original module's helpers,
with the same names and behaviour, and the deliberate differences listed in
docs/python.md)."""
import atexit
import threading
import weakref

from . import prlsdk
from .prlsdk import consts, errors

SDK = prlsdk


class PrlSDKError(Exception):
    """A failed call: `result` and `error_code` are the PRL_RESULT (unsigned, as
    returned at run time), `err_obj` the job's error Event when there is one."""

    def __init__(self, result, error_code, err_obj):
        self.result = result
        self.error_code = error_code
        self.err_obj = err_obj
        Exception.__init__(self, 'SDK error: 0x%.8X: %s' % (error_code, self.get_details()))

    def get_result(self):
        return self.result

    def get_details(self):
        try:
            if self.err_obj is not None:
                brief = self.err_obj.get_err_string(True, False)
                full = self.err_obj.get_err_string(False, False)
                return '%s %s' % (brief, full)
            res_s, brief = SDK.PrlApi_GetResultDescription(self.error_code, 1, 0)
            res_l, full = SDK.PrlApi_GetResultDescription(self.error_code, 0, 0)
            if res_s == errors.PRL_ERR_SUCCESS and res_l == errors.PRL_ERR_SUCCESS:
                return '%s %s' % (brief, full)
        except Exception:
            pass
        return 'No error description!'


prlsdk.PrlSDKError = PrlSDKError


def conv_error(err):
    """A signed PRL_RESULT (as in `errors`) as the unsigned value calls return."""
    if err < 0:
        err = 0x100000000 + err
    return err


def sdk_check_result(result, err_obj=None):
    if result != errors.PRL_ERR_SUCCESS:
        raise PrlSDKError(result, conv_error(result), err_obj)


_UNIMPLEMENTED = conv_error(errors.PRL_ERR_UNIMPLEMENTED)


def call_sdk_function(func_name, *args):
    """Calls prlsdk.<func_name>; raises PrlSDKError on failure; returns the one
    output, a list of several, or None. As in the original, a function that
    returns PRL_ERR_UNIMPLEMENTED is not an error: the call returns None."""
    result_list = getattr(SDK, func_name)(*args)
    if result_list[0] != _UNIMPLEMENTED:
        sdk_check_result(result_list[0])
        if len(result_list) == 2:
            return result_list[1]
        if len(result_list) > 2:
            return result_list[1:]


def conv_handle_arg(arg):
    try:
        return arg.handle
    except AttributeError:
        return arg


# ---------------------------------------------------------------------------
# Initialisation

class _DeinitSDK:
    """deinit_sdk(): frees the handles live objects still hold, then PrlApi_Deinit.
    `id` counts deinitialisations: an object made before one never frees its
    handle afterwards."""

    def __init__(self):
        self.id = 0

    def __call__(self):
        if SDK.IsSDKInitialized()[1]:
            _sweep()
            res = SDK.DeinitializeSDK()[0]
            if res:
                raise Exception('SDK deinitialization failed! Error = 0x%.8X' % conv_error(res))
            self.id += 1


deinit_sdk = _DeinitSDK()


@atexit.register
def _deinit_at_exit():
    try:
        deinit_sdk()
    except Exception:
        pass


def set_sdk_library_path(path):
    call_sdk_function('SetSDKLibraryPath', path)


def get_sdk_library_path():
    return call_sdk_function('GetSDKLibraryPath')


def is_sdk_initialized():
    return bool(call_sdk_function('IsSDKInitialized'))


def _mode(name):
    # This is the server SDK: the desktop, workstation and player modes of
    # other builds do not exist in it, and their inits start it as a server.
    return getattr(consts, name, consts.PAM_SERVER)


def init_server_sdk():
    call_sdk_function('InitializeSDK', consts.PAM_SERVER)


def init_desktop_sdk():
    call_sdk_function('InitializeSDK', _mode('PAM_DESKTOP_MAC'))


def init_desktop_wl_sdk():
    call_sdk_function('InitializeSDK', _mode('PAM_DESKTOP_WL'))


def init_workstation_sdk():
    call_sdk_function('InitializeSDK', _mode('PAM_WORKSTATION_EXTREME'))


def init_player_sdk():
    call_sdk_function('InitializeSDK', _mode('PAM_PLAYER'))


# ---------------------------------------------------------------------------
# Handles

_live = weakref.WeakSet()  # objects holding a handle, for deinit_sdk's sweep
_own_lock = threading.Lock()


def _take(obj):
    """The object's handle, which it no longer holds (at most one caller gets it)."""
    with _own_lock:
        h = obj.__dict__.get('handle', consts.PRL_INVALID_HANDLE)
        obj.__dict__['handle'] = consts.PRL_INVALID_HANDLE
    _live.discard(obj)
    return h


def _free_handle(obj):
    """free(): releases the object's reference once; the object then holds
    PRL_INVALID_HANDLE (the original kept the value and freed it again later)."""
    h = _take(obj)
    if h != consts.PRL_INVALID_HANDLE and obj.__dict__.get('id') == deinit_sdk.id:
        call_sdk_function('PrlHandle_Free', h)


def _sweep():
    for _ in range(100):
        try:
            objs = list(_live)
            break
        except RuntimeError:  # another thread changed the set
            continue
    else:
        objs = []
    for obj in objs:
        try:
            _free_handle(obj)
        except Exception:
            pass


class _HandleBase(object):
    """The ownership part of _Handle: one reference per object, freed exactly
    once — by free(), by deinit_sdk(), or when the object is collected."""

    def __init__(self, handle=consts.PRL_INVALID_HANDLE):
        if type(self).__name__ == '_Handle' and type(self).__module__ == 'prlsdkapi._classes':
            raise TypeError('class _Handle is a private class')
        if isinstance(handle, _HandleBase):  # another owner of the same handle: a reference of our own
            h = handle.handle
            if h != consts.PRL_INVALID_HANDLE:
                call_sdk_function('PrlHandle_AddRef', h)
            handle = h
        elif handle is None:
            handle = consts.PRL_INVALID_HANDLE
        self.handle = handle
        self.id = deinit_sdk.id
        if handle != consts.PRL_INVALID_HANDLE:
            _live.add(self)

    def get_handle_type(self):
        return call_sdk_function('PrlHandle_GetType', self.handle)

    def __int__(self):
        return int(self.handle)

    def __del__(self):
        try:
            if self.handle != consts.PRL_INVALID_HANDLE and self.id == deinit_sdk.id:
                _free_handle(self)
        except Exception:  # interpreter shutdown, or the SDK gone: nothing sensible to do
            pass


# ---------------------------------------------------------------------------
# Jobs

def _job_wait(job, msecs):
    """Job.wait(): waits, then raises PrlSDKError (with the job's error event)
    if the job failed, else returns its Result. PrlJob_Wait failing means it
    could not wait (a timeout) unless the job has finished — older libraries
    returned the job's own result from PrlJob_Wait."""
    res = SDK.PrlJob_Wait(job.handle, min(int(msecs), 0xFFFFFFFF) & 0xFFFFFFFF)[0]
    if res != errors.PRL_ERR_SUCCESS and res != _UNIMPLEMENTED:
        status = SDK.PrlJob_GetStatus(job.handle)
        if status[0] != errors.PRL_ERR_SUCCESS or status[1] != consts.PJS_FINISHED:
            sdk_check_result(res)
    ret = job.get_ret_code()
    if ret != errors.PRL_ERR_SUCCESS:
        err_obj = None
        try:
            err_obj = job.get_error()
        except Exception:
            pass
        sdk_check_result(ret, err_obj)
    return job.get_result()


def _result_item(result, index):
    """result[index]: the parameter's object, or its string when it is a string
    (the original raised PRL_ERR_NO_DATA for those)."""
    try:
        return result.get_param_by_index(index)
    except PrlSDKError as e:
        if e.error_code != conv_error(errors.PRL_ERR_NO_DATA):
            raise
    return result.get_param_by_index_as_string(index)


# ---------------------------------------------------------------------------
# handle_to_object

_types = {}


def _register_types(pairs):
    for handle_type, cls in pairs:
        _types[handle_type] = cls


def handle_to_object(handle):
    """An object of the class for the handle's real type; it owns the handle."""
    if handle is None:
        return None
    handle_type = call_sdk_function('PrlHandle_GetType', handle)
    cls = _types.get(handle_type)
    if cls is None:
        sdk_check_result(errors.PRL_ERR_INVALID_HANDLE)
    return cls(handle)


def _to_object(handle):
    """handle_to_object for a handle a call just returned: freed if no object takes it."""
    try:
        return handle_to_object(handle)
    except Exception:
        if handle and not isinstance(handle, _HandleBase):
            try:
                SDK.PrlHandle_Free(handle)
            except Exception:
                pass
        raise


def _event_object(handle):
    """What an event handler receives: the Event (or Job) object owning the handle."""
    return _to_object(handle)


prlsdk.event_object = _event_object
