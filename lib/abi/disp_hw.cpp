// The host-hardware parts of the common preferences: the CPU feature mask
// (PrlDispCfg_Get/SetCpuFeaturesMask(Ex), PrlCpuFeatures_*), the USB
// identities and their VM associations (PrlDispCfg_GetUsbIdentity*,
// PrlDispCfg_SetUsbIdentAssociation, PrlUsbIdent_*) and the CPU pool the
// host belongs to (PrlDispCfg_GetCpuPool).
#include "boundary.h"
#include "copy_out.h"

#include "core/cpu_features.h"
#include "core/disp_objects.h"

#include <cstdlib>
#include <string>

using namespace prl;
using namespace prl::abi;

namespace prl::abi {
std::string disp_line_arg(PRL_CONST_STR value);  // disp_cfg.cpp
}  // namespace prl::abi

namespace {

using service::XmlTree;

constexpr const char* kCpu = "CpuPreferences";
constexpr const char* kValid = "CpuPreferences/CpuFeaturesMaskValid";

// The CpuPreferences element of each PRL_CPU_FEATURES_EX word.
const char* mask_element(int id) {
    switch (id) {
        case PCFE_FEATURES: return "FEATURES_MASK";
        case PCFE_EXT_FEATURES: return "EXT_FEATURES_MASK";
        case PCFE_EXT_00000007_EBX: return "EXT_00000007_EBX_MASK";
        case PCFE_EXT_80000001_ECX: return "EXT_80000001_ECX_MASK";
        case PCFE_EXT_80000001_EDX: return "EXT_80000001_EDX_MASK";
        case PCFE_EXT_80000007_EDX: return "EXT_80000007_EDX_MASK";
        case PCFE_EXT_80000008_EAX: return "EXT_80000008_EAX";
        case PCFE_EXT_0000000D_EAX: return "EXT_0000000D_EAX_MASK";
        case PCFE_EXT_00000007_EDX: return "EXT_00000007_EDX_MASK";
        case PCFE_EXT_00000007_ECX: return "EXT_00000007_ECX_MASK";
        default: return nullptr;
    }
}

// A mask word; one never set masks nothing (all bits set), as the product
// treats a mask that is not valid.
PRL_UINT32 mask_word(const XmlTree& t, int id) {
    auto text = t.text_at(std::string(kCpu) + "/" + mask_element(id));
    if (!text || text->empty()) return 0xFFFFFFFFu;
    char* end = nullptr;
    const unsigned long long v = std::strtoull(text->c_str(), &end, 10);
    if (*end != '\0' || v > 0xFFFFFFFFull) return 0xFFFFFFFFu;
    return static_cast<PRL_UINT32>(v);
}

void set_masks(XmlTree& t, const PRL_UINT32 (&words)[PCFE_MAX]) {
    for (int id = 0; id < PCFE_MAX; ++id)
        t.set_text_at(std::string(kCpu) + "/" + mask_element(id), std::to_string(words[id]));
    t.set_text_at(kValid, "true");
}

XmlTree* usb_identity(XmlTree& t, const std::string& system_name) {
    XmlTree* usb = t.find("UsbPreferences");
    if (!usb) return nullptr;
    for (XmlTree* u : usb->all("UsbIdentity"))
        if (u->text_at("SystemName").value_or("") == system_name) return u;
    return nullptr;
}

template <class F>
PRL_RESULT usb_text(PRL_HANDLE h, F&& pick, PRL_STR buf, PRL_UINT32_PTR len) {
    auto ident = handle_cast<UsbIdentity>(h);
    out_ptr(len);
    const std::string text = ident->with_tree([&](XmlTree& t) { return pick(t); });
    return copy_out(text, buf, len);
}

}  // namespace

