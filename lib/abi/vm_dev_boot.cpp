// The boot order: PrlVmCfg_CreateBootDev / GetBootDevCount / GetBootDev and
// PrlBootDev_* (PHT_BOOT_DEVICE). Entries live in the VM's configuration tree
// (boot_order.h), each named by its element's id attribute, so a handle keeps
// naming its entry while others are added, sorted or removed; an entry removed
// makes its handles' calls fail with PRL_ERR_OBJECT_WAS_REMOVED.
#include "boot_order.h"

#include "boundary.h"
#include "dev_args.h"

#include "core/vm.h"

#include <algorithm>
#include <set>
#include <string>

using namespace prl;
using namespace prl::abi;

namespace {

constexpr std::size_t kMaxEntries = 1024;

class BootDevice : public Object {
public:
    BootDevice(VmPtr vm, unsigned id) : Object(PHT_BOOT_DEVICE), vm_(std::move(vm)), id_(id) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept { return t == PHT_BOOT_DEVICE; }

    // f(entry element) under the VM's lock.
    template <class F>
    auto with_entry(F&& f) const {
        return vm_->edit([&](service::VmConfig& c) {
            service::XmlTree* order = c.extra.find(kBootOrderPath);
            service::XmlTree* entry = nullptr;
            if (order)
                for (auto* e : order->all("BootDevice"))
                    if (auto* id = e->attribute("id"); id && *id == std::to_string(id_)) {
                        entry = e;
                        break;
                    }
            require(entry != nullptr, PRL_ERR_OBJECT_WAS_REMOVED, "the boot entry was removed");
            return f(*entry, *order);
        });
    }

private:
    const VmPtr vm_;
    const unsigned id_;
};

// Every entry gets a distinct numeric id (a file may come without them, or
// with duplicates); returns the ids in list order.
std::vector<unsigned> ensure_ids(service::XmlTree& order) {
    std::set<unsigned> used;
    std::vector<service::XmlTree*> missing;
    std::vector<unsigned> ids;
    auto entries = order.all("BootDevice");
    for (auto* e : entries) {
        const std::string* id = e->attribute("id");
        bool ok = false;
        if (id && !id->empty() && id->size() < 10 && id->find_first_not_of("0123456789") == std::string::npos) {
            const unsigned v = static_cast<unsigned>(std::stoul(*id));
            ok = used.insert(v).second;
        }
        if (!ok) missing.push_back(e);
    }
    unsigned next = used.empty() ? 0 : *used.rbegin() + 1;
    for (auto* e : missing) e->set_attribute("id", std::to_string(next++));
    for (auto* e : entries) ids.push_back(static_cast<unsigned>(std::stoul(*e->attribute("id"))));
    return ids;
}

unsigned next_id(service::XmlTree& order) {
    const auto ids = ensure_ids(order);
    return ids.empty() ? 0 : *std::max_element(ids.begin(), ids.end()) + 1;
}

// The boot order element of a configuration, made when missing.
service::XmlTree& order_of(service::VmConfig& c) {
    if (c.extra.name.empty()) c.extra.name = "VirtuozzoVirtualMachine";
    return c.extra.ensure(kBootOrderPath);
}

}  // namespace

namespace prl::abi {

void drop_boot_entries(service::XmlTree& root, PRL_DEVICE_TYPE type, unsigned index, bool last_adapter) {
    service::XmlTree* order = root.find(kBootOrderPath);
    if (!order) return;
    auto& kids = order->children;
    kids.erase(std::remove_if(kids.begin(), kids.end(),
                              [&](const service::XmlTree& e) {
                                  if (e.name != "BootDevice") return false;
                                  if (int_at(e, "Type", PDE_HARD_DISK) != type) return false;
                                  if (type == PDE_GENERIC_NETWORK_ADAPTER) return last_adapter;
                                  return int_at(e, "Index", 0) == static_cast<long long>(index);
                              }),
               kids.end());
}

}  // namespace prl::abi

