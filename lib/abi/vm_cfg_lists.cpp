// A VM's or container's settings that are lists or several values: the
// global network's DNS servers, search domains and offline services (string
// lists), the operations that need confirmation (an opaque list), and the
// container settings — application templates, features mask, resources and
// the configuration sample to apply.
#include "boundary.h"

#include "props/owners.h"

#include "core/lists.h"
#include "core/vm.h"

#include "service/store/vm_config.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

using namespace prl;
using namespace prl::abi;
using prl::service::XmlTree;

namespace {

constexpr std::size_t kMaxItems = 4096;

std::optional<unsigned long long> unsigned_text(const std::string& text) {
    if (text.empty() || text[0] == '-') return std::nullopt;
    char* end = nullptr;
    const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
    if (!end || *end != '\0') return std::nullopt;
    return v;
}

template <class F>
void on_tree(PRL_HANDLE h, bool write, F&& f) {
    props::with_tree(props::Owner::vm, h, write, [&](XmlTree& t) { f(t); });
}

// The texts of every <child> of the element at `parent`.
std::vector<std::string> texts(const XmlTree& t, const std::string& parent, const std::string& child) {
    std::vector<std::string> out;
    if (const XmlTree* p = t.find(parent))
        for (const XmlTree* c : p->all(child)) out.push_back(c->text);
    return out;
}

void replace_texts(XmlTree& t, const std::string& parent, const std::string& child,
                   const std::vector<std::string>& items) {
    XmlTree& p = t.ensure(parent);
    p.remove_all(child);
    for (const auto& item : items) p.add_child(child).text = item;
}

// The items of a PHT_STRINGS_LIST argument; PRL_INVALID_HANDLE is an empty
// list when `invalid_is_empty` (as the SDK takes it for the network lists).
std::vector<std::string> list_arg(PRL_HANDLE list, bool invalid_is_empty) {
    if (list == PRL_INVALID_HANDLE && invalid_is_empty) return {};
    auto items = handle_cast<StringsList>(list)->items();
    require(items.size() <= kMaxItems, PRL_ERR_INVALID_ARG, "too many items");
    for (const auto& item : items)
        require(service::is_storable_path(item), PRL_ERR_INVALID_ARG,
                "list items must be one line of UTF-8 text without control characters");
    return items;
}

PRL_RESULT get_list(PRL_HANDLE h, PRL_HANDLE_PTR out, const char* parent, const char* child) {
    handle_cast<Vm>(h);
    out_ptr(out);
    std::vector<std::string> items;
    on_tree(h, false, [&](XmlTree& t) { items = texts(t, parent, child); });
    give(std::make_shared<StringsList>(std::move(items)), out);
    return PRL_ERR_SUCCESS;
}

PRL_RESULT set_list(PRL_HANDLE h, PRL_HANDLE list, const char* parent, const char* child, bool invalid_is_empty) {
    handle_cast<Vm>(h);
    const auto items = list_arg(list, invalid_is_empty);
    on_tree(h, true, [&](XmlTree& t) { replace_texts(t, parent, child, items); });
    return PRL_ERR_SUCCESS;
}

bool is_container(PRL_HANDLE h) {
    return handle_cast<Vm>(h)->read([](const service::VmConfig& c) { return c.type == service::VmType::ct; });
}

std::uint32_t u32_at(const XmlTree& t, const char* path) {
    auto text = t.text_at(path);
    auto v = text ? unsigned_text(*text) : std::nullopt;
    return v ? static_cast<std::uint32_t>(*v) : 0;
}

}  // namespace

