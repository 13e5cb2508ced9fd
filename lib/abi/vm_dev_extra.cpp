// PrlVmDev_* that are more than one element: the mass-storage-only values
// (passthrough, SCSI subtype), the output file (the device's friendly name,
// as in the SDK), a sound device's output and mixer, a device made on its
// own (PrlVmDev_Create) and a disk image made on request (PrlVmDev_CreateImage).
#include "boundary.h"
#include "copy_out.h"
#include "dev_args.h"
#include "mac_address.h"

#include "core/server.h"
#include "core/vm_ops.h"
#include "core/vm.h"
#include "core/vm_device.h"

#include "service/store/bundle_paths.h"
#include "service/store/error.h"
#include "service/store/file_ops.h"

#include <sys/stat.h>
#include <unistd.h>

using namespace prl;
using namespace prl::abi;

namespace {

constexpr const char* kSoundDefault = "Default";  // PRL_SOUND_DEFAULT_DEVICE_NAME

// f(element tree) of a hard disk or CD-ROM (PRL_ERR_INVALID_ARG otherwise).
template <class F>
auto with_storage(PRL_HANDLE h, F&& f) {
    auto dev = handle_cast<VmDevice>(h);
    require(dev->kind() == DeviceKind::hard_disk || dev->kind() == DeviceKind::cdrom, PRL_ERR_INVALID_ARG,
            "not a mass-storage device");
    using R = decltype(f(std::declval<service::XmlTree&>()));
    if constexpr (std::is_void_v<R>) {
        dev->with_tree([&](service::XmlTree& t) { f(t); });
    } else {
        R out{};
        dev->with_tree([&](service::XmlTree& t) { out = f(t); });
        return out;
    }
}

// A sound device's output (or mixer) is the friendly name of its first
// SoundOutputs (SoundInputs) device when it has one, else its Output (Mixer)
// element, as the SDK reads it.
std::string* sound_slot(service::XmlTree& t, const char* list, const char* element, bool make) {
    if (service::XmlTree* l = t.find(list)) {
        auto devs = l->all("Sound");
        if (!devs.empty()) {
            if (!devs.front()->find("UserFriendlyName") && !make) return nullptr;
            return &devs.front()->ensure("UserFriendlyName").text;
        }
    }
    if (!t.find(element) && !make) return nullptr;
    return &t.ensure(element).text;
}

PRL_RESULT get_sound(PRL_HANDLE h, const char* list, const char* element, PRL_STR buf, PRL_UINT32_PTR len) {
    auto dev = handle_cast<VmDevice>(h);
    require(dev->kind() == DeviceKind::sound, PRL_ERR_INVALID_ARG, "not a sound device");
    out_ptr(len);
    std::string value = kSoundDefault;
    dev->with_tree([&](service::XmlTree& t) {
        if (std::string* s = sound_slot(t, list, element, false)) value = *s;
    });
    return copy_out(value, buf, len);
}

void set_sound(PRL_HANDLE h, const char* list, const char* element, PRL_CONST_STR value) {
    auto dev = handle_cast<VmDevice>(h);
    require(dev->kind() == DeviceKind::sound, PRL_ERR_INVALID_ARG, "not a sound device");
    const std::string text = line_arg(value);
    dev->with_tree([&](service::XmlTree& t) { *sound_slot(t, list, element, true) = text; });
}

}  // namespace

