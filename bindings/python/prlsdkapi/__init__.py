"""prlsdkapi: the Virtuozzo Virtualization SDK's own Python module, over ctypes.

A drop-in for the module the original SDK ships (a CPython extension that no
longer loads on current Pythons), for the same scripts:

    import prlsdkapi
    consts = prlsdkapi.prlsdk.consts

    prlsdkapi.init_server_sdk()
    server = prlsdkapi.Server()
    server.login_local().wait()
    for vm in server.get_vm_list().wait():
        print(vm.get_name())
    server.logoff().wait()
    prlsdkapi.deinit_sdk()

The classes and their methods are generated from the definitions table
(bindings/python/gen_prlsdkapi.py); `prlsdkapi.prlsdk` is the low-level
module with one function per C function. docs/python.md describes both this
package and `prlsdk`, and what differs from the original.
"""
from . import prlsdk
from .prlsdk import consts, errors
from ._base import (PrlSDKError, SDK, call_sdk_function, conv_error, conv_handle_arg, deinit_sdk,
                    get_sdk_library_path, handle_to_object, init_desktop_sdk, init_desktop_wl_sdk,
                    init_player_sdk, init_server_sdk, init_workstation_sdk, is_sdk_initialized,
                    sdk_check_result, set_sdk_library_path)
from ._classes import *  # noqa: F401,F403  (every class)
from ._classes import _Handle, METHODS  # noqa: F401

__version__ = '0.1.0'
