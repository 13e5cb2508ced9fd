"""prlsdkapi.prlsdk: the low-level module, one function per C function.

Every function has the C name and takes the C inputs in order: handles as
ints (or objects with a `.handle`), strings as str, numbers as int. It returns
a list: first the PRL_RESULT as an unsigned 32-bit int (or, for an
asynchronous function, the job handle), then the outputs in order — strings
as str, handles as int, PRL_BOOL as int, byte buffers as bytearray.

As in the original module, the library is loaded by InitializeSDK (or
PrlApi_Init, PrlApi_InitEx): the path given to
SetSDKLibraryPath, else $PRLSHIM_LIBRARY, else the original's search order
(./libprl_sdk.so, libprl_sdk.so.9, the SDK's own directory, libprl_sdk.so),
then whatever the dynamic linker finds. Calling a function before the SDK is
initialised raises RuntimeError.

The ctypes declarations are the `prlsdk` package's (prlsdk/_prototypes.py):
one low-level layer for both packages. How each argument is marshalled is
generated from the definitions table into _spec.py.
"""
import ctypes
import ctypes.util
import operator
import os
import sys
import threading
import traceback

from prlsdk import _lib as _shared  # the shared loader and ctypes declarations

from . import consts, errors
from ._spec import SPEC, STRUCTS

_U32 = 0xFFFFFFFF
_SUCCESS = 0
_state = {'path': '', 'initialized': False}
_lock = threading.RLock()


def _struct(name):
    fields = [(n, getattr(ctypes, t)) for n, t in STRUCTS[name]]
    return type(name, (ctypes.Structure,), {'_pack_': 1, '_fields_': fields})


_VMCFG = _struct('PRL_GET_VM_CONFIG_PARAM_DATA')
_MEMG = _struct('PRL_MEMGUARANTEE_DATA')
_CPULIM = _struct('PRL_CPULIMIT_DATA')
_IOLIM = _struct('PRL_IOLIMIT_DATA')
_BACKUP_PARAM = _struct('PRL_BACKUP_PARAM')


def _u(rc):
    return rc & _U32


def _succeeded(rc):
    return (rc & 0x80000000) == 0


# ---------------------------------------------------------------------------
# Library loading

def _candidates():
    path = _state['path']
    if path:  # the original's SdkWrap_Load naming: add .so, and lib before a bare name
        tail = path.rsplit('/', 1)[-1]
        if '.so' not in tail:
            path += '.so'
        if '/' not in path and not path.startswith('lib'):
            path = 'lib' + path
        return [path]
    env = os.environ.get('PRLSHIM_LIBRARY')
    if env:
        return [env]
    origin = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # where the original's module lies
    names = ['./libprl_sdk.so', 'libprl_sdk.so.9',
             os.path.join(origin, '..', '..', '..', 'virtuozzo-virtualization-sdk', 'libs', 'libprl_sdk.so.9',
                          'libprl_sdk.so'),
             'libprl_sdk.so']
    found = ctypes.util.find_library('prl_sdk')
    return names + ([found] if found else [])


def _lib():
    lib = _shared.loaded()
    return lib if lib is not None else _shared.load(_candidates())


def _check_init(name):
    if not _state['initialized']:
        raise RuntimeError('SDK was not initialized')


# ---------------------------------------------------------------------------
# Argument conversion

def _handle_in(v):
    if v is None:
        return None
    h = getattr(v, 'handle', v)
    return operator.index(h) or None


def _str_in(v):
    if v is None or isinstance(v, bytes):
        return v
    if isinstance(v, os.PathLike):
        return os.fsencode(v)
    if not isinstance(v, str):
        raise TypeError('a string is required, not %s' % type(v).__name__)
    return v.encode('utf-8')


def _ptr_in(v, keep):
    """A raw pointer argument: None, an address, bytes, a bytearray or a ctypes object."""
    if v is None:
        return None
    if isinstance(v, int):
        return v or None
    if isinstance(v, (bytes, str)):
        return ctypes.c_char_p(_str_in(v))
    if isinstance(v, bytearray):
        buf = (ctypes.c_char * len(v)).from_buffer(v)
        keep.append(buf)
        return ctypes.cast(buf, ctypes.c_void_p)
    if isinstance(v, ctypes._SimpleCData) or isinstance(v, (ctypes.Structure, ctypes.Array)):
        return ctypes.cast(ctypes.pointer(v), ctypes.c_void_p)
    raise TypeError('cannot pass %s as a pointer' % type(v).__name__)


def _decode(raw):
    return raw.decode('utf-8', errors='replace')