extern "C" {

// ---- global network lists ----

PRL_RESULT PrlVmCfg_GetDnsServers(PRL_HANDLE hVmCfg, PRL_HANDLE_PTR phDnsServersList) {
    return sync([&] { return get_list(hVmCfg, phDnsServersList, "Settings/GlobalNetwork", "DnsIPAddress"); });
}

PRL_RESULT PrlVmCfg_SetDnsServers(PRL_HANDLE hVmCfg, PRL_HANDLE hDnsServersList) {
    return sync([&] { return set_list(hVmCfg, hDnsServersList, "Settings/GlobalNetwork", "DnsIPAddress", true); });
}

PRL_RESULT PrlVmCfg_GetSearchDomains(PRL_HANDLE hVmCfg, PRL_HANDLE_PTR phSearchDomainsList) {
    return sync([&] { return get_list(hVmCfg, phSearchDomainsList, "Settings/GlobalNetwork", "SearchDomain"); });
}

PRL_RESULT PrlVmCfg_SetSearchDomains(PRL_HANDLE hVmCfg, PRL_HANDLE hSearchDomainsList) {
    return sync([&] { return set_list(hVmCfg, hSearchDomainsList, "Settings/GlobalNetwork", "SearchDomain", true); });
}

PRL_RESULT PrlVmCfg_GetOfflineServices(PRL_HANDLE hVmCfg, PRL_HANDLE_PTR phOfflineServicesList) {
    return sync([&] { return get_list(hVmCfg, phOfflineServicesList, "Settings/GlobalNetwork", "OfflineService"); });
}

PRL_RESULT PrlVmCfg_SetOfflineServices(PRL_HANDLE hVmCfg, PRL_HANDLE hOfflineServicesList) {
    return sync([&] {
        return set_list(hVmCfg, hOfflineServicesList, "Settings/GlobalNetwork", "OfflineService", true);
    });
}

// ---- operations that need confirmation ----

PRL_RESULT PrlVmCfg_GetConfirmationsList(PRL_HANDLE hVmCfg, PRL_HANDLE_PTR phConfirmList) {
    return sync([&] {
        handle_cast<Vm>(hVmCfg);
        out_ptr(phConfirmList);
        std::vector<std::string> items;
        on_tree(hVmCfg, false, [&](XmlTree& t) {
            items = texts(t, "Security/LockedOperationsList", "LockedOperation");
        });
        auto list = std::make_shared<OpTypeList>(sizeof(PRL_ALLOWED_VM_COMMAND));
        for (const auto& item : items) {
            auto v = unsigned_text(item);
            if (!v || *v > 0xFFFFFFFFull) continue;  // not a command: not listed
            const auto command = static_cast<std::uint32_t>(*v);
            list->add(&command);
        }
        give(list, phConfirmList);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_SetConfirmationsList(PRL_HANDLE hVmCfg, PRL_HANDLE hConfirmList) {
    return sync([&] {
        handle_cast<Vm>(hVmCfg);
        auto list = handle_cast<OpTypeList>(hConfirmList);
        const std::size_t size = list->type_size();
        const std::size_t count = list->size();
        require(count <= kMaxItems, PRL_ERR_INVALID_ARG, "too many items");
        std::vector<std::string> items;
        for (std::size_t i = 0; i < count; ++i) {
            unsigned char bytes[8] = {};
            list->get(i, bytes);
            std::uint64_t v = 0;
            switch (size) {  // items of any integer width, as the SDK reads them
            case 1: v = bytes[0]; break;
            case 2: { std::uint16_t x; std::memcpy(&x, bytes, 2); v = x; break; }
            case 4: { std::uint32_t x; std::memcpy(&x, bytes, 4); v = x; break; }
            case 8: { std::uint64_t x; std::memcpy(&x, bytes, 8); v = x; break; }
            default: fail(PRL_ERR_INVALID_ARG, "list items are not integers");
            }
            require(v < PAR_MAX, PRL_ERR_INVALID_ARG, "not a PRL_ALLOWED_VM_COMMAND");
            items.push_back(std::to_string(v));
        }
        on_tree(hVmCfg, true, [&](XmlTree& t) {
            replace_texts(t, "Security/LockedOperationsList", "LockedOperation", items);
        });
        return PRL_ERR_SUCCESS;
    });
}

// ---- container settings ----

PRL_RESULT PrlVmCfg_GetAppTemplateList(PRL_HANDLE hVmCfg, PRL_HANDLE_PTR phAppList) {
    return sync([&] {
        out_ptr(phAppList);
        require(is_container(hVmCfg), PRL_ERR_INVALID_ARG, "application templates are a container's");
        return get_list(hVmCfg, phAppList, "CtSettings", "AppTemplate");
    });
}

PRL_RESULT PrlVmCfg_SetAppTemplateList(PRL_HANDLE hVmCfg, PRL_HANDLE hAppList) {
    return sync([&] {
        const bool ct = is_container(hVmCfg);
        handle_cast<StringsList>(hAppList);
        require(ct, PRL_ERR_INVALID_ARG, "application templates are a container's");
        return set_list(hVmCfg, hAppList, "CtSettings", "AppTemplate", false);
    });
}

PRL_RESULT PrlVmCfg_GetFeaturesMask(PRL_HANDLE hVmCfg, PRL_UINT32_PTR pnOn, PRL_UINT32_PTR pnOff) {
    return sync([&] {
        handle_cast<Vm>(hVmCfg);
        out_ptr(pnOn);
        out_ptr(pnOff);
        on_tree(hVmCfg, false, [&](XmlTree& t) {
            *pnOn = u32_at(t, "CtSettings/FeaturesOnMask");
            *pnOff = u32_at(t, "CtSettings/FeaturesOffMask");
        });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_SetFeaturesMask(PRL_HANDLE hVmCfg, PRL_UINT32 nOn, PRL_UINT32 nOff) {
    return sync([&] {
        handle_cast<Vm>(hVmCfg);
        on_tree(hVmCfg, true, [&](XmlTree& t) {
            t.set_text_at("CtSettings/FeaturesOnMask", std::to_string(nOn));
            t.set_text_at("CtSettings/FeaturesOffMask", std::to_string(nOff));
        });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_GetResource(PRL_HANDLE hVmCfg, PRL_CT_RESOURCE nResourceId, PRL_UINT64_PTR pnBarrirer,
                                PRL_UINT64_PTR pnLimit) {
    return sync([&] {
        handle_cast<Vm>(hVmCfg);
        out_ptr(pnBarrirer);
        out_ptr(pnLimit);
        const long long id = enum_in(nResourceId);
        require(id >= 0 && id <= PCR_LAST, PRL_ERR_INVALID_ARG, "not a PRL_CT_RESOURCE");
        bool found = false;
        on_tree(hVmCfg, false, [&](XmlTree& t) {
            const XmlTree* ct = t.find("CtSettings");
            if (!ct) return;
            for (const XmlTree* r : ct->all("CtResource")) {
                auto rid = r->text_at("ResourceId");
                if (!rid || unsigned_text(*rid) != std::optional<unsigned long long>(static_cast<unsigned long long>(id)))
                    continue;
                *pnBarrirer = unsigned_text(r->text_at("Barrier").value_or("")).value_or(0);
                *pnLimit = unsigned_text(r->text_at("Limit").value_or("")).value_or(0);
                found = true;
                return;
            }
        });
        require(found, PRL_ERR_PARAM_NOT_FOUND, "the container has no such resource set");
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_SetResource(PRL_HANDLE hVmCfg, PRL_CT_RESOURCE nResourceId, PRL_UINT64 nBarrirer, PRL_UINT64 nLimit) {
    return sync([&] {
        handle_cast<Vm>(hVmCfg);
        const long long id = enum_in(nResourceId);
        require(id >= 0 && id <= PCR_LAST, PRL_ERR_INVALID_ARG, "not a PRL_CT_RESOURCE");
        on_tree(hVmCfg, true, [&](XmlTree& t) {
            XmlTree& ct = t.ensure("CtSettings");
            XmlTree* target = nullptr;
            for (XmlTree* r : ct.all("CtResource")) {
                auto rid = r->text_at("ResourceId");
                if (rid && unsigned_text(*rid) == std::optional<unsigned long long>(static_cast<unsigned long long>(id)))
                    target = r;
            }
            if (!target) target = &ct.add_child("CtResource");
            target->set_text_at("ResourceId", std::to_string(id));
            target->set_text_at("Barrier", std::to_string(nBarrirer));
            target->set_text_at("Limit", std::to_string(nLimit));
        });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_ApplyConfigSample(PRL_HANDLE hVmCfg, PRL_CONST_STR sConfigSample) {
    return sync([&] {
        handle_cast<Vm>(hVmCfg);
        require(sConfigSample != nullptr, PRL_ERR_INVALID_ARG, "null sample name");
        const std::string name = sConfigSample;
        require(service::is_storable_path(name) && name.size() <= 255, PRL_ERR_INVALID_ARG,
                "invalid configuration sample name");
        // The SDK records the sample's name; the service applies it when the
        // configuration is committed (the embedded service keeps the name).
        on_tree(hVmCfg, true, [&](XmlTree& t) { t.set_text_at("Settings/General/ConfigSampleName", name); });
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"
