"""Events: the bridge from SDK event callbacks to Python callables."""
import ctypes
import itertools
import logging
import threading

from . import constants as C
from ._handle import Owned, callback_thread, get_type
from ._lib import EVENT_HANDLER, get_string, get_value, lib
from .errors import PrlError, check, result_name

log = logging.getLogger('prlsdk')

_EVENT_NAMES = C.GROUPS['PRL_EVENT_TYPE']


class Event:
    """An event, read out of its handle while the callback ran (plain Python values).

    type       PET_* value;  type_name its constant name
    issuer_id  the issuer (for VM events the VM's UUID)
    error_code PRL_RESULT carried by the event (0 for most)
    params     {name: value}: int, bool, str or bytes by the parameter's type
    """

    __slots__ = ('type', 'issuer_id', 'error_code', 'params')

    def __init__(self, type, issuer_id='', error_code=0, params=None):
        self.type = type
        self.issuer_id = issuer_id
        self.error_code = error_code
        self.params = params or {}

    @property
    def type_name(self):
        return _EVENT_NAMES.get(self.type, str(self.type))

    @property
    def vm_uuid(self):
        return self.params.get('vm_uuid') or self.issuer_id

    def __repr__(self):
        return '<Event %s issuer=%s params=%r>' % (self.type_name, self.issuer_id, self.params)


class JobFinished:
    """A finished job delivered to a handler subscribed with jobs=True."""

    __slots__ = ('op_code', 'ret_code')

    def __init__(self, op_code, ret_code):
        self.op_code = op_code
        self.ret_code = ret_code

    @property
    def ret_name(self):
        return result_name(self.ret_code)

    def __repr__(self):
        return '<JobFinished op=%d %s>' % (self.op_code, self.ret_name)


def _param_value(p):
    L = lib()
    kind = get_value(L.PrlEvtPrm_GetType, ctypes.c_uint, p)
    try:
        if kind in (C.PFD_UINT32, C.PFD_ENUMERATION):
            return get_value(L.PrlEvtPrm_ToUint32, ctypes.c_uint, p)
        if kind == C.PFD_INT32:
            return get_value(L.PrlEvtPrm_ToInt32, ctypes.c_int, p)
        if kind == C.PFD_UINT64:
            return get_value(L.PrlEvtPrm_ToUint64, ctypes.c_ulonglong, p)
        if kind == C.PFD_INT64:
            return get_value(L.PrlEvtPrm_ToInt64, ctypes.c_longlong, p)
        if kind == C.PFD_BOOLEAN:
            return bool(get_value(L.PrlEvtPrm_ToBoolean, ctypes.c_uint, p))
        if kind == C.PFD_BINARY:
            size = ctypes.c_uint(0)
            check(L.PrlEvtPrm_GetBuffer(p, None, ctypes.byref(size)), 'PrlEvtPrm_GetBuffer')
            buf = ctypes.create_string_buffer(size.value)
            check(L.PrlEvtPrm_GetBuffer(p, buf, ctypes.byref(size)), 'PrlEvtPrm_GetBuffer')
            return buf.raw[:size.value]
    except PrlError:
        pass  # a value that does not parse as its type: give its text
    return get_string(L.PrlEvtPrm_ToString, p)


def read_event(h):
    """An Event from a PHT_EVENT handle (the handle stays the caller's)."""
    L = lib()
    params = {}
    for i in range(get_value(L.PrlEvent_GetParamsCount, ctypes.c_uint, h)):
        ph = ctypes.c_void_p()
        if L.PrlEvent_GetParam(h, i, ctypes.byref(ph)) < 0 or not ph.value:
            continue
        with Owned(ph.value) as p:
            params[get_string(L.PrlEvtPrm_GetName, p)] = _param_value(p)
    try:
        issuer = get_string(L.PrlEvent_GetIssuerId, h)
    except PrlError:
        issuer = ''
    code = ctypes.c_int(0)
    L.PrlEvent_GetErrCode(h, ctypes.byref(code))
    return Event(get_value(L.PrlEvent_GetType, ctypes.c_uint, h), issuer, code.value, params)


# One C-callable bridge for the whole process: it lives as long as the module,
# so the library can never call a freed thunk. The user data given with each
# registration is a small integer key into _registry, never a Python pointer.
_registry = {}
_registry_lock = threading.Lock()
_ids = itertools.count(1)


def _dispatch(h, user):
    callback_thread.in_callback = True
    try:
        with _registry_lock:
            sub = _registry.get(user)
        if sub is None:
            return 0  # unregistered while this item was on its way
        kind = get_type(h)
        if kind == C.PHT_EVENT:
            item = read_event(h)
            if sub.types is not None and item.type not in sub.types:
                return 0
        elif kind == C.PHT_JOB and sub.jobs:
            rc = ctypes.c_int(0)
            lib().PrlJob_GetRetCode(h, ctypes.byref(rc))
            item = JobFinished(get_value(lib().PrlJob_GetOpCode, ctypes.c_uint, h), rc.value)
        else:
            return 0
        try:
            sub.callback(item)
        except BaseException:  # noqa: B902 - a callback must never take the process down
            sub.errors += 1
            log.exception('prlsdk: event callback %r raised (the event is dropped, delivery goes on)',
                          sub.callback)
    except BaseException:  # noqa: B902
        log.exception('prlsdk: could not read an event')
    finally:
        try:
            lib().PrlHandle_Free(h)  # each call gets its own reference: free it, always
        except BaseException:  # noqa: B902
            pass
        callback_thread.in_callback = False
    return 0


_BRIDGE = EVENT_HANDLER(_dispatch)


class Subscription:
    """A registered event handler; close() (or leaving a `with` block) unregisters it.

    After close() returns on a thread that is not running a callback, the
    callback is not running and will not be called again. `errors` counts the
    exceptions the callback raised (each is logged to the 'prlsdk' logger)."""

    def __init__(self, owner, register, unregister, callback, types=None, jobs=False):
        self._owner = owner  # keeps the server / VM handle (and the Api) alive
        self._unregister_fn = unregister
        self.callback = callback
        self.types = None if types is None else frozenset(types)
        self.jobs = jobs
        self.errors = 0
        self._id = next(_ids)
        with _registry_lock:
            _registry[self._id] = self
        try:
            check(register(owner.handle, _BRIDGE, self._id), register.__name__)
        except BaseException:
            with _registry_lock:
                _registry.pop(self._id, None)
            raise
        self._active = True
        owner._api._subscribed(self, True)

    @property
    def active(self):
        return self._active

    def close(self):
        if not self._active:
            return
        self._active = False
        try:
            if not self._owner.closed:
                self._unregister_fn(self._owner.handle, _BRIDGE, self._id)
        finally:
            with _registry_lock:
                _registry.pop(self._id, None)
            self._owner._api._subscribed(self, False)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