class _Call:
    """One generic function: inputs in, outputs out, by the generated SPEC."""

    def __init__(self, name, is_async, kinds):
        self.name = name
        self.is_async = is_async
        self.kinds = kinds
        n = 0
        for k, _, extra in kinds:
            if k in ('h', 's', 'i', 'd', 'p', 'bp', 'cb', 'ud'):
                n += 1
            elif k in ('vmcfg', 'memg', 'cpulim', 'iolim'):
                n += len(extra)
        self.n_in = n

    def __call__(self, *args):
        _check_init(self.name)
        if len(args) != self.n_in:
            raise TypeError('%s() takes exactly %d arguments (%d given)' % (self.name, self.n_in, len(args)))
        fn = getattr(_lib(), self.name)
        it = iter(args)
        cargs = []
        outs = []  # (kind, index in cargs, object, extra)
        keep = []
        bufs = []  # (index of the buffer argument, length c_uint, kind)
        for k, _, extra in self.kinds:
            if k == 'h':
                cargs.append(_handle_in(next(it)))
            elif k == 's':
                cargs.append(_str_in(next(it)))
            elif k == 'i':
                cargs.append(operator.index(next(it)))
            elif k == 'd':
                cargs.append(float(next(it)))
            elif k == 'p':
                cargs.append(_ptr_in(next(it), keep))
            elif k == 'null':
                cargs.append(None)
            elif k == 'bp':
                v = next(it)
                if v is None:
                    cargs.append(None)
                else:
                    if isinstance(v, (str, bytes, os.PathLike)):
                        v = _BACKUP_PARAM(_str_in(v))
                    keep.append(v)
                    cargs.append(ctypes.cast(ctypes.pointer(v), ctypes.c_void_p))
            elif k in ('vmcfg', 'memg', 'cpulim', 'iolim'):
                if k == 'vmcfg':
                    s = _VMCFG(operator.index(next(it)), _str_in(next(it)), operator.index(next(it)))
                elif k == 'iolim':
                    s = _IOLIM(operator.index(next(it)), consts.PRL_IOLIMIT_BS)
                else:
                    t = operator.index(next(it))
                    s = (_MEMG if k == 'memg' else _CPULIM)(operator.index(next(it)), t)
                keep.append(s)
                cargs.append(ctypes.cast(ctypes.pointer(s), ctypes.c_void_p))
            elif k in ('cb', 'ud'):
                raise TypeError('%s: callbacks go through the event handler functions' % self.name)
            elif k in ('os', 'obuf', 'oharr'):
                cargs.append(None)
                bufs.append([len(cargs) - 1, None, k])
            elif k == 'len':
                n = ctypes.c_uint(0)
                bufs[-1][1] = n
                cargs.append(ctypes.byref(n))
            else:  # a single output value
                if k in ('o', 'ob'):
                    o = getattr(ctypes, extra)()
                elif k in ('oh', 'oxml', 'optr'):
                    o = ctypes.c_void_p()
                elif k == 'ocs':
                    o = ctypes.c_char_p()
                elif k == 'omemg':
                    o = _MEMG()
                elif k == 'ocpulim':
                    o = _CPULIM(0, consts.PRL_CPULIMIT_MHZ)
                elif k == 'oiolim':
                    o = _IOLIM(0, consts.PRL_IOLIMIT_BS)
                else:
                    raise TypeError('%s: unknown argument kind %s' % (self.name, k))
                outs.append((k, len(cargs), o))
                cargs.append(ctypes.cast(ctypes.pointer(o), ctypes.c_void_p) if k in ('omemg', 'ocpulim', 'oiolim')
                             else ctypes.byref(o))
        if self.is_async:
            return [fn(*cargs) or 0]
        rc = fn(*cargs)
        for _ in range(8):  # buffers: sizes first, then the data; again if a value grew between the calls
            if not bufs or not _succeeded(rc):
                break
            for b in bufs:
                n = max(b[1].value, 1)
                b.append((ctypes.c_void_p * n)() if b[2] == 'oharr' else ctypes.create_string_buffer(n))
                cargs[b[0]] = b[-1]
            rc = fn(*cargs)
            if _u(rc) != _u(errors.PRL_ERR_BUFFER_OVERRUN):
                break
            for b in bufs:
                del b[3:]
        result = [_u(rc)]
        values = {}
        for b in bufs:
            buf = b[3] if len(b) > 3 and _succeeded(rc) else None
            if b[2] == 'os':
                values[b[0]] = [_decode(buf.value) if buf is not None else '']
            elif b[2] == 'oharr':
                values[b[0]] = [[h or 0 for h in buf[:b[1].value]] if buf is not None else []]
            else:
                values[b[0]] = [bytearray(buf.raw[:b[1].value]) if buf is not None else bytearray()]
        for k, i, o in outs:
            if k == 'oh':
                values[i] = [o.value or 0]
            elif k in ('o', 'ob', 'optr'):
                values[i] = [o.value if o.value is not None else 0]
            elif k == 'ocs':
                values[i] = [_decode(o.value) if o.value is not None else '']
            elif k == 'oxml':
                text = ''
                if o.value:
                    text = _decode(ctypes.string_at(o.value))
                    _lib().PrlBuffer_Free(o)
                values[i] = [text]
            elif k in ('omemg', 'ocpulim'):
                values[i] = [o.type, o.value]
            elif k == 'oiolim':
                values[i] = [o.value]
        for i in sorted(values):
            result.extend(values[i])
        return result


# ---------------------------------------------------------------------------
# Initialisation, as the original's module functions

def SetSDKLibraryPath(path):
    _state['path'] = path if isinstance(path, str) else os.fsdecode(path)
    return [_SUCCESS]


