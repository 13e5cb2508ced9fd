// Owner -> tree (owners.h). A VM's properties live in its config.pvs tree
// (VmConfig::extra, from the root element); a device's in its own element
// (HardDisk::extra / Device::extra), addressed relative to it; the
// dispatcher's in the CommonPreferences element a DispConfig holds, and a
// dispatcher network entry's in its NetworkAdapter element there.
#include "owners.h"

#include "boundary.h"

#include "core/net_objects.h"
#include "core/disp_objects.h"
#include "core/vm.h"
#include "core/vm_device.h"

namespace prl::props {
namespace {

constexpr const char* kVmRoot = "VirtuozzoVirtualMachine";

std::optional<DeviceKind> kind_for(Owner owner) {
    switch (owner) {
    case Owner::hdd: return DeviceKind::hard_disk;
    case Owner::net: return DeviceKind::network_adapter;
    case Owner::optical: return DeviceKind::cdrom;
    case Owner::serial: return DeviceKind::serial;
    case Owner::sound: return DeviceKind::sound;
    case Owner::usb: return DeviceKind::usb;
    case Owner::parallel: return DeviceKind::parallel;
    case Owner::floppy: return DeviceKind::floppy;
    default: return std::nullopt;
    }
}

}  // namespace

void with_tree(Owner owner, PRL_HANDLE h, bool /*write*/, const TreeFn& f) {
    if (owner == Owner::vnet) {
        abi::handle_cast<VirtualNetwork>(h)->with_tree([&](service::XmlTree& t) { f(t); });
        return;
    }
    if (owner == Owner::vm) {
        auto vm = abi::handle_cast<Vm>(h);
        vm->edit([&](service::VmConfig& c) {
            if (c.extra.name.empty()) c.extra.name = kVmRoot;
            f(c.extra);
        });
        return;
    }
    if (owner == Owner::disp) {
        abi::handle_cast<DispConfig>(h)->with_tree([&](service::XmlTree& t) { f(t); });
        return;
    }
    if (owner == Owner::dispnet) {
        abi::handle_cast<DispNet>(h)->with_entry([&](service::XmlTree& e, service::XmlTree&) { f(e); });
        return;
    }
    auto dev = abi::handle_cast<VmDevice>(h);
    if (auto kind = kind_for(owner)) require(dev->kind() == *kind, PRL_ERR_INVALID_ARG, "wrong device type");
    dev->with_tree([&](service::XmlTree& t) { f(t); });
}

}  // namespace prl::props
