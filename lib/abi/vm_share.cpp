// Shared folders: PrlVmCfg_CreateShare / GetSharesCount / GetShare and
// PrlShare_* (PHT_SHARE). Kept in config.pvs as the product's
// Settings/Tools/SharedFolders/HostSharing/SharedFolder elements (Name,
// Path, FolderDescription, ReadOnly, Enabled). A share handle names its
// folder as the SDK does: by name, and by place while the name is unchanged.
// (The original SDK answers PRL_ERR_UNIMPLEMENTED for the three PrlVmCfg_
// calls; prlshim implements them: docs/compatibility.md.)
#include "boundary.h"
#include "copy_out.h"
#include "dev_args.h"

#include "core/vm.h"

#include <mutex>
#include <optional>

using namespace prl;
using namespace prl::abi;

namespace {

constexpr const char* kSharesPath = "Settings/Tools/SharedFolders/HostSharing";
constexpr std::size_t kMaxShares = 1024;

std::vector<service::XmlTree*> folders(service::VmConfig& c) {
    service::XmlTree* host = c.extra.find(kSharesPath);
    return host ? host->all("SharedFolder") : std::vector<service::XmlTree*>{};
}

class Share : public Object {
public:
    Share(VmPtr vm, std::size_t position, std::string name)
        : Object(PHT_SHARE), vm_(std::move(vm)), position_(position), name_(std::move(name)) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_SHARE; }

    // f(folder element, its parent, the name this handle knows it by).
    template <class F>
    auto with(F&& f) {
        std::lock_guard<std::mutex> lock(mutex_);
        return vm_->edit([&](service::VmConfig& c) {
            auto list = folders(c);
            auto name_of = [&](std::size_t i) { return list[i]->text_at("Name").value_or(""); };
            std::optional<std::size_t> at;
            if (position_ < list.size() && name_of(position_) == name_) at = position_;
            for (std::size_t i = 0; !at && i < list.size(); ++i)
                if (name_of(i) == name_) at = i;
            require(at.has_value(), PRL_ERR_OBJECT_WAS_REMOVED, "the shared folder was removed");
            position_ = *at;
            return f(*list[*at], *c.extra.find(kSharesPath), name_);
        });
    }

private:
    std::mutex mutex_;
    const VmPtr vm_;
    std::size_t position_;
    std::string name_;
};

PRL_RESULT get_text(PRL_HANDLE h, const char* element, PRL_STR buf, PRL_UINT32_PTR len) {
    auto share = handle_cast<Share>(h);
    out_ptr(len);
    return copy_out(share->with([&](service::XmlTree& f, service::XmlTree&, std::string&) {
                        return f.text_at(element).value_or("");
                    }),
                    buf, len);
}

void set_text(PRL_HANDLE h, const char* element, const std::string& value) {
    auto share = handle_cast<Share>(h);
    share->with([&](service::XmlTree& f, service::XmlTree&, std::string& name) {
        f.set_text_at(element, value);
        if (std::string(element) == "Name") name = value;
    });
}

PRL_RESULT get_flag(PRL_HANDLE h, const char* element, bool fallback, PRL_BOOL_PTR out) {
    auto share = handle_cast<Share>(h);
    out_ptr(out);
    *out = share->with([&](service::XmlTree& f, service::XmlTree&, std::string&) { return bool_at(f, element, fallback); })
               ? PRL_TRUE
               : PRL_FALSE;
    return PRL_ERR_SUCCESS;
}

void set_flag(PRL_HANDLE h, const char* element, PRL_BOOL value) {
    handle_cast<Share>(h)->with(
        [&](service::XmlTree& f, service::XmlTree&, std::string&) { f.set_text_at(element, value ? "1" : "0"); });
}

}  // namespace