extern "C" {

PRL_RESULT PrlDispCfg_GetCpuFeaturesMask(PRL_HANDLE hDispConfig, PRL_CPU_FEATURES_MASK_PTR pMasks) {
    return sync([&] {
        auto cfg = handle_cast<DispConfig>(hDispConfig);
        auto* m = out_ptr(pMasks);
        cfg->with_tree([&](XmlTree& t) {
            m->nFEATURES_MASK = mask_word(t, PCFE_FEATURES);
            m->nEXT_FEATURES_MASK = mask_word(t, PCFE_EXT_FEATURES);
            m->nEXT_00000007_EBX_MASK = mask_word(t, PCFE_EXT_00000007_EBX);
            m->nEXT_00000007_ECX_MASK = mask_word(t, PCFE_EXT_00000007_ECX);
            m->nEXT_00000007_EDX_MASK = mask_word(t, PCFE_EXT_00000007_EDX);
            m->nEXT_80000001_ECX_MASK = mask_word(t, PCFE_EXT_80000001_ECX);
            m->nEXT_80000001_EDX_MASK = mask_word(t, PCFE_EXT_80000001_EDX);
            m->nEXT_80000007_EDX_MASK = mask_word(t, PCFE_EXT_80000007_EDX);
            m->nEXT_80000008_EAX = mask_word(t, PCFE_EXT_80000008_EAX);
            m->nEXT_0000000D_EAX_MASK = mask_word(t, PCFE_EXT_0000000D_EAX);
            m->bIsValid = t.text_at(kValid).value_or("false") == "true" ? 1 : 0;
        });
        return PRL_ERR_SUCCESS;
    });
}

// A mask marked not valid masks nothing: every word but EXT_0000000D_EAX
// becomes all ones (as in the product); the stored mask is valid afterwards.
PRL_RESULT PrlDispCfg_SetCpuFeaturesMask(PRL_HANDLE hDispConfig, PRL_CONST_CPU_FEATURES_MASK_PTR pMasks) {
    return sync([&] {
        auto cfg = handle_cast<DispConfig>(hDispConfig);
        require(pMasks != nullptr);
        PRL_CPU_FEATURES_MASK m = *pMasks;
        const PRL_UINT32 all = 0xFFFFFFFFu;
        PRL_UINT32 words[PCFE_MAX];
        words[PCFE_FEATURES] = m.bIsValid ? m.nFEATURES_MASK : all;
        words[PCFE_EXT_FEATURES] = m.bIsValid ? m.nEXT_FEATURES_MASK : all;
        words[PCFE_EXT_00000007_EBX] = m.bIsValid ? m.nEXT_00000007_EBX_MASK : all;
        words[PCFE_EXT_00000007_ECX] = m.bIsValid ? m.nEXT_00000007_ECX_MASK : all;
        words[PCFE_EXT_00000007_EDX] = m.bIsValid ? m.nEXT_00000007_EDX_MASK : all;
        words[PCFE_EXT_80000001_ECX] = m.bIsValid ? m.nEXT_80000001_ECX_MASK : all;
        words[PCFE_EXT_80000001_EDX] = m.bIsValid ? m.nEXT_80000001_EDX_MASK : all;
        words[PCFE_EXT_80000007_EDX] = m.bIsValid ? m.nEXT_80000007_EDX_MASK : all;
        words[PCFE_EXT_80000008_EAX] = m.bIsValid ? m.nEXT_80000008_EAX : all;
        words[PCFE_EXT_0000000D_EAX] = m.nEXT_0000000D_EAX_MASK;
        cfg->with_tree([&](XmlTree& t) { set_masks(t, words); });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlDispCfg_GetCpuFeaturesMaskEx(PRL_HANDLE hDispConfig, PRL_HANDLE_PTR phCpuFeatures) {
    return sync([&] {
        auto cfg = handle_cast<DispConfig>(hDispConfig);
        out_ptr(phCpuFeatures);
        auto features = std::make_shared<CpuFeatures>();
        cfg->with_tree([&](XmlTree& t) {
            for (int id = 0; id < PCFE_MAX; ++id) features->set(id, mask_word(t, id));
        });
        give(features, phCpuFeatures);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlDispCfg_SetCpuFeaturesMaskEx(PRL_HANDLE hDispConfig, PRL_HANDLE hCpuFeatures) {
    return sync([&] {
        auto cfg = handle_cast<DispConfig>(hDispConfig);
        auto features = handle_cast<CpuFeatures>(hCpuFeatures);
        PRL_UINT32 words[PCFE_MAX];
        for (int id = 0; id < PCFE_MAX; ++id) words[id] = features->get(id);
        cfg->with_tree([&](XmlTree& t) { set_masks(t, words); });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlCpuFeatures_Create(PRL_HANDLE_PTR phCpuFeatures) {
    return sync([&] {
        give(std::make_shared<CpuFeatures>(), out_ptr(phCpuFeatures));
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlCpuFeatures_GetValue(PRL_HANDLE hCpuFeatures, PRL_CPU_FEATURES_EX nId, PRL_UINT32_PTR pnValue) {
    return sync([&] {
        auto features = handle_cast<CpuFeatures>(hCpuFeatures);
        *out_ptr(pnValue) = features->get(enum_in(nId));
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlCpuFeatures_SetValue(PRL_HANDLE hCpuFeatures, PRL_CPU_FEATURES_EX nId, PRL_UINT32 nValue) {
    return sync([&] {
        handle_cast<CpuFeatures>(hCpuFeatures)->set(enum_in(nId), nValue);
        return PRL_ERR_SUCCESS;
    });
}

// The host is in no CPU pool unless the configuration names one (prlshim
// never joins one): then the handle is PRL_INVALID_HANDLE, as in the product.
PRL_RESULT PrlDispCfg_GetCpuPool(PRL_HANDLE hDispConfig, PRL_HANDLE_PTR phCpuPool) {
    return sync([&] {
        auto cfg = handle_cast<DispConfig>(hDispConfig);
        out_ptr(phCpuPool);
        const bool in_pool =
            cfg->with_tree([](XmlTree& t) { return !t.text_at("CpuPoolInfo/Name").value_or("").empty(); });
        if (in_pool) fail(PRL_ERR_UNIMPLEMENTED, "CPU pools are not supported");
        *phCpuPool = PRL_INVALID_HANDLE;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlDispCfg_GetUsbIdentityCount(PRL_HANDLE hDispCfg, PRL_UINT32_PTR pnUsbIdentityCount) {
    return sync([&] {
        auto cfg = handle_cast<DispConfig>(hDispCfg);
        auto* out = out_ptr(pnUsbIdentityCount);
        *out = cfg->with_tree([](XmlTree& t) {
            const XmlTree* usb = t.find("UsbPreferences");
            return static_cast<PRL_UINT32>(usb ? usb->all("UsbIdentity").size() : 0);
        });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlDispCfg_GetUsbIdentity(PRL_HANDLE hDispCfg, PRL_UINT32 nUsbIdentIndex, PRL_HANDLE_PTR phUsbIdent) {
    return sync([&] {
        auto cfg = handle_cast<DispConfig>(hDispCfg);
        out_ptr(phUsbIdent);
        XmlTree ident = cfg->with_tree([&](XmlTree& t) {
            const XmlTree* usb = t.find("UsbPreferences");
            auto all = usb ? usb->all("UsbIdentity") : std::vector<const XmlTree*>{};
            require(nUsbIdentIndex < all.size(), PRL_ERR_INVALID_ARG, "no USB identity at that index");
            return *all[nUsbIdentIndex];
        });
        give(std::make_shared<UsbIdentity>(std::move(ident)), phUsbIdent);
        return PRL_ERR_SUCCESS;
    });
}

// Associates the device with a VM (automatic connection to that guest), or
// clears the association when sVmUuid is empty or null.
PRL_RESULT PrlDispCfg_SetUsbIdentAssociation(PRL_HANDLE hDispCfg, PRL_CONST_STR sSystemName, PRL_CONST_STR sVmUuid,
                                             PRL_UINT32) {
    return sync([&] {
        auto cfg = handle_cast<DispConfig>(hDispCfg);
        const std::string name = disp_line_arg(sSystemName);
        const std::string vm = sVmUuid ? disp_line_arg(sVmUuid) : std::string();
        cfg->with_tree([&](XmlTree& t) {
            XmlTree* ident = usb_identity(t, name);
            require(ident != nullptr, PRL_ERR_INVALID_ARG, "no USB device with that system name");
            auto assoc = ident->all("Association");
            if (!vm.empty()) {
                XmlTree& a = assoc.empty() ? ident->add_child("Association") : *assoc.front();
                a.set_text_at("VmUuid", vm);
                a.set_text_at("Action", std::to_string(PUD_CONNECT_TO_GUEST_OS));
            } else if (!assoc.empty()) {
                // The last association goes.
                auto& kids = ident->children;
                for (auto it = kids.end(); it != kids.begin();) {
                    --it;
                    if (it->name == "Association") {
                        kids.erase(it);
                        break;
                    }
                }
            }
        });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlUsbIdent_GetSystemName(PRL_HANDLE hUsbIdent, PRL_STR sSystemName, PRL_UINT32_PTR pnSystemNameBufLength) {
    return sync([&] {
        return usb_text(hUsbIdent, [](XmlTree& t) { return t.text_at("SystemName").value_or(""); }, sSystemName,
                        pnSystemNameBufLength);
    });
}

PRL_RESULT PrlUsbIdent_GetFriendlyName(PRL_HANDLE hUsbIdent, PRL_STR sFriendlyName,
                                       PRL_UINT32_PTR pnFriendlyNameBufLength) {
    return sync([&] {
        return usb_text(hUsbIdent, [](XmlTree& t) { return t.text_at("FriendlyName").value_or(""); }, sFriendlyName,
                        pnFriendlyNameBufLength);
    });
}

PRL_RESULT PrlUsbIdent_GetVmUuidAssociation(PRL_HANDLE hUsbIdent, PRL_STR sVmUuid, PRL_UINT32_PTR pnVmUuidBufLength) {
    return sync([&] {
        // The first association, when it connects the device to a guest.
        auto pick = [](XmlTree& t) {
            const XmlTree* a = t.find("Association");
            if (!a || a->text_at("Action").value_or("") != std::to_string(PUD_CONNECT_TO_GUEST_OS)) return std::string();
            return a->text_at("VmUuid").value_or("");
        };
        return usb_text(hUsbIdent, pick, sVmUuid, pnVmUuidBufLength);
    });
}

}  // extern "C"
