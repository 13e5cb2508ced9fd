"""Result: the PHT_RESULT of a finished job."""
import ctypes

from ._handle import Handle, out_handle
from ._lib import get_string, get_value, lib


class Result(Handle):
    """The parameters a job produced: handles (owned raw values) or strings."""

    def __len__(self):
        return get_value(lib().PrlResult_GetParamsCount, ctypes.c_uint, self.handle)

    def param(self, index=0):
        """A new reference to parameter `index` (raw handle, caller frees)."""
        return out_handle(lib().PrlResult_GetParamByIndex, self.handle, index)

    def string(self, index=None):
        if index is None:
            return get_string(lib().PrlResult_GetParamAsString, self.handle)
        return get_string(lib().PrlResult_GetParamByIndexAsString, self.handle, index)
