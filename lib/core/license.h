// License (PHT_LICENSE): what PrlSrv_GetLicenseInfo reports. The product
// keeps a licence as a list of named event parameters (license_is_valid,
// license_status, license_key, ...); so does this object, which lets
// PrlLic_ToString / PrlLic_FromString use the event XML. prlshim needs and
// installs no licence: the service reports one that is not valid and has no
// key, as the product does on a host without a licence.
#pragma once

#include "event.h"
#include "object.h"

#include <mutex>
#include <vector>

namespace prl {

namespace license_param {
inline constexpr const char* is_valid = "license_is_valid";
inline constexpr const char* status = "license_status";
inline constexpr const char* key = "license_key";
inline constexpr const char* user = "license_user";
inline constexpr const char* company = "license_company";
}  // namespace license_param

class License : public Object {
public:
    License() noexcept : Object(PHT_LICENSE) {}
    explicit License(std::vector<EventParamPtr> params) : Object(PHT_LICENSE), params_(std::move(params)) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_LICENSE; }

    // The host's state: no licence installed.
    static std::shared_ptr<License> none() {
        return std::make_shared<License>(std::vector<EventParamPtr>{
            EventParam::boolean(license_param::is_valid, false),
            EventParam::uint32(license_param::status, static_cast<std::uint32_t>(PRL_ERR_LICENSE_NOT_VALID)),
        });
    }

    // The parameter with that name, or null (the getters then give PRL_ERR_NO_DATA).
    EventParamPtr param(const std::string& name) const {
        std::lock_guard<std::mutex> lock(mutex_);
        for (const auto& p : params_)
            if (p->name() == name) return p;
        return nullptr;
    }
    std::vector<EventParamPtr> params() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return params_;
    }
    void replace(std::vector<EventParamPtr> params) {
        std::lock_guard<std::mutex> lock(mutex_);
        params_ = std::move(params);
    }

private:
    mutable std::mutex mutex_;
    std::vector<EventParamPtr> params_;
};

}  // namespace prl
