// PrlApi_*: start-up, version, descriptions of codes, logging.
#include "boundary.h"
#include "copy_out.h"
#include "error_text.h"

#include "core/log.h"

#include <cstdlib>
#include <string>

using namespace prl;
using namespace prl::abi;

extern "C" {

PRL_RESULT PrlApi_Init(PRL_UINT32 version) {
    return sync_anytime([&] { return ApiState::instance().init(version, PAM_SERVER, 0); });
}

PRL_RESULT PrlApi_InitEx(PRL_UINT32 nVersion, PRL_APPLICATION_MODE nAppMode, PRL_UINT32 nFlags, PRL_UINT32) {
    return sync_anytime([&] { return ApiState::instance().init(nVersion, nAppMode, nFlags); });
}

PRL_RESULT PrlApi_Deinit(void) {
    return sync_anytime([] { return ApiState::instance().deinit(); });
}

PRL_RESULT PrlApi_GetVersion(PRL_UINT32_PTR current_version) {
    return sync([&] {
        *out_ptr(current_version) = ApiState::instance().version();
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlApi_GetAppMode(PRL_APPLICATION_MODE_PTR app_mode) {
    return sync([&] {
        *out_ptr(app_mode) = ApiState::instance().app_mode();
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlApi_GetResultDescription(PRL_RESULT nErrCode, PRL_BOOL bIsBriefMessage, PRL_BOOL,
                                       PRL_STR sErrString, PRL_UINT32_PTR pnErrStringBufLength) {
    return sync_anytime([&] {
        return copy_out(result_description(nErrCode, bIsBriefMessage != PRL_FALSE), sErrString,
                        pnErrStringBufLength);
    });
}

PRL_RESULT PrlApi_GetMessageType(PRL_RESULT nErrCode, PRL_MESSAGE_TYPE_ENUM_PTR pnMsgType) {
    return sync_anytime([&] {
        *out_ptr(pnMsgType) = message_type(nErrCode);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlApi_MsgCanBeIgnored(PRL_RESULT nErrCode, PRL_BOOL_PTR pbCanBeIgnored) {
    return sync_anytime([&] {
        *out_ptr(pbCanBeIgnored) = message_can_be_ignored(nErrCode) ? PRL_TRUE : PRL_FALSE;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlApi_SwitchConsoleLogging(PRL_BOOL bSwitchOn) {
    return sync_anytime([&] {
        log::set_console(bSwitchOn != PRL_FALSE);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlApi_SetLogPath(PRL_CONST_STR sLogPath) {
    return sync_anytime([&] {
        require(sLogPath != nullptr && *sLogPath != '\0');
        require(log::set_path(sLogPath), PRL_ERR_INVALID_ARG, "cannot open the log file");
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlBuffer_Free(PRL_VOID_PTR buffer) {
    return sync_anytime([&] {
        std::free(buffer);  // buffers the library hands out are malloc'ed
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"
