"""Handle: one owned reference to an SDK handle, released exactly once."""
import ctypes
import threading
import weakref

from . import constants as C
from ._lib import lib
from .errors import PrlError, check


def _free(value):
    try:
        lib().PrlHandle_Free(value)
    except Exception:  # interpreter shutdown: nothing sensible to do
        pass


class Handle:
    """Owns one reference to a handle; frees it on close(), on leaving a `with`
    block, or when garbage collected (weakref.finalize), whichever comes first.
    Keeps its Api alive so the library is not deinitialised under it."""

    def __init__(self, value, api):
        if not value:
            raise PrlError(C.PRL_ERR_INVALID_HANDLE, type(self).__name__)
        self._value = value
        self._api = api
        self._finalizer = weakref.finalize(self, _free, value)
        api._track(self)

    @property
    def handle(self):
        """The raw PRL_HANDLE value (for calling the C API directly); raises once closed."""
        if not self._finalizer.alive:
            raise PrlError(C.PRL_ERR_INVALID_ARG, type(self).__name__, 'the handle is closed')
        return self._value

    @property
    def closed(self):
        return not self._finalizer.alive

    @property
    def handle_type(self):
        return get_type(self.handle)

    def close(self):
        """Releases the reference (idempotent)."""
        self._finalizer()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        state = 'closed' if self.closed else '0x%x' % self._value
        return '<%s %s>' % (type(self).__name__, state)


class Owned:
    """A raw handle freed when the block ends: `with Owned(h) as h: ...` (internal use)."""

    def __init__(self, value):
        self.value = value

    def __enter__(self):
        return self.value

    def __exit__(self, *exc):
        if self.value:
            lib().PrlHandle_Free(self.value)
            self.value = None

    def take(self):
        v, self.value = self.value, None
        return v


def get_type(value):
    out = ctypes.c_uint()
    check(lib().PrlHandle_GetType(value, ctypes.byref(out)), 'PrlHandle_GetType')
    return out.value


def out_handle(fn, *args):
    """Calls fn(*args, &handle) and returns the new (owned) raw handle."""
    out = ctypes.c_void_p()
    check(fn(*args, ctypes.byref(out)), fn.__name__)
    return out.value


class ThreadFlag(threading.local):
    in_callback = False


callback_thread = ThreadFlag()
