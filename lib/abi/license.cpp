// PrlSrv_GetLicenseInfo, PrlSrv_UpdateLicense(Ex) and PrlLic_*. prlshim
// needs no licence and has no licensing service: the host reports a licence
// that is not valid and has no key (what the product reports when none is
// installed), and a key is refused rather than pretended to be installed.
#include "getters.h"
#include "object_text.h"
#include "xml_io.h"

#include "core/event_xml.h"
#include "core/license.h"
#include "core/server.h"

using namespace prl;
using namespace prl::abi;

namespace {

// A licence parameter's text through the buffer rule; PRL_ERR_NO_DATA when the licence has none.
PRL_RESULT param_text(PRL_HANDLE hLicense, const char* name, PRL_STR buf, PRL_UINT32_PTR len) {
    return sync([&] {
        auto lic = handle_cast<License>(hLicense);
        out_ptr(len);
        const EventParamPtr p = lic->param(name);
        if (!p) return PRL_ERR_NO_DATA;
        return copy_out(p->text(), buf, len);
    });
}

std::uint32_t as_u32(const std::string& text) {
    try {
        return static_cast<std::uint32_t>(std::stoul(text));
    } catch (...) {
        return 0;
    }
}

}  // namespace

extern "C" {

PRL_HANDLE PrlSrv_GetLicenseInfo(PRL_HANDLE hServer) {
    return async(PJOC_SRV_GET_LICENSE_INFO, [&] {
        auto self = handle_cast<Server>(hServer).share();
        return give_job(self->start_job(PJOC_SRV_GET_LICENSE_INFO, [self](Job&) {
            self->service();
            return std::make_shared<Result>(std::vector<Result::Param>{License::none()});
        }));
    });
}

PRL_HANDLE PrlSrv_UpdateLicenseEx(PRL_HANDLE hServer, PRL_CONST_STR sKey, PRL_CONST_STR sUser, PRL_CONST_STR sCompany,
                                  PRL_UINT32) {
    return async(PJOC_SRV_UPDATE_LICENSE, [&] {
        auto self = handle_cast<Server>(hServer).share();
        require(sKey && sUser && sCompany, PRL_ERR_INVALID_ARG, "null licence key, user or company");
        return give_job(self->start_job(PJOC_SRV_UPDATE_LICENSE, [self](Job&) -> ResultPtr {
            self->service();
            // Whatever the flags ask (install, check, activate, deactivate): there
            // is no licensing here to do it with, and no key is ever stored.
            fail(PRL_ERR_OPERATION_FAILED, "prlshim needs no licence and cannot install one");
        }));
    });
}

PRL_HANDLE PrlSrv_UpdateLicense(PRL_HANDLE hServer, PRL_CONST_STR sKey, PRL_CONST_STR sUser, PRL_CONST_STR sCompany) {
    return PrlSrv_UpdateLicenseEx(hServer, sKey, sUser, sCompany, 0);
}

PRL_RESULT PrlLic_Create(PRL_HANDLE_PTR phLic) {
    return sync([&] {
        give(std::make_shared<License>(), out_ptr(phLic));
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlLic_IsValid(PRL_HANDLE hLicense, PRL_BOOL_PTR pbValue) {
    return sync([&] {
        auto lic = handle_cast<License>(hLicense);
        out_ptr(pbValue);
        const EventParamPtr p = lic->param(license_param::is_valid);
        if (!p) return PRL_ERR_NO_DATA;
        *pbValue = as_u32(p->text()) ? PRL_TRUE : PRL_FALSE;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlLic_GetStatus(PRL_HANDLE hLicense, PRL_RESULT_PTR pnValue) {
    return sync([&] {
        auto lic = handle_cast<License>(hLicense);
        out_ptr(pnValue);
        const EventParamPtr p = lic->param(license_param::status);
        if (!p) return PRL_ERR_NO_DATA;
        *pnValue = static_cast<PRL_RESULT>(as_u32(p->text()));  // kept unsigned, as the product writes it
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlLic_GetLicenseKey(PRL_HANDLE hLicense, PRL_STR sLicenseKey, PRL_UINT32_PTR pnLicenseKeyBufLength) {
    return param_text(hLicense, license_param::key, sLicenseKey, pnLicenseKeyBufLength);
}

PRL_RESULT PrlLic_GetUserName(PRL_HANDLE hLicense, PRL_STR sUserName, PRL_UINT32_PTR pnUserNameBufLength) {
    return param_text(hLicense, license_param::user, sUserName, pnUserNameBufLength);
}

PRL_RESULT PrlLic_GetCompanyName(PRL_HANDLE hLicense, PRL_STR sCompanyName, PRL_UINT32_PTR pnCompanyNameBufLength) {
    return param_text(hLicense, license_param::company, sCompanyName, pnCompanyNameBufLength);
}

// The licence's XML is the product's: an event whose parameters are the licence's fields.
PRL_RESULT PrlLic_ToString(PRL_HANDLE hLicense, PRL_VOID_PTR_PTR pLicStr) {
    return sync([&] {
        auto lic = handle_cast<License>(hLicense);
        out_ptr(pLicStr);
        *pLicStr = malloc_copy(license_xml(*lic));
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlLic_FromString(PRL_HANDLE hLicense, PRL_CONST_STR sLic) {
    return sync([&] {
        auto lic = handle_cast<License>(hLicense);
        out_ptr(sLic);
        lic->replace(xml::event_from_xml(sLic).params);
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"