extern "C" {

PRL_RESULT PrlVmCfg_CreateBootDev(PRL_HANDLE hVmCfg, PRL_HANDLE_PTR phVmBootDev) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        out_ptr(phVmBootDev);
        const unsigned id = vm->edit([&](service::VmConfig& c) {
            service::XmlTree& order = order_of(c);
            require(order.all("BootDevice").size() < kMaxEntries, PRL_ERR_INVALID_ARG, "too many boot entries");
            const unsigned fresh = next_id(order);
            service::XmlTree& e = order.add_child("BootDevice");
            e.set_attribute("id", std::to_string(fresh));
            e.set_text_at("Index", "0");
            e.set_text_at("Type", std::to_string(PDE_HARD_DISK));
            e.set_text_at("BootingNumber", "0");
            e.set_text_at("InUse", "0");
            return fresh;
        });
        give(std::make_shared<BootDevice>(vm.share(), id), phVmBootDev);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_GetBootDevCount(PRL_HANDLE hVmCfg, PRL_UINT32_PTR pnBootDevCount) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        out_ptr(pnBootDevCount);
        *pnBootDevCount = vm->read([](const service::VmConfig& c) {
            const service::XmlTree* order = c.extra.find(kBootOrderPath);
            return static_cast<PRL_UINT32>(order ? order->all("BootDevice").size() : 0);
        });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmCfg_GetBootDev(PRL_HANDLE hVmCfg, PRL_UINT32 nBootDevIndex, PRL_HANDLE_PTR phVmBootDev) {
    return sync([&] {
        auto vm = handle_cast<Vm>(hVmCfg);
        out_ptr(phVmBootDev);
        const unsigned id = vm->edit([&](service::VmConfig& c) {
            service::XmlTree* order = c.extra.find(kBootOrderPath);
            require(order != nullptr, PRL_ERR_INVALID_ARG, "no boot entry at that position");
            const auto ids = ensure_ids(*order);
            require(nBootDevIndex < ids.size(), PRL_ERR_INVALID_ARG, "no boot entry at that position");
            return ids[nBootDevIndex];
        });
        give(std::make_shared<BootDevice>(vm.share(), id), phVmBootDev);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlBootDev_Remove(PRL_HANDLE hVmBootDev) {
    return sync([&] {
        auto boot = handle_cast<BootDevice>(hVmBootDev);
        boot->with_entry([](service::XmlTree& e, service::XmlTree& order) {
            order.children.erase(order.children.begin() + (&e - order.children.data()));
        });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlBootDev_GetType(PRL_HANDLE hVmBootDev, PRL_DEVICE_TYPE_PTR pnDevType) {
    return sync([&] {
        auto boot = handle_cast<BootDevice>(hVmBootDev);
        out_ptr(pnDevType);
        enum_out(pnDevType, boot->with_entry([](service::XmlTree& e, service::XmlTree&) {
            return int_at(e, "Type", PDE_HARD_DISK);
        }));
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlBootDev_SetType(PRL_HANDLE hVmBootDev, PRL_DEVICE_TYPE nDevType) {
    return sync([&] {
        auto boot = handle_cast<BootDevice>(hVmBootDev);
        const long long type = enum_in(nDevType);
        require(type >= 0 && type < PDE_MAX, PRL_ERR_INVALID_ARG, "not a device type");
        boot->with_entry([&](service::XmlTree& e, service::XmlTree&) { e.set_text_at("Type", std::to_string(type)); });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlBootDev_GetIndex(PRL_HANDLE hVmBootDev, PRL_UINT32_PTR pnDevIndex) {
    return sync([&] {
        auto boot = handle_cast<BootDevice>(hVmBootDev);
        out_ptr(pnDevIndex);
        *pnDevIndex = boot->with_entry([](service::XmlTree& e, service::XmlTree&) {
            return static_cast<PRL_UINT32>(int_at(e, "Index", 0));
        });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlBootDev_SetIndex(PRL_HANDLE hVmBootDev, PRL_UINT32 nDevIndex) {
    return sync([&] {
        auto boot = handle_cast<BootDevice>(hVmBootDev);
        boot->with_entry([&](service::XmlTree& e, service::XmlTree&) { e.set_text_at("Index", std::to_string(nDevIndex)); });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlBootDev_GetSequenceIndex(PRL_HANDLE hVmBootDev, PRL_UINT32_PTR pnSequenceIndex) {
    return sync([&] {
        auto boot = handle_cast<BootDevice>(hVmBootDev);
        out_ptr(pnSequenceIndex);
        *pnSequenceIndex = boot->with_entry([](service::XmlTree& e, service::XmlTree&) {
            return static_cast<PRL_UINT32>(int_at(e, "BootingNumber", 0));
        });
        return PRL_ERR_SUCCESS;
    });
}

// As in the SDK, a new sequence number also re-sorts the list by sequence
// number (stable, so equal numbers keep their order).
PRL_RESULT PrlBootDev_SetSequenceIndex(PRL_HANDLE hVmBootDev, PRL_UINT32 nSequenceIndex) {
    return sync([&] {
        auto boot = handle_cast<BootDevice>(hVmBootDev);
        boot->with_entry([&](service::XmlTree& e, service::XmlTree& order) {
            e.set_text_at("BootingNumber", std::to_string(nSequenceIndex));
            // Only the BootDevice children move, among the slots they hold.
            std::vector<std::size_t> slots;
            std::vector<service::XmlTree> entries;
            for (std::size_t i = 0; i < order.children.size(); ++i)
                if (order.children[i].name == "BootDevice") {
                    slots.push_back(i);
                    entries.push_back(std::move(order.children[i]));
                }
            std::stable_sort(entries.begin(), entries.end(), [](const service::XmlTree& a, const service::XmlTree& b) {
                return static_cast<unsigned long long>(int_at(a, "BootingNumber", 0)) <
                       static_cast<unsigned long long>(int_at(b, "BootingNumber", 0));
            });
            for (std::size_t i = 0; i < slots.size(); ++i) order.children[slots[i]] = std::move(entries[i]);
        });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlBootDev_IsInUse(PRL_HANDLE hVmBootDev, PRL_BOOL_PTR pbInUse) {
    return sync([&] {
        auto boot = handle_cast<BootDevice>(hVmBootDev);
        out_ptr(pbInUse);
        *pbInUse = boot->with_entry([](service::XmlTree& e, service::XmlTree&) { return bool_at(e, "InUse", false); })
                       ? PRL_TRUE
                       : PRL_FALSE;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlBootDev_SetInUse(PRL_HANDLE hVmBootDev, PRL_BOOL bInUse) {
    return sync([&] {
        auto boot = handle_cast<BootDevice>(hVmBootDev);
        boot->with_entry([&](service::XmlTree& e, service::XmlTree&) { e.set_text_at("InUse", bInUse ? "1" : "0"); });
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"
