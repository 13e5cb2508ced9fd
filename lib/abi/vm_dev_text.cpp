// PrlVmDev_ToString / PrlVmDev_FromString: one device as XML, as the SDK
// serializes it — a <Hardware> element holding only that device's element
// (<Hdd>, <CdRom>, <NetworkAdapter>, ...) exactly as config.pvs has it.
// FromString takes such a <Hardware> document (its first element of the
// device's kind) or the bare device element, and replaces the device's whole
// configuration in the client's local copy (PrlVm_Commit stores it); the
// device keeps its index, which is what its handle names.
#include "boundary.h"
#include "xml_io.h"

#include "core/vm_device.h"
#include "service/store/error.h"
#include "service/store/vm_config.h"
#include "service/store/xml_tree.h"

#include <cstring>
#include <string>

using namespace prl;
using namespace prl::abi;

namespace {

constexpr std::size_t kMaxDeviceXml = 1u << 20;

std::string element_of(const VmDevice& dev) {
    return dev.kind() == DeviceKind::hard_disk ? "Hdd" : service::element_name(store_kind(dev.kind()));
}

// A copy of the configuration reduced to one device (hard disks and other
// devices alike), for rendering.
service::VmConfig only_device(const service::VmConfig& c, const VmDevice& dev) {
    service::VmConfig one = c;
    one.hard_disks.clear();
    one.devices.clear();
    if (dev.kind() == DeviceKind::hard_disk) {
        for (const auto& d : c.hard_disks)
            if (d.index == dev.index()) one.hard_disks.push_back(d);
        require(!one.hard_disks.empty(), PRL_ERR_OBJECT_WAS_REMOVED, "the device was removed");
    } else {
        const auto k = store_kind(dev.kind());
        for (const auto& d : c.devices)
            if (d.kind == k && d.index == dev.index()) one.devices.push_back(d);
        require(!one.devices.empty(), PRL_ERR_OBJECT_WAS_REMOVED, "the device was removed");
    }
    return one;
}

// The device's element as config.pvs writes it.
service::XmlTree device_element(const service::VmConfig& c, const VmDevice& dev) {
    const service::XmlTree doc = service::parse_tree(service::to_config_pvs(only_device(c, dev)), "configuration");
    const service::XmlTree* hw = doc.find("Hardware");
    const std::string name = element_of(dev);
    if (hw)
        for (const auto& child : hw->children)
            if (child.name == name) return child;
    fail(PRL_ERR_UNEXPECTED, "the device has no element");
}

}  // namespace

extern "C" {

PRL_RESULT PrlVmDev_ToString(PRL_HANDLE hVmDevice, PRL_VOID_PTR_PTR sXml) {
    return sync([&] {
        auto dev = handle_cast<VmDevice>(hVmDevice);
        out_ptr(sXml);
        const service::VmConfig config = dev->vm()->config();
        service::XmlTree hw;
        hw.name = "Hardware";
        hw.children.push_back(device_element(config, *dev));
        *sXml = malloc_copy(service::serialize_tree(hw));  // the client frees it with PrlBuffer_Free
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDev_FromString(PRL_HANDLE hVmDevice, PRL_CONST_STR sXml) {
    return sync([&] {
        auto dev = handle_cast<VmDevice>(hVmDevice);
        require(sXml != nullptr, PRL_ERR_INVALID_ARG, "null XML");
        const std::size_t n = ::strnlen(sXml, kMaxDeviceXml + 1);
        require(n <= kMaxDeviceXml, PRL_ERR_INVALID_ARG, "device XML too large");
        const std::string name = element_of(*dev);
        service::XmlTree given;
        try {
            given = service::parse_tree(std::string(sXml, n), "device");
        } catch (const service::Error&) {
            fail(PRL_ERR_INVALID_ARG, "not XML");
        }
        service::XmlTree element;
        if (given.name == "Hardware") {
            for (const auto& child : given.children)
                if (child.name == name) {
                    element = child;
                    break;
                }
            if (element.name.empty()) fail(PRL_ERR_INVALID_ARG, "no <" + name + "> element in <Hardware>");
        } else {
            if (given.name != name) fail(PRL_ERR_INVALID_ARG, "not a <" + name + "> element");
            element = std::move(given);
        }

        const unsigned index = dev->index();
        element.set_text_at("Index", std::to_string(index));
        element.set_attribute("id", std::to_string(index));
        const service::VmConfig current = dev->vm()->config();
        // Read through the configuration parser, so every field gets its own
        // checks and defaults: the device's element replaced in a copy of the
        // configuration reduced to it.
        service::XmlTree doc = service::parse_tree(service::to_config_pvs(only_device(current, *dev)), "configuration");
        service::XmlTree* hw = doc.find("Hardware");
        require(hw != nullptr, PRL_ERR_UNEXPECTED, "no hardware");
        for (auto& child : hw->children)
            if (child.name == name) child = element;
        service::VmConfig parsed;
        try {
            parsed = service::from_config_pvs(service::serialize_tree(doc));
        } catch (const service::Error&) {
            fail(PRL_ERR_INVALID_ARG, "not a valid <" + name + "> element");
        }
        if (dev->kind() == DeviceKind::hard_disk) {
            require(parsed.hard_disks.size() == 1, PRL_ERR_INVALID_ARG, "not a valid hard disk element");
            dev->with_disk([&](service::HardDisk& d, service::VmConfig&) { d = parsed.hard_disks.front(); });
        } else {
            require(parsed.devices.size() == 1, PRL_ERR_INVALID_ARG, "not a valid device element");
            dev->with_device([&](service::Device& d, service::VmConfig&) { d = parsed.devices.front(); });
        }
        return PRL_ERR_SUCCESS;
    });
}

}  // extern "C"
