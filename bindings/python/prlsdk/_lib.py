"""Loading libprl_sdk and declaring its functions from the generated prototypes."""
import ctypes
import ctypes.util
import os
import threading

from . import _prototypes
from . import constants as C

_lock = threading.Lock()
_lib = None


def _candidates():
    env = os.environ.get('PRLSHIM_LIBRARY')
    if env:
        return [env]  # an explicit path wins and is the only candidate
    found = ctypes.util.find_library('prl_sdk')
    names = [found] if found else []
    return names + ['libprl_sdk.so.9', 'libprl_sdk.so']


def library_path():
    """The path or name the library was loaded from."""
    return lib()._name


def loaded():
    """The library if some package already loaded it, else None."""
    return _lib


def lib():
    """The loaded library, with every function's argtypes and restype declared."""
    return _lib if _lib is not None else load(_candidates())


def load(candidates):
    """Loads the first of `candidates` that dlopen accepts (unless the library is
    loaded already: one copy per process, shared by prlsdk and prlsdkapi) and
    declares every function from the generated prototypes."""
    global _lib
    with _lock:
        if _lib is None:
            errors = []
            for name in candidates:
                try:
                    loaded = ctypes.CDLL(name)  # CDLL: the GIL is released during each call
                    break
                except OSError as e:
                    errors.append('%s: %s' % (name, e))
            else:
                raise OSError('cannot load libprl_sdk (set PRLSHIM_LIBRARY to its path): ' + '; '.join(errors))
            for fname, (ret, args) in _prototypes.PROTOTYPES.items():
                fn = getattr(loaded, fname, None)
                if fn is None:
                    continue
                fn.restype = getattr(ctypes, ret)
                fn.argtypes = [getattr(ctypes, a) for a in args]
            _lib = loaded
    return _lib


EVENT_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)


class BACKUP_PARAM(ctypes.Structure):
    """PRL_BACKUP_PARAM (packed: one pointer)."""
    _pack_ = 1
    _fields_ = [('backup_directory', ctypes.c_char_p)]


def enc(s):
    """A Python string as the UTF-8 bytes a PRL_CONST_STR takes (None stays NULL)."""
    if s is None:
        return None
    if isinstance(s, bytes):
        return s
    return os.fsencode(s) if isinstance(s, os.PathLike) else str(s).encode('utf-8')


def get_string(fn, *args):
    """Calls fn(*args, buf, len) by the SDK's buffer rule and returns the string.

    Raises PrlError on failure."""
    from .errors import check
    size = ctypes.c_uint(0)
    check(fn(*args, None, ctypes.byref(size)), fn.__name__)
    for _ in range(8):  # the value may grow between the two calls
        buf = ctypes.create_string_buffer(max(size.value, 1))
        rc = fn(*args, buf, ctypes.byref(size))
        if rc != C.PRL_ERR_BUFFER_OVERRUN:
            check(rc, fn.__name__)
            return buf.value.decode('utf-8', errors='replace')
    check(C.PRL_ERR_BUFFER_OVERRUN, fn.__name__)


def get_value(fn, ctype, *args):
    """Calls fn(*args, &out) and returns out's value; raises PrlError on failure."""
    from .errors import check
    out = ctype()
    check(fn(*args, ctypes.byref(out)), fn.__name__)
    return out.value
