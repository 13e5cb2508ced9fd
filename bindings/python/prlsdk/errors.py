"""PrlError: a failed PRL_RESULT as a Python exception."""
import ctypes

from . import constants as C

_RESULT_NAMES = C.GROUPS['PRL_RESULT']


def result_name(code):
    """The constant name of a PRL_RESULT, e.g. 'PRL_ERR_VM_UUID_NOT_FOUND' (or the number as text)."""
    return _RESULT_NAMES.get(code, str(code))


def describe(code, brief=True):
    """PrlApi_GetResultDescription for a code; '' if the library cannot say."""
    from ._lib import lib
    fn = lib().PrlApi_GetResultDescription
    size = ctypes.c_uint(0)
    if fn(code, bool(brief), False, None, ctypes.byref(size)) < 0 or size.value == 0:
        return ''
    buf = ctypes.create_string_buffer(size.value)
    if fn(code, bool(brief), False, buf, ctypes.byref(size)) < 0:
        return ''
    return buf.value.decode('utf-8', errors='replace')


class PrlError(Exception):
    """An SDK call failed.

    code        the PRL_RESULT (compare with prlsdk.constants, e.g. PRL_ERR_VM_UUID_NOT_FOUND)
    name        its constant name
    description PrlApi_GetResultDescription's text for the code
    details     the failed job's own error text (PrlJob_GetError), or ''
    call        the C function that failed
    """

    def __init__(self, code, call='', details=None):
        self.code = int(code)
        self.name = result_name(self.code)
        self.call = call
        self.description = describe(self.code)
        self.details = details or ''
        text = self.description or self.name
        if self.details and self.details != self.description:
            text = '%s (%s)' % (text.rstrip('.'), self.details)
        where = '%s: ' % call if call else ''
        super().__init__('%s%s [%s, 0x%08X]' % (where, text, self.name, self.code & 0xFFFFFFFF))


def check(rc, call=''):
    """Raises PrlError if rc is a failure code; returns rc otherwise."""
    if rc < 0:
        raise PrlError(rc, call)
    return rc