extern "C" {

PRL_RESULT PrlVmCfg_CreateShare(PRL_HANDLE hVmCfg, PRL_HANDLE_PTR phVmShare) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        out_ptr(phVmShare);
        const std::size_t position = vm->edit([](service::VmConfig& c) {
            if (c.extra.name.empty()) c.extra.name = "VirtuozzoVirtualMachine";
            service::XmlTree& host = c.extra.ensure(kSharesPath);
            const std::size_t n = host.all("SharedFolder").size();
            require(n < kMaxShares, PRL_ERR_INVALID_ARG, "too many shared folders");
            service::XmlTree& f = host.add_child("SharedFolder");
            f.set_text_at("Name", "");
            f.set_text_at("Path", "");
            f.set_text_at("FolderDescription", "");
            f.set_text_at("ReadOnly", "0");
            f.set_text_at("Enabled", "1");
            return n;
        });
        give(std::make_shared<Share>(vm.share(), position, ""), phVmShare);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_GetSharesCount(PRL_HANDLE hVmCfg, PRL_UINT32_PTR pnSharesCount) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        out_ptr(pnSharesCount);
        *pnSharesCount = vm->edit([](service::VmConfig& c) { return static_cast<PRL_UINT32>(folders(c).size()); });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_GetShare(PRL_HANDLE hVmCfg, PRL_UINT32 nShareIndex, PRL_HANDLE_PTR phVmShare) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        out_ptr(phVmShare);
        const std::string name = vm->edit([&](service::VmConfig& c) {
            auto list = folders(c);
            require(nShareIndex < list.size(), PRL_ERR_INVALID_ARG, "no shared folder at that position");
            return list[nShareIndex]->text_at("Name").value_or("");
        });
        give(std::make_shared<Share>(vm.share(), nShareIndex, name), phVmShare);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlShare_Remove(PRL_HANDLE hVmShare) {
    return sync([&] {
        handle_cast<Share>(hVmShare)->with([](service::XmlTree& f, service::XmlTree& host, std::string&) {
            host.children.erase(host.children.begin() + (&f - host.children.data()));
        });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlShare_GetName(PRL_HANDLE hVmShare, PRL_STR sShareName, PRL_UINT32_PTR pnShareNameBufLength) {
    return sync([&] { return get_text(hVmShare, "Name", sShareName, pnShareNameBufLength); });
}

PRL_RESULT PrlShare_SetName(PRL_HANDLE hVmShare, PRL_CONST_STR sNewShareName) {
    return sync([&] {
        handle_cast<Share>(hVmShare);
        set_text(hVmShare, "Name", line_arg(sNewShareName));
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlShare_GetPath(PRL_HANDLE hVmShare, PRL_STR sSharePath, PRL_UINT32_PTR pnSharePathBufLength) {
    return sync([&] { return get_text(hVmShare, "Path", sSharePath, pnSharePathBufLength); });
}

PRL_RESULT PrlShare_SetPath(PRL_HANDLE hVmShare, PRL_CONST_STR sNewSharePath) {
    return sync([&] {
        handle_cast<Share>(hVmShare);
        set_text(hVmShare, "Path", line_arg(sNewSharePath));
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlShare_GetDescription(PRL_HANDLE hVmShare, PRL_STR sShareDescription,
                                   PRL_UINT32_PTR pnShareDescriptionBufLength) {
    return sync([&] { return get_text(hVmShare, "FolderDescription", sShareDescription, pnShareDescriptionBufLength); });
}

PRL_RESULT PrlShare_SetDescription(PRL_HANDLE hVmShare, PRL_CONST_STR sNewShareDescription) {
    return sync([&] {
        handle_cast<Share>(hVmShare);
        set_text(hVmShare, "FolderDescription", text_arg_checked(sNewShareDescription));
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlShare_IsEnabled(PRL_HANDLE hVmShare, PRL_BOOL_PTR pbEnabled) {
    return sync([&] { return get_flag(hVmShare, "Enabled", true, pbEnabled); });
}

PRL_RESULT PrlShare_SetEnabled(PRL_HANDLE hVmShare, PRL_BOOL bEnabled) {
    return sync([&] {
        set_flag(hVmShare, "Enabled", bEnabled);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlShare_IsReadOnly(PRL_HANDLE hVmShare, PRL_BOOL_PTR pbReadOnly) {
    return sync([&] { return get_flag(hVmShare, "ReadOnly", false, pbReadOnly); });
}

PRL_RESULT PrlShare_SetReadOnly(PRL_HANDLE hVmShare, PRL_BOOL bReadOnly) {
    return sync([&] {
        set_flag(hVmShare, "ReadOnly", bReadOnly);
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"
