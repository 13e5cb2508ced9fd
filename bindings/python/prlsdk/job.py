"""Job: an asynchronous SDK operation (PHT_JOB)."""
import ctypes
import time

from . import constants as C
from ._handle import Handle, Owned, out_handle
from ._lib import get_string, get_value, lib
from .errors import PrlError, check
from .result import Result

_SLICE_MS = 200  # waits are cut into slices so Ctrl-C gets through


class Job(Handle):
    """A running or finished operation.

    wait(timeout=None) blocks until it finishes and returns its value (what the
    blocking method would have returned), raising PrlError if it failed or
    TimeoutError if `timeout` seconds passed first (the job keeps running).
    `result` is wait() with no timeout; `progress` is 0..100; cancel() asks it
    to stop (it then fails with PRL_ERR_OPERATION_WAS_CANCELED)."""

    def __init__(self, value, api, convert=None, call=''):
        super().__init__(value, api)
        self._convert = convert
        self._call = call
        self._done = False
        self._value_cache = None

    @property
    def progress(self):
        return get_value(lib().PrlJob_GetProgress, ctypes.c_uint, self.handle)

    @property
    def done(self):
        return get_value(lib().PrlJob_GetStatus, ctypes.c_uint, self.handle) == C.PJS_FINISHED

    @property
    def op_code(self):
        return get_value(lib().PrlJob_GetOpCode, ctypes.c_uint, self.handle)

    @property
    def ret_code(self):
        """The PRL_RESULT of a finished job (PRL_ERR_UNINITIALIZED while it runs, as the SDK answers)."""
        return get_value(lib().PrlJob_GetRetCode, ctypes.c_int, self.handle)

    def cancel(self):
        """Asks the job to stop; returns at once (wait() then reports the outcome)."""
        with Owned(lib().PrlJob_Cancel(self.handle)) as c:
            if not c:
                raise PrlError(C.PRL_ERR_OUT_OF_MEMORY, 'PrlJob_Cancel')
            check(lib().PrlJob_Wait(c, 60000), 'PrlJob_Cancel')
            check(get_value(lib().PrlJob_GetRetCode, ctypes.c_int, c), 'PrlJob_Cancel')

    def _wait_rc(self, timeout):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            if deadline is None:
                ms = _SLICE_MS
            else:
                ms = max(0, min(_SLICE_MS, int((deadline - time.monotonic()) * 1000)))
            # PrlJob_Wait says only whether the job finished (PRL_ERR_TIMEOUT
            # if not); the job's own code is PrlJob_GetRetCode's.
            rc = lib().PrlJob_Wait(self.handle, ms)
            if rc != C.PRL_ERR_TIMEOUT or not self._still_running():
                if rc < 0 and rc != C.PRL_ERR_TIMEOUT:
                    return rc  # a bad handle
                return get_value(lib().PrlJob_GetRetCode, ctypes.c_int, self.handle)
            if deadline is not None and time.monotonic() >= deadline:
                raise TimeoutError('%s: still running after %ss' % (self._call or 'job', timeout))

    def _still_running(self):
        return get_value(lib().PrlJob_GetStatus, ctypes.c_uint, self.handle) != C.PJS_FINISHED

    def error_text(self):
        """The job's own error text (PrlJob_GetError), or ''."""
        h = ctypes.c_void_p()
        if lib().PrlJob_GetError(self.handle, ctypes.byref(h)) < 0 or not h.value:
            return ''
        with Owned(h.value) as e:
            try:
                return get_string(lib().PrlEvent_GetErrString, e, False, False)
            except PrlError:
                return ''

    def wait(self, timeout=None):
        """Waits (timeout in seconds, None = for ever) and returns the job's value."""
        if self._done:
            return self._value_cache
        rc = self._wait_rc(timeout)
        if rc < 0:
            raise PrlError(rc, self._call, self.error_text() or None)
        raw = out_handle(lib().PrlJob_GetResult, self.handle)
        if not raw:  # an operation with nothing to give back
            value = None
        else:
            with Result(raw, self._api) as result:
                value = self._convert(result) if self._convert else None
        self._done, self._value_cache = True, value
        return value

    @property
    def result(self):
        return self.wait()


def run(job_value, api, call, convert=None, wait=True):
    """Wraps a job handle an async call returned; waits for it unless wait=False."""
    if not job_value:
        raise PrlError(C.PRL_ERR_OUT_OF_MEMORY, call)
    job = Job(job_value, api, convert, call)
    if not wait:
        return job
    with job:
        try:
            return job.wait()
        except KeyboardInterrupt:
            job.cancel()  # Ctrl-C during a blocking call stops the operation too
            raise
