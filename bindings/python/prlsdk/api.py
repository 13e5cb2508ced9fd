"""Api: PrlApi_InitEx ... PrlApi_Deinit."""
import threading
import weakref

from . import constants as C
from ._lib import enc, get_value, lib
from .errors import check

_current = None
_current_lock = threading.Lock()


def _snapshot(weak_set):
    """A list copy of a WeakSet another thread may be adding to."""
    for _ in range(100):
        try:
            return list(weak_set)
        except RuntimeError:  # changed size during iteration
            continue
    return []


def _deinit(state):
    """Closes what is still open and deinitialises (once)."""
    if state['closed']:
        return
    state['closed'] = True
    for sub in list(state['subscriptions']):
        try:
            sub.close()
        except Exception:
            pass
    if state['sweep']:
        for h in _snapshot(state['handles']):
            try:
                h.close()
            except Exception:
                pass
    try:
        lib().PrlApi_Deinit()
    except Exception:
        pass


class Api:
    """The SDK initialised for this process: `with prlsdk.Api(): ...`.

    Every object made through it keeps it alive; it deinitialises on close(),
    at the end of a `with` block, or when nothing refers to it any more.
    close() first unregisters event handlers and frees handles still held by
    live Python objects (sweep=False leaves them to the library's leak report).
    """

    def __init__(self, log_path=None, app_mode=None):
        global _current
        check(lib().PrlApi_InitEx(C.VIRTUOZZO_API_VER, C.PAM_SERVER if app_mode is None else app_mode, 0, 0),
              'PrlApi_InitEx')
        self._state = {'closed': False, 'sweep': True, 'handles': weakref.WeakSet(),
                       'subscriptions': set()}
        self._finalizer = weakref.finalize(self, _deinit, self._state)
        if log_path is not None:
            self.set_log_path(log_path)
        with _current_lock:
            _current = weakref.ref(self)

    @staticmethod
    def current():
        """The most recently created open Api, or a new one."""
        with _current_lock:
            api = _current() if _current else None
        if api is None or api.closed:
            api = Api()
        return api

    def _track(self, handle):
        self._state['handles'].add(handle)

    def _subscribed(self, sub, on):
        (self._state['subscriptions'].add if on else self._state['subscriptions'].discard)(sub)

    @property
    def closed(self):
        return self._state['closed']

    @property
    def version(self):
        """PrlApi_GetVersion as an int."""
        import ctypes
        return get_value(lib().PrlApi_GetVersion, ctypes.c_uint)

    @staticmethod
    def set_log_path(path):
        check(lib().PrlApi_SetLogPath(enc(path)), 'PrlApi_SetLogPath')

    def close(self, sweep=True):
        self._state['sweep'] = sweep
        self._finalizer()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
