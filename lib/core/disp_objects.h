// The dispatcher configuration as the client holds it:
//   DispConfig  (PHT_DISP_CONFIG)   a copy of the common preferences
//   UserProfile (PHT_USER_PROFILE)  a copy of the current user's record
//   UserInfo    (PHT_USER_INFO)     one user as PrlSrv_GetUserInfoList lists it
//   DispNet     (PHT_DISP_NET_ADAPTER) one network entry of a DispConfig
// The first two are edited locally (table-driven setters write into their
// tree) and written back by PrlSrv_CommonPrefsCommit / UserProfileCommit,
// which refuse a copy whose section changed since it was read (the revision).
#pragma once

#include "error.h"
#include "object.h"

#include "service/store/disp_config.h"
#include "service/store/xml_tree.h"

#include <cstdint>
#include <memory>
#include <string>
#include <mutex>
#include <utility>
#include <vector>

namespace prl {

class TreeObject : public Object {
public:
    TreeObject(PRL_HANDLE_TYPE type, service::DispSection section) : Object(type), section_(std::move(section)) {}

    // Runs f on the tree under the object's lock.
    template <class F>
    auto with_tree(F&& f) {
        std::lock_guard<std::mutex> lock(mutex_);
        return f(section_.tree);
    }
    service::DispSection section() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return section_;
    }
    void load(service::DispSection section) {
        std::lock_guard<std::mutex> lock(mutex_);
        section_ = std::move(section);
    }

private:
    mutable std::mutex mutex_;
    service::DispSection section_;
};

class DispConfig : public TreeObject {
public:
    explicit DispConfig(service::DispSection s) : TreeObject(PHT_DISP_CONFIG, std::move(s)) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_DISP_CONFIG; }
};

// The NetworkAdapter entries of common preferences (NetworkPreferences),
// in document order.
inline std::vector<service::XmlTree*> disp_net_entries(service::XmlTree& prefs) {
    service::XmlTree* net = prefs.find("NetworkPreferences");
    return net ? net->all("NetworkAdapter") : std::vector<service::XmlTree*>{};
}

// One NetworkAdapter entry of a DispConfig's NetworkPreferences
// (PHT_DISP_NET_ADAPTER, PrlDispCfg_CreateDispNet / GetDispNet). It names
// the entry by its Uuid inside the DispConfig object and reads or edits it
// there, under that object's lock: what is set through it is committed with
// the preferences (PrlSrv_CommonPrefsCommit). An entry no longer there
// (PrlDispNet_Remove, or the preferences reloaded without it) gives
// PRL_ERR_OBJECT_WAS_REMOVED, as the SDK's handle does.
class DispNet : public Object {
public:
    DispNet(std::shared_ptr<DispConfig> cfg, std::string uuid)
        : Object(PHT_DISP_NET_ADAPTER), cfg_(std::move(cfg)), uuid_(std::move(uuid)) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_DISP_NET_ADAPTER; }

    const std::string& uuid() const noexcept { return uuid_; }

    // f(entry, prefs): the entry's element and the whole CommonPreferences
    // tree it lives in.
    template <class F>
    auto with_entry(F&& f) const {
        return cfg_->with_tree([&](service::XmlTree& prefs) {
            service::XmlTree* entry = nullptr;
            for (service::XmlTree* e : disp_net_entries(prefs))
                if (e->text_at("Uuid") == uuid_) { entry = e; break; }
            require(entry != nullptr, PRL_ERR_OBJECT_WAS_REMOVED, "the network entry was removed");
            return f(*entry, prefs);
        });
    }

private:
    std::shared_ptr<DispConfig> cfg_;
    const std::string uuid_;
};

// The tree is the user's VirtuozzoUser element as the product sends it:
// UserVmDirectory holds the path of the user's VM directory, UserHomeFolder
// the OS home, AccessPreferences/LocalAdministrator whether the user is root.
class UserProfile : public TreeObject {
public:
    explicit UserProfile(service::DispSection s) : TreeObject(PHT_USER_PROFILE, std::move(s)) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_USER_PROFILE; }
};

// A UserInfo element (UserInformation.xsd): Uuid, Name, SessionCount,
// DefaultVmFolder, ChangeServerSettings, SessionInfoList.
class UserInfo : public TreeObject {
public:
    explicit UserInfo(service::XmlTree info) : TreeObject(PHT_USER_INFO, service::DispSection{std::move(info), 0}) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_USER_INFO; }
};

// One UsbIdentity element of the common preferences (PrlDispCfg_GetUsbIdentity):
// SystemName, FriendlyName, Association/VmUuid.
class UsbIdentity : public TreeObject {
public:
    explicit UsbIdentity(service::XmlTree t) : TreeObject(PHT_USB_IDENTITY, service::DispSection{std::move(t), 0}) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_USB_IDENTITY; }
};

}  // namespace prl