extern "C" {

PRL_RESULT PrlVmDev_IsPassthrough(PRL_HANDLE hVmDev, PRL_BOOL_PTR pbPassthrough) {
    return sync([&] {
        handle_cast<VmDevice>(hVmDev);
        out_ptr(pbPassthrough);
        *pbPassthrough = with_storage(hVmDev, [](service::XmlTree& t) { return int_at(t, "Passthrough", 0) != 0; })
                             ? PRL_TRUE
                             : PRL_FALSE;
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDev_SetPassthrough(PRL_HANDLE hVmDev, PRL_BOOL bPassthrough) {
    return sync([&] {
        with_storage(hVmDev, [&](service::XmlTree& t) { t.set_text_at("Passthrough", bPassthrough ? "1" : "0"); });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDev_GetSubType(PRL_HANDLE hVmDev, PRL_CLUSTERED_DEVICE_SUBTYPE_PTR pnSubType) {
    return sync([&] {
        handle_cast<VmDevice>(hVmDev);
        out_ptr(pnSubType);
        enum_out(pnSubType, with_storage(hVmDev, [](service::XmlTree& t) { return int_at(t, "SubType", PCD_BUSLOGIC); }));
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDev_SetSubType(PRL_HANDLE hVmDev, PRL_CLUSTERED_DEVICE_SUBTYPE nSubType) {
    return sync([&] {
        handle_cast<VmDevice>(hVmDev);
        const long long type = enum_in(nSubType);
        require((type >= PCD_BUSLOGIC && type <= PCD_HYPER_V_SCSI) || type == PCD_UNKNOWN_DEVICE, PRL_ERR_INVALID_ARG,
                "unknown device subtype");
        with_storage(hVmDev, [&](service::XmlTree& t) { t.set_text_at("SubType", std::to_string(type)); });
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDev_GetOutputFile(PRL_HANDLE hVmDev, PRL_STR sOutputFile, PRL_UINT32_PTR pnOutputFileBufLength) {
    return PrlVmDev_GetFriendlyName(hVmDev, sOutputFile, pnOutputFileBufLength);
}

PRL_RESULT PrlVmDev_SetOutputFile(PRL_HANDLE hVmDev, PRL_CONST_STR sNewOutputFile) {
    return PrlVmDev_SetFriendlyName(hVmDev, sNewOutputFile);
}

PRL_RESULT PrlVmDevSound_GetOutputDev(PRL_HANDLE hVmDev, PRL_STR sOutputDev, PRL_UINT32_PTR pnOutputDevBufLength) {
    return sync([&] { return get_sound(hVmDev, "SoundOutputs", "Output", sOutputDev, pnOutputDevBufLength); });
}

PRL_RESULT PrlVmDevSound_SetOutputDev(PRL_HANDLE hVmDev, PRL_CONST_STR sNewOutputDev) {
    return sync([&] {
        set_sound(hVmDev, "SoundOutputs", "Output", sNewOutputDev);
        return PRL_ERR_SUCCESS;
    });
}

PRL_RESULT PrlVmDevSound_GetMixerDev(PRL_HANDLE hVmDev, PRL_STR sMixerDev, PRL_UINT32_PTR pnMixerDevBufLength) {
    return sync([&] { return get_sound(hVmDev, "SoundInputs", "Mixer", sMixerDev, pnMixerDevBufLength); });
}

PRL_RESULT PrlVmDevSound_SetMixerDev(PRL_HANDLE hVmDev, PRL_CONST_STR sNewMixerDev) {
    return sync([&] {
        set_sound(hVmDev, "SoundInputs", "Mixer", sNewMixerDev);
        return PRL_ERR_SUCCESS;
    });
}

// A device of no VM: it lives in a private configuration of its own, so
// every device call works on it; nothing is ever stored.
PRL_RESULT PrlVmDev_Create(PRL_DEVICE_TYPE nDeviceType, PRL_HANDLE_PTR phVmDevice) {
    return sync([&] {
        out_ptr(phVmDevice);
        const long long type = enum_in(nDeviceType);
        DeviceKind kind;
        require(type >= 0 && type < PDE_MAX, PRL_ERR_INVALID_ARG, "not a device type");
        if (!device_kind_of(static_cast<PRL_DEVICE_TYPE>(type), &kind)) {
            const bool modelled_elsewhere = type == PDE_GENERIC_PCI_DEVICE || type == PDE_GENERIC_SCSI_DEVICE ||
                                            type == PDE_PCI_VIDEO_ADAPTER;
            fail(modelled_elsewhere ? PRL_ERR_UNSUPPORTED_DEVICE_TYPE : PRL_ERR_INVALID_ARG, "device type not supported");
        }
        auto owner = std::make_shared<Vm>(nullptr);
        owner->edit([&](service::VmConfig& c) {
            if (kind == DeviceKind::hard_disk) {
                service::HardDisk d;
                d.interface_type = PMS_IDE_DEVICE;
                c.hard_disks.push_back(d);
            } else {
                service::Device d;
                d.kind = store_kind(kind);
                if (kind == DeviceKind::cdrom) {
                    d.interface_type = PMS_IDE_DEVICE;
                    d.stack_index = 0;
                }
                if (kind == DeviceKind::network_adapter) d.mac = generate_mac();
                c.devices.push_back(d);
            }
        });
        give(std::make_shared<VmDevice>(owner, kind, 0), phVmDevice);
        return PRL_ERR_SUCCESS;
    });
}

// The image of a hard disk or floppy that uses one. For a registered VM the
// (sparse) file is made now, inside the bundle; for a VM not registered yet
// registration makes it. An existing image is replaced only when allowed.
PRL_HANDLE PrlVmDev_CreateImage(PRL_HANDLE hVmDev, PRL_BOOL bRecreateIsAllowed, PRL_BOOL /*bNonInteractiveMode*/) {
    return async(PJOC_VM_DEV_CREATE_IMAGE, [&] {
        auto dev = handle_cast<VmDevice>(hVmDev);
        const DeviceKind kind = dev->kind();
        require(kind == DeviceKind::hard_disk || kind == DeviceKind::floppy, PRL_ERR_INVALID_ARG,
                "only hard disks and floppies have images to create");
        struct Plan {
            std::string image, home;
            std::uint64_t bytes = 0;
            bool image_file = false;
        } plan;
        if (kind == DeviceKind::hard_disk) {
            plan = dev->with_disk([](service::HardDisk& d, service::VmConfig& c) {
                return Plan{d.image_path, c.home_path, d.size_mib << 20, d.emulated_type == PDT_USE_IMAGE_FILE};
            });
        } else {
            plan = dev->with_device([](service::Device& d, service::VmConfig& c) {
                return Plan{d.system_name, c.home_path, 1474560, d.emulated_type == PDT_USE_IMAGE_FILE};
            });
        }
        require(plan.image_file, PRL_ERR_INVALID_ARG, "the device does not use an image file");
        require(!plan.image.empty(), PRL_ERR_HDD_IMAGE_NOT_SPECIFIED, "no image path");
        const auto& server = dev->vm()->server();
        require(server != nullptr, PRL_ERR_INVALID_ARG, "the device belongs to no VM");
        const bool recreate = bRecreateIsAllowed != PRL_FALSE;
        return give_job(server->start_job(PJOC_VM_DEV_CREATE_IMAGE, [plan, recreate](Job&) -> ResultPtr {
            if (plan.home.empty()) return nullptr;  // made when the VM is registered
            const std::filesystem::path bundle = std::filesystem::path(plan.home).parent_path();
            const std::filesystem::path image = service::image_path_in_bundle(bundle, plan.image);
            struct stat st {};
            if (::lstat(image.c_str(), &st) == 0) {
                if (!recreate) fail(PRL_ERR_HDD_IMAGE_IS_ALREADY_EXIST, "the image already exists: " + image.string());
                if (!S_ISREG(st.st_mode))
                    fail(PRL_ERR_HDD_IMAGE_IS_ALREADY_EXIST, "the image exists and is not a plain file: " + image.string());
                ::unlink(image.c_str());
            }
            service::make_directories(image.parent_path(), 0755);
            service::create_sparse_file(image, plan.bytes);
            return nullptr;
        }));
    });
}

// Grows the image of a registered VM's hard disk to nNewSize MiB (a plain
// image file inside the bundle) and, as the product's dispatcher does, stores
// the disk's new size in the VM's configuration at once (prlctl resizes
// without committing). The client's local copy gets the size too and, if it
// was current, stays current, so its own Commit does not conflict.
// Shrinking is refused (PRL_ERR_DISK_RESIZE_SIZE_TOO_LOW): no guest file
// system is resized here.
PRL_HANDLE PrlVmDev_ResizeImage(PRL_HANDLE hVmDev, PRL_UINT32 nNewSize, PRL_UINT32 nFlags) {
    return async(PJOC_VM_RESIZE_DISK_IMAGE, [&] {
        auto dev = handle_cast<VmDevice>(hVmDev);
        require(dev->kind() == DeviceKind::hard_disk, PRL_ERR_INVALID_ARG, "not a hard disk");
        require(nNewSize != 0, PRL_ERR_INVALID_ARG, "size must be positive");
        require((nFlags & ~static_cast<PRL_UINT32>(PRIF_RESIZE_LAST_PARTITION | PRIF_RESIZE_OFFLINE)) == 0,
                PRL_ERR_INVALID_ARG, "unsupported resize flags");
        struct Plan {
            std::string image, home;
            bool image_file = false;
        };
        const Plan plan = dev->with_disk([](service::HardDisk& d, service::VmConfig& c) {
            return Plan{d.image_path, c.home_path, d.emulated_type == PDT_USE_IMAGE_FILE};
        });
        require(plan.image_file, PRL_ERR_CANT_RESIZE_HDD, "the disk does not use an image file");
        const VmPtr vm = dev->vm();
        require(vm->server() != nullptr && vm->registered() && !plan.home.empty(), PRL_ERR_INVALID_ARG,
                "the VM is not registered");
        auto device = dev.share();
        return give_job(vm->server()->start_job(PJOC_VM_RESIZE_DISK_IMAGE, [plan, device, vm, nNewSize](Job&) -> ResultPtr {
            const std::filesystem::path bundle = std::filesystem::path(plan.home).parent_path();
            const std::filesystem::path image = service::image_path_in_bundle(bundle, plan.image);
            struct stat st {};
            if (::lstat(image.c_str(), &st) != 0) fail(PRL_ERR_HDD_IMAGE_NOT_EXIST, "no image at " + image.string());
            require(S_ISREG(st.st_mode), PRL_ERR_CANT_RESIZE_HDD, "the image is not a plain file");
            const std::uint64_t bytes = static_cast<std::uint64_t>(nNewSize) << 20;
            require(bytes >= static_cast<std::uint64_t>(st.st_size), PRL_ERR_DISK_RESIZE_SIZE_TOO_LOW,
                    "shrinking a disk image is not supported");
            if (::truncate(image.c_str(), static_cast<off_t>(bytes)) != 0)
                fail(PRL_ERR_DISK_RESIZE_FAILED, "cannot resize " + image.string());
            // The stored configuration: the disk with this image gets the size.
            auto svc = vm->server()->service();
            const std::string uuid = vm_ops::registered_uuid(*vm);
            service::VmRecord stored = svc->config(uuid);
            bool found = false;
            for (auto& d : stored.config.hard_disks)
                if (service::image_path_in_bundle(bundle, d.image_path) == image) {
                    d.size_mib = nNewSize;
                    found = true;
                }
            if (found) {
                const auto entry = svc->update_config(uuid, stored.config, stored.entry.revision);
                vm->rebase(stored.entry.revision, entry.revision);
            }
            try {
                device->with_disk([&](service::HardDisk& d, service::VmConfig&) { d.size_mib = nNewSize; });
            } catch (const Error&) {  // the device left the local configuration meanwhile
            }
            return nullptr;
        }));
    });
}

}  // extern "C"