def GetSDKLibraryPath():
    return [_SUCCESS, _state['path']]


def IsSDKInitialized():
    return [_SUCCESS, int(_state['initialized'])]


def InitializeSDKEx(nVersion, nMode=0, nFlags=0, nReserved=0):
    with _lock:
        try:
            lib = _lib()
        except OSError as e:
            print(e, file=sys.stderr)
            return [_u(errors.PRL_ERR_FILE_NOT_FOUND if _state['path'] else errors.PRL_ERR_FAILURE)]
        rc = lib.PrlApi_InitEx(nVersion & _U32, nMode & _U32, nFlags & _U32, nReserved & _U32)
        _state['initialized'] = _succeeded(rc)
        if _succeeded(rc):
            lib.PrlApi_SwitchConsoleLogging(0)
        return [_u(rc)]


def InitializeSDK(nMode):
    return InitializeSDKEx(consts.VIRTUOZZO_API_VER, nMode)


def DeinitializeSDK():
    _check_init('DeinitializeSDK')
    # No lock held across PrlApi_Deinit: it waits for callbacks in flight,
    # which may be registering or unregistering handlers themselves.
    rc = _lib().PrlApi_Deinit()
    _state['initialized'] = not _succeeded(rc)
    if _succeeded(rc):
        with _lock:
            _registrations.clear()
    return [_u(rc)]


def PrlApi_Init(version):
    return InitializeSDKEx(version)


def PrlApi_InitEx(nVersion, nAppMode=0, nFlags=0, nReserved=0):
    return InitializeSDKEx(nVersion, nAppMode, nFlags, nReserved)


def PrlApi_Deinit():
    return DeinitializeSDK()


# ---------------------------------------------------------------------------
# Events: one C-callable bridge for the process; the user data the library
# holds is a small integer key, so it can never call into freed memory.

_EVENT_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
_registrations = {}  # key -> (handle, callback, user data)
_next_key = [1]


def _default_event_object(handle):
    return handle


# prlsdkapi replaces this with a maker of Event/Job objects that own the handle.
event_object = _default_event_object


@_EVENT_HANDLER
def _bridge(h_event, key):
    entry = _registrations.get(key)
    if entry is None:
        if h_event:
            _lib().PrlHandle_Free(h_event)
        return 0
    try:
        obj = event_object(h_event or 0)
        entry[1](obj, entry[2])
    except BaseException:  # a callback never takes the library's thread down
        traceback.print_exc()
    return 0


def _reg_event_handler(name, handle, callback, user_data):
    _check_init(name)
    if not callable(callback):
        raise TypeError('parameter must be callable')
    with _lock:
        key = _next_key[0]
        _next_key[0] += 1
        _registrations[key] = (_handle_in(handle) or 0, callback, user_data)
    rc = getattr(_lib(), name)(_handle_in(handle), _bridge, key)
    if not _succeeded(rc):
        _registrations.pop(key, None)
    return [_u(rc)]


def _unreg_event_handler(name, handle, callback, user_data):
    _check_init(name)
    h = _handle_in(handle) or 0
    rc = errors.PRL_ERR_FAILURE
    with _lock:
        found = [k for k, (kh, kc, ku) in _registrations.items() if kh == h and kc == callback and ku == user_data]
    if found:
        key = found[0]
        rc = getattr(_lib(), name)(h or None, _bridge, key)
        if _succeeded(rc):
            _registrations.pop(key, None)
    return [_u(rc)]


def _make_event_function(name, register):
    def fn(handle, callback, user_data=None):
        return (_reg_event_handler if register else _unreg_event_handler)(name, handle, callback, user_data)
    fn.__name__ = name
    return fn


def PrlOpTypeList_GetItem(hOpTypeList, nItemIndex):
    """[result, as signed int, as unsigned int, as double] of the item by the list's type size."""
    _check_init('PrlOpTypeList_GetItem')
    lib = _lib()
    size = ctypes.c_uint(0)
    rc = lib.PrlOpTypeList_GetTypeSize(_handle_in(hOpTypeList), ctypes.byref(size))
    signed = unsigned = 0
    double = 0.0
    if _succeeded(rc):
        buf = ctypes.create_string_buffer(max(size.value, 1))
        rc = lib.PrlOpTypeList_GetItem(_handle_in(hOpTypeList), operator.index(nItemIndex), buf)
        if _succeeded(rc):
            raw = buf.raw[:size.value]
            if size.value not in (1, 2, 4, 8):
                raise TypeError('Unsupported opaque type size = %u!' % size.value)
            signed = int.from_bytes(raw, sys.byteorder, signed=True)
            unsigned = int.from_bytes(raw, sys.byteorder, signed=False)
            if size.value == 8:
                double = ctypes.c_double.from_buffer_copy(raw).value
    return [_u(rc), signed, unsigned, double]


def _build():
    g = globals()
    for name, (is_async, kinds) in SPEC.items():
        if name in g:
            continue  # written by hand above
        if name.endswith('EventHandler'):
            g[name] = _make_event_function(name, not name.endswith('UnregEventHandler'))
            continue
        g[name] = _Call(name, is_async, kinds)


_build()
