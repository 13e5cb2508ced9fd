// VmDevice (PHT_VIRTUAL_DEV_*): one device of a VM's configuration. It names
// the device by kind and index inside its Vm object and reads or edits the
// Vm's local configuration under the Vm's lock; a device removed from the
// configuration makes its handle's calls fail with PRL_ERR_OBJECT_WAS_REMOVED
// (as the SDK's do).
#pragma once

#include "error.h"
#include "vm.h"

#include <algorithm>
#include <atomic>
#include <vector>

namespace prl {

enum class DeviceKind { hard_disk, floppy, cdrom, serial, parallel, network_adapter, sound, usb };

// The SDK's device type and handle type for each kind, and back.
PRL_DEVICE_TYPE device_type(DeviceKind kind) noexcept;
PRL_HANDLE_TYPE device_handle_type(DeviceKind kind) noexcept;
bool device_kind_of(PRL_DEVICE_TYPE type, DeviceKind* kind) noexcept;
service::DeviceKind store_kind(DeviceKind kind) noexcept;  // not for hard_disk

// Every kind, in the order the SDK lists a VM's devices (PrlVmCfg_GetAllDevices).
extern const DeviceKind kSdkDeviceOrder[8];

// The indexes of a configuration's devices of one kind, in list order.
std::vector<unsigned> device_indexes(const service::VmConfig& c, DeviceKind kind);
// The lowest index no device of that kind uses (the SDK's default index).
unsigned first_free_index(const service::VmConfig& c, DeviceKind kind);

// Mass-storage stack positions: the number of slots of an interface type
// (0 for types that have none) and the lowest free slot for a device, other
// hard disks and CD-ROMs on the same bus counting as taken (IDE and SATA
// share a numbering, as do SCSI and USB). PRL_ERR_NO_MORE_FREE_INTERFACE_SLOTS
// when every slot is taken.
unsigned stack_slots(int interface_type) noexcept;
unsigned first_free_stack_index(const service::VmConfig& c, int interface_type, const void* self);

class VmDevice : public Object {
public:
    VmDevice(VmPtr vm, DeviceKind kind, unsigned index)
        : Object(device_handle_type(kind)), vm_(std::move(vm)), kind_(kind), index_(index) {}
    static bool accepts(PRL_HANDLE_TYPE t) noexcept;

    const VmPtr& vm() const noexcept { return vm_; }
    DeviceKind kind() const noexcept { return kind_; }

    // f(service::HardDisk&) for a hard disk, f(service::Device&) otherwise.
    template <class F>
    auto with_disk(F&& f) const {
        return vm_->edit([&](service::VmConfig& c) {
            require(kind_ == DeviceKind::hard_disk, PRL_ERR_INVALID_ARG, "not a hard disk");
            auto it = std::find_if(c.hard_disks.begin(), c.hard_disks.end(),
                                   [&](const service::HardDisk& d) { return d.index == index(); });
            require(it != c.hard_disks.end(), PRL_ERR_OBJECT_WAS_REMOVED, "the device was removed");
            return f(*it, c);
        });
    }
    template <class F>
    auto with_device(F&& f) const {
        return vm_->edit([&](service::VmConfig& c) {
            require(kind_ != DeviceKind::hard_disk, PRL_ERR_INVALID_ARG, "a hard disk");
            const auto k = store_kind(kind_);
            auto it = std::find_if(c.devices.begin(), c.devices.end(),
                                   [&](const service::Device& d) { return d.kind == k && d.index == index(); });
            require(it != c.devices.end(), PRL_ERR_OBJECT_WAS_REMOVED, "the device was removed");
            return f(*it, c);
        });
    }

    // f(service::XmlTree&) on the device's own element, whatever its kind.
    template <class F>
    void with_tree(F&& f) const {
        if (kind_ == DeviceKind::hard_disk)
            with_disk([&](service::HardDisk& d, service::VmConfig&) { tree_of(d.extra, "Hdd", d.index); f(d.extra); });
        else
            with_device([&](service::Device& d, service::VmConfig&) {
                tree_of(d.extra, service::element_name(d.kind), d.index);
                f(d.extra);
            });
    }

    unsigned index() const noexcept { return index_.load(std::memory_order_relaxed); }
    void set_index(unsigned index) noexcept { index_.store(index, std::memory_order_relaxed); }

private:
    static void tree_of(service::XmlTree& t, const char* element, unsigned index) {
        if (t.name.empty()) {
            t.name = element;
            t.set_attribute("id", std::to_string(index));
        }
    }

    const VmPtr vm_;
    const DeviceKind kind_;
    std::atomic<unsigned> index_;
};

}  // namespace prl
